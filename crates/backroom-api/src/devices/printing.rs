//! Printing through CUPS: each station names a CUPS queue, and a slip goes to it with `lp`.
//!
//! A station whose printer is at its own computer gets its slips and labels through the host's
//! [`StationPrintJobs`]: the host renders the PDF, the station's program takes it with its key,
//! sends it to its own queue with the same `lp` options, and reports back; the person at the
//! bench hears what the station's CUPS said, as if the queue were the host's.
//!
//! Before sending, `lpstat` is asked about the queue, because CUPS accepts a job for a stopped
//! printer and then just holds it: the packer would wait at a silent printer. A missing queue,
//! a stopped printer, a queue that refuses jobs and a print service that is not running each
//! become an error that says what to do. The parsers are plain functions so every reply CUPS
//! gives can be tested without CUPS.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::store::OptionalExtension;
use backroom_core::labels::Stock;
use backroom_core::slip::{Item, PageSize, Tone, wrap};
use printpdf::{Mm, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Pt};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::context::{Ctx, NoArgs};
use crate::devices::board::{PrintJobDone, StationPrintJob, WaitingPrintJob};
use crate::devices::slip::font::Fonts;
use crate::devices::slip::render::page_ops;
use crate::error::{ApiError, ErrorCode};

/// What a print command reports: the CUPS job it became, on which queue, and its pages.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Printed {
    /// The CUPS job id, e.g. `Pack1-42`.
    pub job_id: String,
    pub printer: String,
    pub pages: u32,
}

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
    send(printer, pdf, title, &job_options(size))
}

/// Sends a PDF of labels to a CUPS queue, naming the label stock's paper.
pub fn print_labels_pdf(
    printer: &str,
    pdf: &[u8],
    title: &str,
    stock: Stock,
) -> Result<PrintJob, ApiError> {
    send(printer, pdf, title, &label_job_options(stock))
}

/// Sends a PDF to a queue at this computer with the job options the host chose: a station
/// printing a slip the host rendered for it.
pub fn print_station_job(
    printer: &str,
    job: &StationPrintJob,
    pdf: &[u8],
) -> Result<PrintJob, ApiError> {
    let options: Vec<&str> = job.options.iter().map(String::as_str).collect();
    send(printer, pdf, &job.title, &options)
}

