//! The connectivity tester's logic, shared by the page and its tests: the
//! probe URL setting, the progress of a running job folded into one row per
//! address, plain-language outcomes with their badge status, the verdict
//! that heads a report (or a failed lookup), and the link that shares a
//! result.
//!
//! A shared result travels in the link itself (`/tester#r=1z...`: the
//! report's JSON, deflated by the browser, in base64url), not on a server:
//! see docs/ARCHITECTURE.md for why.
//!
//! The page only fetches ([`crate::probe_types::JobStatus`] from the probe
//! service) and renders what this module returns.

use std::net::IpAddr;

use crate::probe_types::{
    read::{JsonValue, ReadError, ReadJson},
    ApiError, DnsFailure, Event, Outcome, ProbeMode, ProbeReport, ProgressEvent, StepName,
};

/// The probe the site talks to unless the build or the visitor says
/// otherwise: the one `scripts/run.sh` starts.
pub const DEFAULT_PROBE_URL: &str = "http://127.0.0.1:8025";

/// A probe URL the visitor typed that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeUrlError {
    /// Not an http or https URL.
    #[error("the probe URL must start with http:// or https://")]
    Scheme,
    /// No host after the scheme.
    #[error("the probe URL has no host")]
    NoHost,
    /// A query, fragment, credentials or whitespace.
    #[error("the probe URL must be a plain origin or path, without ?, #, @ or spaces")]
    Extra,
}

/// Normalises a probe URL: `http(s)://host[:port][/path]` without a trailing
/// slash, so endpoint paths can be appended.
///
/// # Errors
///
/// [`ProbeUrlError`] when the URL is not a plain http(s) URL.
pub fn normalize_probe_url(raw: &str) -> Result<String, ProbeUrlError> {
    let url = raw.trim();
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or(ProbeUrlError::Scheme)?;
    if url.contains(|c: char| c.is_whitespace() || matches!(c, '?' | '#' | '@')) {
        return Err(ProbeUrlError::Extra);
    }
    if rest.split('/').next().unwrap_or_default().is_empty() {
        return Err(ProbeUrlError::NoHost);
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// Where one address stands while a job runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressProgress {
    /// The exchange (or host) the address belongs to.
    pub exchange: String,
    /// The address.
    pub address: IpAddr,
    /// The steps finished so far: name, success, milliseconds.
    pub steps: Vec<(StepName, bool, u64)>,
    /// The outcome, once the address is done.
    pub outcome: Option<Outcome>,
}

/// A running job's progress, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// The MX lookup's result in words, once it has finished.
    pub lookup: Option<String>,
    /// One row per address, in the order the probe reached them.
    pub addresses: Vec<AddressProgress>,
    /// Why the probe could not run, if it could not.
    pub failed: Option<String>,
}

impl Progress {
    /// Folds events in; events already seen (by `seq`) are the caller's to
    /// skip, through the job's `next_since`.
    pub fn apply(&mut self, events: &[ProgressEvent]) {
        for event in events {
            match &event.event {
                Event::MxResolved { answer } => {
                    self.lookup = Some(if answer.null_mx {
                        format!("{} publishes a Null MX: it accepts no mail.", answer.domain)
                    } else if answer.implicit_mx {
                        format!(
                            "{} has no MX records; its own address stands in (RFC 5321 5.1).",
                            answer.domain
                        )
                    } else {
                        let hosts: Vec<&str> =
                            answer.mx.iter().map(|m| m.exchange.as_str()).collect();
                        format!(
                            "{} has {} mail exchanger{}: {}.",
                            answer.domain,
                            hosts.len(),
                            if hosts.len() == 1 { "" } else { "s" },
                            hosts.join(", ")
                        )
                    });
                }
                Event::Connecting { exchange, address } => {
                    self.row(exchange, *address);
                }
                Event::StepDone { address, step } => {
                    if let Some(row) = self.addresses.iter_mut().find(|r| r.address == *address) {
                        row.steps.push((step.name, step.ok, step.ms));
                    }
                }
                Event::AddressDone { result } => {
                    let row = self.row(&result.exchange, result.address);
                    row.outcome = Some(result.outcome.clone());
                    if row.steps.is_empty() {
                        row.steps = result.steps.iter().map(|s| (s.name, s.ok, s.ms)).collect();
                    }
                }
                Event::Failed { message } => self.failed = Some(message.clone()),
                Event::Done { .. } => {}
            }
        }
    }

