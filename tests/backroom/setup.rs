//! Setting up a real warehouse from a station: the one step open to anyone (the first manager,
//! only while there is no operator), progress read from the data, and every later step a
//! manager's.

use std::sync::Barrier;
use std::time::Duration;

use backroom_api::store::Access;
use backroom_api::testing::TestDatabase;
use backroom_api::{App, Caller, ErrorCode};
use serde_json::{Value, json};

use crate::concurrency::{Client, Hosted, Server};

const ANYONE: Caller<'static> = Caller::Session(None);

/// A new database and its app. The database comes first: bound first, it is dropped after the
/// app.
fn fresh() -> ((TestDatabase, tempfile::TempDir), App) {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::new(dir.path());
    let app = db.open();
    ((db, dir), app)
}

fn progress(app: &App) -> Value {
    app.call(ANYONE, "setup_progress", json!({})).unwrap()
}

/// Which steps are done, in order, as `step` names.
fn done(progress: &Value) -> Vec<&str> {
    let steps = progress["steps"].as_array().unwrap();
    steps.iter().filter(|s| s["done"] == true).map(|s| s["step"].as_str().unwrap()).collect()
}

fn first_manager(pin: &str) -> Value {
    json!({"name": "Mara Manager", "badge": "MGR-1", "pin": pin, "station": "Office"})
}

