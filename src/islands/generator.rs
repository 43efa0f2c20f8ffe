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
//! absolute link (the output is rebuilt then, whatever it was before).
//!
//! The form's state and every change to it are the core's
//! ([`port25_core::relay_config::Form`], one [`Control`] per control), as
//! are generation, validation and the explanations of unsupported
//! combinations; this module renders the form and binds them to it.

use std::sync::OnceLock;

use leptos::prelude::*;
use port25_core::{
    calendar::iso_date,
    kb::Relay,
    relay_config::{
        generate, Catalog, Control, Form, Mta, OfferedPort, Options, Stamp, TlsPolicy,
        CUSTOM_RELAY, OWN_CREDENTIALS, PLACEHOLDER_CREDENTIALS,
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
        crate::data::GENERATOR_RELAYS
            .iter()
            .map(|r| {
                Relay::for_generator(
                    r.id,
                    r.name,
                    r.hosts,
                    r.ports,
                    r.username,
                    r.literal,
                    r.per_region,
                )
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

/// A reactive "is chosen" for a radio or option (one closure type for all).
fn chosen(
    form: RwSignal<Form>,
    control: Control,
    value: &'static str,
) -> impl Fn() -> bool + Send + Sync + Copy + 'static {
    move || form.with(|f| f.is_chosen(relays(), control, value))
}

/// A reactive text field value (one closure type for all).
fn text(
    form: RwSignal<Form>,
    control: Control,
) -> impl Fn() -> String + Send + Sync + Copy + 'static {
    move || form.with(|f| f.text(control))
}

/// `true` (hidden) unless `shown` holds (one closure type for all).
fn unless(shown: Memo<bool>) -> impl Fn() -> bool + Send + Sync + Copy + 'static {
    move || !shown.get()
}

/// A labelled radio button.
fn radio(
    form: RwSignal<Form>,
    disabled: Signal<bool>,
    control: Control,
    value: &'static str,
    label: &'static str,
) -> impl IntoView {
    let name = control.name();
    let id = format!("gen-{name}-{value}");
    let for_id = id.clone();
    view! {
        <label class="generator-radio" for=for_id>
            <input type="radio" id=id name=name value=value checked=chosen(form, control, value) disabled=disabled />
            {label}
        </label>
    }
}

/// A labelled text field.
fn text_field(
    form: RwSignal<Form>,
    disabled: Signal<bool>,
    control: Control,
    label: &'static str,
    placeholder: &'static str,
    hint: &'static str,
) -> impl IntoView {
    let name = control.name();
    let id = format!("gen-{name}");
    let for_id = id.clone();
    let hint_id = format!("gen-{name}-hint");
    let described_by = hint_id.clone();
    view! {
        <p>
            <label for=for_id>{label}</label>
            <input id=id name=name type="text" autocomplete="off" spellcheck="false" placeholder=placeholder
                aria-describedby=described_by disabled=disabled prop:value=text(form, control) />
            <span class="hint" id=hint_id>{hint}</span>
        </p>
    }
}

/// The `<option>`s of `ports`, `port` selected.
fn port_options(ports: &[OfferedPort], port: u16) -> impl IntoView {
    ports
        .iter()
        .map(|p| view! { <option value=p.port.to_string() selected=p.port == port>{p.label()}</option> })
        .collect_view()
}

/// The `<option>`s of the relays for the select `control`.
fn relay_options(form: RwSignal<Form>, control: Control) -> impl IntoView {
    relays()
        .iter()
        .map(|r| view! { <option value=r.id.as_str() selected=chosen(form, control, r.id.as_str())>{r.name.as_str()}</option> })
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
        let options = form.with(|f| f.options_with(&username.get(), &password.get()));
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
        match Control::from_name(&name) {
            Some(Control::Username) => username.set(value),
            Some(Control::Password) => password.set(value),
            Some(control) => {
                form.update(|f| f.apply(relays(), control, &value, event_target_checked(&ev)));
            }
            None => {}
        }
    };

    // Memos, so that typing in a field does not rebuild the fields around
    // it; parts that come and go are hidden rather than rebuilt.
    let relay_row = Memo::new(move |_| form.with(|f| f.relay(relays())));
    let is_custom = Memo::new(move |_| relay_row.get().is_none());
    let many_hosts = Memo::new(move |_| relay_row.get().is_some_and(|r| r.hosts.len() > 1));
    let needs_region = Memo::new(move |_| form.with(|f| f.needs_region(relays())));
    let own = Memo::new(move |_| form.with(|f| f.own_credentials));
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
                .map(|h| view! { <option value=h.host.as_str() selected=chosen(form, Control::Host, h.host.as_str())>{format!("{} ({})", h.host, h.region)}</option> })
                .collect_view()
        })
    };
    let ports = move |control: Control| {
        let choice =
            Memo::new(move |_| form.with(|f| f.port_choice(relays(), control).unwrap_or_default()));
        move || choice.with(|(ports, port)| port_options(ports, *port))
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
                    {Mta::ALL.map(|m| radio(form, disabled, Control::Mta, m.slug(), m.name()))}
                </fieldset>
                <fieldset>
                    <legend>"Relay"</legend>
                    <p>
                        <label for="gen-relay">"Relay service"</label>
                        <select id="gen-relay" name="relay" disabled=disabled>
                            {relay_options(form, Control::Relay)}
                            <option value=CUSTOM_RELAY selected=chosen(form, Control::Relay, CUSTOM_RELAY)>"Another relay (custom host)"</option>
                        </select>
                    </p>
                    {relay_about}
                    <div hidden=unless(is_custom)>
                        {text_field(form, disabled, Control::CustomHost, "Relay host name", "smtp.example.com", "Ports 587, 2525 and 25 use STARTTLS, 465 implicit TLS.")}
                    </div>
                    <p hidden=unless(many_hosts)>
                        <label for="gen-host">"Host"</label>
                        <select id="gen-host" name="host" disabled=disabled>{host_options}</select>
                    </p>
                    <div hidden=unless(needs_region)>
                        {text_field(form, disabled, Control::Region, "Region", "eu-west-1", "The region your account sends from, such as us-east-1.")}
                    </div>
                    <p>
                        <label for="gen-port">"Port"</label>
                        <select id="gen-port" name="port" disabled=disabled>{ports(Control::Port)}</select>
                    </p>
                </fieldset>
                <fieldset>
                    <legend>"TLS"</legend>
                    <p class="hint">"TLS is always required: credentials are never sent in clear text."</p>
                    {radio(form, disabled, Control::Tls, TlsPolicy::Encrypt.slug(), "Require TLS (encrypt)")}
                    {radio(form, disabled, Control::Tls, TlsPolicy::Verify.slug(), "Require TLS and verify the relay's certificate")}
                </fieldset>
                <fieldset>
                    <legend>"Credentials"</legend>
                    {radio(form, disabled, Control::Credentials, PLACEHOLDER_CREDENTIALS, "Placeholders I replace myself")}
                    {radio(form, disabled, Control::Credentials, OWN_CREDENTIALS, "My own credentials")}
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
                                type=move || if form.with(|f| f.show_password) { "text" } else { "password" } />
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
                    {text_field(form, disabled, Control::Rewrite, "Rewrite every envelope sender to", "noreply@example.com", "Leave empty to keep each message's own sender.")}
                    <p>
                        <label class="generator-radio" for="gen-sender-on">
                            <input id="gen-sender-on" name="sender-on" type="checkbox" disabled=disabled
                                prop:checked=move || has_sender.get() />
                            "Send one sender domain through its own relay (Postfix only; placeholders for its credentials)"
                        </label>
                    </p>
                    <div hidden=unless(has_sender)>
                        {text_field(form, disabled, Control::SenderDomain, "Sender domain", "shop.example.com", "Mail from this domain goes through the relay below.")}
                        <p>
                            <label for="gen-sender-relay">"Its relay"</label>
                            <select id="gen-sender-relay" name="sender-relay" disabled=disabled>{relay_options(form, Control::SenderRelay)}</select>
                        </p>
                        <p>
                            <label for="gen-sender-port">"Its port"</label>
                            <select id="gen-sender-port" name="sender-port" disabled=disabled>{ports(Control::SenderPort)}</select>
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

    #[test]
    fn every_control_is_in_the_page_by_its_core_name() {
        let html = crate::prerender::test_page(Route::Page(Page::Generator));
        for control in Control::ALL {
            let name = control.name();
            assert!(html.contains(&format!("name=\"{name}\"")), "{name}");
            assert!(html.contains(&format!("id=\"gen-{name}")), "{name}");
        }
        let form = &html[html.find("<form").unwrap()..html.find("</form>").unwrap()];
        for attr in form.split(" name=\"").skip(1) {
            let name = &attr[..attr.find('"').unwrap()];
            assert!(
                Control::from_name(name).is_some(),
                "{name} is not a Control"
            );
        }
    }
}
