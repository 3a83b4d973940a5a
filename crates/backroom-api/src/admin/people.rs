//! Operators, stations and sign-in. An operator signs in at a station with a badge barcode or a
//! PIN and gets a session token; every command then runs as that operator at that station.

use crate::store::{OptionalExtension, Row, params};
use backroom_core::people::{LOCKOUT_WINDOW_SECS, Role, lockout_secs};
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::context::{Actor, Ctx, Done, FailedSignIn, NoArgs};
use crate::devices::scale_port::ScaleSettings;
use crate::error::{ApiError, ErrorCode};
use crate::events::{Changed, Event};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Operator {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub badge: Option<String>,
    pub has_pin: bool,
    pub active: bool,
    /// The language their screens speak.
    pub language: Language,
}

/// A language the screens speak, chosen per operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Es,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Es => "es",
        }
    }

    /// A stored code; the schema allows only these, so anything else reads as English.
    fn parse(code: &str) -> Language {
        match code {
            "es" => Language::Es,
            _ => Language::En,
        }
    }
}

/// The language someone picks for themselves at the bench.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct MyLanguage {
    pub language: Language,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct SaveOperator {
    /// The operator to update; absent to create one.
    #[serde(default)]
    pub id: Option<i64>,
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub badge: Option<String>,
    /// A new PIN of 4 to 8 digits; absent to keep the current one.
    #[serde(default)]
    pub pin: Option<String>,
    #[serde(default = "yes")]
    pub active: bool,
    /// The language of their screens; absent to keep the current one (English for someone new).
    #[serde(default)]
    pub language: Option<Language>,
}

fn yes() -> bool {
    true
}

/// A workstation and the devices attached to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct Station {
    pub name: String,
    #[serde(default)]
    pub scale: Option<ScaleSettings>,
    /// The CUPS queue the station prints to.
    #[serde(default)]
    pub printer: Option<String>,
    /// Where the scale is attached: the host's own port, or the station's computer. Left out
    /// when saving, it stays as it was (the host, for a new station).
    #[serde(default)]
    pub scale_at: Option<crate::admin::stations::DeviceAt>,
    /// Where the printer's queue is: on the host, or on the station's computer. Left out when
    /// saving, it stays as it was (the host, for a new station).
    #[serde(default)]
    pub printer_at: Option<crate::admin::stations::DeviceAt>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct SignIn {
    pub station: String,
    /// A scanned badge barcode or a typed PIN.
    pub credential: String,
    /// The PIN that goes with a scanned badge, where the store asks managers for both.
    #[serde(default)]
    pub pin: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Session {
    pub token: String,
    pub operator: Operator,
    pub station: String,
}

const OPERATOR_COLUMNS: &str = "id, name, role, badge, pin_hash IS NOT NULL, active, language";

fn operator_row(row: &Row<'_>) -> crate::store::Result<Operator> {
    let role: String = row.get(2)?;
    Ok(Operator {
        id: row.get(0)?,
        name: row.get(1)?,
        role: Role::parse(&role).unwrap_or(Role::Picker),
        badge: row.get(3)?,
        has_pin: row.get(4)?,
        active: row.get(5)?,
        language: Language::parse(&row.get::<_, String>(6)?),
    })
}

fn station_row(row: &Row<'_>) -> crate::store::Result<Station> {
    let port: Option<String> = row.get(1)?;
    let scale = match port {
        Some(port) => Some(ScaleSettings {
            port,
            protocol: row.get::<_, Option<String>>(2)?.unwrap_or_default(),
            baud: row.get::<_, Option<u32>>(3)?.unwrap_or(9600),
            data_bits: row.get::<_, Option<u8>>(4)?.unwrap_or(8),
            parity: row.get::<_, Option<String>>(5)?.unwrap_or_else(|| "none".into()),
            stop_bits: row.get::<_, Option<u8>>(6)?.unwrap_or(1),
        }),
        None => None,
    };
    Ok(Station {
        name: row.get(0)?,
        scale,
        printer: row.get(7)?,
        scale_at: Some(crate::admin::stations::DeviceAt::parse(&row.get::<_, String>(8)?)),
        printer_at: Some(crate::admin::stations::DeviceAt::parse(&row.get::<_, String>(9)?)),
    })
}

const STATION_COLUMNS: &str = "name, scale_port, scale_protocol, scale_baud, scale_data_bits, \
                               scale_parity, scale_stop_bits, printer, scale_at, printer_at";

pub fn list_stations(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<Vec<Station>, ApiError> {
    let mut stmt =
        ctx.tx.prepare(&format!("SELECT {STATION_COLUMNS} FROM stations ORDER BY name"))?;
    let rows = stmt.query_map([], station_row)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

pub fn save_station(ctx: &mut Ctx<'_>, station: Station) -> Result<Station, ApiError> {
    let name = station.name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid("a station needs a name"));
    }
    let scale = station.scale.as_ref();
    if let Some(scale) = scale
        && !matches!(scale.parity.as_str(), "none" | "even" | "odd")
    {
        return Err(ApiError::invalid(format!(
            "scale parity “{}” is not none, even or odd",
            scale.parity
        )));
    }
    ctx.tx.execute(
        "INSERT INTO stations (name, scale_port, scale_protocol, scale_baud, scale_data_bits,
                               scale_parity, scale_stop_bits, printer)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (name) DO UPDATE SET scale_port = ?2, scale_protocol = ?3, scale_baud = ?4,
             scale_data_bits = ?5, scale_parity = ?6, scale_stop_bits = ?7, printer = ?8",
        params![
            name,
            scale.map(|s| &s.port),
            scale.map(|s| &s.protocol),
            scale.map(|s| s.baud),
            scale.map(|s| s.data_bits),
            scale.map(|s| &s.parity),
            scale.map(|s| s.stop_bits),
            station.printer.as_deref().filter(|p| !p.trim().is_empty()),
        ],
    )?;
    let (scale_at, printer_at) =
        crate::admin::stations::place_devices(ctx, name, station.scale_at, station.printer_at)?;
    ctx.emit(Event::DataChanged { what: Changed::Stations });
    Ok(Station {
        name: name.to_owned(),
        scale_at: Some(scale_at),
        printer_at: Some(printer_at),
        ..station
    })
}

