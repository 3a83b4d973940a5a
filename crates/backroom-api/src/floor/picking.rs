//! Picking against reservations: a pick takes reserved stock out of a bin into the packing
//! area, and a short pick gives up what the bin does not have and asks for the bin to be
//! counted.

use crate::store::OptionalExtension;
use backroom_core::ledger::MovementKind;
use backroom_core::order::OrderStatus;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::context::Ctx;
use crate::error::ApiError;
use crate::events::Event;
use crate::inventory::stock;
use crate::table::movements::MovementRow;
use crate::table::order_lines::{self, Counter};
use crate::table::reservations::{self, Reservation};
use crate::{floor::counts, inventory::catalog, inventory::warehouse, orders, orders::allocation};

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct PickRequest {
    pub order: String,
    /// The scanned product barcode or SKU.
    pub product: String,
    /// The scanned bin label.
    pub bin: String,
    pub qty: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PickResult {
    pub order: String,
    pub status: OrderStatus,
    pub sku: String,
    pub picked: i64,
    /// Units of this order still reserved and not picked, over all its lines.
    pub left_to_pick: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ShortPick {
    pub order: String,
    pub product: String,
    pub bin: String,
    /// How many the picker found and can still pick from this bin (often 0).
    pub found: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ShortResult {
    pub order: String,
    pub status: OrderStatus,
    /// Units re-promised from other bins.
    pub reallocated: i64,
    /// Units that became a back order.
    pub backordered: i64,
    /// Units of this line the bin was short: reserved here and not found.
    pub short: i64,
    /// The count task raised for the bin.
    pub count_task: i64,
}

/// The packing area picks go to: the first one defined.
pub fn packing_area(ctx: &Ctx<'_>) -> Result<i64, ApiError> {
    ctx.tx
        .query_row(
            "SELECT id FROM locations WHERE kind = 'packing' AND active = 1 ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| {
            ApiError::invalid("there is no packing area to pick into; a manager adds one in Manage")
        })
}

/// Reservations of one order for one product in one bin, highest line first consumed last.
fn reservations_at(
    ctx: &Ctx<'_>,
    order_id: i64,
    product_id: i64,
    location_id: i64,
) -> Result<Vec<Reservation>, ApiError> {
    let mut stmt = ctx.tx.prepare_cached(
        "SELECT r.id, r.order_line_id, r.qty FROM reservations r
         JOIN order_lines ol ON ol.id = r.order_line_id
         WHERE ol.order_id = ?1 AND r.product_id = ?2 AND r.location_id = ?3
         ORDER BY ol.line_no, r.id",
    )?;
    let rows = stmt
        .query_map([order_id, product_id, location_id], |r| {
            Ok(Reservation { id: r.get(0)?, line_id: r.get(1)?, qty: r.get(2)? })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Where this order's reservations of a product are, for an error that tells the picker where
/// to go instead.
fn reserved_bins(ctx: &Ctx<'_>, order_id: i64, product_id: i64) -> Result<String, ApiError> {
    let mut stmt = ctx.tx.prepare(
        "SELECT l.code || ' (' || CAST(sum(r.qty) AS TEXT) || ')' FROM reservations r
         JOIN order_lines ol ON ol.id = r.order_line_id JOIN locations l ON l.id = r.location_id
         WHERE ol.order_id = ?1 AND r.product_id = ?2 GROUP BY l.code ORDER BY l.code",
    )?;
    let bins: Vec<String> =
        stmt.query_map([order_id, product_id], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(if bins.is_empty() { "no bin".to_owned() } else { bins.join(", ") })
}

/// A scanned product the order wants nothing of: names what was scanned and what this bin
/// holds for the order, so the picker can tell a look-alike from the right item. `None` when
/// the order does want the product, only from another bin.
fn wrong_product(
    ctx: &Ctx<'_>,
    order_id: i64,
    product_id: i64,
    location_id: i64,
    bin: &str,
) -> Result<Option<String>, ApiError> {
    let wanted_elsewhere: bool = ctx.query_row(
        "SELECT count(*) > 0 FROM reservations r JOIN order_lines ol ON ol.id = r.order_line_id
         WHERE ol.order_id = ?1 AND r.product_id = ?2",
        [order_id, product_id],
        |r| r.get(0),
    )?;
    if wanted_elsewhere {
        return Ok(None);
    }
    let scanned: String = ctx.query_row(
        "SELECT sku || ' ' || name FROM products WHERE id = ?1",
        [product_id],
        |r| r.get(0),
    )?;
    let mut stmt = ctx.tx.prepare(
        "SELECT p.sku || ' ' || p.name FROM reservations r
         JOIN order_lines ol ON ol.id = r.order_line_id JOIN products p ON p.id = r.product_id
         WHERE ol.order_id = ?1 AND r.location_id = ?2 GROUP BY p.sku, p.name ORDER BY p.sku",
    )?;
    let wanted: Vec<String> =
        stmt.query_map([order_id, location_id], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(Some(wrong_product_message(&scanned, &wanted, bin.trim())))
}

fn wrong_product_message(scanned: &str, wanted: &[String], bin: &str) -> String {
    if wanted.is_empty() {
        format!("That is {scanned}; this order wants nothing of it. Nothing was picked")
    } else {
        format!(
            "That is {scanned}; this stop wants {} from {bin}. Nothing was picked",
            wanted.join(" or ")
        )
    }
}

fn left_to_pick(ctx: &Ctx<'_>, order_id: i64) -> Result<i64, ApiError> {
    Ok(ctx.query_row(
        "SELECT coalesce(sum(r.qty), 0) FROM reservations r
         JOIN order_lines ol ON ol.id = r.order_line_id WHERE ol.order_id = ?1",
        [order_id],
        |r| r.get(0),
    )?)
}

/// Picks reserved units of an order from a bin. The scanned product must be one the order
/// reserved there; anything else is refused and nothing is recorded.
pub fn pick(ctx: &mut Ctx<'_>, req: PickRequest) -> Result<PickResult, ApiError> {
    let order_id = orders::order_id(ctx, &req.order)?;
    let status = orders::status_of(ctx, order_id)?;
    if !matches!(status, OrderStatus::Allocated | OrderStatus::Picking) {
        return Err(ApiError::conflict(format!(
            "order {} is {}; only allocated orders are picked",
            req.order.trim(),
            status.as_str()
        )));
    }
    let product_id = catalog::resolve(ctx, &req.product)?;
    let location_id = warehouse::location_id(ctx, &req.bin)?;
    let sku: String =
        ctx.query_row("SELECT sku FROM products WHERE id = ?1", [product_id], |r| r.get(0))?;
    let reserved = reservations_at(ctx, order_id, product_id, location_id)?;
    let here: i64 = reserved.iter().map(|r| r.qty).sum();
    if here == 0
        && req.qty >= 1
        && let Some(wrong) = wrong_product(ctx, order_id, product_id, location_id, &req.bin)?
    {
        return Err(ApiError::conflict(wrong));
    }
    if req.qty < 1 || req.qty > here {
        let wrong = if here == 0 {
            format!("order {} has no {sku} reserved in {}", req.order.trim(), req.bin.trim())
        } else {
            format!("only {here} of {sku} are reserved for this order in {}", req.bin.trim())
        };
        return Err(ApiError::conflict(format!(
            "{wrong}; its {sku} is reserved in {}. Nothing was picked",
            reserved_bins(ctx, order_id, product_id)?
        )));
    }
    let packing = packing_area(ctx)?;
    stock::record_row(
        ctx,
        &MovementRow {
            kind: MovementKind::Pick,
            product_id,
            qty: req.qty,
            from_location_id: Some(location_id),
            to_location_id: Some(packing),
            reason: "",
            order_id: Some(order_id),
        },
    )?;
    for (line_id, taken) in reservations::consume(ctx, reserved, req.qty)? {
        order_lines::add(ctx, line_id, Counter::Picked, taken)?;
    }
    let status = advance_after_pick(ctx, order_id, status)?;
    crate::floor::pick_lists::after_pick(ctx, order_id)?;
    ctx.emit(Event::StockChanged { skus: vec![sku.clone()] });
    Ok(PickResult {
        order: orders::number_of(ctx, order_id)?,
        status,
        sku,
        picked: req.qty,
        left_to_pick: left_to_pick(ctx, order_id)?,
    })
}

/// Moves an order to picking on its first pick and to picked when nothing reserved is left.
fn advance_after_pick(
    ctx: &mut Ctx<'_>,
    order_id: i64,
    mut status: OrderStatus,
) -> Result<OrderStatus, ApiError> {
    let number = orders::number_of(ctx, order_id)?;
    if status == OrderStatus::Allocated {
        orders::advance(ctx, order_id, status, OrderStatus::Picking, "first pick")?;
        status = OrderStatus::Picking;
    }
    let picked_any: bool = ctx.query_row(
        "SELECT count(*) > 0 FROM order_lines WHERE order_id = ?1 AND picked_qty > 0",
        [order_id],
        |r| r.get(0),
    )?;
    if status == OrderStatus::Picking && left_to_pick(ctx, order_id)? == 0 && picked_any {
        orders::advance(ctx, order_id, status, OrderStatus::Picked, "every reserved unit picked")?;
        status = OrderStatus::Picked;
    }
    ctx.emit(Event::OrderChanged { number, status });
    Ok(status)
}

/// A picker found a bin short. The order gives up what the bin cannot give, a count task is
/// raised for the bin (which is promised to no one new until counted), and the order is served
/// again from other bins; what none has becomes a back order.
pub fn report_short(ctx: &mut Ctx<'_>, req: ShortPick) -> Result<ShortResult, ApiError> {
    let order_id = orders::order_id(ctx, &req.order)?;
    let status = orders::status_of(ctx, order_id)?;
    if !matches!(status, OrderStatus::Allocated | OrderStatus::Picking) {
        return Err(ApiError::conflict(format!(
            "order {} is {}; a short pick is reported while picking",
            req.order.trim(),
            status.as_str()
        )));
    }
    let product_id = catalog::resolve(ctx, &req.product)?;
    let location_id = warehouse::location_id(ctx, &req.bin)?;
    let reserved = reservations_at(ctx, order_id, product_id, location_id)?;
    let here: i64 = reserved.iter().map(|r| r.qty).sum();
    if here == 0 {
        return Err(ApiError::conflict(format!(
            "order {} has nothing reserved in {}; nothing to report",
            req.order.trim(),
            req.bin.trim()
        )));
    }
    if req.found < 0 || req.found >= here {
        return Err(ApiError::invalid(format!(
            "found {} is not short of the {here} reserved here; pick them instead",
            req.found
        )));
    }
    // The last lines give up their promise here first.
    reservations::consume(ctx, reserved.into_iter().rev(), here - req.found)?;
    let sku: String =
        ctx.query_row("SELECT sku FROM products WHERE id = ?1", [product_id], |r| r.get(0))?;
    let task = counts::raise(
        ctx,
        location_id,
        &format!("short pick of {sku} for order {}: found {}", req.order.trim(), req.found),
    )?;
    orders::note(
        ctx,
        order_id,
        &format!("short pick: {} of {sku} missing in {}", here - req.found, req.bin.trim()),
    )?;
    let before = open_units(ctx, order_id)?;
    allocation::run(ctx, allocation::Scope::Orders(vec![order_id]))?;
    let after = open_units(ctx, order_id)?;
    let mut status = orders::status_of(ctx, order_id)?;
    if matches!(status, OrderStatus::Allocated | OrderStatus::Picking) {
        status = advance_after_pick(ctx, order_id, status)?;
    }
    crate::floor::pick_lists::after_pick(ctx, order_id)?;
    ctx.emit(Event::StockChanged { skus: vec![sku] });
    Ok(ShortResult {
        order: orders::number_of(ctx, order_id)?,
        status,
        reallocated: before - after,
        backordered: after,
        short: here - req.found,
        count_task: task,
    })
}

/// Units of an order neither reserved, picked, shipped nor cancelled.
fn open_units(ctx: &Ctx<'_>, order_id: i64) -> Result<i64, ApiError> {
    Ok(ctx.query_row(
        "SELECT coalesce(sum(ol.qty - ol.cancelled_qty - ol.picked_qty - ol.shipped_qty), 0)
              - (SELECT coalesce(sum(r.qty), 0) FROM reservations r
                 JOIN order_lines l ON l.id = r.order_line_id WHERE l.order_id = ?1)
         FROM order_lines ol WHERE ol.order_id = ?1",
        [order_id],
        |r| r.get(0),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_product_names_what_was_scanned_and_what_the_stop_wants() {
        let wanted = vec!["BR-10323 Soap Bar".to_owned()];
        assert_eq!(
            wrong_product_message("BR-10001 Blue Mug", &wanted, "A09-1-01-R"),
            "That is BR-10001 Blue Mug; this stop wants BR-10323 Soap Bar from A09-1-01-R. Nothing was picked"
        );
        assert!(
            wrong_product_message("BR-10001 Blue Mug", &[], "A09-1-01-R")
                .contains("wants nothing of it")
        );
    }
}
