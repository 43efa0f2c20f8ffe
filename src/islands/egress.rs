//! The egress test: does the visitor's own server reach the internet on
//! ports 25, 465, 587 and 2525? The page asks the probe for a test
//! (`POST /api/v1/egress`), shows the commands that carry its token for the
//! visitor's system, and polls `GET /api/v1/egress/{token}` for the
//! connections the probe's egress listeners saw and the mail that arrived
//! at the test's address. The verdict, what a port that never arrived
//! means, the mail findings and the reading of a pasted greeting come from
//! `port25_core::egress`; this island only binds them to signals.

use leptos::prelude::*;
use port25_core::{
    egress::{
        findings, hop_line, mail_findings, mail_summary, read_paste, verdict, Badge, PasteReading,
        MAIL_ARRIVED,
    },
    probe_types::egress::{Arrival, EgressCreated, MailReport, OneLiner, Shell, Tool},
    probe_types::sender::SenderReport,
    sender::{resolver_note, sender_rows, sender_summary, summary_word},
    site::{Page, Route},
    tester::DEFAULT_PROBE_URL,
};

#[cfg(target_arch = "wasm32")]
mod run;

/// The probe URL this build talks to (the tester's build setting).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) const BUILD_PROBE_URL: &str = match option_env!("PORT25_PROBE_URL") {
    Some(url) => url,
    None => DEFAULT_PROBE_URL,
};

/// The program's name in a command list.
fn tool_label(tool: Tool) -> &'static str {
    match tool {
        Tool::Curl => "curl",
        Tool::Bash => "bash (nothing to install)",
        Tool::Nc => "nc (netcat)",
        Tool::Openssl => "openssl, with STARTTLS or TLS",
        Tool::Swaks => "swaks",
        Tool::Powershell => "PowerShell",
        Tool::Telnet => "telnet, typed by hand",
    }
}

