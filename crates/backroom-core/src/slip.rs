//! The packing slip's layout: what goes where on each page, for each page size.
//!
//! A slip is the one piece of paper the customer reads, so the layout is decided here, where it
//! can be tested without a PDF: the header (store, order number and its barcode, dates, "page x
//! of y") repeats on every page, the ship-to address opens the first page, order lines wrap and
//! flow onto further pages with the table header repeated, and the closing notes (back orders,
//! gift message, returns, thanks) follow the lines. The renderer only paints the [`Item`]s.
//!
//! Text widths come from a [`Measure`] the caller passes in (the renderer knows the font), so
//! this module holds no font and reads no file. Coordinates are PDF points from the bottom-left
//! corner of the page.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::money::amount;
pub use crate::money::money_in;

/// The paper a slip is laid out for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
pub enum PageSize {
    /// US Letter, 8.5 × 11 in.
    #[default]
    #[serde(rename = "letter")]
    Letter,
    /// ISO A4, 210 × 297 mm.
    #[serde(rename = "a4")]
    A4,
    /// A 4 × 6 in thermal label, as label printers at pack stations take.
    #[serde(rename = "4x6")]
    Label4x6,
}

impl PageSize {
    pub const ALL: [PageSize; 3] = [PageSize::Letter, PageSize::A4, PageSize::Label4x6];

    pub fn as_str(self) -> &'static str {
        match self {
            PageSize::Letter => "letter",
            PageSize::A4 => "a4",
            PageSize::Label4x6 => "4x6",
        }
    }

    pub fn parse(text: &str) -> Option<PageSize> {
        match text.trim().to_ascii_lowercase().as_str() {
            "letter" | "us-letter" => Some(PageSize::Letter),
            "a4" => Some(PageSize::A4),
            "4x6" | "4x6in" | "label" => Some(PageSize::Label4x6),
            _ => None,
        }
    }

    /// The measures of this page size. Letter and A4 share one design scaled to their paper;
    /// the 4 × 6 label stacks everything in one narrow column with smaller type.
    pub fn geometry(self) -> Geometry {
        match self {
            PageSize::Letter => Geometry::sheet(612.0, 792.0),
            PageSize::A4 => Geometry::sheet(595.28, 841.89),
            PageSize::Label4x6 => Geometry {
                width: 288.0,
                height: 432.0,
                margin: 12.0,
                title: 11.0,
                body: 7.5,
                small: 6.5,
                leading: 1.25,
                barcode_height: 34.0,
                barcode_module: 1.0,
                logo: (60.0, 28.0),
                stacked: true,
            },
        }
    }
}

/// Sizes in points for one page size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    pub width: f32,
    pub height: f32,
    pub margin: f32,
    /// Type sizes: the store name, body text, and small print.
    pub title: f32,
    pub body: f32,
    pub small: f32,
    /// Line height as a multiple of the type size.
    pub leading: f32,
    pub barcode_height: f32,
    /// Width of the barcode's narrowest bar. One point prints at 4 dots on a 300 dpi printer
    /// and at about 3 on a 203 dpi thermal head, which scanners read reliably.
    pub barcode_module: f32,
    /// The box the logo is fitted into, width and height.
    pub logo: (f32, f32),
    /// One column (the label) instead of side-by-side blocks (the sheets).
    pub stacked: bool,
}

impl Geometry {
    fn sheet(width: f32, height: f32) -> Geometry {
        Geometry {
            width,
            height,
            margin: 36.0,
            title: 16.0,
            body: 9.5,
            small: 8.0,
            leading: 1.3,
            barcode_height: 40.0,
            barcode_module: 1.1,
            logo: (110.0, 44.0),
            stacked: false,
        }
    }

    fn line(&self, size: f32) -> f32 {
        size * self.leading
    }

    fn inner_width(&self) -> f32 {
        self.width - 2.0 * self.margin
    }
}

/// Text widths in points, from the font the renderer will paint with.
pub trait Measure {
    fn width(&self, text: &str, size: f32, bold: bool) -> f32;
}

/// Everything a slip says, already in the words to print. Strings hold only characters the
/// font can draw: the renderer replaces the others visibly before layout.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SlipContent {
    pub store_name: String,
    /// The store's contact, one entry per printed line (address, email, phone).
    pub store_contact: Vec<String>,
    pub has_logo: bool,
    pub order_number: String,
    /// The text the barcode encodes: the order number as the packer and returns desk scan it.
    pub barcode: String,
    pub order_date: String,
    pub ship_date: String,
    /// The ship-to address, one entry per printed line.
    pub ship_to: Vec<String>,
    pub lines: Vec<SlipLine>,
    /// The currency of the prices (`EUR`), printed in the price column's title and with the
    /// totals; empty prints the title alone.
    pub currency: String,
    /// What the customer pays for the lines: ordered units not cancelled, at their prices.
    pub items_total_cents: i64,
    /// The order's total as the shop charged it (shipping and tax included), when it gave one.
    pub order_total_cents: Option<i64>,
    /// A gift message; when present, prices are left off.
    pub gift_message: Option<String>,
    /// Return instructions with the return code and window already filled in.
    pub return_text: String,
    pub thank_you: String,
    /// Present on the packer's copy only.
    pub packer: Option<PackerNotes>,
}

