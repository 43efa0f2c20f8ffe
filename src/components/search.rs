//! The site search in the header: a WAI-ARIA combobox with a listbox of
//! results (the APG's "list autocomplete with automatic selection").
//!
//! The index is built at build time (`port25_core::search`, written by the
//! prerenderer to [`INDEX_FILE`]) and fetched on the first focus or
//! keystroke, never at start-up. Ranking is core's. `/` focuses the box from
//! anywhere but a text field, the arrow keys move through the results, Enter
//! or a click goes to one, Escape closes the list (a second Escape clears the
//! box).
//!
//! The markup is static and one delegated handler updates the DOM directly:
//! a first version with a reactive view per result and signals added 21 KiB
//! gzip to the bundle; this adds about 7 KiB, core's ranking included.
//! Each result is a link to its page, so the router navigates to it (base
//! path included) exactly as for any other link; Enter clicks the active one.
//!
//! Without JavaScript there is nothing to search with, so the control stays
//! `hidden` until the app has hydrated rather than showing a box that does
//! nothing; everything it finds is reachable from the navigation.

use std::cell::RefCell;

use leptos::{prelude::*, wasm_bindgen::JsCast, web_sys};
use port25_core::{
    search::{self, Entry, MAX_RESULTS},
    site::BasePath,
};

/// The index file, relative to the base path. Not under `data/`: those are
/// the stable, documented downloads; this format is internal to the site.
pub(crate) const INDEX_FILE: &str = "search-index.txt";

const INPUT: &str = "search-input";
const LISTBOX: &str = "search-results";
const STATUS: &str = "search-status";

/// Where the index stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
enum Load {
    Idle,
    Loading,
    Ready,
    Failed,
}

/// The search box's state; the page has one search box.
struct State {
    base: BasePath,
    load: Load,
    entries: Vec<Entry>,
    hits: Vec<usize>,
    active: usize,
    open: bool,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State {
        base: BasePath::default(),
        load: Load::Idle,
        entries: Vec::new(),
        hits: Vec::new(),
        active: 0,
        open: false,
    });
}

/// The control's markup: static, so it goes in as one `inner_html` string
/// (tachys keeps it as it is when hydrating) and the events are delegated.
const MARKUP: &str = concat!(
    r#"<label for="search-input" class="visually-hidden">Search the site</label>"#,
    r#"<input id="search-input" type="text" role="combobox" autocomplete="off" spellcheck="false" "#,
    r#"placeholder="Search  /" aria-keyshortcuts="/" aria-autocomplete="list" "#,
    r#"aria-controls="search-results" aria-expanded="false" aria-describedby="search-status">"#,
    r#"<ul id="search-results" role="listbox" aria-label="Search results" hidden></ul>"#,
    r#"<p id="search-status" role="status" class="search-status visually-hidden"></p>"#,
);

/// The search box and its (initially empty) results.
#[component]
pub(crate) fn Search() -> impl IntoView {
    let base = use_context::<BasePath>().unwrap_or_default();
    STATE.with(|s| s.borrow_mut().base = base);
    // In the browser the header is only ever hydrated, so the prerendered
    // control is already in the page.
    install();
    view! { <div class="search" id="search" role="search" hidden=true inner_html=MARKUP></div> }
}

/// Shows the control and routes the events it needs to [`handle`].
#[cfg(target_arch = "wasm32")]
fn install() {
    use leptos::wasm_bindgen::closure::Closure;

    let Some(root) = element("search") else {
        return;
    };
    let _ = root.remove_attribute("hidden");
    // `Fn`, not `FnMut`: the handler re-enters itself (Enter clicks a link,
    // focusing fires focusin), which wasm-bindgen refuses for `FnMut`.
    let handler = Closure::<dyn Fn(web_sys::Event)>::new(handle);
    let f = handler.as_ref().unchecked_ref();
    // keydown on the window: `/` works from anywhere on the page.
    let _ = window().add_event_listener_with_callback("keydown", f);
    for kind in ["focusin", "input", "focusout", "mousedown", "click"] {
        let _ = root.add_event_listener_with_callback(kind, f);
    }
    // The header lives as long as the page, so the listeners do too.
    handler.forget();
}

#[cfg(not(target_arch = "wasm32"))]
fn install() {}

/// One handler for every event the control listens to.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn handle(ev: web_sys::Event) {
    let target = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    let within = |selector: &str| {
        target
            .as_ref()
            .and_then(|t| t.closest(selector).ok().flatten())
            .is_some()
    };
    let in_list = within("#search-results");
    match ev.type_().as_str() {
        "keydown" => {
            let in_box = within("#search-input");
            // `/` from anywhere but a text field focuses the box.
            let typing = within("input, textarea, select, [contenteditable]");
            if let Ok(key) = ev.dyn_into::<web_sys::KeyboardEvent>() {
                if in_box {
                    on_keydown(key);
                } else if !typing && key.key() == "/" {
                    key.prevent_default();
                    if let Some(i) = input() {
                        let _ = i.focus();
                    }
                }
            }
        }
        "focusin" => ensure_index(),
        "input" => on_input(),
        "focusout" => set_open(false),
        // Keep focus in the box while a result is clicked.
        "mousedown" if in_list => ev.prevent_default(),
        // The router follows the link; this closes the box.
        "click" if in_list => picked(),
        _ => {}
    }
}

fn element(id: &str) -> Option<web_sys::Element> {
    document().get_element_by_id(id)
}

