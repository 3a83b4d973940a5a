//! The `orders` table's shared writes and look-ups, and its history in `order_events`.

use crate::store::{ToSql, ValueRef, json_list, params};
use backroom_core::order::{OrderStatus, PaymentStatus};

use crate::context::Ctx;
use crate::error::ApiError;

/// The order's status. A status the schema allows but Backroom does not know reads as `new`.
pub fn status(ctx: &Ctx<'_>, id: i64) -> Result<OrderStatus, ApiError> {
    let text: String =
        ctx.query_row("SELECT status FROM orders WHERE id = ?1", [id], |r| r.get(0))?;
    Ok(OrderStatus::parse(&text).unwrap_or(OrderStatus::New))
}

/// The order's number, as people know it.
pub fn number(ctx: &Ctx<'_>, id: i64) -> Result<String, ApiError> {
    Ok(ctx.query_row("SELECT number FROM orders WHERE id = ?1", [id], |r| r.get(0))?)
}

/// Moves the order from `from` to `to`, only if it is still `from`: a command decides on the
/// status it read, and must not overwrite a status that moved on since.
pub fn set_status(
    ctx: &Ctx<'_>,
    id: i64,
    from: OrderStatus,
    to: OrderStatus,
) -> Result<(), ApiError> {
    let changed = ctx.execute(
        "UPDATE orders SET status = ?2 WHERE id = ?1 AND status = ?3",
        params![id, to.as_str(), from.as_str()],
    )?;
    if changed == 1 {
        return Ok(());
    }
    Err(ApiError::conflict(format!(
        "order {} changed at another station while this was being done; look at it again",
        number(ctx, id)?
    )))
}

/// Moves many orders from `from` to `to` at once, as [`set_status`] moves one: refused unless
/// every one of them is still `from`.
pub fn set_statuses(
    ctx: &Ctx<'_>,
    ids: &[i64],
    from: OrderStatus,
    to: OrderStatus,
) -> Result<(), ApiError> {
    let list = json_list(ids);
    let changed = ctx.execute(
        "UPDATE orders SET status = ?2
         WHERE id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND status = ?3",
        params![list, to.as_str(), from.as_str()],
    )?;
    if changed == ids.len() {
        return Ok(());
    }
    Err(ApiError::conflict(
        "orders changed at another station while this was being done; look at them again",
    ))
}

/// A status is stored as its name.
impl ToSql for OrderStatus {
    fn to_sql(&self) -> crate::store::Result<ValueRef<'_>> {
        Ok(ValueRef::Text(self.as_str()))
    }
}

/// A line of an order's history, as [`insert_events`] writes it.
pub struct NewEvent<'a> {
    pub order_id: i64,
    pub from: Option<OrderStatus>,
    pub to: OrderStatus,
    pub reason: &'a str,
}

/// Adds lines to orders' histories at once, each as [`insert_event`] adds one.
pub fn insert_events(ctx: &Ctx<'_>, events: &[NewEvent<'_>]) -> Result<(), ApiError> {
    let (operator, station, now) = (ctx.operator_id(), ctx.station_id(), ctx.now_text());
    let values: Vec<&dyn ToSql> = events
        .iter()
        .flat_map(|e| {
            [&e.order_id as &dyn ToSql, &e.from, &e.to, &e.reason, &operator, &station, &now]
        })
        .collect();
    ctx.tx.insert_rows(
        "order_events (order_id, from_status, to_status, reason, operator_id, station_id, at)",
        7,
        &values,
    )?;
    Ok(())
}

/// Adds a line to the order's history: a move from `from` (none when it came in) to `to`, or
/// something that happened with `from` and `to` the same, with who, where, when and why.
pub fn insert_event(
    ctx: &Ctx<'_>,
    id: i64,
    from: Option<OrderStatus>,
    to: OrderStatus,
    reason: &str,
) -> Result<(), ApiError> {
    insert_events(ctx, &[NewEvent { order_id: id, from, to, reason }])
}

