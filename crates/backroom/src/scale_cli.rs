//! `backroom scale`: list the scales and serial ports, read a weight, watch a scale, zero and
//! tare it. Serial scales and USB HID scales alike; `auto` finds either kind. It opens no
//! database, so a scale can be checked on a bench before Backroom is set up.

use std::io::Write;
use std::sync::mpsc;
use std::time::Duration;

use backroom_api::devices::scale_port::{
    self, MonitorOptions, PortSettings, ScaleMonitor, ScalePort, ScalePortError, round_grams,
};
use backroom_core::scale::{Command, DataBits, Parity, Protocol, StopBits};
use backroom_core::weight::WeightUnit;
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;

use crate::cli::CliError;

#[derive(Debug, Subcommand)]
pub enum ScaleAction {
    /// List the USB HID scales and the serial ports the OS knows of. Pseudo-terminals (the
    /// scale simulator) are never listed; give their path with --port.
    List,
    /// Print the first stable weight, or fail if none comes in time.
    Read {
        #[command(flatten)]
        port: PortArgs,
        /// How long to wait for a stable weight.
        #[arg(long, value_name = "N", default_value_t = 3000)]
        timeout_ms: u64,
        /// Print one JSON object: grams, unit, value, stable, protocol.
        #[arg(long)]
        json: bool,
    },
    /// Print every reading and status as a JSON line until interrupted.
    Watch {
        #[command(flatten)]
        port: PortArgs,
        /// Stop after this many lines.
        #[arg(long, value_name = "N")]
        count: Option<u64>,
        /// Report the scale as silent after this long without a readable frame.
        #[arg(long, value_name = "N", default_value_t = 1000)]
        silence_ms: u64,
    },
    /// Zero the scale (the load must be close to zero).
    Zero {
        #[command(flatten)]
        port: PortArgs,
        /// How long to wait for the scale's answer.
        #[arg(long, value_name = "N", default_value_t = 3000)]
        timeout_ms: u64,
    },
    /// Take the load on the scale as the tare.
    Tare {
        #[command(flatten)]
        port: PortArgs,
        /// How long to wait for the scale's answer.
        #[arg(long, value_name = "N", default_value_t = 3000)]
        timeout_ms: u64,
    },
}

