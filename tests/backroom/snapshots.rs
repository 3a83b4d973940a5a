//! Reads never wait for writes: a read command runs on a read-only snapshot while another
//! connection holds the database for a long write, and writes nothing itself; a write that
//! cannot have its turn in time is answered "busy" (HTTP 503), never a server error.

use std::collections::BTreeSet;
use std::time::Duration;

use backroom_api::commands::{COMMANDS, Kind};
use backroom_api::store::{Access, Connection, Transaction};
use backroom_api::testing::TestDatabase;
use backroom_api::{App, Caller, ErrorCode};
use serde_json::{Value, json};

use crate::concurrency::{Client, Hosted, Server, heavy_test};
use crate::support::{self, Warehouse};

/// A connection of another program to the database.
fn another_connection(db: &TestDatabase) -> Connection {
    backroom_api::db::open_store(&db.location).unwrap()
}

/// Another program's long write on its connection: it holds the database's writer (SQLite's
/// write lock, or on PostgreSQL Backroom's advisory lock), with a product inserted and not yet
/// committed.
fn hold_the_writer(conn: &mut Connection) -> Transaction<'_> {
    let holder = conn.begin(Access::Write, Duration::from_secs(10)).unwrap();
    let held = "INSERT INTO products (sku, name) VALUES ('HELD-1', 'Written, not committed')";
    holder.execute(held, []).unwrap();
    holder
}

#[test]
fn a_read_runs_on_the_last_commit_while_another_connection_holds_the_writer() {
    let w = support::warehouse();
    support::receive(&w, "MUG-1", "A01-1-01-L", 5);
    let token = w.sign_in("Pick 1", "1111");
    let picker = Caller::Session(Some(&token));
    let mut other = another_connection(&w.db);
    let holder = hold_the_writer(&mut other);
    for round in 0..3 {
        let found = w.app.call(picker, "search_products", json!({"text": ""})).unwrap();
        let skus: Vec<&str> =
            found["rows"].as_array().unwrap().iter().map(|p| p["sku"].as_str().unwrap()).collect();
        assert!(!skus.contains(&"HELD-1"), "round {round}: saw an uncommitted write: {skus:?}");
        let mug = w.app.call(picker, "lookup_product", json!({"code": "MUG-1"})).unwrap();
        assert_eq!(mug["totals"]["on_hand"], 5, "round {round}: {mug}");
    }
    holder.commit().unwrap();
    let found = w.app.call(picker, "lookup_product", json!({"code": "HELD-1"})).unwrap();
    assert_eq!(found["product"]["sku"], "HELD-1", "the next read sees the commit: {found}");
}

#[test]
fn a_write_that_cannot_have_its_turn_in_time_is_busy_and_saves_nothing() {
    let Warehouse { app, db, dir: _dir } = support::warehouse();
    let app = app.with_write_wait(Duration::from_millis(200));
    let mut other = another_connection(&db);
    let holder = hold_the_writer(&mut other);
    let receive = json!({"product": "MUG-1", "qty": 3, "to": "RECEIVING"});
    let busy = app.call(Caller::Local, "receive", receive.clone()).unwrap_err();
    assert_eq!(busy.code, ErrorCode::Busy, "{busy}");
    assert_eq!(busy.code.http_status(), 503);
    holder.rollback().unwrap();
    app.call(Caller::Local, "receive", receive).unwrap();
    let mug = app.call(Caller::Local, "lookup_product", json!({"code": "MUG-1"})).unwrap();
    assert_eq!(mug["totals"]["on_hand"], 3, "only the write that had its turn: {mug}");
}

#[test]
fn over_http_a_write_past_its_wait_answers_503_busy_while_reads_answer() {
    let _turn = heavy_test();
    let hosted = Hosted::new(support::warehouse());
    let mut server = Server::start_with(&hosted, &["--write-wait", "0.3"]);
    let mut manager = Client::sign_in(&server.addr, "Pick 1", "9999");
    let mut other = another_connection(&hosted.db);
    let holder = hold_the_writer(&mut other);
    let receive = json!({"product": "MUG-1", "qty": 3, "to": "RECEIVING"});
    let key = [("Idempotency-Key", "receive-after-busy")];
    for _ in 0..3 {
        let (status, reply) = manager.post("lookup_product", &json!({"code": "MUG-1"})).unwrap();
        assert_eq!((status, &reply["totals"]["on_hand"]), (200, &json!(0)), "{reply}");
        let (status, reply) = manager.post_with("receive", &receive, &key).unwrap();
        assert_eq!((status, &reply["code"]), (503, &json!("busy")), "{reply}");
        let message = reply["message"].as_str().unwrap_or_default();
        assert!(message.contains("try again"), "{reply}");
    }
    holder.rollback().unwrap();
    let (status, reply) = manager.post_with("receive", &receive, &key).unwrap();
    assert_eq!(status, 200, "{reply}");
    let (status, again) = manager.post_with("receive", &receive, &key).unwrap();
    assert_eq!((status, &again), (200, &reply));
    let mug = manager.call("lookup_product", &json!({"code": "MUG-1"}));
    assert_eq!(mug["totals"]["on_hand"], 3, "{mug}");
    server.kill();
    assert!(!server.log().contains("panicked"), "{}", server.log());
}

