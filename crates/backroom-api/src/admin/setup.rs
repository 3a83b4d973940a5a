//! Setting up a real warehouse from a station, step by step: the store, its first manager and
//! team, stations, boxes, the layout, products, opening stock and orders.
//!
//! Where the wizard stands is read from the data itself (a product exists, a bin holds stock),
//! so a manager who leaves half-way resumes at the first step not done, on any station. The one
//! thing recorded apart is that setting up began and ended, under the `setup` key of the
//! settings table, so that a warehouse built another way (the demo, the command line) is never
//! walked through it.
//!
//! Nobody can act in a new database: every command needs a signed-in operator, and there is no
//! operator yet. So exactly one step is open to an anonymous caller, creating the first manager
//! ([`create_first_manager`]), and only while the database has no operator at all; it signs
//! that manager in, and every later step is an ordinary manager's command.

use crate::store::{OptionalExtension, params};
use backroom_core::layout::Layout;
use backroom_core::people::Role;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::admin::people::{self, SaveOperator, Session, SignIn, Station};
use crate::context::{Ctx, NoArgs};
use crate::error::ApiError;
use crate::inventory::warehouse::{self, LayoutInfo, LocationKind, SaveArea, SetLayout};

/// A step of setting up, in the order the wizard walks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SetupStep {
    /// Store name, time zone, currency and weight unit.
    Store,
    /// The first manager (and then the rest of the team).
    People,
    Stations,
    /// Box types, which packing weighs against.
    Boxes,
    Layout,
    Products,
    /// Opening stock, imported or waiting to be counted.
    Stock,
    Orders,
}

const STEPS: [SetupStep; 8] = [
    SetupStep::Store,
    SetupStep::People,
    SetupStep::Stations,
    SetupStep::Boxes,
    SetupStep::Layout,
    SetupStep::Products,
    SetupStep::Stock,
    SetupStep::Orders,
];

/// One step and whether the data shows it done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StepProgress {
    pub step: SetupStep,
    pub done: bool,
    /// How many of the step's things there are: operators, stations, boxes, bins, products,
    /// places holding stock (or bins waiting to be counted), orders; 1 for saved store settings.
    /// Told to a manager only; anyone else learns only which steps are done.
    pub count: u32,
}

/// Where setting up stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SetupProgress {
    /// Every step, in order.
    pub steps: Vec<StepProgress>,
    /// The first step not done, where the wizard resumes; none when every step is done.
    pub next: Option<SetupStep>,
    /// Whether a station should show the wizard: nobody can sign in yet, or setting up began
    /// with the first manager and the manager has not yet said it is done.
    pub open: bool,
}

/// The first manager of a new warehouse, and the station this terminal is, where they sign in.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct FirstManager {
    pub name: String,
    #[serde(default)]
    pub badge: Option<String>,
    /// 4 to 8 digits, so the manager can sign in without a badge printed yet.
    pub pin: String,
    /// This terminal's station, made if it does not exist, such as `Office`.
    pub station: String,
}

/// A simple pick area to start from, which the manager can change later in Manage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LayoutTemplate {
    /// `small`, `medium` or `large`.
    pub key: String,
    pub title: String,
    /// One line for the person choosing.
    pub description: String,
    pub layout: Layout,
    pub bins: u32,
}

/// The layout chosen in setup: a template's or one pasted or uploaded as JSON.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SetupLayout {
    pub layout: Layout,
}

/// The areas every warehouse needs besides its bins: goods arrive, are packed, leave, are held
/// back or come back. Picks go to the packing area, so without it nothing can be picked.
const STANDARD_AREAS: [(&str, LocationKind); 5] = [
    ("RECEIVING", LocationKind::Receiving),
    ("PACKING", LocationKind::Packing),
    ("SHIPPING", LocationKind::Shipping),
    ("QUARANTINE", LocationKind::Quarantine),
    ("RETURNS", LocationKind::Returns),
];

/// The settings key that records when setting up began and ended.
const SETUP_KEY: &str = "setup";

/// When setting up began and ended, as kept under [`SETUP_KEY`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct SetupRecord {
    started_at: Option<String>,
    finished_at: Option<String>,
    finished_by: Option<i64>,
}

