//! The stations' scales while Backroom runs: a monitor per station whose settings name a port,
//! the last status of each on the [`ScaleBoard`], and their readings published as
//! [`Event::Scale`].
//!
//! The weight audit reads the board, not a weight a screen sends: a verdict rests on what the
//! scale itself said and how old that is, so a slow or stale screen cannot pass a box. The
//! watcher follows the stations' settings: saving a station restarts its monitor.
//!
//! A scale attached to a station's own computer is opened there by the station's program
//! (`backroom station`, or the desktop app paired with this host), which sends every reading
//! with the station's key ([`report_scale_reading`]). The host stamps each with its own clock on
//! arrival and keeps it on the same board, so the weight audit reads it by the same rules; a
//! station that stops sending goes offline on the board after [`STATION_SILENCE`].
//!
//! The board also keeps a [`ScaleRemote`] per watched scale, so a packer's Zero and Tare keys
//! reach the monitor's thread, which writes the protocol's bytes on the port. Those commands
//! read the database only to learn the caller's station: they never hold the writer while the
//! scale answers. For a scale at a station's computer the key waits on the board
//! ([`StationScaleKeys`]) until the station's program posts its next reading, goes back to it
//! in the answer, and the program's own monitor presses it and reports what the scale did
//! ([`finish_scale_key`]); the packer hears the same answer as at a scale the host watches.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::store::OptionalExtension;
use backroom_core::limits::shorten;
use backroom_core::scale::{Command, Protocol, REPLY_TIMEOUT};
use backroom_core::weight::WeightUnit;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast::error::TryRecvError;
use ts_rs::TS;

use crate::admin::people::{self, Station};
use crate::admin::stations::DeviceAt;
use crate::context::{Ctx, Done, NoArgs};
use crate::devices::board::{KeyDone, KeyPress, KeyPressed, ScaleKeyName, due};
use crate::devices::scale_port::{
    CommandOutcome, MonitorOptions, PortKind, PortSettings, ScaleMonitor, ScalePortError,
    ScaleSettings, ScaleState, ScaleStatus,
};
use crate::error::{ApiError, ErrorCode};
use crate::{App, Caller, Changed, Event, admin::settings};

/// How often the watcher looks for changed station settings and for being stopped.
const WATCH_TICK: Duration = Duration::from_millis(200);

/// The caller's station and what its scale shows now.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct StationScale {
    /// `None` for the local command line, which has no station.
    pub station: Option<String>,
    /// `None` where no scale is watched.
    pub status: Option<ScaleStatus>,
    /// The unit the store weighs in, for showing weights (grams are stored whatever it is).
    pub weight_unit: WeightUnit,
}

/// What the caller's station's scale shows now: a screen opened with a package already on the
/// scale knows at once, before the next reading.
pub fn station_scale(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<StationScale, ApiError> {
    let station = people::station_name(ctx)?;
    let status =
        station.as_deref().and_then(|name| ctx.scales.reading(name)).map(|seen| seen.status);
    let weight_unit = settings::store(ctx)?.weight_unit;
    Ok(StationScale { station, status, weight_unit })
}

/// What a station's scale shows now, for a manager setting the station up from any screen.
pub fn read_station_scale(
    ctx: &mut Ctx<'_>,
    req: crate::admin::stations::StationRef,
) -> Result<StationScale, ApiError> {
    let name = req.station.trim();
    let known: Option<String> = ctx
        .tx
        .query_row("SELECT name FROM stations WHERE name = ?1", [name], |r| r.get(0))
        .optional()?;
    let Some(station) = known else {
        return Err(ApiError::not_found(format!("there is no station “{}”", shorten(name, 40))));
    };
    let status = ctx.scales.reading(&station).map(|seen| seen.status);
    let weight_unit = settings::store(ctx)?.weight_unit;
    Ok(StationScale { station: Some(station), status, weight_unit })
}

/// A reading of a station's own scale, sent by the program on the station's computer. It
/// carries no time: the host stamps it on arrival.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ScaleReport {
    /// The station whose scale this is: the key's own, or the reading is refused.
    pub station: String,
    pub status: ScaleStatus,
}

