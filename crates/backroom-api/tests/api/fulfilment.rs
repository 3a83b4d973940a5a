//! Orders from entry to shipment: screening holds, allocation in priority order with back-order
//! policies, picking against reservations, short picks and partial shipments. Each test runs
//! against a real SQLite file and ends with a clean ledger check.

use backroom_api::{Caller, ErrorCode};
use serde_json::{Value, json};

use crate::common;

/// The shared warehouse as a type of this area's own, so the helpers below may share names with
/// other areas' helpers.
struct Warehouse(common::Warehouse);

impl std::ops::Deref for Warehouse {
    type Target = common::Warehouse;

    fn deref(&self) -> &common::Warehouse {
        &self.0
    }
}

impl Warehouse {
    fn new() -> Warehouse {
        let w = Warehouse(common::Warehouse::with_floor());
        for (sku, price, weight) in
            [("MUG-1", 1299, "350 g"), ("TEE-M", 1999, "180 g"), ("PEN-1", 199, "10 g")]
        {
            w.local(
                "save_product",
                json!({"sku": sku, "name": sku, "price_cents": price, "unit_weight": weight}),
            );
        }
        w.local("save_station", json!({"name": "Pick 1"}));
        w.local("save_operator", json!({"name": "Pat", "role": "picker", "badge": "OP-PICK"}));
        w.local("save_operator", json!({"name": "Pia", "role": "packer", "badge": "OP-PACK"}));
        w
    }

    fn as_(&self, badge: &str, name: &str, req: Value) -> Result<Value, backroom_api::ApiError> {
        self.at("Pick 1", badge, name, req)
    }

    fn stock(&self, sku: &str, bin: &str, qty: i64) {
        self.local("receive", json!({"product": sku, "qty": qty, "to": bin}));
    }

    fn order(&self, number: &str, lines: &[(&str, i64)], extra: Value) -> Value {
        let mut req = json!({
            "number": number,
            "customer": {"name": "Ada Lee", "email": "ada@example.com", "phone": "+44 113 496 0000"},
            "ship_to": {"name": "Ada Lee", "address1": "1 High Street", "city": "Leeds",
                        "postal_code": "LS1 1AA", "country": "GB"},
            "billing_country": "GB",
            "payment_status": "paid",
            "placed_at": "2026-11-20T09:00:00Z",
            "lines": lines.iter().map(|(sku, qty)| json!({"product": sku, "qty": qty})).collect::<Vec<_>>(),
        });
        for (key, value) in extra.as_object().unwrap() {
            req[key] = value.clone();
        }
        self.local("create_order", req)
    }

    fn get(&self, number: &str) -> Value {
        self.local("get_order", json!({"number": number}))
    }

    fn reserved_in(&self, bin: &str, sku: &str) -> i64 {
        let at = self.local("stock_in_location", json!({"location": bin}));
        at["products"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["sku"] == sku)
            .map_or(0, |p| p["reserved"].as_i64().unwrap())
    }

    fn assert_ledger_clean(&self) {
        let report = self.local("check_ledger", json!({}));
        assert_eq!(report["ok"], true, "{report}");
    }
}

fn line(order: &Value, n: usize, field: &str) -> i64 {
    order["lines"][n][field].as_i64().unwrap()
}

#[test]
fn a_clean_order_is_reserved_from_the_nearest_bin_that_holds_it_all() {
    let w = Warehouse::new();
    w.stock("MUG-1", "A04-2-05-R", 10);
    w.stock("MUG-1", "A01-1-02-L", 3);
    w.stock("MUG-1", "A02-1-01-L", 6);
    let order = w.order("1001", &[("MUG-1", 4)], json!({}));
    assert_eq!(order["status"], "allocated", "{order}");
    assert_eq!(line(&order, 0, "reserved"), 4);
    assert_eq!(line(&order, 0, "backordered"), 0);
    // A01-1-02 is nearer but holds only 3; A02-1-01 is the nearest that holds all four.
    assert_eq!(w.reserved_in("A02-1-01-L", "MUG-1"), 4);
    // Eleven fit no one bin: the fullest go first (10 + 1), so two bins are visited, not three.
    let big = w.order("1002", &[("MUG-1", 11)], json!({}));
    assert_eq!(w.reserved_in("A04-2-05-R", "MUG-1"), 10);
    assert_eq!(w.reserved_in("A01-1-02-L", "MUG-1"), 1);
    assert_eq!(w.reserved_in("A02-1-01-L", "MUG-1"), 4);
    assert_eq!(line(&big, 0, "reserved"), 11);
    let history: Vec<&str> =
        order["history"].as_array().unwrap().iter().map(|e| e["to"].as_str().unwrap()).collect();
    // Screened as it was entered, it came in released; allocation then moved it on.
    assert_eq!(history, ["released", "allocated"]);
    w.assert_ledger_clean();
}

