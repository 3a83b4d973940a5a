//! Believing a reading only when the next frame says the same.
//!
//! Only Toledo continuous output carries a checksum. In the other protocols one damaged byte can
//! turn a valid frame into another valid frame: `002.35lb` into `002.85lb`, status `00` into `02`
//! (over capacity) or `40` (a memory error). Such a frame stands alone, since the frames around
//! it still say what the scale shows. So a reading that claims something a caller acts on (a
//! stable weight, a load out of range, a fault) is believed when the frame just before it claimed
//! exactly the same, or when its checksum vouches for it. Until then it is reported as
//! unsettled: in motion, in range and without a fault.

use super::Range;
use super::reading::Sample;

#[derive(Debug, Default)]
pub(super) struct Agreement {
    /// The claim of the frame just before, as the scale sent it.
    last: Option<Sample>,
}

impl Agreement {
    /// The sample as it may be reported, given the frame before it.
    pub fn judge(&mut self, sample: Sample) -> Sample {
        let agreed = sample.vouched || self.last.as_ref() == Some(&sample);
        self.last = Some(sample.clone());
        if agreed || !claims(&sample) { sample } else { unsettled(sample) }
    }

    /// Something other than a reading came (a damaged frame, a reply to a command), so the next
    /// reading has no frame just before it to agree with.
    pub fn interrupt(&mut self) {
        self.last = None;
    }
}

/// Whether a caller would act on the sample: weigh with it, or give up on the scale.
fn claims(sample: &Sample) -> bool {
    let stable_weight = sample.weight.is_some() && !sample.motion;
    stable_weight || sample.fault || sample.range != Range::InRange
}

/// What an unconfirmed claim is reported as: the load is not settled yet. A weight within range
/// is kept for display, as a weight in motion would be.
fn unsettled(sample: Sample) -> Sample {
    let weight = sample.weight.filter(|_| sample.range == Range::InRange);
    Sample { weight, motion: true, range: Range::InRange, fault: false, ..sample }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scale::Weight;
    use crate::weight::WeightUnit;

    fn stable(value: f64) -> Sample {
        Sample::new(Some(Weight::new(value, WeightUnit::Kg)), false, Range::InRange)
    }

    #[test]
    fn a_stable_weight_needs_a_second_frame_that_agrees() {
        let mut agreement = Agreement::default();
        assert!(agreement.judge(stable(1.25)).motion);
        assert_eq!(agreement.judge(stable(1.25)), stable(1.25));
        assert_eq!(agreement.judge(stable(1.25)), stable(1.25));
        assert!(agreement.judge(stable(1.75)).motion, "a new weight starts over");
    }

    #[test]
    fn an_interruption_starts_over() {
        let mut agreement = Agreement::default();
        agreement.judge(stable(1.25));
        agreement.interrupt();
        assert!(agreement.judge(stable(1.25)).motion);
    }

    #[test]
    fn a_lone_fault_or_overload_is_only_unsettled() {
        let mut agreement = Agreement::default();
        let fault = Sample { fault: true, ..stable(1.25) };
        let reported = agreement.judge(fault.clone());
        assert_eq!((reported.fault, reported.motion), (false, true));
        assert_eq!(reported.weight, stable(1.25).weight);
        assert_eq!(agreement.judge(fault.clone()), fault);
        let over = Sample::new(None, false, Range::Over);
        let reported = agreement.judge(over.clone());
        assert_eq!(
            (reported.range, reported.weight, reported.motion),
            (Range::InRange, None, true)
        );
        assert_eq!(agreement.judge(over.clone()), over);
    }

    #[test]
    fn a_checksum_vouches_for_one_frame() {
        let mut agreement = Agreement::default();
        let vouched = Sample { vouched: true, ..stable(1.25) };
        assert_eq!(agreement.judge(vouched.clone()), vouched);
    }

    #[test]
    fn motion_and_plain_status_pass_unchanged() {
        let mut agreement = Agreement::default();
        let moving = Sample::new(Some(Weight::new(1.2, WeightUnit::Kg)), true, Range::InRange);
        assert_eq!(agreement.judge(moving.clone()), moving);
        let nothing = Sample::new(None, false, Range::InRange);
        assert_eq!(agreement.judge(nothing.clone()), nothing);
    }
}