pub fn setup_progress(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<SetupProgress, ApiError> {
    progress(ctx)
}

fn progress(ctx: &Ctx<'_>) -> Result<SetupProgress, ApiError> {
    let manager = ctx.actor.as_ref().is_some_and(|a| a.role == Role::Manager);
    let mut steps = Vec::with_capacity(STEPS.len());
    for step in STEPS {
        let count = step_count(ctx, step)?;
        steps.push(StepProgress { step, done: count > 0, count: if manager { count } else { 0 } });
    }
    let next = steps.iter().find(|s| !s.done).map(|s| s.step);
    let record = record(ctx)?;
    let nobody: bool =
        ctx.query_row("SELECT NOT EXISTS (SELECT 1 FROM operators)", [], |r| r.get(0))?;
    let open = nobody || (record.started_at.is_some() && record.finished_at.is_none());
    Ok(SetupProgress { steps, next, open })
}

/// How many things of a step the data holds; the step is done when there is at least one.
fn step_count(ctx: &Ctx<'_>, step: SetupStep) -> Result<u32, ApiError> {
    let sql = match step {
        SetupStep::Store => "SELECT count(*) FROM settings WHERE key = 'store'",
        SetupStep::People => {
            "SELECT count(*) FROM operators WHERE active = 1
               AND EXISTS (SELECT 1 FROM operators WHERE role = 'manager' AND active = 1)"
        }
        SetupStep::Stations => "SELECT count(*) FROM stations",
        SetupStep::Boxes => "SELECT count(*) FROM boxes WHERE active = 1",
        SetupStep::Layout => "SELECT count(*) FROM locations WHERE kind = 'bin' AND active = 1",
        SetupStep::Products => "SELECT count(*) FROM products",
        // Opening stock is in once some place holds stock, or while bins wait to be counted.
        SetupStep::Stock => {
            "SELECT (SELECT count(*) FROM stock WHERE on_hand > 0)
                  + (SELECT count(*) FROM count_tasks WHERE status IN ('open', 'recount', 'counted'))"
        }
        SetupStep::Orders => "SELECT count(*) FROM orders",
    };
    Ok(ctx.query_row(sql, [], |r| r.get(0))?)
}

fn record(ctx: &Ctx<'_>) -> Result<SetupRecord, ApiError> {
    let text: Option<String> = ctx
        .query_row("SELECT value FROM settings WHERE key = ?1", [SETUP_KEY], |r| r.get(0))
        .optional()?;
    // A record that does not read is treated as none: it only decides whether to offer the wizard.
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default())
}

fn write_record(ctx: &Ctx<'_>, record: &SetupRecord) -> Result<(), ApiError> {
    let text = serde_json::to_string(record)
        .map_err(|e| ApiError::storage(format!("cannot encode the setup record: {e}")))?;
    ctx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = ?2",
        params![SETUP_KEY, text],
    )?;
    Ok(())
}

/// Creates the first manager and signs them in at this terminal's station. Open to anyone, but
/// only while the database has no operator at all: once anyone exists, people are added by a
/// signed-in manager. Commands run one at a time in the writer's transaction, so of two
/// stations racing to create the first manager, the second finds the first and is refused.
pub fn create_first_manager(ctx: &mut Ctx<'_>, req: FirstManager) -> Result<Session, ApiError> {
    let anyone: bool =
        ctx.query_row("SELECT EXISTS (SELECT 1 FROM operators)", [], |r| r.get(0))?;
    if anyone {
        return Err(ApiError::conflict(
            "this warehouse already has its people; sign in, and a manager adds anyone else",
        ));
    }
    if req.pin.trim().is_empty() {
        return Err(ApiError::invalid("the first manager needs a PIN of 4 to 8 digits"));
    }
    let no_badge = req.badge.as_deref().is_none_or(|b| b.trim().is_empty());
    if no_badge && crate::admin::settings::security(ctx)?.managers_need_badge_and_pin {
        return Err(ApiError::invalid(
            "this store asks managers for a badge and a PIN: give the first manager a badge too",
        ));
    }
    let station = req.station.trim();
    let known: bool =
        ctx.query_row("SELECT EXISTS (SELECT 1 FROM stations WHERE name = ?1)", [station], |r| {
            r.get(0)
        })?;
    if !known {
        people::save_station(
            ctx,
            Station {
                name: station.to_owned(),
                scale: None,
                printer: None,
                scale_at: None,
                printer_at: None,
            },
        )?;
    }
    let manager = people::save_operator(
        ctx,
        SaveOperator {
            id: None,
            name: req.name,
            role: Role::Manager,
            badge: req.badge,
            pin: Some(req.pin.clone()),
            active: true,
            language: None,
        },
    )?;
    // Badge and PIN together where there is a badge, which passes even a store that asks
    // managers for both.
    let sign_in = match manager.badge {
        Some(badge) => {
            SignIn { station: station.to_owned(), credential: badge, pin: Some(req.pin) }
        }
        None => SignIn { station: station.to_owned(), credential: req.pin, pin: None },
    };
    let session = people::sign_in(ctx, sign_in)?;
    let mut record = record(ctx)?;
    record.started_at.get_or_insert_with(|| ctx.now_text());
    write_record(ctx, &record)?;
    Ok(session)
}

