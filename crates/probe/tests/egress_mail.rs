//! The egress mail path against a real sender: a throwaway Postfix on
//! loopback, signing with OpenDKIM as its milter, delivers to a test's
//! address, and the report through the API shows its EHLO name, TLS and
//! SPF, DKIM and DMARC results checked against a real DNS server.
//!
//! Ignored by default because it starts a Postfix master (root, and the
//! `postfix`, `opendkim` and `opendkim-tools` packages) and the DNS fixture
//! (`scripts/dns-fixture.sh`, the "dns" group); `scripts/test-egress-mail.sh`
//! installs what is missing and runs it, and `scripts/test.sh` calls that.
//!
//! - The DNS fixture (NSD and Unbound on loopback) serves `example` and,
//!   delegated from it, `sender.example`:
//!   SPF `ip4:127.0.0.1 -all`, the DKIM key OpenDKIM's `opendkim-genkey`
//!   made for selector `sel`, and DMARC `p=reject`; and `unlisted.example`,
//!   whose SPF lists only 192.0.2.1 and whose mail OpenDKIM does not sign.
//! - The probe's egress listener runs in-process for `egress.example`, its
//!   analysis resolver pointed at the fixture's Unbound.
//! - Postfix (`myhostname = mail.sender.example`) takes the messages from
//!   `sendmail`, OpenDKIM signs `sender.example`'s, and its transport sends
//!   `egress.example` to the listener's port with opportunistic TLS.
//!
//! A message from `sender.example` must pass everything; one from
//! `unlisted.example` must fail SPF and DMARC and carry no signature.
//! Every daemon is stopped on drop, also when an assertion panics.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use axum::Router;
use port25_core::probe_types::egress::{AuthResult, EgressPort, EgressStatus, MailReport};
use port25_core::probe_types::TlsMode;
use port25_probe::egress::EgressConfig;
use port25_probe::store::Store;
use tokio::net::TcpListener;