pub fn list_operators(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<Vec<Operator>, ApiError> {
    let mut stmt =
        ctx.tx.prepare(&format!("SELECT {OPERATOR_COLUMNS} FROM operators ORDER BY name"))?;
    let rows = stmt.query_map([], operator_row)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

pub fn save_operator(ctx: &mut Ctx<'_>, req: SaveOperator) -> Result<Operator, ApiError> {
    let name = req.name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid("an operator needs a name"));
    }
    let badge = req.badge.as_deref().map(str::trim).filter(|b| !b.is_empty());
    let pin_hash = match &req.pin {
        Some(pin) => Some(new_pin_hash(ctx, pin, req.id)?),
        None => None,
    };
    let was_manager = match req.id {
        Some(id) => is_active_manager(ctx, id)?,
        None => false,
    };
    let id = match req.id {
        Some(id) => {
            let changed = ctx.tx.execute(
                "UPDATE operators SET name = ?2, role = ?3, badge = ?4, active = ?5,
                        pin_hash = coalesce(?6, pin_hash), language = coalesce(?7, language)
                 WHERE id = ?1",
                params![
                    id,
                    name,
                    req.role.as_str(),
                    badge,
                    req.active,
                    pin_hash,
                    req.language.map(Language::as_str)
                ],
            )?;
            if changed == 0 {
                return Err(ApiError::not_found(format!("there is no operator with id {id}")));
            }
            id
        }
        None => ctx.tx.query_row(
            "INSERT INTO operators (name, role, badge, pin_hash, active, language)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
            params![
                name,
                req.role.as_str(),
                badge,
                pin_hash,
                req.active,
                req.language.unwrap_or_default().as_str()
            ],
            |r| r.get(0),
        )?,
    };
    if !req.active {
        end_sessions(ctx, id)?;
    }
    if was_manager && !is_active_manager(ctx, id)? {
        check_a_manager_remains(ctx)?;
    }
    ctx.emit(Event::DataChanged { what: Changed::Operators });
    operator_by_id(ctx, id)
}

/// Ends every open session of an operator who was switched off, so a badge handed in stops
/// working at once on every station, not at their next sign-in. Switching oneself off is
/// refused: the manager would lose the screen mid-change.
fn end_sessions(ctx: &Ctx<'_>, operator_id: i64) -> Result<(), ApiError> {
    if ctx.operator_id() == Some(operator_id) {
        return Err(ApiError::conflict(
            "you cannot switch off your own badge; ask another manager to do it",
        ));
    }
    ctx.tx.execute(
        "UPDATE sessions SET ended_at = ?2 WHERE operator_id = ?1 AND ended_at IS NULL",
        params![operator_id, ctx.now_text()],
    )?;
    Ok(())
}

