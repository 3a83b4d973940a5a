//! The database every command reads and writes, on either engine: SQLite, one file on this
//! machine (the default), or PostgreSQL, a company's server that several Backroom hosts can
//! share. Commands see one facade with SQLite's shape (`prepare`, `query_row`, `query_map`,
//! `execute`, [`params!`], [`OptionalExtension`]) and write one SQL text for both engines; the
//! PostgreSQL side numbers its parameters its own way ([`postgres::sql_for`]).
//!
//! A write runs alone: SQLite's `BEGIN IMMEDIATE`, or on PostgreSQL READ COMMITTED behind one
//! transaction-level advisory lock taken first. A read sees one snapshot and cannot write:
//! SQLite's `query_only` connection, or PostgreSQL's `REPEATABLE READ READ ONLY`.

mod postgres;
mod sqlite;
mod value;

use std::fmt;

pub use crate::params;
pub use value::{FromSql, Params, ToSql, Value, ValueRef, wrong_type};

/// Where a warehouse's database is: a SQLite file, or a PostgreSQL connection string (a
/// `postgres://` URL or `host=... dbname=...` words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    File(std::path::PathBuf),
    Postgres(String),
}

impl Location {
    /// Reads what `--db` or `BACKROOM_DB` says: a PostgreSQL connection string when it starts as
    /// one, otherwise a file path.
    pub fn parse(text: &str) -> Location {
        let words = text.trim_start();
        let is_postgres = words.starts_with("postgres://")
            || words.starts_with("postgresql://")
            || words.starts_with("host=")
            || words.starts_with("dbname=");
        if is_postgres { Location::Postgres(text.to_owned()) } else { Location::File(text.into()) }
    }

    pub fn engine(&self) -> Engine {
        match self {
            Location::File(_) => Engine::Sqlite,
            Location::Postgres(_) => Engine::Postgres,
        }
    }

    /// The location as `--db` takes it, password and all: for starting another `backroom`
    /// process on the same database, never for showing.
    pub fn to_arg(&self) -> String {
        match self {
            Location::File(path) => path.display().to_string(),
            Location::Postgres(text) => text.clone(),
        }
    }
}

impl fmt::Display for Location {
    /// The location as a person may see it: a file's path, or the server and database without
    /// any password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File(path) => write!(f, "{}", path.display()),
            Location::Postgres(text) => f.write_str(&postgres::without_password(text)),
        }
    }
}

/// Which engine a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// What went wrong in the database, before it is told in words ([`crate::error`]).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the query returned no rows")]
    QueryReturnedNoRows,
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error("{}", postgres::describe(.0))]
    Postgres(#[from] ::postgres::Error),
    /// A value that does not fit where it goes: a column read as the wrong type, a number too
    /// big to keep.
    #[error("{0}")]
    Conversion(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `.optional()` on a one-row read: no row is `None`, not an error.
pub trait OptionalExtension<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(Error::QueryReturnedNoRows) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Whether a transaction may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// A snapshot of the last commit that refuses to write.
    Read,
    /// The one writer: nobody else writes until it ends.
    Write,
}

/// An open connection to either engine.
pub enum Connection {
    Sqlite(rusqlite::Connection),
    Postgres(Box<postgres::PgConnection>),
}

pub use postgres::PgConnection;

impl Connection {
    pub fn engine(&self) -> Engine {
        match self {
            Connection::Sqlite(_) => Engine::Sqlite,
            Connection::Postgres(_) => Engine::Postgres,
        }
    }

    /// Whether the server went away: the connection is of no more use. A SQLite file does not go
    /// away.
    pub fn is_broken(&self) -> bool {
        match self {
            Connection::Sqlite(_) => false,
            Connection::Postgres(conn) => conn.is_broken(),
        }
    }

    /// Begins a transaction of the given access. A write waits at most `wait` for another
    /// process's writer before it fails as busy.
    pub fn begin(&mut self, access: Access, wait: std::time::Duration) -> Result<Transaction<'_>> {
        match self {
            Connection::Sqlite(conn) => sqlite::begin(conn, access, wait).map(Transaction::Sqlite),
            Connection::Postgres(conn) => {
                postgres::begin(conn, access, wait).map(Transaction::Postgres)
            }
        }
    }
}

