//! The `movements` table: the stock ledger, the only way stock changes. A trigger keeps the
//! `stock` cache in step and refuses a negative bin; others refuse to change a movement once
//! written, so inserting is the table's one write, a movement at a time or many at once.

use crate::store::{ToSql, params};
use backroom_core::ledger::MovementKind;

use crate::context::Ctx;
use crate::error::ApiError;

/// A movement with its product, places and order already found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovementRow<'a> {
    pub kind: MovementKind,
    pub product_id: i64,
    pub qty: i64,
    pub from_location_id: Option<i64>,
    pub to_location_id: Option<i64>,
    pub reason: &'a str,
    pub order_id: Option<i64>,
}

/// Writes the movement as made now by the caller at their station; returns its id.
pub fn insert(ctx: &Ctx<'_>, m: &MovementRow<'_>) -> Result<i64, ApiError> {
    Ok(ctx.query_row(
        "INSERT INTO movements (kind, product_id, qty, from_location_id, to_location_id, reason,
                                order_id, operator_id, station_id, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         RETURNING id",
        params![
            m.kind.as_str(),
            m.product_id,
            m.qty,
            m.from_location_id,
            m.to_location_id,
            m.reason,
            m.order_id,
            ctx.operator_id(),
            ctx.station_id(),
            ctx.now_text()
        ],
        |r| r.get(0),
    )?)
}

/// Writes many movements as made now by the caller at their station, in a few statements
/// (an import receives thousands); returns how many were written.
pub fn insert_many(ctx: &Ctx<'_>, rows: &[MovementRow<'_>]) -> Result<usize, ApiError> {
    let kinds: Vec<&str> = rows.iter().map(|m| m.kind.as_str()).collect();
    let (operator, station, now) = (ctx.operator_id(), ctx.station_id(), ctx.now_text());
    let values: Vec<&dyn ToSql> = rows
        .iter()
        .zip(&kinds)
        .flat_map(|(m, kind)| {
            [
                kind as &dyn ToSql,
                &m.product_id,
                &m.qty,
                &m.from_location_id,
                &m.to_location_id,
                &m.reason,
                &m.order_id,
                &operator,
                &station,
                &now,
            ]
        })
        .collect();
    Ok(ctx.tx.insert_rows(
        "movements (kind, product_id, qty, from_location_id, to_location_id, reason, order_id,
                    operator_id, station_id, at)",
        10,
        &values,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::testing::with_ctx;

    #[test]
    fn a_movement_is_stamped_with_the_time_and_moves_stock() {
        with_ctx(|ctx| {
            let row = |kind, from, to| MovementRow {
                kind,
                product_id: 1,
                qty: 4,
                from_location_id: from,
                to_location_id: to,
                reason: "",
                order_id: None,
            };
            insert(ctx, &row(MovementKind::Receipt, None, Some(1))).unwrap();
            let id = insert(ctx, &row(MovementKind::Pick, Some(1), Some(2))).unwrap();
            let at: String = ctx
                .query_row("SELECT at FROM movements WHERE id = ?1", [id], |r| r.get(0))
                .unwrap();
            assert_eq!(at, ctx.now_text());
            let on_hand = |location: i64| -> i64 {
                ctx.query_row(
                    "SELECT on_hand FROM stock WHERE product_id = 1 AND location_id = ?1",
                    [location],
                    |r| r.get(0),
                )
                .unwrap()
            };
            assert_eq!((on_hand(1), on_hand(2)), (0, 4));
            // The table refuses to take out more than a place holds, whoever writes.
            assert!(insert(ctx, &row(MovementKind::Pick, Some(1), Some(2))).is_err());
        });
    }
}
