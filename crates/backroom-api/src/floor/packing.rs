//! Packing: the box types a packer scans, the weight audit of a packed box, and its log.
//!
//! The rules live in `backroom_core::audit`; this module gathers what they need (the order's
//! picked items, the box, the store's `packing` settings), records every weighing whatever its
//! verdict, and moves an order from picked to packed on a pass or a manager's override. A
//! weighing that does not pass is an answer, not an error: it commits with its log row.
//!
//! A verdict rests on the station's watched scale. Only when that scale is offline may a weight
//! be typed there, and only with a manager's badge (and PIN where the store asks) and a
//! reason: the weighing then records who approved the typed weight and why.

use crate::store::{OptionalExtension, Row, params};
use backroom_core::audit::{self, AuditRules, Carton, CauseKind, Item, ReadingFacts, Verdict};
use backroom_core::limits;
use backroom_core::order::OrderStatus;
use backroom_core::people::Role;
use backroom_core::scale::Range;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::context::{Ctx, NoArgs};
use crate::devices::scale_port::{ScaleState, ScaleStatus};
use crate::error::ApiError;
use crate::error::ErrorCode;
use crate::events::{Changed, Event};
use crate::inventory::catalog::Dimensions;
use crate::{admin::people, admin::settings, orders};

/// A box type as the packer scans it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PackBox {
    /// The barcode on the box.
    pub code: String,
    pub name: String,
    /// The empty box's weight in grams.
    pub tare_g: f64,
    /// Inner dimensions in millimetres.
    pub inner_mm: Dimensions,
    pub active: bool,
}

/// A box type to create, or the new values of the box with this code.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct SaveBox {
    pub code: String,
    pub name: String,
    pub tare_g: f64,
    pub inner_mm: Dimensions,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct BoxQuery {
    /// Also list retired box types.
    #[serde(default)]
    pub include_inactive: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct PackOrder {
    pub order: String,
}

/// An order and the box it is packed in.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct OrderInBox {
    pub order: String,
    /// The scanned box code.
    #[serde(rename = "box")]
    pub box_code: String,
}

/// A box the order's items fit in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BoxFit {
    #[serde(rename = "box")]
    pub pack_box: PackBox,
    /// The items' volume as a share of the box's inner volume, in percent.
    pub fill_percent: f64,
}

/// Boxes for an order, smallest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BoxSuggestion {
    pub order: String,
    /// Active boxes the items fit in, smallest inner volume first; the first is the suggestion.
    pub fits: Vec<BoxFit>,
    /// SKUs without dimensions; while any is listed no box can be suggested.
    pub missing_dimensions: Vec<String>,
}

/// One product line of the expected weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ItemWeight {
    pub sku: String,
    pub name: String,
    pub category: String,
    /// Units going into the box.
    pub qty: i64,
    /// Grams per unit; `None` when the product has no weight yet.
    pub unit_g: Option<f64>,
    /// `qty × unit_g`.
    pub total_g: Option<f64>,
}

/// What an order should weigh in a box, and the band that passes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ExpectedWeight {
    pub order: String,
    #[serde(rename = "box")]
    pub box_code: String,
    pub items: Vec<ItemWeight>,
    pub items_g: f64,
    pub tare_g: f64,
    pub allowance_g: f64,
    pub expected_g: f64,
    pub tolerance_g: f64,
    /// `expected_g − tolerance_g`, the lightest reading that passes.
    pub min_g: f64,
    /// `expected_g + tolerance_g`, the heaviest reading that passes.
    pub max_g: f64,
    /// SKUs without a unit weight; while any is listed the order cannot pass the audit.
    pub cannot_audit: Vec<String>,
}

