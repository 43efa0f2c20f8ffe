//! DANE, MTA-STS, TLS-RPT and reverse DNS against real servers on
//! loopback: the DNS fixture (`scripts/dns-fixture.sh`: NSD serving zones
//! signed here with fresh keys, Unbound validating them), STARTTLS servers
//! with certificates from a test CA made here, and an HTTPS server serving
//! MTA-STS policies with a certificate from the same CA.
//!
//! The fixture starts once per test binary and stops when the binary exits
//! (`PORT25_DNS_FIXTURE_OWNER`). Each test starts its own SMTP and HTTPS
//! servers on 127.0.1.x and 127.0.2.1 at free ports; the MX addresses in
//! the zones are those 127.0.1.x addresses. Nothing leaves 127.0.0.0/8.
//!
//! Needs nsd, unbound and BIND's dnssec tools (the "dns" group of
//! scripts/packages.sh, which `scripts/setup.sh` installs): without them
//! every test here fails, saying so.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use port25_core::probe_types::checks::{CheckOutcome, DnssecState, MailChecks, MtaStsMode};
use port25_probe::checks::{self, ChecksConfig, Probed};
use port25_probe::dns::HickoryResolver;
use port25_probe::dnssec::DnsClient;
use port25_probe::guard::Guard;
use port25_probe::policy_fetch::FetchConfig;
use port25_probe::session::{probe_address_with_chain, SessionConfig};
use port25_probe::Prober;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::RootCertStore;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

mod support;

/// The test CA and the keys of every server, made once per run.
struct Pki {
    ca: CertificateDer<'static>,
    ca_pem: String,
    /// Per name: the chain (leaf, CA) and the leaf's key.
    leaves: HashMap<String, (Vec<CertificateDer<'static>>, Vec<u8>)>,
}

/// The MX host names, their loopback addresses and greeting names.
const MX: &[(&str, &str, &str)] = &[
    (
        "mx.dane-ee.port25.example",
        "127.0.1.1",
        "mx.dane-ee.port25.example",
    ),
    (
        "mx.dane-ta.port25.example",
        "127.0.1.2",
        "mx.dane-ta.port25.example",
    ),
    (
        "mx.dane-bad.port25.example",
        "127.0.1.3",
        "mx.dane-bad.port25.example",
    ),
    (
        "mx.unsigned.port25.example",
        "127.0.1.4",
        "someone-else.example",
    ),
    (
        "mx.sts.port25.example",
        "127.0.1.5",
        "mx.sts.port25.example",
    ),
];

/// The domains whose policies the HTTPS server answers, by host name.
const STS_DOMAINS: &[&str] = &[
    "sts-enforce.port25.example",
    "sts-testing.port25.example",
    "sts-mismatch.port25.example",
    "sts-redirect.port25.example",
    "sts-big.port25.example",
    "sts-type.port25.example",
];

const POLICY_ADDRESS: &str = "127.0.2.1";

fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Port25 DANE Test CA");
        let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();
        let mut leaves = HashMap::new();
        let mut names: Vec<Vec<String>> = MX.iter().map(|(n, _, _)| vec![n.to_string()]).collect();
        names.push(STS_DOMAINS.iter().map(|d| format!("mta-sts.{d}")).collect());
        for sans in names {
            let key = rcgen::KeyPair::generate().unwrap();
            let mut params = rcgen::CertificateParams::new(sans.clone()).unwrap();
            params
                .distinguished_name
                .push(rcgen::DnType::CommonName, sans[0].clone());
            let leaf = params.signed_by(&key, &ca).unwrap();
            let chain = vec![leaf.der().clone(), ca.der().clone()];
            let key_der = key.serialize_der();
            for name in sans {
                leaves.insert(name, (chain.clone(), key_der.clone()));
            }
        }
        Pki {
            ca: ca.der().clone(),
            ca_pem: ca.pem(),
            leaves,
        }
    })
}

