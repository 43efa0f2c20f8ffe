//! The probe against a real Postfix with STARTTLS on loopback.
//!
//! Ignored by default because it starts a Postfix master (root, and the
//! `postfix` package); `scripts/test-probe-postfix.sh` installs Postfix if
//! needed and runs it, and `scripts/test.sh` calls that script.
//!
//! The test makes a CA and four certificates with rcgen at run time, writes
//! a throwaway Postfix configuration into a temporary directory (its own
//! config, queue and data directories, a master.cf with one smtpd per
//! certificate on its own random 127.x.y.z address, port 2525) and starts it
//! with `postfix -c DIR start` (`tests/support/postfix.rs`). Its `Drop` stops it again, also
//! when an assertion panics, and kills the master if `stop` did not work.
//!
//! | exchange | certificate | expected outcome |
//! | --- | --- | --- |
//! | valid.mail.example.net | signed by the test CA, right name | ok |
//! | selfsigned.mail.example.net | self-signed | certificate problem: unknown issuer |
//! | expired.mail.example.net | signed by the test CA, expired | certificate problem: expired |
//! | wrongname.mail.example.net | signed by the test CA, other.example.net | certificate problem: name |
//!
//! The test CA is trusted only through the probe's extra-roots setting
//! (`SessionConfig::roots` here, `--extra-roots` on the command line).

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use port25_core::probe_types::{AddressResult, Outcome, ProbeMode, ProbeRequest, StepName};
use port25_probe::dns::StaticResolver;
use port25_probe::guard::Guard;
use port25_probe::Prober;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls::RootCertStore;

const PORT: u16 = 2525;
const DOMAIN: &str = "mail.example.net";
/// Each scenario must finish well within the probe's own deadline.
const SCENARIO_LIMIT: Duration = Duration::from_secs(10);

#[path = "support/postfix.rs"]
mod support;
use support::Postfix;

