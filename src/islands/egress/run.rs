//! The browser side of an egress test: create it, then poll its arrivals
//! and mail reports until it expires.

use crate::islands::browser_json::{sleep, Parsed};
use gloo_net::http::Request;
use leptos::prelude::*;
use port25_core::probe_types::{
    egress::{Arrival, EgressCreated, EgressStatus, MailReport},
    read::ReadJson,
    sender::SenderReport,
    ApiError,
};

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
    senders: RwSignal<Vec<SenderReport>>,
    mail: RwSignal<Vec<MailReport>>,
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
                    if status.senders != senders.get_untracked() {
                        senders.set(status.senders);
                    }
                    // Reports are only ever added, so a new count is news
                    // (and no deep comparison is compiled in).
                    if status.mail.len() != mail.with_untracked(Vec::len) {
                        mail.set(status.mail);
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
