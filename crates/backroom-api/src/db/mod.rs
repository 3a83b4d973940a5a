//! Opening the database: pragmas, migrations, the schema version, and the connections a
//! running Backroom shares out: one writer that write commands take in turn, and read-only
//! connections on which reads see a snapshot without waiting for it. SQLite is opened here;
//! PostgreSQL in [`postgres`].

pub mod copy;
pub mod host_events;
pub mod postgres;

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

use crate::error::ApiError;
use crate::store::{self, Location};

/// The numbered migrations, in the order they apply: a file's number is its place in this list
/// and so its schema version. A new schema change is a new file at the end; files already
/// released are never edited.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_gift_message.sql"),
    include_str!("../../migrations/0003_fulfilment.sql"),
    include_str!("../../migrations/0004_packing.sql"),
    include_str!("../../migrations/0005_pick_lists.sql"),
    include_str!("../../migrations/0006_planning.sql"),
    include_str!("../../migrations/0007_manifest.sql"),
    include_str!("../../migrations/0008_integrity.sql"),
    include_str!("../../migrations/0009_shop_exports.sql"),
    include_str!("../../migrations/0010_import_mappings.sql"),
    include_str!("../../migrations/0011_applied_requests.sql"),
    include_str!("../../migrations/0012_typed_weights.sql"),
    include_str!("../../migrations/0013_paired_stations.sql"),
    include_str!("../../migrations/0014_product_images.sql"),
    include_str!("../../migrations/0015_taken_pick_lists.sql"),
    include_str!("../../migrations/0016_operator_language.sql"),
    include_str!("../../migrations/0017_station_devices.sql"),
    include_str!("../../migrations/0018_product_search.sql"),
];

/// Where the database lives unless told otherwise: `backroom/backroom.db` in the OS data
/// directory. The CLI, the server and the desktop app all open this same file by default.
pub fn default_path() -> std::path::PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| std::path::PathBuf::from("."))
        .join("backroom")
        .join("backroom.db")
}

/// The path standing for a database's files on this machine (see [`crate::App::path`]): the
/// SQLite file itself, or for a PostgreSQL database a name in the data folder made from where it
/// is, so two databases never share pictures.
pub fn files_path(location: &Location) -> PathBuf {
    match location {
        Location::File(path) => path.clone(),
        Location::Postgres(_) => {
            use sha2::{Digest, Sha256};
            let shown = location.to_string();
            let digest = Sha256::digest(shown.as_bytes());
            let name: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
            default_path().with_file_name(format!("postgres-{name}"))
        }
    }
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

/// Opens a connection on an existing, migrated database that refuses to change anything
/// (`query_only`): a read command that tried to write would fail loudly rather than write
/// outside the writer's turn.
pub fn open_reader(path: &Path) -> Result<Connection, ApiError> {
    let conn = Connection::open(path).map_err(|e| {
        ApiError::storage(format!("cannot open the database {}: {e}", path.display()))
    })?;
    // WAL readers wait only while another connection recovers the log, which is brief.
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "query_only", "ON")?;
    conn.set_prepared_statement_cache_capacity(256);
    Ok(conn)
}

/// Opens the database at `location` for writing, creating it and bringing its schema up to
/// date as needed.
pub fn open_store(location: &Location) -> Result<store::Connection, ApiError> {
    match location {
        Location::File(path) => Ok(store::Connection::Sqlite(open(path)?)),
        Location::Postgres(text) => postgres::open(text),
    }
}

/// Opens a connection for read commands on a database already brought up to date.
fn open_reader_at(location: &Location) -> Result<store::Connection, ApiError> {
    match location {
        Location::File(path) => Ok(store::Connection::Sqlite(open_reader(path)?)),
        Location::Postgres(text) => {
            Ok(store::Connection::Postgres(Box::new(postgres::connect(text)?)))
        }
    }
}

/// A new connection in place of one the server dropped, for writing.
fn reopen_writer(location: &Location) -> Result<store::Connection, ApiError> {
    match location {
        Location::File(path) => Ok(store::Connection::Sqlite(open(path)?)),
        Location::Postgres(text) => {
            Ok(store::Connection::Postgres(Box::new(postgres::connect(text)?)))
        }
    }
}

