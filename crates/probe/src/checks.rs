//! The mail-security checks of a domain, after its SMTP probe: DANE
//! (RFC 7672), MTA-STS (RFC 8461), TLS-RPT (RFC 8460) and reverse DNS,
//! producing [`MailChecks`] by the outcome rules written here and the
//! verdict rule of [`port25_core::probe_types::checks`].
//!
//! Lookups go through [`DnsClient`] (DNSSEC state on every finding), the
//! policy fetch through [`crate::policy_fetch`] (the SSRF guard), and the
//! certificate chains come from the probe's own handshakes
//! ([`crate::session::probe_address_with_chain`]), so no server is
//! contacted twice. Parsing and matching are in [`port25_core::mailsec`].

use std::net::IpAddr;
use std::sync::Arc;
use std::time::SystemTime;

use hickory_proto::rr::{RData, RecordType};
use port25_core::mailsec;
use port25_core::probe_types::checks::{
    CheckOutcome, DaneAddress, DaneCheck, DnssecState, ExchangeChecks, MailChecks, MtaStsCheck,
    MtaStsMatch, MtaStsMode, MtaStsPolicy, ReverseDnsCheck, TlsRptCheck, TlsaRecord,
};
use port25_core::probe_types::{AddressResult, MxAnswer};
use rustls::client::danger::ServerCertVerifier;
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::RootCertStore;
use tokio::time::Instant;

use crate::dnssec::{reverse_name, DnsClient};
use crate::guard::Guard;
use crate::policy_fetch::{fetch_policy, FetchConfig, FetchError};

/// What the checks need: the resolver, the guard and the policy fetch.
#[derive(Debug, Clone)]
pub struct ChecksConfig {
    /// The (validating) resolver.
    pub dns: Arc<DnsClient>,
    /// The guard every fetched address passes.
    pub guard: Guard,
    /// How MTA-STS policies are fetched.
    pub fetch: FetchConfig,
}

/// One probed address with the chain it presented.
#[derive(Debug, Clone)]
pub struct Probed {
    /// The session's result.
    pub result: AddressResult,
    /// The presented chain, leaf first (empty without a handshake).
    pub chain: Vec<CertificateDer<'static>>,
}

/// Runs every check of `answer.domain` over the probed addresses.
pub async fn run(config: &ChecksConfig, answer: &MxAnswer, probed: &[Probed]) -> MailChecks {
    let started = Instant::now();
    let domain = answer.domain.as_str();
    let exchanges: Vec<&str> = answer.mx.iter().map(|h| h.exchange.as_str()).collect();
    let tls_rpt_name = format!("_smtp._tls.{domain}");
    let (mta_sts, tls_rpt_raw, per_exchange) = futures::join!(
        mta_sts(config, domain),
        config.dns.txt(&tls_rpt_name),
        futures::future::join_all(
            exchanges
                .iter()
                .map(|exchange| exchange_checks(config, exchange, probed))
        )
    );
    let mut exchanges_out = Vec::new();
    for (mut checks, exchange) in per_exchange.into_iter().zip(&exchanges) {
        checks.mta_sts = mta_sts_match(&mta_sts, exchange, probed);
        exchanges_out.push(checks);
    }
    let dane_in_use = exchanges_out
        .iter()
        .any(|e| e.dane.authenticated && e.dane.records.iter().any(|r| r.usable));
    let sts_in_use = mta_sts
        .policy
        .as_ref()
        .is_some_and(|p| p.mode != MtaStsMode::None);
    let tls_rpt = tls_rpt(tls_rpt_raw, dane_in_use || sts_in_use);

    let mut all = vec![mta_sts.outcome, tls_rpt.outcome];
    for e in &exchanges_out {
        all.push(e.dane.outcome);
        all.push(e.mta_sts.outcome);
        all.extend(e.reverse_dns.iter().map(|r| r.outcome));
    }
    let outcome = CheckOutcome::combine(all.iter().copied());
    let count = |o: CheckOutcome| all.iter().filter(|x| **x == o).count();
    let summary = format!(
        "{} passed, {} warnings, {} failed, {} could not be tested, {} not used",
        count(CheckOutcome::Pass),
        count(CheckOutcome::Warn),
        count(CheckOutcome::Fail),
        count(CheckOutcome::CouldNotTest),
        count(CheckOutcome::NotApplicable)
    );
    MailChecks {
        outcome,
        summary,
        dnssec_validation: config.dns.trust_ad,
        mta_sts,
        tls_rpt,
        exchanges: exchanges_out,
        ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }
}

