//! The warehouse layout: parallel pick aisles split into blocks by cross aisles, with a depot on
//! the front cross aisle (the model of the routing literature, see `bench/pickpath` in the
//! shared folder). A bin is named by a location code such as `A03-1-12-L`: aisle 3, block 1,
//! slot 12, left side. Every code maps to a point on an aisle centreline that the router uses.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The shape of the pick area. Field names follow the pick-path benchmark's JSON format, so a
/// layout file from there loads unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Layout {
    #[serde(default = "default_name")]
    pub name: String,
    pub aisles: u32,
    pub blocks: u32,
    pub slots_per_side: u32,
    pub slot_length_m: f64,
    pub aisle_pitch_m: f64,
    pub cross_aisle_m: f64,
    #[serde(default)]
    pub depot_x_m: f64,
}

fn default_name() -> String {
    "warehouse".to_owned()
}

/// Why a layout cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LayoutError {
    #[error("layout field “{field}” must be {rule}, but is {value}")]
    OutOfRange { field: &'static str, rule: &'static str, value: String },
    #[error("layout is not valid JSON: {0}")]
    Json(String),
}

impl Layout {
    /// Reads a layout from its JSON file format and checks it.
    pub fn from_json(text: &str) -> Result<Layout, LayoutError> {
        let layout: Layout =
            serde_json::from_str(text).map_err(|e| LayoutError::Json(e.to_string()))?;
        layout.validate()?;
        Ok(layout)
    }

    /// Checks the ranges the distance model relies on.
    pub fn validate(&self) -> Result<(), LayoutError> {
        let count = |field, value: u32| {
            if value >= 1 {
                Ok(())
            } else {
                Err(LayoutError::OutOfRange { field, rule: "at least 1", value: value.to_string() })
            }
        };
        let length = |field, value: f64, allow_zero: bool| {
            let ok = value.is_finite() && (value > 0.0 || (allow_zero && value == 0.0));
            if ok {
                Ok(())
            } else {
                let rule = if allow_zero { "zero or more metres" } else { "more than zero metres" };
                Err(LayoutError::OutOfRange { field, rule, value: value.to_string() })
            }
        };
        count("aisles", self.aisles)?;
        count("blocks", self.blocks)?;
        count("slots_per_side", self.slots_per_side)?;
        length("slot_length_m", self.slot_length_m, false)?;
        length("aisle_pitch_m", self.aisle_pitch_m, false)?;
        length("cross_aisle_m", self.cross_aisle_m, true)?;
        let max_x = self.aisle_x(self.aisles);
        if !(self.depot_x_m.is_finite() && (0.0..=max_x).contains(&self.depot_x_m)) {
            return Err(LayoutError::OutOfRange {
                field: "depot_x_m",
                rule: "between 0 and the x of the last aisle",
                value: self.depot_x_m.to_string(),
            });
        }
        Ok(())
    }

    /// Storage length of one block (`B = S·ℓ`).
    pub fn block_length(&self) -> f64 {
        f64::from(self.slots_per_side) * self.slot_length_m
    }

    /// x of aisle `a` (1-based).
    pub fn aisle_x(&self, aisle: u32) -> f64 {
        f64::from(aisle.saturating_sub(1)) * self.aisle_pitch_m
    }

    /// y of the centreline of cross aisle `k` (0 = front, `blocks` = back).
    pub fn cross_aisle_y(&self, k: u32) -> f64 {
        self.cross_aisle_m / 2.0 + f64::from(k) * (self.block_length() + self.cross_aisle_m)
    }

    /// y of the centre of slot `s` in block `j` (both 1-based).
    pub fn slot_y(&self, block: u32, slot: u32) -> f64 {
        self.cross_aisle_m
            + f64::from(block.saturating_sub(1)) * (self.block_length() + self.cross_aisle_m)
            + (f64::from(slot) - 0.5) * self.slot_length_m
    }

    /// The depot: a point on the front cross aisle.
    pub fn depot(&self) -> Point {
        Point { x: self.depot_x_m, y: self.cross_aisle_y(0) }
    }

    /// The pick point of a bin, on its aisle's centreline.
    pub fn point(&self, bin: &BinCode) -> Point {
        Point { x: self.aisle_x(bin.aisle), y: self.slot_y(bin.block, bin.slot) }
    }

    /// Whether a bin lies inside this layout.
    pub fn contains(&self, bin: &BinCode) -> bool {
        (1..=self.aisles).contains(&bin.aisle)
            && (1..=self.blocks).contains(&bin.block)
            && (1..=self.slots_per_side).contains(&bin.slot)
    }

