//! What a scale said: readings, answers to commands, and faults in the byte stream.

use std::time::Instant;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Protocol;
use crate::weight::WeightUnit;

/// A weight exactly as the scale sent it, and the same weight in grams.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct Weight {
    /// The number on the wire, with its sign.
    pub value: f64,
    /// The unit the scale weighs in.
    pub unit: WeightUnit,
    /// `value` converted to grams, the unit Backroom stores.
    pub grams: f64,
}

impl Weight {
    pub fn new(value: f64, unit: WeightUnit) -> Weight {
        Weight { value, unit, grams: unit.to_grams(value) }
    }
}

/// Where the load stands against what the scale can weigh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Range {
    InRange,
    /// Over capacity.
    Over,
    /// Under capacity: the pan is missing or lifted. Toledo 8213/8217 also say this for any
    /// weight below zero, since they withhold negative weights.
    Under,
    /// Over or under capacity; Toledo continuous output has one bit for both.
    OutOfRange,
}

/// One report of the load on the scale.
///
/// A reading carries a weight only when the frame did. Over and under capacity never come with
/// a weight, and status-only frames (NCI and Toledo 8213/8217 withhold the weight in some states)
/// give the flags alone.
///
/// A stable weight, a load out of range and a fault are reported only once a second frame in a
/// row said the same, or the frame's checksum vouched for it (Toledo continuous output). Before
/// that the reading shows the load as in motion, in range and without a fault.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Reading {
    pub protocol: Protocol,
    pub weight: Option<Weight>,
    /// The scale is not settled, or it says so in a frame not yet confirmed by the next one.
    /// Toledo 8213/8217 send a weight only when it is stable.
    pub motion: bool,
    pub range: Range,
    /// At the centre of zero; `None` when the frame does not say (MT-SICS, Toledo 8213/8217
    /// weight frames, Toledo continuous output).
    pub at_zero: Option<bool>,
    /// Net (a tare is subtracted) rather than gross; `None` when the frame does not say (MT-SICS,
    /// NCI with two status bytes).
    pub net: Option<bool>,
    /// The tare in use, where the frame carries it (Toledo continuous output).
    pub tare: Option<Weight>,
    /// The scale reports an internal error (memory, calibration, power-up zero), so its weight
    /// should not be trusted.
    pub fault: bool,
    /// When the last byte of the frame was pushed.
    #[serde(skip)]
    #[ts(skip)]
    pub at: Instant,
}

impl Reading {
    pub fn grams(&self) -> Option<f64> {
        self.weight.map(|weight| weight.grams)
    }

    /// The weight in grams if it can be trusted for a weight check: sent, settled, within range
    /// and without a fault.
    pub fn stable_grams(&self) -> Option<f64> {
        let usable = !self.motion && self.range == Range::InRange && !self.fault;
        self.grams().filter(|_| usable)
    }
}

/// A reading before it is stamped with its protocol and time; the framers produce these.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Sample {
    pub weight: Option<Weight>,
    pub motion: bool,
    pub range: Range,
    pub at_zero: Option<bool>,
    pub net: Option<bool>,
    pub tare: Option<Weight>,
    pub fault: bool,
    /// A checksum proved the frame whole, so it needs no second frame to be believed.
    pub vouched: bool,
}

impl Sample {
    pub fn new(weight: Option<Weight>, motion: bool, range: Range) -> Sample {
        Sample {
            weight,
            motion,
            range,
            at_zero: None,
            net: None,
            tare: None,
            fault: false,
            vouched: false,
        }
    }

    /// Stamps the sample. A weight that came with an over or under capacity flag is dropped here,
    /// in one place, so no protocol can report a number for a load the scale cannot weigh.
    pub fn reading(self, protocol: Protocol, at: Instant) -> Reading {
        let weight = if self.range == Range::InRange { self.weight } else { None };
        Reading {
            protocol,
            weight,
            motion: self.motion,
            range: self.range,
            at_zero: self.at_zero,
            net: self.net,
            tare: self.tare,
            fault: self.fault,
            at,
        }
    }
}

/// What the transport can ask a scale to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    Weight,
    Zero,
    Tare,
    ClearTare,
}

