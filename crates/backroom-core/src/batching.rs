//! Batch picking: which orders share a cart, so that the floor walks less.
//!
//! A cart carries a number of totes and each order goes into one tote. First-come-first-served
//! batching fills carts in priority order. Backroom's plan starts from one batch per order and
//! merges the pair of batches that saves the most walking (the savings method of Clarke and
//! Wright, as used for order batching by de Koster et al.), then improves the result by moving
//! and swapping single orders between batches while that shortens the total. Batches are
//! compared by the length of a largest-gap tour, which is quick and close; the finished plan is
//! scored by the caller's method, the optimal one when time allows.

use std::collections::BTreeSet;

use crate::layout::{BinCode, Layout};
use crate::routing::{self, Method, Pick, RouteError};

/// One order waiting to be picked: the bins it visits and what it weighs.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderLoad {
    pub bins: Vec<BinCode>,
    pub units: i64,
    pub grams: f64,
}

/// A cart: how many totes it carries and what one tote may hold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cart {
    pub totes: usize,
    pub tote_units: Option<i64>,
    pub tote_grams: Option<f64>,
}

impl Cart {
    /// Whether an order fits one tote. An order that does not is picked on a list of its own.
    pub fn fits(&self, order: &OrderLoad) -> bool {
        self.tote_units.is_none_or(|max| order.units <= max)
            && self.tote_grams.is_none_or(|max| order.grams <= max)
    }
}

/// Orders sharing one cart, by index into the planned orders, in tote order.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub orders: Vec<usize>,
    /// The tour through the batch's bins, in metres, by the plan's scoring method.
    pub distance_m: f64,
}

/// A plan and what first-come-first-served batching would have walked with the same carts.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub batches: Vec<Batch>,
    pub distance_m: f64,
    pub fcfs_distance_m: f64,
}

/// Plans batches for `orders`, given in priority order. The plan and first-come-first-served
/// batching are both scored by tours of `score`: `Optimal` is what the picker walks, and costs
/// tens of milliseconds a list; `LargestGap` scores a wave of a thousand orders in a second.
pub fn plan(
    layout: &Layout,
    orders: &[OrderLoad],
    cart: Cart,
    score: Method,
) -> Result<Plan, RouteError> {
    let totes = cart.totes.max(1);
    let fcfs = first_come_first_served(orders, cart, totes);
    let mut batches = savings(layout, orders, cart, totes)?;
    improve(layout, orders, cart, totes, &mut batches)?;
    let batches = finish(layout, orders, batches, score)?;
    let fcfs = finish(layout, orders, fcfs, score)?;
    Ok(Plan {
        distance_m: batches.iter().map(|b| b.distance_m).sum(),
        fcfs_distance_m: fcfs.iter().map(|b| b.distance_m).sum(),
        batches,
    })
}

