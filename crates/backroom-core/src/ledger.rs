//! The stock ledger's rules. Stock changes only by movements; a movement takes a quantity out of
//! one location, into another, or both. On-hand is the sum of what came in minus what went out.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Why stock moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum MovementKind {
    /// Goods arrive from a supplier into a location.
    Receipt,
    /// Goods move between two locations.
    Transfer,
    /// A picker takes goods out of a bin for an order, into a tote or the packing area.
    Pick,
    /// A correction, in or out, with a reason code.
    Adjustment,
    /// The difference a cycle count found, in or out.
    Count,
    /// A customer's return arrives into a location.
    Return,
    /// Goods are destroyed and leave the building.
    Scrap,
    /// A packed order leaves the building.
    Ship,
}

/// Which ends a movement of some kind must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ends {
    /// Only a destination.
    In,
    /// Only a source.
    Out,
    /// Both a source and a destination.
    Both,
    /// Exactly one of them: in or out.
    Either,
}

impl MovementKind {
    pub const ALL: [MovementKind; 8] = [
        MovementKind::Receipt,
        MovementKind::Transfer,
        MovementKind::Pick,
        MovementKind::Adjustment,
        MovementKind::Count,
        MovementKind::Return,
        MovementKind::Scrap,
        MovementKind::Ship,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MovementKind::Receipt => "receipt",
            MovementKind::Transfer => "transfer",
            MovementKind::Pick => "pick",
            MovementKind::Adjustment => "adjustment",
            MovementKind::Count => "count",
            MovementKind::Return => "return",
            MovementKind::Scrap => "scrap",
            MovementKind::Ship => "ship",
        }
    }

    pub fn parse(text: &str) -> Option<MovementKind> {
        MovementKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn ends(self) -> Ends {
        match self {
            MovementKind::Receipt | MovementKind::Return => Ends::In,
            MovementKind::Scrap | MovementKind::Ship => Ends::Out,
            MovementKind::Transfer | MovementKind::Pick => Ends::Both,
            MovementKind::Adjustment | MovementKind::Count => Ends::Either,
        }
    }

    /// Checks that a movement names the locations its kind needs, and no others.
    pub fn check_ends(self, from: bool, to: bool) -> Result<(), &'static str> {
        match (self.ends(), from, to) {
            (Ends::In, false, true)
            | (Ends::Out, true, false)
            | (Ends::Both, true, true)
            | (Ends::Either, true, false)
            | (Ends::Either, false, true) => Ok(()),
            (Ends::In, _, _) => Err("needs a destination location and no source"),
            (Ends::Out, _, _) => Err("needs a source location and no destination"),
            (Ends::Both, _, _) => Err("needs both a source and a destination location"),
            (Ends::Either, _, _) => {
                Err("needs either a source (stock out) or a destination (stock in), not both")
            }
        }
    }
}

/// One thing wrong in the ledger, found by `db check`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Violation {
    /// The cached on-hand differs from the sum of the movements.
    OnHandMismatch { sku: String, location: String, cached: i64, from_movements: i64 },
    /// A location holds less than nothing.
    Negative { sku: String, location: String, on_hand: i64 },
    /// More is reserved in a location than it holds.
    OverReserved { sku: String, location: String, on_hand: i64, reserved: i64 },
    /// An order has more of a product reserved, picked, shipped or cancelled than it ordered.
    OverCommitted { order: String, sku: String, ordered: i64, committed: i64 },
    /// What an order's lines say was picked or shipped differs from its pick or ship movements.
    LinesDisagree { order: String, sku: String, movement: MovementKind, lines: i64, movements: i64 },
    /// A movement carries more than one movement may (or less than one unit).
    QuantityOutOfRange { movement: i64, sku: String, qty: i64, max: i64 },
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Violation::OnHandMismatch { sku, location, cached, from_movements } => write!(
                f,
                "{sku} at {location}: on-hand says {cached} but the movements add up to {from_movements}"
            ),
            Violation::Negative { sku, location, on_hand } => {
                write!(f, "{sku} at {location}: on-hand is negative ({on_hand})")
            }
            Violation::OverReserved { sku, location, on_hand, reserved } => {
                write!(f, "{sku} at {location}: {reserved} reserved but only {on_hand} on hand")
            }
            Violation::OverCommitted { order, sku, ordered, committed } => write!(
                f,
                "order {order}, {sku}: {committed} reserved, picked, shipped or cancelled of {ordered} ordered"
            ),
            Violation::LinesDisagree { order, sku, movement, lines, movements } => write!(
                f,
                "order {order}, {sku}: the lines say {lines} {} but the {} movements add up to {movements}",
                if *movement == MovementKind::Ship { "shipped" } else { "picked" },
                movement.as_str()
            ),
            Violation::QuantityOutOfRange { movement, sku, qty, max } => write!(
                f,
                "movement {movement} of {sku} carries {qty} units; one movement carries 1 to {max}"
            ),
        }
    }
}

/// A product's stock at one location, as the check sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockFacts {
    pub sku: String,
    pub location: String,
    pub cached_on_hand: i64,
    pub movement_sum: i64,
    pub reserved: i64,
}

