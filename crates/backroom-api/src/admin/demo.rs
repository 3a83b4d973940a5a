//! The demo warehouse: a realistic small e-commerce warehouse to try Backroom on.
//!
//! It holds a 3-block, 12-aisle pick area with receiving, packing, shipping, quarantine and
//! returns areas; about 500 products with barcodes and weights; five box types for packing;
//! stock put away with the fast movers nearest the depot; and 200 orders from the last ten
//! days, a few held, a few cancelled and a few that the stock cannot fill. The released orders
//! older than four days have shipped: allocated, picked, weighed (a few failing first, one now
//! and then packed by a manager's override) and sent, so the reports have a history to show.
//! Orders with a product that has no weight stay open, since their boxes cannot be audited.
//!
//! Everything is drawn from a small seeded generator written here, one stream per part, so two
//! new databases get the same products, bins, stock and orders. Only the times differ: they are
//! set relative to the moment of loading, so the orders are always from the last few days and
//! their ship-by dates fall around today.

mod customers;
mod fulfilment;
mod products;

use backroom_core::layout::Layout;
use backroom_core::ledger::MovementKind;
use backroom_core::order::{OrderStatus, PaymentStatus};
use backroom_core::people::Role;
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::admin::people::{self, SaveOperator, Station};
use crate::context::{Actor, Ctx};
use crate::devices::scale_port::ScaleSettings;
use crate::error::ApiError;
use crate::events::{Changed, Event};
use crate::floor::packing::{self, SaveBox};
use crate::inventory::catalog::{self, Dimensions, SaveProduct};
use crate::inventory::stock::{self, NewMovement};
use crate::inventory::warehouse::{self, LocationKind, SaveArea, SetLayout};
use crate::orders::{self, NewLine, NewOrder};
use crate::table;
use crate::{orders::allocation, orders::holds};
use products::Item;

/// What the demo put in the database.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct DemoSummary {
    pub products: u32,
    pub bins: u32,
    pub orders: u32,
    pub held_orders: u32,
    pub operators: Vec<DemoOperator>,
}

/// A demo operator and how to sign in as them.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct DemoOperator {
    pub name: String,
    pub role: Role,
    pub badge: String,
    pub pin: String,
}

/// How many orders the demo shop has taken.
const ORDERS: usize = 200;
/// The first order number; numbers run on in the order the orders were placed.
const FIRST_ORDER: usize = 5001;
/// Gift messages of the few orders that are gifts (by order position, modulo 23).
const GIFT_MESSAGES: [&str; 3] =
    ["", "Happy birthday, Mira! With love from Jonas", "Congratulations on the new flat! — Ана"];
/// The first purchase order number of the receipts.
const FIRST_PO: usize = 3101;

/// Fills the (empty) database with the demo warehouse. The caller may be nobody yet, since the
/// demo is offered on first start before any operator exists; the demo's own operators are
/// recorded as the ones who received the stock and held the orders.
pub fn load(ctx: &mut Ctx<'_>) -> Result<DemoSummary, ApiError> {
    let (actor, now) = (ctx.actor.clone(), ctx.now);
    let result = build(ctx);
    ctx.actor = actor;
    ctx.now = now;
    result
}

fn build(ctx: &mut Ctx<'_>) -> Result<DemoSummary, ApiError> {
    // Whole minutes keep the generated times tidy.
    let base = DateTime::from_timestamp(ctx.now.timestamp() / 60 * 60, 0).unwrap_or(ctx.now);
    let layout = demo_layout();
    let bins = warehouse::set_layout(ctx, SetLayout { layout: layout.clone() })?.bins;
    for (code, kind) in AREAS {
        warehouse::save_area(ctx, SaveArea { code: code.to_string(), kind: *kind })?;
    }
    let stations = save_stations(ctx)?;
    let (crew, operators) = save_operators(ctx, &stations)?;
    save_boxes(ctx)?;

    let items = products::catalogue(&mut Rng::stream("catalogue"));
    let plan = Plan::new(&items);
    write_products(ctx, &items, &plan)?;
    let orders = plan_orders(&items, &plan);
    let moves = plan_stock(&items, &plan, &orders, &layout, base);
    write_moves(ctx, &items, &moves, &crew)?;
    let held_orders = write_orders(ctx, &items, &orders, &crew, base)?;

    ctx.emit(Event::DataChanged { what: Changed::Products });
    ctx.emit(Event::DataChanged { what: Changed::Orders });
    let mut stocked: Vec<String> = moves.iter().map(|m| items[m.item].sku.clone()).collect();
    stocked.sort();
    stocked.dedup();
    ctx.emit(Event::StockChanged { skus: stocked });
    Ok(DemoSummary {
        products: items.len() as u32,
        bins,
        orders: orders.len() as u32,
        held_orders,
        operators,
    })
}

