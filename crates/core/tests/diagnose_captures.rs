//! The output reader against what real tools printed on a real machine.
//!
//! One row per file in `tests/captures/` (see its README): the tool the reader
//! should recognise, the outcome and the tree node it should point at. The
//! files come from `scripts/capture-outputs.sh`, except `tnc-handmade-*`,
//! which are written by hand after Microsoft's documented format.

use std::collections::BTreeSet;

use port25_core::diagnose::{read_output, Outcome, StartTls, Tool, Tree};

/// The outcome expected, without the details each variant carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    OpenStartTls,
    OpenNoStartTls,
    OpenGreetingOnly,
    OpenUnseen,
    GreetingRefused,
    NoGreeting,
    CertificateProblem,
    TlsFailed,
    NoStartTls,
    Timeout,
    ConnectFailed,
    StillConnecting,
    Refused,
    NetworkUnreachable,
    NoRouteToHost,
    DnsFailure,
}

fn kind(outcome: &Outcome) -> Option<Kind> {
    Some(match outcome {
        Outcome::Open { greeting: None, .. } => Kind::OpenUnseen,
        Outcome::Open {
            starttls: StartTls::Offered,
            ..
        } => Kind::OpenStartTls,
        Outcome::Open {
            starttls: StartTls::NotOffered,
            ..
        } => Kind::OpenNoStartTls,
        Outcome::Open {
            starttls: StartTls::NotTested,
            ..
        } => Kind::OpenGreetingOnly,
        Outcome::GreetingRefused { .. } => Kind::GreetingRefused,
        Outcome::NoGreeting => Kind::NoGreeting,
        Outcome::CertificateProblem { .. } => Kind::CertificateProblem,
        Outcome::TlsFailed { .. } => Kind::TlsFailed,
        Outcome::NoStartTls => Kind::NoStartTls,
        Outcome::Timeout => Kind::Timeout,
        Outcome::ConnectFailed => Kind::ConnectFailed,
        Outcome::StillConnecting => Kind::StillConnecting,
        Outcome::Refused => Kind::Refused,
        Outcome::NetworkUnreachable => Kind::NetworkUnreachable,
        Outcome::NoRouteToHost => Kind::NoRouteToHost,
        Outcome::DnsFailure => Kind::DnsFailure,
        Outcome::Tls { .. } | Outcome::CantTell => return None,
    })
}

use Kind::*;
use Tool::{
    Netcat as Nc, Nmap, OpensslSClient as Openssl, Swaks, Telnet, TestNetConnection as Tnc,
};

