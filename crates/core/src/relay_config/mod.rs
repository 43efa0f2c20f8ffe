//! The relay configuration generator: from a user's choices ([`Options`]) to
//! the complete procedure for sending a server's mail through an SMTP relay
//! (smarthost) with Postfix, Exim 4 (Debian), OpenSMTPD or msmtp.
//!
//! [`generate`] is a pure function: it returns the files to write, the shell
//! commands that write them and apply them, and notes; it never touches the
//! file system or the network. Options travel in URLs through
//! [`Options::to_query`] and [`Options::from_query`], which leave credentials
//! out. Unsupported combinations (a port the relay does not offer, a feature
//! the program lacks) are a typed [`Error`], never a silently wrong file.
//!
//! Using it (the page and the `port25 relay-config` command do exactly this):
//!
//! 1. Build [`Options`] from the form (the page keeps a [`Form`] and feeds
//!    it each control's change with [`Form::apply`]), or from a link with
//!    [`Options::from_query`]; credentials are [`Credentials::Placeholder`]
//!    unless the user typed their own ([`Form::options_with`]).
//! 2. Make a [`Catalog`] from the knowledge base (`Catalog::from(&kb)` or
//!    from a parsed `relays.json`).
//! 3. Call [`generate`] with a [`Stamp`] built by [`Stamp::new`] (today's
//!    date and the page URL; the generator reads no clock).
//! 4. Show each [`GeneratedFile`] and [`Command`] in order with its
//!    description, then the notes; or show the [`Error`]'s message, which
//!    says why the combination is not offered.
//!
//! Every file starts with a header comment (program, date, data version,
//! relay, permalink), except msmtp's password file, which must hold the
//! password alone. The first command turns bash's history off before any
//! step that carries a secret, and a later one turns it back on.
//!
//! What it is not: a mail client, a validator that runs the programs (the
//! ignored `relay_config_programs` test and
//! `scripts/validate-relay-configs.sh` do that), or a store for secrets.

mod exim;
mod form;
mod msmtp;
mod opensmtpd;
mod options;
mod postfix;
mod query;
mod shell;

use serde::{Deserialize, Serialize};

use crate::kb::{KnowledgeBase, Relay, RelaysFile};

pub use form::{
    ports_for, Control, Form, OfferedPort, CUSTOM_RELAY, OWN_CREDENTIALS, PLACEHOLDER_CREDENTIALS,
};
pub(crate) use options::is_host_name;
pub use options::{Credentials, Mta, Options, RelayChoice, SenderRelay, TlsPolicy, CUSTOM_PORTS};
pub use query::{QueryError, QUERY_VERSION};
pub use shell::shell_quote;

use options::Plan;

/// The relays and data version the generator reads.
#[derive(Debug, Clone, Copy)]
pub struct Catalog<'a> {
    /// The relay rows.
    pub relays: &'a [Relay],
    /// The knowledge base's data version, written into every header.
    pub data_version: &'a str,
}

impl<'a> From<&'a KnowledgeBase> for Catalog<'a> {
    fn from(kb: &'a KnowledgeBase) -> Self {
        Catalog {
            relays: &kb.relays,
            data_version: &kb.data_version,
        }
    }
}

impl<'a> From<&'a RelaysFile> for Catalog<'a> {
    fn from(file: &'a RelaysFile) -> Self {
        Catalog {
            relays: &file.relays,
            data_version: &file.data_version,
        }
    }
}

impl Stamp {
    /// The stamp for `options` generated on `generated_on` (`YYYY-MM-DD`),
    /// with the permalink `page_url?<options.to_query()>`. `page_url` is the
    /// generator page's absolute URL without a query; an empty `page_url`
    /// leaves the permalink line out of the header.
    pub fn new(generated_on: &str, page_url: &str, options: &Options) -> Stamp {
        Stamp {
            generated_on: generated_on.to_owned(),
            permalink: if page_url.is_empty() {
                String::new()
            } else {
                options.permalink(page_url)
            },
        }
    }
}

/// What the header comment of every generated file records.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Stamp {
    /// The generation date, `YYYY-MM-DD`, supplied by the caller (the
    /// generator reads no clock).
    pub generated_on: String,
    /// The link that reproduces this configuration, normally the page URL
    /// with [`Options::to_query`] appended.
    pub permalink: String,
}

