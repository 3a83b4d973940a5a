//! Events a committed command announces to every open screen (Tauri events and server-sent
//! events carry the same JSON).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::devices::scale_port::ScaleStatus;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// Stock of these SKUs changed: on-hand, reserved or available may differ now.
    StockChanged { skus: Vec<String> },
    /// An order changed status.
    OrderChanged { number: String, status: backroom_core::order::OrderStatus },
    /// Products, the layout, operators, stations or other records changed.
    DataChanged { what: Changed },
    /// What a station's scale shows now; sent by the station's scale monitor, not by a command.
    Scale { station: String, status: ScaleStatus },
}

/// What a `data_changed` event says changed, so a screen reloads only when what it shows did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Changed {
    /// Anything may have changed (a restore, or events that were missed): reload everything.
    All,
    Boxes,
    Counts,
    ExpectedReceipts,
    Layout,
    Locations,
    Manifests,
    Operators,
    Orders,
    PickLists,
    ProductImages,
    Products,
    Returns,
    Settings,
    Stations,
    Weighings,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Screens, the desktop shell and stations on other computers match these names: a renamed
    /// variant must not rename what goes over the wire.
    #[test]
    fn what_changed_keeps_its_names_on_the_wire() {
        let names = [
            (Changed::All, "all"),
            (Changed::Boxes, "boxes"),
            (Changed::Counts, "counts"),
            (Changed::ExpectedReceipts, "expected_receipts"),
            (Changed::Layout, "layout"),
            (Changed::Locations, "locations"),
            (Changed::Manifests, "manifests"),
            (Changed::Operators, "operators"),
            (Changed::Orders, "orders"),
            (Changed::PickLists, "pick_lists"),
            (Changed::ProductImages, "product_images"),
            (Changed::Products, "products"),
            (Changed::Returns, "returns"),
            (Changed::Settings, "settings"),
            (Changed::Stations, "stations"),
            (Changed::Weighings, "weighings"),
        ];
        for (what, name) in names {
            let event = serde_json::to_string(&Event::DataChanged { what }).unwrap();
            assert_eq!(event, format!(r#"{{"type":"data_changed","what":"{name}"}}"#));
        }
    }
}
