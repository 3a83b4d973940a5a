//! A USB HID scale's hidraw node: one input report per `read()`, polled with a timeout.
//!
//! The kernel queues up to 64 reports per open file and drops new ones when the queue is full,
//! so each wait drains the queue and keeps only the newest report: what the scale shows now.
//! A node whose device is gone reads `EIO` and polls `POLLHUP`/`POLLERR`; a socket or pipe
//! standing in for one in tests reads end of file. All of them are an unplug. A scale that is
//! still plugged in but sends nothing has switched itself off (DYMO scales do after about three
//! minutes); the monitor calls that asleep.
//!
//! The link takes any file descriptor, so tests script reports through a `SOCK_SEQPACKET`
//! socket pair, which keeps hidraw's one-report-per-read boundaries and signals an unplug by
//! closing.

use std::fs::OpenOptions;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::time::Duration;

/// Reports are at most 64 bytes on a full-speed USB device; a longer one is cut, and the
/// decoder then refuses it for its length.
const REPORT_MAX: usize = 64;

/// Why a link ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Unplugged(pub String);

/// An open hidraw node, or anything that reads like one.
#[derive(Debug)]
pub(super) struct HidLink {
    fd: OwnedFd,
    newest: Vec<u8>,
    /// The device went away after the report just returned; said at the next wait.
    gone: Option<String>,
}

impl HidLink {
    /// Opens a hidraw node for reading.
    pub fn open(path: &str) -> io::Result<HidLink> {
        let file = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
            .open(path)?;
        HidLink::from_fd(file.into())
    }

    /// Wraps a descriptor that yields one report per read, making its reads non-blocking.
    pub fn from_fd(fd: OwnedFd) -> io::Result<HidLink> {
        // SAFETY: fcntl on a descriptor this function owns; no memory is passed.
        let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) };
        if flags < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: as above.
        if unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK) } < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(HidLink { fd, newest: Vec::with_capacity(REPORT_MAX), gone: None })
    }

    /// Waits up to `wait` for reports and returns the newest, dropping the older ones still
    /// queued; `None` when none came.
    pub fn newest(&mut self, wait: Duration) -> Result<Option<&[u8]>, Unplugged> {
        if let Some(reason) = self.gone.take() {
            return Err(Unplugged(reason));
        }
        let mut poll = libc::pollfd { fd: self.fd.as_raw_fd(), events: libc::POLLIN, revents: 0 };
        let millis = libc::c_int::try_from(wait.as_millis()).unwrap_or(libc::c_int::MAX);
        // SAFETY: one pollfd, owned by this frame, for the duration of the call.
        let ready = unsafe { libc::poll(&mut poll, 1, millis) };
        if ready < 0 {
            let error = io::Error::last_os_error();
            return match error.kind() {
                io::ErrorKind::Interrupted => Ok(None),
                _ => Err(Unplugged(error.to_string())),
            };
        }
        if poll.revents & libc::POLLIN == 0 {
            if poll.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
                return Err(Unplugged("the device hung up".into()));
            }
            return Ok(None);
        }
        let mut got = false;
        let mut buffer = [0u8; REPORT_MAX];
        loop {
            // SAFETY: reads at most `buffer.len()` bytes into a buffer this frame owns.
            let count = unsafe {
                libc::read(self.fd.as_raw_fd(), buffer.as_mut_ptr().cast(), buffer.len())
            };
            match count {
                0 => {
                    self.gone = Some("the device closed".into());
                    break;
                }
                count if count > 0 => {
                    self.newest.clear();
                    self.newest.extend_from_slice(&buffer[..count as usize]);
                    got = true;
                }
                _ => {
                    let error = io::Error::last_os_error();
                    match error.kind() {
                        io::ErrorKind::WouldBlock => break,
                        io::ErrorKind::Interrupted => continue,
                        // EIO from hidraw: the device was unplugged.
                        _ => {
                            self.gone = Some(error.to_string());
                            break;
                        }
                    }
                }
            }
        }
        match (got, self.gone.take()) {
            (true, gone) => {
                self.gone = gone;
                Ok(Some(&self.newest))
            }
            (false, Some(reason)) => Err(Unplugged(reason)),
            (false, None) => Ok(None),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::os::fd::FromRawFd;

    use super::*;

    /// A connected `SOCK_SEQPACKET` pair: reports written to the first come out of the second
    /// one per read, and closing the first reads as end of file, as an unplug.
    pub fn seqpacket_pair() -> (OwnedFd, OwnedFd) {
        let mut fds = [0; 2];
        // SAFETY: socketpair writes two descriptors into the array it is given.
        let result = unsafe {
            libc::socketpair(
                libc::AF_UNIX,
                libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC,
                0,
                fds.as_mut_ptr(),
            )
        };
        assert_eq!(result, 0, "socketpair: {}", io::Error::last_os_error());
        // SAFETY: both descriptors are fresh and owned by nothing else.
        unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
    }

    /// Sends one report, as a scale sends one input report.
    pub fn send(scale: &OwnedFd, report: &[u8]) {
        // SAFETY: writes `report` from memory it borrows for the call.
        let sent = unsafe { libc::write(scale.as_raw_fd(), report.as_ptr().cast(), report.len()) };
        assert_eq!(sent, report.len() as isize, "{}", io::Error::last_os_error());
    }

    #[test]
    fn each_read_is_one_report_and_the_newest_wins() {
        let (scale, host) = seqpacket_pair();
        let mut link = HidLink::from_fd(host).unwrap();
        assert_eq!(link.newest(Duration::from_millis(10)), Ok(None));
        send(&scale, &[3, 3, 2, 0, 1, 0]);
        assert_eq!(link.newest(Duration::from_millis(100)).unwrap(), Some(&[3, 3, 2, 0, 1, 0][..]));
        // A backlog, as the kernel queues while nobody reads: only the newest is kept.
        for count in 0..70u8 {
            send(&scale, &[3, 4, 2, 0, count, 0]);
        }
        assert_eq!(link.newest(Duration::ZERO).unwrap(), Some(&[3, 4, 2, 0, 69, 0][..]));
        assert_eq!(link.newest(Duration::from_millis(10)), Ok(None));
    }

    #[test]
    fn a_closed_device_is_an_unplug_after_its_last_report() {
        let (scale, host) = seqpacket_pair();
        let mut link = HidLink::from_fd(host).unwrap();
        send(&scale, &[3, 4, 2, 0, 1, 0]);
        drop(scale);
        assert_eq!(link.newest(Duration::from_millis(100)).unwrap(), Some(&[3, 4, 2, 0, 1, 0][..]));
        assert!(link.newest(Duration::from_millis(100)).is_err());
        let (scale, host) = seqpacket_pair();
        let mut link = HidLink::from_fd(host).unwrap();
        drop(scale);
        assert!(link.newest(Duration::from_millis(100)).is_err());
    }

    #[test]
    fn a_missing_node_does_not_open() {
        let error = HidLink::open("/dev/backroom-no-such-hidraw").unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
    }
}
