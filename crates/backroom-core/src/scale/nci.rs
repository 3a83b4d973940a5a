//! NCI / Avery Weigh-Tronix standard protocol SCP-01, and its SCP-12 ("NCI 3835") variant.
//!
//! A reply starts with LF and ends with ETX. SCP-01 weighs as `LF 002.35lb CR LF 00 CR ETX`,
//! SCP-12 as `LF 002.35LB CR 00 ETX` with a polarity column and an upper-case unit; both send
//! bare status as `LF 00 CR ETX`. Status bytes have bits 4 and 5 set, and the weight is left out
//! when the scale is over or under capacity. One framer reads both layouts (and the SCP-02
//! flavour, whose status starts with `S`), so a scale set to a neighbouring layout still reads.
//! Each layout is read to the letter: the width of the weight, a decimal point in pounds,
//! kilograms and ounces, the case of the unit, and status bytes chained as SCP-01 chains them.
//!
//! The exception to the framing is the unknown-command reply: SCP-01 sends `LF ? CR ETX`, SCP-12
//! sends `LF ? CR` with no ETX, so `LF ? CR` ends a frame by itself and an ETX right after it is
//! part of it.

use super::decoder::{Answer, CR, ETX, Framing, LF, Message, Target, unit_named, unreadable};
use super::field::{self, Point};
use super::reading::Sample;
use super::{Command, FrameError, Protocol, Range, Refusal, Weight};
use crate::weight::WeightUnit;

const WEIGHT_REQUEST: &[u8] = b"W\r";
const ZERO: &[u8] = b"Z\r";
const TARE: &[u8] = b"T\r";

/// The longest reply (lb-oz weight with three status bytes) is about 20 bytes.
const MAX_FRAME: usize = 48;

/// SCP-12 has no tare command (it answers `T` with `?`), and neither layout clears a tare.
pub(super) fn command(command: Command, scp12: bool) -> Option<&'static [u8]> {
    match command {
        Command::Weight => Some(WEIGHT_REQUEST),
        Command::Zero => Some(ZERO),
        Command::Tare if !scp12 => Some(TARE),
        Command::Tare | Command::ClearTare => None,
    }
}

#[derive(Debug, Default)]
pub(super) struct Framer {
    /// The frame so far, from its LF; empty between frames.
    frame: Vec<u8>,
    /// `LF ? CR` just ended a frame, so an ETX next belongs to it.
    after_query: bool,
    garbage: u64,
    /// The layout the weight frames showed.
    layout: Option<Protocol>,
    /// `LF ? CR` arrived without an ETX after it, as SCP-12 sends it.
    bare_query: bool,
}

