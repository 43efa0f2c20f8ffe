//! Who is sending, the pure part: for a source address that reached the
//! egress listeners, the names and answers the probe must look up and how
//! to read what came back: reverse DNS and forward confirmation (FCrDNS),
//! the EHLO name's match, and DNS blocklists (DNSBLs); then the rows and
//! badges the egress page shows.
//!
//! DNSBL queries follow RFC 5782: the address's octets reversed (IPv4,
//! 2.1) or its nibbles reversed (IPv6, 2.4), prepended to the list's zone;
//! NXDOMAIN means "not listed", an A record in 127.0.0.0/8 means "listed",
//! with the reason in a TXT record at the same name (2.2). Spamhaus answers
//! errors about the query itself from 127.255.255.0/24, which are never a
//! listing: 127.255.255.254 for a query through a public or open resolver
//! and 127.255.255.255 for excessive queries
//! (<https://www.spamhaus.org/news/article/788/>, and the return codes of
//! the DNSBL usage FAQ, <https://www.spamhaus.org/faqs/dnsbl-usage/>). An
//! answer outside 127.0.0.0/8 means the list misbehaves (a wildcard, a
//! lapsed domain), and is reported as "could not query", never as clean.
//!
//! What this module is not: the lookups. The probe's `sender` module asks
//! the DNS and hands the answers to these functions.

use std::net::{IpAddr, Ipv4Addr};

use crate::egress::Badge;
use crate::probe_types::sender::{
    EhloCheck, EhloMatch, ListResult, ListStatus, PtrState, ReverseDns, SenderReport,
};
use crate::probe_types::DnsFailure;

/// The most distinct source addresses checked per egress test.
pub const MAX_SOURCES: usize = 8;

/// The most PTR names of one address that are looked up forward.
pub const MAX_PTR_NAMES: usize = 4;

/// The most addresses kept of an EHLO name's lookup.
pub const MAX_EHLO_ADDRESSES: usize = 8;

/// The most blocklists one probe queries.
pub const MAX_LISTS: usize = 8;

/// The blocklists queried by default (`--dnsbl`), each with its usage page:
/// - `zen.spamhaus.org`, IPv4 and IPv6: Spamhaus SBL, XBL, CSS and PBL in
///   one zone (<https://www.spamhaus.org/faqs/dnsbl-usage/>; return codes at
///   <https://docs.spamhaus.com/datasets/docs/source/10-data-type-documentation/datasets/040-zones.html>;
///   IPv6 queries in nibble format at
///   <https://docs.spamhaus.com/datasets/docs/source/70-access-methods/data-query-service/040-dqs-queries.html>).
///   It refuses queries through public resolvers and answers
///   127.255.255.254: run a resolver of your own.
/// - `bl.spamcop.net`, IPv4: the SpamCop Blocking List
///   (<https://www.spamcop.net/bl.shtml>).
pub const DEFAULT_LISTS: [&str; 2] = ["zen.spamhaus.org:ipv6", "bl.spamcop.net"];

/// A DNS blocklist the probe queries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dnsbl {
    /// Its zone, lowercase, without the trailing dot.
    pub zone: String,
    /// Whether it takes IPv6 addresses (RFC 5782 2.4); IPv4 always.
    pub ipv6: bool,
}

/// Reads a list setting: `ZONE` (IPv4 only) or `ZONE:ipv6` (both).
pub fn parse_dnsbl(spec: &str) -> Result<Dnsbl, String> {
    let (zone, ipv6) = match spec.trim().rsplit_once(':') {
        Some((zone, "ipv6")) => (zone, true),
        Some(_) => return Err(format!("{spec}: write ZONE or ZONE:ipv6")),
        None => (spec.trim(), false),
    };
    let zone = zone.trim_end_matches('.').to_ascii_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if zone.len() > 180 || !zone.contains('.') || !zone.split('.').all(label_ok) {
        return Err(format!("{spec}: not a DNS zone name"));
    }
    Ok(Dnsbl { zone, ipv6 })
}

