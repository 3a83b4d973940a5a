//! Scales on real ports: serial ports and USB HID scales' hidraw nodes. Opening them, asking
//! for weights, finding the protocol, and a monitor thread that reports what a station's scale
//! shows.
//!
//! Every byte is read by the sans-IO [`Decoder`](backroom_core::scale::Decoder) of the core; this
//! module only moves bytes and reports between a device and the decoder and keeps the time.
//! Request/response scales are asked for their weight about twenty times a second; continuous
//! scales and HID scales are listened to. Nothing here needs an async runtime: the monitor is one
//! plain thread per scale.
//!
//! Serial ports are opened by path. `available_ports` lists the serial devices the OS knows of,
//! but not pseudo-terminals, so a simulator on `/dev/pts/N` is reached by giving its path. HID
//! scales are found in sysfs by their usage page (`hid_scan`), and named by node, by
//! `vendor:product` or as `auto`.

mod detect;
#[cfg(unix)]
pub mod hid_scan;
#[cfg(all(test, unix))]
mod hid_tests;
#[cfg(unix)]
mod hidraw;
mod monitor;
mod port;

use std::fmt;
use std::time::Duration;

use backroom_core::scale::{
    Command, DataBits, Parity, Protocol, Refusal, SerialSettings, StopBits,
};
use backroom_core::weight::WeightUnit;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How a station's scale is attached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ScaleSettings {
    pub port: String,
    pub protocol: String,
    pub baud: u32,
    pub data_bits: u8,
    /// `none`, `even` or `odd`.
    pub parity: String,
    pub stop_bits: u8,
}

pub use detect::{detect, detect_any};
pub use monitor::{HID_SLEEP, MonitorOptions, ScaleMonitor, ScaleRemote, ScaleState, ScaleStatus};
pub use port::{CommandOutcome, ScalePort, read_stable};

/// Where a scale is attached and how to talk to it.
#[derive(Debug, Clone, PartialEq)]
pub struct PortSettings {
    /// The device path, such as `/dev/ttyUSB0`, `/dev/pts/3` or `COM3`.
    pub path: String,
    pub protocol: Protocol,
    pub serial: SerialSettings,
    /// The unit the scale is set to, for protocols whose frames do not name one (Toledo
    /// 8213/8217). Kilograms unless told otherwise.
    pub unit: WeightUnit,
}

impl PortSettings {
    /// Settings for a scale speaking `protocol` on `path`, with the serial settings such scales
    /// ship with.
    pub fn new(path: impl Into<String>, protocol: Protocol) -> PortSettings {
        PortSettings {
            path: path.into(),
            protocol,
            serial: protocol.serial_settings(),
            unit: WeightUnit::Kg,
        }
    }

    /// The settings saved for a station's scale.
    pub fn from_station(scale: &ScaleSettings) -> Result<PortSettings, ScalePortError> {
        let protocol: Protocol =
            scale.protocol.parse().map_err(|e: backroom_core::scale::UnknownProtocol| {
                ScalePortError::Settings(e.to_string())
            })?;
        let data_bits = match scale.data_bits {
            7 => DataBits::Seven,
            8 => DataBits::Eight,
            other => {
                return Err(ScalePortError::Settings(format!(
                    "{other} data bits is not a scale setting; use 7 or 8"
                )));
            }
        };
        let parity = match scale.parity.as_str() {
            "none" => Parity::None,
            "even" => Parity::Even,
            "odd" => Parity::Odd,
            other => {
                return Err(ScalePortError::Settings(format!(
                    "scale parity `{other}` is not none, even or odd"
                )));
            }
        };
        let stop_bits = match scale.stop_bits {
            1 => StopBits::One,
            2 => StopBits::Two,
            other => {
                return Err(ScalePortError::Settings(format!(
                    "{other} stop bits is not a scale setting; use 1 or 2"
                )));
            }
        };
        Ok(PortSettings {
            serial: SerialSettings { baud: scale.baud, data_bits, parity, stop_bits },
            ..PortSettings::new(scale.port.trim(), protocol)
        })
    }
}

