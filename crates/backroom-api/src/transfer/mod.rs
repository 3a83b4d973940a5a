//! CSV import and export of products, orders and stock, and the export of the weight-audit
//! log ([`weighings`]).
//!
//! Every file has a header row naming its columns; the formats are described in
//! [`products`], [`orders`], [`shopify`] and [`stock`]. An orders file is read as Shopify's
//! orders export when its header has Shopify's `Name` and `Lineitem sku` or `Lineitem quantity`
//! columns, and as Backroom's own orders format otherwise; the report says which. Header names are matched ignoring case and
//! surrounding spaces, columns a table does not know are ignored, and rows whose values are all
//! empty are skipped. Values are separated by commas, or by semicolons or tabs when the header
//! line has no comma but those, as some spreadsheets save CSV. Export writes commas.
//!
//! An import is all or nothing. Every row is checked first, against the file and against the
//! database, and every problem is reported with its line and column; only when there are none is
//! anything written. The writes run under a savepoint, so a failure part-way (or a dry run, which
//! makes the same writes to count them) is rolled back to exactly where the import began.
//! Importing the same file again creates nothing new: products are matched by SKU and orders by
//! number. Stock rows are receipts, which add, so a stock file is imported once. Orders that an
//! import creates, or whose payment it changes, then go through screening and allocation
//! together, once the import is kept.
//!
//! The text must be UTF-8 (a byte order mark in front is fine). A caller that reads a file
//! checks that with [`utf8_text`], which names the line and column of the first byte that is not.

pub mod orders;
pub mod products;
mod sheet;
pub mod shopify;
pub mod stock;
pub mod weighings;

use std::fmt;

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
    /// The weight-audit log; export only.
    Weighings,
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
    /// How the file was read: `generic orders`, `shopify orders`, `products` or `stock`.
    pub format: String,
    pub rows: u32,
    pub created: u32,
    pub updated: u32,
    /// Orders or order lines deliberately not entered, such as orders the shop has already
    /// shipped; `notes` says which and why.
    pub skipped: u32,
    /// What the import chose to do that the counts alone do not say, one sentence each.
    pub notes: Vec<String>,
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
        Table::Orders if shopify::is_export(&req.csv) => {
            shopify::import(ctx, &req.csv, req.dry_run)
        }
        Table::Orders => orders::import(ctx, &req.csv, req.dry_run),
        Table::Stock => stock::import(ctx, &req.csv, req.dry_run),
        Table::Weighings => Err(ApiError::invalid(
            "the weight-audit log is a record of weighings and cannot be imported",
        )),
    }
}

/// Exports one table as CSV with a header row. Products and orders come out in their import
/// format, so an exported file imports again unchanged.
pub fn export_csv(ctx: &mut Ctx<'_>, req: ExportRequest) -> Result<ExportFile, ApiError> {
    let (name, csv) = match req.table {
        Table::Products => ("products", products::export(ctx)?),
        Table::Orders => ("orders", orders::export(ctx)?),
        Table::Stock => ("stock", stock::export(ctx)?),
        Table::Weighings => ("weighings", weighings::export(ctx)?),
    };
    let date = ctx.now.format("%Y-%m-%d");
    Ok(ExportFile { filename: format!("{name}-{date}.csv"), csv })
}

/// The first byte of a text that is not UTF-8, by line and byte column (both from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotUtf8 {
    pub line: u64,
    pub column: u64,
    pub byte: u8,
}

impl NotUtf8 {
    /// The position of the byte at `offset`, counting lines as [`sheet`] does, so a file
    /// with carriage returns alone is not all line 1.
    fn at(bytes: &[u8], offset: usize) -> NotUtf8 {
        let before = &bytes[..offset];
        let line_start =
            before.iter().rposition(|&b| b == b'\n' || b == b'\r').map_or(0, |i| i + 1);
        NotUtf8 {
            line: sheet::line_breaks(before) + 1,
            column: (offset - line_start) as u64 + 1,
            byte: bytes[offset],
        }
    }
}

impl fmt::Display for NotUtf8 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: not UTF-8 text (byte 0x{:02X}); save the file as UTF-8 and import \
             again",
            self.line, self.column, self.byte
        )
    }
}

/// Where `bytes` stop being UTF-8, if they do. Spreadsheets still save "CSV" in a legacy code
/// page such as Windows-1252, whose accented letters are single bytes that UTF-8 does not allow;
/// naming the first one lets the person find the row and save the file again properly.
pub fn utf8_error_position(bytes: &[u8]) -> Option<NotUtf8> {
    std::str::from_utf8(bytes).err().map(|e| NotUtf8::at(bytes, e.valid_up_to()))
}

