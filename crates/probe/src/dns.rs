//! MX lookup (RFC 5321 5.1) behind the [`Resolve`] trait, so tests inject
//! answers and never query the public DNS.
//!
//! [`lookup_mx`] orders exchanges by preference, keeps at most
//! [`MAX_MX`], recognizes a Null MX (RFC 7505), falls back to the domain's
//! own A/AAAA records when it has no MX (the implicit MX of RFC 5321 5.1),
//! and passes every address through the SSRF guard, reporting the refused
//! ones. [`HickoryResolver`] is the production implementation. What this
//! module is not: a DNSSEC validator, an MTA-STS or DANE checker, or a cache.

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;

use port25_core::probe_types::{DnsFailure, MxAnswer, MxHost, SkippedAddress};

use crate::guard::{parse_target, Guard, Target};

/// The most exchanges looked up and probed for one domain.
pub const MAX_MX: usize = 10;

/// The most addresses kept per exchange and family.
pub const MAX_ADDRESSES_PER_FAMILY: usize = 4;

/// A boxed future, so [`Resolve`] can be used as a trait object.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One MX record as the resolver returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MxRecord {
    /// The preference (RFC 1035 3.3.9); lower is preferred.
    pub preference: u16,
    /// The exchange name, lowercase, without the trailing dot; empty for
    /// the root, as in a Null MX.
    pub exchange: String,
}

/// An MX record as [`MxRecord`]: the exchange lowercase, without the dot.
pub(crate) fn mx_record(mx: &hickory_resolver::proto::rr::rdata::MX) -> MxRecord {
    MxRecord {
        preference: mx.preference,
        exchange: mx
            .exchange
            .to_ascii()
            .trim_end_matches('.')
            .to_ascii_lowercase(),
    }
}

/// Why a DNS question got no usable answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DnsError {
    /// The name does not exist (NXDOMAIN).
    #[error("the domain does not exist")]
    NoSuchDomain,
    /// The name exists but has no records of the type asked (NODATA).
    #[error("no records of that type")]
    NoRecords,
    /// The lookup failed (SERVFAIL, REFUSED, timeout, network error): the
    /// kind, and the resolver's own text for the log.
    #[error("DNS lookup failed: {1}")]
    Failed(DnsFailure, String),
}

/// A DNS resolver: MX records and addresses of fully qualified names.
pub trait Resolve: Send + Sync {
    /// Looks up the MX records of `domain` (A-labels, no trailing dot).
    fn mx<'a>(&'a self, domain: &'a str) -> BoxFuture<'a, Result<Vec<MxRecord>, DnsError>>;
    /// Looks up the A and AAAA records of `host`.
    fn addresses<'a>(&'a self, host: &'a str) -> BoxFuture<'a, Result<Vec<IpAddr>, DnsError>>;
}

/// Why an MX lookup produced no answer at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// The domain does not exist.
    #[error("{0} does not exist in DNS")]
    NoSuchDomain(String),
    /// The DNS lookup failed, which says nothing about the domain.
    #[error("looking up {domain} failed: {detail}")]
    Dns {
        /// The domain.
        domain: String,
        /// What kind of failure, for the report.
        failure: DnsFailure,
        /// The resolver's error, for the log only.
        detail: String,
    },
}

impl LookupError {
    /// The domain and what its lookup found, as the wire reports it.
    pub fn failure(&self) -> (&str, DnsFailure) {
        match self {
            LookupError::NoSuchDomain(domain) => (domain, DnsFailure::NoSuchDomain),
            LookupError::Dns {
                domain, failure, ..
            } => (domain, *failure),
        }
    }
}