const UNTRUSTED: &str =
    "the probe's resolver is not trusted to validate DNSSEC (see --dnssec-trust-ad)";

async fn exchange_checks(
    config: &ChecksConfig,
    exchange: &str,
    probed: &[Probed],
) -> ExchangeChecks {
    let mine: Vec<&Probed> = probed
        .iter()
        .filter(|p| p.result.exchange == exchange)
        .collect();
    let (dane, reverse) = futures::join!(
        dane(config, exchange, &mine),
        futures::future::join_all(mine.iter().map(|p| reverse_dns(config, &p.result)))
    );
    ExchangeChecks {
        exchange: exchange.to_owned(),
        dane,
        mta_sts: MtaStsMatch {
            outcome: CheckOutcome::NotApplicable,
            summary: String::new(),
            pattern: None,
        },
        reverse_dns: reverse,
    }
}

// ---- DANE (RFC 7672) ----

async fn dane(config: &ChecksConfig, exchange: &str, probed: &[&Probed]) -> DaneCheck {
    let name = format!("_25._tcp.{exchange}");
    let mut check = DaneCheck {
        outcome: CheckOutcome::CouldNotTest,
        summary: String::new(),
        authenticated: false,
        dnssec: DnssecState::Unchecked,
        records: Vec::new(),
        addresses: Vec::new(),
    };
    let answer = match config.dns.lookup(&name, RecordType::TLSA).await {
        Ok(answer) => answer,
        Err(e) => {
            check.summary = format!("The TLSA lookup failed: {e}.");
            return check;
        }
    };
    check.dnssec = answer.dnssec;
    check.authenticated = answer.dnssec == DnssecState::Secure;
    let mut raw = Vec::new();
    for record in &answer.records {
        if let RData::TLSA(tlsa) = record {
            let (usage, selector, matching) = (
                u8::from(tlsa.cert_usage),
                u8::from(tlsa.selector),
                u8::from(tlsa.matching),
            );
            check.records.push(TlsaRecord {
                usage,
                selector,
                matching_type: matching,
                data: mailsec::hex(&tlsa.cert_data),
                usable: mailsec::tlsa_usable(usage, selector, matching),
            });
            raw.push(tlsa.cert_data.clone());
        }
    }
    let (outcome, summary) = match (answer.dnssec, check.records.is_empty()) {
        (DnssecState::Bogus, _) => (
            CheckOutcome::Fail,
            format!("The TLSA answer for {name} fails DNSSEC validation (bogus): DANE senders defer mail to {exchange}."),
        ),
        (DnssecState::Unchecked, _) => (CheckOutcome::CouldNotTest, format!("DANE needs DNSSEC, and {UNTRUSTED}.")),
        (DnssecState::Insecure, true) => (
            CheckOutcome::NotApplicable,
            format!("No DANE: {name} is in a zone without DNSSEC, so senders cannot use TLSA records."),
        ),
        (DnssecState::Insecure, false) => (
            CheckOutcome::Warn,
            format!("TLSA records exist at {name}, but the zone is not DNSSEC-signed, so senders ignore them."),
        ),
        (DnssecState::Secure, true) => (
            CheckOutcome::NotApplicable,
            format!("No DANE: DNSSEC proves {name} has no TLSA records."),
        ),
        (DnssecState::Secure, false) if !check.records.iter().any(|r| r.usable) => (
            CheckOutcome::Warn,
            "The TLSA records are all of kinds SMTP senders do not use (PKIX usages 0 and 1, RFC 7672 3.1.3): senders require TLS but cannot authenticate it.".to_owned(),
        ),
        (DnssecState::Secure, false) => {
            for p in probed {
                check.addresses.push(dane_address(exchange, &check.records, &raw, p));
            }
            let outcome = CheckOutcome::combine(check.addresses.iter().map(|a| a.outcome));
            let outcome = if check.addresses.is_empty() { CheckOutcome::CouldNotTest } else { outcome };
            let matched = check.addresses.iter().filter(|a| a.outcome == CheckOutcome::Pass).count();
            (
                outcome,
                format!(
                    "DANE: {} authenticated TLSA record(s); {matched} of {} address(es) presented a matching certificate.",
                    check.records.len(),
                    check.addresses.len()
                ),
            )
        }
    };
    check.outcome = outcome;
    check.summary = summary;
    check
}

