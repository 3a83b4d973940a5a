//! Fill rates from the order history: the facts each order gives (`backroom_core::fill_rate`
//! holds the definitions and the arithmetic), read from the orders, their lines, the `ship`
//! movements, returns and weighings of a period.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use backroom_core::fill_rate::{
    self, Drill, GroupBy, LineFacts, Measure, OrderFacts, Report, Shipment, Slice, StoreTime,
    WeightAudit,
};
use chrono::{Days, NaiveDate, TimeDelta};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::context::Ctx;
use crate::error::ApiError;

/// The orders placed from `from` to `to` (inclusive, dates `YYYY-MM-DD` on the store's
/// calendar, in its time zone); the last 30 days when absent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct Period {
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct FillRateQuery {
    #[serde(default, flatten)]
    pub period: Period,
    /// The breakdowns wanted beside the overall figures.
    #[serde(default)]
    pub group_by: Vec<GroupBy>,
}

/// The fill-rate report of a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FillRates {
    pub from: String,
    pub to: String,
    pub report: Report,
}

/// The orders behind one number of the report.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct FillRateDrill {
    #[serde(default, flatten)]
    pub period: Period,
    pub measure: Measure,
    /// One group of a breakdown (a day, a SKU, a category); the whole period when absent.
    #[serde(default)]
    pub slice: Option<Slice>,
}

/// Returns for these reasons mean the order was not perfect.
const FAULT_REASONS: &str = "'damaged', 'wrong_item'";

/// The period asked for, checked: dates, in order, at most ten years.
pub(crate) fn period(
    ctx: &Ctx<'_>,
    p: &Period,
    default_days: u64,
) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let today = store_today(ctx)?;
    let date = |text: &Option<String>, end: &str, default: NaiveDate| match text.as_deref() {
        None | Some("") => Ok(default),
        Some(text) => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
            ApiError::invalid(format!(
                "the period's {end} must be a date like 2026-11-23, not “{text}”"
            ))
        }),
    };
    let to = date(&p.to, "end", today)?;
    let from = date(&p.from, "start", to - Days::new(default_days.saturating_sub(1)))?;
    if from > to {
        return Err(ApiError::invalid(format!("the period starts ({from}) after it ends ({to})")));
    }
    if (to - from).num_days() > 3660 {
        return Err(ApiError::invalid("a period is at most ten years"));
    }
    Ok((from, to))
}

pub fn fill_rates(ctx: &mut Ctx<'_>, q: FillRateQuery) -> Result<FillRates, ApiError> {
    let (from, to) = period(ctx, &q.period, 30)?;
    let orders = order_facts(ctx, from, to)?;
    let report = fill_rate::report(&orders, store_today(ctx)?, &q.group_by);
    Ok(FillRates { from: from.to_string(), to: to.to_string(), report })
}

pub fn fill_rate_orders(ctx: &mut Ctx<'_>, q: FillRateDrill) -> Result<Drill, ApiError> {
    let (from, to) = period(ctx, &q.period, 30)?;
    let orders = order_facts(ctx, from, to)?;
    Ok(fill_rate::drill(&orders, store_today(ctx)?, q.slice.as_ref(), q.measure))
}

/// Today on the store's calendar: an order due today is not late until the store's day ends.
pub(crate) fn store_today(ctx: &Ctx<'_>) -> Result<NaiveDate, ApiError> {
    Ok(ctx.now.with_timezone(&crate::admin::settings::store(ctx)?.zone()).date_naive())
}

/// The orders being read, found by id without hashing: order ids are dense, so a slot per id
/// in the range read is small and fast.
struct Found {
    orders: Vec<OrderFacts>,
    base: i64,
    slot: Vec<u32>,
    /// The product of each line, parallel to `orders[i].lines`.
    products: Vec<Vec<i64>>,
}

impl Found {
    fn order(&self, order_id: i64) -> Option<usize> {
        let at = *self.slot.get(usize::try_from(order_id - self.base).ok()?)?;
        (at != u32::MAX).then_some(at as usize)
    }

    /// The line of `product` on the order: an order has few lines, so a scan is fastest.
    fn line(&self, order_id: i64, product: i64) -> Option<(usize, usize)> {
        let o = self.order(order_id)?;
        let l = self.products[o].iter().position(|&p| p == product)?;
        Some((o, l))
    }
}

