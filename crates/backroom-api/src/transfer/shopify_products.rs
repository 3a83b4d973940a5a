//! Shopify's products export, as the admin's Products > Export writes it: one row per variant,
//! and rows that carry only more images of the product before.
//!
//! ```text
//! Handle,Title,Body (HTML),Vendor,Type,...,Option1 Name,Option1 Value,...,Variant SKU,Variant Grams,...,Variant Price,...,Variant Barcode,Image Src,...,Status
//! mug,Blue Mug,<p>...</p>,Acme,Kitchen,...,Size,Small,...,MUG-S,340.0,...,12.99,...,'5012345678900,https://...,...,active
//! mug,,,,,...,,Large,...,MUG-L,420.0,...,14.99,...,,https://...,...,
//! mug,,,,,...,,,...,,,...,,...,,https://...(a third image),...,
//! ```
//!
//! The file is recognised by its header (`Handle` with `Variant SKU` or `Variant Price`); the
//! exports in use have 48 to 79 columns, matched by name, the ones below read and the rest
//! (descriptions, SEO, per-market prices, custom fields) ignored. Every variant becomes one
//! Backroom product:
//!
//! - The name is `Title` with the variant's option values: `Blue Mug - Large`, or
//!   `Shoe - 40 / Red` for two options, which is how Shopify names the line items of its order
//!   exports, so an order line without an SKU finds its product by name. A product with only
//!   Shopify's `Default Title` variant is named by its title alone. The title, type and status
//!   come from the product's first row; a later row of the same `Handle` with an option value,
//!   an SKU or a price is another variant, and one with none of them only adds an image.
//! - The SKU is `Variant SKU`, with any spaces taken out (Backroom's SKUs are one word; an order
//!   line naming the SKU with its spaces still finds it). A variant without one gets an SKU made
//!   from the handle and its option values (`mug-large`), the same on every import, and the
//!   report counts them. Variants that share an SKU are not merged into one product: none of
//!   them keeps the shared SKU, each gets one made from its handle and options, and the report
//!   names the SKU and its lines.
//! - The weight is `Variant Grams`, or `Variant Weight` in `Variant Weight Unit` when the file
//!   has no grams. Shopify writes 0 for a weight never entered, so 0 is read as not known.
//! - The barcode is `Variant Barcode`, without the `'` a spreadsheet puts in front to keep
//!   leading zeros. A barcode whose check digit is wrong, or that another variant of the file or
//!   another product already has, is left off with a note, the product imported without it.
//! - The price is `Variant Price`; the category is `Type` (or `Product Category`); the product
//!   is active when `Status` is active (or, without that column, `Published` is true).
//! - The picture is the variant's own `Variant Image`, else the product's first `Image Src`.
//!   Only its address is kept by the import; the pictures are fetched afterwards, outside the
//!   import (`images.rs`), so an address that fails never fails the import.
//!
//! Weights, prices and quantities outside Backroom's limits are errors on their line and
//! column, and as with every import a file with any error imports nothing.

use std::collections::{HashMap, HashSet};

use backroom_core::barcode;
use backroom_core::limits;
use backroom_core::weight;

use super::sheet::{self, Errors, Row, Sheet, cut, parse_cents, parse_yes_no};
use super::{ImportReport, MAX_NOTES, products, refused, write_all};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::events::{Changed, Event};
use crate::inventory::catalog;

const HANDLE: &str = "Handle";
const TITLE: &str = "Title";
const TYPE: &str = "Type";
const PRODUCT_CATEGORY: &str = "Product Category";
const OPTION_VALUES: [&str; 3] = ["Option1 Value", "Option2 Value", "Option3 Value"];
const SKU: &str = "Variant SKU";
const GRAMS: &str = "Variant Grams";
const WEIGHT: &str = "Variant Weight";
const WEIGHT_UNIT: &str = "Variant Weight Unit";
const PRICE: &str = "Variant Price";
const BARCODE: &str = "Variant Barcode";
const STATUS: &str = "Status";
const PUBLISHED: &str = "Published";
const IMAGE_SRC: &str = "Image Src";
const VARIANT_IMAGE: &str = "Variant Image";