fn leaf_spki_sha256(name: &str) -> String {
    let (chain, _) = &pki().leaves[name];
    let (_, cert) = x509_parser::parse_x509_certificate(chain[0].as_ref()).unwrap();
    hex(&Sha256::digest(cert.tbs_certificate.subject_pki.raw))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The running DNS fixture: its resolver's address and a directory for
/// the test's own files.
struct Fixture {
    resolver: SocketAddr,
    dir: PathBuf,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = support::run_dir("mail-checks-dns-");
        let zones = dir.join("in");
        std::fs::create_dir_all(&zones).unwrap();
        let write = |name: &str, text: String| {
            let path = zones.join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        let ca_sha256 = hex(&Sha256::digest(pki().ca.as_ref()));
        let mut specs = vec![
            ("port25.example", "signed", write("parent.zone", "@ TXT \"the fixture's parent\"\n".into())),
            (
                "dane-ee.port25.example",
                "signed",
                write(
                    "dane-ee.zone",
                    format!(
                        "@ MX 10 mx\nmx A 127.0.1.1\n_25._tcp.mx TLSA 3 1 1 {}\n_25._tcp.mx TLSA 1 1 1 {}\n_smtp._tls TXT \"v=TLSRPTv1; rua=mailto:tls-reports@dane-ee.port25.example\"\n",
                        leaf_spki_sha256("mx.dane-ee.port25.example"),
                        "00".repeat(32)
                    ),
                ),
            ),
            (
                "dane-ta.port25.example",
                "signed",
                write(
                    "dane-ta.zone",
                    format!("@ MX 10 mx\nmx A 127.0.1.2\n_25._tcp.mx TLSA 2 0 1 {ca_sha256}\n"),
                ),
            ),
            (
                "dane-bad.port25.example",
                "signed",
                write(
                    "dane-bad.zone",
                    format!(
                        "@ MX 10 mx\nmx A 127.0.1.3\n_25._tcp.mx TLSA 3 1 1 {}\n_smtp._tls TXT \"v=TLSRPTv1; rua=ftp://reports.dane-bad.port25.example\"\n",
                        "ab".repeat(32)
                    ),
                ),
            ),
            (
                "unsigned.port25.example",
                "unsigned",
                write(
                    "unsigned.zone",
                    format!(
                        "@ MX 10 mx\nmx A 127.0.1.4\n_25._tcp.mx TLSA 3 1 1 {}\n_smtp._tls TXT \"rua=mailto:a@unsigned.port25.example; v=TLSRPTv1\"\n",
                        leaf_spki_sha256("mx.unsigned.port25.example")
                    ),
                ),
            ),
            (
                "bogus-mx.port25.example",
                "signed",
                write("bogus-mx.zone", "@ MX 10 mx.bogus.port25.example.\n".into()),
            ),
            (
                "bogus.port25.example",
                "bogus",
                write(
                    "bogus.zone",
                    format!(
                        "mx A 127.0.1.6\n_25._tcp.mx TLSA 3 1 1 {}\n",
                        "cd".repeat(32)
                    ),
                ),
            ),
            (
                "sts.port25.example",
                "signed",
                write("sts.zone", "mx A 127.0.1.5\n".into()),
            ),
            (
                "1.0.127.in-addr.arpa",
                "unsigned",
                write(
                    "reverse.zone",
                    "1 PTR mx.dane-ee.port25.example.\n3 PTR ghost.port25.example.\n4 PTR mx.unsigned.port25.example.\n5 PTR mx.sts.port25.example.\n"
                        .into(),
                ),
            ),
        ];
        for domain in STS_DOMAINS {
            let label = domain.trim_end_matches(".port25.example");
            specs.push((
                domain,
                "unsigned",
                write(
                    &format!("{label}.zone"),
                    format!(
                        "@ MX 10 mx.sts.port25.example.\n_mta-sts TXT \"v=STSv1; id=20261129\"\nmta-sts A {POLICY_ADDRESS}\n"
                    ),
                ),
            ));
        }
        specs.push((
            "sts-private.port25.example",
            "unsigned",
            write(
                "sts-private.zone",
                "@ MX 10 mx.sts.port25.example.\n_mta-sts TXT \"v=STSv1; id=1\"\nmta-sts A 10.0.0.25\n".into(),
            ),
        ));
        let resolver = support::start_dns(&dir, &specs);
        Fixture { resolver, dir }
    })
}

fn roots() -> Arc<RootCertStore> {
    let mut roots = RootCertStore::empty();
    roots.add(pki().ca.clone()).unwrap();
    Arc::new(roots)
}

