//! Finding a scale and which protocol it speaks: a USB HID scale by its report descriptor,
//! a serial one by probing it, in the order the core gives.

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use backroom_core::scale::{PROBE_ORDER, Protocol, identify};
use backroom_core::weight::WeightUnit;
use serialport::{ClearBuffer, SerialPort};

use super::port::{WRITE_TIMEOUT, open_serial};
use super::{PortSettings, ScalePort, ScalePortError, serial_parts};

/// How long to wait for an answer to one probe. A scale answers a request within tens of
/// milliseconds, and continuous output sends several frames a second.
const PROBE_WAIT: Duration = Duration::from_millis(400);

/// Reads come in slices this long, so a probe ends as soon as its answer is whole.
const READ_SLICE: Duration = Duration::from_millis(30);

/// Probes the scale on `path` and returns it open, with the protocol it answered in. `baud`
/// replaces every protocol's usual baud rate when the scale is known to be set differently.
/// The port stays open between probes, with its settings changed in place, so that no answer
/// is lost while the port is closed and opened again.
pub fn detect(
    path: &str,
    baud: Option<u32>,
    unit: WeightUnit,
) -> Result<ScalePort, ScalePortError> {
    let settings_for = |protocol: Protocol| {
        let mut settings = PortSettings { unit, ..PortSettings::new(path, protocol) };
        if let Some(baud) = baud {
            settings.serial.baud = baud;
        }
        settings
    };
    let first = settings_for(PROBE_ORDER[0]);
    let mut port = open_serial(&first)?;
    for probe in PROBE_ORDER {
        let settings = settings_for(probe);
        configure(port.as_mut(), &settings)?;
        let reply = ask(port.as_mut(), &settings, probe.probe())?;
        if probe == Protocol::Toledo8217 {
            // The 8217 probe has no terminator; a CR ends it on a scale that reads lines.
            write(port.as_mut(), &settings, b"\r")?;
        }
        if let Some(protocol) = identify(probe, &reply) {
            let settings = settings_for(protocol);
            configure(port.as_mut(), &settings)?;
            return Ok(ScalePort::with_port(port, settings));
        }
    }
    Err(ScalePortError::NotDetected { path: path.to_owned() })
}

/// Opens the scale `port` names, whichever kind it is: a hidraw node or `vendor:product` is a
/// USB HID scale; `auto` is the first USB HID scale sysfs lists (no bytes sent), or else the
/// first USB serial port that answers a probe; any other path is a serial port to probe.
pub fn detect_any(
    port: &str,
    baud: Option<u32>,
    unit: WeightUnit,
) -> Result<ScalePort, ScalePortError> {
    #[cfg(unix)]
    {
        let hid = PortSettings::new(port.trim(), Protocol::HidPos);
        if super::hid_scan::names_hid(port) {
            return ScalePort::open(&hid);
        }
        if !port.trim().eq_ignore_ascii_case("auto") {
            return detect(port, baud, unit);
        }
        match ScalePort::open(&hid) {
            Ok(scale) => return Ok(scale),
            // A scale this user may not read is the answer, with the rule to install.
            Err(error @ ScalePortError::Open { hint: super::hid_scan::PERMISSION_HINT, .. }) => {
                return Err(error);
            }
            // None found, or it went away between the scan and the open.
            Err(ScalePortError::NoHidScale { .. } | ScalePortError::Open { .. }) => {}
            Err(error) => return Err(error),
        }
    }
    #[cfg(not(unix))]
    if !port.trim().eq_ignore_ascii_case("auto") {
        return detect(port, baud, unit);
    }
    let serial = super::list_ports()?;
    for candidate in serial.iter().filter(|candidate| candidate.kind == super::PortKind::Usb) {
        if let Ok(scale) = detect(&candidate.path, baud, unit) {
            return Ok(scale);
        }
    }
    Err(ScalePortError::NoScaleFound)
}

fn configure(port: &mut dyn SerialPort, settings: &PortSettings) -> Result<(), ScalePortError> {
    let (data_bits, parity, stop_bits) = serial_parts(&settings.serial);
    let lost = |e: serialport::Error| ScalePortError::open(&settings.path, &e);
    port.set_baud_rate(settings.serial.baud).map_err(lost)?;
    port.set_data_bits(data_bits).map_err(lost)?;
    port.set_parity(parity).map_err(lost)?;
    port.set_stop_bits(stop_bits).map_err(lost)
}

/// Sends `probe` and gathers the reply until it holds a frame of some protocol or the wait
/// is over.
fn ask(
    port: &mut dyn SerialPort,
    settings: &PortSettings,
    probe: &[u8],
) -> Result<Vec<u8>, ScalePortError> {
    let lost = |reason: String| ScalePortError::Lost { path: settings.path.clone(), reason };
    // What came before the probe answers something else.
    let _ = port.clear(ClearBuffer::Input);
    write(port, settings, probe)?;
    let deadline = Instant::now() + PROBE_WAIT;
    let mut reply = Vec::new();
    let mut buffer = [0; 256];
    loop {
        let now = Instant::now();
        if now >= deadline {
            return Ok(reply);
        }
        port.set_timeout(READ_SLICE.min(deadline - now)).map_err(|e| lost(e.to_string()))?;
        match port.read(&mut buffer) {
            Ok(0) => return Err(lost("the device closed".into())),
            Ok(count) => reply.extend_from_slice(&buffer[..count]),
            Err(e) if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::Interrupted) => {
                if identify(settings.protocol, &reply).is_some() {
                    return Ok(reply);
                }
            }
            Err(e) => return Err(lost(e.to_string())),
        }
    }
}

fn write(
    port: &mut dyn SerialPort,
    settings: &PortSettings,
    bytes: &[u8],
) -> Result<(), ScalePortError> {
    let lost = |reason: String| ScalePortError::Lost { path: settings.path.clone(), reason };
    port.set_timeout(WRITE_TIMEOUT).map_err(|e| lost(e.to_string()))?;
    port.write_all(bytes).map_err(|e| lost(e.to_string()))
}
