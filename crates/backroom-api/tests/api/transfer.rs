//! CSV import and export through the command surface, against a real database file.

use backroom_api::transfer::{ImportReport, RowError};
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
    /// A database with a small layout and a receiving area, and no products.
    fn new() -> Warehouse {
        let w = Warehouse(common::Warehouse::open());
        w.local(
            "set_layout",
            json!({"layout": {"name": "t", "aisles": 4, "blocks": 2, "slots_per_side": 5,
                              "slot_length_m": 1.0, "aisle_pitch_m": 3.0, "cross_aisle_m": 2.0}}),
        );
        w.local("save_area", json!({"code": "RECEIVING", "kind": "receiving"}));
        w
    }

    fn import(&self, table: &str, csv: &str) -> ImportReport {
        self.import_with(table, csv, false)
    }

    fn import_with(&self, table: &str, csv: &str, dry_run: bool) -> ImportReport {
        let res = self.local("import_csv", json!({"table": table, "csv": csv, "dry_run": dry_run}));
        serde_json::from_value(res).unwrap()
    }

    fn export(&self, table: &str) -> String {
        let res = self.local("export_csv", json!({"table": table}));
        let filename = res["filename"].as_str().unwrap();
        assert!(filename.starts_with(table) && filename.ends_with(".csv"), "{filename}");
        res["csv"].as_str().unwrap().to_owned()
    }

    fn product_count(&self) -> u64 {
        let page = self.local("search_products", json!({"include_inactive": true}));
        page["total"].as_u64().unwrap()
    }

    fn order_count(&self) -> u64 {
        self.local("list_orders", json!({}))["total"].as_u64().unwrap()
    }

    fn movement_count(&self) -> usize {
        self.local("list_movements", json!({})).as_array().unwrap().len()
    }
}

const PRODUCTS: &str = "\
sku,name,category,unit_weight,barcodes,price,length_mm,width_mm,height_mm,active
MUG-1,Mug,Kitchen,350 g,036000291452|BR-000123,12.99,120,90,100,true
TEA-1,Tea,Pantry,1.2kg,4006381333931;96385074,4.50,,,,
PEN-1,Pen,Office,9 oz,,0.99,150,10,10,no
BOX-1,Box,,2.5 lb,10012345678902,,,,,1
BAG-1,Bag,,,,,,,,
";

const ORDERS: &str = "\
number,placed_at,ship_by,customer_name,customer_email,customer_phone,ship_name,ship_address1,ship_address2,ship_city,ship_region,ship_postal_code,ship_country,billing_country,payment_status,priority,sku,qty,unit_price
1001,2026-11-23,2026-11-25,Ada Lee,ada@example.com,,Ada Lee,1 High St,,Leeds,,LS1 1AA,gb,GB,pending,1,MUG-1,2,12.99
1001,,,,,,,,,,,,,,,,TEA-1,1,
1002,2026-11-24T09:30:00Z,,Bo Chan,bo@example.com,555-0100,Bo Chan,\"2 Low Rd, Flat 3\",Unit 4,York,,YO1 7HH,GB,GB,Paid,0,036000291452,3,11.00
";

fn find<'a>(errors: &'a [RowError], line: u64, column: &str) -> &'a RowError {
    errors
        .iter()
        .find(|e| e.line == line && e.column.as_deref() == Some(column))
        .unwrap_or_else(|| panic!("no error on line {line}, column {column}: {errors:#?}"))
}

#[test]
fn products_import_with_units_barcodes_and_prices() {
    let w = Warehouse::new();
    let report = w.import("products", PRODUCTS);
    assert!(report.ok, "{:#?}", report.errors);
    assert_eq!((report.rows, report.created, report.updated), (5, 5, 0));
    assert_eq!(w.product_count(), 5);

    let tea = w.local("lookup_product", json!({"code": "96385074"}));
    assert_eq!(tea["product"]["sku"], "TEA-1");
    assert_eq!(tea["product"]["unit_weight_g"], 1200.0);
    assert_eq!(tea["product"]["price_cents"], 450);
    assert_eq!(tea["product"]["barcodes"].as_array().unwrap().len(), 2);
    assert_eq!(tea["product"]["dimensions_mm"], Value::Null);
    assert_eq!(tea["product"]["active"], true);

    let pen = w.local("lookup_product", json!({"code": "PEN-1"}))["product"].clone();
    assert!((pen["unit_weight_g"].as_f64().unwrap() - 255.146).abs() < 0.001);
    assert_eq!(pen["dimensions_mm"], json!({"length": 150.0, "width": 10.0, "height": 10.0}));
    assert_eq!(pen["active"], false);
    let bag = w.local("lookup_product", json!({"code": "BAG-1"}))["product"].clone();
    assert_eq!(bag["unit_weight_g"], Value::Null, "no weight given: not known yet");
    assert_eq!(bag["price_cents"], 0);
    let mug = w.local("lookup_product", json!({"code": "BR-000123"}))["product"].clone();
    assert_eq!(mug["sku"], "MUG-1");
    assert_eq!(mug["price_cents"], 1299);
}

