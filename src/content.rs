//! The knowledge base and its HTML fragments, for the native prerenderer.
//!
//! Long prose (provider details, relay details, glossary, FAQ, ports, guide
//! pages) is rendered here, natively, into HTML fragments that the
//! prerenderer puts into their pages. So the prose and the markdown renderer
//! stay out of every browser bundle. Content was validated by `build.rs`;
//! parsing it again here cannot fail on a build that compiled.

mod answer;

use std::sync::OnceLock;

use leptos::{prelude::*, tachys::view::RenderHtml};
use port25_core::{
    content::{self, Content, Embedded},
    kb::{
        cells::{self, Cell},
        compare, index,
        table::{sort_keys, COLUMNS},
        ArticleClaim, Claim, Confidence, KnowledgeBase, Labelled, Offered, Provider, Relay, Source,
        SourceKind,
    },
    markdown::{self, RenderOptions, TermLink},
    site::{BasePath, Page, Route},
};

pub(crate) use answer::{badge, port_badge};

include!(concat!(env!("OUT_DIR"), "/content_files.rs"));

/// Everything in `content/`, loaded once from the text compiled in.
pub fn content() -> &'static Content {
    static CONTENT: OnceLock<Content> = OnceLock::new();
    CONTENT.get_or_init(|| {
        content::load(&Embedded::new(CONTENT_FILES)).expect("content/ was validated by build.rs")
    })
}

/// The knowledge base, parsed once.
pub fn kb() -> &'static KnowledgeBase {
    &content().kb
}

/// The data changelog, served as `data/CHANGELOG.md`.
pub fn changelog() -> &'static str {
    &content().changelog
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
        None if key == "corrections" => corrections(kb, base).to_html(),
        Some(("provider", id)) => provider(kb, kb.provider(id)?, base).to_html(),
        Some(("relay", id)) => relay(kb, kb.relay(id)?, base).to_html(),
        Some(("guide", slug)) => {
            let page = kb.guides.iter().find(|g| g.slug == slug)?;
            md(&page.markdown, base, true, 0)
        }
        _ => return None,
    };
    Some(html)
}

/// A list of sources: each linked, with its kind, date and how many claims it
/// backs.
fn sources(list: &[Source]) -> impl IntoView {
    let items = list
        .iter()
        .map(|s| {
            let date = s.published.clone().map(|d| format!(", dated {d}"));
            let claims = match s.claims.len() {
                1 => "1 claim".to_owned(),
                n => format!("{n} claims"),
            };
            view! { <li><a href=s.url.clone()>{s.title.clone()}</a>" ("{s.kind.label()}{date}", "{claims}")"</li> }
        })
        .collect_view();
    view! { <ul class="sources">{items}</ul> }
}

/// One claim's citation: the verbatim quote, its source linked, official or
/// secondary, the source's date, the check date, and how a value was
/// inferred.
fn citation(source: &Source, claim: &Claim) -> impl IntoView {
    let kind = match source.kind {
        SourceKind::Official => "official source",
        SourceKind::Secondary => "secondary source",
    };
    let published = source
        .published
        .clone()
        .map(|d| view! { ", dated "<time datetime=d.clone()>{d.clone()}</time> });
    let checked = match claim.checked.date() {
        Some(d) => view! { <span class="checked">"Checked "<time datetime=d.to_owned()>{d.to_owned()}</time></span> }.into_any(),
        None => view! { <span class="checked not-rechecked">{claim.checked.describe()}</span> }.into_any(),
    };
    let inferred = claim
        .inferred
        .clone()
        .map(|how| view! { <p class="inferred"><strong>"Inferred: "</strong>{how}</p> });
    view! {
        <blockquote cite=source.url.clone()><p>{claim.quote.clone()}</p></blockquote>
        <p class="cited"><a href=source.url.clone()>{source.title.clone()}</a>" ("{kind}{published}"). "{checked}"."</p>
        {inferred}
    }
}

