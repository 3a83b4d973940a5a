//! The application: one database, the command dispatcher, and the event stream.
//!
//! Every command runs inside one SQLite transaction, taken with `BEGIN IMMEDIATE` so that two
//! stations (or a station and an import) writing at once queue up rather than interleave: a
//! command either commits whole or leaves no trace.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use backroom_core::people::Role;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::broadcast;

use crate::commands;
use crate::error::{ApiError, ErrorCode};
use crate::events::Event;
use crate::scales::ScaleBoard;
use crate::{db, people};

/// Who is running a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller<'a> {
    /// A station's UI on this machine (the desktop window), identified by the session token it
    /// got from `sign_in` (or none yet).
    Session(Option<&'a str>),
    /// A station's UI over the network, with its session token and the address it called from,
    /// which sign-in lockouts count against.
    Remote { token: Option<&'a str>, address: std::net::IpAddr },
    /// The `backroom` command on this machine, which acts with a manager's rights and is
    /// recorded with no operator or station.
    Local,
}

/// The operator and station a command runs as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub operator_id: Option<i64>,
    pub station_id: Option<i64>,
    pub role: Role,
}

/// What a command sees: its transaction, who runs it, the time, and the events it raises.
pub struct Ctx<'a> {
    pub tx: &'a Transaction<'a>,
    pub actor: Option<Actor>,
    /// The network address of a caller over HTTP; wrong PINs are counted against it. The
    /// desktop window and the command line have none.
    pub client: Option<std::net::IpAddr>,
    pub now: DateTime<Utc>,
    pub db_path: &'a Path,
    /// The session token the caller presented, if any.
    pub session: Option<&'a str>,
    /// What the watched scales show now.
    pub scales: &'a ScaleBoard,
    events: Vec<Event>,
    /// Wrong sign-ins to log even though the command is refused and its transaction rolled
    /// back: a wrong PIN is refused, and counted.
    failed_sign_ins: &'a mut Vec<people::FailedSignIn>,
}

impl Ctx<'_> {
    /// Announces a change; it goes out only if the command commits.
    pub fn emit(&mut self, event: Event) {
        self.events.push(event);
    }

    /// Keeps a wrong sign-in, to be logged after the refusal this command is about to return.
    pub fn keep_failed_sign_in(&mut self, failure: people::FailedSignIn) {
        self.failed_sign_ins.push(failure);
    }

    /// The signed-in actor. Commands marked `SignedIn` or with roles always have one.
    pub fn actor(&self) -> Result<&Actor, ApiError> {
        self.actor
            .as_ref()
            .ok_or_else(|| ApiError::new(ErrorCode::NotSignedIn, "sign in at this station first"))
    }

    pub fn operator_id(&self) -> Option<i64> {
        self.actor.as_ref().and_then(|a| a.operator_id)
    }

    pub fn station_id(&self) -> Option<i64> {
        self.actor.as_ref().and_then(|a| a.station_id)
    }

    /// Runs one statement, keeping it prepared for the next call: an import of a hundred
    /// thousand rows runs the same few statements over and over.
    pub fn execute<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.tx.prepare_cached(sql)?.execute(params)
    }

    /// Reads one row with a statement kept prepared, as [`Ctx::execute`] does.
    pub fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    {
        self.tx.prepare_cached(sql)?.query_row(params, f)
    }

    /// The current time as stored in the database (RFC 3339, UTC).
    pub fn now_text(&self) -> String {
        crate::time::to_text(self.now)
    }
}

/// An open Backroom database with its command surface.
pub struct App {
    conn: Mutex<Connection>,
    events: broadcast::Sender<Event>,
    path: PathBuf,
    scales: ScaleBoard,
}

impl App {
    /// Opens the database at `path`, creating and migrating it as needed.
    pub fn open(path: &Path) -> Result<App, ApiError> {
        let conn = db::open(path)?;
        let (events, _) = broadcast::channel(256);
        Ok(App {
            conn: Mutex::new(conn),
            events,
            path: path.to_owned(),
            scales: ScaleBoard::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The last status of each station's watched scale (see [`crate::scales::ScaleWatch`]).
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
        let info = commands::find(name).ok_or_else(|| {
            ApiError::new(
                ErrorCode::UnknownCommand,
                format!("there is no command `{name}`; GET /api/commands lists them"),
            )
        })?;
        let scales = &self.scales;
        let client = match caller {
            Caller::Remote { address, .. } => Some(address),
            Caller::Local | Caller::Session(_) => None,
        };
        let mut failed_sign_ins = Vec::new();
        let result = self.transact(|tx, db_path| {
            let changes_before = tx.total_changes();
            let actor = match caller {
                Caller::Local => {
                    Some(Actor { operator_id: None, station_id: None, role: Role::Manager })
                }
                Caller::Session(token) | Caller::Remote { token, .. } => match token {
                    Some(token) => Some(people::actor_for_token(tx, token)?),
                    None => None,
                },
            };
            commands::check_access(info, actor.as_ref())?;
            let session = match caller {
                Caller::Session(token) | Caller::Remote { token, .. } => token,
                Caller::Local => None,
            };
            let mut ctx = Ctx {
                tx,
                actor,
                client,
                now: Utc::now(),
                db_path,
                session,
                scales,
                events: Vec::new(),
                failed_sign_ins: &mut failed_sign_ins,
            };
            let res = (info.run)(&mut ctx, req)?;
            // Whatever the command did, it may not leave a bin promising more than it holds.
            if tx.total_changes() != changes_before {
                crate::stock::check_promises_kept(tx)?;
            }
            Ok((res, ctx.events))
        });
        if result.is_err() && !failed_sign_ins.is_empty() {
            self.transact(|tx, _| {
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

    fn transact<T>(
        &self,
        body: impl FnOnce(&Transaction<'_>, &Path) -> Result<(T, Vec<Event>), ApiError>,
    ) -> Result<T, ApiError> {
        let mut conn = self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (value, events) = body(&tx, &self.path)?;
        tx.commit()?;
        for event in events {
            // Nobody listening is fine: the UI may not be open.
            let _ = self.events.send(event);
        }
        Ok(value)
    }
}
