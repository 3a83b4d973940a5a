//! Errors the UI can act on: a code it switches on and a message for people that says what to do.

use serde::Serialize;
use ts_rs::TS;

use crate::store;

/// What kind of failure happened. The HTTP server maps each to a status; the UI switches on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request could not be read (malformed JSON, wrong field types).
    BadRequest,
    /// The request was read but a value in it is not acceptable.
    Invalid,
    /// No operator is signed in at this station.
    NotSignedIn,
    /// The operator's role may not do this.
    Forbidden,
    /// The thing named does not exist.
    NotFound,
    /// The command name is unknown.
    UnknownCommand,
    /// The HTTP method is not one the route answers; the `Allow` header lists those it does.
    MethodNotAllowed,
    /// A command's request was not sent as `Content-Type: application/json`.
    UnsupportedMediaType,
    /// The request named a host the HTTP server does not answer to (a name rebound to this
    /// machine, or one it was not started with `--allow-host`).
    ForeignHost,
    /// The request came from a page of another origin, or another site started it.
    CrossOrigin,
    /// The action clashes with the current state (a duplicate, a move the lifecycle forbids,
    /// not enough stock).
    Conflict,
    /// Too many wrong badges or PINs from this station or address; wait, or ask a manager.
    LockedOut,
    /// This operator must give a PIN as well as the badge (a manager, when the store asks it).
    PinNeeded,
    /// The station key sent is not known, was revoked or is forged: the station must be
    /// paired with the host again.
    NotPaired,
    /// Backroom was busy with other stations' writes for longer than a command may wait;
    /// nothing was saved, and the same request may be sent again.
    Busy,
    /// The database was written by a newer Backroom.
    SchemaTooNew,
    /// The database could not be read or written.
    Storage,
}

impl ErrorCode {
    /// The HTTP status for this code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::BadRequest | ErrorCode::Invalid => 400,
            // Both a missing and a wrong role are 403; the code tells the UI which to show
            // (the sign-in screen, or "ask a manager").
            ErrorCode::NotSignedIn | ErrorCode::Forbidden | ErrorCode::CrossOrigin => 403,
            ErrorCode::NotFound | ErrorCode::UnknownCommand => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::ForeignHost => 421,
            ErrorCode::Conflict => 409,
            ErrorCode::LockedOut => 429,
            ErrorCode::PinNeeded | ErrorCode::NotPaired => 401,
            ErrorCode::Busy => 503,
            ErrorCode::SchemaTooNew | ErrorCode::Storage => 500,
        }
    }
}

/// An error from a command: `{code, message}` on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError { code, message: message.into() }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::BadRequest, message)
    }

    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::Invalid, message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::NotFound, message)
    }

    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::Conflict, message)
    }

    pub fn storage(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::Storage, message)
    }

    /// What a command hears when the writer stayed taken for longer than it may wait, or the
    /// database file is held by another program.
    pub fn busy() -> ApiError {
        ApiError::new(
            ErrorCode::Busy,
            "Backroom is busy with other stations' work and nothing was saved; try again in a moment",
        )
    }

    pub fn schema_too_new(found: u32, known: u32) -> ApiError {
        ApiError::new(
            ErrorCode::SchemaTooNew,
            format!(
                "this database has schema version {found}, newer than this Backroom understands \
                 ({known}); update Backroom, or open a different database with --db"
            ),
        )
    }
}

impl From<backroom_core::limits::OutOfRange> for ApiError {
    fn from(e: backroom_core::limits::OutOfRange) -> ApiError {
        ApiError::invalid(e.to_string())
    }
}

