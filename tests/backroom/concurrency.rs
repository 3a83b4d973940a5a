//! Many clients at once over HTTP against `backroom serve`: twenty stations create orders for
//! the same few SKUs, whose stock covers only part of the demand, and pick what they were
//! promised. Exactly the units that exist are promised, none twice, and every pick is a
//! movement. The same holds with the clients split between two `backroom serve` processes on
//! one database, as two hosts sharing a PostgreSQL server (or, on SQLite, one file) run.
//!
//! The helpers at the bottom (a `backroom serve` child process, a keep-alive HTTP/1.1 client
//! over a plain `TcpStream`, a seeded generator) are shared with the crash tests.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{Barrier, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use backroom_api::store::{self, Access, Location, Params, Row};
use backroom_api::testing::TestDatabase;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::support::{self, Warehouse};

const ROUNDS: usize = 20;
/// Rounds of the two-host test: fewer, as each starts two servers.
const TWO_HOST_ROUNDS: usize = 5;
const CLIENTS: usize = 20;
const ORDERS_PER_CLIENT: usize = 4;
const SKUS: [&str; 4] = ["MUG-1", "TEE-M", "BOOK-9", "CAP-1"];
/// The pick bins stock goes to; SKU `k` is stored in bins `k`, `k + 1` and `k + 2`, so
/// neighbouring SKUs share bins.
const BINS: [&str; 6] =
    ["A01-1-01-L", "A01-1-03-R", "A02-1-02-L", "A02-2-04-R", "A03-1-05-L", "A04-2-01-R"];

