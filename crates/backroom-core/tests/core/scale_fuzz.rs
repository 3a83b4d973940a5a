//! Property tests of every scale parser.
//!
//! Whatever bytes arrive, in whatever chunks and with whatever commands between them, a decoder
//! never panics and never reports a weight whose digits were not on the wire; a real frame cut
//! into any pieces reads the same as whole. And from streams of valid frames with one byte
//! dropped, inserted or changed, or with status-looking noise between them, no decoder reports a
//! stable weight other than the true one, nor a fault or a load out of range (see
//! `scale_stream/`, which the `scale_streams` bench runs a million times per protocol).

#[path = "../scale_stream/mod.rs"]
mod scale_stream;

use std::time::{Duration, Instant};

use backroom_core::scale::{
    Command, Decoder, PROBE_ORDER, Protocol, Range, ScaleEvent, Weight, identify,
};
use proptest::prelude::*;
use proptest::sample::select;
use scale_stream::Kind;

/// Byte strings that frames of the five protocols are made of, so that random input often comes
/// close to a real frame instead of being rejected at its first byte.
const PIECES: &[&[u8]] = &[
    b"\x02", b"\x03", b"\r", b"\n", b"\r\n", b" ", b"-", b"+", b".", b"?", b"\"", b"0", b"00",
    b"1", b"2", b"5", b"9", b"002.35", b"1.234", b"123456", b"lb", b"kg", b"g", b"oz", b"LB",
    b"KG", b"ct", b"S ", b"S S ", b"S D ", b"S +", b"S -", b"S I", b"SI ", b"Z A", b"Z I", b"ZI S",
    b"T S ", b"TA A ", b"TAC A", b"ES", b"ET", b"EL", b"I4 A ", b"@", b"?@", b"?A", b"?B", b"?D",
    b"?H", b"?P", b"?`", b"N", b"E", b"10", b"20", b"01", b"02", b",0 ", b"50 ", b"<  ", b"57 ",
];

/// Frames the simulator sends, one of each protocol and state.
const FRAMES: &[&[u8]] = &[
    b"S S      1.234 kg\r\n",
    b"S D      1.226 kg\r\n",
    b"S +\r\n",
    b"T S      1.234 kg\r\n",
    b"I4 A \"0123456789\"\r\n",
    b"\n002.35lb\r\n00\r\x03",
    b"\n002.40lb\r\n10\r\x03",
    b"\n-00.05lb\r\n00\r\x03",
    b"\n02\r\x03",
    b"\n 002.35LB\r00\x03",
    b"\n?\r",
    b"\x02002.35\r",
    b"\x0200.400N\r",
    b"\x02?A\r",
    b"\x02E\rhello",
    b"\x0250   1234     0\r\x12",
    b"\x0253     10  1234\r~",
    b"\x02<    1235     0\r\x1a",
];

#[derive(Debug, Clone)]
enum Step {
    Push(Vec<u8>),
    Request(Command),
    Wait(u64),
}

fn chunk() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => proptest::collection::vec(any::<u8>(), 1..24),
        6 => proptest::collection::vec(select(PIECES), 1..12).prop_map(|pieces| pieces.concat()),
        2 => select(FRAMES).prop_map(<[u8]>::to_vec),
        1 => continuous_frame(),
    ]
}

/// A Toledo continuous frame with random status words and digits and a correct checksum, which
/// random bytes would almost never have.
fn continuous_frame() -> impl Strategy<Value = Vec<u8>> {
    let field = proptest::collection::vec(select(&b" 0123456789"[..]), 6);
    (0x20u8..0x80, 0x20u8..0x80, 0x20u8..0x80, field.clone(), field).prop_map(
        |(swa, swb, swc, weight, tare)| {
            let mut frame = vec![0x02, swa, swb, swc];
            frame.extend(weight);
            frame.extend(tare);
            frame.push(b'\r');
            let sum = frame.iter().fold(0u8, |sum, byte| sum.wrapping_add(byte & 0x7F));
            frame.push(sum.wrapping_neg() & 0x7F);
            frame
        },
    )
}

