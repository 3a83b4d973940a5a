//! The weight audit at packing: a picked order is weighed in its box; a pass packs it, a fail
//! names the likeliest cause and leaves it picked, an untrustworthy reading decides nothing, a
//! product without weight blocks the audit until a manager overrides, and every weighing is
//! logged with who and where. Each test runs against a real SQLite file.

use std::time::{Duration, Instant};

use backroom_api::devices::scales::ScaleWatch;
use backroom_api::{ApiError, ErrorCode};
use backroom_core::scale::Protocol;
use backroom_core::weight::WeightUnit;
use serde_json::{Value, json};

use crate::common;
use crate::common::sim::Sim;

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
        w.product("MUG-B", "Blue Mug", "kitchen", Some("340 g"), [100.0, 90.0, 110.0]);
        w.product("PEN-1", "Pen", "office", Some("12"), [150.0, 10.0, 10.0]);
        w.product("VASE", "Vase", "home", None, [120.0, 120.0, 300.0]);
        w.local("save_station", json!({"name": "Pack 1"}));
        w.local("save_operator", json!({"name": "Pat", "role": "picker", "badge": "OP-PICK"}));
        w.local("save_operator", json!({"name": "Pia", "role": "packer", "badge": "OP-PACK"}));
        w.local("save_operator", json!({"name": "Max", "role": "manager", "badge": "OP-MGR"}));
        w.local(
            "save_box",
            json!({"code": "BOX-S", "name": "Small", "tare_g": 150,
                   "inner_mm": {"length": 300, "width": 200, "height": 150}}),
        );
        w.local(
            "save_box",
            json!({"code": "BOX-L", "name": "Large", "tare_g": 400,
                   "inner_mm": {"length": 600, "width": 400, "height": 400}}),
        );
        w
    }

    fn product(&self, sku: &str, name: &str, category: &str, weight: Option<&str>, d: [f64; 3]) {
        self.local(
            "save_product",
            json!({"sku": sku, "name": name, "category": category, "unit_weight": weight,
                   "dimensions_mm": {"length": d[0], "width": d[1], "height": d[2]}}),
        );
    }

    fn as_(&self, badge: &str, name: &str, req: Value) -> Result<Value, ApiError> {
        self.at("Pack 1", badge, name, req)
    }

    /// An order whose lines are all stocked, allocated and picked.
    fn picked(&self, number: &str, lines: &[(&str, i64)]) {
        for (i, (sku, qty)) in lines.iter().enumerate() {
            let bin = format!("A01-1-0{}-L", i + 1);
            self.local("receive", json!({"product": sku, "qty": qty, "to": bin}));
        }
        let order = self.local(
            "create_order",
            json!({"number": number, "customer": {"name": "Ada Lee", "email": "ada@example.com"},
                   "ship_to": {"name": "Ada Lee", "address1": "1 High Street", "city": "Leeds",
                               "postal_code": "LS1 1AA", "country": "GB"},
                   "billing_country": "GB", "payment_status": "paid",
                   "lines": lines.iter().map(|(sku, qty)| json!({"product": sku, "qty": qty}))
                       .collect::<Vec<_>>()}),
        );
        assert_eq!(order["status"], "allocated", "{order}");
        for (i, (sku, qty)) in lines.iter().enumerate() {
            let bin = format!("A01-1-0{}-L", i + 1);
            let req = json!({"order": number, "product": sku, "bin": bin, "qty": qty});
            self.as_("OP-PICK", "pick", req).unwrap();
        }
        assert_eq!(self.status(number), "picked");
    }

    fn status(&self, number: &str) -> String {
        self.local("get_order", json!({"number": number}))["status"].as_str().unwrap().to_owned()
    }

    fn weigh(&self, order: &str, grams: f64, extra: Value) -> Value {
        let mut req = json!({"order": order, "box": "BOX-S", "grams": grams, "stable": true,
                             "age_ms": 300, "scale": "mt-sics on /dev/ttyUSB0"});
        for (key, value) in extra.as_object().unwrap() {
            req[key] = value.clone();
        }
        self.as_("OP-PACK", "weigh", req).unwrap_or_else(|e| panic!("weigh: {e}"))
    }
}

