//! `backroom serve`: the command list over HTTP/JSON, the event stream as server-sent events,
//! and the built UI. Nothing here decides anything; it carries JSON to `App::call` and back.
//!
//! What it does check is who is asking, because any web page a station's browser opens can
//! make that browser send requests here. A request must name one of the server's own hosts
//! (so a name an attacker rebinds to this machine's address is refused), a page may call the
//! API only from the server's own origin, and a command's body must be JSON, which a plain
//! HTML form cannot send. No CORS headers are sent, so no other page may read a reply.
//!
//! A paired station sends its station key in `Backroom-Station-Key` with every request; an
//! unknown or revoked key is refused with 401 before anything runs. In LAN mode the server
//! speaks HTTPS ([`serve_tls`]) and the key never crosses the network in the clear.
//!
//! A write may carry a request id in `Idempotency-Key` (or `X-Request-Id`): sent again with the
//! same id, it is answered with its first reply and not applied twice. A write kept waiting for
//! the other stations' writes too long answers 503 `busy` with `Retry-After`.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::connect_info::Connected;
use axum::extract::{
    ConnectInfo, DefaultBodyLimit, FromRequest, OriginalUri, Path, Request, State,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::serve::IncomingStream;
use axum::{Json, Router};
use backroom_api::{ApiError, App, Caller, ErrorCode, commands};
use futures_util::Stream;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::broadcast;
use tokio::task::JoinError;
use tower_http::services::{ServeDir, ServeFile};

/// The HTTP routes over one open database. `ui_dir` is the built UI (`ui/dist`); without it
/// the root page says how to build it. Every route, the UI's files included, answers only the
/// hosts and origins in `allowed`. Serve it with
/// `into_make_service_with_connect_info::<Connection>()`.
pub fn router(app: Arc<App>, ui_dir: Option<PathBuf>, allowed: Allowed) -> Router {
    router_with(routes(app, ui_dir), allowed)
}

/// `routes` answering only the hosts and origins in `allowed`: the same routes may be served
/// at two addresses (HTTPS on the network and HTTP on loopback), each with its own hosts.
pub fn router_with(routes: Router, allowed: Allowed) -> Router {
    routes.layer(middleware::from_fn_with_state(Arc::new(allowed), admit))
}

/// The API, the event stream and the built UI, with no check of who is asking.
pub fn routes(app: Arc<App>, ui_dir: Option<PathBuf>) -> Router {
    let images_app = Arc::clone(&app);
    // Unknown paths under /api answer JSON, so a mistyped command is a 404 with
    // {code, message} rather than the UI's index page, and a wrong method a 405 with
    // {code, message} and the `Allow` header.
    let api = Router::new()
        .route("/health", get(health).post(post_health))
        .route("/commands", get(list_commands))
        .route("/events", get(events))
        .route("/{name}", post(call).layer(DefaultBodyLimit::max(MAX_REQUEST)))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(|| async {
            error_response(ApiError::new(
                ErrorCode::UnknownCommand,
                "no such API route; GET /api/commands lists the commands",
            ))
        })
        .with_state(app);
    let router = Router::new().nest("/api", api).merge(product_images(images_app));
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

/// One accepted connection: the client's address, which commands are run as (sign-in
/// lockouts count against it), and the address of this machine it arrived at, which is one
/// of the server's own hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Connection {
    pub client: SocketAddr,
    pub local: SocketAddr,
}

impl Connected<IncomingStream<'_, TcpListener>> for Connection {
    fn connect_info(stream: IncomingStream<'_, TcpListener>) -> Connection {
        let client = *stream.remote_addr();
        // The kernel knows the address of an accepted socket; should it not say, the
        // unspecified address names no host of ours but the wildcard itself.
        let local = stream
            .io()
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), 0));
        Connection { client, local }
    }
}

/// Whom the server answers: the hosts a request may name and the origins a page calling it may
/// come from.
///
/// Its own hosts are `localhost`, `127.0.0.1`, `[::1]` and the address it is bound to, plus the
/// address of this machine each connection arrived at, so a server bound to `0.0.0.0` answers
/// at every address of the machine without a list. Any other name, such as the machine's host
/// name, must be given (`--allow-host`). A host is accepted with the listening port or with no
/// port (what a browser sends on port 80, behind a proxy). An `Origin`, when a browser sends
/// one, must be the origin of the host the request names, or one given (`--allow-origin`).
#[derive(Debug, Clone)]
pub struct Allowed {
    /// Host names and address literals in `split_host`'s form, each with the port it is
    /// reached on.
    hosts: Vec<(String, u16)>,
    /// The listening port, at which the connection's own address is reached.
    port: u16,
    /// Origins allowed besides the server's own, `scheme://host[:port]` in lowercase.
    origins: Vec<String>,
}

