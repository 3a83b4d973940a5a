//! The manifest as a PDF the driver signs: a title naming the carrier, the day and the manifest
//! number; a table of the packages, repeated with its header on every page a long day needs;
//! the totals; and lines for the driver's name, signature and the time of collection.
//!
//! Pages are laid out as the slip's page model ([`Item`]s on pages) with the slip's font, so a
//! name prints the same on the slip and on the manifest, and a character the font lacks shows
//! as a visible mark.

use backroom_core::slip::{Item, Measure, PageSize, Tone, page_label, wrap};
use printpdf::{Mm, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Pt};

use super::{ManifestPackage, ManifestSummary, kg};
use crate::admin::settings::{SlipSettings, StoreSettings};
use crate::devices::slip::{Fonts, page_ops};
use crate::error::ApiError;

const MARGIN: f32 = 36.0;
const TITLE: f32 = 16.0;
const BODY: f32 = 9.0;
const SMALL: f32 = 7.5;
const LEADING: f32 = 1.3;
/// Room kept at the foot of every page for the page number.
const FOOTER: f32 = 28.0;

/// The table's columns: heading, share of the line's width, right-aligned.
const COLUMNS: [(&str, f32, bool); 6] = [
    ("#", 0.05, false),
    ("Order", 0.14, false),
    ("Ship to", 0.24, false),
    ("City, country", 0.25, false),
    ("Service", 0.20, false),
    ("Weight (kg)", 0.12, true),
];

/// Renders a closed manifest. The paper is the slip's when that is a sheet (Letter or A4); a
/// label is too narrow for the table, so it gets Letter.
pub fn render(
    m: &ManifestSummary,
    packages: &[ManifestPackage],
    store: &SlipSettings,
    clock: &StoreSettings,
) -> Result<Vec<u8>, ApiError> {
    let size = match store.page_size {
        PageSize::A4 => PageSize::A4,
        _ => PageSize::Letter,
    };
    let g = size.geometry();
    let pages = layout(m, packages, store, clock, g.width, g.height);
    let fonts = Fonts::get();
    let title = format!("Manifest {} {} {}", m.id, m.carrier, m.date);
    let mut doc = PdfDocument::new(&title);
    let regular = PdfFontHandle::External(doc.add_font(&fonts.regular.parsed));
    let bold = PdfFontHandle::External(doc.add_font(&fonts.bold.parsed));
    let pages = pages
        .iter()
        .map(|items| {
            PdfPage::new(
                Mm::from(Pt(g.width)),
                Mm::from(Pt(g.height)),
                page_ops(items, &regular, &bold, None),
            )
        })
        .collect();
    Ok(doc.with_pages(pages).save(&PdfSaveOptions::default(), &mut Vec::new()))
}

/// Where the next line goes on the page being filled, and the pages so far.
struct Sheet<'a> {
    fonts: &'a Fonts,
    width: f32,
    height: f32,
    pages: Vec<Vec<Item>>,
    /// The baseline of the last line written, from the bottom of the page.
    y: f32,
}

impl Sheet<'_> {
    fn line(size: f32) -> f32 {
        size * LEADING
    }

    fn inner(&self) -> f32 {
        self.width - 2.0 * MARGIN
    }

    fn items(&mut self) -> &mut Vec<Item> {
        self.pages.last_mut().expect("a page is started before anything is written")
    }

    /// Writes text with its baseline at `y`, the font's missing characters made visible.
    fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, tone: Tone, text: &str) {
        let text = self.fonts.printable(text, &mut 0);
        self.items().push(Item::Text { x, y, size, bold, tone, text });
    }

    fn rule(&mut self, y: f32, thickness: f32) {
        let width = self.inner();
        self.items().push(Item::Rule { x: MARGIN, y, width, thickness });
    }

    /// Moves down one line of `size` and writes `text` at the left margin.
    fn next_line(&mut self, size: f32, bold: bool, tone: Tone, text: &str) {
        self.y -= Self::line(size);
        self.text(MARGIN, self.y, size, bold, tone, text);
    }

    fn fits(&self, height: f32) -> bool {
        self.y - height >= MARGIN + FOOTER
    }
}

