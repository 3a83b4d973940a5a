//! Holds: screening every new or changed order with the store's rules, the list customer
//! service works from, and a manager's release or cancel.
//!
//! An order is `held` while it has an open hold. Screening opens a hold for each rule the order
//! fails and closes its own holds once the order passes that rule again (a payment that arrived).
//! A hold a manager released stays released: screening does not put the same rule back on the
//! same order, since a person has looked and decided.

use std::collections::{BTreeSet, HashMap};

use crate::store::{ToSql, json_list, params};
use backroom_core::order::{OrderStatus, PaymentStatus};
use backroom_core::screening::{self, History, HoldRule, OrderFacts, ShipTo};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::admin::settings;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::events::{Changed, Event};
use crate::orders::allocation;
use crate::orders::{self, Address, Customer};
use crate::table::{self, order_lines};

/// One open reason an order is held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HoldReason {
    pub rule: HoldRule,
    pub reason: String,
    pub placed_at: String,
    /// Who put it on; `None` when screening did.
    pub placed_by: Option<String>,
}

/// A held order as customer service sees it: who to call and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HeldOrder {
    pub number: String,
    pub customer: Customer,
    pub ship_to: Address,
    pub billing_country: String,
    pub payment_status: PaymentStatus,
    pub placed_at: String,
    pub total_cents: i64,
    /// The currency of the total (ISO 4217): the order's, else the store's.
    pub currency: String,
    pub holds: Vec<HoldReason>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct HoldQuery {
    /// Only orders held for this rule.
    #[serde(default)]
    pub rule: Option<HoldRule>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct HoldDecision {
    pub number: String,
    /// Why; recorded on the order with who decided.
    pub reason: String,
}

/// Screens orders and moves them as the result says: failing orders are held (giving back any
/// stock they had), passing `new` orders are released when the store releases automatically, and
/// held orders whose every hold has cleared go back to the floor. Returns the orders released.
///
/// The orders are read, screened and written a set at a time: an import screens tens of
/// thousands at once, and on PostgreSQL a statement per order is a round trip per order.
pub fn screen_orders(ctx: &mut Ctx<'_>, ids: &[i64]) -> Result<Vec<i64>, ApiError> {
    let settings = settings::load(ctx)?;
    let list = json_list(ids);
    let mut candidates = screenable(ctx, &list)?;
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let emails: BTreeSet<&str> =
        candidates.values().map(|c| c.email.as_str()).filter(|e| !e.is_empty()).collect();
    let past = past_orders(ctx, &json_list(emails))?;
    let overridden = overridden_rules(ctx, &list)?;
    let mut open = open_holds_of(ctx, &list)?;
    let mut changes = HoldChanges::default();
    let mut moves = Vec::new();
    let mut released = Vec::new();
    let mut numbers = HashMap::new();
    for &id in ids {
        let Some(c) = candidates.remove(&id) else { continue };
        let history = history_of(&past, &c.email, &c.placed_at, id);
        let failed: Vec<_> = screening::screen(&settings.holds, &c.facts(history))
            .into_iter()
            .filter(|h| !overridden.get(&id).is_some_and(|rules| rules.contains(&h.rule)))
            .collect();
        let still_open = changes.sync(id, open.remove(&id).unwrap_or_default(), &failed);
        if let Some((to, reason)) = verdict(c.status, &still_open, settings.orders.auto_release) {
            moves.push(orders::Move { order_id: id, from: c.status, to, reason });
            if to == OrderStatus::Released {
                released.push(id);
            }
        }
        numbers.insert(id, c.number);
    }
    changes.write(ctx)?;
    orders::advance_many(ctx, &moves)?;
    for m in &moves {
        if m.to == OrderStatus::Held {
            allocation::release_order_stock(ctx, m.order_id)?;
        }
        ctx.emit(Event::OrderChanged { number: numbers[&m.order_id].clone(), status: m.to });
    }
    Ok(released)
}

/// Where screening moves an order in `status` whose holds `open` are left open, and why: held
/// for them; released once every hold has cleared, or when a new order passes and the store
/// releases automatically. `None` leaves the order where it is.
fn verdict<S: std::borrow::Borrow<str>>(
    status: OrderStatus,
    open: &[S],
    auto_release: bool,
) -> Option<(OrderStatus, String)> {
    if !open.is_empty() {
        return (status != OrderStatus::Held).then(|| (OrderStatus::Held, open.join("; ")));
    }
    match status {
        OrderStatus::Held => Some((OrderStatus::Released, "every hold cleared".to_owned())),
        OrderStatus::New if auto_release => {
            Some((OrderStatus::Released, "passed screening".to_owned()))
        }
        _ => None,
    }
}

/// Screens new orders before they are stored, so that each enters with the status screening
/// gives it and a single status event, rather than entering `new` and moving on at once: an
/// import enters tens of thousands, and each order's second write and second event would
/// cost as much again on PostgreSQL. Orders entering other than `new` (held for a product not
/// known yet, or finished by the shop) are left as they are. Returns the holds each order
/// opens, to be stored with it.
///
/// The customer's history is what [`screen_orders`] would find once the order is stored: it
/// counts orders that shipped something or were charged back, and an order entering has done
/// neither, so the history is read from the orders already stored, every one of which it
/// follows.
pub fn screen_entering(
    ctx: &Ctx<'_>,
    entering: &mut [orders::Checked<'_>],
) -> Result<Vec<Vec<screening::Hold>>, ApiError> {
    let screened = |o: &orders::Checked<'_>| o.status == OrderStatus::New;
    if !entering.iter().any(screened) {
        return Ok(entering.iter().map(|_| Vec::new()).collect());
    }
    let settings = settings::load(ctx)?;
    let emails: BTreeSet<&str> = entering
        .iter()
        .filter(|o| screened(o))
        .map(|o| o.customer[1])
        .filter(|email| !email.is_empty())
        .collect();
    let past = past_orders(ctx, &json_list(emails))?;
    let mut opened = Vec::with_capacity(entering.len());
    for order in entering.iter_mut() {
        if !screened(order) {
            opened.push(Vec::new());
            continue;
        }
        let history = history_of(&past, order.customer[1], &order.placed_at, i64::MAX);
        let failed = screening::screen(&settings.holds, &entry_facts(order, history));
        let reasons: Vec<&str> = failed.iter().map(|h| h.reason.as_str()).collect();
        if let Some((to, why)) = verdict(OrderStatus::New, &reasons, settings.orders.auto_release) {
            order.reason =
                if to == OrderStatus::Released { format!("entered, {why}") } else { why };
            order.status = to;
        }
        opened.push(failed);
    }
    Ok(opened)
}

/// Opens the holds new orders enter with, `(order, rule, reason)`, one row each.
pub fn open_on_entry(ctx: &Ctx<'_>, holds: &[(i64, &str, &str)]) -> Result<(), ApiError> {
    let now = ctx.now_text();
    let values: Vec<&dyn ToSql> = holds
        .iter()
        .flat_map(|(id, rule, reason)| [id as &dyn ToSql, rule, reason, &now])
        .collect();
    ctx.tx.insert_rows("order_holds (order_id, rule, reason, placed_at)", 4, &values)?;
    Ok(())
}

/// What the rules look at in an order not stored yet.
fn entry_facts<'a>(order: &'a orders::Checked<'_>, history: History) -> OrderFacts<'a> {
    let [name, address1, _, city, _, postal_code] = &order.ship_to;
    OrderFacts {
        payment: PaymentStatus::parse(order.payment).unwrap_or(PaymentStatus::Pending),
        ship_to: ShipTo { name, address1, city, postal_code, country: &order.ship_country },
        billing_country: &order.billing_country,
        total_cents: order.total_cents,
        history,
    }
}

/// A stored order that counts in its customer's history (it shipped something or was charged
/// back), with the customer's history up to and including it.
struct PastOrder {
    placed_at: String,
    id: i64,
    history: History,
}

/// Each customer's [`PastOrder`]s, by the email as screening asked for it, in the order they
/// were placed (and by id, for orders placed at the same moment).
type PastOrders = HashMap<String, Vec<PastOrder>>;

/// The [`PastOrders`] of each customer of the JSON list `emails`, matched without regard to
/// case. Each customer's orders are read once and given running totals, so that each order
/// screened finds its history with one search however many orders the customer has (a shop's
/// placeholder email may stand for thousands).
fn past_orders(ctx: &Ctx<'_>, emails: &str) -> Result<PastOrders, ApiError> {
    let mut stmt = ctx.tx.prepare(
        "SELECT e.value, o.placed_at, o.id, o.chargeback,
                CASE WHEN EXISTS (SELECT 1 FROM returns rt WHERE rt.order_id = o.id)
                     THEN 1 ELSE 0 END
         FROM (SELECT value FROM json_each(?1)) e
         JOIN orders o ON o.customer_email = e.value COLLATE NOCASE
         WHERE o.chargeback = 1
            OR EXISTS (SELECT 1 FROM order_lines ol WHERE ol.order_id = o.id AND ol.shipped_qty > 0)",
    )?;
    let mut rows = stmt.query([emails])?;
    // (placed at, id, returned, charged back) of each customer's orders.
    let mut orders: HashMap<String, Vec<(String, i64, bool, bool)>> = HashMap::new();
    while let Some(r) = rows.next()? {
        let (chargeback, returned) = (r.get::<_, i64>(3)? != 0, r.get::<_, i64>(4)? != 0);
        orders.entry(r.get(0)?).or_default().push((r.get(1)?, r.get(2)?, returned, chargeback));
    }
    let past = orders
        .into_iter()
        .map(|(email, mut orders)| {
            orders.sort_unstable();
            let mut history = History::default();
            let totals = orders
                .into_iter()
                .map(|(placed_at, id, returned, chargeback)| {
                    history.orders += 1;
                    history.returned += u32::from(returned);
                    history.chargebacks += u32::from(chargeback);
                    history.troubled += u32::from(returned || chargeback);
                    PastOrder { placed_at, id, history }
                })
                .collect();
            (email, totals)
        })
        .collect();
    Ok(past)
}

/// The history of `email`'s customer as the order `id`, placed at `placed_at`, sees it: the
/// customer's past orders placed before it, or at the same moment with a smaller id.
fn history_of(past: &PastOrders, email: &str, placed_at: &str, id: i64) -> History {
    past.get(email).map_or_else(History::default, |past| history_before(past, placed_at, id))
}

fn history_before(past: &[PastOrder], placed_at: &str, id: i64) -> History {
    let earlier = past.partition_point(|p| (p.placed_at.as_str(), p.id) < (placed_at, id));
    earlier.checked_sub(1).map_or_else(History::default, |last| past[last].history)
}

/// An order screening looks at: what the rules need of it, its status and its number.
struct Candidate {
    status: OrderStatus,
    number: String,
    /// The customer's email, trimmed; empty when the order has none.
    email: String,
    placed_at: String,
    payment: PaymentStatus,
    ship_to: [String; 5],
    billing_country: String,
    total_cents: i64,
}

impl Candidate {
    fn facts(&self, history: History) -> OrderFacts<'_> {
        let [name, address1, city, postal_code, country] = &self.ship_to;
        OrderFacts {
            payment: self.payment,
            ship_to: ShipTo { name, address1, city, postal_code, country },
            billing_country: &self.billing_country,
            total_cents: self.total_cents,
            history,
        }
    }
}

/// The orders of the JSON id list `list` that screening may move: new, held, released or
/// allocated.
fn screenable(ctx: &Ctx<'_>, list: &str) -> Result<HashMap<i64, Candidate>, ApiError> {
    let mut stmt = ctx.tx.prepare(
        "SELECT id, status, number, payment_status, ship_name, ship_address1, ship_city,
                ship_postal_code, ship_country, billing_country, total_cents,
                trim(customer_email), placed_at
         FROM orders WHERE id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1))
           AND status IN ('new', 'held', 'released', 'allocated')",
    )?;
    let mut rows = stmt.query([list])?;
    let mut candidates = HashMap::new();
    while let Some(r) = rows.next()? {
        let (status, payment): (String, String) = (r.get(1)?, r.get(3)?);
        candidates.insert(
            r.get(0)?,
            Candidate {
                status: OrderStatus::parse(&status).unwrap_or(OrderStatus::New),
                number: r.get(2)?,
                payment: PaymentStatus::parse(&payment).unwrap_or(PaymentStatus::Pending),
                ship_to: [r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?],
                billing_country: r.get(9)?,
                total_cents: r.get(10)?,
                email: r.get(11)?,
                placed_at: r.get(12)?,
            },
        );
    }
    Ok(candidates)
}

