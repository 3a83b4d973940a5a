//! What a careless or hostile caller can send, as each role: the ledger stays whole, the weight
//! audit cannot be skipped, and nobody acts beyond their role. Each test names the row of the
//! integrity review it covers.

use std::net::IpAddr;

use backroom_api::testing::TestDatabase;
use backroom_api::{ApiError, Caller, ErrorCode, commands};
use serde_json::{Value, json};

use crate::support::{self, Warehouse};

/// A warehouse with stock in two bins, a box, and a released order for two mugs.
fn stocked() -> Warehouse {
    let w = support::warehouse();
    w.local("receive", json!({"product": "MUG-1", "qty": 5, "to": "A01-1-01-L"}));
    w.local("receive", json!({"product": "TEE-M", "qty": 5, "to": "A01-1-02-L"}));
    w.local(
        "save_box",
        json!({"code": "BOX-S", "name": "Small", "tare_g": 150,
               "inner_mm": {"length": 300, "width": 200, "height": 150}}),
    );
    support::order(&w, "5036", &[("MUG-1", 2)]);
    w
}

fn call(w: &Warehouse, token: &str, name: &str, req: Value) -> Result<Value, ApiError> {
    w.app.call(Caller::Session(Some(token)), name, req)
}

fn ledger_is_clean(w: &Warehouse) {
    let report = w.local("check_ledger", json!({}));
    assert_eq!(report["ok"], true, "db check: {}", report["violations"]);
}

fn status(w: &Warehouse, number: &str) -> String {
    w.local("get_order", json!({"number": number}))["status"].as_str().unwrap().to_owned()
}

/// Picks the whole order as a picker, so it is `picked`.
fn pick_all(w: &Warehouse, number: &str) {
    let picker = w.sign_in("Pick 1", "OP-PICK");
    call(
        w,
        &picker,
        "pick",
        json!({"order": number, "product": "MUG-1", "bin": "A01-1-01-L", "qty": 2}),
    )
    .unwrap();
    assert_eq!(status(w, number), "picked");
}

// Row 1: an oversized quantity is refused, naming the field and the limit, and nothing breaks.
#[test]
fn an_oversized_quantity_is_refused_and_the_ledger_stays_readable() {
    let w = stocked();
    let picker = w.sign_in("Pick 1", "OP-PICK");
    for qty in [5_000_000_000_000_000_000_i64, i64::MAX, 1_000_001, 0, -3] {
        let err =
            call(&w, &picker, "receive", json!({"product": "MUG-1", "qty": qty})).unwrap_err();
        assert_eq!(err.code, ErrorCode::Invalid, "{qty}: {err}");
        assert!(err.message.contains("qty must be from 1 to 1,000,000 units"), "{}", err.message);
    }
    call(&w, &picker, "receive", json!({"product": "MUG-1", "qty": 1_000_000})).unwrap();
    // A quantity past i64 is not even a number the request can hold.
    let err = call(&w, &picker, "receive", json!({"product": "MUG-1", "qty": 1e30})).unwrap_err();
    assert_eq!(err.code, ErrorCode::BadRequest);
    assert_eq!(w.on_hand("MUG-1"), 1_000_005);
    w.local("stock_levels", json!({}));
    w.local("export_csv", json!({"table": "stock"}));
    ledger_is_clean(&w);
}

// Row 1, the backstop: the database itself refuses an out-of-range movement, and a ledger
// damaged before the bound existed is reported by `db check`, never an error.
#[test]
fn the_database_bounds_movements_and_db_check_reports_old_damage() {
    let w = stocked();
    let insert = "INSERT INTO movements (kind, product_id, qty, to_location_id, at)
                  SELECT 'receipt', p.id, ?1, l.id, '2026-01-01T00:00:00Z'
                  FROM products p, locations l WHERE p.sku = 'MUG-1' AND l.code = 'RECEIVING'";
    let err = w.db.execute(insert, [i64::MAX]).unwrap_err();
    assert!(err.to_string().contains("bound:movement_qty"), "{err}");
    // What an older Backroom let through: drop the bound, book two huge receipts, restore it.
    let bounds = [
        ("movements_qty_bound", "movements"),
        ("stock_on_hand_bound_insert", "stock"),
        ("stock_on_hand_bound_update", "stock"),
    ];
    for (trigger, table) in bounds {
        // PostgreSQL names a trigger within its table.
        let on = if TestDatabase::on_postgres() { format!(" ON {table}") } else { String::new() };
        w.db.execute(&format!("DROP TRIGGER {trigger}{on}"), []).unwrap();
    }
    w.db.execute(insert, [4_611_686_018_427_387_904_i64]).unwrap();
    let report = w.local("check_ledger", json!({}));
    assert_eq!(report["ok"], false);
    let kinds: Vec<&str> = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"quantity_out_of_range"), "{kinds:?}");
}

