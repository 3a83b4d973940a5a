//! Scale protocols, serial and USB HID, sans-IO.
//!
//! A [`Decoder`] turns the bytes a scale sends into [`ScaleEvent`]s: readings, answers to zero
//! and tare commands, and frame faults. It never touches a port or a clock. The transport writes
//! what [`Decoder::request`] hands it, feeds every received chunk to [`Decoder::push`] with the
//! current [`Instant`](std::time::Instant), and drains [`Decoder::poll`]. Frames may arrive split
//! across reads or several to a read; bytes that belong to no frame are skipped and counted.
//!
//! Frames are read to the letter of their protocol: field widths and positions, the characters
//! allowed in each, the decimal point where the protocol prints one, and what may come before a
//! frame. Anything else is unreadable, never a weight and never a status. And since most
//! protocols carry no checksum, a stable weight, a load out of range or a fault is reported only
//! once the next frame agrees (see `agreement.rs`).
//!
//! Five serial protocols are read, named as the scale simulator names them: `mt-sics`, `nci`,
//! `nci-scp12`, `toledo-8217` and `toledo-continuous`. [`identify`] tells, from the answer to a
//! probe, which of them a scale speaks. USB HID point-of-sale scales (`hid-pos`) go through the
//! same [`Decoder`], one input report per push (see [`hid`]).

mod agreement;
mod decoder;
mod detect;
mod field;
pub mod hid;
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
