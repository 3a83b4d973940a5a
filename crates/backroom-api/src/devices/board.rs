//! What the stations' devices show and wait for now, in memory: the board of each station's
//! latest scale reading (which the weight audit reads), the Zero and Tare keys and the slips
//! waiting for the stations' own computers. Every command reaches it through its context; it
//! reaches no command.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

use backroom_core::scale::{Command, Protocol};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::devices::scale_port::{ScaleRemote, ScaleState, ScaleStatus};
use crate::error::ApiError;

/// The shortest time between two published readings of one scale while its state stays the
/// same: twenty a second, more than a live weight on screen needs. The board itself takes
/// every reading.
pub const MIN_INTERVAL: Duration = Duration::from_millis(50);

/// How long a scale at a station's computer may go unheard before the board shows it offline:
/// the station's program sends a reading at least every second, so this is a few lost ones.
pub const STATION_SILENCE: Duration = Duration::from_secs(5);

/// What each watched station's scale showed last.
#[derive(Debug, Default)]
pub struct ScaleBoard {
    latest: Mutex<HashMap<String, Seen>>,
    remotes: Mutex<HashMap<String, ScaleRemote>>,
    /// Slips waiting for the printers at stations' computers, which also reach the host only
    /// through the stations' programs.
    print_jobs: StationPrintJobs,
    /// Zero and Tare keys waiting for the scales at stations' computers.
    keys: StationScaleKeys,
}

#[derive(Debug, Clone)]
struct Seen {
    status: ScaleStatus,
    /// When it arrived, by this machine's clock.
    at: Instant,
    scale: String,
    /// Whether it came from a scale at the station's own computer, over the network.
    from_station: Option<FromStation>,
}

/// What the board keeps of a scale at a station's computer besides its status.
#[derive(Debug, Clone, Copy)]
struct FromStation {
    /// The state and time of the last status published as an event, for [`due`].
    published: Option<(ScaleState, Instant)>,
    /// Whether the board already said the station went silent.
    silence_told: bool,
    /// Whether the station's program sent anything yet.
    heard: bool,
}

/// A station's scale as the board knows it now.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardReading {
    /// The last status, its `age_ms` brought up to now.
    pub status: ScaleStatus,
    /// Which scale: its protocol and port, for the audit log.
    pub scale: String,
}

impl ScaleBoard {
    /// Keeps `status` as the latest of `station`'s scale.
    pub fn record(&self, station: &str, scale: &str, status: ScaleStatus) {
        let seen = Seen { status, at: Instant::now(), scale: scale.to_owned(), from_station: None };
        self.lock().insert(station.to_owned(), seen);
    }

    /// Keeps `status`, sent by the program at `station`'s computer, as the latest of its scale,
    /// stamped with this machine's clock now. Gives whether it is due as an event, by the same
    /// throttle as a scale the host watches.
    pub fn record_from_station(&self, station: &str, scale: &str, status: ScaleStatus) -> bool {
        let now = Instant::now();
        let mut latest = self.lock();
        let published = latest.get(station).and_then(|seen| seen.from_station?.published);
        let publish = due(published, status.state, now);
        let published = if publish { Some((status.state, now)) } else { published };
        let from_station = Some(FromStation { published, silence_told: false, heard: true });
        let seen = Seen { status, at: now, scale: scale.to_owned(), from_station };
        latest.insert(station.to_owned(), seen);
        publish
    }

    /// Shows `station`'s scale as offline until its computer sends a reading, unless it already
    /// sent one: a verdict at a station whose scale is at its computer never rests on a weight
    /// the screen typed while that scale is away.
    pub fn await_station(&self, station: &str, scale: &str, protocol: Protocol) {
        let mut latest = self.lock();
        if latest.get(station).is_some_and(|seen| seen.from_station.is_some()) {
            return;
        }
        let status = ScaleStatus {
            state: ScaleState::Offline,
            protocol,
            grams: None,
            value: None,
            unit: None,
            net: None,
            age_ms: None,
            detail: Some(NOT_HEARD.to_owned()),
        };
        let from_station = Some(FromStation { published: None, silence_told: false, heard: false });
        let seen = Seen { status, at: Instant::now(), scale: scale.to_owned(), from_station };
        latest.insert(station.to_owned(), seen);
    }

