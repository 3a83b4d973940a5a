//! Mettler Toledo 8213/8217 "ECR" protocol, which the Odoo IoT box calls "Toledo 8217".
//!
//! Commands are single letters. Replies run from STX to CR: a weight such as `STX 002.35 CR`
//! (net adds `N`), or a status alone, `STX ? s CR`, whenever the scale is in motion, below zero
//! or over capacity. The status byte has bit 6 set and reads b0 motion, b1 over capacity,
//! b2 under zero, b3 outside the zero capture range, b4 centre of zero, b5 net. Frames carry no
//! unit: the decoder is told the unit the scale is set to. The weight is six characters with
//! its leading zeros kept (seven from `H`), with a decimal point except in grams.
//!
//! The decimals hint at the unit all the same: the protocol prints pounds as `WW.WW` and
//! kilograms as `WW.WWW`, grams whole and ounces in tenths. Where the frames' decimals rule out
//! the configured unit (three decimals read as pounds, a point read as grams), a frame is
//! refused as [`FrameError::UnitMismatch`], never read as a weight. Two decimals are also what
//! a kilogram scale at a 0.01 to 0.05 kg division prints (a PS60 in kilograms, the scale
//! simulator), and one what a 300 lb scale at 0.1 lb prints, so those are read, after a
//! [`ScaleEvent::UnitInDoubt`](super::ScaleEvent::UnitInDoubt) that asks people to check the unit.

use super::decoder::{CR, Framing, Message, STX, unreadable};
use super::field::{self, Point};
use super::reading::Sample;
use super::{Command, FrameError, Range, Weight};
use crate::weight::WeightUnit;

const WEIGHT_REQUEST: &[u8] = b"W";
const ZERO: &[u8] = b"Z";
/// The CR ends the scale's wait for the digits of a preset tare, so it tares at once.
const TARE: &[u8] = b"T\r";
const CLEAR_TARE: &[u8] = b"C";

/// The longest reply, `STX 01235.0N CR` from `H` in grams, is 10 bytes.
const MAX_FRAME: usize = 12;

pub(super) fn command(command: Command) -> Option<&'static [u8]> {
    Some(match command {
        Command::Weight => WEIGHT_REQUEST,
        Command::Zero => ZERO,
        Command::Tare => TARE,
        Command::ClearTare => CLEAR_TARE,
    })
}

#[derive(Debug)]
pub(super) struct Framer {
    unit: WeightUnit,
    /// The frame so far, from its STX; empty between frames.
    frame: Vec<u8>,
    garbage: u64,
    /// Whether the doubt about the unit was said already; once is enough.
    doubted: bool,
}

/// The units whose weights a scale prints with `decimals` decimals from `W`, the likeliest
/// first: grams whole, ounces in tenths, pounds as `WW.WW` (or tenths at a 0.1 lb division),
/// kilograms as `WW.WWW` (or hundredths at a 0.01 to 0.05 kg division).
pub(super) fn units_printing(decimals: usize) -> &'static [WeightUnit] {
    match decimals {
        0 => &[WeightUnit::G],
        1 => &[WeightUnit::Oz, WeightUnit::Lb],
        2 => &[WeightUnit::Lb, WeightUnit::Kg],
        _ => &[WeightUnit::Kg],
    }
}

impl Framer {
    pub fn new(unit: WeightUnit) -> Framer {
        Framer { unit, frame: Vec::new(), garbage: 0, doubted: false }
    }

    /// Checks the weight's decimals against the configured unit: an error where they rule it
    /// out, the unit they suggest where they only hint at another.
    fn check_unit(&self, digits: &str) -> Result<Option<WeightUnit>, FrameError> {
        let decimals = digits.split_once('.').map_or(0, |(_, fraction)| fraction.len());
        // `H` prints one more decimal in a field one wider.
        let shown = decimals.saturating_sub(digits.len().saturating_sub(6));
        let units = units_printing(shown);
        if !units.contains(&self.unit) {
            return Err(FrameError::UnitMismatch {
                frame: digits.to_owned(),
                decimals: shown,
                configured: self.unit,
                like: units[0],
            });
        }
        Ok(Some(units[0]).filter(|&like| like != self.unit))
    }