/// Writes the configuration for `services` (address, chain file) into `dir`,
/// starts the master and waits until every service listens.
fn start_postfix(dir: &Path, services: &[(Ipv4Addr, PathBuf)]) -> Postfix {
    let main_cf = format!(
        "myhostname = mx.{DOMAIN}\n\
         smtpd_banner = $myhostname ESMTP Port25 test\n\
         smtpd_tls_security_level = may\n\
         smtpd_tls_chain_files = {}\n\
         smtpd_relay_restrictions = reject\n",
        services[0].1.display()
    );
    // One smtpd per certificate.
    let lines: String = services
        .iter()
        .map(|(ip, chain)| {
            format!(
                "{ip}:{PORT} inet n - n - - smtpd -o smtpd_tls_chain_files={}\n",
                chain.display()
            )
        })
        .collect();
    let postfix = Postfix::start(dir, &main_cf, &lines);
    // The master binds its listeners right after it starts.
    let until = Instant::now() + Duration::from_secs(10);
    for (ip, _) in services {
        while std::net::TcpStream::connect_timeout(&(*ip, PORT).into(), Duration::from_millis(200))
            .is_err()
        {
            assert!(
                Instant::now() < until,
                "Postfix never listened on {ip}:{PORT}\n{}",
                postfix.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    postfix
}

/// A key and certificate as one PEM chain file for smtpd_tls_chain_files.
fn write_chain(dir: &Path, name: &str, key: &KeyPair, certs: &[String]) -> PathBuf {
    let path = dir.join(format!("{name}.pem"));
    std::fs::write(&path, format!("{}{}", key.serialize_pem(), certs.concat())).unwrap();
    path
}

fn leaf_params(names: &[&str], days_from_now: (i64, i64)) -> CertificateParams {
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(DnType::CommonName, names[0]);
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now + time::Duration::days(days_from_now.0);
    params.not_after = now + time::Duration::days(days_from_now.1);
    params
}

struct Scenario {
    exchange: String,
    ip: Ipv4Addr,
}

/// Four distinct random loopback addresses, 127.a.b.1 to 127.a.b.4.
fn addresses() -> Vec<Ipv4Addr> {
    for _ in 0..20 {
        let bytes = uuid::Uuid::new_v4().into_bytes();
        let base = (bytes[0] % 100 + 100, bytes[1]);
        let ips: Vec<Ipv4Addr> = (1..=4)
            .map(|n| Ipv4Addr::new(127, base.0, base.1, n))
            .collect();
        if ips
            .iter()
            .all(|ip| std::net::TcpListener::bind((*ip, PORT)).is_ok())
        {
            return ips;
        }
    }
    panic!("no free 127.x.y.1-4:{PORT}");
}

fn result_for<'a>(results: &'a [AddressResult], exchange: &str) -> &'a AddressResult {
    results
        .iter()
        .find(|r| r.exchange == exchange)
        .unwrap_or_else(|| panic!("no result for {exchange}"))
}

#[tokio::test]
#[ignore = "starts a real Postfix (root): run scripts/test-probe-postfix.sh"]
async fn postfix_starttls_certificates_are_judged_right() {
    assert!(
        Path::new("/usr/sbin/postfix").exists(),
        "Postfix is not installed: run scripts/test-probe-postfix.sh"
    );
    let dir =
        std::env::temp_dir().join(format!("port25-postfix-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let ips = addresses();
    let name = |n: &str| format!("{n}.{DOMAIN}");

    // The test CA and the four certificates.
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Port25 Test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();
    let ca_pem = ca.pem();
    std::fs::write(dir.join("ca.pem"), &ca_pem).unwrap();

    let valid_name = name("valid");
    let valid_ip = ips[0].to_string();
    let valid_key = KeyPair::generate().unwrap();
    let valid = leaf_params(&[&valid_name, &valid_ip], (-1, 90))
        .signed_by(&valid_key, &ca)
        .unwrap();
    let self_key = KeyPair::generate().unwrap();
    let selfsigned = leaf_params(&[&name("selfsigned")], (-1, 90))
        .self_signed(&self_key)
        .unwrap();
    let expired_key = KeyPair::generate().unwrap();
    let expired = leaf_params(&[&name("expired")], (-60, -30))
        .signed_by(&expired_key, &ca)
        .unwrap();
    let wrong_key = KeyPair::generate().unwrap();
    let wrong = leaf_params(&["other.example.net"], (-1, 90))
        .signed_by(&wrong_key, &ca)
        .unwrap();
    let services = vec![
        (
            ips[0],
            write_chain(&dir, "valid", &valid_key, &[valid.pem(), ca_pem.clone()]),
        ),
        (
            ips[1],
            write_chain(&dir, "selfsigned", &self_key, &[selfsigned.pem()]),
        ),
        (
            ips[2],
            write_chain(
                &dir,
                "expired",
                &expired_key,
                &[expired.pem(), ca_pem.clone()],
            ),
        ),
        (
            ips[3],
            write_chain(
                &dir,
                "wrongname",
                &wrong_key,
                &[wrong.pem(), ca_pem.clone()],
            ),
        ),
    ];
    let postfix = start_postfix(&dir, &services);

    let scenarios: Vec<Scenario> = ["valid", "selfsigned", "expired", "wrongname"]
        .iter()
        .zip(&ips)
        .map(|(n, ip)| Scenario {
            exchange: name(n),
            ip: *ip,
        })
        .collect();
    let mut resolver = StaticResolver::default();
    for (preference, scenario) in (10u16..).step_by(10).zip(&scenarios) {
        resolver = resolver
            .with_mx(DOMAIN, preference, &scenario.exchange)
            .with_address(&scenario.exchange, IpAddr::V4(scenario.ip));
    }
    let mut prober = Prober::new(Arc::new(resolver));
    prober.guard = Guard::allowing_loopback();
    prober.session.ehlo_name = "probe.example.net".into();
    let mut roots = RootCertStore::empty();
    roots.add(ca.der().clone()).unwrap();
    prober.session.roots = Arc::new(roots);

    // Each exchange on its own, within the limit.
    for scenario in &scenarios {
        let started = Instant::now();
        let report = prober
            .probe(
                &ProbeRequest {
                    target: scenario.exchange.clone(),
                    port: PORT,
                    mode: ProbeMode::Host,
                },
                None,
            )
            .await
            .unwrap();
        let elapsed = started.elapsed();
        assert!(
            elapsed < SCENARIO_LIMIT,
            "{}: {elapsed:?}",
            scenario.exchange
        );
        assert_eq!(report.results.len(), 1, "{}", scenario.exchange);
        check(&report.results[0], &postfix);
    }

    // The whole domain at once: four MX in preference order, probed
    // concurrently, each judged on its own.
    let started = Instant::now();
    let report = prober
        .probe(
            &ProbeRequest {
                target: DOMAIN.into(),
                port: PORT,
                mode: ProbeMode::Mx,
            },
            None,
        )
        .await
        .unwrap();
    assert!(
        started.elapsed() < SCENARIO_LIMIT,
        "{:?}",
        started.elapsed()
    );
    let exchanges: Vec<&str> = report.mx.mx.iter().map(|h| h.exchange.as_str()).collect();
    assert_eq!(
        exchanges,
        scenarios
            .iter()
            .map(|s| s.exchange.as_str())
            .collect::<Vec<_>>()
    );
    assert_eq!(report.results.len(), 4);
    for scenario in &scenarios {
        check(result_for(&report.results, &scenario.exchange), &postfix);
    }

    // The command line, by address: trusted through --extra-roots, and
    // information-only without it; a closed port is "blocked".
    let cli = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_port25-probe"))
            .args(["check", "--allow-loopback", "--json"])
            .args(args)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_default();
        (output.status.code(), json)
    };
    let ca_file = dir.join("ca.pem");
    let port = PORT.to_string();
    let (code, json) = cli(&[
        "--host",
        &valid_ip,
        "--port",
        &port,
        "--extra-roots",
        ca_file.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{json}");
    assert_eq!(json["results"][0]["outcome"]["kind"], "ok", "{json}");
    let (code, json) = cli(&["--host", &valid_ip, "--port", &port]);
    assert_eq!(code, Some(0), "{json}");
    assert_eq!(json["results"][0]["outcome"]["kind"], "certificate-problem");
    let closed = Ipv4Addr::new(127, ips[0].octets()[1], ips[0].octets()[2], 9).to_string();
    let (code, json) = cli(&["--host", &closed, "--port", &port]);
    assert_eq!(code, Some(3), "{json}");
    assert_eq!(json["results"][0]["outcome"]["kind"], "refused");
    drop(postfix);
    assert!(!dir.exists(), "the instance's directory is removed");
}

/// Asserts the outcome one exchange must have.
fn check(result: &AddressResult, postfix: &Postfix) {
    let exchange = result.exchange.as_str();
    let context = || format!("{exchange}: {:?}\n{}", result.outcome, postfix.log());
    // The session went all the way in every scenario: certificate problems
    // are information for opportunistic SMTP.
    assert!(result.outcome.is_success(), "{}", context());
    assert_eq!(
        result.greeting[0],
        format!("mx.{DOMAIN} ESMTP Port25 test"),
        "{}",
        context()
    );
    assert!(result.starttls_offered && result.tls_used, "{}", context());
    assert!(result.capabilities.iter().any(|c| c == "STARTTLS"));
    assert!(!result
        .capabilities_after_tls
        .iter()
        .any(|c| c == "STARTTLS"));
    let steps: Vec<StepName> = result.steps.iter().map(|s| s.name).collect();
    assert_eq!(
        steps,
        [
            StepName::Connect,
            StepName::Greeting,
            StepName::Ehlo,
            StepName::Starttls,
            StepName::TlsHandshake,
            StepName::EhloAfterTls,
            StepName::Quit
        ],
        "{}",
        context()
    );
    // Never MAIL, RCPT or DATA.
    for line in &result.transcript {
        let upper = line.text.to_ascii_uppercase();
        assert!(
            !["MAIL ", "RCPT ", "DATA"]
                .iter()
                .any(|verb| upper.starts_with(verb)),
            "{line:?}"
        );
    }
    let tls = result.tls.as_ref().unwrap();
    assert!(tls.version.starts_with("TLS 1."), "{}", tls.version);
    let error = tls.verification_error.clone().unwrap_or_default();
    match exchange.split('.').next().unwrap() {
        "valid" => {
            assert_eq!(result.outcome, Outcome::Ok, "{}", context());
            assert!(tls.chain_verified && tls.name_matches, "{}", context());
            assert_eq!(tls.certificates.len(), 2);
            assert_eq!(tls.certificates[1].subject, "CN=Port25 Test CA");
            assert!(tls.certificates[0].days_left >= 88);
        }
        "selfsigned" => {
            assert!(
                matches!(result.outcome, Outcome::CertificateProblem { .. }),
                "{}",
                context()
            );
            assert!(!tls.chain_verified && tls.name_matches, "{}", context());
            assert!(error.contains("unknown issuer"), "{error}");
        }
        "expired" => {
            assert!(
                matches!(result.outcome, Outcome::CertificateProblem { .. }),
                "{}",
                context()
            );
            assert!(!tls.chain_verified, "{}", context());
            assert!(error.contains("expired"), "{error}");
            assert!(
                tls.certificates[0].days_left < -28,
                "{}",
                tls.certificates[0].days_left
            );
        }
        "wrongname" => {
            assert!(
                matches!(result.outcome, Outcome::CertificateProblem { .. }),
                "{}",
                context()
            );
            assert!(tls.chain_verified && !tls.name_matches, "{}", context());
            assert!(
                error.contains("not valid for wrongname.mail.example.net"),
                "{error}"
            );
        }
        other => panic!("unexpected exchange {other}"),
    }
}
