//! CSV import and export of products, orders and stock, and the export of the weight-audit
//! log ([`weighings`]).
//!
//! Every file has a header row naming its columns; the formats are described in
//! [`products`], [`orders`], [`shopify`], [`woocommerce`], [`shopify_products`] and [`stock`],
//! and an orders file of any other shop is read by a column mapping ([`column_map`]) the
//! request gives or names. An orders file is read as Shopify's orders export when its header
//! has Shopify's `Name` and `Lineitem sku` or `Lineitem quantity` columns, as WooCommerce's
//! when it has `order_number` (or `order_id`) and `line_item_` columns, and as Backroom's own
//! orders format otherwise; every shop's orders share one intake ([`shop`]); a products file
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

pub mod column_map;
pub mod mapping;
pub mod orders;
pub mod products;
mod sheet;
mod shop;
pub mod shopify;
pub mod shopify_products;
pub mod stock;
pub mod weighings;
pub mod woocommerce;

use std::fmt;

use backroom_core::order::OrderStatus;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::context::Ctx;
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
    /// The store's time zone for dates written without an offset: `UTC`, an offset such as
    /// `-05:00`, or a zone name such as `Europe/Berlin`.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Read an orders file by this column mapping, saved by its name once the import is kept.
    #[serde(default)]
    pub mapping: Option<column_map::ColumnMapping>,
    /// Read an orders file by the column mapping saved under this name.
    #[serde(default)]
    pub saved_mapping: Option<String>,
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
    /// How the file was read: `generic orders`, `shopify orders`, `woocommerce orders`,
    /// `orders by the mapping NAME`, `products`, `shopify products` or `stock`.
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
    let mapping = match (req.mapping, req.saved_mapping.as_deref()) {
        (Some(mapping), _) => Some(mapping),
        (None, Some(name)) => Some(column_map::saved(ctx, name)?),
        (None, None) => None,
    };
    if let Some(mapping) = mapping {
        if req.table != Table::Orders {
            return Err(ApiError::invalid(
                "a column mapping reads orders files; import products and stock in their own \
                 formats",
            ));
        }
        return column_map::import(ctx, &req.csv, req.dry_run, &mapping, dates);
    }
    match req.table {
        Table::Products if shopify_products::is_export(&req.csv) => {
            shopify_products::import(ctx, &req.csv, req.dry_run)
        }
        Table::Products => products::import(ctx, &req.csv, req.dry_run),
        Table::Orders if shopify::is_export(&req.csv) => {
            shopify::import(ctx, &req.csv, req.dry_run, &dates)
        }
        Table::Orders if woocommerce::is_export(&req.csv) => {
            woocommerce::import(ctx, &req.csv, req.dry_run, dates)
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
/// spreadsheet has re-saved or a shop that writes local times, as the person says they are
/// written.
#[derive(Debug, Clone, Default)]
pub(crate) struct DateReading {
    format: Option<String>,
    zone: Option<Zone>,
}

/// The time zone of times written without an offset.
#[derive(Debug, Clone, Copy)]
enum Zone {
    Fixed(chrono::FixedOffset),
    /// A zone by its IANA name, whose offset changes with summer time.
    Named(chrono_tz::Tz),
}

impl Zone {
    /// `UTC`, an offset such as `-05:00`, or an IANA name such as `Europe/Berlin`.
    fn parse(text: &str) -> Option<Zone> {
        if text.eq_ignore_ascii_case("utc") || text.eq_ignore_ascii_case("z") {
            return Some(Zone::Fixed(chrono::FixedOffset::east_opt(0).expect("0 is an offset")));
        }
        if let Some(offset) = parse_offset(text) {
            return Some(Zone::Fixed(offset));
        }
        text.parse::<chrono_tz::Tz>().ok().map(Zone::Named)
    }

    /// The instant a local time names. A time that comes twice when clocks go back is the
    /// first; one skipped when they go forward does not exist.
    fn instant(self, local: chrono::NaiveDateTime) -> Option<chrono::DateTime<chrono::Utc>> {
        use chrono::TimeZone;
        match self {
            Zone::Fixed(zone) => {
                zone.from_local_datetime(&local).earliest().map(|t| t.with_timezone(&chrono::Utc))
            }
            Zone::Named(zone) => {
                zone.from_local_datetime(&local).earliest().map(|t| t.with_timezone(&chrono::Utc))
            }
        }
    }
}

impl DateReading {
    fn new(format: Option<&str>, zone: Option<&str>) -> Result<DateReading, ApiError> {
        let format = format.map(str::trim).filter(|f| !f.is_empty());
        if let Some(format) = format {
            use chrono::format::{Item, StrftimeItems};
            if StrftimeItems::new(format).any(|item| matches!(item, Item::Error)) {
                return Err(ApiError::invalid(format!(
                    "the date format “{}” is not a strftime pattern; write it like \
                     %d/%m/%Y %H:%M for 31/12/2023 22:36",
                    sheet::cut(format)
                )));
            }
        }
        let zone = match zone.map(str::trim).filter(|z| !z.is_empty()) {
            None => None,
            Some(z) => Some(Zone::parse(z).ok_or_else(|| {
                ApiError::invalid(format!(
                    "the time zone “{}” is not UTC, an offset or a zone name; write it like \
                     -05:00, +0100 or Europe/Berlin",
                    sheet::cut(z)
                ))
            })?),
        };
        Ok(DateReading { format: format.map(str::to_owned), zone })
    }

    /// This reading, taking the format and the zone it was not given from `other`.
    fn or(self, other: DateReading) -> DateReading {
        DateReading { format: self.format.or(other.format), zone: self.zone.or(other.zone) }
    }

    /// This reading, with the store's time zone (settings) for times written without an
    /// offset when it was given none: a shop's export writes the shop's own local time.
    fn in_store_zone(self, ctx: &Ctx<'_>) -> Result<DateReading, ApiError> {
        if self.zone.is_some() {
            return Ok(self);
        }
        let store = crate::admin::settings::store(ctx)?.time_zone;
        Ok(DateReading { zone: Zone::parse(store.trim()), ..self })
    }

    /// A time of the file as Backroom stores it (RFC 3339, UTC), or what to tell the person.
    fn read(&self, text: &str) -> Result<String, String> {
        let Some(format) = &self.format else {
            return crate::orders::normalise_time(text).ok_or_else(|| {
                format!(
                    "“{}” is not a time as Shopify writes it (2026-11-20 14:03:11 -0500); a \
                     spreadsheet has probably re-saved the file. Say how its dates are written \
                     (a date format such as %d/%m/%Y %H:%M) and in which time zone (UTC, or an \
                     offset such as -05:00), and import again",
                    sheet::cut(text)
                )
            });
        };
        self.read_as(text, format)
    }

    /// A time of a format that writes local times, such as WooCommerce's: in the format the
    /// person gave, else in the first of `formats` it matches. `example` shows the person
    /// what the format's own times look like.
    fn read_local(&self, text: &str, formats: &[&str], example: &str) -> Result<String, String> {
        if let Some(format) = &self.format {
            return self.read_as(text, format);
        }
        let text = text.trim();
        let Some(format) = formats.iter().find(|f| parse_local(text, f).is_ok()) else {
            return Err(format!(
                "“{}” is not a date as {example}; say how the file writes its dates (a date \
                 format such as %d/%m/%Y %H:%M) and import again",
                sheet::cut(text)
            ));
        };
        self.read_as(text, format)
    }

    fn read_as(&self, text: &str, format: &str) -> Result<String, String> {
        let text = text.trim();
        let fail = |why: &str| {
            format!(
                "“{}” does not match the date format “{}” ({why}); check the format against \
                 this value",
                sheet::cut(text),
                sheet::cut(format)
            )
        };
        if let Ok(t) = chrono::DateTime::parse_from_str(text, format) {
            return Ok(crate::time::to_text(t.with_timezone(&chrono::Utc)));
        }
        let naive = parse_local(text, format).map_err(|e| fail(&e))?;
        let Some(zone) = self.zone else {
            return Err(format!(
                "“{}” has no offset; say in which time zone the file's times are (UTC, a zone \
                 name such as Europe/Berlin, or an offset such as -05:00)",
                sheet::cut(text)
            ));
        };
        match zone.instant(naive) {
            Some(t) => Ok(crate::time::to_text(t)),
            None => Err(fail("no such time")),
        }
    }
}

/// A local time in `format`, or a date alone (midnight); why not, when neither.
fn parse_local(text: &str, format: &str) -> Result<chrono::NaiveDateTime, String> {
    match chrono::NaiveDateTime::parse_from_str(text, format) {
        Ok(t) => Ok(t),
        Err(_) => match chrono::NaiveDate::parse_from_str(text, format) {
            Ok(d) => Ok(d.and_hms_opt(0, 0, 0).expect("midnight exists")),
            Err(e) => Err(e.to_string()),
        },
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
    entered: Entered,
}

/// The orders an import created or changed that need work once it is kept.
#[derive(Debug, Default, Clone)]
struct Entered {
    /// Orders already in Backroom whose change sends them through screening again.
    changed: Vec<i64>,
    /// New orders screened as they were stored, with the status screening gave them.
    screened: Vec<(i64, String, OrderStatus)>,
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
    kept: Option<Entered>,
}

const SAVEPOINT: &str = "backroom_import";

/// The savepoint a set of rows is written under, inside the import's own.
const SET_SAVEPOINT: &str = "backroom_set";

/// Writes an import's rows as one set with `set`: a few statements for thousands of rows, since
/// on PostgreSQL every statement is a round trip. Should the database refuse the set (a rule the
/// checks do not know of), it is rolled back and written again with `one_by_one`, a row at a
/// time, so that the failure names its row; `first` is the row named should the savepoint
/// itself fail.
fn write_set<T>(
    ctx: &Ctx<'_>,
    first: u64,
    set: impl FnOnce() -> Result<T, ApiError>,
    one_by_one: impl FnOnce() -> Result<T, WriteFailure>,
) -> Result<T, WriteFailure> {
    let savepoint = |verb: &str| {
        let sql = format!("{verb} {SET_SAVEPOINT}");
        ctx.tx.execute_batch(&sql).map_err(|e| WriteFailure::at(first)(e.into()))
    };
    savepoint("SAVEPOINT")?;
    let written = match set() {
        Ok(written) => written,
        Err(_) => {
            savepoint("ROLLBACK TO")?;
            one_by_one()?
        }
    };
    savepoint("RELEASE")?;
    Ok(written)
}

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
    fn local_times_are_read_in_a_named_zone_with_its_summer_time() {
        let berlin = DateReading::new(Some("%Y-%m-%d %H:%M"), Some("Europe/Berlin")).unwrap();
        assert_eq!(berlin.read("2026-01-15 12:00").unwrap(), "2026-01-15T11:00:00Z");
        assert_eq!(berlin.read("2026-07-15 12:00").unwrap(), "2026-07-15T10:00:00Z");
        // Clocks went from 02:00 to 03:00 that night: the time never happened there.
        assert!(berlin.read("2026-03-29 02:30").unwrap_err().contains("no such time"));
        let offset = DateReading::new(Some("%d/%m/%Y %H:%M"), Some("-05:00")).unwrap();
        assert_eq!(offset.read("31/12/2023 22:36").unwrap(), "2024-01-01T03:36:00Z");
        let woo = DateReading::new(None, Some("UTC")).unwrap();
        let formats = ["%d-%m-%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S"];
        assert_eq!(
            woo.read_local("16-05-2018 07:32:06", &formats, "x").unwrap(),
            "2018-05-16T07:32:06Z"
        );
        assert_eq!(
            woo.read_local("2018-05-16 07:32:06", &formats, "x").unwrap(),
            "2018-05-16T07:32:06Z"
        );
        assert!(
            woo.read_local("May 16", &formats, "WooCommerce writes")
                .unwrap_err()
                .contains("a date format such as %d/%m/%Y %H:%M")
        );
        let err = DateReading::new(None, Some("Mars/Olympus")).unwrap_err();
        assert!(err.message.contains("Europe/Berlin"), "{}", err.message);
    }

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
