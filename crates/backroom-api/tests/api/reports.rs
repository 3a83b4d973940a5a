//! The manager's reports on a real SQLite file: fill rates first-time and final through a back
//! order that ships later, the orders behind a number, stock levels with their plans and
//! what-ifs, and the dashboard's audit causes, back-order ages and throughput.

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
        w.local("save_area", json!({"code": "QUARANTINE", "kind": "quarantine"}));
        for (sku, name, price) in [("A", "Apron", 1000), ("B", "Bowl", 500), ("C", "Cup", 200)] {
            w.local(
                "save_product",
                json!({"sku": sku, "name": name, "category": "kitchen", "unit_weight": "100 g",
                       "price_cents": price}),
            );
        }
        w.local("save_station", json!({"name": "Pack 1"}));
        w.local("save_operator", json!({"name": "Pat", "role": "picker", "badge": "OP-PICK"}));
        w.local("save_operator", json!({"name": "Pia", "role": "packer", "badge": "OP-PACK"}));
        w.local(
            "save_box",
            json!({"code": "BOX", "name": "Box", "tare_g": 0,
                   "inner_mm": {"length": 600, "width": 400, "height": 400}}),
        );
        w
    }

    fn receive(&self, sku: &str, qty: i64, bin: &str) {
        self.local("receive", json!({"product": sku, "qty": qty, "to": bin}));
    }

    fn order(&self, number: &str, lines: &[(&str, i64)]) -> Value {
        self.local(
            "create_order",
            json!({"number": number, "customer": {"name": "Ada Lee", "email": "ada@example.com"},
                   "ship_to": {"name": "Ada Lee", "address1": "1 High Street", "city": "Leeds",
                               "postal_code": "LS1 1AA", "country": "GB"},
                   "payment_status": "paid", "backorder_policy": "ship_available",
                   "lines": lines.iter().map(|(sku, qty)| json!({"product": sku, "qty": qty}))
                       .collect::<Vec<_>>()}),
        )
    }

    /// Picks what is reserved for the order's lines from `bin`, weighs it right and ships it.
    fn pick_pack_ship(&self, number: &str, picks: &[(&str, i64, &str)]) {
        let mut grams = 0.0;
        for (sku, qty, bin) in picks {
            let req = json!({"order": number, "product": sku, "bin": bin, "qty": qty});
            self.at("Pack 1", "OP-PICK", "pick", req).unwrap();
            grams += 100.0 * *qty as f64;
        }
        // 100 g a unit, a box of no tare, 10 g of packing.
        let req = json!({"order": number, "box": "BOX", "grams": grams + 10.0, "stable": true});
        let weighed = self.at("Pack 1", "OP-PACK", "weigh", req).unwrap();
        assert_eq!(weighed["verdict"]["kind"], "pass", "{weighed}");
        self.at("Pack 1", "OP-PACK", "ship_order", json!({"number": number})).unwrap();
    }
}

fn rates(report: &Value, which: &str) -> [f64; 4] {
    let fill = &report["overall"]["rates"][which];
    ["units", "lines", "orders", "value"].map(|k| fill[k].as_f64().unwrap_or(f64::NAN))
}

fn close(a: [f64; 4], b: [f64; 4]) -> bool {
    a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9)
}

#[test]
fn eighty_a_and_twenty_b_with_75_a_shipped_then_the_back_order() {
    let w = Warehouse::new();
    w.receive("A", 75, "A01-1-01-L");
    w.receive("B", 20, "A01-1-02-L");
    let order = w.order("1001", &[("A", 80), ("B", 20)]);
    assert_eq!(order["status"], "allocated");
    w.pick_pack_ship("1001", &[("A", 75, "A01-1-01-L"), ("B", 20, "A01-1-02-L")]);

    // 95 of 100 units, 1 of 2 lines, 0 of 1 orders; value 850.00 of 900.00, as an apron costs
    // twice a bowl.
    let first = w.local("fill_rates", json!({"group_by": ["day", "sku"]}));
    let report = &first["report"];
    let value = 850.0 / 900.0;
    assert!(close(rates(report, "first_time"), [0.95, 0.5, 0.0, value]), "{report}");
    assert!(close(rates(report, "final_fill"), [0.95, 0.5, 0.0, value]));
    assert_eq!(report["overall"]["counts"]["units_shipped_first_time"], 95);
    let by_sku = &report["groupings"][1]["groups"];
    assert_eq!(by_sku[0]["key"], "A");
    assert_eq!(by_sku[0]["summary"]["rates"]["first_time"]["units"], 0.9375);

    // The drill-down names the order that fell short, with how much.
    let drill = w.local("fill_rate_orders", json!({"measure": "units_first_time"}));
    assert_eq!(drill["short"], json!([{"number": "1001", "met": 95, "of": 100, "flaws": []}]));

    // The five missing aprons arrive and ship: final fill is complete, first time is not.
    w.receive("A", 5, "A01-1-03-L");
    assert_eq!(w.local("get_order", json!({"number": "1001"}))["status"], "allocated");
    w.pick_pack_ship("1001", &[("A", 5, "A01-1-03-L")]);
    let later = w.local("fill_rates", json!({}));
    let report = &later["report"];
    assert!(close(rates(report, "first_time"), [0.95, 0.5, 0.0, value]), "{report}");
    assert!(close(rates(report, "final_fill"), [1.0, 1.0, 1.0, 1.0]), "{report}");
    assert_eq!(report["overall"]["rates"]["perfect_order"], 1.0);
}

