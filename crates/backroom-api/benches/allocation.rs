//! Allocation and stock search at the sizes issue #3 names: 10,000 released orders of three
//! lines served against 5,000 SKUs in 2,400 bins (aim: 2 s or less), and a product search over
//! 100,000 SKUs (aim: 50 ms or less). Run with `cargo bench -p backroom-api --bench allocation`
//! for SQLite; run with `BACKROOM_TEST_PG=<connection string> cargo bench ...` for PostgreSQL
//! (`scripts/postgres start DIR` prints one), where each database is one of its own on that
//! server.
//!
//! The allocation time is the `allocate` command alone: each run gets a fresh copy of the
//! prepared database (a copied SQLite file, or a PostgreSQL database made from the prepared one
//! as a template) and opens it before the clock starts, and removes it after it stops. The
//! search time is one `search_products` call on an open app. On PostgreSQL the planner's
//! statistics are gathered before anything is timed (see `settle`).

use std::path::Path;
use std::time::Duration;

use backroom_api::store::Location;
use backroom_api::testing::TestDatabase;
use backroom_api::{App, Caller, params};
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
fn allocation_template(dir: &Path) -> TestDatabase {
    let db = TestDatabase::new(dir);
    let app = db.open();
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
    db.execute("UPDATE orders SET status = 'released' WHERE status = 'new'", params![]).unwrap();
    settle(&db);
    db
}

/// On PostgreSQL, vacuums the tables and gathers the planner's statistics, as autovacuum would
/// within a minute of so many new rows; measuring before it has would time whichever plan a
/// table of unknown size gets. (SQLite plans without statistics, and Backroom never gathers any
/// there.) VACUUM runs outside any transaction, so on a plain connection.
fn settle(db: &TestDatabase) {
    if let Location::Postgres(text) = &db.location {
        let config: postgres::Config = text.parse().unwrap();
        config.connect(postgres::NoTls).unwrap().batch_execute("VACUUM ANALYZE").unwrap();
    }
}

/// One run's own copy of the template, removed when dropped.
struct Run {
    app: Option<App>,
    location: Location,
}

impl Run {
    /// Copies the template for run `n` and opens the copy: a SQLite file is copied; a
    /// PostgreSQL database is made with the template's as its template, which keeps its
    /// collation, schema, rows and statistics.
    fn new(template: &Location, n: usize) -> Run {
        let location = match template {
            Location::File(path) => {
                let copy = path.with_file_name(format!("run-{n}.db"));
                std::fs::copy(path, &copy).unwrap();
                Location::File(copy)
            }
            Location::Postgres(text) => {
                let (mut server, name) = server_of(text);
                let copy = format!("{name}_run{n}");
                wait_until_unused(&mut server, &name);
                server
                    .batch_execute(&format!(
                        "CREATE DATABASE {copy} TEMPLATE {name} STRATEGY FILE_COPY"
                    ))
                    .unwrap();
                Location::Postgres(format!("{text} dbname={copy}"))
            }
        };
        let app = App::open_at(&location).unwrap();
        Run { app: Some(app), location }
    }

    fn app(&self) -> &App {
        self.app.as_ref().unwrap()
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        drop(self.app.take());
        match &self.location {
            Location::File(path) => {
                let _ = std::fs::remove_file(path);
            }
            Location::Postgres(text) => {
                let (mut server, name) = server_of(text);
                // Waiting for the app's connections to close keeps its listener from
                // complaining of a database dropped under it.
                wait_until_unused(&mut server, &name);
                server.batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)")).unwrap();
            }
        }
    }
}

/// A connection to the server's own `postgres` database, which may create and drop others, and
/// the name of the database `text` names.
fn server_of(text: &str) -> (postgres::Client, String) {
    let mut config: postgres::Config = text.parse().unwrap();
    let name = config.get_dbname().unwrap().to_owned();
    config.dbname("postgres");
    (config.connect(postgres::NoTls).unwrap(), name)
}

/// Waits for the connections of a closed app to end: its listener looks up every 250 ms, and a
/// database with connections can be neither copied nor dropped quietly.
fn wait_until_unused(server: &mut postgres::Client, name: &str) {
    for _ in 0..100 {
        let row = server
            .query_one("SELECT count(*) FROM pg_stat_activity WHERE datname = $1", &[&name])
            .unwrap();
        if row.get::<_, i64>(0) == 0 {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the database {name} is still in use");
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
                Run::new(&template.location, n)
            },
            |run| {
                let summary = call(run.app(), "allocate", json!({}));
                assert_eq!(summary["orders"], ORDERS, "{summary}");
                // Returned, so that removing the copy is not part of the time measured.
                run
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn search(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::new(dir.path());
    let app = db.open();
    import(&app, "products", products_csv(SEARCH_SKUS));
    settle(&db);
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