/// The schema version of the database a transaction is in.
pub fn version_in(tx: &store::Transaction<'_>) -> Result<u32, ApiError> {
    let sql = match tx.engine() {
        store::Engine::Sqlite => "PRAGMA user_version",
        store::Engine::Postgres => "SELECT version FROM schema_version",
    };
    Ok(tx.query_row(sql, [], |r| r.get(0))?)
}

/// The schema version stored in the database file.
pub fn read_version(conn: &Connection) -> Result<u32, ApiError> {
    Ok(conn.pragma_query_value(None, "user_version", |row| row.get::<_, u32>(0))?)
}

/// The one connection that writes, taken by write commands one at a time in the order they
/// asked. A command that cannot have it within the wait it was given is told Backroom is busy,
/// rather than spinning on SQLite's lock until something gives.
pub struct Writer {
    queue: Mutex<WriterQueue>,
    turn: Condvar,
    location: Location,
}

struct WriterQueue {
    /// The connection while nobody holds it.
    conn: Option<store::Connection>,
    /// Tickets of the commands waiting, first come first.
    waiting: VecDeque<u64>,
    next_ticket: u64,
}

impl Writer {
    pub fn new(conn: store::Connection, location: Location) -> Writer {
        let queue = WriterQueue { conn: Some(conn), waiting: VecDeque::new(), next_ticket: 0 };
        Writer { queue: Mutex::new(queue), turn: Condvar::new(), location }
    }

    /// Waits for the writer's turn, at most `wait`. What is left of the wait goes with the
    /// turn, so another process holding the database (an import from the command line, another
    /// host) counts against the same bound. A connection the server dropped is replaced.
    pub fn take(&self, wait: Duration) -> Result<WriterTurn<'_>, ApiError> {
        let deadline = Instant::now() + wait;
        let mut queue = self.lock();
        let ticket = queue.next_ticket;
        queue.next_ticket += 1;
        queue.waiting.push_back(ticket);
        loop {
            if queue.waiting.front() == Some(&ticket) && queue.conn.is_some() {
                queue.waiting.pop_front();
                let conn = queue.conn.take().expect("the writer is free");
                drop(queue);
                let mut turn = WriterTurn { writer: self, conn: Some(conn), deadline };
                if turn.is_broken() {
                    *turn = reopen_writer(&self.location)?;
                }
                return Ok(turn);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                queue.waiting.retain(|t| *t != ticket);
                drop(queue);
                // The next in line may be first now.
                self.turn.notify_all();
                return Err(ApiError::busy());
            }
            queue = self.turn.wait_timeout(queue, left).unwrap_or_else(|p| p.into_inner()).0;
        }
    }

    fn lock(&self) -> MutexGuard<'_, WriterQueue> {
        self.queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The writer, held by one command until dropped.
pub struct WriterTurn<'a> {
    writer: &'a Writer,
    conn: Option<store::Connection>,
    deadline: Instant,
}

impl WriterTurn<'_> {
    /// How much longer the command may wait for another process's writer.
    pub fn wait_left(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }
}

impl std::ops::Deref for WriterTurn<'_> {
    type Target = store::Connection;
    fn deref(&self) -> &store::Connection {
        self.conn.as_ref().expect("held until dropped")
    }
}

impl std::ops::DerefMut for WriterTurn<'_> {
    fn deref_mut(&mut self) -> &mut store::Connection {
        self.conn.as_mut().expect("held until dropped")
    }
}

impl Drop for WriterTurn<'_> {
    fn drop(&mut self) {
        self.writer.lock().conn = self.conn.take();
        self.writer.turn.notify_all();
    }
}

/// Read-only connections kept open for read commands. A read takes an idle one or, when all
/// are in use (a slow printer holds one while a slip goes out), opens another, so a read never
/// waits for another read. Up to `keep` are kept for the next reads: opening one costs more
/// than most reads.
pub struct Readers {
    location: Location,
    idle: Mutex<Vec<store::Connection>>,
    keep: usize,
}

