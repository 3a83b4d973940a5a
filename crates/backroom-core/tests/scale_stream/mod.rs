//! Streams of valid scale frames, either with one byte damaged or with status-looking noise
//! between the frames, and the check that no decoder reads a wrong stable weight or a false
//! alarm (a fault, a load out of range) from them. The property tests in `scale_fuzz.rs` run a
//! few thousand streams per protocol; the `scale_streams` bench runs millions. Every stream comes
//! from its own seed, so a failure names the seed that replays it.
//!
//! The noise model: a burst of noise is either one frame claiming an alarm with one byte damaged,
//! or up to one frame's length of bytes that status frames are made of. A burst sits between
//! frames of the true load, so noise never holds two whole alarm frames in a row: such a pair
//! would be a scale raising an alarm, not noise.

use std::fmt;
use std::time::Instant;

use backroom_core::scale::{Decoder, Protocol, Range, Reading, ScaleEvent};

/// USB delivers a HID report whole or not at all, so there is no damaged byte stream to make
/// of one; `scale_fuzz` and `hid_reports` test the HID decoder.
const SERIAL_ONLY: &str = "streams are made for the serial protocols only";
use backroom_core::weight::WeightUnit;

/// What is done to a stream of valid frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One byte dropped, inserted or changed anywhere.
    Damaged,
    /// Status-looking noise between frames.
    Noisy,
}

/// What a run of streams came to.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub streams: u64,
    /// Streams that gave a wrong stable weight, a fault or a load out of range.
    pub violations: u64,
    /// Damaged streams whose undamaged version held two agreeing frames of the load, or a frame
    /// with a checksum, yet gave no stable weight: the decoder refused what a scale sends.
    pub misses: u64,
    pub first_violation: Option<Finding>,
    pub first_miss: Option<Finding>,
}

/// One stream that went wrong, with the seed that makes it again.
#[derive(Debug, Clone)]
pub struct Finding {
    pub seed: u64,
    pub bytes: Vec<u8>,
    pub what: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "seed {:#x}: {} from `{}`", self.seed, self.what, self.bytes.escape_ascii())
    }
}

/// Generates and checks `streams` streams of `kind` for `protocol`, the i-th from `seed + i`.
pub fn run(protocol: Protocol, kind: Kind, streams: u64, seed: u64) -> Report {
    let mut report = Report { streams, ..Report::default() };
    for index in 0..streams {
        let seed = seed.wrapping_add(index);
        let mut rng = Rng::new(seed);
        let scale = Scale::new(protocol, &mut rng);
        let (clean, frames) = scale.frames(&mut rng);
        let truth = scale.truth(frames.load);
        let bytes = match kind {
            Kind::Damaged => scale.damaged(&clean, &mut rng),
            Kind::Noisy => scale.noisy(&frames, &mut rng),
        };
        if let Some(what) = decode(&scale, &bytes, &mut rng).wrong(truth) {
            report.violations += 1;
            report.first_violation.get_or_insert(Finding { seed, bytes, what });
        }
        let expected = kind == Kind::Damaged && frames.settles(protocol);
        if expected && !decode(&scale, &clean, &mut rng).settled(truth) {
            report.misses += 1;
            let what = "no stable weight".to_owned();
            report.first_miss.get_or_insert(Finding { seed, bytes: clean, what });
        }
    }
    report
}

/// SplitMix64: small, seedable and fast, which is all a test generator needs.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn between(&mut self, low: i64, high: i64) -> i64 {
        low + (self.next() % (high - low + 1) as u64) as i64
    }

    fn percent(&mut self, chance: u64) -> bool {
        self.next() % 100 < chance
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn byte(&mut self) -> u8 {
        self.next() as u8
    }
}

/// What one frame shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    /// The true load, settled.
    Stable,
    /// A load in motion, counted in the scale's divisions.
    Moving(i64),
    /// A frame that claims nothing: a status without flags, an identity line.
    Quiet,
}

/// The frames of a stream and the load they show.
struct Frames {
    load: i64,
    frames: Vec<Vec<u8>>,
    shown: Vec<Shown>,
}

