//! Generated streams through the scale decoders, a million per protocol and kind: valid frames
//! with one byte dropped, inserted or changed, and valid frames with status-looking noise between
//! them. Prints, per protocol and kind, the streams run, the violations (a stable weight other
//! than the true one, a fault or a load out of range that the stream never showed), the misses
//! (an undamaged stream whose stable load was never reported) and the time taken. Exits with
//! failure on any violation or miss.
//!
//! Run with `cargo bench -p backroom-core --bench scale_streams`. `SCALE_STREAMS=N` runs another
//! number, `SCALE_SEED=N` other streams; a violation names the seed that replays it.

#[path = "../tests/scale_stream/mod.rs"]
mod scale_stream;

use std::time::Instant;

use backroom_core::scale::Protocol;
use scale_stream::Kind;

const FULL_RUN: u64 = 1_000_000;

/// What `cargo test --benches` runs, where the bench gets no `--bench` argument.
const SMOKE_RUN: u64 = 1_000;

const SEED: u64 = 0xB4C0_0000_0000_0000;

fn main() {
    let full = std::env::args().any(|arg| arg == "--bench");
    let streams = number("SCALE_STREAMS").unwrap_or(if full { FULL_RUN } else { SMOKE_RUN });
    let seed = number("SCALE_SEED").unwrap_or(SEED);
    let start = Instant::now();
    let mut failed = false;
    for protocol in Protocol::SERIAL {
        for kind in [Kind::Damaged, Kind::Noisy] {
            let begun = Instant::now();
            let report = scale_stream::run(protocol, kind, streams, seed);
            println!(
                "{:<17} {:<7} {:>9} streams, {} violations, {} misses, {:.1} s",
                protocol.name(),
                format!("{kind:?}").to_lowercase(),
                report.streams,
                report.violations,
                report.misses,
                begun.elapsed().as_secs_f64(),
            );
            for (label, finding) in
                [("violation", &report.first_violation), ("miss", &report.first_miss)]
            {
                if let Some(finding) = finding {
                    println!("    first {label}: {finding}");
                    failed = true;
                }
            }
        }
    }
    println!("all protocols: {:.1} s", start.elapsed().as_secs_f64());
    if failed {
        std::process::exit(1);
    }
}

/// A number from the environment, decimal or `0x` hexadecimal.
fn number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim().replace('_', "");
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}
