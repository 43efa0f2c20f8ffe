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
    if SORT.with(|sort| toggle_sort(&ev, sort)).is_some() {
        update();
    }
}

/// After a click on a column's sort button: sorts by that column, ascending
/// first, the other way on a second click. Returns the column, or `None`
/// when the click was not on a sort button.
pub(crate) fn toggle_sort(ev: &Event, sort: &Cell<(usize, bool)>) -> Option<usize> {
    let column = closest(ev, "button.sort")?
        .get_attribute("data-column")?
        .parse::<usize>()
        .ok()?;
    let (c, ascending) = sort.get();
    sort.set((column, if c == column { !ascending } else { true }));
    Some(column)
}

/// The `<tbody>` of the table inside `root` and its rows, in DOM order.
pub(crate) fn body_rows(root: &Element) -> Option<(Element, Vec<Element>)> {
    let body = root.query_selector("tbody").ok().flatten()?;
    let list = body.query_selector_all("tr").ok()?;
    let rows = (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .collect();
    Some((body, rows))
}

/// Shows the rows `shown` in that order and hides the others; marks the
/// sorted column's header with `aria-sort`.
pub(crate) fn show(
    root: &Element,
    body: &Element,
    rows: &[Element],
    shown: &[usize],
    sort: (usize, bool),
) {
    for row in rows {
        let _ = row.set_attribute("hidden", "");
    }
    for &i in shown {
        let _ = rows[i].remove_attribute("hidden");
        let _ = body.append_child(&rows[i]);
    }
    let (column, ascending) = sort;
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
    let sort = SORT.with(Cell::get);
    let Some(root) = element(PROVIDERS_TABLE) else {
        return;
    };
    let Some((body, rows)) = body_rows(&root) else {
        return;
    };
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
    let shown = arrange(&keys, &filter, sort.0, sort.1);
    show(&root, &body, &rows, &shown, sort);
    if let Some(count) = element(PROVIDERS_COUNT) {
        count.set_text_content(Some(&format!(
            "Showing {} of {} providers",
            shown.len(),
            rows.len()
        )));
    }
}
