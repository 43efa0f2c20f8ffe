//! Reads what a connection test printed and says what it means.
//!
//! A visitor pastes the output of a test tool (`nc` in its flavours, `ncat`,
//! `telnet`, `socat`, `curl`, bash's `/dev/tcp`, Python's `smtplib`, .NET's
//! `TcpClient`, `Test-NetConnection`, `openssl s_client`, `swaks`, `nmap`) or
//! lines from a mail server's log (Postfix, Exim, OpenSMTPD).
//! [`read_paste`] splits the paste into the tests it holds (a typed command
//! line and its output, or a log's lines about one destination, are one
//! case), and reads each: which program printed it ([`Program`]), the host and
//! port it tested, the result ([`Outcome`]), the lines that show it
//! ([`Reading::evidence`]) and the decision-tree node to jump to.
//! [`read_output`] gives one [`Reading`] for the whole paste.
//!
//! Patterns come from what these programs really print (the captures under
//! `crates/core/tests/captures/`). When the text is empty, contradictory or
//! unfamiliar, the answer is an honest [`Outcome::CantTell`] naming the
//! output that would settle it, never a guess. The reading speaks about port
//! 25 only when port 25 was tested. This module reads text only: it runs no
//! command and opens no connection.

mod program;

pub use program::Program;

use super::commands::Tool;
use program::{
    command_of, is_windows_prompt, log_key, parse_command, program_of_line, traditional_nc,
    CommandLine,
};

/// An SMTP greeting: the server's first reply (RFC 5321 section 4.2 for the
/// reply format, 4.3.1 for the greeting).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Greeting {
    /// The three-digit reply code: 220 for "ready", 554 or 421 for "go away".
    pub code: u16,
    /// The host name the server gives for itself (the first word after the
    /// code, RFC 5321 4.3.1), if it looks like one: this is who answered.
    pub host: Option<String>,
    /// The whole greeting line, as printed (without any tool prefix).
    pub text: String,
}

/// Whether a server listed STARTTLS in its EHLO reply (RFC 3207 section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartTls {
    /// STARTTLS was among the EHLO capabilities.
    Offered,
    /// An EHLO reply was shown and STARTTLS was not in it.
    NotOffered,
    /// The output shows no EHLO reply, so it cannot say.
    NotTested,
}

/// What a test's output shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The connection opened. `greeting` is the 2xx greeting if the tool
    /// shows it (`nmap` and `Test-NetConnection` never do).
    Open {
        /// The server's greeting, when shown.
        greeting: Option<Greeting>,
        /// Whether STARTTLS was offered, when an EHLO reply was shown.
        starttls: StartTls,
    },
    /// The server greeted with a 4xx or 5xx code instead of 220 (RFC 5321
    /// 3.1: a 554 greeting refuses service; 4.2.1 for the code classes).
    GreetingRefused {
        /// The greeting.
        greeting: Greeting,
    },
    /// The connection opened but no greeting arrived: the tool gave up
    /// waiting, or the server hung up first (see [`Detail`]).
    NoGreeting,
    /// Connected and negotiated TLS after STARTTLS (RFC 3207), and the
    /// certificate verified.
    Tls {
        /// The protocol and cipher line, as printed.
        session: Option<String>,
    },
    /// TLS came up, but certificate verification reported an error; for
    /// opportunistic SMTP this is information, not a delivery failure.
    CertificateProblem {
        /// The verify error as the tool printed it.
        detail: String,
    },
    /// The TLS handshake failed.
    TlsFailed {
        /// The tool's error line, if any.
        detail: Option<String>,
    },
    /// The server did not offer STARTTLS (`openssl s_client`, `curl
    /// --ssl-reqd` and `smtplib` say so explicitly; for others see
    /// [`StartTls::NotOffered`]).
    NoStartTls,
    /// The connection attempt timed out: packets vanished on the way.
    Timeout,
    /// The connection failed and the tool does not say how
    /// (`Test-NetConnection`, Windows telnet and nmap's `filtered` report
    /// timeouts and rejections alike).
    ConnectFailed,
    /// The tool was still waiting to connect when it was stopped.
    StillConnecting,
    /// A host answered with a reset: nothing listens, or a firewall rejects.
    Refused,
    /// The local machine has no route for that address family or network.
    NetworkUnreachable,
    /// No route to the host, or a router or firewall answered with an ICMP
    /// "host unreachable" or "administratively prohibited".
    NoRouteToHost,
    /// The host name did not resolve.
    DnsFailure,
    /// The output is empty, contradictory or unfamiliar.
    CantTell,
}

/// What the output shows beyond the [`Outcome`]: how it happened, or why the
/// reader could not tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// The server closed the connection before sending a greeting.
    ClosedBeforeGreeting,
    /// The tool or mail server gave up waiting for the greeting.
    GreetingTimedOut,
    /// `nc -z` connected and closed at once, by design, without reading.
    ZeroIo,
    /// A mail server delivered the message over this connection.
    Delivered,
    /// A firewall answered with ICMP "administratively prohibited".
    AdminProhibited,
    /// A router or firewall answered with ICMP "host unreachable".
    HostUnreachable,
    /// TLS was started straight away on a port that expects plain SMTP first.
    TlsOnPlainPort,
    /// nmap's `filtered` without `--reason`: no answer or an ICMP rejection.
    FilteredNoReason,
    /// Exim did not try: the host's retry time was not reached.
    RetryNotReached,
    /// A timeout that the output does not place before or after the
    /// connection opened (Exim's "SMTP timeout after initial connection").
    TimeoutBeforeGreeting,
    /// The server said something and hung up, and the tool hides what
    /// (`openssl s_client`, as after a 421 or 554 greeting).
    GreetingHidden,
    /// The tool printed nothing that shows a result.
    NothingPrinted,
    /// One test shows two contradicting results (several addresses tried).
    Contradicting,
    /// The paste holds several different tests; [`read_paste`] reads each.
    SeveralCases(usize),
}

/// The reader's conclusion about one test (one case of a paste).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The page's tool family that printed it, when it is one of the six.
    pub tool: Option<Tool>,
    /// The program or log that printed it, or `None` when not recognised.
    pub program: Option<Program>,
    /// What the output shows.
    pub outcome: Outcome,
    /// How it happened, or why it cannot be told, when the output says more.
    pub detail: Option<Detail>,
    /// The host the test dialled, as typed or printed.
    pub host: Option<String>,
    /// The port the test dialled, when the command or the output shows it.
    pub port: Option<u16>,
    /// The lines that show it, trimmed, in the order they appeared.
    pub evidence: Vec<String>,
    /// The id of the decision-tree node that explains this outcome.
    pub node: &'static str,
    /// What the outcome means for the port tested, or what to try next.
    pub advice: String,
}

/// A whole paste, read as the tests it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paste {
    /// One reading per test, in the order they appear; never empty.
    pub cases: Vec<Reading>,
}

impl Paste {
    /// Whether the paste holds several different tests.
    pub fn is_several(&self) -> bool {
        self.cases.len() > 1
    }

    /// One line for the whole paste: the reading's summary, or how many
    /// different tests it holds.
    pub fn summary(&self) -> String {
        match self.cases.as_slice() {
            [one] => one.summary(),
            many => format!(
                "This paste holds {} different tests; each is read on its own.",
                many.len()
            ),
        }
    }
}

/// Reads a whole paste and returns one reading per test it holds. Never
/// fails; unreadable text gives one [`Outcome::CantTell`].
pub fn read_paste(text: &str) -> Paste {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let mut cases: Vec<Case> = Vec::new();
    for seg in segments(&lines) {
        let case = classify(&seg);
        if let Some(last) = cases.last_mut() {
            if last.absorbs(&case) {
                last.evidence.extend(case.evidence);
                last.host = last.host.take().or(case.host);
                last.port = last.port.or(case.port);
                continue;
            }
            if case.is_noise() {
                continue;
            }
            if last.is_noise() {
                *last = case;
                continue;
            }
        }
        cases.push(case);
    }
    if cases.is_empty() {
        cases.push(Case::cant_tell(None, Detail::NothingPrinted));
    }
    Paste {
        cases: cases.into_iter().map(Case::into_reading).collect(),
    }
}

/// Reads a pasted test output as one case: recognises the program,
/// classifies the result and keeps the evidence. When the paste holds
/// several different tests, the reading is [`Outcome::CantTell`] with
/// [`Detail::SeveralCases`] and the evidence of all of them; use
/// [`read_paste`] to read each.
pub fn read_output(text: &str) -> Reading {
    let mut paste = read_paste(text);
    if paste.cases.len() == 1 {
        return paste.cases.remove(0);
    }
    let n = paste.cases.len();
    let first = paste.cases[0].program;
    let program = first.filter(|p| paste.cases.iter().all(|c| c.program == Some(*p)));
    let mut r = Case::cant_tell(program, Detail::SeveralCases(n)).into_reading();
    r.evidence = paste.cases.into_iter().flat_map(|c| c.evidence).collect();
    r
}

