//! Bin, product and badge labels: what a label says comes from the layout, the catalogue or
//! the operators; the core places the labels on the stock and lays each one out
//! ([`backroom_core::labels`]); [`render`] paints the PDF. Each label's bars carry exactly what
//! the floor scans: a bin's code (the Pick screen's bin check), a product's barcode or SKU
//! (`lookup_product`), an operator's badge (`sign_in`).

mod render;

use crate::store::{OptionalExtension, params};
use backroom_core::labels::{self as layout, Label, Stock};
use backroom_core::people::Role;
use base64::Engine;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::context::Ctx;
use crate::devices::printing;
use crate::devices::printing::Printed;
use crate::devices::slip::font::Fonts;
use crate::error::{ApiError, ErrorCode};
use crate::inventory::catalog;

/// The most labels one request makes: a 3,000-bin warehouse fits, a runaway count does not.
pub const MAX_LABELS: usize = 5000;
/// The most labels of one product at a time.
pub const MAX_PER_PRODUCT: u32 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum LabelKind {
    Bins,
    Products,
    Badges,
}

/// Labels of one kind on one stock. Bins: every bin, one aisle, or a range of codes, in code
/// order. Products: a count of each. Badges: the named operators, or every operator with a
/// badge.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct LabelRequest {
    pub kind: LabelKind,
    pub stock: Stock,
    /// Where the first label goes on a partly used sheet: 1 is the top left.
    #[serde(default)]
    pub start: Option<u32>,
    /// Bins of one aisle: `A03` or `3`.
    #[serde(default)]
    pub aisle: Option<String>,
    /// Bins from this code...
    #[serde(default)]
    pub from: Option<String>,
    /// ...to this one, both included.
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub products: Vec<ProductLabels>,
    /// Operator ids.
    #[serde(default)]
    pub operators: Vec<i64>,
    /// For printing: the CUPS queue, this station's printer when absent.
    #[serde(default)]
    pub printer: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ProductLabels {
    /// A SKU or any barcode of the product.
    pub product: String,
    pub count: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct LabelFile {
    pub filename: String,
    pub pdf_base64: String,
    pub pages: u32,
    pub labels: u32,
}

/// A rendered sheet of labels.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub labels: usize,
    pub title: String,
    pub stem: String,
}

pub fn labels_pdf(ctx: &mut Ctx<'_>, req: LabelRequest) -> Result<LabelFile, ApiError> {
    let r = render_request(ctx, &req)?;
    Ok(LabelFile {
        filename: format!("{}.pdf", r.stem),
        pdf_base64: base64::engine::general_purpose::STANDARD.encode(&r.pdf),
        pages: r.pages as u32,
        labels: r.labels as u32,
    })
}

pub fn print_labels(ctx: &mut Ctx<'_>, req: LabelRequest) -> Result<Printed, ApiError> {
    // Rendered first, so a refusal (a badge for the floor, an unknown bin) comes before any
    // question about the printer.
    let r = render_request(ctx, &req)?;
    let printer = match req.printer.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => p.to_owned(),
        None => printing::station_printer(ctx)?,
    };
    // A station's own printer at its computer gets the labels through its program.
    let job = printing::print_labels_at(ctx, &printer, &r.pdf, &r.title, req.stock)?;
    Ok(Printed { job_id: job.job_id, printer: job.printer, pages: r.pages as u32 })
}

/// Reads what the labels say, places them and paints the PDF.
pub fn render_request(ctx: &Ctx<'_>, req: &LabelRequest) -> Result<Rendered, ApiError> {
    let (labels, title, stem) = match req.kind {
        LabelKind::Bins => bins(ctx, req)?,
        LabelKind::Products => products(ctx, &req.products)?,
        LabelKind::Badges => badges(ctx, &req.operators)?,
    };
    if labels.is_empty() {
        return Err(ApiError::not_found("nothing matches; there are no labels to print"));
    }
    if labels.len() > MAX_LABELS {
        return Err(ApiError::invalid(format!(
            "that is {} labels; print at most {MAX_LABELS} at a time",
            labels.len()
        )));
    }
    let pdf = render(&title, req.stock, req.start.unwrap_or(1), &labels)?;
    let pages = pdf.1;
    Ok(Rendered { pdf: pdf.0, pages, labels: labels.len(), title, stem })
}

/// Places and paints labels; returns the PDF and its page count.
pub fn render(
    title: &str,
    stock: Stock,
    start: u32,
    labels: &[Label],
) -> Result<(Vec<u8>, usize), ApiError> {
    let fonts = Fonts::get();
    let slots = layout::place(stock, labels.len(), start).map_err(label_error)?;
    let mut pages = vec![Vec::new(); layout::pages(&slots)];
    for (label, slot) in labels.iter().zip(&slots) {
        let mut missing = 0;
        let printable = Label {
            code: label.code.clone(),
            title: fonts.printable(&label.title, &mut missing),
            detail: fonts.printable(&label.detail, &mut missing),
        };
        pages[slot.page].extend(layout::layout(&printable, slot, fonts).map_err(label_error)?);
    }
    Ok((render::pdf(title, &stock.sheet(), &pages), pages.len()))
}

fn label_error(e: layout::LabelError) -> ApiError {
    ApiError::invalid(e.to_string())
}

