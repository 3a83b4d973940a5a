//! What every shop's order export shares once its rows are read: Shopify's ([`super::shopify`]),
//! WooCommerce's ([`super::woocommerce`]) and any other by a column mapping
//! ([`super::column_map`]) each turn their rows into orders and [`ShopItem`]s; from there the
//! intake is one.
//!
//! - An item is matched to a product by SKU (with or without spaces) or barcode, else by its
//!   exact name or a name a manager mapped before ([`Catalog`]).
//! - The same product twice in one order becomes one line with the sum.
//! - Lines Backroom does not pick are kept on the order as the shop wrote them: lines that need
//!   no shipping, lines the shop has sent, lines of an order it cancelled, and lines naming no
//!   known product, which hold the order ("product not known") until a manager maps them. One
//!   unknown product never stops the rest of the file.
//! - A line the shop has sent keeps the product it names, so planning counts it as demand on
//!   the day it was ordered: a store that imports its history has reorder points on day one.
//! - An order with nothing left to pick here comes in shipped, for the record.

use std::collections::HashMap;

use crate::store::OptionalExtension;
use backroom_core::limits;
use backroom_core::order::OrderStatus;

use super::orders::{FileOrder, Intake, ShopLine, ShopLineKind};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::orders::NewLine;

/// How much of a line the shop has sent already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sent {
    Nothing,
    /// At least one unit; the export does not say how many.
    Partly,
    All,
}

/// One line of a shop's order, its values read and checked.
#[derive(Debug)]
pub(super) struct ShopItem {
    pub name: String,
    pub sku: String,
    pub qty: i64,
    pub unit_price_cents: Option<i64>,
    /// False for tips, gift cards and gift wrap.
    pub ships: bool,
    pub sent: Sent,
}

impl ShopItem {
    /// The line as the shop wrote it, kept on the order unpicked.
    fn kept(&self, kind: ShopLineKind, qty: i64, product: Option<i64>) -> ShopLine {
        ShopLine {
            kind,
            name: self.name.clone(),
            sku: self.sku.clone(),
            qty,
            unit_price_cents: self.unit_price_cents.unwrap_or(0),
            product,
        }
    }
}

/// The orders of a shop's export as its rows are read.
#[derive(Default)]
pub(super) struct ShopOrders {
    intake: Intake,
    catalog: Catalog,
    /// The line of an order (by index) that already has a product, for summing repeats.
    lines_of: HashMap<(usize, i64), usize>,
}

impl ShopOrders {
    /// The order with this number, if an earlier row began it.
    pub fn find(&self, number: &str) -> Option<usize> {
        self.intake.find(number)
    }

    /// Adds an order the file has not had before, returning its index.
    pub fn begin(&mut self, order: FileOrder) -> usize {
        self.intake.begin(order)
    }

    /// The line of the file an order begins on.
    pub fn line_of(&self, index: usize) -> u64 {
        self.intake.orders[index].line
    }

    /// Adds an item to the order at `index`: a line to pick, or a line kept as the shop wrote
    /// it. Returns what to tell the person when the item makes its product's line larger than
    /// an order line may be.
    pub fn add(
        &mut self,
        ctx: &Ctx<'_>,
        index: usize,
        item: ShopItem,
    ) -> Result<Option<String>, ApiError> {
        let product =
            if item.ships { self.catalog.find(ctx, &item.sku, &item.name)? } else { None };
        let id = product.as_ref().map(|(id, _)| *id);
        let order = &mut self.intake.orders[index];
        let kind = if !item.ships {
            Some(ShopLineKind::NoShipping)
        } else {
            match &order.closed {
                Some((OrderStatus::Cancelled, _)) => Some(ShopLineKind::Cancelled),
                Some(_) => Some(ShopLineKind::Fulfilled),
                None if item.sent == Sent::All => Some(ShopLineKind::Fulfilled),
                None => None,
            }
        };
        if let Some(kind) = kind {
            order.shop_lines.push(item.kept(kind, item.qty, id));
            return Ok(None);
        }
        let mut qty = item.qty;
        if item.sent == Sent::Partly && qty > 1 {
            // At least one unit has gone; the rest are picked (exact for the usual 2).
            order.shop_lines.push(item.kept(ShopLineKind::Fulfilled, 1, id));
            qty -= 1;
        }
        let Some((product, sku)) = product else {
            order.shop_lines.push(item.kept(ShopLineKind::Unknown, qty, None));
            return Ok(None);
        };
        if let Some(&at) = self.lines_of.get(&(index, product)) {
            let line = &mut order.order.lines[at];
            line.qty += qty;
            return Ok(limits::QTY
                .check("the quantity of the product's lines", line.qty)
                .err()
                .map(|e| format!("{e}; split the order")));
        }
        self.lines_of.insert((index, product), order.order.lines.len());
        order.products.push(product);
        order.order.lines.push(NewLine {
            product: sku,
            qty,
            unit_price_cents: item.unit_price_cents,
        });
        Ok(None)
    }

