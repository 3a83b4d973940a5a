//! Backroom's integration tests: one binary, a module per area, each against a real SQLite file
//! in a temporary folder.

mod support;

/// The manager's people and stations: switching operators off, finding a scale on a port and
/// watching it once a station names it, printers and test pages.
mod admin;

/// The `backroom` executable: subcommands, exit codes, help.
mod cli;
/// Twenty HTTP clients at once reserving and picking scarce stock from one `backroom serve`.
mod concurrency;
/// `kill -9` of `backroom serve` during a large import and a release wave: all or nothing.
mod crash;
/// `backroom db copy`: a whole warehouse from SQLite to PostgreSQL and back, unchanged.
mod db_copy;
/// Every command over HTTP, status codes and error shapes.
mod http;
/// Product pictures: named by an import, fetched from a web server outside it, kept beside the
/// database and served at `/images/<hash>`; uploads must be pictures.
mod images;
/// What a careless or hostile caller of any role can send: bounds, transitions, raw movements,
/// the demo, PIN guessing, contact details.
mod integrity;
/// Bin, product and badge labels, read back with a real barcode decoder.
mod labels;
/// `backroom serve --lan`: HTTPS trusted by its fingerprint, pairing stations with one-time
/// codes and station keys, revoking them, and the loopback guards again over TLS.
mod lan;
/// Each operator's language: chosen by them at the bench or by a manager, kept across sign-ins.
mod languages;
/// The stock ledger: movements, refusals, `db check`, and many stations at once.
mod ledger;
/// The packing bench's scale keys (zero, tare) and a manager-approved typed weight while the
/// scale is unplugged, against the scale simulator.
mod pack_bench;
/// Sign-in, sessions and role checks.
mod people;
/// A picker takes the next pick list for themselves; a manager plans a wave.
mod pick_taking;
/// A write sent again with its request id is applied once, across a server restart too.
mod retries;
/// A station's scale on `backroom serve`: readings from the scale simulator as `scale` events.
mod scales;
/// Setting up a real warehouse from a station: the first manager, then manager steps.
mod setup;
/// Orders of other shops from the command line: a column mapping by file, then by name.
mod shop_imports;
/// Reads run on snapshots while another holds the writer and write nothing; a write kept
/// waiting too long is busy (503), never a server error.
mod snapshots;
/// Stations with their own scales on a LAN host: `backroom station` processes feeding the
/// verdict, refusals of readings from anyone else, and reconnecting after the host is killed.
mod stations_lan;
