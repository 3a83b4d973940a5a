//! The public instances of the pick-path benchmark (the shared `bench/pickpath` folder), routed
//! through the same entry point as the `backroom route` command and compared with the proven
//! optima and the reference heuristics published there.
//!
//! Run with `--nocapture` to see the table of ratios and times per instance.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use backroom_core::routing::{Method, RouteOutput, route_files};
use serde_json::Value;

const PUBLIC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/bench/pickpath/public");

/// The judge flags a reported distance that differs from its own by more than 0.1 %.
const JUDGE_TOLERANCE: f64 = 1e-3;
/// Every route must be within 1 % of the proven optimum.
const WORST_RATIO: f64 = 1.01;
/// Backroom's target for the mean ratio to the optimum.
const MEAN_RATIO: f64 = 1.002;

struct Instance {
    id: String,
    layout: String,
    picks: String,
    optimum: f64,
    s_shape: f64,
    largest_gap: f64,
}

fn instances() -> Option<Vec<Instance>> {
    let text = fs::read_to_string(Path::new(PUBLIC).join("reference.json")).ok()?;
    let reference: Value = serde_json::from_str(&text).expect("reference.json is JSON");
    let records = match &reference {
        Value::Array(records) => records,
        other => other["instances"].as_array().expect("reference.json lists instances"),
    };
    let read = |relative: &Value| {
        let path = Path::new(PUBLIC).join(relative.as_str().expect("a path"));
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let metres = |record: &Value, method: &str| {
        record[method]["distance_m"].as_f64().unwrap_or_else(|| panic!("{method} distance"))
    };
    let instances = records
        .iter()
        .map(|record| Instance {
            id: record["id"].as_str().expect("an id").to_owned(),
            layout: read(&record["layout"]),
            picks: read(&record["picks"]),
            optimum: metres(record, "optimal"),
            s_shape: metres(record, "s_shape"),
            largest_gap: metres(record, "largest_gap"),
        })
        .collect();
    Some(instances)
}

/// Routes one instance, checks the output as the judge would, and returns its length and the
/// best time of three runs in optimised builds (other work on the machine only ever adds time).
fn run(instance: &Instance, method: Method) -> (f64, Duration) {
    let mut took = Duration::MAX;
    let mut output = None;
    let runs = if cfg!(debug_assertions) { 1 } else { 3 };
    for _ in 0..runs {
        let started = Instant::now();
        let routed = route_files(&instance.layout, &instance.picks, method)
            .unwrap_or_else(|e| panic!("{} {method}: {e}", instance.id));
        took = took.min(started.elapsed());
        output = Some(routed);
    }
    let output = output.expect("routed");
    let RouteOutput { method: reported, distance_m, sequence } = output;
    assert_eq!(reported, method);
    let picks: Value = serde_json::from_str(&instance.picks).unwrap();
    let mut expected: Vec<&str> =
        picks["picks"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    let mut visited: Vec<&str> = sequence.iter().map(String::as_str).collect();
    expected.sort_unstable();
    visited.sort_unstable();
    assert_eq!(visited, expected, "{} {method}: not a permutation of the pick ids", instance.id);
    (distance_m, took)
}

#[test]
fn public_instances_are_routed_within_one_percent_of_the_optimum() {
    let instances = instances().expect(
        "the shared pick-path benchmark sits beside the checkout, at ../shared/bench/pickpath",
    );
    assert_eq!(instances.len(), 40);
    println!(
        "{:<28} {:>9} {:>9} {:>8} {:>8} {:>8} {:>9}",
        "instance", "optimum", "optimal", "ratio", "s-shape", "l-gap", "time ms"
    );
    let mut ratios = [Vec::new(), Vec::new(), Vec::new()];
    let mut times = Vec::new();
    for instance in &instances {
        let (optimal, took) = run(instance, Method::Optimal);
        let (s_shape, _) = run(instance, Method::SShape);
        let (largest_gap, _) = run(instance, Method::LargestGap);
        let ratio = [optimal, s_shape, largest_gap].map(|length| length / instance.optimum);
        println!(
            "{:<28} {:>9.1} {:>9.1} {:>8.4} {:>8.4} {:>8.4} {:>9.3}",
            instance.id,
            instance.optimum,
            optimal,
            ratio[0],
            ratio[1],
            ratio[2],
            took.as_secs_f64() * 1e3
        );
        for (all, one) in ratios.iter_mut().zip(ratio) {
            all.push(one);
        }
        times.push(took);

        assert!(
            ratio[0] >= 1.0 - JUDGE_TOLERANCE,
            "{}: {optimal} is shorter than the proven optimum {}",
            instance.id,
            instance.optimum
        );
        assert!(ratio[0] <= WORST_RATIO, "{}: {} times the optimum", instance.id, ratio[0]);
        // Backroom's heuristics follow the benchmark's reference versions, so their tours match.
        for (name, ours, reference) in [
            ("s-shape", s_shape, instance.s_shape),
            ("largest-gap", largest_gap, instance.largest_gap),
        ] {
            let off = (ours - reference).abs() / reference;
            assert!(
                off <= JUDGE_TOLERANCE,
                "{} {name}: {ours} vs reference {reference}",
                instance.id
            );
        }
    }

    let summary = |all: &[f64]| {
        let mean = all.iter().sum::<f64>() / all.len() as f64;
        (mean, all.iter().copied().fold(0.0, f64::max))
    };
    for (name, all) in ["optimal", "s-shape", "largest-gap"].iter().zip(&ratios) {
        let (mean, max) = summary(all);
        println!("{name:<12} ratio to optimum: mean {mean:.4}, max {max:.4}");
    }
    times.sort_unstable();
    println!(
        "optimal time per instance: median {:.3} ms, max {:.3} ms",
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
    let (mean, _) = summary(&ratios[0]);
    assert!(mean <= MEAN_RATIO, "mean ratio {mean} to the optimum");
}