impl Frames {
    /// Whether a correct decoder must report the load as stable: two stable frames in a row, or
    /// one whose checksum vouches for it.
    fn settles(&self, protocol: Protocol) -> bool {
        let needed = if protocol == Protocol::ToledoContinuous { 1 } else { 2 };
        self.shown.windows(needed).any(|run| run.iter().all(|shown| *shown == Shown::Stable))
    }
}

/// One scale's settings, as far as they shape its frames.
#[derive(Debug, Clone, Copy)]
struct Scale {
    protocol: Protocol,
    unit: WeightUnit,
    decimals: u32,
    /// NCI and 8217 `H`: one decimal more, one column wider.
    tenfold: bool,
    /// Continuous output: leading zeros sent as zeros rather than spaces.
    zero_pad: bool,
    net: bool,
    /// The lowest and highest load the layout can print, in divisions.
    loads: (i64, i64),
}

impl Scale {
    fn new(protocol: Protocol, rng: &mut Rng) -> Scale {
        use WeightUnit::{G, Kg, Lb, Oz};
        let (unit, decimals) = match protocol {
            Protocol::NciScp12 => rng.pick(&[(Lb, 2), (Kg, 2), (Kg, 3), (Oz, 1)]),
            Protocol::ToledoContinuous => {
                rng.pick(&[(Lb, 1), (Lb, 2), (Kg, 0), (Kg, 2), (Kg, 3), (G, 0), (Oz, 1)])
            }
            _ => rng.pick(&[(Lb, 2), (Kg, 2), (Kg, 3), (Oz, 1), (G, 0)]),
        };
        let tenfold = matches!(protocol, Protocol::Nci | Protocol::NciScp12 | Protocol::Toledo8217)
            && rng.percent(30);
        let loads = match protocol {
            Protocol::MtSics => (-99_999, 9_999_999),
            // A minus takes a column of the six.
            Protocol::Nci => (-9_999, 99_999),
            Protocol::NciScp12 => (-99_999, 99_999),
            // The scale withholds negative weights.
            Protocol::Toledo8217 => (0, 99_999),
            Protocol::ToledoContinuous => (-999_999, 999_999),
            Protocol::HidPos => unreachable!("{SERIAL_ONLY}"),
        };
        let zero_pad = rng.percent(50);
        let net = matches!(protocol, Protocol::Toledo8217 | Protocol::ToledoContinuous)
            && rng.percent(30);
        Scale { protocol, unit, decimals, tenfold, zero_pad, net, loads }
    }

    fn decoder(&self) -> Decoder {
        Decoder::with_unit(self.protocol, self.unit)
    }

    fn truth(&self, load: i64) -> Truth {
        Truth { value: load as f64 / 10f64.powi(self.decimals as i32), unit: self.unit }
    }

    /// A stream of two to six frames of one load, most of them stable.
    fn frames(&self, rng: &mut Rng) -> (Vec<u8>, Frames) {
        let (low, high) = self.loads;
        // Small loads are common on a packing bench, and fill fewer columns.
        let load =
            if rng.percent(50) { rng.between(low.max(-99), 999) } else { rng.between(low, high) };
        let count = 2 + rng.below(5);
        let shown: Vec<Shown> = (0..count)
            .map(|_| match rng.below(10) {
                0 | 1 => Shown::Moving((load + rng.between(-5, 5)).clamp(low, high)),
                2 if self.protocol != Protocol::ToledoContinuous => Shown::Quiet,
                _ => Shown::Stable,
            })
            .collect();
        let frames: Vec<Vec<u8>> =
            shown.iter().map(|shown| self.frame(load, *shown, rng)).collect();
        (frames.concat(), Frames { load, frames, shown })
    }

    fn frame(&self, load: i64, shown: Shown, rng: &mut Rng) -> Vec<u8> {
        match self.protocol {
            Protocol::MtSics => self.mt_sics(load, shown),
            Protocol::Nci | Protocol::NciScp12 => self.nci(load, shown),
            Protocol::Toledo8217 => self.toledo_8217(load, shown),
            Protocol::ToledoContinuous => self.continuous(load, shown, 0, rng),
            Protocol::HidPos => unreachable!("{SERIAL_ONLY}"),
        }
    }

