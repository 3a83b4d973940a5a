//! Batch planning on the pick-path benchmark's layouts: 60 orders on the medium layout and
//! 1,000 on the large one, each of one to four bins drawn with a fixed seed, onto carts of 8
//! totes. Prints the walking of the plan against first-come-first-served carts once, then times
//! the planning. Run with `cargo bench -p backroom-core --bench batching`.

use std::path::Path;

use backroom_core::batching::{self, Cart, OrderLoad};
use backroom_core::layout::{BinCode, Layout, Side};
use backroom_core::routing::Method;
use criterion::{Criterion, criterion_group, criterion_main};

const PUBLIC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/bench/pickpath/public");

/// A small linear congruential generator: the same orders on every run.
fn orders(layout: &Layout, count: usize) -> Vec<OrderLoad> {
    let mut state: u64 = 0x5eed;
    let mut next = |n: u32| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        1 + ((state >> 33) % u64::from(n)) as u32
    };
    (0..count)
        .map(|_| {
            let lines = next(4) as usize;
            let bins = (0..lines)
                .map(|_| BinCode {
                    aisle: next(layout.aisles),
                    block: next(layout.blocks),
                    slot: next(layout.slots_per_side),
                    side: if next(2) == 1 { Side::Left } else { Side::Right },
                })
                .collect();
            OrderLoad { bins, units: lines as i64, grams: 500.0 }
        })
        .collect()
}

fn batching(c: &mut Criterion) {
    let mut group = c.benchmark_group("batch planning, carts of 8");
    group.sample_size(10);
    // A cart-sized wave is scored on the optimal tours pickers walk; a thousand orders on
    // largest-gap tours, as the planner scores a large wave.
    for (file, count, score) in
        [("medium-3b.json", 60, Method::Optimal), ("large-5b.json", 1_000, Method::LargestGap)]
    {
        let text = std::fs::read_to_string(Path::new(PUBLIC).join("layouts").join(file))
            .expect("the shared bench folder sits beside the checkout");
        let layout = Layout::from_json(&text).unwrap();
        let orders = orders(&layout, count);
        let cart = Cart { totes: 8, tote_units: Some(20), tote_grams: None };
        let plan = batching::plan(&layout, &orders, cart, score).unwrap();
        eprintln!(
            "{file}, {count} orders, {score} tours: planned {:.1} m in {} lists, first come first served {:.1} m \
             ({:.1}% less walking)",
            plan.distance_m,
            plan.batches.len(),
            plan.fcfs_distance_m,
            100.0 * (1.0 - plan.distance_m / plan.fcfs_distance_m)
        );
        group.bench_function(format!("{count} orders on {file}"), |b| {
            b.iter(|| batching::plan(&layout, &orders, cart, score).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, batching);
criterion_main!(benches);
