//! The SQLite side of the facade: rusqlite, with values passed through as they are.

use std::time::Duration;

use rusqlite::TransactionBehavior;
use rusqlite::types::{ToSqlOutput, ValueRef as SqliteValue};

use super::{Access, Error, Result, ValueRef};

/// A read is a deferred transaction on a `query_only` connection; a write is `BEGIN IMMEDIATE`,
/// which waits up to `wait` for another process's writer.
pub fn begin(
    conn: &mut rusqlite::Connection,
    access: Access,
    wait: Duration,
) -> Result<rusqlite::Transaction<'_>> {
    let behavior = match access {
        Access::Read => TransactionBehavior::Deferred,
        Access::Write => {
            conn.busy_timeout(wait.max(Duration::from_millis(1)))?;
            TransactionBehavior::Immediate
        }
    };
    Ok(conn.transaction_with_behavior(behavior)?)
}

/// A statement, kept prepared on its connection or not.
pub enum Stmt<'t> {
    Plain(rusqlite::Statement<'t>),
    Cached(rusqlite::CachedStatement<'t>),
}

impl<'t> Stmt<'t> {
    fn inner(&mut self) -> &mut rusqlite::Statement<'t> {
        match self {
            Stmt::Plain(stmt) => stmt,
            Stmt::Cached(stmt) => stmt,
        }
    }

    pub fn execute(&mut self, values: &[ValueRef<'_>]) -> Result<usize> {
        Ok(self.inner().execute(rusqlite::params_from_iter(values.iter().map(Bound)))?)
    }

    pub fn query(&mut self, values: &[ValueRef<'_>]) -> Result<rusqlite::Rows<'_>> {
        Ok(self.inner().query(rusqlite::params_from_iter(values.iter().map(Bound)))?)
    }
}

/// A facade value as rusqlite binds it.
struct Bound<'v, 'a>(&'v ValueRef<'a>);

impl rusqlite::ToSql for Bound<'_, '_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match *self.0 {
            ValueRef::Null => SqliteValue::Null,
            ValueRef::Integer(i) => SqliteValue::Integer(i),
            ValueRef::Real(f) => SqliteValue::Real(f),
            ValueRef::Text(s) => SqliteValue::Text(s.as_bytes()),
            ValueRef::Blob(b) => SqliteValue::Blob(b),
        }))
    }
}

/// A column as SQLite holds it, as the facade reads it. Text is UTF-8 or an error.
pub fn value_of(value: SqliteValue<'_>) -> Result<ValueRef<'_>> {
    Ok(match value {
        SqliteValue::Null => ValueRef::Null,
        SqliteValue::Integer(i) => ValueRef::Integer(i),
        SqliteValue::Real(f) => ValueRef::Real(f),
        SqliteValue::Text(bytes) => ValueRef::Text(
            std::str::from_utf8(bytes)
                .map_err(|_| Error::Conversion("text that is not UTF-8".to_owned()))?,
        ),
        SqliteValue::Blob(b) => ValueRef::Blob(b),
    })
}
