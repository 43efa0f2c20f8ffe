//! What a reading means: the decision-tree node to jump to and the advice,
//! in words that name the port tested and never claim a result for port 25
//! when another port was tested. Pure wording; no parsing.

use super::classify::Case;
use super::{Detail, Outcome, Program, StartTls};

/// The tree node and the advice for a case, in words that name the port.
pub(super) fn guide(case: &Case) -> (&'static str, String) {
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
        // Some port filters answer with these errors instead of staying
        // silent, so they lead to the question that tells a filter from a
        // missing route (other ports, other destinations), not to a verdict.
        (Outcome::NetworkUnreachable, _) => (
            "unreachable-scope",
            format!("\"Network is unreachable\": usually your machine has no route for that address (check the other IP family and your routes), but some port filters answer this way. Test port 443 to the same host and {} to a second destination.", lower_first(&port_name)),
        ),
        (Outcome::NoRouteToHost, Some(Detail::AdminProhibited)) => (
            "unreachable-scope",
            format!("A firewall rejected the connection to {} with an ICMP message: if other ports to the same host connect, that firewall blocks this port.", lower_first(&port_name)),
        ),
        (Outcome::NoRouteToHost, _) => (
            "unreachable-scope",
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
