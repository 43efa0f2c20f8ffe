//! The relay configuration generator page: a form over
//! [`port25_core::relay_config::Options`] and the live output of
//! [`port25_core::relay_config::generate`], each file and command with a copy
//! button, each file with a download button.
//!
//! Every option but the credentials lives in the URL (the core's versioned
//! `to_query`/`from_query`), replaced in place as options change. The user
//! name and password live only in signals: never in the URL, in storage, in
//! a log or in a request. The page is prerendered with the default options;
//! the hydrating render shows the same defaults, and only once hydration is
//! over does it switch to the URL's options, today's date and the page's
//! absolute link (the output is rebuilt then, whatever it was before). Generation, validation and the
//! explanations of unsupported combinations are all the core's; this module
//! binds them to the form.

use std::sync::OnceLock;

use leptos::prelude::*;
use port25_core::{
    calendar::iso_date,
    kb::{Relay, TlsMode},
    relay_config::{
        generate, Catalog, Credentials, Mta, Options, RelayChoice, SenderRelay, Stamp, TlsPolicy,
    },
    site::{Page, Route},
};

use crate::data::DATA_VERSION;

mod browser;
mod output;

/// The relays from the knowledge base, built once from build-time code (no
/// JSON parser in the bundle).
fn relays() -> &'static [Relay] {
    static RELAYS: OnceLock<Vec<Relay>> = OnceLock::new();
    RELAYS.get_or_init(|| {
        use port25_core::kb::{Confidence, Credentials as Login, FreeTier, RelayHost, RelayPort};
        crate::data::GENERATOR_RELAYS
            .iter()
            .map(|r| Relay {
                id: r.id.to_owned(),
                name: r.name.to_owned(),
                hosts: r
                    .hosts
                    .iter()
                    .map(|(host, region)| RelayHost {
                        host: (*host).to_owned(),
                        region: (*region).to_owned(),
                        note: None,
                    })
                    .collect(),
                ports: r
                    .ports
                    .iter()
                    .map(|&(port, tls)| RelayPort {
                        port,
                        tls,
                        note: None,
                    })
                    .collect(),
                credentials: Login {
                    username: r.username,
                    literal: r.literal.map(str::to_owned),
                    // Not read by the generator; the relay pages show them.
                    username_help: String::new(),
                    password_help: String::new(),
                    per_region: r.per_region,
                },
                // Not read by the generator; the relay pages show them.
                free_tier: FreeTier {
                    description: String::new(),
                    as_of: None,
                    confidence: Confidence::Low,
                },
                sources: Vec::new(),
                last_verified: String::new(),
                confidence: Confidence::Low,
                notes: None,
            })
            .collect()
    })
}

/// What the generator reads: the relays and the data version.
fn catalog() -> Catalog<'static> {
    Catalog {
        relays: relays(),
        data_version: DATA_VERSION,
    }
}

/// The relay option value meaning "a host of my own".
const CUSTOM: &str = "custom";

/// The ports a custom relay may use, with their TLS modes (the core accepts
/// exactly these; a test checks it).
const CUSTOM_PORTS: [(u16, TlsMode); 4] = [
    (587, TlsMode::Starttls),
    (465, TlsMode::ImplicitTls),
    (2525, TlsMode::Starttls),
    (25, TlsMode::Starttls),
];

/// The ports `choice` offers, with their TLS modes, in the data's order.
fn ports_for(choice: &RelayChoice) -> Vec<(u16, TlsMode)> {
    match choice {
        RelayChoice::Custom { .. } => CUSTOM_PORTS.to_vec(),
        RelayChoice::Known { id, .. } => relays()
            .iter()
            .find(|r| &r.id == id)
            .map(|r| r.ports.iter().map(|p| (p.port, p.tls)).collect())
            .unwrap_or_default(),
    }
}

/// The relay `value` of the relay select (`custom` or an id) as a choice.
fn choice_for(value: &str) -> RelayChoice {
    if value == CUSTOM {
        RelayChoice::Custom {
            host: String::new(),
        }
    } else {
        RelayChoice::known(value)
    }
}

/// The select value for a choice.
fn choice_value(choice: &RelayChoice) -> &str {
    match choice {
        RelayChoice::Known { id, .. } => id,
        RelayChoice::Custom { .. } => CUSTOM,
    }
}