/// Weigh a packed box. At a station whose scale Backroom watches, the reading is the scale's
/// latest, as the scale sent it: leave `grams` out. A station without a connected scale types
/// the weight its scale shows.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct Weigh {
    pub order: String,
    #[serde(rename = "box")]
    pub box_code: String,
    /// A weight typed at a station without a connected scale, in grams.
    #[serde(default)]
    pub grams: Option<f64>,
    /// The typed weight was read off a settled display; not stable when absent.
    #[serde(default)]
    pub stable: Option<bool>,
    /// How long ago the typed reading was taken, in milliseconds; 0 (just now) when absent.
    #[serde(default)]
    pub age_ms: Option<u64>,
    /// Whether the scale was online; assumed so when absent.
    #[serde(default)]
    pub online: Option<bool>,
    /// Where the load stood against the scale's capacity; in range when absent.
    #[serde(default)]
    pub range: Option<Range>,
    /// Which scale the typed reading came from; the station's configured scale when absent.
    #[serde(default)]
    pub scale: Option<String>,
    /// At a station whose watched scale is offline, the badge or PIN of the manager who
    /// approves the typed weight.
    #[serde(default)]
    pub manager: Option<String>,
    /// The approving manager's PIN, where the store asks managers for badge and PIN together.
    #[serde(default)]
    pub pin: Option<String>,
    /// Why the weight is typed (the scale is unplugged, broken...); kept in the audit log.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The verdict on a weighing, as logged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Weighed {
    /// The audit log row.
    pub weighing: Weighing,
    pub verdict: Verdict,
    /// The order's status after the weighing: packed on a pass, still picked otherwise.
    pub status: OrderStatus,
}

/// A manager's decision to pack an order over a failed weighing.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct OverrideWeighing {
    pub order: String,
    /// Why the box may go as it is; kept in the audit log.
    pub reason: String,
    /// The badge or PIN of the manager who approves, when the signed-in operator is not one:
    /// a packer calls a manager over rather than signing out.
    #[serde(default)]
    pub manager: Option<String>,
    /// The approving manager's PIN, where the store asks managers for badge and PIN together.
    #[serde(default)]
    pub pin: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Overridden {
    /// The failed weighing, now carrying the override.
    pub weighing: Weighing,
    pub status: OrderStatus,
}

/// The kind of a verdict, for filtering the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum VerdictKind {
    Pass,
    Fail,
    NoVerdict,
    CannotAudit,
}

impl VerdictKind {
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictKind::Pass => "pass",
            VerdictKind::Fail => "fail",
            VerdictKind::NoVerdict => "no_verdict",
            VerdictKind::CannotAudit => "cannot_audit",
        }
    }

    fn parse(text: &str) -> VerdictKind {
        match text {
            "pass" => VerdictKind::Pass,
            "fail" => VerdictKind::Fail,
            "cannot_audit" => VerdictKind::CannotAudit,
            _ => VerdictKind::NoVerdict,
        }
    }
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Weighing {
    pub id: i64,
    pub order: String,
    #[serde(rename = "box")]
    pub box_code: String,
    /// `None` when the order could not be audited.
    pub expected_g: Option<f64>,
    pub tolerance_g: Option<f64>,
    pub actual_g: f64,
    pub verdict: VerdictKind,
    /// The likeliest cause of a failure, why there was no verdict, or the SKUs without weight.
    pub cause: String,
    /// The cause in one word, for counting; none for a pass.
    pub cause_kind: Option<CauseKind>,
    pub operator: Option<String>,
    pub station: Option<String>,
    pub scale: String,
    pub at: String,
    /// Set when a manager packed the order over this weighing.
    pub override_at: Option<String>,
    pub override_by: Option<String>,
    pub override_reason: Option<String>,
    /// Set when the weight was typed at a bench whose scale was offline: the manager who
    /// approved it, and why.
    pub typed_by: Option<String>,
    pub typed_reason: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct WeighingQuery {
    #[serde(default)]
    pub order: Option<String>,
    #[serde(default)]
    pub verdict: Option<VerdictKind>,
    /// At most this many rows, newest first; 100 when absent.
    #[serde(default)]
    pub limit: Option<u32>,
}

/// A product on an open order that has no unit weight, so its orders cannot be audited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct UnweighedProduct {
    pub sku: String,
    pub name: String,
    pub category: String,
    /// The open orders that hold it.
    pub orders: Vec<String>,
}