impl Reading {
    /// The program's name, or "Not recognised".
    pub fn tool_name(&self) -> &'static str {
        self.program.map_or("Not recognised", Program::name)
    }

    /// Whether the test was of port 25 (false when the port is not shown).
    pub fn is_port_25(&self) -> bool {
        self.port == Some(25)
    }

    /// "port 25 on mx.example.org", "port 2525", "mx.example.org" or "the
    /// server": where the test went, as far as the output shows.
    pub fn target(&self) -> String {
        match (&self.host, self.port) {
            (Some(h), Some(p)) => format!("port {p} on {h}"),
            (None, Some(p)) => format!("port {p}"),
            (Some(h), None) => h.clone(),
            (None, None) => "the server".to_owned(),
        }
    }

    /// The result in words, naming the port and host the output shows.
    pub fn result(&self) -> String {
        let at = self.target();
        let host = self.host.as_deref().unwrap_or("the host");
        match (&self.outcome, self.detail) {
            (Outcome::Open { .. }, Some(Detail::Delivered)) => {
                format!("open: the mail server delivered a message over {at}")
            }
            (Outcome::Open { greeting, starttls }, detail) => {
                let mut s = format!("open: {at} connects");
                match greeting {
                    Some(g) => s.push_str(&format!(
                        " and {} greeted with {}",
                        g.host.as_deref().unwrap_or("the server"),
                        g.code
                    )),
                    None if detail == Some(Detail::ZeroIo) => {
                        s.push_str(" (nc -z closes at once, so no greeting is shown)")
                    }
                    None => s.push_str("; the greeting is not shown"),
                }
                match starttls {
                    StartTls::Offered => s.push_str("; STARTTLS is offered"),
                    StartTls::NotOffered => s.push_str("; STARTTLS is not offered"),
                    StartTls::NotTested => {}
                }
                s
            }
            (Outcome::GreetingRefused { greeting }, _) => format!(
                "refused at the greeting: {at} connects, and the server answered {}",
                greeting.code
            ),
            (Outcome::NoGreeting, Some(Detail::ClosedBeforeGreeting)) => {
                format!("connected to {at}, but the server closed the connection before greeting")
            }
            (Outcome::NoGreeting, Some(Detail::GreetingTimedOut)) => {
                format!("connected to {at}, but no greeting arrived before the wait ran out")
            }
            (Outcome::NoGreeting, _) => format!("connected to {at}, but no greeting arrived"),
            (Outcome::Tls { .. }, _) => {
                format!("open: {at} connects, TLS works and the certificate verified")
            }
            (Outcome::CertificateProblem { detail }, _) => format!(
                "open: {at} connects and TLS works; the certificate did not verify ({detail})"
            ),
            (Outcome::TlsFailed { .. }, Some(Detail::TlsOnPlainPort)) => format!(
                "open: {at} connects, but it speaks plain SMTP first, not TLS straight away"
            ),
            (Outcome::TlsFailed { .. }, _) => {
                format!("open: {at} connects, but the TLS handshake failed")
            }
            (Outcome::NoStartTls, _) => {
                format!("open: {at} connects, but STARTTLS is not offered")
            }
            (Outcome::Timeout, _) => format!("timed out: nothing answered from {at}"),
            (Outcome::ConnectFailed, Some(Detail::FilteredNoReason)) => format!(
                "filtered: nmap got no answer, or an ICMP rejection, from {at}; it does not say which"
            ),
            (Outcome::ConnectFailed, _) => {
                format!("the connection to {at} failed; the output does not say why")
            }
            (Outcome::StillConnecting, _) => {
                format!("still connecting to {at} when the tool stopped")
            }
            (Outcome::Refused, _) => format!("refused: nothing accepts connections on {at}, or a firewall rejects them"),
            (Outcome::NetworkUnreachable, _) => {
                format!("network unreachable: this machine has no route towards {at}")
            }
            (Outcome::NoRouteToHost, Some(Detail::AdminProhibited)) => format!(
                "rejected: a firewall answered \u{201c}administratively prohibited\u{201d} for {at}"
            ),
            (Outcome::NoRouteToHost, Some(Detail::HostUnreachable)) => format!(
                "no route to host: a router or firewall answered \u{201c}host unreachable\u{201d} for {at}"
            ),
            (Outcome::NoRouteToHost, _) => format!(
                "no route to host: {at} was answered with an ICMP error (host unreachable, or administratively prohibited by a firewall)"
            ),
            (Outcome::DnsFailure, _) => match self.port {
                Some(p) => format!("the host name {host} did not resolve, so port {p} was never tried"),
                None => format!("the host name {host} did not resolve"),
            },
            (Outcome::CantTell, Some(Detail::SeveralCases(n))) => {
                format!("can't tell as one test: the paste holds {n} different tests")
            }
            (Outcome::CantTell, Some(Detail::RetryNotReached)) => {
                format!("can't tell: the mail server did not try {at} this time")
            }
            (Outcome::CantTell, Some(Detail::TimeoutBeforeGreeting)) => format!(
                "can't tell: {at} timed out, before or after the connection opened; the log does not say which"
            ),
            (Outcome::CantTell, Some(Detail::GreetingHidden)) => format!(
                "can't tell: {at} connects, and the server hung up after a reply that openssl does not show"
            ),
            (Outcome::CantTell, Some(Detail::Contradicting)) => {
                format!("can't tell: the output shows contradicting results for {at}")
            }
            (Outcome::CantTell, _) if self.program.is_some() => {
                format!("can't tell: the output shows no result for {at}")
            }
            (Outcome::CantTell, _) => "can't tell".to_owned(),
        }
    }

    /// The one-line result a live region announces: program and result.
    pub fn summary(&self) -> String {
        match self.program {
            Some(p) => format!("{} output: {}.", p.name(), self.result()),
            None => format!("Tool not recognised: {}.", self.result()),
        }
    }
}

// ---------------------------------------------------------------------------
// Splitting a paste into cases.

/// The lines of one test: an optional typed command and what followed it.
struct Segment<'l> {
    command: Option<(&'l str, CommandLine)>,
    lines: Vec<&'l str>,
}

/// A line that starts a new attempt when the current one already shows a result.
fn is_start(line: &str) -> bool {
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
fn segments<'l>(lines: &[&'l str]) -> Vec<Segment<'l>> {
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
fn line_shows_result(line: &str) -> bool {
    let p = program_of_line(line);
    !matches!(signal(p, line), None | Some(Sig::Noise))
}

// ---------------------------------------------------------------------------
// Reading one line.

/// What one line says.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Sig {
    /// The connection attempt failed this way.
    Fail(Outcome, Option<Detail>),
    /// A TCP connection was established.
    Connected,
    /// An SMTP reply (code, text without any tool prefix).
    Reply(u16, String),
    /// A log or exception reports the greeting itself (connected implied).
    Greeted(u16, String),
    /// An EHLO reply shown as one line (Python's tuple), with or without STARTTLS.
    Ehlo(bool),
    /// The peer closed or reset the connection.
    Closed,
    /// A timeout after the connection was made.
    ReadTimeout,
    /// The server does not offer STARTTLS, said explicitly.
    NoStartTls,
    /// A TLS error.
    TlsError,
    /// A mail server delivered a message.
    Delivered,
    /// Exim's "retry time not reached".
    Retry,
    /// A timeout that may be before or after the connection opened.
    AmbiguousTimeout,
    /// A line that belongs to a tool's output but shows nothing.
    Noise,
}

/// Case-insensitive substring test.
fn has(line: &str, needle: &str) -> bool {
    line.to_ascii_lowercase()
        .contains(&needle.to_ascii_lowercase())
}

const DNS: [&str; 16] = [
    "name or service not known",
    "temporary failure in name resolution",
    "could not resolve",
    "nodename nor servname",
    "failed to resolve",
    "no address associated with hostname",
    "name does not resolve",
    "name resolution of",
    "unknown host",
    "bad hostname",
    "bad address '",
    "host or domain name not found",
    "no such host is known",
    "wsahost_not_found",
    "getaddrinfo failed",
    "unrouteable address",
];

/// Whether a line carries a Windows Sockets error code as .NET and Python
/// print it: `SocketException (10061)`, `[WinError 10061]`, `[Errno 10061]`.
fn winsock(line: &str, code: u16) -> bool {
    [
        format!("({code})"),
        format!("error {code}"),
        format!("errno {code}"),
    ]
    .iter()
    .any(|n| has(line, n))
}

