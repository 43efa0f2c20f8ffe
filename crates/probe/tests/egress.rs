//! The egress listeners on loopback, in-process: a test created through the
//! API sees the connection that presents its token; the listener never takes
//! mail without an egress domain and, with one, only for a live test's own
//! address (never a relay); hostile clients (silent, 1 byte a second, an
//! endless line, 10 MB of DATA refused and 10 MB of DATA to a live address,
//! a command before the greeting, 1,000 connections at once) each end
//! by their deadline with the service answering and memory bounded; the
//! caps answer 421. Every listener binds 127.0.0.1 on a port the kernel
//! picks, with a short idle deadline (2 s) and connection deadline (6 s).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use axum::Router;
use port25_core::probe_types::egress::{EgressPort, Presented};
use port25_core::probe_types::TlsMode;
use port25_probe::egress::{Egress, EgressConfig};
use port25_probe::store::Store;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{timeout, Instant};

const IDLE: Duration = Duration::from_secs(2);
const DEADLINE: Duration = Duration::from_secs(6);

struct Rig {
    egress: Arc<Egress>,
    app: Router,
    /// The STARTTLS listener.
    plain: SocketAddr,
}

async fn rig(tweak: impl FnOnce(&mut EgressConfig)) -> Rig {
    let plain = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let implicit = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let plain_addr = plain.local_addr().unwrap();
    let ports = vec![
        EgressPort {
            port: plain_addr.port(),
            tls: TlsMode::Starttls,
        },
        EgressPort {
            port: implicit.local_addr().unwrap().port(),
            tls: TlsMode::Implicit,
        },
    ];
    let mut config = EgressConfig::new("egress.test");
    config.host = "127.0.0.1".into();
    config.ports = ports.clone();
    config.idle = IDLE;
    config.deadline = DEADLINE;
    tweak(&mut config);
    let store = Store::memory(support::generous_api().store_limits());
    let (egress, app) =
        support::egress_rig(config, store, vec![(plain, ports[0]), (implicit, ports[1])]);
    Rig {
        egress,
        app,
        plain: plain_addr,
    }
}

mod support;
use support::call;

async fn create(app: &Router) -> Value {
    let (status, json) = call(app, "POST", "/api/v1/egress").await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    json
}

async fn line(reader: &mut BufReader<TcpStream>) -> String {
    let mut line = String::new();
    timeout(Duration::from_secs(10), reader.read_line(&mut line))
        .await
        .expect("a reply in time")
        .unwrap();
    line
}

/// Reads until the server closes; returns what it sent and when it closed.
async fn until_closed(stream: &mut TcpStream, limit: Duration) -> (String, Duration) {
    let started = Instant::now();
    let mut all = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match timeout(limit, stream.read(&mut buffer)).await {
            Err(_) => panic!(
                "not closed within {limit:?}: {}",
                String::from_utf8_lossy(&all)
            ),
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => all.extend_from_slice(&buffer[..n]),
        }
    }
    (
        String::from_utf8_lossy(&all).into_owned(),
        started.elapsed(),
    )
}

