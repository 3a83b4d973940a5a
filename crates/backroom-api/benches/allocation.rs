//! Allocation and stock search at the sizes issue #3 names: 10,000 released orders of three
//! lines served against 5,000 SKUs in 2,400 bins (aim: 2 s or less), and a product search over
//! 100,000 SKUs (aim: 50 ms or less). Run with `cargo bench -p backroom-api --bench allocation`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use backroom_api::{App, Caller};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};

const SKUS: usize = 5_000;
const ORDERS: usize = 10_000;
const SEARCH_SKUS: usize = 100_000;

fn call(app: &App, name: &str, req: Value) -> Value {
    app.call(Caller::Local, name, req).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn import(app: &App, table: &str, csv: String) {
    let report = call(app, "import_csv", json!({"table": table, "csv": csv}));
    assert_eq!(report["ok"], true, "{}", report["errors"]);
}

fn products_csv(count: usize) -> String {
    let mut csv = String::from("sku,name,category,unit_weight,price\n");
    for p in 0..count {
        let kind = ["Mug", "T-shirt", "Notebook", "Candle", "Socks"][p % 5];
        csv.push_str(&format!("SKU-{p:06},{kind} no. {p},{kind},{} g,9.99\n", 50 + p % 900));
    }
    csv
}

/// A template database with 5,000 SKUs in 20 x 3 x 20 x 2 = 2,400 bins and 10,000 orders that
/// are released but not yet allocated. Stock covers most of the demand, so some orders end
/// back-ordered, as on a real morning.
fn allocation_template(dir: &Path) -> PathBuf {
    let path = dir.join("template.db");
    let app = App::open(&path).unwrap();
    call(
        &app,
        "set_layout",
        json!({"layout": {"name": "bench", "aisles": 20, "blocks": 3, "slots_per_side": 20,
            "slot_length_m": 1.0, "aisle_pitch_m": 3.0, "cross_aisle_m": 2.0}}),
    );
    call(&app, "save_area", json!({"code": "PACKING", "kind": "packing"}));
    let mut settings = call(&app, "get_settings", json!({}));
    settings["orders"]["auto_release"] = json!(false);
    call(&app, "save_settings", settings);
    import(&app, "products", products_csv(SKUS));
    let mut stock = String::from("sku,location,qty\n");
    for p in 0..SKUS {
        let bin = p % 2_400;
        let (aisle, block, slot, side) =
            (1 + bin / 120, 1 + (bin / 40) % 3, 1 + (bin / 2) % 20, ["L", "R"][bin % 2]);
        stock.push_str(&format!("SKU-{p:06},A{aisle:02}-{block}-{slot:02}-{side},{}\n", 4 + p % 9));
    }
    import(&app, "stock", stock);
    let mut orders = String::from(
        "number,placed_at,ship_by,priority,customer_name,customer_email,ship_name,ship_address1,\
         ship_city,ship_postal_code,ship_country,payment_status,sku,qty\n",
    );
    for o in 0..ORDERS {
        for line in 0..3 {
            let sku = (o * 7 + line * 1_663) % SKUS;
            let head = if line == 0 {
                format!(
                    "{},2026-11-{:02}T10:00:00Z,2026-11-{:02},{},C {o},c{o}@example.com,C {o},\
                     {} Road,Leeds,LS1 1AA,GB,paid",
                    100_000 + o,
                    1 + o % 20,
                    21 + o % 7,
                    i32::from(o % 50 == 0),
                    1 + o % 90
                )
            } else {
                format!("{},,,,,,,,,,,", 100_000 + o)
            };
            orders.push_str(&format!("{head},SKU-{sku:06},{}\n", 1 + (o + line) % 2));
        }
    }
    import(&app, "orders", orders);
    drop(app);
    // Release without allocating, so the bench times allocation alone.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("UPDATE orders SET status = 'released' WHERE status = 'new'", []).unwrap();
    path
}

fn allocation(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let template = allocation_template(dir.path());
    let mut group = c.benchmark_group("allocation");
    group.sample_size(10).measurement_time(Duration::from_secs(40));
    group.bench_function("10k orders x 3 lines, 5k SKUs", |b| {
        let mut n = 0;
        b.iter_batched(
            || {
                n += 1;
                let path = dir.path().join(format!("run-{n}.db"));
                std::fs::copy(&template, &path).unwrap();
                App::open(&path).unwrap()
            },
            |app| {
                let summary = call(&app, "allocate", json!({}));
                assert_eq!(summary["orders"], ORDERS, "{summary}");
                app
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn search(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("search.db")).unwrap();
    import(&app, "products", products_csv(SEARCH_SKUS));
    let mut group = c.benchmark_group("stock search, 100k SKUs");
    for (name, text) in
        [("exact SKU", "SKU-077777"), ("name word", "candle no. 4"), ("no match", "zebra")]
    {
        group.bench_function(name, |b| {
            b.iter(|| call(&app, "search_products", json!({"text": text, "limit": 50})))
        });
    }
    group.finish();
}

criterion_group!(benches, allocation, search);
criterion_main!(benches);
