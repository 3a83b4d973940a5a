//! Demand-range planning: how much stock each product needs for a target service level, and
//! how that stock holds up when demand runs above the usual.
//!
//! Everything is pure. The caller reads a product's order history into a daily demand series
//! (units ordered per day, zeros included, oldest first), its stock position and its supplier
//! settings, and passes them in; randomness comes from a seed the caller chooses, so the same
//! inputs always give the same answer.
//!
//! The rules, stated once:
//! - **Demand.** The daily mean and sample standard deviation of the series. A linear trend is
//!   fitted only from [`MIN_TREND_DAYS`] days on, and kept only when its slope is at least
//!   [`TREND_T`] standard errors from zero. Weekly seasonality (seven weekday factors that
//!   average one) is estimated only from [`MIN_SEASON_WEEKS`] full weeks on, from the most
//!   recent whole weeks, and kept only when a one-way analysis of variance across weekdays gives
//!   F ≥ [`SEASON_F`] (stricter than the 1 % point for every history that qualifies). The σ_d
//!   the policy uses is the spread left after the trend and season that were kept: a steady
//!   rise or a busy Saturday is forecast, not insured against. The forecast daily mean is the
//!   average of the model over the days the stock must cover (lead time plus review period),
//!   each day floored at zero so a falling trend never forecasts negative demand.
//! - **Policy.** z = Φ⁻¹(cycle service level), the level clamped to
//!   [[`MIN_SERVICE_LEVEL`], [`MAX_SERVICE_LEVEL`]]. With lead time L (days), its standard
//!   deviation σ_L and review period R: σ over an interval T is √(T·σ_d² + d²·σ_L²);
//!   reorder point = d·L + z·σ(L). Safety stock = z·σ(P) over the protection interval
//!   P = L + R (for continuous review, R = 0, that is z·σ(L)). Periodic review (R > 0) orders
//!   up to d·(L+R) + z·σ(L+R) at each review; continuous review orders when the position falls
//!   to the reorder point, up to the reorder point plus the order quantity (the textbook
//!   order-up-to collapses to the reorder point at R = 0, which would order nothing useful).
//! - **Order quantity** Q: one review period of demand, d·R; for continuous review,
//!   `order_cycle_days` of demand. It stands in for an economic order quantity, which needs
//!   ordering and holding costs the warehouse does not keep.
//! - **Fill rate.** Expected shortage per cycle ESC = σ(P)·G(z), with G the standard normal
//!   loss function; unit fill rate = 1 − ESC/Q. Unmet demand is back-ordered, as the formula
//!   assumes.
//! - **Inventory position** = on hand + on order − back ordered. Suggested quantity, rounded up
//!   to whole units: periodic review, order-up-to − position (what to order at a review);
//!   continuous review, the same but only once the position is at or below the reorder point.
//! - **No history** (an empty series or no unit ordered in it): demand 0, safety stock 0,
//!   flagged; only back orders are suggested for purchase.
//! - **Simulation** (what-if and the service check): a day-by-day inventory with demand
//!   Normal(μ·m, σ·m) clipped at zero, m the scenario's multiplier for the day, flowing evenly
//!   through the day so a continuous-review order is placed the moment the position reaches
//!   the reorder point. Orders arrive after the lead time (drawn Normal(L, σ_L), floored at
//!   zero, when σ_L > 0). Unmet demand is back-ordered. Scenarios share random numbers run by
//!   run, so their differences come from the demand level, not from luck.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Fewest days of history before a trend is looked for.
pub const MIN_TREND_DAYS: usize = 28;
/// A slope is kept when |slope| / standard error reaches this (about 0.3 % two-sided).
pub const TREND_T: f64 = 3.0;
/// Fewest whole weeks of history before weekly seasonality is looked for.
pub const MIN_SEASON_WEEKS: usize = 4;
/// Weekday factors are kept when the analysis-of-variance F statistic reaches this.
pub const SEASON_F: f64 = 4.0;
/// Service levels are clamped into this range: below one half the "safety" stock would be
/// negative, and above the top z grows without bound for a negligible gain.
pub const MIN_SERVICE_LEVEL: f64 = 0.5;
/// The top of the service-level clamp (z = 3.72).
pub const MAX_SERVICE_LEVEL: f64 = 0.9999;
/// History shorter than this is flagged: the spread estimate is rough.
pub const SHORT_HISTORY_DAYS: usize = 28;

/// Differences below this are rounding, not stock.
const EPS: f64 = 1e-9;

// ---------------------------------------------------------------------------------------------
// Random numbers
// ---------------------------------------------------------------------------------------------

