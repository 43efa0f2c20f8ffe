//! What the tester shows: the progress while a job runs, then the verdict
//! card (the verdict, notes and the share link), then the sections listed in
//! `sections.rs`, starting with one row per address.

use leptos::prelude::*;
use port25_core::{
    probe_types::{AddressResult, ApiError, Direction, ProbeReport, TlsInfo},
    tester::{describe, failure_verdict, status, step_label, verdict, Progress, Status, Verdict},
};

use super::{family_label, sections::Sections, Phase, Source};

/// The result area for the current phase.
pub(super) fn view_phase(phase: Phase, probe_url: String) -> AnyView {
    match phase {
        Phase::Idle => ().into_any(),
        Phase::Running(progress) => view! {
            <p class="tester-running" role="status">"Testing… results appear as each step finishes."</p>
            <ProgressView progress />
        }
        .into_any(),
        Phase::Done(report, source) => view! { <Report report=*report source /> }.into_any(),
        Phase::Unreachable(reason) => view! {
            <div class="notice tester-unreachable" role="alert">
                <h2>"No probe reachable"</h2>
                <p>
                    "Nothing answered at " <code>{probe_url}</code> " (" {reason} "). "
                    "The probe may not be running, or it may not allow this site's origin."
                </p>
                <p>
                    <a href="#run-a-probe">"Run a probe yourself"</a>
                    ", or point this page at another one under “Probe service” above."
                </p>
            </div>
        }
        .into_any(),
        Phase::Failed(error) => view! { <Failure error /> }.into_any(),
    }
}

/// A status badge (the shared convention): glyph and word, never colour
/// alone.
pub(crate) fn badge(status: Status, word: &'static str) -> impl IntoView {
    view! {
        <span class=format!("badge {}", status.class())>
            <span class="badge-icon" aria-hidden="true">{status.glyph()}</span>
            {word}
        </span>
    }
}

/// The card that heads a result: its state as a badge, then the sentence.
#[component]
fn VerdictCard(verdict: Verdict, children: Children) -> impl IntoView {
    view! {
        <section
            class=format!("tester-verdict verdict-{}", verdict.status.class())
            aria-labelledby="tester-verdict-heading"
        >
            <h2 id="tester-verdict-heading">"Result"</h2>
            <p class="verdict-title">{badge(verdict.status, verdict.title)}</p>
            <p class="verdict-headline">{verdict.headline}</p>
            {children()}
        </section>
    }
}

/// A probe that could not run: a missing domain, a failed lookup, a bad
/// target, a limit.
#[component]
fn Failure(error: ApiError) -> impl IntoView {
    let alert = failure_verdict(&error);
    view! {
        <div role="alert">
            <VerdictCard verdict=alert>""</VerdictCard>
        </div>
    }
}