    fn parse(&mut self, body: &[u8]) -> Result<Vec<Message>, FrameError> {
        match body {
            // The answers to the confidence test (`A`) and to the start of echo mode (`E`).
            b"" | b"E" => Ok(vec![Message::Nothing]),
            [b'?', status] if status & 0x40 != 0 => {
                let bit = |mask: u8| status & mask != 0;
                let range = match (bit(0x02), bit(0x04)) {
                    (false, false) => Range::InRange,
                    (true, false) => Range::Over,
                    (false, true) => Range::Under,
                    (true, true) => Range::OutOfRange,
                };
                let sample = Sample {
                    at_zero: Some(bit(0x10)),
                    net: Some(bit(0x20)),
                    ..Sample::new(None, bit(0x01), range)
                };
                Ok(vec![Message::Status { sample, outside_zero_range: bit(0x08) }])
            }
            _ => {
                let (digits, net) = match body.strip_suffix(b"N") {
                    Some(digits) => (digits, true),
                    None => (body, false),
                };
                let digits = std::str::from_utf8(digits)
                    .ok()
                    .filter(|digits| (6..=7).contains(&digits.len()))
                    .ok_or_else(|| unreadable(body))?;
                // Any point is allowed here, so that a point read as grams is a unit mismatch.
                let value =
                    field::unsigned(digits, Point::Optional).ok_or_else(|| unreadable(body))?;
                let doubt = self.check_unit(digits)?;
                let weight = Weight::new(value, self.unit);
                // The scale withholds the weight unless it is settled, in range and not negative.
                let reading = Message::Reading(Sample {
                    net: Some(net),
                    ..Sample::new(Some(weight), false, Range::InRange)
                });
                Ok(match doubt {
                    Some(like) if !self.doubted => {
                        self.doubted = true;
                        vec![Message::UnitInDoubt { configured: self.unit, like }, reading]
                    }
                    _ => vec![reading],
                })
            }
        }
    }
}

impl Framing for Framer {
    fn feed(&mut self, bytes: &[u8], out: &mut Vec<Result<Message, FrameError>>) {
        for &raw in bytes {
            // A 7E1 scale read with 8 data bits puts its parity in bit 7.
            let byte = raw & 0x7F;
            if byte == STX {
                self.garbage += self.frame.len() as u64;
                self.frame.clear();
                self.frame.push(byte);
                continue;
            }
            if self.frame.is_empty() {
                self.garbage += 1;
                continue;
            }
            self.frame.push(byte);
            if byte == CR {
                let frame = std::mem::take(&mut self.frame);
                match self.parse(&frame[1..frame.len() - 1]) {
                    Ok(messages) => out.extend(messages.into_iter().map(Ok)),
                    Err(error) => {
                        self.garbage += frame.len() as u64;
                        out.push(Err(error));
                    }
                }
            } else if self.frame.len() > MAX_FRAME {
                let bytes = self.frame.len();
                self.garbage += bytes as u64;
                self.frame.clear();
                out.push(Err(FrameError::Overflow { bytes }));
            }
        }
    }

    fn partial_len(&self) -> usize {
        self.frame.len()
    }

    fn discard_partial(&mut self) {
        self.garbage += self.frame.len() as u64;
        self.frame.clear();
    }

