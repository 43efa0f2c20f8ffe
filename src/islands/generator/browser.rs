//! What the page asks of the browser, with the prerenderer's stand-ins: the
//! date, the page's absolute URL, the clipboard and file downloads. Nothing
//! here stores or sends anything.

/// Today's date in UTC, `YYYY-MM-DD`.
#[cfg(not(target_arch = "wasm32"))]
pub(super) fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    super::iso_date(i64::try_from(secs / 86_400).unwrap_or(0))
}

/// The prerender has no origin: links stay root-relative.
#[cfg(not(target_arch = "wasm32"))]
pub(super) fn absolute(_path: &str) -> Option<String> {
    None
}

/// The prerender's page has no query string.
#[cfg(not(target_arch = "wasm32"))]
pub(super) fn search() -> String {
    String::new()
}

/// The prerenderer has no address bar.
#[cfg(not(target_arch = "wasm32"))]
pub(super) fn replace_url(_url: &str) {}

/// The prerenderer never copies.
#[cfg(not(target_arch = "wasm32"))]
pub(super) fn copy(_text: String, _on_done: impl FnOnce(bool) + 'static) {}

/// The prerenderer never downloads.
#[cfg(not(target_arch = "wasm32"))]
pub(super) fn download(_name: &str, _text: &str) -> bool {
    false
}

#[cfg(target_arch = "wasm32")]
mod web {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::{self, prelude::wasm_bindgen, JsCast, JsValue};
    use leptos::web_sys::{js_sys, Blob, BlobPropertyBag, HtmlAnchorElement, Url};

    #[wasm_bindgen]
    extern "C" {
        /// `Date.now()`: milliseconds since 1970 (UTC).
        #[wasm_bindgen(js_namespace = Date, js_name = now)]
        fn date_now() -> f64;
    }

    pub(in super::super) fn search() -> String {
        window().location().search().unwrap_or_default()
    }

    /// Replaces the address bar's URL without a history entry or a load.
    pub(in super::super) fn replace_url(url: &str) {
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(url));
        }
    }

    pub(in super::super) fn today() -> String {
        // Whole days fit an i64 with room to spare.
        #[allow(clippy::cast_possible_truncation)]
        let days = (date_now() / 86_400_000.0).floor() as i64;
        super::super::iso_date(days)
    }

    pub(in super::super) fn absolute(path: &str) -> Option<String> {
        let origin = window().location().origin().ok()?;
        Some(format!("{origin}{path}"))
    }

    pub(in super::super) fn copy(text: String, on_done: impl FnOnce(bool) + 'static) {
        use leptos::__reexports::wasm_bindgen_futures::JsFuture;
        let clipboard = window().navigator().clipboard();
        // Missing outside secure contexts; calling into it would throw.
        if clipboard.is_undefined() {
            on_done(false);
            return;
        }
        let promise = clipboard.write_text(&text);
        leptos::task::spawn_local(async move { on_done(JsFuture::from(promise).await.is_ok()) });
    }

    /// Saves `text` as a file named `name` through a Blob and an object URL
    /// (the text never becomes a URL of its own, so it is in no request or
    /// history entry).
    pub(in super::super) fn download(name: &str, text: &str) -> bool {
        let save = || -> Result<(), JsValue> {
            let parts = js_sys::Array::of1(&JsValue::from_str(text));
            let props = BlobPropertyBag::new();
            // Not text/plain: Chromium would add .txt to names without one (sasl_passwd).
            props.set_type("application/octet-stream");
            let blob = Blob::new_with_str_sequence_and_options(&parts, &props)?;
            let url = Url::create_object_url_with_blob(&blob)?;
            let a: HtmlAnchorElement = document().create_element("a")?.unchecked_into();
            a.set_href(&url);
            a.set_download(name);
            a.click();
            set_timeout(
                move || {
                    let _ = Url::revoke_object_url(&url);
                },
                std::time::Duration::from_secs(5),
            );
            Ok(())
        };
        save().is_ok()
    }
}

#[cfg(target_arch = "wasm32")]
pub(super) use web::{absolute, copy, download, replace_url, search, today};
