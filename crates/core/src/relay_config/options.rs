//! What the user chooses ([`Options`]) and how a choice is checked against the
//! knowledge base and turned into a resolved plan the generators render.
//!
//! This module validates and resolves; it does not render any configuration
//! text (the per-program modules do) and it does not touch URLs
//! (`query` does).

use serde::{Deserialize, Serialize};

use crate::kb::{Relay, TlsMode, UsernameConvention};

use super::{Catalog, Error, SecretField};

/// The mail program the configuration is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mta {
    /// Postfix, as Debian and Ubuntu package it.
    Postfix,
    /// Exim 4 with Debian's debconf-driven configuration
    /// (`update-exim4.conf.conf` and `passwd.client`).
    Exim4,
    /// OpenSMTPD 6.x (`smtpd.conf`).
    Opensmtpd,
    /// msmtp, a send-only SMTP client for hosts that need no mail server.
    Msmtp,
}

impl Mta {
    /// Every program, in the order the site offers them.
    pub const ALL: [Mta; 4] = [Mta::Postfix, Mta::Exim4, Mta::Opensmtpd, Mta::Msmtp];

    /// The value used in URLs and file names (`postfix`, `exim4`, ...).
    pub fn slug(self) -> &'static str {
        match self {
            Mta::Postfix => "postfix",
            Mta::Exim4 => "exim4",
            Mta::Opensmtpd => "opensmtpd",
            Mta::Msmtp => "msmtp",
        }
    }

    /// The program with this slug.
    pub fn from_slug(slug: &str) -> Option<Mta> {
        Mta::ALL.into_iter().find(|m| m.slug() == slug)
    }

    /// The display name.
    pub fn name(self) -> &'static str {
        match self {
            Mta::Postfix => "Postfix",
            Mta::Exim4 => "Exim 4 (Debian)",
            Mta::Opensmtpd => "OpenSMTPD",
            Mta::Msmtp => "msmtp",
        }
    }
}

/// How strictly the relay's TLS is checked. TLS itself is always required:
/// credentials are never sent in clear text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TlsPolicy {
    /// TLS is mandatory; certificate checking is left at the program's own
    /// default (Postfix `encrypt` does not verify; Debian's Exim, OpenSMTPD
    /// and msmtp verify anyway). The default.
    #[default]
    Encrypt,
    /// TLS is mandatory and the certificate must chain to a system CA and
    /// name the relay host (Postfix `secure`).
    Verify,
}

impl TlsPolicy {
    /// The value used in URLs (`encrypt`, `verify`).
    pub fn slug(self) -> &'static str {
        match self {
            TlsPolicy::Encrypt => "encrypt",
            TlsPolicy::Verify => "verify",
        }
    }

    /// The policy with this slug.
    pub fn from_slug(slug: &str) -> Option<TlsPolicy> {
        [TlsPolicy::Encrypt, TlsPolicy::Verify]
            .into_iter()
            .find(|p| p.slug() == slug)
    }
}

/// Which relay to send through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum RelayChoice {
    /// A relay from the knowledge base.
    Known {
        /// The relay id (`sendgrid`, `amazon-ses`, ...).
        id: String,
        /// One of the relay's host names as the knowledge base spells it
        /// (`email-smtp.<region>.amazonaws.com`); `None` picks the first.
        host: Option<String>,
        /// Fills the `<region>` placeholder of the host, such as `eu-west-1`.
        region: Option<String>,
    },
    /// Any other SMTP relay, by host name. Its ports follow the standards:
    /// 25, 587 and 2525 with STARTTLS, 465 with implicit TLS.
    Custom {
        /// The host name or IPv4 address.
        host: String,
    },
}

impl RelayChoice {
    /// A known relay by id, with its first host.
    pub fn known(id: &str) -> RelayChoice {
        RelayChoice::Known {
            id: id.to_owned(),
            host: None,
            region: None,
        }
    }
}