fn dane_address(
    exchange: &str,
    records: &[TlsaRecord],
    raw: &[Vec<u8>],
    p: &Probed,
) -> DaneAddress {
    let address = p.result.address;
    let verdict = |outcome, summary: String, matched| DaneAddress {
        address,
        outcome,
        summary,
        matched,
    };
    if p.chain.is_empty() {
        return if p.result.starttls_offered || p.result.greeting.is_empty() {
            verdict(
                CheckOutcome::CouldNotTest,
                format!(
                    "No certificate was seen ({}), so the records could not be matched.",
                    p.result.outcome.kind()
                ),
                None,
            )
        } else {
            verdict(
                CheckOutcome::Fail,
                "The server does not offer STARTTLS, which DANE requires: DANE senders defer mail."
                    .into(),
                None,
            )
        };
    }
    let spkis: Vec<Vec<u8>> = p
        .chain
        .iter()
        .map(|c| spki(c).unwrap_or_default())
        .collect();
    for (i, record) in records.iter().enumerate() {
        if !record.usable {
            continue;
        }
        let index = u32::try_from(i).ok();
        let label = format!(
            "{} {} {}",
            record.usage, record.selector, record.matching_type
        );
        if record.usage == 3 {
            // DANE-EE: the leaf's certificate or key; names and dates are
            // not checked (RFC 7672 3.1.1).
            if mailsec::tlsa_matches(
                record.selector,
                record.matching_type,
                &raw[i],
                &p.chain[0],
                &spkis[0],
            ) {
                return verdict(
                    CheckOutcome::Pass,
                    format!("The server's certificate matches the DANE-EE record ({label})."),
                    index,
                );
            }
        } else {
            // DANE-TA: a certificate of the chain is the trust anchor; the
            // chain must verify from it, with the exchange's name (RFC 7672
            // 3.1.2, 3.2.2).
            for (j, cert) in p.chain.iter().enumerate().skip(1) {
                if mailsec::tlsa_matches(
                    record.selector,
                    record.matching_type,
                    &raw[i],
                    cert,
                    &spkis[j],
                ) {
                    return match verify_from_anchor(&p.chain, j, exchange) {
                        Ok(()) => verdict(
                            CheckOutcome::Pass,
                            format!("The chain verifies from the trust anchor in the DANE-TA record ({label})."),
                            index,
                        ),
                        Err(e) => verdict(
                            CheckOutcome::Fail,
                            format!("The DANE-TA record ({label}) matches a certificate of the chain, but the chain does not verify from it: {e}."),
                            None,
                        ),
                    };
                }
            }
        }
    }
    verdict(
        CheckOutcome::Fail,
        "No usable TLSA record matches the presented certificate chain: DANE senders defer mail."
            .into(),
        None,
    )
}

fn spki(cert: &CertificateDer<'_>) -> Option<Vec<u8>> {
    x509_parser::parse_x509_certificate(cert.as_ref())
        .ok()
        .map(|(_, c)| c.tbs_certificate.subject_pki.raw.to_vec())
}

