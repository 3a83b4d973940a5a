//! Products and their barcodes, and finding them by SKU, name or scan.

use std::collections::HashMap;

use crate::store::{Engine, OptionalExtension, Row, ToSql, json_list, params};
use backroom_core::barcode::{self, BarcodeKind};
use backroom_core::limits;
use backroom_core::weight;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::context::Ctx;
use crate::error::ApiError;
use crate::events::{Changed, Event};
use crate::inventory::stock::{self, StockAt, StockTotals};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Product {
    pub sku: String,
    pub name: String,
    pub category: String,
    /// Weight of one unit in grams; `None` means the product cannot be weight-audited yet.
    pub unit_weight_g: Option<f64>,
    pub dimensions_mm: Option<Dimensions>,
    /// Price of one unit, in cents.
    pub price_cents: i64,
    pub active: bool,
    pub barcodes: Vec<Barcode>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct Dimensions {
    pub length: f64,
    pub width: f64,
    pub height: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Barcode {
    pub code: String,
    pub kind: BarcodeKind,
}

/// A product to create, or the new values of the product with this SKU.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct SaveProduct {
    pub sku: String,
    pub name: String,
    #[serde(default)]
    pub category: String,
    /// Unit weight as written, with a unit: `250 g`, `1.2 kg`, `9 oz`, `2.5 lb`. A bare
    /// number is grams. Absent or empty: unknown.
    #[serde(default)]
    pub unit_weight: Option<String>,
    #[serde(default)]
    pub dimensions_mm: Option<Dimensions>,
    #[serde(default)]
    pub price_cents: i64,
    #[serde(default = "yes")]
    pub active: bool,
    /// The product's barcodes; the kind of each is read from its digits.
    #[serde(default)]
    pub barcodes: Vec<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct ProductQuery {
    /// Matches a SKU or name containing it, or a barcode exactly. Empty: every product.
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub include_inactive: bool,
    #[serde(default)]
    pub limit: Option<u32>,
    #[serde(default)]
    pub offset: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ProductRow {
    pub sku: String,
    pub name: String,
    pub category: String,
    pub unit_weight_g: Option<f64>,
    pub active: bool,
    pub stock: StockTotals,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ProductPage {
    pub rows: Vec<ProductRow>,
    /// How many products match in all (the page holds at most `limit`).
    pub total: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Lookup {
    /// A SKU or any barcode of the product, as typed or scanned.
    pub code: String,
}

/// A product with its stock in every location that holds or reserves any.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ProductStock {
    pub product: Product,
    pub totals: StockTotals,
    pub locations: Vec<StockAt>,
}

pub fn save_product(ctx: &mut Ctx<'_>, req: SaveProduct) -> Result<Product, ApiError> {
    let product = validate(&req)?;
    write(ctx, &product)?;
    ctx.emit(Event::DataChanged { what: Changed::Products });
    Ok(product)
}

/// Checks a product as entered and turns it into the stored form. Imports use this too, so a
/// product is judged the same way whichever door it comes in by.
pub fn validate(req: &SaveProduct) -> Result<Product, ApiError> {
    let sku = req.sku.trim();
    if sku.is_empty() || sku.chars().any(char::is_whitespace) {
        return Err(ApiError::invalid(format!(
            "SKU “{}” must be non-empty and without spaces",
            req.sku
        )));
    }
    let name = req.name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid(format!("product {sku} needs a name")));
    }
    let unit_weight_g = match req.unit_weight.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => {
            Some(weight::parse_grams(text).map_err(|e| ApiError::invalid(e.to_string()))?)
        }
    };
    if let Some(d) = req.dimensions_mm
        && ![d.length, d.width, d.height].iter().all(|v| v.is_finite() && *v > 0.0)
    {
        return Err(ApiError::invalid(format!("dimensions of {sku} must all be more than 0 mm")));
    }
    if let Some(d) = req.dimensions_mm {
        for (field, value) in [("length", d.length), ("width", d.width), ("height", d.height)] {
            limits::LENGTH_MM.check_f64(&format!("the {field} of {sku}"), value)?;
        }
    }
    if let Some(grams) = unit_weight_g {
        limits::WEIGHT_G.check_f64(&format!("the unit weight of {sku}"), grams)?;
    }
    limits::PRICE_CENTS.check(&format!("the price of {sku}"), req.price_cents)?;
    let mut barcodes = Vec::new();
    for code in req.barcodes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        let kind = barcode::classify(code).map_err(|e| ApiError::invalid(e.to_string()))?;
        if !barcodes.iter().any(|b: &Barcode| b.code == code) {
            barcodes.push(Barcode { code: code.to_owned(), kind });
        }
    }
    Ok(Product {
        sku: sku.to_owned(),
        name: name.to_owned(),
        category: req.category.trim().to_owned(),
        unit_weight_g,
        dimensions_mm: req.dimensions_mm,
        price_cents: req.price_cents,
        active: req.active,
        barcodes,
    })
}