/// One step of SplitMix64, used to spread a seed over the generator's state.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A seeded xoshiro256++ generator with a polar-method normal sampler: small, fast and the
/// same on every platform.
#[derive(Debug, Clone)]
pub struct Rng {
    s: [u64; 4],
    spare: Option<f64>,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut state = seed;
        let s = [
            splitmix64(&mut state),
            splitmix64(&mut state),
            splitmix64(&mut state),
            splitmix64(&mut state),
        ];
        Rng { s, spare: None }
    }

    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform on [0, 1), 53 bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A standard normal draw (Marsaglia's polar method; every second draw is the spare).
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        loop {
            let u = 2.0 * self.uniform() - 1.0;
            let v = 2.0 * self.uniform() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let m = (-2.0 * s.ln() / s).sqrt();
                self.spare = Some(v * m);
                return u * m;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The normal distribution
// ---------------------------------------------------------------------------------------------

/// The standard normal density φ(z).
pub fn normal_pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// The complementary error function (Numerical Recipes' Chebyshev fit, relative error below
/// 1.2e-7 everywhere), enough for service levels and loss values.
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// The standard normal distribution function Φ(z).
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

/// Φ⁻¹(p) by Acklam's rational approximation (relative error below 1.2e-9). Returns ±∞ at
/// p = 1 and p = 0, and NaN outside [0, 1].
pub fn inverse_normal_cdf(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const P_LOW: f64 = 0.02425;
    if !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    // The tails use a rational function of √(−2 ln p); the middle one of (p − ½)².
    let tail = |q: f64| {
        let q = (-2.0 * q.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < P_LOW {
        tail(p)
    } else if p > 1.0 - P_LOW {
        -tail(1.0 - p)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// The standard normal loss function G(z) = E[(X − z)⁺] = φ(z) − z·(1 − Φ(z)): the expected
/// shortage per unit of spread when z spreads of safety stock are held.
pub fn normal_loss(z: f64) -> f64 {
    // 1 − Φ(z) straight from erfc, so the upper tail keeps its precision.
    let upper = 0.5 * erfc(z / std::f64::consts::SQRT_2);
    (normal_pdf(z) - z * upper).max(0.0)
}

// ---------------------------------------------------------------------------------------------
// Demand statistics
// ---------------------------------------------------------------------------------------------

/// What the history says about a product's daily demand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DemandStats {
    /// Days of history.
    pub days: u32,
    /// Units ordered over the history.
    pub total: f64,
    /// Daily mean over the history.
    pub mean: f64,
    /// Sample standard deviation of daily demand (n − 1); 0 with fewer than two days.
    pub sd: f64,
    /// Units per day by which daily demand grows each day, when the history supports a trend.
    pub trend_per_day: Option<f64>,
    /// Demand factors Monday to Sunday, averaging 1, when the history supports them.
    pub weekly_index: Option<[f64; 7]>,
    /// Standard deviation left after the trend and season kept: the σ_d the policy insures
    /// against. Equal to `sd` when neither is kept.
    pub residual_sd: f64,
    /// Forecast daily mean over the coming `horizon_days`.
    pub forecast_mean: f64,
}

impl DemandStats {
    fn empty() -> DemandStats {
        DemandStats {
            days: 0,
            total: 0.0,
            mean: 0.0,
            sd: 0.0,
            trend_per_day: None,
            weekly_index: None,
            residual_sd: 0.0,
            forecast_mean: 0.0,
        }
    }
}

/// A fitted straight line: demand on day t (0 = the oldest day) is `intercept + slope·t`.
#[derive(Debug, Clone, Copy)]
struct Line {
    intercept: f64,
    slope: f64,
}

/// Summarises `daily` (units per day, oldest first, zeros included) whose first day fell on
/// `first_weekday` (0 = Monday … 6 = Sunday, as chrono's `num_days_from_monday`), and forecasts
/// the mean over the next `horizon_days` (at least one day).
pub fn demand_stats(daily: &[f64], first_weekday: u8, horizon_days: f64) -> DemandStats {
    let n = daily.len();
    if n == 0 {
        return DemandStats::empty();
    }
    let nf = n as f64;
    let total: f64 = daily.iter().sum();
    let mean = total / nf;
    let sum_sq: f64 = daily.iter().map(|y| (y - mean) * (y - mean)).sum();
    let sd = if n > 1 { (sum_sq / (nf - 1.0)).sqrt() } else { 0.0 };

    let line = if n >= MIN_TREND_DAYS { fit_trend(daily, mean, sum_sq) } else { None };
    let level = |t: f64| match line {
        Some(l) => l.intercept + l.slope * t,
        None => mean,
    };
    let first = usize::from(first_weekday % 7);
    let weekly = if n >= 7 * MIN_SEASON_WEEKS { weekly_index(daily, first, &level) } else { None };
    let factor = |t: usize| weekly.map_or(1.0, |w| w[(first + t) % 7]);

    // Parameters fitted: the level, the slope if kept, six free weekday factors if kept.
    let params = 1 + usize::from(line.is_some()) + if weekly.is_some() { 6 } else { 0 };
    let residual_sd = if params == 1 || n <= params {
        sd
    } else {
        let rss: f64 = daily
            .iter()
            .enumerate()
            .map(|(t, y)| {
                let r = y - level(t as f64) * factor(t);
                r * r
            })
            .sum();
        (rss / (n - params) as f64).sqrt()
    };

    let horizon = horizon_days.round().max(1.0) as usize;
    let forecast_mean =
        (n..n + horizon).map(|t| (level(t as f64) * factor(t)).max(0.0)).sum::<f64>()
            / horizon as f64;

    DemandStats {
        days: n as u32,
        total,
        mean,
        sd,
        trend_per_day: line.map(|l| l.slope),
        weekly_index: weekly,
        residual_sd,
        forecast_mean,
    }
}

/// Least squares on the day index; the line is kept only when the slope's t statistic reaches
/// [`TREND_T`]. `sum_sq` is Σ(y − ȳ)².
fn fit_trend(daily: &[f64], mean: f64, sum_sq: f64) -> Option<Line> {
    let nf = daily.len() as f64;
    let t_mean = (nf - 1.0) / 2.0;
    let sxx = nf * (nf * nf - 1.0) / 12.0;
    let sxy: f64 = daily.iter().enumerate().map(|(t, y)| (t as f64 - t_mean) * (y - mean)).sum();
    let slope = sxy / sxx;
    let rss = (sum_sq - slope * sxy).max(0.0);
    let se = (rss / (nf - 2.0) / sxx).sqrt();
    let significant = if se > 0.0 { slope.abs() / se >= TREND_T } else { slope.abs() > EPS };
    significant.then_some(Line { intercept: mean - slope * t_mean, slope })
}

/// Weekday factors from the most recent whole weeks: each weekday's demand over what the level
/// (trend or mean) predicted for those days, scaled to average 1. Kept only when the weekday
/// means of the detrended demand differ by more than noise (F ≥ [`SEASON_F`]).
fn weekly_index(daily: &[f64], first: usize, level: &dyn Fn(f64) -> f64) -> Option<[f64; 7]> {
    let m = daily.len() / 7 * 7;
    let start = daily.len() - m;
    let mut sum_y = [0.0; 7];
    let mut sum_level = [0.0; 7];
    let mut sum_dev = [0.0; 7];
    for (t, &y) in daily.iter().enumerate().skip(start) {
        let w = (first + t) % 7;
        let l = level(t as f64);
        sum_y[w] += y;
        sum_level[w] += l;
        sum_dev[w] += y - l;
    }
    if sum_y.iter().sum::<f64>() <= 0.0 || sum_level.iter().any(|&l| l <= 0.0) {
        return None;
    }
    // One-way analysis of variance of the detrended demand across the seven weekdays.
    let per_day = (m / 7) as f64;
    let group_mean = sum_dev.map(|s| s / per_day);
    let grand = group_mean.iter().sum::<f64>() / 7.0;
    let between: f64 =
        group_mean.iter().map(|g| per_day * (g - grand) * (g - grand)).sum::<f64>() / 6.0;
    let within: f64 = daily
        .iter()
        .enumerate()
        .skip(start)
        .map(|(t, &y)| {
            let r = y - level(t as f64) - group_mean[(first + t) % 7];
            r * r
        })
        .sum::<f64>()
        / (m - 7) as f64;
    let significant = if within > EPS { between / within >= SEASON_F } else { between > EPS };
    if !significant {
        return None;
    }
    let raw: [f64; 7] = std::array::from_fn(|w| sum_y[w] / sum_level[w]);
    let norm = raw.iter().sum::<f64>() / 7.0;
    Some(raw.map(|r| r / norm))
}

// ---------------------------------------------------------------------------------------------
// Policy
// ---------------------------------------------------------------------------------------------

/// A product's replenishment settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct PolicySettings {
    /// Target cycle service level: the share of replenishment cycles without a stock-out.
    pub service_level: f64,
    /// Supplier lead time in days.
    pub lead_time_days: f64,
    /// Standard deviation of the lead time in days; 0 when the supplier is punctual.
    pub lead_time_sd_days: f64,
    /// Days between stock reviews; 0 is continuous review (order the moment the position
    /// reaches the reorder point).
    pub review_period_days: f64,
    /// Under continuous review, the days of demand one order covers (Q = d × this).
    pub order_cycle_days: f64,
}

impl Default for PolicySettings {
    fn default() -> Self {
        PolicySettings {
            service_level: 0.95,
            lead_time_days: 7.0,
            lead_time_sd_days: 0.0,
            review_period_days: 0.0,
            order_cycle_days: 14.0,
        }
    }
}

/// The stocking policy for one product at one demand level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Policy {
    /// The service level after clamping, and its z = Φ⁻¹(level).
    pub service_level: f64,
    pub z: f64,
    /// Daily demand d and its standard deviation σ_d the policy was sized on.
    pub demand_mean: f64,
    pub demand_sd: f64,
    pub lead_time_days: f64,
    pub lead_time_sd_days: f64,
    pub review_period_days: f64,
    /// Standard deviation of demand over the lead time, σ(L).
    pub lead_time_demand_sd: f64,
    /// Standard deviation of demand over the protection interval L + R, σ(L+R).
    pub protection_demand_sd: f64,
    /// z·σ(L+R).
    pub safety_stock: f64,
    /// d·L + z·σ(L).
    pub reorder_point: f64,
    /// Periodic review: d·(L+R) + z·σ(L+R). Continuous review: reorder point + Q.
    pub order_up_to: f64,
    /// Q: the expected size of one replenishment order.
    pub order_qty: f64,
    /// σ(L+R)·G(z): units short per replenishment cycle, on average.
    pub expected_shortage_per_cycle: f64,
    /// 1 − ESC/Q: the share of units served from stock.
    pub fill_rate: f64,
}

impl Policy {
    fn is_periodic(&self) -> bool {
        self.review_period_days > 0.0
    }
}

/// Standard deviation of demand over `days` days whose length itself varies by `lead_sd` days.
fn interval_sd(days: f64, mean: f64, sd: f64, lead_sd: f64) -> f64 {
    (days * sd * sd + mean * mean * lead_sd * lead_sd).sqrt()
}

/// Sizes the policy for daily demand with mean `demand_mean` and standard deviation
/// `demand_sd`. Negative inputs count as zero.
pub fn policy(demand_mean: f64, demand_sd: f64, settings: &PolicySettings) -> Policy {
    let d = demand_mean.max(0.0);
    let sd = demand_sd.max(0.0);
    let lead = settings.lead_time_days.max(0.0);
    let lead_sd = settings.lead_time_sd_days.max(0.0);
    let review = settings.review_period_days.max(0.0);
    let service_level = settings.service_level.clamp(MIN_SERVICE_LEVEL, MAX_SERVICE_LEVEL);
    let z = inverse_normal_cdf(service_level);

    let lead_time_demand_sd = interval_sd(lead, d, sd, lead_sd);
    let protection_demand_sd = interval_sd(lead + review, d, sd, lead_sd);
    let safety_stock = z * protection_demand_sd;
    let reorder_point = d * lead + z * lead_time_demand_sd;
    let cycle_days = if review > 0.0 { review } else { settings.order_cycle_days.max(0.0) };
    let order_qty = d * cycle_days;
    let order_up_to =
        if review > 0.0 { d * (lead + review) + safety_stock } else { reorder_point + order_qty };
    let expected_shortage_per_cycle = protection_demand_sd * normal_loss(z);
    let fill_rate = if order_qty > EPS {
        (1.0 - expected_shortage_per_cycle / order_qty).clamp(0.0, 1.0)
    } else if expected_shortage_per_cycle > EPS {
        0.0
    } else {
        1.0
    };
    Policy {
        service_level,
        z,
        demand_mean: d,
        demand_sd: sd,
        lead_time_days: lead,
        lead_time_sd_days: lead_sd,
        review_period_days: review,
        lead_time_demand_sd,
        protection_demand_sd,
        safety_stock,
        reorder_point,
        order_up_to,
        order_qty,
        expected_shortage_per_cycle,
        fill_rate,
    }
}

/// On hand + on order − back ordered.
pub fn inventory_position(on_hand: f64, on_order: f64, back_ordered: f64) -> f64 {
    on_hand + on_order - back_ordered
}

/// Whole units to order now at inventory `position`: up to the order-up-to level, under
/// continuous review only once the position is at or below the reorder point.
pub fn suggested_qty(policy: &Policy, position: f64) -> f64 {
    let due = policy.is_periodic() || position <= policy.reorder_point + EPS;
    if !due {
        return 0.0;
    }
    // The tolerance keeps 112.9999999 from becoming 113 units and 113.0000001 from becoming 114.
    (policy.order_up_to - position - 1e-6).ceil().max(0.0)
}

// ---------------------------------------------------------------------------------------------
// Products
// ---------------------------------------------------------------------------------------------

/// One product as the database knows it: one row of SQL plus its daily demand series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ProductInput {
    pub sku: String,
    /// Units ordered per day, oldest first, zeros included, ending yesterday.
    pub daily_demand: Vec<f64>,
    /// Weekday of the series' first day: 0 = Monday … 6 = Sunday.
    pub first_weekday: u8,
    pub on_hand: f64,
    pub on_order: f64,
    pub back_ordered: f64,
    pub service_level: f64,
    pub lead_time_days: f64,
    pub lead_time_sd_days: f64,
    pub review_period_days: f64,
    pub order_cycle_days: f64,
}

impl Default for ProductInput {
    fn default() -> Self {
        let s = PolicySettings::default();
        ProductInput {
            sku: String::new(),
            daily_demand: Vec::new(),
            first_weekday: 0,
            on_hand: 0.0,
            on_order: 0.0,
            back_ordered: 0.0,
            service_level: s.service_level,
            lead_time_days: s.lead_time_days,
            lead_time_sd_days: s.lead_time_sd_days,
            review_period_days: s.review_period_days,
            order_cycle_days: s.order_cycle_days,
        }
    }
}

impl ProductInput {
    pub fn settings(&self) -> PolicySettings {
        PolicySettings {
            service_level: self.service_level,
            lead_time_days: self.lead_time_days,
            lead_time_sd_days: self.lead_time_sd_days,
            review_period_days: self.review_period_days,
            order_cycle_days: self.order_cycle_days,
        }
    }

    pub fn position(&self) -> f64 {
        inventory_position(self.on_hand, self.on_order, self.back_ordered)
    }

    /// Demand statistics forecast over the protection interval (lead time + review period).
    pub fn stats(&self) -> DemandStats {
        let horizon = self.lead_time_days.max(0.0) + self.review_period_days.max(0.0);
        demand_stats(&self.daily_demand, self.first_weekday, horizon)
    }

    /// The policy sized on the forecast mean and the residual spread.
    pub fn policy(&self) -> Policy {
        let stats = self.stats();
        policy(stats.forecast_mean, stats.residual_sd, &self.settings())
    }
}

/// A product's plan: its policy, what to order now and what needs attention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ProductPlan {
    pub sku: String,
    pub history_days: u32,
    /// Forecast daily demand d and the spread σ_d the plan insures against.
    pub forecast_daily: f64,
    pub demand_sd: f64,
    pub trend_per_day: Option<f64>,
    /// Weekly seasonality was found (and shapes the forecast).
    pub seasonal: bool,
    pub safety_stock: f64,
    pub reorder_point: f64,
    pub order_up_to: f64,
    pub order_qty: f64,
    pub inventory_position: f64,
    /// Whole units to order now.
    pub suggested_qty: f64,
    /// On hand / forecast daily demand; `None` when nothing is forecast.
    pub days_of_cover: Option<f64>,
    /// The policy's expected unit fill rate.
    pub expected_fill_rate: f64,
    /// Position at or below the reorder point, for a product that sells or owes back orders.
    pub below_reorder_point: bool,
    /// Nothing on hand.
    pub out_of_stock: bool,
    /// No unit ordered in the history (or no history at all): nothing to size on.
    pub no_history: bool,
    /// Fewer than [`SHORT_HISTORY_DAYS`] days of history: the spread is a rough estimate.
    pub short_history: bool,
}

/// Plans one product.
pub fn plan_product(input: &ProductInput) -> ProductPlan {
    let stats = input.stats();
    let policy = policy(stats.forecast_mean, stats.residual_sd, &input.settings());
    let position = input.position();
    let no_history = stats.total <= 0.0;
    let days_of_cover =
        (policy.demand_mean > EPS).then(|| input.on_hand.max(0.0) / policy.demand_mean);
    ProductPlan {
        sku: input.sku.clone(),
        history_days: stats.days,
        forecast_daily: policy.demand_mean,
        demand_sd: policy.demand_sd,
        trend_per_day: stats.trend_per_day,
        seasonal: stats.weekly_index.is_some(),
        safety_stock: policy.safety_stock,
        reorder_point: policy.reorder_point,
        order_up_to: policy.order_up_to,
        order_qty: policy.order_qty,
        inventory_position: position,
        suggested_qty: suggested_qty(&policy, position),
        days_of_cover,
        expected_fill_rate: policy.fill_rate,
        below_reorder_point: position <= policy.reorder_point + EPS
            && (policy.demand_mean > EPS || position < -EPS),
        out_of_stock: input.on_hand <= 0.0,
        no_history,
        short_history: (stats.days as usize) < SHORT_HISTORY_DAYS,
    }
}

/// Plans every product, in input order.
pub fn plan_all(inputs: &[ProductInput]) -> Vec<ProductPlan> {
    inputs.iter().map(plan_product).collect()
}

// ---------------------------------------------------------------------------------------------
// Simulation
// ---------------------------------------------------------------------------------------------

/// A day-by-day inventory run under a fixed policy with back orders.
struct Sim<'a> {
    policy: &'a Policy,
    /// Whole days between reviews under periodic review.
    review_every: Option<u32>,
    /// On hand − back ordered.
    net: f64,
    position: f64,
    /// Open orders: (arrival time in days, units).
    pipeline: Vec<(f64, f64)>,
    demand_rng: Rng,
    lead_rng: Rng,
}

