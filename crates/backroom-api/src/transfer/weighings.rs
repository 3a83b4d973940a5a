//! The weight-audit log as CSV, oldest first: every weighing with its order, box, expected and
//! actual weight, tolerance, verdict, cause, operator, station, scale and time, and a manager's
//! override with its reason. It is a record of what happened, so it exports but never imports.

use crate::context::Ctx;
use crate::error::ApiError;

use super::sheet::CsvOut;

const COLUMNS: [&str; 15] = [
    "at",
    "order",
    "box",
    "expected_g",
    "tolerance_g",
    "actual_g",
    "verdict",
    "cause_kind",
    "cause",
    "operator",
    "station",
    "scale",
    "override_at",
    "override_by",
    "override_reason",
];

pub(super) fn export(ctx: &Ctx<'_>) -> Result<String, ApiError> {
    let mut out = CsvOut::new(&COLUMNS)?;
    let mut stmt = ctx.tx.prepare(
        "SELECT w.at, o.number, w.box_code, w.expected_g, w.tolerance_g, w.actual_g, w.verdict,
                w.cause_kind, w.cause, op.name, st.name, w.scale, w.override_at, ov.name,
                w.override_reason
         FROM weighings w JOIN orders o ON o.id = w.order_id
         LEFT JOIN operators op ON op.id = w.operator_id
         LEFT JOIN stations st ON st.id = w.station_id
         LEFT JOIN operators ov ON ov.id = w.override_by
         ORDER BY w.id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let text = |i: usize| -> crate::store::Result<String> {
            Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
        };
        let grams = |i: usize| -> crate::store::Result<String> {
            Ok(r.get::<_, Option<f64>>(i)?.map(|g| format!("{g:.1}")).unwrap_or_default())
        };
        out.row([
            text(0)?,
            text(1)?,
            text(2)?,
            grams(3)?,
            grams(4)?,
            grams(5)?,
            text(6)?,
            text(7)?,
            text(8)?,
            text(9)?,
            text(10)?,
            text(11)?,
            text(12)?,
            text(13)?,
            text(14)?,
        ])?;
    }
    out.finish()
}