// Row 2: packing comes only from a weighing and shipping needs one.
#[test]
fn a_packer_cannot_skip_the_weight_audit() {
    let w = stocked();
    pick_all(&w, "5036");
    let packer = w.sign_in("Pack 1", "OP-PACK");
    let err = call(
        &w,
        &packer,
        "change_order_status",
        json!({"number": "5036", "to": "packed", "reason": "x"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict, "{err}");
    let err = call(&w, &packer, "ship_order", json!({"number": "5036"})).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert_eq!(status(&w, "5036"), "picked");
    // The real way: a weighing that passes packs it, and then it ships.
    let weighed = call(
        &w,
        &packer,
        "weigh",
        json!({"order": "5036", "box": "BOX-S", "grams": 860, "stable": true}),
    )
    .unwrap();
    assert_eq!(weighed["status"], "packed", "{weighed}");
    let shipped = call(&w, &packer, "ship_order", json!({"number": "5036"})).unwrap();
    assert_eq!(shipped["status"], "shipped");
    ledger_is_clean(&w);
}

// A barcode scanned into the weight field at a bench without a scale is no weighing: it is
// refused, nothing is logged, and the audit statistics never see it.
#[test]
fn a_barcode_typed_as_a_weight_is_refused_and_not_logged() {
    let w = stocked();
    pick_all(&w, "5036");
    let packer = w.sign_in("Pack 1", "OP-PACK");
    for grams in [7_600_007_004_389.0, 1e300, 20_000.0] {
        let err = call(
            &w,
            &packer,
            "weigh",
            json!({"order": "5036", "box": "BOX-S", "grams": grams, "stable": true}),
        )
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::Invalid, "{grams}: {err}");
    }
    let err = call(
        &w,
        &packer,
        "weigh",
        json!({"order": "5036", "box": "BOX-S", "grams": 7_600_007_004_389.0, "stable": true}),
    )
    .unwrap_err();
    assert!(err.message.contains("looks like a barcode"), "{err}");
    assert_eq!(w.local("list_weighings", json!({})).as_array().unwrap().len(), 0);
    // A real weight still gets its verdict, a wrong one included.
    let weighed = call(
        &w,
        &packer,
        "weigh",
        json!({"order": "5036", "box": "BOX-S", "grams": 1_200, "stable": true}),
    )
    .unwrap();
    assert_eq!(weighed["weighing"]["verdict"], "fail");
}

// Row 2: an order packed by hand (as an older Backroom allowed) does not ship unweighed,
// unless a manager turned the audit off, which is logged.
#[test]
fn an_order_packed_without_a_weighing_does_not_ship() {
    let w = stocked();
    pick_all(&w, "5036");
    w.db.execute("UPDATE orders SET status = 'packed' WHERE number = '5036'", []).unwrap();
    let packer = w.sign_in("Pack 1", "OP-PACK");
    let err = call(&w, &packer, "ship_order", json!({"number": "5036"})).unwrap_err();
    assert!(err.message.contains("has not passed its weight check"), "{}", err.message);

    let manager = w.sign_in("Pick 1", "OP-MGR");
    let mut settings = call(&w, &manager, "get_settings", json!({})).unwrap();
    assert_eq!(settings["security"]["ship_only_weighed"], true, "the audit is on by default");
    let err = call(&w, &packer, "save_settings", settings.clone()).unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    settings["security"]["ship_only_weighed"] = json!(false);
    call(&w, &manager, "save_settings", settings).unwrap();
    let (who, value): (String, String) = w
        .db
        .query_row(
            "SELECT o.name, c.value FROM settings_changes c JOIN operators o ON o.id = c.operator_id
             WHERE c.key = 'security' ORDER BY c.id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(who, "Max Manager");
    assert!(value.contains("\"ship_only_weighed\":false"), "{value}");
    call(&w, &packer, "ship_order", json!({"number": "5036"})).unwrap();
    ledger_is_clean(&w);
}

// Row 2: a picker cannot call an order picked with nothing picked.
#[test]
fn an_order_becomes_picked_only_by_its_picks() {
    let w = stocked();
    assert_eq!(status(&w, "5036"), "allocated");
    let picker = w.sign_in("Pick 1", "OP-PICK");
    for to in ["picking", "picked"] {
        let err = call(&w, &picker, "change_order_status", json!({"number": "5036", "to": to}))
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::Conflict, "{to}: {err}");
    }
    assert_eq!(status(&w, "5036"), "allocated");
    ledger_is_clean(&w);
}

// Row 3: raw movements are a manager's, and never go round reservations.
#[test]
fn raw_movements_are_for_managers_and_respect_reservations() {
    let w = stocked();
    let picker = w.sign_in("Pick 1", "OP-PICK");
    let err = call(
        &w,
        &picker,
        "record_movement",
        json!({"kind": "pick", "product": "MUG-1", "qty": 2, "from": "A01-1-01-L",
               "to": "PACKING", "reason": "x"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let packer = w.sign_in("Pack 1", "OP-PACK");
    let err = call(
        &w,
        &packer,
        "record_movement",
        json!({"kind": "ship", "product": "MUG-1", "qty": 1, "from": "A01-1-01-L", "reason": "x"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);

    let manager = w.sign_in("Pick 1", "OP-MGR");
    for kind in ["pick", "ship", "receipt", "return", "count"] {
        let err = call(
            &w,
            &manager,
            "record_movement",
            json!({"kind": kind, "product": "MUG-1", "qty": 1, "from": "A01-1-01-L",
                   "to": "PACKING", "reason": "x"}),
        )
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::Invalid, "{kind}: {err}");
    }
    // Five mugs in the bin, two promised to #5036: three may move, four may not.
    let move_mugs = |qty: i64| {
        call(
            &w,
            &manager,
            "record_movement",
            json!({"kind": "transfer", "product": "MUG-1", "qty": qty, "from": "A01-1-01-L",
                   "to": "A02-1-01-L", "reason": "reslot"}),
        )
    };
    assert_eq!(move_mugs(4).unwrap_err().code, ErrorCode::Conflict);
    move_mugs(3).unwrap();
    let scrap = call(
        &w,
        &manager,
        "record_movement",
        json!({"kind": "scrap", "product": "MUG-1", "qty": 1, "from": "A01-1-01-L",
               "reason": "damaged"}),
    );
    assert_eq!(scrap.unwrap_err().code, ErrorCode::Conflict, "the last two are promised");
    let no_reason = call(
        &w,
        &manager,
        "record_movement",
        json!({"kind": "transfer", "product": "MUG-1", "qty": 1, "from": "A02-1-01-L",
               "to": "A03-1-01-L"}),
    );
    assert_eq!(no_reason.unwrap_err().code, ErrorCode::Invalid);
    ledger_is_clean(&w);
}

// Row 4: the demo goes only into a brand-new database, never next to a real manager.
#[test]
fn the_demo_never_loads_into_a_warehouse_in_use() {
    let remote = Caller::Remote { token: None, address: "192.0.2.7".parse().unwrap() };
    let real_dir = tempfile::tempdir().unwrap();
    let real = TestDatabase::new(real_dir.path());
    let app = real.open();
    app.call(Caller::Local, "save_station", json!({"name": "Office"})).unwrap();
    app.call(
        Caller::Local,
        "save_operator",
        json!({"name": "Real Manager", "role": "manager", "pin": "4321"}),
    )
    .unwrap();
    let health = app.call(remote, "health", json!({})).unwrap();
    assert_eq!(health["empty"], false, "no first-start screen for a real warehouse");
    for caller in [remote, Caller::Session(None), Caller::Local] {
        let err = app.call(caller, "load_demo", json!({})).unwrap_err();
        assert_eq!(err.code, ErrorCode::Conflict, "{caller:?}");
    }
    let err = app
        .call(remote, "sign_in", json!({"station": "Office", "credential": "9999"}))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotSignedIn, "the demo's manager PIN is not there");

    let new_dir = tempfile::tempdir().unwrap();
    let new = TestDatabase::new(new_dir.path());
    let fresh = new.open();
    assert_eq!(fresh.call(remote, "health", json!({})).unwrap()["empty"], true);
    let demo = fresh.call(remote, "load_demo", json!({})).unwrap();
    assert!(demo["products"].as_u64().unwrap() > 0);
}

// Row 5: wrong PINs lock a station and an address out, even from the right PIN, and are logged.
#[test]
fn guessing_pins_locks_the_station_and_the_address_out() {
    let w = support::warehouse();
    let guesser: IpAddr = "192.0.2.66".parse().unwrap();
    let from = |address: IpAddr| Caller::Remote { token: None, address };
    let sign_in = |caller: Caller<'_>, station: &str, pin: &str| {
        w.app.call(caller, "sign_in", json!({"station": station, "credential": pin}))
    };
    for pin in ["0000", "0001", "0002", "0003", "0004"] {
        assert_eq!(sign_in(from(guesser), "Pick 1", pin).unwrap_err().code, ErrorCode::NotSignedIn);
    }
    let locked = sign_in(from(guesser), "Pick 1", "9999").unwrap_err();
    assert_eq!(locked.code, ErrorCode::LockedOut, "{locked}");
    assert!(locked.message.contains("try again in"), "{}", locked.message);
    // The same address at another station is still locked out ...
    let err = sign_in(from(guesser), "Pack 1", "2222").unwrap_err();
    assert_eq!(err.code, ErrorCode::LockedOut);
    // ... and so is the station, from another address or the desktop window.
    let err = sign_in(from("192.0.2.1".parse().unwrap()), "Pick 1", "1111").unwrap_err();
    assert_eq!(err.code, ErrorCode::LockedOut);
    let err = sign_in(Caller::Session(None), "Pick 1", "1111").unwrap_err();
    assert_eq!(err.code, ErrorCode::LockedOut);
    // Another station from another address signs in as usual.
    sign_in(from("192.0.2.1".parse().unwrap()), "Pack 1", "2222").unwrap();

    let (failed, station, address): (i64, String, String) =
        w.db.query_row(
            "SELECT count(*), max(s.name), max(a.address) FROM sign_in_attempts a
             JOIN stations s ON s.id = a.station_id WHERE a.ok = 0",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((failed, station.as_str(), address.as_str()), (5, "Pick 1", "192.0.2.66"));
}

// Row 5: a manager's approval at the bench is a credential too, and is locked out the same way.
#[test]
fn guessing_a_managers_approval_at_the_bench_is_locked_out() {
    let w = stocked();
    pick_all(&w, "5036");
    let packer = w.sign_in("Pack 1", "OP-PACK");
    call(
        &w,
        &packer,
        "weigh",
        json!({"order": "5036", "box": "BOX-S", "grams": 500, "stable": true}),
    )
    .unwrap();
    let approve = |manager: &str| {
        call(
            &w,
            &packer,
            "override_weighing",
            json!({"order": "5036", "reason": "checked by hand", "manager": manager}),
        )
    };
    for guess in ["1234", "2222", "OP-PACK", "0000", "4321"] {
        assert_eq!(approve(guess).unwrap_err().code, ErrorCode::Forbidden, "{guess}");
    }
    assert_eq!(approve("9999").unwrap_err().code, ErrorCode::LockedOut);
    assert_eq!(status(&w, "5036"), "picked");
}

// Row 5: a manager can require badge and PIN together for managers.
#[test]
fn managers_can_be_asked_for_badge_and_pin() {
    let w = support::warehouse();
    let mut settings = w.local("get_settings", json!({}));
    settings["security"]["managers_need_badge_and_pin"] = json!(true);
    w.local("save_settings", settings);
    let sign_in = |req: Value| w.app.call(Caller::Session(None), "sign_in", req);
    let err = sign_in(json!({"station": "Pick 1", "credential": "9999"})).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotSignedIn);
    assert!(err.message.contains("scan your badge first"), "{err}");
    let err = sign_in(json!({"station": "Pick 1", "credential": "OP-MGR"})).unwrap_err();
    assert_eq!(err.code, ErrorCode::PinNeeded, "the badge is right; the PIN is asked for");
    let err =
        sign_in(json!({"station": "Pick 1", "credential": "OP-MGR", "pin": "1111"})).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotSignedIn);
    let session =
        sign_in(json!({"station": "Pick 1", "credential": "OP-MGR", "pin": "9999"})).unwrap();
    assert_eq!(session["operator"]["role"], "manager");
    // Pickers and packers are not affected.
    sign_in(json!({"station": "Pick 1", "credential": "1111"})).unwrap();
}

// Row 8: a client's oversized text is a 400 naming the limit, never a 500.
#[test]
fn oversized_texts_are_refused_by_name() {
    let w = stocked();
    let picker = w.sign_in("Pick 1", "OP-PICK");
    let err =
        call(&w, &picker, "search_products", json!({"text": "%_".repeat(25_000)})).unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid);
    assert!(err.message.contains("text is 50000 characters long; the most is 2000"), "{err}");
    let err = call(&w, &picker, "search_products", json!({"text": "x".repeat(201)})).unwrap_err();
    assert!(err.message.contains("the most is 200"), "{err}");
    let err = call(&w, &picker, "list_orders", json!({"text": "x".repeat(300)})).unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid);
    let err = w
        .app
        .call(
            Caller::Local,
            "save_product",
            json!({"sku": "BIG", "name": "n".repeat(5000), "price_cents": 1}),
        )
        .unwrap_err();
    assert!(err.message.starts_with("name is 5000 characters long"), "{err}");
}

