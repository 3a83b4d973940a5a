//! One open scale: a serial port or a USB HID scale's hidraw node. Writes requests, reads bytes
//! or reports into the decoder, keeps the polling pace.

use std::io::{ErrorKind, Read, Write};
use std::time::{Duration, Instant};

#[cfg(unix)]
use backroom_core::scale::hid::ReportFormat;
use backroom_core::scale::{
    Command, Decoder, FrameError, Protocol, Range, Reading, ScaleEvent, Weight,
};
use backroom_core::weight::WeightUnit;
use serialport::{ClearBuffer, SerialPort};

#[cfg(unix)]
use super::hidraw::HidLink;
use super::{CommandName, PortSettings, RefusalText, ScalePortError, millis, serial_parts};

/// The shortest gap between two weight requests. A pty answers at once, so this caps the pace
/// at twenty readings a second, twice what a packing screen needs to follow a load.
const REQUEST_INTERVAL: Duration = Duration::from_millis(50);

/// How long a weight request may go unanswered before it is sent again. A real scale at 9600
/// baud answers within a few tens of milliseconds; a lost request must not stall the display.
const REPLY_WAIT: Duration = Duration::from_millis(300);

/// Writes go to the driver's buffer and return at once unless the line is stuck.
pub(super) const WRITE_TIMEOUT: Duration = Duration::from_millis(200);

/// What a scale is reached through.
enum Link {
    Serial(Box<dyn SerialPort>),
    #[cfg(unix)]
    Hid(HidLink),
}

/// A scale on an open serial port or hidraw node, with the decoder for its protocol.
pub struct ScalePort {
    link: Link,
    decoder: Decoder,
    settings: PortSettings,
    buffer: Vec<u8>,
    /// When the last weight request went out, and whether a reading has come since.
    last_request: Option<Instant>,
    answered: bool,
    /// The last frame or report that could not be read, for when nothing readable comes.
    last_fault: Option<FrameError>,
    /// The decoder's doubt about the unit (Toledo 8213/8217), said with every status.
    unit_doubt: Option<(WeightUnit, WeightUnit)>,
}

impl std::fmt::Debug for ScalePort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScalePort").field("settings", &self.settings).finish_non_exhaustive()
    }
}

impl ScalePort {
    /// Opens the scale with `settings`: a serial port, or for `hid-pos` the hidraw node that
    /// `settings.path` names (`auto`, `/dev/hidrawN` or `vendor:product`). Modem lines are left
    /// alone: a pseudo-terminal refuses them, and scales need none.
    pub fn open(settings: &PortSettings) -> Result<ScalePort, ScalePortError> {
        if settings.protocol.is_hid() {
            return ScalePort::open_hid(settings);
        }
        let port = open_serial(settings)?;
        Ok(ScalePort::with_port(port, settings.clone()))
    }

    #[cfg(unix)]
    fn open_hid(settings: &PortSettings) -> Result<ScalePort, ScalePortError> {
        let device = super::hid_scan::resolve(&super::hid_scan::scan(), &settings.path)?;
        let format = device.scale.unwrap_or_default();
        let link = HidLink::open(&device.node)
            .map_err(|error| ScalePortError::open_hid(&device.node, &error))?;
        let settings = PortSettings { path: device.node, ..settings.clone() };
        Ok(ScalePort::with_hid(link, settings, format))
    }

    #[cfg(not(unix))]
    fn open_hid(settings: &PortSettings) -> Result<ScalePort, ScalePortError> {
        Err(ScalePortError::Open {
            path: settings.path.clone(),
            reason: "USB HID scales are read through Linux hidraw".into(),
            hint: "use a serial scale on this system",
        })
    }

    /// Wraps a hidraw node (or anything that yields one report per read) already open.
    #[cfg(unix)]
    pub(super) fn with_hid(
        link: HidLink,
        settings: PortSettings,
        format: ReportFormat,
    ) -> ScalePort {
        ScalePort::new(Link::Hid(link), Decoder::hid(format), settings)
    }

    fn new(link: Link, decoder: Decoder, settings: PortSettings) -> ScalePort {
        ScalePort {
            link,
            decoder,
            settings,
            buffer: vec![0; 512],
            last_request: None,
            answered: true,
            last_fault: None,
            unit_doubt: None,
        }
    }
}

/// Opens a serial port with `settings`.
pub(super) fn open_serial(settings: &PortSettings) -> Result<Box<dyn SerialPort>, ScalePortError> {
    let (data_bits, parity, stop_bits) = serial_parts(&settings.serial);
    serialport::new(&settings.path, settings.serial.baud)
        .data_bits(data_bits)
        .parity(parity)
        .stop_bits(stop_bits)
        .flow_control(serialport::FlowControl::None)
        .timeout(WRITE_TIMEOUT)
        .open()
        .map_err(|e| ScalePortError::open(&settings.path, &e))
}