fn server_config(name: &str) -> Arc<rustls::ServerConfig> {
    let (chain, key) = &pki().leaves[name];
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                chain.clone(),
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.clone())),
            )
            .unwrap(),
    )
}

async fn read_line<S: AsyncRead + Unpin>(reader: &mut BufReader<S>) -> String {
    let mut line = String::new();
    let _ = reader.read_line(&mut line).await;
    line.to_ascii_uppercase()
}

/// A STARTTLS SMTP server for `mx` on its 127.0.1.x address, any number of
/// connections; returns its port.
async fn smtp_server(mx: &str) -> u16 {
    let (_, address, greeting) = MX.iter().find(|(n, _, _)| *n == mx).unwrap();
    let listener = TcpListener::bind((address.parse::<IpAddr>().unwrap(), 0))
        .await
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let acceptor = tokio_rustls::TlsAcceptor::from(server_config(mx));
    let greeting = greeting.to_string();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let greeting = greeting.clone();
            tokio::spawn(async move {
                let mut reader = BufReader::new(stream);
                let hello = format!("220 {greeting} ESMTP test\r\n");
                reader.get_mut().write_all(hello.as_bytes()).await?;
                loop {
                    let cmd = read_line(&mut reader).await;
                    if cmd.starts_with("EHLO") {
                        let caps = format!("250-{greeting}\r\n250 STARTTLS\r\n");
                        reader.get_mut().write_all(caps.as_bytes()).await?;
                    } else if cmd.starts_with("STARTTLS") {
                        reader.get_mut().write_all(b"220 go ahead\r\n").await?;
                        break;
                    } else {
                        reader.get_mut().write_all(b"221 bye\r\n").await?;
                        return Ok::<(), std::io::Error>(());
                    }
                }
                let tls = acceptor.accept(reader.into_inner()).await?;
                let mut reader = BufReader::new(tls);
                loop {
                    let cmd = read_line(&mut reader).await;
                    if cmd.starts_with("EHLO") {
                        let caps = format!("250 {greeting}\r\n");
                        reader.get_mut().write_all(caps.as_bytes()).await?;
                    } else {
                        reader.get_mut().write_all(b"221 bye\r\n").await?;
                        reader.get_mut().shutdown().await?;
                        return Ok(());
                    }
                }
            });
        }
    });
    port
}

/// The HTTPS server of every `mta-sts.<domain>`, answering by Host.
async fn policy_server() -> u16 {
    let listener = TcpListener::bind((POLICY_ADDRESS.parse::<IpAddr>().unwrap(), 0))
        .await
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let acceptor =
        tokio_rustls::TlsAcceptor::from(server_config("mta-sts.sts-enforce.port25.example"));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let mut tls = acceptor.accept(stream).await?;
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
                    if tls.read(&mut byte).await? == 0 {
                        break;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
                let host = head
                    .lines()
                    .find_map(|l| l.strip_prefix("host:"))
                    .unwrap_or("")
                    .trim()
                    .to_owned();
                let policy = |mode: &str, mx: &str| {
                    format!("version: STSv1\r\nmode: {mode}\r\nmx: {mx}\r\nmax_age: 86400\r\n")
                };
                let (status, content_type, body) = match host.as_str() {
                    "mta-sts.sts-enforce.port25.example" => (
                        "200 OK",
                        "text/plain",
                        policy("enforce", "mx.sts.port25.example"),
                    ),
                    "mta-sts.sts-testing.port25.example" => (
                        "200 OK",
                        "text/plain; charset=utf-8",
                        policy("testing", "*.sts.port25.example"),
                    ),
                    "mta-sts.sts-mismatch.port25.example" => (
                        "200 OK",
                        "text/plain",
                        policy("enforce", "mail.elsewhere.example"),
                    ),
                    "mta-sts.sts-redirect.port25.example" => {
                        ("301 Moved Permanently", "text/plain", String::new())
                    }
                    "mta-sts.sts-big.port25.example" => (
                        "200 OK",
                        "text/plain",
                        format!(
                            "{}{}",
                            policy("enforce", "mx.sts.port25.example"),
                            "# padding\r\n".repeat(10_000)
                        ),
                    ),
                    "mta-sts.sts-type.port25.example" => (
                        "200 OK",
                        "text/html",
                        policy("enforce", "mx.sts.port25.example"),
                    ),
                    _ => ("404 Not Found", "text/plain", String::new()),
                };
                let response = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nLocation: https://elsewhere.example/policy\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                tls.write_all(response.as_bytes()).await?;
                tls.shutdown().await?;
                Ok::<(), std::io::Error>(())
            });
        }
    });
    port
}