// Row 9: contact details leave the system only for managers.
#[test]
fn only_managers_see_customers_email_and_phone() {
    let w = stocked();
    let picker = w.sign_in("Pick 1", "OP-PICK");
    let export = call(&w, &picker, "export_csv", json!({"table": "orders"})).unwrap();
    let csv = export["csv"].as_str().unwrap();
    assert!(csv.contains("5036"), "{csv}");
    assert!(!csv.contains("ada@example.com"), "a picker's export has no email: {csv}");
    let order = call(&w, &picker, "get_order", json!({"number": "5036"})).unwrap();
    assert_eq!(order["customer"]["email"], "");
    assert_eq!(order["customer"]["name"], "Ada Lovelace", "the name is on the box anyway");
    let found = call(&w, &picker, "list_orders", json!({"text": "ada@example"})).unwrap();
    assert_eq!(found["total"], 0, "a picker cannot look customers up by email");

    let manager = w.sign_in("Pick 1", "OP-MGR");
    let export = call(&w, &manager, "export_csv", json!({"table": "orders"})).unwrap();
    assert!(export["csv"].as_str().unwrap().contains("ada@example.com"));
    let order = call(&w, &manager, "get_order", json!({"number": "5036"})).unwrap();
    assert_eq!(order["customer"]["email"], "ada@example.com");
}

