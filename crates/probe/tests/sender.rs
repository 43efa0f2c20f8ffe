//! Who is sending, against real DNS on loopback: the DNS fixture
//! (`scripts/dns-fixture.sh`, NSD and Unbound) serves reverse DNS for
//! 127.0.0.x, forward names, and three blocklists: one that lists 127.0.0.3
//! with a TXT reason, one that answers 127.255.255.254 (the Spamhaus code
//! for "query via a public resolver") for every address, and one whose
//! signatures are broken, so the resolver answers SERVFAIL. Clients
//! connect to the egress listeners from 127.0.0.2 (PTR resolves back),
//! 127.0.0.3 (PTR name does not resolve back; listed) and 127.0.0.4 (no
//! PTR) by binding their socket before connecting, and the API's sender
//! findings are asserted. The EHLO entry point is called as the mail path
//! will call it. The Redis case (ignored here; scripts/test-egress.sh runs
//! it) shares one real redis-server between two instances and checks that
//! a source is checked once.
//!
//! Needs nsd, unbound and BIND's dnssec tools (the "dns" group of
//! scripts/packages.sh) and, for the Redis case, redis-server (the
//! "egress" group). Nothing leaves 127.0.0.0/8.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use port25_core::probe_types::egress::{EgressPort, EgressStatus};
use port25_core::probe_types::sender::{EhloMatch, ListStatus, PtrState, SenderReport};
use port25_core::probe_types::TlsMode;
use port25_core::sender::parse_dnsbl;
use port25_probe::api::ApiConfig;
use port25_probe::dnssec::DnsClient;
use port25_probe::egress::{Egress, EgressConfig};
use port25_probe::sender::SenderChecks;
use port25_probe::store::{Claim, Store};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpSocket};
use tokio::time::{timeout, Instant};
use tower::ServiceExt;

mod support;

/// The fixture's resolver, started once per test binary.
fn resolver() -> SocketAddr {
    static RESOLVER: OnceLock<SocketAddr> = OnceLock::new();
    *RESOLVER.get_or_init(|| {
        let dir = support::run_dir("sender-dns-");
        let zones = dir.join("in");
        std::fs::create_dir_all(&zones).unwrap();
        let specs = [
            (
                "sender.example",
                "unsigned",
                "good A 127.0.0.2\nalias A 127.0.0.2\nstray A 127.0.0.9\n",
            ),
            (
                "0.0.127.in-addr.arpa",
                "unsigned",
                "2 PTR good.sender.example.\n3 PTR stray.sender.example.\n",
            ),
            (
                "bl.dnsbl.example",
                "unsigned",
                "3.0.0.127 A 127.0.0.2\n3.0.0.127 TXT \"Listed by the test list: see https://bl.dnsbl.example/127.0.0.3\"\n",
            ),
            ("refuse.dnsbl.example", "unsigned", "* A 127.255.255.254\n"),
            ("broken.dnsbl.example", "bogus", "* A 127.0.0.2\n"),
        ];
        let specs: Vec<(&str, &str, PathBuf)> = specs
            .into_iter()
            .map(|(zone, mode, text)| {
                let path = zones.join(format!("{zone}.zone"));
                std::fs::write(&path, text).unwrap();
                (zone, mode, path)
            })
            .collect();
        support::start_dns(&dir, &specs)
    })
}

fn checks() -> Arc<SenderChecks> {
    let lists = [
        "bl.dnsbl.example:ipv6",
        "refuse.dnsbl.example",
        "broken.dnsbl.example",
    ]
    .iter()
    .map(|spec| parse_dnsbl(spec).unwrap())
    .collect();
    SenderChecks::new(DnsClient::new(resolver(), false), lists)
}

struct Instance {
    egress: Arc<Egress>,
    app: Router,
    port: u16,
    checks: Arc<SenderChecks>,
}