/// Probes `domain` as `Prober::probe` does (MX lookup through the
/// fixture, every address over STARTTLS, then the checks), but with each
/// exchange's SMTP server on its test port instead of 25. Returns the
/// checks and how long the probe took without them.
async fn probe(domain: &str, trust_ad: bool) -> (MailChecks, Duration) {
    let fixture = fixture();
    let dns = DnsClient::new(fixture.resolver, trust_ad);
    // The MX lookup as `serve --dns-resolver` makes it (hickory), the
    // checks through the DNSSEC-aware client.
    let resolver = HickoryResolver::with_servers(&[fixture.resolver]).unwrap();
    let mut prober = Prober::new(Arc::new(resolver));
    prober.guard = Guard::allowing_loopback();
    let answer = prober.mx(domain).await.unwrap();
    let session = SessionConfig {
        roots: roots(),
        ..SessionConfig::default()
    };
    let started = Instant::now();
    let mut probed = Vec::new();
    for host in &answer.mx {
        for v4 in &host.ipv4 {
            let port = smtp_server(&host.exchange).await;
            let vetted = prober.guard.vet(IpAddr::V4(*v4), port).unwrap();
            let (result, chain) =
                probe_address_with_chain(&session, &host.exchange, vetted, None).await;
            probed.push(Probed { result, chain });
        }
    }
    let smtp = started.elapsed();
    let mut fetch = FetchConfig::new(roots());
    fetch.port = policy_server().await;
    fetch.deadline = Duration::from_secs(5);
    let config = ChecksConfig {
        dns: Arc::new(dns),
        guard: prober.guard,
        fetch,
    };
    let checks = checks::run(&config, &answer, &probed).await;
    println!(
        "{domain}: checks {} ms (SMTP probe {} ms): {}",
        checks.ms,
        smtp.as_millis(),
        checks.summary
    );
    (checks, smtp)
}

#[tokio::test]
async fn dane_ee_record_matches_with_tls_rpt_and_matching_reverse_dns() {
    let (checks, _) = probe("dane-ee.port25.example", true).await;
    assert!(checks.dnssec_validation);
    let exchange = &checks.exchanges[0];
    let dane = &exchange.dane;
    assert_eq!(dane.outcome, CheckOutcome::Pass, "{}", dane.summary);
    assert!(dane.authenticated);
    assert_eq!(dane.dnssec, DnssecState::Secure);
    assert_eq!(dane.records.len(), 2);
    let usable: Vec<bool> = dane.records.iter().map(|r| r.usable).collect();
    assert!(
        usable.contains(&false),
        "PKIX-EE (1) is listed but not used"
    );
    let matched = dane.addresses[0].matched.unwrap() as usize;
    assert_eq!(
        dane.records[matched].usage, 3,
        "{}",
        dane.addresses[0].summary
    );
    assert!(dane.addresses[0].summary.contains("DANE-EE"));

    let rpt = &checks.tls_rpt;
    assert_eq!(rpt.outcome, CheckOutcome::Pass, "{}", rpt.summary);
    assert_eq!(rpt.rua, ["mailto:tls-reports@dane-ee.port25.example"]);
    assert!(rpt.authenticated);

    let rdns = &exchange.reverse_dns[0];
    assert_eq!(rdns.outcome, CheckOutcome::Pass, "{}", rdns.summary);
    assert!(rdns.forward_confirmed);
    assert_eq!(rdns.greeting_matches, Some(true));
    assert_eq!(rdns.names, ["mx.dane-ee.port25.example"]);
    assert!(!rdns.authenticated, "the reverse zone is unsigned");
    assert_eq!(checks.mta_sts.outcome, CheckOutcome::NotApplicable);
    assert_eq!(checks.outcome, CheckOutcome::Pass, "{}", checks.summary);
}

