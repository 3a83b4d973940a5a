//! Times as stored: RFC 3339 in UTC, which sorts as text.

use chrono::{DateTime, SecondsFormat, Utc};

pub fn to_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A stored time back as a time; `None` for text that is not RFC 3339.
pub fn parse(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|at| at.with_timezone(&Utc))
}
