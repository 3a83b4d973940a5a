//! A station's link to its host. Every call goes to the host over HTTPS with the station key,
//! pinned to the certificate confirmed at pairing; the host's event stream is read and each
//! event handed to the window; and the link's state (connected, unreachable, another
//! certificate, revoked) is told to the window whenever it changes, so it can say so.
//!
//! Nothing is queued: while the host cannot be reached a call is refused at once, and the UI
//! decides whether to send it again (a write goes again with its request id, so the host
//! applies it once). The event stream reconnects by itself, waiting longer after each failure.

use std::io::{BufRead, BufReader, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use backroom::pairing_client::{HostClient, PairError, Reply, StationFile};
use backroom::station::{AgentState, Link};
use serde::Serialize;
use serde_json::{Value, json};
use tauri::{AppHandle, Emitter};

use crate::EVENT;
use crate::refusal::{self, NOT_PAIRED, Refusal, TRANSPORT, WRONG_FINGERPRINT};

/// The Tauri event that carries the link's [`HostStatus`] on every change.
pub const HOST_EVENT: &str = "backroom://host";

/// What a call is refused with while the host does not answer.
pub const UNREACHABLE: &str = "Cannot reach the host; reconnecting…";
/// What the station says once the host no longer knows its key.
pub const REVOKED: &str = "This station was removed by a manager; pair again.";

/// The first wait before reconnecting, doubled after each failure up to the last.
const FIRST_RETRY: Duration = Duration::from_millis(500);
const LAST_RETRY: Duration = Duration::from_secs(4);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HostState {
    Connected,
    Unreachable,
    /// The host showed another certificate: the station stopped talking to it.
    WrongFingerprint,
    /// The host refused the station key: a manager removed this station.
    Revoked,
}

impl HostState {
    /// Whether the station has stopped talking to the host until it is paired again.
    fn is_final(self) -> bool {
        matches!(self, HostState::WrongFingerprint | HostState::Revoked)
    }
}

/// The payload of [`HOST_EVENT`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HostStatus {
    pub state: HostState,
    pub message: String,
    /// How the station's own scale and printer stand, once they said.
    pub devices: Option<String>,
}

pub struct HostLink {
    file: StationFile,
    client: HostClient,
    inner: Mutex<Inner>,
    /// Wakes the reconnecting loop early: a call got through, or the link is closing.
    wake: Condvar,
    closed: AtomicBool,
    window: AppHandle,
}

#[derive(Default)]
struct Inner {
    /// None until the host has been tried.
    status: Option<HostStatus>,
    devices: Option<String>,
    /// Events may have been missed since the stream was last up.
    missed: bool,
    nudged: bool,
}

/// How one turn of reading the event stream ended.
enum Turn {
    /// Try again after a pause; `was_up` when the stream had been connected.
    Again { was_up: bool },
    /// The station stopped talking to the host (another certificate, or revoked).
    Stop,
}

impl HostLink {
    /// Opens the link to the host `file` names and starts following its events.
    pub fn open(file: StationFile, window: AppHandle) -> Result<Arc<HostLink>, PairError> {
        let client = file.client()?;
        let link = Arc::new(HostLink {
            file,
            client,
            inner: Mutex::default(),
            wake: Condvar::new(),
            closed: AtomicBool::new(false),
            window,
        });
        let follower = Arc::clone(&link);
        std::thread::Builder::new()
            .name("host events".into())
            .spawn(move || follower.keep_in_touch())
            .map_err(|e| PairError::Unreachable {
                host: link.file.host.clone(),
                reason: format!("cannot start following its events: {e}"),
            })?;
        Ok(link)
    }

    pub fn file(&self) -> &StationFile {
        &self.file
    }

    /// The link's state, once the host has been tried.
    pub fn status(&self) -> Option<HostStatus> {
        self.lock().status.clone()
    }

