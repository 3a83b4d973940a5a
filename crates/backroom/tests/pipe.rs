//! The real `backroom` writing into a pipe that its reader closes, as `backroom export orders |
//! head -1` does: the output ends quietly, never with a panic.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};

const BACKROOM: &str = env!("CARGO_BIN_EXE_backroom");

/// A database file holding the demo warehouse.
fn demo_db(dir: &Path) -> String {
    let db = dir.join("demo.db").to_str().unwrap().to_owned();
    let out = Command::new(BACKROOM).args(["--db", &db, "demo"]).output().unwrap();
    assert!(out.status.success(), "demo: {}", String::from_utf8_lossy(&out.stderr));
    db
}

/// A small layout and a pick list for `backroom route`, as paths.
fn route_files(dir: &Path) -> (String, String) {
    let layout = dir.join("layout.json");
    let picks = dir.join("picks.json");
    let write = |path: &Path, text: &str| std::fs::write(path, text).unwrap();
    write(
        &layout,
        r#"{"name": "t", "aisles": 4, "blocks": 2, "slots_per_side": 5, "slot_length_m": 1.0,
            "aisle_pitch_m": 3.0, "cross_aisle_m": 2.0}"#,
    );
    write(
        &picks,
        r#"{"layout": "t", "picks": [{"id": "P1", "aisle": 2, "block": 1, "slot": 3, "side": "L"},
                                     {"id": "P2", "aisle": 4, "block": 2, "slot": 1, "side": "R"}]}"#,
    );
    let path = |p: PathBuf| p.to_str().unwrap().to_owned();
    (path(layout), path(picks))
}

fn spawn(db: &str, args: &[&str]) -> Child {
    Command::new(BACKROOM)
        .args(["--db", db])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Exit 0, or killed by SIGPIPE as many Unix tools are: both say "the reader had enough".
fn ended_quietly(status: ExitStatus) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        const SIGPIPE: i32 = 13;
        if status.signal() == Some(SIGPIPE) {
            return true;
        }
    }
    status.success()
}

/// Waits for the run; how it ended, unless it ended quietly.
fn noisy_end(mut child: Child) -> Option<String> {
    let status = child.wait().unwrap();
    let stderr = std::io::read_to_string(child.stderr.take().unwrap()).unwrap();
    let quiet = ended_quietly(status) && !stderr.contains("panicked");
    (!quiet).then(|| format!("{status}: {stderr}"))
}

#[test]
fn an_export_read_one_line_at_a_time_stops_quietly_when_the_reader_does() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    // The demo's orders come to more than a pipe's buffer, so the export is still writing
    // when the reader goes.
    let mut child = spawn(&db, &["export", "orders"]);
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut header = String::new();
    stdout.read_line(&mut header).unwrap();
    assert!(header.starts_with("number,"), "{header}");
    drop(stdout);
    assert_eq!(noisy_end(child), None);
}

#[test]
fn every_printing_command_ends_quietly_on_a_pipe_closed_before_it_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let (layout, picks) = route_files(dir.path());
    let runs: [&[&str]; 9] = [
        &["export", "products"],
        &["export", "stock"],
        &["call", "list_orders"],
        &["call", "health"],
        &["commands"],
        &["db", "info"],
        &["db", "check"],
        &["route", "--layout", &layout, "--picks", &picks],
        &["route", "--layout", &layout, "--picks", &picks, "--json"],
    ];
    let mut noisy = Vec::new();
    for args in runs {
        let mut child = spawn(&db, args);
        // Closed before the command has opened the database, so its first write finds no
        // reader.
        drop(child.stdout.take());
        noisy.extend(noisy_end(child).map(|end| format!("{}: {end}", args.join(" "))));
    }
    assert!(noisy.is_empty(), "{noisy:#?}");
}
