//! About the project and where its facts come from.

use leptos::prelude::*;
use port25_core::{
    project::{CODE_LICENCE, DATA_LICENCE, REPOSITORY},
    site::{Page, Route},
};

use crate::data::DATA_VERSION;

/// The data sets offered for download, with what each holds.
const DATA_SETS: [(&str, &str); 5] = [
    ("providers", "hosting providers and ISPs"),
    ("relays", "relay services"),
    ("ports", "SMTP ports"),
    ("glossary", "glossary terms"),
    ("faq", "questions and answers"),
];

/// The about page.
#[component]
pub(crate) fn About() -> impl IntoView {
    let base = crate::base();
    let downloads = DATA_SETS
        .into_iter()
        .map(|(kind, what)| {
            view! {
                <li>
                    {what}": "
                    <a href=base.join(&format!("/data/{kind}.json"))>"JSON"</a>", "
                    <a href=base.join(&format!("/data/{kind}.csv"))>"CSV"</a>", "
                    <a href=base.join(&format!("/data/schema/{kind}.schema.json"))>"schema"</a>
                </li>
            }
        })
        .collect_view();
    view! {
        <h1>"About Port25"</h1>
        <p>
            "Port25 is a small, independent site for one problem: a server whose "
            "outbound mail does not leave because port 25 is blocked. It is a static "
            "site; the only part that talks to mail servers is a small probe service "
            "you can also run yourself."
        </p>
        <h2 id="probe">"The probe"</h2>
        <p>
            "The "<a href=crate::href(Route::Page(Page::Tester))>"tester"</a>" asks a probe service to connect to "
            "mail servers on ports 25, 465, 587 or 2525. It reads the greeting, sends EHLO, "
            "starts TLS, reads the certificate and says QUIT: it never sends MAIL, RCPT or DATA. "
            "It introduces itself in EHLO as "<code>"probe.port25.invalid"</code>" unless its "
            "operator sets "<code>"--ehlo-name"</code>"; every report names the EHLO name used, "
            "and "<code>"GET /api/v1/info"</code>" on the probe tells it, with its limits. "
            "It refuses private, loopback and other non-public addresses, limits each client "
            "to a few tests a minute, and reuses a result for a minute rather than connect again."
        </p>
        <h2>"Sources"</h2>
        <p>
            "Every fact about a provider links to the provider's own documentation "
            "where one exists, with the date it was last checked. Where secondary "
            "sources and official documents disagree, the site shows the official one."
        </p>
        <h2 id="data">"The data"</h2>
        <p>
            "Everything in the tables can be downloaded. Data version "<strong>{DATA_VERSION}</strong>
            "; what changed between versions is in the "<a href=base.join("/data/CHANGELOG.md")>"changelog"</a>"."
        </p>
        <ul class="downloads-list">
            {downloads}
            <li>
                "every citation, one row per claim with its quote and dates: "
                <a href=base.join("/data/claims.csv")>"CSV"</a>
            </li>
            <li>
                "the original article's claims and their verdicts: "
                <a href=base.join("/data/article.csv")>"CSV"</a>
            </li>
        </ul>
        <p>
            "JSON files follow their JSON Schema (linked from each file's "<code>"$schema"</code>"). "
            "CSV files are RFC 4180: UTF-8 with a byte order mark (so Excel and LibreOffice read "
            "accented names correctly), comma-separated, CRLF line ends, a header row, fields quoted when they "
            "hold commas, quotes or line breaks. A field with several values (sources, variants, "
            "hosts, ports) separates them with "<code>" | "</code>" (space, bar, space), and a source "
            "reads "<code>"kind: title <url>"</code>"."
        </p>
        <h2 id="licence">"Licence"</h2>
        <p>
            "The data (every download above, and the facts and prose on these pages) is licensed "
            <a href=DATA_LICENCE.url rel="license">{DATA_LICENCE.name}</a>": use it for anything, "
            "including commercially, and credit \"Port25\" with a link to "<a href=REPOSITORY>"the repository"</a>
            " or the page you took it from. Each JSON file says so in its "<code>"license"</code>" field and each CSV "
            "file in its last column, "<code>"license"</code>". The verbatim quotes from sources remain their "
            "publishers'. The code is under the "<a href=CODE_LICENCE.url rel="license">{CODE_LICENCE.name}</a>"."
        </p>
    }
}
