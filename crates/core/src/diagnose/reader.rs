//! Reads what a connection test printed and says what it means.
//!
//! A visitor pastes the output of `nc`, `telnet`, `openssl s_client`,
//! `swaks`, `nmap` or PowerShell's `Test-NetConnection`; [`read_output`]
//! recognises the tool, classifies the result ([`Outcome`]), keeps the lines
//! that show it ([`Reading::evidence`]) and names the decision-tree node the
//! page should jump to. Patterns come from what these tools really print (the
//! captures under `crates/core/tests/captures/`). When the text is empty,
//! mixed (two tests pasted together) or unfamiliar, the answer is an honest
//! [`Outcome::CantTell`] with what to try next, never a guess. This module
//! reads text only: it runs no command and opens no connection.

use super::commands::Tool;

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
    /// The connection opened but no greeting arrived before the tool gave up:
    /// a greet delay, postscreen, a tarpit or a silent middlebox.
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
    /// STARTTLS was tried and the TLS handshake failed.
    TlsFailed {
        /// The tool's error line, if any.
        detail: Option<String>,
    },
    /// The server did not offer STARTTLS (`openssl s_client` says so
    /// explicitly; for others see [`StartTls::NotOffered`]).
    NoStartTls,
    /// The connection attempt timed out or the port is filtered: packets
    /// vanished on the way.
    Timeout,
    /// The connection failed and the tool does not say how
    /// (`Test-NetConnection` reports timeouts and refusals alike).
    ConnectFailed,
    /// The tool was still waiting to connect when it was stopped.
    StillConnecting,
    /// A host answered with a reset: nothing listens, or a firewall rejects.
    Refused,
    /// The local machine has no route for that address family or network.
    NetworkUnreachable,
    /// No route to the host, or a router or firewall answered "host unreachable".
    NoRouteToHost,
    /// The host name did not resolve.
    DnsFailure,
    /// The output is empty, mixed or unfamiliar.
    CantTell,
}

/// The reader's conclusion about one pasted output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The tool that printed it, or `None` when it cannot be recognised.
    pub tool: Option<Tool>,
    /// What the output shows.
    pub outcome: Outcome,
    /// The lines that show it, trimmed, in the order they appeared.
    pub evidence: Vec<String>,
    /// The id of the decision-tree node that explains this outcome.
    pub node: &'static str,
    /// One sentence on what the outcome means or what to try next.
    pub advice: &'static str,
}

/// Reads a pasted test output: recognises the tool, classifies the result and
/// keeps the evidence. Never fails; unreadable text gives [`Outcome::CantTell`].
pub fn read_output(text: &str) -> Reading {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let tool = detect_tool(&lines);
    let (outcome, evidence) = classify(tool, &lines);
    let (node, advice) = guide(tool, &outcome);
    Reading {
        tool,
        outcome,
        evidence: evidence.into_iter().map(str::to_owned).collect(),
        node,
        advice,
    }
}

/// A line that records the typed command rather than the tool's output:
/// `$ nc ...`, `# nc ...`, `PS C:\> Test-NetConnection ...`, `> ...`.
fn command_of(line: &str) -> Option<&str> {
    if let Some(rest) = line.strip_prefix("PS ") {
        return rest.split_once("> ").map(|(_, cmd)| cmd.trim());
    }
    for prompt in ["$ ", "# ", "% ", "> "] {
        if let Some(i) = line.find(prompt) {
            // A prompt is at the start or after user@host:dir.
            let before = &line[..i];
            if i == 0 || before.contains('@') || before.contains(':') {
                return Some(line[i + prompt.len()..].trim());
            }
        }
    }
    None
}

/// The tool a command line runs, skipping wrappers such as `sudo` or `timeout 20`.
fn tool_of_command(cmd: &str) -> Option<Tool> {
    let mut words = cmd.split_whitespace().peekable();
    while let Some(w) = words.next() {
        let name = w.rsplit('/').next().unwrap_or(w);
        let tool = match name.to_ascii_lowercase().as_str() {
            "sudo" | "time" | "command" | "env" => continue,
            "timeout" => {
                // Skip the duration that follows.
                words.next();
                continue;
            }
            "nc" | "netcat" | "ncat" | "nc.openbsd" | "nc.traditional" => Tool::Netcat,
            "telnet" => Tool::Telnet,
            "openssl" => Tool::OpensslSClient,
            "swaks" => Tool::Swaks,
            "nmap" => Tool::Nmap,
            "test-netconnection" | "tnc" => Tool::TestNetConnection,
            _ => return None,
        };
        return Some(tool);
    }
    None
}

