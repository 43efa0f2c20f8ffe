//! The output reader: paste what a test printed, see what it means and jump
//! to the matching step of the diagnosis. The reading itself is
//! [`port25_core::diagnose::read_output`]; this is its form and its display.

use leptos::prelude::*;
use port25_core::diagnose::{path_to, read_output, Node, Outcome, Reading, StartTls};

use super::{tree, Nav};

/// The reader section.
#[component]
pub(super) fn Reader(nav: Nav) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let area = NodeRef::<leptos::html::Textarea>::new();
    let reading = Memo::new(move |_| text.with(|t| (!t.trim().is_empty()).then(|| read_output(t))));
    let read_now = move |_| {
        if let Some(area) = area.get_untracked() {
            text.set(area.value());
        }
    };
    let summary_text = move || reading.with(|r| r.as_ref().map(summary).unwrap_or_default());
    let details = move || {
        reading
            .get()
            .map(|r| view! { <ReadingDetails reading=r nav /> })
    };
    let needs_js = move || {
        (!nav.mounted.get()).then(|| {
            view! { <p class="notice">"The reader runs in your browser and needs JavaScript. The whole tree below works without it."</p> }
        })
    };

    view! {
        <section class="diagnose-reader" aria-labelledby="diagnose-reader-heading">
            <h2 id="diagnose-reader-heading">"Read your output"</h2>
            <p>
                "Paste what one of the commands printed, from one test at a time. The text stays "
                "in your browser; nothing is sent anywhere."
            </p>
            {needs_js}
            <label for="diagnose-output">"Output of the command"</label>
            <textarea
                id="diagnose-output"
                rows="8"
                spellcheck="false"
                autocomplete="off"
                node_ref=area
                disabled=move || !nav.mounted.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
            <p>
                <button type="button" disabled=move || !nav.mounted.get() on:click=read_now>"Read output"</button>
            </p>
            <div class="diagnose-reading">
                <p class="reading-summary" role="status" aria-live="polite">{summary_text}</p>
                {details}
            </div>
        </section>
    }
}

/// The one-line result the live region announces.
fn summary(r: &Reading) -> String {
    match r.tool {
        Some(tool) => format!("{tool} output: {}.", outcome_label(&r.outcome)),
        None => format!("Tool not recognised: {}.", outcome_label(&r.outcome)),
    }
}

/// The classification in words.
fn outcome_label(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Open { greeting, starttls } => {
            let mut s = String::from("open, port 25 connects");
            if let Some(g) = greeting {
                s.push_str(&format!(
                    " and {} greeted with {}",
                    g.host.as_deref().unwrap_or("the server"),
                    g.code
                ));
            }
            match starttls {
                StartTls::Offered => s.push_str("; STARTTLS is offered"),
                StartTls::NotOffered => s.push_str("; STARTTLS is not offered"),
                StartTls::NotTested => {}
            }
            s
        }
        Outcome::GreetingRefused { greeting } => {
            format!("refused at the greeting with code {}", greeting.code)
        }
        Outcome::NoGreeting => "connected, but no greeting arrived".to_owned(),
        Outcome::Tls { .. } => "open, STARTTLS works and the certificate verified".to_owned(),
        Outcome::CertificateProblem { detail } => {
            format!("open, STARTTLS works, the certificate did not verify ({detail})")
        }
        Outcome::TlsFailed { .. } => "open, but the TLS handshake failed".to_owned(),
        Outcome::NoStartTls => "open, but STARTTLS is not offered".to_owned(),
        Outcome::Timeout => "timed out (filtered)".to_owned(),
        Outcome::ConnectFailed => "the connection failed; the output does not say why".to_owned(),
        Outcome::StillConnecting => "still connecting when the tool stopped".to_owned(),
        Outcome::Refused => "connection refused".to_owned(),
        Outcome::NetworkUnreachable => "network unreachable".to_owned(),
        Outcome::NoRouteToHost => "no route to host".to_owned(),
        Outcome::DnsFailure => "the host name did not resolve".to_owned(),
        Outcome::CantTell => "can't tell".to_owned(),
    }
}

/// The tool, the classification, the evidence, the advice and the jump.
#[component]
fn ReadingDetails(reading: Reading, nav: Nav) -> impl IntoView {
    let tool = reading
        .tool
        .map_or_else(|| "Not recognised".to_owned(), |t| t.name().to_owned());
    let evidence = if reading.evidence.is_empty() {
        view! { <dd>"No line of the output shows a result."</dd> }.into_any()
    } else {
        let lines = reading
            .evidence
            .into_iter()
            .map(|line| view! { <mark>{line}</mark> "\n" })
            .collect_view();
        view! { <dd><pre class="evidence"><code>{lines}</code></pre></dd> }.into_any()
    };
    let target = tree().node(reading.node);
    let jump = path_to(tree(), reading.node)
        .zip(target)
        .map(|(path, node)| {
            let name = match node {
                Node::Question(q) => format!("the question \u{201c}{}\u{201d}", q.text),
                Node::Verdict(v) => format!("the verdict \u{201c}{}\u{201d}", v.title),
            };
            view! {
                <p class="reading-jump">
                    <a href=nav.href_to(path.clone()) on:click=nav.follow(path)>
                        {format!("Go to {name} in the diagnosis")}
                    </a>
                </p>
            }
        });
    view! {
        <dl class="reading">
            <dt>"Tool"</dt>
            <dd>{tool}</dd>
            <dt>"Result"</dt>
            <dd><strong>{outcome_label(&reading.outcome)}</strong></dd>
            <dt>"Evidence"</dt>
            {evidence}
            <dt>"What it means"</dt>
            <dd>{reading.advice}</dd>
        </dl>
        {jump}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_reads_as_words() {
        let r = read_output(
            "nc: connect to 127.0.0.1 port 25 (tcp) timed out: Operation now in progress",
        );
        assert_eq!(summary(&r), "nc output: timed out (filtered).");
        let r = read_output("hello");
        assert_eq!(summary(&r), "Tool not recognised: can't tell.");
        assert!(path_to(tree(), r.node).is_some());
    }
}