/// A transaction on either engine: what commands hold as `ctx.tx`.
pub enum Transaction<'c> {
    Sqlite(rusqlite::Transaction<'c>),
    Postgres(postgres::PgTransaction<'c>),
}

impl Transaction<'_> {
    pub fn engine(&self) -> Engine {
        match self {
            Transaction::Sqlite(_) => Engine::Sqlite,
            Transaction::Postgres(_) => Engine::Postgres,
        }
    }

    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        match self {
            Transaction::Sqlite(tx) => Ok(Statement::Sqlite(sqlite::Stmt::Plain(tx.prepare(sql)?))),
            Transaction::Postgres(tx) => tx.prepare(sql).map(Statement::Postgres),
        }
    }

    /// [`Transaction::prepare`], keeping the statement prepared for the next call: an import
    /// of a hundred thousand rows runs the same few statements over and over.
    pub fn prepare_cached(&self, sql: &str) -> Result<Statement<'_>> {
        match self {
            Transaction::Sqlite(tx) => {
                Ok(Statement::Sqlite(sqlite::Stmt::Cached(tx.prepare_cached(sql)?)))
            }
            // Every statement stays prepared on PostgreSQL.
            Transaction::Postgres(tx) => tx.prepare(sql).map(Statement::Postgres),
        }
    }

    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        self.prepare(sql)?.execute(params)
    }

    pub fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        self.prepare(sql)?.query_row(params, f)
    }

    /// Inserts rows of `width` values each (`values` holds them row after row) into `into`, a
    /// table with its columns (`reservations (order_line_id, qty)`), many rows to a statement:
    /// on PostgreSQL each statement is a round trip to the server, which a row each would
    /// multiply. Rows go in chunks of 64, 32, 16, … so a call uses at most seven statement
    /// texts, which stay prepared. Returns the rows inserted.
    pub fn insert_rows(&self, into: &str, width: usize, values: &[&dyn ToSql]) -> Result<usize> {
        self.upsert_rows(into, width, values, "")
    }

    /// [`Transaction::insert_rows`] with a clause after the values, such as `ON CONFLICT (sku)
    /// DO UPDATE SET name = excluded.name`, which both engines read alike.
    pub fn upsert_rows(
        &self,
        into: &str,
        width: usize,
        values: &[&dyn ToSql],
        conflict: &str,
    ) -> Result<usize> {
        const MOST_ROWS: usize = 64;
        assert!(
            width > 0 && values.len().is_multiple_of(width),
            "insert_rows: rows of {width} values"
        );
        let mut rest = values;
        let mut inserted = 0;
        while !rest.is_empty() {
            let rows = 1 << (rest.len() / width).min(MOST_ROWS).ilog2();
            let (chunk, after) = rest.split_at(rows * width);
            let sql = insert_text(into, width, rows, conflict);
            inserted += self.prepare_cached(&sql)?.execute(chunk)?;
            rest = after;
        }
        Ok(inserted)
    }

    /// Runs statements given as one text, with no parameters and no rows back: savepoints.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match self {
            Transaction::Sqlite(tx) => Ok(tx.execute_batch(sql)?),
            Transaction::Postgres(tx) => tx.execute_batch(sql),
        }
    }

    /// A count that grows whenever this connection changes a row: compared before and after a
    /// command to tell whether it wrote anything.
    pub fn changes_so_far(&self) -> u64 {
        match self {
            Transaction::Sqlite(tx) => tx.total_changes(),
            Transaction::Postgres(tx) => tx.changes_so_far(),
        }
    }

    pub fn commit(self) -> Result<()> {
        match self {
            Transaction::Sqlite(tx) => Ok(tx.commit()?),
            Transaction::Postgres(tx) => tx.commit(),
        }
    }

    pub fn rollback(self) -> Result<()> {
        match self {
            Transaction::Sqlite(tx) => Ok(tx.rollback()?),
            Transaction::Postgres(tx) => tx.rollback(),
        }
    }
}

