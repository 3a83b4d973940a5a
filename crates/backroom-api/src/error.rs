//! Errors the UI can act on: a code it switches on and a message for people that says what to do.

use serde::Serialize;
use ts_rs::TS;

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
    /// Classifies a database error by its code and the constraint or bound it names; anything
    /// else is a storage error whose details stay in the log, not on a screen.
    fn from(e: rusqlite::Error) -> ApiError {
        use rusqlite::ErrorCode as Sqlite;
        use rusqlite::ffi;
        let (code, extended, text) = match &e {
            rusqlite::Error::SqliteFailure(f, text) => {
                (Some(f.code), f.extended_code, text.clone().unwrap_or_default())
            }
            _ => (None, 0, String::new()),
        };
        match (code, extended) {
            (Some(Sqlite::ConstraintViolation), ffi::SQLITE_CONSTRAINT_CHECK)
                if text.contains("on_hand >= 0") =>
            {
                ApiError::conflict(
                    "not enough stock at that location for this movement; count the bin or pick from another",
                )
            }
            (Some(Sqlite::ConstraintViolation), ffi::SQLITE_CONSTRAINT_TRIGGER)
                if text.starts_with("bound:") =>
            {
                ApiError::invalid(bound_message(&text["bound:".len()..]))
            }
            (Some(Sqlite::ConstraintViolation), ffi::SQLITE_CONSTRAINT_UNIQUE)
            | (Some(Sqlite::ConstraintViolation), ffi::SQLITE_CONSTRAINT_PRIMARYKEY) => {
                ApiError::conflict("that already exists")
            }
            // Another process held the database for longer than the command could wait.
            (Some(Sqlite::DatabaseBusy | Sqlite::DatabaseLocked), _) => crate::db::busy(),
            _ => {
                // The details are for whoever reads the log of the server or the app.
                eprintln!("backroom: database error: {e}");
                ApiError::storage("the database could not do that; the details are in the log")
            }
        }
    }
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
        other => format!("a value is out of range ({other})"),
    }
}
