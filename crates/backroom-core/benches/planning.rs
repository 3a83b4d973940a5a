//! Demand-range planning at warehouse scale: the per-product policy (statistics, safety stock,
//! reorder point, order-up-to, suggested quantity, flags) for 100,000 products of 180 days'
//! history each, and a what-if of four scenarios over 90 days for 1,000 products. Histories
//! are drawn with a fixed seed: slow and fast movers, some rising, some busier at weekends,
//! some that never sold. Prints a summary of each once, then times them. Run with
//! `cargo bench -p backroom-core --bench planning`.

use std::hint::black_box;

use backroom_core::planning::{self, ProductInput, Rng, Scenario, WhatIfOptions};
use criterion::{Criterion, criterion_group, criterion_main};

const PRODUCTS: usize = 100_000;
const WHAT_IF_PRODUCTS: usize = 1_000;
const HISTORY_DAYS: usize = 180;

/// `count` products with 180 days of history, the same on every run.
fn products(count: usize, seed: u64) -> Vec<ProductInput> {
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|i| {
            // Daily means from 0.05 to about 400 units, log-uniform; one in fifty never sold.
            let never_sold = rng.uniform() < 0.02;
            let mean = if never_sold { 0.0 } else { 0.05 * 8000f64.powf(rng.uniform()) };
            let sd = mean.sqrt() + 0.2 * mean;
            let rising = rng.uniform() < 0.2;
            let weekend = rng.uniform() < 0.3;
            let first_weekday = (rng.next_u64() % 7) as u8;
            let daily_demand = (0..HISTORY_DAYS)
                .map(|t| {
                    let mut m = mean;
                    if rising {
                        m *= 0.6 + 0.8 * t as f64 / HISTORY_DAYS as f64;
                    }
                    if weekend && (usize::from(first_weekday) + t) % 7 >= 5 {
                        m *= 1.8;
                    }
                    (m + sd * rng.normal()).round().max(0.0)
                })
                .collect();
            let lead_time_days = (2 + rng.next_u64() % 28) as f64;
            ProductInput {
                sku: format!("SKU-{i:06}"),
                daily_demand,
                first_weekday,
                on_hand: (mean * lead_time_days * 2.0 * rng.uniform()).round(),
                on_order: if rng.uniform() < 0.3 { (mean * 14.0).round() } else { 0.0 },
                back_ordered: if rng.uniform() < 0.05 { (mean * 2.0).round() } else { 0.0 },
                service_level: [0.90, 0.95, 0.98, 0.99][(rng.next_u64() % 4) as usize],
                lead_time_days,
                lead_time_sd_days: if rng.uniform() < 0.3 { lead_time_days * 0.2 } else { 0.0 },
                review_period_days: if rng.uniform() < 0.5 { 7.0 } else { 0.0 },
                order_cycle_days: 14.0,
            }
        })
        .collect()
}

fn planning(c: &mut Criterion) {
    let mut group = c.benchmark_group("demand-range planning");
    group.sample_size(10);

    let inputs = products(PRODUCTS, 0x5eed);
    let plans = planning::plan_all(&inputs);
    let count = |f: &dyn Fn(&planning::ProductPlan) -> bool| plans.iter().filter(|p| f(p)).count();
    eprintln!(
        "{PRODUCTS} products × {HISTORY_DAYS} days: {} with a trend, {} seasonal, {} below reorder \
         point, {} out of stock, {} without history; {:.0} units suggested",
        count(&|p| p.trend_per_day.is_some()),
        count(&|p| p.seasonal),
        count(&|p| p.below_reorder_point),
        count(&|p| p.out_of_stock),
        count(&|p| p.no_history),
        plans.iter().map(|p| p.suggested_qty).sum::<f64>(),
    );
    group.bench_function(format!("policy for {PRODUCTS} products × {HISTORY_DAYS} days"), |b| {
        b.iter(|| planning::plan_all(black_box(&inputs)))
    });

    let few = &inputs[..WHAT_IF_PRODUCTS];
    let scenarios = [
        Scenario::scaled("usual", 1.0),
        Scenario::scaled("+20%", 1.2),
        Scenario::scaled("+50%", 1.5),
        Scenario::holiday_peak("holiday", 45, 21, 2.5),
    ];
    let options = WhatIfOptions::default();
    let what_if_all = |products: &[ProductInput]| -> Vec<Vec<planning::ScenarioOutcome>> {
        products.iter().map(|p| planning::what_if(p, &scenarios, &options, 7)).collect()
    };
    let outcomes = what_if_all(few);
    for (i, scenario) in scenarios.iter().enumerate() {
        let fill: f64 = outcomes.iter().map(|o| o[i].fill_rate).sum::<f64>() / few.len() as f64;
        let days: f64 = outcomes.iter().map(|o| o[i].stockout_days).sum::<f64>() / few.len() as f64;
        eprintln!(
            "what-if {}: mean fill rate {:.3}, {:.1} stock-out days per product in {} days",
            scenario.name, fill, days, options.horizon_days
        );
    }
    group.bench_function(
        format!(
            "what-if, {WHAT_IF_PRODUCTS} products × {} scenarios × {} days × {} runs",
            scenarios.len(),
            options.horizon_days,
            options.runs
        ),
        |b| b.iter(|| what_if_all(black_box(few))),
    );
    group.finish();
}

criterion_group!(benches, planning);
criterion_main!(benches);
