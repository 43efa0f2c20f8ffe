//! The commands to run on one's own server: every tool for Linux and macOS or
//! Windows, over IPv4 or IPv6, against several independent destinations, each
//! with how to read what it prints.
//!
//! All four sets are in the prerendered HTML; two radio groups pick the one
//! shown, with CSS alone (`:has(:checked)`), so the choice works without
//! JavaScript and needs no state. Nothing here changes after the build: the
//! section is server-rendered as the diagnosis island's children, which are
//! never hydrated, and none of it enters the wasm bundle. The copy buttons
//! work through the enhancement every page has (`port25_enhance`).

use leptos::prelude::*;
use port25_core::diagnose::{
    commands::{commands_for, how_to_read},
    Family, Os, Tool, DESTINATIONS,
};

use super::copy::CommandLine;

/// The commands section.
#[component]
pub(crate) fn Commands() -> impl IntoView {
    let sets = [Os::Unix, Os::Windows]
        .into_iter()
        .flat_map(|os| Family::ALL.into_iter().map(move |family| (os, family)))
        .map(|(os, family)| view! { <CommandSet os family /> })
        .collect_view();
    view! {
        <section class="diagnose-commands" aria-labelledby="diagnose-commands-heading">
            <h2 id="diagnose-commands-heading">"Commands to run on your server"</h2>
            <p>
                "Run them on the server that sends the mail, not on your laptop. Test at least "
                "two destinations, and IPv4 and IPv6 separately: one server refusing you is a "
                "different problem from your outbound port 25 being closed. None of them sends mail."
            </p>
            <div class="cmd-choices">
                <fieldset>
                    <legend>"Your server runs"</legend>
                    <label><input type="radio" name="cmd-os" id="cmd-os-unix" value="unix" checked=true />" Linux or macOS"</label>
                    <label><input type="radio" name="cmd-os" id="cmd-os-windows" value="windows" />" Windows (PowerShell)"</label>
                </fieldset>
                <fieldset>
                    <legend>"Test over"</legend>
                    <label><input type="radio" name="cmd-family" id="cmd-family-v4" value="v4" checked=true />" IPv4"</label>
                    <label><input type="radio" name="cmd-family" id="cmd-family-v6" value="v6" />" IPv6"</label>
                </fieldset>
            </div>
            {sets}
        </section>
    }
}

/// Every command for one system and family, grouped by tool.
#[component]
fn CommandSet(os: Os, family: Family) -> impl IntoView {
    let commands = commands_for(os, family);
    let (os_key, os_name) = match os {
        Os::Unix => ("unix", "Linux or macOS"),
        Os::Windows => ("windows", "Windows"),
    };
    let (family_key, family_name) = match family {
        Family::V4 => ("v4", "IPv4"),
        Family::V6 => ("v6", "IPv6"),
    };
    let tools = Tool::ALL
        .into_iter()
        .filter(|t| t.os() == os)
        .map(|tool| {
            let items = commands
                .iter()
                .filter(|c| c.tool == tool)
                .map(|c| {
                    let operator = DESTINATIONS
                        .iter()
                        .find(|d| d.host == c.host)
                        .map_or("", |d| d.operator);
                    let name = format!("Copy the {tool} command for {} over {family_name}", c.host);
                    view! {
                        <li>
                            <span class="cmd-dest">{format!("{operator} ({})", c.host)}</span>
                            <CommandLine line=c.line.clone() name />
                        </li>
                    }
                })
                .collect_view();
            view! {
                <h3>{tool.name()}</h3>
                <p class="cmd-how"><strong>"How to read it: "</strong>{how_to_read(tool)}</p>
                <ul class="cmd-list">{items}</ul>
            }
        })
        .collect_view();
    view! {
        <div class="cmd-set" data-os=os_key data-family=family_key>
            <p class="cmd-set-title">{format!("{os_name}, {family_name}")}</p>
            {tools}
        </div>
    }
}
