//! Golden files for representative relay configurations: each case renders
//! its files, commands and notes into one text file under
//! `tests/golden/relay_config/`, and the test fails on any difference.
//!
//! After an intended change, regenerate them with
//! `UPDATE_GOLDEN=1 cargo test -p port25-core --test relay_config_golden`
//! and review the diff.

mod relay_config_support;

use std::fs;
use std::path::PathBuf;

use port25_core::relay_config::{Credentials, Mta, Options, Output, RelayChoice, SenderRelay};
use relay_config_support::*;

fn render(output: &Output) -> String {
    let mut text = String::new();
    for file in &output.files {
        text.push_str(&format!(
            "===== file {} (mode {:o}{}{})\n{}",
            file.path,
            file.mode,
            if file.is_secret { ", secret" } else { "" },
            if file.is_fragment { ", fragment" } else { "" },
            file.contents
        ));
    }
    for command in &output.commands {
        text.push_str(&format!(
            "===== command: {}\n{}\n",
            command.description, command.shell
        ));
    }
    for note in &output.notes {
        text.push_str(&format!("===== note\n{note}\n"));
    }
    text
}

fn cases() -> Vec<(&'static str, Options)> {
    let known = |id: &str, host: Option<&str>, region: Option<&str>| RelayChoice::Known {
        id: id.into(),
        host: host.map(Into::into),
        region: region.map(Into::into),
    };
    vec![
        ("postfix-sendgrid-587", Options::default()),
        (
            "postfix-ses-465",
            Options {
                relay: known("amazon-ses", None, Some("eu-west-1")),
                port: 465,
                ..Options::default()
            },
        ),
        (
            "postfix-sendgrid-587-senders-nasty",
            Options {
                credentials: given(NASTY_USERNAME, NASTY_PASSWORD),
                sender_relays: vec![SenderRelay {
                    domain: "shop.example.org".into(),
                    relay: known("mailgun", Some("smtp.eu.mailgun.org"), None),
                    port: 2525,
                    credentials: given("postmaster@shop.example.org", "pa:ss word"),
                }],
                ..Options::default()
            },
        ),
        (
            "postfix-brevo-587-verify-rewrite",
            Options {
                relay: known("brevo", None, None),
                tls: port25_core::relay_config::TlsPolicy::Verify,
                rewrite_sender: Some("noreply@example.com".into()),
                ..Options::default()
            },
        ),
        (
            "exim4-mailgun-587",
            Options {
                mta: Mta::Exim4,
                relay: known("mailgun", Some("smtp.eu.mailgun.org"), None),
                ..Options::default()
            },
        ),
        (
            "exim4-mailgun-465",
            Options {
                mta: Mta::Exim4,
                relay: known("mailgun", None, None),
                port: 465,
                ..Options::default()
            },
        ),
        (
            "opensmtpd-postmark-587",
            Options {
                mta: Mta::Opensmtpd,
                relay: known("postmark", None, None),
                credentials: Credentials::Placeholder,
                ..Options::default()
            },
        ),
        (
            "opensmtpd-resend-465-rewrite",
            Options {
                mta: Mta::Opensmtpd,
                relay: known("resend", None, None),
                port: 465,
                rewrite_sender: Some("noreply@example.com".into()),
                ..Options::default()
            },
        ),
        (
            "msmtp-custom-465",
            Options {
                mta: Mta::Msmtp,
                relay: RelayChoice::Custom {
                    host: "mail.example.net".into(),
                },
                port: 465,
                credentials: given(NASTY_USERNAME, NASTY_PASSWORD),
                rewrite_sender: Some("alerts@example.net".into()),
                ..Options::default()
            },
        ),
    ]
}

#[test]
fn golden_outputs() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/relay_config");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1");
    let relays = relays();
    let mut mismatches = Vec::new();
    for (name, options) in cases() {
        let text = render(&run(&relays, &options));
        let path = dir.join(format!("{name}.txt"));
        if update {
            fs::create_dir_all(&dir).unwrap();
            fs::write(&path, &text).unwrap();
            continue;
        }
        let want = fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run UPDATE_GOLDEN=1 cargo test -p port25-core --test relay_config_golden",
                path.display()
            )
        });
        if want != text {
            mismatches.push(name);
        }
    }
    assert!(
        mismatches.is_empty(),
        "golden files differ: {mismatches:?}; review, then run \
         UPDATE_GOLDEN=1 cargo test -p port25-core --test relay_config_golden"
    );
}
