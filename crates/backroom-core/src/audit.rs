//! The packing weight audit: what a packed order should weigh, how far off it may be, and the
//! verdict on a scale reading, with the likeliest cause when it is off.
//!
//! Everything is pure. The caller gathers the order's items, the chosen box and the store's
//! rules, and passes in what it knows about the reading (its weight, whether it settled, how old
//! it is, whether the scale was online and in range); nothing here reads a clock or a scale.
//!
//! The rules, stated once:
//! - Expected weight = Σ unit grams × quantity + the box's tare + an allowance for packing
//!   material (absolute grams plus a percentage of the items' weight).
//! - Tolerance = max(absolute grams, percent of expected). Overrides exist per product category
//!   and per box. When any override applies, the widest applicable override is used instead of
//!   the store default, even if it is narrower than the default: an override is a deliberate
//!   statement about that category or box, and the widest one keeps an order that mixes
//!   categories from failing on its most demanding item's noise.
//! - An order with any item of unknown weight cannot be audited; that verdict never passes.
//! - No verdict is given from a reading taken offline, out of range, unsettled, or older than
//!   [`MAX_READING_AGE_MS`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::scale::Range;

/// A reading older than this (milliseconds) is stale and gets no verdict.
pub const MAX_READING_AGE_MS: u64 = 2000;

/// A tolerance: the larger of an absolute band and a share of the expected weight.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct Tolerance {
    /// Grams either side of the expected weight.
    pub grams: f64,
    /// Percent of the expected weight either side of it.
    pub percent: f64,
}

impl Tolerance {
    /// The band in grams around `expected_g`.
    pub fn band_g(self, expected_g: f64) -> f64 {
        self.grams.max(self.percent / 100.0 * expected_g)
    }
}

/// The store's weight-audit rules (the `packing` settings section).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct AuditRules {
    /// Absolute tolerance in grams.
    pub tolerance_g: f64,
    /// Tolerance as a percentage of the expected weight; the larger band applies.
    pub tolerance_percent: f64,
    /// Packing material (paper, tape, air pillows) added to every box, in grams.
    pub allowance_g: f64,
    /// Packing material as a percentage of the items' weight, added to `allowance_g`.
    pub allowance_percent: f64,
    /// Tolerances for orders holding products of a category, by category name.
    pub category_tolerance: BTreeMap<String, Tolerance>,
    /// Tolerances for orders packed in a box, by box code.
    pub box_tolerance: BTreeMap<String, Tolerance>,
    /// The items' volume times this must fit in a box's inner volume for it to be suggested;
    /// above 1 it leaves room for packing material and imperfect stacking.
    pub fill_factor: f64,
}

impl Default for AuditRules {
    fn default() -> Self {
        AuditRules {
            tolerance_g: 20.0,
            tolerance_percent: 2.0,
            allowance_g: 10.0,
            allowance_percent: 0.0,
            category_tolerance: BTreeMap::new(),
            box_tolerance: BTreeMap::new(),
            fill_factor: 1.25,
        }
    }
}

impl AuditRules {
    /// Says what is wrong with the rules, if anything, in words for the settings form.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut check = |what: &str, v: f64| {
            if !(v.is_finite() && v >= 0.0) {
                out.push(format!("{what} must be a number of at least 0"));
            }
        };
        check("the weight tolerance in grams", self.tolerance_g);
        check("the weight tolerance percentage", self.tolerance_percent);
        check("the packing allowance in grams", self.allowance_g);
        check("the packing allowance percentage", self.allowance_percent);
        for (name, t) in &self.category_tolerance {
            check(&format!("the tolerance grams of category {name}"), t.grams);
            check(&format!("the tolerance percentage of category {name}"), t.percent);
        }
        for (code, t) in &self.box_tolerance {
            check(&format!("the tolerance grams of box {code}"), t.grams);
            check(&format!("the tolerance percentage of box {code}"), t.percent);
        }
        if !(self.fill_factor.is_finite() && self.fill_factor >= 1.0) {
            out.push("the box fill factor must be at least 1".to_owned());
        }
        out
    }

    fn default_tolerance(&self) -> Tolerance {
        Tolerance { grams: self.tolerance_g, percent: self.tolerance_percent }
    }
}

