//! Store-wide settings, one typed section per concern, each stored as JSON under its own key in
//! the `settings` table. A section missing from the database, or a field missing from a stored
//! section, takes its default, so a new field or section needs no migration.

use crate::store::{OptionalExtension, params};
use backroom_core::allocation::BackorderPolicy;
use backroom_core::audit::AuditRules;
use backroom_core::screening::HoldRules;
use backroom_core::slip::PageSize;
use backroom_core::weight::WeightUnit;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::context::{Ctx, NoArgs};
use crate::error::ApiError;
use crate::events::{Changed, Event};

/// All settings, by section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Settings {
    /// Where the store is and how it counts: time zone, currency, weight unit.
    pub store: StoreSettings,
    pub slip: SlipSettings,
    /// The screening rules every new or changed order passes before release.
    pub holds: HoldRules,
    pub orders: OrderSettings,
    /// Who collects the packages of orders that name no carrier.
    pub shipping: ShippingSettings,
    pub stock: StockSettings,
    /// The weight audit at packing: tolerances, the packing-material allowance, overrides per
    /// product category and per box, and how full a suggested box may be.
    pub packing: AuditRules,
    pub planning: PlanningSettings,
    /// The rules that guard the audit and sign-in.
    pub security: SecuritySettings,
}

/// Where the store is and how it counts. Times are stored in UTC and weights in grams; these
/// say how screens, slips and reports show them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct StoreSettings {
    /// The store's time zone: an IANA name such as `Europe/Berlin`, or `UTC`.
    pub time_zone: String,
    /// The store's own currency (ISO 4217, such as `USD`), for orders that name none.
    pub currency: String,
    /// The unit weights are shown in; a store in pounds sees pounds and ounces.
    pub weight_unit: WeightUnit,
    /// The country parcels are sent from (ISO 3166 alpha-2, such as `GB`): a slip to an
    /// address there carries no country line. When not said, every slip names the country.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub country: Option<String>,
}

impl Default for StoreSettings {
    fn default() -> Self {
        StoreSettings {
            time_zone: "UTC".into(),
            currency: "USD".into(),
            weight_unit: WeightUnit::G,
            country: None,
        }
    }
}

impl StoreSettings {
    /// The store's zone; UTC for a name that does not read, which saving refuses anyway.
    pub fn zone(&self) -> chrono_tz::Tz {
        self.time_zone.parse().unwrap_or(chrono_tz::UTC)
    }

    /// A stored time (RFC 3339) as the store's wall clock reads it; text that is not a time
    /// comes back as it is.
    pub fn local(&self, stored: &str) -> Option<chrono::DateTime<chrono_tz::Tz>> {
        crate::time::parse(stored).map(|at| at.with_timezone(&self.zone()))
    }

    /// The store's date of a stored time (`2026-12-06`): what "today" and a slip's dates mean.
    pub fn date_of(&self, stored: &str) -> String {
        match self.local(stored) {
            Some(at) => at.format("%Y-%m-%d").to_string(),
            None => stored.chars().take(10).collect(),
        }
    }

    /// Date and time on the store's clock, to the minute: `2026-12-06 17:05`.
    pub fn date_time_of(&self, stored: &str) -> String {
        match self.local(stored) {
            Some(at) => at.format("%Y-%m-%d %H:%M").to_string(),
            None => stored.to_owned(),
        }
    }

    /// The store's time of day of a stored time: `17:05`.
    pub fn time_of(&self, stored: &str) -> String {
        match self.local(stored) {
            Some(at) => at.format("%H:%M").to_string(),
            None => stored.to_owned(),
        }
    }

    /// The stored-time bounds (UTC, RFC 3339) of the store's `date`: from its midnight to the
    /// next, which differ from UTC's by the zone's offset (and by an hour on a clock change).
    pub fn day_bounds(&self, date: chrono::NaiveDate) -> (String, String) {
        let start = |d: chrono::NaiveDate| {
            let midnight = d.and_hms_opt(0, 0, 0).expect("midnight exists");
            let local = midnight.and_local_timezone(self.zone());
            // A zone that skips midnight on a clock change starts the day at its first hour.
            let at = local.earliest().or_else(|| {
                (midnight + chrono::Duration::hours(1)).and_local_timezone(self.zone()).earliest()
            });
            at.map(|t| crate::time::to_text(t.with_timezone(&chrono::Utc)))
                .unwrap_or_else(|| format!("{d}T00:00:00Z"))
        };
        (start(date), start(date.succ_opt().unwrap_or(date)))
    }
}

