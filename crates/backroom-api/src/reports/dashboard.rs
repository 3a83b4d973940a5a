//! The manager's morning view in one call: fill rates day by day, the back orders and how old
//! they are, weight-audit failures by cause, picks and packs per hour by station and operator,
//! and the products customers wait for.

use crate::store::params;
use backroom_core::audit::CauseKind;
use backroom_core::fill_rate::{self, GroupBy, Report};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::context::Ctx;
use crate::error::ApiError;
use crate::reports::fill_rates::{self, Period};
use crate::reports::planning::{self, WAITING_LINES};

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct DashboardQuery {
    /// Days of history for the trends, ending today; 14 when absent.
    #[serde(default)]
    pub days: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Dashboard {
    pub from: String,
    pub to: String,
    /// Fill rates of the orders placed in the period, overall and by day.
    pub fill: Report,
    pub backorders: Backorders,
    pub audit: AuditSummary,
    /// The store's today, hour by hour; each hour's start is given in UTC for the screen to
    /// show on the store's clock.
    pub throughput: Vec<HourCount>,
    /// Products out of stock in the pick bins while customers wait for them, most waited for
    /// first (at most 10), and how many there are in all.
    pub stockouts: Vec<Stockout>,
    pub stockout_count: u32,
}

/// Orders waiting for stock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Backorders {
    pub orders: u32,
    pub units: i64,
    /// Orders by days since they were placed.
    pub by_age: Vec<AgeBucket>,
    pub oldest_days: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AgeBucket {
    pub label: String,
    pub orders: u32,
}

/// The weight audit over the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditSummary {
    pub weighings: u32,
    pub passed: u32,
    pub failed: u32,
    pub no_verdict: u32,
    pub cannot_audit: u32,
    pub overridden: u32,
    /// Weighings that did not pass, by cause (`item_missing`, `item_extra`, `underweight`,
    /// `overweight`, `offline`, `out_of_range`, `unstable`, `stale`, `cannot_audit`; `other`
    /// for weighings logged before causes were kept), most frequent first.
    pub by_cause: Vec<CauseCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CauseCount {
    pub cause: CauseKind,
    pub count: u32,
}

/// What one operator did at one station in one hour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HourCount {
    /// The hour's start, `YYYY-MM-DDTHH:00Z`.
    pub hour: String,
    pub station: String,
    pub operator: String,
    /// Units picked.
    pub picked_units: i64,
    /// Orders whose picks this operator made in the hour.
    pub picked_orders: i64,
    /// Orders packed (passed or overridden at the scale).
    pub packed_orders: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Stockout {
    pub sku: String,
    pub name: String,
    pub backordered: i64,
    pub on_order: i64,
}

pub fn dashboard(ctx: &mut Ctx<'_>, q: DashboardQuery) -> Result<Dashboard, ApiError> {
    let days = u64::from(q.days.unwrap_or(14).clamp(1, 366));
    let (from, to) = fill_rates::period(ctx, &Period::default(), days)?;
    let orders = fill_rates::order_facts(ctx, from, to)?;
    let fill = fill_rate::report(&orders, fill_rates::store_today(ctx)?, &[GroupBy::Day]);
    let since = format!("{from}T00:00:00");
    let (stockouts, stockout_count) = stockouts(ctx)?;
    Ok(Dashboard {
        from: from.to_string(),
        to: to.to_string(),
        fill,
        backorders: backorders(ctx)?,
        audit: audit(ctx, &since)?,
        throughput: throughput(ctx)?,
        stockouts,
        stockout_count,
    })
}

/// Days since placing, in the buckets a manager acts on.
const AGES: [(&str, i64, i64); 5] = [
    ("0–1 days", 0, 1),
    ("2–3 days", 2, 3),
    ("4–7 days", 4, 7),
    ("8–14 days", 8, 14),
    ("15+ days", 15, i64::MAX),
];

/// Products out of stock in the pick bins with customers waiting, most waited for first (at
/// most ten), and how many there are. Stock and promises are enough: no plan is needed.
fn stockouts(ctx: &Ctx<'_>) -> Result<(Vec<Stockout>, u32), ApiError> {
    let mut out: Vec<_> = planning::product_rows(ctx, "", None)?
        .into_iter()
        .filter(|row| row.available() <= 0 && row.backordered > 0)
        .collect();
    out.sort_by(|a, b| b.backordered.cmp(&a.backordered).then_with(|| a.sku.cmp(&b.sku)));
    let count = out.len() as u32;
    let top = out
        .into_iter()
        .take(10)
        .map(|row| Stockout {
            sku: row.sku,
            name: row.name,
            backordered: row.backordered,
            on_order: row.on_order,
        })
        .collect();
    Ok((top, count))
}

/// A back order's age is counted in the store's days: from the day it was placed there.
fn backorders(ctx: &Ctx<'_>) -> Result<Backorders, ApiError> {
    let store = crate::admin::settings::store(ctx)?;
    let today = fill_rates::store_today(ctx)?;
    let sql = format!(
        "SELECT o.placed_at, w.waiting
         FROM (SELECT order_id, sum(waiting) AS waiting FROM ({WAITING_LINES}) AS lines
               GROUP BY order_id) w
         JOIN orders o ON o.id = w.order_id
         WHERE w.waiting > 0"
    );
    let mut stmt = ctx.tx.prepare(&sql)?;
    let placed: Vec<(String, i64)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    let age = |placed: &str| {
        chrono::NaiveDate::parse_from_str(&store.date_of(placed), "%Y-%m-%d")
            .map_or(0, |day| (today - day).num_days())
    };
    let waiting: Vec<(i64, i64)> = placed.iter().map(|(at, units)| (age(at), *units)).collect();
    let by_age = AGES
        .iter()
        .map(|(label, min, max)| AgeBucket {
            label: (*label).to_owned(),
            orders: waiting.iter().filter(|(age, _)| (*min..=*max).contains(&(*age).max(0))).count()
                as u32,
        })
        .collect();
    Ok(Backorders {
        orders: waiting.len() as u32,
        units: waiting.iter().map(|(_, units)| units).sum(),
        by_age,
        oldest_days: waiting.iter().map(|(age, _)| (*age).max(0) as u32).max(),
    })
}

fn audit(ctx: &Ctx<'_>, since: &str) -> Result<AuditSummary, ApiError> {
    let (weighings, passed, failed, no_verdict, cannot_audit, overridden) = ctx.tx.query_row(
        "SELECT count(*),
                coalesce(sum(CASE WHEN verdict = 'pass' THEN 1 ELSE 0 END), 0),
                coalesce(sum(CASE WHEN verdict = 'fail' THEN 1 ELSE 0 END), 0),
                coalesce(sum(CASE WHEN verdict = 'no_verdict' THEN 1 ELSE 0 END), 0),
                coalesce(sum(CASE WHEN verdict = 'cannot_audit' THEN 1 ELSE 0 END), 0),
                coalesce(sum(CASE WHEN override_at IS NOT NULL THEN 1 ELSE 0 END), 0)
         FROM weighings WHERE at >= ?1",
        [since],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
    )?;
    let mut stmt = ctx.tx.prepare(
        "SELECT CASE WHEN cause_kind = '' THEN 'other' ELSE cause_kind END, count(*) FROM weighings
         WHERE at >= ?1 AND verdict <> 'pass' GROUP BY 1 ORDER BY 2 DESC, 1",
    )?;
    let mut by_cause: Vec<CauseCount> = Vec::new();
    for row in stmt.query_map([since], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))? {
        let (word, count) = row?;
        // Words this build does not know all count as one "other".
        let cause = CauseKind::from_log(&word).unwrap_or(CauseKind::Other);
        match by_cause.iter_mut().find(|c| c.cause == cause) {
            Some(known) => known.count += count,
            None => by_cause.push(CauseCount { cause, count }),
        }
    }
    by_cause.sort_by(|a, b| b.count.cmp(&a.count).then(a.cause.as_str().cmp(b.cause.as_str())));
    Ok(AuditSummary { weighings, passed, failed, no_verdict, cannot_audit, overridden, by_cause })
}

