//! Orders from shops other than Shopify: WooCommerce exports, any CSV read by a column mapping
//! (an Etsy-shaped file here), the demand history such imports give planning, and the order's
//! currency on its packing slip.

use backroom_api::transfer::{ImportReport, RowError};
use std::path::PathBuf;

use backroom_api::testing::TestDatabase;
use backroom_api::{App, Caller};
use base64::Engine;
use serde_json::{Value, json};

/// A database whose file the test can read with SQL, to see what an import left.
struct Shop {
    app: App,
    db: TestDatabase,
    dir: tempfile::TempDir,
}

impl Shop {
    fn new() -> Shop {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDatabase::new(dir.path());
        Shop { app: db.open(), db, dir }
    }

    /// A shop with the products of the Etsy and WooCommerce files below.
    fn with_products() -> Shop {
        let shop = Shop::new();
        let products = "sku,name,price\nMUG-1,Stoneware Mug,12.99\nTEA-1,Loose Leaf Tea,4.50\n\
                        PEN-1,Ballpoint Pen,2.00\n";
        assert!(shop.import("products", products, json!({})).ok);
        shop
    }

    fn call(&self, name: &str, req: Value) -> Value {
        self.app.call(Caller::Local, name, req).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn import(&self, table: &str, csv: &str, extra: Value) -> ImportReport {
        let mut req = json!({"table": table, "csv": csv});
        req.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        serde_json::from_value(self.call("import_csv", req)).unwrap()
    }

    fn number(&self, sql: &str) -> i64 {
        self.db.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    fn text(&self, sql: &str) -> String {
        self.db.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// What an import can change, to compare before and after importing a file again.
    fn state(&self) -> Vec<i64> {
        [
            "SELECT count(*) FROM orders",
            "SELECT count(*) FROM order_lines",
            "SELECT coalesce(sum(qty), 0) FROM order_lines",
            "SELECT count(*) FROM order_shop_lines",
            "SELECT count(*) FROM order_events",
            "SELECT count(*) FROM order_holds",
            "SELECT count(*) FROM movements",
        ]
        .iter()
        .map(|sql| self.number(sql))
        .collect()
    }

    fn order(&self, number: &str) -> Value {
        self.call("get_order", json!({"number": number}))
    }

    fn lines(&self, number: &str) -> Vec<(String, i64, i64)> {
        self.order(number)["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                let sku = l["sku"].as_str().unwrap().to_owned();
                (sku, l["qty"].as_i64().unwrap(), l["unit_price_cents"].as_i64().unwrap())
            })
            .collect()
    }

    fn holds(&self, number: &str) -> Vec<String> {
        self.order(number)["holds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["reason"].as_str().unwrap().to_owned())
            .collect()
    }

    fn ledger_clean(&self) {
        let check = self.call("check_ledger", json!({}));
        assert_eq!(check["ok"], true, "{check}");
    }
}

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn etsy_mapping() -> Value {
    serde_json::from_str(&fixture("etsy_mapping.json")).unwrap()
}

fn find<'a>(errors: &'a [RowError], line: u64, column: &str) -> &'a RowError {
    errors
        .iter()
        .find(|e| e.line == line && e.column.as_deref() == Some(column))
        .unwrap_or_else(|| panic!("no error on line {line}, column {column}: {errors:#?}"))
}

// ---- A CSV of any shop, by a column mapping ----

#[test]
fn an_etsy_file_comes_in_by_its_mapping_and_the_mapping_is_saved_by_name() {
    let shop = Shop::with_products();
    let csv = fixture("etsy_orders.csv");
    let report = shop.import("orders", &csv, json!({"mapping": etsy_mapping()}));
    assert!(report.ok, "{:#?}", report.errors);
    assert_eq!(report.format, "orders by the mapping etsy");
    assert_eq!((report.rows, report.created), (5, 3));
    assert_eq!(shop.number("SELECT count(DISTINCT number) FROM orders"), 3);

    // 3001 was sent by the shop: entered shipped, its lines kept for the record with their
    // products, nothing to pick and no stock moved.
    assert_eq!(shop.order("3001")["status"], "shipped");
    assert_eq!(
        shop.number(
            "SELECT count(*) FROM order_shop_lines l JOIN orders o ON o.id = l.order_id
             WHERE o.number = '3001' AND l.kind = 'fulfilled' AND l.product_id IS NOT NULL"
        ),
        2
    );
    // 3002 is to ship: its address as the file gives it, the spreadsheet's apostrophe gone.
    let open = shop.order("3002");
    assert_eq!(shop.lines("3002"), [("PEN-1".into(), 3, 200)]);
    assert_eq!(open["ship_to"]["address1"], "12 Rue de la Paix, Apt 4");
    assert_eq!(open["ship_to"]["postal_code"], "75002");
    assert_eq!(open["customer"]["name"], "Grace Hopper");
    assert_eq!(open["currency"], "EUR");
    assert_eq!(open["payment_status"], "paid", "no payment column: a shop exports paid orders");
    // 11/19/25 is midnight in London, which is UTC in November.
    assert!(open["placed_at"].as_str().unwrap().starts_with("2025-11-19T00:00:00"), "{open}");
    // 3003's vase is no product here: held until a manager maps it; its mug waits.
    assert_eq!(shop.order("3003")["status"], "held");
    assert_eq!(shop.holds("3003"), ["product not known: “Hand-thrown Vase”"]);
    assert_eq!(shop.number("SELECT count(*) FROM movements"), 0);
    shop.ledger_clean();

    // Saved under its name: the next file needs the name alone, and the same file again
    // changes nothing.
    let saved = shop.call("list_import_mappings", json!({}));
    assert_eq!(saved[0]["mapping"], etsy_mapping(), "{saved}");
    let before = shop.state();
    let again = shop.import("orders", &csv, json!({"saved_mapping": "etsy"}));
    assert!(again.ok && again.created == 0 && again.updated == 0, "{again:#?}");
    assert!(again.notes.iter().any(|n| n.starts_with("3 orders of the file are already")));
    assert_eq!(shop.state(), before, "importing again changed something");
}

#[test]
fn a_later_file_of_the_same_orders_cancels_what_the_shop_cancelled_and_adds_nothing_twice() {
    let shop = Shop::with_products();
    let mut mapping = etsy_mapping();
    mapping["columns"]["cancelled"] = json!("Date Cancelled");
    let csv = fixture("etsy_orders.csv").replace("SKU\n", "SKU,Date Cancelled\n");
    let csv: String = csv.lines().map(|l| format!("{l}\n")).collect();
    assert!(shop.import("orders", &csv, json!({"mapping": mapping})).ok);
    let orders = shop.number("SELECT count(*) FROM orders");
    // The next export: order 3002 was cancelled in the shop.
    let later: String = csv
        .lines()
        .map(|l| if l.contains(",3002,") { format!("{l},11/21/25\n") } else { format!("{l}\n") })
        .collect();
    let report = shop.import("orders", &later, json!({"saved_mapping": "etsy"}));
    assert!(report.ok, "{:#?}", report.errors);
    assert_eq!((report.created, report.updated), (0, 1), "{report:#?}");
    assert_eq!(shop.order("3002")["status"], "cancelled");
    assert_eq!(shop.number("SELECT count(*) FROM orders"), orders);
    shop.ledger_clean();
}

#[test]
fn a_mapping_naming_a_column_the_file_lacks_names_the_field_and_the_column() {
    let shop = Shop::with_products();
    let mut mapping = etsy_mapping();
    mapping["columns"]["sku"] = json!("Item SKU");
    mapping["columns"]["city"] = json!("Town");
    let report = shop.import("orders", &fixture("etsy_orders.csv"), json!({"mapping": mapping}));
    assert!(!report.ok);
    assert_eq!(report.errors.len(), 2, "{:#?}", report.errors);
    let sku = find(&report.errors, 1, "Item SKU");
    assert!(sku.reason.contains("reads “sku” from the column “Item SKU”"), "{}", sku.reason);
    assert!(find(&report.errors, 1, "Town").reason.contains("“city”"));
    assert_eq!(shop.number("SELECT count(*) FROM orders"), 0);
    assert_eq!(shop.number("SELECT count(*) FROM import_mappings"), 0, "not saved");
}

#[test]
fn bad_values_in_a_mapped_file_name_their_line_and_column_and_nothing_is_written() {
    let shop = Shop::with_products();
    let csv = fixture("etsy_orders.csv");
    let bad: String = csv
        .lines()
        .enumerate()
        .map(|(i, l)| match i + 1 {
            3 => l.replacen(",1,4.50,", ",one,4.50,", 1),
            4 => l.replacen("11/19/25,Ballpoint", "2025-19-11,Ballpoint", 1),
            5 => l.replacen(",45.00,", ",45.0.0,", 1),
            _ => l.to_owned(),
        } + "\n")
        .collect();
    let report = shop.import("orders", &bad, json!({"mapping": etsy_mapping()}));
    assert!(!report.ok);
    assert!(find(&report.errors, 3, "Quantity").reason.contains("“one” is not a whole number"));
    let date = find(&report.errors, 4, "Sale Date");
    assert!(date.reason.contains("does not match the date format “%m/%d/%y”"), "{}", date.reason);
    assert!(find(&report.errors, 5, "Price").reason.contains("“45.0.0” is not an amount"));
    assert_eq!(report.errors.len(), 3, "{:#?}", report.errors);
    assert_eq!(shop.number("SELECT count(*) FROM orders"), 0);
    // A saved mapping that is not there says which are.
    let missing = shop.app.call(
        Caller::Local,
        "import_csv",
        json!({"table": "orders", "csv": csv, "saved_mapping": "bigcommerce"}),
    );
    let e = missing.unwrap_err();
    assert!(e.message.contains("no saved column mapping “bigcommerce”"), "{}", e.message);
}

#[test]
fn a_mapping_is_saved_and_listed_for_a_manager_alone() {
    let shop = Shop::new();
    let saved = shop.call("save_import_mapping", etsy_mapping());
    assert_eq!(saved["mapping"]["name"], "etsy");
    let mut other = etsy_mapping();
    other["name"] = json!("bigcommerce");
    other["columns"] = json!({"order_number": "Order ID", "quantity": "Product Qty",
                              "sku": "Product SKU"});
    shop.call("save_import_mapping", other);
    let names: Vec<Value> = shop
        .call("list_import_mappings", json!({}))
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["mapping"]["name"].clone())
        .collect();
    assert_eq!(names, [json!("bigcommerce"), json!("etsy")]);
    let typo = shop.app.call(
        Caller::Local,
        "save_import_mapping",
        json!({"name": "x", "columns": {"order_number": "A", "quantity": "B", "skus": "C"}}),
    );
    assert!(typo.unwrap_err().message.contains("skus"));
}

