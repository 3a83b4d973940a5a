//! The fill-rate family and the perfect-order rate, computed from order history, with the
//! orders behind each number.
//!
//! A shop wants to know how much of what customers ordered it sent, and how often an order went
//! out right the first time. The measures, each a fraction from 0 to 1, or `None` when nothing
//! counts towards it:
//! - Unit fill = units shipped ÷ units ordered.
//! - Line fill = lines shipped complete ÷ lines.
//! - Order fill = orders shipped complete ÷ orders.
//! - Value (dollar) fill = value shipped ÷ value ordered, at the lines' unit prices.
//!
//! Each comes twice. **First time** counts only what left in the order's first shipment: every
//! unit shipped at the earliest time any of the order's lines shipped (one ship event stamps all
//! its units with the same time). **Final** counts everything shipped so far, back orders
//! included. Final is never below first time.
//!
//! **Perfect order** (after SCOR RL.1.1): the order shipped complete (final); it became complete
//! on or before its ship-by date (an order with no ship-by date is on time); no weighing of its
//! box failed, and a manager's override of a failure is not a pass; and nothing of it came back
//! for a fault (damaged or wrong item). An order never weighed is not held against it, since a
//! store without a scale would otherwise have no perfect orders; such orders are counted in
//! [`Counts::orders_unweighed`] so the figure can say so.
//!
//! The rules where the definitions are silent:
//! - Which orders count, as of `today` ([`standing`]): an order counts once it has shipped
//!   anything, or nothing of it is left open (every line shipped or cancelled), or its ship-by
//!   date has passed. Until then it is pending: there is nothing yet to judge. An order the
//!   customer or shop cancelled whole before anything shipped is withdrawn demand and never
//!   counts. Pending and withdrawn orders are counted beside the rates, not in them. An order
//!   that shipped in part and still waits for its back order counts with what has shipped so
//!   far, so a recent period's final figures can still rise.
//! - A quantity cancelled on a line (the cancel-rest back-order policy, or a whole order
//!   cancelled after part of it shipped) was not shipped: it stays in the denominator and lowers
//!   the fill.
//! - Returns do not change fill rates: the units were shipped. Only a return for a fault affects
//!   perfect order.
//! - Quantities below zero count as zero and shipping beyond the ordered quantity counts as the
//!   ordered quantity, so no numerator exceeds its denominator. A line with nothing ordered is
//!   ignored, and an order with nothing ordered is withdrawn.
//! - Days are the store's: every time arrives with the store's UTC offset at that moment
//!   ([`StoreTime`]), so an order placed at 23:30 in Los Angeles belongs to that evening's day,
//!   whatever the date in UTC, and a clock change leaves no order in the wrong day. Periods (day,
//!   ISO week, month) are those of the order's placement: an order stays in one bucket for good,
//!   and demand that never shipped still has one. Ship-by dates are compared with the store's
//!   date of the shipment that completed the order.
//! - Grouped by product or category, an order counts in every group it has a line in, and is
//!   judged on those lines alone: "orders complete" in a category means its lines of that
//!   category were complete, and a perfect order there means those lines were complete, on time
//!   and not returned for a fault (SCOR scores each line), with the order's weighing.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A moment as the store's clock read it: the instant with the store's UTC offset then. Times
/// compare as instants; `date_naive()` is the store's day.
pub type StoreTime = DateTime<FixedOffset>;

/// Part or all of a line leaving in one ship event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shipment {
    /// Every unit of one ship event carries the same time.
    pub at: StoreTime,
    pub qty: i64,
}

/// One order line as it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct LineFacts {
    /// Shared with every other line of the product: a year holds a million lines.
    pub sku: Arc<str>,
    pub category: Arc<str>,
    pub ordered: i64,
    pub unit_price_cents: i64,
    /// In any order.
    pub shipments: Vec<Shipment>,
    /// Units cancelled without shipping; they still count as ordered.
    pub cancelled: i64,
    /// Units returned for any reason; they still count as shipped.
    pub returned: i64,
    /// Of `returned`, the units that came back damaged or as the wrong item.
    pub returned_for_fault: i64,
}

/// What the weight audit made of an order's box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum WeightAudit {
    /// The box's last weighing before it left passed.
    Passed,
    /// The last weighing failed and a manager let the box go anyway.
    Overridden,
    /// The last weighing failed.
    Failed,
    /// Never weighed, or no weighing gave a verdict.
    NotWeighed,
}

/// One order as it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderFacts {
    pub number: String,
    pub placed: StoreTime,
    pub ship_by: Option<NaiveDate>,
    /// The whole order was cancelled (its status is cancelled).
    pub cancelled: bool,
    pub weight: WeightAudit,
    pub lines: Vec<LineFacts>,
}

/// Whether an order counts towards the rates on a given day. See the module notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Counted,
    /// Open, nothing shipped yet and not yet due.
    Pending,
    /// Cancelled whole before anything shipped, or nothing ordered.
    Withdrawn,
}

/// How to group the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// Day placed, keyed `2026-11-23`.
    Day,
    /// ISO week placed, keyed `2026-W48`.
    Week,
    /// Month placed, keyed `2026-11`.
    Month,
    Sku,
    Category,
}

/// The numerators and denominators behind the rates, so a figure can read "95 of 100 units".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct Counts {
    /// Orders that count; the denominator of order fill and perfect order.
    pub orders: i64,
    pub orders_complete_first_time: i64,
    pub orders_complete_final: i64,
    pub orders_perfect: i64,
    /// Counted orders never weighed; they can still be perfect.
    pub orders_unweighed: i64,
    /// Orders not yet counted: open, nothing shipped, not yet due.
    pub orders_pending: i64,
    /// Orders cancelled whole before anything shipped; never counted.
    pub orders_withdrawn: i64,
    /// Of the counted orders, those still open past their ship-by date with nothing shipped:
    /// late rather than short, so a figure can tell a backlog from a stock-out.
    pub orders_overdue: i64,
    pub lines: i64,
    pub lines_complete_first_time: i64,
    pub lines_complete_final: i64,
    pub units_ordered: i64,
    pub units_shipped_first_time: i64,
    pub units_shipped_final: i64,
    pub value_ordered_cents: i64,
    pub value_shipped_first_time_cents: i64,
    pub value_shipped_final_cents: i64,
}

