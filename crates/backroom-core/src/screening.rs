//! Screening: the rules an order must pass before it may be released to the floor. Each rule
//! that fails gives a hold with a reason a person can act on. The thresholds are data (the
//! store's settings), not code.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::order::PaymentStatus;

/// Which rule put a hold on an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum HoldRule {
    /// The payment is not captured (pending, failed, voided, declined, refunded).
    Payment,
    /// The ship-to address is incomplete or cannot be delivered to.
    Address,
    /// Billing and shipping countries differ on an order worth more than the threshold.
    CountryMismatch,
    /// The customer returned or charged back too large a share of their orders.
    CustomerHistory,
    /// A person put the hold on.
    Manual,
}

impl HoldRule {
    pub const ALL: [HoldRule; 5] = [
        HoldRule::Payment,
        HoldRule::Address,
        HoldRule::CountryMismatch,
        HoldRule::CustomerHistory,
        HoldRule::Manual,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HoldRule::Payment => "payment",
            HoldRule::Address => "address",
            HoldRule::CountryMismatch => "country_mismatch",
            HoldRule::CustomerHistory => "customer_history",
            HoldRule::Manual => "manual",
        }
    }

    pub fn parse(text: &str) -> Option<HoldRule> {
        HoldRule::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// The store's screening thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct HoldRules {
    /// Hold orders whose payment is not captured.
    pub hold_uncaptured_payment: bool,
    /// Hold orders whose ship-to address is incomplete or malformed.
    pub check_address: bool,
    /// Also hold a street line with no house number in it.
    pub require_house_number: bool,
    /// Hold orders whose billing and shipping countries differ when the order is worth more than
    /// this many cents; `None` turns the rule off.
    pub country_mismatch_over_cents: Option<i64>,
    /// Hold when at least this percentage of a customer's earlier orders were returned or charged
    /// back; `None` turns the rule off. Earlier orders are those placed before this one that
    /// shipped something or were charged back: an order still in the building cannot have been
    /// returned yet.
    pub history_share_percent: Option<u32>,
    /// The history rule looks only at customers with at least this many earlier orders.
    pub history_min_orders: u32,
}

impl Default for HoldRules {
    fn default() -> Self {
        HoldRules {
            hold_uncaptured_payment: true,
            check_address: true,
            require_house_number: true,
            country_mismatch_over_cents: Some(25_000),
            history_share_percent: Some(50),
            history_min_orders: 2,
        }
    }
}

/// A ship-to address as screening reads it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShipTo<'a> {
    pub name: &'a str,
    pub address1: &'a str,
    pub city: &'a str,
    pub postal_code: &'a str,
    /// ISO 3166 alpha-2.
    pub country: &'a str,
}

/// A customer's earlier orders (this one left out).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct History {
    pub orders: u32,
    /// Earlier orders with at least one item returned.
    pub returned: u32,
    /// Earlier orders whose payment was charged back.
    pub chargebacks: u32,
    /// Earlier orders with a return, a chargeback or both.
    pub troubled: u32,
}

/// What the rules look at.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderFacts<'a> {
    pub payment: PaymentStatus,
    pub ship_to: ShipTo<'a>,
    pub billing_country: &'a str,
    pub total_cents: i64,
    pub history: History,
}

/// One failed rule and what to tell the person who clears it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Hold {
    pub rule: HoldRule,
    pub reason: String,
}

/// Every rule the order fails, in the order of [`HoldRule::ALL`]; empty when it may be released.
pub fn screen(rules: &HoldRules, order: &OrderFacts<'_>) -> Vec<Hold> {
    let mut holds = Vec::new();
    let mut hold = |rule, reason: String| holds.push(Hold { rule, reason });
    if rules.hold_uncaptured_payment && !order.payment.is_captured() {
        hold(HoldRule::Payment, payment_reason(order.payment));
    }
    if rules.check_address {
        let problems = address_problems(&order.ship_to, rules.require_house_number);
        if !problems.is_empty() {
            hold(HoldRule::Address, format!("ship-to address: {}", problems.join("; ")));
        }
    }
    if let Some(limit) = rules.country_mismatch_over_cents {
        let (bill, ship) = (order.billing_country.trim(), order.ship_to.country.trim());
        if !bill.is_empty()
            && !ship.is_empty()
            && !bill.eq_ignore_ascii_case(ship)
            && order.total_cents > limit
        {
            hold(
                HoldRule::CountryMismatch,
                format!(
                    "billed in {} but shipping to {} on an order over {}; confirm with the customer",
                    bill.to_ascii_uppercase(),
                    ship.to_ascii_uppercase(),
                    money(limit)
                ),
            );
        }
    }
    if let Some(percent) = rules.history_share_percent {
        let h = order.history;
        if h.orders >= rules.history_min_orders.max(1)
            && h.troubled > 0
            && u64::from(h.troubled) * 100 >= u64::from(percent) * u64::from(h.orders)
        {
            hold(
                HoldRule::CustomerHistory,
                format!(
                    "of this customer's {} earlier orders, {} had returns and {} were charged back",
                    h.orders, h.returned, h.chargebacks
                ),
            );
        }
    }
    holds
}

