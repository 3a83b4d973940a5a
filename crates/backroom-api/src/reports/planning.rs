//! Stock levels and stock planning: for every product what is on hand, promised, available,
//! back-ordered and in quarantine, how many days that covers at the demand the order history
//! shows (imported orders the shop had already sent included), and what `backroom_core::planning` makes of it for the store's service level
//! (settings `planning`): safety stock, reorder point, order-up-to level, a suggested purchase,
//! and what-if runs at other demand levels.

use std::collections::HashMap;

use crate::store::params;
use backroom_core::planning::{
    self, ProductInput, ProductPlan, Scenario, ScenarioOutcome, WhatIfOptions,
};
use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::admin::settings::{self, PlanningSettings, StoreSettings};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::events::{Changed, Event};

/// Which products to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StockFilter {
    #[default]
    All,
    /// At or below the reorder point: time to buy.
    Reorder,
    /// None available in the pick bins.
    Out,
    /// Customers are waiting for it.
    Backordered,
}

/// How to sort the list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StockSort {
    #[default]
    Sku,
    /// Fewest days of cover first: what runs out soonest.
    Cover,
    /// Largest suggested purchase first.
    Suggested,
    /// Most back-ordered first.
    Backordered,
    /// Fastest sellers first.
    Demand,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct StockLevelQuery {
    /// Part of a SKU, name or category; everything when empty.
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub filter: StockFilter,
    #[serde(default)]
    pub sort: StockSort,
    /// 100 when absent, at most 5,000.
    #[serde(default)]
    pub limit: Option<u32>,
    #[serde(default)]
    pub offset: Option<u32>,
}

/// One product's stock and plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StockLevel {
    pub sku: String,
    pub name: String,
    pub category: String,
    /// Everything in the building.
    pub on_hand: i64,
    /// Promised to orders.
    pub reserved: i64,
    /// In pick bins and not promised.
    pub available: i64,
    /// Ordered by customers and not yet reserved.
    pub backordered: i64,
    /// On hand in quarantine: not for sale until a manager decides.
    pub quarantine: i64,
    /// Expected from suppliers and not yet received.
    pub on_order: i64,
    pub lead_time_days: f64,
    pub plan: ProductPlan,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StockLevelPage {
    /// Products matching the text and filter.
    pub total: u32,
    pub rows: Vec<StockLevel>,
    /// Across every product matching the text: how many are at or below their reorder
    /// point, out of stock, and back-ordered.
    pub reorder: u32,
    pub out: u32,
    pub backordered: u32,
    /// Out of stock in the pick bins while customers wait for it.
    pub stockouts: u32,
    /// The service level the plans are for.
    pub service_level: f64,
    pub history_days: u32,
}

/// A what-if for one product across demand levels.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct WhatIf {
    pub sku: String,
    /// Demand multipliers; 1.0, 1.2 and 1.5 when absent. A holiday peak (three weeks at
    /// twice the demand, a week from now) is always added.
    #[serde(default)]
    pub levels: Option<Vec<f64>>,
    /// Days simulated; 90 when absent.
    #[serde(default)]
    pub horizon_days: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WhatIfResult {
    pub level: StockLevel,
    pub outcomes: Vec<ScenarioOutcome>,
}

/// A supplier lead time for a product; `None` falls back to the store's default.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct SetLeadTime {
    pub sku: String,
    #[serde(default)]
    pub days: Option<f64>,
    #[serde(default)]
    pub sd_days: Option<f64>,
}

