//! The knowledge base and its HTML fragments, for the native prerenderer.
//!
//! Long prose (provider details, relay details, glossary, FAQ, ports, guide
//! pages) is rendered here, natively, into HTML fragments: the prerenderer
//! puts each into its page and also writes it to `fragments/<key>.html`, which
//! the browser fetches when it navigates to such a page client-side. So the
//! prose and the markdown renderer stay out of the wasm bundle. Content was
//! validated by `build.rs`; parsing it again here cannot fail on a build that
//! compiled.

use std::sync::OnceLock;

use leptos::{prelude::*, tachys::view::RenderHtml};
use port25_core::{
    kb::{
        table::{sort_keys, COLUMNS},
        Confidence, GuidePage, KnowledgeBase, Labelled, Provider, RawContent, Source,
    },
    markdown::{self, RenderOptions, TermLink},
    site::{BasePath, Page},
};

include!(concat!(env!("OUT_DIR"), "/content_files.rs"));

/// The knowledge base, parsed once.
pub fn kb() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| {
        let guides = GUIDE_FILES
            .iter()
            .map(|(slug, markdown)| GuidePage {
                slug: (*slug).to_owned(),
                markdown: (*markdown).to_owned(),
            })
            .collect();
        KnowledgeBase::from_json(
            RawContent {
                providers: DATA_FILES[0],
                relays: DATA_FILES[1],
                ports: DATA_FILES[2],
                glossary: DATA_FILES[3],
                faq: DATA_FILES[4],
            },
            guides,
        )
        .expect("content/ was validated by build.rs")
    })
}

/// The data changelog, served as `data/CHANGELOG.md`.
pub fn changelog() -> &'static str {
    CHANGELOG
}

/// The glossary's terms, each under every name it is known by.
fn term_links() -> &'static [TermLink] {
    static TERMS: OnceLock<Vec<TermLink>> = OnceLock::new();
    TERMS.get_or_init(|| {
        kb().glossary
            .iter()
            .flat_map(|t| TermLink::aliases(&t.term, &t.id))
            .collect()
    })
}

/// Renders markdown with base-path links, and glossary links when `link_terms`.
fn md(text: &str, base: &BasePath, link_terms: bool, heading_offset: u8) -> String {
    let options = RenderOptions {
        base: base.clone(),
        terms: if link_terms { term_links() } else { &[] },
        heading_offset,
        id_prefix: "",
    };
    markdown::render(text, &options).html
}

/// Every fragment key the site has, for the prerenderer to write.
pub fn fragment_keys() -> Vec<String> {
    let kb = kb();
    let mut keys: Vec<String> = [
        "glossary",
        "faq",
        "ports",
        "providers-table",
        "relays-table",
    ]
    .map(String::from)
    .to_vec();
    keys.extend(kb.providers.iter().map(|p| format!("provider/{}", p.id)));
    keys.extend(kb.relays.iter().map(|r| format!("relay/{}", r.id)));
    keys.extend(kb.guides.iter().map(|g| format!("guide/{}", g.slug)));
    keys
}

/// The HTML of fragment `key` with links under `base`, or `None` for an
/// unknown key.
pub fn fragment(key: &str, base: &BasePath) -> Option<String> {
    let kb = kb();
    let html = match key.split_once('/') {
        None if key == "glossary" => glossary(kb, base).to_html(),
        None if key == "faq" => faq(kb, base).to_html(),
        None if key == "ports" => ports(kb, base).to_html(),
        None if key == "providers-table" => providers_table(kb, base).to_html(),
        None if key == "relays-table" => relays_table(kb, base).to_html(),
        Some(("provider", id)) => provider(kb, kb.provider(id)?, base).to_html(),
        Some(("relay", id)) => relay(kb.relay(id)?, base).to_html(),
        Some(("guide", slug)) => {
            let page = kb.guides.iter().find(|g| g.slug == slug)?;
            md(&page.markdown, base, true, 0)
        }
        _ => return None,
    };
    Some(html)
}

/// A list of sources, each linked when it has a URL.
fn sources(list: &[Source]) -> impl IntoView {
    let items = list
        .iter()
        .map(|s| {
            let kind = s.kind.label();
            let title = s.title.clone();
            match &s.url {
                Some(url) => {
                    view! { <li><a href=url.clone()>{title}</a>" ("{kind}")"</li> }.into_any()
                }
                None => view! { <li>{title}" ("{kind}", no link)"</li> }.into_any(),
            }
        })
        .collect_view();
    view! { <ul class="sources">{items}</ul> }
}