/// What the host made of a reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ReadingTaken {
    /// Whether it went out to the screens as an event; the board took it either way.
    pub published: bool,
    /// Whether a slip waits for the station's own printer, so it is taken at once.
    pub slip_waiting: bool,
    /// A Zero or Tare key pressed at the bench, for the station's program to press on its scale.
    #[serde(default)]
    pub key: Option<KeyPress>,
}

/// Takes a reading of the caller's own station's scale, sent with its key from the station's
/// computer, onto the board. Writes nothing to the database.
pub fn report_scale_reading(ctx: &mut Ctx<'_>, req: ScaleReport) -> Result<ReadingTaken, ApiError> {
    let station = crate::admin::stations::key_station_name(ctx)?;
    if req.station.trim() != station {
        // A station posing as another is a fault or an attack: the manager should hear of it.
        eprintln!(
            "refused a scale reading for station {:?} sent with the key of station {station:?}",
            shorten(req.station.trim(), 40)
        );
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            format!(
                "this computer is the station {station}; it sends only its own scale's readings"
            ),
        ));
    }
    if let Some(grams) = req.status.grams {
        backroom_core::limits::WEIGHT_G.check_f64("the weight", grams.abs())?;
    }
    let devices = crate::admin::stations::station_devices(ctx, NoArgs {})?;
    let scale = match (devices.scale, devices.scale_at) {
        (Some(scale), crate::admin::stations::DeviceAt::Station) => scale,
        _ => {
            return Err(ApiError::conflict(
                "this station's scale is not set up on its own computer: a manager sets where \
                 it is attached in Stations",
            ));
        }
    };
    let scale = station_scale_name(&station, &scale);
    let published = ctx.scales.record_from_station(&station, &scale, req.status.clone());
    let slip_waiting = ctx.scales.print_jobs().any_waiting(&station);
    let key = ctx.scales.keys().take(&station);
    if published {
        ctx.emit(Event::Scale { station, status: req.status });
    }
    Ok(ReadingTaken { published, slip_waiting, key })
}

/// How the audit log names a scale at a station's computer.
fn station_scale_name(station: &str, scale: &ScaleSettings) -> String {
    format!("{} on {} at {station}", scale.protocol, scale.port.trim())
}

/// A port a scale may be attached to, as a manager choosing a station's scale sees it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ScalePortFound {
    /// What a station's settings name: `/dev/ttyUSB0`, `COM3`, `/dev/hidraw0`.
    pub path: String,
    pub kind: PortKind,
    /// Maker, product and serial number, where the OS reports them.
    pub description: Option<String>,
    /// The station whose scale settings name this port already.
    pub station: Option<String>,
}

