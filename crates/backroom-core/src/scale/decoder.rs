//! The protocol-independent half of decoding: time, pending commands and the event queue.
//!
//! Each protocol module supplies a framer that cuts bytes into frames and parses them into
//! [`Message`]s, knowing nothing of time or of what was asked. The [`Decoder`] stamps messages
//! with the time, drops partial frames that went stale, reads bare status replies in the light
//! of the command they answer, and reports a claim only once two frames agree on it (see
//! [`agreement`](super::agreement)).

use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, Instant};

use super::agreement::Agreement;
use super::reading::Sample;
use super::{Command, FrameError, Protocol, Range, Refusal, ScaleEvent, Weight};
use super::{hid, mt_sics, nci, toledo_8217, toledo_continuous};
use crate::weight::WeightUnit;

/// A frame whose bytes stop arriving for this long is dropped. At 300 baud a character takes
/// 33 ms, so a real scale never pauses this long inside a frame.
pub const FRAME_TIMEOUT: Duration = Duration::from_millis(500);

/// A command still unanswered after this long is forgotten, so a lost reply cannot make a later
/// status reply look like its answer. MT-SICS `Z` and `T` wait for stability before answering
/// (the simulator up to 2 s by default), and this leaves room for that.
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(5);

/// Commands remembered while waiting for replies; a transport that keeps asking a silent scale
/// must not make this grow without end.
const MAX_PENDING: usize = 8;

pub(super) const STX: u8 = 0x02;
pub(super) const ETX: u8 = 0x03;
pub(super) const LF: u8 = 0x0A;
pub(super) const CR: u8 = 0x0D;

/// A parsed frame, before it is stamped with the time and matched with a command.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Message {
    /// A report of the load; it answers a pending weight request if there is one.
    Reading(Sample),
    /// Status bytes without a weight (NCI, Toledo 8213/8217). They answer the oldest pending
    /// command, and what they mean depends on it: after a zero command, centre of zero means done.
    Status {
        sample: Sample,
        outside_zero_range: bool,
    },
    Reply {
        target: Target,
        answer: Answer,
    },
    Identity(String),
    /// A valid frame with nothing to report, such as the 8217's answer to its echo test.
    Nothing,
    /// The frames are shaped as a scale set to `like` prints weights (Toledo 8213/8217); the
    /// reading that follows is still read in `configured`.
    UnitInDoubt {
        configured: WeightUnit,
        like: WeightUnit,
    },
}

/// Which pending command a reply answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    /// The reply names its command (MT-SICS `Z A`).
    Command(Command),
    /// The reply does not say (MT-SICS `ES`, NCI `?`), so it answers the oldest one.
    Oldest,
    /// The reply answers a command the decoder does not track, such as MT-SICS `I2`.
    Untracked,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Answer {
    Zeroed,
    Tared(Option<Weight>),
    TareCleared,
    Refused(Refusal),
}

/// Cuts bytes into frames and parses them.
pub(super) trait Framing: fmt::Debug + Send {
    fn feed(&mut self, bytes: &[u8], out: &mut Vec<Result<Message, FrameError>>);
    /// Bytes held in a frame that has started but not ended.
    fn partial_len(&self) -> usize;
    /// Drops the unfinished frame, counting its bytes as garbage.
    fn discard_partial(&mut self);
    fn garbage_bytes(&self) -> u64;
    /// Which protocol the frames so far showed, for framers that read more than one.
    fn dialect(&self) -> Option<Protocol> {
        None
    }
}

pub(super) fn framer(protocol: Protocol, unit: WeightUnit) -> Box<dyn Framing> {
    match protocol {
        Protocol::MtSics => Box::<mt_sics::Framer>::default(),
        Protocol::Nci | Protocol::NciScp12 => Box::<nci::Framer>::default(),
        Protocol::Toledo8217 => Box::new(toledo_8217::Framer::new(unit)),
        Protocol::ToledoContinuous => Box::<toledo_continuous::Framer>::default(),
        Protocol::HidPos => Box::new(hid::Framer::new(hid::ReportFormat::default())),
    }
}