#[test]
fn a_period_counts_only_the_orders_placed_in_it() {
    let w = Warehouse::new();
    w.receive("C", 5, "A01-1-01-L");
    w.order("1001", &[("C", 2)]);
    let today = w.local("fill_rates", json!({}));
    assert_eq!(today["report"]["overall"]["counts"]["orders_pending"], 1);
    let empty = w.local("fill_rates", json!({"from": "2020-01-01", "to": "2020-01-31"}));
    assert_eq!(empty["report"]["overall"]["counts"]["orders"], 0);
    assert_eq!(empty["report"]["overall"]["rates"]["first_time"]["units"], Value::Null);
    let bad = w.app.call(backroom_api::Caller::Local, "fill_rates", json!({"from": "23/11/2026"}));
    assert!(bad.unwrap_err().message.contains("2026-11-23"));
}

#[test]
fn stock_levels_show_promises_back_orders_quarantine_and_what_to_buy() {
    let w = Warehouse::new();
    w.receive("A", 10, "A01-1-01-L");
    w.receive("B", 4, "A01-1-02-L");
    w.receive("B", 3, "QUARANTINE");
    w.local("expect_receipt", json!({"reference": "PO-1", "lines": [{"product": "C", "qty": 50}]}));
    w.order("1001", &[("A", 4), ("B", 6)]);

    let page = w.local("stock_levels", json!({"sort": "sku"}));
    let row = |sku: &str| {
        page["rows"].as_array().unwrap().iter().find(|r| r["sku"] == sku).unwrap().clone()
    };
    let a = row("A");
    assert_eq!(
        (a["on_hand"].as_i64(), a["reserved"].as_i64(), a["available"].as_i64()),
        (Some(10), Some(4), Some(6))
    );
    let b = row("B");
    assert_eq!(b["on_hand"], 7);
    assert_eq!(b["quarantine"], 3);
    assert_eq!(b["available"], 0);
    assert_eq!(b["backordered"], 2);
    assert_eq!(row("C")["on_order"], 50);
    assert_eq!(
        (page["out"].as_u64(), page["backordered"].as_u64(), page["stockouts"].as_u64()),
        (Some(2), Some(1), Some(1))
    );
    // Today's orders are not history yet: no demand, no cover to compute.
    assert_eq!(a["plan"]["no_history"], true);
    assert_eq!(a["plan"]["days_of_cover"], Value::Null);

    let waiting = w.local("stock_levels", json!({"filter": "backordered"}));
    assert_eq!(waiting["total"], 1);
    assert_eq!(waiting["rows"][0]["sku"], "B");
    let found = w.local("stock_levels", json!({"text": "bow"}));
    assert_eq!(found["total"], 1);

    let lead = w.local("set_lead_time", json!({"sku": "A", "days": 21}));
    assert_eq!(lead["lead_time_days"], 21.0);
}

