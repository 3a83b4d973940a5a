//! The command line. Each subcommand is a thin wrapper over one or more commands of the
//! command list, run as the local manager; `backroom call` reaches any command directly.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use backroom_api::admin::demo::DemoSummary;
use backroom_api::context::NoArgs;
use backroom_api::inventory::stock::LedgerReport;
use backroom_api::store::Location;
use backroom_api::transfer::column_map::ColumnMapping;
use backroom_api::transfer::{ExportFile, ExportRequest, ImportReport, ImportRequest, Table};
use backroom_api::{ApiError, App, Caller};
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(name = "backroom", version, about = "Backroom: warehouse picking, packing and stock")]
pub struct Cli {
    /// The database: a SQLite file, or a PostgreSQL database as a `postgres://` URL or
    /// `host=... dbname=...` words. Defaults to backroom.db in the OS data directory.
    #[arg(long, global = true, env = "BACKROOM_DB", value_name = "PATH|URL")]
    pub db: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and the web UI over HTTP on this machine, or with --lan over HTTPS to
    /// the warehouse's network.
    Serve {
        /// Address to listen on: 127.0.0.1:7878 by default, 0.0.0.0:7878 with --lan. Only
        /// LAN mode may listen beyond this machine.
        #[arg(long)]
        addr: Option<String>,
        /// Serve the warehouse's network over HTTPS, with a certificate made at first start and
        /// kept beside the database; prints the addresses and the fingerprint stations compare.
        #[arg(long)]
        lan: bool,
        /// In LAN mode, where the browsers of this machine reach it over plain HTTP: the port
        /// after --addr's on 127.0.0.1 by default, `off` for none.
        #[arg(long, value_name = "ADDR|off")]
        loopback_addr: Option<String>,
        /// The built UI folder (ui/dist).
        #[arg(long, value_name = "DIR")]
        ui: Option<PathBuf>,
        /// Another name this machine is reached by (NAME, or NAME:PORT behind a proxy), such
        /// as its host name. It already answers to localhost, 127.0.0.1, [::1] and its own
        /// addresses; a request for any other host is refused. Repeat for each name.
        #[arg(
            long = "allow-host",
            value_name = "NAME",
            env = "BACKROOM_ALLOW_HOSTS",
            value_delimiter = ','
        )]
        allow_hosts: Vec<String>,
        /// Another origin whose pages may call the API, such as the public address of a
        /// proxy in front of this server (https://backroom.example.com). Repeat for each one.
        #[arg(
            long = "allow-origin",
            value_name = "URL",
            env = "BACKROOM_ALLOW_ORIGINS",
            value_delimiter = ','
        )]
        allow_origins: Vec<String>,
        /// How many seconds a write waits for the other stations' writes before it is
        /// answered "busy, try again" (HTTP 503) with nothing saved.
        #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
        write_wait: f64,
    },
    /// Pair this machine as a station of a host on the network, with a manager's pairing
    /// code. Opens no database.
    Pair {
        /// The host's address, as `backroom serve --lan` prints it: https://ADDRESS:7878.
        #[arg(long)]
        host: String,
        /// The pairing code from the manager's Stations screen.
        #[arg(long)]
        code: String,
        /// The fingerprint the host shows; without it, you are asked to compare.
        #[arg(long, value_name = "FINGERPRINT")]
        fingerprint: Option<String>,
    },
    /// Run this computer's scale and printer for its station on a host: pairs on first use
    /// (with --code), then sends the scale's readings and prints the host's slips until
    /// Ctrl-C, one line per change of state. Opens no database.
    Station {
        /// The host's address, as `backroom serve --lan` prints it: https://ADDRESS:7878.
        #[arg(long)]
        host: String,
        /// A pairing code from the manager's Stations screen: pairs (again) before starting.
        #[arg(long)]
        code: Option<String>,
        /// The fingerprint the host shows, when pairing; without it, you are asked to compare.
        #[arg(long, value_name = "FINGERPRINT")]
        fingerprint: Option<String>,
        /// Where the station key is kept: backroom/station.json in the OS data directory by
        /// default.
        #[arg(long, value_name = "PATH")]
        key_file: Option<PathBuf>,
    },
    /// Fill a new, empty database with the demo warehouse.
    Demo,
    /// Import a CSV file: every row is checked first, and nothing is written unless all pass.
    Import {
        #[arg(value_enum)]
        table: TableArg,
        file: PathBuf,
        /// Check the file and report, writing nothing.
        #[arg(long)]
        dry_run: bool,
        /// How the file writes its dates, when a spreadsheet has re-saved it: strftime-style,
        /// such as '%d/%m/%Y %H:%M' for 31/12/2023 22:36.
        #[arg(long, value_name = "FORMAT")]
        date_format: Option<String>,
        /// The store's time zone for times written without an offset: UTC, an offset such
        /// as -05:00, or a zone name such as Europe/Berlin.
        #[arg(long, value_name = "ZONE", allow_hyphen_values = true)]
        time_zone: Option<String>,
        /// Read an orders file of any shop by a column mapping: a mapping JSON file, saved
        /// under its name once the import is kept, or the name of a saved one.
        #[arg(long, value_name = "FILE|NAME")]
        mapping: Option<String>,
    },
    /// Export a table as CSV with a header row.
    Export {
        #[arg(value_enum)]
        table: TableArg,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Database maintenance.
    Db {
        #[command(subcommand)]
        action: DbAction,
    },
    /// Run any command of the command list with a JSON request (or `-` to read it from
    /// standard input) and print the JSON reply.
    Call {
        name: String,
        #[arg(default_value = "{}")]
        json: String,
    },
    /// List the command names.
    Commands,
    /// Plan a pick route through a layout file and a pick-list file (the pick-path benchmark's
    /// formats) and print it.
    Route {
        #[arg(long, value_name = "LAYOUT.json")]
        layout: PathBuf,
        #[arg(long, value_name = "PICKS.json")]
        picks: PathBuf,
        /// s-shape, largest-gap or optimal.
        #[arg(long, default_value = "optimal")]
        method: String,
        /// Print one JSON object: {"method", "distance_m", "sequence"}.
        #[arg(long)]
        json: bool,
    },
    /// Talk to a serial scale: list ports, read, watch, zero, tare. Opens no database.
    Scale {
        #[command(subcommand)]
        action: crate::scale_cli::ScaleAction,
    },
    /// Write packing slips as a PDF: one order, or several into one file.
    Slip(crate::slip_cli::SlipArgs),
    /// Print an order's packing slip on a CUPS printer queue.
    Print(crate::slip_cli::PrintArgs),
    /// Bin, product or badge labels with Code 128 barcodes, as a PDF or on a CUPS printer.
    Labels(crate::labels_cli::LabelArgs),
    /// Product pictures: fetch those an import named, or set one.
    Images {
        #[command(subcommand)]
        action: crate::images_cli::ImagesAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum DbAction {
    /// Check the ledger: on-hand equals the sum of movements, nothing negative, reservations
    /// within on-hand. Exits 1 and lists every violation.
    Check,
    /// Print the database path and schema version.
    Info,
    /// Copy the whole warehouse into another, empty database (a SQLite file or a PostgreSQL
    /// connection string), then check the ledger on both sides. Exits 1 if either fails.
    Copy {
        /// The database to copy into: created if need be, and refused if it holds anything.
        #[arg(long, value_name = "LOCATION")]
        to: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TableArg {
    Products,
    Orders,
    Stock,
    /// The weight-audit log (export only).
    Weighings,
}

impl From<TableArg> for Table {
    fn from(t: TableArg) -> Table {
        match t {
            TableArg::Products => Table::Products,
            TableArg::Orders => Table::Orders,
            TableArg::Stock => Table::Stock,
            TableArg::Weighings => Table::Weighings,
        }
    }
}

/// Why a CLI run failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Api(#[from] ApiError),
    #[error("{what}: {source}")]
    Io { what: String, source: std::io::Error },
    #[error("{0}")]
    Usage(String),
    /// The run finished but found problems, already printed.
    #[error("{0}")]
    Failed(String),
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> CliError {
    let what = what.into();
    move |source| CliError::Io { what, source }
}

/// Writes to standard output. A closed pipe (`backroom export orders | head -1`) is the reader
/// saying it has enough, so the output ends quietly; `println!` would panic instead.
pub(crate) fn write_out(text: std::fmt::Arguments<'_>) -> Result<(), CliError> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_fmt(text).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(io("cannot write to standard output")(e))
        }
        _ => Ok(()),
    }
}

/// `println!` through [`write_out`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::write_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub fn run(cli: Cli) -> ExitCode {
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Failed(summary)) => {
            eprintln!("{summary}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn execute(cli: Cli) -> Result<(), CliError> {
    if let Command::Route { layout, picks, method, json } = &cli.command {
        return route(layout, picks, method, *json);
    }
    if let Command::Scale { action } = &cli.command {
        return crate::scale_cli::run(action);
    }
    let db = match &cli.db {
        Some(text) => Location::parse(text),
        None => Location::File(backroom_api::db::default_path()),
    };
    if let Command::Commands = cli.command {
        for name in backroom_api::commands::names() {
            outln!("{name}")?;
        }
        return Ok(());
    }
    if let Command::Pair { host, code, fingerprint } = &cli.command {
        return pair(host, code, fingerprint.as_deref());
    }
    if let Command::Station { host, code, fingerprint, key_file } = &cli.command {
        let (code, fingerprint) = (code.as_deref(), fingerprint.as_deref());
        return crate::station::headless(host, code, fingerprint, key_file.clone())
            .map_err(|e| CliError::Failed(e.to_string()));
    }
    // A copy from a file that is not there would copy a new, empty warehouse.
    if let (Command::Db { action: DbAction::Copy { .. } }, Location::File(path)) =
        (&cli.command, &db)
        && !path.is_file()
    {
        return Err(CliError::Usage(format!("there is no database {} to copy", path.display())));
    }
    let app = App::open_at(&db)?;
    match cli.command {
        Command::Serve { addr, lan, loopback_addr, ui, allow_hosts, allow_origins, write_wait } => {
            let wait = std::time::Duration::try_from_secs_f64(write_wait).map_err(|_| {
                CliError::Usage(format!("--write-wait {write_wait} is not a number of seconds"))
            })?;
            let app = app.with_write_wait(wait);
            let allowed = (allow_hosts.as_slice(), allow_origins.as_slice());
            if lan {
                let addr = addr.unwrap_or_else(|| "0.0.0.0:7878".into());
                serve_lan(app, &addr, loopback_addr.as_deref(), ui, allowed)
            } else {
                let addr = addr.unwrap_or_else(|| "127.0.0.1:7878".into());
                serve(app, &addr, ui, allowed)
            }
        }
        Command::Demo => demo(&app),
        Command::Import { table, file, dry_run, date_format, time_zone, mapping } => {
            let (mapping, saved_mapping) = match mapping {
                Some(m) if m.ends_with(".json") || std::path::Path::new(&m).is_file() => {
                    (Some(read_mapping(&m)?), None)
                }
                Some(name) => (None, Some(name)),
                None => (None, None),
            };
            let req = ImportRequest {
                table: table.into(),
                csv: String::new(),
                dry_run,
                date_format,
                time_zone,
                mapping,
                saved_mapping,
            };
            import(&app, req, &file)
        }
        Command::Export { table, out } => export(&app, table.into(), out),
        Command::Db { action: DbAction::Check } => check(&app),
        Command::Db { action: DbAction::Info } => {
            let health: backroom_api::admin::system::Health =
                app.run(Caller::Local, "health", &NoArgs {})?;
            outln!("database: {}\nschema:   {}\nversion:  {}", db, health.schema, health.version)
        }
        Command::Db { action: DbAction::Copy { to } } => {
            let report = backroom_api::db::copy::copy(&db, &Location::parse(&to))?;
            for line in report.lines() {
                outln!("{line}")?;
            }
            match report.ok() {
                true => Ok(()),
                false => Err(CliError::Failed("a ledger check failed after the copy".into())),
            }
        }
        Command::Call { name, json } => call(&app, &name, &json),
        Command::Slip(args) => crate::slip_cli::slip(&app, args),
        Command::Print(args) => crate::slip_cli::print(&app, args),
        Command::Labels(args) => crate::labels_cli::labels(&app, args),
        Command::Images { action } => crate::images_cli::run(&app, action),
        Command::Commands
        | Command::Route { .. }
        | Command::Scale { .. }
        | Command::Pair { .. }
        | Command::Station { .. } => Ok(()),
    }
}

fn serve(
    app: App,
    addr: &str,
    ui: Option<PathBuf>,
    (allow_hosts, allow_origins): (&[String], &[String]),
) -> Result<(), CliError> {
    let ui = crate::serve::find_ui(ui);
    let runtime = tokio::runtime::Runtime::new().map_err(io("cannot start the server runtime"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(io(format!("cannot listen on {addr}")))?;
        let local = listener.local_addr().map_err(io("cannot read the listening address"))?;
        if !local.ip().is_loopback() {
            return Err(CliError::Usage(format!(
                "{addr} reaches beyond this machine, and Backroom serves other machines only \
                 over HTTPS with a certificate stations can check: start it with \
                 `backroom serve --lan` (add --addr {addr} to choose the address)"
            )));
        }
        // Its own names are known only once it listens: the port may have been 0.
        let allowed = crate::serve::Allowed::new(local, allow_hosts, allow_origins)
            .map_err(CliError::Usage)?;
        // The first line is the URL, so scripts and tests can start on port 0 and read it.
        println!("Backroom is serving http://{local}/");
        if ui.is_none() {
            eprintln!("note: the web UI is not built; run `npm --prefix ui ci && npm --prefix ui run build`");
        }
        let app = Arc::new(app);
        // The stations' scales, watched for as long as the server runs.
        let _scales = backroom_api::devices::scales::ScaleWatch::start(&app);
        // Product pictures an import named, fetched outside any command while the server runs.
        let _images = backroom_api::inventory::images::ImageFetcher::start(&app);
        let router = crate::serve::router(app, ui, allowed);
        // Each request knows its connection: the client's address and the one it came in at.
        let service = router.into_make_service_with_connect_info::<crate::serve::Connection>();
        axum::serve(listener, service)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(io("the server stopped"))
    })
}

/// `backroom serve --lan`: HTTPS on `addr` for the warehouse's network, with the certificate
/// kept beside the database (see `App::path`), and plain HTTP on loopback for this machine's
/// own browsers.
fn serve_lan(
    app: App,
    addr: &str,
    loopback_addr: Option<&str>,
    ui: Option<PathBuf>,
    (allow_hosts, allow_origins): (&[String], &[String]),
) -> Result<(), CliError> {
    let ui = crate::serve::find_ui(ui);
    let lan_ips = lan_addresses();
    let mut names: Vec<String> = lan_ips.iter().map(|ip| ip.to_string()).collect();
    names.extend(host_name().into_iter().flat_map(|name| [format!("{name}.local"), name]));
    let host = crate::tls::host_certificate(app.path(), &names)
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let tls = crate::tls::server_config(&host).map_err(|e| CliError::Usage(e.to_string()))?;
    let app = Arc::new(app.with_host_fingerprint(host.fingerprint.clone()));
    let runtime = tokio::runtime::Runtime::new().map_err(io("cannot start the server runtime"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(io(format!("cannot listen on {addr}")))?;
        let local = listener.local_addr().map_err(io("cannot read the listening address"))?;
        // The host answers to its own names on the network besides those given.
        let own_names = lan_ips
            .iter()
            .map(|ip| match ip {
                std::net::IpAddr::V6(v6) => format!("[{v6}]"),
                std::net::IpAddr::V4(v4) => v4.to_string(),
            })
            .chain(names.into_iter().filter(|name| name.parse::<std::net::IpAddr>().is_err()));
        let hosts: Vec<String> = allow_hosts.iter().cloned().chain(own_names).collect();
        let allowed = crate::serve::Allowed::new(local, &hosts, allow_origins)
            .map_err(CliError::Usage)?;
        let loopback = match loopback_addr {
            Some("off") => None,
            Some(given) => Some(given.to_owned()),
            None if local.port() == 0 => Some("127.0.0.1:0".to_owned()),
            None => Some(format!("127.0.0.1:{}", local.port().saturating_add(1))),
        };
        let plain = match &loopback {
            Some(loopback) => {
                let plain = tokio::net::TcpListener::bind(loopback)
                    .await
                    .map_err(io(format!("cannot listen on {loopback}")))?;
                let at = plain.local_addr().map_err(io("cannot read the listening address"))?;
                if !at.ip().is_loopback() {
                    return Err(CliError::Usage(format!(
                        "--loopback-addr {loopback} is not on this machine's loopback; plain \
                         HTTP is for this machine's own browsers only"
                    )));
                }
                Some((plain, at))
            }
            None => None,
        };
        // The first line is the URL, so scripts and tests can start on port 0 and read it.
        println!("Backroom is serving https://{local}/");
        if local.ip().is_unspecified() {
            for ip in &lan_ips {
                println!("  on the network at https://{}/", std::net::SocketAddr::new(*ip, local.port()));
            }
        }
        if let Some((_, at)) = &plain {
            println!("  on this machine at http://{at}/");
        }
        println!("certificate fingerprint (SHA-256): {}", host.fingerprint);
        println!("  kept in {}; a station pairing with this host must show the same", host.path.display());
        if ui.is_none() {
            eprintln!("note: the web UI is not built; run `npm --prefix ui ci && npm --prefix ui run build`");
        }
        let _scales = backroom_api::devices::scales::ScaleWatch::start(&app);
        let _images = backroom_api::inventory::images::ImageFetcher::start(&app);
        let routes = crate::serve::routes(app, ui);
        let (stop, mut tls_stopped) = tokio::sync::watch::channel(false);
        let mut plain_stopped = tls_stopped.clone();
        let tls_router = crate::serve::router_with(routes.clone(), allowed);
        let tls_server = crate::serve::serve_tls(listener, tls, tls_router, async move {
            let _ = tls_stopped.changed().await;
        });
        let plain_server = async move {
            let Some((plain, at)) = plain else { return Ok(()) };
            let allowed = crate::serve::Allowed::new(at, &hosts, allow_origins)
                .map_err(CliError::Usage)?;
            let router = crate::serve::router_with(routes, allowed);
            let service = router.into_make_service_with_connect_info::<crate::serve::Connection>();
            axum::serve(plain, service)
                .with_graceful_shutdown(async move {
                    let _ = plain_stopped.changed().await;
                })
                .await
                .map_err(io("the server stopped"))
        };
        let both = async { tokio::join!(tls_server, plain_server).1 };
        tokio::select! {
            result = both => result,
            _ = tokio::signal::ctrl_c() => {
                let _ = stop.send(true);
                Ok(())
            }
        }
    })
}

/// This machine's addresses on its networks, loopback left out.
fn lan_addresses() -> Vec<std::net::IpAddr> {
    let mut ips: Vec<std::net::IpAddr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter(|interface| !interface.is_loopback())
        .map(|interface| interface.ip())
        .collect();
    ips.sort();
    ips.dedup();
    ips
}

/// This machine's host name, where the system says it.
fn host_name() -> Option<String> {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())?;
    let name = name.trim().to_ascii_lowercase();
    (!name.is_empty()).then_some(name)
}

/// `backroom pair`: pairs this machine with a host and keeps the station key.
fn pair(host: &str, code: &str, fingerprint: Option<&str>) -> Result<(), CliError> {
    use crate::pairing_client::{self, PairError};
    let confirm = |seen: &str| {
        eprintln!("The host at {host} shows the certificate fingerprint\n  {seen}");
        eprint!("Is this the fingerprint the host's screen shows? Type yes to pair: ");
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer).is_ok() && answer.trim().eq_ignore_ascii_case("yes")
    };
    let paired = pairing_client::pair(host, code, fingerprint, confirm).map_err(|e| match e {
        PairError::WrongFingerprint { .. } | PairError::NotConfirmed => {
            CliError::Failed(e.to_string())
        }
        other => CliError::Usage(other.to_string()),
    })?;
    let path = pairing_client::station_file_path();
    paired.save(&path).map_err(|e| CliError::Usage(e.to_string()))?;
    outln!(
        "paired as the station {:?} with {}\n  fingerprint {}\n  station key kept in {}",
        paired.station,
        paired.host,
        paired.fingerprint,
        path.display()
    )
}

