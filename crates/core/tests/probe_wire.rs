//! The probe's JSON wire format, pinned: every wire type's samples under
//! `tests/golden/probe_wire/` (one compact JSON document a line, recorded with
//! the derived serde decoders the types first had) must decode and encode to
//! the same bytes, and a table of odd inputs must be accepted or refused as
//! those decoders did. Only the decoders are hand-shaped (see
//! `port25_core::probe_types`), so this is what keeps the format unchanged.
//!
//! New samples are appended with
//! `UPDATE_GOLDEN=1 cargo test -p port25-core --test probe_wire`; review the
//! diff: a changed line is a changed wire format.

use std::fmt::Debug;
use std::fs;
use std::path::PathBuf;

use port25_core::probe_types::read::ReadJson;
use port25_core::probe_types::*;
use serde::{de::DeserializeOwned, Serialize};

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/probe_wire")
        .join(format!("{name}.jsonl"))
}

/// Checks that `samples` encode to the lines of `name.jsonl`, and that each
/// line decodes, from text and from a parsed `serde_json::Value` (keys sorted,
/// so tags are no longer first), to the same sample.
fn check<T>(name: &str, samples: &[T])
where
    T: Serialize + DeserializeOwned + ReadJson + PartialEq + Debug,
{
    let encoded: Vec<String> = samples
        .iter()
        .map(|s| serde_json::to_string(s).unwrap())
        .collect();
    let path = golden(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, encoded.join("\n") + "\n").unwrap();
    }
    let text = fs::read_to_string(&path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines, encoded, "{name}: the encoding changed");
    for (line, sample) in lines.iter().zip(samples) {
        let decoded: T = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(&decoded, sample, "{line}");
        assert_eq!(serde_json::to_string(&decoded).unwrap(), *line);
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        let decoded: T =
            serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(&decoded, sample, "{line} as a Value");
        // The browser's reader, on the value as JSON.parse holds it: numbers
        // beyond 2^53 are not exact there, and refused.
        let read = T::read(&value);
        if has_unsafe_integer(&value) {
            assert!(read.is_err(), "{line}: read an inexact number");
        } else {
            assert_eq!(read.as_ref(), Ok(sample), "{line} read as a parsed value");
        }
    }
}

fn outcomes() -> Vec<Outcome> {
    vec![
        Outcome::Ok,
        Outcome::Timeout {
            step: StepName::Connect,
        },
        Outcome::Timeout {
            step: StepName::Greeting,
        },
        Outcome::Refused,
        Outcome::Unreachable {
            detail: "No route to host (os error 113)".into(),
        },
        Outcome::NoGreeting,
        Outcome::GreetingRejected { code: 554 },
        Outcome::EhloRejected { code: 421 },
        Outcome::StarttlsNotOffered,
        Outcome::StarttlsRefused { code: 454 },
        Outcome::TlsHandshakeFailed {
            detail: "received fatal alert: HandshakeFailure".into(),
        },
        Outcome::CertificateProblem {
            detail: "invalid peer certificate: UnknownIssuer".into(),
        },
        Outcome::ProtocolError {
            step: StepName::EhloAfterTls,
            detail: "not an SMTP reply: \"HTTP/1.1 400 Bad Request\"".into(),
        },
        Outcome::Closed {
            step: StepName::TlsHandshake,
        },
        Outcome::CouldNotTest {
            reason: "the probe is busy".into(),
        },
    ]
}

fn steps() -> Vec<Step> {
    [
        StepName::Connect,
        StepName::ImplicitTls,
        StepName::Greeting,
        StepName::Ehlo,
        StepName::Starttls,
        StepName::TlsHandshake,
        StepName::EhloAfterTls,
        StepName::Quit,
    ]
    .into_iter()
    .enumerate()
    .map(|(i, name)| Step {
        name,
        ok: i % 3 != 2,
        ms: 7 * i as u64,
        detail: (i % 2 == 0).then(|| format!("250 step {i} \u{e9}\u{1F4E8} \"quoted\"")),
    })
    .collect()
}