/// Carts filled in priority order; an order too big for a tote goes alone.
fn first_come_first_served(orders: &[OrderLoad], cart: Cart, totes: usize) -> Vec<Vec<usize>> {
    let mut batches: Vec<Vec<usize>> = Vec::new();
    let mut current = Vec::new();
    for (i, order) in orders.iter().enumerate() {
        if !cart.fits(order) {
            batches.push(vec![i]);
            continue;
        }
        current.push(i);
        if current.len() == totes {
            batches.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

/// The estimated walk of a set of orders: a largest-gap tour through their distinct bins.
fn walk(layout: &Layout, orders: &[OrderLoad], batch: &[usize]) -> Result<f64, RouteError> {
    let picks = picks_of(orders, batch);
    if picks.is_empty() {
        return Ok(0.0);
    }
    Ok(routing::route(layout, &picks, Method::LargestGap)?.distance_m)
}

fn picks_of(orders: &[OrderLoad], batch: &[usize]) -> Vec<Pick> {
    let bins: BTreeSet<BinCode> =
        batch.iter().flat_map(|&i| orders[i].bins.iter().copied()).collect();
    bins.into_iter().map(|bin| Pick { id: bin.to_string(), bin }).collect()
}

/// How many nearby batches each batch is compared with. Comparing every pair costs n² tours;
/// orders far apart never save walking by sharing a cart, so the nearest few are enough.
const NEIGHBOURS: usize = 12;

/// The mean position of a batch's bins: where on the floor its picks lie.
fn centre(layout: &Layout, orders: &[OrderLoad], batch: &[usize]) -> (f64, f64) {
    let points: Vec<_> =
        batch.iter().flat_map(|&i| orders[i].bins.iter().map(|b| layout.point(b))).collect();
    if points.is_empty() {
        let depot = layout.depot();
        return (depot.x, depot.y);
    }
    let n = points.len() as f64;
    (points.iter().map(|p| p.x).sum::<f64>() / n, points.iter().map(|p| p.y).sum::<f64>() / n)
}

/// The `count` live batches nearest to `of`, nearest first.
fn nearest(centres: &[(f64, f64)], alive: &[bool], of: usize, count: usize) -> Vec<usize> {
    let (x, y) = centres[of];
    let mut others: Vec<(f64, usize)> = (0..centres.len())
        .filter(|&k| k != of && alive[k])
        .map(|k| ((centres[k].0 - x).abs() + (centres[k].1 - y).abs(), k))
        .collect();
    others.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    others.into_iter().take(count).map(|(_, k)| k).collect()
}

/// Greedy merging by savings: start with one batch per order and merge the two batches whose
/// joint tour saves the most, as long as they fit one cart. Each batch is compared with its
/// nearest neighbours only.
fn savings(
    layout: &Layout,
    orders: &[OrderLoad],
    cart: Cart,
    totes: usize,
) -> Result<Vec<Vec<usize>>, RouteError> {
    let mut batches: Vec<Vec<usize>> = (0..orders.len()).map(|i| vec![i]).collect();
    let mut lengths: Vec<f64> =
        batches.iter().map(|b| walk(layout, orders, b)).collect::<Result<_, _>>()?;
    let mut centres: Vec<(f64, f64)> = batches.iter().map(|b| centre(layout, orders, b)).collect();
    let mut alive: Vec<bool> = (0..orders.len()).map(|i| cart.fits(&orders[i])).collect();
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    if totes < 2 {
        return Ok(batches);
    }
    let saving = |batches: &[Vec<usize>], lengths: &[f64], a: usize, b: usize| {
        let mut joint = batches[a].clone();
        joint.extend(&batches[b]);
        walk(layout, orders, &joint).map(|l| (lengths[a] + lengths[b] - l, a.min(b), a.max(b)))
    };
    let mut seen = BTreeSet::new();
    for a in 0..batches.len() {
        if !alive[a] {
            continue;
        }
        for b in nearest(&centres, &alive, a, NEIGHBOURS) {
            if seen.insert((a.min(b), a.max(b))) {
                pairs.push(saving(&batches, &lengths, a, b)?);
            }
        }
    }
    loop {
        let best = pairs
            .iter()
            .filter(|&&(gain, a, b)| {
                gain > 1e-9 && alive[a] && alive[b] && batches[a].len() + batches[b].len() <= totes
            })
            .max_by(|x, y| x.0.total_cmp(&y.0).then(y.1.cmp(&x.1)).then(y.2.cmp(&x.2)))
            .copied();
        let Some((_, a, b)) = best else { break };
        let moved = std::mem::take(&mut batches[b]);
        batches[a].extend(moved);
        batches[a].sort_unstable();
        alive[b] = false;
        lengths[a] = walk(layout, orders, &batches[a])?;
        centres[a] = centre(layout, orders, &batches[a]);
        pairs.retain(|&(_, x, y)| x != a && y != a && x != b && y != b);
        if batches[a].len() < totes {
            for other in nearest(&centres, &alive, a, NEIGHBOURS) {
                if batches[a].len() + batches[other].len() <= totes {
                    pairs.push(saving(&batches, &lengths, a, other)?);
                }
            }
        }
    }
    // Orders too big for a tote were never merged; they stay as batches of their own.
    Ok(batches.into_iter().filter(|b| !b.is_empty()).collect())
}

/// Moves single orders between batches, and swaps pairs, while the estimated total shrinks.
fn improve(
    layout: &Layout,
    orders: &[OrderLoad],
    cart: Cart,
    totes: usize,
    batches: &mut Vec<Vec<usize>>,
) -> Result<(), RouteError> {
    let mut lengths: Vec<f64> =
        batches.iter().map(|b| walk(layout, orders, b)).collect::<Result<_, _>>()?;
    // A bounded number of passes over each batch's nearest neighbours keeps planning time
    // predictable on large waves.
    for _ in 0..3 {
        let centres: Vec<(f64, f64)> = batches.iter().map(|b| centre(layout, orders, b)).collect();
        let alive: Vec<bool> = batches.iter().map(|b| !b.is_empty()).collect();
        let mut improved = false;
        for a in 0..batches.len() {
            for b in nearest(&centres, &alive, a, NEIGHBOURS / 2) {
                improved |= try_move(layout, orders, cart, totes, batches, &mut lengths, a, b)?;
                let (x, y) = (a.min(b), a.max(b));
                improved |= try_swap(layout, orders, cart, batches, &mut lengths, x, y)?;
            }
        }
        if !improved {
            break;
        }
    }
    batches.retain(|b| !b.is_empty());
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn try_move(
    layout: &Layout,
    orders: &[OrderLoad],
    cart: Cart,
    totes: usize,
    batches: &mut [Vec<usize>],
    lengths: &mut [f64],
    a: usize,
    b: usize,
) -> Result<bool, RouteError> {
    if batches[b].is_empty() || batches[b].len() >= totes {
        return Ok(false);
    }
    let mut improved = false;
    let mut k = 0;
    while k < batches[a].len() {
        let order = batches[a][k];
        if !cart.fits(&orders[order]) || !batches[b].iter().all(|&o| cart.fits(&orders[o])) {
            k += 1;
            continue;
        }
        let from: Vec<usize> = batches[a].iter().copied().filter(|&o| o != order).collect();
        let mut to = batches[b].clone();
        to.push(order);
        let (la, lb) = (walk(layout, orders, &from)?, walk(layout, orders, &to)?);
        if la + lb < lengths[a] + lengths[b] - 1e-9 && to.len() <= totes {
            to.sort_unstable();
            batches[a] = from;
            batches[b] = to;
            (lengths[a], lengths[b]) = (la, lb);
            improved = true;
            if batches[b].len() >= totes {
                break;
            }
        } else {
            k += 1;
        }
    }
    Ok(improved)
}

/// How many orders of each batch a swap considers: those whose removal shortens their batch
/// most, the ones most out of place. Trying every pair costs a tour per pair and buys little.
const SWAP_CANDIDATES: usize = 3;

/// Positions in `batch` of the orders whose removal saves the most walking, most first.
fn out_of_place(
    layout: &Layout,
    orders: &[OrderLoad],
    batch: &[usize],
    length: f64,
) -> Result<Vec<usize>, RouteError> {
    let mut gains = Vec::with_capacity(batch.len());
    for i in 0..batch.len() {
        let rest: Vec<usize> =
            batch.iter().enumerate().filter(|&(k, _)| k != i).map(|(_, &o)| o).collect();
        gains.push((length - walk(layout, orders, &rest)?, i));
    }
    gains.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    Ok(gains.into_iter().take(SWAP_CANDIDATES).map(|(_, i)| i).collect())
}

fn try_swap(
    layout: &Layout,
    orders: &[OrderLoad],
    cart: Cart,
    batches: &mut [Vec<usize>],
    lengths: &mut [f64],
    a: usize,
    b: usize,
) -> Result<bool, RouteError> {
    if a >= b {
        return Ok(false);
    }
    let from_a = out_of_place(layout, orders, &batches[a], lengths[a])?;
    let from_b = out_of_place(layout, orders, &batches[b], lengths[b])?;
    for &i in &from_a {
        for &j in &from_b {
            let (x, y) = (batches[a][i], batches[b][j]);
            if !cart.fits(&orders[x]) || !cart.fits(&orders[y]) {
                continue;
            }
            let mut first = batches[a].clone();
            first[i] = y;
            let mut second = batches[b].clone();
            second[j] = x;
            let (l1, l2) = (walk(layout, orders, &first)?, walk(layout, orders, &second)?);
            if l1 + l2 < lengths[a] + lengths[b] - 1e-9 {
                batches[a] = first;
                batches[b] = second;
                (lengths[a], lengths[b]) = (l1, l2);
                // The candidates were chosen for the old batches; look again next pass.
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Scores each batch with a tour of `score`, in the order of its first order's priority.
fn finish(
    layout: &Layout,
    orders: &[OrderLoad],
    mut batches: Vec<Vec<usize>>,
    score: Method,
) -> Result<Vec<Batch>, RouteError> {
    for batch in &mut batches {
        batch.sort_unstable();
    }
    batches.sort_by_key(|b| b.first().copied().unwrap_or(usize::MAX));
    batches
        .into_iter()
        .map(|orders_in| {
            let picks = picks_of(orders, &orders_in);
            let distance_m = if picks.is_empty() {
                0.0
            } else {
                routing::route(layout, &picks, score)?.distance_m
            };
            Ok(Batch { orders: orders_in, distance_m })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Side;

    fn layout() -> Layout {
        Layout::from_json(
            r#"{"name":"t","aisles":10,"blocks":2,"slots_per_side":10,
                "slot_length_m":1.0,"aisle_pitch_m":3.0,"cross_aisle_m":2.0}"#,
        )
        .unwrap()
    }

    fn order(aisle: u32, slot: u32) -> OrderLoad {
        OrderLoad {
            bins: vec![BinCode { aisle, block: 1, slot, side: Side::Left }],
            units: 1,
            grams: 100.0,
        }
    }

    const CART: Cart = Cart { totes: 2, tote_units: Some(10), tote_grams: None };

    #[test]
    fn neighbours_share_a_cart_and_the_plan_beats_first_come_first_served() {
        // Arrival alternates between the first and the last aisle; pairing neighbours halves
        // the walking that pairing by arrival does.
        let orders = [order(1, 2), order(10, 2), order(1, 3), order(10, 3)];
        let plan = plan(&layout(), &orders, CART, Method::Optimal).unwrap();
        let mut groups: Vec<Vec<usize>> = plan.batches.iter().map(|b| b.orders.clone()).collect();
        groups.sort();
        assert_eq!(groups, [vec![0, 2], vec![1, 3]]);
        assert!(plan.distance_m < plan.fcfs_distance_m, "{plan:?}");
        let total: f64 = plan.batches.iter().map(|b| b.distance_m).sum();
        assert!((total - plan.distance_m).abs() < 1e-9);
    }

    #[test]
    fn every_order_is_planned_once_and_carts_hold_at_most_their_totes() {
        let orders: Vec<OrderLoad> =
            (0..23).map(|k| order(1 + (k * 7 % 10) as u32, 1 + (k * 3 % 10) as u32)).collect();
        let cart = Cart { totes: 4, ..CART };
        let plan = plan(&layout(), &orders, cart, Method::Optimal).unwrap();
        let mut seen: Vec<usize> = plan.batches.iter().flat_map(|b| b.orders.clone()).collect();
        seen.sort();
        assert_eq!(seen, (0..23).collect::<Vec<_>>());
        assert!(plan.batches.iter().all(|b| b.orders.len() <= 4));
        assert!(plan.distance_m <= plan.fcfs_distance_m + 1e-9, "{plan:?}");
    }

    #[test]
    fn an_order_too_big_for_a_tote_is_picked_alone() {
        let mut big = order(1, 2);
        big.units = 50;
        let orders = [big, order(1, 3), order(1, 4)];
        let plan = plan(&layout(), &orders, CART, Method::Optimal).unwrap();
        assert!(plan.batches.iter().any(|b| b.orders == [0]), "{plan:?}");
        assert!(plan.batches.iter().any(|b| b.orders == [1, 2]), "{plan:?}");
    }

    #[test]
    fn the_same_orders_give_the_same_plan() {
        let orders: Vec<OrderLoad> =
            (0..15).map(|k| order(1 + (k * 3 % 10) as u32, 1 + (k % 10) as u32)).collect();
        let cart = Cart { totes: 3, ..CART };
        assert_eq!(
            plan(&layout(), &orders, cart, Method::Optimal).unwrap(),
            plan(&layout(), &orders, cart, Method::Optimal).unwrap()
        );
    }
}