    /// The scales at stations' computers that went silent since the last call, as they show
    /// now, to be published once each.
    pub fn newly_silent(&self) -> Vec<(String, ScaleStatus)> {
        let mut latest = self.lock();
        let mut silent = Vec::new();
        for (station, seen) in latest.iter_mut() {
            let Some(from) = seen.from_station.as_mut() else { continue };
            if from.silence_told || seen.at.elapsed() < STATION_SILENCE {
                continue;
            }
            from.silence_told = true;
            if seen.status.state != ScaleState::Offline {
                silent.push((station.clone(), aged(seen)));
            }
        }
        silent
    }

    /// Stops reporting `station`: its scale is no longer watched.
    pub fn forget(&self, station: &str) {
        self.lock().remove(station);
        lock(&self.remotes).remove(station);
    }

    /// The slips waiting for the printers at stations' computers.
    pub fn print_jobs(&self) -> &StationPrintJobs {
        &self.print_jobs
    }

    /// The Zero and Tare keys waiting for the scales at stations' computers.
    pub fn keys(&self) -> &StationScaleKeys {
        &self.keys
    }

    /// Where `station`'s scale is at its own computer: the protocol it speaks, and whether the
    /// station's program sent a reading within [`STATION_SILENCE`].
    pub(crate) fn at_station(&self, station: &str) -> Option<(Protocol, bool)> {
        let latest = self.lock();
        let seen = latest.get(station)?;
        let from = seen.from_station?;
        Some((seen.status.protocol, from.heard && seen.at.elapsed() < STATION_SILENCE))
    }

    /// Keeps the way to send commands to `station`'s scale.
    pub fn attach(&self, station: &str, remote: ScaleRemote) {
        lock(&self.remotes).insert(station.to_owned(), remote);
    }

    /// The way to send commands to `station`'s scale, or `None` where no scale is watched.
    pub fn remote(&self, station: &str) -> Option<ScaleRemote> {
        lock(&self.remotes).get(station).cloned()
    }

    /// The latest status of `station`'s scale, or `None` when no scale is watched there.
    pub fn reading(&self, station: &str) -> Option<BoardReading> {
        let seen = self.lock().get(station).cloned()?;
        Some(BoardReading { status: aged(&seen), scale: seen.scale })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Seen>> {
        lock(&self.latest)
    }
}

/// Why a scale at a station's computer shows offline while it has sent nothing yet.
const NOT_HEARD: &str = "waiting for the station's computer to send its scale's readings";

/// A status as it stands now: its age brought up to now, and a scale at a station's computer
/// unheard for [`STATION_SILENCE`] offline, whatever it showed last.
fn aged(seen: &Seen) -> ScaleStatus {
    let mut status = seen.status.clone();
    let since = u64::try_from(seen.at.elapsed().as_millis()).unwrap_or(u64::MAX);
    status.age_ms = status.age_ms.map(|age| age.saturating_add(since));
    if seen.from_station.is_some() && seen.at.elapsed() >= STATION_SILENCE {
        status.state = ScaleState::Offline;
        status.age_ms = Some(status.age_ms.unwrap_or(since));
        status.detail = Some(
            "the station's computer stopped sending its scale's readings: check that Backroom \
             runs there and reaches this host"
                .to_owned(),
        );
    }
    status
}

fn lock<T>(map: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panicking writer cannot leave a half-written entry: insert and remove are whole.
    map.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The keys a bench presses on screen for its scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ScaleKeyName {
    Zero,
    Tare,
}

impl ScaleKeyName {
    /// What the monitor sends the scale for this key.
    pub fn command(self) -> Command {
        match self {
            ScaleKeyName::Zero => Command::Zero,
            ScaleKeyName::Tare => Command::Tare,
        }
    }
}

/// A key on its way to the scale at a station's computer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct KeyPress {
    pub id: u64,
    pub key: ScaleKeyName,
}

/// What the station's program reports after pressing a key on its scale.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct KeyPressed {
    pub id: u64,
    pub done: KeyDone,
}