/// Today's picks (pick movements) and packs (orders reaching packed), per hour, station and
/// operator. Work recorded without an operator (the command line) shows as "—".
fn throughput(ctx: &Ctx<'_>) -> Result<Vec<HourCount>, ApiError> {
    let today = fill_rates::store_today(ctx)?;
    let (start, end) = crate::admin::settings::store(ctx)?.day_bounds(today);
    let mut stmt = ctx.tx.prepare(
        "SELECT hour, station, operator, sum(units), sum(picked), sum(packed) FROM (
             SELECT substr(m.at, 1, 13) || ':00Z' AS hour, coalesce(st.name, '—') AS station,
                    coalesce(op.name, '—') AS operator, sum(m.qty) AS units,
                    count(DISTINCT m.order_id) AS picked, 0 AS packed
             FROM movements m LEFT JOIN stations st ON st.id = m.station_id
             LEFT JOIN operators op ON op.id = m.operator_id
             WHERE m.kind = 'pick' AND m.at >= ?1 AND m.at < ?2 GROUP BY 1, 2, 3
             UNION ALL
             SELECT substr(e.at, 1, 13) || ':00Z', coalesce(st.name, '—'), coalesce(op.name, '—'),
                    0, 0, count(*)
             FROM order_events e LEFT JOIN stations st ON st.id = e.station_id
             LEFT JOIN operators op ON op.id = e.operator_id
             WHERE e.to_status = 'packed' AND e.at >= ?1 AND e.at < ?2 GROUP BY 1, 2, 3) AS work
         GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    )?;
    let rows = stmt
        .query_map(params![start, end], |r| {
            Ok(HourCount {
                hour: r.get(0)?,
                station: r.get(1)?,
                operator: r.get(2)?,
                picked_units: r.get(3)?,
                picked_orders: r.get(4)?,
                packed_orders: r.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::Caller;

    /// The demo's headline fill counts only orders that shipped something, are closed, or are
    /// past their ship-by day; the rest are pending, apart from the rate.
    #[test]
    fn the_demo_s_fill_rate_leaves_orders_not_yet_due_out() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::testing::TestDatabase::new(dir.path());
        let app = db.open();
        let call = |name: &str, req: Value| app.call(Caller::Local, name, req).unwrap();
        call("load_demo", json!({}));
        let dash = call("dashboard", json!({}));
        let (from, to) = (dash["from"].as_str().unwrap(), dash["to"].as_str().unwrap());
        let today = chrono::Utc::now().date_naive().to_string();
        let (mut counted, mut pending, mut units, mut shipped_units) = (0, 0, 0, 0);
        let mut overdue = 0;
        for row in call("list_orders", json!({"limit": 5000}))["rows"].as_array().unwrap() {
            let number = row["number"].as_str().unwrap();
            let order = call("get_order", json!({"number": number}));
            let placed = &order["placed_at"].as_str().unwrap()[..10];
            if placed < from || placed > to || order["status"] == "cancelled" {
                continue;
            }
            let lines = order["lines"].as_array().unwrap();
            let n = |l: &Value, k: &str| l[k].as_i64().unwrap();
            let shipped: i64 = lines.iter().map(|l| n(l, "shipped")).sum();
            let open = lines.iter().any(|l| n(l, "shipped") + n(l, "cancelled") < n(l, "qty"));
            let due_passed = order["ship_by"].as_str().is_some_and(|by| by[..10] < *today);
            if shipped == 0 && open && !due_passed {
                pending += 1;
                continue;
            }
            counted += 1;
            overdue += i64::from(shipped == 0 && open);
            units += lines.iter().map(|l| n(l, "qty")).sum::<i64>();
            shipped_units += lines.iter().map(|l| n(l, "shipped").min(n(l, "qty"))).sum::<i64>();
        }
        let counts = &dash["fill"]["overall"]["counts"];
        assert!(pending > 0, "the demo has orders not yet due");
        assert_eq!(counts["orders_pending"], pending);
        assert_eq!(counts["orders"], counted);
        assert_eq!(counts["orders_overdue"], overdue);
        assert_eq!(counts["units_ordered"], units);
        assert_eq!(counts["units_shipped_final"], shipped_units);
        let rate = dash["fill"]["overall"]["rates"]["final_fill"]["units"].as_f64().unwrap();
        assert!((rate - shipped_units as f64 / units as f64).abs() < 1e-9);
    }

    /// Weighings logged before causes were kept, or with a cause this build does not know, are
    /// one "other": in the log, and as one count on the dashboard.
    #[test]
    fn causes_without_a_word_this_build_knows_are_one_other() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::testing::TestDatabase::new(dir.path());
        let app = db.open();
        let call = |name: &str, req: Value| app.call(Caller::Local, name, req).unwrap();
        call("load_demo", json!({}));
        let order = call("list_orders", json!({"limit": 1}))["rows"][0]["number"].clone();
        for cause in ["", "scale_exploded", "", "item_missing"] {
            db.execute(
                "INSERT INTO weighings (order_id, box_code, actual_g, verdict, cause_kind, at)
                 VALUES ((SELECT id FROM orders WHERE number = ?1), 'X', 1.0, 'fail', ?2, ?3)",
                crate::params![
                    order.as_str().unwrap(),
                    cause,
                    crate::time::to_text(chrono::Utc::now())
                ],
            )
            .unwrap();
        }
        let causes = call("dashboard", json!({}))["audit"]["by_cause"].as_array().unwrap().clone();
        let others: Vec<&Value> = causes.iter().filter(|c| c["cause"] == "other").collect();
        assert_eq!(others.len(), 1, "{causes:?}");
        assert!(others[0]["count"].as_u64().unwrap() >= 3, "{causes:?}");
        let log = call("list_weighings", json!({"order": order, "verdict": "fail"}));
        let kinds: Vec<&Value> = log.as_array().unwrap().iter().map(|w| &w["cause_kind"]).collect();
        assert_eq!(kinds.iter().filter(|k| **k == "other").count(), 3, "{kinds:?}");
        assert!(kinds.iter().all(|k| !k.is_null()), "a failed weighing shows a cause: {kinds:?}");
    }
}