/// A request for every read command, run on the demo warehouse by a manager signed in at a
/// station. A read runs on a connection that refuses any change, so one that wrote would fail
/// here; a new read command needs a row.
fn read_requests(demo: &Demo) -> Vec<(&'static str, Value)> {
    let order = demo.order.as_str();
    vec![
        ("health", json!({})),
        ("list_stations", json!({})),
        ("whoami", json!({})),
        ("list_operators", json!({})),
        ("list_paired_stations", json!({})),
        ("search_products", json!({"text": "mug", "include_inactive": true})),
        ("lookup_product", json!({"code": demo.sku})),
        ("product_image", json!({"code": demo.sku, "inline": true})),
        ("images_to_fetch", json!({"retry_failed": true})),
        ("get_layout", json!({})),
        ("list_locations", json!({"prefix": "A01"})),
        ("list_movements", json!({"product": demo.sku})),
        ("stock_in_location", json!({"location": demo.bin})),
        ("check_ledger", json!({})),
        ("list_orders", json!({"text": "", "backordered": false})),
        ("get_order", json!({"number": order})),
        ("list_holds", json!({})),
        ("list_pick_lists", json!({})),
        ("get_pick_list", json!({"id": demo.pick_list})),
        ("list_expected_receipts", json!({"include_complete": true})),
        ("list_counts", json!({})),
        ("list_returns", json!({})),
        ("export_csv", json!({"table": "orders"})),
        ("list_import_mappings", json!({})),
        ("setup_progress", json!({})),
        ("layout_templates", json!({})),
        ("get_settings", json!({})),
        ("store_info", json!({})),
        ("slip_pdf", json!({"order": order, "packer_copy": true})),
        ("slip_batch_pdf", json!({"orders": [order], "packer_copy": false})),
        (
            "print_slip",
            json!({"order": order, "printer": "Backroom-no-such-queue", "packer_copy": false}),
        ),
        ("list_boxes", json!({"include_inactive": true})),
        ("suggest_box", json!({"order": order})),
        ("expected_weight", json!({"order": order, "box": demo.box_code})),
        ("fill_rates", json!({"group_by": ["day", "sku"]})),
        ("fill_rate_orders", json!({"measure": "lines_final"})),
        ("stock_levels", json!({"text": "", "filter": "all", "sort": "sku"})),
        ("what_if", json!({"sku": demo.sku})),
        ("dashboard", json!({})),
        ("manifest", json!({})),
        ("list_manifests", json!({})),
        ("manifest_file", json!({"id": demo.manifest, "format": "pdf"})),
        ("station_scale", json!({})),
        ("zero_scale", json!({})),
        ("tare_scale", json!({})),
        ("list_weighings", json!({})),
        ("unweighed_products", json!({})),
        ("list_scale_ports", json!({})),
        ("detect_scale", json!({"port": "/dev/backroom-no-such-port"})),
        ("read_station_scale", json!({"station": "Pack 1"})),
        ("list_printers", json!({})),
        ("print_test_page", json!({"station": "Pack 1", "printer": "Backroom-no-such-queue"})),
        ("labels_pdf", json!({"kind": "bins", "stock": "letter-30", "aisle": "A01"})),
        (
            "print_labels",
            json!({"kind": "bins", "stock": "letter-30", "aisle": "A01", "printer": "Backroom-no-such-queue"}),
        ),
        // Sent by the program of the station paired as `Pack 1`, with its key.
        ("station_devices", json!({})),
        (
            "report_scale_reading",
            json!({"station": "Pack 1", "status": {"state": "stable",
            "protocol": "nci", "grams": 860.0, "value": 1.896, "unit": "lb", "net": null,
            "age_ms": 5, "detail": null}}),
        ),
        ("take_print_job", json!({})),
        ("finish_print_job", json!({"id": 1, "job_id": "Pack1-1"})),
        ("finish_scale_key", json!({"id": 1, "done": {"kind": "sent"}})),
    ]
}