/// Bin labels: the bin code in bars and large text, its place in words under it.
fn bins(ctx: &Ctx<'_>, req: &LabelRequest) -> Result<(Vec<Label>, String, String), ApiError> {
    let aisle = req.aisle.as_deref().map(str::trim).filter(|a| !a.is_empty());
    let aisle = aisle.map(parse_aisle).transpose()?;
    let from = req.from.as_deref().map(str::trim).filter(|c| !c.is_empty());
    let to = req.to.as_deref().map(str::trim).filter(|c| !c.is_empty());
    let from_key = from.map(|c| bin_key(ctx, c)).transpose()?;
    let to_key = to.map(|c| bin_key(ctx, c)).transpose()?;
    let mut stmt = ctx.tx.prepare(
        "SELECT code, aisle, block, slot, side FROM locations
         WHERE kind = 'bin' AND active = 1 AND (CAST(?1 AS BIGINT) IS NULL OR aisle = ?1)
         ORDER BY aisle, block, slot, side",
    )?;
    let rows = stmt.query_map(params![aisle], |r| {
        Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
    })?;
    let mut labels = Vec::new();
    for row in rows {
        let (code, key): (String, BinKey) = row?;
        if from_key.as_ref().is_some_and(|f| &key < f) || to_key.as_ref().is_some_and(|t| &key > t)
        {
            continue;
        }
        let (aisle, block, slot, side) = &key;
        let side = if side == "L" { "left" } else { "right" };
        let detail = format!("Aisle {aisle} · block {block} · slot {slot} · {side}");
        labels.push(Label { title: code.clone(), code, detail });
    }
    let what = match (aisle, from, to) {
        (Some(a), _, _) if from.is_none() && to.is_none() => format!("aisle-A{a:02}"),
        (_, None, None) => "all".to_owned(),
        (_, f, t) => format!("{}-to-{}", f.unwrap_or("first"), t.unwrap_or("last")),
    };
    Ok((labels, format!("Bin labels ({what})"), safe_stem(&format!("bin-labels-{what}"))))
}

/// A bin's place in code order: aisle, block, slot, side.
type BinKey = (i64, i64, i64, String);

fn bin_key(ctx: &Ctx<'_>, code: &str) -> Result<BinKey, ApiError> {
    ctx.tx
        .query_row(
            "SELECT aisle, block, slot, side FROM locations WHERE kind = 'bin' AND code = ?1",
            [code.to_ascii_uppercase()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?
        .ok_or_else(|| ApiError::not_found(format!("there is no bin {code}; check the code")))
}

/// `A03`, `a3` or `3` is aisle 3.
fn parse_aisle(text: &str) -> Result<i64, ApiError> {
    let digits = text.strip_prefix(['A', 'a']).unwrap_or(text);
    digits
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=999).contains(n))
        .ok_or_else(|| ApiError::invalid(format!("“{text}” is not an aisle; write it as A03 or 3")))
}

/// Product labels: the product's first barcode in bars (its SKU when it has none), the SKU in
/// large text and the name under it.
fn products(
    ctx: &Ctx<'_>,
    items: &[ProductLabels],
) -> Result<(Vec<Label>, String, String), ApiError> {
    if items.is_empty() {
        return Err(ApiError::invalid("choose the products to print labels for"));
    }
    let mut labels = Vec::new();
    for item in items {
        if item.count == 0 || item.count > MAX_PER_PRODUCT {
            return Err(ApiError::invalid(format!(
                "print 1 to {MAX_PER_PRODUCT} labels of {}, not {}",
                item.product, item.count
            )));
        }
        let product = catalog::load(ctx, catalog::resolve(ctx, &item.product)?)?;
        let code = product
            .barcodes
            .iter()
            .map(|b| b.code.trim())
            .find(|c| backroom_core::code128::values(c).is_ok())
            .unwrap_or(&product.sku)
            .to_owned();
        let label = Label { code, title: product.sku.clone(), detail: product.name.clone() };
        labels.extend(std::iter::repeat_n(label, item.count as usize));
        if labels.len() > MAX_LABELS {
            break;
        }
    }
    let stem = match items {
        [one] => format!("product-labels-{}", one.product),
        many => format!("product-labels-{}-products", many.len()),
    };
    Ok((labels, "Product labels".to_owned(), safe_stem(&stem)))
}

/// Badges: the operator's badge in bars, the name in large text and the role under it. The
/// badge itself is not printed in words: it is a credential, and typing it signs in.
fn badges(ctx: &Ctx<'_>, ids: &[i64]) -> Result<(Vec<Label>, String, String), ApiError> {
    if ctx.actor()?.role != Role::Manager {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "badges sign people in, so only a manager prints them",
        ));
    }
    let mut stmt = ctx.tx.prepare(
        "SELECT id, name, role, badge FROM operators
         WHERE active = 1 AND badge IS NOT NULL AND badge <> '' ORDER BY name, id",
    )?;
    let all: Vec<(i64, String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    let chosen: Vec<_> = if ids.is_empty() {
        all.iter().collect()
    } else {
        ids.iter()
            .map(|id| {
                all.iter().find(|o| o.0 == *id).ok_or_else(|| {
                    ApiError::not_found(format!(
                        "operator {id} has no badge or is not active; give them a badge first"
                    ))
                })
            })
            .collect::<Result<_, _>>()?
    };
    let labels = chosen
        .into_iter()
        .map(|(_, name, role, badge)| {
            let role = Role::parse(role).map_or(role.as_str(), |r| r.as_str());
            let mut role = role.to_owned();
            if let Some(first) = role.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            Label { code: badge.clone(), title: name.clone(), detail: role }
        })
        .collect();
    Ok((labels, "Badges".to_owned(), "badges".to_owned()))
}

fn safe_stem(stem: &str) -> String {
    stem.chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect()
}
