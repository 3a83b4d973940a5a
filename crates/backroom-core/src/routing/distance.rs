//! The exact walking distance between two stops of a pick tour.
//!
//! The picker walks only along aisle and cross-aisle centrelines. A subaisle (the part of an aisle
//! inside one block) can only be left through its two ends, so the shortest path between points in
//! different subaisles leaves the first at one end, walks the grid of aisles and cross aisles (where
//! the shortest path between two junctions is the Manhattan distance) and enters the second at one
//! of its ends. Trying the four combinations of ends gives the exact distance.

use crate::layout::{BinCode, Layout};

/// Where a picker stands: the depot on the front cross aisle, or the pick point of a bin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Depot,
    Bin(BinCode),
}

/// The shortest walk in metres between two stops of `layout`. Both bins must lie in the layout.
pub fn distance(layout: &Layout, from: Stop, to: Stop) -> f64 {
    Place::of(layout, from).distance(&Place::of(layout, to))
}

/// A stop reduced to what the distance depends on: its point, the subaisle it lies in and the y of
/// that subaisle's two ends. The depot has a subaisle of its own whose two ends are the depot
/// itself, which makes the general formula give `|Δx| + Δy` for trips from the depot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Place {
    pub x: f64,
    pub y: f64,
    /// `(aisle, block)`; `(0, 0)` for the depot, which no bin can share.
    pub subaisle: (u32, u32),
    pub front_y: f64,
    pub back_y: f64,
}

impl Place {
    pub fn of(layout: &Layout, stop: Stop) -> Place {
        match stop {
            Stop::Depot => Place::depot(layout),
            Stop::Bin(bin) => Place::bin(layout, &bin),
        }
    }

    pub fn depot(layout: &Layout) -> Place {
        let depot = layout.depot();
        Place { x: depot.x, y: depot.y, subaisle: (0, 0), front_y: depot.y, back_y: depot.y }
    }

    pub fn bin(layout: &Layout, bin: &BinCode) -> Place {
        let point = layout.point(bin);
        Place {
            x: point.x,
            y: point.y,
            subaisle: (bin.aisle, bin.block),
            front_y: layout.cross_aisle_y(bin.block - 1),
            back_y: layout.cross_aisle_y(bin.block),
        }
    }

    pub fn distance(&self, other: &Place) -> f64 {
        if self.subaisle == other.subaisle {
            return (self.y - other.y).abs();
        }
        let dx = (self.x - other.x).abs();
        let mut best = f64::INFINITY;
        for exit in [self.front_y, self.back_y] {
            for entry in [other.front_y, other.back_y] {
                let walk =
                    (self.y - exit).abs() + dx + (exit - entry).abs() + (other.y - entry).abs();
                best = best.min(walk);
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Side;

    /// The worked example of the pick-path benchmark: 3 aisles 3 m apart, 2 blocks of 4 slots of
    /// 1 m, cross aisles 2 m wide.
    fn worked_example(depot_x_m: f64) -> Layout {
        Layout {
            name: "worked-example".to_owned(),
            aisles: 3,
            blocks: 2,
            slots_per_side: 4,
            slot_length_m: 1.0,
            aisle_pitch_m: 3.0,
            cross_aisle_m: 2.0,
            depot_x_m,
        }
    }

    fn bin(aisle: u32, block: u32, slot: u32) -> Stop {
        Stop::Bin(BinCode { aisle, block, slot, side: Side::Left })
    }

    #[test]
    fn depot_to_the_first_slot_of_aisle_one() {
        let layout = worked_example(0.0);
        assert_eq!(distance(&layout, Stop::Depot, bin(1, 1, 1)), 1.5);
        assert_eq!(distance(&layout, bin(1, 1, 1), Stop::Depot), 1.5);
    }

    #[test]
    fn neighbouring_aisles_near_the_front_meet_on_the_front_cross_aisle() {
        assert_eq!(distance(&worked_example(0.0), bin(2, 1, 1), bin(3, 1, 1)), 6.0);
    }

    #[test]
    fn opposite_ends_of_a_block_cost_the_same_either_way_round() {
        assert_eq!(distance(&worked_example(0.0), bin(2, 1, 4), bin(3, 1, 1)), 9.0);
    }

    #[test]
    fn neighbouring_blocks_meet_on_the_middle_cross_aisle() {
        assert_eq!(distance(&worked_example(0.0), bin(2, 1, 4), bin(3, 2, 1)), 6.0);
    }

    #[test]
    fn the_same_aisle_in_different_blocks_is_a_straight_walk() {
        assert_eq!(distance(&worked_example(0.0), bin(1, 1, 2), bin(1, 2, 3)), 7.0);
    }

    #[test]
    fn the_two_sides_of_a_slot_are_the_same_point() {
        let layout = worked_example(0.0);
        let right = Stop::Bin(BinCode { aisle: 2, block: 1, slot: 2, side: Side::Right });
        assert_eq!(distance(&layout, bin(2, 1, 2), right), 0.0);
        assert_eq!(distance(&layout, bin(2, 1, 1), bin(2, 1, 4)), 3.0);
    }

    #[test]
    fn the_worked_example_tour_is_33_metres() {
        let layout = worked_example(0.0);
        let (first, second) = (bin(2, 1, 1), bin(3, 2, 4));
        assert_eq!(distance(&layout, Stop::Depot, first), 4.5);
        assert_eq!(distance(&layout, first, second), 12.0);
        assert_eq!(distance(&layout, second, Stop::Depot), 16.5);
    }

    #[test]
    fn a_depot_between_aisles_walks_along_the_front_cross_aisle() {
        assert_eq!(distance(&worked_example(4.5), Stop::Depot, bin(3, 2, 4)), 12.0);
    }

    #[test]
    fn medium_3b_coordinates_match_the_benchmark() {
        let layout = Layout {
            name: "medium-3b".to_owned(),
            aisles: 20,
            blocks: 3,
            slots_per_side: 15,
            slot_length_m: 1.0,
            aisle_pitch_m: 3.0,
            cross_aisle_m: 3.0,
            depot_x_m: 0.0,
        };
        assert_eq!([0, 1, 2, 3].map(|k| layout.cross_aisle_y(k)), [1.5, 19.5, 37.5, 55.5]);
        // Slot 7 of block 2 is at y 27.5 and aisle 20 at x 57, so the depot is 57 + 26 away.
        assert_eq!(distance(&layout, Stop::Depot, bin(20, 2, 7)), 57.0 + 26.0);
    }
}
