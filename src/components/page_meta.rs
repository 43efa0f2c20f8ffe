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
