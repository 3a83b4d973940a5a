//! A paired station's own devices, run on the station's computer: the agent asks the host
//! which scale and printer are attached here, opens the scale's port with the same monitor the
//! host uses for its own scales, and sends every reading to the host with the station key,
//! where it lands on the scale board the weight audit reads. A Zero or Tare key pressed at the
//! bench comes back in the answer to a reading; the agent presses it on the scale here and
//! reports what the scale did. Slips and labels the host renders for this station's printer
//! are taken from the host and sent to the CUPS queue here.
//!
//! The agent keeps going by itself: it reads the station's settings again every few seconds
//! (a manager may move the scale), reconnects with a growing pause while the host is
//! unreachable, and stops for good only when the host is not the one paired with (a different
//! certificate) or no longer knows the key (revoked): both need a person, and pairing again.
//!
//! `backroom station` runs it without a window; the desktop app embeds the same agent.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use backroom_api::admin::stations::{DeviceAt, StationDevices};
use backroom_api::devices::board::{KeyDone, KeyPress, StationPrintJob, WaitingPrintJob, due};
use backroom_api::devices::scale_port::{
    MonitorOptions, PortSettings, ScaleMonitor, ScaleSettings, ScaleStatus,
};
use backroom_api::devices::scales::{KEY_WAIT, ReadingTaken};
use serde::Serialize;
use serde_json::{Value, json};

use crate::pairing_client::{self, HostClient, PairError, StationFile};

/// How often the station's settings are read again, so a change a manager saves reaches the
/// station within this.
const SETTINGS_EVERY: Duration = Duration::from_secs(2);

/// The longest the host goes without a reading from a watched scale: a steady scale's last
/// status is sent again, so the host can tell a quiet scale from a station gone away.
const HEARTBEAT: Duration = Duration::from_secs(1);

/// How often the agent asks the host for slips waiting for its printer (at once, too, when a
/// reading's answer says one waits).
const PRINTS_EVERY: Duration = Duration::from_secs(1);

/// How long the agent waits for the scale between its other duties.
const TICK: Duration = Duration::from_millis(100);

/// The first and the longest pause between two tries to reach the host.
const FIRST_RETRY: Duration = Duration::from_millis(500);
const LONGEST_RETRY: Duration = Duration::from_secs(8);

/// How the station stands with its host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Link {
    /// Starting: the host has not answered yet.
    Connecting,
    /// The host answered and takes the scale's readings.
    Connected,
    /// The host does not answer; the agent tries again by itself.
    Unreachable,
    /// The host shows another certificate than the one paired with: stopped for good.
    WrongFingerprint,
    /// The host no longer knows this station's key: stopped for good, pair again.
    Revoked,
    /// The host refuses this station's program (a key paired for a browser): stopped for good.
    Refused,
}

/// The agent's state, for a status line or a screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgentState {
    pub link: Link,
    /// What the person at the station reads.
    pub message: String,
}

impl AgentState {
    /// Whether the agent stopped for good and needs a person.
    pub fn stopped(&self) -> bool {
        matches!(self.link, Link::WrongFingerprint | Link::Revoked | Link::Refused)
    }
}

/// A station's devices at work until dropped.
pub struct StationAgent {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

struct Shared {
    stop: AtomicBool,
    state: Mutex<AgentState>,
}

impl Shared {
    fn set(&self, link: Link, message: impl Into<String>) {
        let state = AgentState { link, message: message.into() };
        *self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = state;
    }

    fn stopping(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

impl StationAgent {
    /// Starts the station's devices with the key kept in `file`, on a thread of their own.
    pub fn start(file: StationFile) -> StationAgent {
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            state: Mutex::new(AgentState {
                link: Link::Connecting,
                message: format!("connecting to the host at {}", file.host),
            }),
        });
        let agent = Agent {
            file,
            shared: Arc::clone(&shared),
            client: None,
            scale: None,
            printer: None,
            last: None,
            next_print: Instant::now(),
            keys_done: mpsc::channel(),
        };
        let thread = std::thread::Builder::new()
            .name("station devices".into())
            .spawn(move || agent.run())
            .expect("the OS refused to start a thread for the station's devices");
        StationAgent { shared, thread: Some(thread) }
    }

