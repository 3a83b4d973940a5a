//! The orders file: one row per order line; rows with the same `number` form one order.
//!
//! ```text
//! number,placed_at,ship_by,customer_name,customer_email,customer_phone,ship_name,ship_address1,ship_address2,ship_city,ship_region,ship_postal_code,ship_country,billing_country,payment_status,priority,sku,qty,unit_price,gift_message
//! 1001,2026-11-23,2026-11-25,Ada Lee,ada@example.com,,Ada Lee,1 High St,,Leeds,,LS1 1AA,GB,GB,paid,0,MUG-1,2,12.99,Happy birthday!
//! 1001,,,,,,,,,,,,,,,,PEN-1,1,,
//! ```
//!
//! - `number`, `sku` and `qty` are required; every other column may be left out or left empty.
//! - The order-level columns (everything but `sku`, `qty` and `unit_price`) are taken from the
//!   first row of each order; later rows of the order may repeat them or leave them empty.
//! - `placed_at` and `ship_by` are dates (`2026-11-23`) or RFC 3339 times; an empty `placed_at`
//!   is the time of the import.
//! - `payment_status` is one of `paid`, `pending`, `authorized`, `partially_paid`, `refunded`,
//!   `partially_refunded`, `failed`, `voided`, `declined` (spaces for underscores are fine);
//!   empty is `pending`.
//! - `priority` is a whole number, higher first; empty is 0.
//! - `gift_message` is printed on the packing slip, which then shows no prices.
//! - `sku` is a SKU or any barcode of an existing product; `qty` a whole number of at least 1;
//!   `unit_price` an amount such as `12.99`, empty for the product's price.
//!
//! An order whose number already exists (with or without a leading `#`) is not entered again:
//! only its payment status is brought up to date when the file gives one, which counts as an
//! update. A new order enters as `new`, exactly as `create_order` would enter it.

use std::collections::HashMap;

use backroom_core::order::PaymentStatus;
use rusqlite::params;

use super::sheet::{CsvOut, Errors, Row, Sheet, format_cents, parse_cents, parse_whole};
use super::{Counts, ImportReport, WriteFailure, found, refused, write_all};
use crate::app::Ctx;
use crate::catalog;
use crate::error::ApiError;
use crate::events::Event;
use crate::orders::{self, Address, Customer, NewLine, NewOrder};

/// The columns, in the order export writes them.
pub const COLUMNS: [&str; 20] = [
    "number",
    "placed_at",
    "ship_by",
    "customer_name",
    "customer_email",
    "customer_phone",
    "ship_name",
    "ship_address1",
    "ship_address2",
    "ship_city",
    "ship_region",
    "ship_postal_code",
    "ship_country",
    "billing_country",
    "payment_status",
    "priority",
    "sku",
    "qty",
    "unit_price",
    "gift_message",
];

const REQUIRED: [&str; 3] = ["number", "sku", "qty"];

/// An order as a file gives it. Another shop's export format needs only its own way of filling
/// this in from its columns; checking against the database and writing stay the same.
struct FileOrder {
    /// The line of the order's first row.
    line: u64,
    order: NewOrder,
    /// The payment status the file gives, if it gives one.
    payment: Option<PaymentStatus>,
}

pub(super) fn import(
    ctx: &mut Ctx<'_>,
    text: &str,
    dry_run: bool,
) -> Result<ImportReport, ApiError> {
    let mut errors = Errors::default();
    let sheet = Sheet::read(text, "orders", &COLUMNS, &REQUIRED, &mut errors);
    if !sheet.header_ok {
        return Ok(refused(sheet.records, errors));
    }
    let mut file_orders: Vec<FileOrder> = Vec::new();
    // By number without a leading `#`, the same way an existing order is found.
    let mut by_number: HashMap<String, usize> = HashMap::new();
    for row in &sheet.rows {
        let before = errors.len();
        let line = parse_line(ctx, &sheet, row, &mut errors)?;
        let number = sheet.get(row, "number");
        if number.is_empty() {
            errors.add(
                row.line,
                sheet.column("number"),
                "the order number is empty; every row needs the number of its order",
            );
            continue;
        }
        let key = number.trim_start_matches('#').to_owned();
        let index = match by_number.get(&key) {
            Some(&index) => index,
            None => {
                let order = parse_order(&sheet, row, &mut errors);
                file_orders.push(order);
                by_number.insert(key, file_orders.len() - 1);
                file_orders.len() - 1
            }
        };
        if let Some(line) = line.filter(|_| errors.len() == before) {
            file_orders[index].order.lines.push(line);
        }
    }
    let report = write_all(ctx, sheet.records, errors, dry_run, |ctx| write(ctx, &file_orders))?;
    if report.ok && !dry_run && report.created + report.updated > 0 {
        ctx.emit(Event::DataChanged { what: "orders".into() });
    }
    Ok(report)
}