pub fn list_boxes(ctx: &mut Ctx<'_>, q: BoxQuery) -> Result<Vec<PackBox>, ApiError> {
    let mut stmt = ctx.tx.prepare(
        "SELECT code, name, tare_g, length_mm, width_mm, height_mm, active FROM boxes
         WHERE ?1 = 1 OR active = 1 ORDER BY length_mm * width_mm * height_mm, code",
    )?;
    let rows =
        stmt.query_map([i64::from(q.include_inactive)], box_row)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

fn box_row(r: &Row<'_>) -> crate::store::Result<PackBox> {
    Ok(PackBox {
        code: r.get(0)?,
        name: r.get(1)?,
        tare_g: r.get(2)?,
        inner_mm: Dimensions { length: r.get(3)?, width: r.get(4)?, height: r.get(5)? },
        active: r.get(6)?,
    })
}

pub fn save_box(ctx: &mut Ctx<'_>, req: SaveBox) -> Result<PackBox, ApiError> {
    let saved = validate_box(&req)?;
    let d = saved.inner_mm;
    ctx.tx.execute(
        "INSERT INTO boxes (code, name, tare_g, length_mm, width_mm, height_mm, active)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (code) DO UPDATE SET name = ?2, tare_g = ?3, length_mm = ?4, width_mm = ?5,
             height_mm = ?6, active = ?7",
        params![saved.code, saved.name, saved.tare_g, d.length, d.width, d.height, saved.active],
    )?;
    ctx.emit(Event::DataChanged { what: Changed::Boxes });
    Ok(saved)
}

fn validate_box(req: &SaveBox) -> Result<PackBox, ApiError> {
    let code = req.code.trim();
    if code.is_empty() || code.chars().any(char::is_whitespace) {
        return Err(ApiError::invalid(format!(
            "box code “{}” must be the box's barcode: non-empty, without spaces",
            req.code
        )));
    }
    let name = req.name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid(format!("box {code} needs a name")));
    }
    limits::WEIGHT_G.check_f64(&format!("the tare of box {code}"), req.tare_g)?;
    let d = req.inner_mm;
    if ![d.length, d.width, d.height].iter().all(|v| v.is_finite() && *v > 0.0) {
        return Err(ApiError::invalid(format!(
            "the inner dimensions of box {code} must all be more than 0 mm"
        )));
    }
    for (field, value) in [("length", d.length), ("width", d.width), ("height", d.height)] {
        limits::LENGTH_MM.check_f64(&format!("the inner {field} of box {code}"), value)?;
    }
    Ok(PackBox {
        code: code.to_owned(),
        name: name.to_owned(),
        tare_g: req.tare_g,
        inner_mm: d,
        active: req.active,
    })
}

/// The active box with this scanned code.
fn find_box(ctx: &Ctx<'_>, code: &str) -> Result<PackBox, ApiError> {
    let code = code.trim();
    let found = ctx
        .tx
        .query_row(
            "SELECT code, name, tare_g, length_mm, width_mm, height_mm, active FROM boxes
             WHERE code = ?1",
            [code],
            box_row,
        )
        .optional()?
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "there is no box “{code}”; scan the barcode on the box, or ask a manager to add it"
            ))
        })?;
    if !found.active {
        return Err(ApiError::invalid(format!(
            "box {code} is retired; pack in another box or ask a manager to reactivate it"
        )));
    }
    Ok(found)
}

/// The box as the audit rules see it.
fn carton(b: &PackBox) -> Carton {
    let d = b.inner_mm;
    Carton { code: b.code.clone(), tare_g: b.tare_g, inner_mm: [d.length, d.width, d.height] }
}

