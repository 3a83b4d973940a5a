use std::collections::BTreeSet;

use backroom_api::{Caller, ErrorCode};
use serde_json::{Value, json};

use crate::support::{self, Warehouse};

/// Twelve allocated orders of one mug each, from bins spread over the four aisles.
fn many_allocated_orders() -> Warehouse {
    let w = support::warehouse();
    for aisle in 1..=4 {
        support::receive(&w, "MUG-1", &format!("A0{aisle}-1-01-L"), 3);
    }
    for n in 0..12 {
        support::order(&w, &format!("30{n:02}"), &[("MUG-1", 1)]);
    }
    w.local("release_new_orders", json!({}));
    w.local("allocate", json!({}));
    let allocated = w.local("list_orders", json!({"status": "allocated", "limit": 100}));
    assert_eq!(allocated["total"], 12, "{allocated}");
    w
}

fn call(w: &Warehouse, token: &str, name: &str, req: Value) -> Value {
    w.app.call(Caller::Session(Some(token)), name, req).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn open_lists(w: &Warehouse) -> Vec<Value> {
    w.local("list_pick_lists", json!({})).as_array().unwrap().clone()
}

fn numbers(list: &Value) -> BTreeSet<String> {
    list["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["number"].as_str().unwrap().into())
        .collect()
}

#[test]
fn a_picker_takes_one_cart_and_gets_the_same_list_back_until_it_is_done() {
    let w = many_allocated_orders();
    let pat = w.sign_in("Pick 1", "OP-PICK");

    let taken = call(&w, &pat, "take_pick_list", json!({"totes": 4}));
    let lists = open_lists(&w);
    assert_eq!(lists.len(), 1, "one key press, one list: {lists:?}");
    assert_eq!(lists[0]["id"], taken["summary"]["id"]);
    assert_eq!(taken["summary"]["taken_by"], "Pat Picker");
    let orders = taken["summary"]["orders"].as_u64().unwrap();
    assert!((1..=4).contains(&orders), "at most a cart of four totes: {taken}");
    assert!(!taken["stops"].as_array().unwrap().is_empty(), "{taken}");

    let again = call(&w, &pat, "take_pick_list", json!({"totes": 4}));
    assert_eq!(again["summary"]["id"], taken["summary"]["id"], "the open list comes back");
    assert_eq!(open_lists(&w).len(), 1);
}

#[test]
fn a_second_picker_gets_another_list_and_no_order_rides_on_two() {
    let w = many_allocated_orders();
    w.local("save_operator", json!({"name": "Sam Second", "role": "picker", "badge": "OP-PICK2"}));
    let pat = w.sign_in("Pick 1", "OP-PICK");
    let sam = w.sign_in("Pick 1", "OP-PICK2");

    let first = call(&w, &pat, "take_pick_list", json!({"totes": 5}));
    let second = call(&w, &sam, "take_pick_list", json!({"totes": 5}));
    assert_ne!(first["summary"]["id"], second["summary"]["id"]);
    assert_eq!(second["summary"]["taken_by"], "Sam Second");
    let (a, b) = (numbers(&first), numbers(&second));
    assert!(!a.is_empty() && a.len() <= 5 && !b.is_empty() && b.len() <= 5, "{a:?} {b:?}");
    assert!(a.is_disjoint(&b), "{a:?} and {b:?} share an order");
}

#[test]
fn a_list_of_the_managers_wave_is_taken_before_a_new_one_is_planned() {
    let w = many_allocated_orders();
    let max = w.sign_in("Pick 1", "OP-MGR");
    let wave = call(&w, &max, "plan_pick_lists", json!({"totes": 6}));
    let planned: Vec<i64> =
        wave["lists"].as_array().unwrap().iter().map(|l| l["id"].as_i64().unwrap()).collect();
    assert!(planned.len() >= 2, "twelve orders need two carts of six at least: {wave}");
    assert!(wave["lists"].as_array().unwrap().iter().all(|l| l["taken_by"].is_null()));

    let pat = w.sign_in("Pick 1", "OP-PICK");
    let taken = call(&w, &pat, "take_pick_list", json!({}));
    assert_eq!(taken["summary"]["id"].as_i64(), Some(planned[0]), "the oldest waiting list");
    assert_eq!(taken["summary"]["taken_by"], "Pat Picker");
    assert_eq!(open_lists(&w).len(), planned.len(), "no new list while one was waiting");
}

#[test]
fn a_picker_may_not_plan_a_wave_and_is_told_when_nothing_is_waiting() {
    let w = many_allocated_orders();
    let pat = w.sign_in("Pick 1", "OP-PICK");
    let err = w
        .app
        .call(Caller::Session(Some(&pat)), "plan_pick_lists", json!({"totes": 4}))
        .unwrap_err();
    assert_eq!((err.code, err.code.http_status()), (ErrorCode::Forbidden, 403));
    assert!(open_lists(&w).is_empty());

    // Take a list, pick it to the end, take the next, until every order is picked.
    let mut picked = BTreeSet::new();
    for _ in 0..12 {
        let Ok(taken) = w.app.call(Caller::Session(Some(&pat)), "take_pick_list", json!({})) else {
            break;
        };
        let fresh = numbers(&taken);
        assert!(picked.is_disjoint(&fresh), "an order came back on a second list");
        picked.extend(fresh);
        for stop in taken["stops"].as_array().unwrap() {
            call(
                &w,
                &pat,
                "pick",
                json!({"order": stop["order"], "product": stop["sku"], "bin": stop["bin"], "qty": stop["qty"]}),
            );
        }
    }
    assert_eq!(picked.len(), 12, "{picked:?}");
    let err = w.app.call(Caller::Session(Some(&pat)), "take_pick_list", json!({})).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert_eq!(err.message, "nothing to pick: no allocated order is waiting");
}
