//! `backroom db copy`: a whole warehouse moved from one database into another, SQLite or
//! PostgreSQL on either side. The source is read in one snapshot and the destination written in
//! one transaction, so a copy that fails leaves the destination as empty as it found it.
//!
//! Rows go across as they are, ids included, table by table in [`TABLES`] order. The stock
//! cache is not copied: the movements are, and the destination's trigger rebuilds the cache from
//! them, which must then agree with the source's.

use std::time::Duration;

use serde::Serialize;
use serde_json::json;

use crate::error::ApiError;
use crate::inventory::images;
use crate::store::{Access, Engine, Location, OptionalExtension, ToSql, Transaction, Value};
use crate::{App, Caller};

/// Every table of a warehouse but the stock cache, in an order where a foreign key only refers
/// to a table listed before it. A migration that adds a table adds it here too (a test checks).
pub const TABLES: &[&str] = &[
    "settings",
    "products",
    "barcodes",
    "layout",
    "locations",
    "operators",
    "stations",
    "pairing_codes",
    "station_keys",
    "sessions",
    "orders",
    "order_lines",
    "order_events",
    "reservations",
    "order_holds",
    "order_shop_lines",
    "movements",
    "expected_receipts",
    "count_tasks",
    "count_lines",
    "returns",
    "return_lines",
    "boxes",
    "weighings",
    "pick_lists",
    "pick_list_orders",
    "manifests",
    "manifest_packages",
    "sign_in_attempts",
    "settings_changes",
    "product_aliases",
    "import_mappings",
    "applied_requests",
    "product_images",
];

/// The cache the movements rebuild: compared, never copied.
const STOCK: &str = "stock";

/// How long the copy waits for another writer on the destination.
const WRITE_WAIT: Duration = Duration::from_secs(30);

/// What a copy did.
#[derive(Debug, Clone, Serialize)]
pub struct CopyReport {
    /// Where from and where to, as a person may see them (no password).
    pub from: String,
    pub to: String,
    /// Rows copied, per table, in the order they were copied.
    pub tables: Vec<TableCopied>,
    /// Stock records the movements rebuilt on the destination, equal to the source's.
    pub stock: u64,
    /// Cached product pictures copied beside the destination.
    pub pictures: u64,
    /// The ledger check of each side after the copy.
    pub source_ledger: LedgerCheck,
    pub destination_ledger: LedgerCheck,
}

#[derive(Debug, Clone, Serialize)]
pub struct TableCopied {
    pub table: String,
    pub rows: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct LedgerCheck {
    pub ok: bool,
    pub violations: u64,
}

impl CopyReport {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }

    /// Whether both ledgers check out.
    pub fn ok(&self) -> bool {
        self.source_ledger.ok && self.destination_ledger.ok
    }

    /// The report as lines for a person: each table, the ledgers, and the outcome.
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> =
            self.tables.iter().map(|t| format!("{:<20} {:>9}", t.table, t.rows)).collect();
        lines.push(format!("{:<20} {:>9} (rebuilt from the movements)", STOCK, self.stock));
        if self.pictures > 0 {
            lines.push(format!("{:<20} {:>9}", "pictures", self.pictures));
        }
        for (side, check) in [("source", &self.source_ledger), ("copy", &self.destination_ledger)] {
            lines.push(match check.ok {
                true => format!("ledger of the {side}: ok"),
                false => format!("ledger of the {side}: {} violations", check.violations),
            });
        }
        let outcome = if self.ok() { "copied" } else { "copied, but a ledger check failed:" };
        lines.push(format!("{outcome} {} rows from {} to {}", self.rows(), self.from, self.to));
        lines
    }
}

/// Copies the warehouse at `from` into the empty database at `to`, creating it if needed.
pub fn copy(from: &Location, to: &Location) -> Result<CopyReport, ApiError> {
    if from == to {
        return Err(ApiError::invalid(format!("{from} cannot be copied onto itself")));
    }
    let mut source = super::open_store(from)?;
    let mut destination = super::open_store(to)?;
    let (tables, stock) = {
        let read = source.begin(Access::Read, WRITE_WAIT)?;
        let write = destination.begin(Access::Write, WRITE_WAIT)?;
        let (found, wanted) = (super::version_in(&read)?, super::version_in(&write)?);
        if found != wanted {
            return Err(ApiError::invalid(format!(
                "{from} has schema version {found} and {to} {wanted}; open both with this \
                 Backroom first"
            )));
        }
        refuse_unless_empty(&write)?;
        let tables = copy_tables(&read, &write)?;
        let stock = check_stock(&read, &write)?;
        if write.engine() == Engine::Postgres {
            move_identities_past_copied_ids(&write)?;
        }
        write.commit()?;
        (tables, stock)
    };
    // Closed before the ledger checks open each side again.
    drop((source, destination));
    let pictures = copy_pictures(from, to)?;
    Ok(CopyReport {
        from: from.to_string(),
        to: to.to_string(),
        tables,
        stock,
        pictures,
        source_ledger: check_ledger(from)?,
        destination_ledger: check_ledger(to)?,
    })
}