/// Looks up where mail for `domain` goes (RFC 5321 5.1) and which of those
/// addresses the guard admits.
pub async fn lookup_mx(
    resolver: &dyn Resolve,
    guard: &Guard,
    domain: &str,
) -> Result<MxAnswer, LookupError> {
    let mut answer = MxAnswer {
        domain: domain.to_owned(),
        mx: Vec::new(),
        null_mx: false,
        implicit_mx: false,
        notes: Vec::new(),
    };
    let mut records = match resolver.mx(domain).await {
        Ok(records) => records,
        Err(DnsError::NoRecords) => Vec::new(),
        Err(DnsError::NoSuchDomain) => return Err(LookupError::NoSuchDomain(domain.to_owned())),
        Err(DnsError::Failed(failure, detail)) => {
            return Err(LookupError::Dns {
                domain: domain.to_owned(),
                failure,
                detail,
            })
        }
    };
    // RFC 7505 3: a Null MX is a single record with an empty exchange.
    if records.len() == 1 && records[0].exchange.is_empty() {
        answer.null_mx = true;
        answer.notes.push(format!(
            "{domain} publishes a Null MX (RFC 7505): it accepts no mail, so nothing is probed."
        ));
        return Ok(answer);
    }
    if records.iter().any(|r| r.exchange.is_empty()) {
        records.retain(|r| !r.exchange.is_empty());
        answer.notes.push(
            "A Null MX record is mixed with other MX records, which RFC 7505 3 forbids; it was ignored."
                .into(),
        );
    }
    if records.is_empty() {
        // RFC 5321 5.1: no MX means the domain itself is the implicit MX.
        answer.implicit_mx = true;
        answer.notes.push(format!(
            "{domain} has no MX records, so senders fall back to its A/AAAA records (RFC 5321 5.1)."
        ));
        records.push(MxRecord {
            preference: 0,
            exchange: domain.to_owned(),
        });
    }
    records.sort_by(|a, b| {
        a.preference
            .cmp(&b.preference)
            .then_with(|| a.exchange.cmp(&b.exchange))
    });
    records.dedup_by(|a, b| a.exchange == b.exchange);
    if records.len() > MAX_MX {
        answer.notes.push(format!(
            "{domain} lists {} MX hosts; only the first {MAX_MX} by preference are shown.",
            records.len()
        ));
        records.truncate(MAX_MX);
    }
    for record in records {
        let host = resolve_exchange(resolver, guard, record.preference, &record.exchange).await;
        answer.mx.push(host);
    }
    if answer.implicit_mx
        && answer
            .mx
            .iter()
            .all(|h| h.ipv4.is_empty() && h.ipv6.is_empty())
    {
        answer
            .notes
            .push(format!("{domain} has no usable A/AAAA records either."));
    }
    Ok(answer)
}

/// Resolves one exchange's addresses and sorts them into admitted IPv4,
/// admitted IPv6 and skipped.
pub async fn resolve_exchange(
    resolver: &dyn Resolve,
    guard: &Guard,
    preference: u16,
    exchange: &str,
) -> MxHost {
    let mut host = MxHost {
        preference,
        exchange: exchange.to_owned(),
        ipv4: Vec::new(),
        ipv6: Vec::new(),
        skipped: Vec::new(),
        error: None,
    };
    // An MX exchange must be a host name (RFC 5321 5.1 and RFC 2181 10.3);
    // check it like a user's target, so DNS cannot smuggle in odd names.
    let name = match parse_target(exchange) {
        Ok(Target::Name(name)) => name,
        Ok(Target::Ip(_)) => {
            host.error = Some("the MX points at an IP address, not a host name".into());
            return host;
        }
        Err(e) => {
            host.error = Some(e.to_string());
            return host;
        }
    };
    match resolver.addresses(&name).await {
        Ok(addresses) => admit(guard, addresses, &mut host),
        Err(DnsError::NoRecords | DnsError::NoSuchDomain) => {
            host.error = Some("no A or AAAA records".into());
        }
        Err(DnsError::Failed(failure, detail)) => {
            // The resolver's text can name the resolver's own address or
            // configuration; the report says what happened, the log why.
            tracing::warn!(host = %name, %detail, "address lookup failed");
            host.error = Some(format!(
                "looking up its addresses failed: {}",
                failure_words(failure)
            ));
        }
    }
    host
}

/// A failed lookup in a few words, for an exchange's `error`.
fn failure_words(failure: DnsFailure) -> &'static str {
    match failure {
        DnsFailure::NoSuchDomain => "the name does not exist",
        DnsFailure::ServerFailure => "the probe's resolver answered SERVFAIL",
        DnsFailure::Refused => "the probe's resolver refused to answer",
        DnsFailure::Timeout => "the probe's resolver did not answer in time",
        DnsFailure::Unreachable => "the probe could not reach its resolver",
        DnsFailure::Other => "the probe's resolver gave no usable answer",
    }
}