fn tls(mode: TlsMode, error: Option<&str>) -> TlsInfo {
    TlsInfo {
        mode,
        version: "TLSv1.3".into(),
        cipher: "TLS13_AES_256_GCM_SHA384".into(),
        certificates: vec![
            CertificateInfo {
                subject: "CN=mx.example.com".into(),
                sans: vec!["mx.example.com".into(), "192.0.2.25".into()],
                issuer: "CN=Example CA, O=Example".into(),
                not_before: "2026-01-01T00:00:00Z".into(),
                not_after: "2027-01-01T00:00:00Z".into(),
                days_left: 33,
            },
            CertificateInfo {
                subject: "CN=Example CA, O=Example".into(),
                sans: vec![],
                issuer: "CN=Example Root".into(),
                not_before: "2020-01-01T00:00:00Z".into(),
                not_after: "2025-01-01T00:00:00Z".into(),
                days_left: -332,
            },
        ],
        chain_verified: error.is_none(),
        name_matches: true,
        verification_error: error.map(Into::into),
    }
}

fn address_results() -> Vec<AddressResult> {
    let outcomes = outcomes();
    vec![
        AddressResult {
            exchange: "mx.example.com".into(),
            address: "192.0.2.25".parse().unwrap(),
            family: Family::Ipv4,
            port: 25,
            outcome: Outcome::Ok,
            steps: steps(),
            greeting: vec!["mx.example.com ESMTP ready".into()],
            capabilities: vec![
                "PIPELINING".into(),
                "SIZE 10240000".into(),
                "STARTTLS".into(),
            ],
            capabilities_after_tls: vec!["PIPELINING".into(), "AUTH PLAIN LOGIN".into()],
            starttls_offered: true,
            tls_used: true,
            tls: Some(tls(TlsMode::Starttls, None)),
            transcript: vec![
                TranscriptLine {
                    direction: Direction::Note,
                    text: "connected to 192.0.2.25:25".into(),
                    at_ms: 0,
                },
                TranscriptLine {
                    direction: Direction::Server,
                    text: "220 mx.example.com ESMTP ready".into(),
                    at_ms: 12,
                },
                TranscriptLine {
                    direction: Direction::Client,
                    text: "EHLO probe.example.net".into(),
                    at_ms: 13,
                },
                TranscriptLine {
                    direction: Direction::Server,
                    text: "250 odd \\x00 bytes\ttab".into(),
                    at_ms: 20,
                },
            ],
            ms: 140,
        },
        AddressResult {
            exchange: "mx.example.com".into(),
            address: "2001:db8::25".parse().unwrap(),
            family: Family::Ipv6,
            port: 465,
            outcome: outcomes[11].clone(),
            steps: vec![],
            greeting: vec![],
            capabilities: vec![],
            capabilities_after_tls: vec![],
            starttls_offered: false,
            tls_used: true,
            tls: Some(tls(TlsMode::Implicit, Some("UnknownIssuer"))),
            transcript: vec![],
            ms: 0,
        },
        AddressResult {
            exchange: "mx2.example.com".into(),
            address: "198.51.100.7".parse().unwrap(),
            family: Family::Ipv4,
            port: 587,
            outcome: outcomes[1].clone(),
            steps: steps()[..1].to_vec(),
            greeting: vec![],
            capabilities: vec![],
            capabilities_after_tls: vec![],
            starttls_offered: false,
            tls_used: false,
            tls: None,
            transcript: vec![],
            ms: u64::MAX,
        },
    ]
}

fn mx_answers() -> Vec<MxAnswer> {
    vec![
        MxAnswer {
            domain: "example.com".into(),
            mx: vec![
                MxHost {
                    preference: 10,
                    exchange: "mx.example.com".into(),
                    ipv4: vec!["192.0.2.25".parse().unwrap()],
                    ipv6: vec!["2001:db8::25".parse().unwrap()],
                    skipped: vec![
                        SkippedAddress {
                            address: "10.0.0.1".parse().unwrap(),
                            reason: "private address (RFC 1918)".into(),
                        },
                        SkippedAddress {
                            address: "::1".parse().unwrap(),
                            reason: "loopback".into(),
                        },
                    ],
                    error: None,
                },
                MxHost {
                    preference: 65535,
                    exchange: "mx2.example.com".into(),
                    ipv4: vec![],
                    ipv6: vec![],
                    skipped: vec![],
                    error: Some("no A or AAAA records".into()),
                },
            ],
            null_mx: false,
            implicit_mx: false,
            notes: vec!["Only the first ten exchanges are listed.".into()],
        },
        MxAnswer {
            domain: "null.example".into(),
            mx: vec![],
            null_mx: true,
            implicit_mx: false,
            notes: vec![],
        },
        MxAnswer {
            domain: "implicit.example".into(),
            mx: vec![MxHost {
                preference: 0,
                exchange: "implicit.example".into(),
                ipv4: vec!["203.0.113.9".parse().unwrap()],
                ipv6: vec![],
                skipped: vec![],
                error: None,
            }],
            null_mx: false,
            implicit_mx: true,
            notes: vec!["No MX records: the domain's own addresses stand in.".into()],
        },
    ]
}

