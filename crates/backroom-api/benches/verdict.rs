//! How long a packer waits for the verdict: from the first stable frame arriving on the scale's
//! port to the verdict of `weigh` (aim: 100 ms or less), and how fast each protocol's decoder
//! reads frames. Run with `cargo bench -p backroom-api --bench verdict`.
//!
//! The scale is a pseudo-terminal whose other end this bench writes Toledo continuous frames
//! to, as a floor scale streams them. The path measured is the one a station takes: the
//! station's scale monitor decodes the frame and puts the reading on the board, the `scale`
//! event goes out, and the listener (standing in for the screen) calls `weigh`, which reads
//! the board, judges, logs and packs the order in one transaction. The hop from the event to
//! a browser and back is not in it; on one machine it adds a few milliseconds of HTTP.

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use backroom_api::scales::ScaleWatch;
use backroom_api::{App, Caller, Event};
use backroom_core::scale::Protocol;
use serde_json::{Value, json};
use serialport::{SerialPort, TTYPort};

const ORDERS: usize = 200;

/// A Toledo continuous frame, gross, 1.234 kg, settled; and the same load in motion.
const STABLE: &[u8] = b"\x0250   1234     0\r\x12";
const MOTION: &[u8] = b"\x0258   1230     0\r\x0e";

fn call(app: &App, caller: Caller<'_>, name: &str, req: Value) -> Value {
    app.call(caller, name, req).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A warehouse with `ORDERS` picked orders of one 1,224 g item each: in a box of no tare with
/// 10 g of packing, each should weigh 1,234 g, what the stable frame says.
fn warehouse(app: &App, port: &str) -> String {
    let local = |name: &str, req: Value| call(app, Caller::Local, name, req);
    local(
        "set_layout",
        json!({"layout": {"name": "bench", "aisles": 4, "blocks": 1, "slots_per_side": 10,
            "slot_length_m": 1.0, "aisle_pitch_m": 3.0, "cross_aisle_m": 2.0}}),
    );
    local("save_area", json!({"code": "PACKING", "kind": "packing"}));
    local("save_product", json!({"sku": "KETTLE", "name": "Kettle", "unit_weight": "1224 g"}));
    local(
        "save_box",
        json!({"code": "BOX", "name": "Bench box", "tare_g": 0,
               "inner_mm": {"length": 400, "width": 300, "height": 300}}),
    );
    local(
        "save_station",
        json!({"name": "Pack 1", "scale": {"port": port, "protocol": "toledo-continuous",
               "baud": 9600, "data_bits": 7, "parity": "even", "stop_bits": 1}}),
    );
    local("save_operator", json!({"name": "Pat", "role": "picker", "badge": "PICK"}));
    local("save_operator", json!({"name": "Pia", "role": "packer", "badge": "PACK"}));
    let bin = "A01-1-01-L";
    local("receive", json!({"product": "KETTLE", "qty": ORDERS, "to": bin}));
    let picker =
        call(app, Caller::Local, "sign_in", json!({"station": "Pack 1", "credential": "PICK"}));
    let picker = Caller::Session(picker["token"].as_str());
    for n in 0..ORDERS {
        local(
            "create_order",
            json!({"number": format!("B{n:04}"), "customer": {"name": "Ada Lee"},
                   "ship_to": {"name": "Ada Lee", "address1": "1 High Street", "city": "Leeds",
                               "postal_code": "LS1 1AA", "country": "GB"},
                   "payment_status": "paid", "lines": [{"product": "KETTLE", "qty": 1}]}),
        );
        let req = json!({"order": format!("B{n:04}"), "product": "KETTLE", "bin": bin, "qty": 1});
        call(app, picker, "pick", req);
    }
    let packer =
        call(app, Caller::Local, "sign_in", json!({"station": "Pack 1", "credential": "PACK"}));
    packer["token"].as_str().unwrap().to_owned()
}

/// Waits for the next `scale` event of Pack 1 in `state`. While waiting, `resend` (when given)
/// is written to the scale every 20 ms, as a streaming scale repeats its frame.
fn wait_state(
    events: &mut tokio::sync::broadcast::Receiver<Event>,
    state: &str,
    mut resend: Option<(&mut TTYPort, &[u8])>,
) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut sent = Instant::now();
    while Instant::now() < deadline {
        if let Some((scale, frame)) = resend.as_mut()
            && sent.elapsed() >= Duration::from_millis(20)
        {
            // Until the monitor has the port open, the terminal has no reader and refuses.
            let _ = scale.write_all(frame);
            sent = Instant::now();
        }
        match events.try_recv() {
            Ok(Event::Scale { status, .. }) => {
                if serde_json::to_value(status.state).unwrap() == state {
                    return;
                }
            }
            Ok(_) => {}
            Err(tokio::sync::broadcast::error::TryRecvError::Empty) => std::thread::yield_now(),
            Err(e) => panic!("the event stream broke: {e}"),
        }
    }
    panic!("the scale never showed {state}");
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn verdict_latency() {
    let dir = tempfile::tempdir().unwrap();
    let app = Arc::new(App::open(&dir.path().join("bench.db")).unwrap());
    let (mut scale, device) = TTYPort::pair().expect("a pseudo-terminal");
    let port = device.name().expect("the pseudo-terminal has a path");
    // The monitor opens the port itself, and would find it locked by the pair's own handle.
    drop(device);
    let token = warehouse(&app, &port);
    let packer = Caller::Session(Some(&token));
    let _watch = ScaleWatch::start(&app);
    let mut events = app.subscribe();

    let mut times = Vec::with_capacity(ORDERS);
    for n in 0..ORDERS {
        // The monitor may still be opening the port, which drops what came before: the load
        // goes on in motion until the monitor sees it move.
        wait_state(&mut events, "motion", Some((&mut scale, MOTION)));
        let start = Instant::now();
        scale.write_all(STABLE).unwrap();
        wait_state(&mut events, "stable", None);
        let weighed =
            call(&app, packer, "weigh", json!({"order": format!("B{n:04}"), "box": "BOX"}));
        times.push(start.elapsed());
        assert_eq!(weighed["verdict"]["kind"], "pass", "{weighed}");
    }
    times.sort();
    println!(
        "verdict after the stable frame, {ORDERS} weighings: median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(times[times.len() - 1]),
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Frames each decoder reads per second from a long stream of one frame repeated, split into
/// 64-byte reads as a serial port delivers them.
fn decoder_throughput() {
    let cases: [(Protocol, &[u8]); 5] = [
        (Protocol::MtSics, b"S S     100.00 g\r\n"),
        (Protocol::Nci, b"\n002.35lb\r\n00\r\x03"),
        (Protocol::NciScp12, b"\n 002.35LB\r00\x03"),
        (Protocol::Toledo8217, b"\x02001.23\r"),
        (Protocol::ToledoContinuous, STABLE),
    ];
    for (protocol, frame) in cases {
        let frames = 200_000;
        let stream: Vec<u8> = frame.iter().copied().cycle().take(frame.len() * frames).collect();
        let mut decoder = protocol.decoder();
        let now = Instant::now();
        let start = Instant::now();
        let mut readings = 0usize;
        for chunk in stream.chunks(64) {
            decoder.push(chunk, now);
            while decoder.poll().is_some() {
                readings += 1;
            }
        }
        let seconds = start.elapsed().as_secs_f64();
        assert_eq!(readings, frames, "{protocol}: every frame is one reading");
        println!(
            "{protocol:>17}: {:.2} M frames/s ({:.0} MB/s)",
            frames as f64 / seconds / 1e6,
            stream.len() as f64 / seconds / 1e6,
        );
    }
}

fn main() {
    // `cargo test --benches` runs benches with `--bench` absent: a quick smoke run is enough.
    decoder_throughput();
    verdict_latency();
}
