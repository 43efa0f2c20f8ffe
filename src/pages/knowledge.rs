//! The prose pages of the knowledge base: glossary, FAQ, ports and the guide.

use leptos::prelude::*;
use port25_core::site::{Page, Route};

use super::Prose;
use crate::{data::GUIDES, href};

/// A static page whose body is one build-time fragment.
#[component]
fn ProsePage(
    /// The page.
    page: Page,
    /// The fragment key.
    key: &'static str,
    /// One sentence under the heading.
    intro: &'static str,
) -> impl IntoView {
    view! {
        <h1>{page.title()}</h1>
        <p class="lede">{intro}</p>
        <Prose key=key.to_owned() />
    }
}

/// The glossary.
#[component]
pub(crate) fn Glossary() -> impl IntoView {
    view! { <ProsePage page=Page::Glossary key="glossary" intro="The terms of mail delivery in plain words, each with the RFC or standard that defines it where there is one." /> }
}

/// The FAQ.
#[component]
pub(crate) fn Faq() -> impl IntoView {
    view! { <ProsePage page=Page::Faq key="faq" intro="Short answers to what people ask most about blocked port 25, with links to the sources." /> }
}

/// The ports explainer.
#[component]
pub(crate) fn Ports() -> impl IntoView {
    view! { <ProsePage page=Page::Ports key="ports" intro="Which port does what: relaying between servers, submission with STARTTLS, submission over implicit TLS, and the alternates relays offer." /> }
}

/// Every correction to the original article.
#[component]
pub(crate) fn Corrections() -> impl IntoView {
    view! { <ProsePage page=Page::Corrections key="corrections" intro="The article Port25 started from made claims about providers; these are the ones its sources do not confirm, each with the verdict and the evidence." /> }
}

/// The guide's table of contents.
#[component]
pub(crate) fn Guide() -> impl IntoView {
    let items = GUIDES
        .iter()
        .map(|(slug, title)| view! { <li><a href=href(Route::Guide(slug))>{*title}</a></li> })
        .collect_view();
    view! {
        <h1>{Page::Guide.title()}</h1>
        <p class="lede">"Read in order, or jump to what you need."</p>
        <ol class="guide-toc">{items}</ol>
    }
}

/// One guide page: `/guide/<slug>`. The markdown carries its own `<h1>`.
#[component]
pub(crate) fn GuidePage(
    /// The chapter's slug (one of [`GUIDES`]).
    slug: &'static str,
) -> impl IntoView {
    let next = GUIDES
        .iter()
        .position(|(s, _)| *s == slug)
        .and_then(|i| GUIDES.get(i + 1));
    view! {
        <p class="breadcrumb"><a href=href(Route::Page(Page::Guide))>"Guide"</a>" /"</p>
        <Prose key=format!("guide/{slug}") />
        {next.map(|(slug, t)| view! { <p class="next">"Next: "<a href=href(Route::Guide(slug))>{*t}</a></p> })}
    }
}
