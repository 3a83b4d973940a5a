//! The demo's shipped history: released orders from before the last few days went through the
//! floor as they would have, allocated, picked, weighed and shipped by the crew, so the manager's
//! reports have fill rates, weighings and throughput to show.
//!
//! Every step runs the real command at its own time, and the steps of all orders run in time
//! order, interleaved with the orders still arriving.

use backroom_core::order::OrderStatus;
use chrono::{DateTime, Utc};

use super::{Crew, Rng, minutes};
use crate::context::{Actor, Ctx};
use crate::error::ApiError;
use crate::floor::packing::{self, OrderInBox, OverrideWeighing, PackOrder, Weigh};
use crate::floor::picking::{self, PickRequest};
use crate::floor::shipping;
use crate::orders::allocation;
use crate::orders::{self, OrderRef};

/// Orders placed longer ago than this have been through the floor; newer ones are still open.
const SHIPPED_BEFORE_MINUTES: i64 = 4 * 24 * 60;
/// The box a packer reaches for when no suggestion fits.
const FALLBACK_BOX: &str = "BOX-L";
/// Why a manager let a box that weighed heavy go as it was.
const OVERRIDE_REASON: &str = "extra bubble wrap around fragile items; contents checked by hand";

/// The next thing that happens to an order on the floor.
enum Step {
    Allocate,
    Pick,
    Weigh,
    /// The box weighed light; the packer found the missing unit and weighs again.
    Reweigh(String),
    /// The box weighed heavy; a manager checks it and packs it as it is.
    Override,
    Ship,
}

struct Job {
    at: DateTime<Utc>,
    id: i64,
    number: String,
    step: Step,
}

/// The fulfilment still to happen, run as the demo's clock passes each step's time.
pub(super) struct Floor<'c> {
    rng: Rng,
    crew: &'c Crew,
    latest: DateTime<Utc>,
    jobs: Vec<Job>,
    /// Boxes weighed so far, which sets the few that go wrong.
    weighed: u64,
}