fn demo(app: &App) -> Result<(), CliError> {
    let summary: DemoSummary = app.run(Caller::Local, "load_demo", &NoArgs {})?;
    outln!(
        "demo warehouse loaded: {} products, {} bins, {} orders ({} held)",
        summary.products,
        summary.bins,
        summary.orders,
        summary.held_orders
    )?;
    for op in &summary.operators {
        outln!("  {:<8} {:<20} badge {:<10} PIN {}", op.role.as_str(), op.name, op.badge, op.pin)?;
    }
    Ok(())
}

/// A column mapping file, or where it cannot be read as one.
fn read_mapping(path: &str) -> Result<ColumnMapping, CliError> {
    let text = std::fs::read_to_string(path).map_err(io(format!("cannot read {path}")))?;
    serde_json::from_str(&text).map_err(|e| {
        CliError::Failed(format!(
            "{path}: line {}, column {}: {e}; a mapping is {{\"name\": ..., \"columns\": \
             {{\"order_number\": ..., \"quantity\": ..., \"sku\": ...}}}}\nnothing was imported",
            e.line(),
            e.column()
        ))
    })
}

fn import(app: &App, mut req: ImportRequest, file: &PathBuf) -> Result<(), CliError> {
    let bytes = std::fs::read(file).map_err(io(format!("cannot read {}", file.display())))?;
    let csv = backroom_api::transfer::utf8_text(bytes).map_err(|bad| {
        CliError::Failed(format!("{}: {bad}\nnothing was imported", file.display()))
    })?;
    let dry_run = req.dry_run;
    req.csv = csv;
    let report: ImportReport = app.run(Caller::Local, "import_csv", &req)?;
    if !report.ok {
        for e in &report.errors {
            let column = e.column.as_deref().map(|c| format!(", column {c}")).unwrap_or_default();
            eprintln!("{}: line {}{column}: {}", file.display(), e.line, e.reason);
        }
        let lines: std::collections::BTreeSet<u64> = report.errors.iter().map(|e| e.line).collect();
        return Err(CliError::Failed(format!(
            "{} errors on {} lines; nothing was imported",
            report.errors.len(),
            lines.len()
        )));
    }
    let verb = if dry_run { "checked (dry run, nothing written)" } else { "imported" };
    outln!(
        "{} rows of {} {verb}: {} created, {} updated, {} skipped",
        report.rows,
        report.format,
        report.created,
        report.updated,
        report.skipped
    )?;
    for note in &report.notes {
        outln!("  {note}")?;
    }
    Ok(())
}