    /// How the station stands with its host now.
    pub fn state(&self) -> AgentState {
        self.shared.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }
}

impl Drop for StationAgent {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What the scale did with the key of this id.
type KeyAnswer = (u64, KeyDone);

/// Why the agent left its connected loop.
enum Halt {
    /// The host could not be reached: try again.
    Unreachable(String),
    /// Nothing more to do until a person acts.
    Final(Link, String),
}

/// The scale at this computer, opened with its settings, and the statuses it reports.
struct LocalScale {
    settings: ScaleSettings,
    monitor: ScaleMonitor,
    statuses: Receiver<ScaleStatus>,
}

struct Agent {
    file: StationFile,
    shared: Arc<Shared>,
    client: Option<HostClient>,
    scale: Option<LocalScale>,
    /// The CUPS queue at this computer the host's slips for this station go to.
    printer: Option<String>,
    /// The last status sent and when it was made, for the heartbeat.
    last: Option<(ScaleStatus, Instant)>,
    /// When to ask the host for slips next.
    next_print: Instant,
    /// What the scale did with the keys handed to it, to report to the host: the scale answers
    /// on a thread of its own, so readings keep flowing while it zeroes.
    keys_done: (mpsc::Sender<KeyAnswer>, Receiver<KeyAnswer>),
}

impl Agent {
    fn run(mut self) {
        let mut pause = FIRST_RETRY;
        while !self.shared.stopping() {
            match self.connected() {
                Ok(()) => return,
                Err(Halt::Final(link, message)) => {
                    self.scale = None;
                    self.shared.set(link, message);
                    return;
                }
                Err(Halt::Unreachable(reason)) => {
                    let state = self.shared.state.lock().map(|s| s.link).ok();
                    if state == Some(Link::Connected) {
                        pause = FIRST_RETRY;
                    }
                    self.shared.set(
                        Link::Unreachable,
                        format!("host unreachable, reconnecting: {reason}"),
                    );
                    self.sleep(pause);
                    pause = (pause * 2).min(LONGEST_RETRY);
                }
            }
        }
    }

    /// Works with the host until it goes away, the agent is stopped (`Ok`), or a person must act.
    fn connected(&mut self) -> Result<(), Halt> {
        self.refresh_devices()?;
        let mut next_settings = Instant::now() + SETTINGS_EVERY;
        while !self.shared.stopping() {
            self.forward_readings()?;
            self.report_keys()?;
            if Instant::now() >= next_settings {
                self.refresh_devices()?;
                next_settings = Instant::now() + SETTINGS_EVERY;
            }
            if Instant::now() >= self.next_print {
                self.print_waiting_jobs()?;
            }
        }
        Ok(())
    }

    /// Reads this station's settings from the host and opens or closes the scale to match.
    fn refresh_devices(&mut self) -> Result<(), Halt> {
        let body = self.call("station_devices", &json!({}))?;
        let devices: StationDevices = serde_json::from_value(body)
            .map_err(|e| Halt::Unreachable(format!("the host's answer did not read: {e}")))?;
        self.apply(&devices);
        self.printer = devices.printer.clone().filter(|_| devices.printer_at == DeviceAt::Station);
        // The host takes a station that has not asked for slips to be away, so it asks before
        // anyone at the bench is told this computer is connected.
        self.print_waiting_jobs()?;
        self.shared.set(Link::Connected, connected_message(&self.file.host, &devices));
        Ok(())
    }

    /// Opens the scale the settings put at this computer, closing one they no longer name.
    fn apply(&mut self, devices: &StationDevices) {
        let wanted = match (&devices.scale, devices.scale_at) {
            (Some(scale), DeviceAt::Station) if !scale.port.trim().is_empty() => Some(scale),
            _ => None,
        };
        if self.scale.as_ref().map(|s| &s.settings) == wanted {
            return;
        }
        // The old monitor lets go of the port before a new one opens it.
        self.scale = None;
        self.last = None;
        let Some(settings) = wanted else { return };
        match PortSettings::from_station(settings) {
            Ok(port) => self.scale = Some(open_scale(settings.clone(), port)),
            Err(error) => eprintln!("the scale at this station cannot be opened: {error}"),
        }
    }