/// The USB scales and serial ports on the machine that runs Backroom, with the station that
/// uses each. Pseudo-terminals (a scale simulator) are never listed: their path is typed.
pub fn list_scale_ports(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<Vec<ScalePortFound>, ApiError> {
    let mut ports = crate::devices::scale_port::list_hid_scales();
    ports.extend(
        crate::devices::scale_port::list_ports().map_err(|e| ApiError::conflict(e.to_string()))?,
    );
    let used = stations_by_port(ctx)?;
    Ok(ports
        .into_iter()
        .map(|port| ScalePortFound {
            station: used.get(&port.path).cloned(),
            path: port.path,
            kind: port.kind,
            description: port.description,
        })
        .collect())
}

/// Which station names each scale port in its settings.
fn stations_by_port(ctx: &Ctx<'_>) -> Result<HashMap<String, String>, ApiError> {
    let mut stmt = ctx.tx.prepare(
        "SELECT trim(scale_port), name FROM stations WHERE scale_port IS NOT NULL ORDER BY name",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut used = HashMap::new();
    for row in rows {
        let (port, station) = row?;
        used.entry(port).or_insert(station);
    }
    Ok(used)
}

/// A port to find a scale on.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(optional_fields)]
pub struct DetectScale {
    /// A serial port, a USB scale's node or `vendor:product`, or `auto` for the first scale.
    pub port: String,
    /// The baud rate, when the scale is not set to its protocol's usual one.
    #[serde(default)]
    pub baud: Option<u32>,
    /// The unit the scale is set to; only Toledo 8217 frames leave it unsaid. Kilograms if absent.
    #[serde(default)]
    pub unit: Option<WeightUnit>,
}

/// The scale found on a port: settings ready to save for a station, and what it reads.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DetectedScale {
    pub settings: ScaleSettings,
    /// What the scale showed, where it settled in time.
    pub status: Option<ScaleStatus>,
    /// The station already watching this port: its monitor was asked instead of the port, as
    /// two readers on one port would take each other's answers.
    pub watched_by: Option<String>,
    /// Why no weight came, or a doubt about the unit, for the manager.
    pub note: Option<String>,
}

/// How long a found scale is given to show a settled weight.
const DETECT_READ_WAIT: Duration = Duration::from_secs(2);

/// Finds which protocol the scale on a port speaks, by asking it in each in turn, and reads
/// it once. A read: the port is probed without the writer, so nobody waits on the scale.
pub fn detect_scale(ctx: &mut Ctx<'_>, req: DetectScale) -> Result<DetectedScale, ApiError> {
    let port = req.port.trim();
    if port.is_empty() {
        return Err(ApiError::invalid("name the port the scale is on, or auto"));
    }
    if let Some(watched) = watched_port(ctx, port)? {
        return Ok(watched);
    }
    let unit = req.unit.unwrap_or(WeightUnit::Kg);
    let mut scale = crate::devices::scale_port::detect_any(port, req.baud, unit)
        .map_err(|e| ApiError::conflict(capitalised(&e.to_string())))?;
    let mut settings = scale.settings().to_station();
    if scale.protocol().is_hid() {
        // `auto` and `vendor:product` survive the scale coming back as another node.
        settings.port = port.to_owned();
    }
    let (status, mut note) =
        match crate::devices::scale_port::read_stable(&mut scale, DETECT_READ_WAIT) {
            Ok(reading) => (ScaleStatus::from_reading(&reading, Instant::now()), None),
            Err(error) => (None, Some(capitalised(&error.to_string()))),
        };
    if let Some(doubt) = scale.unit_doubt() {
        note = Some(note.map_or(doubt.clone(), |n| format!("{n}. {doubt}")));
    }
    Ok(DetectedScale { settings, status, watched_by: None, note })
}

/// The answer for a port a station's monitor already reads and hears: its settings and its
/// last status. A monitor hearing nothing there is no answer, so the port is probed.
fn watched_port(ctx: &mut Ctx<'_>, port: &str) -> Result<Option<DetectedScale>, ApiError> {
    let stations = people::list_stations(ctx, NoArgs {})?;
    for station in stations {
        let Some(settings) = station.scale.filter(|s| s.port.trim() == port) else { continue };
        let Some(seen) = ctx.scales.reading(&station.name) else { continue };
        if matches!(seen.status.state, ScaleState::Offline | ScaleState::Silent) {
            continue;
        }
        return Ok(Some(DetectedScale {
            settings,
            status: Some(seen.status),
            watched_by: Some(station.name),
            note: None,
        }));
    }
    Ok(None)
}

/// What became of a Zero or Tare key pressed on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ScaleKeyOutcome {
    /// The scale said it did it.
    Done,
    /// The command went out; this scale never confirms, so its next readings show the effect.
    Sent,
    /// The scale takes no such command over its cable (a USB scale, or a protocol without
    /// it): press the key on the scale itself; for zero, the screen waits for a settled zero.
    PressOnScale,
}

/// The answer to a Zero or Tare key.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ScaleKey {
    pub outcome: ScaleKeyOutcome,
    /// The tare the scale took, in grams, where it says (MT-SICS).
    pub tare_g: Option<f64>,
    /// What the person at the bench reads.
    pub message: String,
}

