//! `backroom import orders` with shops other than Shopify: a column mapping given as a file,
//! saved by its name and chosen by it the next time, and its errors named by file, line and
//! column; the WooCommerce sample of `../shared/realdata/` when this machine has it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use backroom_api::testing::TestDatabase;

/// Runs `backroom --db <db> <args>` on a test's database.
fn backroom(db: &TestDatabase, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_backroom"))
        .arg("--db")
        .arg(db.location.to_arg())
        .args(args)
        .output()
        .expect("the backroom binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The API crate's fixtures: an Etsy-shaped orders file and its mapping.
fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../backroom-api/tests/fixtures").join(name)
}

fn products(db: &TestDatabase, dir: &Path) {
    let file = dir.join("products.csv");
    std::fs::write(&file, "sku,name,price\nMUG-1,Stoneware Mug,12.99\nTEA-1,Loose Leaf Tea,4.50\nPEN-1,Ballpoint Pen,2.00\n").unwrap();
    assert!(backroom(db, &["import", "products", file.to_str().unwrap()]).status.success());
}

#[test]
fn a_mapping_file_imports_a_shops_csv_and_its_name_brings_the_next_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::new(dir.path());
    products(&db, dir.path());
    let orders = fixture("etsy_orders.csv");
    let mapping = fixture("etsy_mapping.json");
    let out = backroom(
        &db,
        &["import", "orders", orders.to_str().unwrap(), "--mapping", mapping.to_str().unwrap()],
    );
    let said = text(&out.stdout);
    assert!(out.status.success(), "{said}{}", text(&out.stderr));
    assert!(said.contains("5 rows of orders by the mapping etsy imported: 3 created"), "{said}");
    assert!(said.contains("1 orders are held"), "{said}");
    assert!(said.contains("the column mapping “etsy” is saved"), "{said}");
    let again = backroom(&db, &["import", "orders", orders.to_str().unwrap(), "--mapping", "etsy"]);
    let said = text(&again.stdout);
    assert!(again.status.success(), "{said}{}", text(&again.stderr));
    assert!(said.contains("0 created, 0 updated"), "{said}");
    let listed = backroom(&db, &["call", "list_import_mappings"]);
    assert!(text(&listed.stdout).contains("\"Order ID\""), "{}", text(&listed.stdout));
}

#[test]
fn a_mapping_error_names_the_file_the_line_and_the_column() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::new(dir.path());
    let orders = fixture("etsy_orders.csv");
    let mapping = dir.path().join("shop.json");
    std::fs::write(
        &mapping,
        r#"{"name": "shop", "columns": {"order_number": "Order No", "quantity": "Quantity", "sku": "SKU"}}"#,
    )
    .unwrap();
    let out = backroom(
        &db,
        &["import", "orders", orders.to_str().unwrap(), "--mapping", mapping.to_str().unwrap()],
    );
    assert!(!out.status.success());
    let errors = text(&out.stderr);
    let expected = format!(
        "{}: line 1, column Order No: the mapping “shop” reads “order_number”",
        orders.display()
    );
    assert!(errors.contains(&expected), "{errors}");
    assert!(errors.contains("nothing was imported"), "{errors}");

    // A mapping file that is not one names its own line and column.
    std::fs::write(&mapping, "{\"name\": \"shop\",\n \"columns\": {\"order_no\": \"A\"}}").unwrap();
    let out = backroom(
        &db,
        &["import", "orders", orders.to_str().unwrap(), "--mapping", mapping.to_str().unwrap()],
    );
    assert!(!out.status.success());
    let errors = text(&out.stderr);
    assert!(
        errors.contains("shop.json: line 2, column") && errors.contains("order_no"),
        "{errors}"
    );
    let none = backroom(&db, &["export", "orders"]);
    assert_eq!(text(&none.stdout).lines().count(), 1, "only the header: {}", text(&none.stdout));
}

#[test]
fn the_woocommerce_sample_imports_from_the_command_line() {
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/realdata/woocommerce/webtoffee_Sample_Order.csv");
    if !sample.is_file() {
        eprintln!("skipped: {} is absent", sample.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::new(dir.path());
    let out = backroom(
        &db,
        &["import", "orders", sample.to_str().unwrap(), "--time-zone", "America/Los_Angeles"],
    );
    let said = text(&out.stdout);
    assert!(out.status.success(), "{said}{}", text(&out.stderr));
    assert!(said.contains("3 rows of woocommerce orders imported: 3 created"), "{said}");
    assert!(said.contains("2 orders are held"), "{said}");
}