/// One order line as the customer sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SlipLine {
    pub sku: String,
    pub name: String,
    pub ordered: i64,
    /// Units in this package.
    pub in_package: i64,
    /// Units that will follow in a later package.
    pub back_ordered: i64,
    pub unit_price_cents: i64,
    /// Where the packer finds it (packer's copy only), e.g. `A01-1-03-L (12)`.
    pub bins: Vec<String>,
}

/// What only the pack station's copy shows.
#[derive(Debug, Clone, PartialEq)]
pub struct PackerNotes {
    /// The expected weight of the package contents, or why it cannot be known.
    pub expected_weight: ExpectedWeight,
}

/// The weight the scale should show for the package contents.
#[derive(Debug, Clone, PartialEq)]
pub enum ExpectedWeight {
    Grams(f64),
    /// A product has no unit weight, so the package cannot be weight-audited. Holds its SKUs.
    CannotAudit(Vec<String>),
}

impl ExpectedWeight {
    /// Sums unit weight × quantity in the package; any unknown unit weight makes the whole
    /// package unauditable, since a partial sum would pass a package with that item missing.
    pub fn sum<'a>(items: impl IntoIterator<Item = (&'a str, Option<f64>, i64)>) -> Self {
        let mut grams = 0.0;
        let mut unknown = Vec::new();
        for (sku, unit, qty) in items {
            match unit {
                Some(unit) => grams += unit * qty as f64,
                None if qty > 0 => unknown.push(sku.to_owned()),
                None => {}
            }
        }
        if unknown.is_empty() { ExpectedWeight::Grams(grams) } else { Self::CannotAudit(unknown) }
    }

    pub fn describe(&self) -> String {
        match self {
            ExpectedWeight::Grams(g) if *g >= 1000.0 => format!("{:.2} kg", g / 1000.0),
            ExpectedWeight::Grams(g) => format!("{g:.0} g"),
            ExpectedWeight::CannotAudit(skus) => {
                format!("cannot audit: no unit weight for {}", skus.join(", "))
            }
        }
    }
}

/// A laid-out slip: pages of items to paint.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub size: PageSize,
    pub width: f32,
    pub height: f32,
    pub pages: Vec<Vec<Item>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Ink,
    /// Secondary text: labels, small print.
    Grey,
}

/// One thing to paint on a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A run of text with its baseline's left end at (x, y).
    Text { x: f32, y: f32, size: f32, bold: bool, tone: Tone, text: String },
    /// A horizontal rule.
    Rule { x: f32, y: f32, width: f32, thickness: f32 },
    /// A Code 128 barcode of `value`, bars `module` wide, from (x, y) up by `height`, never
    /// wider than `max_width`.
    Barcode { x: f32, y: f32, height: f32, module: f32, max_width: f32, value: String },
    /// The store logo, fitted into this box keeping its proportions.
    Logo { x: f32, y: f32, width: f32, height: f32 },
}

/// The modules (narrowest bar widths) in a Code 128 symbol of `len` characters in code set B,
/// quiet zones of 10 modules on each side included: start, data, check, stop (13 wide).
pub fn code128_modules(len: usize) -> usize {
    10 + 11 * (len + 2) + 13 + 10
}

/// A short code the customer quotes to start a return: `XXX-XXX` in Crockford base 32 (no I,
/// L, O or U, so it reads aloud without confusion), from the FNV-1a hash of the order number
/// as the returns desk would type it (upper case, without a leading `#`). It is derived, not
/// stored, so every copy of a slip carries the same code and the desk can check that a code
/// belongs to an order. It is not a secret: it only guards against typos and mix-ups.
pub fn return_code(order_number: &str) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let normal = order_number.trim().trim_start_matches('#').to_uppercase();
    let mut hash: u32 = 0x811c_9dc5;
    for byte in normal.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    let mut code = String::with_capacity(7);
    for i in 0..6 {
        if i == 3 {
            code.push('-');
        }
        code.push(ALPHABET[((hash >> (27 - 5 * i)) & 31) as usize] as char);
    }
    code
}