fn requests() -> Vec<ProbeRequest> {
    vec![
        ProbeRequest {
            target: "example.com".into(),
            port: 25,
            mode: ProbeMode::Mx,
        },
        ProbeRequest {
            target: "[2001:db8::25]".into(),
            port: 2525,
            mode: ProbeMode::Host,
        },
    ]
}

fn reports() -> Vec<ProbeReport> {
    let answers = mx_answers();
    vec![
        ProbeReport {
            target: "example.com".into(),
            port: 25,
            mode: ProbeMode::Mx,
            mx: answers[0].clone(),
            results: address_results(),
            ehlo_name: "probe.example.net".into(),
            ms: 1234,
            checks: None,
        },
        ProbeReport {
            target: "null.example".into(),
            port: 587,
            mode: ProbeMode::Host,
            mx: answers[1].clone(),
            results: vec![],
            ehlo_name: "probe.example.net".into(),
            ms: 3,
            checks: None,
        },
        ProbeReport {
            target: "example.com".into(),
            port: 25,
            mode: ProbeMode::Mx,
            mx: answers[0].clone(),
            results: address_results(),
            ehlo_name: "probe.example.net".into(),
            ms: 1290,
            checks: Some(mail_checks()),
        },
    ]
}

/// Every section of the mail-security checks, with each outcome and
/// DNSSEC state somewhere.
fn mail_checks() -> checks::MailChecks {
    use checks::*;
    MailChecks {
        outcome: CheckOutcome::Fail,
        summary: "2 passed, 2 warnings, 1 failed, 1 could not be tested, 0 not used".into(),
        dnssec_validation: true,
        mta_sts: MtaStsCheck {
            outcome: CheckOutcome::Pass,
            summary: "MTA-STS policy in enforce mode, fetched and valid.".into(),
            authenticated: false,
            dnssec: DnssecState::Insecure,
            record: Some("v=STSv1; id=20261129".into()),
            id: Some("20261129".into()),
            policy_url: Some("https://mta-sts.example.com/.well-known/mta-sts.txt".into()),
            policy: Some(MtaStsPolicy {
                version: "STSv1".into(),
                mode: MtaStsMode::Enforce,
                mx: vec!["mx.example.com".into(), "*.example.net".into()],
                max_age: 604800,
            }),
            problems: vec![],
        },
        tls_rpt: TlsRptCheck {
            outcome: CheckOutcome::Warn,
            summary: "No TLS-RPT record.".into(),
            authenticated: true,
            dnssec: DnssecState::Secure,
            record: None,
            rua: vec![],
            problems: vec![],
        },
        exchanges: vec![ExchangeChecks {
            exchange: "mx.example.com".into(),
            dane: DaneCheck {
                outcome: CheckOutcome::Fail,
                summary: "No usable TLSA record matches.".into(),
                authenticated: true,
                dnssec: DnssecState::Secure,
                records: vec![TlsaRecord {
                    usage: 3,
                    selector: 1,
                    matching_type: 1,
                    data: "ab".repeat(32),
                    usable: true,
                }],
                addresses: vec![
                    DaneAddress {
                        address: "192.0.2.25".parse().unwrap(),
                        outcome: CheckOutcome::Fail,
                        summary: "No usable TLSA record matches the presented certificate chain."
                            .into(),
                        matched: None,
                    },
                    DaneAddress {
                        address: "2001:db8::25".parse().unwrap(),
                        outcome: CheckOutcome::Pass,
                        summary: "The server's certificate matches the DANE-EE record (3 1 1)."
                            .into(),
                        matched: Some(0),
                    },
                ],
            },
            mta_sts: MtaStsMatch {
                outcome: CheckOutcome::Pass,
                summary: "mx.example.com matches \"mx.example.com\".".into(),
                pattern: Some("mx.example.com".into()),
            },
            reverse_dns: vec![
                ReverseDnsCheck {
                    address: "192.0.2.25".parse().unwrap(),
                    outcome: CheckOutcome::Warn,
                    summary: "The greeting announces another name.".into(),
                    authenticated: false,
                    dnssec: DnssecState::Unchecked,
                    names: vec!["mx.example.com".into()],
                    forward_confirmed: true,
                    greeting_name: Some("mail.example.org".into()),
                    greeting_matches: Some(false),
                },
                ReverseDnsCheck {
                    address: "2001:db8::25".parse().unwrap(),
                    outcome: CheckOutcome::CouldNotTest,
                    summary: "The PTR lookup failed.".into(),
                    authenticated: false,
                    dnssec: DnssecState::Bogus,
                    names: vec![],
                    forward_confirmed: false,
                    greeting_name: None,
                    greeting_matches: None,
                },
            ],
        }],
        ms: 56,
    }
}

