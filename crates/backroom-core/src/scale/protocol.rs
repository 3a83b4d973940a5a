//! The protocols by name, their command bytes and their usual serial settings.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Command, Decoder, mt_sics, nci, toledo_8217, toledo_continuous};

/// A scale protocol: the serial ones spelled as the scale simulator spells them, and USB HID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub enum Protocol {
    /// METTLER TOLEDO Standard Interface Command Set: precision balances and weigh modules.
    #[serde(rename = "mt-sics")]
    MtSics,
    /// NCI / Avery Weigh-Tronix standard protocol SCP-01: NCI, Brecknell and Avery bench scales.
    #[serde(rename = "nci")]
    Nci,
    /// NCI SCP-12, which UPS WorldShip calls "NCI 3835" (Brecknell PS-USB, MeasureTek).
    #[serde(rename = "nci-scp12")]
    NciScp12,
    /// Mettler Toledo 8213/8217 "ECR" protocol: PS-series shipping scales, and the protocol the
    /// Odoo IoT box calls "Toledo 8217".
    #[serde(rename = "toledo-8217")]
    Toledo8217,
    /// Toledo standard continuous output: 18-byte frames streamed by floor and pallet indicators.
    #[serde(rename = "toledo-continuous")]
    ToledoContinuous,
    /// A USB HID point-of-sale scale (usage page 0x8D) read through hidraw: DYMO, Stamps.com,
    /// Mettler Toledo PS60 on USB, Fairbanks Ultegra. It streams reports unasked.
    #[serde(rename = "hid-pos")]
    HidPos,
}

impl Protocol {
    /// Every protocol, the serial ones first.
    pub const ALL: [Protocol; 6] = [
        Protocol::MtSics,
        Protocol::Nci,
        Protocol::NciScp12,
        Protocol::Toledo8217,
        Protocol::ToledoContinuous,
        Protocol::HidPos,
    ];

    /// The protocols spoken over a serial port.
    pub const SERIAL: [Protocol; 5] = [
        Protocol::MtSics,
        Protocol::Nci,
        Protocol::NciScp12,
        Protocol::Toledo8217,
        Protocol::ToledoContinuous,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Protocol::MtSics => "mt-sics",
            Protocol::Nci => "nci",
            Protocol::NciScp12 => "nci-scp12",
            Protocol::Toledo8217 => "toledo-8217",
            Protocol::ToledoContinuous => "toledo-continuous",
            Protocol::HidPos => "hid-pos",
        }
    }

    /// Whether the scale is read through a hidraw node rather than a serial port.
    pub fn is_hid(self) -> bool {
        self == Protocol::HidPos
    }

    pub fn decoder(self) -> Decoder {
        Decoder::new(self)
    }

    /// The scale sends readings unasked, so the transport only listens.
    pub fn is_continuous(self) -> bool {
        matches!(self, Protocol::ToledoContinuous | Protocol::HidPos)
    }

    /// Whether frames name their unit. Toledo 8213/8217 do not: the unit is set on the scale and
    /// must be configured in Backroom too (see [`Decoder::with_unit`]).
    pub fn sends_unit(self) -> bool {
        self != Protocol::Toledo8217
    }

    /// The settings these scales ship with. MT-SICS balances use 8N1; the shipping-scale
    /// protocols are 7E1 by default. Some SCP-12 scales are set to 4800 baud for UPS WorldShip.
    /// A HID scale has no serial line; it is given 8N1, which nothing uses.
    pub fn serial_settings(self) -> SerialSettings {
        let seven_even_one = SerialSettings {
            baud: 9600,
            data_bits: DataBits::Seven,
            parity: Parity::Even,
            stop_bits: StopBits::One,
        };
        match self {
            Protocol::MtSics | Protocol::HidPos => SerialSettings {
                baud: 9600,
                data_bits: DataBits::Eight,
                parity: Parity::None,
                stop_bits: StopBits::One,
            },
            Protocol::Nci
            | Protocol::NciScp12
            | Protocol::Toledo8217
            | Protocol::ToledoContinuous => seven_even_one,
        }
    }

    /// The bytes that ask for `command`, or `None` when the protocol has no such command.
    pub fn command(self, command: Command) -> Option<&'static [u8]> {
        match self {
            Protocol::MtSics => mt_sics::command(command),
            Protocol::Nci => nci::command(command, false),
            Protocol::NciScp12 => nci::command(command, true),
            Protocol::Toledo8217 => toledo_8217::command(command),
            Protocol::ToledoContinuous => toledo_continuous::command(command),
            // Zeroing over USB is vendor-specific and often ignored (research/hid-scales.md,
            // section 2), so Backroom sends nothing and asks for the key on the scale.
            Protocol::HidPos => None,
        }
    }

    /// `None` for continuous output, which needs no request.
    pub fn weight_request(self) -> Option<&'static [u8]> {
        self.command(Command::Weight)
    }

    pub fn zero_command(self) -> Option<&'static [u8]> {
        self.command(Command::Zero)
    }

    pub fn tare_command(self) -> Option<&'static [u8]> {
        self.command(Command::Tare)
    }

    pub fn clear_tare_command(self) -> Option<&'static [u8]> {
        self.command(Command::ClearTare)
    }

    /// Whether the scale answers `command`. SCP-12 zeroes without a word, and continuous output
    /// only shows the result in later frames.
    pub fn acknowledges(self, command: Command) -> bool {
        match self {
            Protocol::MtSics | Protocol::Toledo8217 => true,
            Protocol::Nci => command != Command::ClearTare,
            Protocol::NciScp12 => command == Command::Weight,
            Protocol::ToledoContinuous | Protocol::HidPos => false,
        }
    }

    /// The bytes to send when checking whether a serial scale speaks this protocol; empty means
    /// listen. A HID scale is known by its report descriptor instead.
    /// Each probe only reads: none of them zeroes, tares or changes a mode on a scale of another
    /// protocol.
    pub fn probe(self) -> &'static [u8] {
        match self {
            Protocol::ToledoContinuous | Protocol::HidPos => b"",
            other => other.weight_request().unwrap_or(b""),
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A protocol name Backroom does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "“{0}” is not a scale protocol (use mt-sics, nci, nci-scp12, toledo-8217, toledo-continuous \
     or hid-pos)"
)]
pub struct UnknownProtocol(pub String);

