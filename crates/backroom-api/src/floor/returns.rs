//! Customer returns: goods coming back against a shipped order, each item with why it came back
//! and what becomes of it.
//!
//! An item is restocked into a pick bin (where it is available again and goes first to the
//! orders waiting for it), quarantined (kept, never available, until a person restocks or scraps
//! it with an ordinary movement), or scrapped (received into the returns area and written off,
//! so the ledger shows both that it came back and that it left). Only units that shipped can
//! come back, and no more than shipped. Every return counts in the customer's history, which the
//! hold rules read when the customer's next order is screened.

use std::collections::BTreeSet;

use crate::store::params;
use backroom_core::ledger::MovementKind;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::context::Ctx;
use crate::error::ApiError;
use crate::events::{Changed, Event};
use crate::floor::inbound::{self, Place};
use crate::inventory::catalog;
use crate::inventory::stock;
use crate::inventory::warehouse::LocationKind;
use crate::orders;
use crate::orders::allocation::{self, AllocationSummary, Scope};
use crate::table::movements::MovementRow;
use crate::table::order_lines::{self, Counter};

/// Why the customer sent an item back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReturnReason {
    Damaged,
    WrongItem,
    NotAsDescribed,
    NoLongerWanted,
    TooLate,
    Other,
}

impl ReturnReason {
    pub const ALL: [ReturnReason; 6] = [
        ReturnReason::Damaged,
        ReturnReason::WrongItem,
        ReturnReason::NotAsDescribed,
        ReturnReason::NoLongerWanted,
        ReturnReason::TooLate,
        ReturnReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReturnReason::Damaged => "damaged",
            ReturnReason::WrongItem => "wrong_item",
            ReturnReason::NotAsDescribed => "not_as_described",
            ReturnReason::NoLongerWanted => "no_longer_wanted",
            ReturnReason::TooLate => "too_late",
            ReturnReason::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<ReturnReason> {
        ReturnReason::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// What becomes of a returned item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    /// Back into a pick bin: available again.
    Restock,
    /// Into the quarantine area: kept but never available, until restocked or scrapped.
    Quarantine,
    /// Written off.
    Scrap,
}

impl Disposition {
    pub const ALL: [Disposition; 3] =
        [Disposition::Restock, Disposition::Quarantine, Disposition::Scrap];

    pub fn as_str(self) -> &'static str {
        match self {
            Disposition::Restock => "restock",
            Disposition::Quarantine => "quarantine",
            Disposition::Scrap => "scrap",
        }
    }

    pub fn parse(text: &str) -> Option<Disposition> {
        Disposition::ALL.into_iter().find(|d| d.as_str() == text)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ReceiveReturn {
    /// The order number as typed, or as scanned from the packing slip's barcode (a leading `#`
    /// is fine).
    pub order: String,
    pub lines: Vec<ReturnItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct ReturnItem {
    /// The scanned barcode or the SKU.
    pub product: String,
    pub qty: i64,
    pub reason: ReturnReason,
    pub disposition: Disposition,
    /// The pick bin a restocked item goes into; only for `restock`.
    #[serde(default)]
    pub bin: Option<String>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct ReturnQuery {
    /// Only the returns of this order.
    #[serde(default)]
    pub order: Option<String>,
    #[serde(default)]
    pub limit: Option<u32>,
}

/// One return as received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CustomerReturn {
    pub id: i64,
    pub order: String,
    pub customer: String,
    pub at: String,
    /// Who received it; `None` for the local command line.
    pub operator: Option<String>,
    pub station: Option<String>,
    pub items: Vec<ReturnedItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ReturnedItem {
    pub sku: String,
    pub name: String,
    pub qty: i64,
    pub reason: ReturnReason,
    pub disposition: Disposition,
    /// Where it went: the bin, the quarantine area, or the returns area it was scrapped from.
    pub location: Option<String>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ReturnReceived {
    pub returned: CustomerReturn,
    /// Waiting orders served from the restocked items.
    pub allocation: AllocationSummary,
}

/// An order being returned against.
struct OrderRef {
    id: i64,
    number: String,
}

/// An item's place on the order: the order line and how much of it may still come back.
struct LineShare {
    line_id: i64,
    returnable: i64,
}

/// What the slip's barcode gives as typed text: the order number, perhaps wrapped in what a
/// scanner adds (an AIM symbology prefix such as `]C0`, a trailing Enter, control characters).
/// A leading `#` is left for the order lookup, which accepts it.
pub fn slip_order_number(scan: &str) -> String {
    let text: String = scan.chars().filter(|c| !c.is_control()).collect();
    let text = text.trim();
    let text = match text.strip_prefix("]C") {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => &rest[1..],
        _ => text,
    };
    text.trim().to_owned()
}

/// Receives a customer's return: every item is checked against what shipped, then each goes
/// where its disposition says, all in one transaction.
pub fn receive_return(ctx: &mut Ctx<'_>, req: ReceiveReturn) -> Result<ReturnReceived, ApiError> {
    let order = returned_order(ctx, &req.order)?;
    if req.lines.is_empty() {
        return Err(ApiError::invalid(format!(
            "the return against order {} lists no items; scan each item that came back",
            order.number
        )));
    }
    let return_id: i64 = ctx.tx.query_row(
        "INSERT INTO returns (order_id, at, operator_id, station_id) VALUES (?1, ?2, ?3, ?4)
         RETURNING id",
        params![order.id, ctx.now_text(), ctx.operator_id(), ctx.station_id()],
        |r| r.get(0),
    )?;
    let mut restocked = BTreeSet::new();
    let mut skus = BTreeSet::new();
    for (i, item) in req.lines.iter().enumerate() {
        let (product_id, sku) = receive_item(ctx, &order, return_id, item).map_err(|e| {
            ApiError::new(e.code, format!("item {} of the return: {}", i + 1, e.message))
        })?;
        if item.disposition == Disposition::Restock {
            restocked.insert(product_id);
        }
        skus.insert(sku);
    }
    let units: i64 = req.lines.iter().map(|l| l.qty).sum();
    orders::note(ctx, order.id, &format!("return #{return_id}: {units} units came back"))?;
    let allocation = if restocked.is_empty() {
        AllocationSummary::default()
    } else {
        allocation::run(ctx, Scope::Products(restocked.into_iter().collect()))?
    };
    ctx.emit(Event::StockChanged { skus: skus.into_iter().collect() });
    ctx.emit(Event::DataChanged { what: Changed::Returns });
    Ok(ReturnReceived { returned: load_return(ctx, return_id)?, allocation })
}

/// The order a typed or scanned number names.
fn returned_order(ctx: &Ctx<'_>, typed: &str) -> Result<OrderRef, ApiError> {
    let number = slip_order_number(typed);
    if number.is_empty() {
        return Err(ApiError::invalid(
            "say which order the return is for: scan the packing slip's barcode or type the order number",
        ));
    }
    let id = orders::order_id(ctx, &number).map_err(|e| {
        ApiError::new(e.code, format!("{}; scan the slip again or type the number", e.message))
    })?;
    Ok(OrderRef { id, number: orders::number_of(ctx, id)? })
}

/// Checks one item against the order, moves it where it goes and records it; returns its
/// product and SKU.
fn receive_item(
    ctx: &mut Ctx<'_>,
    order: &OrderRef,
    return_id: i64,
    item: &ReturnItem,
) -> Result<(i64, String), ApiError> {
    backroom_core::limits::QTY.check("the quantity", item.qty)?;
    let product_id = catalog::resolve(ctx, &item.product)?;
    let sku = inbound::sku_of(ctx, product_id)?;
    let shares = shares_of(ctx, order, product_id, &sku, item.qty)?;
    let place = destination(ctx, item)?;
    move_item(ctx, order, product_id, item, &place)?;
    for (line_id, qty) in shares {
        ctx.tx.execute(
            "INSERT INTO return_lines (return_id, order_line_id, qty, reason, disposition, location_id, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                return_id,
                line_id,
                qty,
                item.reason.as_str(),
                item.disposition.as_str(),
                place.id,
                item.note.trim()
            ],
        )?;
        order_lines::add(ctx, line_id, Counter::Returned, qty)?;
    }
    Ok((product_id, sku))
}

/// Why `qty` units cannot come back: all that shipped came back already, or only some can.
fn too_many_back(sku: &str, number: &str, shipped: i64, returned: i64, qty: i64) -> String {
    if returned >= shipped {
        format!(
            "every {sku} of order {number} has come back already ({returned} of {shipped} \
             shipped were returned before); this one is not from this order, check the slip"
        )
    } else {
        format!(
            "only {} of {sku} on order {number} can come back ({shipped} shipped, {returned} \
             returned already), not {qty}; check the quantity",
            shipped - returned
        )
    }
}

/// Splits `qty` over the order's lines of a product, in line order, refusing more than shipped
/// and not yet returned.
fn shares_of(
    ctx: &Ctx<'_>,
    order: &OrderRef,
    product_id: i64,
    sku: &str,
    qty: i64,
) -> Result<Vec<(i64, i64)>, ApiError> {
    let mut stmt = ctx.tx.prepare(
        "SELECT id, shipped_qty, returned_qty FROM order_lines
         WHERE order_id = ?1 AND product_id = ?2 ORDER BY line_no",
    )?;
    let lines: Vec<(i64, i64, i64)> = stmt
        .query_map([order.id, product_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let number = &order.number;
    if lines.is_empty() {
        return Err(ApiError::invalid(format!(
            "order {number} has no {sku}; check the item against the packing slip"
        )));
    }
    let shipped: i64 = lines.iter().map(|l| l.1).sum();
    let returned: i64 = lines.iter().map(|l| l.2).sum();
    if shipped == 0 {
        return Err(ApiError::conflict(format!(
            "no {sku} of order {number} has shipped yet, so none can come back"
        )));
    }
    if qty > shipped - returned {
        return Err(ApiError::conflict(too_many_back(sku, number, shipped, returned, qty)));
    }
    let shares = lines
        .into_iter()
        .map(|(line_id, shipped, returned)| LineShare { line_id, returnable: shipped - returned });
    Ok(split(shares, qty))
}

fn split(shares: impl Iterator<Item = LineShare>, qty: i64) -> Vec<(i64, i64)> {
    let mut left = qty;
    let mut out = Vec::new();
    for share in shares {
        let take = left.min(share.returnable);
        if take > 0 {
            out.push((share.line_id, take));
            left -= take;
        }
    }
    out
}

/// Where an item goes: the bin named for a restock, otherwise the quarantine or returns area.
/// A bin given with another disposition is refused, since it suggests the wrong choice was made.
fn destination(ctx: &Ctx<'_>, item: &ReturnItem) -> Result<Place, ApiError> {
    let bin = item.bin.as_deref().map(str::trim).filter(|b| !b.is_empty());
    match (item.disposition, bin) {
        (Disposition::Restock, Some(code)) => inbound::pick_bin(ctx, code, "a restocked item"),
        (Disposition::Restock, None) => Err(ApiError::invalid(
            "a restocked item needs the bin it goes back into; scan the bin label",
        )),
        (disposition, Some(code)) => Err(ApiError::invalid(format!(
            "a bin ({code}) is given only to restock; clear it, or choose restock instead of {}",
            disposition.as_str()
        ))),
        (Disposition::Quarantine, None) => inbound::first_area(ctx, LocationKind::Quarantine),
        (Disposition::Scrap, None) => inbound::first_area(ctx, LocationKind::Returns),
    }
}

/// Records the movements of one item: a `return` into its place and, for scrap, a `scrap` out
/// of the returns area again.
fn move_item(
    ctx: &Ctx<'_>,
    order: &OrderRef,
    product_id: i64,
    item: &ReturnItem,
    place: &Place,
) -> Result<(), ApiError> {
    let reason = format!("return: {}", item.reason.as_str());
    let movement = |kind, from: Option<&Place>, to: Option<&Place>| MovementRow {
        kind,
        product_id,
        qty: item.qty,
        from_location_id: from.map(|p| p.id),
        to_location_id: to.map(|p| p.id),
        reason: &reason,
        order_id: Some(order.id),
    };
    stock::record_row(ctx, &movement(MovementKind::Return, None, Some(place)))?;
    if item.disposition == Disposition::Scrap {
        stock::record_row(ctx, &movement(MovementKind::Scrap, Some(place), None))?;
    }
    Ok(())
}

/// Returns, newest first, optionally of one order.
pub fn list_returns(ctx: &mut Ctx<'_>, q: ReturnQuery) -> Result<Vec<CustomerReturn>, ApiError> {
    let order_id = match q.order.as_deref().map(slip_order_number).filter(|o| !o.is_empty()) {
        Some(number) => Some(orders::order_id(ctx, &number)?),
        None => None,
    };
    let mut stmt = ctx.tx.prepare(
        "SELECT id FROM returns WHERE CAST(?1 AS BIGINT) IS NULL OR order_id = ?1
         ORDER BY id DESC LIMIT ?2",
    )?;
    let ids: Vec<i64> = stmt
        .query_map(params![order_id, q.limit.unwrap_or(100).min(10_000)], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    drop(stmt);
    ids.into_iter().map(|id| load_return(ctx, id)).collect()
}

fn load_return(ctx: &Ctx<'_>, id: i64) -> Result<CustomerReturn, ApiError> {
    let mut ret = ctx.tx.query_row(
        "SELECT r.id, o.number, o.customer_name, r.at, op.name, st.name FROM returns r
         JOIN orders o ON o.id = r.order_id
         LEFT JOIN operators op ON op.id = r.operator_id
         LEFT JOIN stations st ON st.id = r.station_id
         WHERE r.id = ?1",
        [id],
        |r| {
            Ok(CustomerReturn {
                id: r.get(0)?,
                order: r.get(1)?,
                customer: r.get(2)?,
                at: r.get(3)?,
                operator: r.get(4)?,
                station: r.get(5)?,
                items: Vec::new(),
            })
        },
    )?;
    ret.items = returned_items(ctx, id)?;
    Ok(ret)
}

/// The items of a return; an item split over two order lines of the same product shows once.
fn returned_items(ctx: &Ctx<'_>, id: i64) -> Result<Vec<ReturnedItem>, ApiError> {
    let mut stmt = ctx.tx.prepare_cached(
        "SELECT p.sku, p.name, sum(rl.qty), rl.reason, rl.disposition, l.code, rl.note
         FROM return_lines rl
         JOIN order_lines ol ON ol.id = rl.order_line_id
         JOIN products p ON p.id = ol.product_id
         LEFT JOIN locations l ON l.id = rl.location_id
         WHERE rl.return_id = ?1
         GROUP BY p.sku, p.name, rl.reason, rl.disposition, l.code, rl.note
         ORDER BY min(rl.id)",
    )?;
    let items = stmt
        .query_map([id], |r| {
            let (reason, disposition): (String, String) = (r.get(3)?, r.get(4)?);
            Ok(ReturnedItem {
                sku: r.get(0)?,
                name: r.get(1)?,
                qty: r.get(2)?,
                reason: ReturnReason::parse(&reason).unwrap_or(ReturnReason::Other),
                disposition: Disposition::parse(&disposition).unwrap_or(Disposition::Quarantine),
                location: r.get(5)?,
                note: r.get(6)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scanned_slip_gives_the_order_number() {
        assert_eq!(slip_order_number("1001"), "1001");
        assert_eq!(slip_order_number("  #1001\r\n"), "#1001");
        assert_eq!(slip_order_number("]C0#1001"), "#1001");
        assert_eq!(slip_order_number("\u{1d}1001\t"), "1001");
        assert_eq!(slip_order_number("]Cx"), "]Cx", "not a symbology prefix");
    }

    #[test]
    fn a_quantity_is_split_over_lines_in_order() {
        let shares = [
            LineShare { line_id: 1, returnable: 0 },
            LineShare { line_id: 2, returnable: 2 },
            LineShare { line_id: 3, returnable: 5 },
        ];
        assert_eq!(split(shares.into_iter(), 4), vec![(2, 2), (3, 2)]);
    }

    #[test]
    fn an_item_returned_before_is_said_so() {
        let all_back = too_many_back("MUG-1", "1001", 2, 2, 1);
        assert!(all_back.contains("every MUG-1 of order 1001 has come back already"), "{all_back}");
        assert!(!all_back.contains("only 0"), "{all_back}");
        let some = too_many_back("MUG-1", "1001", 3, 1, 3);
        assert!(some.starts_with("only 2 of MUG-1 on order 1001 can come back"), "{some}");
    }
}