    /// Stops following the host's events; the window hears nothing more from this link.
    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.wake.notify_all();
    }

    /// Runs command `cmd` on the host as the session `token` at this station, with the
    /// write's `request_id`. Blocks until the host answers.
    pub fn call(
        &self,
        cmd: &str,
        req: &Value,
        token: Option<&str>,
        request_id: Option<&str>,
    ) -> Result<Value, Refusal> {
        if let Some(stopped) = self.status().filter(|s| s.state.is_final()) {
            return Err(refusal_for(&stopped));
        }
        let key = Some(self.file.key.as_str());
        match self.client.call_once(cmd, req, key, token, request_id) {
            Ok(reply) if (200..300).contains(&reply.status) => {
                self.reached();
                Ok(reply.body)
            }
            Ok(reply) => Err(self.refused(&reply)),
            Err(failure) => Err(self.failed(&failure)),
        }
    }

    /// The host answered: it is up and still knows this station.
    fn reached(&self) {
        let was_down = self.status().is_some_and(|s| s.state != HostState::Connected);
        self.set(HostState::Connected, self.connected_message());
        if was_down {
            // The event stream may be waiting out a pause; have it try now.
            self.lock().nudged = true;
            self.wake.notify_all();
        }
    }

    /// The host answered with a refusal: passed on as it is, except a key it no longer knows,
    /// which ends the station's work until it is paired again.
    fn refused(&self, reply: &Reply) -> Refusal {
        let code = reply.body["code"].as_str();
        let message = reply.body["message"].as_str();
        if code == Some(NOT_PAIRED) {
            return refusal_for(&self.set(HostState::Revoked, REVOKED));
        }
        self.reached();
        match (code, message) {
            (Some(code), Some(message)) => Refusal::new(code, message),
            _ => Refusal::new(
                TRANSPORT,
                format!("The host answered {} without saying why; try again.", reply.status),
            ),
        }
    }

    /// No answer from the host: say why, and what the station does about it.
    fn failed(&self, failure: &PairError) -> Refusal {
        let status = match failure {
            PairError::WrongFingerprint { expected, seen } => {
                self.set(HostState::WrongFingerprint, refusal::wrong_fingerprint(expected, seen))
            }
            _ => {
                eprintln!("backroom-desktop: the host did not answer: {failure}");
                self.lock().missed = true;
                self.set(HostState::Unreachable, UNREACHABLE)
            }
        };
        refusal_for(&status)
    }

    /// The station's scale and printer said how they stand: the window hears it with the
    /// link's state. What only a person can mend (another certificate, a revoked key) stops
    /// the station's calls too, whichever of the two found it first.
    pub fn devices_said(&self, said: &AgentState) {
        match said.link {
            Link::WrongFingerprint => {
                self.set(HostState::WrongFingerprint, refusal::sentence(&said.message));
            }
            Link::Revoked => {
                self.set(HostState::Revoked, REVOKED);
            }
            Link::Connecting | Link::Connected | Link::Unreachable | Link::Refused => {
                let devices = Some(refusal::sentence(&said.message));
                let now = {
                    let mut inner = self.lock();
                    inner.devices.clone_from(&devices);
                    inner.status.as_mut().map(|status| {
                        status.devices = devices;
                        status.clone()
                    })
                };
                // Before the host was first tried there is no state to tell it with.
                if let Some(now) = now {
                    self.tell(HOST_EVENT, &now);
                }
            }
        }
    }

    fn connected_message(&self) -> String {
        format!("Connected to the warehouse at {} as {}.", self.file.host, self.file.station)
    }

    /// Records the link's state and tells the window when it changed; gives the state now in
    /// force. Once the station stopped talking to the host it stays stopped: only pairing
    /// again (a new link) mends that.
    fn set(&self, state: HostState, message: impl Into<String>) -> HostStatus {
        let (before, now) = {
            let mut inner = self.lock();
            if let Some(stopped) = inner.status.clone().filter(|s| s.state.is_final()) {
                return stopped;
            }
            let now = HostStatus { state, message: message.into(), devices: inner.devices.clone() };
            (inner.status.replace(now.clone()), now)
        };
        if before.as_ref() != Some(&now) {
            self.tell(HOST_EVENT, &now);
        }
        now
    }

    fn tell(&self, event: &str, payload: &impl Serialize) {
        if !self.closed.load(Ordering::SeqCst) {
            // With the window gone there is nobody to tell.
            let _ = self.window.emit(event, payload);
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Follows the host's events for as long as the link is open, reconnecting after each
    /// failure with a longer pause, until the station stops talking to the host.
    fn keep_in_touch(&self) {
        let mut pause = FIRST_RETRY;
        while !self.closed.load(Ordering::SeqCst) {
            match self.follow_events() {
                Turn::Stop => return,
                Turn::Again { was_up: true } => pause = FIRST_RETRY,
                Turn::Again { was_up: false } => {}
            }
            self.wait(pause);
            pause = (pause * 2).min(LAST_RETRY);
        }
    }

    /// One turn: asks the host whether it is up and still knows this station, then reads its
    /// event stream until it ends.
    fn follow_events(&self) -> Turn {
        let key = Some(self.file.key.as_str());
        match self.client.call("health", &json!({}), key, None) {
            Ok(reply) if reply.status == 200 => {}
            Ok(reply) if reply.body["code"] == NOT_PAIRED => {
                self.refused(&reply);
                return Turn::Stop;
            }
            Ok(reply) => {
                // Up, but refusing this station for now (busy, or a name it does not answer
                // to): the window hears the host's own words.
                let message = reply.body["message"].as_str().map(refusal::sentence);
                self.lock().missed = true;
                self.set(HostState::Unreachable, message.unwrap_or_else(|| UNREACHABLE.to_owned()));
                return Turn::Again { was_up: false };
            }
            Err(failure) => {
                self.failed(&failure);
                return self.after_failure();
            }
        }
        let stream = match self.client.events(key) {
            Ok(stream) => stream,
            Err(failure) => {
                self.failed(&failure);
                return self.after_failure();
            }
        };
        self.set(HostState::Connected, self.connected_message());
        if std::mem::take(&mut self.lock().missed) {
            // Changes made while the stream was down never reached the window: have it
            // refresh everything, as the browser's event stream does.
            self.tell(EVENT, &json!({"type": "data_changed", "what": "all"}));
        }
        self.read_events(stream);
        if !self.closed.load(Ordering::SeqCst) {
            self.lock().missed = true;
            self.set(HostState::Unreachable, UNREACHABLE);
        }
        Turn::Again { was_up: true }
    }

    fn after_failure(&self) -> Turn {
        match self.status() {
            Some(status) if status.state.is_final() => Turn::Stop,
            _ => Turn::Again { was_up: false },
        }
    }

    /// Hands each server-sent event's data to the window until the stream ends or fails.
    fn read_events(&self, stream: impl Read) {
        let mut event = EventLines::default();
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { return };
            if self.closed.load(Ordering::SeqCst) {
                return;
            }
            let Some(data) = event.feed(&line) else { continue };
            match serde_json::from_str::<Value>(&data) {
                Ok(event) => self.tell(EVENT, &event),
                // An event this shell cannot read is skipped; the next refresh catches up.
                Err(e) => eprintln!("backroom-desktop: an unreadable event from the host: {e}"),
            }
        }
    }

    /// Waits `pause`, or less when a call got through or the link is closing.
    fn wait(&self, pause: Duration) {
        let inner = self.lock();
        let keep_waiting = |inner: &mut Inner| !inner.nudged && !self.closed.load(Ordering::SeqCst);
        let (mut inner, _) = self
            .wake
            .wait_timeout_while(inner, pause, keep_waiting)
            .unwrap_or_else(PoisonError::into_inner);
        inner.nudged = false;
    }
}