/// A list of ids or texts as the JSON array a statement unpacks with `json_each(?N)`, the one
/// way a list crosses to both engines as a single parameter.
pub fn json_list<T: serde::Serialize>(items: impl IntoIterator<Item = T>) -> String {
    let items: Vec<T> = items.into_iter().collect();
    serde_json::to_string(&items).expect("a list of numbers or texts is always JSON")
}

/// `INSERT INTO {into} VALUES (?1, ?2), (?3, ?4), … {conflict}`: `rows` rows of `width`
/// parameters.
fn insert_text(into: &str, width: usize, rows: usize, conflict: &str) -> String {
    let row = |r: usize| {
        let values: Vec<String> = (1..=width).map(|c| format!("?{}", r * width + c)).collect();
        format!("({})", values.join(", "))
    };
    let rows: Vec<String> = (0..rows).map(row).collect();
    format!("INSERT INTO {into} VALUES {} {conflict}", rows.join(", ")).trim_end().to_owned()
}

/// A prepared statement.
pub enum Statement<'t> {
    Sqlite(sqlite::Stmt<'t>),
    Postgres(postgres::PgStatement<'t>),
}

impl Statement<'_> {
    /// Runs the statement, answering how many rows it changed.
    pub fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
        let values = params.values()?;
        match self {
            Statement::Sqlite(stmt) => stmt.execute(&values),
            Statement::Postgres(stmt) => stmt.execute(&values),
        }
    }

    /// The rows the statement reads, one at a time.
    pub fn query<P: Params>(&mut self, params: P) -> Result<Rows<'_>> {
        let values = params.values()?;
        match self {
            Statement::Sqlite(stmt) => stmt.query(&values).map(Rows::Sqlite),
            Statement::Postgres(stmt) => stmt.query(&values).map(Rows::Postgres),
        }
    }

    /// Each row read through `f`.
    pub fn query_map<T, P, F>(&mut self, params: P, f: F) -> Result<MappedRows<'_, F>>
    where
        P: Params,
        F: FnMut(&Row<'_>) -> Result<T>,
    {
        Ok(MappedRows { rows: self.query(params)?, f })
    }

    /// The first row read through `f`; no row is [`Error::QueryReturnedNoRows`].
    pub fn query_row<T, P, F>(&mut self, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        let mut rows = self.query(params)?;
        match rows.next()? {
            Some(row) => f(&row),
            None => Err(Error::QueryReturnedNoRows),
        }
    }
}

/// The rows a statement reads.
pub enum Rows<'s> {
    Sqlite(rusqlite::Rows<'s>),
    Postgres(postgres::PgRows),
}

impl Rows<'_> {
    /// The next row, as rusqlite's `Rows::next`: each row borrows the rows, so this cannot be
    /// an `Iterator`.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<Row<'_>>> {
        match self {
            Rows::Sqlite(rows) => Ok(rows.next()?.map(Row::Sqlite)),
            Rows::Postgres(rows) => Ok(rows.next()?.map(Row::Postgres)),
        }
    }
}

/// Rows read through a function, as an iterator.
pub struct MappedRows<'s, F> {
    rows: Rows<'s>,
    f: F,
}

impl<T, F: FnMut(&Row<'_>) -> Result<T>> Iterator for MappedRows<'_, F> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        match self.rows.next() {
            Ok(Some(row)) => Some((self.f)(&row)),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// One row.
pub enum Row<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Postgres(postgres::PgRow<'r>),
}

/// Where a column is in a row: its place, from 0.
pub trait RowIndex {
    fn place(self) -> usize;
}

impl RowIndex for usize {
    fn place(self) -> usize {
        self
    }
}

impl Row<'_> {
    /// Column `index` read as `T`.
    pub fn get<I: RowIndex, T: FromSql>(&self, index: I) -> Result<T> {
        let place = index.place();
        T::column_result(self.value(place)?).map_err(|e| at_column(place, e))
    }

    /// Column `index` as text lent out of the row, `None` for NULL: a read of a million rows
    /// that only looks at a text need not copy each one.
    pub fn text<I: RowIndex>(&self, index: I) -> Result<Option<&str>> {
        let place = index.place();
        match self.value(place)? {
            ValueRef::Text(text) => Ok(Some(text)),
            ValueRef::Null => Ok(None),
            other => Err(at_column(place, wrong_type(other, "text"))),
        }
    }

    fn value(&self, place: usize) -> Result<ValueRef<'_>> {
        match self {
            Row::Sqlite(row) => sqlite::value_of(row.get_ref(place)?),
            Row::Postgres(row) => row.value(place),
        }
    }
}

