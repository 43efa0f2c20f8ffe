//! What a verdict tells the visitor to do: site links and commands, each
//! command with a copy button. Rendered into the whole tree at build time
//! only; the step above copies it from there (see `super::whole_tree`).
use leptos::prelude::*;
use port25_core::diagnose::Remedy;

use super::copy::CommandLine;

/// A verdict's remedies: links (with the base path) and commands.
#[component]
pub(super) fn Remedies(remedies: &'static [Remedy]) -> impl IntoView {
    let base = crate::base();
    let items = remedies
        .iter()
        .map(|r| match (&r.link, &r.command) {
            (Some(link), _) => view! {
                <li><a href=base.join(link)>{r.label.as_str()}</a></li>
            }
            .into_any(),
            (None, Some(command)) => view! {
                <li>
                    {r.label.as_str()} ":"
                    <CommandLine line=command.clone() name=format!("Copy the command: {}", r.label) />
                </li>
            }
            .into_any(),
            // validate() rules this out for the shipped tree.
            (None, None) => ().into_any(),
        })
        .collect_view();
    view! { <ul class="diagnose-remedies">{items}</ul> }
}
