//! Plain-text rendering of a [`ProbeReport`] for the command line.
//!
//! One block per exchange, one line per address with its outcome, then the
//! banner, capabilities, TLS and certificate details and the transcript, so
//! the terminal shows what the site shows, in the same words and with the same
//! verdict first (`port25_core::tester`). What this module is not: the
//! site's rendering (that lives in the Leptos components) or JSON output
//! (serde does that).

use std::fmt::Write as _;

use port25_core::{
    probe_types::checks::{CheckOutcome, MailChecks},
    probe_types::{AddressResult, Direction, Family, Outcome, ProbeReport},
    tester::{describe, verdict},
};

/// Describes an outcome in one plain sentence: the site's words
/// ([`port25_core::tester::describe`]), label in capitals.
pub fn outcome_sentence(outcome: &Outcome) -> String {
    let (label, text) = describe(outcome);
    format!("{}: {text}", label.to_uppercase())
}

/// Renders a whole report; `verbose` adds capabilities, certificates and
/// the transcript.
pub fn render(report: &ProbeReport, verbose: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Probe of {} on port {} (EHLO name {}, {} ms)",
        report.target, report.port, report.ehlo_name, report.ms
    );
    let verdict = verdict(report);
    let _ = writeln!(out, "{}: {}", verdict.title, verdict.headline);
    for note in &report.mx.notes {
        let _ = writeln!(out, "note: {note}");
    }
    for host in &report.mx.mx {
        let _ = writeln!(out, "\nMX {} {}", host.preference, host.exchange);
        if let Some(error) = &host.error {
            let _ = writeln!(out, "  lookup problem: {error}");
        }
        for skipped in &host.skipped {
            let _ = writeln!(out, "  skipped {}: {}", skipped.address, skipped.reason);
        }
        for result in report
            .results
            .iter()
            .filter(|r| r.exchange == host.exchange)
        {
            render_address(&mut out, result, verbose);
        }
    }
    if report.results.is_empty() && !report.mx.null_mx {
        let _ = writeln!(out, "\nNo address was probed.");
    }
    if let Some(checks) = &report.checks {
        render_checks(&mut out, checks);
    }
    out
}

/// `[WORD]` for an outcome: the same words as the page's badges.
fn tag(outcome: CheckOutcome) -> String {
    format!("[{}]", outcome.word().to_uppercase())
}

/// The mail-security sections, after the probe's blocks.
fn render_checks(out: &mut String, checks: &MailChecks) {
    let _ = writeln!(
        out,
        "\nMail security (DANE, MTA-STS, TLS-RPT, reverse DNS; {} ms)\n{} {}",
        checks.ms,
        tag(checks.outcome),
        checks.summary
    );
    if !checks.dnssec_validation {
        let _ = writeln!(
            out,
            "note: DNSSEC answers are not trusted (no --dnssec-trust-ad), so DANE could not be tested"
        );
    }
    let sts = &checks.mta_sts;
    let _ = writeln!(
        out,
        "  MTA-STS {} {} ({})",
        tag(sts.outcome),
        sts.summary,
        sts.dnssec.words()
    );
    if let Some(record) = &sts.record {
        let _ = writeln!(out, "    record: {record}");
    }
    if let Some(policy) = &sts.policy {
        let _ = writeln!(
            out,
            "    policy: mode {}, max_age {}, mx {}",
            policy.mode.name(),
            policy.max_age,
            policy.mx.join(" ")
        );
    }
    for problem in &sts.problems {
        let _ = writeln!(out, "    problem: {problem}");
    }
    let rpt = &checks.tls_rpt;
    let _ = writeln!(
        out,
        "  TLS-RPT {} {} ({})",
        tag(rpt.outcome),
        rpt.summary,
        rpt.dnssec.words()
    );
    if let Some(record) = &rpt.record {
        let _ = writeln!(out, "    record: {record}");
    }
    for exchange in &checks.exchanges {
        let _ = writeln!(out, "  {}", exchange.exchange);
        let dane = &exchange.dane;
        let _ = writeln!(
            out,
            "    DANE {} {} ({})",
            tag(dane.outcome),
            dane.summary,
            dane.dnssec.words()
        );
        for (i, record) in dane.records.iter().enumerate() {
            let _ = writeln!(
                out,
                "      TLSA #{i}: {} {} {} {}{}",
                record.usage,
                record.selector,
                record.matching_type,
                record.data,
                if record.usable {
                    ""
                } else {
                    " (not used for SMTP)"
                }
            );
        }
        for address in &dane.addresses {
            let _ = writeln!(
                out,
                "      {} {} {}",
                address.address,
                tag(address.outcome),
                address.summary
            );
        }
        let _ = writeln!(
            out,
            "    MTA-STS match {} {}",
            tag(exchange.mta_sts.outcome),
            exchange.mta_sts.summary
        );
        for rdns in &exchange.reverse_dns {
            let _ = writeln!(
                out,
                "    reverse DNS {} {} {} ({})",
                rdns.address,
                tag(rdns.outcome),
                rdns.summary,
                rdns.dnssec.words()
            );
        }
    }
}

