//! The generator page's form as typed data: which controls it has
//! ([`Control`], named as their `name` attributes), what they hold ([`Form`]:
//! the [`Options`] plus two choices that are not options), and how a change
//! of one control changes them ([`Form::apply`]).
//!
//! The page binds its signals to these methods and renders the markup; this
//! module renders nothing and reads no DOM. It never holds the user name or
//! the password: [`Control::Username`] and [`Control::Password`] exist so the
//! page can recognise them, and [`Form::apply`] ignores them.

use crate::kb::{Relay, TlsMode};

use super::options::{
    Credentials, Mta, Options, RelayChoice, SenderRelay, TlsPolicy, CUSTOM_PORTS,
};

/// The relay select's value for "a host of my own" (the query's `relay=custom`).
pub const CUSTOM_RELAY: &str = "custom";

/// The credentials radio's value for placeholders the user replaces.
pub const PLACEHOLDER_CREDENTIALS: &str = "placeholder";

/// The credentials radio's value for the user's own credentials.
pub const OWN_CREDENTIALS: &str = "own";

/// One control of the generator form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Control {
    /// The mail program radios ([`Mta::slug`] values).
    Mta,
    /// The TLS policy radios ([`TlsPolicy::slug`] values).
    Tls,
    /// The credentials radios ([`PLACEHOLDER_CREDENTIALS`] or [`OWN_CREDENTIALS`]).
    Credentials,
    /// The "show the password" checkbox.
    Show,
    /// The relay select (a relay id or [`CUSTOM_RELAY`]).
    Relay,
    /// The known relay's host select (a host as the knowledge base spells it).
    Host,
    /// The region text field, filling a host's `<region>`.
    Region,
    /// The custom relay's host name field.
    CustomHost,
    /// The relay's port select.
    Port,
    /// The "rewrite every envelope sender to" field.
    Rewrite,
    /// The checkbox that adds or removes the sender-domain relay.
    SenderOn,
    /// The sender-domain relay's domain field.
    SenderDomain,
    /// The sender-domain relay's relay select (a relay id).
    SenderRelay,
    /// The sender-domain relay's port select.
    SenderPort,
    /// The SMTP user name field: a secret, never in [`Form`].
    Username,
    /// The SMTP password field: a secret, never in [`Form`].
    Password,
}

impl Control {
    /// Every control, in the order the form shows them.
    pub const ALL: [Control; 16] = [
        Control::Mta,
        Control::Relay,
        Control::CustomHost,
        Control::Host,
        Control::Region,
        Control::Port,
        Control::Tls,
        Control::Credentials,
        Control::Username,
        Control::Password,
        Control::Show,
        Control::Rewrite,
        Control::SenderOn,
        Control::SenderDomain,
        Control::SenderRelay,
        Control::SenderPort,
    ];

    /// The control's `name` attribute (its element id is `gen-` and this).
    pub fn name(self) -> &'static str {
        match self {
            Control::Mta => "mta",
            Control::Tls => "tls",
            Control::Credentials => "credentials",
            Control::Show => "show",
            Control::Relay => "relay",
            Control::Host => "host",
            Control::Region => "region",
            Control::CustomHost => "custom-host",
            Control::Port => "port",
            Control::Rewrite => "rewrite",
            Control::SenderOn => "sender-on",
            Control::SenderDomain => "sender-domain",
            Control::SenderRelay => "sender-relay",
            Control::SenderPort => "sender-port",
            Control::Username => "username",
            Control::Password => "password",
        }
    }

    /// The control with this `name` attribute, if any.
    pub fn from_name(name: &str) -> Option<Control> {
        Control::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Is this the user name or the password field?
    pub fn is_secret(self) -> bool {
        matches!(self, Control::Username | Control::Password)
    }
}

/// A port a relay offers, with its TLS mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfferedPort {
    /// The port number.
    pub port: u16,
    /// How TLS is set up on it.
    pub tls: TlsMode,
}