/// (file, tool, outcome, node, readable without the `$ command` line)
const CASES: &[(&str, Tool, Kind, &str, bool)] = &[
    // A healthy server with STARTTLS and a self-signed certificate.
    ("nc-open.txt", Nc, OpenGreetingOnly, "greeting-check", true),
    (
        "telnet-open.txt",
        Telnet,
        OpenGreetingOnly,
        "greeting-check",
        true,
    ),
    (
        "openssl-open.txt",
        Openssl,
        CertificateProblem,
        "certificate-problem",
        true,
    ),
    (
        "swaks-open.txt",
        Swaks,
        OpenStartTls,
        "greeting-check",
        true,
    ),
    ("nmap-open.txt", Nmap, OpenUnseen, "greeting-check", true),
    (
        "nc-open-ipv6.txt",
        Nc,
        OpenGreetingOnly,
        "greeting-check",
        true,
    ),
    (
        "telnet-open-ipv6.txt",
        Telnet,
        OpenGreetingOnly,
        "greeting-check",
        true,
    ),
    (
        "openssl-open-ipv6.txt",
        Openssl,
        CertificateProblem,
        "certificate-problem",
        true,
    ),
    (
        "swaks-open-ipv6.txt",
        Swaks,
        OpenStartTls,
        "greeting-check",
        true,
    ),
    (
        "nmap-open-ipv6.txt",
        Nmap,
        OpenUnseen,
        "greeting-check",
        true,
    ),
    // EHLO without STARTTLS.
    (
        "nc-nostarttls.txt",
        Nc,
        OpenGreetingOnly,
        "greeting-check",
        true,
    ),
    (
        "telnet-nostarttls.txt",
        Telnet,
        OpenGreetingOnly,
        "greeting-check",
        true,
    ),
    (
        "openssl-nostarttls.txt",
        Openssl,
        NoStartTls,
        "no-starttls",
        true,
    ),
    (
        "swaks-nostarttls.txt",
        Swaks,
        OpenNoStartTls,
        "no-starttls",
        true,
    ),
    (
        "nmap-nostarttls.txt",
        Nmap,
        OpenUnseen,
        "greeting-check",
        true,
    ),
    // STARTTLS accepted, then garbage instead of a TLS handshake.
    (
        "nc-badtls.txt",
        Nc,
        OpenGreetingOnly,
        "greeting-check",
        true,
    ),
    (
        "telnet-badtls.txt",
        Telnet,
        OpenGreetingOnly,
        "greeting-check",
        true,
    ),
    (
        "openssl-badtls.txt",
        Openssl,
        TlsFailed,
        "tls-handshake-failed",
        true,
    ),
    (
        "swaks-badtls.txt",
        Swaks,
        OpenStartTls,
        "greeting-check",
        true,
    ),
    ("nmap-badtls.txt", Nmap, OpenUnseen, "greeting-check", true),
    // A 554 greeting.
    (
        "nc-reject554.txt",
        Nc,
        GreetingRefused,
        "ip-reputation",
        true,
    ),
    (
        "telnet-reject554.txt",
        Telnet,
        GreetingRefused,
        "ip-reputation",
        true,
    ),
    (
        "openssl-reject554.txt",
        Openssl,
        NoStartTls,
        "no-starttls",
        true,
    ),
    (
        "swaks-reject554.txt",
        Swaks,
        GreetingRefused,
        "ip-reputation",
        true,
    ),
    (
        "nmap-reject554.txt",
        Nmap,
        OpenUnseen,
        "greeting-check",
        true,
    ),
    // The greeting comes after 10 s.
    ("nc-slowbanner.txt", Nc, NoGreeting, "silent-wait", true),
    (
        "telnet-slowbanner.txt",
        Telnet,
        NoGreeting,
        "silent-wait",
        true,
    ),
    (
        "openssl-slowbanner.txt",
        Openssl,
        CertificateProblem,
        "certificate-problem",
        true,
    ),
    (
        "swaks-slowbanner.txt",
        Swaks,
        NoGreeting,
        "silent-wait",
        true,
    ),
    (
        "nmap-slowbanner.txt",
        Nmap,
        OpenUnseen,
        "greeting-check",
        true,
    ),
    // Nothing listening.
    ("nc-closed.txt", Nc, Refused, "refused-scope", true),
    ("telnet-closed.txt", Telnet, Refused, "refused-scope", true),
    (
        "openssl-closed.txt",
        Openssl,
        Refused,
        "refused-scope",
        true,
    ),
    ("swaks-closed.txt", Swaks, Refused, "refused-scope", true),
    ("nmap-closed.txt", Nmap, Refused, "refused-scope", true),
    // Packets dropped.
    ("nc-filtered.txt", Nc, Timeout, "timeout-scope", true),
    (
        "telnet-filtered.txt",
        Telnet,
        StillConnecting,
        "timeout-scope",
        true,
    ),
    (
        "openssl-filtered.txt",
        Openssl,
        StillConnecting,
        "timeout-scope",
        false,
    ),
    ("swaks-filtered.txt", Swaks, Timeout, "timeout-scope", true),
    ("nmap-filtered.txt", Nmap, Timeout, "timeout-scope", true),
    ("nc-filtered-ipv6.txt", Nc, Timeout, "timeout-scope", true),
    (
        "telnet-filtered-ipv6.txt",
        Telnet,
        StillConnecting,
        "timeout-scope",
        true,
    ),
    (
        "openssl-filtered-ipv6.txt",
        Openssl,
        StillConnecting,
        "timeout-scope",
        false,
    ),
    (
        "swaks-filtered-ipv6.txt",
        Swaks,
        Timeout,
        "timeout-scope",
        true,
    ),
    (
        "nmap-filtered-ipv6.txt",
        Nmap,
        Timeout,
        "timeout-scope",
        true,
    ),
    // ICMP host unreachable (nmap calls it filtered; swaks gives no reason).
    ("nc-noroute.txt", Nc, NoRouteToHost, "no-route", true),
    (
        "telnet-noroute.txt",
        Telnet,
        NoRouteToHost,
        "no-route",
        true,
    ),
    (
        "openssl-noroute.txt",
        Openssl,
        NoRouteToHost,
        "no-route",
        true,
    ),
    (
        "swaks-noroute.txt",
        Swaks,
        ConnectFailed,
        "timeout-scope",
        true,
    ),
    ("nmap-noroute.txt", Nmap, Timeout, "timeout-scope", true),
    // No route for the network at all.
    (
        "nc-unreachable.txt",
        Nc,
        NetworkUnreachable,
        "no-route",
        true,
    ),
    (
        "telnet-unreachable.txt",
        Telnet,
        NetworkUnreachable,
        "no-route",
        true,
    ),
    (
        "openssl-unreachable.txt",
        Openssl,
        NetworkUnreachable,
        "no-route",
        true,
    ),
    (
        "swaks-unreachable.txt",
        Swaks,
        NetworkUnreachable,
        "no-route",
        true,
    ),
    (
        "nmap-unreachable.txt",
        Nmap,
        NetworkUnreachable,
        "no-route",
        true,
    ),
    // The name does not resolve.
    ("nc-dns.txt", Nc, DnsFailure, "dns-lookup-failed", true),
    (
        "telnet-dns.txt",
        Telnet,
        DnsFailure,
        "dns-lookup-failed",
        true,
    ),
    (
        "openssl-dns.txt",
        Openssl,
        DnsFailure,
        "dns-lookup-failed",
        true,
    ),
    (
        "swaks-dns.txt",
        Swaks,
        DnsFailure,
        "dns-lookup-failed",
        true,
    ),
    ("nmap-dns.txt", Nmap, DnsFailure, "dns-lookup-failed", true),
    // Hand-made after Microsoft's documented format (see the README).
    (
        "tnc-handmade-open.txt",
        Tnc,
        OpenUnseen,
        "greeting-check",
        true,
    ),
    (
        "tnc-handmade-open-ipv6.txt",
        Tnc,
        OpenUnseen,
        "greeting-check",
        true,
    ),
    (
        "tnc-handmade-failed.txt",
        Tnc,
        ConnectFailed,
        "timeout-scope",
        true,
    ),
    (
        "tnc-handmade-failed-ipv6.txt",
        Tnc,
        ConnectFailed,
        "timeout-scope",
        true,
    ),
    (
        "tnc-handmade-dns.txt",
        Tnc,
        DnsFailure,
        "dns-lookup-failed",
        true,
    ),
];

