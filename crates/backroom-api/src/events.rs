//! Events a committed command announces to every open screen (Tauri events and server-sent
//! events carry the same JSON).

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// Stock of these SKUs changed: on-hand, reserved or available may differ now.
    StockChanged { skus: Vec<String> },
    /// An order changed status.
    OrderChanged { number: String, status: String },
    /// Products, the layout, operators or stations changed.
    DataChanged { what: String },
}
