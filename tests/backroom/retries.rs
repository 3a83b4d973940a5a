//! A station that lost a write's reply sends it again with the same request id, and the write
//! is applied once: the retry gets the first reply, across a restart of the server too.

use backroom_api::testing::TestDatabase;
use backroom_api::{Caller, ErrorCode};
use serde_json::{Value, json};

use crate::concurrency::{Client, Hosted, Server, db_check, heavy_test};
use crate::support::{self, Warehouse};

const BIN: &str = "A01-1-01-L";

/// The small warehouse with five mugs in a bin and order 1001 for two of them, reserved there.
fn order_to_pick() -> Warehouse {
    let w = support::warehouse();
    support::receive(&w, "MUG-1", BIN, 5);
    support::order(&w, "1001", &[("MUG-1", 2)]);
    w
}

fn pick_one() -> Value {
    json!({"order": "1001", "product": "MUG-1", "bin": BIN, "qty": 1})
}

fn pick_movements(db: &TestDatabase) -> i64 {
    db.query_row("SELECT count(*) FROM movements WHERE kind = 'pick'", [], |r| r.get(0)).unwrap()
}

fn ledger_ok(w: &Warehouse) {
    let report = w.local("check_ledger", json!({}));
    assert_eq!(report["ok"], true, "{report}");
}

#[test]
fn a_pick_sent_again_with_its_request_id_is_picked_once_and_answered_the_same() {
    let w = order_to_pick();
    let token = w.sign_in("Pick 1", "1111");
    let picker = Caller::Session(Some(&token));
    let first = w.app.call_once(picker, "pick", pick_one(), Some("7f3a-1")).unwrap();
    assert_eq!((&first["picked"], &first["left_to_pick"]), (&json!(1), &json!(1)), "{first}");
    let again = w.app.call_once(picker, "pick", pick_one(), Some("7f3a-1")).unwrap();
    assert_eq!(again, first);
    assert_eq!(pick_movements(&w.db), 1);
    // A new id is a new pick.
    let second = w.app.call_once(picker, "pick", pick_one(), Some("7f3a-2")).unwrap();
    assert_eq!(second["left_to_pick"], 0, "{second}");
    assert_eq!(pick_movements(&w.db), 2);
    ledger_ok(&w);
}

#[test]
fn the_same_request_id_with_another_request_is_refused_and_changes_nothing() {
    let w = order_to_pick();
    let token = w.sign_in("Pick 1", "1111");
    let picker = Caller::Session(Some(&token));
    w.app.call_once(picker, "pick", pick_one(), Some("id-1")).unwrap();
    let two = json!({"order": "1001", "product": "MUG-1", "bin": BIN, "qty": 2});
    let other_body = w.app.call_once(picker, "pick", two, Some("id-1")).unwrap_err();
    assert_eq!(other_body.code, ErrorCode::Conflict, "{other_body}");
    let report = json!({"order": "1001", "product": "MUG-1", "bin": BIN, "found": 0});
    let other_command = w.app.call_once(picker, "report_short", report, Some("id-1")).unwrap_err();
    assert_eq!(other_command.code, ErrorCode::Conflict, "{other_command}");
    assert_eq!(pick_movements(&w.db), 1);
    ledger_ok(&w);
}

#[test]
fn another_station_using_the_same_request_id_is_its_own_request() {
    let w = order_to_pick();
    let at_pick = w.sign_in("Pick 1", "1111");
    let at_pack = w.sign_in("Pack 1", "1111");
    let first = w.app.call_once(Caller::Session(Some(&at_pick)), "pick", pick_one(), Some("x"));
    let second = w.app.call_once(Caller::Session(Some(&at_pack)), "pick", pick_one(), Some("x"));
    assert_eq!(first.unwrap()["left_to_pick"], 1);
    assert_eq!(second.unwrap()["left_to_pick"], 0);
    assert_eq!(pick_movements(&w.db), 2);
}

#[test]
fn a_refused_write_keeps_no_reply_so_its_retry_runs_again() {
    let w = support::warehouse();
    let receive = json!({"product": "CAP-1", "qty": 4, "to": "RECEIVING"});
    let refused = w.app.call_once(Caller::Local, "receive", receive.clone(), Some("r-1"));
    assert_eq!(refused.unwrap_err().code, ErrorCode::NotFound);
    w.local("save_product", json!({"sku": "CAP-1", "name": "Cap", "price_cents": 900}));
    let received = w.app.call_once(Caller::Local, "receive", receive.clone(), Some("r-1")).unwrap();
    let again = w.app.call_once(Caller::Local, "receive", receive, Some("r-1")).unwrap();
    assert_eq!(again, received);
    assert_eq!(w.on_hand("CAP-1"), 4);
}

#[test]
fn a_pick_replayed_after_the_server_restarts_is_answered_not_picked_again() {
    let _turn = heavy_test();
    let hosted = Hosted::new(order_to_pick());
    let mut server = Server::start(&hosted);
    let mut picker = Client::sign_in(&server.addr, "Pick 1", "1111");
    let token = picker.token().unwrap().to_owned();
    let key = [("Idempotency-Key", "5e1d0c8a-station-pick-1")];
    let (status, first) = picker.post_with("pick", &pick_one(), &key).unwrap();
    assert_eq!(status, 200, "{first}");
    // The reply is lost and the server goes down hard; the station sends the pick again to the
    // restarted server.
    server.kill();
    let mut server = Server::start(&hosted);
    let mut picker = Client::with_token(&server.addr, &token);
    let (status, again) = picker.post_with("pick", &pick_one(), &key).unwrap();
    assert_eq!((status, &again), (200, &first));
    // `X-Request-Id` carries the same id.
    let (status, again) =
        picker.post_with("pick", &pick_one(), &[("X-Request-Id", key[0].1)]).unwrap();
    assert_eq!((status, &again), (200, &first));
    let two = json!({"order": "1001", "product": "MUG-1", "bin": BIN, "qty": 2});
    let (status, refused) = picker.post_with("pick", &two, &key).unwrap();
    assert_eq!((status, &refused["code"]), (409, &json!("conflict")), "{refused}");
    assert!(refused["message"].as_str().is_some_and(|m| !m.is_empty()), "{refused}");
    let (status, refused) =
        picker.post_with("pick", &pick_one(), &[("Idempotency-Key", " ")]).unwrap();
    assert_eq!((status, &refused["code"]), (400, &json!("bad_request")), "{refused}");
    server.kill();
    assert_eq!(pick_movements(&hosted.db), 1, "one pick, however often it was sent");
    let (ok, out) = db_check(&hosted);
    assert!(ok, "backroom db check failed:\n{out}\nserver log:\n{}", server.log());
}
