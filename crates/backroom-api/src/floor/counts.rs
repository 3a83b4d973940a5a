//! Cycle counts: blind counts of bins, recounts on large variances, and a manager's approval
//! that posts the difference to the ledger.
//!
//! A counter never sees what the ledger expects: the task lists show bins, not quantities, and
//! the variance appears only once a round is submitted. A variance over the store's threshold in
//! the first round asks for a second. Nothing reaches the ledger until a manager approves; the
//! approval posts `counted - expected` of the last round, so stock that moved in the meantime
//! is not counted twice. While a count waits, allocation promises nothing new from its bin.

use std::collections::{BTreeMap, BTreeSet};

use crate::store::{OptionalExtension, params};
use backroom_core::ledger::MovementKind;
use backroom_core::people::Role;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::context::Ctx;
use crate::error::ApiError;
use crate::events::{Changed, Event};
use crate::floor::inbound::{self, Place};
use crate::inventory::catalog;
use crate::inventory::stock::{self, Movement, NewMovement};
use crate::inventory::warehouse::LocationKind;
use crate::orders::allocation::{self, AllocationSummary, Scope};

/// Where a count task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CountStatus {
    /// Waiting to be counted.
    Open,
    /// The first round differed too much; waiting for a second.
    Recount,
    /// Counted; waiting for a manager's decision.
    Counted,
    /// A manager posted the difference.
    Approved,
    /// A manager closed it without posting anything.
    Rejected,
}

