//! What the tools' browser bundles share to read the probe's answers: a
//! value the browser's `JSON.parse` returned, read through
//! `port25_core::probe_types::read::JsonValue` (no serde decoders in the
//! bundle), and a timer to wait between polls.

use port25_core::probe_types::read::JsonValue;
use wasm_bindgen::{JsCast, JsValue};

/// A value `JSON.parse` returned.
pub(crate) struct Parsed(pub(crate) JsValue);

impl JsonValue for Parsed {
    fn get(&self, name: &str) -> Option<Self> {
        if !self.0.is_object() {
            return None;
        }
        js_sys::Reflect::get(&self.0, &JsValue::from_str(name))
            .ok()
            .filter(|v| !v.is_undefined())
            .map(Parsed)
    }
    fn keys(&self) -> Vec<String> {
        match self.0.dyn_ref::<js_sys::Object>() {
            Some(object) => js_sys::Object::keys(object)
                .iter()
                .filter_map(|k| k.as_string())
                .collect(),
            None => Vec::new(),
        }
    }
    fn is_null(&self) -> bool {
        self.0.is_null()
    }
    fn as_string(&self) -> Option<String> {
        self.0.as_string()
    }
    fn as_bool(&self) -> Option<bool> {
        self.0.as_bool()
    }
    fn as_safe_integer(&self) -> Option<i64> {
        // Number.isSafeInteger, as serde-wasm-bindgen read integers.
        let n = self.0.as_f64()?;
        (n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0).then_some(n as i64)
    }
    fn items(&self) -> Option<Vec<Self>> {
        let array = self.0.dyn_ref::<js_sys::Array>()?;
        Some(array.iter().map(Parsed).collect())
    }
}

/// Waits `ms` milliseconds.
pub(crate) async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = leptos::prelude::window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
