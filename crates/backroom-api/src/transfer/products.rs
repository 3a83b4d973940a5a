//! The products file: one row per product, matched by SKU.
//!
//! ```text
//! sku,name,category,unit_weight,barcodes,price,length_mm,width_mm,height_mm,active
//! MUG-1,Mug,Kitchen,350 g,036000291452|BR-000123,12.99,120,90,100,true
//! ```
//!
//! - `sku` and `name` are required; every other column may be left out or left empty.
//! - `unit_weight` carries its unit: `250 g`, `1.2kg`, `9 oz`, `2.5 lb`; a bare number is grams.
//!   Empty means not known yet.
//! - `barcodes` are separated by `|` or `;`. Retail codes (UPC, EAN, GTIN) must have a right
//!   check digit; anything else is an internal code.
//! - `price` is an amount such as `12.99` (stored as cents); empty is 0.
//! - `length_mm`, `width_mm`, `height_mm` are given together or not at all.
//! - `active` is `true`/`false`, `yes`/`no` or `1`/`0`; empty is true.
//!
//! A row is judged exactly as `save_product` judges a product. A SKU in the file that already
//! exists updates that product, its barcodes replaced by the row's. A column left out of the
//! header keeps each existing product's value, so a file of `sku,name,price` changes prices and
//! nothing else; an empty value in a column that is there clears it (or sets its default). A row
//! that leaves the stored product as it was counts as neither created nor updated. The same SKU twice in the file,
//! or a barcode on two rows or already on a product the file does not mention, is an error.

use std::collections::{BTreeMap, HashMap};

use crate::store::json_list;
use backroom_core::barcode::{self, BarcodeError};
use backroom_core::weight::{self, WeightError};

use super::sheet::{CsvOut, Errors, Row, Sheet, cut, format_cents, parse_cents, parse_yes_no};
use super::{Counts, ImportReport, WriteFailure, refused, write_all, write_set};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::events::{Changed, Event};
use crate::inventory::catalog::{self, Dimensions, Product, SaveProduct};

/// The columns, in the order export writes them.
pub const COLUMNS: [&str; 10] = [
    "sku",
    "name",
    "category",
    "unit_weight",
    "barcodes",
    "price",
    "length_mm",
    "width_mm",
    "height_mm",
    "active",
];

const REQUIRED: [&str; 2] = ["sku", "name"];

/// How the report names this format.
const FORMAT: &str = "products";

pub(super) fn import(
    ctx: &mut Ctx<'_>,
    text: &str,
    dry_run: bool,
) -> Result<ImportReport, ApiError> {
    let mut errors = Errors::default();
    let sheet = Sheet::read(text, "products", &COLUMNS, &REQUIRED, &mut errors);
    if !sheet.header_ok {
        return Ok(refused(FORMAT, sheet.records, errors));
    }
    let stored = StoredProducts::read(ctx, sheet.rows.iter().map(|row| sheet.get(row, "sku")))?;
    let mut valid: Vec<(u64, Product)> = Vec::new();
    let mut skus: HashMap<String, u64> = HashMap::new();
    // By code, so problems within one row are reported in a steady order.
    let mut barcodes: BTreeMap<String, (u64, String)> = BTreeMap::new();
    for row in &sheet.rows {
        if !unique_in_file(&sheet, row, &mut skus, &mut barcodes, &mut errors) {
            continue;
        }
        if let Some(product) = parse_row(&stored, &sheet, row, &mut errors) {
            valid.push((row.line, product));
        }
    }
    // A barcode may move between two products of the file, but not away from one the file
    // leaves alone: that product would silently lose it. Every row's barcodes are checked, even
    // on a row with other problems, so one pass over the report finds them all.
    let owners = catalog::barcode_owners(ctx, barcodes.keys().map(String::as_str))?;
    for (code, (line, sku)) in &barcodes {
        if let Some(owner) = owners.get(code).filter(|o| *o != sku && !skus.contains_key(*o)) {
            errors.add(
                *line,
                sheet.column("barcodes"),
                format!(
                    "barcode {code} already belongs to {owner}; remove it there first, or add \
                     {owner} to this file without it"
                ),
            );
        }
    }
    let written =
        write_all(ctx, FORMAT, sheet.records, errors, dry_run, |ctx| write(ctx, &stored, &valid))?;
    let report = written.report;
    if written.kept.is_some() && report.created + report.updated > 0 {
        ctx.emit(Event::DataChanged { what: Changed::Products });
    }
    Ok(report)
}

