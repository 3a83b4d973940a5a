//! Orders: entry, the status lifecycle with every transition recorded, and listing; with the
//! screening that holds an order and the allocation that promises it stock.

pub mod allocation;
pub mod holds;

use std::collections::HashMap;

use crate::store::{OptionalExtension, ToSql, json_list, params};
use backroom_core::allocation::BackorderPolicy;
use backroom_core::limits;
use backroom_core::order::{OrderStatus, PaymentStatus};
use backroom_core::people::Role;
use backroom_core::screening::HoldRule;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::context::{Ctx, forbidden};
use crate::error::ApiError;
use crate::events::Event;
use crate::inventory::catalog;
use crate::table;
use crate::table::order_lines::{self, NewOrderLine};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct Address {
    pub name: String,
    pub address1: String,
    #[serde(default)]
    pub address2: String,
    pub city: String,
    #[serde(default)]
    pub region: String,
    pub postal_code: String,
    /// ISO 3166 alpha-2 where known.
    pub country: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct Customer {
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OrderLine {
    pub line_no: u32,
    pub sku: String,
    pub name: String,
    /// Ordered.
    pub qty: i64,
    pub unit_price_cents: i64,
    /// Promised from bins, not yet picked.
    pub reserved: i64,
    /// Picked and not yet shipped.
    pub picked: i64,
    pub shipped: i64,
    pub cancelled: i64,
    pub returned: i64,
    /// Waiting for stock: what a released order could not reserve. Zero before release.
    pub backordered: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StatusEvent {
    pub from: Option<OrderStatus>,
    pub to: OrderStatus,
    pub reason: String,
    pub operator: Option<String>,
    pub station: Option<String>,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Order {
    pub number: String,
    pub customer: Customer,
    pub ship_to: Address,
    pub billing_country: String,
    pub placed_at: String,
    pub ship_by: Option<String>,
    pub payment_status: PaymentStatus,
    pub status: OrderStatus,
    pub priority: i64,
    pub total_cents: i64,
    /// The currency of the prices and total as the shop gave it (`EUR`); empty when the order
    /// did not come with one.
    pub currency: String,
    /// A message from the buyer for a gift; the slip then prints it and leaves prices out.
    pub gift_message: String,
    /// What happens when not everything is in stock; `None` follows the store's setting.
    pub backorder_policy: Option<BackorderPolicy>,
    /// The customer's bank took the payment back.
    pub chargeback: bool,
    /// The carrier that collects the package; empty: the store's default carrier.
    pub carrier: String,
    /// The service bought from the carrier, such as `UPS Ground`; empty: the store's default.
    pub service: String,
    pub lines: Vec<OrderLine>,
    /// Why the order is held, if it is.
    pub holds: Vec<crate::orders::holds::HoldReason>,
    pub history: Vec<StatusEvent>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct NewLine {
    /// SKU or barcode.
    pub product: String,
    pub qty: i64,
    /// Price per unit in cents; the product's price when absent.
    #[serde(default)]
    pub unit_price_cents: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct NewOrder {
    pub number: String,
    pub customer: Customer,
    pub ship_to: Address,
    #[serde(default)]
    pub billing_country: String,
    /// RFC 3339; now when absent.
    #[serde(default)]
    pub placed_at: Option<String>,
    /// RFC 3339 date or time the order must leave by.
    #[serde(default)]
    pub ship_by: Option<String>,
    pub payment_status: PaymentStatus,
    #[serde(default)]
    pub priority: i64,
    /// A gift message; the packing slip then hides prices.
    #[serde(default)]
    pub gift_message: String,
    /// What to do when not everything is in stock; the store's setting when absent.
    #[serde(default)]
    pub backorder_policy: Option<BackorderPolicy>,
    /// The carrier that collects the package (`UPS`, `Royal Mail`); when absent, the carrier
    /// the service names, else the store's default carrier at close-out.
    #[serde(default)]
    pub carrier: Option<String>,
    /// The service bought from the carrier, as the shop sold it (`UPS Ground`).
    #[serde(default)]
    pub service: Option<String>,
    pub lines: Vec<NewLine>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct OrderRef {
    pub number: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct StatusChange {
    pub number: String,
    pub to: OrderStatus,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct OrderQuery {
    #[serde(default)]
    pub status: Option<OrderStatus>,
    /// Only orders held for this rule.
    #[serde(default)]
    pub hold_rule: Option<HoldRule>,
    /// Only orders with units waiting for stock.
    #[serde(default)]
    pub backordered: bool,
    /// Matches the order number, customer name or email.
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub limit: Option<u32>,
    #[serde(default)]
    pub offset: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct OrderSummary {
    pub number: String,
    pub customer: String,
    pub status: OrderStatus,
    pub payment_status: PaymentStatus,
    pub placed_at: String,
    pub ship_by: Option<String>,
    pub lines: u32,
    pub units: i64,
    /// Units waiting for stock.
    pub backordered: i64,
    pub total_cents: i64,
    /// The rules the order is held by.
    pub holds: Vec<HoldRule>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct OrderPage {
    pub rows: Vec<OrderSummary>,
    pub total: u32,
    /// Orders per status over the whole database, for the filter chips.
    pub counts: Vec<StatusCount>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct StatusCount {
    pub status: OrderStatus,
    pub count: u32,
}

pub fn order_id(ctx: &Ctx<'_>, number: &str) -> Result<i64, ApiError> {
    let number = number.trim().trim_start_matches('#');
    ctx.query_row("SELECT id FROM orders WHERE number = ?1 OR number = '#' || ?1", [number], |r| {
        r.get(0)
    })
    .optional()?
    .ok_or_else(|| ApiError::not_found(format!("there is no order “{number}”")))
}

/// Enters an order by hand; it is screened as it is stored and, if it passes, released and
/// allocated at once.
pub fn create_order(ctx: &mut Ctx<'_>, req: NewOrder) -> Result<Order, ApiError> {
    let id = enter(ctx, &req)?;
    after_entry(ctx, &[], &[id])?;
    load(ctx, id)
}

/// Checks a new order, screens it and stores it in the status screening gives it, with the
/// holds it opens and one status event. Allocation is the caller's to run ([`after_entry`]).
pub fn enter(ctx: &mut Ctx<'_>, req: &NewOrder) -> Result<i64, ApiError> {
    if req.lines.is_empty() {
        return Err(ApiError::invalid(format!("order {} has no lines", req.number.trim())));
    }
    refuse_existing(ctx, &req.number)?;
    let mut checked = [check(ctx, req, &Entry::default())?];
    let failed = holds::screen_entering(ctx, &mut checked)?;
    let id = store(ctx, &checked)?[0];
    let opened: Vec<_> =
        failed[0].iter().map(|h| (id, h.rule.as_str(), h.reason.as_str())).collect();
    holds::open_on_entry(ctx, &opened)?;
    let [order] = checked;
    ctx.emit(Event::OrderChanged { number: order.number.to_owned(), status: order.status });
    Ok(id)
}

/// How an order from a shop's export enters, beyond what its [`NewOrder`] says.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// `new`, or `held`, `cancelled` or `shipped` for an order the import has decided about.
    pub status: OrderStatus,
    /// The reason on the order's first status event.
    pub reason: &'a str,
    /// What the shop charged, when it says; otherwise the sum of the lines.
    pub total_cents: Option<i64>,
    pub currency: &'a str,
    /// The product of each line when the caller has already found them (an import, which
    /// looked each code up once); otherwise empty, and each line's code is looked up.
    pub products: &'a [i64],
}

impl Default for Entry<'_> {
    fn default() -> Self {
        Entry {
            status: OrderStatus::New,
            reason: "entered",
            total_cents: None,
            currency: "",
            products: &[],
        }
    }
}

/// Refuses a second order of the same number, with a message that names it.
fn refuse_existing(ctx: &Ctx<'_>, number: &str) -> Result<(), ApiError> {
    let number = number.trim();
    let exists: bool =
        ctx.query_row("SELECT count(*) > 0 FROM orders WHERE number = ?1", [number], |r| r.get(0))?;
    if exists {
        return Err(ApiError::conflict(format!("order {number} already exists")));
    }
    Ok(())
}

/// A new order checked and ready to store, its texts trimmed and its lines priced.
pub struct Checked<'a> {
    number: &'a str,
    customer: [&'a str; 3],
    /// Name, first and second address line, city, region and postal code.
    ship_to: [&'a str; 6],
    ship_country: String,
    billing_country: String,
    placed_at: String,
    ship_by: Option<String>,
    payment: &'static str,
    status: OrderStatus,
    priority: i64,
    total_cents: i64,
    gift_message: &'a str,
    backorder_policy: Option<&'static str>,
    carrier: &'a str,
    service: &'a str,
    currency: String,
    /// The first status event's reason.
    reason: String,
    /// (product, qty, unit price in cents)
    lines: Vec<(i64, i64, i64)>,
}

impl Checked<'_> {
    pub fn number(&self) -> &str {
        self.number
    }

    /// The status the order enters with.
    pub fn status(&self) -> OrderStatus {
        self.status
    }

    /// The `orders` row, in the columns of [`ORDER_COLUMNS`].
    fn row(&self) -> [&dyn ToSql; 23] {
        let [name, email, phone] = &self.customer;
        let [ship_name, address1, address2, city, region, postal_code] = &self.ship_to;
        [
            &self.number,
            name,
            email,
            phone,
            ship_name,
            address1,
            address2,
            city,
            region,
            postal_code,
            &self.ship_country,
            &self.billing_country,
            &self.placed_at,
            &self.ship_by,
            &self.payment,
            &self.status,
            &self.priority,
            &self.total_cents,
            &self.gift_message,
            &self.backorder_policy,
            &self.carrier,
            &self.service,
            &self.currency,
        ]
    }
}

const ORDER_COLUMNS: &str = "orders (number, customer_name, customer_email, customer_phone,
    ship_name, ship_address1, ship_address2, ship_city, ship_region, ship_postal_code,
    ship_country, billing_country, placed_at, ship_by, payment_status, status, priority,
    total_cents, gift_message, backorder_policy, carrier, service, currency)";

/// Checks a new order as [`enter`] or an import would enter it: its number, dates, quantities and
/// prices, and each line's product. Whether an order of that number exists is the caller's
/// to know (the database refuses a second one in any case).
pub fn check<'a>(
    ctx: &Ctx<'_>,
    req: &'a NewOrder,
    entry: &Entry<'_>,
) -> Result<Checked<'a>, ApiError> {
    let number = req.number.trim();
    if number.is_empty() {
        return Err(ApiError::invalid("an order needs a number"));
    }
    let placed_at = match &req.placed_at {
        Some(text) => normalise_time(text).ok_or_else(|| {
            ApiError::invalid(format!(
                "the order date “{text}” is not a date; write it like 2026-11-23 or 2026-11-23T14:05:00Z"
            ))
        })?,
        None => ctx.now_text(),
    };
    let ship_by = match &req.ship_by {
        Some(text) => Some(normalise_time(text).ok_or_else(|| {
            ApiError::invalid(format!(
                "the ship-by date “{text}” is not a date; write it like 2026-11-23 or 2026-11-23T14:05:00Z"
            ))
        })?),
        None => None,
    };
    let mut lines = Vec::new();
    for (i, line) in req.lines.iter().enumerate() {
        let at_line = |e: limits::OutOfRange| {
            ApiError::invalid(format!("line {} of order {number}: {e}", i + 1))
        };
        limits::QTY.check("the quantity", line.qty).map_err(at_line)?;
        let found = entry.products.get(i).filter(|_| entry.products.len() == req.lines.len());
        let product_id = match found {
            Some(&id) => id,
            None => catalog::resolve(ctx, &line.product).map_err(|e| {
                ApiError::new(e.code, format!("line {} of order {number}: {}", i + 1, e.message))
            })?,
        };
        let price = match line.unit_price_cents {
            Some(p) => limits::PRICE_CENTS.check("the unit price", p).map_err(at_line)?,
            None => ctx.query_row(
                "SELECT price_cents FROM products WHERE id = ?1",
                [product_id],
                |r| r.get(0),
            )?,
        };
        lines.push((product_id, line.qty, price));
    }
    let total = lines
        .iter()
        .try_fold(0i64, |sum, (_, qty, price)| qty.checked_mul(*price)?.checked_add(sum))
        .ok_or_else(|| {
            ApiError::invalid(format!(
                "order {number} is worth more than Backroom can count; check the quantities"
            ))
        })?;
    let service = req.service.as_deref().map_or("", str::trim);
    let carrier = match req.carrier.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(carrier) => carrier,
        None => carrier_of_service(service).unwrap_or(""),
    };
    let (c, a) = (&req.customer, &req.ship_to);
    Ok(Checked {
        number,
        customer: [c.name.trim(), c.email.trim(), c.phone.trim()],
        ship_to: [
            a.name.trim(),
            a.address1.trim(),
            a.address2.trim(),
            a.city.trim(),
            a.region.trim(),
            a.postal_code.trim(),
        ],
        ship_country: a.country.trim().to_ascii_uppercase(),
        billing_country: req.billing_country.trim().to_ascii_uppercase(),
        placed_at,
        ship_by,
        payment: req.payment_status.as_str(),
        status: entry.status,
        priority: req.priority,
        total_cents: entry.total_cents.unwrap_or(total),
        gift_message: req.gift_message.trim(),
        backorder_policy: req.backorder_policy.map(BackorderPolicy::as_str),
        carrier,
        service,
        currency: entry.currency.to_owned(),
        reason: entry.reason.to_owned(),
        lines,
    })
}

/// Stores checked new orders, their lines and their first status events, a set of rows to a
/// statement (an import enters thousands at once); returns their ids in the order given.
pub fn store(ctx: &Ctx<'_>, orders: &[Checked<'_>]) -> Result<Vec<i64>, ApiError> {
    let rows: Vec<&dyn ToSql> = orders.iter().flat_map(Checked::row).collect();
    ctx.tx.insert_rows(ORDER_COLUMNS, 23, &rows)?;
    let numbers: Vec<&str> = orders.iter().map(|o| o.number).collect();
    let list = json_list(&numbers);
    let mut stmt = ctx.tx.prepare(
        "SELECT number, id FROM orders WHERE number IN (SELECT value FROM json_each(?1))",
    )?;
    let stored: HashMap<String, i64> =
        stmt.query_map([list], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    drop(stmt);
    let ids: Vec<i64> = numbers
        .iter()
        .map(|n| stored.get(*n).copied())
        .collect::<Option<_>>()
        .ok_or_else(|| ApiError::storage("a new order was not found after it was stored"))?;
    let lines: Vec<NewOrderLine> = orders
        .iter()
        .zip(&ids)
        .flat_map(|(o, &order_id)| {
            o.lines.iter().zip(1..).map(move |(&(product_id, qty, unit_price_cents), line_no)| {
                NewOrderLine { order_id, line_no, product_id, qty, unit_price_cents }
            })
        })
        .collect();
    order_lines::insert_new(ctx, &lines)?;
    let events: Vec<table::orders::NewEvent<'_>> = orders
        .iter()
        .zip(&ids)
        .map(|(o, &order_id)| table::orders::NewEvent {
            order_id,
            from: None,
            to: o.status,
            reason: &o.reason,
        })
        .collect();
    table::orders::insert_events(ctx, &events)?;
    Ok(ids)
}

/// Carriers a service name is recognised by, as each writes its own name.
const CARRIERS: &[(&str, &[&str])] = &[
    ("UPS", &["ups"]),
    ("FedEx", &["fedex", "fed ex"]),
    ("DHL", &["dhl"]),
    ("USPS", &["usps"]),
    ("DPD", &["dpd"]),
    ("Royal Mail", &["royal mail"]),
    ("Parcelforce", &["parcelforce"]),
    ("Evri", &["evri", "hermes"]),
    ("Yodel", &["yodel"]),
    ("GLS", &["gls"]),
    ("Canada Post", &["canada post"]),
    ("Purolator", &["purolator"]),
    ("Australia Post", &["australia post", "auspost"]),
    ("PostNL", &["postnl"]),
    ("Colissimo", &["colissimo"]),
    ("Deutsche Post", &["deutsche post"]),
];

/// The carrier a service's name gives away (`UPS Ground` → `UPS`), matched as whole words so
/// that `Groups Express` is not UPS. `None` for a name such as `Standard Shipping`.
pub fn carrier_of_service(service: &str) -> Option<&'static str> {
    let words: Vec<String> = service
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let names = |alias: &str| -> bool {
        let alias: Vec<&str> = alias.split(' ').collect();
        words.windows(alias.len()).any(|w| w.iter().zip(&alias).all(|(a, b)| a == b))
    };
    CARRIERS
        .iter()
        .find(|(_, aliases)| aliases.iter().any(|alias| names(alias)))
        .map(|(carrier, _)| *carrier)
}

/// Reads a date (`2026-11-23`) or an RFC 3339 time and writes it as stored (UTC, RFC 3339).
pub fn normalise_time(text: &str) -> Option<String> {
    let text = text.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(crate::time::to_text(t.with_timezone(&chrono::Utc)));
    }
    if let Ok(t) = chrono::DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S %z") {
        return Some(crate::time::to_text(t.with_timezone(&chrono::Utc)));
    }
    let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(crate::time::to_text(date.and_hms_opt(0, 0, 0)?.and_utc()))
}

/// The moves a person makes by hand: holding, releasing and cancelling (a manager's decisions,
/// which do what their own commands do, so stock is given back or allocated), and a picker
/// handing a half-picked order back. Every other move comes only from the work itself: picks,
/// a passed or approved weighing, shipping.
pub fn change_order_status(ctx: &mut Ctx<'_>, req: StatusChange) -> Result<Order, ApiError> {
    let id = order_id(ctx, &req.number)?;
    let current = status_of(ctx, id)?;
    if !current.is_manual(req.to) {
        if current == req.to {
            return Err(ApiError::conflict(format!(
                "order {} is already {}",
                req.number.trim(),
                current.as_str()
            )));
        }
        return Err(ApiError::conflict(format!(
            "an order that is {} cannot be made {} by hand; {}",
            current.as_str(),
            req.to.as_str(),
            how_orders_become(req.to)
        )));
    }
    check_role(ctx, current, req.to)?;
    let decision = || crate::orders::holds::HoldDecision {
        number: req.number.clone(),
        reason: req.reason.clone(),
    };
    match req.to {
        OrderStatus::Held => return crate::orders::holds::hold_order(ctx, decision()),
        OrderStatus::Released => return crate::orders::holds::release_order(ctx, decision()),
        OrderStatus::Cancelled => return crate::orders::holds::cancel_order(ctx, decision()),
        _ => {}
    }
    // The move and the role are checked above; only handing back is left to record.
    advance(ctx, id, current, req.to, &req.reason)?;
    let order = load(ctx, id)?;
    ctx.emit(Event::OrderChanged { number: order.number.clone(), status: order.status });
    Ok(for_caller(ctx, order))
}

/// Which work moves an order to `status`, for the refusal of a move by hand.
fn how_orders_become(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Allocated => "allocation reserves its stock",
        OrderStatus::Picking | OrderStatus::Picked => "its picks do that",
        OrderStatus::Packed => "a passed weighing or a manager's approval packs it",
        OrderStatus::Shipped => "shipping it does that",
        OrderStatus::New => "an order is new only when it comes in",
        OrderStatus::Released | OrderStatus::Held | OrderStatus::Cancelled => {
            "it has gone too far along for that"
        }
    }
}

/// Moves an order from `from` to `to` if the lifecycle and the operator's role allow it, and
/// records who did it, where and why.
pub fn transition(
    ctx: &Ctx<'_>,
    id: i64,
    from: OrderStatus,
    to: OrderStatus,
    reason: &str,
) -> Result<(), ApiError> {
    if !from.can_become(to) {
        return Err(ApiError::conflict(format!(
            "an order that is {} cannot become {}",
            from.as_str(),
            to.as_str()
        )));
    }
    check_role(ctx, from, to)?;
    if matches!(to, OrderStatus::Held | OrderStatus::Cancelled) && reason.trim().is_empty() {
        return Err(ApiError::invalid(format!("say why the order is {}", to.as_str())));
    }
    advance(ctx, id, from, to, reason)
}

/// Refuses a move the operator's role may not make, naming who may.
fn check_role(ctx: &Ctx<'_>, from: OrderStatus, to: OrderStatus) -> Result<(), ApiError> {
    let role = ctx.actor()?.role;
    let allowed = from.roles_for(to);
    if role != Role::Manager && !allowed.contains(&role) {
        return Err(forbidden(
            &format!("move an order from {} to {}", from.as_str(), to.as_str()),
            role,
            allowed,
        ));
    }
    Ok(())
}

/// Moves an order as Backroom itself decides (screening, allocation, a finished pick list), with
/// no role check, and records it. Refused if the order is no longer `from`.
pub fn advance(
    ctx: &Ctx<'_>,
    id: i64,
    from: OrderStatus,
    to: OrderStatus,
    reason: &str,
) -> Result<(), ApiError> {
    table::orders::set_status(ctx, id, from, to)?;
    table::orders::insert_event(ctx, id, Some(from), to, reason.trim())
}

/// A move Backroom decided for an order, as [`advance_many`] makes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Move {
    pub order_id: i64,
    pub from: OrderStatus,
    pub to: OrderStatus,
    pub reason: String,
}

/// Makes many moves as [`advance`] makes one, with a statement per kind of move rather than
/// per order: an import or an allocation run moves thousands at once.
pub fn advance_many(ctx: &Ctx<'_>, moves: &[Move]) -> Result<(), ApiError> {
    let mut kinds: Vec<(OrderStatus, OrderStatus)> = Vec::new();
    for m in moves {
        if !kinds.contains(&(m.from, m.to)) {
            kinds.push((m.from, m.to));
        }
    }
    for (from, to) in kinds {
        let ids: Vec<i64> =
            moves.iter().filter(|m| (m.from, m.to) == (from, to)).map(|m| m.order_id).collect();
        table::orders::set_statuses(ctx, &ids, from, to)?;
    }
    let events: Vec<table::orders::NewEvent<'_>> = moves
        .iter()
        .map(|m| table::orders::NewEvent {
            order_id: m.order_id,
            from: Some(m.from),
            to: m.to,
            reason: m.reason.trim(),
        })
        .collect();
    table::orders::insert_events(ctx, &events)
}

/// Records something that happened to an order without changing its status.
pub fn note(ctx: &Ctx<'_>, id: i64, what: &str) -> Result<(), ApiError> {
    let status = status_of(ctx, id)?;
    table::orders::insert_event(ctx, id, Some(status), status, what)
}

/// The order's status; the many commands that ask call it by this name.
pub fn status_of(ctx: &Ctx<'_>, id: i64) -> Result<OrderStatus, ApiError> {
    table::orders::status(ctx, id)
}

/// The order's number; the many commands that ask call it by this name.
pub fn number_of(ctx: &Ctx<'_>, id: i64) -> Result<String, ApiError> {
    table::orders::number(ctx, id)
}

pub fn get_order(ctx: &mut Ctx<'_>, req: OrderRef) -> Result<Order, ApiError> {
    let id = order_id(ctx, &req.number)?;
    Ok(for_caller(ctx, load(ctx, id)?))
}

/// Whether the caller may see customers' email addresses and phone numbers: managers only. The
/// floor needs the name and the address on the box, not a way to reach the customer.
pub fn sees_contact_details(ctx: &Ctx<'_>) -> bool {
    ctx.actor.as_ref().is_some_and(|a| a.role == Role::Manager)
}

/// An order as this caller may see it: without email and phone unless a manager asks.
pub fn for_caller(ctx: &Ctx<'_>, mut order: Order) -> Order {
    if !sees_contact_details(ctx) {
        order.customer.email.clear();
        order.customer.phone.clear();
    }
    order
}

fn parse_status(text: &str) -> OrderStatus {
    OrderStatus::parse(text).unwrap_or(OrderStatus::New)
}

/// Reads one order with its lines and history.
pub fn load(ctx: &Ctx<'_>, id: i64) -> Result<Order, ApiError> {
    let mut order = ctx.query_row(
        "SELECT number, customer_name, customer_email, customer_phone, ship_name, ship_address1,
                ship_address2, ship_city, ship_region, ship_postal_code, ship_country, billing_country,
                placed_at, ship_by, payment_status, status, priority, total_cents, gift_message,
                backorder_policy, chargeback, carrier, service, currency
         FROM orders WHERE id = ?1",
        [id],
        |r| {
            let payment: String = r.get(14)?;
            let status: String = r.get(15)?;
            Ok(Order {
                number: r.get(0)?,
                customer: Customer { name: r.get(1)?, email: r.get(2)?, phone: r.get(3)? },
                ship_to: Address {
                    name: r.get(4)?,
                    address1: r.get(5)?,
                    address2: r.get(6)?,
                    city: r.get(7)?,
                    region: r.get(8)?,
                    postal_code: r.get(9)?,
                    country: r.get(10)?,
                },
                billing_country: r.get(11)?,
                placed_at: r.get(12)?,
                ship_by: r.get(13)?,
                payment_status: PaymentStatus::parse(&payment).unwrap_or(PaymentStatus::Pending),
                status: parse_status(&status),
                priority: r.get(16)?,
                total_cents: r.get(17)?,
                gift_message: r.get(18)?,
                backorder_policy: r
                    .get::<_, Option<String>>(19)?
                    .as_deref()
                    .and_then(BackorderPolicy::parse),
                chargeback: r.get(20)?,
                carrier: r.get(21)?,
                service: r.get(22)?,
                currency: r.get(23)?,
                lines: Vec::new(),
                holds: Vec::new(),
                history: Vec::new(),
            })
        },
    )?;
    let waiting = matches!(
        order.status,
        OrderStatus::Released
            | OrderStatus::Allocated
            | OrderStatus::Picking
            | OrderStatus::Picked
            | OrderStatus::Packed
    );
    let mut lines = ctx.tx.prepare_cached(
        "SELECT ol.line_no, p.sku, p.name, ol.qty, ol.unit_price_cents,
                (SELECT coalesce(sum(r.qty), 0) FROM reservations r WHERE r.order_line_id = ol.id),
                ol.picked_qty, ol.shipped_qty, ol.cancelled_qty, ol.returned_qty
         FROM order_lines ol
         JOIN products p ON p.id = ol.product_id WHERE ol.order_id = ?1 ORDER BY ol.line_no",
    )?;
    order.lines = lines
        .query_map([id], |r| {
            let mut line = OrderLine {
                line_no: r.get(0)?,
                sku: r.get(1)?,
                name: r.get(2)?,
                qty: r.get(3)?,
                unit_price_cents: r.get(4)?,
                reserved: r.get(5)?,
                picked: r.get(6)?,
                shipped: r.get(7)?,
                cancelled: r.get(8)?,
                returned: r.get(9)?,
                backordered: 0,
            };
            if waiting {
                line.backordered =
                    line.qty - line.reserved - line.picked - line.shipped - line.cancelled;
            }
            Ok(line)
        })?
        .collect::<Result<_, _>>()?;
    drop(lines);
    order.holds = crate::orders::holds::open_holds(ctx, id)?;
    let mut events = ctx.tx.prepare_cached(
        "SELECT e.from_status, e.to_status, e.reason, op.name, st.name, e.at FROM order_events e
         LEFT JOIN operators op ON op.id = e.operator_id LEFT JOIN stations st ON st.id = e.station_id
         WHERE e.order_id = ?1 ORDER BY e.id",
    )?;
    order.history = events
        .query_map([id], |r| {
            let from: Option<String> = r.get(0)?;
            let to: String = r.get(1)?;
            Ok(StatusEvent {
                from: from.as_deref().map(parse_status),
                to: parse_status(&to),
                reason: r.get(2)?,
                operator: r.get(3)?,
                station: r.get(4)?,
                at: r.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(order)
}

pub fn list_orders(ctx: &mut Ctx<'_>, q: OrderQuery) -> Result<OrderPage, ApiError> {
    let text = q.text.trim();
    limits::check_text("the search text", text, limits::SEARCH_CHARS)?;
    let pattern = format!("%{text}%");
    let status = q.status.map(|s| s.as_str());
    // Only a manager finds orders by email: the floor must not probe for customers' addresses.
    let by_email = sees_contact_details(ctx);
    let hold_rule = q.hold_rule.map(HoldRule::as_str);
    // The flags are bound as 0/1 so that either engine can type them.
    let (backordered, by_email) = (i64::from(q.backordered), i64::from(by_email));
    let filter = format!(
        "(CAST(?1 AS TEXT) IS NULL OR o.status = ?1)
         AND (?2 = '' OR lower(o.number) LIKE lower(?3) OR lower(o.customer_name) LIKE lower(?3)
              OR (?6 = 1 AND lower(o.customer_email) LIKE lower(?3)))
         AND (CAST(?4 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM order_holds h WHERE h.order_id = o.id
                                   AND h.cleared_at IS NULL AND h.rule = ?4))
         AND (?5 = 0 OR ({BACKORDERED}) > 0)"
    );
    let limit = q.limit.unwrap_or(100).min(5000);
    let offset = q.offset.unwrap_or(0);
    let total: u32 = ctx.query_row(
        // Bound like the list below, without its page and offset.
        &format!("SELECT count(*) FROM orders o WHERE {filter}"),
        params![status, text, pattern, hold_rule, backordered, by_email],
        |r| r.get(0),
    )?;
    let mut stmt = ctx.tx.prepare(&format!(
        "SELECT o.number, o.customer_name, o.status, o.payment_status, o.placed_at, o.ship_by,
                (SELECT count(*) FROM order_lines ol WHERE ol.order_id = o.id),
                (SELECT coalesce(sum(ol.qty), 0) FROM order_lines ol WHERE ol.order_id = o.id),
                o.total_cents, {BACKORDERED},
                (SELECT group_concat(DISTINCT h.rule) FROM order_holds h
                 WHERE h.order_id = o.id AND h.cleared_at IS NULL)
         FROM orders o
         WHERE {filter}
         ORDER BY o.priority DESC, coalesce(o.ship_by, '9999'), o.placed_at, o.number
         LIMIT ?7 OFFSET ?8"
    ))?;
    let rows = stmt
        .query_map(
            params![status, text, pattern, hold_rule, backordered, by_email, limit, offset],
            |r| {
                let status: String = r.get(2)?;
                let payment: String = r.get(3)?;
                Ok(OrderSummary {
                    number: r.get(0)?,
                    customer: r.get(1)?,
                    status: parse_status(&status),
                    payment_status: PaymentStatus::parse(&payment)
                        .unwrap_or(PaymentStatus::Pending),
                    placed_at: r.get(4)?,
                    ship_by: r.get(5)?,
                    lines: r.get(6)?,
                    units: r.get(7)?,
                    total_cents: r.get(8)?,
                    backordered: r.get(9)?,
                    holds: r
                        .get::<_, Option<String>>(10)?
                        .unwrap_or_default()
                        .split(',')
                        .filter_map(HoldRule::parse)
                        .collect(),
                })
            },
        )?
        .collect::<Result<_, _>>()?;
    let mut counts_stmt = ctx.tx.prepare("SELECT status, count(*) FROM orders GROUP BY status")?;
    let counts = counts_stmt
        .query_map([], |r| {
            let status: String = r.get(0)?;
            Ok(StatusCount { status: parse_status(&status), count: r.get(1)? })
        })?
        .collect::<Result<_, _>>()?;
    Ok(OrderPage { rows, total, counts })
}

/// Runs what follows the entry of orders: screening (holds) and release of the `changed`
/// orders already in Backroom, then allocation of those and of the `entered` ones, which were
/// screened as they were stored ([`holds::screen_entering`]). An import calls it once for all
/// its orders.
pub fn after_entry(ctx: &mut Ctx<'_>, changed: &[i64], entered: &[i64]) -> Result<(), ApiError> {
    if !changed.is_empty() {
        holds::screen_orders(ctx, changed)?;
    }
    let ids: Vec<i64> = changed.iter().chain(entered).copied().collect();
    if !ids.is_empty() {
        allocation::run(ctx, allocation::Scope::Orders(ids))?;
    }
    Ok(())
}

/// Units of an order `o` waiting for stock: open on a released (or later) order.
const BACKORDERED: &str =
    "CASE WHEN o.status IN ('released', 'allocated', 'picking', 'picked', 'packed') THEN
     (SELECT coalesce(sum(ol.qty - ol.cancelled_qty - ol.picked_qty - ol.shipped_qty), 0)
      FROM order_lines ol WHERE ol.order_id = o.id)
     - (SELECT coalesce(sum(r.qty), 0) FROM reservations r
        JOIN order_lines ol ON ol.id = r.order_line_id WHERE ol.order_id = o.id)
     ELSE 0 END";
