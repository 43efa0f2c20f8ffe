//! The application shell: metadata context, router, header, footer and the
//! route table.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};
use port25_core::site::{BasePath, Page};

use crate::components::layout::{Footer, Header};
use crate::pages;

/// The whole site, served under `base` (empty at a domain's root).
#[component]
pub fn App(
    /// The URL prefix the site lives under; see [`BasePath`].
    base: BasePath,
) -> impl IntoView {
    provide_meta_context();
    let router_base = base.as_str().to_owned();
    provide_context(base);

    view! {
        <Title formatter=|text: String| format!("{text} · Port25") />
        <Router base=router_base>
            <Header />
            <main id="main" tabindex="-1">
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view=pages::home::Home />
                    <Route path=path!("/providers") view=pages::providers::Providers />
                    <Route path=path!("/providers/:id") view=pages::providers::ProviderPage />
                    <Route path=path!("/relays") view=pages::relays::Relays />
                    <Route path=path!("/relays/:id") view=pages::relays::RelayPage />
                    <Route path=path!("/diagnose") view=pages::diagnose::Diagnose />
                    <Route path=path!("/generator") view=pages::coming_soon::Generator />
                    <Route path=path!("/tester") view=pages::coming_soon::Tester />
                    <Route path=path!("/guide") view=pages::knowledge::Guide />
                    <Route path=path!("/guide/:slug") view=pages::knowledge::GuidePage />
                    <Route path=path!("/glossary") view=pages::knowledge::Glossary />
                    <Route path=path!("/faq") view=pages::knowledge::Faq />
                    <Route path=path!("/ports") view=pages::knowledge::Ports />
                    <Route path=path!("/about") view=pages::about::About />
                </Routes>
            </main>
            <Footer />
        </Router>
    }
}

/// Compile-time guard: the route table above and [`Page::ALL`] must agree.
/// The prerender tests render every `Page` and check its heading, so a route
/// missing here shows up as a 404 body there.
#[allow(dead_code)]
const _: [Page; 12] = Page::ALL;
