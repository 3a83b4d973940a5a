//! Amounts of money as a customer reads them.
//!
//! Backroom keeps every amount in hundredths of the currency's main unit (`price_cents`), whatever
//! the currency: ¥1,200 is kept as 120000, 12.50 KWD as 1250. How many decimals print is the
//! currency's minor unit in ISO 4217: none for the yen or the won, two for most, three for the
//! Gulf and North African dinars. The UI's `format.ts` prints from the same table.

/// Currencies whose minor unit is not two digits (ISO 4217, list one, 2024): all others use two.
const MINOR_UNITS: [(&str, u32); 26] = [
    ("BIF", 0),
    ("CLP", 0),
    ("DJF", 0),
    ("GNF", 0),
    ("ISK", 0),
    ("JPY", 0),
    ("KMF", 0),
    ("KRW", 0),
    ("PYG", 0),
    ("RWF", 0),
    ("UGX", 0),
    ("UYI", 0),
    ("VND", 0),
    ("VUV", 0),
    ("XAF", 0),
    ("XOF", 0),
    ("XPF", 0),
    ("BHD", 3),
    ("IQD", 3),
    ("JOD", 3),
    ("KWD", 3),
    ("LYD", 3),
    ("OMR", 3),
    ("TND", 3),
    ("CLF", 4),
    ("UYW", 4),
];

/// The digits after the point a currency prints (`JPY` → 0, `USD` → 2, `KWD` → 3); two for a
/// code not in the table or no code at all.
pub fn minor_units(currency: &str) -> u32 {
    let code = currency.trim().to_ascii_uppercase();
    MINOR_UNITS.iter().find(|(c, _)| *c == code).map_or(2, |(_, digits)| *digits)
}

/// The number alone, with the currency's decimals: `12.99` (USD), `1200` (JPY, from 120000),
/// `12.500` (KWD). A fraction a currency does not print is rounded half away from zero.
pub fn amount(cents: i64, currency: &str) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    match minor_units(currency) {
        0 => match (cents + 50) / 100 {
            0 => "0".to_owned(),
            whole => format!("{sign}{whole}"),
        },
        digits => {
            let zeros = "0".repeat(digits as usize - 2);
            format!("{sign}{}.{:02}{zeros}", cents / 100, cents % 100)
        }
    }
}

/// Money with its currency, as the totals print it: `$12.99`, `€12.99`, `¥1200`; a currency
/// without a sign of its own (or one several currencies share, such as `kr`) gets its code,
/// `12.99 CHF`, `12.500 KWD`; no currency, the number alone.
pub fn money_in(cents: i64, currency: &str) -> String {
    let code = currency.trim().to_ascii_uppercase();
    let number = amount(cents, &code);
    let (sign, digits) = match number.strip_prefix('-') {
        Some(digits) => ("-", digits),
        None => ("", number.as_str()),
    };
    let symbol = match code.as_str() {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "JPY" => "¥",
        "INR" => "₹",
        "KRW" => "₩",
        "ILS" => "₪",
        "NGN" => "₦",
        "PHP" => "₱",
        "TRY" => "₺",
        "UAH" => "₴",
        "" => return number,
        _ => return format!("{number} {code}"),
    };
    format!("{sign}{symbol}{digits}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_currencies_print_two_decimals() {
        assert_eq!(amount(1299, "USD"), "12.99");
        assert_eq!(amount(5, "eur"), "0.05");
        assert_eq!(amount(-250, "GBP"), "-2.50");
        assert_eq!(amount(1299, ""), "12.99");
        assert_eq!(amount(1299, "XYZ"), "12.99", "an unknown code keeps two");
    }

    #[test]
    fn zero_decimal_currencies_print_whole_units() {
        for code in ["JPY", "KRW", "ISK", "CLP", "VND", "XOF"] {
            assert_eq!(minor_units(code), 0, "{code}");
            assert_eq!(amount(120_000, code), "1200", "{code}");
        }
        assert_eq!(amount(150, "jpy"), "2", "half a yen rounds away from zero");
        assert_eq!(amount(-150, "JPY"), "-2");
        assert_eq!(amount(149, "JPY"), "1");
        assert_eq!(amount(-40, "JPY"), "0", "no minus before nothing");
    }

    #[test]
    fn three_decimal_currencies_print_three() {
        for code in ["KWD", "BHD", "OMR", "JOD", "TND"] {
            assert_eq!(minor_units(code), 3, "{code}");
            assert_eq!(amount(1250, code), "12.500", "{code}");
        }
        assert_eq!(amount(7, "KWD"), "0.070");
    }

    #[test]
    fn money_in_a_currency_uses_its_sign_or_code() {
        assert_eq!(money_in(1299, "usd"), "$12.99");
        assert_eq!(money_in(-250, "GBP"), "-£2.50");
        assert_eq!(money_in(1299, "SEK"), "12.99 SEK");
        assert_eq!(money_in(1299, ""), "12.99");
        assert_eq!(money_in(120_000, "JPY"), "¥1200");
        assert_eq!(money_in(-120_000, "KRW"), "-₩1200");
        assert_eq!(money_in(1_250_000, "ISK"), "12500 ISK");
        assert_eq!(money_in(1250, "KWD"), "12.500 KWD");
        assert_eq!(money_in(1250, "BHD"), "12.500 BHD");
    }
}
