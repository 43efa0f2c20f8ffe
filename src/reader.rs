//! The output reader on the diagnosis page: paste what a test printed, see
//! what it means and jump to the matching step of the diagnosis.
//!
//! The reading is [`port25_core::diagnose::read_paste`] (and its wording); this
//! module renders it, and in the browser binds it to the page. It is its own
//! small browser module (`src/bin/reader.rs`, no Leptos), which the diagnosis
//! page's loader fetches on the first focus or press inside the reader's
//! section ([`SECTION`]), not at start-up: most visitors never paste, and the
//! reader recognises dozens of programs and logs. The section itself is
//! server-rendered ([`Section`]); its jump links are plain links to
//! `/diagnose?p=...`, which the diagnosis island follows without a page load.
//! The pasted text never leaves the browser.

use port25_core::{
    diagnose::{path_to, Node, Paste, Reading, Tree},
    site::{Page, Route},
};

/// The id of the reader's section; the loader watches it.
pub const SECTION: &str = "diagnose-reader";
/// The id of the text area.
const INPUT: &str = "diagnose-output";
/// The id of the element the reading goes into.
const OUTPUT: &str = "diagnose-reading";

/// The reader's section, server-rendered (native only).
#[cfg(not(target_arch = "wasm32"))]
#[leptos::component]
pub(crate) fn Section() -> impl leptos::IntoView {
    use leptos::prelude::*;
    view! {
        <section class="diagnose-reader" id=SECTION aria-labelledby="diagnose-reader-heading">
            <h2 id="diagnose-reader-heading">"Read your output"</h2>
            <p>
                "Paste what one of the commands printed, or the lines your mail server logged. "
                "The text stays in your browser; nothing is sent anywhere."
            </p>
            <noscript>
                <p class="notice">"The reader runs in your browser and needs JavaScript. The whole tree below works without it."</p>
            </noscript>
            <label for=INPUT>"Output of the command"</label>
            <textarea id=INPUT rows="8" spellcheck="false" autocomplete="off"></textarea>
            <p><button type="button" id="diagnose-read">"Read output"</button></p>
            <div class="diagnose-reading" id=OUTPUT>
                <p class="reading-summary" role="status" aria-live="polite"></p>
            </div>
        </section>
    }
}

/// The reading of `paste` as HTML: the summary line (a polite live region),
/// then per test the program, the result, the lines it rests on, what it
/// means and a link to its step of `tree`, under `base`.
pub fn html(paste: &Paste, tree: &Tree, base: &str) -> String {
    let mut out = format!(
        "<p class=\"reading-summary\" role=\"status\" aria-live=\"polite\">{}</p>",
        escape(&paste.summary())
    );
    for (n, reading) in paste.cases.iter().enumerate() {
        if paste.is_several() {
            out.push_str(&format!(
                "<h3>Test {}: {}</h3>",
                n + 1,
                escape(&reading.target())
            ));
        }
        out.push_str(&case_html(reading, tree, base));
    }
    out
}

fn case_html(reading: &Reading, tree: &Tree, base: &str) -> String {
    let evidence = if reading.evidence.is_empty() {
        "<dd>No line of the output shows a result.</dd>".to_owned()
    } else {
        let lines: String = reading
            .evidence
            .iter()
            .map(|line| format!("<mark>{}</mark>\n", escape(line)))
            .collect();
        format!("<dd><pre class=\"evidence\"><code>{lines}</code></pre></dd>")
    };
    let jump = path_to(tree, reading.node)
        .zip(tree.node(reading.node))
        .map(|(path, node)| {
            let name = match node {
                Node::Question(q) => format!("the question \u{201c}{}\u{201d}", q.text),
                Node::Verdict(v) => format!("the verdict \u{201c}{}\u{201d}", v.title),
            };
            let mut href = format!("{base}{}", Route::Page(Page::Diagnose).path());
            let query = path.to_query();
            if !query.is_empty() {
                href = format!("{href}?{query}");
            }
            format!(
                "<p class=\"reading-jump\"><a href=\"{}\">Go to {} in the diagnosis</a></p>",
                escape(&href),
                escape(&name)
            )
        })
        .unwrap_or_default();
    format!(
        "<dl class=\"reading\"><dt>Tool</dt><dd>{}</dd><dt>Result</dt><dd><strong>{}</strong></dd>\
         <dt>Evidence</dt>{evidence}<dt>What it means</dt><dd>{}</dd></dl>{jump}",
        escape(reading.tool_name()),
        escape(&reading.result()),
        escape(&reading.advice),
    )
}

/// Escapes text for HTML content and double-quoted attributes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Binds the reader to the page: reads what is already pasted, then every
/// change of the text and every press of the button.
#[cfg(target_arch = "wasm32")]
pub fn start(base: &str) {
    use std::cell::RefCell;
    use wasm_bindgen::{closure::Closure, JsCast};

    thread_local! {
        static BASE: RefCell<String> = const { RefCell::new(String::new()) };
    }
    BASE.with(|b| base.clone_into(&mut b.borrow_mut()));
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let read = move || {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let text = document
            .get_element_by_id(INPUT)
            .and_then(|el| el.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
            .map(|area| area.value())
            .unwrap_or_default();
        let Some(output) = document.get_element_by_id(OUTPUT) else {
            return;
        };
        let html = if text.trim().is_empty() {
            "<p class=\"reading-summary\" role=\"status\" aria-live=\"polite\"></p>".to_owned()
        } else {
            let paste = port25_core::diagnose::read_paste(&text);
            BASE.with(|b| html(&paste, crate::data::diagnose_tree(), &b.borrow()))
        };
        output.set_inner_html(&html);
    };
    read();
    let handler = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
        let on_button = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| el.closest("#diagnose-read").ok().flatten().is_some());
        if ev.type_() == "input" || on_button {
            read();
        }
    });
    if let Some(section) = document.get_element_by_id(SECTION) {
        for kind in ["input", "click"] {
            let _ =
                section.add_event_listener_with_callback(kind, handler.as_ref().unchecked_ref());
        }
    }
    // The section lives as long as the page.
    handler.forget();
}

#[cfg(test)]
mod tests {
    use super::*;
    use port25_core::diagnose::read_paste;

    #[test]
    fn a_reading_names_the_program_shows_its_lines_and_links_its_step() {
        let paste = read_paste(
            "nc: connect to 127.0.0.1 port 25 (tcp) timed out: Operation now in progress",
        );
        let html = html(&paste, crate::data::diagnose_tree(), "/port25");
        assert!(
            html.contains("aria-live=\"polite\">nc (OpenBSD netcat) output: timed out"),
            "{html}"
        );
        assert!(html.contains("<mark>nc: connect to 127.0.0.1 port 25 (tcp) timed out"));
        assert!(html.contains("<p class=\"reading-jump\"><a href=\"/port25/diagnose?p="));
        assert!(!html.contains("<h3>"), "one test, no per-test headings");
    }

    #[test]
    fn unknown_text_is_an_honest_cant_tell_and_pasted_markup_stays_text() {
        let paste = read_paste("<script>alert(1)</script>");
        let html = html(&paste, crate::data::diagnose_tree(), "");
        assert!(
            html.contains("Tool not recognised: can&#39;t tell.")
                || html.contains("Tool not recognised: can't tell.")
        );
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("href=\"/diagnose"));
    }
}