fn capture(file: &str) -> String {
    let path = format!("{}/tests/captures/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The capture without its first line when that line is the typed command.
fn without_command(text: &str) -> String {
    match text.split_once('\n') {
        Some((first, rest)) if first.starts_with("$ ") || first.starts_with("PS ") => {
            rest.to_owned()
        }
        _ => text.to_owned(),
    }
}

#[test]
fn every_capture_reads_as_expected() {
    let tree = Tree::builtin();
    let mut failures = Vec::new();
    for &(file, tool, expected, node, _) in CASES {
        let reading = read_output(&capture(file));
        let got = (reading.tool, kind(&reading.outcome), reading.node);
        if got != (Some(tool), Some(expected), node) {
            failures.push(format!(
                "{file}: expected {tool:?} {expected:?} {node}, got {got:?} ({:?}, evidence {:?})",
                reading.outcome, reading.evidence
            ));
        }
        assert!(
            tree.node(reading.node).is_some(),
            "{file}: {}",
            reading.node
        );
        assert!(!reading.evidence.is_empty(), "{file}: no evidence");
        let text = capture(file);
        for line in &reading.evidence {
            assert!(
                text.contains(line.as_str()),
                "{file}: evidence {line:?} not in file"
            );
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn captures_read_the_same_without_the_command_line() {
    for &(file, tool, expected, _, readable) in CASES {
        let reading = read_output(&without_command(&capture(file)));
        if readable {
            assert_eq!(
                (reading.tool, kind(&reading.outcome)),
                (Some(tool), Some(expected)),
                "{file} without its command line"
            );
        } else {
            assert_eq!(reading.outcome, Outcome::CantTell, "{file}");
            assert_eq!(reading.node, "how-to-test");
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
}

#[test]
fn two_captures_pasted_together_cannot_be_read() {
    let mixed = format!("{}\n{}", capture("nc-closed.txt"), capture("nc-open.txt"));
    let reading = read_output(&mixed);
    assert_eq!(reading.outcome, Outcome::CantTell);
    assert_eq!(reading.node, "how-to-test");
    assert!(reading.evidence.len() >= 2);
}