impl PortSettings {
    /// These settings as a station saves them: the inverse of [`PortSettings::from_station`].
    pub fn to_station(&self) -> ScaleSettings {
        let parity = match self.serial.parity {
            Parity::None => "none",
            Parity::Even => "even",
            Parity::Odd => "odd",
        };
        ScaleSettings {
            port: self.path.clone(),
            protocol: self.protocol.to_string(),
            baud: self.serial.baud,
            data_bits: match self.serial.data_bits {
                DataBits::Seven => 7,
                DataBits::Eight => 8,
            },
            parity: parity.to_owned(),
            stop_bits: match self.serial.stop_bits {
                StopBits::One => 1,
                StopBits::Two => 2,
            },
        }
    }
}

/// How a port is attached: a USB HID scale, or a serial port on USB, PCI or Bluetooth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PortKind {
    Hid,
    Usb,
    Pci,
    Bluetooth,
    Unknown,
}

impl PortKind {
    /// The word the command line prints.
    pub fn as_str(self) -> &'static str {
        match self {
            PortKind::Hid => "hid",
            PortKind::Usb => "usb",
            PortKind::Pci => "pci",
            PortKind::Bluetooth => "bluetooth",
            PortKind::Unknown => "unknown",
        }
    }
}

/// A serial port the OS knows of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PortInfo {
    pub path: String,
    pub kind: PortKind,
    /// Maker, product and serial number for USB adapters, where the OS reports them.
    pub description: Option<String>,
}

/// Said wherever ports are listed, since a missing simulator looks like a missing scale.
pub const PTY_NOTE: &str = "pseudo-terminals such as /dev/pts/N (the scale simulator, socat) \
                            are never listed; give their path with --port";

/// The USB HID scales sysfs lists, readable or not, as ports of kind `hid`.
pub fn list_hid_scales() -> Vec<PortInfo> {
    #[cfg(unix)]
    {
        hid_scan::scan()
            .into_iter()
            .filter(|device| device.scale.is_some())
            .map(|device| PortInfo {
                description: Some(device.description()),
                path: device.node,
                kind: PortKind::Hid,
            })
            .collect()
    }
    #[cfg(not(unix))]
    Vec::new()
}

/// The serial ports the OS knows of. Pseudo-terminals are not among them (see [`PTY_NOTE`]).
pub fn list_ports() -> Result<Vec<PortInfo>, ScalePortError> {
    let ports = serialport::available_ports()
        .map_err(|e| ScalePortError::List { reason: e.to_string() })?;
    Ok(ports
        .into_iter()
        .map(|port| {
            let (kind, description) = match port.port_type {
                serialport::SerialPortType::UsbPort(usb) => {
                    let mut words = vec![format!("{:04x}:{:04x}", usb.vid, usb.pid)];
                    words.extend(usb.manufacturer);
                    words.extend(usb.product);
                    words.extend(usb.serial_number.map(|serial| format!("serial {serial}")));
                    (PortKind::Usb, Some(words.join(" ")))
                }
                serialport::SerialPortType::PciPort => (PortKind::Pci, None),
                serialport::SerialPortType::BluetoothPort => (PortKind::Bluetooth, None),
                serialport::SerialPortType::Unknown => (PortKind::Unknown, None),
            };
            PortInfo { path: port.port_name, kind, description }
        })
        .collect())
}