    /// The load as printed: with `H`, one more decimal.
    fn printed(&self, load: i64) -> (i64, u32) {
        if self.tenfold { (load * 10, self.decimals + 1) } else { (load, self.decimals) }
    }

    /// `S S      1.234 kg`, `S D ...`, or an identity line for a quiet frame.
    fn mt_sics(&self, load: i64, shown: Shown) -> Vec<u8> {
        let (status, load) = match shown {
            Shown::Stable => ('S', load),
            Shown::Moving(moving) => ('D', moving),
            Shown::Quiet => return b"I4 A \"0123456789\"\r\n".to_vec(),
        };
        let value = decimal(load, self.decimals);
        format!("S {status} {value:>10} {}\r\n", self.unit.symbol()).into_bytes()
    }

    /// `LF 002.35lb CR LF 00 CR ETX` in SCP-01, `LF p002.35LB CR 00 ETX` in SCP-12, motion in
    /// status bit 0; or a bare status.
    fn nci(&self, load: i64, shown: Shown) -> Vec<u8> {
        let Some((load, motion)) = self.weighed(load, shown) else { return b"\n00\r\x03".to_vec() };
        self.nci_weight(load, &nci_status(load, motion))
    }

    fn nci_weight(&self, load: i64, status: &str) -> Vec<u8> {
        let (count, decimals) = self.printed(load);
        let width = if self.tenfold { 7 } else { 6 };
        let unit = self.unit.symbol();
        if self.protocol == Protocol::Nci {
            let field = fixed(count, decimals, width, true);
            return format!("\n{field}{unit}\r\n{status}\r\x03").into_bytes();
        }
        let polarity = if count < 0 { '-' } else { ' ' };
        let field = fixed(count.abs(), decimals, width, false);
        let unit = unit.to_ascii_uppercase();
        format!("\n{polarity}{field}{unit}\r{status}\x03").into_bytes()
    }

    /// `STX 002.35 CR` (net adds `N`); motion and quiet frames are status only.
    fn toledo_8217(&self, load: i64, shown: Shown) -> Vec<u8> {
        let net = if self.net { 0x20 } else { 0 };
        match shown {
            Shown::Stable => {
                let (count, decimals) = self.printed(load);
                let field = fixed(count, decimals, if self.tenfold { 7 } else { 6 }, false);
                let suffix = if self.net { "N" } else { "" };
                format!("\x02{field}{suffix}\r").into_bytes()
            }
            Shown::Moving(_) => vec![0x02, b'?', 0x41 | net, b'\r'],
            Shown::Quiet => vec![0x02, b'?', 0x40 | net, b'\r'],
        }
    }

    /// An 18-byte frame; `alarm` adds status word B bits (out of range, power-up not zeroed).
    fn continuous(&self, load: i64, shown: Shown, alarm: u8, rng: &mut Rng) -> Vec<u8> {
        let (load, motion) = self.weighed(load, shown).unwrap_or((load, false));
        let increment = rng.pick(&[1u8, 2, 3]);
        let swa = 0x20 | (2 + self.decimals as u8) | (increment << 3);
        let kg = self.unit == WeightUnit::Kg;
        let swb = 0x20
            | u8::from(self.net)
            | (u8::from(load < 0) << 1)
            | (u8::from(motion) << 3)
            | (u8::from(kg) << 4)
            | alarm;
        let swc = 0x20
            | match self.unit {
                WeightUnit::G => 1,
                WeightUnit::Oz => 3,
                WeightUnit::Kg | WeightUnit::Lb => 0,
            };
        let tare = if self.net { rng.between(0, 99_999) } else { 0 };
        let mut frame = vec![0x02, swa, swb, swc];
        frame.extend(self.six_digits(load.abs()));
        frame.extend(self.six_digits(tare));
        frame.push(b'\r');
        let sum = frame.iter().fold(0u8, |sum, byte| sum.wrapping_add(byte & 0x7F));
        frame.push(sum.wrapping_neg() & 0x7F);
        frame
    }

    fn six_digits(&self, count: i64) -> Vec<u8> {
        if self.zero_pad { format!("{count:06}") } else { format!("{count:>6}") }.into_bytes()
    }

