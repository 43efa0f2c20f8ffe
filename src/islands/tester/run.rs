//! The browser side of a test: start a job on the probe, poll it, and keep
//! the visitor's probe URL.

use gloo_net::http::{Request, Response};
use leptos::prelude::*;
use port25_core::{
    probe_types::{read::ReadJson, ApiError, JobCreated, JobState, JobStatus, ProbeRequest},
    tester::{normalize_probe_url, Progress},
};

use super::{Phase, PROBE_URL_KEY};
use crate::islands::browser_json::{sleep, Parsed};

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
        .body(to_json(request))
        .map(|r| r.send())
    {
        Ok(send) => send.await,
        Err(err) => return Phase::Failed(format!("The request could not be built: {err}")),
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
        Err(_) => return Phase::Failed("The probe's answer was not understood.".to_owned()),
    };
    let mut progress = Progress::default();
    let mut since = 0;
    let mut waited = 0;
    loop {
        let url = format!("{probe_url}/api/v1/probes/{}?since={since}", job.id);
        let status: JobStatus = match Request::get(&url).send().await {
            Ok(r) if r.ok() => match from_json(r).await {
                Ok(s) => s,
                Err(_) => {
                    return Phase::Failed("The probe's answer was not understood.".to_owned())
                }
            },
            Ok(r) => return Phase::Failed(api_error(r).await),
            Err(_) => return Phase::Unreachable("the connection failed while polling".to_owned()),
        };
        progress.apply(&status.progress);
        since = status.next_since;
        match status.state {
            JobState::Running => phase.set(Phase::Running(progress.clone())),
            JobState::Done => {
                return match status.report {
                    Some(report) => Phase::Done(progress, Box::new(report)),
                    None => Phase::Failed("The probe finished without a report.".to_owned()),
                }
            }
            JobState::Failed => {
                return Phase::Failed(status.error.map_or_else(
                    || {
                        progress
                            .failed
                            .unwrap_or_else(|| "The probe could not run.".to_owned())
                    },
                    |e| e.message,
                ))
            }
        }
        if waited >= POLL_LIMIT_MS {
            return Phase::Failed("The probe did not finish in three minutes.".to_owned());
        }
        sleep(POLL_MS).await;
        waited += POLL_MS;
    }
}

/// The probe's JSON error as a sentence, with the wait when rate limited.
async fn api_error(response: Response) -> String {
    let status = response.status();
    let retry = response.headers().get("retry-after");
    let message = match from_json::<ApiError>(response).await {
        Ok(e) => e.message,
        Err(_) => format!("The probe answered HTTP {status}."),
    };
    match (status, retry) {
        (429, Some(s)) => format!("{message} Try again in {s} s."),
        _ => message,
    }
}

/// Encodes a value as JSON with serde_json: for one small request, its
/// writer is lighter than serde-wasm-bindgen's and `JSON.stringify`.
fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// Decodes a JSON response with the browser's `JSON.parse` and
/// [`ReadJson`]: the bundle then needs neither a JSON parser nor serde's
/// derived decoders.
async fn from_json<T: ReadJson>(response: Response) -> Result<T, ()> {
    let text = response.text().await.map_err(drop)?;
    let value = Parsed(js_sys::JSON::parse(&text).map_err(drop)?);
    T::read(&value).map_err(drop)
}