impl CountStatus {
    pub const ALL: [CountStatus; 5] = [
        CountStatus::Open,
        CountStatus::Recount,
        CountStatus::Counted,
        CountStatus::Approved,
        CountStatus::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CountStatus::Open => "open",
            CountStatus::Recount => "recount",
            CountStatus::Counted => "counted",
            CountStatus::Approved => "approved",
            CountStatus::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<CountStatus> {
        CountStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct CreateCounts {
    /// Bin codes to count.
    #[serde(default)]
    pub bins: Vec<String>,
    /// A code prefix: every active bin whose code starts with it, e.g. `A03` or `A03-2`.
    #[serde(default)]
    pub prefix: Option<String>,
    /// Why; `cycle count` when empty.
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CountsCreated {
    pub created: Vec<CountTask>,
    /// Bins left out because a count of them is already waiting.
    pub already_waiting: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct CountQuery {
    /// Only tasks in this status. Absent: those still waiting for someone (for a manager, also
    /// those waiting for a decision).
    #[serde(default)]
    pub status: Option<CountStatus>,
    #[serde(default)]
    pub limit: Option<u32>,
}

/// A count of one bin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CountTask {
    pub id: i64,
    pub bin: String,
    pub status: CountStatus,
    pub reason: String,
    pub created_at: String,
    pub created_by: Option<String>,
    /// Rounds counted so far.
    pub rounds: u32,
    pub decided_at: Option<String>,
    pub decided_by: Option<String>,
    pub decision: String,
    /// The last round with its variances. Only a manager sees them: for anyone else the count
    /// is blind and this is empty.
    pub lines: Vec<CountLine>,
}

/// One product of a count round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CountLine {
    pub sku: String,
    pub name: String,
    pub counted: i64,
    /// What the ledger held when the round was submitted.
    pub expected: i64,
    /// `counted - expected`: more found is positive.
    pub variance: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SubmitCount {
    pub task: i64,
    /// What is in the bin. A product the ledger holds there and the counter left out counts as
    /// 0; a product named twice counts as the sum, as when it sits in two spots of the bin.
    pub lines: Vec<CountedQty>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CountedQty {
    /// The scanned barcode or the SKU.
    pub product: String,
    pub qty: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CountSubmitted {
    pub task: i64,
    pub bin: String,
    pub round: u32,
    /// `recount` when this round differed too much and the bin is to be counted again;
    /// otherwise `counted`, waiting for a manager.
    pub status: CountStatus,
    /// This round against the ledger, now that it is in. Empty when the bin is to be counted
    /// again: the ledger's figures would make the second round no longer blind.
    pub lines: Vec<CountLine>,
    /// When the bin is to be counted again, the SKUs whose count differed, without figures.
    pub differs: Vec<String>,
    pub message: String,
}

/// A manager's decision on a count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CountDecision {
    /// Post the difference of the last round to the ledger.
    Approve,
    /// Close the task with no movement.
    Reject,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct DecideCount {
    pub task: i64,
    pub decision: CountDecision,
    /// Why; required to reject.
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CountDecided {
    pub task: CountTask,
    /// The `count` movements posted; none for a rejection or a count that matched.
    pub movements: Vec<Movement>,
    /// Waiting orders served once the bin could promise again.
    pub allocation: AllocationSummary,
}

/// A task as the commands work on it.
struct Task {
    id: i64,
    bin: Place,
    status: CountStatus,
}

/// One product of a round, by id, before it is shown.
struct Tally {
    product_id: i64,
    counted: i64,
    expected: i64,
}

/// Raises a count task for a bin unless one is already waiting; returns the task's id.
pub fn raise(ctx: &Ctx<'_>, location_id: i64, reason: &str) -> Result<i64, ApiError> {
    match waiting_task(ctx, location_id)? {
        Some(id) => Ok(id),
        None => insert_task(ctx, location_id, reason),
    }
}

/// The count of a bin still open, being recounted or waiting for a decision.
fn waiting_task(ctx: &Ctx<'_>, location_id: i64) -> Result<Option<i64>, ApiError> {
    Ok(ctx
        .tx
        .query_row(
            "SELECT id FROM count_tasks WHERE location_id = ?1
             AND status IN ('open', 'recount', 'counted') ORDER BY id LIMIT 1",
            [location_id],
            |r| r.get(0),
        )
        .optional()?)
}

fn insert_task(ctx: &Ctx<'_>, location_id: i64, reason: &str) -> Result<i64, ApiError> {
    Ok(ctx.tx.query_row(
        "INSERT INTO count_tasks (location_id, status, reason, created_at, created_by)
         VALUES (?1, 'open', ?2, ?3, ?4) RETURNING id",
        params![location_id, reason, ctx.now_text(), ctx.operator_id()],
        |r| r.get(0),
    )?)
}

/// Raises one count task per bin named or matched, leaving out bins already waiting for one.
pub fn create_counts(ctx: &mut Ctx<'_>, req: CreateCounts) -> Result<CountsCreated, ApiError> {
    let bins = bins_to_count(ctx, &req)?;
    let reason = match req.reason.trim() {
        "" => "cycle count",
        reason => reason,
    };
    let mut created = Vec::new();
    let mut already_waiting = Vec::new();
    for bin in bins {
        if waiting_task(ctx, bin.id)?.is_some() {
            already_waiting.push(bin.code);
            continue;
        }
        let id = insert_task(ctx, bin.id, reason)?;
        created.push(load_task(ctx, id, true)?);
    }
    ctx.emit(Event::DataChanged { what: Changed::Counts });
    Ok(CountsCreated { created, already_waiting })
}

/// The bins a request names, each once, in code order.
fn bins_to_count(ctx: &Ctx<'_>, req: &CreateCounts) -> Result<Vec<Place>, ApiError> {
    let mut bins: BTreeMap<String, Place> = BTreeMap::new();
    for code in req.bins.iter().filter(|c| !c.trim().is_empty()) {
        let bin = inbound::pick_bin(ctx, code, "a cycle count")?;
        bins.insert(bin.code.clone(), bin);
    }
    if let Some(prefix) = req.prefix.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        for bin in bins_with_prefix(ctx, prefix)? {
            bins.insert(bin.code.clone(), bin);
        }
    }
    if bins.is_empty() {
        return Err(ApiError::invalid(
            "name the bins to count, or a bin code prefix such as A03 for a whole aisle",
        ));
    }
    Ok(bins.into_values().collect())
}

fn bins_with_prefix(ctx: &Ctx<'_>, prefix: &str) -> Result<Vec<Place>, ApiError> {
    let prefix = prefix.to_ascii_uppercase();
    let mut stmt = ctx.tx.prepare(
        "SELECT id, code FROM locations WHERE kind = 'bin' AND active = 1
         AND substr(code, 1, length(?1)) = ?1 ORDER BY code",
    )?;
    let bins: Vec<Place> = stmt
        .query_map([&prefix], |r| {
            Ok(Place { id: r.get(0)?, code: r.get(1)?, kind: LocationKind::Bin })
        })?
        .collect::<Result<_, _>>()?;
    if bins.is_empty() {
        return Err(ApiError::not_found(format!(
            "no active bin code starts with “{prefix}”; bin codes look like A03-1-07-L"
        )));
    }
    Ok(bins)
}

/// Count tasks, in bin order so a counter can walk them. A manager sees the last round of each;
/// anyone else sees only which bins to count.
pub fn list_counts(ctx: &mut Ctx<'_>, q: CountQuery) -> Result<Vec<CountTask>, ApiError> {
    let manager = ctx.actor()?.role == Role::Manager;
    let statuses: Vec<&str> = match q.status {
        Some(status) => vec![status.as_str()],
        None if manager => vec!["open", "recount", "counted"],
        None => vec!["open", "recount"],
    };
    let statuses = crate::store::json_list(&statuses);
    let mut stmt = ctx.tx.prepare(
        "SELECT c.id FROM count_tasks c JOIN locations l ON l.id = c.location_id
         WHERE c.status IN (SELECT value FROM json_each(?1))
         ORDER BY l.code, c.id LIMIT ?2",
    )?;
    let ids: Vec<i64> = stmt
        .query_map(params![statuses, q.limit.unwrap_or(500).min(10_000)], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    drop(stmt);
    ids.into_iter().map(|id| load_task(ctx, id, manager)).collect()
}

/// One task as listed; `reveal` adds the last round's lines.
fn load_task(ctx: &Ctx<'_>, id: i64, reveal: bool) -> Result<CountTask, ApiError> {
    let mut task = ctx.tx.query_row(
        "SELECT c.id, l.code, c.status, c.reason, c.created_at, cb.name, c.decided_at, db.name,
                c.decision,
                (SELECT coalesce(max(round), 0) FROM count_lines WHERE task_id = c.id)
         FROM count_tasks c JOIN locations l ON l.id = c.location_id
         LEFT JOIN operators cb ON cb.id = c.created_by
         LEFT JOIN operators db ON db.id = c.decided_by
         WHERE c.id = ?1",
        [id],
        |r| {
            let status: String = r.get(2)?;
            Ok(CountTask {
                id: r.get(0)?,
                bin: r.get(1)?,
                status: CountStatus::parse(&status).unwrap_or(CountStatus::Open),
                reason: r.get(3)?,
                created_at: r.get(4)?,
                created_by: r.get(5)?,
                decided_at: r.get(6)?,
                decided_by: r.get(7)?,
                decision: r.get(8)?,
                rounds: r.get(9)?,
                lines: Vec::new(),
            })
        },
    )?;
    if reveal && task.rounds > 0 {
        task.lines = round_lines(ctx, id, task.rounds)?;
    }
    Ok(task)
}

/// One round of a task, shown with SKUs.
fn round_lines(ctx: &Ctx<'_>, task: i64, round: u32) -> Result<Vec<CountLine>, ApiError> {
    let mut stmt = ctx.tx.prepare_cached(
        "SELECT p.sku, p.name, c.counted, c.expected FROM count_lines c
         JOIN products p ON p.id = c.product_id
         WHERE c.task_id = ?1 AND c.round = ?2 ORDER BY p.sku",
    )?;
    let lines = stmt
        .query_map(params![task, round], |r| {
            let (counted, expected): (i64, i64) = (r.get(2)?, r.get(3)?);
            Ok(CountLine {
                sku: r.get(0)?,
                name: r.get(1)?,
                counted,
                expected,
                variance: counted - expected,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(lines)
}

fn task(ctx: &Ctx<'_>, id: i64) -> Result<Task, ApiError> {
    let row: Option<(i64, String, String)> = ctx
        .tx
        .query_row(
            "SELECT c.location_id, l.code, c.status FROM count_tasks c
             JOIN locations l ON l.id = c.location_id WHERE c.id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let (location_id, code, status) = row.ok_or_else(|| {
        ApiError::not_found(format!("there is no count task #{id}; check the task list"))
    })?;
    Ok(Task {
        id,
        bin: Place { id: location_id, code, kind: LocationKind::Bin },
        status: CountStatus::parse(&status).unwrap_or(CountStatus::Open),
    })
}

/// Records one round of a count: what was found against what the ledger holds right now. A
/// first round that differs too much asks for a recount; otherwise a manager decides.
pub fn submit_count(ctx: &mut Ctx<'_>, req: SubmitCount) -> Result<CountSubmitted, ApiError> {
    let task = task(ctx, req.task)?;
    if !matches!(task.status, CountStatus::Open | CountStatus::Recount) {
        return Err(ApiError::conflict(format!(
            "count #{} of {} is {}, so it takes no more counting; {}",
            task.id,
            task.bin.code,
            task.status.as_str(),
            if task.status == CountStatus::Counted {
                "a manager approves or rejects it now"
            } else {
                "ask a manager for a new count of the bin"
            }
        )));
    }
    let counted = counted_quantities(ctx, &req.lines)?;
    let tallies = tally(counted, on_hand_in(ctx, task.bin.id)?);
    let round = rounds_of(ctx, task.id)? + 1;
    for t in &tallies {
        ctx.tx.execute(
            "INSERT INTO count_lines (task_id, round, product_id, counted, expected, counted_at, counted_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![task.id, round, t.product_id, t.counted, t.expected, ctx.now_text(), ctx.operator_id()],
        )?;
    }
    let rules = crate::admin::settings::load(ctx)?.stock;
    let recount = round == 1 && tallies.iter().any(|t| rules.needs_recount(t.expected, t.counted));
    let status = if recount { CountStatus::Recount } else { CountStatus::Counted };
    set_status(ctx, task.id, status)?;
    ctx.emit(Event::DataChanged { what: Changed::Counts });
    let lines = round_lines(ctx, task.id, round)?;
    let differs = lines.iter().filter(|l| l.variance != 0).map(|l| l.sku.clone()).collect();
    Ok(CountSubmitted {
        task: task.id,
        bin: task.bin.code.clone(),
        round,
        status,
        lines: if recount { Vec::new() } else { lines },
        differs: if recount { differs } else { Vec::new() },
        message: if recount {
            format!(
                "{} differs from the ledger by more than allowed; count it again. What the \
                 ledger holds stays hidden until the second count is in",
                task.bin.code
            )
        } else {
            format!("count of {} is in; a manager approves it", task.bin.code)
        },
    })
}

/// The counter's lines as product to quantity; unknown products and negative counts are refused
/// naming the line.
fn counted_quantities(ctx: &Ctx<'_>, lines: &[CountedQty]) -> Result<BTreeMap<i64, i64>, ApiError> {
    let mut counted = BTreeMap::new();
    for (i, line) in lines.iter().enumerate() {
        let at = |message: String| format!("line {} of the count: {message}", i + 1);
        backroom_core::limits::COUNTED
            .check("the count", line.qty)
            .map_err(|e| ApiError::invalid(at(e.to_string())))?;
        let product_id = catalog::resolve(ctx, &line.product)
            .map_err(|e| ApiError::new(e.code, at(e.message)))?;
        let total = counted.entry(product_id).or_insert(0);
        *total = backroom_core::limits::COUNTED
            .check("the count of one product", *total + line.qty)
            .map_err(|e| ApiError::invalid(at(e.to_string())))?;
    }
    Ok(counted)
}

/// What the ledger holds in a location, product by product.
fn on_hand_in(ctx: &Ctx<'_>, location_id: i64) -> Result<BTreeMap<i64, i64>, ApiError> {
    let mut stmt = ctx.tx.prepare_cached(
        "SELECT product_id, on_hand FROM stock WHERE location_id = ?1 AND on_hand > 0",
    )?;
    let held =
        stmt.query_map([location_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    Ok(held)
}

/// Every product either counted or held: what the counter did not list, they did not find.
fn tally(counted: BTreeMap<i64, i64>, held: BTreeMap<i64, i64>) -> Vec<Tally> {
    let products: BTreeSet<i64> = counted.keys().chain(held.keys()).copied().collect();
    products
        .into_iter()
        .map(|product_id| Tally {
            product_id,
            counted: counted.get(&product_id).copied().unwrap_or(0),
            expected: held.get(&product_id).copied().unwrap_or(0),
        })
        .collect()
}

fn rounds_of(ctx: &Ctx<'_>, task: i64) -> Result<u32, ApiError> {
    Ok(ctx.tx.query_row(
        "SELECT coalesce(max(round), 0) FROM count_lines WHERE task_id = ?1",
        [task],
        |r| r.get(0),
    )?)
}

fn set_status(ctx: &Ctx<'_>, task: i64, status: CountStatus) -> Result<(), ApiError> {
    ctx.tx.execute(
        "UPDATE count_tasks SET status = ?2 WHERE id = ?1",
        params![task, status.as_str()],
    )?;
    Ok(())
}

/// A manager's decision: approving posts the last round's variances, rejecting closes the task.
/// Either way the bin can promise stock again, so the orders waiting for its products are served.
pub fn decide_count(ctx: &mut Ctx<'_>, req: DecideCount) -> Result<CountDecided, ApiError> {
    let task = task(ctx, req.task)?;
    let movements = match req.decision {
        CountDecision::Approve => approve(ctx, &task, req.note.trim())?,
        CountDecision::Reject => {
            reject(ctx, &task, req.note.trim())?;
            Vec::new()
        }
    };
    let products = products_of(ctx, &task)?;
    let allocation = allocation::run(ctx, Scope::Products(products))?;
    let skus = movements.iter().map(|m| m.sku.clone()).collect::<BTreeSet<_>>();
    if !skus.is_empty() {
        ctx.emit(Event::StockChanged { skus: skus.into_iter().collect() });
    }
    ctx.emit(Event::DataChanged { what: Changed::Counts });
    Ok(CountDecided { task: load_task(ctx, task.id, true)?, movements, allocation })
}

fn approve(ctx: &mut Ctx<'_>, task: &Task, note: &str) -> Result<Vec<Movement>, ApiError> {
    match task.status {
        CountStatus::Counted => {}
        CountStatus::Recount => {
            return Err(ApiError::conflict(format!(
                "count #{} of {} waits for its recount; approve it after the second round, or reject it",
                task.id, task.bin.code
            )));
        }
        status => {
            return Err(ApiError::conflict(format!(
                "count #{} of {} is {}; only a counted bin can be approved",
                task.id,
                task.bin.code,
                status.as_str()
            )));
        }
    }
    let round = rounds_of(ctx, task.id)?;
    let tallies = round_tallies(ctx, task.id, round)?;
    check_still_possible(ctx, task, &tallies)?;
    close(ctx, task, CountStatus::Approved, note)?;
    let mut movements = Vec::new();
    for t in tallies.iter().filter(|t| t.counted != t.expected) {
        movements.push(post_variance(ctx, task, t)?);
    }
    Ok(movements)
}

fn reject(ctx: &Ctx<'_>, task: &Task, note: &str) -> Result<(), ApiError> {
    if matches!(task.status, CountStatus::Approved | CountStatus::Rejected) {
        return Err(ApiError::conflict(format!(
            "count #{} of {} is already {}",
            task.id,
            task.bin.code,
            task.status.as_str()
        )));
    }
    if note.is_empty() {
        return Err(ApiError::invalid(format!("say why count #{} is rejected", task.id)));
    }
    close(ctx, task, CountStatus::Rejected, note)
}

fn close(ctx: &Ctx<'_>, task: &Task, status: CountStatus, note: &str) -> Result<(), ApiError> {
    ctx.tx.execute(
        "UPDATE count_tasks SET status = ?2, decided_at = ?3, decided_by = ?4, decision = ?5
         WHERE id = ?1",
        params![task.id, status.as_str(), ctx.now_text(), ctx.operator_id(), note],
    )?;
    Ok(())
}

fn round_tallies(ctx: &Ctx<'_>, task: i64, round: u32) -> Result<Vec<Tally>, ApiError> {
    let mut stmt = ctx.tx.prepare(
        "SELECT product_id, counted, expected FROM count_lines
         WHERE task_id = ?1 AND round = ?2 ORDER BY product_id",
    )?;
    let tallies = stmt
        .query_map(params![task, round], |r| {
            Ok(Tally { product_id: r.get(0)?, counted: r.get(1)?, expected: r.get(2)? })
        })?
        .collect::<Result<_, _>>()?;
    Ok(tallies)
}

/// A shortfall is taken off what the bin holds now. If stock left the bin after the count, so
/// much that the shortfall would leave less than nothing, the count no longer describes the bin.
fn check_still_possible(ctx: &Ctx<'_>, task: &Task, tallies: &[Tally]) -> Result<(), ApiError> {
    let now = on_hand_in(ctx, task.bin.id)?;
    for t in tallies {
        let on_hand = now.get(&t.product_id).copied().unwrap_or(0);
        if on_hand + t.counted - t.expected < 0 {
            let sku = inbound::sku_of(ctx, t.product_id)?;
            return Err(ApiError::conflict(format!(
                "{sku} in {} went from {} to {on_hand} since count #{} was taken, so its \
                 shortfall of {} no longer fits; reject this count and count the bin again",
                task.bin.code,
                t.expected,
                task.id,
                t.expected - t.counted
            )));
        }
    }
    Ok(())
}

/// Posts one product's variance as a `count` movement into or out of the bin.
fn post_variance(ctx: &mut Ctx<'_>, task: &Task, t: &Tally) -> Result<Movement, ApiError> {
    let sku = inbound::sku_of(ctx, t.product_id)?;
    let variance = t.counted - t.expected;
    let (from, to) = if variance > 0 {
        (None, Some(task.bin.code.clone()))
    } else {
        (Some(task.bin.code.clone()), None)
    };
    let id = stock::record(
        ctx,
        &NewMovement {
            kind: MovementKind::Count,
            product: sku.clone(),
            qty: variance.abs(),
            from,
            to,
            reason: format!("cycle count #{}", task.id),
            order: None,
        },
    )?;
    // Fewer found than reserved: the orders last in line give up their promise here and are
    // served again from other bins, or wait.
    if variance < 0 {
        allocation::fit_to_bin(ctx, t.product_id, task.bin.id)?;
    }
    inbound::recorded(ctx, id, &sku)
}

/// Every product of a count's bin: those counted in any round and those it holds now.
fn products_of(ctx: &Ctx<'_>, task: &Task) -> Result<Vec<i64>, ApiError> {
    let mut stmt = ctx.tx.prepare(
        "SELECT product_id FROM count_lines WHERE task_id = ?1
         UNION SELECT product_id FROM stock WHERE location_id = ?2 AND on_hand > 0",
    )?;
    let products =
        stmt.query_map([task.id, task.bin.id], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(products)
}
