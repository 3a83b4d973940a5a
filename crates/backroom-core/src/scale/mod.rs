//! Serial scale protocols, sans-IO.
//!
//! A [`Decoder`] turns the bytes a scale sends into [`ScaleEvent`]s: readings, answers to zero
//! and tare commands, and frame faults. It never touches a port or a clock. The transport writes
//! what [`Decoder::request`] hands it, feeds every received chunk to [`Decoder::push`] with the
//! current [`Instant`](std::time::Instant), and drains [`Decoder::poll`]. Frames may arrive split
//! across reads or several to a read; bytes that belong to no frame are skipped and counted.
//!
//! Five protocols are read, named as the scale simulator names them: `mt-sics`, `nci`,
//! `nci-scp12`, `toledo-8217` and `toledo-continuous`. [`identify`] tells, from the answer to a
//! probe, which of them a scale speaks.

mod decoder;
mod detect;
mod mt_sics;
mod nci;
mod protocol;
mod reading;
mod toledo_8217;
mod toledo_continuous;

pub use decoder::{Decoder, FRAME_TIMEOUT, REPLY_TIMEOUT};
pub use detect::{PROBE_ORDER, identify};
pub use protocol::{DataBits, Parity, Protocol, SerialSettings, StopBits, UnknownProtocol};
pub use reading::{Command, FrameError, Range, Reading, Refusal, ScaleEvent, Weight};
