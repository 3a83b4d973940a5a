//! The stock ledger. A movement is the only way stock changes; the on-hand cache follows it by
//! trigger in the same transaction, and `check_ledger` proves the cache against the movements.

use backroom_core::ledger::{self, MovementKind, StockFacts, Violation};
use backroom_core::people::Role;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::app::Ctx;
use crate::catalog;
use crate::commands::forbidden;
use crate::error::ApiError;
use crate::events::Event;
use crate::system::NoArgs;
use crate::warehouse;

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

/// Who may record each kind of movement.
fn roles_for(kind: MovementKind) -> &'static [Role] {
    match kind {
        MovementKind::Receipt | MovementKind::Transfer | MovementKind::Return => {
            &[Role::Picker, Role::Packer]
        }
        MovementKind::Pick => &[Role::Picker],
        MovementKind::Ship => &[Role::Packer],
        MovementKind::Adjustment | MovementKind::Count | MovementKind::Scrap => &[Role::Manager],
    }
}

pub fn record_movement(ctx: &mut Ctx<'_>, m: NewMovement) -> Result<Movement, ApiError> {
    let role = ctx.actor()?.role;
    let allowed = roles_for(m.kind);
    if role != Role::Manager && !allowed.contains(&role) {
        return Err(forbidden(&format!("record a {} movement", m.kind.as_str()), role, allowed));
    }
    let id = record(ctx, &m)?;
    let sku = load_movement(ctx, id)?;
    ctx.emit(Event::StockChanged { skus: vec![sku.sku.clone()] });
    Ok(sku)
}

/// Validates and inserts one movement, returning its id. The caller's transaction makes it
/// all-or-nothing together with whatever else the command writes.
pub fn record(ctx: &Ctx<'_>, m: &NewMovement) -> Result<i64, ApiError> {
    let kind = m.kind.as_str();
    if m.qty <= 0 {
        return Err(ApiError::invalid(format!(
            "a {kind} needs a quantity of at least 1, not {}",
            m.qty
        )));
    }
    let from = m.from.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let to = m.to.as_deref().map(str::trim).filter(|s| !s.is_empty());
    m.kind
        .check_ends(from.is_some(), to.is_some())
        .map_err(|rule| ApiError::invalid(format!("a {kind} {rule}")))?;
    if matches!(m.kind, MovementKind::Adjustment | MovementKind::Count | MovementKind::Scrap)
        && m.reason.trim().is_empty()
    {
        return Err(ApiError::invalid(format!("a {kind} needs a reason code")));
    }
    let product_id = catalog::resolve(ctx, &m.product)?;
    let from_id = from.map(|code| warehouse::location_id(ctx, code)).transpose()?;
    let to_id = to.map(|code| warehouse::location_id(ctx, code)).transpose()?;
    if from_id.is_some() && from_id == to_id {
        return Err(ApiError::invalid("a movement cannot go from a location to itself"));
    }
    let order_id = match m.order.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(number) => Some(crate::orders::order_id(ctx, number)?),
        None => None,
    };
    if let Some(from_id) = from_id {
        guard_reserved(ctx, product_id, from_id, m.qty, from.unwrap_or_default(), m.kind)?;
    }
    ctx.tx.execute(
        "INSERT INTO movements (kind, product_id, qty, from_location_id, to_location_id, reason,
                                order_id, operator_id, station_id, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            kind,
            product_id,
            m.qty,
            from_id,
            to_id,
            m.reason.trim(),
            order_id,
            ctx.operator_id(),
            ctx.station_id(),
            ctx.now_text()
        ],
    )?;
    Ok(ctx.tx.last_insert_rowid())
}

/// Refuses to take stock out of a location if that would leave less than is reserved there,
/// or less than nothing. Picks are exempt from the reservation rule: they are what consumes a
/// reservation.
fn guard_reserved(
    ctx: &Ctx<'_>,
    product_id: i64,
    location_id: i64,
    qty: i64,
    code: &str,
    kind: MovementKind,
) -> Result<(), ApiError> {
    let on_hand: i64 = ctx
        .tx
        .query_row(
            "SELECT on_hand FROM stock WHERE product_id = ?1 AND location_id = ?2",
            [product_id, location_id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0);
    if qty > on_hand {
        return Err(ApiError::conflict(format!(
            "{code} holds only {on_hand} of this product, so {qty} cannot leave it; count the bin or take from another"
        )));
    }
    let reserved: i64 = ctx.tx.query_row(
        "SELECT coalesce(sum(qty), 0) FROM reservations WHERE product_id = ?1 AND location_id = ?2",
        [product_id, location_id],
        |r| r.get(0),
    )?;
    if kind != MovementKind::Pick && on_hand - qty < reserved {
        return Err(ApiError::conflict(format!(
            "{reserved} of the {on_hand} in {code} are reserved for orders; at most {} can leave",
            (on_hand - reserved).max(0)
        )));
    }
    Ok(())
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

fn movement_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Movement> {
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
    Ok(ctx.tx.query_row(&format!("{MOVEMENT_SELECT} WHERE m.id = ?1"), [id], movement_row)?)
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
         WHERE (?1 IS NULL OR m.product_id = ?1)
           AND (?2 IS NULL OR m.from_location_id = ?2 OR m.to_location_id = ?2)
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

pub fn check_ledger(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<LedgerReport, ApiError> {
    // Every pair that appears in the cache, the movements or the reservations, so a row missing
    // from any one of them is still seen.
    let mut stmt = ctx.tx.prepare(
        "WITH moved AS (
             SELECT product_id, location_id, sum(delta) AS total FROM (
                 SELECT product_id, to_location_id AS location_id, qty AS delta FROM movements
                     WHERE to_location_id IS NOT NULL
                 UNION ALL
                 SELECT product_id, from_location_id, -qty FROM movements
                     WHERE from_location_id IS NOT NULL)
             GROUP BY product_id, location_id),
         reserved AS (
             SELECT product_id, location_id, sum(qty) AS total FROM reservations
             GROUP BY product_id, location_id),
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
                movement_sum: r.get(3)?,
                reserved: r.get(4)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let violations = ledger::check(&facts);
    let movements: u32 = ctx.tx.query_row("SELECT count(*) FROM movements", [], |r| r.get(0))?;
    Ok(LedgerReport {
        ok: violations.is_empty(),
        checked: facts.len() as u32,
        movements,
        violations,
    })
}
