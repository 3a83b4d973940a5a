//! Shortest tours by dynamic programming over the aisles.
//!
//! A shortest pick tour is a shortest closed walk on the warehouse graph (aisle and cross-aisle
//! centrelines) through the depot and every pick location: a Steiner travelling-salesman tour.
//! Following Ratliff & Rosenthal (1983), extended to several blocks as in Roodbergen & de Koster
//! (2001) and Pansart, Catusse & Cambazard (2018), such a walk is a connected multigraph in which
//! every vertex has even degree and no edge is used more than twice. Columns (aisles) are added
//! left to right; what the rest of the tour needs to know about the part built so far is, for each
//! junction of the current aisle with a cross aisle, whether its degree is zero, odd or even, and
//! which junctions are already connected to each other. Partial tours with the same such state
//! and a higher cost are dropped.
//!
//! Inside a subaisle the tour can only take five shapes: skip it (no picks), walk through once,
//! walk through twice, or leave out one gap between neighbouring stops, which covers entering and
//! returning from the front or from the back. Any other multiplicity pattern either leaves a
//! vertex with odd degree or cuts off a piece from the rest of the tour.
//!
//! Blocks behind the farthest block with picks and aisles beyond the outermost pick or the depot
//! are never worth walking, so they are left out. The number of states grows quickly with the
//! number of cross aisles, so layouts where it would take more than about ten milliseconds are
//! left to the caller.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::optimal::Location;
use crate::layout::Layout;

/// The most junctions per column (cross aisles up to the farthest block with picks) handled. With
/// seven, the 16 768 states and their moves alone take longer than local search needs.
const MAX_SLOTS: usize = 6;
/// Frontier states that occur with 0, 1, 2, … junctions per column, measured on dense pick lists.
const STATES_PER_SLOTS: [usize; MAX_SLOTS + 1] = [1, 1, 5, 24, 111, 568, 3032];
/// The most moves the programme is started for: about ten milliseconds. This admits five blocks
/// of about 45 aisles; deeper or wider layouts go to local search.
const MOVE_BUDGET: usize = 4_000_000;

const NONE: u8 = 0;
const ODD: u8 = 1;
const EVEN: u8 = 2;
/// Labels for components that appear during a move; normalisation renames them.
const FRESH_FRONT: u8 = 14;
const FRESH_BACK: u8 = 15;

/// The locations in the order a shortest tour visits them, or `None` if finding it would take
/// more than about ten milliseconds.
pub(super) fn shortest_tour(layout: &Layout, locations: &[Location]) -> Option<Vec<usize>> {
    let Some(far) = locations.iter().map(|location| location.block).max() else {
        return Some(Vec::new());
    };
    if far as usize + 1 > MAX_SLOTS {
        return None;
    }
    let grid = Grid::new(layout, locations, far);
    if estimated_moves(grid.slots, grid.columns.len()) > MOVE_BUDGET {
        return None;
    }
    let plan = grid.solve()?;
    grid.visiting_order(&plan, locations.len())
}

/// About 2.5 moves per state and step: up to five walks of a subaisle, one or two crossings.
fn estimated_moves(slots: usize, columns: usize) -> usize {
    let steps = columns * (2 * slots - 1);
    STATES_PER_SLOTS.get(slots).map_or(usize::MAX, |&states| states.saturating_mul(steps) * 5 / 2)
}

/// How a tour walks one subaisle.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Walk {
    Skip,
    Through,
    ThroughTwice,
    /// Every stretch walked twice except stretch `g`, counted from the front end.
    Gap(usize),
}

/// A way to walk a subaisle and its length.
#[derive(Debug, Clone, Copy)]
struct SubaisleWalk {
    walk: Walk,
    kind: usize,
    cost: f64,
}

/// What each kind of subaisle walk adds to the degrees of its front and back junctions, and
/// whether it connects them.
const WALK_KINDS: [(u8, u8, bool); 6] =
    [(0, 0, false), (1, 1, true), (2, 2, true), (2, 0, false), (0, 2, false), (2, 2, false)];