/// A small, fast, seeded generator (SplitMix64). Written out here rather than taken from a
/// crate so that the demo's content cannot change when a dependency changes its streams.
struct Rng(u64);

impl Rng {
    /// An independent stream for one part of the demo, so changing how orders are drawn does
    /// not reshuffle the catalogue, and the other way round.
    fn stream(name: &str) -> Rng {
        // FNV-1a of the name.
        let seed = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64) < p * (1u64 << 53) as f64
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

fn minutes(m: i64) -> TimeDelta {
    TimeDelta::minutes(m)
}

// ----- The building and the people -----

/// 12 aisles of 3 blocks, 10 slots a side: 720 bins, with the depot (the packing benches) at the
/// front of aisle 1.
fn demo_layout() -> Layout {
    Layout {
        name: "Demo warehouse".into(),
        aisles: 12,
        blocks: 3,
        slots_per_side: 10,
        slot_length_m: 1.2,
        aisle_pitch_m: 3.0,
        cross_aisle_m: 2.5,
        depot_x_m: 0.0,
    }
}

const AREAS: &[(&str, LocationKind)] = &[
    ("RECEIVING", LocationKind::Receiving),
    ("PACKING", LocationKind::Packing),
    ("SHIPPING", LocationKind::Shipping),
    ("QUARANTINE", LocationKind::Quarantine),
    ("RETURNS", LocationKind::Returns),
];

/// Station row ids by name.
struct Stations {
    receiving: i64,
    pick: [i64; 2],
    /// The packing bench without a connected scale, where a typed weight is accepted.
    pack: i64,
    office: i64,
}

fn save_stations(ctx: &mut Ctx<'_>) -> Result<Stations, ApiError> {
    // The first packing bench has the common NCI bench scale at its factory settings (9600 7E1);
    // the second has none, so the demo shows both ways of packing.
    let nci = ScaleSettings {
        port: "/dev/ttyUSB0".into(),
        protocol: "nci".into(),
        baud: 9600,
        data_bits: 7,
        parity: "even".into(),
        stop_bits: 1,
    };
    for (name, scale) in [
        ("Receiving", None),
        ("Pick 1", None),
        ("Pick 2", None),
        ("Pack 1", Some(nci)),
        ("Pack 2", None),
        ("Office", None),
    ] {
        people::save_station(
            ctx,
            Station {
                name: name.into(),
                scale,
                printer: Some("PDF".into()),
                scale_at: None,
                printer_at: None,
            },
        )?;
    }
    let id = |ctx: &Ctx<'_>, name: &str| -> Result<i64, ApiError> {
        Ok(ctx.tx.query_row("SELECT id FROM stations WHERE name = ?1", [name], |r| r.get(0))?)
    };
    Ok(Stations {
        receiving: id(ctx, "Receiving")?,
        pick: [id(ctx, "Pick 1")?, id(ctx, "Pick 2")?],
        pack: id(ctx, "Pack 2")?,
        office: id(ctx, "Office")?,
    })
}

/// The box types on the packing benches: barcode, name, tare in grams, inner size in mm.
const BOXES: &[(&str, &str, f64, [f64; 3])] = &[
    ("BOX-MAILER", "Mailer bag", 30.0, [320.0, 240.0, 60.0]),
    ("BOX-S", "Small box", 140.0, [250.0, 200.0, 120.0]),
    ("BOX-M", "Medium box", 260.0, [350.0, 250.0, 200.0]),
    ("BOX-L", "Large box", 420.0, [450.0, 350.0, 300.0]),
    ("BOX-XL", "Extra large box", 650.0, [600.0, 400.0, 400.0]),
];

fn save_boxes(ctx: &mut Ctx<'_>) -> Result<(), ApiError> {
    for (code, name, tare_g, [length, width, height]) in BOXES {
        packing::save_box(
            ctx,
            SaveBox {
                code: (*code).into(),
                name: (*name).into(),
                tare_g: *tare_g,
                inner_mm: Dimensions { length: *length, width: *width, height: *height },
                active: true,
            },
        )?;
    }
    Ok(())
}

/// The operators the demo's history is recorded under.
struct Crew {
    receiver: Actor,
    returns: Actor,
    manager: Actor,
    pickers: Vec<Actor>,
    packers: Vec<Actor>,
}

