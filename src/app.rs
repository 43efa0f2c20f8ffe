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
                <Routes fallback=routes::NotFound>
                    <Route path=path!("/") view=routes::Home />
                    <Route path=path!("/providers") view=routes::Providers />
                    <Route path=path!("/providers/:id") view=routes::ProviderPage />
                    <Route path=path!("/relays") view=routes::Relays />
                    <Route path=path!("/relays/:id") view=routes::RelayPage />
                    <Route path=path!("/diagnose") view=routes::Diagnose />
                    <Route path=path!("/generator") view=routes::Generator />
                    <Route path=path!("/tester") view=routes::Tester />
                    <Route path=path!("/guide") view=routes::Guide />
                    <Route path=path!("/guide/:slug") view=routes::GuidePage />
                    <Route path=path!("/glossary") view=routes::Glossary />
                    <Route path=path!("/faq") view=routes::Faq />
                    <Route path=path!("/ports") view=routes::Ports />
                    <Route path=path!("/about") view=routes::About />
                </Routes>
            </main>
            <Footer />
        </Router>
    }
}

/// The page components, by bundle. The prerenderer has them all; a browser
/// build has those of its bundle (a cargo feature of the same name, see
/// `port25_core::site::Bundle`) and [`Elsewhere`] in place of the others.
///
/// [`Elsewhere`]: crate::components::elsewhere::Elsewhere
mod routes {
    macro_rules! pages {
        ($bundle:literal: $($name:ident = $($segment:ident)::+;)+) => {$(
            #[cfg(any(not(target_arch = "wasm32"), feature = $bundle))]
            pub(super) use $($segment)::+ as $name;
            #[cfg(all(target_arch = "wasm32", not(feature = $bundle)))]
            pub(super) use crate::components::elsewhere::Elsewhere as $name;
        )+};
    }

    pages! { "site":
        Home = crate::pages::home::Home;
        Providers = crate::pages::providers::Providers;
        ProviderPage = crate::pages::providers::ProviderPage;
        Relays = crate::pages::relays::Relays;
        RelayPage = crate::pages::relays::RelayPage;
        Guide = crate::pages::knowledge::Guide;
        GuidePage = crate::pages::knowledge::GuidePage;
        Glossary = crate::pages::knowledge::Glossary;
        Faq = crate::pages::knowledge::Faq;
        Ports = crate::pages::knowledge::Ports;
        About = crate::pages::about::About;
        NotFound = crate::pages::not_found::NotFound;
    }
    pages! { "diagnose": Diagnose = crate::pages::diagnose::Diagnose; }
    pages! { "generator": Generator = crate::pages::generator::Generator; }
    pages! { "tester": Tester = crate::pages::tester::Tester; }
}

/// Compile-time guard: the route table above and [`Page::ALL`] must agree.
/// The prerender tests render every `Page` and check its heading, so a route
/// missing here shows up as a 404 body there.
#[allow(dead_code)]
const _: [Page; 12] = Page::ALL;
