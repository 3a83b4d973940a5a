//! Reading a CSV file against a known set of columns, collecting every problem with its line and
//! column, and the value formats shared by the tables (money, whole numbers, yes/no).
//!
//! A line is a physical line of the file as an editor shows it: lines end with a line feed, a
//! carriage return and line feed, or a carriage return alone, and a quoted value with line
//! breaks in it spans several. A record is named by the line it starts on.

use std::borrow::Cow;
use std::collections::HashMap;

use csv::StringRecord;

use super::RowError;
use crate::error::ApiError;

/// The problems found in a file, in the order they were found.
#[derive(Debug, Default)]
pub(super) struct Errors(Vec<RowError>);

impl Errors {
    pub fn add(&mut self, line: u64, column: Option<String>, reason: impl Into<String>) {
        let mut reason = reason.into();
        // Our own messages cut the values they quote; this bounds those that come whole from
        // elsewhere (a write's failure), so no report carries a megabyte of one cell.
        if let Cow::Owned(short) = cut_to(&reason, MAX_REASON_CHARS) {
            reason = short;
        }
        self.0.push(RowError { line, column, reason });
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems by line, keeping the order within a line, so the report reads top to bottom
    /// even though some checks (a clash with a later row, the database) run after the first pass.
    pub fn into_sorted(mut self) -> Vec<RowError> {
        self.0.sort_by_key(|e| e.line);
        self.0
    }
}

/// One data row of a file.
pub(super) struct Row {
    /// Line of the file the row starts on, the header being line 1.
    pub line: u64,
    record: StringRecord,
}

impl Row {
    /// How many values the row has as read, which a damaged file can make fewer than the header.
    pub fn len(&self) -> usize {
        self.record.len()
    }
}

/// A CSV file with a header row, read against the columns a table knows.
pub(super) struct Sheet {
    /// The header as written, each name trimmed, for naming columns in errors.
    headers: Vec<String>,
    /// Known column name to its position in the file.
    index: HashMap<&'static str, usize>,
    /// Rows that were read; a row the CSV reader could not read is an error instead.
    pub rows: Vec<Row>,
    /// Every data row in the file, read or not, blank rows aside.
    pub records: u32,
    /// Whether the header names every required column. When it does not, the rows are counted
    /// but not checked, since every one of them would fail the same way.
    pub header_ok: bool,
}

/// The character between values: a comma, unless the header line has none but has tabs or
/// semicolons, as spreadsheets in some locales save "CSV".
fn delimiter(text: &str) -> u8 {
    let header = text.split(['\r', '\n']).next().unwrap_or("");
    if header.contains(',') {
        b','
    } else if header.contains('\t') {
        b'\t'
    } else if header.contains(';') {
        b';'
    } else {
        b','
    }
}

/// How a header name is compared: case, surrounding spaces, and spaces or hyphens for
/// underscores do not matter, so `Unit Weight` finds `unit_weight`.
pub(super) fn normalise(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace([' ', '-'], "_")
}

/// The names of a file's header, compared the way [`Sheet::read`] compares them, for telling
/// one format from another before reading it. Empty when the header cannot be read.
pub(super) fn header_names(text: &str) -> Vec<String> {
    match Records::new(text).next() {
        Some(Record::Read { record, .. }) => record.iter().map(normalise).collect(),
        _ => Vec::new(),
    }
}

/// The reason given for a quote that opens a value and is never closed.
const UNCLOSED: &str = "a quote opened here is never closed, so the rest of the file would be \
                        read as one value; close it, or remove it if it is part of the value";

/// How many characters of a value a message quotes; enough to find the cell by eye.
const MAX_SHOWN_CHARS: usize = 60;

/// The longest message an error carries, for messages built outside this module.
const MAX_REASON_CHARS: usize = 1000;

/// A value as a message quotes it: whole when short, otherwise its first
/// [`MAX_SHOWN_CHARS`] characters and `…`. A cell can hold megabytes, and a report that echoed
/// it would bury every other problem.
pub(super) fn cut(value: &str) -> Cow<'_, str> {
    cut_to(value, MAX_SHOWN_CHARS)
}

fn cut_to(text: &str, chars: usize) -> Cow<'_, str> {
    match text.char_indices().nth(chars) {
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
        None => Cow::Borrowed(text),
    }
}