/// Sorts addresses into the host's families through the guard.
pub fn admit(guard: &Guard, addresses: Vec<IpAddr>, host: &mut MxHost) {
    for address in addresses {
        if let Err(why) = guard.check(address) {
            host.skipped.push(SkippedAddress {
                address,
                reason: why.to_string(),
            });
            continue;
        }
        match address.to_canonical() {
            IpAddr::V4(v4)
                if !host.ipv4.contains(&v4) && host.ipv4.len() < MAX_ADDRESSES_PER_FAMILY =>
            {
                host.ipv4.push(v4);
            }
            IpAddr::V6(v6)
                if !host.ipv6.contains(&v6) && host.ipv6.len() < MAX_ADDRESSES_PER_FAMILY =>
            {
                host.ipv6.push(v6);
            }
            _ => {}
        }
    }
}

/// The production resolver: hickory with the system's configuration.
#[derive(Clone)]
pub struct HickoryResolver {
    inner: hickory_resolver::TokioResolver,
}

impl std::fmt::Debug for HickoryResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HickoryResolver")
    }
}

impl HickoryResolver {
    /// Builds a resolver from the system configuration (`/etc/resolv.conf`).
    pub fn from_system() -> Result<Self, DnsError> {
        let inner = hickory_resolver::Resolver::builder_tokio()
            .and_then(|b| b.build())
            .map_err(|e| DnsError::Failed(DnsFailure::Other, e.to_string()))?;
        Ok(HickoryResolver { inner })
    }

    /// Builds a resolver that asks these recursive resolvers (UDP, then
    /// TCP) instead of the system's: for a probe whose host resolver is not
    /// the one it should use, and for tests against a DNS server on
    /// loopback.
    pub fn with_servers(servers: &[std::net::SocketAddr]) -> Result<Self, DnsError> {
        let inner = hickory_resolver::Resolver::builder_with_config(
            resolver_config(servers),
            hickory_resolver::net::runtime::TokioRuntimeProvider::default(),
        )
        .build()
        .map_err(|e| DnsError::Failed(DnsFailure::Other, e.to_string()))?;
        Ok(HickoryResolver { inner })
    }
}

/// A resolver configuration that asks these recursive resolvers (UDP,
/// then TCP): the probe's `--dns-resolver`, shared by the MX lookups and
/// the mail analysis ([`crate::mail`]).
pub fn resolver_config(
    servers: &[std::net::SocketAddr],
) -> hickory_resolver::config::ResolverConfig {
    use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
    let name_servers = servers
        .iter()
        .map(|server| {
            let connection = |mut c: ConnectionConfig| {
                c.port = server.port();
                c
            };
            NameServerConfig::new(
                server.ip(),
                true,
                vec![
                    connection(ConnectionConfig::udp()),
                    connection(ConnectionConfig::tcp()),
                ],
            )
        })
        .collect();
    ResolverConfig::from_name_servers(name_servers)
}

/// What an error response code (RFC 1035 4.1.1) says about a lookup:
/// NXDOMAIN that the name does not exist, SERVFAIL and REFUSED that the
/// resolver failed or would not answer, anything else an unusable answer.
pub fn rcode_failure(code: hickory_resolver::proto::op::ResponseCode) -> DnsFailure {
    use hickory_resolver::proto::op::ResponseCode;
    match code {
        ResponseCode::NXDomain => DnsFailure::NoSuchDomain,
        ResponseCode::ServFail => DnsFailure::ServerFailure,
        ResponseCode::Refused => DnsFailure::Refused,
        _ => DnsFailure::Other,
    }
}

/// Sorts a resolver error into what the report tells apart: a name that
/// does not exist (NXDOMAIN), one without records of the type (NODATA), and
/// the kinds of failed lookups.
fn map_error(error: hickory_resolver::net::NetError) -> DnsError {
    use hickory_resolver::net::{DnsError as Semantic, NetError};
    if error.is_nx_domain() {
        return DnsError::NoSuchDomain;
    }
    if error.is_no_records_found() {
        return DnsError::NoRecords;
    }
    let failure = match &error {
        NetError::Dns(Semantic::ResponseCode(code)) => rcode_failure(*code),
        NetError::Timeout => DnsFailure::Timeout,
        NetError::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => DnsFailure::Timeout,
        NetError::Io(_) | NetError::NoConnections | NetError::Busy => DnsFailure::Unreachable,
        _ => DnsFailure::Other,
    };
    DnsError::Failed(failure, error.to_string())
}