/// Records the row's SKU and barcodes, and reports any already seen on an earlier row. Returns
/// false when the SKU is a repeat, so the row is not checked further: its other problems would
/// only repeat the first row's.
fn unique_in_file(
    sheet: &Sheet,
    row: &Row,
    skus: &mut HashMap<String, u64>,
    barcodes: &mut BTreeMap<String, (u64, String)>,
    errors: &mut Errors,
) -> bool {
    let sku = sheet.get(row, "sku");
    if !sku.is_empty() {
        if let Some(first) = skus.get(sku) {
            errors.add(
                row.line,
                sheet.column("sku"),
                format!("SKU {} is already on line {first}; give each product one row", cut(sku)),
            );
            return false;
        }
        skus.insert(sku.to_owned(), row.line);
    }
    let mut codes: Vec<&str> = split_barcodes(sheet.get(row, "barcodes")).collect();
    codes.sort_unstable();
    codes.dedup();
    for code in codes {
        match barcodes.get(code) {
            Some((first, other)) => errors.add(
                row.line,
                sheet.column("barcodes"),
                format!(
                    "barcode {} is also on line {first} ({}); one barcode names one product",
                    cut(code),
                    cut(other)
                ),
            ),
            None => {
                barcodes.insert(code.to_owned(), (row.line, sku.to_owned()));
            }
        }
    }
    true
}

/// The error with its code cut for the report, as every value a report quotes is.
fn cut_code(e: BarcodeError) -> BarcodeError {
    match e {
        BarcodeError::Blank(code) => BarcodeError::Blank(cut(&code).into_owned()),
        BarcodeError::Invalid { code, kind, reason } => {
            BarcodeError::Invalid { code: cut(&code).into_owned(), kind, reason }
        }
    }
}

fn split_barcodes(text: &str) -> impl Iterator<Item = &str> {
    text.split(['|', ';']).map(str::trim).filter(|c| !c.is_empty())
}

/// Checks each value of a row in its column, reporting all that are wrong, then has
/// `catalog::validate` judge the product as `save_product` would. Columns the file does not
/// have take the stored product's values.
fn parse_row(
    stored: &StoredProducts,
    sheet: &Sheet,
    row: &Row,
    errors: &mut Errors,
) -> Option<Product> {
    let before = errors.len();
    let mut fail =
        |column: &str, reason: String| errors.add(row.line, sheet.column(column), reason);
    let sku = sheet.get(row, "sku");
    if sku.is_empty() {
        fail("sku", "the SKU is empty; every product needs one".into());
    } else if sku.chars().any(char::is_whitespace) {
        fail("sku", format!("SKU “{}” has spaces; use one word such as MUG-1", cut(sku)));
    }
    let name = sheet.get(row, "name");
    if name.is_empty() {
        let which = if sku.is_empty() {
            "every product".to_owned()
        } else {
            format!("product {}", cut(sku))
        };
        fail("name", format!("{which} needs a name"));
    }
    let unit_weight = sheet.get(row, "unit_weight");
    if !unit_weight.is_empty()
        && let Err(e) = weight::parse_grams(unit_weight)
    {
        fail("unit_weight", WeightError { text: cut(&e.text).into_owned(), ..e }.to_string());
    }
    let mut barcodes = Vec::new();
    for code in split_barcodes(sheet.get(row, "barcodes")) {
        match barcode::classify(code) {
            Ok(_) => barcodes.push(code.to_owned()),
            Err(e) => {
                fail("barcodes", format!("{}; check the digits against the label", cut_code(e)))
            }
        }
    }
    let price_cents = match sheet.get(row, "price") {
        "" => 0,
        text => parse_cents(text).unwrap_or_else(|reason| {
            fail("price", reason);
            0
        }),
    };
    let dimensions_mm = parse_dimensions(sheet, row, &mut fail);
    let active = parse_yes_no(sheet.get(row, "active"), true).unwrap_or_else(|reason| {
        fail("active", reason);
        true
    });
    if errors.len() > before {
        return None;
    }
    let mut req = stored.request(sku);
    req.sku = sku.to_owned();
    req.name = name.to_owned();
    if sheet.has("category") {
        req.category = sheet.get(row, "category").to_owned();
    }
    if sheet.has("unit_weight") {
        req.unit_weight = (!unit_weight.is_empty()).then(|| unit_weight.to_owned());
    }
    if sheet.has("barcodes") {
        req.barcodes = barcodes;
    }
    if sheet.has("price") {
        req.price_cents = price_cents;
    }
    if DIMENSIONS.iter().any(|c| sheet.has(c)) {
        req.dimensions_mm = dimensions_mm;
    }
    if sheet.has("active") {
        req.active = active;
    }
    match catalog::validate(&req) {
        Ok(product) => Some(product),
        Err(e) => {
            errors.add(row.line, None, e.message);
            None
        }
    }
}

/// The stored products an import's SKUs name, read at once rather than a query per row: on
/// PostgreSQL each query is a round trip, and a catalogue is tens of thousands of rows.
pub(super) struct StoredProducts(HashMap<String, Product>);

