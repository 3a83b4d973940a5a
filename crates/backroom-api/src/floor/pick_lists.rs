//! Pick lists: allocated orders grouped onto carts by [`backroom_core::batching`], each order in
//! its own tote, and each list shown as stops in walking order. A manager plans a wave (every
//! allocated order onto carts); a picker takes the next list for themselves, which plans one
//! cart when none is waiting. Picking itself is the `pick` command; a list is done when none of
//! its orders is left to pick.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::store::{OptionalExtension, params};
use backroom_core::batching::{self, Cart, OrderLoad};
use backroom_core::layout::{BinCode, Layout};
use backroom_core::order::OrderStatus;
use backroom_core::routing::{self, Method, Pick};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::context::Ctx;
use crate::error::ApiError;
use crate::events::{Changed, Event};
use crate::{inventory::warehouse, orders};

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct PlanPicks {
    /// Totes on one cart, one order per tote.
    #[serde(default)]
    pub totes: Option<u32>,
    /// Most units one tote takes; larger orders are picked on a list of their own.
    #[serde(default)]
    pub tote_max_units: Option<i64>,
    /// Most grams one tote takes.
    #[serde(default)]
    pub tote_max_grams: Option<f64>,
    /// Orders to plan; every allocated order not yet on a list when absent or empty.
    #[serde(default)]
    pub orders: Option<Vec<String>>,
    /// At most this many orders, first in line first (200 when absent).
    #[serde(default)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct TakePickList {
    /// Totes on the cart, when a list has to be planned for this picker (8 when absent).
    #[serde(default)]
    pub totes: Option<u32>,
}

/// Where a pick list is: waiting for a picker, being picked, picked, or cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PickListStatus {
    Open,
    Picking,
    Done,
    Cancelled,
}

impl PickListStatus {
    const ALL: [PickListStatus; 4] = [
        PickListStatus::Open,
        PickListStatus::Picking,
        PickListStatus::Done,
        PickListStatus::Cancelled,
    ];

    /// The word the database keeps.
    pub fn as_str(self) -> &'static str {
        match self {
            PickListStatus::Open => "open",
            PickListStatus::Picking => "picking",
            PickListStatus::Done => "done",
            PickListStatus::Cancelled => "cancelled",
        }
    }
}

impl crate::store::ToSql for PickListStatus {
    fn to_sql(&self) -> crate::store::Result<crate::store::ValueRef<'_>> {
        Ok(crate::store::ValueRef::Text(self.as_str()))
    }
}

