//! Allocation in the database: which orders wait for stock, what the bins can still promise,
//! and writing the reservations and status changes that [`backroom_core::allocation`] decides.
//!
//! It runs inside the calling command's transaction, which `App` opens with `BEGIN IMMEDIATE`:
//! availability is read and reservations written with no other writer in between, so two
//! stations can never promise the same unit.

use std::collections::{BTreeSet, HashMap};

use backroom_core::allocation::{self, BackorderPolicy, BinStock, LineNeed, OrderNeed, Priority};
use backroom_core::layout::{BinCode, Side};
use backroom_core::order::OrderStatus;
use backroom_core::routing::distance::{Stop, distance};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::admin::settings;
use crate::context::{Ctx, NoArgs};
use crate::error::ApiError;
use crate::events::Event;
use crate::orders;
use crate::store::json_list;
use crate::table::order_lines::{self, Counter};
use crate::table::reservations::{self, NewReservation};

/// Which waiting orders a run looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every released order with something still open.
    All,
    /// These orders.
    Orders(Vec<i64>),
    /// Orders waiting for any of these products (stock of them just arrived).
    Products(Vec<i64>),
}

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AllocationSummary {
    /// Orders that were waiting for stock and looked at.
    pub orders: u32,
    /// Orders that became ready to pick.
    pub allocated: u32,
    pub units_reserved: i64,
    /// Units still waiting for stock after the run, over the orders looked at.
    pub units_backordered: i64,
    /// Units cancelled under a "cancel the rest" policy.
    pub units_cancelled: i64,
}