const SKIP: usize = 0;
const THROUGH: usize = 1;
const THROUGH_TWICE: usize = 2;
const FROM_FRONT: usize = 3;
const FROM_BACK: usize = 4;
const FROM_BOTH_ENDS: usize = 5;

/// One aisle of the graph, or the depot's point on the front cross aisle when it lies between
/// aisles (no subaisle can be walked there).
struct Column {
    x: f64,
    /// Per block, front to back: the locations in the subaisle.
    stops: Vec<Vec<usize>>,
    /// Per block: the ways the subaisle can be walked.
    walks: Vec<Vec<SubaisleWalk>>,
}

struct Grid {
    columns: Vec<Column>,
    /// Junctions per column: cross aisles 0 to the farthest block with picks.
    slots: usize,
    depot_column: usize,
    /// After this column nothing is left to pick and the depot has been passed.
    last_required: usize,
}

/// The decisions of a tour: how each subaisle is walked and how often each stretch of cross aisle
/// between a column and the next is walked.
struct Plan {
    walks: Vec<Vec<Walk>>,
    crossings: Vec<Vec<u8>>,
}

#[derive(Debug, Clone, Copy)]
enum Step {
    Walk { column: usize, block: usize },
    Cross { column: usize, slot: usize },
}

/// The partial tours after one step, indexed by frontier state: for each, the shortest one in
/// that state. A dense array rather than a list of live states: nearly every state is live at
/// every step, and reading the current step in state order reads each move's table in order too.
struct Layer {
    best: Vec<Best>,
}

/// The shortest partial tour in a state (infinitely long if there is none) and, packed as
/// `parent << 3 | choice`, the state of the previous step it grew from and the decision taken.
#[derive(Debug, Clone, Copy)]
struct Best {
    cost: f64,
    trace: u32,
}

impl Layer {
    fn clear(&mut self, states: usize) {
        self.best.clear();
        self.best.resize(states, Best { cost: f64::INFINITY, trace: u32::MAX });
    }
}

/// The best complete tour found: its cost, the step and state it closes from and the closing
/// decision.
struct Closing {
    cost: f64,
    layer: usize,
    state: u32,
    step: Step,
    choice: u8,
}