fn events() -> Vec<Event> {
    let results = address_results();
    vec![
        Event::MxResolved {
            answer: mx_answers()[0].clone(),
        },
        Event::Connecting {
            exchange: "mx.example.com".into(),
            address: "192.0.2.25".parse().unwrap(),
        },
        Event::Connecting {
            exchange: "mx.example.com".into(),
            address: "2001:db8::25".parse().unwrap(),
        },
        Event::StepDone {
            address: "2001:db8::25".parse().unwrap(),
            step: steps()[2].clone(),
        },
        Event::AddressDone {
            result: Box::new(results[0].clone()),
        },
        Event::AddressDone {
            result: Box::new(results[2].clone()),
        },
        Event::Done {
            report: Box::new(reports()[0].clone()),
        },
        Event::Failed {
            message: "the domain has no MX, A or AAAA records".into(),
        },
    ]
}

fn progress() -> Vec<ProgressEvent> {
    events()
        .into_iter()
        .enumerate()
        .map(|(i, event)| ProgressEvent {
            seq: i as u32,
            at_ms: 11 * i as u64,
            event,
        })
        .collect()
}

fn api_errors() -> Vec<ApiError> {
    vec![
        ApiError {
            error: "bad-target".into(),
            message: "the target is empty".into(),
            dns: None,
        },
        ApiError {
            error: "rate-limited".into(),
            message: "Too many probes from this address; wait a minute.".into(),
            dns: None,
        },
        ApiError {
            error: "no-such-domain".into(),
            message: "nope.example does not exist in DNS.".into(),
            dns: Some(DnsFailure::NoSuchDomain),
        },
        ApiError {
            error: "dns-failed".into(),
            message: "The lookup failed.".into(),
            dns: Some(DnsFailure::ServerFailure),
        },
        ApiError {
            error: "dns-failed".into(),
            message: "The lookup failed.".into(),
            dns: Some(DnsFailure::Timeout),
        },
    ]
}

fn job_statuses() -> Vec<JobStatus> {
    let request = requests()[0].clone();
    let mut progress = progress();
    progress.retain(|p| !matches!(p.event, Event::Done { .. }));
    vec![
        JobStatus {
            id: "0123456789abcdef0123456789abcdef".into(),
            state: JobState::Running,
            request: request.clone(),
            cached: false,
            elapsed_ms: 5,
            progress: vec![],
            next_since: 0,
            report: None,
            error: None,
            expires_in_s: 300,
        },
        JobStatus {
            id: "0123456789abcdef0123456789abcdef".into(),
            state: JobState::Running,
            request: request.clone(),
            cached: false,
            elapsed_ms: 50,
            progress: progress[..3].to_vec(),
            next_since: 3,
            report: None,
            error: None,
            expires_in_s: 299,
        },
        JobStatus {
            id: "0123456789abcdef0123456789abcdef".into(),
            state: JobState::Done,
            request: request.clone(),
            cached: true,
            elapsed_ms: 1234,
            progress: progress[..6].to_vec(),
            next_since: 6,
            report: Some(reports()[0].clone()),
            error: None,
            expires_in_s: 200,
        },
        JobStatus {
            id: "fedcba9876543210fedcba9876543210".into(),
            state: JobState::Failed,
            request: requests()[1].clone(),
            cached: false,
            elapsed_ms: 9,
            progress: progress[6..].to_vec(),
            next_since: 7,
            report: None,
            error: Some(api_errors()[0].clone()),
            expires_in_s: 290,
        },
    ]
}

