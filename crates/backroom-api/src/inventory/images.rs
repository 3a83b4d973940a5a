//! Product pictures, shown at pick and pack so a picker sees a wrong variant before it leaves
//! the bin.
//!
//! A product's picture comes from a source (a web address, as Shopify's products export names
//! it, or a file on this machine) or is uploaded by a manager. Whatever the door, the bytes
//! must be a JPEG, PNG, WebP or GIF (judged by their first bytes, not their name) of at most
//! 5 MB, and they are kept beside the database in a folder of files named by the SHA-256 of
//! their content (`backroom.db.images/<hash>`), which `backroom serve` hands out at
//! `/images/<hash>` and `product_image` reads for the desktop window.
//!
//! No command reaches the network: an import only records the address. The fetcher
//! ([`fetch_waiting`], run by `backroom images fetch` and in the background by the server and
//! the desktop app) downloads outside any transaction, keeps the file, then records the
//! outcome with `record_image_fetch`: the picture, or why there is none (a 404, a page that is
//! not a picture, too large, no answer). A product without a picture is shown without one.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::store::{OptionalExtension, params};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::app::{App, Caller};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::events::{Changed, Event};
use crate::inventory::catalog;

/// The largest picture kept: a product photo for a screen needs far less.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// How long the fetcher waits for an address to answer, and for a whole picture.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);
/// The event a recorded picture raises; screens showing products read their pictures again.
const CHANGED: Changed = Changed::ProductImages;

/// The picture formats a browser and the desktop window both show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Webp,
    Gif,
}

impl ImageKind {
    /// The kind the first bytes of a file say it is, whatever its name or its server claims.
    pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
        match bytes {
            [0xFF, 0xD8, 0xFF, ..] => Some(ImageKind::Jpeg),
            [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(ImageKind::Png),
            [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some(ImageKind::Gif),
            [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => {
                Some(ImageKind::Webp)
            }
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Png => "image/png",
            ImageKind::Webp => "image/webp",
            ImageKind::Gif => "image/gif",
        }
    }

    /// Whether a `Content-Type` header names a picture format kept here.
    fn is_named_by(content_type: &str) -> bool {
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        ["image/jpeg", "image/jpg", "image/pjpeg", "image/png", "image/webp", "image/gif"]
            .iter()
            .any(|t| essence.eq_ignore_ascii_case(t))
    }
}

/// Which product's picture to read; `inline` asks for the bytes too, as a `data:` URL, for the
/// desktop window, which has no `/images` address to load them from.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct ImageQuery {
    /// A SKU or any barcode of the product.
    pub code: String,
    #[serde(default)]
    pub inline: bool,
}

/// A product's picture, if it has one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ProductImage {
    pub sku: String,
    /// The cached picture's name, served at `/images/{hash}`; none while there is no picture.
    pub hash: Option<String>,
    /// The picture as a `data:` URL, when asked for inline.
    pub data_url: Option<String>,
    /// Where the picture comes from: a web address or a file; none for an upload.
    pub source: Option<String>,
    /// Why the last try to read the source failed.
    pub error: Option<String>,
}

/// A manager's change to a product's picture: the picture itself (`image`, base64 or a
/// `data:` URL), or a `source` (a web address, fetched after the command, or the path of a
/// file on the machine that holds the database, read at once). Neither takes the picture away.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct SetProductImage {
    pub sku: String,
    #[serde(default)]
    pub image: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct FetchQuery {
    /// Also the pictures whose last fetch failed.
    #[serde(default)]
    pub retry_failed: bool,
}

/// A picture waiting to be fetched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ImageToFetch {
    pub sku: String,
    pub source: String,
}

/// What fetching a product's source gave: the cached picture's `hash`, or the `error`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct ImageFetched {
    pub sku: String,
    /// The source fetched; a source changed since is left to its own fetch.
    pub source: String,
    #[serde(default)]
    pub hash: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
}

// ---------------------------------------------------------------------------------------
// The cache beside the database.

/// The folder of cached pictures of the database at `db`: `backroom.db.images` beside it.
pub fn cache_dir(db: &Path) -> PathBuf {
    let name = db.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    db.with_file_name(format!("{name}.images"))
}

