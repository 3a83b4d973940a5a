//! METTLER TOLEDO Standard Interface Command Set (MT-SICS), levels 0 and 1.
//!
//! Every reply is one ASCII line ending in CR LF: an identifier, a status and, for weights, the
//! value right-aligned in ten characters and the unit, as in `S S      1.234 kg`. There is no
//! checksum and no net or centre-of-zero flag. Bytes in front of a reply on the same line (line
//! noise, or the tail of a line cut off) are skipped by reading the longest tail of the line that
//! is a whole reply.

use super::decoder::{
    Answer, CR, Framing, LF, Message, Target, parse_signed, unit_named, unreadable,
};
use super::reading::Sample;
use super::{Command, FrameError, Range, Refusal, Weight};

/// `SI` answers at once, settled or not, so a display can follow the load; `S` would wait for
/// stability and block other commands meanwhile.
const WEIGHT_REQUEST: &[u8] = b"SI\r\n";
const ZERO: &[u8] = b"Z\r\n";
const TARE: &[u8] = b"T\r\n";
const CLEAR_TARE: &[u8] = b"TAC\r\n";

/// Longer than any reply; a line that grows past this is noise, and only its tail is kept.
const MAX_LINE: usize = 128;

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
    garbage: u64,
}

impl Framing for Framer {
    fn feed(&mut self, bytes: &[u8], out: &mut Vec<Result<Message, FrameError>>) {
        for &byte in bytes {
            if byte == LF {
                let line = std::mem::take(&mut self.line);
                self.end_line(&line, out);
                continue;
            }
            self.line.push(byte);
            if self.line.len() > MAX_LINE {
                let dropped = self.line.len() - MAX_LINE / 2;
                self.line.drain(..dropped);
                self.garbage += dropped as u64;
                out.push(Err(FrameError::Overflow { bytes: dropped }));
            }
        }
    }

    fn partial_len(&self) -> usize {
        self.line.len()
    }

    fn discard_partial(&mut self) {
        self.garbage += self.line.len() as u64;
        self.line.clear();
    }

    fn garbage_bytes(&self) -> u64 {
        self.garbage
    }
}

impl Framer {
    /// Reads one line, given without its LF.
    fn end_line(&mut self, line: &[u8], out: &mut Vec<Result<Message, FrameError>>) {
        let body = line.strip_suffix(&[CR]).unwrap_or(line);
        if body.is_empty() {
            self.garbage += line.len() as u64 + 1;
            return;
        }
        for start in 0..body.len() {
            if let Some(result) = parse(&body[start..]) {
                self.garbage += start as u64;
                if result.is_err() {
                    self.garbage += (line.len() + 1 - start) as u64;
                }
                out.push(result);
                return;
            }
        }
        self.garbage += line.len() as u64 + 1;
        out.push(Err(unreadable(line)));
    }
}

