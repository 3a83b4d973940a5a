//! Retries never apply a write twice. A station sends each write with a request id of its own
//! making and sends the same id again when it retries after a lost reply; the first reply was
//! kept in the command's own transaction, so the retry gets it back and nothing runs again.

use crate::store::{OptionalExtension, Transaction, params};
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::context::Actor;
use crate::error::ApiError;

/// How long a reply is kept for a retry.
pub const KEPT_FOR: Duration = Duration::days(1);

/// The longest request id accepted: a UUID is 36 characters.
pub const MAX_ID_CHARS: usize = 100;

/// A write's request id, checked: printable ASCII, at most [`MAX_ID_CHARS`].
pub fn check_id(id: &str) -> Result<&str, ApiError> {
    let id = id.trim();
    let printable = id.bytes().all(|b| b.is_ascii_graphic());
    if id.is_empty() || id.len() > MAX_ID_CHARS || !printable {
        return Err(id_refused());
    }
    Ok(id)
}

/// The refusal of a request id that is not one.
pub fn id_refused() -> ApiError {
    ApiError::bad_request(format!(
        "a request id is 1 to {MAX_ID_CHARS} printable characters without spaces"
    ))
}

/// One write sent with a request id: who sent it and what it asked.
pub struct Request<'a> {
    pub id: &'a str,
    caller: String,
    command: &'a str,
    sha256: String,
}

impl<'a> Request<'a> {
    /// `caller` says who sent it: the operator and station of a session, or without one the
    /// address it came from (`client`), so one station's ids never answer another's.
    pub fn new(
        id: &'a str,
        actor: Option<&Actor>,
        client: Option<std::net::IpAddr>,
        command: &'a str,
        req: &Value,
    ) -> Request<'a> {
        let caller = match (actor, client) {
            (Some(actor), _) => format!(
                "operator {} at station {}",
                actor.operator_id.map_or("-".to_owned(), |id| id.to_string()),
                actor.station_id.map_or("-".to_owned(), |id| id.to_string()),
            ),
            (None, Some(address)) => format!("address {address}"),
            (None, None) => "this machine".to_owned(),
        };
        // No body and an empty one are the same request.
        let body = if req.is_null() { "{}".to_owned() } else { req.to_string() };
        let sha256 = format!("{:x}", Sha256::digest(body.as_bytes()));
        Request { id, caller, command, sha256 }
    }

    /// The reply this request got the first time, if it was applied; the same id sent with
    /// another command or another request is refused.
    pub fn first_reply(&self, tx: &Transaction<'_>) -> Result<Option<Value>, ApiError> {
        let found: Option<(String, String, String)> = tx
            .prepare_cached(
                "SELECT command, request_sha256, reply FROM applied_requests
                 WHERE caller = ?1 AND request_id = ?2",
            )?
            .query_row(params![self.caller, self.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let Some((command, sha256, reply)) = found else { return Ok(None) };
        if command != self.command || sha256 != self.sha256 {
            return Err(ApiError::conflict(
                "this request id was already used for a different request; nothing was done. \
                 Send a new request id with each new request",
            ));
        }
        let reply = serde_json::from_str(&reply)
            .map_err(|e| ApiError::storage(format!("a kept reply did not decode: {e}")))?;
        Ok(Some(reply))
    }

    /// Keeps the reply in the command's transaction, and forgets replies older than
    /// [`KEPT_FOR`].
    pub fn keep_reply(
        &self,
        tx: &Transaction<'_>,
        reply: &Value,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        let forget_before = crate::time::to_text(now - KEPT_FOR);
        tx.prepare_cached("DELETE FROM applied_requests WHERE applied_at < ?1")?
            .execute([forget_before])?;
        tx.prepare_cached(
            "INSERT INTO applied_requests
                 (caller, request_id, command, request_sha256, reply, applied_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            self.caller,
            self.id,
            self.command,
            self.sha256,
            reply.to_string(),
            crate::time::to_text(now)
        ])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_older_than_a_day_are_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let location = crate::store::Location::File(dir.path().join("b.db"));
        let mut conn = crate::db::open_store(&location).unwrap();
        let tx =
            conn.begin(crate::store::Access::Write, std::time::Duration::from_secs(1)).unwrap();
        let now = Utc::now();
        let ok = serde_json::json!({"ok": true});
        let old = Request::new("old", None, None, "sign_out", &Value::Null);
        old.keep_reply(&tx, &ok, now - Duration::hours(48)).unwrap();
        assert_eq!(old.first_reply(&tx).unwrap(), Some(ok.clone()));
        let recent = Request::new("recent", None, None, "sign_out", &Value::Null);
        recent.keep_reply(&tx, &ok, now - Duration::hours(23)).unwrap();
        let new = Request::new("new", None, None, "sign_out", &Value::Null);
        new.keep_reply(&tx, &ok, now).unwrap();
        assert_eq!(old.first_reply(&tx).unwrap(), None, "kept for more than a day");
        assert_eq!(recent.first_reply(&tx).unwrap(), Some(ok.clone()));
        assert_eq!(new.first_reply(&tx).unwrap(), Some(ok));
    }

    #[test]
    fn no_body_and_an_empty_body_are_the_same_request() {
        let a = Request::new("id", None, None, "sign_out", &Value::Null);
        let b = Request::new("id", None, None, "sign_out", &serde_json::json!({}));
        assert_eq!(a.sha256, b.sha256);
    }

    #[test]
    fn a_request_id_is_short_and_printable() {
        assert_eq!(check_id(" 5e1d-0c8a ").unwrap(), "5e1d-0c8a");
        for bad in ["", "   ", "two words", "tab\there", &"x".repeat(MAX_ID_CHARS + 1)] {
            assert!(check_id(bad).is_err(), "{bad:?}");
        }
    }
}
