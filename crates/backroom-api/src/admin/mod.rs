//! Running the warehouse: people and stations, pairing stations on other machines, settings,
//! setting up a new warehouse, the demo, and the host's health.

pub mod demo;
pub mod people;
pub mod settings;
pub mod setup;
pub mod stations;
pub mod system;