/// Recognises the tool from a command line if one was pasted, else from the
/// shape of its output.
fn detect_tool(lines: &[&str]) -> Option<Tool> {
    if let Some(t) = lines
        .iter()
        .filter_map(|l| command_of(l))
        .find_map(tool_of_command)
    {
        return Some(t);
    }
    let any = |f: &dyn Fn(&str) -> bool| lines.iter().any(|l| f(l));
    if any(&|l| {
        l.starts_with("=== Trying")
            || l.starts_with("=== Connected")
            || l.starts_with("*** Error connecting")
            || l.starts_with("<-  ")
            || l.starts_with("<** ")
    }) {
        return Some(Tool::Swaks);
    }
    if any(&|l| {
        l.starts_with("Starting Nmap")
            || l.starts_with("Nmap scan report")
            || l.contains("Nmap done")
    }) {
        return Some(Tool::Nmap);
    }
    if any(&|l| {
        l.starts_with("TcpTestSucceeded")
            || l.starts_with("WARNING: TCP connect to")
            || l.starts_with("RemotePort")
            || l.starts_with("WARNING: Name resolution of")
    }) {
        return Some(Tool::TestNetConnection);
    }
    if any(&|l| {
        l.starts_with("CONNECTED(")
            || l.starts_with("Verify return code")
            || l.contains("Didn't find STARTTLS")
            || l.starts_with("connect:errno=")
            || l.contains(":BIO_")
    }) {
        return Some(Tool::OpensslSClient);
    }
    if any(&|l| {
        l.starts_with("Escape character is")
            || l.starts_with("telnet:")
            || l.starts_with("Connection closed by foreign host")
            || l.starts_with("Server lookup failure:")
            || (l.starts_with("Trying ") && l.ends_with("..."))
    }) {
        return Some(Tool::Telnet);
    }
    if any(&|l| {
        l.starts_with("nc: ")
            || l.starts_with("netcat: ")
            || (l.starts_with("Connection to ") && l.ends_with("succeeded!"))
    }) {
        return Some(Tool::Netcat);
    }
    None
}