/// Whether `name` can be a cached picture's name: 64 lowercase hex digits, so no path.
pub fn is_hash(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Checks that `bytes` are a picture Backroom keeps, saying what is wrong otherwise.
pub fn check_picture(bytes: &[u8]) -> Result<ImageKind, String> {
    if bytes.len() > MAX_BYTES {
        return Err(format!(
            "the picture is {:.1} MB; the most is {} MB",
            bytes.len() as f64 / (1024.0 * 1024.0),
            MAX_BYTES / (1024 * 1024)
        ));
    }
    ImageKind::sniff(bytes).ok_or_else(|| "this is not a JPEG, PNG, WebP or GIF picture".to_owned())
}

/// Keeps a checked picture in the cache of the database at `db` and returns its name. The file
/// is written under a temporary name and renamed, so a reader never sees half a picture.
pub fn keep(db: &Path, bytes: &[u8]) -> Result<String, ApiError> {
    check_picture(bytes).map_err(ApiError::invalid)?;
    let hash: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
    let dir = cache_dir(db);
    let path = dir.join(&hash);
    if path.is_file() {
        return Ok(hash);
    }
    let cannot = |e: std::io::Error| {
        ApiError::storage(format!("cannot keep the picture in {}: {e}", dir.display()))
    };
    std::fs::create_dir_all(&dir).map_err(cannot)?;
    let temporary = dir.join(format!("{hash}.{}.part", std::process::id()));
    let mut file = std::fs::File::create(&temporary).map_err(cannot)?;
    file.write_all(bytes).and_then(|()| file.sync_all()).map_err(cannot)?;
    std::fs::rename(&temporary, &path).map_err(cannot)?;
    Ok(hash)
}

/// A cached picture and its kind, or `None` when `name` is no picture's name or the file is
/// not there (or is not a picture).
pub fn read_cached(db: &Path, name: &str) -> Option<(Vec<u8>, ImageKind)> {
    if !is_hash(name) {
        return None;
    }
    let bytes = std::fs::read(cache_dir(db).join(name)).ok()?;
    let kind = ImageKind::sniff(&bytes)?;
    Some((bytes, kind))
}

fn is_cached(db: &Path, hash: &str) -> bool {
    is_hash(hash) && cache_dir(db).join(hash).is_file()
}

/// Whether a source is a web address, which the fetcher downloads, rather than a file.
fn is_web_address(source: &str) -> bool {
    let lower = source.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

// ---------------------------------------------------------------------------------------
// The table.

struct Stored {
    source: Option<String>,
    hash: Option<String>,
    error: Option<String>,
}

fn stored(ctx: &Ctx<'_>, product_id: i64) -> Result<Option<Stored>, ApiError> {
    Ok(ctx
        .query_row(
            "SELECT source, hash, error FROM product_images WHERE product_id = ?1",
            [product_id],
            |r| Ok(Stored { source: r.get(0)?, hash: r.get(1)?, error: r.get(2)? }),
        )
        .optional()?)
}

fn save(ctx: &Ctx<'_>, product_id: i64, stored: &Stored) -> Result<(), ApiError> {
    ctx.execute(
        "INSERT INTO product_images (product_id, source, hash, error, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (product_id) DO UPDATE SET source = ?2, hash = ?3, error = ?4, updated_at = ?5",
        params![product_id, stored.source, stored.hash, stored.error, ctx.now_text()],
    )?;
    Ok(())
}

/// Records where the products of an import take their pictures from, as (SKU, source). A source
/// already fetched is kept as it is; a new one, or one that failed before, waits for the
/// fetcher. Returns how many now wait.
pub(crate) fn record_sources(ctx: &Ctx<'_>, sources: &[(String, String)]) -> Result<u32, ApiError> {
    let mut waiting = 0;
    for (sku, source) in sources {
        let id = catalog::product_id(ctx, sku)?;
        let before = stored(ctx, id)?;
        let same = before
            .as_ref()
            .is_some_and(|b| b.source.as_deref() == Some(source.as_str()) && b.hash.is_some());
        if !same {
            save(ctx, id, &Stored { source: Some(source.clone()), hash: None, error: None })?;
            waiting += 1;
        }
    }
    Ok(waiting)
}

fn view(ctx: &Ctx<'_>, sku: String, row: Option<Stored>, inline: bool) -> ProductImage {
    let Some(row) = row else {
        return ProductImage { sku, hash: None, data_url: None, source: None, error: None };
    };
    // A cache folder emptied by hand leaves no picture to show, not a broken one.
    let hash = row.hash.filter(|h| is_cached(ctx.db_path, h));
    let data_url = match (&hash, inline) {
        (Some(hash), true) => read_cached(ctx.db_path, hash).map(|(bytes, kind)| {
            format!("data:{};base64,{}", kind.content_type(), BASE64.encode(bytes))
        }),
        _ => None,
    };
    ProductImage { sku, hash, data_url, source: row.source, error: row.error }
}

// ---------------------------------------------------------------------------------------
// Commands.

pub fn product_image(ctx: &mut Ctx<'_>, q: ImageQuery) -> Result<ProductImage, ApiError> {
    let id = catalog::resolve(ctx, &q.code)?;
    let sku: String =
        ctx.query_row("SELECT sku FROM products WHERE id = ?1", [id], |r| r.get(0))?;
    let row = stored(ctx, id)?;
    Ok(view(ctx, sku, row, q.inline))
}

pub fn set_product_image(
    ctx: &mut Ctx<'_>,
    req: SetProductImage,
) -> Result<ProductImage, ApiError> {
    let id = catalog::product_id(ctx, req.sku.trim())?;
    let image = req.image.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let source = req.source.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let row = match (image, source) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid("give the picture or where it comes from, not both"));
        }
        (Some(image), None) => {
            let bytes = decode_upload(image)?;
            let hash = keep(ctx.db_path, &bytes)?;
            Some(Stored { source: None, hash: Some(hash), error: None })
        }
        (None, Some(source)) if is_web_address(source) => {
            Some(Stored { source: Some(source.to_owned()), hash: None, error: None })
        }
        (None, Some(path)) => {
            let bytes = read_file(Path::new(path)).map_err(ApiError::invalid)?;
            let hash = keep(ctx.db_path, &bytes)?;
            Some(Stored { source: Some(path.to_owned()), hash: Some(hash), error: None })
        }
        (None, None) => None,
    };
    match &row {
        Some(row) => save(ctx, id, row)?,
        None => {
            ctx.execute("DELETE FROM product_images WHERE product_id = ?1", [id])?;
        }
    }
    ctx.emit(Event::DataChanged { what: CHANGED });
    Ok(view(ctx, req.sku.trim().to_owned(), row, false))
}