/// The columns read, as Shopify names them.
pub const COLUMNS: [&str; 17] = [
    HANDLE,
    TITLE,
    TYPE,
    PRODUCT_CATEGORY,
    OPTION_VALUES[0],
    OPTION_VALUES[1],
    OPTION_VALUES[2],
    SKU,
    GRAMS,
    WEIGHT,
    WEIGHT_UNIT,
    PRICE,
    BARCODE,
    STATUS,
    PUBLISHED,
    IMAGE_SRC,
    VARIANT_IMAGE,
];

const REQUIRED: [&str; 2] = [HANDLE, TITLE];

/// How the report names this format.
const FORMAT: &str = "shopify products";

/// Whether `text` is a Shopify products export, judged by its header.
pub(super) fn is_export(text: &str) -> bool {
    let names = sheet::header_names(text);
    let has = |column: &str| names.contains(&sheet::normalise(column));
    has(HANDLE) && (has(SKU) || has(PRICE))
}

/// What a product's first row says for all its variants.
struct Parent {
    title: String,
    category: String,
    active: bool,
    /// The product's first `Image Src`, the picture of variants without their own.
    image: Option<String>,
}

/// One variant as read, before its SKU is settled.
struct Variant {
    line: u64,
    handle: String,
    options: Vec<String>,
    /// `Variant SKU` as written.
    written_sku: String,
    name: String,
    category: String,
    active: bool,
    weight_g: Option<f64>,
    /// The file gives 0, which Shopify writes for a weight never entered.
    zero_weight: bool,
    price_cents: i64,
    barcode: Option<String>,
    /// `Variant Image` as written; empty when the variant has none of its own.
    own_image: String,
}