/// Zeroes the caller's station's scale: the platter must be empty and still.
pub fn zero_scale(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<ScaleKey, ApiError> {
    press(ctx, ScaleKeyName::Zero)
}

/// Takes what is on the caller's station's scale now as the tare (a tray that stays on it).
pub fn tare_scale(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<ScaleKey, ApiError> {
    press(ctx, ScaleKeyName::Tare)
}

/// How long a key waits for the scale: a scale zeroes or tares once the weight is steady, and
/// the monitor gives up on an answer after [`REPLY_TIMEOUT`].
pub const KEY_WAIT: Duration = REPLY_TIMEOUT.saturating_add(Duration::from_millis(500));

/// How long a key for a scale at a station's computer waits: the scale's own [`KEY_WAIT`], and
/// the way there and back, which waits for the station's next reading (one a second at least).
const STATION_KEY_WAIT: Duration = KEY_WAIT.saturating_add(Duration::from_secs(2));

/// Hands `command` to the monitor of the caller's station's scale, here or at the station's own
/// computer, and waits for its answer.
fn press(ctx: &Ctx<'_>, key: ScaleKeyName) -> Result<ScaleKey, ApiError> {
    let command = key.command();
    let no_scale = || {
        ApiError::new(
            ErrorCode::Conflict,
            "no scale is connected at this bench: use the keys on the scale itself",
        )
    };
    let station = people::station_name(ctx)?.ok_or_else(no_scale)?;
    if let Some(remote) = ctx.scales.remote(&station) {
        let done = KeyDone::from_port(remote.command(command, KEY_WAIT));
        return key_answer(command, remote.protocol(), done);
    }
    let (protocol, heard) = ctx.scales.at_station(&station).ok_or_else(no_scale)?;
    let quiet = || {
        ApiError::new(
            ErrorCode::Conflict,
            format!(
                "the scale is not connected: the computer at {station} sends no readings; check \
                 that Backroom runs there"
            ),
        )
    };
    if !heard {
        return Err(quiet());
    }
    let done = ctx.scales.keys().press(&station, key, STATION_KEY_WAIT).ok_or_else(quiet)?;
    key_answer(command, protocol, done)
}

impl KeyDone {
    /// What the monitor's answer to a key means at the bench.
    pub fn from_port(answer: Result<CommandOutcome, ScalePortError>) -> KeyDone {
        match answer {
            Ok(outcome) if outcome.confirmed => KeyDone::Confirmed {
                tare_g: outcome
                    .tare
                    .map(|tare| crate::devices::scale_port::round_grams(tare.grams)),
            },
            Ok(_) => KeyDone::Sent,
            Err(ScalePortError::Unsupported { .. }) => KeyDone::Unsupported,
            Err(
                ScalePortError::Offline { .. }
                | ScalePortError::Stopped
                | ScalePortError::Lost { .. },
            ) => KeyDone::NotConnected,
            Err(error) => KeyDone::Failed { reason: capitalised(&error.to_string()) },
        }
    }
}

/// The bench's answer to a key, from the scale's: a command the scale cannot take over its
/// cable asks for the key on the scale; anything else that went wrong says what to do.
fn key_answer(command: Command, protocol: Protocol, done: KeyDone) -> Result<ScaleKey, ApiError> {
    let key = if command == Command::Zero { "ZERO" } else { "TARE" };
    let done_words =
        if command == Command::Zero { "The scale is zeroed" } else { "The tare is taken" };
    match done {
        KeyDone::Confirmed { tare_g } => {
            Ok(ScaleKey { outcome: ScaleKeyOutcome::Done, tare_g, message: done_words.to_owned() })
        }
        KeyDone::Sent => Ok(ScaleKey {
            outcome: ScaleKeyOutcome::Sent,
            tare_g: None,
            message: format!("{done_words}: check that the weight shown changed"),
        }),
        KeyDone::Unsupported => Ok(ScaleKey {
            outcome: ScaleKeyOutcome::PressOnScale,
            tare_g: None,
            message: if protocol.is_hid() && command == Command::Zero {
                format!(
                    "Press {key} on the scale with the platter empty; the screen waits for zero"
                )
            } else {
                format!("Press {key} on the scale itself")
            },
        }),
        KeyDone::NotConnected => Err(ApiError::new(
            ErrorCode::Conflict,
            "the scale is not connected: check its cable and power",
        )),
        KeyDone::Failed { reason } => {
            Err(ApiError::new(ErrorCode::Conflict, shorten(&reason, 300)))
        }
    }
}

/// What the caller's station's scale did with a key it was handed. Writes nothing.
pub fn finish_scale_key(ctx: &mut Ctx<'_>, req: KeyPressed) -> Result<Done, ApiError> {
    let station = crate::admin::stations::key_station_name(ctx)?;
    ctx.scales.keys().finish(&station, req);
    Ok(Done { ok: true })
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Watches the stations' scales until dropped.
pub struct ScaleWatch {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ScaleWatch {
    /// Starts a monitor for every station with a scale port, and restarts a station's monitor
    /// when its settings are saved. A station whose settings are unusable is skipped with one
    /// line on standard error; a port that does not exist is not an error: its monitor reports
    /// it offline and keeps trying.
    pub fn start(app: &Arc<App>) -> ScaleWatch {
        let stop = Arc::new(AtomicBool::new(false));
        let mut watcher = Watcher {
            app: Arc::downgrade(app),
            monitors: HashMap::new(),
            at_stations: HashSet::new(),
        };
        let events = app.subscribe();
        let stopped = Arc::clone(&stop);
        // The first read of the stations is the thread's too: a server starts the watch from
        // async code, where a blocking database client may not wait.
        let thread = std::thread::Builder::new()
            .name("scale watch".into())
            .spawn(move || {
                watcher.refresh();
                watcher.run(events, &stopped)
            })
            .expect("the OS refused to start a thread for the scales");
        ScaleWatch { stop, thread: Some(thread) }
    }
}

impl Drop for ScaleWatch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct Watcher {
    /// Weak, so the monitors' threads never keep the application open.
    app: Weak<App>,
    monitors: HashMap<String, (ScaleSettings, ScaleMonitor)>,
    /// The stations whose scale is at their own computer, which sends its readings.
    at_stations: HashSet<String>,
}

impl Watcher {
    fn run(mut self, mut events: tokio::sync::broadcast::Receiver<Event>, stop: &AtomicBool) {
        while !stop.load(Ordering::Relaxed) {
            self.tell_silent();
            match events.try_recv() {
                Ok(Event::DataChanged { what: Changed::Stations | Changed::All }) => self.refresh(),
                Ok(_) => {}
                Err(TryRecvError::Lagged(_)) => self.refresh(),
                Err(TryRecvError::Empty) => std::thread::sleep(WATCH_TICK),
                Err(TryRecvError::Closed) => break,
            }
        }
        if let Some(app) = self.app.upgrade() {
            for station in self.monitors.keys().chain(&self.at_stations) {
                app.scales().forget(station);
            }
        }
    }

    /// Tells the screens of a station whose computer stopped sending its scale's readings.
    fn tell_silent(&self) {
        let Some(app) = self.app.upgrade() else { return };
        for (station, status) in app.scales().newly_silent() {
            app.publish(Event::Scale { station, status });
        }
    }

    /// Brings the monitors in line with the stations' saved settings.
    fn refresh(&mut self) {
        let Some(app) = self.app.upgrade() else { return };
        let stations: Vec<Station> = match app.run(Caller::Local, "list_stations", &NoArgs {}) {
            Ok(stations) => stations,
            Err(error) => {
                eprintln!("the stations' scales were not updated: {error}");
                return;
            }
        };
        let mut wanted: HashMap<String, ScaleSettings> = HashMap::new();
        let mut at_stations: HashMap<String, ScaleSettings> = HashMap::new();
        for station in stations {
            let Some(scale) = station.scale.filter(|scale| !scale.port.trim().is_empty()) else {
                continue;
            };
            // A scale at the station's own computer is opened there, never here.
            match station.scale_at.unwrap_or_default() {
                DeviceAt::Host => wanted.insert(station.name, scale),
                DeviceAt::Station => at_stations.insert(station.name, scale),
            };
        }
        let gone: Vec<String> = self
            .monitors
            .iter()
            .filter(|(station, (settings, _))| wanted.get(*station) != Some(settings))
            .map(|(station, _)| station.clone())
            .collect();
        for station in gone {
            // The monitor stops (its thread joined) before the board forgets the scale, so no
            // last reading of it lands on the board afterwards.
            drop(self.monitors.remove(&station));
            app.scales().forget(&station);
        }
        self.at_stations.retain(|station| {
            let keep = at_stations.contains_key(station);
            if !keep {
                app.scales().forget(station);
            }
            keep
        });
        for (station, settings) in at_stations {
            let protocol = PortSettings::from_station(&settings)
                .map(|port| port.protocol)
                .unwrap_or(Protocol::MtSics);
            app.scales().await_station(
                &station,
                &station_scale_name(&station, &settings),
                protocol,
            );
            self.at_stations.insert(station);
        }
        for (station, settings) in wanted {
            if self.monitors.contains_key(&station) {
                continue;
            }
            match PortSettings::from_station(&settings) {
                Ok(port) => {
                    let monitor = watch_scale(&self.app, &station, port);
                    self.monitors.insert(station, (settings, monitor));
                }
                Err(error) => eprintln!("station {station}: the scale is not watched: {error}"),
            }
        }
    }
}

/// One station's monitor: every status goes on the board, and out as an event when [`due`].
fn watch_scale(weak: &Weak<App>, station: &str, port: PortSettings) -> ScaleMonitor {
    let app = weak.clone();
    let station = station.to_owned();
    let scale = format!("{} on {}", port.protocol, port.path);
    let options = MonitorOptions { every_reading: true, ..MonitorOptions::default() };
    let mut last: Option<(ScaleState, Instant)> = None;
    let name = station.clone();
    let monitor = ScaleMonitor::start(port, options, move |status| {
        let Some(app) = app.upgrade() else { return };
        app.scales().record(&station, &scale, status.clone());
        let now = Instant::now();
        if due(last, status.state, now) {
            last = Some((status.state, now));
            app.publish(Event::Scale { station: station.clone(), status });
        }
    });
    if let Some(app) = weak.upgrade() {
        app.scales().attach(&name, monitor.remote());
    }
    monitor
}

#[cfg(test)]
mod tests {
    use backroom_core::scale::Protocol;

    use super::*;

    #[test]
    fn a_usb_scale_is_asked_for_its_zero_key_and_an_unplugged_one_for_its_cable() {
        use backroom_core::scale::Refusal;

        use crate::devices::scale_port::{CommandName, RefusalText};

        let unsupported = |command| {
            KeyDone::from_port(Err(ScalePortError::Unsupported {
                protocol: Protocol::HidPos,
                command: CommandName(command),
            }))
        };
        let zero = key_answer(Command::Zero, Protocol::HidPos, unsupported(Command::Zero)).unwrap();
        assert_eq!(zero.outcome, ScaleKeyOutcome::PressOnScale);
        assert!(zero.message.contains("the screen waits for zero"), "{}", zero.message);
        let tare = key_answer(Command::Tare, Protocol::HidPos, unsupported(Command::Tare)).unwrap();
        assert_eq!(tare.message, "Press TARE on the scale itself");

        let offline =
            KeyDone::from_port(Err(ScalePortError::Offline { path: "/dev/ttyUSB0".into() }));
        let err = key_answer(Command::Zero, Protocol::MtSics, offline).unwrap_err();
        assert_eq!(err.code, ErrorCode::Conflict);
        assert!(!err.message.contains("/dev/"), "no device paths at the bench: {}", err.message);

        let refused = KeyDone::from_port(Err(ScalePortError::Refused {
            command: CommandName(Command::Zero),
            reason: RefusalText(Refusal::Motion),
        }));
        let err = key_answer(Command::Zero, Protocol::MtSics, refused).unwrap_err();
        assert_eq!(
            err.message,
            "The scale refused to zero: it is in motion; wait for a steady weight"
        );
    }
}