fn export(app: &App, table: Table, out: Option<PathBuf>) -> Result<(), CliError> {
    let file: ExportFile = app.run(Caller::Local, "export_csv", &ExportRequest { table })?;
    match out {
        Some(path) => {
            std::fs::write(&path, file.csv).map_err(io(format!("cannot write {}", path.display())))
        }
        None => write_out(format_args!("{}", file.csv)),
    }
}

fn check(app: &App) -> Result<(), CliError> {
    let report: LedgerReport = app.run(Caller::Local, "check_ledger", &NoArgs {})?;
    if report.ok {
        return outln!(
            "ledger ok: {} stock records agree with {} movements",
            report.checked,
            report.movements
        );
    }
    for v in &report.violations {
        outln!("{v}")?;
    }
    Err(CliError::Failed(format!("ledger check failed: {} violations", report.violations.len())))
}

fn call(app: &App, name: &str, json: &str) -> Result<(), CliError> {
    let text = if json == "-" {
        let mut buf = String::new();
        std::io::stdin().read_to_string(&mut buf).map_err(io("cannot read standard input"))?;
        buf
    } else {
        json.to_owned()
    };
    let req = serde_json::from_str(&text)
        .map_err(|e| CliError::Usage(format!("the request is not valid JSON: {e}")))?;
    let reply = app.call(Caller::Local, name, req)?;
    outln!("{}", serde_json::to_string_pretty(&reply).unwrap_or_default())
}

fn route(layout: &PathBuf, picks: &PathBuf, method: &str, json: bool) -> Result<(), CliError> {
    use backroom_core::routing;
    let read = |path: &PathBuf| {
        std::fs::read_to_string(path).map_err(io(format!("cannot read {}", path.display())))
    };
    let method: routing::Method =
        method.parse().map_err(|e: routing::RouteError| CliError::Usage(e.to_string()))?;
    let route = routing::route_files(&read(layout)?, &read(picks)?, method)
        .map_err(|e| CliError::Usage(format!("{}: {e}", picks.display())))?;
    if json {
        outln!("{}", serde_json::to_string(&route).unwrap_or_default())
    } else {
        outln!(
            "{} route, {:.1} m: depot -> {} -> depot",
            route.method,
            route.distance_m,
            route.sequence.join(" -> ")
        )
    }
}
