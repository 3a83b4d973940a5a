//! CSV import and export of products, orders and stock.
//!
//! Every file has a header row naming its columns; the formats are described in
//! [`products`], [`orders`] and [`stock`]. Header names are matched ignoring case and
//! surrounding spaces, columns a table does not know are ignored, and rows whose values are all
//! empty are skipped. Values are separated by commas, or by semicolons or tabs when the header
//! line has no comma but those, as some spreadsheets save CSV. Export writes commas.
//!
//! An import is all or nothing. Every row is checked first, against the file and against the
//! database, and every problem is reported with its line and column; only when there are none is
//! anything written. The writes run under a savepoint, so a failure part-way (or a dry run, which
//! makes the same writes to count them) is rolled back to exactly where the import began.
//! Importing the same file again creates nothing new: products are matched by SKU and orders by
//! number. Stock rows are receipts, which add, so a stock file is imported once.

pub mod orders;
pub mod products;
mod sheet;
pub mod stock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::app::Ctx;
use crate::error::{ApiError, ErrorCode};
use sheet::Errors;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Table {
    Products,
    Orders,
    Stock,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct ImportRequest {
    pub table: Table,
    /// The file's text.
    pub csv: String,
    /// Check every row and report, writing nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// One row that cannot be imported, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RowError {
    /// Line in the file, 1-based, the header being line 1.
    pub line: u64,
    /// The column at fault, by its header name, when one is.
    pub column: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ImportReport {
    /// True when every row was valid and (unless a dry run) written.
    pub ok: bool,
    pub rows: u32,
    pub created: u32,
    pub updated: u32,
    pub errors: Vec<RowError>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ExportRequest {
    pub table: Table,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ExportFile {
    pub filename: String,
    pub csv: String,
}

/// Imports one table from CSV: every row or none.
pub fn import_csv(ctx: &mut Ctx<'_>, req: ImportRequest) -> Result<ImportReport, ApiError> {
    match req.table {
        Table::Products => products::import(ctx, &req.csv, req.dry_run),
        Table::Orders => orders::import(ctx, &req.csv, req.dry_run),
        Table::Stock => stock::import(ctx, &req.csv, req.dry_run),
    }
}

/// Exports one table as CSV with a header row. Products and orders come out in their import
/// format, so an exported file imports again unchanged.
pub fn export_csv(ctx: &mut Ctx<'_>, req: ExportRequest) -> Result<ExportFile, ApiError> {
    let (name, csv) = match req.table {
        Table::Products => ("products", products::export(ctx)?),
        Table::Orders => ("orders", orders::export(ctx)?),
        Table::Stock => ("stock", stock::export(ctx)?),
    };
    let date = ctx.now.format("%Y-%m-%d");
    Ok(ExportFile { filename: format!("{name}-{date}.csv"), csv })
}

/// What the write phase of an import did.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    created: u32,
    updated: u32,
}

/// A write that failed, at the row it was writing.
struct WriteFailure {
    line: u64,
    error: ApiError,
}

impl WriteFailure {
    /// Attaches a row's line to any error, for use with `map_err`.
    fn at(line: u64) -> impl FnOnce(ApiError) -> WriteFailure {
        move |error| WriteFailure { line, error }
    }
}

const SAVEPOINT: &str = "backroom_import";

/// Refuses the import if checking the rows found any error; otherwise runs its writes under a
/// savepoint and keeps them only if they all succeed and this is not a dry run. A failure while
/// writing is rare (a rule the checks do not know of); it becomes a row error and the import
/// writes nothing.
fn write_all(
    ctx: &Ctx<'_>,
    rows: u32,
    errors: Errors,
    dry_run: bool,
    writes: impl FnOnce(&Ctx<'_>) -> Result<Counts, WriteFailure>,
) -> Result<ImportReport, ApiError> {
    if !errors.is_empty() {
        return Ok(refused(rows, errors));
    }
    ctx.tx.execute_batch(&format!("SAVEPOINT {SAVEPOINT}"))?;
    let result = writes(ctx);
    let keep = result.is_ok() && !dry_run;
    if keep {
        ctx.tx.execute_batch(&format!("RELEASE {SAVEPOINT}"))?;
    } else {
        ctx.tx.execute_batch(&format!("ROLLBACK TO {SAVEPOINT}; RELEASE {SAVEPOINT}"))?;
    }
    Ok(match result {
        Ok(counts) => ImportReport {
            ok: true,
            rows,
            created: counts.created,
            updated: counts.updated,
            errors: Vec::new(),
        },
        Err(failure) => {
            let mut errors = Errors::default();
            errors.add(failure.line, None, failure.error.message);
            refused(rows, errors)
        }
    })
}

/// The report of an import that found problems and wrote nothing.
fn refused(rows: u32, errors: Errors) -> ImportReport {
    ImportReport { ok: false, rows, created: 0, updated: 0, errors: errors.into_sorted() }
}

/// The value of a lookup, or `None` when what it looked for does not exist; any other failure
/// is the database's and stops the import.
fn found<T>(lookup: Result<T, ApiError>) -> Result<Option<T>, ApiError> {
    match lookup {
        Ok(value) => Ok(Some(value)),
        Err(e) if e.code == ErrorCode::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}