fn send(printer: &str, pdf: &[u8], title: &str, options: &[&str]) -> Result<PrintJob, ApiError> {
    let printer = printer.trim();
    if printer.is_empty() || printer.contains(['/', '#', ' ']) {
        return Err(ApiError::invalid(format!(
            "“{printer}” is not a CUPS queue name; set the station's printer in Settings"
        )));
    }
    if let QueueState::Stopped(reason) = queue_state(printer)? {
        return Err(stopped(printer, &reason));
    }
    let mut child = Command::new("lp")
        .args(lp_args(printer, title, options))
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

/// Sends a slip's PDF to `printer`: the host's own queue, or where the caller's station has its
/// printer at its own computer and `printer` is that station's, to the station's program,
/// waiting for what its CUPS said.
pub fn print_slip_pdf(
    ctx: &Ctx<'_>,
    printer: &str,
    pdf: &[u8],
    title: &str,
    size: PageSize,
) -> Result<PrintJob, ApiError> {
    let Some(station) = printing_at_station(ctx, printer)? else {
        return print_pdf(printer, pdf, title, size);
    };
    print_at_station(ctx, &station, printer, pdf, title, &job_options(size))
}

/// Sends a PDF of labels to `printer`, the host's own queue or, like a slip, the caller's
/// station's queue at its own computer, naming the label stock's paper either way.
pub fn print_labels_at(
    ctx: &Ctx<'_>,
    printer: &str,
    pdf: &[u8],
    title: &str,
    stock: Stock,
) -> Result<PrintJob, ApiError> {
    let Some(station) = printing_at_station(ctx, printer)? else {
        return print_labels_pdf(printer, pdf, title, stock);
    };
    print_at_station(ctx, &station, printer, pdf, title, &label_job_options(stock))
}

/// Hands a PDF to `station`'s program for its own queue and waits for what its CUPS said.
fn print_at_station(
    ctx: &Ctx<'_>,
    station: &str,
    printer: &str,
    pdf: &[u8],
    title: &str,
    options: &[&str],
) -> Result<PrintJob, ApiError> {
    let options = options.iter().map(|option| (*option).to_owned()).collect();
    let job_id = ctx.scales.print_jobs().print(station, title, options, pdf)?;
    Ok(PrintJob { job_id, printer: format!("{} at {station}", printer.trim()) })
}

/// The caller's station, where its printer is at its own computer and `printer` is that one.
fn printing_at_station(ctx: &Ctx<'_>, printer: &str) -> Result<Option<String>, ApiError> {
    let Some(station_id) = ctx.station_id() else { return Ok(None) };
    let found: Option<(String, Option<String>, String)> = ctx
        .query_row(
            "SELECT name, printer, printer_at FROM stations WHERE id = ?1",
            [station_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(found.and_then(|(name, queue, at)| {
        (at == "station" && queue.as_deref().map(str::trim) == Some(printer.trim())).then_some(name)
    }))
}

/// The next slip waiting for the caller's station's own printer. Writes nothing.
pub fn take_print_job(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<WaitingPrintJob, ApiError> {
    let station = crate::admin::stations::key_station_name(ctx)?;
    Ok(WaitingPrintJob { job: ctx.scales.print_jobs().take(&station) })
}

/// What the caller's station's printer did with a slip. Writes nothing.
pub fn finish_print_job(
    ctx: &mut Ctx<'_>,
    req: PrintJobDone,
) -> Result<crate::context::Done, ApiError> {
    let station = crate::admin::stations::key_station_name(ctx)?;
    ctx.scales.print_jobs().finish(&station, req)?;
    Ok(crate::context::Done { ok: true })
}

/// The `lp` arguments for one slip: the queue, the job's title, and the options that make the
/// page come out at its own size, whatever the queue's defaults. The PDF comes on stdin.
fn lp_args(printer: &str, title: &str, options: &[&str]) -> Vec<String> {
    let mut args = vec!["-d".to_owned(), printer.to_owned(), "-t".to_owned(), title.to_owned()];
    for option in options {
        args.extend(["-o".to_owned(), (*option).to_owned()]);
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

/// The CUPS job options for a label stock: sheets of labels print at their own scale, like a
/// sheet slip, since a label sheet's layout is measured to the paper's edge; a roll label is
/// one page of its own size, fitted like a 4 × 6 slip.
fn label_job_options(stock: Stock) -> [&'static str; 2] {
    match stock {
        Stock::Letter30 => ["media=Letter", "print-scaling=none"],
        Stock::A4x21 => ["media=A4", "print-scaling=none"],
        Stock::Roll4x6 => ["media=w288h432", "print-scaling=fit"],
        Stock::Roll2x1 => ["media=w162h90", "print-scaling=fit"],
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

/// The CUPS queues a station may print to, or why none can be listed.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Printers {
    pub queues: Vec<PrinterQueue>,
    /// Why the queues could not be read (CUPS not running or not installed), for the manager.
    pub problem: Option<String>,
}

/// One CUPS queue and its state, as `lpstat` reports it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PrinterQueue {
    pub name: String,
    pub state: PrinterState,
    /// Why CUPS stopped it, where it says.
    pub reason: Option<String>,
    /// The queue CUPS prints to when none is named.
    pub default: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PrinterState {
    Idle,
    Printing,
    /// Disabled: CUPS holds its jobs until someone starts it again.
    Stopped,
}

/// The CUPS queues on the machine that runs Backroom. A print service that is down is said,
/// not an error: the manager can still type a queue's name.
pub fn list_printers(_: &mut Ctx<'_>, _: NoArgs) -> Result<Printers, ApiError> {
    let listed = Command::new("lpstat").args(["-p", "-d"]).stdin(Stdio::null()).output();
    let out = match listed {
        Ok(out) => out,
        Err(e) => {
            return Ok(Printers {
                queues: Vec::new(),
                problem: Some(missing_tool("lpstat", &e).message),
            });
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let queues = parse_printers(&stdout);
    let problem = (queues.is_empty() && !scheduler_running())
        .then(|| classify_error("", "scheduler is not running").message);
    Ok(Printers { queues, problem })
}

/// Reads `lpstat -p -d`: a `printer NAME ...` line per queue (a stopped one followed by its
/// indented reason), and `system default destination: NAME`.
pub fn parse_printers(stdout: &str) -> Vec<PrinterQueue> {
    let default = stdout
        .lines()
        .find_map(|line| line.strip_prefix("system default destination: "))
        .map(str::trim);
    let mut queues = Vec::new();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("printer ") else { continue };
        let Some(name) = rest.split_whitespace().next() else { continue };
        let state = match parse_queue_state(name, &stdout[offset_of(stdout, line)..]) {
            Some(QueueState::Stopped(reason)) => {
                let reason = Some(reason)
                    .filter(|r| !r.is_empty() && r != "Paused" && r != "reason unknown");
                (PrinterState::Stopped, reason)
            }
            Some(QueueState::Ready)
                if rest[name.len()..].trim_start().starts_with("now printing") =>
            {
                (PrinterState::Printing, None)
            }
            _ => (PrinterState::Idle, None),
        };
        queues.push(PrinterQueue {
            name: name.to_owned(),
            state: state.0,
            reason: state.1,
            default: default == Some(name),
        });
    }
    queues
}

/// Where `line`, a slice of `text`, starts in it.
fn offset_of(text: &str, line: &str) -> usize {
    line.as_ptr() as usize - text.as_ptr() as usize
}

/// Which station's printer to test, and the queue if not the one saved for it.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(optional_fields)]
pub struct PrintTestPage {
    pub station: String,
    #[serde(default)]
    pub printer: Option<String>,
}

/// Prints one page naming the station and the queue, on the store's slip paper, with a frame
/// at the margins so a cropped or shrunk page shows. A read: printing holds no writer.
pub fn print_test_page(ctx: &mut Ctx<'_>, req: PrintTestPage) -> Result<Printed, ApiError> {
    let station = req.station.trim();
    let saved: Option<Option<String>> = ctx
        .tx
        .query_row("SELECT printer FROM stations WHERE name = ?1", [station], |r| r.get(0))
        .optional()?;
    let Some(saved) = saved else {
        return Err(ApiError::not_found(format!(
            "there is no station “{}”",
            backroom_core::limits::shorten(station, 40)
        )));
    };
    let printer = req
        .printer
        .or(saved)
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            ApiError::invalid(format!("station {station} has no printer: choose its queue first"))
        })?;
    let size = crate::admin::settings::load(ctx)?.slip.page_size;
    let pdf = test_page(station, &printer, size, &ctx.now_text())?;
    let job = print_pdf(&printer, &pdf, &format!("Backroom test page for {station}"), size)?;
    Ok(Printed { job_id: job.job_id, printer: job.printer, pages: 1 })
}

/// The test page: what it tests, for whom, and a frame just inside the page's margins.
pub fn test_page(
    station: &str,
    printer: &str,
    size: PageSize,
    at: &str,
) -> Result<Vec<u8>, ApiError> {
    let g = size.geometry();
    let fonts = Fonts::get();
    let mut missing = 0;
    let mut items = frame(g.width, g.height, g.margin);
    let inner = g.margin * 2.0;
    let width = g.width - inner * 2.0;
    let mut y = g.height - inner - g.title;
    let lines = [
        (g.title, true, Tone::Ink, "Backroom test page".to_owned()),
        (g.body, false, Tone::Ink, format!("Station: {station}")),
        (g.body, false, Tone::Ink, format!("Printer queue: {printer}")),
        (g.body, false, Tone::Ink, format!("Paper: {}", paper_name(size))),
        (g.small, false, Tone::Grey, format!("Printed {at}")),
        (
            g.small,
            false,
            Tone::Grey,
            "The frame should sit just inside every edge: a missing side means the page was cropped.".to_owned(),
        ),
    ];
    for (font_size, bold, tone, text) in lines {
        let text = fonts.printable(&text, &mut missing);
        for line in wrap(&text, width, font_size, bold, fonts) {
            items.push(Item::Text { x: inner, y, size: font_size, bold, tone, text: line });
            y -= font_size * g.leading;
        }
        y -= font_size * 0.4;
    }
    items.push(Item::Barcode {
        x: inner,
        y: y - g.barcode_height,
        height: g.barcode_height,
        module: g.barcode_module,
        max_width: width,
        value: "BACKROOM-TEST".to_owned(),
    });
    let mut doc = PdfDocument::new("Backroom test page");
    let regular = PdfFontHandle::External(doc.add_font(&fonts.regular.parsed));
    let bold = PdfFontHandle::External(doc.add_font(&fonts.bold.parsed));
    let page = PdfPage::new(
        Mm::from(Pt(g.width)),
        Mm::from(Pt(g.height)),
        page_ops(&items, &regular, &bold, None),
    );
    Ok(doc.with_pages(vec![page]).save(&PdfSaveOptions::default(), &mut Vec::new()))
}

/// A rectangle of thin rules `inset` inside the page's edges.
fn frame(width: f32, height: f32, inset: f32) -> Vec<Item> {
    const LINE: f32 = 1.0;
    let (w, h) = (width - inset * 2.0, height - inset * 2.0);
    vec![
        Item::Rule { x: inset, y: inset, width: w, thickness: LINE },
        Item::Rule { x: inset, y: height - inset, width: w, thickness: LINE },
        // A vertical side is a rule one point wide and as thick as the frame is tall.
        Item::Rule { x: inset - LINE / 2.0, y: height / 2.0, width: LINE, thickness: h },
        Item::Rule { x: width - inset - LINE / 2.0, y: height / 2.0, width: LINE, thickness: h },
    ]
}

fn paper_name(size: PageSize) -> &'static str {
    match size {
        PageSize::Letter => "Letter",
        PageSize::A4 => "A4",
        PageSize::Label4x6 => "4 x 6 in label",
    }
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
         start it again on this computer's printer page (http://localhost:631, Printers)"
    ))
}

fn missing_tool(tool: &str, e: &std::io::Error) -> ApiError {
    if e.kind() == std::io::ErrorKind::NotFound {
        ApiError::conflict(
            "the print service (CUPS) is not installed on this computer, so Backroom cannot \
             print; a manager installs it (the cups package)",
        )
    } else {
        ApiError::conflict(format!(
            "the print service (CUPS) could not be started ({tool}: {e}); a manager checks its \
             installation"
        ))
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
            "the print service (CUPS) is not running; start it on this computer and print again",
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
                "there is no printer queue “{printer}”; add the printer on this computer's \
                 printer page (http://localhost:631) or choose another printer for this station"
            ),
        );
    }
    if lower.contains("not accepting jobs") {
        return ApiError::conflict(format!(
            "printer {printer} is not accepting jobs; accept them again on this computer's \
             printer page (http://localhost:631, Printers)"
        ));
    }
    ApiError::conflict(format!("printer {printer} refused the slip: {text}"))
}

/// The printer of the station this session is signed in at: slips and labels both print there.
pub fn station_printer(ctx: &Ctx<'_>) -> Result<String, ApiError> {
    let no_printer = || {
        ApiError::invalid(
            "this station has no printer: choose its CUPS queue in Settings, or name one (--printer)",
        )
    };
    let Some(station) = ctx.station_id() else { return Err(no_printer()) };
    let printer: Option<String> = ctx
        .tx
        .query_row("SELECT printer FROM stations WHERE id = ?1", [station], |r| r.get(0))
        .optional()?
        .flatten();
    printer.filter(|p| !p.trim().is_empty()).ok_or_else(no_printer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_job_names_its_paper() {
        let args = |size| lp_args("Pack1", "Packing slip 1001", &job_options(size));
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
    fn label_stocks_name_their_paper() {
        // Each stock's media is its page size in points, so the label printer picks that label.
        for stock in Stock::ALL {
            let [media, scaling] = label_job_options(stock);
            let sheet = stock.sheet();
            let points = format!("media=w{}h{}", sheet.page_width, sheet.page_height);
            if stock.is_roll() {
                assert_eq!(media, points);
                assert_eq!(scaling, "print-scaling=fit");
            } else {
                assert_eq!(scaling, "print-scaling=none");
            }
        }
        assert_eq!(label_job_options(Stock::A4x21)[0], "media=A4");
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
    fn lists_every_queue_with_its_state_and_the_default() {
        let out = "printer BackroomPDF is idle.  enabled since Mon 23 Nov 2026 10:00:00 AM UTC\n\
                   printer Label now printing Label-4.  enabled since Mon 23 Nov 2026\n\
                   printer Office disabled since Mon 23 Nov 2026 10:00:00 AM UTC -\n\
                   \tOut of paper\n\
                   printer Spare disabled since Mon 23 Nov 2026 -\n\
                   \tPaused\n\
                   system default destination: Label\n";
        let queue = |name: &str, state, reason: Option<&str>, default| PrinterQueue {
            name: name.into(),
            state,
            reason: reason.map(Into::into),
            default,
        };
        assert_eq!(
            parse_printers(out),
            [
                queue("BackroomPDF", PrinterState::Idle, None, false),
                queue("Label", PrinterState::Printing, None, true),
                queue("Office", PrinterState::Stopped, Some("Out of paper"), false),
                queue("Spare", PrinterState::Stopped, None, false),
            ]
        );
        assert_eq!(parse_printers("no system default destination\n"), []);
    }

    #[test]
    fn the_test_page_is_a_pdf_with_its_frame_inside_the_paper() {
        for size in [PageSize::Letter, PageSize::A4, PageSize::Label4x6] {
            let pdf = test_page("Pack 2", "Zebra-4x6", size, "2026-12-06 06:30").unwrap();
            assert!(pdf.starts_with(b"%PDF"), "{size:?}");
            let g = size.geometry();
            for side in frame(g.width, g.height, g.margin) {
                let Item::Rule { x, y, width, thickness } = side else { unreachable!() };
                let (bottom, top) = (y - thickness / 2.0, y + thickness / 2.0);
                assert!(x >= 0.0 && x + width <= g.width, "{size:?}: {x} + {width}");
                assert!(bottom >= 0.0 && top <= g.height, "{size:?}: {bottom}..{top}");
            }
        }
    }

    #[test]
    fn errors_say_what_to_do() {
        let e = classify_error("Nope", "lpstat: Invalid destination name in list \"Nope\".");
        assert_eq!(e.code, ErrorCode::NotFound);
        assert!(e.message.contains("there is no printer queue “Nope”"), "{}", e.message);
        let e = classify_error("PDF", "lpstat: Scheduler is not running.");
        assert!(e.message.contains("CUPS) is not running"));
        let e = classify_error("PDF", "lp: Destination \"PDF\" is not accepting jobs.");
        assert!(e.message.contains("accept them again"), "{}", e.message);
        let e = stopped("PDF", "Paused");
        assert!(e.message.starts_with("printer PDF is stopped;"), "{}", e.message);
        assert!(e.message.contains("start it again"), "{}", e.message);
        for e in [e, classify_error("Nope", ""), classify_error("PDF", "scheduler is not running")]
        {
            assert!(!e.message.contains('`'), "{}", e.message);
        }
    }
}
