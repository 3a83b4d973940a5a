//! Tour search over the distance matrix, for layouts too deep for [`super::exact`].
//!
//! Few locations are solved exactly by dynamic programming over subsets (Held & Karp 1962). More
//! are improved from the given starting orders by 2-opt and Or-opt moves until no move helps,
//! then repeatedly kicked (two neighbouring stretches swapped, a local double bridge) and improved
//! again, keeping the best tour: iterated local search, run as several independent searches.
//! The random numbers come from a fixed seed, so the same pick list always gets the same route.

use super::distance::Place;
use super::optimal::Location;
use crate::layout::Layout;

/// Independent searches, and the most kicks each tries after its first descent (fifteen per
/// location up to this): some tens of milliseconds for 150 locations, and on six- and seven-block
/// test layouts enough to find the optimum every time.
const CHAINS: usize = 6;
const KICKS_PER_CHAIN: usize = 1500;
const SEED: u64 = 0x5eed_b4c6_4007_0f0f;

/// Shortest-path distances between the depot (node 0) and the locations (node `i + 1`).
pub(super) struct Matrix {
    size: usize,
    metres: Vec<f64>,
}

impl Matrix {
    pub fn new(layout: &Layout, locations: &[Location]) -> Matrix {
        let places: Vec<Place> = std::iter::once(Place::depot(layout))
            .chain(locations.iter().map(|location| location.place))
            .collect();
        let size = places.len();
        let mut metres = vec![0.0; size * size];
        for (i, a) in places.iter().enumerate() {
            for (j, b) in places.iter().enumerate() {
                metres[i * size + j] = a.distance(b);
            }
        }
        Matrix { size, metres }
    }

    fn get(&self, a: usize, b: usize) -> f64 {
        self.metres[a * self.size + b]
    }

    /// Length of the closed tour through `nodes` (which start with the depot).
    fn closed_length(&self, nodes: &[usize]) -> f64 {
        let back = self.get(nodes[nodes.len() - 1], nodes[0]);
        nodes.windows(2).map(|pair| self.get(pair[0], pair[1])).sum::<f64>() + back
    }
}

/// A shortest order of all locations, by dynamic programming over subsets. Meant for at most a
/// dozen locations: time and memory grow as `2^n`.
pub(super) fn subset_search(matrix: &Matrix) -> Vec<usize> {
    let n = matrix.size - 1;
    if n == 0 {
        return Vec::new();
    }
    let full = 1usize << n;
    // cost[set * n + last]: shortest path from the depot through `set`, ending at `last`.
    let mut cost = vec![f64::INFINITY; full * n];
    let mut previous = vec![usize::MAX; full * n];
    for last in 0..n {
        cost[(1 << last) * n + last] = matrix.get(0, last + 1);
    }
    for set in 1..full {
        for last in 0..n {
            let here = cost[set * n + last];
            if set & (1 << last) == 0 || here.is_infinite() {
                continue;
            }
            for next in 0..n {
                if set & (1 << next) != 0 {
                    continue;
                }
                let grown = set | (1 << next);
                let through = here + matrix.get(last + 1, next + 1);
                if through < cost[grown * n + next] {
                    cost[grown * n + next] = through;
                    previous[grown * n + next] = last;
                }
            }
        }
    }
    let all = full - 1;
    let closed = |last: usize| cost[all * n + last] + matrix.get(last + 1, 0);
    let mut last = (0..n).min_by(|&a, &b| closed(a).total_cmp(&closed(b))).unwrap_or(0);
    let mut set = all;
    let mut order = Vec::with_capacity(n);
    while last != usize::MAX {
        order.push(last);
        let before = previous[set * n + last];
        set &= !(1 << last);
        last = before;
    }
    order.reverse();
    order
}

/// The best tour found from the starting orders of locations (each a permutation of `0..n`).
pub(super) fn improve(matrix: &Matrix, starts: Vec<Vec<usize>>) -> Vec<usize> {
    let n = matrix.size - 1;
    if n < 4 {
        return subset_search(matrix);
    }
    let mut search = Search::new(matrix);
    let mut descended: Vec<(f64, Vec<usize>)> = starts
        .into_iter()
        .filter(|order| order.len() == n)
        .map(|order| std::iter::once(0).chain(order.into_iter().map(|at| at + 1)).collect())
        .chain([nearest_neighbour(matrix)])
        .map(|tour: Vec<usize>| {
            search.load(&tour);
            search.descend();
            (search.length(), search.tour.clone())
        })
        .collect();
    descended.sort_by(|a, b| a.0.total_cmp(&b.0));

    // Several shorter searches from different starts find the optimum more reliably than one
    // long one: a single search tends to settle in one deep local optimum.
    let mut random = SplitMix(SEED);
    let kicks = (15 * n).clamp(200, KICKS_PER_CHAIN);
    let mut best_of_all: Option<(f64, Vec<usize>)> = None;
    for chain in 0..CHAINS {
        let (mut best_length, mut best) = descended[chain % descended.len()].clone();
        search.settle(&best);
        let mut current_length = best_length;
        for _ in 0..kicks {
            search.kick(&mut random);
            search.descend();
            let length = search.length();
            if length < best_length - EPSILON {
                best.clone_from(&search.tour);
                best_length = length;
                current_length = length;
            } else if length <= current_length + EPSILON {
                // Equal tours are accepted so that the search can drift across plateaus, which
                // are common because many walks between aisles have the same length.
                current_length = length;
            } else {
                search.settle(&best);
                current_length = best_length;
            }
        }
        if best_of_all.as_ref().is_none_or(|(length, _)| best_length < length - EPSILON) {
            best_of_all = Some((best_length, best));
        }
    }
    let best = best_of_all.map(|(_, tour)| tour).unwrap_or_default();
    let depot = best.iter().position(|&node| node == 0).unwrap_or(0);
    best[depot..].iter().chain(&best[..depot]).skip(1).map(|&node| node - 1).collect()
}

