//! Allocation: promising stock in bins to order lines.
//!
//! Orders are served strictly in priority order ([`Priority`]): a manual priority first, then
//! the earliest ship-by date, then the oldest order. Each line takes its quantity from bins by
//! one rule ([`choose_bins`]): a single bin that holds it all, nearest the depot; failing that,
//! the fullest bins first, so the picker visits as few bins as possible. What no bin can give is
//! the line's back order. An order's back-order policy decides what happens next.

use std::cmp::Ordering;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What to do with an order that cannot be reserved in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BackorderPolicy {
    /// Pick and ship what is there; the rest follows when it arrives.
    #[default]
    ShipAvailable,
    /// Wait until everything is reserved, then pick it all at once.
    ShipComplete,
    /// Pick and ship what is there and cancel the rest.
    CancelRest,
}

impl BackorderPolicy {
    pub const ALL: [BackorderPolicy; 3] = [
        BackorderPolicy::ShipAvailable,
        BackorderPolicy::ShipComplete,
        BackorderPolicy::CancelRest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BackorderPolicy::ShipAvailable => "ship_available",
            BackorderPolicy::ShipComplete => "ship_complete",
            BackorderPolicy::CancelRest => "cancel_rest",
        }
    }

    pub fn parse(text: &str) -> Option<BackorderPolicy> {
        BackorderPolicy::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

/// The order in which orders are served. Compare with `Ord`: the smaller is served first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Priority {
    /// A manual priority; higher is served first.
    pub manual: i64,
    /// RFC 3339 UTC, which sorts as text; `None` (no deadline) comes after every date.
    pub ship_by: Option<String>,
    pub placed_at: String,
    /// Breaks the last ties so the same orders are always served the same way.
    pub order_id: i64,
}

impl Ord for Priority {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .manual
            .cmp(&self.manual)
            .then_with(|| match (&self.ship_by, &other.ship_by) {
                (Some(a), Some(b)) => a.cmp(b),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            })
            .then_with(|| self.placed_at.cmp(&other.placed_at))
            .then_with(|| self.order_id.cmp(&other.order_id))
    }
}

impl PartialOrd for Priority {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Stock of one product in one pick bin that may still be promised.
#[derive(Debug, Clone, PartialEq)]
pub struct BinStock {
    pub location_id: i64,
    pub available: i64,
    /// Walking distance from the depot in metres.
    pub walk: f64,
}

/// Takes `qty` (or as much as there is) from `bins`, lowering their availability, and returns
/// `(location, qty)` pairs. The rule: the nearest bin that can give everything; otherwise the
/// fullest bins first, nearest first among equals.
pub fn choose_bins(bins: &mut [BinStock], qty: i64) -> Vec<(i64, i64)> {
    let mut taken = Vec::new();
    if qty <= 0 {
        return taken;
    }
    let whole = bins
        .iter_mut()
        .filter(|b| b.available >= qty)
        .min_by(|a, b| a.walk.total_cmp(&b.walk).then(a.location_id.cmp(&b.location_id)));
    if let Some(bin) = whole {
        bin.available -= qty;
        taken.push((bin.location_id, qty));
        return taken;
    }
    let mut order: Vec<usize> = (0..bins.len()).filter(|&i| bins[i].available > 0).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&bins[a], &bins[b]);
        b.available
            .cmp(&a.available)
            .then(a.walk.total_cmp(&b.walk))
            .then(a.location_id.cmp(&b.location_id))
    });
    let mut left = qty;
    for i in order {
        if left == 0 {
            break;
        }
        let take = left.min(bins[i].available);
        bins[i].available -= take;
        left -= take;
        taken.push((bins[i].location_id, take));
    }
    taken
}

/// One line still to be reserved.
#[derive(Debug, Clone, PartialEq)]
pub struct LineNeed {
    pub line_id: i64,
    pub product_id: i64,
    /// Ordered less what is already reserved, picked, shipped or cancelled.
    pub open: i64,
}

/// An order waiting for stock.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderNeed {
    pub order_id: i64,
    pub priority: Priority,
    pub policy: BackorderPolicy,
    pub lines: Vec<LineNeed>,
    /// Whether the order already holds reservations from an earlier run.
    pub holds_stock: bool,
}

/// A reservation to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reserve {
    pub line_id: i64,
    pub product_id: i64,
    pub location_id: i64,
    pub qty: i64,
}

/// What became of an order in one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub order_id: i64,
    pub reserved: Vec<Reserve>,
    /// `(line, qty)` still open after this run.
    pub short: Vec<(i64, i64)>,
    /// Whether the order may go to the floor now, by its policy.
    pub ready: bool,
    /// `(line, qty)` to cancel, under [`BackorderPolicy::CancelRest`].
    pub cancel: Vec<(i64, i64)>,
}

/// Serves `orders` in priority order from `stock` (product to its bins), which is lowered by
/// what is promised. Every order gets an outcome, in the order served.
pub fn allocate(
    mut orders: Vec<OrderNeed>,
    stock: &mut HashMap<i64, Vec<BinStock>>,
) -> Vec<Outcome> {
    orders.sort_by(|a, b| a.priority.cmp(&b.priority));
    orders.into_iter().map(|order| serve(order, stock)).collect()
}