/// Unit, line, order and value fill at one stage.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct Fill {
    pub units: Option<f64>,
    pub lines: Option<f64>,
    pub orders: Option<f64>,
    pub value: Option<f64>,
}

/// The rates, each a fraction from 0 to 1, `None` when nothing counts towards it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct Rates {
    pub first_time: Fill,
    /// Everything shipped so far, back orders included.
    pub final_fill: Fill,
    pub perfect_order: Option<f64>,
}

impl Counts {
    /// The rates these counts make.
    pub fn rates(&self) -> Rates {
        Rates {
            first_time: Fill {
                units: ratio(self.units_shipped_first_time, self.units_ordered),
                lines: ratio(self.lines_complete_first_time, self.lines),
                orders: ratio(self.orders_complete_first_time, self.orders),
                value: ratio(self.value_shipped_first_time_cents, self.value_ordered_cents),
            },
            final_fill: Fill {
                units: ratio(self.units_shipped_final, self.units_ordered),
                lines: ratio(self.lines_complete_final, self.lines),
                orders: ratio(self.orders_complete_final, self.orders),
                value: ratio(self.value_shipped_final_cents, self.value_ordered_cents),
            },
            perfect_order: ratio(self.orders_perfect, self.orders),
        }
    }

    /// Adds a counted order's share (all of it, or its lines in one group).
    fn add(&mut self, share: &Share, order: &OrderFacts) {
        self.orders += 1;
        self.orders_overdue += i64::from(overdue(order));
        self.orders_complete_first_time += i64::from(share.complete_first_time);
        self.orders_complete_final += i64::from(share.complete_final);
        self.orders_perfect += i64::from(flaws(share, order).next().is_none());
        self.orders_unweighed += i64::from(order.weight == WeightAudit::NotWeighed);
        self.lines += share.lines;
        self.lines_complete_first_time += share.lines_first_time;
        self.lines_complete_final += share.lines_final;
        self.units_ordered += share.units;
        self.units_shipped_first_time += share.units_first_time;
        self.units_shipped_final += share.units_final;
        self.value_ordered_cents += share.value;
        self.value_shipped_first_time_cents += share.value_first_time;
        self.value_shipped_final_cents += share.value_final;
    }

    fn note(&mut self, standing: Standing) {
        match standing {
            Standing::Pending => self.orders_pending += 1,
            Standing::Withdrawn => self.orders_withdrawn += 1,
            Standing::Counted => {}
        }
    }
}

fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Counts with their rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Summary {
    pub counts: Counts,
    pub rates: Rates,
}

impl From<Counts> for Summary {
    fn from(counts: Counts) -> Self {
        Summary { counts, rates: counts.rates() }
    }
}

/// One day, week, month, product or category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Group {
    pub key: String,
    pub summary: Summary,
}

/// The groups of one grouping, in key order (periods sort by time).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Grouping {
    pub by: GroupBy,
    pub groups: Vec<Group>,
}

/// The figures overall and grouped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Report {
    pub overall: Summary,
    /// One per grouping asked for, in the order asked.
    pub groupings: Vec<Grouping>,
}

/// Where `order` stands on `today`. See the module notes.
pub fn standing(order: &OrderFacts, today: NaiveDate) -> Standing {
    let ordered = |l: &LineFacts| l.ordered > 0;
    if !order.lines.iter().any(ordered) {
        return Standing::Withdrawn;
    }
    let shipped_any = order.lines.iter().any(|l| shipped(l) > 0);
    if order.cancelled && !shipped_any {
        return Standing::Withdrawn;
    }
    let closed = order
        .lines
        .iter()
        .filter(|l| ordered(l))
        .all(|l| shipped(l).saturating_add(l.cancelled.max(0)) >= l.ordered);
    if shipped_any || closed || order.ship_by.is_some_and(|by| by < today) {
        Standing::Counted
    } else {
        Standing::Pending
    }
}

/// A counted order still waiting for everything: open, nothing shipped. It counts only because
/// its ship-by date passed (see [`standing`]).
fn overdue(order: &OrderFacts) -> bool {
    !order.cancelled
        && order.lines.iter().all(|l| shipped(l) == 0)
        && order.lines.iter().any(|l| l.ordered > 0 && l.cancelled < l.ordered)
}

/// The figures for `orders` as of `today`: overall and for each grouping in `by`.
pub fn report(orders: &[OrderFacts], today: NaiveDate, by: &[GroupBy]) -> Report {
    let mut overall = Counts::default();
    let mut tables: Vec<HashMap<Key, Counts>> = by.iter().map(|_| HashMap::new()).collect();
    let mut lines = Vec::new();
    let mut shares = Vec::new();
    for order in orders {
        let standing = standing(order, today);
        outcomes(order, &mut lines);
        let whole = lines.iter().fold(Share::default(), Share::with);
        tally(&mut overall, standing, &whole, order);
        for (&by, table) in by.iter().zip(&mut tables) {
            split(order, &lines, by, &mut shares);
            for (key, share) in &shares {
                tally(table.entry(*key).or_default(), standing, share, order);
            }
        }
    }
    let groupings = by
        .iter()
        .zip(tables)
        .map(|(&by, table)| {
            let mut groups: Vec<(Key, Counts)> = table.into_iter().collect();
            groups.sort_by(|a, b| a.0.cmp(&b.0));
            let groups = groups
                .into_iter()
                .map(|(key, counts)| Group { key: key.text(by), summary: counts.into() })
                .collect();
            Grouping { by, groups }
        })
        .collect();
    Report { overall: overall.into(), groupings }
}

fn tally(counts: &mut Counts, standing: Standing, share: &Share, order: &OrderFacts) {
    match standing {
        Standing::Counted => counts.add(share, order),
        other => counts.note(other),
    }
}

/// One group of one grouping, to drill into.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub struct Slice {
    pub by: GroupBy,
    /// The group's key as [`report`] gives it.
    pub key: String,
}

/// One rate to drill into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    UnitsFirstTime,
    UnitsFinal,
    LinesFirstTime,
    LinesFinal,
    OrdersFirstTime,
    OrdersFinal,
    ValueFirstTime,
    ValueFinal,
    PerfectOrder,
}

