//! The SSRF guard: which targets and addresses the probe may connect to.
//!
//! A public probe that connects wherever it is told is a way into the
//! network it runs in. This module reads a user's target (a host name, or an
//! IP literal in any spelling a resolver or `inet_aton` would accept) and
//! admits only globally routable unicast addresses: no loopback, private,
//! link-local, shared (CGNAT), documentation, benchmarking, reserved,
//! multicast or cloud-metadata addresses, and none of those hidden inside
//! IPv6 forms that embed IPv4 (mapped, compatible, NAT64, 6to4). The engine
//! connects only to a [`VettedAddr`], which nothing but [`Guard::vet`]
//! makes. What this module is not: a resolver or a rate limiter; it is pure
//! and does no I/O.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The longest host name in text form (RFC 1035 2.3.4, without the root dot).
pub const MAX_NAME_LEN: usize = 253;

/// A parsed, normalized target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A host or domain name in lowercase A-label form, no trailing dot.
    Name(String),
    /// An IP literal (checked separately by [`Guard::check`]).
    Ip(IpAddr),
}

/// Why a target string is not a usable host name or IP literal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a usable host: {kind}")]
pub struct TargetError {
    /// The target as given.
    pub input: String,
    /// What is wrong with it.
    pub kind: TargetErrorKind,
}

/// What is wrong with a target string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetErrorKind {
    /// The target is empty.
    #[error("it is empty")]
    Empty,
    /// The name fails IDNA processing (UTS 46) or LDH rules (RFC 1123 2.1).
    #[error("it is not a valid host name")]
    InvalidName,
    /// The name or one of its labels is too long (RFC 1035 2.3.4).
    #[error("it is too long")]
    TooLong,
    /// A single-label name, which a resolver would complete with its own
    /// search domains.
    #[error("it has a single label; give a fully qualified name")]
    SingleLabel,
    /// A special-use or local-only name (RFC 6761, RFC 6762, RFC 8375).
    #[error("it is a special-use name that is not on the public internet")]
    SpecialUse,
    /// An IP address where a domain name is required (an MX lookup).
    #[error("it is an IP address; an MX lookup needs a domain name")]
    IpLiteral,
    /// The last label is numeric but the whole is not a valid IPv4 address.
    #[error("it looks like an IP address but is not a valid one")]
    BadIpLiteral,
}

