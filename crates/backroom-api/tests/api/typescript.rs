//! The UI's TypeScript types are generated from the Rust command list and committed. This test
//! fails when they are stale; run it with `BACKROOM_BLESS=1` to rewrite them.

use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "ts"))
                .map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    (name, std::fs::read_to_string(e.path()).unwrap())
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn typescript_bindings_are_current() {
    let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/gen");
    let fresh = tempfile::tempdir().unwrap();
    backroom_api::commands::write_typescript(fresh.path()).unwrap();
    if std::env::var_os("BACKROOM_BLESS").is_some() {
        if committed.exists() {
            std::fs::remove_dir_all(&committed).unwrap();
        }
        std::fs::create_dir_all(&committed).unwrap();
        for (name, text) in files(fresh.path()) {
            std::fs::write(committed.join(name), text).unwrap();
        }
        return;
    }
    let (want, have) = (files(fresh.path()), files(&committed));
    let names = |f: &[(String, String)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&have),
        names(&want),
        "ui/src/gen is stale: run `BACKROOM_BLESS=1 cargo test -p backroom-api --test api typescript`"
    );
    for ((name, have), (_, want)) in have.iter().zip(&want) {
        assert_eq!(
            have, want,
            "ui/src/gen/{name} is stale: run `BACKROOM_BLESS=1 cargo test -p backroom-api --test api typescript`"
        );
    }
}
