//! Which warehouse the window works in: its own database on this computer, or a host on the
//! network this computer joined as a station. The choice is made at start (a kept station key
//! means a station) and changes when a person joins or leaves a warehouse, without a restart.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use backroom::pairing_client::StationFile;
use backroom_api::devices::scales::ScaleWatch;
use backroom_api::inventory::images::ImageFetcher;
use backroom_api::{App, Caller, Changed, Event};
use serde::Serialize;
use serde_json::{Value, json};
use tauri::{AppHandle, Emitter};
use tokio::sync::broadcast::{self, error::RecvError};

use crate::EVENT;
use crate::devices::Devices;
use crate::host::{HostLink, HostState};
use crate::refusal::Refusal;

/// Where the window's warehouse lives on this computer.
#[derive(Debug, Clone)]
pub struct Places {
    /// The database the window opens when it is no station.
    pub db: PathBuf,
    /// Where this computer keeps its station key once it joined a warehouse.
    pub station_file: PathBuf,
}

/// What the window starts with, settled before it opens so a bad database or key file
/// stops the app with a message.
pub enum Start {
    Local(Arc<App>),
    Station(StationFile),
}

impl Start {
    pub fn choose(places: &Places) -> Result<Start, String> {
        if places.station_file.exists() {
            let file = StationFile::load(&places.station_file).map_err(|e| {
                format!(
                    "this computer's station key cannot be read ({e}); pair it again with \
                     `backroom pair`, or remove {} to use this computer's own database",
                    places.station_file.display()
                )
            })?;
            return Ok(Start::Station(file));
        }
        let app = App::open(&places.db).map_err(|e| e.to_string())?;
        Ok(Start::Local(Arc::new(app)))
    }
}

/// The desktop shell's one piece of state: the warehouse the window works in now.
pub struct Shell {
    places: Places,
    window: AppHandle,
    current: Mutex<Warehouse>,
}

enum Warehouse {
    Local(Local),
    Station(Station),
}

/// This computer's own database, with its stations' scales watched and product pictures
/// fetched while the window is open.
struct Local {
    app: Arc<App>,
    _scales: ScaleWatch,
    _images: ImageFetcher,
}

/// A host on the network, with this station's own scale and printer feeding it.
struct Station {
    link: Arc<HostLink>,
    _devices: Devices,
}

impl Drop for Station {
    fn drop(&mut self) {
        self.link.close();
    }
}

/// Where one call goes.
enum Route {
    Local(Arc<App>),
    Host(Arc<HostLink>),
}

/// What `station_mode` answers: which warehouse the window works in, and how the link to
/// the host is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mode {
    pub mode: ModeKind,
    pub host: Option<String>,
    pub station: Option<String>,
    pub fingerprint: Option<String>,
    pub state: Option<HostState>,
    pub message: Option<String>,
    /// How the station's own scale and printer stand, once they said.
    pub devices: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ModeKind {
    Local,
    Station,
}

impl Shell {
    pub fn new(places: Places, window: AppHandle, start: Start) -> Result<Shell, String> {
        let warehouse = match start {
            Start::Local(app) => Warehouse::Local(Local::start(app, &window)),
            Start::Station(file) => Warehouse::Station(Station::start(file, &window)?),
        };
        Ok(Shell { places, window, current: Mutex::new(warehouse) })
    }

    /// Runs command `cmd` as the session `token`: on this computer's database, or on the
    /// host. Blocks until it is done.
    pub fn call(
        &self,
        cmd: &str,
        req: Value,
        token: Option<&str>,
        request_id: Option<&str>,
    ) -> Result<Value, Refusal> {
        let route = match &*self.lock() {
            Warehouse::Local(local) => Route::Local(Arc::clone(&local.app)),
            Warehouse::Station(station) => Route::Host(Arc::clone(&station.link)),
        };
        match route {
            Route::Local(app) => Ok(app.call_once(Caller::Session(token), cmd, req, request_id)?),
            Route::Host(link) => link.call(cmd, &req, token, request_id),
        }
    }

    pub fn mode(&self) -> Mode {
        match &*self.lock() {
            Warehouse::Local(_) => Mode {
                mode: ModeKind::Local,
                host: None,
                station: None,
                fingerprint: None,
                state: None,
                message: None,
                devices: None,
            },
            Warehouse::Station(station) => {
                let file = station.link.file();
                let status = station.link.status();
                Mode {
                    mode: ModeKind::Station,
                    host: Some(file.host.clone()),
                    station: Some(file.station.clone()),
                    fingerprint: Some(file.fingerprint.clone()),
                    state: status.as_ref().map(|s| s.state),
                    message: status.as_ref().map(|s| s.message.clone()),
                    devices: status.and_then(|s| s.devices),
                }
            }
        }
    }

    /// Keeps the key of a newly paired station and makes the window that station.
    pub fn become_station(&self, file: StationFile) -> Result<Mode, Refusal> {
        file.save(&self.places.station_file)
            .map_err(|e| Refusal::new("storage", crate::refusal::sentence(&e.to_string())))?;
        let station = Station::start(file, &self.window).map_err(|e| Refusal::new("storage", e))?;
        self.switch(Warehouse::Station(station));
        Ok(self.mode())
    }

    /// Forgets the station key and goes back to this computer's own database.
    pub fn leave(&self) -> Result<Mode, Refusal> {
        if matches!(&*self.lock(), Warehouse::Local(_)) {
            return Ok(self.mode());
        }
        let app = App::open(&self.places.db)?;
        match std::fs::remove_file(&self.places.station_file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Refusal::new(
                    "storage",
                    format!("Could not forget this station's key: {e}."),
                ));
            }
        }
        self.switch(Warehouse::Local(Local::start(Arc::new(app), &self.window)));
        Ok(self.mode())
    }

    /// Puts `next` in place; what was there stops (its host link closes, its database
    /// closes once the last call on it ends), and the window is told to refresh.
    fn switch(&self, next: Warehouse) {
        let before = std::mem::replace(&mut *self.lock(), next);
        drop(before);
        let _ = self.window.emit(EVENT, json!({"type": "data_changed", "what": "all"}));
    }

    fn lock(&self) -> MutexGuard<'_, Warehouse> {
        self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Local {
    fn start(app: Arc<App>, window: &AppHandle) -> Local {
        tauri::async_runtime::spawn(forward_events(window.clone(), app.subscribe()));
        Local { _scales: ScaleWatch::start(&app), _images: ImageFetcher::start(&app), app }
    }
}

impl Station {
    fn start(file: StationFile, window: &AppHandle) -> Result<Station, String> {
        let link = HostLink::open(file.clone(), window.clone()).map_err(|e| e.to_string())?;
        let devices = Devices::start(file, Arc::clone(&link));
        Ok(Station { link, _devices: devices })
    }
}

/// Hands each committed change of this computer's database to the window, until the
/// database closes.
async fn forward_events(window: AppHandle, mut events: broadcast::Receiver<Event>) {
    loop {
        let event = match events.recv().await {
            Ok(event) => event,
            // The window missed some events: have it refresh everything, as the HTTP stream does.
            Err(RecvError::Lagged(_)) => Event::DataChanged { what: Changed::All },
            Err(RecvError::Closed) => return,
        };
        // With the window gone there is nobody to tell.
        let _ = window.emit(EVENT, event);
    }
}