/// The table of a row's factual cells, one `<tr id="claim-...">` per cell, so
/// a table cell elsewhere can link to its citation.
fn claims_table(cells: &[Cell], list: &[Source], base: &BasePath) -> impl IntoView {
    let rows = cells
        .iter()
        .filter_map(|cell| {
            let cited = cells::citation(list, &cell.field);
            let value = match cited {
                Some((_, claim)) if cell.field == "price" => claim.value.clone().unwrap_or_default(),
                _ => cell.value.clone(),
            };
            // Cells that never need a citation (a TLS quote, a price) show
            // only when one is given.
            if cited.is_none() && !cell.needs_citation && (cell.field.starts_with("tls:") || cell.field == "price") {
                return None;
            }
            let evidence = match cited {
                Some((source, claim)) => citation(source, claim).into_any(),
                None => view! { <p class="uncited">"No source found states this; shown as unknown."</p> }.into_any(),
            };
            Some(view! {
                <tr id=cells::anchor(&cell.field)>
                    <th scope="row">{cell.label.clone()}</th>
                    <td inner_html=md_inline(&value, base)></td>
                    <td>{evidence}</td>
                </tr>
            })
        })
        .collect_view();
    view! {
        <table class="claims">
            <thead><tr><th scope="col">"Fact"</th><th scope="col">"Value"</th><th scope="col">"Source and quote"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// Markdown rendered as one paragraph's inline content (no glossary links).
fn md_inline(text: &str, base: &BasePath) -> String {
    let html = md(text, base, false, 2);
    let trimmed = html.trim();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|rest| rest.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_owned(),
        _ => html,
    }
}

/// The notice on a low-confidence row, in words that match its sources.
fn confidence_notice(cells: &[Cell], list: &[Source]) -> Option<String> {
    let cited: Vec<(&Source, &Claim)> = cells::claims(list).collect();
    if cited.is_empty() {
        return Some("No source could be read for any fact on this page, so every value is unknown. Check the provider's own documentation.".to_owned());
    }
    let secondary = cited
        .iter()
        .filter(|(s, _)| s.kind == SourceKind::Secondary)
        .count();
    let not_rechecked = cited
        .iter()
        .filter(|(_, c)| c.checked.date().is_none())
        .count();
    let unknown = cells
        .iter()
        .filter(|c| !c.needs_citation && !c.field.starts_with("tls:") && c.field != "price")
        .count();
    let mut parts = Vec::new();
    let port25 = cells::citation(list, "port25");
    match port25 {
        None => parts.push("the port 25 policy is unknown".to_owned()),
        Some((s, _)) if s.kind == SourceKind::Secondary => {
            parts.push("the port 25 policy rests on a secondary source".to_owned())
        }
        Some(_) => {}
    }
    if secondary > 0 {
        parts.push(format!(
            "{secondary} of {} cited facts rest on secondary sources",
            cited.len()
        ));
    }
    if not_rechecked > 0 {
        parts.push(format!(
            "{not_rechecked} were not re-checked since the research"
        ));
    }
    if unknown > 0 {
        parts.push(format!("{unknown} facts are unknown"));
    }
    Some(format!(
        "Low confidence: {}. Check the provider's own documentation before relying on it.",
        parts.join("; ")
    ))
}

/// The original article's claims about one subject, under its name and link.
fn article_claims(kb: &KnowledgeBase, subject: &str, page: &str, base: &BasePath) -> impl IntoView {
    let claims: Vec<&ArticleClaim> = kb.article_claims(subject).collect();
    (!claims.is_empty()).then(|| {
        let a = &kb.article;
        let corrections_link = view! {
            " "<a href=base.join(Page::Corrections.path())>"Every correction to the article"</a>"."
        };
        let items = claims
            .into_iter()
            .map(|c| article_item(c, page, base))
            .collect_view();
        view! {
            <h2 id="original-article">"What the original article said"</h2>
            <p>
                <a href=a.url.clone()>{a.title.clone()}</a>" ("{a.publisher.clone()}", "
                <time datetime=a.published.clone()>{a.published.clone()}</time>")."
                {corrections_link}
            </p>
            <ul class="article-claims">{items}</ul>
        }
    })
}

fn article_item(c: &ArticleClaim, page: &str, base: &BasePath) -> impl IntoView {
    let evidence = c
        .fields
        .iter()
        .map(|f| {
            let href = format!("{}#{}", base.join(page), cells::anchor(f));
            view! { " "<a href=href>{cells::field_label(f)}</a> }
        })
        .collect_view();
    view! {
        <li id=c.anchor()>
            <p><q>{c.claim.clone()}</q></p>
            <p class=format!("verdict verdict-{}", c.verdict.key())>{badge(c.verdict.badge(), c.verdict.label())}</p>
            <div inner_html=md(&c.evidence, base, false, 2)></div>
            {(!c.fields.is_empty()).then(|| view! { <p class="evidence-links">"Evidence:"{evidence}</p> })}
        </li>
    }
}

fn provider(kb: &KnowledgeBase, p: &Provider, base: &BasePath) -> impl IntoView {
    let cells = cells::provider_cells(p);
    let page = Route::Provider(&p.id).path();
    let variants = (!p.variants.is_empty()).then(|| {
        let rows = p
            .variants
            .iter()
            .map(|v| {
                let href = format!("#{}", cells::anchor(&format!("variant:{}", v.name)));
                view! {
                    <tr>
                        <th scope="row"><a href=href>{v.name.clone()}</a></th>
                        <td>{badge(v.policy.badge(), v.policy.label())}</td>
                        <td>{badge(v.unblock.badge(), v.unblock.label())}</td>
                        <td inner_html=v.notes.as_deref().map(|n| md_inline(n, base)).unwrap_or_default()></td>
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
    let notes = p
        .notes
        .as_ref()
        .map(|n| view! { <h2 id="notes">"Notes"</h2><div inner_html=md(n, base, true, 2)></div> });
    let low = (p.confidence == Confidence::Low)
        .then(|| confidence_notice(&cells, &p.sources))
        .flatten()
        .map(|text| view! { <p class="notice" role="note">{text}</p> });
    let checked = if p.last_verified.is_empty() {
        "No fact on this page was re-checked since the research; each shows its date below."
            .to_owned()
    } else {
        format!(
            "Latest check: {}. Each fact shows its own date below.",
            p.last_verified
        )
    };
    view! {
        {answer::answer_card(kb, p, base)}
        {low}
        {answer::relays_onward(kb, p, base)}
        <dl class="facts">
            <dt>"Category"</dt><dd>{p.category.label()}</dd>
            <dt>"Confidence"</dt><dd>{p.confidence.label()}</dd>
            <dt>"Checked"</dt><dd>{checked}</dd>
        </dl>
        <h2 id="claims">"Facts and their sources"</h2>
        {claims_table(&cells, &p.sources, base)}
        {variants}
        {notes}
        {article_claims(kb, &format!("provider:{}", p.id), &page, base)}
        <h2 id="sources">"Sources"</h2>
        {sources(&p.sources)}
    }
}

fn relay(kb: &KnowledgeBase, r: &port25_core::kb::Relay, base: &BasePath) -> impl IntoView {
    // The generator preset for this relay: a plain link to the generator page.
    let generator = format!("{}?v=1&relay={}", base.join(Page::Generator.path()), r.id);
    let cells = cells::relay_cells(r);
    let hosts = r
        .hosts
        .iter()
        .map(|h| {
            let href = format!("#{}", cells::anchor(&format!("host:{}", h.host)));
            view! { <tr><td><a href=href><code>{h.host.clone()}</code></a></td><td>{h.region.clone()}</td><td inner_html=h.note.as_deref().map(|n| md_inline(n, base)).unwrap_or_default()></td></tr> }
        })
        .collect_view();
    let ports = r
        .ports
        .iter()
        .map(|p| {
            let href = format!("#{}", cells::anchor(&format!("port:{}", p.port)));
            view! { <tr><td><a href=href>{p.port}</a></td><td>{p.tls.label()}</td><td inner_html=p.note.as_deref().map(|n| md_inline(n, base)).unwrap_or_default()></td></tr> }
        })
        .collect_view();
    let literal = r
        .credentials
        .literal
        .clone()
        .map(|l| view! { " The username is literally "<code>{l}</code>"." });
    let free = match &r.free_tier.as_of {
        Some(d) => format!(" (as of {d})"),
        None => " (not verified)".to_owned(),
    };
    let checked = if r.last_verified.is_empty() {
        "no fact re-checked since the research".to_owned()
    } else {
        format!("latest check {}", r.last_verified)
    };
    view! {
        <p><a href=generator rel="external">{format!("Generate the configuration for {}", r.name)}</a></p>
        <h2 id="hosts">"Hosts and regions"</h2>
        <table><thead><tr><th scope="col">"Host"</th><th scope="col">"Region"</th><th scope="col">"Note"</th></tr></thead><tbody>{hosts}</tbody></table>
        <h2 id="ports">"Ports"</h2>
        <table><thead><tr><th scope="col">"Port"</th><th scope="col">"TLS"</th><th scope="col">"Note"</th></tr></thead><tbody>{ports}</tbody></table>
        <h2 id="credentials">"Credentials"</h2>
        <div inner_html=md(&r.credentials.username_help, base, true, 2)></div>
        <p>{literal}</p>
        <div inner_html=md(&r.credentials.password_help, base, true, 2)></div>
        <h2 id="free-tier">"Free tier"</h2>
        <p><span inner_html=md_inline(&r.free_tier.description, base)></span>{free}</p>
        {r.notes.clone().map(|n| view! { <h2 id="notes">"Notes"</h2><div inner_html=md(&n, base, true, 2)></div> })}
        <p>"Confidence: "{r.confidence.label()}"; "{checked}"."</p>
        <h2 id="claims">"Facts and their sources"</h2>
        {claims_table(&cells, &r.sources, base)}
        {article_claims(kb, &format!("relay:{}", r.id), &Route::Relay(&r.id).path(), base)}
        <h2 id="sources">"Sources"</h2>
        {sources(&r.sources)}
    }
}

/// The corrections page: every claim of the original article that the
/// sources do not confirm, with its verdict and evidence, by subject.
fn corrections(kb: &KnowledgeBase, base: &BasePath) -> impl IntoView {
    let a = &kb.article;
    let items = a
        .claims
        .iter()
        .filter(|c| c.verdict != port25_core::kb::Verdict::Confirmed)
        .map(|c| {
            let (page, name) = match (c.provider(), c.relay()) {
                (Some(id), _) => (Route::Provider(id).path(), kb.provider(id).map(|p| p.name.clone())),
                (_, Some(id)) => (Route::Relay(id).path(), kb.relay(id).map(|r| r.name.clone())),
                _ => (String::from("/"), None),
            };
            let subject = name.map(|n| view! { <h2><a href=base.join(&page)>{n}</a></h2> });
            view! { <section class="correction">{subject}<ul class="article-claims">{article_item(c, &page, base)}</ul></section> }
        })
        .collect_view();
    let confirmed = a
        .claims
        .iter()
        .filter(|c| c.verdict == port25_core::kb::Verdict::Confirmed)
        .count();
    view! {
        <p>
            "Every claim of "<a href=a.url.clone()>{a.title.clone()}</a>" ("{a.publisher.clone()}", "
            <time datetime=a.published.clone()>{a.published.clone()}</time>") that the sources do not confirm. "
            {format!("{} claims were checked; {confirmed} are confirmed and shown on the provider and relay pages.", a.claims.len())}
        </p>
        {items}
    }
}

/// A visible link to an entry's own anchor, to copy and share: a `#` for
/// the eye and the entry's name for screen readers.
fn permalink(id: &str, name: &str) -> impl IntoView {
    view! {
        <a class="permalink" href=format!("#{id}")>
            <span aria-hidden="true">"#"</span>
            <span class="visually-hidden">{format!("Link to \u{201c}{name}\u{201d}")}</span>
        </a>
    }
}

/// The glossary: an A-Z index (letters without terms are shown, not linked),
/// then one section per letter, each term with its own anchor and a visible
/// link to it. The grouping is `port25_core::kb::index::glossary_az`.
fn glossary(kb: &KnowledgeBase, base: &BasePath) -> impl IntoView {
    let az = index::glossary_az(&kb.glossary);
    let letters = az
        .iter()
        .map(|l| {
            if l.terms.is_empty() {
                view! { <li><span class="az-empty">{l.letter.to_string()}</span></li> }.into_any()
            } else {
                view! { <li><a href=format!("#{}", l.anchor())>{l.letter.to_string()}</a></li> }
                    .into_any()
            }
        })
        .collect_view();
    let sections = az
        .iter()
        .filter(|l| !l.terms.is_empty())
        .map(|l| {
            let items = l
                .terms
                .iter()
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
                        <dt id=t.id.clone()><a class="anchor" href=format!("#{}", t.id)>{t.term.clone()}</a>" "{permalink(&t.id, &t.term)}</dt>
                        <dd><div inner_html=md(&t.definition, base, false, 2)></div>{reference}{see_also}</dd>
                    }
                })
                .collect_view();
            view! {
                <section class="az-section" aria-labelledby=l.anchor()>
                    <h2 id=l.anchor()>{l.letter.to_string()}</h2>
                    <dl class="glossary">{items}</dl>
                </section>
            }
        })
        .collect_view();
    view! {
        <nav class="az" aria-label="Glossary A to Z"><ul>{letters}</ul></nav>
        {sections}
    }
}

/// The FAQ: a table of contents linking every question, then the entries,
/// each with its own anchor and a visible link to it.
fn faq(kb: &KnowledgeBase, base: &BasePath) -> impl IntoView {
    let toc = index::faq_toc(&kb.faq)
        .into_iter()
        .map(|(id, question)| view! { <li><a href=format!("#{id}")>{question.to_owned()}</a></li> })
        .collect_view();
    let entries = kb
        .faq
        .iter()
        .map(|e| {
            view! {
                <section class="faq-entry">
                    <h2 id=e.id.clone()><a class="anchor" href=format!("#{}", e.id)>{e.question.clone()}</a>" "{permalink(&e.id, &e.question)}</h2>
                    <div inner_html=md(&e.answer, base, true, 2)></div>
                </section>
            }
        })
        .collect_view();
    view! {
        <nav class="toc" aria-labelledby="faq-toc">
            <h2 id="faq-toc">"Questions"</h2>
            <ol>{toc}</ol>
        </nav>
        {entries}
    }
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
                .map(|prov| view! { <li><a href=base.join(&Route::Provider(&prov.id).path())>{prov.name.clone()}</a></li> })
                .collect_view();
            view! {
                <section class="port">
                    <h2 id=p.number.to_string()><a class="anchor" href=format!("#{}", p.number)>{format!("Port {}: {}", p.number, p.name)}</a></h2>
                    <div inner_html=md(&p.purpose, base, true, 2)></div>
                    <p>"TLS: "<strong>{p.tls.label()}</strong>". "{(!p.rfcs.is_empty()).then(|| view! { "Defined in " {rfcs} })}</p>
                    {(!p.blocked_by.is_empty()).then(|| view! { <p>"Blocked outbound by:"</p><ul class="columns">{blocked_by}</ul> })}
                </section>
            }
        })
        .collect_view()
}

/// The providers comparison table. Every row carries its filter values and
/// sort keys as `data-` attributes for the browser's sort and filter.
fn providers_table(kb: &KnowledgeBase, base: &BasePath) -> impl IntoView {
    let headers = sort_headers(&COLUMNS);
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
    let page = base.join(&Route::Provider(&p.id).path());
    // Two links per row at most: the provider's page, which opens with the
    // answer and lists every fact with its source, and the port 25 policy's
    // citation (a link per cell repeated the same source five or six
    // times). Each cell carries its column's name for the phone layout,
    // where the table becomes one card per provider.
    let port25 = badge(p.port25.badge(), p.port25.label());
    let port25 = match cells::citation(&p.sources, "port25") {
        Some((source, claim)) => {
            let href = format!("{page}#{}", cells::anchor("port25"));
            let title = format!("{} ({})", source.title, claim.checked.describe());
            view! { <a href=href title=title>{port25}</a> }.into_any()
        }
        None => port25.into_any(),
    };
    let low = p.confidence == Confidence::Low;
    let checked = if p.last_verified.is_empty() {
        view! { <span>"not re-checked"</span> }.into_any()
    } else {
        view! { <time datetime=p.last_verified.clone()>{p.last_verified.clone()}</time> }.into_any()
    };
    let ports = &p.other_ports;
    view! {
        <tr
            data-name=format!("{} {}", p.name, p.id)
            data-category=p.category.key()
            data-policy=p.port25.key()
            data-unblock=p.unblock.route.key()
            data-sort=sort_keys(p)
            class:low-confidence=low
        >
            <th scope="row"><a href=page.clone()>{p.name.clone()}</a></th>
            <td data-label="Category">{p.category.label()}</td>
            <td data-label="Port 25">{port25}</td>
            <td data-label="Port 465">{port_badge(ports.smtps)}</td>
            <td data-label="Port 587">{port_badge(ports.submission)}</td>
            <td data-label="Port 2525">{port_badge(ports.alternate_2525)}</td>
            <td data-label="Unblock">{badge(p.unblock.route.badge(), p.unblock.route.label())}</td>
            <td data-label="Confidence">{p.confidence.label()}</td>
            <td data-label="Checked">{checked}</td>
        </tr>
    }
}

/// A status badge (the shared markup: glyph and word, never colour alone)
/// for what a relay offers, linked to its citation when it has one.
fn offered_cell(r: &Relay, field: &str, value: Offered, page: &str) -> impl IntoView {
    let badge = badge(value.badge(), value.label());
    match cells::citation(&r.sources, field) {
        Some(_) => {
            view! { <a href=format!("{page}#{}", cells::anchor(field))>{badge}</a> }.into_any()
        }
        None => badge.into_any(),
    }
}

/// A comparison table's header row: one sort button per column, the first
/// column marked as the current (ascending) order.
fn sort_headers(columns: &[&'static str]) -> impl IntoView {
    columns
        .iter()
        .enumerate()
        .map(|(i, label)| {
            view! {
                <th scope="col" aria-sort=if i == 0 { "ascending" } else { "none" }>
                    <button type="button" class="sort" data-column=i.to_string()>{*label}</button>
                </th>
            }
        })
        .collect_view()
}

/// The relays comparison table: one row per relay with its ports and the
/// TLS mode of each, HTTPS API, EU region, free tier with its date, user
/// name convention and check date. Each row carries its filter values and
/// sort keys (`port25_core::kb::compare::RelayKeys`) for the page's
/// enhancement; each cell's `data-label` names its column for the phone
/// layout, where rows become cards.
fn relays_table(kb: &KnowledgeBase, base: &BasePath) -> impl IntoView {
    let headers = sort_headers(&compare::COLUMNS);
    let mut relays: Vec<&Relay> = kb.relays.iter().collect();
    relays.sort_by_key(|r| r.name.to_lowercase());
    let label = |i: usize| compare::COLUMNS[i];
    let rows = relays
        .into_iter()
        .map(|r| {
            let keys = compare::RelayKeys::of(r);
            let page = base.join(&Route::Relay(&r.id).path());
            let host = r.hosts.first().map(|h| h.host.clone()).unwrap_or_default();
            let host_href = format!("{page}#{}", cells::anchor(&format!("host:{host}")));
            let more = (r.hosts.len() > 1).then(|| format!(" and {} more", r.hosts.len() - 1));
            let ports = r
                .ports
                .iter()
                .map(|p| {
                    let href = format!("{page}#{}", cells::anchor(&format!("port:{}", p.port)));
                    view! { <li><a href=href><strong>{p.port}</strong></a>" "{p.tls.label()}</li> }
                })
                .collect_view();
            let date = match &r.free_tier.as_of {
                Some(d) => view! { " (as of "<time datetime=d.clone()>{d.clone()}</time>")" }.into_any(),
                None => view! { " (not verified)" }.into_any(),
            };
            let free_kind = match cells::citation(&r.sources, "free_tier") {
                Some(_) => view! { <a href=format!("{page}#{}", cells::anchor("free_tier"))><strong>{r.free_tier.kind.label()}</strong></a> }.into_any(),
                None => view! { <strong>{r.free_tier.kind.label()}</strong> }.into_any(),
            };
            let literal = r.credentials.literal.clone().map(|l| view! { ": "<code>{l}</code> });
            let verified = if r.last_verified.is_empty() {
                view! { <span>"not re-checked"</span> }.into_any()
            } else {
                view! { <time datetime=r.last_verified.clone()>{r.last_verified.clone()}</time> }.into_any()
            };
            view! {
                <tr
                    data-id=r.id.clone()
                    data-name=keys.name
                    data-ports=keys.ports
                    data-https=keys.https
                    data-eu=keys.eu
                    data-free=keys.free
                    data-username=keys.username
                    data-sort=keys.sort
                >
                    <th scope="row">
                        <a href=page.clone()>{r.name.clone()}</a>
                        <span class="relay-host"><a href=host_href><code>{host}</code></a>{more}</span>
                    </th>
                    <td data-label=label(1)><ul class="relay-ports">{ports}</ul></td>
                    <td data-label=label(2)>{offered_cell(r, "https_api", r.https_api, &page)}</td>
                    <td data-label=label(3)>{offered_cell(r, "eu_region", r.eu_region, &page)}</td>
                    <td data-label=label(4) class="relay-free">{free_kind}{date}<span class="relay-free-text" inner_html=md_inline(&r.free_tier.description, base)></span></td>
                    <td data-label=label(5)>{r.credentials.username.label()}{literal}</td>
                    <td data-label=label(6)>{verified}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="relays">
            <caption class="visually-hidden">"Relay services compared"</caption>
            <thead><tr>{headers}</tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fragment's HTML without the renderer's `<!>` markers.
    fn html(key: &str) -> String {
        fragment(key, &BasePath::parse("/port25/").unwrap())
            .unwrap_or_else(|| panic!("fragment {key}"))
            .replace("<!>", "")
    }

    /// `html` without its blockquotes: verbatim quotes may hold anything.
    fn outside_quotes(html: &str) -> String {
        let mut out = String::new();
        let mut rest = html;
        while let Some(start) = rest.find("<blockquote") {
            out.push_str(&rest[..start]);
            let end = rest[start..]
                .find("</blockquote>")
                .map_or(rest.len(), |e| start + e + 13);
            rest = &rest[end..];
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn every_cited_provider_cell_has_its_anchor_quote_and_date() {
        let kb = kb();
        for p in &kb.providers {
            let page = html(&format!("provider/{}", p.id));
            for cell in cells::provider_cells(p) {
                let anchor = format!("id=\"{}\"", cells::anchor(&cell.field));
                if let Some((source, claim)) = cells::citation(&p.sources, &cell.field) {
                    assert!(page.contains(&anchor), "{} {}", p.id, cell.field);
                    assert!(
                        page.contains(&source.url.replace('&', "&amp;")),
                        "{} {}",
                        p.id,
                        source.url
                    );
                    let words = match claim.checked.date() {
                        Some(d) => format!("<time datetime=\"{d}\">{d}</time>"),
                        None => claim.checked.describe(),
                    };
                    assert!(page.contains(&words), "{} {}: {words}", p.id, cell.field);
                } else if cell.needs_citation {
                    panic!("{} {} has no citation", p.id, cell.field);
                }
            }
        }
    }

    #[test]
    fn every_relay_host_and_port_links_to_its_citation() {
        for r in &kb().relays {
            let page = html(&format!("relay/{}", r.id));
            for field in r
                .hosts
                .iter()
                .map(|h| format!("host:{}", h.host))
                .chain(r.ports.iter().map(|p| format!("port:{}", p.port)))
            {
                let anchor = cells::anchor(&field);
                assert!(
                    page.contains(&format!("id=\"{anchor}\"")),
                    "{} {field}",
                    r.id
                );
                assert!(
                    page.contains(&format!("href=\"#{anchor}\"")),
                    "{} {field}",
                    r.id
                );
            }
        }
    }

    #[test]
    fn the_relays_table_links_hosts_and_free_tiers_to_their_citations() {
        let table = html("relays-table");
        assert!(table.contains("href=\"/port25/relays/sendgrid#claim-host-smtp-sendgrid-net\""));
        for r in &kb().relays {
            let free = format!("/port25/relays/{}#claim-free-tier", r.id);
            let cited = cells::citation(&r.sources, "free_tier").is_some();
            assert_eq!(table.contains(&free), cited, "{}", r.id);
        }
    }

    #[test]
    fn the_glossary_has_an_a_to_z_index_and_every_term_a_visible_link() {
        let page = html("glossary");
        for letter in index::glossary_az(&kb().glossary) {
            let link = format!("href=\"#{}\"", letter.anchor());
            let section = format!("id=\"{}\"", letter.anchor());
            assert_eq!(
                page.contains(&link),
                !letter.terms.is_empty(),
                "{}",
                letter.letter
            );
            assert_eq!(
                page.contains(&section),
                !letter.terms.is_empty(),
                "{}",
                letter.letter
            );
        }
        for t in &kb().glossary {
            let permalink = format!("<a href=\"#{}\" class=\"permalink\">", t.id);
            assert!(page.contains(&format!("id=\"{}\"", t.id)), "{}", t.id);
            assert!(page.contains(&permalink), "{}", t.id);
        }
    }

    #[test]
    fn the_faq_has_a_table_of_contents_and_every_entry_a_visible_link() {
        let page = html("faq");
        let toc = &page[..page.find("</nav>").expect("the table of contents")];
        for e in &kb().faq {
            assert!(toc.contains(&format!("href=\"#{}\"", e.id)), "{}", e.id);
            let permalink = format!("<a href=\"#{}\" class=\"permalink\">", e.id);
            assert!(page.contains(&permalink), "{}", e.id);
        }
    }

    #[test]
    fn every_relay_row_carries_its_comparison_keys_and_labelled_cells() {
        let table = html("relays-table");
        for r in &kb().relays {
            let keys = compare::RelayKeys::of(r);
            let row = format!("data-id=\"{}\"", r.id);
            let start = table.find(&row).unwrap_or_else(|| panic!("{}", r.id));
            let tr = &table[start..start + table[start..].find("</tr>").unwrap()];
            assert!(
                tr.contains(&format!("data-ports=\"{}\"", keys.ports)),
                "{}",
                r.id
            );
            assert!(
                tr.contains(&format!("data-https=\"{}\"", keys.https)),
                "{}",
                r.id
            );
            assert!(tr.contains(&format!("data-eu=\"{}\"", keys.eu)), "{}", r.id);
            for label in &compare::COLUMNS[1..] {
                assert!(
                    tr.contains(&format!("data-label=\"{label}\"")),
                    "{} {label}",
                    r.id
                );
            }
            // A known offer links to its citation; an unknown one to nothing.
            let cited = tr.contains(&format!("#{}\"", cells::anchor("https_api")));
            assert_eq!(cited, r.https_api != Offered::Unknown, "{}", r.id);
        }
    }

    #[test]
    fn the_providers_table_shows_statuses_as_badges_with_words_and_links_each_row_once() {
        let table = html("providers-table");
        let rows = kb().providers.len();
        // Port 25, 465, 587, 2525 and the unblock route: five badges a row,
        // each with its icon and a word.
        assert_eq!(table.matches("<span class=\"badge b-").count(), rows * 5);
        for (class, word) in [
            ("b-fail", "Blocked"),
            ("b-pass", "Open"),
            ("b-unknown", "Unknown"),
        ] {
            let markup = format!(
                "<span class=\"badge {class}\"><span aria-hidden=\"true\" class=\"badge-icon\">"
            );
            assert!(table.contains(&markup), "{class}");
            assert!(table.contains(&format!("</span>{word}</span>")), "{word}");
        }
        // The provider's page, and the port 25 policy's citation when it has one.
        let cited = kb()
            .providers
            .iter()
            .filter(|p| cells::citation(&p.sources, "port25").is_some())
            .count();
        assert_eq!(table.matches("<a ").count(), rows + cited);
        assert!(table.contains("href=\"/port25/providers/hetzner-cloud\""));
        assert!(table.contains("href=\"/port25/providers/hetzner-cloud#claim-port25\""));
        assert!(!table.contains("hetzner-cloud#claim-port465"));
        assert!(
            !table.contains("hetzner-dedicated#claim-port25"),
            "an unknown cell links nowhere"
        );
        let page = html("provider/hetzner-cloud");
        assert!(page.contains("id=\"claim-port25\""));
    }

    #[test]
    fn a_provider_page_opens_with_the_answer_and_the_paths_onward() {
        let page = html("provider/hetzner-cloud");
        let answer = page.find("id=\"answer\"").expect("answer card");
        let claims = page.find("id=\"claims\"").expect("claims");
        assert!(answer < claims, "the answer comes first");
        for port in ["Port 25", "Port 465", "Port 587", "Port 2525"] {
            assert!(page.contains(&format!(">{port}</a>")), "{port}");
        }
        // Relays open at Hetzner Cloud (587), each linking to its generator preset.
        assert!(page.contains("href=\"/port25/relays/sendgrid\""));
        assert!(page.contains(
            "href=\"/port25/generator?v=1&amp;mta=postfix&amp;relay=sendgrid&amp;port=587&amp;tls=encrypt\""
        ));
        assert!(
            !page.contains("port=465&amp;tls"),
            "465 is blocked at Hetzner Cloud"
        );
        assert!(page.contains("href=\"/port25/diagnose?provider=hetzner-cloud\""));
        assert!(page.contains(
            "/port25/guide/when-you-need-port-25#what-a-provider-will-ask-before-unblocking"
        ));
        assert!(page.contains("id=\"sources\""));
        // A provider whose ports are all unknown names no relay.
        let unknown = html("provider/hetzner-dedicated");
        assert!(
            !unknown.contains("/port25/generator?"),
            "no preset without an open port"
        );
        assert!(unknown.contains("do not say that port 465, 587 or 2525 is open"));
    }

    #[test]
    fn verdicts_read_as_words_and_the_article_is_named_and_linked() {
        let page = html("provider/hetzner-cloud");
        assert!(page.contains("Contradicted"), "verdict as a word");
        assert!(!page.contains("confirmedwithnuance") && !page.contains("partlycontradicted"));
        assert!(page.contains(&kb().article.url));
        assert!(page.contains(&kb().article.title));
        let corrections = html("corrections");
        for claim in &kb().article.claims {
            let listed = corrections.contains(&format!("id=\"{}\"", claim.anchor()));
            let corrected = claim.verdict != port25_core::kb::Verdict::Confirmed;
            assert_eq!(listed, corrected, "{}", claim.id);
        }
    }

    #[test]
    fn ports_and_recommended_routes_render_their_markdown() {
        let ports = html("ports");
        assert!(!ports.contains("]("), "raw markdown link on /ports");
        for p in &kb().providers {
            let page = outside_quotes(&html(&format!("provider/{}", p.id)));
            assert!(!page.contains("]("), "raw markdown link on {}", p.id);
            if p.recommended_relay
                .as_ref()
                .is_some_and(|r| r.text.contains('`'))
            {
                assert!(page.contains("<code>"), "{}", p.id);
            }
        }
    }

    #[test]
    fn the_low_confidence_notice_says_what_the_sources_are() {
        let kb = kb();
        for p in kb
            .providers
            .iter()
            .filter(|p| p.confidence == Confidence::Low)
        {
            let cells = cells::provider_cells(p);
            let text = confidence_notice(&cells, &p.sources).unwrap();
            let secondary = cells::claims(&p.sources)
                .filter(|(s, _)| s.kind == SourceKind::Secondary)
                .count();
            if secondary == 0 {
                assert!(!text.contains("secondary"), "{}: {text}", p.id);
            } else {
                assert!(
                    text.contains(&format!("{secondary} of ")),
                    "{}: {text}",
                    p.id
                );
            }
            assert!(!text.contains("a single secondary source"), "{}", p.id);
        }
    }
}