impl From<backroom_core::limits::TooLong> for ApiError {
    fn from(e: backroom_core::limits::TooLong) -> ApiError {
        ApiError::invalid(e.to_string())
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> ApiError {
        ApiError::from(store::Error::from(e))
    }
}

impl From<postgres::Error> for ApiError {
    fn from(e: postgres::Error) -> ApiError {
        ApiError::from(store::Error::from(e))
    }
}

impl From<store::Error> for ApiError {
    /// A database error told in words: classified by the engine's error code and the constraint
    /// it names (see [`Refusal`]). What the database said (SQL, tables, columns) goes to the log
    /// under a short reference, and the reply carries only the words and the reference, so a
    /// manager can find the details.
    fn from(e: store::Error) -> ApiError {
        let refusal = Refusal::of(&e);
        if refusal == Refusal::Busy {
            // Another process held the database for longer than the command could wait.
            return ApiError::busy();
        }
        let reference = reference();
        eprintln!("backroom: database error {reference}: {e}");
        let (code, words) = refusal.said();
        ApiError::new(code, format!("{words} (reference {reference})"))
    }
}

/// What the database refused, read from its error code and the name of the constraint (for
/// the stock's CHECK, its expression; for UNIQUE, its `table.column`; for a trigger, the
/// message it raised). PostgreSQL's schema names its constraints as SQLite reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Refusal {
    /// The stock cache's CHECK: a bin would hold less than nothing.
    NegativeStock,
    /// A bound trigger of migration 0008 (`RAISE(ABORT, 'bound:<what>')`).
    OutOfBounds(String),
    /// The ledger's triggers: a movement is never changed or deleted.
    MovementRewritten,
    /// Another trigger's refusal.
    Trigger,
    /// A UNIQUE or PRIMARY KEY constraint, by the columns it names.
    Duplicate(String),
    /// A row refers to one that does not exist (or would be left referring to nothing).
    MissingReference,
    /// A CHECK other than the stock's, or a NOT NULL: a value the schema does not allow.
    NotAllowed,
    /// The file was held by another connection for longer than the busy timeout.
    Busy,
    /// Anything else: a storage failure.
    Other,
}

impl Refusal {
    fn of(e: &store::Error) -> Refusal {
        match e {
            store::Error::Sqlite(e) => Refusal::of_sqlite(e),
            store::Error::Postgres(e) => Refusal::of_postgres(e),
            store::Error::QueryReturnedNoRows | store::Error::Conversion(_) => Refusal::Other,
        }
    }

    fn of_postgres(e: &postgres::Error) -> Refusal {
        use postgres::error::SqlState;
        let Some(e) = e.as_db_error() else { return Refusal::Other };
        let named = e.constraint().unwrap_or_default();
        match e.code() {
            c if *c == SqlState::CHECK_VIOLATION && named == "on_hand >= 0" => {
                Refusal::NegativeStock
            }
            c if *c == SqlState::CHECK_VIOLATION || *c == SqlState::NOT_NULL_VIOLATION => {
                Refusal::NotAllowed
            }
            c if *c == SqlState::INTEGRITY_CONSTRAINT_VIOLATION => Refusal::raised(e.message()),
            c if *c == SqlState::UNIQUE_VIOLATION => Refusal::Duplicate(named.to_owned()),
            c if *c == SqlState::FOREIGN_KEY_VIOLATION => Refusal::MissingReference,
            // The writer's lock not had in time, or the server giving one of two up.
            c if *c == SqlState::LOCK_NOT_AVAILABLE
                || *c == SqlState::T_R_DEADLOCK_DETECTED
                || *c == SqlState::T_R_SERIALIZATION_FAILURE =>
            {
                Refusal::Busy
            }
            _ => Refusal::Other,
        }
    }

    /// A trigger's refusal, by the message it raised.
    fn raised(message: &str) -> Refusal {
        match message.strip_prefix("bound:") {
            Some(bound) => Refusal::OutOfBounds(bound.to_owned()),
            None if message.starts_with("movements are never") => Refusal::MovementRewritten,
            None => Refusal::Trigger,
        }
    }

    fn of_sqlite(e: &rusqlite::Error) -> Refusal {
        use rusqlite::ffi;
        let rusqlite::Error::SqliteFailure(failure, text) = e else { return Refusal::Other };
        // BUSY and LOCKED in any of their extended forms (a snapshot, recovery, a shared cache).
        if matches!(failure.code, ffi::ErrorCode::DatabaseBusy | ffi::ErrorCode::DatabaseLocked) {
            return Refusal::Busy;
        }
        let named = text.as_deref().map(constraint_named).unwrap_or_default();
        match failure.extended_code {
            ffi::SQLITE_CONSTRAINT_CHECK if named == "on_hand >= 0" => Refusal::NegativeStock,
            ffi::SQLITE_CONSTRAINT_CHECK | ffi::SQLITE_CONSTRAINT_NOTNULL => Refusal::NotAllowed,
            ffi::SQLITE_CONSTRAINT_TRIGGER => Refusal::raised(named),
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                Refusal::Duplicate(named.to_owned())
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => Refusal::MissingReference,
            _ => Refusal::Other,
        }
    }