/// The decoding state machine for one scale.
#[derive(Debug)]
pub struct Decoder {
    protocol: Protocol,
    framer: Box<dyn Framing>,
    parsed: Vec<Result<Message, FrameError>>,
    events: VecDeque<ScaleEvent>,
    pending: VecDeque<(Command, Instant)>,
    agreement: Agreement,
    last_byte: Option<Instant>,
    last_heard: Option<Instant>,
}

impl Decoder {
    /// A decoder for `protocol`. Toledo 8213/8217 frames carry no unit; this assumes kilograms
    /// for them, as the scale simulator does (see [`Decoder::with_unit`]).
    pub fn new(protocol: Protocol) -> Decoder {
        Decoder::with_unit(protocol, WeightUnit::Kg)
    }

    /// A decoder for a scale set to `unit`; the unit is used only by protocols whose frames do
    /// not name one.
    pub fn with_unit(protocol: Protocol, unit: WeightUnit) -> Decoder {
        Decoder {
            protocol,
            framer: framer(protocol, unit),
            parsed: Vec::new(),
            events: VecDeque::new(),
            pending: VecDeque::new(),
            agreement: Agreement::default(),
            last_byte: None,
            last_heard: None,
        }
    }

    /// A decoder for a USB HID scale whose data reports have `format`. Each
    /// [`push`](Decoder::push) is one input report.
    pub fn hid(format: hid::ReportFormat) -> Decoder {
        Decoder { framer: Box::new(hid::Framer::new(format)), ..Decoder::new(Protocol::HidPos) }
    }

    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// The bytes to write for `command`, or `None` when the protocol has no such command. When
    /// the scale answers the command, the decoder expects the answer from `now` on and reports
    /// it as an event (for example [`ScaleEvent::Zeroed`] for an NCI status showing centre of zero).
    pub fn request(&mut self, command: Command, now: Instant) -> Option<&'static [u8]> {
        let bytes = self.protocol.command(command)?;
        if self.protocol.acknowledges(command) {
            self.forget_old_requests(now);
            if self.pending.len() == MAX_PENDING {
                self.pending.pop_front();
            }
            self.pending.push_back((command, now));
        }
        Some(bytes)
    }

    /// Feeds bytes read from the port at `now`.
    pub fn push(&mut self, bytes: &[u8], now: Instant) {
        self.handle_timeout(now);
        if bytes.is_empty() {
            return;
        }
        self.last_byte = Some(now);
        self.forget_old_requests(now);
        let mut parsed = std::mem::take(&mut self.parsed);
        self.framer.feed(bytes, &mut parsed);
        for result in parsed.drain(..) {
            match result {
                Ok(message) => self.receive(message, now),
                Err(error) => self.fault(error),
            }
        }
        self.parsed = parsed;
    }

    pub fn poll(&mut self) -> Option<ScaleEvent> {
        self.events.pop_front()
    }

    /// Drops a partial frame whose bytes stopped arriving. [`Decoder::push`] does this too; call
    /// this when [`Decoder::poll_timeout`] passes with nothing received.
    pub fn handle_timeout(&mut self, now: Instant) {
        let Some(deadline) = self.poll_timeout() else { return };
        if now >= deadline {
            let bytes = self.framer.partial_len();
            self.framer.discard_partial();
            self.fault(FrameError::Stale { bytes });
        }
    }

    /// When the partial frame being held goes stale, if there is one.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.framer.partial_len() == 0 {
            return None;
        }
        self.last_byte.map(|last| last + FRAME_TIMEOUT)
    }

    /// Received bytes that were not part of a readable frame, since the decoder was made.
    pub fn garbage_bytes(&self) -> u64 {
        self.framer.garbage_bytes()
    }

    /// When the last readable frame arrived.
    pub fn last_heard(&self) -> Option<Instant> {
        self.last_heard
    }

    /// Whether no readable frame has arrived for `timeout`, so the transport can show the scale
    /// as offline. A decoder that has not read a frame yet is silent.
    pub fn is_silent(&self, now: Instant, timeout: Duration) -> bool {
        self.last_heard.is_none_or(|heard| now.saturating_duration_since(heard) >= timeout)
    }

    fn forget_old_requests(&mut self, now: Instant) {
        self.pending.retain(|&(_, sent)| now.saturating_duration_since(sent) < REPLY_TIMEOUT);
    }

    /// Marks `command` answered, with any older commands whose replies never came.
    fn settle(&mut self, command: Command) {
        if let Some(index) = self.pending.iter().position(|&(pending, _)| pending == command) {
            self.pending.drain(..=index);
        }
    }

    fn fault(&mut self, error: FrameError) {
        self.agreement.interrupt();
        self.events.push_back(ScaleEvent::Fault(error));
    }

    fn receive(&mut self, message: Message, now: Instant) {
        self.last_heard = Some(now);
        let event = match message {
            Message::Reading(sample) => {
                self.settle(Command::Weight);
                self.reading(sample, now)
            }
            Message::Status { sample, outside_zero_range } => {
                let command = self.pending.pop_front().map(|(command, _)| command);
                match command
                    .and_then(|command| status_answer(&sample, outside_zero_range, command))
                {
                    Some(answer) => {
                        self.agreement.interrupt();
                        answer
                    }
                    None => self.reading(sample, now),
                }
            }
            Message::Reply { target, answer } => {
                self.agreement.interrupt();
                let command = match target {
                    Target::Command(command) => {
                        self.settle(command);
                        Some(command)
                    }
                    Target::Oldest => self.pending.pop_front().map(|(command, _)| command),
                    Target::Untracked => None,
                };
                match answer {
                    Answer::Zeroed => ScaleEvent::Zeroed,
                    Answer::Tared(tare) => ScaleEvent::Tared { tare },
                    Answer::TareCleared => ScaleEvent::TareCleared,
                    Answer::Refused(reason) => ScaleEvent::Refused { command, reason },
                }
            }
            Message::Identity(text) => {
                self.agreement.interrupt();
                ScaleEvent::Identity { text }
            }
            Message::Nothing => {
                self.agreement.interrupt();
                return;
            }
            // Not a frame of its own: the reading of the same frame follows.
            Message::UnitInDoubt { configured, like } => {
                ScaleEvent::UnitInDoubt { configured, like }
            }
        };
        self.events.push_back(event);
    }

    fn reading(&mut self, sample: Sample, now: Instant) -> ScaleEvent {
        ScaleEvent::Reading(self.agreement.judge(sample).reading(self.protocol, now))
    }
}

