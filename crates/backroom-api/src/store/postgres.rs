//! The PostgreSQL side of the facade: the synchronous `postgres` client, SQLite's `?N`
//! parameters numbered PostgreSQL's way, values bound by the type PostgreSQL inferred for each
//! parameter, and rows read into the facade's values.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::error::Error as StdError;
use std::time::Duration;

use bytes::BytesMut;
use postgres::types::{FromSql as PgFromSql, IsNull, ToSql as PgToSql, Type, to_sql_checked};
use postgres::{Client, NoTls};

use super::{Access, Result, ValueRef};

/// The advisory lock every write takes first: Backroom's `BEGIN IMMEDIATE`. The key is
/// "BACKROOM" read as a number, so it clashes with no other program's lock on the server.
const WRITER_LOCK: i64 = i64::from_be_bytes(*b"BACKROOM");

/// The most statements a connection keeps prepared: room for every command's, as SQLite's
/// statement cache has (`db::configure`).
const STATEMENTS_KEPT: usize = 512;

/// A connection with the statements it has prepared, by their SQLite text. Its transactions
/// borrow it through a `RefCell`, as the facade's statements are used through shared
/// references.
pub struct PgConnection {
    inner: RefCell<Session>,
}

struct Session {
    /// Taken only when the connection is dropped.
    client: Option<Client>,
    statements: HashMap<String, postgres::Statement>,
}

impl Session {
    fn client(&mut self) -> &mut Client {
        self.client.as_mut().expect("a connection's client lives as long as it")
    }
}

impl Drop for PgConnection {
    /// The client says goodbye to the server by blocking on a runtime of its own, which cannot
    /// run inside another: a server's async code may drop the last of an app, so the goodbye is
    /// said on a thread of its own there.
    fn drop(&mut self) {
        let Some(client) = self.inner.get_mut().client.take() else { return };
        if tokio::runtime::Handle::try_current().is_ok() {
            let _ =
                std::thread::Builder::new().name("backroom-goodbye".into()).spawn(|| drop(client));
        }
    }
}

impl PgConnection {
    /// Connects with a `postgres://` URL or `host=... dbname=...` words. Times are kept as text
    /// in UTC, and compared as such; the session says so too.
    pub fn connect(text: &str) -> Result<PgConnection> {
        let mut config: postgres::Config = text.parse()?;
        config.application_name("backroom");
        config.options("-c TimeZone=UTC");
        let client = config.connect(NoTls)?;
        Ok(PgConnection {
            inner: RefCell::new(Session { client: Some(client), statements: HashMap::new() }),
        })
    }

    /// Runs `body` with the client itself, outside any transaction: migrations, and listening
    /// for other hosts' events.
    pub fn with_client<T>(&mut self, body: impl FnOnce(&mut Client) -> T) -> T {
        body(self.inner.get_mut().client())
    }

    /// Whether the server went away (restarted, or the network dropped): the connection is of no
    /// more use and a new one is needed.
    pub fn is_broken(&self) -> bool {
        self.inner.borrow().client.as_ref().is_none_or(Client::is_closed)
    }
}

/// A write is READ COMMITTED behind the writer's advisory lock, taken as its first statement so
/// every later statement sees every earlier writer's commit (REPEATABLE READ would not: its
/// snapshot would predate the lock). A read is a REPEATABLE READ READ ONLY snapshot.
pub fn begin(conn: &mut PgConnection, access: Access, wait: Duration) -> Result<PgTransaction<'_>> {
    let begin = match access {
        Access::Read => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY".to_owned(),
        Access::Write => {
            let wait_ms = wait.as_millis().clamp(1, i32::MAX as u128);
            format!(
                "BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = {wait_ms}; \
                 SELECT pg_advisory_xact_lock({WRITER_LOCK})"
            )
        }
    };
    let tx = PgTransaction { conn: &conn.inner, open: Cell::new(true), changes: Cell::new(0) };
    // Dropping `tx` on a failed start rolls back whatever part of it began.
    tx.execute_batch(&begin)?;
    Ok(tx)
}

/// An open transaction: BEGIN was sent, COMMIT or ROLLBACK not yet. Dropped while open, it
/// rolls back.
pub struct PgTransaction<'c> {
    conn: &'c RefCell<Session>,
    open: Cell<bool>,
    changes: Cell<u64>,
}