/// Rules that protect the weight audit and managers' rights. Every change to them, as to any
/// section, is logged with who made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct SecuritySettings {
    /// Ship an order only after a weighing passed or a manager approved packing it. Off for a
    /// store that does not weigh packages at all.
    pub ship_only_weighed: bool,
    /// Managers sign in with their badge and their PIN together, not either alone.
    pub managers_need_badge_and_pin: bool,
}

impl Default for SecuritySettings {
    fn default() -> Self {
        SecuritySettings { ship_only_weighed: true, managers_need_badge_and_pin: false }
    }
}

/// How stock is planned against demand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct PlanningSettings {
    /// The share of replenishment cycles that should end without running out (0.5 to 0.9999).
    pub service_level: f64,
    /// Days from ordering to receiving, for a product that has no lead time of its own.
    pub lead_time_days: f64,
    /// How many days of order history demand is measured over.
    pub history_days: u32,
    /// How many days of demand one purchase order covers.
    pub order_cycle_days: f64,
}

impl Default for PlanningSettings {
    fn default() -> Self {
        PlanningSettings {
            service_level: 0.95,
            lead_time_days: 7.0,
            history_days: 90,
            order_cycle_days: 14.0,
        }
    }
}

impl PlanningSettings {
    /// What is wrong with these settings, in words, or `None`.
    pub fn problem(&self) -> Option<String> {
        if !(0.5..=0.9999).contains(&self.service_level) {
            return Some("the service level is a share between 0.5 and 0.9999".into());
        }
        if !(self.lead_time_days.is_finite() && (0.0..=365.0).contains(&self.lead_time_days)) {
            return Some("the default lead time is 0 to 365 days".into());
        }
        if !(7..=730).contains(&self.history_days) {
            return Some("demand history is 7 to 730 days".into());
        }
        if !(self.order_cycle_days.is_finite() && (1.0..=365.0).contains(&self.order_cycle_days)) {
            return Some("a purchase order covers 1 to 365 days of demand".into());
        }
        None
    }
}

/// How orders flow from intake to the floor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct OrderSettings {
    /// Release an order that passes screening straight away, so it is allocated at once.
    /// Off: a manager releases new orders in waves.
    pub auto_release: bool,
    /// What an order that cannot be reserved in full does, unless the order says otherwise.
    pub backorder_policy: BackorderPolicy,
}

impl Default for OrderSettings {
    fn default() -> Self {
        OrderSettings { auto_release: true, backorder_policy: BackorderPolicy::ShipAvailable }
    }
}

/// The carrier and service an order goes with when neither its shop nor its file names one:
/// the manifest hands such packages to this carrier. A section of its own, so that saving the
/// order rules does not touch it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ShippingSettings {
    /// Such as `Royal Mail`; empty: packages without a carrier cannot be closed out.
    pub default_carrier: String,
    /// Such as `Royal Mail Tracked 48`.
    pub default_service: String,
}

/// Stock corrections and cycle counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct StockSettings {
    /// The reason codes an adjustment or scrap may give.
    pub adjustment_reasons: Vec<String>,
    /// A count that differs from the ledger by more than this many units is counted again.
    pub recount_over_units: u32,
    /// ... or by more than this percentage of what the ledger holds.
    pub recount_over_percent: u32,
}

impl Default for StockSettings {
    fn default() -> Self {
        StockSettings {
            adjustment_reasons: [
                "damaged",
                "expired",
                "found",
                "lost",
                "theft",
                "supplier short",
                "data correction",
            ]
            .map(String::from)
            .to_vec(),
            recount_over_units: 2,
            recount_over_percent: 10,
        }
    }
}