/// The units going into the box, line by line: what has been picked, or before any pick what
/// is still open (ordered, not cancelled, not shipped), so a box can be chosen ahead.
fn order_items(ctx: &Ctx<'_>, order_id: i64) -> Result<Vec<Item>, ApiError> {
    let mut stmt = ctx.tx.prepare_cached(
        "SELECT p.sku, p.name, p.category, p.unit_weight_g, p.length_mm, p.width_mm, p.height_mm,
                CASE WHEN (SELECT sum(picked_qty) FROM order_lines WHERE order_id = ?1) > 0
                     THEN ol.picked_qty ELSE ol.qty - ol.cancelled_qty - ol.shipped_qty END
         FROM order_lines ol JOIN products p ON p.id = ol.product_id
         WHERE ol.order_id = ?1 ORDER BY ol.line_no",
    )?;
    let items = stmt
        .query_map([order_id], |r| {
            let dims: (Option<f64>, Option<f64>, Option<f64>) = (r.get(4)?, r.get(5)?, r.get(6)?);
            Ok(Item {
                sku: r.get(0)?,
                name: r.get(1)?,
                category: r.get(2)?,
                unit_g: r.get(3)?,
                dims_mm: match dims {
                    (Some(l), Some(w), Some(h)) => Some([l, w, h]),
                    _ => None,
                },
                qty: r.get(7)?,
            })
        })?
        // A line with nothing going into the box neither weighs anything nor needs room.
        .filter(|item| item.as_ref().map_or(true, |i| i.qty > 0))
        .collect::<Result<_, _>>()?;
    Ok(items)
}

fn rules(ctx: &Ctx<'_>) -> Result<AuditRules, ApiError> {
    Ok(settings::load(ctx)?.packing)
}

pub fn suggest_box(ctx: &mut Ctx<'_>, req: PackOrder) -> Result<BoxSuggestion, ApiError> {
    let order_id = orders::order_id(ctx, &req.order)?;
    let items = order_items(ctx, order_id)?;
    let boxes = list_boxes(ctx, BoxQuery::default())?;
    let cartons: Vec<Carton> = boxes.iter().map(carton).collect();
    let (fits, missing_dimensions) = match audit::suggest_boxes(&rules(ctx)?, &items, &cartons) {
        Ok(fits) => (fits, Vec::new()),
        Err(missing) => (Vec::new(), missing),
    };
    let fits = fits
        .into_iter()
        .filter_map(|fit| {
            let pack_box = boxes.iter().find(|b| b.code == fit.code)?.clone();
            Some(BoxFit { pack_box, fill_percent: fit.fill_percent })
        })
        .collect();
    Ok(BoxSuggestion { order: orders::number_of(ctx, order_id)?, fits, missing_dimensions })
}

pub fn expected_weight(ctx: &mut Ctx<'_>, req: OrderInBox) -> Result<ExpectedWeight, ApiError> {
    let order_id = orders::order_id(ctx, &req.order)?;
    let pack_box = find_box(ctx, &req.box_code)?;
    let items = order_items(ctx, order_id)?;
    let exp = audit::expect(&rules(ctx)?, &items, &carton(&pack_box));
    Ok(expected_reply(orders::number_of(ctx, order_id)?, &pack_box, &items, &exp))
}

fn expected_reply(
    order: String,
    pack_box: &PackBox,
    items: &[Item],
    exp: &audit::Expectation,
) -> ExpectedWeight {
    ExpectedWeight {
        order,
        box_code: pack_box.code.clone(),
        items: items
            .iter()
            .map(|i| ItemWeight {
                sku: i.sku.clone(),
                name: i.name.clone(),
                category: i.category.clone(),
                qty: i.qty,
                unit_g: i.unit_g,
                total_g: i.unit_g.map(|g| g * i.qty as f64),
            })
            .collect(),
        items_g: exp.items_g,
        tare_g: exp.tare_g,
        allowance_g: exp.allowance_g,
        expected_g: exp.expected_g,
        tolerance_g: exp.tolerance_g,
        min_g: exp.expected_g - exp.tolerance_g,
        max_g: exp.expected_g + exp.tolerance_g,
        cannot_audit: exp.cannot_audit.clone(),
    }
}

