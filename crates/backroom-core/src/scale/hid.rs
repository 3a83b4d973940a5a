//! USB HID point-of-sale scales (usage page 0x8D): DYMO, Stamps.com, Mettler Toledo PS60 on
//! USB, Fairbanks Ultegra, Pitney Bowes.
//!
//! The transport hands over one input report per push, as `read()` on a hidraw node returns
//! one. The scale's data report is `report id (3), status, unit, exponent, weight low, weight
//! high`, and the weight is the 16-bit little-endian number times ten to the exponent (a signed
//! byte), in the unit. A device whose descriptor has no report IDs sends the same five bytes
//! without the first. Scales differ in what they put there: DYMO counts tenths of an ounce
//! (exponent -1), Fairbanks hundredths of a pound (-2), some send a negative weight instead of
//! status 5. So the exponent is always applied, and a weight is read as signed unless the
//! scale's report descriptor says it is not (see [`describe`]): a negative weight read as
//! unsigned would be a heavy stable parcel, a large one read as signed is only "under zero".
//!
//! A report crosses USB with a CRC, so it arrives whole or not at all; one report is believed on
//! its own, unlike a serial frame, which needs the next one to agree.
//!
//! Sources: USB HID Point of Sale Usage Tables 1.02, section 4 (the scale usages) and the HID
//! Usage Tables' Scales page; the report layouts and quirks are in the team's research notes
//! (`research/hid-scales.md`).

use super::decoder::{Framing, Message};
use super::reading::Sample;
use super::{FrameError, Range, Weight};
use crate::weight::WeightUnit;

/// The HID usage page of scales.
pub const USAGE_PAGE: u16 = 0x8D;
/// The usage of a scale device's application collection on that page.
pub const SCALE_DEVICE: u16 = 0x20;
/// The report ID of the scale data report where the descriptor numbers its reports.
pub const DATA_REPORT_ID: u8 = 3;

/// The weight usage (Data Weight) on the scales page.
const DATA_WEIGHT: u16 = 0x40;

/// Exponents beyond these would make a parcel scale weigh in millionths or millions of its
/// unit; such a byte is not a scale's scaling.
const EXPONENTS: std::ops::RangeInclusive<i8> = -6..=6;

/// Whether data reports start with a report ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Numbering {
    /// Not known (no descriptor was read): six bytes led by report 3, or five without an ID.
    Unknown,
    /// The descriptor has no report IDs: five bytes.
    Unnumbered,
    /// The data report carries this ID first: six bytes.
    Numbered(u8),
}

/// How the weight field is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WeightSign {
    /// Two's complement: 0xFFFB is -5. The safe reading when the descriptor is not known.
    Signed,
    /// 0 to 65535, as the descriptor's Logical Minimum of 0 says.
    Unsigned,
}

/// The shape of a scale's data report, from its report descriptor or assumed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReportFormat {
    pub numbering: Numbering,
    pub weight: WeightSign,
}

impl Default for ReportFormat {
    /// Any of the usual shapes, with the weight read as signed.
    fn default() -> ReportFormat {
        ReportFormat { numbering: Numbering::Unknown, weight: WeightSign::Signed }
    }
}

/// What a report descriptor says about a device, when it is a scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScaleDescriptor {
    pub format: ReportFormat,
}