/// Parses a target: a host name (Unicode or A-labels), or an IP literal in
/// any spelling: dotted, decimal `2130706433`, hex `0x7f000001`, octal
/// `0177.0.0.1`, short `127.1`, bare or bracketed IPv6 `[::1]`, and the SMTP
/// address literals `[192.0.2.1]` and `[IPv6:2001:db8::1]` (RFC 5321 4.1.3).
///
/// Like the WHATWG URL parser, a name whose last label is numeric is read as
/// IPv4 or refused, so `1.2.3.4.5` never reaches a resolver.
pub fn parse_target(input: &str) -> Result<Target, TargetError> {
    let err = |kind| TargetError {
        input: input.to_owned(),
        kind,
    };
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(err(TargetErrorKind::Empty));
    }
    if let Some(inner) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        let inner = strip_prefix_ignore_case(inner, "IPv6:").unwrap_or(inner);
        if let Ok(v6) = inner.parse::<Ipv6Addr>() {
            return Ok(Target::Ip(IpAddr::V6(v6)));
        }
        return parse_ipv4_any(inner)
            .map(|v4| Target::Ip(IpAddr::V4(v4)))
            .ok_or_else(|| err(TargetErrorKind::BadIpLiteral));
    }
    if trimmed.contains(':') {
        return trimmed
            .parse::<Ipv6Addr>()
            .map(|v6| Target::Ip(IpAddr::V6(v6)))
            .map_err(|_| err(TargetErrorKind::BadIpLiteral));
    }
    let without_dot = trimmed.strip_suffix('.').unwrap_or(trimmed);
    let last = without_dot.rsplit('.').next().unwrap_or("");
    if is_numeric_label(last) {
        return parse_ipv4_any(without_dot)
            .map(|v4| Target::Ip(IpAddr::V4(v4)))
            .ok_or_else(|| err(TargetErrorKind::BadIpLiteral));
    }
    parse_name(without_dot).map(Target::Name).map_err(err)
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Tells whether a label reads as a number to `inet_aton`: decimal digits,
/// or `0x` followed by hex digits (possibly none).
fn is_numeric_label(label: &str) -> bool {
    if label.is_empty() {
        return false;
    }
    if let Some(hex) = label
        .strip_prefix("0x")
        .or_else(|| label.strip_prefix("0X"))
    {
        return hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    label.bytes().all(|b| b.is_ascii_digit())
}

/// Parses IPv4 the way `inet_aton` does: one to four parts, each decimal,
/// octal (leading 0) or hex (0x); the last part fills the remaining bytes.
pub fn parse_ipv4_any(s: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut values = Vec::with_capacity(4);
    for part in &parts {
        values.push(parse_ipv4_part(part)?);
    }
    let (last, init) = values.split_last()?;
    if init.iter().any(|&v| v > 255) {
        return None;
    }
    let remaining_bits = 8 * (4 - init.len() as u32);
    if remaining_bits < 32 && *last >= 1u64 << remaining_bits {
        return None;
    }
    if *last > u64::from(u32::MAX) {
        return None;
    }
    let mut addr: u64 = 0;
    for (i, &v) in init.iter().enumerate() {
        addr |= v << (24 - 8 * i);
    }
    addr |= last;
    u32::try_from(addr).ok().map(Ipv4Addr::from)
}

fn parse_ipv4_part(part: &str) -> Option<u64> {
    if part.is_empty() || part.len() > 12 {
        return None;
    }
    let (digits, radix) = if let Some(hex) = part.strip_prefix("0x").or(part.strip_prefix("0X")) {
        (hex, 16)
    } else if part.len() > 1 && part.starts_with('0') {
        (&part[1..], 8)
    } else {
        (part, 10)
    };
    if digits.is_empty() {
        // "0x" alone is zero, as in inet_aton.
        return (radix == 16).then_some(0);
    }
    u64::from_str_radix(digits, radix).ok()
}

/// Special-use and local-only suffixes never probed (RFC 6761 6.2-6.4,
/// RFC 6762 mDNS `.local`, RFC 8375 `home.arpa`, RFC 7686 `.onion`).
const SPECIAL_SUFFIXES: [&str; 9] = [
    "localhost",
    "local",
    "internal",
    "invalid",
    "test",
    "onion",
    "home.arpa",
    "lan",
    "arpa",
];

fn parse_name(name: &str) -> Result<String, TargetErrorKind> {
    if name.len() > 4 * MAX_NAME_LEN {
        return Err(TargetErrorKind::TooLong);
    }
    // UTS 46 with STD3 rules and DNS length checks: Unicode becomes
    // A-labels, uppercase folds, and anything a DNS name cannot carry fails.
    let ascii = idna::domain_to_ascii_strict(name).map_err(|_| TargetErrorKind::InvalidName)?;
    if ascii.is_empty() {
        return Err(TargetErrorKind::InvalidName);
    }
    if ascii.len() > MAX_NAME_LEN {
        return Err(TargetErrorKind::TooLong);
    }
    let labels: Vec<&str> = ascii.split('.').collect();
    for label in &labels {
        if label.is_empty() {
            return Err(TargetErrorKind::InvalidName);
        }
        if label.len() > 63 {
            return Err(TargetErrorKind::TooLong);
        }
        let ldh = label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ldh || label.starts_with('-') || label.ends_with('-') {
            return Err(TargetErrorKind::InvalidName);
        }
    }
    if labels.len() < 2 {
        return Err(TargetErrorKind::SingleLabel);
    }
    if SPECIAL_SUFFIXES
        .iter()
        .any(|suffix| ascii == *suffix || ascii.ends_with(&format!(".{suffix}")))
    {
        return Err(TargetErrorKind::SpecialUse);
    }
    Ok(ascii)
}

/// Why an address is not probed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// 0.0.0.0/8 or `::` (RFC 791, RFC 4291 2.5.2).
    #[error("unspecified or \"this network\" address")]
    Unspecified,
    /// 127.0.0.0/8 or `::1`.
    #[error("loopback address")]
    Loopback,
    /// 10/8, 172.16/12, 192.168/16 (RFC 1918).
    #[error("private address (RFC 1918)")]
    Private,
    /// 100.64.0.0/10 (RFC 6598).
    #[error("shared carrier-grade NAT address (RFC 6598)")]
    SharedCgnat,
    /// 169.254/16 or fe80::/10, where cloud metadata services live.
    #[error("link-local address")]
    LinkLocal,
    /// A known cloud metadata endpoint outside the ranges above.
    #[error("cloud metadata address")]
    Metadata,
    /// 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20
    /// (RFC 5737, RFC 3849, RFC 9637).
    #[error("documentation address")]
    Documentation,
    /// 198.18.0.0/15 (RFC 2544).
    #[error("benchmarking address (RFC 2544)")]
    Benchmarking,
    /// 224/4 or ff00::/8.
    #[error("multicast address")]
    Multicast,
    /// 255.255.255.255.
    #[error("broadcast address")]
    Broadcast,
    /// 240/4, 192.0.0/24, 192.88.99/24, 2001::/23, 100::/64, 5f00::/16 and
    /// anything outside 2000::/3 (RFC 6890 registries).
    #[error("reserved or special-purpose address")]
    Reserved,
    /// fc00::/7 unique-local or fec0::/10 site-local (RFC 4193, RFC 3879).
    #[error("unique-local or site-local IPv6 address")]
    UniqueLocal,
    /// An IPv4-compatible `::a.b.c.d` or IPv4-translated address
    /// (deprecated by RFC 4291 2.5.5.1).
    #[error("deprecated IPv4-compatible IPv6 address")]
    Ipv4Compatible,
    /// An embedded IPv4 address (mapped, NAT64, 6to4) that is itself refused.
    #[error("IPv6 address embedding a refused IPv4 address ({0})")]
    EmbeddedV4(Ipv4Addr),
}