// ---- Demand history from imported orders ----

#[test]
fn orders_the_shop_already_sent_give_planning_its_demand_on_day_one() {
    let shop = Shop::with_products();
    // Sixty days of history, a mug sent every day and a pen every other day; none moves stock.
    let today = chrono::Utc::now().date_naive();
    let mut csv = fixture("etsy_orders.csv").lines().next().unwrap().to_owned() + "\n";
    for day in 1..=60u64 {
        let date = (today - chrono::Days::new(day)).format("%m/%d/%y");
        let order = 5000 + day;
        let row = |sku: &str, qty: u32| {
            format!(
                "{date},Item,buyer,{qty},1.00,,,0,0,0,0,1.00,EUR,1,1,{date},{date},Buyer,\
                 1 Road,,Town,,1,UK,{order},,online,listing,cc,,,0,{sku}\n"
            )
        };
        csv.push_str(&row("MUG-1", 2));
        if day % 2 == 0 {
            csv.push_str(&row("PEN-1", 1));
        }
    }
    let report = shop.import("orders", &csv, json!({"mapping": etsy_mapping()}));
    assert!(report.ok, "{:#?}", report.errors);
    assert_eq!(report.created, 60);
    assert_eq!(shop.number("SELECT count(*) FROM orders WHERE status = 'shipped'"), 60);
    assert_eq!(shop.number("SELECT count(*) FROM movements"), 0, "history moves no stock");
    let levels = shop.call("stock_levels", json!({}));
    let plan = |sku: &str| {
        levels["rows"].as_array().unwrap().iter().find(|r| r["sku"] == sku).unwrap()["plan"].clone()
    };
    let (mug, pen, tea) = (plan("MUG-1"), plan("PEN-1"), plan("TEA-1"));
    let rate = |p: &Value| p["forecast_daily"].as_f64().unwrap();
    assert!((rate(&mug) - 2.0).abs() < 0.2, "two mugs a day: {mug}");
    assert!((rate(&pen) - 0.5).abs() < 0.2, "a pen every other day: {pen}");
    assert!(mug["reorder_point"].as_f64().unwrap() > 0.0, "{mug}");
    assert!(pen["reorder_point"].as_f64().unwrap() > 0.0, "{pen}");
    assert_eq!(mug["below_reorder_point"], true, "nothing in stock");
    assert_eq!(rate(&tea), 0.0, "no tea was sold: {tea}");
}

