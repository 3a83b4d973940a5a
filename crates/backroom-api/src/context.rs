//! What every command is given and answers with, apart from any one command: the context it
//! runs in ([`Ctx`]: its transaction, who calls, the time, the events it raises), who the caller
//! is ([`Actor`], [`KeyHolder`]), the empty request and reply, and the refusal for a role that
//! may not. Commands depend on this module; it depends on none of them.

use std::path::Path;

use backroom_core::people::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::devices::board::ScaleBoard;
use crate::error::{ApiError, ErrorCode};
use crate::events::Event;
use crate::store::{self, Params, Row, Transaction};

/// A request with no arguments.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct NoArgs {}

/// A reply with nothing to say but success.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Done {
    pub ok: bool,
}

/// The operator and station a command runs as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub operator_id: Option<i64>,
    pub station_id: Option<i64>,
    pub role: Role,
}

/// What kind of station a key was handed to. A browser keeps its key in the browser and
/// never feeds a scale; a desktop station may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StationKind {
    Desktop,
    Browser,
}

impl StationKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            StationKind::Desktop => "desktop",
            StationKind::Browser => "browser",
        }
    }

    pub(crate) fn parse(text: &str) -> StationKind {
        match text {
            "browser" => StationKind::Browser,
            _ => StationKind::Desktop,
        }
    }
}

/// The paired station behind a key sent with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyHolder {
    pub key_id: i64,
    pub station_id: i64,
    pub kind: StationKind,
}

impl KeyHolder {
    /// Whether readings of a scale may come from this station: never from a browser.
    pub fn feeds_scale(&self) -> bool {
        self.kind == StationKind::Desktop
    }
}

/// A sign-in that failed, kept for lockouts and for the manager to see.
#[derive(Debug, Clone)]
pub struct FailedSignIn {
    pub station_id: Option<i64>,
    pub address: Option<String>,
    pub at: String,
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
    /// The paired station whose key came with the request, if one did.
    pub station_key: Option<KeyHolder>,
    /// The fingerprint of the certificate the host serves the network with, if it does.
    pub host_fingerprint: Option<&'a str>,
    pub(crate) events: Vec<Event>,
    /// Wrong sign-ins to log even though the command is refused and its transaction rolled
    /// back: a wrong PIN is refused, and counted.
    pub(crate) failed_sign_ins: &'a mut Vec<FailedSignIn>,
}

impl Ctx<'_> {
    /// Announces a change; it goes out only if the command commits.
    pub fn emit(&mut self, event: Event) {
        self.events.push(event);
    }

    /// Keeps a wrong sign-in, to be logged after the refusal this command is about to return.
    pub fn keep_failed_sign_in(&mut self, failure: FailedSignIn) {
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
    pub fn execute<P: Params>(&self, sql: &str, params: P) -> store::Result<usize> {
        self.tx.prepare_cached(sql)?.execute(params)
    }

    /// Reads one row with a statement kept prepared, as [`Ctx::execute`] does.
    pub fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> store::Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> store::Result<T>,
    {
        self.tx.prepare_cached(sql)?.query_row(params, f)
    }

    /// The current time as stored in the database (RFC 3339, UTC).
    pub fn now_text(&self) -> String {
        crate::time::to_text(self.now)
    }
}

/// The error for an operator whose role may not do something.
pub(crate) fn forbidden(what: &str, role: Role, allowed: &[Role]) -> ApiError {
    let mut allowed: Vec<&str> = allowed.iter().map(|r| r.as_str()).collect();
    if !allowed.contains(&"manager") {
        allowed.push("manager");
    }
    ApiError::new(
        ErrorCode::Forbidden,
        format!("a {} may not {what}; ask a {} to do it", role.as_str(), allowed.join(" or ")),
    )
}
