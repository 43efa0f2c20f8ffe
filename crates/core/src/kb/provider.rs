//! Hosting providers and ISPs: what they do with outbound port 25, the other
//! submission ports, and how (or whether) the block can be lifted.
//!
//! A [`Provider`] is one row of `content/data/providers.json`. The types only
//! describe the data; checking it against the rest of the knowledge base is
//! [`super::validate`]'s job, and rendering it is the site's.

use serde::{Deserialize, Serialize};

use super::common::{Confidence, Source};

/// What kind of service a provider sells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ProviderCategory {
    /// A large general-purpose cloud (AWS, Azure, Google Cloud, Oracle, ...).
    HyperscalerCloud,
    /// Virtual private servers.
    Vps,
    /// A provider that sells both VPS and dedicated servers under one policy.
    VpsAndDedicated,
    /// Dedicated (bare-metal) servers.
    Dedicated,
    /// GPU or other specialised infrastructure clouds.
    GpuCloud,
    /// Shared web hosting.
    SharedHosting,
    /// Platform-as-a-service: you deploy code, not servers.
    Paas,
    /// Serverless functions or edge runtimes.
    Serverless,
    /// A home internet provider.
    ResidentialIsp,
    /// Hosted development environments and CI runners.
    DevEnvironment,
}

/// The provider's default treatment of outbound TCP port 25.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Port25Policy {
    /// Blocked for every customer by default.
    Blocked,
    /// Blocked for accounts created after a cut-off date; older accounts keep
    /// their access.
    BlockedNewAccounts,
    /// Blocked on free or entry-level plans only.
    BlockedFreeTier,
    /// Open.
    Open,
    /// Open, with a documented sending-rate limit.
    OpenWithLimits,
    /// Open, but blocked reactively when the provider detects spam.
    OpenWithMonitoring,
    /// Depends on the product or subscription; see the provider's variants.
    Varies,
    /// No usable source says.
    Unknown,
}

impl Port25Policy {
    /// Returns true if a new customer should expect outbound 25 to be blocked.
    pub fn is_blocked_by_default(self) -> bool {
        matches!(
            self,
            Port25Policy::Blocked
                | Port25Policy::BlockedNewAccounts
                | Port25Policy::BlockedFreeTier
        )
    }

    /// Returns true if a new customer should expect outbound 25 to be open
    /// (perhaps with limits or monitoring).
    pub fn is_open_by_default(self) -> bool {
        matches!(
            self,
            Port25Policy::Open | Port25Policy::OpenWithLimits | Port25Policy::OpenWithMonitoring
        )
    }
}

/// Whether one outbound port is reachable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum PortStatus {
    /// Reachable without any request.
    Open,
    /// Blocked by default.
    Blocked,
    /// The sources do not say.
    Unknown,
}

/// The status of the ports people try when 25 is blocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OtherPorts {
    /// Port 465, submission over implicit TLS (RFC 8314).
    #[serde(rename = "465")]
    pub smtps: PortStatus,
    /// Port 587, message submission with STARTTLS (RFC 6409).
    #[serde(rename = "587")]
    pub submission: PortStatus,
    /// Port 2525, the relays' unofficial alternate submission port.
    #[serde(rename = "2525")]
    pub alternate_2525: PortStatus,
}

impl OtherPorts {
    /// The status of `port` if it is one of 465, 587 or 2525.
    pub fn status(&self, port: u16) -> Option<PortStatus> {
        match port {
            465 => Some(self.smtps),
            587 => Some(self.submission),
            2525 => Some(self.alternate_2525),
            _ => None,
        }
    }
}

/// How a customer gets outbound 25 opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum UnblockRoute {
    /// The provider says it will not open it.
    Never,
    /// A support ticket, form or phone call, reviewed by a person.
    OnRequest,
    /// A switch the customer flips (a panel setting, a firewall policy).
    SelfService,
    /// Upgrading to a paid plan lifts it.
    PaidPlan,
    /// No route is documented, but none is ruled out either.
    NotDocumented,
    /// Nothing to unblock: the port is open by default.
    NotNeeded,
    /// Depends on the product or subscription; see the provider's variants.
    Varies,
    /// No usable source says.
    Unknown,
}

/// The unblock route with the conditions attached to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Unblock {
    /// The kind of route.
    pub route: UnblockRoute,
    /// Who qualifies and what it takes, in the project's own words (markdown).
    pub conditions: String,
}

/// A product line or subscription type whose policy differs from the
/// provider's default (Azure Enterprise Agreement, OVHcloud Public Cloud, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// The product or subscription type.
    pub name: String,
    /// Its port 25 policy.
    pub policy: Port25Policy,
    /// How it is unblocked.
    pub unblock: UnblockRoute,
    /// Details, in the project's own words (markdown).
    pub notes: Option<String>,
}

/// The relay the provider points its customers to, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RecommendedRelay {
    /// What to use, in words (markdown).
    pub text: String,
    /// The id of a row in `relays.json` when the relay is one the site
    /// documents; validation checks it exists.
    pub relay_id: Option<String>,
}

/// How a claim of the original article holds up against the sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The sources say the same today.
    Confirmed,
    /// It was true once; the sources show it has changed.
    Outdated,
    /// The sources say otherwise.
    Contradicted,
    /// No source the research could read states it either way.
    NotVerifiable,
}

