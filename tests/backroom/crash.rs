//! `kill -9` of `backroom serve` in the middle of a large import and of a release wave, at
//! random moments, many times: after a restart each operation is either wholly there or not at
//! all, and `db check` is clean.
//!
//! Each test first runs its operation once to time it, then draws every kill delay from
//! `[0, 1.2 x that time]`. Just before each kill a probe asks the database for the writer's
//! lock (SQLite's write lock, PostgreSQL's advisory lock): if the server holds it, the kill
//! lands inside the operation's transaction. On PostgreSQL the server outlives its client: it
//! rolls back what the killed process left open. The counts of kills that
//! landed before, inside and after the operation are printed at the end (`--nocapture`). The
//! tests take turns with the concurrency test, so the timed run and the kills see the same load.
//! `BACKROOM_TEST_SEED` repeats a run's kill moments and files.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use backroom_api::store::{self, Access};
use backroom_api::testing::TestDatabase;
use backroom_api::{ApiError, ErrorCode};
use serde_json::{Value, json};

use crate::concurrency::{
    Client, Hosted, Rng, Server, assert_no_overcommitment, db_check, heavy_test, test_seed,
};
use crate::support;

/// Kills per test.
const KILLS: usize = 15;

/// Orders and lines per order of each imported file: 5,000 x 4 = 20,000 rows.
const IMPORT_ORDERS: usize = 5_000;
const IMPORT_LINES: usize = 4;
const IMPORT_SKUS: usize = 20;

/// Orders waiting for the release wave, two lines each.
const WAVE_ORDERS: usize = 2_000;
const WAVE_SKUS: [&str; 3] = ["MUG-1", "TEE-M", "BOOK-9"];
const WAVE_BINS: [&str; 4] = ["A01-1-01-L", "A02-1-03-R", "A03-2-02-L", "A04-2-05-R"];

/// Where a kill landed.
#[derive(Debug, Default)]
struct Kills {
    /// Nothing written and the server did not hold the write lock: the operation had not begun
    /// (the request was still arriving or being read).
    before: u32,
    /// The server held the write lock and the work was rolled back.
    inside_rolled_back: u32,
    /// The server held the write lock when probed, but committed before the kill arrived.
    inside_committed: u32,
    /// Committed, and killed before the reply went out.
    committed_unanswered: u32,
    /// The reply had arrived.
    after: u32,
}

impl Kills {
    fn count(&mut self, replied: bool, writing: bool, committed: bool) {
        match (replied, writing, committed) {
            (true, _, _) => self.after += 1,
            (false, true, false) => self.inside_rolled_back += 1,
            (false, true, true) => self.inside_committed += 1,
            (false, false, false) => self.before += 1,
            (false, false, true) => self.committed_unanswered += 1,
        }
    }
}

/// Asks the database for the writer's lock without waiting: whether another connection (the
/// server) holds it, i.e. is inside a write transaction.
struct Probe(store::Connection);

impl Probe {
    fn open(db: &TestDatabase) -> Probe {
        Probe(backroom_api::db::open_store(&db.location).unwrap())
    }

    fn server_is_writing(&mut self) -> bool {
        match self.0.begin(Access::Write, Duration::ZERO) {
            Ok(tx) => {
                tx.rollback().unwrap();
                false
            }
            Err(e) => match ApiError::from(e) {
                busy if busy.code == ErrorCode::Busy => true,
                other => panic!("the lock probe failed: {other}"),
            },
        }
    }
}

/// Sends one request in a thread, sleeps `delay`, probes the lock and kills the server.
/// Returns the reply if it arrived before the kill, and whether the server was writing.
fn kill_during(
    server: &mut Server,
    db: &TestDatabase,
    mut client: Client,
    name: &'static str,
    req: Value,
    delay: Duration,
) -> (Option<(u16, Value)>, bool) {
    let mut probe = Probe::open(db);
    let request = std::thread::spawn(move || client.post(name, &req).ok());
    std::thread::sleep(delay);
    let writing = probe.server_is_writing();
    server.kill();
    drop(probe);
    let reply = request.join().unwrap();
    (reply, writing)
}