impl StockSettings {
    /// Whether a counted quantity differs from the expected one by enough to count again.
    pub fn needs_recount(&self, expected: i64, counted: i64) -> bool {
        let variance = (counted - expected).abs();
        variance > i64::from(self.recount_over_units)
            && variance * 100 > i64::from(self.recount_over_percent) * expected.abs()
    }
}

/// What the packing slip says and how it is printed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct SlipSettings {
    pub store_name: String,
    /// Address, email and phone as printed under the store name, one per line.
    pub contact: String,
    /// The logo: a PNG as base64 (optionally a `data:image/png;base64,` URL), or the path of a
    /// file whose name ends in `.png`, such as `assets/logo.png`. Empty: no logo.
    pub logo: String,
    pub page_size: PageSize,
    /// Days after delivery within which a return is accepted.
    pub return_window_days: u32,
    /// How to return something. `{return_code}` becomes the order's return code and
    /// `{return_window_days}` the window.
    pub return_instructions: String,
    pub thank_you: String,
}

impl Default for SlipSettings {
    fn default() -> Self {
        SlipSettings {
            store_name: "Backroom Goods".into(),
            contact: "1 Dock Road, Springfield\nhello@example.com".into(),
            logo: String::new(),
            page_size: PageSize::Letter,
            return_window_days: 30,
            return_instructions: "Not quite right? You can return unused items within \
                                  {return_window_days} days of delivery. Email us with your \
                                  return code {return_code} and we will send you a label."
                .into(),
            thank_you: "Thank you for your order!".into(),
        }
    }
}

impl SlipSettings {
    /// The return instructions for one order.
    pub fn return_text(&self, return_code: &str) -> String {
        self.return_instructions
            .replace("{return_code}", return_code)
            .replace("{return_window_days}", &self.return_window_days.to_string())
    }

    /// The logo's PNG bytes, if one is set.
    pub fn logo_png(&self) -> Result<Option<Vec<u8>>, ApiError> {
        let logo = self.logo.trim();
        if logo.is_empty() {
            return Ok(None);
        }
        // A name ending in .png is a file; anything else is the image itself, in base64.
        let bytes = if logo.to_ascii_lowercase().ends_with(".png") {
            std::fs::read(logo).map_err(|e| {
                ApiError::invalid(format!(
                    "cannot read the slip logo {logo} ({e}); choose the logo again in Settings"
                ))
            })?
        } else {
            let data = logo.strip_prefix("data:image/png;base64,").unwrap_or(logo);
            let data: String = data.chars().filter(|c| !c.is_whitespace()).collect();
            base64::engine::general_purpose::STANDARD.decode(data).map_err(|e| {
                ApiError::invalid(format!(
                    "the slip logo is neither a .png file nor base64 ({e}); upload the PNG again"
                ))
            })?
        };
        if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Err(ApiError::invalid("the slip logo must be a PNG image"));
        }
        Ok(Some(bytes))
    }
}

const STORE: &str = "store";
const SLIP: &str = "slip";
const HOLDS: &str = "holds";
const ORDERS: &str = "orders";
const SHIPPING: &str = "shipping";
const STOCK: &str = "stock";
const PACKING: &str = "packing";
const PLANNING: &str = "planning";
const SECURITY: &str = "security";

/// Reads one section, or its default when it was never saved.
fn read_section<T: DeserializeOwned + Default>(ctx: &Ctx<'_>, key: &str) -> Result<T, ApiError> {
    let text: Option<String> = ctx
        .tx
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0))
        .optional()?;
    match text {
        Some(text) => serde_json::from_str(&text).map_err(|e| {
            ApiError::storage(format!(
                "the stored {key} settings do not read ({e}); save them again"
            ))
        }),
        None => Ok(T::default()),
    }
}

/// Writes one section, logging who changed it when it differs from what was stored.
fn write_section<T: Serialize>(ctx: &Ctx<'_>, key: &str, value: &T) -> Result<(), ApiError> {
    let text = serde_json::to_string(value)
        .map_err(|e| ApiError::storage(format!("cannot encode the {key} settings: {e}")))?;
    let stored: Option<String> = ctx
        .tx
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0))
        .optional()?;
    if stored.as_deref() != Some(text.as_str()) {
        ctx.tx.execute(
            "INSERT INTO settings_changes (key, value, operator_id, station_id, at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![key, text, ctx.operator_id(), ctx.station_id(), ctx.now_text()],
        )?;
    }
    ctx.tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = ?2",
        params![key, text],
    )?;
    Ok(())
}

