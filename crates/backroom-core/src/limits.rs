//! The ranges a caller's numbers and texts must fall in. Every quantity, weight, price and count
//! that arrives from outside is checked against one of these before it is stored, so stock sums
//! can never overflow and a typo of a few extra zeros is refused rather than booked.
//!
//! The bounds are generous for a small or mid-size warehouse and far from `i64`'s edge: a
//! million movements of the largest quantity still sum well inside it.

use std::fmt;

/// An inclusive range a whole number must fall in, with the words for its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub min: i64,
    pub max: i64,
    pub unit: &'static str,
}

/// Units in one movement, order line, receipt, return or count.
pub const QTY: Range = Range { min: 1, max: 1_000_000, unit: "units" };
/// Units counted in a bin: a count may find it empty.
pub const COUNTED: Range = Range { min: 0, max: 1_000_000, unit: "units" };
/// What one bin or area may hold of a product; the stock cache refuses more.
pub const ON_HAND: i64 = 1_000_000_000;
/// A price in cents: up to a million in the store's currency.
pub const PRICE_CENTS: Range = Range { min: 0, max: 100_000_000, unit: "cents" };
/// A weight in grams, of one unit, a box or a package: up to a tonne.
pub const WEIGHT_G: Range = Range { min: 0, max: 1_000_000, unit: "g" };
/// A box or product dimension in millimetres: up to ten metres.
pub const LENGTH_MM: Range = Range { min: 0, max: 10_000, unit: "mm" };

/// The longest text in any field of a request, in characters. Imports and logos, which carry
/// whole files, have their own limit (the request size).
pub const TEXT_CHARS: usize = 2_000;
/// The longest search text: enough for any SKU, name or barcode.
pub const SEARCH_CHARS: usize = 200;

/// A value outside its range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field} must be {}, not {value}", describe(.range))]
pub struct OutOfRange {
    pub field: String,
    pub value: String,
    pub range: Range,
}

/// A text longer than its limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} is {chars} characters long; the most is {max}")]
pub struct TooLong {
    pub field: String,
    pub chars: usize,
    pub max: usize,
}

impl Range {
    /// Checks a whole number, naming `field` in the error.
    pub fn check(self, field: &str, value: i64) -> Result<i64, OutOfRange> {
        if (self.min..=self.max).contains(&value) {
            Ok(value)
        } else {
            Err(self.refuse(field, value.to_string()))
        }
    }

    /// Checks a measured number such as a weight or a dimension; NaN and infinities are refused.
    pub fn check_f64(self, field: &str, value: f64) -> Result<f64, OutOfRange> {
        if value.is_finite() && value >= self.min as f64 && value <= self.max as f64 {
            Ok(value)
        } else {
            Err(self.refuse(field, value.to_string()))
        }
    }

    fn refuse(self, field: &str, value: String) -> OutOfRange {
        OutOfRange { field: field.to_owned(), value: shorten(&value, 24), range: self }
    }
}

/// Checks the length of a text in characters.
pub fn check_text(field: &str, text: &str, max: usize) -> Result<(), TooLong> {
    let chars = text.chars().count();
    if chars <= max { Ok(()) } else { Err(TooLong { field: field.to_owned(), chars, max }) }
}

/// A value cut to `max` characters for a message, so a pasted file never fills a screen.
pub fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

fn describe(range: &Range) -> String {
    format!("from {} to {} {}", grouped(range.min), grouped(range.max), range.unit)
}

/// A whole number with thousands separated by commas, as people read it.
fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&describe(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quantity_outside_its_range_names_field_and_limit() {
        assert_eq!(QTY.check("qty", 12), Ok(12));
        let err = QTY.check("qty", 5_000_000_000_000_000_000).unwrap_err();
        assert_eq!(
            err.to_string(),
            "qty must be from 1 to 1,000,000 units, not 5000000000000000000"
        );
        assert!(QTY.check("qty", 0).is_err());
        assert!(QTY.check("qty", i64::MIN).is_err());
        assert_eq!(COUNTED.check("counted", 0), Ok(0));
    }

    #[test]
    fn measured_values_refuse_nan_and_infinity() {
        assert!(WEIGHT_G.check_f64("weight", f64::NAN).is_err());
        assert!(WEIGHT_G.check_f64("weight", f64::INFINITY).is_err());
        assert!(WEIGHT_G.check_f64("weight", -0.5).is_err());
        assert_eq!(WEIGHT_G.check_f64("weight", 875.5), Ok(875.5));
    }

    #[test]
    fn long_texts_are_refused_and_shortened_for_messages() {
        assert!(check_text("search", &"x".repeat(201), SEARCH_CHARS).is_err());
        assert!(check_text("search", "é".repeat(200).as_str(), SEARCH_CHARS).is_ok());
        assert_eq!(shorten("abcdef", 3), "abc…");
        assert_eq!(shorten("ab", 3), "ab");
    }

    #[test]
    fn the_largest_sums_stay_inside_i64() {
        // A bin at its cap receiving the largest movement a million times over still fits.
        let worst = (ON_HAND as i128) + (QTY.max as i128) * 1_000_000;
        assert!(worst < i64::MAX as i128);
    }
}