fn render_address(out: &mut String, result: &AddressResult, verbose: bool) {
    let _ = writeln!(
        out,
        "  {} ({}, {} ms): {}",
        result.address,
        match result.family {
            Family::Ipv4 => "IPv4",
            Family::Ipv6 => "IPv6",
        },
        result.ms,
        outcome_sentence(&result.outcome)
    );
    if let Some(first) = result.greeting.first() {
        let _ = writeln!(out, "    banner: {first}");
    }
    if let Some(tls) = &result.tls {
        let _ = writeln!(
            out,
            "    TLS: {} {} (chain verified: {}, name matches: {})",
            tls.version, tls.cipher, tls.chain_verified, tls.name_matches
        );
        if let Some(leaf) = tls.certificates.first() {
            let _ = writeln!(
                out,
                "    certificate: {} issued by {}, expires {} ({} days)",
                leaf.subject, leaf.issuer, leaf.not_after, leaf.days_left
            );
        }
    }
    if !verbose {
        return;
    }
    let steps: Vec<String> = result
        .steps
        .iter()
        .map(|s| {
            format!(
                "{:?} {} ms{}",
                s.name,
                s.ms,
                if s.ok { "" } else { " (failed)" }
            )
        })
        .collect();
    let _ = writeln!(out, "    steps: {}", steps.join(", "));
    if !result.capabilities.is_empty() {
        let _ = writeln!(out, "    capabilities: {}", result.capabilities.join(", "));
    }
    if !result.capabilities_after_tls.is_empty() {
        let _ = writeln!(
            out,
            "    capabilities after TLS: {}",
            result.capabilities_after_tls.join(", ")
        );
    }
    if let Some(tls) = &result.tls {
        for cert in &tls.certificates {
            let _ = writeln!(
                out,
                "    cert: {} | SANs: {} | {} to {}",
                cert.subject,
                cert.sans.join(" "),
                cert.not_before,
                cert.not_after
            );
        }
        if let Some(error) = &tls.verification_error {
            let _ = writeln!(out, "    verification: {error}");
        }
    }
    for line in &result.transcript {
        let arrow = match line.direction {
            Direction::Client => "C:",
            Direction::Server => "S:",
            Direction::Note => "  ",
        };
        let _ = writeln!(out, "    {:>6} ms {arrow} {}", line.at_ms, line.text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use port25_core::probe_types::{Family, MxAnswer, MxHost, ProbeMode, SkippedAddress};

    #[test]
    fn renders_hosts_addresses_and_skips() {
        let report = ProbeReport {
            target: "example.com".into(),
            port: 25,
            mode: ProbeMode::Mx,
            mx: MxAnswer {
                domain: "example.com".into(),
                mx: vec![MxHost {
                    preference: 10,
                    exchange: "mx.example.com".into(),
                    ipv4: vec!["8.8.8.8".parse().unwrap()],
                    ipv6: vec![],
                    skipped: vec![SkippedAddress {
                        address: "10.0.0.1".parse().unwrap(),
                        reason: "private address (RFC 1918)".into(),
                    }],
                    error: None,
                }],
                null_mx: false,
                implicit_mx: false,
                notes: vec!["a note".into()],
            },
            results: vec![AddressResult {
                exchange: "mx.example.com".into(),
                address: "8.8.8.8".parse().unwrap(),
                family: Family::Ipv4,
                port: 25,
                outcome: Outcome::Timeout {
                    step: port25_core::probe_types::StepName::Connect,
                },
                steps: vec![],
                greeting: vec![],
                capabilities: vec![],
                capabilities_after_tls: vec![],
                starttls_offered: false,
                tls_used: false,
                tls: None,
                transcript: vec![],
                ms: 10_000,
            }],
            ehlo_name: "probe.example".into(),
            ms: 10_050,
            checks: None,
        };
        let text = render(&report, true);
        assert!(text.contains("Probe of example.com on port 25"));
        assert!(text.contains("note: a note"));
        assert!(text.contains("MX 10 mx.example.com"));
        assert!(text.contains("skipped 10.0.0.1: private address (RFC 1918)"));
        assert!(text.contains("8.8.8.8 (IPv4, 10000 ms): TIMED OUT: No answer during Connect."));
        assert!(
            text.contains("\nNot reachable: None of the 1 address of example.com's mail servers")
        );
    }

    #[test]
    fn every_outcome_has_a_sentence() {
        for outcome in [
            Outcome::Ok,
            Outcome::Refused,
            Outcome::NoGreeting,
            Outcome::StarttlsNotOffered,
            Outcome::CouldNotTest {
                reason: "busy".into(),
            },
        ] {
            assert!(!outcome_sentence(&outcome).is_empty());
        }
    }
}