#[test]
fn every_wire_type_keeps_its_encoding_and_decodes_it() {
    check("outcome", &outcomes());
    check("event", &events());
    check("progress_event", &progress());
    check("job_status", &job_statuses());
    check("probe_report", &reports());
    check("address_result", &address_results());
    check("mx_answer", &mx_answers());
    check("step", &steps());
    check("tls_info", &[tls(TlsMode::Starttls, Some("expired"))]);
    check("probe_request", &requests());
    check("api_error", &api_errors());
    check(
        "job_created",
        &[JobCreated {
            id: "0123456789abcdef0123456789abcdef".into(),
            poll_url: "/api/v1/probes/0123456789abcdef0123456789abcdef".into(),
            cached: false,
        }],
    );
    check(
        "probe_info",
        &[ProbeInfo {
            version: "0.1.0".into(),
            ehlo_name: "probe.example.net".into(),
            ports: ALLOWED_PORTS.to_vec(),
            greeting_timeout_s: 20,
            deadline_s: 45,
            max_addresses: 8,
            max_concurrent: 4,
            rate_limit_per_minute: 10,
            rate_limit_burst: 5,
            cache_ttl_s: 60,
            job_ttl_s: 300,
        }],
    );
}

/// Tells whether a JSON value holds an integer JavaScript cannot hold
/// exactly.
fn has_unsafe_integer(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::Number(n) => n.as_i64().is_none_or(|n| n.abs() >= 1 << 53),
        Value::Array(items) => items.iter().any(has_unsafe_integer),
        Value::Object(members) => members.values().any(has_unsafe_integer),
        _ => false,
    }
}

/// Decodes `input` as a `T` and, when that works, encodes it again; checks
/// that the browser's reader makes the same of it.
fn decode<T: Serialize + DeserializeOwned + ReadJson + PartialEq + Debug>(
    input: &str,
) -> Option<String> {
    let decoded = serde_json::from_str::<T>(input).ok();
    let value: serde_json::Value = serde_json::from_str(input).unwrap();
    assert_eq!(T::read(&value).ok(), decoded, "read {input}");
    decoded.map(|v| serde_json::to_string(&v).unwrap())
}

