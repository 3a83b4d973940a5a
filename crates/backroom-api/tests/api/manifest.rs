//! The end-of-day manifest: the packages packed today, by carrier, each on one manifest only;
//! a close-out that can be repeated safely; the PDF for the driver and the CSV for the carrier;
//! and the carrier and service an order carries from entry, a CSV file or a Shopify export.
//! Each test runs against a real SQLite file.

use std::path::Path;
use std::process::Command;

use backroom_api::ErrorCode;
use base64::Engine;
use chrono::{Days, Utc};
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
        w.local(
            "save_product",
            json!({"sku": "MUG-B", "name": "Blue Mug", "category": "kitchen",
                   "unit_weight": "340 g",
                   "dimensions_mm": {"length": 100, "width": 90, "height": 110}}),
        );
        w.local(
            "save_product",
            json!({"sku": "VASE", "name": "Vase", "category": "home",
                   "dimensions_mm": {"length": 120, "width": 120, "height": 300}}),
        );
        w.local("save_station", json!({"name": "Pack 1"}));
        w.local("save_operator", json!({"name": "Pat", "role": "picker", "badge": "OP-PICK"}));
        w.local("save_operator", json!({"name": "Pia", "role": "packer", "badge": "OP-PACK"}));
        w.local("save_operator", json!({"name": "Max", "role": "manager", "badge": "OP-MGR"}));
        w.local(
            "save_box",
            json!({"code": "BOX-S", "name": "Small", "tare_g": 150,
                   "inner_mm": {"length": 300, "width": 200, "height": 350}}),
        );
        w
    }

    fn as_(&self, badge: &str, name: &str, req: Value) -> Value {
        self.at("Pack 1", badge, name, req).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// Enters an order for `qty` of `sku` with these shipping fields and picks what was
    /// reserved.
    fn picked(&self, number: &str, sku: &str, qty: i64, shipping: Value) {
        self.local("receive", json!({"product": sku, "qty": qty, "to": "A01-1-01-L"}));
        let mut order = json!({"number": number,
            "customer": {"name": "Ada Lee", "email": "ada@example.com"},
            "ship_to": {"name": format!("Ada Lee {number}"), "address1": "1 High Street",
                        "city": "Leeds", "postal_code": "LS1 1AA", "country": "GB"},
            "billing_country": "GB", "payment_status": "paid",
            "lines": [{"product": sku, "qty": qty}]});
        for (key, value) in shipping.as_object().unwrap() {
            order[key] = value.clone();
        }
        let order = self.local("create_order", order);
        assert_eq!(order["status"], "allocated", "{order}");
        self.pick(number, sku);
    }

    fn pick(&self, number: &str, sku: &str) {
        let order = self.local("get_order", json!({"number": number}));
        let qty = order["lines"][0]["reserved"].as_i64().unwrap();
        let req = json!({"order": number, "product": sku, "bin": "A01-1-01-L", "qty": qty});
        self.as_("OP-PICK", "pick", req);
    }

    /// Weighs a picked order of blue mugs at the weight that passes.
    fn pack(&self, number: &str, grams: f64) -> Value {
        let req = json!({"order": number, "box": "BOX-S", "grams": grams, "stable": true});
        let weighed = self.as_("OP-PACK", "weigh", req);
        assert_eq!(weighed["status"], "packed", "{weighed}");
        weighed
    }

    fn ship(&self, number: &str) -> Value {
        self.as_("OP-PACK", "ship_order", json!({"number": number}))
    }

    fn manifest(&self, date: Option<&str>) -> Value {
        self.local("manifest", json!({"date": date}))
    }

    fn close(&self, carrier: &str) -> Value {
        self.as_("OP-PACK", "close_manifest", json!({"carrier": carrier}))
    }

    fn order(&self, number: &str) -> Value {
        self.local("get_order", json!({"number": number}))
    }

    /// Runs SQL on the database, as another program would.
    fn sql(&self, sql: &str) -> usize {
        self.db.execute(sql, []).unwrap()
    }
}

/// One blue mug in the small box: 340 g + 150 g of box + 10 g of packing.
const ONE_MUG_G: f64 = 500.0;

