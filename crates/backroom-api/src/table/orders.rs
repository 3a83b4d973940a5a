//! The `orders` table's shared writes and look-ups, and its history in `order_events`.

use crate::store::params;
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

/// Adds a line to the order's history: a move from `from` (none when it came in) to `to`, or
/// something that happened with `from` and `to` the same, with who, where, when and why.
pub fn insert_event(
    ctx: &Ctx<'_>,
    id: i64,
    from: Option<OrderStatus>,
    to: OrderStatus,
    reason: &str,
) -> Result<(), ApiError> {
    ctx.execute(
        "INSERT INTO order_events (order_id, from_status, to_status, reason, operator_id, station_id, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            id,
            from.map(OrderStatus::as_str),
            to.as_str(),
            reason,
            ctx.operator_id(),
            ctx.station_id(),
            ctx.now_text()
        ],
    )?;
    Ok(())
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
