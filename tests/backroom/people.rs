use backroom_api::{Caller, ErrorCode};
use serde_json::json;

use crate::support;

#[test]
fn operators_sign_in_by_badge_or_pin_and_commands_run_as_them() {
    let w = support::warehouse();
    let by_badge = w.local("sign_in", json!({"station": "Pack 1", "credential": "OP-PACK"}));
    assert_eq!(by_badge["operator"]["name"], "Pia Packer");
    let by_pin = w.local("sign_in", json!({"station": "Pick 1", "credential": "1111"}));
    assert_eq!(by_pin["operator"]["role"], "picker");
    let token = by_pin["token"].as_str().unwrap();
    let me = w.app.call(Caller::Session(Some(token)), "whoami", json!({})).unwrap();
    assert_eq!(
        (me["operator"]["name"].as_str(), me["station"].as_str()),
        (Some("Pat Picker"), Some("Pick 1"))
    );
    let err = w
        .app
        .call(Caller::Local, "sign_in", json!({"station": "Pick 1", "credential": "0000"}))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotSignedIn);
    w.app.call(Caller::Session(Some(token)), "sign_out", json!({})).unwrap();
    let err = w.app.call(Caller::Session(Some(token)), "whoami", json!({})).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotSignedIn, "a signed-out token is dead");
}

#[test]
fn a_picker_cannot_release_a_held_order_but_a_manager_can() {
    let w = support::warehouse();
    support::order(&w, "2001", &[("MUG-1", 2)]);
    w.local(
        "change_order_status",
        json!({"number": "2001", "to": "held", "reason": "address check"}),
    );
    let picker = w.sign_in("Pick 1", "OP-PICK");
    let err = w
        .app
        .call(
            Caller::Session(Some(&picker)),
            "change_order_status",
            json!({"number": "2001", "to": "released"}),
        )
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert!(err.message.contains("ask a manager"), "{}", err.message);
    let manager = w.sign_in("Pick 1", "OP-MGR");
    let order = w
        .app
        .call(
            Caller::Session(Some(&manager)),
            "change_order_status",
            json!({"number": "2001", "to": "released", "reason": "address confirmed"}),
        )
        .unwrap();
    // Nothing is in stock, so the released order waits with its whole quantity back-ordered.
    assert_eq!(order["status"], "released");
    assert_eq!(order["lines"][0]["backordered"], 2);
    let history = order["history"].as_array().unwrap();
    let steps: Vec<(&str, &str)> = history
        .iter()
        .map(|e| (e["from"].as_str().unwrap_or("-"), e["to"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps,
        [("-", "released"), ("released", "held"), ("held", "released")],
        "entered having passed screening, held, released"
    );
    let last = history.last().unwrap();
    assert_eq!(last["operator"], "Max Manager");
    assert_eq!(last["station"], "Pick 1");
    assert_eq!(last["reason"], "address confirmed");
    assert!(order["holds"].as_array().unwrap().is_empty());
}

#[test]
fn the_lifecycle_refuses_skipping_and_holds_need_a_reason() {
    let w = support::warehouse();
    support::order(&w, "2002", &[("MUG-1", 1)]);
    let err = w
        .app
        .call(Caller::Local, "change_order_status", json!({"number": "2002", "to": "shipped"}))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    let err = w
        .app
        .call(Caller::Local, "change_order_status", json!({"number": "2002", "to": "held"}))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid);
    w.local(
        "change_order_status",
        json!({"number": "2002", "to": "held", "reason": "fraud check"}),
    );
    let err = w
        .app
        .call(Caller::Local, "change_order_status", json!({"number": "2002", "to": "allocated"}))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(err.message.contains("held cannot be made allocated"), "{}", err.message);
}

#[test]
fn pins_are_unique_and_well_formed() {
    let w = support::warehouse();
    let err = w
        .app
        .call(
            Caller::Local,
            "save_operator",
            json!({"name": "Dup", "role": "picker", "pin": "1111"}),
        )
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    let err = w
        .app
        .call(
            Caller::Local,
            "save_operator",
            json!({"name": "Short", "role": "picker", "pin": "12"}),
        )
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid);
    let stored: String =
        w.db.query_row("SELECT pin_hash FROM operators WHERE badge = 'OP-PICK'", [], |r| r.get(0))
            .unwrap();
    assert!(!stored.contains("1111"), "PINs are stored hashed");
}

#[test]
fn two_sessions_of_one_operator_stay_apart() {
    let w = support::warehouse();
    let first = w.sign_in("Pick 1", "OP-PICK");
    let second = w.sign_in("Pick 1", "OP-PICK");
    let me = w.app.call(Caller::Session(Some(&first)), "whoami", json!({})).unwrap();
    assert_eq!(me["token"], first.as_str(), "whoami answers with the caller's own session");
    w.app.call(Caller::Session(Some(&first)), "sign_out", json!({})).unwrap();
    assert!(w.app.call(Caller::Session(Some(&first)), "whoami", json!({})).is_err());
    let still = w.app.call(Caller::Session(Some(&second)), "whoami", json!({})).unwrap();
    assert_eq!(
        still["token"],
        second.as_str(),
        "signing out one terminal leaves the other signed in"
    );
}