/// Makes a fully qualified name so the resolver's search list is never
/// applied: `mail` must not become `mail.corp.internal`.
fn fqdn(name: &str) -> String {
    format!("{}.", name.trim_end_matches('.'))
}

impl Resolve for HickoryResolver {
    fn mx<'a>(&'a self, domain: &'a str) -> BoxFuture<'a, Result<Vec<MxRecord>, DnsError>> {
        Box::pin(async move {
            let lookup = self
                .inner
                .mx_lookup(fqdn(domain))
                .await
                .map_err(map_error)?;
            Ok(lookup
                .answers()
                .iter()
                .filter_map(|record| match &record.data {
                    hickory_resolver::proto::rr::RData::MX(mx) => Some(mx_record(mx)),
                    _ => None,
                })
                .collect())
        })
    }

    fn addresses<'a>(&'a self, host: &'a str) -> BoxFuture<'a, Result<Vec<IpAddr>, DnsError>> {
        Box::pin(async move {
            let lookup = self.inner.lookup_ip(fqdn(host)).await.map_err(map_error)?;
            Ok(lookup.iter().collect())
        })
    }
}

/// A resolver with fixed answers, for tests and examples. Names it does not
/// know are NXDOMAIN.
#[derive(Debug, Clone, Default)]
pub struct StaticResolver {
    /// MX answers by domain; `None` means NODATA.
    pub mx: std::collections::HashMap<String, Option<Vec<MxRecord>>>,
    /// Address answers by host.
    pub addresses: std::collections::HashMap<String, Vec<IpAddr>>,
}

impl StaticResolver {
    /// Adds an MX record.
    pub fn with_mx(mut self, domain: &str, preference: u16, exchange: &str) -> Self {
        self.mx
            .entry(domain.to_owned())
            .or_insert_with(|| Some(Vec::new()))
            .get_or_insert_with(Vec::new)
            .push(MxRecord {
                preference,
                exchange: exchange.to_owned(),
            });
        self
    }

    /// Records that `domain` exists but has no MX records.
    pub fn without_mx(mut self, domain: &str) -> Self {
        self.mx.insert(domain.to_owned(), None);
        self
    }

    /// Adds an address for a host.
    pub fn with_address(mut self, host: &str, address: IpAddr) -> Self {
        self.addresses
            .entry(host.to_owned())
            .or_default()
            .push(address);
        self
    }
}

impl Resolve for StaticResolver {
    fn mx<'a>(&'a self, domain: &'a str) -> BoxFuture<'a, Result<Vec<MxRecord>, DnsError>> {
        Box::pin(async move {
            match self.mx.get(domain) {
                Some(Some(records)) => Ok(records.clone()),
                Some(None) => Err(DnsError::NoRecords),
                None if self.addresses.contains_key(domain) => Err(DnsError::NoRecords),
                None => Err(DnsError::NoSuchDomain),
            }
        })
    }