/// A failure to connect, from the words every tool shares (the system's
/// error strings) and from the tools' own wording.
fn failure(line: &str) -> Option<Sig> {
    if has(line, "inverse host lookup failed") {
        // Traditional netcat's reverse lookup of the address: not a failure.
        return Some(Sig::Noise);
    }
    if DNS.iter().any(|n| has(line, n)) || has(line, "forward host lookup failed") {
        return Some(Sig::Fail(Outcome::DnsFailure, None));
    }
    if has(line, "network is unreachable")
        || has(line, "errno=101")
        || has(line, "failed to determine route")
        || has(line, "unreachable network")
        || winsock(line, 10051)
    {
        return Some(Sig::Fail(Outcome::NetworkUnreachable, None));
    }
    if has(line, "no route to host")
        || has(line, "host is unreachable")
        || has(line, "errno=113")
        || has(line, "unreachable host")
        || winsock(line, 10065)
    {
        return Some(Sig::Fail(Outcome::NoRouteToHost, None));
    }
    if has(line, "connection refused")
        || has(line, "errno=111")
        || has(line, "actively refused")
        || winsock(line, 10061)
    {
        return Some(Sig::Fail(Outcome::Refused, None));
    }
    if has(line, "timed out")
        || has(line, "timeout was reached")
        || has(line, "connection timeout")
        || has(line, "errno=110")
        || line.starts_with("Ncat: TIMEOUT")
        || has(line, "did not properly respond after a period of time")
        || winsock(line, 10060)
        || (line.starts_with("***") && has(line, "connect: timeout"))
    {
        return Some(Sig::Fail(Outcome::Timeout, None));
    }
    None
}

/// Whether a line says the peer closed or reset the connection.
fn closed(line: &str) -> bool {
    // socat -d -d: "socket 2 (fd 5) is at EOF" is the TCP side hanging up.
    if line.contains("socat[") && line.contains("socket 2") && has(line, "is at eof") {
        return true;
    }
    [
        "connection reset by peer",
        "broken pipe",
        "connection closed by foreign host",
        "connection unexpectedly closed",
        "remote host closed connection",
        "closed connection in response to initial connection",
        "lost connection",
        "recv failure",
        "empty reply from server",
        "connection closed by remote host",
        "smtpserverdisconnected",
        "unexpected eof",
        "connection to host lost",
        "connection closed unexpectedly",
        // curl, when the server hangs up before its first reply.
        "response reading failed",
    ]
    .iter()
    .any(|n| has(line, n))
}

/// The state and reason of an nmap port line such as
/// `25/tcp filtered smtp no-response`.
fn nmap_port(line: &str) -> Option<(u16, &str, Option<&str>)> {
    let mut words = line.split_whitespace();
    let port = words.next()?;
    let (num, proto) = port.split_once('/')?;
    if proto != "tcp" {
        return None;
    }
    let num = num.parse().ok()?;
    let state = words.next()?;
    let _service = words.next();
    Some((num, state, words.next()))
}

/// Reads an SMTP reply line (RFC 5321 4.2): three digits then space, hyphen
/// or end of line, after any tool prefix (swaks `<-  `, curl `< `, Python's
/// `reply: b'...'`).
fn reply(line: &str) -> Option<(u16, String)> {
    let mut line = line;
    for prefix in ["<-", "<**", "< "] {
        if let Some(rest) = line.strip_prefix(prefix) {
            line = rest.trim_start();
            break;
        }
    }
    let owned;
    if let Some(rest) = line
        .strip_prefix("reply: b'")
        .or(line.strip_prefix("reply: b\""))
    {
        owned = rest
            .trim_end_matches(['\'', '"'])
            .trim_end_matches("\\n")
            .trim_end_matches("\\r")
            .to_owned();
        line = &owned;
    }
    let bytes = line.as_bytes();
    if bytes.len() < 3 || !bytes[..3].iter().all(u8::is_ascii_digit) {
        return None;
    }
    if !matches!(bytes.get(3), None | Some(b' ') | Some(b'-')) {
        return None;
    }
    if !(b'2'..=b'5').contains(&bytes[0]) {
        return None;
    }
    let code = line[..3].parse().ok()?;
    Some((code, line.to_owned()))
}

/// The reply after a marker such as "refused to talk to me: ".
fn reply_after(line: &str, marker: &str) -> Option<(u16, String)> {
    let i = line.find(marker)?;
    let rest = line[i + marker.len()..].trim_end_matches(')');
    reply(rest)
}

/// What one line says, given the program that printed it.
fn signal(program: Option<Program>, line: &str) -> Option<Sig> {
    // A Python traceback's source lines repeat what the exception line says.
    if line.starts_with("raise ")
        || line.starts_with("File \"")
        || (!line.is_empty() && line.bytes().all(|b| b == b'^'))
    {
        return Some(Sig::Noise);
    }
    // Mail logs: the greeting-stage phrases first, since they also say
    // "timed out" or "refused".
    if has(line, "initial server greeting") || has(line, "after initial connection") {
        if let Some((code, text)) = reply_after(line, "after initial connection: ") {
            return Some(Sig::Greeted(code, text));
        }
        if has(line, "smtp timeout after initial connection") {
            // Exim (with TCP Fast Open, its default) logs this both when the
            // connection never opened and when the server stayed silent.
            return Some(Sig::AmbiguousTimeout);
        }
        if has(line, "timed out") || has(line, "smtp timeout") {
            return Some(Sig::ReadTimeout);
        }
        if closed(line) {
            return Some(Sig::Closed);
        }
    }
    if let Some((code, text)) = reply_after(line, "refused to talk to me: ") {
        return Some(Sig::Greeted(code, text));
    }
    if has(line, "closed connection in response to initial connection") {
        return Some(Sig::Closed);
    }
    if has(line, "retry time not reached") {
        return Some(Sig::Retry);
    }
    if let Some((code, text)) = reply_after(line, "BANNER rejected: ") {
        return Some(Sig::Greeted(code, text));
    }
    if line.contains(" mta connected") {
        return Some(Sig::Connected);
    }
    if has(line, "status=sent")
        || (line.contains(" => ") && line.contains(" C=\"250"))
        || line.contains("result=\"Ok\"")
    {
        return Some(Sig::Delivered);
    }
    // Python: smtplib's exceptions name the greeting and STARTTLS.
    if let Some(rest) = line
        .strip_prefix("smtplib.SMTPConnectError: (")
        .or(line.strip_prefix("SMTPConnectError: ("))
    {
        let code = rest.get(..3).and_then(|c| c.parse().ok());
        if let Some(code) = code {
            let text = rest[3..]
                .trim_start_matches(", b'")
                .trim_start_matches(", b\"")
                .trim_end_matches(")")
                .trim_end_matches(['\'', '"']);
            return Some(Sig::Greeted(code, format!("{code} {text}")));
        }
    }
    if has(line, "starttls extension not supported")
        || has(line, "starttls not supported")
        || line.contains("Didn't find STARTTLS")
    {
        return Some(Sig::NoStartTls);
    }
    if let Some(rest) = line.strip_prefix("(250, b") {
        return Some(Sig::Ehlo(has(rest, "starttls")));
    }
    if line.starts_with("ssl.SSLError")
        || line.starts_with("ssl.SSL")
        || has(line, "ssl routines")
        || has(line, "wrong version number")
        || has(line, "handshake failure")
        || line.starts_with("curl: (35)")
    {
        return Some(Sig::TlsError);
    }
    // nmap's port table.
    if program.is_none() || program == Some(Program::Nmap) {
        if let Some((_, state, reason)) = nmap_port(line) {
            return Some(match (state, reason) {
                ("open", _) => Sig::Connected,
                ("closed", _) => Sig::Fail(Outcome::Refused, None),
                ("filtered" | "open|filtered", Some("no-response")) => {
                    Sig::Fail(Outcome::Timeout, None)
                }
                ("filtered", Some("admin-prohibited")) => {
                    Sig::Fail(Outcome::NoRouteToHost, Some(Detail::AdminProhibited))
                }
                ("filtered", Some("host-unreach" | "host-prohibited")) => {
                    Sig::Fail(Outcome::NoRouteToHost, Some(Detail::HostUnreachable))
                }
                ("filtered", Some("net-unreach" | "net-prohibited")) => {
                    Sig::Fail(Outcome::NetworkUnreachable, None)
                }
                ("filtered" | "open|filtered", _) => {
                    Sig::Fail(Outcome::ConnectFailed, Some(Detail::FilteredNoReason))
                }
                _ => return None,
            });
        }
    }
    // Traditional netcat: "host [addr] 25 (smtp) open" or ": reason".
    if let Some((_, _, rest)) = traditional_nc(line) {
        if rest == "open" {
            return Some(Sig::Connected);
        }
        return failure(rest).or(Some(Sig::Fail(Outcome::ConnectFailed, None)));
    }
    if program == Some(Program::DotNetTcpClient) {
        // `$client.Connected` or `.Wait(5000)` printed alone.
        match line {
            "True" => return Some(Sig::Connected),
            "False" => return Some(Sig::Fail(Outcome::ConnectFailed, None)),
            _ => {}
        }
    }
    if line.starts_with("WARNING: Ping") || line.starts_with("PingSucceeded") {
        // Test-NetConnection's ping result says nothing about the port.
        return Some(Sig::Noise);
    }
    if closed(line) {
        return Some(Sig::Closed);
    }
    if line.starts_with("<** Timeout") || line.starts_with("*** Timeout") {
        return Some(Sig::ReadTimeout);
    }
    if let Some(f) = failure(line) {
        return Some(f);
    }
    if line.starts_with("WARNING: TCP connect to")
        || line.starts_with("*** Error connecting")
        || (line.starts_with("TcpTestSucceeded") && has(line, "false"))
        || has(line, "could not open connection to the host")
        || (line.starts_with("curl: (7)") && has(line, "couldn't connect"))
    {
        return Some(Sig::Fail(Outcome::ConnectFailed, None));
    }
    if (line.starts_with("Connection to ") && line.ends_with("succeeded!"))
        || line.starts_with("Connected to ")
        || line.starts_with("=== Connected to ")
        || line.starts_with("Ncat: Connected to ")
        || line.starts_with("* Connected to ")
        || line.starts_with("CONNECTED(")
        || (line.contains("socat[")
            && (has(line, "successfully connected") || has(line, "starting data transfer loop")))
        || (line.starts_with("TcpTestSucceeded") && has(line, "true"))
        || (line.starts_with("Connected") && line.ends_with(": True"))
    {
        return Some(Sig::Connected);
    }
    if let Some((code, text)) = reply(line) {
        return Some(Sig::Reply(code, text));
    }
    None
}