/// Stores a validated product, replacing its barcodes. A barcode that already names another
/// product is a conflict: one scan must mean one product.
pub fn write(ctx: &Ctx<'_>, p: &Product) -> Result<i64, ApiError> {
    let ids = write_many(ctx, &[p])?;
    ids.get(&p.sku).copied().ok_or_else(|| ApiError::storage("a product stored has no id"))
}

/// The row id of a SKU.
pub fn product_id(ctx: &Ctx<'_>, sku: &str) -> Result<i64, ApiError> {
    ctx.query_row("SELECT id FROM products WHERE sku = ?1", [sku], |r| r.get(0))
        .optional()?
        .ok_or_else(|| ApiError::not_found(format!("there is no product with SKU “{sku}”")))
}

/// The row id of the product a SKU or barcode names.
pub fn resolve(ctx: &Ctx<'_>, code: &str) -> Result<i64, ApiError> {
    let code = code.trim();
    resolve_many(ctx, [code])?.remove(code).map(|(id, _)| id).ok_or_else(|| {
        ApiError::not_found(format!(
            "no product has the SKU or barcode “{code}”; check the label or add the barcode to the product"
        ))
    })
}

/// The products `codes` name, by the code as given: the product's id and SKU. A code is a SKU
/// or a barcode, a SKU naming its product before a barcode that reads the same. Codes that name
/// none are left out. One query however many codes: an import resolves thousands.
pub fn resolve_many<'a>(
    ctx: &Ctx<'_>,
    codes: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, (i64, String)>, ApiError> {
    let codes: Vec<&str> = codes.into_iter().collect();
    let mut stmt = ctx.tx.prepare_cached(
        "SELECT b.code, p.id, p.sku, 1 FROM barcodes b JOIN products p ON p.id = b.product_id
         WHERE b.code IN (SELECT value FROM json_each(?1))
         UNION ALL
         SELECT sku, id, sku, 0 FROM products WHERE sku IN (SELECT value FROM json_each(?1))",
    )?;
    let trimmed = json_list(codes.iter().map(|code| code.trim()));
    let mut by_code: HashMap<String, (i64, String, bool)> = HashMap::new();
    let mut rows = stmt.query([&trimmed])?;
    while let Some(r) = rows.next()? {
        let (code, id, sku, by_barcode): (String, i64, String, bool) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        // A SKU names its product before a barcode that reads the same.
        if by_code.get(&code).is_none_or(|found| found.2) {
            by_code.insert(code, (id, sku, by_barcode));
        }
    }
    Ok(codes
        .into_iter()
        .filter_map(|code| {
            let (id, sku, _) = by_code.get(code.trim())?;
            Some((code.to_owned(), (*id, sku.clone())))
        })
        .collect())
}

const PRODUCT_COLUMNS: &str =
    "id, sku, name, category, unit_weight_g, length_mm, width_mm, height_mm, price_cents, active";

