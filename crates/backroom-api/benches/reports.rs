//! The manager's reports at the sizes issue #5 names, through the command surface: the
//! fill-rate report over a year of one million order lines, and stock levels with a plan for
//! each of 100,000 products (aim: 2 s or less each). Run with
//! `cargo bench -p backroom-api --bench reports` for a SQLite file; run with
//! `BACKROOM_TEST_PG=<connection string> cargo bench ...` for PostgreSQL (`scripts/postgres start
//! DIR` prints one), where the database is one of its own on that server.
//!
//! The history is written straight into the tables (one transaction), as years of use would
//! have left it: 400,000 orders of one to four lines, most shipped the next day, some in two
//! shipments, some waiting; a passed weighing for each shipped order. On PostgreSQL the tables
//! are then vacuumed and their statistics gathered, as autovacuum would soon after so many rows;
//! the first report, before that, is timed on its own. Each figure is the median of a few calls
//! of one command.

use std::time::{Duration, Instant};

use backroom_api::store::{Access, Location};
use backroom_api::testing::TestDatabase;
use backroom_api::{App, Caller, params};
use chrono::{Days, Utc};
use serde_json::{Value, json};

const PRODUCTS: usize = 100_000;
const ORDERS: usize = 400_000;

/// A small seeded generator (SplitMix64), so every run measures the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn call(app: &App, name: &str, req: Value) -> Value {
    app.call(Caller::Local, name, req).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Writes the catalogue, stock and a year of orders; returns the number of order lines.
