//! Backroom's warehouse domain.
//!
//! Everything here is pure: no database, no port, no file and no clock. Callers pass the current
//! time in where a rule needs it. Storage, devices and transports live in `backroom-api` and above.

pub mod address;
pub mod allocation;
pub mod audit;
pub mod barcode;
pub mod batching;
pub mod code128;
pub mod fill_rate;
pub mod labels;
pub mod layout;
pub mod ledger;
pub mod limits;
pub mod money;
pub mod order;
pub mod people;
pub mod planning;
pub mod routing;
pub mod scale;
pub mod screening;
pub mod slip;
pub mod weight;