/// The name to look up for `address` on `list` (RFC 5782 2.1, 2.4), or
/// `None` when the list does not take the address's family.
pub fn query_name(address: IpAddr, list: &Dnsbl) -> Option<String> {
    match address.to_canonical() {
        IpAddr::V4(v4) => {
            let [a, b, c, d] = v4.octets();
            Some(format!("{d}.{c}.{b}.{a}.{}", list.zone))
        }
        IpAddr::V6(v6) if list.ipv6 => {
            let mut out = String::with_capacity(64 + list.zone.len());
            for byte in v6.octets().iter().rev() {
                for nibble in [byte & 15, byte >> 4] {
                    out.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
                    out.push('.');
                }
            }
            out.push_str(&list.zone);
            Some(out)
        }
        IpAddr::V6(_) => None,
    }
}

/// What a DNS question got, as the probe hands it over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer<T> {
    /// Records of the type asked for.
    Records(Vec<T>),
    /// The name does not exist (NXDOMAIN).
    NoSuchName,
    /// The name exists without records of that type (NODATA).
    NoData,
    /// No usable answer.
    Failed(DnsFailure),
}

impl<T> Answer<T> {
    /// The same answer with each record turned into a `U`, or dropped when
    /// `f` gives `None` (records of another type).
    pub fn filter_map<U>(self, f: impl FnMut(T) -> Option<U>) -> Answer<U> {
        match self {
            Answer::Records(records) => {
                Answer::Records(records.into_iter().filter_map(f).collect())
            }
            Answer::NoSuchName => Answer::NoSuchName,
            Answer::NoData => Answer::NoData,
            Answer::Failed(failure) => Answer::Failed(failure),
        }
    }
}

/// Says why a lookup failed, in plain words.
pub fn failure_reason(failure: DnsFailure) -> &'static str {
    match failure {
        DnsFailure::NoSuchDomain => "the name does not exist",
        DnsFailure::ServerFailure => "the probe's resolver answered SERVFAIL (the list's servers failed or did not answer it)",
        DnsFailure::Refused => "the probe's resolver refused the query (REFUSED)",
        DnsFailure::Timeout => "no answer in time",
        DnsFailure::Unreachable => "the probe could not reach its resolver",
        DnsFailure::Other => "the resolver gave no usable answer",
    }
}

/// The reason for a return code in 127.255.255.0/24, which Spamhaus uses
/// for errors about the query, never for a listing.
fn error_code(code: Ipv4Addr) -> Option<String> {
    let [a, b, c, d] = code.octets();
    if (a, b, c) != (127, 255, 255) {
        return None;
    }
    Some(match d {
        254 => "the list refuses queries through public or open resolvers (return code 127.255.255.254); the probe needs a resolver of its own".to_owned(),
        255 => "the list refused the probe's resolver for excessive queries (return code 127.255.255.255)".to_owned(),
        _ => format!("the list answered an error code about the query ({code}), not a listing"),
    })
}

/// Tells whether the A answer lists the address, so that its TXT reason is
/// worth a lookup (RFC 5782 2.2).
pub fn is_listing(answer: &Answer<IpAddr>) -> bool {
    matches!(read_list("", answer, &[]).status, ListStatus::Listed)
}

/// Reads a list's A answer (and the TXT texts, when it lists the address).
pub fn read_list(zone: &str, answer: &Answer<IpAddr>, txt: &[String]) -> ListResult {
    let result = |status, codes: Vec<String>, reason: String| ListResult {
        zone: zone.to_owned(),
        status,
        codes,
        reason,
    };
    let codes = match answer {
        Answer::NoSuchName | Answer::NoData => {
            return result(ListStatus::NotListed, Vec::new(), String::new())
        }
        Answer::Failed(failure) => {
            return result(
                ListStatus::CouldNotQuery,
                Vec::new(),
                failure_reason(*failure).to_owned(),
            )
        }
        Answer::Records(codes) if codes.is_empty() => {
            return result(ListStatus::NotListed, Vec::new(), String::new())
        }
        Answer::Records(codes) => codes,
    };
    let shown: Vec<String> = codes.iter().map(IpAddr::to_string).collect();
    let v4: Vec<Ipv4Addr> = codes
        .iter()
        .filter_map(|c| match c {
            IpAddr::V4(v4) => Some(*v4),
            IpAddr::V6(_) => None,
        })
        .collect();
    if v4.len() != codes.len() || v4.iter().any(|c| c.octets()[0] != 127) {
        return result(
            ListStatus::CouldNotQuery,
            shown.clone(),
            format!(
                "the list answered {}, outside 127.0.0.0/8 where listings are (RFC 5782 2.1): it is misbehaving, so its answer means nothing",
                shown.join(", ")
            ),
        );
    }
    if let Some(reason) = v4.iter().find_map(|c| error_code(*c)) {
        return result(ListStatus::CouldNotQuery, shown, reason);
    }
    if v4.contains(&Ipv4Addr::new(127, 0, 0, 1)) {
        return result(
            ListStatus::CouldNotQuery,
            shown,
            "the list answered 127.0.0.1, which lists do not use as a listing code, so the probe reads it as an error, not a listing".to_owned(),
        );
    }
    let reason = txt
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .take(2)
        .map(|t| t.chars().take(200).collect::<String>())
        .collect::<Vec<_>>()
        .join("; ");
    result(ListStatus::Listed, shown, reason)
}

