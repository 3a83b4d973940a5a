//! Product barcodes: retail GTINs (UPC-A, EAN-13, GTIN-14, EAN-8) carry a mod-10 check digit;
//! anything else is an internal code of the warehouse.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum BarcodeKind {
    /// UPC-A, 12 digits.
    Upc,
    /// EAN-13 or EAN-8.
    Ean,
    /// GTIN-14, as on cases and cartons.
    Gtin,
    /// The warehouse's own label.
    Internal,
}

impl BarcodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BarcodeKind::Upc => "upc",
            BarcodeKind::Ean => "ean",
            BarcodeKind::Gtin => "gtin",
            BarcodeKind::Internal => "internal",
        }
    }

    pub fn parse(text: &str) -> Option<BarcodeKind> {
        match text {
            "upc" => Some(BarcodeKind::Upc),
            "ean" => Some(BarcodeKind::Ean),
            "gtin" => Some(BarcodeKind::Gtin),
            "internal" => Some(BarcodeKind::Internal),
            _ => None,
        }
    }
}

/// Why a barcode was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BarcodeError {
    #[error("barcode “{0}” is empty or has spaces")]
    Blank(String),
    #[error("barcode “{code}” is not a valid {kind}: {reason}")]
    Invalid { code: String, kind: &'static str, reason: &'static str },
}

/// The kind a code is, judged by its length and check digit. A run of digits of a GTIN length
/// whose check digit fails is an error rather than an internal code, since it is almost
/// always a mistyped retail barcode.
pub fn classify(code: &str) -> Result<BarcodeKind, BarcodeError> {
    if code.is_empty() || code.chars().any(char::is_whitespace) {
        return Err(BarcodeError::Blank(code.to_owned()));
    }
    let kind = match (code.len(), code.bytes().all(|b| b.is_ascii_digit())) {
        (12, true) => BarcodeKind::Upc,
        (8 | 13, true) => BarcodeKind::Ean,
        (14, true) => BarcodeKind::Gtin,
        _ => return Ok(BarcodeKind::Internal),
    };
    if check_digit_ok(code) {
        Ok(kind)
    } else {
        Err(BarcodeError::Invalid {
            code: code.to_owned(),
            kind: kind.as_str(),
            reason: "the check digit does not match",
        })
    }
}

/// Checks a GTIN's check digit: weights 3 and 1 alternate from the right, excluding the
/// check digit itself.
pub fn check_digit_ok(digits: &str) -> bool {
    let values: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
    let Some((&check, body)) = values.split_last() else {
        return false;
    };
    let sum: u32 =
        body.iter().rev().enumerate().map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d }).sum();
    (10 - sum % 10) % 10 == check
}

/// Appends the check digit to a GTIN body (11 digits for UPC-A, 12 for EAN-13).
pub fn with_check_digit(body: &str) -> String {
    let candidate = format!("{body}0");
    (0..10).map(|d| format!("{body}{d}")).find(|code| check_digit_ok(code)).unwrap_or(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_retail_codes_classify() {
        assert_eq!(classify("036000291452").unwrap(), BarcodeKind::Upc);
        assert_eq!(classify("4006381333931").unwrap(), BarcodeKind::Ean);
        assert_eq!(classify("96385074").unwrap(), BarcodeKind::Ean);
        assert_eq!(classify("10012345678902").unwrap(), BarcodeKind::Gtin);
        assert_eq!(classify("BR-000123").unwrap(), BarcodeKind::Internal);
    }

    #[test]
    fn a_wrong_check_digit_is_refused() {
        let err = classify("036000291453").unwrap_err();
        assert!(err.to_string().contains("check digit"), "{err}");
        assert!(classify("").is_err());
        assert!(classify("12 34").is_err());
    }

    #[test]
    fn check_digits_are_computed() {
        assert_eq!(with_check_digit("03600029145"), "036000291452");
        assert_eq!(with_check_digit("400638133393"), "4006381333931");
    }
}
