//! Packing slips: an order and the slip settings become [`SlipContent`], the core lays it out
//! ([`backroom_core::slip`]), and [`render`] paints it into a PDF with the embedded font. The
//! commands here give the PDF to the UI (preview, download) or send it to the station's CUPS
//! printer.

pub mod font;
pub(crate) mod render;

use std::collections::HashMap;

use crate::store::OptionalExtension;
use backroom_core::address::{self, PostalAddress};
use backroom_core::slip::{
    self as layout, ExpectedWeight, PackerNotes, PageSize, SlipContent, SlipLine,
};
use base64::Engine;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::admin::settings::{self, SlipSettings, StoreSettings};
use crate::context::Ctx;
use crate::devices::printing::{self, Printed};
use crate::error::ApiError;
use crate::inventory::stock;
use crate::inventory::warehouse::LocationKind;
use crate::orders::{self, Address, Order, OrderLine};

pub use font::Fonts;
pub(crate) use render::page_ops;

/// A slip for one order.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct SlipRequest {
    pub order: String,
    /// The page size; the settings' default when absent.
    #[serde(default)]
    pub size: Option<PageSize>,
    /// Adds bin locations and the expected weight, for the pack station.
    #[serde(default)]
    pub packer_copy: bool,
    /// Slip settings to use instead of the saved ones: the settings screen's live preview.
    #[serde(default)]
    pub preview: Option<SlipSettings>,
}

/// One PDF with the slips of several orders, in the order given (a pick batch's pick order).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct BatchSlipRequest {
    /// The orders, in the order their slips come out.
    #[serde(default)]
    pub orders: Vec<String>,
    /// A pick list instead: its orders in tote order, the order they come off the cart.
    #[serde(default)]
    pub pick_list: Option<i64>,
    #[serde(default)]
    pub size: Option<PageSize>,
    #[serde(default)]
    pub packer_copy: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SlipFile {
    pub filename: String,
    pub pdf_base64: String,
    pub pages: u32,
    /// Characters the font cannot draw, printed as a replacement mark.
    pub missing_glyphs: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct PrintSlip {
    pub order: String,
    /// The CUPS queue; this station's printer when absent.
    #[serde(default)]
    pub printer: Option<String>,
    #[serde(default)]
    pub size: Option<PageSize>,
    #[serde(default)]
    pub packer_copy: bool,
}

/// A rendered PDF and what went into it.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub missing_glyphs: usize,
}

/// What this package holds, when the order has already gone out: the units of its latest
/// shipment by SKU, and when it left (stored time). A reprint then shows what was shipped
/// and on which day rather than an empty package dated today.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shipment {
    pub units: HashMap<String, i64>,
    pub at: String,
}

/// What the slip of `order` says. In this package is what was picked and what is still reserved
/// to pick, or, for an order with nothing left to pick that has shipped, its latest shipment;
/// back-ordered is what waits for stock. An order not yet allocated (a preview) counts every
/// unit not cancelled as in the package. Prices and totals are in the order's currency, or the
/// store's for an order that names none; dates are on the store's clock; the address is in
/// the order of its country ([`backroom_core::address`]).
pub fn content(
    order: &Order,
    settings: &SlipSettings,
    store: &StoreSettings,
    now: &str,
    shipment: Option<&Shipment>,
) -> SlipContent {
    let allocated = order.lines.iter().any(|l| l.reserved + l.picked + l.shipped > 0);
    let number = order.number.trim_start_matches('#');
    let in_package = |l: &OrderLine| match shipment {
        Some(s) => s.units.get(&l.sku).copied().unwrap_or(0),
        None if allocated => l.picked + l.reserved,
        None => l.qty - l.cancelled,
    };
    SlipContent {
        store_name: settings.store_name.trim().to_owned(),
        store_contact: settings
            .contact
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        has_logo: !settings.logo.trim().is_empty(),
        order_number: number.to_owned(),
        barcode: number.to_owned(),
        order_date: store.date_of(&order.placed_at),
        ship_date: store.date_of(shipment.map_or(now, |s| s.at.as_str())),
        ship_to: address::lines(
            &postal_address(&order.ship_to),
            store.country.as_deref().unwrap_or(""),
        ),
        lines: order
            .lines
            .iter()
            .map(|l| SlipLine {
                sku: l.sku.clone(),
                name: l.name.clone(),
                ordered: l.qty,
                in_package: in_package(l),
                back_ordered: l.backordered,
                unit_price_cents: l.unit_price_cents,
                bins: Vec::new(),
            })
            .collect(),
        currency: match order.currency.trim() {
            "" => store.currency.trim().to_owned(),
            currency => currency.to_owned(),
        },
        items_total_cents: order
            .lines
            .iter()
            .map(|l| (l.qty - l.cancelled) * l.unit_price_cents)
            .sum(),
        order_total_cents: Some(order.total_cents).filter(|t| *t > 0),
        gift_message: Some(order.gift_message.trim().to_owned()).filter(|m| !m.is_empty()),
        return_text: settings.return_text(&layout::return_code(number)),
        thank_you: settings.thank_you.trim().to_owned(),
        packer: None,
    }
}