impl Allowed {
    /// The hosts and origins of a server listening at `listening`, plus `hosts` (`NAME` or
    /// `NAME:PORT`; a name without a port is reached at the listening port) and `origins`
    /// (`http://NAME[:PORT]` or `https://...`). An entry that is not one is refused with a
    /// message that names it.
    pub fn new(
        listening: SocketAddr,
        hosts: &[String],
        origins: &[String],
    ) -> Result<Allowed, String> {
        let port = listening.port();
        let own = [
            "localhost".to_owned(),
            Ipv4Addr::LOCALHOST.to_string(),
            Ipv6Addr::LOCALHOST.to_string(),
            host_key(listening.ip()),
        ];
        let mut allowed = Allowed {
            hosts: own.into_iter().map(|name| (name, port)).collect(),
            port,
            origins: Vec::new(),
        };
        for host in hosts.iter().map(|h| h.trim()).filter(|h| !h.is_empty()) {
            let (name, named_port) = split_host(host).ok_or_else(|| {
                format!("--allow-host {host:?} is not a host name or address (NAME or NAME:PORT)")
            })?;
            allowed.hosts.push((name, named_port.unwrap_or(port)));
        }
        for origin in origins.iter().map(|o| o.trim()).filter(|o| !o.is_empty()) {
            let normal = origin.trim_end_matches('/').to_ascii_lowercase();
            if split_origin(&normal).is_none() {
                return Err(format!(
                    "--allow-origin {origin:?} is not an origin; give each one as \
                     http://NAME[:PORT] or https://NAME[:PORT]"
                ));
            }
            allowed.origins.push(normal);
        }
        Ok(allowed)
    }

    /// Whether `host` (a `Host` header or a request target's authority) names this server on
    /// a connection that arrived at `arrived_at`.
    fn is_own_host(&self, host: &str, arrived_at: IpAddr) -> bool {
        let Some((name, port)) = split_host(host) else { return false };
        let listed = self
            .hosts
            .iter()
            .any(|(own, own_port)| *own == name && port.is_none_or(|port| port == *own_port));
        listed || (name == host_key(arrived_at) && port.is_none_or(|port| port == self.port))
    }

    /// Lets a request through, or says why it is refused: a host that is not ours, a page of
    /// another origin, or a request a page of another site started.
    fn admit(&self, request: &Request, arrived_at: IpAddr) -> Result<(), ApiError> {
        let headers = request.headers();
        let host = headers.get(header::HOST).map(|h| h.to_str().unwrap_or("?"));
        // A request target in absolute form names a host too, and HTTP lets it win.
        let target = request.uri().authority().map(|a| a.as_str());
        let Some(named) = host.or(target) else {
            return Err(ApiError::new(
                ErrorCode::ForeignHost,
                "the request names no host; send a Host header",
            ));
        };
        if let Some(foreign) =
            host.into_iter().chain(target).find(|h| !self.is_own_host(h, arrived_at))
        {
            return Err(ApiError::new(
                ErrorCode::ForeignHost,
                format!(
                    "this Backroom does not answer to the host {foreign:?}; open it at an \
                     address of this machine, or restart `backroom serve` with \
                     `--allow-host NAME` for each name this machine goes by"
                ),
            ));
        }
        if let Some(origin) = headers.get(header::ORIGIN) {
            let origin = origin.to_str().unwrap_or("?").to_ascii_lowercase();
            if self.origins.contains(&origin) {
                return Ok(());
            }
            // The page's origin is the host the browser sent this request to: its own.
            let same = split_origin(&origin)
                .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(named));
            if !same {
                return Err(ApiError::new(
                    ErrorCode::CrossOrigin,
                    format!(
                        "Backroom answers only its own pages, not a page of {origin:?}; if \
                         that is this server behind a proxy, restart `backroom serve` with \
                         `--allow-origin {origin}`"
                    ),
                ));
            }
        }
        let cross_site = headers.get("sec-fetch-site").is_some_and(|site| site == "cross-site");
        if cross_site && !is_link_to_a_page(request) {
            return Err(ApiError::new(
                ErrorCode::CrossOrigin,
                "Backroom answers only its own pages, not a request another site started",
            ));
        }
        Ok(())
    }
}

