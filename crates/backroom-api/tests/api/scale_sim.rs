//! The serial transport against the scale simulator on a real pseudo-terminal, for every
//! protocol: weights and changes, motion, overload and underload, silence, unplugging, line
//! noise, zero and tare, and auto-detection. Each test starts its own simulator and waits for
//! states with deadlines, never for fixed times, except where it checks that something does
//! *not* happen for a while.

use std::path::Path;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use backroom_api::devices::scale_port::{
    MonitorOptions, PortSettings, ScaleMonitor, ScalePort, ScalePortError, ScaleState, ScaleStatus,
    detect, read_stable,
};
use backroom_core::scale::{Protocol, ScaleEvent};
use backroom_core::weight::WeightUnit;

use crate::common::sim::{SIMULATOR, Sim};

/// Long enough for any state to show on a loaded machine; a passing test never waits this long.
const DEADLINE: Duration = Duration::from_secs(10);

/// A protocol with the unit the simulator weighs in and the loads the tests place.
#[derive(Debug, Clone, Copy)]
struct Case {
    protocol: Protocol,
    unit: WeightUnit,
    start: f64,
    next: f64,
    /// Within 2 % of capacity, so the scale may zero it.
    small: f64,
}

const MT_SICS: Case = Case {
    protocol: Protocol::MtSics,
    unit: WeightUnit::G,
    start: 1250.0,
    next: 2500.0,
    small: 300.0,
};
const NCI: Case =
    Case { protocol: Protocol::Nci, unit: WeightUnit::Lb, start: 2.35, next: 4.1, small: 1.0 };
const NCI_SCP12: Case =
    Case { protocol: Protocol::NciScp12, unit: WeightUnit::Lb, start: 2.35, next: 4.1, small: 1.0 };
const TOLEDO_8217: Case = Case {
    protocol: Protocol::Toledo8217,
    unit: WeightUnit::Kg,
    start: 1.25,
    next: 2.5,
    small: 0.5,
};
const TOLEDO_CONTINUOUS: Case = Case {
    protocol: Protocol::ToledoContinuous,
    unit: WeightUnit::Lb,
    start: 12.35,
    next: 4.1,
    small: 1.0,
};

impl Case {
    fn sim(&self) -> Sim {
        Sim::start(self.protocol, self.unit, self.start)
    }

    fn settings(&self, sim: &Sim) -> PortSettings {
        PortSettings { unit: self.unit, ..PortSettings::new(sim.path(), self.protocol) }
    }

    fn grams(&self, value: f64) -> f64 {
        self.unit.to_grams(value)
    }

    /// The state an overloaded scale shows: continuous output has one bit for over and under.
    fn over(&self) -> ScaleState {
        match self.protocol {
            Protocol::ToledoContinuous => ScaleState::OutOfRange,
            _ => ScaleState::Over,
        }
    }

    fn under(&self) -> ScaleState {
        match self.protocol {
            Protocol::ToledoContinuous => ScaleState::OutOfRange,
            _ => ScaleState::Under,
        }
    }
}

/// Grams as the monitor rounds them (to a tenth) match the load.
fn near(grams: Option<f64>, expected: f64) -> bool {
    grams.is_some_and(|grams| (grams - expected).abs() < 0.06)
}

fn options() -> MonitorOptions {
    MonitorOptions {
        silence: Duration::from_millis(400),
        retry: Duration::from_millis(200),
        every_reading: false,
    }
}

/// A monitor on the simulator whose updates arrive on the returned channel.
fn monitor(case: &Case, sim: &Sim) -> (ScaleMonitor, Receiver<ScaleStatus>) {
    let (send, statuses) = mpsc::channel();
    let monitor = ScaleMonitor::start(case.settings(sim), options(), move |status| {
        let _ = send.send(status);
    });
    (monitor, statuses)
}