/// The article the project started from, cited by name and link wherever its
/// claims are judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Article {
    /// The article's title, as published.
    pub title: String,
    /// Its publisher.
    pub publisher: String,
    /// Its URL.
    pub url: String,
    /// Its publication date, `YYYY-MM-DD`.
    pub published: String,
    /// Every factual claim it makes about a provider or relay, with a verdict.
    pub claims: Vec<ArticleClaim>,
}

/// One factual claim of the original article, judged against the sources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ArticleClaim {
    /// Kebab-case slug, unique among the article's claims; the corrections
    /// page anchors it at `#article-<id>`.
    pub id: String,
    /// What the claim is about: `provider:<id>` or `relay:<id>`.
    pub subject: String,
    /// The claim, as the article makes it (summarised where it is long).
    pub claim: String,
    /// How it holds up.
    pub verdict: Verdict,
    /// Why, in the project's own words (markdown), pointing at the row's
    /// cited claims.
    pub evidence: String,
    /// The subject row's claim fields the evidence rests on (`port25`,
    /// `unblock_route`, ...); the page links each to its citation.
    #[serde(default)]
    pub fields: Vec<String>,
}

impl ArticleClaim {
    /// The provider id, when the claim is about a provider.
    pub fn provider(&self) -> Option<&str> {
        self.subject.strip_prefix("provider:")
    }

    /// The relay id, when the claim is about a relay.
    pub fn relay(&self) -> Option<&str> {
        self.subject.strip_prefix("relay:")
    }

    /// The anchor id on the corrections page.
    pub fn anchor(&self) -> String {
        format!("article-{}", self.id)
    }
}

/// One hosting provider or ISP.
///
/// Every factual cell (port 25, 465, 587, 2525, inbound 25, the unblock route
/// and its conditions, each variant, the recommended relay) is backed by a
/// [`super::Claim`] in one of the row's [`Source`]s, unless its value is
/// "unknown"; [`super::cells::provider_cells`] lists the cells and
/// [`super::validate`] checks each has its citation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// Kebab-case slug, unique among providers; the page is `/providers/<id>`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What the provider sells.
    pub category: ProviderCategory,
    /// Default policy for outbound port 25.
    pub port25: Port25Policy,
    /// Status of 465, 587 and 2525.
    pub other_ports: OtherPorts,
    /// Whether inbound port 25 reaches the customer; `unknown` (the default)
    /// when the sources do not say.
    #[serde(default = "unknown_status")]
    pub inbound25: PortStatus,
    /// Unblock route and its conditions.
    pub unblock: Unblock,
    /// Product lines or subscription types that differ from the default.
    #[serde(default)]
    pub variants: Vec<Variant>,
    /// The relay the provider recommends, or `None` if its sources name none.
    pub recommended_relay: Option<RecommendedRelay>,
    /// The pages cited, each with the claims it supports; at least one.
    pub sources: Vec<Source>,
    /// The latest date any claim of this row was checked against its source
    /// (`YYYY-MM-DD`), or empty when none was re-checked since the research;
    /// validation checks it against the claims.
    pub last_verified: String,
    /// How far the row can be trusted.
    pub confidence: Confidence,
    /// Anything else worth knowing (markdown).
    pub notes: Option<String>,
    /// The provider's own domains beyond those of its official sources
    /// (`fly.io`), so a secondary source on them is caught.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<String>,
}

fn unknown_status() -> PortStatus {
    PortStatus::Unknown
}

/// Provider ids the original article names; each must have a row, so the site
/// is never less complete than the article it improves on.
pub const REQUIRED_PROVIDER_IDS: [&str; 10] = [
    "aws-ec2",
    "azure-vm",
    "gcp-compute-engine",
    "ovhcloud-vps-dedicated",
    "hetzner-cloud",
    "digitalocean-droplets",
    "vultr",
    "comcast-xfinity-residential",
    "att-uverse",
    "spectrum-charter-twc",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_values_are_kebab_case() {
        let json = serde_json::to_string(&Port25Policy::BlockedNewAccounts).unwrap();
        assert_eq!(json, "\"blocked-new-accounts\"");
        let json = serde_json::to_string(&ProviderCategory::ResidentialIsp).unwrap();
        assert_eq!(json, "\"residential-isp\"");
    }

    #[test]
    fn unknown_enum_values_fail_to_parse() {
        assert!(serde_json::from_str::<Port25Policy>("\"sometimes\"").is_err());
        assert!(serde_json::from_str::<UnblockRoute>("\"on_request\"").is_err());
        assert!(serde_json::from_str::<PortStatus>("\"Open\"").is_err());
    }

    #[test]
    fn other_ports_use_port_numbers_as_keys() {
        let ports: OtherPorts =
            serde_json::from_str(r#"{"465":"blocked","587":"open","2525":"unknown"}"#).unwrap();
        assert_eq!(ports.status(465), Some(PortStatus::Blocked));
        assert_eq!(ports.status(587), Some(PortStatus::Open));
        assert_eq!(ports.status(2525), Some(PortStatus::Unknown));
        assert_eq!(ports.status(25), None);
        assert!(serde_json::from_str::<OtherPorts>(
            r#"{"465":"blocked","587":"open","2525":"unknown","25":"open"}"#
        )
        .is_err());
    }

    #[test]
    fn default_block_predicate() {
        assert!(Port25Policy::Blocked.is_blocked_by_default());
        assert!(Port25Policy::BlockedFreeTier.is_blocked_by_default());
        assert!(!Port25Policy::OpenWithMonitoring.is_blocked_by_default());
        assert!(!Port25Policy::Varies.is_blocked_by_default());
    }
}
