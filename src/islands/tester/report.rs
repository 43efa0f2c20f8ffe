//! What the tester shows: the progress while a job runs, then the report,
//! verdict first, each address's details expandable.

use leptos::prelude::*;
use port25_core::{
    probe_types::{AddressResult, Direction, ProbeReport, TlsInfo},
    tester::{describe, step_label, verdict, Progress},
};

use super::{family_label, Phase};

/// The result area for the current phase.
pub(super) fn view_phase(phase: Phase, probe_url: String) -> AnyView {
    match phase {
        Phase::Idle => ().into_any(),
        Phase::Running(progress) => view! {
            <p class="tester-running" role="status">"Testing… results appear as each step finishes."</p>
            <ProgressView progress />
        }
        .into_any(),
        Phase::Done(_, report) => {
            let checks = report.checks.clone();
            view! {
                <Report report=*report />
                <super::checks::MailChecksView checks />
            }
            .into_any()
        }
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
        Phase::Failed(message) => view! {
            <div class="notice" role="alert">
                <h2>"The test could not run"</h2>
                <p>{message}</p>
            </div>
        }
        .into_any(),
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

/// The finished report.
#[component]
fn Report(report: ProbeReport) -> impl IntoView {
    let v = verdict(&report);
    let tone = format!("tester-verdict {}", v.tone.class());
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
        .collect_view();
    let results = report
        .results
        .into_iter()
        .map(|r| view! { <AddressDetails r /> })
        .collect_view();
    view! {
        <h2>"Result"</h2>
        <p class=tone>
            <strong>{v.tone.label()} ": "</strong>
            {v.headline}
        </p>
        <ul class="tester-notes">{notes} {skipped}</ul>
        {results}
        <p class="hint">
            {format!(
                "Probed as EHLO {} in {} ms. Results reflect the probe's network, not yours.",
                report.ehlo_name, report.ms
            )}
        </p>
    }
}

/// One address: outcome in the summary, everything else inside.
#[component]
fn AddressDetails(r: AddressResult) -> impl IntoView {
    let (label, text) = describe(&r.outcome);
    let ok = r.outcome.is_success();
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
    let starttls = format!(
        "STARTTLS: {}",
        if r.starttls_offered {
            "offered"
        } else {
            "not offered"
        }
    );
    let tls = r.tls.map(|tls| view! { <TlsView tls /> });
    view! {
        <details class="tester-address" open=!ok>
            <summary>
                <span class=if ok { "badge badge-ok" } else { "badge badge-bad" }>{label}</span>
                " " {r.exchange} " " <code>{r.address.to_string()}</code>
                {format!(" ({}, port {}, {} ms)", family_label(r.family), r.port, r.ms)}
            </summary>
            <p>{text}</p>
            {greeting}
            {caps}
            <p>{starttls}</p>
            {tls}
            <table class="tester-steps">
                <caption>"Steps and timings"</caption>
                <thead><tr><th scope="col">"Step"</th><th scope="col">"Result"</th><th scope="col">"Time"</th><th scope="col">"Detail"</th></tr></thead>
                <tbody>{steps}</tbody>
            </table>
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
            Phase::Done(Progress::default(), Box::new(report)),
            String::new(),
        )
        .to_html();
        let verdict = html.find("Reachable").expect("verdict");
        assert!(
            verdict < html.find("<details").unwrap(),
            "the verdict comes first"
        );
        assert!(html.contains("1 had a certificate problem"));
        assert!(html.contains("Certificate problem"));
        assert!(html.contains("CN=mx.example.com"));
        assert!(html.contains("Chain verified: no. Name matches: yes."));
        assert!(html.contains("S: 220 mx.example.com ESMTP"));
        assert!(html.contains("C: EHLO probe.example"));
        assert!(html.contains("10.0.0.1: not tested, private address"));
        assert!(html.contains("TLS handshake"));
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
