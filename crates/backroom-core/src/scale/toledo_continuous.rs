//! Toledo standard continuous output: the scale streams 18-byte frames unasked.
//!
//! `STX SWA SWB SWC w w w w w w t t t t t t CR CHK`. The weight and tare are six digits with no
//! sign or point (leading zeros may come as spaces); status word A places the decimal point,
//! B carries net (b0), negative (b1), out of range (b2), motion (b3), kg (b4) and power-up not
//! zeroed (b6), and C the unit code (b0-2). Words A and C have b5 set and b6 clear, and A names
//! an increment of 1, 2 or 5. CHK makes the low seven bits of all 18 bytes add up to zero, so a
//! frame is read only when its checksum holds, and then it needs no second frame to be believed.

use super::decoder::{CR, Framing, Message, STX, unreadable};
use super::reading::Sample;
use super::{Command, FrameError, Range, Weight};
use crate::weight::WeightUnit;

/// Many indicators also take these single letters while streaming.
const ZERO: &[u8] = b"Z";
const TARE: &[u8] = b"T";
const CLEAR_TARE: &[u8] = b"C";

const FRAME_LEN: usize = 18;

pub(super) fn command(command: Command) -> Option<&'static [u8]> {
    match command {
        Command::Weight => None,
        Command::Zero => Some(ZERO),
        Command::Tare => Some(TARE),
        Command::ClearTare => Some(CLEAR_TARE),
    }
}

/// The checksum byte for the first 17 bytes of a frame.
fn checksum(body: &[u8]) -> u8 {
    let sum = body.iter().fold(0u8, |sum, byte| sum.wrapping_add(byte & 0x7F));
    sum.wrapping_neg() & 0x7F
}

#[derive(Debug, Default)]
pub(super) struct Framer {
    /// Bytes from a possible STX on; empty between frames.
    held: Vec<u8>,
    garbage: u64,
}

impl Framing for Framer {
    fn feed(&mut self, bytes: &[u8], out: &mut Vec<Result<Message, FrameError>>) {
        // A 7E1 scale read with 8 data bits puts its parity in bit 7.
        self.held.extend(bytes.iter().map(|byte| byte & 0x7F));
        loop {
            let Some(start) = self.held.iter().position(|&byte| byte == STX) else {
                self.skip(self.held.len());
                return;
            };
            self.skip(start);
            if self.held.len() < FRAME_LEN {
                return;
            }
            let frame: [u8; FRAME_LEN] =
                self.held[..FRAME_LEN].try_into().expect("held is long enough");
            if frame[16] != CR {
                // An STX in noise, or one inside a frame whose start was missed: look further on.
                self.skip(1);
                continue;
            }
            let expected = checksum(&frame[..17]);
            if frame[17] != expected {
                out.push(Err(FrameError::Checksum { expected, found: frame[17] }));
                self.skip(1);
                continue;
            }
            let result = parse(&frame);
            if result.is_err() {
                self.garbage += FRAME_LEN as u64;
            }
            out.push(result);
            self.held.drain(..FRAME_LEN);
        }
    }

    fn partial_len(&self) -> usize {
        self.held.len()
    }

    fn discard_partial(&mut self) {
        self.skip(self.held.len());
    }

    fn garbage_bytes(&self) -> u64 {
        self.garbage
    }
}

impl Framer {
    fn skip(&mut self, count: usize) {
        self.held.drain(..count);
        self.garbage += count as u64;
    }
}

/// Whether status words A and C hold what the protocol fixes in them: b5 set, b6 clear, and an
/// increment code other than 00 in A. Word B is not checked: Fairbanks clears its b5, where
/// METTLER TOLEDO sets it.
fn words_shaped(swa: u8, swc: u8) -> bool {
    let fixed = |word: u8| word & 0x60 == 0x20;
    fixed(swa) && fixed(swc) && swa & 0x18 != 0
}