/// The Zero and Tare keys waiting for the scales at stations' computers, in memory: a key is
/// pressed while the packer waits, or not at all.
#[derive(Debug, Default)]
pub struct StationScaleKeys {
    next: AtomicU64,
    waiting: Mutex<HashMap<String, VecDeque<KeyPress>>>,
    answers: Mutex<HashMap<u64, (String, mpsc::Sender<KeyDone>)>>,
}

impl StationScaleKeys {
    /// Hands `command` to `station`'s program and waits up to `wait` for what its scale did;
    /// `None` when the station did not answer in time.
    pub fn press(&self, station: &str, key: ScaleKeyName, wait: Duration) -> Option<KeyDone> {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let (send, answer) = mpsc::channel();
        lock(&self.answers).insert(id, (station.to_owned(), send));
        lock(&self.waiting).entry(station.to_owned()).or_default().push_back(KeyPress { id, key });
        let done = answer.recv_timeout(wait).ok();
        lock(&self.answers).remove(&id);
        if let Some(keys) = lock(&self.waiting).get_mut(station) {
            keys.retain(|key| key.id != id);
        }
        done
    }

    /// The next key waiting for `station`'s scale.
    pub fn take(&self, station: &str) -> Option<KeyPress> {
        lock(&self.waiting).get_mut(station)?.pop_front()
    }

    /// Hands what `station`'s scale did with a key to the packer waiting for it. A late answer,
    /// or one for another station's key, finds nobody waiting.
    pub fn finish(&self, station: &str, pressed: KeyPressed) {
        let answers = lock(&self.answers);
        if let Some((_, answer)) = answers.get(&pressed.id).filter(|(owner, _)| owner == station) {
            let _ = answer.send(pressed.done);
        }
    }
}

/// What a scale did with a Zero or Tare key: the words a station's program sends back for a
/// scale at its computer, and what a scale the host watches is read into.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KeyDone {
    /// The scale said it did it; the tare it took, in grams, where it says.
    Confirmed { tare_g: Option<f64> },
    /// The command went out; this scale never confirms.
    Sent,
    /// The scale takes no such command over its cable.
    Unsupported,
    /// The scale is not connected (unplugged, switched off, its monitor stopped).
    NotConnected,
    /// Refused, no answer in time, over or under range: the scale's reason, for the bench.
    Failed { reason: String },
}

/// Whether a status in `state` at `now` goes out, given the state and time of the last one
/// published: a change of state (stable, in motion, offline, ...) always does, a reading in
/// the same state once [`MIN_INTERVAL`] has passed. The monitor reports every reading, so a
/// weight held back is followed by a newer one within a poll.
pub fn due(last: Option<(ScaleState, Instant)>, state: ScaleState, now: Instant) -> bool {
    match last {
        None => true,
        Some((last_state, at)) => {
            last_state != state || now.saturating_duration_since(at) >= MIN_INTERVAL
        }
    }
}

// The slips waiting for the stations' own printers.

/// A slip or a sheet of labels the host rendered for a station whose printer is at its own
/// computer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StationPrintJob {
    pub id: u64,
    pub title: String,
    /// The `lp` options that make the page come out at its own size.
    pub options: Vec<String>,
    /// The PDF, base64.
    pub pdf_base64: String,
}

/// The next slip waiting for this station's printer, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WaitingPrintJob {
    pub job: Option<StationPrintJob>,
}

/// What became of a slip at the station's printer: its CUPS job id, or what went wrong.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct PrintJobDone {
    pub id: u64,
    #[serde(default)]
    pub job_id: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
}