// ---------------------------------------------------------------------------
// Reading one case.

/// One case being read: a [`Reading`] before its node and advice are chosen.
struct Case {
    program: Option<Program>,
    outcome: Outcome,
    detail: Option<Detail>,
    host: Option<String>,
    port: Option<u16>,
    evidence: Vec<String>,
}

impl Case {
    fn cant_tell(program: Option<Program>, detail: Detail) -> Case {
        Case {
            program,
            outcome: Outcome::CantTell,
            detail: Some(detail),
            host: None,
            port: None,
            evidence: Vec::new(),
        }
    }

    /// Lines that show nothing (a log's bookkeeping, unknown text).
    fn is_noise(&self) -> bool {
        self.outcome == Outcome::CantTell && self.evidence.is_empty()
    }

    /// Whether `next` is more of the same test: the same result for the same
    /// destination from the same program, or a log line that adds nothing.
    fn absorbs(&self, next: &Case) -> bool {
        if self.program != next.program || self.program.is_none() {
            return false;
        }
        let same_place = next.host.is_none() || self.host.is_none() || self.host == next.host;
        let same_port = next.port.is_none() || self.port.is_none() || self.port == next.port;
        if !(same_place && same_port) {
            return false;
        }
        if self.program.is_some_and(Program::is_log) && next.is_noise() {
            return true;
        }
        // A log's "retry time not reached" adds to the failure it repeats.
        if next.detail == Some(Detail::RetryNotReached) && self.outcome != Outcome::CantTell {
            return true;
        }
        let readable_doubt = matches!(
            self.detail,
            Some(Detail::TimeoutBeforeGreeting | Detail::RetryNotReached)
        );
        std::mem::discriminant(&self.outcome) == std::mem::discriminant(&next.outcome)
            && self.detail == next.detail
            && (self.outcome != Outcome::CantTell || readable_doubt)
    }

    fn into_reading(self) -> Reading {
        let (node, advice) = guide(&self);
        Reading {
            tool: self.program.and_then(Program::tool),
            program: self.program,
            outcome: self.outcome,
            detail: self.detail,
            host: self.host,
            port: self.port,
            evidence: self.evidence,
            node,
            advice,
        }
    }
}

/// Builds a [`Greeting`] from a reply line.
fn greeting(code: u16, line: &str) -> Greeting {
    let host = line
        .get(4..)
        .and_then(|rest| rest.split_whitespace().next())
        .filter(|w| {
            (w.contains('.') || w.starts_with('['))
                && !w
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_digit() && w.len() <= 5)
        })
        // Enhanced status codes such as 5.7.1 (RFC 3463) are not host names.
        .filter(|w| !w.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
        .map(str::to_owned);
    Greeting {
        code,
        host,
        text: line.to_owned(),
    }
}

/// Whether a reply code can be a greeting (RFC 5321 4.3.2: 220, or 421/554
/// and other 4xx/5xx refusals). 214 or 250 are answers to commands.
fn is_greeting_code(code: u16) -> bool {
    code == 220 || code >= 400
}

/// The program a segment comes from: the typed command, refined by the
/// output when it shows the flavour.
fn program_of(seg: &Segment<'_>) -> Option<Program> {
    let from_output = seg.lines.iter().find_map(|l| program_of_line(l));
    let from_command = seg.command.as_ref().and_then(|(_, c)| c.program);
    match (from_command, from_output) {
        (Some(c), Some(o)) => {
            let generic = matches!(o, Program::Netcat | Program::Curl);
            let same_family = (c.tool().is_some() && c.tool() == o.tool())
                || (matches!(c, Program::Curl | Program::CurlSmtp | Program::CurlTelnet)
                    && o == Program::Curl);
            if same_family && !generic {
                Some(o)
            } else {
                Some(c)
            }
        }
        (Some(c), None) => Some(c),
        (None, Some(Program::Curl)) => {
            // curl's verbose SMTP dialogue shows the commands it sent.
            if seg
                .lines
                .iter()
                .any(|l| l.starts_with("> EHLO") || l.starts_with("> HELP"))
            {
                Some(Program::CurlSmtp)
            } else {
                Some(Program::Curl)
            }
        }
        (None, o) => o,
    }
}

/// Host and port from one output line, where the tool prints them.
fn endpoint(line: &str) -> (Option<String>, Option<u16>) {
    let word_after = |marker: &str| -> Option<&str> {
        let i = line.find(marker)?;
        line[i + marker.len()..].split_whitespace().next()
    };
    let num_after = |marker: &str| -> Option<u16> {
        word_after(marker).and_then(|w| w.trim_end_matches([',', ':', '.', ')']).parse().ok())
    };
    // Postfix and Exim: "host[addr]:port" or "H=[addr]".
    if let Some(w) = word_after("connect to ")
        .or(word_after("relay="))
        .or(word_after("lost connection with "))
        .or(word_after("conversation with "))
        .filter(|w| w.contains('['))
    {
        let w = w.trim_end_matches([',', ':']);
        let (name, rest) = w.split_once('[').unwrap_or((w, ""));
        let (addr, port) = rest.split_once(']').unwrap_or((rest, ""));
        let host = if name.is_empty() { addr } else { name };
        return (
            Some(host.to_owned()),
            port.trim_start_matches(':').parse().ok(),
        );
    }
    if let Some((addr, port, _)) = traditional_nc(line) {
        return (Some(addr), Some(port));
    }
    // OpenSMTPD: "mta connecting address=smtp://127.0.0.8:25 host=...".
    if let Some(w) = word_after("address=smtp://") {
        return program::split_host_port(w);
    }
    // Exim: "H=[127.0.0.7]" or "H=mx.example.org [192.0.2.1]".
    if let Some(w) = word_after(" H=") {
        let w = w.trim_matches(['[', ']', ':']);
        if !w.is_empty() {
            return (Some(w.to_owned()), None);
        }
    }
    // The recipient's domain: Postfix "to=<a@domain>", Exim "** a@domain:".
    let recipient = line
        .find("to=<")
        .map(|i| &line[i + 4..])
        .and_then(|r| r.split('>').next())
        .or_else(|| {
            ["** ", "== ", "-> ", "=> "]
                .iter()
                .find_map(|m| word_after(m).filter(|w| w.contains('@')))
        });
    if let Some(domain) = recipient.and_then(|r| r.rsplit_once('@')).map(|(_, d)| d) {
        let domain = domain.trim_end_matches(':').trim_matches(['[', ']']);
        if !domain.is_empty() {
            return (Some(domain.to_owned()), None);
        }
    }
    if line.starts_with("Connection to ") && line.ends_with("succeeded!") {
        let mut w = line.split_whitespace().skip(2);
        let host = w.next().map(str::to_owned);
        return (host, w.next().and_then(|p| p.parse().ok()));
    }
    if line.contains(": connect to ") && line.contains(" port ") {
        return (
            word_after(": connect to ").map(str::to_owned),
            num_after(" port "),
        );
    }
    if let Some(w) = word_after("Ncat: Connected to ") {
        return program::split_host_port(w.trim_end_matches('.'));
    }
    if let Some(rest) = line.strip_prefix("=== Trying ") {
        return program::split_host_port(rest.trim_end_matches('.'));
    }
    if let Some(rest) = line.strip_prefix("*** Error connecting to ") {
        return program::split_host_port(rest.trim_end_matches(':'));
    }
    if line.starts_with("* Connected to ") || line.starts_with("curl: (") {
        let host = word_after("Connected to ")
            .or(word_after("connect to "))
            .or(word_after("resolve host: "))
            .map(str::to_owned);
        return (host, num_after(" port "));
    }
    if line.contains("socat[") {
        if let Some(i) = line.find("AF=") {
            let spec = line[i..].split_whitespace().nth(1).unwrap_or("");
            return program::split_host_port(spec.trim_end_matches([',', ')']));
        }
    }
    if let Some(rest) = line.strip_prefix("Nmap scan report for ") {
        return (rest.split_whitespace().next().map(str::to_owned), None);
    }
    if let Some((port, _, _)) = nmap_port(line) {
        return (None, Some(port));
    }
    if let Some(rest) = line.strip_prefix("RemotePort") {
        return (
            None,
            rest.trim_start_matches([' ', ':']).trim().parse().ok(),
        );
    }
    if let Some(rest) = line.strip_prefix("ComputerName") {
        return (
            Some(rest.trim_start_matches([' ', ':']).trim().to_owned()),
            None,
        );
    }
    if let Some(rest) = line.strip_prefix("WARNING: TCP connect to (") {
        let (addr, port) = rest.split_once(" : ").unwrap_or((rest, ""));
        return (
            Some(addr.to_owned()),
            port.split(')').next().and_then(|p| p.trim().parse().ok()),
        );
    }
    if let Some(rest) = line.strip_prefix("Connecting To ") {
        let host = rest.split("...").next().map(str::to_owned);
        return (host, num_after("on port "));
    }
    if let Some(rest) = line.strip_prefix("Trying ") {
        return (Some(rest.trim_end_matches('.').to_owned()), None);
    }
    if let Some(rest) = line.strip_prefix("Connected to ") {
        return (Some(rest.trim_end_matches('.').to_owned()), None);
    }
    if let Some(w) = word_after("can't connect to remote host (") {
        return (Some(w.trim_end_matches([')', ':']).to_owned()), None);
    }
    if line.contains("SocketException") || line.contains("actively refused") {
        // .NET appends the endpoint: "... refused it. 192.0.2.1:25".
        if let Some(last) = line.split_whitespace().last() {
            let (h, p) = program::split_host_port(last.trim_end_matches(['"', '.']));
            if p.is_some() {
                return (h, p);
            }
        }
    }
    (None, None)
}