/// The `allocate` command: serves every waiting order.
pub fn allocate(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<AllocationSummary, ApiError> {
    run(ctx, Scope::All)
}

/// Serves the waiting orders in `scope` in priority order from what the bins can still
/// promise, and moves each order whose policy allows it to `allocated`.
///
/// The reservations and status changes of a run are written a set at a time: on PostgreSQL a
/// statement per order would be a round trip per order.
pub fn run(ctx: &mut Ctx<'_>, scope: Scope) -> Result<AllocationSummary, ApiError> {
    let default_policy = settings::load(ctx)?.orders.backorder_policy;
    let Waiting { needs, orders: waiting } = waiting_orders(ctx, &scope, default_policy)?;
    if needs.is_empty() {
        return Ok(AllocationSummary::default());
    }
    let products: BTreeSet<i64> =
        needs.iter().flat_map(|o| o.lines.iter().map(|l| l.product_id)).collect();
    let mut stock = promisable_stock(ctx, &products)?;
    let mut summary = AllocationSummary { orders: needs.len() as u32, ..Default::default() };
    let outcomes = allocation::allocate(needs, &mut stock);
    let promises: Vec<NewReservation> = outcomes
        .iter()
        .flat_map(|o| &o.reserved)
        .map(|r| NewReservation {
            line_id: r.line_id,
            product_id: r.product_id,
            location_id: r.location_id,
            qty: r.qty,
        })
        .collect();
    reservations::insert_many(ctx, &promises)?;
    summary.units_reserved = promises.iter().map(|p| p.qty).sum();
    let touched: BTreeSet<i64> = promises.iter().map(|p| p.product_id).collect();
    let mut moves = Vec::new();
    for outcome in outcomes {
        summary.units_cancelled += cancel_lines(ctx, outcome.order_id, &outcome.cancel)?;
        let open: i64 = outcome.short.iter().map(|s| s.1).sum();
        summary.units_backordered += open;
        let order = &waiting[&outcome.order_id];
        let next = match (order.status, outcome.ready) {
            (OrderStatus::Released, true) => Some((
                OrderStatus::Allocated,
                if open == 0 {
                    "stock reserved".to_owned()
                } else {
                    format!("stock reserved in part; {open} units back-ordered")
                },
            )),
            (OrderStatus::Allocated, false) => {
                Some((OrderStatus::Released, "waiting for stock again".to_owned()))
            }
            _ => None,
        };
        if let Some((to, reason)) = next {
            moves.push(orders::Move { order_id: outcome.order_id, from: order.status, to, reason });
        }
    }
    orders::advance_many(ctx, &moves)?;
    for m in &moves {
        if m.to == OrderStatus::Allocated {
            summary.allocated += 1;
        }
        ctx.emit(Event::OrderChanged { number: waiting[&m.order_id].number.clone(), status: m.to });
    }
    if !touched.is_empty() {
        let skus = skus_of(ctx, &touched)?;
        ctx.emit(Event::StockChanged { skus });
    }
    Ok(summary)
}

/// Cancels the open quantity of some lines, recording it on the order; returns the units.
fn cancel_lines(ctx: &Ctx<'_>, order_id: i64, lines: &[(i64, i64)]) -> Result<i64, ApiError> {
    let mut units = 0;
    for &(line_id, qty) in lines {
        order_lines::add(ctx, line_id, Counter::Cancelled, qty)?;
        units += qty;
    }
    if units > 0 {
        orders::note(
            ctx,
            order_id,
            &format!("{units} units not in stock were cancelled (policy: cancel the rest)"),
        )?;
    }
    Ok(units)
}

/// The orders a run serves: what each needs, and its status and number.
struct Waiting {
    needs: Vec<OrderNeed>,
    orders: HashMap<i64, WaitingOrder>,
}

struct WaitingOrder {
    status: OrderStatus,
    number: String,
}

/// Orders in scope that are released or allocated, hold no open hold, and have a line with
/// something open, with those lines.
fn waiting_orders(
    ctx: &Ctx<'_>,
    scope: &Scope,
    default_policy: BackorderPolicy,
) -> Result<Waiting, ApiError> {
    let (filter, ids) = match scope {
        Scope::All => ("1 = 1", Vec::new()),
        Scope::Orders(ids) => {
            ("o.id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1))", ids.clone())
        }
        Scope::Products(ids) => (
            "o.id IN (SELECT order_id FROM order_lines
                      WHERE product_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)))",
            ids.clone(),
        ),
    };
    // An order being picked is served again only when named, after a short pick; stock that
    // arrives does not change a list a picker is walking.
    let picking = matches!(scope, Scope::Orders(_));
    let ids = json_list(&ids);
    // Every line of the orders is read, open or not: whether an order already holds stock (a
    // line reserved or picked) is seen from its lines here rather than asked per line.
    let mut stmt = ctx.tx.prepare(&format!(
        "WITH reserved AS (SELECT order_line_id, sum(qty) AS qty FROM reservations GROUP BY order_line_id)
         SELECT o.id, o.priority, o.ship_by, o.placed_at, o.backorder_policy,
                ol.id, ol.product_id,
                ol.qty - ol.cancelled_qty - ol.picked_qty - ol.shipped_qty - coalesce(r.qty, 0),
                CASE WHEN r.qty > 0 OR ol.picked_qty > 0 THEN 1 ELSE 0 END,
                o.status, o.number
         FROM orders o
         JOIN order_lines ol ON ol.order_id = o.id
         LEFT JOIN reserved r ON r.order_line_id = ol.id
         WHERE (o.status IN ('released', 'allocated') OR (o.status = 'picking' AND {picking}))
           AND ({filter})
         ORDER BY o.id, ol.line_no"
    ))?;
    let mut rows = if matches!(scope, Scope::All) { stmt.query([])? } else { stmt.query([ids])? };
    let mut needs: Vec<OrderNeed> = Vec::new();
    let mut orders = HashMap::new();
    while let Some(r) = rows.next()? {
        let order_id: i64 = r.get(0)?;
        if needs.last().is_none_or(|o| o.order_id != order_id) {
            let policy: Option<String> = r.get(4)?;
            let status: String = r.get(9)?;
            let status = OrderStatus::parse(&status).unwrap_or(OrderStatus::New);
            orders.insert(order_id, WaitingOrder { status, number: r.get(10)? });
            needs.push(OrderNeed {
                order_id,
                priority: Priority {
                    manual: r.get(1)?,
                    ship_by: r.get(2)?,
                    placed_at: r.get(3)?,
                    order_id,
                },
                policy: policy
                    .as_deref()
                    .and_then(BackorderPolicy::parse)
                    .unwrap_or(default_policy),
                lines: Vec::new(),
                holds_stock: false,
            });
        }
        let order = needs.last_mut().expect("an order was pushed for this row");
        order.holds_stock |= r.get::<_, bool>(8)?;
        let line = LineNeed { line_id: r.get(5)?, product_id: r.get(6)?, open: r.get(7)? };
        if line.open > 0 {
            order.lines.push(line);
        }
    }
    // An order with nothing open waits for nothing.
    needs.retain(|o| {
        let open = !o.lines.is_empty();
        if !open {
            orders.remove(&o.order_id);
        }
        open
    });
    Ok(Waiting { needs, orders })
}

