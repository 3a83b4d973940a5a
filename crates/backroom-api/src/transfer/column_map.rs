//! Order files of any shop, read by a column mapping: a small JSON file (or a screen) that
//! names which column of the file holds each thing Backroom needs. BigCommerce, Etsy or a
//! shop's own spreadsheet come in without code. The mapping is saved by its name when an
//! import with it is kept, so the next file of the same shop needs only the name.
//!
//! ```json
//! {
//!   "name": "etsy",
//!   "columns": {
//!     "order_number": "Order ID", "sku": "SKU", "item_name": "Item Name",
//!     "quantity": "Quantity", "price": "Price", "currency": "Currency",
//!     "placed_at": "Sale Date", "shipped": "Date Shipped",
//!     "customer_name": "Buyer", "ship_name": "Ship Name", "address1": "Ship Address1",
//!     "address2": "Ship Address2", "city": "Ship City", "region": "Ship State",
//!     "postal_code": "Ship Zipcode", "country": "Ship Country"
//!   },
//!   "date_format": "%m/%d/%y",
//!   "time_zone": "America/New_York"
//! }
//! ```
//!
//! One row is one order line; rows with the same order number form one order, whose own
//! values (customer, address, date, payment) come from its first row. `order_number`,
//! `quantity`, and `sku` or `item_name` are required; every other column may be left out.
//!
//! - `sku` and `item_name` find the product as in every shop's export ([`super::shop`]): by SKU
//!   or barcode, else by exact name or a name a manager mapped. A line naming no known product
//!   holds its order until a manager maps it.
//! - `price` is the unit price; `total` the order's total; `currency` its currency.
//! - `placed_at` is read with `date_format` (strftime) when the mapping gives one, otherwise as
//!   `2026-11-23`, `2026-11-23 14:05` or RFC 3339. Times without an offset are in `time_zone`
//!   (`UTC`, `-05:00` or `Europe/Berlin`), the store's time zone (Settings) when absent.
//! - `shipped`: a line whose cell is a date or yes was sent by the shop already. It is kept on
//!   the order for the record and counted as demand in planning, never picked; an order with
//!   every line sent comes in shipped. Empty, no, false or 0 is a line to pick.
//! - `cancelled`: a date or yes cancels the order (entered for the record, nothing picked).
//! - `payment_status` as in Backroom's own orders file; without the column every order is
//!   taken as paid, as a shop exports the orders it has taken.
//!
//! A mapping naming a column the file does not have is an error on the header naming the
//! mapping's field and the missing column; a value that cannot be read enters nothing, and
//! every problem is named by its line and the file's column.

use crate::store::{OptionalExtension, params};
use backroom_core::limits;
use backroom_core::order::{OrderStatus, PaymentStatus};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::orders::{self, FileOrder, parse_payment};
use super::sheet::{self, Errors, Row, Sheet, cut, parse_cents, parse_whole, parse_yes_no};
use super::shop::{Sent, ShopItem, ShopOrders};
use super::{DateReading, ImportReport, refused};
use crate::context::{Ctx, NoArgs};
use crate::error::ApiError;
use crate::orders::{Address, Customer, NewOrder};

