use std::process::{Command, Output};

fn backroom(db: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_backroom"))
        .arg("--db")
        .arg(db)
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
    let db = dir.path().join("x.db");
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
    let from_env = dir.path().join("env.db");
    let out = Command::new(env!("CARGO_BIN_EXE_backroom"))
        .env("BACKROOM_DB", &from_env)
        .args(["db", "info"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("env.db"));
    assert!(from_env.exists());
}

#[test]
fn call_runs_any_command_and_errors_exit_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
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