/// Classifies one segment.
fn classify(seg: &Segment<'_>) -> Case {
    let program = program_of(seg);
    let command = seg.command.as_ref().map(|(_, c)| c);
    let mut case = Case::cant_tell(program, Detail::NothingPrinted);
    // A host given as an expression (`(Resolve-DnsName ...).IPAddress`)
    // yields to the one the output prints.
    case.host = command
        .and_then(|c| c.host.clone())
        .filter(|h| !h.contains(['(', ')', '$']));
    case.port = command.and_then(|c| c.port);
    for line in &seg.lines {
        let (h, p) = endpoint(line);
        if case.host.is_none() {
            case.host = h;
        }
        // The output's port is what was dialled; telnet's default of 23
        // from a command without a port yields to it.
        if p.is_some() && (case.port.is_none() || case.port == Some(23)) {
            case.port = p;
        }
    }
    let (outcome, detail, evidence) = decide(program, command, &seg.lines);
    case.outcome = outcome;
    case.detail = detail;
    case.evidence = evidence.into_iter().map(str::to_owned).collect();
    if case.evidence.is_empty() && case.outcome == Outcome::CantTell {
        if let Some((line, _)) = seg.command {
            if program == Some(Program::OpensslSClient) && seg.lines.is_empty() {
                // openssl prints nothing until it connects.
                case.outcome = Outcome::StillConnecting;
                case.detail = None;
            }
            if program.is_some() {
                case.evidence.push(line.to_owned());
            }
        }
    }
    case
}

