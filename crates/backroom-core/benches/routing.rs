//! Routing speed on the pick-path benchmark's large public layout (40 aisles, 5 blocks) at 10,
//! 40 and 150 picks, for every method. Run with `cargo bench -p backroom-core --bench routing`.

use std::path::Path;

use backroom_core::layout::Layout;
use backroom_core::routing::{self, Method, Pick};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

const PUBLIC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/bench/pickpath/public");

fn read(relative: &str) -> String {
    std::fs::read_to_string(Path::new(PUBLIC).join(relative)).unwrap_or_else(|e| {
        panic!("{relative}: {e} (the shared bench folder sits beside the checkout)")
    })
}

fn picks(id: &str) -> Vec<Pick> {
    let file: serde_json::Value = serde_json::from_str(&read(&format!("picks/{id}.json"))).unwrap();
    serde_json::from_value(file["picks"].clone()).unwrap()
}

fn routing(c: &mut Criterion) {
    let layout = Layout::from_json(&read("layouts/large-5b.json")).unwrap();
    let mut group = c.benchmark_group("route large-5b");
    for id in ["large-5b-n010-uniform", "large-5b-n040-uniform", "large-5b-n150-uniform"] {
        let picks = picks(id);
        for method in Method::ALL {
            group.bench_with_input(
                BenchmarkId::new(method.name(), picks.len()),
                &picks,
                |b, picks| b.iter(|| routing::route(&layout, picks, method).unwrap()),
            );
        }
    }
    group.finish();
}

criterion_group!(benches, routing);
criterion_main!(benches);