pub(super) fn import(
    ctx: &mut Ctx<'_>,
    text: &str,
    dry_run: bool,
) -> Result<ImportReport, ApiError> {
    let mut errors = Errors::default();
    let sheet = Sheet::read(text, "Shopify products", &COLUMNS, &REQUIRED, &mut errors);
    if !sheet.header_ok {
        return Ok(refused(FORMAT, sheet.records, errors));
    }
    let mut parents: HashMap<String, Parent> = HashMap::new();
    let mut variants = Vec::new();
    let mut zero_weights = 0u32;
    let mut notes = Vec::new();
    for row in &sheet.rows {
        let handle = sheet.get(row, HANDLE);
        if handle.is_empty() {
            errors.add(
                row.line,
                sheet.column(HANDLE),
                "the handle is empty; every row of a Shopify products export names its product's \
                 handle, such as blue-mug",
            );
            continue;
        }
        if !parents.contains_key(handle) {
            let title = sheet.get(row, TITLE);
            if title.is_empty() {
                errors.add(
                    row.line,
                    sheet.column(TITLE),
                    format!(
                        "the first row of product “{}” has no title; Shopify writes the title on \
                         a product's first row",
                        cut(handle)
                    ),
                );
                continue;
            }
            parents.insert(handle.to_owned(), parse_parent(&sheet, row, &mut errors));
        }
        if let Some(parent) = parents.get_mut(handle)
            && parent.image.is_none()
            && let Some(image) = picture_address(sheet.get(row, IMAGE_SRC))
        {
            parent.image = Some(image);
        }
        let options: Vec<String> = OPTION_VALUES
            .iter()
            .map(|c| sheet.get(row, c))
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect();
        let is_variant = !options.is_empty()
            || !sheet.get(row, SKU).is_empty()
            || !sheet.get(row, PRICE).is_empty();
        if !is_variant {
            // A row with only an image.
            continue;
        }
        let parent = &parents[handle];
        if let Some(variant) =
            parse_variant(&sheet, row, handle, options, parent, &mut notes, &mut errors)
        {
            zero_weights += u32::from(variant.zero_weight);
            variants.push(variant);
        }
    }
    let skus = settle_skus(&variants, &mut notes);
    let mut valid = Vec::new();
    let mut barcodes: HashMap<String, u64> = HashMap::new();
    let file_skus: HashSet<&str> = skus.iter().map(String::as_str).collect();
    let stored = products::StoredProducts::read(ctx, skus.iter().map(String::as_str))?;
    let codes = variants.iter().filter_map(|v| v.barcode.as_deref());
    let owners = catalog::barcode_owners(ctx, codes)?;
    let mut pictures = Vec::new();
    for (variant, sku) in variants.iter().zip(&skus) {
        let picture = picture_address(&variant.own_image)
            .or_else(|| parents.get(&variant.handle).and_then(|p| p.image.clone()));
        if let Some(picture) = picture {
            pictures.push((sku.clone(), picture));
        }
        let mut codes = Vec::new();
        if let Some(code) = &variant.barcode {
            if let Some(first) = barcodes.get(code) {
                notes.push(format!(
                    "line {}: barcode {} is also on line {first}; left off {sku}, one barcode \
                     names one product",
                    variant.line,
                    cut(code)
                ));
            } else if let Some(owner) =
                owners.get(code).filter(|o| *o != sku && !file_skus.contains(o.as_str()))
            {
                notes.push(format!(
                    "line {}: barcode {} already belongs to {owner}; left off {sku}",
                    variant.line,
                    cut(code)
                ));
            } else {
                barcodes.insert(code.clone(), variant.line);
                codes.push(code.clone());
            }
        }
        let mut req = stored.request(sku);
        req.sku = sku.clone();
        req.name = variant.name.clone();
        req.category = variant.category.clone();
        req.unit_weight = variant.weight_g.map(|g| g.to_string());
        req.price_cents = variant.price_cents;
        req.active = variant.active;
        req.barcodes = codes;
        match catalog::validate(&req) {
            Ok(product) => valid.push((variant.line, product)),
            Err(e) => errors.add(variant.line, None, e.message),
        }
    }
    let derived = skus.iter().zip(&variants).filter(|(s, v)| **s != strip(&v.written_sku)).count();
    let mut summary = vec![format!(
        "{} variants read as products, {derived} of them with an SKU made from the handle and \
         options",
        variants.len()
    )];
    if zero_weights > 0 {
        summary.push(format!(
            "{zero_weights} variants have a weight of 0 in the file, read as not known: weigh \
             them before their orders are weight-audited"
        ));
    }
    let written = write_all(ctx, FORMAT, sheet.records, errors, dry_run, |ctx| {
        let mut counts = products::write(ctx, &stored, &valid)?;
        // Only the addresses: the pictures are fetched after the import, never inside it.
        let waiting = crate::inventory::images::record_sources(ctx, &pictures)
            .map_err(super::WriteFailure::at(0))?;
        if waiting > 0 {
            counts.notes.push(format!(
                "{waiting} product pictures to fetch; they appear on the pick and pack screens \
                 once fetched"
            ));
        }
        Ok(counts)
    })?;
    let mut report = written.report;
    if report.ok {
        let listed = report.notes.len();
        summary.extend(notes);
        summary.append(&mut report.notes);
        if summary.len() > MAX_NOTES + listed {
            let more = summary.len() - MAX_NOTES;
            summary.truncate(MAX_NOTES);
            summary.push(format!("... and {more} more like these"));
        }
        report.notes = summary;
    }
    if written.kept.is_some() && report.created + report.updated > 0 {
        ctx.emit(Event::DataChanged { what: Changed::Products });
    }
    Ok(report)
}

fn parse_parent(sheet: &Sheet, row: &Row, errors: &mut Errors) -> Parent {
    let category = match sheet.get(row, TYPE) {
        "" => sheet.get(row, PRODUCT_CATEGORY),
        kind => kind,
    };
    let active = match sheet.get(row, STATUS).to_ascii_lowercase().as_str() {
        "" => parse_yes_no(sheet.get(row, PUBLISHED), true).unwrap_or_else(|reason| {
            errors.add(row.line, sheet.column(PUBLISHED), reason);
            true
        }),
        "active" => true,
        _ => false,
    };
    Parent {
        title: sheet.get(row, TITLE).to_owned(),
        category: category.to_owned(),
        active,
        image: None,
    }
}

