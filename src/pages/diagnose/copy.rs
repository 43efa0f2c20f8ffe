//! Copy buttons for commands, and the one live region that announces what
//! they did.
//!
//! Every command on the page is a `<code>` inside a `.cmd` block next to a
//! plain `<button class="copy">`; one delegated click handler on the page
//! copies the code beside whichever button was pressed. Much of the page is
//! build-time HTML that hydration leaves as it is (the commands, the whole
//! tree), so its buttons cannot carry handlers of their own. The clipboard is
//! written with `navigator.clipboard.writeText`; where it is missing (an
//! insecure context) or refuses, the button says so instead of pretending,
//! and the command stays selectable by hand.

use leptos::prelude::*;

/// The latest copy result, announced politely to screen readers.
#[derive(Clone, Copy)]
pub(super) struct Status(RwSignal<String>);

impl Status {
    /// A fresh, empty status.
    pub(super) fn new() -> Status {
        Status(RwSignal::new(String::new()))
    }
}

/// The live region announcing copy results (visually hidden).
#[component]
pub(super) fn CopyStatus(status: Status) -> impl IntoView {
    view! {
        <p class="diagnose-sr" role="status" aria-live="polite">{move || status.0.get()}</p>
    }
}

/// A command in a code block with its "Copy" button (build-time HTML only).
#[cfg(not(target_arch = "wasm32"))]
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

/// The page's delegated click handler: copies the command beside a pressed
/// copy button and reports the result on the button and in `status`.
#[cfg(target_arch = "wasm32")]
pub(super) fn on_click(status: Status) -> impl Fn(leptos::ev::MouseEvent) + 'static {
    use leptos::__reexports::wasm_bindgen_futures::JsFuture;
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::Element;
    use std::time::Duration;

    move |ev| {
        let button = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|el| el.closest("button.copy").ok().flatten());
        let Some(button) = button else { return };
        let text = button
            .closest(".cmd")
            .ok()
            .flatten()
            .and_then(|cmd| cmd.query_selector("code").ok().flatten())
            .and_then(|code| code.text_content())
            .unwrap_or_default();
        let report = move |ok: bool| {
            button.set_text_content(Some(if ok { "Copied" } else { "Copy failed" }));
            status.0.try_set(if ok {
                "Copied to the clipboard.".to_owned()
            } else {
                "Could not copy: select the command and copy it by hand.".to_owned()
            });
            set_timeout(
                move || button.set_text_content(Some("Copy")),
                Duration::from_secs(3),
            );
        };
        let clipboard = window().navigator().clipboard();
        // Missing outside secure contexts; calling into it would throw.
        if clipboard.is_undefined() || text.is_empty() {
            report(false);
            return;
        }
        let promise = clipboard.write_text(&text);
        leptos::task::spawn_local(async move {
            report(JsFuture::from(promise).await.is_ok());
        });
    }
}

/// The prerenderer never clicks.
#[cfg(not(target_arch = "wasm32"))]
pub(super) fn on_click(_: Status) -> impl Fn(leptos::ev::MouseEvent) + 'static {
    |_| {}
}
