//! The API's integration tests: one binary, so the crate is linked for its tests once. Each
//! module is one area, run through the command list against a real database: a SQLite file,
//! or with `BACKROOM_TEST_PG` set, a database on that PostgreSQL server (see
//! `backroom_api::testing`).
//!
//! `cargo test -p backroom-api --test api transfer` runs one area. After changing a type the
//! UI sees, `BACKROOM_BLESS=1 cargo test -p backroom-api --test api typescript` rewrites the
//! generated TypeScript.

/// A new database, and commands run as the manager or an operator at a station.
mod common;

/// The demo warehouse, the same on every load.
mod demo;
/// Orders from entry to shipment: holds, allocation, picking, short picks.
mod fulfilment;
/// Several hosts on one PostgreSQL database: what one commits, the others' screens hear.
mod hosts;
/// The end-of-day manifest, its PDF and CSV.
mod manifest;
/// The weight audit at the packing bench.
mod packing;
/// Orders batched onto carts and picked in walking order.
mod pick_lists;
/// The real shop exports in the shared folder, when this machine has them.
mod realdata;
/// The manager's reports: fill rates, stock levels, plans.
mod reports;
/// The serial transport against the scale simulator on a pseudo-terminal.
mod scale_sim;
/// Product search by any part of an SKU or name.
mod search;
/// Orders from WooCommerce and other shops through a column mapping.
mod shop_orders;
/// Packing slips, read back as a person or a scanner reads them.
mod slip;
/// Receiving, put-away and moves inside the building.
mod stock_flow;
/// CSV import and export.
mod transfer;
/// The generated TypeScript is current.
mod typescript;