// ---- WooCommerce ----

const WOO_HEADER: &str = "order_id,order_number,order_date,status,order_total,order_currency,\
shipping_method,billing_first_name,billing_last_name,billing_email,billing_phone,\
billing_address_1,billing_city,billing_postcode,billing_country,shipping_first_name,\
shipping_last_name,shipping_company,shipping_address_1,shipping_address_2,shipping_postcode,\
shipping_city,shipping_state,shipping_country,fee_items,line_item_1,line_item_2";

fn woo(rows: &[&str]) -> String {
    let mut csv = format!("{WOO_HEADER}\n");
    for row in rows {
        csv.push_str(row);
        csv.push('\n');
    }
    csv
}

const WOO_ROWS: [&str; 4] = [
    "71,71,2026-11-02 10:15:00,processing,31.98,EUR,DPD Classic,Ada,Lee,ada@example.com,'0113,\
     1 High St,Leeds,LS1 1AA,GB,Ada,Lee,Lee Ltd,1 High St,Unit 2,LS1 1AA,Leeds,,GB,\
     name:Gift Wrap|total:2.00,name:Stoneware Mug|sku:MUG-1|quantity:2|total:25.98,\
     name:Loose Leaf Tea|sku:TEA-1|quantity:1|total:4.00",
    "72,72,2026-11-02 11:00:00,completed,6.00,EUR,,Bo,Chan,bo@example.com,,2 Low Rd,York,\
     YO1 7HH,GB,,,,,,,,,,,name:Ballpoint Pen|sku:PEN-1|quantity:3|total:6.00,",
    "73,73,2026-11-03 09:00:00,wc-awaiting-shipment,12.99,EUR,,Cy,Dee,cy@example.com,,3 Mid Rd,\
     Hull,HU1 1AA,GB,,,,,,,,,,,name:Stoneware Mug|sku:MUG-1|quantity:1|total:12.99,",
    "74,74,2026-11-03 09:30:00,processing,9.00,EUR,,Di,Eve,di@example.com,,4 End Rd,Bath,\
     BA1 1AA,GB,,,,,,,,,,,name:Candle|sku:CND-9|quantity:1|total:9.00,",
];

