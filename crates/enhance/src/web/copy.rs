//! Copy buttons: every command is a `<code>` inside a `.cmd` block beside a
//! `<button class="copy">`, and one delegated click handler copies the code
//! beside whichever button was pressed (the buttons are prerendered HTML and
//! carry no handlers of their own), and stay hidden by the style sheet until
//! the page's script has run. The button says what happened, and so
//! does the page's `#copy-status` live region when there is one. Where the
//! clipboard is missing (an insecure context) or refuses, the button says so
//! instead of pretending, and the command stays selectable by hand.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, Event};

use super::{closest, document, element, later, listen, window};

/// The id of the page's polite live region announcing copy results.
const STATUS: &str = "copy-status";

pub(crate) fn install() {
    // The buttons show once the page's script has run (`data-hydrated`, see
    // the style sheet): copies inserted later work the same.
    listen(&document(), &["click"], on_click);
}

fn on_click(ev: Event) {
    let Some(button) = closest(&ev, ".cmd button.copy") else {
        return;
    };
    let text = button
        .closest(".cmd")
        .ok()
        .flatten()
        .and_then(|cmd| cmd.query_selector("code").ok().flatten())
        .and_then(|code| code.text_content())
        .unwrap_or_default();
    let clipboard = window().navigator().clipboard();
    // Missing outside secure contexts; calling into it would throw.
    if JsCast::unchecked_ref::<wasm_bindgen::JsValue>(&clipboard).is_undefined() || text.is_empty()
    {
        report(button, false);
        return;
    }
    let promise = clipboard.write_text(&text);
    wasm_bindgen_futures::spawn_local(async move {
        report(button, JsFuture::from(promise).await.is_ok());
    });
}

fn report(button: Element, ok: bool) {
    button.set_text_content(Some(if ok { "Copied" } else { "Copy failed" }));
    if let Some(status) = element(STATUS) {
        status.set_text_content(Some(if ok {
            "Copied to the clipboard."
        } else {
            "Could not copy: select the command and copy it by hand."
        }));
    }
    later(3000, move || button.set_text_content(Some("Copy")));
}
