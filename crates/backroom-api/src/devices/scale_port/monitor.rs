//! A thread per scale: it keeps the port open (opening it again when the device comes back),
//! reports what the scale shows as [`ScaleStatus`] updates, and carries out zero and tare.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use backroom_core::scale::{Command, Protocol, REPLY_TIMEOUT, Range, Reading, ScaleEvent};
use backroom_core::weight::WeightUnit;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::port::answer;
use super::{
    CommandName, CommandOutcome, PortSettings, ScalePort, ScalePortError, millis, round_grams,
};

/// The longest the thread waits on the port before it looks at its commands again, so zero,
/// tare and stop are carried out without a noticeable delay.
const POLL_WAIT: Duration = Duration::from_millis(50);

/// An unchanged status is sent again this often, so a screen sees the age of the reading grow
/// and knows the monitor is alive.
const HEARTBEAT: Duration = Duration::from_secs(1);

/// The least time without a report before a USB scale counts as asleep. HID scales stream
/// reports several times a second while on, but some refresh only every second or two.
pub const HID_SLEEP: Duration = Duration::from_secs(3);

/// How the monitor watches its scale.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitorOptions {
    /// No readable frame for this long makes the scale [`ScaleState::Silent`]; no report for
    /// this long, and at least [`HID_SLEEP`], makes a USB scale [`ScaleState::Asleep`].
    pub silence: Duration,
    /// How often to try opening a port that is gone or would not open.
    pub retry: Duration,
    /// Send a status for every reading. Otherwise a status goes out when the state or the weight
    /// changes, and once a second while nothing does.
    pub every_reading: bool,
}

impl Default for MonitorOptions {
    fn default() -> MonitorOptions {
        MonitorOptions {
            silence: Duration::from_secs(1),
            retry: Duration::from_millis(500),
            every_reading: false,
        }
    }
}

/// What a scale shows, in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ScaleState {
    /// A settled weight, fit for a weight check.
    Stable,
    /// The load is moving; the weight shown is not final.
    Motion,
    /// Over capacity.
    Over,
    /// Under zero, or the pan is off.
    Under,
    /// Over or under; Toledo continuous output does not say which.
    OutOfRange,
    /// The scale reports an internal error.
    Fault,
    /// The port is open but the scale sends nothing readable: switched off, cable pulled
    /// between scale and adapter, or the wrong protocol or baud rate.
    Silent,
    /// The port is gone or will not open: the adapter is unplugged or the path is wrong.
    Offline,
    /// A USB scale is plugged in but sends no reports: it switched itself off, as DYMO scales
    /// do after about three minutes. It comes back at a key press or a load.
    Asleep,
}

/// One update about a scale, as screens receive it (and as a station's computer sends it to
/// the host).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ScaleStatus {
    pub state: ScaleState,
    pub protocol: Protocol,
    /// The weight in grams, rounded to a tenth, while the scale shows one (stable or in motion).
    pub grams: Option<f64>,
    /// The weight exactly as the scale sent it, in `unit`.
    pub value: Option<f64>,
    pub unit: Option<WeightUnit>,
    /// Whether a tare is subtracted, where the scale says.
    pub net: Option<bool>,
    /// How old the last reading was when this status was made, in milliseconds; null before
    /// the first reading. For a silent or offline scale this is the time since it was last heard.
    pub age_ms: Option<u64>,
    /// Why the scale is silent, asleep or offline, or a doubt about its unit, for people.
    pub detail: Option<String>,
}

impl ScaleStatus {
    /// The status a reading shows, or `None` for a reading that says nothing about the load
    /// (a status frame with no weight and no flag set).
    pub fn from_reading(reading: &Reading, now: Instant) -> Option<ScaleStatus> {
        let state = match reading.range {
            Range::Over => ScaleState::Over,
            Range::Under => ScaleState::Under,
            Range::OutOfRange => ScaleState::OutOfRange,
            Range::InRange if reading.fault => ScaleState::Fault,
            Range::InRange if reading.motion => ScaleState::Motion,
            Range::InRange if reading.weight.is_some() => ScaleState::Stable,
            Range::InRange => return None,
        };
        let weight =
            reading.weight.filter(|_| matches!(state, ScaleState::Stable | ScaleState::Motion));
        Some(ScaleStatus {
            state,
            protocol: reading.protocol,
            grams: weight.map(|weight| round_grams(weight.grams)),
            value: weight.map(|weight| weight.value),
            unit: weight.map(|weight| weight.unit),
            net: reading.net,
            age_ms: Some(millis(now.saturating_duration_since(reading.at))),
            detail: None,
        })
    }

