//! METTLER TOLEDO Standard Interface Command Set (MT-SICS), levels 0 and 1.
//!
//! Every reply is one ASCII line ending in CR LF: an identifier, then one space and a status,
//! and for weights one space, the value right-aligned in ten characters with its sign directly
//! before the first digit, one space and the unit, as in `S S      1.234 kg`. There is no
//! checksum and no net or centre-of-zero flag. A reply fills its line: a line with anything
//! else on it, before the reply or inside it, is unreadable.

use super::decoder::{Answer, CR, Framing, LF, Message, Target, unit_named, unreadable};
use super::field::{self, Point};
use super::reading::Sample;
use super::{Command, FrameError, Range, Refusal, Weight};

/// `SI` answers at once, settled or not, so a display can follow the load; `S` would wait for
/// stability and block other commands meanwhile.
const WEIGHT_REQUEST: &[u8] = b"SI\r\n";
const ZERO: &[u8] = b"Z\r\n";
const TARE: &[u8] = b"T\r\n";
const CLEAR_TARE: &[u8] = b"TAC\r\n";

/// Longer than any reply; a line that grows past this is noise and is dropped up to its LF.
const MAX_LINE: usize = 128;

/// The value field of a weight reply, right-aligned: `    -0.004`.
const VALUE_WIDTH: usize = 10;

pub(super) fn command(command: Command) -> Option<&'static [u8]> {
    Some(match command {
        Command::Weight => WEIGHT_REQUEST,
        Command::Zero => ZERO,
        Command::Tare => TARE,
        Command::ClearTare => CLEAR_TARE,
    })
}

#[derive(Debug, Default)]
pub(super) struct Framer {
    line: Vec<u8>,
    /// Bytes of a line that grew past [`MAX_LINE`], dropped until its LF.
    overlong: usize,
    garbage: u64,
}

impl Framing for Framer {
    fn feed(&mut self, bytes: &[u8], out: &mut Vec<Result<Message, FrameError>>) {
        for &byte in bytes {
            if byte == LF {
                self.end_line(out);
            } else if self.overlong > 0 {
                self.overlong += 1;
            } else {
                self.line.push(byte);
                if self.line.len() > MAX_LINE {
                    self.overlong = self.line.len();
                    self.line.clear();
                    out.push(Err(FrameError::Overflow { bytes: self.overlong }));
                }
            }
        }
    }

    fn partial_len(&self) -> usize {
        self.line.len() + self.overlong
    }

    fn discard_partial(&mut self) {
        self.garbage += self.partial_len() as u64;
        self.line.clear();
        self.overlong = 0;
    }

    fn garbage_bytes(&self) -> u64 {
        self.garbage
    }
}

impl Framer {
    /// Reads the line an LF just ended. Bytes in front of a reply are not skipped: the tail of
    /// a damaged line can look like a whole reply (`x5S +` would read as over capacity).
    fn end_line(&mut self, out: &mut Vec<Result<Message, FrameError>>) {
        let line = std::mem::take(&mut self.line);
        let overlong = std::mem::take(&mut self.overlong);
        let dropped = (line.len() + overlong + 1) as u64;
        // An overlong line was reported when it overflowed; an empty one holds nothing.
        if overlong > 0 || line.is_empty() || line == [CR] {
            self.garbage += dropped;
            return;
        }
        // Every reply ends in CR LF; a line without the CR is unreadable too.
        let result =
            line.strip_suffix(&[CR]).and_then(parse).unwrap_or_else(|| Err(unreadable(&line)));
        if result.is_err() {
            self.garbage += dropped;
        }
        out.push(result);
    }
}