#[test]
fn screening_holds_with_reasons_and_a_payment_that_arrives_releases_the_order() {
    let w = Warehouse::new();
    w.stock("MUG-1", "A01-1-01-L", 5);
    let csv = "number,placed_at,customer_name,customer_email,customer_phone,ship_name,ship_address1,ship_city,ship_postal_code,ship_country,billing_country,payment_status,sku,qty\n\
               2001,2026-11-20,Bo Chen,bo@example.com,555-0100,Bo Chen,5 Elm St,Boston,02118,US,US,pending,MUG-1,2\n";
    let report = w.local("import_csv", json!({"table": "orders", "csv": csv}));
    assert_eq!(report["ok"], true, "{report}");
    let order = w.get("2001");
    assert_eq!(order["status"], "held");
    assert_eq!(order["holds"][0]["rule"], "payment");
    assert!(order["holds"][0]["reason"].as_str().unwrap().contains("pending"), "{order}");
    assert_eq!(w.reserved_in("A01-1-01-L", "MUG-1"), 0, "a held order reserves nothing");

    let held = w.local("list_holds", json!({"rule": "payment"}));
    assert_eq!(held[0]["number"], "2001");
    assert_eq!(held[0]["customer"]["phone"], "555-0100", "customer service can call");

    let paid = csv.replace("pending", "paid");
    let report = w.local("import_csv", json!({"table": "orders", "csv": paid}));
    assert_eq!((report["created"].as_i64(), report["updated"].as_i64()), (Some(0), Some(1)));
    let order = w.get("2001");
    assert_eq!(order["status"], "allocated", "{order}");
    assert!(order["holds"].as_array().unwrap().is_empty());
    assert_eq!(w.reserved_in("A01-1-01-L", "MUG-1"), 2);
    w.assert_ledger_clean();
}

