//! Paints laid-out labels into a PDF: bars as filled rectangles (vector, sharp on any printer)
//! and text in the slips' embedded font.

use backroom_core::labels::{Mark, Sheet};
use printpdf::{
    Color, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Pt, Rect, Rgb,
    TextItem, TextMatrix,
};

use crate::devices::slip::Fonts;

/// One PDF with a page per entry of `pages`, each the size of the stock's page.
pub fn pdf(title: &str, sheet: &Sheet, pages: &[Vec<Mark>]) -> Vec<u8> {
    let fonts = Fonts::get();
    let mut doc = PdfDocument::new(title);
    let regular = PdfFontHandle::External(doc.add_font(&fonts.regular.parsed));
    let bold = PdfFontHandle::External(doc.add_font(&fonts.bold.parsed));
    let pages = pages
        .iter()
        .map(|marks| {
            PdfPage::new(
                Mm::from(Pt(sheet.page_width)),
                Mm::from(Pt(sheet.page_height)),
                page_ops(marks, &regular, &bold),
            )
        })
        .collect();
    doc.with_pages(pages).save(&PdfSaveOptions::default(), &mut Vec::new())
}

/// Bars first, then all text in one text object.
fn page_ops(marks: &[Mark], regular: &PdfFontHandle, bold: &PdfFontHandle) -> Vec<Op> {
    let mut ops = vec![Op::SetFillColor { col: Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None)) }];
    for mark in marks {
        if let Mark::Bar { x, y, width, height } = *mark {
            ops.push(Op::DrawRectangle {
                rectangle: Rect {
                    mode: Some(PaintMode::Fill),
                    ..Rect::from_xywh(Pt(x), Pt(y), Pt(width), Pt(height))
                },
            });
        }
    }
    ops.push(Op::StartTextSection);
    let mut current: Option<(bool, f32)> = None;
    for mark in marks {
        let Mark::Text { x, y, size, bold: is_bold, text } = mark else { continue };
        if current != Some((*is_bold, *size)) {
            let font = if *is_bold { bold.clone() } else { regular.clone() };
            ops.push(Op::SetFont { font, size: Pt(*size) });
            current = Some((*is_bold, *size));
        }
        ops.push(Op::SetTextMatrix { matrix: TextMatrix::Translate(Pt(*x), Pt(*y)) });
        ops.push(Op::ShowText { items: vec![TextItem::Text(text.clone())] });
    }
    ops.push(Op::EndTextSection);
    ops
}