impl Framing for Framer {
    fn feed(&mut self, bytes: &[u8], out: &mut Vec<Result<Message, FrameError>>) {
        for &raw in bytes {
            // A 7E1 scale read with 8 data bits puts its parity in bit 7.
            let byte = raw & 0x7F;
            if self.after_query {
                self.after_query = false;
                if byte == ETX {
                    continue;
                }
                self.bare_query = true;
            }
            if self.frame.is_empty() {
                if byte == LF {
                    self.frame.push(byte);
                } else {
                    self.garbage += 1;
                }
                continue;
            }
            self.frame.push(byte);
            if byte == ETX {
                self.end_frame(out);
            } else if byte == CR && self.frame.ends_with(&[LF, b'?', CR]) {
                self.garbage += (self.frame.len() - 3) as u64;
                self.frame.clear();
                self.after_query = true;
                let answer = Answer::Refused(Refusal::UnknownCommand);
                out.push(Ok(Message::Reply { target: Target::Oldest, answer }));
            } else if self.frame.len() > MAX_FRAME {
                self.overflow(out);
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

    fn dialect(&self) -> Option<Protocol> {
        self.layout.or((self.bare_query || self.after_query).then_some(Protocol::NciScp12))
    }
}

impl Framer {
    /// Keeps the frame from its last LF that could start one (see [`Framer::end_frame`]),
    /// dropping what came before.
    fn overflow(&mut self, out: &mut Vec<Result<Message, FrameError>>) {
        let frame = &self.frame;
        let restart = (1..frame.len())
            .rev()
            .find(|&at| frame[at] == LF && frame[at - 1] != CR)
            .unwrap_or(frame.len());
        self.frame.drain(..restart);
        self.garbage += restart as u64;
        out.push(Err(FrameError::Overflow { bytes: restart }));
    }

    /// Reads the frame that an ETX just ended. Noise that contained an LF makes the frame start
    /// too early, so later LFs are tried as the start too; an LF right after a CR is not one,
    /// since SCP-01 puts one inside every weight frame.
    fn end_frame(&mut self, out: &mut Vec<Result<Message, FrameError>>) {
        let frame = std::mem::take(&mut self.frame);
        let end = frame.len() - 1;
        let starts = (0..end).filter(|&at| frame[at] == LF && (at == 0 || frame[at - 1] != CR));
        for start in starts {
            let body = &frame[start + 1..end];
            if let Some(result) = parse(body) {
                self.garbage += start as u64;
                match &result {
                    Ok(_) if !body.ends_with(&[CR]) => self.layout = Some(Protocol::NciScp12),
                    Ok(_) if body.contains(&LF) => self.layout = Some(Protocol::Nci),
                    Ok(_) => {}
                    Err(_) => self.garbage += (frame.len() - start) as u64,
                }
                out.push(result);
                return;
            }
        }
        self.garbage += frame.len() as u64;
        out.push(Err(unreadable(&frame)));
    }
}

/// Parses what lies between the LF and the ETX; `None` when it is not an NCI reply.
fn parse(body: &[u8]) -> Option<Result<Message, FrameError>> {
    let printable = |byte: &u8| (0x20..0x7F).contains(byte);
    if !body.iter().all(|byte| *byte == CR || *byte == LF || printable(byte)) {
        return None;
    }
    let text = std::str::from_utf8(body).ok()?;
    let Some(lines) = text.strip_suffix('\r') else {
        // SCP-12: `p002.35LB CR 00`.
        let (weight, status) = text.split_once('\r')?;
        return weighed(scp12_weight(weight)?, Status::parse(status)?);
    };
    match lines.split_once("\r\n") {
        // SCP-02 marks its status with `S` and writes the unit in upper case.
        Some((weight, status)) => match status.strip_prefix('S') {
            Some(status) => weighed(scp02_weight(weight)?, Status::parse(status)?),
            None => weighed(scp01_weight(weight)?, Status::parse(status)?),
        },
        None => {
            let status = Status::parse(lines.strip_prefix('S').unwrap_or(lines))?;
            Some(Ok(Message::Status { sample: status.sample(None), outside_zero_range: false }))
        }
    }
}

fn weighed(
    weight: Result<Weight, FrameError>,
    status: Status,
) -> Option<Result<Message, FrameError>> {
    Some(weight.map(|weight| Message::Reading(status.sample(Some(weight)))))
}

/// SCP-01: the display digits, zero-padded with a minus in front when negative, six wide (seven
/// with the extra decimal of `H`), then the lower-case unit: `002.35lb`, `-00.05lb`, `001235g`.
/// Also the two layouts the research notes quote: the 3700LP's blank-padded grams ` 1234g ` and
/// pounds with ounces, ` 2lb  5.3oz`.
fn scp01_weight(field: &str) -> Option<Result<Weight, FrameError>> {
    if let Some(ounces) = pounds_and_ounces(field) {
        return Some(Ok(Weight::new(ounces, WeightUnit::Oz)));
    }
    if let Some(number) = field.strip_suffix("g ") {
        let grams = field::right_aligned(number, Point::Optional).filter(|_| number.len() == 5)?;
        return Some(Ok(Weight::new(grams, WeightUnit::G)));
    }
    let (number, unit) = split_unit(field);
    let shaped = (6..=7).contains(&number.len()) && unit.bytes().all(|b| b.is_ascii_lowercase());
    if !shaped {
        return None;
    }
    weight(unit, |point| field::right_aligned(number, point))
}

/// SCP-02: always six characters with leading zeros, never negative, unit in upper case:
/// `01.234KG`.
fn scp02_weight(field: &str) -> Option<Result<Weight, FrameError>> {
    let (number, unit) = split_unit(field);
    if number.len() != 6 || !unit.bytes().all(|byte| byte.is_ascii_uppercase()) {
        return None;
    }
    weight(unit, |point| field::unsigned(number, point))
}

/// SCP-12: a polarity column (space or minus), the zero-padded digits six or seven wide, and a
/// two-letter upper-case unit: ` 002.35LB`, `-000.05LB`.
fn scp12_weight(field: &str) -> Option<Result<Weight, FrameError>> {
    let (polarity, rest) = field.split_at_checked(1)?;
    let sign = match polarity {
        " " => 1.0,
        "-" => -1.0,
        _ => return None,
    };
    let (number, unit) = split_unit(rest);
    let shaped = (6..=7).contains(&number.len())
        && unit.len() == 2
        && unit.bytes().all(|byte| byte.is_ascii_uppercase());
    if !shaped {
        return None;
    }
    weight(unit, |point| field::unsigned(number, point).map(|value| sign * value))
}

/// The field up to its trailing letters, and the letters.
fn split_unit(field: &str) -> (&str, &str) {
    field.split_at(field.trim_end_matches(|c: char| c.is_ascii_alphabetic()).len())
}

/// The weight `number` reads to in `unit`, `number` being told whether the unit needs a point.
/// A well-formed number in a unit Backroom cannot convert is still an NCI frame.
fn weight(unit: &str, number: impl Fn(Point) -> Option<f64>) -> Option<Result<Weight, FrameError>> {
    if !(1..=2).contains(&unit.len()) {
        return None;
    }
    match unit_named(&unit.to_ascii_lowercase()) {
        Ok(known) => Some(Ok(Weight::new(number(Point::for_unit(known))?, known))),
        Err(_) => {
            number(Point::Optional)?;
            Some(Err(FrameError::UnsupportedUnit { unit: unit.to_owned() }))
        }
    }
}

/// Pounds and ounces, `xxlb SP xx.xoz`: two columns of whole pounds, then ounces to a tenth in
/// four. Ounces hold the value exactly.
fn pounds_and_ounces(field: &str) -> Option<f64> {
    let (pounds, rest) = field.split_at_checked(2)?;
    let ounces = rest.strip_prefix("lb ")?.strip_suffix("oz")?;
    if ounces.len() != 4 || ounces.as_bytes()[2] != b'.' {
        return None;
    }
    let pounds = field::right_aligned(pounds, Point::Forbidden)?;
    let ounces = field::unsigned(ounces.trim_start_matches(' '), Point::Required)?;
    let total = pounds.abs() * 16.0 + ounces;
    Some(if pounds.is_sign_negative() { -total } else { total })
}

/// The status bytes: byte 1 motion (b0), centre of zero (b1), RAM and EEPROM errors (b2, b3);
/// byte 2 under capacity (b0), over capacity (b1), ROM and calibration errors (b2, b3), and b6
/// when a third byte follows; byte 3 the range (b0-1, both off or both on), net (b2) and an
/// initial-zero error (b3). Every byte has bits 4 and 5 set.
struct Status {
    motion: bool,
    at_zero: bool,
    under: bool,
    over: bool,
    net: Option<bool>,
    fault: bool,
}

impl Status {
    fn parse(text: &str) -> Option<Status> {
        let plain = |byte: u8| byte & 0xF0 == 0x30;
        let shaped = match *text.as_bytes() {
            [first, second] => plain(first) && plain(second),
            [first, second, third] => {
                let range = third & 0x03;
                plain(first) && second & 0xF0 == 0x70 && plain(third) && (range == 0 || range == 3)
            }
            _ => false,
        };
        if !shaped {
            return None;
        }
        let bytes = text.as_bytes();
        let bit = |index: usize, mask: u8| bytes.get(index).is_some_and(|byte| byte & mask != 0);
        Some(Status {
            motion: bit(0, 0x01),
            at_zero: bit(0, 0x02),
            under: bit(1, 0x01),
            over: bit(1, 0x02),
            net: (bytes.len() == 3).then(|| bit(2, 0x04)),
            fault: bit(0, 0x0C) || bit(1, 0x0C) || bit(2, 0x08),
        })
    }

    fn sample(&self, weight: Option<Weight>) -> Sample {
        let range = match (self.under, self.over) {
            (false, false) => Range::InRange,
            (true, false) => Range::Under,
            (false, true) => Range::Over,
            (true, true) => Range::OutOfRange,
        };
        Sample {
            at_zero: Some(self.at_zero),
            net: self.net,
            fault: self.fault,
            ..Sample::new(weight, self.motion, range)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::scale::decoder::tests::{assert_weight, feed, feed_bytewise, reading, settled};
    use crate::scale::{Decoder, ScaleEvent};

    fn nci() -> Decoder {
        Protocol::Nci.decoder()
    }

    fn scp12() -> Decoder {
        Protocol::NciScp12.decoder()
    }

    /// What an 8N1 reader sees from a 7E1 scale: even parity in bit 7 of every byte.
    fn with_parity(bytes: &[u8]) -> Vec<u8> {
        bytes
            .iter()
            .map(|&byte| if byte.count_ones() % 2 == 1 { byte | 0x80 } else { byte })
            .collect()
    }

    #[test]
    fn w_stable_from_sim_default_lb() {
        let mut decoder = nci();
        let now = Instant::now();
        let reading = settled(&mut decoder, b"\n002.35lb\r\n00\r\x03", now);
        assert_weight(&reading, 2.35, WeightUnit::Lb);
        assert!(!reading.motion);
        assert_eq!(
            (reading.range, reading.at_zero, reading.net, reading.fault),
            (Range::InRange, Some(false), None, false)
        );
        assert_eq!(reading.protocol, Protocol::Nci);
        assert!(reading.stable_grams().is_some());
        assert_eq!(decoder.garbage_bytes(), 0);
    }

    #[test]
    fn h_tenfold_resolution_from_sim_h() {
        assert_weight(
            &reading(&mut nci(), b"\n002.350lb\r\n00\r\x03", Instant::now()),
            2.35,
            WeightUnit::Lb,
        );
    }

    #[test]
    fn w_in_motion_from_sim_motion_on_keeps_the_weight() {
        let reading = reading(&mut nci(), b"\n002.15lb\r\n10\r\x03", Instant::now());
        assert_weight(&reading, 2.15, WeightUnit::Lb);
        assert!(reading.motion);
        assert_eq!(reading.stable_grams(), None);
    }

    #[test]
    fn w_negative_and_at_zero_from_sim_zero_then_lighter_load() {
        let mut decoder = nci();
        let now = Instant::now();
        assert_weight(
            &reading(&mut decoder, b"\n-00.05lb\r\n00\r\x03", now),
            -0.05,
            WeightUnit::Lb,
        );
        let zero = reading(&mut decoder, b"\n000.00lb\r\n20\r\x03", now);
        assert_weight(&zero, 0.0, WeightUnit::Lb);
        assert_eq!(zero.at_zero, Some(true));
    }

    #[test]
    fn w_in_every_unit_from_sim_unit_option() {
        let mut decoder = nci();
        let now = Instant::now();
        assert_weight(&reading(&mut decoder, b"\n001.23kg\r\n00\r\x03", now), 1.23, WeightUnit::Kg);
        assert_weight(&reading(&mut decoder, b"\n0012.5oz\r\n00\r\x03", now), 12.5, WeightUnit::Oz);
        assert_weight(&reading(&mut decoder, b"\n-001.0oz\r\n00\r\x03", now), -1.0, WeightUnit::Oz);
        assert_weight(&reading(&mut decoder, b"\n001235g\r\n00\r\x03", now), 1235.0, WeightUnit::G);
        assert_weight(&reading(&mut decoder, b"\n000000g\r\n20\r\x03", now), 0.0, WeightUnit::G);
    }

    #[test]
    fn w_over_and_under_capacity_from_sim_overload_underload_is_status_only() {
        let mut decoder = nci();
        let now = Instant::now();
        decoder.request(Command::Weight, now);
        let over = settled(&mut decoder, b"\n02\r\x03", now);
        assert_eq!((over.weight, over.range), (None, Range::Over));
        let under = settled(&mut decoder, b"\n01\r\x03", now);
        assert_eq!((under.weight, under.range), (None, Range::Under));
    }

    #[test]
    fn a_weight_sent_with_an_over_capacity_flag_is_dropped() {
        let reading = settled(&mut nci(), b"\n152.35lb\r\n02\r\x03", Instant::now());
        assert_eq!((reading.weight, reading.range), (None, Range::Over));
    }

    #[test]
    fn s_status_from_sim_s_has_no_weight() {
        let reading = reading(&mut nci(), b"\n00\r\x03", Instant::now());
        assert_eq!((reading.weight, reading.motion, reading.range), (None, false, Range::InRange));
        assert_eq!(reading.stable_grams(), None);
    }

    #[test]
    fn unknown_command_from_sim_x_answers_the_oldest_request() {
        let mut decoder = nci();
        let now = Instant::now();
        decoder.request(Command::Tare, now);
        let events = feed(&mut decoder, b"\n?\r\x03", now);
        assert_eq!(
            events,
            [ScaleEvent::Refused { command: Some(Command::Tare), reason: Refusal::UnknownCommand }]
        );
        assert_eq!(decoder.garbage_bytes(), 0);
        assert_eq!(decoder.poll_timeout(), None);
    }

    #[test]
    fn zero_answers_from_sim_z_in_range_in_motion_and_out_of_range() {
        let mut decoder = nci();
        let now = Instant::now();
        let zero = Some(Command::Zero);
        let cases: [(&[u8], ScaleEvent); 3] = [
            (b"\n20\r\x03", ScaleEvent::Zeroed),
            (b"\n10\r\x03", ScaleEvent::Refused { command: zero, reason: Refusal::Motion }),
            (b"\n00\r\x03", ScaleEvent::Refused { command: zero, reason: Refusal::NotAtZero }),
        ];
        for (bytes, expected) in cases {
            assert_eq!(decoder.request(Command::Zero, now), Some(&b"Z\r"[..]));
            assert_eq!(feed(&mut decoder, bytes, now), [expected], "{}", bytes.escape_ascii());
        }
        decoder.request(Command::Zero, now);
        let events = feed(&mut decoder, b"\n02\r\x03", now);
        assert_eq!(events, [ScaleEvent::Refused { command: zero, reason: Refusal::AboveRange }]);
    }

    #[test]
    fn tare_answer_from_sim_t() {
        let mut decoder = nci();
        let now = Instant::now();
        assert_eq!(decoder.request(Command::Tare, now), Some(&b"T\r"[..]));
        assert_eq!(feed(&mut decoder, b"\n00\r\x03", now), [ScaleEvent::Tared { tare: None }]);
        decoder.request(Command::Tare, now);
        let events = feed(&mut decoder, b"\n10\r\x03", now);
        assert_eq!(
            events,
            [ScaleEvent::Refused { command: Some(Command::Tare), reason: Refusal::Motion }]
        );
    }

    #[test]
    fn garbage_before_a_frame_from_sim_garbage_5_is_skipped_and_counted() {
        let mut decoder = nci();
        let reading = reading(&mut decoder, b"<4LA\x1e\n002.50lb\r\n00\r\x03", Instant::now());
        assert_weight(&reading, 2.5, WeightUnit::Lb);
        assert_eq!(decoder.garbage_bytes(), 5);
    }

    #[test]
    fn noise_holding_an_lf_does_not_swallow_the_next_frame() {
        let mut decoder = nci();
        let reading = reading(&mut decoder, b"\x07\n\x1bq\n002.50lb\r\n00\r\x03", Instant::now());
        assert_weight(&reading, 2.5, WeightUnit::Lb);
        assert_eq!(decoder.garbage_bytes(), 4);
    }

    #[test]
    fn an_lf_ending_the_noise_is_counted_as_noise_from_sim_garbage_4() {
        let mut decoder = nci();
        let reading = reading(&mut decoder, b"\x0f%x\n\n002.35lb\r\n00\r\x03", Instant::now());
        assert_weight(&reading, 2.35, WeightUnit::Lb);
        assert_eq!(decoder.garbage_bytes(), 4);
    }

    #[test]
    fn a_damaged_weight_frame_is_unreadable_not_status_only() {
        let mut decoder = nci();
        let events = feed(&mut decoder, b"\n00#.35lb\r\n00\r\x03", Instant::now());
        assert!(
            matches!(events.as_slice(), [ScaleEvent::Fault(FrameError::Unreadable { .. })]),
            "{events:?}"
        );
        assert_eq!(decoder.garbage_bytes(), 15);
    }

    #[test]
    fn a_frame_that_never_ends_is_dropped_and_the_next_one_read() {
        let mut decoder = nci();
        let mut bytes = b"\n".to_vec();
        bytes.extend([b'x'; 60]);
        bytes.extend_from_slice(b"\n002.35lb\r\n00\r\x03");
        let events = feed(&mut decoder, &bytes, Instant::now());
        assert_eq!(events.len(), 2, "{events:?}");
        assert_eq!(events[0], ScaleEvent::Fault(FrameError::Overflow { bytes: MAX_FRAME + 1 }));
        assert!(matches!(&events[1], ScaleEvent::Reading(reading) if reading.weight.is_some()));
        assert_eq!(decoder.garbage_bytes(), 61);
    }

    #[test]
    fn two_frames_in_one_push_from_sim_w_w() {
        let events =
            feed(&mut nci(), b"\n005.00lb\r\n00\r\x03\n005.00lb\r\n00\r\x03", Instant::now());
        assert_eq!(events.len(), 2);
        assert!(events.iter().all(
            |event| matches!(event, ScaleEvent::Reading(reading) if reading.weight.is_some())
        ));
    }

    #[test]
    fn split_byte_by_byte_from_sim_w() {
        let mut decoder = nci();
        let events = feed_bytewise(
            &mut decoder,
            b"\n002.35lb\r\n00\r\x03\n?\r\x03\n00\r\x03",
            Instant::now(),
        );
        assert_eq!(events.len(), 3, "{events:?}");
        assert_eq!(decoder.garbage_bytes(), 0);
    }

    #[test]
    fn parity_bits_from_sim_parity_bit_are_ignored() {
        let reading = reading(&mut nci(), &with_parity(b"\n002.35lb\r\n10\r\x03"), Instant::now());
        assert_weight(&reading, 2.35, WeightUnit::Lb);
        assert!(reading.motion);
    }

    #[test]
    fn a_stale_partial_frame_is_dropped() {
        let mut decoder = nci();
        let start = Instant::now();
        assert_eq!(feed(&mut decoder, b"\n002.3", start), []);
        let later = start + Duration::from_secs(2);
        let events = feed(&mut decoder, b"\n002.35lb\r\n00\r\x03", later);
        assert_eq!(events[0], ScaleEvent::Fault(FrameError::Stale { bytes: 6 }));
        assert!(matches!(&events[1], ScaleEvent::Reading(reading) if reading.weight.is_some()));
    }

    #[test]
    fn a_third_status_byte_says_net_and_error_bits_say_fault() {
        let mut decoder = nci();
        let now = Instant::now();
        let net = reading(&mut decoder, b"\n001.20lb\r\n0p4\r\x03", now);
        assert_eq!((net.net, net.fault), (Some(true), false));
        let gross = reading(&mut decoder, b"\n001.20lb\r\n0p0\r\x03", now);
        assert_eq!(gross.net, Some(false));
        let ram_error = settled(&mut decoder, b"\n001.20lb\r\n40\r\x03", now);
        assert!(ram_error.fault);
        assert_eq!(ram_error.stable_grams(), None);
        let initial_zero_error = settled(&mut decoder, b"\n0p8\r\x03", now);
        assert!(initial_zero_error.fault);
    }

    #[test]
    fn pounds_and_ounces_and_scp02_layouts_from_the_research_notes() {
        let mut decoder = nci();
        let now = Instant::now();
        assert_weight(
            &reading(&mut decoder, b"\n 2lb  5.3oz\r\n00\r\x03", now),
            37.3,
            WeightUnit::Oz,
        );
        assert_weight(
            &reading(&mut decoder, b"\n01.234KG\r\nS00\r\x03", now),
            1.234,
            WeightUnit::Kg,
        );
        assert_weight(&reading(&mut decoder, b"\n 1234g \r\n00\r\x03", now), 1234.0, WeightUnit::G);
    }

    #[test]
    fn scp12_weight_from_sim_nci_scp12() {
        let mut decoder = scp12();
        let now = Instant::now();
        let reading = settled(&mut decoder, b"\n 002.35LB\r00\x03", now);
        assert_weight(&reading, 2.35, WeightUnit::Lb);
        assert_eq!(
            (reading.motion, reading.at_zero, reading.protocol),
            (false, Some(false), Protocol::NciScp12)
        );
    }

    #[test]
    fn scp12_motion_negative_zero_and_units_from_sim_nci_scp12() {
        let mut decoder = scp12();
        let now = Instant::now();
        let moving = reading(&mut decoder, b"\n 002.15LB\r10\x03", now);
        assert_weight(&moving, 2.15, WeightUnit::Lb);
        assert!(moving.motion);
        assert_weight(&reading(&mut decoder, b"\n-000.05LB\r00\x03", now), -0.05, WeightUnit::Lb);
        let zero = reading(&mut decoder, b"\n 000.00LB\r20\x03", now);
        assert_eq!(zero.at_zero, Some(true));
        assert_weight(&reading(&mut decoder, b"\n 001.23KG\r00\x03", now), 1.23, WeightUnit::Kg);
        assert_weight(&reading(&mut decoder, b"\n 0012.5OZ\r00\x03", now), 12.5, WeightUnit::Oz);
        assert_weight(&reading(&mut decoder, b"\n-0001.0OZ\r00\x03", now), -1.0, WeightUnit::Oz);
        let over = settled(&mut decoder, b"\n02\r\x03", now);
        assert_eq!((over.weight, over.range), (None, Range::Over));
    }

    #[test]
    fn scp12_unknown_command_from_sim_h_has_no_etx_and_the_next_frame_follows() {
        let mut decoder = scp12();
        let now = Instant::now();
        decoder.request(Command::Weight, now);
        let events = feed_bytewise(&mut decoder, b"\n?\r\n 002.35LB\r00\x03", now);
        assert_eq!(events.len(), 2, "{events:?}");
        assert_eq!(
            events[0],
            ScaleEvent::Refused { command: Some(Command::Weight), reason: Refusal::UnknownCommand }
        );
        assert!(matches!(&events[1], ScaleEvent::Reading(reading) if reading.weight.is_some()));
        assert_eq!(decoder.garbage_bytes(), 0);
    }

    #[test]
    fn scp12_garbage_from_sim_garbage_5_is_skipped_and_counted() {
        let mut decoder = scp12();
        let reading =
            reading(&mut decoder, b"\xc4\xbb\x86\xc3\x10\n 002.50LB\r00\x03", Instant::now());
        assert_weight(&reading, 2.5, WeightUnit::Lb);
        assert_eq!(decoder.garbage_bytes(), 5);
    }

    #[test]
    fn layouts_are_told_apart_by_weight_frames_and_the_bare_query() {
        let layout = |bytes: &[u8]| {
            let mut framer = Framer::default();
            framer.feed(bytes, &mut Vec::new());
            framer.dialect()
        };
        assert_eq!(layout(b"\n002.35lb\r\n00\r\x03"), Some(Protocol::Nci));
        assert_eq!(layout(b"\n 002.35LB\r00\x03"), Some(Protocol::NciScp12));
        assert_eq!(layout(b"\n?\r"), Some(Protocol::NciScp12));
        assert_eq!(layout(b"\n?\r\x03"), None);
        assert_eq!(layout(b"\n02\r\x03"), None);
    }

    /// The issue: `002.35lb` with its point dropped was read as 235 lb.
    #[test]
    fn a_weight_with_a_dropped_point_from_the_issue_is_unreadable_not_235_lb() {
        let mut decoder = nci();
        let frame = b"\n00235lb\r\n00\r\x03";
        let events = feed(&mut decoder, &[&frame[..], frame].concat(), Instant::now());
        assert_eq!(events.len(), 2, "{events:?}");
        assert!(
            events
                .iter()
                .all(|event| matches!(event, ScaleEvent::Fault(FrameError::Unreadable { .. }))),
            "{events:?}"
        );
    }

    /// The issue: noise shaped like status bytes was read as an internal fault.
    #[test]
    fn status_looking_noise_is_unreadable_not_a_fault() {
        let noises: [&[u8]; 8] = [
            b"\n4p\r\x03",
            b"\n0\r\x03",
            b"\n4\r\x03",
            b"\n4000\r\x03",
            b"\n0p1\r\x03",
            b"\n0p:\r\x03",
            b"\n002.35lb\r\n4@\r\x03",
            b"\n S40\r\x03",
        ];
        for noise in noises {
            let mut decoder = nci();
            let events = feed(&mut decoder, &[noise, noise].concat(), Instant::now());
            assert!(
                events.iter().all(|event| matches!(event, ScaleEvent::Fault(_))),
                "{} gave {events:?}",
                noise.escape_ascii()
            );
        }
    }

    #[test]
    fn one_damaged_status_byte_is_not_a_fault_until_the_next_frame_agrees() {
        let mut decoder = nci();
        let now = Instant::now();
        let good = b"\n002.35lb\r\n00\r\x03";
        let flipped = reading(&mut decoder, b"\n002.35lb\r\n40\r\x03", now);
        assert_eq!((flipped.fault, flipped.motion), (false, true));
        assert!(reading(&mut decoder, good, now).motion);
        assert_eq!(reading(&mut decoder, good, now).stable_grams(), Some(2.35 * 453.592_37));
    }

    #[test]
    fn fields_off_the_letter_are_unreadable() {
        for body in [
            &b"02.35lb\r\n00\r"[..],
            b"0002.350lb\r\n00\r",
            b"002.35Lb\r\n00\r",
            b"002.35LB\r\n00\r",
            b"002.35lb\r\nS00\r",
            b"002.35 lb\r\n00\r",
            b"0-02.35lb\r\n00\r",
            b"002.35lb\r00\r",
            b"002.35lb\n\r00\r",
            b"002.35lb\r\n00",
            b"01.234kg\r\nS00\r",
            b"1.234KG\r\nS00\r",
            b"002.35LB\r00",
            b"+002.35LB\r00",
            b" 02.35LB\r00",
            b" 002.35lb\r00",
            b" 002.35L\r00",
            b" 00235LB\r00",
            b" 2lb 5.3oz\r\n00\r",
            b" 2lb  53.oz\r\n00\r",
            b"1234g \r\n00\r",
        ] {
            assert_eq!(parse(body).map(|result| result.is_ok()), None, "{}", body.escape_ascii());
        }
    }
}