/// Who may run each command, written out here rather than read from the command list, so a
/// change to an access rule must be made twice, on purpose.
fn expected_access(command: &str) -> &'static [&'static str] {
    const ANYONE: &[&str] = &["anonymous", "picker", "packer", "manager"];
    const FLOOR: &[&str] = &["picker", "packer", "manager"];
    const MANAGER: &[&str] = &["manager"];
    match command {
        "health" | "list_stations" | "sign_in" | "load_demo" => ANYONE,
        "setup_progress" | "create_first_manager" => ANYONE,
        "pair_station" => ANYONE,
        // A paired station's program, by its key alone: no operator's session opens them.
        "station_devices" | "report_scale_reading" | "take_print_job" | "finish_print_job" => &[],
        "finish_scale_key" => &[],
        "pick" | "report_short" | "take_pick_list" => &["picker", "manager"],
        "ship_order" | "close_manifest" | "weigh" | "override_weighing" => &["packer", "manager"],
        "list_operators"
        | "save_operator"
        | "save_station"
        | "create_pairing_code"
        | "revoke_station"
        | "list_paired_stations"
        | "save_product"
        | "set_product_image"
        | "images_to_fetch"
        | "record_image_fetch"
        | "set_layout"
        | "save_area"
        | "record_movement"
        | "check_ledger"
        | "create_order"
        | "list_holds"
        | "hold_order"
        | "release_order"
        | "release_new_orders"
        | "cancel_order"
        | "record_chargeback"
        | "allocate"
        | "expect_receipt"
        | "create_counts"
        | "decide_count"
        | "import_csv"
        | "get_settings"
        | "save_settings"
        | "save_box"
        | "fill_rates"
        | "fill_rate_orders"
        | "what_if"
        | "set_lead_time"
        | "dashboard"
        | "unweighed_products"
        | "map_unknown_line"
        | "layout_templates"
        | "setup_layout"
        | "finish_setup"
        | "save_import_mapping"
        | "list_import_mappings"
        | "list_scale_ports"
        | "detect_scale"
        | "read_station_scale"
        | "list_printers"
        | "plan_pick_lists"
        | "print_test_page" => MANAGER,
        // Badge labels are refused to the floor inside the command, by kind.
        "labels_pdf" | "print_labels" => FLOOR,
        "store_info" => FLOOR,
        "set_my_language" => FLOOR,
        _ => FLOOR,
    }
}

