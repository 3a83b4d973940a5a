//! The stock file: opening stock and receipts.
//!
//! ```text
//! sku,location,qty,reason
//! MUG-1,A03-1-12-L,24,opening stock
//! MUG-1,RECEIVING,6,
//! ```
//!
//! Each row is a `receipt` movement of `qty` units of `sku` (a SKU or any barcode of the
//! product) into `location`, a bin code such as `A03-1-12-L` or an area code such as
//! `RECEIVING`, recorded in the ledger like any other receipt. `reason` is optional and defaults
//! to `import`. A row whose product or location is unknown, or whose quantity is not a whole
//! number of at least 1, is an error.
//!
//! Receipts add to what is there, so importing the same file twice receives the goods twice:
//! import a stock file once. To correct stock afterwards, count the bin. The stock export has
//! `on_hand` rather than `qty`, so it is refused here instead of doubling every bin.
//!
//! The export is a report, one row per product and location that holds or reserves stock:
//!
//! ```text
//! sku,name,location,kind,on_hand,reserved,available
//! ```

use std::collections::BTreeSet;

use backroom_core::ledger::MovementKind;

use super::sheet::{CsvOut, Errors, Sheet, cut, parse_whole};
use super::{Counts, ImportReport, WriteFailure, refused, write_all, write_set};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::events::Event;
use crate::inventory::stock;
use crate::table::movements::{self, MovementRow};
use crate::{inventory::catalog, inventory::warehouse};
use backroom_core::limits;

/// The columns of an import.
pub const COLUMNS: [&str; 4] = ["sku", "location", "qty", "reason"];

const REQUIRED: [&str; 3] = ["sku", "location", "qty"];

/// How the report names this format.
const FORMAT: &str = "stock";

/// The columns of an export.
pub const EXPORT_COLUMNS: [&str; 7] =
    ["sku", "name", "location", "kind", "on_hand", "reserved", "available"];

pub(super) fn import(
    ctx: &mut Ctx<'_>,
    text: &str,
    dry_run: bool,
) -> Result<ImportReport, ApiError> {
    let mut errors = Errors::default();
    let sheet = Sheet::read(text, "stock", &COLUMNS, &REQUIRED, &mut errors);
    if !sheet.header_ok {
        return Ok(refused(FORMAT, sheet.records, errors));
    }
    // Every row's product and location are found in one query each, not a query per row.
    let products = catalog::resolve_many(ctx, sheet.rows.iter().map(|r| sheet.get(r, "sku")))?;
    let locations =
        warehouse::location_ids(ctx, sheet.rows.iter().map(|r| sheet.get(r, "location")))?;
    let mut receipts: Vec<Receipt> = Vec::new();
    for row in &sheet.rows {
        let before = errors.len();
        let mut fail = |column: &str, reason: String| {
            errors.add(row.line, sheet.column(column), reason);
        };
        let sku = sheet.get(row, "sku");
        let product = products.get(sku);
        if sku.is_empty() {
            fail("sku", "the SKU is empty; name the product of every row".into());
        } else if product.is_none() {
            fail(
                "sku",
                format!(
                    "no product has the SKU or barcode “{}”; import or create the product first",
                    cut(sku)
                ),
            );
        }
        let location = sheet.get(row, "location");
        let location_id = locations.get(location);
        if location.is_empty() {
            fail(
                "location",
                "the location is empty; give a bin code such as A03-1-12-L or an area such as \
                 RECEIVING"
                    .into(),
            );
        } else if location_id.is_none() {
            fail(
                "location",
                format!(
                    "there is no location “{}”; use a bin of the layout such as A03-1-12-L or an \
                     area set up in the warehouse such as RECEIVING",
                    cut(location)
                ),
            );
        }
        let qty = match parse_whole(sheet.get(row, "qty"), "qty") {
            Ok(qty) if qty >= 1 => limits::QTY.check("qty", qty).unwrap_or_else(|e| {
                fail("qty", e.to_string());
                0
            }),
            Ok(qty) => {
                fail(
                    "qty",
                    format!("qty {qty} receives nothing; give at least 1, or leave the row out"),
                );
                0
            }
            Err(reason) => {
                fail("qty", reason);
                0
            }
        };
        let (Some((product_id, sku)), Some(&location_id)) = (product, location_id) else {
            continue;
        };
        if errors.len() > before {
            continue;
        }
        let reason = match sheet.get(row, "reason") {
            "" => "import",
            reason => reason,
        };
        receipts.push(Receipt {
            line: row.line,
            product_id: *product_id,
            sku,
            location_id,
            qty,
            reason,
        });
    }
    let written = write_all(ctx, FORMAT, sheet.records, errors, dry_run, |ctx| {
        receive(ctx, &receipts)?;
        Ok(Counts { created: receipts.len() as u32, ..Counts::default() })
    })?;
    let report = written.report;
    if written.kept.is_some() && !receipts.is_empty() {
        let skus: BTreeSet<String> = receipts.iter().map(|r| r.sku.clone()).collect();
        ctx.emit(Event::StockChanged { skus: skus.into_iter().collect() });
    }
    Ok(report)
}

