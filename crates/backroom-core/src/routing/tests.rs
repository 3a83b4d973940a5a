use proptest::prelude::*;
use proptest::sample::Index;

use super::optimal::locations;
use super::*;
use crate::layout::Side;

fn layout(aisles: u32, blocks: u32, slots: u32, depot_x_m: f64) -> Layout {
    Layout {
        name: "test".to_owned(),
        aisles,
        blocks,
        slots_per_side: slots,
        slot_length_m: 1.0,
        aisle_pitch_m: 3.0,
        cross_aisle_m: 2.0,
        depot_x_m,
    }
}

fn pick(id: &str, aisle: u32, block: u32, slot: u32) -> Pick {
    Pick { id: id.to_owned(), bin: BinCode { aisle, block, slot, side: Side::Left } }
}

fn ids(picks: &[Pick], sequence: &[usize]) -> Vec<String> {
    sequence.iter().map(|&i| picks[i].id.clone()).collect()
}

/// The shortest tour length by exhaustive search over orders of the distinct locations, cut short
/// only when a partial tour is already longer than the best complete one.
fn brute_force_minimum(layout: &Layout, picks: &[Pick]) -> f64 {
    let mut bins: Vec<BinCode> = Vec::new();
    for pick in picks {
        let at = BinCode { side: Side::Left, ..pick.bin };
        if !bins.contains(&at) {
            bins.push(at);
        }
    }
    let stops: Vec<Stop> =
        std::iter::once(Stop::Depot).chain(bins.into_iter().map(Stop::Bin)).collect();
    let d: Vec<Vec<f64>> =
        stops.iter().map(|&a| stops.iter().map(|&b| distance(layout, a, b)).collect()).collect();

    fn search(d: &[Vec<f64>], here: usize, left: &mut Vec<usize>, so_far: f64, best: &mut f64) {
        if so_far >= *best {
            return;
        }
        if left.is_empty() {
            *best = best.min(so_far + d[here][0]);
            return;
        }
        for i in 0..left.len() {
            let next = left.swap_remove(i);
            search(d, next, left, so_far + d[here][next], best);
            left.push(next);
            let last = left.len() - 1;
            left.swap(i, last);
        }
    }
    let mut best = f64::INFINITY;
    search(&d, 0, &mut (1..stops.len()).collect(), 0.0, &mut best);
    best
}

fn is_permutation(sequence: &[usize], count: usize) -> bool {
    let mut seen = vec![false; count];
    sequence.len() == count
        && sequence.iter().all(|&i| i < count && !std::mem::replace(&mut seen[i], true))
}

#[test]
fn method_names_round_trip() {
    for method in Method::ALL {
        assert_eq!(method.name().parse::<Method>(), Ok(method));
        assert_eq!(serde_json::to_string(&method).unwrap(), format!("\"{method}\""));
    }
    let err = "shortest".parse::<Method>().unwrap_err();
    assert_eq!(err, RouteError::UnknownMethod("shortest".to_owned()));
}

#[test]
fn the_worked_example_tour_is_the_shortest() {
    let layout = layout(3, 2, 4, 0.0);
    let picks = [pick("far", 3, 2, 4), pick("near", 2, 1, 1)];
    let best = route(&layout, &picks, Method::Optimal).unwrap();
    assert_eq!(best.distance_m, 33.0);
    assert_eq!(tour_length(&layout, &picks, &[1, 0]), 33.0);
    assert_eq!(tour_length(&layout, &picks, &[0, 1]), 33.0);
}

#[test]
fn a_pick_reached_on_the_way_back_is_visited_then() {
    // The shortest walk goes up aisle 1 to block 3, back down to the middle cross aisle, over to
    // aisle 2 and down it; the pick at the front of aisle 1 is passed on the way up. Reading the
    // visiting order off the walk must follow the walk, not the order the walk was built in.
    let layout = Layout { cross_aisle_m: 2.0, ..layout(8, 4, 11, 0.0) };
    let picks = [pick("P1", 1, 1, 1), pick("P2", 2, 1, 1), pick("P3", 1, 3, 1)];
    let best = route(&layout, &picks, Method::Optimal).unwrap();
    assert_eq!(best.distance_m, 61.0);
    assert_eq!(best.distance_m, brute_force_minimum(&layout, &picks));
}

