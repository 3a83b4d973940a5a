//! Stations with their own scales, on a host in LAN mode: each `backroom station` process
//! opens its own scale (the scale simulator on a pseudo-terminal), sends the readings to the
//! host with its station key, and the verdict at each bench rests on that bench's own scale.
//! Readings from anyone else are refused; a station stops at a host showing another
//! certificate; the stations come back by themselves after the host is killed and restarted.
//! Every wait has a deadline only so that a broken build fails instead of hanging.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use backroom::pairing_client::StationFile;
use serde_json::{Value, json};

use crate::concurrency::db_check;
use crate::lan::{LanHost, expire_pairing_codes};
use crate::scales::{DEADLINE, Sim};

const BIN: &str = "A01-1-01-L";

/// A headless station: `backroom station` with its own key file, and what it printed so far.
struct Station {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
    key_file: PathBuf,
    _dir: tempfile::TempDir,
}

impl Station {
    /// Starts `backroom station` pairing with `code` (or with the key file already kept when
    /// `code` is `None`).
    fn start(host: &LanHost, code: Option<&str>, dir: tempfile::TempDir) -> Station {
        Station::start_with(host, code, dir, &[])
    }

    /// [`Station::start`] with more environment variables for the process.
    fn start_with(
        host: &LanHost,
        code: Option<&str>,
        dir: tempfile::TempDir,
        env: &[(&str, String)],
    ) -> Station {
        let key_file = dir.path().join("station.json");
        let mut command = Command::new(env!("CARGO_BIN_EXE_backroom"));
        command.args(["station", "--host", &host.url(), "--key-file"]).arg(&key_file);
        if let Some(code) = code {
            command.args(["--code", code, "--fingerprint", &host.fingerprint]);
        }
        let mut child = command
            .envs(env.iter().map(|(name, value)| (name, value)))
            .env("HOME", dir.path())
            .env("XDG_DATA_HOME", dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("backroom station starts");
        let (send, lines) = mpsc::channel();
        for output in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let send = send.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(output).lines().map_while(Result::ok) {
                    if send.send(line).is_err() {
                        return;
                    }
                }
            });
        }
        Station { child, lines, seen: Vec::new(), key_file, _dir: dir }
    }

    /// Pairs a new station named `name` with a manager's code and starts it.
    fn paired(host: &LanHost, name: &str) -> Station {
        let code = host.code(name)["code"].as_str().unwrap().to_owned();
        Station::start(host, Some(&code), tempfile::tempdir().unwrap())
    }

    fn key(&self) -> String {
        StationFile::load(&self.key_file).expect("the station kept its key").key
    }

    /// Waits for a line starting with `start` and gives it.
    fn wait_line(&mut self, start: &str) -> String {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.starts_with(start) {
                        return line;
                    }
                }
                Err(_) => panic!("the station never said {start:?}; it said {:?}", self.seen),
            }
        }
    }

    /// Waits for the process to end; gives whether it succeeded.
    fn wait_exit(&mut self) -> bool {
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // What it said last is on the channel still.
                while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
                    self.seen.push(line);
                }
                return status.success();
            }
            assert!(Instant::now() < deadline, "the station did not stop: {:?}", self.seen);
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Station {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Scale settings for the simulator at `device`, at the station's own computer.
fn scale_here(name: &str, device: &str) -> Value {
    json!({"name": name, "scale_at": "station", "scale": {"port": device, "protocol": "mt-sics",
        "baud": 9600, "data_bits": 8, "parity": "none", "stop_bits": 1}})
}

/// The host's warehouse made ready for packing: a small box, mugs in a bin, and orders for
/// two mugs each, picked.
fn orders_picked(host: &LanHost, orders: &[&str]) {
    let manager = host.manager();
    let call = |name: &str, req: Value, token: &str| {
        let (status, body) = host.call(name, req, None, Some(token));
        assert_eq!(status, 200, "{name}: {body}");
        body
    };
    call(
        "save_box",
        json!({"code": "BOX-S", "name": "Small", "tare_g": 150,
            "inner_mm": {"length": 300, "width": 200, "height": 150}}),
        &manager,
    );
    let qty = 2 * orders.len() as i64;
    call("receive", json!({"product": "MUG-1", "qty": qty, "to": BIN}), &manager);
    let picker = call("sign_in", json!({"station": "Pick 1", "credential": "OP-PICK"}), "");
    let picker = picker["token"].as_str().unwrap();
    for number in orders {
        call(
            "create_order",
            json!({"number": number, "customer": {"name": "Ada Lovelace"},
                "ship_to": {"name": "Ada Lovelace", "address1": "1 Main St",
                    "city": "Springfield", "postal_code": "12345", "country": "us"},
                "payment_status": "paid", "lines": [{"product": "MUG-1", "qty": 2}]}),
            &manager,
        );
        call("pick", json!({"order": number, "product": "MUG-1", "bin": BIN, "qty": 2}), picker);
    }
}

/// A packer signed in at a paired station, calling the host with the station's key as the
/// station's screen does.
struct Bench<'a> {
    host: &'a LanHost,
    key: String,
    token: String,
}

