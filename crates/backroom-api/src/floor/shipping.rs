//! Shipping: a packed order leaves the building. Its picked units go out of the packing area
//! through the ledger; if part of it is still back-ordered, it waits again for the rest.

use backroom_core::ledger::MovementKind;
use backroom_core::order::OrderStatus;

use crate::context::{Ctx, forbidden};
use crate::error::ApiError;
use crate::events::Event;
use crate::floor::picking::packing_area;
use crate::inventory::stock;
use crate::orders::allocation;
use crate::orders::{self, Order, OrderRef};
use crate::table::movements::MovementRow;
use crate::table::order_lines;
use backroom_core::people::Role;

/// Refuses an order whose packing was not vouched for by a weighing: every shipment needs a
/// passed weighing, or a failed one a manager approved, of its own. Each such weighing packed the
/// order once, so there must be more of them than shipments so far.
fn check_weighed(ctx: &Ctx<'_>, id: i64, number: &str, shipments: i64) -> Result<(), ApiError> {
    let weighed: i64 = ctx.query_row(
        "SELECT count(*) FROM weighings
         WHERE order_id = ?1 AND (verdict = 'pass' OR override_at IS NOT NULL)",
        [id],
        |r| r.get(0),
    )?;
    if weighed > shipments {
        return Ok(());
    }
    Err(ApiError::conflict(format!(
        "order {number} has not passed its weight check; weigh the package, or ask a manager to approve it"
    )))
}

/// Ships a packed order: every picked unit leaves through a `ship` movement. An order with a
/// back order still open goes back to `released` to wait for it; otherwise it is `shipped`.
pub fn ship_order(ctx: &mut Ctx<'_>, req: OrderRef) -> Result<Order, ApiError> {
    let role = ctx.actor()?.role;
    if !matches!(role, Role::Packer | Role::Manager) {
        return Err(forbidden("ship an order", role, &[Role::Packer]));
    }
    let id = orders::order_id(ctx, &req.number)?;
    let status = orders::status_of(ctx, id)?;
    if status != OrderStatus::Packed {
        return Err(ApiError::conflict(format!(
            "order {} is {}; only a packed order ships",
            req.number.trim(),
            status.as_str()
        )));
    }
    // Each ship event of an order is numbered on its movements, so the first shipment can be
    // told from a back order that follows, even within the same second (fill rates need it).
    let shipments: i64 = ctx.query_row(
        "SELECT count(DISTINCT reason) FROM movements WHERE order_id = ?1 AND kind = 'ship'",
        [id],
        |r| r.get(0),
    )?;
    if crate::admin::settings::security(ctx)?.ship_only_weighed {
        check_weighed(ctx, id, req.number.trim(), shipments)?;
    }
    let packing = packing_area(ctx)?;
    let mut stmt = ctx.tx.prepare(
        "SELECT ol.id, p.sku, ol.picked_qty, ol.product_id FROM order_lines ol
         JOIN products p ON p.id = ol.product_id
         WHERE ol.order_id = ?1 AND ol.picked_qty > 0 ORDER BY ol.line_no",
    )?;
    let lines: Vec<(i64, String, i64, i64)> = stmt
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    drop(stmt);
    if lines.is_empty() {
        return Err(ApiError::conflict(format!(
            "order {} has nothing picked to ship",
            req.number.trim()
        )));
    }
    let number = orders::number_of(ctx, id)?;
    let shipment = shipments + 1;
    let mut units = 0;
    let reason = format!("shipment {shipment}");
    for &(line_id, _, qty, product_id) in &lines {
        stock::record_row(
            ctx,
            &MovementRow {
                kind: MovementKind::Ship,
                product_id,
                qty,
                from_location_id: Some(packing),
                to_location_id: None,
                reason: &reason,
                order_id: Some(id),
            },
        )?;
        order_lines::ship_picked(ctx, line_id)?;
        units += qty;
    }
    let still_open: i64 = ctx.query_row(
        "SELECT coalesce(sum(qty - cancelled_qty - shipped_qty), 0) FROM order_lines WHERE order_id = ?1",
        [id],
        |r| r.get(0),
    )?;
    let next = if still_open > 0 {
        let reason = format!("shipped {units} units; {still_open} back-ordered units follow");
        orders::advance(ctx, id, status, OrderStatus::Released, &reason)?;
        allocation::run(ctx, allocation::Scope::Orders(vec![id]))?;
        orders::status_of(ctx, id)?
    } else {
        orders::advance(ctx, id, status, OrderStatus::Shipped, &format!("shipped {units} units"))?;
        OrderStatus::Shipped
    };
    let skus = lines.into_iter().map(|l| l.1).collect();
    ctx.emit(Event::StockChanged { skus });
    ctx.emit(Event::OrderChanged { number, status: next });
    Ok(orders::for_caller(ctx, orders::load(ctx, id)?))
}