/// `port` if `choice` offers it, else 587 if offered, else its first port.
fn keep_port(choice: &RelayChoice, port: u16) -> u16 {
    let ports = ports_for(choice);
    let offered = |p: u16| ports.iter().any(|(n, _)| *n == p);
    if offered(port) {
        port
    } else if offered(587) {
        587
    } else {
        ports.first().map_or(587, |(n, _)| *n)
    }
}

/// How a TLS mode reads next to a port number.
fn tls_label(tls: TlsMode) -> &'static str {
    match tls {
        TlsMode::Starttls => "STARTTLS",
        TlsMode::ImplicitTls => "implicit TLS",
        TlsMode::Unspecified => "TLS mode not documented",
    }
}

/// What the form shows besides the secrets: the options (all in the URL)
/// and whether the user gives their own credentials.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Form {
    /// The options, with placeholder credentials (the real ones are added
    /// only when generating).
    options: Options,
    /// The user's own credentials (true) or placeholders (false).
    own: bool,
    /// The password field shows its text.
    show: bool,
}

/// A new, empty sender relay (Postfix `sender_dependent_relayhost_maps`).
fn new_sender_relay() -> SenderRelay {
    SenderRelay {
        domain: String::new(),
        relay: RelayChoice::known("sendgrid"),
        port: 587,
        credentials: Credentials::Placeholder,
    }
}

/// `Some(text)` unless it is blank.
fn non_blank(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// Applies a change of the control `name` (its `name` attribute) to `form`:
/// `value` is its new value, `checked` its state for checkboxes. Unknown
/// names and unreadable values change nothing. Secrets are not handled
/// here: they never enter `Form`.
fn apply(form: &mut Form, name: &str, value: &str, checked: bool) {
    let o = &mut form.options;
    match name {
        "mta" => o.mta = Mta::from_slug(value).unwrap_or(o.mta),
        "tls" => o.tls = TlsPolicy::from_slug(value).unwrap_or(o.tls),
        "credentials" => form.own = value == "own",
        "show" => form.show = checked,
        "relay" => {
            let choice = choice_for(value);
            o.port = keep_port(&choice, o.port);
            o.relay = choice;
        }
        "host" => {
            if let RelayChoice::Known { host, region, .. } = &mut o.relay {
                if !value.contains("<region>") {
                    *region = None;
                }
                *host = Some(value.to_owned());
            }
        }
        "region" => {
            if let RelayChoice::Known { region, .. } = &mut o.relay {
                *region = non_blank(value);
            }
        }
        "custom-host" => {
            o.relay = RelayChoice::Custom {
                host: value.trim().to_owned(),
            }
        }
        "port" => o.port = value.parse().unwrap_or(o.port),
        "rewrite" => o.rewrite_sender = non_blank(value),
        "sender-on" if checked && o.sender_relays.is_empty() => {
            o.sender_relays.push(new_sender_relay());
        }
        "sender-on" if !checked => o.sender_relays.clear(),
        "sender-domain" | "sender-relay" | "sender-port" => {
            if o.sender_relays.is_empty() {
                o.sender_relays.push(new_sender_relay());
            }
            let s = &mut o.sender_relays[0];
            match name {
                "sender-domain" => value.trim().clone_into(&mut s.domain),
                "sender-relay" => {
                    let choice = choice_for(value);
                    s.port = keep_port(&choice, s.port);
                    s.relay = choice;
                }
                _ => s.port = value.parse().unwrap_or(s.port),
            }
        }
        _ => {}
    }
}

/// The host the relay choice uses: the chosen one or the relay's first.
fn current_host(o: &Options) -> String {
    match &o.relay {
        RelayChoice::Known { host: Some(h), .. } => h.clone(),
        RelayChoice::Known { id, .. } => relays()
            .iter()
            .find(|r| &r.id == id)
            .and_then(|r| r.hosts.first())
            .map(|h| h.host.clone())
            .unwrap_or_default(),
        RelayChoice::Custom { host } => host.clone(),
    }
}

/// Is `value` the current choice of the control `name`?
fn is_chosen(form: &Form, name: &str, value: &str) -> bool {
    let o = &form.options;
    match name {
        "mta" => o.mta.slug() == value,
        "tls" => o.tls.slug() == value,
        "credentials" => form.own == (value == "own"),
        "relay" => choice_value(&o.relay) == value,
        "host" => current_host(o) == value,
        "sender-relay" => o
            .sender_relays
            .first()
            .is_some_and(|s| choice_value(&s.relay) == value),
        _ => false,
    }
}

/// The text of the text field `name`.
fn text_of(form: &Form, name: &str) -> String {
    let o = &form.options;
    match name {
        "region" => match &o.relay {
            RelayChoice::Known {
                region: Some(r), ..
            } => r.clone(),
            _ => String::new(),
        },
        "custom-host" => match &o.relay {
            RelayChoice::Custom { host } => host.clone(),
            RelayChoice::Known { .. } => String::new(),
        },
        "rewrite" => o.rewrite_sender.clone().unwrap_or_default(),
        "sender-domain" => o
            .sender_relays
            .first()
            .map(|s| s.domain.clone())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// A reactive "is chosen" for a radio or option (one closure type for all).
fn chosen(
    form: RwSignal<Form>,
    name: &'static str,
    value: &'static str,
) -> impl Fn() -> bool + Send + Sync + Copy + 'static {
    move || form.with(|f| is_chosen(f, name, value))
}

/// A reactive text field value (one closure type for all).
fn text(
    form: RwSignal<Form>,
    name: &'static str,
) -> impl Fn() -> String + Send + Sync + Copy + 'static {
    move || form.with(|f| text_of(f, name))
}

/// `true` (hidden) unless `shown` holds (one closure type for all).
fn unless(shown: Memo<bool>) -> impl Fn() -> bool + Send + Sync + Copy + 'static {
    move || !shown.get()
}

