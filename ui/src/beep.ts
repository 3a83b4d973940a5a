// Scanner feedback by ear: an operator looking at the shelf, not the screen, still knows
// whether the scan took.

let context: AudioContext | null = null;

function tone(frequency: number, start: number, seconds: number, wave: OscillatorType): void {
  if (!context) return;
  const osc = context.createOscillator();
  const gain = context.createGain();
  osc.type = wave;
  osc.frequency.value = frequency;
  gain.gain.setValueAtTime(0.2, context.currentTime + start);
  gain.gain.setValueAtTime(0, context.currentTime + start + seconds);
  osc.connect(gain).connect(context.destination);
  osc.start(context.currentTime + start);
  osc.stop(context.currentTime + start + seconds);
}

function ready(): boolean {
  try {
    context ??= new AudioContext();
    if (context.state === "suspended") void context.resume();
    return true;
  } catch {
    // No audio device (or no WebAudio): the colours still tell.
    return false;
  }
}

/** One short high beep: the scan was found. */
export function beepOk(): void {
  if (ready()) tone(1320, 0, 0.08, "sine");
}

/** Two low buzzes: the scan was not found or failed. */
export function beepError(): void {
  if (!ready()) return;
  tone(220, 0, 0.15, "square");
  tone(180, 0.2, 0.25, "square");
}

/** A rising chime: the package passed its weight check. Longer than a scan's beep, so it is told apart. */
export function chimePass(): void {
  if (!ready()) return;
  tone(880, 0, 0.12, "sine");
  tone(1175, 0.12, 0.12, "sine");
  tone(1760, 0.24, 0.25, "sine");
}

/** A long falling alarm: the package failed its weight check and must not leave the bench. */
export function alarmFail(): void {
  if (!ready()) return;
  tone(440, 0, 0.3, "sawtooth");
  tone(330, 0.3, 0.3, "sawtooth");
  tone(220, 0.6, 0.5, "sawtooth");
}