    /// Sends the newest status of the scale, or the last one again once a second; waits up to
    /// [`TICK`] for one.
    fn forward_readings(&mut self) -> Result<(), Halt> {
        let Some(scale) = &self.scale else {
            self.sleep(TICK);
            return Ok(());
        };
        let newest = match scale.statuses.recv_timeout(TICK) {
            Ok(first) => Some(scale.statuses.try_iter().last().unwrap_or(first)),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => {
                self.scale = None;
                return Ok(());
            }
        };
        let status = match (newest, &self.last) {
            (Some(status), _) => (status, Instant::now()),
            (None, Some((last, made))) if made.elapsed() >= HEARTBEAT => {
                (aged(last, made.elapsed()), Instant::now())
            }
            (None, _) => return Ok(()),
        };
        let req = json!({"station": self.file.station, "status": status.0});
        self.last = Some(status);
        match self.call("report_scale_reading", &req) {
            Ok(body) => {
                let taken: ReadingTaken = serde_json::from_value(body).map_err(|e| {
                    Halt::Unreachable(format!("the host's answer did not read: {e}"))
                })?;
                if let Some(key) = taken.key {
                    self.press(key);
                }
                if taken.slip_waiting { self.print_waiting_jobs() } else { Ok(()) }
            }
            // A reading refused as no longer this station's to send: the settings changed.
            Err(Halt::Unreachable(reason)) if reason.starts_with(REFUSED) => self.refresh_devices(),
            Err(halt) => Err(halt),
        }
    }

    /// Presses a key from the bench on the scale here, on a thread of its own; what the scale
    /// did goes to the host with [`Agent::report_keys`].
    fn press(&self, key: KeyPress) {
        let done = self.keys_done.0.clone();
        let Some(scale) = &self.scale else {
            let _ = done.send((key.id, KeyDone::NotConnected));
            return;
        };
        let remote = scale.monitor.remote();
        std::thread::spawn(move || {
            let answer = KeyDone::from_port(remote.command(key.key.command(), KEY_WAIT));
            let _ = done.send((key.id, answer));
        });
    }

    /// Tells the host what the scale did with the keys it was handed.
    fn report_keys(&mut self) -> Result<(), Halt> {
        while let Ok((id, done)) = self.keys_done.1.try_recv() {
            self.call("finish_scale_key", &json!({"id": id, "done": done}))?;
        }
        Ok(())
    }

    /// Prints the slips the host keeps for this station's printer here, and tells it how each
    /// went: the packer at this station waits for that answer.
    fn print_waiting_jobs(&mut self) -> Result<(), Halt> {
        let Some(queue) = self.printer.clone() else { return Ok(()) };
        self.next_print = Instant::now() + PRINTS_EVERY;
        loop {
            let body = self.call("take_print_job", &json!({}))?;
            let waiting: WaitingPrintJob = serde_json::from_value(body)
                .map_err(|e| Halt::Unreachable(format!("the host's answer did not read: {e}")))?;
            let Some(job) = waiting.job else { return Ok(()) };
            let req = match print_job(&queue, &job) {
                Ok(job_id) => json!({"id": job.id, "job_id": job_id}),
                Err(error) => json!({"id": job.id, "error": error}),
            };
            self.call("finish_print_job", &req)?;
        }
    }

    /// Runs a command on the host with the station key, mapping what went wrong to what the
    /// agent does next.
    fn call(&mut self, name: &str, req: &Value) -> Result<Value, Halt> {
        if self.client.is_none() {
            let client = self.file.client().map_err(|e| Halt::Unreachable(e.to_string()))?;
            self.client = Some(client);
        }
        let client = self.client.as_ref().expect("made above");
        match client.call(name, req, Some(&self.file.key), None) {
            Ok(reply) if reply.status == 200 => Ok(reply.body),
            Ok(reply) => Err(refusal(reply.status, &reply.body)),
            Err(error @ PairError::WrongFingerprint { .. }) => {
                Err(Halt::Final(Link::WrongFingerprint, error.to_string()))
            }
            Err(error) => {
                // A broken connection is made afresh on the next try.
                self.client = None;
                Err(Halt::Unreachable(error.to_string()))
            }
        }
    }