/// The order's ship-to as the address formats take it.
fn postal_address(a: &Address) -> PostalAddress {
    PostalAddress {
        name: a.name.clone(),
        organisation: String::new(),
        street: vec![a.address1.clone(), a.address2.clone()],
        city: a.city.clone(),
        region: a.region.clone(),
        postal_code: a.postal_code.clone(),
        country: a.country.clone(),
    }
}

/// The latest shipment of an order with nothing left in hand or reserved: a reprint after it
/// went out. `None` while units are still to pack, or before anything shipped.
fn last_shipment(
    ctx: &Ctx<'_>,
    order_id: i64,
    order: &Order,
) -> Result<Option<Shipment>, ApiError> {
    let packing = order.lines.iter().any(|l| l.picked + l.reserved > 0);
    if packing || order.lines.iter().all(|l| l.shipped == 0) {
        return Ok(None);
    }
    // Each ship event's movements share its reason (`shipment 2`) and are written together;
    // the latest is the one with the newest movement.
    let mut stmt = ctx.tx.prepare_cached(
        "SELECT p.sku, sum(m.qty), max(m.at) FROM movements m JOIN products p ON p.id = m.product_id
         WHERE m.order_id = ?1 AND m.kind = 'ship'
           AND m.reason = (SELECT reason FROM movements WHERE order_id = ?1 AND kind = 'ship'
                           ORDER BY at DESC, id DESC LIMIT 1)
         GROUP BY p.sku",
    )?;
    let mut shipment = Shipment::default();
    let rows = stmt.query_map([order_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?))
    })?;
    for row in rows {
        let (sku, qty, at) = row?;
        shipment.at = shipment.at.max(at);
        shipment.units.insert(sku, qty);
    }
    Ok(Some(shipment).filter(|s| !s.units.is_empty()))
}

/// Lays out and renders slips into one PDF, replacing characters the font lacks.
pub fn render(
    title: &str,
    slips: &[SlipContent],
    size: PageSize,
    logo: Option<&[u8]>,
) -> Result<Rendered, ApiError> {
    let fonts = Fonts::get();
    let mut missing = 0;
    let layouts: Vec<_> = slips
        .iter()
        .map(|c| layout::layout(&printable(c, fonts, &mut missing), size, fonts))
        .collect();
    let pages = layouts.iter().map(|l| l.pages.len()).sum();
    let pdf = render::pdf(title, &layouts, logo)?;
    Ok(Rendered { pdf, pages, missing_glyphs: missing })
}

fn printable(c: &SlipContent, fonts: &Fonts, missing: &mut usize) -> SlipContent {
    let mut p = |s: &str| fonts.printable(s, missing);
    SlipContent {
        store_name: p(&c.store_name),
        store_contact: c.store_contact.iter().map(|s| p(s)).collect(),
        has_logo: c.has_logo,
        order_number: p(&c.order_number),
        barcode: c.barcode.clone(),
        order_date: p(&c.order_date),
        ship_date: p(&c.ship_date),
        ship_to: c.ship_to.iter().map(|s| p(s)).collect(),
        lines: c
            .lines
            .iter()
            .map(|l| SlipLine {
                sku: p(&l.sku),
                name: p(&l.name),
                bins: l.bins.iter().map(|b| p(b)).collect(),
                ..l.clone()
            })
            .collect(),
        currency: p(&c.currency),
        items_total_cents: c.items_total_cents,
        order_total_cents: c.order_total_cents,
        gift_message: c.gift_message.as_deref().map(&mut p),
        return_text: p(&c.return_text),
        thank_you: p(&c.thank_you),
        packer: c.packer.clone(),
    }
}