// Row 4 of "what to build": every command against every role.
#[test]
fn every_command_refuses_every_role_it_is_not_for() {
    let w = stocked();
    for info in commands::COMMANDS {
        let allowed = expected_access(info.name);
        for role in ["anonymous", "picker", "packer", "manager"] {
            let token = match role {
                "picker" => Some(w.sign_in("Pick 1", "OP-PICK")),
                "packer" => Some(w.sign_in("Pack 1", "OP-PACK")),
                "manager" => Some(w.sign_in("Pick 1", "OP-MGR")),
                _ => None,
            };
            // A request that names nothing real: the answer is either the access refusal or
            // whatever the command says about the request, never both.
            let result = w.app.call(Caller::Session(token.as_deref()), info.name, json!({}));
            let refused = matches!(
                &result,
                Err(e) if matches!(e.code, ErrorCode::Forbidden | ErrorCode::NotSignedIn)
            );
            assert_eq!(
                refused,
                !allowed.contains(&role),
                "{} as {role}: {:?}",
                info.name,
                result.map(|_| "ok")
            );
        }
    }
}

/// Puts an order straight into a status, as if the floor had worked it that far.
fn force_status(w: &Warehouse, number: &str, status: &str) {
    w.db.execute("UPDATE orders SET status = ?2 WHERE number = ?1", [number, status]).unwrap();
}

