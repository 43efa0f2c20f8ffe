//! SMTP relay services (smarthosts) and the ports mail is sent on: the data the
//! relay pages and the configuration generator read.
//!
//! [`Relay`] rows come from `content/data/relays.json` and [`Port`] rows from
//! `content/data/ports.json`. This module does not generate configuration; it
//! only describes hosts, ports, TLS modes and credentials conventions.

use serde::{Deserialize, Serialize};

use super::common::{Confidence, Source};

/// How TLS is set up on a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum TlsMode {
    /// The session starts in plain text and upgrades with the STARTTLS
    /// command (RFC 3207).
    Starttls,
    /// TLS from the first byte, before any SMTP (RFC 8314 3.3); Postfix needs
    /// `smtp_tls_wrappermode = yes` with `smtp_tls_security_level = encrypt`.
    ImplicitTls,
    /// The relay's own documentation does not say which.
    Unspecified,
}

/// One SMTP host name of a relay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RelayHost {
    /// The host name; `<region>` marks a placeholder the user fills in.
    pub host: String,
    /// The region or stream the host serves.
    pub region: String,
    /// Caveats (for example: only a secondary source gives this host).
    pub note: Option<String>,
}

/// One port a relay accepts submissions on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RelayPort {
    /// The TCP port; validation checks it has a row in `ports.json`.
    pub port: u16,
    /// How TLS is negotiated.
    pub tls: TlsMode,
    /// Caveats (for example: recommended by the relay).
    pub note: Option<String>,
}

/// The shape of the SMTP user name a relay expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum UsernameConvention {
    /// A fixed literal string (`apikey`, `SMTP_Injection`, `resend`, ...);
    /// [`Username::literal`] gives it.
    Literal,
    /// A cloud access key id, with a derived, per-region password (SES).
    AccessKeyId,
    /// A login created per sending domain, such as `postmaster@<domain>`.
    PerDomainLogin,
    /// A server or stream token used as both user name and password.
    ServerToken,
    /// The account's SMTP login shown in the relay's settings.
    AccountSmtpLogin,
    /// An SMTP user the customer creates in the relay's console.
    CreatedSmtpUser,
    /// The account's API key (with the API secret as password).
    ApiKey,
    /// The research did not record it.
    NotRecorded,
}

/// What to type as the SMTP user name and password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// The user name convention.
    pub username: UsernameConvention,
    /// The literal user name, required when `username` is `literal`.
    pub literal: Option<String>,
    /// What the user name is, in words.
    pub username_help: String,
    /// What the password is, in words (an API key, a derived SMTP password...).
    pub password_help: String,
    /// True when credentials differ per region (SES).
    pub per_region: bool,
}

/// Whether a relay offers something (an HTTPS sending API, a sending region
/// in the EU), as its sources say. Anything but `unknown` needs a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Offered {
    /// A source says it does.
    Yes,
    /// A source says it does not.
    No,
    /// No stored source says either way.
    Unknown,
}

/// What kind of free allowance a relay has, read from its cited free-tier
/// description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum FreeKind {
    /// A free allowance that does not run out (per day or month).
    Ongoing,
    /// A time-limited or one-off allowance, or one that only sends to the
    /// account's own addresses.
    Trial,
    /// No free use: a paid plan or a paid subscription is required.
    None,
    /// Not verified.
    Unknown,
}

/// A relay's free allowance, which changes often and so always carries a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FreeTier {
    /// What kind of allowance the description states; anything but
    /// `unknown` needs the `free_tier` claim.
    pub kind: FreeKind,
    /// The allowance in words, or why it is not stated.
    pub description: String,
    /// When it was seen, `YYYY-MM-DD`; `None` if the research could not date
    /// it (the site then shows it as unverified).
    pub as_of: Option<String>,
    /// How far the description can be trusted.
    pub confidence: Confidence,
}