/// One product line as it goes into the box.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub sku: String,
    pub name: String,
    pub category: String,
    pub qty: i64,
    /// Grams per unit; `None` when nobody has weighed the product yet.
    pub unit_g: Option<f64>,
    /// Outer dimensions of one unit in millimetres, any order.
    pub dims_mm: Option<[f64; 3]>,
}

/// A box type: its barcode, tare and inner dimensions.
#[derive(Debug, Clone, PartialEq)]
pub struct Carton {
    pub code: String,
    pub tare_g: f64,
    /// Inner length, width and height in millimetres, any order.
    pub inner_mm: [f64; 3],
}

impl Carton {
    pub fn volume_mm3(&self) -> f64 {
        volume(self.inner_mm)
    }
}

/// What the order should weigh in a given box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Expectation {
    /// The items alone.
    pub items_g: f64,
    pub tare_g: f64,
    pub allowance_g: f64,
    /// Items + tare + allowance.
    pub expected_g: f64,
    /// Grams either side of `expected_g` that still pass.
    pub tolerance_g: f64,
    /// SKUs with no unit weight; when any is listed the order cannot be audited.
    pub cannot_audit: Vec<String>,
}

/// Works out the expected weight and its tolerance for `items` packed in `carton`.
pub fn expect(rules: &AuditRules, items: &[Item], carton: &Carton) -> Expectation {
    let items_g: f64 = items.iter().map(|i| i.unit_g.unwrap_or(0.0) * i.qty as f64).sum();
    let allowance_g = rules.allowance_g + rules.allowance_percent / 100.0 * items_g;
    let expected_g = items_g + carton.tare_g + allowance_g;
    // A SKU on two lines is listed once, in the order it first appears.
    let mut cannot_audit: Vec<String> = Vec::new();
    for item in items.iter().filter(|i| i.unit_g.is_none() && i.qty > 0) {
        if !cannot_audit.contains(&item.sku) {
            cannot_audit.push(item.sku.clone());
        }
    }
    Expectation {
        items_g,
        tare_g: carton.tare_g,
        allowance_g,
        expected_g,
        tolerance_g: tolerance_g(rules, items, &carton.code, expected_g),
        cannot_audit,
    }
}

/// The tolerance band in grams: the widest override that applies to one of the order's
/// categories or to its box, or the store default when none applies.
pub fn tolerance_g(rules: &AuditRules, items: &[Item], box_code: &str, expected_g: f64) -> f64 {
    let categories = items.iter().filter_map(|i| rules.category_tolerance.get(&i.category));
    let boxes = rules.box_tolerance.get(box_code);
    categories
        .chain(boxes)
        .map(|t| t.band_g(expected_g))
        .reduce(f64::max)
        .unwrap_or_else(|| rules.default_tolerance().band_g(expected_g))
}

/// What is known about the reading a verdict is asked for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReadingFacts {
    pub grams: f64,
    /// The scale reported no motion.
    pub stable: bool,
    /// How long ago the reading was taken, in milliseconds.
    pub age_ms: u64,
    /// The scale was connected and answering when the reading was taken.
    pub online: bool,
    pub range: Range,
}

/// Why a reading gets no verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum NoVerdictReason {
    Offline,
    OutOfRange,
    Unstable,
    Stale,
}

impl NoVerdictReason {
    pub fn as_str(self) -> &'static str {
        match self {
            NoVerdictReason::Offline => "offline",
            NoVerdictReason::OutOfRange => "out_of_range",
            NoVerdictReason::Unstable => "unstable",
            NoVerdictReason::Stale => "stale",
        }
    }

    /// What the packer should do about it.
    pub fn message(self) -> &'static str {
        match self {
            NoVerdictReason::Offline => "the scale is offline; reconnect it and weigh again",
            NoVerdictReason::OutOfRange => {
                "the scale is over or under its range; check the pan and the load and weigh again"
            }
            NoVerdictReason::Unstable => "the reading is not settled; wait for it to settle",
            NoVerdictReason::Stale => "the reading is more than 2 s old; weigh again",
        }
    }
}

/// The outcome of a weighing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Verdict {
    /// Within tolerance; `delta_g` is actual − expected.
    Pass { delta_g: f64 },
    /// Outside tolerance, with the likeliest cause in words and in kind.
    Fail { delta_g: f64, cause: String, finding: Finding },
    /// The reading cannot be judged; nothing is decided.
    NoVerdict { reason: NoVerdictReason, message: String },
    /// Some items have no weight, so no reading can pass; these SKUs need weighing first.
    CannotAudit { skus: Vec<String> },
}

