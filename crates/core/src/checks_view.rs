//! What the tester page and the command line show of the mail-security
//! checks ([`crate::probe_types::checks`]): one row per section, with its
//! badge, a one-line explanation of what the mechanism is, the finding, the
//! DNSSEC state, the glossary entry to read, and the details; first for the
//! domain, then per exchange. The page's component only lays these out.

use crate::probe_types::checks::{CheckOutcome, DnssecState, MailChecks};

/// One section as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRow {
    /// The section's name, e.g. "DANE".
    pub title: &'static str,
    /// Its outcome (badge).
    pub outcome: CheckOutcome,
    /// One line: what the mechanism is for.
    pub explanation: &'static str,
    /// What was found (the reason when not tested).
    pub finding: String,
    /// DNSSEC's verdict, for findings read from DNS.
    pub dnssec: Option<DnssecState>,
    /// The glossary entry's id (`/glossary#<id>`).
    pub glossary: &'static str,
    /// Records, policy and per-address lines.
    pub details: Vec<String>,
}

/// The checks of one exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeRows {
    /// The exchange's name.
    pub exchange: String,
    /// DANE, the MTA-STS match, reverse DNS per address.
    pub rows: Vec<CheckRow>,
}

/// Everything the page shows of the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecksView {
    /// The combined outcome (the verdict rule).
    pub outcome: CheckOutcome,
    /// Its one line.
    pub summary: String,
    /// A note when the probe could not trust DNSSEC answers.
    pub note: Option<&'static str>,
    /// MTA-STS and TLS-RPT.
    pub domain: Vec<CheckRow>,
    /// Per exchange.
    pub exchanges: Vec<ExchangeRows>,
}