/// The order's id, refusing one that is not waiting to be packed.
fn picked_order(ctx: &Ctx<'_>, number: &str, doing: &str) -> Result<i64, ApiError> {
    let order_id = orders::order_id(ctx, number)?;
    let status = orders::status_of(ctx, order_id)?;
    if status != OrderStatus::Picked {
        return Err(ApiError::conflict(format!(
            "order {} is {}; only a picked order can be {doing}",
            number.trim(),
            status.as_str()
        )));
    }
    Ok(order_id)
}

/// Weighs a packed box: every call is logged; a pass packs the order, anything else leaves it
/// picked with the verdict saying why and what to do.
pub fn weigh(ctx: &mut Ctx<'_>, req: Weigh) -> Result<Weighed, ApiError> {
    let order_id = picked_order(ctx, &req.order, "weighed for packing")?;
    let pack_box = find_box(ctx, &req.box_code)?;
    let items = order_items(ctx, order_id)?;
    let exp = audit::expect(&rules(ctx)?, &items, &carton(&pack_box));
    if let Some(grams) = req.grams {
        check_plausible(grams, exp.expected_g)?;
    }
    let taken = reading(ctx, &req)?;
    let facts = taken.facts;
    let verdict = audit::judge(&exp, &facts, &items);
    let id = record(ctx, order_id, &pack_box.code, &exp, &taken, &verdict)?;
    let mut status = OrderStatus::Picked;
    if let Verdict::Pass { delta_g } = verdict {
        let reason = format!(
            "weight audit passed: {:.0} g in box {}, expected {:.0} ± {:.0} g ({delta_g:+.0} g)",
            facts.grams, pack_box.code, exp.expected_g, exp.tolerance_g
        );
        orders::transition(ctx, order_id, OrderStatus::Picked, OrderStatus::Packed, &reason)?;
        status = OrderStatus::Packed;
        ctx.emit(Event::OrderChanged { number: orders::number_of(ctx, order_id)?, status });
    }
    ctx.emit(Event::DataChanged { what: Changed::Weighings });
    Ok(Weighed { weighing: load_weighing(ctx, id)?, verdict, status })
}

/// Refuses a typed weight no package of this order could weigh, such as a barcode scanned into
/// the weight field: it is not a weighing, so nothing is logged. A real package stays well
/// within four times what it should weigh, or ten kilograms over it for a light order.
fn check_plausible(grams: f64, expected_g: f64) -> Result<(), ApiError> {
    let most = (expected_g * 4.0).max(expected_g + 10_000.0);
    if grams.is_finite() && grams <= most {
        return Ok(());
    }
    Err(ApiError::invalid(format!(
        "{} g looks like a barcode, not a weight; type the weight the scale shows (this package \
         should weigh about {:.0} g)",
        backroom_core::limits::shorten(&format!("{grams:.0}"), 16),
        expected_g
    )))
}

/// The reading a verdict rests on, where it came from, and who approved it when typed.
struct Taken {
    facts: ReadingFacts,
    scale: String,
    /// The manager who approved a weight typed at an offline scale, and why.
    typed: Option<(Option<i64>, String)>,
}

/// The reading to judge: the latest of the station's watched scale, or a weight typed at a
/// station without one. A typed weight at a station whose scale is watched stands only while
/// that scale is offline and a manager approves it, so a typed number never stands in for a
/// connected scale.
fn reading(ctx: &mut Ctx<'_>, req: &Weigh) -> Result<Taken, ApiError> {
    let station = people::station_name(ctx)?;
    let watched = station.as_deref().and_then(|name| ctx.scales.reading(name));
    match (watched, req.grams) {
        (Some(seen), None) => {
            Ok(Taken { facts: facts_of(&seen.status), scale: seen.scale, typed: None })
        }
        (Some(seen), Some(grams)) if !facts_of(&seen.status).online => {
            approved_typed(ctx, req, grams, &seen.scale)
        }
        (Some(_), Some(_)) => Err(ApiError::conflict(
            "the scale at this bench is connected: put the package on it; a typed weight is only \
             for a bench whose scale is offline",
        )),
        (None, Some(grams)) => {
            // A scale can show a little below zero, never below minus its capacity.
            limits::WEIGHT_G.check_f64("the typed weight", grams.abs())?;
            let facts = ReadingFacts {
                grams,
                stable: req.stable.unwrap_or(false),
                age_ms: req.age_ms.unwrap_or(0),
                online: req.online.unwrap_or(true),
                range: req.range.unwrap_or(Range::InRange),
            };
            let scale = match req.scale.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                Some(scale) => scale.to_owned(),
                None => station_scale(ctx)?,
            };
            Ok(Taken { facts, scale, typed: None })
        }
        (None, None) => Err(ApiError::invalid(
            "no scale is connected at this station: type the weight the scale shows, or set the \
             station's scale port in Settings",
        )),
    }
}

