//! Joining a warehouse on this network: read the host's address as a person types it, learn
//! the host's certificate fingerprint for them to compare with what the host shows, and trade
//! a manager's pairing code for a station key, pinned to the fingerprint they confirmed.

use backroom::pairing_client::{self, HostClient, PairError, StationFile};
use serde::Serialize;

use crate::refusal::{self, Refusal, TRANSPORT, WRONG_FINGERPRINT};

/// The port `backroom serve --lan` listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 7878;

/// What `probe_host` answers: the fingerprint to compare with the host's screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Probe {
    pub fingerprint: String,
}

/// `192.168.1.10`, `192.168.1.10:7878`, `backroom.local`, `[fe80::1]:7878` or an address
/// copied from the host's screen (`https://192.168.1.10:7878/`), as `https://ADDRESS:PORT`.
/// A host on the network is reached over HTTPS only, so `http://` is read as `https://`.
pub fn host_address(typed: &str) -> Result<String, Refusal> {
    let bad = || {
        Refusal::new(
            "invalid",
            "Type the host's address as the host shows it, such as 192.168.1.10 or \
             192.168.1.10:7878.",
        )
    };
    let text = typed.trim();
    let text =
        text.strip_prefix("https://").or_else(|| text.strip_prefix("http://")).unwrap_or(text);
    let authority = text.split('/').next().unwrap_or_default();
    let (name, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (inside, after) = rest.split_once(']').ok_or_else(bad)?;
        inside.parse::<std::net::Ipv6Addr>().map_err(|_| bad())?;
        (format!("[{inside}]"), after.strip_prefix(':'))
    } else {
        match authority.split_once(':') {
            Some((name, port)) => (name.to_owned(), Some(port)),
            None => (authority.to_owned(), None),
        }
    };
    let name_chars = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_');
    let is_name = name.starts_with('[') || (!name.is_empty() && name.chars().all(name_chars));
    if !is_name {
        return Err(bad());
    }
    let port = match port {
        None => DEFAULT_PORT,
        Some(port) => port.parse::<u16>().ok().filter(|p| *p != 0).ok_or_else(bad)?,
    };
    Ok(format!("https://{}:{port}", name.to_ascii_lowercase()))
}

/// Asks the host at `host` whether it is up and what certificate it shows. Sends nothing
/// secret, so it may trust any certificate: the person compares the fingerprint.
pub fn probe(host: &str) -> Result<Probe, Refusal> {
    let host = host_address(host)?;
    let fingerprint = HostClient::new(&host, None)
        .and_then(|client| client.fingerprint())
        .map_err(|e| refusal_for(&host, &e))?;
    Ok(Probe { fingerprint })
}

/// Pairs with the host at `host` using a manager's `code`, if the host still shows the
/// `fingerprint` the person confirmed.
pub fn pair(host: &str, code: &str, fingerprint: &str) -> Result<StationFile, Refusal> {
    let host = host_address(host)?;
    let code = code.trim();
    if code.is_empty() {
        return Err(Refusal::new("invalid", "Type the pairing code the manager gave you."));
    }
    if fingerprint.trim().is_empty() {
        return Err(Refusal::new(
            "invalid",
            "Compare the host's fingerprint with the one on its screen first.",
        ));
    }
    pairing_client::pair(&host, code, Some(fingerprint), |_| false)
        .map_err(|e| refusal_for(&host, &e))
}

/// What a failure to probe or pair is refused with, in words for the person joining.
pub fn refusal_for(host: &str, failure: &PairError) -> Refusal {
    match failure {
        PairError::WrongFingerprint { expected, seen } => {
            Refusal::new(WRONG_FINGERPRINT, refusal::wrong_fingerprint(expected, seen))
        }
        PairError::Unreachable { reason, .. } => {
            eprintln!("backroom-desktop: cannot reach {host}: {reason}");
            Refusal::new(
                TRANSPORT,
                format!(
                    "Cannot reach a Backroom host at {host}. Check the address, and that \
                     Backroom is running there for the network."
                ),
            )
        }
        // The host's own words: an unknown, used or expired code, or too many tries.
        PairError::Refused(message) => Refusal::new("invalid", refusal::sentence(message)),
        PairError::Keep { .. } => Refusal::new("storage", refusal::sentence(&failure.to_string())),
        PairError::NotConfirmed | PairError::Tls(_) => {
            Refusal::new(TRANSPORT, refusal::sentence(&failure.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_address_is_read_however_it_is_typed() {
        for (typed, address) in [
            ("192.168.1.10", "https://192.168.1.10:7878"),
            (" 192.168.1.10:7878 ", "https://192.168.1.10:7878"),
            ("192.168.1.10:9000", "https://192.168.1.10:9000"),
            ("https://192.168.1.10:7878/", "https://192.168.1.10:7878"),
            ("http://192.168.1.10:7878", "https://192.168.1.10:7878"),
            ("https://Backroom.local", "https://backroom.local:7878"),
            ("[fe80::1]:7878", "https://[fe80::1]:7878"),
            ("https://[FE80::1]", "https://[fe80::1]:7878"),
        ] {
            assert_eq!(host_address(typed), Ok(address.to_owned()), "{typed}");
        }
    }

    #[test]
    fn what_is_no_host_address_is_refused_with_an_example() {
        for typed in
            ["", "https://", "192.168.1.10:", "192.168.1.10:http", "host:99999", "a b", "[zz]:1"]
        {
            let refused = host_address(typed).expect_err(typed);
            assert_eq!(refused.code, "invalid");
            assert!(refused.message.contains("192.168.1.10"), "{}", refused.message);
        }
    }

    #[test]
    fn a_pairing_failure_speaks_to_the_person_joining() {
        let expired = PairError::Refused(
            "that pairing code has expired; ask a manager for a new one".to_owned(),
        );
        let refused = refusal_for("https://10.0.0.2:7878", &expired);
        assert_eq!(refused.code, "invalid");
        assert_eq!(refused.message, "That pairing code has expired; ask a manager for a new one");

        let gone = PairError::Unreachable {
            host: "https://10.0.0.2:7878".into(),
            reason: "Connection refused (os error 111)".into(),
        };
        let refused = refusal_for("https://10.0.0.2:7878", &gone);
        assert_eq!(refused.code, "transport");
        assert!(refused.message.contains("https://10.0.0.2:7878"), "{}", refused.message);
        assert!(!refused.message.contains("os error"), "{}", refused.message);

        let other =
            PairError::WrongFingerprint { expected: "AAAA BBBB".into(), seen: "CCCC DDDD".into() };
        let refused = refusal_for("https://10.0.0.2:7878", &other);
        assert_eq!(refused.code, "wrong_fingerprint");
        assert!(refused.message.contains("AAAA BBBB") && refused.message.contains("CCCC DDDD"));
    }

    #[test]
    fn pairing_without_a_code_or_a_confirmed_fingerprint_sends_nothing() {
        // Port 9 on loopback answers nobody: a refusal naming the host would mean it was tried.
        let no_code = pair("127.0.0.1:9", "  ", "AAAA").unwrap_err();
        assert!(no_code.message.contains("pairing code"), "{}", no_code.message);
        let no_fingerprint = pair("127.0.0.1:9", "ABCD-EFGH", " ").unwrap_err();
        assert!(no_fingerprint.message.contains("fingerprint"), "{}", no_fingerprint.message);
    }
}