/// A picture's address as the export writes it, or none for an empty cell.
fn picture_address(cell: &str) -> Option<String> {
    let cell = cell.trim();
    (!cell.is_empty() && cell.len() <= 2000).then(|| cell.to_owned())
}

/// Reads a variant row's values, each error on its column; `None` when any is wrong.
fn parse_variant(
    sheet: &Sheet,
    row: &Row,
    handle: &str,
    options: Vec<String>,
    parent: &Parent,
    notes: &mut Vec<String>,
    errors: &mut Errors,
) -> Option<Variant> {
    let before = errors.len();
    let mut fail =
        |column: &str, reason: String| errors.add(row.line, sheet.column(column), reason);
    let name = if options.is_empty() || options == ["Default Title"] {
        parent.title.clone()
    } else {
        format!("{} - {}", parent.title, options.join(" / "))
    };
    let weight_g = match (sheet.get(row, GRAMS), sheet.get(row, WEIGHT)) {
        ("", "") => None,
        ("", weight) => {
            let text = format!("{weight} {}", sheet.get(row, WEIGHT_UNIT));
            match weight::parse_grams(&text) {
                Ok(g) => Some(g),
                Err(e) => {
                    fail(
                        WEIGHT,
                        format!(
                            "“{}” is not a weight ({}); write a number, with the unit (g, kg, \
                             oz, lb) in Variant Weight Unit",
                            cut(&text),
                            e.reason
                        ),
                    );
                    None
                }
            }
        }
        (grams, _) => match grams.parse::<f64>() {
            Ok(g) if g.is_finite() && g >= 0.0 => Some(g),
            _ => {
                fail(
                    GRAMS,
                    format!(
                        "“{}” is not a weight in grams; write a number such as 340",
                        cut(grams)
                    ),
                );
                None
            }
        },
    };
    let zero_weight = weight_g == Some(0.0);
    let weight_g = match weight_g {
        Some(0.0) => None,
        Some(g) => match limits::WEIGHT_G.check_f64("the weight", g) {
            Ok(g) => Some(g),
            Err(e) => {
                let column = if sheet.get(row, GRAMS).is_empty() { WEIGHT } else { GRAMS };
                fail(column, format!("{e}; check the unit"));
                None
            }
        },
        None => None,
    };
    let price_cents = match sheet.get(row, PRICE) {
        "" => 0,
        text => match parse_cents(text) {
            Ok(cents) => limits::PRICE_CENTS.check("the price", cents).unwrap_or_else(|e| {
                fail(PRICE, e.to_string());
                0
            }),
            Err(reason) => {
                fail(PRICE, reason);
                0
            }
        },
    };
    let barcode = match sheet.get(row, BARCODE).trim_start_matches('\'').trim() {
        "" => None,
        code => match barcode::classify(code) {
            Ok(_) => Some(code.to_owned()),
            Err(e) => {
                // Not refused: the product imports without it, and the note says why.
                notes.push(format!(
                    "line {}: {}; the variant is imported without it (fix it in Shopify and \
                     export again)",
                    row.line,
                    e.to_string().replace(code, &cut(code))
                ));
                None
            }
        },
    };
    if errors.len() > before {
        return None;
    }
    Some(Variant {
        line: row.line,
        handle: handle.to_owned(),
        options,
        written_sku: sheet.get(row, SKU).to_owned(),
        name,
        category: parent.category.clone(),
        active: parent.active,
        weight_g,
        zero_weight,
        price_cents,
        barcode,
        own_image: sheet.get(row, VARIANT_IMAGE).to_owned(),
    })
}

/// An SKU without its spaces, which Backroom's SKUs cannot hold.
pub(super) fn strip(sku: &str) -> String {
    sku.split_whitespace().collect()
}