/// A weight typed while the station's scale is offline: it stands with a manager's approval and
/// a reason, as read off a settled display just now.
fn approved_typed(
    ctx: &mut Ctx<'_>,
    req: &Weigh,
    grams: f64,
    scale: &str,
) -> Result<Taken, ApiError> {
    let reason = req.reason.as_deref().map(str::trim).unwrap_or_default();
    if req.manager.as_deref().is_none_or(|m| m.trim().is_empty()) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "the scale is offline: a manager approves a typed weight with their badge or PIN",
        ));
    }
    if reason.is_empty() {
        return Err(ApiError::invalid(
            "say why the weight is typed; the reason is kept in the audit log",
        ));
    }
    limits::WEIGHT_G.check_f64("the typed weight", grams.abs())?;
    let approver = approver(ctx, req.manager.as_deref(), req.pin.as_deref())?;
    let facts =
        ReadingFacts { grams, stable: true, age_ms: 0, online: true, range: Range::InRange };
    let scale = format!("typed while {scale} was offline");
    Ok(Taken { facts, scale, typed: Some((approver, reason.to_owned())) })
}

/// What the audit needs to know of a scale's status. A scale that is silent, offline or
/// reports a fault is not online: nothing it showed last can be trusted.
fn facts_of(status: &ScaleStatus) -> ReadingFacts {
    ReadingFacts {
        grams: status.grams.unwrap_or(0.0),
        stable: status.state == ScaleState::Stable,
        age_ms: status.age_ms.unwrap_or(u64::MAX),
        online: !matches!(
            status.state,
            ScaleState::Offline | ScaleState::Silent | ScaleState::Asleep | ScaleState::Fault
        ),
        range: match status.state {
            ScaleState::Over => Range::Over,
            ScaleState::Under => Range::Under,
            ScaleState::OutOfRange => Range::OutOfRange,
            _ => Range::InRange,
        },
    }
}