/// The text of a file read as bytes, or where it is not UTF-8.
pub fn utf8_text(bytes: Vec<u8>) -> Result<String, NotUtf8> {
    String::from_utf8(bytes).map_err(|e| NotUtf8::at(e.as_bytes(), e.utf8_error().valid_up_to()))
}

/// The most notes a report lists; beyond them it says how many more there were, so importing a
/// shop's whole history does not bury the report.
const MAX_NOTES: usize = 100;

/// What the write phase of an import did.
#[derive(Debug, Default, Clone)]
struct Counts {
    created: u32,
    updated: u32,
    skipped: u32,
    notes: Vec<String>,
    /// Notes beyond [`MAX_NOTES`], counted rather than listed.
    unlisted: u32,
    /// The records created or changed that need work after their entry: the orders, which
    /// go on to screening and allocation. Other tables leave it empty.
    entered: Vec<i64>,
}

impl Counts {
    /// Records a note for the report.
    fn note(&mut self, note: String) {
        if self.notes.len() < MAX_NOTES {
            self.notes.push(note);
        } else {
            self.unlisted += 1;
        }
    }

    /// Counts something left out on purpose, saying what and why.
    fn skip(&mut self, note: String) {
        self.skipped += 1;
        self.note(note);
    }
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

/// The outcome of an import's write phase.
struct Written {
    report: ImportReport,
    /// What the writes recorded in [`Counts::entered`], when they were kept: every row was
    /// valid, every write succeeded and this is not a dry run. Only then may an import announce
    /// its changes or start the work that follows them.
    kept: Option<Vec<i64>>,
}

const SAVEPOINT: &str = "backroom_import";

/// Refuses the import if checking the rows found any error; otherwise runs its writes under a
/// savepoint and keeps them only if they all succeed and this is not a dry run. A failure while
/// writing is rare (a rule the checks do not know of); it becomes a row error and the import
/// writes nothing.
fn write_all(
    ctx: &Ctx<'_>,
    format: &str,
    rows: u32,
    errors: Errors,
    dry_run: bool,
    writes: impl FnOnce(&Ctx<'_>) -> Result<Counts, WriteFailure>,
) -> Result<Written, ApiError> {
    if !errors.is_empty() {
        return Ok(Written { report: refused(format, rows, errors), kept: None });
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
        Ok(mut counts) => {
            if counts.unlisted > 0 {
                counts.notes.push(format!("... and {} more like these", counts.unlisted));
            }
            Written {
                report: ImportReport {
                    ok: true,
                    format: format.to_owned(),
                    rows,
                    created: counts.created,
                    updated: counts.updated,
                    skipped: counts.skipped,
                    notes: counts.notes,
                    errors: Vec::new(),
                },
                kept: keep.then_some(counts.entered),
            }
        }
        Err(failure) => {
            let mut errors = Errors::default();
            errors.add(failure.line, None, failure.error.message);
            Written { report: refused(format, rows, errors), kept: None }
        }
    })
}

/// The report of an import that found problems and wrote nothing.
fn refused(format: &str, rows: u32, errors: Errors) -> ImportReport {
    ImportReport {
        ok: false,
        format: format.to_owned(),
        rows,
        created: 0,
        updated: 0,
        skipped: 0,
        notes: Vec::new(),
        errors: errors.into_sorted(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_byte_that_is_not_utf8_is_found_by_line_and_column() {
        assert_eq!(utf8_error_position(b"sku,name\nA-1,Caf\xc3\xa9\n"), None);
        assert_eq!(utf8_error_position("\u{feff}sku\n".as_bytes()), None, "a BOM is UTF-8");
        // Windows-1252's e-acute, the ninth byte of line 3.
        let latin1 = b"number,sku\r\n1,A\r\n1001,Caf\xe9 au lait\n";
        let bad = utf8_error_position(latin1).unwrap();
        assert_eq!(bad, NotUtf8 { line: 3, column: 9, byte: 0xE9 });
        assert_eq!(
            bad.to_string(),
            "line 3, column 9: not UTF-8 text (byte 0xE9); save the file as UTF-8 and import again"
        );
        let first = utf8_error_position(b"\xff").unwrap();
        assert_eq!((first.line, first.column), (1, 1));
        // A sequence cut short by the end of the file points at its first byte.
        let cut = utf8_error_position(b"ab\xe2\x82").unwrap();
        assert_eq!((cut.line, cut.column, cut.byte), (1, 3, 0xE2));
        assert_eq!(utf8_text(latin1.to_vec()), Err(bad));
        let old_mac = utf8_error_position(b"number,sku\r1,A\r1001,Caf\xe9\r").unwrap();
        assert_eq!((old_mac.line, old_mac.column), (3, 9), "carriage returns end lines too");
        assert_eq!(utf8_text(b"ok".to_vec()).as_deref(), Ok("ok"));
    }
}