    /// Sleeps `pause`, waking early when the agent is stopped.
    fn sleep(&self, pause: Duration) {
        let until = Instant::now() + pause;
        while !self.shared.stopping() {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            std::thread::sleep(left.min(TICK));
        }
    }
}

/// How a refusal the host sent with `status` starts, when it is neither a lost key nor a
/// browser's: the agent reads its settings again and carries on.
const REFUSED: &str = "the host refused: ";

fn refusal(status: u16, body: &Value) -> Halt {
    let message = body["message"].as_str().unwrap_or("no reason given").to_owned();
    match (status, body["code"].as_str()) {
        (401, _) => Halt::Final(
            Link::Revoked,
            format!("the host no longer knows this station ({message}); pair again"),
        ),
        (403, _) => Halt::Final(Link::Refused, message),
        _ => Halt::Unreachable(format!("{REFUSED}{message}")),
    }
}

/// The connected state's line: the station, and where its devices are.
fn connected_message(host: &str, devices: &StationDevices) -> String {
    let scale = match (&devices.scale, devices.scale_at) {
        (Some(scale), DeviceAt::Station) => format!("its scale on {} here", scale.port.trim()),
        (Some(_), DeviceAt::Host) => "its scale at the host".to_owned(),
        (None, _) => "no scale".to_owned(),
    };
    let printer = match (&devices.printer, devices.printer_at) {
        (Some(queue), DeviceAt::Station) => format!("slips on {queue} here"),
        (Some(queue), DeviceAt::Host) => format!("slips on {queue} at the host"),
        (None, _) => "no printer".to_owned(),
    };
    format!("connected to {host} as {}: {scale}, {printer}", devices.station)
}

/// Opens the scale with the host's own monitor and throttle: every reading is reported, one
/// per state change and at most twenty a second within a state.
fn open_scale(settings: ScaleSettings, port: PortSettings) -> LocalScale {
    let (send, statuses) = mpsc::channel();
    let options = MonitorOptions { every_reading: true, ..MonitorOptions::default() };
    let mut last = None;
    let monitor = ScaleMonitor::start(port, options, move |status: ScaleStatus| {
        let now = Instant::now();
        if due(last, status.state, now) {
            last = Some((status.state, now));
            let _ = send.send(status);
        }
    });
    LocalScale { settings, monitor, statuses }
}

/// A status sent again `since` after it was made, its age brought up to now.
fn aged(status: &ScaleStatus, since: Duration) -> ScaleStatus {
    let since = u64::try_from(since.as_millis()).unwrap_or(u64::MAX);
    let mut status = status.clone();
    status.age_ms = status.age_ms.map(|age| age.saturating_add(since));
    status
}

/// Sends a slip's PDF to `queue` here with `lp`, with the options the host chose for its paper;
/// gives the CUPS job id.
fn print_job(queue: &str, job: &StationPrintJob) -> Result<String, String> {
    use base64::Engine;
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(&job.pdf_base64)
        .map_err(|e| format!("the document sent by the host did not decode: {e}"))?;
    let printed = backroom_api::devices::printing::print_station_job(queue, job, &pdf)
        .map_err(|e| e.message)?;
    Ok(printed.job_id)
}

/// Why `backroom station` could not start.
#[derive(Debug, thiserror::Error)]
pub enum StationError {
    #[error(
        "this computer is not paired with a host yet ({}): give the pairing code a manager \
         made for it with --code",
        path.display()
    )]
    NotPaired { path: PathBuf },
    #[error("{0}")]
    Pair(#[from] PairError),
    /// The agent stopped for good; the message says why and what to do.
    #[error("{0}")]
    Stopped(String),
}

/// The station this computer is, from `key_file`; paired first with `code` when one is given
/// (a new code pairs again) or when the file does not exist yet.
pub fn paired_station(
    host: &str,
    code: Option<&str>,
    fingerprint: Option<&str>,
    key_file: &Path,
    confirm: impl FnOnce(&str) -> bool,
) -> Result<StationFile, StationError> {
    match code {
        Some(code) => {
            let file = pairing_client::pair(host, code, fingerprint, confirm)?;
            file.save(key_file)?;
            Ok(file)
        }
        None if key_file.exists() => Ok(StationFile::load(key_file)?),
        None => Err(StationError::NotPaired { path: key_file.to_owned() }),
    }
}

/// `backroom station`: pairs on first use, then runs the agent until Ctrl-C, one line per
/// change of state on standard output. Fails when the agent stops for good.
pub fn headless(
    host: &str,
    code: Option<&str>,
    fingerprint: Option<&str>,
    key_file: Option<PathBuf>,
) -> Result<(), StationError> {
    let key_file = key_file.unwrap_or_else(pairing_client::station_file_path);
    let confirm = |seen: &str| {
        eprintln!("The host at {host} shows the certificate fingerprint\n  {seen}");
        eprint!("Is this the fingerprint the host's screen shows? Type yes to pair: ");
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer).is_ok() && answer.trim().eq_ignore_ascii_case("yes")
    };
    let mut file = paired_station(host, code, fingerprint, &key_file, confirm)?;
    // The certificate's fingerprint is what identifies the host; its address may change.
    file.host = host.trim_end_matches('/').to_owned();
    let stop = Arc::new(AtomicBool::new(false));
    stop_on_ctrl_c(Arc::clone(&stop));
    let ended = run_until(file, &stop, |state| {
        println!("{}: {}", link_word(state.link), state.message);
    });
    if ended.stopped() { Err(StationError::Stopped(ended.message)) } else { Ok(()) }
}