/// Why an order was not perfect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Flaw {
    /// Not everything ordered has shipped.
    Incomplete,
    /// Completed after its ship-by date.
    Late,
    WeightFailed,
    WeightOverridden,
    /// Something came back damaged or as the wrong item.
    FaultyReturn,
}

/// One order's part in a rate: `met` of `of` (units, lines, cents, or 1 for the order itself).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DrillRow {
    pub number: String,
    pub met: i64,
    pub of: i64,
    /// Why the order was not perfect; filled for [`Measure::PerfectOrder`] only.
    pub flaws: Vec<Flaw>,
}

/// The counted orders behind one rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Drill {
    /// Orders that fell short, the largest shortfall first.
    pub short: Vec<DrillRow>,
    /// Orders that met the measure in full, by number.
    pub met: Vec<DrillRow>,
}

/// The orders behind `measure`, over all counted orders or only those in `slice` (judged on
/// their lines there, as in [`report`]). The rows' `met` and `of` add up to the rate's counts.
pub fn drill(
    orders: &[OrderFacts],
    today: NaiveDate,
    slice: Option<&Slice>,
    measure: Measure,
) -> Drill {
    let mut drill = Drill { short: Vec::new(), met: Vec::new() };
    let mut lines = Vec::new();
    let mut shares = Vec::new();
    for order in orders.iter().filter(|o| standing(o, today) == Standing::Counted) {
        outcomes(order, &mut lines);
        let share = match slice {
            None => lines.iter().fold(Share::default(), Share::with),
            Some(slice) => {
                split(order, &lines, slice.by, &mut shares);
                match shares.iter().find(|(key, _)| key.text(slice.by) == slice.key) {
                    Some((_, share)) => share.clone(),
                    None => continue,
                }
            }
        };
        let (met, of) = share.part(measure, order);
        if of == 0 {
            continue;
        }
        let flaws = match measure {
            Measure::PerfectOrder => flaws(&share, order).collect(),
            _ => Vec::new(),
        };
        let row = DrillRow { number: order.number.clone(), met, of, flaws };
        if met < of { drill.short.push(row) } else { drill.met.push(row) }
    }
    drill.short.sort_by(|a, b| (b.of - b.met).cmp(&(a.of - a.met)).then(a.number.cmp(&b.number)));
    drill.met.sort_by(|a, b| a.number.cmp(&b.number));
    drill
}

/// A group's key while counting: periods by their first day, so they sort by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key<'a> {
    Date(NaiveDate),
    Name(&'a str),
}

impl Key<'_> {
    fn text(&self, by: GroupBy) -> String {
        match (self, by) {
            (Key::Date(d), GroupBy::Week) => {
                let week = d.iso_week();
                format!("{}-W{:02}", week.year(), week.week())
            }
            (Key::Date(d), GroupBy::Month) => format!("{}-{:02}", d.year(), d.month()),
            (Key::Date(d), _) => d.to_string(),
            (Key::Name(name), _) => (*name).to_owned(),
        }
    }
}

/// The first day of the period `date` falls in.
fn period_start(by: GroupBy, date: NaiveDate) -> NaiveDate {
    match by {
        GroupBy::Week => date - Days::new(u64::from(date.weekday().num_days_from_monday())),
        GroupBy::Month => date.with_day(1).unwrap_or(date),
        _ => date,
    }
}

/// What became of one line, clamped so nothing shipped exceeds what was ordered.
#[derive(Debug, Clone, Copy)]
struct LineOutcome {
    ordered: i64,
    first_time: i64,
    shipped: i64,
    price_cents: i64,
    /// When the line had shipped in full; `None` while it has not.
    completed_at: Option<StoreTime>,
    faulty_return: bool,
}

fn shipped(line: &LineFacts) -> i64 {
    line.shipments.iter().map(|s| s.qty.max(0)).sum()
}

/// The order's first ship event: the earliest time any of its units shipped.
fn first_shipment(order: &OrderFacts) -> Option<StoreTime> {
    order.lines.iter().flat_map(|l| &l.shipments).filter(|s| s.qty > 0).map(|s| s.at).min()
}

/// The outcome of each of the order's lines, into `out`.
fn outcomes(order: &OrderFacts, out: &mut Vec<LineOutcome>) {
    let first = first_shipment(order);
    out.clear();
    out.extend(order.lines.iter().map(|line| {
        let ordered = line.ordered.max(0);
        let in_first: i64 =
            line.shipments.iter().filter(|s| Some(s.at) == first).map(|s| s.qty.max(0)).sum();
        let shipped = shipped(line).min(ordered);
        LineOutcome {
            ordered,
            first_time: in_first.min(ordered),
            shipped,
            price_cents: line.unit_price_cents.max(0),
            completed_at: if shipped >= ordered {
                completed_at(&line.shipments, ordered)
            } else {
                None
            },
            faulty_return: line.returned_for_fault > 0,
        }
    }));
}

/// The earliest shipment time by which `ordered` units had shipped. Lines ship in few parts, so
/// checking each shipment's time against all of them is cheap.
fn completed_at(shipments: &[Shipment], ordered: i64) -> Option<StoreTime> {
    let by = |t: StoreTime| -> i64 {
        shipments.iter().filter(|s| s.at <= t).map(|s| s.qty.max(0)).sum()
    };
    shipments.iter().filter(|s| s.qty > 0).map(|s| s.at).filter(|&t| by(t) >= ordered).min()
}

/// An order's lines (all, or those in one group) added up.
#[derive(Debug, Clone)]
struct Share {
    lines: i64,
    lines_first_time: i64,
    lines_final: i64,
    units: i64,
    units_first_time: i64,
    units_final: i64,
    value: i64,
    value_first_time: i64,
    value_final: i64,
    complete_first_time: bool,
    complete_final: bool,
    /// When the last of these lines was complete.
    completed_at: Option<StoreTime>,
    faulty_return: bool,
}

impl Default for Share {
    fn default() -> Self {
        Share {
            lines: 0,
            lines_first_time: 0,
            lines_final: 0,
            units: 0,
            units_first_time: 0,
            units_final: 0,
            value: 0,
            value_first_time: 0,
            value_final: 0,
            complete_first_time: true,
            complete_final: true,
            completed_at: None,
            faulty_return: false,
        }
    }
}

impl Share {
    fn with(mut self, line: &LineOutcome) -> Share {
        self.add(line);
        self
    }