/// One file to write.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratedFile {
    /// The absolute path on the server.
    pub path: String,
    /// The full text. It opens with the header comment, except for files the
    /// program reads as a bare value (msmtp's password file).
    pub contents: String,
    /// The permission bits to give it (`0o600` for files with secrets).
    pub mode: u32,
    /// True when the file holds the password (placeholder or real).
    pub is_secret: bool,
    /// True when the contents are settings to merge into an existing file
    /// (Postfix's `main.cf`: the commands merge them with `postconf -e`)
    /// rather than the whole file.
    pub is_fragment: bool,
}

// Hand-written so that a secret never reaches a log through `{:?}`.
impl std::fmt::Debug for GeneratedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeneratedFile")
            .field("path", &self.path)
            .field("mode", &format_args!("{:o}", self.mode))
            .field(
                "contents",
                &if self.is_secret {
                    "<secret>"
                } else {
                    &self.contents
                },
            )
            .finish()
    }
}

/// One step of the procedure, as a shell command run as root.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Command {
    /// What the step does, in one sentence.
    pub description: String,
    /// The POSIX shell text (possibly several lines, such as a
    /// here-document).
    pub shell: String,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The shell text may carry a password inside a here-document.
        f.debug_struct("Command")
            .field("description", &self.description)
            .finish_non_exhaustive()
    }
}

/// The generated procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Output {
    /// The files, in the order the commands write them.
    pub files: Vec<GeneratedFile>,
    /// The steps, in order: write files, build maps, set permissions, apply,
    /// send a test message, read the log.
    pub commands: Vec<Command>,
    /// Caveats for this combination, one sentence or two each.
    pub notes: Vec<String>,
}

/// Which credential a [`Error::InvalidSecret`] is about (never its value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SecretField {
    /// The SMTP user name.
    Username,
    /// The SMTP password.
    Password,
}

impl std::fmt::Display for SecretField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SecretField::Username => "user name",
            SecretField::Password => "password",
        })
    }
}

/// Why these options cannot be generated. Each variant carries the
/// offending input, except secrets, which are never echoed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// No relay with this id in the knowledge base.
    #[error("no relay {id:?} in the knowledge base")]
    UnknownRelay {
        /// The id asked for.
        id: String,
    },
    /// The relay has no such host.
    #[error("{relay} has no host {host:?}; it has {known:?}")]
    UnknownHost {
        /// The relay id.
        relay: String,
        /// The host asked for.
        host: String,
        /// The hosts it has.
        known: Vec<String>,
    },
    /// The host has a `<region>` placeholder and no region was given.
    #[error("{host} needs a region, such as us-east-1")]
    MissingRegion {
        /// The relay id.
        relay: String,
        /// The host template.
        host: String,
    },
    /// A region was given for a host without a `<region>` placeholder.
    #[error("{host} of {relay} has no region to fill in")]
    RegionNotApplicable {
        /// The relay id.
        relay: String,
        /// The host.
        host: String,
    },
    /// The region is not lowercase letters, digits and hyphens.
    #[error("{region:?} is not a region name such as eu-west-1")]
    InvalidRegion {
        /// The region given.
        region: String,
    },
    /// The host is not a lowercase DNS name with a dot (or IPv4 address).
    #[error("{host:?} is not a host name such as smtp.example.com")]
    InvalidHost {
        /// The host given.
        host: String,
    },
    /// The relay does not accept mail on this port.
    #[error("{relay} does not offer port {port}; it offers {offered:?}")]
    PortNotOffered {
        /// The relay id (`custom` for a custom host).
        relay: String,
        /// The port asked for.
        port: u16,
        /// The ports it offers.
        offered: Vec<u16>,
    },
    /// The program cannot do what was asked.
    #[error("{} cannot do {option}: {reason}", mta.name())]
    Unsupported {
        /// The program.
        mta: Mta,
        /// The option asked for.
        option: &'static str,
        /// Why not.
        reason: &'static str,
    },
    /// A sender relay uses implicit TLS while the main relay uses STARTTLS,
    /// or the other way round.
    #[error(
        "the relay for {domain} on port {port} uses a different TLS mode from the main relay; \
         Postfix's smtp_tls_wrappermode applies to every relay of the transport"
    )]
    MixedTlsModes {
        /// The sender domain.
        domain: String,
        /// Its port.
        port: u16,
    },
    /// Two sender relays for one domain.
    #[error("{domain} has two sender relays")]
    DuplicateSenderDomain {
        /// The domain.
        domain: String,
    },
    /// A sender domain is not a DNS name.
    #[error("{domain:?} is not a domain name such as example.com")]
    InvalidDomain {
        /// The domain given.
        domain: String,
    },
    /// The rewrite address is not a plain `local@domain` address.
    #[error("{address:?} is not a plain address such as noreply@example.com")]
    InvalidAddress {
        /// The address given.
        address: String,
    },
    /// Sender rewriting together with per-sender relays would send every
    /// message through the relay of the rewritten address.
    #[error("rewriting every sender defeats per-sender-domain relays; choose one")]
    RewriteWithSenderRelays,
    /// A credential cannot be written safely.
    #[error("the {field} cannot be used: {reason}")]
    InvalidSecret {
        /// Which credential.
        field: SecretField,
        /// Why.
        reason: &'static str,
    },
}