impl Verdict {
    /// The verdict's name as stored in the audit log.
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Pass { .. } => "pass",
            Verdict::Fail { .. } => "fail",
            Verdict::NoVerdict { .. } => "no_verdict",
            Verdict::CannotAudit { .. } => "cannot_audit",
        }
    }

    /// The kind of cause, for counting failures: what a fail found, why there was no verdict,
    /// or that the order cannot be audited; none for a pass.
    pub fn cause_kind(&self) -> Option<CauseKind> {
        match self {
            Verdict::Pass { .. } => None,
            Verdict::Fail { finding, .. } => Some(CauseKind::from(*finding)),
            Verdict::NoVerdict { reason, .. } => Some(CauseKind::from(*reason)),
            Verdict::CannotAudit { .. } => Some(CauseKind::CannotAudit),
        }
    }

    /// One line for the log and the packer: the cause, the reason or the missing SKUs.
    pub fn cause(&self) -> String {
        match self {
            Verdict::Pass { .. } => String::new(),
            Verdict::Fail { cause, .. } => cause.clone(),
            Verdict::NoVerdict { message, .. } => message.clone(),
            Verdict::CannotAudit { skus } => {
                format!("no unit weight for {}; a manager adds it", skus.join(", "))
            }
        }
    }
}

/// Judges a reading against the expectation. An order that cannot be audited says so whatever
/// the reading; otherwise an untrustworthy reading gets no verdict, and only then is the weight
/// compared.
pub fn judge(exp: &Expectation, reading: &ReadingFacts, items: &[Item]) -> Verdict {
    if !exp.cannot_audit.is_empty() {
        return Verdict::CannotAudit { skus: exp.cannot_audit.clone() };
    }
    if let Some(reason) = untrusted(reading) {
        return Verdict::NoVerdict { reason, message: reason.message().to_owned() };
    }
    let delta_g = reading.grams - exp.expected_g;
    if delta_g.abs() <= exp.tolerance_g {
        return Verdict::Pass { delta_g };
    }
    let (finding, cause) = explain(delta_g, exp.tolerance_g, items);
    Verdict::Fail { delta_g, cause, finding }
}

/// Why a reading cannot be trusted, checked from the most basic fault to the most transient.
fn untrusted(r: &ReadingFacts) -> Option<NoVerdictReason> {
    if !r.online {
        Some(NoVerdictReason::Offline)
    } else if r.range != Range::InRange || !r.grams.is_finite() || r.grams < 0.0 {
        Some(NoVerdictReason::OutOfRange)
    } else if !r.stable {
        Some(NoVerdictReason::Unstable)
    } else if r.age_ms > MAX_READING_AGE_MS {
        Some(NoVerdictReason::Stale)
    } else {
        None
    }
}

/// What a failed weighing most likely found, for counting failures by cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    /// Lighter by about the weight of one to three units of an item in the box.
    ItemMissing,
    /// Heavier by about the weight of one to three units of an item in the box.
    ItemExtra,
    /// Lighter, and no item explains it: a wrong item, or a product's weight on file is off.
    Underweight,
    /// Heavier, and no item explains it: a wrong item, or more packing than allowed for.
    Overweight,
}

impl Finding {
    pub fn as_str(self) -> &'static str {
        match self {
            Finding::ItemMissing => "item_missing",
            Finding::ItemExtra => "item_extra",
            Finding::Underweight => "underweight",
            Finding::Overweight => "overweight",
        }
    }
}

/// A weighing that did not pass, in one word, for counting: what a fail found, why there was no
/// verdict, or that the order cannot be audited. `Other` is a weighing logged before causes
/// were kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CauseKind {
    ItemMissing,
    ItemExtra,
    Underweight,
    Overweight,
    Offline,
    OutOfRange,
    Unstable,
    Stale,
    CannotAudit,
    Other,
}

impl CauseKind {
    const ALL: [CauseKind; 10] = [
        CauseKind::ItemMissing,
        CauseKind::ItemExtra,
        CauseKind::Underweight,
        CauseKind::Overweight,
        CauseKind::Offline,
        CauseKind::OutOfRange,
        CauseKind::Unstable,
        CauseKind::Stale,
        CauseKind::CannotAudit,
        CauseKind::Other,
    ];

