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
    /// The action clashes with the current state (a duplicate, a move the lifecycle forbids,
    /// not enough stock).
    Conflict,
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
            ErrorCode::NotSignedIn | ErrorCode::Forbidden => 403,
            ErrorCode::NotFound | ErrorCode::UnknownCommand => 404,
            ErrorCode::Conflict => 409,
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

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> ApiError {
        // A CHECK on stock is how SQLite tells us a movement would take a bin below zero.
        let text = e.to_string();
        if text.contains("on_hand >= 0") {
            return ApiError::conflict(
                "not enough stock at that location for this movement; count the bin or pick from another",
            );
        }
        if text.contains("UNIQUE constraint failed") {
            return ApiError::conflict(format!("that already exists ({text})"));
        }
        ApiError::storage(format!("database error: {text}"))
    }
}