const EGRESS_DOMAIN: &str = "egress.example";
const SENDER_HOST: &str = "mail.sender.example";
/// How long Postfix may take to deliver one message.
const DELIVERY_LIMIT: Duration = Duration::from_secs(60);

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn run(command: &mut Command) -> std::process::Output {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// OpenDKIM in the foreground, killed on drop.
struct OpenDkim(Child);

impl Drop for OpenDkim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

mod support;
use support::{call, Dns};

#[path = "support/postfix.rs"]
mod postfix;
use postfix::Postfix;

/// Starts Postfix as `mail.sender.example`: mail for the egress domain goes
/// to the listener on `listener`, as its MX would send it, with
/// opportunistic TLS; nothing else leaves; OpenDKIM on `milter` signs.
fn start_postfix(dir: &Path, listener: u16, milter: u16) -> Postfix {
    let main_cf = format!(
        "myhostname = {SENDER_HOST}\n\
         mydomain = sender.example\n\
         myorigin = sender.example\n\
         transport_maps = inline:{{ {EGRESS_DOMAIN}=smtp:[127.0.0.1]:{listener} }}\n\
         default_transport = error:this test sends only to {EGRESS_DOMAIN}\n\
         smtp_tls_security_level = may\n\
         smtp_dns_support_level = disabled\n\
         non_smtpd_milters = inet:127.0.0.1:{milter}\n\
         milter_default_action = tempfail\n"
    );
    Postfix::start(dir, &main_cf, "")
}

/// Submits a message from `from` to `to` through Postfix's sendmail.
fn send(postfix: &Postfix, from: &str, to: &str) {
    use std::io::Write;
    let message = format!(
        "From: Port25 test <{from}>\r\nTo: <{to}>\r\nSubject: Port25 mail path\r\n\r\n\
         A test message.\r\n.. a line that starts with a dot\r\n"
    );
    let mut child = Command::new("/usr/sbin/sendmail")
        .arg("-C")
        .arg(&postfix.dir)
        .args(["-f", from, "--", to])
        .stdin(Stdio::piped())
        .spawn()
        .expect("sendmail");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(message.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success(), "sendmail failed");
}

/// Creates a test and returns its token and mail address.
async fn create(app: &Router) -> (String, String) {
    let (status, json) = call(app, "POST", "/api/v1/egress").await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    (
        json["token"].as_str().unwrap().to_owned(),
        json["mail_address"].as_str().unwrap().to_owned(),
    )
}

/// Polls the test until a mail report arrives.
async fn report(app: &Router, token: &str, postfix: &Postfix) -> MailReport {
    let until = Instant::now() + DELIVERY_LIMIT;
    loop {
        let (status, json) = call(app, "GET", &format!("/api/v1/egress/{token}")).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        let status: EgressStatus = serde_json::from_value(json).unwrap();
        if let Some(report) = status.mail.into_iter().next() {
            return report;
        }
        assert!(
            Instant::now() < until,
            "no mail report within {DELIVERY_LIMIT:?}; Postfix's log:\n{}",
            postfix.log()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test]
#[ignore = "starts Postfix, OpenDKIM and the DNS fixture as root; scripts/test-egress-mail.sh runs it"]
async fn postfix_signed_mail_passes_and_unlisted_mail_fails() {
    let dir = std::env::temp_dir().join(format!("port25-egress-mail-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("dkim")).unwrap();

    // A DKIM key made now by OpenDKIM's own tool; its TXT record goes into
    // the zone as the tool wrote it.
    run(Command::new("opendkim-genkey")
        .args(["-b", "2048", "-d", "sender.example", "-s", "sel", "-D"])
        .arg(dir.join("dkim")));
    let key_record = std::fs::read_to_string(dir.join("dkim/sel.txt")).unwrap();
    let dns = Dns::start(
        &dir,
        &[
            // The parent zone, so that DMARC's tree walk (RFC 9989 4.10.1)
            // up to `_dmarc.example` gets an answer (NXDOMAIN), as it would
            // on the internet, rather than a resolver failure.
            ("example", String::new()),
            (
                "sender.example",
                format!(
                    "@ TXT \"v=spf1 ip4:127.0.0.1 -all\"\n\
                     _dmarc TXT \"v=DMARC1; p=reject\"\n\
                     mail A 127.0.0.1\n{key_record}\n"
                ),
            ),
            (
                "unlisted.example",
                "@ TXT \"v=spf1 ip4:192.0.2.1 -all\"\n_dmarc TXT \"v=DMARC1; p=quarantine\"\n"
                    .to_owned(),
            ),
        ],
    );

    // The probe's listener and API, in-process.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = EgressPort {
        port: listener.local_addr().unwrap().port(),
        tls: TlsMode::Starttls,
    };
    let mut config = EgressConfig::new("egress.probe.example");
    config.host = "127.0.0.1".into();
    config.ports = vec![port];
    config.mail_domain = Some(EGRESS_DOMAIN.into());
    config.mail_dns = Some(dns.resolver);
    let store = Store::memory(support::generous_api().store_limits());
    let (_egress, app) = support::egress_rig(config, store, vec![(listener, port)]);

    // OpenDKIM signs sender.example's mail as Postfix's milter.
    let milter = free_port();
    let conf = dir.join("opendkim.conf");
    // RequireSafeKeys off: the key lives in a temporary directory under
    // /tmp, which other users may write (sticky), and OpenDKIM refuses
    // that path otherwise.
    std::fs::write(
        &conf,
        format!(
            "Syslog no\nMode s\nDomain sender.example\nSelector sel\nKeyFile {}\n\
             Socket inet:{milter}@127.0.0.1\nCanonicalization relaxed/simple\n\
             RequireSafeKeys no\n",
            dir.join("dkim/sel.private").display()
        ),
    )
    .unwrap();
    let _opendkim = OpenDkim(
        Command::new("opendkim")
            .arg("-f")
            .arg("-x")
            .arg(&conf)
            .spawn()
            .expect("opendkim (install opendkim)"),
    );
    let until = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", milter)).is_err() {
        assert!(Instant::now() < until, "OpenDKIM never listened");
        std::thread::sleep(Duration::from_millis(100));
    }

    let postfix = start_postfix(&dir.join("postfix"), port.port, milter);

    // Signed, listed, aligned: everything passes.
    let (token, address) = create(&app).await;
    assert_eq!(address, format!("{token}@{EGRESS_DOMAIN}"));
    send(&postfix, "someone@sender.example", &address);
    let good = report(&app, &token, &postfix).await;
    assert_eq!(good.ehlo, SENDER_HOST, "{good:#?}");
    assert_eq!(good.source.to_string(), "127.0.0.1");
    assert_eq!(good.tls.as_deref(), Some("TLSv1.3"), "{good:#?}");
    assert_eq!(good.tls_mode, Some(TlsMode::Starttls));
    assert_eq!(good.mail_from, "someone@sender.example");
    assert_eq!(
        (good.spf.domain.as_str(), good.spf.result),
        ("sender.example", AuthResult::Pass),
        "{good:#?}"
    );
    assert_eq!(good.dkim.len(), 1, "{good:#?}");
    assert_eq!(
        (
            good.dkim[0].domain.as_str(),
            good.dkim[0].selector.as_str(),
            good.dkim[0].result
        ),
        ("sender.example", "sel", AuthResult::Pass),
        "{good:#?}"
    );
    let dmarc = good.dmarc.as_ref().expect("a DMARC result");
    assert_eq!(dmarc.domain, "sender.example");
    assert_eq!(dmarc.result, AuthResult::Pass);
    assert_eq!(dmarc.policy.as_deref(), Some("reject"));
    assert!(dmarc.spf_aligned && dmarc.dkim_aligned, "{dmarc:?}");
    assert_eq!(good.subject.as_deref(), Some("Port25 mail path"));
    assert!(good.message_id.is_some(), "Postfix adds one");
    assert!(!good.received.is_empty(), "{good:#?}");
    assert_eq!(good.received[0].by.as_deref(), Some(SENDER_HOST));
    assert!(good.size > 0 && good.size < 16 * 1024, "{}", good.size);
    let findings = port25_core::egress::mail_findings(&good);
    assert!(
        findings
            .iter()
            .all(|f| f.badge == port25_core::egress::Badge::Pass),
        "{findings:#?}"
    );

    // Not listed in SPF, not signed: SPF and DMARC fail.
    let (token, address) = create(&app).await;
    send(&postfix, "someone@unlisted.example", &address);
    let bad = report(&app, &token, &postfix).await;
    assert_eq!(
        (bad.spf.domain.as_str(), bad.spf.result),
        ("unlisted.example", AuthResult::Fail),
        "{bad:#?}"
    );
    assert!(bad.dkim.is_empty(), "{bad:#?}");
    let dmarc = bad.dmarc.as_ref().expect("a DMARC result");
    assert_eq!(
        (dmarc.result, dmarc.policy.as_deref()),
        (AuthResult::Fail, Some("quarantine"))
    );
    drop(postfix);
    drop(dns);
    let _ = std::fs::remove_dir_all(&dir);
}
