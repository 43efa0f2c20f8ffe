//! The SMTP engine against scripted servers on 127.0.0.1 that each test
//! starts itself: healthy STARTTLS, implicit TLS, silence, slow greetings,
//! garbage, rejections, broken handshakes, early closes, refused ports and
//! endless lines. No test contacts anything but loopback.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use port25_core::probe_types::{Direction, Outcome, StepName, TlsMode};
use port25_probe::guard::{Guard, VettedAddr};
use port25_probe::session::{probe_address_with_mode, SessionConfig};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::RootCertStore;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::time::Instant;

const EXCHANGE: &str = "mx.example.com";

/// A test CA with one leaf for `names`.
struct Pki {
    roots: RootCertStore,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

fn pki(names: &[&str]) -> Pki {
    pki_from("Port25 Test CA", names)
}

fn pki_from(ca_name: &str, names: &[&str]) -> Pki {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, ca_name);
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();
    let leaf_key = rcgen::KeyPair::generate().unwrap();
    let mut leaf_params =
        rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
            .unwrap();
    leaf_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, names[0]);
    let leaf = leaf_params.signed_by(&leaf_key, &ca).unwrap();
    let mut roots = RootCertStore::empty();
    roots.add(ca.der().clone()).unwrap();
    Pki {
        roots,
        chain: vec![leaf.der().clone(), ca.der().clone()],
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
    }
}

fn acceptor(pki: &Pki) -> tokio_rustls::TlsAcceptor {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(pki.chain.clone(), pki.key.clone_key())
        .unwrap();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

fn config(roots: RootCertStore) -> SessionConfig {
    SessionConfig {
        ehlo_name: "probe.test.example".into(),
        connect_timeout: Duration::from_secs(2),
        greeting_timeout: Duration::from_millis(800),
        command_timeout: Duration::from_secs(2),
        deadline: Duration::from_secs(5),
        roots: Arc::new(roots),
    }
}

/// Starts a one-connection server on 127.0.0.1 running `script`; returns
/// its vetted address and a receiver for what the script reports.
async fn serve<F, Fut, T>(script: F) -> (VettedAddr, oneshot::Receiver<T>)
where
    F: FnOnce(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = T> + Send,
    T: Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = oneshot::channel();
    tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let _ = tx.send(script(stream).await);
    });
    (vet(addr), rx)
}

fn vet(addr: SocketAddr) -> VettedAddr {
    Guard::allowing_loopback()
        .vet(addr.ip(), addr.port())
        .unwrap()
}

/// Reads one line; empty at end of stream.
async fn line<S: AsyncRead + Unpin>(reader: &mut BufReader<S>) -> String {
    let mut line = String::new();
    let _ = reader.read_line(&mut line).await;
    line
}

/// Answers EHLO with `caps`, QUIT with 221, and records every command.
async fn smtp_dialogue<S: AsyncRead + AsyncWrite + Unpin>(
    reader: &mut BufReader<S>,
    caps: &str,
    commands: &mut Vec<String>,
) -> Option<()> {
    loop {
        let cmd = line(reader).await;
        if cmd.is_empty() {
            return None;
        }
        commands.push(cmd.trim_end().to_owned());
        let upper = cmd.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            reader.get_mut().write_all(caps.as_bytes()).await.ok()?;
        } else if upper.starts_with("STARTTLS") {
            reader
                .get_mut()
                .write_all(b"220 2.0.0 go ahead\r\n")
                .await
                .ok()?;
            return Some(());
        } else if upper.starts_with("QUIT") {
            reader
                .get_mut()
                .write_all(b"221 2.0.0 bye\r\n")
                .await
                .ok()?;
            return None;
        } else {
            reader.get_mut().write_all(b"502 5.5.1 no\r\n").await.ok()?;
        }
    }
}

const CAPS_TLS: &str = "250-mx.example.com hello\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n250 8BITMIME\r\n";
const CAPS_INSIDE: &str =
    "250-mx.example.com hello again\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n";