fn step() -> impl Strategy<Value = Step> {
    let command = select(&[Command::Weight, Command::Zero, Command::Tare, Command::ClearTare][..]);
    prop_oneof![
        8 => chunk().prop_map(Step::Push),
        2 => command.prop_map(Step::Request),
        1 => (0u64..1200).prop_map(Step::Wait),
    ]
}

/// The digits of a weight without its point and without the zeros at either end, which a
/// frame may write differently (`002.350`, or a continuous frame's implied decimals).
fn significant_digits(value: f64) -> String {
    let text = format!("{}", value.abs());
    let digits: String = text.chars().filter(|c| *c != '.').collect();
    digits.trim_start_matches('0').trim_end_matches('0').to_owned()
}

/// The input as the digits check reads it: parity bits cleared (7E1 read as 8N1) and points
/// dropped.
fn wire_digits(input: &[u8]) -> String {
    input.iter().map(|byte| char::from(byte & 0x7F)).filter(|c| *c != '.').collect()
}

fn check_weight(weight: &Weight, wire: &str) -> Result<(), TestCaseError> {
    prop_assert!(weight.value.is_finite() && weight.grams.is_finite(), "{weight:?}");
    prop_assert!((weight.grams - weight.unit.to_grams(weight.value)).abs() < 1e-6);
    let digits = significant_digits(weight.value);
    let expected = if digits.is_empty() { "0".to_owned() } else { digits };
    prop_assert!(wire.contains(&expected), "{weight:?} from {wire:?}");
    Ok(())
}

fn run(protocol: Protocol, steps: &[Step]) -> Result<(), TestCaseError> {
    let mut decoder = Decoder::new(protocol);
    let mut now = Instant::now();
    let mut input = Vec::new();
    let mut events = Vec::new();
    for step in steps {
        match step {
            Step::Push(bytes) => {
                input.extend_from_slice(bytes);
                decoder.push(bytes, now);
            }
            Step::Request(command) => {
                let bytes = decoder.request(*command, now);
                prop_assert_eq!(bytes, protocol.command(*command));
            }
            Step::Wait(ms) => {
                now += Duration::from_millis(*ms);
                decoder.handle_timeout(now);
            }
        }
        events.extend(std::iter::from_fn(|| decoder.poll()));
    }
    let wire = wire_digits(&input);
    for event in &events {
        match event {
            ScaleEvent::Reading(reading) => {
                prop_assert_eq!(reading.protocol, protocol);
                if reading.range != Range::InRange {
                    prop_assert!(reading.weight.is_none(), "{reading:?}");
                }
                if reading.stable_grams().is_some() {
                    prop_assert!(!reading.motion && !reading.fault, "{reading:?}");
                }
                for weight in reading.weight.iter().chain(&reading.tare) {
                    check_weight(weight, &wire)?;
                }
            }
            ScaleEvent::Tared { tare: Some(weight) } => check_weight(weight, &wire)?,
            _ => {}
        }
    }
    prop_assert!(decoder.garbage_bytes() <= input.len() as u64);
    Ok(())
}

