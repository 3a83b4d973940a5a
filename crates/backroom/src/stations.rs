//! The devices of the stations while `backroom serve` runs: one [`ScaleMonitor`] per station
//! whose scale settings name a port, each publishing what its scale shows as
//! [`Event::Scale`] on the server's event stream.
//!
//! The settings are read through the command surface (`list_stations`). A scale that is
//! unplugged or whose port does not exist is not an error here: its monitor reports it offline
//! and keeps trying to open the port.

use std::sync::Arc;
use std::time::{Duration, Instant};

use backroom_api::people::Station;
use backroom_api::scale_port::{MonitorOptions, PortSettings, ScaleMonitor, ScaleState};
use backroom_api::system::NoArgs;
use backroom_api::{ApiError, App, Caller, Event};

/// The shortest time between two published readings of one scale while its state stays the
/// same: twenty a second, more than a live weight on screen needs.
pub const MIN_INTERVAL: Duration = Duration::from_millis(50);

/// Starts a monitor for every station with a scale port. Keep the monitors for as long as
/// the scales should be watched; dropping one stops it and closes its port. A station whose
/// settings are unusable is skipped with one line on standard error.
pub fn start_scale_monitors(app: &Arc<App>) -> Result<Vec<ScaleMonitor>, ApiError> {
    let stations: Vec<Station> = app.run(Caller::Local, "list_stations", &NoArgs {})?;
    let mut monitors = Vec::new();
    for station in stations {
        let Some(scale) = station.scale.as_ref().filter(|scale| !scale.port.trim().is_empty())
        else {
            continue;
        };
        let settings = match PortSettings::from_station(scale) {
            Ok(settings) => settings,
            Err(error) => {
                eprintln!("station {}: the scale is not watched: {error}", station.name);
                continue;
            }
        };
        let options = MonitorOptions { every_reading: true, ..MonitorOptions::default() };
        let app = Arc::clone(app);
        let name = station.name;
        let mut last: Option<(ScaleState, Instant)> = None;
        monitors.push(ScaleMonitor::start(settings, options, move |status| {
            let now = Instant::now();
            if due(last, status.state, now) {
                last = Some((status.state, now));
                app.publish(Event::Scale { station: name.clone(), status });
            }
        }));
    }
    Ok(monitors)
}

/// Whether a status in `state` at `now` goes out, given the state and time of the last one
/// published: a change of state (stable, in motion, offline, ...) always does, a reading in
/// the same state once [`MIN_INTERVAL`] has passed. The monitor reports every reading, so a
/// weight held back is followed by a newer one within a poll.
fn due(last: Option<(ScaleState, Instant)>, state: ScaleState, now: Instant) -> bool {
    match last {
        None => true,
        Some((last_state, at)) => {
            last_state != state || now.saturating_duration_since(at) >= MIN_INTERVAL
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_are_throttled_but_state_changes_are_not() {
        let start = Instant::now();
        let ms = |n| start + Duration::from_millis(n);
        assert!(due(None, ScaleState::Motion, start));
        let last = Some((ScaleState::Motion, start));
        assert!(!due(last, ScaleState::Motion, ms(10)));
        assert!(!due(last, ScaleState::Motion, ms(49)));
        assert!(due(last, ScaleState::Motion, ms(50)));
        assert!(due(last, ScaleState::Stable, ms(1)));
        assert!(due(last, ScaleState::Offline, ms(1)));
    }
}
