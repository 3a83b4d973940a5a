//! Opening a PostgreSQL database: a new one gets the whole schema at once (the twin of SQLite's
//! migrations up to the baseline), and its version is kept in `schema_version`. Hosts opening
//! the same database at once take turns on a session advisory lock, so the schema is written
//! once.

use postgres::Client;

use crate::error::ApiError;
use crate::store::{self, Connection, PgConnection};

/// The schema as SQLite has it after migration [`BASELINE`].
pub(crate) const SCHEMA: &str = include_str!("../../postgres/schema.sql");
const BASELINE: u32 = 18;

/// Schema changes after the baseline, in order: each SQLite migration after it has its twin
/// here, so both engines always share one schema version.
const MIGRATIONS: &[&str] = &[];

/// How a database for Backroom is created: C collation, so text sorts and compares byte by
/// byte as in SQLite (SKUs list in the same order on both engines), with a UTF-8 character
/// type so `lower()` folds every letter for searches.
pub const CREATE_OPTIONS: &str =
    "TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'";

/// The session lock hosts take while they bring the schema up to date.
const SCHEMA_LOCK: i64 = i64::from_be_bytes(*b"BRSCHEMA");

/// Connects to the database named by `text`, creating or updating its schema as needed. A
/// database written by a newer Backroom is refused rather than guessed at.
pub fn open(text: &str) -> Result<Connection, ApiError> {
    let mut conn = connect(text)?;
    conn.with_client(|client| {
        client.batch_execute(&format!("SELECT pg_advisory_lock({SCHEMA_LOCK})"))?;
        let result = migrate(client);
        client.batch_execute(&format!("SELECT pg_advisory_unlock({SCHEMA_LOCK})"))?;
        result
    })?;
    Ok(Connection::Postgres(Box::new(conn)))
}

/// Connects to a database already brought up to date, for reads and for a writer that lost
/// its connection.
pub fn connect(text: &str) -> Result<PgConnection, ApiError> {
    PgConnection::connect(text).map_err(|e| {
        ApiError::storage(format!(
            "cannot reach the PostgreSQL database {}: {e}",
            store::Location::Postgres(text.to_owned())
        ))
    })
}

/// The schema version this build writes: the same as SQLite's.
pub fn latest() -> u32 {
    BASELINE + MIGRATIONS.len() as u32
}

/// The schema version stored in the database; 0 for an empty one.
pub fn read_version(client: &mut Client) -> Result<u32, ApiError> {
    let exists: bool = client
        .query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[])
        .map_err(store::Error::from)?
        .get(0);
    if !exists {
        return Ok(0);
    }
    let version: i64 = client
        .query_one("SELECT version FROM schema_version", &[])
        .map_err(store::Error::from)?
        .get(0);
    Ok(version as u32)
}

/// Refuses a database whose text sorts another way than SQLite's: every list sorted by SKU,
/// code or name would come out in another order.
fn check_collation(client: &mut Client) -> Result<(), ApiError> {
    let collation: String = client
        .query_one("SELECT datcollate FROM pg_database WHERE datname = current_database()", &[])
        .map_err(store::Error::from)?
        .get(0);
    if collation == "C" || collation == "POSIX" {
        return Ok(());
    }
    Err(ApiError::storage(format!(
        "this PostgreSQL database sorts text by the {collation} collation; Backroom needs one \
         created with C collation: CREATE DATABASE name {CREATE_OPTIONS}"
    )))
}

fn migrate(client: &mut Client) -> Result<(), ApiError> {
    check_collation(client)?;
    let found = read_version(client)?;
    if found > latest() {
        return Err(ApiError::schema_too_new(found, latest()));
    }
    if found == latest() {
        return Ok(());
    }
    if found != 0 && found < BASELINE {
        return Err(ApiError::storage(format!(
            "this PostgreSQL database has schema version {found}, older than any this Backroom \
             can bring up to date"
        )));
    }
    let mut tx = client.transaction().map_err(store::Error::from)?;
    if found == 0 {
        tx.batch_execute(SCHEMA).map_err(store::Error::from)?;
    }
    let done = found.max(BASELINE);
    for sql in &MIGRATIONS[(done - BASELINE) as usize..] {
        tx.batch_execute(sql).map_err(store::Error::from)?;
    }
    tx.execute("UPDATE schema_version SET version = $1", &[&i64::from(latest())])
        .map_err(store::Error::from)?;
    tx.commit().map_err(store::Error::from)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::testing::TestDatabase;

    /// `postgres/schema.sql` is the twin of SQLite's migrations: the same tables with the same
    /// columns in the same order, which the shared SQL and `db copy` rely on. A migration
    /// without its twin (or a twin that drifted) fails here.
    #[test]
    fn the_schema_is_the_twin_of_the_migrations() {
        if !TestDatabase::on_postgres() {
            eprintln!("the PostgreSQL schema is compared with SQLite's in the PostgreSQL run");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let sqlite = crate::db::open(&dir.path().join("twin.db")).unwrap();
        let mut stmt = sqlite
            .prepare(
                "SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
                   AND m.name NOT LIKE 'product_search%'
                 ORDER BY m.name, c.cid",
            )
            .unwrap();
        let sqlite_columns: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let db = TestDatabase::new(dir.path());
        // `schema_version` is PostgreSQL's own: SQLite keeps its version in a pragma.
        let postgres_columns: Vec<(String, String)> = db
            .query_all(
                "SELECT c.table_name, c.column_name FROM information_schema.columns c
                 JOIN information_schema.tables t
                   ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                 WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
                   AND c.table_name <> 'schema_version'
                 ORDER BY c.table_name, c.ordinal_position",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert!(sqlite_columns.len() > 200, "{} columns", sqlite_columns.len());
        assert_eq!(postgres_columns, sqlite_columns);
    }
}