/// Reads an order and builds its slip content, with the packer's notes when asked.
fn order_content(
    ctx: &Ctx<'_>,
    number: &str,
    settings: &SlipSettings,
    packer_copy: bool,
) -> Result<SlipContent, ApiError> {
    let id = orders::order_id(ctx, number)?;
    let order = orders::load(ctx, id)?;
    let shipment = last_shipment(ctx, id, &order)?;
    let store = settings::store(ctx)?;
    let mut c = content(&order, settings, &store, &ctx.now_text(), shipment.as_ref());
    if packer_copy {
        let mut weights = Vec::new();
        for line in &mut c.lines {
            let (id, unit): (i64, Option<f64>) = ctx
                .tx
                .query_row(
                    "SELECT id, unit_weight_g FROM products WHERE sku = ?1",
                    [&line.sku],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .ok_or_else(|| ApiError::not_found(format!("there is no product {}", line.sku)))?;
            // Pick bins first (stock_of lists them first), then other places holding stock.
            line.bins = stock::stock_of(ctx, id)?
                .into_iter()
                .filter(|at| at.on_hand > 0)
                .take(4)
                .map(|at| match at.kind {
                    LocationKind::Bin => format!("{} ({})", at.location, at.on_hand),
                    _ => format!("{} ({}, not a pick bin)", at.location, at.on_hand),
                })
                .collect();
            if line.bins.is_empty() {
                line.bins.push("none in stock".into());
            }
            weights.push((line.sku.clone(), unit, line.in_package));
        }
        let expected = ExpectedWeight::sum(weights.iter().map(|(s, u, q)| (s.as_str(), *u, *q)));
        c.packer = Some(PackerNotes { expected_weight: expected });
    }
    Ok(c)
}

fn file_name(stem: &str) -> String {
    let safe: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect();
    format!("slip-{safe}.pdf")
}

fn file(name: String, r: Rendered) -> SlipFile {
    SlipFile {
        filename: name,
        pdf_base64: base64::engine::general_purpose::STANDARD.encode(&r.pdf),
        pages: r.pages as u32,
        missing_glyphs: r.missing_glyphs as u32,
    }
}

/// Renders the slips of `numbers`, in that order, into one PDF.
pub fn render_orders(
    ctx: &Ctx<'_>,
    numbers: &[String],
    size: Option<PageSize>,
    packer_copy: bool,
    preview: Option<SlipSettings>,
) -> Result<(Rendered, PageSize), ApiError> {
    if numbers.is_empty() {
        return Err(ApiError::invalid("name at least one order to make slips for"));
    }
    let settings = match preview {
        Some(s) => s,
        None => settings::load(ctx)?.slip,
    };
    let size = size.unwrap_or(settings.page_size);
    let contents = numbers
        .iter()
        .map(|n| order_content(ctx, n, &settings, packer_copy))
        .collect::<Result<Vec<_>, _>>()?;
    let logo = settings.logo_png()?;
    let title = match numbers {
        [one] => format!("Packing slip {}", one.trim_start_matches('#')),
        many => format!("Packing slips ({} orders)", many.len()),
    };
    Ok((render(&title, &contents, size, logo.as_deref())?, size))
}

pub fn slip_pdf(ctx: &mut Ctx<'_>, req: SlipRequest) -> Result<SlipFile, ApiError> {
    let numbers = [req.order.clone()];
    let (r, _) = render_orders(ctx, &numbers, req.size, req.packer_copy, req.preview)?;
    Ok(file(file_name(req.order.trim_start_matches('#')), r))
}

pub fn slip_batch_pdf(ctx: &mut Ctx<'_>, req: BatchSlipRequest) -> Result<SlipFile, ApiError> {
    let orders = match req.pick_list {
        Some(id) => crate::floor::pick_lists::orders_in_tote_order(ctx, id)?,
        None => req.orders.clone(),
    };
    if orders.is_empty() {
        return Err(ApiError::invalid("name the orders or the pick list to print slips for"));
    }
    let (r, _) = render_orders(ctx, &orders, req.size, req.packer_copy, None)?;
    let stem = match (req.pick_list, orders.as_slice()) {
        (Some(id), _) => format!("pick-list-{id}"),
        (None, [one]) => one.trim_start_matches('#').to_owned(),
        (None, many) => format!("batch-{}-orders", many.len()),
    };
    Ok(file(file_name(&stem), r))
}

pub fn print_slip(ctx: &mut Ctx<'_>, req: PrintSlip) -> Result<Printed, ApiError> {
    let printer = match req.printer.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => p.to_owned(),
        None => printing::station_printer(ctx)?,
    };
    let numbers = [req.order.clone()];
    let (r, size) = render_orders(ctx, &numbers, req.size, req.packer_copy, None)?;
    let title = format!("Packing slip {}", req.order.trim_start_matches('#'));
    let job = printing::print_slip_pdf(ctx, &printer, &r.pdf, &title, size)?;
    Ok(Printed { job_id: job.job_id, printer: job.printer, pages: r.pages as u32 })
}