/// Rules a person has already overruled, by order.
fn overridden_rules(ctx: &Ctx<'_>, list: &str) -> Result<HashMap<i64, Vec<HoldRule>>, ApiError> {
    let mut stmt = ctx.tx.prepare(
        "SELECT DISTINCT order_id, rule FROM order_holds
         WHERE order_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND overridden = 1",
    )?;
    let mut rows = stmt.query([list])?;
    let mut rules: HashMap<i64, Vec<HoldRule>> = HashMap::new();
    while let Some(r) = rows.next()? {
        let rule: String = r.get(1)?;
        if let Some(rule) = HoldRule::parse(&rule) {
            rules.entry(r.get(0)?).or_default().push(rule);
        }
    }
    Ok(rules)
}

/// A hold still open, as screening weighs it.
struct OpenHold {
    id: i64,
    /// The rule as stored.
    rule: String,
    reason: String,
}

/// The open holds of each order, oldest first.
fn open_holds_of(ctx: &Ctx<'_>, list: &str) -> Result<HashMap<i64, Vec<OpenHold>>, ApiError> {
    let mut stmt = ctx.tx.prepare(
        "SELECT order_id, id, rule, reason FROM order_holds
         WHERE order_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND cleared_at IS NULL
         ORDER BY id",
    )?;
    let mut rows = stmt.query([list])?;
    let mut holds: HashMap<i64, Vec<OpenHold>> = HashMap::new();
    while let Some(r) = rows.next()? {
        let hold = OpenHold { id: r.get(1)?, rule: r.get(2)?, reason: r.get(3)? };
        holds.entry(r.get(0)?).or_default().push(hold);
    }
    Ok(holds)
}