/// Breaks text into lines no wider than `width`, at spaces where it can and inside a word that
/// is wider than a whole line. Explicit newlines start new lines; empty text gives no lines.
pub fn wrap(text: &str, width: f32, size: f32, bold: bool, m: &dyn Measure) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate =
                if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
            if m.width(&candidate, size, bold) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word longer than the line (a long SKU, a URL) is cut where it overflows.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if m.width(&piece, size, bold) > width && piece.chars().count() > 1 {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            line = piece;
        }
        if !line.is_empty() || (!paragraph.is_empty() && lines.is_empty()) {
            lines.push(line);
        }
    }
    lines
}

/// One printed line of a table cell.
struct Cell {
    text: String,
    size: f32,
    bold: bool,
    tone: Tone,
}

/// A table column: its title, width, and whether numbers align right.
struct Column {
    title: String,
    width: f32,
    right: bool,
}

/// The words the slip prints besides the content. Kept together so a translation is one place.
pub mod words {
    pub const ORDER: &str = "Order";
    pub const ORDER_DATE: &str = "Order date";
    pub const SHIP_DATE: &str = "Ship date";
    pub const SHIP_TO: &str = "Ship to";
    pub const PACKER_COPY: &str = "PACKER'S COPY";
    pub const BACK_ORDER_NOTE: &str = "Items marked as back-ordered are not in this package. They will follow in a separate shipment at no extra cost.";
    pub const GIFT: &str = "A gift for you";
    pub const RETURNS: &str = "Returns";
    pub const EXPECTED_WEIGHT: &str = "Expected weight of contents";
    pub const BINS: &str = "Bins";
    pub const CONTINUED: &str = "continued on the next page";
    pub const ITEM: &str = "Item";
    pub const SKU: &str = "SKU";
    pub const ORDERED: &str = "Ordered";
    pub const IN_PACKAGE: &str = "In package";
    pub const BACK_ORDERED: &str = "Back-ordered";
    /// The label's narrow column: two words that wrap under each other.
    pub const BACK_ORDER: &str = "Back order";
    pub const PRICE: &str = "Price";
    pub const ITEMS_TOTAL: &str = "Items total";
    pub const ORDER_TOTAL: &str = "Order total";
}

/// "Page 2 of 3".
pub fn page_label(page: usize, pages: usize) -> String {
    format!("Page {page} of {pages}")
}

/// Lays a slip out on as many pages as it needs.
pub fn layout(content: &SlipContent, size: PageSize, m: &dyn Measure) -> Layout {
    let g = size.geometry();
    let mut doc = Doc { g, m, content, pages: Vec::new(), y: 0.0 };
    doc.new_page(true);
    doc.lines_table();
    doc.closing();
    doc.number_pages();
    Layout { size, width: g.width, height: g.height, pages: doc.pages }
}

struct Doc<'a> {
    g: Geometry,
    m: &'a dyn Measure,
    content: &'a SlipContent,
    pages: Vec<Vec<Item>>,
    /// The top of the free space on the current page.
    y: f32,
}