/// A healthy STARTTLS server; returns every command it received.
async fn starttls_server(stream: TcpStream, acceptor: tokio_rustls::TlsAcceptor) -> Vec<String> {
    let mut commands = Vec::new();
    let mut reader = BufReader::new(stream);
    reader
        .get_mut()
        .write_all(b"220 mx.example.com ESMTP test\r\n")
        .await
        .unwrap();
    if smtp_dialogue(&mut reader, CAPS_TLS, &mut commands)
        .await
        .is_none()
    {
        return commands;
    }
    let tls = acceptor.accept(reader.into_inner()).await.unwrap();
    let mut reader = BufReader::new(tls);
    smtp_dialogue(&mut reader, CAPS_INSIDE, &mut commands).await;
    commands
}

fn assert_within(started: Instant, limit: Duration) {
    assert!(
        started.elapsed() <= limit,
        "took {:?}, limit {limit:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn starttls_session_goes_through_and_reports_everything() {
    let pki = pki(&[EXCHANGE]);
    let tls = acceptor(&pki);
    let (addr, commands) = serve(move |s| starttls_server(s, tls)).await;
    let started = Instant::now();
    let result =
        probe_address_with_mode(&config(pki.roots), EXCHANGE, addr, TlsMode::Starttls, None).await;
    assert_within(started, Duration::from_secs(5));
    assert_eq!(result.outcome, Outcome::Ok, "{result:#?}");
    assert_eq!(result.greeting, ["mx.example.com ESMTP test"]);
    assert!(result.starttls_offered && result.tls_used);
    assert!(result.capabilities.contains(&"STARTTLS".to_owned()));
    assert!(result
        .capabilities_after_tls
        .contains(&"AUTH PLAIN LOGIN".to_owned()));
    let tls = result.tls.as_ref().unwrap();
    assert_eq!(tls.mode, TlsMode::Starttls);
    assert_eq!(tls.version, "TLS 1.3");
    assert!(tls.cipher.starts_with("TLS13_"), "{}", tls.cipher);
    assert!(tls.chain_verified && tls.name_matches);
    assert_eq!(tls.verification_error, None);
    assert_eq!(tls.certificates.len(), 2);
    assert_eq!(tls.certificates[0].sans, [EXCHANGE]);
    assert_eq!(tls.certificates[0].issuer, "CN=Port25 Test CA");
    assert!(tls.certificates[0].days_left > 300);
    let names: Vec<_> = result.steps.iter().map(|s| s.name).collect();
    assert_eq!(
        names,
        [
            StepName::Connect,
            StepName::Greeting,
            StepName::Ehlo,
            StepName::Starttls,
            StepName::TlsHandshake,
            StepName::EhloAfterTls,
            StepName::Quit
        ]
    );
    assert!(result.steps.iter().all(|s| s.ok), "{:?}", result.steps);
    let commands = commands.await.unwrap();
    assert_eq!(
        commands,
        [
            "EHLO probe.test.example",
            "STARTTLS",
            "EHLO probe.test.example",
            "QUIT"
        ]
    );
    let client_lines: Vec<_> = result
        .transcript
        .iter()
        .filter(|l| l.direction == Direction::Client)
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(client_lines, commands);
}

#[tokio::test]
async fn wrong_name_and_unknown_issuer_are_information_not_failure() {
    let server_pki = pki(&["other.example.net"]);
    let tls = acceptor(&server_pki);
    let (addr, _) = serve(move |s| starttls_server(s, tls)).await;
    // The probe trusts the server's CA: only the name is wrong.
    let result = probe_address_with_mode(
        &config(server_pki.roots.clone()),
        EXCHANGE,
        addr,
        TlsMode::Starttls,
        None,
    )
    .await;
    let Outcome::CertificateProblem { detail } = &result.outcome else {
        panic!("{:#?}", result.outcome);
    };
    assert!(!detail.is_empty());
    let info = result.tls.as_ref().unwrap();
    assert!(info.chain_verified);
    assert!(!info.name_matches);
    assert_eq!(result.steps.last().unwrap().name, StepName::Quit);

    // The probe does not know the CA: chain fails, name matches.
    let server_pki = pki(&[EXCHANGE]);
    let tls = acceptor(&server_pki);
    let (addr, _) = serve(move |s| starttls_server(s, tls)).await;
    let result = probe_address_with_mode(
        &config(pki_from("Another CA", &["unrelated.example"]).roots),
        EXCHANGE,
        addr,
        TlsMode::Starttls,
        None,
    )
    .await;
    assert!(matches!(result.outcome, Outcome::CertificateProblem { .. }));
    let info = result.tls.as_ref().unwrap();
    assert!(!info.chain_verified);
    assert!(info.name_matches);
    let error = info.verification_error.as_deref().unwrap();
    assert!(error.contains("unknown issuer"), "{error}");
}

#[tokio::test]
async fn implicit_tls_session_goes_through() {
    let pki = pki(&[EXCHANGE]);
    let tls = acceptor(&pki);
    let (addr, commands) = serve(move |stream| async move {
        let tls = tls.accept(stream).await.unwrap();
        let mut reader = BufReader::new(tls);
        reader
            .get_mut()
            .write_all(b"220 mx.example.com ESMTP implicit\r\n")
            .await
            .unwrap();
        let mut commands = Vec::new();
        smtp_dialogue(&mut reader, CAPS_INSIDE, &mut commands).await;
        commands
    })
    .await;
    let result =
        probe_address_with_mode(&config(pki.roots), EXCHANGE, addr, TlsMode::Implicit, None).await;
    assert_eq!(result.outcome, Outcome::Ok, "{result:#?}");
    assert_eq!(result.tls.as_ref().unwrap().mode, TlsMode::Implicit);
    assert_eq!(result.steps[1].name, StepName::ImplicitTls);
    assert_eq!(commands.await.unwrap(), ["EHLO probe.test.example", "QUIT"]);
}

#[tokio::test]
async fn silent_server_is_no_greeting_and_the_probe_never_talks_first() {
    let (addr, received) = serve(|mut stream| async move {
        // Hold the connection open and record whether anything arrives.
        let mut buf = [0u8; 64];
        let read = tokio::time::timeout(
            Duration::from_secs(2),
            tokio::io::AsyncReadExt::read(&mut stream, &mut buf),
        )
        .await;
        match read {
            Ok(Ok(n)) => n,
            _ => 0,
        }
    })
    .await;
    let started = Instant::now();
    let result = probe_address_with_mode(
        &config(RootCertStore::empty()),
        EXCHANGE,
        addr,
        TlsMode::Starttls,
        None,
    )
    .await;
    assert_within(started, Duration::from_secs(2));
    assert_eq!(result.outcome, Outcome::NoGreeting);
    assert!(!result.outcome.is_success());
    assert_eq!(
        received.await.unwrap(),
        0,
        "the probe sent bytes before a greeting"
    );
}

#[tokio::test]
async fn slow_greeting_within_the_timeout_is_waited_for() {
    let (addr, early) = serve(|stream| async move {
        let mut reader = BufReader::new(stream);
        // Greet-delay: anything sent before the banner is an early talker.
        let mut probe_byte = [0u8; 1];
        let early = tokio::time::timeout(
            Duration::from_millis(500),
            tokio::io::AsyncReadExt::read(reader.get_mut(), &mut probe_byte),
        )
        .await
        .is_ok();
        reader
            .get_mut()
            .write_all(b"220 slow.example.com ESMTP\r\n")
            .await
            .unwrap();
        let mut commands = Vec::new();
        smtp_dialogue(
            &mut reader,
            "250-slow.example.com\r\n250 PIPELINING\r\n",
            &mut commands,
        )
        .await;
        early
    })
    .await;
    let result = probe_address_with_mode(
        &config(RootCertStore::empty()),
        EXCHANGE,
        addr,
        TlsMode::Starttls,
        None,
    )
    .await;
    assert!(
        !early.await.unwrap(),
        "the probe talked before the greeting"
    );
    assert_eq!(result.outcome, Outcome::StarttlsNotOffered);
    let greeting = &result.steps[1];
    assert_eq!(greeting.name, StepName::Greeting);
    assert!(greeting.ok);
    assert!(greeting.ms >= 450, "{greeting:?}");
    assert_eq!(result.steps.last().unwrap().name, StepName::Quit);
}

#[tokio::test]
async fn garbage_greeting_is_a_protocol_error() {
    let (addr, _) = serve(|mut stream| async move {
        stream
            .write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n")
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
    })
    .await;
    let started = Instant::now();
    let result = probe_address_with_mode(
        &config(RootCertStore::empty()),
        EXCHANGE,
        addr,
        TlsMode::Starttls,
        None,
    )
    .await;
    assert_within(started, Duration::from_millis(900));
    assert!(
        matches!(
            result.outcome,
            Outcome::ProtocolError {
                step: StepName::Greeting,
                ..
            }
        ),
        "{:?}",
        result.outcome
    );
    assert!(result
        .transcript
        .iter()
        .any(|l| l.direction == Direction::Server && l.text.starts_with("HTTP/1.1")));
}

#[tokio::test]
async fn rejecting_greeting_is_reported_with_its_code_and_quit() {
    let (addr, commands) = serve(|stream| async move {
        let mut reader = BufReader::new(stream);
        reader
            .get_mut()
            .write_all(b"554-mx.example.com no service for you\r\n554 5.7.1 listed\r\n")
            .await
            .unwrap();
        let mut commands = Vec::new();
        smtp_dialogue(&mut reader, "", &mut commands).await;
        commands
    })
    .await;
    let result = probe_address_with_mode(
        &config(RootCertStore::empty()),
        EXCHANGE,
        addr,
        TlsMode::Starttls,
        None,
    )
    .await;
    assert_eq!(result.outcome, Outcome::GreetingRejected { code: 554 });
    assert_eq!(
        result.greeting,
        ["mx.example.com no service for you", "5.7.1 listed"]
    );
    assert_eq!(commands.await.unwrap(), ["QUIT"]);
}

#[tokio::test]
async fn ehlo_and_starttls_rejections_are_reported() {
    let (addr, _) = serve(|stream| async move {
        let mut reader = BufReader::new(stream);
        reader.get_mut().write_all(b"220 hi\r\n").await.unwrap();
        let mut commands = Vec::new();
        smtp_dialogue(&mut reader, "550 5.7.1 go away\r\n", &mut commands).await;
    })
    .await;
    let result = probe_address_with_mode(
        &config(RootCertStore::empty()),
        EXCHANGE,
        addr,
        TlsMode::Starttls,
        None,
    )
    .await;
    assert_eq!(result.outcome, Outcome::EhloRejected { code: 550 });

    let (addr, _) = serve(|stream| async move {
        let mut reader = BufReader::new(stream);
        reader.get_mut().write_all(b"220 hi\r\n").await.unwrap();
        let _ = line(&mut reader).await;
        reader
            .get_mut()
            .write_all(b"250-hi\r\n250 STARTTLS\r\n")
            .await
            .unwrap();
        let _ = line(&mut reader).await;
        reader
            .get_mut()
            .write_all(b"454 4.7.0 TLS not available\r\n")
            .await
            .unwrap();
        let mut commands = Vec::new();
        smtp_dialogue(&mut reader, "", &mut commands).await;
    })
    .await;
    let result = probe_address_with_mode(
        &config(RootCertStore::empty()),
        EXCHANGE,
        addr,
        TlsMode::Starttls,
        None,
    )
    .await;
    assert_eq!(result.outcome, Outcome::StarttlsRefused { code: 454 });
    assert!(result.starttls_offered && !result.tls_used);
}

#[tokio::test]
async fn failed_handshake_after_starttls_is_reported() {
    let (addr, _) = serve(|stream| async move {
        let mut reader = BufReader::new(stream);
        reader.get_mut().write_all(b"220 hi\r\n").await.unwrap();
        let mut commands = Vec::new();
        smtp_dialogue(&mut reader, CAPS_TLS, &mut commands).await;
        // Instead of a TLS server hello, plain text, then close.
        reader
            .get_mut()
            .write_all(b"this is not TLS at all\r\n")
            .await
            .unwrap();
    })
    .await;
    let started = Instant::now();
    let result = probe_address_with_mode(
        &config(RootCertStore::empty()),
        EXCHANGE,
        addr,
        TlsMode::Starttls,
        None,
    )
    .await;
    assert_within(started, Duration::from_secs(3));
    assert!(
        matches!(result.outcome, Outcome::TlsHandshakeFailed { .. }),
        "{:?}",
        result.outcome
    );
    assert!(result.starttls_offered && !result.tls_used);
}

#[tokio::test]
async fn close_after_ehlo_is_reported() {
    let (addr, _) = serve(|stream| async move {
        let mut reader = BufReader::new(stream);
        reader.get_mut().write_all(b"220 hi\r\n").await.unwrap();
        let _ = line(&mut reader).await;
        // Drop the connection without answering EHLO.
    })
    .await;
    let result = probe_address_with_mode(
        &config(RootCertStore::empty()),
        EXCHANGE,
        addr,
        TlsMode::Starttls,
        None,
    )
    .await;
    assert_eq!(
        result.outcome,
        Outcome::Closed {
            step: StepName::Ehlo
        }
    );
}

#[tokio::test]
async fn refused_connection_is_refused() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let started = Instant::now();
    let result = probe_address_with_mode(
        &config(RootCertStore::empty()),
        EXCHANGE,
        vet(addr),
        TlsMode::Starttls,
        None,
    )
    .await;
    assert_within(started, Duration::from_secs(1));
    assert_eq!(result.outcome, Outcome::Refused);
    assert_eq!(result.steps.len(), 1);
    assert!(!result.steps[0].ok);
}

