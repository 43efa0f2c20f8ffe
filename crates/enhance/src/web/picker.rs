//! The home page's provider picker: typing narrows the prerendered list of
//! provider links (each `<li>` carries its names in `data-name`), matched by
//! `port25_core::search::is_name_match`; Enter follows the first link left.
//! Without JavaScript the field stays `hidden` and the list is plain links.

use port25_core::search::is_name_match;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlElement, HtmlInputElement, KeyboardEvent};

use super::{element, listen};
use crate::{PICKER_COUNT, PICKER_FIELD, PICKER_INPUT, PICKER_LIST};

pub(crate) fn install() {
    let (Some(field), Some(input)) = (element(PICKER_FIELD), element(PICKER_INPUT)) else {
        return;
    };
    let _ = field.remove_attribute("hidden");
    listen(&input, &["input", "keydown"], on_event);
    // The browser may restore a value on Back: apply it.
    update();
}

fn on_event(ev: Event) {
    if ev.type_() == "keydown" {
        if let Ok(key) = ev.dyn_into::<KeyboardEvent>() {
            if key.key() == "Enter" {
                key.prevent_default();
                if let Some(link) = items()
                    .into_iter()
                    .find(|li| !li.has_attribute("hidden"))
                    .and_then(|li| li.query_selector("a").ok().flatten())
                    .and_then(|a| a.dyn_into::<HtmlElement>().ok())
                {
                    link.click();
                }
            }
        }
        return;
    }
    update();
}

fn items() -> Vec<Element> {
    let Some(list) = element(PICKER_LIST) else {
        return Vec::new();
    };
    let Ok(nodes) = list.query_selector_all(":scope > li") else {
        return Vec::new();
    };
    (0..nodes.length())
        .filter_map(|i| nodes.item(i)?.dyn_into::<Element>().ok())
        .collect()
}

/// Shows the items whose names match the field and says how many.
fn update() {
    let query = element(PICKER_INPUT)
        .and_then(|el| el.dyn_into::<HtmlInputElement>().ok())
        .map(|i| i.value())
        .unwrap_or_default();
    let items = items();
    let mut shown = 0;
    for li in &items {
        let name = li.get_attribute("data-name").unwrap_or_default();
        if is_name_match(&query, &name) {
            let _ = li.remove_attribute("hidden");
            shown += 1;
        } else {
            let _ = li.set_attribute("hidden", "");
        }
    }
    if let Some(count) = element(PICKER_COUNT) {
        let text = match (query.trim().is_empty(), shown) {
            (true, _) => format!("{} providers", items.len()),
            (false, 0) => "No provider matches. Try another name, or diagnose it below.".to_owned(),
            (false, 1) => "1 provider matches: press Enter to open it.".to_owned(),
            (false, n) => format!("{n} providers match"),
        };
        count.set_text_content(Some(&text));
    }
}