/// The holds screening opens and closes, gathered over the orders and written at once.
#[derive(Default)]
struct HoldChanges {
    /// (order, rule, reason)
    opened: Vec<(i64, &'static str, String)>,
    /// Holds whose rule passes now.
    closed: Vec<i64>,
}

impl HoldChanges {
    /// Opens a hold for each failed rule that has none open, and closes screening's holds
    /// whose rule now passes; manual holds are left to people. Returns the reasons of the
    /// holds left open, oldest first.
    fn sync(
        &mut self,
        order_id: i64,
        open: Vec<OpenHold>,
        failed: &[screening::Hold],
    ) -> Vec<String> {
        let failing = |rule: &str| failed.iter().any(|f| f.rule.as_str() == rule);
        let mut left = Vec::new();
        for hold in &open {
            if hold.rule != HoldRule::Manual.as_str() && !failing(&hold.rule) {
                self.closed.push(hold.id);
            } else {
                left.push(hold.reason.clone());
            }
        }
        for f in failed {
            if !open.iter().any(|h| h.rule == f.rule.as_str()) {
                self.opened.push((order_id, f.rule.as_str(), f.reason.clone()));
                left.push(f.reason.clone());
            }
        }
        left
    }

    fn write(&self, ctx: &Ctx<'_>) -> Result<(), ApiError> {
        let now = ctx.now_text();
        let values: Vec<&dyn ToSql> = self
            .opened
            .iter()
            .flat_map(|(id, rule, reason)| [id as &dyn ToSql, rule, reason, &now])
            .collect();
        ctx.tx.insert_rows("order_holds (order_id, rule, reason, placed_at)", 4, &values)?;
        if !self.closed.is_empty() {
            let ids = json_list(&self.closed);
            ctx.execute(
                "UPDATE order_holds SET cleared_at = ?2, cleared_why = 'the rule passes now'
                 WHERE id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1))",
                params![ids, now],
            )?;
        }
        Ok(())
    }
}

