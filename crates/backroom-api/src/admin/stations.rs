//! Stations on other machines of the warehouse's network, paired with the host.
//!
//! A manager asks for a pairing code for a station by name. Someone at the new station types
//! the code (with the host's address) within ten minutes; the host spends the code and hands
//! the station a station key, a random secret it sends with every request from then on. The
//! host keeps only hashes of codes and keys. A manager can revoke a station: its key stops
//! working at once, and the sessions begun with it end.
//!
//! A wrong code counts against the same lockout as a wrong PIN, so codes cannot be guessed
//! faster than PINs. A session begun at a paired station is bound to its key: the station's
//! name alone no longer signs anyone in there.

use crate::store::{OptionalExtension, Transaction, params};
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::admin::people;
use crate::context::{Ctx, Done, KeyHolder, NoArgs, StationKind};
use crate::error::{ApiError, ErrorCode};
use crate::events::{Changed, Event};

/// How long a pairing code may be typed at the new station.
pub const CODE_LIFETIME_MINUTES: i64 = 10;

/// The letters and digits of a pairing code: none that reads as another (no I, L, O, 0, 1).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LENGTH: usize = 8;

/// A manager's request for a pairing code.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NewPairingCode {
    /// The station's name; a station of that name is created if there is none.
    pub station: String,
}

/// A one-time pairing code, shown to the manager to type at the new station.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PairingCode {
    pub station: String,
    /// Eight letters and digits as `ABCD-EFGH`; typed with or without the dash, in any case.
    pub code: String,
    pub expires_at: String,
    /// The SHA-256 fingerprint of the host's certificate, for the new station to compare;
    /// none when the host does not serve the network.
    pub fingerprint: Option<String>,
}

/// What a new station sends to pair: the code the manager gave.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct PairStation {
    pub code: String,
    /// `desktop` unless said otherwise.
    #[serde(default)]
    pub kind: Option<StationKind>,
}

/// What a newly paired station keeps: its name and its key, sent with every request from now
/// on in the `Backroom-Station-Key` header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Paired {
    pub station: String,
    pub key: String,
    pub kind: StationKind,
    /// The host's certificate fingerprint, as the host knows it.
    pub fingerprint: Option<String>,
}

/// A station named in a manager's request.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct StationRef {
    pub station: String,
}

/// One key handed to a station, for the manager's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PairedStation {
    pub station: String,
    pub kind: StationKind,
    pub paired_at: String,
    /// The last sign-in or change made with the key.
    pub last_seen_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// Where one of a station's devices is attached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DeviceAt {
    /// To the host: it opens the scale's port, or prints on its own CUPS queue.
    #[default]
    Host,
    /// To the station's own computer, whose Backroom program opens the port or prints there.
    Station,
}

impl DeviceAt {
    fn as_str(self) -> &'static str {
        match self {
            DeviceAt::Host => "host",
            DeviceAt::Station => "station",
        }
    }

    pub(crate) fn parse(text: &str) -> DeviceAt {
        match text {
            "station" => DeviceAt::Station,
            _ => DeviceAt::Host,
        }
    }
}

/// Saves where a station's scale and printer are attached; one left out stays as it was.
/// Gives both as saved.
pub(crate) fn place_devices(
    ctx: &Ctx<'_>,
    station: &str,
    scale_at: Option<DeviceAt>,
    printer_at: Option<DeviceAt>,
) -> Result<(DeviceAt, DeviceAt), ApiError> {
    let (scale, printer): (String, String) = ctx.query_row(
        "UPDATE stations SET scale_at = coalesce(?2, scale_at), printer_at = coalesce(?3, printer_at)
         WHERE name = ?1 RETURNING scale_at, printer_at",
        params![station, scale_at.map(DeviceAt::as_str), printer_at.map(DeviceAt::as_str)],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((DeviceAt::parse(&scale), DeviceAt::parse(&printer)))
}

/// What a paired station's own program needs to run its devices: which station it is, its
/// scale and printer, and which of them it attaches itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StationDevices {
    pub station: String,
    pub scale: Option<crate::devices::scale_port::ScaleSettings>,
    pub scale_at: DeviceAt,
    /// The CUPS queue slips go to.
    pub printer: Option<String>,
    pub printer_at: DeviceAt,
}

