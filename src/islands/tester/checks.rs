//! The mail-security sections under the tester's verdict: DANE, MTA-STS,
//! TLS-RPT and reverse DNS, for the domain and per exchange, each with its
//! badge, a one-line explanation and a glossary link. The rows come from
//! `port25_core::checks_view`; this only lays them out.

use leptos::prelude::*;
use port25_core::{
    checks_view::{checks_view, CheckRow},
    probe_types::checks::{CheckOutcome, MailChecks},
};

/// The checks of a report, or nothing when the report has none.
#[component]
pub(super) fn MailChecksView(checks: Option<MailChecks>) -> impl IntoView {
    checks.map(|checks| {
        let view = checks_view(&checks);
        let domain = view
            .domain
            .into_iter()
            .map(|row| view! { <Row row /> })
            .collect_view();
        let exchanges = view
            .exchanges
            .into_iter()
            .map(|e| {
                let rows = e
                    .rows
                    .into_iter()
                    .map(|row| view! { <Row row /> })
                    .collect_view();
                view! {
                    <h4>{format!("Mail server {}", e.exchange)}</h4>
                    <ul class="checks-list">{rows}</ul>
                }
            })
            .collect_view();
        view! {
            <section class="checks" aria-labelledby="checks-heading">
                <h3 id="checks-heading">"Mail security: DANE, MTA-STS, TLS-RPT, reverse DNS"</h3>
                <p><Badge outcome=view.outcome /> " " {view.summary}</p>
                {view.note.map(|note| view! { <p class="hint">{note}</p> })}
                <h4>"For the domain"</h4>
                <ul class="checks-list">{domain}</ul>
                {exchanges}
            </section>
        }
    })
}

#[component]
fn Badge(outcome: CheckOutcome) -> impl IntoView {
    view! {
        <span class=outcome.badge_class()>
            <span class="badge-icon" aria-hidden="true">{outcome.glyph()}</span>
            {outcome.word()}
        </span>
    }
}

#[component]
fn Row(row: CheckRow) -> impl IntoView {
    let glossary = format!("{}#{}", crate::base().join("/glossary"), row.glossary);
    let details = row
        .details
        .into_iter()
        .map(|d| view! { <li><code>{d}</code></li> })
        .collect_view();
    view! {
        <li class="check">
            <Badge outcome=row.outcome />
            " "
            <strong>{row.title}</strong>
            ": "
            {row.explanation}
            " "
            <a href=glossary>{format!("What is {}?", row.title.trim_end_matches(" match"))}</a>
            <br />
            {row.finding}
            {row.dnssec.map(|d| format!(" ({})", d.words()))}
            <ul class="check-details">{details}</ul>
        </li>
    }
}