#[test]
fn an_empty_pick_list_is_an_empty_tour() {
    for method in Method::ALL {
        let planned = route(&layout(3, 2, 4, 0.0), &[], method).unwrap();
        assert_eq!((planned.distance_m, planned.sequence), (0.0, vec![]));
    }
}

#[test]
fn heuristics_follow_the_single_block_reference_example() {
    // From the benchmark's self-test: x = 0, 2, 4, 6; front cross aisle at y 1, back at 13.
    let layout = Layout { aisle_pitch_m: 2.0, ..layout(4, 1, 10, 0.0) };
    let picks = [pick("A", 1, 1, 2), pick("B", 2, 1, 9), pick("C", 4, 1, 1)];
    for method in [Method::SShape, Method::LargestGap] {
        let planned = route(&layout, &picks, method).unwrap();
        assert_eq!(ids(&picks, &planned.sequence), ["A", "B", "C"], "{method}");
    }
}

#[test]
fn heuristics_sweep_the_farthest_block_first() {
    // Block 2 has picks in aisles 1 and 3, block 1 in aisle 2. Both heuristics go up aisle 1,
    // cross block 2 at the back and come down aisle 3, then take aisle 2 of block 1 from the
    // middle cross aisle down to the front (largest gap: it is the only and so the last subaisle).
    let layout = layout(3, 2, 10, 0.0);
    let picks = [pick("c", 2, 1, 8), pick("a", 1, 2, 2), pick("d", 2, 1, 1), pick("b", 3, 2, 9)];
    let mut lengths = Vec::new();
    for method in [Method::SShape, Method::LargestGap] {
        let planned = route(&layout, &picks, method).unwrap();
        assert_eq!(ids(&picks, &planned.sequence), ["a", "b", "c", "d"], "{method}");
        lengths.push(planned.distance_m);
    }
    let best = route(&layout, &picks, Method::Optimal).unwrap();
    assert!(lengths.iter().all(|&length| best.distance_m <= length));
}

#[test]
fn picks_at_one_slot_are_taken_together() {
    let layout = layout(5, 2, 6, 0.0);
    let mut picks = vec![pick("a", 4, 2, 3), pick("b", 1, 1, 2), pick("c", 4, 2, 3)];
    picks[2].bin.side = Side::Right;
    let best = route(&layout, &picks, Method::Optimal).unwrap();
    let at = |id: &str| best.sequence.iter().position(|&i| picks[i].id == id).unwrap();
    assert_eq!(at("a").abs_diff(at("c")), 1);
    assert_eq!(locations(&layout, &picks).len(), 2);
}

#[test]
fn bad_picks_name_the_pick_and_field() {
    let layout = layout(3, 2, 4, 0.0);
    let err = route(&layout, &[pick("P1", 1, 1, 1), pick("P9", 2, 3, 1)], Method::Optimal);
    assert_eq!(
        err.unwrap_err(),
        RouteError::OutsideLayout { id: "P9".to_owned(), field: "block", value: 3, max: 2 }
    );
    let err = route(&layout, &[pick("P1", 0, 1, 1)], Method::SShape).unwrap_err();
    assert!(err.to_string().contains("`aisle` is 0"), "{err}");
    let err = route(&layout, &[pick("P1", 1, 1, 5)], Method::SShape).unwrap_err();
    assert!(err.to_string().contains("`slot`"), "{err}");
    let err = route(&layout, &[pick("P1", 1, 1, 1), pick("P1", 2, 1, 1)], Method::Optimal);
    assert_eq!(err.unwrap_err(), RouteError::DuplicateId { id: "P1".to_owned() });
    let err = route(&layout, &[pick("", 1, 1, 1)], Method::Optimal).unwrap_err();
    assert_eq!(err, RouteError::EmptyId { position: 1 });
    let bad_layout = Layout { aisles: 0, ..layout.clone() };
    assert!(matches!(route(&bad_layout, &[], Method::Optimal), Err(RouteError::Layout(_))));
}