fn call(app: &App, token: &str, name: &str, req: Value) -> Value {
    app.call(Caller::Session(Some(token)), name, req).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The rows of a table, read as another program would.
fn count(app: &App, table: &str) -> i64 {
    let mut conn = backroom_api::db::open_store(app.location()).unwrap();
    let tx = conn.begin(Access::Read, Duration::ZERO).unwrap();
    tx.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

#[test]
fn a_new_database_starts_at_the_store_with_the_wizard_open() {
    let (_db, app) = fresh();
    let p = progress(&app);
    assert_eq!(p["open"], true, "nobody can sign in yet: {p}");
    assert_eq!(p["next"], "store");
    assert!(done(&p).is_empty(), "{p}");
    let steps: Vec<&str> =
        p["steps"].as_array().unwrap().iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(
        steps,
        ["store", "people", "stations", "boxes", "layout", "products", "stock", "orders"]
    );
}

#[test]
fn anyone_creates_the_first_manager_once_and_is_signed_in() {
    let (_db, app) = fresh();
    let session = app.call(ANYONE, "create_first_manager", first_manager("4321")).unwrap();
    assert_eq!(session["operator"]["role"], "manager");
    assert_eq!(session["station"], "Office");
    let token = session["token"].as_str().unwrap();
    let me = call(&app, token, "whoami", json!({}));
    assert_eq!(me["operator"]["name"], "Mara Manager");
    // The manager signs in again later by badge or PIN.
    for credential in ["MGR-1", "4321"] {
        let again =
            app.call(ANYONE, "sign_in", json!({"station": "Office", "credential": credential}));
        assert_eq!(again.unwrap()["operator"]["name"], "Mara Manager");
    }

    let p = progress(&app);
    assert_eq!(done(&p), ["people", "stations"], "{p}");
    assert_eq!(p["open"], true, "setting up has begun and is not finished");

    // Once anyone exists, the open door is shut, to strangers and to the manager alike.
    for caller in [ANYONE, Caller::Session(Some(token))] {
        let second =
            json!({"name": "Sam Second", "badge": "MGR-2", "pin": "5555", "station": "Desk"});
        let err = app.call(caller, "create_first_manager", second).unwrap_err();
        assert_eq!(err.code, ErrorCode::Conflict, "{err}");
    }
    assert_eq!((count(&app, "operators"), count(&app, "stations")), (1, 1));
}

#[test]
fn any_operator_at_all_shuts_the_first_manager_step() {
    let (_db, app) = fresh();
    // A picker added from the command line, since deactivated: still somebody.
    app.call(Caller::Local, "save_station", json!({"name": "Pick 1"})).unwrap();
    app.call(
        Caller::Local,
        "save_operator",
        json!({"name": "Pat", "role": "picker", "pin": "1111", "active": false}),
    )
    .unwrap();
    let err = app.call(ANYONE, "create_first_manager", first_manager("4321")).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict, "{err}");
    assert_eq!(count(&app, "operators"), 1);
    assert_eq!(progress(&app)["open"], false, "the wizard is not offered to a built warehouse");
}

#[test]
fn a_refused_first_manager_leaves_nothing_behind() {
    let (_db, app) = fresh();
    for (req, why) in [
        (first_manager("12"), "a PIN too short"),
        (json!({"name": " ", "pin": "4321", "station": "Office"}), "no name"),
        (json!({"name": "Mara", "pin": "", "station": "Office"}), "no PIN"),
        (json!({"name": "Mara", "pin": "4321", "station": "  "}), "no station"),
    ] {
        let err = app.call(ANYONE, "create_first_manager", req).unwrap_err();
        assert_eq!(err.code, ErrorCode::Invalid, "{why}: {err}");
    }
    assert_eq!((count(&app, "operators"), count(&app, "stations")), (0, 0));
    assert_eq!(count(&app, "sessions"), 0);
    assert_eq!(progress(&app)["next"], "store");
}

#[test]
fn of_many_stations_racing_over_http_only_one_creates_the_first_manager() {
    let dir = tempfile::tempdir().unwrap();
    let hosted = Hosted { db: TestDatabase::new(dir.path()), dir };
    let server = Server::start(&hosted);
    const CLIENTS: usize = 8;
    let barrier = Barrier::new(CLIENTS);
    let replies: Vec<(usize, u16, Value)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|i| {
                let (addr, barrier) = (&server.addr, &barrier);
                scope.spawn(move || {
                    let mut client = Client::connect(addr);
                    let req = json!({"name": format!("Manager {i}"), "pin": format!("{:04}", 1000 + i),
                                     "station": format!("Office {i}")});
                    barrier.wait();
                    let (status, reply) = client.post("create_first_manager", &req).unwrap();
                    (i, status, reply)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let winners: Vec<&(usize, u16, Value)> = replies.iter().filter(|r| r.1 == 200).collect();
    assert_eq!(winners.len(), 1, "exactly one first manager: {replies:?}");
    for (_, status, reply) in replies.iter().filter(|r| r.1 != 200) {
        assert_eq!((*status, reply["code"].as_str()), (409, Some("conflict")), "{reply}");
    }
    let winner = winners[0].0;
    let mut manager = Client::sign_in(
        &server.addr,
        &format!("Office {winner}"),
        &format!("{:04}", 1000 + winner),
    );
    let operators = manager.call("list_operators", &json!({}));
    let names: Vec<&str> =
        operators.as_array().unwrap().iter().map(|o| o["name"].as_str().unwrap()).collect();
    assert_eq!(names, [format!("Manager {winner}")]);
    let stations = manager.call("list_stations", &json!({}));
    assert_eq!(stations.as_array().unwrap().len(), 1, "only the winner's station: {stations}");
}

/// Products, stock and orders as a shop's first files.
const PRODUCTS: &str = "sku,name,unit_weight,barcodes,price\n\
    MUG-1,Blue mug,350 g,036000291452,12.99\n\
    TEE-M,T-shirt M,200 g,,19.99\n";
const STOCK: &str =
    "sku,location,qty,reason\nMUG-1,A01-1-01-L,10,opening stock\nTEE-M,A02-1-03-R,5,\n";
const ORDERS: &str = "number,customer_name,ship_name,ship_address1,ship_city,ship_postal_code,\
    ship_country,payment_status,sku,qty\n\
    1001,Ada Lee,Ada Lee,1 High St,Leeds,LS1 1AA,GB,paid,MUG-1,2\n\
    1001,,,,,,,,TEE-M,1\n";

#[test]
fn each_later_step_is_a_managers_command_and_the_progress_follows_the_data() {
    let (_db, app) = fresh();
    let session = app.call(ANYONE, "create_first_manager", first_manager("4321")).unwrap();
    let token = session["token"].as_str().unwrap();

    // Nobody else may take the next steps: not an anonymous caller, not a picker.
    call(&app, token, "save_operator", json!({"name": "Pat", "role": "picker", "pin": "1111"}));
    let picker = app
        .call(ANYONE, "sign_in", json!({"station": "Office", "credential": "1111"}))
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let small =
        app.call(Caller::Session(Some(token)), "layout_templates", json!({})).unwrap()[0]["layout"]
            .clone();
    for (command, req) in [
        ("layout_templates", json!({})),
        ("setup_layout", json!({"layout": small})),
        ("finish_setup", json!({})),
    ] {
        let err = app.call(ANYONE, command, req.clone()).unwrap_err();
        assert_eq!(err.code, ErrorCode::NotSignedIn, "{command} anonymously: {err}");
        let err = app.call(Caller::Session(Some(&picker)), command, req).unwrap_err();
        assert_eq!(err.code, ErrorCode::Forbidden, "{command} as a picker: {err}");
    }

    let mut settings = call(&app, token, "get_settings", json!({}));
    settings["store"] =
        json!({"time_zone": "Europe/London", "currency": "GBP", "weight_unit": "kg"});
    settings["slip"]["store_name"] = json!("Corner Goods");
    call(&app, token, "save_settings", settings);
    assert_eq!(progress(&app)["next"], "boxes");

    call(
        &app,
        token,
        "save_box",
        json!({"code": "BOX-M", "name": "Medium", "tare_g": 180,
               "inner_mm": {"length": 300, "width": 220, "height": 150}}),
    );
    assert_eq!(progress(&app)["next"], "layout");

    let info = call(&app, token, "setup_layout", json!({"layout": small}));
    assert_eq!(info["bins"], 80, "the small template: 4 aisles x 10 slots x 2 sides");
    assert_eq!(info["areas"], 5, "receiving, packing, shipping, quarantine, returns");
    // Choosing again keeps the areas it made, once each.
    let info = call(&app, token, "setup_layout", json!({"layout": small}));
    assert_eq!(info["areas"], 5);
    assert_eq!(progress(&app)["next"], "products");

    let import = |table: &str, csv: &str| {
        let report = call(&app, token, "import_csv", json!({"table": table, "csv": csv}));
        assert_eq!(report["ok"], true, "{table}: {report}");
    };
    import("products", PRODUCTS);
    assert_eq!(progress(&app)["next"], "stock");
    import("stock", STOCK);
    assert_eq!(progress(&app)["next"], "orders");
    import("orders", ORDERS);
    let p = progress(&app);
    assert_eq!(p["next"], Value::Null, "every step is done: {p}");
    assert!(
        p["steps"].as_array().unwrap().iter().all(|s| s["count"] == 0),
        "anyone learns no counts"
    );
    let p = call(&app, token, "setup_progress", json!({}));
    let counts: Vec<u64> =
        p["steps"].as_array().unwrap().iter().map(|s| s["count"].as_u64().unwrap()).collect();
    assert_eq!(counts, [1, 2, 1, 1, 80, 2, 2, 1], "store, people, stations, boxes, bins, ...");
    assert_eq!(p["open"], true, "open until the manager says done");
    let p = call(&app, &picker, "setup_progress", json!({}));
    assert!(p["steps"].as_array().unwrap().iter().all(|s| s["count"] == 0), "nor does a picker");

    let finished = call(&app, token, "finish_setup", json!({}));
    assert_eq!(finished["open"], false);
    assert_eq!(progress(&app)["open"], false);
    // The order came in paid and was reserved from the opening stock, ready to pick.
    let order = call(&app, token, "get_order", json!({"number": "1001"}));
    assert_eq!(order["status"], "allocated", "{order}");
}

#[test]
fn counting_later_counts_as_opening_stock_under_way() {
    let (_db, app) = fresh();
    let session = app.call(ANYONE, "create_first_manager", first_manager("4321")).unwrap();
    let token = session["token"].as_str().unwrap();
    let small = call(&app, token, "layout_templates", json!({}))[0]["layout"].clone();
    call(&app, token, "setup_layout", json!({"layout": small}));
    assert!(!done(&progress(&app)).contains(&"stock"));
    let raised =
        call(&app, token, "create_counts", json!({"prefix": "A", "reason": "opening stock"}));
    assert_eq!(raised["created"].as_array().unwrap().len(), 80);
    let p = progress(&app);
    assert!(done(&p).contains(&"stock"), "{p}");
}

#[test]
fn the_demo_is_never_walked_through_setting_up() {
    let (_db, app) = fresh();
    app.call(ANYONE, "load_demo", json!({})).unwrap();
    let p = progress(&app);
    assert_eq!(p["open"], false, "{p}");
    let err = app.call(ANYONE, "create_first_manager", first_manager("4321")).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
}

#[test]
fn a_warehouse_built_without_people_is_set_up_from_its_first_manager() {
    let (_db, app) = fresh();
    // Stations and products from the command line, but nobody to sign in as.
    app.call(Caller::Local, "save_station", json!({"name": "Office", "printer": "Laser"})).unwrap();
    app.call(Caller::Local, "import_csv", json!({"table": "products", "csv": PRODUCTS})).unwrap();
    let p = progress(&app);
    assert_eq!((p["open"].as_bool(), p["next"].as_str()), (Some(true), Some("store")));
    let session = app.call(ANYONE, "create_first_manager", first_manager("4321")).unwrap();
    assert_eq!(session["station"], "Office");
    let stations = app.call(ANYONE, "list_stations", json!({})).unwrap();
    assert_eq!(
        stations,
        json!([{
            "name": "Office",
            "scale": null,
            "printer": "Laser",
            "scale_at": "host",
            "printer_at": "host"
        }]),
        "kept as it was"
    );
}

#[test]
fn a_store_that_asks_managers_for_badge_and_pin_gets_its_first_manager_signed_in_with_both() {
    let (_db, app) = fresh();
    let mut settings = app.call(Caller::Local, "get_settings", json!({})).unwrap();
    settings["security"]["managers_need_badge_and_pin"] = json!(true);
    app.call(Caller::Local, "save_settings", settings).unwrap();
    let no_badge = json!({"name": "Mara", "pin": "4321", "station": "Office"});
    let err = app.call(ANYONE, "create_first_manager", no_badge).unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid, "{err}");
    assert_eq!(count(&app, "operators"), 0, "the refusal left nobody behind");
    let session = app.call(ANYONE, "create_first_manager", first_manager("4321")).unwrap();
    assert_eq!(session["operator"]["badge"], "MGR-1");
}