impl Doc<'_> {
    fn items(&mut self) -> &mut Vec<Item> {
        self.pages.last_mut().expect("a page is always open")
    }

    fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, tone: Tone, text: &str) {
        if !text.is_empty() {
            let text = text.to_owned();
            self.items().push(Item::Text { x, y, size, bold, tone, text });
        }
    }

    fn right_text(&mut self, right: f32, y: f32, size: f32, bold: bool, text: &str) {
        let x = right - self.m.width(text, size, bold);
        self.text(x, y, size, bold, Tone::Ink, text);
    }

    fn rule(&mut self, y: f32, thickness: f32) {
        let (x, width) = (self.g.margin, self.g.inner_width());
        self.items().push(Item::Rule { x, y, width, thickness });
    }

    /// The bottom of the space lines and notes may use: above the page number.
    fn floor(&self) -> f32 {
        self.g.margin + self.g.line(self.g.small) + 4.0
    }

    /// Starts a page with the header; the first page also gets the ship-to block.
    fn new_page(&mut self, first: bool) {
        self.pages.push(Vec::new());
        self.y = self.g.height - self.g.margin;
        if self.g.stacked {
            self.header_stacked()
        } else {
            self.header_sheet()
        }
        if first {
            self.ship_to();
        }
    }

    /// Letter and A4: store on the left, order number and barcode on the right.
    fn header_sheet(&mut self) {
        let g = self.g;
        let c = self.content;
        let top = self.y;
        let mut left = top;
        if c.has_logo {
            let (w, h) = g.logo;
            self.items().push(Item::Logo { x: g.margin, y: top - h, width: w, height: h });
            left -= h + 6.0;
        }
        left -= g.title;
        self.text(g.margin, left, g.title, true, Tone::Ink, &c.store_name);
        left -= 4.0;
        for line in &c.store_contact {
            left -= g.line(g.small);
            self.text(g.margin, left, g.small, false, Tone::Grey, line);
        }

        let right = g.width - g.margin;
        let mut r = top - g.title;
        let heading = format!("{} {}", words::ORDER, c.order_number);
        self.right_text(right, r, g.title, true, &heading);
        r -= 6.0 + g.barcode_height;
        let max_width = g.inner_width() / 2.0;
        let width = self.barcode_width(max_width);
        self.items().push(Item::Barcode {
            x: right - width,
            y: r,
            height: g.barcode_height,
            module: g.barcode_module,
            max_width,
            value: c.barcode.clone(),
        });
        for (label, value) in self.dates() {
            r -= g.line(g.body);
            let text = format!("{label}: {value}");
            self.right_text(right, r, g.body, false, &text);
        }
        if c.packer.is_some() {
            r -= g.line(g.body);
            self.right_text(right, r, g.body, true, words::PACKER_COPY);
        }
        self.y = left.min(r) - 10.0;
        self.rule(self.y, 0.8);
        self.y -= 8.0;
    }

    /// The 4 × 6 label: one column, barcode across.
    fn header_stacked(&mut self) {
        let g = self.g;
        let c = self.content;
        let mut y = self.y;
        let mut text_x = g.margin;
        if c.has_logo {
            let (w, h) = g.logo;
            self.items().push(Item::Logo { x: g.margin, y: y - h, width: w, height: h });
            text_x += w + 6.0;
        }
        y -= g.title;
        self.text(text_x, y, g.title, true, Tone::Ink, &c.store_name);
        for line in c.store_contact.iter().take(2) {
            y -= g.line(g.small);
            self.text(text_x, y, g.small, false, Tone::Grey, line);
        }
        if c.has_logo {
            y = y.min(self.y - g.logo.1);
        }
        y -= g.line(g.body) + 2.0;
        let heading = format!("{} {}", words::ORDER, c.order_number);
        self.text(g.margin, y, g.body + 1.5, true, Tone::Ink, &heading);
        if c.packer.is_some() {
            self.right_text(g.width - g.margin, y, g.small, true, words::PACKER_COPY);
        }
        y -= 4.0 + g.barcode_height;
        let max_width = g.inner_width();
        self.items().push(Item::Barcode {
            x: g.margin,
            y,
            height: g.barcode_height,
            module: g.barcode_module,
            max_width,
            value: c.barcode.clone(),
        });
        y -= g.line(g.small);
        let dates: Vec<String> = self.dates().iter().map(|(l, v)| format!("{l}: {v}")).collect();
        self.text(g.margin, y, g.small, false, Tone::Ink, &dates.join("   "));
        self.y = y - 5.0;
        self.rule(self.y, 0.6);
        self.y -= 5.0;
    }

    fn barcode_width(&self, max_width: f32) -> f32 {
        let modules = code128_modules(self.content.barcode.chars().count()) as f32;
        (modules * self.g.barcode_module).min(max_width)
    }

    fn dates(&self) -> [(&'static str, String); 2] {
        [
            (words::ORDER_DATE, self.content.order_date.clone()),
            (words::SHIP_DATE, self.content.ship_date.clone()),
        ]
    }

    fn ship_to(&mut self) {
        let g = self.g;
        let size = if g.stacked { g.body } else { g.body + 1.0 };
        self.y -= g.line(g.small);
        self.text(g.margin, self.y, g.small, true, Tone::Grey, &words::SHIP_TO.to_uppercase());
        let content = self.content;
        for line in &content.ship_to {
            for part in wrap(line, g.inner_width(), size, false, self.m) {
                self.y -= g.line(size);
                self.text(g.margin, self.y, size, false, Tone::Ink, &part);
            }
        }
        self.y -= if g.stacked { 6.0 } else { 14.0 };
    }

    fn columns(&self) -> Vec<Column> {
        let g = self.g;
        let show_prices = self.content.gift_message.is_none();
        let mut cols = Vec::new();
        let num = |title: &str, width| Column { title: title.to_owned(), width, right: true };
        let text = |title: &str, width| Column { title: title.to_owned(), width, right: false };
        let currency = self.content.currency.trim();
        let price = if currency.is_empty() {
            words::PRICE.to_owned()
        } else {
            format!("{} ({currency})", words::PRICE)
        };
        // The label's titles wrap onto two lines (`In` over `package`) rather than shrink to
        // abbreviations the customer must decode.
        if g.stacked {
            cols.push(text(words::ITEM, 0.0));
            cols.push(num(words::ORDERED, 34.0));
            cols.push(num(words::IN_PACKAGE, 34.0));
            cols.push(num(words::BACK_ORDER, 34.0));
            if show_prices {
                cols.push(num(&price, 40.0));
            }
        } else {
            cols.push(text(words::ITEM, 0.0));
            cols.push(text(words::SKU, 90.0));
            cols.push(num(words::ORDERED, 52.0));
            cols.push(num(words::IN_PACKAGE, 62.0));
            cols.push(num(words::BACK_ORDERED, 70.0));
            if show_prices {
                cols.push(num(&price, 58.0));
            }
        }
        let fixed: f32 = cols.iter().map(|c| c.width).sum();
        let gaps = 6.0 * (cols.len() - 1) as f32;
        for c in cols.iter_mut().filter(|c| c.width == 0.0) {
            c.width = g.inner_width() - fixed - gaps;
        }
        cols
    }

    fn table_header(&mut self, cols: &[Column]) {
        let g = self.g;
        let size = g.small;
        let titles: Vec<Vec<String>> =
            cols.iter().map(|c| wrap(&c.title, c.width, size, true, self.m)).collect();
        let rows = titles.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let top = self.y;
        let mut x = g.margin;
        for (col, lines) in cols.iter().zip(&titles) {
            // Titles sit on the rule: a one-line title beside a two-line one takes the lower line.
            let mut y = top - g.line(size) * (rows - lines.len()) as f32;
            for line in lines {
                y -= g.line(size);
                if col.right {
                    self.right_text(x + col.width, y, size, true, line);
                } else {
                    self.text(x, y, size, true, Tone::Ink, line);
                }
            }
            x += col.width + 6.0;
        }
        self.y = top - g.line(size) * rows as f32;
        self.y -= 4.0;
        self.rule(self.y, 0.5);
        self.y -= 2.0;
    }

    /// The cells of one line, in column order, each a list of printed lines with their style.
    fn row_cells(&self, line: &SlipLine, cols: &[Column]) -> Vec<Vec<Cell>> {
        let g = self.g;
        let m = self.m;
        let styled = |text: &str, width: f32, size: f32, bold: bool, tone: Tone| -> Vec<Cell> {
            wrap(text, width, size, bold, m)
                .into_iter()
                .map(|text| Cell { text, size, bold, tone })
                .collect()
        };
        let mut cells = Vec::new();
        // The name first: it is what the customer recognises; the SKU follows for the desk.
        if g.stacked {
            let mut item = styled(&line.name, cols[0].width, g.body, true, Tone::Ink);
            let sku = format!("{} {}", words::SKU, line.sku);
            item.extend(styled(&sku, cols[0].width, g.small, false, Tone::Grey));
            cells.push(item);
        } else {
            cells.push(styled(&line.name, cols[0].width, g.body, false, Tone::Ink));
            cells.push(styled(&line.sku, cols[1].width, g.body, false, Tone::Ink));
        }
        if !line.bins.is_empty() {
            let at = cells.len() - 1;
            let bins = format!("{}: {}", words::BINS, line.bins.join(", "));
            cells[at].extend(styled(&bins, cols[at].width, g.small, true, Tone::Grey));
        }
        let number = |text: String| vec![Cell { text, size: g.body, bold: false, tone: Tone::Ink }];
        cells.push(number(line.ordered.to_string()));
        cells.push(number(line.in_package.to_string()));
        let back = if line.back_ordered > 0 { line.back_ordered.to_string() } else { "-".into() };
        cells.push(number(back));
        if self.content.gift_message.is_none() {
            cells.push(number(amount(line.unit_price_cents, &self.content.currency)));
        }
        cells
    }

    fn lines_table(&mut self) {
        let g = self.g;
        let cols = self.columns();
        self.table_header(&cols);
        let line_h = g.line(g.body);
        let content = self.content;
        for line in &content.lines {
            let cells = self.row_cells(line, &cols);
            let rows = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let height = rows as f32 * line_h + 3.0;
            if self.y - height < self.floor() {
                self.continued();
                self.new_page(false);
                self.table_header(&cols);
            }
            let top = self.y;
            let mut x = g.margin;
            for (col, cell) in cols.iter().zip(cells) {
                let mut y = top;
                for c in cell {
                    y -= line_h;
                    if col.right {
                        self.right_text(x + col.width, y, c.size, c.bold, &c.text);
                    } else {
                        self.text(x, y, c.size, c.bold, c.tone, &c.text);
                    }
                }
                x += col.width + 6.0;
            }
            self.y = top - height;
        }
        self.rule(self.y, 0.5);
        self.y -= 6.0;
        self.totals();
    }

    /// The items total and the order total, right-aligned under the prices, in the order's
    /// currency. A gift slip shows no money.
    fn totals(&mut self) {
        let g = self.g;
        let c = self.content;
        if c.gift_message.is_some() || c.lines.is_empty() {
            return;
        }
        let mut rows = vec![(words::ITEMS_TOTAL, c.items_total_cents)];
        if let Some(total) = c.order_total_cents.filter(|t| *t > 0) {
            rows.push((words::ORDER_TOTAL, total));
        }
        for (label, cents) in rows {
            if self.y - g.line(g.body) < self.floor() {
                self.continued();
                self.new_page(false);
            }
            self.y -= g.line(g.body);
            let text = format!("{label}: {}", money_in(cents, &c.currency));
            self.right_text(g.width - g.margin, self.y, g.body, true, &text);
        }
        self.y -= 6.0;
    }

    /// Marks the foot of a page whose content goes on over the page.
    fn continued(&mut self) {
        let g = self.g;
        let y = self.floor() - 2.0;
        let text = format!("{} ...", words::CONTINUED);
        self.right_text(g.width - g.margin, y, g.small, false, &text);
    }

    /// A block of wrapped text, flowing onto a new page when it runs out of room.
    fn paragraph(&mut self, title: Option<&str>, text: &str, size: f32, bold: bool) {
        let g = self.g;
        let lines = wrap(text, g.inner_width(), size, bold, self.m);
        if lines.is_empty() && title.is_none() {
            return;
        }
        let first = g.line(size) * if title.is_some() { 2.0 } else { 1.0 };
        if self.y - first < self.floor() {
            self.continued();
            self.new_page(false);
        }
        if let Some(title) = title {
            self.y -= g.line(size);
            self.text(g.margin, self.y, size, true, Tone::Ink, title);
        }
        for line in lines {
            if self.y - g.line(size) < self.floor() {
                self.continued();
                self.new_page(false);
            }
            self.y -= g.line(size);
            self.text(g.margin, self.y, size, bold, Tone::Ink, &line);
        }
        self.y -= size * 0.8;
    }

    fn closing(&mut self) {
        let g = self.g;
        let c = self.content;
        if c.lines.iter().any(|l| l.back_ordered > 0) {
            self.paragraph(None, words::BACK_ORDER_NOTE, g.body, true);
        }
        if let Some(gift) = c.gift_message.as_deref().filter(|m| !m.trim().is_empty()) {
            self.paragraph(Some(words::GIFT), gift, g.body, false);
        }
        if let Some(packer) = &c.packer {
            let text = format!("{}: {}", words::EXPECTED_WEIGHT, packer.expected_weight.describe());
            self.paragraph(None, &text, g.body, true);
        }
        self.paragraph(Some(words::RETURNS), &c.return_text, g.small, false);
        self.paragraph(None, &c.thank_you, g.body, false);
    }

    /// Writes "Page x of y" at the foot of every page, now that y is known.
    fn number_pages(&mut self) {
        let g = self.g;
        let total = self.pages.len();
        let m = self.m;
        for (i, page) in self.pages.iter_mut().enumerate() {
            let text = page_label(i + 1, total);
            let x = (g.width - m.width(&text, g.small, false)) / 2.0;
            page.push(Item::Text {
                x,
                y: g.margin,
                size: g.small,
                bold: false,
                tone: Tone::Grey,
                text,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character half the type size wide: enough to test wrapping and flow.
    struct Mono;
    impl Measure for Mono {
        fn width(&self, text: &str, size: f32, _bold: bool) -> f32 {
            text.chars().count() as f32 * size * 0.5
        }
    }

    fn content(lines: usize) -> SlipContent {
        SlipContent {
            store_name: "Backroom Goods".into(),
            store_contact: vec!["1 Dock Rd, Springfield".into(), "help@example.com".into()],
            order_number: "BR-1001".into(),
            barcode: "BR-1001".into(),
            order_date: "2026-11-20".into(),
            ship_date: "2026-11-23".into(),
            ship_to: vec!["Ada Lovelace".into(), "1 Main St".into(), "Springfield 12345".into()],
            lines: (1..=lines)
                .map(|i| SlipLine {
                    sku: format!("SKU-{i}"),
                    name: format!("Product number {i}"),
                    ordered: 2,
                    in_package: 2,
                    back_ordered: 0,
                    unit_price_cents: 1299,
                    bins: Vec::new(),
                })
                .collect(),
            return_text: "Return within 30 days with code ABC-123.".into(),
            thank_you: "Thank you!".into(),
            ..SlipContent::default()
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

    fn all_text(l: &Layout) -> String {
        l.pages.iter().flat_map(|p| texts(p)).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn page_sizes_parse_and_print() {
        for size in PageSize::ALL {
            assert_eq!(PageSize::parse(size.as_str()), Some(size));
        }
        assert_eq!(PageSize::parse("A4"), Some(PageSize::A4));
        assert_eq!(PageSize::parse("legal"), None);
        let label = PageSize::Label4x6.geometry();
        assert_eq!((label.width, label.height), (288.0, 432.0));
    }

    #[test]
    fn wrap_breaks_at_spaces_and_inside_long_words() {
        // 10 characters fit in 50 pt at 10 pt.
        assert_eq!(
            wrap("a bb ccc dddd eeeee", 50.0, 10.0, false, &Mono),
            ["a bb ccc", "dddd eeeee"]
        );
        assert_eq!(
            wrap("abcdefghijklmnopqrstuvwxyz", 50.0, 10.0, false, &Mono),
            ["abcdefghij", "klmnopqrst", "uvwxyz"]
        );
        assert_eq!(wrap("one\ntwo", 50.0, 10.0, false, &Mono), ["one", "two"]);
        assert!(wrap("", 50.0, 10.0, false, &Mono).is_empty());
    }

    #[test]
    fn a_short_order_fits_one_page_with_everything_on_it() {
        for size in PageSize::ALL {
            let l = layout(&content(3), size, &Mono);
            assert_eq!(l.pages.len(), 1, "{size:?}");
            let text = all_text(&l);
            for needle in
                ["Order BR-1001", "SKU-3", "Ada Lovelace", "ABC-123", "Thank you!", "Page 1 of 1"]
            {
                assert!(text.contains(needle), "{size:?} lacks {needle}: {text}");
            }
            assert!(!text.contains(words::BACK_ORDER_NOTE), "no back order, no note");
            assert!(text.contains("12.99"), "prices show without a gift message");
        }
    }

    #[test]
    fn long_orders_flow_onto_pages_with_the_header_repeated() {
        for size in PageSize::ALL {
            let l = layout(&content(60), size, &Mono);
            let pages = l.pages.len();
            assert!(pages >= 2, "{size:?} fits 60 lines on one page");
            for (i, page) in l.pages.iter().enumerate() {
                let t = texts(page);
                assert!(t.contains(&"Order BR-1001"), "{size:?} page {} has no header", i + 1);
                assert!(t.contains(&page_label(i + 1, pages).as_str()));
                assert_eq!(page.iter().filter(|i| matches!(i, Item::Barcode { .. })).count(), 1);
                // Nothing is painted below the bottom margin or above the top.
                for item in page.iter() {
                    if let Item::Text { y, .. } = item {
                        assert!(*y >= 12.0 && *y <= l.height);
                    }
                }
            }
            let all = all_text(&l);
            for i in 1..=60 {
                assert_eq!(all.matches(&format!("SKU-{i}\n")).count(), 1, "SKU-{i} on {size:?}");
            }
            // The ship-to block opens the first page only.
            assert!(texts(&l.pages[0]).contains(&"Ada Lovelace"));
            assert!(!texts(&l.pages[1]).contains(&"Ada Lovelace"));
        }
    }

    #[test]
    fn back_orders_get_a_note_and_their_quantities() {
        let mut c = content(2);
        c.lines[1].in_package = 1;
        c.lines[1].back_ordered = 1;
        let l = layout(&c, PageSize::Letter, &Mono);
        let text = all_text(&l);
        assert!(text.contains("Back-ordered"));
        let note_start = &words::BACK_ORDER_NOTE[..20];
        assert!(text.contains(note_start), "{text}");
    }

    #[test]
    fn a_gift_message_hides_prices() {
        let mut c = content(2);
        c.gift_message = Some("Happy birthday, Grace!".into());
        for size in PageSize::ALL {
            let text = all_text(&layout(&c, size, &Mono));
            assert!(text.contains("Happy birthday, Grace!"));
            assert!(!text.contains("12.99"), "{size:?} shows a price on a gift slip");
            assert!(!text.contains("Price"));
        }
    }

    #[test]
    fn the_price_column_names_the_currency() {
        let mut c = content(2);
        c.currency = "EUR".into();
        assert!(all_text(&layout(&c, PageSize::A4, &Mono)).contains("Price (EUR)"));
        assert!(all_text(&layout(&c, PageSize::Label4x6, &Mono)).contains("Price (EUR)"));
        c.currency.clear();
        assert!(!all_text(&layout(&c, PageSize::Letter, &Mono)).contains("Price ("));
    }

    #[test]
    fn the_packer_copy_adds_bins_and_weight() {
        let mut c = content(2);
        c.lines[0].bins = vec!["A01-1-01-L (5)".into()];
        c.packer = Some(PackerNotes { expected_weight: ExpectedWeight::Grams(1250.0) });
        let text = all_text(&layout(&c, PageSize::A4, &Mono));
        assert!(text.contains("Bins: A01-1-01-L (5)"));
        assert!(text.contains("1.25 kg"));
        assert!(text.contains(words::PACKER_COPY));
    }

    #[test]
    fn expected_weight_needs_every_unit_weight() {
        let w = ExpectedWeight::sum([("A", Some(350.0), 2), ("B", Some(100.0), 1)]);
        assert_eq!(w, ExpectedWeight::Grams(800.0));
        assert_eq!(w.describe(), "800 g");
        let w = ExpectedWeight::sum([("A", Some(350.0), 2), ("B", None, 1)]);
        assert_eq!(w.describe(), "cannot audit: no unit weight for B");
    }

    #[test]
    fn return_codes_are_stable_short_and_unambiguous() {
        let code = return_code("#BR-1001");
        assert_eq!(code, return_code("br-1001"));
        assert_eq!(code.len(), 7);
        assert!(
            code.chars().all(|c| c == '-' || (c.is_ascii_alphanumeric() && !"ILOU".contains(c)))
        );
        assert_ne!(code, return_code("BR-1002"));
        // Pinned, so a change of the derivation is noticed: printed slips carry these.
        assert_eq!(return_code("#5003"), "4H3-X8E");
    }

    /// The y of the first text equal to `needle`, and its x.
    fn at(l: &Layout, needle: &str) -> (f32, f32) {
        l.pages[0]
            .iter()
            .find_map(|i| match i {
                Item::Text { x, y, text, .. } if text == needle => Some((*x, *y)),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{needle} is not on the first page"))
    }

    #[test]
    fn the_item_name_comes_before_its_sku() {
        for size in PageSize::ALL {
            let l = layout(&content(1), size, &Mono);
            let (name_x, name_y) = at(&l, "Product number 1");
            let sku = if size == PageSize::Label4x6 { "SKU SKU-1" } else { "SKU-1" };
            let (sku_x, sku_y) = at(&l, sku);
            // Left of it on a sheet's row, above it in the label's one column.
            assert!(name_x < sku_x || name_y > sku_y, "{size:?}: name after the SKU");
        }
    }

    #[test]
    fn no_size_abbreviates_a_column_title() {
        let mut c = content(2);
        c.currency = "EUR".into();
        for size in PageSize::ALL {
            let l = layout(&c, size, &Mono);
            let t = texts(&l.pages[0]);
            for short in ["Ord", "Box", "B/O", "Qty"] {
                assert!(!t.contains(&short), "{size:?} prints {short}");
            }
            let title = t.join(" ");
            for word in ["Ordered", "package", "Item"] {
                assert!(title.contains(word), "{size:?} lacks {word}: {title}");
            }
            // Every title fits its page.
            for item in &l.pages[0] {
                if let Item::Text { x, size: s, text, .. } = item {
                    assert!(x + Mono.width(text, *s, true) <= l.width - 11.0, "{text} overflows");
                }
            }
        }
        let label = texts(&layout(&c, PageSize::Label4x6, &Mono).pages[0]).join("|");
        assert!(label.contains("Back|order") || label.contains("Back order"), "{label}");
    }

    #[test]
    fn totals_print_in_the_order_s_currency() {
        let mut c = content(2);
        c.currency = "EUR".into();
        c.items_total_cents = 5196;
        c.order_total_cents = Some(5695);
        for size in PageSize::ALL {
            let text = all_text(&layout(&c, size, &Mono));
            assert!(text.contains("Items total: €51.96"), "{size:?}: {text}");
            assert!(text.contains("Order total: €56.95"), "{size:?}");
        }
        c.currency = "CHF".into();
        c.order_total_cents = None;
        let text = all_text(&layout(&c, PageSize::A4, &Mono));
        assert!(text.contains("Items total: 51.96 CHF") && !text.contains("Order total"));
        c.gift_message = Some("Enjoy".into());
        assert!(!all_text(&layout(&c, PageSize::A4, &Mono)).contains("total"));
    }

    #[test]
    fn a_yen_or_dinar_order_prints_its_own_decimals() {
        let mut c = content(1);
        c.lines[0].unit_price_cents = 120_000;
        c.items_total_cents = 120_000;
        c.order_total_cents = Some(135_000);
        c.currency = "JPY".into();
        for size in PageSize::ALL {
            let text = all_text(&layout(&c, size, &Mono));
            assert!(text.contains("Items total: ¥1200"), "{size:?}: {text}");
            assert!(text.contains("Order total: ¥1350"), "{size:?}: {text}");
            assert!(!text.contains("1200.00") && !text.contains("1350.00"), "{size:?}: {text}");
        }
        c.currency = "KWD".into();
        let text = all_text(&layout(&c, PageSize::A4, &Mono));
        assert!(text.contains("1200.000") && text.contains("Order total: 1350.000 KWD"), "{text}");
    }
}
