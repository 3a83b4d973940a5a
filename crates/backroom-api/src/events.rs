//! Events a committed command announces to every open screen (Tauri events and server-sent
//! events carry the same JSON).

use serde::Serialize;
use ts_rs::TS;

use crate::scale_port::ScaleStatus;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// Stock of these SKUs changed: on-hand, reserved or available may differ now.
    StockChanged { skus: Vec<String> },
    /// An order changed status.
    OrderChanged { number: String, status: backroom_core::order::OrderStatus },
    /// Products, the layout, operators or stations changed.
    DataChanged { what: String },
    /// What a station's scale shows now; sent by the station's scale monitor, not by a command.
    Scale { station: String, status: ScaleStatus },
}