/// How long the person at the bench waits for the station's computer to print.
const STATION_PRINT_WAIT: std::time::Duration = std::time::Duration::from_secs(20);
/// A station that asked for slips less recently than this is taken to be away: the packer is
/// told at once rather than after [`STATION_PRINT_WAIT`].
const STATION_AWAY: std::time::Duration = std::time::Duration::from_secs(5);

type Answer = std::sync::mpsc::Sender<Result<String, String>>;

/// The slips waiting for the stations' own printers, held in memory: a slip is printed while
/// the packer waits, or not at all, so nothing is printed late after a restart.
#[derive(Debug, Default)]
pub struct StationPrintJobs {
    next: std::sync::atomic::AtomicU64,
    waiting: std::sync::Mutex<HashMap<String, VecDeque<StationPrintJob>>>,
    answers: std::sync::Mutex<HashMap<u64, (String, Answer)>>,
    asked: std::sync::Mutex<HashMap<String, std::time::Instant>>,
}

impl StationPrintJobs {
    /// Hands a slip to `station`'s program and waits for what its printer said; gives the
    /// CUPS job id there.
    pub fn print(
        &self,
        station: &str,
        title: &str,
        options: Vec<String>,
        pdf: &[u8],
    ) -> Result<String, ApiError> {
        use base64::Engine;
        let away = lock(&self.asked).get(station).is_none_or(|at| at.elapsed() > STATION_AWAY);
        if away {
            return Err(ApiError::conflict(format!(
                "the computer at {station} is not connected to the host, so its printer cannot \
                 print: check that Backroom runs there"
            )));
        }
        let id = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let pdf_base64 = base64::engine::general_purpose::STANDARD.encode(pdf);
        let job = StationPrintJob { id, title: title.to_owned(), options, pdf_base64 };
        let (send, answer) = std::sync::mpsc::channel();
        lock(&self.answers).insert(id, (station.to_owned(), send));
        lock(&self.waiting).entry(station.to_owned()).or_default().push_back(job);
        let outcome = answer.recv_timeout(STATION_PRINT_WAIT);
        lock(&self.answers).remove(&id);
        if let Some(jobs) = lock(&self.waiting).get_mut(station) {
            jobs.retain(|job| job.id != id);
        }
        match outcome {
            Ok(Ok(job_id)) => Ok(job_id),
            Ok(Err(error)) => Err(ApiError::conflict(error)),
            Err(_) => Err(ApiError::conflict(format!(
                "the computer at {station} did not print in time: check its printer, then print \
                 again"
            ))),
        }
    }

    /// The next slip waiting for `station`'s printer; notes that the station is there.
    pub fn take(&self, station: &str) -> Option<StationPrintJob> {
        lock(&self.asked).insert(station.to_owned(), std::time::Instant::now());
        lock(&self.waiting).get_mut(station)?.pop_front()
    }

    /// Whether a slip waits for `station`'s printer.
    pub fn any_waiting(&self, station: &str) -> bool {
        lock(&self.waiting).get(station).is_some_and(|jobs| !jobs.is_empty())
    }