/// Refuses a destination that already holds any part of a warehouse.
fn refuse_unless_empty(write: &Transaction<'_>) -> Result<(), ApiError> {
    for table in TABLES.iter().chain([&STOCK]) {
        let sql = format!("SELECT 1 FROM {table} LIMIT 1");
        if write.query_row(&sql, [], |_| Ok(())).optional()?.is_some() {
            return Err(ApiError::conflict(format!(
                "the destination already holds {table}; copy into an empty database"
            )));
        }
    }
    Ok(())
}

fn copy_tables(
    read: &Transaction<'_>,
    write: &Transaction<'_>,
) -> Result<Vec<TableCopied>, ApiError> {
    let mut copied = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let rows = copy_table(read, write, table)?;
        copied.push(TableCopied { table: table.to_string(), rows });
    }
    Ok(copied)
}

/// A column as a table declares it.
#[derive(Debug, Clone, PartialEq)]
struct Column {
    name: String,
    kind: Kind,
    /// Its place in the primary key, from 1; 0 when not part of it.
    key: i64,
}

/// What a column keeps, as far as a value's fit is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Integer,
    Real,
    Text,
    Bytes,
}

impl Kind {
    fn described(self) -> &'static str {
        match self {
            Kind::Integer => "whole numbers",
            Kind::Real => "numbers",
            Kind::Text => "text",
            Kind::Bytes => "bytes",
        }
    }

    /// From a declared type: SQLite's (`INTEGER`, `REAL`, `TEXT`, `BLOB`) or PostgreSQL's
    /// (`bigint`, `double precision`, `text`, `bytea`).
    fn of(declared: &str) -> Kind {
        let declared = declared.to_ascii_lowercase();
        if declared.contains("int") || declared.contains("bool") {
            Kind::Integer
        } else if ["real", "double", "float", "numeric"].iter().any(|t| declared.contains(t)) {
            Kind::Real
        } else if declared.contains("blob") || declared.contains("bytea") {
            Kind::Bytes
        } else {
            Kind::Text
        }
    }
}