/// Sends `preamble`, then 10 MB of 80-byte lines, while reading what the
/// listener answers until it closes (or 8 s pass); returns the answer and
/// how long it took.
async fn ten_mb_of_data(addr: SocketAddr, preamble: String) -> (String, Duration) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let started = Instant::now();
    let (mut read, mut write) = s.split();
    let push = async {
        let _ = write.write_all(preamble.as_bytes()).await;
        let block = ("x".repeat(78) + "\r\n").repeat(1000);
        for _ in 0..(10 * 1024 * 1024 / block.len()) {
            if write.write_all(block.as_bytes()).await.is_err() {
                break;
            }
        }
    };
    let mut all = Vec::new();
    let read_all = async {
        let _ = timeout(Duration::from_secs(8), read.read_to_end(&mut all)).await;
    };
    tokio::join!(push, read_all);
    (
        String::from_utf8_lossy(&all).into_owned(),
        started.elapsed(),
    )
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[tokio::test]
async fn a_token_in_ehlo_is_an_arrival_and_only_for_its_test() {
    let rig = rig(|_| {}).await;
    let test = create(&rig.app).await;
    let token = test["token"].as_str().unwrap().to_owned();
    let code = test["greeting_code"].as_str().unwrap();
    assert_eq!(test["host"], "127.0.0.1");
    assert!(test["commands"].as_array().unwrap().len() >= 8);
    let (_, empty) = call(&rig.app, "GET", &format!("/api/v1/egress/{token}")).await;
    assert_eq!(empty["arrivals"], serde_json::json!([]));

    let mut reader = BufReader::new(TcpStream::connect(rig.plain).await.unwrap());
    let greeting = line(&mut reader).await;
    assert!(
        greeting.starts_with("220 egress.test ") && greeting.contains(code),
        "{greeting}"
    );
    // Another test's token is not this one's, and an unknown token is nothing.
    reader
        .get_mut()
        .write_all(format!("EHLO {}\r\n", token.to_uppercase()).as_bytes())
        .await
        .unwrap();
    let mut reply = line(&mut reader).await;
    while reply.starts_with("250-") {
        reply = line(&mut reader).await;
    }
    reader.get_mut().write_all(b"QUIT\r\n").await.unwrap();
    assert!(line(&mut reader).await.starts_with("221"));

    let (status, json) = call(&rig.app, "GET", &format!("/api/v1/egress/{token}")).await;
    assert_eq!(status, 200);
    let arrivals = json["arrivals"].as_array().unwrap();
    assert_eq!(arrivals.len(), 1, "{json}");
    assert_eq!(arrivals[0]["port"], rig.plain.port());
    assert_eq!(arrivals[0]["source"], "127.0.0.1");
    assert_eq!(arrivals[0]["family"], "ipv4");
    assert_eq!(
        arrivals[0]["presented"],
        serde_json::to_value(Presented::Ehlo).unwrap()
    );
    assert_eq!(arrivals[0]["tls"], Value::Null);

    let (status, json) = call(&rig.app, "GET", "/api/v1/egress/aaaaaaaaaaaaaaaa").await;
    assert_eq!(
        (status, json["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("no-such-test"))
    );
    let (status, _) = call(&rig.app, "GET", "/api/v1/egress/not-a-token").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_expired_test_is_forgotten_with_its_arrivals() {
    let rig = rig(|config| config.ttl = Duration::from_secs(1)).await;
    let token = create(&rig.app).await["token"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let mut stream = TcpStream::connect(rig.plain).await.unwrap();
    stream
        .write_all(format!("EHLO {token}\r\nQUIT\r\n").as_bytes())
        .await
        .unwrap();
    until_closed(&mut stream, Duration::from_secs(5)).await;
    let (status, _) = call(&rig.app, "GET", &format!("/api/v1/egress/{token}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn it_never_relays_rcpt_to_any_domain_is_refused() {
    let rig = rig(|_| {}).await;
    let mut stream = TcpStream::connect(rig.plain).await.unwrap();
    stream
        .write_all(
            b"EHLO attacker.example\r\nMAIL FROM:<spam@attacker.example>\r\n\
RCPT TO:<victim@gmail.com>\r\nRCPT TO:<postmaster@egress.test>\r\nDATA\r\n\
Subject: relay?\r\n\r\nbody\r\n.\r\nQUIT\r\n",
        )
        .await
        .unwrap();
    let (all, _) = until_closed(&mut stream, Duration::from_secs(5)).await;
    let codes: Vec<&str> = all.lines().map(|l| &l[..3]).collect();
    // Greeting, EHLO (3 lines), MAIL 550, RCPT 550, RCPT 550, DATA 503,
    // then the message lines are commands and refused, QUIT 221.
    assert_eq!(
        &codes[..8],
        ["220", "250", "250", "250", "550", "550", "550", "503"],
        "{all}"
    );
    assert!(
        codes[8..codes.len() - 1].iter().all(|c| c.starts_with('5')),
        "{all}"
    );
    assert_eq!(codes.last(), Some(&"221"));
    assert!(!all.contains("354"), "never an invitation to send data");
}

#[tokio::test]
async fn hostile_clients_each_end_by_their_deadline() {
    let rig = rig(|_| {}).await;
    let addr = rig.plain;
    // Silent: the idle deadline closes it with 421.
    let silent = tokio::spawn(async move {
        let mut s = TcpStream::connect(addr).await.unwrap();
        let (all, took) = until_closed(&mut s, Duration::from_secs(10)).await;
        assert!(
            all.ends_with("421 4.4.2 Idle too long; closing\r\n"),
            "{all}"
        );
        assert!(
            took >= IDLE && took < IDLE + Duration::from_secs(2),
            "{took:?}"
        );
    });
    // One byte a second: each read is in time, the connection deadline ends it.
    let trickle = tokio::spawn(async move {
        let mut s = TcpStream::connect(addr).await.unwrap();
        let started = Instant::now();
        let mut buffer = [0u8; 512];
        loop {
            if s.write_all(b"E").await.is_err() {
                break;
            }
            match timeout(Duration::from_secs(1), s.read(&mut buffer)).await {
                Ok(Ok(0)) | Ok(Err(_)) => break,
                _ => {}
            }
            assert!(
                started.elapsed() < DEADLINE + Duration::from_secs(3),
                "still open"
            );
        }
        assert!(started.elapsed() >= DEADLINE - Duration::from_secs(1));
    });
    // An endless line: closed after 512 bytes with 500.
    let endless = tokio::spawn(async move {
        let mut s = TcpStream::connect(addr).await.unwrap();
        let writer = {
            let (mut read, mut write) = s.split();
            let chunk = [b'A'; 1024];
            let push = async {
                for _ in 0..10_000 {
                    if write.write_all(&chunk).await.is_err() {
                        break;
                    }
                }
            };
            let mut all = Vec::new();
            let read_all = async {
                let _ = timeout(Duration::from_secs(5), read.read_to_end(&mut all)).await;
            };
            tokio::join!(push, read_all);
            String::from_utf8_lossy(&all).into_owned()
        };
        assert!(writer.contains("500 5.5.6 Line too long"), "{writer}");
    });
    // 10 MB of DATA: refused line by line, closed after the line cap.
    let data = tokio::spawn(async move {
        let (all, took) = ten_mb_of_data(
            addr,
            "EHLO x\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\n".into(),
        )
        .await;
        assert!(all.contains("421 4.7.0 Too many commands"), "{all}");
        assert!(took < Duration::from_secs(5));
    });
    // A command before the greeting: answered, then idle ends it.
    let early = tokio::spawn(async move {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"EHLO early.example\r\n").await.unwrap();
        let (all, took) = until_closed(&mut s, Duration::from_secs(10)).await;
        assert!(all.starts_with("220 "), "{all}");
        assert!(all.contains("250 ENHANCEDSTATUSCODES"));
        assert!(took < IDLE + Duration::from_secs(2));
    });
    for task in [silent, trickle, endless, data, early] {
        task.await.unwrap();
    }
    // The service still answers.
    create(&rig.app).await;
    assert_eq!(rig.egress.open_connections(), 0);
}

#[tokio::test]
async fn a_thousand_connections_at_once_stay_bounded_and_the_api_answers() {
    let rig = rig(|config| {
        config.max_per_source = 2000;
        config.max_connections = 2000;
    })
    .await;
    let before = rss_kib();
    let addr = rig.plain;
    let mut clients = Vec::new();
    for _ in 0..1000 {
        clients.push(TcpStream::connect(addr).await.unwrap());
    }
    // Every one is greeted.
    for client in &mut clients {
        let mut buffer = [0u8; 128];
        let n = timeout(Duration::from_secs(5), client.read(&mut buffer))
            .await
            .unwrap()
            .unwrap();
        assert!(buffer[..n].starts_with(b"220 "));
    }
    assert_eq!(rig.egress.open_connections(), 1000);
    let grown = rss_kib().saturating_sub(before);
    assert!(
        grown < 64 * 1024,
        "1,000 connections grew RSS by {grown} KiB"
    );
    let started = Instant::now();
    create(&rig.app).await;
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "API answers under load"
    );
    // All end by the idle deadline.
    let ends = clients.into_iter().map(|mut client| async move {
        until_closed(&mut client, IDLE + Duration::from_secs(4)).await
    });
    futures::future::join_all(ends).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(rig.egress.open_connections(), 0);
}

#[tokio::test]
async fn connections_over_a_cap_get_one_421_line() {
    let rig = rig(|config| config.max_per_source = 3).await;
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut s = TcpStream::connect(rig.plain).await.unwrap();
        let mut buffer = [0u8; 128];
        let n = s.read(&mut buffer).await.unwrap();
        assert!(buffer[..n].starts_with(b"220 "));
        held.push(s);
    }
    let mut over = TcpStream::connect(rig.plain).await.unwrap();
    let (all, _) = until_closed(&mut over, Duration::from_secs(3)).await;
    assert_eq!(all, "421 4.7.0 Too many connections; try again later\r\n");
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut again = TcpStream::connect(rig.plain).await.unwrap();
    let mut buffer = [0u8; 128];
    let n = again.read(&mut buffer).await.unwrap();
    assert!(buffer[..n].starts_with(b"220 "), "slots are given back");
}

/// Runs one command line in bash, bounded, and returns what it printed.
async fn run(command: String) -> String {
    tokio::task::spawn_blocking(move || {
        let output = std::process::Command::new("timeout")
            .args(["25", "bash", "-c", &command])
            .stdin(std::process::Stdio::null())
            .output()
            .expect("bash and timeout");
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
    .await
    .unwrap()
}

/// Every command the API hands out for Linux and macOS, run for real with
/// the real programs (curl, bash, nc, openssl, swaks, telnet), each one's
/// connection seen through the API with its port and TLS. The Windows
/// `curl.exe` commands run too, as `curl`: the same program with the same
/// options (Windows 10 1803 and later ship curl as `curl.exe`). PowerShell
/// is not run: there is none on this machine or in its package registries.
#[tokio::test]
#[ignore = "runs curl, nc, openssl, swaks and telnet; scripts/test-egress.sh installs them and runs it"]
async fn every_one_liner_but_powershell_arrives() {
    let rig = rig(|_| {}).await;
    let test = create(&rig.app).await;
    let token = test["token"].as_str().unwrap().to_owned();
    let code = test["greeting_code"].as_str().unwrap().to_owned();
    let commands = test["commands"].as_array().unwrap().clone();
    let mut ran = Vec::new();
    for (index, command) in commands.iter().enumerate() {
        let windows_curl = command["shell"] == "windows" && command["tool"] == "curl";
        if command["shell"] != "unix" && !windows_curl {
            continue;
        }
        let tool = command["tool"].as_str().unwrap().to_owned();
        let port = command["port"].as_u64().unwrap();
        let text = command["command"].as_str().unwrap();
        let text = match text.strip_prefix("curl.exe ") {
            Some(rest) if windows_curl => format!("curl {rest}"),
            _ => text.to_owned(),
        };
        let text = text.as_str();
        let line = if command["typed"].as_array().unwrap().is_empty() {
            text.to_owned()
        } else {
            // telnet reads what the user would type, a line at a time.
            let typed: Vec<String> = command["typed"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| format!("printf '%s\\n' '{}'; sleep 1", t.as_str().unwrap()))
                .collect();
            format!("{{ sleep 1; {}; }} | {text}", typed.join("; "))
        };
        let printed = run(line.clone()).await;
        // openssl -starttls reads the greeting itself and does not print it.
        let starttls_openssl = tool == "openssl" && text.contains("-starttls");
        assert!(
            starttls_openssl || printed.contains(&code),
            "{tool} on {port}: no greeting\n{line}\n{printed}"
        );
        let (_, status) = call(&rig.app, "GET", &format!("/api/v1/egress/{token}")).await;
        let arrivals = status["arrivals"].as_array().unwrap();
        let mine: Vec<&Value> = arrivals.iter().filter(|a| a["port"] == port).collect();
        assert!(
            arrivals.len() == ran.len() + 1,
            "{tool} on {port} did not arrive ({index}):\n{line}\n{printed}\n{status}"
        );
        let newest = arrivals.iter().max_by_key(|a| a["at_ms"].as_u64()).unwrap();
        assert_eq!(newest["port"], port);
        let implicit = command["port"] == test["ports"][1]["port"];
        let wants_tls = implicit || tool == "openssl";
        assert_eq!(
            newest["tls"].is_string(),
            wants_tls,
            "{tool} on {port}: {newest}"
        );
        assert!(!mine.is_empty());
        let shell = if windows_curl { "windows " } else { "" };
        ran.push(format!("{shell}{tool}:{port}"));
    }
    assert_eq!(
        ran.len(),
        10,
        "curl, bash, nc, openssl, swaks, telnet, curl.exe on STARTTLS; curl, openssl, curl.exe on 465: {ran:?}"
    );
}

/// A rig with the mail path on for `egress.test`; the analysis resolver is
/// a closed port (these tests never get as far as analysing).
async fn mail_rig() -> Rig {
    rig(|config| {
        config.mail_domain = Some("egress.test".into());
        config.mail_dns = Some("127.0.0.1:9".parse().unwrap());
    })
    .await
}

#[tokio::test]
async fn with_a_mail_domain_it_takes_only_its_live_test_addresses() {
    let rig = mail_rig().await;
    let created = create(&rig.app).await;
    let token = created["token"].as_str().unwrap().to_owned();
    assert_eq!(created["mail_address"], format!("{token}@egress.test"));
    // A well-formed token of no live test: the first character changed.
    let first = if token.starts_with('a') { "b" } else { "a" };
    let dead = format!("{first}{}", &token[1..]);
    let mut stream = TcpStream::connect(rig.plain).await.unwrap();
    stream
        .write_all(
            format!(
                "EHLO attacker.example\r\nMAIL FROM:<spam@attacker.example>\r\n\
RCPT TO:<victim@gmail.com>\r\nRCPT TO:<{token}@gmail.com>\r\n\
RCPT TO:<{token}@egress.test.attacker.example>\r\n\
RCPT TO:<@egress.test:victim@gmail.com>\r\nRCPT TO:<victim%gmail.com@egress.test>\r\n\
RCPT TO:<{dead}@egress.test>\r\nDATA\r\nRCPT TO:<{token}@EGRESS.test>\r\nQUIT\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let (all, _) = until_closed(&mut stream, Duration::from_secs(5)).await;
    let lines: Vec<&str> = all.lines().collect();
    // Greeting, EHLO (4 lines with SIZE), MAIL 250, five relay attempts and
    // a dead token 550, DATA 503, the live address 250, QUIT 221.
    let codes: Vec<&str> = lines.iter().map(|l| &l[..3]).collect();
    assert_eq!(
        codes,
        [
            "220", "250", "250", "250", "250", "250", "550", "550", "550", "550", "550", "550",
            "503", "250", "221"
        ],
        "{all}"
    );
    assert!(lines[3].contains("SIZE 262144"), "{all}");
    for relay in &lines[6..10] {
        assert!(relay.contains("Relaying denied"), "{relay}");
    }
    assert!(lines[11].contains("No such test"), "{all}");
    let (_, status) = call(&rig.app, "GET", &format!("/api/v1/egress/{token}")).await;
    assert_eq!(status["mail"], serde_json::json!([]), "nothing was sent");

    // A test that holds as many reports as it may takes no more mail, so
    // one token cannot make the probe analyse an endless stream.
    let report = serde_json::from_value(serde_json::json!({
        "at_ms": 1, "port": 25, "source": "192.0.2.1", "family": "ipv4",
        "ehlo": "mail.example.org", "tls": null, "tls_mode": null, "mail_from": "",
        "size": 10, "from": null, "to": null, "subject": null, "date": null,
        "message_id": null, "received": [], "authentication_results": [],
        "spf": {"domain": "example.org", "result": "none"}, "dkim": [], "dmarc": null
    }))
    .unwrap();
    for _ in 0..port25_probe::store::MAX_MAIL {
        assert!(rig
            .egress
            .store()
            .egress_mail(&token, &report)
            .await
            .unwrap());
    }
    let mut stream = TcpStream::connect(rig.plain).await.unwrap();
    stream
        .write_all(
            format!("EHLO x\r\nMAIL FROM:<>\r\nRCPT TO:<{token}@egress.test>\r\nQUIT\r\n")
                .as_bytes(),
        )
        .await
        .unwrap();
    let (all, _) = until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(
        all.contains("550 5.1.1 No such test, expired, or it has all the mail it takes"),
        "{all}"
    );
}

#[tokio::test]
async fn ten_mb_of_data_to_a_live_address_ends_with_552_and_nothing_kept() {
    let rig = mail_rig().await;
    let token = create(&rig.app).await["token"].as_str().unwrap().to_owned();
    let (all, took) = ten_mb_of_data(
        rig.plain,
        format!("EHLO x\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<{token}@egress.test>\r\nDATA\r\n"),
    )
    .await;
    assert!(all.contains("\r\n354 "), "{all}");
    assert!(
        all.ends_with("552 5.3.4 Message too big for this test; closing\r\n"),
        "{all}"
    );
    assert!(took < DEADLINE, "{took:?}");
    // The service answers, the connection is gone, nothing was kept.
    let (status, json) = call(&rig.app, "GET", &format!("/api/v1/egress/{token}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["mail"], serde_json::json!([]));
    create(&rig.app).await;
    let until = Instant::now() + Duration::from_secs(2);
    while rig.egress.open_connections() > 0 && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(rig.egress.open_connections(), 0);
}