/// Checks the line-level values of a row: the product, quantity and price.
fn parse_line(
    ctx: &Ctx<'_>,
    sheet: &Sheet,
    row: &Row,
    errors: &mut Errors,
) -> Result<Option<NewLine>, ApiError> {
    let before = errors.len();
    let mut fail =
        |column: &str, reason: String| errors.add(row.line, sheet.column(column), reason);
    let sku = sheet.get(row, "sku");
    if sku.is_empty() {
        fail(
            "sku",
            "the SKU is empty; every row is one line of an order and names its product".into(),
        );
    } else if found(catalog::resolve(ctx, sku))?.is_none() {
        fail(
            "sku",
            format!(
                "no product has the SKU or barcode `{sku}`; import or create the product first"
            ),
        );
    }
    let qty = match parse_whole(sheet.get(row, "qty"), "qty") {
        Ok(qty) if qty >= 1 => qty,
        Ok(qty) => {
            fail("qty", format!("qty {qty} is too small; an order line needs at least 1"));
            0
        }
        Err(reason) => {
            fail("qty", reason);
            0
        }
    };
    let unit_price_cents = match sheet.get(row, "unit_price") {
        "" => None,
        text => match parse_cents(text) {
            Ok(cents) => Some(cents),
            Err(reason) => {
                fail("unit_price", reason);
                None
            }
        },
    };
    Ok((errors.len() == before).then(|| NewLine { product: sku.to_owned(), qty, unit_price_cents }))
}

/// Reads the order-level columns of an order's first row, reporting each value that is wrong.
fn parse_order(sheet: &Sheet, row: &Row, errors: &mut Errors) -> FileOrder {
    let mut fail =
        |column: &str, reason: String| errors.add(row.line, sheet.column(column), reason);
    let get = |column: &str| sheet.get(row, column).to_owned();
    let mut time = |column: &str| {
        let text = sheet.get(row, column);
        if text.is_empty() {
            return None;
        }
        if orders::normalise_time(text).is_none() {
            fail(
                column,
                format!("`{text}` is not a date; write it like 2026-11-23 or 2026-11-23T14:05:00Z"),
            );
        }
        Some(text.to_owned())
    };
    let placed_at = time("placed_at");
    let ship_by = time("ship_by");
    let payment = match sheet.get(row, "payment_status") {
        "" => None,
        text => {
            let status = PaymentStatus::parse(text);
            if status.is_none() {
                let known: Vec<&str> = PaymentStatus::ALL.iter().map(|s| s.as_str()).collect();
                fail(
                    "payment_status",
                    format!("payment status `{text}` is unknown; use one of {}", known.join(", ")),
                );
            }
            status
        }
    };
    let priority = match sheet.get(row, "priority") {
        "" => 0,
        text => parse_whole(text, "priority").unwrap_or_else(|reason| {
            fail("priority", reason);
            0
        }),
    };
    FileOrder {
        line: row.line,
        order: NewOrder {
            number: get("number"),
            customer: Customer {
                name: get("customer_name"),
                email: get("customer_email"),
                phone: get("customer_phone"),
            },
            ship_to: Address {
                name: get("ship_name"),
                address1: get("ship_address1"),
                address2: get("ship_address2"),
                city: get("ship_city"),
                region: get("ship_region"),
                postal_code: get("ship_postal_code"),
                country: get("ship_country"),
            },
            billing_country: get("billing_country"),
            placed_at,
            ship_by,
            payment_status: payment.unwrap_or(PaymentStatus::Pending),
            priority,
            gift_message: get("gift_message"),
            lines: Vec::new(),
        },
        payment,
    }
}

/// Enters the new orders and brings the payment status of existing ones up to date.
fn write(ctx: &Ctx<'_>, file_orders: &[FileOrder]) -> Result<Counts, WriteFailure> {
    let mut counts = Counts::default();
    for file_order in file_orders {
        let at = || WriteFailure::at(file_order.line);
        let existing = found(orders::order_id(ctx, &file_order.order.number)).map_err(at())?;
        let Some(id) = existing else {
            orders::insert(ctx, &file_order.order).map_err(at())?;
            counts.created += 1;
            continue;
        };
        let Some(payment) = file_order.payment else { continue };
        let changed = ctx
            .tx
            .execute(
                "UPDATE orders SET payment_status = ?2 WHERE id = ?1 AND payment_status <> ?2",
                params![id, payment.as_str()],
            )
            .map_err(|e| at()(e.into()))?;
        if changed > 0 {
            counts.updated += 1;
        }
    }
    Ok(counts)
}

pub(super) fn export(ctx: &Ctx<'_>) -> Result<String, ApiError> {
    let mut out = CsvOut::new(&COLUMNS)?;
    let mut stmt = ctx.tx.prepare(
        "SELECT o.number, o.placed_at, coalesce(o.ship_by, ''), o.customer_name, o.customer_email,
                o.customer_phone, o.ship_name, o.ship_address1, o.ship_address2, o.ship_city,
                o.ship_region, o.ship_postal_code, o.ship_country, o.billing_country,
                o.payment_status, o.priority, p.sku, ol.qty, ol.unit_price_cents, o.gift_message
         FROM orders o
         JOIN order_lines ol ON ol.order_id = o.id
         JOIN products p ON p.id = ol.product_id
         ORDER BY o.id, ol.line_no",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let mut record: Vec<String> = (0..15).map(|i| r.get(i)).collect::<Result<_, _>>()?;
        record.push(r.get::<_, i64>(15)?.to_string());
        record.push(r.get(16)?);
        record.push(r.get::<_, i64>(17)?.to_string());
        record.push(format_cents(r.get(18)?));
        record.push(r.get(19)?);
        out.row(record)?;
    }
    out.finish()
}