/// How many line breaks `bytes` hold: line feeds, carriage returns and line feeds, and
/// carriage returns alone. Callers split a text between lines, never inside a break: a carriage
/// return and line feed split in two would count twice.
pub(super) fn line_breaks(bytes: &[u8]) -> u64 {
    let line_feeds = bytes.iter().filter(|&&b| b == b'\n').count();
    let lone_returns = bytes.windows(2).filter(|w| w[0] == b'\r' && w[1] != b'\n').count()
        + usize::from(bytes.last() == Some(&b'\r'));
    (line_feeds + lone_returns) as u64
}

/// The physical lines of byte offsets met in increasing order, counted in one pass over the
/// file however many records it has.
struct Lines<'t> {
    text: &'t [u8],
    counted_to: usize,
    line: u64,
}

impl Lines<'_> {
    fn at(&mut self, offset: usize) -> u64 {
        debug_assert!(offset >= self.counted_to, "offsets come in increasing order");
        self.line += line_breaks(&self.text[self.counted_to..offset]);
        self.counted_to = offset;
        self.line
    }
}

/// One record of a file, by the line it starts on.
enum Record {
    Read {
        line: u64,
        record: StringRecord,
    },
    /// A value opens with a quote that is never closed, so the reader took the rest of the
    /// file as that value. `line` is where the quote is; `field` is the value's position.
    Unclosed {
        line: u64,
        field: usize,
    },
    /// The reader failed, which it cannot on a `&str`; kept so an upgrade cannot panic.
    Broken {
        line: u64,
        error: csv::Error,
    },
}

/// The records of a CSV text with the physical line each starts on. The csv crate's own
/// positions do not give that: its count sees line feeds only (a file from an old Mac is all
/// "line 1") and stands before the breaks and empty lines it skips ahead of a record (one
/// line early on every row of a CRLF file). Nor does it report a quote left open.
struct Records<'t> {
    text: &'t [u8],
    delimiter: u8,
    reader: csv::Reader<&'t [u8]>,
    lines: Lines<'t>,
}

impl<'t> Records<'t> {
    fn new(text: &'t str) -> Records<'t> {
        // Spreadsheet programs often start a UTF-8 file with a byte order mark, which would
        // otherwise become part of the first column's name.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let delimiter = delimiter(text);
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let text = text.as_bytes();
        Records { text, delimiter, reader, lines: Lines { text, counted_to: 0, line: 1 } }
    }
}

impl Iterator for Records<'_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        let before = self.reader.position().byte() as usize;
        let mut record = StringRecord::new();
        let read = self.reader.read_record(&mut record);
        // The reader skips line breaks, and so empty lines, ahead of a record.
        let skipped = self.text[before..].iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
        let start = before + skipped;
        let line = self.lines.at(start);
        match read {
            Ok(false) => None,
            Err(error) => Some(Record::Broken { line, error }),
            // Only a record that runs to the end of the file can hold a quote left open.
            Ok(true) if self.reader.position().byte() as usize == self.text.len() => {
                match unclosed_quote(&self.text[start..], self.delimiter) {
                    Some((quote, field)) => {
                        Some(Record::Unclosed { line: self.lines.at(start + quote), field })
                    }
                    None => Some(Record::Read { line, record }),
                }
            }
            Ok(true) => Some(Record::Read { line, record }),
        }
    }
}

/// Where in `record`, the raw text of a file's last record, a quote opens a value and is never
/// closed, and which value of the record it opens: the byte offset and the value's position.
/// This follows the csv crate's rules: a quote opens a value only as its first character, two
/// quotes inside a quoted value stand for one, and a line break outside quotes ends the record.
fn unclosed_quote(record: &[u8], delimiter: u8) -> Option<(usize, usize)> {
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        /// A quote inside a quoted value: its end, or the first of a doubled pair.
        QuoteInQuoted,
    }
    let (mut state, mut field, mut opened) = (State::FieldStart, 0, 0);
    for (i, &b) in record.iter().enumerate() {
        state = match state {
            State::Quoted if b == b'"' => State::QuoteInQuoted,
            State::Quoted => State::Quoted,
            State::FieldStart if b == b'"' => {
                opened = i;
                State::Quoted
            }
            State::QuoteInQuoted if b == b'"' => State::Quoted,
            _ if b == delimiter => {
                field += 1;
                State::FieldStart
            }
            _ if b == b'\r' || b == b'\n' => return None,
            _ => State::Unquoted,
        };
    }
    matches!(state, State::Quoted).then_some((opened, field))
}

