//! `backroom serve`: the command list over HTTP/JSON, the event stream as server-sent events,
//! and the built UI. Nothing here decides anything; it carries JSON to `App::call` and back.

use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use backroom_api::{ApiError, App, Caller, ErrorCode, commands};
use futures_util::Stream;
use serde_json::Value;
use tokio::sync::broadcast;
use tower_http::services::{ServeDir, ServeFile};

/// The HTTP routes over one open database. `ui_dir` is the built UI (`ui/dist`); without it
/// the root page says how to build it.
pub fn router(app: Arc<App>, ui_dir: Option<PathBuf>) -> Router {
    // Unknown paths under /api answer JSON, so a mistyped command is a 404 with
    // {code, message} rather than the UI's index page.
    let api = Router::new()
        .route("/health", get(health).post(health))
        .route("/commands", get(list_commands))
        .route("/events", get(events))
        .route("/{name}", post(call).layer(DefaultBodyLimit::max(MAX_REQUEST)))
        .fallback(|| async {
            error_response(ApiError::new(
                ErrorCode::UnknownCommand,
                "no such API route; GET /api/commands lists the commands",
            ))
        })
        .with_state(app);
    let router = Router::new().nest("/api", api);
    match ui_dir {
        Some(dir) => {
            let index = dir.join("index.html");
            router.fallback_service(ServeDir::new(dir).fallback(ServeFile::new(index)))
        }
        None => router.fallback(|| async { Html(UI_MISSING) }),
    }
}

/// The largest request body: a shop's full order export of a few hundred thousand rows fits.
const MAX_REQUEST: usize = 256 * 1024 * 1024;

const UI_MISSING: &str = "<!doctype html><title>Backroom</title><h1>Backroom is running</h1>\
<p>The web UI has not been built. Run <code>npm --prefix ui ci && npm --prefix ui run build</code> \
and restart, or point <code>--ui</code> at a built <code>ui/dist</code>.</p>\
<p>The API answers at <a href=\"api/health\">/api/health</a>.</p>";

async fn health(State(app): State<Arc<App>>) -> Response {
    run(app, None, "health".into(), Value::Null).await
}

async fn list_commands() -> Json<Vec<&'static str>> {
    Json(commands::names())
}

async fn call(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(e) => {
            return error_response(ApiError::bad_request(format!(
                "the request could not be read ({e}); a file over {} MB must be split",
                MAX_REQUEST / (1024 * 1024)
            )));
        }
    };
    let req = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        match serde_json::from_slice(&body) {
            Ok(value) => value,
            Err(e) => {
                return error_response(ApiError::bad_request(format!(
                    "the request body is not valid JSON: {e}"
                )));
            }
        }
    };
    run(app, bearer_token(&headers), name, req).await
}

/// The session token from `Authorization: Bearer <token>`.
fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    (!token.is_empty()).then(|| token.to_owned())
}

/// Runs a command off the async threads: SQLite calls block.
async fn run(app: Arc<App>, token: Option<String>, name: String, req: Value) -> Response {
    let result = tokio::task::spawn_blocking(move || {
        app.call(Caller::Session(token.as_deref()), &name, req)
    })
    .await;
    match result {
        Ok(Ok(value)) => Json(value).into_response(),
        Ok(Err(error)) => error_response(error),
        Err(join) => error_response(ApiError::storage(format!("the command failed: {join}"))),
    }
}

fn error_response(error: ApiError) -> Response {
    let status =
        StatusCode::from_u16(error.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(error)).into_response()
}

async fn events(
    State(app): State<Arc<App>>,
) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    let receiver = app.subscribe();
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        let event = match receiver.recv().await {
            Ok(event) => event,
            // A slow screen missed some events: tell it to refresh everything.
            Err(broadcast::error::RecvError::Lagged(_)) => {
                backroom_api::Event::DataChanged { what: "all".into() }
            }
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        let data = serde_json::to_string(&event).unwrap_or_default();
        Some((Ok(SseEvent::default().data(data)), receiver))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Where the built UI is: `--ui`, `BACKROOM_UI`, next to the executable, or `ui/dist` under
/// the current folder or the source tree this binary was built from.
pub fn find_ui(explicit: Option<PathBuf>) -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = explicit.into_iter().collect();
    if let Some(env) = std::env::var_os("BACKROOM_UI") {
        candidates.push(env.into());
    }
    if let Ok(exe) = std::env::current_exe()
        && let Some(dir) = exe.parent()
    {
        candidates.push(dir.join("ui"));
    }
    candidates.push(PathBuf::from("ui/dist"));
    candidates.push(PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/dist")));
    candidates.into_iter().find(|dir| dir.join("index.html").is_file())
}