    /// The word the audit log keeps.
    pub fn as_str(self) -> &'static str {
        match self {
            CauseKind::ItemMissing => "item_missing",
            CauseKind::ItemExtra => "item_extra",
            CauseKind::Underweight => "underweight",
            CauseKind::Overweight => "overweight",
            CauseKind::Offline => "offline",
            CauseKind::OutOfRange => "out_of_range",
            CauseKind::Unstable => "unstable",
            CauseKind::Stale => "stale",
            CauseKind::CannotAudit => "cannot_audit",
            CauseKind::Other => "other",
        }
    }

    /// Reads the log's word back: none for a pass (empty), `Other` for a word this build does
    /// not know.
    pub fn from_log(word: &str) -> Option<CauseKind> {
        if word.is_empty() {
            return None;
        }
        Some(
            CauseKind::ALL
                .into_iter()
                .find(|kind| kind.as_str() == word)
                .unwrap_or(CauseKind::Other),
        )
    }
}

impl From<Finding> for CauseKind {
    fn from(finding: Finding) -> CauseKind {
        match finding {
            Finding::ItemMissing => CauseKind::ItemMissing,
            Finding::ItemExtra => CauseKind::ItemExtra,
            Finding::Underweight => CauseKind::Underweight,
            Finding::Overweight => CauseKind::Overweight,
        }
    }
}

impl From<NoVerdictReason> for CauseKind {
    fn from(reason: NoVerdictReason) -> CauseKind {
        match reason {
            NoVerdictReason::Offline => CauseKind::Offline,
            NoVerdictReason::OutOfRange => CauseKind::OutOfRange,
            NoVerdictReason::Unstable => CauseKind::Unstable,
            NoVerdictReason::Stale => CauseKind::Stale,
        }
    }
}

/// Names the item whose weight, one to three times over, best explains the difference; when
/// none does within the tolerance, says which way the box is off and by how much.
pub fn likeliest_cause(delta_g: f64, tolerance_g: f64, items: &[Item]) -> String {
    explain(delta_g, tolerance_g, items).1
}

/// [`likeliest_cause`] with what it found.
pub fn explain(delta_g: f64, tolerance_g: f64, items: &[Item]) -> (Finding, String) {
    let off = delta_g.abs();
    let missing = delta_g < 0.0;
    let mut best: Option<(f64, u32, &Item, f64)> = None;
    for item in items {
        let Some(unit) = item.unit_g.filter(|g| *g > 0.0) else { continue };
        for k in 1..=3u32 {
            // Fewer units than ordered cannot be missing.
            if missing && i64::from(k) > item.qty {
                break;
            }
            let residual = (off - f64::from(k) * unit).abs();
            if residual <= tolerance_g && best.is_none_or(|b| residual < b.0) {
                best = Some((residual, k, item, unit));
            }
        }
    }
    let (direction, finding) =
        if missing { ("missing", Finding::ItemMissing) } else { ("extra", Finding::ItemExtra) };
    match best {
        Some((_, 1, item, unit)) => {
            (finding, format!("about one {} ({}) {direction}", item.name, grams_text(unit)))
        }
        Some((_, k, item, unit)) => {
            (finding, format!("about {k} × {} ({} each) {direction}", item.name, grams_text(unit)))
        }
        None if missing => (
            Finding::Underweight,
            format!("lighter by {}: an item missing or a wrong item?", grams_text(off)),
        ),
        None => (
            Finding::Overweight,
            format!("heavier by {}: wrong item or extra packing?", grams_text(off)),
        ),
    }
}

/// Grams as people read them on a scale: whole grams.
fn grams_text(g: f64) -> String {
    format!("{} g", g.round())
}

/// A box that fits, with how full the items leave it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub code: String,
    pub volume_mm3: f64,
    /// The items' volume as a percentage of the box's inner volume.
    pub fill_percent: f64,
}

