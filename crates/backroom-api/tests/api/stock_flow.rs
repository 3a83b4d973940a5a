//! Stock coming in and moving inside the building, through the command surface on a real
//! database file: receiving against expected receipts, put-away serving back orders in priority
//! order, blind cycle counts with recounts and a manager's decision, and customer returns.

use backroom_api::testing::TestDatabase;
use backroom_api::{ApiError, App, Caller, ErrorCode};
use serde_json::{Value, json};

struct Floor {
    app: App,
    db: TestDatabase,
    _dir: tempfile::TempDir,
}

impl Floor {
    /// A small warehouse: 4 aisles of 2 blocks, every kind of area, three products, and a
    /// picker, a packer and a manager at one station.
    fn new() -> Floor {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDatabase::new(dir.path());
        let f = Floor { app: db.open(), db, _dir: dir };
        f.local(
            "set_layout",
            json!({"layout": {"name": "t", "aisles": 4, "blocks": 2, "slots_per_side": 5,
                              "slot_length_m": 1.0, "aisle_pitch_m": 3.0, "cross_aisle_m": 2.0}}),
        );
        for (code, kind) in [
            ("RECEIVING", "receiving"),
            ("PACKING", "packing"),
            ("QUARANTINE", "quarantine"),
            ("RETURNS", "returns"),
        ] {
            f.local("save_area", json!({"code": code, "kind": kind}));
        }
        f.local(
            "save_product",
            json!({"sku": "MUG-1", "name": "Mug", "unit_weight": "350 g", "price_cents": 1299,
                   "barcodes": ["036000291452"]}),
        );
        f.local(
            "save_product",
            json!({"sku": "TEE-M", "name": "T-shirt M", "unit_weight": "180 g",
                   "price_cents": 1999, "barcodes": ["4006381333931"]}),
        );
        f.local(
            "save_product",
            json!({"sku": "BOOK-9", "name": "Book", "unit_weight": "400 g", "price_cents": 2500}),
        );
        f.local(
            "save_box",
            json!({"code": "BOX-T", "name": "Test box", "tare_g": 100,
                   "inner_mm": {"length": 400, "width": 300, "height": 300}}),
        );
        f.local("save_station", json!({"name": "Pick 1"}));
        for (name, role, badge) in [
            ("Pat Picker", "picker", "OP-PICK"),
            ("Pia Packer", "packer", "OP-PACK"),
            ("Max Manager", "manager", "OP-MGR"),
        ] {
            f.local("save_operator", json!({"name": name, "role": role, "badge": badge}));
        }
        f
    }

    fn try_local(&self, name: &str, req: Value) -> Result<Value, ApiError> {
        self.app.call(Caller::Local, name, req)
    }

    fn local(&self, name: &str, req: Value) -> Value {
        self.try_local(name, req).unwrap_or_else(|e| panic!("`{name}` failed: {e}"))
    }

    fn sign_in(&self, badge: &str) -> String {
        let session = self.local("sign_in", json!({"station": "Pick 1", "credential": badge}));
        session["token"].as_str().unwrap().to_owned()
    }

    fn try_as(&self, token: &str, name: &str, req: Value) -> Result<Value, ApiError> {
        self.app.call(Caller::Session(Some(token)), name, req)
    }

    fn as_(&self, token: &str, name: &str, req: Value) -> Value {
        self.try_as(token, name, req).unwrap_or_else(|e| panic!("`{name}` failed: {e}"))
    }

    /// Receives stock straight into a location, as a manager at the command line would.
    fn stock(&self, sku: &str, to: &str, qty: i64) {
        self.local("receive", json!({"product": sku, "qty": qty, "to": to}));
    }

    /// Enters an order for one customer; `extra` adds or overrides fields.
    fn order(&self, number: &str, email: &str, lines: &[(&str, i64)], extra: Value) -> Value {
        let lines: Vec<Value> =
            lines.iter().map(|(sku, qty)| json!({"product": sku, "qty": qty})).collect();
        let mut req = json!({
            "number": number,
            "customer": {"name": "Ada Lovelace", "email": email},
            "ship_to": {"name": "Ada Lovelace", "address1": "1 Main St", "city": "Springfield",
                        "postal_code": "12345", "country": "us"},
            "payment_status": "paid",
            "lines": lines,
        });
        for (key, value) in extra.as_object().unwrap() {
            req[key] = value.clone();
        }
        self.local("create_order", req)
    }

