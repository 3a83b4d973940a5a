//! Shopify's orders export, as the admin's Orders > Export writes it: one row per line item.
//!
//! ```text
//! Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,Billing City,Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,Payment Method,Payment Reference,Refunded Amount,Vendor,Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source,Lineitem discount,Tax 1 Name,Tax 1 Value,...,Phone,Receipt Number,Duties,Billing Province Name,Shipping Province Name,Payment ID,Payment Terms Name,Next Payment Due At,Payment References
//! #1001,ada@example.com,paid,...,unfulfilled,...,2026-11-20 14:03:11 -0500,2,Mug,12.99,,MUG-1,true,...
//! #1001,,,,,,,,,,,,,,,,1,Tea,4.50,,TEA-1,true,...
//! ```
//!
//! The file is recognised by its header (`Name` with `Lineitem sku` or `Lineitem quantity`).
//! Columns are matched by name: the layouts in use have 79, 75 (two of them) and 34 columns,
//! and only `Name` and `Lineitem quantity` are required; the columns below are read, the rest
//! ignored. Shopify fills the order's own columns on its first row only; later rows repeat the
//! name, email, date and `Lineitem` columns, so everything about the order is taken from its
//! first row.
//!
//! How each order becomes a Backroom order. Every order of the file is entered, so the orders
//! in Backroom are the orders of the export:
//!
//! - The number is `Name` as written (`#1001`); an order already in Backroom under `#1001` or
//!   `1001` is never entered twice. Importing the same export again changes nothing; a later
//!   export of the same orders brings the payment status up to date (a payment hold then
//!   clears by itself) and cancels here an order the shop cancelled before it was picked.
//! - `Financial Status` is one of paid, pending, authorized, partially_paid,
//!   partially_refunded, refunded or voided; any other value is an error naming it. Empty is
//!   pending. `Currency` is kept on the order (`currency` of `get_order`).
//! - `Created at` (`2026-11-20 14:03:11 -0500`) is when the order was placed, at its own
//!   offset. A file a spreadsheet has re-saved has other dates (`31/12/2023 22:36`, no offset):
//!   the import then needs to be told how they are written ([`DateReading`]).
//! - The customer is `Billing Name` (or `Shipping Name` when there is none), `Email`, and
//!   `Phone` (or `Shipping Phone`). The ship-to address is the `Shipping` columns, with
//!   `Shipping Street` standing in for an empty `Shipping Address1`; `Shipping Company`, for
//!   which Backroom's address has no field of its own, goes in front of the second address line.
//!   A leading apostrophe on a zip or phone number, written so that spreadsheets keep leading
//!   zeros, is removed.
//! - The order's total is `Total`; `Shipping Method` is the order's service, and its carrier
//!   when the method names one Backroom knows (UPS, DPD, Royal Mail, ...).
//! - `Notes` is the buyer's note to the shop, not a gift message, so the slip shows prices.
//!
//! Each line is `Lineitem quantity` (1 to 1,000,000) of the product `Lineitem sku` names (an SKU,
//! with or without spaces, or a barcode), at `Lineitem price`. A line without an SKU, or whose
//! SKU no product has, is matched by its exact `Lineitem name`, which for a variant is
//! `Title - Option / Option` as a Shopify products import names products, or by a name a
//! manager has mapped before. The same product twice in one order becomes one line with the sum.
//! (These rules are every shop's, in [`super::shop`].) Lines Backroom does not pick are kept on
//! the order as the shop wrote them:
//!
//! - `Lineitem requires shipping` false: tips, gift cards, gift wrap. Never picked or weighed.
//! - `Lineitem fulfillment status` fulfilled: the shop has sent it. A line that is `partial`
//!   has had at least one unit sent; the export does not say how many, so one unit is taken as
//!   sent and the rest are picked (exact for the usual quantity of 2).
//! - A line matching no product: the order comes in held, with the reason "product not known"
//!   and the line as written, until a manager maps the line to a product (`map_unknown_line`).
//!   One unknown product never stops the rest of the file.
//!
//! Orders the shop has finished with are entered for the record, never picked: one with a
//! `Cancelled at` time, restocked, refunded or voided comes in cancelled; one that is fulfilled,
//! or has nothing left to pick here, comes in shipped.
//!
//! A file that cannot be read as an export (a missing column, a value that is not a number or
//! a date, a quantity out of bounds) enters nothing, and every problem is named by its line
//! and column. A file a spreadsheet has broken by wrapping every line in quotes is refused
//! with what happened and how to export again.

use backroom_core::limits;
use backroom_core::order::{OrderStatus, PaymentStatus};

use super::orders::{self, FileOrder, parse_payment};
use super::sheet::{self, Errors, Row, Sheet, cut, parse_cents, parse_whole, parse_yes_no};
use super::shop::{Sent, ShopItem, ShopOrders};
use super::{DateReading, ImportReport, refused};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::orders::{Address, Customer, NewOrder};

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
const CURRENCY: &str = "Currency";

/// The columns read, as Shopify names them; the export's other columns are ignored.
pub const COLUMNS: [&str; 28] = [
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
    CURRENCY,
];

const REQUIRED: [&str; 2] = [NAME, QUANTITY];

