//! The browser side of a test: start a job on the probe, poll it, keep the
//! visitor's probe URL, and make and open links to results.

use gloo_net::http::{Request, Response};
use leptos::prelude::*;
use port25_core::{
    probe_types::{
        read::{JsonValue, ReadJson},
        ApiError, JobCreated, JobState, JobStatus, ProbeMode, ProbeRequest,
    },
    tester::{
        normalize_probe_url, read_share_fragment, share_fragment, share_payload, Packing, Progress,
        SharedReport, SHARE_PREFIX,
    },
};

use super::{Phase, Source, PROBE_URL_KEY};
use crate::islands::browser_json::{sleep, Parsed};
use wasm_bindgen::JsValue;

/// How often a running job is polled.
const POLL_MS: i32 = 400;
/// How long the page keeps polling one job (the probe forgets jobs after
/// five minutes; one probe's deadline is far shorter).
const POLL_LIMIT_MS: i32 = 180_000;

/// The visitor's saved probe URL, if any and still valid.
pub(super) fn load_probe_url() -> Option<String> {
    let storage = window().local_storage().ok().flatten()?;
    let saved = storage.get_item(PROBE_URL_KEY).ok().flatten()?;
    normalize_probe_url(&saved).ok()
}

/// Saves (or, with `None`, forgets) the visitor's probe URL.
pub(super) fn save_probe_url(url: Option<&str>) {
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = match url {
            Some(url) => storage.set_item(PROBE_URL_KEY, url),
            None => storage.remove_item(PROBE_URL_KEY),
        };
    }
}

/// Starts a test and updates `phase` as it goes.
pub(super) fn start(probe_url: String, request: ProbeRequest, phase: RwSignal<Phase>) {
    phase.set(Phase::Running(Progress::default()));
    leptos::task::spawn_local(async move {
        phase.set(run(&probe_url, &request, phase).await);
    });
}

/// Runs one job to its end and returns the final phase.
async fn run(probe_url: &str, request: &ProbeRequest, phase: RwSignal<Phase>) -> Phase {
    let created = match Request::post(&format!("{probe_url}/api/v1/probes"))
        .header("content-type", "application/json")
        .body(request.to_json())
        .map(|r| r.send())
    {
        Ok(send) => send.await,
        Err(err) => return Phase::failed(&format!("The request could not be built: {err}")),
    };
    let response = match created {
        Ok(r) => r,
        Err(_) => return Phase::Unreachable("the connection failed".to_owned()),
    };
    if response.status() != 202 {
        return Phase::Failed(api_error(response).await);
    }
    let job: JobCreated = match from_json(response).await {
        Ok(job) => job,
        Err(_) => return Phase::failed(NOT_UNDERSTOOD),
    };
    let mut progress = Progress::default();
    let mut since = 0;
    let mut waited = 0;
    loop {
        let url = format!("{probe_url}/api/v1/probes/{}?since={since}", job.id);
        let (status, value) = match Request::get(&url).send().await {
            Ok(r) if r.ok() => match parse(r).await.and_then(|v| {
                let status = JobStatus::read(&v).map_err(drop)?;
                Ok((status, v))
            }) {
                Ok(read) => read,
                Err(_) => return Phase::failed(NOT_UNDERSTOOD),
            },
            Ok(r) => return Phase::Failed(api_error(r).await),
            Err(_) => return Phase::Unreachable("the connection failed while polling".to_owned()),
        };
        progress.apply(&status.progress);
        since = status.next_since;
        match status.state {
            JobState::Running => phase.set(Phase::Running(progress.clone())),
            JobState::Done => {
                // The report's JSON exactly as the probe sent it, for the
                // share link: re-encoding it would bring serde's encoders
                // for every report type into the bundle.
                let json = value
                    .get("report")
                    .and_then(|r| js_sys::JSON::stringify(&r.0).ok())
                    .and_then(|s| s.as_string());
                return match (status.report, json) {
                    (Some(report), Some(json)) => {
                        Phase::Done(Box::new(report), Source::Fresh(json))
                    }
                    _ => Phase::failed("The probe finished without a report."),
                };
            }
            JobState::Failed => {
                return match status.error {
                    Some(error) => Phase::Failed(error),
                    None => Phase::failed(
                        &progress
                            .failed
                            .unwrap_or_else(|| "The probe could not run.".to_owned()),
                    ),
                }
            }
        }
        if waited >= POLL_LIMIT_MS {
            return Phase::failed("The probe did not finish in three minutes.");
        }
        sleep(POLL_MS).await;
        waited += POLL_MS;
    }
}

/// What the probe's page cannot understand.
const NOT_UNDERSTOOD: &str = "The probe's answer was not understood.";

/// The probe's JSON error, with the wait added when rate limited.
async fn api_error(response: Response) -> ApiError {
    let status = response.status();
    let retry = response.headers().get("retry-after");
    let mut error = from_json::<ApiError>(response)
        .await
        .unwrap_or_else(|_| ApiError {
            error: String::new(),
            message: format!("The probe answered HTTP {status}."),
            dns: None,
        });
    if let (429, Some(s)) = (status, retry) {
        error.message = format!("{} Try again in {s} s.", error.message);
    }
    error
}

