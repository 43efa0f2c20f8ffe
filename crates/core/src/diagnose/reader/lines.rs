//! What one line of a paste says: a failure to connect, a connection, an
//! SMTP reply, a hang-up, a TLS error, a delivery, and the host and port it
//! names. The patterns are the tools' and the system's own wording, as the
//! captures show them. Knows nothing of the lines around it.

use super::program::{split_host_port, traditional_nc};
use super::{Detail, Outcome, Program};

/// What one line says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Sig {
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
pub(super) fn has(line: &str, needle: &str) -> bool {
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
pub(super) fn winsock(line: &str, code: u16) -> bool {
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
pub(super) fn failure(line: &str) -> Option<Sig> {
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
pub(super) fn closed(line: &str) -> bool {
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
pub(super) fn nmap_port(line: &str) -> Option<(u16, &str, Option<&str>)> {
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
pub(super) fn reply(line: &str) -> Option<(u16, String)> {
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
pub(super) fn reply_after(line: &str, marker: &str) -> Option<(u16, String)> {
    let i = line.find(marker)?;
    let rest = line[i + marker.len()..].trim_end_matches(')');
    reply(rest)
}

/// What one line says, given the program that printed it.
pub(super) fn signal(program: Option<Program>, line: &str) -> Option<Sig> {
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
    if matches!(
        program,
        Some(Program::DotNetTcpClient | Program::TestNetConnection)
    ) {
        // `$client.Connected`, `.Wait(5000)` or `Test-NetConnection
        // -InformationLevel Quiet` printed alone.
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

/// Host and port from one output line, where the tool prints them.
pub(super) fn endpoint(line: &str) -> (Option<String>, Option<u16>) {
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
        return split_host_port(w);
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
        return split_host_port(w.trim_end_matches('.'));
    }
    if let Some(rest) = line.strip_prefix("=== Trying ") {
        return split_host_port(rest.trim_end_matches('.'));
    }
    if let Some(rest) = line.strip_prefix("*** Error connecting to ") {
        return split_host_port(rest.trim_end_matches(':'));
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
            return split_host_port(spec.trim_end_matches([',', ')']));
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
            let (h, p) = split_host_port(last.trim_end_matches(['"', '.']));
            if p.is_some() {
                return (h, p);
            }
        }
    }
    (None, None)
}