/// The outcome of one segment's lines, its detail and its evidence.
fn decide<'l>(
    program: Option<Program>,
    command: Option<&CommandLine>,
    lines: &[&'l str],
) -> (Outcome, Option<Detail>, Vec<&'l str>) {
    let sigs: Vec<(Sig, &'l str)> = lines
        .iter()
        .filter_map(|l| signal(program, l).map(|s| (s, *l)))
        .filter(|(s, _)| *s != Sig::Noise)
        .collect();
    let connect_at = sigs.iter().position(|(s, _)| {
        matches!(
            s,
            Sig::Connected | Sig::Greeted(..) | Sig::Reply(..) | Sig::Ehlo(_) | Sig::Closed
        )
    });
    // smtplib's timeout while reading the greeting reads like a connect timeout.
    let in_getreply = lines.iter().any(|l| l.contains("getreply"));

    let mut failures: Vec<(Outcome, Option<Detail>, &'l str)> = Vec::new();
    let mut read_timeout: Option<&'l str> = None;
    for (i, (s, l)) in sigs.iter().enumerate() {
        if let Sig::Fail(o, d) = s {
            let after_connect = connect_at.is_some_and(|c| c < i);
            if *o == Outcome::Timeout && (after_connect || in_getreply) {
                read_timeout.get_or_insert(l);
            } else if !after_connect {
                failures.push((o.clone(), *d, l));
            }
        }
        if *s == Sig::ReadTimeout {
            read_timeout.get_or_insert(l);
        }
    }
    // "It failed" lines add nothing when another line says why.
    if failures
        .iter()
        .any(|(o, _, _)| *o != Outcome::ConnectFailed)
    {
        failures.retain(|(o, _, _)| *o != Outcome::ConnectFailed);
    }
    let connected: Vec<&'l str> = sigs
        .iter()
        .filter(|(s, _)| *s == Sig::Connected)
        .map(|(_, l)| *l)
        .collect();

    if let Some((_, l)) = sigs.iter().find(|(s, _)| *s == Sig::AmbiguousTimeout) {
        let ev = sigs
            .iter()
            .filter(|(s, _)| matches!(s, Sig::AmbiguousTimeout | Sig::Fail(Outcome::Timeout, _)))
            .map(|(_, l)| *l)
            .collect::<Vec<_>>();
        let ev = if ev.is_empty() { vec![*l] } else { ev };
        return (Outcome::CantTell, Some(Detail::TimeoutBeforeGreeting), ev);
    }
    if !failures.is_empty() {
        let first = &failures[0];
        let contradicting = failures.iter().any(|(o, _, _)| *o != first.0);
        if contradicting
            || connect_at.is_some_and(|c| {
                // A failure before a connection in the same attempt.
                sigs.iter()
                    .position(|(_, l)| *l == first.2)
                    .is_some_and(|f| f < c)
            })
        {
            let mut ev: Vec<&'l str> = failures.iter().map(|(_, _, l)| *l).collect();
            ev.extend(&connected);
            ev.sort_by_key(|e| lines.iter().position(|l| l == e));
            ev.dedup();
            return (Outcome::CantTell, Some(Detail::Contradicting), ev);
        }
        let detail = failures.iter().find_map(|(_, d, _)| *d);
        let detail = detail.or_else(|| icmp_detail(&first.0, lines));
        return (
            first.0.clone(),
            detail,
            failures.iter().map(|(_, _, l)| *l).collect(),
        );
    }

    if program == Some(Program::OpensslSClient) {
        if let Some(r) = openssl_hangup(lines) {
            return r;
        }
        if let Some((o, ev)) = read_openssl(lines) {
            let direct = command.is_some_and(|c| !c.starttls);
            let d = match &o {
                Outcome::TlsFailed { detail: Some(d) }
                    if direct
                        && (has(d, "wrong version number") || has(d, "packet length too long")) =>
                {
                    Some(Detail::TlsOnPlainPort)
                }
                _ => None,
            };
            return (o, d, ev);
        }
    }

    // Log lines and exceptions that report the greeting stage directly.
    if let Some((Sig::Greeted(code, text), l)) =
        sigs.iter().find(|(s, _)| matches!(s, Sig::Greeted(..)))
    {
        let g = greeting(*code, text);
        if *code >= 400 {
            return (Outcome::GreetingRefused { greeting: g }, None, vec![*l]);
        }
    }
    if let Some((_, l)) = sigs.iter().find(|(s, _)| *s == Sig::Delivered) {
        return (
            Outcome::Open {
                greeting: None,
                starttls: StartTls::NotTested,
            },
            Some(Detail::Delivered),
            vec![*l],
        );
    }

    // The first reply is the greeting; openssl hides it, so it is skipped.
    let replies: Vec<(u16, &String, &'l str)> = if program == Some(Program::OpensslSClient) {
        Vec::new()
    } else {
        sigs.iter()
            .filter_map(|(s, l)| match s {
                Sig::Reply(c, t) => Some((*c, t, *l)),
                _ => None,
            })
            .collect()
    };
    let first_reply_line = replies
        .first()
        .and_then(|r| lines.iter().position(|l| *l == r.2));
    // A tool that gave up waiting, then printed a late greeting as the
    // answer to its QUIT: the greeting did not come in time.
    if let Some(t) = read_timeout {
        let t_at = lines.iter().position(|l| *l == t);
        if first_reply_line.is_none_or(|r| t_at.is_some_and(|t| t < r)) {
            let mut ev = connected.clone();
            ev.push(t);
            ev.extend(first_reply_line.map(|r| lines[r]));
            return (Outcome::NoGreeting, Some(Detail::GreetingTimedOut), ev);
        }
    }
    let no_starttls = sigs
        .iter()
        .find(|(s, _)| *s == Sig::NoStartTls)
        .map(|x| x.1);
    let tls_error = sigs.iter().find(|(s, _)| *s == Sig::TlsError).map(|x| x.1);
    let ehlo_tuple = sigs.iter().find_map(|(s, l)| match s {
        Sig::Ehlo(offered) => Some((*offered, *l)),
        _ => None,
    });

    if let Some(&(code, text, raw)) = replies.first().filter(|r| is_greeting_code(r.0)) {
        let g = greeting(code, text);
        if code >= 400 {
            return (Outcome::GreetingRefused { greeting: g }, None, vec![raw]);
        }
        let mut ev = connected.clone();
        ev.push(raw);
        if let Some(l) = no_starttls {
            ev.push(l);
            return (Outcome::NoStartTls, None, ev);
        }
        if let Some(l) = tls_error {
            ev.push(l);
            return (
                Outcome::TlsFailed {
                    detail: Some(l.to_owned()),
                },
                None,
                ev,
            );
        }
        let caps: Vec<(&String, &'l str)> = replies
            .iter()
            .skip(1)
            .filter(|(c, _, _)| *c == 250)
            .map(|(_, t, l)| (*t, *l))
            .collect();
        let starttls = if caps.len() < 2 {
            StartTls::NotTested
        } else if let Some((_, l)) = caps.iter().find(|(t, _)| has(t, "STARTTLS")) {
            ev.push(l);
            StartTls::Offered
        } else {
            StartTls::NotOffered
        };
        return (
            Outcome::Open {
                greeting: Some(g),
                starttls,
            },
            None,
            ev,
        );
    }

    // Connected, and the greeting is not shown as such.
    if let Some(l) = no_starttls {
        let mut ev = connected.clone();
        ev.push(l);
        return (Outcome::NoStartTls, None, ev);
    }
    if let Some(l) = tls_error {
        let mut ev = connected.clone();
        ev.push(l);
        return (
            Outcome::TlsFailed {
                detail: Some(l.to_owned()),
            },
            None,
            ev,
        );
    }
    if let Some((offered, l)) = ehlo_tuple {
        // smtplib only returns from SMTP() after a 220 greeting.
        return (
            Outcome::Open {
                greeting: None,
                starttls: if offered {
                    StartTls::Offered
                } else {
                    StartTls::NotOffered
                },
            },
            None,
            vec![l],
        );
    }
    if let Some(&(_, _, raw)) = replies.first().filter(|_| program.is_some()) {
        // A 214 or 250 answer from a known tool: a server spoke, so it
        // greeted; the greeting is not shown.
        let mut ev = connected.clone();
        ev.push(raw);
        return (
            Outcome::Open {
                greeting: None,
                starttls: StartTls::NotTested,
            },
            None,
            ev,
        );
    }
    if let Some((_, l)) = sigs.iter().find(|(s, _)| *s == Sig::Closed) {
        let mut ev = connected.clone();
        ev.push(l);
        return (Outcome::NoGreeting, Some(Detail::ClosedBeforeGreeting), ev);
    }
    if !connected.is_empty() {
        let zero_io = command.is_some_and(|c| c.zero_io);
        let open = (
            Outcome::Open {
                greeting: None,
                starttls: StartTls::NotTested,
            },
            zero_io.then_some(Detail::ZeroIo),
            connected.clone(),
        );
        return match program {
            _ if zero_io => open,
            Some(p) if !p.shows_greeting() => open,
            // nc without its command line: -z looks the same as a silent server.
            Some(Program::NetcatOpenbsd | Program::NetcatTraditional | Program::Netcat)
                if command.is_none() =>
            {
                open
            }
            _ => (Outcome::NoGreeting, None, connected),
        };
    }
    if let Some((_, l)) = sigs.iter().find(|(s, _)| *s == Sig::Retry) {
        return (Outcome::CantTell, Some(Detail::RetryNotReached), vec![*l]);
    }

    // A telnet stuck at "Trying ..." or an openssl that printed nothing yet.
    let trying: Vec<&'l str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("Trying ") || l.starts_with("=== Trying"))
        .collect();
    if !trying.is_empty() && trying.len() == lines.len() {
        return (Outcome::StillConnecting, None, trying);
    }
    (Outcome::CantTell, None, Vec::new())
}

/// Linux reports ICMP "administratively prohibited" and "host unreachable"
/// both as "No route to host"; nmap's reason tells them apart, others do not.
fn icmp_detail(outcome: &Outcome, lines: &[&str]) -> Option<Detail> {
    if *outcome != Outcome::NoRouteToHost {
        return None;
    }
    if lines.iter().any(|l| has(l, "prohibited")) {
        return Some(Detail::AdminProhibited);
    }
    None
}

/// `openssl s_client` whose server hung up (`write:errno=32`, a broken
/// pipe) before TLS: openssl hides what the server said, but counts it.
fn openssl_hangup<'l>(lines: &[&'l str]) -> Option<(Outcome, Option<Detail>, Vec<&'l str>)> {
    let hangup = lines
        .iter()
        .copied()
        .find(|l| l.starts_with("write:errno=32") || l.starts_with("write:errno=104"))?;
    let read = lines.iter().copied().find_map(|l| {
        let rest = l.strip_prefix("SSL handshake has read ")?;
        let n: u64 = rest.split_whitespace().next()?.parse().ok()?;
        Some((n, l))
    });
    let mut ev: Vec<&'l str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("CONNECTED("))
        .collect();
    ev.push(hangup);
    match read {
        Some((0, l)) => {
            ev.push(l);
            Some((Outcome::NoGreeting, Some(Detail::ClosedBeforeGreeting), ev))
        }
        Some((_, l)) => {
            ev.push(l);
            Some((Outcome::CantTell, Some(Detail::GreetingHidden), ev))
        }
        None => Some((Outcome::CantTell, Some(Detail::GreetingHidden), ev)),
    }
}

/// Reads the TLS part of `openssl s_client` output.
fn read_openssl<'l>(output: &[&'l str]) -> Option<(Outcome, Vec<&'l str>)> {
    let find = |p: &dyn Fn(&str) -> bool| output.iter().copied().find(|l| p(l));
    if let Some(l) = find(&|l| l.contains("Didn't find STARTTLS")) {
        return Some((Outcome::NoStartTls, vec![l]));
    }
    let session = find(&|l| l.starts_with("New, ") && l.contains("Cipher is"));
    let error = find(&|l| {
        l.contains(":error:") || has(l, "handshake failure") || l.starts_with("write:errno")
    });
    match session {
        Some(s) if s.contains("(NONE)") => {
            let mut evidence: Vec<&'l str> = error.into_iter().collect();
            evidence.push(s);
            Some((
                Outcome::TlsFailed {
                    detail: error.map(str::to_owned),
                },
                evidence,
            ))
        }
        Some(s) => {
            let verify = find(&|l| l.starts_with("Verify return code:"));
            match verify {
                Some(v) if !v.starts_with("Verify return code: 0 ") => {
                    let detail = v
                        .split_once('(')
                        .map_or(v, |(_, d)| d.trim_end_matches(')'));
                    Some((
                        Outcome::CertificateProblem {
                            detail: detail.to_owned(),
                        },
                        vec![s, v],
                    ))
                }
                _ => Some((
                    Outcome::Tls {
                        session: Some(s.to_owned()),
                    },
                    [Some(s), verify].into_iter().flatten().collect(),
                )),
            }
        }
        None => error.map(|e| {
            (
                Outcome::TlsFailed {
                    detail: Some(e.to_owned()),
                },
                vec![e],
            )
        }),
    }
}

// ---------------------------------------------------------------------------
// What it means.