    fn add(&mut self, line: &LineOutcome) {
        // A line with nothing ordered has nothing to fill.
        if line.ordered == 0 {
            return;
        }
        let first_complete = line.first_time >= line.ordered;
        let final_complete = line.shipped >= line.ordered;
        self.lines += 1;
        self.lines_first_time += i64::from(first_complete);
        self.lines_final += i64::from(final_complete);
        self.units += line.ordered;
        self.units_first_time += line.first_time;
        self.units_final += line.shipped;
        self.value += line.ordered * line.price_cents;
        self.value_first_time += line.first_time * line.price_cents;
        self.value_final += line.shipped * line.price_cents;
        self.complete_first_time &= first_complete;
        self.complete_final &= final_complete;
        self.completed_at = self.completed_at.max(line.completed_at);
        self.faulty_return |= line.faulty_return;
    }

    /// `(met, of)` for one measure.
    fn part(&self, measure: Measure, order: &OrderFacts) -> (i64, i64) {
        let whole = |done: bool| (i64::from(done), 1);
        match measure {
            Measure::UnitsFirstTime => (self.units_first_time, self.units),
            Measure::UnitsFinal => (self.units_final, self.units),
            Measure::LinesFirstTime => (self.lines_first_time, self.lines),
            Measure::LinesFinal => (self.lines_final, self.lines),
            Measure::OrdersFirstTime => whole(self.complete_first_time),
            Measure::OrdersFinal => whole(self.complete_final),
            Measure::ValueFirstTime => (self.value_first_time, self.value),
            Measure::ValueFinal => (self.value_final, self.value),
            Measure::PerfectOrder => whole(flaws(self, order).next().is_none()),
        }
    }
}

/// Why the order's share was not perfect; none when it was. An incomplete share is not also
/// called late: it has no completion time yet.
fn flaws(share: &Share, order: &OrderFacts) -> impl Iterator<Item = Flaw> {
    let late = match (share.completed_at, order.ship_by) {
        (Some(at), Some(by)) => share.complete_final && at.date_naive() > by,
        _ => false,
    };
    let weight = match order.weight {
        WeightAudit::Failed => Some(Flaw::WeightFailed),
        WeightAudit::Overridden => Some(Flaw::WeightOverridden),
        WeightAudit::Passed | WeightAudit::NotWeighed => None,
    };
    [
        (!share.complete_final).then_some(Flaw::Incomplete),
        late.then_some(Flaw::Late),
        weight,
        share.faulty_return.then_some(Flaw::FaultyReturn),
    ]
    .into_iter()
    .flatten()
}