/// The lines of one order: SKU and quantity.
type Lines = Vec<(&'static str, i64)>;

/// What one client saw in its replies.
#[derive(Debug, Default)]
struct Seen {
    /// Units reserved per SKU, as the `create_order` replies said.
    reserved: BTreeMap<String, i64>,
    /// Units picked per SKU, as the `pick` replies said.
    picked: BTreeMap<String, i64>,
    picks: u32,
}

#[test]
fn twenty_clients_never_promise_a_unit_twice() {
    rounds("concurrency", ROUNDS, 1);
}

/// Two hosts on one database: each has its own writer, so the one-writer rule is the
/// database's (the advisory lock on PostgreSQL, `BEGIN IMMEDIATE` on a SQLite file), not a
/// process's.
#[test]
fn twenty_clients_on_two_hosts_never_promise_a_unit_twice() {
    rounds("concurrency/two hosts", TWO_HOST_ROUNDS, 2);
}

/// Runs `count` rounds of the clients against `hosts` servers, each on a new warehouse.
fn rounds(name: &str, count: usize, hosts: usize) {
    let _turn = heavy_test();
    let seed = test_seed();
    eprintln!("{name}: seed {seed} (rerun with BACKROOM_TEST_SEED={seed})");
    let started = Instant::now();
    for round in 0..count {
        let round_seed = seed.wrapping_add(round as u64);
        let at = Instant::now();
        let promised = one_round(round, round_seed, hosts);
        eprintln!(
            "{name}: round {round} (seed {round_seed}) in {:.2?}: promised {promised:?}, \
             db check clean",
            at.elapsed()
        );
    }
    eprintln!(
        "{name}: {count} rounds of {CLIENTS} clients x {ORDERS_PER_CLIENT} orders on {hosts} \
         host(s) in {:.2?}",
        started.elapsed()
    );
}

/// One round: a new warehouse, the clients split between `hosts` servers, and the checks.
/// Gives the units promised per SKU (all there were).
fn one_round(round: usize, seed: u64, hosts: usize) -> BTreeMap<&'static str, i64> {
    let ctx = format!("round {round}, seed {seed}, {hosts} host(s)");
    let mut rng = Rng::new(seed);
    let w = support::warehouse();
    w.local(
        "save_product",
        json!({"sku": "CAP-1", "name": "Cap", "unit_weight": "90 g", "price_cents": 900}),
    );
    let mut stock: BTreeMap<&str, i64> = BTreeMap::new();
    for (k, sku) in SKUS.iter().enumerate() {
        for bin in &BINS[k..k + 3] {
            let qty = 8 + rng.below(11) as i64;
            support::receive(&w, sku, bin, qty);
            *stock.entry(sku).or_default() += qty;
        }
    }
    // The orders each client will enter, fixed up front so the demand is known.
    let plans: Vec<Vec<(String, Lines)>> = (0..CLIENTS)
        .map(|c| {
            (0..ORDERS_PER_CLIENT)
                .map(|j| {
                    let first = rng.below(SKUS.len() as u64) as usize;
                    let count = 2 + rng.below(2) as usize;
                    let lines = (0..count)
                        .map(|i| (SKUS[(first + i) % SKUS.len()], 1 + rng.below(3) as i64))
                        .collect();
                    (format!("R{round:02}-C{c:02}-{j}"), lines)
                })
                .collect()
        })
        .collect();
    let mut demand: BTreeMap<&str, i64> = BTreeMap::new();
    for (_, lines) in plans.iter().flatten() {
        for (sku, qty) in lines {
            *demand.entry(sku).or_default() += qty;
        }
    }
    for sku in SKUS {
        assert!(demand[sku] > stock[sku], "{ctx}: {sku} must be short: {demand:?} {stock:?}");
    }
    let hosted = Hosted::new(w);
    let mut servers: Vec<Server> = (0..hosts).map(|_| Server::start(&hosted)).collect();
    let addrs: Vec<String> = servers.iter().map(|server| server.addr.clone()).collect();

    // Client `c` talks to host `c % hosts`.
    let barrier = Barrier::new(CLIENTS);
    let seen: Vec<Seen> = std::thread::scope(|scope| {
        let handles: Vec<_> = plans
            .iter()
            .enumerate()
            .map(|(c, plan)| {
                let (addr, at, barrier, ctx) =
                    (&addrs[c % hosts], &hosted.db.location, &barrier, &ctx);
                scope.spawn(move || client(addr, at, plan, barrier, ctx))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a client thread panicked")).collect()
    });

    for addr in &addrs {
        let mut manager = Client::sign_in(addr, "Pick 1", "9999");
        let report = manager.call("check_ledger", &json!({}));
        assert_eq!(report["ok"], true, "{ctx}: check_ledger over HTTP at {addr}: {report}");
    }
    for server in &mut servers {
        server.kill();
    }

    let mut seen_reserved: BTreeMap<String, i64> = BTreeMap::new();
    let mut seen_picked: BTreeMap<String, i64> = BTreeMap::new();
    let mut picks = 0;
    for s in &seen {
        for (sku, qty) in &s.reserved {
            *seen_reserved.entry(sku.clone()).or_default() += qty;
        }
        for (sku, qty) in &s.picked {
            *seen_picked.entry(sku.clone()).or_default() += qty;
        }
        picks += s.picks;
    }
    let db = &hosted.db;
    let one = |sql: &str, sku: &str| -> i64 { db.query_row(sql, [sku], |r| r.get(0)).unwrap() };
    let mut promised_units = BTreeMap::new();
    for sku in SKUS {
        let ordered = one(
            "SELECT coalesce(sum(ol.qty), 0) FROM order_lines ol
             JOIN products p ON p.id = ol.product_id WHERE p.sku = ?1",
            sku,
        );
        let reserved = one(
            "SELECT coalesce(sum(r.qty), 0) FROM reservations r
             JOIN products p ON p.id = r.product_id WHERE p.sku = ?1",
            sku,
        );
        let picked = one(
            "SELECT coalesce(sum(ol.picked_qty), 0) FROM order_lines ol
             JOIN products p ON p.id = ol.product_id WHERE p.sku = ?1",
            sku,
        );
        let pick_movements = one(
            "SELECT coalesce(sum(m.qty), 0) FROM movements m
             JOIN products p ON p.id = m.product_id WHERE p.sku = ?1 AND m.kind = 'pick'",
            sku,
        );
        let received = one(
            "SELECT coalesce(sum(m.qty), 0) FROM movements m
             JOIN products p ON p.id = m.product_id WHERE p.sku = ?1 AND m.kind = 'receipt'",
            sku,
        );
        let in_bins = one(
            "SELECT coalesce(sum(s.on_hand), 0) FROM stock s JOIN products p ON p.id = s.product_id
             JOIN locations l ON l.id = s.location_id WHERE p.sku = ?1 AND l.kind = 'bin'",
            sku,
        );
        let in_packing = one(
            "SELECT coalesce(sum(s.on_hand), 0) FROM stock s JOIN products p ON p.id = s.product_id
             JOIN locations l ON l.id = s.location_id WHERE p.sku = ?1 AND l.code = 'PACKING'",
            sku,
        );
        assert_eq!((ordered, received), (demand[sku], stock[sku]), "{ctx}: {sku} set up");
        let promised = reserved + picked;
        assert_eq!(
            promised,
            ordered.min(received),
            "{ctx}: {sku}: reserved {reserved} + picked {picked} must be every unit there is"
        );
        assert_eq!(reserved, 0, "{ctx}: {sku}: every client picked all it was promised");
        assert_eq!(picked, pick_movements, "{ctx}: {sku}: picked on lines = pick movements");
        assert_eq!(
            seen_picked.get(sku).copied().unwrap_or(0),
            pick_movements,
            "{ctx}: {sku}: the pick replies add up to the pick movements"
        );
        assert_eq!(
            seen_reserved.get(sku).copied().unwrap_or(0),
            received,
            "{ctx}: {sku}: the create_order replies promised exactly the stock there was"
        );
        assert_eq!((in_bins, in_packing), (0, received), "{ctx}: {sku}: all moved to packing");
        promised_units.insert(sku, promised);
    }
    let movements: i64 = db
        .query_row("SELECT count(*) FROM movements WHERE kind = 'pick'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(movements, i64::from(picks), "{ctx}: one movement per accepted pick");
    assert_no_overcommitment(db, &ctx);
    let wrong: Vec<(String, String, i64, i64)> = db
        .query_all(
            "SELECT o.number, o.status,
                (SELECT coalesce(sum(picked_qty), 0) FROM order_lines WHERE order_id = o.id),
                (SELECT count(*) FROM reservations r JOIN order_lines ol ON ol.id = r.order_line_id
                 WHERE ol.order_id = o.id)
             FROM orders o
             WHERE NOT ((o.status = 'picked' AND (SELECT sum(picked_qty) FROM order_lines
                                                   WHERE order_id = o.id) > 0)
                     OR (o.status = 'released' AND (SELECT sum(picked_qty) FROM order_lines
                                                     WHERE order_id = o.id) = 0))",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert!(wrong.is_empty(), "{ctx}: orders neither picked nor waiting: {wrong:?}");
    let (ok, out) = db_check(&hosted);
    let log = servers.first().map(Server::log).unwrap_or_default();
    assert!(ok, "{ctx}: backroom db check failed:\n{out}\nserver log:\n{log}");
    promised_units
}

/// One station: signs in as a manager (to enter orders) and as a picker (to pick), waits for
/// the others, enters its orders, then picks everything each was promised.
fn client(
    addr: &str,
    db: &Location,
    plan: &[(String, Lines)],
    barrier: &Barrier,
    ctx: &str,
) -> Seen {
    let ready = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let manager = Client::sign_in(addr, "Pick 1", "9999");
        let picker = Client::sign_in(addr, "Pick 1", "1111");
        (manager, picker, Reader::open(db))
    }));
    // Everyone reaches the barrier, even a client that failed to start, so none waits forever.
    barrier.wait();
    let (mut manager, mut picker, mut reader) =
        ready.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    let mut seen = Seen::default();
    let mut promised: Vec<(String, BTreeMap<String, i64>)> = Vec::new();
    for (number, lines) in plan {
        let lines: Vec<Value> =
            lines.iter().map(|(sku, qty)| json!({"product": sku, "qty": qty})).collect();
        let order = manager.call(
            "create_order",
            &json!({
                "number": number,
                "customer": {"name": "Ann Lee", "email": format!("{number}@example.com")},
                "ship_to": {"name": "Ann Lee", "address1": "1 High St", "city": "Leeds",
                            "postal_code": "LS1 1AA", "country": "GB"},
                "billing_country": "GB",
                "payment_status": "paid",
                "lines": lines,
            }),
        );
        let mut mine = BTreeMap::new();
        for line in order["lines"].as_array().unwrap() {
            let sku = line["sku"].as_str().unwrap().to_owned();
            let (qty, reserved) =
                (line["qty"].as_i64().unwrap(), line["reserved"].as_i64().unwrap());
            assert_eq!(reserved + line["backordered"].as_i64().unwrap(), qty, "{ctx}: {order}");
            *seen.reserved.entry(sku.clone()).or_default() += reserved;
            *mine.entry(sku).or_default() += reserved;
        }
        let any = mine.values().any(|&q| q > 0);
        let status = order["status"].as_str().unwrap();
        assert_eq!(status, if any { "allocated" } else { "released" }, "{ctx}: {order}");
        promised.push((number.clone(), mine));
    }
    for (number, mine) in promised {
        let bins: Vec<(String, String, i64)> = reader.all(
            "SELECT p.sku, l.code, sum(r.qty) FROM reservations r
             JOIN order_lines ol ON ol.id = r.order_line_id JOIN orders o ON o.id = ol.order_id
             JOIN products p ON p.id = r.product_id JOIN locations l ON l.id = r.location_id
             WHERE o.number = ?1 GROUP BY p.sku, l.code ORDER BY l.code, p.sku",
            [&number],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        );
        let mut in_bins: BTreeMap<String, i64> = BTreeMap::new();
        for (sku, _, qty) in &bins {
            *in_bins.entry(sku.clone()).or_default() += qty;
        }
        let mine: BTreeMap<String, i64> = mine.into_iter().filter(|(_, q)| *q > 0).collect();
        assert_eq!(in_bins, mine, "{ctx}: order {number}'s reservations are what it was told");
        let mut last = None;
        for (sku, bin, qty) in bins {
            // Two picks when there is more than one unit, so a reservation is also consumed
            // in part.
            let parts = if qty > 1 { vec![1, qty - 1] } else { vec![qty] };
            for part in parts {
                let (status, reply) = picker
                    .post(
                        "pick",
                        &json!({"order": number, "product": sku, "bin": bin, "qty": part}),
                    )
                    .unwrap();
                assert_eq!(
                    status, 200,
                    "{ctx}: pick {part} {sku} from {bin} for {number}: {reply}"
                );
                assert_eq!(reply["picked"], part, "{ctx}: {reply}");
                *seen.picked.entry(sku.clone()).or_default() += part;
                seen.picks += 1;
                last = Some(reply);
            }
        }
        if let Some(last) = last {
            assert_eq!((&last["left_to_pick"], &last["status"]), (&json!(0), &json!("picked")));
        }
    }
    seen
}

/// A connection of a client's own that reads the database beside the servers, as another
/// program would: each read a snapshot, never waiting for a writer.
struct Reader(store::Connection);

impl Reader {
    fn open(db: &Location) -> Reader {
        Reader(backroom_api::db::open_store(db).unwrap_or_else(|e| panic!("open {db}: {e}")))
    }

    /// Every row of one read.
    fn all<T, P: Params>(
        &mut self,
        sql: &str,
        params: P,
        row: impl FnMut(&Row<'_>) -> store::Result<T>,
    ) -> Vec<T> {
        let tx = self.0.begin(Access::Read, Duration::from_secs(30)).unwrap();
        let rows = tx
            .prepare(sql)
            .unwrap()
            .query_map(params, row)
            .unwrap()
            .collect::<store::Result<Vec<T>>>()
            .unwrap();
        tx.commit().unwrap();
        rows
    }
}

/// No order line has more reserved, picked, shipped and cancelled than was ordered, nothing is
/// negative, and no bin has more reserved than it holds.
pub(crate) fn assert_no_overcommitment(db: &TestDatabase, ctx: &str) {
    let lines: Vec<(String, i64, i64, i64)> = db
        .query_all(
            "SELECT o.number, ol.line_no, ol.qty,
                ol.picked_qty + ol.shipped_qty + ol.cancelled_qty
                  + (SELECT coalesce(sum(qty), 0) FROM reservations WHERE order_line_id = ol.id)
             FROM order_lines ol JOIN orders o ON o.id = ol.order_id
             WHERE ol.picked_qty + ol.shipped_qty + ol.cancelled_qty
                 + (SELECT coalesce(sum(qty), 0) FROM reservations WHERE order_line_id = ol.id)
               > ol.qty",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert!(
        lines.is_empty(),
        "{ctx}: over-committed lines (order, line, qty, committed): {lines:?}"
    );
    let negative: i64 = db
        .query_row(
            "SELECT (SELECT count(*) FROM stock WHERE on_hand < 0)
                  + (SELECT count(*) FROM reservations WHERE qty <= 0)
                  + (SELECT count(*) FROM order_lines WHERE picked_qty < 0 OR shipped_qty < 0
                                                        OR cancelled_qty < 0)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(negative, 0, "{ctx}: negative stock, reservations or line quantities");
    let bins: Vec<(String, String, i64, i64)> = db
        .query_all(
            "SELECT p.sku, l.code, coalesce(s.on_hand, 0), r.qty
             FROM (SELECT product_id, location_id, sum(qty) AS qty FROM reservations
                   GROUP BY product_id, location_id) r
             JOIN products p ON p.id = r.product_id JOIN locations l ON l.id = r.location_id
             LEFT JOIN stock s ON s.product_id = r.product_id AND s.location_id = r.location_id
             WHERE r.qty > coalesce(s.on_hand, 0)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert!(bins.is_empty(), "{ctx}: bins promised beyond what they hold: {bins:?}");
}

// ---------------------------------------------------------------------------------------------
// Shared with the crash tests.

/// Serialises the tests that run `backroom serve` hard (this one and the crash tests), so a
/// crash test's timed run and its kills see the same load on the machine.
pub(crate) fn heavy_test() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A warehouse's database with the test's own app closed, for `backroom serve` processes to
/// run on. Dropping it removes the database.
pub(crate) struct Hosted {
    pub db: TestDatabase,
    pub dir: TempDir,
}

impl Hosted {
    pub fn new(w: Warehouse) -> Hosted {
        let Warehouse { app, db, dir } = w;
        drop(app);
        Hosted { db, dir }
    }
}

/// What a `backroom` process runs on: the database as `--db` names it, and a folder of the
/// test's own for the server's log and the files a host keeps on its machine.
pub(crate) trait Served {
    fn db_arg(&self) -> OsString;
    fn folder(&self) -> PathBuf;
}

/// A SQLite file, with the folder it is in.
impl Served for Path {
    fn db_arg(&self) -> OsString {
        self.as_os_str().to_owned()
    }

    fn folder(&self) -> PathBuf {
        self.parent().unwrap_or(Path::new(".")).to_owned()
    }
}

impl Served for PathBuf {
    fn db_arg(&self) -> OsString {
        self.as_path().db_arg()
    }

    fn folder(&self) -> PathBuf {
        self.as_path().folder()
    }
}

impl Served for Hosted {
    fn db_arg(&self) -> OsString {
        self.db.location.to_arg().into()
    }

    fn folder(&self) -> PathBuf {
        self.dir.path().to_owned()
    }
}

impl Served for Warehouse {
    fn db_arg(&self) -> OsString {
        Warehouse::db_arg(self).into()
    }

    fn folder(&self) -> PathBuf {
        self.dir.path().to_owned()
    }
}

/// Runs `backroom db check` on a database: whether it passed, and what it printed.
pub(crate) fn db_check<D: Served + ?Sized>(db: &D) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_backroom"))
        .arg("--db")
        .arg(db.db_arg())
        .args(["db", "check"])
        .output()
        .expect("the backroom binary runs");
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// The seed of a randomised test: `BACKROOM_TEST_SEED` when set, else the clock.
pub(crate) fn test_seed() -> u64 {
    match std::env::var("BACKROOM_TEST_SEED") {
        Ok(text) => text.trim().parse().expect("BACKROOM_TEST_SEED is a whole number"),
        Err(_) => {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
                as u64
        }
    }
}

/// SplitMix64: a small seeded generator, so a failing run can be repeated from its seed.
pub(crate) struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A `backroom serve` child process on a database, listening on a free loopback port.
/// Dropping it kills it.
pub(crate) struct Server {
    child: Child,
    /// Kept open: the server's first line is all it prints there.
    _stdout: BufReader<ChildStdout>,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    log: PathBuf,
    running: bool,
}

impl Server {
    /// Starts the server and waits for the line that says where it listens. Its standard
    /// error goes to `serve.log` in the database's folder; the files a host keeps on its
    /// machine go to `data` there, not to the user's own data folder.
    pub fn start<D: Served + ?Sized>(db: &D) -> Server {
        Server::start_with(db, &[])
    }

    /// [`Server::start`] with more arguments of `serve`.
    pub fn start_with<D: Served + ?Sized>(db: &D, args: &[&str]) -> Server {
        let folder = db.folder();
        let log = folder.join("serve.log");
        let stderr: File = OpenOptions::new().create(true).append(true).open(&log).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_backroom"))
            .arg("--db")
            .arg(db.db_arg())
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .env("XDG_DATA_HOME", folder.join("data"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("backroom serve starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let addr = line
            .trim()
            .strip_prefix("Backroom is serving http://")
            .and_then(|rest| rest.strip_suffix('/'))
            .map(str::to_owned);
        let Some(addr) = addr else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "backroom serve did not say where it listens: {line:?}\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        };
        Server { child, _stdout: stdout, addr, log, running: true }
    }

    /// Kills the process with SIGKILL (`kill -9`): no shutdown code of its runs.
    pub fn kill(&mut self) {
        if self.running {
            self.child.kill().unwrap();
            self.child.wait().unwrap();
            self.running = false;
        }
    }

    /// What the servers on this database wrote to standard error so far (every start).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.running {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A minimal HTTP/1.1 client on one kept-alive connection: `POST /api/{command}` with a JSON
/// body and the session's bearer token, as the web UI sends them.
pub(crate) struct Client {
    conn: BufReader<TcpStream>,
    host: String,
    token: Option<String>,
}

impl Client {
    pub fn connect(addr: &str) -> Client {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_nodelay(true).unwrap();
        Client { conn: BufReader::new(stream), host: addr.to_owned(), token: None }
    }

    /// A client on a new connection using a session already signed in.
    pub fn with_token(addr: &str, token: &str) -> Client {
        let mut client = Client::connect(addr);
        client.token = Some(token.to_owned());
        client
    }

    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// Connects and signs in at a station with a badge or PIN.
    pub fn sign_in(addr: &str, station: &str, credential: &str) -> Client {
        let mut client = Client::connect(addr);
        let session =
            client.call("sign_in", &json!({"station": station, "credential": credential}));
        client.token = Some(session["token"].as_str().unwrap().to_owned());
        client
    }

    /// Runs a command and returns its reply, panicking unless it answered 200.
    pub fn call(&mut self, name: &str, req: &Value) -> Value {
        let (status, reply) =
            self.post(name, req).unwrap_or_else(|e| panic!("{name}: the request failed: {e}"));
        assert_eq!(status, 200, "{name} answered {status}: {reply}");
        reply
    }

    /// Sends one command and reads the status and JSON reply (a body that is not JSON comes
    /// back as a string). An error means the connection broke.
    pub fn post(&mut self, name: &str, req: &Value) -> io::Result<(u16, Value)> {
        self.post_with(name, req, &[])
    }

    /// [`Client::post`] with more headers, such as a write's `Idempotency-Key`.
    pub fn post_with(
        &mut self,
        name: &str,
        req: &Value,
        headers: &[(&str, &str)],
    ) -> io::Result<(u16, Value)> {
        let body = req.to_string();
        let mut message = format!(
            "POST /api/{name} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n",
            self.host,
            body.len()
        );
        if let Some(token) = &self.token {
            message.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        for (name, value) in headers {
            message.push_str(&format!("{name}: {value}\r\n"));
        }
        message.push_str("\r\n");
        message.push_str(&body);
        self.conn.get_mut().write_all(message.as_bytes())?;
        self.conn.get_mut().flush()?;
        let status_line = self.line()?;
        let status: u16 = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| io::Error::other(format!("bad status line {status_line:?}")))?;
        let (mut length, mut chunked) = (None, false);
        loop {
            let header = self.line()?;
            if header.is_empty() {
                break;
            }
            let (key, value) = header.split_once(':').unwrap_or((&header, ""));
            match key.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse::<usize>().ok(),
                "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
                _ => {}
            }
        }
        let mut bytes = Vec::new();
        if chunked {
            loop {
                let size = self.line()?;
                let size = usize::from_str_radix(size.split(';').next().unwrap().trim(), 16)
                    .map_err(|e| io::Error::other(format!("bad chunk size {size:?}: {e}")))?;
                if size == 0 {
                    while !self.line()?.is_empty() {}
                    break;
                }
                let start = bytes.len();
                bytes.resize(start + size, 0);
                self.conn.read_exact(&mut bytes[start..])?;
                self.line()?;
            }
        } else {
            let length = length.ok_or_else(|| io::Error::other("a reply with no length"))?;
            bytes.resize(length, 0);
            self.conn.read_exact(&mut bytes)?;
        }
        let reply = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        Ok((status, reply))
    }

    /// One header line without its line end; end of stream is an error.
    fn line(&mut self) -> io::Result<String> {
        let mut line = String::new();
        if self.conn.read_line(&mut line)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the server closed"));
        }
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}
