//! Label sheets and rolls: where each label sits on the page, and what is drawn on one label.
//!
//! A label says one code twice: as Code 128 bars for the scanner and in large text for the
//! person looking for it, with a line of detail (the product's name, the operator's role) in
//! between. Sizes are PDF points (1/72 in), origin at the bottom left of the page.

use serde::{Deserialize, Serialize};
use thiserror::Error;
use ts_rs::TS;

use crate::code128::{self, Code128Error};
use crate::slip::Measure;

/// The label stock in the printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub enum Stock {
    /// Letter sheet of 30 address labels, 1 × 2⅝ in, 3 across and 10 down (Avery 5160).
    #[serde(rename = "letter-30")]
    Letter30,
    /// A4 sheet of 21 labels, 63.5 × 38.1 mm, 3 across and 7 down (Avery L7160). The taller
    /// of the common A4 layouts, so the bars keep their height under large text.
    #[serde(rename = "a4-21")]
    A4x21,
    /// Thermal roll, one 4 × 6 in label per page (the shipping-label size).
    #[serde(rename = "roll-4x6")]
    Roll4x6,
    /// Thermal roll, one 2.25 × 1.25 in label per page (the common shelf and product size).
    #[serde(rename = "roll-2.25x1.25")]
    Roll2x1,
}

/// Where the labels of one stock sit, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sheet {
    pub page_width: f32,
    pub page_height: f32,
    pub columns: u32,
    pub rows: u32,
    pub label_width: f32,
    pub label_height: f32,
    /// From the page's left edge to the first column.
    pub left: f32,
    /// From the page's top edge to the first row.
    pub top: f32,
    /// From one column's left edge to the next's.
    pub pitch_x: f32,
    /// From one row's top edge to the next's.
    pub pitch_y: f32,
}

const INCH: f32 = 72.0;
const MM: f32 = 72.0 / 25.4;

impl Stock {
    pub const ALL: [Stock; 4] = [Stock::Letter30, Stock::A4x21, Stock::Roll4x6, Stock::Roll2x1];

    /// The name used on the command line and in the wire format.
    pub fn name(self) -> &'static str {
        match self {
            Stock::Letter30 => "letter-30",
            Stock::A4x21 => "a4-21",
            Stock::Roll4x6 => "roll-4x6",
            Stock::Roll2x1 => "roll-2.25x1.25",
        }
    }

    pub fn parse(name: &str) -> Option<Stock> {
        Stock::ALL.into_iter().find(|s| s.name().eq_ignore_ascii_case(name.trim()))
    }

    /// A roll carries one label per page, cut or peeled one by one.
    pub fn is_roll(self) -> bool {
        matches!(self, Stock::Roll4x6 | Stock::Roll2x1)
    }

    pub fn sheet(self) -> Sheet {
        match self {
            Stock::Letter30 => Sheet {
                page_width: 8.5 * INCH,
                page_height: 11.0 * INCH,
                columns: 3,
                rows: 10,
                label_width: 2.625 * INCH,
                label_height: INCH,
                left: 0.1875 * INCH,
                top: 0.5 * INCH,
                pitch_x: 2.75 * INCH,
                pitch_y: INCH,
            },
            Stock::A4x21 => Sheet {
                page_width: 210.0 * MM,
                page_height: 297.0 * MM,
                columns: 3,
                rows: 7,
                label_width: 63.5 * MM,
                label_height: 38.1 * MM,
                left: 7.25 * MM,
                top: 15.15 * MM,
                pitch_x: 66.0 * MM,
                pitch_y: 38.1 * MM,
            },
            Stock::Roll4x6 => roll(4.0 * INCH, 6.0 * INCH),
            Stock::Roll2x1 => roll(2.25 * INCH, 1.25 * INCH),
        }
    }
}

fn roll(width: f32, height: f32) -> Sheet {
    Sheet {
        page_width: width,
        page_height: height,
        columns: 1,
        rows: 1,
        label_width: width,
        label_height: height,
        left: 0.0,
        top: 0.0,
        pitch_x: width,
        pitch_y: height,
    }
}