/// The open holds of an order, oldest first.
pub fn open_holds(ctx: &Ctx<'_>, id: i64) -> Result<Vec<HoldReason>, ApiError> {
    let mut stmt = ctx.tx.prepare_cached(
        "SELECT h.rule, h.reason, h.placed_at, op.name FROM order_holds h
         LEFT JOIN operators op ON op.id = h.placed_by
         WHERE h.order_id = ?1 AND h.cleared_at IS NULL ORDER BY h.id",
    )?;
    let holds = stmt
        .query_map([id], |r| {
            let rule: String = r.get(0)?;
            Ok(HoldReason {
                rule: HoldRule::parse(&rule).unwrap_or(HoldRule::Manual),
                reason: r.get(1)?,
                placed_at: r.get(2)?,
                placed_by: r.get(3)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(holds)
}

/// Held orders with their reasons and the customer's contact details, oldest first.
pub fn list_holds(ctx: &mut Ctx<'_>, q: HoldQuery) -> Result<Vec<HeldOrder>, ApiError> {
    let mut stmt = ctx.tx.prepare(
        "SELECT o.id FROM orders o WHERE o.status = 'held'
           AND (CAST(?1 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM order_holds h WHERE h.order_id = o.id
                                      AND h.cleared_at IS NULL AND h.rule = ?1))
         ORDER BY o.placed_at, o.id",
    )?;
    let ids: Vec<i64> =
        stmt.query_map([q.rule.map(HoldRule::as_str)], |r| r.get(0))?.collect::<Result<_, _>>()?;
    drop(stmt);
    let store_currency = settings::store(ctx)?.currency;
    ids.into_iter()
        .map(|id| {
            let o = orders::load(ctx, id)?;
            let currency =
                if o.currency.trim().is_empty() { store_currency.clone() } else { o.currency };
            Ok(HeldOrder {
                number: o.number,
                customer: o.customer,
                ship_to: o.ship_to,
                billing_country: o.billing_country,
                payment_status: o.payment_status,
                placed_at: o.placed_at,
                total_cents: o.total_cents,
                currency,
                holds: open_holds(ctx, id)?,
            })
        })
        .collect()
}

/// What a release wave did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Wave {
    pub released: u32,
    pub held: u32,
    pub allocation: allocation::AllocationSummary,
}

/// Screens every new order and releases those that pass, then allocates them, for a store that
/// releases in waves rather than as orders arrive.
pub fn release_new_orders(ctx: &mut Ctx<'_>, _: crate::context::NoArgs) -> Result<Wave, ApiError> {
    let mut stmt = ctx.tx.prepare("SELECT id FROM orders WHERE status = 'new' ORDER BY id")?;
    let ids: Vec<i64> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    drop(stmt);
    let mut released = Vec::new();
    let mut held = 0;
    for id in ids {
        screen_orders(ctx, &[id])?;
        match orders::status_of(ctx, id)? {
            OrderStatus::New => {
                orders::transition(
                    ctx,
                    id,
                    OrderStatus::New,
                    OrderStatus::Released,
                    "release wave",
                )?;
                released.push(id);
            }
            OrderStatus::Released => released.push(id),
            OrderStatus::Held => held += 1,
            _ => {}
        }
    }
    let count = released.len() as u32;
    let allocation = allocation::run(ctx, allocation::Scope::Orders(released))?;
    ctx.emit(Event::DataChanged { what: Changed::Orders });
    Ok(Wave { released: count, held, allocation })
}

/// Puts a manual hold on an order that has not yet been picked, giving back its stock.
pub fn hold_order(ctx: &mut Ctx<'_>, req: HoldDecision) -> Result<orders::Order, ApiError> {
    let id = orders::order_id(ctx, &req.number)?;
    let reason = required_reason(&req.reason, "held")?;
    let status = orders::status_of(ctx, id)?;
    if !status.can_become(OrderStatus::Held) && status != OrderStatus::Held {
        return Err(ApiError::conflict(format!(
            "an order that is {} cannot be held; it is already on the floor",
            status.as_str()
        )));
    }
    ctx.execute(
        "INSERT INTO order_holds (order_id, rule, reason, placed_at, placed_by) VALUES (?1, 'manual', ?2, ?3, ?4)",
        params![id, reason, ctx.now_text(), ctx.operator_id()],
    )?;
    if status != OrderStatus::Held {
        orders::transition(ctx, id, status, OrderStatus::Held, reason)?;
        allocation::release_order_stock(ctx, id)?;
    }
    let order = orders::load(ctx, id)?;
    ctx.emit(Event::OrderChanged { number: order.number.clone(), status: order.status });
    Ok(order)
}

/// A manager's release: closes every open hold (screening will not put those rules back on this
/// order), sends the order to the floor and allocates it.
pub fn release_order(ctx: &mut Ctx<'_>, req: HoldDecision) -> Result<orders::Order, ApiError> {
    let id = orders::order_id(ctx, &req.number)?;
    let status = orders::status_of(ctx, id)?;
    if !matches!(status, OrderStatus::Held | OrderStatus::New) {
        return Err(ApiError::conflict(format!(
            "order {} is {}, not held; there is nothing to release",
            req.number.trim(),
            status.as_str()
        )));
    }
    let unknown: bool = ctx.query_row(
        "SELECT count(*) > 0 FROM order_shop_lines WHERE order_id = ?1 AND kind = 'unknown'",
        [id],
        |r| r.get(0),
    )?;
    if unknown {
        return Err(ApiError::conflict(format!(
            "order {} has a line naming a product Backroom does not know; map it to a product \
             with map_unknown_line first, and the hold clears by itself",
            req.number.trim()
        )));
    }
    let reason = if status == OrderStatus::Held {
        required_reason(&req.reason, "released")?
    } else {
        req.reason.trim()
    };
    orders::transition(ctx, id, status, OrderStatus::Released, reason)?;
    ctx.execute(
        "UPDATE order_holds SET cleared_at = ?2, cleared_by = ?3, cleared_why = ?4, overridden = 1
         WHERE order_id = ?1 AND cleared_at IS NULL",
        params![id, ctx.now_text(), ctx.operator_id(), reason],
    )?;
    allocation::run(ctx, allocation::Scope::Orders(vec![id]))?;
    let order = orders::load(ctx, id)?;
    ctx.emit(Event::OrderChanged { number: order.number.clone(), status: order.status });
    Ok(order)
}

/// A manager's cancel: the order leaves the floor, its open quantities are cancelled and its
/// reserved stock goes to the next order in line. Picked goods stay where they are, in the
/// packing area, for a person to put back.
pub fn cancel_order(ctx: &mut Ctx<'_>, req: HoldDecision) -> Result<orders::Order, ApiError> {
    let id = orders::order_id(ctx, &req.number)?;
    let reason = required_reason(&req.reason, "cancelled")?;
    let status = orders::status_of(ctx, id)?;
    orders::transition(ctx, id, status, OrderStatus::Cancelled, reason)?;
    close_cancelled(ctx, id, reason)?;
    let order = orders::load(ctx, id)?;
    ctx.emit(Event::OrderChanged { number: order.number.clone(), status: order.status });
    Ok(order)
}

/// Cancels an order the shop cancelled before it was picked here, as an import finds it: the
/// same as a manager's cancel, with no role check since the shop has decided. The import
/// announces its changes once it is kept.
pub fn cancel(
    ctx: &mut Ctx<'_>,
    id: i64,
    status: OrderStatus,
    reason: &str,
) -> Result<(), ApiError> {
    orders::advance(ctx, id, status, OrderStatus::Cancelled, reason)?;
    close_cancelled(ctx, id, reason)
}

/// What follows a cancel: holds cleared, reserved stock given back, open quantities cancelled.
fn close_cancelled(ctx: &mut Ctx<'_>, id: i64, reason: &str) -> Result<(), ApiError> {
    ctx.execute(
        "UPDATE order_holds SET cleared_at = ?2, cleared_by = ?3, cleared_why = ?4
         WHERE order_id = ?1 AND cleared_at IS NULL",
        params![id, ctx.now_text(), ctx.operator_id(), reason],
    )?;
    allocation::release_order_stock(ctx, id)?;
    order_lines::cancel_rest_of_order(ctx, id)
}

/// Marks an order's payment as charged back; it counts against the customer's later orders.
pub fn record_chargeback(ctx: &mut Ctx<'_>, req: HoldDecision) -> Result<orders::Order, ApiError> {
    let id = orders::order_id(ctx, &req.number)?;
    required_reason(&req.reason, "charged back")?;
    table::orders::set_chargeback(ctx, id)?;
    orders::note(ctx, id, &format!("chargeback: {}", req.reason.trim()))?;
    // An order not yet being picked is screened again: its own payment is now in doubt.
    if matches!(
        orders::status_of(ctx, id)?,
        OrderStatus::New | OrderStatus::Released | OrderStatus::Allocated
    ) {
        table::orders::set_payment_status(ctx, id, PaymentStatus::Refunded)?;
    }
    screen_orders(ctx, &[id])?;
    orders::load(ctx, id)
}

fn required_reason<'a>(reason: &'a str, what: &str) -> Result<&'a str, ApiError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ApiError::invalid(format!("say why the order is {what}")));
    }
    Ok(reason)
}