/// A frame carrying `hundredths / 100` in the protocol's layout, as the simulator writes it.
fn frame(protocol: Protocol, hundredths: u32) -> Vec<u8> {
    let value = format!("{}.{:02}", hundredths / 100, hundredths % 100);
    match protocol {
        Protocol::MtSics => format!("S S {value:>10} kg\r\n").into_bytes(),
        Protocol::Nci => format!("\n{value:0>6}lb\r\n00\r\x03").into_bytes(),
        Protocol::NciScp12 => format!("\n {value:0>6}LB\r00\x03").into_bytes(),
        Protocol::Toledo8217 => format!("\x02{value:0>6}\r").into_bytes(),
        Protocol::ToledoContinuous => {
            // Two decimals, counting by one, kilograms.
            let mut frame = format!("\x02,0 {hundredths:>6}     0\r").into_bytes();
            let sum = frame.iter().fold(0u8, |sum, byte| sum.wrapping_add(byte & 0x7F));
            frame.push(sum.wrapping_neg() & 0x7F);
            frame
        }
        Protocol::HidPos => unreachable!("HID reports are tested by `any_report_hid_pos`"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_bytes_mt_sics(steps in proptest::collection::vec(step(), 0..40)) {
        run(Protocol::MtSics, &steps)?;
    }

    #[test]
    fn any_bytes_nci(steps in proptest::collection::vec(step(), 0..40)) {
        run(Protocol::Nci, &steps)?;
    }

    #[test]
    fn any_bytes_nci_scp12(steps in proptest::collection::vec(step(), 0..40)) {
        run(Protocol::NciScp12, &steps)?;
    }

    #[test]
    fn any_bytes_toledo_8217(steps in proptest::collection::vec(step(), 0..40)) {
        run(Protocol::Toledo8217, &steps)?;
    }

    #[test]
    fn any_bytes_toledo_continuous(steps in proptest::collection::vec(step(), 0..40)) {
        run(Protocol::ToledoContinuous, &steps)?;
    }

    #[test]
    fn identify_never_panics(bytes in proptest::collection::vec(chunk(), 0..8)) {
        let bytes = bytes.concat();
        for probe in PROBE_ORDER.into_iter().chain([Protocol::NciScp12]) {
            let _ = identify(probe, &bytes);
        }
    }

    #[test]
    fn a_frame_cut_anywhere_reads_whole(
        protocol in select(&Protocol::SERIAL[..]),
        hundredths in 0u32..100_000,
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let bytes = frame(protocol, hundredths);
        let mut cuts: Vec<usize> = cuts.iter().map(|cut| cut.index(bytes.len())).collect();
        cuts.extend([0, bytes.len()]);
        cuts.sort_unstable();
        let mut decoder = Decoder::new(protocol);
        let now = Instant::now();
        for piece in cuts.windows(2) {
            decoder.push(&bytes[piece[0]..piece[1]], now);
        }
        // Two decimals read as kilograms raise a doubt about the unit first (Toledo 8217).
        let events: Vec<ScaleEvent> = std::iter::from_fn(|| decoder.poll())
            .filter(|event| !matches!(event, ScaleEvent::UnitInDoubt { .. }))
            .collect();
        let [ScaleEvent::Reading(reading)] = events.as_slice() else {
            return Err(TestCaseError::fail(format!("{events:?} from {}", bytes.escape_ascii())));
        };
        let value = reading.weight.map(|weight| weight.value);
        prop_assert!(
            value.is_some_and(|value| (value - f64::from(hundredths) / 100.0).abs() < 1e-9),
            "{reading:?} from {}", bytes.escape_ascii()
        );
        prop_assert_eq!(decoder.garbage_bytes(), 0);
    }
}

/// Streams per protocol and kind: every layout and kind of damage many times over, and quick in
/// a debug build.
const STREAMS: u64 = 3_000;

/// Another seed than the bench's, so the two runs cover different streams.
const SEED: u64 = 0x5CA1_E000_0000_0000;

fn assert_streams_hold(kind: Kind) {
    for protocol in Protocol::SERIAL {
        let report = scale_stream::run(protocol, kind, STREAMS, SEED);
        if let Some(first) = &report.first_violation {
            panic!(
                "{protocol}, {kind:?}: {} of {STREAMS} streams went wrong; {first}",
                report.violations
            );
        }
        if let Some(first) = &report.first_miss {
            panic!(
                "{protocol}, {kind:?}: {} of {STREAMS} streams never settled; {first}",
                report.misses
            );
        }
        assert_eq!((report.streams, report.violations, report.misses), (STREAMS, 0, 0));
    }
}

#[test]
fn one_damaged_byte_never_reads_as_a_wrong_stable_weight_or_an_alarm() {
    assert_streams_hold(Kind::Damaged);
}

#[test]
fn status_looking_noise_never_reads_as_an_alarm() {
    assert_streams_hold(Kind::Noisy);
}
