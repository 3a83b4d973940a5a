//! Printing through CUPS: each station names a CUPS queue, and a slip goes to it with `lp`.
//!
//! Before sending, `lpstat` is asked about the queue, because CUPS accepts a job for a stopped
//! printer and then just holds it: the packer would wait at a silent printer. A missing queue,
//! a stopped printer, a queue that refuses jobs and a print service that is not running each
//! become an error that says what to do. The parsers are plain functions so every reply CUPS
//! gives can be tested without CUPS.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use backroom_core::slip::PageSize;

use crate::error::{ApiError, ErrorCode};

/// A job CUPS accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintJob {
    /// The CUPS request id, e.g. `BackroomPDF-12`; `lpstat -o` and `cancel` take it.
    pub job_id: String,
    pub printer: String,
}

/// What `lpstat -p` says about a queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueState {
    Ready,
    /// The printer is stopped (`cupsdisable`, or CUPS stopped it after a fault), with the
    /// reason CUPS gives, if any.
    Stopped(String),
}

/// Sends a PDF to a CUPS queue and returns the job id.
pub fn print_pdf(
    printer: &str,
    pdf: &[u8],
    title: &str,
    size: PageSize,
) -> Result<PrintJob, ApiError> {
    let printer = printer.trim();
    if printer.is_empty() || printer.contains(['/', '#', ' ']) {
        return Err(ApiError::invalid(format!(
            "`{printer}` is not a CUPS queue name; set the station's printer in Settings"
        )));
    }
    if let QueueState::Stopped(reason) = queue_state(printer)? {
        return Err(stopped(printer, &reason));
    }
    let mut child = Command::new("lp")
        .args(lp_args(printer, title, size))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| missing_tool("lp", &e))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(pdf).map_err(|e| {
            ApiError::conflict(format!("could not hand the slip to lp ({e}); try printing again"))
        })?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| ApiError::conflict(format!("lp did not finish ({e}); try printing again")))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    match (out.status.success(), parse_job_id(&stdout)) {
        (true, Some(job_id)) => Ok(PrintJob { job_id, printer: printer.to_owned() }),
        _ => Err(lp_error(printer, &out)),
    }
}

/// The `lp` arguments for one slip: the queue, the job's title, and the options that make the
/// page come out at its own size, whatever the queue's defaults. The PDF comes on stdin.
fn lp_args(printer: &str, title: &str, size: PageSize) -> Vec<String> {
    let mut args = vec!["-d".to_owned(), printer.to_owned(), "-t".to_owned(), title.to_owned()];
    for option in job_options(size) {
        args.extend(["-o".to_owned(), option.to_owned()]);
    }
    args.extend(["--".to_owned(), "-".to_owned()]);
    args
}

/// The CUPS job options for a page size.
///
/// `media` picks the paper: the tray of a sheet printer, the label size of a label printer.
/// Without it a label queue uses its driver's default, which for CUPS's own Zebra drivers is a
/// 4 × 5 in label, and CUPS crops the 4 × 6 slip to it: the store name and the page footer are
/// lost.
///
/// `print-scaling` says what CUPS does when the page and the paper still differ. A label
/// printer prints edge to edge, so `fit` is one to one on 4 × 6 stock, and on a queue that has
/// no 4 × 6 size the whole slip shrinks onto the label instead of losing its ends. A sheet
/// slip keeps its own scale (`none`): its margins are wider than any printer's unprintable
/// edge, and even a Letter slip on A4 paper, or the other way round, loses only margin.
fn job_options(size: PageSize) -> [&'static str; 2] {
    match size {
        PageSize::Letter => ["media=Letter", "print-scaling=none"],
        PageSize::A4 => ["media=A4", "print-scaling=none"],
        PageSize::Label4x6 => ["media=w288h432", "print-scaling=fit"],
    }
}

/// Asks CUPS whether the queue exists and is enabled.
pub fn queue_state(printer: &str) -> Result<QueueState, ApiError> {
    let out = Command::new("lpstat")
        .args(["-p", printer])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| missing_tool("lpstat", &e))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if out.status.success()
        && let Some(state) = parse_queue_state(printer, &stdout)
    {
        return Ok(state);
    }
    // With the scheduler down, lpstat calls every queue invalid; say what is really wrong.
    if !scheduler_running() {
        return Err(classify_error(printer, "scheduler is not running"));
    }
    Err(lp_error(printer, &out))
}

/// Whether `lpstat -r` reports the CUPS scheduler running.
fn scheduler_running() -> bool {
    Command::new("lpstat")
        .arg("-r")
        .stdin(Stdio::null())
        .output()
        .map(|o| {
            let text = String::from_utf8_lossy(&o.stdout).to_lowercase();
            text.contains("is running") && !text.contains("not running")
        })
        .unwrap_or(false)
}

/// Reads the job id from lp's reply: `request id is BackroomPDF-3 (1 file(s))`.
pub fn parse_job_id(stdout: &str) -> Option<String> {
    let rest = stdout.split("request id is ").nth(1)?;
    let id = rest.split_whitespace().next()?;
    (!id.is_empty()).then(|| id.to_owned())
}

