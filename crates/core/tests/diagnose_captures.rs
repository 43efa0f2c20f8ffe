//! The output reader against what real tools printed on a real machine.
//!
//! One row per file in `tests/captures/` (see its README): the program the
//! reader should name, the outcome, the tree node it should point at, and how
//! the output reads without its `$ command` line. The files come from
//! `scripts/capture-outputs.sh`, except `*-handmade-*`, which are written by
//! hand after the vendor's documented format (Windows, .NET).

use std::collections::BTreeSet;

use port25_core::diagnose::{read_output, read_paste, Detail, Outcome, Program, StartTls, Tree};

/// The outcome expected, with the detail that matters to the visitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    OpenStartTls,
    OpenNoStartTls,
    OpenGreetingOnly,
    OpenUnseen,
    OpenZeroIo,
    Delivered,
    GreetingRefused,
    NoGreeting,
    ClosedEarly,
    GreetingTimeout,
    Tls,
    CertificateProblem,
    TlsFailed,
    TlsOnPlainPort,
    NoStartTls,
    Timeout,
    ConnectFailed,
    Filtered,
    StillConnecting,
    Refused,
    NetworkUnreachable,
    NoRouteToHost,
    Prohibited,
    DnsFailure,
    CantTell,
}

fn kind(outcome: &Outcome, detail: Option<Detail>) -> Kind {
    match (outcome, detail) {
        (Outcome::Open { .. }, Some(Detail::Delivered)) => Kind::Delivered,
        (Outcome::Open { greeting: None, .. }, Some(Detail::ZeroIo)) => Kind::OpenZeroIo,
        (
            Outcome::Open {
                greeting: None,
                starttls: StartTls::NotTested,
            },
            _,
        ) => Kind::OpenUnseen,
        (
            Outcome::Open {
                starttls: StartTls::Offered,
                ..
            },
            _,
        ) => Kind::OpenStartTls,
        (
            Outcome::Open {
                starttls: StartTls::NotOffered,
                ..
            },
            _,
        ) => Kind::OpenNoStartTls,
        (
            Outcome::Open {
                starttls: StartTls::NotTested,
                ..
            },
            _,
        ) => Kind::OpenGreetingOnly,
        (Outcome::GreetingRefused { .. }, _) => Kind::GreetingRefused,
        (Outcome::NoGreeting, Some(Detail::ClosedBeforeGreeting)) => Kind::ClosedEarly,
        (Outcome::NoGreeting, Some(Detail::GreetingTimedOut)) => Kind::GreetingTimeout,
        (Outcome::NoGreeting, _) => Kind::NoGreeting,
        (Outcome::Tls { .. }, _) => Kind::Tls,
        (Outcome::CertificateProblem { .. }, _) => Kind::CertificateProblem,
        (Outcome::TlsFailed { .. }, Some(Detail::TlsOnPlainPort)) => Kind::TlsOnPlainPort,
        (Outcome::TlsFailed { .. }, _) => Kind::TlsFailed,
        (Outcome::NoStartTls, _) => Kind::NoStartTls,
        (Outcome::Timeout, _) => Kind::Timeout,
        (Outcome::ConnectFailed, Some(Detail::FilteredNoReason)) => Kind::Filtered,
        (Outcome::ConnectFailed, _) => Kind::ConnectFailed,
        (Outcome::StillConnecting, _) => Kind::StillConnecting,
        (Outcome::Refused, _) => Kind::Refused,
        (Outcome::NetworkUnreachable, _) => Kind::NetworkUnreachable,
        (Outcome::NoRouteToHost, Some(Detail::AdminProhibited)) => Kind::Prohibited,
        (Outcome::NoRouteToHost, _) => Kind::NoRouteToHost,
        (Outcome::DnsFailure, _) => Kind::DnsFailure,
        (Outcome::CantTell, _) => Kind::CantTell,
    }
}

/// How a capture reads without its `$ command` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Alone {
    /// The same outcome.
    Same,
    /// This outcome instead (the command line carried what told them apart).
    Is(Kind),
}

