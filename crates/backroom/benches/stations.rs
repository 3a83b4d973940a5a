//! Twenty stations at once against `backroom serve`'s router, over HTTP on loopback, each on a
//! kept-alive connection with its own session, as the web UI calls it:
//!
//! 1. idle: product searches and look-ups for a few seconds;
//! 2. the same while a manager imports a 100,000-row order export (the real Shopify exports of
//!    `../shared/realdata/` repeated, when present; else a generic orders file);
//! 3. writes (a unit received) from twenty stations while other stations print slips on a
//!    queue whose `lp` takes three seconds a job.
//!
//! 4. a station's own scale through the host: `backroom serve --lan` in a process of its own,
//!    the station's agent on the scale simulator, and a packer's screen over HTTPS; from a
//!    weight put on the scale to the host's board showing it settled, and to the verdict.
//!
//! For each: requests per second, p50, p99 and the slowest, and errors. Reads never wait for
//! the import, and no write waits for the printer.
//! Run with `cargo bench -p backroom --bench stations`; `-- scale` runs only the fourth.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use backroom::serve::{Allowed, Connection};
use backroom_api::{App, Caller};
use serde_json::{Value, json};

const STATIONS: usize = 20;
const PRODUCTS: usize = 3_000;
const ROWS: usize = 100_000;
const IDLE_FOR: Duration = Duration::from_secs(5);
/// How long the fake printer takes per job.
const PRINT_SECS: u32 = 3;

fn main() {
    if std::env::args().any(|arg| arg == "scale") {
        scale_through_host();
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let app = Arc::new(App::open(&dir.path().join("backroom.db")).unwrap());
    let (products, orders) = import_files();
    let report = local(&app, "import_csv", json!({"table": "products", "csv": products}));
    assert_eq!(report["ok"], true, "{report}");
    let skus = some_skus(&app);
    let addr = serve(Arc::clone(&app));
    let tokens = stations(&app);
    println!("{STATIONS} stations over HTTP on {} cores", cores());

    for mix in [Mix::Scans, Mix::ScansAndSearches] {
        let idle = reads_until(&addr, &tokens, &skus, mix, Stop::After(IDLE_FOR));
        print_reads(&idle, mix, "idle");
    }

    // One import per mix, each of orders with numbers of their own.
    for (batch, mix) in [Mix::Scans, Mix::ScansAndSearches].into_iter().enumerate() {
        let during = reads_during_import(&app, &addr, &tokens, &skus, mix, orders(batch));
        print_reads(&during, mix, "during the import");
    }

    writes_while_printing(&app, &addr, &tokens, dir.path());
    scale_through_host();
}

/// An orders file of the `n`th batch, and which kind of file it is.
type Orders = Box<dyn Fn(usize) -> (String, &'static str)>;

/// The products file, and the orders files to import.
fn import_files() -> (String, Orders) {
    match realdata() {
        Some(dir) => {
            let products = std::fs::read_to_string(dir.join(LARGEST_PRODUCTS)).unwrap();
            let orders = move |batch| (shopify_orders_csv(&dir, ROWS, batch), "Shopify export");
            (products, Box::new(orders))
        }
        None => (products_csv(), Box::new(|batch| (orders_csv(batch), "generic orders file"))),
    }
}

/// Every station reading as `mix` says while a whole orders file is imported.
fn reads_during_import(
    app: &Arc<App>,
    addr: &str,
    tokens: &[String],
    skus: &[String],
    mix: Mix,
    (orders, what): (String, &'static str),
) -> [Figures; 3] {
    let importing = Arc::new(AtomicBool::new(true));
    let import = {
        let (app, importing) = (Arc::clone(app), Arc::clone(&importing));
        std::thread::spawn(move || {
            let started = Instant::now();
            let req = json!({"table": "orders", "csv": orders});
            let report = app.call(Caller::Local, "import_csv", req);
            importing.store(false, Ordering::SeqCst);
            (report, started.elapsed())
        })
    };
    let during = reads_until(addr, tokens, skus, mix, Stop::When(importing));
    let (report, took) = import.join().unwrap();
    let report = report.unwrap();
    assert_eq!(report["ok"], true, "{}", report["errors"]);
    println!(
        "import of {ROWS} rows ({what}): {:.1} s, {} orders",
        took.as_secs_f64(),
        report["created"]
    );
    during
}

fn local(app: &App, name: &str, req: Value) -> Value {
    app.call(Caller::Local, name, req).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// SKUs to look up, spread over the catalogue.
fn some_skus(app: &App) -> Vec<String> {
    let page = local(app, "search_products", json!({"text": "", "limit": 500}));
    page["rows"].as_array().unwrap().iter().map(|p| p["sku"].as_str().unwrap().to_owned()).collect()
}

/// A station, an order to print and a picker per station; returns their session tokens.
fn stations(app: &App) -> Vec<String> {
    local(app, "save_area", json!({"code": "RECEIVING", "kind": "receiving"}));
    local(app, "save_operator", json!({"name": "Manny", "role": "manager", "pin": "9999"}));
    (0..STATIONS)
        .map(|n| {
            let station = format!("Bench {n:02}");
            local(app, "save_station", json!({"name": station, "printer": "SLOW"}));
            let session = local(app, "sign_in", json!({"station": station, "credential": "9999"}));
            session["token"].as_str().unwrap().to_owned()
        })
        .collect()
}

/// The router on a loopback port, served on its own runtime; returns `127.0.0.1:PORT`.
fn serve(app: Arc<App>) -> String {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let local = listener.local_addr().unwrap();
            let allowed = Allowed::new(local, &[], &[]).unwrap();
            let router = backroom::serve::router(app, None, allowed);
            sender.send(local).unwrap();
            let service = router.into_make_service_with_connect_info::<Connection>();
            axum::serve(listener, service).await.unwrap();
        });
    });
    let addr: SocketAddr = receiver.recv().unwrap();
    addr.to_string()
}

