//! The `reservations` table's shared writes: stock promised to an order line from one bin,
//! written by allocation and given up by picks, short picks, counts, holds and cancels.

use crate::store::ToSql;

use crate::context::Ctx;
use crate::error::ApiError;

/// One promise, as a pick or a short pick works through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    pub id: i64,
    pub line_id: i64,
    pub qty: i64,
}

/// A promise to be made: `qty` of a product in a bin to an order line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewReservation {
    pub line_id: i64,
    pub product_id: i64,
    pub location_id: i64,
    pub qty: i64,
}

/// Makes many promises at once, as allocation does for a whole wave.
pub fn insert_many(ctx: &Ctx<'_>, promises: &[NewReservation]) -> Result<(), ApiError> {
    let values: Vec<&dyn ToSql> = promises
        .iter()
        .flat_map(|p| [&p.line_id as &dyn ToSql, &p.product_id, &p.location_id, &p.qty])
        .collect();
    ctx.tx.insert_rows("reservations (order_line_id, product_id, location_id, qty)", 4, &values)?;
    Ok(())
}

/// Leaves the promise at `qty`, or removes it when nothing is left of it.
pub fn reduce_to(ctx: &Ctx<'_>, id: i64, qty: i64) -> Result<(), ApiError> {
    if qty <= 0 {
        ctx.execute("DELETE FROM reservations WHERE id = ?1", [id])?;
    } else {
        ctx.execute("UPDATE reservations SET qty = ?2 WHERE id = ?1", [id, qty])?;
    }
    Ok(())
}

/// Takes `n` units off the promises in the order given, each in full before the next; returns
/// the line and units of each promise taken from.
pub fn consume(
    ctx: &Ctx<'_>,
    promises: impl IntoIterator<Item = Reservation>,
    n: i64,
) -> Result<Vec<(i64, i64)>, ApiError> {
    let mut left = n;
    let mut taken = Vec::new();
    for r in promises {
        if left <= 0 {
            break;
        }
        let take = left.min(r.qty);
        left -= take;
        reduce_to(ctx, r.id, r.qty - take)?;
        taken.push((r.line_id, take));
    }
    Ok(taken)
}

/// Gives back every promise to the order's lines.
pub fn delete_of_order(ctx: &Ctx<'_>, order_id: i64) -> Result<(), ApiError> {
    ctx.execute(
        "DELETE FROM reservations WHERE order_line_id IN (SELECT id FROM order_lines WHERE order_id = ?1)",
        [order_id],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::testing::with_ctx;

    fn left(ctx: &Ctx<'_>) -> Vec<(i64, i64)> {
        ctx.tx
            .prepare("SELECT id, qty FROM reservations ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    fn promise(ctx: &Ctx<'_>, qty: i64) -> Reservation {
        let new = NewReservation { line_id: 1, product_id: 1, location_id: 1, qty };
        insert_many(ctx, &[new]).unwrap();
        let id = ctx.tx.query_row("SELECT max(id) FROM reservations", [], |r| r.get(0)).unwrap();
        Reservation { id, line_id: 1, qty }
    }

    #[test]
    fn reducing_to_nothing_removes_the_promise() {
        with_ctx(|ctx| {
            let (a, b) = (promise(ctx, 3), promise(ctx, 2));
            reduce_to(ctx, a.id, 1).unwrap();
            reduce_to(ctx, b.id, 0).unwrap();
            assert_eq!(left(ctx), [(a.id, 1)]);
        });
    }

    #[test]
    fn consuming_empties_each_promise_before_the_next() {
        with_ctx(|ctx| {
            let (a, b, c) = (promise(ctx, 1), promise(ctx, 2), promise(ctx, 2));
            assert_eq!(consume(ctx, [a, b, c], 2).unwrap(), [(1, 1), (1, 1)]);
            assert_eq!(left(ctx), [(b.id, 1), (c.id, 2)]);
            // Backwards, as a short pick gives up the last promises first.
            let (b, c) = (Reservation { qty: 1, ..b }, c);
            assert_eq!(consume(ctx, [c, b], 3).unwrap(), [(1, 2), (1, 1)]);
            assert_eq!(left(ctx), []);
        });
    }

    #[test]
    fn an_order_gives_back_all_its_promises() {
        with_ctx(|ctx| {
            promise(ctx, 2);
            promise(ctx, 3);
            delete_of_order(ctx, 1).unwrap();
            assert_eq!(left(ctx), []);
        });
    }
}