/// Waits for a status that satisfies `wanted`, listing the ones seen meanwhile if it never comes.
fn wait_for(
    statuses: &Receiver<ScaleStatus>,
    what: &str,
    wanted: impl Fn(&ScaleStatus) -> bool,
) -> ScaleStatus {
    let deadline = Instant::now() + DEADLINE;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match statuses.recv_timeout(left) {
            Ok(status) if wanted(&status) => return status,
            Ok(status) => seen.push(status),
            Err(RecvTimeoutError::Timeout) => panic!("no {what} within {DEADLINE:?}: {seen:#?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("the monitor stopped; saw {seen:#?}"),
        }
    }
}

fn wait_stable(statuses: &Receiver<ScaleStatus>, grams: f64) -> ScaleStatus {
    wait_for(statuses, &format!("stable {grams} g"), |status| {
        status.state == ScaleState::Stable && near(status.grams, grams)
    })
}

fn weighs_and_follows_changes(case: Case) {
    let mut sim = case.sim();
    let (_monitor, statuses) = monitor(&case, &sim);
    let first = wait_stable(&statuses, case.grams(case.start));
    assert_eq!(first.protocol, case.protocol);
    assert_eq!(first.unit, Some(case.unit));
    assert!((first.value.unwrap() - case.start).abs() < 1e-9, "{first:?}");
    assert!(first.age_ms.is_some_and(|age| age < 1000), "{first:?}");
    sim.control(&format!("weight {}", case.next));
    wait_stable(&statuses, case.grams(case.next));
}

/// Request/response scales are asked at least ten times a second; continuous ones stream. A
/// busy test machine can starve one half-second window, so the best of three counts.
fn reads_ten_times_a_second(case: Case) {
    let sim = case.sim();
    let mut scale = ScalePort::open(&case.settings(&sim)).unwrap();
    read_stable(&mut scale, DEADLINE).unwrap();
    let mut counts = Vec::new();
    while counts.len() < 3 && counts.iter().all(|&count| count < 5) {
        let start = Instant::now();
        let mut readings = 0;
        while start.elapsed() < Duration::from_millis(500) {
            scale.step(Duration::from_millis(20)).unwrap();
            while let Some(event) = scale.poll() {
                readings += usize::from(matches!(event, ScaleEvent::Reading(_)));
            }
        }
        counts.push(readings);
    }
    assert!(counts.iter().any(|&count| count >= 5), "readings per 500 ms: {counts:?}");
}

fn motion_gives_no_stable_weight(case: Case) {
    let mut sim = case.sim();
    let (_monitor, statuses) = monitor(&case, &sim);
    wait_stable(&statuses, case.grams(case.start));
    sim.control("motion on");
    let moving = wait_for(&statuses, "motion", |status| status.state == ScaleState::Motion);
    assert!(moving.grams.is_none_or(|grams| (grams - case.grams(case.start)).abs() < 500.0));
    // Nothing may claim to be stable while the scale moves.
    let until = Instant::now() + Duration::from_millis(300);
    while let Ok(status) = statuses.recv_timeout(until.saturating_duration_since(Instant::now())) {
        assert_ne!(status.state, ScaleState::Stable, "{status:?}");
    }
    sim.control("motion off");
    wait_stable(&statuses, case.grams(case.start));
}

fn overload_and_underload_carry_no_weight(case: Case) {
    let mut sim = case.sim();
    let (_monitor, statuses) = monitor(&case, &sim);
    wait_stable(&statuses, case.grams(case.start));
    sim.control("overload");
    let over = wait_for(&statuses, "overload", |status| status.state == case.over());
    assert_eq!((over.grams, over.value), (None, None), "{over:?}");
    sim.control("overload off");
    wait_stable(&statuses, case.grams(case.start));
    sim.control("underload");
    let under = wait_for(&statuses, "underload", |status| status.state == case.under());
    assert_eq!(under.grams, None, "{under:?}");
    sim.control("underload off");
    wait_stable(&statuses, case.grams(case.start));
}

fn silence_shows_and_clears(case: Case) {
    let mut sim = case.sim();
    let (_monitor, statuses) = monitor(&case, &sim);
    wait_stable(&statuses, case.grams(case.start));
    sim.control("silence on");
    let silent = wait_for(&statuses, "silence", |status| status.state == ScaleState::Silent);
    assert_eq!(silent.grams, None);
    assert!(silent.age_ms.is_some_and(|age| age >= 400), "{silent:?}");
    assert!(silent.detail.as_deref().is_some_and(|d| d.contains("sent nothing")), "{silent:?}");
    sim.control("silence off");
    wait_stable(&statuses, case.grams(case.start));
}

fn unplugging_goes_offline_and_replugging_recovers(case: Case) {
    let mut sim = case.sim();
    let (monitor, statuses) = monitor(&case, &sim);
    wait_stable(&statuses, case.grams(case.start));
    sim.control("disconnect");
    let offline = wait_for(&statuses, "offline", |status| status.state == ScaleState::Offline);
    assert_eq!(offline.grams, None);
    assert!(offline.detail.is_some(), "{offline:?}");
    let refused = monitor.zero(Duration::from_secs(1)).unwrap_err();
    assert!(matches!(refused, ScalePortError::Offline { .. }), "{refused:?}");
    sim.control("reconnect");
    wait_stable(&statuses, case.grams(case.start));
    monitor.stop();
}

fn noise_is_never_read_as_a_weight(case: Case) {
    let mut sim = case.sim();
    let mut scale = ScalePort::open(&case.settings(&sim)).unwrap();
    let expected = case.grams(case.start);
    assert!(near(read_stable(&mut scale, DEADLINE).unwrap().grams(), expected));
    let deadline = Instant::now() + DEADLINE;
    for _ in 0..3 {
        sim.control("garbage 50");
        let garbage_before = scale.garbage_bytes();
        // Read on until the noise has been seen and two more readings came after it.
        let mut after = 0;
        while scale.garbage_bytes() == garbage_before || after < 2 {
            assert!(Instant::now() < deadline, "the noise never arrived");
            scale.step(Duration::from_millis(50)).unwrap();
            while let Some(event) = scale.poll() {
                let ScaleEvent::Reading(reading) = event else { continue };
                if let Some(grams) = reading.grams() {
                    assert!((grams - expected).abs() < 1e-6, "noise read as {reading:?}");
                }
                if scale.garbage_bytes() > garbage_before {
                    after += 1;
                }
            }
        }
    }
}

fn zeroes_where_the_protocol_can(case: Case) {
    let mut sim = case.sim();
    let (monitor, statuses) = monitor(&case, &sim);
    sim.control(&format!("weight {}", case.small));
    wait_stable(&statuses, case.grams(case.small));
    let outcome = monitor.zero(DEADLINE).unwrap();
    assert_eq!(outcome.confirmed, case.protocol.acknowledges(backroom_core::scale::Command::Zero));
    wait_stable(&statuses, 0.0);
}

fn tares_where_the_protocol_can(case: Case) {
    let mut sim = case.sim();
    let (monitor, statuses) = monitor(&case, &sim);
    wait_stable(&statuses, case.grams(case.start));
    if case.protocol.tare_command().is_none() {
        let error = monitor.tare(DEADLINE).unwrap_err();
        assert!(error.to_string().contains("no tare command"), "{error}");
        return;
    }
    monitor.tare(DEADLINE).unwrap();
    let net = wait_stable(&statuses, 0.0);
    if case.protocol != Protocol::MtSics {
        // MT-SICS does not say whether a weight is net.
        assert!(net.net.is_none_or(|net| net), "{net:?}");
    }
    sim.control(&format!("weight {}", case.start + case.small));
    wait_stable(&statuses, case.grams(case.small));
    if case.protocol.clear_tare_command().is_some() {
        monitor.clear_tare(DEADLINE).unwrap();
        wait_stable(&statuses, case.grams(case.start + case.small));
    }
}

fn detects_the_protocol(case: Case) {
    let sim = case.sim();
    let mut scale = detect(&sim.path(), None, case.unit).unwrap();
    assert_eq!(scale.protocol(), case.protocol);
    assert_eq!(scale.settings().serial, case.protocol.serial_settings());
    let reading = read_stable(&mut scale, DEADLINE).unwrap();
    assert!(near(reading.grams(), case.grams(case.start)), "{reading:?}");
}

macro_rules! every_protocol {
    ($($protocol:ident: $case:expr;)*) => {$(
        mod $protocol {
            use super::*;

            #[test]
            fn weighs_and_follows_changes() {
                super::weighs_and_follows_changes($case);
            }

            #[test]
            fn reads_ten_times_a_second() {
                super::reads_ten_times_a_second($case);
            }

            #[test]
            fn motion_gives_no_stable_weight() {
                super::motion_gives_no_stable_weight($case);
            }

            #[test]
            fn overload_and_underload_carry_no_weight() {
                super::overload_and_underload_carry_no_weight($case);
            }

            #[test]
            fn silence_shows_and_clears() {
                super::silence_shows_and_clears($case);
            }

            #[test]
            fn unplugging_goes_offline_and_replugging_recovers() {
                super::unplugging_goes_offline_and_replugging_recovers($case);
            }

            #[test]
            fn noise_is_never_read_as_a_weight() {
                super::noise_is_never_read_as_a_weight($case);
            }

            #[test]
            fn zeroes_where_the_protocol_can() {
                super::zeroes_where_the_protocol_can($case);
            }

            #[test]
            fn tares_where_the_protocol_can() {
                super::tares_where_the_protocol_can($case);
            }

            #[test]
            fn detects_the_protocol() {
                super::detects_the_protocol($case);
            }
        }
    )*};
}

every_protocol! {
    mt_sics: MT_SICS;
    nci: NCI;
    nci_scp12: NCI_SCP12;
    toledo_8217: TOLEDO_8217;
    toledo_continuous: TOLEDO_CONTINUOUS;
}

#[test]
fn a_missing_port_is_offline_with_advice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-scale");
    let settings = PortSettings::new(path.to_string_lossy(), Protocol::Nci);
    let (send, statuses) = mpsc::channel();
    let monitor = ScaleMonitor::start(settings, options(), move |status| {
        let _ = send.send(status);
    });
    let offline = wait_for(&statuses, "offline", |status| status.state == ScaleState::Offline);
    let detail = offline.detail.unwrap();
    assert!(detail.contains("plugged in") && !detail.contains('`'), "{detail}");
    assert_eq!(offline.age_ms, None);
    drop(monitor);
}

#[test]
fn a_silent_port_is_reported_as_silent() {
    let mut sim = NCI.sim();
    sim.control("silence on");
    let mut scale = ScalePort::open(&NCI.settings(&sim)).unwrap();
    let error = read_stable(&mut scale, Duration::from_millis(300)).unwrap_err();
    assert!(matches!(error, ScalePortError::Silent { .. }), "{error:?}");
    assert!(error.to_string().contains("nci at 9600 7E1"), "{error}");
}

#[test]
fn nothing_is_detected_on_a_silent_port() {
    let mut sim = TOLEDO_8217.sim();
    sim.control("silence on");
    let error = detect(&sim.path(), None, WeightUnit::Kg).unwrap_err();
    assert!(matches!(error, ScalePortError::NotDetected { .. }), "{error:?}");
}

#[test]
fn the_simulator_is_where_the_tests_expect_it() {
    assert!(Path::new(SIMULATOR).exists(), "{SIMULATOR} is missing");
}