/// Why a scale could not be read or commanded. Each message says what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScalePortError {
    #[error("the scale settings are not usable: {0}")]
    Settings(String),
    #[error("cannot list the serial ports: {reason}; give the scale's port path directly")]
    List { reason: String },
    #[error("cannot open the scale port {path}: {reason}; {hint}")]
    Open { path: String, reason: String, hint: &'static str },
    #[error(
        "lost the scale on {path}: {reason}; check its cable and power (a station reconnects by \
         itself when the port is back)"
    )]
    Lost { path: String, reason: String },
    #[error(
        "the scale on {path} sent nothing readable in {waited_ms} ms; check that it is on and \
         that it speaks {protocol} at {settings}"
    )]
    Silent { path: String, waited_ms: u64, protocol: Protocol, settings: SerialSettings },
    #[error(
        "the scale on {path} did not settle within {waited_ms} ms; keep the package still and \
         try again"
    )]
    NoStableWeight { path: String, waited_ms: u64 },
    #[error("the scale is over capacity; take the load off and weigh something lighter")]
    Overload,
    #[error("the scale reads under zero or its pan is off; put the pan back and zero the scale")]
    Underload,
    #[error(
        "the scale is outside its range (over capacity or under zero); clear the platter and \
         zero the scale"
    )]
    OutOfRange,
    #[error("the scale reports an internal fault; switch it off and on, or have it serviced")]
    Fault,
    #[error("{protocol} scales have no {command} command; use the key on the scale instead")]
    Unsupported { protocol: Protocol, command: CommandName },
    #[error("the scale refused to {command}: {reason}")]
    Refused { command: CommandName, reason: RefusalText },
    #[error(
        "the scale did not answer the {command} command within {waited_ms} ms; try again when \
         the weight is steady"
    )]
    NoAnswer { command: CommandName, waited_ms: u64 },
    #[error(
        "no scale answered on {path} in any protocol Backroom knows; check the cable and the baud \
         rate, or name the protocol"
    )]
    NotDetected { path: String },
    #[error("the scale on {path} is offline; check its cable and power, then try again")]
    Offline { path: String },
    #[error(
        "the USB scale on {path} has sent nothing for {waited_ms} ms: it has probably switched \
         itself off; press a key on it or put a load on it"
    )]
    Asleep { path: String, waited_ms: u64 },
    #[error("the scale on {path} sends what Backroom cannot use: {reason}")]
    Unusable { path: String, reason: String },
    #[error(
        "the USB device on {path} ({name}) is not a scale; choose one of the scales found \
         instead"
    )]
    NotAScale { path: String, name: String },
    #[error(
        "no USB scale found for “{port}”; check that it is plugged in and switched on, or \
         choose one of the scales found instead"
    )]
    NoHidScale { port: String },
    #[error(
        "no scale found: no USB scale is plugged in, and no USB serial port answered in any \
         protocol Backroom knows; check the scale's cable and power, or give its port"
    )]
    NoScaleFound,
    #[error("the scale monitor has stopped; start it again")]
    Stopped,
}

impl ScalePortError {
    /// The error for a hidraw node that would not open, with advice that fits the cause: a
    /// node this user may not read needs the udev rule.
    #[cfg(unix)]
    fn open_hid(path: &str, error: &std::io::Error) -> ScalePortError {
        let hint = match error.kind() {
            std::io::ErrorKind::PermissionDenied => hid_scan::PERMISSION_HINT,
            std::io::ErrorKind::NotFound => {
                "the scale was unplugged; plug it in, or choose one of the scales found instead"
            }
            _ => "check that the scale is plugged in",
        };
        ScalePortError::Open { path: path.to_owned(), reason: error.to_string(), hint }
    }

    /// The error for a port that would not open, with advice that fits the cause.
    fn open(path: &str, error: &serialport::Error) -> ScalePortError {
        let hint = match error.kind {
            serialport::ErrorKind::NoDevice
            | serialport::ErrorKind::Io(std::io::ErrorKind::NotFound) => {
                "check that the scale is plugged in, or choose one of the ports found instead"
            }
            serialport::ErrorKind::Io(std::io::ErrorKind::PermissionDenied) => {
                "add this user to the group that owns the port (dialout on most Linux systems)"
            }
            serialport::ErrorKind::InvalidInput => {
                "check the baud rate, data bits, parity and stop bits"
            }
            _ => "check that no other program has the port open",
        };
        ScalePortError::Open { path: path.to_owned(), reason: error.description.clone(), hint }
    }
}

/// A command as people say it, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandName(pub Command);

impl fmt::Display for CommandName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            Command::Weight => "weigh",
            Command::Zero => "zero",
            Command::Tare => "tare",
            Command::ClearTare => "clear the tare",
        })
    }
}

/// Why a scale refused a command, as people say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefusalText(pub Refusal);