/// An address and port the guard has admitted: the only thing the SMTP
/// engine connects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VettedAddr(SocketAddr);

impl VettedAddr {
    /// Returns the socket address to connect to.
    pub fn socket_addr(&self) -> SocketAddr {
        self.0
    }

    /// Returns the IP address.
    pub fn ip(&self) -> IpAddr {
        self.0.ip()
    }
}

/// The guard's policy. The default refuses loopback.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Guard {
    /// Admits 127.0.0.0/8 and `::1` (and their mapped forms): for tests and
    /// for self-hosting only; off by default.
    pub allow_loopback: bool,
}

impl Guard {
    /// Returns a guard that also admits loopback addresses, for tests.
    pub fn allowing_loopback() -> Self {
        Guard {
            allow_loopback: true,
        }
    }

    /// Checks one address against the policy.
    pub fn check(&self, ip: IpAddr) -> Result<(), Rejection> {
        match classify(ip) {
            Err(Rejection::Loopback) if self.allow_loopback => Ok(()),
            Err(Rejection::EmbeddedV4(v4)) if self.allow_loopback && v4.is_loopback() => Ok(()),
            other => other,
        }
    }

    /// Admits `ip:port` for connecting, or says why not. IPv4-mapped IPv6
    /// addresses are connected to as plain IPv4.
    pub fn vet(&self, ip: IpAddr, port: u16) -> Result<VettedAddr, Rejection> {
        self.check(ip)?;
        Ok(VettedAddr(SocketAddr::new(ip.to_canonical(), port)))
    }
}

/// Classifies an address with no exceptions: `Ok` only for global unicast.
pub fn classify(ip: IpAddr) -> Result<(), Rejection> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn in_v4(addr: Ipv4Addr, net: [u8; 4], prefix: u32) -> bool {
    let mask = if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix)
    };
    u32::from(addr) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn in_v6(addr: Ipv6Addr, net: Ipv6Addr, prefix: u32) -> bool {
    let mask = if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - prefix)
    };
    u128::from(addr) & mask == u128::from(net) & mask
}

fn classify_v4(ip: Ipv4Addr) -> Result<(), Rejection> {
    use Rejection::*;
    let table: &[([u8; 4], u32, Rejection)] = &[
        ([0, 0, 0, 0], 8, Unspecified),
        ([10, 0, 0, 0], 8, Private),
        ([100, 64, 0, 0], 10, SharedCgnat),
        ([127, 0, 0, 0], 8, Loopback),
        ([169, 254, 0, 0], 16, LinkLocal),
        ([172, 16, 0, 0], 12, Private),
        ([192, 0, 0, 0], 24, Reserved),
        ([192, 0, 2, 0], 24, Documentation),
        ([192, 88, 99, 0], 24, Reserved),
        ([192, 168, 0, 0], 16, Private),
        ([198, 18, 0, 0], 15, Benchmarking),
        ([198, 51, 100, 0], 24, Documentation),
        ([203, 0, 113, 0], 24, Documentation),
        ([224, 0, 0, 0], 4, Multicast),
        ([255, 255, 255, 255], 32, Broadcast),
        ([240, 0, 0, 0], 4, Reserved),
    ];
    for (net, prefix, why) in table {
        if in_v4(ip, *net, *prefix) {
            return Err(*why);
        }
    }
    Ok(())
}