/// A link followed from another site to one of the UI's pages: the browser opens it as the
/// top-level document, so that site can neither read it nor act with it. The API and framing
/// in another site's page are still refused.
fn is_link_to_a_page(request: &Request) -> bool {
    let headers = request.headers();
    let path = request.uri().path();
    matches!(*request.method(), Method::GET | Method::HEAD)
        && headers.get("sec-fetch-mode").is_some_and(|mode| mode == "navigate")
        && headers.get("sec-fetch-dest").is_some_and(|dest| dest == "document")
        && path != "/api"
        && !path.starts_with("/api/")
}

/// An address as hosts are compared: without brackets, and an IPv4 address mapped into IPv6
/// (a dual-stack socket's view of an IPv4 client) as the IPv4 address it is.
fn host_key(ip: IpAddr) -> String {
    ip.to_canonical().to_string()
}

/// Splits `NAME[:PORT]`, `ADDRESS[:PORT]` or `[IPV6][:PORT]` into the host as `host_key`
/// writes it and the port, if one is named. Anything else (user info, a path, an empty name)
/// is no host.
fn split_host(text: &str) -> Option<(String, Option<u16>)> {
    let parse_port = |port: &str| -> Option<u16> {
        if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        port.parse().ok()
    };
    if let Some(rest) = text.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let ip: Ipv6Addr = inside.parse().ok()?;
        let port = match after {
            "" => None,
            after => Some(parse_port(after.strip_prefix(':')?)?),
        };
        return Some((host_key(IpAddr::V6(ip)), port));
    }
    let (name, port) = match text.split_once(':') {
        Some((name, port)) => (name, Some(parse_port(port)?)),
        None => (text, None),
    };
    let name_chars = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_';
    if name.is_empty() || !name.bytes().all(name_chars) {
        return None;
    }
    let key = match name.parse::<Ipv4Addr>() {
        Ok(ip) => host_key(IpAddr::V4(ip)),
        Err(_) => name.to_ascii_lowercase(),
    };
    Some((key, port))
}

/// Splits an origin, `http://host[:port]` or `https://host[:port]` in lowercase, into its
/// scheme and its authority; `null` and anything with a path are none.
fn split_origin(origin: &str) -> Option<(&str, &str)> {
    let (scheme, authority) = origin.split_once("://")?;
    let ok = matches!(scheme, "http" | "https") && split_host(authority).is_some();
    ok.then_some((scheme, authority))
}

/// Refuses, with `{code, message}`, a request for a host that is not ours or from a page
/// that is not ours, whatever its route.
async fn admit(
    State(allowed): State<Arc<Allowed>>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    request: Request,
    next: Next,
) -> Response {
    match allowed.admit(&request, connection.local.ip()) {
        Ok(()) => next.run(request).await,
        Err(refused) => error_response(refused),
    }
}

/// A command's request: a JSON body, or no body at all for a command without arguments.
/// Anything else, a form or `text/plain` above all, is what a page of another site can send
/// without asking, and is refused before the body is read.
struct CommandRequest(Value);

impl<S: Send + Sync> FromRequest<S> for CommandRequest {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<CommandRequest, Response> {
        let content_type = request.headers().get(header::CONTENT_TYPE).cloned();
        if let Some(content_type) = &content_type
            && !is_json(content_type)
        {
            return Err(not_json(Some(content_type)));
        }
        let body = Bytes::from_request(request, state).await.map_err(|e| {
            error_response(ApiError::bad_request(format!(
                "the request could not be read ({e}); a file over {} MB must be split",
                MAX_REQUEST / (1024 * 1024)
            )))
        })?;
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(CommandRequest(Value::Null));
        }
        if content_type.is_none() {
            return Err(not_json(None));
        }
        match serde_json::from_slice(&body) {
            Ok(value) => Ok(CommandRequest(value)),
            Err(e) => Err(error_response(ApiError::bad_request(format!(
                "the request body is not valid JSON: {e}"
            )))),
        }
    }
}

