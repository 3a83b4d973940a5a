//! Lines of a shop's order that named no product Backroom knew: a manager maps one to a
//! product, every held order with the same line gets it as a line to pick, the name is
//! remembered for the next import, and an order with nothing left unknown is screened again,
//! so its "product not known" hold clears. Lines of the same name the shop had already sent
//! get the product too, so planning counts them as its demand.

use crate::store::params;
use backroom_core::limits;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::orders::PRODUCT_NOT_KNOWN;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::events::{Changed, Event};
use crate::inventory::catalog;
use crate::orders;
use crate::table::order_lines;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct MapUnknownLine {
    /// An order holding the line, such as `#1005`.
    pub number: String,
    /// The line as the shop wrote it: its name (`Tote Bag - Large`), or its SKU when it has no
    /// name.
    pub name: String,
    /// The product it is: an SKU or barcode.
    pub product: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LineMapped {
    /// The product's SKU.
    pub sku: String,
    /// Lines mapped, on every held or new order that had this line.
    pub lines: u32,
    /// Orders those lines are on.
    pub orders: u32,
    /// Orders that had nothing else unknown, whose hold for it was cleared.
    pub cleared: u32,
}

/// Maps a line that named no known product to a product, on this order and on every other
/// order still waiting with the same line, and remembers the name for later imports.
pub fn map_unknown_line(ctx: &mut Ctx<'_>, req: MapUnknownLine) -> Result<LineMapped, ApiError> {
    let id = orders::order_id(ctx, &req.number)?;
    let name = req.name.trim();
    let product = catalog::resolve(ctx, &req.product)?;
    let sku: String =
        ctx.query_row("SELECT sku FROM products WHERE id = ?1", [product], |r| r.get(0))?;
    let on_this_order: bool = ctx.query_row(
        "SELECT count(*) > 0 FROM order_shop_lines WHERE order_id = ?1 AND kind = 'unknown'
           AND (name = ?2 OR (name = '' AND sku = ?2))",
        params![id, name],
        |r| r.get(0),
    )?;
    if !on_this_order {
        let known: Vec<String> = ctx
            .tx
            .prepare(
                "SELECT CASE name WHEN '' THEN sku ELSE name END FROM order_shop_lines
                 WHERE order_id = ?1 AND kind = 'unknown' ORDER BY line_no",
            )?
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        return Err(ApiError::not_found(if known.is_empty() {
            format!("order {} has no line naming an unknown product", req.number.trim())
        } else {
            format!(
                "order {} has no unknown line “{}”; its unknown lines are: {}",
                req.number.trim(),
                limits::shorten(name, 60),
                known.join("; ")
            )
        }));
    }
    ctx.execute(
        "INSERT INTO product_aliases (alias, product_id) VALUES (?1, ?2)
         ON CONFLICT (alias) DO UPDATE SET product_id = ?2",
        params![name, product],
    )?;
    // Lines with the name the shop had already sent are demand for the product from now on.
    ctx.execute(
        "UPDATE order_shop_lines SET product_id = ?2
         WHERE kind = 'fulfilled' AND product_id IS NULL AND (name = ?1 OR (name = '' AND sku = ?1))",
        params![name, product],
    )?;
    // The same line on every order still waiting for it.
    let lines: Vec<(i64, i64, i64, i64)> = ctx
        .tx
        .prepare(
            "SELECT l.id, l.order_id, l.qty, l.unit_price_cents FROM order_shop_lines l
             JOIN orders o ON o.id = l.order_id
             WHERE l.kind = 'unknown' AND (l.name = ?1 OR (l.name = '' AND l.sku = ?1))
               AND o.status IN ('new', 'held')
             ORDER BY l.order_id, l.line_no",
        )?
        .query_map([name], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    let mut touched: Vec<i64> = Vec::new();
    for (line, order, qty, price) in &lines {
        if !order_lines::add_to_product_line(ctx, *order, product, *qty)? {
            order_lines::insert(ctx, *order, product, *qty, *price)?;
        }
        ctx.execute(
            "UPDATE order_shop_lines SET kind = 'mapped', product_id = ?2 WHERE id = ?1",
            params![line, product],
        )?;
        if touched.last() != Some(order) {
            touched.push(*order);
            orders::note(ctx, *order, &format!("line “{name}” mapped to {sku}"))?;
        }
    }
    let mut cleared = Vec::new();
    for &order in &touched {
        let unknown: bool = ctx.query_row(
            "SELECT count(*) > 0 FROM order_shop_lines WHERE order_id = ?1 AND kind = 'unknown'",
            [order],
            |r| r.get(0),
        )?;
        if !unknown {
            ctx.execute(
                "UPDATE order_holds SET cleared_at = ?2, cleared_by = ?3,
                     cleared_why = 'every line is mapped to a product'
                 WHERE order_id = ?1 AND cleared_at IS NULL AND rule = 'manual'
                   AND lower(reason) LIKE lower(?4)",
                params![order, ctx.now_text(), ctx.operator_id(), format!("{PRODUCT_NOT_KNOWN}%")],
            )?;
            cleared.push(order);
        }
    }
    // Screening releases an order whose every hold has cleared; allocation then serves it.
    orders::after_entry(ctx, &cleared, &[])?;
    ctx.emit(Event::DataChanged { what: Changed::Orders });
    Ok(LineMapped {
        sku,
        lines: lines.len() as u32,
        orders: touched.len() as u32,
        cleared: cleared.len() as u32,
    })
}