/// The store's own section alone: time zone, currency and weight unit.
pub fn store(ctx: &Ctx<'_>) -> Result<StoreSettings, ApiError> {
    read_section(ctx, STORE)
}

/// The security rules alone, for the commands that consult them on every call.
pub fn security(ctx: &Ctx<'_>) -> Result<SecuritySettings, ApiError> {
    read_section(ctx, SECURITY)
}

/// Every section as stored, defaults filled in.
pub fn load(ctx: &Ctx<'_>) -> Result<Settings, ApiError> {
    Ok(Settings {
        store: read_section(ctx, STORE)?,
        slip: read_section(ctx, SLIP)?,
        holds: read_section(ctx, HOLDS)?,
        orders: read_section(ctx, ORDERS)?,
        shipping: read_section(ctx, SHIPPING)?,
        stock: read_section(ctx, STOCK)?,
        packing: read_section(ctx, PACKING)?,
        planning: read_section(ctx, PLANNING)?,
        security: read_section(ctx, SECURITY)?,
    })
}

/// The store section alone, for every screen: its zone, currency and weight unit.
pub fn store_info(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<StoreSettings, ApiError> {
    store(ctx)
}

pub fn get_settings(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<Settings, ApiError> {
    load(ctx)
}

pub fn save_settings(ctx: &mut Ctx<'_>, req: Settings) -> Result<Settings, ApiError> {
    let slip = &req.slip;
    if slip.store_name.trim().is_empty() {
        return Err(ApiError::invalid("the slip needs a store name"));
    }
    if slip.return_window_days > 3650 {
        return Err(ApiError::invalid("a return window is at most 3650 days"));
    }
    // A logo that cannot be read would fail every slip later; refuse it now, while the
    // manager is looking at the form.
    if let Some(png) = slip.logo_png()? {
        crate::devices::slip::render::check_logo(&png)?;
    }
    if req.stock.adjustment_reasons.iter().all(|r| r.trim().is_empty()) {
        return Err(ApiError::invalid("keep at least one adjustment reason code"));
    }
    if req.holds.history_share_percent.is_some_and(|p| p > 100) {
        return Err(ApiError::invalid("the customer-history share is a percentage up to 100"));
    }
    // A negative tolerance would fail every box; refuse it while the manager is at the form.
    if let Some(problem) = req.packing.problems().into_iter().next() {
        return Err(ApiError::invalid(format!("packing settings: {problem}")));
    }
    let store = &req.store;
    if !(store.currency.len() == 3 && store.currency.bytes().all(|b| b.is_ascii_uppercase())) {
        return Err(ApiError::invalid(format!(
            "the store's currency is a three-letter code such as USD or EUR, not {:?}",
            store.currency
        )));
    }
    if let Some(country) = store.country.as_deref().filter(|c| !c.trim().is_empty())
        && backroom_core::address::country_name(country).is_none()
    {
        return Err(ApiError::invalid(format!(
            "the store's country is a two-letter code such as GB or US, not {country:?}"
        )));
    }
    if store.time_zone.parse::<chrono_tz::Tz>().is_err() {
        return Err(ApiError::invalid(format!(
            "the store's time zone is a name such as Europe/Berlin or America/Chicago, not {:?}",
            store.time_zone
        )));
    }
    write_section(ctx, STORE, store)?;
    write_section(ctx, SLIP, slip)?;
    write_section(ctx, HOLDS, &req.holds)?;
    write_section(ctx, ORDERS, &req.orders)?;
    write_section(ctx, SHIPPING, &req.shipping)?;
    write_section(ctx, STOCK, &req.stock)?;
    if let Some(problem) = req.planning.problem() {
        return Err(ApiError::invalid(format!("planning settings: {problem}")));
    }
    write_section(ctx, PACKING, &req.packing)?;
    write_section(ctx, PLANNING, &req.planning)?;
    write_section(ctx, SECURITY, &req.security)?;
    ctx.emit(Event::DataChanged { what: Changed::Settings });
    load(ctx)
}