#[test]
fn address_country_and_history_rules_hold_and_a_managers_release_sticks() {
    let w = Warehouse::new();
    let no_house = w.order(
        "3001",
        &[("PEN-1", 1)],
        json!({"ship_to": {"name": "Ada Lee", "address1": "High Street", "city": "Leeds",
                           "postal_code": "", "country": "GB"}}),
    );
    assert_eq!(no_house["status"], "held");
    let reason = no_house["holds"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("no house number") && reason.contains("postal code"), "{reason}");

    let abroad = w.order("3002", &[("TEE-M", 20)], json!({"billing_country": "US"}));
    assert_eq!(abroad["holds"][0]["rule"], "country_mismatch", "{abroad}");
    let small = w.order("3003", &[("PEN-1", 1)], json!({"billing_country": "US"}));
    assert_eq!(small["status"], "released", "below the threshold: {small}");

    let released = w.local("release_order", json!({"number": "3002", "reason": "customer called"}));
    assert_eq!(released["status"], "released");
    let last = released["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["reason"], "customer called");
    // Screening again (a re-import) does not put the overruled rule back.
    let csv = "number,sku,qty,payment_status\n3002,TEE-M,20,paid\n";
    w.local("import_csv", json!({"table": "orders", "csv": csv}));
    assert_eq!(w.get("3002")["status"], "released");

    // A picker may not release; a release without a reason is refused.
    let err = w.as_("OP-PICK", "release_order", json!({"number": "3001", "reason": "ok"}));
    assert_eq!(err.unwrap_err().code, ErrorCode::Forbidden);
    let err = w.app.call(Caller::Local, "release_order", json!({"number": "3001", "reason": " "}));
    assert_eq!(err.unwrap_err().code, ErrorCode::Invalid);

    // Orders count once they shipped or were charged back; two of two were charged back.
    w.local("record_chargeback", json!({"number": "3003", "reason": "card dispute"}));
    let too_few = w.order("3005", &[("PEN-1", 1)], json!({}));
    assert_eq!(too_few["status"], "released", "one earlier order is too few to judge");
    w.local("cancel_order", json!({"number": "3005", "reason": "ordered twice"}));
    let disputed =
        w.local("record_chargeback", json!({"number": "3002", "reason": "card dispute"}));
    // Screened again, 3002 counts neither its own chargeback nor 3003, placed at the same
    // moment but stored after it.
    let rules: Vec<&str> =
        disputed["holds"].as_array().unwrap().iter().map(|h| h["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["payment"], "{disputed}");
    let next = w.order("3004", &[("PEN-1", 1)], json!({}));
    let rules: Vec<&str> =
        next["holds"].as_array().unwrap().iter().map(|h| h["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["customer_history"], "{next}");
    w.assert_ledger_clean();
}

#[test]
fn an_import_screens_each_order_as_it_enters_with_one_status_event() {
    let w = Warehouse::new();
    // Ada's two earlier orders were both charged back.
    for number in ["6001", "6002"] {
        w.order(number, &[("PEN-1", 1)], json!({}));
        w.local("record_chargeback", json!({"number": number, "reason": "card dispute"}));
    }
    let head = "number,placed_at,customer_name,customer_email,ship_name,ship_address1,ship_city,\
                ship_postal_code,ship_country,billing_country,payment_status,sku,qty\n";
    let row = |number: &str, placed: &str, email: &str, address: &str, postal: &str| {
        format!(
            "{number},{placed},Ada Lee,{email},Ada Lee,{address},Leeds,{postal},GB,GB,paid,PEN-1,1\n"
        )
    };
    let csv = [
        // Her email in other letters is still hers.
        row("6003", "2026-11-21T09:00:00Z", "ADA@Example.com", "1 High Street", "LS1 1AA"),
        // Placed before either of them: nothing to judge by yet.
        row("6004", "2026-11-19T09:00:00Z", "ada@example.com", "1 High Street", "LS1 1AA"),
        row("6005", "2026-11-21T09:00:00Z", "bo@example.com", "1 High Street", "LS1 1AA"),
        row("6006", "2026-11-21T09:00:00Z", "cy@example.com", "High Street", ""),
    ]
    .concat();
    let report = w.local("import_csv", json!({"table": "orders", "csv": format!("{head}{csv}")}));
    assert_eq!(report["created"], 4, "{report}");

    let rules = |order: &Value| -> Vec<String> {
        let holds = order["holds"].as_array().unwrap();
        holds.iter().map(|h| h["rule"].as_str().unwrap().to_owned()).collect()
    };
    let history = |order: &Value| -> Vec<(Value, Value, String)> {
        let events = order["history"].as_array().unwrap();
        events
            .iter()
            .map(|e| (e["from"].clone(), e["to"].clone(), e["reason"].to_string()))
            .collect()
    };
    let troubled = w.get("6003");
    assert_eq!(
        (&troubled["status"], rules(&troubled)),
        (&json!("held"), vec!["customer_history".to_owned()])
    );
    let first = w.get("6004");
    assert_eq!(first["status"], "released", "{first}");
    // Each enters once, in the status screening gave it.
    let clean = w.get("6005");
    assert_eq!(clean["status"], "released");
    assert_eq!(
        history(&clean),
        [(Value::Null, json!("released"), "\"entered, passed screening\"".to_owned())]
    );
    let no_house = w.get("6006");
    assert_eq!(rules(&no_house), ["address"]);
    let events = history(&no_house);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!((&events[0].0, &events[0].1), (&Value::Null, &json!("held")));
    assert!(events[0].2.contains("no house number"), "{events:?}");
    w.assert_ledger_clean();
}

#[test]
fn stock_that_arrives_fills_back_orders_in_priority_order() {
    let w = Warehouse::new();
    let old = w.order("4001", &[("MUG-1", 2)], json!({"placed_at": "2026-11-01T08:00:00Z"}));
    assert_eq!(old["status"], "released");
    assert_eq!(line(&old, 0, "backordered"), 2);
    w.order("4002", &[("MUG-1", 2)], json!({"ship_by": "2026-11-22"}));
    w.order("4003", &[("MUG-1", 2)], json!({"priority": 1}));
    let waiting = w.local("list_orders", json!({"backordered": true}));
    assert_eq!(waiting["total"], 3);

    w.stock("MUG-1", "A01-1-01-L", 3);
    let status = |n: &str| w.get(n)["status"].as_str().unwrap().to_owned();
    // The manual priority first, then the earliest ship-by; the oldest order waits.
    assert_eq!(status("4003"), "allocated");
    assert_eq!(status("4002"), "allocated", "ship what is there: 1 of 2");
    assert_eq!(line(&w.get("4002"), 0, "backordered"), 1);
    assert_eq!(status("4001"), "released");
    w.stock("MUG-1", "A01-1-02-L", 3);
    assert_eq!(line(&w.get("4002"), 0, "backordered"), 0);
    assert_eq!(status("4001"), "allocated");
    w.assert_ledger_clean();
}

#[test]
fn back_order_policies_wait_ship_or_cancel() {
    let w = Warehouse::new();
    w.stock("MUG-1", "A01-1-01-L", 2);
    let lines = [("MUG-1", 1), ("TEE-M", 2)];
    let complete = w.order("5001", &lines, json!({"backorder_policy": "ship_complete"}));
    assert_eq!(complete["status"], "released", "waits for the T-shirts");
    assert_eq!(line(&complete, 0, "reserved"), 1, "but keeps its place in line for the mug");
    let cancel = w.order("5002", &lines, json!({"backorder_policy": "cancel_rest"}));
    assert_eq!(cancel["status"], "allocated");
    assert_eq!(line(&cancel, 1, "cancelled"), 2);
    assert_eq!(line(&cancel, 1, "backordered"), 0);
    w.stock("TEE-M", "A03-1-01-R", 5);
    assert_eq!(w.get("5001")["status"], "allocated");
    assert_eq!(line(&w.get("5002"), 1, "reserved"), 0, "cancelled units are not filled");
    w.assert_ledger_clean();
}

#[test]
fn an_order_holding_stock_stays_allocated_when_a_run_finds_nothing_more() {
    let w = Warehouse::new();
    w.stock("MUG-1", "A01-1-01-L", 1);
    let order = w.order("7001", &[("MUG-1", 1), ("TEE-M", 2)], json!({}));
    assert_eq!(order["status"], "allocated", "ship what is there: the mug");
    // A run over every order finds no T-shirts. The mug's line has nothing open, yet the
    // order still holds it, so it stays allocated rather than waiting again.
    w.local("allocate", json!({}));
    let order = w.get("7001");
    assert_eq!(order["status"], "allocated");
    assert_eq!(line(&order, 0, "reserved"), 1);
    assert_eq!(line(&order, 1, "backordered"), 2);
    w.assert_ledger_clean();
}

#[test]
fn holding_or_cancelling_gives_the_stock_to_the_next_in_line() {
    let w = Warehouse::new();
    w.stock("MUG-1", "A01-1-01-L", 2);
    w.order("6001", &[("MUG-1", 2)], json!({"placed_at": "2026-11-01T00:00:00Z"}));
    w.order("6002", &[("MUG-1", 2)], json!({}));
    assert_eq!(w.get("6002")["status"], "released");
    let held = w.local("hold_order", json!({"number": "6001", "reason": "customer asked to wait"}));
    assert_eq!(held["status"], "held");
    assert_eq!(line(&held, 0, "reserved"), 0);
    assert_eq!(w.get("6002")["status"], "allocated");
    let cancelled = w.local("cancel_order", json!({"number": "6002", "reason": "duplicate"}));
    assert_eq!(line(&cancelled, 0, "cancelled"), 2);
    assert_eq!(w.reserved_in("A01-1-01-L", "MUG-1"), 0);
    w.assert_ledger_clean();
}

#[test]
fn picks_follow_reservations_and_a_partial_shipment_waits_for_its_back_order() {
    let w = Warehouse::new();
    w.stock("MUG-1", "A01-1-01-L", 2);
    w.stock("PEN-1", "A02-2-03-L", 5);
    w.order("7001", &[("MUG-1", 3), ("PEN-1", 1)], json!({}));
    let pick = |product: &str, bin: &str, qty: i64| {
        w.as_(
            "OP-PICK",
            "pick",
            json!({"order": "7001", "product": product, "bin": bin, "qty": qty}),
        )
    };
    let wrong = pick("TEE-M", "A01-1-01-L", 1).unwrap_err();
    assert_eq!(wrong.code, ErrorCode::Conflict);
    assert!(wrong.message.contains("Nothing was picked"), "{}", wrong.message);
    let too_many = pick("MUG-1", "A01-1-01-L", 3).unwrap_err();
    assert!(too_many.message.contains("A01-1-01-L (2)"), "{}", too_many.message);
    let moves = w.local("list_movements", json!({"product": "MUG-1"}));
    assert_eq!(moves.as_array().unwrap().len(), 1, "only the receipt");

    assert_eq!(pick("MUG-1", "A01-1-01-L", 2).unwrap()["status"], "picking");
    let done = pick("PEN-1", "A02-2-03-L", 1).unwrap();
    assert_eq!((done["status"].as_str(), done["left_to_pick"].as_i64()), (Some("picked"), Some(0)));
    let packer = |name: &str, req: Value| w.as_("OP-PACK", name, req).unwrap();
    w.weigh_to_pack("Pick 1", "OP-PACK", "7001");
    let shipped = packer("ship_order", json!({"number": "7001"}));
    assert_eq!(shipped["status"], "released", "one mug is still to come");
    assert_eq!((line(&shipped, 0, "shipped"), line(&shipped, 0, "backordered")), (2, 1));

    w.stock("MUG-1", "A01-1-01-L", 1);
    assert_eq!(w.get("7001")["status"], "allocated");
    pick("MUG-1", "A01-1-01-L", 1).unwrap();
    w.weigh_to_pack("Pick 1", "OP-PACK", "7001");
    let done = packer("ship_order", json!({"number": "7001"}));
    assert_eq!(done["status"], "shipped");
    assert_eq!(w.local("lookup_product", json!({"code": "MUG-1"}))["totals"]["on_hand"], 0);
    w.assert_ledger_clean();
}

#[test]
fn a_short_pick_counts_the_bin_and_serves_the_order_from_another() {
    let w = Warehouse::new();
    w.stock("MUG-1", "A01-1-01-L", 4);
    w.stock("MUG-1", "A03-2-05-R", 2);
    w.order("8001", &[("MUG-1", 4)], json!({}));
    assert_eq!(w.reserved_in("A01-1-01-L", "MUG-1"), 4);
    let short = w
        .as_(
            "OP-PICK",
            "report_short",
            json!({"order": "8001", "product": "MUG-1", "bin": "A01-1-01-L", "found": 1}),
        )
        .unwrap();
    assert_eq!((short["reallocated"].as_i64(), short["backordered"].as_i64()), (Some(2), Some(1)));
    assert_eq!(w.reserved_in("A01-1-01-L", "MUG-1"), 1);
    assert_eq!(w.reserved_in("A03-2-05-R", "MUG-1"), 2);
    let bin = w.local("stock_in_location", json!({"location": "A01-1-01-L"}));
    assert_eq!(bin["counting"], true, "the bin waits for a count");
    // While it waits, the bin promises nothing new even though the ledger says 3 are free.
    let other = w.order("8002", &[("MUG-1", 1)], json!({}));
    assert_eq!(line(&other, 0, "backordered"), 1);
    w.assert_ledger_clean();
}
