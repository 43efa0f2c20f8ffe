//! Wire types of the sender findings of an egress test ("who is sending"):
//! for every source address that connected and presented a live token, its
//! reverse DNS and whether that resolves back (FCrDNS), whether the EHLO
//! name matches, and its listing on the probe's DNS blocklists.
//!
//! `GET /api/v1/egress/{token}` carries them in
//! [`EgressStatus::senders`](super::egress::EgressStatus::senders). What
//! this module is not: the lookups (the probe's `sender` module) or their
//! reading ([`crate::sender`]); it only names what goes over the wire.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// What the PTR lookup of a source address found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum PtrState {
    /// One or more PTR names.
    Found,
    /// No PTR record (NXDOMAIN or no data).
    None,
    /// The lookup failed (SERVFAIL, REFUSED, timeout): nothing is known.
    Failed,
}

/// Reverse DNS of a source address, and whether it resolves back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReverseDns {
    /// What the PTR lookup found.
    pub ptr: PtrState,
    /// The PTR names, lowercase, without the trailing dot.
    pub names: Vec<String>,
    /// The PTR names whose A or AAAA records include the address (FCrDNS,
    /// RFC 8601 2.7.3); empty when none does.
    pub confirmed: Vec<String>,
    /// Why the PTR lookup failed, when it did.
    pub failure: Option<String>,
}

/// How the EHLO name relates to the source address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum EhloMatch {
    /// The EHLO name is a PTR name that resolves back to the address.
    PtrName,
    /// The EHLO name resolves to the address, but is not its PTR name.
    Resolves,
    /// The EHLO name is the address literal (`[192.0.2.1]`) of the source.
    Literal,
    /// The EHLO name neither resolves to the address nor is its PTR name.
    Mismatch,
    /// The EHLO name's lookup failed: nothing is known.
    Unknown,
}

/// The EHLO name a real MTA announced, and whether it matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EhloCheck {
    /// The name, as announced (lowercase).
    pub name: String,
    /// How it relates to the source address.
    pub matches: EhloMatch,
    /// The addresses the name resolves to (at most a few).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub addresses: Vec<IpAddr>,
}

/// A blocklist's answer for one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ListStatus {
    /// The list has the address (an answer in 127.0.0.0/8, RFC 5782 2.1).
    Listed,
    /// The list does not have it (NXDOMAIN, RFC 5782 2.1).
    NotListed,
    /// No usable answer: the list refused the probe's resolver, the
    /// lookup failed, or the answer was outside what a list returns.
    CouldNotQuery,
    /// The list does not take addresses of this family (an IPv4-only list
    /// and an IPv6 address).
    NotApplicable,
}

/// One blocklist's answer for a source address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListResult {
    /// The list's DNS zone, e.g. `zen.spamhaus.org`.
    pub zone: String,
    /// Its answer.
    pub status: ListStatus,
    /// The A records it answered (return codes), e.g. `127.0.0.2`.
    pub codes: Vec<String>,
    /// Why: the list's TXT text when listed, the reason when it could not
    /// be queried; empty otherwise.
    pub reason: String,
}

/// What the probe found out about one source address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SenderReport {
    /// The source address.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub source: IpAddr,
    /// When the checks ended, in milliseconds since the Unix epoch.
    pub checked_ms: u64,
    /// Reverse DNS and FCrDNS.
    pub reverse: ReverseDns,
    /// The EHLO name's match; absent when no real MTA announced one (the
    /// one-liners send the token as their EHLO name).
    pub ehlo: Option<EhloCheck>,
    /// Each configured blocklist's answer, in the configured order.
    pub lists: Vec<ListResult>,
    /// Set when the probe's resolver is a well-known public resolver, which
    /// some lists refuse: its name.
    pub public_resolver: Option<String>,
}

mod read {
    //! Reading the sender wire types from JSON the browser parsed.

    use super::super::read::{opt, read_names, req, JsonValue, ReadError, ReadJson};
    use super::*;

    read_names!(PtrState { "found" => PtrState::Found, "none" => PtrState::None, "failed" => PtrState::Failed });
    read_names!(EhloMatch {
        "ptr-name" => EhloMatch::PtrName,
        "resolves" => EhloMatch::Resolves,
        "literal" => EhloMatch::Literal,
        "mismatch" => EhloMatch::Mismatch,
        "unknown" => EhloMatch::Unknown,
    });
    read_names!(ListStatus {
        "listed" => ListStatus::Listed,
        "not-listed" => ListStatus::NotListed,
        "could-not-query" => ListStatus::CouldNotQuery,
        "not-applicable" => ListStatus::NotApplicable,
    });

    impl ReadJson for ReverseDns {
        fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
            Ok(ReverseDns {
                ptr: req(v, "ptr")?,
                names: req(v, "names")?,
                confirmed: req(v, "confirmed")?,
                failure: opt(v, "failure")?,
            })
        }
    }

    impl ReadJson for EhloCheck {
        fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
            Ok(EhloCheck {
                name: req(v, "name")?,
                matches: req(v, "matches")?,
                addresses: req(v, "addresses")?,
            })
        }
    }

    impl ReadJson for ListResult {
        fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
            Ok(ListResult {
                zone: req(v, "zone")?,
                status: req(v, "status")?,
                codes: req(v, "codes")?,
                reason: req(v, "reason")?,
            })
        }
    }

    impl ReadJson for SenderReport {
        fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
            Ok(SenderReport {
                source: req(v, "source")?,
                checked_ms: req(v, "checked_ms")?,
                reverse: req(v, "reverse")?,
                ehlo: opt(v, "ehlo")?,
                lists: req(v, "lists")?,
                public_resolver: opt(v, "public_resolver")?,
            })
        }
    }
}