enum Stop {
    After(Duration),
    /// While the flag is up.
    When(Arc<AtomicBool>),
}

impl Stop {
    fn done(&self, started: Instant) -> bool {
        match self {
            Stop::After(d) => started.elapsed() >= *d,
            Stop::When(flag) => !flag.load(Ordering::SeqCst),
        }
    }
}

/// What the stations read: a scanned code looked up, or as often a search typed as well (the
/// first six characters of an SKU, which in the real catalogue are shared by up to 2,000).
#[derive(Clone, Copy)]
enum Mix {
    Scans,
    ScansAndSearches,
}

impl Mix {
    fn name(self) -> &'static str {
        match self {
            Mix::Scans => "look-ups of scanned codes",
            Mix::ScansAndSearches => "look-ups and typed searches, half each",
        }
    }
}

/// Every station reading products as `mix` says, one request after another, until `stop`.
/// Returns the figures of all reads, then of the scans and the searches among them.
fn reads_until(
    addr: &str,
    tokens: &[String],
    skus: &[String],
    mix: Mix,
    stop: Stop,
) -> [Figures; 3] {
    let barrier = Barrier::new(tokens.len());
    let started = Instant::now();
    let per_station: Vec<(Vec<(bool, Duration)>, usize)> = std::thread::scope(|scope| {
        let handles: Vec<_> = tokens
            .iter()
            .enumerate()
            .map(|(n, token)| {
                let (barrier, stop) = (&barrier, &stop);
                scope.spawn(move || {
                    let mut client = Client::connect(addr, token);
                    barrier.wait();
                    let (mut took, mut errors) = (Vec::new(), 0);
                    let mut i = n;
                    while !stop.done(started) {
                        let sku = &skus[i % skus.len()];
                        let scan = matches!(mix, Mix::Scans) || i % 2 == 0;
                        let (name, req) = if scan {
                            ("lookup_product", json!({"code": sku}))
                        } else {
                            (
                                "search_products",
                                json!({"text": &sku[..sku.len().min(6)], "limit": 20}),
                            )
                        };
                        let at = Instant::now();
                        match client.post(name, &req) {
                            Ok((200, _)) => took.push((scan, at.elapsed())),
                            _ => errors += 1,
                        }
                        i += 7;
                    }
                    (took, errors)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let elapsed = started.elapsed();
    let only = |kind: Option<bool>| {
        let per_station = per_station.iter().map(|(took, errors)| {
            let took = took.iter().filter(|(scan, _)| kind.is_none_or(|k| k == *scan));
            (took.map(|(_, d)| *d).collect(), if kind.is_none() { *errors } else { 0 })
        });
        Figures::new(per_station.collect(), elapsed)
    };
    [only(None), only(Some(true)), only(Some(false))]
}

/// Prints a reading phase: all its reads, and the scans and searches apart when it had both.
fn print_reads([all, scans, searches]: &[Figures; 3], mix: Mix, when: &str) {
    all.print(&format!("{}, {when}", mix.name()));
    if !searches.took.is_empty() {
        scans.print("  of which look-ups");
        searches.print("  of which searches");
    }
}

/// Twenty stations receiving one unit at a time, first alone and then while four others print
/// slips on the slow queue.
fn writes_while_printing(app: &App, addr: &str, tokens: &[String], dir: &Path) {
    install_slow_printer(dir);
    let order = json!({
        "number": "P-1", "customer": {"name": "Ann Lee"}, "payment_status": "paid",
        "ship_to": {"name": "Ann Lee", "address1": "1 High St", "city": "Leeds",
                    "postal_code": "LS1 1AA", "country": "GB"},
        "lines": [{"product": some_skus(app)[0], "qty": 1}],
    });
    local(app, "create_order", order);
    let sku = some_skus(app)[1].clone();
    let writes = |printing: &AtomicBool, printers: usize| {
        let started = Instant::now();
        let per_station: Vec<(Vec<Duration>, usize)> = std::thread::scope(|scope| {
            let printers: Vec<_> = tokens[..printers]
                .iter()
                .map(|token| {
                    scope.spawn(move || {
                        let mut client = Client::connect(addr, token);
                        let slip = json!({"order": "P-1", "packer_copy": false});
                        while printing.load(Ordering::SeqCst) {
                            let (status, reply) = client.post("print_slip", &slip).unwrap();
                            assert_eq!(status, 200, "{reply}");
                        }
                    })
                })
                .collect();
            let writers: Vec<_> = tokens
                .iter()
                .map(|token| {
                    let sku = &sku;
                    scope.spawn(move || {
                        let mut client = Client::connect(addr, token);
                        let (mut took, mut errors) = (Vec::new(), 0);
                        let receive = json!({"product": sku, "qty": 1, "to": "RECEIVING"});
                        while started.elapsed() < IDLE_FOR {
                            let at = Instant::now();
                            match client.post("receive", &receive) {
                                Ok((200, _)) => took.push(at.elapsed()),
                                _ => errors += 1,
                            }
                        }
                        (took, errors)
                    })
                })
                .collect();
            let figures = writers.into_iter().map(|h| h.join().unwrap()).collect();
            printing.store(false, Ordering::SeqCst);
            for printer in printers {
                printer.join().unwrap();
            }
            figures
        });
        Figures::new(per_station, started.elapsed())
    };
    writes(&AtomicBool::new(false), 0).print("receipts, nothing printing");
    let printing = AtomicBool::new(true);
    writes(&printing, 4).print(&format!("receipts, 4 stations printing ({PRINT_SECS} s a slip)"));
}

/// `lp` and `lpstat` on the PATH for a queue `SLOW` that takes [`PRINT_SECS`] per job.
fn install_slow_printer(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let scripts = [
        (
            "lpstat",
            "#!/bin/sh\necho \"printer SLOW is idle.  enabled since Sun 06 Dec 2026\"\n".to_owned(),
        ),
        (
            "lp",
            format!(
                "#!/bin/sh\ncat > /dev/null\nsleep {PRINT_SECS}\necho \"request id is SLOW-1 (1 file(s))\"\n"
            ),
        ),
    ];
    for (name, script) in scripts {
        let path = bin.join(name);
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    // SAFETY: set while only this thread reads the environment; the printing threads start
    // after it.
    unsafe { std::env::set_var("PATH", path) };
}

/// Latencies and errors of one phase.
struct Figures {
    took: Vec<Duration>,
    errors: usize,
    elapsed: Duration,
}

impl Figures {
    fn new(per_station: Vec<(Vec<Duration>, usize)>, elapsed: Duration) -> Figures {
        let errors = per_station.iter().map(|(_, e)| e).sum();
        let mut took: Vec<Duration> = per_station.into_iter().flat_map(|(t, _)| t).collect();
        took.sort();
        Figures { took, errors, elapsed }
    }

    fn at(&self, share: f64) -> f64 {
        let i = ((self.took.len() as f64 * share).ceil() as usize).saturating_sub(1);
        self.took.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    }

    /// One line with the median, the 99th percentile and the slowest.
    fn print_latency(&self, what: &str) {
        println!(
            "{what}: median {:.1} ms, p99 {:.1} ms, slowest {:.1} ms",
            self.at(0.50),
            self.at(0.99),
            self.at(1.0)
        );
    }

    fn print(&self, what: &str) {
        println!(
            "{what}: {} in {:.1} s = {:.0}/s; p50 {:.1} ms, p99 {:.1} ms, slowest {:.1} ms; {} errors",
            self.took.len(),
            self.elapsed.as_secs_f64(),
            self.took.len() as f64 / self.elapsed.as_secs_f64(),
            self.at(0.50),
            self.at(0.99),
            self.at(1.0),
            self.errors
        );
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A station's kept-alive HTTP/1.1 connection with its session.
struct Client {
    conn: BufReader<TcpStream>,
    host: String,
    token: String,
}

impl Client {
    fn connect(addr: &str, token: &str) -> Client {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_nodelay(true).unwrap();
        Client { conn: BufReader::new(stream), host: addr.to_owned(), token: token.to_owned() }
    }

    fn post(&mut self, name: &str, req: &Value) -> std::io::Result<(u16, Value)> {
        let body = req.to_string();
        let message = format!(
            "POST /api/{name} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Authorization: Bearer {}\r\nContent-Length: {}\r\n\r\n{body}",
            self.host,
            self.token,
            body.len()
        );
        self.conn.get_mut().write_all(message.as_bytes())?;
        let mut line = String::new();
        self.conn.read_line(&mut line)?;
        let status = line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let mut length = 0;
        loop {
            line.clear();
            self.conn.read_line(&mut line)?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((key, value)) = header.split_once(':')
                && key.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut bytes = vec![0; length];
        self.conn.read_exact(&mut bytes)?;
        Ok((status, serde_json::from_slice(&bytes).unwrap_or(Value::Null)))
    }
}

// The import files, as the intake bench of backroom-api builds them.

fn realdata() -> Option<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/realdata");
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

/// A Shopify export of `rows` rows: the real files' orders again and again under new names.
fn shopify_orders_csv(dir: &Path, rows: usize, batch: usize) -> String {
    let mut header: Option<csv::StringRecord> = None;
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
            for row in order {
                let mut row = row.clone();
                row[0] = format!("#B{batch}R{round}-{count}");
                out.write_record(&row).unwrap();
                written += 1;
                if written == rows {
                    break 'fill;
                }
            }
        }
    }
    String::from_utf8(out.into_inner().unwrap()).unwrap()
}

fn products_csv() -> String {
    let mut csv = String::from("sku,name,category,unit_weight,barcodes,price\n");
    for p in 0..PRODUCTS {
        csv.push_str(&format!(
            "SKU-{p:05},Product {p},Group {},{} g,BR-{p:06},9.99\n",
            p % 30,
            50 + p % 900
        ));
    }
    csv
}

fn orders_csv(batch: usize) -> String {
    let mut csv = String::from(
        "number,placed_at,customer_name,customer_email,ship_name,ship_address1,ship_city,\
         ship_postal_code,ship_country,billing_country,payment_status,sku,qty,unit_price\n",
    );
    for row in 0..ROWS {
        let (order, line) = (row / 3, row % 3);
        if line == 0 {
            csv.push_str(&format!(
                "{},2026-11-{:02}T10:00:00Z,Customer {order},c{order}@example.com,Customer {order},\
                 1 Long Road,Leeds,LS1 1AA,GB,GB,paid,",
                500_000 + batch * ROWS + order,
                1 + order % 28
            ));
        } else {
            csv.push_str(&format!("{},,,,,,,,,,,", 500_000 + batch * ROWS + order));
        }
        let product = (order * 7 + line * 1009) % PRODUCTS;
        csv.push_str(&format!("SKU-{product:05},{},4.99\n", 1 + row % 4));
    }
    csv
}

// A station's own scale through the host.

/// How many weighings are timed.
const WEIGHINGS: usize = 60;
const SIMULATOR: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/tools/scale-sim/scale-sim");

/// From a weight put on a station's scale to the host's board showing it settled (as the
/// screen reads it), and to the verdict of `weigh` at that station.
fn scale_through_host() {
    use backroom::pairing_client::{self, HostClient};
    use backroom::station::{Link, StationAgent};

    let Ok(mut sim) = Simulator::start() else {
        println!("scale through the host: skipped, the scale simulator is not at {SIMULATOR}");
        return;
    };
    let on_port = settled_on_the_port(&mut sim);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("host.db");
    let code = bench_warehouse(&db, &sim.device);
    let (mut host, url, fingerprint) = serve_lan(&db);
    let file = pairing_client::pair(&url, &code, Some(&fingerprint), |_| false).unwrap();
    let key = file.key.clone();
    let agent = StationAgent::start(file);
    let client = HostClient::new(&url, Some(&fingerprint)).unwrap();
    let call = |name: &str, req: Value, token: Option<&str>| {
        let reply = client.call(name, &req, Some(&key), token).unwrap();
        assert_eq!(reply.status, 200, "{name}: {}", reply.body);
        reply.body
    };
    let session = call("sign_in", json!({"station": "Bench S", "credential": "2222"}), None);
    let token = session["token"].as_str().unwrap().to_owned();
    let expected = call("expected_weight", json!({"order": "S-0", "box": "BOX-S"}), Some(&token));
    let grams = expected["expected_g"].as_f64().unwrap();
    let shows = |want: f64| {
        let seen = call("station_scale", json!({}), Some(&token));
        seen["status"]["state"] == "stable" && seen["status"]["grams"] == want
    };
    let wait_for = |want: f64| {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !shows(want) {
            assert!(
                Instant::now() < deadline,
                "the scale never showed {want} g: {:?}",
                agent.state()
            );
            std::thread::sleep(Duration::from_millis(2));
        }
    };
    wait_for(0.0);
    assert_eq!(agent.state().link, Link::Connected, "{:?}", agent.state());
    let (mut on_board, mut verdicts) = (Vec::new(), Vec::new());
    for n in 0..WEIGHINGS {
        let at = Instant::now();
        sim.control(&format!("weight {grams}"));
        wait_for(grams);
        on_board.push((vec![at.elapsed()], 0));
        let weighed =
            call("weigh", json!({"order": format!("S-{n}"), "box": "BOX-S"}), Some(&token));
        assert_eq!(weighed["verdict"]["kind"], "pass", "{weighed}");
        verdicts.push((vec![at.elapsed()], 0));
        sim.control("weight 0");
        wait_for(0.0);
    }
    let started = Instant::now();
    drop(agent);
    let _ = host.kill();
    let _ = host.wait();
    println!("a station's scale through the host over HTTPS on loopback, {WEIGHINGS} weighings:");
    on_port.print_latency("  weight put on to settled at the station's own monitor (no host)");
    Figures::new(on_board, started.elapsed())
        .print_latency("  weight put on to settled on the host's board");
    Figures::new(verdicts, started.elapsed())
        .print_latency("  weight put on to the verdict at the bench");
}

/// The part of the way no network takes: from a weight put on the scale to the station's own
/// monitor reporting it settled (two agreeing frames), with the same options as the agent.
fn settled_on_the_port(sim: &mut Simulator) -> Figures {
    use backroom_api::devices::scale_port::{
        MonitorOptions, PortSettings, ScaleMonitor, ScaleState,
    };
    use backroom_core::scale::Protocol;

    let (send, statuses) = std::sync::mpsc::channel();
    let options = MonitorOptions { every_reading: true, ..MonitorOptions::default() };
    let port = PortSettings::new(sim.device.clone(), Protocol::MtSics);
    let monitor = ScaleMonitor::start(port, options, move |status| {
        let _ = send.send((status.state, status.grams, Instant::now()));
    });
    let settled = |want: f64, after: Instant| loop {
        let (state, grams, at) = statuses.recv_timeout(Duration::from_secs(30)).unwrap();
        if state == ScaleState::Stable && grams == Some(want) && at >= after {
            return at;
        }
    };
    settled(0.0, Instant::now());
    let mut took = Vec::new();
    let started = Instant::now();
    for _ in 0..WEIGHINGS {
        let at = Instant::now();
        sim.control("weight 500");
        took.push(settled(500.0, at) - at);
        let at = Instant::now();
        sim.control("weight 0");
        settled(0.0, at);
    }
    drop(monitor);
    Figures::new(vec![(took, 0)], started.elapsed())
}

/// A database with one packing station whose scale (the simulator at `device`) is at its own
/// computer, a box, and picked orders `S-0`, `S-1`, ...; gives the station's pairing code.
fn bench_warehouse(db: &Path, device: &str) -> String {
    let app = App::open(db).unwrap();
    let layout = json!({"name": "bench", "aisles": 2, "blocks": 1, "slots_per_side": 5,
        "slot_length_m": 1.0, "aisle_pitch_m": 3.0, "cross_aisle_m": 2.0});
    local(&app, "set_layout", json!({ "layout": layout }));
    local(&app, "save_area", json!({"code": "PACKING", "kind": "packing"}));
    local(&app, "save_product", json!({"sku": "MUG-1", "name": "Mug", "unit_weight": "350 g"}));
    local(
        &app,
        "save_box",
        json!({"code": "BOX-S", "name": "Small", "tare_g": 150,
            "inner_mm": {"length": 300, "width": 200, "height": 150}}),
    );
    local(&app, "save_operator", json!({"name": "Pia", "role": "packer", "pin": "2222"}));
    local(
        &app,
        "save_station",
        json!({"name": "Bench S", "scale_at": "station", "scale": {"port": device,
            "protocol": "mt-sics", "baud": 9600, "data_bits": 8, "parity": "none", "stop_bits": 1}}),
    );
    let bin = "A01-1-01-L";
    local(&app, "receive", json!({"product": "MUG-1", "qty": WEIGHINGS, "to": bin}));
    for n in 0..WEIGHINGS {
        let number = format!("S-{n}");
        local(
            &app,
            "create_order",
            json!({"number": number, "customer": {"name": "Ann Lee"}, "payment_status": "paid",
                "ship_to": {"name": "Ann Lee", "address1": "1 High St", "city": "Leeds",
                    "postal_code": "LS1 1AA", "country": "GB"},
                "lines": [{"product": "MUG-1", "qty": 1}]}),
        );
        local(&app, "pick", json!({"order": number, "product": "MUG-1", "bin": bin, "qty": 1}));
    }
    let code = local(&app, "create_pairing_code", json!({"station": "Bench S"}));
    code["code"].as_str().unwrap().to_owned()
}

/// `backroom serve --lan` over `db` on a free loopback port; gives the process, its address
/// and its fingerprint.
fn serve_lan(db: &Path) -> (std::process::Child, String, String) {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_backroom"))
        .arg("--db")
        .arg(db)
        .args(["serve", "--lan", "--addr", "127.0.0.1:0", "--loopback-addr", "off"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let (mut url, mut fingerprint) = (None, None);
    while fingerprint.is_none() {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "the host stopped");
        if let Some(rest) = line.trim().strip_prefix("Backroom is serving ") {
            url.get_or_insert_with(|| rest.trim_end_matches('/').to_owned());
        }
        fingerprint =
            line.strip_prefix("certificate fingerprint (SHA-256): ").map(|f| f.trim().to_owned());
    }
    // The host keeps writing to its output; nobody needs to read it.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    (child, url.unwrap(), fingerprint.unwrap())
}

/// The scale simulator on a pseudo-terminal, driven through its stdin.
struct Simulator {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: BufReader<std::process::ChildStdout>,
    device: String,
}

impl Simulator {
    fn start() -> std::io::Result<Simulator> {
        use std::process::{Command, Stdio};
        let mut child = Command::new(SIMULATOR)
            .args(["--protocol", "mt-sics", "--unit", "g", "--weight", "0", "--exit-on-eof"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut device = String::new();
        stdout.read_line(&mut device)?;
        Ok(Simulator { child, stdin, stdout, device: device.trim().to_owned() })
    }

    /// Sends a control line and waits for its `ok`.
    fn control(&mut self, command: &str) {
        writeln!(self.stdin, "{command}").unwrap();
        loop {
            let mut line = String::new();
            assert!(self.stdout.read_line(&mut line).unwrap() > 0, "the simulator stopped");
            if line.starts_with("ok") {
                return;
            }
            assert!(line.starts_with("event "), "`{command}` got {line:?}");
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