impl Grid {
    fn new(layout: &Layout, locations: &[Location], far: u32) -> Grid {
        let depot_x = layout.depot_x_m;
        let xs = locations.iter().map(|location| location.place.x);
        let min_x = xs.clone().fold(depot_x, f64::min) - 1e-9;
        let max_x = xs.fold(depot_x, f64::max) + 1e-9;
        let mut columns: Vec<(f64, Option<u32>)> = (1..=layout.aisles)
            .map(|aisle| (layout.aisle_x(aisle), Some(aisle)))
            .filter(|&(x, _)| (min_x..=max_x).contains(&x))
            .collect();
        if !columns.iter().any(|&(x, _)| (x - depot_x).abs() <= 1e-9) {
            columns.push((depot_x, None));
            columns.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        let depot_column = columns
            .iter()
            .position(|&(x, aisle)| aisle.is_none() || (x - depot_x).abs() <= 1e-9)
            .unwrap_or(0);

        let blocks = far as usize;
        let mut stops = vec![vec![Vec::new(); blocks]; columns.len()];
        let mut last_required = depot_column;
        for (at, location) in locations.iter().enumerate() {
            let column =
                columns.iter().position(|&(_, aisle)| aisle == Some(location.aisle)).unwrap_or(0);
            stops[column][location.block as usize - 1].push(at);
            last_required = last_required.max(column);
        }
        let columns = columns
            .into_iter()
            .zip(stops)
            .map(|((x, aisle), mut stops)| {
                let walks = (1..=far)
                    .map(|block| {
                        let stops = &mut stops[block as usize - 1];
                        stops.sort_by(|&a, &b| {
                            locations[a].place.y.total_cmp(&locations[b].place.y)
                        });
                        let ys: Vec<f64> = stops.iter().map(|&at| locations[at].place.y).collect();
                        let front = layout.cross_aisle_y(block - 1);
                        let back = layout.cross_aisle_y(block);
                        subaisle_walks(aisle.is_some(), &ys, front, back)
                    })
                    .collect();
                Column { x, stops, walks }
            })
            .collect();
        Grid { columns, slots: blocks + 1, depot_column, last_required }
    }

    /// The plan of a shortest tour, or `None` if it takes far more moves than estimated.
    fn solve(&self) -> Option<Plan> {
        let n = self.slots;
        let mut states = States::new(n);
        let start = states.id(0) as usize;
        let mut current = Layer { best: Vec::new() };
        current.clear(start + 1);
        current.best[start].cost = 0.0;
        let mut next = Layer { best: Vec::new() };
        // The traces of every step, one after the other: those of the partial tours after step
        // `i - 1` start at `layer_start[i]` (step "-1" being the empty tour at the start).
        let mut traces: Vec<u32> = vec![u32::MAX];
        let step_count = self.columns.len() * (2 * n - 1);
        traces.reserve(step_count * (STATES_PER_SLOTS[n] + RESERVED.len()));
        let mut layer_start = vec![0];
        let mut steps = Vec::new();
        let mut best: Option<Closing> = None;
        let mut moves = 0usize;

        for (c, column) in self.columns.iter().enumerate() {
            let gap_to_next = self.columns.get(c + 1).map(|next| next.x - column.x);
            for step in self.steps_of(c) {
                let options = self.options(step, gap_to_next);
                for &(mv, _, _) in &options {
                    states.learn(mv);
                }
                next.clear(states.keys.len());
                let live = current.best.iter().filter(|b| b.cost.is_finite()).count();
                moves += live * options.len();
                for &(mv, length, choice) in &options {
                    // Every state of the current step was met before this step, so each table
                    // covers them; zipping stops at the shorter of the two. Unreached states
                    // cost infinity, and invalid moves and closings lead to states of their own,
                    // so the loop needs no branch but the comparison.
                    let table = states.table(mv);
                    for (state, (here, &target)) in current.best.iter().zip(table).enumerate() {
                        let cost = here.cost + length;
                        let kept = &mut next.best[target as usize];
                        if cost < kept.cost {
                            let trace = (state as u32) << 3 | u32::from(choice);
                            *kept = Best { cost, trace };
                        }
                    }
                }
                let layer = layer_start.len() - 1;
                let Best { cost, trace } = next.best[CLOSES as usize];
                if c >= self.last_required && best.as_ref().is_none_or(|b| cost < b.cost) {
                    let (state, choice) = (trace >> 3, (trace & 7) as u8);
                    best = Some(Closing { cost, layer, state, step, choice });
                }
                if moves > 2 * MOVE_BUDGET {
                    return None;
                }
                layer_start.push(traces.len());
                traces.extend(next.best.iter().map(|b| b.trace));
                std::mem::swap(&mut current, &mut next);
                steps.push(step);
            }
        }

        let closing = best?;
        let mut plan = Plan {
            walks: vec![vec![Walk::Skip; n - 1]; self.columns.len()],
            crossings: vec![vec![0; n]; self.columns.len()],
        };
        self.apply(&mut plan, closing.step, closing.choice);
        let (mut layer, mut state) = (closing.layer, closing.state as usize);
        while layer > 0 {
            let trace = traces[layer_start[layer] + state];
            self.apply(&mut plan, steps[layer - 1], (trace & 7) as u8);
            state = (trace >> 3) as usize;
            layer -= 1;
        }
        Some(plan)
    }

    /// The moves of `step`, with the length each adds and its decision.
    fn options(&self, step: Step, gap_to_next: Option<f64>) -> Vec<(Move, f64, u8)> {
        match step {
            Step::Walk { column, block } => (self.columns[column].walks[block - 1].iter())
                .enumerate()
                .map(|(choice, walk)| {
                    (Move::Walk { block, kind: walk.kind }, walk.cost, choice as u8)
                })
                .collect(),
            Step::Cross { column, slot } => {
                let depot = column == self.depot_column && slot == 0;
                // After the last column there is nothing to cross to.
                let most = if gap_to_next.is_some() { 2 } else { 0 };
                (0..=most)
                    .map(|times| {
                        let length = f64::from(times) * gap_to_next.unwrap_or(0.0);
                        (Move::Cross { slot, times, depot }, length, times)
                    })
                    .collect()
            }
        }
    }

    /// The steps that add column `c`: its subaisles front to back, then the stretches of cross
    /// aisle to the next column.
    fn steps_of(&self, c: usize) -> impl Iterator<Item = Step> {
        let walks = (1..self.slots).map(move |block| Step::Walk { column: c, block });
        walks.chain((0..self.slots).map(move |slot| Step::Cross { column: c, slot }))
    }

    fn apply(&self, plan: &mut Plan, step: Step, choice: u8) {
        match step {
            Step::Walk { column, block } => {
                plan.walks[column][block - 1] =
                    self.columns[column].walks[block - 1][choice as usize].walk;
            }
            Step::Cross { column, slot } => plan.crossings[column][slot] = choice,
        }
    }

    /// Walks the planned tour as an Euler circuit from the depot and lists the locations in the
    /// order they are first reached.
    fn visiting_order(&self, plan: &Plan, count: usize) -> Option<Vec<usize>> {
        let n = self.slots;
        let junction = |column: usize, slot: usize| column * n + slot;
        let first_location = self.columns.len() * n;
        let mut edges: Vec<(usize, usize)> = Vec::new();
        for (c, column) in self.columns.iter().enumerate() {
            for slot in 0..n {
                for _ in 0..plan.crossings[c][slot] {
                    edges.push((junction(c, slot), junction(c + 1, slot)));
                }
            }
            for (b, stops) in column.stops.iter().enumerate() {
                let mut chain = vec![junction(c, b)];
                chain.extend(stops.iter().map(|&at| first_location + at));
                chain.push(junction(c, b + 1));
                for (stretch, pair) in chain.windows(2).enumerate() {
                    let times = match plan.walks[c][b] {
                        Walk::Skip => 0,
                        Walk::Through => 1,
                        Walk::ThroughTwice => 2,
                        Walk::Gap(gap) if gap == stretch => 0,
                        Walk::Gap(_) => 2,
                    };
                    for _ in 0..times {
                        edges.push((pair[0], pair[1]));
                    }
                }
            }
        }

        let mut incident = vec![Vec::new(); first_location + count];
        for (e, &(u, v)) in edges.iter().enumerate() {
            incident[u].push(e);
            incident[v].push(e);
        }
        let mut used = vec![false; edges.len()];
        let mut next_edge = vec![0; incident.len()];
        // Hierholzer's algorithm: the circuit is complete in the order vertices leave the stack.
        let mut circuit = Vec::with_capacity(edges.len() + 1);
        let mut stack = vec![junction(self.depot_column, 0)];
        while let Some(&vertex) = stack.last() {
            let around = &incident[vertex];
            while next_edge[vertex] < around.len() && used[around[next_edge[vertex]]] {
                next_edge[vertex] += 1;
            }
            match around.get(next_edge[vertex]) {
                Some(&e) => {
                    used[e] = true;
                    let (u, v) = edges[e];
                    stack.push(if u == vertex { v } else { u });
                }
                None => {
                    circuit.push(vertex);
                    stack.pop();
                }
            }
        }
        let mut seen = vec![false; count];
        let mut order = Vec::with_capacity(count);
        for &vertex in circuit.iter().rev() {
            if vertex >= first_location
                && !std::mem::replace(&mut seen[vertex - first_location], true)
            {
                order.push(vertex - first_location);
            }
        }
        (order.len() == count).then_some(order)
    }
}

/// The ways to walk a subaisle between cross aisles at `front` and `back` with stops at `ys`
/// (sorted front to back).
fn subaisle_walks(walkable: bool, ys: &[f64], front: f64, back: f64) -> Vec<SubaisleWalk> {
    let length = back - front;
    let walk = |walk, kind, cost| SubaisleWalk { walk, kind, cost };
    if !walkable {
        return vec![walk(Walk::Skip, SKIP, 0.0)];
    }
    let mut walks = vec![
        walk(Walk::Through, THROUGH, length),
        walk(Walk::ThroughTwice, THROUGH_TWICE, 2.0 * length),
    ];
    let (Some(&first), Some(&last)) = (ys.first(), ys.last()) else {
        walks.push(walk(Walk::Skip, SKIP, 0.0));
        return walks;
    };
    let stretches = ys.len();
    walks.push(walk(Walk::Gap(stretches), FROM_FRONT, 2.0 * (last - front)));
    walks.push(walk(Walk::Gap(0), FROM_BACK, 2.0 * (back - first)));
    let widest = (1..stretches).max_by(|&a, &b| {
        let gap = |g: usize| ys[g] - ys[g - 1];
        gap(a).total_cmp(&gap(b))
    });
    if let Some(g) = widest {
        let cost = 2.0 * (length - (ys[g] - ys[g - 1]));
        walks.push(walk(Walk::Gap(g), FROM_BOTH_ENDS, cost));
    }
    walks
}

/// Two states of their own for the moves that lead to no partial tour: an invalid move, and
/// one that closes a tour. Neither has moves out, and their keys are no packed frontier.
const INVALID: u32 = 0;
const CLOSES: u32 = 1;
const RESERVED: [u64; 2] = [u64::MAX, u64::MAX - 1];

/// The frontier states met so far, numbered densely, with the outcome of every move from each
/// of them remembered: the same few thousand states recur in every column, so each move is
/// worked out once.
struct States {
    slots: usize,
    keys: Vec<u64>,
    ids: HashMap<u64, u32, BuildHasherDefault<KeyHasher>>,
    /// Per move (each walk kind in each block, then walking each cross-aisle stretch 0, 1 or 2
    /// times), the next state from each state. Grouping by move keeps one step's lookups close
    /// together in memory.
    moves: Vec<Vec<u32>>,
}

impl States {
    fn new(slots: usize) -> States {
        // The depot's junction has crossing moves of its own, after those of the other slots.
        let count = (slots - 1) * WALK_KINDS.len() + 3 * (slots + 1);
        let mut states = States {
            slots,
            keys: Vec::new(),
            ids: HashMap::default(),
            moves: vec![Vec::new(); count],
        };
        for key in RESERVED {
            states.id(key);
        }
        states
    }

