use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    backroom::cli::run(backroom::cli::Cli::parse())
}
