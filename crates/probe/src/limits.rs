//! Who the client is, and how often it may start probes.
//!
//! [`client_ip`] decides which address a request comes from: the TCP peer,
//! unless the peer is one of the operator's configured trusted proxies, in
//! which case the rightmost `X-Forwarded-For` hop that is not itself a trusted
//! proxy. [`ClientLimiter`] is a per-client GCRA rate limit (the `governor`
//! crate) keyed by that address, with IPv6 clients grouped by /64 because one
//! subscriber usually holds a whole /64. What this module is not: the global
//! concurrency cap (a semaphore in [`crate::api`]) or an authentication layer.

use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::http::HeaderMap;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use ipnet::IpNet;

/// Parses a trusted-proxy entry: an address (`10.0.0.5`) or a network
/// (`10.0.0.0/8`, `fd00::/8`).
pub fn parse_proxy(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    if let Ok(net) = text.parse::<IpNet>() {
        return Ok(net);
    }
    text.parse::<IpAddr>()
        .map(IpNet::from)
        .map_err(|_| format!("{text:?} is neither an IP address nor a network in CIDR form"))
}

/// Returns the client's address for a request from `peer`.
///
/// Security decision: `X-Forwarded-For` is read only when the TCP peer is a
/// trusted proxy, since anyone can send the header. The list is then read
/// from the right (the hop the trusted proxy saw) and the first entry that
/// is not itself trusted is the client. An entry that does not parse stops
/// the walk and the last trusted hop is used, so garbage never becomes a
/// fresh identity. With no trusted proxies (the default) the peer is the
/// client.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let peer = unmap(peer);
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else {
            break;
        };
        client = unmap(ip);
        if !is_trusted(&client) {
            break;
        }
    }
    client
}

/// Reads an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) as the IPv4
/// address it is, so a dual-stack listener keys clients like an IPv4 one.
pub fn unmap(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The rate-limit key for a client: IPv4 addresses as they are, IPv6
/// addresses cut to their /64.
pub fn limit_key(ip: IpAddr) -> IpAddr {
    match unmap(ip) {
        IpAddr::V6(v6) => {
            let segments = v6.segments();
            IpAddr::V6(Ipv6Addr::new(
                segments[0],
                segments[1],
                segments[2],
                segments[3],
                0,
                0,
                0,
                0,
            ))
        }
        v4 => v4,
    }
}

/// How many checks pass between sweeps of idle clients' state.
const SWEEP_EVERY: u64 = 1024;

/// A per-client rate limit: `per_minute` starts a minute, `burst` at once.
pub struct ClientLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    checks: AtomicU64,
    per_minute: u32,
    burst: u32,
}

impl std::fmt::Debug for ClientLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientLimiter")
            .field("per_minute", &self.per_minute)
            .field("burst", &self.burst)
            .field("clients", &self.limiter.len())
            .finish()
    }
}

impl ClientLimiter {
    /// Returns a limiter allowing each client `per_minute` requests a
    /// minute, `burst` of them back to back (both at least 1).
    pub fn new(per_minute: u32, burst: u32) -> Self {
        let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        ClientLimiter {
            limiter: RateLimiter::keyed(Quota::per_minute(per_minute).allow_burst(burst)),
            checks: AtomicU64::new(0),
            per_minute: per_minute.get(),
            burst: burst.get(),
        }
    }

    /// The configured rate, per minute.
    pub fn per_minute(&self) -> u32 {
        self.per_minute
    }

    /// The configured burst.
    pub fn burst(&self) -> u32 {
        self.burst
    }

    /// Counts one request from `client`; `Err` holds how long it must wait.
    pub fn check(&self, client: IpAddr) -> Result<(), Duration> {
        // Idle clients' state is dropped now and then, so the table stays
        // bounded by the clients seen within one refill period.
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        self.limiter
            .check_key(&limit_key(client))
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn xff(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn proxies_parse_as_addresses_or_networks() {
        assert_eq!(parse_proxy("10.0.0.5").unwrap().to_string(), "10.0.0.5/32");
        assert_eq!(
            parse_proxy(" 10.0.0.0/8 ").unwrap().to_string(),
            "10.0.0.0/8"
        );
        assert_eq!(parse_proxy("::1").unwrap().to_string(), "::1/128");
        assert!(parse_proxy("proxy.example").is_err());
    }

    #[test]
    fn client_address_table() {
        let trusted = [
            parse_proxy("127.0.0.1").unwrap(),
            parse_proxy("10.0.0.0/8").unwrap(),
        ];
        let cases: &[(&str, &[&str], &[IpNet], &str)] = &[
            // No trusted proxies: the header is ignored, whatever it says.
            ("198.51.100.7", &["203.0.113.9"], &[], "198.51.100.7"),
            ("127.0.0.1", &["203.0.113.9"], &[], "127.0.0.1"),
            // An untrusted peer cannot speak for others.
            ("198.51.100.7", &["203.0.113.9"], &trusted, "198.51.100.7"),
            // A trusted peer: the rightmost untrusted hop.
            ("127.0.0.1", &["203.0.113.9"], &trusted, "203.0.113.9"),
            (
                "127.0.0.1",
                &["1.2.3.4, 203.0.113.9"],
                &trusted,
                "203.0.113.9",
            ),
            (
                "127.0.0.1",
                &["1.2.3.4, 203.0.113.9, 10.1.2.3"],
                &trusted,
                "203.0.113.9",
            ),
            (
                "127.0.0.1",
                &["1.2.3.4", "203.0.113.9"],
                &trusted,
                "203.0.113.9",
            ),
            // Garbage stops the walk at the last trusted hop.
            ("127.0.0.1", &["203.0.113.9, junk"], &trusted, "127.0.0.1"),
            (
                "127.0.0.1",
                &["203.0.113.9, junk, 10.0.0.2"],
                &trusted,
                "10.0.0.2",
            ),
            // No header from a trusted proxy: the proxy itself.
            ("127.0.0.1", &[], &trusted, "127.0.0.1"),
            // Mapped addresses are their IPv4 selves.
            (
                "::ffff:127.0.0.1",
                &["::ffff:203.0.113.9"],
                &trusted,
                "203.0.113.9",
            ),
        ];
        for (peer, headers, trusted, want) in cases {
            assert_eq!(
                client_ip(ip(peer), &xff(headers), trusted),
                ip(want),
                "{peer} {headers:?}"
            );
        }
    }

    #[test]
    fn ipv6_clients_share_their_64() {
        assert_eq!(limit_key(ip("2001:db8:1:2:aaaa::1")), ip("2001:db8:1:2::"));
        assert_eq!(limit_key(ip("192.0.2.1")), ip("192.0.2.1"));
        assert_eq!(limit_key(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
    }

    #[test]
    fn the_limit_holds_per_client_and_says_how_long_to_wait() {
        let limiter = ClientLimiter::new(6, 2);
        let a = ip("192.0.2.1");
        assert!(limiter.check(a).is_ok());
        assert!(limiter.check(a).is_ok());
        let wait = limiter.check(a).unwrap_err();
        // 6 a minute: one more every 10 s.
        assert!(
            wait > Duration::from_secs(8) && wait <= Duration::from_secs(10),
            "{wait:?}"
        );
        assert!(limiter.check(ip("192.0.2.2")).is_ok(), "another client");
        assert!(limiter.check(ip("2001:db8::1")).is_ok());
        assert!(limiter.check(ip("2001:db8::2")).is_ok());
        assert!(limiter.check(ip("2001:db8::3")).is_err(), "same /64");
    }
}