/// One simulated day.
#[derive(Debug, Clone, Copy, Default)]
struct Day {
    demand: f64,
    short: f64,
    orders: u32,
}

impl<'a> Sim<'a> {
    fn new(policy: &'a Policy, net: f64, position: f64, seed: u64) -> Sim<'a> {
        let mut state = seed;
        // The simulation reviews on whole days; a period under half a day reviews daily.
        let review_every =
            policy.is_periodic().then(|| policy.review_period_days.round().max(1.0) as u32);
        Sim {
            policy,
            review_every,
            net,
            position,
            pipeline: Vec::new(),
            demand_rng: Rng::new(splitmix64(&mut state)),
            lead_rng: Rng::new(splitmix64(&mut state)),
        }
    }

    fn continuous(&self) -> bool {
        self.review_every.is_none() && self.policy.order_qty > EPS
    }

    /// Orders up to the order-up-to level at time `at`; returns whether an order was placed.
    fn order_up(&mut self, at: f64) -> bool {
        let qty = self.policy.order_up_to - self.position;
        if qty <= EPS {
            return false;
        }
        let p = self.policy;
        let lead = if p.lead_time_sd_days > 0.0 {
            (p.lead_time_days + p.lead_time_sd_days * self.lead_rng.normal()).max(0.0)
        } else {
            p.lead_time_days
        };
        self.pipeline.push((at + lead, qty));
        self.position += qty;
        true
    }

    /// Runs day `day` with demand Normal(`mean`, `sd`) clipped at zero. `on_arrival` hears of
    /// every arrival whether the cycle it closes ran short (net stock below zero just before).
    fn step(&mut self, day: u32, mean: f64, sd: f64, on_arrival: &mut dyn FnMut(bool)) -> Day {
        let start = f64::from(day);
        let end = start + 1.0;
        let mut out = Day::default();
        match self.review_every {
            Some(r) if day.is_multiple_of(r) => out.orders += u32::from(self.order_up(start)),
            // Without an order quantity there is no cycle: top up once a day if below.
            None if !self.continuous() && self.position < self.policy.reorder_point - EPS => {
                out.orders += u32::from(self.order_up(start))
            }
            _ => {}
        }
        let rate = (mean + sd * self.demand_rng.normal()).max(0.0);
        out.demand = rate;
        let mut now = start;
        loop {
            if self.continuous() && self.position <= self.policy.reorder_point + EPS {
                out.orders += u32::from(self.order_up(now));
            }
            let arrival = self
                .pipeline
                .iter()
                .enumerate()
                .filter(|(_, o)| o.0 < end)
                .min_by(|a, b| a.1.0.total_cmp(&b.1.0))
                .map(|(i, o)| (i, o.0.max(now)));
            let above = self.position > self.policy.reorder_point;
            let crossing = if self.continuous() && rate > 0.0 && above {
                now + (self.position - self.policy.reorder_point) / rate
            } else {
                f64::INFINITY
            };
            let next = arrival.map_or(end, |a| a.1).min(crossing).min(end);
            let used = rate * (next - now);
            out.short += (used - self.net.max(0.0)).max(0.0);
            self.net -= used;
            self.position -= used;
            now = next;
            match arrival {
                Some((i, at)) if at <= next => {
                    on_arrival(self.net < -EPS);
                    let (_, qty) = self.pipeline.swap_remove(i);
                    self.net += qty;
                }
                _ if crossing <= next && next < end => {
                    // Snap away the rounding so the order at the top of the loop fires.
                    self.position = self.policy.reorder_point;
                }
                _ => break,
            }
        }
        out
    }
}

/// What a simulation of many replenishment cycles achieved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ServiceCheck {
    /// Replenishment cycles observed (after a warm-up).
    pub cycles: u32,
    /// Share of cycles without a stock-out.
    pub cycle_service_level: f64,
    /// Share of demanded units served from stock.
    pub fill_rate: f64,
    /// Days simulated, warm-up included.
    pub days: u32,
}