fn is_active_manager(ctx: &Ctx<'_>, id: i64) -> Result<bool, ApiError> {
    let found: Option<bool> = ctx
        .tx
        .query_row(
            "SELECT role = ?2 AND active = 1 FROM operators WHERE id = ?1",
            params![id, Role::Manager.as_str()],
            |r| r.get(0),
        )
        .optional()?;
    Ok(found.unwrap_or(false))
}

/// Refuses a change that leaves no active manager: nobody could add people or fix settings.
fn check_a_manager_remains(ctx: &Ctx<'_>) -> Result<(), ApiError> {
    let managers: i64 = ctx.tx.query_row(
        "SELECT count(*) FROM operators WHERE role = ?1 AND active = 1",
        [Role::Manager.as_str()],
        |r| r.get(0),
    )?;
    if managers == 0 {
        return Err(ApiError::conflict(
            "Backroom needs at least one active manager; make someone else a manager first",
        ));
    }
    Ok(())
}

fn operator_by_id(ctx: &Ctx<'_>, id: i64) -> Result<Operator, ApiError> {
    Ok(ctx.tx.query_row(
        &format!("SELECT {OPERATOR_COLUMNS} FROM operators WHERE id = ?1"),
        [id],
        operator_row,
    )?)
}

/// Hashes a new PIN, refusing one that is malformed or already used by someone else (a PIN
/// alone must say who is signing in).
fn new_pin_hash(ctx: &Ctx<'_>, pin: &str, owner: Option<i64>) -> Result<String, ApiError> {
    let pin = pin.trim();
    if !(4..=8).contains(&pin.len()) || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(ApiError::invalid("a PIN is 4 to 8 digits"));
    }
    if let Some(other) = operator_by_pin(ctx, pin)?
        && Some(other) != owner
    {
        return Err(ApiError::conflict("that PIN is taken; choose another"));
    }
    let salt: [u8; 8] = rand::rng().random();
    let salt = hex(&salt);
    Ok(format!("{salt}${}", pin_digest(&salt, pin)))
}