/// Verifies the leaf of `chain` up to `chain[anchor]` as the only root,
/// for `exchange`.
fn verify_from_anchor(
    chain: &[CertificateDer<'static>],
    anchor: usize,
    exchange: &str,
) -> Result<(), String> {
    let mut roots = RootCertStore::empty();
    roots
        .add(chain[anchor].clone())
        .map_err(|e| format!("the anchor is not a usable CA certificate ({e})"))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
        .build()
        .map_err(|e| e.to_string())?;
    let name = ServerName::try_from(exchange.to_owned()).map_err(|e| e.to_string())?;
    verifier
        .verify_server_cert(
            &chain[0],
            &chain[1..anchor],
            &name,
            &[],
            UnixTime::since_unix_epoch(
                SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap_or_default(),
            ),
        )
        .map(|_| ())
        .map_err(|e| e.to_string())
}

// ---- MTA-STS (RFC 8461) ----

async fn mta_sts(config: &ChecksConfig, domain: &str) -> MtaStsCheck {
    let mut check = MtaStsCheck {
        outcome: CheckOutcome::CouldNotTest,
        summary: String::new(),
        authenticated: false,
        dnssec: DnssecState::Unchecked,
        record: None,
        id: None,
        policy_url: None,
        policy: None,
        problems: Vec::new(),
    };
    let name = format!("_mta-sts.{domain}");
    let (texts, state) = match config.dns.txt(&name).await {
        Ok(found) => found,
        Err(e) => {
            check.summary = format!("The {name} lookup failed: {e}.");
            return check;
        }
    };
    check.dnssec = state;
    check.authenticated = state == DnssecState::Secure;
    if state == DnssecState::Bogus {
        check.outcome = CheckOutcome::Fail;
        check.summary = format!("The {name} TXT answer fails DNSSEC validation (bogus).");
        return check;
    }
    let record = match mailsec::select_record(&texts, "v=STSv1") {
        Ok(Some(record)) => record.to_owned(),
        Ok(None) => {
            check.outcome = CheckOutcome::NotApplicable;
            check.summary = format!("No MTA-STS: {name} has no \"v=STSv1\" TXT record.");
            return check;
        }
        Err(problem) => {
            check.outcome = CheckOutcome::Fail;
            check.problems.push(problem.clone());
            check.summary = format!("MTA-STS is broken: {problem}.");
            return check;
        }
    };
    check.record = Some(record.clone());
    match mailsec::parse_mta_sts_record(&record) {
        Ok(id) => check.id = Some(id),
        Err(problem) => check.problems.push(format!("TXT record: {problem}")),
    }
    check.policy_url = Some(format!(
        "https://mta-sts.{domain}{}",
        crate::policy_fetch::POLICY_PATH
    ));
    let text = match fetch_policy(&config.dns, &config.guard, &config.fetch, domain).await {
        Ok(text) => text,
        Err(FetchError::Refused(reason)) => {
            check.outcome = CheckOutcome::CouldNotTest;
            check.summary = format!("The policy was not fetched: {reason}.");
            return check;
        }
        Err(FetchError::Failed(reason)) => {
            check.problems.push(reason.clone());
            check.outcome = CheckOutcome::Fail;
            check.summary = format!(
                "The MTA-STS record is published, but the policy cannot be fetched: {reason}."
            );
            return check;
        }
    };
    match mailsec::parse_mta_sts_policy(&text) {
        Ok(policy) => {
            let mode = policy.mode;
            check.policy = Some(policy);
            if !check.problems.is_empty() {
                check.outcome = CheckOutcome::Fail;
                check.summary = format!("MTA-STS has problems: {}.", check.problems.join("; "));
            } else if mode == MtaStsMode::None {
                check.outcome = CheckOutcome::NotApplicable;
                check.summary = "MTA-STS is withdrawn (mode: none).".into();
            } else {
                check.outcome = CheckOutcome::Pass;
                check.summary =
                    format!("MTA-STS policy in {} mode, fetched and valid.", mode.name());
            }
        }
        Err(problems) => {
            check.outcome = CheckOutcome::Fail;
            check.summary = format!("The MTA-STS policy is invalid: {}.", problems.join("; "));
            check.problems.extend(problems);
        }
    }
    check
}

fn mta_sts_match(sts: &MtaStsCheck, exchange: &str, probed: &[Probed]) -> MtaStsMatch {
    let result = |outcome, summary: String, pattern: Option<&str>| MtaStsMatch {
        outcome,
        summary,
        pattern: pattern.map(str::to_owned),
    };
    let Some(policy) = sts.policy.as_ref().filter(|p| p.mode != MtaStsMode::None) else {
        return match sts.outcome {
            CheckOutcome::Fail | CheckOutcome::CouldNotTest if sts.record.is_some() => result(
                CheckOutcome::CouldNotTest,
                "No valid MTA-STS policy to check this exchange against.".into(),
                None,
            ),
            _ => result(
                CheckOutcome::NotApplicable,
                "No MTA-STS policy.".into(),
                None,
            ),
        };
    };
    let soft = |o| {
        if policy.mode == MtaStsMode::Testing && o == CheckOutcome::Fail {
            CheckOutcome::Warn
        } else {
            o
        }
    };
    let Some(pattern) = mailsec::matching_pattern(exchange, &policy.mx) else {
        return result(
            soft(CheckOutcome::Fail),
            format!(
                "{exchange} matches none of the policy's mx patterns ({}): {}.",
                policy.mx.join(", "),
                consequence(policy)
            ),
            None,
        );
    };
    let mine: Vec<&Probed> = probed
        .iter()
        .filter(|p| p.result.exchange == exchange)
        .collect();
    if mine.is_empty() {
        return result(
            CheckOutcome::CouldNotTest,
            format!("{exchange} matches \"{pattern}\"; no address was probed to check its TLS."),
            Some(pattern),
        );
    }
    let mut bad = Vec::new();
    let mut untested = 0;
    for p in &mine {
        let r = &p.result;
        match &r.tls {
            Some(tls) if tls.chain_verified && tls.name_matches => {}
            Some(tls) => bad.push(format!(
                "{}: the certificate is not valid for {exchange} ({})",
                r.address,
                tls.verification_error
                    .as_deref()
                    .unwrap_or("did not verify")
            )),
            None if r.greeting.is_empty() => untested += 1,
            None => bad.push(format!("{}: no STARTTLS", r.address)),
        }
    }
    if !bad.is_empty() {
        result(
            soft(CheckOutcome::Fail),
            format!(
                "{exchange} matches \"{pattern}\", but {}: {}.",
                bad.join("; "),
                consequence(policy)
            ),
            Some(pattern),
        )
    } else if untested == mine.len() {
        result(
            CheckOutcome::CouldNotTest,
            format!(
                "{exchange} matches \"{pattern}\"; no address could be reached to check its TLS."
            ),
            Some(pattern),
        )
    } else {
        result(
            CheckOutcome::Pass,
            format!(
                "{exchange} matches \"{pattern}\" and offers STARTTLS with a valid certificate."
            ),
            Some(pattern),
        )
    }
}

fn consequence(policy: &MtaStsPolicy) -> &'static str {
    match policy.mode {
        MtaStsMode::Enforce => "senders that honour MTA-STS will not deliver there",
        _ => "in testing mode senders still deliver, and report the failure",
    }
}

