use std::process::{Command, Output};

use backroom_api::store::Location;
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

#[test]
fn every_subcommand_has_help() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::new(dir.path());
    for sub in [
        &["serve"][..],
        &["demo"],
        &["import"],
        &["export"],
        &["db"],
        &["db", "check"],
        &["call"],
        &["commands"],
    ] {
        let mut args = sub.to_vec();
        args.push("--help");
        let out = backroom(&db, &args);
        assert!(out.status.success(), "{sub:?} --help failed: {}", text(&out.stderr));
        assert!(text(&out.stdout).contains("Usage:"), "{sub:?}");
    }
}

#[test]
fn the_db_flag_and_environment_choose_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let from_env = TestDatabase::new(dir.path());
    let out = Command::new(env!("CARGO_BIN_EXE_backroom"))
        .env("BACKROOM_DB", from_env.location.to_arg())
        .args(["db", "info"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = format!("database: {}\n", from_env.location);
    assert!(text(&out.stdout).contains(&shown), "{}", text(&out.stdout));
    if let Location::File(path) = &from_env.location {
        assert!(path.exists());
    }
}

#[test]
fn call_runs_any_command_and_errors_exit_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::new(dir.path());
    let out = backroom(
        &db,
        &["call", "save_product", r#"{"sku":"A-1","name":"Apple","unit_weight":"1 lb"}"#],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let product: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!((product["unit_weight_g"].as_f64().unwrap() - 453.592).abs() < 0.001);
    let out = backroom(&db, &["call", "lookup_product", r#"{"code":"B-2"}"#]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("B-2"), "{}", text(&out.stderr));
    let out = backroom(&db, &["db", "check"]);
    assert!(out.status.success(), "{}", text(&out.stdout));
}

#[test]
fn demo_then_db_check_then_export() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::new(dir.path());
    let out = backroom(&db, &["demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("500 products"), "{}", text(&out.stdout));
    let out = backroom(&db, &["db", "check"]);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).starts_with("ledger ok"), "{}", text(&out.stdout));
    let out = backroom(&db, &["export", "orders"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    assert!(csv.starts_with("number,"), "the order number column is named number");
    assert!(csv.lines().count() > 200, "one row per order line of 200 orders");
    let again = backroom(&db, &["demo"]);
    assert!(!again.status.success(), "the demo loads only into an empty database");
}

#[test]
fn a_bad_import_names_every_row_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::new(dir.path());
    let file = dir.path().join("products.csv");
    std::fs::write(&file, "sku,name,unit_weight\nA-1,Apple,1 lb\nB-2,,2 kg\nC-3,Cherry,12 stone\n")
        .unwrap();
    let out = backroom(&db, &["import", "products", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let errors = text(&out.stderr);
    assert!(errors.contains("line 3") && errors.contains("line 4"), "{errors}");
    assert!(errors.contains("nothing was imported"), "{errors}");
    let out = backroom(&db, &["export", "products"]);
    assert_eq!(text(&out.stdout).lines().count(), 1, "only the header: {}", text(&out.stdout));
}

#[test]
fn a_file_that_is_not_utf8_names_the_first_bad_byte_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::new(dir.path());
    let products = dir.path().join("products.csv");
    std::fs::write(&products, "\u{feff}sku,name\nMUG-1,Mug\n").unwrap();
    let out = backroom(&db, &["import", "products", products.to_str().unwrap()]);
    assert!(out.status.success(), "a UTF-8 file with a BOM imports: {}", text(&out.stderr));

    // Saved from a spreadsheet in Windows-1252: the e-acute of "Café" is the byte 0xE9.
    let file = dir.path().join("orders.csv");
    std::fs::write(
        &file,
        b"number,sku,qty,ship_name\n1001,MUG-1,1,Ada\n1002,MUG-1,2,Caf\xe9 Lee\n",
    )
    .unwrap();
    let out = backroom(&db, &["import", "orders", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let errors = text(&out.stderr);
    assert!(
        errors.contains(
            "orders.csv: line 3, column 17: not UTF-8 text (byte 0xE9); save the file as UTF-8 \
             and import again"
        ),
        "{errors}"
    );
    assert!(errors.contains("nothing was imported"), "{errors}");
    let out = backroom(&db, &["export", "orders"]);
    assert_eq!(text(&out.stdout).lines().count(), 1, "only the header: {}", text(&out.stdout));
}

#[test]
fn the_demo_plans_pick_lists_and_prints_a_lists_slips_in_tote_order() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::new(dir.path());
    assert!(backroom(&db, &["demo"]).status.success());
    let out = backroom(&db, &["call", "plan_pick_lists", r#"{"totes": 6, "limit": 30}"#]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let (planned, fcfs) =
        (plan["distance_m"].as_f64().unwrap(), plan["fcfs_distance_m"].as_f64().unwrap());
    assert!(planned <= fcfs, "planned {planned} m, first come first served {fcfs} m");
    let id = plan["lists"][0]["id"].as_i64().unwrap().to_string();
    let out = backroom(&db, &["call", "get_pick_list", &format!(r#"{{"id": {id}}}"#)]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let numbers: Vec<&str> =
        list["orders"].as_array().unwrap().iter().map(|o| o["number"].as_str().unwrap()).collect();
    assert!(numbers.len() > 1, "{list}");

    let pdf = dir.path().join("batch.pdf");
    let out = backroom(&db, &["slip", "--batch", &id, "--out", pdf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let pdftotext = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext runs");
    let slips = text(&pdftotext.stdout);
    // The slip prints the number without the shop's `#`.
    let at: Vec<usize> = numbers
        .iter()
        .map(|n| {
            let heading = format!("Order {}", n.trim_start_matches('#'));
            slips.find(&heading).unwrap_or_else(|| panic!("{heading} missing"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "slips in tote order: {numbers:?} at {at:?}");
}