/// One SMTP relay service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Relay {
    /// Kebab-case slug, unique among relays; the page is `/relays/<id>`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// SMTP host names with their regions; at least one.
    pub hosts: Vec<RelayHost>,
    /// Submission ports with their TLS mode; at least one.
    pub ports: Vec<RelayPort>,
    /// User name and password conventions.
    pub credentials: Credentials,
    /// The free allowance with its date.
    pub free_tier: FreeTier,
    /// Whether the relay also takes mail over an HTTPS API (claim field
    /// `https_api`), for hosts where every SMTP port is closed.
    pub https_api: Offered,
    /// Whether the relay has a sending region or endpoint in the EU (claim
    /// field `eu_region`).
    pub eu_region: Offered,
    /// Citations; at least one.
    pub sources: Vec<Source>,
    /// The date this row was last checked against its sources (`YYYY-MM-DD`).
    pub last_verified: String,
    /// How far the row can be trusted.
    pub confidence: Confidence,
    /// Anything else worth knowing (markdown).
    pub notes: Option<String>,
}

impl Relay {
    /// A relay with only what the configuration generator reads: hosts with
    /// their regions, ports with their TLS modes and the user-name
    /// convention. Help texts, free tier, sources and notes are left empty;
    /// the relay pages, not the generator, show them.
    pub fn for_generator(
        id: &str,
        name: &str,
        hosts: &[(&str, &str)],
        ports: &[(u16, TlsMode)],
        username: UsernameConvention,
        literal: Option<&str>,
        per_region: bool,
    ) -> Relay {
        Relay {
            id: id.to_owned(),
            name: name.to_owned(),
            hosts: hosts
                .iter()
                .map(|&(host, region)| RelayHost {
                    host: host.to_owned(),
                    region: region.to_owned(),
                    note: None,
                })
                .collect(),
            ports: ports
                .iter()
                .map(|&(port, tls)| RelayPort {
                    port,
                    tls,
                    note: None,
                })
                .collect(),
            credentials: Credentials {
                username,
                literal: literal.map(str::to_owned),
                username_help: String::new(),
                password_help: String::new(),
                per_region,
            },
            free_tier: FreeTier {
                kind: FreeKind::Unknown,
                description: String::new(),
                as_of: None,
                confidence: Confidence::Low,
            },
            https_api: Offered::Unknown,
            eu_region: Offered::Unknown,
            sources: Vec::new(),
            last_verified: String::new(),
            confidence: Confidence::Low,
            notes: None,
        }
    }
}

/// A reference to an RFC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RfcRef {
    /// The RFC number.
    pub number: u32,
    /// What the RFC defines, briefly.
    pub title: String,
    /// A link to the RFC text (or its section).
    pub url: String,
}

/// One TCP port used to send mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Port {
    /// The TCP port number, unique among ports.
    pub number: u16,
    /// A short name ("SMTP relay", "submission", ...).
    pub name: String,
    /// What the port is for, in the project's own words (markdown).
    pub purpose: String,
    /// How TLS is negotiated on it.
    pub tls: TlsMode,
    /// The RFCs that define its use; empty for vendor conventions such as 2525.
    pub rfcs: Vec<RfcRef>,
    /// Provider ids that block this port by default. For 465, 587 and 2525
    /// validation checks this list against each provider's `other_ports`.
    pub blocked_by: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_modes_parse_kebab_case_only() {
        assert_eq!(
            serde_json::from_str::<TlsMode>("\"implicit-tls\"").unwrap(),
            TlsMode::ImplicitTls
        );
        assert!(serde_json::from_str::<TlsMode>("\"ssl\"").is_err());
        assert!(serde_json::from_str::<UsernameConvention>("\"apikey\"").is_err());
    }

    #[test]
    fn username_keys_are_the_data_files_spelling() {
        use crate::kb::Labelled;
        for u in [
            UsernameConvention::Literal,
            UsernameConvention::AccessKeyId,
            UsernameConvention::PerDomainLogin,
            UsernameConvention::ServerToken,
            UsernameConvention::AccountSmtpLogin,
            UsernameConvention::CreatedSmtpUser,
            UsernameConvention::ApiKey,
            UsernameConvention::NotRecorded,
        ] {
            assert_eq!(
                serde_json::to_string(&u).unwrap(),
                format!("\"{}\"", u.key())
            );
        }
    }

    #[test]
    fn relay_port_rejects_unknown_fields() {
        assert!(serde_json::from_str::<RelayPort>(
            r#"{"port":587,"tls":"starttls","note":null,"secure":true}"#
        )
        .is_err());
    }
}
