//! The diagnosis tool: the decision tree one question at a time and the
//! output reader, an island around the prerendered commands (its children,
//! never hydrated). The whole tree, as plain linked lists, follows the island
//! in the page and is server-rendered only.
//!
//! The visitor's way through the tree lives in the URL (`?p=timeout.all`, see
//! [`port25_core::diagnose::Path`]), plus an optional `provider=<id>`, so a
//! link reproduces the exact state. There is no router: the island's own
//! links push the new URL (`history.pushState`) and Back/Forward come back
//! through `popstate`. Without JavaScript each answer links to the node it
//! leads to in the whole tree below.
//!
//! The page is prerendered once, without a query string. The hydrating render
//! therefore shows the root question whatever the URL says, and only once
//! hydration is over does the island switch to the URL's state (the
//! `mounted` signal below). The walk, the commands and the reading of pasted
//! output all live in `port25_core::diagnose`; this module only binds them.

use leptos::prelude::*;
use port25_core::{
    diagnose::Path,
    site::{BasePath, Page, Route},
};

use crate::data::{ProviderRow, PROVIDERS};

#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod commands;
#[cfg(not(target_arch = "wasm32"))]
mod copy;
mod step;
pub(crate) mod whole_tree;

/// The query key holding the visitor's provider, when they chose one.
const PROVIDER_KEY: &str = "provider";

use crate::data::diagnose_tree as tree;

/// What the URL says: the answers taken and the provider chosen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct State {
    /// The answers, from the root down (not yet checked against the tree).
    path: Path,
    /// The provider the visitor picked, if it is one the site knows.
    provider: Option<&'static ProviderRow>,
}

impl State {
    /// Reads the state from a query string (`?p=a.b&provider=x`, the `?`
    /// optional).
    fn from_search(search: &str) -> State {
        let path = Path::from_query(search.trim_start_matches('?'));
        let provider = search
            .trim_start_matches('?')
            .split('&')
            .find_map(|pair| pair.strip_prefix(PROVIDER_KEY)?.strip_prefix('='))
            .and_then(|id| PROVIDERS.iter().find(|row| row.id == id));
        State { path, provider }
    }
}

/// The island's navigation state, shared by its parts. `Copy`, so event
/// handlers can capture it freely.
#[derive(Clone, Copy)]
struct Nav {
    /// The state the page shows: the root until hydration is over, then the URL's.
    state: Memo<State>,
    /// The URL's query string, kept in step with the address bar.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    search: RwSignal<String>,
    /// Whether hydration is over (always `false` in the prerender).
    mounted: RwSignal<bool>,
    /// The path whose question heading should take focus once it is shown;
    /// set by the island's own links, not by Back/Forward or a fresh load.
    focus_target: RwSignal<Option<Path>>,
}

impl Nav {
    /// The URL of this page at `path`, keeping the chosen provider (tracked,
    /// so links follow a change of provider).
    fn href(self, path: &Path) -> String {
        let provider = self.state.with(|s| s.provider.map(|p| p.id));
        diagnose_href(&crate::base(), path, provider)
    }

    /// A reactive href for `path`, for a view attribute.
    fn href_to(self, path: Path) -> impl Fn() -> String + Send + Sync + 'static {
        move || self.href(&path)
    }

    /// Follows a click on any link to this page with a query (an answer,
    /// the breadcrumb, Back, Restart, the reader's jump): shows that step
    /// without a page load (the URL is pushed, so Back returns) and moves
    /// focus to its heading. Modified clicks (new tab or window), fragment
    /// links (the whole tree's anchors) and other pages are left to the
    /// browser.
    #[cfg(target_arch = "wasm32")]
    fn on_click(self, ev: web_sys::MouseEvent) {
        use wasm_bindgen::JsCast;

        if ev.default_prevented()
            || ev.ctrl_key()
            || ev.meta_key()
            || ev.shift_key()
            || ev.alt_key()
            || ev.button() != 0
        {
            return;
        }
        let Some(link) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("a[href]").ok().flatten())
            .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        else {
            return;
        };
        let here = window().location();
        let page = crate::href(Route::Page(Page::Diagnose));
        if link.origin() != here.origin().unwrap_or_default()
            || link.pathname() != page
            || !link.hash().is_empty()
        {
            return;
        }
        ev.prevent_default();
        self.focus_target
            .set(Some(Path::from_query(&link.search())));
        self.go(&link.href(), false);
    }

    /// Puts `href` in the address bar (a new history entry unless
    /// `replace`) and shows its state.
    #[cfg_attr(not(target_arch = "wasm32"), allow(unused_variables))]
    fn go(self, href: &str, replace: bool) {
        #[cfg(target_arch = "wasm32")]
        {
            let history = window().history().ok();
            let _ = history.map(|h| {
                if replace {
                    h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href))
                } else {
                    h.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href))
                }
            });
            self.search
                .set(window().location().search().unwrap_or_default());
        }
    }
}

/// The href of the diagnosis page at `path` with an optional provider:
/// `/port25/diagnose`, `/port25/diagnose?p=a.b&provider=x`.
fn diagnose_href(base: &BasePath, path: &Path, provider: Option<&str>) -> String {
    let mut query = path.to_query();
    if let Some(id) = provider {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(PROVIDER_KEY);
        query.push('=');
        query.push_str(id);
    }
    let mut href = base.join(&Route::Page(Page::Diagnose).path());
    if !query.is_empty() {
        href.push('?');
        href.push_str(&query);
    }
    href
}