/// Reads a bare status as the answer to `command`. The NCI and 8213/8217 scales answer zero and
/// tare commands with their status, so success shows only in the flags. `None` when the status
/// answers a weight request, and so is a reading.
fn status_answer(
    sample: &Sample,
    outside_zero_range: bool,
    command: Command,
) -> Option<ScaleEvent> {
    let range_refusal = match sample.range {
        Range::InRange => None,
        Range::Over | Range::OutOfRange => Some(Refusal::AboveRange),
        Range::Under => Some(Refusal::BelowRange),
    };
    let refused = |reason| ScaleEvent::Refused { command: Some(command), reason };
    Some(match command {
        Command::Weight => return None,
        Command::Zero => {
            if outside_zero_range {
                refused(Refusal::OutsideZeroRange)
            } else if sample.motion {
                refused(Refusal::Motion)
            } else if let Some(reason) = range_refusal {
                refused(reason)
            } else if sample.at_zero == Some(true) {
                ScaleEvent::Zeroed
            } else {
                refused(Refusal::NotAtZero)
            }
        }
        Command::Tare => {
            if sample.motion {
                refused(Refusal::Motion)
            } else if let Some(reason) = range_refusal {
                refused(reason)
            } else {
                ScaleEvent::Tared { tare: None }
            }
        }
        Command::ClearTare => ScaleEvent::TareCleared,
    })
}

