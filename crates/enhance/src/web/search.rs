//! The header search in the browser (see [`crate::search`] for the control
//! and its keyboard model). The markup is static; one delegated handler
//! updates the DOM directly. Results are plain links, so following one is an
//! ordinary page load. Every page's bundle holds only [`install_shortcut`];
//! the ranking, the index parser and the rest load on first use.

use std::cell::RefCell;

use port25_core::search::{self, Entry, MAX_RESULTS};
use wasm_bindgen::JsCast;
use web_sys::{Event, HtmlElement, HtmlInputElement, KeyboardEvent};

use super::{closest, element, escape, fetch_text, listen, window};
use crate::search::{INDEX_FILE, INPUT, LISTBOX, ROOT, STATUS};

/// Where the index stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Load {
    Idle,
    Loading,
    Ready,
    Failed,
}

/// The search box's state; the page has one search box.
struct State {
    base: String,
    load: Load,
    entries: Vec<Entry>,
    hits: Vec<usize>,
    active: usize,
    open: bool,
}

thread_local! {
    static STATE: RefCell<State> = const { RefCell::new(State {
        base: String::new(),
        load: Load::Idle,
        entries: Vec::new(),
        hits: Vec::new(),
        active: 0,
        open: false,
    }) };
}

/// Shows the control and makes `/` focus it from anywhere but a text field.
/// Part of every page's bundle; the rest of the search is the on-demand
/// `search` module ([`install`]), which the page's loader imports on the
/// control's first focus or press.
pub(crate) fn install_shortcut() {
    let Some(root) = element(ROOT) else {
        return;
    };
    let _ = root.remove_attribute("hidden");
    // keydown on the window: `/` works from anywhere on the page.
    listen(&window(), &["keydown"], |ev| {
        let typing = closest(&ev, "input, textarea, select, [contenteditable]").is_some();
        if let Ok(key) = ev.dyn_into::<KeyboardEvent>() {
            if !typing && key.key() == "/" {
                key.prevent_default();
                if let Some(i) = input() {
                    let _ = i.focus();
                }
            }
        }
    });
}

/// Starts the search itself (the on-demand module): routes the control's
/// events to [`handle`] and catches up with what happened before it loaded
/// (the box has focus, and may hold text already).
pub(crate) fn install(base: &str) {
    let Some(root) = element(ROOT) else {
        return;
    };
    STATE.with(|s| base.clone_into(&mut s.borrow_mut().base));
    listen(
        &root,
        &["keydown", "focusin", "input", "focusout", "mousedown"],
        handle,
    );
    let focused =
        crate::web::document().active_element().map(|el| el.id()) == Some(INPUT.to_owned());
    if focused {
        ensure_index();
    }
    if input().is_some_and(|i| !i.value().is_empty()) {
        on_input();
    }
}

/// One handler for every event the control listens to.
fn handle(ev: Event) {
    let within = |selector: &str| closest(&ev, selector).is_some();
    match ev.type_().as_str() {
        "keydown" if within(&format!("#{INPUT}")) => {
            if let Ok(key) = ev.dyn_into::<KeyboardEvent>() {
                on_keydown(key);
            }
        }
        "focusin" => ensure_index(),
        "input" => on_input(),
        "focusout" => set_open(false),
        // Keep focus in the box while a result is clicked.
        "mousedown" if within(&format!("#{LISTBOX}")) => ev.prevent_default(),
        _ => {}
    }
}

fn input() -> Option<HtmlInputElement> {
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

fn on_keydown(ev: KeyboardEvent) {
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
            let link = element(&option_id(active))
                .and_then(|li| li.query_selector("a").ok().flatten())
                .and_then(|a| a.dyn_into::<HtmlElement>().ok());
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

fn set_open(open: bool) {
    STATE.with(|s| s.borrow_mut().open = open);
    render();
}

fn option_id(n: usize) -> String {
    format!("search-option-{n}")
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
                "<li id=\"{}\" role=\"option\" aria-selected=\"{}\"><a href=\"{}{}\" tabindex=\"-1\">\
                 <span class=\"search-kind\">{}</span> <span class=\"search-title\">{}</span> \
                 <span class=\"search-summary\">{}</span></a></li>",
                option_id(n),
                n == s.active,
                escape(&s.base),
                escape(&e.path),
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
            format!("{}/{INDEX_FILE}", s.base)
        })
    });
    if let Some(url) = url {
        wasm_bindgen_futures::spawn_local(async move {
            let text = fetch_text(&url).await;
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
}