/// Cycles discarded before counting, so the run starts from its steady state.
pub const WARMUP_CYCLES: u32 = 3;

/// Simulates `policy` with daily demand scaled by `scale` until `cycles` replenishment cycles
/// (order arrivals) have been observed, and reports the cycle service level and fill rate
/// achieved. The run starts full (net stock at the order-up-to level) and ignores its first
/// [`WARMUP_CYCLES`] cycles.
pub fn check_service(policy: &Policy, scale: f64, cycles: u32, seed: u64) -> ServiceCheck {
    let scale = scale.max(0.0);
    let (mean, sd) = (policy.demand_mean * scale, policy.demand_sd * scale);
    let mut sim = Sim::new(policy, policy.order_up_to, policy.order_up_to, seed);
    if mean <= EPS || cycles == 0 {
        return ServiceCheck { cycles: 0, cycle_service_level: 1.0, fill_rate: 1.0, days: 0 };
    }
    // A cap in case the policy never orders (no demand to cycle on).
    let cycle_days = policy.order_qty / mean + policy.review_period_days + 1.0;
    let max_days = (f64::from(cycles + WARMUP_CYCLES + 1) * (cycle_days + policy.lead_time_days))
        .mul_add(10.0, 1000.0)
        .min(f64::from(u32::MAX - 1)) as u32;
    let (mut seen, mut short_cycles) = (0u32, 0u32);
    let (mut demand, mut short) = (0.0, 0.0);
    let mut day = 0;
    while day < max_days && seen < cycles + WARMUP_CYCLES {
        let counting = seen >= WARMUP_CYCLES;
        let out = sim.step(day, mean, sd, &mut |ran_short| {
            if seen >= WARMUP_CYCLES && seen < cycles + WARMUP_CYCLES {
                short_cycles += u32::from(ran_short);
            }
            seen += 1;
        });
        if counting {
            demand += out.demand;
            short += out.short;
        }
        day += 1;
    }
    let counted = seen.saturating_sub(WARMUP_CYCLES).min(cycles);
    ServiceCheck {
        cycles: counted,
        cycle_service_level: if counted > 0 {
            1.0 - f64::from(short_cycles) / f64::from(counted)
        } else {
            1.0
        },
        fill_rate: if demand > 0.0 { 1.0 - short / demand } else { 1.0 },
        days: day,
    }
}

