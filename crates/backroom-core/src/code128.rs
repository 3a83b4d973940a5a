//! Code 128, the barcode on bin, product and badge labels: text in, bar widths out.
//!
//! Written here rather than taken from a crate so the code set is chosen for the person at the
//! printer, not by the caller: digits in runs go two to a symbol (code set C), so a 13-digit
//! GTIN fits a 1-inch label, and everything else printable in ASCII uses code set B. The output
//! is the widths of the bars and spaces in modules, which any renderer can draw.

use thiserror::Error;

/// The longest text a label barcode carries; longer ones would not scan at label widths.
pub const MAX_CHARS: usize = 48;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Code128Error {
    #[error("there is nothing to put in the barcode")]
    Empty,
    #[error("“{0}” cannot go in a barcode; only plain letters, digits and punctuation can")]
    Unencodable(char),
    #[error("the code is {0} characters long; a label barcode holds at most {MAX_CHARS}")]
    TooLong(usize),
}

/// Bar and space widths of symbol values 0..=105 (105 is Start C), six elements each, bar first.
const PATTERNS: [&str; 106] = [
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212",
    "221213", "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221",
    "223211", "221132", "221231", "213212", "223112", "312131", "311222", "321122", "321221",
    "312212", "322112", "322211", "212123", "212321", "232121", "111323", "131123", "131321",
    "112313", "132113", "132311", "211313", "231113", "231311", "112133", "112331", "132131",
    "113123", "113321", "133121", "313121", "211331", "231131", "213113", "213311", "213131",
    "311123", "311321", "331121", "312113", "312311", "332111", "314111", "221411", "431111",
    "111224", "111422", "121124", "121421", "141122", "141221", "112214", "112412", "122114",
    "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111", "111242",
    "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
    "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311",
    "113141", "114131", "311141", "411131", "211412", "211214", "211232",
];
/// The stop pattern, with its final bar: seven elements.
const STOP: &str = "2331112";

const START_B: u8 = 104;
const START_C: u8 = 105;
const CODE_B: u8 = 100;
const CODE_C: u8 = 99;

/// The symbol values of `text`: start, data (with code set switches), check value. The stop is
/// not a value and is added by [`bars`].
pub fn values(text: &str) -> Result<Vec<u8>, Code128Error> {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return Err(Code128Error::Empty);
    }
    if chars.len() > MAX_CHARS {
        return Err(Code128Error::TooLong(chars.len()));
    }
    if let Some(&c) = chars.iter().find(|c| !(' '..='~').contains(*c)) {
        return Err(Code128Error::Unencodable(c));
    }
    let bytes: Vec<u8> = chars.iter().map(|&c| c as u8).collect();
    let digits_at = |i: usize| bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();

    let mut out = Vec::with_capacity(bytes.len() + 4);
    // Start in C when the text opens with a run worth packing: four digits, or two that are
    // the whole text.
    let mut in_c = {
        let run = digits_at(0);
        run >= 4 || (run == 2 && bytes.len() == 2)
    };
    out.push(if in_c { START_C } else { START_B });
    let mut i = 0;
    while i < bytes.len() {
        let run = digits_at(i);
        if in_c {
            if run >= 2 {
                out.push((bytes[i] - b'0') * 10 + (bytes[i + 1] - b'0'));
                i += 2;
                continue;
            }
            out.push(CODE_B);
            in_c = false;
        }
        // In B, a run of digits pays for the switch when it is six long, or four at the end.
        let ends_text = i + run == bytes.len();
        if run >= 6 || (run >= 4 && ends_text) {
            if run % 2 == 1 {
                out.push(bytes[i] - b' ');
                i += 1;
            }
            out.push(CODE_C);
            in_c = true;
            continue;
        }
        out.push(bytes[i] - b' ');
        i += 1;
    }
    out.push(check_value(&out));
    Ok(out)
}

/// The modulo-103 check: the start value plus each data value times its position.
fn check_value(values: &[u8]) -> u8 {
    let sum =
        values.iter().enumerate().map(|(i, &v)| u32::from(v) * (i as u32).max(1)).sum::<u32>();
    (sum % 103) as u8
}

/// The widths, in modules, of the bars and spaces of `text`'s symbol, bar first, without
/// quiet zones: a renderer leaves ten modules clear either side.
pub fn bars(text: &str) -> Result<Vec<u8>, Code128Error> {
    let values = values(text)?;
    let mut widths = Vec::with_capacity(values.len() * 6 + 7);
    for v in values {
        widths.extend(PATTERNS[usize::from(v)].bytes().map(|b| b - b'0'));
    }
    widths.extend(STOP.bytes().map(|b| b - b'0'));
    Ok(widths)
}

