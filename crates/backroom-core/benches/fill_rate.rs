//! The fill-rate report (overall, by day and by category) over 1,000,000 order lines: about
//! 400,000 orders of one to four lines placed over 90 days, drawn with a fixed seed. Most ship
//! complete the day after they are placed; some ship in part with a back order days later, some
//! have the rest cancelled, some ship late, some are cancelled whole or still open. Prints the
//! overall figures once, then times the report. Run with
//! `cargo bench -p backroom-core --bench fill_rate`.

use backroom_core::fill_rate::{
    self, GroupBy, LineFacts, OrderFacts, Shipment, StoreTime, WeightAudit,
};
use chrono::{Days, NaiveDate, TimeDelta};
use criterion::{Criterion, criterion_group, criterion_main};

const LINES: usize = 1_000_000;
const SKUS: u64 = 5_000;
const CATEGORIES: u64 = 24;

/// A small linear congruential generator: the same orders on every run.
struct Rng(u64);

impl Rng {
    /// A number from 0 to `n` − 1.
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }

    fn percent(&mut self) -> u64 {
        self.below(100)
    }
}

fn orders(start: NaiveDate) -> Vec<OrderFacts> {
    let mut rng = Rng(0x5eed);
    let categories: Vec<std::sync::Arc<str>> =
        (0..CATEGORIES).map(|c| format!("category {c}").into()).collect();
    let mut orders = Vec::with_capacity(LINES * 2 / 5);
    let mut lines_left = LINES;
    while lines_left > 0 {
        let count = (1 + rng.below(4) as usize).min(lines_left);
        lines_left -= count;
        let day = start + Days::new(rng.below(90));
        let placed = day.and_hms_opt(8, 0, 0).unwrap().and_utc().fixed_offset()
            + TimeDelta::hours(rng.below(12) as i64);
        let at = |days: i64| -> StoreTime { placed + TimeDelta::days(days) };
        let kind = rng.percent();
        let lines = (0..count)
            .map(|_| {
                let sku = rng.below(SKUS);
                let ordered = 1 + rng.below(6) as i64;
                // A short line lacks one unit or more.
                let short = if (80..94).contains(&kind) && rng.percent() < 50 {
                    1 + rng.below(ordered as u64) as i64
                } else {
                    0
                };
                let (shipments, cancelled) = match kind {
                    0..80 => (vec![Shipment { at: at(1), qty: ordered }], 0),
                    80..90 => {
                        let mut s = vec![Shipment { at: at(1), qty: ordered - short }];
                        if short > 0 {
                            s.push(Shipment { at: at(5), qty: short });
                        }
                        (s, 0)
                    }
                    90..94 => (vec![Shipment { at: at(1), qty: ordered - short }], short),
                    94..97 => (Vec::new(), 0),
                    _ => (vec![Shipment { at: at(4), qty: ordered }], 0),
                };
                let returned = if rng.percent() < 2 { 1 } else { 0 };
                LineFacts {
                    sku: format!("SKU-{sku:05}").into(),
                    category: categories[(sku % CATEGORIES) as usize].clone(),
                    ordered,
                    unit_price_cents: 100 + rng.below(9_900) as i64,
                    shipments: shipments.into_iter().filter(|s| s.qty > 0).collect(),
                    cancelled,
                    returned,
                    returned_for_fault: if returned > 0 && rng.percent() < 50 { 1 } else { 0 },
                }
            })
            .collect();
        let weight = match rng.percent() {
            0..90 => WeightAudit::Passed,
            90..95 => WeightAudit::NotWeighed,
            95..98 => WeightAudit::Overridden,
            _ => WeightAudit::Failed,
        };
        orders.push(OrderFacts {
            number: format!("{}", 100_000 + orders.len()),
            placed,
            ship_by: (rng.percent() < 70).then(|| day + Days::new(2)),
            cancelled: kind == 96,
            weight,
            lines,
        });
    }
    orders
}

fn fill_rate(c: &mut Criterion) {
    let start = NaiveDate::from_ymd_opt(2026, 8, 1).unwrap();
    let today = start + Days::new(90);
    let orders = orders(start);
    let by = [GroupBy::Day, GroupBy::Category];
    let report = fill_rate::report(&orders, today, &by);
    let (counts, rates) = (&report.overall.counts, &report.overall.rates);
    let pct = |r: Option<f64>| r.map_or("-".to_owned(), |r| format!("{:.1}%", 100.0 * r));
    eprintln!(
        "{} orders ({} counted, {} pending, {} withdrawn), {} lines: units {} first time, {} final; \
         lines {} / {}; orders {} / {}; value {} / {}; perfect {}; {} days, {} categories",
        orders.len(),
        counts.orders,
        counts.orders_pending,
        counts.orders_withdrawn,
        LINES,
        pct(rates.first_time.units),
        pct(rates.final_fill.units),
        pct(rates.first_time.lines),
        pct(rates.final_fill.lines),
        pct(rates.first_time.orders),
        pct(rates.final_fill.orders),
        pct(rates.first_time.value),
        pct(rates.final_fill.value),
        pct(rates.perfect_order),
        report.groupings[0].groups.len(),
        report.groupings[1].groups.len(),
    );
    let mut group = c.benchmark_group("fill-rate report");
    group.sample_size(10);
    group.bench_function("1,000,000 lines: overall, by day, by category", |b| {
        b.iter(|| fill_rate::report(&orders, today, &by))
    });
    group.finish();
}

criterion_group!(benches, fill_rate);
criterion_main!(benches);
