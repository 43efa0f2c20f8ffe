//! Human labels and stable keys for the knowledge base's enums.
//!
//! The key is the value's kebab-case spelling in the data files (what filters
//! and URLs use); the label is what a table cell shows. Keeping both here
//! means the site, the exports and the build script agree on every word.

use super::common::{Confidence, SourceKind};
use super::provider::{Port25Policy, PortStatus, ProviderCategory, UnblockRoute, Verdict};
use super::relay::{FreeKind, Offered, TlsMode, UsernameConvention};

/// A value with a stable key and a label for people.
pub trait Labelled: Copy + 'static {
    /// Every value, in the order filters list them.
    const ALL: &'static [Self];
    /// The kebab-case spelling used in the data files.
    fn key(self) -> &'static str;
    /// The text shown to people.
    fn label(self) -> &'static str;
}

macro_rules! labelled {
    ($ty:ty { $($variant:ident => $key:literal, $label:literal;)* }) => {
        impl Labelled for $ty {
            const ALL: &'static [Self] = &[$(<$ty>::$variant),*];
            fn key(self) -> &'static str {
                match self { $(<$ty>::$variant => $key,)* }
            }
            fn label(self) -> &'static str {
                match self { $(<$ty>::$variant => $label,)* }
            }
        }
    };
}

labelled!(ProviderCategory {
    HyperscalerCloud => "hyperscaler-cloud", "Hyperscaler cloud";
    Vps => "vps", "VPS";
    VpsAndDedicated => "vps-and-dedicated", "VPS and dedicated";
    Dedicated => "dedicated", "Dedicated servers";
    GpuCloud => "gpu-cloud", "GPU cloud";
    SharedHosting => "shared-hosting", "Shared hosting";
    Paas => "paas", "Platform (PaaS)";
    Serverless => "serverless", "Serverless";
    ResidentialIsp => "residential-isp", "Residential ISP";
    DevEnvironment => "dev-environment", "Development environment or CI";
});

labelled!(Port25Policy {
    Blocked => "blocked", "Blocked";
    BlockedNewAccounts => "blocked-new-accounts", "Blocked for new accounts";
    BlockedFreeTier => "blocked-free-tier", "Blocked on the free tier";
    Open => "open", "Open";
    OpenWithLimits => "open-with-limits", "Open, with limits";
    OpenWithMonitoring => "open-with-monitoring", "Open, monitored";
    Varies => "varies", "Varies";
    Unknown => "unknown", "Unknown";
});

labelled!(PortStatus {
    Open => "open", "Open";
    Blocked => "blocked", "Blocked";
    Unknown => "unknown", "Unknown";
});

labelled!(UnblockRoute {
    Never => "never", "Never";
    OnRequest => "on-request", "On request";
    SelfService => "self-service", "Self-service";
    PaidPlan => "paid-plan", "Paid plan";
    NotDocumented => "not-documented", "Not documented";
    NotNeeded => "not-needed", "Not needed";
    Varies => "varies", "Varies";
    Unknown => "unknown", "Unknown";
});

labelled!(Verdict {
    Confirmed => "confirmed", "Confirmed";
    Outdated => "outdated", "Outdated";
    Contradicted => "contradicted", "Contradicted";
    NotVerifiable => "not-verifiable", "Not verifiable";
});

labelled!(Confidence {
    High => "high", "High";
    Medium => "medium", "Medium";
    Low => "low", "Low";
});

labelled!(SourceKind {
    Official => "official", "Official";
    Secondary => "secondary", "Secondary";
});

labelled!(TlsMode {
    Starttls => "starttls", "STARTTLS";
    ImplicitTls => "implicit-tls", "Implicit TLS";
    Unspecified => "unspecified", "Not stated";
});

labelled!(Offered {
    Yes => "yes", "Yes";
    No => "no", "No";
    Unknown => "unknown", "Unknown";
});

labelled!(FreeKind {
    Ongoing => "ongoing", "Free tier";
    Trial => "trial", "Trial only";
    None => "none", "None";
    Unknown => "unknown", "Unknown";
});

labelled!(UsernameConvention {
    Literal => "literal", "A fixed word";
    AccessKeyId => "access-key-id", "Access key ID";
    PerDomainLogin => "per-domain-login", "Login per domain";
    ServerToken => "server-token", "Server token";
    AccountSmtpLogin => "account-smtp-login", "Account login";
    CreatedSmtpUser => "created-smtp-user", "SMTP user you create";
    ApiKey => "api-key", "API key";
    NotRecorded => "not-recorded", "Not recorded";
});

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    fn keys_match_serde<T: Labelled + Serialize>() {
        for value in T::ALL {
            let json = serde_json::to_string(value).unwrap();
            assert_eq!(json, format!("\"{}\"", value.key()));
            assert!(!value.label().is_empty());
        }
    }

    #[test]
    fn verdicts_read_as_words() {
        let labels: Vec<&str> = Verdict::ALL.iter().map(|v| v.label()).collect();
        assert_eq!(
            labels,
            ["Confirmed", "Outdated", "Contradicted", "Not verifiable"]
        );
    }

    #[test]
    fn every_key_is_the_data_files_spelling() {
        keys_match_serde::<ProviderCategory>();
        keys_match_serde::<Port25Policy>();
        keys_match_serde::<PortStatus>();
        keys_match_serde::<UnblockRoute>();
        keys_match_serde::<Confidence>();
        keys_match_serde::<SourceKind>();
        keys_match_serde::<TlsMode>();
        keys_match_serde::<Verdict>();
        keys_match_serde::<Offered>();
        keys_match_serde::<FreeKind>();
        keys_match_serde::<UsernameConvention>();
    }
}
