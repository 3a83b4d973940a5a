//! Backroom's integration tests: one binary, a module per area, each against a real SQLite file
//! in a temporary folder.

mod support;

/// The `backroom` executable: subcommands, exit codes, help.
mod cli;
/// Twenty HTTP clients at once reserving and picking scarce stock from one `backroom serve`.
mod concurrency;
/// `kill -9` of `backroom serve` during a large import and a release wave: all or nothing.
mod crash;
/// Every command over HTTP, status codes and error shapes.
mod http;
/// What a careless or hostile caller of any role can send: bounds, transitions, raw movements,
/// the demo, PIN guessing, contact details.
mod integrity;
/// The stock ledger: movements, refusals, `db check`, and many stations at once.
mod ledger;
/// Sign-in, sessions and role checks.
mod people;
/// A station's scale on `backroom serve`: readings from the scale simulator as `scale` events.
mod scales;