/// Why a scale did not carry out a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// MT-SICS `I`: not possible now (busy, or no stable weight before the scale's timeout).
    Busy,
    /// The scale was in motion.
    Motion,
    /// MT-SICS `+` or an over-capacity status: above the range the command allows.
    AboveRange,
    /// MT-SICS `-` or an under-capacity status: below the range the command allows.
    BelowRange,
    /// Toledo 8213/8217: the load is outside the range the scale may zero.
    OutsideZeroRange,
    /// NCI: the status after the zero command does not show centre of zero.
    NotAtZero,
    /// MT-SICS `ES`, NCI `?`: the scale does not know the command.
    UnknownCommand,
    /// MT-SICS `ET`: the command reached the scale damaged (parity error or break).
    TransmissionError,
    /// MT-SICS `EL`: the command cannot be carried out in the scale's present state.
    LogicalError,
    /// MT-SICS `L`: a parameter of the command was wrong.
    BadParameter,
}

/// Something a decoder read from the bytes.
#[derive(Debug, Clone, PartialEq)]
pub enum ScaleEvent {
    Reading(Reading),
    Zeroed,
    /// The tare was taken or set; MT-SICS says the tare weight (and reports the tare in use the
    /// same way when asked with `TA`), the others do not.
    Tared {
        tare: Option<Weight>,
    },
    TareCleared,
    /// `command` is `None` when the reply does not say which command it answers and none was
    /// waiting for an answer.
    Refused {
        command: Option<Command>,
        reason: Refusal,
    },
    /// MT-SICS `I2`/`I3`/`I4` text (type and capacity, software, serial number); a balance also
    /// sends its serial number when it powers up.
    Identity {
        text: String,
    },
    /// Bytes were dropped; they are also counted in [`Decoder::garbage_bytes`](super::Decoder::garbage_bytes).
    Fault(FrameError),
    /// Toledo 8213/8217 frames name no unit, and these are shaped as a scale set to `like`
    /// prints its weights, though such a scale set to `configured` may print them so too (two
    /// decimals: pounds, or kilograms at a 0.01 to 0.05 kg division). Said once, before the
    /// first reading in that shape, so that people check the scale's unit.
    UnitInDoubt {
        configured: WeightUnit,
        like: WeightUnit,
    },
}

/// Why received bytes were dropped instead of read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("dropped {bytes} bytes of a frame that stopped arriving")]
    Stale { bytes: usize },
    #[error("dropped {bytes} bytes that never reached the end of a frame")]
    Overflow { bytes: usize },
    #[error("checksum {found:#04x} does not match the frame, which adds up to {expected:#04x}")]
    Checksum { expected: u8, found: u8 },
    #[error("cannot read the frame “{frame}”")]
    Unreadable { frame: String },
    #[error("the scale weighs in “{unit}”; set it to g, kg, oz or lb")]
    UnsupportedUnit { unit: String },
    #[error(
        "the frame “{frame}” has {decimals} decimals, as a scale set to {like} prints its \
         weights, but Backroom reads this scale in {configured}; set the scale to {configured}, \
         or tell Backroom the scale's unit (“--unit {like}”)"
    )]
    UnitMismatch { frame: String, decimals: usize, configured: WeightUnit, like: WeightUnit },
    #[error("cannot read the HID report “{report}”: {problem}")]
    BadReport { report: String, problem: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reading_serializes_without_its_instant() {
        let sample = Sample::new(Some(Weight::new(2.35, WeightUnit::Lb)), false, Range::InRange);
        let reading =
            Sample { at_zero: Some(false), ..sample }.reading(Protocol::Nci, Instant::now());
        let json = serde_json::to_value(&reading).unwrap();
        assert_eq!(json["protocol"], "nci");
        assert_eq!(json["weight"]["unit"], "lb");
        assert_eq!(json["range"], "in_range");
        assert_eq!(json["net"], serde_json::Value::Null);
        assert!(json.get("at").is_none());
        let cfg = ts_rs::Config::new();
        assert!(!Reading::decl(&cfg).contains("at:"), "{}", Reading::decl(&cfg));
        assert!(Reading::decl(&cfg).contains("range: Range"), "{}", Reading::decl(&cfg));
    }

    #[test]
    fn a_weight_with_an_out_of_range_flag_is_never_reported() {
        let sample = Sample::new(Some(Weight::new(61.0, WeightUnit::Kg)), false, Range::OutOfRange);
        let reading = sample.reading(Protocol::ToledoContinuous, Instant::now());
        assert_eq!((reading.weight, reading.grams(), reading.stable_grams()), (None, None, None));
    }
}
