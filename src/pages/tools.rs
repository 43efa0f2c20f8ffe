//! The tool pages: a heading, the tool's island, and around it whatever
//! never changes (the diagnosis commands and whole tree), server-rendered
//! only.

use leptos::prelude::*;
use port25_core::site::Page;

use crate::islands::{
    diagnose::{commands::Commands, whole_tree::WholeTree, Diagnose},
    egress::Egress,
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

/// The egress test page: the island, and without JavaScript the test
/// explained with generic commands.
#[component]
pub(crate) fn EgressPage() -> impl IntoView {
    view! {
        <h1>{Page::Egress.title()}</h1>
        <noscript>
            <p class="notice">
                "The live test needs JavaScript: the page asks a probe service for a test token "
                "and shows your server's connections as they arrive. Without it, the commands "
                "below show what the test does."
            </p>
        </noscript>
        <Egress />
        <section aria-labelledby="egress-how-heading">
            <h2 id="egress-how-heading">"How the test works"</h2>
            <p>
                "The probe listens on ports 25, 465, 587 and 2525 and answers like a mail server, "
                "with a greeting that carries its test code. Your server connects and gives the "
                "test's token as its EHLO name; the page sees that connection arrive, per port and "
                "address family. A port that never arrives is blocked on the way out, by your "
                "provider, your network or a firewall. With HOST the probe's egress name and TOKEN "
                "the test's token, the commands look like this:"
            </p>
            <pre><code>{port25_core::egress::generic_examples().join("\n")}</code></pre>
            <p>
                "If a command prints a greeting without the probe's test code, something between "
                "your server and the internet answered in its place: an intercepting proxy of your "
                "ISP, or an antivirus program."
            </p>
        </section>
    }
}
