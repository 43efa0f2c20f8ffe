//! Port25's browser enhancements that need no Leptos: the header search, the
//! home page's provider picker, the providers and relays tables' sorting and
//! filtering, and the copy buttons beside commands.
//!
//! Every page is complete without them (prerendered HTML, plain links and
//! forms). They attach to that HTML by element ids and classes, with one
//! delegated handler each, and keep their logic in `port25_core` (ranking in
//! `search`, ordering in `kb::table`). Content pages load this crate alone
//! (the `site` binary, about 30 KiB gzip); the tool bundles link it and call
//! [`start`] beside their islands. Natively the crate holds only the markup
//! and names the prerenderer writes, so both sides share one definition.
//!
//! It is not a framework: no reactive state, no views, no router.

pub mod search;
#[cfg(target_arch = "wasm32")]
mod web;

/// The id of the providers table's filter form; the table enhancement shows
/// the form (it is `hidden` in the prerendered page, so a reader without
/// JavaScript never meets controls that do nothing).
pub const PROVIDERS_FILTERS: &str = "providers-filters";
/// The id of the element wrapping the providers table.
pub const PROVIDERS_TABLE: &str = "providers-table";
/// The id of the "Showing N of M providers" line.
pub const PROVIDERS_COUNT: &str = "providers-count";

/// The id of the relays table's filter form (`hidden` until the
/// enhancement shows it, like the providers').
pub const RELAYS_FILTERS: &str = "relays-filters";
/// The id of the element wrapping the relays table.
pub const RELAYS_TABLE: &str = "relays-table";
/// The id of the "Showing N of M relays" line.
pub const RELAYS_COUNT: &str = "relays-count";
/// The query parameter that preselects "works from provider X" on the
/// relays page: `/relays?from=hetzner-cloud`.
pub const RELAYS_FROM_PARAM: &str = "from";
/// The id of the home page's provider picker field (`hidden` in the
/// prerendered page, shown by the picker enhancement).
pub const PICKER_FIELD: &str = "provider-find";
/// The id of the picker's text input.
pub const PICKER_INPUT: &str = "provider-find-input";
/// The id of the list of provider links the picker narrows.
pub const PICKER_LIST: &str = "provider-list";
/// The id of the picker's "N providers" status line.
pub const PICKER_COUNT: &str = "provider-find-count";

/// Starts every enhancement the page has markup for, for a site served under
/// `base` (`""` or `/port25`). The search box is shown and `/` focuses it;
/// the search itself is a module of its own ([`start_search`], the `search`
/// binary) that the page fetches on the box's first focus or press.
#[cfg(target_arch = "wasm32")]
pub fn start(_base: &str) {
    web::search::install_shortcut();
    web::table::install();
    web::relays::install();
    web::picker::install();
    web::copy::install();
}

/// Starts what a tool page (diagnose, generator, tester, egress) has markup
/// for: the search shortcut and the copy buttons. Tool pages have no tables
/// or provider picker, so their bundles leave that code out (about 5 KiB
/// gzip each).
#[cfg(target_arch = "wasm32")]
pub fn start_tool_page(_base: &str) {
    web::search::install_shortcut();
    web::copy::install();
}

/// Starts the header search (the on-demand `search` module).
#[cfg(target_arch = "wasm32")]
pub fn start_search(base: &str) {
    web::search::install(base);
}