/// A labelled radio button.
fn radio(
    form: RwSignal<Form>,
    disabled: Signal<bool>,
    name: &'static str,
    value: &'static str,
    label: &'static str,
) -> impl IntoView {
    let id = format!("gen-{name}-{value}");
    let for_id = id.clone();
    view! {
        <label class="generator-radio" for=for_id>
            <input type="radio" id=id name=name value=value checked=chosen(form, name, value) disabled=disabled />
            {label}
        </label>
    }
}

/// A labelled text field.
fn text_field(
    form: RwSignal<Form>,
    disabled: Signal<bool>,
    name: &'static str,
    label: &'static str,
    placeholder: &'static str,
    hint: &'static str,
) -> impl IntoView {
    let id = format!("gen-{name}");
    let for_id = id.clone();
    let hint_id = format!("gen-{name}-hint");
    let described_by = hint_id.clone();
    view! {
        <p>
            <label for=for_id>{label}</label>
            <input id=id name=name type="text" autocomplete="off" spellcheck="false" placeholder=placeholder
                aria-describedby=described_by disabled=disabled prop:value=text(form, name) />
            <span class="hint" id=hint_id>{hint}</span>
        </p>
    }
}

/// The `<option>`s of the ports `choice` offers, `port` selected.
fn port_options(choice: &RelayChoice, port: u16) -> impl IntoView {
    ports_for(choice)
        .into_iter()
        .map(|(n, tls)| view! { <option value=n.to_string() selected=n == port>{format!("{n} ({})", tls_label(tls))}</option> })
        .collect_view()
}

/// The `<option>`s of the relays for the select `name`.
fn relay_options(form: RwSignal<Form>, name: &'static str) -> impl IntoView {
    relays()
        .iter()
        .map(|r| view! { <option value=r.id.as_str() selected=chosen(form, name, r.id.as_str())>{r.name.as_str()}</option> })
        .collect_view()
}