/// The ledger invariants over every (product, location): cached equals movements, nothing
/// negative, reservations within on-hand. Returns every violation, not just the first.
pub fn check(facts: &[StockFacts]) -> Vec<Violation> {
    let mut found = Vec::new();
    for f in facts {
        if f.cached_on_hand != f.movement_sum {
            found.push(Violation::OnHandMismatch {
                sku: f.sku.clone(),
                location: f.location.clone(),
                cached: f.cached_on_hand,
                from_movements: f.movement_sum,
            });
        }
        if f.movement_sum < 0 {
            found.push(Violation::Negative {
                sku: f.sku.clone(),
                location: f.location.clone(),
                on_hand: f.movement_sum,
            });
        }
        if f.reserved > f.movement_sum.max(0) {
            found.push(Violation::OverReserved {
                sku: f.sku.clone(),
                location: f.location.clone(),
                on_hand: f.movement_sum,
                reserved: f.reserved,
            });
        }
    }
    found
}

/// One product of one order, as the check sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderFacts {
    pub order: String,
    pub sku: String,
    pub ordered: i64,
    pub reserved: i64,
    /// Picked and not yet shipped, by the lines.
    pub picked: i64,
    pub shipped: i64,
    pub cancelled: i64,
    /// Sum of the order's pick movements of this product.
    pub pick_movements: i64,
    /// Sum of the order's ship movements of this product.
    pub ship_movements: i64,
}

/// The order invariants: nothing promised twice (an order never holds more than it ordered) and
/// every pick and shipment the lines count is a movement in the ledger.
pub fn check_orders(facts: &[OrderFacts]) -> Vec<Violation> {
    let mut found = Vec::new();
    for f in facts {
        // Saturating: the facts of a damaged ledger may sit at i64's ends, and must still be reported.
        let committed = f
            .reserved
            .saturating_add(f.picked)
            .saturating_add(f.shipped)
            .saturating_add(f.cancelled);
        if committed > f.ordered {
            found.push(Violation::OverCommitted {
                order: f.order.clone(),
                sku: f.sku.clone(),
                ordered: f.ordered,
                committed,
            });
        }
        // Every shipped unit was picked first, so picks cover both.
        for (movement, lines, movements) in [
            (MovementKind::Pick, f.picked.saturating_add(f.shipped), f.pick_movements),
            (MovementKind::Ship, f.shipped, f.ship_movements),
        ] {
            if lines != movements {
                found.push(Violation::LinesDisagree {
                    order: f.order.clone(),
                    sku: f.sku.clone(),
                    movement,
                    lines,
                    movements,
                });
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_that_hold_more_than_they_ordered_or_miss_movements_are_reported() {
        let clean = OrderFacts {
            order: "#1001".into(),
            sku: "MUG-1".into(),
            ordered: 5,
            reserved: 1,
            picked: 2,
            shipped: 1,
            cancelled: 1,
            pick_movements: 3,
            ship_movements: 1,
        };
        assert!(check_orders(std::slice::from_ref(&clean)).is_empty());
        let twice = OrderFacts { reserved: 2, ..clean.clone() };
        assert!(matches!(
            check_orders(&[twice])[..],
            [Violation::OverCommitted { ordered: 5, committed: 6, .. }]
        ));
        let lost = OrderFacts { pick_movements: 2, ..clean };
        assert!(matches!(
            check_orders(&[lost])[..],
            [Violation::LinesDisagree { movement: MovementKind::Pick, lines: 3, movements: 2, .. }]
        ));
    }

    fn facts(cached: i64, sum: i64, reserved: i64) -> StockFacts {
        StockFacts {
            sku: "SKU-1".into(),
            location: "A01-1-01-L".into(),
            cached_on_hand: cached,
            movement_sum: sum,
            reserved,
        }
    }

    #[test]
    fn a_clean_ledger_has_no_violations() {
        assert!(check(&[facts(5, 5, 5), facts(0, 0, 0)]).is_empty());
    }

    #[test]
    fn every_violation_is_reported() {
        let found = check(&[facts(4, 5, 0), facts(-1, -1, 0), facts(3, 3, 4)]);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(matches!(found[0], Violation::OnHandMismatch { cached: 4, from_movements: 5, .. }));
        assert!(matches!(found[1], Violation::Negative { on_hand: -1, .. }));
        assert!(matches!(found[2], Violation::OverReserved { on_hand: 3, reserved: 4, .. }));
    }

    #[test]
    fn movement_kinds_need_their_ends() {
        assert!(MovementKind::Receipt.check_ends(false, true).is_ok());
        assert!(MovementKind::Receipt.check_ends(true, true).is_err());
        assert!(MovementKind::Transfer.check_ends(true, false).is_err());
        assert!(MovementKind::Adjustment.check_ends(true, false).is_ok());
        assert!(MovementKind::Adjustment.check_ends(true, true).is_err());
        assert!(MovementKind::Ship.check_ends(true, false).is_ok());
    }
}