#[test]
fn four_weeks_of_demand_plan_the_stock_and_higher_demand_never_fills_better() {
    let w = Warehouse::new();
    w.receive("A", 144, "A01-1-01-L");
    // Four weeks of orders for 2, 3 and 4 aprons in turn: 3 a day on average, 84 in all.
    let today = chrono::Utc::now().date_naive();
    for day in 1..=28u64 {
        let placed = format!("{}T10:00:00Z", today - chrono::Days::new(day));
        let qty = 2 + (day % 3) as i64;
        w.local(
            "create_order",
            json!({"number": format!("H{day:02}"), "customer": {"name": "Ada Lee"},
                   "ship_to": {"name": "Ada Lee", "address1": "1 High Street", "city": "Leeds",
                               "postal_code": "LS1 1AA", "country": "GB"},
                   "payment_status": "paid", "placed_at": placed,
                   "lines": [{"product": "A", "qty": qty}]}),
        );
    }
    let page = w.local("stock_levels", json!({"text": "A", "sort": "demand"}));
    let a = &page["rows"][0];
    assert_eq!(a["sku"], "A");
    assert_eq!(a["available"], 60);
    let plan = &a["plan"];
    assert_eq!(plan["no_history"], false);
    assert!((plan["forecast_daily"].as_f64().unwrap() - 3.0).abs() < 0.05, "{plan}");
    assert!((plan["days_of_cover"].as_f64().unwrap() - 20.0).abs() < 0.5, "{plan}");
    // Lead time 7 days at 3 a day is 21, plus safety stock.
    assert!(plan["reorder_point"].as_f64().unwrap() > 21.0, "{plan}");

    let result = w.local("what_if", json!({"sku": "A", "levels": [1.0, 1.5, 2.0]}));
    let outcomes = result["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), 4, "three levels and the holiday peak");
    assert_eq!(outcomes[3]["name"], "holiday peak");
    let field =
        |k: &str| -> Vec<f64> { outcomes[..3].iter().map(|o| o[k].as_f64().unwrap()).collect() };
    let (fill, short, cover) = (field("fill_rate"), field("stockout_days"), field("days_of_cover"));
    assert!(fill.windows(2).all(|p| p[0] >= p[1]), "fill falls as demand rises: {fill:?}");
    assert!(fill[0] > fill[2], "twice the demand fills worse: {fill:?}");
    assert!(short.windows(2).all(|p| p[0] <= p[1]), "stock-outs grow: {short:?}");
    assert!(cover.windows(2).all(|p| p[0] > p[1]), "cover shrinks: {cover:?}");
    let again = w.local("what_if", json!({"sku": "A", "levels": [1.0, 1.5, 2.0]}));
    assert_eq!(again, result, "the same question gets the same answer");

    let missing = w.app.call(backroom_api::Caller::Local, "what_if", json!({"sku": "NOPE"}));
    assert_eq!(missing.unwrap_err().code, backroom_api::ErrorCode::NotFound);
}

#[test]
fn the_dashboard_counts_audit_causes_back_orders_and_todays_work() {
    let w = Warehouse::new();
    w.receive("A", 5, "A01-1-01-L");
    w.receive("B", 5, "A01-1-02-L");
    w.order("1001", &[("A", 2), ("B", 1)]);
    w.order("1002", &[("A", 9)]);
    for (sku, qty, bin) in [("A", 2, "A01-1-01-L"), ("B", 1, "A01-1-02-L")] {
        let req = json!({"order": "1001", "product": sku, "bin": bin, "qty": qty});
        w.at("Pack 1", "OP-PICK", "pick", req).unwrap();
    }
    // One apron short (310 g of 210 + 100 + 10), then right.
    for grams in [210.0, 310.0] {
        let req = json!({"order": "1001", "box": "BOX", "grams": grams, "stable": true});
        w.at("Pack 1", "OP-PACK", "weigh", req).unwrap();
    }

    let d = w.local("dashboard", json!({"days": 7}));
    let audit = &d["audit"];
    assert_eq!(
        (audit["weighings"].as_u64(), audit["passed"].as_u64(), audit["failed"].as_u64()),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(audit["by_cause"], json!([{"cause": "item_missing", "count": 1}]));

    // Order 1002 wants 9 aprons; 3 are left after 1001's two.
    assert_eq!(d["backorders"]["orders"], 1);
    assert_eq!(d["backorders"]["units"], 6);
    assert_eq!(d["backorders"]["by_age"][0], json!({"label": "0–1 days", "orders": 1}));
    assert_eq!(d["stockout_count"], 1);
    assert_eq!(d["stockouts"][0]["sku"], "A");

    let hours = d["throughput"].as_array().unwrap();
    let picked: i64 = hours.iter().map(|h| h["picked_units"].as_i64().unwrap()).sum();
    let packed: i64 = hours.iter().map(|h| h["packed_orders"].as_i64().unwrap()).sum();
    assert_eq!((picked, packed), (3, 1));
    assert!(hours.iter().any(|h| h["operator"] == "Pat" && h["station"] == "Pack 1"));
    assert!(hours.iter().any(|h| h["operator"] == "Pia" && h["packed_orders"] == 1));
    assert_eq!(d["fill"]["groupings"][0]["by"], "day");
}