impl<'a> Bench<'a> {
    fn sign_in(host: &'a LanHost, station: &Station, name: &str) -> Bench<'a> {
        let key = station.key();
        let (status, session) = host.call(
            "sign_in",
            json!({"station": name, "credential": "OP-PACK"}),
            Some(&key),
            None,
        );
        assert_eq!(status, 200, "{session}");
        Bench { host, key, token: session["token"].as_str().unwrap().to_owned() }
    }

    fn call(&self, name: &str, req: Value) -> (u16, Value) {
        self.host.call(name, req, Some(&self.key), Some(&self.token))
    }

    /// Waits until the bench's scale shows a settled `grams`, as the host's board has it.
    fn wait_stable(&self, grams: f64) {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let (_, seen) = self.call("station_scale", json!({}));
            if seen["status"]["state"] == "stable" && seen["status"]["grams"] == grams {
                return;
            }
            assert!(Instant::now() < deadline, "the scale never showed {grams} g: {seen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn weigh(&self, order: &str) -> Value {
        let (status, weighed) = self.call("weigh", json!({"order": order, "box": "BOX-S"}));
        assert_eq!(status, 200, "{weighed}");
        weighed
    }
}

/// A reading as a station's program sends it.
fn reading(station: &str, grams: f64) -> Value {
    json!({"station": station, "status": {"state": "stable", "protocol": "mt-sics",
        "grams": grams, "value": grams, "unit": "g", "net": null, "age_ms": 0, "detail": null}})
}

/// The host and two benches, each with its own simulated scale and `backroom station`.
struct TwoBenches {
    host: LanHost,
    sims: [Sim; 2],
    stations: [Station; 2],
}

fn two_benches(orders: &[&str]) -> TwoBenches {
    let host = LanHost::start();
    orders_picked(&host, orders);
    let sims =
        [0, 1].map(|_| Sim::start(&["--protocol", "mt-sics", "--unit", "g", "--weight", "0"]));
    let manager = host.manager();
    for (name, sim) in ["Bench A", "Bench B"].iter().zip(&sims) {
        let (status, saved) =
            host.call("save_station", scale_here(name, &sim.device), None, Some(&manager));
        assert_eq!(status, 200, "{saved}");
    }
    let stations = ["Bench A", "Bench B"].map(|name| Station::paired(&host, name));
    let mut benches = TwoBenches { host, sims, stations };
    for (station, name) in benches.stations.iter_mut().zip(["Bench A", "Bench B"]) {
        let line = station.wait_line("connected: ");
        assert!(line.contains(name) && line.contains("scale on /dev/"), "{line}");
    }
    benches
}

#[test]
fn each_bench_is_judged_on_its_own_scale_through_the_host() {
    let mut benches = two_benches(&["7001", "7002"]);
    let host = &benches.host;
    let at_a = Bench::sign_in(host, &benches.stations[0], "Bench A");
    let at_b = Bench::sign_in(host, &benches.stations[1], "Bench B");
    let (_, expected) = at_a.call("expected_weight", json!({"order": "7001", "box": "BOX-S"}));
    let right = expected["expected_g"].as_f64().unwrap();
    let heavy = expected["max_g"].as_f64().unwrap() + 500.0;

    // A's scale holds the right weight while B's holds far too much.
    benches.sims[0].control(&format!("weight {right}"));
    benches.sims[1].control(&format!("weight {heavy}"));
    at_a.wait_stable(right);
    at_b.wait_stable(heavy);
    let weighed = at_a.weigh("7001");
    assert_eq!(
        (&weighed["verdict"]["kind"], &weighed["status"]),
        (&json!("pass"), &json!("packed"))
    );
    let weighed = at_b.weigh("7002");
    assert_eq!(weighed["verdict"]["kind"], "fail", "B was judged on A's reading: {weighed}");

    // B's package made right is judged on B's scale, now showing it.
    benches.sims[1].control(&format!("weight {right}"));
    at_b.wait_stable(right);
    let weighed = at_b.weigh("7002");
    assert_eq!(weighed["verdict"]["kind"], "pass", "{weighed}");

    let manager = host.manager();
    let log = |order: &str| {
        let (_, log) = host.call("list_weighings", json!({"order": order}), None, Some(&manager));
        log.as_array()
            .unwrap()
            .iter()
            .map(|w| (w["actual_g"].clone(), w["scale"].clone()))
            .collect::<Vec<_>>()
    };
    let at = |station: &str| {
        json!(format!(
            "mt-sics on {} at {station}",
            benches.sims[usize::from(station == "Bench B")].device
        ))
    };
    assert_eq!(log("7001"), [(json!(right), at("Bench A"))]);
    assert_eq!(log("7002"), [(json!(right), at("Bench B")), (json!(heavy), at("Bench B"))]);

    // A station whose program stops is offline on the board by age: no verdict rests on its
    // last reading.
    let _ = benches.stations[0].child.kill();
    let deadline = Instant::now() + DEADLINE;
    loop {
        let (_, seen) = at_a.call("station_scale", json!({}));
        if seen["status"]["state"] == "offline" {
            assert!(
                seen["status"]["detail"].as_str().unwrap().contains("stopped sending"),
                "{seen}"
            );
            break;
        }
        assert!(Instant::now() < deadline, "the silent station still shows a weight: {seen}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn zero_and_tare_at_a_bench_reach_its_own_scale_through_the_host() {
    let mut benches = two_benches(&["7301"]);
    let host = &benches.host;
    let at_a = Bench::sign_in(host, &benches.stations[0], "Bench A");
    let at_b = Bench::sign_in(host, &benches.stations[1], "Bench B");
    // An empty tray left on each platter.
    for sim in &mut benches.sims {
        sim.control("weight 300");
    }
    at_a.wait_stable(300.0);
    at_b.wait_stable(300.0);

    // Zero at A: the host hands the key to A's program, whose scale confirms it.
    let (status, zeroed) = at_a.call("zero_scale", json!({}));
    assert_eq!(status, 200, "{zeroed}");
    assert_eq!(
        (&zeroed["outcome"], &zeroed["message"]),
        (&json!("done"), &json!("The scale is zeroed"))
    );
    at_a.wait_stable(0.0);
    // A package on each: A weighs it without the tray, B still with it.
    for sim in &mut benches.sims {
        sim.control("weight 800");
    }
    at_a.wait_stable(500.0);
    at_b.wait_stable(800.0);

    // Tare at A takes what is on A's scale, as A's scale reports it.
    let (status, tared) = at_a.call("tare_scale", json!({}));
    assert_eq!(status, 200, "{tared}");
    assert_eq!((&tared["outcome"], &tared["tare_g"]), (&json!("done"), &json!(500.0)), "{tared}");
    at_a.wait_stable(0.0);
    at_b.wait_stable(800.0);

    // A key for B while B's program is gone: the scale is not connected, said at once.
    let _ = benches.stations[1].child.kill();
    let deadline = Instant::now() + DEADLINE;
    while at_b.call("station_scale", json!({})).1["status"]["state"] != "offline" {
        assert!(Instant::now() < deadline, "B's silent scale still shows a weight");
        std::thread::sleep(Duration::from_millis(100));
    }
    let (status, refused) = at_b.call("zero_scale", json!({}));
    assert_eq!((status, refused["code"].as_str()), (409, Some("conflict")), "{refused}");
    let message = refused["message"].as_str().unwrap();
    assert!(message.starts_with("the scale is not connected"), "{message}");
    assert!(message.contains("Bench B"), "{message}");

    // Only a station's own program says what its scale did.
    let manager = host.manager();
    let (status, _) = host.call(
        "finish_scale_key",
        json!({"id": 1, "done": {"kind": "sent"}}),
        None,
        Some(&manager),
    );
    assert_eq!(status, 403);
}

#[test]
fn readings_come_only_from_the_stations_own_program_with_its_key() {
    let host = LanHost::start();
    let sim = Sim::start(&["--protocol", "mt-sics", "--unit", "g", "--weight", "0"]);
    let manager = host.manager();
    let (status, saved) =
        host.call("save_station", scale_here("Bench A", &sim.device), None, Some(&manager));
    assert_eq!(status, 200, "{saved}");
    let code = host.code("Bench A")["code"].as_str().unwrap().to_owned();
    let (_, paired) = host.call("pair_station", json!({"code": code}), None, None);
    let key = paired["key"].as_str().unwrap().to_owned();
    let (status, devices) = host.call("station_devices", json!({}), Some(&key), None);
    assert_eq!(status, 200, "{devices}");
    assert_eq!((&devices["station"], &devices["scale_at"]), (&json!("Bench A"), &json!("station")));
    let (status, taken) =
        host.call("report_scale_reading", reading("Bench A", 860.0), Some(&key), None);
    assert_eq!(status, 200, "the station's own key is taken: {taken}");

    // An operator's session, even a manager's, is no station.
    let (status, refused) =
        host.call("report_scale_reading", reading("Bench A", 1.0), None, Some(&manager));
    assert_eq!((status, refused["code"].as_str()), (403, Some("forbidden")), "{refused}");
    // A forged key.
    let forged = "cd".repeat(32);
    let (status, refused) =
        host.call("report_scale_reading", reading("Bench A", 1.0), Some(&forged), None);
    assert_eq!((status, refused["code"].as_str()), (401, Some("not_paired")), "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("pair it again"), "{refused}");
    // A browser's key never feeds a scale.
    let code = host.code("Bench B")["code"].as_str().unwrap().to_owned();
    let (_, browser) =
        host.call("pair_station", json!({"code": code, "kind": "browser"}), None, None);
    let browser = browser["key"].as_str().unwrap().to_owned();
    let (status, refused) =
        host.call("report_scale_reading", reading("Bench B", 1.0), Some(&browser), None);
    assert_eq!((status, refused["code"].as_str()), (403, Some("forbidden")), "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("browser"), "{refused}");
    // A's key speaking for another station.
    let (status, refused) =
        host.call("report_scale_reading", reading("Bench B", 1.0), Some(&key), None);
    assert_eq!((status, refused["code"].as_str()), (403, Some("forbidden")), "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("Bench A"), "{refused}");

    // The board kept only A's own reading.
    let (_, seen) =
        host.call("read_station_scale", json!({"station": "Bench A"}), None, Some(&manager));
    assert_eq!(seen["status"]["grams"], 860.0, "{seen}");
    let (_, seen) =
        host.call("read_station_scale", json!({"station": "Bench B"}), None, Some(&manager));
    assert!(seen["status"].is_null(), "a refused reading reached the board: {seen}");

    // A scale the manager moves to the host takes no reading from the station any more.
    let mut at_host = scale_here("Bench A", &sim.device);
    at_host["scale_at"] = json!("host");
    host.call("save_station", at_host, None, Some(&manager));
    let (status, refused) =
        host.call("report_scale_reading", reading("Bench A", 1.0), Some(&key), None);
    assert_eq!((status, refused["code"].as_str()), (409, Some("conflict")), "{refused}");

    // Revoked: refused with pair again.
    host.call("revoke_station", json!({"station": "Bench A"}), None, Some(&manager));
    let (status, refused) =
        host.call("report_scale_reading", reading("Bench A", 1.0), Some(&key), None);
    assert_eq!((status, refused["code"].as_str()), (401, Some("not_paired")), "{refused}");
}

#[test]
fn a_station_stops_with_both_fingerprints_when_revoked_or_facing_another_host() {
    let host = LanHost::start();
    let sim = Sim::start(&["--protocol", "mt-sics", "--unit", "g", "--weight", "0"]);
    let manager = host.manager();
    host.call("save_station", scale_here("Bench A", &sim.device), None, Some(&manager));
    let mut station = Station::paired(&host, "Bench A");
    station.wait_line("connected: ");

    // A host with another certificate: the station refuses it and says why, with both.
    let dir = tempfile::tempdir().unwrap();
    let mut kept = StationFile::load(&station.key_file).unwrap();
    kept.fingerprint = "00".repeat(32);
    kept.save(&dir.path().join("station.json")).unwrap();
    let mut elsewhere = Station::start(&host, None, dir);
    let line = elsewhere.wait_line("wrong fingerprint: ");
    assert!(!elsewhere.wait_exit(), "it went on with another certificate");
    let said = elsewhere.seen.join("\n");
    assert!(said.contains(&host.fingerprint) && said.contains("0000 0000"), "{line}\n{said}");

    // Revoked: the running station stops for good and asks to pair again.
    let (status, _) =
        host.call("revoke_station", json!({"station": "Bench A"}), None, Some(&manager));
    assert_eq!(status, 200);
    let line = station.wait_line("revoked: ");
    assert!(line.contains("pair again"), "{line}");
    assert!(!station.wait_exit(), "a revoked station went on");

    // An expired pairing code pairs nothing, and no key is kept.
    let code = host.code("Bench C")["code"].as_str().unwrap().to_owned();
    expire_pairing_codes(host.db());
    let mut late = Station::start(&host, Some(&code), tempfile::tempdir().unwrap());
    assert!(!late.wait_exit(), "an expired code paired");
    assert!(late.seen.join("\n").contains("expired"), "{:?}", late.seen);
    assert!(!late.key_file.exists());
}

#[test]
fn after_the_host_is_killed_the_stations_come_back_and_a_replayed_write_counts_once() {
    let mut benches = two_benches(&["7101"]);
    let key_a = benches.stations[0].key();
    let at_a = Bench::sign_in(&benches.host, &benches.stations[0], "Bench A");
    let token = at_a.token.clone();
    benches.sims[0].control("weight 420");
    at_a.wait_stable(420.0);
    drop(at_a);

    // A delivery received with a request id; the host dies before the station hears back.
    let receive = json!({"product": "TEE-M", "qty": 3, "to": "RECEIVING"});
    let client = benches.host.client();
    let first = client
        .call_once("receive", &receive, Some(&key_a), Some(&token), Some("bench-a-receive-1"))
        .unwrap();
    assert_eq!(first.status, 200, "{}", first.body);
    benches.host.kill();
    for station in &mut benches.stations {
        station.wait_line("unreachable: ");
    }
    benches.host.restart();
    for station in &mut benches.stations {
        station.wait_line("connected: ");
    }
    // Readings arrive again by themselves, and the bench weighs on them.
    let at_a = Bench { host: &benches.host, key: key_a.clone(), token: token.clone() };
    benches.sims[0].control("weight 430");
    at_a.wait_stable(430.0);

    // The same request sent again after the restart is answered, not applied again.
    let again = benches
        .host
        .client()
        .call_once("receive", &receive, Some(&key_a), Some(&token), Some("bench-a-receive-1"))
        .unwrap();
    assert_eq!(again.body, first.body);
    let manager = benches.host.manager();
    let (_, found) =
        benches.host.call("lookup_product", json!({"code": "TEE-M"}), None, Some(&manager));
    assert_eq!(found["totals"]["on_hand"], 3, "{found}");
    let (ok, report) = db_check(&benches.host.hosted);
    assert!(ok, "{report}");
}

/// The first `data:` line of an event stream naming `what`, read on a thread of its own so a
/// silent stream fails the test at the deadline instead of hanging it.
fn first_event(stream: impl std::io::Read + Send + 'static, what: &'static str) -> Value {
    let (send, seen) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if let Some(data) = line.strip_prefix("data:")
                && data.contains(what)
            {
                let _ = send.send(serde_json::from_str::<Value>(data.trim()).unwrap());
                return;
            }
        }
    });
    seen.recv_timeout(DEADLINE).unwrap_or_else(|_| panic!("no event naming {what} came"))
}

#[test]
fn the_event_stream_opens_to_a_stations_key_and_to_browsers_but_not_to_a_forged_key() {
    let host = LanHost::start();
    let sim = Sim::start(&["--protocol", "mt-sics", "--unit", "g", "--weight", "0"]);
    let manager = host.manager();
    host.call("save_station", scale_here("Bench A", &sim.device), None, Some(&manager));
    let code = host.code("Bench A")["code"].as_str().unwrap().to_owned();
    let (_, paired) = host.call("pair_station", json!({"code": code}), None, None);
    let key = paired["key"].as_str().unwrap().to_owned();

    // The station's program with its key, and a browser's screen with none, both hear a reading.
    let client = host.client();
    let station = client.events(Some(&key)).expect("the station's key opens the stream");
    let browser = client.events(None).expect("a browser's screen opens the stream");
    let (status, taken) =
        host.call("report_scale_reading", reading("Bench A", 860.0), Some(&key), None);
    assert_eq!(status, 200, "{taken}");
    for stream in [station, browser] {
        let event = first_event(stream, "Bench A");
        assert_eq!((&event["type"], &event["status"]["grams"]), (&json!("scale"), &json!(860.0)));
    }

    // A forged key, and the key once revoked, are told to pair again.
    let refused = |key: &str| match client.events(Some(key)) {
        Ok(_) => panic!("the stream opened to a key the host does not know"),
        Err(error) => error.to_string(),
    };
    assert!(refused(&"cd".repeat(32)).contains("pair it again"));
    host.call("revoke_station", json!({"station": "Bench A"}), None, Some(&manager));
    assert!(refused(&key).contains("pair it again"));
}

/// `lp` and `lpstat` for a queue `BENCHQ` at the station's computer: `lp` keeps the document
/// in `printed.pdf` beside them and answers with a job id. Gives the PATH to run with.
fn printer_at_station(dir: &Path) -> String {
    use std::os::unix::fs::PermissionsExt;
    let printed = dir.join("printed.pdf");
    let scripts = [
        (
            "lpstat",
            "#!/bin/sh\necho \"printer BENCHQ is idle.  enabled since Sun 06 Dec 2026\"\n"
                .to_owned(),
        ),
        (
            "lp",
            format!(
                "#!/bin/sh\necho \"$@\" > {args}\ncat > {pdf}\necho \"request id is BENCHQ-7 (1 file(s))\"\n",
                args = dir.join("lp-args").display(),
                pdf = printed.display()
            ),
        ),
    ];
    for (name, script) in scripts {
        let path = dir.join(name);
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    format!("{}:{}", dir.display(), std::env::var("PATH").unwrap_or_default())
}

#[test]
fn a_slip_for_a_printer_at_the_station_is_rendered_by_the_host_and_printed_there() {
    let host = LanHost::start();
    orders_picked(&host, &["7201"]);
    let manager = host.manager();
    let (status, saved) = host.call(
        "save_station",
        json!({"name": "Bench A", "printer": "BENCHQ", "printer_at": "station"}),
        None,
        Some(&manager),
    );
    assert_eq!((status, &saved["printer_at"]), (200, &json!("station")), "{saved}");
    let code = host.code("Bench A")["code"].as_str().unwrap().to_owned();
    let tools = tempfile::tempdir().unwrap();
    let path = printer_at_station(tools.path());
    let mut station =
        Station::start_with(&host, Some(&code), tempfile::tempdir().unwrap(), &[("PATH", path)]);
    let line = station.wait_line("connected: ");
    assert!(line.contains("slips on BENCHQ here"), "{line}");

    let bench = Bench::sign_in(&host, &station, "Bench A");
    let (status, printed) = bench.call("print_slip", json!({"order": "7201"}));
    assert_eq!(status, 200, "{printed}");
    assert_eq!(
        (&printed["printer"], &printed["job_id"]),
        (&json!("BENCHQ at Bench A"), &json!("BENCHQ-7"))
    );
    let pdf = std::fs::read(tools.path().join("printed.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"), "the station printed what the host rendered");
    let args = std::fs::read_to_string(tools.path().join("lp-args")).unwrap();
    assert!(args.contains("-d BENCHQ") && args.contains("media="), "{args}");

    // Bin labels for the same printer take the same way, on the label stock's own paper.
    let (status, printed) = bench.call(
        "print_labels",
        json!({"kind": "bins", "stock": "roll-2.25x1.25", "from": BIN, "to": BIN}),
    );
    assert_eq!(status, 200, "{printed}");
    assert_eq!(printed["printer"], "BENCHQ at Bench A", "{printed}");
    let args = std::fs::read_to_string(tools.path().join("lp-args")).unwrap();
    assert!(
        args.contains("-d BENCHQ")
            && args.contains("-o media=w162h90")
            && args.contains("-o print-scaling=fit"),
        "{args}"
    );
    let pdf = std::fs::read(tools.path().join("printed.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"), "the station printed the labels the host rendered");

    // With the station's program gone, the packer hears so at once.
    drop(station);
    std::thread::sleep(Duration::from_secs(6));
    let (status, refused) = bench.call("print_slip", json!({"order": "7201"}));
    assert_eq!(status, 409, "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("not connected"), "{refused}");
}
