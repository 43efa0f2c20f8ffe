//! The connectivity tester: asks a probe service (crates/probe) to check a
//! mail domain's MX hosts, or one host, and shows the progress as it comes,
//! then the report, verdict first.
//!
//! Browsers cannot speak SMTP, so the page only talks JSON to the probe:
//! `POST /api/v1/probes` starts a job and `GET` on its `poll_url` returns the
//! new progress events and, at the end, the report (see
//! `port25_core::probe_types`). Folding the events, the words for each
//! outcome and the verdict live in `port25_core::tester`.
//!
//! A finished result is shared by a link that carries the report itself
//! (`#r=...`, built in `port25_core::tester`); opening such a link shows
//! that report again without probing. The sections under the verdict card
//! are listed in `sections.rs`, so a new section is one file and one line.
//!
//! The probe's URL is a build setting (`PORT25_PROBE_URL`, default the local
//! probe `scripts/run.sh` starts) that the visitor can override; the override
//! is kept in localStorage. The page is prerendered with the form disabled
//! and the instructions for running a probe, and comes alive once hydrated.

use leptos::prelude::*;
use port25_core::{
    probe_types::{ApiError, Family, ProbeMode, ProbeReport, ProbeRequest, ALLOWED_PORTS},
    tester::{normalize_probe_url, Progress, DEFAULT_PROBE_URL},
};

mod checks;
mod report;
#[cfg(target_arch = "wasm32")]
mod run;
mod sections;

/// The probe URL this build talks to unless the visitor set another.
pub(crate) const BUILD_PROBE_URL: &str = match option_env!("PORT25_PROBE_URL") {
    Some(url) => url,
    None => DEFAULT_PROBE_URL,
};

/// The localStorage key of the visitor's probe URL.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
const PROBE_URL_KEY: &str = "port25.probe-url";

/// Where a test stands. Natively (the prerender) it is always `Idle`.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Nothing asked yet.
    Idle,
    /// A job runs; its progress so far.
    Running(Progress),
    /// A report to show: one just finished, or one a link carried.
    Done(Box<ProbeReport>, Source),
    /// No probe answered at this URL.
    Unreachable(String),
    /// The probe answered with an error, or the job failed.
    Failed(ApiError),
}

impl Phase {
    /// A failure the page itself words (no probe error to pass on).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn failed(message: &str) -> Self {
        Phase::Failed(ApiError {
            error: String::new(),
            message: message.to_owned(),
            dns: None,
        })
    }
}

/// Where a shown report comes from.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// This page's test just made it: the report's JSON as the probe sent
    /// it, for the share link.
    Fresh(String),
    /// A link carried it, made at this time (`2026-11-29 22:40 UTC`).
    Shared(String),
}

/// The tester island: the form, the progress and the report.
#[island]
pub fn Tester() -> impl IntoView {
    let mounted = RwSignal::new(false);
    let probe_url = RwSignal::new(BUILD_PROBE_URL.to_owned());
    let target = RwSignal::new(String::new());
    let mode = RwSignal::new(ProbeMode::Mx);
    let port = RwSignal::new(25u16);
    let phase = RwSignal::new(Phase::Idle);
    let form_error = RwSignal::new(None::<String>);

    Effect::new(move |_| {
        #[cfg(target_arch = "wasm32")]
        {
            if let Some(saved) = run::load_probe_url() {
                probe_url.set(saved);
            }
            run::open_shared(phase, target, mode, port);
        }
        mounted.set(true);
    });

    let running = move || matches!(phase.get(), Phase::Running(_));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = ProbeRequest {
            target: target.get_untracked().trim().to_owned(),
            port: port.get_untracked(),
            mode: mode.get_untracked(),
        };
        if let Err(err) = request.validate() {
            form_error.set(Some(format!("Check the form: {err}.")));
            return;
        }
        form_error.set(None);
        #[cfg(target_arch = "wasm32")]
        {
            run::forget_shared();
            run::start(probe_url.get_untracked(), request, phase);
        }
    };

    let mode_radio = move |value: ProbeMode, id: &'static str, label: &'static str| {
        view! {
            <label for=id>
                <input
                    type="radio"
                    id=id
                    name="mode"
                    prop:checked=move || mode.get() == value
                    on:change=move |_| mode.set(value)
                />
                " " {label}
            </label>
        }
    };
    let ports = ALLOWED_PORTS
        .iter()
        .map(|p| view! { <option value=p.to_string()>{p.to_string()}</option> })
        .collect_view();

    view! {
        <p class="lede">
            "Check a mail domain's MX hosts, or one mail server, from outside your network: "
            "the greeting, EHLO, STARTTLS and the certificate, for every IPv4 and IPv6 address. "
            "The test runs on a probe service, because browsers cannot speak SMTP. It never sends mail."
        </p>
        <form class="tester-form" on:submit=submit>
            <p>
                <label for="tester-target">"Mail domain or host"</label>
                <input
                    id="tester-target"
                    name="target"
                    type="text"
                    inputmode="url"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder="example.com"
                    required=true
                    prop:value=move || target.get()
                    on:input=move |ev| target.set(event_target_value(&ev))
                />
            </p>
            <fieldset class="tester-mode">
                <legend>"Test"</legend>
                {mode_radio(ProbeMode::Mx, "tester-mode-mx", "the domain's mail servers (MX)")}
                {mode_radio(ProbeMode::Host, "tester-mode-host", "this one host")}
            </fieldset>
            <p>
                <label for="tester-port">"Port"</label>
                <select
                    id="tester-port"
                    name="port"
                    prop:value=move || port.get().to_string()
                    on:change=move |ev| {
                        if let Ok(p) = event_target_value(&ev).parse() {
                            port.set(p);
                        }
                    }
                >
                    {ports}
                </select>
            </p>
            <p>
                <button type="submit" disabled=move || !mounted.get() || running()>
                    {move || if running() { "Testing…" } else { "Test" }}
                </button>
            </p>
            <p class="form-error" role="alert">{move || form_error.get()}</p>
        </form>
        <ProbeSettings probe_url />
        <section class="tester-result" aria-live="polite" aria-busy=move || running().to_string()>
            {move || report::view_phase(phase.get(), probe_url.get())}
        </section>
        <RunYourOwn />
    }
}

