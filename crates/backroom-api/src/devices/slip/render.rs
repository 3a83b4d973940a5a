//! Paints laid-out slips into one PDF: text in the embedded font, the barcode as filled bars
//! (vector, so it stays sharp at any printer resolution and needs no image), rules and the logo.

use backroom_core::slip::{Item, Layout, Tone, code128_modules};
use barcoders::sym::code128::Code128;
use printpdf::{
    Color, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Pt, RawImage,
    Rect, Rgb, TextItem, TextMatrix, XObjectId, XObjectTransform,
};

use super::font::Fonts;
use crate::error::ApiError;

/// Renders slips, one after the other, into one PDF.
pub fn pdf(title: &str, slips: &[Layout], logo: Option<&[u8]>) -> Result<Vec<u8>, ApiError> {
    let fonts = Fonts::get();
    let mut doc = PdfDocument::new(title);
    let regular = PdfFontHandle::External(doc.add_font(&fonts.regular.parsed));
    let bold = PdfFontHandle::External(doc.add_font(&fonts.bold.parsed));
    let logo = match logo {
        Some(png) => {
            let image = decode_logo(png)?;
            let size = (image.width as f32, image.height as f32);
            Some((doc.add_image(&image), size))
        }
        None => None,
    };
    let mut pages = Vec::with_capacity(slips.iter().map(|s| s.pages.len()).sum());
    for slip in slips {
        for items in &slip.pages {
            let ops = page_ops(items, &regular, &bold, logo.as_ref());
            pages.push(PdfPage::new(Mm::from(Pt(slip.width)), Mm::from(Pt(slip.height)), ops));
        }
    }
    Ok(doc.with_pages(pages).save(&PdfSaveOptions::default(), &mut Vec::new()))
}

/// Checks a logo decodes, so a bad one is refused when saved rather than when printing.
pub fn check_logo(png: &[u8]) -> Result<(), ApiError> {
    decode_logo(png).map(|_| ())
}

/// Checks that a PNG decodes, for the settings screen.
pub fn decode_logo(png: &[u8]) -> Result<RawImage, ApiError> {
    RawImage::decode_from_bytes(png, &mut Vec::new())
        .map_err(|e| ApiError::invalid(format!("the slip logo is not a readable PNG ({e})")))
}

fn color(tone: Tone) -> Color {
    let level = match tone {
        Tone::Ink => 0.0,
        Tone::Grey => 0.35,
    };
    Color::Rgb(Rgb::new(level, level, level, None))
}

fn filled(x: f32, y: f32, width: f32, height: f32) -> Op {
    Op::DrawRectangle {
        rectangle: Rect {
            mode: Some(PaintMode::Fill),
            ..Rect::from_xywh(Pt(x), Pt(y), Pt(width), Pt(height))
        },
    }
}

/// Paints one page of items: shapes first, then all text in one text object. The manifest
/// draws its pages with this too.
pub(crate) fn page_ops(
    items: &[Item],
    regular: &PdfFontHandle,
    bold: &PdfFontHandle,
    logo: Option<&(XObjectId, (f32, f32))>,
) -> Vec<Op> {
    let mut ops = vec![Op::SetFillColor { col: color(Tone::Ink) }];
    // Shapes first, then all text in one text object.
    for item in items {
        match item {
            Item::Rule { x, y, width, thickness } => {
                ops.push(filled(*x, y - thickness / 2.0, *width, *thickness));
            }
            Item::Barcode { x, y, height, module, max_width, value } => {
                barcode(&mut ops, *x, *y, *height, *module, *max_width, value);
            }
            Item::Logo { x, y, width, height } => {
                if let Some((id, (w, h))) = logo {
                    let scale = (width / w).min(height / h);
                    ops.push(Op::UseXobject {
                        id: id.clone(),
                        transform: XObjectTransform {
                            translate_x: Some(Pt(*x)),
                            translate_y: Some(Pt(y + height - h * scale)),
                            scale_x: Some(scale),
                            scale_y: Some(scale),
                            dpi: Some(72.0),
                            ..Default::default()
                        },
                    });
                }
            }
            Item::Text { .. } => {}
        }
    }
    ops.push(Op::StartTextSection);
    let mut current: Option<(bool, f32)> = None;
    let mut tone = Tone::Ink;
    for item in items {
        let Item::Text { x, y, size, bold: is_bold, tone: t, text } = item else { continue };
        if current != Some((*is_bold, *size)) {
            let font = if *is_bold { bold.clone() } else { regular.clone() };
            ops.push(Op::SetFont { font, size: Pt(*size) });
            current = Some((*is_bold, *size));
        }
        if *t != tone {
            ops.push(Op::SetFillColor { col: color(*t) });
            tone = *t;
        }
        ops.push(Op::SetTextMatrix { matrix: TextMatrix::Translate(Pt(*x), Pt(*y)) });
        ops.push(Op::ShowText { items: vec![TextItem::Text(text.clone())] });
    }
    ops.push(Op::EndTextSection);
    ops
}

/// The bars of a Code 128 (code set B) symbol of `value`. A value Code 128 cannot hold (a
/// character outside printable ASCII) gets no bars: the order number is still printed above.
fn barcode(
    ops: &mut Vec<Op>,
    x: f32,
    y: f32,
    height: f32,
    module: f32,
    max_width: f32,
    value: &str,
) {
    if value.is_empty() || !value.chars().all(|c| (' '..='~').contains(&c)) {
        return;
    }
    let Ok(symbol) = Code128::new(format!("\u{0181}{value}")) else { return };
    let bits = symbol.encode();
    let modules = code128_modules(value.chars().count()) as f32;
    let module = module.min(max_width / modules);
    // Bars start after the quiet zone; each run of dark modules is one rectangle.
    let origin = x + 10.0 * module;
    let mut i = 0;
    while i < bits.len() {
        if bits[i] == 0 {
            i += 1;
            continue;
        }
        let start = i;
        while i < bits.len() && bits[i] == 1 {
            i += 1;
        }
        ops.push(filled(origin + start as f32 * module, y, (i - start) as f32 * module, height));
    }
}