fn columns_of(tx: &Transaction<'_>, table: &str) -> Result<Vec<Column>, ApiError> {
    let sql = match tx.engine() {
        Engine::Sqlite => "SELECT name, type, pk FROM pragma_table_info(?1) ORDER BY cid",
        Engine::Postgres => {
            "SELECT c.column_name::text, c.data_type::text, coalesce(k.ordinal_position, 0)::bigint
             FROM information_schema.columns c
             LEFT JOIN information_schema.table_constraints t
                 ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                AND t.constraint_type = 'PRIMARY KEY'
             LEFT JOIN information_schema.key_column_usage k
                 ON k.constraint_schema = t.constraint_schema
                AND k.constraint_name = t.constraint_name AND k.column_name = c.column_name
             WHERE c.table_schema = current_schema() AND c.table_name::text = ?1
             ORDER BY c.ordinal_position"
        }
    };
    let mut stmt = tx.prepare(sql)?;
    let columns = stmt
        .query_map([table], |r| {
            Ok(Column { name: r.get(0)?, kind: Kind::of(&r.get::<_, String>(1)?), key: r.get(2)? })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    if columns.is_empty() {
        return Err(ApiError::storage(format!("the database has no table {table}")));
    }
    Ok(columns)
}

/// Copies one table's rows in primary-key order, answering how many.
fn copy_table(
    read: &Transaction<'_>,
    write: &Transaction<'_>,
    table: &str,
) -> Result<u64, ApiError> {
    let columns = columns_of(read, table)?;
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    let theirs = columns_of(write, table)?;
    if theirs.iter().map(|c| c.name.as_str()).ne(names.iter().copied()) {
        return Err(ApiError::storage(format!(
            "{table} has other columns in the destination; its schema is not the source's"
        )));
    }
    let mut key: Vec<&Column> = columns.iter().filter(|c| c.key > 0).collect();
    key.sort_by_key(|c| c.key);
    if key.is_empty() {
        key = columns.iter().collect();
    }
    let order: Vec<&str> = key.iter().map(|c| c.name.as_str()).collect();
    let select = format!("SELECT {} FROM {table} ORDER BY {}", names.join(", "), order.join(", "));
    let places: Vec<String> = (1..=names.len()).map(|n| format!("?{n}")).collect();
    let insert =
        format!("INSERT INTO {table} ({}) VALUES ({})", names.join(", "), places.join(", "));
    let checked = (write.engine() == Engine::Postgres).then_some(theirs.as_slice());

    let mut stmt = read.prepare(&select)?;
    let mut rows = stmt.query([])?;
    let mut copied = 0;
    while let Some(row) = rows.next()? {
        let values =
            (0..names.len()).map(|i| row.get::<_, Value>(i)).collect::<Result<Vec<_>, _>>()?;
        let row_name = || describe_row(table, &columns, &values);
        if let Some(theirs) = checked {
            refuse_misfits(theirs, &values)
                .map_err(|why| ApiError::invalid(format!("cannot copy {}: {why}", row_name())))?;
        }
        let params: Vec<&dyn ToSql> = values.iter().map(|v| v as &dyn ToSql).collect();
        write
            .prepare_cached(&insert)?
            .execute(params.as_slice())
            .map_err(|e| ApiError::storage(format!("cannot copy {}: {e}", row_name())))?;
        copied += 1;
    }
    Ok(copied)
}

/// A row named by its table and key, for an error: "products id 12".
fn describe_row(table: &str, columns: &[Column], values: &[Value]) -> String {
    let key: Vec<String> = columns
        .iter()
        .zip(values)
        .filter(|(c, _)| c.key > 0)
        .map(|(c, v)| format!("{} {}", c.name, shown(v)))
        .collect();
    format!("{table} {}", key.join(", "))
}

fn shown(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Integer(i) => i.to_string(),
        Value::Real(f) => f.to_string(),
        Value::Text(s) => format!("{s:?}"),
        Value::Blob(b) => format!("({} bytes)", b.len()),
    }
}

/// Refuses values PostgreSQL cannot keep in their column, which SQLite lets a column hold:
/// text in a number column, bytes outside a bytes column, a fraction in an integer column.
fn refuse_misfits(columns: &[Column], values: &[Value]) -> Result<(), String> {
    for (column, value) in columns.iter().zip(values) {
        let fits = match (value, column.kind) {
            (Value::Text(_), Kind::Integer | Kind::Real) => false,
            (Value::Blob(_), kind) => kind == Kind::Bytes,
            (Value::Real(f), Kind::Integer) => f.fract() == 0.0,
            _ => true,
        };
        if !fits {
            return Err(format!(
                "its column {} holds {}, and PostgreSQL keeps only {} there",
                column.name,
                shown(value),
                column.kind.described()
            ));
        }
    }
    Ok(())
}

/// The stock cache the copied movements built must be the source's, row for row.
fn check_stock(read: &Transaction<'_>, write: &Transaction<'_>) -> Result<u64, ApiError> {
    let (theirs, ours) = (stock_rows(read)?, stock_rows(write)?);
    if let Some(n) = (0..theirs.len().max(ours.len())).find(|&n| theirs.get(n) != ours.get(n)) {
        return Err(ApiError::storage(format!(
            "the stock the copied movements give differs from the source's, first at \
             (product, location, on hand) {:?} in the source and {:?} in the copy; the source's \
             stock disagrees with its movements (run `backroom db check`)",
            theirs.get(n),
            ours.get(n)
        )));
    }
    Ok(ours.len() as u64)
}

fn stock_rows(tx: &Transaction<'_>) -> Result<Vec<(i64, i64, i64)>, ApiError> {
    let mut stmt = tx.prepare(
        "SELECT product_id, location_id, on_hand FROM stock ORDER BY product_id, location_id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Rows copied with their ids leave PostgreSQL's identity sequences where they were; each is
/// moved past the highest id copied, so the next new row gets a free one.
fn move_identities_past_copied_ids(write: &Transaction<'_>) -> Result<(), ApiError> {
    let mut stmt = write.prepare(
        "SELECT table_name::text, column_name::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND is_identity = 'YES'
         ORDER BY table_name, column_name",
    )?;
    let identities = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    for (table, column) in identities {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence(?1, ?2), coalesce(max({column}), 0) + 1, false) \
             FROM {table}"
        );
        write.query_row(&sql, [table.as_str(), column.as_str()], |_| Ok(()))?;
    }
    Ok(())
}

/// Copies the cached product pictures kept beside a database into the folder of the other. The
/// rows name them by their content, so a picture already there is the same picture.
fn copy_pictures(from: &Location, to: &Location) -> Result<u64, ApiError> {
    let source = images::cache_dir(&super::files_path(from));
    let Ok(entries) = std::fs::read_dir(&source) else { return Ok(0) };
    let target = images::cache_dir(&super::files_path(to));
    let failed = |e: std::io::Error| {
        ApiError::storage(format!("cannot copy the pictures into {}: {e}", target.display()))
    };
    let mut copied = 0;
    for entry in entries {
        let entry = entry.map_err(failed)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = target.join(&name);
        if !images::is_hash(&name) || path.exists() {
            continue;
        }
        std::fs::create_dir_all(&target).map_err(failed)?;
        std::fs::copy(entry.path(), &path).map_err(failed)?;
        copied += 1;
    }
    Ok(copied)
}

fn check_ledger(location: &Location) -> Result<LedgerCheck, ApiError> {
    let reply = App::open_at(location)?.call(Caller::Local, "check_ledger", json!({}))?;
    let violations = reply["violations"].as_array().map_or(0, |v| v.len() as u64);
    Ok(LedgerCheck { ok: reply["ok"].as_bool() == Some(true), violations })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDatabase;

    fn sqlite_tables(location: &Location) -> Vec<String> {
        let mut conn = super::super::open_store(location).unwrap();
        let tx = conn.begin(Access::Read, WRITE_WAIT).unwrap();
        let mut stmt = tx
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table'
                 AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'product_search%' ORDER BY name",
            )
            .unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    }

    #[test]
    fn every_table_of_the_schema_is_listed_once() {
        let dir = tempfile::tempdir().unwrap();
        let found = sqlite_tables(&Location::File(dir.path().join("b.db")));
        let mut listed: Vec<String> =
            TABLES.iter().chain([&STOCK]).map(|t| t.to_string()).collect();
        listed.sort();
        assert_eq!(listed, found, "TABLES must list every table of the schema but stock");
    }

    #[test]
    fn a_foreign_key_refers_only_to_a_table_listed_before() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = super::super::open_store(&Location::File(dir.path().join("b.db"))).unwrap();
        let tx = conn.begin(Access::Read, WRITE_WAIT).unwrap();
        for (place, table) in TABLES.iter().enumerate() {
            let mut stmt = tx.prepare("SELECT \"table\" FROM pragma_foreign_key_list(?1)").unwrap();
            let targets: Vec<String> =
                stmt.query_map([*table], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap();
            for target in targets {
                let before = TABLES[..=place].contains(&target.as_str());
                assert!(before, "{table} refers to {target}, listed after it");
            }
        }
    }

    /// A small warehouse with a text where SQLite's schema says INTEGER, as SQLite allows.
    fn warehouse_with_text_baud(dir: &std::path::Path) -> Location {
        let from = Location::File(dir.join("from.db"));
        let app = App::open_at(&from).unwrap();
        app.call(Caller::Local, "save_station", json!({"name": "Pack 1"})).unwrap();
        drop(app);
        let mut conn = super::super::open_store(&from).unwrap();
        let tx = conn.begin(Access::Write, WRITE_WAIT).unwrap();
        tx.execute("UPDATE stations SET scale_baud = 'fast'", []).unwrap();
        tx.commit().unwrap();
        from
    }

    #[test]
    fn a_value_postgres_cannot_keep_is_refused_naming_its_table_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let from = warehouse_with_text_baud(dir.path());
        let to = TestDatabase::new(&dir.path().join("to"));
        let copied = copy(&from, &to.location);
        if !TestDatabase::on_postgres() {
            // SQLite keeps the text as it is.
            assert!(copied.unwrap().destination_ledger.ok);
            return;
        }
        let err = copied.unwrap_err();
        assert!(err.message.contains("stations id 1"), "{}", err.message);
        assert!(err.message.contains("scale_baud"), "{}", err.message);
        // Nothing was left behind: the copy can be run again once the source is fixed.
        let mut conn = super::super::open_store(&to.location).unwrap();
        let tx = conn.begin(Access::Read, WRITE_WAIT).unwrap();
        let n: i64 = tx.query_row("SELECT count(*) FROM stations", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 0);
    }

    #[test]
    fn a_database_is_not_copied_onto_itself() {
        let dir = tempfile::tempdir().unwrap();
        let at = Location::File(dir.path().join("b.db"));
        assert!(copy(&at, &at).is_err());
    }

    #[test]
    fn the_report_reads_table_by_table() {
        let report = CopyReport {
            from: "a.db".into(),
            to: "host=db dbname=w".into(),
            tables: vec![TableCopied { table: "products".into(), rows: 3 }],
            stock: 2,
            pictures: 0,
            source_ledger: LedgerCheck { ok: true, violations: 0 },
            destination_ledger: LedgerCheck { ok: true, violations: 0 },
        };
        let lines = report.lines();
        assert!(lines[0].starts_with("products") && lines[0].ends_with(" 3"), "{lines:?}");
        assert_eq!(lines.last().unwrap(), "copied 3 rows from a.db to host=db dbname=w");
    }
}