impl crate::store::FromSql for PickListStatus {
    fn column_result(value: crate::store::ValueRef<'_>) -> crate::store::Result<Self> {
        let word = <String as crate::store::FromSql>::column_result(value)?;
        PickListStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == word)
            .ok_or_else(|| crate::store::Error::Conversion(format!("no pick list status {word}")))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PickListSummary {
    pub id: i64,
    pub status: PickListStatus,
    pub totes: u32,
    pub orders: u32,
    /// Distinct bins to visit.
    pub bins: u32,
    pub units: i64,
    pub distance_m: f64,
    pub created_at: String,
    /// Who took the list; none for a list of a wave still waiting for a picker.
    pub taken_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PickPlan {
    pub lists: Vec<PickListSummary>,
    /// Walking of the planned lists.
    pub distance_m: f64,
    /// Walking of first-come-first-served carts of the same size, scored the same way.
    pub fcfs_distance_m: f64,
    /// How both were scored: `optimal` tours, or `largest-gap` tours for a large wave.
    pub scored_by: Method,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct PickListRef {
    pub id: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct PickListQuery {
    /// Open and picking lists when absent.
    #[serde(default)]
    pub status: Option<PickListStatus>,
}

/// One order on a list and the tote it goes into.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ToteOrder {
    pub tote: u32,
    pub number: String,
    pub status: OrderStatus,
}

/// One thing to pick at one bin for one order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PickStop {
    /// Position in the walk, from 1; stops at the same bin share it.
    pub seq: u32,
    pub bin: String,
    pub aisle: u32,
    pub block: u32,
    pub slot: u32,
    pub side: String,
    pub sku: String,
    pub name: String,
    pub order: String,
    pub tote: u32,
    /// Still to pick here.
    pub qty: i64,
    /// Already picked here for this order.
    pub picked: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PickListView {
    pub summary: PickListSummary,
    pub orders: Vec<ToteOrder>,
    /// In walking order; a picker works down the list.
    pub stops: Vec<PickStop>,
    /// The layout, to draw the map and the route.
    pub layout: Layout,
}

/// Plans carts for the allocated orders and records them as open pick lists.
pub fn plan_pick_lists(ctx: &mut Ctx<'_>, req: PlanPicks) -> Result<PickPlan, ApiError> {
    let layout = warehouse_layout(ctx)?;
    let cart = Cart {
        totes: req.totes.unwrap_or(8).clamp(1, 64) as usize,
        tote_units: req.tote_max_units,
        tote_grams: req.tote_max_grams,
    };
    let candidates = candidates(ctx, &req)?;
    if candidates.is_empty() {
        return Err(ApiError::conflict(
            "no allocated order is waiting for a pick list; release and allocate orders first",
        ));
    }
    let (plan, score) = batch(&layout, &candidates, cart)?;
    let mut lists = Vec::new();
    for batch in &plan.batches {
        let id = record_list(ctx, &candidates, batch, cart, None)?;
        lists.push(summary(ctx, id)?);
    }
    ctx.emit(Event::DataChanged { what: Changed::PickLists });
    Ok(PickPlan {
        lists,
        distance_m: plan.distance_m,
        fcfs_distance_m: plan.fcfs_distance_m,
        scored_by: score,
    })
}

/// Gives the picker their next list: the one they already took and have not finished, else the
/// oldest list of a wave that no one has started, else one cart planned now from the allocated
/// orders. Writes take turns, so two pickers never get the same list or the same order.
pub fn take_pick_list(ctx: &mut Ctx<'_>, req: TakePickList) -> Result<PickListView, ApiError> {
    let me = ctx.operator_id();
    let id = match (mine(ctx, me)?, waiting(ctx)?) {
        (Some(id), _) => id,
        (None, Some(id)) => {
            ctx.execute("UPDATE pick_lists SET taken_by = ?2 WHERE id = ?1", params![id, me])?;
            ctx.emit(Event::DataChanged { what: Changed::PickLists });
            id
        }
        (None, None) => {
            let id = plan_one_cart(ctx, req.totes, me)?;
            ctx.emit(Event::DataChanged { what: Changed::PickLists });
            id
        }
    };
    get_pick_list(ctx, PickListRef { id })
}

/// The unfinished list this operator took, if any.
fn mine(ctx: &Ctx<'_>, me: Option<i64>) -> Result<Option<i64>, ApiError> {
    let Some(me) = me else { return Ok(None) };
    Ok(ctx
        .query_row(
            "SELECT id FROM pick_lists WHERE taken_by = ?1 AND status IN ('open', 'picking')
             ORDER BY id LIMIT 1",
            [me],
            |r| r.get(0),
        )
        .optional()?)
}

/// The oldest list no one has taken or started.
fn waiting(ctx: &Ctx<'_>) -> Result<Option<i64>, ApiError> {
    Ok(ctx
        .query_row(
            "SELECT id FROM pick_lists WHERE taken_by IS NULL AND status = 'open'
             ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?)
}

/// Plans the carts as a wave would and keeps only the one holding the first order in line, so
/// urgent orders go out first and their neighbours ride along.
fn plan_one_cart(ctx: &mut Ctx<'_>, totes: Option<u32>, me: Option<i64>) -> Result<i64, ApiError> {
    let layout = warehouse_layout(ctx)?;
    let cart = Cart {
        totes: totes.unwrap_or(8).clamp(1, 64) as usize,
        tote_units: None,
        tote_grams: None,
    };
    let candidates = candidates(
        ctx,
        &PlanPicks { totes, tote_max_units: None, tote_max_grams: None, orders: None, limit: None },
    )?;
    if candidates.is_empty() {
        return Err(ApiError::conflict("nothing to pick: no allocated order is waiting"));
    }
    let (plan, _) = batch(&layout, &candidates, cart)?;
    let first = plan
        .batches
        .iter()
        .find(|b| b.orders.contains(&0))
        .ok_or_else(|| ApiError::storage("the plan left out the first order in line"))?;
    record_list(ctx, &candidates, first, cart, me)
}

fn warehouse_layout(ctx: &Ctx<'_>) -> Result<Layout, ApiError> {
    warehouse::current_layout(ctx)?
        .ok_or_else(|| ApiError::invalid("there is no warehouse layout yet; set one in Manage"))
}

/// Batches the candidates onto carts, scored by the method their number allows.
fn batch(
    layout: &Layout,
    candidates: &[Candidate],
    cart: Cart,
) -> Result<(batching::Plan, Method), ApiError> {
    let loads: Vec<OrderLoad> = candidates.iter().map(|c| c.load.clone()).collect();
    // Optimal tours score a few carts well within a second; a big wave is scored on
    // largest-gap tours, and each list's optimal route is planned when it is opened.
    let score = if loads.len() <= 120 { Method::Optimal } else { Method::LargestGap };
    let plan = batching::plan(layout, &loads, cart, score)
        .map_err(|e| ApiError::invalid(format!("the orders cannot be routed: {e}")))?;
    Ok((plan, score))
}

/// Records one batch as an open list, taken by `taken_by` when a picker took it.
fn record_list(
    ctx: &Ctx<'_>,
    candidates: &[Candidate],
    batch: &batching::Batch,
    cart: Cart,
    taken_by: Option<i64>,
) -> Result<i64, ApiError> {
    let id: i64 = ctx.query_row(
        "INSERT INTO pick_lists (status, totes, distance_m, created_at, created_by, taken_by)
         VALUES ('open', ?1, ?2, ?3, ?4, ?5) RETURNING id",
        params![cart.totes as i64, batch.distance_m, ctx.now_text(), ctx.operator_id(), taken_by],
        |r| r.get(0),
    )?;
    for (tote, &k) in batch.orders.iter().enumerate() {
        ctx.execute(
            "INSERT INTO pick_list_orders (list_id, order_id, tote) VALUES (?1, ?2, ?3)",
            params![id, candidates[k].order_id, tote as i64 + 1],
        )?;
    }
    Ok(id)
}

/// An order that may go on a list, with what it weighs and where its stock is reserved.
struct Candidate {
    order_id: i64,
    load: OrderLoad,
}

/// Allocated orders with reservations and on no open list, first in line first.
fn candidates(ctx: &Ctx<'_>, req: &PlanPicks) -> Result<Vec<Candidate>, ApiError> {
    let named: Vec<i64> = req
        .orders
        .iter()
        .flatten()
        .map(|number| orders::order_id(ctx, number))
        .collect::<Result<_, _>>()?;
    let named_json = crate::store::json_list(&named);
    let mut stmt = ctx.tx.prepare(
        "SELECT o.id, l.aisle, l.block, l.slot, l.side, r.qty, coalesce(p.unit_weight_g, 0)
         FROM orders o
         JOIN order_lines ol ON ol.order_id = o.id
         JOIN reservations r ON r.order_line_id = ol.id
         JOIN locations l ON l.id = r.location_id AND l.kind = 'bin'
         JOIN products p ON p.id = r.product_id
         WHERE o.status = 'allocated'
           AND (NOT EXISTS (SELECT 1 FROM json_each(?1))
                OR o.id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)))
           AND NOT EXISTS (SELECT 1 FROM pick_list_orders plo JOIN pick_lists pl ON pl.id = plo.list_id
                           WHERE plo.order_id = o.id AND pl.status IN ('open', 'picking'))
         ORDER BY o.priority DESC, o.ship_by IS NULL, o.ship_by, o.placed_at, o.id",
    )?;
    let limit = req.limit.unwrap_or(200).clamp(1, 2000) as usize;
    let mut rows = stmt.query([named_json])?;
    let mut out: Vec<Candidate> = Vec::new();
    while let Some(r) = rows.next()? {
        let order_id: i64 = r.get(0)?;
        let side: String = r.get(4)?;
        let bin = BinCode {
            aisle: r.get(1)?,
            block: r.get(2)?,
            slot: r.get(3)?,
            side: if side == "L" {
                backroom_core::layout::Side::Left
            } else {
                backroom_core::layout::Side::Right
            },
        };
        let (qty, grams): (i64, f64) = (r.get(5)?, r.get(6)?);
        if out.last().is_none_or(|c| c.order_id != order_id) {
            if out.len() == limit {
                break;
            }
            out.push(Candidate {
                order_id,
                load: OrderLoad { bins: Vec::new(), units: 0, grams: 0.0 },
            });
        }
        let load = &mut out.last_mut().expect("pushed above").load;
        load.bins.push(bin);
        load.units += qty;
        load.grams += grams * qty as f64;
    }
    Ok(out)
}

fn summary(ctx: &Ctx<'_>, id: i64) -> Result<PickListSummary, ApiError> {
    let (status, totes, distance_m, created_at, taken_by): (
        PickListStatus,
        u32,
        f64,
        String,
        Option<String>,
    ) = ctx
        .query_row(
            "SELECT pl.status, pl.totes, pl.distance_m, pl.created_at, op.name
             FROM pick_lists pl LEFT JOIN operators op ON op.id = pl.taken_by WHERE pl.id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .map_err(|e| match e {
            crate::store::Error::QueryReturnedNoRows => {
                ApiError::not_found(format!("there is no pick list {id}"))
            }
            e => e.into(),
        })?;
    let (orders, bins, units): (u32, u32, i64) = ctx.query_row(
        "SELECT (SELECT count(*) FROM pick_list_orders WHERE list_id = ?1),
                count(DISTINCT r.location_id), coalesce(sum(r.qty), 0)
         FROM pick_list_orders plo
         JOIN order_lines ol ON ol.order_id = plo.order_id
         JOIN reservations r ON r.order_line_id = ol.id
         WHERE plo.list_id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(PickListSummary { id, status, totes, orders, bins, units, distance_m, created_at, taken_by })
}

/// Pick lists, newest first.
pub fn list_pick_lists(
    ctx: &mut Ctx<'_>,
    q: PickListQuery,
) -> Result<Vec<PickListSummary>, ApiError> {
    let mut stmt = ctx.tx.prepare(
        "SELECT id FROM pick_lists
         WHERE (CAST(?1 AS TEXT) IS NULL AND status IN ('open', 'picking')) OR status = ?1
         ORDER BY id DESC LIMIT 500",
    )?;
    let ids: Vec<i64> = stmt.query_map([q.status], |r| r.get(0))?.collect::<Result<_, _>>()?;
    drop(stmt);
    ids.into_iter().map(|id| summary(ctx, id)).collect()
}

/// One list with its orders, totes and stops in walking order.
pub fn get_pick_list(ctx: &mut Ctx<'_>, req: PickListRef) -> Result<PickListView, ApiError> {
    let summary = summary(ctx, req.id)?;
    let layout = warehouse::current_layout(ctx)?
        .ok_or_else(|| ApiError::invalid("there is no warehouse layout yet; set one in Manage"))?;
    let orders = tote_orders(ctx, req.id)?;
    let mut stops = stops(ctx, req.id)?;
    order_by_route(&layout, &mut stops)?;
    Ok(PickListView { summary, orders, stops, layout })
}

/// The order numbers of a pick list, tote by tote.
pub fn orders_in_tote_order(ctx: &Ctx<'_>, id: i64) -> Result<Vec<String>, ApiError> {
    summary(ctx, id)?;
    Ok(tote_orders(ctx, id)?.into_iter().map(|o| o.number).collect())
}

fn tote_orders(ctx: &Ctx<'_>, id: i64) -> Result<Vec<ToteOrder>, ApiError> {
    let mut stmt = ctx.tx.prepare(
        "SELECT plo.tote, o.number, o.status FROM pick_list_orders plo
         JOIN orders o ON o.id = plo.order_id WHERE plo.list_id = ?1 ORDER BY plo.tote",
    )?;
    let rows = stmt
        .query_map([id], |r| {
            let status: String = r.get(2)?;
            Ok(ToteOrder {
                tote: r.get(0)?,
                number: r.get(1)?,
                status: OrderStatus::parse(&status).unwrap_or(OrderStatus::Allocated),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// What is left to pick (the reservations) and what was picked (the pick movements) for the
/// list's orders, per order, product and bin.
fn stops(ctx: &Ctx<'_>, id: i64) -> Result<Vec<PickStop>, ApiError> {
    let mut stmt = ctx.tx.prepare(
        "WITH list AS (SELECT plo.order_id, plo.tote, pl.created_at FROM pick_list_orders plo
                       JOIN pick_lists pl ON pl.id = plo.list_id WHERE plo.list_id = ?1),
         todo AS (SELECT ol.order_id, r.product_id, r.location_id, sum(r.qty) AS qty
                  FROM reservations r JOIN order_lines ol ON ol.id = r.order_line_id
                  WHERE ol.order_id IN (SELECT order_id FROM list)
                  GROUP BY ol.order_id, r.product_id, r.location_id),
         done AS (SELECT m.order_id, m.product_id, m.from_location_id AS location_id, sum(m.qty) AS qty
                  FROM movements m JOIN list ON list.order_id = m.order_id
                  WHERE m.kind = 'pick' AND m.at >= list.created_at
                  GROUP BY m.order_id, m.product_id, m.from_location_id),
         keys AS (SELECT order_id, product_id, location_id FROM todo
                  UNION SELECT order_id, product_id, location_id FROM done)
         SELECT l.code, l.aisle, l.block, l.slot, l.side, p.sku, p.name, o.number, list.tote,
                coalesce(todo.qty, 0), coalesce(done.qty, 0)
         FROM keys
         JOIN list ON list.order_id = keys.order_id
         JOIN orders o ON o.id = keys.order_id
         JOIN products p ON p.id = keys.product_id
         JOIN locations l ON l.id = keys.location_id AND l.kind = 'bin'
         LEFT JOIN todo ON todo.order_id = keys.order_id AND todo.product_id = keys.product_id
                       AND todo.location_id = keys.location_id
         LEFT JOIN done ON done.order_id = keys.order_id AND done.product_id = keys.product_id
                       AND done.location_id = keys.location_id
         ORDER BY l.code, list.tote, p.sku",
    )?;
    let rows = stmt
        .query_map([id], |r| {
            Ok(PickStop {
                seq: 0,
                bin: r.get(0)?,
                aisle: r.get(1)?,
                block: r.get(2)?,
                slot: r.get(3)?,
                side: r.get(4)?,
                sku: r.get(5)?,
                name: r.get(6)?,
                order: r.get(7)?,
                tote: r.get(8)?,
                qty: r.get(9)?,
                picked: r.get(10)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Sorts the stops along the optimal tour through their bins and numbers them.
fn order_by_route(layout: &Layout, stops: &mut [PickStop]) -> Result<(), ApiError> {
    let bins: BTreeSet<&str> = stops.iter().map(|s| s.bin.as_str()).collect();
    let picks: Vec<Pick> = bins
        .iter()
        .map(|code| {
            let bin: BinCode = code.parse().map_err(|e| ApiError::storage(format!("{e}")))?;
            Ok(Pick { id: (*code).to_owned(), bin })
        })
        .collect::<Result<_, ApiError>>()?;
    if picks.is_empty() {
        return Ok(());
    }
    let route = routing::route(layout, &picks, Method::Optimal)
        .map_err(|e| ApiError::invalid(format!("the list cannot be routed: {e}")))?;
    let position: HashMap<String, u32> = route
        .sequence
        .iter()
        .enumerate()
        .map(|(seq, &k)| (picks[k].id.clone(), seq as u32 + 1))
        .collect();
    for stop in stops.iter_mut() {
        stop.seq = position[&stop.bin];
    }
    stops.sort_by_key(|s| (s.seq, s.tote));
    Ok(())
}

/// After a pick: the order's list is being picked, and done once none of its orders is left
/// to pick.
pub fn after_pick(ctx: &Ctx<'_>, order_id: i64) -> Result<(), ApiError> {
    let lists: BTreeMap<i64, String> = {
        let mut stmt = ctx.tx.prepare_cached(
            "SELECT pl.id, pl.status FROM pick_lists pl JOIN pick_list_orders plo ON plo.list_id = pl.id
             WHERE plo.order_id = ?1 AND pl.status IN ('open', 'picking')",
        )?;
        stmt.query_map([order_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?
    };
    for (id, _) in lists {
        let open: bool = ctx.query_row(
            "SELECT count(*) > 0 FROM pick_list_orders plo JOIN orders o ON o.id = plo.order_id
             WHERE plo.list_id = ?1 AND o.status IN ('allocated', 'picking')",
            [id],
            |r| r.get(0),
        )?;
        let status = if open { PickListStatus::Picking } else { PickListStatus::Done };
        ctx.execute("UPDATE pick_lists SET status = ?2 WHERE id = ?1", params![id, status])?;
    }
    Ok(())
}