fn serve(order: OrderNeed, stock: &mut HashMap<i64, Vec<BinStock>>) -> Outcome {
    let mut reserved = Vec::new();
    let mut short = Vec::new();
    for line in &order.lines {
        let bins = stock.get_mut(&line.product_id).map(Vec::as_mut_slice).unwrap_or_default();
        let mut got = 0;
        for (location_id, qty) in choose_bins(bins, line.open) {
            got += qty;
            reserved.push(Reserve {
                line_id: line.line_id,
                product_id: line.product_id,
                location_id,
                qty,
            });
        }
        if got < line.open {
            short.push((line.line_id, line.open - got));
        }
    }
    let has_stock = order.holds_stock || !reserved.is_empty();
    let (ready, cancel) = match order.policy {
        BackorderPolicy::ShipAvailable => (has_stock, Vec::new()),
        BackorderPolicy::ShipComplete => (short.is_empty(), Vec::new()),
        // With nothing at all in stock the order waits: cancelling a whole order is a person's
        // decision, not allocation's.
        BackorderPolicy::CancelRest if has_stock => (true, std::mem::take(&mut short)),
        BackorderPolicy::CancelRest => (false, Vec::new()),
    };
    Outcome { order_id: order.order_id, reserved, short, ready, cancel }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bin(location_id: i64, available: i64, walk: f64) -> BinStock {
        BinStock { location_id, available, walk }
    }

    fn priority(order_id: i64, manual: i64, ship_by: Option<&str>, placed_at: &str) -> Priority {
        Priority {
            manual,
            ship_by: ship_by.map(str::to_owned),
            placed_at: placed_at.to_owned(),
            order_id,
        }
    }

    fn order(order_id: i64, policy: BackorderPolicy, lines: &[(i64, i64, i64)]) -> OrderNeed {
        OrderNeed {
            order_id,
            priority: priority(order_id, 0, None, "2026-11-01T00:00:00Z"),
            policy,
            lines: lines
                .iter()
                .map(|&(line_id, product_id, open)| LineNeed { line_id, product_id, open })
                .collect(),
            holds_stock: false,
        }
    }

    #[test]
    fn one_bin_that_holds_everything_wins_and_the_nearest_of_those() {
        let mut bins = [bin(1, 10, 5.0), bin(2, 3, 1.0), bin(3, 4, 2.0)];
        assert_eq!(choose_bins(&mut bins, 4), [(3, 4)]);
        assert_eq!(bins[2].available, 0);
        assert_eq!(choose_bins(&mut bins, 2), [(2, 2)]);
    }

    #[test]
    fn without_a_whole_bin_the_fullest_go_first() {
        let mut bins = [bin(1, 2, 1.0), bin(2, 5, 9.0), bin(3, 5, 3.0)];
        assert_eq!(choose_bins(&mut bins, 11), [(3, 5), (2, 5), (1, 1)]);
        assert_eq!(choose_bins(&mut bins, 3), [(1, 1)], "only what is left");
    }

    #[test]
    fn priority_orders_manual_then_ship_by_then_age() {
        let mut list = [
            priority(1, 0, None, "2026-11-01T00:00:00Z"),
            priority(2, 0, Some("2026-11-20T00:00:00Z"), "2026-11-05T00:00:00Z"),
            priority(3, 1, None, "2026-11-09T00:00:00Z"),
            priority(4, 0, Some("2026-11-20T00:00:00Z"), "2026-11-02T00:00:00Z"),
            priority(5, 0, None, "2026-10-01T00:00:00Z"),
        ];
        list.sort();
        let ids: Vec<i64> = list.iter().map(|p| p.order_id).collect();
        assert_eq!(ids, [3, 4, 2, 5, 1]);
    }

    #[test]
    fn earlier_orders_are_served_first_and_the_rest_is_back_ordered() {
        let mut stock = HashMap::from([(7, vec![bin(10, 5, 1.0)])]);
        let mut late = order(2, BackorderPolicy::ShipAvailable, &[(20, 7, 4)]);
        late.priority.placed_at = "2026-11-02T00:00:00Z".into();
        let early = order(1, BackorderPolicy::ShipAvailable, &[(10, 7, 3)]);
        let out = allocate(vec![late, early], &mut stock);
        assert_eq!(out[0].order_id, 1);
        assert_eq!(out[0].reserved[0].qty, 3);
        assert!(out[0].ready && out[0].short.is_empty());
        assert_eq!(out[1].reserved[0].qty, 2);
        assert_eq!(out[1].short, [(20, 2)]);
        assert!(out[1].ready, "ship what is there");
        assert_eq!(stock[&7][0].available, 0);
    }

    #[test]
    fn policies_decide_what_a_short_order_does() {
        let stock = || HashMap::from([(7, vec![bin(10, 1, 1.0)])]);
        let lines = [(1, 7, 1), (2, 8, 2)];
        let complete =
            allocate(vec![order(1, BackorderPolicy::ShipComplete, &lines)], &mut stock());
        assert!(!complete[0].ready);
        assert_eq!(complete[0].reserved.len(), 1, "it keeps its place in line");
        let cancel = allocate(vec![order(1, BackorderPolicy::CancelRest, &lines)], &mut stock());
        assert!(cancel[0].ready);
        assert_eq!(cancel[0].cancel, [(2, 2)]);
        assert!(cancel[0].short.is_empty());
        let nothing =
            allocate(vec![order(1, BackorderPolicy::CancelRest, &[(2, 8, 2)])], &mut stock());
        assert!(!nothing[0].ready && nothing[0].cancel.is_empty(), "nothing in stock waits");
    }

    #[test]
    fn never_promises_more_than_the_bins_hold() {
        let mut stock = HashMap::from([(1, vec![bin(1, 3, 1.0), bin(2, 4, 2.0)])]);
        let orders =
            (0..10).map(|k| order(k, BackorderPolicy::ShipAvailable, &[(k, 1, 2)])).collect();
        let out = allocate(orders, &mut stock);
        let promised: i64 = out.iter().flat_map(|o| &o.reserved).map(|r| r.qty).sum();
        assert_eq!(promised, 7);
        assert!(stock[&1].iter().all(|b| b.available == 0));
    }
}
