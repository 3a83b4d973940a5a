//! The manager's screens for people and stations, through their commands: switching an
//! operator off ends their sessions and refuses their badge and PIN; a new PIN replaces the old;
//! the scale simulator is found on its pseudo-terminal and, once a station names it while the
//! server runs, watched. Every wait has a deadline only so that a broken build fails instead of
//! hanging.

use std::time::{Duration, Instant};

use backroom_api::{Caller, ErrorCode};
use serde_json::{Value, json};

use crate::concurrency::{Client, Hosted, Server};
use crate::scales::{DEADLINE, Sim};
use crate::support::{self, Warehouse};

fn call(w: &Warehouse, token: &str, name: &str, req: Value) -> Result<Value, ErrorCode> {
    w.app.call(Caller::Session(Some(token)), name, req).map_err(|e| e.code)
}

fn operator_id(w: &Warehouse, name: &str) -> i64 {
    let all = w.local("list_operators", json!({}));
    let found = all.as_array().unwrap().iter().find(|o| o["name"] == name);
    found.unwrap_or_else(|| panic!("no operator {name} in {all}"))["id"].as_i64().unwrap()
}

#[test]
fn the_device_commands_are_a_managers() {
    let w = support::warehouse();
    let packer = w.sign_in("Pack 1", "OP-PACK");
    let manager = w.sign_in("Pick 1", "OP-MGR");
    let requests = [
        ("list_scale_ports", json!({})),
        ("detect_scale", json!({"port": "/dev/backroom-no-such-port"})),
        ("read_station_scale", json!({"station": "Pack 1"})),
        ("list_printers", json!({})),
        ("print_test_page", json!({"station": "Pack 1"})),
    ];
    for (name, req) in &requests {
        assert_eq!(
            call(&w, &packer, name, req.clone()).err(),
            Some(ErrorCode::Forbidden),
            "{name}"
        );
    }
    // What the manager gets without devices: the station's scale is not watched in-process,
    // and a port that does not exist is refused, saying so.
    let seen = call(&w, &manager, "read_station_scale", json!({"station": "Pack 1"})).unwrap();
    assert_eq!(seen, json!({"station": "Pack 1", "status": null, "weight_unit": "g"}));
    let missing = w.app.call(
        Caller::Session(Some(&manager)),
        "detect_scale",
        json!({"port": "/dev/backroom-no-such-port"}),
    );
    let error = missing.unwrap_err();
    assert_eq!(error.code, ErrorCode::Conflict);
    assert!(error.message.contains("/dev/backroom-no-such-port"), "{}", error.message);
    let unknown = call(&w, &manager, "read_station_scale", json!({"station": "Dock 9"}));
    assert_eq!(unknown.err(), Some(ErrorCode::NotFound));
    let printers = call(&w, &manager, "list_printers", json!({})).unwrap();
    assert!(printers["queues"].is_array(), "{printers}");
}

#[test]
fn a_test_page_needs_a_known_station_and_a_queue() {
    let w = support::warehouse();
    let manager = w.sign_in("Pick 1", "OP-MGR");
    let page = |req: Value| w.app.call(Caller::Session(Some(&manager)), "print_test_page", req);
    assert_eq!(page(json!({"station": "Dock 9"})).unwrap_err().code, ErrorCode::NotFound);
    let none = page(json!({"station": "Pick 1"})).unwrap_err();
    assert_eq!(none.code, ErrorCode::Invalid);
    assert!(none.message.contains("Pick 1 has no printer"), "{}", none.message);
    // A queue CUPS does not have, or CUPS not running here: refused, never a server error.
    let refused = page(json!({"station": "Pick 1", "printer": "Backroom-no-such-queue"}));
    let refused = refused.unwrap_err();
    assert!(matches!(refused.code, ErrorCode::NotFound | ErrorCode::Conflict), "{refused:?}");
}