fn code(result: Result<Value, ApiError>) -> ErrorCode {
    result.expect_err("the command should have been refused").code
}

#[test]
fn the_expected_weight_adds_items_box_and_allowance_and_a_box_is_suggested() {
    let w = Warehouse::new();
    w.picked("1001", &[("MUG-B", 2), ("PEN-1", 3)]);
    let exp =
        w.as_("OP-PACK", "expected_weight", json!({"order": "1001", "box": "BOX-S"})).unwrap();
    // 2 × 340 + 3 × 12 = 716 g of items, 150 g of box, 10 g of packing; ± max(20 g, 2 %).
    assert_eq!(exp["items_g"], 716.0);
    assert_eq!(exp["expected_g"], 876.0);
    assert_eq!(exp["tolerance_g"], 20.0);
    assert_eq!((exp["min_g"].as_f64(), exp["max_g"].as_f64()), (Some(856.0), Some(896.0)));
    assert_eq!(exp["items"][0]["total_g"], 680.0);
    assert_eq!(exp["cannot_audit"], json!([]));

    let suggestion = w.as_("OP-PACK", "suggest_box", json!({"order": "1001"})).unwrap();
    let codes: Vec<&str> = suggestion["fits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["box"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["BOX-S", "BOX-L"], "smallest first: {suggestion}");

    let missing = w.as_("OP-PACK", "expected_weight", json!({"order": "1001", "box": "NOPE"}));
    assert_eq!(code(missing), ErrorCode::NotFound);
}

#[test]
fn the_right_weight_passes_and_packs_the_order() {
    let w = Warehouse::new();
    w.picked("1001", &[("MUG-B", 2), ("PEN-1", 3)]);
    let weighed = w.weigh("1001", 884.0, json!({}));
    assert_eq!(weighed["verdict"], json!({"kind": "pass", "delta_g": 8.0}), "{weighed}");
    assert_eq!(weighed["status"], "packed");
    assert_eq!(w.status("1001"), "packed");
    let order = w.local("get_order", json!({"number": "1001"}));
    let last = order["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["to"], "packed");
    assert_eq!(last["operator"], "Pia");
    assert!(last["reason"].as_str().unwrap().contains("weight audit passed"), "{last}");
    // A packed order is not weighed again.
    let again = w.as_(
        "OP-PACK",
        "weigh",
        json!({"order": "1001", "box": "BOX-S", "grams": 884,
                                                  "stable": true}),
    );
    assert_eq!(code(again), ErrorCode::Conflict);
}

#[test]
fn one_mug_short_fails_naming_the_mug_and_a_repack_passes() {
    let w = Warehouse::new();
    w.picked("1001", &[("MUG-B", 2), ("PEN-1", 3)]);
    let weighed = w.weigh("1001", 541.0, json!({}));
    assert_eq!(
        weighed["verdict"],
        json!({"kind": "fail", "delta_g": -335.0, "cause": "about one Blue Mug (340 g) missing",
               "finding": "item_missing"}),
        "{weighed}"
    );
    assert_eq!(weighed["status"], "picked");
    assert_eq!(w.status("1001"), "picked");
    assert_eq!(weighed["weighing"]["cause"], "about one Blue Mug (340 g) missing");
    assert_eq!(weighed["weighing"]["cause_kind"], "item_missing");

    let weighed = w.weigh("1001", 870.0, json!({}));
    assert_eq!(weighed["verdict"]["kind"], "pass", "{weighed}");
    assert_eq!(w.status("1001"), "packed");
}

#[test]
fn an_unsettled_stale_offline_or_overloaded_reading_decides_nothing() {
    let w = Warehouse::new();
    w.picked("1001", &[("MUG-B", 2), ("PEN-1", 3)]);
    for (extra, reason) in [
        (json!({"stable": false}), "unstable"),
        (json!({"age_ms": 2500}), "stale"),
        (json!({"online": false}), "offline"),
        (json!({"range": "over"}), "out_of_range"),
    ] {
        // The weight itself is right: only the reading's state stops it passing.
        let weighed = w.weigh("1001", 876.0, extra);
        assert_eq!(weighed["verdict"]["kind"], "no_verdict", "{weighed}");
        assert_eq!(weighed["verdict"]["reason"], reason, "{weighed}");
        assert_eq!(weighed["status"], "picked");
    }
    assert_eq!(w.status("1001"), "picked");
    let log = w.local("list_weighings", json!({"order": "1001", "verdict": "no_verdict"}));
    assert_eq!(log.as_array().unwrap().len(), 4);
    assert!(log[0]["cause"].as_str().unwrap().contains("range"), "newest first: {log}");
}

#[test]
fn a_product_without_weight_cannot_be_audited_until_a_manager_overrides() {
    let w = Warehouse::new();
    w.picked("2001", &[("MUG-B", 1), ("VASE", 1)]);
    let exp =
        w.as_("OP-PACK", "expected_weight", json!({"order": "2001", "box": "BOX-S"})).unwrap();
    assert_eq!(exp["cannot_audit"], json!(["VASE"]));
    let unweighed = w.local("unweighed_products", json!({}));
    assert_eq!(
        unweighed,
        json!([{"sku": "VASE", "name": "Vase", "category": "home", "orders": ["2001"]}])
    );
    // Even the weight the known items and the box add up to does not pass.
    for grams in [500.0, 340.0 + 150.0 + 10.0] {
        let weighed = w.weigh("2001", grams, json!({}));
        assert_eq!(weighed["verdict"], json!({"kind": "cannot_audit", "skus": ["VASE"]}));
        assert_eq!(weighed["weighing"]["expected_g"], Value::Null);
    }
    assert_eq!(w.status("2001"), "picked");

    let refused = w.as_("OP-PACK", "override_weighing", json!({"order": "2001", "reason": "ok"}));
    assert_eq!(code(refused), ErrorCode::Forbidden, "only a manager overrides");
    for credential in ["OP-PICK", "NO-SUCH-BADGE"] {
        let req = json!({"order": "2001", "reason": "ok", "manager": credential});
        let refused = w.as_("OP-PACK", "override_weighing", req);
        assert_eq!(code(refused), ErrorCode::Forbidden, "{credential} is no manager's badge");
    }
    let no_reason = w.as_("OP-MGR", "override_weighing", json!({"order": "2001", "reason": " "}));
    assert_eq!(code(no_reason), ErrorCode::Invalid);
    assert_eq!(w.status("2001"), "picked");

    let done = w
        .as_(
            "OP-MGR",
            "override_weighing",
            json!({"order": "2001", "reason": "vase weighed by hand: 820 g"}),
        )
        .unwrap();
    assert_eq!(done["status"], "packed");
    assert_eq!(done["weighing"]["override_by"], "Max");
    assert_eq!(done["weighing"]["override_reason"], "vase weighed by hand: 820 g");
    assert_eq!(w.status("2001"), "packed");
}

#[test]
fn a_packer_calls_a_manager_over_who_approves_with_a_badge() {
    let w = Warehouse::new();
    w.picked("1001", &[("MUG-B", 2)]);
    w.weigh("1001", 200.0, json!({}));
    let req = json!({"order": "1001", "reason": "mugs checked by hand", "manager": "OP-MGR"});
    let done = w.as_("OP-PACK", "override_weighing", req).unwrap();
    assert_eq!(done["status"], "packed");
    assert_eq!(done["weighing"]["override_by"], "Max", "the approving manager, not the packer");
    assert_eq!(done["weighing"]["operator"], "Pia");
}

#[test]
fn an_override_needs_a_failed_weighing_of_a_picked_order() {
    let w = Warehouse::new();
    w.picked("1001", &[("MUG-B", 2)]);
    let req = json!({"order": "1001", "reason": "looks fine"});
    assert_eq!(code(w.as_("OP-MGR", "override_weighing", req.clone())), ErrorCode::Conflict);
    w.weigh("1001", 200.0, json!({}));
    let done = w.as_("OP-MGR", "override_weighing", req.clone()).unwrap();
    assert_eq!(done["weighing"]["verdict"], "fail");
    assert_eq!(w.status("1001"), "packed");
    assert_eq!(code(w.as_("OP-MGR", "override_weighing", req)), ErrorCode::Conflict);
}

#[test]
fn every_weighing_is_logged_with_operator_station_and_scale() {
    let w = Warehouse::new();
    w.picked("1001", &[("MUG-B", 2), ("PEN-1", 3)]);
    w.weigh("1001", 541.0, json!({}));
    w.weigh("1001", 876.0, json!({"stable": false}));
    w.weigh("1001", 876.0, json!({}));
    let log = w.as_("OP-MGR", "list_weighings", json!({"order": "1001"})).unwrap();
    let rows = log.as_array().unwrap();
    let verdicts: Vec<&str> = rows.iter().map(|r| r["verdict"].as_str().unwrap()).collect();
    assert_eq!(verdicts, ["pass", "no_verdict", "fail"], "newest first");
    for row in rows {
        assert_eq!(row["order"], "1001");
        assert_eq!(row["box"], "BOX-S");
        assert_eq!(row["operator"], "Pia");
        assert_eq!(row["station"], "Pack 1");
        assert_eq!(row["scale"], "mt-sics on /dev/ttyUSB0");
        assert_eq!(row["expected_g"], 876.0);
        assert_eq!(row["tolerance_g"], 20.0);
        assert!(row["at"].as_str().unwrap().starts_with("20"), "{row}");
    }
    assert_eq!(rows[2]["actual_g"], 541.0);
    let fails = w.local("list_weighings", json!({"verdict": "fail", "limit": 10}));
    assert_eq!(fails.as_array().unwrap().len(), 1);
    assert_eq!(fails[0]["cause"], "about one Blue Mug (340 g) missing");

    // The log exports as CSV, oldest first, and never imports.
    let file = w.local("export_csv", json!({"table": "weighings"}));
    assert!(file["filename"].as_str().unwrap().starts_with("weighings-"));
    let mut csv = csv::Reader::from_reader(file["csv"].as_str().unwrap().as_bytes());
    let header: Vec<String> = csv.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        &header[..8],
        ["at", "order", "box", "expected_g", "tolerance_g", "actual_g", "verdict", "cause_kind"]
    );
    let records: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), rows.len());
    let failed = records.iter().find(|r| &r[6] == "fail").expect("the failed weighing");
    assert_eq!((&failed[1], &failed[5], &failed[7]), ("1001", "541.0", "item_missing"));
    assert_eq!((&failed[9], &failed[10]), ("Pia", "Pack 1"));
    let import = w.app.call(
        backroom_api::Caller::Local,
        "import_csv",
        json!({"table": "weighings", "csv": file["csv"]}),
    );
    assert_eq!(code(import), ErrorCode::Invalid);
}