#[tokio::test]
async fn dane_ta_record_matches_and_missing_ptr_and_tls_rpt_warn() {
    let (checks, _) = probe("dane-ta.port25.example", true).await;
    let exchange = &checks.exchanges[0];
    let dane = &exchange.dane;
    assert_eq!(dane.outcome, CheckOutcome::Pass, "{}", dane.summary);
    assert!(
        dane.addresses[0].summary.contains("DANE-TA"),
        "{}",
        dane.addresses[0].summary
    );
    assert_eq!(dane.records[0].usage, 2);
    // DANE is in use, so a missing TLS-RPT record is a warning.
    assert_eq!(
        checks.tls_rpt.outcome,
        CheckOutcome::Warn,
        "{}",
        checks.tls_rpt.summary
    );
    assert!(checks.tls_rpt.record.is_none());
    let rdns = &exchange.reverse_dns[0];
    assert_eq!(rdns.outcome, CheckOutcome::Warn, "{}", rdns.summary);
    assert!(rdns.names.is_empty());
    assert!(rdns.summary.contains("no reverse DNS"));
    assert_eq!(checks.outcome, CheckOutcome::Warn);
}

#[tokio::test]
async fn mismatched_dane_record_fails_and_malformed_tls_rpt_fails() {
    let (checks, _) = probe("dane-bad.port25.example", true).await;
    let exchange = &checks.exchanges[0];
    let dane = &exchange.dane;
    assert_eq!(dane.outcome, CheckOutcome::Fail, "{}", dane.summary);
    assert!(dane.authenticated);
    assert_eq!(dane.addresses[0].matched, None);
    assert!(dane.addresses[0]
        .summary
        .contains("No usable TLSA record matches"));
    let rpt = &checks.tls_rpt;
    assert_eq!(rpt.outcome, CheckOutcome::Fail, "{}", rpt.summary);
    assert!(rpt.problems[0].contains("ftp://"), "{:?}", rpt.problems);
    // 127.0.1.3's PTR names ghost.port25.example, which has no address.
    let rdns = &exchange.reverse_dns[0];
    assert_eq!(rdns.outcome, CheckOutcome::Warn, "{}", rdns.summary);
    assert_eq!(rdns.names, ["ghost.port25.example"]);
    assert!(!rdns.forward_confirmed);
    assert_eq!(checks.outcome, CheckOutcome::Fail);
}

#[tokio::test]
async fn tlsa_in_an_unsigned_zone_is_reported_as_unsigned_not_as_dane() {
    let (checks, _) = probe("unsigned.port25.example", true).await;
    let exchange = &checks.exchanges[0];
    let dane = &exchange.dane;
    assert_eq!(dane.outcome, CheckOutcome::Warn, "{}", dane.summary);
    assert_eq!(dane.dnssec, DnssecState::Insecure);
    assert!(!dane.authenticated);
    assert_eq!(dane.records.len(), 1, "the records are still shown");
    assert!(
        dane.summary.contains("not DNSSEC-signed"),
        "{}",
        dane.summary
    );
    assert!(
        dane.addresses.is_empty(),
        "unauthenticated records are not matched"
    );
    // "v=TLSRPTv1" must come first.
    assert_eq!(
        checks.tls_rpt.outcome,
        CheckOutcome::Fail,
        "{}",
        checks.tls_rpt.summary
    );
    // The PTR resolves back, but the greeting names another host.
    let rdns = &exchange.reverse_dns[0];
    assert_eq!(rdns.outcome, CheckOutcome::Warn, "{}", rdns.summary);
    assert!(rdns.forward_confirmed);
    assert_eq!(rdns.greeting_name.as_deref(), Some("someone-else.example"));
    assert_eq!(rdns.greeting_matches, Some(false));
}

#[tokio::test]
async fn bogus_signatures_are_reported_as_bogus_not_as_no_dane() {
    let (checks, _) = probe("bogus-mx.port25.example", true).await;
    let exchange = &checks.exchanges[0];
    assert_eq!(exchange.exchange, "mx.bogus.port25.example");
    let dane = &exchange.dane;
    assert_eq!(dane.outcome, CheckOutcome::Fail, "{}", dane.summary);
    assert_eq!(dane.dnssec, DnssecState::Bogus);
    assert!(!dane.authenticated);
    assert!(dane.summary.contains("bogus"), "{}", dane.summary);
    assert_eq!(checks.outcome, CheckOutcome::Fail);
}

