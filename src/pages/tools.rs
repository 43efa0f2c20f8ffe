//! The tool pages: a heading, the tool's island, and around it whatever
//! never changes (the diagnosis commands and whole tree), server-rendered
//! only.

use leptos::prelude::*;
use port25_core::site::Page;

use crate::islands::{
    diagnose::{commands::Commands, whole_tree::WholeTree, Diagnose},
    generator::Generator,
    tester::Tester,
};

/// The diagnosis page.
#[component]
pub(crate) fn DiagnosePage() -> impl IntoView {
    view! {
        <h1>{Page::Diagnose.title()}</h1>
        <div class="diagnose">
            <p class="lede">
                "Answer one question at a time, from what your server sees to the likely cause "
                "and what to do about it. Not tested yet? The commands below do it, and the reader "
                "under them picks the answer from what they print."
            </p>
            <Diagnose>
                <Commands />
            </Diagnose>
            <crate::reader::Section />
            <WholeTree />
            <p class="diagnose-sr" id="copy-status" role="status" aria-live="polite"></p>
        </div>
    }
}

/// The relay configuration generator page.
#[component]
pub(crate) fn GeneratorPage() -> impl IntoView {
    view! {
        <h1>{Page::Generator.title()}</h1>
        // Outside the island: a notice that disappears once the page runs
        // would move everything under it.
        <noscript>
            <p class="notice">"The form needs JavaScript. Without it, this is the configuration for Postfix through SendGrid on port 587, with placeholders for the credentials."</p>
        </noscript>
        <Generator />
    }
}

/// The connectivity tester page.
#[component]
pub(crate) fn TesterPage() -> impl IntoView {
    view! {
        <h1>{Page::Tester.title()}</h1>
        <noscript>
            <p class="notice">
                "The tester needs JavaScript: your browser sends the test to a probe service and "
                "shows its progress. Without it, run the probe yourself, as shown under "
                <a href="#run-a-probe">"Run a probe yourself"</a>"."
            </p>
        </noscript>
        <Tester />
    }
}