fn input() -> Option<web_sys::HtmlInputElement> {
    element(INPUT)?.dyn_into().ok()
}

fn on_input() {
    ensure_index();
    let query = input().map(|i| i.value()).unwrap_or_default();
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.hits = search::search(&s.entries, &query, MAX_RESULTS);
        s.active = 0;
        s.open = true;
    });
    render();
}

fn on_keydown(ev: web_sys::KeyboardEvent) {
    let key = ev.key();
    let (open, count, active) = STATE.with(|s| {
        let s = s.borrow();
        (s.open, s.hits.len(), s.active)
    });
    match key.as_str() {
        "ArrowDown" | "ArrowUp" => {
            ev.prevent_default();
            let step = if key == "ArrowDown" {
                1
            } else {
                count.max(1) - 1
            };
            STATE.with(|s| {
                let mut s = s.borrow_mut();
                if !s.open {
                    s.open = true;
                } else if count > 0 {
                    s.active = (active + step) % count;
                }
            });
            render();
        }
        "Enter" if open && count > 0 => {
            ev.prevent_default();
            // The link's click goes to the router (and to `picked`).
            let link = element(&option_id(active))
                .and_then(|li| li.query_selector("a").ok().flatten())
                .and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(link) = link {
                link.click();
            }
        }
        "Escape" if open => set_open(false),
        "Escape" => {
            if let Some(i) = input() {
                i.set_value("");
            }
            on_input();
            set_open(false);
        }
        _ => {}
    }
}

/// After a result's link was clicked: close and clear the box and move
/// focus to the new content, as a page load would; the router navigates.
fn picked() {
    if let Some(i) = input() {
        i.set_value("");
    }
    STATE.with(|s| s.borrow_mut().hits.clear());
    set_open(false);
    if let Some(main) = element("main").and_then(|m| m.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = main.focus();
    }
}

fn set_open(open: bool) {
    STATE.with(|s| s.borrow_mut().open = open);
    render();
}

fn option_id(n: usize) -> String {
    format!("search-option-{n}")
}

/// Escapes text for HTML content and double-quoted attributes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

/// Brings the DOM in line with the state: the options, `aria-expanded`,
/// `aria-activedescendant` and the status message.
fn render() {
    let (Some(input), Some(list), Some(status)) = (input(), element(LISTBOX), element(STATUS))
    else {
        return;
    };
    let query = input.value();
    STATE.with(|s| {
        let s = s.borrow();
        let expanded = s.open && !s.hits.is_empty();
        let mut html = String::new();
        for (n, &i) in s.hits.iter().enumerate() {
            let e = &s.entries[i];
            html.push_str(&format!(
                "<li id=\"{}\" role=\"option\" aria-selected=\"{}\"><a href=\"{}\" tabindex=\"-1\">\
                 <span class=\"search-kind\">{}</span> <span class=\"search-title\">{}</span> \
                 <span class=\"search-summary\">{}</span></a></li>",
                option_id(n),
                n == s.active,
                escape(&s.base.join(&e.path)),
                e.kind.label(),
                escape(&e.title),
                escape(&e.summary),
            ));
        }
        list.set_inner_html(&html);
        let _ = if expanded {
            list.remove_attribute("hidden")
        } else {
            list.set_attribute("hidden", "")
        };
        let _ = input.set_attribute("aria-expanded", if expanded { "true" } else { "false" });
        let _ = if expanded {
            input.set_attribute("aria-activedescendant", &option_id(s.active))
        } else {
            input.remove_attribute("aria-activedescendant")
        };
        let query = query.trim();
        let message = match (s.open && !query.is_empty(), s.load, s.hits.len()) {
            (false, ..) => String::new(),
            (_, Load::Idle | Load::Loading, _) => "Loading the search index…".to_owned(),
            (_, Load::Failed, _) => {
                "Search could not load. Check your connection and try again.".to_owned()
            }
            (_, Load::Ready, 0) => format!("No results for “{query}”"),
            (_, Load::Ready, 1) => "1 result".to_owned(),
            (_, Load::Ready, n) => format!("{n} results"),
        };
        // The count is for screen readers; the other messages show.
        let class = if expanded || message.is_empty() {
            "search-status visually-hidden"
        } else {
            "search-status"
        };
        let _ = status.set_attribute("class", class);
        status.set_inner_html(&escape(&message));
    });
}

/// Starts fetching the index unless it is loaded or loading.
fn ensure_index() {
    let url = STATE.with(|s| {
        let mut s = s.borrow_mut();
        matches!(s.load, Load::Idle | Load::Failed).then(|| {
            s.load = Load::Loading;
            s.base.join(&format!("/{INDEX_FILE}"))
        })
    });
    if let Some(url) = url {
        fetch_index(url);
    }
}

/// Fetches and parses the index, then searches for what was typed meanwhile.
#[cfg(target_arch = "wasm32")]
fn fetch_index(url: String) {
    leptos::task::spawn_local(async move {
        let text = super::prose::fetch_text(&url).await;
        let query = input().map(|i| i.value()).unwrap_or_default();
        STATE.with(|s| {
            let mut s = s.borrow_mut();
            match text.and_then(|t| search::parse(&t).ok()) {
                Some(entries) => {
                    s.hits = search::search(&entries, &query, MAX_RESULTS);
                    s.entries = entries;
                    s.load = Load::Ready;
                }
                None => s.load = Load::Failed,
            }
        });
        render();
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn fetch_index(_: String) {}