/// Builds the view of a report's checks.
pub fn checks_view(checks: &MailChecks) -> ChecksView {
    let sts = &checks.mta_sts;
    let mut sts_details = Vec::new();
    if let Some(record) = &sts.record {
        sts_details.push(format!("TXT record: {record}"));
    }
    if let Some(policy) = &sts.policy {
        sts_details.push(format!(
            "Policy: mode {}, max_age {} s, mx {}",
            policy.mode.name(),
            policy.max_age,
            policy.mx.join(", ")
        ));
    }
    sts_details.extend(sts.problems.iter().map(|p| format!("Problem: {p}")));
    let rpt = &checks.tls_rpt;
    let mut rpt_details = Vec::new();
    if let Some(record) = &rpt.record {
        rpt_details.push(format!("TXT record: {record}"));
    }
    rpt_details.extend(rpt.problems.iter().map(|p| format!("Problem: {p}")));
    let domain = vec![
        CheckRow {
            title: "MTA-STS",
            outcome: sts.outcome,
            explanation: "A policy, fetched over HTTPS, telling senders to deliver only over TLS with a valid certificate.",
            finding: sts.summary.clone(),
            dnssec: Some(sts.dnssec),
            glossary: "mta-sts",
            details: sts_details,
        },
        CheckRow {
            title: "TLS-RPT",
            outcome: rpt.outcome,
            explanation: "Where senders send daily reports of failed TLS connections to this domain.",
            finding: rpt.summary.clone(),
            dnssec: Some(rpt.dnssec),
            glossary: "tls-rpt",
            details: rpt_details,
        },
    ];
    let exchanges = checks
        .exchanges
        .iter()
        .map(|e| {
            let dane = &e.dane;
            let mut details: Vec<String> = dane
                .records
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    format!(
                        "TLSA #{i}: {} {} {} {}{}",
                        r.usage,
                        r.selector,
                        r.matching_type,
                        r.data,
                        if r.usable { "" } else { " (not used for SMTP)" }
                    )
                })
                .collect();
            details.extend(
                dane.addresses
                    .iter()
                    .map(|a| format!("{}: {} {}", a.address, a.outcome.word(), a.summary)),
            );
            let mut rows = vec![
                CheckRow {
                    title: "DANE",
                    outcome: dane.outcome,
                    explanation: "DNSSEC-signed TLSA records naming the certificate senders must see.",
                    finding: dane.summary.clone(),
                    dnssec: Some(dane.dnssec),
                    glossary: "dane",
                    details,
                },
                CheckRow {
                    title: "MTA-STS match",
                    outcome: e.mta_sts.outcome,
                    explanation: "Whether this server is one the domain's MTA-STS policy names, with valid TLS.",
                    finding: e.mta_sts.summary.clone(),
                    dnssec: None,
                    glossary: "mta-sts",
                    details: Vec::new(),
                },
            ];
            rows.extend(e.reverse_dns.iter().map(|r| {
                let mut details = Vec::new();
                if !r.names.is_empty() {
                    details.push(format!("PTR: {}", r.names.join(", ")));
                }
                if let Some(name) = &r.greeting_name {
                    details.push(format!("Greeting name: {name}"));
                }
                CheckRow {
                    title: "Reverse DNS",
                    outcome: r.outcome,
                    explanation: "The address's PTR name, whether it resolves back (FCrDNS) and matches the greeting.",
                    finding: format!("{}: {}", r.address, r.summary),
                    dnssec: Some(r.dnssec),
                    glossary: "fcrdns",
                    details,
                }
            }));
            ExchangeRows {
                exchange: e.exchange.clone(),
                rows,
            }
        })
        .collect();
    ChecksView {
        outcome: checks.outcome,
        summary: checks.summary.clone(),
        note: (!checks.dnssec_validation).then_some(
            "This probe does not trust a validating resolver, so DNSSEC and DANE could not be tested.",
        ),
        domain,
        exchanges,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe_types::checks::*;

    fn sample() -> MailChecks {
        MailChecks {
            outcome: CheckOutcome::Warn,
            summary: "Warning: 1 passed".into(),
            dnssec_validation: false,
            mta_sts: MtaStsCheck {
                outcome: CheckOutcome::Pass,
                summary: "ok".into(),
                authenticated: false,
                dnssec: DnssecState::Insecure,
                record: Some("v=STSv1; id=1".into()),
                id: Some("1".into()),
                policy_url: None,
                policy: Some(MtaStsPolicy {
                    version: "STSv1".into(),
                    mode: MtaStsMode::Enforce,
                    mx: vec!["mx.example.com".into()],
                    max_age: 86400,
                }),
                problems: vec![],
            },
            tls_rpt: TlsRptCheck {
                outcome: CheckOutcome::Fail,
                summary: "bad".into(),
                authenticated: true,
                dnssec: DnssecState::Secure,
                record: Some("v=TLSRPTv1".into()),
                rua: vec![],
                problems: vec!["the record has no \"rua\"".into()],
            },
            exchanges: vec![ExchangeChecks {
                exchange: "mx.example.com".into(),
                dane: DaneCheck {
                    outcome: CheckOutcome::Pass,
                    summary: "DANE ok".into(),
                    authenticated: true,
                    dnssec: DnssecState::Secure,
                    records: vec![TlsaRecord {
                        usage: 3,
                        selector: 1,
                        matching_type: 1,
                        data: "ab".into(),
                        usable: true,
                    }],
                    addresses: vec![],
                },
                mta_sts: MtaStsMatch {
                    outcome: CheckOutcome::Pass,
                    summary: "matches".into(),
                    pattern: Some("mx.example.com".into()),
                },
                reverse_dns: vec![ReverseDnsCheck {
                    address: "192.0.2.1".parse().unwrap(),
                    outcome: CheckOutcome::Warn,
                    summary: "no PTR".into(),
                    authenticated: false,
                    dnssec: DnssecState::Insecure,
                    names: vec![],
                    forward_confirmed: false,
                    greeting_name: None,
                    greeting_matches: None,
                }],
            }],
            ms: 5,
        }
    }

    #[test]
    fn rows_for_the_domain_and_each_exchange_with_glossary_links() {
        let view = checks_view(&sample());
        assert_eq!(view.outcome, CheckOutcome::Warn);
        assert!(view.note.is_some(), "untrusted DNSSEC is said");
        let titles: Vec<&str> = view.domain.iter().map(|r| r.title).collect();
        assert_eq!(titles, ["MTA-STS", "TLS-RPT"]);
        assert!(view.domain[0].details[1].contains("mode enforce"));
        assert_eq!(
            view.domain[1].details[1],
            "Problem: the record has no \"rua\""
        );
        let rows = &view.exchanges[0].rows;
        let titles: Vec<&str> = rows.iter().map(|r| r.title).collect();
        assert_eq!(titles, ["DANE", "MTA-STS match", "Reverse DNS"]);
        assert_eq!(rows[0].details, ["TLSA #0: 3 1 1 ab"]);
        assert_eq!(rows[2].finding, "192.0.2.1: no PTR");
        for row in view.domain.iter().chain(rows) {
            assert!(!row.explanation.is_empty() && !row.glossary.is_empty());
        }
    }
}