/// An uploaded picture: base64, or a `data:` URL holding it.
fn decode_upload(text: &str) -> Result<Vec<u8>, ApiError> {
    let data = match text.strip_prefix("data:") {
        Some(url) => url.split_once(";base64,").map(|(_, data)| data).ok_or_else(|| {
            ApiError::invalid("the picture's data URL must be base64 (data:image/...;base64,...)")
        })?,
        None => text,
    };
    if data.len() > MAX_BYTES / 3 * 4 + 4 {
        return Err(ApiError::invalid(format!(
            "the picture is larger than {} MB",
            MAX_BYTES / (1024 * 1024)
        )));
    }
    let bytes = BASE64.decode(data.trim()).map_err(|_| {
        ApiError::invalid("the picture is not base64: send the file's bytes as base64")
    })?;
    check_picture(&bytes).map_err(ApiError::invalid)?;
    Ok(bytes)
}

pub fn images_to_fetch(ctx: &mut Ctx<'_>, q: FetchQuery) -> Result<Vec<ImageToFetch>, ApiError> {
    let mut stmt = ctx.tx.prepare(
        "SELECT p.sku, i.source, i.hash, i.error FROM product_images i
         JOIN products p ON p.id = i.product_id
         WHERE i.source IS NOT NULL ORDER BY p.sku",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    let mut waiting = Vec::new();
    for row in rows {
        let (sku, source, hash, error) = row?;
        let wanted = match (&hash, &error) {
            // Fetched, unless the cached file has gone.
            (Some(hash), _) => !is_cached(ctx.db_path, hash),
            (None, None) => true,
            (None, Some(_)) => q.retry_failed,
        };
        if wanted {
            waiting.push(ImageToFetch { sku, source });
        }
    }
    Ok(waiting)
}

pub fn record_image_fetch(ctx: &mut Ctx<'_>, f: ImageFetched) -> Result<ProductImage, ApiError> {
    let id = catalog::product_id(ctx, &f.sku)?;
    let now = stored(ctx, id)?;
    // The source changed while this one was fetched: its own fetch will record it.
    if now.as_ref().and_then(|n| n.source.as_deref()) != Some(f.source.as_str()) {
        return Ok(view(ctx, f.sku, now, false));
    }
    let row = match (f.hash, f.error) {
        (Some(hash), None) => {
            if read_cached(ctx.db_path, &hash).is_none() {
                return Err(ApiError::invalid(format!(
                    "there is no cached picture named {}",
                    backroom_core::limits::shorten(&hash, 70)
                )));
            }
            Stored { source: Some(f.source), hash: Some(hash), error: None }
        }
        (None, Some(error)) => {
            let error = backroom_core::limits::shorten(error.trim(), 300);
            Stored { source: Some(f.source), hash: None, error: Some(error) }
        }
        _ => return Err(ApiError::invalid("give the cached picture or the error, one of them")),
    };
    save(ctx, id, &row)?;
    ctx.emit(Event::DataChanged { what: CHANGED });
    Ok(view(ctx, f.sku, Some(row), false))
}

// ---------------------------------------------------------------------------------------
// The fetcher, outside any command.

/// What one run of the fetcher did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FetchSummary {
    pub fetched: u32,
    /// Each product whose picture could not be had, with why.
    pub failed: Vec<(String, String)>,
}