// Transitions: every (from, to, role) through `change_order_status`.
#[test]
fn every_manual_transition_for_every_role() {
    const STATUSES: [&str; 9] = [
        "new",
        "held",
        "released",
        "allocated",
        "picking",
        "picked",
        "packed",
        "shipped",
        "cancelled",
    ];
    // The only moves a person makes by hand, and who makes them (a manager may do all).
    let manual = |from: &str, to: &str| -> Option<&'static str> {
        match (from, to) {
            ("new" | "released" | "allocated" | "held", "held") => Some("manager"),
            ("new" | "held", "released") => Some("manager"),
            ("shipped" | "cancelled", "cancelled") => None,
            (_, "cancelled") => Some("manager"),
            ("picking", "allocated") => Some("picker"),
            _ => None,
        }
    };
    let w = support::warehouse();
    let mut n = 0;
    for from in STATUSES {
        for to in STATUSES {
            for role in ["picker", "packer", "manager"] {
                n += 1;
                let number = format!("T{n}");
                // Nothing is in stock, so no order holds a reservation whatever its status.
                support::order(&w, &number, &[("BOOK-9", 1)]);
                force_status(&w, &number, from);
                let token = match role {
                    "picker" => w.sign_in("Pick 1", "OP-PICK"),
                    "packer" => w.sign_in("Pack 1", "OP-PACK"),
                    _ => w.sign_in("Pick 1", "OP-MGR"),
                };
                let result = call(
                    &w,
                    &token,
                    "change_order_status",
                    json!({"number": number, "to": to, "reason": "table test"}),
                );
                let case = format!("{from} -> {to} as {role}");
                match (manual(from, to), result) {
                    (Some(who), Ok(order)) if who == role || role == "manager" => {
                        // A release with nothing in stock leaves the order released, waiting.
                        assert_eq!(order["status"], to, "{case}");
                    }
                    (Some(_), Err(e)) if e.code == ErrorCode::Forbidden => {
                        assert_ne!(role, "manager", "{case}");
                    }
                    (None, Err(e)) => assert_eq!(e.code, ErrorCode::Conflict, "{case}: {e}"),
                    (_, result) => panic!("{case}: {:?}", result.map(|o| o["status"].clone())),
                }
            }
        }
    }
    ledger_is_clean(&w);
}

/// A small seeded generator, so a failing sequence can be replayed.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