#[test]
fn switching_an_operator_off_ends_their_sessions_and_refuses_their_badge_and_pin() {
    let w = support::warehouse();
    let manager = w.sign_in("Pick 1", "OP-MGR");
    let packer = w.sign_in("Pack 1", "OP-PACK");
    let id = operator_id(&w, "Pia Packer");
    assert!(call(&w, &packer, "whoami", json!({})).is_ok());

    let off = json!({"id": id, "name": "Pia Packer", "role": "packer", "badge": "OP-PACK",
                     "active": false});
    let saved = call(&w, &manager, "save_operator", off).unwrap();
    assert_eq!(saved["active"], false);
    assert_eq!(call(&w, &packer, "whoami", json!({})).err(), Some(ErrorCode::NotSignedIn));
    for credential in ["OP-PACK", "2222"] {
        let again = w.app.call(
            Caller::Local,
            "sign_in",
            json!({"station": "Pack 1", "credential": credential}),
        );
        assert_eq!(again.unwrap_err().code, ErrorCode::NotSignedIn, "{credential}");
    }

    // Switched back on with a new PIN: the badge works again, the old PIN does not.
    let on = json!({"id": id, "name": "Pia Packer", "role": "packer", "badge": "OP-PACK",
                    "pin": "5678", "active": true});
    call(&w, &manager, "save_operator", on).unwrap();
    w.sign_in("Pack 1", "OP-PACK");
    w.sign_in("Pack 1", "5678");
    let old =
        w.app.call(Caller::Local, "sign_in", json!({"station": "Pack 1", "credential": "2222"}));
    assert_eq!(old.unwrap_err().code, ErrorCode::NotSignedIn);
}

#[test]
fn no_change_leaves_the_warehouse_without_an_active_manager() {
    let w = support::warehouse();
    let manager = w.sign_in("Pick 1", "OP-MGR");
    let id = operator_id(&w, "Max Manager");
    let me = |role: &str, active: bool| json!({"id": id, "name": "Max Manager", "role": role, "badge": "OP-MGR", "active": active});
    // Switching oneself off would end the screen doing it.
    assert_eq!(
        call(&w, &manager, "save_operator", me("manager", false)).err(),
        Some(ErrorCode::Conflict)
    );
    // The last manager can be neither switched off nor made a packer, by anyone.
    let local = |req| w.app.call(Caller::Local, "save_operator", req).map_err(|e| e.code);
    assert_eq!(local(me("manager", false)).err(), Some(ErrorCode::Conflict));
    assert_eq!(local(me("packer", true)).err(), Some(ErrorCode::Conflict));
    assert!(call(&w, &manager, "whoami", json!({})).is_ok(), "nothing was saved");

    // With a second manager, the first may step down.
    w.local("save_operator", json!({"name": "Mo Manager", "role": "manager", "pin": "7777"}));
    let other = w.sign_in("Pick 1", "7777");
    call(&w, &other, "save_operator", me("packer", true)).unwrap();
    assert_eq!(call(&w, &manager, "list_operators", json!({})).err(), Some(ErrorCode::Forbidden));
}

/// Asks for the station's scale until it shows a status passing `want`.
fn wait_reading(client: &mut Client, station: &str, want: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let seen = client.call("read_station_scale", &json!({"station": station}));
        if want(&seen["status"]) {
            return seen;
        }
        assert!(Instant::now() < deadline, "{station}'s scale never showed it; last: {seen}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_scale_found_on_a_port_is_watched_once_a_station_names_it_while_serving() {
    let mut sim = Sim::start(&["--protocol", "mt-sics", "--unit", "g", "--weight", "1250"]);
    let w = support::warehouse();
    let hosted = Hosted::new(w);
    let server = Server::start(&hosted);
    let mut manager = Client::sign_in(&server.addr, "Pick 1", "OP-MGR");

    let found = manager.call("detect_scale", &json!({"port": sim.device}));
    assert_eq!(found["settings"]["protocol"], "mt-sics", "{found}");
    assert_eq!(found["settings"]["port"], sim.device.as_str());
    assert_eq!(found["status"]["grams"], 1250.0, "{found}");
    assert_eq!(found["watched_by"], Value::Null);

    // Saved while the server runs: its watcher picks the new settings up.
    let station = json!({"name": "Pack 2", "scale": found["settings"], "printer": null});
    manager.call("save_station", &station);
    wait_reading(&mut manager, "Pack 2", |s| s["state"] == "stable" && s["grams"] == 1250.0);
    sim.control("weight 865");
    wait_reading(&mut manager, "Pack 2", |s| s["state"] == "stable" && s["grams"] == 865.0);

    // The port is Pack 2's now: finding it again asks the station's monitor, not the port.
    let again = manager.call("detect_scale", &json!({"port": sim.device}));
    assert_eq!(again["watched_by"], "Pack 2", "{again}");
    assert_eq!(again["settings"], found["settings"]);
    assert_eq!(again["status"]["grams"], 865.0, "{again}");
    let ports = manager.call("list_scale_ports", &json!({}));
    assert!(ports.is_array(), "{ports}");

    // Taking the scale off the station stops its watch.
    manager.call("save_station", &json!({"name": "Pack 2"}));
    wait_reading(&mut manager, "Pack 2", Value::is_null);
    assert!(!server.log().contains("panicked"), "{}", server.log());
}