/// Normalizes a DNS name: lowercase, no trailing dot.
pub fn normal_name(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// Reads reverse DNS: the PTR answer, and the forward addresses of (at
/// most [`MAX_PTR_NAMES`] of) its names.
pub fn read_reverse(
    address: IpAddr,
    ptr: &Answer<String>,
    forwards: &[(String, Vec<IpAddr>)],
) -> ReverseDns {
    let address = address.to_canonical();
    match ptr {
        Answer::Failed(failure) => ReverseDns {
            ptr: PtrState::Failed,
            names: Vec::new(),
            confirmed: Vec::new(),
            failure: Some(failure_reason(*failure).to_owned()),
        },
        Answer::NoSuchName | Answer::NoData => ReverseDns {
            ptr: PtrState::None,
            names: Vec::new(),
            confirmed: Vec::new(),
            failure: None,
        },
        Answer::Records(names) => {
            let mut names: Vec<String> = names.iter().map(|n| normal_name(n)).collect();
            names.dedup();
            let confirmed = names
                .iter()
                .take(MAX_PTR_NAMES)
                .filter(|name| {
                    forwards.iter().any(|(n, addresses)| {
                        normal_name(n) == **name
                            && addresses.iter().any(|a| a.to_canonical() == address)
                    })
                })
                .cloned()
                .collect();
            ReverseDns {
                ptr: if names.is_empty() {
                    PtrState::None
                } else {
                    PtrState::Found
                },
                names,
                confirmed,
                failure: None,
            }
        }
    }
}

/// The address of an EHLO address literal (`[192.0.2.1]`,
/// `[IPv6:2001:db8::1]`, RFC 5321 4.1.3), if `name` is one.
pub fn ehlo_literal(name: &str) -> Option<IpAddr> {
    let inner = name.trim().strip_prefix('[')?.strip_suffix(']')?;
    match inner.get(..5) {
        Some(tag) if tag.eq_ignore_ascii_case("ipv6:") => inner[5..].parse().ok(),
        _ => inner.parse::<Ipv4Addr>().ok().map(IpAddr::V4),
    }
}

/// Reads the EHLO name's match: `resolved` is the name's A and AAAA
/// answer (ignored for an address literal).
pub fn read_ehlo(
    name: &str,
    address: IpAddr,
    reverse: &ReverseDns,
    resolved: &Answer<IpAddr>,
) -> EhloCheck {
    let address = address.to_canonical();
    let shown = normal_name(name);
    if let Some(literal) = ehlo_literal(name) {
        return EhloCheck {
            name: shown,
            matches: if literal.to_canonical() == address {
                EhloMatch::Literal
            } else {
                EhloMatch::Mismatch
            },
            addresses: vec![literal],
        };
    }
    let addresses: Vec<IpAddr> = match resolved {
        Answer::Records(addresses) => addresses.iter().take(MAX_EHLO_ADDRESSES).copied().collect(),
        _ => Vec::new(),
    };
    let resolves = addresses.iter().any(|a| a.to_canonical() == address);
    let matches = if resolves && reverse.confirmed.contains(&shown) {
        EhloMatch::PtrName
    } else if resolves {
        EhloMatch::Resolves
    } else if let Answer::Failed(failure) = resolved {
        // NXDOMAIN is an answer (the name is not real); a failure is not.
        if *failure == DnsFailure::NoSuchDomain {
            EhloMatch::Mismatch
        } else {
            EhloMatch::Unknown
        }
    } else {
        EhloMatch::Mismatch
    };
    EhloCheck {
        name: shown,
        matches,
        addresses,
    }
}

/// The name of a well-known public resolver at `address`, if it is one:
/// lists such as Spamhaus's refuse queries through them.
pub fn public_resolver(address: IpAddr) -> Option<&'static str> {
    let text = address.to_canonical().to_string();
    Some(match text.as_str() {
        "8.8.8.8" | "8.8.4.4" | "2001:4860:4860::8888" | "2001:4860:4860::8844" => {
            "Google Public DNS"
        }
        "1.1.1.1" | "1.0.0.1" | "2606:4700:4700::1111" | "2606:4700:4700::1001" => {
            "Cloudflare 1.1.1.1"
        }
        "9.9.9.9" | "149.112.112.112" | "2620:fe::fe" | "2620:fe::9" => "Quad9",
        "208.67.222.222" | "208.67.220.220" | "2620:119:35::35" | "2620:119:53::53" => "OpenDNS",
        _ => return None,
    })
}