use Alone::{Is, Same};
use Kind::*;
use Program as P;

/// (file, program, outcome, node, without the command line)
#[rustfmt::skip]
const CASES: &[(&str, Program, Kind, &str, Alone)] = &[
    // ---- The first set: nc (OpenBSD), inetutils telnet, openssl -starttls, swaks, nmap.
    ("nc-open.txt", P::NetcatOpenbsd, OpenGreetingOnly, "greeting-check", Same),
    ("telnet-open.txt", P::InetutilsTelnet, OpenGreetingOnly, "greeting-check", Same),
    ("openssl-open.txt", P::OpensslSClient, CertificateProblem, "certificate-problem", Same),
    ("swaks-open.txt", P::Swaks, OpenStartTls, "greeting-check", Same),
    ("nmap-open.txt", P::Nmap, OpenUnseen, "greeting-check", Same),
    ("nc-open-ipv6.txt", P::NetcatOpenbsd, OpenGreetingOnly, "greeting-check", Same),
    ("telnet-open-ipv6.txt", P::InetutilsTelnet, OpenGreetingOnly, "greeting-check", Same),
    ("openssl-open-ipv6.txt", P::OpensslSClient, CertificateProblem, "certificate-problem", Same),
    ("swaks-open-ipv6.txt", P::Swaks, OpenStartTls, "greeting-check", Same),
    ("nmap-open-ipv6.txt", P::Nmap, OpenUnseen, "greeting-check", Same),
    ("nc-nostarttls.txt", P::NetcatOpenbsd, OpenGreetingOnly, "greeting-check", Same),
    ("telnet-nostarttls.txt", P::InetutilsTelnet, OpenGreetingOnly, "greeting-check", Same),
    ("openssl-nostarttls.txt", P::OpensslSClient, NoStartTls, "no-starttls", Same),
    ("swaks-nostarttls.txt", P::Swaks, OpenNoStartTls, "no-starttls", Same),
    ("nmap-nostarttls.txt", P::Nmap, OpenUnseen, "greeting-check", Same),
    ("nc-badtls.txt", P::NetcatOpenbsd, OpenGreetingOnly, "greeting-check", Same),
    ("telnet-badtls.txt", P::InetutilsTelnet, OpenGreetingOnly, "greeting-check", Same),
    ("openssl-badtls.txt", P::OpensslSClient, TlsFailed, "tls-handshake-failed", Same),
    ("swaks-badtls.txt", P::Swaks, OpenStartTls, "greeting-check", Same),
    ("nmap-badtls.txt", P::Nmap, OpenUnseen, "greeting-check", Same),
    ("nc-reject554.txt", P::NetcatOpenbsd, GreetingRefused, "ip-reputation", Same),
    ("telnet-reject554.txt", P::InetutilsTelnet, GreetingRefused, "ip-reputation", Same),
    // openssl hides the greeting and reports the EHLO that followed it.
    ("openssl-reject554.txt", P::OpensslSClient, NoStartTls, "no-starttls", Same),
    ("swaks-reject554.txt", P::Swaks, GreetingRefused, "ip-reputation", Same),
    ("nmap-reject554.txt", P::Nmap, OpenUnseen, "greeting-check", Same),
    // The greeting comes after 10 s; nc without its command line could be -z.
    ("nc-slowbanner.txt", P::NetcatOpenbsd, NoGreeting, "silent-wait", Is(OpenUnseen)),
    ("telnet-slowbanner.txt", P::InetutilsTelnet, NoGreeting, "silent-wait", Same),
    ("openssl-slowbanner.txt", P::OpensslSClient, CertificateProblem, "certificate-problem", Same),
    ("swaks-slowbanner.txt", P::Swaks, GreetingTimeout, "silent-wait", Same),
    ("nmap-slowbanner.txt", P::Nmap, OpenUnseen, "greeting-check", Same),
    ("nc-closed.txt", P::NetcatOpenbsd, Refused, "refused-scope", Same),
    ("telnet-closed.txt", P::InetutilsTelnet, Refused, "refused-scope", Same),
    ("openssl-closed.txt", P::OpensslSClient, Refused, "refused-scope", Same),
    ("swaks-closed.txt", P::Swaks, Refused, "refused-scope", Same),
    ("nmap-closed.txt", P::Nmap, Refused, "refused-scope", Same),
    ("nc-filtered.txt", P::NetcatOpenbsd, Timeout, "timeout-scope", Same),
    ("telnet-filtered.txt", P::InetutilsTelnet, StillConnecting, "timeout-scope", Same),
    ("openssl-filtered.txt", P::OpensslSClient, StillConnecting, "timeout-scope", Is(CantTell)),
    ("swaks-filtered.txt", P::Swaks, Timeout, "timeout-scope", Same),
    ("nmap-filtered.txt", P::Nmap, Filtered, "timeout-scope", Same),
    ("nc-filtered-ipv6.txt", P::NetcatOpenbsd, Timeout, "timeout-scope", Same),
    ("telnet-filtered-ipv6.txt", P::InetutilsTelnet, StillConnecting, "timeout-scope", Same),
    ("openssl-filtered-ipv6.txt", P::OpensslSClient, StillConnecting, "timeout-scope", Is(CantTell)),
    ("swaks-filtered-ipv6.txt", P::Swaks, Timeout, "timeout-scope", Same),
    ("nmap-filtered-ipv6.txt", P::Nmap, Filtered, "timeout-scope", Same),
    // ICMP host unreachable: nmap says only "filtered"; swaks hits a Perl
    // error ("Operation already in progress") and gives no reason.
    ("nc-noroute.txt", P::NetcatOpenbsd, NoRouteToHost, "no-route", Same),
    ("telnet-noroute.txt", P::InetutilsTelnet, NoRouteToHost, "no-route", Same),
    ("openssl-noroute.txt", P::OpensslSClient, NoRouteToHost, "no-route", Same),
    ("swaks-noroute.txt", P::Swaks, ConnectFailed, "timeout-scope", Same),
    ("nmap-noroute.txt", P::Nmap, Filtered, "timeout-scope", Same),
    ("nc-unreachable.txt", P::NetcatOpenbsd, NetworkUnreachable, "no-route", Same),
    ("telnet-unreachable.txt", P::InetutilsTelnet, NetworkUnreachable, "no-route", Same),
    ("openssl-unreachable.txt", P::OpensslSClient, NetworkUnreachable, "no-route", Same),
    ("swaks-unreachable.txt", P::Swaks, NetworkUnreachable, "no-route", Same),
    ("nmap-unreachable.txt", P::Nmap, NetworkUnreachable, "no-route", Same),
    ("nc-dns.txt", P::NetcatOpenbsd, DnsFailure, "dns-lookup-failed", Same),
    ("telnet-dns.txt", P::InetutilsTelnet, DnsFailure, "dns-lookup-failed", Same),
    ("openssl-dns.txt", P::OpensslSClient, DnsFailure, "dns-lookup-failed", Same),
    ("swaks-dns.txt", P::Swaks, DnsFailure, "dns-lookup-failed", Same),
    ("nmap-dns.txt", P::Nmap, DnsFailure, "dns-lookup-failed", Same),
    // ---- Hand-made after Microsoft's documented formats (see the README).
    ("tnc-handmade-open.txt", P::TestNetConnection, OpenUnseen, "greeting-check", Same),
    ("tnc-handmade-open-ipv6.txt", P::TestNetConnection, OpenUnseen, "greeting-check", Same),
    ("tnc-handmade-open-587.txt", P::TestNetConnection, OpenUnseen, "other-ports", Same),
    ("tnc-handmade-failed.txt", P::TestNetConnection, ConnectFailed, "timeout-scope", Same),
    ("tnc-handmade-failed-ipv6.txt", P::TestNetConnection, ConnectFailed, "timeout-scope", Same),
    ("tnc-handmade-dns.txt", P::TestNetConnection, DnsFailure, "dns-lookup-failed", Same),
    ("wintelnet-handmade-open.txt", P::WindowsTelnet, OpenGreetingOnly, "greeting-check", Same),
    ("wintelnet-handmade-failed.txt", P::WindowsTelnet, ConnectFailed, "timeout-scope", Same),
    ("wintelnet-handmade-failed-587.txt", P::WindowsTelnet, ConnectFailed, "other-ports", Same),
    ("dotnet-handmade-open.txt", P::DotNetTcpClient, OpenUnseen, "greeting-check", Is(CantTell)),
    ("dotnet-handmade-timeout.txt", P::DotNetTcpClient, Timeout, "timeout-scope", Same),
    ("dotnet-handmade-timeout-10060.txt", P::DotNetTcpClient, Timeout, "timeout-scope", Same),
    ("dotnet-handmade-refused.txt", P::DotNetTcpClient, Refused, "refused-scope", Same),
    ("dotnet-handmade-unreachable.txt", P::DotNetTcpClient, NoRouteToHost, "no-route", Same),
    ("dotnet-handmade-dns.txt", P::DotNetTcpClient, DnsFailure, "dns-lookup-failed", Same),
    //EXTRA
];