/// Odd inputs and what the original derived decoders made of them: `Some`
/// with the re-encoding when accepted, `None` when refused.
#[test]
fn odd_inputs_are_accepted_or_refused_as_before() {
    let outcome: &[(&str, Option<&str>)] = &[
        // The tag anywhere among the fields.
        (
            r#"{"code":554,"kind":"greeting-rejected"}"#,
            Some(r#"{"kind":"greeting-rejected","code":554}"#),
        ),
        (
            r#"{"detail":"x","kind":"protocol-error","step":"quit"}"#,
            Some(r#"{"kind":"protocol-error","step":"quit","detail":"x"}"#),
        ),
        // Unknown fields, and fields of other kinds, are ignored.
        (
            r#"{"kind":"refused","extra":[1,{"a":null}]}"#,
            Some(r#"{"kind":"refused"}"#),
        ),
        (
            r#"{"kind":"ok","detail":"x","code":5}"#,
            Some(r#"{"kind":"ok"}"#),
        ),
        (
            r#"{"step":"connect","kind":"closed","reason":"r"}"#,
            Some(r#"{"kind":"closed","step":"connect"}"#),
        ),
        // Unknown, misspelt or missing kinds are refused.
        (r#"{"kind":"nope"}"#, None),
        (r#"{"kind":"Timeout","step":"connect"}"#, None),
        (r#"{"kind":"greeting_rejected","code":554}"#, None),
        (r#"{"kind":""}"#, None),
        (r#"{"kind":1}"#, None),
        (r#"{"kind":null}"#, None),
        (r#"{"step":"connect"}"#, None),
        (r#"{}"#, None),
        // A kind's own fields are required and typed.
        (r#"{"kind":"timeout"}"#, None),
        (r#"{"kind":"timeout","step":"warp"}"#, None),
        (r#"{"kind":"unreachable","detail":null}"#, None),
        (r#"{"kind":"greeting-rejected","code":"554"}"#, None),
        (r#"{"kind":"greeting-rejected","code":70000}"#, None),
        (r#"{"kind":"protocol-error","step":"quit"}"#, None),
        // Not an object.
        (r#""ok""#, None),
        (r#"null"#, None),
        (r#"42"#, None),
    ];
    for (input, want) in outcome {
        assert_eq!(
            decode::<Outcome>(input).as_deref(),
            *want,
            "Outcome {input}"
        );
    }

    let request: &[(&str, Option<&str>)] = &[
        (
            r#"{"target":"example.com"}"#,
            Some(r#"{"target":"example.com","port":25,"mode":"mx"}"#),
        ),
        (r#"{"target":"example.com","port":null}"#, None),
        (r#"{"target":"example.com","mode":null}"#, None),
        (r#"{"target":"example.com","mode":"smtp"}"#, None),
        (r#"{"target":"example.com","mail_from":"x"}"#, None),
    ];
    for (input, want) in request {
        assert_eq!(
            decode::<ProbeRequest>(input).as_deref(),
            *want,
            "ProbeRequest {input}"
        );
    }

    let event: &[(&str, Option<&str>)] = &[
        (
            r#"{"address":"192.0.2.1","exchange":"mx","event":"connecting"}"#,
            Some(r#"{"event":"connecting","exchange":"mx","address":"192.0.2.1"}"#),
        ),
        (
            r#"{"event":"failed","message":"m","exchange":"mx","seq":1}"#,
            Some(r#"{"event":"failed","message":"m"}"#),
        ),
        (
            r#"{"event":"connecting","exchange":"mx","address":"mx"}"#,
            None,
        ),
        (r#"{"event":"connecting","exchange":"mx"}"#, None),
        (
            r#"{"event":"step-done","address":"::1","step":{"name":"quit"}}"#,
            None,
        ),
        (r#"{"event":"nope"}"#, None),
        (r#"{"event":"Failed","message":"m"}"#, None),
        (r#"{"kind":"failed","message":"m"}"#, None),
        (r#"{"message":"m"}"#, None),
    ];
    for (input, want) in event {
        assert_eq!(decode::<Event>(input).as_deref(), *want, "Event {input}");
    }

    let progress: &[(&str, Option<&str>)] = &[
        (
            r#"{"event":"failed","message":"m","seq":2,"at_ms":9}"#,
            Some(r#"{"seq":2,"at_ms":9,"event":"failed","message":"m"}"#),
        ),
        (
            r#"{"seq":2,"at_ms":9,"event":"failed","message":"m","later":true}"#,
            Some(r#"{"seq":2,"at_ms":9,"event":"failed","message":"m"}"#),
        ),
        (r#"{"seq":2,"event":"failed","message":"m"}"#, None),
        (r#"{"seq":2,"at_ms":9,"message":"m"}"#, None),
        (r#"{"seq":2,"at_ms":9,"event":"nope","message":"m"}"#, None),
        (
            r#"{"seq":-1,"at_ms":9,"event":"failed","message":"m"}"#,
            None,
        ),
        (r#"{"seq":2,"at_ms":9,"event":"failed"}"#, None),
    ];
    for (input, want) in progress {
        assert_eq!(
            decode::<ProgressEvent>(input).as_deref(),
            *want,
            "ProgressEvent {input}"
        );
    }
}

/// Decodes `input` as a `T` with serde only.
fn serde_only<T: Serialize + DeserializeOwned>(input: &str) -> Option<String> {
    serde_json::from_str::<T>(input)
        .ok()
        .map(|v| serde_json::to_string(&v).unwrap())
}

/// Inputs the original derived decoders accepted and the flat serde decoders
/// refuse, on purpose (`port25_core::probe_types` explains why): no sender
/// writes them, and accepting them meant buffering every object. The
/// browser's reader, which looks only at the fields the tag needs, still
/// accepts the first kind, as the derived decoders did.
#[test]
fn known_differences_from_the_derived_decoders() {
    // A field of another variant must have that field's type.
    assert_eq!(serde_only::<Outcome>(r#"{"kind":"ok","code":"x"}"#), None);
    assert_eq!(
        serde_only::<Outcome>(r#"{"kind":"refused","step":"warp"}"#),
        None
    );
    assert_eq!(
        serde_only::<Event>(r#"{"event":"failed","message":"m","answer":7}"#),
        None
    );
    assert_eq!(
        serde_only::<Event>(r#"{"event":"failed","message":"m","seq":"x"}"#),
        None
    );
    // An array in place of the object is read in the flat struct's order
    // (`seq` first for events), not the variant's.
    assert_eq!(serde_only::<Event>(r#"["failed","m"]"#), None);
    let value: serde_json::Value = serde_json::from_str(r#"{"kind":"ok","code":"x"}"#).unwrap();
    assert_eq!(Outcome::read(&value), Ok(Outcome::Ok));
}