/// Fetches every picture waiting (and, with `retry_failed`, those that failed before), keeps
/// each in the cache and records the outcome per product. One product's failure is recorded
/// as its error and the rest go on. Stops early when `stop` is set.
pub fn fetch_waiting(
    app: &App,
    retry_failed: bool,
    stop: &AtomicBool,
) -> Result<FetchSummary, ApiError> {
    let waiting: Vec<ImageToFetch> =
        app.run(Caller::Local, "images_to_fetch", &FetchQuery { retry_failed })?;
    let agent = agent();
    let mut summary = FetchSummary::default();
    for item in waiting {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let (hash, error) = match fetch_one(&agent, &item.source)
            .and_then(|bytes| keep(app.path(), &bytes).map_err(|e| e.message))
        {
            Ok(hash) => (Some(hash), None),
            Err(error) => (None, Some(error)),
        };
        let outcome = ImageFetched { sku: item.sku.clone(), source: item.source, hash, error };
        let recorded: ProductImage = app.run(Caller::Local, "record_image_fetch", &outcome)?;
        match (recorded.hash, outcome.error) {
            (_, Some(error)) => summary.failed.push((item.sku, error)),
            (Some(_), None) => summary.fetched += 1,
            (None, None) => {}
        }
    }
    Ok(summary)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .timeout_global(Some(FETCH_TIMEOUT))
        .http_status_as_error(false)
        .user_agent(concat!("Backroom/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// The bytes of one source, checked as a picture, or why there are none, in words for the
/// manager reading the product's error.
fn fetch_one(agent: &ureq::Agent, source: &str) -> Result<Vec<u8>, String> {
    let bytes = if is_web_address(source) {
        download(agent, source)?
    } else {
        read_file(Path::new(source))?
    };
    check_picture(&bytes)?;
    Ok(bytes)
}

fn download(agent: &ureq::Agent, address: &str) -> Result<Vec<u8>, String> {
    let mut response = agent.get(address).call().map_err(|e| match e {
        ureq::Error::Timeout(_) => "the address did not answer in time".to_owned(),
        e => format!("the address could not be reached: {e}"),
    })?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("the address answered {status}, not a picture"));
    }
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("nothing")
        .to_owned();
    if !ImageKind::is_named_by(&content_type) {
        return Err(format!("the address answered with {content_type}, not a picture"));
    }
    response.body_mut().with_config().limit(MAX_BYTES as u64 + 1).read_to_vec().map_err(|e| match e
    {
        ureq::Error::BodyExceedsLimit(_) => {
            format!("the picture is larger than {} MB", MAX_BYTES / (1024 * 1024))
        }
        ureq::Error::Timeout(_) => "the picture did not arrive in time".to_owned(),
        e => format!("the picture could not be read: {e}"),
    })
}

/// A picture file on this machine, refused unread when it is too large.
fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    let shown = path.display();
    let size = std::fs::metadata(path).map_err(|e| format!("cannot read the file {shown}: {e}"))?;
    if size.len() > MAX_BYTES as u64 {
        return Err(format!("the file {shown} is larger than {} MB", MAX_BYTES / (1024 * 1024)));
    }
    std::fs::read(path).map_err(|e| format!("cannot read the file {shown}: {e}"))
}

