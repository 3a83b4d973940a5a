//! The desktop shell: one window over the built UI, one `rpc` command that carries JSON to
//! the warehouse and back, and every committed change forwarded to the window. The warehouse
//! is this computer's own database, or a host on the network this computer joined as a
//! station (`host`), with the commands for joining and leaving (`joining`). Like `backroom
//! serve`, it decides nothing; a new command needs no change here.

// Release builds on Windows get no console window next to the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod devices;
mod host;
mod joining;
mod refusal;
mod warehouse;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use serde_json::Value;
use tauri::{AppHandle, Manager, State};

use crate::joining::Probe;
use crate::refusal::Refusal;
use crate::warehouse::{Mode, Places, Shell, Start};

/// The Tauri event that carries each of the warehouse's events; the UI listens for it.
pub const EVENT: &str = "backroom://event";

const USAGE: &str = "usage: backroom-desktop [--db PATH] [--station-file PATH]\n\
    The database defaults to $BACKROOM_DB, else backroom/backroom.db in the OS data folder, \
    the same file the `backroom` command opens.\n\
    Once this computer joined a warehouse on the network, its station key is kept in \
    $BACKROOM_STATION_FILE, else backroom/station.json in the OS data folder, and the window \
    works on that warehouse instead of the database.";

fn main() -> ExitCode {
    let places = match places(std::env::args_os().skip(1)) {
        Ok(Some(places)) => places,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    // Settled before the window, so a bad path, a too-new schema or a damaged key file stops
    // here with a message.
    let start = match Start::choose(&places) {
        Ok(start) => start,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![
            rpc,
            station_mode,
            probe_host,
            join_warehouse,
            leave_warehouse
        ])
        .setup(move |tauri_app| {
            let shell = Shell::new(places, tauri_app.handle().clone(), start)?;
            tauri_app.manage(Arc::new(shell));
            Ok(())
        })
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs command `cmd` as the station's session, the same mapping as `POST /api/{cmd}` with
/// `Authorization: Bearer {token}` and `Idempotency-Key: {requestId}`. A missing `req` means no
/// arguments, like an empty body. Errors reach JavaScript as the rejected `{code, message}`.
#[tauri::command]
async fn rpc(
    shell: State<'_, Arc<Shell>>,
    cmd: String,
    req: Option<Value>,
    token: Option<String>,
    request_id: Option<String>,
) -> Result<Value, Refusal> {
    let shell = Arc::clone(&shell);
    let token = token.filter(|t| !t.is_empty());
    // Database and network calls block; keep them off the threads that carry IPC.
    blocking(move || {
        shell.call(&cmd, req.unwrap_or(Value::Null), token.as_deref(), request_id.as_deref())
    })
    .await
}

/// Which warehouse the window works in, and how the link to its host is.
#[tauri::command]
fn station_mode(shell: State<'_, Arc<Shell>>) -> Mode {
    shell.mode()
}

/// The certificate fingerprint of the host at `host`, for the person joining to compare with
/// the host's screen. Sends nothing secret.
#[tauri::command]
async fn probe_host(host: String) -> Result<Probe, Refusal> {
    blocking(move || joining::probe(&host)).await
}

/// Pairs this computer with the host at `host` using a manager's `code`, if the host still
/// shows the `fingerprint` the person confirmed; keeps the station key and makes the window
/// that station, its scale and printer included.
#[tauri::command]
async fn join_warehouse(
    window: AppHandle,
    host: String,
    code: String,
    fingerprint: String,
) -> Result<Mode, Refusal> {
    let shell = Arc::clone(&window.state::<Arc<Shell>>());
    blocking(move || shell.become_station(joining::pair(&host, &code, &fingerprint)?)).await
}

/// Forgets the station key and goes back to this computer's own database.
#[tauri::command]
async fn leave_warehouse(shell: State<'_, Arc<Shell>>) -> Result<Mode, Refusal> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.leave()).await
}

/// Runs `work` where it may block.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Refusal> + Send + 'static,
) -> Result<T, Refusal> {
    tauri::async_runtime::spawn_blocking(work).await.unwrap_or_else(|e| {
        Err(Refusal::new("storage", format!("The command failed unexpectedly: {e}")))
    })
}

/// `--db PATH` (or `--db=PATH`), else `BACKROOM_DB`, else the `backroom` command's default;
/// `--station-file PATH`, else `BACKROOM_STATION_FILE`, else where `backroom pair` keeps it.
/// `Ok(None)` asks for the usage text.
fn places(mut args: impl Iterator<Item = OsString>) -> Result<Option<Places>, String> {
    let mut db = None;
    let mut station_file = None;
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("-h" | "--help") => return Ok(None),
            Some("--db") => db = Some(args.next().ok_or("--db needs a path")?.into()),
            Some(a) if a.starts_with("--db=") => db = Some(PathBuf::from(&a["--db=".len()..])),
            Some("--station-file") => {
                station_file = Some(args.next().ok_or("--station-file needs a path")?.into());
            }
            Some(a) if a.starts_with("--station-file=") => {
                station_file = Some(PathBuf::from(&a["--station-file=".len()..]));
            }
            _ => return Err(format!("unexpected argument {}", arg.to_string_lossy())),
        }
    }
    let from_env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    let db = db.or_else(|| from_env("BACKROOM_DB")).unwrap_or_else(backroom_api::db::default_path);
    // The window keeps its own file (pictures, a station's key beside it); a PostgreSQL
    // warehouse is served by `backroom serve`, which this computer joins as a station.
    let named = backroom_api::store::Location::parse(&db.to_string_lossy());
    if named.engine() == backroom_api::store::Engine::Postgres {
        return Err(format!(
            "the desktop app keeps its own database file; run `backroom --db {named} serve --lan` \
             on a host and join it as a station"
        ));
    }
    Ok(Some(Places {
        db,
        station_file: station_file
            .or_else(|| from_env("BACKROOM_STATION_FILE"))
            .unwrap_or_else(backroom::pairing_client::station_file_path),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_postgres_database_is_refused_with_what_to_do_instead() {
        let args = ["--db", "postgres://ann:secret@dbhost/wh"].map(OsString::from);
        let Err(said) = places(args.into_iter()) else { panic!("the window opened PostgreSQL") };
        assert!(said.contains("backroom --db postgres://ann@dbhost/wh serve --lan"), "{said}");
        assert!(!said.contains("secret"), "{said}");
        let args = ["--db", "/tmp/w.db"].map(OsString::from);
        assert!(places(args.into_iter()).unwrap().is_some());
    }
}
