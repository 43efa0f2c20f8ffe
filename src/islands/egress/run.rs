//! The browser side of an egress test: create it, then poll its arrivals
//! until it expires.

use gloo_net::http::Request;
use leptos::prelude::*;
use port25_core::probe_types::{
    egress::{Arrival, EgressCreated, EgressStatus},
    read::{JsonValue, ReadJson},
    ApiError,
};
use wasm_bindgen::{JsCast, JsValue};

/// How often the arrivals are polled.
const POLL_MS: i32 = 1000;

/// The visitor's probe URL: the tester's saved setting, else the build's.
fn probe_url() -> String {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item("port25.probe-url").ok().flatten())
        .and_then(|saved| port25_core::tester::normalize_probe_url(&saved).ok())
        .unwrap_or_else(|| super::BUILD_PROBE_URL.to_owned())
}

/// Creates a test and polls it, updating the signals.
pub(super) fn start(
    test: RwSignal<Option<EgressCreated>>,
    arrivals: RwSignal<Vec<Arrival>>,
    error: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
) {
    busy.set(true);
    leptos::task::spawn_local(async move {
        let base = probe_url();
        let created = match Request::post(&format!("{base}/api/v1/egress")).send().await {
            Ok(r) if r.status() == 201 => read::<EgressCreated>(r.text().await.ok()).ok(),
            Ok(r) => {
                let status = r.status();
                let message = read::<ApiError>(r.text().await.ok())
                    .map(|e| e.message)
                    .unwrap_or_else(|_| format!("The probe answered HTTP {status}."));
                error.set(Some(message));
                busy.set(false);
                return;
            }
            Err(_) => {
                error.set(Some(format!("No probe answered at {base}.")));
                busy.set(false);
                return;
            }
        };
        busy.set(false);
        let Some(created) = created else {
            error.set(Some("The probe's answer was not understood.".to_owned()));
            return;
        };
        let token = created.token.clone();
        let poll = format!("{base}{}", created.poll_url);
        let mut left = i64::try_from(created.expires_in_s).unwrap_or(600) * 1000;
        test.set(Some(created));
        while left > 0 {
            // A newer test replaced this one: stop polling.
            if test.get_untracked().map(|t| t.token) != Some(token.clone()) {
                return;
            }
            if let Ok(r) = Request::get(&poll).send().await {
                if r.status() == 404 {
                    error.set(Some("The test expired; start a new one.".to_owned()));
                    return;
                }
                if let Ok(status) = read::<EgressStatus>(r.text().await.ok()) {
                    if status.arrivals != arrivals.get_untracked() {
                        arrivals.set(status.arrivals);
                    }
                }
            }
            sleep(POLL_MS).await;
            left -= i64::from(POLL_MS);
        }
    });
}

fn read<T: ReadJson>(text: Option<String>) -> Result<T, ()> {
    let value = Parsed(js_sys::JSON::parse(&text.ok_or(())?).map_err(drop)?);
    T::read(&value).map_err(drop)
}

/// A value `JSON.parse` returned.
struct Parsed(JsValue);

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
        let n = self.0.as_f64()?;
        (n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0).then_some(n as i64)
    }
    fn items(&self) -> Option<Vec<Self>> {
        let array = self.0.dyn_ref::<js_sys::Array>()?;
        Some(array.iter().map(Parsed).collect())
    }
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
