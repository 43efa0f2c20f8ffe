//! The header (skip link, site name, navigation, search) and footer on every
//! page.

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};
use port25_core::site::{BasePath, Bundle, Page};

use crate::components::{links::page_href, search::Search};

/// The skip link, the site name, the main navigation and the search box.
#[component]
pub(crate) fn Header() -> impl IntoView {
    // The bundle of the page on screen: links to another bundle's pages are
    // full page loads (`rel="external"` keeps the router out of them), which
    // fetch the bundle that page needs.
    let location = use_location();
    let base = use_context::<BasePath>().unwrap_or_default();
    let here = Memo::new(move |_| {
        location
            .pathname
            .with(|path| Bundle::for_path(base.strip(path).unwrap_or(path)))
    });
    let rel = move |page: Page| move || (here.get() != page.bundle()).then_some("external");
    view! {
        <a class="skip-link" href="#main" on:click=skip_to_main>"Skip to content"</a>
        <header class="site-header">
            <A href=page_href(Page::Home) exact=true attr:class="brand" attr:rel=rel(Page::Home)>
                <span class="brand-mark" aria-hidden="true">":25"</span>
                " Port25"
            </A>
            <nav aria-label="Main">
                <ul>
                    {Page::NAV
                        .into_iter()
                        .map(|page| {
                            view! {
                                <li>
                                    <A href=page_href(page) attr:rel=rel(page)>{page.nav_label()}</A>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
            <Search />
        </header>
    }
}

/// Moves focus to the main content.
///
/// Without JavaScript the browser follows `#main` itself. Once hydrated, the
/// router would take the click for an in-app navigation that updates the URL
/// but leaves focus on the link, so the handler focuses `<main>` itself.
fn skip_to_main(ev: leptos::ev::MouseEvent) {
    use leptos::wasm_bindgen::JsCast;

    let main = document()
        .get_element_by_id("main")
        .and_then(|el| el.dyn_into::<leptos::web_sys::HtmlElement>().ok());
    if let Some(main) = main {
        ev.prevent_default();
        let _ = main.focus();
        main.scroll_into_view();
    }
}

/// The footer: what the site is and where its facts come from.
#[component]
pub(crate) fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>
                "Port25 explains blocked outbound SMTP and how to send mail anyway. "
                "Every provider fact links to its source. "
                <A href=page_href(Page::About)>"About the sources"</A>
            </p>
        </footer>
    }
}