/// A package's cells, in the order of [`COLUMNS`].
fn cells(n: usize, p: &ManifestPackage) -> [String; 6] {
    let place = match (p.postal_code.is_empty(), p.city.is_empty()) {
        (true, _) => p.city.clone(),
        (false, true) => p.postal_code.clone(),
        (false, false) => format!("{} {}", p.postal_code, p.city),
    };
    let place = [place, p.country.clone()]
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    [n.to_string(), p.order.clone(), p.ship_name.clone(), place, p.service.clone(), kg(p.weight_g)]
}

/// The manifest's pages as items to paint, each page with the title and, while packages
/// remain, the table's header.
fn layout(
    m: &ManifestSummary,
    packages: &[ManifestPackage],
    store: &SlipSettings,
    clock: &StoreSettings,
    width: f32,
    height: f32,
) -> Vec<Vec<Item>> {
    let fonts = Fonts::get();
    let mut s = Sheet { fonts, width, height, pages: Vec::new(), y: 0.0 };
    // On the store's clock, naming the zone, since the driver may compare it with their own.
    let closed = format!("{} ({})", clock.date_time_of(&m.closed_at), clock.time_zone);
    let by = match (&m.closed_by, &m.station) {
        (Some(who), Some(at)) => format!(" by {who} at {at}"),
        (Some(who), None) => format!(" by {who}"),
        (None, Some(at)) => format!(" at {at}"),
        (None, None) => String::new(),
    };
    let x: Vec<f32> = COLUMNS
        .iter()
        .scan(MARGIN, |at, (_, share, _)| {
            let left = *at;
            *at += share * s.inner();
            Some(left)
        })
        .collect();
    let gap = 6.0;
    let col_width = |i: usize| COLUMNS[i].1 * (width - 2.0 * MARGIN) - gap;

    let new_page = |s: &mut Sheet<'_>, table: bool| {
        s.pages.push(Vec::new());
        s.y = s.height - MARGIN;
        s.text(MARGIN, s.y, SMALL, false, Tone::Grey, store.store_name.trim());
        s.y -= 4.0;
        s.next_line(TITLE, true, Tone::Ink, &format!("Manifest {}: {}", m.id, m.carrier));
        s.next_line(
            BODY,
            false,
            Tone::Ink,
            &format!("Packages packed on {} · closed {closed}{by}", m.date),
        );
        s.y -= Sheet::line(BODY) / 2.0;
        if table {
            s.y -= Sheet::line(BODY);
            for (i, (heading, _, right)) in COLUMNS.iter().enumerate() {
                let left = if *right {
                    x[i] + col_width(i) - fonts.width(heading, BODY, true)
                } else {
                    x[i]
                };
                s.text(left, s.y, BODY, true, Tone::Ink, heading);
            }
            let under = s.y - BODY * 0.4;
            s.rule(under, 0.8);
            s.y -= BODY * 0.4;
        }
    };

    new_page(&mut s, true);
    for (n, p) in packages.iter().enumerate() {
        let lines: Vec<Vec<String>> = cells(n + 1, p)
            .iter()
            .enumerate()
            .map(|(i, text)| wrap(text, col_width(i), BODY, false, fonts))
            .collect();
        let rows = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let row_height = rows as f32 * Sheet::line(BODY) + 3.0;
        if !s.fits(row_height) {
            new_page(&mut s, true);
        }
        let top = s.y - 3.0;
        for (i, cell) in lines.iter().enumerate() {
            for (k, text) in cell.iter().enumerate() {
                let y = top - (k + 1) as f32 * Sheet::line(BODY);
                let left = if COLUMNS[i].2 {
                    x[i] + col_width(i) - fonts.width(text, BODY, false)
                } else {
                    x[i]
                };
                s.text(left, y, BODY, false, Tone::Ink, text);
            }
        }
        s.y = top - rows as f32 * Sheet::line(BODY);
        let under = s.y - BODY * 0.4;
        s.rule(under, 0.3);
    }

    // The totals and the driver's signature stay together.
    let closing = 3.0 * Sheet::line(BODY) + 6.0 * Sheet::line(BODY) + 40.0;
    if !s.fits(closing) {
        new_page(&mut s, false);
    }
    s.y -= Sheet::line(BODY);
    let total: f64 = packages.iter().map(|p| p.weight_g).sum();
    s.next_line(
        BODY + 1.0,
        true,
        Tone::Ink,
        &format!("Packages: {}    Total weight: {} kg", packages.len(), kg(total)),
    );
    s.y -= Sheet::line(BODY);
    s.next_line(
        SMALL,
        false,
        Tone::Grey,
        &format!(
            "Collected by {} from {}. The driver signs for the number of packages above.",
            m.carrier,
            store.store_name.trim()
        ),
    );
    for label in ["Driver's name", "Signature", "Date and time of collection"] {
        s.y -= 26.0;
        s.text(MARGIN, s.y, BODY, false, Tone::Ink, label);
        let left = MARGIN + 150.0;
        let width = (s.inner() - 150.0).min(260.0);
        let y = s.y - 2.0;
        s.items().push(Item::Rule { x: left, y, width, thickness: 0.5 });
    }

    let count = s.pages.len();
    let footer = format!("Manifest {} · {} · {}", m.id, m.carrier, m.date);
    for (i, page) in s.pages.iter_mut().enumerate() {
        let label = page_label(i + 1, count);
        let right = width - MARGIN - fonts.width(&label, SMALL, false);
        for (x, text) in [(MARGIN, fonts.printable(&footer, &mut 0)), (right, label)] {
            page.push(Item::Text {
                x,
                y: MARGIN,
                size: SMALL,
                bold: false,
                tone: Tone::Grey,
                text,
            });
        }
    }
    s.pages
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(n: usize) -> ManifestPackage {
        ManifestPackage {
            order: format!("#{}", 1000 + n),
            ship_name: "Ada Lee".into(),
            city: "Leeds".into(),
            postal_code: "LS1 1AA".into(),
            country: "GB".into(),
            service: "Royal Mail Tracked 48".into(),
            weight_g: 1234.0,
            packed_at: "2026-11-23T10:00:00Z".into(),
        }
    }

    fn summary() -> ManifestSummary {
        ManifestSummary {
            id: 3,
            carrier: "Royal Mail".into(),
            date: "2026-11-23".into(),
            closed_at: "2026-11-23T17:00:00Z".into(),
            closed_by: Some("Pia".into()),
            station: Some("Pack 1".into()),
            packages: 0,
            total_g: 0.0,
        }
    }

    fn texts(page: &[Item]) -> Vec<&str> {
        page.iter()
            .filter_map(|i| match i {
                Item::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_long_day_spans_pages_with_the_header_on_each_and_totals_at_the_end() {
        let packages: Vec<ManifestPackage> = (0..120).map(package).collect();
        let pages = layout(
            &summary(),
            &packages,
            &SlipSettings::default(),
            &StoreSettings::default(),
            612.0,
            792.0,
        );
        assert!(pages.len() >= 3, "{} pages", pages.len());
        let count = pages.len();
        for (i, page) in pages.iter().enumerate() {
            let t = texts(page);
            assert!(t.contains(&"Manifest 3: Royal Mail"), "page {i}");
            assert!(t.contains(&page_label(i + 1, count).as_str()), "page {i}");
            if t.iter().any(|s| s.starts_with("#1")) {
                assert!(t.contains(&"Ship to"), "page {i} has rows but no table header");
            }
        }
        let all: Vec<&str> = pages.iter().flat_map(|p| texts(p)).collect();
        for p in &packages {
            assert_eq!(all.iter().filter(|t| **t == p.order).count(), 1, "{}", p.order);
        }
        let last = texts(pages.last().unwrap());
        assert!(last.contains(&"Packages: 120    Total weight: 148.080 kg"), "{last:?}");
        assert!(last.contains(&"Signature"));
    }

    #[test]
    fn every_line_stays_above_the_footer() {
        let packages: Vec<ManifestPackage> = (0..80).map(package).collect();
        for page in layout(
            &summary(),
            &packages,
            &SlipSettings::default(),
            &StoreSettings::default(),
            595.28,
            841.89,
        ) {
            for item in &page {
                if let Item::Text { y, text, .. } = item {
                    let footer = *y == MARGIN;
                    assert!(footer || *y >= MARGIN + FOOTER - 1.0, "{text} at {y}");
                }
            }
        }
    }
}