/// Per line of an order released to the floor, the units it still waits for: ordered, less
/// what is picked, shipped, cancelled or reserved. Back orders are counted from this alone.
pub(crate) const WAITING_LINES: &str = "SELECT ol.order_id, ol.product_id,
        CASE WHEN ol.qty - ol.picked_qty - ol.shipped_qty - ol.cancelled_qty - coalesce(lr.qty, 0) < 0
             THEN 0
             ELSE ol.qty - ol.picked_qty - ol.shipped_qty - ol.cancelled_qty - coalesce(lr.qty, 0)
        END AS waiting
     FROM order_lines ol JOIN orders o ON o.id = ol.order_id
     LEFT JOIN (SELECT order_line_id, sum(qty) AS qty FROM reservations GROUP BY order_line_id) lr
            ON lr.order_line_id = ol.id
     WHERE o.status IN ('released', 'allocated', 'picking', 'picked', 'packed')";

/// What the SQL gives per product, before planning.
pub(crate) struct Row {
    id: i64,
    pub(crate) sku: String,
    pub(crate) name: String,
    category: String,
    on_hand: i64,
    in_bins: i64,
    quarantine: i64,
    pub(crate) reserved: i64,
    pub(crate) backordered: i64,
    pub(crate) on_order: i64,
    lead_time_days: Option<f64>,
    lead_time_sd_days: Option<f64>,
}

impl Row {
    /// In pick bins and not promised.
    pub(crate) fn available(&self) -> i64 {
        (self.in_bins - self.reserved).max(0)
    }
}

pub fn stock_levels(ctx: &mut Ctx<'_>, q: StockLevelQuery) -> Result<StockLevelPage, ApiError> {
    let settings = settings::load(ctx)?.planning;
    let rows = product_rows(ctx, &q.text, None)?;
    let levels = plan_rows(ctx, &settings, rows)?;
    let count = |keep: fn(&StockLevel) -> bool| levels.iter().filter(|l| keep(l)).count() as u32;
    let (reorder, out, backordered) =
        (count(needs_reorder), count(|l| l.available <= 0), count(|l| l.backordered > 0));
    let stockouts = count(|l| l.available <= 0 && l.backordered > 0);
    let mut rows: Vec<StockLevel> = levels
        .into_iter()
        .filter(|l| match q.filter {
            StockFilter::All => true,
            StockFilter::Reorder => needs_reorder(l),
            StockFilter::Out => l.available <= 0,
            StockFilter::Backordered => l.backordered > 0,
        })
        .collect();
    sort(&mut rows, q.sort);
    let total = rows.len() as u32;
    let offset = q.offset.unwrap_or(0) as usize;
    let limit = q.limit.unwrap_or(100).min(5000) as usize;
    let rows = rows.into_iter().skip(offset).take(limit).collect();
    Ok(StockLevelPage {
        total,
        rows,
        reorder,
        out,
        backordered,
        stockouts,
        service_level: settings.service_level,
        history_days: settings.history_days,
    })
}

fn needs_reorder(l: &StockLevel) -> bool {
    l.plan.below_reorder_point
}

fn sort(rows: &mut [StockLevel], by: StockSort) {
    let cover = |l: &StockLevel| l.plan.days_of_cover.unwrap_or(f64::INFINITY);
    match by {
        StockSort::Sku => rows.sort_by(|a, b| a.sku.cmp(&b.sku)),
        StockSort::Cover => {
            rows.sort_by(|a, b| cover(a).total_cmp(&cover(b)).then(a.sku.cmp(&b.sku)))
        }
        StockSort::Suggested => rows.sort_by(|a, b| {
            b.plan.suggested_qty.total_cmp(&a.plan.suggested_qty).then(a.sku.cmp(&b.sku))
        }),
        StockSort::Backordered => {
            rows.sort_by(|a, b| b.backordered.cmp(&a.backordered).then(a.sku.cmp(&b.sku)))
        }
        StockSort::Demand => rows.sort_by(|a, b| {
            b.plan.forecast_daily.total_cmp(&a.plan.forecast_daily).then(a.sku.cmp(&b.sku))
        }),
    }
}

