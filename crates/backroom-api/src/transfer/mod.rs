//! CSV import and export of products, orders and stock, and the export of the weight-audit
//! log ([`weighings`]).
//!
//! Every file has a header row naming its columns; the formats are described in
//! [`products`], [`orders`], [`shopify`], [`shopify_products`] and [`stock`]. An orders file is
//! read as Shopify's orders export when its header has Shopify's `Name` and `Lineitem sku` or
//! `Lineitem quantity` columns, and as Backroom's own orders format otherwise; a products file
//! is read as Shopify's products export when its header has `Handle` and `Variant SKU` or
//! `Variant Price`; the report says which. A Shopify export a spreadsheet has re-saved may
//! write its dates its own way: the request then says how (`date_format`, `time_zone`). Header names are matched ignoring case and
//! surrounding spaces, columns a table does not know are ignored, and rows whose values are all
//! empty are skipped. Values are separated by commas, or by semicolons or tabs when the header
//! line has no comma but those, as some spreadsheets save CSV. Export writes commas.
//!
//! An import is all or nothing. (A Shopify order whose line names a product Backroom does not
//! know is not a wrong row: the order comes in held until a manager maps the line, see
//! [`mapping`].) Every row is checked first, against the file and against the
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

pub mod mapping;
pub mod orders;
pub mod products;
mod sheet;
pub mod shopify;
pub mod shopify_products;
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
    /// How the file writes its dates when not as the format does, strftime-style
    /// (`%d/%m/%Y %H:%M` for `31/12/2023 22:36`), for a file a spreadsheet has re-saved.
    #[serde(default)]
    pub date_format: Option<String>,
    /// The store's time zone for dates written without an offset: `UTC` or an offset such as
    /// `-05:00`.
    #[serde(default)]
    pub time_zone: Option<String>,
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
    let dates = DateReading::new(req.date_format.as_deref(), req.time_zone.as_deref())?;
    match req.table {
        Table::Products if shopify_products::is_export(&req.csv) => {
            shopify_products::import(ctx, &req.csv, req.dry_run)
        }
        Table::Products => products::import(ctx, &req.csv, req.dry_run),
        Table::Orders if shopify::is_export(&req.csv) => {
            shopify::import(ctx, &req.csv, req.dry_run, &dates)
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

/// How an import reads the dates of a file: as its format writes them, or, for a file a
/// spreadsheet has re-saved, as the person says they are written.
#[derive(Debug, Clone, Default)]
pub(crate) struct DateReading {
    format: Option<String>,
    zone: Option<chrono::FixedOffset>,
}

impl DateReading {
    fn new(format: Option<&str>, zone: Option<&str>) -> Result<DateReading, ApiError> {
        let format = format.map(str::trim).filter(|f| !f.is_empty());
        if let Some(format) = format {
            use chrono::format::{Item, StrftimeItems};
            if StrftimeItems::new(format).any(|item| matches!(item, Item::Error)) {
                return Err(ApiError::invalid(format!(
                    "the date format `{}` is not a strftime pattern; write it like \
                     %d/%m/%Y %H:%M for 31/12/2023 22:36",
                    sheet::cut(format)
                )));
            }
        }
        let zone = match zone.map(str::trim).filter(|z| !z.is_empty()) {
            None => None,
            Some(z) if z.eq_ignore_ascii_case("utc") || z.eq_ignore_ascii_case("z") => {
                Some(chrono::FixedOffset::east_opt(0).expect("0 is an offset"))
            }
            Some(z) => Some(parse_offset(z).ok_or_else(|| {
                ApiError::invalid(format!(
                    "the time zone `{}` is not UTC or an offset; write it like -05:00 or +0100",
                    sheet::cut(z)
                ))
            })?),
        };
        Ok(DateReading { format: format.map(str::to_owned), zone })
    }

    /// A time of the file as Backroom stores it (RFC 3339, UTC), or what to tell the person.
    fn read(&self, text: &str) -> Result<String, String> {
        let Some(format) = &self.format else {
            return crate::orders::normalise_time(text).ok_or_else(|| {
                format!(
                    "`{}` is not a time as Shopify writes it (2026-11-20 14:03:11 -0500); a \
                     spreadsheet has probably re-saved the file. Say how its dates are written \
                     and in which time zone, and import again: backroom import orders FILE \
                     --date-format '%d/%m/%Y %H:%M' --time-zone=-05:00 (or UTC)",
                    sheet::cut(text)
                )
            });
        };
        let text = text.trim();
        let fail = |why: &str| {
            format!(
                "`{}` does not match the date format `{}` ({why}); check the format against \
                 this value",
                sheet::cut(text),
                sheet::cut(format)
            )
        };
        if let Ok(t) = chrono::DateTime::parse_from_str(text, format) {
            return Ok(crate::time::to_text(t.with_timezone(&chrono::Utc)));
        }
        let naive = match chrono::NaiveDateTime::parse_from_str(text, format) {
            Ok(t) => t,
            Err(_) => match chrono::NaiveDate::parse_from_str(text, format) {
                Ok(d) => d.and_hms_opt(0, 0, 0).expect("midnight exists"),
                Err(e) => return Err(fail(&e.to_string())),
            },
        };
        let Some(zone) = self.zone else {
            return Err(format!(
                "`{}` has no offset; say in which time zone the file's times are with \
                 --time-zone (UTC, or an offset such as --time-zone=-05:00)",
                sheet::cut(text)
            ));
        };
        use chrono::TimeZone;
        match zone.from_local_datetime(&naive).single() {
            Some(t) => Ok(crate::time::to_text(t.with_timezone(&chrono::Utc))),
            None => Err(fail("no such time")),
        }
    }
}

/// An offset such as `-05:00`, `+0100` or `+01`.
fn parse_offset(text: &str) -> Option<chrono::FixedOffset> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (digits[..2].parse::<i32>().ok()?, digits[2..].parse::<i32>().ok()?),
        _ => return None,
    };
    if hours > 14 || minutes > 59 {
        return None;
    }
    chrono::FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
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
pub(super) const MAX_NOTES: usize = 100;

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
    ctx: &mut Ctx<'_>,
    format: &str,
    rows: u32,
    errors: Errors,
    dry_run: bool,
    writes: impl FnOnce(&mut Ctx<'_>) -> Result<Counts, WriteFailure>,
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
