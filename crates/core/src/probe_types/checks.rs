//! The mail-security sections of a probe report: DNSSEC, DANE (RFC 7672),
//! MTA-STS (RFC 8461), TLS reporting (RFC 8460) and reverse DNS, for the
//! domain and per exchange and address.
//!
//! Every section has an [`CheckOutcome`] and a one-line `summary` in plain
//! words (for [`CheckOutcome::CouldNotTest`] the summary is the reason), and
//! every finding read from DNS says whether it was authenticated: `dnssec`
//! is what the validating resolver said ([`DnssecState`]) and
//! `authenticated` is true exactly when that is [`DnssecState::Secure`].
//!
//! # The verdict rule
//!
//! [`CheckOutcome::combine`] makes one outcome of several, and
//! [`MailChecks::outcome`] is that of every section (MTA-STS, TLS-RPT, and
//! per exchange DANE, the MTA-STS match and each address's reverse DNS):
//!
//! - **fail** when any section fails: something senders enforce is broken
//!   (a DANE record matches nothing, a bogus DNSSEC signature, an MTA-STS
//!   record without a fetchable valid policy, an enforce policy an exchange
//!   does not meet, a malformed TLS-RPT record);
//! - else **warn** when any section warns: nothing breaks delivery, but
//!   something is weaker than it looks (a testing-mode policy that would
//!   fail, TLSA records in an unsigned zone, reverse DNS missing or not
//!   matching, no TLS-RPT beside DANE or MTA-STS);
//! - else **pass** when at least one section passes;
//! - else **could not test** when at least one section could not be tested
//!   (the resolver does not validate, a lookup failed);
//! - else **not applicable** (the domain uses none of these mechanisms).
//!
//! Sections that could not be tested never turn a fail or a warn into
//! a pass; the summary counts them.
//!
//! What this module is not: the checks. They run in the probe; the parsing
//! and matching they rely on is [`crate::mailsec`].

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// How one check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum CheckOutcome {
    /// The mechanism is in place and works.
    Pass,
    /// Works for delivery, but weaker than it looks.
    Warn,
    /// Broken in a way senders enforce.
    Fail,
    /// The domain does not use this mechanism.
    NotApplicable,
    /// The probe could not judge it; the summary says why.
    CouldNotTest,
}

impl CheckOutcome {
    /// The kebab-case name, as in the JSON.
    pub fn name(self) -> &'static str {
        match self {
            CheckOutcome::Pass => "pass",
            CheckOutcome::Warn => "warn",
            CheckOutcome::Fail => "fail",
            CheckOutcome::NotApplicable => "not-applicable",
            CheckOutcome::CouldNotTest => "could-not-test",
        }
    }

    /// The word on the badge.
    pub fn word(self) -> &'static str {
        match self {
            CheckOutcome::Pass => "Pass",
            CheckOutcome::Warn => "Warning",
            CheckOutcome::Fail => "Fail",
            CheckOutcome::NotApplicable => "Not used",
            CheckOutcome::CouldNotTest => "Could not test",
        }
    }

    /// The badge's class (the shared `.badge` convention).
    pub fn badge_class(self) -> &'static str {
        match self {
            CheckOutcome::Pass => "badge b-pass",
            CheckOutcome::Warn => "badge b-warn",
            CheckOutcome::Fail => "badge b-fail",
            CheckOutcome::NotApplicable => "badge b-info",
            CheckOutcome::CouldNotTest => "badge b-unknown",
        }
    }

    /// The badge's glyph (never alone: the word is always shown).
    pub fn glyph(self) -> &'static str {
        match self {
            CheckOutcome::Pass => "✓",
            CheckOutcome::Warn => "!",
            CheckOutcome::Fail => "✕",
            CheckOutcome::NotApplicable => "i",
            CheckOutcome::CouldNotTest => "?",
        }
    }

    /// One outcome of several, by the verdict rule of this module: fail,
    /// else warn, else pass, else could not test, else not applicable
    /// (also for none at all).
    pub fn combine(outcomes: impl IntoIterator<Item = CheckOutcome>) -> CheckOutcome {
        let (mut fail, mut warn, mut pass, mut untested) = (false, false, false, false);
        for outcome in outcomes {
            match outcome {
                CheckOutcome::Fail => fail = true,
                CheckOutcome::Warn => warn = true,
                CheckOutcome::Pass => pass = true,
                CheckOutcome::CouldNotTest => untested = true,
                CheckOutcome::NotApplicable => {}
            }
        }
        if fail {
            CheckOutcome::Fail
        } else if warn {
            CheckOutcome::Warn
        } else if pass {
            CheckOutcome::Pass
        } else if untested {
            CheckOutcome::CouldNotTest
        } else {
            CheckOutcome::NotApplicable
        }
    }
}