/// A row of the file to receive, its product and location found.
struct Receipt<'a> {
    line: u64,
    product_id: i64,
    /// The product's SKU, so the event names it the same way whether the row gave its SKU or
    /// one of its barcodes.
    sku: &'a String,
    location_id: i64,
    qty: i64,
    reason: &'a str,
}

impl Receipt<'_> {
    fn movement(&self) -> MovementRow<'_> {
        MovementRow {
            kind: MovementKind::Receipt,
            product_id: self.product_id,
            qty: self.qty,
            from_location_id: None,
            to_location_id: Some(self.location_id),
            reason: self.reason,
            order_id: None,
        }
    }
}

/// Records the receipts in the ledger as one set ([`write_set`]).
fn receive(ctx: &Ctx<'_>, receipts: &[Receipt<'_>]) -> Result<(), WriteFailure> {
    let Some(first) = receipts.first().map(|r| r.line) else { return Ok(()) };
    let rows: Vec<MovementRow<'_>> = receipts.iter().map(Receipt::movement).collect();
    write_set(
        ctx,
        first,
        || movements::insert_many(ctx, &rows).map(drop),
        || {
            for receipt in receipts {
                stock::record_row(ctx, &receipt.movement())
                    .map_err(WriteFailure::at(receipt.line))?;
            }
            Ok(())
        },
    )
}

pub(super) fn export(ctx: &Ctx<'_>) -> Result<String, ApiError> {
    let mut out = CsvOut::new(&EXPORT_COLUMNS)?;
    let mut stmt = ctx.tx.prepare(
        "WITH reserved AS (
             SELECT product_id, location_id, sum(qty) AS qty FROM reservations
             GROUP BY product_id, location_id),
         pairs AS (
             SELECT product_id, location_id FROM stock WHERE on_hand <> 0
             UNION SELECT product_id, location_id FROM reserved)
         SELECT p.sku, p.name, l.code, l.kind, coalesce(s.on_hand, 0), coalesce(r.qty, 0)
         FROM pairs
         JOIN products p ON p.id = pairs.product_id
         JOIN locations l ON l.id = pairs.location_id
         LEFT JOIN stock s ON s.product_id = pairs.product_id AND s.location_id = pairs.location_id
         LEFT JOIN reserved r ON r.product_id = pairs.product_id AND r.location_id = pairs.location_id
         ORDER BY p.sku, l.kind <> 'bin', l.code",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, i64>(5)?,
        ))
    })?;
    for row in rows {
        let (sku, name, location, kind, on_hand, reserved) = row?;
        // The same rule as everywhere else: only stock in pick bins can be promised.
        let available = if kind == "bin" { (on_hand - reserved).max(0) } else { 0 };
        out.row([
            sku,
            name,
            location,
            kind,
            on_hand.to_string(),
            reserved.to_string(),
            available.to_string(),
        ])?;
    }
    out.finish()
}
