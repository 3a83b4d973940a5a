//! The application: one database, the command dispatcher, and the event stream.
//!
//! Every command runs inside one transaction, on SQLite or PostgreSQL ([`crate::store`]). A
//! read command runs on a connection of its own in a read-only snapshot of the last commit, so
//! it never waits for a writer nor holds one up. A write command waits in line for the one
//! writer and runs alone (SQLite's `BEGIN IMMEDIATE`, PostgreSQL's advisory lock), so two
//! stations (or a station and an import, or two hosts) writing at once queue rather than
//! interleave: a write either commits whole or leaves no trace.

use std::path::{Path, PathBuf};
use std::time::Duration;

use backroom_core::people::Role;
use chrono::Utc;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::broadcast;

use crate::commands::{self, CommandInfo, Kind};
use crate::context::{Actor, Ctx, FailedSignIn};
use crate::db::host_events;
use crate::db::{Readers, Writer};
use crate::devices::board::ScaleBoard;
use crate::error::{ApiError, ErrorCode};
use crate::events::Event;
use crate::retries::{self, Request};
use crate::store::{Access, Engine, Location, Transaction};
use crate::{admin::people, admin::stations, db};

/// Who is running a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller<'a> {
    /// A station's UI on this machine (the desktop window), identified by the session token it
    /// got from `sign_in` (or none yet).
    Session(Option<&'a str>),
    /// A station's UI over the network, with its session token and the address it called from,
    /// which sign-in lockouts count against.
    Remote { token: Option<&'a str>, address: std::net::IpAddr },
    /// A station paired with this host, over the network: the station key it was given
    /// (refused when unknown or revoked), its session token, and its address.
    Paired { key: &'a str, token: Option<&'a str>, address: std::net::IpAddr },
    /// The `backroom` command on this machine, which acts with a manager's rights and is
    /// recorded with no operator or station.
    Local,
}

/// How long a write waits for the writer before it is told Backroom is busy.
pub const WRITE_WAIT: Duration = Duration::from_secs(30);

/// Read-only connections opened with the database, and the most kept open once used: enough
/// for the reads of twenty stations at once.
const READERS_AT_START: usize = 4;
const READERS_KEPT: usize = 24;

/// An open Backroom database with its command surface.
pub struct App {
    writer: Writer,
    readers: Readers,
    write_wait: Duration,
    events: broadcast::Sender<Event>,
    location: Location,
    /// Where this host keeps files beside the database (see [`App::path`]).
    path: PathBuf,
    scales: ScaleBoard,
    host_fingerprint: Option<String>,
    /// This host among those sharing a PostgreSQL database, and its ear for their events.
    host: String,
    _listener: Option<host_events::Listener>,
}

impl App {
    /// Opens the SQLite database at `path`, creating and migrating it as needed.
    pub fn open(path: &Path) -> Result<App, ApiError> {
        App::open_at(&Location::File(path.to_owned()))
    }

    /// Opens the database at `location`, a SQLite file or a PostgreSQL database, creating and
    /// migrating it as needed.
    pub fn open_at(location: &Location) -> Result<App, ApiError> {
        let conn = db::open_store(location)?;
        let (events, _) = broadcast::channel(256);
        let host = format!("{:016x}", rand::random::<u64>());
        let listener = match location {
            Location::Postgres(text) => {
                Some(host_events::listen(text.clone(), host.clone(), events.clone()))
            }
            Location::File(_) => None,
        };
        Ok(App {
            writer: Writer::new(conn, location.clone()),
            readers: Readers::new(location, READERS_AT_START, READERS_KEPT)?,
            write_wait: WRITE_WAIT,
            events,
            location: location.clone(),
            path: db::files_path(location),
            scales: ScaleBoard::default(),
            host_fingerprint: None,
            host,
            _listener: listener,
        })
    }

    /// Names the fingerprint of the certificate this host serves the network with; pairing
    /// codes and newly paired stations are told it, to compare with what they see.
    pub fn with_host_fingerprint(mut self, fingerprint: String) -> App {
        self.host_fingerprint = Some(fingerprint);
        self
    }

    /// Sets how long a write waits for the writer before it is refused as busy
    /// ([`WRITE_WAIT`] unless set).
    pub fn with_write_wait(mut self, wait: Duration) -> App {
        self.write_wait = wait;
        self
    }

    /// The database file, beside which this host keeps its files (cached pictures). On
    /// PostgreSQL, a path in this machine's data folder named for the database stands in for it.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where the database is.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The last status of each station's watched scale (see [`crate::devices::scales::ScaleWatch`]).
    pub fn scales(&self) -> &ScaleBoard {
        &self.scales
    }

    /// Receives every event raised by a committed command, or published with
    /// [`App::publish`], from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// Sends an event raised outside any command, such as what a station's scale shows, to
    /// every subscriber at once. Events of commands go out through [`Ctx::emit`] instead, and
    /// only after their commit.
    pub fn publish(&self, event: Event) {
        // Nobody listening is fine: the UI may not be open.
        let _ = self.events.send(event);
    }

    /// Runs the command `name` with a JSON request, as `caller`. This is the one entry point of
    /// every transport: Tauri IPC, HTTP and the CLI.
    pub fn call(&self, caller: Caller<'_>, name: &str, req: Value) -> Result<Value, ApiError> {
        self.call_once(caller, name, req, None)
    }

    /// [`App::call`] with the request id a station gave a write. The first time the id is seen
    /// the command runs and its reply is kept with the id, in the same transaction; the same
    /// caller sending the same id and request again, within a day, gets that reply back and the
    /// command does not run again. The same id with another request is refused. Reads ignore
    /// the id: running one twice changes nothing.
    pub fn call_once(
        &self,
        caller: Caller<'_>,
        name: &str,
        req: Value,
        request_id: Option<&str>,
    ) -> Result<Value, ApiError> {
        let info = commands::find(name).ok_or_else(|| {
            ApiError::new(
                ErrorCode::UnknownCommand,
                format!("there is no command `{name}`; GET /api/commands lists them"),
            )
        })?;
        let request_id = request_id.map(retries::check_id).transpose()?;
        let mut failed_sign_ins = Vec::new();
        let result = match info.kind {
            Kind::Read => {
                self.read(|tx| self.run_command(tx, info, caller, req, None, &mut failed_sign_ins))
            }
            Kind::Write => self.write(|tx| {
                self.run_command(tx, info, caller, req, request_id, &mut failed_sign_ins)
            }),
        };
        if result.is_err() && !failed_sign_ins.is_empty() {
            self.write(|tx| {
                for failure in &failed_sign_ins {
                    people::log_failed_sign_in(tx, failure)?;
                }
                Ok(((), Vec::new()))
            })?;
        }
        result
    }

    /// Typed form of [`App::call`] for Rust callers (the CLI and tests).
    pub fn run<Req: Serialize, Res: DeserializeOwned>(
        &self,
        caller: Caller<'_>,
        name: &str,
        req: &Req,
    ) -> Result<Res, ApiError> {
        let req = serde_json::to_value(req).map_err(|e| ApiError::bad_request(e.to_string()))?;
        let res = self.call(caller, name, req)?;
        serde_json::from_value(res)
            .map_err(|e| ApiError::storage(format!("the reply of `{name}` did not decode: {e}")))
    }

    /// Runs one command in `tx` as `caller`: who it is, whether they may, the command itself,
    /// and for a write the promises check and the reply kept for its request id.
    fn run_command(
        &self,
        tx: &Transaction<'_>,
        info: &CommandInfo,
        caller: Caller<'_>,
        req: Value,
        request_id: Option<&str>,
        failed_sign_ins: &mut Vec<FailedSignIn>,
    ) -> Result<(Value, Vec<Event>), ApiError> {
        let now = Utc::now();
        let station_key = match caller {
            Caller::Paired { key, .. } => Some(stations::holder_of_key(tx, key)?),
            _ => None,
        };
        if let Some(holder) = &station_key
            && info.kind == Kind::Write
        {
            stations::seen(tx, holder, &crate::time::to_text(now))?;
        }
        let changes_before = tx.changes_so_far();
        let key_id = station_key.map(|holder| holder.key_id);
        let (actor, client, session) = match caller {
            Caller::Local => (
                Some(Actor { operator_id: None, station_id: None, role: Role::Manager }),
                None,
                None,
            ),
            Caller::Session(token) => (actor_of(tx, token, None)?, None, token),
            Caller::Remote { token, address } => (actor_of(tx, token, None)?, Some(address), token),
            Caller::Paired { token, address, .. } => {
                (actor_of(tx, token, key_id)?, Some(address), token)
            }
        };
        commands::check_access(info, actor.as_ref(), station_key.as_ref())?;
        let request =
            request_id.map(|id| Request::new(id, actor.as_ref(), client, info.name, &req));
        if let Some(request) = &request
            && let Some(reply) = request.first_reply(tx)?
        {
            return Ok((reply, Vec::new()));
        }
        let mut ctx = Ctx {
            tx,
            actor,
            client,
            now,
            db_path: &self.path,
            session,
            scales: &self.scales,
            station_key,
            host_fingerprint: self.host_fingerprint.as_deref(),
            events: Vec::new(),
            failed_sign_ins,
        };
        let res = (info.run)(&mut ctx, req)?;
        // Whatever the command did, it may not leave a bin promising more than it holds.
        if tx.changes_so_far() != changes_before {
            crate::inventory::stock::check_promises_kept(tx)?;
        }
        if let Some(request) = &request {
            request.keep_reply(tx, &res, ctx.now)?;
        }
        Ok((res, ctx.events))
    }

    /// Runs `body` in a deferred transaction on a read-only connection: a snapshot of the last
    /// commit, taken without waiting for the writer.
    fn read<T>(
        &self,
        body: impl FnOnce(&Transaction<'_>) -> Result<(T, Vec<Event>), ApiError>,
    ) -> Result<T, ApiError> {
        let mut conn = self.readers.take()?;
        let tx = conn.begin(Access::Read, Duration::ZERO)?;
        let (value, events) = body(&tx)?;
        // A read has nothing to keep; ending it lets go of the snapshot.
        tx.rollback()?;
        self.send(events);
        Ok(value)
    }

    /// Runs `body` in the writer's transaction, once it is this command's turn, and sends its
    /// events after the commit.
    fn write<T>(
        &self,
        body: impl FnOnce(&Transaction<'_>) -> Result<(T, Vec<Event>), ApiError>,
    ) -> Result<T, ApiError> {
        let mut conn = self.writer.take(self.write_wait)?;
        let wait = conn.wait_left();
        let tx = conn.begin(Access::Write, wait)?;
        let (value, events) = body(&tx)?;
        if tx.engine() == Engine::Postgres {
            host_events::announce(&tx, &self.host, &events)?;
        }
        tx.commit()?;
        drop(conn);
        self.send(events);
        Ok(value)
    }

    fn send(&self, events: Vec<Event>) {
        for event in events {
            // Nobody listening is fine: the UI may not be open.
            let _ = self.events.send(event);
        }
    }
}

/// The operator and station behind a session token; none without a token. A session begun at
/// a paired station answers only with that station's key (`key_id`).
fn actor_of(
    tx: &Transaction<'_>,
    token: Option<&str>,
    key_id: Option<i64>,
) -> Result<Option<Actor>, ApiError> {
    token.map(|token| people::actor_for_token(tx, token, key_id)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_cannot_write_and_a_write_can() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::testing::TestDatabase::new(dir.path());
        let app = db.open();
        let insert = |tx: &Transaction<'_>| {
            tx.execute("INSERT INTO settings (key, value) VALUES ('k', '1')", [])?;
            Ok(((), Vec::new()))
        };
        assert!(app.read(insert).is_err(), "a read wrote");
        app.write(insert).unwrap();
        let count = |tx: &Transaction<'_>| {
            let n: i64 =
                tx.query_row("SELECT count(*) FROM settings WHERE key = 'k'", [], |r| r.get(0))?;
            Ok((n, Vec::new()))
        };
        assert_eq!(app.read(count).unwrap(), 1, "a read sees the last commit");
    }
}
