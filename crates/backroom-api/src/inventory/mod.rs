//! What the warehouse holds and where: products and their pictures, the layout of bins and
//! areas, and the stock ledger that every change of stock goes through.

pub mod catalog;
pub mod images;
pub mod stock;
pub mod warehouse;
