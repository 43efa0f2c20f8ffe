//! The generated files and commands, each in a block with its copy button
//! (and a download button for files), the notes, or the core's explanation
//! of why a combination is not offered.
//!
//! The output is written as one HTML string ([`html`], escaped here) set
//! with `inner_html`, and one delegated click handler serves every button:
//! a view tree per block cost the bundle several KiB of generic rendering
//! code. The buttons carry indexes, never the text: copy and download read
//! the current output from the memo.

use leptos::prelude::*;
use port25_core::relay_config::Output;

use super::browser;

/// The file name a download gets: the last part of the path.
pub(super) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// `text` escaped for HTML text and double-quoted attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// One block: the text, a copy button (`data-copy` = `key`) and, for
/// files, a download button (`data-download` = `download`'s index).
fn block(
    out: &mut String,
    what: &str,
    text: &str,
    key: &str,
    download: Option<(usize, &str)>,
    disabled: &str,
) {
    let what = escape(what);
    out.push_str(&format!(
        "<div class=\"generator-block\"><pre tabindex=\"0\" aria-label=\"{what}\"><code>{}</code></pre>\
         <p class=\"generator-actions\"><button type=\"button\" class=\"copy\" data-copy=\"{key}\" \
         aria-label=\"Copy {what}\"{disabled}>Copy</button>",
        escape(text)
    ));
    if let Some((i, name)) = download {
        out.push_str(&format!(
            "<button type=\"button\" data-download=\"{i}\"{disabled}>Download {}</button>",
            escape(name)
        ));
    }
    out.push_str("</p></div>");
}

/// The output section's HTML for `output` (buttons disabled until the page
/// is hydrated: they need its code).
pub(super) fn html(output: &Result<Output, String>, enabled: bool) -> String {
    let disabled = if enabled { "" } else { " disabled" };
    let out = match output {
        Err(reason) => {
            return format!(
                "<div class=\"generator-unsupported\" role=\"alert\"><p><strong>Not offered: </strong>{}.</p>\
                 <p>Change the options above; nothing is generated for this combination, so no \
                 configuration here can be wrong.</p></div>",
                escape(reason)
            )
        }
        Ok(out) => out,
    };
    let mut s = String::from("<h3>Files</h3>");
    for (i, f) in out.files.iter().enumerate() {
        let kind = if f.is_fragment {
            "settings to merge into it (the commands below do it)"
        } else if f.is_secret {
            "the whole file; it holds the password"
        } else {
            "the whole file"
        };
        s.push_str(&format!(
            "<h3><code>{}</code></h3><p class=\"hint\">Mode {}{}{}: {kind}.</p>",
            escape(&f.path),
            f.mode >> 6 & 7,
            f.mode >> 3 & 7,
            f.mode & 7
        ));
        let key = format!("f{i}");
        block(
            &mut s,
            &f.path,
            &f.contents,
            &key,
            Some((i, file_name(&f.path))),
            disabled,
        );
    }
    s.push_str("<h3>Commands, run as root</h3><ol class=\"generator-steps\">");
    for (i, c) in out.commands.iter().enumerate() {
        s.push_str(&format!("<li><p>{}</p>", escape(&c.description)));
        block(
            &mut s,
            &format!("step {}", i + 1),
            &c.shell,
            &format!("c{i}"),
            None,
            disabled,
        );
        s.push_str("</li>");
    }
    s.push_str("</ol>");
    if !out.notes.is_empty() {
        s.push_str("<h3>Notes</h3><ul class=\"generator-notes\">");
        for n in &out.notes {
            s.push_str(&format!("<li>{}</li>", escape(n)));
        }
        s.push_str("</ul>");
    }
    s
}

/// What a `data-copy` key names in `out`: a label and the text.
fn copy_target(out: &Output, key: &str) -> Option<(String, String)> {
    let (kind, index) = key.split_at(1);
    let i: usize = index.parse().ok()?;
    match kind {
        "f" => out
            .files
            .get(i)
            .map(|f| (f.path.clone(), f.contents.clone())),
        "c" => out
            .commands
            .get(i)
            .map(|c| (format!("step {}", i + 1), c.shell.clone())),
        _ => None,
    }
}

/// The output section.
#[component]
pub(super) fn OutputView(
    output: Memo<Result<Output, String>>,
    mounted: RwSignal<bool>,
    status: RwSignal<String>,
) -> impl IntoView {
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(button) = event_target::<leptos::web_sys::Element>(&ev)
            .closest("button")
            .ok()
            .flatten()
        else {
            return;
        };
        let Ok(out) = output.get_untracked() else {
            return;
        };
        if let Some((what, text)) = button
            .get_attribute("data-copy")
            .and_then(|key| copy_target(&out, &key))
        {
            browser::copy(text, move |ok| {
                status.try_set(if ok {
                    format!("Copied {what} to the clipboard.")
                } else {
                    format!("Could not copy {what}: select the text and copy it by hand.")
                });
            });
        } else if let Some(file) = button
            .get_attribute("data-download")
            .and_then(|i| out.files.get(i.parse::<usize>().ok()?))
        {
            let name = file_name(&file.path);
            if !browser::download(name, &file.contents) {
                status.set(format!("Could not save {name}: copy it instead."));
            }
        }
    };
    view! {
        <section class="generator-output" aria-labelledby="gen-output-heading">
            <h2 id="gen-output-heading">"Your configuration"</h2>
            <p class="generator-status" role="status" aria-live="polite">{move || status.get()}</p>
            <div on:click=on_click inner_html=move || {
                // Hydrating, the browser keeps the prerendered output as it
                // is, so it is not generated a second time for nothing; it is
                // rewritten once the page has started (the URL's options,
                // today's date, the absolute link). Saves start-up time.
                if cfg!(target_arch = "wasm32") && !mounted.get() {
                    return String::new();
                }
                output.with(|o| html(o, mounted.get()))
            }></div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_are_named_after_the_file() {
        assert_eq!(file_name("/etc/postfix/main.cf"), "main.cf");
        assert_eq!(file_name("/etc/postfix/sasl_passwd"), "sasl_passwd");
        assert_eq!(file_name("msmtprc"), "msmtprc");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;'"
        );
    }

    #[test]
    fn the_html_holds_every_block_and_escapes_it() {
        let out = super::super::output_for(&port25_core::relay_config::Options::default()).unwrap();
        let html = html(&Ok(out.clone()), true);
        assert_eq!(html.matches("data-download=").count(), out.files.len());
        assert_eq!(
            html.matches("class=\"copy\"").count(),
            out.files.len() + out.commands.len()
        );
        assert!(!html.contains(" disabled"));
        assert!(html.contains("&lt;&lt;"), "here-documents are escaped");
        assert!(super::html(&Ok(out.clone()), false).contains(" disabled>Copy"));
        assert_eq!(copy_target(&out, "f0").unwrap().1, out.files[0].contents);
        assert_eq!(copy_target(&out, "c1").unwrap().0, "step 2");
        assert_eq!(copy_target(&out, "x1"), None);
        assert_eq!(copy_target(&out, "f99"), None);
        let err = super::html(&Err("a <b> reason".to_owned()), true);
        assert!(err.contains("role=\"alert\"") && err.contains("a &lt;b&gt; reason"));
    }
}