// "Done when": whatever a signed-in operator of any role sends, in any order, `db check` stays
// clean. Hundreds of calls drawn from the floor's commands, mostly aimed at work that is really
// waiting so that work gets done, with insane quantities, wrong bins, wrong roles and skipped
// steps among them.
#[test]
fn no_sequence_of_calls_by_any_role_breaks_the_ledger() {
    let w = stocked();
    let tokens = [
        w.sign_in("Pick 1", "OP-PICK"),
        w.sign_in("Pack 1", "OP-PACK"),
        w.sign_in("Pick 1", "OP-MGR"),
    ];
    let places = ["A01-1-01-L", "A01-1-02-L", "A02-1-01-L", "RECEIVING", "PACKING", "QUARANTINE"];
    let skus = ["MUG-1", "TEE-M", "BOOK-9", "NOPE"];
    let qtys = [1_i64, 1, 1, 1, 2, 2, 3, 5, 0, -1, 1_000_001, i64::MAX, i64::MIN];
    let kinds = ["transfer", "transfer", "adjustment", "scrap", "receipt", "pick", "ship", "count"];
    let statuses = ["held", "released", "allocated", "picking", "picked", "packed", "shipped"];
    let mut dice = Dice(0x5eed_1234_abcd);
    // Work that is really waiting, read straight from the database as another process would.
    let waiting = |sql: &str, dice: &mut Dice| -> Option<[String; 3]> {
        let rows: Vec<[String; 3]> =
            w.db.query_all(sql, [], |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?])).unwrap();
        (!rows.is_empty()).then(|| dice.pick(&rows).clone())
    };
    let reserved = "SELECT o.number, p.sku, l.code FROM reservations r
                    JOIN order_lines ol ON ol.id = r.order_line_id JOIN orders o ON o.id = ol.order_id
                    JOIN products p ON p.id = r.product_id JOIN locations l ON l.id = r.location_id";
    let picked = "SELECT number, '', '' FROM orders WHERE status = 'picked'";
    let packed = "SELECT number, '', '' FROM orders WHERE status = 'packed'";
    let any_order = "SELECT number, '', '' FROM orders";
    let mut accepted = std::collections::BTreeMap::<&str, u32>::new();
    for step in 0..800 {
        let token = dice.pick(&tokens).clone();
        let qty = *dice.pick(&qtys);
        let (sku, place, other) =
            (dice.pick(&skus).to_string(), dice.pick(&places).to_string(), *dice.pick(&places));
        let aimed = !dice.next().is_multiple_of(5);
        let target = |sql: &str, dice: &mut Dice| {
            let found = if aimed { waiting(sql, dice) } else { None };
            found.or_else(|| waiting(any_order, dice)).unwrap()
        };
        let (name, req) = match dice.next() % 12 {
            0 => {
                let lines = [
                    json!({"product": "MUG-1", "qty": 1 + step % 3}),
                    json!({"product": "TEE-M", "qty": 1}),
                ];
                (
                    "create_order",
                    json!({
                    "number": format!("R{step}"), "customer": {"name": "Ada"},
                    "payment_status": "paid", "lines": lines,
                    "ship_to": {"name": "Ada", "address1": "1 Main St", "city": "Springfield",
                                "postal_code": "12345", "country": "us"}}),
                )
            }
            1 if aimed => {
                let (sku, bin) =
                    [("MUG-1", "A01-1-01-L"), ("TEE-M", "A01-1-02-L"), ("MUG-1", "RECEIVING")]
                        [step % 3];
                ("receive", json!({"product": sku, "qty": 3, "to": bin}))
            }
            1 => ("receive", json!({"product": sku, "qty": qty, "to": place})),
            2 if aimed => (
                "put_away",
                json!({"product": "MUG-1", "qty": 1, "from": "RECEIVING", "to": "A02-1-01-L"}),
            ),
            2 => ("put_away", json!({"product": sku, "qty": qty, "from": other, "to": place})),
            3 if aimed => (
                "record_movement",
                json!({"kind": "transfer", "product": "MUG-1", "qty": 1, "from": "A01-1-01-L",
                       "to": "A02-1-01-L", "reason": "reslot"}),
            ),
            3 => {
                let (from, to) = match dice.next() % 3 {
                    0 => (Some(place), None),
                    1 => (None, Some(other)),
                    _ => (Some(place), Some(other)),
                };
                (
                    "record_movement",
                    json!({"kind": dice.pick(&kinds), "product": sku, "qty": qty,
                    "from": from, "to": to, "reason": "damaged"}),
                )
            }
            4 | 5 => {
                let [order, sku, bin] = target(reserved, &mut dice);
                let qty = if aimed { 1 } else { qty };
                ("pick", json!({"order": order, "product": sku, "bin": bin, "qty": qty}))
            }
            // A short pick freezes its bin until a count is approved, which would starve the rest
            // of the sequence: it is aimed at random bins only.
            6 => {
                let [order, ..] = target(any_order, &mut dice);
                (
                    "report_short",
                    json!({"order": order, "product": sku, "bin": place, "found": qty}),
                )
            }
            7 => {
                let [order, ..] = target(any_order, &mut dice);
                (
                    "change_order_status",
                    json!({"number": order, "to": dice.pick(&statuses), "reason": "sequence"}),
                )
            }
            8 | 9 => {
                // The right weight mostly, so packages pass; a wrong one sometimes.
                let [order, ..] = target(picked, &mut dice);
                let expected = w
                    .app
                    .call(Caller::Local, "expected_weight", json!({"order": order, "box": "BOX-S"}))
                    .map(|e| e["expected_g"].as_f64().unwrap_or(0.0))
                    .unwrap_or(0.0);
                let grams = if dice.next().is_multiple_of(4) { expected + 300.0 } else { expected };
                ("weigh", json!({"order": order, "box": "BOX-S", "grams": grams, "stable": true}))
            }
            10 => {
                let [order, ..] = target(packed, &mut dice);
                ("ship_order", json!({"number": order}))
            }
            _ => {
                let [order, ..] = target(any_order, &mut dice);
                match dice.next() % 3 {
                    0 => ("cancel_order", json!({"number": order, "reason": "sequence"})),
                    1 => (
                        "override_weighing",
                        json!({"order": order, "reason": "sequence", "manager": "OP-MGR"}),
                    ),
                    _ => ("allocate", json!({})),
                }
            }
        };
        let result = if name == "create_order" {
            w.app.call(Caller::Local, name, req.clone())
        } else {
            call(&w, &token, name, req.clone())
        };
        if result.is_ok() {
            *accepted.entry(name).or_default() += 1;
        }
        let report = w.local("check_ledger", json!({}));
        assert_eq!(report["ok"], true, "step {step}, {name} {req}: {}", report["violations"]);
    }
    // The sequence must have done real work of every kind, not only been refused.
    for name in ["receive", "put_away", "record_movement", "pick", "weigh", "ship_order"] {
        assert!(accepted.get(name).is_some_and(|n| *n > 3), "too few {name}: {accepted:?}");
    }
}