    fn get_order(&self, number: &str) -> Value {
        self.local("get_order", json!({"number": number}))
    }

    fn line(&self, number: &str, sku: &str) -> Value {
        let order = self.get_order(number);
        order["lines"].as_array().unwrap().iter().find(|l| l["sku"] == sku).unwrap().clone()
    }

    fn status(&self, number: &str) -> String {
        self.get_order(number)["status"].as_str().unwrap().to_owned()
    }

    fn on_hand_at(&self, sku: &str, location: &str) -> i64 {
        let found = self.local("lookup_product", json!({"code": sku}));
        found["locations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["location"] == location)
            .map_or(0, |l| l["on_hand"].as_i64().unwrap())
    }

    fn totals(&self, sku: &str) -> Value {
        self.local("lookup_product", json!({"code": sku}))["totals"].clone()
    }

    fn movements(&self) -> Vec<Value> {
        self.local("list_movements", json!({"limit": 10000})).as_array().unwrap().clone()
    }

    fn assert_ledger_ok(&self) {
        let report = self.local("check_ledger", json!({}));
        assert_eq!(report["ok"], true, "{report}");
    }

    /// Where an order's stock is reserved, as (SKU, bin, qty), read from the database.
    fn reservations(&self, number: &str) -> Vec<(String, String, i64)> {
        self.db
            .query_all(
                "SELECT p.sku, l.code, sum(r.qty) FROM reservations r
                 JOIN order_lines ol ON ol.id = r.order_line_id
                 JOIN orders o ON o.id = ol.order_id
                 JOIN products p ON p.id = r.product_id
                 JOIN locations l ON l.id = r.location_id
                 WHERE o.number = ?1 GROUP BY p.sku, l.code ORDER BY p.sku, l.code",
                [number],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap()
    }

    /// Picks every reserved unit of an order, weighs it to pack it (typed at a station with no
    /// scale, at exactly the expected weight) and ships it.
    fn ship(&self, number: &str) {
        let picker = self.sign_in("OP-PICK");
        let packer = self.sign_in("OP-PACK");
        for (sku, bin, qty) in self.reservations(number) {
            self.as_(
                &picker,
                "pick",
                json!({"order": number, "product": sku, "bin": bin, "qty": qty}),
            );
        }
        let expected = self.local("expected_weight", json!({"order": number, "box": "BOX-T"}));
        let weighed = self.as_(
            &packer,
            "weigh",
            json!({"order": number, "box": "BOX-T", "grams": expected["expected_g"],
                   "stable": true}),
        );
        assert_eq!(weighed["status"], "packed", "{weighed}");
        self.as_(&packer, "ship_order", json!({"number": number}));
    }
}

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not an integer: {v}"))
}

#[test]
fn receiving_counts_up_the_expected_receipt_and_flags_over_receipt() {
    let f = Floor::new();
    let picker = f.sign_in("OP-PICK");
    let refused = f.try_as(
        &picker,
        "expect_receipt",
        json!({"reference": "PO-100", "lines": [{"product": "MUG-1", "qty": 10}]}),
    );
    assert_eq!(refused.unwrap_err().code, ErrorCode::Forbidden);
    let duplicate = f
        .try_local(
            "expect_receipt",
            json!({"reference": "PO-100", "lines": [{"product": "MUG-1", "qty": 10},
                                                    {"product": "036000291452", "qty": 2}]}),
        )
        .unwrap_err();
    assert!(duplicate.message.contains("line 2 of expected receipt PO-100"), "{duplicate}");

    let po = f.local(
        "expect_receipt",
        json!({"reference": "PO-100", "supplier": "Acme", "expected_on": "2026-12-01",
               "lines": [{"product": "MUG-1", "qty": 10}, {"product": "TEE-M", "qty": 4}]}),
    );
    assert_eq!(po["expected_on"], "2026-12-01");
    assert_eq!(po["complete"], false);

    // A picker scans the mug's barcode; the goods land in receiving.
    let got = f.as_(
        &picker,
        "receive",
        json!({"product": "036000291452", "qty": 6, "reference": "PO-100"}),
    );
    assert_eq!(got["movement"]["kind"], "receipt");
    assert_eq!(got["movement"]["to"], "RECEIVING");
    assert_eq!(got["movement"]["operator"], "Pat Picker");
    assert_eq!(got["expected"]["received"], 6);
    assert_eq!(got["expected"]["outstanding"], 4);
    assert_eq!(got["notice"], Value::Null);
    let empty_bin = got["suggested_bin"].as_str().unwrap().to_owned();
    assert!(empty_bin.starts_with("A0"), "an empty bin is suggested: {got}");

    let over =
        f.as_(&picker, "receive", json!({"product": "MUG-1", "qty": 5, "reference": "PO-100"}));
    assert_eq!(over["expected"]["received"], 11);
    assert_eq!(over["expected"]["over"], 1);
    let notice = over["notice"].as_str().unwrap();
    assert!(notice.contains("1 more than expected"), "{notice}");
    assert_eq!(f.on_hand_at("MUG-1", "RECEIVING"), 11);

    // Once the mug is in a bin, that bin is where more of it should go.
    f.as_(&picker, "put_away", json!({"product": "MUG-1", "qty": 2, "to": "A03-2-04-R"}));
    let next = f.as_(&picker, "receive", json!({"product": "MUG-1", "qty": 1}));
    assert_eq!(next["suggested_bin"], "A03-2-04-R");
    assert_eq!(next["expected"], Value::Null);

    let open = f.as_(&picker, "list_expected_receipts", json!({}));
    assert_eq!(open.as_array().unwrap().len(), 1, "{open}");
    let lines = open[0]["lines"].as_array().unwrap();
    assert_eq!(lines[0]["sku"], "MUG-1");
    assert_eq!((int(&lines[0]["expected"]), int(&lines[0]["received"])), (10, 11));
    assert_eq!((lines[1]["sku"].as_str(), int(&lines[1]["outstanding"])), (Some("TEE-M"), 4));

    // Sending the reference again updates its lines and keeps the rest.
    let updated = f.local(
        "expect_receipt",
        json!({"reference": "PO-100", "lines": [{"product": "MUG-1", "qty": 11}]}),
    );
    assert_eq!(updated["supplier"], "Acme");
    assert_eq!(updated["lines"][0]["over"], 0);
    assert_eq!(updated["lines"][1]["expected"], 4);
    f.as_(&picker, "receive", json!({"product": "TEE-M", "qty": 4, "reference": "PO-100"}));
    assert_eq!(f.as_(&picker, "list_expected_receipts", json!({})), json!([]));
    let all = f.as_(&picker, "list_expected_receipts", json!({"include_complete": true}));
    assert_eq!(all[0]["complete"], true);

    // Bad input is refused, naming what is wrong, and nothing is written.
    let before = f.movements().len();
    let unknown =
        f.try_as(&picker, "receive", json!({"product": "MUG-1", "qty": 1, "reference": "PO-999"}));
    assert!(unknown.unwrap_err().message.contains("no expected receipt “PO-999”"));
    f.local(
        "expect_receipt",
        json!({"reference": "PO-101", "lines": [{"product": "TEE-M", "qty": 1}]}),
    );
    let not_on_it =
        f.try_as(&picker, "receive", json!({"product": "BOOK-9", "qty": 1, "reference": "PO-101"}));
    assert!(not_on_it.unwrap_err().message.contains("PO-101 has no line for BOOK-9"));
    let to_packing =
        f.try_as(&picker, "receive", json!({"product": "MUG-1", "qty": 1, "to": "PACKING"}));
    assert_eq!(to_packing.unwrap_err().code, ErrorCode::Invalid);
    let no_such = f.try_as(&picker, "receive", json!({"product": "NOPE", "qty": 1}));
    assert!(no_such.unwrap_err().message.contains("“NOPE”"));
    let zero = f.try_as(&picker, "receive", json!({"product": "MUG-1", "qty": 0}));
    assert_eq!(zero.unwrap_err().code, ErrorCode::Invalid);
    let into_area =
        f.try_as(&picker, "put_away", json!({"product": "MUG-1", "qty": 1, "to": "QUARANTINE"}));
    assert!(into_area.unwrap_err().message.contains("not a pick bin"));
    let too_many =
        f.try_as(&picker, "put_away", json!({"product": "MUG-1", "qty": 99, "to": "A01-1-01-L"}));
    assert_eq!(too_many.unwrap_err().code, ErrorCode::Conflict);
    assert_eq!(f.movements().len(), before);
    let po = f.local("list_expected_receipts", json!({"reference": "PO-101"}));
    assert_eq!(po[0]["lines"][0]["received"], 0);
    f.assert_ledger_ok();
}

#[test]
fn put_away_serves_back_orders_in_priority_order() {
    let f = Floor::new();
    let ship_by = |day: &str| json!({"ship_by": day});
    // Served first by manual priority, then by the earliest ship-by, then the oldest.
    f.order(
        "A-OLD",
        "a@example.com",
        &[("MUG-1", 1)],
        json!({"placed_at": "2026-11-01", "ship_by": "2026-12-10"}),
    );
    f.order(
        "B-SOON",
        "b@example.com",
        &[("MUG-1", 1)],
        json!({"placed_at": "2026-11-05", "ship_by": "2026-12-05"}),
    );
    f.order(
        "C-RUSH",
        "c@example.com",
        &[("MUG-1", 1)],
        json!({"placed_at": "2026-11-06", "priority": 5}),
    );
    f.order(
        "D-TIE",
        "d@example.com",
        &[("MUG-1", 1)],
        json!({"placed_at": "2026-11-02", "ship_by": "2026-12-10"}),
    );
    f.order("E-NONE", "e@example.com", &[("TEE-M", 1)], ship_by("2026-12-01"));
    for number in ["A-OLD", "B-SOON", "C-RUSH", "D-TIE"] {
        assert_eq!(f.status(number), "released", "{number} waits for stock");
        let line = f.line(number, "MUG-1");
        assert_eq!((int(&line["backordered"]), int(&line["reserved"])), (1, 0), "{number}");
    }

    let picker = f.sign_in("OP-PICK");
    f.as_(&picker, "receive", json!({"product": "MUG-1", "qty": 4}));
    for (i, expected) in ["C-RUSH", "B-SOON", "A-OLD", "D-TIE"].into_iter().enumerate() {
        let done =
            f.as_(&picker, "put_away", json!({"product": "MUG-1", "qty": 1, "to": "A01-1-02-L"}));
        assert_eq!(done["movement"]["kind"], "transfer");
        assert_eq!(done["movement"]["from"], "RECEIVING");
        assert_eq!(int(&done["allocation"]["units_reserved"]), 1, "{done}");
        assert_eq!(int(&done["allocation"]["allocated"]), 1, "{done}");
        let line = f.line(expected, "MUG-1");
        assert_eq!((int(&line["backordered"]), int(&line["reserved"])), (0, 1), "{expected}");
        assert_eq!(f.status(expected), "allocated");
        let still_waiting = ["C-RUSH", "B-SOON", "A-OLD", "D-TIE"][i + 1..].to_vec();
        for number in still_waiting {
            assert_eq!(
                int(&f.line(number, "MUG-1")["reserved"]),
                0,
                "{number} comes after {expected}"
            );
        }
    }
    assert_eq!(f.status("E-NONE"), "released", "a mug does nothing for a T-shirt order");
    assert_eq!(f.reservations("D-TIE"), vec![("MUG-1".into(), "A01-1-02-L".into(), 1)]);
    f.assert_ledger_ok();
}

#[test]
fn a_blind_count_asks_for_a_recount_and_the_approval_posts_the_variance() {
    let f = Floor::new();
    f.stock("MUG-1", "A01-1-02-L", 20);
    f.stock("TEE-M", "A01-1-02-L", 3);
    let created = f.local("create_counts", json!({"bins": ["a1-1-2-l"], "reason": "audit"}));
    let task = int(&created["created"][0]["id"]);
    assert_eq!(created["created"][0]["bin"], "A01-1-02-L");
    assert_eq!(created["created"][0]["status"], "open");
    let aisle = f.local("create_counts", json!({"prefix": "A01-1"}));
    assert_eq!(aisle["created"].as_array().unwrap().len(), 9, "{aisle}");
    assert_eq!(aisle["already_waiting"], json!(["A01-1-02-L"]));
    let bad = f.try_local("create_counts", json!({"bins": ["RECEIVING"]})).unwrap_err();
    assert!(bad.message.contains("RECEIVING is a receiving area"), "{bad}");

    // While the count waits, the bin promises nothing new.
    f.order("1001", "a@example.com", &[("MUG-1", 2)], json!({}));
    assert_eq!(int(&f.line("1001", "MUG-1")["backordered"]), 2);

    let picker = f.sign_in("OP-PICK");
    let listed = f.as_(&picker, "list_counts", json!({}));
    let mine = listed.as_array().unwrap().iter().find(|t| int(&t["id"]) == task).unwrap();
    assert_eq!(mine["lines"], json!([]));
    assert!(!listed.to_string().contains("expected"), "blind: {listed}");

    // The picker finds 14 mugs and no T-shirts: too far off, so the bin is counted again.
    let first = f.as_(
        &picker,
        "submit_count",
        json!({"task": task, "lines": [{"product": "036000291452", "qty": 14}]}),
    );
    assert_eq!((first["status"].as_str(), int(&first["round"])), (Some("recount"), 1));
    // The recount stays blind: which products differ, never what the ledger holds.
    assert_eq!(first["lines"], json!([]));
    assert_eq!(first["differs"], json!(["MUG-1", "TEE-M"]));

    let unknown = f
        .try_as(
            &picker,
            "submit_count",
            json!({"task": task, "lines": [{"product": "999999", "qty": 1}]}),
        )
        .unwrap_err();
    assert!(unknown.message.contains("“999999”"), "{unknown}");
    assert!(unknown.message.contains("line 1 of the count"), "{unknown}");

    let second = f.as_(
        &picker,
        "submit_count",
        json!({"task": task, "lines": [{"product": "MUG-1", "qty": 10}, {"product": "MUG-1", "qty": 5},
                                       {"product": "TEE-M", "qty": 3}]}),
    );
    assert_eq!((second["status"].as_str(), int(&second["round"])), (Some("counted"), 2));
    assert_eq!(int(&second["lines"][0]["variance"]), -5);
    let again = f.try_as(&picker, "submit_count", json!({"task": task, "lines": []}));
    assert_eq!(again.unwrap_err().code, ErrorCode::Conflict);
    let not_yours = f.try_as(&picker, "decide_count", json!({"task": task, "decision": "approve"}));
    assert_eq!(not_yours.unwrap_err().code, ErrorCode::Forbidden);

    let manager = f.sign_in("OP-MGR");
    let waiting = f.as_(&manager, "list_counts", json!({"status": "counted"}));
    assert_eq!(waiting[0]["lines"][0]["expected"], 20, "a manager sees the ledger: {waiting}");
    assert_eq!(waiting[0]["rounds"], 2);

    let decided =
        f.as_(&manager, "decide_count", json!({"task": task, "decision": "approve", "note": "ok"}));
    assert_eq!(decided["task"]["status"], "approved");
    assert_eq!(decided["task"]["decided_by"], "Max Manager");
    let moved = decided["movements"].as_array().unwrap();
    assert_eq!(moved.len(), 1, "the T-shirts matched: {decided}");
    assert_eq!(moved[0]["kind"], "count");
    assert_eq!(moved[0]["from"], "A01-1-02-L");
    assert_eq!(moved[0]["to"], Value::Null);
    assert_eq!(moved[0]["qty"], 5);
    assert_eq!(moved[0]["reason"], format!("cycle count #{task}"));
    assert_eq!(f.on_hand_at("MUG-1", "A01-1-02-L"), 15);
    // The bin promises again: the waiting order gets its mugs.
    assert_eq!(int(&decided["allocation"]["units_reserved"]), 2, "{decided}");
    assert_eq!(f.status("1001"), "allocated");
    f.assert_ledger_ok();

    // A count that finds more posts a count into the bin.
    f.stock("BOOK-9", "A02-1-01-L", 2);
    let extra = f.local("create_counts", json!({"bins": ["A02-1-01-L"]}));
    let extra = int(&extra["created"][0]["id"]);
    let counted = f.as_(
        &picker,
        "submit_count",
        json!({"task": extra, "lines": [{"product": "BOOK-9", "qty": 3}]}),
    );
    assert_eq!(counted["status"], "counted", "one more is within the threshold");
    let decided = f.local("decide_count", json!({"task": extra, "decision": "approve"}));
    let moved = &decided["movements"][0];
    assert_eq!((moved["to"].as_str(), int(&moved["qty"])), (Some("A02-1-01-L"), 1));
    assert_eq!(f.on_hand_at("BOOK-9", "A02-1-01-L"), 3);
    f.assert_ledger_ok();
}

#[test]
fn a_count_below_what_is_reserved_moves_the_promise_or_back_orders_it() {
    let f = Floor::new();
    f.stock("MUG-1", "A01-1-01-L", 6);
    f.stock("MUG-1", "A02-1-01-L", 2);
    f.order("FIRST", "a@example.com", &[("MUG-1", 3)], json!({"priority": 1}));
    f.order("SECOND", "b@example.com", &[("MUG-1", 3)], json!({}));
    assert_eq!(f.reservations("FIRST"), vec![("MUG-1".into(), "A01-1-01-L".into(), 3)]);
    assert_eq!(f.reservations("SECOND"), vec![("MUG-1".into(), "A01-1-01-L".into(), 3)]);

    let task = f.local("create_counts", json!({"bins": ["A01-1-01-L"]}));
    let task = int(&task["created"][0]["id"]);
    let picker = f.sign_in("OP-PICK");
    for _ in 0..2 {
        f.as_(
            &picker,
            "submit_count",
            json!({"task": task, "lines": [{"product": "MUG-1", "qty": 3}]}),
        );
    }
    let decided = f.local("decide_count", json!({"task": task, "decision": "approve"}));
    assert_eq!(decided["movements"][0]["qty"], 3);
    assert_eq!(f.on_hand_at("MUG-1", "A01-1-01-L"), 3);
    // The first in line keeps its promise; the second is served from the other bin and waits
    // for the rest.
    assert_eq!(f.reservations("FIRST"), vec![("MUG-1".into(), "A01-1-01-L".into(), 3)]);
    assert_eq!(f.reservations("SECOND"), vec![("MUG-1".into(), "A02-1-01-L".into(), 2)]);
    let line = f.line("SECOND", "MUG-1");
    assert_eq!((int(&line["reserved"]), int(&line["backordered"])), (2, 1));
    f.assert_ledger_ok();

    // Stock that left the bin after the count makes its shortfall impossible: refused, kept.
    f.stock("BOOK-9", "A03-1-01-L", 4);
    let task = f.local("create_counts", json!({"bins": ["A03-1-01-L"]}));
    let task = int(&task["created"][0]["id"]);
    for _ in 0..2 {
        f.as_(
            &picker,
            "submit_count",
            json!({"task": task, "lines": [{"product": "BOOK-9", "qty": 1}]}),
        );
    }
    f.local(
        "record_movement",
        json!({"kind": "transfer", "product": "BOOK-9", "qty": 3, "from": "A03-1-01-L",
               "to": "RECEIVING", "reason": "damaged in the bin, back for inspection"}),
    );
    let before = f.movements().len();
    let refused =
        f.try_local("decide_count", json!({"task": task, "decision": "approve"})).unwrap_err();
    assert_eq!(refused.code, ErrorCode::Conflict);
    assert!(refused.message.contains("count the bin again"), "{refused}");
    assert_eq!(f.movements().len(), before);
    let listed = f.local("list_counts", json!({"status": "counted"}));
    assert_eq!(int(&listed[0]["id"]), task, "the task still waits: {listed}");
    f.assert_ledger_ok();
}

#[test]
fn a_rejected_count_posts_nothing_and_frees_the_bin() {
    let f = Floor::new();
    f.stock("TEE-M", "A01-2-03-R", 5);
    let task = f.local("create_counts", json!({"bins": ["A01-2-03-R"], "reason": "spot check"}));
    let task = int(&task["created"][0]["id"]);
    f.order("2001", "a@example.com", &[("TEE-M", 1)], json!({}));
    assert_eq!(int(&f.line("2001", "TEE-M")["backordered"]), 1, "the bin is being counted");

    let picker = f.sign_in("OP-PICK");
    let first = f.as_(
        &picker,
        "submit_count",
        json!({"task": task, "lines": [{"product": "TEE-M", "qty": 1}]}),
    );
    assert_eq!(first["status"], "recount");
    let before = f.movements().len();
    let no_note = f.try_local("decide_count", json!({"task": task, "decision": "reject"}));
    assert_eq!(no_note.unwrap_err().code, ErrorCode::Invalid);
    let approve_early = f.try_local("decide_count", json!({"task": task, "decision": "approve"}));
    assert!(approve_early.unwrap_err().message.contains("recount"));
    let decided = f.local(
        "decide_count",
        json!({"task": task, "decision": "reject", "note": "counted the wrong bin"}),
    );
    assert_eq!(decided["task"]["status"], "rejected");
    assert_eq!(decided["task"]["decision"], "counted the wrong bin");
    assert_eq!(decided["movements"], json!([]));
    assert_eq!(f.movements().len(), before);
    assert_eq!(f.on_hand_at("TEE-M", "A01-2-03-R"), 5);
    assert_eq!(int(&decided["allocation"]["units_reserved"]), 1);
    assert_eq!(f.status("2001"), "allocated");
    let again = f.try_local("decide_count", json!({"task": task, "decision": "approve"}));
    assert_eq!(again.unwrap_err().code, ErrorCode::Conflict);
    f.assert_ledger_ok();
}

#[test]
fn returns_are_restocked_quarantined_or_scrapped() {
    let f = Floor::new();
    f.stock("MUG-1", "A01-1-01-L", 10);
    f.stock("TEE-M", "A01-1-02-L", 1);
    f.order("3001", "r@example.com", &[("MUG-1", 4), ("TEE-M", 1)], json!({}));
    f.ship("3001");
    assert_eq!(f.status("3001"), "shipped");
    assert_eq!(int(&f.line("3001", "MUG-1")["shipped"]), 4);
    // Another order wants more mugs than are left: one waits.
    f.order("3002", "w@example.com", &[("MUG-1", 7)], json!({}));
    assert_eq!(int(&f.line("3002", "MUG-1")["backordered"]), 1);
    let on_hand_before = int(&f.totals("MUG-1")["on_hand"]);

    let packer = f.sign_in("OP-PACK");
    let got = f.as_(
        &packer,
        "receive_return",
        json!({"order": "]C0#3001\r\n", "lines": [
            {"product": "036000291452", "qty": 1, "reason": "no_longer_wanted",
             "disposition": "restock", "bin": "A01-1-03-L"},
            {"product": "MUG-1", "qty": 1, "reason": "damaged", "disposition": "quarantine",
             "note": "chipped handle"},
            {"product": "MUG-1", "qty": 1, "reason": "wrong_item", "disposition": "scrap"},
        ]}),
    );
    let returned = &got["returned"];
    assert_eq!(returned["order"], "3001");
    assert_eq!(returned["operator"], "Pia Packer");
    let items = returned["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(
        (items[0]["disposition"].as_str(), items[0]["location"].as_str()),
        (Some("restock"), Some("A01-1-03-L"))
    );
    assert_eq!(
        (items[1]["location"].as_str(), items[1]["note"].as_str()),
        (Some("QUARANTINE"), Some("chipped handle"))
    );
    assert_eq!(items[2]["reason"], "wrong_item");

    // The restocked mug went straight to the order waiting for it.
    assert_eq!(int(&got["allocation"]["units_reserved"]), 1, "{got}");
    let waiting = f.line("3002", "MUG-1");
    assert_eq!((int(&waiting["reserved"]), int(&waiting["backordered"])), (7, 0));
    // The quarantined one is here but promised to no one; the scrapped one came and went.
    assert_eq!(f.on_hand_at("MUG-1", "QUARANTINE"), 1);
    let totals = f.totals("MUG-1");
    assert_eq!(int(&totals["on_hand"]), on_hand_before + 2);
    assert_eq!(int(&totals["available"]), 0);
    assert_eq!(f.on_hand_at("MUG-1", "RETURNS"), 0);
    let scrap = f.movements().into_iter().find(|m| m["kind"] == "scrap").unwrap();
    assert_eq!(
        (scrap["from"].as_str(), scrap["reason"].as_str()),
        (Some("RETURNS"), Some("return: wrong_item"))
    );
    assert_eq!(scrap["order"], "3001");
    assert_eq!(int(&f.line("3001", "MUG-1")["returned"]), 3);

    // Bad returns are refused whole: a good item in the same return is not received either.
    let before =
        (f.movements().len(), f.local("list_returns", json!({})).as_array().unwrap().len());
    let item = |product: &str, qty: i64, disposition: &str, bin: Option<&str>| json!({"product": product, "qty": qty, "reason": "other", "disposition": disposition, "bin": bin});
    let refuse = |lines: Vec<Value>| {
        f.try_as(&packer, "receive_return", json!({"order": "3001", "lines": lines})).unwrap_err()
    };
    let too_many = refuse(vec![
        item("TEE-M", 1, "restock", Some("A01-1-02-L")),
        item("MUG-1", 2, "quarantine", None),
    ]);
    assert_eq!(too_many.code, ErrorCode::Conflict);
    assert!(too_many.message.contains("item 2 of the return: only 1 of MUG-1"), "{too_many}");
    let not_ordered = refuse(vec![item("BOOK-9", 1, "scrap", None)]);
    assert!(not_ordered.message.contains("order 3001 has no BOOK-9"), "{not_ordered}");
    let no_bin = refuse(vec![item("MUG-1", 1, "restock", None)]);
    assert!(no_bin.message.contains("needs the bin"), "{no_bin}");
    let area = refuse(vec![item("MUG-1", 1, "restock", Some("QUARANTINE"))]);
    assert!(area.message.contains("not a pick bin"), "{area}");
    let stray_bin = refuse(vec![item("MUG-1", 1, "scrap", Some("A01-1-01-L"))]);
    assert!(stray_bin.message.contains("only to restock"), "{stray_bin}");
    let unshipped = f
        .try_as(
            &packer,
            "receive_return",
            json!({"order": "3002", "lines": [item("MUG-1", 1, "quarantine", None)]}),
        )
        .unwrap_err();
    assert!(unshipped.message.contains("has shipped yet"), "{unshipped}");
    let no_order = f
        .try_as(
            &packer,
            "receive_return",
            json!({"order": "#9999", "lines": [item("MUG-1", 1, "quarantine", None)]}),
        )
        .unwrap_err();
    assert_eq!(no_order.code, ErrorCode::NotFound);
    let after = (f.movements().len(), f.local("list_returns", json!({})).as_array().unwrap().len());
    assert_eq!(after, before, "nothing written");
    assert_eq!(int(&f.line("3001", "MUG-1")["returned"]), 3);
    assert_eq!(int(&f.line("3001", "TEE-M")["returned"]), 0);

    // The quarantined mug is restocked later with an ordinary transfer, and serves a new order.
    f.order("3003", "n@example.com", &[("MUG-1", 1)], json!({}));
    assert_eq!(int(&f.line("3003", "MUG-1")["backordered"]), 1);
    f.local(
        "record_movement",
        json!({"kind": "transfer", "product": "MUG-1", "qty": 1, "from": "QUARANTINE",
               "to": "A01-1-04-L", "reason": "inspected, fit to sell"}),
    );
    assert_eq!(int(&f.line("3003", "MUG-1")["reserved"]), 1);

    let listed = f.as_(&packer, "list_returns", json!({"order": "#3001"}));
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["items"].as_array().unwrap().len(), 3);
    f.assert_ledger_ok();
}