/// Which column of a shop's order file holds what, saved by `name`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields)]
pub struct ColumnMapping {
    /// What it is saved and chosen by, such as `etsy`.
    pub name: String,
    pub columns: MappedColumns,
    /// How the date column writes dates, strftime-style (`%m/%d/%y` for 11/27/25).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_format: Option<String>,
    /// The time zone of times written without an offset: `UTC`, `-05:00` or `Europe/Berlin`;
    /// the store's when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

/// The file's column (by its header name) for each field; only the first two are required,
/// with `sku` or `item_name`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields)]
pub struct MappedColumns {
    pub order_number: String,
    pub quantity: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_name: Option<String>,
    /// The unit price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<String>,
    /// The order's total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placed_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_status: Option<String>,
    /// A date or yes when the shop has sent the line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipped: Option<String>,
    /// A date or yes when the order was cancelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address1: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The shipping service bought, such as `UPS Ground`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
}

const ORDER_NUMBER: &str = "order_number";
const QUANTITY: &str = "quantity";
const SKU: &str = "sku";
const ITEM_NAME: &str = "item_name";
const PRICE: &str = "price";
const TOTAL: &str = "total";
const CURRENCY: &str = "currency";
const PLACED_AT: &str = "placed_at";
const PAYMENT_STATUS: &str = "payment_status";
const SHIPPED: &str = "shipped";
const CANCELLED: &str = "cancelled";

impl MappedColumns {
    /// Each field the mapping names, with the file's column for it.
    fn named(&self) -> Vec<(&'static str, &str)> {
        let optional = [
            (SKU, &self.sku),
            (ITEM_NAME, &self.item_name),
            (PRICE, &self.price),
            (TOTAL, &self.total),
            (CURRENCY, &self.currency),
            (PLACED_AT, &self.placed_at),
            (PAYMENT_STATUS, &self.payment_status),
            (SHIPPED, &self.shipped),
            (CANCELLED, &self.cancelled),
            ("customer_name", &self.customer_name),
            ("email", &self.email),
            ("phone", &self.phone),
            ("ship_name", &self.ship_name),
            ("address1", &self.address1),
            ("address2", &self.address2),
            ("city", &self.city),
            ("region", &self.region),
            ("postal_code", &self.postal_code),
            ("country", &self.country),
            ("service", &self.service),
        ];
        let mut named =
            vec![(ORDER_NUMBER, self.order_number.as_str()), (QUANTITY, &self.quantity)];
        named.extend(
            optional.into_iter().filter_map(|(field, column)| Some((field, column.as_deref()?))),
        );
        named
    }
}

/// The longest name a mapping is saved under.
const MAX_NAME_CHARS: usize = 60;

impl ColumnMapping {
    /// Refuses a mapping that cannot read any file: no name, an empty column, neither `sku`
    /// nor `item_name`, or a date format or time zone that cannot be read.
    fn check(&self) -> Result<(), ApiError> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(ApiError::invalid(format!(
                "a column mapping needs a name of 1 to {MAX_NAME_CHARS} characters, such as etsy, \
                 to be saved and chosen by"
            )));
        }
        for (field, column) in self.columns.named() {
            if column.trim().is_empty() {
                return Err(ApiError::invalid(format!(
                    "the mapping “{}” gives “{field}” an empty column; name the file's column \
                     or leave “{field}” out",
                    cut(name)
                )));
            }
        }
        if self.columns.sku.is_none() && self.columns.item_name.is_none() {
            return Err(ApiError::invalid(format!(
                "the mapping “{}” names neither “sku” nor “item_name”, so no line can find its \
                 product; name the column of either",
                cut(name)
            )));
        }
        self.dates().map(|_| ())
    }

    fn dates(&self) -> Result<DateReading, ApiError> {
        DateReading::new(self.date_format.as_deref(), self.time_zone.as_deref())
    }
}

/// A saved mapping and when it was last saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SavedMapping {
    pub mapping: ColumnMapping,
    pub saved_at: String,
}

/// Saves a mapping under its name, replacing one of the same name.
pub fn save_import_mapping(
    ctx: &mut Ctx<'_>,
    mapping: ColumnMapping,
) -> Result<SavedMapping, ApiError> {
    mapping.check()?;
    save(ctx, &mapping)?;
    Ok(SavedMapping { mapping, saved_at: ctx.now_text() })
}

