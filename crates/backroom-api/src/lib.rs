//! Backroom's one command surface and its storage.
//!
//! Every operation a screen, a script or another workstation can perform is a typed command in
//! [`commands::COMMANDS`], run through [`App::call`] inside one SQLite transaction. This crate
//! knows nothing of Tauri or HTTP: the shell and the server only carry JSON to `App::call` and
//! back, and forward [`Event`]s.

pub mod allocation;
pub mod app;
pub mod catalog;
pub mod commands;
pub mod counts;
pub mod dashboard;
pub mod db;
pub mod demo;
pub mod error;
pub mod events;
pub mod fill_rates;
pub mod holds;
pub mod images;
pub mod inbound;
pub mod labels;
pub mod manifest;
pub mod orders;
pub mod packing;
pub mod people;
pub mod pick_lists;
pub mod picking;
pub mod planning;
pub mod printing;
pub mod retries;
pub mod returns;
pub mod scale_port;
pub mod scales;
pub mod settings;
pub mod setup;
pub mod shipping;
pub mod slip;
pub mod stations;
pub mod stock;
pub mod system;
mod time;
pub mod transfer;
pub mod warehouse;

pub use app::{App, Caller};
pub use error::{ApiError, ErrorCode};
pub use events::{Changed, Event};