    /// The code and the words for the person who asked.
    fn said(&self) -> (ErrorCode, String) {
        match self {
            Refusal::NegativeStock => (
                ErrorCode::Conflict,
                "not enough stock at that location for this movement; count the bin or pick from \
                 another"
                    .to_owned(),
            ),
            Refusal::OutOfBounds(bound) => (ErrorCode::Invalid, bound_message(bound)),
            Refusal::MovementRewritten => (
                ErrorCode::Conflict,
                "a recorded stock movement is never changed; record a correcting movement instead"
                    .to_owned(),
            ),
            Refusal::Trigger => {
                (ErrorCode::Conflict, "that change is not allowed in this state".to_owned())
            }
            Refusal::Duplicate(columns) => (ErrorCode::Conflict, duplicate_message(columns)),
            Refusal::MissingReference => (
                ErrorCode::Conflict,
                "something this refers to does not exist, or something else still refers to it"
                    .to_owned(),
            ),
            Refusal::NotAllowed => {
                (ErrorCode::Invalid, "a value given is not one Backroom can keep".to_owned())
            }
            Refusal::Busy => (ErrorCode::Busy, ApiError::busy().message),
            Refusal::Other => (
                ErrorCode::Storage,
                "the database could not do that; a manager can find the details in the log"
                    .to_owned(),
            ),
        }
    }
}

/// The constraint SQLite names in its message: what follows "constraint failed: " for a
/// constraint (`products.sku`, `on_hand >= 0`), or a trigger's whole RAISE message.
fn constraint_named(text: &str) -> &str {
    text.split_once("constraint failed: ").map_or(text, |(_, name)| name)
}

/// A short reference that ties a reply to its line in the log.
fn reference() -> String {
    format!("DB-{:06X}", rand::random::<u32>() & 0xFF_FFFF)
}

/// What a duplicate clashes with, in words, by the columns its constraint names.
fn duplicate_message(columns: &str) -> String {
    let what = match columns {
        "products.sku" => "a product with that SKU",
        "barcodes.code" => "a product with that barcode",
        "locations.code" => "a location with that code",
        "operators.badge" => "an operator with that badge",
        "stations.name" => "a station with that name",
        "orders.number" => "an order with that number",
        "order_lines.order_id, order_lines.line_no" => "a line with that number on this order",
        "expected_receipts.reference, expected_receipts.product_id" => {
            "that product on this expected receipt"
        }
        "boxes.code" => "a box with that code",
        "product_aliases.alias" => "a product with that alias",
        "import_mappings.name" => "a column mapping with that name",
        "manifest_packages.weighing_id" => "that package on a manifest",
        _ => "that",
    };
    format!("{what} already exists")
}