/// The boxes the items fit in, smallest inner volume first.
///
/// The rule: the items' total volume times the fill factor is at most the box's inner volume,
/// and each item fits the box on its own, its dimensions sorted against the box's sorted inner
/// dimensions (longest within longest, middle within middle, shortest within shortest). It does
/// not solve the packing; it rules out boxes that certainly cannot work. When any item has no
/// dimensions nothing can be said, and `Err` lists those SKUs.
pub fn suggest_boxes(
    rules: &AuditRules,
    items: &[Item],
    cartons: &[Carton],
) -> Result<Vec<Fit>, Vec<String>> {
    let unknown: Vec<String> =
        items.iter().filter(|i| i.qty > 0 && i.dims_mm.is_none()).map(|i| i.sku.clone()).collect();
    if !unknown.is_empty() {
        return Err(unknown);
    }
    let dims: Vec<[f64; 3]> =
        items.iter().filter(|i| i.qty > 0).filter_map(|i| i.dims_mm).collect();
    let items_mm3: f64 =
        items.iter().filter_map(|i| i.dims_mm.map(|d| volume(d) * i.qty as f64)).sum();
    let mut fits: Vec<Fit> = cartons
        .iter()
        .filter(|c| items_mm3 * rules.fill_factor <= c.volume_mm3())
        .filter(|c| dims.iter().all(|d| fits_inside(*d, c.inner_mm)))
        .map(|c| Fit {
            code: c.code.clone(),
            volume_mm3: c.volume_mm3(),
            fill_percent: 100.0 * items_mm3 / c.volume_mm3(),
        })
        .collect();
    fits.sort_by(|a, b| a.volume_mm3.total_cmp(&b.volume_mm3).then_with(|| a.code.cmp(&b.code)));
    Ok(fits)
}

fn volume(d: [f64; 3]) -> f64 {
    d[0] * d[1] * d[2]
}

fn sorted(mut d: [f64; 3]) -> [f64; 3] {
    d.sort_by(f64::total_cmp);
    d
}