impl OfferedPort {
    /// How the port select shows it: `587 (STARTTLS)`, `465 (implicit TLS)`.
    pub fn label(self) -> String {
        let tls = match self.tls {
            TlsMode::Starttls => "STARTTLS",
            TlsMode::ImplicitTls => "implicit TLS",
            TlsMode::Unspecified => "TLS mode not documented",
        };
        format!("{} ({tls})", self.port)
    }
}

/// The ports `choice` offers, in the data's order: the relay's own for a
/// known relay (none for an unknown id), [`CUSTOM_PORTS`] for a custom host.
pub fn ports_for(relays: &[Relay], choice: &RelayChoice) -> Vec<OfferedPort> {
    match choice {
        RelayChoice::Custom { .. } => CUSTOM_PORTS
            .iter()
            .map(|&(port, tls)| OfferedPort { port, tls })
            .collect(),
        RelayChoice::Known { id, .. } => find(relays, id)
            .map(|r| {
                r.ports
                    .iter()
                    .map(|p| OfferedPort {
                        port: p.port,
                        tls: p.tls,
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// The relay with this id.
fn find<'a>(relays: &'a [Relay], id: &str) -> Option<&'a Relay> {
    relays.iter().find(|r| r.id == id)
}

/// The relay select's `value` (a relay id or [`CUSTOM_RELAY`]) as a choice.
fn choice_for(value: &str) -> RelayChoice {
    if value == CUSTOM_RELAY {
        RelayChoice::Custom {
            host: String::new(),
        }
    } else {
        RelayChoice::known(value)
    }
}

/// The relay select's value for a choice.
fn choice_value(choice: &RelayChoice) -> &str {
    match choice {
        RelayChoice::Known { id, .. } => id,
        RelayChoice::Custom { .. } => CUSTOM_RELAY,
    }
}

/// `port` if `choice` offers it, else 587 if offered, else its first port
/// (587 when it offers none).
fn keep_port(relays: &[Relay], choice: &RelayChoice, port: u16) -> u16 {
    let ports = ports_for(relays, choice);
    let offered = |n: u16| ports.iter().any(|p| p.port == n);
    if offered(port) {
        port
    } else if offered(587) {
        587
    } else {
        ports.first().map_or(587, |p| p.port)
    }
}

/// A new sender-domain relay: SendGrid on 587, no domain yet, placeholders.
fn new_sender_relay() -> SenderRelay {
    SenderRelay {
        domain: String::new(),
        relay: RelayChoice::known("sendgrid"),
        port: 587,
        credentials: Credentials::Placeholder,
    }
}

/// `Some(text)` trimmed, unless it is blank.
fn non_blank(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// What the form holds besides the secrets. The default is
/// [`Options::default`] with placeholders and the password hidden.
///
/// The user name and password are not here: the page keeps them in signals
/// of their own and adds them only to the options it generates from
/// ([`Form::options_with`]), so they never reach the URL, storage or a log
/// through this type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    /// The options, all of which the URL carries; their credentials are
    /// always [`Credentials::Placeholder`].
    pub options: Options,
    /// The user gives their own credentials (true) or gets placeholders.
    pub own_credentials: bool,
    /// The password field shows its text.
    pub show_password: bool,
}

impl Form {
    /// Applies a change of `control`: `value` is its new value, `checked`
    /// its state for checkboxes. Values the control cannot hold (a program
    /// or port that does not parse) change nothing, and so do the secrets,
    /// which never enter `Form`. A new relay keeps the port if it offers it,
    /// else takes 587 or its first port.
    pub fn apply(&mut self, relays: &[Relay], control: Control, value: &str, checked: bool) {
        let o = &mut self.options;
        match control {
            Control::Mta => o.mta = Mta::from_slug(value).unwrap_or(o.mta),
            Control::Tls => o.tls = TlsPolicy::from_slug(value).unwrap_or(o.tls),
            Control::Credentials => match value {
                OWN_CREDENTIALS => self.own_credentials = true,
                PLACEHOLDER_CREDENTIALS => self.own_credentials = false,
                _ => {}
            },
            Control::Show => self.show_password = checked,
            Control::Relay => {
                let choice = choice_for(value);
                o.port = keep_port(relays, &choice, o.port);
                o.relay = choice;
            }
            Control::Host => {
                if let RelayChoice::Known { host, region, .. } = &mut o.relay {
                    if !value.contains("<region>") {
                        *region = None;
                    }
                    *host = Some(value.to_owned());
                }
            }
            Control::Region => {
                if let RelayChoice::Known { region, .. } = &mut o.relay {
                    *region = non_blank(value);
                }
            }
            Control::CustomHost => {
                if let RelayChoice::Custom { host } = &mut o.relay {
                    value.trim().clone_into(host);
                }
            }
            Control::Port => o.port = value.parse().unwrap_or(o.port),
            Control::Rewrite => o.rewrite_sender = non_blank(value),
            Control::SenderOn => {
                if !checked {
                    o.sender_relays.clear();
                } else if o.sender_relays.is_empty() {
                    o.sender_relays.push(new_sender_relay());
                }
            }
            Control::SenderDomain | Control::SenderRelay | Control::SenderPort => {
                let port = value.parse::<u16>();
                if control == Control::SenderPort && port.is_err() {
                    return;
                }
                if o.sender_relays.is_empty() {
                    o.sender_relays.push(new_sender_relay());
                }
                let s = &mut o.sender_relays[0];
                match control {
                    Control::SenderDomain => value.trim().clone_into(&mut s.domain),
                    Control::SenderRelay => {
                        let choice = choice_for(value);
                        s.port = keep_port(relays, &choice, s.port);
                        s.relay = choice;
                    }
                    _ => s.port = port.unwrap_or(s.port),
                }
            }
            // Secrets never enter `Form`: the page keeps them in signals of
            // their own, out of the URL, storage and logs.
            Control::Username | Control::Password => {}
        }
    }

    /// Is `value` the current choice of `control`? For checkboxes, whether
    /// they are checked (whatever `value`); for text fields and secrets,
    /// never.
    pub fn is_chosen(&self, relays: &[Relay], control: Control, value: &str) -> bool {
        let o = &self.options;
        let sender = o.sender_relays.first();
        match control {
            Control::Mta => o.mta.slug() == value,
            Control::Tls => o.tls.slug() == value,
            Control::Credentials => {
                value
                    == if self.own_credentials {
                        OWN_CREDENTIALS
                    } else {
                        PLACEHOLDER_CREDENTIALS
                    }
            }
            Control::Show => self.show_password,
            Control::Relay => choice_value(&o.relay) == value,
            Control::Host => self.host(relays) == value,
            Control::Port => value.parse() == Ok(o.port),
            Control::SenderOn => sender.is_some(),
            Control::SenderRelay => sender.is_some_and(|s| choice_value(&s.relay) == value),
            Control::SenderPort => sender.is_some_and(|s| value.parse() == Ok(s.port)),
            Control::Region
            | Control::CustomHost
            | Control::Rewrite
            | Control::SenderDomain
            | Control::Username
            | Control::Password => false,
        }
    }

    /// The text of the text field `control`; empty for other controls (and
    /// always for the secrets, which `Form` does not hold).
    pub fn text(&self, control: Control) -> String {
        let o = &self.options;
        match (control, &o.relay) {
            (
                Control::Region,
                RelayChoice::Known {
                    region: Some(r), ..
                },
            ) => r.clone(),
            (Control::CustomHost, RelayChoice::Custom { host }) => host.clone(),
            (Control::Rewrite, _) => o.rewrite_sender.clone().unwrap_or_default(),
            (Control::SenderDomain, _) => o
                .sender_relays
                .first()
                .map(|s| s.domain.clone())
                .unwrap_or_default(),
            _ => String::new(),
        }
    }

    /// The known relay chosen; `None` for a custom host or an unknown id.
    pub fn relay<'a>(&self, relays: &'a [Relay]) -> Option<&'a Relay> {
        match &self.options.relay {
            RelayChoice::Known { id, .. } => find(relays, id),
            RelayChoice::Custom { .. } => None,
        }
    }

    /// The host the relay choice uses, as the knowledge base spells it: the
    /// chosen one, else the relay's first (empty for an unknown id), or the
    /// custom host.
    pub fn host(&self, relays: &[Relay]) -> String {
        match &self.options.relay {
            RelayChoice::Known { host: Some(h), .. } => h.clone(),
            RelayChoice::Known { id, .. } => find(relays, id)
                .and_then(|r| r.hosts.first())
                .map(|h| h.host.clone())
                .unwrap_or_default(),
            RelayChoice::Custom { host } => host.clone(),
        }
    }

    /// Does the host have a `<region>` for the region field to fill?
    pub fn needs_region(&self, relays: &[Relay]) -> bool {
        self.host(relays).contains("<region>")
    }

    /// The ports the port select `control` offers and the one chosen:
    /// the relay's for [`Control::Port`], the sender-domain relay's for
    /// [`Control::SenderPort`] (a new one's while there is none); `None`
    /// for other controls.
    pub fn port_choice(
        &self,
        relays: &[Relay],
        control: Control,
    ) -> Option<(Vec<OfferedPort>, u16)> {
        let o = &self.options;
        match control {
            Control::Port => Some((ports_for(relays, &o.relay), o.port)),
            Control::SenderPort => {
                let new;
                let s = match o.sender_relays.first() {
                    Some(s) => s,
                    None => {
                        new = new_sender_relay();
                        &new
                    }
                };
                Some((ports_for(relays, &s.relay), s.port))
            }
            _ => None,
        }
    }

    /// The options to generate from: the form's, with the user's own
    /// credentials if they chose to give them (the form itself never holds
    /// them).
    pub fn options_with(&self, username: &str, password: &str) -> Options {
        let mut options = self.options.clone();
        if self.own_credentials {
            options.credentials = Credentials::Given {
                username: username.to_owned(),
                password: password.to_owned(),
            };
        }
        options
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::UsernameConvention;
    use crate::relay_config::{generate, Catalog, Stamp};

    /// A relay with these hosts and ports (the rest is not read here).
    fn relay(id: &str, hosts: &[&str], ports: &[(u16, TlsMode)]) -> Relay {
        let hosts: Vec<(&str, &str)> = hosts.iter().map(|&h| (h, "any")).collect();
        let name = id.to_uppercase();
        Relay::for_generator(
            id,
            &name,
            &hosts,
            ports,
            UsernameConvention::NotRecorded,
            None,
            false,
        )
    }

    /// SendGrid (the default) with 587 and 465, a relay with a regional
    /// host and an odd port, and one that offers 465 only.
    fn relays() -> Vec<Relay> {
        use TlsMode::{ImplicitTls, Starttls, Unspecified};
        vec![
            relay(
                "sendgrid",
                &["smtp.sendgrid.net"],
                &[(587, Starttls), (465, ImplicitTls)],
            ),
            relay(
                "regional",
                &["smtp.<region>.example.com", "smtp-eu.example.com"],
                &[(2587, Unspecified), (465, ImplicitTls)],
            ),
            relay("only465", &["smtp.only.example"], &[(465, ImplicitTls)]),
        ]
    }

    /// `form` after applying `changes` (control name, value, checked).
    fn after(form: &Form, changes: &[(Control, &str, bool)]) -> Form {
        let relays = relays();
        let mut form = form.clone();
        for &(control, value, checked) in changes {
            form.apply(&relays, control, value, checked);
        }
        form
    }

    #[test]
    fn names_round_trip_and_are_the_forms_attributes() {
        for control in Control::ALL {
            assert_eq!(Control::from_name(control.name()), Some(control));
        }
        let names: Vec<_> = Control::ALL.map(Control::name).to_vec();
        assert_eq!(
            names,
            [
                "mta",
                "relay",
                "custom-host",
                "host",
                "region",
                "port",
                "tls",
                "credentials",
                "username",
                "password",
                "show",
                "rewrite",
                "sender-on",
                "sender-domain",
                "sender-relay",
                "sender-port"
            ]
        );
        for unknown in ["", "MTA", "sender", "gen-mta", "mta "] {
            assert_eq!(Control::from_name(unknown), None, "{unknown:?}");
        }
        let secrets: Vec<_> = Control::ALL.into_iter().filter(|c| c.is_secret()).collect();
        assert_eq!(secrets, [Control::Username, Control::Password]);
    }

    #[test]
    fn secrets_never_enter_the_form() {
        let start = Form::default();
        for control in [Control::Username, Control::Password] {
            let f = after(&start, &[(control, "hunter2", true)]);
            assert_eq!(f, start, "{control:?}");
            assert_eq!(f.text(control), "");
            assert!(!f.is_chosen(&relays(), control, "hunter2"));
        }
        let own = after(&start, &[(Control::Credentials, OWN_CREDENTIALS, true)]);
        let generated = own.options_with("u", "hunter2");
        assert!(!format!("{own:?} {generated:?}").contains("hunter2"));
    }

    #[test]
    fn the_secrets_join_only_the_generated_options_and_only_when_own() {
        let f = Form::default();
        assert_eq!(
            f.options_with("u", "p").credentials,
            Credentials::Placeholder
        );
        let own = after(&f, &[(Control::Credentials, OWN_CREDENTIALS, true)]);
        assert_eq!(
            own.options_with("u", "p").credentials,
            Credentials::Given {
                username: "u".to_owned(),
                password: "p".to_owned()
            }
        );
        assert_eq!(own.options.credentials, Credentials::Placeholder);
    }

    #[test]
    fn program_and_tls_take_only_their_slugs() {
        let r = relays();
        let f = after(&Form::default(), &[(Control::Mta, "exim4", false)]);
        assert_eq!(f.options.mta, Mta::Exim4);
        assert!(f.is_chosen(&r, Control::Mta, "exim4"));
        assert!(!f.is_chosen(&r, Control::Mta, "postfix"));
        assert_eq!(after(&f, &[(Control::Mta, "sendmail", false)]), f);
        let f = after(&f, &[(Control::Tls, "verify", false)]);
        assert_eq!(f.options.tls, TlsPolicy::Verify);
        assert!(f.is_chosen(&r, Control::Tls, "verify"));
        assert_eq!(after(&f, &[(Control::Tls, "none", false)]), f);
        assert_eq!(after(&f, &[(Control::Tls, "", false)]), f);
    }

    #[test]
    fn credentials_and_show_password() {
        let r = relays();
        let start = Form::default();
        assert!(start.is_chosen(&r, Control::Credentials, PLACEHOLDER_CREDENTIALS));
        let own = after(&start, &[(Control::Credentials, OWN_CREDENTIALS, true)]);
        assert!(own.own_credentials);
        assert!(own.is_chosen(&r, Control::Credentials, OWN_CREDENTIALS));
        assert!(!own.is_chosen(&r, Control::Credentials, PLACEHOLDER_CREDENTIALS));
        assert_eq!(after(&own, &[(Control::Credentials, "mine", true)]), own);
        let back = after(
            &own,
            &[(Control::Credentials, PLACEHOLDER_CREDENTIALS, true)],
        );
        assert_eq!(back, start);
        let shown = after(&start, &[(Control::Show, "on", true)]);
        assert!(shown.show_password && shown.is_chosen(&r, Control::Show, ""));
        assert_eq!(after(&shown, &[(Control::Show, "on", false)]), start);
    }

    #[test]
    fn switching_relay_keeps_or_picks_a_port() {
        let r = relays();
        let start = Form::default();
        let f = after(&start, &[(Control::Relay, "only465", false)]);
        assert_eq!(f.options.port, 465, "the only port it offers");
        assert!(f.is_chosen(&r, Control::Relay, "only465"));
        let f = after(&f, &[(Control::Relay, "sendgrid", false)]);
        assert_eq!(f.options.port, 465, "SendGrid offers 465 too");
        let f = after(&f, &[(Control::Relay, "regional", false)]);
        assert_eq!(f.options.port, 465);
        let f = after(&f, &[(Control::Port, "2587", false)]);
        let f = after(&f, &[(Control::Relay, CUSTOM_RELAY, false)]);
        assert_eq!(f.options.port, 587, "2587 is not a custom port; 587 is");
        assert!(f.is_chosen(&r, Control::Relay, CUSTOM_RELAY));
        let f = after(&f, &[(Control::Port, "465", false)]);
        let f = after(&f, &[(Control::Relay, "regional", false)]);
        assert_eq!(f.options.port, 465);
        let f = after(&f, &[(Control::Relay, "nowhere", false)]);
        assert_eq!(
            f.options.port, 587,
            "an unknown relay offers nothing; generate says so"
        );
        assert_eq!(f.relay(&r), None);
        assert_eq!(f.host(&r), "");
    }

    #[test]
    fn host_and_region() {
        let r = relays();
        let f = after(&Form::default(), &[(Control::Relay, "regional", false)]);
        assert_eq!(f.relay(&r).map(|x| x.id.as_str()), Some("regional"));
        assert_eq!(f.host(&r), "smtp.<region>.example.com", "the first host");
        assert!(f.is_chosen(&r, Control::Host, "smtp.<region>.example.com"));
        assert!(f.needs_region(&r));
        let f = after(&f, &[(Control::Region, " eu-west-1 ", false)]);
        assert_eq!(f.text(Control::Region), "eu-west-1");
        let blank = after(&f, &[(Control::Region, "  ", false)]);
        assert_eq!(blank.text(Control::Region), "");
        assert!(matches!(
            blank.options.relay,
            RelayChoice::Known { region: None, .. }
        ));
        // A host without `<region>` drops the region; one with it keeps it.
        let kept = after(&f, &[(Control::Host, "smtp.<region>.example.com", false)]);
        assert_eq!(kept.text(Control::Region), "eu-west-1");
        let eu = after(&f, &[(Control::Host, "smtp-eu.example.com", false)]);
        assert_eq!(eu.text(Control::Region), "");
        assert!(eu.is_chosen(&r, Control::Host, "smtp-eu.example.com"));
        assert!(!eu.needs_region(&r));
        // A custom host has no host select and no region.
        let custom = after(&f, &[(Control::Relay, CUSTOM_RELAY, false)]);
        let c2 = after(
            &custom,
            &[
                (Control::Host, "smtp-eu.example.com", false),
                (Control::Region, "eu", false),
            ],
        );
        assert_eq!(c2, custom);
    }

    #[test]
    fn custom_host_is_trimmed_and_only_for_a_custom_relay() {
        let r = relays();
        let known = Form::default();
        assert_eq!(
            after(&known, &[(Control::CustomHost, "smtp.example.net", false)]),
            known
        );
        let f = after(
            &known,
            &[
                (Control::Relay, CUSTOM_RELAY, false),
                (Control::CustomHost, " smtp.example.net ", false),
            ],
        );
        assert_eq!(f.text(Control::CustomHost), "smtp.example.net");
        assert_eq!(f.host(&r), "smtp.example.net");
        assert_eq!(known.text(Control::CustomHost), "");
    }

    #[test]
    fn ports_take_only_numbers() {
        let r = relays();
        let f = after(&Form::default(), &[(Control::Port, "465", false)]);
        assert_eq!(f.options.port, 465);
        assert!(f.is_chosen(&r, Control::Port, "465"));
        assert!(!f.is_chosen(&r, Control::Port, "587"));
        for bad in ["", "not a port", "65536", "-1", "587.0"] {
            assert_eq!(after(&f, &[(Control::Port, bad, false)]), f, "{bad:?}");
        }
    }

    #[test]
    fn rewrite_is_trimmed_and_blank_means_none() {
        let f = after(
            &Form::default(),
            &[(Control::Rewrite, " noreply@example.com ", false)],
        );
        assert_eq!(
            f.options.rewrite_sender.as_deref(),
            Some("noreply@example.com")
        );
        assert_eq!(f.text(Control::Rewrite), "noreply@example.com");
        let f = after(&f, &[(Control::Rewrite, "  ", false)]);
        assert_eq!(f.options.rewrite_sender, None);
        assert_eq!(f.text(Control::Rewrite), "");
    }

    #[test]
    fn the_sender_domain_relay() {
        let r = relays();
        let start = Form::default();
        assert!(!start.is_chosen(&r, Control::SenderOn, "on"));
        assert!(!start.is_chosen(&r, Control::SenderRelay, "sendgrid"));
        let on = after(&start, &[(Control::SenderOn, "on", true)]);
        assert_eq!(on.options.sender_relays, [new_sender_relay()]);
        assert!(on.is_chosen(&r, Control::SenderOn, "on"));
        assert!(on.is_chosen(&r, Control::SenderRelay, "sendgrid"));
        assert!(on.is_chosen(&r, Control::SenderPort, "587"));
        let f = after(
            &on,
            &[
                (Control::SenderDomain, " shop.example.com ", false),
                (Control::SenderPort, "465", false),
                (Control::SenderRelay, "only465", false),
                (Control::SenderOn, "on", true),
            ],
        );
        let s = &f.options.sender_relays;
        assert_eq!(s.len(), 1, "checking it again adds nothing");
        assert_eq!(
            (s[0].domain.as_str(), &s[0].relay, s[0].port),
            ("shop.example.com", &RelayChoice::known("only465"), 465)
        );
        assert_eq!(f.text(Control::SenderDomain), "shop.example.com");
        assert!(f.is_chosen(&r, Control::SenderRelay, "only465"));
        assert_eq!(after(&f, &[(Control::SenderPort, "x", false)]), f);
        assert_eq!(after(&f, &[(Control::SenderOn, "on", false)]), start);
        // Any of its fields adds it; an unreadable port does not.
        let added = after(&start, &[(Control::SenderRelay, "regional", false)]);
        assert_eq!(
            added.options.sender_relays[0].port, 2587,
            "regional's first"
        );
        let domain = after(&start, &[(Control::SenderDomain, "a.example", false)]);
        assert_eq!(domain.options.sender_relays.len(), 1);
        assert_eq!(after(&start, &[(Control::SenderPort, "", false)]), start);
    }

    #[test]
    fn port_choices_follow_each_relay() {
        let r = relays();
        let ports = |f: &Form, c| {
            f.port_choice(&r, c).map(|(ports, chosen)| {
                (ports.iter().map(|p| p.label()).collect::<Vec<_>>(), chosen)
            })
        };
        let start = Form::default();
        let sendgrid = Some((
            vec!["587 (STARTTLS)".to_owned(), "465 (implicit TLS)".to_owned()],
            587,
        ));
        assert_eq!(ports(&start, Control::Port), sendgrid);
        assert_eq!(ports(&start, Control::SenderPort), sendgrid, "a new one's");
        assert_eq!(ports(&start, Control::Relay), None);
        let f = after(&start, &[(Control::Relay, "regional", false)]);
        assert_eq!(
            ports(&f, Control::Port),
            Some((
                vec![
                    "2587 (TLS mode not documented)".to_owned(),
                    "465 (implicit TLS)".to_owned()
                ],
                2587
            ))
        );
        let custom = after(&start, &[(Control::Relay, CUSTOM_RELAY, false)]);
        let (offered, _) = custom.port_choice(&r, Control::Port).unwrap();
        let expected: Vec<_> = CUSTOM_PORTS
            .iter()
            .map(|&(port, tls)| OfferedPort { port, tls })
            .collect();
        assert_eq!(offered, expected);
    }

    #[test]
    fn text_fields_only_have_text() {
        let r = relays();
        let f = Form::default();
        for control in Control::ALL {
            let is_text = matches!(
                control,
                Control::Region | Control::CustomHost | Control::Rewrite | Control::SenderDomain
            );
            if is_text {
                assert!(!f.is_chosen(&r, control, ""), "{control:?}");
            } else {
                assert_eq!(f.text(control), "", "{control:?}");
            }
        }
    }

    /// The knowledge base's relays (the site builds the same ones into the
    /// bundle; a site test checks that).
    fn kb_relays() -> Vec<Relay> {
        crate::content::load_knowledge_base(&crate::content::repo())
            .expect("content/ loads")
            .relays
    }

    fn generates(relays: &[Relay], options: &Options) -> Result<(), String> {
        let catalog = Catalog {
            relays,
            data_version: "test",
        };
        let stamp = Stamp::new("2026-11-23", "https://example.org/generator", options);
        generate(&catalog, options, &stamp)
            .map(drop)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn every_offered_port_generates_for_postfix() {
        let relays = kb_relays();
        let mut custom = Form::default();
        custom.apply(&relays, Control::Relay, CUSTOM_RELAY, false);
        custom.apply(&relays, Control::CustomHost, "smtp.example.com", false);
        let (ports, _) = custom.port_choice(&relays, Control::Port).unwrap();
        assert_eq!(ports.len(), CUSTOM_PORTS.len());
        for p in ports {
            custom.apply(&relays, Control::Port, &p.port.to_string(), false);
            assert_eq!(
                generates(&relays, &custom.options),
                Ok(()),
                "custom {}",
                p.port
            );
        }
        for relay in &relays {
            let mut f = Form::default();
            f.apply(&relays, Control::Relay, &relay.id, false);
            if f.needs_region(&relays) {
                f.apply(&relays, Control::Region, "eu-west-1", false);
            }
            let (ports, _) = f.port_choice(&relays, Control::Port).unwrap();
            assert!(!ports.is_empty(), "{}", relay.id);
            for p in ports {
                f.apply(&relays, Control::Port, &p.port.to_string(), false);
                let out = generates(&relays, &f.options);
                assert_eq!(out, Ok(()), "{} {}", relay.id, p.port);
            }
        }
    }

    #[test]
    fn what_the_form_holds_round_trips_through_the_url() {
        let relays = kb_relays();
        let mut f = Form::default();
        for (control, value, checked) in [
            (Control::Mta, "postfix", false),
            (Control::Relay, "amazon-ses", false),
            (Control::Region, " eu-west-1 ", false),
            (Control::Tls, "verify", false),
            (Control::SenderOn, "on", true),
            (Control::SenderDomain, "shop.example.com", false),
            (Control::SenderRelay, "mailjet", false),
        ] {
            f.apply(&relays, control, value, checked);
        }
        let back = Options::from_query(&f.options.to_query()).unwrap();
        assert_eq!(back, f.options);
        f.apply(&relays, Control::SenderOn, "on", false);
        f.apply(&relays, Control::Relay, CUSTOM_RELAY, false);
        f.apply(&relays, Control::CustomHost, "smtp.example.net ", false);
        f.apply(&relays, Control::Rewrite, "noreply@example.net", false);
        let back = Options::from_query(&f.options.to_query()).unwrap();
        assert_eq!(back, f.options);
    }
}
