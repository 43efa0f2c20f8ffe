//! The header search's markup and index location, shared by the prerenderer
//! (which writes them) and the browser side (which drives them).
//!
//! The control is a WAI-ARIA combobox with a listbox of results (the APG's
//! "list autocomplete with automatic selection"). The index is built at build
//! time (`port25_core::search`, written by the prerenderer to [`INDEX_FILE`])
//! and fetched on the first focus or keystroke, never at start-up. `/`
//! focuses the box from anywhere but a text field, the arrow keys move
//! through the results, Enter or a click follows one (each result is a plain
//! link), Escape closes the list and a second Escape clears the box. Without
//! JavaScript the control stays `hidden`: everything it finds is reachable
//! from the navigation.

/// The index file, relative to the base path. Not under `data/`: those are
/// the stable, documented downloads; this format is internal to the site.
pub const INDEX_FILE: &str = "search-index.txt";

/// The id of the element holding the control (shown by the script).
pub const ROOT: &str = "search";
/// The id of the text field.
pub const INPUT: &str = "search-input";
/// The id of the results list.
pub const LISTBOX: &str = "search-results";
/// The id of the status line (result count, loading, failure).
pub const STATUS: &str = "search-status";

/// The control's markup, inside the `ROOT` element.
pub const MARKUP: &str = concat!(
    r#"<label for="search-input" class="visually-hidden">Search the site</label>"#,
    r#"<input id="search-input" type="text" role="combobox" autocomplete="off" spellcheck="false" "#,
    r#"placeholder="Search  /" aria-keyshortcuts="/" aria-autocomplete="list" "#,
    r#"aria-controls="search-results" aria-expanded="false" aria-describedby="search-status">"#,
    r#"<ul id="search-results" role="listbox" aria-label="Search results" hidden></ul>"#,
    r#"<p id="search-status" role="status" class="search-status visually-hidden"></p>"#,
);