impl Sheet {
    pub fn per_page(&self) -> u32 {
        self.columns * self.rows
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LabelError {
    #[error("a sheet of this stock has {per_page} labels; start at 1 to {per_page}")]
    BadStart { per_page: u32 },
    #[error("{0}")]
    Code(#[from] Code128Error),
    #[error("“{0}” is too long to scan on this label; choose a larger label stock")]
    TooNarrow(String),
}

/// One label's place: the page it is on and its rectangle (bottom-left corner and size).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slot {
    pub page: usize,
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

/// Places `count` labels across as many pages as they need, left to right and then down,
/// starting at position `start` (1 is the top left) on the first sheet, so a partly used sheet
/// can go back in the printer. Rolls have one label per page and ignore `start` beyond 1.
pub fn place(stock: Stock, count: usize, start: u32) -> Result<Vec<Slot>, LabelError> {
    let sheet = stock.sheet();
    let per_page = sheet.per_page();
    if start == 0 || start > per_page {
        return Err(LabelError::BadStart { per_page });
    }
    let skip = (start - 1) as usize;
    Ok((skip..skip + count)
        .map(|n| {
            let on_page = (n % per_page as usize) as u32;
            let (column, row) = (on_page % sheet.columns, on_page / sheet.columns);
            let top = sheet.page_height - sheet.top - row as f32 * sheet.pitch_y;
            Slot {
                page: n / per_page as usize,
                x: sheet.left + column as f32 * sheet.pitch_x,
                y: top - sheet.label_height,
                width: sheet.label_width,
                height: sheet.label_height,
            }
        })
        .collect())
}

/// The number of pages `count` labels from `start` fill.
pub fn pages(slots: &[Slot]) -> usize {
    slots.last().map_or(0, |s| s.page + 1)
}

/// What one label says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// What the bars encode: exactly what a scan must find.
    pub code: String,
    /// The large text; usually the code itself.
    pub title: String,
    /// One line of detail under the title; may be empty.
    pub detail: String,
}

/// A mark on the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    /// A filled bar.
    Bar { x: f32, y: f32, width: f32, height: f32 },
    /// Text with its baseline starting at (x, y).
    Text { x: f32, y: f32, size: f32, bold: bool, text: String },
}

/// The narrowest module (the thinnest bar) a label may use: 0.18 mm, two dots on a 300 dpi
/// printer and more than one on a 203 dpi thermal head. Narrower would not scan reliably.
pub const MIN_MODULE: f32 = 0.5;
/// The widest module worth using; beyond this a wider symbol only slows the aim.
const MAX_MODULE: f32 = 2.5;

/// Lays one label out in its slot: the title on top, the detail under it, the bars filling the
/// rest, all centred.
pub fn layout(label: &Label, slot: &Slot, measure: &impl Measure) -> Result<Vec<Mark>, LabelError> {
    let widths = code128::bars(&label.code)?;
    let pad = (slot.height.min(slot.width) * 0.08).clamp(4.0, 18.0);
    let inner_width = slot.width - 2.0 * pad;
    let inner_height = slot.height - 2.0 * pad;
    let module = (inner_width / code128::width_modules(&widths) as f32).min(MAX_MODULE);
    if module < MIN_MODULE {
        return Err(LabelError::TooNarrow(label.code.clone()));
    }

    let mut marks = Vec::new();
    let mut top = slot.y + slot.height - pad;
    // The title takes about a third of the height, shrunk until it fits the width.
    let title_size = fit_size(measure, &label.title, true, inner_width, inner_height * 0.34);
    top -= title_size * 0.76;
    marks.push(centred(measure, slot, &label.title, title_size, true, top));
    top -= title_size * 0.3;
    if !label.detail.trim().is_empty() {
        let size = (inner_height * 0.11).clamp(5.0, 16.0);
        let detail = shorten(measure, label.detail.trim(), size, inner_width);
        top -= size * 0.9;
        marks.push(centred(measure, slot, &detail, size, false, top));
        top -= size * 0.3;
    }
    let bar_height = top - (slot.y + pad);
    let symbol_width = (code128::width_modules(&widths) - 2 * code128::QUIET_ZONE) as f32 * module;
    let mut x = slot.x + (slot.width - symbol_width) / 2.0;
    for (i, w) in widths.iter().enumerate() {
        let width = f32::from(*w) * module;
        if i % 2 == 0 {
            marks.push(Mark::Bar { x, y: slot.y + pad, width, height: bar_height });
        }
        x += width;
    }
    Ok(marks)
}

/// The largest size (up to `max`) at which `text` fits `width`, never below 6 pt.
fn fit_size(measure: &impl Measure, text: &str, bold: bool, width: f32, max: f32) -> f32 {
    let at_one = measure.width(text, 1.0, bold).max(0.01);
    (width / at_one).min(max).max(6.0)
}

/// `text` cut with an ellipsis so it fits `width`.
fn shorten(measure: &impl Measure, text: &str, size: f32, width: f32) -> String {
    if measure.width(text, size, false) <= width {
        return text.to_owned();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let cut: String = chars.iter().collect::<String>().trim_end().to_owned() + "…";
        if measure.width(&cut, size, false) <= width {
            return cut;
        }
    }
    String::new()
}

fn centred(measure: &impl Measure, slot: &Slot, text: &str, size: f32, bold: bool, y: f32) -> Mark {
    let width = measure.width(text, size, bold);
    Mark::Text { x: slot.x + (slot.width - width) / 2.0, y, size, bold, text: text.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character half an em wide, bold a little wider.
    struct Even;
    impl Measure for Even {
        fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
            text.chars().count() as f32 * size * if bold { 0.6 } else { 0.5 }
        }
    }

    #[test]
    fn sheets_fit_their_paper() {
        for stock in Stock::ALL {
            let s = stock.sheet();
            let right = s.left + (s.columns - 1) as f32 * s.pitch_x + s.label_width;
            let bottom = s.top + (s.rows - 1) as f32 * s.pitch_y + s.label_height;
            assert!(right <= s.page_width + 0.01, "{stock:?} {right}");
            assert!(bottom <= s.page_height + 0.01, "{stock:?} {bottom}");
            // Sheets are centred: the margins either side are equal.
            assert!((s.page_width - right - s.left).abs() < 0.01, "{stock:?}");
            assert!((s.page_height - bottom - s.top).abs() < 0.01, "{stock:?}");
        }
        assert_eq!(Stock::Letter30.sheet().per_page(), 30);
        assert_eq!(Stock::A4x21.sheet().per_page(), 21);
    }

    #[test]
    fn names_round_trip() {
        for stock in Stock::ALL {
            assert_eq!(Stock::parse(stock.name()), Some(stock));
            let json = serde_json::to_string(&stock).unwrap();
            assert_eq!(json, format!("\"{}\"", stock.name()));
        }
        assert_eq!(Stock::parse("Letter-30"), Some(Stock::Letter30));
        assert_eq!(Stock::parse("letter"), None);
    }

    #[test]
    fn a_full_sheet_fills_across_then_down() {
        let slots = place(Stock::Letter30, 31, 1).unwrap();
        assert_eq!(pages(&slots), 2);
        // First label: top left, half an inch from the top.
        assert_eq!(slots[0].page, 0);
        assert!((slots[0].x - 13.5).abs() < 0.01);
        assert!((slots[0].y - (792.0 - 36.0 - 72.0)).abs() < 0.01);
        // Second: same row, next column.
        assert_eq!(slots[1].y, slots[0].y);
        assert!((slots[1].x - slots[0].x - 198.0).abs() < 0.01);
        // Fourth: next row, first column.
        assert_eq!(slots[3].x, slots[0].x);
        assert!((slots[0].y - slots[3].y - 72.0).abs() < 0.01);
        // The 30th is the bottom right; the 31st starts a new sheet at the top left.
        assert!((slots[29].y - 36.0).abs() < 0.01);
        assert_eq!(slots[30].page, 1);
        assert_eq!((slots[30].x, slots[30].y), (slots[0].x, slots[0].y));
    }

    #[test]
    fn a_partly_used_sheet_starts_where_asked() {
        let slots = place(Stock::A4x21, 3, 20).unwrap();
        let full = place(Stock::A4x21, 22, 1).unwrap();
        assert_eq!(slots[0], full[19]);
        assert_eq!(slots[1], full[20]);
        assert_eq!(slots[2].page, 1);
        assert_eq!((slots[2].x, slots[2].y), (full[0].x, full[0].y));
        assert_eq!(place(Stock::A4x21, 1, 22), Err(LabelError::BadStart { per_page: 21 }));
        assert_eq!(place(Stock::A4x21, 1, 0), Err(LabelError::BadStart { per_page: 21 }));
    }

    #[test]
    fn rolls_put_one_label_on_each_page() {
        let slots = place(Stock::Roll2x1, 3, 1).unwrap();
        assert_eq!(slots.iter().map(|s| s.page).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(
            (slots[2].x, slots[2].y, slots[2].width, slots[2].height),
            (0.0, 0.0, 162.0, 90.0)
        );
        assert!(Stock::Roll4x6.is_roll() && !Stock::Letter30.is_roll());
    }

    fn within(marks: &[Mark], slot: &Slot) {
        for m in marks {
            let (x0, y0, x1, y1) = match m {
                Mark::Bar { x, y, width, height } => (*x, *y, x + width, y + height),
                Mark::Text { x, y, size, bold, text } => {
                    (*x, *y, x + Even.width(text, *size, *bold), y + size * 0.76)
                }
            };
            assert!(x0 >= slot.x - 0.01 && x1 <= slot.x + slot.width + 0.01, "{m:?} in {slot:?}");
            assert!(y0 >= slot.y - 0.01 && y1 <= slot.y + slot.height + 0.01, "{m:?} in {slot:?}");
        }
    }

    #[test]
    fn a_label_keeps_everything_inside_its_slot() {
        let label = Label {
            code: "A03-1-12-L".into(),
            title: "A03-1-12-L".into(),
            detail: "Aisle 3, block 1, slot 12, left".into(),
        };
        for stock in Stock::ALL {
            for slot in place(stock, 4, 1).unwrap() {
                let marks = layout(&label, &slot, &Even).unwrap();
                within(&marks, &slot);
                let bars = marks.iter().filter(|m| matches!(m, Mark::Bar { .. })).count();
                // Start, ten characters, check: 12 symbols of 3 bars, and the stop's 4.
                assert_eq!(bars, 12 * 3 + 4, "{stock:?}");
            }
        }
    }

    #[test]
    fn the_title_is_larger_than_the_detail_and_above_the_bars() {
        let label =
            Label { code: "SKU-1".into(), title: "SKU-1".into(), detail: "Blue mug".into() };
        let slot = place(Stock::Letter30, 1, 1).unwrap()[0];
        let marks = layout(&label, &slot, &Even).unwrap();
        let Mark::Text { size: title, y: title_y, .. } = marks[0] else { panic!() };
        let Mark::Text { size: detail, y: detail_y, .. } = marks[1] else { panic!() };
        let Mark::Bar { y: bar_y, height, .. } = marks[2] else { panic!() };
        assert!(title > detail * 1.5, "{title} {detail}");
        assert!(title_y > detail_y && detail_y > bar_y + height);
        assert!(height > slot.height * 0.3, "bars tall enough to aim at: {height}");
    }

    #[test]
    fn a_long_detail_is_shortened_and_a_long_code_refused_on_small_stock() {
        let slot = place(Stock::Roll2x1, 1, 1).unwrap()[0];
        let label = Label { code: "X1".into(), title: "X1".into(), detail: "word ".repeat(40) };
        let marks = layout(&label, &slot, &Even).unwrap();
        let Mark::Text { text, .. } = &marks[1] else { panic!() };
        assert!(text.ends_with('…'), "{text}");
        within(&marks, &slot);
        let long = "ABCDEFGHIJKLMNOPQRSTUVWXYZ-ABC";
        let label = Label { code: long.into(), title: long.into(), detail: String::new() };
        assert_eq!(layout(&label, &slot, &Even), Err(LabelError::TooNarrow(long.into())));
        // The same code fits a 4 x 6 label.
        let big = place(Stock::Roll4x6, 1, 1).unwrap()[0];
        assert!(layout(&label, &big, &Even).is_ok());
    }
}
