use backroom_api::{App, Caller};
use serde_json::json;

use crate::support::{self, receive};

#[test]
fn movements_move_stock_and_are_listed_with_who_and_where() {
    let w = support::warehouse();
    receive(&w, "MUG-1", "RECEIVING", 10);
    let token = w.sign_in("Pick 1", "OP-MGR");
    let moved = w
        .app
        .call(
            Caller::Session(Some(&token)),
            "record_movement",
            json!({"kind": "transfer", "product": "036000291452", "qty": 4, "from": "RECEIVING",
                   "to": "a1-1-2-l", "reason": "restock the pick face"}),
        )
        .unwrap();
    assert_eq!(moved["to"], "A01-1-02-L", "bin codes are read in any case and padding");
    assert_eq!(moved["reason"], "restock the pick face");
    assert_eq!(moved["operator"], "Max Manager");
    assert_eq!(moved["station"], "Pick 1");
    let found = w.local("lookup_product", json!({"code": "MUG-1"}));
    assert_eq!(found["totals"], json!({"on_hand": 10, "reserved": 0, "available": 4}));
    let listed = w.local("list_movements", json!({"location": "RECEIVING"}));
    let kinds: Vec<&str> =
        listed.as_array().unwrap().iter().map(|m| m["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["transfer", "receipt"], "newest first");
}

#[test]
fn a_movement_that_would_go_below_zero_is_refused_and_leaves_nothing() {
    let w = support::warehouse();
    receive(&w, "MUG-1", "A01-1-01-L", 3);
    let err = w
        .app
        .call(
            Caller::Local,
            "record_movement",
            json!({"kind": "transfer", "product": "MUG-1", "qty": 4,
            "from": "A01-1-01-L", "to": "A01-1-02-L", "reason": "consolidate"}),
        )
        .unwrap_err();
    assert_eq!(err.code, backroom_api::ErrorCode::Conflict);
    assert!(err.message.contains("holds only 3"), "{}", err.message);
    assert_eq!(w.local("list_movements", json!({"product": "MUG-1"})).as_array().unwrap().len(), 1);
    assert_eq!(w.on_hand("MUG-1"), 3);
}

#[test]
fn movements_need_the_right_ends_reasons_and_known_places() {
    let w = support::warehouse();
    let bad = [
        (
            json!({"kind": "adjustment", "product": "MUG-1", "qty": 1, "reason": "found"}),
            "destination",
        ),
        (
            json!({"kind": "adjustment", "product": "MUG-1", "qty": 0, "to": "RECEIVING",
                   "reason": "found"}),
            "from 1 to 1,000,000",
        ),
        (json!({"kind": "adjustment", "product": "MUG-1", "qty": 1, "to": "RECEIVING"}), "reason"),
        (
            json!({"kind": "adjustment", "product": "NOPE", "qty": 1, "to": "RECEIVING",
                   "reason": "found"}),
            "NOPE",
        ),
        (
            json!({"kind": "adjustment", "product": "MUG-1", "qty": 1, "to": "A09-1-01-L",
                   "reason": "found"}),
            "A09-1-01-L",
        ),
        // Receipts have their own command, which keeps expected receipts in step.
        (json!({"kind": "receipt", "product": "MUG-1", "qty": 1, "to": "RECEIVING"}), "receive"),
    ];
    for (req, needle) in bad {
        let err = w.app.call(Caller::Local, "record_movement", req.clone()).unwrap_err();
        assert!(err.message.contains(needle), "{req}: {}", err.message);
    }
    let bad_receipts = [
        (json!({"product": "MUG-1", "qty": 0, "to": "RECEIVING"}), "from 1 to 1,000,000"),
        (json!({"product": "NOPE", "qty": 1, "to": "RECEIVING"}), "NOPE"),
        (json!({"product": "MUG-1", "qty": 1, "to": "A09-1-01-L"}), "A09-1-01-L"),
        (json!({"product": "MUG-1", "qty": 1, "to": "PACKING"}), "receiving area"),
    ];
    for (req, needle) in bad_receipts {
        let err = w.app.call(Caller::Local, "receive", req.clone()).unwrap_err();
        assert!(err.message.contains(needle), "{req}: {}", err.message);
    }
    assert_eq!(w.local("check_ledger", json!({}))["movements"], 0);
}

#[test]
fn the_database_refuses_to_edit_or_delete_movements() {
    let w = support::warehouse();
    receive(&w, "MUG-1", "RECEIVING", 2);
    assert!(w.db.execute("UPDATE movements SET qty = 5", []).is_err());
    assert!(w.db.execute("DELETE FROM movements", []).is_err());
}

#[test]
fn check_ledger_finds_a_tampered_cache() {
    let w = support::warehouse();
    receive(&w, "MUG-1", "A01-1-01-L", 5);
    receive(&w, "TEE-M", "A01-1-02-L", 5);
    assert_eq!(w.local("check_ledger", json!({}))["ok"], true);
    w.db.execute("UPDATE stock SET on_hand = 7", []).unwrap();
    let report = w.local("check_ledger", json!({}));
    assert_eq!(report["ok"], false);
    let violations = report["violations"].as_array().unwrap();
    assert_eq!(violations.len(), 2, "every violation is listed: {report}");
    assert_eq!(violations[0]["kind"], "on_hand_mismatch");
    assert_eq!(violations[0]["cached"], 7);
    assert_eq!(violations[0]["from_movements"], 5);
}

/// Several stations moving the same stock at once, each through its own connection (as two
/// processes would): every movement that was accepted is recorded, none is lost, and no bin
/// ever goes below zero.
#[test]
fn many_stations_at_once_lose_no_movement() {
    let w = support::warehouse();
    receive(&w, "MUG-1", "A01-1-01-L", 100);
    let db = &w.db.location;
    let stations = 4;
    let tries_each = 40;
    let accepted: Vec<usize> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..stations)
            .map(|s| {
                scope.spawn(move || {
                    let app = App::open_at(db).unwrap();
                    let mut ok = 0;
                    for i in 0..tries_each {
                        // Everyone takes from the same bin into their own; 4 x 40 x 1 = 160 > 100,
                        // so some moves must be refused.
                        let to = format!("A0{}-2-0{}-R", s + 1, i % 5 + 1);
                        let result = app.call(
                            Caller::Local,
                            "record_movement",
                            json!({"kind": "transfer", "product": "MUG-1", "qty": 1,
                            "from": "A01-1-01-L", "to": to, "reason": "spread the stock"}),
                        );
                        match result {
                            Ok(_) => ok += 1,
                            Err(e) => assert_eq!(e.code, backroom_api::ErrorCode::Conflict, "{e}"),
                        }
                    }
                    ok
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let moved: usize = accepted.iter().sum();
    assert_eq!(moved, 100, "exactly the stock there was could move: {accepted:?}");
    let report = w.local("check_ledger", json!({}));
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["movements"], 1 + 100);
    let source = w.local("lookup_product", json!({"code": "MUG-1"}));
    assert_eq!(source["totals"]["on_hand"], 100);
    assert!(source["locations"].as_array().unwrap().iter().all(|l| l["location"] != "A01-1-01-L"));
}

#[test]
fn the_layout_grows_and_bins_keep_their_stock() {
    let w = support::warehouse();
    receive(&w, "MUG-1", "A04-2-05-R", 6);
    let mut bigger: serde_json::Value = serde_json::from_str(support::LAYOUT).unwrap();
    bigger["aisles"] = json!(6);
    let info = w.local("set_layout", json!({"layout": bigger}));
    assert_eq!(info["bins"], 6 * 2 * 5 * 2);
    assert_eq!(w.on_hand("MUG-1"), 6);
    let mut smaller: serde_json::Value = serde_json::from_str(support::LAYOUT).unwrap();
    smaller["aisles"] = json!(3);
    let err = w.app.call(Caller::Local, "set_layout", json!({"layout": smaller})).unwrap_err();
    assert!(err.message.contains("A04-2-05-R"), "{}", err.message);
    let mut bad: serde_json::Value = serde_json::from_str(support::LAYOUT).unwrap();
    bad["slot_length_m"] = json!(0);
    let err = w.app.call(Caller::Local, "set_layout", json!({"layout": bad})).unwrap_err();
    assert!(err.message.contains("slot_length_m"), "{}", err.message);
}