#[cfg(test)]
mod tests {
    use backroom_core::screening::History;
    use serde_json::{Value, json};

    use crate::Caller;

    #[test]
    fn an_order_counts_the_customer_s_orders_placed_before_it_or_with_it_and_stored_before() {
        let totals =
            |orders, troubled| History { orders, returned: 0, chargebacks: troubled, troubled };
        let past =
            |at: &str, id, history| super::PastOrder { placed_at: at.to_owned(), id, history };
        let past = [
            past("2026-11-01T09:00:00Z", 4, totals(1, 1)),
            past("2026-11-05T09:00:00Z", 2, totals(2, 1)),
            past("2026-11-05T09:00:00Z", 7, totals(3, 2)),
        ];
        let seen = |at: &str, id| super::history_before(&past, at, id);
        assert_eq!(seen("2026-10-31T09:00:00Z", 9), History::default());
        assert_eq!(seen("2026-11-01T09:00:00Z", 9), totals(1, 1), "placed at the same moment");
        assert_eq!(seen("2026-11-01T09:00:00Z", 3), History::default(), "stored before it");
        assert_eq!(seen("2026-11-04T23:59:59Z", 1), totals(1, 1));
        assert_eq!(seen("2026-11-05T09:00:00Z", 5), totals(2, 1), "between two of one moment");
        assert_eq!(seen("2026-11-05T09:00:00Z", 7), totals(2, 1), "not the order itself");
        // An order entering is stored after every past one.
        assert_eq!(seen("2026-11-05T09:00:00Z", i64::MAX), totals(3, 2));
        assert_eq!(seen("2026-12-01T00:00:00Z", 1), totals(3, 2));
        assert_eq!(super::history_before(&[], "2026-12-01T00:00:00Z", 1), History::default());
    }