/// The simple layouts a manager can start from: parallel aisles with a cross aisle at each
/// end and the packing bench at the front of aisle 1.
pub fn templates() -> Vec<LayoutTemplate> {
    let aisles = |key: &str, title: &str, description: &str, aisles, blocks, slots| {
        let layout = Layout {
            name: title.to_owned(),
            aisles,
            blocks,
            slots_per_side: slots,
            slot_length_m: 1.2,
            aisle_pitch_m: 3.0,
            cross_aisle_m: 2.0,
            depot_x_m: 0.0,
        };
        LayoutTemplate {
            key: key.to_owned(),
            title: title.to_owned(),
            description: description.to_owned(),
            bins: aisles * blocks * slots * 2,
            layout,
        }
    };
    vec![
        aisles("small", "Small stockroom", "4 aisles, 1 block, 10 slots a side", 4, 1, 10),
        aisles("medium", "Medium warehouse", "8 aisles, 2 blocks, 10 slots a side", 8, 2, 10),
        aisles("large", "Large warehouse", "16 aisles, 3 blocks, 12 slots a side", 16, 3, 12),
    ]
}

pub fn layout_templates(_: &mut Ctx<'_>, _: NoArgs) -> Result<Vec<LayoutTemplate>, ApiError> {
    Ok(templates())
}

/// Sets the layout and adds each standard area the warehouse does not have yet.
pub fn setup_layout(ctx: &mut Ctx<'_>, req: SetupLayout) -> Result<LayoutInfo, ApiError> {
    warehouse::set_layout(ctx, SetLayout { layout: req.layout })?;
    for (code, kind) in STANDARD_AREAS {
        let present: bool = ctx.query_row(
            "SELECT EXISTS (SELECT 1 FROM locations WHERE kind = ?1 AND active = 1)",
            [kind.as_str()],
            |r| r.get(0),
        )?;
        if !present {
            warehouse::save_area(ctx, SaveArea { code: code.to_owned(), kind })?;
        }
    }
    warehouse::get_layout(ctx, NoArgs {})
}

/// The manager is done setting up: stations show Home from now on, whatever steps were left.
pub fn finish_setup(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<SetupProgress, ApiError> {
    let mut record = record(ctx)?;
    record.started_at.get_or_insert_with(|| ctx.now_text());
    record.finished_at = Some(ctx.now_text());
    record.finished_by = ctx.operator_id();
    write_record(ctx, &record)?;
    progress(ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_a_valid_layout_with_the_bins_it_says() {
        let templates = templates();
        assert_eq!(
            templates.iter().map(|t| t.key.as_str()).collect::<Vec<_>>(),
            ["small", "medium", "large"]
        );
        for t in &templates {
            t.layout.validate().unwrap_or_else(|e| panic!("{}: {e}", t.key));
            assert_eq!(t.bins as usize, t.layout.bins().count(), "{}", t.key);
        }
        assert!(templates.windows(2).all(|w| w[0].bins < w[1].bins), "smallest first");
    }
}
