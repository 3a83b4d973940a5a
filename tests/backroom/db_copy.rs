use std::path::Path;
use std::process::Command;

use backroom_api::db::copy::copy;
use backroom_api::store::Location;
use backroom_api::testing::TestDatabase;
use backroom_api::{App, Caller, ErrorCode};
use serde_json::{Value, json};

/// Every table `backroom export` offers.
const EXPORTS: &[&str] = &["products", "orders", "stock", "weighings"];

fn local(app: &App, name: &str, req: Value) -> Value {
    app.call(Caller::Local, name, req).unwrap_or_else(|e| panic!("{name} failed: {e}"))
}

fn exports(at: &Location) -> Vec<String> {
    let app = App::open_at(at).unwrap();
    let csv =
        |table: &&str| local(&app, "export_csv", json!({ "table": table }))["csv"].to_string();
    EXPORTS.iter().map(csv).collect()
}

fn ledger_ok(at: &Location) -> bool {
    let app = App::open_at(at).unwrap();
    local(&app, "check_ledger", json!({}))["ok"] == json!(true)
}

/// The demo warehouse in a SQLite file, with a product and a receipt of its own.
fn demo_file(dir: &Path) -> Location {
    let at = Location::File(dir.join("a.db"));
    let app = App::open_at(&at).unwrap();
    local(&app, "load_demo", json!({}));
    local(
        &app,
        "save_product",
        json!({"sku": "ÜBER-1", "name": "Tasse ☕ «groß»", "price_cents": 1}),
    );
    local(&app, "receive", json!({"product": "ÜBER-1", "qty": 7, "to": "RECEIVING"}));
    at
}

/// `backroom --db FROM db copy --to TO`: its exit status and standard output.
fn copy_with_the_binary(from: &Location, to: &Location) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_backroom"))
        .args(["--db", &from.to_arg(), "db", "copy", "--to", &to.to_arg()])
        .output()
        .expect("the backroom binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() || !stderr.is_empty(), "a failure says why");
    (out.status.success(), format!("{stdout}{stderr}"))
}

#[test]
fn a_warehouse_goes_across_and_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let a = demo_file(dir.path());
    let b = TestDatabase::new(&dir.path().join("b"));
    let c = Location::File(dir.path().join("c.db"));

    let (ok, said) = copy_with_the_binary(&a, &b.location);
    assert!(ok, "{said}");
    assert!(said.lines().any(|l| l.starts_with("products") && l.ends_with(" 501")), "{said}");
    assert!(said.contains("ledger of the source: ok") && said.contains("ledger of the copy: ok"));
    assert!(said.trim_end().lines().last().unwrap().starts_with("copied "), "{said}");

    let back = copy(&b.location, &c).unwrap();
    assert!(back.ok(), "{back:?}");
    assert_eq!(back.tables.iter().find(|t| t.table == "products").unwrap().rows, 501);

    let original = exports(&a);
    assert_eq!(exports(&b.location), original, "A and B differ");
    assert_eq!(exports(&c), original, "A and C differ");
    for at in [&a, &b.location, &c] {
        assert!(ledger_ok(at), "the ledger of {at}");
    }

    // New rows on the copy get ids after the copied ones.
    let app = b.open();
    local(&app, "save_product", json!({"sku": "NEW-1", "name": "New"}));
    local(&app, "receive", json!({"product": "NEW-1", "qty": 3, "to": "RECEIVING"}));
    local(&app, "save_area", json!({"code": "OVERFLOW", "kind": "receiving"}));
    let found = local(&app, "lookup_product", json!({"code": "NEW-1"}));
    assert_eq!(found["totals"]["on_hand"], json!(3), "{found}");
    assert!(ledger_ok(&b.location));
}

#[test]
fn a_database_that_holds_anything_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let a = Location::File(dir.path().join("a.db"));
    local(&App::open_at(&a).unwrap(), "save_product", json!({"sku": "A-1", "name": "Apple"}));
    let b = TestDatabase::new(&dir.path().join("b"));
    let app = b.open();
    local(&app, "save_product", json!({"sku": "B-1", "name": "Banana"}));
    drop(app);
    let before = exports(&b.location);

    let err = copy(&a, &b.location).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert_eq!(err.message, "the destination already holds products; copy into an empty database");
    let (ok, said) = copy_with_the_binary(&a, &b.location);
    assert!(!ok && said.contains("already holds products"), "{said}");
    assert_eq!(exports(&b.location), before);
}

#[test]
fn a_failed_copy_leaves_the_destination_empty() {
    let dir = tempfile::tempdir().unwrap();
    let a = Location::File(dir.path().join("a.db"));
    let app = App::open_at(&a).unwrap();
    local(&app, "save_product", json!({"sku": "A-1", "name": "Apple"}));
    local(&app, "save_area", json!({"code": "RECEIVING", "kind": "receiving"}));
    local(&app, "receive", json!({"product": "A-1", "qty": 5, "to": "RECEIVING"}));
    drop(app);
    // A stock cache that disagrees with the movements, as another program might leave it.
    let mut conn = backroom_api::db::open_store(&a).unwrap();
    let tx =
        conn.begin(backroom_api::store::Access::Write, std::time::Duration::from_secs(5)).unwrap();
    tx.execute("UPDATE stock SET on_hand = 4", []).unwrap();
    tx.commit().unwrap();
    drop(conn);

    let b = TestDatabase::new(&dir.path().join("b"));
    let err = copy(&a, &b.location).unwrap_err();
    assert!(err.message.contains("stock"), "{}", err.message);
    let products = local(&b.open(), "export_csv", json!({"table": "products"}));
    assert_eq!(products["csv"].as_str().unwrap().lines().count(), 1, "only the header");
}