/// One finding as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SenderRow {
    /// What was checked, e.g. "Reverse DNS (PTR)" or a list's zone.
    pub title: String,
    /// The badge.
    pub badge: Badge,
    /// The badge's word ("pass", "listed", "could not query"...).
    pub word: &'static str,
    /// One line: what was found, and why it matters.
    pub finding: String,
    /// The glossary entry (`/glossary#<id>`) and its link's words.
    pub glossary: Option<(&'static str, &'static str)>,
}

/// The rows of one source address: reverse DNS, FCrDNS, the EHLO name,
/// then each list.
pub fn sender_rows(report: &SenderReport) -> Vec<SenderRow> {
    let address = report.source;
    let reverse = &report.reverse;
    let mut rows = Vec::new();
    let (badge, word, finding) = match reverse.ptr {
        PtrState::Found => (
            Badge::Pass,
            "found",
            format!("{address} has reverse DNS: {}.", reverse.names.join(", ")),
        ),
        PtrState::None => (
            Badge::Fail,
            "none",
            format!("{address} has no reverse DNS (PTR record); many receivers, Gmail among them, refuse or distrust mail from such an address."),
        ),
        PtrState::Failed => (
            Badge::Unknown,
            "could not query",
            format!(
                "The PTR lookup failed: {}.",
                reverse.failure.as_deref().unwrap_or("no answer")
            ),
        ),
    };
    rows.push(SenderRow {
        title: "Reverse DNS (PTR)".to_owned(),
        badge,
        word,
        finding,
        glossary: Some(("ptr", "What is a PTR record?")),
    });
    let (badge, word, finding) = match reverse.ptr {
        PtrState::Found if !reverse.confirmed.is_empty() => (
            Badge::Pass,
            "pass",
            format!("{} resolves back to {address}.", reverse.confirmed.join(", ")),
        ),
        PtrState::Found => (
            Badge::Fail,
            "fail",
            format!(
                "{} does not resolve back to {address}: receivers that check forward-confirmed reverse DNS treat it as having none.",
                reverse.names.join(", ")
            ),
        ),
        PtrState::None => (
            Badge::Fail,
            "fail",
            "Without a PTR name there is nothing to resolve back.".to_owned(),
        ),
        PtrState::Failed => (
            Badge::Unknown,
            "could not query",
            "Not known: the PTR lookup failed.".to_owned(),
        ),
    };
    rows.push(SenderRow {
        title: "Forward-confirmed (FCrDNS)".to_owned(),
        badge,
        word,
        finding,
        glossary: Some(("fcrdns", "What is FCrDNS?")),
    });
    let (badge, word, finding) = match &report.ehlo {
        None => (
            Badge::Unknown,
            "not applicable",
            "The test commands announce the token as their EHLO name; a real mail from your server's MTA shows the name it uses.".to_owned(),
        ),
        Some(ehlo) => match ehlo.matches {
            EhloMatch::PtrName => (
                Badge::Pass,
                "match",
                format!("{} is the address's reverse DNS name and resolves to it.", ehlo.name),
            ),
            EhloMatch::Resolves => (
                Badge::Pass,
                "match",
                format!("{} resolves to {address} (it is not the PTR name, which most receivers accept).", ehlo.name),
            ),
            EhloMatch::Literal => (
                Badge::Warn,
                "literal",
                format!("{} is an address literal: valid, but many receivers score it as spam-like; announce a name that resolves to {address}.", ehlo.name),
            ),
            EhloMatch::Mismatch => (
                Badge::Warn,
                "mismatch",
                format!("{} does not resolve to {address} and is not its PTR name; set the MTA's host name (Postfix myhostname) to the PTR name.", ehlo.name),
            ),
            EhloMatch::Unknown => (
                Badge::Unknown,
                "could not query",
                format!("{}: its lookup failed, so its match is not known.", ehlo.name),
            ),
        },
    };
    rows.push(SenderRow {
        title: "EHLO name".to_owned(),
        badge,
        word,
        finding,
        glossary: Some(("ehlo", "What is EHLO?")),
    });
    for list in &report.lists {
        let codes = if list.codes.is_empty() {
            String::new()
        } else {
            format!(" ({})", list.codes.join(", "))
        };
        let (badge, word, finding) = match list.status {
            ListStatus::Listed => (
                Badge::Fail,
                "listed",
                if list.reason.is_empty() {
                    format!("{address} is listed{codes}.")
                } else {
                    format!("{address} is listed{codes}: {}", list.reason)
                },
            ),
            ListStatus::NotListed => (
                Badge::Pass,
                "not listed",
                format!("{address} is not listed."),
            ),
            ListStatus::CouldNotQuery => (
                Badge::Unknown,
                "could not query",
                format!("Not known, not clean: {}.", list.reason),
            ),
            ListStatus::NotApplicable => (
                Badge::Unknown,
                "not applicable",
                "This list takes IPv4 addresses only.".to_owned(),
            ),
        };
        rows.push(SenderRow {
            title: list.zone.clone(),
            badge,
            word,
            finding,
            glossary: Some(("dnsbl", "What is a DNSBL?")),
        });
    }
    rows
}