    /// Hands what `station`'s printer did with a slip to the packer waiting for it.
    pub fn finish(&self, station: &str, done: PrintJobDone) -> Result<(), ApiError> {
        let answers = lock(&self.answers);
        let Some((owner, answer)) = answers.get(&done.id).filter(|(owner, _)| owner == station)
        else {
            // Too late (the packer was told it timed out) or another station's: nobody waits.
            return Ok(());
        };
        debug_assert_eq!(owner, station);
        let outcome = match (done.job_id, done.error) {
            (_, Some(error)) => Err(error),
            (Some(job_id), None) => Ok(job_id),
            (None, None) => Err("the station's printer gave no job number".to_owned()),
        };
        let _ = answer.send(outcome);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn readings_are_throttled_but_state_changes_are_not() {
        let start = Instant::now();
        let ms = |n| start + Duration::from_millis(n);
        assert!(due(None, ScaleState::Motion, start));
        let last = Some((ScaleState::Motion, start));
        assert!(!due(last, ScaleState::Motion, ms(10)));
        assert!(!due(last, ScaleState::Motion, ms(49)));
        assert!(due(last, ScaleState::Motion, ms(50)));
        assert!(due(last, ScaleState::Stable, ms(1)));
        assert!(due(last, ScaleState::Offline, ms(1)));
    }

    fn stable(grams: f64, age_ms: u64) -> ScaleStatus {
        ScaleStatus {
            state: ScaleState::Stable,
            protocol: Protocol::MtSics,
            grams: Some(grams),
            value: Some(grams / 1000.0),
            unit: None,
            net: None,
            age_ms: Some(age_ms),
            detail: None,
        }
    }

    #[test]
    fn a_key_for_a_stations_scale_waits_for_that_stations_program_and_its_answer() {
        let keys = Arc::new(StationScaleKeys::default());
        let waiting = Arc::clone(&keys);
        let packer = std::thread::spawn(move || {
            waiting.press("Bench A", ScaleKeyName::Zero, Duration::from_secs(30))
        });
        let press = loop {
            if let Some(press) = keys.take("Bench A") {
                break press;
            }
            assert_eq!(keys.take("Bench B"), None, "another bench took A's key");
            std::thread::yield_now();
        };
        assert_eq!(press.key, ScaleKeyName::Zero);
        // Another station answering for A's key is nobody's answer.
        keys.finish("Bench B", KeyPressed { id: press.id, done: KeyDone::Sent });
        let done = KeyDone::Confirmed { tare_g: None };
        keys.finish("Bench A", KeyPressed { id: press.id, done: done.clone() });
        assert_eq!(packer.join().unwrap(), Some(done));

        // Nobody takes it: the packer hears nothing came, and the key is not pressed later.
        assert_eq!(keys.press("Bench A", ScaleKeyName::Tare, Duration::from_millis(20)), None);
        assert_eq!(keys.take("Bench A"), None);
    }

    #[test]
    fn a_scale_at_a_stations_computer_is_offline_until_it_is_heard_and_its_events_are_throttled() {
        let board = ScaleBoard::default();
        board.await_station("Bench A", "mt-sics on /dev/ttyUSB0 at Bench A", Protocol::MtSics);
        let waiting = board.reading("Bench A").expect("an entry, so no typed weight stands in");
        assert_eq!(waiting.status.state, ScaleState::Offline);
        assert!(waiting.status.detail.unwrap().contains("waiting for the station"));

        assert!(board.record_from_station("Bench A", "at Bench A", stable(860.0, 3)));
        assert!(!board.record_from_station("Bench A", "at Bench A", stable(861.0, 3)), "throttled");
        let seen = board.reading("Bench A").unwrap();
        assert_eq!((seen.status.state, seen.status.grams), (ScaleState::Stable, Some(861.0)));
        // Settings read again do not put a heard scale back to waiting.
        board.await_station("Bench A", "at Bench A", Protocol::MtSics);
        assert_eq!(board.reading("Bench A").unwrap().status.grams, Some(861.0));
        assert!(board.newly_silent().is_empty(), "heard just now");
    }

    #[test]
    fn the_board_keeps_the_latest_status_per_station_and_ages_it() {
        let board = ScaleBoard::default();
        assert_eq!(board.reading("Pack 1"), None);
        board.record("Pack 1", "mt-sics on /dev/ttyUSB0", stable(1000.0, 5));
        board.record("Pack 1", "mt-sics on /dev/ttyUSB0", stable(1250.0, 5));
        std::thread::sleep(Duration::from_millis(30));
        let seen = board.reading("Pack 1").expect("a reading");
        assert_eq!(seen.status.grams, Some(1250.0));
        assert!(seen.status.age_ms.unwrap() >= 35, "age grows: {:?}", seen.status.age_ms);
        assert_eq!(seen.scale, "mt-sics on /dev/ttyUSB0");
        assert_eq!(board.reading("Pack 2"), None);
        board.forget("Pack 1");
        assert_eq!(board.reading("Pack 1"), None);
    }
}