impl<'c> Floor<'c> {
    pub(super) fn new(crew: &'c Crew, latest: DateTime<Utc>) -> Floor<'c> {
        Floor { rng: Rng::stream("fulfilment"), crew, latest, jobs: Vec::new(), weighed: 0 }
    }

    /// Whether an order placed `age` minutes before loading has had time to ship.
    pub(super) fn ships(age: i64) -> bool {
        age > SHIPPED_BEFORE_MINUTES
    }

    /// Takes on an order released at `released`: the next allocation run an hour or so later
    /// serves it.
    pub(super) fn take(&mut self, id: i64, number: String, released: DateTime<Utc>) {
        let at = self.later(released, 40, 80);
        self.jobs.push(Job { at, id, number, step: Step::Allocate });
    }

    /// Runs every step due by `until`, earliest first.
    pub(super) fn run_until(
        &mut self,
        ctx: &mut Ctx<'_>,
        until: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        while let Some(k) = self.next_due(until) {
            let job = self.jobs.swap_remove(k);
            ctx.now = job.at;
            if let Some(next) = self.run(ctx, job)? {
                self.jobs.push(next);
            }
        }
        Ok(())
    }

    fn next_due(&self, until: DateTime<Utc>) -> Option<usize> {
        (0..self.jobs.len())
            .filter(|&k| self.jobs[k].at <= until)
            .min_by_key(|&k| (self.jobs[k].at, self.jobs[k].id))
    }

    /// A time `lo..=hi` minutes after `from`, never after the demo's last moment.
    fn later(&mut self, from: DateTime<Utc>, lo: i64, hi: i64) -> DateTime<Utc> {
        (from + minutes(self.rng.between(lo, hi))).min(self.latest)
    }

    fn then(&mut self, job: Job, step: Step, lo: i64, hi: i64) -> Option<Job> {
        let at = self.later(job.at, lo, hi);
        Some(Job { at, step, ..job })
    }

    fn run(&mut self, ctx: &mut Ctx<'_>, job: Job) -> Result<Option<Job>, ApiError> {
        match job.step {
            Step::Allocate => {
                ctx.actor = Some(self.crew.manager.clone());
                if !allocate(ctx, job.id)? {
                    return Ok(None);
                }
                Ok(self.then(job, Step::Pick, 15, 90))
            }
            Step::Pick => {
                ctx.actor = Some(self.rng.pick(&self.crew.pickers).clone());
                pick_all(ctx, job.id, &job.number)?;
                Ok(self.then(job, Step::Weigh, 10, 40))
            }
            Step::Weigh => {
                ctx.actor = Some(self.packer(job.id));
                self.weigh(ctx, job)
            }
            Step::Reweigh(ref box_code) => {
                ctx.actor = Some(self.packer(job.id));
                let expected = expected(ctx, &job.number, box_code)?;
                let grams = self.good_reading(&expected);
                let packed = weigh(ctx, &job.number, box_code, grams)?;
                Ok(if packed { self.then(job, Step::Ship, 30, 120) } else { None })
            }
            Step::Override => {
                ctx.actor = Some(self.crew.manager.clone());
                packing::override_weighing(
                    ctx,
                    OverrideWeighing {
                        order: job.number.clone(),
                        reason: OVERRIDE_REASON.to_owned(),
                        manager: None,
                        pin: None,
                    },
                )?;
                Ok(self.then(job, Step::Ship, 30, 120))
            }
            Step::Ship => {
                ctx.actor = Some(self.packer(job.id));
                shipping::ship_order(ctx, OrderRef { number: job.number })?;
                Ok(None)
            }
        }
    }

    /// The packer at whose bench the order is packed, from the first weighing to shipping.
    fn packer(&self, id: i64) -> Actor {
        let packers = &self.crew.packers;
        packers[id.unsigned_abs() as usize % packers.len()].clone()
    }

    /// Weighs the packed box. Most pass; one in twenty-five is a unit short and is weighed
    /// again after the repack, and one in a hundred weighs heavy and goes by a manager's
    /// override. They come at a fixed pace rather than by chance, so that even the demo's short
    /// history shows both.
    fn weigh(&mut self, ctx: &mut Ctx<'_>, job: Job) -> Result<Option<Job>, ApiError> {
        let box_code = choose_box(ctx, &job.number)?;
        let expected = expected(ctx, &job.number, &box_code)?;
        let nth = self.weighed;
        self.weighed += 1;
        let missing = heaviest_unit(&expected).filter(|&g| g > expected.tolerance_g + 2.0);
        let (grams, failed) = match (nth % 100, missing) {
            (14, _) => {
                let over = expected.tolerance_g + self.rng.between(15, 60) as f64;
                ((expected.expected_g + over).round(), Step::Override)
            }
            (n, Some(unit_g)) if n % 25 == 3 => {
                let grams = self.good_reading(&expected) - unit_g.round();
                (grams, Step::Reweigh(box_code.clone()))
            }
            _ => (self.good_reading(&expected), Step::Ship),
        };
        if weigh(ctx, &job.number, &box_code, grams)? {
            return Ok(self.then(job, Step::Ship, 30, 120));
        }
        Ok(match failed {
            Step::Override => self.then(job, Step::Override, 5, 15),
            Step::Reweigh(_) => self.then(job, failed, 3, 5),
            _ => None,
        })
    }

    /// A reading a few grams either side of the expected weight, well inside the tolerance.
    fn good_reading(&mut self, expected: &packing::ExpectedWeight) -> f64 {
        let spread = (expected.tolerance_g / 2.0).floor().clamp(0.0, 4.0) as i64;
        (expected.expected_g + self.rng.between(-spread, spread) as f64).round()
    }
}

/// Allocates one order; true when every unit it wants is reserved.
fn allocate(ctx: &mut Ctx<'_>, id: i64) -> Result<bool, ApiError> {
    let run = allocation::run(ctx, allocation::Scope::Orders(vec![id]))?;
    Ok(run.units_backordered == 0 && orders::status_of(ctx, id)? == OrderStatus::Allocated)
}

/// Picks every unit reserved for the order, bin by bin.
fn pick_all(ctx: &mut Ctx<'_>, id: i64, number: &str) -> Result<(), ApiError> {
    let reserved: Vec<(String, String, i64)> = {
        let mut stmt = ctx.tx.prepare(
            "SELECT p.sku, l.code, sum(r.qty) FROM reservations r
             JOIN order_lines ol ON ol.id = r.order_line_id
             JOIN products p ON p.id = r.product_id JOIN locations l ON l.id = r.location_id
             WHERE ol.order_id = ?1 GROUP BY p.sku, l.code ORDER BY l.code, p.sku",
        )?;
        stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?
    };
    for (product, bin, qty) in reserved {
        picking::pick(ctx, PickRequest { order: number.to_owned(), product, bin, qty })?;
    }
    Ok(())
}

/// The first box the items fit in, else a large one.
fn choose_box(ctx: &mut Ctx<'_>, number: &str) -> Result<String, ApiError> {
    let suggestion = packing::suggest_box(ctx, PackOrder { order: number.to_owned() })?;
    Ok(suggestion
        .fits
        .first()
        .map_or_else(|| FALLBACK_BOX.to_owned(), |fit| fit.pack_box.code.clone()))
}

fn expected(
    ctx: &mut Ctx<'_>,
    number: &str,
    box_code: &str,
) -> Result<packing::ExpectedWeight, ApiError> {
    packing::expected_weight(
        ctx,
        OrderInBox { order: number.to_owned(), box_code: box_code.to_owned() },
    )
}

/// The weight of the heaviest single unit in the box: the one a short box most plainly misses.
fn heaviest_unit(expected: &packing::ExpectedWeight) -> Option<f64> {
    expected.items.iter().filter_map(|i| i.unit_g).reduce(f64::max)
}

/// Weighs the box with a weight typed off a settled display; true when it packed the order.
fn weigh(ctx: &mut Ctx<'_>, number: &str, box_code: &str, grams: f64) -> Result<bool, ApiError> {
    let weighed = packing::weigh(
        ctx,
        Weigh {
            order: number.to_owned(),
            box_code: box_code.to_owned(),
            grams: Some(grams),
            stable: Some(true),
            age_ms: None,
            online: None,
            range: None,
            scale: None,
            manager: None,
            pin: None,
            reason: None,
        },
    )?;
    Ok(weighed.status == OrderStatus::Packed)
}