const EPSILON: f64 = 1e-9;
/// Candidate partners per stop for a move: its nearest stops.
const NEIGHBOURS: usize = 12;
/// The longest run of stops an Or-opt move carries.
const LONGEST_RUN: usize = 3;
/// The longest stretch a kick moves.
const LONGEST_KICK: usize = 30;

/// A cyclic tour with the position of each node, nearest-neighbour lists and a queue of nodes
/// whose surroundings may still be improved (don't-look bits).
struct Search<'a> {
    matrix: &'a Matrix,
    tour: Vec<usize>,
    position: Vec<usize>,
    near: Vec<Vec<usize>>,
    queue: std::collections::VecDeque<usize>,
    queued: Vec<bool>,
}

impl<'a> Search<'a> {
    fn new(matrix: &'a Matrix) -> Search<'a> {
        let size = matrix.size;
        let near = (0..size)
            .map(|a| {
                let mut others: Vec<usize> = (0..size).filter(|&b| b != a).collect();
                others.sort_by(|&b, &c| matrix.get(a, b).total_cmp(&matrix.get(a, c)));
                others.truncate(NEIGHBOURS);
                others
            })
            .collect();
        Search {
            matrix,
            tour: Vec::new(),
            position: vec![0; size],
            near,
            queue: std::collections::VecDeque::new(),
            queued: vec![false; size],
        }
    }

    fn load(&mut self, tour: &[usize]) {
        self.tour.clear();
        self.tour.extend_from_slice(tour);
        for (at, &node) in self.tour.iter().enumerate() {
            self.position[node] = at;
        }
        for node in 0..self.matrix.size {
            self.wake(node);
        }
    }

    /// Loads a tour that is already a local optimum, so no node needs another look.
    fn settle(&mut self, tour: &[usize]) {
        self.tour.clear();
        self.tour.extend_from_slice(tour);
        for (at, &node) in self.tour.iter().enumerate() {
            self.position[node] = at;
        }
        while let Some(node) = self.queue.pop_front() {
            self.queued[node] = false;
        }
    }

    fn length(&self) -> f64 {
        self.matrix.closed_length(&self.tour)
    }

    fn d(&self, a: usize, b: usize) -> f64 {
        self.matrix.get(a, b)
    }

    fn next(&self, node: usize) -> usize {
        let at = self.position[node] + 1;
        self.tour[if at == self.tour.len() { 0 } else { at }]
    }

    fn previous(&self, node: usize) -> usize {
        let at = self.position[node];
        self.tour[if at == 0 { self.tour.len() - 1 } else { at - 1 }]
    }

    fn wake(&mut self, node: usize) {
        if !self.queued[node] {
            self.queued[node] = true;
            self.queue.push_back(node);
        }
    }

    /// Applies improving moves around queued nodes until none is left.
    fn descend(&mut self) {
        while let Some(node) = self.queue.pop_front() {
            self.queued[node] = false;
            if self.two_opt(node) || self.or_opt(node) {
                self.wake(node);
            }
        }
    }

    /// Replaces two tour edges, one at `a`, by two shorter ones (reversing the path between).
    fn two_opt(&mut self, a: usize) -> bool {
        for forward in [true, false] {
            let b = if forward { self.next(a) } else { self.previous(a) };
            let ab = self.d(a, b);
            for i in 0..self.near[a].len() {
                let c = self.near[a][i];
                let ac = self.d(a, c);
                if ac >= ab - EPSILON {
                    break;
                }
                let e = if forward { self.next(c) } else { self.previous(c) };
                if c == b || e == a {
                    continue;
                }
                if ab + self.d(c, e) - ac - self.d(b, e) > EPSILON {
                    // Forward: a b … c e becomes a c … b e. Backward: e c … b a becomes
                    // e b … c a. Either way the path from b to c is reversed.
                    if forward {
                        self.reverse(self.position[b], self.position[c]);
                    } else {
                        self.reverse(self.position[c], self.position[b]);
                    }
                    for node in [a, b, c, e] {
                        self.wake(node);
                    }
                    return true;
                }
            }
        }
        false
    }

    /// Reverses the tour from position `from` forward to position `to` (cyclically), or the
    /// complementary stretch when that is shorter, which gives the same cycle.
    fn reverse(&mut self, from: usize, to: usize) {
        let size = self.tour.len();
        let mut length = (to + size - from) % size + 1;
        let (mut i, mut j) = (from, to);
        if 2 * length > size {
            (i, j) = ((to + 1) % size, (from + size - 1) % size);
            length = size - length;
        }
        for _ in 0..length / 2 {
            self.tour.swap(i, j);
            self.position[self.tour[i]] = i;
            self.position[self.tour[j]] = j;
            i = if i + 1 == size { 0 } else { i + 1 };
            j = if j == 0 { size - 1 } else { j - 1 };
        }
    }

    /// Moves a run of up to [`LONGEST_RUN`] stops starting at `first` between two neighbouring
    /// stops elsewhere, in either direction.
    fn or_opt(&mut self, first: usize) -> bool {
        let size = self.tour.len();
        let start = self.position[first];
        for run in 1..=LONGEST_RUN.min(size - 3) {
            let inside =
                |position: &[usize], node: usize| wrap(position[node] + size - start, size) < run;
            let last = self.tour[wrap(start + run - 1, size)];
            let (before, after) = (self.previous(first), self.next(last));
            let removed = self.d(before, first) + self.d(last, after) - self.d(before, after);
            if removed <= EPSILON {
                continue;
            }
            let mut best: Option<(f64, usize, bool)> = None;
            for end in [first, last] {
                for i in 0..self.near[end].len() {
                    let c = self.near[end][i];
                    // The new edge at `end` alone must be shorter than what the removal saves.
                    if self.d(end, c) >= removed - EPSILON {
                        break;
                    }
                    if inside(&self.position, c) {
                        continue;
                    }
                    for (u, v) in [(c, self.next(c)), (self.previous(c), c)] {
                        if inside(&self.position, u) || inside(&self.position, v) {
                            continue;
                        }
                        let base = self.d(u, v);
                        for reversed in [false, true] {
                            let (head, tail) = if reversed { (last, first) } else { (first, last) };
                            let gain = removed - (self.d(u, head) + self.d(tail, v) - base);
                            if gain > best.map_or(EPSILON, |b| b.0) {
                                best = Some((gain, u, reversed));
                            }
                        }
                    }
                }
            }
            if let Some((_, u, reversed)) = best {
                let mut moved: Vec<usize> =
                    (0..run).map(|k| self.tour[wrap(start + k, size)]).collect();
                if reversed {
                    moved.reverse();
                }
                let from = self.position[after];
                let rest: Vec<usize> =
                    (0..size - run).map(|k| self.tour[wrap(from + k, size)]).collect();
                let at = rest.iter().position(|&node| node == u).unwrap_or(0);
                self.tour.clear();
                self.tour.extend_from_slice(&rest[..=at]);
                self.tour.extend_from_slice(&moved);
                self.tour.extend_from_slice(&rest[at + 1..]);
                for (at, &node) in self.tour.iter().enumerate() {
                    self.position[node] = at;
                }
                let v = self.next(moved[run - 1]);
                for node in [before, after, first, last, u, v] {
                    self.wake(node);
                }
                return true;
            }
        }
        false
    }

    /// Swaps two neighbouring stretches of the tour (a double bridge kept local, so that the
    /// following descent repairs it quickly).
    fn kick(&mut self, random: &mut SplitMix) {
        let size = self.tour.len();
        let longest = (size / 3).clamp(1, LONGEST_KICK) as u64;
        let start = (random.next() % size as u64) as usize;
        let first = 1 + (random.next() % longest) as usize;
        let second = 1 + (random.next() % longest) as usize;
        let at = |k: usize| (start + k) % size;
        let old: Vec<usize> = (0..first + second).map(|k| self.tour[at(k)]).collect();
        let swapped = old[first..].iter().chain(&old[..first]);
        for (k, &node) in swapped.enumerate() {
            self.tour[at(k)] = node;
            self.position[node] = at(k);
        }
        let ends = [at(0), at(first + second - 1), at(second - 1), at(second)];
        let outside = [(start + size - 1) % size, at(first + second)];
        for spot in ends.into_iter().chain(outside) {
            self.wake(self.tour[spot]);
        }
    }
}

/// `at % size` for `at < 2 * size`, without a division (this sits in the innermost loops).
fn wrap(at: usize, size: usize) -> usize {
    if at >= size { at - size } else { at }
}

fn nearest_neighbour(matrix: &Matrix) -> Vec<usize> {
    let mut tour = vec![0];
    let mut left: Vec<usize> = (1..matrix.size).collect();
    while !left.is_empty() {
        let here = tour[tour.len() - 1];
        let (at, _) = left
            .iter()
            .enumerate()
            .min_by(|a, b| matrix.get(here, *a.1).total_cmp(&matrix.get(here, *b.1)))
            .unwrap_or((0, &0));
        tour.push(left.remove(at));
    }
    tour
}

/// A small, fast pseudo-random generator (Steele, Lea & Flood 2014); quality is ample for kicks.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}