impl<'c> PgTransaction<'c> {
    pub fn prepare(&self, sql: &str) -> Result<PgStatement<'_>> {
        let mut session = self.conn.borrow_mut();
        let stmt = match session.statements.get(sql) {
            Some(stmt) => stmt.clone(),
            None => {
                let stmt = session.client().prepare(&sql_for(sql))?;
                // A text built with values in it would otherwise be kept forever.
                if session.statements.len() >= STATEMENTS_KEPT {
                    session.statements.clear();
                }
                session.statements.insert(sql.to_owned(), stmt.clone());
                stmt
            }
        };
        Ok(PgStatement { tx: self, stmt, writes: writes(sql) })
    }

    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        Ok(self.conn.borrow_mut().client().batch_execute(sql)?)
    }

    pub fn changes_so_far(&self) -> u64 {
        self.changes.get()
    }

    pub fn commit(self) -> Result<()> {
        self.end("COMMIT")
    }

    pub fn rollback(self) -> Result<()> {
        self.end("ROLLBACK")
    }

    fn end(&self, how: &str) -> Result<()> {
        self.open.set(false);
        self.execute_batch(how)
    }
}

impl Drop for PgTransaction<'_> {
    fn drop(&mut self) {
        if self.open.get() {
            // A broken connection has no transaction left to end.
            let _ = self.end("ROLLBACK");
        }
    }
}

pub struct PgStatement<'t> {
    tx: &'t PgTransaction<'t>,
    stmt: postgres::Statement,
    writes: bool,
}

impl PgStatement<'_> {
    pub fn execute(&mut self, values: &[ValueRef<'_>]) -> Result<usize> {
        let bound: Vec<Bound<'_>> = values.iter().map(|v| Bound(*v)).collect();
        let params: Vec<&(dyn PgToSql + Sync)> = bound.iter().map(|b| b as _).collect();
        let n = self.tx.conn.borrow_mut().client().execute(&self.stmt, &params)?;
        self.tx.changes.set(self.tx.changes.get() + n);
        Ok(n as usize)
    }

    /// Reads every row at once: the facade never runs a statement while another's rows are
    /// still being read, so nothing is lost by not streaming. Each row's values are decoded
    /// only when it is reached, so a million rows are not held twice.
    pub fn query(&mut self, values: &[ValueRef<'_>]) -> Result<PgRows> {
        let bound: Vec<Bound<'_>> = values.iter().map(|v| Bound(*v)).collect();
        let params: Vec<&(dyn PgToSql + Sync)> = bound.iter().map(|b| b as _).collect();
        let rows = self.tx.conn.borrow_mut().client().query(&self.stmt, &params)?;
        if self.writes {
            self.tx.changes.set(self.tx.changes.get() + 1);
        }
        Ok(PgRows { rows: rows.into_iter(), current: None })
    }
}

/// Rows read, handed out one at a time.
pub struct PgRows {
    rows: std::vec::IntoIter<postgres::Row>,
    current: Option<postgres::Row>,
}

impl PgRows {
    /// The next row, lent until the one after it is asked for.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<PgRow<'_>>> {
        self.current = self.rows.next();
        Ok(self.current.as_ref().map(PgRow))
    }
}

/// One row as the server sent it: a column is decoded only when it is read, and text is lent
/// from the row rather than copied, so a million rows are not held twice.
pub struct PgRow<'r>(&'r postgres::Row);

impl PgRow<'_> {
    pub fn value(&self, place: usize) -> Result<ValueRef<'_>> {
        if place >= self.0.len() {
            return Err(super::Error::Conversion(format!("there is no column {place}")));
        }
        Ok(self.0.try_get::<_, Column>(place)?.0)
    }
}

/// Whether a statement may change rows (to count a command's changes; a read-only CTE that is
/// counted too only costs one check).
fn writes(sql: &str) -> bool {
    let upper = sql.to_ascii_uppercase();
    ["INSERT ", "UPDATE ", "DELETE "].iter().any(|word| upper.contains(word))
}