/// Name, role, badge, PIN. The PINs are easy on purpose: they are printed on the sign-in screen.
const OPERATORS: &[(&str, Role, &str, &str)] = &[
    ("Sam Okafor", Role::Picker, "OP-0001", "1111"),
    ("Jess Marín", Role::Packer, "OP-0002", "2222"),
    ("Priya Raman", Role::Picker, "OP-0003", "3333"),
    ("Tomás Novák", Role::Packer, "OP-0004", "4444"),
    ("Morgan Reyes", Role::Manager, "OP-0005", "9999"),
];

fn save_operators(
    ctx: &mut Ctx<'_>,
    stations: &Stations,
) -> Result<(Crew, Vec<DemoOperator>), ApiError> {
    let mut ids = Vec::new();
    let mut listed = Vec::new();
    for &(name, role, badge, pin) in OPERATORS {
        let op = people::save_operator(
            ctx,
            SaveOperator {
                id: None,
                name: name.into(),
                role,
                badge: Some(badge.into()),
                pin: Some(pin.into()),
                active: true,
                language: None,
            },
        )?;
        ids.push(op.id);
        listed.push(DemoOperator { name: name.into(), role, badge: badge.into(), pin: pin.into() });
    }
    // Someone who has left: the badge still exists on paper but no longer signs in.
    people::save_operator(
        ctx,
        SaveOperator {
            id: None,
            name: "Chris Doyle".into(),
            role: Role::Picker,
            badge: Some("OP-0006".into()),
            pin: None,
            active: false,
            language: None,
        },
    )?;
    let at = |operator: i64, station: i64, role| Actor {
        operator_id: Some(operator),
        station_id: Some(station),
        role,
    };
    let crew = Crew {
        receiver: at(ids[2], stations.receiving, Role::Picker),
        returns: at(ids[3], stations.receiving, Role::Packer),
        manager: at(ids[4], stations.office, Role::Manager),
        pickers: vec![
            at(ids[0], stations.pick[0], Role::Picker),
            at(ids[2], stations.pick[1], Role::Picker),
        ],
        packers: vec![
            at(ids[1], stations.pack, Role::Packer),
            at(ids[3], stations.pack, Role::Packer),
        ],
    };
    Ok((crew, listed))
}

// ----- Products and what sells -----

/// Which products sell and which are out of the ordinary.
struct Plan {
    /// Product indices, best seller first.
    ranked: Vec<usize>,
    /// Each product's place in `ranked`.
    rank: Vec<usize>,
    /// Products that may be ordered, best seller first, with cumulative Zipf weights.
    orderable: Vec<(usize, u64)>,
    discontinued: Vec<usize>,
    /// Active but with no stock anywhere.
    sold_out: Vec<usize>,
    /// Stock only in quarantine.
    quarantine_only: usize,
    /// Stock only on the receiving dock, not yet put away.
    receiving_only: usize,
    /// Five in its bin and one order for twelve.
    short: usize,
    /// Best sellers with less in the bins than the open orders want.
    backordered: Vec<usize>,
}

/// The best sellers; the next band are steady sellers; the rest sell now and then.
const CLASS_A: usize = 75;
const CLASS_B: usize = 225;

impl Plan {
    fn new(items: &[Item]) -> Plan {
        let mut rng = Rng::stream("popularity");
        // A family's appeal tilts the draw, so socks and mugs tend to beat doormats, but any
        // product can turn out a best seller.
        let scores: Vec<u64> =
            items.iter().map(|it| u64::from(it.appeal) * (rng.below(1000) + 200)).collect();
        let mut ranked: Vec<usize> = (0..items.len()).collect();
        ranked.sort_by_key(|&i| (std::cmp::Reverse(scores[i]), i));
        let mut rank = vec![0; items.len()];
        for (r, &i) in ranked.iter().enumerate() {
            rank[i] = r;
        }
        // Odd cases come from the slow sellers, and never from the products without a weight,
        // which are there to be stocked and packed.
        let mut slow: Vec<usize> =
            ranked[CLASS_B..].iter().copied().filter(|&i| items[i].grams.is_some()).collect();
        rng.shuffle(&mut slow);
        let mut take = || slow.pop().unwrap_or(0);
        let discontinued = vec![take(), take(), take()];
        let sold_out = vec![take(), take(), take()];
        let quarantine_only = take();
        let receiving_only = take();
        let mugs: Vec<usize> = ranked[CLASS_A..CLASS_B]
            .iter()
            .copied()
            .filter(|&i| items[i].category == "Drinkware" && items[i].grams.is_some())
            .collect();
        let short = if mugs.is_empty() { ranked[CLASS_A] } else { *rng.pick(&mugs) };
        let backordered: Vec<usize> = ranked[2..CLASS_A]
            .iter()
            .copied()
            .filter(|&i| items[i].grams.is_some())
            .step_by(7)
            .take(2)
            .collect();
        let unorderable =
            [&discontinued[..], &sold_out[..], &[quarantine_only, receiving_only]].concat();
        let mut total = 0;
        let orderable = ranked
            .iter()
            .copied()
            .filter(|i| !unorderable.contains(i))
            .enumerate()
            .map(|(pos, i)| {
                // Zipf with a flattened head: the best seller is in about one line of twenty.
                total += 1_000_000 / (pos as u64 + 4);
                (i, total)
            })
            .collect();
        Plan {
            ranked,
            rank,
            orderable,
            discontinued,
            sold_out,
            quarantine_only,
            receiving_only,
            short,
            backordered,
        }
    }

