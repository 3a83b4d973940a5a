//! The stock ledger. A movement is the only way stock changes; the on-hand cache follows it by
//! trigger in the same transaction, and `check_ledger` proves the cache against the movements.

use crate::store::{OptionalExtension, params};
use backroom_core::ledger::{self, MovementKind, StockFacts, Violation};
use backroom_core::limits;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::context::{Ctx, NoArgs};
use crate::error::ApiError;
use crate::events::Event;
use crate::inventory::catalog;
use crate::inventory::warehouse;
use crate::table::movements::{self, MovementRow};

/// Stock of one product in one location. Available is what allocation may still promise: only
/// stock in pick bins counts, less what is reserved there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StockAt {
    pub location: String,
    pub kind: warehouse::LocationKind,
    pub on_hand: i64,
    pub reserved: i64,
    pub available: i64,
}

/// A product's stock over all locations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct StockTotals {
    /// Everything in the building, wherever it is.
    pub on_hand: i64,
    /// Promised to orders.
    pub reserved: i64,
    /// In pick bins and not promised.
    pub available: i64,
}

impl StockTotals {
    pub fn new(on_hand: i64, in_bins: i64, reserved: i64) -> StockTotals {
        StockTotals { on_hand, reserved, available: (in_bins - reserved).max(0) }
    }

    pub fn sum(locations: &[StockAt]) -> StockTotals {
        let mut t = StockTotals::default();
        for at in locations {
            t.on_hand += at.on_hand;
            t.reserved += at.reserved;
            t.available += at.available;
        }
        t
    }
}

