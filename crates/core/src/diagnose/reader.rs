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

mod classify;
mod guide;
mod lines;
mod program;
mod split;

pub use program::Program;

use super::commands::Tool;
use classify::{classify, Case};
#[cfg(test)]
use classify::{greeting, is_greeting_code};
use split::segments;

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
        let quiet =
            "PS C:\\> Test-NetConnection mx.example.org -Port 25 -InformationLevel Quiet\nTrue";
        let r = read_output(quiet);
        assert_eq!(
            (r.program, r.port),
            (Some(Program::TestNetConnection), Some(25))
        );
        assert!(matches!(r.outcome, Outcome::Open { greeting: None, .. }));
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
