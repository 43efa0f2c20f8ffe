//! The providers table: the column headers sort it and the filter form
//! narrows it. Each prerendered row carries its filter values and sort keys
//! in `data-` attributes; the handler asks `port25_core::kb::table::arrange`
//! for the order and moves the rows. The table is complete without this; the
//! form is `hidden` until this shows it.

use std::cell::Cell;

use port25_core::kb::table::{arrange, Filter, RowKeys};
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlInputElement, HtmlSelectElement};

use super::{closest, element};
use crate::{PROVIDERS_COUNT, PROVIDERS_FILTERS, PROVIDERS_TABLE};

thread_local! {
    /// The sort column and direction.
    static SORT: Cell<(usize, bool)> = const { Cell::new((0, true)) };
}

pub(crate) fn install() {
    let (Some(form), Some(table)) = (element(PROVIDERS_FILTERS), element(PROVIDERS_TABLE)) else {
        return;
    };
    let _ = form.remove_attribute("hidden");
    super::listen(&form, &["input", "change", "submit"], on_filter);
    super::listen(&table, &["click"], on_sort);
}

fn on_filter(ev: Event) {
    if ev.type_() == "submit" {
        ev.prevent_default();
    }
    update();
}

fn on_sort(ev: Event) {
    let Some(column) = closest(&ev, "button.sort")
        .and_then(|b| b.get_attribute("data-column"))
        .and_then(|c| c.parse::<usize>().ok())
    else {
        return;
    };
    SORT.with(|sort| {
        let (c, ascending) = sort.get();
        sort.set((column, if c == column { !ascending } else { true }));
    });
    update();
}

/// The value of the form control with `id`.
fn value(id: &str) -> String {
    let Some(el) = element(id) else {
        return String::new();
    };
    match el.dyn_into::<HtmlInputElement>() {
        Ok(input) => input.value(),
        Err(el) => el
            .dyn_into::<HtmlSelectElement>()
            .map(|s| s.value())
            .unwrap_or_default(),
    }
}

/// Applies the filter and sort to the table and updates the count.
fn update() {
    let filter = Filter {
        text: value("filter-text"),
        category: value("filter-category"),
        policy: value("filter-policy"),
        unblock: value("filter-unblock"),
    };
    let (column, ascending) = SORT.with(Cell::get);
    let Some(root) = element(PROVIDERS_TABLE) else {
        return;
    };
    let Some(body) = root.query_selector("tbody").ok().flatten() else {
        return;
    };
    let Ok(list) = body.query_selector_all("tr") else {
        return;
    };
    let rows: Vec<Element> = (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .collect();
    let attr = |el: &Element, name: &str| el.get_attribute(name).unwrap_or_default();
    let keys: Vec<RowKeys> = rows
        .iter()
        .map(|el| RowKeys {
            name: attr(el, "data-name"),
            category: attr(el, "data-category"),
            policy: attr(el, "data-policy"),
            unblock: attr(el, "data-unblock"),
            sort: attr(el, "data-sort"),
        })
        .collect();
    let shown = arrange(&keys, &filter, column, ascending);
    for row in &rows {
        let _ = row.set_attribute("hidden", "");
    }
    for &i in &shown {
        let _ = rows[i].remove_attribute("hidden");
        let _ = body.append_child(&rows[i]);
    }
    if let Ok(headers) = root.query_selector_all("thead th") {
        for i in 0..headers.length() {
            if let Some(th) = headers.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                let state = match (i as usize == column, ascending) {
                    (false, _) => "none",
                    (true, true) => "ascending",
                    (true, false) => "descending",
                };
                let _ = th.set_attribute("aria-sort", state);
            }
        }
    }
    if let Some(count) = element(PROVIDERS_COUNT) {
        count.set_text_content(Some(&format!(
            "Showing {} of {} providers",
            shown.len(),
            rows.len()
        )));
    }
}