fn capture(file: &str) -> String {
    let path = format!("{}/tests/captures/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Whether a line is a typed command: `$ ...`, `PS C:\...> ...`, `C:\...>...`.
fn is_command(line: &str) -> bool {
    let b = line.as_bytes();
    line.starts_with("$ ")
        || line.starts_with("PS ")
        || (b.len() > 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'\\')
}

/// The capture without its first line when that line is the typed command.
fn without_command(text: &str) -> String {
    match text.split_once('\n') {
        Some((first, rest)) if is_command(first) => rest.to_owned(),
        _ => text.to_owned(),
    }
}

/// The typed command of a capture, if it has one.
fn command(text: &str) -> Option<&str> {
    text.lines().next().filter(|l| is_command(l))
}

#[test]
fn every_capture_reads_as_expected() {
    let tree = Tree::builtin();
    let mut failures = Vec::new();
    for &(file, program, expected, node, _) in CASES {
        let text = capture(file);
        let reading = read_output(&text);
        let got = (
            reading.program,
            kind(&reading.outcome, reading.detail),
            reading.node,
        );
        if got != (Some(program), expected, node) {
            failures.push(format!(
                "{file}: expected {program:?} {expected:?} {node}, got {got:?} ({:?}, evidence {:?})",
                reading.outcome, reading.evidence
            ));
        }
        assert!(
            tree.node(reading.node).is_some(),
            "{file}: {}",
            reading.node
        );
        assert!(!reading.evidence.is_empty(), "{file}: no evidence");
        for line in &reading.evidence {
            assert!(
                text.contains(line.as_str()),
                "{file}: evidence {line:?} not in file"
            );
        }
        assert!(!reading.result().is_empty() && !reading.advice.is_empty());
        assert!(
            reading.summary().starts_with(program.name()),
            "{file}: {}",
            reading.summary()
        );
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn captures_read_as_expected_without_the_command_line() {
    let mut failures = Vec::new();
    for &(file, _, expected, _, alone) in CASES {
        let reading = read_output(&without_command(&capture(file)));
        let want = match alone {
            Same => expected,
            Is(k) => k,
        };
        let got = kind(&reading.outcome, reading.detail);
        if got != want {
            failures.push(format!(
                "{file} without its command line: expected {want:?}, got {got:?} ({:?})",
                reading.evidence
            ));
        }
        if got == CantTell {
            assert!(!reading.advice.is_empty(), "{file}");
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Whether text names port 25 (not 2525).
fn names_port_25(text: &str) -> bool {
    text.match_indices("port 25").any(|(i, m)| {
        !text[i + m.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}

/// The reading names the port the capture shows, and speaks of port 25 only
/// when port 25 was tested.
#[test]
fn readings_name_the_port_that_was_tested() {
    for &(file, ..) in CASES {
        let text = capture(file);
        let reading = read_output(&text);
        let words = format!("{} {}", reading.result(), reading.advice);
        if let Some(port) = reading.port {
            assert!(
                text.contains(&format!(":{port}"))
                    || text.contains(&format!(" {port}"))
                    || text.contains(&format!("/{port}")),
                "{file}: port {port} is not in the capture"
            );
        }
        if let Some(host) = &reading.host {
            assert!(
                text.contains(host.as_str()),
                "{file}: host {host} not in the capture"
            );
        }
        let other_port = command(&text).is_some_and(|c| {
            [" 2525", ":2525", " 587", " 465", ":465"]
                .iter()
                .any(|p| c.contains(p))
        });
        if other_port {
            assert!(
                reading.port.is_some_and(|p| p != 25),
                "{file}: read as port {:?}",
                reading.port
            );
            // The advice may say "this tested port 587, not 25"; it must not
            // state a result for port 25.
            assert!(
                !names_port_25(&reading.result()) && !reading.advice.contains("Port 25 "),
                "{file}: speaks of port 25: {words}"
            );
        }
        if reading.port == Some(25) {
            assert!(
                names_port_25(&reading.result()),
                "{file}: the reading does not name the port: {words}"
            );
        }
    }
}

#[test]
fn greetings_name_who_answered() {
    for file in [
        "nc-open.txt",
        "telnet-open.txt",
        "swaks-open.txt",
        "nc-open-ipv6.txt",
    ] {
        match read_output(&capture(file)).outcome {
            Outcome::Open {
                greeting: Some(g), ..
            } => {
                assert_eq!(g.code, 220, "{file}");
                assert_eq!(g.host.as_deref(), Some("mx.test.invalid"), "{file}");
                assert!(g.text.contains("ESMTP capture server ready"), "{file}");
            }
            other => panic!("{file}: {other:?}"),
        }
    }
    match read_output(&capture("swaks-reject554.txt")).outcome {
        Outcome::GreetingRefused { greeting } => {
            assert_eq!(greeting.code, 554);
            assert_eq!(greeting.host, None, "5.7.1 is a status code, not a host");
        }
        other => panic!("{other:?}"),
    }
    match read_output(&capture("openssl-open.txt")).outcome {
        Outcome::CertificateProblem { detail } => assert_eq!(detail, "self-signed certificate"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_capture_file_has_a_row_and_every_row_a_file() {
    let dir = format!("{}/tests/captures", env!("CARGO_MANIFEST_DIR"));
    let files: BTreeSet<String> = std::fs::read_dir(&dir)
        .expect("captures directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".txt"))
        .collect();
    let rows: BTreeSet<String> = CASES.iter().map(|c| c.0.to_owned()).collect();
    assert_eq!(files, rows);
    assert_eq!(rows.len(), CASES.len(), "a file has two rows");
}

#[test]
fn two_different_captures_pasted_together_are_two_cases() {
    let pairs = [
        ("nc-closed.txt", "nc-open.txt"),
        ("telnet-closed.txt", "telnet-open.txt"),
        ("swaks-filtered.txt", "nc-open.txt"),
        ("nmap-closed.txt", "nmap-open.txt"),
    ];
    for (a, b) in pairs {
        let text = format!("{}\n{}", capture(a), capture(b));
        let paste = read_paste(&text);
        assert_eq!(paste.cases.len(), 2, "{a} + {b}: {:?}", paste.cases);
        let first = read_output(&capture(a));
        let second = read_output(&capture(b));
        assert_eq!(paste.cases[0].outcome, first.outcome, "{a}");
        assert_eq!(paste.cases[1].outcome, second.outcome, "{b}");
        let reading = read_output(&text);
        assert_eq!(reading.outcome, Outcome::CantTell);
        assert_eq!(reading.detail, Some(Detail::SeveralCases(2)));
        assert_eq!(reading.node, "how-to-test");
        assert!(reading.evidence.len() >= 2);
    }
}

#[test]
fn the_same_capture_pasted_twice_is_one_case() {
    for file in ["nc-closed.txt", "telnet-open.txt"] {
        let text = format!("{}\n{}", capture(file), capture(file));
        let paste = read_paste(&text);
        assert_eq!(paste.cases.len(), 1, "{file}: {:?}", paste.cases);
    }
}
