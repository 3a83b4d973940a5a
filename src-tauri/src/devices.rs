//! The station's own scale and printer. Their settings live with the station on the host, but
//! the scale's port is opened here, on the computer it is plugged into, its readings go to the
//! host with the station key, and slips for this station print on a queue here: the same
//! agent `backroom station` runs without a window.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use backroom::pairing_client::StationFile;
use backroom::station;

use crate::host::HostLink;

/// The station's devices at work until dropped; each change in how they stand is told to the
/// window through `link`.
pub struct Devices {
    stop: Arc<AtomicBool>,
    agent: Option<JoinHandle<()>>,
}

impl Devices {
    pub fn start(file: StationFile, link: Arc<HostLink>) -> Devices {
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let agent = std::thread::Builder::new()
            .name("station devices".into())
            .spawn(move || {
                station::run_until(file, &stopping, |state| link.devices_said(state));
            })
            .map_err(|e| eprintln!("backroom-desktop: the station's devices did not start: {e}"))
            .ok();
        Devices { stop, agent }
    }
}

impl Drop for Devices {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // The scale's port is let go before another agent may open it.
        if let Some(agent) = self.agent.take() {
            let _ = agent.join();
        }
    }
}