/// What went wrong in a CSV error, without the csv crate's own idea of the line.
fn why(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Utf8 { err, .. } => err.to_string(),
        _ => error.to_string(),
    }
}

impl Sheet {
    /// Reads `text`, whose first line must be a header. Columns the table does not know are
    /// ignored, so a spreadsheet with extra notes still imports; a required column that is
    /// missing is an error on line 1, as is a known column given twice. A known column is
    /// named as a format spells it (`sku`, or Shopify's `Lineitem sku`), and that name is the
    /// one to pass to [`Sheet::get`].
    pub fn read(
        text: &str,
        table: &str,
        known: &[&'static str],
        required: &[&'static str],
        errors: &mut Errors,
    ) -> Sheet {
        let named: Vec<(&'static str, &str)> = known.iter().map(|k| (*k, *k)).collect();
        Sheet::read_named(text, table, &named, required, errors)
    }

    /// [`Sheet::read`] for a file whose columns are named by the person rather than the format
    /// (a column mapping): each known column is a pair of the name [`Sheet::get`] takes and the
    /// header name it has in this file.
    pub fn read_named(
        text: &str,
        table: &str,
        named: &[(&'static str, &str)],
        required: &[&'static str],
        errors: &mut Errors,
    ) -> Sheet {
        let mut sheet = Sheet {
            headers: Vec::new(),
            index: HashMap::new(),
            rows: Vec::new(),
            records: 0,
            header_ok: false,
        };
        let expected = named.iter().map(|(_, name)| *name).collect::<Vec<_>>().join(",");
        let mut records = Records::new(text);
        let (header_line, header) = match records.next() {
            Some(Record::Read { line, record }) => (line, record),
            Some(Record::Unclosed { line, .. }) => {
                errors.add(line, None, UNCLOSED);
                return sheet;
            }
            Some(Record::Broken { line, error }) => {
                errors.add(line, None, format!("the header cannot be read: {}", why(&error)));
                return sheet;
            }
            None => (1, StringRecord::new()),
        };
        if header.iter().all(|h| h.trim().is_empty()) {
            errors.add(
                header_line,
                None,
                format!("the file is empty; its first line must be the {table} header: {expected}"),
            );
            return sheet;
        }
        sheet.headers = header.iter().map(|h| h.trim().to_owned()).collect();
        sheet.index_columns(header_line, named, errors);
        let missing: Vec<&str> =
            required.iter().copied().filter(|c| !sheet.index.contains_key(c)).collect();
        for column in &missing {
            errors.add(
                header_line,
                Some((*column).to_owned()),
                format!(
                    "the header has no “{column}” column; the {table} header is: {expected} \
                     (required: {})",
                    required.join(", ")
                ),
            );
        }
        sheet.header_ok = missing.is_empty() && errors.is_empty();
        for record in records {
            sheet.take(record, errors);
        }
        sheet
    }

    /// Finds the known columns in the header; one given twice is an error.
    fn index_columns(
        &mut self,
        header_line: u64,
        named: &[(&'static str, &str)],
        errors: &mut Errors,
    ) {
        let compared: Vec<String> = named.iter().map(|(_, name)| normalise(name)).collect();
        for (i, name) in self.headers.iter().enumerate() {
            let norm = normalise(name);
            // A mapping may read one column as two fields (the customer's and the ship-to
            // name); each field is found.
            for k in (0..compared.len()).filter(|&k| compared[k] == norm) {
                let column = named[k].0;
                if self.index.insert(column, i).is_some() {
                    errors.add(
                        header_line,
                        Some(name.clone()),
                        format!("the column “{name}” appears twice in the header; keep one"),
                    );
                }
            }
        }
    }

    /// Keeps a data record as a row, or reports why it cannot be one.
    fn take(&mut self, record: Record, errors: &mut Errors) {
        let (line, record) = match record {
            Record::Read { line, record } => (line, record),
            Record::Unclosed { line, field } => {
                self.records += 1;
                errors.add(line, self.headers.get(field).cloned(), UNCLOSED);
                return;
            }
            Record::Broken { line, error } => {
                self.records += 1;
                errors.add(line, None, format!("this row cannot be read as CSV: {}", why(&error)));
                return;
            }
        };
        // Spreadsheets save emptied rows as a line of commas; they hold nothing.
        if record.iter().all(|f| f.trim().is_empty()) {
            return;
        }
        self.records += 1;
        // A row longer than the header with something in the extra fields almost always has
        // an unquoted comma in a value, which shifts every later column. A shorter row is read
        // with its missing trailing values empty.
        let width = self.headers.len();
        if record.iter().skip(width).any(|f| !f.trim().is_empty()) {
            errors.add(
                line,
                None,
                format!(
                    "this row has {} values but the header has {width} columns; put quotes \
                     around values that contain the separator",
                    record.len()
                ),
            );
            return;
        }
        self.rows.push(Row { line, record });
    }

    /// Whether the file has this column.
    pub fn has(&self, column: &str) -> bool {
        self.index.contains_key(column)
    }

    /// The trimmed value of `column` in `row`; empty when the file has no such column or the
    /// row stops short of it.
    pub fn get<'r>(&self, row: &'r Row, column: &str) -> &'r str {
        self.index.get(column).and_then(|&i| row.record.get(i)).map_or("", str::trim)
    }

    /// The positions of the file's columns whose names start with `prefix` (compared as
    /// [`normalise`] compares them), for a format with numbered columns such as WooCommerce's
    /// `line_item_1`, `line_item_2`...
    pub fn columns_starting(&self, prefix: &str) -> Vec<usize> {
        let prefix = normalise(prefix);
        (0..self.headers.len())
            .filter(|&i| normalise(&self.headers[i]).starts_with(&prefix))
            .collect()
    }

    /// The trimmed value at position `i` of `row`; empty when the row stops short of it.
    pub fn value<'r>(&self, row: &'r Row, i: usize) -> &'r str {
        row.record.get(i).map_or("", str::trim)
    }

    /// The header's name of the column at position `i`.
    pub fn header(&self, i: usize) -> &str {
        &self.headers[i]
    }

    /// The name of a column as the file's header writes it, for errors.
    pub fn column(&self, column: &str) -> Option<String> {
        Some(match self.index.get(column) {
            Some(&i) => self.headers[i].clone(),
            None => column.to_owned(),
        })
    }
}

/// Reads an amount of money such as `12.99` (an optional currency sign in front) into cents,
/// exactly: no binary fractions are involved.
pub(super) fn parse_cents(text: &str) -> Result<i64, String> {
    let fail = || {
        format!(
            "“{}” is not an amount; write it like 12.99, with a point and no more than two decimals",
            cut(text)
        )
    };
    let amount = text.trim().trim_start_matches(['$', '€', '£']).trim_start();
    if amount.starts_with('-') {
        return Err(format!("“{}” is negative; an amount cannot be less than 0", cut(text)));
    }
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty())
        || !digits(whole)
        || !digits(fraction)
        || fraction.len() > 2
    {
        return Err(fail());
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| fail())? };
    let fraction: i64 = format!("{fraction:0<2}").parse().map_err(|_| fail())?;
    whole.checked_mul(100).and_then(|c| c.checked_add(fraction)).ok_or_else(fail)
}

/// Writes cents as an amount that [`parse_cents`] reads back, e.g. `12.99`.
pub(super) fn format_cents(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}{}.{:02}", cents / 100, cents % 100)
}

/// Reads a whole number.
pub(super) fn parse_whole(text: &str, what: &str) -> Result<i64, String> {
    text.trim().parse().map_err(|_| format!("{what} “{}” is not a whole number", cut(text)))
}

/// Reads yes or no as spreadsheets write it; empty is `default`.
pub(super) fn parse_yes_no(text: &str, default: bool) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" => Ok(default),
        "true" | "1" | "yes" | "y" => Ok(true),
        "false" | "0" | "no" | "n" => Ok(false),
        _ => {
            Err(format!("“{}” is not true or false; write true, false, yes, no, 1 or 0", cut(text)))
        }
    }
}