#[test]
fn a_woocommerce_export_enters_one_order_per_row_with_its_packed_items() {
    let shop = Shop::with_products();
    let csv = woo(&WOO_ROWS);
    let report = shop.import("orders", &csv, json!({"time_zone": "Europe/Berlin"}));
    assert!(report.ok, "{:#?}", report.errors);
    assert_eq!(report.format, "woocommerce orders");
    assert_eq!(report.created, 4);

    let first = shop.order("71");
    assert_eq!(shop.lines("71"), [("MUG-1".into(), 2, 1299), ("TEA-1".into(), 1, 400)]);
    assert_eq!(first["payment_status"], "paid");
    assert_eq!(first["total_cents"], 3198);
    assert_eq!(first["currency"], "EUR");
    assert_eq!(first["customer"]["name"], "Ada Lee");
    assert_eq!(first["customer"]["phone"], "0113");
    assert_eq!(first["ship_to"]["address2"], "Lee Ltd, Unit 2");
    assert_eq!(first["carrier"], "DPD");
    // 10:15 in Berlin in November is 09:15 UTC.
    assert!(first["placed_at"].as_str().unwrap().starts_with("2026-11-02T09:15:00"), "{first}");
    assert_eq!(
        shop.number(
            "SELECT count(*) FROM order_shop_lines WHERE kind = 'no_shipping' AND name = 'Gift Wrap'"
        ),
        1
    );
    // Completed in the shop: shipped, the pen kept as demand; the billing address stands in
    // for the shipping address the order lacks.
    let second = shop.order("72");
    assert_eq!(second["status"], "shipped");
    assert_eq!(second["ship_to"]["city"], "York");
    // A status a plugin added holds the order with the status named.
    let third = shop.holds("73");
    assert!(third[0].contains("status “awaiting-shipment” is not one Backroom knows"), "{third:?}");
    assert_eq!(shop.holds("74"), ["product not known: “Candle”"]);
    shop.ledger_clean();

    let before = shop.state();
    let again = shop.import("orders", &csv, json!({"time_zone": "Europe/Berlin"}));
    assert!(again.ok && again.created == 0 && again.updated == 0, "{again:#?}");
    assert_eq!(shop.state(), before);
}

