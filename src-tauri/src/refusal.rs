//! What the window's calls reject with: `{code, message}`, the same shape `backroom serve`
//! answers errors in, so the UI reads a refusal from its own database and one from a host
//! alike. Besides the API's codes, the shell adds the ones only a station meets.

use backroom_api::ApiError;
use serde::Serialize;

/// The host did not answer (or its answer was lost): nothing is known to have been done.
pub const TRANSPORT: &str = "transport";
/// The host showed a certificate other than the one confirmed at pairing.
pub const WRONG_FINGERPRINT: &str = "wrong_fingerprint";
/// The API's code for a station key the host no longer knows.
pub const NOT_PAIRED: &str = "not_paired";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    pub code: String,
    pub message: String,
}

impl Refusal {
    pub fn new(code: &str, message: impl Into<String>) -> Refusal {
        Refusal { code: code.to_owned(), message: message.into() }
    }
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Refusal {
        // The code serialises as the snake_case name the UI switches on.
        let code = serde_json::to_value(error.code)
            .ok()
            .and_then(|code| code.as_str().map(str::to_owned))
            .unwrap_or_else(|| "storage".to_owned());
        Refusal { code, message: error.message }
    }
}

/// What a station says when its host shows another certificate than the one confirmed when
/// it joined: both fingerprints, for whoever looks into it.
pub fn wrong_fingerprint(expected: &str, seen: &str) -> String {
    format!(
        "The host's certificate is not the one confirmed when this station joined, so the \
         station stopped and sent nothing. Expected: {expected}. The host shows: {seen}. If the \
         host was set up again, join its warehouse again; otherwise something on the network is \
         posing as the host."
    )
}

/// A message as a sentence for a person: its first letter a capital.
pub fn sentence(text: &str) -> String {
    let mut chars = text.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use backroom_api::ErrorCode;

    #[test]
    fn an_api_error_keeps_its_code_as_the_ui_knows_it() {
        let refusal = Refusal::from(ApiError::new(ErrorCode::NotSignedIn, "sign in first"));
        assert_eq!(refusal, Refusal::new("not_signed_in", "sign in first"));
    }

    #[test]
    fn a_message_starts_with_a_capital() {
        assert_eq!(
            sentence("that pairing code has expired; ask a manager for a new one"),
            "That pairing code has expired; ask a manager for a new one"
        );
        assert_eq!(sentence(""), "");
    }
}
