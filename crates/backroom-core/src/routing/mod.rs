//! Pick routing: the order in which one picker visits the bins of a pick list, starting and ending
//! at the depot of a rectangular multi-block warehouse (see [`crate::layout`]).
//!
//! Three methods are offered. [`Method::SShape`] and [`Method::LargestGap`] are the classic
//! policies of the literature (Roodbergen & de Koster 2001), kept because pickers and managers know
//! them and because they are the baseline the savings are quoted against. [`Method::Optimal`] is
//! Backroom's router: a dynamic programme over the aisles that finds a shortest tour in
//! milliseconds for layouts of up to five blocks, with local search for deeper ones (see
//! `optimal.rs`).
//!
//! Every method returns a visiting order, and a route's length is always the length of that order
//! under the exact shortest-path distance of [`distance`] (depot, picks in order, depot). That is
//! also how the pick-path benchmark scores a route, so the numbers shown to a picker and the
//! numbers in a benchmark are the same.

pub mod distance;
mod exact;
mod largest_gap;
mod local_search;
mod optimal;
mod s_shape;

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::layout::{BinCode, Layout, LayoutError};

use distance::Place;
pub use distance::{Stop, distance};

/// How a route is planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub enum Method {
    /// Traverse every subaisle with picks, block by block (S-shape or traversal policy).
    #[serde(rename = "s-shape")]
    SShape,
    /// Enter subaisles from both cross aisles up to their largest gap between picks.
    #[serde(rename = "largest-gap")]
    LargestGap,
    /// A shortest tour (found exactly for layouts of up to five blocks, by local search
    /// beyond); never longer than the other methods.
    #[serde(rename = "optimal")]
    Optimal,
}

impl Method {
    pub const ALL: [Method; 3] = [Method::SShape, Method::LargestGap, Method::Optimal];

    /// The method's name in files, on the command line and in the UI.
    pub fn name(self) -> &'static str {
        match self {
            Method::SShape => "s-shape",
            Method::LargestGap => "largest-gap",
            Method::Optimal => "optimal",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Method {
    type Err = RouteError;

    fn from_str(name: &str) -> Result<Method, RouteError> {
        Method::ALL
            .into_iter()
            .find(|method| method.name() == name)
            .ok_or_else(|| RouteError::UnknownMethod(name.to_owned()))
    }
}

/// One line of a pick list: an id the picker sees and the bin to pick from. In JSON the bin's
/// fields sit beside the id: `{"id": "P1", "aisle": 3, "block": 1, "slot": 12, "side": "L"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Pick {
    pub id: String,
    #[serde(flatten)]
    pub bin: BinCode,
}

/// A planned tour: the picks in visiting order, from the depot and back to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Route {
    pub method: Method,
    /// Length of the tour in metres, walking the shortest path between consecutive stops.
    pub distance_m: f64,
    /// Indices into the pick list, each pick exactly once.
    pub sequence: Vec<usize>,
}

/// A route as the pick-path benchmark's command-line contract prints it:
/// `{"method": "optimal", "distance_m": 558.0, "sequence": ["P7", "P2", "P1"]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RouteOutput {
    pub method: Method,
    pub distance_m: f64,
    /// Pick ids in visiting order.
    pub sequence: Vec<String>,
}