/// The station's scale as configured, for the log when the caller did not name one.
fn station_scale(ctx: &Ctx<'_>) -> Result<String, ApiError> {
    let Some(station_id) = ctx.station_id() else { return Ok(String::new()) };
    let (protocol, port): (Option<String>, Option<String>) = ctx.tx.query_row(
        "SELECT scale_protocol, scale_port FROM stations WHERE id = ?1",
        [station_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok([protocol, port].into_iter().flatten().collect::<Vec<_>>().join(" on "))
}

/// Writes one audit log row.
fn record(
    ctx: &Ctx<'_>,
    order_id: i64,
    box_code: &str,
    exp: &audit::Expectation,
    taken: &Taken,
    verdict: &Verdict,
) -> Result<i64, ApiError> {
    let (typed_by, typed_reason) = match &taken.typed {
        Some((by, reason)) => (*by, Some(reason.as_str())),
        None => (None, None),
    };
    // An order that cannot be audited has no meaningful expectation; logging a partial one
    // would read as a real target.
    let known = exp.cannot_audit.is_empty();
    Ok(ctx.tx.query_row(
        "INSERT INTO weighings (order_id, box_code, expected_g, tolerance_g, actual_g, verdict,
             cause, operator_id, station_id, scale, at, cause_kind, typed_by, typed_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         RETURNING id",
        params![
            order_id,
            box_code,
            known.then_some(exp.expected_g),
            known.then_some(exp.tolerance_g),
            taken.facts.grams,
            verdict.as_str(),
            verdict.cause(),
            ctx.operator_id(),
            ctx.station_id(),
            taken.scale,
            ctx.now_text(),
            verdict.cause_kind().map_or("", CauseKind::as_str),
            typed_by,
            typed_reason
        ],
        |r| r.get(0),
    )?)
}

/// The manager who approves an override or a typed weight: the one whose badge or PIN was
/// given, else the signed-in operator if a manager (`None` for the local command line, which
/// acts as one). Where the store asks managers for badge and PIN together, a badge alone is
/// not enough.
fn approver(
    ctx: &mut Ctx<'_>,
    manager: Option<&str>,
    pin: Option<&str>,
) -> Result<Option<i64>, ApiError> {
    let refused = || {
        ApiError::new(
            ErrorCode::Forbidden,
            "a manager must approve this: a manager scans their badge or types their PIN",
        )
    };
    let Some(credential) = manager.map(str::trim).filter(|m| !m.is_empty()) else {
        return match ctx.actor()?.role {
            Role::Manager => Ok(ctx.operator_id()),
            _ => Err(refused()),
        };
    };
    let id = people::manager_approval(ctx, credential)?.ok_or_else(refused)?;
    if settings::security(ctx)?.managers_need_badge_and_pin {
        second_factor(ctx, id, credential, pin)?;
    }
    Ok(Some(id))
}

/// Where the store asks it, the approving manager gives the badge and the PIN that go together.
fn second_factor(
    ctx: &mut Ctx<'_>,
    manager: i64,
    badge: &str,
    pin: Option<&str>,
) -> Result<(), ApiError> {
    let badge_given: bool = ctx.tx.query_row(
        "SELECT CASE WHEN badge = ?2 THEN 1 ELSE 0 END FROM operators WHERE id = ?1",
        params![manager, badge],
        |r| r.get(0),
    )?;
    if !badge_given {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "this store asks a manager for badge and PIN: scan the badge first, then type the PIN",
        ));
    }
    let Some(pin) = pin.map(str::trim).filter(|p| !p.is_empty()) else {
        return Err(ApiError::new(ErrorCode::PinNeeded, "now the manager types their PIN"));
    };
    if people::manager_approval(ctx, pin)? != Some(manager) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "that PIN does not go with this badge; try again or ask another manager",
        ));
    }
    Ok(())
}

