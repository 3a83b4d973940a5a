//! The building: the pick area's layout, the bins generated from it, and non-pick areas.

use std::collections::HashMap;

use crate::store::{OptionalExtension, json_list, params};
use backroom_core::layout::{BinCode, Layout};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::context::{Ctx, NoArgs};
use crate::error::ApiError;
use crate::events::{Changed, Event};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum LocationKind {
    /// A pick bin in the layout; the only place allocation takes stock from.
    Bin,
    Receiving,
    Packing,
    Shipping,
    /// Held back: damaged or suspect stock, never available.
    Quarantine,
    Returns,
}

impl LocationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LocationKind::Bin => "bin",
            LocationKind::Receiving => "receiving",
            LocationKind::Packing => "packing",
            LocationKind::Shipping => "shipping",
            LocationKind::Quarantine => "quarantine",
            LocationKind::Returns => "returns",
        }
    }

    pub fn parse(text: &str) -> Option<LocationKind> {
        [
            LocationKind::Bin,
            LocationKind::Receiving,
            LocationKind::Packing,
            LocationKind::Shipping,
            LocationKind::Quarantine,
            LocationKind::Returns,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Location {
    pub code: String,
    pub kind: LocationKind,
    /// Where a bin sits in the layout; `None` for areas.
    pub bin: Option<BinCode>,
    pub active: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct LayoutInfo {
    pub layout: Option<Layout>,
    pub bins: u32,
    pub areas: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SetLayout {
    pub layout: Layout,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct LocationQuery {
    #[serde(default)]
    pub kind: Option<LocationKind>,
    /// Code prefix, e.g. `A03` for every bin of aisle 3.
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SaveArea {
    pub code: String,
    pub kind: LocationKind,
}

/// The layout stored in the database, if any.
pub fn current_layout(ctx: &Ctx<'_>) -> Result<Option<Layout>, ApiError> {
    let json: Option<String> =
        ctx.tx.query_row("SELECT json FROM layout WHERE id = 1", [], |r| r.get(0)).optional()?;
    json.map(|j| {
        Layout::from_json(&j).map_err(|e| ApiError::storage(format!("stored layout: {e}")))
    })
    .transpose()
}

pub fn get_layout(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<LayoutInfo, ApiError> {
    layout_info(ctx)
}

fn layout_info(ctx: &Ctx<'_>) -> Result<LayoutInfo, ApiError> {
    let (bins, areas): (u32, u32) = ctx.tx.query_row(
        "SELECT sum(CASE WHEN kind = 'bin' AND active = 1 THEN 1 ELSE 0 END),
                sum(CASE WHEN kind <> 'bin' THEN 1 ELSE 0 END)
         FROM locations",
        [],
        |r| {
            Ok((r.get::<_, Option<u32>>(0)?.unwrap_or(0), r.get::<_, Option<u32>>(1)?.unwrap_or(0)))
        },
    )?;
    Ok(LayoutInfo { layout: current_layout(ctx)?, bins, areas })
}

/// Stores the layout and makes a bin for every slot side in it. Bins that already exist keep
/// their stock; bins outside the new layout are retired, which is refused while any of them
/// still holds or reserves stock.
pub fn set_layout(ctx: &mut Ctx<'_>, req: SetLayout) -> Result<LayoutInfo, ApiError> {
    let layout = req.layout;
    layout.validate().map_err(|e| ApiError::invalid(e.to_string()))?;
    let stranded = stranded_bins(ctx, &layout)?;
    if !stranded.is_empty() {
        return Err(ApiError::conflict(format!(
            "the new layout leaves out bins that still hold stock: {}; move the stock first",
            stranded.join(", ")
        )));
    }
    let json = serde_json::to_string(&layout).map_err(|e| ApiError::storage(e.to_string()))?;
    ctx.tx.execute(
        "INSERT INTO layout (id, json) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET json = ?1",
        [json],
    )?;
    let mut retire =
        ctx.tx.prepare("SELECT code, aisle, block, slot FROM locations WHERE kind = 'bin'")?;
    let existing: Vec<(String, u32, u32, u32)> = retire
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    drop(retire);
    for (code, aisle, block, slot) in existing {
        let inside =
            aisle <= layout.aisles && block <= layout.blocks && slot <= layout.slots_per_side;
        ctx.tx
            .execute("UPDATE locations SET active = ?2 WHERE code = ?1", params![code, inside])?;
    }
    let mut insert = ctx.tx.prepare(
        "INSERT INTO locations (code, kind, aisle, block, slot, side) VALUES (?1, 'bin', ?2, ?3, ?4, ?5)
         ON CONFLICT (code) DO UPDATE SET active = 1",
    )?;
    for bin in layout.bins() {
        let side = if bin.side == backroom_core::layout::Side::Left { "L" } else { "R" };
        insert.execute(params![bin.to_string(), bin.aisle, bin.block, bin.slot, side])?;
    }
    drop(insert);
    ctx.emit(Event::DataChanged { what: Changed::Layout });
    layout_info(ctx)
}

fn stranded_bins(ctx: &Ctx<'_>, layout: &Layout) -> Result<Vec<String>, ApiError> {
    let mut stmt = ctx.tx.prepare(
        "SELECT DISTINCT l.code FROM locations l
         WHERE l.kind = 'bin' AND (l.aisle > ?1 OR l.block > ?2 OR l.slot > ?3)
           AND (EXISTS (SELECT 1 FROM stock s WHERE s.location_id = l.id AND s.on_hand > 0)
                OR EXISTS (SELECT 1 FROM reservations r WHERE r.location_id = l.id))
         ORDER BY l.code LIMIT 20",
    )?;
    let codes = stmt
        .query_map(params![layout.aisles, layout.blocks, layout.slots_per_side], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(codes)
}

pub fn list_locations(ctx: &mut Ctx<'_>, q: LocationQuery) -> Result<Vec<Location>, ApiError> {
    let prefix = q.prefix.unwrap_or_default().trim().to_ascii_uppercase();
    let mut stmt = ctx.tx.prepare(
        "SELECT code, kind, aisle, block, slot, side, active FROM locations
         WHERE (CAST(?1 AS TEXT) IS NULL OR kind = ?1) AND substr(code, 1, length(?2)) = ?2
         ORDER BY kind <> 'bin', code LIMIT ?3",
    )?;
    let rows = stmt
        .query_map(
            params![q.kind.map(|k| k.as_str()), prefix, q.limit.unwrap_or(500).min(100_000)],
            |r| {
                let kind: String = r.get(1)?;
                let kind = LocationKind::parse(&kind).unwrap_or(LocationKind::Bin);
                let bin = match kind {
                    LocationKind::Bin => {
                        let side: String = r.get(5)?;
                        Some(BinCode {
                            aisle: r.get(2)?,
                            block: r.get(3)?,
                            slot: r.get(4)?,
                            side: if side == "L" {
                                backroom_core::layout::Side::Left
                            } else {
                                backroom_core::layout::Side::Right
                            },
                        })
                    }
                    _ => None,
                };
                Ok(Location { code: r.get(0)?, kind, bin, active: r.get(6)? })
            },
        )?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

pub fn save_area(ctx: &mut Ctx<'_>, req: SaveArea) -> Result<Location, ApiError> {
    let code = req.code.trim().to_ascii_uppercase();
    if req.kind == LocationKind::Bin {
        return Err(ApiError::invalid("bins come from the layout; set the layout to add bins"));
    }
    if code.is_empty() || code.chars().any(char::is_whitespace) || code.parse::<BinCode>().is_ok() {
        return Err(ApiError::invalid(format!(
            "“{}” cannot name an area: use a short word without spaces that is not a bin code, e.g. RECEIVING",
            req.code
        )));
    }
    ctx.tx.execute(
        "INSERT INTO locations (code, kind) VALUES (?1, ?2)
         ON CONFLICT (code) DO UPDATE SET kind = ?2 WHERE locations.kind <> 'bin'",
        params![code, req.kind.as_str()],
    )?;
    ctx.emit(Event::DataChanged { what: Changed::Locations });
    Ok(Location { code, kind: req.kind, bin: None, active: true })
}

/// The row id of a location code. Bin codes are accepted in any case and without zero padding
/// (`a3-1-7-l` is `A03-1-07-L`).
pub fn location_id(ctx: &Ctx<'_>, code: &str) -> Result<i64, ApiError> {
    location_ids(ctx, [code])?.remove(code).ok_or_else(|| {
        ApiError::not_found(format!(
            "there is no location “{code}”; scan the bin label again or check the layout"
        ))
    })
}

/// A location's code as it is stored: a bin code written in full, an area's in capitals.
fn canonical_code(code: &str) -> String {
    match code.parse::<BinCode>() {
        Ok(bin) => bin.to_string(),
        Err(_) => code.trim().to_ascii_uppercase(),
    }
}

/// The active locations `codes` name, by the code as given; codes that name none are left out.
/// One query however many codes: an import looks up thousands.
pub fn location_ids<'a>(
    ctx: &Ctx<'_>,
    codes: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, i64>, ApiError> {
    let codes: Vec<(&str, String)> = codes.into_iter().map(|c| (c, canonical_code(c))).collect();
    let mut stmt = ctx.tx.prepare_cached(
        "SELECT code, id FROM locations
         WHERE active = 1 AND code IN (SELECT value FROM json_each(?1))",
    )?;
    let list = json_list(codes.iter().map(|(_, canonical)| canonical));
    let ids: HashMap<String, i64> =
        stmt.query_map([list], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    Ok(codes
        .into_iter()
        .filter_map(|(code, canonical)| Some((code.to_owned(), *ids.get(&canonical)?)))
        .collect())
}
