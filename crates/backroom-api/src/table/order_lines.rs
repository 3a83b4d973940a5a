//! The `order_lines` table's shared writes: a line added to an order, and the counters that
//! say where its units stand (picked, shipped, cancelled, returned). A trigger refuses any
//! write that would leave more picked, shipped and cancelled than ordered.

use crate::store::{ToSql, params};

use crate::context::Ctx;
use crate::error::ApiError;

/// A counter of units on a line that grows as the work goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counter {
    Picked,
    Cancelled,
    Returned,
}

impl Counter {
    fn add_sql(self) -> &'static str {
        match self {
            Counter::Picked => "UPDATE order_lines SET picked_qty = picked_qty + ?2 WHERE id = ?1",
            Counter::Cancelled => {
                "UPDATE order_lines SET cancelled_qty = cancelled_qty + ?2 WHERE id = ?1"
            }
            Counter::Returned => {
                "UPDATE order_lines SET returned_qty = returned_qty + ?2 WHERE id = ?1"
            }
        }
    }
}

/// Adds a line after the order's last one; returns its id.
pub fn insert(
    ctx: &Ctx<'_>,
    order_id: i64,
    product_id: i64,
    qty: i64,
    unit_price_cents: i64,
) -> Result<i64, ApiError> {
    Ok(ctx.query_row(
        "INSERT INTO order_lines (order_id, line_no, product_id, qty, unit_price_cents)
         VALUES (?1, (SELECT coalesce(max(line_no), 0) + 1 FROM order_lines WHERE order_id = ?1),
                 ?2, ?3, ?4)
         RETURNING id",
        params![order_id, product_id, qty, unit_price_cents],
        |r| r.get(0),
    )?)
}

/// A line of an order being entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewOrderLine {
    pub order_id: i64,
    pub line_no: i64,
    pub product_id: i64,
    pub qty: i64,
    pub unit_price_cents: i64,
}

/// Adds the lines of orders being entered, many to a statement: an import enters thousands.
pub fn insert_new(ctx: &Ctx<'_>, lines: &[NewOrderLine]) -> Result<(), ApiError> {
    let values: Vec<&dyn ToSql> = lines
        .iter()
        .flat_map(|l| {
            [&l.order_id as &dyn ToSql, &l.line_no, &l.product_id, &l.qty, &l.unit_price_cents]
        })
        .collect();
    ctx.tx.insert_rows(
        "order_lines (order_id, line_no, product_id, qty, unit_price_cents)",
        5,
        &values,
    )?;
    Ok(())
}

/// Adds `qty` to the order's line of this product; whether it had one.
pub fn add_to_product_line(
    ctx: &Ctx<'_>,
    order_id: i64,
    product_id: i64,
    qty: i64,
) -> Result<bool, ApiError> {
    let changed = ctx.execute(
        "UPDATE order_lines SET qty = qty + ?3 WHERE order_id = ?1 AND product_id = ?2",
        params![order_id, product_id, qty],
    )?;
    Ok(changed > 0)
}

/// Counts `n` more units of the line as picked, cancelled or returned.
pub fn add(ctx: &Ctx<'_>, line_id: i64, counter: Counter, n: i64) -> Result<(), ApiError> {
    ctx.execute(counter.add_sql(), params![line_id, n])?;
    Ok(())
}

/// Everything picked on the line has shipped.
pub fn ship_picked(ctx: &Ctx<'_>, line_id: i64) -> Result<(), ApiError> {
    ctx.execute(
        "UPDATE order_lines SET shipped_qty = shipped_qty + picked_qty, picked_qty = 0 WHERE id = ?1",
        [line_id],
    )?;
    Ok(())
}

/// Cancels whatever of the order's lines is neither picked nor shipped.
pub fn cancel_rest_of_order(ctx: &Ctx<'_>, order_id: i64) -> Result<(), ApiError> {
    ctx.execute(
        "UPDATE order_lines SET cancelled_qty = qty - shipped_qty - picked_qty WHERE order_id = ?1",
        [order_id],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::testing::with_ctx;

    fn line_nos(ctx: &Ctx<'_>) -> Vec<(i64, i64)> {
        ctx.tx
            .prepare("SELECT line_no, qty FROM order_lines WHERE order_id = 1 ORDER BY line_no")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn a_line_goes_after_the_last() {
        with_ctx(|ctx| {
            ctx.execute("INSERT INTO products (id, sku, name) VALUES (2, 'CUP-2', 'Cup')", [])
                .unwrap();
            assert!(!add_to_product_line(ctx, 1, 2, 3).unwrap());
            insert(ctx, 1, 2, 3, 450).unwrap();
            assert!(add_to_product_line(ctx, 1, 2, 1).unwrap());
            assert_eq!(line_nos(ctx), [(1, 5), (2, 4)]);
        });
    }

    #[test]
    fn each_counter_grows_its_own_column() {
        with_ctx(|ctx| {
            add(ctx, 1, Counter::Picked, 2).unwrap();
            add(ctx, 1, Counter::Cancelled, 1).unwrap();
            ship_picked(ctx, 1).unwrap();
            add(ctx, 1, Counter::Returned, 1).unwrap();
            cancel_rest_of_order(ctx, 1).unwrap();
            let counters: (i64, i64, i64, i64) = ctx
                .query_row(
                    "SELECT picked_qty, shipped_qty, cancelled_qty, returned_qty FROM order_lines WHERE id = 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .unwrap();
            assert_eq!(counters, (0, 2, 3, 1));
        });
    }
}