fn embedded_v4(bits: u128, shift: u32) -> Ipv4Addr {
    // Truncation is the point: the 32 bits at `shift` are the IPv4 address.
    Ipv4Addr::from((bits >> shift) as u32)
}

fn check_embedded(v4: Ipv4Addr) -> Result<(), Rejection> {
    classify_v4(v4).map_err(|_| Rejection::EmbeddedV4(v4))
}

fn classify_v6(ip: Ipv6Addr) -> Result<(), Rejection> {
    use Rejection::*;
    let bits = u128::from(ip);
    let v6 = |s: &str| s.parse::<Ipv6Addr>().expect("constant IPv6 network");
    if ip.is_unspecified() {
        return Err(Unspecified);
    }
    if ip.is_loopback() {
        return Err(Loopback);
    }
    // ::ffff:a.b.c.d reaches the IPv4 address itself: judge that address.
    if in_v6(ip, v6("::ffff:0:0"), 96) {
        return check_embedded(embedded_v4(bits, 0));
    }
    // ::a.b.c.d (compatible) and ::ffff:0:a.b.c.d (translated) are
    // deprecated and only ever seen in attacks.
    if in_v6(ip, v6("::"), 96) || in_v6(ip, v6("::ffff:0:0:0"), 96) {
        return Err(Ipv4Compatible);
    }
    // Well-known NAT64 prefix (RFC 6052): a gateway would forward to the
    // embedded IPv4 address, so it must pass too. The local-use prefix
    // 64:ff9b:1::/48 (RFC 8215) maps into private networks by design.
    if in_v6(ip, v6("64:ff9b::"), 96) {
        return check_embedded(embedded_v4(bits, 0));
    }
    if in_v6(ip, v6("64:ff9b:1::"), 48) {
        return Err(Reserved);
    }
    // 6to4 (RFC 3056): bits 16..48 are an IPv4 address a relay would reach.
    if in_v6(ip, v6("2002::"), 16) {
        return check_embedded(embedded_v4(bits, 80));
    }
    let table: &[(&str, u32, Rejection)] = &[
        ("fd00:ec2::254", 128, Metadata),
        ("fc00::", 7, UniqueLocal),
        ("fec0::", 10, UniqueLocal),
        ("fe80::", 10, LinkLocal),
        ("ff00::", 8, Multicast),
        ("100::", 64, Reserved),
        ("2001:db8::", 32, Documentation),
        ("3fff::", 20, Documentation),
        // Teredo, ORCHID, AMT, benchmarking and other IETF assignments.
        ("2001::", 23, Reserved),
        ("5f00::", 16, Reserved),
    ];
    for (net, prefix, why) in table {
        if in_v6(ip, v6(net), *prefix) {
            return Err(*why);
        }
    }
    // Only 2000::/3 is allocated as global unicast (RFC 4291 2.4).
    if !in_v6(ip, v6("2000::"), 3) {
        return Err(Reserved);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn every_spelling_of_loopback_is_loopback() {
        for spelling in [
            "127.0.0.1",
            "2130706433",
            "0x7f000001",
            "0X7F000001",
            "0177.0.0.1",
            "0177.0000.0000.0001",
            "127.1",
            "127.0.1",
            "0x7f.1",
            "127.0.0.1.",
            "[127.0.0.1]",
            "017700000001",
        ] {
            assert_eq!(
                parse_target(spelling),
                Ok(Target::Ip(ip("127.0.0.1"))),
                "{spelling}"
            );
        }
        for spelling in ["::1", "[::1]", "[IPv6:::1]", "[0:0:0:0:0:0:0:1]"] {
            assert_eq!(
                parse_target(spelling),
                Ok(Target::Ip(ip("::1"))),
                "{spelling}"
            );
        }
        assert_eq!(
            parse_target("[::ffff:127.0.0.1]"),
            Ok(Target::Ip(ip("::ffff:127.0.0.1")))
        );
    }

    #[test]
    fn odd_spellings_are_guarded_like_plain_ones() {
        let guard = Guard::default();
        for spelling in [
            "2130706433",
            "0x7f000001",
            "0177.0.0.1",
            "127.1",
            "[::ffff:127.0.0.1]",
            "[::ffff:7f00:1]",
            "169.254.169.254",
            "0xa9fea9fe",
            "2852039166",
            "0251.0376.0251.0376",
            "[fd00:ec2::254]",
            "10.1",
            "0",
            "0x0",
            "[::]",
            "[::127.0.0.1]",
            "[64:ff9b::a9fe:a9fe]",
            "[2002:7f00:1::]",
            "[2002:c0a8:0101::1]",
        ] {
            let Ok(Target::Ip(addr)) = parse_target(spelling) else {
                panic!("{spelling} did not parse as an IP");
            };
            assert!(guard.check(addr).is_err(), "{spelling} -> {addr} admitted");
        }
    }

    #[test]
    fn malformed_ip_literals_are_refused() {
        for bad in [
            "1.2.3.4.5",
            "256.1.1.1",
            "1.2.3.256",
            "1.16777216",
            "4294967296",
            "0x100000000",
            "08.1.1.1",
            "1.2.3.09",
            "[1.2.3.4",
            "[not-an-ip]",
            "::g",
            "fe80::1%eth0",
            "example.123",
        ] {
            let got = parse_target(bad);
            assert!(
                matches!(
                    got,
                    Err(TargetError {
                        kind: TargetErrorKind::BadIpLiteral,
                        ..
                    })
                ),
                "{bad}: {got:?}"
            );
        }
    }

    #[test]
    fn names_are_normalized_and_checked() {
        let ok: &[(&str, &str)] = &[
            ("example.com", "example.com"),
            ("Example.COM.", "example.com"),
            ("mx1.example.co.uk", "mx1.example.co.uk"),
            ("bücher.example", "xn--bcher-kva.example"),
            ("xn--bcher-kva.example", "xn--bcher-kva.example"),
            ("a-b.example", "a-b.example"),
            ("123.example", "123.example"),
            ("0x10.example", "0x10.example"),
        ];
        for (input, want) in ok {
            assert_eq!(
                parse_target(input),
                Ok(Target::Name((*want).into())),
                "{input}"
            );
        }
        let bad: &[(&str, TargetErrorKind)] = &[
            ("", TargetErrorKind::Empty),
            ("  ", TargetErrorKind::Empty),
            ("localhost", TargetErrorKind::SingleLabel),
            ("intranet", TargetErrorKind::SingleLabel),
            ("foo.localhost", TargetErrorKind::SpecialUse),
            ("printer.local", TargetErrorKind::SpecialUse),
            ("db.internal", TargetErrorKind::SpecialUse),
            ("router.home.arpa", TargetErrorKind::SpecialUse),
            ("1.0.0.127.in-addr.arpa", TargetErrorKind::SpecialUse),
            ("x.test", TargetErrorKind::SpecialUse),
            ("under_score.example", TargetErrorKind::InvalidName),
            ("-lead.example", TargetErrorKind::InvalidName),
            ("trail-.example", TargetErrorKind::InvalidName),
            ("a..b.example", TargetErrorKind::InvalidName),
            ("a b.example", TargetErrorKind::InvalidName),
            ("a/b.example", TargetErrorKind::InvalidName),
            ("a@b.example", TargetErrorKind::InvalidName),
            ("http://example.com", TargetErrorKind::BadIpLiteral),
        ];
        for (input, kind) in bad {
            let got = parse_target(input);
            assert!(
                matches!(&got, Err(e) if e.kind == *kind
                    || (*kind == TargetErrorKind::InvalidName && e.kind == TargetErrorKind::TooLong)),
                "{input:?}: {got:?}, want {kind:?}"
            );
        }
        let long_label = format!("{}.example", "a".repeat(64));
        assert!(parse_target(&long_label).is_err());
        let long_name = format!("{}example", "abcdefghi.".repeat(25));
        assert!(parse_target(&long_name).is_err());
    }

    #[test]
    fn address_table() {
        use Rejection::*;
        let cases: &[(&str, Result<(), Rejection>)] = &[
            ("8.8.8.8", Ok(())),
            ("1.1.1.1", Ok(())),
            ("93.184.215.14", Ok(())),
            ("0.0.0.0", Err(Unspecified)),
            ("0.1.2.3", Err(Unspecified)),
            ("10.0.0.1", Err(Private)),
            ("172.16.0.1", Err(Private)),
            ("172.31.255.255", Err(Private)),
            ("172.32.0.1", Ok(())),
            ("192.168.1.1", Err(Private)),
            ("100.64.0.1", Err(SharedCgnat)),
            ("100.100.100.200", Err(SharedCgnat)),
            ("100.128.0.1", Ok(())),
            ("127.0.0.1", Err(Loopback)),
            ("127.255.255.254", Err(Loopback)),
            ("169.254.169.254", Err(LinkLocal)),
            ("192.0.0.192", Err(Reserved)),
            ("192.0.2.1", Err(Documentation)),
            ("198.51.100.7", Err(Documentation)),
            ("203.0.113.9", Err(Documentation)),
            ("192.88.99.1", Err(Reserved)),
            ("198.18.0.1", Err(Benchmarking)),
            ("198.19.255.255", Err(Benchmarking)),
            ("198.20.0.1", Ok(())),
            ("224.0.0.1", Err(Multicast)),
            ("239.255.255.250", Err(Multicast)),
            ("240.0.0.1", Err(Reserved)),
            ("255.255.255.255", Err(Broadcast)),
            ("2606:4700:4700::1111", Ok(())),
            ("2a00:1450:4001:80b::200e", Ok(())),
            ("::", Err(Unspecified)),
            ("::1", Err(Loopback)),
            (
                "::ffff:127.0.0.1",
                Err(EmbeddedV4(Ipv4Addr::new(127, 0, 0, 1))),
            ),
            (
                "::ffff:10.0.0.1",
                Err(EmbeddedV4(Ipv4Addr::new(10, 0, 0, 1))),
            ),
            ("::ffff:8.8.8.8", Ok(())),
            ("::8.8.8.8", Err(Ipv4Compatible)),
            ("::127.0.0.1", Err(Ipv4Compatible)),
            ("::ffff:0:127.0.0.1", Err(Ipv4Compatible)),
            ("64:ff9b::8.8.8.8", Ok(())),
            (
                "64:ff9b::10.0.0.1",
                Err(EmbeddedV4(Ipv4Addr::new(10, 0, 0, 1))),
            ),
            (
                "64:ff9b::169.254.169.254",
                Err(EmbeddedV4(Ipv4Addr::new(169, 254, 169, 254))),
            ),
            ("64:ff9b:1::1", Err(Reserved)),
            ("2002:0808:0808::1", Ok(())),
            (
                "2002:c0a8:0101::1",
                Err(EmbeddedV4(Ipv4Addr::new(192, 168, 1, 1))),
            ),
            (
                "2002:7f00:0001::",
                Err(EmbeddedV4(Ipv4Addr::new(127, 0, 0, 1))),
            ),
            ("fd00:ec2::254", Err(Metadata)),
            ("fd12:3456::1", Err(UniqueLocal)),
            ("fc00::1", Err(UniqueLocal)),
            ("fec0::1", Err(UniqueLocal)),
            ("fe80::1", Err(LinkLocal)),
            ("ff02::1", Err(Multicast)),
            ("2001:db8::1", Err(Documentation)),
            ("3fff::1", Err(Documentation)),
            ("2001::1", Err(Reserved)),
            ("2001:0:4136:e378:8000:63bf:3fff:fdd2", Err(Reserved)),
            ("100::1", Err(Reserved)),
            ("5f00::1", Err(Reserved)),
            ("4000::1", Err(Reserved)),
            ("1::1", Err(Reserved)),
        ];
        for (addr, want) in cases {
            assert_eq!(classify(ip(addr)), *want, "{addr}");
        }
    }

    #[test]
    fn allow_loopback_admits_only_loopback() {
        let guard = Guard::allowing_loopback();
        for addr in ["127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1"] {
            assert_eq!(guard.check(ip(addr)), Ok(()), "{addr}");
        }
        for addr in ["10.0.0.1", "169.254.169.254", "::ffff:10.0.0.1", "fe80::1"] {
            assert!(guard.check(ip(addr)).is_err(), "{addr}");
        }
        assert_eq!(
            Guard::default().check(ip("127.0.0.1")),
            Err(Rejection::Loopback)
        );
    }

    #[test]
    fn vetting_canonicalizes_mapped_addresses() {
        let vetted = Guard::allowing_loopback()
            .vet(ip("::ffff:127.0.0.1"), 25)
            .unwrap();
        assert_eq!(vetted.socket_addr(), "127.0.0.1:25".parse().unwrap());
        assert_eq!(
            Guard::default().vet(ip("8.8.8.8"), 25).unwrap().ip(),
            ip("8.8.8.8")
        );
        assert!(Guard::default().vet(ip("10.0.0.1"), 25).is_err());
    }
}