/// The tree node and the advice for a case, in words that name the port.
fn guide(case: &Case) -> (&'static str, String) {
    let port = case.port;
    let other_port = port.is_some_and(|p| p != 25);
    // "Port 25", "Port 2525" or "The port you tested".
    let port_name = match port {
        Some(p) => format!("Port {p}"),
        None => "The port you tested".to_owned(),
    };
    let not_25 = match port {
        Some(p) if p != 25 => format!(
            " This tested port {p}, not 25: it says nothing about port 25, so run the same test against port 25."
        ),
        _ => String::new(),
    };
    let program = case.program;
    let (node, advice): (&'static str, String) = match (&case.outcome, case.detail) {
        (Outcome::Open { .. }, Some(Detail::Delivered)) => (
            "connection-works",
            format!("{port_name} works from this mail server: the message was delivered."),
        ),
        (Outcome::Open { .. }, _) if other_port => (
            "other-ports",
            format!("{port_name} connects.{not_25}"),
        ),
        (
            Outcome::Open {
                starttls: StartTls::NotOffered,
                ..
            },
            _,
        ) => (
            "no-starttls",
            format!("{port_name} is open, but the EHLO reply lists no STARTTLS."),
        ),
        (Outcome::Open { greeting: None, .. }, Some(Detail::ZeroIo)) => (
            "greeting-check",
            format!("{port_name} connects. nc -z closes without reading: run it without -z to see who answers."),
        ),
        (Outcome::Open { greeting: None, .. }, _) => (
            "greeting-check",
            format!("{port_name} connects. This output does not show the greeting: run nc -v or telnet without -z to see who answers."),
        ),
        (Outcome::Open { .. }, _) => (
            "greeting-check",
            format!("{port_name} is open and a server greeted you: check that the greeting names the host you dialled."),
        ),
        (Outcome::GreetingRefused { greeting }, _) if greeting.code >= 500 => (
            "ip-reputation",
            "The server refuses service at the greeting, usually because of your address's reputation or reverse DNS. The connection itself works.".to_owned(),
        ),
        (Outcome::GreetingRefused { .. }, _) => (
            "remote-temporary-failure",
            "The server is temporarily refusing connections; your mail server will retry. The connection itself works.".to_owned(),
        ),
        (Outcome::NoGreeting, Some(Detail::ClosedBeforeGreeting)) => (
            "silent-connection",
            format!("{port_name} connects, but the server hung up without a greeting: a busy server, a tarpit, or a middlebox that accepts and drops connections.{not_25}"),
        ),
        (Outcome::NoGreeting, _) => (
            "silent-wait",
            format!("{port_name} connects but no greeting arrived: test again and wait at least 30 seconds.{not_25}"),
        ),
        (Outcome::Tls { .. }, _) => (
            "connection-works",
            format!("{port_name} is open, TLS works and the certificate verified."),
        ),
        (Outcome::CertificateProblem { .. }, _) => (
            "certificate-problem",
            format!("{port_name} and TLS work; the certificate did not verify, which does not stop delivery between mail servers."),
        ),
        (Outcome::TlsFailed { .. }, Some(Detail::TlsOnPlainPort)) => (
            "tls-handshake-failed",
            format!("{port_name} answered in plain text to a TLS hello: it expects STARTTLS. Use openssl s_client -starttls smtp for port 25 and 587; only 465 speaks TLS straight away."),
        ),
        (Outcome::TlsFailed { .. }, _) => (
            "tls-handshake-failed",
            format!("{port_name} is open, but the TLS handshake failed."),
        ),
        (Outcome::NoStartTls, _) if program == Some(Program::OpensslSClient) => (
            "no-starttls",
            format!("{port_name} is open, but the server did not offer STARTTLS. openssl hides the greeting and the EHLO reply, and a server that refuses you at the greeting looks the same: run nc -v -w 10 HOST {} to see them.", port.unwrap_or(25)),
        ),
        (Outcome::NoStartTls, _) => (
            "no-starttls",
            format!("{port_name} is open, but the server did not offer STARTTLS."),
        ),
        (Outcome::Timeout, _) if other_port => (
            "other-ports",
            format!("{port_name} timed out.{not_25}"),
        ),
        (Outcome::Timeout, _) => (
            "timeout-scope",
            "The connection to port 25 timed out: test a second destination, and IPv4 and IPv6 separately.".to_owned(),
        ),
        (Outcome::ConnectFailed, Some(Detail::FilteredNoReason)) => (
            if other_port { "other-ports" } else { "timeout-scope" },
            format!("nmap's \u{201c}filtered\u{201d} means no answer or an ICMP rejection: run nmap again with --reason to see which (no-response is a timeout).{not_25}"),
        ),
        (Outcome::ConnectFailed, _) if program == Some(Program::TestNetConnection) => (
            if other_port { "other-ports" } else { "timeout-scope" },
            format!("The connection failed; Test-NetConnection does not say why. A failure after about 20 seconds is a timeout, an immediate one a refusal.{not_25}"),
        ),
        (Outcome::ConnectFailed, _) => (
            if other_port { "other-ports" } else { "timeout-scope" },
            format!("The connection failed and the output does not say why: run nc -v -w 10 HOST {} to see the reason.{not_25}", port.unwrap_or(25)),
        ),
        (Outcome::StillConnecting, _) => (
            if other_port { "other-ports" } else { "timeout-scope" },
            format!("The tool was still trying to connect when it stopped; if it hung for more than 10 seconds, that is a timeout.{not_25}"),
        ),
        (Outcome::Refused, _) => (
            "refused-scope",
            format!("Something answered {} with a refusal: test a second destination to see whether it is one server or all.{not_25}", lower_first(&port_name)),
        ),
        (Outcome::NetworkUnreachable, _) => (
            "no-route",
            "Your machine has no route to that address: check the other IP family and your routes. This is not a port block.".to_owned(),
        ),
        (Outcome::NoRouteToHost, Some(Detail::AdminProhibited)) => (
            "no-route",
            format!("A firewall rejected the connection to {} with an ICMP message: if other ports to the same host connect, that firewall blocks this port.", lower_first(&port_name)),
        ),
        (Outcome::NoRouteToHost, _) => (
            "no-route",
            format!("No route to host: a router or firewall answered that it cannot or will not forward the connection. Test another port to the same host: if it connects, {} is being rejected.", lower_first(&port_name)),
        ),
        (Outcome::DnsFailure, _) => (
            "dns-lookup-failed",
            "The host name did not resolve: check its spelling and your resolver, or pick another destination.".to_owned(),
        ),
        (Outcome::CantTell, Some(Detail::SeveralCases(n))) => (
            "how-to-test",
            format!("This paste holds {n} different tests; each is read on its own. Paste one test at a time to jump to its step."),
        ),
        (Outcome::CantTell, Some(Detail::RetryNotReached)) => (
            "deferred-why",
            "Exim did not try this host now because an earlier attempt failed: find that earlier line for the same host (it says timed out, refused, ...), or run exinext with the domain.".to_owned(),
        ),
        (Outcome::CantTell, Some(Detail::TimeoutBeforeGreeting)) => (
            "timeout-scope",
            format!("Exim logs \u{201c}SMTP timeout after initial connection\u{201d} both when the connection never opens and when the server never greets. Run nc -v -w 10 HOST {} on this server: a timeout there is a blocked port, a connection without a greeting a silent server.", port.unwrap_or(25)),
        ),
        (Outcome::CantTell, Some(Detail::GreetingHidden)) => (
            "how-to-test",
            format!("openssl hides the greeting, and the server hung up after it, as servers do after a 421 or 554 greeting: run nc -v -w 10 HOST {} to see what it says.", port.unwrap_or(25)),
        ),
        (Outcome::CantTell, Some(Detail::Contradicting)) => (
            "how-to-test",
            "The output shows different results, probably for several addresses of one name: test each address, and IPv4 and IPv6 separately (-4 and -6).".to_owned(),
        ),
        (Outcome::CantTell, _) => ("how-to-test", cant_tell_advice(program, port)),
    };
    (node, advice)
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Which output would settle a case the reader cannot tell.
fn cant_tell_advice(program: Option<Program>, port: Option<u16>) -> String {
    let p = port.unwrap_or(25);
    match program {
        Some(Program::BashDevTcp) => format!(
            "bash printed nothing: it either connected and no line came, or it was stopped while connecting. Run: timeout 15 bash -c 'exec 3<>/dev/tcp/HOST/{p} && echo connected && head -n 1 <&3'; echo \"exit $?\" (exit 124 without \"connected\" is a timeout)."
        ),
        Some(Program::BusyboxNc) => format!(
            "BusyBox nc prints nothing on a timeout or when the server hangs up: run nc -v -w 10 HOST {p} or telnet HOST {p} to see the reason."
        ),
        Some(Program::Socat) => format!(
            "socat printed no result: run it with -d -d (socat -d -d - TCP:HOST:{p},connect-timeout=10) to see whether it connected."
        ),
        Some(Program::PostfixLog | Program::EximLog | Program::OpensmtpdLog) => {
            "These log lines show no delivery attempt's result: paste the line with status=deferred (Postfix) or the == / ** line (Exim) for the message.".to_owned()
        }
        Some(prog) => format!(
            "This {} output shows no result that can be read with confidence: run nc -v -w 10 HOST {p} and paste its whole output.",
            prog.name()
        ),
        None => format!(
            "This output cannot be read with confidence: paste the output of one test at a time, with its command line, e.g. nc -v -w 10 HOST {p}."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greeting_host_skips_status_codes() {
        let g = greeting(554, "554 5.7.1 mx.example.org go away");
        assert_eq!(g.host, None);
        let g = greeting(220, "220 mx.google.com ESMTP ready");
        assert_eq!(g.host.as_deref(), Some("mx.google.com"));
        let g = greeting(220, "220-[192.0.2.1] hello");
        assert_eq!(g.host.as_deref(), Some("[192.0.2.1]"));
    }

    #[test]
    fn empty_and_unknown_text_cannot_be_read() {
        for text in [
            "",
            "   \n",
            "hello world\nsomething else",
            "250 apples\n214 pears",
        ] {
            let r = read_output(text);
            assert_eq!(r.outcome, Outcome::CantTell, "{text:?}");
            assert_eq!(r.tool, None);
            assert_eq!(r.program, None);
            assert_eq!(r.node, "how-to-test");
            assert!(r.advice.contains("nc -v"), "{}", r.advice);
        }
    }

    #[test]
    fn two_pasted_results_are_two_cases() {
        let text = "nc: connect to a.example port 25 (tcp) failed: Connection refused\n\
                    Connection to b.example 25 port [tcp/smtp] succeeded!\n\
                    220 b.example ESMTP\n";
        let paste = read_paste(text);
        assert!(paste.is_several());
        assert_eq!(paste.cases[0].outcome, Outcome::Refused);
        assert_eq!(paste.cases[0].host.as_deref(), Some("a.example"));
        assert!(matches!(paste.cases[1].outcome, Outcome::Open { .. }));
        assert_eq!(paste.cases[1].host.as_deref(), Some("b.example"));
        let r = read_output(text);
        assert_eq!(r.outcome, Outcome::CantTell);
        assert_eq!(r.detail, Some(Detail::SeveralCases(2)));
        assert_eq!(r.evidence.len(), 3);
        assert!(paste.summary().contains("2 different tests"));
    }

    #[test]
    fn the_same_failure_twice_is_one_case() {
        let line = "nc: connect to a.example port 25 (tcp) failed: Connection refused\n";
        let paste = read_paste(&format!("{line}{line}"));
        assert_eq!(paste.cases.len(), 1);
        assert_eq!(paste.cases[0].evidence.len(), 2);
    }

    #[test]
    fn every_outcome_points_at_a_node_of_the_shipped_tree() {
        let tree = crate::diagnose::Tree::builtin();
        let g = |code| greeting(code, "220 mx.example.org ESMTP");
        let outcomes = [
            Outcome::Open {
                greeting: Some(g(220)),
                starttls: StartTls::Offered,
            },
            Outcome::Open {
                greeting: Some(g(220)),
                starttls: StartTls::NotOffered,
            },
            Outcome::Open {
                greeting: None,
                starttls: StartTls::NotTested,
            },
            Outcome::GreetingRefused { greeting: g(554) },
            Outcome::GreetingRefused { greeting: g(421) },
            Outcome::NoGreeting,
            Outcome::Tls { session: None },
            Outcome::CertificateProblem {
                detail: String::new(),
            },
            Outcome::TlsFailed { detail: None },
            Outcome::NoStartTls,
            Outcome::Timeout,
            Outcome::ConnectFailed,
            Outcome::StillConnecting,
            Outcome::Refused,
            Outcome::NetworkUnreachable,
            Outcome::NoRouteToHost,
            Outcome::DnsFailure,
            Outcome::CantTell,
        ];
        let details = [
            None,
            Some(Detail::ClosedBeforeGreeting),
            Some(Detail::GreetingTimedOut),
            Some(Detail::ZeroIo),
            Some(Detail::Delivered),
            Some(Detail::AdminProhibited),
            Some(Detail::HostUnreachable),
            Some(Detail::TlsOnPlainPort),
            Some(Detail::FilteredNoReason),
            Some(Detail::RetryNotReached),
            Some(Detail::TimeoutBeforeGreeting),
            Some(Detail::GreetingHidden),
            Some(Detail::NothingPrinted),
            Some(Detail::Contradicting),
            Some(Detail::SeveralCases(2)),
        ];
        for outcome in &outcomes {
            for detail in details {
                for (program, port) in [
                    (None, None),
                    (Some(Program::TestNetConnection), Some(25)),
                    (Some(Program::Ncat), Some(2525)),
                ] {
                    let case = Case {
                        program,
                        outcome: outcome.clone(),
                        detail,
                        host: Some("mx.example.org".to_owned()),
                        port,
                        evidence: Vec::new(),
                    };
                    let r = case.into_reading();
                    assert!(
                        tree.node(r.node).is_some(),
                        "{outcome:?} {detail:?} -> {}",
                        r.node
                    );
                    assert!(!r.advice.is_empty());
                    assert!(!r.result().is_empty());
                    if port == Some(2525) {
                        let result = r.result();
                        assert!(
                            !result.contains("port 25 ") && !r.advice.contains("Port 25 "),
                            "{outcome:?} {detail:?}: {result} / {}",
                            r.advice
                        );
                    }
                }
            }
        }
    }

    /// Typical lines from other platforms and from real MX hosts, typed for
    /// illustration (the real captures live in `tests/captures/`).
    #[test]
    fn illustrative_outputs_from_other_platforms() {
        let cases: &[(&str, Option<Program>, &str)] = &[
            (
                "nc: connectx to gmail-smtp-in.l.google.com port 25 (tcp) failed: Operation timed out",
                Some(Program::NetcatOpenbsd),
                "timeout-scope",
            ),
            (
                "Trying 192.0.2.25...\ntelnet: Unable to connect to remote host: Connection timed out",
                Some(Program::InetutilsTelnet),
                "timeout-scope",
            ),
            (
                "Connection to mx.example.net 25 port [tcp/smtp] succeeded!\n220 mx.example.net ESMTP Postfix",
                Some(Program::NetcatOpenbsd),
                "greeting-check",
            ),
            (
                "CONNECTED(00000003)\n---\nNew, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384\nVerify return code: 0 (ok)\n---\n250 SMTPUTF8",
                Some(Program::OpensslSClient),
                "connection-works",
            ),
            (
                "=== Trying mx.example.net:25...\n=== Connected to mx.example.net.\n<-  220-mx.example.net ESMTP\n<-  220 please wait",
                Some(Program::Swaks),
                "greeting-check",
            ),
        ];
        for (text, program, node) in cases {
            let r = read_output(text);
            assert_eq!(
                (r.program, r.node),
                (*program, *node),
                "{text}: {:?}",
                r.outcome
            );
        }
    }

    #[test]
    fn a_4xx_greeting_is_temporary() {
        let r = read_output("Connected to x.\n421 4.3.2 Service not available\n");
        assert!(matches!(r.outcome, Outcome::GreetingRefused { .. }));
        assert_eq!(r.node, "remote-temporary-failure");
    }

    #[test]
    fn a_help_reply_is_not_the_greeting() {
        let r =
            read_output("$ curl smtp://mx.example.org\n214-Commands supported:\n214 HELO EHLO\n");
        assert_eq!(r.program, Some(Program::CurlSmtp));
        assert_eq!(
            r.outcome,
            Outcome::Open {
                greeting: None,
                starttls: StartTls::NotTested
            }
        );
        assert!(!r.result().contains("214"), "{}", r.result());
    }

    #[test]
    fn each_address_a_tool_tried_is_a_case() {
        let nc = "nc: connect to mx.example.org port 25 (tcp) failed: Network is unreachable\n\
                  Connection to mx.example.org 25 port [tcp/smtp] succeeded!\n\
                  220 mx.example.org ESMTP\n";
        let telnet = "Trying 2001:db8::1...\n\
                      telnet: connect to address 2001:db8::1: Network is unreachable\n\
                      Trying 192.0.2.1...\n\
                      Connected to mx.example.org.\n\
                      Escape character is '^]'.\n\
                      220 mx.example.org ESMTP\n";
        for text in [nc, telnet] {
            let paste = read_paste(text);
            assert_eq!(paste.cases.len(), 2, "{text}");
            assert_eq!(paste.cases[0].outcome, Outcome::NetworkUnreachable);
            assert!(matches!(
                paste.cases[1].outcome,
                Outcome::Open {
                    greeting: Some(_),
                    ..
                }
            ));
        }
    }

    #[test]
    fn other_spellings_of_the_same_results() {
        let cases: &[(&str, Option<Program>, Outcome, Option<u16>)] = &[
            (
                "2026-11-29T20:10:01.123456+00:00 relay postfix/smtp[123]: 4ABC123DEF: to=<a@example.org>, relay=none, delay=30, delays=0/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.org[192.0.2.1]:25: Connection timed out)",
                Some(Program::PostfixLog),
                Outcome::Timeout,
                Some(25),
            ),
            (
                "Nov 29 20:10:01 relay smtpd[123]: 439ed309d8155ab4 mta error reason=Connection timeout",
                Some(Program::OpensmtpdLog),
                Outcome::Timeout,
                None,
            ),
            (
                "Traceback (most recent call last):\n  File \"/usr/lib/python3.8/smtplib.py\", line 339, in connect\nsocket.timeout: timed out",
                Some(Program::PythonSmtplib),
                Outcome::Timeout,
                None,
            ),
            (
                "ConnectionRefusedError: [WinError 10061] No connection could be made because the target machine actively refused it",
                None,
                Outcome::Refused,
                None,
            ),
            (
                "PS C:\\> (New-Object System.Net.Sockets.TcpClient).ConnectAsync('192.0.2.1', 587).Wait(5000)\nFalse",
                Some(Program::DotNetTcpClient),
                Outcome::ConnectFailed,
                Some(587),
            ),
        ];
        for (text, program, outcome, port) in cases {
            let r = read_output(text);
            assert_eq!(
                (r.program, &r.outcome, r.port),
                (*program, outcome, *port),
                "{text}"
            );
            assert!(!r.evidence.is_empty(), "{text}");
        }
    }

    #[test]
    fn only_220_and_refusals_are_greetings() {
        assert!(is_greeting_code(220));
        assert!(is_greeting_code(421));
        assert!(is_greeting_code(554));
        assert!(!is_greeting_code(214));
        assert!(!is_greeting_code(250));
    }
}
