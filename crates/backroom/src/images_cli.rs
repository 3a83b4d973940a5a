//! `backroom images`: fetching the product pictures an import named, and setting one by hand.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use backroom_api::inventory::images::{self, ProductImage, SetProductImage};
use backroom_api::{App, Caller};
use clap::Subcommand;

use crate::cli::CliError;

#[derive(Debug, Subcommand)]
pub enum ImagesAction {
    /// Fetch the pictures waiting: web addresses and files an import or a manager named. Each
    /// failure is kept on its product and listed; the rest go on.
    Fetch {
        /// Also try again the pictures that failed before.
        #[arg(long)]
        retry: bool,
    },
    /// Set a product's picture from a file (read now) or a web address (fetched with
    /// `backroom images fetch`, or by a running server); `none` takes it away.
    Set { sku: String, source: String },
}

pub fn run(app: &App, action: ImagesAction) -> Result<(), CliError> {
    match action {
        ImagesAction::Fetch { retry } => fetch(app, retry),
        ImagesAction::Set { sku, source } => set(app, sku, source),
    }
}

fn fetch(app: &App, retry: bool) -> Result<(), CliError> {
    let summary = images::fetch_waiting(app, retry, &AtomicBool::new(false))?;
    say(format!("{} pictures fetched, {} failed", summary.fetched, summary.failed.len()))?;
    for (sku, error) in &summary.failed {
        say(format!("  {sku}: {error}"))?;
    }
    if summary.failed.is_empty() {
        Ok(())
    } else {
        Err(CliError::Failed(format!(
            "{} products have no picture; fix their addresses and run `backroom images fetch --retry`",
            summary.failed.len()
        )))
    }
}

fn set(app: &App, sku: String, source: String) -> Result<(), CliError> {
    let source = match source.as_str() {
        "none" => None,
        // A relative path means the folder the command runs in, not the server's.
        path if Path::new(path).is_file() => {
            Some(std::path::absolute(path).map_or(source.clone(), |p| p.display().to_string()))
        }
        _ => Some(source),
    };
    let req = SetProductImage { sku, image: None, source };
    let image: ProductImage = app.run(Caller::Local, "set_product_image", &req)?;
    if image.source.as_deref().is_some_and(|s| s.starts_with("http")) && image.hash.is_none() {
        images::fetch_waiting(app, true, &AtomicBool::new(false))?;
    }
    let image: ProductImage = app.run(
        Caller::Local,
        "product_image",
        &images::ImageQuery { code: image.sku, inline: false },
    )?;
    match (&image.hash, &image.error) {
        (Some(hash), _) => say(format!("{}: picture {hash}", image.sku)),
        (None, Some(error)) => Err(CliError::Failed(format!("{}: no picture: {error}", image.sku))),
        (None, None) => say(format!("{}: no picture", image.sku)),
    }
}

fn say(line: String) -> Result<(), CliError> {
    crate::cli::write_out(format_args!("{line}\n"))
}