    fn garbage_bytes(&self) -> u64 {
        self.garbage
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::scale::decoder::tests::{assert_weight, feed, feed_bytewise, reading, settled};
    use crate::scale::{Decoder, Protocol, Refusal, ScaleEvent};

    fn decoder() -> Decoder {
        Protocol::Toledo8217.decoder()
    }

    #[test]
    fn w_from_sim_default_kg() {
        let mut decoder = decoder();
        let reading = settled(&mut decoder, b"\x02001.23\r", Instant::now());
        assert_weight(&reading, 1.23, WeightUnit::Kg);
        assert_eq!(
            (reading.motion, reading.range, reading.net, reading.at_zero),
            (false, Range::InRange, Some(false), None)
        );
        assert!(reading.stable_grams().is_some());
        assert_eq!(decoder.garbage_bytes(), 0);
    }

    #[test]
    fn h_tenfold_resolution_from_sim_h() {
        assert_weight(
            &reading(&mut decoder(), b"\x02001.230\r", Instant::now()),
            1.23,
            WeightUnit::Kg,
        );
        assert_weight(
            &reading(&mut decoder(), b"\x0201.2350\r", Instant::now()),
            1.235,
            WeightUnit::Kg,
        );
    }

    #[test]
    fn w_in_every_unit_from_sim_unit_option() {
        let now = Instant::now();
        let mut lb = Decoder::with_unit(Protocol::Toledo8217, WeightUnit::Lb);
        assert_weight(&reading(&mut lb, b"\x02002.35\r", now), 2.35, WeightUnit::Lb);
        assert_weight(&reading(&mut lb, b"\x02002.350\r", now), 2.35, WeightUnit::Lb);
        let mut g = Decoder::with_unit(Protocol::Toledo8217, WeightUnit::G);
        assert_weight(&reading(&mut g, b"\x02001235\r", now), 1235.0, WeightUnit::G);
        assert_weight(&reading(&mut g, b"\x0201235.0\r", now), 1235.0, WeightUnit::G);
        let mut oz = Decoder::with_unit(Protocol::Toledo8217, WeightUnit::Oz);
        assert_weight(&reading(&mut oz, b"\x020012.5\r", now), 12.5, WeightUnit::Oz);
        assert_weight(&reading(&mut oz, b"\x020012.50\r", now), 12.5, WeightUnit::Oz);
        assert_weight(&reading(&mut decoder(), b"\x0201.235\r", now), 1.235, WeightUnit::Kg);
    }

    #[test]
    fn net_and_zero_from_sim_t_then_w_and_z_then_w() {
        let mut decoder = decoder();
        let now = Instant::now();
        let net = reading(&mut decoder, b"\x02000.00N\r", now);
        assert_weight(&net, 0.0, WeightUnit::Kg);
        assert_eq!(net.net, Some(true));
        let digital = reading(&mut decoder, b"\x02001.00N\r", now);
        assert_weight(&digital, 1.0, WeightUnit::Kg);
        assert_weight(&reading(&mut decoder, b"\x02000.00\r", now), 0.0, WeightUnit::Kg);
        assert_weight(&reading(&mut decoder, b"\x0200.400N\r", now), 0.4, WeightUnit::Kg);
    }

    #[test]
    fn status_only_from_sim_motion_overload_underload_and_negative() {
        let mut decoder = decoder();
        let now = Instant::now();
        decoder.request(Command::Weight, now);
        let motion = reading(&mut decoder, b"\x02?A\r", now);
        assert_eq!((motion.weight, motion.motion, motion.range), (None, true, Range::InRange));
        let over = settled(&mut decoder, b"\x02?B\r", now);
        assert_eq!((over.weight, over.range), (None, Range::Over));
        let under = settled(&mut decoder, b"\x02?D\r", now);
        assert_eq!((under.weight, under.range), (None, Range::Under));
        let net = reading(&mut decoder, b"\x02?`\r", now);
        assert_eq!((net.net, net.at_zero), (Some(true), Some(false)));
        let centre = reading(&mut decoder, b"\x02?P\r", now);
        assert_eq!(centre.at_zero, Some(true));
    }

    #[test]
    fn zero_answers_from_sim_z_in_range_out_of_range_and_in_motion() {
        let mut decoder = decoder();
        let now = Instant::now();
        let zero = Some(Command::Zero);
        let cases: [(&[u8], ScaleEvent); 3] = [
            (b"\x02?P\r", ScaleEvent::Zeroed),
            (b"\x02?H\r", ScaleEvent::Refused { command: zero, reason: Refusal::OutsideZeroRange }),
            (b"\x02?A\r", ScaleEvent::Refused { command: zero, reason: Refusal::Motion }),
        ];
        for (bytes, expected) in cases {
            assert_eq!(decoder.request(Command::Zero, now), Some(&b"Z"[..]));
            assert_eq!(feed(&mut decoder, bytes, now), [expected], "{}", bytes.escape_ascii());
        }
    }

    #[test]
    fn tare_and_clear_answers_from_sim_t_c_and_t_in_motion_or_overload() {
        let mut decoder = decoder();
        let now = Instant::now();
        let tare = Some(Command::Tare);
        let cases: [(Command, &[u8], ScaleEvent); 4] = [
            (Command::Tare, b"\x02?`\r", ScaleEvent::Tared { tare: None }),
            (
                Command::Tare,
                b"\x02?A\r",
                ScaleEvent::Refused { command: tare, reason: Refusal::Motion },
            ),
            (
                Command::Tare,
                b"\x02?B\r",
                ScaleEvent::Refused { command: tare, reason: Refusal::AboveRange },
            ),
            (Command::ClearTare, b"\x02?@\r", ScaleEvent::TareCleared),
        ];
        for (command, bytes, expected) in cases {
            decoder.request(command, now);
            assert_eq!(feed(&mut decoder, bytes, now), [expected], "{}", bytes.escape_ascii());
        }
    }

    #[test]
    fn garbage_before_a_frame_from_sim_garbage_6_is_skipped_and_counted() {
        let mut decoder = decoder();
        let reading = reading(&mut decoder, b"{\xd5\xd4~\xce\xc2\x02002.00\r", Instant::now());
        assert_weight(&reading, 2.0, WeightUnit::Kg);
        assert_eq!(decoder.garbage_bytes(), 6);
    }

    #[test]
    fn a_new_stx_restarts_the_frame() {
        let mut decoder = decoder();
        let reading = reading(&mut decoder, b"\x02001\x02001.23\r", Instant::now());
        assert_weight(&reading, 1.23, WeightUnit::Kg);
        assert_eq!(decoder.garbage_bytes(), 4);
    }

    #[test]
    fn frames_byte_by_byte_and_several_in_one_push() {
        let mut decoder = decoder();
        let now = Instant::now();
        let bytes = b"\x02001.23\r\x02?A\r\x02000.00N\r";
        // The first frame is preceded by the doubt about its unit, once.
        assert_eq!(feed_bytewise(&mut decoder, bytes, now).len(), 4);
        assert_eq!(feed(&mut decoder, bytes, now).len(), 3);
        assert_eq!(decoder.garbage_bytes(), 0);
    }

    #[test]
    fn echo_answer_from_sim_odoo_probe_ehello_is_no_reading() {
        let mut decoder = decoder();
        assert_eq!(feed(&mut decoder, b"\x02E\rhello", Instant::now()), []);
        assert_eq!(decoder.garbage_bytes(), 5);
        assert!(decoder.last_heard().is_some());
    }

    #[test]
    fn unreadable_and_overlong_frames_are_reported() {
        let mut decoder = decoder();
        let now = Instant::now();
        let events = feed(&mut decoder, b"\x02-01.23\r\x02001.234567890\r\x0201.234\r", now);
        assert_eq!(events.len(), 3, "{events:?}");
        assert_eq!(events[0], ScaleEvent::Fault(FrameError::Unreadable { frame: "-01.23".into() }));
        assert_eq!(events[1], ScaleEvent::Fault(FrameError::Overflow { bytes: 13 }));
        assert!(matches!(&events[2], ScaleEvent::Reading(reading) if reading.weight.is_some()));
    }

    #[test]
    fn a_stale_partial_frame_is_dropped() {
        let mut decoder = decoder();
        let start = Instant::now();
        assert_eq!(feed(&mut decoder, b"\x02001", start), []);
        let events = feed(&mut decoder, b".23\r", start + Duration::from_secs(1));
        assert_eq!(events, [ScaleEvent::Fault(FrameError::Stale { bytes: 4 })]);
        assert_eq!(decoder.garbage_bytes(), 8);
    }

    #[test]
    fn weights_off_the_letter_are_unreadable() {
        let now = Instant::now();
        let mut kg = decoder();
        for frame in [
            &b"\x0200123\r"[..],
            b"\x0201.23\r",
            b"\x02 01.23\r",
            b"\x020001.230\r",
            b"\x02001.2.3\r",
            b"\x02001.23n\r",
            b"\x02001.23NN\r",
            b"\x02?\r",
            b"\x02?A@\r",
            b"\x02?\x01\r",
        ] {
            let events = feed(&mut kg, frame, now);
            assert!(
                matches!(events.as_slice(), [ScaleEvent::Fault(_)]),
                "{} gave {events:?}",
                frame.escape_ascii()
            );
        }
    }

    #[test]
    fn decimals_that_rule_out_the_configured_unit_are_refused() {
        let now = Instant::now();
        let cases: [(WeightUnit, &[u8], usize, WeightUnit); 6] = [
            // Kilograms as the protocol prints them, read as pounds: 1.235 lb would be wrong.
            (WeightUnit::Lb, b"\x0201.235\r", 3, WeightUnit::Kg),
            (WeightUnit::Lb, b"\x0201.2350\r", 3, WeightUnit::Kg),
            (WeightUnit::Oz, b"\x02004.65\r", 2, WeightUnit::Lb),
            (WeightUnit::G, b"\x02004.65\r", 2, WeightUnit::Lb),
            (WeightUnit::Kg, b"\x020012.5\r", 1, WeightUnit::Oz),
            (WeightUnit::Kg, b"\x02001235\r", 0, WeightUnit::G),
        ];
        for (configured, frame, decimals, like) in cases {
            let mut decoder = Decoder::with_unit(Protocol::Toledo8217, configured);
            let events = feed(&mut decoder, frame, now);
            let digits = String::from_utf8(frame[1..frame.len() - 1].to_vec()).unwrap();
            let expected = FrameError::UnitMismatch { frame: digits, decimals, configured, like };
            assert_eq!(events, [ScaleEvent::Fault(expected)], "{}", frame.escape_ascii());
        }
        let message = FrameError::UnitMismatch {
            frame: "01.235".into(),
            decimals: 3,
            configured: WeightUnit::Lb,
            like: WeightUnit::Kg,
        }
        .to_string();
        assert!(message.contains("as a scale set to kg prints") && message.contains("--unit kg"));
    }

    /// The issue: a scale set to pounds sends `004.65`, which a station that reads kilograms
    /// took for 4.65 kg without a word. Kilogram scales at a 0.01 kg division print the same,
    /// so the decoder says its doubt once, before the first such reading.
    #[test]
    fn two_decimals_read_as_kilograms_raise_a_doubt_once() {
        let now = Instant::now();
        let mut kg = decoder();
        let events = feed(&mut kg, b"\x02004.65\r\x02004.65\r", now);
        assert_eq!(
            events[0],
            ScaleEvent::UnitInDoubt { configured: WeightUnit::Kg, like: WeightUnit::Lb }
        );
        assert_eq!(events.len(), 3, "{events:?}");
        let mut kg = decoder();
        let events = feed(&mut kg, b"\x0204.650\r\x0204.650\r", now);
        assert!(events.iter().all(|e| matches!(e, ScaleEvent::Reading(_))), "{events:?}");
        let mut lb = Decoder::with_unit(Protocol::Toledo8217, WeightUnit::Lb);
        let events = feed(&mut lb, b"\x02004.65\r\x02004.650\r", now);
        assert!(events.iter().all(|e| matches!(e, ScaleEvent::Reading(_))), "{events:?}");
    }

    #[test]
    fn one_damaged_status_byte_is_not_over_capacity_until_the_next_frame_agrees() {
        let mut decoder = decoder();
        let now = Instant::now();
        let lone = reading(&mut decoder, b"\x02?B\r", now);
        assert_eq!((lone.range, lone.motion), (Range::InRange, true));
        assert!(reading(&mut decoder, b"\x02001.23\r", now).motion);
        assert_eq!(reading(&mut decoder, b"\x02001.23\r", now).stable_grams(), Some(1230.0));
    }
}