/// What DNSSEC validation said about an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum DnssecState {
    /// Validated: the resolver set the AD bit and the probe trusts it.
    Secure,
    /// Provably unsigned (or the resolver validated and found no
    /// signatures): the answer could have been forged.
    Insecure,
    /// The signatures are wrong: validating resolvers refuse the answer.
    Bogus,
    /// Not known: the probe's resolver is not trusted to validate, or the
    /// lookup failed.
    Unchecked,
}

impl DnssecState {
    /// The kebab-case name, as in the JSON.
    pub fn name(self) -> &'static str {
        match self {
            DnssecState::Secure => "secure",
            DnssecState::Insecure => "insecure",
            DnssecState::Bogus => "bogus",
            DnssecState::Unchecked => "unchecked",
        }
    }

    /// Plain words for the page and the CLI.
    pub fn words(self) -> &'static str {
        match self {
            DnssecState::Secure => "DNSSEC-authenticated",
            DnssecState::Insecure => "not DNSSEC-signed",
            DnssecState::Bogus => "DNSSEC bogus: the signatures fail",
            DnssecState::Unchecked => "DNSSEC not checked",
        }
    }
}

/// The mail-security sections of a report (MX probes of port 25 only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailChecks {
    /// Every section combined by the verdict rule (module docs).
    pub outcome: CheckOutcome,
    /// One line: how many sections passed, warned, failed, could not be
    /// tested and are not used.
    pub summary: String,
    /// Whether the probe's resolver validates DNSSEC and the probe trusts
    /// its AD bit; without it every DNSSEC-dependent check could not test.
    pub dnssec_validation: bool,
    /// MTA-STS for the domain (RFC 8461).
    pub mta_sts: MtaStsCheck,
    /// TLS reporting for the domain (RFC 8460).
    pub tls_rpt: TlsRptCheck,
    /// Per exchange: DANE, the MTA-STS match and reverse DNS.
    pub exchanges: Vec<ExchangeChecks>,
    /// Time the checks added to the probe, in milliseconds.
    pub ms: u64,
}

/// The MTA-STS mode (RFC 8461 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum MtaStsMode {
    /// Senders must not deliver when the policy is not met.
    Enforce,
    /// Senders deliver anyway and report failures.
    Testing,
    /// The policy is withdrawn.
    None,
}

impl MtaStsMode {
    /// The name as in the policy file.
    pub fn name(self) -> &'static str {
        match self {
            MtaStsMode::Enforce => "enforce",
            MtaStsMode::Testing => "testing",
            MtaStsMode::None => "none",
        }
    }
}

/// A parsed MTA-STS policy (RFC 8461 3.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MtaStsPolicy {
    /// `version`, always `STSv1` once parsed.
    pub version: String,
    /// `mode`.
    pub mode: MtaStsMode,
    /// The `mx` patterns, in order.
    pub mx: Vec<String>,
    /// `max_age`, in seconds.
    pub max_age: u64,
}

/// The domain's MTA-STS: the TXT record, the policy, the problems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MtaStsCheck {
    /// The outcome.
    pub outcome: CheckOutcome,
    /// One line in plain words; the reason when not tested.
    pub summary: String,
    /// The TXT answer was DNSSEC-authenticated.
    pub authenticated: bool,
    /// DNSSEC's verdict on the `_mta-sts` TXT answer.
    pub dnssec: DnssecState,
    /// The `_mta-sts.<domain>` TXT record, when there is one.
    pub record: Option<String>,
    /// Its `id`.
    pub id: Option<String>,
    /// The policy's URL, when a fetch was tried.
    pub policy_url: Option<String>,
    /// The policy, when fetched and parsed.
    pub policy: Option<MtaStsPolicy>,
    /// Every problem found, in plain words.
    pub problems: Vec<String>,
}

/// The domain's TLS-RPT record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TlsRptCheck {
    /// The outcome.
    pub outcome: CheckOutcome,
    /// One line in plain words; the reason when not tested.
    pub summary: String,
    /// The TXT answer was DNSSEC-authenticated.
    pub authenticated: bool,
    /// DNSSEC's verdict on the `_smtp._tls` TXT answer.
    pub dnssec: DnssecState,
    /// The `_smtp._tls.<domain>` TXT record, when there is one.
    pub record: Option<String>,
    /// The `rua` destinations (mailto: and https: URIs).
    pub rua: Vec<String>,
    /// Every syntax problem, in plain words.
    pub problems: Vec<String>,
}