    /// The load a weight frame carries and whether it moves; `None` for a quiet frame.
    fn weighed(&self, load: i64, shown: Shown) -> Option<(i64, bool)> {
        match shown {
            Shown::Stable => Some((load, false)),
            Shown::Moving(moving) => Some((moving, true)),
            Shown::Quiet => None,
        }
    }

    /// A valid frame raising an alarm: a fault, or a load over or under the range.
    fn alarm(&self, load: i64, rng: &mut Rng) -> Vec<u8> {
        match self.protocol {
            Protocol::MtSics => rng.pick(&[&b"S +\r\n"[..], b"S -\r\n"]).to_vec(),
            Protocol::Nci | Protocol::NciScp12 => self.nci_alarm(load, rng),
            Protocol::Toledo8217 => {
                let flags = rng.pick(&[0x02u8, 0x04, 0x06, 0x03, 0x05, 0x22, 0x24]);
                vec![0x02, b'?', 0x40 | flags, b'\r']
            }
            Protocol::ToledoContinuous => {
                let alarm = rng.pick(&[0x04u8, 0x40, 0x44]);
                self.continuous(load, Shown::Stable, alarm, rng)
            }
            Protocol::HidPos => unreachable!("{SERIAL_ONLY}"),
        }
    }

    /// An NCI status raising an alarm, alone or after a weight.
    fn nci_alarm(&self, load: i64, rng: &mut Rng) -> Vec<u8> {
        let status = rng.pick(&["40", "80", "<0", "01", "02", "03", "04", "08", "0p8", "4p0"]);
        if rng.percent(50) {
            format!("\n{status}\r\x03").into_bytes()
        } else {
            self.nci_weight(load, status)
        }
    }

    /// The bytes that carry meaning in this protocol's frames; damage and noise favour them.
    fn alphabet(&self) -> &'static [u8] {
        match self.protocol {
            Protocol::MtSics => b"SDIAZTE+-\" .0123456789kglbozct\r\n",
            Protocol::Nci | Protocol::NciScp12 => b"\n\r\x03 -.?0123456789:;<=>pSlbkgozLBKGOZ@",
            Protocol::Toledo8217 => b"\x02\r?@ABCDEFHP`ab.N0123456789",
            Protocol::ToledoContinuous => b"\x02\r 0123456789()*+,-./:;<=>?!\"#$%&'08@PX`hp",
            Protocol::HidPos => unreachable!("{SERIAL_ONLY}"),
        }
    }

    /// The longest noise burst: shorter than two of the protocol's shortest alarm frames, so
    /// noise cannot hold two of them in a row (see the module notes).
    fn burst_limit(&self) -> usize {
        match self.protocol {
            Protocol::MtSics | Protocol::Nci | Protocol::NciScp12 => 9,
            Protocol::Toledo8217 => 7,
            // Shorter than one frame: a checksum vouches for a single frame.
            Protocol::ToledoContinuous => 16,
            Protocol::HidPos => unreachable!("{SERIAL_ONLY}"),
        }
    }

    /// `clean` with one byte dropped, inserted or changed.
    fn damaged(&self, clean: &[u8], rng: &mut Rng) -> Vec<u8> {
        let mut bytes = clean.to_vec();
        let replacement = |rng: &mut Rng| {
            if rng.percent(50) { rng.byte() } else { rng.pick(self.alphabet()) }
        };
        match rng.below(4) {
            0 => {
                bytes.remove(rng.below(bytes.len()));
            }
            1 => {
                let at = rng.below(bytes.len() + 1);
                bytes.insert(at, replacement(rng));
            }
            2 => {
                let at = rng.below(bytes.len());
                bytes[at] ^= 1 << rng.below(8);
            }
            _ => {
                let at = rng.below(bytes.len());
                let old = bytes[at];
                bytes[at] = std::iter::repeat_with(|| replacement(rng))
                    .find(|byte| *byte != old)
                    .expect("an endless supply of bytes");
            }
        }
        bytes
    }

    /// The frames with a burst of noise in some of the gaps between them.
    fn noisy(&self, frames: &Frames, rng: &mut Rng) -> Vec<u8> {
        let gaps = frames.frames.len() + 1;
        let mut bytes = Vec::new();
        for gap in 0..gaps {
            let before = gap.checked_sub(1).map_or(&[][..], |index| &frames.frames[index]);
            let after = frames.frames.get(gap).map_or(&[][..], Vec::as_slice);
            if rng.percent(50) {
                bytes.extend(self.burst(frames.load, before, after, rng));
            }
            bytes.extend_from_slice(after);
        }
        bytes
    }

    /// An alarm frame with one byte damaged, or bytes that status frames are made of, to go
    /// between the frames `before` and `after`.
    fn burst(&self, load: i64, before: &[u8], after: &[u8], rng: &mut Rng) -> Vec<u8> {
        if rng.percent(50) {
            let alarm = self.alarm(load, rng);
            let damaged = self.damaged(&alarm, rng);
            // Some damage leaves the alarm whole to the decoder: bit 7 on a 7-bit line, a byte
            // added before or after it, or a dropped last byte that the next frame's first byte
            // stands in for. That is no noise but the alarm itself.
            let context = [before, &damaged, after].concat();
            if !contains(&seven_bits(&context), &seven_bits(&alarm)) {
                return damaged;
            }
        }
        let length = 1 + rng.below(self.burst_limit());
        (0..length)
            .map(|_| if rng.percent(80) { rng.pick(self.alphabet()) } else { rng.byte() })
            .collect()
    }
}