async fn instance(store: Store) -> Instance {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = EgressPort {
        port: listener.local_addr().unwrap().port(),
        tls: TlsMode::Starttls,
    };
    let mut config = EgressConfig::new("egress.test");
    config.host = "127.0.0.1".into();
    config.ports = vec![port];
    config.idle = Duration::from_secs(3);
    config.deadline = Duration::from_secs(6);
    let checks = checks();
    config.senders = Some(checks.clone());
    let (egress, app) = support::egress_rig(config, store, vec![(listener, port)]);
    Instance {
        egress,
        app,
        port: port.port,
        checks,
    }
}

fn memory_store() -> Store {
    let api = ApiConfig::default();
    Store::memory(api.store_limits())
}

async fn create(app: &Router) -> String {
    let request = Request::post("/api/v1/egress").body(Body::empty()).unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    json["token"].as_str().unwrap().to_owned()
}

async fn status(app: &Router, token: &str) -> EgressStatus {
    let request = Request::get(format!("/api/v1/egress/{token}"))
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&body).unwrap()
}

/// Connects from `from` to the listener on `port`, presents `token` as
/// the EHLO name and quits.
async fn arrive(from: &str, port: u16, token: &str) {
    let socket = TcpSocket::new_v4().unwrap();
    socket
        .bind(SocketAddr::new(from.parse().unwrap(), 0))
        .unwrap();
    let stream = socket
        .connect(SocketAddr::from(([127, 0, 0, 1], port)))
        .await
        .unwrap();
    let mut stream = BufReader::new(stream);
    let mut line = String::new();
    let talk = async {
        stream.read_line(&mut line).await.unwrap();
        assert!(line.starts_with("220 "), "{line}");
        stream
            .get_mut()
            .write_all(format!("EHLO {token}\r\n").as_bytes())
            .await
            .unwrap();
        loop {
            line.clear();
            stream.read_line(&mut line).await.unwrap();
            if !line.starts_with("250-") {
                break;
            }
        }
        assert!(line.starts_with("250 "), "{line}");
        stream.get_mut().write_all(b"QUIT\r\n").await.unwrap();
    };
    timeout(Duration::from_secs(5), talk).await.unwrap();
}

