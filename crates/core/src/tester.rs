//! The connectivity tester's logic, shared by the page and its tests: the
//! probe URL setting, the progress of a running job folded into one row per
//! address, plain-language outcomes, and the verdict that heads a report.
//!
//! The page only fetches ([`crate::probe_types::JobStatus`] from the probe
//! service) and renders what this module returns.

use std::net::IpAddr;

use crate::probe_types::{
    AddressResult, Event, Outcome, ProbeMode, ProbeReport, ProgressEvent, StepName,
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

/// An outcome in plain words: a short label and what it usually means.
pub fn describe(outcome: &Outcome) -> (&'static str, String) {
    match outcome {
        Outcome::Ok => ("OK", "Greeting, EHLO, TLS and QUIT all worked, and the certificate verified.".into()),
        Outcome::Timeout { step } => (
            "Timed out",
            format!(
                "No answer during {}. At connect this usually means a firewall drops the port on the way.",
                step_label(*step)
            ),
        ),
        Outcome::Refused => ("Refused", "The server's host answered with a reset: nothing listens on this port, or a firewall rejects the connection.".into()),
        Outcome::Unreachable { detail } => ("Unreachable", format!("No route to the address: {detail}.")),
        Outcome::NoGreeting => ("No greeting", "Connected, but no 220 greeting came in time: a tarpit, or a greet delay longer than the probe waits.".into()),
        Outcome::GreetingRejected { code } => ("Greeting rejected", format!("The server greeted with {code}: it will not talk to the probe's address.")),
        Outcome::EhloRejected { code } => ("EHLO rejected", format!("The server answered EHLO with {code}.")),
        Outcome::StarttlsNotOffered => ("No STARTTLS", "The server does not offer STARTTLS: mail to it travels unencrypted.".into()),
        Outcome::StarttlsRefused { code } => ("STARTTLS refused", format!("The server offered STARTTLS but answered it with {code}.")),
        Outcome::TlsHandshakeFailed { detail } => ("TLS failed", format!("The TLS handshake failed: {detail}.")),
        Outcome::CertificateProblem { detail } => ("Certificate problem", format!("The session worked, but the certificate did not verify: {detail}. Most senders deliver anyway (opportunistic TLS).")),
        Outcome::ProtocolError { step, detail } => ("Not SMTP", format!("During {} the server sent something that is not an SMTP reply: {detail}. Often another service, or an interceptor, on the port.", step_label(*step))),
        Outcome::Closed { step } => ("Closed", format!("The server closed the connection during {}.", step_label(*step))),
        Outcome::CouldNotTest { reason } => ("Could not test", reason.clone()),
    }
}

/// How a whole report reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Every address worked (certificate problems included).
    Good,
    /// Some worked, some did not.
    Mixed,
    /// None worked.
    Bad,
    /// Nothing could be judged (Null MX, no addresses, the probe's limits).
    Unknown,
}

impl Tone {
    /// The CSS class that styles it (`tone-good`).
    pub fn class(self) -> &'static str {
        match self {
            Tone::Good => "tone-good",
            Tone::Mixed => "tone-mixed",
            Tone::Bad => "tone-bad",
            Tone::Unknown => "tone-unknown",
        }
    }

    /// The word shown before the headline, so the verdict never rests on colour.
    pub fn label(self) -> &'static str {
        match self {
            Tone::Good => "Reachable",
            Tone::Mixed => "Partly reachable",
            Tone::Bad => "Not reachable",
            Tone::Unknown => "Not tested",
        }
    }
}

/// The verdict that heads a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Its tone.
    pub tone: Tone,
    /// One sentence.
    pub headline: String,
}

/// Reads a report as a verdict: how many addresses took mail, and what the
/// failures have in common.
pub fn verdict(report: &ProbeReport) -> Verdict {
    let what = match report.mode {
        ProbeMode::Mx => format!("{}'s mail servers", report.target),
        ProbeMode::Host => report.target.clone(),
    };
    if report.mx.null_mx {
        return Verdict {
            tone: Tone::Unknown,
            headline: format!(
                "{} publishes a Null MX (RFC 7505): it accepts no mail, so nothing was tested.",
                report.target
            ),
        };
    }
    let tested: Vec<&AddressResult> = report
        .results
        .iter()
        .filter(|r| !r.outcome.is_could_not_test())
        .collect();
    if tested.is_empty() {
        return Verdict {
            tone: Tone::Unknown,
            headline: format!(
                "No address of {what} could be tested on port {}.",
                report.port
            ),
        };
    }
    let ok = tested.iter().filter(|r| r.outcome.is_success()).count();
    let n = tested.len();
    let plural = |n: usize| if n == 1 { "address" } else { "addresses" };
    if ok == n {
        let certs = tested
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::CertificateProblem { .. }))
            .count();
        let note = if certs > 0 {
            format!(" {certs} had a certificate problem (see the details).")
        } else {
            String::new()
        };
        return Verdict {
            tone: Tone::Good,
            headline: format!(
                "{what} answered on port {} at all {n} {} tested.{note}",
                report.port,
                plural(n)
            ),
        };
    }
    if ok == 0 {
        let all_timeouts = tested.iter().all(|r| {
            matches!(
                r.outcome,
                Outcome::Timeout {
                    step: StepName::Connect
                }
            )
        });
        let why = if all_timeouts {
            " Every connection timed out: port 25 is blocked somewhere between the probe and them, or they are down."
        } else {
            ""
        };
        return Verdict {
            tone: Tone::Bad,
            headline: format!(
                "None of the {n} {} of {what} completed an SMTP session on port {}.{why}",
                plural(n),
                report.port
            ),
        };
    }
    Verdict {
        tone: Tone::Mixed,
        headline: format!(
            "{ok} of the {n} {} of {what} completed an SMTP session on port {}; the others failed (see below).",
            plural(n),
            report.port
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe_types::{Family, MxAnswer, MxHost, Step};

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
        assert_eq!(v.tone, Tone::Good);
        assert!(
            v.headline.contains("all 1 address tested"),
            "{}",
            v.headline
        );
        let v = verdict(&report(vec![ok(), timeout()], false));
        assert_eq!(v.tone, Tone::Mixed);
        assert!(
            v.headline.starts_with("1 of the 2 addresses"),
            "{}",
            v.headline
        );
        let v = verdict(&report(vec![timeout()], false));
        assert_eq!(v.tone, Tone::Bad);
        assert!(v.headline.contains("blocked"), "{}", v.headline);
        let cnt = result(
            "192.0.2.3",
            Outcome::CouldNotTest {
                reason: "limit".into(),
            },
        );
        assert_eq!(verdict(&report(vec![cnt], false)).tone, Tone::Unknown);
        assert_eq!(verdict(&report(vec![], true)).tone, Tone::Unknown);
        let cert = result(
            "192.0.2.4",
            Outcome::CertificateProblem {
                detail: "expired".into(),
            },
        );
        let v = verdict(&report(vec![cert], false));
        assert_eq!(v.tone, Tone::Good);
        assert!(v.headline.contains("certificate problem"), "{}", v.headline);
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
        }
    }
}