/// `application/json`, with or without parameters such as `charset=utf-8`.
fn is_json(content_type: &HeaderValue) -> bool {
    let Ok(text) = content_type.to_str() else { return false };
    let essence = text.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}

fn not_json(content_type: Option<&HeaderValue>) -> Response {
    let sent = match content_type {
        Some(sent) => format!("{:?}", sent.to_str().unwrap_or("?")),
        None => "no Content-Type".to_owned(),
    };
    error_response(ApiError::new(
        ErrorCode::UnsupportedMediaType,
        format!(
            "a command's request is JSON: send it as Content-Type: application/json, not {sent}"
        ),
    ))
}

async fn health(
    State(app): State<Arc<App>>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    headers: HeaderMap,
) -> Response {
    run(app, connection, &headers, "health".into(), Value::Null).await
}

/// `POST /api/health`: the UI calls `health` like any other command.
async fn post_health(
    State(app): State<Arc<App>>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    headers: HeaderMap,
    CommandRequest(req): CommandRequest,
) -> Response {
    run(app, connection, &headers, "health".into(), req).await
}

async fn list_commands() -> Json<Vec<&'static str>> {
    Json(commands::names())
}

async fn call(
    State(app): State<Arc<App>>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    Path(name): Path<String>,
    headers: HeaderMap,
    CommandRequest(req): CommandRequest,
) -> Response {
    let request_id = match request_id(&headers) {
        Ok(id) => id,
        Err(refused) => return error_response(refused),
    };
    let call =
        Call { token: bearer_token(&headers), key: station_key(&headers), name, req, request_id };
    run_call(app, connection, call).await
}

async fn method_not_allowed(method: Method, OriginalUri(uri): OriginalUri) -> Response {
    // The router adds the `Allow` header with the methods the route answers.
    error_response(ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!(
            "{} does not answer {method}; commands are POST /api/{{name}} with a JSON body, \
             and the Allow header lists what this route answers",
            uri.path()
        ),
    ))
}

/// A write's request id, from `Idempotency-Key` or else `X-Request-Id`: a retry sent with the
/// same id gets the first reply and is not applied again.
fn request_id(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key").or_else(|| headers.get("x-request-id")) else {
        return Ok(None);
    };
    let text = value.to_str().map_err(|_| backroom_api::retries::id_refused())?;
    Ok(Some(backroom_api::retries::check_id(text)?.to_owned()))
}

/// A paired station's key, from `Backroom-Station-Key`. A header that is present but not text
/// is passed on as it is, to be refused as no key of ours.
fn station_key(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(crate::pairing_client::STATION_KEY_HEADER)?;
    Some(String::from_utf8_lossy(value.as_bytes()).trim().to_owned())
}

/// The session token from `Authorization: Bearer <token>`.
fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    (!token.is_empty()).then(|| token.to_owned())
}

/// One command as it came over HTTP.
struct Call {
    token: Option<String>,
    key: Option<String>,
    name: String,
    req: Value,
    request_id: Option<String>,
}

/// Runs a command sent with no request id, as the session and station the headers name.
async fn run(
    app: Arc<App>,
    connection: Connection,
    headers: &HeaderMap,
    name: String,
    req: Value,
) -> Response {
    let (token, key) = (bearer_token(headers), station_key(headers));
    run_call(app, connection, Call { token, key, name, req, request_id: None }).await
}

/// Runs a command off the async threads (SQLite calls block) as the client at its address.
async fn run_call(app: Arc<App>, connection: Connection, call: Call) -> Response {
    let address = connection.client.ip().to_canonical();
    let Call { token, key, name, req, request_id } = call;
    let command = name.clone();
    let result = tokio::task::spawn_blocking(move || {
        let token = token.as_deref();
        let caller = match key.as_deref() {
            Some(key) => Caller::Paired { key, token, address },
            None => Caller::Remote { token, address },
        };
        app.call_once(caller, &command, req, request_id.as_deref())
    })
    .await;
    reply(&name, result)
}

/// A command's JSON reply or its error. A command that panicked answers a plain storage
/// error: its message and place are for the log, not for whoever sent the request.
fn reply(name: &str, result: Result<Result<Value, ApiError>, JoinError>) -> Response {
    match result {
        Ok(Ok(value)) => Json(value).into_response(),
        Ok(Err(error)) => error_response(error),
        Err(failure) => {
            eprintln!("backroom serve: the command {name} failed: {failure}");
            error_response(ApiError::storage(
                "the command failed unexpectedly and nothing of it was saved; the server's log \
                 says why",
            ))
        }
    }
}

