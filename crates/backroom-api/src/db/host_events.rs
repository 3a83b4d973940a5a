//! Events between hosts that share one PostgreSQL database. A write announces its events with
//! `NOTIFY` inside its own transaction, so they go out exactly when it commits, and every host
//! listens on a connection of its own and hands what other hosts announced to its screens and
//! stations. A SQLite file has one host, whose events never leave it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::db::postgres;
use crate::error::ApiError;
use crate::events::{Changed, Event};
use crate::store::Transaction;

/// The channel hosts announce on.
const CHANNEL: &str = "backroom_events";

/// PostgreSQL's limit on a notification is 8000 bytes; a list of SKUs longer than this is
/// split over several events.
const MOST_BYTES: usize = 7000;

/// How often the listener looks up from waiting, to see whether its host has closed.
const LOOK_UP: Duration = Duration::from_millis(250);

/// What goes over the channel: the event, and which host raised it, so a host does not hear
/// its own events twice.
#[derive(Serialize, Deserialize)]
struct Announced {
    host: String,
    event: Event,
}

/// Announces `events` to the other hosts when `tx` commits, all in one statement: a wave that
/// moves ten thousand orders raises ten thousand events.
pub fn announce(tx: &Transaction<'_>, host: &str, events: &[Event]) -> Result<(), ApiError> {
    if events.is_empty() {
        return Ok(());
    }
    let payloads = events
        .iter()
        .flat_map(split)
        .map(|event| serde_json::to_string(&Announced { host: host.to_owned(), event }))
        .collect::<Result<Vec<String>, _>>()
        .map(crate::store::json_list)
        .map_err(|e| ApiError::storage(format!("an event did not encode: {e}")))?;
    tx.execute("SELECT pg_notify(?1, value) FROM json_each(?2)", [CHANNEL, payloads.as_str()])?;
    Ok(())
}

/// An event small enough for one notification, or the pieces of one that is not: a stock
/// change of many SKUs becomes several.
fn split(event: &Event) -> Vec<Event> {
    let Event::StockChanged { skus } = event else { return vec![event.clone()] };
    let mut pieces = Vec::new();
    let mut piece: Vec<String> = Vec::new();
    let mut bytes = 0;
    for sku in skus {
        if bytes + sku.len() + 3 > MOST_BYTES && !piece.is_empty() {
            pieces.push(Event::StockChanged { skus: std::mem::take(&mut piece) });
            bytes = 0;
        }
        bytes += sku.len() + 3;
        piece.push(sku.clone());
    }
    pieces.push(Event::StockChanged { skus: piece });
    pieces
}

/// The thread that listens for the other hosts' events, stopped when dropped.
pub struct Listener {
    stop: Arc<AtomicBool>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Starts listening on the database at `text` for events of hosts other than `host`, sending
/// them to `to`.
pub fn listen(text: String, host: String, to: broadcast::Sender<Event>) -> Listener {
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = stop.clone();
    std::thread::Builder::new()
        .name("backroom-host-events".into())
        .spawn(move || keep_listening(&text, &host, &to, &stopped))
        .expect("a thread can be started");
    Listener { stop }
}

/// Listens until stopped, connecting again whenever the connection is lost. What was announced
/// meanwhile is lost with it, so screens are told to reload everything.
fn keep_listening(text: &str, host: &str, to: &broadcast::Sender<Event>, stop: &AtomicBool) {
    let mut first = true;
    while !stop.load(Ordering::Relaxed) {
        match postgres::connect(text) {
            Ok(mut conn) => {
                if !first {
                    let _ = to.send(Event::DataChanged { what: Changed::All });
                }
                first = false;
                if let Err(e) = conn.with_client(|c| hear(c, host, to, stop)) {
                    eprintln!("backroom: stopped hearing other hosts' events: {e}");
                }
            }
            Err(e) => eprintln!("backroom: cannot hear other hosts' events: {e}"),
        }
        if !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_secs(1));
        }
    }
}

fn hear(
    client: &mut ::postgres::Client,
    host: &str,
    to: &broadcast::Sender<Event>,
    stop: &AtomicBool,
) -> Result<(), ::postgres::Error> {
    use ::postgres::fallible_iterator::FallibleIterator;
    client.batch_execute(&format!("LISTEN {CHANNEL}"))?;
    while !stop.load(Ordering::Relaxed) {
        let mut notifications = client.notifications();
        let mut heard = notifications.timeout_iter(LOOK_UP);
        while let Some(note) = heard.next()? {
            match serde_json::from_str::<Announced>(note.payload()) {
                Ok(announced) if announced.host != host => {
                    // Nobody listening is fine: no screen may be open.
                    let _ = to.send(announced.event);
                }
                Ok(_) => {}
                Err(e) => eprintln!("backroom: an event from another host did not decode: {e}"),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stock_change_of_many_skus_goes_in_pieces_that_fit() {
        let skus: Vec<String> = (0..5_000).map(|n| format!("SKU-{n:06}")).collect();
        let pieces = split(&Event::StockChanged { skus: skus.clone() });
        assert!(pieces.len() > 1);
        let mut again = Vec::new();
        for piece in pieces {
            let announced = Announced { host: "h".repeat(16), event: piece.clone() };
            assert!(serde_json::to_string(&announced).unwrap().len() < 8000);
            let Event::StockChanged { skus } = piece else { panic!("{piece:?}") };
            again.extend(skus);
        }
        assert_eq!(again, skus);
    }
}