/// The generator island: the form and its output.
#[island]
pub fn Generator() -> impl IntoView {
    let page_path = crate::href(Route::Page(Page::Generator));
    let mounted = RwSignal::new(false);
    let disabled = Signal::derive(move || !mounted.get());
    let form = RwSignal::new(Form::default());
    // The one status line: copy results, unreadable links.
    let status = RwSignal::new(String::new());
    // The credentials live in these two signals only: never in `Form`, the
    // URL, storage or a log.
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // Today's date and a root-relative link until hydration is over, then
    // the absolute link. The output's HTML follows `mounted` too
    // (`output::OutputView`), so it is rewritten once hydration is over even
    // where nothing else changed (the prerender may be older than today).
    let date = RwSignal::new(browser::today());
    let page_url = RwSignal::new(page_path.clone());
    // One effect (effects run only in the browser, after hydration): the
    // first run switches to the URL's options, today's date and the absolute
    // link; every run keeps the URL in step with the options. `to_query`
    // never writes credentials, and they are not in `Form` anyway.
    Effect::new(move |first: Option<()>| {
        if first.is_none() {
            match Options::from_query(&browser::search()) {
                Ok(options) => form.update(|f| f.options = options),
                Err(e) => status.set(format!(
                    "This link's settings could not be read ({e}); showing the defaults."
                )),
            }
            date.set(browser::today());
            if let Some(url) = browser::absolute(&page_url.get_untracked()) {
                page_url.set(url);
            }
            mounted.set(true);
        }
        let query = form.with(|f| f.options.to_query());
        if browser::search().trim_start_matches('?') != query {
            browser::replace_url(&format!("{page_path}?{query}"));
        }
    });

    let output = Memo::new(move |_| {
        let mut options = form.with(|f| f.options.clone());
        if form.with(|f| f.own) {
            options.credentials = Credentials::Given {
                username: username.get(),
                password: password.get(),
            };
        }
        let stamp = Stamp::new(&date.get(), &page_url.get(), &options);
        generate(&catalog(), &options, &stamp).map_err(|e| e.to_string())
    });

    // One delegated handler for every control: `input` fires for text
    // fields, selects, radios and checkboxes alike.
    let on_input = move |ev: leptos::ev::Event| {
        let name = event_target::<leptos::web_sys::Element>(&ev)
            .get_attribute("name")
            .unwrap_or_default();
        let value = event_target_value(&ev);
        match name.as_str() {
            "username" => username.set(value),
            "password" => password.set(value),
            _ => form.update(|f| apply(f, &name, &value, event_target_checked(&ev))),
        }
    };

    // Memos, so that typing in a field does not rebuild the fields around
    // it; parts that come and go are hidden rather than rebuilt.
    let relay_row = Memo::new(move |_| {
        form.with(|f| match &f.options.relay {
            RelayChoice::Known { id, .. } => relays().iter().find(|r| &r.id == id),
            RelayChoice::Custom { .. } => None,
        })
    });
    let is_custom = Memo::new(move |_| relay_row.get().is_none());
    let many_hosts = Memo::new(move |_| relay_row.get().is_some_and(|r| r.hosts.len() > 1));
    let needs_region =
        Memo::new(move |_| form.with(|f| current_host(&f.options).contains("<region>")));
    let own = Memo::new(move |_| form.with(|f| f.own));
    let has_sender = Memo::new(move |_| form.with(|f| !f.options.sender_relays.is_empty()));
    let relay_about = move || {
        relay_row.get().map(|relay| {
            let href = crate::href(Route::Relay(&relay.id));
            view! {
                <p class="hint"><a href=href>{format!("{}: hosts, ports, credentials and sources", relay.name)}</a></p>
            }
        })
    };
    let host_options = move || {
        relay_row.get().map(|relay| {
            relay
                .hosts
                .iter()
                .map(|h| view! { <option value=h.host.as_str() selected=chosen(form, "host", h.host.as_str())>{format!("{} ({})", h.host, h.region)}</option> })
                .collect_view()
        })
    };
    let port_choice = Memo::new(move |_| form.with(|f| (f.options.relay.clone(), f.options.port)));
    let sender_choice = Memo::new(move |_| {
        form.with(|f| {
            f.options
                .sender_relays
                .first()
                .map_or((RelayChoice::known("sendgrid"), 587), |s| {
                    (s.relay.clone(), s.port)
                })
        })
    });
    let ports = move |choice: Memo<(RelayChoice, u16)>| {
        move || choice.with(|(relay, port)| port_options(relay, *port))
    };

    view! {
        <div class="generator">
            <p class="lede">
                "Port 25 closed? Send through a relay on a submission port instead. Choose the "
                "relay, the port and your mail program; the configuration and the exact commands "
                "appear below, checked against the real programs. A link to this page keeps every "
                "choice except your credentials."
            </p>
            <form class="generator-form" on:submit=|ev| ev.prevent_default() on:input=on_input>
                <fieldset>
                    <legend>"Mail program"</legend>
                    <p class="hint">"msmtp is for hosts that only send (cron, monitoring) and need no mail server."</p>
                    {Mta::ALL.map(|m| radio(form, disabled, "mta", m.slug(), m.name()))}
                </fieldset>
                <fieldset>
                    <legend>"Relay"</legend>
                    <p>
                        <label for="gen-relay">"Relay service"</label>
                        <select id="gen-relay" name="relay" disabled=disabled>
                            {relay_options(form, "relay")}
                            <option value=CUSTOM selected=chosen(form, "relay", CUSTOM)>"Another relay (custom host)"</option>
                        </select>
                    </p>
                    {relay_about}
                    <div hidden=unless(is_custom)>
                        {text_field(form, disabled, "custom-host", "Relay host name", "smtp.example.com", "Ports 587, 2525 and 25 use STARTTLS, 465 implicit TLS.")}
                    </div>
                    <p hidden=unless(many_hosts)>
                        <label for="gen-host">"Host"</label>
                        <select id="gen-host" name="host" disabled=disabled>{host_options}</select>
                    </p>
                    <div hidden=unless(needs_region)>
                        {text_field(form, disabled, "region", "Region", "eu-west-1", "The region your account sends from, such as us-east-1.")}
                    </div>
                    <p>
                        <label for="gen-port">"Port"</label>
                        <select id="gen-port" name="port" disabled=disabled>{ports(port_choice)}</select>
                    </p>
                </fieldset>
                <fieldset>
                    <legend>"TLS"</legend>
                    <p class="hint">"TLS is always required: credentials are never sent in clear text."</p>
                    {radio(form, disabled, "tls", "encrypt", "Require TLS (encrypt)")}
                    {radio(form, disabled, "tls", "verify", "Require TLS and verify the relay's certificate")}
                </fieldset>
                <fieldset>
                    <legend>"Credentials"</legend>
                    {radio(form, disabled, "credentials", "placeholder", "Placeholders I replace myself")}
                    {radio(form, disabled, "credentials", "own", "My own credentials")}
                    <div hidden=unless(own)>
                        <p class="generator-private">
                            "Your user name and password stay in this browser tab: they are not put in the "
                            "link, not stored and not sent anywhere. Reloading the page forgets them."
                        </p>
                        <p>
                            <label for="gen-username">"SMTP user name"</label>
                            <input id="gen-username" name="username" type="text" autocomplete="off" spellcheck="false"
                                aria-describedby="gen-username-hint" disabled=disabled />
                            <span class="hint" id="gen-username-hint">"Leave empty for the relay's convention (such as SendGrid's apikey)."</span>
                        </p>
                        <p>
                            <label for="gen-password">"SMTP password or API key"</label>
                            <input id="gen-password" name="password" autocomplete="off" spellcheck="false" disabled=disabled
                                type=move || if form.with(|f| f.show) { "text" } else { "password" } />
                        </p>
                        <p>
                            <label class="generator-radio" for="gen-show">
                                <input id="gen-show" name="show" type="checkbox" disabled=disabled />
                                "Show the password"
                            </label>
                        </p>
                    </div>
                </fieldset>
                <fieldset>
                    <legend>"Optional"</legend>
                    {text_field(form, disabled, "rewrite", "Rewrite every envelope sender to", "noreply@example.com", "Leave empty to keep each message's own sender.")}
                    <p>
                        <label class="generator-radio" for="gen-sender-on">
                            <input id="gen-sender-on" name="sender-on" type="checkbox" disabled=disabled
                                prop:checked=move || has_sender.get() />
                            "Send one sender domain through its own relay (Postfix only; placeholders for its credentials)"
                        </label>
                    </p>
                    <div hidden=unless(has_sender)>
                        {text_field(form, disabled, "sender-domain", "Sender domain", "shop.example.com", "Mail from this domain goes through the relay below.")}
                        <p>
                            <label for="gen-sender-relay">"Its relay"</label>
                            <select id="gen-sender-relay" name="sender-relay" disabled=disabled>{relay_options(form, "sender-relay")}</select>
                        </p>
                        <p>
                            <label for="gen-sender-port">"Its port"</label>
                            <select id="gen-sender-port" name="sender-port" disabled=disabled>{ports(sender_choice)}</select>
                        </p>
                    </div>
                </fieldset>
            </form>
            <output::OutputView output mounted status />
        </div>
    }
}