fn carriers(m: &Value) -> Vec<(String, u64, f64)> {
    m["carriers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let count = c["count"].as_u64().unwrap();
            assert_eq!(c["packages"].as_array().unwrap().len() as u64, count);
            (c["carrier"].as_str().unwrap().to_owned(), count, c["total_g"].as_f64().unwrap())
        })
        .collect()
}

fn orders_of(m: &Value) -> Vec<String> {
    let mut orders: Vec<String> = m["carriers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["packages"].as_array().unwrap().clone())
        .map(|p| p["order"].as_str().unwrap().to_owned())
        .collect();
    orders.sort();
    orders
}

fn yesterday() -> String {
    Utc::now().date_naive().checked_sub_days(Days::new(1)).unwrap().to_string()
}

#[test]
fn only_todays_packed_packages_are_listed_each_once_by_carrier() {
    let w = Warehouse::new();
    let ups = json!({"carrier": "UPS", "service": "UPS Ground"});
    // Packed and waiting for the driver, and packed and shipped: both go.
    w.picked("1001", "MUG-B", 1, ups.clone());
    w.pack("1001", 502.0);
    w.picked("1002", "MUG-B", 2, json!({"service": "UPS Next Day Air"}));
    w.pack("1002", 842.0);
    w.ship("1002");
    // A product without weight cannot pass; a manager packs it over the audit.
    w.picked("1003", "VASE", 1, json!({"carrier": "DPD", "service": "DPD Next Day"}));
    let weighed = w.as_(
        "OP-PACK",
        "weigh",
        json!({"order": "1003", "box": "BOX-S", "grams": 1500.0,
                                         "stable": true}),
    );
    assert_eq!(weighed["status"], "picked");
    w.as_(
        "OP-MGR",
        "override_weighing",
        json!({"order": "1003", "reason": "vase weighed by hand"}),
    );
    // Failed and not overridden: still on the bench.
    w.picked("1004", "MUG-B", 1, ups.clone());
    let failed = w.as_(
        "OP-PACK",
        "weigh",
        json!({"order": "1004", "box": "BOX-S",
                                                  "grams": 900.0, "stable": true}),
    );
    assert_eq!(failed["verdict"]["kind"], "fail", "{failed}");
    // Packed, then cancelled: it does not go.
    w.picked("1005", "MUG-B", 1, ups.clone());
    w.pack("1005", ONE_MUG_G);
    w.local("cancel_order", json!({"number": "1005", "reason": "customer asked to cancel"}));
    // Packed yesterday: yesterday's manifest, not today's.
    w.picked("1006", "MUG-B", 1, ups.clone());
    w.pack("1006", ONE_MUG_G);
    let day = yesterday();
    w.sql(&format!(
        "UPDATE weighings SET at = '{day}T18:30:00Z'
         WHERE order_id = (SELECT id FROM orders WHERE number = '1006')"
    ));

    let today = w.manifest(None);
    assert_eq!(today["date"], Utc::now().date_naive().to_string());
    assert_eq!(orders_of(&today), ["1001", "1002", "1003"]);
    assert_eq!(
        carriers(&today),
        [("DPD".to_owned(), 1, 1500.0), ("UPS".to_owned(), 2, 502.0 + 842.0)],
        "1002 named no carrier; its service says UPS"
    );
    assert_eq!(today["count"], 3);
    assert_eq!(today["total_g"], 502.0 + 842.0 + 1500.0);
    let ups_packages = &today["carriers"][1]["packages"];
    assert_eq!(ups_packages[1]["service"], "UPS Next Day Air");
    assert_eq!(ups_packages[1]["ship_name"], "Ada Lee 1002");
    assert_eq!(ups_packages[1]["weight_g"], 842.0, "the audited weight");

    let before = w.manifest(Some(&day));
    assert_eq!(orders_of(&before), ["1006"]);
    let err = w.app.call(backroom_api::Caller::Local, "manifest", json!({"date": "23/11/2026"}));
    let err = err.unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid);
    assert!(err.message.contains("2026-11-23"), "{}", err.message);
}