/// A generic orders file: `orders` orders of `lines` lines each, numbered `{prefix}-00000`
/// on; the order columns are on each order's first row only.
fn orders_csv(prefix: &str, orders: usize, lines: usize, skus: &[String], rng: &mut Rng) -> String {
    let mut csv = String::from(
        "number,sku,qty,customer_name,customer_email,ship_name,ship_address1,ship_city,\
         ship_postal_code,ship_country,billing_country,payment_status\n",
    );
    for n in 0..orders {
        let first = rng.below(skus.len() as u64) as usize;
        for i in 0..lines {
            let sku = &skus[(first + i) % skus.len()];
            let qty = 1 + rng.below(3);
            csv.push_str(&format!("{prefix}-{n:05},{sku},{qty}"));
            if i == 0 {
                csv.push_str(&format!(
                    ",Ann Lee,{prefix}-{n}@example.com,Ann Lee,1 High St,Leeds,LS1 1AA,GB,GB,paid"
                ));
            }
            csv.push('\n');
        }
    }
    csv
}

/// Orders, lines and status events of the orders whose number starts with `prefix-`.
/// On PostgreSQL this waits for the writer's lock, so a killed client's transaction has been
/// rolled back (or committed) by the server before it is read.
fn imported(db: &TestDatabase, prefix: &str) -> (i64, i64, i64) {
    db.query_row(
        "WITH mine AS (SELECT id FROM orders WHERE number LIKE ?1)
         SELECT (SELECT count(*) FROM mine),
                (SELECT count(*) FROM order_lines WHERE order_id IN (SELECT id FROM mine)),
                (SELECT count(*) FROM order_events WHERE order_id IN (SELECT id FROM mine))",
        [format!("{prefix}-%")],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .unwrap()
}

#[test]
fn a_killed_import_leaves_all_of_the_file_or_none() {
    let _turn = heavy_test();
    let seed = test_seed();
    eprintln!("crash/import: seed {seed} (rerun with BACKROOM_TEST_SEED={seed})");
    let started = Instant::now();
    let mut rng = Rng::new(seed);
    let hosted = Hosted::new(support::warehouse());
    let db = &hosted.db;
    let skus: Vec<String> = (1..=IMPORT_SKUS).map(|i| format!("IMP-{i:02}")).collect();
    let rows = IMPORT_ORDERS * IMPORT_LINES;
    let whole = (IMPORT_ORDERS as i64, rows as i64);

    // The products, then one import run to the end to time it.
    let mut server = Server::start(&hosted);
    let mut manager = Client::sign_in(&server.addr, "Pick 1", "9999");
    let products: String = std::iter::once("sku,name,price\n".to_owned())
        .chain(skus.iter().map(|sku| format!("{sku},Item {sku},4.50\n")))
        .collect();
    let report = manager.call("import_csv", &json!({"table": "products", "csv": products}));
    assert_eq!(report["created"], IMPORT_SKUS, "{report}");
    let csv = orders_csv("M", IMPORT_ORDERS, IMPORT_LINES, &skus, &mut rng);
    eprintln!("crash/import: {rows} rows, {} bytes of CSV", csv.len());
    let timer = Instant::now();
    let report = manager.call("import_csv", &json!({"table": "orders", "csv": csv}));
    let duration = timer.elapsed();
    assert_eq!(
        (report["ok"].as_bool(), report["created"].as_u64()),
        (Some(true), Some(IMPORT_ORDERS as u64)),
        "{report}"
    );
    eprintln!("crash/import: a whole import takes {duration:.2?}");
    drop(manager);
    server.kill();

    let mut kills = Kills::default();
    // What each file's import left: all of it or none.
    let mut outcomes: BTreeMap<String, bool> = BTreeMap::from([("M".to_owned(), true)]);
    for k in 0..KILLS {
        let prefix = format!("K{k:02}");
        let delay = duration.mul_f64(1.2 * rng.unit());
        let csv = orders_csv(&prefix, IMPORT_ORDERS, IMPORT_LINES, &skus, &mut rng);
        let mut server = Server::start(&hosted);
        let client = Client::sign_in(&server.addr, "Pick 1", "9999");
        let req = json!({"table": "orders", "csv": csv});
        let (reply, writing) = kill_during(&mut server, db, client, "import_csv", req, delay);
        let ctx = format!("seed {seed}, kill {k} after {delay:.2?}");
        if let Some((status, report)) = &reply {
            assert_eq!(*status, 200, "{ctx}: the import answered {status}: {report}");
        }

        let (orders, lines, events) = imported(db, &prefix);
        let committed = (orders, lines) == whole;
        assert!(
            committed || (orders, lines, events) == (0, 0, 0),
            "{ctx}: a killed import left {orders} orders, {lines} lines, {events} events of \
             {whole:?}"
        );
        assert!(!committed || events >= orders, "{ctx}: {events} status events for {orders}");
        assert!(reply.is_none() || committed, "{ctx}: the import answered but is not there");
        outcomes.insert(prefix.clone(), committed);
        for (earlier, kept) in &outcomes {
            let (orders, lines, _) = imported(db, earlier);
            let expected = if *kept { whole } else { (0, 0) };
            assert_eq!((orders, lines), expected, "{ctx}: the file {earlier} changed");
        }
        assert_no_overcommitment(db, &ctx);
        let (ok, out) = db_check(&hosted);
        assert!(ok, "{ctx}: backroom db check failed:\n{out}\nserver log:\n{}", server.log());
        kills.count(reply.is_some(), writing, committed);
        eprintln!(
            "crash/import: kill {k} after {delay:.2?}: {}",
            describe(reply.is_some(), writing, committed)
        );
    }

    // A last restart: the server opens the database and finds the same.
    let mut server = Server::start(&hosted);
    let mut manager = Client::sign_in(&server.addr, "Pick 1", "9999");
    let report = manager.call("check_ledger", &json!({}));
    assert_eq!(report["ok"], true, "seed {seed}: {report}");
    let kept = outcomes.values().filter(|&&kept| kept).count();
    let page = manager.call("list_orders", &json!({"limit": 1}));
    assert_eq!(page["total"], kept * IMPORT_ORDERS, "seed {seed}: {outcomes:?}");
    drop(manager);
    server.kill();
    eprintln!("crash/import: {kills:?}");
    eprintln!("crash/import: {KILLS} kills in {:.2?}", started.elapsed());
}

#[test]
fn a_killed_release_wave_reserves_all_or_nothing() {
    let _turn = heavy_test();
    let seed = test_seed();
    eprintln!("crash/wave: seed {seed} (rerun with BACKROOM_TEST_SEED={seed})");
    let started = Instant::now();
    let mut rng = Rng::new(seed);
    let mut stock: BTreeMap<&str, i64> = BTreeMap::new();
    let mut bins: Vec<(&str, &str, i64)> = Vec::new();
    for (s, sku) in WAVE_SKUS.iter().enumerate() {
        for bin in &WAVE_BINS[s..s + 2] {
            let qty = 100 + rng.below(100) as i64;
            bins.push((sku, bin, qty));
            *stock.entry(sku).or_default() += qty;
        }
    }
    let skus: Vec<String> = WAVE_SKUS.iter().map(|s| s.to_string()).collect();
    let csv = orders_csv("W", WAVE_ORDERS, 2, &skus, &mut rng);

    // One wave run to the end, to time it.
    let measured = wave_warehouse(&bins, &csv);
    let demand: BTreeMap<String, i64> = measured
        .db
        .query_all(
            "SELECT p.sku, sum(ol.qty) FROM order_lines ol JOIN products p ON p.id = ol.product_id
             GROUP BY p.sku",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
        .into_iter()
        .collect();
    for sku in WAVE_SKUS {
        assert!(demand[sku] > stock[sku], "{sku} is short: {demand:?} {stock:?}");
    }
    let mut server = Server::start(&measured);
    let mut manager = Client::sign_in(&server.addr, "Pick 1", "9999");
    let timer = Instant::now();
    let wave = manager.call("release_new_orders", &json!({}));
    let duration = timer.elapsed();
    assert_eq!(wave["released"], WAVE_ORDERS, "{wave}");
    eprintln!("crash/wave: a wave of {WAVE_ORDERS} orders takes {duration:.2?}");
    drop(manager);
    server.kill();
    check_wave(&measured.db, &stock, &demand, true, "the timed wave");
    drop(measured);

    let mut kills = Kills::default();
    for k in 0..KILLS {
        // Each kill on a warehouse of its own, made the same way.
        let hosted = wave_warehouse(&bins, &csv);
        let db = &hosted.db;
        let delay = duration.mul_f64(1.2 * rng.unit());
        let mut server = Server::start(&hosted);
        let client = Client::sign_in(&server.addr, "Pick 1", "9999");
        let (reply, writing) =
            kill_during(&mut server, db, client, "release_new_orders", json!({}), delay);
        let ctx = format!("seed {seed}, kill {k} after {delay:.2?}");
        if let Some((status, wave)) = &reply {
            assert_eq!(*status, 200, "{ctx}: the wave answered {status}: {wave}");
        }
        let new: i64 = db
            .query_row("SELECT count(*) FROM orders WHERE status = 'new'", [], |r| r.get(0))
            .unwrap();
        let committed = new == 0;
        assert!(reply.is_none() || committed, "{ctx}: the wave answered but is not there");
        check_wave(db, &stock, &demand, committed, &ctx);
        let (ok, out) = db_check(&hosted);
        assert!(ok, "{ctx}: backroom db check failed:\n{out}\nserver log:\n{}", server.log());
        // Restarted, the server reads the same.
        let mut server = Server::start(&hosted);
        let mut manager = Client::sign_in(&server.addr, "Pick 1", "9999");
        let report = manager.call("check_ledger", &json!({}));
        assert_eq!(report["ok"], true, "{ctx}: {report}");
        drop(manager);
        server.kill();
        kills.count(reply.is_some(), writing, committed);
        eprintln!(
            "crash/wave: kill {k} after {delay:.2?}: {}",
            describe(reply.is_some(), writing, committed)
        );
    }
    eprintln!("crash/wave: {kills:?}");
    eprintln!("crash/wave: {KILLS} kills in {:.2?}", started.elapsed());
}

/// The warehouse a wave runs on: `bins` stocked (SKU, bin, quantity) and the orders of `csv`
/// imported, all waiting for the wave. The same arguments make the same warehouse.
fn wave_warehouse(bins: &[(&str, &str, i64)], csv: &str) -> Hosted {
    let w = support::warehouse();
    let mut settings = w.local("get_settings", json!({}));
    settings["orders"]["auto_release"] = json!(false);
    w.local("save_settings", settings);
    for (sku, bin, qty) in bins {
        support::receive(&w, sku, bin, *qty);
    }
    let report = w.local("import_csv", json!({"table": "orders", "csv": csv}));
    assert_eq!(report["created"], WAVE_ORDERS, "{report}");
    let hosted = Hosted::new(w);
    let new: i64 = hosted
        .db
        .query_row("SELECT count(*) FROM orders WHERE status = 'new'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(new, WAVE_ORDERS as i64, "imported orders wait for the wave");
    hosted
}

/// The state after a wave that either happened (`released`) or did not: every order still new
/// with nothing reserved, or none new and exactly the stock there is reserved.
fn check_wave(
    db: &TestDatabase,
    stock: &BTreeMap<&str, i64>,
    demand: &BTreeMap<String, i64>,
    released: bool,
    ctx: &str,
) {
    let statuses: BTreeMap<String, i64> = db
        .query_all("SELECT status, count(*) FROM orders GROUP BY status", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap()
        .into_iter()
        .collect();
    let reserved: BTreeMap<String, i64> = db
        .query_all(
            "SELECT p.sku, sum(r.qty) FROM reservations r JOIN products p ON p.id = r.product_id
             GROUP BY p.sku",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
        .into_iter()
        .collect();
    let (events, holds): (i64, i64) = db
        .query_row(
            "SELECT (SELECT count(*) FROM order_events WHERE to_status <> 'new'),
                    (SELECT count(*) FROM order_holds)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(holds, 0, "{ctx}: every order passes screening");
    if released {
        assert_eq!(statuses.get("new"), None, "{ctx}: {statuses:?}");
        let out = statuses.get("released").unwrap_or(&0) + statuses.get("allocated").unwrap_or(&0);
        assert_eq!(out, WAVE_ORDERS as i64, "{ctx}: every order went out: {statuses:?}");
        assert!(events >= WAVE_ORDERS as i64, "{ctx}: {events} release events");
        for sku in WAVE_SKUS {
            let expected = stock[sku].min(demand[sku]);
            assert_eq!(
                reserved.get(sku).copied().unwrap_or(0),
                expected,
                "{ctx}: {sku}: the wave reserves exactly the stock there is"
            );
        }
    } else {
        let expected = BTreeMap::from([("new".to_owned(), WAVE_ORDERS as i64)]);
        assert_eq!(statuses, expected, "{ctx}: a wave that did not happen changed orders");
        assert!(reserved.is_empty(), "{ctx}: reservations without a wave: {reserved:?}");
        assert_eq!(events, 0, "{ctx}: status events without a wave");
    }
    assert_no_overcommitment(db, ctx);
}

fn describe(replied: bool, writing: bool, committed: bool) -> &'static str {
    match (replied, writing, committed) {
        (true, _, _) => "after the reply (committed)",
        (false, true, false) => "inside the transaction (rolled back)",
        (false, true, true) => "inside the transaction, which committed before the kill",
        (false, false, false) => "before the transaction began (nothing written)",
        (false, false, true) => "after the commit, before the reply",
    }
}