/// Why a pick list cannot be routed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RouteError {
    #[error(transparent)]
    Layout(#[from] LayoutError),
    #[error("the pick list is not valid JSON: {0}")]
    Json(String),
    #[error("the pick list is for layout `{picks}`, but the layout is `{layout}`")]
    WrongLayout { layout: String, picks: String },
    #[error("pick number {position} has an empty id")]
    EmptyId { position: usize },
    #[error("pick `{id}` appears more than once")]
    DuplicateId { id: String },
    #[error("pick `{id}`: `{field}` is {value}, but the layout has {field}s 1 to {max}")]
    OutsideLayout { id: String, field: &'static str, value: u32, max: u32 },
    #[error("there is no routing method `{0}`; use s-shape, largest-gap or optimal")]
    UnknownMethod(String),
}

/// Plans a tour through `picks` with `method`. The layout and every pick are checked first.
pub fn route(layout: &Layout, picks: &[Pick], method: Method) -> Result<Route, RouteError> {
    layout.validate()?;
    check_picks(layout, picks)?;
    let sequence = match method {
        Method::SShape => s_shape::order(layout, picks),
        Method::LargestGap => largest_gap::order(layout, picks),
        Method::Optimal => optimal::order(layout, picks),
    };
    Ok(Route { method, distance_m: tour_length(layout, picks, &sequence), sequence })
}

/// Length in metres of the tour from the depot through `picks[sequence[0]]`,
/// `picks[sequence[1]]`, … and back to the depot, walking the shortest path between consecutive
/// stops. Panics if an index is out of range or a pick lies outside the layout.
pub fn tour_length(layout: &Layout, picks: &[Pick], sequence: &[usize]) -> f64 {
    let depot = Place::depot(layout);
    let mut here = depot;
    let mut total = 0.0;
    for &index in sequence {
        let next = Place::bin(layout, &picks[index].bin);
        total += here.distance(&next);
        here = next;
    }
    total + here.distance(&depot)
}

/// Routes the benchmark's file formats: a layout file and a pick file
/// (`{"layout": NAME, "picks": [{"id", "aisle", "block", "slot", "side"}, …]}`) whose `layout`
/// must name the layout. The distance is rounded to the micrometre.
pub fn route_files(
    layout_json: &str,
    picks_json: &str,
    method: Method,
) -> Result<RouteOutput, RouteError> {
    #[derive(Deserialize)]
    struct PickFile {
        layout: String,
        picks: Vec<Pick>,
    }
    let layout = Layout::from_json(layout_json)?;
    let file: PickFile =
        serde_json::from_str(picks_json).map_err(|e| RouteError::Json(e.to_string()))?;
    if file.layout != layout.name {
        return Err(RouteError::WrongLayout { layout: layout.name, picks: file.layout });
    }
    let route = route(&layout, &file.picks, method)?;
    Ok(RouteOutput {
        method,
        distance_m: (route.distance_m * 1e6).round() / 1e6,
        sequence: route.sequence.iter().map(|&i| file.picks[i].id.clone()).collect(),
    })
}

fn check_picks(layout: &Layout, picks: &[Pick]) -> Result<(), RouteError> {
    let mut seen = HashSet::new();
    for (position, pick) in picks.iter().enumerate() {
        if pick.id.is_empty() {
            return Err(RouteError::EmptyId { position: position + 1 });
        }
        if !seen.insert(pick.id.as_str()) {
            return Err(RouteError::DuplicateId { id: pick.id.clone() });
        }
        let fields = [
            ("aisle", pick.bin.aisle, layout.aisles),
            ("block", pick.bin.block, layout.blocks),
            ("slot", pick.bin.slot, layout.slots_per_side),
        ];
        for (field, value, max) in fields {
            if !(1..=max).contains(&value) {
                return Err(RouteError::OutsideLayout { id: pick.id.clone(), field, value, max });
            }
        }
    }
    Ok(())
}

/// The picks of each subaisle `(aisle, block)`, front to back. Picks at the same slot are ordered
/// by id so that the heuristics are deterministic and match the benchmark's reference versions.
fn subaisles(picks: &[Pick]) -> BTreeMap<(u32, u32), Vec<usize>> {
    let mut groups: BTreeMap<(u32, u32), Vec<usize>> = BTreeMap::new();
    for (index, pick) in picks.iter().enumerate() {
        groups.entry((pick.bin.aisle, pick.bin.block)).or_default().push(index);
    }
    for members in groups.values_mut() {
        members.sort_by(|&a, &b| {
            (picks[a].bin.slot, &picks[a].id).cmp(&(picks[b].bin.slot, &picks[b].id))
        });
    }
    groups
}

/// The aisles, left to right, that have picks in `block`.
fn aisles_with_picks(groups: &BTreeMap<(u32, u32), Vec<usize>>, block: u32) -> Vec<u32> {
    groups.keys().filter(|&&(_, b)| b == block).map(|&(aisle, _)| aisle).collect()
}

#[cfg(test)]
mod tests;