/// The lines of a server-sent event stream, gathered into each event's data.
#[derive(Default)]
struct EventLines {
    data: Option<String>,
}

impl EventLines {
    /// Takes one line; gives the event's data when the line ends an event. Lines other than
    /// `data:` (`:` keep-alives, `id:`, `event:`) carry nothing for the window.
    fn feed(&mut self, line: &str) -> Option<String> {
        if line.is_empty() {
            return self.data.take();
        }
        let rest = line.strip_prefix("data:")?;
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        match &mut self.data {
            Some(data) => {
                data.push('\n');
                data.push_str(rest);
            }
            None => self.data = Some(rest.to_owned()),
        }
        None
    }
}

/// What a call is refused with in `status`.
fn refusal_for(status: &HostStatus) -> Refusal {
    let code = match status.state {
        HostState::Revoked => NOT_PAIRED,
        HostState::WrongFingerprint => WRONG_FINGERPRINT,
        HostState::Connected | HostState::Unreachable => TRANSPORT,
    };
    Refusal::new(code, status.message.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_sent_events_are_gathered_line_by_line() {
        let stream = ":keep-alive\n\ndata: {\"type\":\"data_changed\",\"what\":\"stations\"}\n\n\
                      event: message\ndata:{\"a\":\ndata: 1}\n\n\n";
        let mut lines = EventLines::default();
        let events: Vec<String> = stream.lines().filter_map(|line| lines.feed(line)).collect();
        assert_eq!(events, [r#"{"type":"data_changed","what":"stations"}"#, "{\"a\":\n1}"]);
    }

    #[test]
    fn a_call_is_refused_in_the_words_of_the_links_state() {
        let status = |state| HostStatus { state, message: "why".into(), devices: None };
        assert_eq!(refusal_for(&status(HostState::Unreachable)).code, "transport");
        assert_eq!(refusal_for(&status(HostState::Revoked)).code, "not_paired");
        assert_eq!(refusal_for(&status(HostState::WrongFingerprint)).code, "wrong_fingerprint");
        assert!(HostState::Revoked.is_final() && HostState::WrongFingerprint.is_final());
        assert!(!HostState::Unreachable.is_final() && !HostState::Connected.is_final());
    }
}