/// The note under a source's rows when the probe's resolver is public.
pub fn resolver_note(report: &SenderReport) -> Option<String> {
    report.public_resolver.as_ref().map(|name| {
        format!(
            "The probe queries the lists through {name}, a public resolver, which some lists (Spamhaus among them) refuse: their \"could not query\" says nothing about your address."
        )
    })
}

/// The word on a sender summary's badge.
pub fn summary_word(badge: Badge) -> &'static str {
    match badge {
        Badge::Pass => "good",
        Badge::Warn => "check",
        Badge::Fail => "problem",
        Badge::Unknown => "not known",
    }
}

/// One line for the verdict on a source address, and its badge: the worst
/// finding first.
pub fn sender_summary(report: &SenderReport) -> (Badge, String) {
    let rows = sender_rows(report);
    let listed: Vec<&str> = report
        .lists
        .iter()
        .filter(|l| l.status == ListStatus::Listed)
        .map(|l| l.zone.as_str())
        .collect();
    let unknown = report
        .lists
        .iter()
        .filter(|l| l.status == ListStatus::CouldNotQuery)
        .count();
    let mut parts = Vec::new();
    parts.push(
        match (report.reverse.ptr, report.reverse.confirmed.first()) {
            (PtrState::Found, Some(name)) => format!("reverse DNS {name} resolves back"),
            (PtrState::Found, None) => "reverse DNS does not resolve back".to_owned(),
            (PtrState::None, _) => "no reverse DNS".to_owned(),
            (PtrState::Failed, _) => "reverse DNS not known".to_owned(),
        },
    );
    if let Some(ehlo) = &report.ehlo {
        parts.push(match ehlo.matches {
            EhloMatch::PtrName | EhloMatch::Resolves => format!("EHLO {} matches", ehlo.name),
            EhloMatch::Literal => "EHLO is an address literal".to_owned(),
            EhloMatch::Mismatch => format!("EHLO {} does not match", ehlo.name),
            EhloMatch::Unknown => format!("EHLO {} not known", ehlo.name),
        });
    }
    if !listed.is_empty() {
        parts.push(format!("listed on {}", listed.join(", ")));
    } else if !report.lists.is_empty() && unknown < report.lists.len() {
        parts.push("on no list that answered".to_owned());
    }
    if unknown > 0 {
        parts.push(format!(
            "{unknown} of {} lists could not be queried",
            report.lists.len()
        ));
    }
    let badge = if rows.iter().any(|r| r.badge == Badge::Fail) {
        Badge::Fail
    } else if rows.iter().any(|r| r.badge == Badge::Warn) {
        Badge::Warn
    } else if rows
        .iter()
        .any(|r| r.badge == Badge::Unknown && r.word == "could not query")
    {
        Badge::Unknown
    } else {
        Badge::Pass
    };
    (badge, format!("{}: {}.", report.source, parts.join("; ")))
}

