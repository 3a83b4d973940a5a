//! Order intake speed: a 100,000-row generic orders file (33,334 orders of three lines) imported
//! into a fresh database holding 3,000 products, through the command surface as any transport
//! would call it. Run with `cargo bench -p backroom-api --bench intake` for SQLite; run with
//! `BACKROOM_TEST_PG=<connection string> cargo bench ...` for PostgreSQL (`scripts/postgres start
//! DIR` prints one), where each run's database is one of its own on that server. The aim is 5 s
//! or less.
//!
//! Each timed run is the one `import_csv` command: making the new database and loading its
//! products come before the clock starts, and removing the database after it stops.
//!
//! With the real shop exports of `../shared/realdata/` present (they are never copied into the
//! project), two more: a 100,000-row Shopify orders export made by repeating the rows of the
//! real order exports under new order names (every file's columns mapped by name onto the
//! 79-column layout; the spreadsheet-saved and broken files left out), imported into a database
//! holding the largest real products export, aim 5 s or less; and that products export (5,295
//! variants) into a new database, aim 2 s or less.

use std::time::Duration;

use backroom_api::testing::TestDatabase;
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

/// One run's database, open: removed when dropped, the app first, then the database (on
/// PostgreSQL) and the folder (a SQLite file's).
type Fresh = (App, TestDatabase, tempfile::TempDir);

/// A new, empty database on the engine the run chose.
fn empty() -> Fresh {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::new(dir.path());
    (db.open(), db, dir)
}

/// A new database with the products in it.
fn fresh(products: &Value) -> Fresh {
    let (app, db, dir) = empty();
    let report = app.call(Caller::Local, "import_csv", products.clone()).unwrap();
    assert_eq!(report["ok"], true, "{report}");
    (app, db, dir)
}

fn intake(c: &mut Criterion) {
    let products = json!({"table": "products", "csv": products_csv()});
    let orders = json!({"table": "orders", "csv": orders_csv()});
    let mut group = c.benchmark_group("intake");
    group.sample_size(10).measurement_time(Duration::from_secs(60));
    group.bench_function("100k-row generic orders file", |b| {
        b.iter_batched(
            || (fresh(&products), orders.clone()),
            |((app, db, dir), req)| {
                let report = app.call(Caller::Local, "import_csv", req).unwrap();
                assert_eq!(report["created"], (ROWS as u64).div_ceil(3), "{}", report["errors"]);
                // Returned, so that removing the database is not part of the time measured.
                (app, db, dir)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

/// The folder of real shop exports, when this machine has it.
fn realdata() -> Option<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/realdata");
    dir.is_dir().then_some(dir)
}

const REAL_ORDER_FILES: [&str; 5] = [
    "shopify/orders_tr_TRY-USD_2025_selmanarts.csv",
    "shopify/orders_us_USD_2020-2023_tips_yancy.csv",
    "shopify/orders_eu_EUR_2024_75col_scaricaArticoli.csv",
    "shopify/orders_za_ZAR_2021_75col_kidsliving.csv",
    "shopify/extra/orders_bd_BDT_2026_crlf_bengali.csv",
];
const LARGEST_PRODUCTS: &str =
    "shopify-products/products_ca-fr_2023_50col_dupSKU_apostrophe-barcodes.csv";

/// A Shopify export of `rows` rows: the real files' orders again and again, each time under a
/// new order name, every row written in the first file's columns.
fn shopify_orders_csv(dir: &std::path::Path, rows: usize) -> (String, usize) {
    let mut header: Option<csv::StringRecord> = None;
    // Each order's rows, in the target header's columns.
    let mut orders: Vec<Vec<Vec<String>>> = Vec::new();
    for file in REAL_ORDER_FILES {
        let mut reader = csv::Reader::from_path(dir.join(file)).unwrap();
        let own = reader.headers().unwrap().clone();
        let target = header.get_or_insert_with(|| own.clone()).clone();
        let at: Vec<Option<usize>> =
            target.iter().map(|name| own.iter().position(|o| o == name)).collect();
        let mut last = String::new();
        for record in reader.records() {
            let record = record.unwrap();
            let row: Vec<String> =
                at.iter().map(|i| i.and_then(|i| record.get(i)).unwrap_or("").to_owned()).collect();
            if row[0] != last || orders.is_empty() {
                last = row[0].clone();
                orders.push(Vec::new());
            }
            orders.last_mut().unwrap().push(row);
        }
    }
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(header.as_ref().unwrap()).unwrap();
    let (mut written, mut count) = (0, 0);
    'fill: for round in 0.. {
        for order in &orders {
            count += 1;
            let name = format!("#R{round}-{count}");
            for row in order {
                let mut row = row.clone();
                row[0] = name.clone();
                out.write_record(&row).unwrap();
                written += 1;
                if written == rows {
                    break 'fill;
                }
            }
        }
    }
    (String::from_utf8(out.into_inner().unwrap()).unwrap(), count)
}

fn real_exports(c: &mut Criterion) {
    let Some(dir) = realdata() else {
        eprintln!("real shop exports skipped: ../shared/realdata is absent");
        return;
    };
    let products_csv = std::fs::read_to_string(dir.join(LARGEST_PRODUCTS)).unwrap();
    let products = json!({"table": "products", "csv": products_csv});
    let (orders_csv, order_count) = shopify_orders_csv(&dir, ROWS);
    let orders = json!({"table": "orders", "csv": orders_csv});
    let mut group = c.benchmark_group("real exports");
    group.sample_size(10).measurement_time(Duration::from_secs(60));
    group.bench_function("100k-row Shopify orders export", |b| {
        b.iter_batched(
            || (fresh(&products), orders.clone()),
            |((app, db, dir), req)| {
                let report = app.call(Caller::Local, "import_csv", req).unwrap();
                assert_eq!(report["created"], order_count as u64, "{}", report["errors"]);
                (app, db, dir)
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("largest Shopify products export", |b| {
        b.iter_batched(
            || (empty(), products.clone()),
            |((app, db, dir), req)| {
                let report = app.call(Caller::Local, "import_csv", req).unwrap();
                assert_eq!(report["created"], 5295, "{}", report["errors"]);
                (app, db, dir)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, intake, real_exports);
criterion_main!(benches);
