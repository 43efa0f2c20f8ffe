//! Splitting a paste into the tests it holds: at typed command lines, at
//! lines that start a new attempt once the current one shows a result, and at
//! mail-log lines of another delivery. Reads no outcome itself.

use super::lines::{endpoint, signal, Sig};
use super::program::{
    command_of, is_windows_prompt, log_key, parse_command, program_of_line, CommandLine,
};
use super::Program;

/// The lines of one test: an optional typed command and what followed it.
pub(super) struct Segment<'l> {
    pub(super) command: Option<(&'l str, CommandLine)>,
    pub(super) lines: Vec<&'l str>,
}

/// A line that starts a new attempt when the current one already shows a result.
pub(super) fn is_start(line: &str) -> bool {
    (line.starts_with("Trying ") && line.ends_with("..."))
        || line.starts_with("=== Trying")
        || line.starts_with("Starting Nmap")
        || line.starts_with("Ncat: Version")
        || line.starts_with("* Trying")
        || line.starts_with("*   Trying")
        || line.starts_with("Connecting To ")
        || line.starts_with("CONNECTED(")
}

/// Splits the lines into tests: at each typed command line, at each line
/// that starts a new attempt once the current one shows a result, and at
/// each log line (log lines are grouped again after reading).
pub(super) fn segments<'l>(lines: &[&'l str]) -> Vec<Segment<'l>> {
    let mut out: Vec<Segment<'l>> = Vec::new();
    let mut cur = Segment {
        command: None,
        lines: Vec::new(),
    };
    let mut has_result = false;
    // The attempt results seen in the current segment: failures (with the
    // host they name) and whether a connection was made.
    let mut fails: Vec<Option<String>> = Vec::new();
    let mut connected = false;
    // The log and the delivery (queue id, message id or host) the current
    // segment's log lines belong to.
    let mut log: Option<(Program, Option<String>)> = None;
    for &line in lines {
        if let Some(cmd) = command_of(line) {
            if let Some(mut parsed) = parse_command(cmd) {
                if parsed.program == Some(Program::InetutilsTelnet) && is_windows_prompt(line) {
                    parsed.program = Some(Program::WindowsTelnet);
                }
                if cur.lines.is_empty() {
                    // Consecutive commands (`>>> import smtplib`, then the
                    // call) describe one test: keep what each adds.
                    let merged = match cur.command.take() {
                        Some((_, prev)) if prev.program == parsed.program => CommandLine {
                            host: parsed.host.or(prev.host),
                            port: parsed.port.or(prev.port),
                            zero_io: parsed.zero_io || prev.zero_io,
                            starttls: parsed.starttls || prev.starttls,
                            program: parsed.program,
                        },
                        _ => parsed,
                    };
                    cur.command = Some((line, merged));
                } else {
                    out.push(std::mem::replace(
                        &mut cur,
                        Segment {
                            command: Some((line, parsed)),
                            lines: Vec::new(),
                        },
                    ));
                }
                has_result = false;
                fails.clear();
                connected = false;
                continue;
            }
            if line.starts_with("$ ") || line.starts_with("PS ") {
                // A command the reader does not know: its output is not read.
                if !cur.lines.is_empty() || cur.command.is_some() {
                    out.push(std::mem::replace(
                        &mut cur,
                        Segment {
                            command: None,
                            lines: Vec::new(),
                        },
                    ));
                }
                has_result = false;
                fails.clear();
                connected = false;
                continue;
            }
        }
        let line_program = program_of_line(line);
        let sig = signal(line_program, line);
        let host = endpoint(line).0;
        // A mail log's line starts a new case when it belongs to another
        // delivery than the lines before it.
        let is_log = match line_program.filter(|p| p.is_log()) {
            Some(p) => {
                let key = log_key(p, line)
                    .or_else(|| (p == Program::OpensmtpdLog).then(|| host.clone()).flatten());
                let new_delivery = match &mut log {
                    Some((lp, lk)) if *lp == p => match (lk.as_ref(), key.as_ref()) {
                        (Some(a), Some(b)) => a != b,
                        (None, Some(_)) => {
                            *lk = key.clone();
                            false
                        }
                        _ => false,
                    },
                    _ => true,
                };
                if new_delivery {
                    log = Some((p, key));
                }
                new_delivery
            }
            None => {
                log = None;
                false
            }
        };
        // A connection after a failed attempt, or a failure naming another
        // host than an earlier failure, is another attempt (nc and telnet
        // try each address of a name in turn).
        let new_attempt = match &sig {
            Some(Sig::Connected) => !fails.is_empty() && !connected,
            Some(Sig::Fail(..)) => {
                !connected && host.is_some() && fails.iter().any(|h| h.is_some() && *h != host)
            }
            _ => false,
        };
        if (is_log || new_attempt || (is_start(line) && has_result)) && !cur.lines.is_empty() {
            let command = if is_log { cur.command.clone() } else { None };
            out.push(std::mem::replace(
                &mut cur,
                Segment {
                    command,
                    lines: Vec::new(),
                },
            ));
            has_result = false;
            fails.clear();
            connected = false;
        }
        match sig {
            Some(Sig::Fail(..)) => fails.push(host),
            Some(Sig::Connected) => connected = true,
            _ => {}
        }
        if line_shows_result(line) {
            has_result = true;
        }
        cur.lines.push(line);
    }
    if !cur.lines.is_empty() || cur.command.is_some() {
        out.push(cur);
    }
    out
}

/// Whether a line shows a result on its own (a failure, a connection or a reply).
pub(super) fn line_shows_result(line: &str) -> bool {
    let p = program_of_line(line);
    !matches!(signal(p, line), None | Some(Sig::Noise))
}