/// Reads a frame whose framing and checksum are already checked.
fn parse(frame: &[u8; FRAME_LEN]) -> Result<Message, FrameError> {
    let [_, swa, swb, swc, ..] = *frame;
    if !words_shaped(swa, swc) {
        return Err(unreadable(frame));
    }
    let bit = |word: u8, mask: u8| word & mask != 0;
    let unit = match swc & 0x07 {
        0 if bit(swb, 0x10) => WeightUnit::Kg,
        0 => WeightUnit::Lb,
        1 => WeightUnit::G,
        3 => WeightUnit::Oz,
        2 => return Err(FrameError::UnsupportedUnit { unit: "t".into() }),
        code => return Err(FrameError::UnsupportedUnit { unit: format!("unit code {code}") }),
    };
    let (weight, tare) = match (digits(&frame[4..10]), digits(&frame[10..16])) {
        (Some(weight), Some(tare)) => (weight, tare),
        _ => return Err(unreadable(frame)),
    };
    // Codes 0 and 1 stand for dummy zeros (XXXX00, XXXXX0), 2 for none, 3 to 7 for 1 to 5 decimals.
    let code = i32::from(swa & 0x07);
    let scaled = |count: u32| {
        let count = f64::from(count);
        if code <= 2 { count * 10f64.powi(2 - code) } else { count / 10f64.powi(code - 2) }
    };
    let sign = if bit(swb, 0x02) { -1.0 } else { 1.0 };
    let range = if bit(swb, 0x04) { Range::OutOfRange } else { Range::InRange };
    let sample = Sample {
        net: Some(bit(swb, 0x01)),
        tare: Some(Weight::new(scaled(tare), unit)),
        fault: bit(swb, 0x40),
        vouched: true,
        ..Sample::new(Some(Weight::new(sign * scaled(weight), unit)), bit(swb, 0x08), range)
    };
    Ok(Message::Reading(sample))
}