impl ScalePort {
    /// Wraps a serial port that is already open with `settings`.
    pub(super) fn with_port(port: Box<dyn SerialPort>, settings: PortSettings) -> ScalePort {
        // Bytes left from before are old weights. A port that cannot drop them still works;
        // they only come first.
        let _ = port.clear(ClearBuffer::Input);
        let decoder = Decoder::with_unit(settings.protocol, settings.unit);
        ScalePort::new(Link::Serial(port), decoder, settings)
    }

    pub fn protocol(&self) -> Protocol {
        self.settings.protocol
    }

    pub fn settings(&self) -> &PortSettings {
        &self.settings
    }

    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }

    /// Received bytes that belonged to no readable frame.
    pub fn garbage_bytes(&self) -> u64 {
        self.decoder.garbage_bytes()
    }

    /// Sends `command` to the scale. Weight requests are paced by [`ScalePort::step`]; this is for
    /// zero and tare, whose answers then come out of [`ScalePort::poll`].
    pub fn send(&mut self, command: Command) -> Result<(), ScalePortError> {
        let bytes =
            self.decoder.request(command, Instant::now()).ok_or(ScalePortError::Unsupported {
                protocol: self.settings.protocol,
                command: CommandName(command),
            })?;
        self.write(bytes)
    }

    /// Asks for the weight when it is due, then waits up to `wait` for bytes and feeds them to
    /// the decoder. Continuous scales are only listened to.
    pub fn step(&mut self, wait: Duration) -> Result<(), ScalePortError> {
        let mut wait = wait;
        if let Some(bytes) = self.settings.protocol.weight_request() {
            let now = Instant::now();
            let due = match self.last_request {
                None => now,
                Some(sent) if self.answered => sent + REQUEST_INTERVAL,
                Some(sent) => sent + REPLY_WAIT,
            };
            if now >= due {
                self.decoder.request(Command::Weight, now);
                self.write(bytes)?;
                self.last_request = Some(now);
                self.answered = false;
                wait = wait.min(REPLY_WAIT);
            } else {
                wait = wait.min(due - now);
            }
        }
        self.receive(wait)
    }

    /// Waits up to `wait` for bytes, or for a HID scale's newest report, and feeds what came
    /// to the decoder.
    pub fn receive(&mut self, wait: Duration) -> Result<(), ScalePortError> {
        let lost =
            |path: &str, reason: String| ScalePortError::Lost { path: path.to_owned(), reason };
        match &mut self.link {
            Link::Serial(port) => {
                let timeout = wait.max(Duration::from_millis(1));
                port.set_timeout(timeout).map_err(|e| lost(&self.settings.path, e.to_string()))?;
                match port.read(&mut self.buffer) {
                    // A pty whose other end closed reads as end of file.
                    Ok(0) => Err(lost(&self.settings.path, "the device closed".into())),
                    Ok(count) => {
                        self.decoder.push(&self.buffer[..count], Instant::now());
                        Ok(())
                    }
                    Err(e) if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::Interrupted) => {
                        self.decoder.handle_timeout(Instant::now());
                        Ok(())
                    }
                    Err(e) => Err(lost(&self.settings.path, e.to_string())),
                }
            }
            #[cfg(unix)]
            Link::Hid(link) => match link.newest(wait) {
                Ok(Some(report)) => {
                    self.decoder.push(report, Instant::now());
                    Ok(())
                }
                Ok(None) => Ok(()),
                Err(unplugged) => Err(lost(&self.settings.path, unplugged.0)),
            },
        }
    }

    /// The next thing the scale said.
    pub fn poll(&mut self) -> Option<ScaleEvent> {
        let event = self.decoder.poll()?;
        match &event {
            ScaleEvent::Fault(error) => self.last_fault = Some(error.clone()),
            ScaleEvent::Reading(_) => self.last_fault = None,
            ScaleEvent::UnitInDoubt { configured, like } => {
                self.unit_doubt = Some((*configured, *like))
            }
            _ => {}
        }
        let answers_request = match &event {
            ScaleEvent::Reading(_) => true,
            ScaleEvent::Refused { command, .. } => *command == Some(Command::Weight),
            _ => false,
        };
        if answers_request {
            self.answered = true;
        }
        Some(event)
    }

    /// Whether no readable frame has come for `timeout`, counting from `since` when none has
    /// come at all.
    pub fn is_silent(&self, since: Instant, timeout: Duration) -> bool {
        let heard = self.decoder.last_heard().unwrap_or(since).max(since);
        Instant::now().saturating_duration_since(heard) >= timeout
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), ScalePortError> {
        let result = match &mut self.link {
            Link::Serial(port) => {
                port.set_timeout(WRITE_TIMEOUT).and_then(|()| Ok(port.write_all(bytes)?))
            }
            // No HID command has bytes to write (`Protocol::command`).
            #[cfg(unix)]
            Link::Hid(_) => Ok(()),
        };
        result.map_err(|e| self.lost(e))
    }

    /// What the frames say of the scale's unit when they leave it in doubt (Toledo 8213/8217
    /// frames name none), for people.
    pub fn unit_doubt(&self) -> Option<String> {
        let (configured, like) = self.unit_doubt?;
        Some(format!(
            "the frames are shaped as a scale set to {like} prints its weights; Backroom reads \
             them in {configured}: check that the scale is set to {configured}"
        ))
    }

    /// The error for a scale that sent nothing readable for `waited`: the reason the last frame
    /// was refused when that is something to fix (its unit, a report that is not a scale's),
    /// a USB scale that went quiet is asleep, and a serial one silent.
    pub(super) fn silent(&self, waited: Duration) -> ScalePortError {
        let path = self.settings.path.clone();
        if let Some(
            fault @ (FrameError::UnitMismatch { .. }
            | FrameError::UnsupportedUnit { .. }
            | FrameError::BadReport { .. }),
        ) = &self.last_fault
        {
            return ScalePortError::Unusable { path, reason: fault.to_string() };
        }
        if self.settings.protocol.is_hid() {
            return ScalePortError::Asleep { path, waited_ms: millis(waited) };
        }
        ScalePortError::Silent {
            path,
            waited_ms: millis(waited),
            protocol: self.settings.protocol,
            settings: self.settings.serial,
        }
    }

    fn lost(&self, reason: impl ToString) -> ScalePortError {
        ScalePortError::Lost { path: self.settings.path.clone(), reason: reason.to_string() }
    }
}

