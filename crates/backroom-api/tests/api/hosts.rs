//! Two hosts (two `App`s, as two `backroom serve` processes would be) on one PostgreSQL
//! database: each hears the events the other commits, once, and its own once.

use std::time::{Duration, Instant};

use backroom_api::Event;
use backroom_api::testing::TestDatabase;
use serde_json::json;
use tokio::sync::broadcast::Receiver;

use crate::common::Warehouse;

/// Every event `heard` receives until `quiet` passes with nothing new, or `most` in all.
fn events_within(heard: &mut Receiver<Event>, most: Duration, quiet: Duration) -> Vec<Event> {
    let deadline = Instant::now() + most;
    let mut last = Instant::now();
    let mut events = Vec::new();
    while Instant::now() < deadline && last.elapsed() < quiet {
        match heard.try_recv() {
            Ok(event) => {
                events.push(event);
                last = Instant::now();
            }
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    events
}

fn products_changed(events: &[Event]) -> usize {
    let changed = Event::DataChanged { what: backroom_api::Changed::Products };
    events.iter().filter(|e| **e == changed).count()
}

#[test]
fn what_one_host_commits_the_other_hears_once() {
    if !TestDatabase::on_postgres() {
        eprintln!("skipped on SQLite: hosts share events only through PostgreSQL");
        return;
    }
    let w = Warehouse::with_floor();
    let other = w.db.open();
    let (mut heard_here, mut heard_there) = (w.app.subscribe(), other.subscribe());

    w.local("save_product", json!({"sku": "HOST-1", "name": "Heard everywhere"}));
    let there = events_within(&mut heard_there, Duration::from_secs(10), Duration::from_secs(2));
    let here = events_within(&mut heard_here, Duration::from_secs(1), Duration::from_millis(500));
    assert_eq!(products_changed(&there), 1, "the other host: {there:?}");
    assert_eq!(products_changed(&here), 1, "this host, once: {here:?}");

    // And the other way: stock received at the other host reaches this one.
    other
        .call(
            backroom_api::Caller::Local,
            "receive",
            json!({"product": "HOST-1", "to": "RECEIVING", "qty": 3}),
        )
        .unwrap();
    let here = events_within(&mut heard_here, Duration::from_secs(10), Duration::from_secs(2));
    let stock = Event::StockChanged { skus: vec!["HOST-1".into()] };
    assert_eq!(here.iter().filter(|e| **e == stock).count(), 1, "{here:?}");
}

#[test]
fn a_rolled_back_write_announces_nothing() {
    if !TestDatabase::on_postgres() {
        eprintln!("skipped on SQLite: hosts share events only through PostgreSQL");
        return;
    }
    let w = Warehouse::with_floor();
    let other = w.db.open();
    let mut heard_there = other.subscribe();
    // Receiving into a bin that does not exist is refused, and its transaction rolled back.
    w.local("save_product", json!({"sku": "HOST-2", "name": "Refused"}));
    let refused = w.app.call(
        backroom_api::Caller::Local,
        "receive",
        json!({"product": "HOST-2", "to": "NOWHERE", "qty": 3}),
    );
    assert!(refused.is_err());
    let there = events_within(&mut heard_there, Duration::from_secs(10), Duration::from_secs(2));
    assert_eq!(products_changed(&there), 1, "{there:?}");
    assert!(!there.iter().any(|e| matches!(e, Event::StockChanged { .. })), "{there:?}");
}