    /// A product drawn by popularity.
    fn draw(&self, rng: &mut Rng) -> usize {
        let total = self.orderable.last().map_or(1, |&(_, t)| t);
        let roll = rng.below(total);
        let at = self.orderable.partition_point(|&(_, t)| t <= roll);
        self.orderable[at.min(self.orderable.len() - 1)].0
    }
}

fn write_products(ctx: &Ctx<'_>, items: &[Item], plan: &Plan) -> Result<(), ApiError> {
    for (i, item) in items.iter().enumerate() {
        let product = catalog::validate(&SaveProduct {
            sku: item.sku.clone(),
            name: item.name.clone(),
            category: item.category.into(),
            unit_weight: item.grams.map(|g| format!("{g} g")),
            dimensions_mm: item.dims,
            price_cents: item.price_cents,
            active: !plan.discontinued.contains(&i),
            barcodes: item.barcodes.clone(),
        })?;
        catalog::write(ctx, &product)?;
    }
    Ok(())
}

// ----- Orders -----

/// What becomes of an order after it is entered.
enum Fate {
    /// Released in the first daily release after it came in, or still new if it came in since.
    Open,
    Held(&'static str),
    /// Held for payment, then released when the money arrived.
    HeldThenReleased,
    Cancelled(&'static str),
}

struct PlannedOrder {
    /// Minutes before loading that the order was placed.
    age: i64,
    customer: orders::Customer,
    ship_to: orders::Address,
    billing_country: String,
    payment: PaymentStatus,
    priority: i64,
    /// Product index, quantity, and a sale price when the line was discounted.
    lines: Vec<(usize, i64, Option<i64>)>,
    fate: Fate,
}

/// Holds a manager would put on, with the payment state that goes with each.
const HOLDS: &[(&str, PaymentStatus)] = &[
    ("payment pending: bank transfer not received yet", PaymentStatus::Pending),
    ("payment pending: bank transfer not received yet", PaymentStatus::Pending),
    ("payment declined by the card issuer; emailed the customer", PaymentStatus::Declined),
    ("payment failed at checkout; waiting for the customer to pay again", PaymentStatus::Failed),
    ("address incomplete: no house number; emailed the customer", PaymentStatus::Paid),
    ("address incomplete: postal code missing", PaymentStatus::Paid),
    ("billing and shipping countries differ; checking with the customer", PaymentStatus::Paid),
    ("customer asked to add an item before we ship", PaymentStatus::Paid),
];

const CANCELS: &[(&str, PaymentStatus)] = &[
    ("customer asked to cancel", PaymentStatus::Refunded),
    ("duplicate of an earlier order", PaymentStatus::Voided),
    ("payment never arrived", PaymentStatus::Voided),
];

fn plan_orders(items: &[Item], plan: &Plan) -> Vec<PlannedOrder> {
    let mut rng = Rng::stream("orders");
    let mut planned: Vec<PlannedOrder> = (0..ORDERS)
        .map(|_| {
            // Most open orders came in since yesterday; older ones linger for a reason.
            let age = match rng.below(100) {
                0..=54 => rng.between(3, 24 * 60),
                55..=79 => rng.between(24 * 60, 72 * 60),
                80..=94 => rng.between(72 * 60, 168 * 60),
                _ => rng.between(168 * 60, 240 * 60),
            };
            let (customer, ship_to) = customers::customer(&mut rng);
            let count = match rng.below(100) {
                0..=44 => 1,
                45..=72 => 2,
                73..=87 => 3,
                88..=95 => 4,
                _ => 5,
            };
            let mut lines: Vec<(usize, i64, Option<i64>)> = Vec::new();
            while lines.len() < count {
                let item = plan.draw(&mut rng);
                if lines.iter().any(|l| l.0 == item) {
                    continue;
                }
                let qty = match (rng.below(100), items[item].small) {
                    (0..=49, true) | (0..=79, false) => 1,
                    (50..=79, true) | (80..=93, false) => 2,
                    (80..=94, true) | (94..=98, false) => 3,
                    _ => rng.between(4, 6),
                };
                let price = items[item].price_cents;
                let sale = rng.chance(0.08).then(|| price - price / 5);
                lines.push((item, qty, sale));
            }
            PlannedOrder {
                age,
                billing_country: ship_to.country.clone(),
                customer,
                ship_to,
                payment: if rng.chance(0.9) {
                    PaymentStatus::Paid
                } else {
                    PaymentStatus::Authorized
                },
                priority: i64::from(rng.chance(0.12)),
                lines,
                fate: Fate::Open,
            }
        })
        .collect();

    // Holds and cancellations fall on orders old enough to have been looked at.
    let mut older: Vec<usize> = (0..ORDERS).filter(|&k| planned[k].age > 6 * 60).collect();
    rng.shuffle(&mut older);
    for &(reason, payment) in HOLDS {
        let Some(k) = older.pop() else { break };
        let order = &mut planned[k];
        order.fate = Fate::Held(reason);
        order.payment = payment;
        if reason.contains("no house number") {
            order.ship_to.address1 = order
                .ship_to
                .address1
                .trim_matches(|c: char| c.is_ascii_digit() || c == ' ')
                .into();
        } else if reason.contains("postal code") {
            order.ship_to.postal_code.clear();
        } else if reason.contains("countries differ") {
            order.billing_country =
                if order.ship_to.country == "GB" { "US".into() } else { "GB".into() };
        }
    }
    older.retain(|&k| planned[k].age > 48 * 60);
    for _ in 0..2 {
        if let Some(k) = older.pop() {
            planned[k].fate = Fate::HeldThenReleased;
        }
    }
    for &(reason, payment) in CANCELS {
        if let Some(k) = older.pop() {
            planned[k].fate = Fate::Cancelled(reason);
            planned[k].payment = payment;
        }
    }

    // Orders the stock cannot fill: a sold-out product, stock stuck in quarantine, stock still
    // on the dock, and an office ordering a dozen of a mug the bins hold five of.
    let mut open: Vec<usize> =
        (0..ORDERS).filter(|&k| matches!(planned[k].fate, Fate::Open)).collect();
    rng.shuffle(&mut open);
    let wants = [
        (plan.sold_out[0], 1),
        (plan.sold_out[1], 2),
        (plan.quarantine_only, 1),
        (plan.receiving_only, 2),
        (plan.short, 12),
    ];
    for (&k, (item, qty)) in open.iter().zip(wants) {
        let lines = &mut planned[k].lines;
        lines.retain(|l| l.0 != item);
        if lines.len() >= 5 {
            lines.pop();
        }
        lines.push((item, qty, None));
    }

    // Numbered in the order they came in.
    planned.sort_by_key(|o| std::cmp::Reverse(o.age));
    planned
}

/// The service a demo order was sold with: the carriers a shop in that country would use, a
/// faster one for a priority order, varied by the order's place in line so that every carrier
/// has packages at close-out. The carrier is the one the service names.
fn service(country: &str, priority: bool, n: usize) -> &'static str {
    let choices: &[&str] = match (country, priority) {
        ("GB", false) => &["Royal Mail Tracked 48", "Evri Standard", "Royal Mail Tracked 48"],
        ("GB", true) => &["DPD Next Day", "Royal Mail Tracked 24"],
        ("US" | "CA", false) => &["UPS Ground", "USPS Priority Mail", "UPS Ground"],
        ("US" | "CA", true) => &["UPS Next Day Air", "FedEx 2Day"],
        (_, false) => &["DPD Classic", "DHL Parcel International"],
        (_, true) => &["DHL Express Worldwide", "DPD Express"],
    };
    choices[n % choices.len()]
}

fn write_orders(
    ctx: &mut Ctx<'_>,
    items: &[Item],
    planned: &[PlannedOrder],
    crew: &Crew,
    base: DateTime<Utc>,
) -> Result<u32, ApiError> {
    use OrderStatus::Held;
    let mut rng = Rng::stream("order history");
    let latest = base - minutes(1);
    let mut floor = fulfilment::Floor::new(crew, latest);
    for (n, order) in planned.iter().enumerate() {
        let placed = base - minutes(order.age);
        floor.run_until(ctx, placed)?;
        let ship_days = if order.priority > 0 { 1 } else { 2 };
        let ship_by = (placed + TimeDelta::days(ship_days))
            .date_naive()
            .and_hms_opt(22, 0, 0)
            .map(|t| t.and_utc());
        let new = NewOrder {
            number: format!("#{}", FIRST_ORDER + n),
            customer: order.customer.clone(),
            ship_to: order.ship_to.clone(),
            billing_country: order.billing_country.clone(),
            placed_at: Some(crate::time::to_text(placed)),
            ship_by: ship_by.map(crate::time::to_text),
            payment_status: order.payment,
            priority: order.priority,
            // Some buyers send a gift, so the slip's gift layout (no prices) has orders to show.
            gift_message: GIFT_MESSAGES.get(n % 23).copied().unwrap_or_default().to_owned(),
            backorder_policy: None,
            carrier: None,
            service: Some(service(&order.ship_to.country, order.priority > 0, n).to_owned()),
            lines: order
                .lines
                .iter()
                .map(|&(item, qty, sale)| NewLine {
                    product: items[item].sku.clone(),
                    qty,
                    unit_price_cents: sale,
                })
                .collect(),
        };
        // Orders arrive from the shop, not from an operator, and are screened as they arrive.
        ctx.actor = None;
        ctx.now = placed;
        let id = orders::enter(ctx, &new)?;
        ctx.actor = Some(crew.manager.clone());
        let number = new.number.clone();
        let decision = |reason: &str| holds::HoldDecision {
            number: number.clone(),
            reason: reason.to_owned(),
        };
        let at = |minutes_later: i64| (placed + minutes(minutes_later)).min(latest).max(placed);
        match order.fate {
            Fate::Open => {}
            Fate::Held(reason) => {
                // Screening catches payment and address trouble; the rest a manager holds.
                if orders::status_of(ctx, id)? != Held {
                    ctx.now = at(rng.between(5, 45));
                    holds::hold_order(ctx, decision(reason))?;
                }
            }
            Fate::HeldThenReleased => {
                // Held for its pending payment; screening releases it when the money arrives.
                ctx.now = at(rng.between(20 * 60, 40 * 60));
                table::orders::set_payment_status(ctx, id, PaymentStatus::Paid)?;
                holds::screen_orders(ctx, &[id])?;
            }
            Fate::Cancelled(reason) => {
                ctx.now = at(rng.between(60, 1200));
                holds::cancel_order(ctx, decision(reason))?;
            }
        }
        let weighed = order.lines.iter().all(|&(item, _, _)| items[item].grams.is_some());
        if fulfilment::Floor::ships(order.age)
            && weighed
            && orders::status_of(ctx, id)? == OrderStatus::Released
        {
            floor.take(id, new.number.clone(), ctx.now);
        }
    }
    floor.run_until(ctx, latest)?;
    // The last allocation run promised the bins' stock to the released orders, first in line
    // first.
    ctx.now = latest;
    allocation::run(ctx, allocation::Scope::All)?;
    let held: u32 = ctx.tx.query_row(
        "SELECT count(*) FROM orders WHERE status = ?1",
        [Held.as_str()],
        |r| r.get(0),
    )?;
    Ok(held)
}

// ----- Stock -----

/// One stock movement to record, at a time in the past.
struct Move {
    at: DateTime<Utc>,
    kind: MovementKind,
    item: usize,
    qty: i64,
    from: Option<String>,
    to: Option<String>,
    reason: Reason,
    by: Who,
}

enum Reason {
    /// The purchase order of a supplier's delivery, numbered once every delivery is known.
    Po {
        supplier: usize,
        wave: usize,
    },
    Text(&'static str),
}

#[derive(Clone, Copy)]
enum Who {
    Receiver,
    Returns,
}

const RECEIVING: &str = "RECEIVING";
const QUARANTINE: &str = "QUARANTINE";
const RETURNS: &str = "RETURNS";

/// When a supplier's deliveries arrived: wave 0 is the first delivery weeks ago, wave 1 a
/// restock a few days ago, wave 2 today's delivery.
fn delivery_times(suppliers: usize, base: DateTime<Utc>) -> Vec<[DateTime<Utc>; 3]> {
    let mut rng = Rng::stream("deliveries");
    (0..suppliers)
        .map(|_| {
            [
                base - minutes(rng.between(12 * 1440, 35 * 1440)),
                base - minutes(rng.between(1440, 5 * 1440)),
                base - minutes(rng.between(45, 200)),
            ]
        })
        .collect()
}

fn plan_stock(
    items: &[Item],
    plan: &Plan,
    orders: &[PlannedOrder],
    layout: &Layout,
    base: DateTime<Utc>,
) -> Vec<Move> {
    let mut rng = Rng::stream("stock");
    let mut demand = vec![0i64; items.len()];
    for order in orders.iter().filter(|o| !matches!(o.fate, Fate::Cancelled(_))) {
        for &(item, qty, _) in &order.lines {
            demand[item] += qty;
        }
    }
    let none: Vec<usize> =
        [&plan.discontinued[..], &plan.sold_out[..], &[plan.quarantine_only, plan.receiving_only]]
            .concat();
    // What goes into the pick bins: enough for the open orders and some to spare, fewer of the
    // bulky goods and more of the small ones.
    let in_bins: Vec<i64> = (0..items.len())
        .map(|i| {
            let spare = match plan.rank[i] {
                r if r < CLASS_A => rng.between(24, 84),
                r if r < CLASS_B => rng.between(8, 32),
                _ => rng.between(2, 12),
            };
            let spare = if items[i].bulky {
                (spare / 3).max(2)
            } else if items[i].small {
                spare * 3
            } else {
                spare
            };
            if none.contains(&i) {
                0
            } else if i == plan.short {
                5
            } else if plan.backordered.contains(&i) {
                (demand[i] * 6 / 10).max(1)
            } else {
                demand[i] + spare
            }
        })
        .collect();

    // Slotting: the best sellers get the bins nearest the depot, the slow sellers the far
    // ones; within each band the order is whatever put-away happened to do.
    let depot = layout.depot();
    let mut bins: Vec<_> = layout.bins().collect();
    bins.sort_by(|a, b| {
        let (pa, pb) = (layout.point(a), layout.point(b));
        let da = (pa.x - depot.x).abs() + (pa.y - depot.y);
        let db = (pb.x - depot.x).abs() + (pb.y - depot.y);
        da.total_cmp(&db).then(a.cmp(b))
    });
    let stocked: Vec<usize> = plan.ranked.iter().copied().filter(|&i| in_bins[i] > 0).collect();
    let mut primary = vec![String::new(); items.len()];
    let mut start = 0;
    for band in
        [&stocked[..CLASS_A.min(stocked.len())], &stocked[CLASS_A..CLASS_B], &stocked[CLASS_B..]]
    {
        let mut zone: Vec<_> = bins[start..start + band.len()].to_vec();
        rng.shuffle(&mut zone);
        for (&i, bin) in band.iter().zip(zone) {
            primary[i] = bin.to_string();
        }
        start += band.len();
    }
    // Big quantities overflow into a second bin in the reserve at the back; now and then a
    // steady seller ended up in two bins because a restock was put away elsewhere.
    let mut reserve = bins[start..].iter().rev();
    let mut overflow: Vec<Option<(String, i64)>> = vec![None; items.len()];
    for &i in &stocked {
        let split = if in_bins[i] >= 60 {
            Some(in_bins[i] * 2 / 5)
        } else if (CLASS_A..CLASS_B).contains(&plan.rank[i]) && in_bins[i] >= 6 && rng.chance(0.06)
        {
            Some(in_bins[i] / 2)
        } else {
            None
        };
        if let (Some(qty), Some(bin)) = (split, reserve.next()) {
            overflow[i] = Some((bin.to_string(), qty));
        }
    }

    let deliveries =
        delivery_times(items.iter().map(|it| it.supplier).max().unwrap_or(0) + 1, base);
    let mut moves = Vec::new();
    let receive = |moves: &mut Vec<Move>,
                   i: usize,
                   qty: i64,
                   wave: usize,
                   bins: &mut Vec<(String, i64)>,
                   rng: &mut Rng| {
        let at = deliveries[items[i].supplier][wave];
        moves.push(Move {
            at,
            kind: MovementKind::Receipt,
            item: i,
            qty,
            from: None,
            to: Some(RECEIVING.into()),
            reason: Reason::Po { supplier: items[i].supplier, wave },
            by: Who::Receiver,
        });
        // Put away an hour or a few later, filling the bins in turn.
        let put_at = at + minutes(rng.between(50, 240));
        let mut left = qty;
        for (bin, room) in bins.iter_mut() {
            let qty = left.min(*room);
            if qty > 0 {
                moves.push(Move {
                    at: put_at,
                    kind: MovementKind::Transfer,
                    item: i,
                    qty,
                    from: Some(RECEIVING.into()),
                    to: Some(bin.clone()),
                    reason: Reason::Text("put-away"),
                    by: Who::Receiver,
                });
                *room -= qty;
                left -= qty;
            }
        }
    };
    for &i in &stocked {
        let total = in_bins[i];
        let mut targets = match &overflow[i] {
            Some((bin, qty)) => vec![(primary[i].clone(), total - qty), (bin.clone(), *qty)],
            None => vec![(primary[i].clone(), total)],
        };
        // Best sellers were restocked this week on top of the first delivery.
        let restock = if plan.rank[i] < CLASS_A && total >= 10 { total * 2 / 5 } else { 0 };
        receive(&mut moves, i, total - restock, 0, &mut targets, &mut rng);
        if restock > 0 {
            receive(&mut moves, i, restock, 1, &mut targets, &mut rng);
        }
    }

    // Damaged units set aside from deliveries, and one delivery that failed inspection whole.
    let steady = &stocked[CLASS_A..CLASS_B];
    let set_aside =
        |moves: &mut Vec<Move>, i: usize, qty: i64, wave: usize, reason: &'static str| {
            let at = deliveries[items[i].supplier][wave];
            let rec = Move {
                at,
                kind: MovementKind::Receipt,
                item: i,
                qty,
                from: None,
                to: Some(RECEIVING.into()),
                reason: Reason::Po { supplier: items[i].supplier, wave },
                by: Who::Receiver,
            };
            moves.push(rec);
            moves.push(Move {
                at: at + minutes(35),
                kind: MovementKind::Transfer,
                item: i,
                qty,
                from: Some(RECEIVING.into()),
                to: Some(QUARANTINE.into()),
                reason: Reason::Text(reason),
                by: Who::Receiver,
            });
        };
    const DAMAGE: &[&str] = &[
        "damaged on arrival: crushed carton",
        "damaged on arrival: broken in transit",
        "damaged on arrival: water damage",
    ];
    for _ in 0..6 {
        let i = *rng.pick(steady);
        let qty = rng.between(1, 3);
        let reason = *rng.pick(DAMAGE);
        set_aside(&mut moves, i, qty, 0, reason);
    }
    set_aside(
        &mut moves,
        plan.quarantine_only,
        4,
        1,
        "failed inspection: labels do not match the delivery note; supplier contacted",
    );

