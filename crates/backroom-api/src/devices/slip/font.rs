//! The font every slip is set in: DejaVu Sans, shipped in `assets/fonts/` with its licence and
//! embedded in the binary, so a slip looks the same on every station. It covers Latin with
//! accents, Greek and Cyrillic. A character it lacks is replaced by a visible mark and counted,
//! never dropped, so a wrong name on a parcel is seen rather than silently shortened.

use std::sync::OnceLock;

use backroom_core::slip::Measure;
use printpdf::ParsedFont;

const REGULAR: &[u8] = include_bytes!("../../../../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Advance widths are cached for the first code points (Latin, Greek, Cyrillic), which are
/// nearly all a slip holds; anything beyond is looked up in the font each time.
const CACHED: usize = 0x0530;

/// One parsed face with its width cache.
pub struct Face {
    pub parsed: ParsedFont,
    units_per_em: f32,
    /// Advance per em of the first [`CACHED`] code points; negative where the face lacks one.
    widths: Vec<f32>,
}

impl Face {
    fn load(bytes: &[u8]) -> Face {
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
            .expect("the shipped slip font is a valid TrueType file");
        let units_per_em = f32::from(parsed.pdf_font_metrics.units_per_em.max(1));
        let mut face = Face { parsed, units_per_em, widths: Vec::new() };
        face.widths = (0..CACHED as u32)
            .map(|c| char::from_u32(c).and_then(|c| face.lookup(c)).unwrap_or(-1.0))
            .collect();
        face
    }

    /// The advance of `c` per em, or `None` when the face has no glyph for it.
    fn lookup(&self, c: char) -> Option<f32> {
        let gid = self.parsed.lookup_glyph_index(c as u32).filter(|&g| g != 0)?;
        Some(f32::from(self.parsed.get_horizontal_advance(gid)) / self.units_per_em)
    }

    fn advance(&self, c: char) -> Option<f32> {
        match self.widths.get(c as usize) {
            Some(&w) if w >= 0.0 => Some(w),
            Some(_) => None,
            None => self.lookup(c),
        }
    }

    pub fn has(&self, c: char) -> bool {
        self.advance(c).is_some()
    }
}

/// The regular and bold faces, parsed once per process.
pub struct Fonts {
    pub regular: Face,
    pub bold: Face,
    /// What a missing character becomes: U+FFFD (a white question mark in a black diamond)
    /// where the font has it, else `?`.
    pub replacement: char,
}

impl Fonts {
    pub fn get() -> &'static Fonts {
        static FONTS: OnceLock<Fonts> = OnceLock::new();
        FONTS.get_or_init(|| {
            let regular = Face::load(REGULAR);
            let bold = Face::load(BOLD);
            let replacement =
                if regular.has('\u{FFFD}') && bold.has('\u{FFFD}') { '\u{FFFD}' } else { '?' };
            Fonts { regular, bold, replacement }
        })
    }

    /// The text with every character either face cannot draw replaced visibly, and control
    /// characters other than newlines turned into spaces. Adds the replacements to `missing`.
    pub fn printable(&self, text: &str, missing: &mut usize) -> String {
        text.chars()
            .map(|c| {
                if c == '\n' {
                    c
                } else if c.is_control() {
                    ' '
                } else if self.regular.has(c) && self.bold.has(c) {
                    c
                } else {
                    *missing += 1;
                    self.replacement
                }
            })
            .collect()
    }
}

impl Measure for Fonts {
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold { &self.bold } else { &self.regular };
        let em: f32 = text.chars().map(|c| face.advance(c).unwrap_or(0.5)).sum();
        em * size
    }
}