    /// The row of `address`, added if new.
    fn row(&mut self, exchange: &str, address: IpAddr) -> &mut AddressProgress {
        let index = match self.addresses.iter().position(|r| r.address == address) {
            Some(i) => i,
            None => {
                self.addresses.push(AddressProgress {
                    exchange: exchange.to_owned(),
                    address,
                    steps: Vec::new(),
                    outcome: None,
                });
                self.addresses.len() - 1
            }
        };
        &mut self.addresses[index]
    }
}

/// A step's name as the page shows it.
pub fn step_label(step: StepName) -> &'static str {
    match step {
        StepName::Connect => "Connect",
        StepName::ImplicitTls => "TLS (implicit)",
        StepName::Greeting => "Greeting",
        StepName::Ehlo => "EHLO",
        StepName::Starttls => "STARTTLS",
        StepName::TlsHandshake => "TLS handshake",
        StepName::EhloAfterTls => "EHLO after TLS",
        StepName::Quit => "QUIT",
    }
}

/// A status as the site's badges show it (`<span class="badge b-pass">`):
/// colour, a glyph and always a word, never colour alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// It works.
    Pass,
    /// It works, with a problem worth knowing.
    Warn,
    /// It does not work.
    Fail,
    /// Nothing could be judged.
    Unknown,
}

impl Status {
    /// The badge's class (`b-pass`), from the shared badge convention.
    pub fn class(self) -> &'static str {
        match self {
            Status::Pass => "b-pass",
            Status::Warn => "b-warn",
            Status::Fail => "b-fail",
            Status::Unknown => "b-unknown",
        }
    }

    /// The badge's glyph, shown beside the word.
    pub fn glyph(self) -> &'static str {
        match self {
            Status::Pass => "✓",
            Status::Warn => "!",
            Status::Fail => "✕",
            Status::Unknown => "?",
        }
    }
}

/// Tells whether `step` comes after the greeting, once the server has
/// answered in SMTP.
fn after_greeting(step: StepName) -> bool {
    !matches!(
        step,
        StepName::Connect | StepName::ImplicitTls | StepName::Greeting
    )
}

/// Reads one address's outcome as a status. The server *answered* (pass or
/// warn) once it greeted in SMTP, whatever happened to encryption after:
/// a port that answers without STARTTLS is open, not blocked.
pub fn status(outcome: &Outcome) -> Status {
    match outcome {
        Outcome::Ok => Status::Pass,
        Outcome::CertificateProblem { .. }
        | Outcome::StarttlsNotOffered
        | Outcome::StarttlsRefused { .. }
        | Outcome::TlsHandshakeFailed { .. }
        | Outcome::GreetingRejected { .. }
        | Outcome::EhloRejected { .. } => Status::Warn,
        Outcome::Timeout { step } | Outcome::Closed { step } if after_greeting(*step) => {
            Status::Warn
        }
        Outcome::Timeout { .. }
        | Outcome::Closed { .. }
        | Outcome::Refused
        | Outcome::Unreachable { .. }
        | Outcome::NoGreeting
        | Outcome::ProtocolError { .. } => Status::Fail,
        Outcome::CouldNotTest { .. } => Status::Unknown,
    }
}

/// Tells whether the server answered in SMTP (see [`status`]).
pub fn answered(outcome: &Outcome) -> bool {
    matches!(status(outcome), Status::Pass | Status::Warn)
}