pub fn what_if(ctx: &mut Ctx<'_>, req: WhatIf) -> Result<WhatIfResult, ApiError> {
    let settings = settings::load(ctx)?.planning;
    let rows = product_rows(ctx, "", Some(req.sku.trim()))?;
    if rows.is_empty() {
        return Err(ApiError::not_found(format!(
            "there is no product “{}”; check the SKU",
            req.sku.trim()
        )));
    }
    let levels = req.levels.unwrap_or_else(|| vec![1.0, 1.2, 1.5]);
    if levels.len() > 12 {
        return Err(ApiError::invalid("a what-if compares at most 12 demand levels"));
    }
    if levels.is_empty() || levels.iter().any(|k| !(k.is_finite() && (0.0..=10.0).contains(k))) {
        return Err(ApiError::invalid("demand levels are multipliers from 0 to 10, such as 1.2"));
    }
    let horizon_days = req.horizon_days.unwrap_or(90).clamp(7, 365);
    let mut scenarios: Vec<Scenario> =
        levels.iter().map(|k| Scenario::scaled(&format!("{k}× demand"), *k)).collect();
    scenarios.push(Scenario::holiday_peak("holiday peak", 7, 21, 2.0));
    let (input, mut planned) = inputs(ctx, &settings, rows)?;
    let options = WhatIfOptions { horizon_days, runs: 200 };
    // A fixed seed: the same question gets the same answer.
    let outcomes = planning::what_if(&input[0], &scenarios, &options, 0x5EED);
    Ok(WhatIfResult { level: planned.remove(0), outcomes })
}

pub fn set_lead_time(ctx: &mut Ctx<'_>, req: SetLeadTime) -> Result<StockLevel, ApiError> {
    for (name, value) in [("lead time", req.days), ("lead time spread", req.sd_days)] {
        if value.is_some_and(|d| !(d.is_finite() && (0.0..=365.0).contains(&d))) {
            return Err(ApiError::invalid(format!("a {name} is 0 to 365 days")));
        }
    }
    let changed = ctx.execute(
        "UPDATE products SET lead_time_days = ?2, lead_time_sd_days = ?3 WHERE sku = ?1",
        params![req.sku.trim(), req.days, req.sd_days],
    )?;
    if changed == 0 {
        return Err(ApiError::not_found(format!("there is no product “{}”", req.sku.trim())));
    }
    ctx.emit(Event::DataChanged { what: Changed::Products });
    let settings = settings::load(ctx)?.planning;
    let rows = product_rows(ctx, "", Some(req.sku.trim()))?;
    Ok(plan_rows(ctx, &settings, rows)?.remove(0))
}