fn payment_reason(payment: PaymentStatus) -> String {
    let what = match payment {
        PaymentStatus::Pending => "is still pending",
        PaymentStatus::Failed => "failed",
        PaymentStatus::Declined => "was declined",
        PaymentStatus::Voided => "was voided",
        PaymentStatus::Refunded => "was refunded",
        PaymentStatus::PartiallyPaid => "covers only part of the order",
        _ => "is not captured",
    };
    format!("payment {what}; contact the customer to complete it")
}

fn money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// What is wrong with an address, each as a short phrase; empty when it looks deliverable.
pub fn address_problems(to: &ShipTo<'_>, require_house_number: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let missing = |value: &str| value.trim().is_empty();
    if missing(to.name) {
        problems.push("the recipient's name is missing".to_owned());
    }
    if missing(to.address1) {
        problems.push("the street is missing".to_owned());
    } else if require_house_number && !to.address1.chars().any(|c| c.is_ascii_digit()) {
        problems.push(format!("“{}” has no house number", to.address1.trim()));
    }
    if missing(to.city) {
        problems.push("the city is missing".to_owned());
    }
    let country = to.country.trim().to_ascii_uppercase();
    if country.is_empty() {
        problems.push("the country is missing".to_owned());
        return problems;
    }
    if !is_country(&country) {
        problems.push(format!("“{country}” is not a country code such as GB or US"));
        return problems;
    }
    let postal = to.postal_code.trim();
    if postal.is_empty() {
        if !NO_POSTAL_CODES.contains(&country.as_str()) {
            problems.push("the postal code is missing".to_owned());
        }
    } else if !postal_code_fits(&country, postal) {
        problems.push(format!("“{postal}” is not a postal code of {country}"));
    }
    problems
}

/// Whether a postal code has its country's shape. Countries Backroom knows no shape for accept
/// anything of reasonable length.
pub fn postal_code_fits(country: &str, code: &str) -> bool {
    let code = code.trim().to_ascii_uppercase();
    // `9` a digit, `A` a letter, `?` a letter or digit, anything else itself.
    let shapes: &[&str] = match country {
        "US" => &["99999", "99999-9999"],
        "CA" => &["A9A 9A9", "A9A9A9"],
        "DE" | "FR" | "ES" | "IT" | "FI" => &["99999"],
        "NL" => &["9999 AA", "9999AA"],
        "BE" | "AT" | "CH" | "DK" | "NO" | "AU" | "NZ" | "HU" => &["9999"],
        "SE" | "CZ" | "SK" | "GR" => &["999 99", "99999"],
        "PL" => &["99-999"],
        "PT" => &["9999-999"],
        "JP" => &["999-9999", "9999999"],
        "IE" => &["A99 ????", "A99????"],
        "GB" => return uk_postcode(&code),
        _ => return (2..=10).contains(&code.len()),
    };
    shapes.iter().any(|shape| fits(shape, &code))
}

fn fits(shape: &str, code: &str) -> bool {
    shape.len() == code.len()
        && shape.chars().zip(code.chars()).all(|(s, c)| match s {
            '9' => c.is_ascii_digit(),
            'A' => c.is_ascii_uppercase(),
            '?' => c.is_ascii_alphanumeric(),
            s => s == c,
        })
}

/// A UK postcode: an outward code of 2 to 4 characters starting with a letter, then an inward
/// code of a digit and two letters, with or without the space.
fn uk_postcode(code: &str) -> bool {
    let compact: String = code.chars().filter(|c| *c != ' ').collect();
    if !(5..=7).contains(&compact.len()) {
        return false;
    }
    let (outward, inward) = compact.split_at(compact.len() - 3);
    fits("9AA", inward)
        && outward.starts_with(|c: char| c.is_ascii_uppercase())
        && outward.chars().all(|c| c.is_ascii_alphanumeric())
        && outward.chars().any(|c| c.is_ascii_digit())
}

/// Countries whose addresses have no postal code.
const NO_POSTAL_CODES: &[&str] = &[
    "AE", "AG", "AO", "AW", "BF", "BI", "BJ", "BO", "BS", "BW", "BZ", "CD", "CF", "CG", "CI", "CK",
    "CM", "DJ", "DM", "ER", "FJ", "GA", "GD", "GH", "GM", "GQ", "GY", "HK", "KI", "KM", "KN", "KP",
    "LY", "ML", "MO", "MR", "MW", "NR", "NU", "QA", "RW", "SB", "SC", "SL", "SR", "SS", "ST", "SY",
    "TD", "TF", "TG", "TK", "TL", "TO", "TV", "UG", "VU", "YE", "ZW",
];

/// ISO 3166-1 alpha-2 codes, concatenated.
const COUNTRIES: &str = "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZ\
CACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGN\
GPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULV\
LYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPT\
PWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUS\
UYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW";