/// Fetches pictures in the background for as long as it lives: once at start, and again
/// whenever products change (an import names new sources). Failures are kept per product,
/// not retried on their own; an import naming the source again, or `backroom images fetch
/// --retry`, tries again.
pub struct ImageFetcher {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// How often the fetcher looks for news while idle.
const TICK: Duration = Duration::from_millis(250);

impl ImageFetcher {
    pub fn start(app: &Arc<App>) -> ImageFetcher {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let events = app.subscribe();
        let app: Weak<App> = Arc::downgrade(app);
        let thread = std::thread::Builder::new()
            .name("image fetch".into())
            .spawn(move || run_fetcher(app, events, &stopped))
            .expect("the OS refused to start a thread for product pictures");
        ImageFetcher { stop, thread: Some(thread) }
    }
}

impl Drop for ImageFetcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run_fetcher(
    app: Weak<App>,
    mut events: tokio::sync::broadcast::Receiver<Event>,
    stop: &AtomicBool,
) {
    use tokio::sync::broadcast::error::TryRecvError;
    let mut due = true;
    while !stop.load(Ordering::Relaxed) {
        match events.try_recv() {
            Ok(Event::DataChanged { what: Changed::Products | Changed::All }) => due = true,
            Ok(_) => {}
            Err(TryRecvError::Lagged(_)) => due = true,
            Err(TryRecvError::Closed) => break,
            Err(TryRecvError::Empty) => {
                if due {
                    due = false;
                    let Some(app) = app.upgrade() else { break };
                    if let Err(e) = fetch_waiting(&app, false, stop) {
                        eprintln!("product pictures: {e}");
                    }
                } else {
                    std::thread::sleep(TICK);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_are_known_by_their_first_bytes() {
        assert_eq!(ImageKind::sniff(b"\x89PNG\r\n\x1a\n...."), Some(ImageKind::Png));
        assert_eq!(ImageKind::sniff(b"\xFF\xD8\xFF\xE0"), Some(ImageKind::Jpeg));
        assert_eq!(ImageKind::sniff(b"GIF89a.."), Some(ImageKind::Gif));
        assert_eq!(ImageKind::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(ImageKind::Webp));
        assert_eq!(ImageKind::sniff(b"<!doctype html>"), None);
        assert_eq!(ImageKind::sniff(b"RIFF\0\0\0\0WAVE"), None);
        assert!(check_picture(&vec![0xFF; MAX_BYTES + 1]).is_err());
    }

    #[test]
    fn only_hex_names_are_cached_names() {
        assert!(is_hash(&"a".repeat(64)));
        assert!(!is_hash(&"A".repeat(64)));
        assert!(!is_hash("../backroom.db"));
        assert!(!is_hash(&format!("{}/", "a".repeat(63))));
        assert_eq!(cache_dir(Path::new("/x/b.db")), Path::new("/x/b.db.images"));
    }

    #[test]
    fn a_content_type_must_name_a_picture() {
        assert!(ImageKind::is_named_by("image/png"));
        assert!(ImageKind::is_named_by("IMAGE/JPEG; charset=binary"));
        assert!(!ImageKind::is_named_by("text/html; charset=utf-8"));
        assert!(!ImageKind::is_named_by("image/svg+xml"));
    }
}