/// A six-character field of digits, with leading spaces standing for zeros.
fn digits(field: &[u8]) -> Option<u32> {
    let text = std::str::from_utf8(field).ok()?.trim_start_matches(' ');
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::scale::decoder::tests::{assert_weight, feed, feed_bytewise, reading};
    use crate::scale::{Decoder, Protocol, ScaleEvent};

    fn decoder() -> Decoder {
        Protocol::ToledoContinuous.decoder()
    }

    /// A frame with its checksum, for layouts the simulator cannot be set to send.
    fn frame(body: &[u8; 17]) -> Vec<u8> {
        let mut frame = body.to_vec();
        frame.push(checksum(body));
        frame
    }

    #[test]
    fn gross_stable_from_sim_1_234_kg_at_0_002() {
        let mut decoder = decoder();
        let reading = reading(&mut decoder, b"\x0250   1234     0\r\x12", Instant::now());
        assert_weight(&reading, 1.234, WeightUnit::Kg);
        assert_eq!(
            (reading.motion, reading.range, reading.net, reading.fault),
            (false, Range::InRange, Some(false), false)
        );
        assert_eq!(reading.tare, Some(Weight::new(0.0, WeightUnit::Kg)));
        assert_eq!(reading.at_zero, None);
        assert_eq!(reading.protocol, Protocol::ToledoContinuous);
        assert_eq!(decoder.garbage_bytes(), 0);
    }

    #[test]
    fn motion_from_sim_motion_on() {
        let reading = reading(&mut decoder(), b"\x0258   1230     0\r\x0e", Instant::now());
        assert_weight(&reading, 1.23, WeightUnit::Kg);
        assert!(reading.motion);
        assert_eq!(reading.stable_grams(), None);
    }

    #[test]
    fn net_and_tare_from_sim_host_t() {
        let mut decoder = decoder();
        let now = Instant::now();
        let net = reading(&mut decoder, b"\x0251      0  1234\r\x11", now);
        assert_weight(&net, 0.0, WeightUnit::Kg);
        assert_eq!(net.net, Some(true));
        assert_eq!(net.tare, Some(Weight::new(1.234, WeightUnit::Kg)));
        let negative = reading(&mut decoder, b"\x0253     10  1234\r~", now);
        assert_weight(&negative, -0.01, WeightUnit::Kg);
        assert_eq!(negative.net, Some(true));
    }

    #[test]
    fn zero_and_negative_gross_from_sim_host_z_then_lighter_load() {
        let mut decoder = decoder();
        let now = Instant::now();
        assert_weight(&reading(&mut decoder, b"\x0250      0     0\rL", now), 0.0, WeightUnit::Kg);
        let negative = reading(&mut decoder, b"\x0252     10     0\r9", now);
        assert_weight(&negative, -0.01, WeightUnit::Kg);
        assert_eq!(negative.net, Some(false));
    }

    #[test]
    fn out_of_range_from_sim_overload_and_underload_carries_no_weight() {
        let reading = reading(&mut decoder(), b"\x0257     10  1234\rz", Instant::now());
        assert_eq!((reading.weight, reading.range), (None, Range::OutOfRange));
        assert_eq!(reading.tare, Some(Weight::new(1.234, WeightUnit::Kg)));
    }

    #[test]
    fn every_unit_and_point_position_from_sim_unit_and_resolution_options() {
        let mut decoder = decoder();
        let now = Instant::now();
        let cases: [(&[u8], f64, WeightUnit); 7] = [
            (b"\x02<    1235     0\r\x1a", 12.35, WeightUnit::Lb),
            (b"\x02: !  1235     0\r\x1b", 1235.0, WeightUnit::G),
            (b"\x02; #   125     0\r+", 12.5, WeightUnit::Oz),
            (b"\x02,0    123     0\r/", 1.23, WeightUnit::Kg),
            (b"\x02=0 001235000000\r\x19", 1.235, WeightUnit::Kg),
            (b"\x022 ! 12340     0\r\x14", 12340.0, WeightUnit::G),
            (b"\x02/0  12345     0\r\x03", 0.12345, WeightUnit::Kg),
        ];
        for (bytes, value, unit) in cases {
            assert_weight(&reading(&mut decoder, bytes, now), value, unit);
        }
        assert_eq!(decoder.garbage_bytes(), 0);
    }

    #[test]
    fn dummy_zero_positions_from_the_research_notes() {
        let mut decoder = decoder();
        let now = Instant::now();
        assert_weight(
            &reading(&mut decoder, &frame(b"\x02(0   1234     0\r"), now),
            123_400.0,
            WeightUnit::Kg,
        );
        assert_weight(
            &reading(&mut decoder, &frame(b"\x02)0   1234     0\r"), now),
            12_340.0,
            WeightUnit::Kg,
        );
    }

    #[test]
    fn power_up_not_zeroed_is_a_fault() {
        let reading = reading(&mut decoder(), &frame(b"\x02,p    123     0\r"), Instant::now());
        assert!(reading.fault);
        assert_eq!(reading.stable_grams(), None);
    }

    #[test]
    fn a_bad_checksum_is_reported_and_the_next_frame_read() {
        let mut decoder = decoder();
        let events = feed(
            &mut decoder,
            b"\x0250   1234     0\r\x13\x0250   1234     0\r\x12",
            Instant::now(),
        );
        assert_eq!(events.len(), 2, "{events:?}");
        assert_eq!(
            events[0],
            ScaleEvent::Fault(FrameError::Checksum { expected: 0x12, found: 0x13 })
        );
        assert!(matches!(&events[1], ScaleEvent::Reading(reading) if reading.weight.is_some()));
        assert_eq!(decoder.garbage_bytes(), 18);
    }

    #[test]
    fn garbage_between_frames_from_sim_garbage_9_is_skipped_and_counted() {
        let mut decoder = decoder();
        let bytes =
            b"\x02,0    123     0\r/E|v\x9f9\xd8dA\xbd\x02,0    123     0\r/\x02,0    123     0\r/";
        let events = feed(&mut decoder, bytes, Instant::now());
        assert_eq!(events.len(), 3, "{events:?}");
        assert_eq!(decoder.garbage_bytes(), 9);
    }

    #[test]
    fn mid_frame_start_with_parity_bits_from_sim_midframe_start_parity_bit() {
        let mut decoder = decoder();
        let bytes = b"\xa0\xa0\xa0\xa0\xb1\xb235\xa0\xa0\xa0\xa0\xa00\x8d\x9a\x82<\xa0\xa0\xa0\xa0\xb1\xb235\xa0\xa0\xa0\xa0\xa00\x8d\x9a";
        let reading = reading(&mut decoder, bytes, Instant::now());
        assert_weight(&reading, 12.35, WeightUnit::Lb);
        assert_eq!(decoder.garbage_bytes(), 16);
    }

    #[test]
    fn split_byte_by_byte_and_several_in_one_push() {
        let mut decoder = decoder();
        let now = Instant::now();
        let bytes = b"\x0250   1234     0\r\x12\x0258   1230     0\r\x0e";
        assert_eq!(feed_bytewise(&mut decoder, bytes, now).len(), 2);
        assert_eq!(feed(&mut decoder, bytes, now).len(), 2);
        assert_eq!(decoder.garbage_bytes(), 0);
    }

    #[test]
    fn a_stale_partial_frame_is_dropped() {
        let mut decoder = decoder();
        let start = Instant::now();
        assert_eq!(feed(&mut decoder, b"\x0250   12", start), []);
        let events =
            feed(&mut decoder, b"\x0250   1234     0\r\x12", start + Duration::from_secs(1));
        assert_eq!(events[0], ScaleEvent::Fault(FrameError::Stale { bytes: 8 }));
        assert!(matches!(&events[1], ScaleEvent::Reading(_)));
    }

    #[test]
    fn a_unit_backroom_cannot_convert_is_reported() {
        let events = feed(&mut decoder(), &frame(b"\x02,0\"   123     0\r"), Instant::now());
        assert_eq!(events, [ScaleEvent::Fault(FrameError::UnsupportedUnit { unit: "t".into() })]);
    }

    #[test]
    fn the_sim_checksum_rule_holds_for_the_documented_frame() {
        let frame = [
            0x02, 0x35, 0x30, 0x20, 0x20, 0x20, 0x31, 0x32, 0x33, 0x34, 0x20, 0x20, 0x20, 0x20,
            0x20, 0x30, 0x0d,
        ];
        assert_eq!(checksum(&frame), 0x12);
    }
}