/// What each pick bin can still promise of these products, with its walk from the depot. A bin
/// waiting for a count promises nothing new: its on-hand is in doubt until the count is approved.
fn promisable_stock(
    ctx: &Ctx<'_>,
    products: &BTreeSet<i64>,
) -> Result<HashMap<i64, Vec<BinStock>>, ApiError> {
    let layout = crate::inventory::warehouse::current_layout(ctx)?;
    let ids = json_list(products);
    let mut stmt = ctx.tx.prepare(
        "WITH wanted AS (SELECT CAST(value AS BIGINT) AS product_id FROM json_each(?1)),
              reserved AS (SELECT product_id, location_id, sum(qty) AS qty FROM reservations
                           WHERE product_id IN (SELECT product_id FROM wanted) GROUP BY product_id, location_id)
         SELECT s.product_id, s.location_id, s.on_hand - coalesce(r.qty, 0),
                l.aisle, l.block, l.slot, l.side
         FROM stock s
         JOIN locations l ON l.id = s.location_id AND l.kind = 'bin' AND l.active = 1
         LEFT JOIN reserved r ON r.product_id = s.product_id AND r.location_id = s.location_id
         WHERE s.product_id IN (SELECT product_id FROM wanted) AND s.on_hand - coalesce(r.qty, 0) > 0
           AND NOT EXISTS (SELECT 1 FROM count_tasks c WHERE c.location_id = s.location_id
                           AND c.status IN ('open', 'recount', 'counted'))",
    )?;
    let mut rows = stmt.query([ids])?;
    let mut stock: HashMap<i64, Vec<BinStock>> = HashMap::new();
    while let Some(r) = rows.next()? {
        let side: String = r.get(6)?;
        let bin = BinCode {
            aisle: r.get(3)?,
            block: r.get(4)?,
            slot: r.get(5)?,
            side: if side == "L" { Side::Left } else { Side::Right },
        };
        let walk = match &layout {
            Some(layout) if layout.contains(&bin) => distance(layout, Stop::Depot, Stop::Bin(bin)),
            _ => f64::MAX,
        };
        stock.entry(r.get(0)?).or_default().push(BinStock {
            location_id: r.get(1)?,
            available: r.get(2)?,
            walk,
        });
    }
    Ok(stock)
}

/// Gives back every reservation of an order (it was held or cancelled) and offers the stock to
/// the orders waiting for it.
pub fn release_order_stock(ctx: &mut Ctx<'_>, order_id: i64) -> Result<(), ApiError> {
    let mut stmt = ctx.tx.prepare(
        "SELECT DISTINCT r.product_id FROM reservations r
         JOIN order_lines ol ON ol.id = r.order_line_id WHERE ol.order_id = ?1",
    )?;
    let products: Vec<i64> = stmt.query_map([order_id], |r| r.get(0))?.collect::<Result<_, _>>()?;
    drop(stmt);
    if products.is_empty() {
        return Ok(());
    }
    reservations::delete_of_order(ctx, order_id)?;
    run(ctx, Scope::Products(products))?;
    Ok(())
}

/// Brings the reservations in one bin back within what it holds, after stock left it in a way
/// allocation did not plan (a count found less, a picker found the bin short). The orders last
/// in line give up their promise first, and are then served again from other bins.
pub fn fit_to_bin(ctx: &mut Ctx<'_>, product_id: i64, location_id: i64) -> Result<(), ApiError> {
    let on_hand: i64 = ctx.query_row(
        "SELECT coalesce((SELECT on_hand FROM stock WHERE product_id = ?1 AND location_id = ?2), 0)",
        [product_id, location_id],
        |r| r.get(0),
    )?;
    let mut stmt = ctx.tx.prepare(
        "SELECT r.id, r.qty, o.id FROM reservations r
         JOIN order_lines ol ON ol.id = r.order_line_id
         JOIN orders o ON o.id = ol.order_id
         WHERE r.product_id = ?1 AND r.location_id = ?2
         ORDER BY o.priority DESC, o.ship_by IS NULL, o.ship_by, o.placed_at, o.id",
    )?;
    let reservations: Vec<(i64, i64, i64)> = stmt
        .query_map([product_id, location_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    drop(stmt);
    let mut keep = on_hand;
    let mut affected = Vec::new();
    for (id, qty, order_id) in reservations {
        let kept = qty.min(keep.max(0));
        keep -= kept;
        if kept == qty {
            continue;
        }
        reservations::reduce_to(ctx, id, kept)?;
        affected.push(order_id);
    }
    if !affected.is_empty() {
        run(ctx, Scope::Orders(affected))?;
    }
    Ok(())
}

fn skus_of(ctx: &Ctx<'_>, products: &BTreeSet<i64>) -> Result<Vec<String>, ApiError> {
    let ids = json_list(products);
    let mut stmt = ctx.tx.prepare(
        "SELECT sku FROM products WHERE id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1))
         ORDER BY sku",
    )?;
    let skus = stmt.query_map([ids], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(skus)
}
