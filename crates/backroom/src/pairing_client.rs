//! A station's side of pairing: reach the host over HTTPS, compare its certificate's
//! fingerprint with the one the host shows, trade the pairing code for a station key, and keep
//! the key (with the host's address and the pinned fingerprint) in the OS data directory,
//! readable by this user only. Every later request goes through [`HostClient`], which refuses
//! any certificate but the pinned one and sends the key.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::tls::{self, PinnedHost, TlsError};

/// The HTTP header a paired station sends its key in. The session token of whoever is signed
/// in there travels separately, in `Authorization: Bearer`.
pub const STATION_KEY_HEADER: &str = "Backroom-Station-Key";

/// How long to wait for the host to take a connection: on a LAN it answers in
/// milliseconds, so a longer wait means it is switched off or unplugged.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// How long the event stream may stay silent before the host is taken to be gone: the host
/// says it is there every five seconds (`serve::EVENTS_KEEP_ALIVE`), so this is two missed.
const EVENTS_SILENCE: Duration = Duration::from_secs(12);

/// What a paired station keeps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StationFile {
    /// The host's address, `https://ADDRESS:PORT`.
    pub host: String,
    pub station: String,
    pub key: String,
    /// The host's certificate fingerprint, as the person pairing confirmed it.
    pub fingerprint: String,
}

/// Why pairing or a call to the host failed.
#[derive(Debug, thiserror::Error)]
pub enum PairError {
    #[error(
        "the host's certificate is not the one expected, so this station stopped and sent \
         nothing.\n  expected: {expected}\n  the host shows: {seen}\nIf the host was set up \
         again, pair again with the fingerprint it shows now; otherwise something between \
         here and the host is posing as it"
    )]
    WrongFingerprint { expected: String, seen: String },
    #[error("the host's fingerprint was not confirmed; nothing was sent")]
    NotConfirmed,
    #[error("cannot reach the host at {host}: {reason}")]
    Unreachable { host: String, reason: String },
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Tls(#[from] TlsError),
    #[error("cannot keep the station key in {}: {reason}", path.display())]
    Keep { path: PathBuf, reason: String },
}

/// Where a station keeps its key: `backroom/station.json` in the OS data directory.
pub fn station_file_path() -> PathBuf {
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("backroom").join("station.json")
}

/// A connection to the host that trusts only the certificate with the pinned fingerprint.
pub struct HostClient {
    host: String,
    pinned: Option<String>,
    pin: Arc<PinnedHost>,
    agent: ureq::Agent,
}

/// A reply from the host: its status and JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl HostClient {
    /// A client of the host at `host` (`https://ADDRESS:PORT`) that refuses any certificate
    /// but `fingerprint`; with none, any certificate is accepted and only noted (see
    /// [`HostClient::fingerprint`]), so such a client must send no secret.
    pub fn new(host: &str, fingerprint: Option<&str>) -> Result<HostClient, PairError> {
        let pin = PinnedHost::new(fingerprint);
        let agent = ureq::AgentBuilder::new()
            .tls_config(pin.client_config()?)
            .timeout(Duration::from_secs(30))
            .timeout_connect(CONNECT_TIMEOUT)
            .build();
        let host = host.trim_end_matches('/').to_owned();
        Ok(HostClient { host, pinned: fingerprint.map(str::to_owned), pin, agent })
    }

    /// What the host's certificate is, by asking it whether it is up.
    pub fn fingerprint(&self) -> Result<String, PairError> {
        self.get("/api/health")?;
        self.pin.seen().ok_or_else(|| PairError::Unreachable {
            host: self.host.clone(),
            reason: "it showed no certificate".into(),
        })
    }

    /// Runs a command on the host, with the station key and a session token if given.
    pub fn call(
        &self,
        name: &str,
        req: &Value,
        key: Option<&str>,
        token: Option<&str>,
    ) -> Result<Reply, PairError> {
        self.call_once(name, req, key, token, None)
    }

    /// [`HostClient::call`] with the request id a write is sent with: a retry of it is
    /// answered from the first run rather than applied again.
    pub fn call_once(
        &self,
        name: &str,
        req: &Value,
        key: Option<&str>,
        token: Option<&str>,
        request_id: Option<&str>,
    ) -> Result<Reply, PairError> {
        let mut request = self
            .agent
            .post(&format!("{}/api/{name}", self.host))
            .set("Content-Type", "application/json");
        if let Some(key) = key {
            request = request.set(STATION_KEY_HEADER, key);
        }
        if let Some(token) = token {
            request = request.set("Authorization", &format!("Bearer {token}"));
        }
        if let Some(id) = request_id {
            request = request.set("Idempotency-Key", id);
        }
        self.reply(request.send_string(&req.to_string()))
    }

    /// The host's event stream (`GET /api/events`, server-sent events), read as it arrives.
    /// The host sends a keep-alive every few seconds, so a read that waits for [`EVENTS_SILENCE`]
    /// means the host is gone; the stream then fails rather than hanging.
    pub fn events(
        &self,
        key: Option<&str>,
    ) -> Result<impl std::io::Read + Send + use<>, PairError> {
        let agent = ureq::AgentBuilder::new()
            .tls_config(self.pin.client_config()?)
            .timeout_connect(CONNECT_TIMEOUT)
            .timeout_read(EVENTS_SILENCE)
            .build();
        let mut request = agent.get(&format!("{}/api/events", self.host));
        if let Some(key) = key {
            request = request.set(STATION_KEY_HEADER, key);
        }
        match request.call() {
            Ok(response) => Ok(response.into_reader()),
            Err(failure) => {
                let refused = self.reply(Err(failure))?;
                let message = refused.body["message"].as_str().unwrap_or("the host refused");
                Err(PairError::Refused(message.to_owned()))
            }
        }
    }

    fn get(&self, path: &str) -> Result<Reply, PairError> {
        self.reply(self.agent.get(&format!("{}{path}", self.host)).call())
    }

    /// The host's answer, whether it accepted the request or refused it; a certificate other
    /// than the pinned one is a [`PairError::WrongFingerprint`].
    fn reply(&self, result: Result<ureq::Response, ureq::Error>) -> Result<Reply, PairError> {
        let response = match result {
            Ok(response) | Err(ureq::Error::Status(_, response)) => response,
            Err(ureq::Error::Transport(failure)) => {
                if let (Some(seen), Some(expected)) = (self.pin.mismatch(), self.expected()) {
                    return Err(PairError::WrongFingerprint { expected, seen });
                }
                return Err(PairError::Unreachable {
                    host: self.host.clone(),
                    reason: failure.to_string(),
                });
            }
        };
        let status = response.status();
        let body = response.into_string().unwrap_or_default();
        Ok(Reply { status, body: serde_json::from_str(&body).unwrap_or(Value::Null) })
    }

    /// The pinned fingerprint, grouped as the host shows it.
    fn expected(&self) -> Option<String> {
        self.pinned.as_deref().map(grouped)
    }
}