impl Readers {
    /// Opens `open` connections now and keeps up to `keep` once they have been used.
    pub fn new(location: &Location, open: usize, keep: usize) -> Result<Readers, ApiError> {
        let idle = (0..open).map(|_| open_reader_at(location)).collect::<Result<Vec<_>, _>>()?;
        Ok(Readers { location: location.clone(), idle: Mutex::new(idle), keep })
    }

    /// An idle connection, or a new one; one the server dropped is left behind.
    pub fn take(&self) -> Result<Reader<'_>, ApiError> {
        let idle = std::iter::from_fn(|| self.lock().pop()).find(|conn| !conn.is_broken());
        let conn = match idle {
            Some(conn) => conn,
            None => open_reader_at(&self.location)?,
        };
        Ok(Reader { readers: self, conn: Some(conn) })
    }

    fn lock(&self) -> MutexGuard<'_, Vec<store::Connection>> {
        self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A read-only connection, back among the idle ones when dropped.
pub struct Reader<'a> {
    readers: &'a Readers,
    conn: Option<store::Connection>,
}

impl std::ops::Deref for Reader<'_> {
    type Target = store::Connection;
    fn deref(&self) -> &store::Connection {
        self.conn.as_ref().expect("held until dropped")
    }
}

impl std::ops::DerefMut for Reader<'_> {
    fn deref_mut(&mut self) -> &mut store::Connection {
        self.conn.as_mut().expect("held until dropped")
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        let mut idle = self.readers.lock();
        if idle.len() < self.readers.keep {
            idle.push(conn);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn the_files_are_numbered_in_the_order_they_apply() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(&dir).unwrap().map(|entry| entry.unwrap().path()).collect();
        files.sort();
        assert_eq!(files.len(), MIGRATIONS.len(), "a migration file is missing from the list");
        for (n, (file, sql)) in files.iter().zip(MIGRATIONS).enumerate() {
            let name = file.file_name().unwrap().to_string_lossy();
            assert!(name.starts_with(&format!("{:04}_", n + 1)), "{name} is not number {}", n + 1);
            assert_eq!(&std::fs::read_to_string(file).unwrap(), sql, "{name} is not at its place");
        }
    }

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
    fn a_reader_refuses_to_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.db");
        drop(open(&path).unwrap());
        let reader = open_reader(&path).unwrap();
        let err = reader.execute("INSERT INTO settings (key, value) VALUES ('k', '1')", []);
        assert!(err.is_err(), "a reader wrote");
        let n: i64 = reader.query_row("SELECT count(*) FROM settings", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 0);
    }

    #[test]
    fn writers_take_turns_in_the_order_they_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.db");
        let writer =
            Writer::new(open_store(&Location::File(path.clone())).unwrap(), Location::File(path));
        let order = Mutex::new(Vec::new());
        let first = writer.take(Duration::from_secs(30)).unwrap();
        std::thread::scope(|scope| {
            for n in 0..5 {
                let (writer, order) = (&writer, &order);
                scope.spawn(move || {
                    let _turn = writer.take(Duration::from_secs(30)).unwrap();
                    order.lock().unwrap().push(n);
                });
                // Each has taken its ticket before the next asks.
                while writer.lock().waiting.len() < n + 1 {
                    std::thread::yield_now();
                }
            }
            drop(first);
        });
        assert_eq!(*order.lock().unwrap(), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn a_writer_that_waits_too_long_is_busy_and_leaves_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.db");
        let writer =
            Writer::new(open_store(&Location::File(path.clone())).unwrap(), Location::File(path));
        let held = writer.take(Duration::from_secs(1)).unwrap();
        let err = writer.take(Duration::from_millis(20)).err().expect("busy");
        assert_eq!(err.code, ErrorCode::Busy);
        assert!(writer.lock().waiting.is_empty());
        drop(held);
        assert!(writer.take(Duration::from_millis(20)).is_ok());
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