/// The order's lines split by group (`shares` is reused between orders to spare allocations).
/// Periods put the whole order in one group; products and categories, each line in its own.
fn split<'a>(
    order: &'a OrderFacts,
    lines: &[LineOutcome],
    by: GroupBy,
    shares: &mut Vec<(Key<'a>, Share)>,
) {
    shares.clear();
    let name: fn(&LineFacts) -> &str = match by {
        GroupBy::Day | GroupBy::Week | GroupBy::Month => {
            let key = Key::Date(period_start(by, order.placed.date_naive()));
            shares.push((key, lines.iter().fold(Share::default(), Share::with)));
            return;
        }
        GroupBy::Sku => |l| &*l.sku,
        GroupBy::Category => |l| &*l.category,
    };
    for (facts, outcome) in order.lines.iter().zip(lines).filter(|(_, o)| o.ordered > 0) {
        let key = Key::Name(name(facts));
        // Orders have few lines: a scan beats hashing.
        match shares.iter_mut().find(|(k, _)| *k == key) {
            Some((_, share)) => share.add(outcome),
            None => shares.push((key, Share::default().with(outcome))),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use proptest::prelude::*;

    use super::*;

    /// A time in November 2026 (the 2nd is a Monday).
    fn nov(day: u32, hour: u32) -> StoreTime {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap().fixed_offset()
    }

    fn date(month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, month, day).unwrap()
    }

    const TODAY: (u32, u32) = (11, 30);

    fn today() -> NaiveDate {
        date(TODAY.0, TODAY.1)
    }

    fn line(sku: &str, category: &str, ordered: i64, shipments: &[(StoreTime, i64)]) -> LineFacts {
        LineFacts {
            sku: sku.into(),
            category: category.into(),
            ordered,
            unit_price_cents: 100,
            shipments: shipments.iter().map(|&(at, qty)| Shipment { at, qty }).collect(),
            cancelled: 0,
            returned: 0,
            returned_for_fault: 0,
        }
    }

    fn order(number: &str, placed: StoreTime, lines: Vec<LineFacts>) -> OrderFacts {
        OrderFacts {
            number: number.into(),
            placed,
            ship_by: None,
            cancelled: false,
            weight: WeightAudit::Passed,
            lines,
        }
    }

    fn overall(orders: &[OrderFacts]) -> Summary {
        report(orders, today(), &[]).overall
    }

    fn approx(rate: Option<f64>, want: f64) {
        let got = rate.expect("a rate");
        assert!((got - want).abs() < 1e-9, "got {got}, want {want}");
    }

    fn numbers(rows: &[DrillRow]) -> Vec<(&str, i64, i64)> {
        rows.iter().map(|r| (r.number.as_str(), r.met, r.of)).collect()
    }

    #[test]
    fn eighty_a_and_twenty_b_with_seventy_five_a_in_stock() {
        // The textbook case: 95 of 100 units, 1 of 2 lines, 0 of 1 orders.
        let o = order(
            "1001",
            nov(2, 9),
            vec![line("A", "k", 80, &[(nov(3, 10), 75)]), line("B", "k", 20, &[(nov(3, 10), 20)])],
        );
        let s = overall(&[o]);
        for fill in [s.rates.first_time, s.rates.final_fill] {
            approx(fill.units, 0.95);
            approx(fill.lines, 0.5);
            approx(fill.orders, 0.0);
        }
        assert_eq!((s.counts.units_shipped_first_time, s.counts.units_ordered), (95, 100));
        assert_eq!((s.counts.lines_complete_final, s.counts.lines), (1, 2));
        approx(s.rates.perfect_order, 0.0);
    }

    #[test]
    fn the_rightchain_example() {
        // 85 of 100 units in each order; each ships two of its three lines complete.
        let t = nov(3, 10);
        let orders = [
            order(
                "1",
                nov(2, 9),
                vec![
                    line("A", "k", 40, &[(t, 40)]),
                    line("B", "k", 30, &[(t, 30)]),
                    line("C", "k", 30, &[(t, 15)]),
                ],
            ),
            order(
                "2",
                nov(2, 9),
                vec![
                    line("A", "k", 50, &[(t, 50)]),
                    line("B", "k", 25, &[(t, 25)]),
                    line("C", "k", 25, &[(t, 10)]),
                ],
            ),
        ];
        let s = overall(&orders);
        approx(s.rates.first_time.units, 0.85);
        approx(s.rates.first_time.lines, 4.0 / 6.0);
        approx(s.rates.first_time.orders, 0.0);
        assert_eq!(s.rates.first_time, s.rates.final_fill);
        assert_eq!((s.counts.units_shipped_final, s.counts.units_ordered), (170, 200));
    }

    #[test]
    fn a_back_order_shipped_later_lifts_final_fill_only() {
        let mut o = order(
            "1002",
            nov(2, 9),
            vec![
                line("A", "k", 10, &[(nov(3, 10), 6), (nov(6, 15), 4)]),
                line("B", "k", 4, &[(nov(3, 10), 4)]),
            ],
        );
        o.ship_by = Some(date(11, 7));
        let s = overall(std::slice::from_ref(&o));
        assert_eq!(s.counts.units_shipped_first_time, 10);
        assert_eq!(s.counts.units_shipped_final, 14);
        approx(s.rates.first_time.units, 10.0 / 14.0);
        approx(s.rates.first_time.lines, 0.5);
        approx(s.rates.first_time.orders, 0.0);
        approx(s.rates.final_fill.units, 1.0);
        approx(s.rates.final_fill.lines, 1.0);
        approx(s.rates.final_fill.orders, 1.0);
        // Complete on the 6th, due the 7th: perfect.
        approx(s.rates.perfect_order, 1.0);
    }

    #[test]
    fn the_first_shipment_is_one_ship_event_across_lines() {
        // B left four hours after A on the same day: a second shipment, so a back order.
        let o = order(
            "1003",
            nov(2, 9),
            vec![line("A", "k", 1, &[(nov(3, 10), 1)]), line("B", "k", 1, &[(nov(3, 14), 1)])],
        );
        let s = overall(&[o]);
        assert_eq!(s.counts.lines_complete_first_time, 1);
        assert_eq!(s.counts.lines_complete_final, 2);
    }

    #[test]
    fn a_cancelled_rest_counts_against_fill() {
        let mut a = line("A", "k", 10, &[(nov(3, 10), 6)]);
        a.cancelled = 4;
        let o = order("1004", nov(2, 9), vec![a, line("B", "k", 5, &[(nov(3, 10), 5)])]);
        // Nothing shipped at all and every line cancelled for want of stock: it still counts.
        let mut none = line("C", "k", 3, &[]);
        none.cancelled = 3;
        let empty = order("1005", nov(30, 9), vec![none]);
        assert_eq!(standing(&empty, today()), Standing::Counted);
        let s = overall(&[o, empty]);
        assert_eq!((s.counts.units_shipped_final, s.counts.units_ordered), (11, 18));
        assert_eq!((s.counts.lines_complete_final, s.counts.lines), (1, 3));
        assert_eq!((s.counts.orders_complete_final, s.counts.orders), (0, 2));
    }

    #[test]
    fn an_order_cancelled_before_shipping_is_left_out() {
        let mut gone = order("1006", nov(2, 9), vec![line("A", "k", 5, &[])]);
        gone.cancelled = true;
        assert_eq!(standing(&gone, today()), Standing::Withdrawn);
        let s = overall(std::slice::from_ref(&gone));
        assert_eq!(s.counts.orders_withdrawn, 1);
        assert_eq!(s.counts.orders, 0);
        assert_eq!(s.rates.final_fill.units, None);
        assert_eq!(s.rates.perfect_order, None);

        // Cancelled after part of it shipped: the rest counts as not shipped.
        let mut part = order("1007", nov(2, 9), vec![line("A", "k", 5, &[(nov(3, 10), 2)])]);
        part.cancelled = true;
        assert_eq!(standing(&part, today()), Standing::Counted);
        assert_eq!(overall(&[part]).counts.units_shipped_final, 2);
    }

    #[test]
    fn an_open_order_waits_until_it_is_due() {
        let mut o = order("1008", nov(20, 9), vec![line("A", "k", 5, &[])]);
        o.ship_by = Some(date(11, 28));
        assert_eq!(standing(&o, date(11, 28)), Standing::Pending);
        assert_eq!(standing(&o, date(11, 29)), Standing::Counted);
        let s = report(std::slice::from_ref(&o), date(11, 28), &[]).overall;
        assert_eq!((s.counts.orders, s.counts.orders_pending), (0, 1));
        let s = report(std::slice::from_ref(&o), date(11, 29), &[]).overall;
        assert_eq!((s.counts.units_shipped_final, s.counts.units_ordered), (0, 5));
        approx(s.rates.perfect_order, 0.0);
        // Past due with nothing shipped: counted, and told apart as overdue.
        assert_eq!((s.counts.orders, s.counts.orders_overdue), (1, 1));
        // Once part of it ships it is short, not overdue.
        o.lines[0].shipments.push(Shipment { at: nov(29, 10), qty: 2 });
        assert_eq!(
            report(std::slice::from_ref(&o), date(11, 29), &[]).overall.counts.orders_overdue,
            0
        );
        o.lines[0].shipments.clear();
        // With no ship-by date it waits until something happens to it.
        o.ship_by = None;
        assert_eq!(standing(&o, date(12, 31)), Standing::Pending);
    }

    #[test]
    fn returns_leave_fill_alone_and_only_faults_break_perfect_order() {
        let make = |fault: i64| {
            let mut a = line("A", "k", 4, &[(nov(3, 10), 4)]);
            a.returned = 2;
            a.returned_for_fault = fault;
            order("1009", nov(2, 9), vec![a])
        };
        let changed_mind = overall(&[make(0)]);
        let damaged = overall(&[make(2)]);
        approx(changed_mind.rates.final_fill.units, 1.0);
        assert_eq!(changed_mind.rates.first_time, damaged.rates.first_time);
        assert_eq!(changed_mind.rates.final_fill, damaged.rates.final_fill);
        approx(changed_mind.rates.perfect_order, 1.0);
        approx(damaged.rates.perfect_order, 0.0);
        let d = drill(&[make(2)], today(), None, Measure::PerfectOrder);
        assert_eq!(d.short[0].flaws, vec![Flaw::FaultyReturn]);
    }

    #[test]
    fn value_fill_weighs_units_by_price() {
        let mut cheap = line("A", "k", 10, &[(nov(3, 10), 10)]);
        cheap.unit_price_cents = 100;
        let mut dear = line("B", "k", 10, &[(nov(3, 10), 5)]);
        dear.unit_price_cents = 900;
        let s = overall(&[order("1010", nov(2, 9), vec![cheap, dear])]);
        approx(s.rates.final_fill.units, 0.75);
        // (10 × 1 + 5 × 9) ÷ (10 × 1 + 10 × 9) = 55 ÷ 100.
        approx(s.rates.final_fill.value, 0.55);
        assert_eq!(s.counts.value_ordered_cents, 10_000);
    }

    #[test]
    fn lateness_and_the_weight_audit_decide_perfect_order() {
        let make = |ship_by: Option<NaiveDate>, weight: WeightAudit| {
            let mut o = order("1011", nov(2, 9), vec![line("A", "k", 2, &[(nov(5, 23), 2)])]);
            o.ship_by = ship_by;
            o.weight = weight;
            o
        };
        let flaws = |o: OrderFacts| {
            let d = drill(&[o], today(), None, Measure::PerfectOrder);
            d.short.first().map(|r| r.flaws.clone()).unwrap_or_default()
        };
        // Shipped late in the evening of the due date is on time.
        assert_eq!(flaws(make(Some(date(11, 5)), WeightAudit::Passed)), vec![]);
        assert_eq!(flaws(make(None, WeightAudit::Passed)), vec![]);
        assert_eq!(flaws(make(Some(date(11, 4)), WeightAudit::Passed)), vec![Flaw::Late]);
        assert_eq!(flaws(make(None, WeightAudit::Failed)), vec![Flaw::WeightFailed]);
        assert_eq!(flaws(make(None, WeightAudit::Overridden)), vec![Flaw::WeightOverridden]);
        let unweighed = overall(&[make(None, WeightAudit::NotWeighed)]);
        approx(unweighed.rates.perfect_order, 1.0);
        assert_eq!(unweighed.counts.orders_unweighed, 1);
        let late = overall(&[make(Some(date(11, 4)), WeightAudit::Passed)]);
        approx(late.rates.final_fill.orders, 1.0);
        approx(late.rates.perfect_order, 0.0);
    }

    #[test]
    fn over_shipping_and_negative_quantities_are_clamped() {
        let mut o = order(
            "1012",
            nov(2, 9),
            vec![line("A", "k", 3, &[(nov(3, 10), 5)]), line("B", "k", 2, &[(nov(3, 10), -1)])],
        );
        o.lines[1].unit_price_cents = -50;
        let s = overall(&[o]);
        assert_eq!((s.counts.units_shipped_final, s.counts.units_ordered), (3, 5));
        assert_eq!((s.counts.value_shipped_final_cents, s.counts.value_ordered_cents), (300, 300));
    }

    /// Four orders over a month end and a week boundary (31 Oct is a Saturday, 2 Nov a Monday):
    /// 1: kitchen A 10/10 and office B 3/5; 2: A 4/4; 3: A 3/6 and office C 2/2; 4: pending.
    fn month_end() -> Vec<OrderFacts> {
        let oct31 = Utc.with_ymd_and_hms(2026, 10, 31, 12, 0, 0).unwrap().fixed_offset();
        let t = nov(3, 10);
        vec![
            order(
                "1",
                oct31,
                vec![line("A", "kitchen", 10, &[(t, 10)]), line("B", "office", 5, &[(t, 3)])],
            ),
            order("2", nov(1, 12), vec![line("A", "kitchen", 4, &[(t, 4)])]),
            order(
                "3",
                nov(2, 12),
                vec![line("A", "kitchen", 6, &[(t, 3)]), line("C", "office", 2, &[(t, 2)])],
            ),
            order("4", nov(2, 13), vec![line("A", "kitchen", 1, &[])]),
        ]
    }

    /// `(key, units shipped, units ordered, lines complete, lines, orders complete, orders,
    /// pending)` per group.
    type Row = (String, i64, i64, i64, i64, i64, i64, i64);

    fn rows(grouping: &Grouping) -> Vec<Row> {
        grouping
            .groups
            .iter()
            .map(|g| {
                let c = &g.summary.counts;
                (
                    g.key.clone(),
                    c.units_shipped_final,
                    c.units_ordered,
                    c.lines_complete_final,
                    c.lines,
                    c.orders_complete_final,
                    c.orders,
                    c.orders_pending,
                )
            })
            .collect()
    }

    fn row(key: &str, n: [i64; 7]) -> Row {
        (key.to_owned(), n[0], n[1], n[2], n[3], n[4], n[5], n[6])
    }

    #[test]
    fn grouping_by_period_uses_the_placement_date() {
        let by = [GroupBy::Day, GroupBy::Week, GroupBy::Month];
        let r = report(&month_end(), today(), &by);
        assert_eq!(
            rows(&r.groupings[0]),
            vec![
                row("2026-10-31", [13, 15, 1, 2, 0, 1, 0]),
                row("2026-11-01", [4, 4, 1, 1, 1, 1, 0]),
                row("2026-11-02", [5, 8, 1, 2, 0, 1, 1]),
            ]
        );
        assert_eq!(
            rows(&r.groupings[1]),
            vec![row("2026-W44", [17, 19, 2, 3, 1, 2, 0]), row("2026-W45", [5, 8, 1, 2, 0, 1, 1])]
        );
        assert_eq!(
            rows(&r.groupings[2]),
            vec![row("2026-10", [13, 15, 1, 2, 0, 1, 0]), row("2026-11", [9, 12, 2, 3, 1, 2, 1])]
        );
        assert_eq!(r.overall.counts.units_ordered, 27);
        assert_eq!(r.overall.counts.orders_pending, 1);
    }

    #[test]
    fn grouping_by_product_and_category_judges_each_orders_lines_there() {
        let r = report(&month_end(), today(), &[GroupBy::Category, GroupBy::Sku]);
        // Order 1 is complete as far as its kitchen lines go.
        assert_eq!(
            rows(&r.groupings[0]),
            vec![row("kitchen", [17, 20, 2, 3, 2, 3, 1]), row("office", [5, 7, 1, 2, 1, 2, 0])]
        );
        assert_eq!(
            rows(&r.groupings[1]),
            vec![
                row("A", [17, 20, 2, 3, 2, 3, 1]),
                row("B", [3, 5, 0, 1, 0, 1, 0]),
                row("C", [2, 2, 1, 1, 1, 1, 0]),
            ]
        );
        let kitchen = &r.groupings[0].groups[0].summary;
        approx(kitchen.rates.final_fill.units, 0.85);
        approx(kitchen.rates.perfect_order, 2.0 / 3.0);
    }

    #[test]
    fn drilling_down_names_the_orders_behind_a_rate() {
        let orders = month_end();
        let all = drill(&orders, today(), None, Measure::UnitsFinal);
        // The biggest shortfall first: order 3 lacks 3 units, order 1 lacks 2.
        assert_eq!(numbers(&all.short), vec![("3", 5, 8), ("1", 13, 15)]);
        assert_eq!(numbers(&all.met), vec![("2", 4, 4)]);

        let kitchen = Slice { by: GroupBy::Category, key: "kitchen".into() };
        let d = drill(&orders, today(), Some(&kitchen), Measure::UnitsFinal);
        assert_eq!(numbers(&d.short), vec![("3", 3, 6)]);
        assert_eq!(numbers(&d.met), vec![("1", 10, 10), ("2", 4, 4)]);

        let week = Slice { by: GroupBy::Week, key: "2026-W44".into() };
        let d = drill(&orders, today(), Some(&week), Measure::OrdersFinal);
        assert_eq!(numbers(&d.short), vec![("1", 0, 1)]);
        assert_eq!(numbers(&d.met), vec![("2", 1, 1)]);

        let d = drill(&orders, today(), None, Measure::PerfectOrder);
        assert_eq!(numbers(&d.short), vec![("1", 0, 1), ("3", 0, 1)]);
        assert!(d.short.iter().all(|r| r.flaws == vec![Flaw::Incomplete]));

        let day = Slice { by: GroupBy::Day, key: "2026-11-02".into() };
        let d = drill(&orders, today(), Some(&day), Measure::LinesFirstTime);
        assert_eq!(numbers(&d.short), vec![("3", 1, 2)]);
        assert!(d.met.is_empty(), "the pending order 4 is not behind any rate");
    }

    /// A wall-clock time in a real zone, as the API hands it to the core.
    fn local(zone: chrono_tz::Tz, (m, d): (u32, u32), (h, min): (u32, u32)) -> StoreTime {
        zone.with_ymd_and_hms(2026, m, d, h, min, 0).single().unwrap().fixed_offset()
    }

    fn day_keys(orders: &[OrderFacts]) -> Vec<String> {
        let r = report(orders, today(), &[GroupBy::Day]);
        r.groupings[0].groups.iter().map(|g| g.key.clone()).collect()
    }

    fn late(o: OrderFacts) -> bool {
        let d = drill(&[o], today(), None, Measure::PerfectOrder);
        d.short.first().is_some_and(|r| r.flaws.contains(&Flaw::Late))
    }

    #[test]
    fn a_late_evening_order_in_a_western_zone_keeps_its_local_day() {
        use chrono_tz::America::Los_Angeles as la;
        // 23:30 on the 23rd in Los Angeles is 07:30 on the 24th in UTC.
        let placed = local(la, (11, 23), (23, 30));
        assert_eq!(placed.with_timezone(&Utc).day(), 24);
        // Shipped at 22:00 on its ship-by day there, which is already the next day in UTC.
        let shipped = local(la, (11, 25), (22, 0));
        let mut o = order("W1", placed, vec![line("A", "k", 1, &[(shipped, 1)])]);
        o.ship_by = Some(date(11, 25));
        assert_eq!(day_keys(std::slice::from_ref(&o)), vec!["2026-11-23"]);
        assert!(!late(o.clone()), "shipped on its ship-by day in the store is on time");
        o.ship_by = Some(date(11, 24));
        assert!(late(o));
    }

    #[test]
    fn a_store_east_of_utc_counts_its_own_midnight() {
        use chrono_tz::Asia::Tokyo as tokyo;
        // 00:30 on the 24th in Tokyo is still the 23rd in UTC.
        let placed = local(tokyo, (11, 24), (0, 30));
        assert_eq!(placed.with_timezone(&Utc).day(), 23);
        // Shipped at 08:00 on the 26th in Tokyo (the 25th in UTC), due the 25th: late.
        let shipped = local(tokyo, (11, 26), (8, 0));
        let mut o = order("E1", placed, vec![line("A", "k", 1, &[(shipped, 1)])]);
        o.ship_by = Some(date(11, 25));
        assert_eq!(day_keys(std::slice::from_ref(&o)), vec!["2026-11-24"]);
        assert!(late(o));
    }

    #[test]
    fn a_clock_change_day_keeps_both_ends_of_the_day_together() {
        use chrono_tz::America::Los_Angeles as la;
        use chrono_tz::Europe::Berlin as berlin;
        // Los Angeles falls back on 1 November 2026: a 25-hour day, -07:00 then -08:00.
        let early = local(la, (11, 1), (0, 30));
        let late_evening = local(la, (11, 1), (23, 30));
        assert_ne!(early.offset(), late_evening.offset());
        let next_morning = local(la, (11, 2), (0, 30));
        let orders = [
            order("D1", early, vec![line("A", "k", 1, &[])]),
            order("D2", late_evening, vec![line("A", "k", 1, &[])]),
            order("D3", next_morning, vec![line("A", "k", 1, &[])]),
        ];
        assert_eq!(day_keys(&orders), vec!["2026-11-01", "2026-11-02"]);
        let r = report(&orders, today(), &[GroupBy::Day]);
        assert_eq!(r.groupings[0].groups[0].summary.counts.orders_pending, 2);
        // Berlin springs forward on 29 March 2026: a 23-hour day, +01:00 then +02:00.
        let before = local(berlin, (3, 29), (0, 30));
        let after = local(berlin, (3, 29), (23, 30));
        assert_eq!(before.with_timezone(&Utc).day(), 28);
        let orders = [
            order("S1", before, vec![line("A", "k", 1, &[])]),
            order("S2", after, vec![line("A", "k", 1, &[])]),
        ];
        assert_eq!(day_keys(&orders), vec!["2026-03-29"]);
    }

    #[test]
    fn names_cross_to_the_ui_in_snake_case() {
        assert_eq!(
            serde_json::to_string(&Measure::UnitsFirstTime).unwrap(),
            "\"units_first_time\""
        );
        assert_eq!(serde_json::to_string(&GroupBy::Category).unwrap(), "\"category\"");
        let rates = serde_json::to_value(Counts::default().rates()).unwrap();
        assert!(rates["final_fill"]["units"].is_null());
    }

    fn arb_line() -> impl Strategy<Value = LineFacts> {
        let shipment =
            (0u32..6, -2i64..12).prop_map(|(day, qty)| Shipment { at: nov(2 + day, 10), qty });
        (0usize..3, -1i64..15, -5i64..500, prop::collection::vec(shipment, 0..4), -1i64..6, 0i64..3)
            .prop_map(|(sku, ordered, price, shipments, cancelled, fault)| LineFacts {
                sku: ["A", "B", "C"][sku].into(),
                category: ["k", "o"][sku % 2].into(),
                ordered,
                unit_price_cents: price,
                shipments,
                cancelled,
                returned: fault,
                returned_for_fault: fault,
            })
    }

    fn arb_order() -> impl Strategy<Value = OrderFacts> {
        let weight = prop::sample::select(vec![
            WeightAudit::Passed,
            WeightAudit::Overridden,
            WeightAudit::Failed,
            WeightAudit::NotWeighed,
        ]);
        (
            0u32..20,
            prop::option::of(0u32..25),
            any::<bool>(),
            weight,
            prop::collection::vec(arb_line(), 0..5),
        )
            .prop_map(|(placed, ship_by, cancelled, weight, lines)| OrderFacts {
                number: format!("{placed}-{}", lines.len()),
                placed: nov(1 + placed, 8),
                ship_by: ship_by.map(|d| date(11, 1 + d)),
                cancelled,
                weight,
                lines,
            })
    }

    const MEASURES: [Measure; 9] = [
        Measure::UnitsFirstTime,
        Measure::UnitsFinal,
        Measure::LinesFirstTime,
        Measure::LinesFinal,
        Measure::OrdersFirstTime,
        Measure::OrdersFinal,
        Measure::ValueFirstTime,
        Measure::ValueFinal,
        Measure::PerfectOrder,
    ];

    /// `(met, of)` of one measure in the counts.
    fn counted(c: &Counts, m: Measure) -> (i64, i64) {
        match m {
            Measure::UnitsFirstTime => (c.units_shipped_first_time, c.units_ordered),
            Measure::UnitsFinal => (c.units_shipped_final, c.units_ordered),
            Measure::LinesFirstTime => (c.lines_complete_first_time, c.lines),
            Measure::LinesFinal => (c.lines_complete_final, c.lines),
            Measure::OrdersFirstTime => (c.orders_complete_first_time, c.orders),
            Measure::OrdersFinal => (c.orders_complete_final, c.orders),
            Measure::ValueFirstTime => (c.value_shipped_first_time_cents, c.value_ordered_cents),
            Measure::ValueFinal => (c.value_shipped_final_cents, c.value_ordered_cents),
            Measure::PerfectOrder => (c.orders_perfect, c.orders),
        }
    }

    fn check_summary(s: &Summary) -> Result<(), TestCaseError> {
        let c = &s.counts;
        for m in MEASURES {
            let (met, of) = counted(c, m);
            prop_assert!(0 <= met && met <= of, "{m:?}: {met} of {of}");
        }
        prop_assert!(c.orders_perfect <= c.orders_complete_final);
        let r = &s.rates;
        let (first, last) = (r.first_time, r.final_fill);
        for (a, b) in [
            (first.units, last.units),
            (first.lines, last.lines),
            (first.orders, last.orders),
            (first.value, last.value),
        ] {
            prop_assert_eq!(a.is_some(), b.is_some());
            if let (Some(a), Some(b)) = (a, b) {
                prop_assert!((0.0..=1.0).contains(&a) && (0.0..=1.0).contains(&b));
                prop_assert!(a <= b, "first time {a} above final {b}");
            }
        }
        if let Some(p) = r.perfect_order {
            prop_assert!((0.0..=1.0).contains(&p));
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn rates_stay_in_range_and_drills_add_up(
            orders in prop::collection::vec(arb_order(), 0..12),
            today in 0u32..30,
        ) {
            let today = date(11, 1).checked_add_days(Days::new(today.into())).unwrap();
            let by = [GroupBy::Day, GroupBy::Week, GroupBy::Month, GroupBy::Sku, GroupBy::Category];
            let r = report(&orders, today, &by);
            check_summary(&r.overall)?;
            for grouping in &r.groupings {
                for g in &grouping.groups {
                    check_summary(&g.summary)?;
                }
            }
            // Every order falls in exactly one period.
            for grouping in &r.groupings[..3] {
                let units: i64 = grouping.groups.iter().map(|g| g.summary.counts.units_ordered).sum();
                prop_assert_eq!(units, r.overall.counts.units_ordered);
            }
            for m in MEASURES {
                let d = drill(&orders, today, None, m);
                let met: i64 = d.short.iter().chain(&d.met).map(|row| row.met).sum();
                let of: i64 = d.short.iter().chain(&d.met).map(|row| row.of).sum();
                prop_assert_eq!((met, of), counted(&r.overall.counts, m), "{:?}", m);
                let category = &r.groupings[4];
                for g in &category.groups {
                    let slice = Slice { by: GroupBy::Category, key: g.key.clone() };
                    let d = drill(&orders, today, Some(&slice), m);
                    let met: i64 = d.short.iter().chain(&d.met).map(|row| row.met).sum();
                    prop_assert_eq!(met, counted(&g.summary.counts, m).0, "{:?} in {}", m, g.key);
                }
            }
        }
    }
}