/// The checks of one exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExchangeChecks {
    /// The exchange's name.
    pub exchange: String,
    /// DANE for `_25._tcp.<exchange>`.
    pub dane: DaneCheck,
    /// Whether the exchange meets the domain's MTA-STS policy.
    pub mta_sts: MtaStsMatch,
    /// Reverse DNS of each probed address.
    pub reverse_dns: Vec<ReverseDnsCheck>,
}

/// One TLSA record (RFC 6698 2.1), as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TlsaRecord {
    /// Certificate usage: 2 DANE-TA, 3 DANE-EE; 0 and 1 (PKIX) are not
    /// used for SMTP (RFC 7672 3.1.3).
    pub usage: u8,
    /// Selector: 0 the whole certificate, 1 its public key.
    pub selector: u8,
    /// Matching type: 0 exact, 1 SHA-256, 2 SHA-512.
    pub matching_type: u8,
    /// The association data, lowercase hex.
    pub data: String,
    /// Whether SMTP senders use this record (RFC 7672 3.1).
    pub usable: bool,
}

/// DANE's verdict for one address of an exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DaneAddress {
    /// The address.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub address: IpAddr,
    /// The outcome.
    pub outcome: CheckOutcome,
    /// Which record matched, or why none did.
    pub summary: String,
    /// The index into [`DaneCheck::records`] of the record that matched.
    pub matched: Option<u32>,
}

/// DANE for one exchange (RFC 7672).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DaneCheck {
    /// The outcome.
    pub outcome: CheckOutcome,
    /// One line in plain words; the reason when not tested.
    pub summary: String,
    /// The TLSA answer was DNSSEC-authenticated.
    pub authenticated: bool,
    /// DNSSEC's verdict on the TLSA answer (or its denial).
    pub dnssec: DnssecState,
    /// The TLSA records found (also when they are not usable).
    pub records: Vec<TlsaRecord>,
    /// The presented chain of each probed address against the records.
    pub addresses: Vec<DaneAddress>,
}

/// Whether one exchange meets the MTA-STS policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MtaStsMatch {
    /// The outcome.
    pub outcome: CheckOutcome,
    /// One line in plain words.
    pub summary: String,
    /// The policy's `mx` pattern the name matched.
    pub pattern: Option<String>,
}

/// Reverse DNS of one address (informational: a mismatch is a warning).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReverseDnsCheck {
    /// The address.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub address: IpAddr,
    /// The outcome.
    pub outcome: CheckOutcome,
    /// One line in plain words; the reason when not tested.
    pub summary: String,
    /// The PTR answer was DNSSEC-authenticated.
    pub authenticated: bool,
    /// DNSSEC's verdict on the PTR answer.
    pub dnssec: DnssecState,
    /// The PTR names.
    pub names: Vec<String>,
    /// A PTR name resolves back to the address (FCrDNS).
    pub forward_confirmed: bool,
    /// The host name the greeting announced, when the greeting was read.
    pub greeting_name: Option<String>,
    /// Whether that name is one of the forward-confirmed PTR names.
    pub greeting_matches: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::CheckOutcome::{self, *};

    #[test]
    fn the_verdict_rule_orders_fail_warn_pass_untested_unused() {
        assert_eq!(CheckOutcome::combine([Pass, Fail, Warn]), Fail);
        assert_eq!(CheckOutcome::combine([Pass, CouldNotTest, Warn]), Warn);
        assert_eq!(CheckOutcome::combine([Pass, CouldNotTest]), Pass);
        assert_eq!(
            CheckOutcome::combine([NotApplicable, CouldNotTest]),
            CouldNotTest
        );
        assert_eq!(CheckOutcome::combine([NotApplicable]), NotApplicable);
        assert_eq!(CheckOutcome::combine([]), NotApplicable);
    }

    #[test]
    fn badges_carry_a_word_and_a_class_per_outcome() {
        for outcome in [Pass, Warn, Fail, NotApplicable, CouldNotTest] {
            assert!(outcome.badge_class().starts_with("badge b-"));
            assert!(!outcome.word().is_empty());
            let json = serde_json::to_string(&outcome).unwrap();
            assert_eq!(json, format!("\"{}\"", outcome.name()));
        }
    }
}