#[test]
fn reimporting_products_changes_only_what_differs() {
    let w = Warehouse::new();
    assert!(w.import("products", PRODUCTS).ok);
    let again = w.import("products", PRODUCTS);
    assert!(again.ok, "{:#?}", again.errors);
    assert_eq!((again.rows, again.created, again.updated), (5, 0, 0), "nothing differs");
    assert_eq!(w.product_count(), 5);

    // The mug gets a new price and the tea's EAN-8 moves to a new product in the same file.
    let changed = "sku,name,price,barcodes\n\
                   MUG-1,Mug,13.49,036000291452|BR-000123\n\
                   TEA-1,Tea,4.50,4006381333931\n\
                   TIN-1,Tea tin,2.00,96385074\n";
    let report = w.import("products", changed);
    assert!(report.ok, "{:#?}", report.errors);
    assert_eq!((report.created, report.updated), (1, 2));
    assert_eq!(w.local("lookup_product", json!({"code": "96385074"}))["product"]["sku"], "TIN-1");
    let mug = w.local("lookup_product", json!({"code": "MUG-1"}))["product"].clone();
    assert_eq!(mug["price_cents"], 1349);
    assert_eq!(mug["category"], "Kitchen", "a column left out of the file keeps its value");
    assert_eq!(mug["unit_weight_g"], 350.0);

    // An empty value in a column the file has clears it.
    let report = w.import("products", "sku,name,barcodes,unit_weight\nTIN-1,Tea tin,,\n");
    assert_eq!((report.ok, report.created, report.updated), (true, 0, 1), "{:#?}", report.errors);
    let tin = w.local("lookup_product", json!({"code": "TIN-1"}))["product"].clone();
    assert_eq!(tin["barcodes"], json!([]));
    assert_eq!(tin["price_cents"], 200);
}

#[test]
fn a_bad_products_file_lists_every_problem_and_imports_nothing() {
    let w = Warehouse::new();
    w.local("save_product", json!({"sku": "OLD-1", "name": "Old", "barcodes": ["4006381333931"]}));
    let bad = "\
sku,name,unit_weight,barcodes,price,active,notes
GOOD-1,Fine product,100 g,,1.00,yes,ignored column
MUG-1,Mug,12 stone,,,,
NONAME-1,,,,,,
GOOD-1,Again,,,,,
CHK-1,Check digit,,036000291453,,,
PRC-1,Price,,,12;99,maybe,
TWO-1,Shares a code,,BR-1|BR-2,,,
TWO-2,Shares a code,,BR-2,,,
STEAL-1,Steals a code,,4006381333931,,,
";
    let report = w.import("products", bad);
    assert!(!report.ok);
    assert_eq!(report.rows, 9);
    assert_eq!((report.created, report.updated), (0, 0));
    assert!(find(&report.errors, 3, "unit_weight").reason.contains("unknown unit"));
    assert!(find(&report.errors, 4, "name").reason.contains("needs a name"));
    assert!(find(&report.errors, 5, "sku").reason.contains("line 2"));
    assert!(find(&report.errors, 6, "barcodes").reason.contains("check digit"));
    assert!(find(&report.errors, 7, "price").reason.contains("12.99"));
    assert!(find(&report.errors, 7, "active").reason.contains("true"));
    assert!(find(&report.errors, 9, "barcodes").reason.contains("line 8"));
    assert!(find(&report.errors, 10, "barcodes").reason.contains("OLD-1"));
    assert_eq!(report.errors.len(), 8, "{:#?}", report.errors);
    let lines: Vec<u64> = report.errors.iter().map(|e| e.line).collect();
    assert!(lines.is_sorted(), "{lines:?}");
    assert_eq!(w.product_count(), 1, "not even the good rows were written");
    assert_eq!(
        w.local("lookup_product", json!({"code": "4006381333931"}))["product"]["sku"],
        "OLD-1"
    );
}

#[test]
fn products_are_written_as_one_set_and_a_row_the_database_refuses_is_named() {
    let w = Warehouse::new();
    // A catalogue of a few hundred rows, several statements' worth, goes in at once.
    let mut file = String::from("sku,name,barcodes,price\n");
    for n in 0..300 {
        file.push_str(&format!("S-{n:03},Product {n},INT-{n},{n}.25\n"));
    }
    let report = w.import("products", &file);
    assert_eq!((report.ok, report.created), (true, 300), "{:#?}", report.errors);
    let p = w.local("lookup_product", json!({"code": "INT-217"}))["product"].clone();
    assert_eq!((&p["sku"], &p["price_cents"]), (&json!("S-217"), &json!(21725)));
    assert_eq!(w.export("products").lines().count(), 301);

    // A rule of another program's, which the import does not know: one name, one product.
    w.db.execute_batch("CREATE UNIQUE INDEX one_name ON products (name)").unwrap();
    let file = "sku,name\nN-1,Apple\nN-2,Pear\nN-3,Apple\nN-4,Plum\n";
    let report = w.import("products", file);
    assert!(!report.ok);
    let lines: Vec<u64> = report.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [4], "{:#?}", report.errors);
    assert_eq!(w.product_count(), 300, "none of that file was written");
}

#[test]
fn a_header_without_a_required_column_is_an_error_on_line_one() {
    let w = Warehouse::new();
    let report = w.import("products", "SKU,title\nA-1,Apple\n");
    assert!(!report.ok);
    assert_eq!(report.rows, 1);
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    assert_eq!(find(&report.errors, 1, "name").line, 1);
    let report = w.import("orders", "");
    assert!(!report.ok);
    assert_eq!(report.errors[0].line, 1);
    assert!(report.errors[0].reason.contains("number,placed_at"), "{}", report.errors[0].reason);
    assert_eq!(w.product_count(), 0);
}

#[test]
fn a_dry_run_counts_but_writes_nothing() {
    let w = Warehouse::new();
    let report = w.import_with("products", PRODUCTS, true);
    assert!(report.ok, "{:#?}", report.errors);
    assert_eq!((report.created, report.updated), (5, 0));
    assert_eq!(w.product_count(), 0);
    assert!(w.import("products", PRODUCTS).ok);
    let report = w.import_with("orders", ORDERS, true);
    assert!(report.ok, "{:#?}", report.errors);
    assert_eq!(report.created, 2);
    assert_eq!(w.order_count(), 0);
    let report = w.import_with("stock", "sku,location,qty\nMUG-1,RECEIVING,5\n", true);
    assert!(report.ok, "{:#?}", report.errors);
    assert_eq!(report.created, 1);
    assert_eq!(w.movement_count(), 0);
}