#[tokio::test]
async fn endless_line_is_cut_off_at_the_bound() {
    let (addr, _) = serve(|mut stream| async move {
        let chunk = [b'a'; 512];
        let _ = stream.write_all(b"220 ").await;
        // Far more than the line bound, never a line end.
        for _ in 0..64 {
            if stream.write_all(&chunk).await.is_err() {
                break;
            }
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    })
    .await;
    let started = Instant::now();
    let result = probe_address_with_mode(
        &config(RootCertStore::empty()),
        EXCHANGE,
        addr,
        TlsMode::Starttls,
        None,
    )
    .await;
    assert_within(started, Duration::from_millis(1500));
    let Outcome::ProtocolError { step, detail } = &result.outcome else {
        panic!("{:?}", result.outcome);
    };
    assert_eq!(*step, StepName::Greeting);
    assert!(detail.contains("longer than"), "{detail}");
}

#[tokio::test]
async fn overall_deadline_bounds_a_trickling_server() {
    let (addr, _) = serve(|stream| async move {
        let mut reader = BufReader::new(stream);
        reader.get_mut().write_all(b"220 hi\r\n").await.unwrap();
        let _ = line(&mut reader).await;
        // Answer EHLO one continuation line at a time, forever.
        for _ in 0..100 {
            if reader.get_mut().write_all(b"250-SLOW\r\n").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    let mut config = config(RootCertStore::empty());
    config.deadline = Duration::from_millis(600);
    let started = Instant::now();
    let result = probe_address_with_mode(&config, EXCHANGE, addr, TlsMode::Starttls, None).await;
    assert_within(started, Duration::from_millis(2000));
    assert_eq!(
        result.outcome,
        Outcome::Timeout {
            step: StepName::Ehlo
        }
    );
}

#[tokio::test]
async fn progress_events_follow_the_session() {
    use port25_core::probe_types::Event;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let (tx, mut rx) = tokio::sync::mpsc::channel(32);
    let result = probe_address_with_mode(
        &config(RootCertStore::empty()),
        EXCHANGE,
        vet(addr),
        TlsMode::Starttls,
        Some(tx),
    )
    .await;
    let mut kinds = Vec::new();
    while let Some(event) = rx.recv().await {
        kinds.push(match event {
            Event::Connecting { address, .. } => {
                assert_eq!(address, addr.ip());
                "connecting"
            }
            Event::StepDone { step, .. } => {
                assert_eq!(step.name, StepName::Connect);
                "step-done"
            }
            Event::AddressDone { result: done } => {
                assert_eq!(*done, result);
                "address-done"
            }
            other => panic!("{other:?}"),
        });
    }
    assert_eq!(kinds, ["connecting", "step-done", "address-done"]);
}