/// Generates the files and commands for `options`.
///
/// # Errors
///
/// An [`Error`] when the options name something the knowledge base does not
/// have, combine things the relay or program does not support, or carry
/// credentials that cannot be written safely.
pub fn generate(catalog: &Catalog<'_>, options: &Options, stamp: &Stamp) -> Result<Output, Error> {
    let plan = options::resolve(catalog, options)?;
    let header = header(catalog, &plan, stamp);
    let mut output = match plan.mta {
        Mta::Postfix => postfix::generate(&plan, &header),
        Mta::Exim4 => exim::generate(&plan, &header),
        Mta::Opensmtpd => opensmtpd::generate(&plan, &header),
        Mta::Msmtp => msmtp::generate(&plan, &header),
    };
    output.notes.extend(common_notes(&plan));
    Ok(output)
}

/// Strips control characters so caller-supplied text cannot break out of a
/// comment line.
fn one_line(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

/// The header comment, `# `-prefixed lines ending in a newline.
fn header(catalog: &Catalog<'_>, plan: &Plan, stamp: &Stamp) -> String {
    let main = &plan.main;
    let tls = if main.implicit_tls {
        "implicit TLS"
    } else {
        "STARTTLS"
    };
    let mut text = format!(
        "# Generated by Port25 for {} on {} from relay data {}.\n",
        plan.mta.name(),
        one_line(&stamp.generated_on),
        one_line(catalog.data_version),
    );
    text.push_str(&format!(
        "# Relay: {}, {} port {} ({tls}).\n",
        main.relay_name, main.host, main.port
    ));
    if !stamp.permalink.is_empty() {
        text.push_str(&format!(
            "# Reproduce or change it: {}\n",
            one_line(&stamp.permalink)
        ));
    }
    text
}

fn common_notes(plan: &Plan) -> Vec<String> {
    let mut notes = Vec::new();
    let mut endpoints = vec![(&plan.main, &plan.login)];
    endpoints.extend(plan.senders.iter().map(|(_, e, l)| (e, l)));
    for (endpoint, login) in endpoints {
        if login.is_placeholder {
            notes.push(format!(
                "Replace every REPLACE_WITH_… placeholder for {} with your own credentials \
                 before running the commands.",
                endpoint.host
            ));
        }
        if let Some(caveat) = &login.caveat {
            notes.push(caveat.clone());
        }
        if endpoint.tls_assumed {
            notes.push(format!(
                "{}'s documentation does not say how port {} negotiates TLS; the configuration \
                 assumes STARTTLS, as ports 587 and 2525 conventionally do (RFC 6409).",
                endpoint.relay_name, endpoint.port
            ));
        }
        if endpoint.per_region {
            notes.push(format!(
                "{} credentials are per region: use the SMTP credentials created for the \
                 region in {}.",
                endpoint.relay_name, endpoint.host
            ));
        }
        if endpoint.port == 25 {
            notes.push(
                "Port 25 is the port most providers block outbound; prefer 587 or 465 if the \
                 relay offers them."
                    .to_owned(),
            );
        }
    }
    notes
}

/// The test message every procedure sends, as a `printf` format.
pub(crate) const TEST_MESSAGE: &str =
    "Subject: Port25 relay test\\n\\nThis message went through the relay.\\n";

/// The placeholder recipient of the test message.
pub(crate) const TEST_RECIPIENT: &str = "you@example.com";