/// Prefixes the root-relative links of build-time HTML (`href="/faq"`) with
/// the base path. Protocol-relative links (`href="//host"`) are left alone.
fn prefix_links(html: &str, base: &BasePath) -> String {
    if base.as_str().is_empty() {
        return html.to_owned();
    }
    const NEEDLE: &str = "href=\"/";
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(i) = rest.find(NEEDLE) {
        let after = &rest[i + NEEDLE.len()..];
        out.push_str(&rest[..i]);
        out.push_str("href=\"");
        if !after.starts_with('/') {
            out.push_str(base.as_str());
        }
        out.push('/');
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The diagnosis island: the provider choice, the current step and the
/// commands (server-rendered children). Any link on the page to this page
/// (an answer, Back, the reader's jump) shows its step without a page load.
#[island]
pub fn Diagnose(children: Children) -> impl IntoView {
    let mounted = RwSignal::new(false);
    let search = RwSignal::new(String::new());
    let state = Memo::new(move |_| {
        if !mounted.get() {
            return State::default();
        }
        search.with(|q| State::from_search(q))
    });
    let nav = Nav {
        state,
        search,
        mounted,
        focus_target: RwSignal::new(None),
    };
    // Effects run only in the browser, after hydration: from then on the URL
    // decides what the island shows, and Back/Forward keep it in step.
    Effect::new(move |_| {
        #[cfg(target_arch = "wasm32")]
        {
            search.set(window().location().search().unwrap_or_default());
            let popstate = window_event_listener(leptos::ev::popstate, move |_| {
                search.set(window().location().search().unwrap_or_default());
            });
            let click = window_event_listener(leptos::ev::click, move |ev| nav.on_click(ev));
            // The island lives as long as the page.
            std::mem::forget((popstate, click));
        }
        mounted.set(true);
    });

    view! {
        <step::ProviderChoice nav />
        <step::Step nav />
        {children()}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> BasePath {
        BasePath::parse("/port25/").unwrap()
    }

    #[test]
    fn hrefs_carry_the_path_and_the_provider() {
        let path = Path::from_query("p=timeout.all");
        assert_eq!(
            diagnose_href(&base(), &Path::new(), None),
            "/port25/diagnose"
        );
        assert_eq!(
            diagnose_href(&base(), &path, None),
            "/port25/diagnose?p=timeout.all"
        );
        assert_eq!(
            diagnose_href(&base(), &path, Some("hetzner")),
            "/port25/diagnose?p=timeout.all&provider=hetzner"
        );
        assert_eq!(
            diagnose_href(&BasePath::default(), &Path::new(), Some("x")),
            "/diagnose?provider=x"
        );
    }

    #[test]
    fn state_ignores_unknown_providers_and_mangled_paths() {
        let s = State::from_search("?p=timeout.ALL&provider=no-such-provider");
        assert_eq!(s.path.answers(), ["timeout"]);
        assert_eq!(s.provider, None);
        let first = PROVIDERS[0].id;
        assert_eq!(
            State::from_search(&format!("provider={first}"))
                .provider
                .map(|p| p.id),
            Some(first)
        );
    }

    #[test]
    fn root_relative_links_get_the_base_path() {
        let html = r#"<a href="/glossary#ptr">PTR</a> <a href="//cdn.example/x">x</a> <a href="https://e.org/">e</a>"#;
        assert_eq!(
            prefix_links(html, &base()),
            r#"<a href="/port25/glossary#ptr">PTR</a> <a href="//cdn.example/x">x</a> <a href="https://e.org/">e</a>"#
        );
        assert_eq!(prefix_links(html, &BasePath::default()), html);
    }

    #[test]
    fn the_browser_outline_is_the_shipped_tree_without_prose() {
        use crate::data::{DIAGNOSE_OUTLINE, DIAGNOSE_ROOT, DIAGNOSE_VERSION};
        assert_eq!(
            port25_core::diagnose::Tree::from_outline(
                DIAGNOSE_VERSION,
                DIAGNOSE_ROOT,
                DIAGNOSE_OUTLINE
            ),
            tree().without_prose()
        );
    }

    #[test]
    fn every_explanation_resolves_and_the_tree_is_the_shipped_one() {
        for node in &tree().nodes {
            if node.is_verdict() {
                assert!(
                    crate::data::diagnose_html(node.id()).is_some(),
                    "{}",
                    node.id()
                );
            }
        }
    }

    /// The prerendered page: the root question, the commands, the reader and
    /// the whole tree, every verdict with its anchor.
    #[test]
    fn the_prerendered_page_holds_the_whole_tree() {
        let html = crate::prerender::test_page(Route::Page(Page::Diagnose));
        let tree = tree();
        for node in &tree.nodes {
            let anchor = format!("id=\"node-{}\"", node.id());
            assert_eq!(html.matches(&anchor).count(), 1, "{anchor}");
            let link = format!("href=\"#node-{}\"", node.id());
            assert!(
                node.id() == tree.root || html.contains(&link),
                "no link to {link}"
            );
        }
        let Some(port25_core::diagnose::Node::Question(root)) = tree.root_node() else {
            panic!("the root is a question");
        };
        assert!(html.contains(&root.text));
        // Without JavaScript an answer leads to its node in the whole tree.
        for answer in &root.answers {
            let href = format!("href=\"#node-{}\"", answer.next);
            assert!(html.contains(&href), "{href}");
        }
        assert!(html.contains("nc -6 -v -w 10 gmail-smtp-in.l.google.com 25"));
        assert!(html.contains("<textarea"));
        assert!(
            !html.contains("href=\"/glossary"),
            "a link lost the base path"
        );
        assert!(!html.contains("href=\"/faq"), "a link lost the base path");
    }
}
