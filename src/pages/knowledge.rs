//! The prose pages of the knowledge base: glossary, FAQ, ports and the guide.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use port25_core::site::{BasePath, Page};

use crate::components::{
    page_meta::{DynMeta, PageMeta},
    prose::Prose,
};
use crate::data::GUIDES;

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
        <PageMeta page />
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

/// The guide's table of contents.
#[component]
pub(crate) fn Guide() -> impl IntoView {
    let base = use_context::<BasePath>().unwrap_or_default();
    let items = GUIDES
        .iter()
        .map(|(slug, title)| view! { <li><a href=base.join(&format!("/guide/{slug}"))>{*title}</a></li> })
        .collect_view();
    view! {
        <PageMeta page=Page::Guide />
        <h1>{Page::Guide.title()}</h1>
        <p class="lede">"Read in order, or jump to what you need."</p>
        <ol class="guide-toc">{items}</ol>
    }
}

/// One guide page: `/guide/<slug>`. The markdown carries its own `<h1>`.
#[component]
pub(crate) fn GuidePage() -> impl IntoView {
    let params = use_params_map();
    let entry = Memo::new(move |_| {
        let slug = params.read().get("slug").unwrap_or_default();
        GUIDES.iter().find(|(s, _)| *s == slug).copied()
    });
    let title = Signal::derive(move || {
        entry
            .get()
            .map(|(_, t)| t.to_owned())
            .unwrap_or_else(|| Page::NotFound.title().to_owned())
    });
    let description = Signal::derive(move || {
        entry
            .get()
            .map(|(_, t)| {
                format!("{t}: part of the Port25 guide to blocked outbound SMTP port 25.")
            })
            .unwrap_or_default()
    });
    let key = Signal::derive(move || {
        entry
            .get()
            .map(|(s, _)| format!("guide/{s}"))
            .unwrap_or_default()
    });
    let base = use_context::<BasePath>().unwrap_or_default();
    let next = move || {
        let (slug, _) = entry.get()?;
        let i = GUIDES.iter().position(|(s, _)| *s == slug)?;
        GUIDES.get(i + 1).copied()
    };
    view! {
        <DynMeta title description />
        <p class="breadcrumb"><a href=base.join(Page::Guide.path())>"Guide"</a>" /"</p>
        <Show when=move || entry.get().is_some() fallback=|| view! { <h1>"Unknown guide page"</h1> }>
            <Prose key />
        </Show>
        {move || next().map(|(slug, t)| view! { <p class="next">"Next: "<a href=base.join(&format!("/guide/{slug}"))>{t}</a></p> })}
    }
}
