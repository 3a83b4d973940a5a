//! What a manager reads: the dashboard, fill rates, stock planning and the carriers' manifests.

pub mod dashboard;
pub mod fill_rates;
pub mod manifest;
pub mod planning;