    fn id(&mut self, key: u64) -> u32 {
        if let Some(&id) = self.ids.get(&key) {
            return id;
        }
        let id = self.keys.len() as u32;
        self.keys.push(key);
        self.ids.insert(key, id);
        id
    }

    fn index(&self, mv: Move) -> usize {
        match mv {
            Move::Walk { block, kind } => (block - 1) * WALK_KINDS.len() + kind,
            Move::Cross { slot, times, depot } => {
                let slot = if depot { self.slots } else { slot };
                (self.slots - 1) * WALK_KINDS.len() + 3 * slot + usize::from(times)
            }
        }
    }

    /// The next state after `mv` from every state learned so far.
    fn table(&self, mv: Move) -> &[u32] {
        &self.moves[self.index(mv)]
    }

    /// Works out `mv` from every state met so far whose outcome is not known yet. States are
    /// numbered in the order they are met, so the known outcomes of a move are a prefix of its
    /// table. States first met while doing so are left for the next call.
    fn learn(&mut self, mv: Move) {
        let at = self.index(mv);
        for state in self.moves[at].len()..self.keys.len() {
            let key = self.keys[state];
            let target = match mv {
                _ if RESERVED.contains(&key) => INVALID,
                // Skipping a subaisle changes nothing.
                Move::Walk { kind: SKIP, .. } => state as u32,
                Move::Walk { block, kind } => self.walk(key, block, kind),
                Move::Cross { slot, times, depot } => self.cross(key, slot, times, depot),
            };
            self.moves[at].push(target);
        }
    }

