//! The end-of-day manifest: the packages each carrier collects, and the close-out that hands
//! them over.
//!
//! A package is a box that passed its weight audit, or that a manager packed over a failed one:
//! the weighing that packed it names the package, and its reading is the package's audited
//! weight. An order shipped in two parts is two packages. A package belongs to the day it was
//! packed on the store's clock (settings, store time zone): times are stored in UTC, so a day
//! runs between the store's midnights written in UTC. A request may name another day. It is listed while its order is packed or shipped, or when
//! its goods went out in a part shipment; a cancelled order's box, or one unpacked again without
//! shipping, is not.
//!
//! Closing out a carrier writes a manifest with the carrier's open packages of the day. A
//! package is on at most one manifest: the table holds each weighing once, and the close-out
//! runs in the command's `BEGIN IMMEDIATE` transaction, so two stations closing at once queue
//! and the second finds nothing left. Closing again with nothing open writes no empty manifest:
//! it answers with the manifests already closed, so a second click or a second station is
//! harmless. A package packed after the close-out opens the next manifest.

mod pdf;

use crate::store::{OptionalExtension, Row, params};
use base64::Engine;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::admin::settings;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::events::{Changed, Event};

/// Which day's packages; the store's today when absent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct ManifestQuery {
    /// A date on the store's calendar, `2026-11-23`.
    #[serde(default)]
    pub date: Option<String>,
}

/// One package as the carrier collects it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ManifestPackage {
    pub order: String,
    /// Who it is addressed to.
    pub ship_name: String,
    pub city: String,
    pub postal_code: String,
    pub country: String,
    pub service: String,
    /// The audited weight: what the scale read when the package was packed, in grams.
    pub weight_g: f64,
    pub packed_at: String,
}

/// One carrier's packages not yet on a manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CarrierPackages {
    /// Empty when the orders name no carrier and the store has no default carrier.
    pub carrier: String,
    pub packages: Vec<ManifestPackage>,
    pub count: u32,
    pub total_g: f64,
}

/// The packages of a day that are still to be closed out, by carrier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Manifest {
    pub date: String,
    /// By carrier name.
    pub carriers: Vec<CarrierPackages>,
    pub count: u32,
    pub total_g: f64,
}

/// Close out one carrier's packages of a day.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct CloseManifest {
    /// As listed by `manifest`; case does not matter.
    pub carrier: String,
    /// A date on the store's calendar, `2026-11-23`; the store's today when absent.
    #[serde(default)]
    pub date: Option<String>,
}

/// What a close-out did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ClosedManifest {
    /// The manifest written now; `None` when every package of the carrier that day was already
    /// on a manifest.
    pub closed: Option<ManifestSummary>,
    /// The carrier's manifests of that day, the one just written included, oldest first.
    pub of_the_day: Vec<ManifestSummary>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct ManifestListQuery {
    /// Only the manifests of this date on the store's calendar.
    #[serde(default)]
    pub date: Option<String>,
    /// Only this carrier's; case does not matter.
    #[serde(default)]
    pub carrier: Option<String>,
    /// At most this many, newest first; 50 when absent.
    #[serde(default)]
    pub limit: Option<u32>,
}

/// A closed manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ManifestSummary {
    /// The manifest number.
    pub id: i64,
    pub carrier: String,
    /// The day whose packages it holds.
    pub date: String,
    pub closed_at: String,
    pub closed_by: Option<String>,
    pub station: Option<String>,
    pub packages: u32,
    pub total_g: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ManifestFormat {
    /// To print and have the driver sign.
    Pdf,
    /// For the carrier's system.
    Csv,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ManifestFileRequest {
    pub id: i64,
    pub format: ManifestFormat,
}

/// A file to save or print, as `slip_pdf` gives one.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ManifestFile {
    pub filename: String,
    pub content_type: String,
    pub base64: String,
}

