//! The core's integration tests: one binary, so the crate is linked for its tests once.
//!
//! `cargo test -p backroom-core --test core scale_fuzz` runs one module.

/// The HID scale decoder against recorded reports and any bytes at all.
mod hid_reports;
/// The public pick-path instances against their proven optima.
mod pickpath_bench;
/// Every scale parser against generated, cut and damaged byte streams.
mod scale_fuzz;