/// Every saved mapping, by name.
pub fn list_import_mappings(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<Vec<SavedMapping>, ApiError> {
    let mut stmt = ctx.tx.prepare("SELECT mapping, saved_at FROM import_mappings ORDER BY name")?;
    let rows: Vec<(String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(|(json, saved_at)| Ok(SavedMapping { mapping: decode(&json)?, saved_at }))
        .collect()
}

fn save(ctx: &Ctx<'_>, mapping: &ColumnMapping) -> Result<(), ApiError> {
    let mut mapping = mapping.clone();
    mapping.name = mapping.name.trim().to_owned();
    let json = serde_json::to_string(&mapping)
        .map_err(|e| ApiError::storage(format!("cannot save the mapping: {e}")))?;
    ctx.execute(
        "INSERT INTO import_mappings (name, mapping, saved_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO UPDATE SET mapping = ?2, saved_at = ?3",
        params![mapping.name, json, ctx.now_text()],
    )?;
    Ok(())
}

fn decode(json: &str) -> Result<ColumnMapping, ApiError> {
    serde_json::from_str(json)
        .map_err(|e| ApiError::storage(format!("a saved column mapping cannot be read: {e}")))
}

/// The mapping saved under `name`.
pub(super) fn saved(ctx: &Ctx<'_>, name: &str) -> Result<ColumnMapping, ApiError> {
    let json: Option<String> = ctx
        .tx
        .query_row("SELECT mapping FROM import_mappings WHERE name = ?1", [name.trim()], |r| {
            r.get(0)
        })
        .optional()?;
    match json {
        Some(json) => decode(&json),
        None => {
            let names: Vec<String> = ctx
                .tx
                .prepare("SELECT name FROM import_mappings ORDER BY name")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            Err(ApiError::not_found(if names.is_empty() {
                format!(
                    "there is no saved column mapping “{}”, nor any other yet; give a mapping \
                     file instead",
                    cut(name.trim())
                )
            } else {
                format!(
                    "there is no saved column mapping “{}”; the saved ones are: {}",
                    cut(name.trim()),
                    names.join(", ")
                )
            }))
        }
    }
}

/// The dates formats tried when the mapping gives none.
const DATE_FORMATS: [&str; 3] = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"];

/// How the report names this format.
fn format_name(mapping: &ColumnMapping) -> String {
    format!("orders by the mapping {}", mapping.name.trim())
}

/// Imports an orders file by `mapping`; the request's own date format and time zone, when
/// given, stand above the mapping's.
pub(super) fn import(
    ctx: &mut Ctx<'_>,
    text: &str,
    dry_run: bool,
    mapping: &ColumnMapping,
    asked: DateReading,
) -> Result<ImportReport, ApiError> {
    mapping.check()?;
    let format = format_name(mapping);
    let dates = asked.or(mapping.dates()?).in_store_zone(ctx)?;
    let named = mapping.columns.named();
    let mut errors = Errors::default();
    if let Some(header_errors) = missing_columns(text, mapping, &named) {
        return Ok(refused(&format, 0, header_errors));
    }
    let sheet = Sheet::read_named(text, "mapped orders", &named, &[], &mut errors);
    if !sheet.header_ok {
        return Ok(refused(&format, sheet.records, errors));
    }
    let mut orders = ShopOrders::default();
    for row in &sheet.rows {
        let number = sheet.get(row, ORDER_NUMBER);
        if number.is_empty() {
            errors.add(
                row.line,
                sheet.column(ORDER_NUMBER),
                "the order number is empty; every row is one line of an order and names its \
                 order",
            );
            continue;
        }
        let index = match orders.find(number) {
            Some(index) => index,
            None => orders.begin(parse_order(&sheet, row, mapping, &dates, &mut errors)),
        };
        let Some(item) = parse_item(&sheet, row, &mut errors) else { continue };
        if let Some(reason) = orders.add(ctx, index, item)? {
            errors.add(row.line, sheet.column(QUANTITY), reason);
        }
    }
    let mut report = orders::enter(ctx, &format, sheet.records, errors, dry_run, &orders.finish())?;
    if report.ok && !dry_run {
        save(ctx, mapping)?;
        report.notes.push(format!(
            "the column mapping “{}” is saved; choose it by name for the next file",
            mapping.name.trim()
        ));
    }
    Ok(report)
}

/// The errors of a mapping that names columns the file's header does not have: one per field,
/// on line 1, naming the field and the column.
fn missing_columns(
    text: &str,
    mapping: &ColumnMapping,
    named: &[(&'static str, &str)],
) -> Option<Errors> {
    let header = sheet::header_names(text);
    let mut errors = Errors::default();
    for (field, column) in named {
        if !header.contains(&sheet::normalise(column)) {
            errors.add(
                1,
                Some((*column).to_owned()),
                format!(
                    "the mapping “{}” reads “{field}” from the column “{}”, which this file's \
                     header does not have; correct the mapping's “{field}” or check that this \
                     is the shop's file",
                    cut(mapping.name.trim()),
                    cut(column)
                ),
            );
        }
    }
    (!errors.is_empty()).then_some(errors)
}

/// Whether a cell says yes: a date or yes says the thing happened; empty, no, false or 0 that
/// it did not.
fn happened(text: &str) -> bool {
    !text.is_empty() && parse_yes_no(text, false).unwrap_or(true)
}

/// Reads a row's line, each wrong value an error on its column.
fn parse_item(sheet: &Sheet, row: &Row, errors: &mut Errors) -> Option<ShopItem> {
    let before = errors.len();
    let mut fail =
        |column: &str, reason: String| errors.add(row.line, sheet.column(column), reason);
    let qty = match parse_whole(sheet.get(row, QUANTITY), "the quantity") {
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
            Ok(cents) => limits::PRICE_CENTS
                .check("the price", cents)
                .map_err(|e| fail(PRICE, format!("{e}; check the amount")))
                .ok(),
            Err(reason) => {
                fail(PRICE, reason);
                None
            }
        },
    };
    let (name, sku) = (sheet.get(row, ITEM_NAME), sheet.get(row, SKU));
    if name.is_empty() && sku.is_empty() {
        let column = if sheet.has(SKU) { SKU } else { ITEM_NAME };
        fail(column, "the line names no product: its SKU and name are both empty".into());
    }
    if errors.len() > before {
        return None;
    }
    let sent = if happened(sheet.get(row, SHIPPED)) { Sent::All } else { Sent::Nothing };
    Some(ShopItem {
        name: name.to_owned(),
        sku: sku.to_owned(),
        qty,
        unit_price_cents,
        ships: true,
        sent,
    })
}

/// Reads the order's own columns from its first row, reporting each value that is wrong.
fn parse_order(
    sheet: &Sheet,
    row: &Row,
    mapping: &ColumnMapping,
    dates: &DateReading,
    errors: &mut Errors,
) -> FileOrder {
    let get = |field: &str| sheet.get(row, field);
    let mut fail = |field: &str, reason: String| errors.add(row.line, sheet.column(field), reason);
    let placed_at = match get(PLACED_AT) {
        "" => None,
        text if mapping.date_format.is_none() && crate::orders::normalise_time(text).is_some() => {
            crate::orders::normalise_time(text)
        }
        text => dates
            .read_local(
                text,
                &DATE_FORMATS,
                "2026-11-23 or 2026-11-23 14:05; give the mapping a date_format such as %m/%d/%Y",
            )
            .map_err(|reason| fail(PLACED_AT, reason))
            .ok(),
    };
    let payment = match get(PAYMENT_STATUS) {
        "" => None,
        text => parse_payment(text).map_err(|reason| fail(PAYMENT_STATUS, reason)).ok(),
    };
    let total_cents = match get(TOTAL) {
        "" => None,
        text => parse_cents(text).map_err(|reason| fail(TOTAL, reason)).ok(),
    };
    let customer_name = get("customer_name");
    let ship_name = match get("ship_name") {
        "" => customer_name,
        name => name,
    };
    let order = NewOrder {
        number: get(ORDER_NUMBER).to_owned(),
        customer: Customer {
            name: if customer_name.is_empty() { ship_name } else { customer_name }.to_owned(),
            email: get("email").to_owned(),
            phone: get("phone").trim_start_matches('\'').to_owned(),
        },
        ship_to: Address {
            name: ship_name.to_owned(),
            address1: get("address1").to_owned(),
            address2: get("address2").to_owned(),
            city: get("city").to_owned(),
            region: get("region").to_owned(),
            postal_code: get("postal_code").trim_start_matches('\'').to_owned(),
            country: get("country").to_owned(),
        },
        billing_country: String::new(),
        placed_at,
        ship_by: None,
        // A shop exports the orders it has taken; without a payment column they are paid.
        payment_status: payment.unwrap_or(if sheet.has(PAYMENT_STATUS) {
            PaymentStatus::Pending
        } else {
            PaymentStatus::Paid
        }),
        priority: 0,
        gift_message: String::new(),
        backorder_policy: None,
        carrier: None,
        service: Some(get("service").to_owned()).filter(|s| !s.is_empty()),
        lines: Vec::new(),
    };
    let mut file_order = FileOrder::new(row.line, order, payment);
    file_order.total_cents = total_cents;
    file_order.currency = get(CURRENCY).to_ascii_uppercase();
    if happened(get(CANCELLED)) {
        file_order.closed = Some((OrderStatus::Cancelled, "cancelled in the shop".to_owned()));
        file_order.cancelled = true;
    }
    file_order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(json: serde_json::Value) -> Result<ColumnMapping, serde_json::Error> {
        serde_json::from_value(json)
    }

    #[test]
    fn a_mapping_names_its_columns_and_refuses_unknown_fields() {
        let m = mapping(serde_json::json!({
            "name": "etsy",
            "columns": {"order_number": "Order ID", "quantity": "Quantity", "sku": "SKU"}
        }))
        .unwrap();
        assert!(m.check().is_ok());
        assert_eq!(
            m.columns.named(),
            [(ORDER_NUMBER, "Order ID"), (QUANTITY, "Quantity"), (SKU, "SKU")]
        );
        let typo = mapping(serde_json::json!({
            "name": "etsy",
            "columns": {"order_number": "Order ID", "quantity": "Quantity", "skus": "SKU"}
        }));
        assert!(typo.unwrap_err().to_string().contains("unknown field `skus`"));
    }

    #[test]
    fn a_mapping_without_a_product_column_or_name_is_refused() {
        let no_product = ColumnMapping {
            name: "shop".into(),
            columns: MappedColumns {
                order_number: "No".into(),
                quantity: "Qty".into(),
                ..MappedColumns::default()
            },
            date_format: None,
            time_zone: None,
        };
        assert!(no_product.check().unwrap_err().message.contains("neither “sku” nor “item_name”"));
        let mut unnamed = no_product.clone();
        unnamed.columns.sku = Some("SKU".into());
        unnamed.name = " ".into();
        assert!(unnamed.check().unwrap_err().message.contains("needs a name"));
        let mut bad_zone = unnamed.clone();
        bad_zone.name = "shop".into();
        bad_zone.time_zone = Some("Mars/Olympus".into());
        assert!(bad_zone.check().unwrap_err().message.contains("Mars/Olympus"));
        bad_zone.time_zone = Some("Europe/Berlin".into());
        assert!(bad_zone.check().is_ok());
    }

    #[test]
    fn a_date_or_yes_says_it_happened() {
        for yes in ["2025-11-28", "11/28/25", "yes", "TRUE", "1"] {
            assert!(happened(yes), "{yes}");
        }
        for no in ["", "no", "false", "0", "N"] {
            assert!(!happened(no), "{no}");
        }
    }
}