/// Stock, promises and supply per product, one query: the products matching `text` (or the
/// one `sku`).
pub(crate) fn product_rows(
    ctx: &Ctx<'_>,
    text: &str,
    sku: Option<&str>,
) -> Result<Vec<Row>, ApiError> {
    let pattern = format!("%{}%", text.trim());
    let sql = format!(
        "SELECT p.id, p.sku, p.name, p.category,
                coalesce(s.on_hand, 0), coalesce(s.in_bins, 0), coalesce(s.quarantine, 0),
                coalesce(r.reserved, 0), coalesce(b.waiting, 0), coalesce(e.on_order, 0),
                p.lead_time_days, p.lead_time_sd_days
         FROM products p
         LEFT JOIN (SELECT st.product_id, sum(st.on_hand) AS on_hand,
                           sum(CASE WHEN l.kind = 'bin' THEN st.on_hand ELSE 0 END) AS in_bins,
                           sum(CASE WHEN l.kind = 'quarantine' THEN st.on_hand ELSE 0 END) AS quarantine
                    FROM stock st JOIN locations l ON l.id = st.location_id GROUP BY st.product_id) s
                ON s.product_id = p.id
         LEFT JOIN (SELECT product_id, sum(qty) AS reserved FROM reservations GROUP BY product_id) r
                ON r.product_id = p.id
         LEFT JOIN (SELECT product_id, sum(waiting) AS waiting FROM ({WAITING_LINES}) AS w
                    GROUP BY product_id) b
                ON b.product_id = p.id
         LEFT JOIN (SELECT product_id,
                           sum(CASE WHEN qty_expected - qty_received < 0 THEN 0
                                    ELSE qty_expected - qty_received END) AS on_order
                    FROM expected_receipts GROUP BY product_id) e
                ON e.product_id = p.id
         WHERE p.active = 1
           AND (CAST(?1 AS TEXT) IS NULL OR p.sku = ?1)
           AND (?2 = '%%' OR lower(p.sku) LIKE lower(?2) OR lower(p.name) LIKE lower(?2)
                OR lower(p.category) LIKE lower(?2))
         ORDER BY p.sku"
    );
    let mut stmt = ctx.tx.prepare(&sql)?;
    let rows = stmt
        .query_map(params![sku, pattern], |r| {
            Ok(Row {
                id: r.get(0)?,
                sku: r.get(1)?,
                name: r.get(2)?,
                category: r.get(3)?,
                on_hand: r.get(4)?,
                in_bins: r.get(5)?,
                quarantine: r.get(6)?,
                reserved: r.get(7)?,
                backordered: r.get(8)?,
                on_order: r.get(9)?,
                lead_time_days: r.get(10)?,
                lead_time_sd_days: r.get(11)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

fn plan_rows(
    ctx: &Ctx<'_>,
    settings: &PlanningSettings,
    rows: Vec<Row>,
) -> Result<Vec<StockLevel>, ApiError> {
    Ok(inputs(ctx, settings, rows)?.1)
}

/// The planning inputs of `rows` and their plans, in the same order.
fn inputs(
    ctx: &Ctx<'_>,
    settings: &PlanningSettings,
    rows: Vec<Row>,
) -> Result<(Vec<ProductInput>, Vec<StockLevel>), ApiError> {
    let store = settings::store(ctx)?;
    let history = HistoryDays::read(ctx, &store, settings.history_days)?;
    let demand = demand_history(ctx, &store, &history)?;
    let days = history.count();
    let inputs: Vec<ProductInput> = rows
        .iter()
        .map(|row| {
            let mut daily = vec![0.0; days];
            if let Some(sold) = demand.get(&row.id) {
                for &(day, qty) in sold {
                    if let Some(slot) = daily.get_mut(day) {
                        *slot += qty;
                    }
                }
            }
            ProductInput {
                sku: row.sku.clone(),
                daily_demand: daily,
                first_weekday: history.first.weekday().num_days_from_monday() as u8,
                // What can still be sold: in the pick bins and not promised.
                on_hand: row.available() as f64,
                on_order: row.on_order as f64,
                back_ordered: row.backordered as f64,
                service_level: settings.service_level,
                lead_time_days: row.lead_time_days.unwrap_or(settings.lead_time_days),
                lead_time_sd_days: row.lead_time_sd_days.unwrap_or(0.0),
                review_period_days: 0.0,
                order_cycle_days: settings.order_cycle_days,
            }
        })
        .collect();
    let plans = planning::plan_all(&inputs);
    let levels = rows
        .into_iter()
        .zip(plans)
        .zip(&inputs)
        .map(|((row, plan), input)| StockLevel {
            available: row.available(),
            sku: row.sku,
            name: row.name,
            category: row.category,
            on_hand: row.on_hand,
            reserved: row.reserved,
            backordered: row.backordered,
            quarantine: row.quarantine,
            on_order: row.on_order,
            lead_time_days: input.lead_time_days,
            plan,
        })
        .collect();
    Ok((inputs, levels))
}

/// Per product id, the units ordered on each day (counted from the first day of history).
type Sales = HashMap<i64, Vec<(usize, f64)>>;

/// The days demand is counted over: the store's days, from the first of history to yesterday.
struct HistoryDays {
    first: NaiveDate,
    /// The store's today, which is not over yet and so not counted.
    today: NaiveDate,
}

impl HistoryDays {
    /// History starts `history_days` ago, or on the store's first order if that is later, so a
    /// new store's demand is not diluted by days before it sold anything.
    fn read(ctx: &Ctx<'_>, store: &StoreSettings, history_days: u32) -> Result<Self, ApiError> {
        let today = ctx.now.with_timezone(&store.zone()).date_naive();
        let window = today - Days::new(u64::from(history_days));
        let first_order: Option<String> =
            ctx.query_row("SELECT min(placed_at) FROM orders", [], |r| r.get(0))?;
        let first_order = first_order
            .and_then(|t| NaiveDate::parse_from_str(&store.date_of(&t), "%Y-%m-%d").ok());
        let first = first_order.map_or(today, |d| d.max(window)).min(today);
        Ok(HistoryDays { first, today })
    }

    fn count(&self) -> usize {
        (self.today - self.first).num_days().max(0) as usize
    }
}

/// A run of the history's days that share one way of numbering them.
struct Run {
    /// The number of its first day, 0 being the first of history.
    first_day: usize,
    /// When its first day starts, in seconds since 1970.
    starts: i64,
    /// When the day after its last starts, as stored text.
    ends: String,
    /// Every day of it is 24 hours long.
    whole_days: bool,
}

impl Run {
    fn day_number_sql(&self) -> String {
        if self.whole_days {
            format!("{} + ({UNIX_SECONDS} - {}) / {DAY_SECS}", self.first_day, self.starts)
        } else {
            self.first_day.to_string()
        }
    }
}

const DAY_SECS: i64 = 86_400;

/// `placed_at` in whole seconds since 1970, from `julianday` (day 2440587.5 is 1970-01-01) so
/// that both engines read it the same way. Stored times are whole seconds, so rounding only
/// removes the error of the floating-point day.
const UNIX_SECONDS: &str = "CAST(round((julianday(placed_at) - 2440587.5) * 86400) AS BIGINT)";

/// Which day of `days` (0 being the first) a stored `placed_at` falls on in the store's zone,
/// as an SQL expression, so the database sums by the store's days. Days of 24 hours in a row
/// keep one offset, so each run of them is one division of the seconds since the run began; a
/// day that a clock change made 23 or 25 hours long is a run of its own. A year in a zone with
/// summer time is five runs, in UTC one.
fn store_day_sql(store: &StoreSettings, days: &HistoryDays) -> String {
    let start = |d: NaiveDate| {
        let (from, _) = store.day_bounds(d);
        crate::time::parse(&from).map_or(0, |at| at.timestamp())
    };
    let mut runs: Vec<Run> = Vec::new();
    let (mut day, mut starts) = (days.first, start(days.first));
    for n in 0..days.count() {
        let next = day.succ_opt().unwrap_or(day);
        let next_starts = start(next);
        let whole_days = next_starts - starts == DAY_SECS;
        let (ends, _) = store.day_bounds(next);
        match runs.last_mut() {
            Some(run) if whole_days && run.whole_days => run.ends = ends,
            _ => runs.push(Run { first_day: n, starts, ends, whole_days }),
        }
        (day, starts) = (next, next_starts);
    }
    match runs.split_last() {
        None => "0".into(),
        Some((only, [])) => only.day_number_sql(),
        Some((last, earlier)) => {
            let cases: String = earlier
                .iter()
                .map(|run| {
                    format!("WHEN placed_at < '{}' THEN {} ", run.ends, run.day_number_sql())
                })
                .collect();
            format!("CASE {cases}ELSE {} END", last.day_number_sql())
        }
    }
}

/// Units ordered per product per day of history, the store's days. Cancelled orders are not
/// demand. The lines a shop had already sent when its orders were imported count on the day
/// they were ordered, though they never move stock here: a store that imports its order history
/// has demand, and so reorder points, on its first day.
fn demand_history(
    ctx: &Ctx<'_>,
    store: &StoreSettings,
    days: &HistoryDays,
) -> Result<Sales, ApiError> {
    let (from, _) = store.day_bounds(days.first);
    let (to, _) = store.day_bounds(days.today);
    let mut stmt = ctx.tx.prepare(&format!(
        "SELECT product_id, {}, sum(qty)
         FROM (SELECT ol.product_id, o.placed_at, ol.qty
               FROM order_lines ol JOIN orders o ON o.id = ol.order_id
               WHERE o.placed_at >= ?1 AND o.placed_at < ?2 AND o.status <> 'cancelled'
               UNION ALL
               SELECT sl.product_id, o.placed_at, sl.qty
               FROM order_shop_lines sl JOIN orders o ON o.id = sl.order_id
               WHERE sl.kind = 'fulfilled' AND sl.product_id IS NOT NULL
                 AND o.placed_at >= ?1 AND o.placed_at < ?2 AND o.status <> 'cancelled') AS sold
         GROUP BY 1, 2",
        store_day_sql(store, days)
    ))?;
    let mut demand = Sales::new();
    let mut rows = stmt.query(params![from, to])?;
    while let Some(r) = rows.next()? {
        // A time the database cannot read falls on no day.
        let Some(day) = r.get::<_, Option<i64>>(1)? else { continue };
        let qty: f64 = r.get(2)?;
        demand.entry(r.get(0)?).or_default().push((day.max(0) as usize, qty));
    }
    Ok(demand)
}

#[cfg(test)]
mod tests {
    use backroom_core::planning::{ProductInput, plan_product};
    use chrono::{Datelike, Days, NaiveDate, TimeZone, Utc};
    use serde_json::{Value, json};

    use super::{HistoryDays, UNIX_SECONDS, store_day_sql};
    use crate::Caller;
    use crate::admin::settings::StoreSettings;

    fn store(zone: &str) -> StoreSettings {
        StoreSettings { time_zone: zone.into(), ..Default::default() }
    }

    /// The day number the SQL gives a stored time, read by SQLite itself.
    fn sql_day(expr: &str, at: &str) -> i64 {
        let db = rusqlite::Connection::open_in_memory().unwrap();
        db.query_row(&format!("SELECT {expr} FROM (SELECT ?1 AS placed_at) AS t"), [at], |r| {
            r.get(0)
        })
        .unwrap()
    }

    #[test]
    fn every_hour_of_a_year_falls_on_the_store_s_day() {
        let (first, today) = (
            NaiveDate::from_ymd_opt(2025, 12, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        );
        // Summer time both ways, a zone a quarter of an hour off UTC, and one whose clock
        // change skips midnight.
        for zone in
            ["UTC", "America/Los_Angeles", "Europe/Berlin", "Asia/Kathmandu", "America/Havana"]
        {
            let store = store(zone);
            let expr = store_day_sql(&store, &HistoryDays { first, today });
            let db = rusqlite::Connection::open_in_memory().unwrap();
            let mut stmt =
                db.prepare(&format!("SELECT {expr} FROM (SELECT ?1 AS placed_at) AS t")).unwrap();
            let (from, _) = store.day_bounds(first);
            let (to, _) = store.day_bounds(today);
            let mut at = crate::time::parse(&from).unwrap();
            let end = crate::time::parse(&to).unwrap();
            // Each hour and the last minute before it, where a wrong offset shows first.
            while at < end {
                for t in [at, at + chrono::Duration::minutes(59)] {
                    let text = crate::time::to_text(t);
                    let want = (t.with_timezone(&store.zone()).date_naive() - first).num_days();
                    let got: i64 = stmt.query_row([&text], |r| r.get(0)).unwrap();
                    assert_eq!(got, want, "{zone} at {text}");
                }
                at += chrono::Duration::hours(1);
            }
        }
    }

    /// PostgreSQL's `julianday` (the schema's) must read a stored time as SQLite's does, to
    /// the bit, or an order near midnight falls on another day there; text that is no time
    /// reads as nothing on both.
    #[test]
    fn both_engines_read_a_stored_time_alike() {
        let texts = [
            "2026-11-23",
            "2026-11-23T10:00:00Z",
            "2026-03-29T00:59:59Z",
            "2026-11-23T23:59:59.999Z",
            "2026-11-23T10:00:00.250+05:45",
            "1999-12-31T23:59:59-08:00",
            "2026-11-23 10:00",
            "",
            "yesterday",
            "2026-11-23T10:00:00Z and more",
        ];
        let dir = tempfile::tempdir().unwrap();
        let db = crate::testing::TestDatabase::new(dir.path());
        let sqlite = rusqlite::Connection::open_in_memory().unwrap();
        let sql = format!(
            "SELECT julianday(placed_at), {UNIX_SECONDS}
             FROM (SELECT CAST(?1 AS TEXT) AS placed_at) AS t"
        );
        for text in texts {
            let want: (Option<f64>, Option<i64>) =
                sqlite.query_row(&sql, [text], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
            let got: (Option<f64>, Option<i64>) =
                db.query_row(&sql, [text], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn a_history_with_no_days_counts_nothing() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let expr = store_day_sql(&store("UTC"), &HistoryDays { first: today, today });
        assert_eq!(sql_day(&expr, "2026-12-01T10:00:00Z"), 0);
    }

    #[test]
    fn an_evening_order_in_a_western_store_counts_on_its_own_evening() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::testing::TestDatabase::new(dir.path());
        let app = db.open();
        let call = |name: &str, req: Value| app.call(Caller::Local, name, req).unwrap();
        let mut settings = call("get_settings", json!({}));
        settings["store"]["time_zone"] = json!("America/Los_Angeles");
        call("save_settings", settings.clone());
        call("save_product", json!({"sku": "A", "name": "Apron"}));
        // Three days ago in Los Angeles, just after midnight and at 23:30: in UTC the second
        // falls on the next day.
        let zone = chrono_tz::America::Los_Angeles;
        let today = Utc::now().with_timezone(&zone).date_naive();
        let day = today - Days::new(3);
        for (number, minutes) in [("EARLY", 30), ("LATE", 23 * 60 + 30)] {
            let local = day.and_hms_opt(0, 0, 0).unwrap() + chrono::Duration::minutes(minutes);
            let at = zone.from_local_datetime(&local).earliest().unwrap().with_timezone(&Utc);
            call(
                "create_order",
                json!({"number": number, "customer": {"name": "Ada Lee"}, "payment_status": "paid",
                       "ship_to": {"name": "Ada Lee", "address1": "1 Main St", "city": "Portland",
                                   "region": "OR", "postal_code": "97201", "country": "US"},
                       "placed_at": crate::time::to_text(at),
                       "lines": [{"product": "A", "qty": 1}]}),
            );
        }
        let plan = call("stock_levels", json!({}))["rows"][0]["plan"].clone();

        let planning = &settings["planning"];
        let plan_of = |daily: Vec<f64>| {
            plan_product(&ProductInput {
                daily_demand: daily,
                first_weekday: day.weekday().num_days_from_monday() as u8,
                service_level: planning["service_level"].as_f64().unwrap(),
                lead_time_days: planning["lead_time_days"].as_f64().unwrap(),
                lead_time_sd_days: 0.0,
                review_period_days: 0.0,
                order_cycle_days: planning["order_cycle_days"].as_f64().unwrap(),
                ..Default::default()
            })
        };
        let local_days = plan_of(vec![2.0, 0.0, 0.0]);
        let utc_days = plan_of(vec![1.0, 1.0, 0.0]);
        assert_ne!(local_days.demand_sd, utc_days.demand_sd, "the two days read differently");
        assert_eq!(plan["history_days"], 3, "{plan}");
        assert_eq!(plan["forecast_daily"].as_f64().unwrap(), local_days.forecast_daily, "{plan}");
        assert_eq!(plan["demand_sd"].as_f64().unwrap(), local_days.demand_sd, "{plan}");
    }
}
