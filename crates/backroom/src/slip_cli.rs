//! `backroom slip` and `backroom print`: packing slips as PDF files and on CUPS printers.

use std::path::PathBuf;

use backroom_api::devices::printing::Printed;
use backroom_api::devices::slip::{BatchSlipRequest, PrintSlip, SlipFile, SlipRequest};
use backroom_api::{App, Caller};
use backroom_core::slip::PageSize;
use base64::Engine;
use clap::{Args, ValueEnum};

use crate::cli::CliError;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SizeArg {
    Letter,
    A4,
    #[value(name = "4x6")]
    Label4x6,
}

impl From<SizeArg> for PageSize {
    fn from(s: SizeArg) -> PageSize {
        match s {
            SizeArg::Letter => PageSize::Letter,
            SizeArg::A4 => PageSize::A4,
            SizeArg::Label4x6 => PageSize::Label4x6,
        }
    }
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["order", "orders", "batch"])))]
pub struct SlipArgs {
    /// The order number.
    #[arg(long, value_name = "NUMBER")]
    pub order: Option<String>,
    /// Several orders, comma-separated, into one PDF in this order (a pick batch's pick order).
    #[arg(long, value_name = "N1,N2,...", value_delimiter = ',')]
    pub orders: Vec<String>,
    /// A pick list (see `backroom call list_pick_lists`), its orders in tote order.
    #[arg(long, value_name = "ID")]
    pub batch: Option<i64>,
    /// The PDF file to write.
    #[arg(long, value_name = "FILE.pdf")]
    pub out: PathBuf,
    /// Page size; the one in Settings by default.
    #[arg(long, value_enum)]
    pub size: Option<SizeArg>,
    /// Add bin locations and the expected weight, for the pack station.
    #[arg(long)]
    pub packer_copy: bool,
}

#[derive(Debug, Args)]
pub struct PrintArgs {
    /// The order number.
    #[arg(long, value_name = "NUMBER")]
    pub order: String,
    /// The CUPS queue (see `lpstat -p`).
    #[arg(long, value_name = "QUEUE")]
    pub printer: Option<String>,
    /// Page size; the one in Settings by default.
    #[arg(long, value_enum)]
    pub size: Option<SizeArg>,
    /// Add bin locations and the expected weight, for the pack station.
    #[arg(long)]
    pub packer_copy: bool,
}

pub fn slip(app: &App, args: SlipArgs) -> Result<(), CliError> {
    let size = args.size.map(PageSize::from);
    let file: SlipFile = if let Some(list) = args.batch {
        let req = BatchSlipRequest {
            orders: Vec::new(),
            pick_list: Some(list),
            size,
            packer_copy: args.packer_copy,
        };
        app.run(Caller::Local, "slip_batch_pdf", &req)?
    } else if let Some(order) = args.order {
        let req = SlipRequest { order, size, packer_copy: args.packer_copy, preview: None };
        app.run(Caller::Local, "slip_pdf", &req)?
    } else {
        let req = BatchSlipRequest {
            orders: args.orders,
            pick_list: None,
            size,
            packer_copy: args.packer_copy,
        };
        app.run(Caller::Local, "slip_batch_pdf", &req)?
    };
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(&file.pdf_base64)
        .map_err(|e| CliError::Failed(format!("the slip did not decode: {e}")))?;
    std::fs::write(&args.out, pdf).map_err(|source| CliError::Io {
        what: format!("cannot write {}", args.out.display()),
        source,
    })?;
    let pages = if file.pages == 1 { "1 page".to_owned() } else { format!("{} pages", file.pages) };
    println!("wrote {} ({pages})", args.out.display());
    if file.missing_glyphs > 0 {
        eprintln!(
            "note: {} characters are not in the slip font and print as \u{FFFD}",
            file.missing_glyphs
        );
    }
    Ok(())
}

pub fn print(app: &App, args: PrintArgs) -> Result<(), CliError> {
    let req = PrintSlip {
        order: args.order,
        printer: args.printer,
        size: args.size.map(PageSize::from),
        packer_copy: args.packer_copy,
    };
    let printed: Printed = app.run(Caller::Local, "print_slip", &req)?;
    println!(
        "sent to {}: job {} ({} page{})",
        printed.printer,
        printed.job_id,
        printed.pages,
        if printed.pages == 1 { "" } else { "s" }
    );
    Ok(())
}