/// Parses a reply line without its CR LF; `None` when it is not an MT-SICS reply at all.
fn parse(line: &[u8]) -> Option<Result<Message, FrameError>> {
    if !line.iter().all(|byte| (0x20..0x7F).contains(byte)) || line.first() == Some(&b' ') {
        return None;
    }
    let text = std::str::from_utf8(line).ok()?;
    let (head, quoted) = match text.split_once('"') {
        Some((head, rest)) => {
            let quoted = rest.strip_suffix('"')?;
            if quoted.contains('"') {
                return None;
            }
            (head, Some(quoted))
        }
        None => (text, None),
    };
    let fields: Vec<&str> = head.split(' ').filter(|field| !field.is_empty()).collect();
    let (&id, rest) = fields.split_first()?;
    if let Some(quoted) = quoted {
        return match (id, rest) {
            ("I2" | "I3" | "I4", ["A"]) => Some(Ok(Message::Identity(quoted.to_owned()))),
            _ => None,
        };
    }
    let reply = |target, answer| Some(Ok(Message::Reply { target, answer }));
    let refused = |target, status: &str| {
        let reason = refusal(status)?;
        reply(target, Answer::Refused(reason))
    };
    let weighed = |motion, value, unit| {
        Some(
            weight(value, unit)?
                .map(|weight| Message::Reading(Sample::new(Some(weight), motion, Range::InRange))),
        )
    };
    let tared = |value, unit| {
        let target = Target::Command(Command::Tare);
        Some(
            weight(value, unit)?
                .map(|weight| Message::Reply { target, answer: Answer::Tared(Some(weight)) }),
        )
    };
    let weight_target = Target::Command(Command::Weight);
    let zero_target = Target::Command(Command::Zero);
    let tare_target = Target::Command(Command::Tare);
    let clear_target = Target::Command(Command::ClearTare);
    match (id, rest) {
        ("ES", []) => reply(Target::Oldest, Answer::Refused(Refusal::UnknownCommand)),
        ("ET", []) => reply(Target::Oldest, Answer::Refused(Refusal::TransmissionError)),
        ("EL", []) => reply(Target::Oldest, Answer::Refused(Refusal::LogicalError)),
        ("S", ["S", value, unit]) => weighed(false, value, unit),
        ("S", ["D", value, unit]) => weighed(true, value, unit),
        ("S", ["+"]) => Some(Ok(Message::Reading(Sample::new(None, false, Range::Over)))),
        ("S", ["-"]) => Some(Ok(Message::Reading(Sample::new(None, false, Range::Under)))),
        ("S", [status]) => refused(weight_target, status),
        ("Z", ["A"]) | ("ZI", ["S" | "D"]) => reply(zero_target, Answer::Zeroed),
        ("Z" | "ZI", [status]) => refused(zero_target, status),
        ("T", ["S", value, unit])
        | ("TI", ["S" | "D", value, unit])
        | ("TA", ["A", value, unit]) => tared(value, unit),
        ("T" | "TI" | "TA", [status]) => refused(tare_target, status),
        ("TAC", ["A"]) => reply(clear_target, Answer::TareCleared),
        ("TAC", [status]) => refused(clear_target, status),
        ("I2" | "I3" | "I4", [status]) => refused(Target::Untracked, status),
        _ => None,
    }
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

/// A value and unit field pair. A well-formed value with a unit Backroom cannot convert (a
/// balance set to carats) is still an MT-SICS reply, so it is reported rather than skipped.
fn weight(value: &str, unit: &str) -> Option<Result<Weight, FrameError>> {
    let value = parse_signed(value)?;
    if !unit.bytes().all(|byte| byte.is_ascii_alphabetic()) {
        return None;
    }
    Some(unit_named(unit).map(|unit| Weight::new(value, unit)))
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::scale::decoder::tests::{assert_weight, feed, feed_bytewise, reading};
    use crate::scale::{Decoder, Protocol, ScaleEvent};
    use crate::weight::WeightUnit;

    fn decoder() -> Decoder {
        Protocol::MtSics.decoder()
    }

    #[test]
    fn si_stable_from_sim_default_kg() {
        let mut decoder = decoder();
        let now = Instant::now();
        let reading = reading(&mut decoder, b"S S       1.23 kg\r\n", now);
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
        let over = reading(&mut decoder, b"S +\r\n", now);
        assert_eq!((over.weight, over.range), (None, Range::Over));
        let under = reading(&mut decoder, b"S -\r\n", now);
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
        assert_eq!(motion, [false, false, true, false]);
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
    fn garbage_before_a_reply_from_sim_garbage_7_is_skipped_and_counted() {
        let mut decoder = decoder();
        let reading =
            reading(&mut decoder, b"\x8f\x89\xec_\xbd\"\x16S S       0.53 kg\r\n", Instant::now());
        assert_weight(&reading, 0.53, WeightUnit::Kg);
        assert_eq!(decoder.garbage_bytes(), 7);
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
    fn endless_noise_keeps_only_a_tail_and_still_finds_the_reply() {
        let mut decoder = decoder();
        let mut bytes = vec![b'x'; 300];
        bytes.extend_from_slice(b"S S       1.23 kg\r\n");
        let events = feed(&mut decoder, &bytes, Instant::now());
        let faults = events
            .iter()
            .filter(|event| matches!(event, ScaleEvent::Fault(FrameError::Overflow { .. })));
        assert!(faults.count() >= 1);
        assert!(matches!(events.last(), Some(ScaleEvent::Reading(_))), "{events:?}");
        assert_eq!(decoder.garbage_bytes(), 300);
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
            "S S 1.2.3 kg",
            "S S 12 34 kg",
            "S X 1.00 kg",
            "SI S 1.00 kg",
            "S S 1.00",
            "Z Q",
            "I4 A \"x",
        ] {
            assert_eq!(parse(line.as_bytes()), None, "{line}");
        }
    }
}