    fn without_reading(
        state: ScaleState,
        protocol: Protocol,
        heard: Option<Instant>,
        detail: String,
    ) -> ScaleStatus {
        ScaleStatus {
            state,
            protocol,
            grams: None,
            value: None,
            unit: None,
            net: None,
            age_ms: heard.map(|heard| millis(heard.elapsed())),
            detail: Some(detail),
        }
    }
}

type Reply = Sender<Result<CommandOutcome, ScalePortError>>;

enum Control {
    Command(Command, Reply),
    Stop,
}

/// Watches one scale on its own thread until stopped or dropped.
#[derive(Debug)]
pub struct ScaleMonitor {
    control: Sender<Control>,
    protocol: Protocol,
    thread: Option<JoinHandle<()>>,
}

/// Sends zero and tare to a monitor's scale: the monitor's thread writes the bytes the core
/// builds and hands back the scale's answer.
#[derive(Debug, Clone)]
pub struct ScaleRemote {
    control: Sender<Control>,
    protocol: Protocol,
}

impl ScaleRemote {
    /// The protocol the scale speaks, which decides whether it takes a command over the cable.
    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// Sends `command` and waits up to `timeout` for the scale's answer.
    pub fn command(
        &self,
        command: Command,
        timeout: Duration,
    ) -> Result<CommandOutcome, ScalePortError> {
        let (reply, answer) = mpsc::channel();
        self.control.send(Control::Command(command, reply)).map_err(|_| ScalePortError::Stopped)?;
        match answer.recv_timeout(timeout) {
            Ok(result) => result,
            Err(RecvTimeoutError::Timeout) => Err(ScalePortError::NoAnswer {
                command: CommandName(command),
                waited_ms: millis(timeout),
            }),
            Err(RecvTimeoutError::Disconnected) => Err(ScalePortError::Stopped),
        }
    }
}

impl ScaleMonitor {
    /// Starts watching the scale described by `settings`, handing every update to `publish` on
    /// the monitor's thread. `publish` should return quickly: forward the status to a channel
    /// or an event stream.
    pub fn start(
        settings: PortSettings,
        options: MonitorOptions,
        publish: impl FnMut(ScaleStatus) + Send + 'static,
    ) -> ScaleMonitor {
        ScaleMonitor::start_with(settings, options, ScalePort::open, publish)
    }

    /// [`ScaleMonitor::start`] with `open` in place of [`ScalePort::open`], called each time the
    /// scale is to be opened: tests hand it scripted devices, and an unplug and a replug.
    pub(crate) fn start_with(
        settings: PortSettings,
        options: MonitorOptions,
        open: impl FnMut(&PortSettings) -> Result<ScalePort, ScalePortError> + Send + 'static,
        publish: impl FnMut(ScaleStatus) + Send + 'static,
    ) -> ScaleMonitor {
        let (control, commands) = mpsc::channel();
        let name = format!("scale {}", settings.path);
        let protocol = settings.protocol;
        let worker = Worker {
            settings,
            options,
            commands,
            open,
            publish,
            last: None,
            last_reading: None,
            pending: Vec::new(),
        };
        let thread = std::thread::Builder::new()
            .name(name)
            .spawn(move || worker.run())
            .expect("the OS refused to start a thread for the scale");
        ScaleMonitor { control, protocol, thread: Some(thread) }
    }

    /// Zeroes the scale, waiting up to `timeout` for its answer.
    pub fn zero(&self, timeout: Duration) -> Result<CommandOutcome, ScalePortError> {
        self.command(Command::Zero, timeout)
    }

    /// Takes the load on the scale as the tare, waiting up to `timeout` for its answer.
    pub fn tare(&self, timeout: Duration) -> Result<CommandOutcome, ScalePortError> {
        self.command(Command::Tare, timeout)
    }

    pub fn clear_tare(&self, timeout: Duration) -> Result<CommandOutcome, ScalePortError> {
        self.command(Command::ClearTare, timeout)
    }

    /// Sends `command` (zero, tare or clear tare) and waits up to `timeout` for the answer.
    pub fn command(
        &self,
        command: Command,
        timeout: Duration,
    ) -> Result<CommandOutcome, ScalePortError> {
        self.remote().command(command, timeout)
    }

