//! The `backroom` command: the CLI subcommands and the HTTP server over Backroom's one command
//! surface. Business rules live in `backroom-api` and `backroom-core`, never here.

pub mod cli;
pub mod images_cli;
pub mod labels_cli;
pub mod pairing_client;
pub mod scale_cli;
pub mod serve;
pub mod slip_cli;
pub mod station;
pub mod tls;
