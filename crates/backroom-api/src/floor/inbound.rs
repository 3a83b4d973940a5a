//! Inbound goods: what suppliers announce, what arrives, and putting it away.
//!
//! A receipt lands in the receiving area (or straight in a bin), counted against the supplier's
//! expected receipt when the receiver names it; more than expected is accepted and flagged, since
//! the goods are on the dock either way. Put-away moves stock into a pick bin, where it goes at
//! once to the orders waiting for it, in their priority order.

use std::collections::BTreeMap;

use crate::store::{OptionalExtension, params};
use backroom_core::layout::BinCode;
use backroom_core::ledger::MovementKind;
use backroom_core::routing::distance::{Stop, distance};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::context::Ctx;
use crate::error::ApiError;
use crate::events::{Changed, Event};
use crate::inventory::catalog;
use crate::inventory::stock::{self, Movement, MovementQuery};
use crate::inventory::warehouse::{self, LocationKind};
use crate::orders::allocation::{self, AllocationSummary, Scope};
use crate::table::movements::MovementRow;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct Receive {
    /// The scanned barcode or the SKU.
    pub product: String,
    pub qty: i64,
    /// The area or bin the goods go into; the receiving area when absent.
    #[serde(default)]
    pub to: Option<String>,
    /// The reference of an expected receipt (purchase order, delivery note) this arrival is
    /// counted against.
    #[serde(default)]
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Received {
    pub movement: Movement,
    /// The expected receipt named, if any.
    pub reference: Option<String>,
    /// That receipt's line for this product, this arrival included.
    pub expected: Option<ExpectedLine>,
    /// Something the receiver should pass on, such as more arriving than was expected.
    pub notice: Option<String>,
    /// Where to put the goods away: the pick bin that already holds the most of the product, or
    /// else the empty bin nearest the depot.
    pub suggested_bin: Option<String>,
    /// What the goods did for waiting orders; only a receipt straight into a bin allocates.
    pub allocation: AllocationSummary,
    /// Why orders waiting for the product got none of these goods, when they got none.
    pub unfilled: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct PutAway {
    /// The scanned barcode or the SKU.
    pub product: String,
    pub qty: i64,
    /// Where the goods are now; the receiving area when absent.
    #[serde(default)]
    pub from: Option<String>,
    /// The pick bin they go into.
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PutAwayDone {
    pub movement: Movement,
    /// Waiting orders served from the goods just put away.
    pub allocation: AllocationSummary,
    /// Why orders waiting for the product got none of these goods, when they got none.
    pub unfilled: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct ExpectReceipt {
    /// The supplier's reference the delivery will carry; sending it again updates those lines.
    pub reference: String,
    /// Kept as before when empty.
    #[serde(default)]
    pub supplier: String,
    /// The day the goods are due, `2026-11-23`; kept as before when absent.
    #[serde(default)]
    pub expected_on: Option<String>,
    pub lines: Vec<ExpectedQty>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ExpectedQty {
    /// SKU or barcode.
    pub product: String,
    pub qty: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct ExpectedQuery {
    /// Also list receipts that have arrived in full.
    #[serde(default)]
    pub include_complete: bool,
    /// Only this reference.
    #[serde(default)]
    pub reference: Option<String>,
}

/// Goods a supplier announced under one reference, with what has arrived so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ExpectedReceipt {
    pub reference: String,
    pub supplier: String,
    pub expected_on: Option<String>,
    pub lines: Vec<ExpectedLine>,
    /// Every line has arrived in full.
    pub complete: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ExpectedLine {
    pub sku: String,
    pub name: String,
    pub expected: i64,
    pub received: i64,
    /// Still to come.
    pub outstanding: i64,
    /// Received beyond what was expected.
    pub over: i64,
}

/// A location as the inbound and returns desks use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Place {
    pub id: i64,
    pub code: String,
    pub kind: LocationKind,
}

/// The active location a code names.
pub(crate) fn place(ctx: &Ctx<'_>, code: &str) -> Result<Place, ApiError> {
    let id = warehouse::location_id(ctx, code)?;
    let (code, kind): (String, String) =
        ctx.tx.query_row("SELECT code, kind FROM locations WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let kind = LocationKind::parse(&kind).unwrap_or(LocationKind::Bin);
    Ok(Place { id, code, kind })
}

/// The first active area of a kind (the one a store with a single such area means).
pub(crate) fn first_area(ctx: &Ctx<'_>, kind: LocationKind) -> Result<Place, ApiError> {
    ctx.tx
        .query_row(
            "SELECT id, code FROM locations WHERE kind = ?1 AND active = 1 ORDER BY id LIMIT 1",
            [kind.as_str()],
            |r| Ok(Place { id: r.get(0)?, code: r.get(1)?, kind }),
        )
        .optional()?
        .ok_or_else(|| {
            ApiError::invalid(format!(
                "there is no {} area; a manager adds one (of the kind {}) in Manage",
                kind.as_str(),
                kind.as_str()
            ))
        })
}

/// A pick bin a code names; an area is refused, naming what it is.
pub(crate) fn pick_bin(ctx: &Ctx<'_>, code: &str, what: &str) -> Result<Place, ApiError> {
    let bin = place(ctx, code)?;
    if bin.kind != LocationKind::Bin {
        return Err(ApiError::invalid(format!(
            "{} is a {} area, not a pick bin; {what} goes into a bin such as A01-1-01-L",
            bin.code,
            bin.kind.as_str()
        )));
    }
    Ok(bin)
}

pub(crate) fn sku_of(ctx: &Ctx<'_>, product_id: i64) -> Result<String, ApiError> {
    Ok(ctx.tx.query_row("SELECT sku FROM products WHERE id = ?1", [product_id], |r| r.get(0))?)
}

/// The movement `id` as the ledger lists it. This command wrote it a moment ago inside its own
/// transaction, which no one else can write in, so it is the product's newest movement.
pub(crate) fn recorded(ctx: &mut Ctx<'_>, id: i64, sku: &str) -> Result<Movement, ApiError> {
    let query =
        MovementQuery { product: Some(sku.to_owned()), limit: Some(1), ..Default::default() };
    stock::list_movements(ctx, query)?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or_else(|| ApiError::storage(format!("movement {id} was recorded but cannot be read")))
}

/// Receives goods into the receiving area (or the location named), against an expected receipt
/// when one is named.
pub fn receive(ctx: &mut Ctx<'_>, req: Receive) -> Result<Received, ApiError> {
    let product_id = catalog::resolve(ctx, &req.product)?;
    let sku = sku_of(ctx, product_id)?;
    let to = receiving_place(ctx, req.to.as_deref())?;
    let reference = req.reference.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let line_id = reference.map(|r| expected_line_id(ctx, r, product_id, &sku)).transpose()?;
    let id = stock::record_row(
        ctx,
        &MovementRow {
            kind: MovementKind::Receipt,
            product_id,
            qty: req.qty,
            from_location_id: None,
            to_location_id: Some(to.id),
            reason: &reference.map(|r| format!("receipt {r}")).unwrap_or_default(),
            order_id: None,
        },
    )?;
    let expected = match line_id {
        Some(line_id) => Some(count_received(ctx, line_id, req.qty)?),
        None => None,
    };
    let notice = expected.as_ref().and_then(|line| over_notice(reference?, line));
    let allocation = allocate_if_bin(ctx, &to, product_id)?;
    let unfilled = why_unfilled(ctx, &to, &allocation)?;
    let movement = recorded(ctx, id, &sku)?;
    ctx.emit(Event::StockChanged { skus: vec![sku] });
    Ok(Received {
        movement,
        reference: reference.map(str::to_owned),
        expected,
        notice,
        suggested_bin: suggest_bin(ctx, product_id)?,
        allocation,
        unfilled,
    })
}

/// Where a receipt goes: the location named, which must be able to take goods from outside,
/// or the receiving area.
fn receiving_place(ctx: &Ctx<'_>, to: Option<&str>) -> Result<Place, ApiError> {
    let Some(code) = to.map(str::trim).filter(|c| !c.is_empty()) else {
        return first_area(ctx, LocationKind::Receiving);
    };
    let to = place(ctx, code)?;
    match to.kind {
        LocationKind::Receiving | LocationKind::Bin | LocationKind::Quarantine => Ok(to),
        kind => Err(ApiError::invalid(format!(
            "{} is a {} area; receive into a receiving area, a quarantine area or a pick bin",
            to.code,
            kind.as_str()
        ))),
    }
}

/// The expected-receipt line of this product under `reference`.
fn expected_line_id(
    ctx: &Ctx<'_>,
    reference: &str,
    product_id: i64,
    sku: &str,
) -> Result<i64, ApiError> {
    let line: Option<i64> = ctx
        .tx
        .query_row(
            "SELECT id FROM expected_receipts WHERE reference = ?1 AND product_id = ?2",
            params![reference, product_id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(line) = line {
        return Ok(line);
    }
    let known: bool = ctx.tx.query_row(
        "SELECT count(*) > 0 FROM expected_receipts WHERE reference = ?1",
        [reference],
        |r| r.get(0),
    )?;
    Err(if known {
        ApiError::invalid(format!(
            "expected receipt {reference} has no line for {sku}; receive it without the \
             reference, or ask a manager to add the line"
        ))
    } else {
        ApiError::not_found(format!(
            "there is no expected receipt “{reference}”; check the delivery note, or receive \
             without a reference"
        ))
    })
}

/// Adds an arrival to its expected-receipt line and returns the line as it stands now.
fn count_received(ctx: &Ctx<'_>, line_id: i64, qty: i64) -> Result<ExpectedLine, ApiError> {
    ctx.tx.execute(
        "UPDATE expected_receipts SET qty_received = qty_received + ?2 WHERE id = ?1",
        params![line_id, qty],
    )?;
    Ok(ctx.tx.query_row(
        "SELECT p.sku, p.name, e.qty_expected, e.qty_received FROM expected_receipts e
         JOIN products p ON p.id = e.product_id WHERE e.id = ?1",
        [line_id],
        |r| Ok(expected_line(r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?)
}

fn expected_line(sku: String, name: String, expected: i64, received: i64) -> ExpectedLine {
    ExpectedLine {
        sku,
        name,
        expected,
        received,
        outstanding: (expected - received).max(0),
        over: (received - expected).max(0),
    }
}

/// Over-receipt is accepted (the goods are here) but someone must settle it with the supplier.
fn over_notice(reference: &str, line: &ExpectedLine) -> Option<String> {
    (line.over > 0).then(|| {
        format!(
            "{} of {} received against {} expected on {reference}: {} more than expected; \
             tell the buyer so the supplier's invoice is checked",
            line.received, line.sku, line.expected, line.over
        )
    })
}

/// Stock that lands in a pick bin goes at once to the orders waiting for it.
fn allocate_if_bin(
    ctx: &mut Ctx<'_>,
    to: &Place,
    product_id: i64,
) -> Result<AllocationSummary, ApiError> {
    if to.kind != LocationKind::Bin {
        return Ok(AllocationSummary::default());
    }
    allocation::run(ctx, Scope::Products(vec![product_id]))
}

/// Why goods that landed in `to` went to none of the orders waiting for them: a bin waiting
/// for a count promises nothing new, and an order that ships only complete waits for its
/// other items. `None` when some order got units or none was waiting.
fn why_unfilled(
    ctx: &Ctx<'_>,
    to: &Place,
    summary: &AllocationSummary,
) -> Result<Option<String>, ApiError> {
    if to.kind != LocationKind::Bin || summary.orders == 0 || summary.units_reserved > 0 {
        return Ok(None);
    }
    Ok(Some(unfilled_message(&to.code, summary.orders, bin_is_counting(ctx, to.id)?)))
}

fn unfilled_message(bin: &str, waiting: u32, counting: bool) -> String {
    let orders = if waiting == 1 {
        "the waiting order".to_owned()
    } else {
        format!("the {waiting} waiting orders")
    };
    if counting {
        format!(
            "None went to {orders}: {bin} is waiting for a count, and a bin being counted promises \
             nothing until a manager approves the count. Move them to another bin to serve {orders}."
        )
    } else {
        format!("None went to {orders}: they ship only complete and still wait for other items.")
    }
}

/// Whether a count of the bin is open, being recounted or waiting for a decision.
fn bin_is_counting(ctx: &Ctx<'_>, location_id: i64) -> Result<bool, ApiError> {
    Ok(ctx.query_row(
        "SELECT count(*) > 0 FROM count_tasks WHERE location_id = ?1
         AND status IN ('open', 'recount', 'counted')",
        [location_id],
        |r| r.get(0),
    )?)
}

/// Where new stock of a product should go: with the rest of it, so pickers find it in one place;
/// for a product not yet in any bin, the empty bin with the shortest walk from the depot. A bin
/// waiting for a count is never suggested: what goes in there is promised to no one until the
/// count is decided.
fn suggest_bin(ctx: &Ctx<'_>, product_id: i64) -> Result<Option<String>, ApiError> {
    let fullest: Option<String> = ctx
        .tx
        .query_row(
            "SELECT l.code FROM stock s
             JOIN locations l ON l.id = s.location_id AND l.kind = 'bin' AND l.active = 1
             WHERE s.product_id = ?1 AND s.on_hand > 0 AND NOT EXISTS (
                 SELECT 1 FROM count_tasks c WHERE c.location_id = l.id
                 AND c.status IN ('open', 'recount', 'counted'))
             ORDER BY s.on_hand DESC, l.code LIMIT 1",
            [product_id],
            |r| r.get(0),
        )
        .optional()?;
    match fullest {
        Some(code) => Ok(Some(code)),
        None => nearest_empty_bin(ctx),
    }
}

/// The active bin that holds and promises nothing, nearest the depot by the walking distance.
fn nearest_empty_bin(ctx: &Ctx<'_>) -> Result<Option<String>, ApiError> {
    let Some(layout) = warehouse::current_layout(ctx)? else {
        return Ok(None);
    };
    let mut stmt = ctx.tx.prepare(
        "SELECT l.code FROM locations l
         WHERE l.kind = 'bin' AND l.active = 1
           AND NOT EXISTS (SELECT 1 FROM stock s WHERE s.location_id = l.id AND s.on_hand > 0)
           AND NOT EXISTS (SELECT 1 FROM reservations r WHERE r.location_id = l.id)
           AND NOT EXISTS (SELECT 1 FROM count_tasks c WHERE c.location_id = l.id
                           AND c.status IN ('open', 'recount', 'counted'))
         ORDER BY l.code",
    )?;
    let codes: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    let nearest = codes
        .into_iter()
        .filter_map(|code| {
            let bin = code.parse::<BinCode>().ok().filter(|b| layout.contains(b))?;
            Some((distance(&layout, Stop::Depot, Stop::Bin(bin)), code))
        })
        // The codes come sorted, and `min_by` keeps the first of equals: ties go to the lower code.
        .min_by(|a, b| a.0.total_cmp(&b.0));
    Ok(nearest.map(|(_, code)| code))
}

/// Moves received goods into a pick bin, and serves the orders waiting for them.
pub fn put_away(ctx: &mut Ctx<'_>, req: PutAway) -> Result<PutAwayDone, ApiError> {
    let product_id = catalog::resolve(ctx, &req.product)?;
    let sku = sku_of(ctx, product_id)?;
    let from = match req.from.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => place(ctx, code)?,
        None => first_area(ctx, LocationKind::Receiving)?,
    };
    let to = pick_bin(ctx, &req.to, "put-away")?;
    let id = stock::record_row(
        ctx,
        &MovementRow {
            kind: MovementKind::Transfer,
            product_id,
            qty: req.qty,
            from_location_id: Some(from.id),
            to_location_id: Some(to.id),
            reason: "put-away",
            order_id: None,
        },
    )?;
    let allocation = allocation::run(ctx, Scope::Products(vec![product_id]))?;
    let unfilled = why_unfilled(ctx, &to, &allocation)?;
    let movement = recorded(ctx, id, &sku)?;
    ctx.emit(Event::StockChanged { skus: vec![sku] });
    Ok(PutAwayDone { movement, allocation, unfilled })
}

/// Records (or updates) what a supplier announced under a reference.
pub fn expect_receipt(ctx: &mut Ctx<'_>, req: ExpectReceipt) -> Result<ExpectedReceipt, ApiError> {
    let reference = req.reference.trim();
    if reference.is_empty() {
        return Err(ApiError::invalid(
            "an expected receipt needs the supplier's reference, such as the purchase order number",
        ));
    }
    if req.lines.is_empty() {
        return Err(ApiError::invalid(format!("expected receipt {reference} has no lines")));
    }
    let lines = expected_quantities(ctx, reference, &req.lines)?;
    let (supplier, expected_on) = receipt_header(ctx, reference, &req)?;
    for (product_id, qty) in lines {
        ctx.tx.execute(
            "INSERT INTO expected_receipts (reference, supplier, product_id, qty_expected, expected_on)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (reference, product_id) DO UPDATE SET qty_expected = ?4",
            params![reference, supplier, product_id, qty, expected_on],
        )?;
    }
    // Supplier and due date belong to the whole receipt, so every line carries the same.
    ctx.tx.execute(
        "UPDATE expected_receipts SET supplier = ?2, expected_on = ?3 WHERE reference = ?1",
        params![reference, supplier, expected_on],
    )?;
    ctx.emit(Event::DataChanged { what: Changed::ExpectedReceipts });
    let query = ExpectedQuery { include_complete: true, reference: Some(reference.to_owned()) };
    expected_receipts(ctx, &query)?
        .pop()
        .ok_or_else(|| ApiError::storage(format!("expected receipt {reference} was not stored")))
}

/// The lines of an announcement as (product, quantity), each product once.
fn expected_quantities(
    ctx: &Ctx<'_>,
    reference: &str,
    lines: &[ExpectedQty],
) -> Result<Vec<(i64, i64)>, ApiError> {
    let mut seen: BTreeMap<i64, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let n = i + 1;
        let at = |message: String| format!("line {n} of expected receipt {reference}: {message}");
        backroom_core::limits::QTY
            .check("the quantity", line.qty)
            .map_err(|e| ApiError::invalid(at(e.to_string())))?;
        let product_id = catalog::resolve(ctx, &line.product)
            .map_err(|e| ApiError::new(e.code, at(e.message)))?;
        if let Some(first) = seen.insert(product_id, n) {
            return Err(ApiError::invalid(at(format!(
                "{} is already on line {first}; give each product once with its total",
                line.product.trim()
            ))));
        }
        out.push((product_id, line.qty));
    }
    Ok(out)
}

/// The supplier and due date after this announcement: what it gives, else what was stored.
fn receipt_header(
    ctx: &Ctx<'_>,
    reference: &str,
    req: &ExpectReceipt,
) -> Result<(String, Option<String>), ApiError> {
    let stored: Option<(String, Option<String>)> = ctx
        .tx
        .query_row(
            "SELECT supplier, expected_on FROM expected_receipts WHERE reference = ?1 LIMIT 1",
            [reference],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (stored_supplier, stored_on) = stored.unwrap_or_default();
    let supplier = match req.supplier.trim() {
        "" => stored_supplier,
        given => given.to_owned(),
    };
    let expected_on = match req.expected_on.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(text) => Some(parse_day(text)?),
        None => stored_on,
    };
    Ok((supplier, expected_on))
}

fn parse_day(text: &str) -> Result<String, ApiError> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| d.format("%Y-%m-%d").to_string())
        .map_err(|_| {
            ApiError::invalid(format!(
                "the expected day “{text}” is not a day; write it as 2026-11-23"
            ))
        })
}

/// Expected receipts still waiting for goods (or all), soonest due first.
pub fn list_expected_receipts(
    ctx: &mut Ctx<'_>,
    q: ExpectedQuery,
) -> Result<Vec<ExpectedReceipt>, ApiError> {
    expected_receipts(ctx, &q)
}

fn expected_receipts(ctx: &Ctx<'_>, q: &ExpectedQuery) -> Result<Vec<ExpectedReceipt>, ApiError> {
    let reference = q.reference.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let mut stmt = ctx.tx.prepare(
        "SELECT e.reference, e.supplier, e.expected_on, p.sku, p.name, e.qty_expected, e.qty_received
         FROM expected_receipts e JOIN products p ON p.id = e.product_id
         WHERE CAST(?1 AS TEXT) IS NULL OR e.reference = ?1
         ORDER BY e.reference, p.sku",
    )?;
    let mut rows = stmt.query([reference])?;
    let mut receipts: Vec<ExpectedReceipt> = Vec::new();
    while let Some(r) = rows.next()? {
        let reference: String = r.get(0)?;
        let line = expected_line(r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?);
        match receipts.last_mut().filter(|e| e.reference == reference) {
            Some(receipt) => receipt.lines.push(line),
            None => receipts.push(ExpectedReceipt {
                reference,
                supplier: r.get(1)?,
                expected_on: r.get(2)?,
                lines: vec![line],
                complete: false,
            }),
        }
    }
    for receipt in &mut receipts {
        receipt.complete = receipt.lines.iter().all(|l| l.outstanding == 0);
    }
    receipts.retain(|e| q.include_complete || !e.complete);
    // Soonest due first; receipts with no date come last.
    receipts.sort_by(|a, b| {
        (a.expected_on.is_none(), &a.expected_on, &a.reference).cmp(&(
            b.expected_on.is_none(),
            &b.expected_on,
            &b.reference,
        ))
    });
    Ok(receipts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDatabase;
    use crate::{App, Caller};
    use serde_json::{Value, json};

    fn call(app: &App, name: &str, req: Value) -> Value {
        app.call(Caller::Local, name, req).unwrap_or_else(|e| panic!("`{name}` failed: {e}"))
    }

    /// A one-aisle warehouse with a mug in two bins, the fuller one waiting for a count, and
    /// an order for more mugs than the bins can promise.
    fn warehouse_with_a_count() -> (App, TestDatabase, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDatabase::new(dir.path());
        let app = db.open();
        call(
            &app,
            "set_layout",
            json!({"layout": {"name": "t", "aisles": 2, "blocks": 1, "slots_per_side": 5,
                              "slot_length_m": 1.0, "aisle_pitch_m": 3.0, "cross_aisle_m": 2.0}}),
        );
        call(&app, "save_area", json!({"code": "RECEIVING", "kind": "receiving"}));
        call(&app, "save_area", json!({"code": "PACKING", "kind": "packing"}));
        call(&app, "save_product", json!({"sku": "MUG-1", "name": "Mug", "price_cents": 1299}));
        call(&app, "receive", json!({"product": "MUG-1", "qty": 9, "to": "A01-1-01-L"}));
        call(&app, "receive", json!({"product": "MUG-1", "qty": 2, "to": "A01-1-02-L"}));
        call(&app, "create_counts", json!({"bins": ["A01-1-01-L"]}));
        call(
            &app,
            "create_order",
            json!({"number": "1001", "customer": {"name": "Ada"}, "payment_status": "paid",
                   "ship_to": {"name": "Ada", "address1": "1 Main St", "city": "Leeds",
                               "postal_code": "LS1 1AA", "country": "gb"},
                   "lines": [{"product": "MUG-1", "qty": 5}]}),
        );
        (app, db, dir)
    }

    #[test]
    fn a_bin_being_counted_is_not_suggested_and_put_away_there_says_why() {
        let (app, _db, _dir) = warehouse_with_a_count();
        let received = call(&app, "receive", json!({"product": "MUG-1", "qty": 4}));
        assert_eq!(received["suggested_bin"], "A01-1-02-L", "not the fuller bin under count");

        let into_counted =
            call(&app, "put_away", json!({"product": "MUG-1", "qty": 2, "to": "A01-1-01-L"}));
        assert_eq!(into_counted["allocation"]["units_reserved"], 0);
        let why = into_counted["unfilled"].as_str().unwrap();
        assert!(why.contains("A01-1-01-L is waiting for a count"), "{why}");

        let into_suggested =
            call(&app, "put_away", json!({"product": "MUG-1", "qty": 2, "to": "A01-1-02-L"}));
        assert!(into_suggested["allocation"]["units_reserved"].as_i64().unwrap() > 0);
        assert_eq!(into_suggested["unfilled"], Value::Null);
    }

    #[test]
    fn a_receipt_that_fills_no_order_says_why() {
        let counting = unfilled_message("A03-1-02-L", 1, true);
        assert!(
            counting
                .starts_with("None went to the waiting order: A03-1-02-L is waiting for a count")
        );
        let complete = unfilled_message("A03-1-02-L", 3, false);
        assert!(complete.contains("the 3 waiting orders: they ship only complete"), "{complete}");
    }
}