/// Everything the fill-rate rules need of the orders placed in `from..=to`, read in five passes
/// over the tables rather than order by order: a year of a busy shop is a million lines.
pub(crate) fn order_facts(
    ctx: &Ctx<'_>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<OrderFacts>, ApiError> {
    // The store's days: from its midnight at the start of `from` to its midnight after `to`.
    let store = crate::admin::settings::store(ctx)?;
    let (start, _) = store.day_bounds(from);
    let (_, end) = store.day_bounds(to);
    let zone = store.zone();
    // A period holding a good share of all orders is read by walking the tables in storage
    // order, several times faster than an index lookup per row; a short period uses the
    // indexes.
    let (in_period, all, low, high): (i64, i64, Option<i64>, Option<i64>) = ctx.tx.query_row(
        "SELECT (SELECT count(*) FROM orders WHERE placed_at >= ?1 AND placed_at < ?2),
                count(*), min(id), max(id) FROM orders",
        [&start, &end],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    let wide = in_period * 5 > all;
    let base = low.unwrap_or(0);
    let span = usize::try_from(high.unwrap_or(0) - base + 1).unwrap_or(0);
    let mut found = Found {
        orders: Vec::with_capacity(in_period as usize),
        base,
        slot: vec![u32::MAX; span],
        products: Vec::with_capacity(in_period as usize),
    };
    read_orders(ctx, &mut found, wide, &start, &end, zone)?;
    read_lines(ctx, &mut found, wide, &start, &end)?;
    read_shipments(ctx, &mut found, wide, &start, zone)?;
    read_fault_returns(ctx, &mut found, &start, &end)?;
    read_weighings(ctx, &mut found, &start)?;
    Ok(found.orders)
}

fn read_orders(
    ctx: &Ctx<'_>,
    found: &mut Found,
    wide: bool,
    start: &str,
    end: &str,
    zone: chrono_tz::Tz,
) -> Result<(), ApiError> {
    let mut stmt = ctx.tx.prepare(if wide {
        "SELECT id, number, placed_at, ship_by, status = 'cancelled' FROM orders NOT INDEXED
         WHERE placed_at >= ?1 AND placed_at < ?2"
    } else {
        "SELECT id, number, placed_at, ship_by, status = 'cancelled' FROM orders
         WHERE placed_at >= ?1 AND placed_at < ?2"
    })?;
    let mut rows = stmt.query([start, end])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        found.slot[(id - found.base) as usize] = found.orders.len() as u32;
        found.orders.push(OrderFacts {
            number: r.get(1)?,
            placed: store_time(r.text(2)?.unwrap_or_default(), zone)?,
            ship_by: r.text(3)?.and_then(|text| ship_by_date(text, zone)),
            cancelled: r.get(4)?,
            weight: WeightAudit::NotWeighed,
            lines: Vec::new(),
        });
        found.products.push(Vec::new());
    }
    Ok(())
}

/// The lines, with their products' SKU and category read once rather than joined per line.
fn read_lines(
    ctx: &Ctx<'_>,
    found: &mut Found,
    wide: bool,
    start: &str,
    end: &str,
) -> Result<(), ApiError> {
    let names = product_names(ctx)?;
    let mut stmt = ctx.tx.prepare(if wide {
        "SELECT order_id, product_id, qty, unit_price_cents, cancelled_qty, returned_qty
         FROM order_lines WHERE CAST(?1 AS TEXT) = ?1 AND CAST(?2 AS TEXT) = ?2"
    } else {
        "SELECT order_id, product_id, qty, unit_price_cents, cancelled_qty, returned_qty
         FROM order_lines
         WHERE order_id IN (SELECT id FROM orders WHERE placed_at >= ?1 AND placed_at < ?2)"
    })?;
    let mut rows = stmt.query([start, end])?;
    while let Some(r) = rows.next()? {
        let (order_id, product_id): (i64, i64) = (r.get(0)?, r.get(1)?);
        let Some(at) = found.order(order_id) else { continue };
        let Some((sku, category)) = names.get(&product_id) else { continue };
        found.products[at].push(product_id);
        found.orders[at].lines.push(LineFacts {
            sku: Arc::clone(sku),
            category: Arc::clone(category),
            ordered: r.get(2)?,
            unit_price_cents: r.get(3)?,
            shipments: Vec::new(),
            cancelled: r.get(4)?,
            returned: r.get(5)?,
            returned_for_fault: 0,
        });
    }
    Ok(())
}

