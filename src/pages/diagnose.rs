//! The diagnosis page: the decision tree one question at a time, the commands
//! to run on one's own server, the output reader, and the whole tree as plain
//! linked lists.
//!
//! The visitor's way through the tree lives in the URL (`?p=timeout.all`, see
//! [`port25_core::diagnose::Path`]), plus an optional `provider=<id>`, so a
//! link reproduces the exact state and Back/Forward step through the answers.
//! Answers are ordinary links to those URLs; the router turns their clicks
//! into client-side navigation.
//!
//! The page is prerendered once, without a query string. The hydrating render
//! must therefore show the root question whatever the URL says, and only once
//! hydration is over does the page switch to the URL's state (the `mounted`
//! signal below). The walk, the commands and the reading of pasted output all
//! live in `port25_core::diagnose`; this module only binds them to the page.

use std::sync::OnceLock;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use port25_core::{
    diagnose::{Path, Tree},
    site::{BasePath, Page},
};

use crate::components::page_meta::PageMeta;
use crate::data::{ProviderRow, PROVIDERS};

mod commands;
mod copy;
mod reader;
mod step;
mod verdict;
mod whole_tree;

/// The query key holding the visitor's provider, when they chose one.
const PROVIDER_KEY: &str = "provider";

/// The decision tree shipped with the site, built once. The prerenderer
/// parses the JSON with its prose; the browser builds it from the static
/// outline the build script wrote (no prose, no JSON parser in the bundle)
/// and takes the prose from the prerendered page.
fn tree() -> &'static Tree {
    static TREE: OnceLock<Tree> = OnceLock::new();
    #[cfg(not(target_arch = "wasm32"))]
    return TREE.get_or_init(Tree::builtin);
    #[cfg(target_arch = "wasm32")]
    return TREE.get_or_init(|| {
        use crate::data::{DIAGNOSE_OUTLINE, DIAGNOSE_ROOT, DIAGNOSE_VERSION};
        Tree::from_outline(DIAGNOSE_VERSION, DIAGNOSE_ROOT, DIAGNOSE_OUTLINE)
    });
}

/// What the URL says: the answers taken and the provider chosen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct State {
    /// The answers, from the root down (not yet checked against the tree).
    path: Path,
    /// The provider the visitor picked, if it is one the site knows.
    provider: Option<&'static ProviderRow>,
}

impl State {
    /// Reads the state from the `p` and `provider` query values.
    fn from_query(p: Option<&str>, provider: Option<&str>) -> State {
        let path = p.map_or_else(Path::new, |p| {
            Path::from_query(&format!("{}={p}", port25_core::diagnose::path::QUERY_KEY))
        });
        let provider = provider.and_then(|id| PROVIDERS.iter().find(|row| row.id == id));
        State { path, provider }
    }
}

/// The page's navigation state, shared by its parts. `Copy`, so event
/// handlers can capture it freely.
#[derive(Clone, Copy)]
struct Nav {
    /// The state the page shows: the root until hydration is over, then the URL's.
    state: Memo<State>,
    /// Whether hydration is over (always `false` in the prerender).
    mounted: RwSignal<bool>,
    /// The path whose question heading should take focus once it is shown;
    /// set by the page's own links, not by Back/Forward or a fresh load.
    focus_target: RwSignal<Option<Path>>,
    /// The base path links are prefixed with.
    base: StoredValue<BasePath>,
}

impl Nav {
    /// The URL of this page at `path`, keeping the chosen provider (tracked,
    /// so links follow a change of provider).
    fn href(self, path: &Path) -> String {
        let provider = self.state.with(|s| s.provider.map(|p| p.id));
        self.base
            .with_value(|base| diagnose_href(base, path, provider))
    }

    /// A reactive href for `path`, for a view attribute.
    fn href_to(self, path: Path) -> impl Fn() -> String + Send + Sync + 'static {
        move || self.href(&path)
    }

    /// A click handler for a link to `path`: moves focus to the question
    /// heading once the router has shown it. Modified clicks (new tab or
    /// window) leave the page as it is, so they set nothing.
    fn focus_on_arrival(self, path: Path) -> impl Fn(leptos::ev::MouseEvent) + 'static {
        move |ev| {
            if !(ev.ctrl_key()
                || ev.meta_key()
                || ev.shift_key()
                || ev.alt_key()
                || ev.button() != 0)
            {
                self.focus_target.set(Some(path.clone()));
            }
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
    let mut href = base.join(Page::Diagnose.path());
    if !query.is_empty() {
        href.push('?');
        href.push_str(&query);
    }
    href
}

/// Prefixes the root-relative links of build-time HTML (`href="/faq"`) with
/// the base path. Protocol-relative links (`href="//host"`) are left alone.
#[cfg(not(target_arch = "wasm32"))]
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

/// The diagnosis page.
#[component]
pub(crate) fn Diagnose() -> impl IntoView {
    let base = use_context::<BasePath>().unwrap_or_default();
    let mounted = RwSignal::new(false);
    // Effects run only in the browser, after hydration: from then on the URL
    // decides what the page shows.
    Effect::new(move |_| mounted.set(true));
    let query = use_query_map();
    let state = Memo::new(move |_| {
        if !mounted.get() {
            return State::default();
        }
        query.with(|q| State::from_query(q.get_str("p"), q.get_str(PROVIDER_KEY)))
    });
    let nav = Nav {
        state,
        mounted,
        focus_target: RwSignal::new(None),
        base: StoredValue::new(base),
    };
    let status = copy::Status::new();

    view! {
        <PageMeta page=Page::Diagnose />
        <h1>{Page::Diagnose.title()}</h1>
        <div class="diagnose" on:click=copy::on_click(status)>
            <p class="lede">
                "Answer one question at a time, from what your server sees to the likely cause "
                "and what to do about it. Not tested yet? The commands below do it, and the reader "
                "under them picks the answer from what they print."
            </p>
            <step::ProviderChoice nav />
            <step::Step nav />
            <div inner_html=commands::html()></div>
            <reader::Reader nav />
            <whole_tree::WholeTree />
            <copy::CopyStatus status />
        </div>
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
        let s = State::from_query(Some("timeout.ALL"), Some("no-such-provider"));
        assert_eq!(s.path.answers(), ["timeout"]);
        assert_eq!(s.provider, None);
        let first = PROVIDERS[0].id;
        assert_eq!(
            State::from_query(None, Some(first)).provider.map(|p| p.id),
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
            Tree::from_outline(DIAGNOSE_VERSION, DIAGNOSE_ROOT, DIAGNOSE_OUTLINE),
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
        let shell = "<!DOCTYPE html><html lang=\"en\"><head></head><body></body></html>";
        let html = crate::prerender::render_page(shell, &base(), Page::Diagnose).unwrap();
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
        for answer in &root.answers {
            let href = format!("href=\"/port25/diagnose?p={}\"", answer.id);
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
