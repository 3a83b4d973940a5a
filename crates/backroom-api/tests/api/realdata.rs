//! The real shop exports in `../shared/realdata/` (see its README), imported as a new user would
//! bring them. The files are read where they are, never copied into the project; when the
//! folder is absent every test here returns early, saying so.

use std::path::PathBuf;

use backroom_api::testing::TestDatabase;
use backroom_api::transfer::ImportReport;
use backroom_api::{App, Caller};
use serde_json::{Value, json};

use crate::common::Warehouse;

/// The folder of real exports, if this machine has it.
fn realdata() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/realdata");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is absent", dir.display());
        None
    }
}

fn read(dir: &std::path::Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn import(w: &Warehouse, table: &str, csv: &str) -> ImportReport {
    let res = w.local("import_csv", json!({"table": table, "csv": csv}));
    serde_json::from_value(res).unwrap()
}

fn product_count(w: &Warehouse) -> u64 {
    w.local("search_products", json!({"include_inactive": true}))["total"].as_u64().unwrap()
}

/// (file, variants, SKUs made from handle and options, variants sharing an SKU, SKUs shared).
const PRODUCT_FILES: [(&str, u32, u32, u32, u32); 4] = [
    ("shopify-products/products_pl_2024_52col_markets.csv", 58, 0, 0, 0),
    ("shopify-products/products_2025_79col_metafields_striker.csv", 1565, 0, 0, 0),
    (
        "shopify-products/products_ca-fr_2023_50col_dupSKU_apostrophe-barcodes.csv",
        5295,
        5082,
        5082,
        952,
    ),
    ("shopify-products/products_2021_48col_adwords_noSKU.csv", 21, 21, 0, 0),
];

#[test]
fn shopify_product_exports_import_one_product_per_variant() {
    let Some(dir) = realdata() else { return };
    for (file, variants, derived, sharing, shared) in PRODUCT_FILES {
        let w = Warehouse::open();
        let csv = read(&dir, file);
        let report = import(&w, "products", &csv);
        assert!(report.ok, "{file}: {:?}", &report.errors[..report.errors.len().min(5)]);
        assert_eq!(report.format, "shopify products");
        assert_eq!(report.created, variants, "{file}");
        assert_eq!(product_count(&w), u64::from(variants), "{file}");
        assert_eq!(
            report.notes[0],
            format!(
                "{variants} variants read as products, {derived} of them with an SKU made from \
                 the handle and options"
            ),
            "{file}"
        );
        let has = |text: &str| report.notes.iter().any(|n| n.starts_with(text));
        assert_eq!(has(&format!("{} variants have no SKU", derived - sharing)), derived > sharing);
        assert_eq!(has(&format!("{sharing} variants share {shared} SKUs")), sharing > 0, "{file}");
        let again = import(&w, "products", &csv);
        assert!(again.ok && again.created == 0 && again.updated == 0, "{file}: {again:?}");
        assert_eq!(product_count(&w), u64::from(variants));
    }
}

#[test]
fn shopify_product_barcodes_lose_the_spreadsheets_apostrophe() {
    let Some(dir) = realdata() else { return };
    let w = Warehouse::open();
    let file = "shopify-products/products_ca-fr_2023_50col_dupSKU_apostrophe-barcodes.csv";
    assert!(import(&w, "products", &read(&dir, file)).ok);
    // Line 2: Rieker W0402-00 Noir, size 36, barcode '4849000260870.
    let found = w.local("search_products", json!({"text": "4849000260870"}));
    let row = &found["rows"][0];
    assert_eq!(row["name"], "Rieker - W0402-00- Noir - 36 / NOIR", "{found}");
    assert_eq!(row["sku"], "rieker-w0402-00-noir-36-noir");
}

/// A database whose file the test can read with SQL, to count what an import left.
struct Shop {
    app: App,
    db: TestDatabase,
    _dir: tempfile::TempDir,
}

impl Shop {
    fn new() -> Shop {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDatabase::new(dir.path());
        Shop { app: db.open(), db, _dir: dir }
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

    /// What an import can change, to compare before and after importing a file again.
    fn state(&self) -> Vec<i64> {
        [
            "SELECT count(*) FROM orders",
            "SELECT count(*) FROM order_lines",
            "SELECT count(*) FROM order_shop_lines",
            "SELECT count(*) FROM order_events",
            "SELECT count(*) FROM order_holds",
            "SELECT count(*) FROM reservations",
            "SELECT count(*) FROM products",
        ]
        .iter()
        .map(|sql| self.number(sql))
        .collect()
    }

    fn held_product_not_known(&self) -> i64 {
        self.number(
            "SELECT count(DISTINCT o.id) FROM orders o JOIN order_holds h ON h.order_id = o.id
             WHERE o.status = 'held' AND h.cleared_at IS NULL
               AND h.reason LIKE 'product not known%'",
        )
    }

    fn ledger_clean(&self) {
        let check = self.call("check_ledger", json!({}));
        assert_eq!(check["ok"], true, "{check}");
    }
}

/// The date reading a spreadsheet-saved file needs: how its dates are written and the store's
/// offset (the Canadian store is in Quebec).
fn resaved() -> Value {
    json!({"date_format": "%d/%m/%Y %H:%M", "time_zone": "-05:00"})
}

/// (file, orders, held "product not known" into a database without products, lines that need
/// no shipping, orders per currency).
/// One order file's expectations, as described above.
type OrderFile = (&'static str, i64, i64, i64, &'static [(&'static str, i64)]);

const ORDER_FILES: [OrderFile; 6] = [
    ("shopify/orders_tr_TRY-USD_2025_selmanarts.csv", 604, 601, 2, &[("TRY", 602), ("USD", 2)]),
    ("shopify/orders_eu_EUR_2024_75col_scaricaArticoli.csv", 50, 31, 0, &[("EUR", 50)]),
    ("shopify/orders_za_ZAR_2021_75col_kidsliving.csv", 50, 21, 1, &[("ZAR", 50)]),
    ("shopify/orders_us_USD_2020-2023_tips_yancy.csv", 228, 4, 24, &[("USD", 228)]),
    ("shopify/extra/orders_bd_BDT_2026_crlf_bengali.csv", 57, 57, 0, &[("BDT", 57)]),
    (
        "shopify/extra/orders_ca_CAD_2022-2023_spreadsheet-resaved.csv",
        3087,
        41,
        1,
        &[("CAD", 3087)],
    ),
];

#[test]
fn every_order_of_every_shopify_export_comes_in_and_imports_again_unchanged() {
    let Some(dir) = realdata() else { return };
    for (file, orders, held, no_shipping, currencies) in ORDER_FILES {
        let shop = Shop::new();
        let csv = read(&dir, file);
        let extra = if file.contains("resaved") { resaved() } else { json!({}) };
        let report = shop.import("orders", &csv, extra.clone());
        assert!(report.ok, "{file}: {:?}", &report.errors[..report.errors.len().min(5)]);
        assert_eq!(report.format, "shopify orders");
        assert_eq!(report.created as i64, orders, "{file}");
        assert_eq!(shop.number("SELECT count(*) FROM orders"), orders, "{file}");
        assert_eq!(shop.held_product_not_known(), held, "{file}");
        assert_eq!(
            shop.number("SELECT count(*) FROM order_shop_lines WHERE kind = 'no_shipping'"),
            no_shipping,
            "{file}"
        );
        for (currency, count) in currencies {
            let sql = format!("SELECT count(*) FROM orders WHERE currency = '{currency}'");
            assert_eq!(shop.number(&sql), *count, "{file} {currency}");
        }
        // Nothing that needs no shipping is ever an order line, so nothing is picked for it.
        assert_eq!(shop.number("SELECT count(*) FROM order_lines"), 0, "{file}: no products");
        shop.ledger_clean();
        let before = shop.state();
        let again = shop.import("orders", &csv, extra);
        assert!(again.ok && again.created == 0 && again.updated == 0, "{file}: {again:?}");
        // The report says every order was found and left alone, not silently matched.
        let unchanged = format!("{orders} orders of the file are already in Backroom");
        assert!(again.notes.iter().any(|n| n.starts_with(&unchanged)), "{file}: {:?}", again.notes);
        assert_eq!(shop.state(), before, "{file}: importing again changed something");
        shop.ledger_clean();
    }
}

#[test]
fn the_canadian_orders_find_their_products_by_name_once_the_products_are_in() {
    let Some(dir) = realdata() else { return };
    let shop = Shop::new();
    let products = "shopify-products/products_ca-fr_2023_50col_dupSKU_apostrophe-barcodes.csv";
    assert!(shop.import("products", &read(&dir, products), json!({})).ok);
    let file = "shopify/extra/orders_ca_CAD_2022-2023_spreadsheet-resaved.csv";
    let csv = read(&dir, file);
    let report = shop.import("orders", &csv, resaved());
    assert!(report.ok, "{:?}", &report.errors[..report.errors.len().min(5)]);
    assert_eq!(shop.number("SELECT count(*) FROM orders"), 3087);
    assert_eq!(shop.held_product_not_known(), 4);
    assert_eq!(shop.number("SELECT count(*) FROM orders WHERE status = 'shipped'"), 2815);
    assert_eq!(shop.number("SELECT count(*) FROM orders WHERE status = 'cancelled'"), 231);
    // 31/12/2023 22:36 in Quebec (-05:00) is 03:36 on New Year's Day in UTC.
    assert_eq!(
        shop.number(
            "SELECT count(*) FROM orders WHERE number = '#4087'
                     AND placed_at LIKE '2024-01-01T03:36:00%'"
        ),
        1
    );
    shop.ledger_clean();
    let before = shop.state();
    let again = shop.import("orders", &csv, resaved());
    assert!(again.ok && again.created == 0 && again.updated == 0, "{again:?}");
    assert_eq!(shop.state(), before);
}

#[test]
fn a_resaved_file_without_its_date_format_is_refused_with_the_hint() {
    let Some(dir) = realdata() else { return };
    let shop = Shop::new();
    let file = "shopify/extra/orders_ca_CAD_2022-2023_spreadsheet-resaved.csv";
    let report = shop.import("orders", &read(&dir, file), json!({}));
    assert!(!report.ok);
    let first = &report.errors[0];
    assert_eq!((first.line, first.column.as_deref()), (2, Some("Created at")));
    assert!(first.reason.contains("a date format such as %d/%m/%Y %H:%M"), "{}", first.reason);
    assert_eq!(shop.number("SELECT count(*) FROM orders"), 0);
    // A format but no time zone for times without an offset.
    let report = shop.import("orders", &read(&dir, file), json!({"date_format": "%d/%m/%Y %H:%M"}));
    assert!(!report.ok);
    assert!(report.errors[0].reason.contains("in which time zone"), "{:?}", report.errors[0]);
}

#[test]
fn the_chilean_file_a_spreadsheet_wrapped_in_quotes_is_refused_saying_how_to_export_again() {
    let Some(dir) = realdata() else { return };
    let shop = Shop::new();
    let file = "shopify/extra/orders_cl_CLP_2025_excel-semicolon-wrapped_EXCERPT.csv";
    let report = shop.import("orders", &read(&dir, file), json!({}));
    assert!(!report.ok);
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    let error = &report.errors[0];
    assert_eq!(error.line, 2);
    assert!(
        error.reason.contains("wrapped every line of the export in quotes"),
        "{}",
        error.reason
    );
    assert!(error.reason.contains("Export the orders from Shopify again"), "{}", error.reason);
    assert_eq!(shop.number("SELECT count(*) FROM orders"), 0);
}

#[test]
fn every_order_of_the_woocommerce_sample_comes_in_and_imports_again_unchanged() {
    let Some(dir) = realdata() else { return };
    let csv = read(&dir, "woocommerce/webtoffee_Sample_Order.csv");
    // Into a database without products: nothing is refused, what needs a product waits held.
    let shop = Shop::new();
    let report = shop.import("orders", &csv, json!({}));
    assert!(report.ok, "{:?}", report.errors);
    assert_eq!(report.format, "woocommerce orders");
    assert_eq!(report.created, 3);
    assert_eq!(shop.number("SELECT count(DISTINCT number) FROM orders"), 3);
    // 1001 is completed in the shop; 1002 (on hold) and 1003 (processing) name products
    // Backroom does not know yet.
    assert_eq!(
        shop.number("SELECT count(*) FROM orders WHERE number = '1001' AND status = 'shipped'"),
        1
    );
    assert_eq!(shop.held_product_not_known(), 2);
    assert_eq!(shop.number("SELECT count(*) FROM orders WHERE currency = 'USD'"), 3);
    // The gift wrap fee of 1001 needs no shipping; 16-05-2018 07:32:06 in the store's zone (UTC).
    assert_eq!(shop.number("SELECT count(*) FROM order_shop_lines WHERE kind = 'no_shipping'"), 1);
    assert_eq!(
        shop.number(
            "SELECT count(*) FROM orders WHERE number = '1001'
                 AND placed_at LIKE '2018-05-16T07:32:06%' AND total_cents = 2242"
        ),
        1
    );
    shop.ledger_clean();
    let before = shop.state();
    let again = shop.import("orders", &csv, json!({}));
    assert!(again.ok && again.created == 0 && again.updated == 0, "{again:?}");
    assert_eq!(shop.state(), before, "importing again changed something");

    // With the products in, 1003's three items are lines to pick.
    let shop = Shop::new();
    let products = "sku,name,price\nA12,Formal shoe,8.00\nA15,Washing machine,18.00\n\
                    A13,LED TV,23.19\nA11,Samsung Galaxy Ace Duos,8.80\nB11V2,Men's Cotton T-Shirt,8.00\n";
    assert!(shop.import("products", products, json!({})).ok);
    let report = shop.import("orders", &csv, json!({}));
    assert!(report.ok, "{:?}", report.errors);
    assert_eq!(shop.held_product_not_known(), 0);
    assert_eq!(
        shop.number(
            "SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id
             WHERE o.number = '1003'"
        ),
        3
    );
    // The shoe 1001 sent is kept with its product, as demand for planning.
    assert_eq!(
        shop.number(
            "SELECT count(*) FROM order_shop_lines l JOIN products p ON p.id = l.product_id
             WHERE l.kind = 'fulfilled' AND p.sku = 'A12'"
        ),
        1
    );
    shop.ledger_clean();
}