/// Ship events carry their number (`shipment 2`); two in the same second are put that many
/// milliseconds apart, so the first shipment stays the first. Nothing ships before it is
/// ordered, so the period's start bounds the movements read.
fn read_shipments(
    ctx: &Ctx<'_>,
    found: &mut Found,
    wide: bool,
    start: &str,
    zone: chrono_tz::Tz,
) -> Result<(), ApiError> {
    let mut stmt = ctx.tx.prepare(if wide {
        "SELECT order_id, product_id, qty, at, reason FROM movements NOT INDEXED
         WHERE kind = 'ship' AND at >= ?1 AND order_id IS NOT NULL"
    } else {
        "SELECT order_id, product_id, qty, at, reason FROM movements
         WHERE kind = 'ship' AND at >= ?1 AND order_id IS NOT NULL"
    })?;
    let mut rows = stmt.query([start])?;
    while let Some(r) = rows.next()? {
        let Some((o, l)) = found.line(r.get(0)?, r.get(1)?) else { continue };
        let reason = r.text(4)?.unwrap_or_default();
        let event = reason.strip_prefix("shipment ").and_then(|n| n.parse::<i64>().ok());
        let at = store_time(r.text(3)?.unwrap_or_default(), zone)?
            + TimeDelta::milliseconds(event.unwrap_or(1) - 1);
        found.orders[o].lines[l].shipments.push(Shipment { at, qty: r.get(2)? });
    }
    Ok(())
}

fn read_fault_returns(
    ctx: &Ctx<'_>,
    found: &mut Found,
    start: &str,
    end: &str,
) -> Result<(), ApiError> {
    let sql = format!(
        "SELECT ol.order_id, ol.product_id, sum(rl.qty) FROM return_lines rl
         JOIN order_lines ol ON ol.id = rl.order_line_id JOIN orders o ON o.id = ol.order_id
         WHERE rl.reason IN ({FAULT_REASONS}) AND o.placed_at >= ?1 AND o.placed_at < ?2
         GROUP BY rl.order_line_id, ol.order_id, ol.product_id"
    );
    let mut stmt = ctx.tx.prepare(&sql)?;
    let mut rows = stmt.query([start, end])?;
    while let Some(r) = rows.next()? {
        if let Some((o, l)) = found.line(r.get(0)?, r.get(1)?) {
            found.orders[o].lines[l].returned_for_fault = r.get(2)?;
        }
    }
    Ok(())
}

/// The weighing that let the box go decides: an override, else a pass; a failure with
/// neither is a failure. Each weighing is read as it is (an order has one or a few), numbered
/// as [`decides`] ranks it, and the order keeps the one that decides: grouping them in the
/// database costs more than it saves.
fn read_weighings(ctx: &Ctx<'_>, found: &mut Found, start: &str) -> Result<(), ApiError> {
    let mut stmt = ctx.tx.prepare(
        "SELECT order_id,
                CASE WHEN override_at IS NOT NULL THEN 3 WHEN verdict = 'pass' THEN 2
                     WHEN verdict = 'fail' THEN 1 ELSE 0 END
         FROM weighings WHERE at >= ?1",
    )?;
    let mut rows = stmt.query([start])?;
    while let Some(r) = rows.next()? {
        let Some(at) = found.order(r.get(0)?) else { continue };
        let audit = match r.get::<_, i64>(1)? {
            3 => WeightAudit::Overridden,
            2 => WeightAudit::Passed,
            1 => WeightAudit::Failed,
            _ => WeightAudit::NotWeighed,
        };
        let order = &mut found.orders[at];
        if decides(audit) > decides(order.weight) {
            order.weight = audit;
        }
    }
    Ok(())
}

/// How much a weighing's outcome counts against another of the same order's.
fn decides(audit: WeightAudit) -> u8 {
    match audit {
        WeightAudit::NotWeighed => 0,
        WeightAudit::Failed => 1,
        WeightAudit::Passed => 2,
        WeightAudit::Overridden => 3,
    }
}

/// A product's SKU and category, held once and shared by its lines.
type Names = (Arc<str>, Arc<str>);

/// A map keyed by the database's own ids, looked up once per line of the report.
type ById<V> = HashMap<i64, V, BuildHasherDefault<IdHasher>>;