/// The weight a stream truly shows.
#[derive(Debug, Clone, Copy)]
struct Truth {
    value: f64,
    unit: WeightUnit,
}

/// The readings a decoder made of a stream.
struct Decoded(Vec<Reading>);

fn decode(scale: &Scale, bytes: &[u8], rng: &mut Rng) -> Decoded {
    let mut decoder = scale.decoder();
    let now = Instant::now();
    let mut readings = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let (chunk, after) = rest.split_at((1 + rng.below(32)).min(rest.len()));
        decoder.push(chunk, now);
        while let Some(event) = decoder.poll() {
            if let ScaleEvent::Reading(reading) = event {
                readings.push(reading);
            }
        }
        rest = after;
    }
    Decoded(readings)
}

impl Decoded {
    /// What the readings claim that the stream did not show, if anything.
    fn wrong(&self, truth: Truth) -> Option<String> {
        let wrong = self.0.iter().find(|reading| {
            reading.fault
                || reading.range != Range::InRange
                || (reading.stable_grams().is_some() && !truth.matches(reading))
        })?;
        Some(format!("{wrong:?}"))
    }

    fn settled(&self, truth: Truth) -> bool {
        self.0.iter().any(|reading| reading.stable_grams().is_some() && truth.matches(reading))
    }
}

impl Truth {
    fn matches(&self, reading: &Reading) -> bool {
        reading.weight.is_some_and(|weight| {
            weight.unit == self.unit
                && (weight.value - self.value).abs() <= 1e-9 * self.value.abs().max(1.0)
        })
    }
}

/// `count` divisions as a decimal with `decimals` places: `-0.004`, `1235`.
fn decimal(count: i64, decimals: u32) -> String {
    let sign = if count < 0 { "-" } else { "" };
    format!("{sign}{}", unsigned_decimal(count.unsigned_abs(), decimals))
}

fn unsigned_decimal(count: u64, decimals: u32) -> String {
    let scale = 10u64.pow(decimals);
    if decimals == 0 {
        return count.to_string();
    }
    let places = decimals as usize;
    format!("{}.{:0places$}", count / scale, count % scale)
}

/// A zero-padded field `width` wide, with a minus in front when negative and `signed`, as the
/// simulator writes NCI and 8217 weights.
fn fixed(count: i64, decimals: u32, width: usize, signed: bool) -> String {
    let body = unsigned_decimal(count.unsigned_abs(), decimals);
    if signed && count < 0 {
        let width = width - 1;
        format!("-{body:0>width$}")
    } else {
        format!("{body:0>width$}")
    }
}

/// The two status bytes of a weight: motion, and centre of zero at a zero load.
fn nci_status(load: i64, motion: bool) -> String {
    let first = 0x30 | u8::from(motion) | (u8::from(load == 0) << 1);
    format!("{}0", char::from(first))
}

fn seven_bits(bytes: &[u8]) -> Vec<u8> {
    bytes.iter().map(|byte| byte & 0x7F).collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}
