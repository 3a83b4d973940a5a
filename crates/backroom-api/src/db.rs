//! Opening the database: pragmas, migrations, and the schema version.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

use crate::error::ApiError;

/// The numbered migrations, oldest first. A new schema change is a new file at the end; files
/// already released are never edited.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_gift_message.sql"),
    include_str!("../migrations/0003_fulfilment.sql"),
    include_str!("../migrations/0004_packing.sql"),
    include_str!("../migrations/0005_pick_lists.sql"),
    include_str!("../migrations/0007_planning.sql"),
    include_str!("../migrations/0006_manifest.sql"),
    include_str!("../migrations/0008_integrity.sql"),
    include_str!("../migrations/0009_shop_exports.sql"),
];

/// Where the database lives unless told otherwise: `backroom/backroom.db` in the OS data
/// directory. The CLI, the server and the desktop app all open this same file by default.
pub fn default_path() -> std::path::PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| std::path::PathBuf::from("."))
        .join("backroom")
        .join("backroom.db")
}

/// The schema version this build writes and understands.
pub fn schema_version() -> u32 {
    MIGRATIONS.len() as u32
}

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
}

/// Opens (creating if needed) the database at `path`, sets the pragmas Backroom relies on and
/// brings an older schema up to date inside a transaction. A database written by a newer
/// Backroom is refused rather than guessed at.
pub fn open(path: &Path) -> Result<Connection, ApiError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            ApiError::storage(format!("cannot create the folder {}: {e}", dir.display()))
        })?;
    }
    let mut conn = Connection::open(path).map_err(|e| {
        ApiError::storage(format!("cannot open the database {}: {e}", path.display()))
    })?;
    configure(&conn)?;
    let found = read_version(&conn)?;
    if found > schema_version() {
        return Err(ApiError::schema_too_new(found, schema_version()));
    }
    migrations()
        .to_latest(&mut conn)
        .map_err(|e| ApiError::storage(format!("cannot update the database schema: {e}")))?;
    Ok(conn)
}

fn configure(conn: &Connection) -> Result<(), ApiError> {
    // WAL lets readers carry on while one station writes; the busy timeout makes a second
    // writer (another process, say an import from the CLI) wait its turn instead of failing.
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // Commands keep their statements prepared (`Ctx::execute`); room for all of them.
    conn.set_prepared_statement_cache_capacity(256);
    Ok(())
}

/// The schema version stored in the database file.
pub fn read_version(conn: &Connection) -> Result<u32, ApiError> {
    Ok(conn.pragma_query_value(None, "user_version", |row| row.get::<_, u32>(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn a_new_database_is_at_the_latest_schema_with_wal_and_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(&dir.path().join("b.db")).unwrap();
        assert_eq!(read_version(&conn).unwrap(), schema_version());
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
    }

    #[test]
    fn a_database_from_a_newer_backroom_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.db");
        drop(open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", schema_version() + 1).unwrap();
        drop(conn);
        let err = open(&path).unwrap_err();
        assert_eq!(err.code, ErrorCode::SchemaTooNew);
        assert!(err.message.contains("newer"), "{}", err.message);
    }

    #[test]
    fn an_older_database_is_migrated_and_keeps_its_orders() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.db");
        // A database as the first release wrote it, holding one order.
        let mut conn = Connection::open(&path).unwrap();
        Migrations::new(vec![M::up(MIGRATIONS[0])]).to_latest(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO orders (number, placed_at, payment_status, status)
                 VALUES ('1001', '2026-11-01T00:00:00Z', 'paid', 'new');",
        )
        .unwrap();
        assert_eq!(read_version(&conn).unwrap(), 1);
        drop(conn);
        let conn = open(&path).unwrap();
        assert_eq!(read_version(&conn).unwrap(), schema_version());
        let (number, gift, policy): (String, String, Option<String>) = conn
            .query_row("SELECT number, gift_message, backorder_policy FROM orders", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!((number.as_str(), gift.as_str(), policy), ("1001", "", None));
    }

    #[test]
    fn reopening_keeps_the_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.db");
        let conn = open(&path).unwrap();
        conn.execute("INSERT INTO settings (key, value) VALUES ('k', '1')", []).unwrap();
        drop(conn);
        let conn = open(&path).unwrap();
        let n: i64 = conn.query_row("SELECT count(*) FROM settings", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 1);
    }
}