/// Hashes an id with one multiplication. The standard hasher resists keys chosen to collide,
/// which ids the database gives out are not, at several times the cost per lookup.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(byte)).wrapping_mul(SPREAD);
        }
    }

    fn write_i64(&mut self, id: i64) {
        self.0 = (id as u64).wrapping_mul(SPREAD);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// An odd constant that spreads consecutive ids over the whole range (2⁶⁴ over the golden ratio).
const SPREAD: u64 = 0x9E37_79B9_7F4A_7C15;

/// Every product's SKU and category by id.
fn product_names(ctx: &Ctx<'_>) -> Result<ById<Names>, ApiError> {
    let mut stmt = ctx.tx.prepare("SELECT id, sku, category FROM products")?;
    let names = stmt
        .query_map([], |r| {
            let (sku, category): (String, String) = (r.get(1)?, r.get(2)?);
            Ok((r.get(0)?, (sku.into(), category.into())))
        })?
        .collect::<Result<_, _>>()?;
    Ok(names)
}

/// A stored time as the store's clock read it then (its offset that day, summer or winter).
fn store_time(text: &str, zone: chrono_tz::Tz) -> Result<StoreTime, ApiError> {
    let at = crate::time::parse(text).ok_or_else(|| {
        eprintln!("backroom: fill rates: a stored time does not read: {text:?}");
        ApiError::storage("an order's stored time does not read; run a database check")
    })?;
    Ok(at.with_timezone(&zone).fixed_offset())
}

/// A ship-by as stored: a date, or a time whose date on the store's calendar counts (a shop
/// that sends "by 23:59 Athens time" stores 21:59 UTC, which is still that day in Athens).
fn ship_by_date(text: &str, zone: chrono_tz::Tz) -> Option<NaiveDate> {
    match crate::time::parse(text) {
        Some(at) => Some(at.with_timezone(&zone).date_naive()),
        None => NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::Caller;

    fn order(number: &str, placed_at: &str) -> Value {
        json!({"number": number, "customer": {"name": "Ada Lee"},
               "ship_to": {"name": "Ada Lee", "address1": "1 Main St", "city": "Portland",
                           "region": "OR", "postal_code": "97201", "country": "US"},
               "payment_status": "paid", "placed_at": placed_at,
               "lines": [{"product": "A", "qty": 1}]})
    }

    #[test]
    fn a_period_is_made_of_the_store_s_days() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::testing::TestDatabase::new(dir.path());
        let app = db.open();
        let call = |name: &str, req: Value| app.call(Caller::Local, name, req).unwrap();
        let mut settings = call("get_settings", json!({}));
        settings["store"]["time_zone"] = json!("America/Los_Angeles");
        call("save_settings", settings);
        call("save_product", json!({"sku": "A", "name": "Apron"}));
        // 23:30 on the 23rd in Los Angeles is 07:30 on the 24th in UTC.
        call("create_order", order("EVE-23", "2026-11-24T07:30:00Z"));
        let pending = |day: &str| {
            let q = json!({"from": day, "to": day, "group_by": ["day"]});
            let report = call("fill_rates", q)["report"].clone();
            let keys: Vec<Value> = report["groupings"][0]["groups"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g["key"].clone())
                .collect();
            (report["overall"]["counts"]["orders_pending"].as_i64().unwrap(), keys)
        };
        assert_eq!(pending("2026-11-23"), (1, vec![json!("2026-11-23")]));
        assert_eq!(pending("2026-11-24"), (0, vec![]));
    }

    #[test]
    fn the_weighing_that_let_the_box_go_decides_its_audit() {
        use backroom_core::fill_rate::WeightAudit;
        crate::table::testing::with_ctx(|ctx| {
            // SO-1 is never weighed. SO-2 fails and passes after a repack; SO-3 fails and a
            // manager lets it go; SO-4 fails only; SO-5 gives no verdict; SO-6 passes and a
            // weighing after gives no verdict. SO-3's weighing is written twice, as a station
            // that sent it again would.
            let weighings: [(&str, &[(&str, bool)]); 5] = [
                ("SO-2", &[("fail", false), ("pass", false)]),
                ("SO-3", &[("fail", true), ("fail", true)]),
                ("SO-4", &[("fail", false)]),
                ("SO-5", &[("no_verdict", false)]),
                ("SO-6", &[("pass", false), ("no_verdict", false)]),
            ];
            for (number, weighed) in weighings {
                ctx.tx
                    .execute(
                        "INSERT INTO orders (number, placed_at, payment_status, status)
                         VALUES (?1, '2026-11-23T10:00:00Z', 'paid', 'packed')",
                        [number],
                    )
                    .unwrap();
                for (verdict, overridden) in weighed {
                    ctx.tx
                        .execute(
                            "INSERT INTO weighings (order_id, box_code, actual_g, verdict, at,
                                                    override_reason, override_at)
                             SELECT id, 'BOX-S', 500, ?2, '2026-11-23T11:00:00Z',
                                    CASE WHEN ?3 = 1 THEN 'the box is right' END,
                                    CASE WHEN ?3 = 1 THEN '2026-11-23T11:05:00Z' END
                             FROM orders WHERE number = ?1",
                            crate::params![number, verdict, overridden],
                        )
                        .unwrap();
                }
            }
            let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
            let audits: Vec<(String, WeightAudit)> = super::order_facts(ctx, day, day)
                .unwrap()
                .into_iter()
                .map(|o| (o.number, o.weight))
                .collect();
            assert_eq!(
                audits,
                [
                    ("SO-1".to_owned(), WeightAudit::NotWeighed),
                    ("SO-2".to_owned(), WeightAudit::Passed),
                    ("SO-3".to_owned(), WeightAudit::Overridden),
                    ("SO-4".to_owned(), WeightAudit::Failed),
                    ("SO-5".to_owned(), WeightAudit::NotWeighed),
                    ("SO-6".to_owned(), WeightAudit::Passed),
                ]
            );
        });
    }
}