/// Waits up to `timeout` for a stable weight. Fails at once when the scale reports a state no
/// waiting will change (over or under capacity, a fault), and at the deadline says whether the
/// scale was silent or only unsettled. The decoder believes a stable weight or an alarm only when
/// two frames in a row agree (one with a checksum suffices), so a request/response scale is asked
/// at least twice.
pub fn read_stable(scale: &mut ScalePort, timeout: Duration) -> Result<Reading, ScalePortError> {
    let deadline = Instant::now() + timeout;
    loop {
        let now = Instant::now();
        if now >= deadline {
            let unusable = matches!(scale.silent(timeout), ScalePortError::Unusable { .. });
            return Err(if scale.decoder.last_heard().is_none() || unusable {
                scale.silent(timeout)
            } else {
                ScalePortError::NoStableWeight {
                    path: scale.settings.path.clone(),
                    waited_ms: millis(timeout),
                }
            });
        }
        scale.step(deadline - now)?;
        while let Some(event) = scale.poll() {
            let ScaleEvent::Reading(reading) = event else { continue };
            match reading.range {
                Range::InRange => {}
                Range::Over => return Err(ScalePortError::Overload),
                Range::Under => return Err(ScalePortError::Underload),
                Range::OutOfRange => return Err(ScalePortError::OutOfRange),
            }
            if reading.fault {
                return Err(ScalePortError::Fault);
            }
            if reading.stable_grams().is_some() {
                return Ok(reading);
            }
        }
    }
}

/// What a scale said to a zero or tare command.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandOutcome {
    /// The scale confirmed it. Some protocols never do (SCP-12 zero, continuous output): then
    /// the command was sent and only later readings show its effect.
    pub confirmed: bool,
    /// The tare taken, where the scale says it (MT-SICS).
    pub tare: Option<Weight>,
}

impl ScalePort {
    /// Asks for the weight until the scale says anything readable, so that a command sent next
    /// goes to a scale known to be listening, and a dead one is reported as silent rather than
    /// as not answering the command.
    pub fn wait_heard(&mut self, timeout: Duration) -> Result<(), ScalePortError> {
        let deadline = Instant::now() + timeout;
        while self.decoder.last_heard().is_none() {
            let now = Instant::now();
            if now >= deadline {
                return Err(self.silent(timeout));
            }
            self.step(deadline - now)?;
            while self.poll().is_some() {}
        }
        Ok(())
    }

    /// Sends `command` and waits up to `timeout` for the scale's answer.
    pub fn command(
        &mut self,
        command: Command,
        timeout: Duration,
    ) -> Result<CommandOutcome, ScalePortError> {
        self.send(command)?;
        if !self.settings.protocol.acknowledges(command) {
            return Ok(CommandOutcome { confirmed: false, tare: None });
        }
        let deadline = Instant::now() + timeout;
        loop {
            while let Some(event) = self.poll() {
                if let Some(answer) = answer(command, &event) {
                    return answer;
                }
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(ScalePortError::NoAnswer {
                    command: CommandName(command),
                    waited_ms: millis(timeout),
                });
            }
            // Only listen: weight requests would queue behind a command the scale is still
            // working on (MT-SICS waits for a steady weight before it zeroes).
            self.receive(deadline - now)?;
        }
    }
}