impl fmt::Display for RefusalText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            Refusal::Busy => "it is busy or did not settle in time; wait for a steady weight",
            Refusal::Motion => "it is in motion; wait for a steady weight",
            Refusal::AboveRange => "the load is too heavy for that; clear the platter",
            Refusal::BelowRange => "the load is below its range; put the pan back",
            Refusal::OutsideZeroRange => {
                "the load is too far from zero; clear the platter before zeroing"
            }
            Refusal::NotAtZero => "it did not come to zero; clear the platter and try again",
            Refusal::UnknownCommand => "it does not know the command; check the protocol",
            Refusal::TransmissionError => {
                "the command arrived damaged; check the parity and baud rate"
            }
            Refusal::LogicalError => "it cannot do that in its present state",
            Refusal::BadParameter => "a value in the command was wrong",
        })
    }
}

/// Converts the core's plain settings to the serial library's.
fn serial_parts(
    settings: &SerialSettings,
) -> (serialport::DataBits, serialport::Parity, serialport::StopBits) {
    let data_bits = match settings.data_bits {
        DataBits::Seven => serialport::DataBits::Seven,
        DataBits::Eight => serialport::DataBits::Eight,
    };
    let parity = match settings.parity {
        Parity::None => serialport::Parity::None,
        Parity::Even => serialport::Parity::Even,
        Parity::Odd => serialport::Parity::Odd,
    };
    let stop_bits = match settings.stop_bits {
        StopBits::One => serialport::StopBits::One,
        StopBits::Two => serialport::StopBits::Two,
    };
    (data_bits, parity, stop_bits)
}

/// Rounds grams to a tenth, well below any shipping scale's division, so that `1065.9420...`
/// prints as `1065.9`. Negative zero becomes zero.
pub fn round_grams(grams: f64) -> f64 {
    (grams * 10.0).round() / 10.0 + 0.0
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn station(protocol: &str, data_bits: u8, parity: &str, stop_bits: u8) -> ScaleSettings {
        ScaleSettings {
            port: " /dev/ttyUSB0 ".into(),
            protocol: protocol.into(),
            baud: 4800,
            data_bits,
            parity: parity.into(),
            stop_bits,
        }
    }

    #[test]
    fn station_settings_become_port_settings() {
        let settings = PortSettings::from_station(&station("nci-scp12", 7, "even", 1)).unwrap();
        assert_eq!(settings.path, "/dev/ttyUSB0");
        assert_eq!(settings.protocol, Protocol::NciScp12);
        assert_eq!(settings.serial.to_string(), "4800 7E1");
        let settings = PortSettings::from_station(&station("mt-sics", 8, "odd", 2)).unwrap();
        assert_eq!(settings.serial.to_string(), "4800 8O2");
    }

    #[test]
    fn port_settings_go_back_to_station_settings_unchanged() {
        for scale in [station("nci-scp12", 7, "even", 1), station("mt-sics", 8, "odd", 2)] {
            let settings = PortSettings::from_station(&scale).unwrap();
            let back = settings.to_station();
            assert_eq!(back, ScaleSettings { port: "/dev/ttyUSB0".into(), ..scale });
            assert_eq!(PortSettings::from_station(&back).unwrap(), settings);
        }
    }

    #[test]
    fn unusable_station_settings_say_what_to_change() {
        let cases = [
            (station("toledo", 7, "even", 1), "use mt-sics, nci"),
            (station("nci", 6, "even", 1), "use 7 or 8"),
            (station("nci", 7, "mark", 1), "none, even or odd"),
            (station("nci", 7, "even", 3), "use 1 or 2"),
        ];
        for (scale, advice) in cases {
            let error = PortSettings::from_station(&scale).unwrap_err().to_string();
            assert!(error.contains(advice), "{error}");
        }
    }

    #[test]
    fn grams_round_to_a_tenth() {
        assert_eq!(round_grams(2.35 * 453.592_37), 1065.9);
        assert_eq!(round_grams(1234.0), 1234.0);
        assert_eq!(round_grams(-0.04).to_string(), "0");
    }

    #[test]
    fn a_missing_port_suggests_another_of_the_ports_found() {
        let error = serialport::new("/dev/backroom-no-such-port", 9600).open().unwrap_err();
        let message = ScalePortError::open("/dev/backroom-no-such-port", &error).to_string();
        assert!(message.contains("choose one of the ports found"), "{message}");
        assert!(!message.contains('`'), "{message}");
    }
}