/// Reads `lpstat -p QUEUE`: `printer Q is idle.  enabled since ...`, `printer Q now printing
/// Q-4.  enabled since ...`, or `printer Q disabled since ... -` followed by an indented reason.
pub fn parse_queue_state(printer: &str, stdout: &str) -> Option<QueueState> {
    let head = format!("printer {printer} ");
    let mut lines = stdout.lines();
    let line = lines.by_ref().find(|l| l.starts_with(&head))?;
    let status = &line[head.len()..];
    if status.starts_with("disabled") {
        let reason: Vec<&str> =
            lines.take_while(|l| l.starts_with(char::is_whitespace)).map(str::trim).collect();
        return Some(QueueState::Stopped(reason.join("; ")));
    }
    Some(QueueState::Ready)
}

fn stopped(printer: &str, reason: &str) -> ApiError {
    let reason = match reason.trim() {
        "" | "reason unknown" | "Paused" => String::new(),
        r => format!(" ({r})"),
    };
    ApiError::conflict(format!(
        "printer {printer} is stopped{reason}; check it has paper and is switched on, then \
         start it again with `cupsenable {printer}` or from the CUPS page (http://localhost:631)"
    ))
}

fn missing_tool(tool: &str, e: &std::io::Error) -> ApiError {
    if e.kind() == std::io::ErrorKind::NotFound {
        ApiError::conflict(format!(
            "`{tool}` is not installed, so Backroom cannot print; install CUPS (the `cups` package)"
        ))
    } else {
        ApiError::conflict(format!("cannot run `{tool}` ({e}); check the CUPS installation"))
    }
}

/// Turns a failed `lp` or `lpstat` into a message that says what to do.
fn lp_error(printer: &str, out: &Output) -> ApiError {
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stderr), String::from_utf8_lossy(&out.stdout));
    classify_error(printer, text.trim())
}

/// Sorts CUPS's complaint into the cases the station can act on.
pub fn classify_error(printer: &str, text: &str) -> ApiError {
    let lower = text.to_lowercase();
    if lower.contains("scheduler is not running") || lower.contains("connection refused") {
        return ApiError::conflict(
            "the print service (CUPS) is not running; start it (`cupsd`, or `systemctl start cups`) and print again",
        );
    }
    if lower.contains("invalid destination")
        || lower.contains("does not exist")
        || lower.contains("unknown destination")
        || lower.contains("no such")
        || text.is_empty()
    {
        return ApiError::new(
            ErrorCode::NotFound,
            format!(
                "there is no printer queue `{printer}`; add it in CUPS (`lpadmin -p {printer} ...`) \
                 or choose another printer for this station in Settings"
            ),
        );
    }
    if lower.contains("not accepting jobs") {
        return ApiError::conflict(format!(
            "printer {printer} is not accepting jobs; turn that back on with `cupsaccept {printer}`"
        ));
    }
    ApiError::conflict(format!("printer {printer} refused the slip: {text}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_job_names_its_paper() {
        let args = |size| lp_args("Pack1", "Packing slip 1001", size);
        let label = args(PageSize::Label4x6);
        assert_eq!(
            label,
            [
                "-d",
                "Pack1",
                "-t",
                "Packing slip 1001",
                "-o",
                "media=w288h432",
                "-o",
                "print-scaling=fit",
                "--",
                "-"
            ]
        );
        let option = |args: &[String], name: &str| {
            args.windows(2)
                .find(|w| w[0] == "-o" && w[1].starts_with(&format!("{name}=")))
                .map(|w| w[1].clone())
        };
        for (size, media) in [(PageSize::Letter, "media=Letter"), (PageSize::A4, "media=A4")] {
            let sheet = args(size);
            assert_eq!(option(&sheet, "media").as_deref(), Some(media));
            assert_eq!(option(&sheet, "print-scaling").as_deref(), Some("print-scaling=none"));
            assert_eq!(sheet[..4], label[..4]);
            assert_eq!(sheet[sheet.len() - 2..], ["--", "-"]);
        }
    }

    #[test]
    fn reads_the_job_id() {
        assert_eq!(
            parse_job_id("request id is BackroomPDF-3 (1 file(s))\n").as_deref(),
            Some("BackroomPDF-3")
        );
        assert_eq!(parse_job_id(""), None);
    }

    #[test]
    fn reads_queue_states() {
        let idle = "printer BackroomPDF is idle.  enabled since Mon 23 Nov 2026 10:00:00 AM UTC\n";
        assert_eq!(parse_queue_state("BackroomPDF", idle), Some(QueueState::Ready));
        let busy = "printer PDF now printing PDF-4.  enabled since Mon 23 Nov 2026\n";
        assert_eq!(parse_queue_state("PDF", busy), Some(QueueState::Ready));
        let stopped = "printer BackroomPDF disabled since Mon 23 Nov 2026 10:00:00 AM UTC -\n\tOut of paper\n";
        assert_eq!(
            parse_queue_state("BackroomPDF", stopped),
            Some(QueueState::Stopped("Out of paper".into()))
        );
        assert_eq!(parse_queue_state("Other", idle), None);
    }

    #[test]
    fn errors_say_what_to_do() {
        let e = classify_error("Nope", "lpstat: Invalid destination name in list \"Nope\".");
        assert_eq!(e.code, ErrorCode::NotFound);
        assert!(e.message.contains("there is no printer queue `Nope`"), "{}", e.message);
        let e = classify_error("PDF", "lpstat: Scheduler is not running.");
        assert!(e.message.contains("CUPS) is not running"));
        let e = classify_error("PDF", "lp: Destination \"PDF\" is not accepting jobs.");
        assert!(e.message.contains("cupsaccept PDF"));
        let e = stopped("PDF", "Paused");
        assert!(e.message.starts_with("printer PDF is stopped;"), "{}", e.message);
        assert!(e.message.contains("cupsenable PDF"));
    }
}