    /// The state after walking subaisle `block` (1-based) in the way `kind`.
    fn walk(&mut self, key: u64, block: usize, kind: usize) -> u32 {
        let n = self.slots;
        let (front, back, joins) = WALK_KINDS[kind];
        let mut frontier = Frontier::decode(key, n);
        frontier.add(block - 1, front, FRESH_FRONT);
        frontier.add(block, back, FRESH_BACK);
        if joins {
            frontier.join(block - 1, block, n);
        }
        self.id(frontier.encode(n))
    }

    /// The state after walking the stretch of cross aisle `slot` to the next column `times`
    /// times, which moves the frontier's junction on that cross aisle one column on. If the old
    /// junction's component can no longer grow, the result is [`CLOSES`] when that component is
    /// all there is (a complete tour) and [`INVALID`] otherwise.
    fn cross(&mut self, key: u64, slot: usize, times: u8, depot: bool) -> u32 {
        let n = self.slots;
        let before = Frontier::decode(key, n);
        let (degree, label) = (before.class[slot], before.label[slot]);
        if (degree == ODD) != (times == 1) {
            return INVALID;
        }
        // The depot must be on the tour; walking to another junction only to come straight back
        // never helps.
        if degree == NONE && (if depot { times == 0 } else { times == 2 }) {
            return INVALID;
        }
        let mut after = before;
        after.class[slot] = [NONE, ODD, EVEN][usize::from(times)];
        after.label[slot] = match (times, degree) {
            (0, _) => 0,
            (_, NONE) => FRESH_FRONT,
            _ => label,
        };
        let still_open =
            (0..n).any(|i| i != slot && before.class[i] != NONE && before.label[i] == label);
        if times == 0 && degree != NONE && !still_open {
            return if after.class[..n].iter().all(|&class| class == NONE) {
                CLOSES
            } else {
                INVALID
            };
        }
        self.id(after.encode(n))
    }
}

/// Hashes packed frontier states with one multiplication (Fibonacci hashing): they are not
/// chosen by an adversary, and the standard hasher's resistance to that costs more than the
/// lookup itself.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = (self.0 ^ key).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

/// A move from one frontier state to the next.
#[derive(Debug, Clone, Copy)]
enum Move {
    Walk {
        block: usize,
        kind: usize,
    },
    /// `depot`: the junction is the depot, which must be on the tour.
    Cross {
        slot: usize,
        times: u8,
        depot: bool,
    },
}

/// What the future of a partial tour depends on: for each junction of the current column, its
/// degree class and the component it belongs to.
#[derive(Debug, Clone, Copy)]
struct Frontier {
    class: [u8; MAX_SLOTS],
    label: [u8; MAX_SLOTS],
}

impl Frontier {
    fn decode(key: u64, n: usize) -> Frontier {
        let mut state = Frontier { class: [NONE; MAX_SLOTS], label: [0; MAX_SLOTS] };
        for i in 0..n {
            let bits = (key >> (6 * i)) & 0x3f;
            state.class[i] = (bits & 3) as u8;
            state.label[i] = (bits >> 2) as u8;
        }
        state
    }

    /// Packs the state, renaming components in order of first appearance so that equal states
    /// get equal keys.
    fn encode(&self, n: usize) -> u64 {
        let mut renamed = [u8::MAX; 16];
        let mut next = 0;
        let mut key = 0;
        for i in 0..n {
            if self.class[i] == NONE {
                continue;
            }
            let label = &mut renamed[self.label[i] as usize];
            if *label == u8::MAX {
                *label = next;
                next += 1;
            }
            key |= (u64::from(self.class[i]) | u64::from(*label) << 2) << (6 * i);
        }
        key
    }

    fn add(&mut self, slot: usize, degree: u8, fresh: u8) {
        if degree == 0 {
            return;
        }
        if self.class[slot] == NONE {
            self.label[slot] = fresh;
        }
        let odd = (self.class[slot] == ODD) != (degree % 2 == 1);
        self.class[slot] = if odd { ODD } else { EVEN };
    }

    fn join(&mut self, a: usize, b: usize, n: usize) {
        let (keep, merge) = (self.label[a], self.label[b]);
        for i in 0..n {
            if self.class[i] != NONE && self.label[i] == merge {
                self.label[i] = keep;
            }
        }
    }
}
