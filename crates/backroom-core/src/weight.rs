//! Weights. Backroom stores every weight in grams; people and scales speak g, kg, oz and lb.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A unit of weight as written on labels and by scales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum WeightUnit {
    G,
    Kg,
    Oz,
    Lb,
}

impl WeightUnit {
    /// Grams in one of this unit (avoirdupois ounce and pound, exact by definition).
    pub fn grams(self) -> f64 {
        match self {
            WeightUnit::G => 1.0,
            WeightUnit::Kg => 1000.0,
            WeightUnit::Oz => 28.349_523_125,
            WeightUnit::Lb => 453.592_37,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            WeightUnit::G => "g",
            WeightUnit::Kg => "kg",
            WeightUnit::Oz => "oz",
            WeightUnit::Lb => "lb",
        }
    }

    /// Converts a value in this unit to grams.
    pub fn to_grams(self, value: f64) -> f64 {
        value * self.grams()
    }
}

impl fmt::Display for WeightUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// Why a weight could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "“{text}” is not a weight: {reason} (write a number and a unit, e.g. 250 g, 1.2 kg, 9 oz, 2.5 lb)"
)]
pub struct WeightError {
    pub text: String,
    pub reason: &'static str,
}

impl FromStr for WeightUnit {
    type Err = WeightError;

    fn from_str(text: &str) -> Result<WeightUnit, WeightError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "g" | "gram" | "grams" => Ok(WeightUnit::G),
            "kg" | "kilo" | "kilos" | "kilogram" | "kilograms" => Ok(WeightUnit::Kg),
            "oz" | "ounce" | "ounces" => Ok(WeightUnit::Oz),
            "lb" | "lbs" | "pound" | "pounds" => Ok(WeightUnit::Lb),
            _ => Err(WeightError { text: text.to_owned(), reason: "unknown unit" }),
        }
    }
}

/// Reads a weight such as `250g`, `1.2 kg`, `9oz` or `2.5 lb` and returns grams. A bare number is
/// taken as grams, the unit Backroom stores.
pub fn parse_grams(text: &str) -> Result<f64, WeightError> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let fail = |reason| WeightError { text: text.to_owned(), reason };
    let value: f64 = number.trim().parse().map_err(|_| fail("no number"))?;
    if !value.is_finite() || value < 0.0 {
        return Err(fail("a weight cannot be negative"));
    }
    let unit = if unit.trim().is_empty() {
        WeightUnit::G
    } else {
        unit.parse().map_err(|_| fail("unknown unit"))?
    };
    Ok(unit.to_grams(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_convert_to_grams() {
        assert_eq!(parse_grams("250g").unwrap(), 250.0);
        assert_eq!(parse_grams(" 1.2 kg ").unwrap(), 1200.0);
        assert!((parse_grams("2.35 lb").unwrap() - 1065.942).abs() < 0.001);
        assert!((parse_grams("16oz").unwrap() - 453.592).abs() < 0.001);
        assert_eq!(parse_grams("80").unwrap(), 80.0);
    }

    #[test]
    fn bad_weights_say_why() {
        assert_eq!(parse_grams("12 stone").unwrap_err().reason, "unknown unit");
        assert_eq!(parse_grams("kg").unwrap_err().reason, "no number");
        assert_eq!(parse_grams("-3 g").unwrap_err().reason, "a weight cannot be negative");
    }
}