fn history(app: &App, db: &TestDatabase) -> usize {
    call(
        app,
        "set_layout",
        json!({"layout": {"name": "bench", "aisles": 20, "blocks": 3, "slots_per_side": 20,
            "slot_length_m": 1.0, "aisle_pitch_m": 3.0, "cross_aisle_m": 2.0}}),
    );
    call(app, "save_area", json!({"code": "PACKING", "kind": "packing"}));
    let mut conn = db.connect();
    let tx = conn.begin(Access::Write, Duration::from_secs(10)).unwrap();
    let packing: i64 = tx
        .query_row("SELECT id FROM locations WHERE code = 'PACKING'", params![], |r| r.get(0))
        .unwrap();
    let bins: Vec<i64> = {
        let mut stmt =
            tx.prepare("SELECT id FROM locations WHERE kind = 'bin' ORDER BY id").unwrap();
        stmt.query_map(params![], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    let mut rng = Rng(5);
    let now = Utc::now();
    let stamp = |days_ago: u64, hour: u64| {
        let day = now.date_naive() - Days::new(days_ago);
        format!("{day}T{:02}:{:02}:00Z", hour % 24, (hour * 7) % 60)
    };
    {
        let mut product = tx
            .prepare_cached("INSERT INTO products (id, sku, name, category, unit_weight_g, price_cents) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            .unwrap();
        let mut receipt = tx
            .prepare_cached("INSERT INTO movements (kind, product_id, qty, to_location_id, at) VALUES ('receipt', ?1, ?2, ?3, ?4)")
            .unwrap();
        for p in 1..=PRODUCTS as i64 {
            let category = ["kitchen", "garden", "toys", "books", "apparel"][p as usize % 5];
            product
                .execute(params![
                    p,
                    format!("SKU-{p:06}"),
                    format!("Product {p}"),
                    category,
                    100 + p % 900,
                    500 + p % 5000
                ])
                .unwrap();
            receipt
                .execute(params![
                    p,
                    1 + rng.below(40),
                    bins[p as usize % bins.len()],
                    stamp(366, 6)
                ])
                .unwrap();
            // Enough in packing for every shipment the history makes.
            receipt.execute(params![p, 1_000_000, packing, stamp(366, 6)]).unwrap();
        }
    }
    let mut lines = 0;
    {
        let mut order = tx
            .prepare_cached("INSERT INTO orders (id, number, placed_at, ship_by, payment_status, status) VALUES (?1, ?2, ?3, ?4, 'paid', ?5)")
            .unwrap();
        let mut line = tx
            .prepare_cached("INSERT INTO order_lines (order_id, line_no, product_id, qty, unit_price_cents, shipped_qty) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            .unwrap();
        let mut ship = tx
            .prepare_cached("INSERT INTO movements (kind, product_id, qty, from_location_id, order_id, at, reason) VALUES ('ship', ?1, ?2, ?3, ?4, ?5, ?6)")
            .unwrap();
        let mut weighing = tx
            .prepare_cached("INSERT INTO weighings (order_id, box_code, expected_g, tolerance_g, actual_g, verdict, cause, scale, at) VALUES (?1, 'BOX', 500, 20, 505, 'pass', '', 'bench', ?2)")
            .unwrap();
        for o in 1..=ORDERS as i64 {
            let age = rng.below(365);
            // Popular products are popular: the square skews choices to the low ids.
            let fate = rng.below(100);
            let status = if fate < 90 {
                "shipped"
            } else if fate < 95 {
                "released"
            } else {
                "allocated"
            };
            order
                .execute(params![
                    o,
                    format!("B{o:07}"),
                    stamp(age + 1, o as u64),
                    stamp(age, 17),
                    status
                ])
                .unwrap();
            for n in 1..=1 + rng.below(4) as i64 {
                let r = rng.below(PRODUCTS as u64) as f64 / PRODUCTS as f64;
                let product = 1 + (r * r * PRODUCTS as f64) as i64;
                let qty = 1 + rng.below(3) as i64;
                let shipped = match fate {
                    0..90 => qty,
                    90..95 => qty - 1,
                    _ => 0,
                };
                line.execute(params![o, n, product, qty, 1000, shipped]).unwrap();
                if shipped > 0 {
                    ship.execute(params![
                        product,
                        shipped,
                        packing,
                        o,
                        stamp(age, 15),
                        "shipment 1"
                    ])
                    .unwrap();
                }
                lines += 1;
            }
            if fate < 95 {
                weighing.execute(params![o, stamp(age, 14)]).unwrap();
            }
        }
    }
    tx.commit().unwrap();
    lines
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time(runs: usize, mut f: impl FnMut()) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect(),
    )
}

/// On PostgreSQL, vacuums the tables and gathers the planner's statistics, as autovacuum would
/// within a minute of so many new rows. (SQLite plans without statistics, and Backroom never
/// gathers any there.) VACUUM runs outside any transaction, so on a plain connection.
fn settle(location: &Location) {
    if let Location::Postgres(text) = location {
        let config: postgres::Config = text.parse().unwrap();
        config.connect(postgres::NoTls).unwrap().batch_execute("VACUUM ANALYZE").unwrap();
    }
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::new(dir.path());
    let app = db.open();
    let start = Instant::now();
    let lines = history(&app, &db);
    println!(
        "history: {ORDERS} orders, {lines} lines, {PRODUCTS} products, written in {:.1} s",
        start.elapsed().as_secs_f64()
    );

    let today = Utc::now().date_naive();
    let year = json!({"from": (today - Days::new(400)).to_string(), "to": today.to_string(),
                      "group_by": ["month", "category"]});
    let start = Instant::now();
    let report = call(&app, "fill_rates", year.clone());
    println!(
        "fill_rates straight after the history was written: {:.2} s",
        start.elapsed().as_secs_f64()
    );
    settle(&db.location);
    let counts = &report["report"]["overall"]["counts"];
    println!(
        "fill rates: {} orders counted, unit fill first time {:.3}, final {:.3}",
        counts["orders"],
        report["report"]["overall"]["rates"]["first_time"]["units"],
        report["report"]["overall"]["rates"]["final_fill"]["units"]
    );
    let fill = time(5, || {
        call(&app, "fill_rates", year.clone());
    });
    println!(
        "fill_rates over {lines} lines (by month and category): median {:.2} s",
        fill.as_secs_f64()
    );
    // The same in a store whose days are not UTC's: every time read on its own clock.
    let mut settings = call(&app, "get_settings", json!({}));
    settings["store"]["time_zone"] = json!("America/Los_Angeles");
    call(&app, "save_settings", settings.clone());
    let zoned = time(5, || {
        call(&app, "fill_rates", year.clone());
    });
    println!("fill_rates on Los Angeles days: median {:.2} s", zoned.as_secs_f64());
    settings["store"]["time_zone"] = json!("UTC");
    call(&app, "save_settings", settings);

    let page = call(&app, "stock_levels", json!({"sort": "cover", "limit": 50}));
    println!(
        "stock levels: {} products, {} to reorder, {} out of stock",
        page["total"], page["reorder"], page["out"]
    );
    let plan = time(3, || {
        call(&app, "stock_levels", json!({"sort": "cover", "limit": 50}));
    });
    println!(
        "stock_levels with a plan for {PRODUCTS} products: median {:.2} s",
        plan.as_secs_f64()
    );
    // The same in a store whose days are not UTC's: demand summed by its own days.
    let mut settings = call(&app, "get_settings", json!({}));
    settings["store"]["time_zone"] = json!("America/Los_Angeles");
    call(&app, "save_settings", settings);
    let zoned = time(3, || {
        call(&app, "stock_levels", json!({"sort": "cover", "limit": 50}));
    });
    println!("stock_levels on Los Angeles days: median {:.2} s", zoned.as_secs_f64());
}