#[test]
fn returns_on_half_the_earlier_orders_hold_the_next_one() {
    let f = Floor::new();
    f.stock("BOOK-9", "A02-2-05-R", 5);
    let book_back = |number: &str| {
        f.local(
            "receive_return",
            json!({"order": number, "lines": [{"product": "BOOK-9", "qty": 1,
                   "reason": "not_as_described", "disposition": "restock", "bin": "A02-2-05-R"}]}),
        )
    };
    let often = "often@example.com";
    for number in ["4001", "4002"] {
        f.order(number, often, &[("BOOK-9", 1)], json!({}));
        f.ship(number);
    }
    book_back("4001");
    // One of the customer's two earlier orders came back: at the 50% threshold, held.
    let held = f.order("4003", often, &[("BOOK-9", 1)], json!({}));
    assert_eq!(held["status"], "held", "{held}");
    assert_eq!(held["holds"][0]["rule"], "customer_history");
    assert_eq!(held["lines"][0]["reserved"], 0, "a held order promises nothing");

    // A customer with a single earlier order is too new for the rule to judge.
    f.order("4101", "once@example.com", &[("BOOK-9", 1)], json!({}));
    f.ship("4101");
    book_back("4101");
    let next = f.order("4102", "once@example.com", &[("BOOK-9", 1)], json!({}));
    assert_eq!(next["status"], "allocated", "{next}");
    f.assert_ledger_ok();
}
