//! Shopify's orders export, as the admin's Orders > Export writes it: one row per line item.
//!
//! ```text
//! Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,Billing City,Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,Payment Method,Payment Reference,Refunded Amount,Vendor,Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source,Lineitem discount,Tax 1 Name,Tax 1 Value,...,Phone,Receipt Number,Duties,Billing Province Name,Shipping Province Name,Payment ID,Payment Terms Name,Next Payment Due At,Payment References
//! #1001,ada@example.com,paid,...,unfulfilled,...,2026-11-20 14:03:11 -0500,2,Mug,12.99,,MUG-1,true,...
//! #1001,,,,,,,,,,,,,,,,1,Tea,4.50,,TEA-1,true,...
//! ```
//!
//! The file is recognised by its header (`Name` with `Lineitem sku` or `Lineitem quantity`);
//! `Name`, `Lineitem quantity` and `Lineitem sku` are required and the columns below are read,
//! the rest ignored. Shopify fills the order's own columns on its first row only; later rows
//! carry `Name` and the `Lineitem` columns, so everything about the order is taken from its
//! first row.
//!
//! How each order becomes a Backroom order:
//!
//! - The number is `Name` as written (`#1001`); an order already in Backroom under `#1001` or
//!   `1001` is not entered again. Its payment status is brought up to date from
//!   `Financial Status`, which counts as an update, so importing the same export again, or a
//!   later one that overlaps it, adds only the orders that are new.
//! - `Financial Status` is one of paid, pending, authorized, partially_paid,
//!   partially_refunded, refunded or voided; any other value is an error naming it. Empty is
//!   pending.
//! - `Created at` (`2026-11-20 14:03:11 -0500`) is when the order was placed.
//! - The customer is `Billing Name` (or `Shipping Name` when there is none), `Email`, and
//!   `Phone` (or `Shipping Phone`). The ship-to address is the `Shipping` columns, with
//!   `Shipping Street` standing in for an empty `Shipping Address1`; `Shipping Company`, for
//!   which Backroom's address has no field of its own, goes in front of the second address line.
//!   A leading apostrophe on a zip or phone number, written so that spreadsheets keep leading
//!   zeros, is removed.
//! - Each line is `Lineitem sku` (a SKU or barcode of a product in Backroom), `Lineitem
//!   quantity` and `Lineitem price`. An empty or unknown SKU is an error on its line and column.
//! - The order's total is `Total`, what the customer was charged with shipping and taxes, rather
//!   than the sum of the lines entered; screening weighs that.
//! - `Shipping Method` (`UPS Ground`, `Royal Mail Tracked 48`) is the order's service, and its
//!   carrier when the method names one Backroom knows (UPS, DPD, Royal Mail, ...). A method
//!   such as `Standard Shipping` names none: the order goes with the store's default carrier.
//! - `Notes` is the buyer's note to the shop, not a gift message, so the gift message is left
//!   empty and the slip shows prices.
//!
//! What is deliberately not entered is counted as skipped and named in the report's notes:
//!
//! - An order Shopify has already dealt with: `Fulfillment Status` fulfilled (shipped from
//!   somewhere else) or restocked, or a `Cancelled at` time. Its lines are not checked, so an
//!   old order for a product since removed does not stop the import. If a cancelled order is in
//!   Backroom already and has not shipped, the report says so, for someone to cancel it here.
//! - A line item with `Lineitem requires shipping` false (a gift card, digital goods), or with
//!   `Lineitem fulfillment status` fulfilled (sent already, in a partly fulfilled order); its SKU
//!   is not checked. An order left with nothing to ship is not entered at all.
//!
//! As in the generic format, the same SKU twice in one order is an error on the second row, and
//! a file with any error enters nothing.

use super::orders::{self, FileOrder, Intake, LineColumns, parse_payment};
use super::sheet::{self, Errors, Row, Sheet, cut, parse_cents, parse_yes_no};
use super::{ImportReport, refused};
use crate::app::Ctx;
use crate::error::ApiError;
use crate::orders::{Address, Customer, NewOrder, normalise_time};

