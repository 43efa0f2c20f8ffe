//! Per-page `<title>` and meta description, read from the page table.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use port25_core::site::Page;

/// Sets the document title and meta description for `page`.
#[component]
pub(crate) fn PageMeta(
    /// The page whose title and description to use.
    page: Page,
) -> impl IntoView {
    view! {
        <Title text=page.title() />
        <Meta name="description" content=page.description() />
    }
}

/// Sets a title and description that depend on route data (provider pages,
/// guide pages).
#[component]
pub(crate) fn DynMeta(
    /// The title text, without the site suffix.
    #[prop(into)]
    title: Signal<String>,
    /// The meta description.
    #[prop(into)]
    description: Signal<String>,
) -> impl IntoView {
    // leptos_meta reads server-side titles after the route's reactive owner
    // is gone, so the prerenderer passes plain strings; in the browser they
    // follow the route's params.
    #[cfg(not(target_arch = "wasm32"))]
    let (title, description) = (title.get_untracked(), description.get_untracked());
    #[cfg(target_arch = "wasm32")]
    let (title, description) = (move || title.get(), move || description.get());
    view! {
        <Title text=title />
        <Meta name="description" content=description />
    }
}