/// What a bound refused, in words.
fn bound_message(bound: &str) -> String {
    use backroom_core::limits;
    match bound {
        "movement_qty" | "reservation_qty" | "expected_qty" => {
            format!("a quantity must be {}", limits::QTY)
        }
        "on_hand" => format!("a location may hold at most {} units of a product", limits::ON_HAND),
        "order_line" => format!(
            "an order line's quantity must be {}, and it cannot pick, ship or cancel more than it ordered",
            limits::QTY
        ),
        "counted" => format!("a count must be {}", limits::COUNTED),
        "product" => "a product's price, weight or size is out of range".to_owned(),
        "weighing" => format!("a weight must be {}", limits::WEIGHT_G),
        _ => "a value is out of range".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::store::Access;
    use crate::testing::TestDatabase;

    /// A new database (on the engine of this test run) holding one product (id 1) and two
    /// places (ids 1 and 2), no stock.
    fn database() -> (tempfile::TempDir, TestDatabase) {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDatabase::new(dir.path());
        db.execute_batch(
            "INSERT INTO products (sku, name) VALUES ('MUG-1', 'Blue mug');
             INSERT INTO locations (code, kind) VALUES ('RECEIVING', 'receiving');
             INSERT INTO locations (code, kind) VALUES ('PACKING', 'packing');",
        )
        .unwrap();
        (dir, db)
    }

    fn refused(db: &TestDatabase, sql: &str) -> ApiError {
        ApiError::from(db.execute_batch(sql).unwrap_err())
    }

    const MOVE: &str = "INSERT INTO movements (kind, product_id, qty, from_location_id,
                        to_location_id, at) VALUES";

    /// Words for a person: the reference, and nothing of the schema or of SQL.
    fn assert_plain(e: &ApiError) {
        assert!(e.message.contains("(reference DB-"), "{}", e.message);
        for internal in ["constraint", "products", "movements", "on_hand", "bound:", "SQL"] {
            assert!(!e.message.contains(internal), "{internal} in {}", e.message);
        }
    }

    #[test]
    fn a_duplicate_is_named_by_its_column() {
        let (_dir, db) = database();
        let e = refused(&db, "INSERT INTO products (sku, name) VALUES ('MUG-1', 'Again')");
        assert_eq!(e.code, ErrorCode::Conflict);
        assert!(e.message.starts_with("a product with that SKU already exists"), "{}", e.message);
        assert_plain(&e);
        let e = refused(&db, "INSERT INTO locations (code, kind) VALUES ('PACKING', 'packing')");
        assert!(e.message.starts_with("a location with that code already exists"));
    }

    #[test]
    fn a_bin_going_below_zero_is_not_enough_stock() {
        let (_dir, db) = database();
        let e = refused(&db, &format!("{MOVE} ('transfer', 1, 3, 1, 2, '2026-11-23T10:00:00Z')"));
        assert_eq!(e.code, ErrorCode::Conflict);
        assert!(e.message.starts_with("not enough stock at that location"), "{}", e.message);
        assert_plain(&e);
    }

    #[test]
    fn a_bound_trigger_says_the_range() {
        let (_dir, db) = database();
        let huge = i64::MAX;
        let e = refused(
            &db,
            &format!("{MOVE} ('receipt', 1, {huge}, NULL, 1, '2026-11-23T10:00:00Z')"),
        );
        assert_eq!(e.code, ErrorCode::Invalid);
        assert!(e.message.starts_with("a quantity must be"), "{}", e.message);
        assert_plain(&e);
    }

    #[test]
    fn a_movement_is_never_rewritten() {
        let (_dir, db) = database();
        db.execute_batch(&format!("{MOVE} ('receipt', 1, 5, NULL, 1, '2026-11-23T10:00:00Z')"))
            .unwrap();
        let e = refused(&db, "UPDATE movements SET qty = 50");
        assert_eq!(e.code, ErrorCode::Conflict);
        assert!(e.message.contains("correcting movement"), "{}", e.message);
        assert_plain(&e);
    }

    #[test]
    fn a_missing_reference_is_a_conflict() {
        let (_dir, db) = database();
        let e =
            refused(&db, &format!("{MOVE} ('receipt', 99, 5, NULL, 1, '2026-11-23T10:00:00Z')"));
        assert_eq!(e.code, ErrorCode::Conflict);
        assert!(e.message.starts_with("something this refers to does not exist"), "{}", e.message);
        assert_plain(&e);
    }

    #[test]
    fn a_value_the_schema_forbids_is_invalid() {
        let (_dir, db) = database();
        let e = refused(&db, "INSERT INTO operators (name, role) VALUES ('Sam', 'boss')");
        assert_eq!(e.code, ErrorCode::Invalid);
        assert!(!e.message.contains("role"), "{}", e.message);
        assert_plain(&e);
        let e = refused(&db, "INSERT INTO products (sku) VALUES ('NO-NAME')");
        assert_eq!(e.code, ErrorCode::Invalid);
    }

    #[test]
    fn a_database_held_elsewhere_is_busy() {
        let (_dir, db) = database();
        let (mut holder, mut other) = (db.connect(), db.connect());
        let _held = holder.begin(Access::Write, Duration::from_secs(1)).unwrap();
        let Err(e) = other.begin(Access::Write, Duration::from_millis(10)) else {
            panic!("two writers at once")
        };
        let e = ApiError::from(e);
        assert_eq!(e.code, ErrorCode::Busy);
        assert!(!e.message.contains("reference"), "{}", e.message);
    }

    #[test]
    fn anything_else_is_storage_with_a_reference_and_no_sql() {
        let (_dir, db) = database();
        let e = refused(&db, "SELECT nothing FROM nowhere");
        assert_eq!(e.code, ErrorCode::Storage);
        assert!(!e.message.contains("nowhere"), "{}", e.message);
        assert_plain(&e);
        let e = ApiError::from(store::Error::QueryReturnedNoRows);
        assert_eq!(e.code, ErrorCode::Storage);
    }
}