/// A report for tests of the wire format.
#[cfg(test)]
pub(crate) fn sample_report() -> SenderReport {
    SenderReport {
        source: "192.0.2.7".parse().unwrap(),
        checked_ms: 1_700_000_002_000,
        reverse: ReverseDns {
            ptr: PtrState::Found,
            names: vec!["mail.example.net".into()],
            confirmed: vec!["mail.example.net".into()],
            failure: None,
        },
        ehlo: Some(EhloCheck {
            name: "mail.example.net".into(),
            matches: EhloMatch::PtrName,
            addresses: vec!["192.0.2.7".parse().unwrap()],
        }),
        lists: vec![ListResult {
            zone: "bl.example".into(),
            status: ListStatus::Listed,
            codes: vec!["127.0.0.2".into()],
            reason: "seen sending spam".into(),
        }],
        public_resolver: Some("Quad9".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn list(zone: &str, ipv6: bool) -> Dnsbl {
        Dnsbl {
            zone: zone.into(),
            ipv6,
        }
    }

    #[test]
    fn query_names_reverse_octets_and_nibbles() {
        let zen = list("zen.spamhaus.org", true);
        // RFC 5782 2.1's example: 192.168.42.23 -> 23.42.168.192.
        assert_eq!(
            query_name(ip("192.168.42.23"), &zen).as_deref(),
            Some("23.42.168.192.zen.spamhaus.org")
        );
        assert_eq!(
            query_name(ip("::ffff:192.0.2.1"), &zen).as_deref(),
            Some("1.2.0.192.zen.spamhaus.org"),
            "a mapped address is its IPv4 address"
        );
        // RFC 5782 2.4's example.
        assert_eq!(
            query_name(ip("2001:db8:1:2:3:4:567:89ab"), &zen).as_deref(),
            Some(
                "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org"
            )
        );
        assert_eq!(
            query_name(ip("2001:db8::1"), &list("bl.spamcop.net", false)),
            None
        );
    }

    #[test]
    fn list_settings_parse() {
        assert_eq!(
            parse_dnsbl("Zen.Spamhaus.org.:ipv6"),
            Ok(list("zen.spamhaus.org", true))
        );
        assert_eq!(
            parse_dnsbl("bl.spamcop.net"),
            Ok(list("bl.spamcop.net", false))
        );
        for bad in [
            "",
            "bl",
            "bl..net",
            "-x.net",
            "bl.net:v6",
            "b l.net",
            "a_b.net",
        ] {
            assert!(parse_dnsbl(bad).is_err(), "{bad}");
        }
        for spec in DEFAULT_LISTS {
            assert!(parse_dnsbl(spec).is_ok(), "{spec}");
        }
    }

    #[test]
    fn list_answers_read_as_listed_not_listed_or_could_not_query() {
        let read = |answer: Answer<IpAddr>, txt: &[&str]| {
            let txt: Vec<String> = txt.iter().map(|t| t.to_string()).collect();
            read_list("bl.example", &answer, &txt)
        };
        let nx = read(Answer::NoSuchName, &[]);
        assert_eq!(nx.status, ListStatus::NotListed);
        assert_eq!(read(Answer::NoData, &[]).status, ListStatus::NotListed);
        let listed = read(Answer::Records(vec![ip("127.0.0.2")]), &["spam seen", ""]);
        assert_eq!(listed.status, ListStatus::Listed);
        assert_eq!(listed.codes, ["127.0.0.2"]);
        assert_eq!(listed.reason, "spam seen");
        assert!(is_listing(&Answer::Records(vec![ip("127.0.0.10")])));
        let public = read(Answer::Records(vec![ip("127.255.255.254")]), &[]);
        assert_eq!(public.status, ListStatus::CouldNotQuery);
        assert!(
            public.reason.contains("public or open resolvers"),
            "{}",
            public.reason
        );
        assert!(!is_listing(&Answer::Records(vec![ip("127.255.255.254")])));
        let volume = read(Answer::Records(vec![ip("127.255.255.255")]), &[]);
        assert!(volume.reason.contains("excessive"), "{}", volume.reason);
        let other = read(Answer::Records(vec![ip("127.255.255.252")]), &[]);
        assert_eq!(other.status, ListStatus::CouldNotQuery);
        // An error code beside a listing still makes the answer unusable.
        let mixed = read(
            Answer::Records(vec![ip("127.0.0.2"), ip("127.255.255.254")]),
            &[],
        );
        assert_eq!(mixed.status, ListStatus::CouldNotQuery);
        let wildcard = read(Answer::Records(vec![ip("203.0.113.9")]), &[]);
        assert_eq!(wildcard.status, ListStatus::CouldNotQuery);
        assert!(wildcard.reason.contains("misbehaving"));
        assert_eq!(
            read(Answer::Records(vec![ip("127.0.0.1")]), &[]).status,
            ListStatus::CouldNotQuery
        );
        for failure in [
            DnsFailure::ServerFailure,
            DnsFailure::Refused,
            DnsFailure::Timeout,
        ] {
            let failed = read(Answer::Failed(failure), &[]);
            assert_eq!(failed.status, ListStatus::CouldNotQuery);
            assert_eq!(failed.reason, failure_reason(failure));
        }
        assert!(read(Answer::Failed(DnsFailure::ServerFailure), &[])
            .reason
            .contains("SERVFAIL"));
    }

    #[test]
    fn reverse_dns_is_confirmed_only_by_a_forward_match() {
        let a = ip("127.0.0.2");
        let names = Answer::Records(vec!["Mail.Example.".to_owned(), "other.example".to_owned()]);
        let confirmed = read_reverse(
            a,
            &names,
            &[
                (
                    "mail.example".into(),
                    vec![ip("127.0.0.9"), ip("127.0.0.2")],
                ),
                ("other.example".into(), vec![ip("127.0.0.3")]),
            ],
        );
        assert_eq!(confirmed.ptr, PtrState::Found);
        assert_eq!(confirmed.names, ["mail.example", "other.example"]);
        assert_eq!(confirmed.confirmed, ["mail.example"]);
        let not_back = read_reverse(a, &names, &[("mail.example".into(), vec![ip("127.0.0.3")])]);
        assert!(not_back.confirmed.is_empty());
        assert_eq!(
            read_reverse(a, &Answer::NoSuchName, &[]).ptr,
            PtrState::None
        );
        let failed = read_reverse(a, &Answer::Failed(DnsFailure::Timeout), &[]);
        assert_eq!(failed.ptr, PtrState::Failed);
        assert_eq!(failed.failure.as_deref(), Some("no answer in time"));
    }

    #[test]
    fn ehlo_names_match_by_ptr_by_address_or_not() {
        let a = ip("127.0.0.2");
        let reverse = read_reverse(
            a,
            &Answer::Records(vec!["mail.example".into()]),
            &[("mail.example".into(), vec![a])],
        );
        let to_a = Answer::Records(vec![a]);
        assert_eq!(
            read_ehlo("MAIL.example.", a, &reverse, &to_a).matches,
            EhloMatch::PtrName
        );
        assert_eq!(
            read_ehlo("alias.example", a, &reverse, &to_a).matches,
            EhloMatch::Resolves
        );
        let elsewhere = Answer::Records(vec![ip("127.0.0.3")]);
        assert_eq!(
            read_ehlo("mail.example", a, &reverse, &elsewhere).matches,
            EhloMatch::Mismatch
        );
        assert_eq!(
            read_ehlo(
                "gone.example",
                a,
                &reverse,
                &Answer::Failed(DnsFailure::NoSuchDomain)
            )
            .matches,
            EhloMatch::Mismatch
        );
        assert_eq!(
            read_ehlo(
                "x.example",
                a,
                &reverse,
                &Answer::Failed(DnsFailure::Timeout)
            )
            .matches,
            EhloMatch::Unknown
        );
        assert_eq!(
            read_ehlo("[127.0.0.2]", a, &reverse, &Answer::NoData).matches,
            EhloMatch::Literal
        );
        assert_eq!(
            read_ehlo("[127.0.0.3]", a, &reverse, &Answer::NoData).matches,
            EhloMatch::Mismatch
        );
        assert_eq!(ehlo_literal("[IPv6:2001:db8::1]"), Some(ip("2001:db8::1")));
        assert_eq!(ehlo_literal("mail.example"), None);
    }

    #[test]
    fn public_resolvers_are_named() {
        assert_eq!(public_resolver(ip("8.8.8.8")), Some("Google Public DNS"));
        assert_eq!(
            public_resolver(ip("2606:4700:4700::1111")),
            Some("Cloudflare 1.1.1.1")
        );
        assert_eq!(public_resolver(ip("127.0.0.1")), None);
    }

    #[test]
    fn answers_keep_their_kind_when_their_records_are_mapped() {
        let parsed = Answer::Records(vec!["127.0.0.2", "not an address"])
            .filter_map(|r| r.parse::<IpAddr>().ok());
        assert_eq!(parsed, Answer::Records(vec![ip("127.0.0.2")]));
        let failed: Answer<&str> = Answer::Failed(DnsFailure::Timeout);
        assert_eq!(
            failed.filter_map(|r| r.parse::<IpAddr>().ok()),
            Answer::Failed(DnsFailure::Timeout)
        );
        assert_eq!(
            Answer::<&str>::NoSuchName.filter_map(|_| Some(1)),
            Answer::NoSuchName
        );
    }

    #[test]
    fn rows_carry_badge_word_and_glossary_and_never_call_unknown_clean() {
        let mut report = sample_report();
        let rows = sender_rows(&report);
        let titles: Vec<&str> = rows.iter().map(|r| r.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Reverse DNS (PTR)",
                "Forward-confirmed (FCrDNS)",
                "EHLO name",
                "bl.example"
            ]
        );
        assert_eq!(rows[1].glossary.map(|g| g.0), Some("fcrdns"));
        assert_eq!((rows[3].badge, rows[3].word), (Badge::Fail, "listed"));
        assert!(rows[3].finding.contains("seen sending spam"));
        assert_eq!(sender_summary(&report).0, Badge::Fail);
        report.lists[0] = ListResult {
            zone: "zen.example".into(),
            status: ListStatus::CouldNotQuery,
            codes: vec!["127.255.255.254".into()],
            reason: "the list refuses queries through public or open resolvers".into(),
        };
        let rows = sender_rows(&report);
        assert_eq!(
            (rows[3].badge, rows[3].word),
            (Badge::Unknown, "could not query")
        );
        assert!(rows[3].finding.starts_with("Not known, not clean"));
        let (badge, line) = sender_summary(&report);
        assert_eq!(badge, Badge::Unknown);
        assert!(line.contains("1 of 1 lists could not be queried"), "{line}");
        assert!(!line.contains("on no list"), "{line}");
        assert!(resolver_note(&report).unwrap().contains("Quad9"));
        report.ehlo = None;
        report.lists[0].status = ListStatus::NotListed;
        report.lists[0].reason.clear();
        let rows = sender_rows(&report);
        assert_eq!(
            (rows[2].badge, rows[2].word),
            (Badge::Unknown, "not applicable")
        );
        assert_eq!(
            sender_summary(&report).0,
            Badge::Pass,
            "not applicable is no finding"
        );
        report.reverse.confirmed.clear();
        assert_eq!(sender_summary(&report).0, Badge::Fail);
    }
}