fn product_row(row: &Row<'_>) -> crate::store::Result<(i64, Product)> {
    let dims: (Option<f64>, Option<f64>, Option<f64>) = (row.get(5)?, row.get(6)?, row.get(7)?);
    let dimensions_mm = match dims {
        (Some(length), Some(width), Some(height)) => Some(Dimensions { length, width, height }),
        _ => None,
    };
    Ok((
        row.get(0)?,
        Product {
            sku: row.get(1)?,
            name: row.get(2)?,
            category: row.get(3)?,
            unit_weight_g: row.get(4)?,
            dimensions_mm,
            price_cents: row.get(8)?,
            active: row.get(9)?,
            barcodes: Vec::new(),
        },
    ))
}

/// Reads one product with its barcodes.
pub fn load(ctx: &Ctx<'_>, id: i64) -> Result<Product, ApiError> {
    let (_, mut product) = ctx.query_row(
        &format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = ?1"),
        [id],
        product_row,
    )?;
    let mut stmt =
        ctx.tx.prepare("SELECT code, kind FROM barcodes WHERE product_id = ?1 ORDER BY code")?;
    product.barcodes = stmt
        .query_map([id], |r| {
            let kind: String = r.get(1)?;
            Ok(Barcode {
                code: r.get(0)?,
                kind: BarcodeKind::parse(&kind).unwrap_or(BarcodeKind::Internal),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(product)
}

/// Products with their barcodes in SKU order, read in two queries however many there are: those
/// whose SKU is in the JSON list `skus`, or every product when it is `None`. An import or an
/// export reads a whole catalogue this way rather than a product at a time, which on
/// PostgreSQL would be two round trips per product.
pub fn load_many(ctx: &Ctx<'_>, skus: Option<&str>) -> Result<Vec<(i64, Product)>, ApiError> {
    let (filter, params): (&str, &[&dyn ToSql]) = match &skus {
        Some(list) => ("WHERE p.sku IN (SELECT value FROM json_each(?1))", &[list as &dyn ToSql]),
        None => ("", &[]),
    };
    let mut products: Vec<(i64, Product)> = ctx
        .tx
        .prepare(&format!("SELECT {PRODUCT_COLUMNS} FROM products p {filter} ORDER BY p.sku"))?
        .query_map(params, product_row)?
        .collect::<Result<_, _>>()?;
    let at: HashMap<i64, usize> =
        products.iter().enumerate().map(|(i, (id, _))| (*id, i)).collect();
    let mut stmt = ctx.tx.prepare(&format!(
        "SELECT b.product_id, b.code, b.kind FROM barcodes b JOIN products p ON p.id = b.product_id
         {filter} ORDER BY b.code"
    ))?;
    let mut rows = stmt.query(params)?;
    while let Some(r) = rows.next()? {
        let Some(&i) = at.get(&r.get::<_, i64>(0)?) else { continue };
        let kind: String = r.get(2)?;
        let kind = BarcodeKind::parse(&kind).unwrap_or(BarcodeKind::Internal);
        products[i].1.barcodes.push(Barcode { code: r.get(1)?, kind });
    }
    Ok(products)
}

/// Stores validated products, each created or rewritten whole with its barcodes replaced, and
/// gives their ids by SKU. A few statements for the whole set, however many products: an import
/// writes a catalogue of tens of thousands. A barcode that already names a product outside the
/// set is a conflict.
pub fn write_many(ctx: &Ctx<'_>, products: &[&Product]) -> Result<HashMap<String, i64>, ApiError> {
    let skus = json_list(products.iter().map(|p| p.sku.as_str()));
    ctx.execute(
        "DELETE FROM barcodes WHERE product_id IN
           (SELECT id FROM products WHERE sku IN (SELECT value FROM json_each(?1)))",
        [&skus],
    )?;
    let dims: Vec<[Option<f64>; 3]> = products
        .iter()
        .map(|p| match p.dimensions_mm {
            Some(d) => [Some(d.length), Some(d.width), Some(d.height)],
            None => [None; 3],
        })
        .collect();
    let values: Vec<&dyn ToSql> = products
        .iter()
        .zip(&dims)
        .flat_map(|(p, [l, w, h])| {
            [
                &p.sku as &dyn ToSql,
                &p.name,
                &p.category,
                &p.unit_weight_g,
                l,
                w,
                h,
                &p.price_cents,
                &p.active,
            ]
        })
        .collect();
    ctx.tx.upsert_rows(
        "products (sku, name, category, unit_weight_g, length_mm, width_mm, height_mm,
                       price_cents, active)",
        9,
        &values,
        "ON CONFLICT (sku) DO UPDATE SET name = excluded.name, category = excluded.category,
                unit_weight_g = excluded.unit_weight_g, length_mm = excluded.length_mm,
                width_mm = excluded.width_mm, height_mm = excluded.height_mm,
                price_cents = excluded.price_cents, active = excluded.active",
    )?;
    let ids: HashMap<String, i64> = ctx
        .tx
        .prepare("SELECT sku, id FROM products WHERE sku IN (SELECT value FROM json_each(?1))")?
        .query_map([&skus], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let codes = products.iter().flat_map(|p| p.barcodes.iter().map(|b| b.code.as_str()));
    let owners = barcode_owners(ctx, codes)?;
    let mut barcodes: Vec<(&str, i64, &str)> = Vec::new();
    for p in products {
        let id = *ids.get(&p.sku).ok_or_else(|| ApiError::storage("a product stored has no id"))?;
        for b in &p.barcodes {
            if let Some(owner) = owners.get(&b.code) {
                return Err(ApiError::conflict(format!(
                    "barcode {} already belongs to {owner}; remove it there first",
                    b.code
                )));
            }
            barcodes.push((&b.code, id, b.kind.as_str()));
        }
    }
    let values: Vec<&dyn ToSql> =
        barcodes.iter().flat_map(|(code, id, kind)| [code as &dyn ToSql, id, kind]).collect();
    ctx.tx.insert_rows("barcodes (code, product_id, kind)", 3, &values)?;
    Ok(ids)
}

/// The SKU of the product each of `codes` names, for those a product has.
pub fn barcode_owners<'a>(
    ctx: &Ctx<'_>,
    codes: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, String>, ApiError> {
    let mut stmt = ctx.tx.prepare(
        "SELECT b.code, p.sku FROM barcodes b JOIN products p ON p.id = b.product_id
         WHERE b.code IN (SELECT value FROM json_each(?1))",
    )?;
    let owners = stmt.query_map([json_list(codes)], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(owners.collect::<Result<_, _>>()?)
}

pub fn lookup_product(ctx: &mut Ctx<'_>, req: Lookup) -> Result<ProductStock, ApiError> {
    let id = resolve(ctx, &req.code)?;
    let product = load(ctx, id)?;
    let locations = stock::stock_of(ctx, id)?;
    let totals = StockTotals::sum(&locations);
    Ok(ProductStock { product, totals, locations })
}

pub fn search_products(ctx: &mut Ctx<'_>, q: ProductQuery) -> Result<ProductPage, ApiError> {
    let text = q.text.trim();
    limits::check_text("the search text", text, limits::SEARCH_CHARS)?;
    let (filter, pattern) = search_filter(ctx.tx.engine(), text);
    let limit = q.limit.unwrap_or(50).min(1000);
    let offset = q.offset.unwrap_or(0);
    let include_inactive = i64::from(q.include_inactive);
    // The products found are gathered once (`hits`) and both counted and paged from there:
    // a common piece of an SKU can name thousands. Exact SKU or barcode hits come first, so a
    // scan lands on its product at the top. Only the page's products have their stock summed.
    let mut stmt = ctx.tx.prepare_cached(&format!(
        "WITH hits AS MATERIALIZED (
            SELECT p.id, p.sku,
                   (p.sku = ?1 OR p.id IN (SELECT product_id FROM barcodes WHERE code = ?1)) AS exact
            FROM products p
            WHERE {filter}),
         page AS (SELECT id, sku, exact FROM hits ORDER BY exact DESC, sku LIMIT ?4 OFFSET ?5)
         SELECT p.sku, p.name, p.category, p.unit_weight_g, p.active,
                coalesce((SELECT sum(st.on_hand) FROM stock st WHERE st.product_id = p.id), 0),
                coalesce((SELECT sum(st.on_hand) FROM stock st
                          JOIN locations l ON l.id = st.location_id AND l.kind = 'bin'
                          WHERE st.product_id = p.id), 0),
                coalesce((SELECT sum(qty) FROM reservations WHERE product_id = p.id), 0),
                (SELECT count(*) FROM hits)
         FROM page JOIN products p ON p.id = page.id
         ORDER BY page.exact DESC, page.sku"
    ))?;
    let mut total = 0;
    let rows: Vec<ProductRow> = stmt
        .query_map(params![text, pattern, include_inactive, limit, offset], |r| {
            total = r.get(8)?;
            let on_hand: i64 = r.get(5)?;
            let in_bins: i64 = r.get(6)?;
            let reserved: i64 = r.get(7)?;
            Ok(ProductRow {
                sku: r.get(0)?,
                name: r.get(1)?,
                category: r.get(2)?,
                unit_weight_g: r.get(3)?,
                active: r.get(4)?,
                stock: StockTotals::new(on_hand, in_bins, reserved),
            })
        })?
        .collect::<Result<_, _>>()?;
    if rows.is_empty() && (offset > 0 || limit == 0) {
        // A page past the end, or of no rows, still says how many there are.
        total = ctx
            .tx
            .prepare_cached(&format!("SELECT count(*) FROM products p WHERE {filter}"))?
            .query_row(params![text, pattern, include_inactive], |r| r.get(0))?;
    }
    Ok(ProductPage { rows, total })
}

/// The condition a searched product meets, and what it binds as `?2`. On SQLite, from three
/// characters on, the text is looked up in the trigram index (`product_search`) as one quoted
/// phrase: found anywhere in the SKU or name, in any case, without reading every product.
/// Shorter text has no trigram, so it reads the products as `LIKE` does. On PostgreSQL the
/// `LIKE` itself is served by trigram indexes on the lowered SKU and name (`pg_trgm`). Either
/// way an exact barcode finds its product.
fn search_filter(engine: Engine, text: &str) -> (String, String) {
    const BY_INDEX: &str =
        "p.id IN (SELECT rowid FROM product_search WHERE product_search MATCH ?2)";
    const BY_READING: &str = "?1 = '' OR lower(p.sku) LIKE lower(?2) ESCAPE '\\'
         OR lower(p.name) LIKE lower(?2) ESCAPE '\\'";
    // The index's query language ends at a control character (a NUL cuts the phrase short), so
    // text holding one is read the plain way.
    let by_index = engine == Engine::Sqlite && text.chars().count() >= 3;
    let (matched, pattern) = if by_index && !text.chars().any(char::is_control) {
        // Inside quotes the index reads no operators: `OR`, `*` and `NEAR(` are only text.
        (BY_INDEX, format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        (BY_READING, format!("%{escaped}%"))
    };
    // PostgreSQL combines the trigram indexes with the barcode's product only when that
    // product is a value (an array) rather than a subquery; otherwise it reads every product.
    let by_barcode = match engine {
        Engine::Sqlite => "p.id IN (SELECT product_id FROM barcodes WHERE code = ?1)",
        Engine::Postgres => "p.id = ANY (ARRAY(SELECT product_id FROM barcodes WHERE code = ?1))",
    };
    let filter = format!("({matched} OR {by_barcode}) AND (?3 = 1 OR p.active = 1)");
    (filter, pattern)
}
