//! A USB HID scale without a USB device: reports scripted through a `SOCK_SEQPACKET` socket
//! pair, which keeps hidraw's one report per read and reads end of file when the "scale" end
//! closes, as an unplugged scale's node reads `EIO`. The recorded sequences of
//! `backroom-core/tests/fixtures/hid/` go through the same transport the monitor uses.

use std::os::fd::OwnedFd;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use backroom_core::scale::hid::ReportFormat;
use backroom_core::scale::{Protocol, ScaleEvent};

use super::hidraw::HidLink;
use super::hidraw::tests::{send, seqpacket_pair};
use super::{
    HID_SLEEP, MonitorOptions, PortSettings, ScaleMonitor, ScalePort, ScalePortError, ScaleState,
    ScaleStatus, read_stable,
};

include!(concat!(env!("CARGO_MANIFEST_DIR"), "/../backroom-core/tests/hid_fixture/mod.rs"));

/// A HID scale on the host end of a fresh socket pair; the other end is the scale.
fn scripted() -> (OwnedFd, ScalePort) {
    let (scale, host) = seqpacket_pair();
    let settings = PortSettings::new("/dev/hidraw-test", Protocol::HidPos);
    let port =
        ScalePort::with_hid(HidLink::from_fd(host).unwrap(), settings, ReportFormat::default());
    (scale, port)
}

#[test]
fn recorded_sequences_through_the_transport() {
    for (name, reports) in fixtures() {
        let (scale, mut port) = scripted();
        for (line, report) in reports.iter().enumerate() {
            send(&scale, &report.bytes);
            port.receive(Duration::from_secs(2)).unwrap();
            let events: Vec<ScaleEvent> = std::iter::from_fn(|| port.poll()).collect();
            let reading = match events.as_slice() {
                [ScaleEvent::Reading(reading)] => Some(reading),
                [ScaleEvent::Fault(_)] => None,
                other => panic!("{name} report {line}: {other:?}"),
            };
            assert!(meets(&report.expect, reading), "{name} report {line}: {reading:?}");
        }
    }
}

#[test]
fn a_backlog_is_read_as_its_newest_report() {
    let (scale, mut port) = scripted();
    for count in 1..=64u8 {
        send(&scale, &[3, 3, 2, 0, count, 0]);
    }
    send(&scale, &[3, 4, 2, 0, 0x6e, 0x03]);
    let reading = read_stable(&mut port, Duration::from_secs(2)).unwrap();
    assert_eq!(reading.stable_grams(), Some(878.0));
    assert_eq!(port.poll(), None, "the older reports were dropped, not queued");
}

#[test]
fn bad_reports_end_a_read_with_what_is_wrong_never_a_weight() {
    for (report, says) in [
        (&[3, 4, 2, 0, 0x6e, 0x03, 0, 0][..], "8 bytes long"),
        (&[3, 4, 4, 0, 1, 0][..], "the scale weighs in “ct”"),
        (&[3, 9, 2, 0, 1, 0][..], "status 9 is not a scale status"),
    ] {
        let (scale, mut port) = scripted();
        send(&scale, report);
        let error = read_stable(&mut port, Duration::from_millis(300)).unwrap_err();
        assert!(matches!(error, ScalePortError::Unusable { .. }), "{error:?}");
        assert!(error.to_string().contains(says), "{error}");
    }
}

#[test]
fn a_scale_that_sends_nothing_is_asleep_and_one_that_closes_is_lost() {
    let (_scale, mut port) = scripted();
    let error = read_stable(&mut port, Duration::from_millis(200)).unwrap_err();
    assert!(matches!(error, ScalePortError::Asleep { .. }), "{error:?}");
    assert!(error.to_string().contains("switched itself off"), "{error}");
    let (scale, mut port) = scripted();
    drop(scale);
    let error = read_stable(&mut port, Duration::from_millis(500)).unwrap_err();
    assert!(matches!(error, ScalePortError::Lost { .. }), "{error:?}");
}

#[test]
fn hid_scales_have_no_zero_or_tare_command() {
    let (_scale, mut port) = scripted();
    let error = port.command(backroom_core::scale::Command::Zero, Duration::from_millis(100));
    let message = error.unwrap_err().to_string();
    assert!(message.contains("hid-pos scales have no zero command"), "{message}");
}