// ---------------------------------------------------------------------------------------------
// What-if
// ---------------------------------------------------------------------------------------------

/// A demand level to test the policy against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Scenario {
    pub name: String,
    /// Multiplies daily demand on every day.
    pub scale: f64,
    /// A further multiplier per day of the horizon, day 0 first; days past its end use 1.
    pub profile: Vec<f64>,
}

impl Scenario {
    /// Demand `scale` times the usual, every day.
    pub fn scaled(name: &str, scale: f64) -> Scenario {
        Scenario { name: name.to_owned(), scale, profile: Vec::new() }
    }

    /// Usual demand except `peak_days` days from `start_day` on, when it is `peak` times the
    /// usual; half-way ramps of two days either side, as a holiday builds and fades.
    pub fn holiday_peak(name: &str, start_day: u32, peak_days: u32, peak: f64) -> Scenario {
        let end = start_day + peak_days;
        let ramp = (peak - 1.0) / 2.0;
        let profile = (0..end + 2)
            .map(|d| {
                if d >= start_day && d < end {
                    peak
                } else if (d + 2 >= start_day && d < start_day) || d >= end {
                    1.0 + ramp
                } else {
                    1.0
                }
            })
            .collect();
        Scenario { name: name.to_owned(), scale: 1.0, profile }
    }

    /// The demand multiplier on `day`.
    pub fn multiplier(&self, day: u32) -> f64 {
        let shape = self.profile.get(day as usize).copied().unwrap_or(1.0);
        (self.scale * shape).max(0.0)
    }
}

/// How long and how often a what-if is simulated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct WhatIfOptions {
    pub horizon_days: u32,
    /// Independent runs averaged per scenario.
    pub runs: u32,
}

impl Default for WhatIfOptions {
    fn default() -> Self {
        WhatIfOptions { horizon_days: 90, runs: 100 }
    }
}

/// How a scenario played out over the horizon, averaged over the runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ScenarioOutcome {
    pub name: String,
    /// Mean daily demand over the horizon, by the scenario's multipliers.
    pub mean_daily_demand: f64,
    /// Share of units demanded over the horizon served from stock.
    pub fill_rate: f64,
    /// Days with unmet demand, per run.
    pub stockout_days: f64,
    /// Runs of consecutive stock-out days, per run.
    pub stockout_events: f64,
    /// Purchase orders placed, per run.
    pub orders_placed: f64,
    /// On hand today / mean daily demand; `None` without demand.
    pub days_of_cover: Option<f64>,
}

/// Tests the product's base-demand policy, from its current stock, against each scenario.
/// Open purchase orders have no due date here, so they are taken to arrive half a lead time
/// from now (on average an open order is half-way through its lead time). Same inputs and
/// seed, same outcomes.
pub fn what_if(
    input: &ProductInput,
    scenarios: &[Scenario],
    options: &WhatIfOptions,
    seed: u64,
) -> Vec<ScenarioOutcome> {
    let policy = input.policy();
    scenarios.iter().map(|s| run_scenario(&policy, input, s, options, seed)).collect()
}