impl StoredProducts {
    pub(super) fn read<'a>(
        ctx: &Ctx<'_>,
        skus: impl IntoIterator<Item = &'a str>,
    ) -> Result<StoredProducts, ApiError> {
        let list = json_list(skus.into_iter().filter(|sku| !sku.is_empty()));
        let products = catalog::load_many(ctx, Some(&list))?;
        Ok(StoredProducts(products.into_iter().map(|(_, p)| (p.sku.clone(), p)).collect()))
    }

    /// The stored product with this SKU as a request that would save it unchanged; a new
    /// product starts from the same defaults as `save_product`.
    pub(super) fn request(&self, sku: &str) -> SaveProduct {
        let Some(p) = self.0.get(sku) else {
            return SaveProduct { active: true, ..SaveProduct::default() };
        };
        SaveProduct {
            sku: p.sku.clone(),
            name: p.name.clone(),
            category: p.category.clone(),
            // A bare number is grams, which is exactly what is stored.
            unit_weight: p.unit_weight_g.map(|g| g.to_string()),
            dimensions_mm: p.dimensions_mm,
            price_cents: p.price_cents,
            active: p.active,
            barcodes: p.barcodes.iter().map(|b| b.code.clone()).collect(),
        }
    }
}

const DIMENSIONS: [&str; 3] = ["length_mm", "width_mm", "height_mm"];

fn parse_dimensions(
    sheet: &Sheet,
    row: &Row,
    fail: &mut impl FnMut(&str, String),
) -> Option<Dimensions> {
    let texts = DIMENSIONS.map(|column| sheet.get(row, column));
    if texts.iter().all(|t| t.is_empty()) {
        return None;
    }
    let mut values = [0.0; 3];
    let mut ok = true;
    for ((column, text), value) in DIMENSIONS.iter().zip(texts).zip(&mut values) {
        if text.is_empty() {
            fail(
                column,
                "give length_mm, width_mm and height_mm together, or leave all three empty".into(),
            );
            ok = false;
            continue;
        }
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() && v > 0.0 => *value = v,
            _ => {
                fail(
                    column,
                    format!("“{}” is not a size in millimetres; write a number above 0", cut(text)),
                );
                ok = false;
            }
        }
    }
    let [length, width, height] = values;
    ok.then_some(Dimensions { length, width, height })
}

/// Creates the new products and rewrites the changed ones; unchanged ones are left alone.
/// They are written as one set ([`write_set`]).
pub(super) fn write(
    ctx: &Ctx<'_>,
    stored: &StoredProducts,
    valid: &[(u64, Product)],
) -> Result<Counts, WriteFailure> {
    let mut counts = Counts::default();
    let mut changed: Vec<(u64, &Product)> = Vec::new();
    for (line, product) in valid {
        match stored.0.get(&product.sku) {
            Some(before) if same(before, product) => continue,
            Some(_) => counts.updated += 1,
            None => counts.created += 1,
        }
        changed.push((*line, product));
    }
    let Some(&(first, _)) = changed.first() else { return Ok(counts) };
    let products: Vec<&Product> = changed.iter().map(|(_, p)| *p).collect();
    write_set(
        ctx,
        first,
        || catalog::write_many(ctx, &products).map(drop),
        || one_by_one(ctx, &changed),
    )?;
    Ok(counts)
}

/// Writes the products one at a time, to find the row whose write fails.
fn one_by_one(ctx: &Ctx<'_>, changed: &[(u64, &Product)]) -> Result<(), WriteFailure> {
    // Barcodes of every product about to be rewritten are cleared first, so one moving from a
    // later row's product to an earlier row's is free by the time the earlier row is written.
    for (line, product) in changed {
        ctx.tx
            .execute(
                "DELETE FROM barcodes WHERE product_id IN (SELECT id FROM products WHERE sku = ?1)",
                [&product.sku],
            )
            .map_err(|e| WriteFailure::at(*line)(e.into()))?;
    }
    for (line, product) in changed {
        catalog::write(ctx, product).map_err(WriteFailure::at(*line))?;
    }
    Ok(())
}

/// Whether a stored product already is what the row says, barcodes in any order.
fn same(stored: &Product, row: &Product) -> bool {
    let codes = |p: &Product| {
        let mut codes: Vec<_> = p.barcodes.iter().map(|b| (b.code.clone(), b.kind)).collect();
        codes.sort_by(|a, b| a.0.cmp(&b.0));
        codes
    };
    let bare = |p: &Product| Product { barcodes: Vec::new(), ..p.clone() };
    bare(stored) == bare(row) && codes(stored) == codes(row)
}

pub(super) fn export(ctx: &Ctx<'_>) -> Result<String, ApiError> {
    let mut out = CsvOut::new(&COLUMNS)?;
    for (_, p) in catalog::load_many(ctx, None)? {
        // Grams with no unit conversion, written in Rust's shortest form that reads back to the
        // same number, so a re-import leaves the weight exactly as it was.
        let weight = p.unit_weight_g.map(|g| format!("{g} g")).unwrap_or_default();
        let barcodes: Vec<&str> = p.barcodes.iter().map(|b| b.code.as_str()).collect();
        let dims = p
            .dimensions_mm
            .map(|d| [d.length, d.width, d.height].map(|v| v.to_string()))
            .unwrap_or_default();
        let [length, width, height] = dims;
        out.row([
            p.sku,
            p.name,
            p.category,
            weight,
            barcodes.join("|"),
            format_cents(p.price_cents),
            length,
            width,
            height,
            p.active.to_string(),
        ])?;
    }
    out.finish()
}