    #[test]
    fn a_held_order_shows_its_own_currency_or_else_the_store_s() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::testing::TestDatabase::new(dir.path());
        let app = db.open();
        let call = |name: &str, req: Value| app.call(Caller::Local, name, req).unwrap();
        let mut settings = call("get_settings", json!({}));
        settings["store"]["currency"] = json!("GBP");
        call("save_settings", settings);
        call("save_product", json!({"sku": "TEA-1", "name": "Sencha"}));
        // A Japanese shop's file: its prices are yen, and its payment has not arrived.
        let mapping = json!({"name": "tokyo", "columns": {
            "order_number": "Order", "sku": "SKU", "quantity": "Qty", "price": "Price",
            "currency": "Currency", "payment_status": "Payment"}});
        let csv = "Order,SKU,Qty,Price,Currency,Payment\nJ-1,TEA-1,2,1200,JPY,pending\n";
        let report = call("import_csv", json!({"table": "orders", "csv": csv, "mapping": mapping}));
        assert_eq!(report["ok"], true, "{report}");
        call(
            "create_order",
            json!({"number": "UK-1", "customer": {"name": "Ann"}, "payment_status": "pending",
                   "ship_to": {"name": "Ann", "address1": "1 Road", "city": "Leeds",
                               "postal_code": "LS1 1AA", "country": "GB"},
                   "lines": [{"product": "TEA-1", "qty": 1}]}),
        );

        let held = call("list_holds", json!({}));
        let currency_of = |number: &str| {
            let order = held.as_array().unwrap().iter().find(|o| o["number"] == number);
            order.unwrap_or_else(|| panic!("{number} is not held: {held}"))["currency"].clone()
        };
        assert_eq!(currency_of("J-1"), "JPY");
        assert_eq!(currency_of("UK-1"), "GBP", "an order naming no currency is in the store's");
    }
}