/// Whether one item fits a box, each turned so its sides line up with the box's.
fn fits_inside(item: [f64; 3], inner: [f64; 3]) -> bool {
    let (item, inner) = (sorted(item), sorted(inner));
    item.iter().zip(inner.iter()).all(|(a, b)| a <= b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_reads_back_from_the_log_as_it_was_written() {
        for kind in CauseKind::ALL {
            assert_eq!(CauseKind::from_log(kind.as_str()), Some(kind));
        }
        assert_eq!(CauseKind::from_log(""), None, "a pass has no cause");
        assert_eq!(CauseKind::from_log("scale_exploded"), Some(CauseKind::Other));
        // The words are the ones findings and reasons were always logged with.
        for finding in
            [Finding::ItemMissing, Finding::ItemExtra, Finding::Underweight, Finding::Overweight]
        {
            assert_eq!(CauseKind::from(finding).as_str(), finding.as_str());
        }
        let reasons = [
            NoVerdictReason::Offline,
            NoVerdictReason::OutOfRange,
            NoVerdictReason::Unstable,
            NoVerdictReason::Stale,
        ];
        for reason in reasons {
            assert_eq!(CauseKind::from(reason).as_str(), reason.as_str());
        }
    }

    fn item(sku: &str, name: &str, category: &str, qty: i64, unit_g: Option<f64>) -> Item {
        Item {
            sku: sku.into(),
            name: name.into(),
            category: category.into(),
            qty,
            unit_g,
            dims_mm: Some([100.0, 100.0, 100.0]),
        }
    }

    fn mugs_and_pens() -> Vec<Item> {
        vec![
            item("MUG-B", "Blue Mug", "kitchen", 2, Some(340.0)),
            item("PEN-1", "Pen", "office", 3, Some(12.0)),
        ]
    }

    fn carton(code: &str, tare_g: f64, inner_mm: [f64; 3]) -> Carton {
        Carton { code: code.into(), tare_g, inner_mm }
    }

    fn reading(grams: f64) -> ReadingFacts {
        ReadingFacts { grams, stable: true, age_ms: 300, online: true, range: Range::InRange }
    }

    #[test]
    fn expected_weight_adds_items_tare_and_allowance() {
        // Items 2 × 340 + 3 × 12 = 716 g; box 150 g; allowance 10 g + 5 % of 716 = 45.8 g.
        let rules = AuditRules { allowance_percent: 5.0, ..AuditRules::default() };
        let exp = expect(&rules, &mugs_and_pens(), &carton("B1", 150.0, [300.0, 200.0, 150.0]));
        assert_eq!(exp.items_g, 716.0);
        assert!((exp.allowance_g - 45.8).abs() < 1e-9);
        assert!((exp.expected_g - 911.8).abs() < 1e-9);
        // 2 % of 911.8 g is 18.236 g, under the 20 g floor.
        assert_eq!(exp.tolerance_g, 20.0);
        assert!(exp.cannot_audit.is_empty());
    }

    #[test]
    fn the_percentage_band_wins_on_heavy_orders() {
        // 10 × 500 g + 100 g tare + 10 g = 5110 g; 2 % is 102.2 g, over 20 g.
        let items = vec![item("BOOK", "Book", "books", 10, Some(500.0))];
        let exp = expect(&AuditRules::default(), &items, &carton("B2", 100.0, [1.0, 1.0, 1.0]));
        assert!((exp.tolerance_g - 102.2).abs() < 1e-9);
    }

    #[test]
    fn the_widest_applicable_override_replaces_the_default() {
        let mut rules = AuditRules::default();
        rules.category_tolerance.insert("kitchen".into(), Tolerance { grams: 5.0, percent: 0.0 });
        rules.category_tolerance.insert("office".into(), Tolerance { grams: 8.0, percent: 0.0 });
        rules.category_tolerance.insert("garden".into(), Tolerance { grams: 500.0, percent: 0.0 });
        let items = mugs_and_pens();
        // Kitchen (5 g) and office (8 g) apply, garden does not: 8 g, narrower than 20 g.
        assert_eq!(tolerance_g(&rules, &items, "B1", 1000.0), 8.0);
        // A box override of 3 % of 1000 g = 30 g is wider still.
        rules.box_tolerance.insert("B1".into(), Tolerance { grams: 0.0, percent: 3.0 });
        assert_eq!(tolerance_g(&rules, &items, "B1", 1000.0), 30.0);
        // No override applies: the default, max(20 g, 2 % of 1000 g).
        assert_eq!(tolerance_g(&AuditRules::default(), &items, "B9", 1000.0), 20.0);
    }

    #[test]
    fn a_reading_within_tolerance_passes() {
        let items = mugs_and_pens();
        let exp = expect(&AuditRules::default(), &items, &carton("B1", 150.0, [1.0; 3]));
        // Expected 716 + 150 + 10 = 876 g, ± 20 g.
        assert_eq!(exp.expected_g, 876.0);
        assert_eq!(judge(&exp, &reading(890.0), &items), Verdict::Pass { delta_g: 14.0 });
        assert_eq!(judge(&exp, &reading(856.0), &items), Verdict::Pass { delta_g: -20.0 });
    }

    #[test]
    fn one_mug_short_names_the_mug() {
        let items = mugs_and_pens();
        let exp = expect(&AuditRules::default(), &items, &carton("B1", 150.0, [1.0; 3]));
        // 876 − 340 = 536 g; the scale says 541 g, 335 g light: one mug within 20 g.
        let verdict = judge(&exp, &reading(541.0), &items);
        assert_eq!(
            verdict,
            Verdict::Fail {
                delta_g: -335.0,
                cause: "about one Blue Mug (340 g) missing".into(),
                finding: Finding::ItemMissing
            }
        );
    }

    #[test]
    fn several_units_and_extras_are_named_too() {
        let items = mugs_and_pens();
        // 36 g light within 20 g of three pens (36 g) and of no mug: three pens missing.
        assert_eq!(likeliest_cause(-36.0, 5.0, &items), "about 3 × Pen (12 g each) missing");
        // 680 g heavy: two extra mugs.
        assert_eq!(likeliest_cause(683.0, 20.0, &items), "about 2 × Blue Mug (340 g each) extra");
        // Only two mugs were ordered, so three cannot be missing: 1020 g light is unexplained.
        assert_eq!(
            likeliest_cause(-1020.0, 20.0, &items),
            "lighter by 1020 g: an item missing or a wrong item?"
        );
        assert_eq!(
            likeliest_cause(120.0, 20.0, &items),
            "heavier by 120 g: wrong item or extra packing?"
        );
        let finding = |delta| explain(delta, 20.0, &items).0;
        assert_eq!(
            [finding(-340.0), finding(683.0), finding(-1020.0), finding(120.0)],
            [Finding::ItemMissing, Finding::ItemExtra, Finding::Underweight, Finding::Overweight]
        );
    }

    #[test]
    fn the_closest_explanation_wins() {
        // 24 g off with 15 g tolerance: two pens (residual 0) beat one pen (residual 12).
        let items = mugs_and_pens();
        assert_eq!(likeliest_cause(-24.0, 15.0, &items), "about 2 × Pen (12 g each) missing");
    }

    #[test]
    fn untrustworthy_readings_get_no_verdict() {
        let items = mugs_and_pens();
        let exp = expect(&AuditRules::default(), &items, &carton("B1", 150.0, [1.0; 3]));
        let reason = |r: ReadingFacts| match judge(&exp, &r, &items) {
            Verdict::NoVerdict { reason, .. } => Some(reason),
            _ => None,
        };
        let good = reading(876.0);
        assert_eq!(reason(good), None);
        assert_eq!(reason(ReadingFacts { stable: false, ..good }), Some(NoVerdictReason::Unstable));
        assert_eq!(reason(ReadingFacts { age_ms: 2000, ..good }), None, "2 s is still fresh");
        assert_eq!(reason(ReadingFacts { age_ms: 2001, ..good }), Some(NoVerdictReason::Stale));
        assert_eq!(reason(ReadingFacts { online: false, ..good }), Some(NoVerdictReason::Offline));
        for range in [Range::Over, Range::Under, Range::OutOfRange] {
            assert_eq!(reason(ReadingFacts { range, ..good }), Some(NoVerdictReason::OutOfRange));
        }
        assert_eq!(reason(reading(-5.0)), Some(NoVerdictReason::OutOfRange));
    }

    #[test]
    fn an_item_without_weight_makes_the_order_unauditable_whatever_the_reading() {
        let mut items = mugs_and_pens();
        items.push(item("VASE", "Vase", "home", 1, None));
        items.push(item("PEN-1", "Pen", "office", 1, Some(12.0)));
        items.push(item("VASE", "Vase", "home", 2, None));
        let exp = expect(&AuditRules::default(), &items, &carton("B1", 150.0, [1.0; 3]));
        assert_eq!(exp.cannot_audit, ["VASE"]);
        let skus = Verdict::CannotAudit { skus: vec!["VASE".into()] };
        // Even a reading exactly on the partial expectation does not pass.
        assert_eq!(judge(&exp, &reading(exp.expected_g), &items), skus);
        assert_eq!(judge(&exp, &ReadingFacts { stable: false, ..reading(0.0) }, &items), skus);
        assert!(skus.cause().contains("VASE"));
    }

    #[test]
    fn the_smallest_box_that_fits_comes_first() {
        // Two 100 mm cubes: 2,000,000 mm³, × 1.25 = 2,500,000 mm³ needed.
        let items = vec![item("CUBE", "Cube", "", 2, Some(1.0))];
        let boxes = [
            carton("BIG", 300.0, [400.0, 300.0, 300.0]), // 36,000,000
            carton("SMALL", 100.0, [150.0, 150.0, 100.0]), // 2,250,000: too little volume
            carton("FLAT", 100.0, [600.0, 600.0, 50.0]), // 18,000,000 but 50 mm high
            carton("MID", 200.0, [110.0, 250.0, 110.0]), // 3,025,000
        ];
        let fits = suggest_boxes(&AuditRules::default(), &items, &boxes).unwrap();
        let codes: Vec<&str> = fits.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["MID", "BIG"]);
        assert!((fits[0].fill_percent - 2_000_000.0 / 3_025_000.0 * 100.0).abs() < 1e-9);
    }

    #[test]
    fn a_long_item_needs_a_long_box_and_unknown_dimensions_are_named() {
        let mut umbrella = item("UMB", "Umbrella", "", 1, Some(400.0));
        umbrella.dims_mm = Some([40.0, 900.0, 40.0]);
        let boxes = [
            carton("CUBE", 100.0, [500.0, 500.0, 500.0]),
            carton("TUBE", 80.0, [60.0, 60.0, 1000.0]),
        ];
        let fits = suggest_boxes(&AuditRules::default(), &[umbrella.clone()], &boxes).unwrap();
        assert_eq!(fits.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(), ["TUBE"]);
        umbrella.dims_mm = None;
        assert_eq!(
            suggest_boxes(&AuditRules::default(), &[umbrella], &boxes),
            Err(vec!["UMB".into()])
        );
    }

    #[test]
    fn negative_or_missing_numbers_in_the_rules_are_named() {
        assert!(AuditRules::default().problems().is_empty());
        let mut rules = AuditRules { tolerance_g: -1.0, fill_factor: 0.5, ..AuditRules::default() };
        rules.box_tolerance.insert("B1".into(), Tolerance { grams: 5.0, percent: f64::NAN });
        let problems = rules.problems();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("box B1")));
    }
}