/// An outcome in plain words: a short label (the badge's word) and what it
/// usually means.
pub fn describe(outcome: &Outcome) -> (&'static str, String) {
    match outcome {
        Outcome::Ok => ("Works", "Greeting, EHLO, TLS and QUIT all worked, and the certificate verified.".into()),
        Outcome::Timeout { step } => (
            "Timed out",
            if after_greeting(*step) {
                format!("The server answered, then stopped answering during {}.", step_label(*step))
            } else {
                format!(
                    "No answer during {}. At connect this usually means a firewall drops the port on the way.",
                    step_label(*step)
                )
            },
        ),
        Outcome::Refused => ("Connection refused", "The server's host answered with a reset: nothing listens on this port, or a firewall rejects the connection.".into()),
        Outcome::Unreachable { detail } => ("Unreachable", format!("No route to the address: {detail}.")),
        Outcome::NoGreeting => ("No greeting", "Connected, but no 220 greeting came in time: a tarpit, or a greet delay longer than the probe waits.".into()),
        Outcome::GreetingRejected { code } => ("Turned the probe away", format!("The server answered, but greeted with {code}: the port is open, and the server will not talk to the probe's address.")),
        Outcome::EhloRejected { code } => ("EHLO rejected", format!("The server answered, but replied {code} to EHLO.")),
        Outcome::StarttlsNotOffered => ("No encryption", "The server answered and spoke SMTP, but offered no STARTTLS: the port is open, and anything sent to it (mail, and on 587 or 2525 passwords) would travel unencrypted.".into()),
        Outcome::StarttlsRefused { code } => ("Encryption refused", format!("The server answered and offered STARTTLS, but replied {code} to it.")),
        Outcome::TlsHandshakeFailed { detail } => ("Encryption failed", format!("The server answered, but the TLS handshake failed: {detail}.")),
        Outcome::CertificateProblem { detail } => ("Certificate problem", format!("The session worked with encryption, but the certificate did not verify: {detail}. Most mail servers deliver anyway (opportunistic TLS); mail programs on 465 and 587 refuse such a certificate.")),
        Outcome::ProtocolError { step, detail } => ("Not SMTP", format!("During {} the server sent something that is not an SMTP reply: {detail}. Often another service, or an interceptor, on the port.", step_label(*step))),
        Outcome::Closed { step } => ("Closed", format!("The server closed the connection during {}.", step_label(*step))),
        Outcome::CouldNotTest { reason } => ("Could not test", reason.clone()),
    }
}

/// The verdict that heads a report: a status, its word and one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Pass, warn, fail or unknown.
    pub status: Status,
    /// The verdict in a few words, shown in the badge ("Reachable").
    pub title: &'static str,
    /// One or two sentences.
    pub headline: String,
}