fn error_response(error: ApiError) -> Response {
    let status =
        StatusCode::from_u16(error.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let busy = error.code == ErrorCode::Busy;
    let mut response = (status, Json(error)).into_response();
    if busy {
        // Nothing was saved; the same request may be sent again shortly.
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    response
}

/// `GET /api/events`. Events carry no order contents (an order's number and status, SKUs,
/// station names, scale readings), so a screen opens the stream as it is, as a browser's
/// EventSource does; a station's program sending its key is checked first, so a revoked or
/// forged key hears "pair again" here as everywhere.
async fn events(
    State(app): State<Arc<App>>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    headers: HeaderMap,
) -> Response {
    if station_key(&headers).is_some() {
        let checked = run(Arc::clone(&app), connection, &headers, "health".into(), Value::Null);
        let checked = checked.await;
        if !checked.status().is_success() {
            return checked;
        }
    }
    event_stream(&app).into_response()
}

fn event_stream(app: &App) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>> + use<>> {
    let receiver = app.subscribe();
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        let event = match receiver.recv().await {
            Ok(event) => event,
            // A slow screen missed some events: tell it to refresh everything.
            Err(broadcast::error::RecvError::Lagged(_)) => {
                backroom_api::Event::DataChanged { what: backroom_api::Changed::All }
            }
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        let data = serde_json::to_string(&event).unwrap_or_default();
        Some((Ok(SseEvent::default().data(data)), receiver))
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(EVENTS_KEEP_ALIVE))
}

/// How often a quiet event stream says it is still there, so a station whose host vanished
/// from the network (no connection reset, only silence) notices within a few of these.
pub const EVENTS_KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(5);

/// `GET /images/{hash}`: the product pictures cached beside the database, named by the SHA-256
/// of their content, so a name never changes what it shows and may be kept by the browser for
/// good. Only names of 64 hex digits are looked up, so no path leaves the cache folder.
fn product_images(app: Arc<App>) -> Router {
    async fn picture(State(app): State<Arc<App>>, Path(name): Path<String>) -> Response {
        let found = tokio::task::spawn_blocking(move || {
            backroom_api::inventory::images::read_cached(app.path(), &name)
        })
        .await
        .ok()
        .flatten();
        let Some((bytes, kind)) = found else {
            return error_response(ApiError::not_found("there is no such product picture"));
        };
        let headers = [
            (header::CONTENT_TYPE, kind.content_type()),
            (header::CACHE_CONTROL, "private, max-age=31536000, immutable"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ];
        (headers, bytes).into_response()
    }
    Router::new().route("/images/{name}", get(picture)).with_state(app)
}

/// How long a client on the network has to finish the TLS handshake.
const HANDSHAKE_WAIT: Duration = Duration::from_secs(10);

/// Serves `router` over HTTPS on `listener` until `shutdown` completes. Each connection's
/// handshake runs on its own task, so a client that stalls in it holds up nobody else.
pub async fn serve_tls(
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    router: Router,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => return,
        };
        let (stream, client) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file handles and the like: wait a moment rather than spin.
                eprintln!("backroom serve: cannot accept a connection: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let local = stream
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), 0));
        let connection = Connection { client, local };
        let acceptor = acceptor.clone();
        let router = router.clone();
        tokio::spawn(async move {
            let Ok(Ok(stream)) =
                tokio::time::timeout(HANDSHAKE_WAIT, acceptor.accept(stream)).await
            else {
                return;
            };
            // Each request knows its connection, as `into_make_service_with_connect_info` does
            // on plain HTTP.
            let service = router.layer(axum::Extension(ConnectInfo(connection)));
            let service = hyper_util::service::TowerToHyperService::new(service);
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .with_upgrades()
                .await;
        });
    }
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

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt;

    use super::*;

    #[tokio::test]
    async fn a_command_that_panics_answers_a_plain_storage_error() {
        let failure = tokio::task::spawn_blocking(|| -> Result<Value, ApiError> {
            panic!("the secret in crates/backroom-api/src/secret.rs")
        })
        .await;
        let response = reply("health", failure);
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["code"], "storage");
        assert!(body["message"].is_string());
        assert!(!body.to_string().contains("secret"), "the panic leaked: {body}");
    }
}