fn pin_digest(salt: &str, pin: &str) -> String {
    hex(&Sha256::digest(format!("{salt}:{pin}").as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn operator_by_pin(ctx: &Ctx<'_>, pin: &str) -> Result<Option<i64>, ApiError> {
    let mut stmt = ctx
        .tx
        .prepare("SELECT id, pin_hash FROM operators WHERE pin_hash IS NOT NULL AND active = 1")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (id, stored) = row?;
        if let Some((salt, digest)) = stored.split_once('$')
            && pin_digest(salt, pin) == digest
        {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// The caller's station, if it has one.
pub(crate) fn station_name(ctx: &Ctx<'_>) -> Result<Option<String>, ApiError> {
    let Some(station_id) = ctx.station_id() else { return Ok(None) };
    let name =
        ctx.query_row("SELECT name FROM stations WHERE id = ?1", [station_id], |r| r.get(0))?;
    Ok(Some(name))
}

/// The active operator with this badge barcode or PIN.
pub(crate) fn operator_by_credential(
    ctx: &Ctx<'_>,
    credential: &str,
) -> Result<Option<i64>, ApiError> {
    let credential = credential.trim();
    let by_badge: Option<i64> = ctx
        .tx
        .query_row("SELECT id FROM operators WHERE badge = ?1 AND active = 1", [credential], |r| {
            r.get(0)
        })
        .optional()?;
    match by_badge {
        Some(id) => Ok(Some(id)),
        None => operator_by_pin(ctx, credential),
    }
}

/// Signs an operator in. Wrong badges and PINs are counted per station and per client
/// address; past a few, sign-in there is closed for a while, even to the right PIN.
pub fn sign_in(ctx: &mut Ctx<'_>, req: SignIn) -> Result<Session, ApiError> {
    let address = client_address(ctx);
    let station_id: Option<i64> = ctx
        .tx
        .query_row("SELECT id FROM stations WHERE name = ?1", [req.station.trim()], |r| r.get(0))
        .optional()?;
    check_not_locked_out(ctx, station_id, address.as_deref())?;
    let Some(station_id) = station_id else {
        refuse_sign_in(ctx, None, address.clone());
        return Err(ApiError::not_found(format!(
            "there is no station “{}”",
            backroom_core::limits::shorten(req.station.trim(), 40)
        )));
    };
    let Some(operator_id) = operator_by_credential(ctx, &req.credential)? else {
        refuse_sign_in(ctx, Some(station_id), address);
        return Err(ApiError::new(
            ErrorCode::NotSignedIn,
            "that badge or PIN is not known; scan your badge again or ask a manager",
        ));
    };
    if let Err(refusal) = check_second_factor(ctx, operator_id, &req) {
        // Only a badge waiting for its PIN is not a wrong try; a manager's PIN alone counts,
        // or the badge-and-PIN rule would let PINs be guessed freely.
        if refusal.code != ErrorCode::PinNeeded {
            refuse_sign_in(ctx, Some(station_id), address);
        }
        return Err(refusal);
    }
    // At a paired station the session is bound to the station's key.
    let station_key = crate::admin::stations::key_for_sign_in(ctx, station_id)?;
    let token = hex(&rand::rng().random::<[u8; 24]>());
    ctx.tx.execute(
        "INSERT INTO sessions (token, operator_id, station_id, started_at, station_key_id)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![token, operator_id, station_id, ctx.now_text(), station_key],
    )?;
    ctx.tx.execute(
        "INSERT INTO sign_in_attempts (station_id, address, operator_id, ok, at)
         VALUES (?1, ?2, ?3, 1, ?4)",
        params![station_id, address, operator_id, ctx.now_text()],
    )?;
    Ok(Session {
        token,
        operator: operator_by_id(ctx, operator_id)?,
        station: req.station.trim().to_owned(),
    })
}

/// A manager's badge or PIN given at a signed-in station to approve something (packing over a
/// failed weighing). Such a credential can be guessed like a sign-in, so it is counted and
/// locked out the same way: `None` when it is not a known manager's.
pub(crate) fn manager_approval(
    ctx: &mut Ctx<'_>,
    credential: &str,
) -> Result<Option<i64>, ApiError> {
    let address = client_address(ctx);
    let station_id = ctx.station_id();
    check_not_locked_out(ctx, station_id, address.as_deref())?;
    let manager = match operator_by_credential(ctx, credential)? {
        Some(id) => {
            let role: String =
                ctx.query_row("SELECT role FROM operators WHERE id = ?1", [id], |r| r.get(0))?;
            (role == Role::Manager.as_str()).then_some(id)
        }
        None => None,
    };
    if manager.is_none() {
        refuse_sign_in(ctx, station_id, address);
    }
    Ok(manager)
}

/// The address of a caller over the network, as the sign-in log keeps it.
fn client_address(ctx: &Ctx<'_>) -> Option<String> {
    ctx.client.map(|address| address.to_string())
}

/// Counts a wrong try; it is written even though the command is refused.
pub(crate) fn refuse_sign_in(ctx: &mut Ctx<'_>, station_id: Option<i64>, address: Option<String>) {
    let at = ctx.now_text();
    ctx.keep_failed_sign_in(FailedSignIn { station_id, address, at });
}

pub(crate) fn log_failed_sign_in(
    tx: &crate::store::Transaction<'_>,
    failure: &FailedSignIn,
) -> Result<(), ApiError> {
    tx.execute(
        "INSERT INTO sign_in_attempts (station_id, address, ok, at) VALUES (?1, ?2, 0, ?3)",
        params![failure.station_id, failure.address, failure.at],
    )?;
    Ok(())
}

/// Refuses while the station or the address has had too many wrong tries lately.
pub(crate) fn check_not_locked_out(
    ctx: &Ctx<'_>,
    station_id: Option<i64>,
    address: Option<&str>,
) -> Result<(), ApiError> {
    let since = crate::time::to_text(ctx.now - chrono::Duration::seconds(LOCKOUT_WINDOW_SECS));
    let mut wait = 0;
    if let Some(station_id) = station_id {
        wait = wait.max(seconds_locked(ctx, "station_id = ?1", &station_id, &since)?);
    }
    if let Some(address) = address {
        wait = wait.max(seconds_locked(ctx, "address = ?1", &address, &since)?);
    }
    if wait > 0 {
        return Err(ApiError::new(
            ErrorCode::LockedOut,
            format!(
                "too many wrong badges or PINs here; try again in {}, or ask a manager",
                in_words(wait)
            ),
        ));
    }
    Ok(())
}

/// Seconds left of the lockout on one key (a station or an address), or 0.
fn seconds_locked(
    ctx: &Ctx<'_>,
    key: &str,
    value: &dyn crate::store::ToSql,
    since: &str,
) -> Result<i64, ApiError> {
    let (failures, latest): (u32, Option<String>) = ctx.query_row(
        &format!(
            "SELECT count(*), max(at) FROM sign_in_attempts WHERE {key} AND ok = 0 AND at >= ?2"
        ),
        params![value, since],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let Some(latest) = latest.as_deref().and_then(crate::time::parse) else { return Ok(0) };
    let until = latest + chrono::Duration::seconds(lockout_secs(failures));
    Ok((until - ctx.now).num_seconds().max(0))
}

fn in_words(secs: i64) -> String {
    if secs < 60 {
        format!("{secs} seconds")
    } else {
        let minutes = (secs + 59) / 60;
        format!("{minutes} minute{}", if minutes == 1 { "" } else { "s" })
    }
}

/// Where the store asks it, a manager signs in with badge and PIN together, so a PIN seen over
/// a shoulder or a lost badge alone is not enough for a manager's rights.
fn check_second_factor(ctx: &Ctx<'_>, operator_id: i64, req: &SignIn) -> Result<(), ApiError> {
    if !crate::admin::settings::security(ctx)?.managers_need_badge_and_pin {
        return Ok(());
    }
    let (role, badge): (String, Option<String>) =
        ctx.query_row("SELECT role, badge FROM operators WHERE id = ?1", [operator_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    if role != Role::Manager.as_str() {
        return Ok(());
    }
    let scanned_badge = badge.as_deref().is_some_and(|b| b == req.credential.trim());
    let pin = req.pin.as_deref().map(str::trim).filter(|p| !p.is_empty());
    match (scanned_badge, pin) {
        (true, Some(pin)) if operator_by_pin(ctx, pin)? == Some(operator_id) => Ok(()),
        (true, Some(_)) => Err(ApiError::new(
            ErrorCode::NotSignedIn,
            "that PIN does not go with this badge; try again or ask another manager",
        )),
        (true, None) => Err(ApiError::new(
            ErrorCode::PinNeeded,
            "now type your PIN: a manager signs in with badge and PIN",
        )),
        (false, _) => Err(ApiError::new(
            ErrorCode::NotSignedIn,
            "a manager signs in with badge and PIN: scan your badge first, then type your PIN",
        )),
    }
}

pub fn sign_out(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<Done, ApiError> {
    let token = ctx
        .session
        .ok_or_else(|| ApiError::invalid("the local command line has no session to end"))?;
    ctx.tx.execute(
        "UPDATE sessions SET ended_at = ?2 WHERE token = ?1 AND ended_at IS NULL",
        params![token, ctx.now_text()],
    )?;
    Ok(Done { ok: true })
}

/// Switches the signed-in operator's screens to another language, from any station.
pub fn set_my_language(ctx: &mut Ctx<'_>, req: MyLanguage) -> Result<Operator, ApiError> {
    let Some(operator_id) = ctx.operator_id() else {
        return Err(ApiError::invalid(
            "the local command line has no operator to set a language for",
        ));
    };
    ctx.tx.execute(
        "UPDATE operators SET language = ?2 WHERE id = ?1",
        params![operator_id, req.language.as_str()],
    )?;
    ctx.emit(Event::DataChanged { what: Changed::Operators });
    operator_by_id(ctx, operator_id)
}

pub fn whoami(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<Session, ApiError> {
    let (Some(token), Some(operator_id)) = (ctx.session, ctx.operator_id()) else {
        return Err(ApiError::invalid("the local command line has no station session"));
    };
    let station: String = ctx.tx.query_row(
        "SELECT st.name FROM sessions s JOIN stations st ON st.id = s.station_id WHERE s.token = ?1",
        [token],
        |r| r.get(0),
    )?;
    Ok(Session { token: token.to_owned(), operator: operator_by_id(ctx, operator_id)?, station })
}

/// The operator and station behind a session token, if the session is open. A session begun
/// with a station key answers only when that key (`key_id`) comes with the request.
pub(crate) fn actor_for_token(
    tx: &crate::store::Transaction<'_>,
    token: &str,
    key_id: Option<i64>,
) -> Result<Actor, ApiError> {
    let (actor, bound_to): (Actor, Option<i64>) = tx
        .query_row(
            "SELECT s.operator_id, s.station_id, o.role, s.station_key_id FROM sessions s
             JOIN operators o ON o.id = s.operator_id
             WHERE s.token = ?1 AND s.ended_at IS NULL AND o.active = 1",
            [token],
            |r| {
                let role: String = r.get(2)?;
                let actor = Actor {
                    operator_id: Some(r.get(0)?),
                    station_id: Some(r.get(1)?),
                    role: Role::parse(&role).unwrap_or(Role::Picker),
                };
                Ok((actor, r.get(3)?))
            },
        )
        .optional()?
        .ok_or_else(|| {
            ApiError::new(ErrorCode::NotSignedIn, "this session has ended; sign in again")
        })?;
    if bound_to.is_some() && bound_to != key_id {
        return Err(crate::admin::stations::not_paired());
    }
    Ok(actor)
}
