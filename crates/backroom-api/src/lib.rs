//! Backroom's one command surface and its storage.
//!
//! Every operation a screen, a script or another workstation can perform is a typed command in
//! [`commands::COMMANDS`], run through [`App::call`] inside one SQLite transaction. This crate
//! knows nothing of Tauri or HTTP: the shell and the server only carry JSON to `App::call` and
//! back, and forward [`Event`]s.

pub mod admin;
pub mod app;
pub mod commands;
pub mod context;
pub mod db;
pub mod devices;
pub mod error;
pub mod events;
pub mod floor;
pub mod inventory;
pub mod orders;
pub mod reports;
pub mod retries;
pub mod store;
pub mod table;
pub mod testing;
mod time;
pub mod transfer;

pub use app::{App, Caller};
pub use error::{ApiError, ErrorCode};
pub use events::{Changed, Event};