fn provider(kb: &KnowledgeBase, p: &port25_core::kb::Provider, base: &BasePath) -> impl IntoView {
    let ports = [
        (465, p.other_ports.smtps),
        (587, p.other_ports.submission),
        (2525, p.other_ports.alternate_2525),
    ]
    .map(|(port, status)| view! { <li>"Port "{port}": "<strong>{status.label()}</strong></li> })
    .collect_view();
    let variants = (!p.variants.is_empty()).then(|| {
        let rows = p
            .variants
            .iter()
            .map(|v| {
                view! {
                    <tr>
                        <th scope="row">{v.name.clone()}</th>
                        <td>{v.policy.label()}</td>
                        <td>{v.unblock.label()}</td>
                        <td>{v.notes.clone().unwrap_or_default()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <h2 id="variants">"Variants"</h2>
            <table>
                <thead><tr><th scope="col">"Variant"</th><th scope="col">"Port 25"</th><th scope="col">"Unblock"</th><th scope="col">"Notes"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    });
    let relay = p.recommended_relay.as_ref().map(|r| {
        let link = r
            .relay_id
            .as_ref()
            .and_then(|id| kb.relay(id))
            .map(|relay| {
                let href = base.join(&format!("/relays/{}", relay.id));
                view! { " See "<a href=href>{relay.name.clone()}</a>"." }
            });
        view! { <p>{r.text.clone()}{link}</p> }
    });
    let article = p.original_article.as_ref().map(|a| {
        view! {
            <h2 id="original-article">"What the original article said"</h2>
            <p><strong>"Claim: "</strong>{a.claim.clone()}</p>
            <p><strong>"Verdict: "</strong>{format!("{:?}", a.verdict).to_lowercase()}". "{a.explanation.clone()}</p>
        }
    });
    let notes = p
        .notes
        .as_ref()
        .map(|n| view! { <h2 id="notes">"Notes"</h2><div inner_html=md(n, base, true, 2)></div> });
    let low = (p.confidence == port25_core::kb::Confidence::Low).then(|| {
        view! { <p class="notice" role="note"><strong>"Low confidence: "</strong>"this row rests on a single secondary source. Check the provider's own documentation before relying on it."</p> }
    });
    view! {
        <p class="lede">
            {format!("Outbound port 25: {}. Unblock: {}.", p.port25.label(), p.unblock.route.label())}
        </p>
        {low}
        <dl class="facts">
            <dt>"Category"</dt><dd>{p.category.label()}</dd>
            <dt>"Outbound port 25"</dt><dd><strong>{p.port25.label()}</strong></dd>
            <dt>"How to unblock"</dt><dd><strong>{p.unblock.route.label()}</strong>" - "{p.unblock.conditions.clone()}</dd>
            <dt>"Confidence"</dt><dd>{p.confidence.label()}</dd>
            <dt>"Last verified"</dt><dd><time datetime=p.last_verified.clone()>{p.last_verified.clone()}</time>" (sources as of: "{p.sources_as_of.clone()}")"</dd>
        </dl>
        <h2 id="other-ports">"Other outbound ports"</h2>
        <ul>{ports}</ul>
        {variants}
        <h2 id="recommended-route">"Recommended route"</h2>
        {relay}
        {notes}
        {article}
        <h2 id="sources">"Sources"</h2>
        {sources(&p.sources)}
    }
}

fn relay(r: &port25_core::kb::Relay, base: &BasePath) -> impl IntoView {
    // The generator is another bundle: the browser loads it, not the router.
    let generator = format!("{}?v=1&relay={}", base.join(Page::Generator.path()), r.id);
    let hosts = r
        .hosts
        .iter()
        .map(|h| view! { <tr><td><code>{h.host.clone()}</code></td><td>{h.region.clone()}</td><td>{h.note.clone().unwrap_or_default()}</td></tr> })
        .collect_view();
    let ports = r
        .ports
        .iter()
        .map(|p| view! { <tr><td>{p.port}</td><td>{p.tls.label()}</td><td>{p.note.clone().unwrap_or_default()}</td></tr> })
        .collect_view();
    let literal = r
        .credentials
        .literal
        .clone()
        .map(|l| view! { " The username is literally "<code>{l}</code>"." });
    view! {
        <p><a href=generator rel="external">{format!("Generate the configuration for {}", r.name)}</a></p>
        <h2 id="hosts">"Hosts and regions"</h2>
        <table><thead><tr><th scope="col">"Host"</th><th scope="col">"Region"</th><th scope="col">"Note"</th></tr></thead><tbody>{hosts}</tbody></table>
        <h2 id="ports">"Ports"</h2>
        <table><thead><tr><th scope="col">"Port"</th><th scope="col">"TLS"</th><th scope="col">"Note"</th></tr></thead><tbody>{ports}</tbody></table>
        <h2 id="credentials">"Credentials"</h2>
        <p>{r.credentials.username_help.clone()}{literal}</p>
        <p>{r.credentials.password_help.clone()}</p>
        <h2 id="free-tier">"Free tier"</h2>
        <p>{r.free_tier.description.clone()}{r.free_tier.as_of.clone().map(|d| format!(" (as of {d})"))}</p>
        {r.notes.clone().map(|n| view! { <h2 id="notes">"Notes"</h2><p>{n}</p> })}
        <p>"Confidence: "{r.confidence.label()}". Last verified: "<time datetime=r.last_verified.clone()>{r.last_verified.clone()}</time>"."</p>
        <h2 id="sources">"Sources"</h2>
        {sources(&r.sources)}
    }
}

fn glossary(kb: &KnowledgeBase, base: &BasePath) -> impl IntoView {
    let mut terms: Vec<_> = kb.glossary.iter().collect();
    terms.sort_by_key(|t| t.term.to_lowercase());
    let items = terms
        .into_iter()
        .map(|t| {
            let reference = t.reference.clone().map(|r| view! { <p class="ref">"Reference: "<a href=r.url>{r.title}</a></p> });
            let see_also = (!t.see_also.is_empty()).then(|| {
                let links = t
                    .see_also
                    .iter()
                    .filter_map(|id| kb.term(id))
                    .map(|other| view! { <a href=format!("#{}", other.id)>{other.term.clone()}</a>" " })
                    .collect_view();
                view! { <p class="see-also">"See also: "{links}</p> }
            });
            view! {
                <dt id=t.id.clone()><a class="anchor" href=format!("#{}", t.id)>{t.term.clone()}</a></dt>
                <dd><div inner_html=md(&t.definition, base, false, 2)></div>{reference}{see_also}</dd>
            }
        })
        .collect_view();
    view! { <dl class="glossary">{items}</dl> }
}

fn faq(kb: &KnowledgeBase, base: &BasePath) -> impl IntoView {
    kb.faq
        .iter()
        .map(|e| {
            view! {
                <section class="faq-entry">
                    <h2 id=e.id.clone()><a class="anchor" href=format!("#{}", e.id)>{e.question.clone()}</a></h2>
                    <div inner_html=md(&e.answer, base, true, 2)></div>
                </section>
            }
        })
        .collect_view()
}

fn ports(kb: &KnowledgeBase, base: &BasePath) -> impl IntoView {
    kb.ports
        .iter()
        .map(|p| {
            let rfcs = p
                .rfcs
                .iter()
                .map(|r| view! { <a href=r.url.clone()>{format!("RFC {}", r.number)}</a>" " })
                .collect_view();
            let blocked_by = p
                .blocked_by
                .iter()
                .filter_map(|id| kb.provider(id))
                .map(|prov| view! { <li><a href=base.join(&format!("/providers/{}", prov.id))>{prov.name.clone()}</a></li> })
                .collect_view();
            view! {
                <section class="port">
                    <h2 id=p.number.to_string()><a class="anchor" href=format!("#{}", p.number)>{format!("Port {}: {}", p.number, p.name)}</a></h2>
                    <p>{p.purpose.clone()}</p>
                    <p>"TLS: "<strong>{p.tls.label()}</strong>". "{(!p.rfcs.is_empty()).then(|| view! { "Defined in " {rfcs} })}</p>
                    {(!p.blocked_by.is_empty()).then(|| view! { <p>"Blocked outbound by:"</p><ul class="columns">{blocked_by}</ul> })}
                </section>
            }
        })
        .collect_view()
}

/// The first official source with a URL, else the first with a URL: the one a
/// table cell cites.
fn cited(sources: &[Source]) -> Option<&Source> {
    sources
        .iter()
        .filter(|s| s.url.is_some())
        .min_by_key(|s| s.kind != port25_core::kb::SourceKind::Official)
}

/// The providers comparison table. Every row carries its filter values and
/// sort keys as `data-` attributes for the browser's sort and filter.
fn providers_table(kb: &KnowledgeBase, base: &BasePath) -> impl IntoView {
    let headers = COLUMNS
        .iter()
        .enumerate()
        .map(|(i, label)| {
            view! {
                <th scope="col" aria-sort=if i == 0 { "ascending" } else { "none" }>
                    <button type="button" class="sort" data-column=i.to_string()>{*label}</button>
                </th>
            }
        })
        .collect_view();
    let mut rows: Vec<&Provider> = kb.providers.iter().collect();
    rows.sort_by_key(|p| p.name.to_lowercase());
    let rows = rows
        .into_iter()
        .map(|p| provider_row(p, base))
        .collect_view();
    view! {
        <table class="providers">
            <caption class="visually-hidden">"Outbound SMTP policy by provider"</caption>
            <thead><tr>{headers}</tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

fn provider_row(p: &Provider, base: &BasePath) -> impl IntoView {
    let source = cited(&p.sources).cloned();
    let cite = move |text: &'static str| {
        match &source {
        Some(s) => view! { <a href=s.url.clone().unwrap_or_default() title=format!("Source: {}", s.title)>{text}</a> }.into_any(),
        None => view! { <span>{text}</span> }.into_any(),
    }
    };
    let low = p.confidence == Confidence::Low;
    view! {
        <tr
            data-name=format!("{} {}", p.name, p.id)
            data-category=p.category.key()
            data-policy=p.port25.key()
            data-unblock=p.unblock.route.key()
            data-sort=sort_keys(p)
            class:low-confidence=low
        >
            <th scope="row"><a href=base.join(&format!("/providers/{}", p.id))>{p.name.clone()}</a></th>
            <td>{p.category.label()}</td>
            <td>{cite(p.port25.label())}</td>
            <td>{cite(p.other_ports.smtps.label())}</td>
            <td>{cite(p.other_ports.submission.label())}</td>
            <td>{cite(p.other_ports.alternate_2525.label())}</td>
            <td>{cite(p.unblock.route.label())}</td>
            <td>{if low { "Low (single source)" } else { p.confidence.label() }}</td>
            <td><time datetime=p.last_verified.clone()>{p.last_verified.clone()}</time></td>
        </tr>
    }
}

/// The relays comparison table.
fn relays_table(kb: &KnowledgeBase, base: &BasePath) -> impl IntoView {
    let rows = kb
        .relays
        .iter()
        .map(|r| {
            let ports = r
                .ports
                .iter()
                .map(|p| format!("{} ({})", p.port, p.tls.label()))
                .collect::<Vec<_>>()
                .join(", ");
            let free = match &r.free_tier.as_of {
                Some(date) => format!("{} (as of {date})", r.free_tier.description),
                None => r.free_tier.description.clone(),
            };
            let host = r.hosts.first().map(|h| h.host.clone()).unwrap_or_default();
            let more = (r.hosts.len() > 1).then(|| format!(" and {} more", r.hosts.len() - 1));
            let verified = view! { <time datetime=r.last_verified.clone()>{r.last_verified.clone()}</time> };
            let verified = match cited(&r.sources).and_then(|s| s.url.clone()) {
                Some(url) => view! { <a href=url>{verified}</a> }.into_any(),
                None => verified.into_any(),
            };
            view! {
                <tr data-id=r.id.clone()>
                    <th scope="row"><a href=base.join(&format!("/relays/{}", r.id))>{r.name.clone()}</a></th>
                    <td><code>{host}</code>{more}</td>
                    <td>{ports}</td>
                    <td>{free}</td>
                    <td>{r.confidence.label()}</td>
                    <td>{verified}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="relays">
            <thead>
                <tr>
                    <th scope="col">"Service"</th>
                    <th scope="col">"SMTP host"</th>
                    <th scope="col">"Ports"</th>
                    <th scope="col">"Free tier"</th>
                    <th scope="col">"Confidence"</th>
                    <th scope="col">"Last verified"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
