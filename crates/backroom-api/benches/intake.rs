//! Order intake speed: a 100,000-row generic orders file (33,334 orders of three lines) imported
//! into a fresh database holding 3,000 products, through the command surface as any transport
//! would call it. Run with `cargo bench -p backroom-api --bench intake`; the aim is 5 s or less.

use std::time::Duration;

use backroom_api::{App, Caller};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};

const PRODUCTS: usize = 3_000;
const ROWS: usize = 100_000;

fn products_csv() -> String {
    let mut csv = String::from("sku,name,category,unit_weight,barcodes,price\n");
    for p in 0..PRODUCTS {
        csv.push_str(&format!(
            "SKU-{p:05},Product {p},Group {},{} g,BR-{p:06},{}.{:02}\n",
            p % 30,
            50 + p % 900,
            1 + p % 60,
            p % 100
        ));
    }
    csv
}

fn orders_csv() -> String {
    let mut csv = String::from(
        "number,placed_at,customer_name,customer_email,ship_name,ship_address1,ship_city,\
         ship_postal_code,ship_country,billing_country,payment_status,sku,qty,unit_price\n",
    );
    for row in 0..ROWS {
        let (order, line) = (row / 3, row % 3);
        let number = 500_000 + order;
        if line == 0 {
            csv.push_str(&format!(
                "{number},2026-11-{:02}T{:02}:{:02}:00Z,Customer {order},c{order}@example.com,\
                 Customer {order},{} Long Road,Leeds,LS1 1AA,GB,GB,paid,",
                1 + order % 28,
                order % 24,
                order % 60,
                1 + order % 300
            ));
        } else {
            csv.push_str(&format!("{number},,,,,,,,,,,"));
        }
        // Three different products per order: one of a popular few hundred, two from anywhere.
        let product = if line == 0 { order % 300 } else { (order * 7 + line * 1009) % PRODUCTS };
        csv.push_str(&format!("SKU-{product:05},{},{}.99\n", 1 + row % 4, 2 + line));
    }
    csv
}

/// A new database with the products in it; the folder holds the file until it is dropped.
fn fresh(products: &Value) -> (App, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("backroom.db")).unwrap();
    let report = app.call(Caller::Local, "import_csv", products.clone()).unwrap();
    assert_eq!(report["ok"], true, "{report}");
    (app, dir)
}

fn intake(c: &mut Criterion) {
    let products = json!({"table": "products", "csv": products_csv()});
    let orders = json!({"table": "orders", "csv": orders_csv()});
    let mut group = c.benchmark_group("intake");
    group.sample_size(10).measurement_time(Duration::from_secs(60));
    group.bench_function("100k-row generic orders file", |b| {
        b.iter_batched(
            || (fresh(&products), orders.clone()),
            |((app, dir), req)| {
                let report = app.call(Caller::Local, "import_csv", req).unwrap();
                assert_eq!(report["created"], (ROWS as u64).div_ceil(3), "{}", report["errors"]);
                // Returned, so that removing the database is not part of the time measured.
                (app, dir)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, intake);
criterion_main!(benches);