/// Decodes a JSON response with the browser's `JSON.parse` and
/// [`ReadJson`]: the bundle then needs neither a JSON parser nor serde's
/// derived decoders.
async fn from_json<T: ReadJson>(response: Response) -> Result<T, ()> {
    T::read(&parse(response).await?).map_err(drop)
}

/// Parses a response's body with the browser's `JSON.parse`.
async fn parse(response: Response) -> Result<Parsed, ()> {
    let text = response.text().await.map_err(drop)?;
    Ok(Parsed(js_sys::JSON::parse(&text).map_err(drop)?))
}

/// Fills `link` with the link to a result: for a fresh one, made here and
/// put in the address bar too (so reloading shows it again); for a shared
/// one, the link it came from.
pub(super) fn share_link(source: Source, link: RwSignal<Option<String>>) {
    let location = window().location();
    let page = format!(
        "{}{}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default()
    );
    match source {
        Source::Shared(_) => link.set(location.href().ok()),
        Source::Fresh(json) => leptos::task::spawn_local(async move {
            let made_at = js_sys::Date::new_0()
                .to_iso_string()
                .as_string()
                .unwrap_or_default();
            let payload = share_payload(&made_at, &json);
            let fragment = match transform(payload.as_bytes(), true).await {
                Some(deflated) => share_fragment(Packing::Deflate, &deflated),
                None => share_fragment(Packing::Plain, payload.as_bytes()),
            };
            if let Ok(history) = window().history() {
                let _ = history.replace_state_with_url(
                    &JsValue::NULL,
                    "",
                    Some(&format!("#{fragment}")),
                );
            }
            link.set(Some(format!("{page}#{fragment}")));
        }),
    }
}

/// Shows the result a link carries, if the page was opened with one, and
/// fills the form with its target so Test runs it again.
pub(super) fn open_shared(
    phase: RwSignal<Phase>,
    target: RwSignal<String>,
    mode: RwSignal<ProbeMode>,
    port: RwSignal<u16>,
) {
    let hash = window().location().hash().unwrap_or_default();
    if !hash.starts_with(&format!("#{SHARE_PREFIX}")) {
        return;
    }
    let read = read_share_fragment(&hash);
    leptos::task::spawn_local(async move {
        let json = match read {
            Some((Packing::Plain, bytes)) => Some(bytes),
            Some((Packing::Deflate, bytes)) => transform(&bytes, false).await,
            None => None,
        };
        let shared = json
            .and_then(|json| String::from_utf8(json).ok())
            .and_then(|text| js_sys::JSON::parse(&text).ok())
            .and_then(|value| SharedReport::read(&Parsed(value)).ok());
        match shared {
            Some(SharedReport { made_at, report }) => {
                target.set(report.target.clone());
                mode.set(report.mode);
                port.set(report.port);
                phase.set(Phase::Done(Box::new(report), Source::Shared(made_at)));
            }
            None => phase.set(Phase::failed(
                "This link's result could not be read: it may have been cut short when it was \
                 copied.",
            )),
        }
    });
}

/// Takes a shared result's fragment out of the address bar when a new test
/// starts, so the bar never shows an old result's link.
pub(super) fn forget_shared() {
    let location = window().location();
    if read_share_fragment(&location.hash().unwrap_or_default()).is_some() {
        if let (Ok(history), Ok(path)) = (window().history(), location.pathname()) {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&path));
        }
    }
}

/// Copies `url` to the clipboard and says so.
pub(super) fn copy(url: String, copied: RwSignal<Option<&'static str>>) {
    let clipboard = window().navigator().clipboard();
    leptos::task::spawn_local(async move {
        let done = wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&url)).await;
        copied.set(Some(if done.is_ok() {
            "Copied."
        } else {
            "Copying failed: select the link and copy it."
        }));
    });
}

// The browser's compression streams, bound here: web-sys has them only
// behind `--cfg web_sys_unstable_apis`, a flag that would rebuild every
// crate of every bundle.
#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `CompressionStream`.
    type CompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &CompressionStream) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &CompressionStream) -> web_sys::WritableStream;

    /// `DecompressionStream`.
    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &DecompressionStream) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &DecompressionStream) -> web_sys::WritableStream;
}

/// Deflates (`compress`) or inflates bytes with the browser's own raw
/// deflate (`CompressionStream`), so the bundle carries no compressor.
/// `None` where the browser has none, or on corrupt input.
async fn transform(bytes: &[u8], compress: bool) -> Option<Vec<u8>> {
    use web_sys::{Blob, ReadableWritablePair};
    const FORMAT: &str = "deflate-raw";
    let pair = if compress {
        let stream = CompressionStream::new(FORMAT).ok()?;
        ReadableWritablePair::new(&stream.readable(), &stream.writable())
    } else {
        let stream = DecompressionStream::new(FORMAT).ok()?;
        ReadableWritablePair::new(&stream.readable(), &stream.writable())
    };
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let input = Blob::new_with_u8_array_sequence(&parts).ok()?.stream();
    let output =
        web_sys::Response::new_with_opt_readable_stream(Some(&input.pipe_through(&pair))).ok()?;
    let buffer = wasm_bindgen_futures::JsFuture::from(output.array_buffer().ok()?)
        .await
        .ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}
