//! A command in a code block with its "Copy" button (server-rendered). The
//! button works through the enhancement every page has (`port25_enhance`,
//! which copies the `<code>` beside a pressed `.cmd button.copy` and
//! announces the result in the page's `#copy-status`); the style sheet shows
//! it only once the page's script runs, so no button without JavaScript
//! pretends to work.

use leptos::prelude::*;

/// A command and its copy button.
#[component]
pub(super) fn CommandLine(
    /// The command, ready to paste.
    line: String,
    /// The copy button's accessible name, naming what it copies.
    name: String,
) -> impl IntoView {
    view! {
        <div class="cmd">
            <pre><code>{line}</code></pre>
            <button type="button" class="copy" aria-label=name>"Copy"</button>
        </div>
    }
}
