//! Health, first start and the demo warehouse.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::admin::demo::{self, DemoSummary};
use crate::context::{Ctx, NoArgs};
use crate::db;
use crate::error::ApiError;
use crate::events::{Changed, Event};

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Health {
    pub ok: bool,
    pub version: String,
    pub schema: u32,
    /// True while the database holds nothing at all, not even an operator: the UI offers the
    /// demo warehouse.
    pub empty: bool,
}

pub fn health(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<Health, ApiError> {
    Ok(Health {
        ok: true,
        version: env!("CARGO_PKG_VERSION").to_owned(),
        schema: db::version_in(ctx.tx)?,
        empty: is_empty(ctx)?,
    })
}

/// Whether the database is brand new: no operator, station, product, order or movement. Once a
/// warehouse has its first manager it is real, and the demo (with its known PINs) stays out.
fn is_empty(ctx: &Ctx<'_>) -> Result<bool, ApiError> {
    let anything: bool = ctx.tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM operators) OR EXISTS (SELECT 1 FROM stations)
             OR EXISTS (SELECT 1 FROM products) OR EXISTS (SELECT 1 FROM orders)
             OR EXISTS (SELECT 1 FROM movements)",
        [],
        |r| r.get(0),
    )?;
    Ok(!anything)
}

/// Fills a brand-new database with the demo warehouse. Its operators' badges and PINs are
/// public, so it never goes into a database that already has anything, a manager above all:
/// the first-start screen may load it while the database is empty, and otherwise nobody can.
pub fn load_demo(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<DemoSummary, ApiError> {
    if !is_empty(ctx)? {
        return Err(ApiError::conflict(
            "this database is already in use; the demo loads only into a new, empty database \
             (start with a new --db file)",
        ));
    }
    let summary = demo::load(ctx)?;
    // Every open screen starts over: the whole warehouse just appeared.
    ctx.emit(Event::DataChanged { what: Changed::All });
    Ok(summary)
}