/// One line per address with the steps done so far.
#[component]
fn ProgressView(progress: Progress) -> impl IntoView {
    let rows = progress
        .addresses
        .into_iter()
        .map(|row| {
            let steps = row
                .steps
                .iter()
                .map(|(name, ok, ms)| {
                    format!(
                        "{} {} ({ms} ms)",
                        step_label(*name),
                        if *ok { "done" } else { "failed" }
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            let state = row
                .outcome
                .as_ref()
                .map_or("in progress".to_owned(), |o| describe(o).0.to_owned());
            view! {
                <li>
                    <strong>{row.exchange}</strong> " " <code>{row.address.to_string()}</code>
                    ": " {state} {(!steps.is_empty()).then(|| format!(" — {steps}"))}
                </li>
            }
        })
        .collect_view();
    view! {
        <ol class="tester-progress">
            <li>{progress.lookup.unwrap_or_else(|| "Looking up the mail servers…".to_owned())}</li>
            {rows}
        </ol>
    }
}

/// The finished report: the verdict card, then the sections.
#[component]
fn Report(report: ProbeReport, source: Source) -> impl IntoView {
    let v = verdict(&report);
    let notes = report
        .mx
        .notes
        .iter()
        .map(|n| view! { <li>{n.clone()}</li> })
        .collect_view();
    let skipped = report
        .mx
        .mx
        .iter()
        .flat_map(|m| {
            m.skipped
                .iter()
                .map(move |s| (m.exchange.clone(), s.clone()))
        })
        .map(|(exchange, s)| {
            view! { <li>{format!("{exchange} {}: not tested, {}", s.address, s.reason)}</li> }
        })
        .chain(report.mx.mx.iter().filter_map(|m| {
            m.error.as_ref().map(|e| {
                view! { <li>{format!("{}: not tested, {e}", m.exchange)}</li> }
            })
        }))
        .collect_view();
    let shared = match &source {
        Source::Shared(made_at) => Some(view! {
            <p class="tester-shared">
                <strong>"Shared result"</strong>
                {format!(
                    ", made {made_at}. This page shows the report the link carries; it did not \
                     test again. Press Test to run it now."
                )}
            </p>
        }),
        Source::Fresh(_) => None,
    };
    let about = format!(
        "Probed as EHLO {} in {} ms. Results reflect the probe's network, not yours.",
        report.ehlo_name, report.ms
    );
    view! {
        <VerdictCard verdict=v>
            {shared}
            <ul class="tester-notes">{notes} {skipped}</ul>
            <p class="hint">{about.clone()}</p>
            <ShareLink source=source.clone() />
        </VerdictCard>
        <Sections report />
    }
}

/// The link to this result, with a copy button.
#[component]
fn ShareLink(source: Source) -> impl IntoView {
    let link = RwSignal::new(None::<String>);
    let copied = RwSignal::new(None::<&'static str>);
    #[cfg(target_arch = "wasm32")]
    super::run::share_link(source, link);
    #[cfg(not(target_arch = "wasm32"))]
    let _ = source;
    let copy = move |_| {
        #[cfg(target_arch = "wasm32")]
        if let Some(url) = link.get_untracked() {
            super::run::copy(url, copied);
        }
    };
    view! {
        <div class="tester-share">
            <label for="tester-share-link">"Link to this result"</label>
            <div class="tester-share-row">
                <input
                    id="tester-share-link"
                    type="text"
                    readonly=true
                    placeholder="Making the link…"
                    prop:value=move || link.get().unwrap_or_default()
                />
                <button type="button" disabled=move || link.get().is_none() on:click=copy>
                    "Copy link"
                </button>
            </div>
            <p class="hint" role="status">{move || copied.get()}</p>
            <p class="hint">
                "The report travels inside the link: no server keeps it, and whoever opens the "
                "link sees it as it was made. A link is what the sender's browser showed, not a "
                "proof."
            </p>
        </div>
    }
}

/// The addresses section: one row per address, its outcome as a badge,
/// the details inside.
#[component]
pub(super) fn Addresses(report: ProbeReport) -> impl IntoView {
    let rows = report
        .results
        .into_iter()
        .map(|r| view! { <li><AddressDetails r /></li> })
        .collect_view();
    view! {
        <section class="tester-section" aria-labelledby="tester-addresses-heading">
            <h2 id="tester-addresses-heading">"Addresses"</h2>
            <ul class="tester-rows">{rows}</ul>
        </section>
    }
}

/// One address: outcome in the summary, everything else inside.
#[component]
fn AddressDetails(r: AddressResult) -> impl IntoView {
    let (label, text) = describe(&r.outcome);
    let state = status(&r.outcome);
    let address = r.address.to_string();
    // A host probe of an IP literal names the address twice otherwise.
    let host = if r.exchange == address {
        String::new()
    } else {
        format!("{} ", r.exchange)
    };
    let steps = r
        .steps
        .iter()
        .map(|s| {
            view! {
                <tr>
                    <th scope="row">{step_label(s.name)}</th>
                    <td>{if s.ok { "OK" } else { "Failed" }}</td>
                    <td>{format!("{} ms", s.ms)}</td>
                    <td>{s.detail.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let transcript = r
        .transcript
        .iter()
        .map(|line| {
            let who = match line.direction {
                Direction::Client => "C:",
                Direction::Server => "S:",
                Direction::Note => "*",
            };
            format!("{:>6} ms {who} {}\n", line.at_ms, line.text)
        })
        .collect::<String>();
    let greeting = (!r.greeting.is_empty()).then(|| {
        view! { <p>"Greeting: " <code>{r.greeting.join(" / ")}</code></p> }
    });
    let caps = (!r.capabilities.is_empty()).then(|| {
        view! { <p>"EHLO capabilities: " {r.capabilities.join(", ")}</p> }
    });
    // Only a server that answered EHLO can have offered STARTTLS or not.
    let starttls = (r.starttls_offered || !r.capabilities.is_empty()).then(|| {
        view! {
            <p>{if r.starttls_offered { "STARTTLS: offered" } else { "STARTTLS: not offered" }}</p>
        }
    });
    let tls = r.tls.map(|tls| view! { <TlsView tls /> });
    view! {
        <details class="tester-address" open=state != Status::Pass>
            <summary>
                {badge(state, label)}
                " " <span class="tester-host">{host}</span> <code>{address}</code> " "
                <span class="tester-meta">
                    {format!("({}, port {}, {} ms)", family_label(r.family), r.port, r.ms)}
                </span>
            </summary>
            <p>{text}</p>
            {greeting}
            {caps}
            {starttls}
            {tls}
            <div class="tester-scroll">
                <table class="tester-steps">
                    <caption>"Steps and timings"</caption>
                    <thead><tr><th scope="col">"Step"</th><th scope="col">"Result"</th><th scope="col">"Time"</th><th scope="col">"Detail"</th></tr></thead>
                    <tbody>{steps}</tbody>
                </table>
            </div>
            <h3>"Transcript"</h3>
            <pre class="tester-transcript">{transcript}</pre>
        </details>
    }
}

/// TLS and the certificate chain.
#[component]
fn TlsView(tls: TlsInfo) -> impl IntoView {
    let yes = |b: bool| if b { "yes" } else { "no" };
    let certs = tls
        .certificates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            view! {
                <li>
                    <strong>{if i == 0 { "Server certificate" } else { "Issuer certificate" }}</strong>
                    <dl>
                        <dt>"Subject"</dt><dd>{c.subject.clone()}</dd>
                        <dt>"Names (SAN)"</dt><dd>{c.sans.join(", ")}</dd>
                        <dt>"Issuer"</dt><dd>{c.issuer.clone()}</dd>
                        <dt>"Valid"</dt><dd>{format!("{} to {} (days left: {})", c.not_before, c.not_after, c.days_left)}</dd>
                    </dl>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="tester-tls">
            <h3>"TLS"</h3>
            <p>
                {format!(
                    "{} with {}. Chain verified: {}. Name matches: {}.",
                    tls.version,
                    tls.cipher,
                    yes(tls.chain_verified),
                    yes(tls.name_matches)
                )}
            </p>
            {tls.verification_error.map(|e| view! { <p>"Verification error: " {e}</p> })}
            <ol class="tester-certs">{certs}</ol>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leptos::tachys::view::RenderHtml;

    const REPORT: &str = r#"{
      "target": "example.com", "port": 25, "mode": "mx",
      "mx": {"domain": "example.com", "mx": [{"preference": 10, "exchange": "mx.example.com",
             "ipv4": ["192.0.2.1"], "ipv6": [], "skipped": [{"address": "10.0.0.1", "reason": "private address"}]}],
             "null_mx": false, "implicit_mx": false, "notes": []},
      "results": [{
        "exchange": "mx.example.com", "address": "192.0.2.1", "family": "ipv4", "port": 25,
        "outcome": {"kind": "certificate-problem", "detail": "expired"},
        "steps": [{"name": "connect", "ok": true, "ms": 3, "detail": null},
                  {"name": "tls-handshake", "ok": true, "ms": 9, "detail": null}],
        "greeting": ["220 mx.example.com ESMTP"], "capabilities": ["PIPELINING", "STARTTLS"],
        "capabilities_after_tls": ["PIPELINING"], "starttls_offered": true, "tls_used": true,
        "tls": {"mode": "starttls", "version": "TLSv1.3", "cipher": "TLS13_AES_256_GCM_SHA384",
                "certificates": [{"subject": "CN=mx.example.com", "sans": ["mx.example.com"],
                  "issuer": "CN=Test CA", "not_before": "2025-01-01T00:00:00Z",
                  "not_after": "2026-01-01T00:00:00Z", "days_left": -326}],
                "chain_verified": false, "name_matches": true, "verification_error": "expired"},
        "transcript": [{"direction": "server", "text": "220 mx.example.com ESMTP", "at_ms": 4},
                       {"direction": "client", "text": "EHLO probe.example", "at_ms": 5}],
        "ms": 20}],
      "ehlo_name": "probe.example", "ms": 25
    }"#;

    #[test]
    fn a_report_reads_verdict_first_with_certificate_and_transcript() {
        let report: ProbeReport = serde_json::from_str(REPORT).unwrap();
        let html = view_phase(
            Phase::Done(Box::new(report), Source::Fresh(String::new())),
            String::new(),
        )
        .to_html();
        let verdict = html.find("tester-verdict").expect("verdict");
        assert!(
            verdict < html.find("<details").unwrap(),
            "the verdict comes first"
        );
        assert!(html.contains("Reachable, certificate problem"));
        // The address's badge: class, glyph and word (Leptos marks text
        // nodes with `<!>` in server HTML).
        assert!(html.contains(r#"<span class="badge b-warn"><span aria-hidden="true" class="badge-icon">!<!></span>Certificate problem"#), "{html}");
        assert!(html.contains("Link to this result"));
        assert!(html.contains("CN=mx.example.com"));
        assert!(html.contains("Chain verified: no. Name matches: yes."));
        assert!(html.contains("S: 220 mx.example.com ESMTP"));
        assert!(html.contains("C: EHLO probe.example"));
        assert!(html.contains("10.0.0.1: not tested, private address"));
        assert!(html.contains("TLS handshake"));
    }

    #[test]
    fn a_shared_report_says_when_it_was_made_and_that_it_was_not_tested_again() {
        let report: ProbeReport = serde_json::from_str(REPORT).unwrap();
        let html = view_phase(
            Phase::Done(
                Box::new(report),
                Source::Shared("2026-11-29 22:40 UTC".into()),
            ),
            String::new(),
        )
        .to_html();
        assert!(html.contains("Shared result"));
        assert!(html.contains("made 2026-11-29 22:40 UTC"));
        assert!(html.contains("it did not test again"));
    }

    #[test]
    fn a_failed_lookup_reads_as_a_lookup_failure_not_a_missing_domain() {
        use port25_core::{probe_types::DnsFailure, tester::dns_failure_message};
        let html = view_phase(
            Phase::Failed(ApiError {
                error: "dns-failed".into(),
                message: dns_failure_message("example.com", DnsFailure::ServerFailure),
                dns: Some(DnsFailure::ServerFailure),
            }),
            String::new(),
        )
        .to_html();
        assert!(html.contains(r#"class="badge b-unknown""#), "{html}");
        assert!(html.contains("DNS lookup failed"));
        assert!(html.contains("SERVFAIL"));
        assert!(!html.contains("Domain not found"));
    }

    #[test]
    fn no_probe_says_so_and_points_to_running_one() {
        let html = view_phase(
            Phase::Unreachable("the connection failed".into()),
            "http://127.0.0.1:8025".into(),
        )
        .to_html();
        assert!(html.contains("No probe reachable"));
        assert!(html.contains("http://127.0.0.1:8025"));
        assert!(html.contains("href=\"#run-a-probe\""));
    }
}