#[tokio::test]
async fn without_a_trusted_validating_resolver_dane_could_not_be_tested() {
    let (checks, _) = probe("dane-ee.port25.example", false).await;
    assert!(!checks.dnssec_validation);
    let dane = &checks.exchanges[0].dane;
    assert_eq!(dane.outcome, CheckOutcome::CouldNotTest, "{}", dane.summary);
    assert_eq!(dane.dnssec, DnssecState::Unchecked);
    assert!(dane.summary.contains("not trusted"), "{}", dane.summary);
}

#[tokio::test]
async fn mta_sts_valid_enforce_policy_and_matching_mx_pass() {
    let (checks, _) = probe("sts-enforce.port25.example", true).await;
    let sts = &checks.mta_sts;
    assert_eq!(sts.outcome, CheckOutcome::Pass, "{}", sts.summary);
    assert_eq!(sts.id.as_deref(), Some("20261129"));
    let policy = sts.policy.as_ref().unwrap();
    assert_eq!(policy.mode, MtaStsMode::Enforce);
    assert_eq!(policy.mx, ["mx.sts.port25.example"]);
    assert_eq!(policy.max_age, 86400);
    let matched = &checks.exchanges[0].mta_sts;
    assert_eq!(matched.outcome, CheckOutcome::Pass, "{}", matched.summary);
    assert_eq!(matched.pattern.as_deref(), Some("mx.sts.port25.example"));
    // MTA-STS without TLS-RPT: a warning.
    assert_eq!(checks.tls_rpt.outcome, CheckOutcome::Warn);
    // 127.0.1.5 has matching reverse DNS and greeting.
    assert_eq!(
        checks.exchanges[0].reverse_dns[0].outcome,
        CheckOutcome::Pass
    );
}

#[tokio::test]
async fn mta_sts_valid_testing_policy_passes_with_a_wildcard() {
    let (checks, _) = probe("sts-testing.port25.example", true).await;
    let sts = &checks.mta_sts;
    assert_eq!(sts.outcome, CheckOutcome::Pass, "{}", sts.summary);
    assert_eq!(sts.policy.as_ref().unwrap().mode, MtaStsMode::Testing);
    let matched = &checks.exchanges[0].mta_sts;
    assert_eq!(matched.outcome, CheckOutcome::Pass, "{}", matched.summary);
    assert_eq!(matched.pattern.as_deref(), Some("*.sts.port25.example"));
}

#[tokio::test]
async fn mta_sts_mx_not_matching_the_patterns_fails_in_enforce_mode() {
    let (checks, _) = probe("sts-mismatch.port25.example", true).await;
    assert_eq!(
        checks.mta_sts.outcome,
        CheckOutcome::Pass,
        "the policy itself is valid"
    );
    let matched = &checks.exchanges[0].mta_sts;
    assert_eq!(matched.outcome, CheckOutcome::Fail, "{}", matched.summary);
    assert!(
        matched.summary.contains("matches none"),
        "{}",
        matched.summary
    );
    assert_eq!(checks.outcome, CheckOutcome::Fail);
}

#[tokio::test]
async fn mta_sts_redirect_is_refused() {
    let (checks, _) = probe("sts-redirect.port25.example", true).await;
    let sts = &checks.mta_sts;
    assert_eq!(sts.outcome, CheckOutcome::Fail, "{}", sts.summary);
    assert!(
        sts.summary.contains("redirects (HTTP 301"),
        "{}",
        sts.summary
    );
    assert!(sts.policy.is_none());
    assert_eq!(
        checks.exchanges[0].mta_sts.outcome,
        CheckOutcome::CouldNotTest
    );
}

#[tokio::test]
async fn mta_sts_policy_over_the_size_cap_is_refused() {
    let (checks, _) = probe("sts-big.port25.example", true).await;
    let sts = &checks.mta_sts;
    assert_eq!(sts.outcome, CheckOutcome::Fail, "{}", sts.summary);
    assert!(
        sts.summary.contains("larger than 65536 bytes"),
        "{}",
        sts.summary
    );
}