    /// The orders, each with nothing left to pick here closed as shipped.
    pub fn finish(self) -> Vec<FileOrder> {
        let mut orders = self.intake.orders;
        for order in &mut orders {
            if order.closed.is_none() && order.order.lines.is_empty() && !order.has_unknown() {
                order.closed = Some((
                    OrderStatus::Shipped,
                    "nothing to pick here: its lines are sent by the shop or need no shipping"
                        .into(),
                ));
            }
        }
        orders
    }
}

/// Products as order lines name them, each looked up once: by SKU or barcode, by the SKU
/// without its spaces, by a name a manager mapped, or by exact product name.
#[derive(Default)]
struct Catalog {
    by_code: HashMap<String, Option<(i64, String)>>,
    /// Product names that name exactly one product, loaded on the first line without a match.
    by_name: Option<HashMap<String, Option<(i64, String)>>>,
}

impl Catalog {
    fn find(
        &mut self,
        ctx: &Ctx<'_>,
        sku: &str,
        name: &str,
    ) -> Result<Option<(i64, String)>, ApiError> {
        if !sku.is_empty() {
            if let Some(found) = self.by_code.get(sku) {
                if found.is_some() {
                    return Ok(found.clone());
                }
            } else {
                let found = lookup_code(ctx, sku)?;
                self.by_code.insert(sku.to_owned(), found.clone());
                if found.is_some() {
                    return Ok(found);
                }
            }
        }
        if name.is_empty() {
            return Ok(None);
        }
        if self.by_name.is_none() {
            self.by_name = Some(load_names(ctx)?);
        }
        let names = self.by_name.as_ref().expect("loaded above");
        Ok(names.get(name).cloned().flatten())
    }
}

/// The product an order line's code names: by SKU, barcode, the SKU without spaces (as a
/// Shopify products import stores it) or an alias a manager mapped.
fn lookup_code(ctx: &Ctx<'_>, code: &str) -> Result<Option<(i64, String)>, ApiError> {
    let stripped = super::shopify_products::strip(code);
    let mut stmt = ctx.tx.prepare_cached(
        "SELECT id, sku FROM products WHERE sku = ?1
         UNION ALL SELECT p.id, p.sku FROM barcodes b JOIN products p ON p.id = b.product_id
             WHERE b.code = ?1
         UNION ALL SELECT id, sku FROM products WHERE sku = ?2
         UNION ALL SELECT p.id, p.sku FROM product_aliases a JOIN products p ON p.id = a.product_id
             WHERE a.alias = ?1
         LIMIT 1",
    )?;
    Ok(stmt.query_row([code, &stripped], |r| Ok((r.get(0)?, r.get(1)?))).optional()?)
}

/// Every product name that names one product, and the names managers mapped; a name two
/// products share matches neither (`None`), so a line never goes to a guess.
fn load_names(ctx: &Ctx<'_>) -> Result<HashMap<String, Option<(i64, String)>>, ApiError> {
    let mut names: HashMap<String, Option<(i64, String)>> = HashMap::new();
    let mut stmt = ctx.tx.prepare("SELECT id, sku, name FROM products")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (id, sku, name): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        names.entry(name).and_modify(|found| *found = None).or_insert(Some((id, sku)));
    }
    drop(rows);
    let mut stmt = ctx.tx.prepare(
        "SELECT a.alias, p.id, p.sku FROM product_aliases a JOIN products p ON p.id = a.product_id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        names.insert(r.get(0)?, Some((r.get(1)?, r.get(2)?)));
    }
    Ok(names)
}