/// The SMTP user name and password.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Credentials {
    /// Placeholders such as `REPLACE_WITH_API_KEY` the user edits afterwards;
    /// literal user names from the knowledge base (`apikey`) are filled in.
    /// The default.
    #[default]
    Placeholder,
    /// The user's own credentials, written into the generated files. They
    /// never leave the page: the URL form leaves them out.
    Given {
        /// The SMTP user name. Empty means the relay's convention: its
        /// literal user name (SendGrid's `apikey`), or for server-token
        /// relays (Postmark) the token, used as both.
        username: String,
        /// The SMTP password, API key or token.
        password: String,
    },
}

// Hand-written so that a secret never reaches a log through `{:?}`.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Placeholder => f.write_str("Placeholder"),
            Credentials::Given { .. } => f.write_str("Given { .. }"),
        }
    }
}

/// Mail from one sender domain goes through its own relay with its own
/// credentials (Postfix `sender_dependent_relayhost_maps`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SenderRelay {
    /// The envelope sender domain, such as `shop.example.com`.
    pub domain: String,
    /// The relay for that domain.
    pub relay: RelayChoice,
    /// Its port; it must use the same TLS mode as the main relay, because
    /// Postfix's `smtp_tls_wrappermode` applies to the whole transport.
    pub port: u16,
    /// Its credentials. Never serialised (see [`Options::credentials`]).
    #[serde(skip)]
    pub credentials: Credentials,
}

/// Everything the user chooses. `Options::default()` is Postfix through
/// SendGrid on port 587 with placeholders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Options {
    /// The mail program.
    pub mta: Mta,
    /// The relay.
    pub relay: RelayChoice,
    /// The relay port; it must be one the relay offers.
    pub port: u16,
    /// How strictly TLS is checked.
    pub tls: TlsPolicy,
    /// The credentials (placeholders by default). Never serialised: serde
    /// output of `Options` may end up in storage or logs, and secrets must
    /// stay in the page, so it is skipped and reads back as placeholders.
    #[serde(skip)]
    pub credentials: Credentials,
    /// Per-sender-domain relays (Postfix only).
    pub sender_relays: Vec<SenderRelay>,
    /// Rewrite every envelope sender to this address (Postfix
    /// `sender_canonical_maps`, OpenSMTPD `mail-from`, msmtp `from`).
    pub rewrite_sender: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            mta: Mta::Postfix,
            relay: RelayChoice::known("sendgrid"),
            port: 587,
            tls: TlsPolicy::Encrypt,
            credentials: Credentials::Placeholder,
            sender_relays: Vec::new(),
            rewrite_sender: None,
        }
    }
}

/// The ports a custom relay may use, with their TLS modes, in the order the
/// form offers them: 587 (RFC 6409) and 2525 with STARTTLS (RFC 3207), 465
/// with implicit TLS (RFC 8314 3.3), 25 with STARTTLS. [`generate`](super::generate)
/// accepts exactly these for [`RelayChoice::Custom`].
pub const CUSTOM_PORTS: [(u16, TlsMode); 4] = [
    (587, TlsMode::Starttls),
    (465, TlsMode::ImplicitTls),
    (2525, TlsMode::Starttls),
    (25, TlsMode::Starttls),
];

/// A relay host and port, resolved against the knowledge base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoint {
    pub(crate) relay_name: String,
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) implicit_tls: bool,
    /// The knowledge base does not say which TLS mode the port uses.
    pub(crate) tls_assumed: bool,
    pub(crate) convention: Option<UsernameConvention>,
    pub(crate) per_region: bool,
}

/// A user name and password ready to be written, or placeholders.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Login {
    pub(crate) username: String,
    pub(crate) password: String,
    pub(crate) is_placeholder: bool,
    /// A caveat about a given user name that does not follow the relay's
    /// convention (not an error: relays change their rules).
    pub(crate) caveat: Option<String>,
}

/// The options, checked and resolved.
pub(crate) struct Plan {
    pub(crate) mta: Mta,
    pub(crate) main: Endpoint,
    pub(crate) login: Login,
    pub(crate) tls: TlsPolicy,
    pub(crate) senders: Vec<(String, Endpoint, Login)>,
    pub(crate) rewrite_sender: Option<String>,
}