/// Reads an SMTP reply line (RFC 5321 4.2): three digits then space, hyphen
/// or end of line. Strips swaks's `<-  ` and `<** ` prefixes.
fn reply(line: &str) -> Option<(u16, &str)> {
    let line = line
        .strip_prefix("<-")
        .or_else(|| line.strip_prefix("<**"))
        .map(str::trim_start)
        .unwrap_or(line);
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
    Some((code, line))
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

/// Case-insensitive substring test.
fn has(line: &str, needle: &str) -> bool {
    line.to_ascii_lowercase()
        .contains(&needle.to_ascii_lowercase())
}

/// A failure to connect, as one of the outcomes that exclude a connection.
fn failure_of(tool: Option<Tool>, line: &str) -> Option<Outcome> {
    const DNS: [&str; 9] = [
        "name or service not known",
        "temporary failure in name resolution",
        "could not resolve",
        "nodename nor servname",
        "failed to resolve",
        "no address associated with hostname",
        "name does not resolve",
        "name resolution of",
        "unknown host",
    ];
    if DNS.iter().any(|n| has(line, n)) {
        return Some(Outcome::DnsFailure);
    }
    if line.starts_with("WARNING: Ping") {
        // Test-NetConnection's ping result says nothing about port 25.
        return None;
    }
    if has(line, "network is unreachable")
        || has(line, "errno=101")
        || has(line, "failed to determine route")
    {
        return Some(Outcome::NetworkUnreachable);
    }
    if has(line, "no route to host") || has(line, "host is unreachable") || has(line, "errno=113") {
        return Some(Outcome::NoRouteToHost);
    }
    if has(line, "connection refused") || has(line, "errno=111") {
        return Some(Outcome::Refused);
    }
    if has(line, "timed out") || has(line, "operation timed out") || has(line, "errno=110") {
        return Some(Outcome::Timeout);
    }
    if line.starts_with("***") && has(line, "connect: timeout") {
        return Some(Outcome::Timeout); // swaks's reason line
    }
    if tool == Some(Tool::Nmap) || tool.is_none() {
        if let Some(state) = nmap_state(line) {
            return match state {
                "closed" => Some(Outcome::Refused),
                "filtered" | "open|filtered" => Some(Outcome::Timeout),
                _ => None,
            };
        }
    }
    if line.starts_with("WARNING: TCP connect to")
        || line.starts_with("*** Error connecting")
        || (line.starts_with("TcpTestSucceeded") && has(line, "false"))
    {
        return Some(Outcome::ConnectFailed);
    }
    None
}

/// The state word of an nmap port line such as `25/tcp open  smtp`.
fn nmap_state(line: &str) -> Option<&str> {
    let mut words = line.split_whitespace();
    let port = words.next()?;
    let (num, proto) = port.split_once('/')?;
    if proto != "tcp" || num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    words.next()
}

/// Whether a line shows that a TCP connection was established.
fn connected(tool: Option<Tool>, line: &str) -> bool {
    (line.starts_with("Connection to ") && line.ends_with("succeeded!"))
        || line.starts_with("Connected to ")
        || line.starts_with("=== Connected to ")
        || line.starts_with("CONNECTED(")
        || (line.starts_with("TcpTestSucceeded") && has(line, "true"))
        || ((tool == Some(Tool::Nmap) || tool.is_none()) && nmap_state(line) == Some("open"))
}

/// Classifies the lines and picks the evidence.
fn classify<'l>(tool: Option<Tool>, lines: &[&'l str]) -> (Outcome, Vec<&'l str>) {
    let output: Vec<&'l str> = lines
        .iter()
        .copied()
        .filter(|l| command_of(l).and_then(tool_of_command).is_none())
        .collect();

    let mut failures: Vec<(Outcome, &'l str)> = output
        .iter()
        .filter_map(|l| failure_of(tool, l).map(|o| (o, *l)))
        .collect();
    // "It failed" lines add nothing when another line says why.
    if failures.iter().any(|(o, _)| *o != Outcome::ConnectFailed) {
        failures.retain(|(o, _)| *o != Outcome::ConnectFailed);
    }
    let connects: Vec<&'l str> = output
        .iter()
        .copied()
        .filter(|l| connected(tool, l))
        .collect();

    // Two different results pasted together cannot be read as one.
    let mixed_failures = failures.iter().any(|(o, _)| *o != failures[0].0);
    if mixed_failures || (!failures.is_empty() && !connects.is_empty()) {
        let mut evidence: Vec<&'l str> = failures.iter().map(|(_, l)| *l).collect();
        evidence.extend(&connects);
        evidence.sort_by_key(|e| output.iter().position(|l| l == e));
        evidence.dedup();
        return (Outcome::CantTell, evidence);
    }
    if let Some((outcome, _)) = failures.first() {
        let evidence = failures.iter().map(|(_, l)| *l).collect();
        return (outcome.clone(), evidence);
    }

    if tool == Some(Tool::OpensslSClient) {
        if let Some(r) = read_openssl(&output) {
            return r;
        }
    }

    // The first reply line is the greeting; openssl hides it, so it is skipped.
    let replies: Vec<(u16, &'l str, &'l str)> = if tool == Some(Tool::OpensslSClient) {
        Vec::new()
    } else {
        output
            .iter()
            .filter_map(|l| reply(l).map(|(c, text)| (c, text, *l)))
            .collect()
    };
    // swaks gives up waiting for the greeting, and may then print a late one
    // as the answer to its QUIT: the greeting did not come in time.
    let gave_up = output
        .iter()
        .position(|l| l.starts_with("<** Timeout") && has(l, "waiting for server response"));
    let first_reply = output.iter().position(|l| reply(l).is_some());
    if let Some(i) = gave_up.filter(|i| first_reply.is_none_or(|r| r > *i)) {
        let mut evidence = connects.clone();
        evidence.push(output[i]);
        evidence.extend(first_reply.map(|r| output[r]));
        return (Outcome::NoGreeting, evidence);
    }
    if let Some(&(code, text, raw)) = replies.first() {
        let g = greeting(code, text);
        if code >= 400 {
            return (Outcome::GreetingRefused { greeting: g }, vec![raw]);
        }
        let mut evidence = connects.clone();
        evidence.push(raw);
        let ehlo: Vec<&'l str> = replies
            .iter()
            .skip(1)
            .filter(|(c, _, _)| *c == 250)
            .map(|(_, t, _)| *t)
            .collect();
        let starttls = if ehlo.len() < 2 {
            StartTls::NotTested
        } else if let Some(line) = ehlo.iter().find(|t| has(t, "STARTTLS")) {
            evidence.push(replies.iter().find(|r| r.1 == *line).map_or(*line, |r| r.2));
            StartTls::Offered
        } else {
            StartTls::NotOffered
        };
        return (
            Outcome::Open {
                greeting: Some(g),
                starttls,
            },
            evidence,
        );
    }

    if !connects.is_empty() {
        return match tool {
            Some(Tool::Nmap) | Some(Tool::TestNetConnection) => (
                Outcome::Open {
                    greeting: None,
                    starttls: StartTls::NotTested,
                },
                connects,
            ),
            _ => (Outcome::NoGreeting, connects),
        };
    }

    // A telnet stuck at "Trying ..." or an openssl that printed nothing yet.
    let trying: Vec<&'l str> = output
        .iter()
        .copied()
        .filter(|l| l.starts_with("Trying ") || l.starts_with("=== Trying"))
        .collect();
    if !trying.is_empty() && trying.len() == output.len() {
        return (Outcome::StillConnecting, trying);
    }
    if output.is_empty() && tool == Some(Tool::OpensslSClient) {
        let cmd = lines.to_vec();
        return (Outcome::StillConnecting, cmd);
    }
    (Outcome::CantTell, Vec::new())
}

/// Reads the TLS part of `openssl s_client -starttls smtp` output.
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

/// The tree node and one line of advice for an outcome.
fn guide(tool: Option<Tool>, outcome: &Outcome) -> (&'static str, &'static str) {
    match outcome {
        Outcome::Open {
            starttls: StartTls::NotOffered,
            ..
        } => (
            "no-starttls",
            "Port 25 is open, but the EHLO reply lists no STARTTLS.",
        ),
        Outcome::Open { greeting: None, .. } => (
            "greeting-check",
            "Port 25 connects. This tool does not show the greeting: run nc or telnet to see who answers.",
        ),
        Outcome::Open { .. } => (
            "greeting-check",
            "Port 25 is open and a server greeted you: check that the greeting names the host you dialled.",
        ),
        Outcome::GreetingRefused { greeting } if greeting.code >= 500 => (
            "ip-reputation",
            "The server refuses service at the greeting, usually because of your address's reputation or reverse DNS.",
        ),
        Outcome::GreetingRefused { .. } => (
            "remote-temporary-failure",
            "The server is temporarily refusing connections; your mail server will retry.",
        ),
        Outcome::NoGreeting => (
            "silent-wait",
            "It connected but no greeting arrived: test again and wait at least 30 seconds.",
        ),
        Outcome::Tls { .. } => (
            "connection-works",
            "Port 25 is open, STARTTLS works and the certificate verified.",
        ),
        Outcome::CertificateProblem { .. } => (
            "certificate-problem",
            "Port 25 and STARTTLS work; the certificate did not verify, which does not stop delivery.",
        ),
        Outcome::TlsFailed { .. } => (
            "tls-handshake-failed",
            "Port 25 is open, but the TLS handshake after STARTTLS failed.",
        ),
        Outcome::NoStartTls => (
            "no-starttls",
            "Port 25 is open, but the server did not offer STARTTLS; openssl hides the greeting, so run nc to see it.",
        ),
        Outcome::Timeout => (
            "timeout-scope",
            "The connection timed out: test a second destination, and IPv4 and IPv6 separately.",
        ),
        Outcome::ConnectFailed if tool == Some(Tool::TestNetConnection) => (
            "timeout-scope",
            "The connection failed; Test-NetConnection does not say why. A failure after about 20 seconds is a timeout, an immediate one a refusal.",
        ),
        Outcome::ConnectFailed => (
            "timeout-scope",
            "The connection failed and the output does not say why: run nc -v -w 10 to see the reason.",
        ),
        Outcome::StillConnecting => (
            "timeout-scope",
            "The tool was still trying to connect when it stopped; if it hung for more than 10 seconds, that is a timeout.",
        ),
        Outcome::Refused => (
            "refused-scope",
            "Something answered with a refusal: test a second destination to see whether it is one server or all.",
        ),
        Outcome::NetworkUnreachable | Outcome::NoRouteToHost => (
            "no-route",
            "Your server has no working route to that address: check the other IP family and your routes.",
        ),
        Outcome::DnsFailure => (
            "dns-lookup-failed",
            "The host name did not resolve: check its spelling and your resolver, or pick another destination.",
        ),
        Outcome::CantTell => (
            "how-to-test",
            "This output cannot be read with confidence: paste the output of one test at a time, from one of the commands on this page.",
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
        for text in ["", "   \n", "hello world\nsomething else"] {
            let r = read_output(text);
            assert_eq!(r.outcome, Outcome::CantTell, "{text:?}");
            assert_eq!(r.tool, None);
            assert_eq!(r.node, "how-to-test");
        }
    }

    #[test]
    fn two_pasted_results_are_mixed() {
        let text = "nc: connect to a.example port 25 (tcp) failed: Connection refused\n\
                    Connection to b.example 25 port [tcp/smtp] succeeded!\n\
                    220 b.example ESMTP\n";
        let r = read_output(text);
        assert_eq!(r.outcome, Outcome::CantTell);
        assert_eq!(r.evidence.len(), 2);
    }

    #[test]
    fn command_lines_are_recognised_behind_prompts_and_wrappers() {
        assert_eq!(
            command_of("user@host:~$ sudo nc -v x 25").and_then(tool_of_command),
            Some(Tool::Netcat)
        );
        assert_eq!(
            command_of("PS C:\\Users\\me> tnc x -Port 25").and_then(tool_of_command),
            Some(Tool::TestNetConnection)
        );
        assert_eq!(
            command_of("$ timeout 20 /usr/bin/swaks --server x").and_then(tool_of_command),
            Some(Tool::Swaks)
        );
        assert_eq!(command_of("220 mx ESMTP"), None);
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
        for outcome in &outcomes {
            for tool in [None, Some(Tool::TestNetConnection)] {
                let (node, advice) = guide(tool, outcome);
                assert!(tree.node(node).is_some(), "{outcome:?} -> {node}");
                assert!(!advice.is_empty());
            }
        }
    }

    /// Typical lines from other platforms and from real MX hosts, typed for
    /// illustration (the real captures live in `tests/captures/`).
    #[test]
    fn illustrative_outputs_from_other_platforms() {
        let cases: &[(&str, Option<Tool>, &str)] = &[
            (
                "nc: connectx to gmail-smtp-in.l.google.com port 25 (tcp) failed: Operation timed out",
                Some(Tool::Netcat),
                "timeout-scope",
            ),
            (
                "Trying 192.0.2.25...\ntelnet: Unable to connect to remote host: Connection timed out",
                Some(Tool::Telnet),
                "timeout-scope",
            ),
            (
                "Connection to mx.example.net 25 port [tcp/smtp] succeeded!\n220 mx.example.net ESMTP Postfix",
                Some(Tool::Netcat),
                "greeting-check",
            ),
            (
                "CONNECTED(00000003)\n---\nNew, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384\nVerify return code: 0 (ok)\n---\n250 SMTPUTF8",
                Some(Tool::OpensslSClient),
                "connection-works",
            ),
            (
                "=== Trying mx.example.net:25...\n=== Connected to mx.example.net.\n<-  220-mx.example.net ESMTP\n<-  220 please wait",
                Some(Tool::Swaks),
                "greeting-check",
            ),
        ];
        for (text, tool, node) in cases {
            let r = read_output(text);
            assert_eq!((r.tool, r.node), (*tool, *node), "{text}: {:?}", r.outcome);
        }
    }

    #[test]
    fn a_4xx_greeting_is_temporary() {
        let r = read_output("Connected to x.\n421 4.3.2 Service not available\n");
        assert!(matches!(r.outcome, Outcome::GreetingRefused { .. }));
        assert_eq!(r.node, "remote-temporary-failure");
    }
}
