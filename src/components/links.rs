//! Links to the site's own pages, with the base path applied.
//!
//! leptos_router's `<A>` leaves absolute paths alone, so every internal link
//! goes through [`page_href`] to pick up the base path (`/port25/faq` on a
//! GitHub Pages project site).

use leptos::prelude::*;
use port25_core::site::{BasePath, Page};

/// The href of `page` under the base path the `App` provided.
pub(crate) fn page_href(page: Page) -> String {
    use_context::<BasePath>()
        .unwrap_or_default()
        .join(page.path())
}