/// The output of the current options, for tests.
#[cfg(test)]
fn output_for(options: &Options) -> Result<port25_core::relay_config::Output, String> {
    let stamp = Stamp::new("2026-11-23", "https://example.org/generator", options);
    generate(&catalog(), options, &stamp).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_port_generates_for_postfix() {
        let mut custom = Options {
            relay: RelayChoice::Custom {
                host: "smtp.example.com".to_owned(),
            },
            ..Options::default()
        };
        for (port, _) in CUSTOM_PORTS {
            custom.port = port;
            assert!(output_for(&custom).is_ok(), "custom port {port}");
        }
        for relay in relays() {
            let region = relay.hosts[0]
                .host
                .contains("<region>")
                .then(|| "eu-west-1".to_owned());
            let mut o = Options {
                relay: RelayChoice::Known {
                    id: relay.id.clone(),
                    host: None,
                    region,
                },
                ..Options::default()
            };
            for (port, _) in ports_for(&o.relay) {
                o.port = port;
                let out = output_for(&o);
                assert!(out.is_ok(), "{} {port}: {out:?}", relay.id);
            }
        }
    }

    #[test]
    fn form_changes_apply_to_the_options() {
        let mut f = Form::default();
        apply(&mut f, "mta", "exim4", false);
        apply(&mut f, "relay", "tencent-cloud-ses", false);
        assert_eq!(f.options.mta, Mta::Exim4);
        assert_eq!(f.options.port, 465, "the only port Tencent offers");
        apply(&mut f, "relay", "amazon-ses", false);
        assert_eq!(f.options.port, 465, "SES offers 465 too");
        apply(&mut f, "region", " eu-west-1 ", false);
        assert!(is_chosen(&f, "relay", "amazon-ses"));
        assert_eq!(text_of(&f, "region"), "eu-west-1");
        apply(&mut f, "port", "not a port", false);
        assert_eq!(f.options.port, 465);
        apply(&mut f, "mta", "sendmail", false);
        assert_eq!(f.options.mta, Mta::Exim4, "unknown values change nothing");
        apply(&mut f, "tls", "verify", false);
        apply(&mut f, "credentials", "own", false);
        apply(&mut f, "rewrite", "  ", false);
        assert!(f.own && f.options.tls == TlsPolicy::Verify && f.options.rewrite_sender.is_none());
        apply(&mut f, "sender-domain", "shop.example.com", false);
        apply(&mut f, "sender-relay", "mailjet", false);
        assert_eq!(f.options.sender_relays.len(), 1);
        assert!(is_chosen(&f, "sender-relay", "mailjet"));
        apply(&mut f, "sender-on", "on", false);
        assert!(f.options.sender_relays.is_empty());
        apply(&mut f, "relay", CUSTOM, false);
        apply(&mut f, "custom-host", "smtp.example.net ", false);
        assert_eq!(text_of(&f, "custom-host"), "smtp.example.net");
        // What the form holds round-trips through the URL.
        let back = Options::from_query(&f.options.to_query()).unwrap();
        assert_eq!(back, f.options);
    }

    #[test]
    fn switching_relay_keeps_or_picks_a_port() {
        let custom = choice_for(CUSTOM);
        assert_eq!(keep_port(&custom, 465), 465);
        assert_eq!(keep_port(&custom, 2587), 587);
        let first = &relays()[0];
        let choice = choice_for(&first.id);
        let p = keep_port(&choice, 1);
        assert!(first.ports.iter().any(|x| x.port == p));
        assert_eq!(choice_value(&choice), first.id);
    }

    #[test]
    fn the_built_in_relays_are_the_knowledge_base_ones() {
        let kb = crate::content::kb();
        assert_eq!(kb.data_version, DATA_VERSION);
        assert_eq!(kb.relays.len(), relays().len());
        for (a, b) in kb.relays.iter().zip(relays()) {
            assert_eq!(
                (&a.id, &a.name, &a.hosts.len()),
                (&b.id, &b.name, &b.hosts.len())
            );
            let login = |r: &Relay| {
                (
                    r.credentials.username,
                    r.credentials.literal.clone(),
                    r.credentials.per_region,
                )
            };
            assert_eq!(login(a), login(b));
            let ports = |r: &Relay| r.ports.iter().map(|p| (p.port, p.tls)).collect::<Vec<_>>();
            assert_eq!(ports(a), ports(b));
            let hosts = |r: &Relay| r.hosts.iter().map(|h| h.host.clone()).collect::<Vec<_>>();
            assert_eq!(hosts(a), hosts(b));
        }
    }

    #[test]
    fn the_prerendered_page_holds_the_default_postfix_output() {
        let html = crate::prerender::test_page(Route::Page(Page::Generator));
        assert!(html.contains("smtp_tls_security_level = encrypt"), "{html}");
        assert!(html.contains("relayhost = [smtp.sendgrid.net]:587"));
        assert!(html.contains("# Reproduce or change it: /port25/generator?v=1&amp;mta=postfix"));
        assert!(
            html.contains("<label for=\"gen-password\"") || html.contains("name=\"credentials\"")
        );
    }
}