/// What follows a reply's identifier.
enum Fields<'a> {
    /// Nothing: `ES`.
    Bare,
    /// One status character: `S +`, `Z A`.
    Status(&'a str),
    /// A status, the value field and the unit: `S S      1.234 kg`.
    Weight { status: &'a str, value: &'a str, unit: &'a str },
    /// Quoted text: `I4 A "0123456789"`.
    Text(&'a str),
}

impl Fields<'_> {
    /// Splits what follows the identifier's space (`rest` is `None` for a bare identifier);
    /// `None` when it has no reply's shape.
    fn split(rest: Option<&str>) -> Option<Fields<'_>> {
        let Some(rest) = rest else { return Some(Fields::Bare) };
        if let Some(quoted) = rest.strip_prefix("A \"") {
            let text = quoted.strip_suffix('"').filter(|text| !text.contains('"'))?;
            return Some(Fields::Text(text));
        }
        let (status, rest) = rest.split_at_checked(1)?;
        if status == " " {
            return None;
        }
        let Some(rest) = rest.strip_prefix(' ') else {
            return rest.is_empty().then_some(Fields::Status(status));
        };
        let value = rest.get(..VALUE_WIDTH)?;
        let unit = rest.get(VALUE_WIDTH..)?.strip_prefix(' ')?;
        Some(Fields::Weight { status, value, unit })
    }
}

/// Parses a reply line without its CR LF; `None` when it is not an MT-SICS reply.
fn parse(line: &[u8]) -> Option<Result<Message, FrameError>> {
    if !line.iter().all(|byte| (0x20..0x7F).contains(byte)) {
        return None;
    }
    let text = std::str::from_utf8(line).ok()?;
    let (id, rest) = match text.split_once(' ') {
        Some((id, rest)) => (id, Some(rest)),
        None => (text, None),
    };
    let reply = |target, answer| Some(Ok(Message::Reply { target, answer }));
    let refused = |target, status: &str| reply(target, Answer::Refused(refusal(status)?));
    let weight_target = Target::Command(Command::Weight);
    let zero_target = Target::Command(Command::Zero);
    let tare_target = Target::Command(Command::Tare);
    let clear_target = Target::Command(Command::ClearTare);
    match (id, Fields::split(rest)?) {
        ("ES", Fields::Bare) => reply(Target::Oldest, Answer::Refused(Refusal::UnknownCommand)),
        ("ET", Fields::Bare) => reply(Target::Oldest, Answer::Refused(Refusal::TransmissionError)),
        ("EL", Fields::Bare) => reply(Target::Oldest, Answer::Refused(Refusal::LogicalError)),
        ("S", Fields::Weight { status: "S", value, unit }) => weighed(false, value, unit),
        ("S", Fields::Weight { status: "D", value, unit }) => weighed(true, value, unit),
        ("S", Fields::Status("+")) => out_of_range(Range::Over),
        ("S", Fields::Status("-")) => out_of_range(Range::Under),
        ("S", Fields::Status(status)) => refused(weight_target, status),
        ("Z", Fields::Status("A")) | ("ZI", Fields::Status("S" | "D")) => {
            reply(zero_target, Answer::Zeroed)
        }
        ("Z" | "ZI", Fields::Status(status)) => refused(zero_target, status),
        ("T", Fields::Weight { status: "S", value, unit })
        | ("TI", Fields::Weight { status: "S" | "D", value, unit })
        | ("TA", Fields::Weight { status: "A", value, unit }) => {
            let tared = weight(value, unit)?.map(|tare| Answer::Tared(Some(tare)));
            Some(tared.map(|answer| Message::Reply { target: tare_target, answer }))
        }
        ("T" | "TI" | "TA", Fields::Status(status)) => refused(tare_target, status),
        ("TAC", Fields::Status("A")) => reply(clear_target, Answer::TareCleared),
        ("TAC", Fields::Status(status)) => refused(clear_target, status),
        ("I2" | "I3" | "I4", Fields::Text(text)) => Some(Ok(Message::Identity(text.to_owned()))),
        ("I2" | "I3" | "I4", Fields::Status(status)) => refused(Target::Untracked, status),
        _ => None,
    }
}