/// The state's first word on a status line.
fn link_word(link: Link) -> &'static str {
    match link {
        Link::Connecting => "connecting",
        Link::Connected => "connected",
        Link::Unreachable => "unreachable",
        Link::WrongFingerprint => "wrong fingerprint",
        Link::Revoked => "revoked",
        Link::Refused => "refused",
    }
}

/// Sets `stop` when the person presses Ctrl-C (or the process is asked to end).
fn stop_on_ctrl_c(stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
            return;
        };
        if runtime.block_on(tokio::signal::ctrl_c()).is_ok() {
            stop.store(true, Ordering::Relaxed);
        }
    });
}

/// Runs the agent until `stop` is set or it stops for good, handing each new state to
/// `tell`. Gives the state it ended in.
pub fn run_until(
    file: StationFile,
    stop: &AtomicBool,
    mut tell: impl FnMut(&AgentState),
) -> AgentState {
    let agent = StationAgent::start(file);
    let mut told: Option<AgentState> = None;
    loop {
        let state = agent.state();
        if told.as_ref() != Some(&state) {
            tell(&state);
            told = Some(state.clone());
        }
        if state.stopped() || stop.load(Ordering::Relaxed) {
            return state;
        }
        std::thread::sleep(TICK);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_key_and_a_browsers_key_stop_the_agent_and_other_refusals_do_not() {
        let body = |code: &str| json!({"code": code, "message": "pair it again"});
        let Halt::Final(link, message) = refusal(401, &body("not_paired")) else {
            panic!("a lost key went on")
        };
        assert_eq!(link, Link::Revoked);
        assert!(message.contains("pair again"), "{message}");
        assert!(matches!(refusal(403, &body("forbidden")), Halt::Final(Link::Refused, _)));
        let Halt::Unreachable(reason) = refusal(409, &body("conflict")) else {
            panic!("a refused reading stopped the agent")
        };
        assert!(reason.starts_with(REFUSED), "{reason}");
    }

    #[test]
    fn the_connected_line_says_where_each_device_is() {
        let devices = StationDevices {
            station: "Bench 2".into(),
            scale: Some(ScaleSettings {
                port: "/dev/ttyUSB0".into(),
                protocol: "mt-sics".into(),
                baud: 9600,
                data_bits: 8,
                parity: "none".into(),
                stop_bits: 1,
            }),
            scale_at: DeviceAt::Station,
            printer: Some("Zebra".into()),
            printer_at: DeviceAt::Host,
        };
        assert_eq!(
            connected_message("https://10.0.0.2:7878", &devices),
            "connected to https://10.0.0.2:7878 as Bench 2: its scale on /dev/ttyUSB0 here, \
             slips on Zebra at the host"
        );
    }
}