#[test]
fn typescript_types_match_the_json() {
    use ts_rs::TS;
    let cfg = ts_rs::Config::new();
    let method = Method::decl(&cfg);
    assert!(method.contains(r#""s-shape" | "largest-gap" | "optimal""#), "{method}");
    // The bin's fields sit beside the id, as in the pick files.
    let declared = Pick::decl(&cfg);
    assert!(declared.contains("id: string") && declared.contains("aisle: number"), "{declared}");
    let json = serde_json::to_value(pick("P1", 3, 1, 12)).unwrap();
    assert_eq!(json["aisle"], 3);
    assert_eq!(json["side"], "L");
    let route = Route::decl(&cfg);
    assert!(route.contains("sequence: Array<number>"), "{route}");
}

const LAYOUT_JSON: &str = r#"{"name": "worked-example", "aisles": 3, "blocks": 2,
    "slots_per_side": 4, "slot_length_m": 1.0, "aisle_pitch_m": 3.0, "cross_aisle_m": 2.0}"#;

#[test]
fn route_files_prints_the_benchmark_contract() {
    let picks = r#"{"layout": "worked-example", "picks": [
        {"id": "P1", "aisle": 3, "block": 2, "slot": 4, "side": "R"},
        {"id": "P2", "aisle": 2, "block": 1, "slot": 1, "side": "L"}]}"#;
    let output = route_files(LAYOUT_JSON, picks, Method::Optimal).unwrap();
    let printed = serde_json::to_string(&output).unwrap();
    let reverse = r#"{"method":"optimal","distance_m":33.0,"sequence":["P2","P1"]}"#;
    let forward = r#"{"method":"optimal","distance_m":33.0,"sequence":["P1","P2"]}"#;
    assert!(printed == reverse || printed == forward, "{printed}");
}

#[test]
fn route_files_checks_the_pick_file() {
    let wrong = r#"{"layout": "other", "picks": []}"#;
    let err = route_files(LAYOUT_JSON, wrong, Method::Optimal).unwrap_err();
    let expected =
        RouteError::WrongLayout { layout: "worked-example".to_owned(), picks: "other".to_owned() };
    assert_eq!(err, expected);
    let outside = r#"{"layout": "worked-example", "picks": [
        {"id": "P1", "aisle": 4, "block": 1, "slot": 1, "side": "L"}]}"#;
    let err = route_files(LAYOUT_JSON, outside, Method::Optimal).unwrap_err();
    assert!(err.to_string().contains("pick `P1`: `aisle` is 4"), "{err}");
    let bad_side = r#"{"layout": "worked-example", "picks": [
        {"id": "P1", "aisle": 1, "block": 1, "slot": 1, "side": "X"}]}"#;
    let err = route_files(LAYOUT_JSON, bad_side, Method::Optimal).unwrap_err();
    assert!(matches!(err, RouteError::Json(_)), "{err}");
    let err = route_files("{}", wrong, Method::Optimal).unwrap_err();
    assert!(matches!(err, RouteError::Layout(_)), "{err}");
}

#[test]
fn layouts_too_deep_for_the_exact_method_still_get_short_routes() {
    // Ten blocks are beyond the aisle-by-aisle programme, so the fallback searches run here.
    let deep = Layout { depot_x_m: 7.5, ..layout(6, 10, 4, 0.0) };
    let few: Vec<Pick> =
        (1..=9).map(|i| pick(&format!("P{i}"), i % 6 + 1, i % 10 + 1, i % 4 + 1)).collect();
    let best = route(&deep, &few, Method::Optimal).unwrap();
    assert!((best.distance_m - brute_force_minimum(&deep, &few)).abs() < 1e-9);

    let many: Vec<Pick> = (1..=60)
        .map(|i| pick(&format!("P{i}"), i * 7 % 6 + 1, i * 3 % 10 + 1, i % 4 + 1))
        .collect();
    let best = route(&deep, &many, Method::Optimal).unwrap();
    assert!(is_permutation(&best.sequence, many.len()));
    for method in [Method::SShape, Method::LargestGap] {
        assert!(best.distance_m <= route(&deep, &many, method).unwrap().distance_m);
    }
}