/// A conversion error that says which column it was.
fn at_column(place: usize, error: Error) -> Error {
    match error {
        Error::Conversion(why) => Error::Conversion(format!("column {place}: {why}")),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDatabase;

    #[test]
    fn rows_are_inserted_in_chunks_of_a_few_sizes() {
        assert_eq!(
            insert_text("t (a, b)", 2, 2, ""),
            "INSERT INTO t (a, b) VALUES (?1, ?2), (?3, ?4)"
        );
        let dir = tempfile::tempdir().unwrap();
        let db = TestDatabase::new(dir.path());
        db.execute_batch("CREATE TABLE pairs (n BIGINT NOT NULL, label TEXT)").unwrap();
        // 64 + 32 + 4 + 2 + 1 rows: every chunk size but one, in order.
        let rows: Vec<(i64, Option<String>)> =
            (0..103).map(|n| (n, (n % 2 == 0).then(|| format!("row {n}")))).collect();
        let values: Vec<&dyn ToSql> =
            rows.iter().flat_map(|(n, label)| [n as &dyn ToSql, label as &dyn ToSql]).collect();
        let mut conn = db.connect();
        let tx = conn.begin(Access::Write, std::time::Duration::from_secs(5)).unwrap();
        assert_eq!(tx.insert_rows("pairs (n, label)", 2, &values).unwrap(), 103);
        assert_eq!(tx.insert_rows("pairs (n, label)", 2, &[]).unwrap(), 0);
        tx.commit().unwrap();
        let stored: Vec<(i64, Option<String>)> = db
            .query_all("SELECT n, label FROM pairs ORDER BY n", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        assert_eq!(stored, rows);
    }

    #[test]
    fn rows_upserted_update_those_that_exist_and_insert_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDatabase::new(dir.path());
        db.execute_batch(
            "CREATE TABLE prices (sku TEXT NOT NULL UNIQUE, cents BIGINT NOT NULL);
             INSERT INTO prices VALUES ('A', 100), ('C', 300);",
        )
        .unwrap();
        let rows = [("A", 150), ("B", 200), ("C", 300), ("D", 400)];
        let values: Vec<&dyn ToSql> =
            rows.iter().flat_map(|(sku, cents)| [sku as &dyn ToSql, cents]).collect();
        let mut conn = db.connect();
        let tx = conn.begin(Access::Write, std::time::Duration::from_secs(5)).unwrap();
        let conflict = "ON CONFLICT (sku) DO UPDATE SET cents = excluded.cents";
        tx.upsert_rows("prices (sku, cents)", 2, &values, conflict).unwrap();
        tx.commit().unwrap();
        let stored: Vec<(String, i64)> = db
            .query_all("SELECT sku, cents FROM prices ORDER BY sku", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        let want: Vec<(String, i64)> = rows.iter().map(|(s, c)| (s.to_string(), *c)).collect();
        assert_eq!(stored, want);
    }

    #[test]
    fn text_is_lent_out_of_the_row_and_says_which_column_is_not_text() {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDatabase::new(dir.path());
        db.execute_batch(
            "CREATE TABLE notes (n BIGINT NOT NULL, body TEXT);
             INSERT INTO notes VALUES (1, 'shipment 2'), (2, NULL)",
        )
        .unwrap();
        let read = db
            .query_all("SELECT n, body FROM notes ORDER BY n", [], |r| {
                Ok(r.text(1)?.map(|body| body.len()))
            })
            .unwrap();
        assert_eq!(read, [Some(10), None]);
        let err = db.query_all("SELECT n FROM notes", [], |r| Ok(r.text(0)?.is_some()));
        let message = err.unwrap_err().to_string();
        assert!(message.contains("column 0") && message.contains("text"), "{message}");
    }
}