/// Reads a HID report descriptor: `Some` when the device has an application collection on the
/// scales page (0x8D), with the layout of its data report where the descriptor shows the Data
/// Weight input. A keyboard, a barcode scanner or a damaged descriptor gives `None`.
pub fn describe(descriptor: &[u8]) -> Option<ScaleDescriptor> {
    let mut globals = Globals::default();
    let mut stack: Vec<Globals> = Vec::new();
    let mut usages: Vec<(u16, u16)> = Vec::new();
    let mut scale = false;
    let mut numbered = false;
    let mut weight_field: Option<(Option<u8>, WeightSign)> = None;
    let mut at = 0;
    while at < descriptor.len() {
        let prefix = descriptor[at];
        if prefix == 0xFE {
            // A long item: its data size is the next byte; it carries nothing used here.
            let size = usize::from(*descriptor.get(at + 1)?);
            at += 3 + size;
            continue;
        }
        let size = match prefix & 0x03 {
            3 => 4,
            other => usize::from(other),
        };
        let data = descriptor.get(at + 1..at + 1 + size)?;
        at += 1 + size;
        let unsigned = data.iter().rev().fold(0u32, |value, &byte| value << 8 | u32::from(byte));
        let signed = match size {
            1 => i32::from(data[0] as i8),
            2 => i32::from(i16::from_le_bytes([data[0], data[1]])),
            4 => unsigned as i32,
            _ => 0,
        };
        let kind = (prefix >> 2) & 0x03;
        let tag = prefix >> 4;
        match (kind, tag) {
            // Main items: Input, Collection; the others only end the local state.
            (0, 0x8) => {
                if usages.contains(&(USAGE_PAGE, DATA_WEIGHT)) {
                    let sign = if globals.logical_minimum < 0 {
                        WeightSign::Signed
                    } else {
                        WeightSign::Unsigned
                    };
                    weight_field.get_or_insert((globals.report_id, sign));
                }
                usages.clear();
            }
            (0, 0xA) => {
                let application = data.first().copied().unwrap_or(0) == 1;
                if application && usages.first().is_some_and(|&(page, _)| page == USAGE_PAGE) {
                    scale = true;
                }
                usages.clear();
            }
            (0, _) => usages.clear(),
            // Global items.
            (1, 0x0) => globals.usage_page = unsigned as u16,
            (1, 0x1) => globals.logical_minimum = signed,
            (1, 0x8) => {
                globals.report_id = Some(unsigned as u8);
                numbered = true;
            }
            (1, 0xA) => stack.push(globals),
            (1, 0xB) => globals = stack.pop()?,
            // Local items: Usage, with the page in the high half when four bytes long.
            (2, 0x0) => {
                let usage = if size == 4 {
                    ((unsigned >> 16) as u16, unsigned as u16)
                } else {
                    (globals.usage_page, unsigned as u16)
                };
                usages.push(usage);
            }
            _ => {}
        }
    }
    if !scale {
        return None;
    }
    let (report_id, weight) = weight_field.unwrap_or((None, WeightSign::Signed));
    let numbering = match (numbered, report_id) {
        (false, _) => Numbering::Unnumbered,
        (true, Some(id)) => Numbering::Numbered(id),
        (true, None) => Numbering::Unknown,
    };
    Some(ScaleDescriptor { format: ReportFormat { numbering, weight } })
}

#[derive(Debug, Clone, Copy, Default)]
struct Globals {
    usage_page: u16,
    logical_minimum: i32,
    report_id: Option<u8>,
}

/// Reads each pushed chunk as one input report.
#[derive(Debug)]
pub(super) struct Framer {
    format: ReportFormat,
    garbage: u64,
}

impl Framer {
    pub fn new(format: ReportFormat) -> Framer {
        Framer { format, garbage: 0 }
    }
}

impl Framing for Framer {
    fn feed(&mut self, report: &[u8], out: &mut Vec<Result<Message, FrameError>>) {
        let result = read_report(report, self.format);
        if result.is_err() {
            self.garbage += report.len() as u64;
        }
        out.push(result.map(Message::Reading));
    }

    fn partial_len(&self) -> usize {
        0
    }

    fn discard_partial(&mut self) {}

    fn garbage_bytes(&self) -> u64 {
        self.garbage
    }
}

