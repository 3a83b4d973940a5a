//! The desktop shell: one window over the built UI, one `rpc` command that carries JSON to
//! `App::call` and back, and every committed change forwarded to the window. Like
//! `backroom serve`, it decides nothing; a new command needs no change here.

// Release builds on Windows get no console window next to the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use backroom_api::scales::ScaleWatch;
use backroom_api::{ApiError, App, Caller, Event};
use serde_json::Value;
use tauri::{AppHandle, Emitter, State};
use tokio::sync::broadcast::{self, error::RecvError};

/// The Tauri event that carries each [`Event`]; the UI listens for it.
const EVENT: &str = "backroom://event";

const USAGE: &str = "usage: backroom-desktop [--db PATH]\n\
    The database defaults to $BACKROOM_DB, else backroom/backroom.db in the OS data folder, \
    the same file the `backroom` command opens.";

fn main() -> ExitCode {
    let db = match database_path(std::env::args_os().skip(1)) {
        Ok(Some(db)) => db,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    // Opened before the window, so a bad path or a too-new schema stops here with a message.
    let app = match App::open(&db) {
        Ok(app) => Arc::new(app),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let events = app.subscribe();
    // The stations' scales, watched for as long as the window is open.
    let _scales = ScaleWatch::start(&app);
    // Product pictures an import named, fetched outside any command while the window is open.
    let _images = backroom_api::images::ImageFetcher::start(&app);
    let result = tauri::Builder::default()
        .manage(app)
        .invoke_handler(tauri::generate_handler![rpc])
        .setup(move |tauri_app| {
            tauri::async_runtime::spawn(forward_events(tauri_app.handle().clone(), events));
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
    app: State<'_, Arc<App>>,
    cmd: String,
    req: Option<Value>,
    token: Option<String>,
    request_id: Option<String>,
) -> Result<Value, ApiError> {
    let app = Arc::clone(&app);
    let token = token.filter(|t| !t.is_empty());
    // SQLite calls block; keep them off the threads that carry IPC.
    tauri::async_runtime::spawn_blocking(move || {
        let caller = Caller::Session(token.as_deref());
        app.call_once(caller, &cmd, req.unwrap_or(Value::Null), request_id.as_deref())
    })
    .await
    .unwrap_or_else(|e| Err(ApiError::storage(format!("the command failed: {e}"))))
}

async fn forward_events(handle: AppHandle, mut events: broadcast::Receiver<Event>) {
    loop {
        let event = match events.recv().await {
            Ok(event) => event,
            // The window missed some events: have it refresh everything, as the HTTP stream does.
            Err(RecvError::Lagged(_)) => Event::DataChanged { what: "all".into() },
            Err(RecvError::Closed) => return,
        };
        // With the window gone there is nobody to tell.
        let _ = handle.emit(EVENT, event);
    }
}

/// `--db PATH` (or `--db=PATH`), else `BACKROOM_DB`, else the `backroom` command's default.
/// `Ok(None)` asks for the usage text.
fn database_path(mut args: impl Iterator<Item = OsString>) -> Result<Option<PathBuf>, String> {
    let mut db = None;
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("-h" | "--help") => return Ok(None),
            Some("--db") => db = Some(args.next().ok_or("--db needs a path")?.into()),
            Some(a) if a.starts_with("--db=") => db = Some(PathBuf::from(&a["--db=".len()..])),
            _ => return Err(format!("unexpected argument {}", arg.to_string_lossy())),
        }
    }
    let from_env = || std::env::var_os("BACKROOM_DB").filter(|v| !v.is_empty()).map(PathBuf::from);
    Ok(Some(db.or_else(from_env).unwrap_or_else(backroom_api::db::default_path)))
}