impl FromStr for Protocol {
    type Err = UnknownProtocol;

    fn from_str(text: &str) -> Result<Protocol, UnknownProtocol> {
        let name = text.trim();
        Protocol::ALL
            .into_iter()
            .find(|protocol| protocol.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| UnknownProtocol(text.to_owned()))
    }
}

/// How to open the serial port, as plain data so the core needs no serial library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub struct SerialSettings {
    pub baud: u32,
    pub data_bits: DataBits,
    pub parity: Parity,
    pub stop_bits: StopBits,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum DataBits {
    Seven,
    Eight,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Parity {
    None,
    Even,
    Odd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum StopBits {
    One,
    Two,
}

/// The usual shorthand, e.g. `9600 7E1`.
impl fmt::Display for SerialSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let data = match self.data_bits {
            DataBits::Seven => 7,
            DataBits::Eight => 8,
        };
        let parity = match self.parity {
            Parity::None => 'N',
            Parity::Even => 'E',
            Parity::Odd => 'O',
        };
        let stop = match self.stop_bits {
            StopBits::One => 1,
            StopBits::Two => 2,
        };
        write!(f, "{} {data}{parity}{stop}", self.baud)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_and_match_the_serialized_form() {
        assert_eq!(&Protocol::ALL[..5], &Protocol::SERIAL[..]);
        for protocol in Protocol::ALL {
            let name = protocol.to_string();
            assert_eq!(name.parse::<Protocol>().unwrap(), protocol);
            assert_eq!(serde_json::to_string(&protocol).unwrap(), format!("\"{name}\""));
        }
        let names: Vec<_> = Protocol::ALL.iter().map(|protocol| protocol.name()).collect();
        assert_eq!(
            names,
            ["mt-sics", "nci", "nci-scp12", "toledo-8217", "toledo-continuous", "hid-pos"]
        );
        assert!(Protocol::HidPos.is_hid() && Protocol::HidPos.is_continuous());
        assert_eq!(Protocol::HidPos.zero_command(), None);
        assert_eq!(" NCI-SCP12 ".parse::<Protocol>().unwrap(), Protocol::NciScp12);
        assert_eq!("toledo".parse::<Protocol>(), Err(UnknownProtocol("toledo".into())));
    }

    #[test]
    fn serial_defaults_follow_the_research_notes() {
        assert_eq!(Protocol::MtSics.serial_settings().to_string(), "9600 8N1");
        for protocol in
            [Protocol::Nci, Protocol::NciScp12, Protocol::Toledo8217, Protocol::ToledoContinuous]
        {
            assert_eq!(protocol.serial_settings().to_string(), "9600 7E1");
        }
    }

    #[test]
    fn command_bytes_per_protocol() {
        let table: [(Protocol, [Option<&[u8]>; 4]); 6] = [
            (Protocol::MtSics, [Some(b"SI\r\n"), Some(b"Z\r\n"), Some(b"T\r\n"), Some(b"TAC\r\n")]),
            (Protocol::Nci, [Some(b"W\r"), Some(b"Z\r"), Some(b"T\r"), None]),
            (Protocol::NciScp12, [Some(b"W\r"), Some(b"Z\r"), None, None]),
            (Protocol::Toledo8217, [Some(b"W"), Some(b"Z"), Some(b"T\r"), Some(b"C")]),
            (Protocol::ToledoContinuous, [None, Some(b"Z"), Some(b"T"), Some(b"C")]),
            (Protocol::HidPos, [None, None, None, None]),
        ];
        for (protocol, [weight, zero, tare, clear]) in table {
            assert_eq!(protocol.weight_request(), weight, "{protocol}");
            assert_eq!(protocol.zero_command(), zero, "{protocol}");
            assert_eq!(protocol.tare_command(), tare, "{protocol}");
            assert_eq!(protocol.clear_tare_command(), clear, "{protocol}");
        }
        assert!(Protocol::ToledoContinuous.is_continuous());
        assert!(!Protocol::NciScp12.acknowledges(Command::Zero));
        assert!(Protocol::Nci.acknowledges(Command::Zero));
        assert!(!Protocol::ToledoContinuous.acknowledges(Command::Tare));
        assert!(!Protocol::Toledo8217.sends_unit());
    }
}