#[test]
fn orders_import_once_and_reimports_update_only_payment() {
    let w = Warehouse::new();
    assert!(w.import("products", PRODUCTS).ok);
    let report = w.import("orders", ORDERS);
    assert!(report.ok, "{:#?}", report.errors);
    assert_eq!((report.rows, report.created, report.updated), (3, 2, 0));

    let first = w.local("get_order", json!({"number": "1001"}));
    assert_eq!(first["status"], "held", "screened once imported: the payment is pending");
    assert_eq!(first["payment_status"], "pending");
    assert_eq!(first["priority"], 1);
    assert_eq!(first["ship_to"]["country"], "GB");
    assert_eq!(first["placed_at"], "2026-11-23T00:00:00Z");
    let lines = first["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2, "the second row is the order's second line");
    assert_eq!(lines[1]["sku"], "TEA-1");
    assert_eq!(lines[1]["unit_price_cents"], 450, "no price given: the product's");
    assert_eq!(first["total_cents"], 2 * 1299 + 450);
    let second = w.local("get_order", json!({"number": "1002"}));
    assert_eq!(second["payment_status"], "paid");
    assert_eq!(second["ship_to"]["address1"], "2 Low Rd, Flat 3");
    assert_eq!(second["lines"][0]["sku"], "MUG-1", "found by its barcode");

    let again = w.import("orders", ORDERS);
    assert!(again.ok, "{:#?}", again.errors);
    assert_eq!((again.created, again.updated), (0, 0));
    assert_eq!(w.order_count(), 2);

    // The shop says 1001 is paid now; its lines in the file are not entered a second time.
    let paid = ORDERS.replace(",pending,", ",paid,");
    let report = w.import("orders", &paid);
    assert!(report.ok, "{:#?}", report.errors);
    assert_eq!((report.created, report.updated), (0, 1));
    assert_eq!(w.order_count(), 2);
    let first = w.local("get_order", json!({"number": "1001"}));
    assert_eq!(first["payment_status"], "paid");
    assert_eq!(first["lines"].as_array().unwrap().len(), 2);

    // A `#` in front of the number names the same order.
    let hashed = paid.replace("\n1002,", "\n#1002,");
    let report = w.import("orders", &hashed);
    assert_eq!((report.ok, report.created, report.updated), (true, 0, 0), "{:#?}", report.errors);
}

/// Large files enter their new orders a set at a time; an order the database refuses within a
/// set is still named by its row, and the file enters nothing.
#[test]
fn an_order_the_database_refuses_in_a_large_file_is_named_by_its_row() {
    let w = Warehouse::new();
    assert!(w.import("products", PRODUCTS).ok);
    let mut csv = String::from("number,placed_at,customer_name,payment_status,sku,qty\n");
    for n in 2000..3500 {
        csv.push_str(&format!("{n},2026-11-23,Customer {n},paid,MUG-1,1\n"));
    }
    // Another program's rule, which no check of the file's can foresee.
    w.db.execute_batch(if backroom_api::testing::TestDatabase::on_postgres() {
        "CREATE TRIGGER refuse_2700 BEFORE INSERT ON orders FOR EACH ROW
         WHEN (NEW.number = '2700') EXECUTE FUNCTION refuse('refused by another program')"
    } else {
        "CREATE TRIGGER refuse_2700 BEFORE INSERT ON orders WHEN NEW.number = '2700'
         BEGIN SELECT RAISE(ABORT, 'refused by another program'); END"
    })
    .unwrap();
    let report = w.import("orders", &csv);
    assert!(!report.ok);
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    assert_eq!(report.errors[0].line, 702, "order 2700 is on line 702");
    assert_eq!(w.order_count(), 0);

    w.db.execute_batch(if backroom_api::testing::TestDatabase::on_postgres() {
        "DROP TRIGGER refuse_2700 ON orders"
    } else {
        "DROP TRIGGER refuse_2700"
    })
    .unwrap();
    let report = w.import("orders", &csv);
    assert!(report.ok, "{:#?}", report.errors);
    assert_eq!(report.created, 1500);
    assert_eq!(w.order_count(), 1500);
    let last = w.local("get_order", json!({"number": "3499"}));
    assert_eq!(last["lines"][0]["sku"], "MUG-1");
    assert_eq!(last["status"], "held", "screened once entered: the file gives no address");
    assert_eq!(last["holds"][0]["rule"], "address");
}

#[test]
fn a_bad_orders_file_lists_every_row_and_enters_nothing() {
    let w = Warehouse::new();
    assert!(w.import("products", PRODUCTS).ok);
    let bad = "\
number,placed_at,customer_name,payment_status,sku,qty,unit_price
2001,2026-11-23,Ada,paid,MUG-1,1,
2001,,,,NOPE-9,1,
2002,yesterday,Bo,bitcoin,TEA-1,two,
2003,,Cy,,PEN-1,0,-1
,,,,MUG-1,1,
";
    let report = w.import("orders", bad);
    assert!(!report.ok);
    assert_eq!(report.rows, 5);
    assert!(find(&report.errors, 3, "sku").reason.contains("NOPE-9"));
    assert!(find(&report.errors, 4, "placed_at").reason.contains("2026-11-23"));
    assert!(find(&report.errors, 4, "payment_status").reason.contains("partially_paid"));
    assert!(find(&report.errors, 4, "qty").reason.contains("whole number"));
    assert!(find(&report.errors, 5, "qty").reason.contains("at least 1"));
    assert!(find(&report.errors, 5, "unit_price").reason.contains("negative"));
    assert!(find(&report.errors, 6, "number").reason.contains("empty"));
    assert_eq!(report.errors.len(), 7, "{:#?}", report.errors);
    assert_eq!(w.order_count(), 0, "the valid order 2001 was not entered either");
}

#[test]
fn stock_imports_as_receipts_through_the_ledger() {
    let w = Warehouse::new();
    assert!(w.import("products", PRODUCTS).ok);
    let stock = "sku,location,qty,reason\n\
                 MUG-1,A01-1-01-L,10,opening stock\n\
                 MUG-1,receiving,4,\n\
                 036000291452,a1-1-2-r,3,\n\
                 TEA-1,A02-2-05-R,7,\n";
    let report = w.import("stock", stock);
    assert!(report.ok, "{:#?}", report.errors);
    assert_eq!((report.rows, report.created, report.updated), (4, 4, 0));

    let ledger = w.local("check_ledger", json!({}));
    assert_eq!(ledger["ok"], true, "{ledger}");
    assert_eq!(ledger["movements"], 4);
    let mug = w.local("lookup_product", json!({"code": "MUG-1"}));
    assert_eq!(mug["totals"]["on_hand"], 17);
    let at = |code: &str| {
        mug["locations"].as_array().unwrap().iter().find(|l| l["location"] == code).cloned()
    };
    assert_eq!(at("A01-1-01-L").unwrap()["on_hand"], 10);
    assert_eq!(at("A01-1-02-R").unwrap()["on_hand"], 3);
    assert_eq!(at("RECEIVING").unwrap()["on_hand"], 4);
    let movements = w.local("list_movements", json!({"product": "MUG-1"}));
    let movements = movements.as_array().unwrap();
    assert!(movements.iter().all(|m| m["kind"] == "receipt" && m["sku"] == "MUG-1"));
    assert!(movements.iter().any(|m| m["reason"] == "opening stock"));

    let export = w.export("stock");
    let mut lines = export.lines();
    assert_eq!(lines.next(), Some("sku,name,location,kind,on_hand,reserved,available"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 4, "{export}");
    assert!(rows.contains(&"MUG-1,Mug,A01-1-01-L,bin,10,0,10"), "{export}");
    assert!(rows.contains(&"MUG-1,Mug,RECEIVING,receiving,4,0,0"), "{export}");

    // The export is a report: importing it would receive everything a second time.
    let report = w.import("stock", &export);
    assert!(!report.ok);
    assert_eq!(find(&report.errors, 1, "qty").line, 1);
    assert_eq!(w.movement_count(), 4);
}

#[test]
fn stock_rows_with_unknown_products_or_places_are_refused() {
    let w = Warehouse::new();
    assert!(w.import("products", PRODUCTS).ok);
    let stock = "sku,location,qty\n\
                 MUG-1,A01-1-01-L,10\n\
                 NOPE-1,A01-1-01-L,1\n\
                 MUG-1,A09-1-01-L,1\n\
                 MUG-1,DOCK,1\n\
                 MUG-1,RECEIVING,-2\n\
                 MUG-1,RECEIVING,1.5\n\
                 MUG-1,RECEIVING,2000000\n";
    let report = w.import("stock", stock);
    assert!(!report.ok);
    assert!(find(&report.errors, 3, "sku").reason.contains("NOPE-1"));
    assert!(find(&report.errors, 4, "location").reason.contains("A09-1-01-L"));
    assert!(find(&report.errors, 5, "location").reason.contains("DOCK"));
    assert!(find(&report.errors, 6, "qty").reason.contains("at least 1"));
    assert!(find(&report.errors, 7, "qty").reason.contains("whole number"));
    assert!(find(&report.errors, 8, "qty").reason.contains("1,000,000"), "{:#?}", report.errors);
    assert_eq!(report.errors.len(), 6, "{:#?}", report.errors);
    assert_eq!(w.movement_count(), 0);
    assert_eq!(w.local("check_ledger", json!({}))["checked"], 0);
}

#[test]
fn stock_is_received_as_one_set_and_a_row_the_ledger_refuses_is_named() {
    let w = Warehouse::new();
    assert!(w.import("products", PRODUCTS).ok);
    // A place holds at most 1,000,000,000 units: the 1,001st full row is one too many. Each
    // row alone is fine, so only the ledger's own bound finds it.
    let mut stock = String::from("sku,location,qty\n");
    for _ in 0..1001 {
        stock.push_str("MUG-1,RECEIVING,1000000\n");
    }
    let report = w.import("stock", &stock);
    assert!(!report.ok);
    let lines: Vec<u64> = report.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [1002], "{:#?}", report.errors);
    assert_eq!(w.movement_count(), 0, "nothing of the file was received");

    // A file within bounds goes in whole.
    let report = w.import("stock", &stock.replace("1000000", "10"));
    assert_eq!((report.ok, report.created), (true, 1001), "{:#?}", report.errors);
    let mug = w.local("lookup_product", json!({"code": "MUG-1"}));
    assert_eq!(mug["totals"]["on_hand"], 10010);
    assert_eq!(w.local("check_ledger", json!({}))["ok"], true);
}

#[test]
fn products_round_trip_through_export() {
    let w = Warehouse::new();
    assert!(w.import("products", PRODUCTS).ok);
    let export = w.export("products");
    assert!(
        export.starts_with(
            "sku,name,category,unit_weight,barcodes,price,length_mm,width_mm,height_mm,active\n"
        ),
        "{export}"
    );
    let report = w.import("products", &export);
    assert!(report.ok, "{:#?}", report.errors);
    assert_eq!((report.created, report.updated), (0, 0), "the export is what is stored");

    let other = Warehouse::new();
    let report = other.import("products", &export);
    assert!(report.ok, "{:#?}", report.errors);
    assert_eq!(report.created, 5);
    assert_eq!(other.export("products"), export);
    for code in ["MUG-1", "PEN-1", "BOX-1"] {
        let want = w.local("lookup_product", json!({"code": code}))["product"].clone();
        let have = other.local("lookup_product", json!({"code": code}))["product"].clone();
        assert_eq!(have, want, "{code}");
    }
}

#[test]
fn orders_round_trip_through_export() {
    let w = Warehouse::new();
    assert!(w.import("products", PRODUCTS).ok);
    assert!(w.import("orders", ORDERS).ok);
    let export = w.export("orders");
    let header = export.lines().next().unwrap();
    assert!(header.starts_with("number,"), "{header}");
    assert_eq!(header.split(',').count(), 22);
    assert!(header.ends_with(",gift_message,carrier,service"), "{header}");
    assert_eq!(export.lines().count(), 4, "one row per order line: {export}");
    let report = w.import("orders", &export);
    assert!(report.ok, "{:#?}", report.errors);
    assert_eq!((report.created, report.updated), (0, 0));

    let other = Warehouse::new();
    assert!(other.import("products", &w.export("products")).ok);
    let report = other.import("orders", &export);
    assert!(report.ok, "{:#?}", report.errors);
    assert_eq!(report.created, 2);
    assert_eq!(other.export("orders"), export);
    for number in ["1001", "1002"] {
        let mut want = w.local("get_order", json!({"number": number}));
        let mut have = other.local("get_order", json!({"number": number}));
        // Only the time the order was entered (and screened) differs.
        for order in [&mut want, &mut have] {
            order["history"] = Value::Null;
            for hold in order["holds"].as_array_mut().unwrap() {
                hold["placed_at"] = Value::Null;
            }
        }
        assert_eq!(have, want, "{number}");
    }
}

/// A Shopify orders export with the full header: #1001 and #1007 paid, #1002 pending with a
/// gift card, #1003 fulfilled (with a product Backroom does not have), #1004 cancelled, #1005
/// partly fulfilled, #1006 only a gift card.
const SHOPIFY: &str = include_str!("../fixtures/shopify_orders.csv");
/// The same shop a few days later: #1001 shipped, #1002 paid, #1007 cancelled and refunded,
/// #1008 new.
const SHOPIFY_LATER: &str = include_str!("../fixtures/shopify_orders_later.csv");

/// The fixture with line `line` (the header being 1) changed by `edit`.
fn edit_line(csv: &str, line: usize, edit: impl Fn(&str) -> String) -> String {
    let mut lines: Vec<String> = csv.lines().map(str::to_owned).collect();
    lines[line - 1] = edit(&lines[line - 1]);
    lines.join("\n") + "\n"
}

fn line_skus(order: &Value) -> Vec<(String, i64, i64)> {
    order["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["sku"].as_str().unwrap().to_owned(),
                l["qty"].as_i64().unwrap(),
                l["unit_price_cents"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_shopify_export_enters_the_orders_the_warehouse_must_ship() {
    let w = Warehouse::new();
    assert!(w.import("products", PRODUCTS).ok);
    let report = w.import("orders", SHOPIFY);
    assert!(report.ok, "{:#?}", report.errors);
    assert_eq!(report.format, "shopify orders");
    assert_eq!(report.rows, 13);
    assert_eq!((report.created, report.updated), (7, 0), "every order of the export");
    assert_eq!(report.skipped, 0, "{:#?}", report.notes);
    let noted = |text: &str| {
        assert!(
            report.notes.iter().any(|n| n.contains(text)),
            "no note `{text}`: {:#?}",
            report.notes
        )
    };
    noted("3 orders the shop had finished with");
    noted("6 lines are kept on their orders as the shop wrote them but not picked");
    assert_eq!(w.order_count(), 7);

    let first = w.local("get_order", json!({"number": "#1001"}));
    assert_eq!(first["number"], "#1001");
    assert_eq!(first["status"], "released", "screened once imported, and nothing holds it");
    assert_eq!(first["payment_status"], "paid");
    assert_eq!(first["placed_at"], "2026-11-20T19:03:11Z", "Shopify's time, in UTC");
    assert_eq!(line_skus(&first), [("MUG-1".into(), 2, 1299), ("TEA-1".into(), 1, 450)]);
    assert_eq!(first["total_cents"], 3547, "Shopify's Total, with shipping");
    assert_eq!(first["currency"], "GBP");
    assert_eq!(first["gift_message"], "", "Notes are a note to the shop, not a gift message");
    assert_eq!(first["customer"]["name"], "Ada Lee");
    assert_eq!(first["customer"]["email"], "ada@example.com");
    assert_eq!(first["customer"]["phone"], "+44 113 496 0000", "Shipping Phone, as Phone is empty");
    assert_eq!(first["ship_to"]["address1"], "1 High St");
    assert_eq!(first["ship_to"]["city"], "Leeds");
    assert_eq!(first["ship_to"]["postal_code"], "LS1 1AA");
    assert_eq!(first["ship_to"]["country"], "GB");
    assert_eq!(first["billing_country"], "GB");

    let second = w.local("get_order", json!({"number": "1002"}));
    assert_eq!(second["payment_status"], "pending");
    assert_eq!(second["status"], "held", "the payment is pending");
    assert_eq!(
        line_skus(&second),
        [("PEN-1".into(), 3, 125), ("BOX-1".into(), 1, 700)],
        "the gift card is left out"
    );
    assert_eq!(second["total_cents"], 4285);
    assert_eq!(second["customer"]["phone"], "+1 617 555 0199", "Phone before Shipping Phone");
    assert_eq!(
        second["ship_to"],
        json!({"name": "Bo Chan", "address1": "200 Main St", "address2": "Chan Trading, Suite 5",
               "city": "Boston", "region": "MA", "postal_code": "02134", "country": "US"})
    );

    let partly = w.local("get_order", json!({"number": "#1005"}));
    assert_eq!(partly["payment_status"], "authorized");
    assert_eq!(line_skus(&partly), [("BAG-1".into(), 2, 300)], "the fulfilled line is left out");
    assert_eq!(partly["ship_to"]["address1"], "Hauptstraße 5, Hinterhaus");
    assert_eq!(
        (partly["ship_to"]["country"].as_str(), partly["billing_country"].as_str()),
        (Some("DE"), Some("FR"))
    );
    let barcode = w.local("get_order", json!({"number": "#1007"}));
    assert_eq!(line_skus(&barcode), [("MUG-1".into(), 1, 1200), ("TEA-1".into(), 4, 400)]);
    // Orders Shopify has finished with are there for the record, never picked.
    for (number, status) in [("#1003", "shipped"), ("#1004", "cancelled"), ("#1006", "shipped")] {
        let order = w.local("get_order", json!({"number": number}));
        assert_eq!(order["status"], status, "{number}");
        assert_eq!(line_skus(&order), [], "{number} has nothing to pick");
    }
}

#[test]
fn shopify_exports_import_again_without_duplicates_and_bring_payment_up_to_date() {
    let w = Warehouse::new();
    assert!(w.import("products", PRODUCTS).ok);
    assert!(w.import("orders", SHOPIFY).ok);

    // Excel saves a byte order mark in front; the file is still Shopify's and changes nothing.
    let again = w.import("orders", &format!("\u{feff}{SHOPIFY}"));
    assert!(again.ok, "{:#?}", again.errors);
    assert_eq!(again.format, "shopify orders");
    assert_eq!((again.created, again.updated, again.skipped), (0, 0, 0));
    assert_eq!(w.order_count(), 7);

    let later = w.import("orders", SHOPIFY_LATER);
    assert!(later.ok, "{:#?}", later.errors);
    assert_eq!(later.created, 1, "only #1008 is new: {:#?}", later.notes);
    assert_eq!(later.updated, 2, "#1002 is paid, #1007 refunded before it was picked");
    assert!(
        later.notes.iter().any(|n| n == "order #1007 was cancelled in the shop; cancelled here"),
        "{:#?}",
        later.notes
    );
    assert_eq!(w.order_count(), 8);
    assert_eq!(w.local("get_order", json!({"number": "#1007"}))["status"], "cancelled");
    assert_eq!(w.local("get_order", json!({"number": "#1002"}))["status"], "released", "paid now");
    assert_eq!(w.local("get_order", json!({"number": "#1002"}))["payment_status"], "paid");
    assert_eq!(w.local("get_order", json!({"number": "#1007"}))["payment_status"], "refunded");
    let shipped = w.local("get_order", json!({"number": "#1001"}));
    assert_eq!(
        shipped["lines"].as_array().unwrap().len(),
        2,
        "an order entered once stays as it is"
    );
    let new = w.local("get_order", json!({"number": "#1008"}));
    assert_eq!(new["payment_status"], "pending");
    assert_eq!(line_skus(&new), [("MUG-1".into(), 1, 1299)]);

    let once_more = w.import("orders", SHOPIFY_LATER);
    assert_eq!((once_more.created, once_more.updated), (0, 0), "{:#?}", once_more.errors);
    assert_eq!(w.order_count(), 8);
}

#[test]
fn a_wrong_orders_header_is_an_error_on_line_one_naming_the_missing_column() {
    let w = Warehouse::new();
    assert!(w.import("products", PRODUCTS).ok);
    let report = w.import("orders", "number,sku,quantity\n1001,MUG-1,1\n");
    assert!(!report.ok);
    assert_eq!(report.format, "generic orders");
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    assert!(find(&report.errors, 1, "qty").reason.contains("no “qty” column"));

    // Shopify's header with the quantity renamed is still Shopify's, and names the column.
    let renamed = SHOPIFY.replacen("Lineitem quantity", "Lineitem count", 1);
    let report = w.import("orders", &renamed);
    assert!(!report.ok);
    assert_eq!(report.format, "shopify orders");
    assert_eq!(report.rows, 13);
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    assert!(
        find(&report.errors, 1, "Lineitem quantity")
            .reason
            .contains("no “Lineitem quantity” column")
    );
    assert_eq!(w.order_count(), 0);
}

#[test]
fn a_bad_shopify_export_names_every_line_and_column_and_enters_nothing() {
    let w = Warehouse::new();
    assert!(w.import("products", PRODUCTS).ok);
    // Line 3 has a quantity beyond the bounds, line 4 a broken quantity, line 6 a price beyond
    // the bounds, line 10 a payment state Backroom does not know. An unknown SKU (line 11) is
    // no error: that order would come in held.
    let bad = edit_line(SHOPIFY, 3, |l| l.replace(",1,\"Tea", ",1000001,\"Tea"));
    let bad = edit_line(&bad, 4, |l| l.replace(",3,Ballpoint Pen,", ",3.5,Ballpoint Pen,"));
    let bad = edit_line(&bad, 6, |l| l.replace(",7.00,", ",1000000.01,"));
    let bad = edit_line(&bad, 10, |l| l.replace(",authorized,", ",expired,"));
    let bad = edit_line(&bad, 11, |l| l.replace(",BAG-1,", ",BAG-9,"));
    let report = w.import("orders", &bad);
    assert!(!report.ok);
    assert_eq!(report.format, "shopify orders");
    assert!(
        find(&report.errors, 3, "Lineitem quantity").reason.contains("1,000,000"),
        "{:#?}",
        report.errors
    );
    assert!(
        find(&report.errors, 4, "Lineitem quantity").reason.contains("“3.5” is not a whole number")
    );
    assert!(find(&report.errors, 6, "Lineitem price").reason.contains("100,000,000"));
    assert!(find(&report.errors, 10, "Financial Status").reason.contains("“expired”"));
    assert_eq!(report.errors.len(), 4, "{:#?}", report.errors);
    assert_eq!((report.created, report.skipped), (0, 0));
    assert_eq!(w.order_count(), 0, "not even the good orders were entered");
}

#[test]
fn an_unknown_product_holds_its_order_until_a_manager_maps_the_line() {
    let w = Warehouse::new();
    assert!(w.import("products", PRODUCTS).ok);
    // #1005's tote bag is not in Backroom: the order comes in held, the rest as usual.
    let unknown =
        edit_line(SHOPIFY, 11, |l| l.replace(",Tote Bag,3.00,,BAG-1,", ",Tote Bag XL,3.00,,,"));
    let report = w.import("orders", &unknown);
    assert!(report.ok, "{:#?}", report.errors);
    assert_eq!(report.created, 7);
    let held = w.local("get_order", json!({"number": "#1005"}));
    assert_eq!(held["status"], "held");
    assert_eq!(line_skus(&held), [], "nothing to pick until the line is mapped");
    let holds = w.local("list_holds", json!({}));
    let reasons: Vec<&str> = holds
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["number"] == "#1005")
        .flat_map(|h| h["holds"].as_array().unwrap().iter().map(|r| r["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(reasons, ["product not known: “Tote Bag XL”"]);

    let release = w.app.call(
        backroom_api::Caller::Local,
        "release_order",
        json!({"number": "#1005", "reason": "looks fine"}),
    );
    assert!(release.unwrap_err().message.contains("map_unknown_line"), "not released over it");
    let mapped = w.local(
        "map_unknown_line",
        json!({"number": "#1005", "name": "Tote Bag XL", "product": "BAG-1"}),
    );
    assert_eq!(mapped["orders"], 1, "{mapped}");
    let order = w.local("get_order", json!({"number": "#1005"}));
    assert_eq!(line_skus(&order), [("BAG-1".into(), 2, 300)]);
    assert_ne!(order["status"], "held", "the hold cleared");

    // The name is remembered: the next export with it finds the product by itself.
    let next = unknown.replace("#1005", "#1105");
    let report = w.import("orders", &next);
    assert!(report.ok, "{:#?}", report.errors);
    let order = w.local("get_order", json!({"number": "#1105"}));
    assert_eq!(line_skus(&order), [("BAG-1".into(), 2, 300)]);
    assert_eq!(w.local("check_ledger", json!({}))["ok"], true);
}

#[test]
fn a_repeated_line_in_a_generic_orders_file_names_the_first() {
    let w = Warehouse::new();
    assert!(w.import("products", PRODUCTS).ok);
    let repeated = "\
number,sku,qty
1000,TEA-1,1
1001,MUG-1,2
1001,TEA-1,1
1001,MUG-1,1
1002,MUG-1,1
1002,036000291452,1
";
    let report = w.import("orders", repeated);
    assert!(!report.ok);
    assert_eq!(
        find(&report.errors, 5, "sku").reason,
        "line 5 repeats SKU MUG-1 of order 1001 from line 3; put the whole quantity on one line"
    );
    assert!(
        find(&report.errors, 7, "sku").reason.contains("from line 6"),
        "a barcode names the same product as its SKU"
    );
    assert_eq!(report.errors.len(), 2, "{:#?}", report.errors);
    assert_eq!(w.order_count(), 0);
}

#[test]
fn a_hundred_thousand_row_orders_file_imports_in_full() {
    const PRODUCTS_N: usize = 300;
    const ROWS: usize = 100_000;
    let w = Warehouse::new();
    let mut products = String::from("sku,name,price\n");
    for p in 0..PRODUCTS_N {
        products.push_str(&format!("SKU-{p:04},Product {p},{}.{:02}\n", 1 + p % 40, p % 100));
    }
    assert!(w.import("products", &products).ok);
    let mut csv = String::from(
        "number,placed_at,customer_name,customer_email,ship_name,ship_address1,ship_city,\
         ship_postal_code,ship_country,payment_status,sku,qty,unit_price\n",
    );
    let mut orders = 0;
    for row in 0..ROWS {
        let (order, line) = (row / 3, row % 3);
        if line == 0 {
            orders += 1;
            csv.push_str(&format!(
                "{},2026-11-{:02},Customer {order},c{order}@example.com,Customer {order},\
                 {} Long Road,Leeds,LS1 1AA,GB,paid,",
                100_000 + order,
                1 + order % 28,
                1 + order % 200
            ));
        } else {
            csv.push_str(&format!("{},,,,,,,,,,", 100_000 + order));
        }
        // Three different products per order, spread over the catalogue.
        let product = (order * 7 + line * 101) % PRODUCTS_N;
        csv.push_str(&format!("SKU-{product:04},{},{}.99\n", 1 + (row % 5), line + 2));
    }
    let started = std::time::Instant::now();
    let report = w.import("orders", &csv);
    let took = started.elapsed();
    assert!(report.ok, "{:#?}", &report.errors[..report.errors.len().min(5)]);
    assert_eq!(report.rows, ROWS as u32);
    assert_eq!((report.created, report.updated, report.skipped), (orders, 0, 0));
    assert_eq!(w.order_count(), u64::from(orders));
    eprintln!("{ROWS} rows in {orders} orders imported in {took:.1?}");
    let last = w.local("get_order", json!({"number": (100_000 + orders - 1).to_string()}));
    assert_eq!(last["lines"].as_array().unwrap().len(), 1, "the 100,000th row is alone");
}

// Lines and values in messages: an error names the physical line its record starts on, as an
// editor numbers it, whatever ends the lines; and quotes a value only as far as it helps.

fn error_lines(report: &ImportReport) -> Vec<u64> {
    report.errors.iter().map(|e| e.line).collect()
}

/// A products file whose lines 3 and 4 (the header being 1) have a bad price, its lines ended
/// by `end`.
fn bad_prices(end: &str) -> String {
    ["sku,name,price", "A-1,Apple,1.00", "B-1,Banana,x", "C-1,Cherry,y", ""].join(end)
}

#[test]
fn errors_name_their_line_in_a_crlf_file() {
    let report = Warehouse::new().import("products", &bad_prices("\r\n"));
    assert_eq!(error_lines(&report), [3, 4], "{:#?}", report.errors);
}

#[test]
fn errors_name_their_line_in_a_file_with_carriage_returns_alone() {
    let report = Warehouse::new().import("products", &bad_prices("\r"));
    assert_eq!(error_lines(&report), [3, 4], "{:#?}", report.errors);
}

#[test]
fn errors_name_their_line_in_an_lf_file_with_empty_lines() {
    let text = "sku,name,price\n\nA-1,Apple,x\n\n\nB-1,Banana,y\n";
    let report = Warehouse::new().import("products", text);
    assert_eq!(error_lines(&report), [3, 6], "{:#?}", report.errors);
    assert_eq!(report.rows, 2);
}

#[test]
fn a_quoted_line_break_moves_later_errors_down_a_line() {
    let w = Warehouse::new();
    // (inside the quotes, between the rows): Excel ends rows with CRLF and breaks a cell's
    // lines with a line feed alone.
    for (inside, end) in [("\n", "\n"), ("\r\n", "\r\n"), ("\r", "\r"), ("\n", "\r\n")] {
        let text =
            ["sku,name,price", &format!("A-1,\"Apple{inside}red\",1.00"), "B-1,Banana,x", ""]
                .join(end);
        let report = w.import("products", &text);
        assert_eq!(error_lines(&report), [4], "{text:?}: {:#?}", report.errors);
    }
}

#[test]
fn a_quote_never_closed_is_reported_where_it_opens() {
    let w = Warehouse::new();
    let text = "sku,name,price\nA-1,Apple,1.00\nB-1,\"Banana,2.00\nC-1,Cherry,3.00\n";
    let report = w.import("products", text);
    assert!(!report.ok);
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    assert!(find(&report.errors, 3, "name").reason.contains("never closed"));
    assert_eq!(w.product_count(), 0);

    // The record starts on line 2 with a value spanning two lines; the price's quote opens on
    // line 3.
    let text = "sku,name,price\r\nA-1,\"Apple\r\nred\",\"1.00\r\nB-1,Banana,2.00\r\n";
    let report = w.import("products", text);
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    assert!(find(&report.errors, 3, "price").reason.contains("never closed"));

    // Doubled quotes inside quotes and a last line without a line break are fine.
    let text = "sku,name,price\nA-1,\"Apple \"\"Gala\"\"\",1.00\nB-1,\"Banana\",\"2.00\"";
    let report = w.import("products", text);
    assert!(report.ok, "{:#?}", report.errors);
    assert_eq!(report.created, 2);
}

#[test]
fn a_huge_value_is_quoted_cut_short() {
    let w = Warehouse::new();
    let huge = "9".repeat(5 << 20);
    let files = [
        (
            "products",
            format!(
                "sku,name,price,unit_weight,length_mm,width_mm,height_mm,active,barcodes\n\
                 X {huge},,{huge}.999,{huge} stone,{huge}x,1,1,{huge}x,X {huge}\n\
                 {huge},Dup,,,,,,,\n{huge},Dup,,,,,,,\n"
            ),
            vec![
                (2, "sku"),
                (2, "name"),
                (2, "price"),
                (2, "unit_weight"),
                (2, "length_mm"),
                (2, "active"),
                (2, "barcodes"),
                (4, "sku"),
            ],
        ),
        (
            "orders",
            format!(
                "number,placed_at,payment_status,priority,sku,qty,unit_price\n\
                 1,{huge}x,{huge}x,{huge}x,{huge}x,{huge}x,{huge}x\n"
            ),
            vec![
                (2, "placed_at"),
                (2, "payment_status"),
                (2, "priority"),
                (2, "sku"),
                (2, "qty"),
                (2, "unit_price"),
            ],
        ),
        (
            "orders",
            format!(
                "Name,Created at,Financial Status,Total,Lineitem sku,Lineitem quantity\n\
                 #1,{huge}x,{huge}x,{huge}x,{huge}x,1\n"
            ),
            vec![(2, "Created at"), (2, "Financial Status"), (2, "Total")],
        ),
        (
            "stock",
            format!("sku,location,qty\n{huge}x,{huge}x,{huge}x\n"),
            vec![(2, "sku"), (2, "location"), (2, "qty")],
        ),
    ];
    for (table, text, columns) in files {
        let report = w.import(table, &text);
        assert!(!report.ok);
        for (line, column) in columns {
            let reason = &find(&report.errors, line, column).reason;
            assert!(
                reason.chars().count() < 400 && reason.contains("99999…"),
                "{table}, line {line}, {column}: {} characters, starting {:?}",
                reason.len(),
                reason.chars().take(200).collect::<String>()
            );
        }
    }
}