/// Reads a report as a verdict: how many addresses answered, and what their
/// problems have in common.
pub fn verdict(report: &ProbeReport) -> Verdict {
    let what = match report.mode {
        ProbeMode::Mx => format!("{}'s mail servers", report.target),
        ProbeMode::Host => report.target.clone(),
    };
    let port = report.port;
    if report.mx.null_mx {
        return Verdict {
            status: Status::Unknown,
            title: "Not tested",
            headline: format!(
                "{} publishes a Null MX (RFC 7505): it accepts no mail, so nothing was tested.",
                report.target
            ),
        };
    }
    let tested: Vec<&Outcome> = report
        .results
        .iter()
        .map(|r| &r.outcome)
        .filter(|o| !o.is_could_not_test())
        .collect();
    let n = tested.len();
    if n == 0 {
        return Verdict {
            status: Status::Unknown,
            title: "Not tested",
            headline: format!("No address of {what} could be tested on port {port}."),
        };
    }
    let at = if n == 1 {
        "the 1 address tested".to_owned()
    } else {
        format!("all {n} addresses tested")
    };
    let plural = if n == 1 { "address" } else { "addresses" };
    let answering: Vec<&Outcome> = tested.iter().copied().filter(|o| answered(o)).collect();
    let ok = answering.len();
    if ok == 0 {
        let all = |f: fn(&Outcome) -> bool| tested.iter().all(|o| f(o));
        let why = if all(|o| {
            matches!(
                o,
                Outcome::Timeout {
                    step: StepName::Connect
                }
            )
        }) {
            format!(" Every connection timed out: port {port} is blocked somewhere between the probe and them, or they are down.")
        } else if all(|o| matches!(o, Outcome::Refused)) {
            " Every connection was refused: nothing listens on that port, or a firewall rejects it."
                .to_owned()
        } else {
            String::new()
        };
        return Verdict {
            status: Status::Fail,
            title: "Not reachable",
            headline: format!(
                "None of the {n} {plural} of {what} answered in SMTP on port {port}.{why}"
            ),
        };
    }
    if ok < n {
        return Verdict {
            status: Status::Warn,
            title: "Partly reachable",
            headline: format!(
                "{ok} of the {n} {plural} of {what} answered on port {port}; the others did not (see below)."
            ),
        };
    }
    let warnings: Vec<&Outcome> = answering
        .iter()
        .copied()
        .filter(|o| status(o) == Status::Warn)
        .collect();
    let Some(first) = warnings.first() else {
        return Verdict {
            status: Status::Pass,
            title: "Reachable",
            headline: format!(
                "{what} answered on port {port} at {at}, with encryption and a valid certificate."
            ),
        };
    };
    let same = warnings.iter().all(|o| o.kind() == first.kind());
    let (title, but) = match first {
        _ if !same => ("Answered, with problems", "with problems (see below)".to_owned()),
        Outcome::StarttlsNotOffered => (
            "Answered, but offered no encryption",
            format!(
                "but offered no encryption (no STARTTLS): anything sent there{} would cross the network in clear text",
                if port == 25 { "" } else { ", passwords included," }
            ),
        ),
        Outcome::CertificateProblem { .. } => (
            "Reachable, certificate problem",
            "with encryption, but the certificate did not verify (see below)".to_owned(),
        ),
        Outcome::StarttlsRefused { .. } | Outcome::TlsHandshakeFailed { .. } => (
            "Answered, but encryption failed",
            "but encryption could not be started (see below)".to_owned(),
        ),
        Outcome::GreetingRejected { .. } | Outcome::EhloRejected { .. } => (
            "Answered, but turned the probe away",
            "but refused to talk to the probe: the port is open (see below)".to_owned(),
        ),
        _ => (
            "Answered, then stopped",
            "but the session did not finish (see below)".to_owned(),
        ),
    };
    Verdict {
        status: Status::Warn,
        title,
        headline: format!("{what} answered on port {port} at {at}, {but}."),
    }
}

/// Says in plain words what a failed DNS lookup of `domain` means.
///
/// The probe's API uses it for its error message and the page for the
/// verdict, so a missing domain and a failed lookup are worded once.
pub fn dns_failure_message(domain: &str, failure: DnsFailure) -> String {
    let not_missing = format!("This does not mean that {domain} does not exist; try again later.");
    match failure {
        DnsFailure::NoSuchDomain => format!(
            "{domain} does not exist in DNS: the probe's resolver answered NXDOMAIN. Check the spelling."
        ),
        DnsFailure::ServerFailure => format!(
            "The probe's DNS resolver could not look up {domain}: it answered SERVFAIL (server failure), \
             which comes from broken or unreachable name servers of the domain, a DNSSEC failure, or \
             trouble at the resolver. {not_missing}"
        ),
        DnsFailure::Refused => format!(
            "The probe's DNS resolver refused to look up {domain} (REFUSED): the probe's own DNS is \
             misconfigured. {not_missing}"
        ),
        DnsFailure::Timeout => format!(
            "The probe's DNS resolver did not answer in time when looking up {domain}. {not_missing}"
        ),
        DnsFailure::Unreachable => format!(
            "The probe could not reach its DNS resolver to look up {domain}. {not_missing}"
        ),
        DnsFailure::Other => format!(
            "Looking up {domain} failed: the probe's DNS resolver gave no usable answer. {not_missing}"
        ),
    }
}