/// Waits until the board shows `want` for `station`'s scale, or fails naming what it showed.
fn wait_board(w: &Warehouse, station: &str, what: &str, want: impl Fn(&Value) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last = Value::Null;
    while Instant::now() < deadline {
        if let Some(seen) = w.app.scales().reading(station) {
            last = serde_json::to_value(&seen.status).unwrap();
            if want(&last) {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("the scale of {station} never showed {what}; last: {last}");
}

fn stable_at(grams: f64) -> impl Fn(&Value) -> bool {
    move |status| status["state"] == "stable" && status["grams"] == grams
}

#[test]
fn a_station_with_a_connected_scale_is_judged_on_what_the_scale_says() {
    let w = Warehouse::new();
    w.picked("1001", &[("MUG-B", 2), ("PEN-1", 3)]);
    w.picked("1002", &[("MUG-B", 2), ("PEN-1", 3)]);
    let mut sim = Sim::start(Protocol::MtSics, WeightUnit::G, 0.0);
    let _watch = ScaleWatch::start(&w.app);
    // Saved while watched: the watcher picks the new settings up.
    w.local(
        "save_station",
        json!({"name": "Pack 1", "scale": {"port": sim.path(), "protocol": "mt-sics",
               "baud": 9600, "data_bits": 8, "parity": "none", "stop_bits": 1}}),
    );
    let in_box = |order: &str| json!({"order": order, "box": "BOX-S"});

    // Expected 876 ± 20 g; the simulated scale shows 5 g steps. A screen cannot type a weight over a connected scale.
    sim.control("weight 875");
    wait_board(&w, "Pack 1", "875 g", stable_at(875.0));
    let typed = json!({"order": "1001", "box": "BOX-S", "grams": 876, "stable": true});
    assert_eq!(code(w.as_("OP-PACK", "weigh", typed)), ErrorCode::Conflict);
    let passed = w.as_("OP-PACK", "weigh", in_box("1001")).unwrap();
    assert_eq!(passed["verdict"]["kind"], "pass", "{passed}");
    assert_eq!(passed["weighing"]["actual_g"], 875.0);
    assert!(passed["weighing"]["scale"].as_str().unwrap().starts_with("mt-sics on "));
    assert_eq!(w.status("1001"), "packed");

    // One mug short: 876 − 340 g, as a scale with 5 g steps shows it.
    sim.control("weight 535");
    wait_board(&w, "Pack 1", "535 g", stable_at(535.0));
    let failed = w.as_("OP-PACK", "weigh", in_box("1002")).unwrap();
    assert_eq!(failed["verdict"]["kind"], "fail");
    assert_eq!(failed["verdict"]["cause"], "about one Blue Mug (340 g) missing");

    sim.control("motion on");
    wait_board(&w, "Pack 1", "motion", |s| s["state"] == "motion");
    let moving = w.as_("OP-PACK", "weigh", in_box("1002")).unwrap();
    assert_eq!(moving["verdict"]["reason"], "unstable", "{moving}");
    sim.control("motion off");

    sim.control("disconnect");
    wait_board(&w, "Pack 1", "offline", |s| s["state"] == "offline");
    let offline = w.as_("OP-PACK", "weigh", in_box("1002")).unwrap();
    assert_eq!(offline["verdict"]["reason"], "offline", "{offline}");
    assert_eq!(w.status("1002"), "picked", "nothing but a pass packs an order");

    sim.control("reconnect");
    sim.control("weight 870");
    wait_board(&w, "Pack 1", "870 g", stable_at(870.0));
    let repacked = w.as_("OP-PACK", "weigh", in_box("1002")).unwrap();
    assert_eq!(repacked["verdict"]["kind"], "pass");
}

#[test]
fn a_station_without_a_connected_scale_types_the_weight() {
    let w = Warehouse::new();
    w.picked("1001", &[("MUG-B", 2)]);
    let no_weight = w.as_("OP-PACK", "weigh", json!({"order": "1001", "box": "BOX-S"}));
    let error = no_weight.expect_err("no reading at all");
    assert_eq!(error.code, ErrorCode::Invalid);
    assert!(error.message.contains("type the weight"), "{}", error.message);
    // A typed weight not marked as read off a settled display decides nothing.
    let req = json!({"order": "1001", "box": "BOX-S", "grams": 840});
    let unsure = w.as_("OP-PACK", "weigh", req).unwrap();
    assert_eq!(unsure["verdict"]["reason"], "unstable");
}
