//! The scale simulator (`shared/tools/scale-sim`) on a real pseudo-terminal, driven through
//! its stdin as a person at a test bench would.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use backroom_core::scale::Protocol;
use backroom_core::weight::WeightUnit;

pub const SIMULATOR: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/tools/scale-sim/scale-sim");

/// Long enough for a reply on a loaded machine; a passing test never waits this long.
const DEADLINE: Duration = Duration::from_secs(10);

/// Dozens of simulators starting at once on a busy machine can take seconds to say hello.
const START_DEADLINE: Duration = Duration::from_secs(30);

/// A scale simulator on a pty, driven through its stdin.
pub struct Sim {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    link: PathBuf,
    _dir: tempfile::TempDir,
}

impl Sim {
    /// A simulator speaking `protocol`, weighing in `unit`, showing `start` units.
    pub fn start(protocol: Protocol, unit: WeightUnit, start: f64) -> Sim {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("scale");
        let mut child = Command::new(SIMULATOR)
            .args(["--protocol", protocol.name(), "--unit", unit.symbol()])
            .args(["--weight", &start.to_string(), "--seed", "7", "--exit-on-eof"])
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
        let sim = Sim { child, stdin, lines, link, _dir: dir };
        let device = sim.lines.recv_timeout(START_DEADLINE).expect("the simulator did not start");
        assert!(device.starts_with("/dev/"), "the simulator said {device:?}");
        sim
    }

    pub fn line(&self) -> String {
        self.lines.recv_timeout(DEADLINE).expect("the simulator stopped answering")
    }

    /// Sends a control line and returns the reply, skipping attach events.
    pub fn control(&mut self, command: &str) -> String {
        writeln!(self.stdin, "{command}").unwrap();
        loop {
            let line = self.line();
            if line.starts_with("event ") {
                continue;
            }
            assert!(line.starts_with("ok"), "`{command}` got {line:?}");
            return line;
        }
    }

    pub fn path(&self) -> String {
        self.link.to_string_lossy().into_owned()
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
