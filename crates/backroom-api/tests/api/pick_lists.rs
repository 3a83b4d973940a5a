//! Pick lists: allocated orders batched onto carts, shown as stops in walking order, and done
//! when every order on them is picked.

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
        let w = Warehouse(common::Warehouse::open());
        w.local(
            "set_layout",
            json!({"layout": {"name": "t", "aisles": 10, "blocks": 2, "slots_per_side": 10,
                "slot_length_m": 1.0, "aisle_pitch_m": 3.0, "cross_aisle_m": 2.0}}),
        );
        w.local("save_area", json!({"code": "PACKING", "kind": "packing"}));
        w.local("save_station", json!({"name": "Pick 1"}));
        w.local("save_operator", json!({"name": "Pat", "role": "picker", "badge": "OP-PICK"}));
        w
    }

    fn picker(&self, name: &str, req: Value) -> Value {
        self.at("Pick 1", "OP-PICK", name, req).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// A product stocked in one bin, and an order for one of it.
    fn order_from(&self, number: &str, bin: &str) {
        let sku = format!("SKU-{number}");
        self.local("save_product", json!({"sku": sku, "name": sku, "unit_weight": "100 g"}));
        self.local("receive", json!({"product": sku, "qty": 5, "to": bin}));
        self.local(
            "create_order",
            json!({"number": number, "payment_status": "paid",
                "placed_at": format!("2026-11-20T09:{}:00Z", &number[2..]),
                "customer": {"name": "Ada Lee"},
                "ship_to": {"name": "Ada Lee", "address1": "1 High Street", "city": "Leeds",
                            "postal_code": "LS1 1AA", "country": "GB"},
                "lines": [{"product": sku, "qty": 2}]}),
        );
    }
}

#[test]
fn neighbours_share_a_cart_and_the_list_is_walked_in_route_order_until_done() {
    let w = Warehouse::new();
    // Orders arrive alternating between the first and the last aisle.
    for (number, bin) in [
        ("1010", "A01-1-02-L"),
        ("1011", "A10-1-02-L"),
        ("1012", "A01-1-05-R"),
        ("1013", "A10-1-06-R"),
    ] {
        w.order_from(number, bin);
    }
    let plan = w.local("plan_pick_lists", json!({"totes": 2}));
    let lists = plan["lists"].as_array().unwrap();
    assert_eq!(lists.len(), 2, "{plan}");
    let (planned, fcfs) =
        (plan["distance_m"].as_f64().unwrap(), plan["fcfs_distance_m"].as_f64().unwrap());
    assert!(planned < fcfs, "planned {planned} m against first come first served {fcfs} m");

    let first = w.local("get_pick_list", json!({"id": lists[0]["id"]}));
    let numbers: Vec<&str> =
        first["orders"].as_array().unwrap().iter().map(|o| o["number"].as_str().unwrap()).collect();
    assert_eq!(numbers, ["1010", "1012"], "the two first-aisle orders share a cart");
    let stops = first["stops"].as_array().unwrap();
    let seqs: Vec<u64> = stops.iter().map(|s| s["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, [1, 2]);
    assert_eq!(first["layout"]["aisles"], 10, "the map needs the layout");

    for stop in stops {
        w.picker(
            "pick",
            json!({"order": stop["order"], "product": stop["sku"], "bin": stop["bin"], "qty": stop["qty"]}),
        );
    }
    let done = w.local("get_pick_list", json!({"id": lists[0]["id"]}));
    assert_eq!(done["summary"]["status"], "done");
    assert!(done["stops"].as_array().unwrap().iter().all(|s| s["qty"] == 0 && s["picked"] == 2));
    assert!(done["orders"].as_array().unwrap().iter().all(|o| o["status"] == "picked"));
    let open = w.local("list_pick_lists", json!({}));
    assert_eq!(open.as_array().unwrap().len(), 1);

    // The other orders are already on a list: nothing is left to plan.
    let err = w.app.call(Caller::Local, "plan_pick_lists", json!({})).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert_eq!(w.local("check_ledger", json!({}))["ok"], true);
}
