//! S-shape (traversal) routing for several blocks, after Roodbergen & de Koster (2001).
//!
//! The picker goes to the front of the leftmost aisle with picks and up it to the front of the
//! farthest block with picks, picking on the way. In the farthest block every subaisle with picks
//! is traversed left to right; with an odd count the last one is entered and left from the front.
//! Then, block by block towards the depot, the picker enters each block from its back, starts at
//! the end (leftmost or rightmost subaisle with picks) nearer to where they stand and traverses
//! every subaisle with picks; with an even count the first one is entered and left from the back,
//! so that the picker ends at the front of the block. This follows the benchmark's reference
//! version step for step, so its orders are the ones published with the benchmark.

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

    let mut x = layout.aisle_x(left);
    let mut at_back = false;
    let aisles = aisles_with_picks(&groups, far);
    let count = aisles.len();
    for (i, aisle) in aisles.into_iter().enumerate() {
        x = layout.aisle_x(aisle);
        let members = groups.remove(&(aisle, far)).unwrap_or_default();
        if i + 1 == count && count & 1 == 1 {
            sequence.extend(members);
        } else if at_back {
            sequence.extend(members.into_iter().rev());
            at_back = false;
        } else {
            sequence.extend(members);
            at_back = true;
        }
    }

    for block in (1..far).rev() {
        let mut aisles = aisles_with_picks(&groups, block);
        let (Some(&first), Some(&last)) = (aisles.first(), aisles.last()) else {
            continue;
        };
        if (x - layout.aisle_x(first)).abs() > (x - layout.aisle_x(last)).abs() {
            aisles.reverse();
        }
        let count = aisles.len();
        let mut at_back = true;
        for (i, aisle) in aisles.into_iter().enumerate() {
            x = layout.aisle_x(aisle);
            let members = groups.remove(&(aisle, block)).unwrap_or_default();
            if i == 0 && count & 1 == 0 {
                sequence.extend(members.into_iter().rev());
            } else if at_back {
                sequence.extend(members.into_iter().rev());
                at_back = false;
            } else {
                sequence.extend(members);
                at_back = true;
            }
        }
    }
    sequence
}