/// A fingerprint's hex digits in groups of four, as [`tls::fingerprint`] writes them.
fn grouped(fingerprint: &str) -> String {
    let digits = tls::normal_fingerprint(fingerprint);
    let groups: Vec<&str> =
        digits.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap_or("")).collect();
    groups.join(" ")
}

/// Pairs this machine with the host at `host` using a manager's `code`. The host's fingerprint
/// must equal `fingerprint` when one is given; otherwise `confirm` is shown the fingerprint
/// and must say it matches what the host shows. Nothing secret is sent before that.
pub fn pair(
    host: &str,
    code: &str,
    fingerprint: Option<&str>,
    confirm: impl FnOnce(&str) -> bool,
) -> Result<StationFile, PairError> {
    let seen = HostClient::new(host, None)?.fingerprint()?;
    let pinned = match fingerprint {
        Some(expected) if tls::normal_fingerprint(expected) != tls::normal_fingerprint(&seen) => {
            return Err(PairError::WrongFingerprint { expected: grouped(expected), seen });
        }
        Some(_) => seen,
        None if confirm(&seen) => seen,
        None => return Err(PairError::NotConfirmed),
    };
    let client = HostClient::new(host, Some(&pinned))?;
    let reply =
        client.call("pair_station", &json!({"code": code, "kind": "desktop"}), None, None)?;
    if reply.status != 200 {
        let message = reply.body["message"].as_str().unwrap_or("the host refused the code");
        return Err(PairError::Refused(message.to_owned()));
    }
    let (Some(station), Some(key)) = (reply.body["station"].as_str(), reply.body["key"].as_str())
    else {
        return Err(PairError::Refused("the host's reply named no station key".into()));
    };
    Ok(StationFile {
        host: client.host.clone(),
        station: station.to_owned(),
        key: key.to_owned(),
        fingerprint: pinned,
    })
}

impl StationFile {
    /// Keeps the station's key at `path`, readable by this user only.
    pub fn save(&self, path: &std::path::Path) -> Result<(), PairError> {
        let keep = |reason: String| PairError::Keep { path: path.to_owned(), reason };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| keep(e.to_string()))?;
        }
        let text = serde_json::to_string_pretty(self).map_err(|e| keep(e.to_string()))?;
        tls::write_private(path, text.as_bytes()).map_err(|e| keep(e.to_string()))
    }

    /// The station's key as kept at `path`.
    pub fn load(path: &std::path::Path) -> Result<StationFile, PairError> {
        let keep = |reason: String| PairError::Keep { path: path.to_owned(), reason };
        let text = std::fs::read_to_string(path).map_err(|e| keep(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| keep(e.to_string()))
    }

    /// A client of the paired host, pinned to its fingerprint.
    pub fn client(&self) -> Result<HostClient, PairError> {
        HostClient::new(&self.host, Some(&self.fingerprint))
    }
}