const NAME: &str = "Name";
const EMAIL: &str = "Email";
const FINANCIAL_STATUS: &str = "Financial Status";
const FULFILLMENT_STATUS: &str = "Fulfillment Status";
const TOTAL: &str = "Total";
const CREATED_AT: &str = "Created at";
const QUANTITY: &str = "Lineitem quantity";
const ITEM_NAME: &str = "Lineitem name";
const PRICE: &str = "Lineitem price";
const SKU: &str = "Lineitem sku";
const REQUIRES_SHIPPING: &str = "Lineitem requires shipping";
const ITEM_FULFILLMENT: &str = "Lineitem fulfillment status";
const BILLING_NAME: &str = "Billing Name";
const BILLING_COUNTRY: &str = "Billing Country";
const SHIPPING_NAME: &str = "Shipping Name";
const SHIPPING_STREET: &str = "Shipping Street";
const SHIPPING_ADDRESS1: &str = "Shipping Address1";
const SHIPPING_ADDRESS2: &str = "Shipping Address2";
const SHIPPING_COMPANY: &str = "Shipping Company";
const SHIPPING_CITY: &str = "Shipping City";
const SHIPPING_ZIP: &str = "Shipping Zip";
const SHIPPING_PROVINCE: &str = "Shipping Province";
const SHIPPING_COUNTRY: &str = "Shipping Country";
const SHIPPING_PHONE: &str = "Shipping Phone";
const CANCELLED_AT: &str = "Cancelled at";
const SHIPPING_METHOD: &str = "Shipping Method";
const PHONE: &str = "Phone";

/// The columns read, as Shopify names them; the export's other columns are ignored.
pub const COLUMNS: [&str; 27] = [
    NAME,
    EMAIL,
    FINANCIAL_STATUS,
    FULFILLMENT_STATUS,
    TOTAL,
    CREATED_AT,
    QUANTITY,
    ITEM_NAME,
    PRICE,
    SKU,
    REQUIRES_SHIPPING,
    ITEM_FULFILLMENT,
    BILLING_NAME,
    BILLING_COUNTRY,
    SHIPPING_NAME,
    SHIPPING_STREET,
    SHIPPING_ADDRESS1,
    SHIPPING_ADDRESS2,
    SHIPPING_COMPANY,
    SHIPPING_CITY,
    SHIPPING_ZIP,
    SHIPPING_PROVINCE,
    SHIPPING_COUNTRY,
    SHIPPING_PHONE,
    CANCELLED_AT,
    PHONE,
    SHIPPING_METHOD,
];

const REQUIRED: [&str; 3] = [NAME, QUANTITY, SKU];

/// How the report names this format.
const FORMAT: &str = "shopify orders";

const LINE: LineColumns = LineColumns { sku: SKU, qty: QUANTITY, unit_price: PRICE };

/// Whether `text` is a Shopify orders export, judged by its header: Backroom's own orders
/// format has neither `Name` nor any `Lineitem` column.
pub(super) fn is_export(text: &str) -> bool {
    let names = sheet::header_names(text);
    let has = |column: &str| names.contains(&sheet::normalise(column));
    has(NAME) && (has(SKU) || has(QUANTITY))
}

pub(super) fn import(
    ctx: &mut Ctx<'_>,
    text: &str,
    dry_run: bool,
) -> Result<ImportReport, ApiError> {
    let mut errors = Errors::default();
    let sheet = Sheet::read(text, "Shopify orders", &COLUMNS, &REQUIRED, &mut errors);
    if !sheet.header_ok {
        return Ok(refused(FORMAT, sheet.records, errors));
    }
    let mut intake = Intake::default();
    for row in &sheet.rows {
        let name = sheet.get(row, NAME);
        if name.is_empty() {
            errors.add(
                row.line,
                sheet.column(NAME),
                "the order name is empty; every row of a Shopify export names its order, such \
                 as #1001",
            );
            continue;
        }
        let index = match intake.find(name) {
            Some(index) => index,
            None => intake.begin(parse_order(&sheet, row, &mut errors)),
        };
        if intake.orders[index].skip.is_some() {
            continue;
        }
        let ships = match parse_yes_no(sheet.get(row, REQUIRES_SHIPPING), true) {
            Ok(ships) => ships,
            Err(reason) => {
                errors.add(row.line, sheet.column(REQUIRES_SHIPPING), reason);
                continue;
            }
        };
        let left_out = if !ships {
            Some("needs no shipping")
        } else if sheet.get(row, ITEM_FULFILLMENT).eq_ignore_ascii_case("fulfilled") {
            Some("is already fulfilled in Shopify")
        } else {
            None
        };
        if let Some(why) = left_out {
            let item = match (sheet.get(row, ITEM_NAME), sheet.get(row, SKU)) {
                ("", "") => "the item".to_owned(),
                ("", sku) => cut(sku).into_owned(),
                (item, _) => format!("`{}`", cut(item)),
            };
            intake.orders[index].left_out.push(format!(
                "order {}, line {}: {item} {why}; left out",
                cut(name),
                row.line
            ));
            continue;
        }
        if let Some(line) = intake.check_line(ctx, &sheet, row, &LINE, &mut errors)? {
            intake.add_line(index, &sheet, row, &LINE, line, &mut errors);
        }
    }
    for order in &mut intake.orders {
        if order.skip.is_none() && order.order.lines.is_empty() && !order.left_out.is_empty() {
            order.skip = Some(
                "has nothing to ship (only items that need no shipping or are fulfilled already)"
                    .into(),
            );
        }
    }
    orders::enter(ctx, FORMAT, sheet.records, errors, dry_run, &intake.orders)
}

