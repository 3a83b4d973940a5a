//! Largest-gap routing for several blocks, after Roodbergen & de Koster (2001).
//!
//! The picker goes up the leftmost aisle with picks to the front of the farthest block with picks,
//! along that cross aisle to the leftmost subaisle with picks there and up it to the back. Along
//! the back cross aisle each subaisle is entered from the back up to its largest gap, and the
//! rightmost one is traversed. Then, on each cross aisle towards the depot, the picker sweeps from
//! the nearer end to the far end, picking the front parts of the block behind and the back parts
//! of the block ahead, and goes down through the block ahead at the far end. On the front cross
//! aisle the remaining front parts are picked in the cheaper direction. The largest gap of a
//! subaisle is the largest of front end to first pick, between neighbours, and last pick to back
//! end; ties go to the gap nearest the front. This follows the benchmark's reference version step
//! for step, so its orders are the ones published with the benchmark.

use std::collections::{BTreeMap, BTreeSet};

use super::{Pick, aisles_with_picks, subaisles};
use crate::layout::Layout;

pub(super) fn order(layout: &Layout, picks: &[Pick]) -> Vec<usize> {
    let mut groups = subaisles(picks);
    let Some(&(left, _)) = groups.keys().next() else {
        return Vec::new();
    };
    let far = groups.keys().map(|&(_, block)| block).max().unwrap_or(1);
    let mut sequence = Vec::with_capacity(picks.len());

    for block in 1..far {
        sequence.extend(groups.remove(&(left, block)).unwrap_or_default());
    }

    // Front parts of the block behind the cross aisle being swept, still to be picked.
    let mut front_parts: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    let aisles = aisles_with_picks(&groups, far);
    let (first, last) = (aisles[0], aisles[aisles.len() - 1]);
    let mut x = layout.aisle_x(first);
    if first == last {
        sequence.extend(groups.remove(&(first, far)).unwrap_or_default());
    } else {
        sequence.extend(groups.remove(&(first, far)).unwrap_or_default());
        for &aisle in &aisles[1..aisles.len() - 1] {
            let members = groups.remove(&(aisle, far)).unwrap_or_default();
            let (front, back) = split_at_largest_gap(layout, picks, members, far);
            sequence.extend(back.into_iter().rev());
            if !front.is_empty() {
                front_parts.insert(aisle, front);
            }
        }
        x = layout.aisle_x(last);
        sequence.extend(groups.remove(&(last, far)).unwrap_or_default().into_iter().rev());
    }

    for cross in (1..far).rev() {
        let block = cross;
        let mut splits: BTreeMap<u32, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
        for aisle in aisles_with_picks(&groups, block) {
            let members = groups[&(aisle, block)].clone();
            splits.insert(aisle, split_at_largest_gap(layout, picks, members, block));
        }
        let stops: BTreeSet<u32> = front_parts.keys().chain(splits.keys()).copied().collect();
        let stops: Vec<u32> = stops.into_iter().collect();
        let (Some(&lo), Some(&hi)) = (stops.first(), stops.last()) else {
            front_parts.clear();
            continue;
        };
        let sweep: Vec<u32> = if (x - layout.aisle_x(lo)).abs() <= (x - layout.aisle_x(hi)).abs() {
            stops
        } else {
            stops.into_iter().rev().collect()
        };
        let descent = sweep[sweep.len() - 1];
        let mut next_front_parts = BTreeMap::new();
        for aisle in sweep {
            x = layout.aisle_x(aisle);
            sequence.extend(front_parts.remove(&aisle).unwrap_or_default());
            if aisle == descent {
                let members = groups.remove(&(aisle, block)).unwrap_or_default();
                sequence.extend(members.into_iter().rev());
            } else if let Some((front, back)) = splits.remove(&aisle) {
                groups.remove(&(aisle, block));
                sequence.extend(back.into_iter().rev());
                if !front.is_empty() {
                    next_front_parts.insert(aisle, front);
                }
            }
        }
        front_parts = next_front_parts;
    }

    if let (Some(&lo), Some(&hi)) = (front_parts.keys().next(), front_parts.keys().next_back()) {
        let (lo_x, hi_x, depot_x) = (layout.aisle_x(lo), layout.aisle_x(hi), layout.depot_x_m);
        let left_first = (x - lo_x).abs() + (hi_x - lo_x) + (hi_x - depot_x).abs();
        let right_first = (x - hi_x).abs() + (hi_x - lo_x) + (lo_x - depot_x).abs();
        if left_first <= right_first {
            sequence.extend(front_parts.into_values().flatten());
        } else {
            sequence.extend(front_parts.into_values().rev().flatten());
        }
    }
    sequence
}

/// Splits a subaisle's picks (front to back) at its largest gap into the part reached from the
/// front cross aisle and the part reached from the back one.
fn split_at_largest_gap(
    layout: &Layout,
    picks: &[Pick],
    mut members: Vec<usize>,
    block: u32,
) -> (Vec<usize>, Vec<usize>) {
    let y = |index: usize| layout.slot_y(block, picks[index].bin.slot);
    let mut ys = vec![layout.cross_aisle_y(block - 1)];
    ys.extend(members.iter().map(|&index| y(index)));
    ys.push(layout.cross_aisle_y(block));
    let mut split = 0;
    let mut widest = f64::NEG_INFINITY;
    for (i, pair) in ys.windows(2).enumerate() {
        let gap = pair[1] - pair[0];
        if gap > widest {
            widest = gap;
            split = i;
        }
    }
    let back = members.split_off(split);
    (members, back)
}