/// Is `s` a DNS host name this generator will write into configuration
/// files: lowercase LDH labels, at least one dot, at most 253 characters?
pub(crate) fn is_host_name(s: &str) -> bool {
    s.len() <= 253
        && s.contains('.')
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// Is `s` a region name such as `us-east-1` (lowercase letters, digits and
/// inner hyphens, at most 32 characters)?
fn is_region(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 32
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Is `s` a plain mail address this generator will write unquoted into every
/// program's configuration (`local@domain`, conservative character set, no
/// `$` that Postfix would expand)?
pub(crate) fn is_plain_address(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._+-=".contains(&b))
        && is_host_name(domain)
}

/// Checks a user name or password: what every one of the four programs can
/// carry in its secrets file.
fn check_secret(field: SecretField, value: &str) -> Result<(), Error> {
    let invalid = |reason: &'static str| Err(Error::InvalidSecret { field, reason });
    if value.is_empty() {
        return invalid("it is empty");
    }
    if value.chars().count() > 256 {
        return invalid("it is longer than 256 characters");
    }
    // Every secrets file is line-based: a newline would end the entry and a
    // NUL would end the string, so no control character can be carried.
    if value.chars().any(char::is_control) {
        return invalid("it contains a control character such as a newline or tab");
    }
    // postmap, Exim's lsearch and OpenSMTPD's table parser all strip the
    // whitespace around a value, so it would silently be lost.
    if value.starts_with(char::is_whitespace) || value.ends_with(char::is_whitespace) {
        return invalid("it starts or ends with a space");
    }
    // Postfix, Exim and OpenSMTPD split `user:password` at the first colon,
    // so a colon is fine in the password but not in the user name.
    if field == SecretField::Username && value.contains(':') {
        return invalid("Postfix, Exim and OpenSMTPD split user:password at the first colon");
    }
    Ok(())
}

/// Placeholders for a user-name convention.
fn placeholders(convention: Option<UsernameConvention>, literal: Option<&str>) -> Login {
    use UsernameConvention as U;
    let (user, pass) = match convention {
        Some(U::Literal) => (
            literal.unwrap_or("REPLACE_WITH_USERNAME"),
            "REPLACE_WITH_API_KEY",
        ),
        Some(U::AccessKeyId) => ("REPLACE_WITH_SMTP_USERNAME", "REPLACE_WITH_SMTP_PASSWORD"),
        Some(U::PerDomainLogin) => (
            "postmaster@REPLACE_WITH_YOUR_DOMAIN",
            "REPLACE_WITH_SMTP_PASSWORD",
        ),
        Some(U::ServerToken) => ("REPLACE_WITH_SERVER_TOKEN", "REPLACE_WITH_SERVER_TOKEN"),
        Some(U::AccountSmtpLogin) => ("REPLACE_WITH_SMTP_LOGIN", "REPLACE_WITH_SMTP_KEY"),
        Some(U::CreatedSmtpUser) => ("REPLACE_WITH_SMTP_USERNAME", "REPLACE_WITH_SMTP_PASSWORD"),
        Some(U::ApiKey) => ("REPLACE_WITH_API_KEY", "REPLACE_WITH_SECRET_KEY"),
        Some(U::NotRecorded) | None => ("REPLACE_WITH_USERNAME", "REPLACE_WITH_PASSWORD"),
    };
    Login {
        username: user.to_owned(),
        password: pass.to_owned(),
        is_placeholder: true,
        caveat: None,
    }
}

fn resolve_login(credentials: &Credentials, relay: Option<&Relay>) -> Result<Login, Error> {
    let convention = relay.map(|r| r.credentials.username);
    let literal = relay.and_then(|r| r.credentials.literal.as_deref());
    match credentials {
        Credentials::Placeholder => Ok(placeholders(convention, literal)),
        Credentials::Given { username, password } => {
            check_secret(SecretField::Password, password)?;
            // An empty user name means "the relay's convention": the literal
            // (SendGrid's `apikey`), or for Postmark-style server tokens the
            // token itself, used as both user name and password.
            let username = match (username.is_empty(), convention, literal) {
                (true, Some(UsernameConvention::Literal), Some(literal)) => literal.to_owned(),
                (true, Some(UsernameConvention::ServerToken), _) => {
                    if password.contains(':') {
                        return Err(Error::InvalidSecret {
                            field: SecretField::Username,
                            reason: "a server token used as the user name cannot contain a colon",
                        });
                    }
                    password.clone()
                }
                _ => username.clone(),
            };
            check_secret(SecretField::Username, &username)?;
            let caveat = relay.and_then(|r| username_caveat(r, &username));
            Ok(Login {
                username,
                password: password.clone(),
                is_placeholder: false,
                caveat,
            })
        }
    }
}

/// A note when a given user name does not look like what the relay expects.
fn username_caveat(relay: &Relay, username: &str) -> Option<String> {
    match (
        relay.credentials.username,
        relay.credentials.literal.as_deref(),
    ) {
        (UsernameConvention::Literal, Some(literal)) if username != literal => Some(format!(
            "{} expects the literal user name {literal}, not an account name; the \
             configuration uses the user name you gave.",
            relay.name
        )),
        (UsernameConvention::PerDomainLogin, _) if !username.contains('@') => Some(format!(
            "{} logins are per sending domain and look like postmaster@your-domain; the user \
             name you gave has no @.",
            relay.name
        )),
        _ => None,
    }
}

fn resolve_endpoint<'a>(
    catalog: &Catalog<'a>,
    choice: &RelayChoice,
    port: u16,
) -> Result<(Endpoint, Option<&'a Relay>), Error> {
    match choice {
        RelayChoice::Custom { host } => {
            if !is_host_name(host) {
                return Err(Error::InvalidHost { host: host.clone() });
            }
            let Some(&(_, tls)) = CUSTOM_PORTS.iter().find(|(p, _)| *p == port) else {
                return Err(Error::PortNotOffered {
                    relay: "custom".to_owned(),
                    port,
                    offered: CUSTOM_PORTS.iter().map(|(p, _)| *p).collect(),
                });
            };
            Ok((
                Endpoint {
                    relay_name: host.clone(),
                    host: host.clone(),
                    port,
                    implicit_tls: tls == TlsMode::ImplicitTls,
                    tls_assumed: false,
                    convention: None,
                    per_region: false,
                },
                None,
            ))
        }
        RelayChoice::Known { id, host, region } => {
            let relay = catalog
                .relays
                .iter()
                .find(|r| &r.id == id)
                .ok_or_else(|| Error::UnknownRelay { id: id.clone() })?;
            let relay_host = match host {
                None => relay.hosts.first(),
                Some(h) => relay.hosts.iter().find(|rh| &rh.host == h),
            }
            .ok_or_else(|| Error::UnknownHost {
                relay: id.clone(),
                host: host.clone().unwrap_or_default(),
                known: relay.hosts.iter().map(|h| h.host.clone()).collect(),
            })?;
            let template = &relay_host.host;
            let name = if template.contains("<region>") {
                let region = region.as_deref().ok_or_else(|| Error::MissingRegion {
                    relay: id.clone(),
                    host: template.clone(),
                })?;
                if !is_region(region) {
                    return Err(Error::InvalidRegion {
                        region: region.to_owned(),
                    });
                }
                template.replace("<region>", region)
            } else {
                if region.is_some() {
                    return Err(Error::RegionNotApplicable {
                        relay: id.clone(),
                        host: template.clone(),
                    });
                }
                template.clone()
            };
            if !is_host_name(&name) {
                return Err(Error::InvalidHost { host: name });
            }
            let relay_port = relay.ports.iter().find(|p| p.port == port).ok_or_else(|| {
                Error::PortNotOffered {
                    relay: id.clone(),
                    port,
                    offered: relay.ports.iter().map(|p| p.port).collect(),
                }
            })?;
            Ok((
                Endpoint {
                    relay_name: relay.name.clone(),
                    host: name,
                    port,
                    implicit_tls: relay_port.tls == TlsMode::ImplicitTls,
                    tls_assumed: relay_port.tls == TlsMode::Unspecified,
                    convention: Some(relay.credentials.username),
                    per_region: relay.credentials.per_region,
                },
                Some(relay),
            ))
        }
    }
}

/// Checks the options against the knowledge base and the chosen program.
pub(crate) fn resolve(catalog: &Catalog<'_>, options: &Options) -> Result<Plan, Error> {
    let (main, relay) = resolve_endpoint(catalog, &options.relay, options.port)?;
    let login = resolve_login(&options.credentials, relay)?;
    if !options.sender_relays.is_empty() && options.mta != Mta::Postfix {
        return Err(Error::Unsupported {
            mta: options.mta,
            option: "per-sender-domain relays",
            reason: "only Postfix chooses a relay and credentials by envelope sender \
                     (sender_dependent_relayhost_maps)",
        });
    }
    if let Some(address) = &options.rewrite_sender {
        if !is_plain_address(address) {
            return Err(Error::InvalidAddress {
                address: address.clone(),
            });
        }
        if options.mta == Mta::Exim4 {
            return Err(Error::Unsupported {
                mta: options.mta,
                option: "envelope-sender rewriting",
                reason: "Debian's update-exim4.conf.conf has no setting for it; it would need \
                         a hand-written rewrite rule",
            });
        }
        if !options.sender_relays.is_empty() {
            return Err(Error::RewriteWithSenderRelays);
        }
    }
    let mut senders: Vec<(String, Endpoint, Login)> = Vec::new();
    for sender in &options.sender_relays {
        if !is_host_name(&sender.domain) {
            return Err(Error::InvalidDomain {
                domain: sender.domain.clone(),
            });
        }
        if senders.iter().any(|(d, _, _)| d == &sender.domain) {
            return Err(Error::DuplicateSenderDomain {
                domain: sender.domain.clone(),
            });
        }
        let (endpoint, relay) = resolve_endpoint(catalog, &sender.relay, sender.port)?;
        if endpoint.implicit_tls != main.implicit_tls {
            return Err(Error::MixedTlsModes {
                domain: sender.domain.clone(),
                port: sender.port,
            });
        }
        let login = resolve_login(&sender.credentials, relay)?;
        senders.push((sender.domain.clone(), endpoint, login));
    }
    Ok(Plan {
        mta: options.mta,
        main,
        login,
        tls: options.tls,
        senders,
        rewrite_sender: options.rewrite_sender.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names() {
        for ok in [
            "smtp.sendgrid.net",
            "email-smtp.eu-west-1.amazonaws.com",
            "192.0.2.1",
        ] {
            assert!(is_host_name(ok), "{ok}");
        }
        for bad in [
            "",
            "localhost",
            "Smtp.example.com",
            "a..b",
            "-a.b",
            "a b.c",
            "a.b\n",
            "[a.b]",
            "a.b:25",
        ] {
            assert!(!is_host_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn addresses() {
        assert!(is_plain_address("noreply+x@example.com"));
        for bad in ["", "a", "@a.b", "a@", "a b@c.d", "a$b@c.d", "a@b", ".a@b.c"] {
            assert!(!is_plain_address(bad), "{bad:?}");
        }
    }

    #[test]
    fn secrets() {
        use SecretField::{Password, Username};
        assert!(check_secret(Password, "a:b 'c\"$`\\#é").is_ok());
        assert!(check_secret(Username, "a:b").is_err());
        assert!(check_secret(Password, " a").is_err());
        assert!(check_secret(Password, "a\nb").is_err());
        assert!(check_secret(Password, "").is_err());
    }

    #[test]
    fn debug_hides_secrets() {
        let c = Credentials::Given {
            username: "u".into(),
            password: "hunter2".into(),
        };
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