#[test]
fn local_search_comes_close_to_the_exact_method() {
    // Deterministic pseudo-random pick lists on a three-block layout, solved both ways.
    let layout = layout(12, 3, 10, 0.0);
    let mut worst: f64 = 1.0;
    for seed in 1..=3u32 {
        let picks: Vec<Pick> = (1..=45u32)
            .map(|i| {
                let r = i.wrapping_mul(2_654_435_761).wrapping_add(seed * 40_503) >> 7;
                pick(&format!("P{i}"), r % 12 + 1, r / 12 % 3 + 1, r / 36 % 10 + 1)
            })
            .collect();
        let places = locations(&layout, &picks);
        let exact = exact::shortest_tour(&layout, &places).unwrap();
        let matrix = local_search::Matrix::new(&layout, &places);
        let searched = local_search::improve(&matrix, Vec::new());
        let length = |visits: &[usize]| {
            let order: Vec<usize> =
                visits.iter().flat_map(|&at| places[at].picks.iter().copied()).collect();
            assert!(is_permutation(&order, picks.len()));
            tour_length(&layout, &picks, &order)
        };
        let ratio = length(&searched) / length(&exact);
        assert!(ratio >= 1.0 - 1e-9, "local search beat the exact method: {ratio}");
        worst = worst.max(ratio);
    }
    assert!(worst < 1.01, "local search is {worst} times the optimum");
}

#[test]
fn distance_matches_shortest_paths_on_the_aisle_graph() {
    // Floyd–Warshall over every junction and slot point of small layouts, against the formula.
    for (aisles, blocks, slots, cross, depot_x_m) in
        [(3, 2, 4, 2.0, 0.0), (4, 3, 3, 0.0, 4.5), (5, 1, 5, 1.0, 12.0), (2, 4, 2, 3.0, 1.0)]
    {
        let layout = Layout { cross_aisle_m: cross, ..layout(aisles, blocks, slots, depot_x_m) };
        let mut points: Vec<(f64, f64)> = vec![(depot_x_m, layout.cross_aisle_y(0))];
        let mut stops = vec![Stop::Depot];
        for bin in layout.bins().filter(|bin| bin.side == Side::Left) {
            let point = layout.point(&bin);
            points.push((point.x, point.y));
            stops.push(Stop::Bin(bin));
        }
        for a in 1..=aisles {
            for k in 0..=blocks {
                points.push((layout.aisle_x(a), layout.cross_aisle_y(k)));
            }
        }
        let n = points.len();
        let mut d: Vec<Vec<f64>> = (0..n)
            .map(|i| (0..n).map(|j| if i == j { 0.0 } else { f64::INFINITY }).collect())
            .collect();
        // Edges join neighbouring points on the same aisle or the same cross aisle.
        let on_cross = |y: f64| (0..=blocks).any(|k| layout.cross_aisle_y(k) == y);
        for i in 0..n {
            for j in 0..n {
                let ((xi, yi), (xj, yj)) = (points[i], points[j]);
                let between = |k: usize| {
                    let (x, y) = points[k];
                    k != i && k != j && {
                        if xi == xj {
                            x == xi && (y - yi) * (y - yj) < 0.0
                        } else {
                            y == yi && (x - xi) * (x - xj) < 0.0
                        }
                    }
                };
                let aligned = xi == xj && i != j || yi == yj && xi != xj && on_cross(yi);
                if aligned && !(0..n).any(between) {
                    d[i][j] = (xi - xj).abs() + (yi - yj).abs();
                }
            }
        }
        for k in 0..n {
            for i in 0..n {
                for j in 0..n {
                    d[i][j] = d[i][j].min(d[i][k] + d[k][j]);
                }
            }
        }
        for (i, &a) in stops.iter().enumerate() {
            for (j, &b) in stops.iter().enumerate() {
                let formula = distance(&layout, a, b);
                assert!((formula - d[i][j]).abs() < 1e-9, "{a:?} {b:?}: {formula} vs {}", d[i][j]);
            }
        }
    }
}

