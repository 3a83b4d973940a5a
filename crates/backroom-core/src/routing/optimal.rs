//! Backroom's router: a shortest tour through the pick list.
//!
//! Picks at the same slot (either side) are one location, so the tour is planned over distinct
//! locations and their picks are taken together. A dozen locations or fewer are solved exactly
//! by a search over subsets. Beyond that, the dynamic programme over the aisles
//! ([`super::exact`]) finds a shortest tour whenever it can do so in about ten milliseconds:
//! whenever the picks lie in the first four blocks, and in five blocks of up to about 45 aisles.
//! Deeper layouts fall back to iterated local search ([`super::local_search`]), which on six- and seven-block
//! test layouts came within about half a percent of the optimum. The S-shape and largest-gap
//! orders are always candidates too, so the optimal method is never longer than either.

use super::distance::Place;
use super::{Pick, exact, largest_gap, local_search, s_shape, tour_length};
use crate::layout::Layout;

/// Subset search is exact and takes `2^n · n²` steps: a few milliseconds at this size.
const MAX_SUBSET_SEARCH: usize = 12;

/// A distinct pick point and the picks taken there.
#[derive(Debug, Clone)]
pub(super) struct Location {
    pub aisle: u32,
    pub block: u32,
    pub place: Place,
    pub picks: Vec<usize>,
}

/// The distinct locations of `picks`, in the order their first pick appears.
pub(super) fn locations(layout: &Layout, picks: &[Pick]) -> Vec<Location> {
    let mut found: Vec<Location> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for (i, pick) in picks.iter().enumerate() {
        let bin = pick.bin;
        let at = *index.entry((bin.aisle, bin.block, bin.slot)).or_insert_with(|| {
            found.push(Location {
                aisle: bin.aisle,
                block: bin.block,
                place: Place::bin(layout, &bin),
                picks: Vec::new(),
            });
            found.len() - 1
        });
        found[at].picks.push(i);
    }
    found
}

pub(super) fn order(layout: &Layout, picks: &[Pick]) -> Vec<usize> {
    let locations = locations(layout, picks);
    let expand = |visits: &[usize]| -> Vec<usize> {
        visits.iter().flat_map(|&at| locations[at].picks.iter().copied()).collect()
    };
    let heuristics = [s_shape::order(layout, picks), largest_gap::order(layout, picks)];
    // A dozen locations or fewer: the subset search is exact and, at a millisecond or two, far
    // cheaper than the aisle programme on a deep, wide layout.
    let visits = if locations.len() <= MAX_SUBSET_SEARCH {
        local_search::subset_search(&local_search::Matrix::new(layout, &locations))
    } else {
        match exact::shortest_tour(layout, &locations) {
            Some(visits) => visits,
            None => {
                let matrix = local_search::Matrix::new(layout, &locations);
                let starts: Vec<Vec<usize>> =
                    heuristics.iter().map(|order| visits_of(&locations, picks, order)).collect();
                local_search::improve(&matrix, starts)
            }
        }
    };
    let planned = expand(&visits);
    let mut best = planned;
    let mut best_length = tour_length(layout, picks, &best);
    for candidate in heuristics {
        let length = tour_length(layout, picks, &candidate);
        if length < best_length {
            best = candidate;
            best_length = length;
        }
    }
    best
}

/// The locations in the order a pick order first reaches them.
fn visits_of(locations: &[Location], picks: &[Pick], order: &[usize]) -> Vec<usize> {
    let mut location_of = vec![0; picks.len()];
    for (at, location) in locations.iter().enumerate() {
        for &pick in &location.picks {
            location_of[pick] = at;
        }
    }
    let mut seen = vec![false; locations.len()];
    let mut visits = Vec::with_capacity(locations.len());
    for &pick in order {
        let at = location_of[pick];
        if !seen[at] {
            seen[at] = true;
            visits.push(at);
        }
    }
    visits
}