/// The SKU each variant is imported under: its own, without spaces, when no other variant of
/// the file has it; otherwise one made from its handle and options. Notes say which were made.
fn settle_skus(variants: &[Variant], notes: &mut Vec<String>) -> Vec<String> {
    let mut by_sku: HashMap<String, Vec<u64>> = HashMap::new();
    for v in variants {
        let sku = strip(&v.written_sku);
        if !sku.is_empty() {
            by_sku.entry(sku).or_default().push(v.line);
        }
    }
    let shared: HashSet<&String> =
        by_sku.iter().filter(|(_, lines)| lines.len() > 1).map(|(sku, _)| sku).collect();
    let mut taken: HashSet<String> =
        by_sku.iter().filter(|(_, lines)| lines.len() == 1).map(|(sku, _)| sku.clone()).collect();
    let (mut missing, mut sharing) = (0, 0);
    let mut skus = Vec::with_capacity(variants.len());
    for v in variants {
        let own = strip(&v.written_sku);
        if !own.is_empty() && !shared.contains(&own) {
            if own != v.written_sku {
                notes.push(format!(
                    "line {}: SKU “{}” has spaces, which Backroom's SKUs cannot; imported as {own}",
                    v.line,
                    cut(&v.written_sku)
                ));
            }
            skus.push(own);
            continue;
        }
        let mut sku = derived_sku(&v.handle, &v.options);
        let base = sku.clone();
        let mut n = 2;
        while taken.contains(&sku) {
            sku = format!("{base}-{n}");
            n += 1;
        }
        taken.insert(sku.clone());
        if own.is_empty() {
            missing += 1;
        } else {
            sharing += 1;
        }
        skus.push(sku);
    }
    let mut shared_list: Vec<(&String, &Vec<u64>)> =
        by_sku.iter().filter(|(_, lines)| lines.len() > 1).collect();
    shared_list.sort_by_key(|(_, lines)| lines[0]);
    let mut front = Vec::new();
    if missing > 0 {
        front.push(format!(
            "{missing} variants have no SKU; each was given one made from its handle and \
             options (such as {}), the same on every import",
            skus.iter()
                .zip(variants)
                .find(|(_, v)| v.written_sku.trim().is_empty())
                .map_or("", |(s, _)| s.as_str())
        ));
    }
    if sharing > 0 {
        front.push(format!(
            "{sharing} variants share {} SKUs with other variants; they are not merged: each \
             was given an SKU made from its handle and options, and order lines find them by \
             name",
            shared_list.len()
        ));
    }
    for (sku, lines) in shared_list {
        let shown: Vec<String> = lines.iter().take(5).map(u64::to_string).collect();
        let more = if lines.len() > 5 { ", …" } else { "" };
        front.push(format!(
            "SKU {} is on {} variants (lines {}{more}); none keeps it",
            cut(sku),
            lines.len(),
            shown.join(", ")
        ));
    }
    front.append(notes);
    *notes = front;
    skus
}

/// An SKU from a handle and option values: `mug` and `Large / Blue` make `mug-large-blue`.
fn derived_sku(handle: &str, options: &[String]) -> String {
    let mut parts = vec![handle.to_owned()];
    if options != ["Default Title"] {
        parts.extend(options.iter().cloned());
    }
    let text = parts.join("-").to_lowercase();
    let mut sku = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() || c == '.' || c == '_' {
            sku.push(c);
        } else if !sku.ends_with('-') {
            sku.push('-');
        }
    }
    sku.trim_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_skus_are_one_word_from_handle_and_options() {
        assert_eq!(
            derived_sku("blue-mug", &["Large".into(), "Blue Sky".into()]),
            "blue-mug-large-blue-sky"
        );
        assert_eq!(derived_sku("floor-lamp", &["Default Title".into()]), "floor-lamp");
        assert_eq!(derived_sku("shoe", &["40 / Rouge".into()]), "shoe-40-rouge");
        assert!(is_export("Handle,Title,Variant SKU\n"));
        assert!(!is_export("sku,name\n"));
    }
}