/// Layouts of 1–5 blocks and 1–20 aisles with the depot at an end, in the middle or anywhere on
/// the front cross aisle (often between aisles), and cross aisles of zero width allowed.
fn layouts() -> impl Strategy<Value = Layout> {
    let widths = prop_oneof![Just(0.0), Just(1.0), Just(2.0), Just(3.0)];
    let shape = (1u32..=20, 1u32..=5, 1u32..=12, prop_oneof![Just(1.0), Just(1.2)], widths);
    (shape, prop_oneof![Just(2.5), Just(3.0)], 0u32..4, 0.0f64..=1.0).prop_map(
        |((aisles, blocks, slots, slot_length_m, cross_aisle_m), pitch, depot, share)| {
            let width = f64::from(aisles - 1) * pitch;
            let depot_x_m = match depot {
                0 => 0.0,
                1 => width,
                2 => width / 2.0,
                _ => (share * width * 100.0).round() / 100.0,
            };
            Layout {
                name: "random".to_owned(),
                aisles,
                blocks,
                slots_per_side: slots,
                slot_length_m,
                aisle_pitch_m: pitch,
                cross_aisle_m,
                depot_x_m,
            }
        },
    )
}

/// A layout and picks drawn from at most `max_bins` bins, so several picks often share a slot,
/// on the same or on opposite sides.
fn pick_lists(max_bins: usize, max_picks: usize) -> impl Strategy<Value = (Layout, Vec<Pick>)> {
    layouts().prop_flat_map(move |layout| {
        let bin = (1..=layout.aisles, 1..=layout.blocks, 1..=layout.slots_per_side);
        let bins = prop::collection::vec(bin, 1..=max_bins);
        let lines = prop::collection::vec((any::<Index>(), any::<bool>()), 1..=max_picks);
        (Just(layout), bins, lines).prop_map(|(layout, bins, lines)| {
            let picks = lines
                .into_iter()
                .enumerate()
                .map(|(i, (which, left))| {
                    let (aisle, block, slot) = *which.get(&bins);
                    let side = if left { Side::Left } else { Side::Right };
                    Pick { id: format!("P{}", i + 1), bin: BinCode { aisle, block, slot, side } }
                })
                .collect();
            (layout, picks)
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_method_visits_each_pick_once_and_optimal_is_shortest(
        (layout, picks) in pick_lists(40, 60)
    ) {
        let mut lengths = Vec::new();
        for method in Method::ALL {
            let planned = route(&layout, &picks, method).unwrap();
            prop_assert_eq!(planned.method, method);
            prop_assert!(is_permutation(&planned.sequence, picks.len()), "{}", method);
            let recomputed = tour_length(&layout, &picks, &planned.sequence);
            prop_assert!((planned.distance_m - recomputed).abs() < 1e-9);
            lengths.push(planned.distance_m);
        }
        let (s_shape, largest_gap, optimal) = (lengths[0], lengths[1], lengths[2]);
        prop_assert!(optimal <= s_shape + 1e-9, "{} > s-shape {}", optimal, s_shape);
        prop_assert!(optimal <= largest_gap + 1e-9, "{} > largest gap {}", optimal, largest_gap);
    }

    #[test]
    fn optimal_matches_brute_force_on_up_to_nine_locations(
        (layout, picks) in pick_lists(9, 14)
    ) {
        let planned = route(&layout, &picks, Method::Optimal).unwrap();
        let minimum = brute_force_minimum(&layout, &picks);
        prop_assert!(
            (planned.distance_m - minimum).abs() < 1e-9,
            "optimal {} but brute force {}", planned.distance_m, minimum
        );
        // The aisle-by-aisle programme alone, without the heuristics as a safety net.
        let places = locations(&layout, &picks);
        let visits = exact::shortest_tour(&layout, &places).unwrap();
        let order: Vec<usize> =
            visits.iter().flat_map(|&at| places[at].picks.iter().copied()).collect();
        prop_assert!(is_permutation(&order, picks.len()));
        let length = tour_length(&layout, &picks, &order);
        prop_assert!((length - minimum).abs() < 1e-9, "exact {} but brute force {}", length, minimum);
    }
}