/// The probe URL setting.
#[component]
fn ProbeSettings(probe_url: RwSignal<String>) -> impl IntoView {
    let draft = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match normalize_probe_url(&draft.get_untracked()) {
            Ok(url) => {
                #[cfg(target_arch = "wasm32")]
                run::save_probe_url(Some(&url));
                message.set(Some(format!("Saved: tests now go to {url}.")));
                probe_url.set(url);
            }
            Err(err) => message.set(Some(format!("Not saved: {err}."))),
        }
    };
    let reset = move |_| {
        #[cfg(target_arch = "wasm32")]
        run::save_probe_url(None);
        probe_url.set(BUILD_PROBE_URL.to_owned());
        draft.set(String::new());
        message.set(Some(format!(
            "Back to this site's probe, {BUILD_PROBE_URL}."
        )));
    };
    view! {
        <details class="tester-settings">
            <summary>"Probe service: " {move || probe_url.get()}</summary>
            <form on:submit=save>
                <p>
                    <label for="tester-probe-url">"Use another probe (your own, say)"</label>
                    <input
                        id="tester-probe-url"
                        type="url"
                        autocomplete="off"
                        placeholder="https://probe.example.net"
                        prop:value=move || draft.get()
                        on:input=move |ev| draft.set(event_target_value(&ev))
                    />
                </p>
                <p>
                    <button type="submit">"Save"</button>
                    " "
                    <button type="button" on:click=reset>"Use this site's probe"</button>
                </p>
                <p role="status">{move || message.get()}</p>
                <p class="hint">
                    "The setting is kept in this browser only. The probe must allow this site's "
                    "origin (its --cors-origin setting)."
                </p>
            </form>
        </details>
    }
}

/// How to run a probe: shown without JavaScript, and pointed to when no
/// probe answers.
#[component]
fn RunYourOwn() -> impl IntoView {
    view! {
        <section class="tester-own" id="run-a-probe" aria-labelledby="run-a-probe-heading">
            <h2 id="run-a-probe-heading">"Run a probe yourself"</h2>
            <p>
                "The probe is a small Rust service in this site's repository. From a checkout, "
                "this starts the site and a probe on your machine:"
            </p>
            <pre><code>"bash scripts/run.sh"</code></pre>
            <p>"Or run only the probe, as a service or once from the command line:"</p>
            <pre><code>
                "cargo run --release -p port25-probe -- serve --listen 127.0.0.1:8025\n"
                "cargo run --release -p port25-probe -- check example.com\n"
                "cargo run --release -p port25-probe -- check --host mx.example.com --port 587"
            </code></pre>
            <p>
                "A probe on your own server tests from your server's network, which is what you "
                "want when the question is whether your provider blocks port 25."
            </p>
        </section>
    }
}

/// An address family in words.
pub(crate) fn family_label(family: Family) -> &'static str {
    match family {
        Family::Ipv4 => "IPv4",
        Family::Ipv6 => "IPv6",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use port25_core::site::{Page, Route};

    #[test]
    fn the_prerendered_page_has_a_disabled_form_and_the_way_to_run_a_probe() {
        let html = crate::prerender::test_page(Route::Page(Page::Tester));
        assert!(html.contains("id=\"tester-target\""));
        assert!(
            html.contains("<button type=\"submit\" disabled"),
            "the form waits for hydration"
        );
        assert!(html.contains("port25-probe -- serve"));
        assert!(html.contains(BUILD_PROBE_URL));
        for port in ALLOWED_PORTS {
            assert!(html.contains(&format!("<option value=\"{port}\"")));
        }
    }
}