/// How the report names this format.
const FORMAT: &str = "shopify orders";

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
    dates: &DateReading,
) -> Result<ImportReport, ApiError> {
    let mut errors = Errors::default();
    let sheet = Sheet::read(text, "Shopify orders", &COLUMNS, &REQUIRED, &mut errors);
    if !sheet.header_ok {
        return Ok(refused(FORMAT, sheet.records, errors));
    }
    if let Some(refusal) = wrapped_lines(&sheet) {
        let mut errors = Errors::default();
        errors.add(refusal.0, None, refusal.1);
        return Ok(refused(FORMAT, sheet.records, errors));
    }
    let mut orders = ShopOrders::default();
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
        let index = match orders.find(name) {
            Some(index) => index,
            None => orders.begin(parse_order(&sheet, row, dates, &mut errors)),
        };
        let Some(item) = parse_item(&sheet, row, &mut errors) else { continue };
        if let Some(reason) = orders.add(ctx, index, item)? {
            errors.add(row.line, sheet.column(QUANTITY), reason);
        }
    }
    orders::enter(ctx, FORMAT, sheet.records, errors, dry_run, &orders.finish())
}

/// Reads a row's line item, each wrong value an error on its column.
fn parse_item(sheet: &Sheet, row: &Row, errors: &mut Errors) -> Option<ShopItem> {
    let before = errors.len();
    let mut fail =
        |column: &str, reason: String| errors.add(row.line, sheet.column(column), reason);
    let qty = match parse_whole(sheet.get(row, QUANTITY), QUANTITY) {
        Ok(qty) => limits::QTY.check("the quantity", qty).unwrap_or_else(|e| {
            fail(QUANTITY, format!("{e}; an order line is 1 to 1,000,000 units"));
            0
        }),
        Err(reason) => {
            fail(QUANTITY, format!("{reason}; write the number of units, such as 2"));
            0
        }
    };
    let unit_price_cents = match sheet.get(row, PRICE) {
        "" => None,
        text => match parse_cents(text) {
            Ok(cents) => match limits::PRICE_CENTS.check("the price", cents) {
                Ok(cents) => Some(cents),
                Err(e) => {
                    fail(PRICE, format!("{e}; check the amount"));
                    None
                }
            },
            Err(reason) => {
                fail(PRICE, reason);
                None
            }
        },
    };
    let ships = parse_yes_no(sheet.get(row, REQUIRES_SHIPPING), true).unwrap_or_else(|reason| {
        fail(REQUIRES_SHIPPING, reason);
        true
    });
    if errors.len() > before {
        return None;
    }
    let sent = match sheet.get(row, ITEM_FULFILLMENT).to_ascii_lowercase().as_str() {
        "fulfilled" => Sent::All,
        "partial" => Sent::Partly,
        _ => Sent::Nothing,
    };
    Some(ShopItem {
        name: sheet.get(row, ITEM_NAME).to_owned(),
        sku: sheet.get(row, SKU).to_owned(),
        qty,
        unit_price_cents,
        ships,
        sent,
    })
}

/// Where a spreadsheet has wrapped each line of the file in quotes (Excel with `;` as its list
/// separator writes `"#1001,ada@…,paid,…";`): every row is then one value. The line of the
/// first such row, and what to tell the person.
fn wrapped_lines(sheet: &Sheet) -> Option<(u64, String)> {
    let wrapped: Vec<&Row> = sheet
        .rows
        .iter()
        .filter(|row| row.len() <= 2 && sheet.get(row, NAME).matches(',').count() >= 5)
        .collect();
    let first = wrapped.first()?;
    Some((
        first.line,
        format!(
            "{} rows of this file are each one quoted value ending in “;”: a spreadsheet has \
             wrapped every line of the export in quotes, and notes with line breaks in them were \
             split across lines, so the orders cannot be read back safely. Nothing was \
             imported. Export the orders from Shopify again (Orders > Export > CSV) and import \
             that file as it is, without opening and saving it in a spreadsheet first",
            wrapped.len()
        ),
    ))
}

/// Reads the order's own columns from its first row, reporting each value that is wrong.
fn parse_order(sheet: &Sheet, row: &Row, dates: &DateReading, errors: &mut Errors) -> FileOrder {
    let get = |column: &str| sheet.get(row, column);
    let mut fail =
        |column: &str, reason: String| errors.add(row.line, sheet.column(column), reason);
    let placed_at = match get(CREATED_AT) {
        "" => None,
        text => match dates.read(text) {
            Ok(time) => Some(time),
            Err(reason) => {
                fail(CREATED_AT, reason);
                None
            }
        },
    };
    let payment = match get(FINANCIAL_STATUS) {
        "" => None,
        text => parse_payment(text)
            .map_err(|_| {
                fail(
                    FINANCIAL_STATUS,
                    format!(
                        "Financial Status “{}” is not one Backroom knows; Shopify's are paid, \
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
        payment_status: payment.unwrap_or(PaymentStatus::Pending),
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
    file_order.currency = get(CURRENCY).to_ascii_uppercase();
    let fulfillment = get(FULFILLMENT_STATUS).to_ascii_lowercase();
    let cancel = |why: &str| Some((OrderStatus::Cancelled, why.to_owned()));
    file_order.closed = if !get(CANCELLED_AT).is_empty() {
        cancel("cancelled in Shopify")
    } else if fulfillment == "restocked" {
        cancel("restocked in Shopify (cancelled, its goods put back)")
    } else if fulfillment == "fulfilled" {
        Some((OrderStatus::Shipped, "fulfilled in Shopify before the import".to_owned()))
    } else if payment == Some(PaymentStatus::Refunded) {
        cancel("refunded in Shopify before it was sent")
    } else if payment == Some(PaymentStatus::Voided) {
        cancel("payment voided in Shopify")
    } else {
        None
    };
    file_order.cancelled = matches!(file_order.closed, Some((OrderStatus::Cancelled, _)));
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