    // Today's delivery is still on the dock.
    let mut today: Vec<usize> = stocked[..CLASS_B].to_vec();
    rng.shuffle(&mut today);
    today.truncate(8);
    today.push(plan.receiving_only);
    for &i in &today {
        let qty = if i == plan.receiving_only { 12 } else { rng.between(6, 24) };
        let supplier = items[i].supplier;
        moves.push(Move {
            at: deliveries[supplier][2],
            kind: MovementKind::Receipt,
            item: i,
            qty,
            from: None,
            to: Some(RECEIVING.into()),
            reason: Reason::Po { supplier, wave: 2 },
            by: Who::Receiver,
        });
    }

    // Customer returns waiting to be inspected.
    const RETURN_REASONS: &[&str] = &[
        "customer return: ordered by mistake",
        "customer return: changed mind",
        "customer return: arrived damaged",
    ];
    for reason in RETURN_REASONS {
        let i = *rng.pick(&stocked[..CLASS_B]);
        moves.push(Move {
            at: base - minutes(rng.between(1440, 3 * 1440)),
            kind: MovementKind::Return,
            item: i,
            qty: 1,
            from: None,
            to: Some(RETURNS.into()),
            reason: Reason::Text(reason),
            by: Who::Returns,
        });
    }

    // Recorded in the order they happened, so the movement list reads like a real history.
    moves.sort_by_key(|m| m.at);
    moves
}

fn write_moves(
    ctx: &mut Ctx<'_>,
    items: &[Item],
    moves: &[Move],
    crew: &Crew,
) -> Result<(), ApiError> {
    // Purchase orders are numbered in the order their deliveries arrived.
    let mut pos: Vec<(DateTime<Utc>, usize, usize)> = moves
        .iter()
        .filter_map(|m| match m.reason {
            Reason::Po { supplier, wave } => Some((m.at, supplier, wave)),
            Reason::Text(_) => None,
        })
        .collect();
    pos.sort();
    pos.dedup();
    for m in moves {
        let reason = match m.reason {
            Reason::Po { supplier, wave } => {
                let n = pos.iter().position(|&(_, s, w)| s == supplier && w == wave).unwrap_or(0);
                format!("PO-{}", FIRST_PO + n)
            }
            Reason::Text(text) => text.to_owned(),
        };
        ctx.actor = Some(match m.by {
            Who::Receiver => crew.receiver.clone(),
            Who::Returns => crew.returns.clone(),
        });
        ctx.now = m.at;
        stock::record(
            ctx,
            &NewMovement {
                kind: m.kind,
                product: items[m.item].sku.clone(),
                qty: m.qty,
                from: m.from.clone(),
                to: m.to.clone(),
                reason,
                order: None,
            },
        )?;
    }
    Ok(())
}