    /// Every bin of the layout, aisle by aisle, block by block, slot by slot, left before right.
    pub fn bins(&self) -> impl Iterator<Item = BinCode> + '_ {
        (1..=self.aisles).flat_map(move |aisle| {
            (1..=self.blocks).flat_map(move |block| {
                (1..=self.slots_per_side).flat_map(move |slot| {
                    [Side::Left, Side::Right].map(|side| BinCode { aisle, block, slot, side })
                })
            })
        })
    }
}

/// A point in metres: x across the aisles, y away from the depot.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// Which side of the aisle a slot is on. Picking from either side costs the same walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
pub enum Side {
    #[serde(rename = "L")]
    Left,
    #[serde(rename = "R")]
    Right,
}

/// A pick bin's address: aisle, block, slot and side, written `A03-1-12-L`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
pub struct BinCode {
    pub aisle: u32,
    pub block: u32,
    pub slot: u32,
    pub side: Side,
}

/// Why a location code could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{code}” is not a bin code like A03-1-12-L (aisle, block, slot, side L or R): {reason}")]
pub struct BinCodeError {
    pub code: String,
    pub reason: &'static str,
}

impl FromStr for BinCode {
    type Err = BinCodeError;

    fn from_str(code: &str) -> Result<BinCode, BinCodeError> {
        let fail = |reason| BinCodeError { code: code.to_owned(), reason };
        let parts: Vec<&str> = code.trim().split('-').collect();
        let [aisle, block, slot, side] = parts.as_slice() else {
            return Err(fail("expected four parts separated by '-'"));
        };
        let aisle =
            aisle.strip_prefix(['A', 'a']).ok_or_else(|| fail("the aisle must start with A"))?;
        let number = |text: &str, what| match text.parse::<u32>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(fail(what)),
        };
        Ok(BinCode {
            aisle: number(aisle, "the aisle must be a number from 1")?,
            block: number(block, "the block must be a number from 1")?,
            slot: number(slot, "the slot must be a number from 1")?,
            side: match *side {
                "L" | "l" => Side::Left,
                "R" | "r" => Side::Right,
                _ => return Err(fail("the side must be L or R")),
            },
        })
    }
}

impl fmt::Display for BinCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = match self.side {
            Side::Left => 'L',
            Side::Right => 'R',
        };
        write!(f, "A{:02}-{}-{:02}-{}", self.aisle, self.block, self.slot, side)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worked_example() -> Layout {
        Layout::from_json(
            r#"{"aisles":3,"blocks":2,"slots_per_side":4,"slot_length_m":1.0,
                "aisle_pitch_m":3.0,"cross_aisle_m":2.0}"#,
        )
        .unwrap()
    }

    #[test]
    fn coordinates_follow_the_benchmark_worked_example() {
        let layout = worked_example();
        assert_eq!(layout.depot(), Point { x: 0.0, y: 1.0 });
        assert_eq!([0, 1, 2].map(|k| layout.cross_aisle_y(k)), [1.0, 7.0, 13.0]);
        assert_eq!(layout.slot_y(1, 1), 2.5);
        assert_eq!(layout.slot_y(2, 4), 11.5);
        assert_eq!(layout.aisle_x(3), 6.0);
    }

    #[test]
    fn bin_codes_round_trip_and_name_the_fault() {
        let bin: BinCode = "A03-1-12-L".parse().unwrap();
        assert_eq!(bin, BinCode { aisle: 3, block: 1, slot: 12, side: Side::Left });
        assert_eq!(bin.to_string(), "A03-1-12-L");
        let err = "A03-1-12-X".parse::<BinCode>().unwrap_err();
        assert_eq!(err.reason, "the side must be L or R");
        assert!("B03-1-12-L".parse::<BinCode>().is_err());
        assert!("A03-0-12-L".parse::<BinCode>().is_err());
        assert!("A03-1-12".parse::<BinCode>().is_err());
    }

    #[test]
    fn bad_layouts_name_the_field() {
        let err = Layout::from_json(
            r#"{"aisles":0,"blocks":2,"slots_per_side":4,"slot_length_m":1.0,
                "aisle_pitch_m":3.0,"cross_aisle_m":2.0}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("“aisles”"), "{err}");
        let mut layout = worked_example();
        layout.depot_x_m = 7.0;
        assert!(layout.validate().unwrap_err().to_string().contains("depot_x_m"));
    }

    #[test]
    fn bins_cover_the_layout_once() {
        let layout = worked_example();
        let bins: Vec<_> = layout.bins().collect();
        assert_eq!(bins.len(), 3 * 2 * 4 * 2);
        assert!(bins.iter().all(|b| layout.contains(b)));
    }
}