#[test]
fn a_bad_woocommerce_item_names_its_line_and_cell_and_enters_nothing() {
    let shop = Shop::with_products();
    let bad_qty = WOO_ROWS[0].replace("quantity:2", "quantity:two");
    let bad_date = WOO_ROWS[1].replace("2026-11-02 11:00:00", "Nov 2 2026");
    let repeated = WOO_ROWS[2].replace("73,73,", "71,71,");
    let report = shop.import("orders", &woo(&[&bad_qty, &bad_date, &repeated]), json!({}));
    assert!(!report.ok);
    assert!(find(&report.errors, 2, "line_item_1").reason.contains("“two” is not a whole number"));
    let date = find(&report.errors, 3, "order_date");
    assert!(date.reason.contains("a date format such as"), "{}", date.reason);
    assert!(find(&report.errors, 4, "order_number").reason.contains("on line 2 already"));
    assert_eq!(report.errors.len(), 3, "{:#?}", report.errors);
    assert_eq!(shop.number("SELECT count(*) FROM orders"), 0);
}

// ---- The currency on the slip ----

/// The text of a slip, through `pdftotext` as a person would read it.
fn slip_text(shop: &Shop, number: &str) -> String {
    let file = shop.call("slip_pdf", json!({"order": number}));
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(file["pdf_base64"].as_str().unwrap())
        .unwrap();
    let path = shop.dir.path().join(format!("slip-{number}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_slip_prints_the_orders_currency_or_the_stores() {
    let shop = Shop::with_products();
    assert!(shop.import("orders", &woo(&WOO_ROWS[..1]), json!({})).ok);
    let text = slip_text(&shop, "71");
    assert!(text.contains("Price (EUR)"), "{text}");
    assert!(text.contains("12.99"), "{text}");
    // An order that names no currency is in the store's.
    shop.call(
        "create_order",
        json!({"number": "900", "customer": {"name": "Ann"}, "payment_status": "paid",
               "ship_to": {"name": "Ann", "address1": "1 Road", "city": "Leeds",
                           "postal_code": "LS1", "country": "GB"},
               "lines": [{"product": "PEN-1", "qty": 1}]}),
    );
    assert_eq!(shop.text("SELECT currency FROM orders WHERE number = '900'"), "");
    assert!(slip_text(&shop, "900").contains("Price (USD)"), "the default store currency");
    let mut settings = shop.call("get_settings", json!({}));
    settings["store"]["currency"] = json!("GBP");
    shop.call("save_settings", settings);
    assert!(slip_text(&shop, "900").contains("Price (GBP)"));
}