/// Reads the order's own columns from its first row, reporting each value that is wrong.
fn parse_order(sheet: &Sheet, row: &Row, errors: &mut Errors) -> FileOrder {
    let get = |column: &str| sheet.get(row, column);
    let mut fail =
        |column: &str, reason: String| errors.add(row.line, sheet.column(column), reason);
    let placed_at = match get(CREATED_AT) {
        "" => None,
        text => {
            if normalise_time(text).is_none() {
                fail(
                    CREATED_AT,
                    format!(
                        "`{}` is not a time; Shopify writes it like 2026-11-20 14:03:11 -0500",
                        cut(text)
                    ),
                );
            }
            Some(text.to_owned())
        }
    };
    let payment = match get(FINANCIAL_STATUS) {
        "" => None,
        text => parse_payment(text)
            .map_err(|_| {
                fail(
                    FINANCIAL_STATUS,
                    format!(
                        "Financial Status `{}` is not one Backroom knows; Shopify's are paid, \
                         pending, authorized, partially_paid, partially_refunded, refunded and \
                         voided",
                        cut(text)
                    ),
                )
            })
            .ok(),
    };
    let total_cents = match get(TOTAL) {
        "" => None,
        text => parse_cents(text).map_err(|reason| fail(TOTAL, reason)).ok(),
    };
    let either = |first: &str, second: &str| {
        let first = get(first);
        if first.is_empty() { get(second) } else { first }
    };
    let unquoted = |column: &str| get(column).trim_start_matches('\'').to_owned();
    let address2 = match (get(SHIPPING_COMPANY), get(SHIPPING_ADDRESS2)) {
        (company, "") => company.to_owned(),
        ("", address2) => address2.to_owned(),
        (company, address2) => format!("{company}, {address2}"),
    };
    let phone = match unquoted(PHONE) {
        phone if phone.is_empty() => unquoted(SHIPPING_PHONE),
        phone => phone,
    };
    let order = NewOrder {
        number: get(NAME).to_owned(),
        customer: Customer {
            name: either(BILLING_NAME, SHIPPING_NAME).to_owned(),
            email: get(EMAIL).to_owned(),
            phone,
        },
        ship_to: Address {
            name: get(SHIPPING_NAME).to_owned(),
            address1: either(SHIPPING_ADDRESS1, SHIPPING_STREET).to_owned(),
            address2,
            city: get(SHIPPING_CITY).to_owned(),
            region: get(SHIPPING_PROVINCE).to_owned(),
            postal_code: unquoted(SHIPPING_ZIP),
            country: get(SHIPPING_COUNTRY).to_owned(),
        },
        billing_country: get(BILLING_COUNTRY).to_owned(),
        placed_at,
        ship_by: None,
        payment_status: payment.unwrap_or(backroom_core::order::PaymentStatus::Pending),
        priority: 0,
        gift_message: String::new(),
        backorder_policy: None,
        // The carrier is the one the method names, found when the order is entered.
        carrier: None,
        service: Some(get(SHIPPING_METHOD).to_owned()).filter(|m| !m.is_empty()),
        lines: Vec::new(),
    };
    let mut file_order = FileOrder::new(row.line, order, payment);
    file_order.total_cents = total_cents;
    let fulfillment = get(FULFILLMENT_STATUS).to_ascii_lowercase();
    if !get(CANCELLED_AT).is_empty() {
        file_order.skip = Some("was cancelled in Shopify".into());
        file_order.cancelled = true;
    } else if fulfillment == "fulfilled" {
        file_order.skip = Some("is already fulfilled in Shopify".into());
    } else if fulfillment == "restocked" {
        file_order.skip = Some("is restocked in Shopify (cancelled, its goods put back)".into());
    }
    file_order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shopify_export_is_told_from_the_generic_format_by_its_header() {
        assert!(is_export("Name,Email,Lineitem quantity,Lineitem sku\n#1001,,1,A\n"));
        assert!(is_export("\u{feff}Name;Lineitem sku\n"), "a BOM and semicolons");
        assert!(!is_export("number,sku,qty\n1001,A,1\n"));
        assert!(!is_export("Name,Email\n"), "a name alone could be anything");
        assert!(!is_export(""));
    }
}
