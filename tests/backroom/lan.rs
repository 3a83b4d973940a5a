//! `backroom serve --lan` as other machines see it: HTTPS with the certificate kept beside the
//! database (for a PostgreSQL database, in the host's data folder), trusted by its fingerprint
//! alone; plain HTTP only on loopback; pairing stations
//! with one-time codes and station keys; and the guards of loopback (hosts, origins, JSON
//! bodies, sign-in lockout) checked again over TLS.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::Arc;

use backroom::pairing_client::{HostClient, PairError, StationFile};
use backroom::tls::PinnedHost;
use backroom_api::store::Location;
use backroom_api::testing::TestDatabase;
use serde_json::{Value, json};

use crate::concurrency::{Hosted, Served};
use crate::support;

/// `backroom serve --lan` on free loopback ports, over a database of the small warehouse.
/// Dropping it stops it.
pub struct LanHost {
    child: Child,
    _stdout: BufReader<ChildStdout>,
    /// `127.0.0.1:PORT`, served over HTTPS.
    pub addr: String,
    /// The certificate fingerprint the host printed.
    pub fingerprint: String,
    /// The database and the test's folder the host keeps its files in.
    pub hosted: Hosted,
    /// The path the host keeps its certificate beside (`App::path` in the host).
    pub files: PathBuf,
}

impl LanHost {
    pub fn start() -> LanHost {
        let hosted = Hosted::new(support::warehouse());
        let files = files_path(&hosted);
        let (child, stdout, addr, fingerprint) = serve_lan(&hosted, "127.0.0.1:0");
        LanHost { child, _stdout: stdout, addr, fingerprint, hosted, files }
    }

    /// The host's database, to read and change as another program would.
    pub fn db(&self) -> &TestDatabase {
        &self.hosted.db
    }

    /// Kills the host as a power cut would (`kill -9`).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the host again on the same address and database, after [`LanHost::kill`].
    pub fn restart(&mut self) {
        let (child, stdout, addr, fingerprint) = serve_lan(&self.hosted, &self.addr);
        assert_eq!((&addr, &fingerprint), (&self.addr, &self.fingerprint), "the same host again");
        (self.child, self._stdout) = (child, stdout);
    }

    pub fn url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// A client that trusts this host's certificate.
    pub fn client(&self) -> HostClient {
        HostClient::new(&self.url(), Some(&self.fingerprint)).unwrap()
    }

    /// Runs a command over HTTPS and returns the status and the JSON reply.
    pub fn call(
        &self,
        name: &str,
        req: Value,
        key: Option<&str>,
        token: Option<&str>,
    ) -> (u16, Value) {
        let reply = self.client().call(name, &req, key, token).unwrap();
        (reply.status, reply.body)
    }

    /// A manager's session over HTTPS at an unpaired station.
    pub fn manager(&self) -> String {
        let (status, session) =
            self.call("sign_in", json!({"station": "Pick 1", "credential": "9999"}), None, None);
        assert_eq!(status, 200, "{session}");
        session["token"].as_str().unwrap().to_owned()
    }

    /// A pairing code for `station`, as a manager gets it over HTTPS.
    pub fn code(&self, station: &str) -> Value {
        let token = self.manager();
        let (status, code) =
            self.call("create_pairing_code", json!({"station": station}), None, Some(&token));
        assert_eq!(status, 200, "{code}");
        code
    }

    /// Sends `request` as it is over a TLS connection pinned to the host's certificate, and
    /// returns the status and the JSON body.
    pub fn exchange(&self, request: &str) -> (u16, Value) {
        let pin = PinnedHost::new(Some(&self.fingerprint));
        let config = pin.client_config().unwrap();
        let name = "localhost".try_into().unwrap();
        let connection = rustls::ClientConnection::new(Arc::clone(&config), name).unwrap();
        let socket = TcpStream::connect(&self.addr).unwrap();
        socket.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
        let mut stream = rustls::StreamOwned::new(connection, socket);
        stream.write_all(request.as_bytes()).unwrap();
        let mut reply = Vec::new();
        // The server closes after `Connection: close`; a TLS close without notify is fine here.
        let _ = stream.read_to_end(&mut reply);
        let reply = String::from_utf8_lossy(&reply);
        let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        (status, serde_json::from_str(body).unwrap_or(Value::Null))
    }