/// Writes records as CSV text.
pub(super) struct CsvOut(csv::Writer<Vec<u8>>);

impl CsvOut {
    pub fn new(header: &[&str]) -> Result<CsvOut, ApiError> {
        let mut out = CsvOut(csv::Writer::from_writer(Vec::new()));
        out.row(header)?;
        Ok(out)
    }

    pub fn row<I, T>(&mut self, fields: I) -> Result<(), ApiError>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.0.write_record(fields).map_err(|e| ApiError::storage(format!("cannot write CSV: {e}")))
    }

    pub fn finish(self) -> Result<String, ApiError> {
        let bytes = self
            .0
            .into_inner()
            .map_err(|e| ApiError::storage(format!("cannot write CSV: {}", e.error())))?;
        String::from_utf8(bytes).map_err(|e| ApiError::storage(format!("cannot write CSV: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_exactly() {
        assert_eq!(parse_cents("12.99"), Ok(1299));
        assert_eq!(parse_cents("12.9"), Ok(1290));
        assert_eq!(parse_cents("12"), Ok(1200));
        assert_eq!(parse_cents(".5"), Ok(50));
        assert_eq!(parse_cents("$ 3.05"), Ok(305));
        assert_eq!(parse_cents("0.10"), Ok(10));
        for bad in ["12,99", "1.999", "abc", ".", "", "1.2.3", "99999999999999999999"] {
            assert!(parse_cents(bad).is_err(), "{bad}");
        }
        assert!(parse_cents("-1").unwrap_err().contains("negative"));
        for cents in [0, 5, 99, 100, 1299, 123_456] {
            assert_eq!(parse_cents(&format_cents(cents)), Ok(cents));
        }
    }

    #[test]
    fn yes_and_no_have_many_spellings() {
        assert_eq!(parse_yes_no("", true), Ok(true));
        assert_eq!(parse_yes_no("No", true), Ok(false));
        assert_eq!(parse_yes_no("1", false), Ok(true));
        assert!(parse_yes_no("maybe", true).is_err());
    }

    #[test]
    fn headers_match_loosely_and_lines_count_from_the_header() {
        let mut errors = Errors::default();
        let text = "\u{feff}SKU, Unit Weight ,notes\nA,1 kg,x\n,,\n\"B\nC\",2\nD,3,4,5\n";
        let sheet = Sheet::read(text, "test", &["sku", "unit_weight"], &["sku"], &mut errors);
        assert!(sheet.header_ok);
        assert_eq!(sheet.column("unit_weight").as_deref(), Some("Unit Weight"));
        let lines: Vec<u64> = sheet.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 4], "the blank row is skipped; a quoted value spans lines 4-5");
        assert_eq!(sheet.get(&sheet.rows[1], "unit_weight"), "2");
        assert_eq!(sheet.records, 3);
        let errors = errors.into_sorted();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].line, 6, "the row with too many values");
    }

    #[test]
    fn semicolons_or_tabs_separate_values_when_the_header_has_no_comma() {
        for text in ["sku;name\nA;Apple, red\n", "sku\tname\nA\tApple, red\n"] {
            let mut errors = Errors::default();
            let sheet = Sheet::read(text, "test", &["sku", "name"], &["sku"], &mut errors);
            assert!(errors.is_empty(), "{errors:?}");
            assert_eq!(sheet.get(&sheet.rows[0], "name"), "Apple, red");
        }
    }

    #[test]
    fn long_values_are_cut_between_characters() {
        assert_eq!(cut("MUG-1"), "MUG-1");
        let long = "é".repeat(MAX_SHOWN_CHARS + 1);
        assert_eq!(cut(&long), format!("{}…", "é".repeat(MAX_SHOWN_CHARS)));
        assert_eq!(cut(&long[2..]), long[2..], "exactly the limit is whole");
    }

    #[test]
    fn lines_end_with_lf_crlf_or_cr() {
        assert_eq!(line_breaks(b"a\nb\r\nc\rd\r"), 4);
        assert_eq!(line_breaks(b"\r\n\r\n"), 2);
        assert_eq!(line_breaks(b"no break"), 0);
    }

    #[test]
    fn a_quote_is_open_only_when_it_starts_a_value_and_is_never_closed() {
        assert_eq!(unclosed_quote(b"a,\"b\nc", b','), Some((2, 1)));
        assert_eq!(unclosed_quote(b"a,\"b\"\"\n", b','), Some((2, 1)), "a doubled quote");
        assert_eq!(unclosed_quote(b"a,\"b\",\"c", b','), Some((6, 2)));
        assert_eq!(unclosed_quote(b"a,\"b\"\"c\"", b','), None);
        assert_eq!(unclosed_quote(b"a,b\"c\n\"", b','), None, "mid-value quotes are text");
        assert_eq!(unclosed_quote(b"a;\"b", b';'), Some((2, 1)));
    }

    #[test]
    fn a_missing_required_column_is_reported_on_line_one() {
        let mut errors = Errors::default();
        let sheet = Sheet::read("name\nx\n", "test", &["sku", "name"], &["sku"], &mut errors);
        assert!(!sheet.header_ok);
        let errors = errors.into_sorted();
        assert_eq!(errors[0].line, 1);
        assert_eq!(errors[0].column.as_deref(), Some("sku"));
    }
}