/// Whether `code` is an ISO 3166-1 alpha-2 country code (upper case).
pub fn is_country(code: &str) -> bool {
    code.len() == 2 && COUNTRIES.as_bytes().chunks(2).any(|c| c == code.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(ship_to: ShipTo<'a>) -> OrderFacts<'a> {
        OrderFacts {
            payment: PaymentStatus::Paid,
            ship_to,
            billing_country: "GB",
            total_cents: 40_00,
            history: History::default(),
        }
    }

    fn good() -> ShipTo<'static> {
        ShipTo {
            name: "Ada Lee",
            address1: "1 High Street",
            city: "Leeds",
            postal_code: "LS1 1AA",
            country: "GB",
        }
    }

    fn rules_hit(order: &OrderFacts<'_>) -> Vec<HoldRule> {
        screen(&HoldRules::default(), order).into_iter().map(|h| h.rule).collect()
    }

    #[test]
    fn a_clean_paid_order_passes() {
        assert!(screen(&HoldRules::default(), &facts(good())).is_empty());
    }

    #[test]
    fn uncaptured_payments_hold_and_captured_ones_do_not() {
        for (payment, held) in [
            (PaymentStatus::Pending, true),
            (PaymentStatus::Failed, true),
            (PaymentStatus::Voided, true),
            (PaymentStatus::Declined, true),
            (PaymentStatus::Paid, false),
            (PaymentStatus::Authorized, false),
        ] {
            let order = OrderFacts { payment, ..facts(good()) };
            assert_eq!(rules_hit(&order) == [HoldRule::Payment], held, "{payment:?}");
        }
        let declined = OrderFacts { payment: PaymentStatus::Declined, ..facts(good()) };
        assert!(screen(&HoldRules::default(), &declined)[0].reason.contains("declined"));
    }

    #[test]
    fn incomplete_addresses_name_every_problem() {
        let order = facts(ShipTo { address1: "High Street", postal_code: "", ..good() });
        let holds = screen(&HoldRules::default(), &order);
        assert_eq!(holds.len(), 1);
        assert_eq!(holds[0].rule, HoldRule::Address);
        assert!(holds[0].reason.contains("no house number"), "{}", holds[0].reason);
        assert!(holds[0].reason.contains("postal code is missing"), "{}", holds[0].reason);
        let bad_country = facts(ShipTo { country: "XX", ..good() });
        assert_eq!(rules_hit(&bad_country), [HoldRule::Address]);
        let relaxed = HoldRules { require_house_number: false, ..HoldRules::default() };
        let house = facts(ShipTo { address1: "Rose Cottage", ..good() });
        assert!(screen(&relaxed, &house).is_empty());
    }

    #[test]
    fn postal_codes_are_checked_where_their_shape_is_known() {
        assert!(postal_code_fits("US", "90210"));
        assert!(postal_code_fits("US", "90210-1234"));
        assert!(!postal_code_fits("US", "9021"));
        assert!(postal_code_fits("GB", "SW1A 1AA"));
        assert!(postal_code_fits("GB", "m11ae"));
        assert!(!postal_code_fits("GB", "12345"));
        assert!(postal_code_fits("NL", "1012 AB"));
        assert!(postal_code_fits("CA", "K1A 0B1"));
        assert!(!postal_code_fits("DE", "1011"));
        // Hong Kong has no postal codes, so none is missing.
        let hk = facts(ShipTo { postal_code: "", country: "HK", ..good() });
        assert!(screen(&HoldRules::default(), &hk).is_empty());
    }

    #[test]
    fn country_mismatch_holds_only_above_the_threshold() {
        let small = OrderFacts { billing_country: "US", ..facts(good()) };
        assert!(rules_hit(&small).is_empty());
        let large = OrderFacts { total_cents: 25_001, ..small.clone() };
        assert_eq!(rules_hit(&large), [HoldRule::CountryMismatch]);
        let off = HoldRules { country_mismatch_over_cents: None, ..HoldRules::default() };
        assert!(screen(&off, &large).is_empty());
    }

    #[test]
    fn customer_history_holds_at_the_configured_share() {
        let with = |orders, returned, chargebacks| OrderFacts {
            history: History { orders, returned, chargebacks, troubled: returned + chargebacks },
            ..facts(good())
        };
        assert!(rules_hit(&with(4, 1, 0)).is_empty(), "25% is below 50%");
        assert_eq!(rules_hit(&with(4, 1, 1)), [HoldRule::CustomerHistory]);
        assert_eq!(rules_hit(&with(2, 0, 1)), [HoldRule::CustomerHistory]);
        assert!(rules_hit(&with(1, 1, 0)).is_empty(), "one earlier order is too few to judge");
        let strict = HoldRules { history_share_percent: Some(20), ..HoldRules::default() };
        assert_eq!(screen(&strict, &with(4, 1, 0)).len(), 1);
    }

    #[test]
    fn every_country_code_reads_and_nothing_else_does() {
        assert_eq!(COUNTRIES.len() % 2, 0);
        assert!(is_country("GB") && is_country("US") && is_country("ZW") && is_country("AD"));
        assert!(!is_country("UK") && !is_country("XX") && !is_country("G") && !is_country("gb"));
    }
}