/// A package with what the close-out needs to record it.
struct OpenPackage {
    weighing_id: i64,
    order_id: i64,
    carrier: String,
    package: ManifestPackage,
}

/// The day a request names, or the store's today.
fn day(ctx: &Ctx<'_>, date: Option<&str>) -> Result<NaiveDate, ApiError> {
    match date.map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(ctx.now.with_timezone(&settings::store(ctx)?.zone()).date_naive()),
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            ApiError::invalid(format!("date “{text}” is not a day; write it like 2026-11-23"))
        }),
    }
}

/// The packages packed on `day` that are on no manifest yet, oldest first, each with its
/// carrier: the order's, else the store's default.
fn open_packages(ctx: &Ctx<'_>, day: NaiveDate) -> Result<Vec<OpenPackage>, ApiError> {
    let all = settings::load(ctx)?;
    let shipping = all.shipping;
    let (from, to) = all.store.day_bounds(day);
    // `next_at` is when the order was packed again; goods shipped between the two packings
    // left in this package. Times are to the second, so a shipment in the second the order was
    // packed again still counts for the earlier package.
    let mut stmt = ctx.tx.prepare_cached(
        "WITH packs AS (
             SELECT id, order_id, actual_g, coalesce(override_at, at) AS packed_at
             FROM weighings WHERE verdict = 'pass' OR override_at IS NOT NULL
         ),
         of_day AS (
             SELECT p.*, (SELECT min(n.packed_at) FROM packs n WHERE n.order_id = p.order_id
                          AND (n.packed_at > p.packed_at OR (n.packed_at = p.packed_at AND n.id > p.id))
                         ) AS next_at
             FROM packs p
             WHERE p.packed_at >= ?1 AND p.packed_at < ?2
               AND NOT EXISTS (SELECT 1 FROM manifest_packages mp WHERE mp.weighing_id = p.id)
         )
         SELECT d.id, d.order_id, o.carrier, o.number, o.ship_name, o.ship_city,
                o.ship_postal_code, o.ship_country, o.service, d.actual_g, d.packed_at
         FROM of_day d JOIN orders o ON o.id = d.order_id
         WHERE o.status <> 'cancelled'
           AND ((d.next_at IS NULL AND o.status IN ('packed', 'shipped'))
                OR EXISTS (SELECT 1 FROM movements m WHERE m.order_id = d.order_id
                           AND m.kind = 'ship' AND m.at >= d.packed_at
                           AND (d.next_at IS NULL OR m.at <= d.next_at)))
         ORDER BY d.packed_at, d.id",
    )?;
    let or_default = |value: String, default: &str| {
        if value.trim().is_empty() { default.trim().to_owned() } else { value }
    };
    let rows = stmt
        .query_map(params![from, to], |r| {
            Ok(OpenPackage {
                weighing_id: r.get(0)?,
                order_id: r.get(1)?,
                carrier: or_default(r.get(2)?, &shipping.default_carrier),
                package: ManifestPackage {
                    order: r.get(3)?,
                    ship_name: r.get(4)?,
                    city: r.get(5)?,
                    postal_code: r.get(6)?,
                    country: r.get(7)?,
                    service: or_default(r.get(8)?, &shipping.default_service),
                    weight_g: r.get(9)?,
                    packed_at: r.get(10)?,
                },
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Groups packages by carrier, ignoring case; a group is named as its first package spells it.
fn by_carrier(packages: Vec<OpenPackage>) -> Vec<(String, Vec<OpenPackage>)> {
    let mut groups: Vec<(String, Vec<OpenPackage>)> = Vec::new();
    for p in packages {
        match groups.iter_mut().find(|(name, _)| name.to_lowercase() == p.carrier.to_lowercase()) {
            Some((_, group)) => group.push(p),
            None => groups.push((p.carrier.clone(), vec![p])),
        }
    }
    groups.sort_by_key(|(name, _)| name.to_lowercase());
    groups
}

fn total_g(packages: &[OpenPackage]) -> f64 {
    packages.iter().map(|p| p.package.weight_g).sum()
}

/// The packages of a day not yet closed out, by carrier, with counts and total weights.
pub fn manifest(ctx: &mut Ctx<'_>, q: ManifestQuery) -> Result<Manifest, ApiError> {
    let day = day(ctx, q.date.as_deref())?;
    let carriers: Vec<CarrierPackages> = by_carrier(open_packages(ctx, day)?)
        .into_iter()
        .map(|(carrier, packages)| CarrierPackages {
            carrier,
            count: packages.len() as u32,
            total_g: total_g(&packages),
            packages: packages.into_iter().map(|p| p.package).collect(),
        })
        .collect();
    Ok(Manifest {
        date: day.to_string(),
        count: carriers.iter().map(|c| c.count).sum(),
        total_g: carriers.iter().map(|c| c.total_g).sum(),
        carriers,
    })
}

/// Writes a manifest with the carrier's open packages of the day; see the module's notes for
/// what a second close-out does.
pub fn close_manifest(ctx: &mut Ctx<'_>, req: CloseManifest) -> Result<ClosedManifest, ApiError> {
    let day = day(ctx, req.date.as_deref())?;
    let carrier = req.carrier.trim();
    let groups = by_carrier(open_packages(ctx, day)?);
    if carrier.is_empty() {
        let unassigned = groups.iter().find(|(name, _)| name.is_empty()).map_or(0, |g| g.1.len());
        return Err(ApiError::invalid(if unassigned > 0 {
            format!(
                "{unassigned} packages of {day} have no carrier: set the store's default carrier \
                 (settings, shipping), then close them out under it"
            )
        } else {
            "name the carrier to close out".to_owned()
        }));
    }
    let others: Vec<String> =
        groups.iter().map(|(name, _)| name.clone()).filter(|name| !name.is_empty()).collect();
    let open = groups.into_iter().find(|(name, _)| name.to_lowercase() == carrier.to_lowercase());
    let Some((name, packages)) = open else {
        let mut of_the_day = summaries(ctx, Some(day), Some(carrier), None)?;
        if of_the_day.is_empty() {
            let listed = if others.is_empty() {
                "no carrier has packages".to_owned()
            } else {
                format!("carriers with packages: {}", others.join(", "))
            };
            return Err(ApiError::not_found(format!(
                "{carrier} has no packages packed on {day} ({listed}); check the carrier's name"
            )));
        }
        of_the_day.reverse();
        return Ok(ClosedManifest { closed: None, of_the_day });
    };
    let id: i64 = ctx.tx.query_row(
        "INSERT INTO manifests (carrier, day, closed_at, closed_by, station_id, packages, total_g)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
        params![
            name,
            day.to_string(),
            ctx.now_text(),
            ctx.operator_id(),
            ctx.station_id(),
            packages.len() as i64,
            total_g(&packages)
        ],
        |r| r.get(0),
    )?;
    for p in &packages {
        ctx.execute(
            "INSERT INTO manifest_packages (manifest_id, weighing_id, order_id, service, weight_g)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, p.weighing_id, p.order_id, p.package.service, p.package.weight_g],
        )?;
    }
    ctx.emit(Event::DataChanged { what: Changed::Manifests });
    let mut of_the_day = summaries(ctx, Some(day), Some(&name), None)?;
    of_the_day.reverse();
    Ok(ClosedManifest { closed: Some(summary(ctx, id)?), of_the_day })
}

const SUMMARY_COLUMNS: &str = "m.id, m.carrier, m.day, m.closed_at, op.name, st.name, m.packages,
    m.total_g
    FROM manifests m
    LEFT JOIN operators op ON op.id = m.closed_by
    LEFT JOIN stations st ON st.id = m.station_id";

fn summary_row(r: &Row<'_>) -> crate::store::Result<ManifestSummary> {
    Ok(ManifestSummary {
        id: r.get(0)?,
        carrier: r.get(1)?,
        date: r.get(2)?,
        closed_at: r.get(3)?,
        closed_by: r.get(4)?,
        station: r.get(5)?,
        packages: r.get(6)?,
        total_g: r.get(7)?,
    })
}

fn summary(ctx: &Ctx<'_>, id: i64) -> Result<ManifestSummary, ApiError> {
    let sql = format!("SELECT {SUMMARY_COLUMNS} WHERE m.id = ?1");
    ctx.tx.query_row(&sql, [id], summary_row).optional()?.ok_or_else(|| {
        ApiError::not_found(format!("there is no manifest {id}; list_manifests shows them"))
    })
}

/// Closed manifests, newest first.
fn summaries(
    ctx: &Ctx<'_>,
    day: Option<NaiveDate>,
    carrier: Option<&str>,
    limit: Option<u32>,
) -> Result<Vec<ManifestSummary>, ApiError> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}
         WHERE (CAST(?1 AS TEXT) IS NULL OR m.day = ?1)
           AND (CAST(?2 AS TEXT) IS NULL OR lower(m.carrier) = lower(?2))
         ORDER BY m.id DESC LIMIT ?3"
    );
    let mut stmt = ctx.tx.prepare(&sql)?;
    let limit = limit.unwrap_or(50).min(5000);
    let rows = stmt
        .query_map(params![day.map(|d| d.to_string()), carrier, limit], summary_row)?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

pub fn list_manifests(
    ctx: &mut Ctx<'_>,
    q: ManifestListQuery,
) -> Result<Vec<ManifestSummary>, ApiError> {
    let day = match q.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(text) => Some(day(ctx, Some(text))?),
        None => None,
    };
    let carrier = q.carrier.as_deref().map(str::trim).filter(|c| !c.is_empty());
    summaries(ctx, day, carrier, q.limit)
}

/// The packages of a closed manifest, in the order they were packed, as they were handed over.
fn manifest_packages(ctx: &Ctx<'_>, id: i64) -> Result<Vec<ManifestPackage>, ApiError> {
    let mut stmt = ctx.tx.prepare(
        "SELECT o.number, o.ship_name, o.ship_city, o.ship_postal_code, o.ship_country,
                mp.service, mp.weight_g, coalesce(w.override_at, w.at)
         FROM manifest_packages mp
         JOIN orders o ON o.id = mp.order_id
         JOIN weighings w ON w.id = mp.weighing_id
         WHERE mp.manifest_id = ?1 ORDER BY coalesce(w.override_at, w.at), w.id",
    )?;
    let rows = stmt
        .query_map([id], |r| {
            Ok(ManifestPackage {
                order: r.get(0)?,
                ship_name: r.get(1)?,
                city: r.get(2)?,
                postal_code: r.get(3)?,
                country: r.get(4)?,
                service: r.get(5)?,
                weight_g: r.get(6)?,
                packed_at: r.get(7)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Kilograms to three decimals, as carriers' systems take weights.
fn kg(grams: f64) -> String {
    format!("{:.3}", grams / 1000.0)
}

/// The CSV columns, one row per package.
const CSV_COLUMNS: [&str; 11] = [
    "manifest",
    "carrier",
    "date",
    "order",
    "ship_name",
    "city",
    "postal_code",
    "country",
    "service",
    "weight_kg",
    "packed_at",
];

/// Times are RFC 3339 with the store's offset: its wall clock, and still one instant to a
/// carrier's system.
fn csv(
    m: &ManifestSummary,
    packages: &[ManifestPackage],
    clock: &settings::StoreSettings,
) -> Result<Vec<u8>, ApiError> {
    let failed = |e: csv::Error| ApiError::storage(format!("cannot write the manifest CSV: {e}"));
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(CSV_COLUMNS).map_err(failed)?;
    for p in packages {
        out.write_record([
            &m.id.to_string(),
            &m.carrier,
            &m.date,
            &p.order,
            &p.ship_name,
            &p.city,
            &p.postal_code,
            &p.country,
            &p.service,
            &kg(p.weight_g),
            &clock.local(&p.packed_at).map_or(p.packed_at.clone(), |at| at.to_rfc3339()),
        ])
        .map_err(failed)?;
    }
    out.into_inner().map_err(|e| ApiError::storage(format!("cannot write the manifest CSV: {e}")))
}

/// A file name of letters, digits and hyphens: `manifest-12-royal-mail-2026-11-23.pdf`.
fn file_name(m: &ManifestSummary, extension: &str) -> String {
    let carrier: String = m
        .carrier
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect();
    let carrier = carrier.split('-').filter(|w| !w.is_empty()).collect::<Vec<_>>().join("-");
    format!("manifest-{}-{carrier}-{}.{extension}", m.id, m.date)
}

/// A closed manifest as a PDF for the driver to sign, or a CSV for the carrier.
pub fn manifest_file(
    ctx: &mut Ctx<'_>,
    req: ManifestFileRequest,
) -> Result<ManifestFile, ApiError> {
    let m = summary(ctx, req.id)?;
    let packages = manifest_packages(ctx, m.id)?;
    let clock = settings::store(ctx)?;
    let (bytes, extension, content_type) = match req.format {
        ManifestFormat::Csv => (csv(&m, &packages, &clock)?, "csv", "text/csv"),
        ManifestFormat::Pdf => {
            let slip = settings::load(ctx)?.slip;
            (pdf::render(&m, &packages, &slip, &clock)?, "pdf", "application/pdf")
        }
    };
    Ok(ManifestFile {
        filename: file_name(&m, extension),
        content_type: content_type.to_owned(),
        base64: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(zone: &str) -> settings::StoreSettings {
        settings::StoreSettings { time_zone: zone.into(), ..Default::default() }
    }

    #[test]
    fn a_day_runs_between_the_store_s_midnights() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        let utc = ("2026-12-31T00:00:00Z".into(), "2027-01-01T00:00:00Z".into());
        assert_eq!(store("UTC").day_bounds(d), utc);
        // Los Angeles is eight hours behind UTC in winter; Athens two ahead.
        let la = ("2026-12-31T08:00:00Z".into(), "2027-01-01T08:00:00Z".into());
        assert_eq!(store("America/Los_Angeles").day_bounds(d), la);
        let athens = ("2026-12-30T22:00:00Z".into(), "2026-12-31T22:00:00Z".into());
        assert_eq!(store("Europe/Athens").day_bounds(d), athens);
        // The day the clocks go forward is 23 hours long.
        let spring = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
        let berlin = ("2026-03-28T23:00:00Z".into(), "2026-03-29T22:00:00Z".into());
        assert_eq!(store("Europe/Berlin").day_bounds(spring), berlin);
    }

    #[test]
    fn a_stored_time_reads_on_the_store_s_clock() {
        let la = store("America/Los_Angeles");
        assert_eq!(la.date_of("2026-12-01T03:30:00Z"), "2026-11-30");
        assert_eq!(la.date_time_of("2026-12-01T03:30:00Z"), "2026-11-30 19:30");
        assert_eq!(store("Asia/Tokyo").time_of("2026-12-01T03:30:00Z"), "12:30");
    }

    #[test]
    fn a_file_name_keeps_only_safe_characters() {
        let m = ManifestSummary {
            id: 7,
            carrier: "Royal Mail / Parcelforce".into(),
            date: "2026-11-23".into(),
            closed_at: String::new(),
            closed_by: None,
            station: None,
            packages: 1,
            total_g: 0.0,
        };
        assert_eq!(file_name(&m, "pdf"), "manifest-7-royal-mail-parcelforce-2026-11-23.pdf");
    }
}