/// The devices of the station whose key came with the request.
pub fn station_devices(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<StationDevices, ApiError> {
    let name = key_station_name(ctx)?;
    let station = people::list_stations(ctx, NoArgs {})?
        .into_iter()
        .find(|s| s.name == name)
        .ok_or_else(not_paired)?;
    Ok(StationDevices {
        station: station.name,
        scale: station.scale,
        scale_at: station.scale_at.unwrap_or_default(),
        printer: station.printer,
        printer_at: station.printer_at.unwrap_or_default(),
    })
}

/// The name of the station whose key came with the request.
pub(crate) fn key_station_name(ctx: &Ctx<'_>) -> Result<String, ApiError> {
    let holder = ctx.station_key.ok_or_else(not_paired)?;
    Ok(ctx
        .query_row("SELECT name FROM stations WHERE id = ?1", [holder.station_id], |r| r.get(0))?)
}

/// Lets through only a paired desktop station's own program, by its key: an operator's
/// session, even a manager's, is no station, and a browser never runs a station's devices.
pub(crate) fn check_station_program(holder: Option<&KeyHolder>) -> Result<(), ApiError> {
    match holder {
        Some(holder) if holder.feeds_scale() => Ok(()),
        Some(_) => Err(ApiError::new(
            ErrorCode::Forbidden,
            "a browser cannot run a station's scale or printer: start Backroom on the station's \
             computer",
        )),
        None => Err(ApiError::new(
            ErrorCode::Forbidden,
            "only the station's own Backroom program, paired with this host, runs its scale and \
             printer",
        )),
    }
}

/// Makes a pairing code for a station, creating the station if needed. An earlier code of the
/// station not yet used stops working.
pub fn create_pairing_code(
    ctx: &mut Ctx<'_>,
    req: NewPairingCode,
) -> Result<PairingCode, ApiError> {
    let name = req.station.trim();
    if name.is_empty() {
        return Err(ApiError::invalid("a station needs a name"));
    }
    ctx.execute("INSERT INTO stations (name) VALUES (?1) ON CONFLICT (name) DO NOTHING", [name])?;
    let station_id: i64 =
        ctx.query_row("SELECT id FROM stations WHERE name = ?1", [name], |r| r.get(0))?;
    let now = ctx.now_text();
    ctx.execute(
        "UPDATE pairing_codes SET expires_at = ?2 WHERE station_id = ?1 AND used_at IS NULL
            AND expires_at > ?2",
        params![station_id, now],
    )?;
    let code = new_code();
    let expires_at =
        crate::time::to_text(ctx.now + chrono::Duration::minutes(CODE_LIFETIME_MINUTES));
    ctx.execute(
        "INSERT INTO pairing_codes (station_id, code_hash, created_by, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![station_id, digest(&normal_code(&code)), ctx.operator_id(), now, expires_at],
    )?;
    ctx.emit(Event::DataChanged { what: Changed::Stations });
    Ok(PairingCode {
        station: name.to_owned(),
        code,
        expires_at,
        fingerprint: ctx.host_fingerprint.map(str::to_owned),
    })
}

/// Spends a pairing code and hands its station a new key. The station's earlier key, if any,
/// is revoked, and the sessions open there end: the station starts afresh.
pub fn pair_station(ctx: &mut Ctx<'_>, req: PairStation) -> Result<Paired, ApiError> {
    let address = ctx.client.map(|a| a.to_string());
    people::check_not_locked_out(ctx, None, address.as_deref())?;
    let found: Option<(i64, i64, String)> = ctx
        .query_row(
            "SELECT id, station_id, expires_at FROM pairing_codes
             WHERE code_hash = ?1 AND used_at IS NULL",
            [digest(&normal_code(&req.code))],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((code_id, station_id, expires_at)) = found else {
        people::refuse_sign_in(ctx, None, address);
        return Err(ApiError::invalid(
            "that pairing code is not known or was already used; check it, or ask a manager \
             for a new one",
        ));
    };
    if crate::time::parse(&expires_at).is_none_or(|at| at <= ctx.now) {
        people::refuse_sign_in(ctx, None, address);
        return Err(ApiError::invalid(
            "that pairing code has expired; ask a manager for a new one",
        ));
    }
    let now = ctx.now_text();
    ctx.execute("UPDATE pairing_codes SET used_at = ?2 WHERE id = ?1", params![code_id, now])?;
    revoke_keys(ctx, station_id)?;
    ctx.execute(
        "UPDATE sessions SET ended_at = ?2 WHERE station_id = ?1 AND ended_at IS NULL",
        params![station_id, now],
    )?;
    let key = hex(&rand::rng().random::<[u8; 32]>());
    let kind = req.kind.unwrap_or(StationKind::Desktop);
    ctx.execute(
        "INSERT INTO station_keys (station_id, key_hash, kind, paired_at, paired_from, last_seen_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?4)",
        params![station_id, digest(&key), kind.as_str(), now, address],
    )?;
    let station: String =
        ctx.query_row("SELECT name FROM stations WHERE id = ?1", [station_id], |r| r.get(0))?;
    ctx.emit(Event::DataChanged { what: Changed::Stations });
    Ok(Paired { station, key, kind, fingerprint: ctx.host_fingerprint.map(str::to_owned) })
}

/// Revokes a station's key: requests with it are refused from now on, and the sessions begun
/// with it end. Its unused pairing codes stop working too.
pub fn revoke_station(ctx: &mut Ctx<'_>, req: StationRef) -> Result<Done, ApiError> {
    let name = req.station.trim();
    let station_id: i64 = ctx
        .query_row("SELECT id FROM stations WHERE name = ?1", [name], |r| r.get(0))
        .optional()?
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "there is no station “{}”",
                backroom_core::limits::shorten(name, 40)
            ))
        })?;
    revoke_keys(ctx, station_id)?;
    ctx.execute(
        "UPDATE pairing_codes SET expires_at = ?2 WHERE station_id = ?1 AND used_at IS NULL
            AND expires_at > ?2",
        params![station_id, ctx.now_text()],
    )?;
    ctx.emit(Event::DataChanged { what: Changed::Stations });
    Ok(Done { ok: true })
}