fn weighed(motion: bool, value: &str, unit: &str) -> Option<Result<Message, FrameError>> {
    let sample = |weight| Message::Reading(Sample::new(Some(weight), motion, Range::InRange));
    Some(weight(value, unit)?.map(sample))
}

fn out_of_range(range: Range) -> Option<Result<Message, FrameError>> {
    Some(Ok(Message::Reading(Sample::new(None, false, range))))
}

/// The per-command status letters that mean the command was not carried out.
fn refusal(status: &str) -> Option<Refusal> {
    match status {
        "I" => Some(Refusal::Busy),
        "+" => Some(Refusal::AboveRange),
        "-" => Some(Refusal::BelowRange),
        "L" => Some(Refusal::BadParameter),
        _ => None,
    }
}

/// The value field and the unit. A well-formed value with a unit Backroom cannot convert (a
/// balance set to carats) is still an MT-SICS reply, so it is reported rather than skipped.
/// Balances print grams whole at a 1 g division, so the point is optional.
fn weight(value: &str, unit: &str) -> Option<Result<Weight, FrameError>> {
    let value = field::right_aligned(value, Point::Optional)?;
    if unit.is_empty() || !unit.bytes().all(|byte| byte.is_ascii_alphabetic()) {
        return None;
    }
    Some(unit_named(unit).map(|unit| Weight::new(value, unit)))
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::scale::decoder::tests::{assert_weight, feed, feed_bytewise, reading, settled};
    use crate::scale::{Decoder, Protocol, ScaleEvent};
    use crate::weight::WeightUnit;

    fn decoder() -> Decoder {
        Protocol::MtSics.decoder()
    }

    #[test]
    fn si_stable_from_sim_default_kg() {
        let mut decoder = decoder();
        let now = Instant::now();
        let reading = settled(&mut decoder, b"S S       1.23 kg\r\n", now);
        assert_weight(&reading, 1.23, WeightUnit::Kg);
        assert!((reading.grams().unwrap() - 1230.0).abs() < 1e-9);
        assert!(!reading.motion);
        assert_eq!(reading.range, Range::InRange);
        assert_eq!((reading.at_zero, reading.net, reading.tare), (None, None, None));
        assert_eq!(reading.protocol, Protocol::MtSics);
        assert_eq!(reading.at, now);
        assert_eq!(reading.stable_grams(), reading.grams());
        assert_eq!(decoder.garbage_bytes(), 0);
    }

    #[test]
    fn si_dynamic_from_sim_motion_on() {
        let reading = reading(&mut decoder(), b"S D       1.19 kg\r\n", Instant::now());
        assert_weight(&reading, 1.19, WeightUnit::Kg);
        assert!(reading.motion);
        assert_eq!(reading.stable_grams(), None);
    }

    #[test]
    fn si_negative_and_zero_from_sim_weight_below_and_at_zero() {
        let mut decoder = decoder();
        let now = Instant::now();
        assert_weight(&reading(&mut decoder, b"S S      -0.01 kg\r\n", now), -0.01, WeightUnit::Kg);
        assert_weight(&reading(&mut decoder, b"S S       0.00 kg\r\n", now), 0.0, WeightUnit::Kg);
        assert_weight(
            &reading(&mut decoder, b"S S     -0.004 kg\r\n", now),
            -0.004,
            WeightUnit::Kg,
        );
    }

    #[test]
    fn si_in_every_unit_from_sim_unit_option() {
        let mut decoder = decoder();
        let now = Instant::now();
        assert_weight(&reading(&mut decoder, b"S S       1235 g\r\n", now), 1235.0, WeightUnit::G);
        assert_weight(&reading(&mut decoder, b"S S       2.35 lb\r\n", now), 2.35, WeightUnit::Lb);
        assert_weight(&reading(&mut decoder, b"S S       12.5 oz\r\n", now), 12.5, WeightUnit::Oz);
        assert_weight(&reading(&mut decoder, b"S S      1.234 kg\r\n", now), 1.234, WeightUnit::Kg);
    }

    #[test]
    fn overload_and_underload_from_sim_overload_underload_carry_no_weight() {
        let mut decoder = decoder();
        let now = Instant::now();
        let over = settled(&mut decoder, b"S +\r\n", now);
        assert_eq!((over.weight, over.range), (None, Range::Over));
        let under = settled(&mut decoder, b"S -\r\n", now);
        assert_eq!((under.weight, under.range), (None, Range::Under));
        assert_eq!(under.stable_grams(), None);
    }

    #[test]
    fn s_in_motion_from_sim_stable_timeout_is_refused_as_busy() {
        let mut decoder = decoder();
        let now = Instant::now();
        decoder.request(Command::Weight, now);
        let events = feed(&mut decoder, b"S I\r\n", now);
        assert_eq!(
            events,
            [ScaleEvent::Refused { command: Some(Command::Weight), reason: Refusal::Busy }]
        );
    }

    #[test]
    fn zero_replies_from_sim_z_and_zi() {
        let mut decoder = decoder();
        let now = Instant::now();
        let zero = Some(Command::Zero);
        assert_eq!(decoder.request(Command::Zero, now), Some(&b"Z\r\n"[..]));
        let cases: [(&[u8], ScaleEvent); 6] = [
            (b"Z A\r\n", ScaleEvent::Zeroed),
            (b"Z I\r\n", ScaleEvent::Refused { command: zero, reason: Refusal::Busy }),
            (b"Z +\r\n", ScaleEvent::Refused { command: zero, reason: Refusal::AboveRange }),
            (b"Z -\r\n", ScaleEvent::Refused { command: zero, reason: Refusal::BelowRange }),
            (b"ZI S\r\n", ScaleEvent::Zeroed),
            (b"ZI +\r\n", ScaleEvent::Refused { command: zero, reason: Refusal::AboveRange }),
        ];
        for (bytes, expected) in cases {
            assert_eq!(feed(&mut decoder, bytes, now), [expected], "{}", bytes.escape_ascii());
        }
    }

    #[test]
    fn tare_replies_from_sim_t_ti_ta_tac() {
        let mut decoder = decoder();
        let now = Instant::now();
        let tare = Some(Command::Tare);
        let two_kg = Some(Weight::new(2.0, WeightUnit::Kg));
        let cases: [(&[u8], ScaleEvent); 9] = [
            (b"T S       2.00 kg\r\n", ScaleEvent::Tared { tare: two_kg }),
            (b"TI S       2.00 kg\r\n", ScaleEvent::Tared { tare: two_kg }),
            (b"TA A       2.00 kg\r\n", ScaleEvent::Tared { tare: two_kg }),
            (b"T I\r\n", ScaleEvent::Refused { command: tare, reason: Refusal::Busy }),
            (b"T +\r\n", ScaleEvent::Refused { command: tare, reason: Refusal::AboveRange }),
            (b"T -\r\n", ScaleEvent::Refused { command: tare, reason: Refusal::BelowRange }),
            (b"TA L\r\n", ScaleEvent::Refused { command: tare, reason: Refusal::BadParameter }),
            (b"TAC A\r\n", ScaleEvent::TareCleared),
            (
                b"TA A       0.20 kg\r\n",
                ScaleEvent::Tared { tare: Some(Weight::new(0.2, WeightUnit::Kg)) },
            ),
        ];
        for (bytes, expected) in cases {
            assert_eq!(feed(&mut decoder, bytes, now), [expected], "{}", bytes.escape_ascii());
        }
    }

    #[test]
    fn errors_from_sim_unknown_and_non_ascii_commands_answer_the_oldest_request() {
        let mut decoder = decoder();
        let now = Instant::now();
        decoder.request(Command::Tare, now);
        decoder.request(Command::Weight, now);
        let events = feed(&mut decoder, b"ES\r\nET\r\nEL\r\n", now);
        assert_eq!(
            events,
            [
                ScaleEvent::Refused {
                    command: Some(Command::Tare),
                    reason: Refusal::UnknownCommand
                },
                ScaleEvent::Refused {
                    command: Some(Command::Weight),
                    reason: Refusal::TransmissionError
                },
                ScaleEvent::Refused { command: None, reason: Refusal::LogicalError },
            ]
        );
    }

    #[test]
    fn identity_from_sim_i2_i4_and_reset() {
        let mut decoder = decoder();
        let now = Instant::now();
        let events =
            feed(&mut decoder, b"I2 A \"SCALE-SIM 60.00 kg\"\r\nI4 A \"0123456789\"\r\n", now);
        assert_eq!(
            events,
            [
                ScaleEvent::Identity { text: "SCALE-SIM 60.00 kg".into() },
                ScaleEvent::Identity { text: "0123456789".into() },
            ]
        );
    }

    #[test]
    fn sir_stream_from_sim_sir_several_lines_in_one_push() {
        let mut decoder = decoder();
        let bytes =
            b"S S       0.53 kg\r\nS S       0.53 kg\r\nS D       0.55 kg\r\nS S       0.53 kg\r\n";
        let events = feed(&mut decoder, bytes, Instant::now());
        assert_eq!(events.len(), 4);
        let motion: Vec<bool> = events
            .iter()
            .map(|event| match event {
                ScaleEvent::Reading(reading) => reading.motion,
                other => panic!("{other:?}"),
            })
            .collect();
        // Each stable line is believed once the line before said the same.
        assert_eq!(motion, [true, false, true, true]);
    }

    #[test]
    fn split_byte_by_byte_from_sim_si() {
        let mut decoder = decoder();
        let events = feed_bytewise(&mut decoder, b"S S       1.23 kg\r\nZ A\r\n", Instant::now());
        assert!(
            matches!(events.as_slice(), [ScaleEvent::Reading(_), ScaleEvent::Zeroed]),
            "{events:?}"
        );
        assert_eq!(decoder.garbage_bytes(), 0);
    }

    #[test]
    fn garbage_before_a_reply_from_sim_garbage_7_makes_its_line_unreadable() {
        let mut decoder = decoder();
        let events = feed(&mut decoder, b"\x8f\x89\xec_\xbd\"\x16S S       0.53 kg\r\n", now());
        assert!(
            matches!(events.as_slice(), [ScaleEvent::Fault(FrameError::Unreadable { .. })]),
            "{events:?}"
        );
        assert_eq!(decoder.garbage_bytes(), 26);
    }

    #[test]
    fn a_line_of_noise_is_reported_and_the_next_line_read() {
        let mut decoder = decoder();
        let now = Instant::now();
        let events = feed(&mut decoder, b"\x8f#k\r\n\r\nS S       1.23 kg\r\n", now);
        assert_eq!(events.len(), 2, "{events:?}");
        assert_eq!(
            events[0],
            ScaleEvent::Fault(FrameError::Unreadable { frame: "\\x8f#k\\r".into() })
        );
        assert!(matches!(&events[1], ScaleEvent::Reading(reading) if reading.weight.is_some()));
        assert_eq!(decoder.garbage_bytes(), 7);
    }

    #[test]
    fn endless_noise_is_dropped_up_to_its_lf_and_the_next_line_read() {
        let mut decoder = decoder();
        let mut bytes = vec![b'x'; 300];
        bytes.extend_from_slice(b"S S       1.23 kg\r\n");
        let events = feed(&mut decoder, &bytes, now());
        assert_eq!(events, [ScaleEvent::Fault(FrameError::Overflow { bytes: MAX_LINE + 1 })]);
        assert_eq!(decoder.garbage_bytes(), 319, "the reply on the noise's line is noise too");
        let reading = reading(&mut decoder, b"S S       1.23 kg\r\n", now());
        assert_weight(&reading, 1.23, WeightUnit::Kg);
    }

    #[test]
    fn a_stale_partial_line_is_dropped() {
        let mut decoder = decoder();
        let start = Instant::now();
        assert_eq!(feed(&mut decoder, b"S S     ", start), []);
        let later = start + Duration::from_secs(1);
        let events = feed(&mut decoder, b"S S       1.23 kg\r\n", later);
        assert_eq!(events[0], ScaleEvent::Fault(FrameError::Stale { bytes: 8 }));
        assert!(matches!(&events[1], ScaleEvent::Reading(reading) if reading.at == later));
        assert_eq!(decoder.garbage_bytes(), 8);
    }

    #[test]
    fn a_unit_backroom_cannot_convert_is_reported_not_guessed() {
        let mut decoder = decoder();
        let events = feed(&mut decoder, b"S S       5.00 ct\r\n", Instant::now());
        assert_eq!(events, [ScaleEvent::Fault(FrameError::UnsupportedUnit { unit: "ct".into() })]);
    }

    #[test]
    fn lines_that_only_look_like_replies_are_not_read() {
        for line in [
            "S S      1.2.3 kg",
            "S S      12 34 kg",
            "S X       1.00 kg",
            "SI S       1.00 kg",
            "S S       1.00",
            "S S 1.00 kg",
            "S S     1.234 kg",
            "S S       1.234 kg",
            "S S      1.234  kg",
            "S S  1.234     kg",
            "S S      1.234 k1",
            "S  S      1.234 kg",
            " S S      1.234 kg",
            "S S    - 1.234 kg",
            "S S      1.234- kg",
            "S S           kg",
            "Z Q",
            "Z  A",
            "S ++",
            "S + ",
            "x5S +",
            "I4 A \"x",
            "I4 A \"x\"y\"",
        ] {
            assert_eq!(parse(line.as_bytes()), None, "{line}");
        }
    }

    /// The issue: `S S      1.234 kg` with its point dropped was read as a stable 1,234 kg.
    #[test]
    fn a_value_with_a_dropped_point_from_the_issue_is_unreadable_not_1234_kg() {
        let mut decoder = decoder();
        let frame = b"S S      1234 kg\r\n";
        let events = feed(&mut decoder, &[&frame[..], frame].concat(), now());
        assert_eq!(
            events,
            [
                ScaleEvent::Fault(FrameError::Unreadable { frame: "S S      1234 kg\\r".into() }),
                ScaleEvent::Fault(FrameError::Unreadable { frame: "S S      1234 kg\\r".into() }),
            ]
        );
    }

    /// The issue: noise in front of `S +` on the same line was read as over capacity.
    #[test]
    fn status_looking_noise_is_unreadable_not_over_capacity() {
        let mut decoder = decoder();
        for noise in [&b"\x16S +\r\n"[..], b"S  +\r\n", b"S +\n", b"S + \r\n"] {
            let events = feed(&mut decoder, &[noise, noise].concat(), now());
            assert!(
                events.iter().all(|event| matches!(event, ScaleEvent::Fault(_))),
                "{} gave {events:?}",
                noise.escape_ascii()
            );
        }
    }

    #[test]
    fn a_lone_overload_line_is_unsettled_until_the_next_agrees() {
        let mut decoder = decoder();
        let lone = reading(&mut decoder, b"S +\r\n", now());
        assert_eq!((lone.range, lone.motion), (Range::InRange, true));
        let stable = reading(&mut decoder, b"S S       1.23 kg\r\n", now());
        assert!(stable.motion, "{stable:?}");
        assert_eq!(
            reading(&mut decoder, b"S S       1.23 kg\r\n", now()).stable_grams(),
            Some(1230.0)
        );
    }

    fn now() -> Instant {
        Instant::now()
    }
}