/// The answer `event` gives to `command`, if it is one.
pub(super) fn answer(
    command: Command,
    event: &ScaleEvent,
) -> Option<Result<CommandOutcome, ScalePortError>> {
    let done = |tare| Some(Ok(CommandOutcome { confirmed: true, tare }));
    match (command, event) {
        (Command::Zero, ScaleEvent::Zeroed) => done(None),
        (Command::Tare, ScaleEvent::Tared { tare }) => done(*tare),
        (Command::ClearTare, ScaleEvent::TareCleared) => done(None),
        (_, ScaleEvent::Refused { command: refused, reason })
            if refused.is_none_or(|refused| refused == command) =>
        {
            Some(Err(ScalePortError::Refused {
                command: CommandName(command),
                reason: RefusalText(*reason),
            }))
        }
        _ => None,
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::io::{ErrorKind, Read, Write};
    use std::thread::JoinHandle;

    use serialport::TTYPort;

    use super::*;

    /// A scale on a pseudo-terminal that answers each request (each `end` byte) with the next of
    /// `replies`, the last one over and over.
    struct FakeScale {
        port: ScalePort,
        answering: Option<JoinHandle<()>>,
    }

    impl FakeScale {
        fn start(protocol: Protocol, end: u8, replies: &[&'static [u8]]) -> FakeScale {
            let (mut scale, device) = TTYPort::pair().expect("a pseudo-terminal");
            let path = device.name().expect("the pseudo-terminal has a path");
            // The port is opened again by path, as a station opens it.
            drop(device);
            let port = ScalePort::open(&PortSettings::new(path, protocol)).unwrap();
            let replies = replies.to_vec();
            let answering = std::thread::spawn(move || {
                let mut next =
                    replies.iter().copied().chain(std::iter::repeat(replies[replies.len() - 1]));
                let mut buffer = [0; 64];
                loop {
                    match scale.read(&mut buffer) {
                        Ok(0) => return,
                        Ok(count) => {
                            for _ in buffer[..count].iter().filter(|&&byte| byte == end) {
                                let reply = next.next().expect("replies repeat");
                                if scale.write_all(reply).is_err() {
                                    return;
                                }
                            }
                        }
                        Err(e) if e.kind() == ErrorKind::TimedOut => {}
                        // The other end closed.
                        Err(_) => return,
                    }
                }
            });
            FakeScale { port, answering: Some(answering) }
        }

        fn read_stable(mut self, timeout: Duration) -> Result<Reading, ScalePortError> {
            let result = read_stable(&mut self.port, timeout);
            drop(self.port);
            if let Some(answering) = self.answering.take() {
                answering.join().unwrap();
            }
            result
        }
    }

    /// The issue: `S S      1.234 kg` with its point dropped made `scale read` print a stable
    /// 1,234 kg.
    #[test]
    fn a_value_with_a_dropped_point_is_never_a_stable_weight() {
        let scale = FakeScale::start(Protocol::MtSics, b'\n', &[b"S S      1234 kg\r\n"]);
        let error = scale.read_stable(Duration::from_millis(400)).unwrap_err();
        assert!(matches!(error, ScalePortError::Silent { .. }), "{error:?}");
    }

    /// The issue: noise that looked like a status ended `scale read` with a false alarm.
    #[test]
    fn status_looking_noise_does_not_end_the_read() {
        let cases: [(Protocol, u8, &[&'static [u8]], f64); 3] = [
            (Protocol::MtSics, b'\n', &[b"\x16S +\r\n", b"S S      1.234 kg\r\n"], 1234.0),
            (
                Protocol::Nci,
                b'\r',
                &[b"\n002.35lb\r\n40\r\x03", b"\n002.35lb\r\n00\r\x03"],
                2.35 * 453.592_37,
            ),
            (Protocol::Toledo8217, b'W', &[b"\x02?B\r", b"\x02001.23\r"], 1230.0),
        ];
        for (protocol, end, replies, grams) in cases {
            let scale = FakeScale::start(protocol, end, replies);
            let reading = scale.read_stable(Duration::from_secs(3)).unwrap();
            assert_eq!(reading.stable_grams(), Some(grams), "{protocol}");
        }
    }

    #[test]
    fn a_scale_that_keeps_raising_an_alarm_ends_the_read() {
        let scale = FakeScale::start(Protocol::Nci, b'\r', &[b"\n002.35lb\r\n40\r\x03"]);
        let error = scale.read_stable(Duration::from_secs(3)).unwrap_err();
        assert_eq!(error, ScalePortError::Fault);
    }
}