/// Read commands only a paired station's program runs, with its key.
const STATION_PROGRAM: &[&str] = &[
    "station_devices",
    "report_scale_reading",
    "take_print_job",
    "finish_print_job",
    "finish_scale_key",
];

/// Read commands whose answer here is a refusal that still ran them through: printing to a
/// queue that does not exist, a scale where none is watched, and a port that is not there.
const REFUSED_HERE: &[&str] =
    &["print_slip", "zero_scale", "tare_scale", "detect_scale", "print_test_page", "print_labels"];

/// The demo warehouse, with a pick list and a closed manifest, and what the reads name.
struct Demo {
    app: App,
    _db: TestDatabase,
    _dir: tempfile::TempDir,
    token: String,
    order: String,
    sku: String,
    bin: String,
    box_code: String,
    pick_list: i64,
    manifest: i64,
    /// The key of `Pack 1`, paired with its scale at its own computer.
    station_key: String,
}

fn demo() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::new(dir.path());
    let app = db.open();
    let local = |name: &str, req: Value| {
        app.call(Caller::Local, name, req).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    local("load_demo", json!({}));
    let station = local("list_stations", json!({}))[0]["name"].as_str().unwrap().to_owned();
    let session = local("sign_in", json!({"station": station, "credential": "9999"}));
    let token = session["token"].as_str().unwrap().to_owned();
    let plan = local("plan_pick_lists", json!({}));
    let pick_list = plan["lists"][0]["id"].as_i64().unwrap_or_else(|| panic!("{plan}"));
    // The packages of the demo's last day of packing, closed out.
    let weighed = local("list_weighings", json!({"verdict": "pass", "limit": 1}));
    let date = &weighed[0]["at"].as_str().unwrap_or_else(|| panic!("{weighed}"))[..10];
    let packed = local("manifest", json!({"date": date}));
    let carrier = &packed["carriers"][0]["carrier"];
    let closed = local("close_manifest", json!({"carrier": carrier, "date": date}));
    let manifest = closed["closed"]["id"].as_i64().unwrap_or_else(|| panic!("{packed} {closed}"));
    let orders = local("list_orders", json!({"text": "", "backordered": false, "limit": 1}));
    let order = orders["rows"][0]["number"].as_str().unwrap().to_owned();
    let stock = local("list_movements", json!({"limit": 1}));
    let sku = stock[0]["sku"].as_str().unwrap().to_owned();
    let bins = local("list_locations", json!({"kind": "bin", "limit": 1}));
    let bin = bins[0]["code"].as_str().unwrap().to_owned();
    let boxes = local("list_boxes", json!({"include_inactive": false}));
    let box_code = boxes[0]["code"].as_str().unwrap().to_owned();
    let mut pack = local("list_stations", json!({}))
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Pack 1")
        .cloned()
        .expect("the demo has Pack 1");
    pack["scale_at"] = json!("station");
    local("save_station", pack);
    let code = local("create_pairing_code", json!({"station": "Pack 1"}));
    let paired = local("pair_station", json!({"code": code["code"]}));
    let station_key = paired["key"].as_str().unwrap().to_owned();
    Demo {
        app,
        _db: db,
        _dir: dir,
        token,
        order,
        sku,
        bin,
        box_code,
        pick_list,
        manifest,
        station_key,
    }
}

#[test]
fn every_read_command_runs_on_a_snapshot_that_refuses_writes() {
    let demo = demo();
    let requests = read_requests(&demo);
    let listed: BTreeSet<&str> = requests.iter().map(|(name, _)| *name).collect();
    let reads: BTreeSet<&str> =
        COMMANDS.iter().filter(|c| c.kind == Kind::Read).map(|c| c.name).collect();
    let missing: Vec<_> = reads.difference(&listed).collect();
    let not_reads: Vec<_> = listed.difference(&reads).collect();
    assert!(missing.is_empty(), "read commands without a request here: {missing:?}");
    assert!(not_reads.is_empty(), "listed here but not read commands: {not_reads:?}");
    let manager = Caller::Session(Some(&demo.token));
    let address = std::net::IpAddr::from([127, 0, 0, 1]);
    let program = Caller::Paired { key: &demo.station_key, token: None, address };
    let mut failed = Vec::new();
    for (name, req) in requests {
        let caller = if STATION_PROGRAM.contains(&name) { program } else { manager };
        match demo.app.call(caller, name, req) {
            Ok(_) if !REFUSED_HERE.contains(&name) => {}
            Err(e) if REFUSED_HERE.contains(&name) && e.code != ErrorCode::Storage => {}
            outcome => failed.push(format!("{name}: {outcome:?}")),
        }
    }
    assert!(failed.is_empty(), "read commands that failed:\n{}", failed.join("\n"));
}
