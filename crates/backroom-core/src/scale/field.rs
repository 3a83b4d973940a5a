//! The number fields of a frame, read as strictly as the protocols print them, so that a field
//! with a byte dropped, added or changed does not pass for another number.

use crate::weight::WeightUnit;

/// Whether a number must carry a decimal point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Point {
    Required,
    Optional,
    Forbidden,
}

impl Point {
    /// Scales print pounds, kilograms and ounces with their decimals; grams may be whole.
    pub fn for_unit(unit: WeightUnit) -> Point {
        if unit == WeightUnit::G { Point::Optional } else { Point::Required }
    }
}

/// Digits with a decimal point as `point` says, and a digit on either side of a point, such as
/// `002.35` or `1235`. No sign, blank, exponent or second point.
pub(super) fn unsigned(text: &str, point: Point) -> Option<f64> {
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
    let shaped = match (text.split_once('.'), point) {
        (Some(_), Point::Forbidden) | (None, Point::Required) => false,
        (Some((whole, fraction)), _) => digits(whole) && digits(fraction),
        (None, _) => digits(text),
    };
    if !shaped {
        return None;
    }
    text.parse().ok()
}

/// A number right-aligned in its field: blanks where the display leaves out leading zeros, then
/// a minus sign directly before the first digit when negative. A field of blanks is no number.
pub(super) fn right_aligned(field: &str, point: Point) -> Option<f64> {
    let number = field.trim_start_matches(' ');
    match number.strip_prefix('-') {
        Some(magnitude) => unsigned(magnitude, point).map(|value| -value),
        None => unsigned(number, point),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_strictly() {
        assert_eq!(unsigned("002.35", Point::Required), Some(2.35));
        assert_eq!(unsigned("1235", Point::Optional), Some(1235.0));
        assert_eq!(unsigned("1235.0", Point::Optional), Some(1235.0));
        for bad in ["", ".", "1.", ".5", "1.2.3", "1e3", " 1", "1,5", "+1", "-1", "inf", "NaN"] {
            assert_eq!(unsigned(bad, Point::Optional), None, "{bad}");
        }
        assert_eq!(unsigned("00235", Point::Required), None, "a dropped point");
        assert_eq!(unsigned("2.5", Point::Forbidden), None);
    }

    #[test]
    fn right_aligned_fields_allow_blanks_then_a_sign() {
        assert_eq!(right_aligned("    -0.004", Point::Optional), Some(-0.004));
        assert_eq!(right_aligned("-00.05", Point::Required), Some(-0.05));
        assert_eq!(right_aligned("     1.234", Point::Optional), Some(1.234));
        for bad in ["      ", "  - 1.2", " 1 2.3", "--1.0", "1.0 ", "  -"] {
            assert_eq!(right_aligned(bad, Point::Optional), None, "{bad}");
        }
    }

    #[test]
    fn grams_alone_may_be_whole() {
        assert_eq!(Point::for_unit(WeightUnit::G), Point::Optional);
        for unit in [WeightUnit::Kg, WeightUnit::Lb, WeightUnit::Oz] {
            assert_eq!(Point::for_unit(unit), Point::Required);
        }
    }
}