    /// A handle that sends commands to this monitor's scale from another thread, such as a
    /// packer's Zero key; it fails with [`ScalePortError::Stopped`] once the monitor is gone.
    pub fn remote(&self) -> ScaleRemote {
        ScaleRemote { control: self.control.clone(), protocol: self.protocol }
    }

    /// Stops the thread and closes the port.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        let _ = self.control.send(Control::Stop);
        if let Some(thread) = self.thread.take() {
            // A panic in `publish` already ended the thread; there is nothing left to stop.
            let _ = thread.join();
        }
    }
}

impl Drop for ScaleMonitor {
    fn drop(&mut self) {
        self.shut_down();
    }
}

/// Why watching an open port ended.
enum End {
    Stop,
    Lost(ScalePortError),
}

struct Worker<O, F> {
    settings: PortSettings,
    options: MonitorOptions,
    commands: Receiver<Control>,
    open: O,
    publish: F,
    /// The last status sent and when.
    last: Option<(ScaleStatus, Instant)>,
    /// When the last reading arrived, on this port or an earlier one.
    last_reading: Option<Instant>,
    /// Commands sent and awaiting the scale's answer.
    pending: Vec<(Command, Reply, Instant)>,
}

impl<O, F> Worker<O, F>
where
    O: FnMut(&PortSettings) -> Result<ScalePort, ScalePortError>,
    F: FnMut(ScaleStatus),
{
    fn run(mut self) {
        loop {
            let end = match (self.open)(&self.settings) {
                Ok(port) => self.watch(port),
                Err(error) => End::Lost(error),
            };
            match end {
                End::Stop => return,
                End::Lost(error) => {
                    self.fail_pending();
                    self.quiet(ScaleState::Offline, error.to_string());
                    if self.wait_offline(self.options.retry) {
                        return;
                    }
                }
            }
        }
    }

    fn watch(&mut self, mut port: ScalePort) -> End {
        let opened = Instant::now();
        let hid = port.protocol().is_hid();
        let silence = if hid { self.options.silence.max(HID_SLEEP) } else { self.options.silence };
        loop {
            loop {
                match self.commands.try_recv() {
                    Ok(Control::Command(command, reply)) => {
                        if let Err(error) = self.begin(&mut port, command, reply) {
                            return End::Lost(error);
                        }
                    }
                    Ok(Control::Stop) | Err(TryRecvError::Disconnected) => return End::Stop,
                    Err(TryRecvError::Empty) => break,
                }
            }
            if let Err(error) = port.step(POLL_WAIT) {
                return End::Lost(error);
            }
            let now = Instant::now();
            while let Some(event) = port.poll() {
                match event {
                    ScaleEvent::Reading(reading) => {
                        self.last_reading = Some(reading.at);
                        if let Some(mut status) = ScaleStatus::from_reading(&reading, now) {
                            status.detail = port.unit_doubt();
                            self.send(status, self.options.every_reading);
                        }
                    }
                    other => self.settle(&other),
                }
            }
            if port.is_silent(opened, silence) {
                let error = port.silent(silence);
                let state = match error {
                    ScalePortError::Asleep { .. } => ScaleState::Asleep,
                    _ => ScaleState::Silent,
                };
                self.quiet(state, error.to_string());
            }
            self.pending.retain(|(command, reply, sent)| {
                let waiting = now.saturating_duration_since(*sent) < REPLY_TIMEOUT;
                if !waiting {
                    let _ = reply.send(Err(ScalePortError::NoAnswer {
                        command: CommandName(*command),
                        waited_ms: millis(REPLY_TIMEOUT),
                    }));
                }
                waiting
            });
        }
    }

    /// Sends a command to the scale. Only a failed write ends the connection.
    fn begin(
        &mut self,
        port: &mut ScalePort,
        command: Command,
        reply: Reply,
    ) -> Result<(), ScalePortError> {
        match port.send(command) {
            Ok(()) if port.protocol().acknowledges(command) => {
                self.pending.push((command, reply, Instant::now()));
                Ok(())
            }
            Ok(()) => {
                let _ = reply.send(Ok(CommandOutcome { confirmed: false, tare: None }));
                Ok(())
            }
            Err(error @ ScalePortError::Unsupported { .. }) => {
                let _ = reply.send(Err(error));
                Ok(())
            }
            Err(error) => {
                let _ = reply.send(Err(error.clone()));
                Err(error)
            }
        }
    }

    /// Hands an answer from the scale to the command it answers.
    fn settle(&mut self, event: &ScaleEvent) {
        let found = self
            .pending
            .iter()
            .enumerate()
            .find_map(|(index, (command, _, _))| Some((index, answer(*command, event)?)));
        if let Some((index, result)) = found {
            let (_, reply, _) = self.pending.remove(index);
            let _ = reply.send(result);
        }
    }

    fn fail_pending(&mut self) {
        for (_, reply, _) in self.pending.drain(..) {
            let _ = reply.send(Err(ScalePortError::Offline { path: self.settings.path.clone() }));
        }
    }

    /// Reports a scale that shows no reading, once on entering the state and then with the
    /// heartbeat.
    fn quiet(&mut self, state: ScaleState, detail: String) {
        let status =
            ScaleStatus::without_reading(state, self.settings.protocol, self.last_reading, detail);
        self.send(status, false);
    }

    fn send(&mut self, status: ScaleStatus, always: bool) {
        let now = Instant::now();
        let due = match &self.last {
            None => true,
            Some((last, at)) => {
                always
                    || last.state != status.state
                    || last.grams != status.grams
                    || now.saturating_duration_since(*at) >= HEARTBEAT
            }
        };
        if due {
            (self.publish)(status.clone());
            self.last = Some((status, now));
        }
    }

    /// Waits `time` before the next attempt to open the port, refusing commands meanwhile.
    /// Returns `true` when told to stop.
    fn wait_offline(&mut self, time: Duration) -> bool {
        let deadline = Instant::now() + time;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            match self.commands.recv_timeout(left) {
                Ok(Control::Command(_, reply)) => {
                    let path = self.settings.path.clone();
                    let _ = reply.send(Err(ScalePortError::Offline { path }));
                }
                Ok(Control::Stop) | Err(RecvTimeoutError::Disconnected) => return true,
                Err(RecvTimeoutError::Timeout) => return false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use backroom_core::scale::Protocol;

    use super::*;

    /// The reading the NCI decoder makes of `frame` sent twice, as a scale asked twice sends
    /// it: the decoder believes a claim only when a second frame agrees.
    fn nci_reading(frame: &[u8]) -> Reading {
        let mut decoder = Protocol::Nci.decoder();
        decoder.push(&[frame, frame].concat(), Instant::now());
        match (decoder.poll(), decoder.poll()) {
            (Some(ScaleEvent::Reading(_)), Some(ScaleEvent::Reading(reading))) => reading,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn readings_become_statuses() {
        let now = Instant::now();
        let stable =
            ScaleStatus::from_reading(&nci_reading(b"\n002.35lb\r\n00\r\x03"), now).unwrap();
        assert_eq!(
            (stable.state, stable.grams, stable.value, stable.unit),
            (ScaleState::Stable, Some(1065.9), Some(2.35), Some(WeightUnit::Lb))
        );
        let moving =
            ScaleStatus::from_reading(&nci_reading(b"\n002.40lb\r\n10\r\x03"), now).unwrap();
        assert_eq!((moving.state, moving.value), (ScaleState::Motion, Some(2.4)));
        let over = ScaleStatus::from_reading(&nci_reading(b"\n02\r\x03"), now).unwrap();
        assert_eq!((over.state, over.grams), (ScaleState::Over, None));
        let under = ScaleStatus::from_reading(&nci_reading(b"\n01\r\x03"), now).unwrap();
        assert_eq!(under.state, ScaleState::Under);
    }

    #[test]
    fn a_status_serializes_for_screens() {
        let now = Instant::now();
        let status =
            ScaleStatus::from_reading(&nci_reading(b"\n002.35lb\r\n00\r\x03"), now).unwrap();
        let json = serde_json::to_value(&status).unwrap();
        assert_eq!(json["state"], "stable");
        assert_eq!(json["protocol"], "nci");
        assert_eq!(json["grams"], 1065.9);
        assert_eq!(json["unit"], "lb");
        let offline = ScaleStatus::without_reading(
            ScaleState::OutOfRange,
            Protocol::ToledoContinuous,
            None,
            "gone".into(),
        );
        assert_eq!(serde_json::to_value(&offline).unwrap()["state"], "out_of_range");
    }
}