/// The egress test island.
#[island]
pub fn Egress() -> impl IntoView {
    let mounted = RwSignal::new(false);
    let test = RwSignal::new(None::<EgressCreated>);
    let arrivals = RwSignal::new(Vec::<Arrival>::new());
    let senders = RwSignal::new(Vec::<SenderReport>::new());
    let mail = RwSignal::new(Vec::<MailReport>::new());
    let error = RwSignal::new(None::<String>);
    let ran = RwSignal::new(false);
    let shell = RwSignal::new(Shell::Unix);
    let paste = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));

    let start = move |_| {
        error.set(None);
        ran.set(false);
        arrivals.set(Vec::new());
        senders.set(Vec::new());
        mail.set(Vec::new());
        #[cfg(target_arch = "wasm32")]
        run::start(test, arrivals, senders, mail, error, busy);
    };

    let shell_radio = move |value: Shell, id: &'static str, label: &'static str| {
        view! {
            <label for=id>
                <input
                    type="radio"
                    id=id
                    name="egress-shell"
                    prop:checked=move || shell.get() == value
                    on:change=move |_| shell.set(value)
                />
                " " {label}
            </label>
        }
    };

    let commands = move || {
        let test = test.get()?;
        let chosen = shell.get();
        let blocks = test
            .ports
            .iter()
            .map(|port| {
                let lines: Vec<OneLiner> = test
                    .commands
                    .iter()
                    .filter(|c| c.port == port.port && c.shell == chosen)
                    .cloned()
                    .collect();
                let items = lines
                    .into_iter()
                    .map(|c| {
                        let name = format!("Copy the {} command for port {}", tool_label(c.tool), c.port);
                        let typed = (!c.typed.is_empty()).then(|| {
                            view! {
                                <p class="hint">"Then type, pressing Enter after each: "
                                    <code>{c.typed.join(" , ")}</code></p>
                            }
                        });
                        view! {
                            <li>
                                <p>{tool_label(c.tool)}</p>
                                <div class="cmd">
                                    <pre><code>{c.command.clone()}</code></pre>
                                    <button type="button" class="copy" aria-label=name>"Copy"</button>
                                </div>
                                {typed}
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <h3>{format!("Port {}", port.port)}</h3>
                    <ul class="egress-commands">{items}</ul>
                }
            })
            .collect_view();
        Some(view! {
            <section aria-labelledby="egress-run-heading">
                <h2 id="egress-run-heading">"Run one of these on your server"</h2>
                <p>
                    "Test code " <code>{test.greeting_code.clone()}</code>
                    ", token " <code class="egress-token">{test.token.clone()}</code>
                    {format!(", valid {} minutes. ", test.expires_in_s / 60)}
                    "One command per port is enough; each ends by itself within 15 seconds."
                </p>
                <fieldset class="egress-shell">
                    <legend>"Your server runs"</legend>
                    {shell_radio(Shell::Unix, "egress-shell-unix", "Linux, BSD or macOS")}
                    {shell_radio(Shell::Windows, "egress-shell-windows", "Windows")}
                </fieldset>
                {blocks}
            </section>
        })
    };

    let table = move || {
        let test = test.get()?;
        let found = findings(&test.ports, &arrivals.get());
        let cell = |yes: bool| {
            if yes {
                badge(Badge::Pass, "arrived")
            } else {
                badge(Badge::Unknown, "not yet")
            }
        };
        let rows = found
            .into_iter()
            .map(|f| {
                view! {
                    <tr>
                        <th scope="row">{f.port}</th>
                        <td>{cell(f.ipv4)}</td>
                        <td>{cell(f.ipv6)}</td>
                        <td>{f.tls.clone().unwrap_or_else(|| "none".to_owned())}</td>
                    </tr>
                }
            })
            .collect_view();
        let sources = {
            let mut seen: Vec<String> = arrivals
                .get()
                .iter()
                .map(|a| a.source.to_string())
                .collect();
            seen.sort();
            seen.dedup();
            seen
        };
        Some(view! {
            <section aria-labelledby="egress-arrivals-heading">
                <h2 id="egress-arrivals-heading">"Arrivals"</h2>
                <table class="egress-arrivals">
                    <thead><tr><th scope="col">"Port"</th><th scope="col">"IPv4"</th><th scope="col">"IPv6"</th><th scope="col">"TLS"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                {(!sources.is_empty()).then(|| view! {
                    <p>"Your server reached the probe from " {sources.join(", ")} "."</p>
                })}
            </section>
        })
    };

    let who = move || {
        test.get()?;
        let reports = senders.get();
        if reports.is_empty() {
            return None;
        }
        let blocks = reports
            .iter()
            .map(|report| {
                let rows = sender_rows(report)
                    .into_iter()
                    .map(|row| check_row(row.badge, row.word, row.title, row.finding, row.glossary))
                    .collect_view();
                view! {
                    <h3>{format!("From {}", report.source)}</h3>
                    <ul class="checks-list">{rows}</ul>
                    {resolver_note(report).map(|note| view! { <p class="hint">{note}</p> })}
                }
            })
            .collect_view();
        Some(view! {
            <section class="egress-senders" aria-labelledby="egress-senders-heading">
                <h2 id="egress-senders-heading">"Who is sending"</h2>
                <p>"Receivers judge a sender by its address: its reverse DNS, whether that name leads back to it, the name it announces, and the blocklists it is on."</p>
                {blocks}
            </section>
        })
    };

    let judged = move || {
        let test = test.get()?;
        let found = findings(&test.ports, &arrivals.get());
        let v = verdict(&found, ran.get());
        let meanings = v
            .meanings
            .iter()
            .map(|(port, meaning)| view! { <li><strong>{format!("Port {port}: ")}</strong>{*meaning}</li> })
            .collect_view();
        let generator = v.relay_port.map(|port| {
            let href = format!(
                "{}?v=1&port={port}",
                crate::href(Route::Page(Page::Generator))
            );
            view! {
                <li>
                    "Send through a relay on port " {port} ", which works from your server: "
                    <a href=href>"make the configuration"</a>"."
                </li>
            }
        });
        let blocked = !v.missing.is_empty() && (ran.get() || !v.reached.is_empty());
        Some(view! {
            <section class="egress-verdict" aria-labelledby="egress-verdict-heading">
                <h2 id="egress-verdict-heading">"Verdict"</h2>
                <p>
                    {badge(v.badge, match v.badge {
                        Badge::Pass => "open",
                        Badge::Warn => "partly blocked",
                        Badge::Fail => "blocked",
                        Badge::Unknown => "waiting",
                    })}
                    " " <span class="egress-headline">{v.headline.clone()}</span>
                </p>
                {(!meanings_empty(&v.meanings)).then(|| view! { <ul>{meanings}</ul> })}
                {move || {
                    let lines = senders
                        .get()
                        .iter()
                        .map(|report| {
                            let (mark, line) = sender_summary(report);
                            view! {
                                <li>
                                    {badge(mark, summary_word(mark))}
                                    " " {line}
                                </li>
                            }
                        })
                        .collect_view();
                    let checked = !senders.get().is_empty();
                    let mailed = mail.with(|reports| !reports.is_empty());
                    view! {
                        {checked.then(|| view! {
                            <p>"The sender findings (details under Who is sending):"</p>
                            <ul class="egress-sender-summary">{lines}</ul>
                        })}
                        {mailed.then(|| view! { <p>{MAIL_ARRIVED}</p> })}
                    }
                }}
                {blocked.then(|| view! {
                    <ul>
                        <li>
                            "Find out who blocks it and what to do: "
                            <a href=crate::href(Route::Page(Page::Diagnose))>"the diagnosis"</a>
                            ", and whether your provider unblocks it on request: "
                            <a href=crate::href(Route::Page(Page::Providers))>"providers"</a>"."
                        </li>
                        {generator}
                    </ul>
                })}
                <p>
                    <button type="button" on:click=move |_| ran.set(true) disabled=move || ran.get()>
                        "I ran the commands: judge now"
                    </button>
                </p>
            </section>
        })
    };

    let mail_path = move || {
        let address = test.with(|t| t.as_ref().and_then(|t| t.mail_address.clone()))?;
        // Read in place: the reports are never cloned.
        let reports = mail.with(|reports| {
            reports
                .iter()
                .map(|r| {
                    let items = mail_findings(r)
                        .into_iter()
                        .map(|f| {
                            let glossary = f.glossary();
                            check_row(f.badge, f.word, f.label, f.text, glossary)
                        })
                        .collect_view();
                    // One line per hop, in one block.
                    let hops = (!r.received.is_empty()).then(|| {
                        let lines = r.received.iter().map(hop_line).collect::<Vec<_>>().join("\n");
                        view! { <p>"Received chain, newest first:"</p><pre><code>{lines}</code></pre> }
                    });
                    view! {
                        <article class="egress-mail">
                            <h3>{format!("Mail from {} ({})", r.source, r.ehlo)}</h3>
                            <p>{mail_summary(r)}</p>
                            <ul class="checks-list">{items}</ul>
                            {hops}
                        </article>
                    }
                })
                .collect_view()
        });
        Some(view! {
            <section aria-labelledby="egress-mail-heading">
                <h2 id="egress-mail-heading">"Send a real mail"</h2>
                <p>"Send a mail from your server to this address, through its normal configuration; the probe reads it, checks SPF, DKIM and DMARC, and discards it."</p>
                <div class="cmd">
                    <pre><code>{address}</code></pre>
                    <button type="button" class="copy" aria-label="Copy the test's mail address">"Copy"</button>
                </div>
                <div aria-live="polite">{reports}</div>
            </section>
        })
    };

    let pasted = move || {
        let test = test.get()?;
        let text = paste.get();
        if text.trim().is_empty() {
            return None;
        }
        Some(match read_paste(&text, &test.greeting_code) {
            PasteReading::ProbeGreeting => view! {
                <p><span class="badge b-pass"><span class="badge-icon" aria-hidden="true">"✓"</span>"probe"</span>
                " The greeting is the probe's: the connection reached it."</p>
            }.into_any(),
            PasteReading::OtherGreeting(line) => view! {
                <p><span class="badge b-warn"><span class="badge-icon" aria-hidden="true">"!"</span>"intercepted"</span>
                " Something else answered: " <code>{line}</code>
                ". It lacks the test code " {test.greeting_code.clone()}
                ", so something between your server and the internet took the connection: an ISP's intercepting proxy or an antivirus program. Mail on this port does not reach other servers directly."</p>
            }.into_any(),
            PasteReading::NoGreeting => view! {
                <p><span class="badge b-info"><span class="badge-icon" aria-hidden="true">"i"</span>"no greeting"</span>
                " No SMTP greeting in that text: the connection timed out or was refused, which is what a block looks like."</p>
            }.into_any(),
        })
    };

    view! {
        <p class="lede">
            "Find out by measurement whether your server can reach the internet on ports 25, 465, "
            "587 and 2525: start a test, run one command on your server, and watch its connections "
            "arrive at the probe. The probe only notes the connection, and takes mail only for your "
            "test's own address, to check how your mail leaves."
        </p>
        <p>
            <button type="button" class="egress-start" on:click=start disabled=move || !mounted.get() || busy.get()>
                {move || if test.get().is_some() { "Start a new test" } else { "Start a test" }}
            </button>
        </p>
        <p class="form-error" role="alert">{move || error.get()}</p>
        {commands}
        <div aria-live="polite">{table}{judged}{who}</div>
        {mail_path}
        {move || test.get().map(|_| view! {
            <section aria-labelledby="egress-paste-heading">
                <h2 id="egress-paste-heading">"What did the command print?"</h2>
                <p>
                    <label for="egress-paste">"Paste its output to check who answered"</label>
                    <textarea id="egress-paste" rows="4" prop:value=move || paste.get()
                        on:input=move |ev| paste.set(event_target_value(&ev))></textarea>
                </p>
                <div aria-live="polite">{pasted}</div>
            </section>
        })}
        <p class="visually-hidden" id="copy-status" role="status" aria-live="polite"></p>
    }
}

/// A badge of the shared markup: its glyph (hidden from screen readers)
/// and its word, never colour alone.
/// One finding as a row: badge (glyph and word), what was checked, what
/// was found, and the glossary entry that explains it.
fn check_row(
    mark: Badge,
    word: &'static str,
    title: impl IntoView + 'static,
    finding: String,
    glossary: Option<(&'static str, &'static str)>,
) -> impl IntoView {
    let link = glossary.map(|(id, words)| {
        let href = format!("{}#{id}", crate::base().join("/glossary"));
        view! { " " <a href=href>{words}</a> }
    });
    view! {
        <li class="check">
            {badge(mark, word)} " " <strong>{title}</strong> ": " {finding} {link}
        </li>
    }
}

fn badge(mark: Badge, word: &'static str) -> impl IntoView {
    view! {
        <span class=mark.class()>
            <span class="badge-icon" aria-hidden="true">{mark.glyph()}</span>
            {word}
        </span>
    }
}

fn meanings_empty(meanings: &[(u16, &'static str)]) -> bool {
    meanings.is_empty()
}

#[cfg(test)]
mod tests {
    use port25_core::site::{Page, Route};

    #[test]
    fn the_prerendered_page_explains_the_test_without_javascript() {
        let html = crate::prerender::test_page(Route::Page(Page::Egress));
        assert!(html.contains("Start a test"));
        assert!(
            html.contains("<button type=\"button\" disabled class=\"egress-start\">"),
            "the button waits for hydration"
        );
        assert!(html.contains("curl -v --max-time 15 smtp://HOST:25/TOKEN"));
        assert!(html.contains("leptos-island"));
    }
}