/// A manager packs an order over its last failed weighing, or one that got no verdict or
/// could not be audited, with a reason.
pub fn override_weighing(ctx: &mut Ctx<'_>, req: OverrideWeighing) -> Result<Overridden, ApiError> {
    let reason = req.reason.trim();
    if reason.is_empty() {
        return Err(ApiError::invalid(
            "say why the box may go as it is; the reason is kept in the audit log",
        ));
    }
    let approver = approver(ctx, req.manager.as_deref(), req.pin.as_deref())?;
    let order_id = picked_order(ctx, &req.order, "packed over its weighing")?;
    let id: i64 = ctx
        .tx
        .query_row(
            "SELECT id FROM weighings WHERE order_id = ?1
             AND verdict IN ('fail', 'cannot_audit', 'no_verdict')
             AND override_at IS NULL ORDER BY id DESC LIMIT 1",
            [order_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| {
            ApiError::conflict(format!(
                "order {} has no failed weighing to override; weigh it first",
                req.order.trim()
            ))
        })?;
    ctx.tx.execute(
        "UPDATE weighings SET override_by = ?2, override_reason = ?3, override_at = ?4 WHERE id = ?1",
        params![id, approver, reason, ctx.now_text()],
    )?;
    let why = format!("weight audit overridden: {reason}");
    orders::transition(ctx, order_id, OrderStatus::Picked, OrderStatus::Packed, &why)?;
    let status = OrderStatus::Packed;
    ctx.emit(Event::OrderChanged { number: orders::number_of(ctx, order_id)?, status });
    ctx.emit(Event::DataChanged { what: Changed::Weighings });
    Ok(Overridden { weighing: load_weighing(ctx, id)?, status })
}

const WEIGHING_COLUMNS: &str = "w.id, o.number, w.box_code, w.expected_g, w.tolerance_g,
    w.actual_g, w.verdict, w.cause, op.name, st.name, w.scale, w.at, w.override_at, ov.name,
    w.override_reason, w.cause_kind, ty.name, w.typed_reason
    FROM weighings w JOIN orders o ON o.id = w.order_id
    LEFT JOIN operators op ON op.id = w.operator_id
    LEFT JOIN stations st ON st.id = w.station_id
    LEFT JOIN operators ov ON ov.id = w.override_by
    LEFT JOIN operators ty ON ty.id = w.typed_by";

fn weighing_row(r: &Row<'_>) -> crate::store::Result<Weighing> {
    let verdict: String = r.get(6)?;
    let verdict = VerdictKind::parse(&verdict);
    // A weighing that did not pass, logged before causes were kept, counts as another cause.
    let cause_kind = match CauseKind::from_log(&r.get::<_, String>(15)?) {
        None if verdict != VerdictKind::Pass => Some(CauseKind::Other),
        kind => kind,
    };
    Ok(Weighing {
        id: r.get(0)?,
        order: r.get(1)?,
        box_code: r.get(2)?,
        expected_g: r.get(3)?,
        tolerance_g: r.get(4)?,
        actual_g: r.get(5)?,
        verdict,
        cause: r.get(7)?,
        operator: r.get(8)?,
        station: r.get(9)?,
        scale: r.get(10)?,
        at: r.get(11)?,
        override_at: r.get(12)?,
        override_by: r.get(13)?,
        override_reason: r.get(14)?,
        cause_kind,
        typed_by: r.get(16)?,
        typed_reason: r.get(17)?,
    })
}

fn load_weighing(ctx: &Ctx<'_>, id: i64) -> Result<Weighing, ApiError> {
    let sql = format!("SELECT {WEIGHING_COLUMNS} WHERE w.id = ?1");
    Ok(ctx.tx.query_row(&sql, [id], weighing_row)?)
}

/// The audit log, newest first, optionally of one order or one verdict.
pub fn list_weighings(ctx: &mut Ctx<'_>, q: WeighingQuery) -> Result<Vec<Weighing>, ApiError> {
    let order_id = match &q.order {
        Some(number) if !number.trim().is_empty() => Some(orders::order_id(ctx, number)?),
        _ => None,
    };
    let sql = format!(
        "SELECT {WEIGHING_COLUMNS}
         WHERE (CAST(?1 AS BIGINT) IS NULL OR w.order_id = ?1)
           AND (CAST(?2 AS TEXT) IS NULL OR w.verdict = ?2)
         ORDER BY w.id DESC LIMIT ?3"
    );
    let mut stmt = ctx.tx.prepare(&sql)?;
    let limit = q.limit.unwrap_or(100).min(5000);
    let rows = stmt
        .query_map(params![order_id, q.verdict.map(VerdictKind::as_str), limit], weighing_row)?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Products with no unit weight on orders not yet shipped or cancelled: each blocks its orders'
/// weight audit until a manager enters its weight.
pub fn unweighed_products(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<Vec<UnweighedProduct>, ApiError> {
    let mut stmt = ctx.tx.prepare(
        "SELECT p.sku, p.name, p.category, group_concat(DISTINCT o.number)
         FROM products p JOIN order_lines ol ON ol.product_id = p.id
         JOIN orders o ON o.id = ol.order_id
         WHERE p.unit_weight_g IS NULL AND o.status NOT IN ('shipped', 'cancelled')
           AND ol.qty - ol.cancelled_qty - ol.shipped_qty > 0
         GROUP BY p.id, p.sku, p.name, p.category ORDER BY p.sku",
    )?;
    let rows = stmt
        .query_map([], |r| {
            let numbers: String = r.get(3)?;
            let mut orders: Vec<String> = numbers.split(',').map(str::to_owned).collect();
            orders.sort();
            Ok(UnweighedProduct { sku: r.get(0)?, name: r.get(1)?, category: r.get(2)?, orders })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}
