//! The header (skip link, site name, navigation, search box) and footer
//! around every page. Server components: rendered into each page's HTML,
//! never shipped to the browser.

use leptos::prelude::*;
use port25_core::site::{Page, Route};
use port25_enhance::search;

use crate::href;

/// The skip link, the site name, the main navigation and the search box;
/// the navigation marks the section `route` belongs to.
#[component]
pub(crate) fn Header(route: Route<'static>) -> impl IntoView {
    let section = route.section();
    let items = Page::NAV
        .into_iter()
        .map(|page| {
            let current = (page == section).then_some("page");
            view! { <li><a href=href(Route::Page(page)) aria-current=current>{page.nav_label()}</a></li> }
        })
        .collect_view();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a href=href(Route::Page(Page::Home)) class="brand" aria-current=(section == Page::Home).then_some("page")>
                <span class="brand-mark" aria-hidden="true">":25"</span>
                " Port25"
            </a>
            <nav aria-label="Main">
                <ul>{items}</ul>
            </nav>
            // Shown by the search script; hidden without JavaScript rather
            // than a box that does nothing.
            <div class="search" id=search::ROOT role="search" hidden=true inner_html=search::MARKUP></div>
        </header>
    }
}

/// The footer: what the site is, where its facts come from, who runs it
/// (the repository), where to report a wrong fact on this page (a new issue
/// filled in with the page's title and URL), and the code and data licences.
#[component]
pub(crate) fn Footer(route: Route<'static>, title: String) -> impl IntoView {
    use port25_core::project::{report_issue_url, CODE_LICENCE, DATA_LICENCE, REPOSITORY};
    let report = report_issue_url(&title, &href(route));
    view! {
        <footer class="site-footer">
            <p>
                "Port25 explains blocked outbound SMTP and how to send mail anyway. "
                "Every provider fact links to its source. "
                <a href=href(Route::Page(Page::About))>"About the sources"</a>
            </p>
            <ul class="footer-links">
                <li><a href=REPOSITORY data-footer="repository">"Source code and data on GitHub"</a></li>
                <li><a href=report data-footer="report">"Report a wrong fact on this page"</a></li>
                <li>"Code: "<a href=CODE_LICENCE.url rel="license" data-footer="code-licence">{CODE_LICENCE.name}</a></li>
                <li>"Data: "<a href=DATA_LICENCE.url rel="license" data-footer="data-licence">"CC BY 4.0"</a>", credit \"Port25\""</li>
            </ul>
        </footer>
    }
}
