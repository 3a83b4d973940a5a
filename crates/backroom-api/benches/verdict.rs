//! How long a packer waits for the verdict: from the first stable frame arriving on the scale's
//! port to the verdict of `weigh` (aim: 100 ms or less), and how fast each protocol's decoder
//! reads frames. Run with `cargo bench -p backroom-api --bench verdict`.
//!
//! The scale is a pseudo-terminal whose other end this bench writes Toledo continuous frames
//! to, as a floor scale streams them; then a USB HID scale, whose hidraw node is a FIFO in
//! packet mode (one report per read, as hidraw) found through a sysfs tree laid out in a
//! temporary directory (`BACKROOM_HIDRAW_SYSFS`). The path measured is the one a station takes: the
//! station's scale monitor decodes the frame and puts the reading on the board, the `scale`
//! event goes out, and the listener (standing in for the screen) calls `weigh`, which reads
//! the board, judges, logs and packs the order in one transaction. The hop from the event to
//! a browser and back is not in it; on one machine it adds a few milliseconds of HTTP.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use backroom_api::devices::scales::ScaleWatch;
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

/// A HID scale's data report, stable, 1.234 kg in grams; and the same load in motion.
const HID_STABLE: &[u8] = &[0x03, 0x04, 0x02, 0x00, 0xd2, 0x04];
const HID_MOTION: &[u8] = &[0x03, 0x03, 0x02, 0x00, 0xce, 0x04];

/// A warehouse with `ORDERS` picked orders of one 1,224 g item each: in a box of no tare with
/// 10 g of packing, each should weigh 1,234 g, what the stable frame says.
fn warehouse(app: &App, scale: Value) -> String {
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
    local("save_station", json!({"name": "Pack 1", "scale": scale}));
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
    mut resend: Option<(&mut dyn Write, &[u8])>,
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

/// A scale the bench writes to: the other end of the station's port.
struct Scale {
    name: &'static str,
    station: Value,
    write: Box<dyn Write>,
    stable: &'static [u8],
    motion: &'static [u8],
    /// Kept until the bench ends: the pty's path or the fake sysfs tree.
    _keep: Box<dyn std::any::Any>,
}

/// A Toledo continuous scale on a pseudo-terminal.
fn serial_scale() -> Scale {
    let (scale, device) = TTYPort::pair().expect("a pseudo-terminal");
    let port = device.name().expect("the pseudo-terminal has a path");
    // The monitor opens the port itself, and would find it locked by the pair's own handle.
    drop(device);
    Scale {
        name: "toledo-continuous on a pty",
        station: json!({"port": port, "protocol": "toledo-continuous",
                        "baud": 9600, "data_bits": 7, "parity": "even", "stop_bits": 1}),
        write: Box::new(scale),
        stable: STABLE,
        motion: MOTION,
        _keep: Box::new(()),
    }
}

/// A USB HID scale: a sysfs tree naming a scale descriptor, and a FIFO as its hidraw node,
/// written in packet mode once the station's monitor has opened it.
fn hid_scale() -> Scale {
    let dir = tempfile::tempdir().unwrap();
    let device = dir.path().join("class/hidraw0/device");
    std::fs::create_dir_all(&device).unwrap();
    std::fs::create_dir_all(dir.path().join("dev")).unwrap();
    std::fs::write(device.join("uevent"), "HID_ID=0003:00000922:00008003\nHID_NAME=Bench\n")
        .unwrap();
    // Scales page, Scale Device, application; report 3; Data Weight with Logical Minimum 0.
    let descriptor = [
        0x05, 0x8D, 0x09, 0x20, 0xA1, 0x01, 0x85, 0x03, 0x15, 0x00, 0x75, 0x10, 0x09, 0x40, 0x81,
        0x02, 0xC0,
    ];
    std::fs::write(device.join("report_descriptor"), descriptor).unwrap();
    let node = dir.path().join("dev/hidraw0");
    let fifo = std::ffi::CString::new(node.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo reads the NUL-terminated path and nothing else.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    // SAFETY: set before any thread of this process reads the environment; the scale watch
    // that reads it starts later.
    unsafe {
        std::env::set_var("BACKROOM_HIDRAW_SYSFS", dir.path().join("class"));
        std::env::set_var("BACKROOM_HIDRAW_DEV", dir.path().join("dev"));
    }
    Scale {
        name: "hid-pos on a packet FIFO",
        station: json!({"port": "auto", "protocol": "hid-pos",
                        "baud": 9600, "data_bits": 8, "parity": "none", "stop_bits": 1}),
        write: Box::new(FifoWriter { node, file: None }),
        stable: HID_STABLE,
        motion: HID_MOTION,
        _keep: Box::new(dir),
    }
}

/// Writes to the FIFO once a reader has it open, one report per write (`O_DIRECT`).
struct FifoWriter {
    node: std::path::PathBuf,
    file: Option<std::fs::File>,
}

impl Write for FifoWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.file.is_none() {
            // Without a reader, a non-blocking open for writing fails (ENXIO).
            let file = std::fs::OpenOptions::new()
                .write(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(&self.node)?;
            // Packet mode is set on the open pipe (Linux 4.5 and later), not at open.
            let fd = std::os::fd::AsRawFd::as_raw_fd(&file);
            // SAFETY: fcntl on a descriptor `file` owns; no memory is passed.
            unsafe {
                let flags = libc::fcntl(fd, libc::F_GETFL);
                assert_eq!(libc::fcntl(fd, libc::F_SETFL, flags | libc::O_DIRECT), 0);
            }
            self.file = Some(file);
        }
        self.file.as_mut().unwrap().write(bytes)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn verdict_latency(mut scale: Scale) {
    let dir = tempfile::tempdir().unwrap();
    let app = Arc::new(App::open(&dir.path().join("bench.db")).unwrap());
    let token = warehouse(&app, scale.station.clone());
    let packer = Caller::Session(Some(&token));
    let _watch = ScaleWatch::start(&app);
    let mut events = app.subscribe();

    let mut times = Vec::with_capacity(ORDERS);
    for n in 0..ORDERS {
        // The monitor may still be opening the port, which drops what came before: the load
        // goes on in motion until the monitor sees it move.
        wait_state(&mut events, "motion", Some((scale.write.as_mut(), scale.motion)));
        let start = Instant::now();
        scale.write.write_all(scale.stable).unwrap();
        wait_state(&mut events, "stable", None);
        let weighed =
            call(&app, packer, "weigh", json!({"order": format!("B{n:04}"), "box": "BOX"}));
        times.push(start.elapsed());
        assert_eq!(weighed["verdict"]["kind"], "pass", "{weighed}");
    }
    times.sort();
    println!(
        "{}: verdict after the stable frame, {ORDERS} weighings: median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        scale.name,
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
        (Protocol::Toledo8217, b"\x0201.234\r"),
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
    // A HID scale's reports come one per read: one push each.
    let reports = 2_000_000;
    let mut decoder = Protocol::HidPos.decoder();
    let now = Instant::now();
    let start = Instant::now();
    let mut readings = 0usize;
    for n in 0..reports {
        decoder.push(if n % 2 == 0 { HID_STABLE } else { HID_MOTION }, now);
        while decoder.poll().is_some() {
            readings += 1;
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    assert_eq!(readings, reports, "hid-pos: every report is one reading");
    println!("hid-pos: {:.2} M reports/s", reports as f64 / seconds / 1e6);
}

fn main() {
    // `cargo test --benches` runs benches with `--bench` absent: a quick smoke run is enough.
    decoder_throughput();
    verdict_latency(serial_scale());
    verdict_latency(hid_scale());
}