#[test]
fn a_node_without_permission_names_the_udev_rule() {
    let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
    let message = ScalePortError::open_hid("/dev/hidraw0", &denied).to_string();
    assert!(
        message.contains("70-backroom-scales.rules") && message.contains("udevadm"),
        "{message}"
    );
}

/// Waits for a status in `state`, listing what came meanwhile if it never does.
fn wait_for(statuses: &Receiver<ScaleStatus>, state: ScaleState, within: Duration) -> ScaleStatus {
    let deadline = Instant::now() + within;
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match statuses.recv_timeout(left) {
            Ok(status) if status.state == state => return status,
            Ok(status) => seen.push(format!("{:?} {:?}", status.state, status.grams)),
            Err(_) => break,
        }
    }
    panic!("no {state:?} within {within:?}; saw {seen:?}");
}

/// The script: stable, motion, zero, negative, overload, asleep, awake, unplugged
/// (offline while it stays away) and plugged in again, through the monitor a station runs.
#[test]
fn the_monitor_follows_a_scale_through_sleep_unplug_and_replug() {
    let (plug, sockets) = mpsc::channel::<OwnedFd>();
    let open = move |settings: &PortSettings| match sockets.try_recv() {
        Ok(host) => {
            let link = HidLink::from_fd(host).unwrap();
            Ok(ScalePort::with_hid(link, settings.clone(), ReportFormat::default()))
        }
        Err(_) => Err(ScalePortError::NoHidScale { port: settings.path.clone() }),
    };
    let (publish, statuses) = mpsc::channel();
    let options = MonitorOptions {
        silence: Duration::from_millis(200),
        retry: Duration::from_millis(50),
        every_reading: true,
    };
    let settings = PortSettings::new("auto", Protocol::HidPos);
    let (scale, host) = seqpacket_pair();
    plug.send(host).unwrap();
    let monitor = ScaleMonitor::start_with(settings, options, open, move |status| {
        let _ = publish.send(status);
    });
    let second = Duration::from_secs(2);

    send(&scale, &[3, 4, 2, 0, 0x6e, 0x03]);
    let stable = wait_for(&statuses, ScaleState::Stable, second);
    assert_eq!((stable.grams, stable.protocol), (Some(878.0), Protocol::HidPos));
    send(&scale, &[3, 3, 2, 0, 0x10, 0x01]);
    assert_eq!(wait_for(&statuses, ScaleState::Motion, second).grams, Some(272.0));
    send(&scale, &[3, 2, 11, 0xff, 0, 0]);
    assert_eq!(wait_for(&statuses, ScaleState::Stable, second).grams, Some(0.0));
    send(&scale, &[3, 4, 2, 0, 0xfb, 0xff]);
    assert_eq!(wait_for(&statuses, ScaleState::Under, second).grams, None);
    send(&scale, &[3, 6, 12, 0xff, 0x70, 0x17]);
    assert_eq!(wait_for(&statuses, ScaleState::Over, second).grams, None);

    // It switches itself off: the node stays, the reports stop.
    let asleep = wait_for(&statuses, ScaleState::Asleep, HID_SLEEP + second);
    assert!(asleep.detail.unwrap().contains("switched itself off"));
    send(&scale, &[3, 4, 11, 0xff, 0x4e, 0x00]);
    assert_eq!(wait_for(&statuses, ScaleState::Stable, second).grams, Some(221.1));

    // Unplugged, and away for a while.
    drop(scale);
    let offline = wait_for(&statuses, ScaleState::Offline, second);
    assert!(offline.detail.unwrap().contains("lost the scale"));
    let away = wait_for(&statuses, ScaleState::Offline, second);
    assert!(away.detail.unwrap().contains("no USB scale found"));

    // Back, perhaps as another node: the monitor opens it again by itself.
    let (scale, host) = seqpacket_pair();
    plug.send(host).unwrap();
    send_until(&scale, &[3, 4, 2, 0, 0xd2, 0x04], &statuses, ScaleState::Stable, 1234.0);
    monitor.stop();
}

/// Sends `report` every 20 ms, as a scale streams, until a status in `state` with `grams` comes.
fn send_until(
    scale: &OwnedFd,
    report: &[u8],
    statuses: &Receiver<ScaleStatus>,
    state: ScaleState,
    grams: f64,
) {
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        send(scale, report);
        if let Ok(status) = statuses.recv_timeout(Duration::from_millis(20))
            && status.state == state
            && status.grams == Some(grams)
        {
            return;
        }
    }
    panic!("no {state:?} of {grams} g after the replug");
}