/// Polls until the test has `count` sender reports (checks run in the
/// background), at most 20 s.
async fn senders(app: &Router, token: &str, count: usize) -> Vec<SenderReport> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let reports = status(app, token).await.senders;
        if reports.len() >= count {
            return reports;
        }
        assert!(
            Instant::now() < deadline,
            "only {} of {count} sender reports after 20 s: {reports:?}",
            reports.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn by_source<'a>(reports: &'a [SenderReport], source: &str) -> &'a SenderReport {
    let source: IpAddr = source.parse().unwrap();
    reports
        .iter()
        .find(|r| r.source == source)
        .unwrap_or_else(|| panic!("no report for {source}: {reports:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_source_that_arrives_is_checked_once_against_real_dns() {
    let one = instance(memory_store()).await;
    let token = create(&one.app).await;
    for from in ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.2"] {
        arrive(from, one.port, &token).await;
    }
    let reports = senders(&one.app, &token, 3).await;
    assert_eq!(reports.len(), 3);

    let good = by_source(&reports, "127.0.0.2");
    assert_eq!(good.reverse.ptr, PtrState::Found);
    assert_eq!(good.reverse.names, ["good.sender.example"]);
    assert_eq!(good.reverse.confirmed, ["good.sender.example"], "FCrDNS");
    assert_eq!(good.ehlo, None, "the one-liners' EHLO name is the token");
    let zones: Vec<&str> = good.lists.iter().map(|l| l.zone.as_str()).collect();
    assert_eq!(
        zones,
        [
            "bl.dnsbl.example",
            "refuse.dnsbl.example",
            "broken.dnsbl.example"
        ]
    );
    assert_eq!(good.lists[0].status, ListStatus::NotListed);
    assert_eq!(good.lists[1].status, ListStatus::CouldNotQuery);
    assert_eq!(good.lists[1].codes, ["127.255.255.254"]);
    assert!(
        good.lists[1].reason.contains("public or open resolvers"),
        "{}",
        good.lists[1].reason
    );
    assert_eq!(good.lists[2].status, ListStatus::CouldNotQuery);
    assert!(
        good.lists[2].reason.contains("SERVFAIL"),
        "{}",
        good.lists[2].reason
    );
    assert_eq!(good.public_resolver, None);

    let stray = by_source(&reports, "127.0.0.3");
    assert_eq!(stray.reverse.names, ["stray.sender.example"]);
    assert!(stray.reverse.confirmed.is_empty(), "does not resolve back");
    assert_eq!(stray.lists[0].status, ListStatus::Listed);
    assert_eq!(stray.lists[0].codes, ["127.0.0.2"]);
    assert_eq!(
        stray.lists[0].reason,
        "Listed by the test list: see https://bl.dnsbl.example/127.0.0.3"
    );

    let none = by_source(&reports, "127.0.0.4");
    assert_eq!(none.reverse.ptr, PtrState::None);
    assert!(none.reverse.names.is_empty());
    assert_eq!(none.lists[0].status, ListStatus::NotListed);

    assert_eq!(
        one.checks.runs(),
        3,
        "127.0.0.2 arrived twice, checked once"
    );

    // The mail path's entry point: an EHLO name for a source already
    // checked adds the match without redoing the rest.
    one.egress
        .observe(
            &token,
            "127.0.0.2".parse().unwrap(),
            Some("Good.Sender.Example"),
        )
        .await;
    one.egress
        .observe(
            &token,
            "127.0.0.3".parse().unwrap(),
            Some("alias.sender.example"),
        )
        .await;
    one.egress
        .observe(&token, "127.0.0.4".parse().unwrap(), Some("[127.0.0.4]"))
        .await;
    // A second EHLO name for the same source is not looked up again.
    one.egress
        .observe(
            &token,
            "127.0.0.2".parse().unwrap(),
            Some("alias.sender.example"),
        )
        .await;
    let reports = senders(&one.app, &token, 3).await;
    let ehlo = |source: &str| by_source(&reports, source).ehlo.clone().unwrap();
    assert_eq!(ehlo("127.0.0.2").name, "good.sender.example");
    assert_eq!(ehlo("127.0.0.2").matches, EhloMatch::PtrName);
    assert_eq!(ehlo("127.0.0.3").matches, EhloMatch::Mismatch);
    assert_eq!(
        ehlo("127.0.0.3").addresses,
        ["127.0.0.2".parse::<IpAddr>().unwrap()]
    );
    assert_eq!(ehlo("127.0.0.4").matches, EhloMatch::Literal);
    assert_eq!(one.checks.runs(), 3, "EHLO checks redo nothing");
    assert_eq!(
        by_source(&reports, "127.0.0.2").checked_ms,
        good.checked_ms,
        "the first checks are kept"
    );

    // A new source with an EHLO name from the start: one run answers all.
    one.egress
        .observe(
            &token,
            "127.0.0.5".parse().unwrap(),
            Some("alias.sender.example"),
        )
        .await;
    let reports = senders(&one.app, &token, 4).await;
    let fresh = by_source(&reports, "127.0.0.5");
    assert_eq!(fresh.ehlo.as_ref().unwrap().matches, EhloMatch::Mismatch);
    assert_eq!(fresh.reverse.ptr, PtrState::None);
    assert_eq!(one.checks.runs(), 4);

    // Strangers get no lookups: an unknown token claims nothing.
    one.egress
        .observe("aaaaaaaaaaaaaaaa", "127.0.0.6".parse().unwrap(), None)
        .await;
    assert_eq!(one.checks.runs(), 4);
    assert_eq!(
        one.egress
            .store()
            .sender_claim("aaaaaaaaaaaaaaaa", "127.0.0.6".parse().unwrap())
            .await
            .unwrap(),
        Claim::Refused
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_test_checks_at_most_a_few_sources() {
    let store = memory_store();
    let one = instance(store.clone()).await;
    let token = create(&one.app).await;
    for last in 10..(10 + port25_core::sender::MAX_SOURCES as u8) {
        let source: IpAddr = format!("127.0.3.{last}").parse().unwrap();
        assert_eq!(
            store.sender_claim(&token, source).await.unwrap(),
            Claim::Won
        );
    }
    let over: IpAddr = "127.0.3.200".parse().unwrap();
    assert_eq!(
        store.sender_claim(&token, over).await.unwrap(),
        Claim::Refused
    );
    one.egress.observe(&token, over, None).await;
    assert_eq!(one.checks.runs(), 0, "over the cap: no lookups");
}

#[tokio::test]
async fn a_resolver_that_never_answers_makes_every_finding_unknown_never_clean() {
    // A UDP socket that reads nothing: every query times out.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut dns = DnsClient::new(silent.local_addr().unwrap(), false);
    dns.timeout = Duration::from_millis(300);
    let checks = SenderChecks::new(dns, vec![parse_dnsbl("bl.dnsbl.example").unwrap()]);
    let started = Instant::now();
    let report = checks
        .check("127.0.0.2".parse().unwrap(), Some("good.sender.example"))
        .await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "bounded by the timeouts"
    );
    assert_eq!(report.reverse.ptr, PtrState::Failed);
    assert_eq!(report.reverse.failure.as_deref(), Some("no answer in time"));
    assert_eq!(report.lists[0].status, ListStatus::CouldNotQuery);
    assert_eq!(report.lists[0].reason, "no answer in time");
    assert_eq!(report.ehlo.unwrap().matches, EhloMatch::Unknown);
    drop(silent);
}

/// A free TCP port on 127.0.0.1.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A redis-server on loopback, stopped when dropped.
struct Redis(std::process::Child, u16);

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn redis() -> Redis {
    let port = free_port();
    let child = std::process::Command::new("redis-server")
        .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
        .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("redis-server (the \"egress\" group of scripts/packages.sh)");
    let redis = Redis(child, port);
    let deadline = Instant::now() + Duration::from_secs(10);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "redis-server did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    redis
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server; scripts/test-egress.sh runs it"]
async fn two_instances_on_one_redis_check_a_source_once() {
    let server = redis().await;
    let url = format!("redis://127.0.0.1:{}/0", server.1);
    let limits = ApiConfig::default().store_limits();
    let a = instance(Store::redis(&url, limits).await.unwrap()).await;
    let b = instance(Store::redis(&url, limits).await.unwrap()).await;
    let token = create(&a.app).await;
    // The same source lands on both instances at once, twice each.
    futures::join!(
        arrive("127.0.0.3", a.port, &token),
        arrive("127.0.0.3", b.port, &token),
        arrive("127.0.0.3", b.port, &token),
        arrive("127.0.0.3", a.port, &token),
    );
    let reports = senders(&b.app, &token, 1).await;
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].lists[0].status, ListStatus::Listed);
    assert_eq!(senders(&a.app, &token, 1).await, reports);
    assert_eq!(a.checks.runs() + b.checks.runs(), 1, "checked once in all");
    // The EHLO name, given on the other instance, is added once.
    b.egress
        .observe(
            &token,
            "127.0.0.3".parse().unwrap(),
            Some("stray.sender.example"),
        )
        .await;
    a.egress
        .observe(
            &token,
            "127.0.0.3".parse().unwrap(),
            Some("good.sender.example"),
        )
        .await;
    let reports = senders(&a.app, &token, 1).await;
    let ehlo = reports[0].ehlo.clone().unwrap();
    assert_eq!(
        ehlo.name, "stray.sender.example",
        "the first EHLO check wins"
    );
    assert_eq!(ehlo.matches, EhloMatch::Mismatch);
    assert_eq!(a.checks.runs() + b.checks.runs(), 1);
    // Nothing is kept past the test: the sender keys expire with it.
    let client = redis::Client::open(url.as_str()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    for key in ["senders", "sender-ehlo"] {
        let ttl: i64 = redis::cmd("PTTL")
            .arg(format!("port25:egress:{token}:{key}"))
            .query_async(&mut connection)
            .await
            .unwrap();
        assert!(ttl > 0 && ttl <= 600_000, "{key} expires: {ttl}");
    }
}