/// Stock of a product in every location that holds or reserves any, bins in walking-code order.
pub fn stock_of(ctx: &Ctx<'_>, product_id: i64) -> Result<Vec<StockAt>, ApiError> {
    let mut stmt = ctx.tx.prepare(
        "SELECT l.code, l.kind, coalesce(s.on_hand, 0), coalesce(r.reserved, 0)
         FROM locations l
         LEFT JOIN stock s ON s.location_id = l.id AND s.product_id = ?1
         LEFT JOIN (SELECT location_id, sum(qty) AS reserved FROM reservations
                    WHERE product_id = ?1 GROUP BY location_id) r ON r.location_id = l.id
         WHERE coalesce(s.on_hand, 0) <> 0 OR coalesce(r.reserved, 0) <> 0
         ORDER BY l.kind <> 'bin', l.code",
    )?;
    let rows = stmt
        .query_map([product_id], |r| {
            let kind: String = r.get(1)?;
            let kind =
                warehouse::LocationKind::parse(&kind).unwrap_or(warehouse::LocationKind::Bin);
            let on_hand: i64 = r.get(2)?;
            let reserved: i64 = r.get(3)?;
            let available =
                if kind == warehouse::LocationKind::Bin { (on_hand - reserved).max(0) } else { 0 };
            Ok(StockAt { location: r.get(0)?, kind, on_hand, reserved, available })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct LocationRef {
    /// A bin or area code, as typed or scanned.
    pub location: String,
}

/// One product's stock in a location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ProductAt {
    pub sku: String,
    pub name: String,
    pub on_hand: i64,
    pub reserved: i64,
    pub available: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LocationStock {
    pub location: String,
    pub kind: warehouse::LocationKind,
    pub products: Vec<ProductAt>,
    /// A count of this location is waiting, so it promises nothing new until it is approved.
    pub counting: bool,
}

/// What a bin or area holds, product by product.
pub fn stock_in_location(ctx: &mut Ctx<'_>, req: LocationRef) -> Result<LocationStock, ApiError> {
    let id = warehouse::location_id(ctx, &req.location)?;
    let (code, kind): (String, String) =
        ctx.query_row("SELECT code, kind FROM locations WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let kind = warehouse::LocationKind::parse(&kind).unwrap_or(warehouse::LocationKind::Bin);
    let mut stmt = ctx.tx.prepare(
        "SELECT p.sku, p.name, s.on_hand,
                (SELECT coalesce(sum(qty), 0) FROM reservations r
                 WHERE r.product_id = s.product_id AND r.location_id = s.location_id)
         FROM stock s JOIN products p ON p.id = s.product_id
         WHERE s.location_id = ?1 AND (s.on_hand > 0 OR EXISTS (SELECT 1 FROM reservations r
               WHERE r.product_id = s.product_id AND r.location_id = s.location_id))
         ORDER BY p.sku",
    )?;
    let products = stmt
        .query_map([id], |r| {
            let (on_hand, reserved): (i64, i64) = (r.get(2)?, r.get(3)?);
            let available =
                if kind == warehouse::LocationKind::Bin { (on_hand - reserved).max(0) } else { 0 };
            Ok(ProductAt { sku: r.get(0)?, name: r.get(1)?, on_hand, reserved, available })
        })?
        .collect::<Result<_, _>>()?;
    drop(stmt);
    let counting: bool = ctx.query_row(
        "SELECT count(*) > 0 FROM count_tasks WHERE location_id = ?1
         AND status IN ('open', 'recount', 'counted')",
        [id],
        |r| r.get(0),
    )?;
    Ok(LocationStock { location: code, kind, products, counting })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct NewMovement {
    pub kind: MovementKind,
    /// The product's SKU or one of its barcodes.
    pub product: String,
    pub qty: i64,
    /// Location code stock leaves (e.g. `A03-1-12-L`, `RECEIVING`).
    #[serde(default)]
    pub from: Option<String>,
    /// Location code stock arrives in.
    #[serde(default)]
    pub to: Option<String>,
    /// Why: required for adjustments, counts and scrap.
    #[serde(default)]
    pub reason: String,
    /// The order this movement serves, if any.
    #[serde(default)]
    pub order: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Movement {
    pub id: i64,
    pub kind: MovementKind,
    pub sku: String,
    pub qty: i64,
    pub from: Option<String>,
    pub to: Option<String>,
    pub reason: String,
    pub order: Option<String>,
    /// The operator's name; `None` for the local command line.
    pub operator: Option<String>,
    pub station: Option<String>,
    pub at: String,
}

/// The kinds a manager may record by hand. Picks, shipments, receipts, returns and counts each
/// have a command of their own that keeps the orders, reservations and receipts in step with
/// the stock; a raw movement of those kinds would go round them.
const MANUAL_KINDS: [MovementKind; 3] =
    [MovementKind::Adjustment, MovementKind::Transfer, MovementKind::Scrap];

/// A manager's adjustment, transfer or scrap, with a reason. The command list lets only
/// managers call it; `record` still refuses to take promised stock out of a bin.
pub fn record_movement(ctx: &mut Ctx<'_>, m: NewMovement) -> Result<Movement, ApiError> {
    if !MANUAL_KINDS.contains(&m.kind) {
        return Err(ApiError::invalid(format!(
            "a {} is recorded by its own command ({}); by hand only an adjustment, a transfer or a scrap",
            m.kind.as_str(),
            command_for(m.kind)
        )));
    }
    if m.order.as_deref().is_some_and(|o| !o.trim().is_empty()) {
        return Err(ApiError::invalid(
            "a movement by hand serves no order; picks and shipments go through their commands",
        ));
    }
    if m.reason.trim().is_empty() {
        return Err(ApiError::invalid(format!("a {} by hand needs a reason", m.kind.as_str())));
    }
    if matches!(m.kind, MovementKind::Adjustment | MovementKind::Scrap) {
        check_reason_code(ctx, &m.reason)?;
    }
    let id = record(ctx, &m)?;
    let movement = load_movement(ctx, id)?;
    // Stock that lands in a pick bin goes to the orders waiting for it, first in line first.
    let into_bin: Option<i64> = ctx
        .query_row(
            "SELECT m.product_id FROM movements m JOIN locations l ON l.id = m.to_location_id
         WHERE m.id = ?1 AND l.kind = 'bin'",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(product_id) = into_bin {
        crate::orders::allocation::run(
            ctx,
            crate::orders::allocation::Scope::Products(vec![product_id]),
        )?;
    }
    ctx.emit(Event::StockChanged { skus: vec![movement.sku.clone()] });
    Ok(movement)
}

/// The command that records a movement of a kind not made by hand.
fn command_for(kind: MovementKind) -> &'static str {
    match kind {
        MovementKind::Receipt => "receive",
        MovementKind::Pick => "pick",
        MovementKind::Ship => "ship_order",
        MovementKind::Return => "receive_return",
        _ => "submit_count and decide_count",
    }
}

/// Adjustments and scrap give one of the store's reason codes, so the reasons can be counted.
fn check_reason_code(ctx: &Ctx<'_>, reason: &str) -> Result<(), ApiError> {
    let reasons = crate::admin::settings::load(ctx)?.stock.adjustment_reasons;
    let reason = reason.trim();
    if reasons.iter().any(|r| r.trim().eq_ignore_ascii_case(reason)) {
        return Ok(());
    }
    Err(ApiError::invalid(format!(
        "“{reason}” is not a reason code; use one of: {} (a manager edits the list in Settings)",
        reasons.join(", ")
    )))
}

/// Validates and inserts one movement named as a person names it (SKU or barcode, location
/// codes, order number), returning its id. The caller's transaction makes it all-or-nothing
/// together with whatever else the command writes.
pub fn record(ctx: &Ctx<'_>, m: &NewMovement) -> Result<i64, ApiError> {
    let from = m.from.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let to = m.to.as_deref().map(str::trim).filter(|s| !s.is_empty());
    // A movement of the wrong shape is refused as such before its names are looked up.
    check_shape(m.kind, m.qty, from.is_some(), to.is_some(), &m.reason)?;
    let product_id = catalog::resolve(ctx, &m.product)?;
    let from_location_id = from.map(|code| warehouse::location_id(ctx, code)).transpose()?;
    let to_location_id = to.map(|code| warehouse::location_id(ctx, code)).transpose()?;
    let order_id = match m.order.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(number) => Some(crate::orders::order_id(ctx, number)?),
        None => None,
    };
    record_row(
        ctx,
        &MovementRow {
            kind: m.kind,
            product_id,
            qty: m.qty,
            from_location_id,
            to_location_id,
            reason: m.reason.trim(),
            order_id,
        },
    )
}

/// Validates and inserts a movement whose product, places and order the command already holds,
/// with the same checks as [`record`]; returns its id.
pub fn record_row(ctx: &Ctx<'_>, m: &MovementRow<'_>) -> Result<i64, ApiError> {
    let (from, to) = (m.from_location_id, m.to_location_id);
    check_shape(m.kind, m.qty, from.is_some(), to.is_some(), m.reason)?;
    if from.is_some() && from == to {
        return Err(ApiError::invalid("a movement cannot go from a location to itself"));
    }
    if let Some(from) = from {
        guard_reserved(ctx, m.product_id, from, m.qty, m.kind)?;
    }
    movements::insert(ctx, m)
}

/// What a movement of its kind needs whatever it moves: a quantity in range, the ends its kind
/// has, and a reason code where one is due.
fn check_shape(
    kind: MovementKind,
    qty: i64,
    has_from: bool,
    has_to: bool,
    reason: &str,
) -> Result<(), ApiError> {
    let name = kind.as_str();
    limits::QTY.check("qty", qty)?;
    kind.check_ends(has_from, has_to)
        .map_err(|rule| ApiError::invalid(format!("a {name} {rule}")))?;
    if matches!(kind, MovementKind::Adjustment | MovementKind::Count | MovementKind::Scrap)
        && reason.trim().is_empty()
    {
        return Err(ApiError::invalid(format!("a {name} needs a reason code")));
    }
    Ok(())
}

/// Refuses to take stock out of a location if that would leave less than is reserved there,
/// or less than nothing. Picks are exempt from the reservation rule, since they are what
/// consumes a reservation, and so are counts, which record what is really there; the count's
/// approval then moves the promises the bin can no longer keep.
fn guard_reserved(
    ctx: &Ctx<'_>,
    product_id: i64,
    location_id: i64,
    qty: i64,
    kind: MovementKind,
) -> Result<(), ApiError> {
    let on_hand: i64 = ctx
        .query_row(
            "SELECT on_hand FROM stock WHERE product_id = ?1 AND location_id = ?2",
            [product_id, location_id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0);
    if qty > on_hand {
        let code = location_code(ctx, location_id)?;
        return Err(ApiError::conflict(format!(
            "{code} holds only {on_hand} of this product, so {qty} cannot leave it; count the bin or take from another"
        )));
    }
    let reserved: i64 = ctx.query_row(
        "SELECT coalesce(sum(qty), 0) FROM reservations WHERE product_id = ?1 AND location_id = ?2",
        [product_id, location_id],
        |r| r.get(0),
    )?;
    if !matches!(kind, MovementKind::Pick | MovementKind::Count) && on_hand - qty < reserved {
        let code = location_code(ctx, location_id)?;
        return Err(ApiError::conflict(format!(
            "{reserved} of the {on_hand} in {code} are reserved for orders; at most {} can leave",
            (on_hand - reserved).max(0)
        )));
    }
    Ok(())
}

/// A location's code, to name it in a refusal.
fn location_code(ctx: &Ctx<'_>, id: i64) -> Result<String, ApiError> {
    Ok(ctx.query_row("SELECT code FROM locations WHERE id = ?1", [id], |r| r.get(0))?)
}

const MOVEMENT_SELECT: &str =
    "SELECT m.id, m.kind, p.sku, m.qty, lf.code, lt.code, m.reason, o.number,
        op.name, st.name, m.at
     FROM movements m
     JOIN products p ON p.id = m.product_id
     LEFT JOIN locations lf ON lf.id = m.from_location_id
     LEFT JOIN locations lt ON lt.id = m.to_location_id
     LEFT JOIN orders o ON o.id = m.order_id
     LEFT JOIN operators op ON op.id = m.operator_id
     LEFT JOIN stations st ON st.id = m.station_id";

fn movement_row(r: &crate::store::Row<'_>) -> crate::store::Result<Movement> {
    let kind: String = r.get(1)?;
    Ok(Movement {
        id: r.get(0)?,
        kind: MovementKind::parse(&kind).unwrap_or(MovementKind::Adjustment),
        sku: r.get(2)?,
        qty: r.get(3)?,
        from: r.get(4)?,
        to: r.get(5)?,
        reason: r.get(6)?,
        order: r.get(7)?,
        operator: r.get(8)?,
        station: r.get(9)?,
        at: r.get(10)?,
    })
}

fn load_movement(ctx: &Ctx<'_>, id: i64) -> Result<Movement, ApiError> {
    Ok(ctx.query_row(&format!("{MOVEMENT_SELECT} WHERE m.id = ?1"), [id], movement_row)?)
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct MovementQuery {
    /// SKU or barcode.
    #[serde(default)]
    pub product: Option<String>,
    /// Location code, either end.
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub limit: Option<u32>,
}

pub fn list_movements(ctx: &mut Ctx<'_>, q: MovementQuery) -> Result<Vec<Movement>, ApiError> {
    let product_id = q.product.as_deref().map(|p| catalog::resolve(ctx, p)).transpose()?;
    let location_id = q.location.as_deref().map(|l| warehouse::location_id(ctx, l)).transpose()?;
    let mut stmt = ctx.tx.prepare(&format!(
        "{MOVEMENT_SELECT}
         WHERE (CAST(?1 AS BIGINT) IS NULL OR m.product_id = ?1)
           AND (CAST(?2 AS BIGINT) IS NULL OR m.from_location_id = ?2 OR m.to_location_id = ?2)
         ORDER BY m.id DESC LIMIT ?3"
    ))?;
    let rows = stmt
        .query_map(
            params![product_id, location_id, q.limit.unwrap_or(100).min(10_000)],
            movement_row,
        )?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct LedgerReport {
    pub ok: bool,
    /// How many (product, location) pairs were checked.
    pub checked: u32,
    pub movements: u32,
    pub violations: Vec<Violation>,
}

/// Per order and product: what the lines say and what the reservations and movements say.
fn order_facts(ctx: &Ctx<'_>) -> Result<Vec<ledger::OrderFacts>, ApiError> {
    let mut stmt = ctx.tx.prepare(
        "WITH lines AS (
             SELECT order_id, product_id,
                    coalesce(sum(CAST(qty AS DOUBLE PRECISION)), 0) AS ordered,
                    coalesce(sum(CAST(picked_qty AS DOUBLE PRECISION)), 0) AS picked,
                    coalesce(sum(CAST(shipped_qty AS DOUBLE PRECISION)), 0) AS shipped,
                    coalesce(sum(CAST(cancelled_qty AS DOUBLE PRECISION)), 0) AS cancelled
             FROM order_lines GROUP BY order_id, product_id),
         reserved AS (
             SELECT ol.order_id, r.product_id,
                    coalesce(sum(CAST(r.qty AS DOUBLE PRECISION)), 0) AS qty
             FROM reservations r
             JOIN order_lines ol ON ol.id = r.order_line_id GROUP BY ol.order_id, r.product_id),
         moved AS (
             SELECT order_id, product_id,
                    coalesce(sum(CAST(CASE WHEN kind = 'pick' THEN qty ELSE 0 END
                                      AS DOUBLE PRECISION)), 0) AS picks,
                    coalesce(sum(CAST(CASE WHEN kind = 'ship' THEN qty ELSE 0 END
                                      AS DOUBLE PRECISION)), 0) AS ships
             FROM movements WHERE order_id IS NOT NULL AND kind IN ('pick', 'ship')
             GROUP BY order_id, product_id)
         SELECT o.number, p.sku, l.ordered, coalesce(r.qty, 0), l.picked, l.shipped, l.cancelled,
                coalesce(m.picks, 0), coalesce(m.ships, 0)
         FROM lines l
         JOIN orders o ON o.id = l.order_id
         JOIN products p ON p.id = l.product_id
         LEFT JOIN reserved r ON r.order_id = l.order_id AND r.product_id = l.product_id
         LEFT JOIN moved m ON m.order_id = l.order_id AND m.product_id = l.product_id
         ORDER BY o.id, p.sku",
    )?;
    let facts = stmt
        .query_map([], |r| {
            Ok(ledger::OrderFacts {
                order: r.get(0)?,
                sku: r.get(1)?,
                ordered: whole(r, 2)?,
                reserved: whole(r, 3)?,
                picked: whole(r, 4)?,
                shipped: whole(r, 5)?,
                cancelled: whole(r, 6)?,
                pick_movements: whole(r, 7)?,
                ship_movements: whole(r, 8)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(facts)
}

pub fn check_ledger(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<LedgerReport, ApiError> {
    // Every pair that appears in the cache, the movements or the reservations, so a row missing
    // from any one of them is still seen.
    let mut stmt = ctx.tx.prepare(
        "WITH moved AS (
             SELECT product_id, location_id,
                    coalesce(sum(CAST(delta AS DOUBLE PRECISION)), 0) AS total
             FROM (
                 SELECT product_id, to_location_id AS location_id, qty AS delta FROM movements
                     WHERE to_location_id IS NOT NULL
                 UNION ALL
                 SELECT product_id, from_location_id, -qty FROM movements
                     WHERE from_location_id IS NOT NULL) AS deltas
             GROUP BY product_id, location_id),
         reserved AS (
             SELECT product_id, location_id,
                    coalesce(sum(CAST(qty AS DOUBLE PRECISION)), 0) AS total
             FROM reservations GROUP BY product_id, location_id),
         pairs AS (
             SELECT product_id, location_id FROM stock
             UNION SELECT product_id, location_id FROM moved
             UNION SELECT product_id, location_id FROM reserved)
         SELECT p.sku, l.code, coalesce(s.on_hand, 0), coalesce(m.total, 0), coalesce(r.total, 0)
         FROM pairs
         JOIN products p ON p.id = pairs.product_id
         JOIN locations l ON l.id = pairs.location_id
         LEFT JOIN stock s ON s.product_id = pairs.product_id AND s.location_id = pairs.location_id
         LEFT JOIN moved m ON m.product_id = pairs.product_id AND m.location_id = pairs.location_id
         LEFT JOIN reserved r ON r.product_id = pairs.product_id AND r.location_id = pairs.location_id
         ORDER BY p.sku, l.code",
    )?;
    let facts: Vec<StockFacts> = stmt
        .query_map([], |r| {
            Ok(StockFacts {
                sku: r.get(0)?,
                location: r.get(1)?,
                cached_on_hand: r.get(2)?,
                movement_sum: whole(r, 3)?,
                reserved: whole(r, 4)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut violations = ledger::check(&facts);
    violations.extend(ledger::check_orders(&order_facts(ctx)?));
    violations.extend(quantities_out_of_range(ctx)?);
    let movements: u32 = ctx.query_row("SELECT count(*) FROM movements", [], |r| r.get(0))?;
    Ok(LedgerReport {
        ok: violations.is_empty(),
        checked: facts.len() as u32,
        movements,
        violations,
    })
}

/// A sum taken in floating point (`sum(CAST(… AS DOUBLE PRECISION))`) so that no ledger, however
/// damaged, makes the check itself fail with an overflow. Past 2^53 it is approximate, and such
/// a sum is reported anyway as a movement out of range.
fn whole(row: &crate::store::Row<'_>, index: usize) -> crate::store::Result<i64> {
    let value: f64 = row.get(index)?;
    // `as` saturates at i64's ends, which is what a report of a broken sum needs.
    Ok(value as i64)
}

/// Movements whose quantity lies outside what one movement may carry: written before the bound
/// existed, they are reported rather than repaired, since movements are never changed.
fn quantities_out_of_range(ctx: &Ctx<'_>) -> Result<Vec<Violation>, ApiError> {
    let mut stmt = ctx.tx.prepare(
        "SELECT m.id, p.sku, m.qty FROM movements m JOIN products p ON p.id = m.product_id
         WHERE m.qty < ?1 OR m.qty > ?2 ORDER BY m.id",
    )?;
    let rows = stmt
        .query_map([limits::QTY.min, limits::QTY.max], |r| {
            Ok(Violation::QuantityOutOfRange {
                movement: r.get(0)?,
                sku: r.get(1)?,
                qty: r.get(2)?,
                max: limits::QTY.max,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Refuses to commit a command that leaves any bin with more promised to orders than it holds.
/// Commands keep this themselves; this is the backstop that holds against any caller.
pub(crate) fn check_promises_kept(tx: &crate::store::Transaction<'_>) -> Result<(), ApiError> {
    let broken: Option<(String, String, i64, i64)> = tx
        .prepare_cached(
            "SELECT p.sku, l.code, coalesce(s.on_hand, 0), r.reserved
             FROM (SELECT product_id, location_id, sum(qty) AS reserved FROM reservations
                   GROUP BY product_id, location_id) r
             JOIN products p ON p.id = r.product_id
             JOIN locations l ON l.id = r.location_id
             LEFT JOIN stock s ON s.product_id = r.product_id AND s.location_id = r.location_id
             WHERE r.reserved > coalesce(s.on_hand, 0)
             LIMIT 1",
        )?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    match broken {
        None => Ok(()),
        Some((sku, bin, on_hand, reserved)) => Err(ApiError::conflict(format!(
            "{bin} would hold {on_hand} of {sku} with {reserved} promised to orders; nothing was changed"
        ))),
    }
}