/// Reads a probe's refusal to run (bad target, DNS) as a verdict.
pub fn failure_verdict(error: &ApiError) -> Verdict {
    let (status, title) = match error.dns {
        Some(DnsFailure::NoSuchDomain) => (Status::Fail, "Domain not found"),
        Some(_) => (Status::Unknown, "DNS lookup failed"),
        None => (Status::Unknown, "Could not test"),
    };
    Verdict {
        status,
        title,
        headline: error.message.clone(),
    }
}

/// The start of a shared result's URL fragment: `#r=1z...`.
pub const SHARE_PREFIX: &str = "r=1";

/// The longest fragment read as a shared result (a report of the most
/// addresses a probe tests, deflated, is far shorter).
pub const MAX_SHARE_LEN: usize = 256 * 1024;

/// How a shared result's JSON is packed into its link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Packing {
    /// Raw deflate (RFC 1951, the browser's `CompressionStream("deflate-raw")`).
    Deflate,
    /// The JSON as it is, where the browser cannot compress.
    Plain,
}

impl Packing {
    fn letter(self) -> char {
        match self {
            Packing::Deflate => 'z',
            Packing::Plain => 'j',
        }
    }
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Encodes bytes as base64url without padding (RFC 4648 5).
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(BASE64URL[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// Decodes unpadded base64url; `None` on any other character or length.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for chunk in text.as_bytes().chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            let v = BASE64URL.iter().position(|b| b == c)? as u32;
            n |= v << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

/// The fragment (without `#`) of a link to a shared result.
pub fn share_fragment(packing: Packing, bytes: &[u8]) -> String {
    format!(
        "{SHARE_PREFIX}{}{}",
        packing.letter(),
        base64url_encode(bytes)
    )
}

/// Reads a shared result's fragment (with or without `#`): its packing and
/// bytes, or `None` when the fragment is not one.
pub fn read_share_fragment(fragment: &str) -> Option<(Packing, Vec<u8>)> {
    let rest = fragment.strip_prefix('#').unwrap_or(fragment);
    if rest.len() > MAX_SHARE_LEN {
        return None;
    }
    let rest = rest.strip_prefix(SHARE_PREFIX)?;
    let packing = match rest.chars().next()? {
        'z' => Packing::Deflate,
        'j' => Packing::Plain,
        _ => return None,
    };
    Some((packing, base64url_decode(&rest[1..])?))
}

/// The JSON a link carries: when the result was made (RFC 3339, the
/// browser's clock) and the report exactly as the probe sent it.
pub fn share_payload(made_at: &str, report_json: &str) -> String {
    format!(r#"{{"v":1,"made_at":"{made_at}","report":{report_json}}}"#)
}

/// A result read back from a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedReport {
    /// When it was made, as `2026-11-29 22:40 UTC`.
    pub made_at: String,
    /// The report.
    pub report: ProbeReport,
}

impl ReadJson for SharedReport {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        if v.get("v").and_then(|v| v.as_safe_integer()) != Some(1) {
            return Err(ReadError("v"));
        }
        let made_at = v
            .get("made_at")
            .and_then(|m| m.as_string())
            .and_then(|m| made_at_words(&m))
            .ok_or(ReadError("made_at"))?;
        let report = v.get("report").ok_or(ReadError("report"))?;
        Ok(SharedReport {
            made_at,
            report: ProbeReport::read(&report)?,
        })
    }
}

/// `2026-11-29T22:40:05.123Z` as `2026-11-29 22:40 UTC`; `None` unless it
/// has that shape.
pub fn made_at_words(rfc3339: &str) -> Option<String> {
    let b = rfc3339.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let shaped = rfc3339.len() <= 30
        && digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10)
        && b.get(10) == Some(&b'T')
        && digits(11..13)
        && b.get(13) == Some(&b':')
        && digits(14..16)
        && rfc3339.ends_with('Z');
    shaped.then(|| format!("{} {} UTC", &rfc3339[..10], &rfc3339[11..16]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe_types::{AddressResult, Family, MxAnswer, MxHost, Step};

    fn result(address: &str, outcome: Outcome) -> AddressResult {
        let address: IpAddr = address.parse().unwrap();
        AddressResult {
            exchange: "mx.example.com".into(),
            address,
            family: Family::of(&address),
            port: 25,
            outcome,
            steps: vec![Step {
                name: StepName::Connect,
                ok: true,
                ms: 3,
                detail: None,
            }],
            greeting: vec![],
            capabilities: vec![],
            capabilities_after_tls: vec![],
            starttls_offered: false,
            tls_used: false,
            tls: None,
            transcript: vec![],
            ms: 5,
        }
    }

    fn report(results: Vec<AddressResult>, null_mx: bool) -> ProbeReport {
        ProbeReport {
            target: "example.com".into(),
            port: 25,
            mode: ProbeMode::Mx,
            mx: MxAnswer {
                domain: "example.com".into(),
                mx: vec![],
                null_mx,
                implicit_mx: false,
                notes: vec![],
            },
            results,
            ehlo_name: "probe.example".into(),
            ms: 10,
            checks: None,
        }
    }

    #[test]
    fn probe_urls_are_normalised_or_refused() {
        assert_eq!(
            normalize_probe_url(" http://127.0.0.1:8025/ "),
            Ok("http://127.0.0.1:8025".into())
        );
        assert_eq!(
            normalize_probe_url("https://probe.example/port25//"),
            Ok("https://probe.example/port25".into())
        );
        assert_eq!(normalize_probe_url("ftp://x"), Err(ProbeUrlError::Scheme));
        assert_eq!(
            normalize_probe_url("127.0.0.1:8025"),
            Err(ProbeUrlError::Scheme)
        );
        assert_eq!(normalize_probe_url("http:///x"), Err(ProbeUrlError::NoHost));
        assert_eq!(normalize_probe_url("http://a@b"), Err(ProbeUrlError::Extra));
        assert_eq!(
            normalize_probe_url("http://b/?x"),
            Err(ProbeUrlError::Extra)
        );
    }

    #[test]
    fn verdicts_tell_all_some_none_and_untested_apart() {
        let ok = || result("192.0.2.1", Outcome::Ok);
        let timeout = || {
            result(
                "192.0.2.2",
                Outcome::Timeout {
                    step: StepName::Connect,
                },
            )
        };
        let v = verdict(&report(vec![ok()], false));
        assert_eq!((v.status, v.title), (Status::Pass, "Reachable"));
        assert_eq!(
            v.headline,
            "example.com's mail servers answered on port 25 at the 1 address tested, with encryption and a valid certificate."
        );
        let v = verdict(&report(vec![ok(), timeout()], false));
        assert_eq!((v.status, v.title), (Status::Warn, "Partly reachable"));
        assert!(
            v.headline.starts_with("1 of the 2 addresses"),
            "{}",
            v.headline
        );
        let v = verdict(&report(vec![timeout()], false));
        assert_eq!((v.status, v.title), (Status::Fail, "Not reachable"));
        assert!(v.headline.contains("port 25 is blocked"), "{}", v.headline);
        let cnt = result(
            "192.0.2.3",
            Outcome::CouldNotTest {
                reason: "limit".into(),
            },
        );
        assert_eq!(verdict(&report(vec![cnt], false)).status, Status::Unknown);
        assert_eq!(verdict(&report(vec![], true)).status, Status::Unknown);
        let cert = result(
            "192.0.2.4",
            Outcome::CertificateProblem {
                detail: "expired".into(),
            },
        );
        let v = verdict(&report(vec![cert.clone(), ok()], false));
        assert_eq!(
            (v.status, v.title),
            (Status::Warn, "Reachable, certificate problem")
        );
        assert!(
            v.headline.contains("all 2 addresses tested"),
            "{}",
            v.headline
        );
        let plain = result("192.0.2.5", Outcome::StarttlsNotOffered);
        let v = verdict(&report(vec![plain, cert], false));
        assert_eq!(
            (v.status, v.title),
            (Status::Warn, "Answered, with problems")
        );
    }

    #[test]
    fn a_server_without_starttls_answered_and_is_not_unreachable() {
        let mut r = report(
            vec![result("192.0.2.1", Outcome::StarttlsNotOffered)],
            false,
        );
        r.port = 587;
        r.mode = ProbeMode::Host;
        r.target = "192.0.2.1".into();
        let v = verdict(&r);
        assert_eq!(v.status, Status::Warn);
        assert_eq!(v.title, "Answered, but offered no encryption");
        assert_eq!(
            v.headline,
            "192.0.2.1 answered on port 587 at the 1 address tested, but offered no encryption \
             (no STARTTLS): anything sent there, passwords included, would cross the network in clear text."
        );
        assert!(answered(&Outcome::StarttlsNotOffered));
        assert_eq!(describe(&Outcome::StarttlsNotOffered).0, "No encryption");
        r.port = 25;
        assert!(!verdict(&r).headline.contains("passwords"));
    }

    #[test]
    fn statuses_follow_whether_the_server_answered() {
        let table = [
            (Outcome::Ok, Status::Pass),
            (Outcome::StarttlsNotOffered, Status::Warn),
            (Outcome::StarttlsRefused { code: 454 }, Status::Warn),
            (Outcome::GreetingRejected { code: 554 }, Status::Warn),
            (
                Outcome::Timeout {
                    step: StepName::Starttls,
                },
                Status::Warn,
            ),
            (
                Outcome::Timeout {
                    step: StepName::Connect,
                },
                Status::Fail,
            ),
            (
                Outcome::Closed {
                    step: StepName::Greeting,
                },
                Status::Fail,
            ),
            (Outcome::Refused, Status::Fail),
            (Outcome::NoGreeting, Status::Fail),
            (
                Outcome::CouldNotTest { reason: "x".into() },
                Status::Unknown,
            ),
        ];
        for (outcome, want) in table {
            assert_eq!(status(&outcome), want, "{outcome:?}");
        }
        assert_eq!(Status::Warn.class(), "b-warn");
        assert_eq!(Status::Fail.glyph(), "✕");
    }

    #[test]
    fn a_failed_lookup_is_not_a_missing_domain() {
        let error = |dns| ApiError {
            error: "dns-failed".into(),
            message: dns_failure_message("example.com", dns),
            dns: Some(dns),
        };
        let v = failure_verdict(&error(DnsFailure::NoSuchDomain));
        assert_eq!((v.status, v.title), (Status::Fail, "Domain not found"));
        assert!(v.headline.starts_with("example.com does not exist in DNS"));
        for dns in [
            DnsFailure::ServerFailure,
            DnsFailure::Refused,
            DnsFailure::Timeout,
            DnsFailure::Unreachable,
            DnsFailure::Other,
        ] {
            let v = failure_verdict(&error(dns));
            assert_eq!((v.status, v.title), (Status::Unknown, "DNS lookup failed"));
            assert!(
                v.headline
                    .contains("does not mean that example.com does not exist"),
                "{}",
                v.headline
            );
            assert!(v.headline.contains("resolver"), "{}", v.headline);
        }
        let v = failure_verdict(&ApiError {
            error: "bad-target".into(),
            message: "the target is empty".into(),
            dns: None,
        });
        assert_eq!((v.status, v.title), (Status::Unknown, "Could not test"));
    }

    #[test]
    fn base64url_round_trips_and_refuses_other_text() {
        for (bytes, text) in [
            (&b""[..], ""),
            (b"f", "Zg"),
            (b"fo", "Zm8"),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg"),
            (&[0xfb, 0xff, 0xfe][..], "-__-"),
        ] {
            assert_eq!(base64url_encode(bytes), text);
            assert_eq!(base64url_decode(text).as_deref(), Some(bytes));
        }
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(base64url_decode(&base64url_encode(&all)), Some(all));
        assert_eq!(base64url_decode("Zm9v+"), None);
        assert_eq!(base64url_decode("Z"), None);
        assert_eq!(base64url_decode("Zm9=="), None);
    }

    #[test]
    fn a_shared_report_reads_back_from_its_link() {
        let r = report(
            vec![result("192.0.2.1", Outcome::StarttlsNotOffered)],
            false,
        );
        let json = serde_json::to_string(&r).unwrap();
        let payload = share_payload("2026-11-29T22:40:05.123Z", &json);
        for packing in [Packing::Deflate, Packing::Plain] {
            let fragment = share_fragment(packing, payload.as_bytes());
            assert!(fragment.starts_with(SHARE_PREFIX));
            let (read, bytes) = read_share_fragment(&format!("#{fragment}")).unwrap();
            assert_eq!(read, packing);
            assert_eq!(bytes, payload.as_bytes());
        }
        let value: serde_json::Value = serde_json::from_str(&payload).unwrap();
        let shared = SharedReport::read(&value).unwrap();
        assert_eq!(shared.made_at, "2026-11-29 22:40 UTC");
        assert_eq!(shared.report, r);
        for bad in [
            payload.replace(r#""v":1"#, r#""v":2"#),
            payload.replace("2026-11-29T22:40:05.123Z", "yesterday"),
            payload.replace(r#""report":"#, r#""nothing":"#),
        ] {
            let value: serde_json::Value = serde_json::from_str(&bad).unwrap();
            assert!(SharedReport::read(&value).is_err(), "{bad}");
        }
        assert_eq!(read_share_fragment("#run-a-probe"), None);
        assert_eq!(read_share_fragment("r=1x"), None);
        assert_eq!(
            read_share_fragment(&format!("r=1j{}", "A".repeat(MAX_SHARE_LEN))),
            None
        );
    }

    #[test]
    fn progress_folds_events_into_rows() {
        let address: IpAddr = "192.0.2.1".parse().unwrap();
        let at = |seq, event| ProgressEvent {
            seq,
            at_ms: 0,
            event,
        };
        let mut p = Progress::default();
        p.apply(&[
            at(
                0,
                Event::MxResolved {
                    answer: MxAnswer {
                        domain: "example.com".into(),
                        mx: vec![MxHost {
                            preference: 10,
                            exchange: "mx.example.com".into(),
                            ipv4: vec!["192.0.2.1".parse().unwrap()],
                            ipv6: vec![],
                            skipped: vec![],
                            error: None,
                        }],
                        null_mx: false,
                        implicit_mx: false,
                        notes: vec![],
                    },
                },
            ),
            at(
                1,
                Event::Connecting {
                    exchange: "mx.example.com".into(),
                    address,
                },
            ),
            at(
                2,
                Event::StepDone {
                    address,
                    step: Step {
                        name: StepName::Connect,
                        ok: true,
                        ms: 4,
                        detail: None,
                    },
                },
            ),
        ]);
        assert_eq!(
            p.lookup.as_deref(),
            Some("example.com has 1 mail exchanger: mx.example.com.")
        );
        assert_eq!(p.addresses.len(), 1);
        assert_eq!(p.addresses[0].steps, vec![(StepName::Connect, true, 4)]);
        assert_eq!(p.addresses[0].outcome, None);
        p.apply(&[at(
            3,
            Event::AddressDone {
                result: Box::new(result("192.0.2.1", Outcome::Ok)),
            },
        )]);
        assert_eq!(p.addresses.len(), 1);
        assert_eq!(p.addresses[0].outcome, Some(Outcome::Ok));
        p.apply(&[at(
            4,
            Event::Failed {
                message: "bad".into(),
            },
        )]);
        assert_eq!(p.failed.as_deref(), Some("bad"));
    }

    #[test]
    fn every_outcome_has_words() {
        let outcomes = [
            Outcome::Ok,
            Outcome::Refused,
            Outcome::NoGreeting,
            Outcome::StarttlsNotOffered,
            Outcome::Timeout {
                step: StepName::Greeting,
            },
            Outcome::Closed {
                step: StepName::Ehlo,
            },
        ];
        for o in outcomes {
            let (label, text) = describe(&o);
            assert!(!label.is_empty() && text.ends_with('.'), "{label}: {text}");
            assert!(!text.contains("Some(") && !text.contains('{'), "{text}");
        }
    }
}