/// Where the scale is and how it talks.
#[derive(Debug, Args)]
pub struct PortArgs {
    /// The scale's port: a serial port (/dev/ttyUSB0, COM3, a simulator's /dev/pts/N), a USB
    /// scale's /dev/hidrawN or vendor:product (0922:8003), or auto: the first USB scale, else
    /// the first USB serial port that answers.
    #[arg(long, value_name = "PATH", default_value = "auto")]
    pub port: String,
    /// mt-sics, nci, nci-scp12, toledo-8217, toledo-continuous or hid-pos; auto finds it.
    #[arg(long, value_name = "NAME", default_value = "auto", value_parser = parse_protocol)]
    pub protocol: ProtocolChoice,
    /// The baud rate, when the scale is not set to its protocol's usual one.
    #[arg(long, value_name = "N")]
    pub baud: Option<u32>,
    /// 7 or 8, when not the protocol's usual setting (ignored with --protocol auto).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(7..=8))]
    pub data_bits: Option<u8>,
    /// When not the protocol's usual setting (ignored with --protocol auto).
    #[arg(long, value_enum)]
    pub parity: Option<ParityArg>,
    /// 1 or 2, when not the protocol's usual setting (ignored with --protocol auto).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=2))]
    pub stop_bits: Option<u8>,
    /// The unit the scale is set to; only toledo-8217 needs it, as its frames name none.
    #[arg(long, value_name = "UNIT", default_value = "kg", value_parser = parse_unit)]
    pub unit: WeightUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolChoice {
    Auto,
    Named(Protocol),
}

fn parse_protocol(text: &str) -> Result<ProtocolChoice, String> {
    if text.trim().eq_ignore_ascii_case("auto") {
        return Ok(ProtocolChoice::Auto);
    }
    text.parse().map(ProtocolChoice::Named).map_err(|e| format!("{e}, or auto to probe"))
}

fn parse_unit(text: &str) -> Result<WeightUnit, String> {
    text.parse().map_err(|_| format!("`{text}` is not a unit; use g, kg, oz or lb"))
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ParityArg {
    None,
    Even,
    Odd,
}

pub fn run(action: &ScaleAction) -> Result<(), CliError> {
    let result = match action {
        ScaleAction::List => list(),
        ScaleAction::Read { port, timeout_ms, json } => read(port, *timeout_ms, *json),
        ScaleAction::Watch { port, count, silence_ms } => watch(port, *count, *silence_ms),
        ScaleAction::Zero { port, timeout_ms } => command(port, Command::Zero, *timeout_ms),
        ScaleAction::Tare { port, timeout_ms } => command(port, Command::Tare, *timeout_ms),
    };
    result.map_err(|e| CliError::Failed(format!("error: {e}{}", list_hint(&e))))
}

/// Where the terminal finds the scales and ports, for the errors that send a person to them;
/// a screen lists them itself, so the shared message does not name the command.
fn list_hint(error: &ScalePortError) -> &'static str {
    match error {
        ScalePortError::Open { .. }
        | ScalePortError::NotAScale { .. }
        | ScalePortError::NoHidScale { .. }
        | ScalePortError::NoScaleFound => " (`backroom scale list` shows the scales and ports)",
        _ => "",
    }
}

fn list() -> Result<(), ScalePortError> {
    let mut ports = scale_port::list_hid_scales();
    ports.extend(scale_port::list_ports()?);
    if ports.is_empty() {
        eprintln!("no USB scales or serial ports found");
    }
    for port in ports {
        let description = port.description.map(|d| format!("  {d}")).unwrap_or_default();
        println!("{}  {}{description}", port.path, port.kind.as_str());
    }
    eprintln!("note: {}", scale_port::PTY_NOTE);
    Ok(())
}

/// Opens the scale, finding it and its protocol when asked to.
fn open(args: &PortArgs) -> Result<ScalePort, ScalePortError> {
    let scale = match args.protocol {
        ProtocolChoice::Auto => scale_port::detect_any(&args.port, args.baud, args.unit)?,
        ProtocolChoice::Named(protocol) => ScalePort::open(&settings(args, protocol))?,
    };
    if args.port.trim().eq_ignore_ascii_case("auto") {
        eprintln!("found: {} on {}", scale.protocol(), scale.settings().path);
    }
    Ok(scale)
}

fn settings(args: &PortArgs, protocol: Protocol) -> PortSettings {
    let mut settings = PortSettings { unit: args.unit, ..PortSettings::new(&args.port, protocol) };
    let serial = &mut settings.serial;
    serial.baud = args.baud.unwrap_or(serial.baud);
    match args.data_bits {
        Some(7) => serial.data_bits = DataBits::Seven,
        Some(8) => serial.data_bits = DataBits::Eight,
        _ => {}
    }
    match args.stop_bits {
        Some(1) => serial.stop_bits = StopBits::One,
        Some(2) => serial.stop_bits = StopBits::Two,
        _ => {}
    }
    if let Some(parity) = args.parity {
        serial.parity = match parity {
            ParityArg::None => Parity::None,
            ParityArg::Even => Parity::Even,
            ParityArg::Odd => Parity::Odd,
        };
    }
    settings
}

/// `scale read --json` prints exactly these fields, in this order.
#[derive(Debug, Serialize)]
struct StableReading {
    grams: f64,
    unit: WeightUnit,
    value: f64,
    stable: bool,
    protocol: Protocol,
}

fn read(args: &PortArgs, timeout_ms: u64, json: bool) -> Result<(), ScalePortError> {
    let mut scale = open(args)?;
    let reading = scale_port::read_stable(&mut scale, Duration::from_millis(timeout_ms))?;
    if let Some(doubt) = scale.unit_doubt() {
        eprintln!("warning: {doubt}");
    }
    // A stable reading always carries its weight.
    let Some(weight) = reading.weight else { return Err(ScalePortError::Fault) };
    let out = StableReading {
        grams: round_grams(weight.grams),
        unit: weight.unit,
        value: weight.value,
        stable: true,
        protocol: reading.protocol,
    };
    if json {
        println!("{}", json_line(&out));
    } else {
        println!(
            "{} {} ({} g), stable, {} on {}",
            out.value,
            out.unit,
            out.grams,
            out.protocol,
            scale.settings().path
        );
    }
    Ok(())
}

fn watch(args: &PortArgs, count: Option<u64>, silence_ms: u64) -> Result<(), ScalePortError> {
    let settings = match args.protocol {
        // The probe's port is closed again; the monitor opens its own and keeps it. A USB
        // scale found as `auto` is looked for again at each reconnect, as it may come back as
        // another node.
        ProtocolChoice::Auto => {
            let found = open(args)?.settings().clone();
            let auto = args.port.trim().eq_ignore_ascii_case("auto");
            if found.protocol.is_hid() && auto {
                PortSettings::new("auto", Protocol::HidPos)
            } else {
                found
            }
        }
        ProtocolChoice::Named(protocol) => settings(args, protocol),
    };
    let options = MonitorOptions {
        silence: Duration::from_millis(silence_ms),
        every_reading: true,
        ..MonitorOptions::default()
    };
    let (send, statuses) = mpsc::channel();
    let monitor = ScaleMonitor::start(settings, options, move |status| {
        let _ = send.send(status);
    });
    let mut stdout = std::io::stdout().lock();
    let limit = count.map_or(usize::MAX, |count| usize::try_from(count).unwrap_or(usize::MAX));
    for status in statuses.iter().take(limit) {
        // A closed pipe (`| head`) is the reader saying it has enough.
        if writeln!(stdout, "{}", json_line(&status)).and_then(|()| stdout.flush()).is_err() {
            break;
        }
    }
    monitor.stop();
    Ok(())
}

fn command(args: &PortArgs, command: Command, timeout_ms: u64) -> Result<(), ScalePortError> {
    let mut scale = open(args)?;
    let timeout = Duration::from_millis(timeout_ms);
    scale.wait_heard(timeout)?;
    let outcome = scale.command(command, timeout)?;
    let done = match command {
        Command::Zero => "zeroed",
        _ => "tare taken",
    };
    match (outcome.confirmed, outcome.tare) {
        (true, Some(tare)) => println!("{done}: {} {}", tare.value, tare.unit),
        (true, None) => println!("{done}"),
        (false, _) => {
            // The scale will not say; the next settled weight shows whether it worked.
            let reading = scale_port::read_stable(&mut scale, timeout)?;
            let shown = reading
                .weight
                .map(|weight| format!("{} {}", weight.value, weight.unit))
                .unwrap_or_default();
            println!(
                "sent; {} scales do not confirm it, and this one now reads {shown}",
                scale.protocol()
            );
        }
    }
    Ok(())
}

/// One line of JSON with a space after each colon and comma, as in
/// `{"grams": 1065.9, "unit": "lb"}`: as easy to read as to parse.
fn json_line(value: &impl Serialize) -> String {
    struct Spaced;
    impl serde_json::ser::Formatter for Spaced {
        fn begin_object_key<W: ?Sized + Write>(
            &mut self,
            writer: &mut W,
            first: bool,
        ) -> std::io::Result<()> {
            if first { Ok(()) } else { writer.write_all(b", ") }
        }

        fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
            writer.write_all(b": ")
        }

        fn begin_array_value<W: ?Sized + Write>(
            &mut self,
            writer: &mut W,
            first: bool,
        ) -> std::io::Result<()> {
            if first { Ok(()) } else { writer.write_all(b", ") }
        }
    }
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, Spaced);
    // Plain structs of numbers and strings always serialize.
    value.serialize(&mut serializer).expect("a scale reading serializes");
    String::from_utf8(out).expect("JSON is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_have_a_space_after_colons_and_commas() {
        let reading = StableReading {
            grams: 1065.9,
            unit: WeightUnit::Lb,
            value: 2.35,
            stable: true,
            protocol: Protocol::Nci,
        };
        assert_eq!(
            json_line(&reading),
            r#"{"grams": 1065.9, "unit": "lb", "value": 2.35, "stable": true, "protocol": "nci"}"#
        );
    }

    #[test]
    fn protocol_names_are_the_simulators() {
        assert_eq!(parse_protocol("auto"), Ok(ProtocolChoice::Auto));
        assert_eq!(parse_protocol("toledo-8217"), Ok(ProtocolChoice::Named(Protocol::Toledo8217)));
        assert_eq!(parse_protocol("hid-pos"), Ok(ProtocolChoice::Named(Protocol::HidPos)));
        let error = parse_protocol("toledo").unwrap_err();
        assert!(error.contains("use mt-sics") && error.ends_with("or auto to probe"), "{error}");
    }
}
