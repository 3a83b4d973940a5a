//! The HID scale decoder against recorded report sequences (`fixtures/hid/`), and against any
//! bytes at all: a report decodes to a weight only when it is a well-formed data report, and
//! then to exactly the number its bytes carry.

use std::time::Instant;

use backroom_core::scale::hid::{self, Numbering, ReportFormat, WeightSign};
use backroom_core::scale::{Decoder, Protocol, Reading, ScaleEvent};
use proptest::prelude::*;

include!("../hid_fixture/mod.rs");

fn decode(decoder: &mut Decoder, report: &[u8]) -> Vec<ScaleEvent> {
    decoder.push(report, Instant::now());
    std::iter::from_fn(|| decoder.poll()).collect()
}

#[test]
fn every_recorded_report_decodes_as_annotated() {
    let fixtures = fixtures();
    assert!(fixtures.len() >= 5, "{fixtures:?}");
    for (name, reports) in fixtures {
        let mut decoder = Protocol::HidPos.decoder();
        for (line, report) in reports.iter().enumerate() {
            let events = decode(&mut decoder, &report.bytes);
            let reading: Option<&Reading> = match events.as_slice() {
                [ScaleEvent::Reading(reading)] => Some(reading),
                [ScaleEvent::Fault(_)] => None,
                other => panic!("{name} report {line}: {other:?}"),
            };
            assert!(
                meets(&report.expect, reading),
                "{name} report {line} {:02x?}: expected {:?}, got {reading:?}",
                report.bytes,
                report.expect
            );
        }
    }
}

/// What a data report carries, read by hand: status, unit, exponent and signed count.
fn carried(report: &[u8]) -> Option<(u8, u8, i8, i16)> {
    let fields = match report.len() {
        6 if report[0] == hid::DATA_REPORT_ID => &report[1..],
        5 => report,
        _ => return None,
    };
    Some((fields[0], fields[1], fields[2] as i8, i16::from_le_bytes([fields[3], fields[4]])))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_report_hid_pos(
        reports in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..9), 1..20),
    ) {
        let mut decoder = Protocol::HidPos.decoder();
        for report in &reports {
            for event in decode(&mut decoder, report) {
                let ScaleEvent::Reading(reading) = event else { continue };
                let (status, unit, exponent, count) = carried(report)
                    .ok_or_else(|| TestCaseError::fail(format!("{report:02x?} is no report")))?;
                prop_assert!((1..=8).contains(&status), "{report:02x?}");
                let Some(weight) = reading.weight else { continue };
                prop_assert!((2..=4).contains(&status) && count >= 0, "{report:02x?}");
                prop_assert!([2, 3, 11, 12].contains(&unit), "{report:02x?}");
                let expected = f64::from(count) * 10f64.powi(i32::from(exponent));
                prop_assert!((weight.value - expected).abs() <= expected.abs() * 1e-12);
            }
        }
    }

    /// With an unsigned weight from the descriptor, the whole 16 bits are the count.
    #[test]
    fn unsigned_weights_read_whole(count in any::<u16>(), exponent in -3i8..=0) {
        let format = ReportFormat { numbering: Numbering::Numbered(3), weight: WeightSign::Unsigned };
        let mut decoder = Decoder::hid(format);
        let [low, high] = count.to_le_bytes();
        let events = decode(&mut decoder, &[3, 4, 3, exponent as u8, low, high]);
        let [ScaleEvent::Reading(reading)] = events.as_slice() else {
            return Err(TestCaseError::fail(format!("{events:?}")));
        };
        let expected = f64::from(count) / 10f64.powi(-i32::from(exponent));
        prop_assert_eq!(reading.weight.map(|weight| weight.value), Some(expected));
    }
}