/// Every key handed out, the station's newest first.
pub fn list_paired_stations(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<Vec<PairedStation>, ApiError> {
    let mut stmt = ctx.tx.prepare(
        "SELECT s.name, k.kind, k.paired_at, k.last_seen_at, k.revoked_at
         FROM station_keys k JOIN stations s ON s.id = k.station_id
         ORDER BY s.name, k.paired_at DESC, k.id DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(PairedStation {
            station: r.get(0)?,
            kind: StationKind::parse(&r.get::<_, String>(1)?),
            paired_at: r.get(2)?,
            last_seen_at: r.get(3)?,
            revoked_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The station behind a key a request carries. An unknown, revoked or forged key is refused
/// before anything else runs.
pub(crate) fn holder_of_key(tx: &Transaction<'_>, key: &str) -> Result<KeyHolder, ApiError> {
    tx.prepare_cached(
        "SELECT id, station_id, kind FROM station_keys WHERE key_hash = ?1 AND revoked_at IS NULL",
    )?
    .query_row([digest(key.trim())], |r| {
        Ok(KeyHolder {
            key_id: r.get(0)?,
            station_id: r.get(1)?,
            kind: StationKind::parse(&r.get::<_, String>(2)?),
        })
    })
    .optional()?
    .ok_or_else(not_paired)
}

/// Notes that a station used its key, for the manager's list. Only writes note it: a read
/// runs on a read-only snapshot.
pub(crate) fn seen(tx: &Transaction<'_>, holder: &KeyHolder, at: &str) -> Result<(), ApiError> {
    tx.prepare_cached("UPDATE station_keys SET last_seen_at = ?2 WHERE id = ?1")?
        .execute(params![holder.key_id, at])?;
    Ok(())
}

/// The refusal of a request whose station key does not open anything.
pub fn not_paired() -> ApiError {
    ApiError::new(
        ErrorCode::NotPaired,
        "this station is not paired (or was revoked): pair it again with a code from a manager",
    )
}

/// Who may sign in at `station_id`: at a paired station, only a caller holding its key; a
/// caller holding a key, only at its own station. Gives the key a session there is bound to.
pub(crate) fn key_for_sign_in(ctx: &Ctx<'_>, station_id: i64) -> Result<Option<i64>, ApiError> {
    if let Some(holder) = ctx.station_key {
        if holder.station_id == station_id {
            return Ok(Some(holder.key_id));
        }
        let own: String =
            ctx.query_row("SELECT name FROM stations WHERE id = ?1", [holder.station_id], |r| {
                r.get(0)
            })?;
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            format!("this machine is the station “{own}”; sign in there"),
        ));
    }
    let paired: bool = ctx.query_row(
        "SELECT EXISTS (SELECT 1 FROM station_keys WHERE station_id = ?1 AND revoked_at IS NULL)",
        [station_id],
        |r| r.get(0),
    )?;
    if paired {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "that station is paired with its own machine; sign in there, or ask a manager to \
             pair this one",
        ));
    }
    Ok(None)
}

/// Revokes the station's keys not yet revoked, and ends the sessions begun with them.
fn revoke_keys(ctx: &Ctx<'_>, station_id: i64) -> Result<(), ApiError> {
    let now = ctx.now_text();
    ctx.execute(
        "UPDATE sessions SET ended_at = ?2 WHERE ended_at IS NULL AND station_key_id IN
            (SELECT id FROM station_keys WHERE station_id = ?1 AND revoked_at IS NULL)",
        params![station_id, now],
    )?;
    ctx.execute(
        "UPDATE station_keys SET revoked_at = ?2 WHERE station_id = ?1 AND revoked_at IS NULL",
        params![station_id, now],
    )?;
    Ok(())
}

/// A new code of unambiguous letters and digits, as `ABCD-EFGH`.
fn new_code() -> String {
    let mut rng = rand::rng();
    let letters: String = (0..CODE_LENGTH)
        .map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char)
        .collect();
    format!("{}-{}", &letters[..4], &letters[4..])
}

/// A code as typed, reduced to what identifies it: letters and digits, in capitals.
fn normal_code(typed: &str) -> String {
    typed.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_unambiguously_and_is_typed_in_any_form() {
        for _ in 0..200 {
            let code = new_code();
            assert_eq!(code.len(), 9, "{code}");
            assert_eq!(&code[4..5], "-");
            assert!(
                code.chars().filter(|c| *c != '-').all(|c| CODE_ALPHABET.contains(&(c as u8))),
                "{code}"
            );
            assert!(!code.contains(['I', 'L', 'O', '0', '1']), "{code}");
            let typed = code.to_ascii_lowercase().replace('-', " ");
            assert_eq!(normal_code(&typed), normal_code(&code));
        }
    }
}