fn run_scenario(
    policy: &Policy,
    input: &ProductInput,
    scenario: &Scenario,
    options: &WhatIfOptions,
    seed: u64,
) -> ScenarioOutcome {
    let horizon = options.horizon_days.max(1);
    let runs = options.runs.max(1);
    let multipliers: Vec<f64> = (0..horizon).map(|d| scenario.multiplier(d)).collect();
    let mean_daily_demand =
        policy.demand_mean * multipliers.iter().sum::<f64>() / f64::from(horizon);
    let (mut demand, mut short) = (0.0, 0.0);
    let (mut stockout_days, mut stockout_events, mut orders) = (0u64, 0u64, 0u64);
    let mut state = seed;
    for _ in 0..runs {
        // Every scenario sees the same run seeds: common random numbers.
        let run_seed = splitmix64(&mut state);
        let net = input.on_hand - input.back_ordered;
        let mut sim = Sim::new(policy, net, input.position(), run_seed);
        if input.on_order > EPS {
            sim.pipeline.push((policy.lead_time_days / 2.0, input.on_order));
        }
        let mut short_yesterday = false;
        for (day, &m) in (0..horizon).zip(&multipliers) {
            let out = sim.step(day, policy.demand_mean * m, policy.demand_sd * m, &mut |_| {});
            demand += out.demand;
            short += out.short;
            orders += u64::from(out.orders);
            let short_today = out.short > EPS;
            stockout_days += u64::from(short_today);
            stockout_events += u64::from(short_today && !short_yesterday);
            short_yesterday = short_today;
        }
    }
    let per_run = |n: u64| n as f64 / f64::from(runs);
    ScenarioOutcome {
        name: scenario.name.clone(),
        mean_daily_demand,
        fill_rate: if demand > 0.0 { 1.0 - short / demand } else { 1.0 },
        stockout_days: per_run(stockout_days),
        stockout_events: per_run(stockout_events),
        orders_placed: per_run(orders),
        days_of_cover: (mean_daily_demand > EPS)
            .then(|| input.on_hand.max(0.0) / mean_daily_demand),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::{Just, prop_assert, prop_oneof, proptest};

    use super::*;

    fn close(actual: f64, expected: f64, tolerance: f64) {
        assert!(
            (actual - expected).abs() <= tolerance,
            "{actual} is not within {tolerance} of {expected}"
        );
    }

    /// Daily Normal(mean, sd) demand, rounded to whole units and floored at zero.
    fn noisy(days: usize, mean: impl Fn(usize) -> f64, sd: f64, seed: u64) -> Vec<f64> {
        let mut rng = Rng::new(seed);
        (0..days).map(|t| (mean(t) + sd * rng.normal()).round().max(0.0)).collect()
    }

    fn settings(service_level: f64, lead: f64) -> PolicySettings {
        PolicySettings { service_level, lead_time_days: lead, ..PolicySettings::default() }
    }

    #[test]
    fn splitmix_matches_the_reference_sequence() {
        let mut state = 1_234_567;
        let first: Vec<u64> = (0..3).map(|_| splitmix64(&mut state)).collect();
        assert_eq!(first, [6457827717110365317, 3203168211198807973, 9817491932198370423]);
    }

    #[test]
    fn normal_draws_have_unit_moments() {
        let mut rng = Rng::new(7);
        let n = 200_000;
        let draws: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let var = draws.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
        close(mean, 0.0, 0.01);
        close(var, 1.0, 0.015);
        let below = draws.iter().filter(|&&x| x < 1.644_854).count() as f64 / n as f64;
        close(below, 0.95, 0.003);
        let u = (0..n).map(|_| rng.uniform()).sum::<f64>() / n as f64;
        close(u, 0.5, 0.003);
    }

    #[test]
    fn inverse_normal_matches_known_quantiles() {
        close(inverse_normal_cdf(0.5), 0.0, 1e-9);
        close(inverse_normal_cdf(0.95), 1.644_853_627, 1e-6);
        close(inverse_normal_cdf(0.99), 2.326_347_874, 1e-6);
        close(inverse_normal_cdf(0.9), 1.281_551_566, 1e-6);
        close(inverse_normal_cdf(0.975), 1.959_963_985, 1e-6);
        // The tails use the other branch of the approximation.
        close(inverse_normal_cdf(0.001), -3.090_232_306, 1e-6);
        close(inverse_normal_cdf(0.9999), 3.719_016_485, 1e-6);
        close(inverse_normal_cdf(0.05), -inverse_normal_cdf(0.95), 1e-12);
        assert_eq!(inverse_normal_cdf(1.0), f64::INFINITY);
        assert!(inverse_normal_cdf(1.5).is_nan());
    }

    #[test]
    fn normal_cdf_and_loss_match_tables() {
        close(normal_cdf(0.0), 0.5, 1e-7);
        close(normal_cdf(1.959_964), 0.975, 1e-6);
        close(normal_cdf(-1.0), 0.158_655_25, 1e-6);
        close(normal_cdf(inverse_normal_cdf(0.99)), 0.99, 1e-6);
        close(normal_loss(0.0), 0.3989, 1e-4);
        close(normal_loss(1.0), 0.0833, 1e-4);
        close(normal_loss(1.645), 0.0209, 1e-4);
        close(normal_loss(2.0), 0.008_491, 1e-5);
        // G(−z) = G(z) + z.
        close(normal_loss(-1.0), normal_loss(1.0) + 1.0, 1e-6);
    }

    #[test]
    fn textbook_policy_without_lead_time_variability() {
        // d = 20/day, σ = 5, L = 9: SS = 1.6449 · 5 · 3 = 24.67, ROP = 180 + 24.67.
        let p = policy(20.0, 5.0, &settings(0.95, 9.0));
        close(p.z, 1.644_854, 1e-6);
        close(p.lead_time_demand_sd, 15.0, 1e-9);
        close(p.safety_stock, 24.673, 1e-3);
        close(p.reorder_point, 204.673, 1e-3);
        // Continuous review: Q = 14 days of demand, order-up-to = ROP + Q.
        close(p.order_qty, 280.0, 1e-9);
        close(p.order_up_to, 484.673, 1e-3);
        // ESC = 15 · G(1.6449) = 15 · 0.020893 = 0.3134; fill = 1 − 0.3134/280.
        close(p.expected_shortage_per_cycle, 0.3134, 1e-3);
        close(p.fill_rate, 0.998_881, 1e-5);
        // Position 100 on hand + 150 on order − 50 back ordered = 200 ≤ ROP: order up to S.
        let position = inventory_position(100.0, 150.0, 50.0);
        assert_eq!(position, 200.0);
        assert_eq!(suggested_qty(&p, position), 285.0);
        // Above the reorder point nothing is due yet.
        assert_eq!(suggested_qty(&p, 210.0), 0.0);
    }

    #[test]
    fn textbook_policy_with_lead_time_variability_and_review() {
        // σ(L) = √(9·25 + 400·4) = √1825 = 42.7200.
        let mut s = settings(0.95, 9.0);
        s.lead_time_sd_days = 2.0;
        let p = policy(20.0, 5.0, &s);
        close(p.lead_time_demand_sd, 42.720_019, 1e-6);
        close(p.safety_stock, 70.268, 1e-3);
        close(p.reorder_point, 250.268, 1e-3);

        // Periodic review every 7 days, punctual supplier: σ(16) = 5·4 = 20,
        // S = 20·16 + 1.6449·20 = 352.897; the reorder point still covers the lead time only.
        let s = PolicySettings { review_period_days: 7.0, ..settings(0.95, 9.0) };
        let p = policy(20.0, 5.0, &s);
        close(p.protection_demand_sd, 20.0, 1e-9);
        close(p.safety_stock, 32.897, 1e-3);
        close(p.order_up_to, 352.897, 1e-3);
        close(p.reorder_point, 204.673, 1e-3);
        // Q = d·R = 140; ESC = 20 · 0.020893; fill = 1 − 0.41786/140.
        close(p.order_qty, 140.0, 1e-9);
        close(p.fill_rate, 1.0 - 20.0 * 0.020_893 / 140.0, 1e-5);
        // Periodic review orders at the review whatever the position: 352.897 − 240 → 113.
        assert_eq!(suggested_qty(&p, inventory_position(100.0, 150.0, 10.0)), 113.0);
        assert_eq!(suggested_qty(&p, 400.0), 0.0);

        // Both together: σ(16) = √(16·25 + 400·4) = √2000.
        let s = PolicySettings { review_period_days: 7.0, lead_time_sd_days: 2.0, ..s };
        let p = policy(20.0, 5.0, &s);
        close(p.order_up_to, 320.0 + 1.644_854 * 2000f64.sqrt(), 1e-3);
    }

    #[test]
    fn service_level_is_clamped() {
        assert_eq!(policy(10.0, 3.0, &settings(0.2, 5.0)).safety_stock, 0.0);
        let top = policy(10.0, 3.0, &settings(1.0, 5.0));
        assert!(top.z.is_finite());
        close(top.service_level, MAX_SERVICE_LEVEL, 0.0);
    }

    #[test]
    fn stats_of_a_known_series() {
        let s = demand_stats(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0], 0, 3.0);
        assert_eq!(s.days, 8);
        close(s.total, 40.0, 0.0);
        close(s.mean, 5.0, 1e-12);
        close(s.sd, (32.0f64 / 7.0).sqrt(), 1e-12);
        // Too short for trend or season: the residual spread is the plain one.
        assert_eq!(s.trend_per_day, None);
        assert_eq!(s.weekly_index, None);
        close(s.residual_sd, s.sd, 0.0);
        close(s.forecast_mean, 5.0, 1e-12);

        let empty = demand_stats(&[], 0, 7.0);
        assert_eq!(empty, DemandStats::empty());
        let one = demand_stats(&[3.0], 0, 7.0);
        assert_eq!((one.mean, one.sd), (3.0, 0.0));
    }

    #[test]
    fn trend_is_found_on_a_trending_series_only() {
        // 10 units a day rising by 0.5 a day, noise σ = 4, 60 days.
        let rising = noisy(60, |t| 10.0 + 0.5 * t as f64, 4.0, 11);
        let s = demand_stats(&rising, 0, 10.0);
        let slope = s.trend_per_day.expect("a clear trend");
        close(slope, 0.5, 0.06);
        // The forecast is the line's level over the next 10 days (days 60..69), not the mean.
        close(s.forecast_mean, 10.0 + 0.5 * 64.5, 2.5);
        assert!(s.residual_sd < s.sd);
        close(s.residual_sd, 4.0, 1.0);

        for seed in 0..20 {
            let flat = noisy(180, |_| 30.0, 6.0, seed);
            let s = demand_stats(&flat, 0, 7.0);
            assert_eq!(s.trend_per_day, None, "seed {seed}");
            assert_eq!(s.weekly_index, None, "seed {seed}");
            close(s.forecast_mean, s.mean, 1e-9);
        }
        // Under four weeks no trend is claimed, however clean.
        let short: Vec<f64> = (0..27).map(|t| t as f64).collect();
        assert_eq!(demand_stats(&short, 0, 1.0).trend_per_day, None);
    }

    #[test]
    fn weekly_seasonality_is_found_on_a_weekly_pattern() {
        // Weekdays sell 20, Saturdays and Sundays 40; the series starts on a Wednesday.
        let first = 2u8;
        let weekly = noisy(
            8 * 7 + 3,
            |t| if (usize::from(first) + t) % 7 >= 5 { 40.0 } else { 20.0 },
            3.0,
            5,
        );
        let s = demand_stats(&weekly, first, 7.0);
        let index = s.weekly_index.expect("a clear weekly pattern");
        close(index.iter().sum::<f64>(), 7.0, 1e-9);
        // Mean day = (5·20 + 2·40)/7 = 25.71: weekdays 0.78, weekend 1.56. Eight samples of
        // σ = 3 per weekday leave each factor about ±0.04 of noise.
        for (w, &f) in index.iter().enumerate() {
            close(f, if w >= 5 { 40.0 } else { 20.0 } / (180.0 / 7.0), 0.1);
        }
        assert!(s.residual_sd < 4.0 && s.sd > 8.0, "{} {}", s.residual_sd, s.sd);
        // Over one whole week the forecast is the plain mean.
        close(s.forecast_mean, 180.0 / 7.0, 1.0);
        // Three weeks are not enough to claim a season.
        assert_eq!(demand_stats(&weekly[..27], first, 7.0).weekly_index, None);
    }

    #[test]
    fn no_history_means_no_safety_stock() {
        let input = ProductInput {
            sku: "NEW-1".into(),
            daily_demand: vec![0.0; 40],
            back_ordered: 3.0,
            ..ProductInput::default()
        };
        let plan = plan_product(&input);
        assert!(plan.no_history && !plan.short_history);
        assert_eq!((plan.safety_stock, plan.reorder_point, plan.order_up_to), (0.0, 0.0, 0.0));
        assert_eq!(plan.days_of_cover, None);
        // Only the back orders are worth buying for.
        assert_eq!(plan.suggested_qty, 3.0);
        assert!(plan.below_reorder_point && plan.out_of_stock);

        let empty = plan_product(&ProductInput { sku: "NEW-2".into(), ..ProductInput::default() });
        assert!(empty.no_history && empty.short_history);
        assert_eq!(empty.suggested_qty, 0.0);
        assert!(!empty.below_reorder_point);
    }

    #[test]
    fn plans_many_products_with_flags() {
        let base = ProductInput {
            daily_demand: vec![20.0; 60],
            lead_time_days: 9.0,
            ..ProductInput::default()
        };
        let inputs = vec![
            ProductInput { sku: "A".into(), on_hand: 500.0, ..base.clone() },
            ProductInput { sku: "B".into(), on_hand: 100.0, on_order: 50.0, ..base.clone() },
            ProductInput { sku: "C".into(), on_hand: 0.0, back_ordered: 10.0, ..base.clone() },
        ];
        let plans = plan_all(&inputs);
        assert_eq!(plans.iter().map(|p| p.sku.as_str()).collect::<Vec<_>>(), ["A", "B", "C"]);
        // Constant demand: no spread, so ROP = 180 and S = 180 + 280.
        let [a, b, c] = [&plans[0], &plans[1], &plans[2]];
        close(a.reorder_point, 180.0, 1e-9);
        close(a.order_up_to, 460.0, 1e-9);
        assert!(!a.below_reorder_point && !a.out_of_stock);
        assert_eq!(a.suggested_qty, 0.0);
        assert_eq!(a.days_of_cover, Some(25.0));
        assert!(b.below_reorder_point && !b.out_of_stock);
        assert_eq!(b.suggested_qty, 310.0);
        assert_eq!(b.days_of_cover, Some(5.0));
        assert!(c.below_reorder_point && c.out_of_stock);
        assert_eq!(c.suggested_qty, 470.0);
        assert_eq!(c.days_of_cover, Some(0.0));
        assert_eq!(c.expected_fill_rate, 1.0);
    }

    #[test]
    fn simulated_cycle_service_meets_the_target() {
        for target in [0.90, 0.95, 0.99] {
            let p = policy(20.0, 5.0, &settings(target, 9.0));
            let check = check_service(&p, 1.0, 20_000, 42);
            assert_eq!(check.cycles, 20_000);
            let csl = check.cycle_service_level;
            assert!(csl >= target - 0.015 && csl <= target + 0.02, "target {target}: {csl}");
            close(check.fill_rate, p.fill_rate, 0.005);
        }
    }

    #[test]
    fn simulated_service_holds_for_review_periods_and_late_suppliers() {
        let periodic = PolicySettings { review_period_days: 7.0, ..settings(0.95, 9.0) };
        let late = PolicySettings { lead_time_sd_days: 2.0, ..settings(0.95, 9.0) };
        // Short cycles so the fill rate is far enough from 1 to test.
        let frequent = PolicySettings { order_cycle_days: 2.0, ..settings(0.90, 4.0) };
        for s in [periodic, late, frequent] {
            let p = policy(20.0, 5.0, &s);
            let check = check_service(&p, 1.0, 20_000, 9);
            let csl = check.cycle_service_level;
            assert!(
                csl >= s.service_level - 0.015 && csl <= s.service_level + 0.02,
                "{s:?}: {csl}"
            );
            close(check.fill_rate, p.fill_rate, 0.01);
        }
    }

    #[test]
    fn service_falls_well_below_target_at_one_and_a_half_times_demand() {
        let p = policy(20.0, 5.0, &settings(0.95, 9.0));
        let check = check_service(&p, 1.5, 5_000, 42);
        assert!(check.cycle_service_level < 0.5, "{check:?}");
        assert!(check.fill_rate < p.fill_rate - 0.05, "{check:?}");
    }

    fn stocked_product() -> ProductInput {
        ProductInput {
            sku: "SKU-1".into(),
            daily_demand: noisy(180, |_| 20.0, 5.0, 3),
            on_hand: 260.0,
            on_order: 200.0,
            lead_time_days: 9.0,
            ..ProductInput::default()
        }
    }

    fn scenarios() -> Vec<Scenario> {
        vec![
            Scenario::scaled("usual", 1.0),
            Scenario::scaled("+20%", 1.2),
            Scenario::scaled("+50%", 1.5),
            Scenario::scaled("double", 2.0),
        ]
    }

    #[test]
    fn what_if_worsens_with_demand() {
        let outcomes = what_if(&stocked_product(), &scenarios(), &WhatIfOptions::default(), 1);
        assert_eq!(outcomes.len(), 4);
        assert!(outcomes[0].fill_rate > 0.97, "{:?}", outcomes[0]);
        for pair in outcomes.windows(2) {
            let (lower, higher) = (&pair[0], &pair[1]);
            assert!(higher.fill_rate <= lower.fill_rate, "{pair:?}");
            assert!(higher.stockout_days >= lower.stockout_days, "{pair:?}");
            assert!(higher.days_of_cover.unwrap() < lower.days_of_cover.unwrap(), "{pair:?}");
            assert!(higher.mean_daily_demand > lower.mean_daily_demand);
        }
        assert!(outcomes[3].fill_rate < 0.8, "{:?}", outcomes[3]);
    }

    #[test]
    fn holiday_peak_hurts_more_than_usual_demand() {
        let peak = Scenario::holiday_peak("holiday", 30, 14, 2.5);
        assert_eq!(peak.multiplier(0), 1.0);
        assert_eq!(peak.multiplier(28), 1.75);
        assert_eq!(peak.multiplier(30), 2.5);
        assert_eq!(peak.multiplier(43), 2.5);
        assert_eq!(peak.multiplier(45), 1.75);
        assert_eq!(peak.multiplier(46), 1.0);
        let list = [Scenario::scaled("usual", 1.0), peak];
        let outcomes = what_if(&stocked_product(), &list, &WhatIfOptions::default(), 4);
        assert!(outcomes[1].fill_rate < outcomes[0].fill_rate - 0.02, "{outcomes:?}");
        assert!(outcomes[1].stockout_days > outcomes[0].stockout_days);
    }

    #[test]
    fn same_seed_same_answer() {
        let input = stocked_product();
        let options = WhatIfOptions { horizon_days: 60, runs: 20 };
        let a = what_if(&input, &scenarios(), &options, 99);
        let b = what_if(&input, &scenarios(), &options, 99);
        assert_eq!(a, b);
        let c = what_if(&input, &scenarios(), &options, 100);
        assert_ne!(a, c);
        let p = input.policy();
        assert_eq!(check_service(&p, 1.0, 500, 5), check_service(&p, 1.0, 500, 5));
        assert_eq!(plan_all(std::slice::from_ref(&input)), plan_all(&[input]));
    }

    #[test]
    fn types_round_trip_through_json() {
        let input = stocked_product();
        let text = serde_json::to_string(&input).unwrap();
        assert_eq!(serde_json::from_str::<ProductInput>(&text).unwrap(), input);
        // Columns the database leaves out take the defaults.
        let partial: ProductInput =
            serde_json::from_str(r#"{"sku":"X","daily_demand":[1,2,3],"on_hand":4}"#).unwrap();
        assert_eq!(partial.service_level, 0.95);
        assert_eq!(partial.lead_time_days, 7.0);
    }

    #[test]
    fn trend_and_season_together() {
        // Rising 0.3 a day from 20, Fridays busier by half, 12 weeks from a Monday.
        let days =
            noisy(84, |t| (20.0 + 0.3 * t as f64) * if t % 7 == 4 { 1.5 } else { 1.0 }, 2.0, 8);
        let s = demand_stats(&days, 0, 7.0);
        close(s.trend_per_day.expect("trend"), 0.3 * (1.0 + 0.5 / 7.0), 0.05);
        let index = s.weekly_index.expect("season");
        assert!(index[4] > 1.3 && index.iter().enumerate().all(|(w, &f)| w == 4 || f < 1.0));
        // The spread left is the noise, not the rise or the Fridays.
        assert!(s.residual_sd < 3.5 && s.sd > 8.0, "{s:?}");
    }

    proptest! {
        #[test]
        fn policy_invariants(
            d in 0.0f64..500.0,
            sd in 0.0f64..200.0,
            lead in 0.0f64..60.0,
            lead_sd in 0.0f64..10.0,
            review in prop_oneof![Just(0.0), 1.0f64..30.0],
            level in 0.5f64..0.999,
            position in -500.0f64..5000.0,
        ) {
            let s = PolicySettings {
                service_level: level,
                lead_time_days: lead,
                lead_time_sd_days: lead_sd,
                review_period_days: review,
                order_cycle_days: 14.0,
            };
            let p = policy(d, sd, &s);
            prop_assert!(p.safety_stock >= 0.0);
            prop_assert!(p.reorder_point >= d * lead - 1e-9);
            prop_assert!(p.order_up_to >= p.reorder_point - 1e-9);
            prop_assert!((0.0..=1.0).contains(&p.fill_rate));
            // More service never means less stock.
            let higher = policy(d, sd, &PolicySettings { service_level: level + 0.0005, ..s });
            prop_assert!(higher.safety_stock >= p.safety_stock);
            prop_assert!(higher.fill_rate >= p.fill_rate);
            let q = suggested_qty(&p, position);
            prop_assert!(q >= 0.0 && q.fract() == 0.0);
            if q > 0.0 {
                prop_assert!(position + q >= p.order_up_to - 1e-6);
                prop_assert!(position + q < p.order_up_to + 1.0);
            }
        }
    }
}