    fn addresses<'a>(&'a self, host: &'a str) -> BoxFuture<'a, Result<Vec<IpAddr>, DnsError>> {
        Box::pin(async move {
            match self.addresses.get(host) {
                Some(list) if !list.is_empty() => Ok(list.clone()),
                Some(_) => Err(DnsError::NoRecords),
                None if self.mx.contains_key(host) => Err(DnsError::NoRecords),
                None => Err(DnsError::NoSuchDomain),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[tokio::test]
    async fn exchanges_are_ordered_by_preference_then_name() {
        let resolver = StaticResolver::default()
            .with_mx("example.com", 20, "b.example.com")
            .with_mx("example.com", 10, "z.example.com")
            .with_mx("example.com", 20, "a.example.com")
            .with_address("a.example.com", ip("8.8.8.8"))
            .with_address("b.example.com", ip("2606:4700::1"))
            .with_address("z.example.com", ip("1.1.1.1"))
            .with_address("z.example.com", ip("2606:4700::2"));
        let answer = lookup_mx(&resolver, &Guard::default(), "example.com")
            .await
            .unwrap();
        let names: Vec<_> = answer.mx.iter().map(|h| h.exchange.as_str()).collect();
        assert_eq!(names, ["z.example.com", "a.example.com", "b.example.com"]);
        assert_eq!(
            answer.mx[0].ipv4,
            ["1.1.1.1".parse::<std::net::Ipv4Addr>().unwrap()]
        );
        assert_eq!(answer.mx[0].ipv6.len(), 1);
        assert!(answer.mx[2].ipv4.is_empty());
        assert!(!answer.null_mx && !answer.implicit_mx);
    }

    #[tokio::test]
    async fn at_most_ten_exchanges() {
        let mut resolver = StaticResolver::default();
        for i in 0..15u16 {
            resolver = resolver.with_mx("example.com", 15 - i, &format!("mx{i}.example.com"));
        }
        let answer = lookup_mx(&resolver, &Guard::default(), "example.com")
            .await
            .unwrap();
        assert_eq!(answer.mx.len(), MAX_MX);
        assert_eq!(answer.mx[0].preference, 1);
        assert!(answer.notes.iter().any(|n| n.contains("15 MX hosts")));
        assert!(answer.mx.iter().all(|h| h.error.is_some()));
    }

    #[tokio::test]
    async fn null_mx_is_recognized() {
        let resolver = StaticResolver::default().with_mx("example.com", 0, "");
        let answer = lookup_mx(&resolver, &Guard::default(), "example.com")
            .await
            .unwrap();
        assert!(answer.null_mx);
        assert!(answer.mx.is_empty());
        assert!(answer.notes[0].contains("RFC 7505"));
    }

    #[tokio::test]
    async fn mixed_null_mx_is_ignored() {
        let resolver = StaticResolver::default()
            .with_mx("example.com", 0, "")
            .with_mx("example.com", 10, "mx.example.com")
            .with_address("mx.example.com", ip("8.8.4.4"));
        let answer = lookup_mx(&resolver, &Guard::default(), "example.com")
            .await
            .unwrap();
        assert!(!answer.null_mx);
        assert_eq!(answer.mx.len(), 1);
        assert_eq!(answer.notes.len(), 1);
    }

    #[tokio::test]
    async fn no_mx_falls_back_to_address_records() {
        let resolver = StaticResolver::default()
            .without_mx("example.com")
            .with_address("example.com", ip("8.8.8.8"));
        let answer = lookup_mx(&resolver, &Guard::default(), "example.com")
            .await
            .unwrap();
        assert!(answer.implicit_mx);
        assert_eq!(answer.mx.len(), 1);
        assert_eq!(answer.mx[0].exchange, "example.com");
        assert_eq!(answer.mx[0].preference, 0);
        assert!(answer.notes[0].contains("RFC 5321 5.1"));
    }

    #[tokio::test]
    async fn missing_domains_and_failures_are_errors() {
        let resolver = StaticResolver::default();
        assert_eq!(
            lookup_mx(&resolver, &Guard::default(), "nope.example").await,
            Err(LookupError::NoSuchDomain("nope.example".into()))
        );
    }

    #[tokio::test]
    async fn private_and_loopback_addresses_are_skipped_with_reasons() {
        let resolver = StaticResolver::default()
            .with_mx("example.com", 10, "mx.example.com")
            .with_address("mx.example.com", ip("10.0.0.5"))
            .with_address("mx.example.com", ip("127.0.0.1"))
            .with_address("mx.example.com", ip("169.254.169.254"))
            .with_address("mx.example.com", ip("fd00:ec2::254"))
            .with_address("mx.example.com", ip("8.8.8.8"));
        let answer = lookup_mx(&resolver, &Guard::default(), "example.com")
            .await
            .unwrap();
        let host = &answer.mx[0];
        assert_eq!(host.ipv4.len(), 1);
        assert_eq!(host.skipped.len(), 4);
        assert!(host.skipped[0].reason.contains("RFC 1918"));
    }

    #[tokio::test]
    async fn mx_pointing_at_bad_names_is_reported() {
        let resolver = StaticResolver::default()
            .with_mx("example.com", 10, "127.0.0.1")
            .with_mx("example.com", 20, "localhost")
            .with_mx("example.com", 30, "mx.internal");
        let answer = lookup_mx(&resolver, &Guard::default(), "example.com")
            .await
            .unwrap();
        assert_eq!(answer.mx.len(), 3);
        for host in &answer.mx {
            assert!(host.error.is_some(), "{host:?}");
            assert!(host.ipv4.is_empty() && host.ipv6.is_empty());
        }
    }

    #[test]
    fn names_are_made_fully_qualified() {
        assert_eq!(fqdn("example.com"), "example.com.");
        assert_eq!(fqdn("example.com."), "example.com.");
    }
}