// Row 8: nothing a client sends is answered as a server failure. Every command gets the same
// hostile values in every commonly named field, as a manager (so access is not what refuses).
#[test]
fn no_command_answers_hostile_input_with_a_server_error() {
    let w = stocked();
    let manager = w.sign_in("Pick 1", "OP-MGR");
    let fields = [
        "number",
        "order",
        "orders",
        "product",
        "sku",
        "bin",
        "bins",
        "location",
        "station",
        "credential",
        "qty",
        "found",
        "text",
        "limit",
        "offset",
        "table",
        "code",
        "name",
        "kind",
        "from",
        "to",
        "reason",
        "box",
        "grams",
        "task",
        "id",
        "date",
        "days",
        "lines",
        "csv",
        "status",
        "prefix",
        "reference",
        "totes",
        "levels",
        "horizon_days",
        "period",
        "group",
    ];
    let values = [
        json!(-1),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(1e300),
        json!(""),
        json!("\0"),
        json!("💥".repeat(1_999)),
        json!("%_%_\\"),
        json!("' OR 1=1 --"),
        json!(null),
        json!([]),
        json!({}),
        json!([["A1"]]),
    ];
    for info in commands::COMMANDS {
        if matches!(info.name, "sign_out" | "load_demo") {
            continue;
        }
        for value in &values {
            let req: serde_json::Map<String, Value> =
                fields.iter().map(|f| (f.to_string(), value.clone())).collect();
            for req in [Value::Object(req), value.clone()] {
                let result = call(&w, &manager, info.name, req.clone());
                if let Err(e) = &result {
                    assert!(
                        !matches!(e.code, ErrorCode::Storage | ErrorCode::SchemaTooNew),
                        "{} with {}: {e}",
                        info.name,
                        backroom_core::limits::shorten(&req.to_string(), 120)
                    );
                }
            }
        }
    }
    ledger_is_clean(&w);
}
