// The recorded HID report sequences in `tests/fixtures/hid/` (see its README), and what each
// report must decode to. Included with `include!` by `hid_reports.rs` here and by the hidraw
// transport's tests in backroom-api, so both read the same files the same way.

/// What one report must come out as.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    Stable(f64, backroom_core::weight::WeightUnit),
    Motion(f64, backroom_core::weight::WeightUnit),
    Zero,
    Under,
    Over,
    Fault,
    Error,
}

#[derive(Debug, Clone)]
pub struct FixtureReport {
    pub bytes: Vec<u8>,
    pub expect: Expect,
}

pub fn fixture_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../backroom-core/tests/fixtures/hid")
}

/// Every fixture file by name, in name order.
pub fn fixtures() -> Vec<(String, Vec<FixtureReport>)> {
    let mut files: Vec<_> = std::fs::read_dir(fixture_dir())
        .expect("the HID fixtures")
        .map(|entry| entry.expect("a fixture").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            let reports = text.lines().filter_map(|line| fixture_line(&name, line)).collect();
            (name, reports)
        })
        .collect()
}

fn fixture_line(name: &str, line: &str) -> Option<FixtureReport> {
    let event = line.strip_prefix("E: ")?;
    let (event, expect) = event.split_once('#').unwrap_or_else(|| panic!("{name}: {line}"));
    let mut words = event.split_whitespace().skip(1);
    let length: usize = words.next()?.parse().unwrap_or_else(|_| panic!("{name}: {line}"));
    let bytes: Vec<u8> = words
        .map(|byte| u8::from_str_radix(byte, 16).unwrap_or_else(|_| panic!("{name}: {line}")))
        .collect();
    assert_eq!(bytes.len(), length, "{name}: {line}");
    let words: Vec<&str> = expect.split_whitespace().collect();
    let weight = |value: &str, unit: &str| (value.parse().unwrap(), unit.parse().unwrap());
    let expect = match words.as_slice() {
        ["stable", value, unit] => {
            let (value, unit) = weight(value, unit);
            Expect::Stable(value, unit)
        }
        ["motion", value, unit] => {
            let (value, unit) = weight(value, unit);
            Expect::Motion(value, unit)
        }
        ["zero"] => Expect::Zero,
        ["under"] => Expect::Under,
        ["over"] => Expect::Over,
        ["fault"] => Expect::Fault,
        ["error"] => Expect::Error,
        other => panic!("{name}: no expectation in {other:?}"),
    };
    Some(FixtureReport { bytes, expect })
}

/// Whether `reading` (or its absence, for `Expect::Error`) is what the report must give.
pub fn meets(expect: &Expect, reading: Option<&backroom_core::scale::Reading>) -> bool {
    use backroom_core::scale::Range;
    let close = |reading: &backroom_core::scale::Reading, value: f64, unit| {
        reading.weight.is_some_and(|w| w.unit == unit && (w.value - value).abs() < 1e-9)
    };
    match (expect, reading) {
        (Expect::Error, None) => true,
        (_, None) | (Expect::Error, Some(_)) => false,
        (Expect::Stable(value, unit), Some(r)) => {
            close(r, *value, *unit) && r.stable_grams().is_some()
        }
        (Expect::Motion(value, unit), Some(r)) => close(r, *value, *unit) && r.motion,
        (Expect::Zero, Some(r)) => r.at_zero == Some(true) && r.stable_grams() == Some(0.0),
        (Expect::Under, Some(r)) => r.range == Range::Under && r.weight.is_none(),
        (Expect::Over, Some(r)) => r.range == Range::Over && r.weight.is_none(),
        (Expect::Fault, Some(r)) => r.fault && r.weight.is_none(),
    }
}