/// The PostgreSQL text of a statement written for both engines: `?N` (and a bare `?`) become
/// `$N`, outside quoted text and comments; SQLite's `NOT INDEXED` planner hint goes; a list
/// passed as a JSON array is unpacked with `json_array_elements_text`, as `json_each` unpacks
/// it in SQLite.
pub fn sql_for(sql: &str) -> String {
    let sql = sql.replace(" NOT INDEXED", "").replace("json_each(", "json_array_elements_text(");
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut bare = 0;
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                out.push(c);
                for q in chars.by_ref() {
                    out.push(q);
                    if q == c {
                        break;
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                out.push(c);
                for q in chars.by_ref() {
                    out.push(q);
                    if q == '\n' {
                        break;
                    }
                }
            }
            '?' => {
                out.push('$');
                if chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                    while let Some(d) = chars.next_if(|d| d.is_ascii_digit()) {
                        out.push(d);
                    }
                } else {
                    bare += 1;
                    out.push_str(&bare.to_string());
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// What the server said, whole: its code, message, detail and constraint (the client's own
/// words for it are only "db error").
pub fn describe(e: &postgres::Error) -> String {
    let Some(db) = e.as_db_error() else {
        return match e.source() {
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        };
    };
    let mut said = format!("{} {}", db.code().code(), db.message());
    for (what, part) in
        [("detail", db.detail()), ("constraint", db.constraint()), ("where", db.where_())]
    {
        if let Some(part) = part {
            said.push_str(&format!("; {what}: {part}"));
        }
    }
    said
}

/// A connection string with its password, if any, left out: for messages and logs.
pub fn without_password(text: &str) -> String {
    if let Some((scheme, rest)) = text.split_once("://")
        && let Some((user_info, host)) = rest.split_once('@')
    {
        let user = user_info.split(':').next().unwrap_or_default();
        return format!("{scheme}://{user}@{host}");
    }
    text.split_whitespace()
        .filter(|word| !word.starts_with("password="))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A facade value bound as the type PostgreSQL inferred for its parameter.
#[derive(Debug)]
struct Bound<'a>(ValueRef<'a>);

type BoxError = Box<dyn StdError + Sync + Send>;

impl PgToSql for Bound<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> std::result::Result<IsNull, BoxError> {
        match self.0 {
            ValueRef::Null => Ok(IsNull::Yes),
            ValueRef::Integer(i) => integer_to_sql(i, ty, out),
            ValueRef::Real(f) => match *ty {
                Type::FLOAT8 => f.to_sql(ty, out),
                Type::FLOAT4 => (f as f32).to_sql(ty, out),
                Type::INT8 if f.fract() == 0.0 => (f as i64).to_sql(ty, out),
                Type::NUMERIC => numeric_to_sql(f, out),
                _ => text_to_sql(&f.to_string(), ty, out),
            },
            ValueRef::Text(s) => text_to_sql(s, ty, out),
            ValueRef::Blob(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn integer_to_sql(i: i64, ty: &Type, out: &mut BytesMut) -> std::result::Result<IsNull, BoxError> {
    match *ty {
        Type::INT8 => i.to_sql(ty, out),
        Type::INT4 => i32::try_from(i)?.to_sql(ty, out),
        Type::INT2 => i16::try_from(i)?.to_sql(ty, out),
        Type::FLOAT8 => (i as f64).to_sql(ty, out),
        Type::FLOAT4 => (i as f32).to_sql(ty, out),
        Type::BOOL => (i != 0).to_sql(ty, out),
        Type::NUMERIC => numeric_to_sql(i as f64, out),
        _ => text_to_sql(&i.to_string(), ty, out),
    }
}

/// Text goes as text, or as JSON where PostgreSQL wants JSON (a list passed to
/// `json_array_elements_text`).
fn text_to_sql(s: &str, ty: &Type, out: &mut BytesMut) -> std::result::Result<IsNull, BoxError> {
    match *ty {
        Type::JSONB => {
            out.extend_from_slice(&[1]);
            out.extend_from_slice(s.as_bytes());
            Ok(IsNull::No)
        }
        Type::INT8 | Type::INT4 | Type::INT2 | Type::FLOAT8 | Type::FLOAT4 | Type::BOOL => {
            Err(format!("text {s:?} given where a number is wanted").into())
        }
        _ => {
            out.extend_from_slice(s.as_bytes());
            Ok(IsNull::No)
        }
    }
}

/// A number as PostgreSQL's NUMERIC binary form (base-10000 digits), for a parameter the
/// server typed NUMERIC. Whole numbers are exact; fractions keep six decimal places.
fn numeric_to_sql(f: f64, out: &mut BytesMut) -> std::result::Result<IsNull, BoxError> {
    if !f.is_finite() {
        return Err(format!("{f} is not a number PostgreSQL keeps").into());
    }
    let scale: u16 = if f.fract() == 0.0 { 0 } else { 6 };
    let text = format!("{:.*}", scale as usize, f.abs());
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    // Group the whole part from the right and the fraction from the left, four digits each.
    let pad_left = (4 - whole.len() % 4) % 4;
    let whole = format!("{}{whole}", "0".repeat(pad_left));
    let frac = format!("{frac}{}", "0".repeat((4 - frac.len() % 4) % 4));
    let mut digits: Vec<i16> = Vec::new();
    for chunk in whole.as_bytes().chunks(4).chain(frac.as_bytes().chunks(4)) {
        digits.push(std::str::from_utf8(chunk)?.parse()?);
    }
    let weight = (whole.len() / 4) as i16 - 1;
    let sign: u16 = if f < 0.0 { 0x4000 } else { 0 };
    out.extend_from_slice(&(digits.len() as i16).to_be_bytes());
    out.extend_from_slice(&weight.to_be_bytes());
    out.extend_from_slice(&sign.to_be_bytes());
    out.extend_from_slice(&scale.to_be_bytes());
    for d in digits {
        out.extend_from_slice(&d.to_be_bytes());
    }
    Ok(IsNull::No)
}

/// A column read into a facade value, whatever its PostgreSQL type.
struct Column<'a>(ValueRef<'a>);

impl<'a> PgFromSql<'a> for Column<'a> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> std::result::Result<Self, BoxError> {
        let value = match *ty {
            Type::INT8 => ValueRef::Integer(i64::from_sql(ty, raw)?),
            Type::INT4 => ValueRef::Integer(i32::from_sql(ty, raw)?.into()),
            Type::INT2 => ValueRef::Integer(i16::from_sql(ty, raw)?.into()),
            Type::OID => ValueRef::Integer(u32::from_sql(ty, raw)?.into()),
            Type::BOOL => ValueRef::Integer(bool::from_sql(ty, raw)?.into()),
            Type::FLOAT8 => ValueRef::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => ValueRef::Real(f32::from_sql(ty, raw)?.into()),
            Type::NUMERIC => numeric_from_sql(raw)?,
            // What a function called for its effect returns (`pg_notify`).
            Type::VOID => ValueRef::Null,
            Type::BYTEA => ValueRef::Blob(raw),
            Type::JSONB => ValueRef::Text(std::str::from_utf8(raw.get(1..).unwrap_or_default())?),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::JSON | Type::UNKNOWN => {
                ValueRef::Text(std::str::from_utf8(raw)?)
            }
            ref other => return Err(format!("a column of type {other} is not read here").into()),
        };
        Ok(Column(value))
    }

    fn from_sql_null(_: &Type) -> std::result::Result<Self, BoxError> {
        Ok(Column(ValueRef::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// NUMERIC's binary form read as an integer when it is whole and fits (what `sum` of integers
/// gives), otherwise as a real number.
fn numeric_from_sql(raw: &[u8]) -> std::result::Result<ValueRef<'static>, BoxError> {
    let word = |at: usize| -> std::result::Result<i16, BoxError> {
        let bytes = raw.get(at..at + 2).ok_or("a NUMERIC cut short")?;
        Ok(i16::from_be_bytes([bytes[0], bytes[1]]))
    };
    let (ndigits, weight, sign, scale) = (word(0)?, word(2)?, word(4)? as u16, word(6)?);
    if sign == 0xC000 {
        return Err("NaN is not a number Backroom reads".into());
    }
    let mut whole: i128 = 0;
    let mut real: f64 = 0.0;
    let mut exact = true;
    for n in 0..ndigits.max(0) as usize {
        let digit = word(8 + 2 * n)?;
        let power = i32::from(weight) - n as i32;
        real += f64::from(digit) * 10_000f64.powi(power);
        if power >= 0 {
            match 10_000i128.checked_pow(power as u32).and_then(|p| p.checked_mul(digit.into())) {
                Some(part) => whole = whole.saturating_add(part),
                None => exact = false,
            }
        } else if digit != 0 {
            exact = false;
        }
    }
    let negative = sign == 0x4000;
    if exact
        && scale == 0
        && let Ok(i) = i64::try_from(if negative { -whole } else { whole })
    {
        return Ok(ValueRef::Integer(i));
    }
    Ok(ValueRef::Real(if negative { -real } else { real }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_numbered_the_postgresql_way_outside_quotes() {
        assert_eq!(
            sql_for("SELECT ?1, ?12 FROM t WHERE a = ?"),
            "SELECT $1, $12 FROM t WHERE a = $1"
        );
        assert_eq!(sql_for("SELECT '?1', \"a?\" -- ?2\n, ?2"), "SELECT '?1', \"a?\" -- ?2\n, $2");
        assert_eq!(sql_for("SELECT x FROM t NOT INDEXED"), "SELECT x FROM t");
    }

    #[test]
    fn a_password_stays_out_of_what_is_shown() {
        assert_eq!(without_password("postgres://ann:secret@db/wh"), "postgres://ann@db/wh");
        assert_eq!(without_password("host=db password=secret dbname=wh"), "host=db dbname=wh");
    }

    #[test]
    fn numerics_read_as_integers_when_whole() {
        let mut out = BytesMut::new();
        numeric_to_sql(123_456_789.0, &mut out).unwrap();
        assert_eq!(numeric_from_sql(&out).unwrap(), ValueRef::Integer(123_456_789));
        let mut out = BytesMut::new();
        numeric_to_sql(-2.5, &mut out).unwrap();
        assert_eq!(numeric_from_sql(&out).unwrap(), ValueRef::Real(-2.5));
        let mut out = BytesMut::new();
        numeric_to_sql(0.0, &mut out).unwrap();
        assert_eq!(numeric_from_sql(&out).unwrap(), ValueRef::Integer(0));
    }
}
