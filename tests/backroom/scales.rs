//! A station's scale on `backroom serve`: the scale simulator on a pseudo-terminal is the
//! station's scale port, and what it shows arrives as `scale` events on `GET /api/events`.
//! Every wait has a deadline only so that a broken build fails instead of hanging.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::concurrency::{Hosted, Server};
use crate::support;

pub(crate) const SIMULATOR: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/tools/scale-sim/scale-sim");

/// Long enough for anything to show on a loaded machine; a passing test never waits this long.
pub(crate) const DEADLINE: Duration = Duration::from_secs(30);

/// The scale simulator on a pty, driven through its stdin; other test modules share it.
pub(crate) struct Sim {
    child: Child,
    stdin: ChildStdin,
    pub(crate) lines: Receiver<String>,
    pub(crate) device: String,
}

impl Sim {
    pub(crate) fn start(args: &[&str]) -> Sim {
        let mut child = Command::new(SIMULATOR)
            .args(args)
            .arg("--exit-on-eof")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {SIMULATOR}: {e}"));
        let stdin = child.stdin.take().unwrap();
        let lines = read_lines(BufReader::new(child.stdout.take().unwrap()));
        let device = lines.recv_timeout(DEADLINE).expect("the simulator did not start");
        assert!(device.starts_with("/dev/"), "the simulator said {device:?}");
        Sim { child, stdin, lines, device }
    }

    /// Sends a control line and returns its `ok` reply, skipping attach events.
    pub(crate) fn control(&mut self, command: &str) -> String {
        writeln!(self.stdin, "{command}").unwrap();
        loop {
            let line = self.lines.recv_timeout(DEADLINE).expect("the simulator stopped answering");
            if line.starts_with("event ") {
                continue;
            }
            assert!(line.starts_with("ok"), "`{command}` got {line:?}");
            return line;
        }
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every line `reader` gives, on a channel, read on a thread of its own.
fn read_lines(reader: impl BufRead + Send + 'static) -> Receiver<String> {
    let (send, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in reader.lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                return;
            }
        }
    });
    lines
}

/// Subscribes to the server's event stream and hands over each event's JSON. HTTP/1.0, so
/// the stream comes without chunked framing and every `data:` line is one event.
fn subscribe(addr: &str) -> Receiver<Value> {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(stream, "GET /api/events HTTP/1.0\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n")
        .unwrap();
    let lines = read_lines(BufReader::new(stream));
    let status = lines.recv_timeout(DEADLINE).expect("the event stream answers");
    assert!(status.contains(" 200 "), "GET /api/events: {status}");
    let (send, events) = mpsc::channel();
    std::thread::spawn(move || {
        for line in lines {
            if let Some(data) = line.strip_prefix("data:") {
                let event = serde_json::from_str(data.trim()).expect("an event is JSON");
                if send.send(event).is_err() {
                    return;
                }
            }
        }
    });
    events
}

/// Waits for a `scale` event of `station` whose status passes `want`.
fn wait_scale(events: &Receiver<Value>, station: &str, what: &str, want: impl Fn(&Value) -> bool) {
    let deadline = Instant::now() + DEADLINE;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(event) = events.recv_timeout(left) else {
            panic!("no scale event of {station} with {what}; the last ones: {seen:?}");
        };
        if event["type"] == "scale" && event["station"] == station {
            if want(&event["status"]) {
                return;
            }
            seen.push(event["status"].clone());
            if seen.len() > 5 {
                seen.remove(0);
            }
        }
    }
}

#[test]
fn a_station_scale_streams_its_weight_and_going_offline() {
    let mut sim = Sim::start(&["--protocol", "nci", "--unit", "g", "--weight", "0"]);
    let w = support::warehouse();
    // `Pack 1` names /dev/ttyUSB0, which this machine need not have: a missing port must not
    // stop the server.
    w.local(
        "save_station",
        json!({"name": "Pack 2", "scale": {"port": sim.device, "protocol": "nci", "baud": 9600,
            "data_bits": 7, "parity": "even", "stop_bits": 1}}),
    );
    let hosted = Hosted::new(w);
    let server = Server::start(&hosted);
    let events = subscribe(&server.addr);

    sim.control("weight 1250");
    wait_scale(&events, "Pack 2", "1250 g, stable", |status| {
        status["state"] == "stable" && status["grams"] == 1250.0 && status["protocol"] == "nci"
    });

    sim.control("disconnect");
    wait_scale(&events, "Pack 2", "state offline", |status| {
        status["state"] == "offline" && status["grams"].is_null()
    });
    let log = server.log();
    assert!(!log.contains("panicked"), "{log}");
}