#[tokio::test]
async fn mta_sts_policy_with_the_wrong_content_type_is_refused() {
    let (checks, _) = probe("sts-type.port25.example", true).await;
    let sts = &checks.mta_sts;
    assert_eq!(sts.outcome, CheckOutcome::Fail, "{}", sts.summary);
    assert!(
        sts.summary.contains("text/html, not text/plain"),
        "{}",
        sts.summary
    );
}

#[tokio::test]
async fn mta_sts_policy_host_on_a_private_address_is_refused_by_the_guard() {
    let (checks, _) = probe("sts-private.port25.example", true).await;
    let sts = &checks.mta_sts;
    assert_eq!(sts.outcome, CheckOutcome::CouldNotTest, "{}", sts.summary);
    assert!(sts.summary.contains("10.0.0.25"), "{}", sts.summary);
    assert!(sts.summary.contains("does not contact"), "{}", sts.summary);
}

/// Runs `port25-probe check DOMAIN` against the fixture (JSON or text);
/// its MX has no SMTP server on port 25, so the session is refused, and the
/// DNS and HTTPS checks still run. Returns stdout and the wall time.
async fn cli(domain: &str, extra: &[&str]) -> (String, Duration) {
    let fixture = fixture();
    let ca = fixture.dir.join("ca.pem");
    std::fs::write(&ca, &pki().ca_pem).unwrap();
    let policy_port = policy_server().await;
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_port25-probe"));
    command
        .args(["check", domain, "--allow-loopback", "--dnssec-trust-ad"])
        .arg("--dns-resolver")
        .arg(fixture.resolver.to_string())
        .arg("--extra-roots")
        .arg(&ca)
        .arg("--mta-sts-port")
        .arg(policy_port.to_string())
        .args(extra)
        .env_remove("RUST_LOG");
    let started = Instant::now();
    let output = tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .expect("check finished within 60 s")
        .unwrap();
    let took = started.elapsed();
    // 1: the one address refused the connection (a server failure).
    assert!(
        matches!(output.status.code(), Some(1 | 3)),
        "{:?}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    (String::from_utf8(output.stdout).unwrap(), took)
}

#[tokio::test]
async fn the_check_command_prints_the_sections_and_their_json() {
    let (text, with_checks) = cli("sts-enforce.port25.example", &[]).await;
    assert!(
        text.contains("Mail security (DANE, MTA-STS, TLS-RPT, reverse DNS;"),
        "{text}"
    );
    assert!(
        text.contains("  MTA-STS [PASS] MTA-STS policy in enforce mode"),
        "{text}"
    );
    assert!(
        text.contains("    policy: mode enforce, max_age 86400, mx mx.sts.port25.example"),
        "{text}"
    );
    assert!(
        text.contains("  TLS-RPT [WARNING] No TLS-RPT record"),
        "{text}"
    );
    assert!(
        text.contains("  mx.sts.port25.example\n    DANE [NOT USED] No DANE"),
        "{text}"
    );
    assert!(text.contains("    reverse DNS 127.0.1.5 [PASS]"), "{text}");
    let (json, _) = cli("sts-enforce.port25.example", &["--json"]).await;
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let checks = &report["checks"];
    assert_eq!(checks["mta_sts"]["outcome"], "pass");
    assert_eq!(checks["mta_sts"]["policy"]["mode"], "enforce");
    assert_eq!(checks["tls_rpt"]["outcome"], "warn");
    assert_eq!(checks["exchanges"][0]["dane"]["dnssec"], "secure");
    assert_eq!(checks["exchanges"][0]["dane"]["authenticated"], true);
    let (without, _) = cli("sts-enforce.port25.example", &["--no-mail-checks"]).await;
    assert!(!without.contains("Mail security"), "{without}");
    // What the checks add to a whole `check` run: medians of five each.
    let mut with = vec![with_checks];
    let mut without = Vec::new();
    for _ in 0..5 {
        with.push(cli("sts-enforce.port25.example", &[]).await.1);
        without.push(
            cli("sts-enforce.port25.example", &["--no-mail-checks"])
                .await
                .1,
        );
    }
    with.sort();
    without.sort();
    println!(
        "port25-probe check sts-enforce.port25.example (median of {} and {}): {} ms with the checks, {} ms without",
        with.len(),
        without.len(),
        with[with.len() / 2].as_millis(),
        without[without.len() / 2].as_millis()
    );
}