/// The sample one input report gives.
fn read_report(report: &[u8], format: ReportFormat) -> Result<Sample, FrameError> {
    let bad = |problem: String| FrameError::BadReport { report: hex(report), problem };
    let fields: &[u8; 5] = match (format.numbering, report.len()) {
        (Numbering::Unnumbered | Numbering::Unknown, 5) => report.try_into().expect("five bytes"),
        (Numbering::Numbered(id), 6) if report[0] == id => {
            report[1..].try_into().expect("five bytes")
        }
        (Numbering::Unknown, 6) if report[0] == DATA_REPORT_ID => {
            report[1..].try_into().expect("five bytes")
        }
        (Numbering::Numbered(_) | Numbering::Unknown, 6) => {
            return Err(bad(format!("report {} is not the scale's data report", report[0])));
        }
        (_, length) => {
            let expected = match format.numbering {
                Numbering::Unnumbered => "5",
                Numbering::Numbered(_) => "6",
                Numbering::Unknown => "5 or 6",
            };
            return Err(bad(format!(
                "{length} bytes long where a scale data report has {expected}"
            )));
        }
    };
    let [status, unit, exponent, low, high] = *fields;
    let unit = match unit {
        2 => WeightUnit::G,
        3 => WeightUnit::Kg,
        11 => WeightUnit::Oz,
        12 => WeightUnit::Lb,
        1 | 4..=10 => {
            let names = ["mg", "", "", "ct", "tael", "gr", "dwt", "t", "ton", "ozt"];
            let name = names[usize::from(unit - 1)];
            return Err(FrameError::UnsupportedUnit { unit: name.to_owned() });
        }
        other => return Err(bad(format!("unit {other} is not a scale unit (1 to 12)"))),
    };
    let exponent = exponent as i8;
    if !EXPONENTS.contains(&exponent) {
        return Err(bad(format!("exponent {exponent} is outside -6 to 6")));
    }
    let count = match format.weight {
        WeightSign::Signed => i32::from(i16::from_le_bytes([low, high])),
        WeightSign::Unsigned => i32::from(u16::from_le_bytes([low, high])),
    };
    // Dividing by a power of ten gives the decimal the scale meant (78 x 10^-1 is 7.8, where
    // multiplying by 0.1 gives 7.800000000000001).
    let value = if exponent < 0 {
        f64::from(count) / 10f64.powi(-i32::from(exponent))
    } else {
        f64::from(count) * 10f64.powi(i32::from(exponent))
    };
    let weight = Some(Weight::new(value, unit));
    let mut sample = match status {
        // Stable at the centre of zero, in motion, stable.
        2..=4 => {
            let mut sample = Sample::new(weight, status == 3, Range::InRange);
            sample.at_zero = Some(status == 2);
            sample
        }
        5 => Sample::new(None, false, Range::Under),
        6 => Sample::new(None, false, Range::Over),
        // A fault, and the scale asking to be calibrated or zeroed again: its weight is not to
        // be trusted either way.
        1 | 7 | 8 => Sample { fault: true, ..Sample::new(None, false, Range::InRange) },
        other => return Err(bad(format!("status {other} is not a scale status (1 to 8)"))),
    };
    // A scale that sends a signed weight says "below zero" with the number alone.
    if count < 0 && sample.range == Range::InRange && !sample.fault {
        sample = Sample::new(None, false, Range::Under);
    }
    sample.vouched = true;
    Ok(sample)
}