/// Sets what the shop says of the payment; whether that changed anything.
pub fn set_payment_status(
    ctx: &Ctx<'_>,
    id: i64,
    payment: PaymentStatus,
) -> Result<bool, ApiError> {
    let changed = ctx.execute(
        "UPDATE orders SET payment_status = ?2 WHERE id = ?1 AND payment_status <> ?2",
        params![id, payment.as_str()],
    )?;
    Ok(changed > 0)
}

/// Marks the order's payment as charged back.
pub fn set_chargeback(ctx: &Ctx<'_>, id: i64) -> Result<(), ApiError> {
    ctx.execute("UPDATE orders SET chargeback = 1 WHERE id = ?1", [id])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::table::testing::with_ctx;

    #[test]
    fn a_status_moves_only_from_the_status_read() {
        with_ctx(|ctx| {
            set_status(ctx, 1, OrderStatus::Allocated, OrderStatus::Picking).unwrap();
            assert_eq!(status(ctx, 1).unwrap(), OrderStatus::Picking);
            let stale = set_status(ctx, 1, OrderStatus::Allocated, OrderStatus::Released);
            let e = stale.unwrap_err();
            assert_eq!(e.code, ErrorCode::Conflict);
            assert!(
                e.message.starts_with("order SO-1 changed at another station"),
                "{}",
                e.message
            );
            assert_eq!(status(ctx, 1).unwrap(), OrderStatus::Picking);
        });
    }

    #[test]
    fn a_payment_status_says_whether_it_changed() {
        with_ctx(|ctx| {
            assert!(set_payment_status(ctx, 1, PaymentStatus::Paid).unwrap());
            assert!(!set_payment_status(ctx, 1, PaymentStatus::Paid).unwrap());
            let stored: String = ctx
                .query_row("SELECT payment_status FROM orders WHERE id = 1", [], |r| r.get(0))
                .unwrap();
            assert_eq!(stored, "paid");
        });
    }

    #[test]
    fn many_orders_move_only_if_all_are_where_they_were_read() {
        with_ctx(|ctx| {
            ctx.execute(
                "INSERT INTO orders (number, placed_at, payment_status, status)
                 VALUES ('SO-2', '2026-11-23T10:00:00Z', 'paid', 'allocated')",
                [],
            )
            .unwrap();
            let e = set_statuses(ctx, &[1, 2], OrderStatus::Released, OrderStatus::Allocated);
            assert_eq!(e.unwrap_err().code, ErrorCode::Conflict);
            set_statuses(ctx, &[1, 2], OrderStatus::Allocated, OrderStatus::Released).unwrap();
            assert_eq!(status(ctx, 1).unwrap(), OrderStatus::Released);
            assert_eq!(status(ctx, 2).unwrap(), OrderStatus::Released);
            let events = [
                NewEvent { order_id: 2, from: None, to: OrderStatus::New, reason: "entered" },
                NewEvent {
                    order_id: 1,
                    from: Some(OrderStatus::Allocated),
                    to: OrderStatus::Released,
                    reason: "waiting",
                },
            ];
            insert_events(ctx, &events).unwrap();
            let stored: Vec<(i64, Option<String>, String, String)> = ctx
                .tx
                .prepare(
                    "SELECT order_id, from_status, to_status, reason FROM order_events ORDER BY id",
                )
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(
                stored,
                [
                    (2, None, "new".to_owned(), "entered".to_owned()),
                    (1, Some("allocated".to_owned()), "released".to_owned(), "waiting".to_owned())
                ]
            );
        });
    }

    #[test]
    fn an_event_records_the_move() {
        with_ctx(|ctx| {
            insert_event(ctx, 1, None, OrderStatus::New, "entered").unwrap();
            insert_event(ctx, 1, Some(OrderStatus::New), OrderStatus::Released, "passed").unwrap();
            let events: Vec<(Option<String>, String, String)> = ctx
                .tx
                .prepare("SELECT from_status, to_status, at FROM order_events ORDER BY id")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(events[0].0, None);
            assert_eq!(events[1].0.as_deref(), Some("new"));
            assert_eq!(events[1].1, "released");
            assert_eq!(events[1].2, ctx.now_text());
        });
    }
}
