//! Telling which protocol a scale speaks from its answer to a probe.
//!
//! The transport opens the port with a protocol's [`serial_settings`](Protocol::serial_settings),
//! writes its [`probe`](Protocol::probe) (or only listens, for continuous output), collects what
//! comes back for a few hundred milliseconds and hands it to [`identify`]. Scales often answer
//! another protocol's probe in their own protocol (an 8217 scale answers the MT-SICS probe with
//! status frames, an MT-SICS balance answers the NCI probe with `ES`), so one probe can settle it.

use super::Protocol;
use super::decoder::framer;
use crate::weight::WeightUnit;

/// The order to probe in. Listening comes first because it sends nothing. The Toledo 8213/8217
/// probe comes last: its `W` has no terminator, so a line-based scale keeps it waiting in its
/// input until the next CR, and the transport should send a lone CR before it moves on.
/// `Nci` stands for both NCI layouts, which [`identify`] tells apart.
pub const PROBE_ORDER: [Protocol; 4] =
    [Protocol::ToledoContinuous, Protocol::MtSics, Protocol::Nci, Protocol::Toledo8217];

/// Which protocol the bytes received after sending `probe`'s probe are in, or `None` when they
/// hold no frame of any protocol. The probed protocol is tried first. NCI status-only replies
/// look the same in SCP-01 and SCP-12; for those the probed NCI layout is assumed.
pub fn identify(probe: Protocol, reply: &[u8]) -> Option<Protocol> {
    // A HID scale is known by its report descriptor, never by bytes on a serial line.
    if probe.is_hid() {
        return None;
    }
    let probed_nci = matches!(probe, Protocol::Nci | Protocol::NciScp12);
    let others = PROBE_ORDER
        .into_iter()
        .filter(|&other| other != probe && !(probed_nci && other == Protocol::Nci));
    for candidate in std::iter::once(probe).chain(others) {
        let mut framer = framer(candidate, WeightUnit::Kg);
        let mut parsed = Vec::new();
        framer.feed(reply, &mut parsed);
        let understood = parsed.iter().any(|result| match result {
            Ok(_) => true,
            Err(error) => matches!(error, super::FrameError::UnsupportedUnit { .. }),
        });
        if understood {
            return Some(match candidate {
                Protocol::Nci | Protocol::NciScp12 => {
                    framer.dialect().unwrap_or(if probed_nci { probe } else { Protocol::Nci })
                }
                other => other,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_protocol_answers_its_own_probe_from_sim() {
        let cases: [(Protocol, &[u8], Protocol); 6] = [
            (Protocol::MtSics, b"S S       1.23 kg\r\n", Protocol::MtSics),
            (Protocol::Nci, b"\n001.25lb\r\n00\r\x03", Protocol::Nci),
            (Protocol::Nci, b"\n 001.25LB\r00\x03", Protocol::NciScp12),
            (Protocol::Toledo8217, b"\x02001.23\r", Protocol::Toledo8217),
            (Protocol::Toledo8217, b"\x02?A\r", Protocol::Toledo8217),
            (
                Protocol::ToledoContinuous,
                b"\x02,0    123     0\r/\x02,0    123     0\r/",
                Protocol::ToledoContinuous,
            ),
        ];
        for (probe, reply, expected) in cases {
            assert_eq!(identify(probe, reply), Some(expected), "{probe} {}", reply.escape_ascii());
        }
    }

    #[test]
    fn answers_to_another_protocols_probe_from_sim() {
        let cases: [(Protocol, &[u8], Protocol); 5] = [
            (Protocol::MtSics, b"\n?\r\x03", Protocol::Nci),
            (Protocol::MtSics, b"\n?\r", Protocol::NciScp12),
            (Protocol::MtSics, b"\x02?@\r\x02?@\r", Protocol::Toledo8217),
            (Protocol::Nci, b"ES\r\n", Protocol::MtSics),
            (Protocol::Nci, b"\x02001.23\r", Protocol::Toledo8217),
        ];
        for (probe, reply, expected) in cases {
            assert_eq!(identify(probe, reply), Some(expected), "{probe} {}", reply.escape_ascii());
        }
    }

    #[test]
    fn only_continuous_output_is_probed_by_listening() {
        let probes: Vec<&[u8]> = PROBE_ORDER.iter().map(|protocol| protocol.probe()).collect();
        assert_eq!(probes, [&b""[..], b"SI\r\n", b"W\r", b"W"]);
    }

    #[test]
    fn status_only_nci_replies_keep_the_probed_layout() {
        assert_eq!(identify(Protocol::Nci, b"\n02\r\x03"), Some(Protocol::Nci));
        assert_eq!(identify(Protocol::NciScp12, b"\n02\r\x03"), Some(Protocol::NciScp12));
    }

    #[test]
    fn odoo_echo_probe_from_sim_ehello_is_recognised() {
        assert_eq!(identify(Protocol::Toledo8217, b"\x02E\rhello"), Some(Protocol::Toledo8217));
    }

    #[test]
    fn a_balance_in_carats_is_still_mt_sics() {
        assert_eq!(identify(Protocol::MtSics, b"S S       5.00 ct\r\n"), Some(Protocol::MtSics));
    }

    #[test]
    fn silence_and_noise_are_no_protocol() {
        for reply in
            [&b""[..], b"\x8f\x89\xec_\xbd\"\x16", b"hello\r\n", b"\n\x03", b"\x02 12 34\r"]
        {
            for probe in Protocol::ALL {
                assert_eq!(identify(probe, reply), None, "{probe} {}", reply.escape_ascii());
            }
        }
    }
}