/// The clear space a scanner needs either side of the bars, in modules.
pub const QUIET_ZONE: u32 = 10;

/// The width of a symbol in modules, quiet zones included.
pub fn width_modules(bars: &[u8]) -> u32 {
    bars.iter().map(|&w| u32::from(w)).sum::<u32>() + 2 * QUIET_ZONE
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads widths back into values, the way a scanner does: six elements per symbol, looked
    /// up in the table.
    fn read_back(widths: &[u8]) -> Vec<u8> {
        let (data, stop) = widths.split_at(widths.len() - 7);
        let stop: String = stop.iter().map(|w| char::from(b'0' + w)).collect();
        assert_eq!(stop, STOP);
        data.chunks(6)
            .map(|c| {
                let p: String = c.iter().map(|w| char::from(b'0' + w)).collect();
                PATTERNS.iter().position(|&q| q == p).expect("a known pattern") as u8
            })
            .collect()
    }

    #[test]
    fn every_pattern_is_eleven_modules_of_three_bars() {
        for p in PATTERNS {
            assert_eq!(p.bytes().map(|b| u32::from(b - b'0')).sum::<u32>(), 11, "{p}");
            // Bars are the odd elements and their total is even (Code 128's parity rule).
            let bars: u32 = p.bytes().step_by(2).map(|b| u32::from(b - b'0')).sum();
            assert_eq!(bars % 2, 0, "{p}");
        }
        assert_eq!(STOP.bytes().map(|b| u32::from(b - b'0')).sum::<u32>(), 13);
    }

    #[test]
    fn letters_use_code_set_b() {
        // The common worked example "PJJ123C": set B throughout (a run of three digits does not
        // pay for a switch), check 879 mod 103 = 55.
        let v = values("PJJ123C").unwrap();
        assert_eq!(v, [104, 48, 42, 42, 17, 18, 19, 35, 55]);
    }

    #[test]
    fn a_bin_code_encodes_and_reads_back() {
        let v = values("A03-1-12-L").unwrap();
        assert_eq!(v[0], START_B);
        assert_eq!(&v[1..4], &[33, 16, 19]); // A 0 3
        assert_eq!(read_back(&bars("A03-1-12-L").unwrap()), v);
    }

    #[test]
    fn digits_pack_in_pairs() {
        // A GTIN-13: six pairs in C, then the odd digit in B.
        let v = values("4006381333931").unwrap();
        assert_eq!(v[..7], [START_C, 40, 6, 38, 13, 33, 93]);
        assert_eq!(v[7..9], [CODE_B, b'1' - b' ']);
        assert_eq!(v.len(), 10);
        // An even GTIN-12 stays in C throughout.
        assert_eq!(values("036000291452").unwrap()[..7], [START_C, 3, 60, 0, 29, 14, 52]);
        // Two digits alone start in C; three do not.
        assert_eq!(values("42").unwrap()[..2], [START_C, 42]);
        assert_eq!(values("123").unwrap()[0], START_B);
    }

    #[test]
    fn long_digit_runs_switch_to_c_mid_text() {
        // "SKU" in B, then an odd run of seven: one digit in B, switch, three pairs.
        let v = values("SKU1234567").unwrap();
        assert_eq!(v[..5], [START_B, 51, 43, 53, 17]);
        assert_eq!(v[5..9], [CODE_C, 23, 45, 67]);
        // A short run in the middle stays in B.
        let v = values("AB1234CD").unwrap();
        assert!(!v.contains(&CODE_C));
        // Four at the end switch.
        assert!(values("AB1234").unwrap().contains(&CODE_C));
    }

    #[test]
    fn the_check_value_weights_positions() {
        // Start B (104) + 'A' (33) x 1 = 137, mod 103 = 34.
        assert_eq!(values("A").unwrap(), [104, 33, 34]);
    }

    #[test]
    fn refuses_what_it_cannot_hold() {
        assert_eq!(values(""), Err(Code128Error::Empty));
        assert_eq!(values("Bin é"), Err(Code128Error::Unencodable('é')));
        assert_eq!(values("A\tB"), Err(Code128Error::Unencodable('\t')));
        assert_eq!(values(&"X".repeat(49)), Err(Code128Error::TooLong(49)));
    }

    #[test]
    fn widths_count_quiet_zones() {
        let b = bars("A").unwrap();
        assert_eq!(width_modules(&b), 3 * 11 + 13 + 20);
        assert_eq!(b.first(), Some(&2)); // Start B opens with a two-module bar.
    }
}