#[test]
fn an_order_shipped_in_two_parts_is_two_packages() {
    let w = Warehouse::new();
    // Two ordered, one in stock: one ships now, the other follows when stock arrives.
    w.local("receive", json!({"product": "MUG-B", "qty": 1, "to": "A01-1-01-L"}));
    let order = w.local(
        "create_order",
        json!({"number": "2001", "customer": {"name": "Bo"},
               "ship_to": {"name": "Bo", "address1": "2 Low Road", "city": "York",
                           "postal_code": "YO1 1AA", "country": "GB"},
               "billing_country": "GB", "payment_status": "paid", "carrier": "Royal Mail",
               "lines": [{"product": "MUG-B", "qty": 2}]}),
    );
    assert_eq!(order["status"], "allocated", "{order}");
    w.pick("2001", "MUG-B");
    w.pack("2001", ONE_MUG_G);
    assert_eq!(w.ship("2001")["status"], "released", "one mug waits for stock");
    w.local("receive", json!({"product": "MUG-B", "qty": 1, "to": "A01-1-01-L"}));
    assert_eq!(w.order("2001")["status"], "allocated");
    let m = w.manifest(None);
    assert_eq!(carriers(&m), [("Royal Mail".to_owned(), 1, ONE_MUG_G)], "the first part left");
    w.pick("2001", "MUG-B");
    w.pack("2001", 498.0);
    let m = w.manifest(None);
    assert_eq!(carriers(&m), [("Royal Mail".to_owned(), 2, ONE_MUG_G + 498.0)]);
    assert_eq!(orders_of(&m), ["2001", "2001"]);
}