    /// Pairs with `backroom pair`, keeping the key under `data_home`; returns the process's
    /// exit status, its output and its errors.
    pub fn pair_cli(
        &self,
        code: &str,
        fingerprint: &str,
        data_home: &Path,
    ) -> (bool, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_backroom"))
            .args(["pair", "--host", &self.url(), "--code", code, "--fingerprint", fingerprint])
            .env("XDG_DATA_HOME", data_home)
            .env("HOME", data_home)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (out.status.success(), text(&out.stdout), text(&out.stderr))
    }
}

/// Where the host started by [`serve_lan`] keeps its files: beside a SQLite file, or for a
/// PostgreSQL database under the data folder it is given, named as the app names it.
fn files_path(hosted: &Hosted) -> PathBuf {
    match &hosted.db.location {
        Location::File(path) => path.clone(),
        location @ Location::Postgres(_) => {
            let named = backroom_api::db::files_path(location);
            data_home(hosted).join("backroom").join(named.file_name().unwrap())
        }
    }
}

/// The data folder of the host's process: the test's own.
fn data_home(hosted: &Hosted) -> PathBuf {
    hosted.folder().join("data")
}

/// Starts `backroom serve --lan` on `addr` over the database; gives the process, its output,
/// the address it serves and the fingerprint it printed.
fn serve_lan(hosted: &Hosted, addr: &str) -> (Child, BufReader<ChildStdout>, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_backroom"))
        .arg("--db")
        .arg(hosted.db_arg())
        .args(["serve", "--lan", "--addr", addr, "--loopback-addr", "off"])
        .env("XDG_DATA_HOME", data_home(hosted))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("backroom serve --lan starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    let mut fingerprint = None;
    while fingerprint.is_none() {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap() == 0 {
            let _ = child.kill();
            panic!("backroom serve --lan stopped before its fingerprint: {lines:?}");
        }
        fingerprint =
            line.strip_prefix("certificate fingerprint (SHA-256): ").map(|f| f.trim().to_owned());
        lines.push(line);
    }
    let addr = lines[0]
        .trim()
        .strip_prefix("Backroom is serving https://")
        .map(|rest| rest.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| panic!("no HTTPS address in {lines:?}"));
    (child, stdout, addr, fingerprint.unwrap())
}

impl Drop for LanHost {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn post(host: &str, path: &str, extra: &str, body: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

#[test]
fn the_host_serves_https_trusted_by_its_fingerprint_and_refuses_a_station_expecting_another() {
    let host = LanHost::start();
    let (status, health) = host.call("health", json!({}), None, None);
    assert_eq!(status, 200, "{health}");
    assert_eq!(health["ok"], true);

    let other = "00".repeat(32);
    let refused =
        HostClient::new(&host.url(), Some(&other)).unwrap().call("health", &json!({}), None, None);
    let Err(error @ PairError::WrongFingerprint { .. }) = refused else {
        panic!("a station expecting another certificate went on: {refused:?}");
    };
    let message = error.to_string();
    assert!(message.contains(&host.fingerprint), "the host's fingerprint is shown: {message}");
    assert!(message.contains("0000 0000"), "the expected fingerprint is shown: {message}");

    // `backroom pair` stops there too, says why with both fingerprints, and keeps nothing.
    let home = tempfile::tempdir().unwrap();
    let (ok, _, errors) = host.pair_cli("AAAA-AAAA", &other, home.path());
    assert!(!ok, "pairing went on with another certificate");
    assert!(errors.contains(&host.fingerprint) && errors.contains("0000 0000"), "{errors}");
    assert!(!home.path().join("backroom").join("station.json").exists());

    // The certificate is kept: a restart serves the same one.
    let files = host.files.clone();
    let first = host.fingerprint.clone();
    let (cert, key) = backroom::tls::certificate_paths(&files);
    assert!(cert.is_file() && key.is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let again = backroom::tls::host_certificate(&files, &[]).unwrap();
    assert_eq!(again.fingerprint, first);
}

#[test]
fn an_address_beyond_loopback_without_lan_is_refused_with_how_to_start_lan_mode() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_backroom"))
        .arg("--db")
        .arg(dir.path().join("b.db"))
        .args(["serve", "--addr", "0.0.0.0:0"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success(), "it served the network in plain HTTP");
    let errors = String::from_utf8_lossy(&out.stderr);
    assert!(errors.contains("backroom serve --lan"), "{errors}");
    assert!(out.stdout.is_empty(), "it said it was serving: {:?}", out.stdout);
}

#[test]
fn a_station_pairs_with_a_code_keeps_its_key_privately_and_signs_in_with_it() {
    let host = LanHost::start();
    let code = host.code("Bench 2");
    assert_eq!(code["station"], "Bench 2");
    assert_eq!(code["fingerprint"], host.fingerprint.as_str(), "the manager sees the fingerprint");
    let home = tempfile::tempdir().unwrap();
    // Typed as people type it: lower case, no dash.
    let typed = code["code"].as_str().unwrap().replace('-', "").to_lowercase();
    let (ok, out, errors) = host.pair_cli(&typed, &host.fingerprint.replace(' ', ":"), home.path());
    assert!(ok, "pairing failed: {out}{errors}");
    let kept = home.path().join("backroom").join("station.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&kept).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the station key is readable by its owner only");
    }
    let station = StationFile::load(&kept).unwrap();
    assert_eq!(station.station, "Bench 2");
    assert_eq!(station.fingerprint, host.fingerprint);
    assert_eq!(station.key.len(), 64);

    // The key opens the station: an operator signs in there and works.
    let client = station.client().unwrap();
    let sign_in = json!({"station": "Bench 2", "credential": "1111"});
    let session = client.call("sign_in", &sign_in, Some(&station.key), None).unwrap();
    assert_eq!(session.status, 200, "{}", session.body);
    let token = session.body["token"].as_str().unwrap();
    let whoami = client.call("whoami", &json!({}), Some(&station.key), Some(token)).unwrap();
    assert_eq!(whoami.body["station"], "Bench 2", "{}", whoami.body);

    // Without the key, the station's name alone signs nobody in, and its session is no use.
    let (status, refused) = host.call("sign_in", sign_in.clone(), None, None);
    assert_eq!((status, refused["code"].as_str()), (403, Some("forbidden")), "{refused}");
    let (status, refused) = host.call("whoami", json!({}), None, Some(token));
    assert_eq!(status, 401, "a session bound to a key worked without it: {refused}");

    let manager = host.manager();
    let (_, list) = host.call("list_paired_stations", json!({}), None, Some(&manager));
    assert_eq!(list[0]["station"], "Bench 2", "{list}");
    assert_eq!(list[0]["kind"], "desktop");
    assert!(list[0]["revoked_at"].is_null());
    assert!(list[0]["last_seen_at"].is_string(), "{list}");
}

#[test]
fn an_expired_or_spent_code_is_refused() {
    let host = LanHost::start();
    let spent = host.code("Bench 3")["code"].as_str().unwrap().to_owned();
    let (status, paired) = host.call("pair_station", json!({"code": spent}), None, None);
    assert_eq!(status, 200, "{paired}");
    let (status, again) = host.call("pair_station", json!({"code": spent}), None, None);
    assert_eq!(status, 400, "{again}");
    assert!(again["message"].as_str().unwrap().contains("already used"), "{again}");

    let expired = host.code("Bench 4")["code"].as_str().unwrap().to_owned();
    // Long past, as far as the code is concerned.
    expire_pairing_codes(host.db());
    let (status, refused) = host.call("pair_station", json!({"code": expired}), None, None);
    assert_eq!(status, 400, "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("expired"), "{refused}");

    // Through the command line the refusal reaches the person too, and nothing is kept.
    let home = tempfile::tempdir().unwrap();
    let (ok, _, errors) = host.pair_cli(&expired, &host.fingerprint, home.path());
    assert!(!ok);
    assert!(errors.contains("expired"), "{errors}");
    assert!(!home.path().join("backroom").join("station.json").exists());
}

#[test]
fn a_revoked_or_forged_key_is_refused_with_pair_again() {
    let host = LanHost::start();
    let code = host.code("Bench 5")["code"].as_str().unwrap().to_owned();
    let (_, paired) =
        host.call("pair_station", json!({"code": code, "kind": "browser"}), None, None);
    let key = paired["key"].as_str().unwrap().to_owned();
    assert_eq!(paired["kind"], "browser");
    let sign_in = json!({"station": "Bench 5", "credential": "2222"});
    let (status, session) = host.call("sign_in", sign_in.clone(), Some(&key), None);
    assert_eq!(status, 200, "{session}");
    let token = session["token"].as_str().unwrap().to_owned();

    let forged = "ab".repeat(32);
    let (status, refused) = host.call("health", json!({}), Some(&forged), None);
    assert_eq!(status, 401, "{refused}");
    assert_eq!(refused["code"], "not_paired");
    assert!(refused["message"].as_str().unwrap().contains("pair it again"), "{refused}");

    let manager = host.manager();
    let (status, done) =
        host.call("revoke_station", json!({"station": "Bench 5"}), None, Some(&manager));
    assert_eq!(status, 200, "{done}");
    for (name, req) in [("whoami", json!({})), ("sign_in", sign_in)] {
        let (status, refused) = host.call(name, req, Some(&key), Some(&token));
        assert_eq!(status, 401, "{name} with a revoked key: {refused}");
        assert!(refused["message"].as_str().unwrap().contains("pair it again"), "{refused}");
    }
    let (_, list) = host.call("list_paired_stations", json!({}), None, Some(&manager));
    assert!(list[0]["revoked_at"].is_string(), "{list}");
}

#[test]
fn hosts_origins_json_bodies_and_lockouts_are_guarded_over_tls_too() {
    let host = LanHost::start();
    let own = host.addr.as_str();
    let json_type = "Content-Type: application/json\r\n";
    let (status, ok) = host.exchange(&post(own, "/api/health", json_type, "{}"));
    assert_eq!(status, 200, "{ok}");

    let (status, refused) = host.exchange(&post("evil.example", "/api/health", json_type, "{}"));
    assert_eq!((status, refused["code"].as_str()), (421, Some("foreign_host")), "{refused}");

    let from_elsewhere = format!("{json_type}Origin: https://evil.example\r\n");
    let (status, refused) = host.exchange(&post(own, "/api/health", &from_elsewhere, "{}"));
    assert_eq!((status, refused["code"].as_str()), (403, Some("cross_origin")), "{refused}");
    let from_itself = format!("{json_type}Origin: https://{own}\r\n");
    let (status, _) = host.exchange(&post(own, "/api/health", &from_itself, "{}"));
    assert_eq!(status, 200, "a page of the host itself is refused");

    let form = "Content-Type: text/plain\r\n";
    let (status, refused) = host.exchange(&post(own, "/api/sign_in", form, "{}"));
    assert_eq!((status, refused["code"].as_str()), (415, Some("unsupported_media_type")));

    // Guessing pairing codes counts like guessing PINs, and closes both from this address.
    for guess in ["AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC", "DDDD-DDDD", "EEEE-EEEE"] {
        let (status, refused) = host.call("pair_station", json!({"code": guess}), None, None);
        assert_eq!(status, 400, "{refused}");
    }
    let (status, refused) = host.call("pair_station", json!({"code": "FFFF-FFFF"}), None, None);
    assert_eq!((status, refused["code"].as_str()), (429, Some("locked_out")), "{refused}");
    let right_pin = json!({"station": "Pick 1", "credential": "1111"});
    let (status, refused) = host.call("sign_in", right_pin, None, None);
    assert_eq!((status, refused["code"].as_str()), (429, Some("locked_out")), "{refused}");
}

/// Makes every pairing code not yet used expired, as if its ten minutes had passed.
pub fn expire_pairing_codes(db: &TestDatabase) {
    db.execute(
        "UPDATE pairing_codes SET expires_at = '2000-01-01T00:00:00Z' WHERE used_at IS NULL",
        [],
    )
    .unwrap();
}