// ---- TLS-RPT (RFC 8460) ----

fn tls_rpt(found: Result<(Vec<String>, DnssecState), String>, expected: bool) -> TlsRptCheck {
    let mut check = TlsRptCheck {
        outcome: CheckOutcome::CouldNotTest,
        summary: String::new(),
        authenticated: false,
        dnssec: DnssecState::Unchecked,
        record: None,
        rua: Vec::new(),
        problems: Vec::new(),
    };
    let (texts, state) = match found {
        Ok(found) => found,
        Err(e) => {
            check.summary = format!("The TLS-RPT lookup failed: {e}.");
            return check;
        }
    };
    check.dnssec = state;
    check.authenticated = state == DnssecState::Secure;
    if state == DnssecState::Bogus {
        check.outcome = CheckOutcome::Fail;
        check.summary = "The TLS-RPT answer fails DNSSEC validation (bogus).".into();
        return check;
    }
    match mailsec::select_record(&texts, "v=TLSRPTv1") {
        Ok(None) => {
            // A TXT that looks like an attempt is a malformed record.
            if let Some(attempt) = texts
                .iter()
                .find(|t| t.to_ascii_lowercase().contains("tlsrpt"))
            {
                check.record = Some(attempt.clone());
                check
                    .problems
                    .push("the record must start with \"v=TLSRPTv1\"".into());
                check.outcome = CheckOutcome::Fail;
                check.summary =
                    "The TLS-RPT record is malformed: it must start with \"v=TLSRPTv1\".".into();
            } else if expected {
                check.outcome = CheckOutcome::Warn;
                check.summary = "No TLS-RPT record: with DANE or MTA-STS in use, no one hears when senders fail to connect securely.".into();
            } else {
                check.outcome = CheckOutcome::NotApplicable;
                check.summary = "No TLS-RPT record (useful once DANE or MTA-STS is in use).".into();
            }
        }
        Err(problem) => {
            check.problems.push(problem.clone());
            check.outcome = CheckOutcome::Fail;
            check.summary = format!("TLS-RPT is broken: {problem}.");
        }
        Ok(Some(record)) => {
            let parsed = mailsec::parse_tls_rpt(record);
            check.record = Some(record.to_owned());
            check.rua = parsed.rua;
            if parsed.problems.is_empty() {
                check.outcome = CheckOutcome::Pass;
                check.summary = format!("TLS reports go to {}.", check.rua.join(", "));
            } else {
                check.outcome = CheckOutcome::Fail;
                check.summary = format!(
                    "The TLS-RPT record is malformed: {}.",
                    parsed.problems.join("; ")
                );
                check.problems = parsed.problems;
            }
        }
    }
    check
}

