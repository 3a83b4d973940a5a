//! What the tests of every crate share: a new, empty warehouse database on the engine the test
//! run chose. By default it is a SQLite file in the folder given. When `BACKROOM_TEST_PG` holds
//! a PostgreSQL connection string (the test script starts a throwaway server and sets it), it is
//! a database of its own on that server, copied from a template that already holds the schema,
//! and dropped with the [`TestDatabase`].

use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use postgres::{Client, NoTls};
use sha2::Digest;

use crate::App;
use crate::store::{self, Access, Location, Params, Row};

/// The variable naming the PostgreSQL server tests run on, when they do.
pub const TEST_SERVER: &str = "BACKROOM_TEST_PG";

/// A test's database, removed when dropped (a SQLite file goes with its folder).
pub struct TestDatabase {
    pub location: Location,
    /// The server and the database's name, to drop it.
    dropped_from: Option<(String, String)>,
}

impl TestDatabase {
    /// A new database: `backroom.db` in `dir`, or one on the test server.
    pub fn new(dir: &Path) -> TestDatabase {
        match std::env::var(TEST_SERVER) {
            Ok(server) if !server.trim().is_empty() => TestDatabase::on_server(&server),
            _ => TestDatabase {
                location: Location::File(dir.join("backroom.db")),
                dropped_from: None,
            },
        }
    }

    /// Whether tests run on PostgreSQL: those about the SQLite file itself do not apply.
    pub fn on_postgres() -> bool {
        std::env::var(TEST_SERVER).is_ok_and(|s| !s.trim().is_empty())
    }

    /// The database opened as an app.
    pub fn open(&self) -> App {
        App::open_at(&self.location).unwrap_or_else(|e| panic!("open {}: {e}", self.location))
    }

    /// Runs one statement on the database as another program would, outside any command, and
    /// commits it.
    pub fn execute<P: Params>(&self, sql: &str, params: P) -> store::Result<usize> {
        self.in_transaction(|tx| tx.execute(sql, params))
    }

    /// Runs statements given as one text, as another program would, and commits them.
    pub fn execute_batch(&self, sql: &str) -> store::Result<()> {
        self.in_transaction(|tx| tx.execute_batch(sql))
    }

    /// A connection of its own to the database, as another program would open.
    pub fn connect(&self) -> store::Connection {
        crate::db::open_store(&self.location)
            .unwrap_or_else(|e| panic!("open {}: {e}", self.location))
    }

    /// Reads one row as another program would, outside any command.
    pub fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> store::Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> store::Result<T>,
    {
        self.in_transaction(|tx| tx.query_row(sql, params, f))
    }

    /// Reads every row as another program would, outside any command.
    pub fn query_all<T, P, F>(&self, sql: &str, params: P, f: F) -> store::Result<Vec<T>>
    where
        P: Params,
        F: FnMut(&Row<'_>) -> store::Result<T>,
    {
        self.in_transaction(|tx| tx.prepare(sql)?.query_map(params, f)?.collect())
    }

    fn in_transaction<T>(
        &self,
        body: impl FnOnce(&store::Transaction<'_>) -> store::Result<T>,
    ) -> store::Result<T> {
        let mut conn = self.connect();
        let tx = conn.begin(Access::Write, Duration::from_secs(10))?;
        let out = body(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    fn on_server(server: &str) -> TestDatabase {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let template = template(server);
        let name = format!(
            "t{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            rand::random::<u32>()
        );
        admin(server)
            .batch_execute(&format!(
                "CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY"
            ))
            .unwrap_or_else(|e| panic!("create the test database {name}: {e}"));
        TestDatabase {
            location: Location::Postgres(format!("{server} dbname={name}")),
            dropped_from: Some((server.to_owned(), name)),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.dropped_from {
            // FORCE ends the connections of an app still open in another thread. A server
            // already gone has nothing left to drop, and a panic here would hide the test's own.
            if let Ok(mut server) = connect_admin(server) {
                let _ =
                    server.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// A connection to the server's own database, to create and drop others.
fn admin(server: &str) -> Client {
    connect_admin(server).unwrap_or_else(|e| panic!("reach the test server: {e}"))
}

fn connect_admin(server: &str) -> Result<Client, postgres::Error> {
    let mut config: postgres::Config = server.parse().expect("a connection string");
    config.dbname("postgres");
    config.connect(NoTls)
}

/// The template every test database is copied from: created once per server and schema
/// text, made as [`crate::db::postgres`] asks a database to be, with the whole schema.
fn template(server: &str) -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        // Named for the schema's text, so a changed schema never reuses an old template.
        let digest = sha2::Sha256::digest(crate::db::postgres::SCHEMA.as_bytes());
        let name = format!(
            "backroom_template_{:02x}{:02x}{:02x}{:02x}",
            digest[0], digest[1], digest[2], digest[3]
        );
        let mut admin = admin(server);
        // Test binaries of one run may start at once; the first makes the template.
        admin.batch_execute("SELECT pg_advisory_lock(1)").unwrap();
        let exists = admin
            .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
            .unwrap()
            .is_some();
        if !exists {
            admin
                .batch_execute(&format!(
                    "CREATE DATABASE {name} {}",
                    crate::db::postgres::CREATE_OPTIONS
                ))
                .unwrap();
            drop(App::open_at(&Location::Postgres(format!("{server} dbname={name}"))).unwrap());
        }
        admin.batch_execute("SELECT pg_advisory_unlock(1)").unwrap();
        name
    })
}
