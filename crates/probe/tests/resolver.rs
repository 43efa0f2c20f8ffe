//! The production resolver (hickory, through `HickoryResolver::with_servers`)
//! against DNS servers on 127.0.0.1 that each test starts itself: one that
//! answers every question with a fixed response code (NXDOMAIN, SERVFAIL,
//! REFUSED), and a port where nothing listens. The probe must tell a domain
//! that does not exist from a lookup that failed, and say which failure.
//! No test contacts anything but loopback.

use std::net::SocketAddr;

use port25_core::probe_types::DnsFailure;
use port25_probe::dns::{lookup_mx, DnsError, HickoryResolver, LookupError, Resolve};
use port25_probe::guard::Guard;
use tokio::net::UdpSocket;

/// RFC 1035 4.1.1 response codes.
const NXDOMAIN: u8 = 3;
const SERVFAIL: u8 = 2;
const REFUSED: u8 = 5;

/// Starts a UDP DNS server that answers every query with `rcode` and no
/// records (the question echoed, RFC 1035 4.1), and returns its address.
async fn answering(rcode: u8) -> SocketAddr {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let address = socket.local_addr().unwrap();
    tokio::spawn(async move {
        let mut buf = [0u8; 512];
        while let Ok((n, peer)) = socket.recv_from(&mut buf).await {
            if n < 12 {
                continue;
            }
            let mut reply = buf[..n].to_vec();
            // QR=1, keep the opcode and RD; RA=1 and the response code.
            reply[2] = 0x80 | (buf[2] & 0x79);
            reply[3] = 0x80 | rcode;
            // One question, no answer, authority or additional records
            // (an EDNS OPT record in the query is dropped with them).
            reply[4..12].copy_from_slice(&[0, 1, 0, 0, 0, 0, 0, 0]);
            let mut end = 12;
            while end < n && reply[end] != 0 {
                end += 1 + usize::from(reply[end]);
            }
            reply.truncate((end + 5).min(n));
            let _ = socket.send_to(&reply, peer).await;
        }
    });
    address
}

/// A loopback port where nothing listens (bound, then closed).
async fn nothing_listens() -> SocketAddr {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    socket.local_addr().unwrap()
}

async fn mx_failure(server: SocketAddr) -> DnsError {
    let resolver = HickoryResolver::with_servers(&[server]).unwrap();
    resolver
        .mx("example.com")
        .await
        .expect_err("the server gives no records")
}

#[tokio::test]
async fn nxdomain_means_the_domain_does_not_exist() {
    let server = answering(NXDOMAIN).await;
    assert_eq!(mx_failure(server).await, DnsError::NoSuchDomain);
    let resolver = HickoryResolver::with_servers(&[server]).unwrap();
    let error = lookup_mx(&resolver, &Guard::default(), "example.com")
        .await
        .unwrap_err();
    assert_eq!(error, LookupError::NoSuchDomain("example.com".into()));
    assert_eq!(error.failure(), ("example.com", DnsFailure::NoSuchDomain));
}

#[tokio::test]
async fn servfail_and_refused_are_failed_lookups_not_missing_domains() {
    for (rcode, want) in [
        (SERVFAIL, DnsFailure::ServerFailure),
        (REFUSED, DnsFailure::Refused),
    ] {
        let server = answering(rcode).await;
        match mx_failure(server).await {
            DnsError::Failed(kind, _) => assert_eq!(kind, want, "rcode {rcode}"),
            other => panic!("rcode {rcode}: {other:?}"),
        }
        let resolver = HickoryResolver::with_servers(&[server]).unwrap();
        let error = lookup_mx(&resolver, &Guard::default(), "example.com")
            .await
            .unwrap_err();
        assert_eq!(error.failure(), ("example.com", want));
        assert!(error.failure().1.is_lookup_failure());
    }
}

#[tokio::test]
async fn a_resolver_where_nothing_listens_is_unreachable() {
    let server = nothing_listens().await;
    let started = std::time::Instant::now();
    match mx_failure(server).await {
        DnsError::Failed(kind, _) => assert!(
            matches!(kind, DnsFailure::Unreachable | DnsFailure::Timeout),
            "{kind:?}"
        ),
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed().as_secs() < 30);
}
