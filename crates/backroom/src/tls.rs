//! The host's certificate and the stations' trust in it.
//!
//! In LAN mode the host serves HTTPS with a self-signed certificate made at its first start
//! and kept beside the database, so it stays the same across restarts. No authority vouches
//! for it: a station trusts the host by its certificate's SHA-256 fingerprint, which both
//! sides show and a person compares once, at pairing. From then on the station pins that
//! fingerprint and refuses any other certificate, saying both.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};

/// Why the host's certificate could not be made, read or used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot {action} {}: {source}", path.display())]
    File { action: &'static str, path: PathBuf, source: std::io::Error },
    #[error("the certificate in {} cannot be read ({reason}); move it and its key away to make a new one (every station must then be paired again)", path.display())]
    Unreadable { path: PathBuf, reason: String },
    #[error("cannot make the host's certificate: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("cannot set up TLS: {0}")]
    Rustls(#[from] rustls::Error),
}

/// The host's certificate and private key, and the fingerprint stations compare.
#[derive(Debug)]
pub struct HostCertificate {
    pub cert: CertificateDer<'static>,
    pub key: PrivateKeyDer<'static>,
    pub fingerprint: String,
    /// Where the certificate is kept.
    pub path: PathBuf,
}

/// The certificate and key files of the database at `db`: `NAME.host.crt` and `NAME.host.key`
/// beside it.
pub fn certificate_paths(db: &Path) -> (PathBuf, PathBuf) {
    let name = db.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let dir = db.parent().unwrap_or(Path::new("."));
    (dir.join(format!("{name}.host.crt")), dir.join(format!("{name}.host.key")))
}

/// The host's certificate for the database at `db`: the one kept beside it, or a new one made
/// now for `names` (host names and addresses, which a browser shows) and kept for next time.
pub fn host_certificate(db: &Path, names: &[String]) -> Result<HostCertificate, TlsError> {
    let (cert_path, key_path) = certificate_paths(db);
    if !cert_path.exists() || !key_path.exists() {
        make_certificate(&cert_path, &key_path, names)?;
    }
    let unreadable = |path: &Path, e: rustls::pki_types::pem::Error| TlsError::Unreadable {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    let cert = CertificateDer::from_pem_file(&cert_path).map_err(|e| unreadable(&cert_path, e))?;
    let key = PrivateKeyDer::from_pem_file(&key_path).map_err(|e| unreadable(&key_path, e))?;
    Ok(HostCertificate { fingerprint: fingerprint(&cert), cert, key, path: cert_path })
}

/// Makes a self-signed certificate and writes it, the key readable by this user only.
fn make_certificate(cert_path: &Path, key_path: &Path, names: &[String]) -> Result<(), TlsError> {
    let mut names = names.to_vec();
    names.insert(0, "localhost".to_owned());
    let made = rcgen::generate_simple_self_signed(names)?;
    if let Some(dir) = key_path.parent() {
        fs::create_dir_all(dir).map_err(file_error("create the folder", dir))?;
    }
    write_private(key_path, made.signing_key.serialize_pem().as_bytes())?;
    fs::write(cert_path, made.cert.pem()).map_err(file_error("write", cert_path))
}

/// Writes a secret to a new file only this user may read (mode 0600 on Unix).
pub fn write_private(path: &Path, contents: &[u8]) -> Result<(), TlsError> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(file_error("write", path))?;
    // A file that existed keeps its old mode through `open`; make sure of it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(file_error("protect", path))?;
    }
    file.write_all(contents).map_err(file_error("write", path))
}

fn file_error(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> TlsError {
    let path = path.to_owned();
    move |source| TlsError::File { action, path, source }
}

/// The TLS settings the host serves with.
pub fn server_config(host: &HostCertificate) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(vec![host.cert.clone()], host.key.clone_key())?;
    Ok(Arc::new(config))
}

/// The ring provider: it builds with no C toolchain beyond what SQLite needs. It lacks the
/// post-quantum key exchange, which a warehouse's own network with a pinned certificate can do
/// without.
#[allow(deprecated)]
fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A certificate's SHA-256 fingerprint as people compare it: sixteen groups of four capitals
/// and digits.
pub fn fingerprint(cert: &CertificateDer<'_>) -> String {
    let hex: String = Sha256::digest(cert.as_ref()).iter().map(|b| format!("{b:02X}")).collect();
    let groups: Vec<&str> =
        hex.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap_or("")).collect();
    groups.join(" ")
}

/// A fingerprint as typed or pasted, reduced to its hex digits in capitals, so `ab:cd`,
/// `ABCD` and `AB CD` compare equal.
pub fn normal_fingerprint(text: &str) -> String {
    text.chars().filter(char::is_ascii_hexdigit).map(|c| c.to_ascii_uppercase()).collect()
}

/// Trusts a host by its certificate's fingerprint alone. With a fingerprint to expect, any
/// other certificate is refused; without one, any is accepted and only noted, which is for
/// learning what the host shows before a person confirms it, never for sending a secret.
#[derive(Debug)]
pub struct PinnedHost {
    expected: Option<String>,
    seen: Mutex<Option<String>>,
    provider: Arc<CryptoProvider>,
}

impl PinnedHost {
    pub fn new(expected: Option<&str>) -> Arc<PinnedHost> {
        Arc::new(PinnedHost {
            expected: expected.map(normal_fingerprint),
            seen: Mutex::new(None),
            provider: provider(),
        })
    }

    /// The fingerprint of the certificate the host showed, once it has shown one.
    pub fn seen(&self) -> Option<String> {
        self.seen.lock().map(|seen| seen.clone()).unwrap_or_default()
    }

    /// Whether the host showed a certificate other than the one expected.
    pub fn mismatch(&self) -> Option<String> {
        let seen = self.seen()?;
        let expected = self.expected.as_ref()?;
        (normal_fingerprint(&seen) != *expected).then_some(seen)
    }

    /// TLS settings for a client that trusts this pin.
    pub fn client_config(self: &Arc<PinnedHost>) -> Result<Arc<rustls::ClientConfig>, TlsError> {
        let config = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()?
            .dangerous()
            .with_custom_certificate_verifier(self.clone())
            .with_no_client_auth();
        Ok(Arc::new(config))
    }
}

impl ServerCertVerifier for PinnedHost {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let seen = fingerprint(end_entity);
        if let Ok(mut slot) = self.seen.lock() {
            *slot = Some(seen.clone());
        }
        match &self.expected {
            Some(expected) if normal_fingerprint(&seen) != *expected => {
                Err(rustls::Error::General(format!("the host's certificate is {seen}")))
            }
            _ => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_certificate_is_made_once_and_its_key_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("backroom.db");
        let first = host_certificate(&db, &["192.0.2.10".into()]).unwrap();
        let again = host_certificate(&db, &[]).unwrap();
        assert_eq!(first.fingerprint, again.fingerprint, "the certificate is kept");
        assert_eq!(first.fingerprint.len(), 16 * 4 + 15, "{}", first.fingerprint);
        let (_, key) = certificate_paths(&db);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&key).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "the key is readable by its owner only");
        }
        assert!(server_config(&first).is_ok());
    }

    #[test]
    fn fingerprints_compare_however_they_are_written() {
        assert_eq!(normal_fingerprint("ab:cd 12-ef"), "ABCD12EF");
    }
}
