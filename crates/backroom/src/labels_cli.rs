//! `backroom labels`: bin, product and badge labels as a PDF file or on a CUPS printer.

use std::path::PathBuf;

use backroom_api::devices::labels::{LabelFile, LabelKind, LabelRequest, ProductLabels};
use backroom_api::devices::printing::Printed;
use backroom_api::{App, Caller};
use backroom_core::labels::Stock;
use base64::Engine;
use clap::{Args, ValueEnum};

use crate::cli::CliError;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Bins,
    Products,
    Badges,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StockArg {
    #[value(name = "letter-30")]
    Letter30,
    #[value(name = "a4-21")]
    A4x21,
    #[value(name = "roll-4x6")]
    Roll4x6,
    #[value(name = "roll-2.25x1.25")]
    Roll2x1,
}

impl From<StockArg> for Stock {
    fn from(s: StockArg) -> Stock {
        match s {
            StockArg::Letter30 => Stock::Letter30,
            StockArg::A4x21 => Stock::A4x21,
            StockArg::Roll4x6 => Stock::Roll4x6,
            StockArg::Roll2x1 => Stock::Roll2x1,
        }
    }
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("where").required(true).args(["out", "print"])))]
pub struct LabelArgs {
    /// What to label.
    #[arg(value_enum)]
    pub kind: KindArg,
    /// The label stock: a Letter or A4 sheet, or a thermal roll.
    #[arg(long, value_enum)]
    pub stock: StockArg,
    /// Bins of one aisle (`A03` or `3`); every bin when no aisle or range is given.
    #[arg(long, value_name = "AISLE")]
    pub aisle: Option<String>,
    /// The first bin of a range, in code order.
    #[arg(long, value_name = "BIN")]
    pub from: Option<String>,
    /// The last bin of a range.
    #[arg(long, value_name = "BIN")]
    pub to: Option<String>,
    /// A product and how many labels of it: `SKU` (one) or `SKU:COUNT`; repeat for more.
    #[arg(long = "product", value_name = "SKU[:COUNT]")]
    pub products: Vec<String>,
    /// An operator id whose badge to print; repeat for more. Everyone's by default.
    #[arg(long = "operator", value_name = "ID")]
    pub operators: Vec<i64>,
    /// Where the first label goes on a partly used sheet (1 is the top left).
    #[arg(long, value_name = "N")]
    pub start: Option<u32>,
    /// The PDF file to write.
    #[arg(long, value_name = "FILE.pdf")]
    pub out: Option<PathBuf>,
    /// Print on a CUPS queue instead of writing a file.
    #[arg(long)]
    pub print: bool,
    /// The CUPS queue (see `lpstat -p`) for `--print`.
    #[arg(long, value_name = "QUEUE", requires = "print")]
    pub printer: Option<String>,
}

pub fn labels(app: &App, args: LabelArgs) -> Result<(), CliError> {
    let products = args.products.iter().map(|p| product_arg(p)).collect::<Result<_, _>>()?;
    let req = LabelRequest {
        kind: match args.kind {
            KindArg::Bins => LabelKind::Bins,
            KindArg::Products => LabelKind::Products,
            KindArg::Badges => LabelKind::Badges,
        },
        stock: args.stock.into(),
        start: args.start,
        aisle: args.aisle,
        from: args.from,
        to: args.to,
        products,
        operators: args.operators,
        printer: args.printer,
    };
    if args.print {
        let printed: Printed = app.run(Caller::Local, "print_labels", &req)?;
        println!("sent to {}: job {} ({})", printed.printer, printed.job_id, pages(printed.pages));
        return Ok(());
    }
    let Some(out) = args.out else { return Ok(()) };
    let file: LabelFile = app.run(Caller::Local, "labels_pdf", &req)?;
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(&file.pdf_base64)
        .map_err(|e| CliError::Failed(format!("the labels did not decode: {e}")))?;
    std::fs::write(&out, pdf).map_err(|source| CliError::Io {
        what: format!("cannot write {}", out.display()),
        source,
    })?;
    println!("wrote {} ({} labels, {})", out.display(), file.labels, pages(file.pages));
    Ok(())
}

/// `SKU` or `SKU:COUNT`. A SKU may itself hold a colon, so only a number after the last one
/// is a count.
fn product_arg(text: &str) -> Result<ProductLabels, CliError> {
    let (product, count) = match text.rsplit_once(':') {
        Some((sku, n)) if !sku.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => {
            let count = n.parse().map_err(|_| {
                CliError::Failed(format!("`{text}`: the count after the colon is too large"))
            })?;
            (sku, count)
        }
        _ => (text, 1),
    };
    Ok(ProductLabels { product: product.to_owned(), count })
}

fn pages(n: u32) -> String {
    if n == 1 { "1 page".to_owned() } else { format!("{n} pages") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_product_counts() {
        let p = product_arg("MUG-1:12").unwrap();
        assert_eq!((p.product.as_str(), p.count), ("MUG-1", 12));
        let p = product_arg("MUG-1").unwrap();
        assert_eq!((p.product.as_str(), p.count), ("MUG-1", 1));
        let p = product_arg("A:B").unwrap();
        assert_eq!((p.product.as_str(), p.count), ("A:B", 1));
    }
}