fn hex(report: &[u8]) -> String {
    report.iter().map(|byte| format!("{byte:02x}")).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;
    use crate::scale::decoder::tests::{assert_weight, feed, reading};
    use crate::scale::{Decoder, Protocol, ScaleEvent};

    fn decoder() -> Decoder {
        Protocol::HidPos.decoder()
    }

    fn read(report: &[u8]) -> crate::scale::Reading {
        reading(&mut decoder(), report, Instant::now())
    }

    fn refused(decoder: &mut Decoder, report: &[u8]) -> FrameError {
        match feed(decoder, report, Instant::now()).as_slice() {
            [ScaleEvent::Fault(error)] => error.clone(),
            other => panic!("{report:02x?} gave {other:?}"),
        }
    }

    /// One report is enough: USB delivers it whole or not at all.
    #[test]
    fn a_stable_report_is_a_stable_weight_at_once() {
        // sanmai/usb-scale-reader's recorded 878 g.
        let stable = read(&[0x03, 0x04, 0x02, 0x00, 0x6e, 0x03]);
        assert_weight(&stable, 878.0, WeightUnit::G);
        assert_eq!(stable.stable_grams(), Some(878.0));
        assert_eq!((stable.at_zero, stable.protocol), (Some(false), Protocol::HidPos));
    }

    #[test]
    fn the_exponent_is_always_applied() {
        // DYMO in ounces: tenths of an ounce.
        assert_weight(&read(&[3, 4, 11, 0xff, 0x4e, 0x00]), 7.8, WeightUnit::Oz);
        assert_weight(&read(&[3, 4, 11, 0xff, 0x34, 0x19]), 645.2, WeightUnit::Oz);
        // DYMO in pounds, tenths; Fairbanks, hundredths of a pound.
        assert_weight(&read(&[3, 4, 12, 0xff, 48, 0]), 4.8, WeightUnit::Lb);
        assert_weight(&read(&[3, 4, 12, 0xfe, 0xd1, 0x01]), 4.65, WeightUnit::Lb);
        // Kilograms in thousandths, and a positive exponent.
        assert_weight(&read(&[3, 4, 3, 0xfd, 0xd2, 0x04]), 1.234, WeightUnit::Kg);
        assert_weight(&read(&[3, 4, 2, 0x01, 0x7b, 0x00]), 1230.0, WeightUnit::G);
    }

    #[test]
    fn motion_zero_and_the_flags() {
        let moving = read(&[3, 3, 2, 0, 0x10, 0x01]);
        assert_eq!(
            (moving.motion, moving.grams(), moving.stable_grams()),
            (true, Some(272.0), None)
        );
        let zero = read(&[3, 2, 11, 0xff, 0, 0]);
        assert_eq!((zero.at_zero, zero.stable_grams()), (Some(true), Some(0.0)));
        let under = read(&[3, 5, 11, 0xff, 0, 0]);
        assert_eq!((under.range, under.weight), (Range::Under, None));
        let over = read(&[3, 6, 12, 0xff, 0x70, 0x17]);
        assert_eq!((over.range, over.weight), (Range::Over, None));
        for status in [1, 7, 8] {
            let fault = read(&[3, status, 2, 0, 100, 0]);
            assert!(fault.fault && fault.weight.is_none(), "status {status}: {fault:?}");
        }
    }

    #[test]
    fn a_signed_negative_weight_is_under_zero_without_a_number() {
        // -5 g after a tare, as a Stamps.com scale sends it, with status 4.
        let under = read(&[3, 4, 2, 0, 0xfb, 0xff]);
        assert_eq!((under.range, under.weight, under.stable_grams()), (Range::Under, None, None));
        // The same bytes from a scale whose descriptor says the weight is unsigned.
        let format =
            ReportFormat { numbering: Numbering::Numbered(3), weight: WeightSign::Unsigned };
        let mut unsigned = Decoder::hid(format);
        let heavy = reading(&mut unsigned, &[3, 4, 2, 0, 0xfb, 0xff], Instant::now());
        assert_weight(&heavy, 65531.0, WeightUnit::G);
    }

    #[test]
    fn five_byte_reports_carry_no_report_id() {
        assert_weight(&read(&[4, 12, 0xff, 48, 0]), 4.8, WeightUnit::Lb);
        let mut unnumbered = Decoder::hid(ReportFormat {
            numbering: Numbering::Unnumbered,
            weight: WeightSign::Signed,
        });
        let moving = reading(&mut unnumbered, &[3, 2, 0, 0x10, 0x01], Instant::now());
        assert!(moving.motion);
        let error = refused(&mut unnumbered, &[3, 4, 2, 0, 0x6e, 0x03]);
        assert!(
            error.to_string().contains("6 bytes long where a scale data report has 5"),
            "{error}"
        );
    }

    #[test]
    fn bad_reports_are_errors_and_never_a_weight() {
        let mut decoder = decoder();
        let cases: [(&[u8], &str); 7] = [
            (
                &[3, 4, 2, 0, 0x6e, 0x03, 0],
                "cannot read the HID report “03 04 02 00 6e 03 00”: 7 bytes long where a scale \
                 data report has 5 or 6",
            ),
            (&[3], "1 bytes long"),
            (&[9, 4, 2, 0, 0x6e, 0x03], "report 9 is not the scale's data report"),
            (&[3, 9, 2, 0, 0x6e, 0x03], "status 9 is not a scale status"),
            (&[3, 0, 2, 0, 0x6e, 0x03], "status 0 is not a scale status"),
            (&[3, 4, 13, 0, 0x6e, 0x03], "unit 13 is not a scale unit"),
            (&[3, 4, 2, 0x80, 0x6e, 0x03], "exponent -128 is outside -6 to 6"),
        ];
        for (report, message) in cases {
            let error = refused(&mut decoder, report);
            assert!(error.to_string().contains(message), "{report:02x?}: {error}");
        }
        let carats = refused(&mut decoder, &[3, 4, 4, 0, 1, 0]);
        assert_eq!(carats, FrameError::UnsupportedUnit { unit: "ct".into() });
        assert!(carats.to_string().contains("set it to g, kg, oz or lb"));
        assert!(refused(&mut decoder, &[3, 4, 1, 0, 1, 0]).to_string().contains("“mg”"));
        assert!(decoder.last_heard().is_none(), "no bad report is a sign of a scale");
        assert_eq!(decoder.garbage_bytes(), 7 + 1 + 6 * 5 + 6 + 6);
    }

    #[test]
    fn a_report_with_the_wrong_id_for_its_descriptor_is_refused() {
        let mut numbered = Decoder::hid(ReportFormat {
            numbering: Numbering::Numbered(1),
            weight: WeightSign::Signed,
        });
        assert_weight(
            &reading(&mut numbered, &[1, 4, 2, 0, 0x6e, 0x03], Instant::now()),
            878.0,
            WeightUnit::G,
        );
        let error = refused(&mut numbered, &[3, 4, 2, 0, 0x6e, 0x03]);
        assert!(error.to_string().contains("report 3 is not"), "{error}");
    }

    /// The Pitney Bowes scale descriptor, as quoted by projects that emulate it: reports 1 to 7,
    /// the data report 3 with an unsigned 16-bit weight.
    pub(crate) const PITNEY_BOWES: &[u8] = &[
        0x05, 0x8D, 0x09, 0x20, 0xA1, 0x01, 0x09, 0x30, 0xA1, 0x02, 0x85, 0x01, 0x75, 0x08, 0x95,
        0x01, 0x15, 0x01, 0x09, 0x27, 0xA1, 0x02, 0x25, 0x0A, 0x19, 0x21, 0x29, 0x2A, 0xB1, 0x00,
        0xC0, 0x09, 0x50, 0xA1, 0x02, 0x25, 0x0C, 0x19, 0x51, 0x29, 0x5C, 0xB1, 0x00, 0xC0, 0xC0,
        0x09, 0x31, 0xA1, 0x02, 0x85, 0x02, 0x75, 0x01, 0x95, 0x02, 0x15, 0x00, 0x25, 0x01, 0x09,
        0x81, 0x09, 0x80, 0x91, 0x02, 0x75, 0x06, 0x95, 0x01, 0x91, 0x03, 0xC0, 0x09, 0x32, 0xA1,
        0x02, 0x85, 0x03, 0x75, 0x08, 0x15, 0x01, 0x09, 0x70, 0xA1, 0x02, 0x25, 0x08, 0x19, 0x71,
        0x29, 0x78, 0x81, 0x00, 0xC0, 0x09, 0x50, 0xA1, 0x02, 0x25, 0x0C, 0x19, 0x51, 0x29, 0x5C,
        0x81, 0x00, 0xC0, 0x15, 0x81, 0x25, 0x7F, 0x09, 0x41, 0x81, 0x02, 0x75, 0x10, 0x15, 0x00,
        0x27, 0xFF, 0xFF, 0x00, 0x00, 0x09, 0x40, 0x81, 0x02, 0xC0, 0x09, 0x34, 0xA1, 0x02, 0x85,
        0x05, 0x75, 0x08, 0x95, 0x01, 0x09, 0x50, 0xA1, 0x02, 0x15, 0x01, 0x25, 0x0C, 0x19, 0x51,
        0x29, 0x5C, 0xB1, 0x00, 0xC0, 0x15, 0x81, 0x25, 0x7F, 0x09, 0x41, 0xB1, 0x02, 0x75, 0x10,
        0x15, 0x00, 0x27, 0xFF, 0xFF, 0x00, 0x00, 0x09, 0x40, 0xB1, 0x03, 0xC0, 0x09, 0x35, 0xA1,
        0x02, 0x85, 0x06, 0x75, 0x10, 0x95, 0x02, 0x15, 0x00, 0x27, 0xFF, 0xFF, 0x00, 0x00, 0x09,
        0x60, 0x09, 0x61, 0xB1, 0x03, 0xC0, 0x09, 0x30, 0xA1, 0x02, 0x85, 0x07, 0x75, 0x08, 0x95,
        0x0F, 0x15, 0x00, 0x25, 0x7F, 0x09, 0x40, 0xB1, 0x02, 0xC0, 0xC0,
    ];

    /// A boot keyboard's descriptor (Generic Desktop page, usage 6), cut short after its first
    /// input: a barcode scanner looks the same.
    const KEYBOARD: &[u8] = &[
        0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x07, 0x19, 0xE0, 0x29, 0xE7, 0x15, 0x00, 0x25,
        0x01, 0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0xC0,
    ];

    #[test]
    fn descriptors_tell_a_scale_and_its_data_report() {
        let scale = describe(PITNEY_BOWES).expect("a scale");
        assert_eq!(
            scale.format,
            ReportFormat { numbering: Numbering::Numbered(3), weight: WeightSign::Unsigned }
        );
        assert_eq!(describe(KEYBOARD), None);
        assert_eq!(describe(&[]), None);
        // Cut in the middle of an item: damaged, so not taken for a scale.
        assert_eq!(describe(&[0x05, 0x8D, 0x09, 0x20, 0xA1, 0x01, 0x09]), None);
    }

    #[test]
    fn a_descriptor_with_a_signed_weight_and_no_report_ids() {
        // Scales page, Scale Device, application; Logical Minimum -32768, 16 bits, Data Weight.
        let descriptor = [
            0x05, 0x8D, 0x09, 0x20, 0xA1, 0x01, 0x16, 0x00, 0x80, 0x26, 0xFF, 0x7F, 0x75, 0x10,
            0x95, 0x01, 0x09, 0x40, 0x81, 0x02, 0xC0,
        ];
        let scale = describe(&descriptor).expect("a scale");
        assert_eq!(
            scale.format,
            ReportFormat { numbering: Numbering::Unnumbered, weight: WeightSign::Signed }
        );
    }
}