// ---- Reverse DNS ----

async fn reverse_dns(config: &ChecksConfig, result: &AddressResult) -> ReverseDnsCheck {
    let address = result.address;
    let greeting_name = result
        .greeting
        .first()
        .and_then(|line| mailsec::greeting_name(line));
    let mut check = ReverseDnsCheck {
        address,
        outcome: CheckOutcome::CouldNotTest,
        summary: String::new(),
        authenticated: false,
        dnssec: DnssecState::Unchecked,
        names: Vec::new(),
        forward_confirmed: false,
        greeting_name: greeting_name.clone(),
        greeting_matches: None,
    };
    let answer = match config
        .dns
        .lookup(&reverse_name(address), RecordType::PTR)
        .await
    {
        Ok(answer) => answer,
        Err(e) => {
            check.summary = format!("The PTR lookup failed: {e}.");
            return check;
        }
    };
    check.dnssec = answer.dnssec;
    check.authenticated = answer.dnssec == DnssecState::Secure;
    check.names = answer
        .records
        .iter()
        .filter_map(|r| match r {
            RData::PTR(ptr) => Some(ptr.0.to_ascii().trim_end_matches('.').to_ascii_lowercase()),
            _ => None,
        })
        .collect();
    if check.names.is_empty() {
        check.outcome = CheckOutcome::Warn;
        check.summary =
            format!("{address} has no reverse DNS (PTR); many receivers distrust such senders.");
        return check;
    }
    let mut confirmed = Vec::new();
    // At most a few names are followed: an address has one PTR as a rule,
    // and a long list would cost a lookup each.
    for name in check.names.iter().take(port25_core::sender::MAX_PTR_NAMES) {
        if let Ok((addresses, _, _)) = config.dns.addresses_with_state(name).await {
            if addresses.iter().any(|a| same_address(*a, address)) {
                confirmed.push(name.clone());
            }
        }
    }
    check.forward_confirmed = !confirmed.is_empty();
    if let Some(greeting) = &greeting_name {
        check.greeting_matches = Some(confirmed.iter().any(|n| n == greeting));
    }
    let names = check.names.join(", ");
    (check.outcome, check.summary) = if !check.forward_confirmed {
        (
            CheckOutcome::Warn,
            format!("{address} has reverse DNS ({names}), but the name does not resolve back to it (no FCrDNS)."),
        )
    } else if check.greeting_matches == Some(false) {
        (
            CheckOutcome::Warn,
            format!(
                "Reverse DNS {} resolves back, but the greeting announces {}.",
                confirmed.join(", "),
                greeting_name.as_deref().unwrap_or("")
            ),
        )
    } else if check.greeting_matches == Some(true) {
        (
            CheckOutcome::Pass,
            format!(
                "Reverse DNS {} resolves back and matches the greeting.",
                confirmed.join(", ")
            ),
        )
    } else {
        (
            CheckOutcome::Pass,
            format!(
                "Reverse DNS {} resolves back (the greeting was not read).",
                confirmed.join(", ")
            ),
        )
    };
    check
}

fn same_address(a: IpAddr, b: IpAddr) -> bool {
    a.to_canonical() == b.to_canonical()
}