/// The weight unit a scale writes as `symbol`, in lower case as MT-SICS and SCP-01 write it.
pub(super) fn unit_named(symbol: &str) -> Result<WeightUnit, FrameError> {
    [WeightUnit::G, WeightUnit::Kg, WeightUnit::Lb, WeightUnit::Oz]
        .into_iter()
        .find(|unit| unit.symbol() == symbol)
        .ok_or_else(|| FrameError::UnsupportedUnit { unit: symbol.to_owned() })
}

pub(super) fn unreadable(frame: &[u8]) -> FrameError {
    FrameError::Unreadable { frame: frame.escape_ascii().to_string() }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::scale::Reading;

    /// Pushes `bytes` at `at` and returns every event that came out.
    pub fn feed(decoder: &mut Decoder, bytes: &[u8], at: Instant) -> Vec<ScaleEvent> {
        decoder.push(bytes, at);
        std::iter::from_fn(|| decoder.poll()).collect()
    }

    /// Pushes `bytes` one at a time and returns every event that came out.
    pub fn feed_bytewise(decoder: &mut Decoder, bytes: &[u8], at: Instant) -> Vec<ScaleEvent> {
        bytes.chunks(1).flat_map(|byte| feed(decoder, byte, at)).collect()
    }

    /// The single reading `bytes` decode to, checking nothing else came out but a doubt about
    /// the unit (the Toledo 8217 tests read two-decimal frames as kilograms, as the simulator
    /// sends them).
    pub fn reading(decoder: &mut Decoder, bytes: &[u8], at: Instant) -> Reading {
        let mut events = feed(decoder, bytes, at);
        events.retain(|event| !matches!(event, ScaleEvent::UnitInDoubt { .. }));
        match events.as_slice() {
            [ScaleEvent::Reading(reading)] => reading.clone(),
            other => panic!(
                "expected one reading from {:?}, got {other:?}",
                bytes.escape_ascii().to_string()
            ),
        }
    }

    /// The reading the second of two copies of `bytes` decodes to, checking that the first was
    /// reported as unsettled: a claim needs a second frame that agrees.
    pub fn settled(decoder: &mut Decoder, bytes: &[u8], at: Instant) -> Reading {
        let first = reading(decoder, bytes, at);
        assert!(first.motion && first.range == Range::InRange && !first.fault, "{first:?}");
        reading(decoder, bytes, at)
    }

    /// Asserts a reading carries `value` in `unit`, and its grams.
    pub fn assert_weight(reading: &Reading, value: f64, unit: WeightUnit) {
        let weight = reading.weight.unwrap_or_else(|| panic!("no weight in {reading:?}"));
        assert_eq!(weight.unit, unit, "{reading:?}");
        assert!((weight.value - value).abs() < 1e-9, "{} != {value}", weight.value);
        assert!((weight.grams - unit.to_grams(value)).abs() < 1e-6, "{reading:?}");
    }

    #[test]
    fn silent_until_a_frame_arrives_and_again_after_the_timeout() {
        let start = Instant::now();
        let timeout = Duration::from_secs(2);
        let mut decoder = Protocol::Nci.decoder();
        assert!(decoder.is_silent(start, timeout));
        decoder.push(b"\x15\x16", start);
        assert!(decoder.is_silent(start, timeout), "garbage is not a sign of life");
        decoder.push(b"\n00\r\x03", start);
        assert_eq!(decoder.last_heard(), Some(start));
        assert!(!decoder.is_silent(start + Duration::from_millis(1999), timeout));
        assert!(decoder.is_silent(start + timeout, timeout));
    }

    #[test]
    fn a_stale_partial_frame_is_dropped_by_the_timeout_alone() {
        let start = Instant::now();
        let mut decoder = Protocol::Toledo8217.decoder();
        decoder.push(b"\x02001.", start);
        assert_eq!(decoder.poll_timeout(), Some(start + FRAME_TIMEOUT));
        decoder.handle_timeout(start + FRAME_TIMEOUT - Duration::from_millis(1));
        assert_eq!(decoder.poll(), None);
        decoder.handle_timeout(start + FRAME_TIMEOUT);
        assert_eq!(decoder.poll(), Some(ScaleEvent::Fault(FrameError::Stale { bytes: 5 })));
        assert_eq!(decoder.poll_timeout(), None);
        assert_eq!(decoder.garbage_bytes(), 5);
        let late = reading(&mut decoder, b"23\r\x02001.23\r", start + FRAME_TIMEOUT);
        assert_weight(&late, 1.23, WeightUnit::Kg);
        assert_eq!(decoder.garbage_bytes(), 8);
    }

    #[test]
    fn a_status_answers_the_oldest_command_and_old_commands_are_forgotten() {
        let start = Instant::now();
        let mut decoder = Protocol::Nci.decoder();
        assert_eq!(decoder.request(Command::Zero, start), Some(&b"Z\r"[..]));
        assert_eq!(decoder.request(Command::Weight, start), Some(&b"W\r"[..]));
        let events = feed(&mut decoder, b"\n20\r\x03\n000.00lb\r\n20\r\x03", start);
        assert!(
            matches!(events.as_slice(), [ScaleEvent::Zeroed, ScaleEvent::Reading(_)]),
            "{events:?}"
        );

        decoder.request(Command::Zero, start);
        let later = start + REPLY_TIMEOUT;
        let events = feed(&mut decoder, b"\n20\r\x03", later);
        assert!(matches!(events.as_slice(), [ScaleEvent::Reading(_)]), "{events:?}");
    }

    #[test]
    fn pending_commands_stay_bounded() {
        let start = Instant::now();
        let mut decoder = Protocol::Toledo8217.decoder();
        decoder.request(Command::Zero, start);
        for _ in 0..MAX_PENDING {
            decoder.request(Command::Weight, start);
        }
        let events = feed(&mut decoder, b"\x02?P\r", start);
        assert!(matches!(events.as_slice(), [ScaleEvent::Reading(_)]), "{events:?}");
    }

    #[test]
    fn commands_without_an_answer_are_not_awaited() {
        let start = Instant::now();
        let mut decoder = Protocol::NciScp12.decoder();
        assert_eq!(decoder.request(Command::Zero, start), Some(&b"Z\r"[..]));
        assert_eq!(decoder.request(Command::Tare, start), None);
        let over = settled(&mut decoder, b"\n02\r\x03", start);
        assert_eq!(over.range, Range::Over);
    }

    #[test]
    fn a_reply_between_two_frames_keeps_them_from_agreeing() {
        let start = Instant::now();
        let mut decoder = Protocol::MtSics.decoder();
        let frame = b"S S      1.234 kg\r\n";
        assert!(reading(&mut decoder, frame, start).motion);
        assert_eq!(feed(&mut decoder, b"Z A\r\n", start), [ScaleEvent::Zeroed]);
        assert!(reading(&mut decoder, frame, start).motion);
        assert_eq!(reading(&mut decoder, frame, start).stable_grams(), Some(1234.0));
    }

    #[test]
    fn a_damaged_frame_between_two_frames_keeps_them_from_agreeing() {
        let start = Instant::now();
        let mut decoder = Protocol::MtSics.decoder();
        let frame = b"S S      1.234 kg\r\n";
        assert!(reading(&mut decoder, frame, start).motion);
        let events = feed(&mut decoder, b"S S      1.2#4 kg\r\n", start);
        assert!(matches!(events.as_slice(), [ScaleEvent::Fault(_)]), "{events:?}");
        assert!(reading(&mut decoder, frame, start).motion);
    }
}
