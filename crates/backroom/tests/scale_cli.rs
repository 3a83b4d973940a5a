//! `backroom scale` against the scale simulator on a pseudo-terminal: `read --json` for every
//! protocol, auto-detection, the failures a packer meets (overload, underload, motion, a silent
//! or unplugged scale), zero and tare, and `watch`. And against a USB HID scale made of a fake
//! sysfs tree and a packet-mode FIFO as its hidraw node (see `HidScale`).

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

const BACKROOM: &str = env!("CARGO_BIN_EXE_backroom");
const SIMULATOR: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/tools/scale-sim/scale-sim");

/// A scale simulator on a pty, driven through its stdin and reached through a fixed link.
struct Sim {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    link: PathBuf,
    dir: tempfile::TempDir,
}

impl Sim {
    fn start(protocol: &str, unit: &str, weight: &str) -> Sim {
        Sim::start_with(protocol, unit, weight, &[])
    }

    fn start_with(protocol: &str, unit: &str, weight: &str, more: &[&str]) -> Sim {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("scale");
        let mut child = Command::new(SIMULATOR)
            .args(["--protocol", protocol, "--unit", unit, "--weight", weight, "--exit-on-eof"])
            .args(more)
            .arg("--link")
            .arg(&link)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {SIMULATOR}: {e}"));
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    return;
                }
            }
        });
        let sim = Sim { child, stdin, lines, link, dir };
        // Dozens of simulators starting at once on a busy machine can take seconds to say hello.
        let device = sim.lines.recv_timeout(Duration::from_secs(30)).expect("no simulator");
        assert!(device.starts_with("/dev/"), "the simulator said {device:?}");
        sim
    }

    fn line(&self) -> String {
        self.lines.recv_timeout(Duration::from_secs(10)).expect("the simulator stopped answering")
    }

    /// Sends a control line and waits for its reply, skipping attach events.
    fn control(&mut self, command: &str) {
        writeln!(self.stdin, "{command}").unwrap();
        loop {
            let line = self.line();
            if !line.starts_with("event ") {
                assert!(line.starts_with("ok"), "`{command}` got {line:?}");
                return;
            }
        }
    }

    fn path(&self) -> &str {
        self.link.to_str().unwrap()
    }

    /// Runs `backroom scale ACTION --port LINK ARGS...` with a database path that must stay
    /// untouched.
    fn scale(&self, action: &str, args: &[&str]) -> Output {
        let db = self.dir.path().join("never").join("backroom.db");
        let output = Command::new(BACKROOM)
            .arg("--db")
            .arg(&db)
            .args(["scale", action, "--port", self.path()])
            .args(args)
            .output()
            .unwrap();
        assert!(!db.parent().unwrap().exists(), "`backroom scale` touched the database");
        output
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `scale read --json` and checks the one object it prints, field by field and in order.
fn read_json(protocol: &str, unit: &str, weight: &str, args: &[&str], grams: f64) {
    let sim = Sim::start(protocol, unit, weight);
    let mut all = vec!["--unit", unit, "--json", "--timeout-ms", "3000"];
    all.extend_from_slice(args);
    let output = sim.scale("read", &all);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let fields = ["grams", "unit", "value", "stable", "protocol"];
    assert_eq!(json.as_object().unwrap().len(), fields.len(), "{text}");
    let places: Vec<Option<usize>> =
        fields.iter().map(|field| text.find(&format!("\"{field}\": "))).collect();
    assert!(places.iter().all(Option::is_some) && places.is_sorted(), "{text}");
    assert!((json["grams"].as_f64().unwrap() - grams).abs() <= 0.05, "{text}");
    assert_eq!(json["unit"], unit, "{text}");
    assert_eq!(json["value"].as_f64().unwrap(), weight.parse::<f64>().unwrap(), "{text}");
    assert_eq!(json["stable"], true, "{text}");
    assert_eq!(json["protocol"], protocol, "{text}");
    assert!(text.starts_with(&format!("{{\"grams\": {}, \"unit\": ", json["grams"])), "{text}");
}

#[test]
fn read_json_mt_sics() {
    read_json("mt-sics", "kg", "1.25", &["--protocol", "mt-sics"], 1250.0);
}

#[test]
fn read_json_nci() {
    read_json("nci", "lb", "2.35", &["--protocol", "nci"], 1065.9);
}

#[test]
fn read_json_nci_scp12() {
    read_json("nci-scp12", "lb", "2.35", &["--protocol", "nci-scp12"], 1065.9);
}

#[test]
fn read_json_toledo_8217() {
    read_json("toledo-8217", "kg", "1.25", &["--protocol", "toledo-8217"], 1250.0);
}

#[test]
fn read_json_toledo_continuous() {
    read_json("toledo-continuous", "oz", "12.5", &["--protocol", "toledo-continuous"], 354.4);
}

#[test]
fn read_json_auto_detects_the_protocol() {
    read_json("nci-scp12", "lb", "4.1", &["--protocol", "auto"], 1859.7);
    read_json("toledo-continuous", "kg", "2.5", &[], 2500.0);
}

#[test]
fn read_without_json_prints_a_line_for_people() {
    let sim = Sim::start("nci", "lb", "2.35");
    let output = sim.scale("read", &["--protocol", "nci"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert_eq!(text.trim(), format!("2.35 lb (1065.9 g), stable, nci on {}", sim.path()));
}

/// Runs `scale read --timeout-ms TIMEOUT` after `control` and checks it fails with `message`.
fn read_fails(protocol: &str, control: &str, timeout: &str, message: &str) {
    let mut sim = Sim::start(protocol, "kg", "1.25");
    sim.control(control);
    let output = sim.scale("read", &["--protocol", protocol, "--json", "--timeout-ms", timeout]);
    assert!(!output.status.success(), "{}", stdout(&output));
    assert_eq!(stdout(&output), "", "nothing goes to stdout on failure");
    let error = stderr(&output);
    assert!(error.starts_with("error: ") && error.contains(message), "{error}");
}

#[test]
fn overload_fails_with_advice() {
    read_fails("mt-sics", "overload", "3000", "over capacity; take the load off");
    read_fails("toledo-8217", "overload", "3000", "over capacity");
    read_fails("toledo-continuous", "overload", "3000", "outside its range");
}

#[test]
fn underload_fails_with_advice() {
    read_fails("nci", "underload", "3000", "pan is off");
}

#[test]
fn a_moving_load_times_out() {
    read_fails(
        "nci-scp12",
        "motion on",
        "800",
        "did not settle within 800 ms; keep the package still",
    );
}

#[test]
fn a_silent_scale_times_out() {
    read_fails("toledo-continuous", "silence on", "500", "sent nothing readable in 500 ms");
    read_fails("mt-sics", "silence on", "500", "speaks mt-sics at 9600 8N1");
}

#[test]
fn an_unplugged_scale_fails_at_once() {
    let mut sim = Sim::start("nci", "lb", "2.35");
    sim.control("disconnect");
    let output = sim.scale("read", &["--protocol", "nci"]);
    assert!(!output.status.success());
    let error = stderr(&output);
    assert!(error.contains("cannot open the scale port"), "{error}");
    assert!(error.contains("backroom scale list"), "{error}");
}

#[test]
fn zero_and_tare() {
    let mut sim = Sim::start("mt-sics", "kg", "0.5");
    let output = sim.scale("zero", &["--protocol", "mt-sics"]);
    assert_eq!((stdout(&output).trim(), output.status.success()), ("zeroed", true));
    sim.control("weight 1.75");
    let output = sim.scale("tare", &["--protocol", "mt-sics"]);
    assert_eq!(stdout(&output).trim(), "tare taken: 1.25 kg", "{}", stderr(&output));
    let output = sim.scale("read", &["--protocol", "mt-sics", "--json"]);
    assert!(stdout(&output).contains("\"grams\": 0.0"), "{}", stdout(&output));
}

#[test]
fn an_unconfirmed_zero_shows_the_new_weight() {
    let sim = Sim::start("nci-scp12", "lb", "1.0");
    let output = sim.scale("zero", &["--protocol", "nci-scp12"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output).trim(),
        "sent; nci-scp12 scales do not confirm it, and this one now reads 0 lb"
    );
}

#[test]
fn a_missing_command_is_refused() {
    let sim = Sim::start("nci-scp12", "lb", "1.0");
    let output = sim.scale("tare", &["--protocol", "nci-scp12"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("nci-scp12 scales have no tare command"), "{output:?}");
}

#[test]
fn a_refused_zero_says_why() {
    let sim = Sim::start("toledo-8217", "kg", "10");
    let output = sim.scale("zero", &["--protocol", "toledo-8217"]);
    assert!(!output.status.success());
    let error = stderr(&output);
    assert!(error.contains("refused to zero: the load is too far from zero"), "{error}");
}

#[test]
fn watch_prints_json_lines() {
    let mut sim = Sim::start("toledo-continuous", "kg", "1.25");
    sim.control("motion on");
    let output = sim.scale("watch", &["--protocol", "toledo-continuous", "--count", "3"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let states: Vec<String> = text
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .map(|status| status["state"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(states, ["motion", "motion", "motion"], "{text}");
}

#[test]
fn list_names_the_ports_and_the_pty_caveat() {
    let output = Command::new(BACKROOM).args(["scale", "list"]).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("pseudo-terminals"), "{}", stderr(&output));
}

#[test]
fn an_unknown_protocol_lists_the_known_ones() {
    let output = Command::new(BACKROOM)
        .args(["scale", "read", "--port", "/dev/null", "--protocol", "toledo"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let error = stderr(&output);
    assert!(
        error.contains("use mt-sics, nci, nci-scp12, toledo-8217, toledo-continuous or hid-pos"),
        "{error}"
    );
}

/// Toledo 8213/8217 frames name no unit. Three decimals are how such a scale prints kilograms,
/// so a `scale read` that takes the scale for one in pounds is refused, never 1.235 lb.
#[test]
fn toledo_frames_that_rule_out_the_unit_are_refused() {
    let sim = Sim::start_with("toledo-8217", "kg", "1.235", &["--resolution", "0.005"]);
    let output = sim.scale("read", &["--protocol", "toledo-8217", "--unit", "lb"]);
    assert!(!output.status.success(), "{}", stdout(&output));
    let error = stderr(&output);
    assert!(error.contains("as a scale set to kg prints its weights"), "{error}");
    assert!(error.contains("--unit kg"), "{error}");
    assert_eq!(stdout(&output), "");
}

/// Two decimals are how pounds are printed, but also kilograms at a 0.01 kg division: read,
/// with a warning to check the unit.
#[test]
fn toledo_frames_in_doubt_are_read_with_a_warning() {
    let sim = Sim::start("toledo-8217", "lb", "4.65");
    let output = sim.scale("read", &["--protocol", "toledo-8217", "--unit", "kg"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("4.65 kg"), "{}", stdout(&output));
    let error = stderr(&output);
    assert!(error.contains("warning: the frames are shaped as a scale set to lb"), "{error}");
}

/// A USB HID scale without USB: a directory laid out as `/sys/class/hidraw` describes it, and
/// its "hidraw node" is a FIFO whose writer is in packet mode (`O_DIRECT`), so each report
/// written is one read, as on hidraw, and closing it reads as an unplug.
struct HidScale {
    dir: tempfile::TempDir,
    writer: Option<Child>,
}

/// The Pitney Bowes scale descriptor's data report: report 3, unsigned 16-bit weight.
const SCALE_DESCRIPTOR: &[u8] = &[
    0x05, 0x8D, 0x09, 0x20, 0xA1, 0x01, 0x09, 0x32, 0xA1, 0x02, 0x85, 0x03, 0x75, 0x08, 0x15, 0x01,
    0x09, 0x70, 0xA1, 0x02, 0x25, 0x08, 0x19, 0x71, 0x29, 0x78, 0x81, 0x00, 0xC0, 0x09, 0x50, 0xA1,
    0x02, 0x25, 0x0C, 0x19, 0x51, 0x29, 0x5C, 0x81, 0x00, 0xC0, 0x15, 0x81, 0x25, 0x7F, 0x09, 0x41,
    0x81, 0x02, 0x75, 0x10, 0x15, 0x00, 0x27, 0xFF, 0xFF, 0x00, 0x00, 0x09, 0x40, 0x81, 0x02, 0xC0,
    0xC0,
];

/// A keyboard's descriptor, as a barcode scanner's.
const KEYBOARD_DESCRIPTOR: &[u8] =
    &[0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x07, 0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0xC0];

/// Writes the hex report given as its second argument to the FIFO, in packet mode, every
/// 20 ms, to each reader in turn; with no report, holds the FIFO open and writes nothing, as a
/// scale that switched itself off.
const REPORT_WRITER: &str = "
import fcntl, os, sys, time
report = bytes.fromhex(sys.argv[2])
while True:
    fd = os.open(sys.argv[1], os.O_WRONLY)
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_DIRECT)
    if not report:
        time.sleep(60)
    try:
        while True:
            os.write(fd, report)
            time.sleep(0.02)
    except BrokenPipeError:
        # The reader closed: wait for the next one, as a scale stays on between programs.
        os.close(fd)
";

impl HidScale {
    /// A scanner on hidraw0 and a DYMO M10 on hidraw1 that keeps sending `report` (hex).
    fn start(report: &str) -> HidScale {
        let dir = tempfile::tempdir().unwrap();
        let mut scale = HidScale { dir, writer: None };
        scale.device("hidraw0", "0003:000005E0:00001200", "Symbol Scanner", KEYBOARD_DESCRIPTOR);
        scale.device("hidraw1", "0003:00000922:00008003", "DYMO M10 Scale", SCALE_DESCRIPTOR);
        let node = scale.dir.path().join("dev/hidraw1");
        let made = Command::new("mkfifo").arg(&node).status().unwrap();
        assert!(made.success());
        let writer = Command::new("python3")
            .args(["-c", REPORT_WRITER])
            .arg(&node)
            .arg(report)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        scale.writer = Some(writer);
        scale
    }

    fn device(&self, name: &str, id: &str, product: &str, descriptor: &[u8]) {
        let device = self.dir.path().join("class").join(name).join("device");
        std::fs::create_dir_all(&device).unwrap();
        std::fs::create_dir_all(self.dir.path().join("dev")).unwrap();
        std::fs::write(device.join("uevent"), format!("HID_ID={id}\nHID_NAME={product}\n"))
            .unwrap();
        std::fs::write(device.join("report_descriptor"), descriptor).unwrap();
        if name == "hidraw0" {
            std::fs::write(self.dir.path().join("dev").join(name), b"").unwrap();
        }
    }

    fn scale(&self, action: &str, args: &[&str]) -> Output {
        Command::new(BACKROOM)
            .args(["scale", action])
            .args(args)
            .env("BACKROOM_HIDRAW_SYSFS", self.dir.path().join("class"))
            .env("BACKROOM_HIDRAW_DEV", self.dir.path().join("dev"))
            .output()
            .unwrap()
    }
}

impl Drop for HidScale {
    fn drop(&mut self) {
        if let Some(mut writer) = self.writer.take() {
            let _ = writer.kill();
            let _ = writer.wait();
        }
    }
}

#[test]
fn list_shows_usb_scales_by_their_usage_page() {
    let scale = HidScale::start("030402006e03");
    let output = scale.scale("list", &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("hidraw1  hid  0922:8003 DYMO M10 Scale"), "{text}");
    assert!(!text.contains("Scanner"), "{text}");
}

#[test]
fn read_json_hid_pos_found_automatically() {
    // A DYMO in ounces: 7.8 oz in tenths.
    let scale = HidScale::start("03040bff4e00");
    let output = scale.scale("read", &["--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output).trim(),
        r#"{"grams": 221.1, "unit": "oz", "value": 7.8, "stable": true, "protocol": "hid-pos"}"#
    );
    assert!(stderr(&output).contains("found: hid-pos on "), "{}", stderr(&output));
    let by_ids = scale.scale("read", &["--port", "0922:8003", "--protocol", "hid-pos"]);
    assert!(by_ids.status.success(), "{}", stderr(&by_ids));
    assert!(stdout(&by_ids).starts_with("7.8 oz (221.1 g), stable, hid-pos on "));
}

#[test]
fn a_hid_scale_over_capacity_or_not_a_scale_is_an_error() {
    let asleep = HidScale::start("");
    let output = asleep.scale("read", &["--port", "auto", "--timeout-ms", "500"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("switched itself off"), "{}", stderr(&output));
    let scale = HidScale::start("03060cff7017");
    let output = scale.scale("read", &[]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("over capacity"), "{}", stderr(&output));
    let scanner = scale.dir.path().join("dev/hidraw0");
    let output = scale.scale("read", &["--port", scanner.to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("is not a scale"), "{}", stderr(&output));
}

#[test]
fn watch_follows_a_hid_scale() {
    let scale = HidScale::start("030402006e03");
    let output = scale.scale("watch", &["--count", "2"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let statuses: Vec<serde_json::Value> =
        stdout(&output).lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(statuses.len(), 2);
    for status in statuses {
        assert_eq!(
            (status["state"].as_str(), status["grams"].as_f64()),
            (Some("stable"), Some(878.0))
        );
        assert_eq!(status["protocol"], "hid-pos");
    }
}
