//! A provider page's opening: the answer card (ports 25, 465, 587 and 2525
//! as badges, how to unblock, the recommended route) and the paths onward
//! (relays that work there, each port a generator preset; the diagnosis
//! preset; the sources). The choices are `port25_core::onward`'s; this
//! module only writes them as HTML.

use leptos::prelude::*;
use port25_core::{
    kb::{cells, KnowledgeBase, Labelled, PortStatus, Provider},
    onward::{self, Badge},
    site::{BasePath, Page, Route},
};

use super::{md, md_inline};

/// The guide section on what a provider asks before it lifts a block.
const UNBLOCK_GUIDE: &str =
    "/guide/when-you-need-port-25#what-a-provider-will-ask-before-unblocking";

/// How many relays a provider page lists before "N more relays".
const SHOWN_RELAYS: usize = 6;

/// A status badge (the shared convention): an icon hidden from screen
/// readers, then the word.
pub(crate) fn badge(kind: Badge, word: &'static str) -> impl IntoView {
    view! {
        <span class=format!("badge {}", kind.class())>
            <span class="badge-icon" aria-hidden="true">{kind.glyph()}</span>
            {word}
        </span>
    }
}

/// A port's status as a badge.
pub(crate) fn port_badge(status: PortStatus) -> impl IntoView {
    badge(status.badge(), status.label())
}

/// The answer card at the top of a provider's page.
pub(super) fn answer_card(kb: &KnowledgeBase, p: &Provider, base: &BasePath) -> impl IntoView {
    let ports = onward::port_statuses(p)
        .into_iter()
        .map(|(port, status)| {
            // Port 25 shows the policy's own words ("Blocked for new accounts").
            let shown = if port == 25 {
                badge(p.port25.badge(), p.port25.label()).into_any()
            } else {
                port_badge(status).into_any()
            };
            let anchor = format!("#{}", cells::anchor(&format!("port{port}")));
            view! { <li><a class="answer-port" href=anchor>{format!("Port {port}")}</a>{shown}</li> }
        })
        .collect_view();
    let unblock_source = cells::citation(&p.sources, "unblock_route")
        .or_else(|| cells::citation(&p.sources, "unblock_conditions"))
        .map(|(source, _)| {
            view! { " "<a href=source.url.clone()>{format!("{}'s page", p.name)}</a>" · " }
        });
    let routes = onward::relays_open_at(p, &kb.relays);
    let recommended = match &p.recommended_relay {
        Some(r) => view! { <div inner_html=md_inline(&r.text, base)></div> }.into_any(),
        None if !routes.is_empty() => {
            let ports = onward::open_submission_ports(p)
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(" or ");
            view! { <div>{format!("The provider names no relay. Send through one on port {ports}, which the sources say is open: see the relays below.")}</div> }.into_any()
        }
        None => view! { <div>"The sources name no route. Test which ports are open before choosing a relay."</div> }.into_any(),
    };
    // The first step: a working configuration when a relay fits, else the
    // diagnosis.
    let diagnose = format!(
        "{}?{}",
        base.join(Page::Diagnose.path()),
        onward::diagnose_query(&p.id)
    );
    let first = routes.first().map(|r| {
        let (port, _) = r.ports[0];
        let href = format!(
            "{}?{}",
            base.join(Page::Generator.path()),
            onward::generator_query(&r.relay.id, port)
        );
        view! { <a class="button button-primary" href=href>{format!("Configure {} on port {port}", r.relay.name)}</a> }
    });
    view! {
        <section class="card answer" aria-labelledby="answer">
            <h2 id="answer">{format!("The answer for {}", p.name)}</h2>
            <ul class="answer-ports" aria-label="Outbound ports">{ports}</ul>
            <dl class="answer-facts">
                <dt>"How to unblock"</dt>
                <dd>
                    {badge(p.unblock.route.badge(), p.unblock.route.label())}
                    <div inner_html=md(&p.unblock.conditions, base, true, 2)></div>
                    <p class="answer-links">
                        {unblock_source}
                        <a href=base.join(UNBLOCK_GUIDE)>"What a provider asks before unblocking"</a>
                        {(!p.sources.is_empty()).then(|| view! { " · "<a href="#sources">{format!("All sources ({})", p.sources.len())}</a> })}
                    </p>
                </dd>
                <dt id="recommended-route">"Recommended route"</dt>
                <dd>{recommended}</dd>
            </dl>
            <p class="answer-next">
                {first}
                <a class="button" href=diagnose>{format!("Diagnose from {}", p.name)}</a>
            </p>
        </section>
    }
}

/// The relays that work from the provider, each port a generator preset.
pub(super) fn relays_onward(kb: &KnowledgeBase, p: &Provider, base: &BasePath) -> impl IntoView {
    let routes = onward::relays_open_at(p, &kb.relays);
    let generator = base.join(Page::Generator.path());
    let body = if routes.is_empty() {
        view! {
            <p>
                {format!("The sources do not say that port 465, 587 or 2525 is open at {}, so this page names no relay that works there. ", p.name)}
                <a href=format!("{}?{}", base.join(Page::Diagnose.path()), onward::diagnose_query(&p.id))>"Test it with the diagnosis"</a>
                ", then pick from "<a href=base.join(Page::Relays.path())>"the relays"</a>" by the port that gets through."
            </p>
        }
        .into_any()
    } else {
        let open = onward::open_submission_ports(p)
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(" or ");
        let item = |r: onward::RelayRoute<'_>| {
            let ports = r
                    .ports
                    .iter()
                    .map(|&(port, tls)| {
                        let href = format!("{generator}?{}", onward::generator_query(&r.relay.id, port));
                        // The relay's name (hidden) makes each link's name unique on the page.
                        view! {
                            <li>
                                <a href=href>{format!("Port {port}")}<span class="visually-hidden">{format!(" for {}", r.relay.name)}</span></a>
                                " "<span class="tls">{format!("({})", tls.label())}</span>
                            </li>
                        }
                    })
                    .collect_view();
            let recommended = r
                .recommended
                .then(|| badge(Badge::Info, "Named by the provider"));
            view! {
                <li>
                    <a class="route-relay" href=base.join(&Route::Relay(&r.relay.id).path())>{r.relay.name.clone()}</a>
                    {recommended}
                    <ul class="route-ports" aria-label=format!("Configure {}", r.relay.name)>{ports}</ul>
                </li>
            }
        };
        // The first few in view; the rest one click away, so a phone does
        // not scroll past twenty cards to reach the facts.
        let mut routes = routes;
        let rest = routes.split_off(routes.len().min(SHOWN_RELAYS));
        let more = (!rest.is_empty()).then(|| {
            let count = rest.len();
            let items = rest.into_iter().map(item).collect_view();
            view! {
                <details class="routes-more">
                    <summary>{format!("{count} more relays")}</summary>
                    <ul class="routes">{items}</ul>
                </details>
            }
        });
        let items = routes.into_iter().map(item).collect_view();
        view! {
            <p>{format!("Relays that accept mail on port {open}, which the sources say {} leaves open. A port opens the configuration generator with that relay and port.", p.name)}</p>
            <ul class="routes">{items}</ul>
            {more}
        }
        .into_any()
    };
    view! {
        <h2 id="relays">{format!("Relays that work from {}", p.name)}</h2>
        {body}
    }
}