#[test]
fn close_out_marks_the_packages_and_repeating_it_changes_nothing() {
    let w = Warehouse::new();
    let ups = json!({"carrier": "UPS", "service": "UPS Ground"});
    for number in ["3001", "3002"] {
        w.picked(number, "MUG-B", 1, ups.clone());
        w.pack(number, ONE_MUG_G);
    }
    w.picked("3003", "MUG-B", 1, json!({"service": "DPD Next Day"}));
    w.pack("3003", 505.0);

    let closed = w.close("UPS");
    let first = &closed["closed"];
    assert_eq!(first["carrier"], "UPS");
    assert_eq!(first["packages"], 2);
    assert_eq!(first["total_g"], 2.0 * ONE_MUG_G);
    assert_eq!(first["closed_by"], "Pia");
    assert_eq!(first["station"], "Pack 1");
    assert_eq!(first["date"], Utc::now().date_naive().to_string());
    assert_eq!(closed["of_the_day"].as_array().unwrap().len(), 1);
    assert_eq!(
        carriers(&w.manifest(None)),
        [("DPD".to_owned(), 1, 505.0)],
        "UPS is listed no more"
    );

    // Again, from another station or a second click, in any case: nothing new is written.
    for carrier in ["UPS", "ups"] {
        let again = w.close(carrier);
        assert_eq!(again["closed"], Value::Null, "{again}");
        assert_eq!(again["of_the_day"], json!([first.clone()]));
    }
    assert_eq!(w.local("list_manifests", json!({})).as_array().unwrap().len(), 1);

    // A box packed after the close-out opens the next manifest.
    w.picked("3004", "MUG-B", 1, ups.clone());
    w.pack("3004", ONE_MUG_G);
    assert_eq!(orders_of(&w.manifest(None)), ["3003", "3004"]);
    let second = w.close("UPS");
    assert_eq!(second["closed"]["packages"], 1);
    assert_ne!(second["closed"]["id"], first["id"]);
    assert_eq!(second["of_the_day"].as_array().unwrap().len(), 2);
    w.close("DPD");
    assert_eq!(w.manifest(None)["carriers"], json!([]));
    let all = w.local("list_manifests", json!({}));
    let carriers: Vec<&str> =
        all.as_array().unwrap().iter().map(|m| m["carrier"].as_str().unwrap()).collect();
    assert_eq!(carriers, ["DPD", "UPS", "UPS"], "newest first");
    let ups_only = w.local("list_manifests", json!({"carrier": "ups"}));
    assert_eq!(ups_only.as_array().unwrap().len(), 2);

    // Each package is on one manifest, and the database refuses a second.
    let (rows, weighings): (i64, i64) = w
        .db
        .query_row("SELECT count(*), count(DISTINCT weighing_id) FROM manifest_packages", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((rows, weighings), (4, 4));
    let twice = w.db.execute(
        "INSERT INTO manifest_packages (manifest_id, weighing_id, order_id, service, weight_g)
         SELECT ?1, weighing_id, order_id, service, weight_g FROM manifest_packages LIMIT 1",
        [second["closed"]["id"].as_i64().unwrap()],
    );
    let refused = backroom_api::ApiError::from(twice.unwrap_err());
    assert_eq!(refused.code, ErrorCode::Conflict);
    assert!(refused.message.contains("that package on a manifest already exists"), "{refused}");

    // A carrier with nothing packed is named wrongly or has nothing: say which carriers have.
    w.picked("3005", "MUG-B", 1, ups);
    w.pack("3005", ONE_MUG_G);
    let err = w.at("Pack 1", "OP-PACK", "close_manifest", json!({"carrier": "FedEx"})).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(err.message.contains("carriers with packages: UPS"), "{}", err.message);
    // Closing out is for the packing bench and managers.
    let err = w.at("Pack 1", "OP-PICK", "close_manifest", json!({"carrier": "UPS"})).unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {name} ({e}); install poppler-utils"));
    assert!(out.status.success(), "{name} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn file(w: &Warehouse, id: &Value, format: &str) -> (String, String, Vec<u8>) {
    let f = w.as_("OP-PACK", "manifest_file", json!({"id": id, "format": format}));
    let bytes = base64::engine::general_purpose::STANDARD.decode(f["base64"].as_str().unwrap());
    (
        f["filename"].as_str().unwrap().to_owned(),
        f["content_type"].as_str().unwrap().to_owned(),
        bytes.unwrap(),
    )
}

#[test]
fn the_pdf_names_the_carrier_and_every_order_and_the_csv_has_a_row_each() {
    let w = Warehouse::new();
    let numbers: Vec<String> = (0..45).map(|n| format!("#{}", 4001 + n)).collect();
    for number in &numbers {
        w.picked(number, "MUG-B", 1, json!({"service": "Royal Mail Tracked 48"}));
        w.pack(number, ONE_MUG_G);
    }
    let closed = w.close("royal mail");
    let id = &closed["closed"]["id"];
    assert_eq!(closed["closed"]["carrier"], "Royal Mail");

    let (name, kind, pdf) = file(&w, id, "pdf");
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    assert_eq!(kind, "application/pdf");
    let today = Utc::now().date_naive().to_string();
    assert_eq!(name, format!("manifest-{id}-royal-mail-{today}.pdf"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(&name);
    std::fs::write(&path, &pdf).unwrap();
    let text = tool("pdftotext", &["-layout", path.to_str().unwrap(), "-"]);
    assert!(text.contains(&format!("Manifest {id}: Royal Mail")), "{text}");
    for number in &numbers {
        // In the order column and in the ship-to name, which the helper makes of it.
        assert_eq!(text.matches(number.as_str()).count(), 2, "{number} once in\n{text}");
    }
    assert!(text.contains("Packages: 45"), "{text}");
    assert!(text.contains("Total weight: 22.500 kg"), "{text}");
    assert!(text.contains("Signature"), "{text}");
    let pages = pages(&path);
    assert!(pages >= 2, "45 packages fill more than a page ({pages})");
    assert_eq!(text.matches("Ship to").count(), pages, "the table header on every page");

    let (name, kind, csv) = file(&w, id, "csv");
    assert_eq!((name.ends_with(".csv"), kind.as_str()), (true, "text/csv"));
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        header,
        [
            "manifest",
            "carrier",
            "date",
            "order",
            "ship_name",
            "city",
            "postal_code",
            "country",
            "service",
            "weight_kg",
            "packed_at"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 45);
    let mut listed: Vec<&str> = rows.iter().map(|r| &r[3]).collect();
    listed.sort();
    assert_eq!(listed, numbers);
    assert_eq!(&rows[0][1], "Royal Mail");
    assert_eq!(&rows[0][2], today);
    assert_eq!(&rows[0][5], "Leeds");
    assert_eq!(&rows[0][8], "Royal Mail Tracked 48");
    assert_eq!(&rows[0][9], "0.500");

    let err = w.at("Pack 1", "OP-PACK", "manifest_file", json!({"id": 999, "format": "pdf"}));
    assert_eq!(err.unwrap_err().code, ErrorCode::NotFound);
}

fn pages(path: &Path) -> usize {
    let info = tool("pdfinfo", &[path.to_str().unwrap()]);
    let line = info.lines().find(|l| l.starts_with("Pages:")).expect("pdfinfo prints Pages:");
    line["Pages:".len()..].trim().parse().unwrap()
}

#[test]
fn orders_carry_carrier_and_service_from_entry_csv_and_shopify() {
    let w = Warehouse::new();
    let entered = |number: &str, shipping: Value| {
        let mut order = json!({"number": number, "customer": {"name": "Cy"},
            "ship_to": {"name": "Cy", "address1": "3 Mill Lane", "city": "Hull",
                        "postal_code": "HU1 1AA", "country": "GB"},
            "payment_status": "paid", "lines": [{"product": "MUG-B", "qty": 1}]});
        for (key, value) in shipping.as_object().unwrap() {
            order[key] = value.clone();
        }
        let order = w.local("create_order", order);
        (
            order["carrier"].as_str().unwrap().to_owned(),
            order["service"].as_str().unwrap().to_owned(),
        )
    };
    assert_eq!(
        entered("5001", json!({"service": "UPS Ground"})),
        ("UPS".into(), "UPS Ground".into())
    );
    assert_eq!(
        entered("5002", json!({"carrier": " Parcelforce ", "service": "Express 24"})),
        ("Parcelforce".into(), "Express 24".into())
    );
    assert_eq!(
        entered("5003", json!({"service": "Groups Express"})),
        (String::new(), "Groups Express".into())
    );
    assert_eq!(entered("5004", json!({})), (String::new(), String::new()));

    let csv = "number,ship_name,ship_address1,ship_city,ship_postal_code,ship_country,payment_status,sku,qty,carrier,service\n\
               6001,Di,4 Dock St,Hull,HU1 2AA,GB,paid,MUG-B,1,DPD,DPD Next Day\n\
               6002,Ed,5 Dock St,Hull,HU1 3AA,GB,paid,MUG-B,1,,Royal Mail Tracked 24\n\
               6003,Flo,6 Dock St,Hull,HU1 4AA,GB,paid,MUG-B,1,,\n";
    let report = w.local("import_csv", json!({"table": "orders", "csv": csv}));
    assert_eq!(report["created"], 3, "{report}");
    let shipping = |number: &str| {
        let o = w.order(number);
        (o["carrier"].as_str().unwrap().to_owned(), o["service"].as_str().unwrap().to_owned())
    };
    assert_eq!(shipping("6001"), ("DPD".into(), "DPD Next Day".into()));
    assert_eq!(shipping("6002"), ("Royal Mail".into(), "Royal Mail Tracked 24".into()));
    assert_eq!(shipping("6003"), (String::new(), String::new()));

    let shopify = "Name,Email,Financial Status,Shipping Method,Created at,Lineitem quantity,Lineitem sku,Shipping Name,Shipping Address1,Shipping City,Shipping Zip,Shipping Country,Billing Country\n\
                   #7001,gu@example.com,paid,Royal Mail Tracked 48,2026-11-20 15:03:11 -0500,1,MUG-B,Gu,7 Quay,Hull,HU1 5AA,GB,GB\n\
                   #7002,hal@example.com,paid,Standard Shipping,2026-11-20 14:03:11 -0500,1,MUG-B,Hal,8 Quay,Hull,HU1 6AA,GB,GB\n";
    let report = w.local("import_csv", json!({"table": "orders", "csv": shopify}));
    assert_eq!(report["created"], 2, "{report}");
    assert_eq!(shipping("#7001"), ("Royal Mail".into(), "Royal Mail Tracked 48".into()));
    assert_eq!(shipping("#7002"), (String::new(), "Standard Shipping".into()));

    // An order that names no carrier goes with the store's default at close-out.
    let mut settings = w.local("get_settings", json!({}));
    settings["shipping"] = json!({"default_carrier": "Evri", "default_service": "Evri Standard"});
    w.local("save_settings", settings);
    w.local("receive", json!({"product": "MUG-B", "qty": 1, "to": "A01-1-01-L"}));
    // The oldest order waiting for mugs gets the one that arrived.
    assert_eq!(w.order("#7002")["status"], "allocated");
    w.pick("#7002", "MUG-B");
    w.pack("#7002", ONE_MUG_G);
    let m = w.manifest(None);
    assert_eq!(carriers(&m), [("Evri".to_owned(), 1, ONE_MUG_G)]);
    assert_eq!(m["carriers"][0]["packages"][0]["service"], "Standard Shipping");
}
