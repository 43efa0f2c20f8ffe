//! The relay configuration generator's promises, checked over every option
//! combination: TLS rules, no deprecated Postfix parameters, the relays'
//! user-name conventions, secrets surviving every file format and the shell
//! byte for byte, URLs without secrets, and typed errors for what cannot be
//! generated.

mod relay_config_support;

use std::io::Write;
use std::process::{Command as Process, Stdio};

use port25_core::relay_config::{
    generate, shell_quote, Catalog, Credentials, Error, Mta, Options, Output, QueryError,
    RelayChoice, SecretField, SenderRelay, Stamp, TlsPolicy,
};
use relay_config_support::*;

fn file<'a>(output: &'a Output, path: &str) -> &'a str {
    &output
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no file {path}"))
        .contents
}

fn options(mta: Mta, relay: RelayChoice, port: u16) -> Options {
    Options {
        mta,
        relay,
        port,
        ..Options::default()
    }
}

fn try_generate(options: &Options) -> Result<Output, Error> {
    let relays = relays();
    generate(&Catalog::from(&relays), options, &stamp(options))
}

#[test]
fn every_combination_generates() {
    let relays = relays();
    let cases = all_cases(&relays);
    assert!(cases.len() > 1000, "only {} combinations", cases.len());
    for case in &cases {
        let output = run(&relays, &case.options);
        assert!(
            !output.files.is_empty() && !output.commands.is_empty(),
            "{}",
            case.name
        );
    }
    println!("{} combinations generated", cases.len());
}

#[test]
fn wrappermode_iff_implicit_tls_and_never_may() {
    let relays = relays();
    for case in all_cases(&relays) {
        let output = run(&relays, &case.options);
        let all_text: String = output.files.iter().map(|f| f.contents.as_str()).collect();
        assert!(!all_text.contains("= may"), "{}", case.name);
        match case.options.mta {
            Mta::Postfix => {
                let main = file(&output, "/etc/postfix/main.cf");
                assert_eq!(
                    main.contains("smtp_tls_wrappermode = yes\n"),
                    case.implicit_tls,
                    "{}",
                    case.name
                );
                let level = match case.options.tls {
                    TlsPolicy::Encrypt => "smtp_tls_security_level = encrypt\n",
                    TlsPolicy::Verify => "smtp_tls_security_level = secure\n",
                };
                assert!(main.contains(level), "{}", case.name);
                assert!(main.contains("smtp_sasl_security_options = noanonymous\n"));
                // The postconf -e command sets exactly what the file shows.
                let postconf = output
                    .commands
                    .iter()
                    .find(|c| c.shell.starts_with("postconf -e"))
                    .unwrap();
                assert_eq!(
                    postconf.shell.contains("'smtp_tls_wrappermode = yes'"),
                    case.implicit_tls
                );
            }
            Mta::Exim4 => {
                let macros = file(&output, "/etc/exim4/exim4.conf.localmacros");
                assert_eq!(
                    macros.contains("REMOTE_SMTP_SMARTHOST_PROTOCOL = smtps\n"),
                    case.implicit_tls,
                    "{}",
                    case.name
                );
                assert!(macros.contains("REMOTE_SMTP_SMARTHOST_HOSTS_REQUIRE_TLS = *\n"));
            }
            Mta::Opensmtpd => {
                let conf = file(&output, "/etc/smtpd.conf");
                let scheme = if case.implicit_tls {
                    "relay host smtps://"
                } else {
                    "relay host smtp+tls://"
                };
                assert!(conf.contains(scheme), "{}", case.name);
            }
            Mta::Msmtp => {
                let rc = file(&output, "/etc/msmtprc");
                let starttls = if case.implicit_tls { "off" } else { "on" };
                assert!(
                    rc.contains(&format!("tls_starttls {starttls}\n")),
                    "{}",
                    case.name
                );
                assert!(rc.contains("tls on\n") && rc.contains("auth on\n"));
            }
        }
    }
}

#[test]
fn no_deprecated_postfix_parameters() {
    let relays = relays();
    let deprecated = [
        "smtp_use_tls",
        "smtp_enforce_tls",
        "smtp_tls_enforce_peername",
        "smtp_tls_per_site",
        "smtp_tls_cipherlist",
    ];
    for case in all_cases(&relays) {
        if case.options.mta != Mta::Postfix {
            continue;
        }
        let output = run(&relays, &case.options);
        for text in output
            .files
            .iter()
            .map(|f| f.contents.as_str())
            .chain(output.commands.iter().map(|c| c.shell.as_str()))
        {
            for name in deprecated {
                assert!(!text.contains(name), "{}: {name}", case.name);
            }
        }
    }
}

#[test]
fn postfix_procedure_is_complete() {
    let output = try_generate(&Options::default()).unwrap();
    let shells: Vec<&str> = output.commands.iter().map(|c| c.shell.as_str()).collect();
    let all = shells.join("\n");
    assert_eq!(shells[0], "umask 077\ncommand set +o history 2>/dev/null");
    for needle in [
        "cat > /etc/postfix/sasl_passwd <<'PORT25_EOF'",
        "postmap hash:/etc/postfix/sasl_passwd",
        "chmod 600 /etc/postfix/sasl_passwd /etc/postfix/sasl_passwd.db",
        "'relayhost = [smtp.sendgrid.net]:587'",
        "'smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd'",
        "'smtp_tls_CAfile = /etc/ssl/certs/ca-certificates.crt'",
        "systemctl reload postfix",
        "| sendmail you@example.com",
        "journalctl -u postfix -n 50",
    ] {
        assert!(all.contains(needle), "missing {needle}");
    }
    assert!(output
        .notes
        .iter()
        .any(|n| n.contains("apt-get install libsasl2-modules")));
    // The secret file is written before postmap, and chmod follows postmap.
    let pos = |needle: &str| all.find(needle).unwrap();
    assert!(pos("cat > /etc/postfix/sasl_passwd") < pos("postmap"));
    assert!(pos("postmap") < pos("chmod 600"));
}

#[test]
fn username_conventions() {
    let sendgrid = try_generate(&Options::default()).unwrap();
    assert!(file(&sendgrid, "/etc/postfix/sasl_passwd")
        .contains("[smtp.sendgrid.net]:587 apikey:REPLACE_WITH_API_KEY\n"));

    let ses = try_generate(&options(
        Mta::Postfix,
        RelayChoice::Known {
            id: "amazon-ses".into(),
            host: None,
            region: Some("eu-west-1".into()),
        },
        465,
    ))
    .unwrap();
    assert!(file(&ses, "/etc/postfix/sasl_passwd").contains(
        "[email-smtp.eu-west-1.amazonaws.com]:465 \
         REPLACE_WITH_SMTP_USERNAME:REPLACE_WITH_SMTP_PASSWORD\n"
    ));
    assert!(ses.notes.iter().any(|n| n.contains("per region")));

    let mailgun = try_generate(&options(
        Mta::Exim4,
        RelayChoice::Known {
            id: "mailgun".into(),
            host: Some("smtp.eu.mailgun.org".into()),
            region: None,
        },
        587,
    ))
    .unwrap();
    assert!(file(&mailgun, "/etc/exim4/passwd.client").contains(
        "smtp.eu.mailgun.org:postmaster@REPLACE_WITH_YOUR_DOMAIN:REPLACE_WITH_SMTP_PASSWORD\n"
    ));

    let postmark = options(Mta::Opensmtpd, RelayChoice::known("postmark"), 2525);
    let placeholder = try_generate(&postmark).unwrap();
    assert!(file(&placeholder, "/etc/mail/secrets")
        .contains("port25 REPLACE_WITH_SERVER_TOKEN:REPLACE_WITH_SERVER_TOKEN\n"));
    // An empty user name means "the token is the user name too".
    let token = Options {
        credentials: given("", "0b1c-token"),
        ..postmark.clone()
    };
    let own = try_generate(&token).unwrap();
    assert!(file(&own, "/etc/mail/secrets").contains("port25 0b1c-token:0b1c-token\n"));
    // For a literal-user-name relay, empty means the literal.
    let sendgrid_empty = Options {
        credentials: given("", "SG.key"),
        ..Options::default()
    };
    let own = try_generate(&sendgrid_empty).unwrap();
    assert!(file(&own, "/etc/postfix/sasl_passwd").contains(" apikey:SG.key\n"));
    assert!(!own.notes.iter().any(|n| n.contains("expects the literal")));
    // ...and elsewhere it is an error, never an empty user name.
    let mailgun_empty = Options {
        credentials: given("", "key"),
        ..options(Mta::Postfix, RelayChoice::known("mailgun"), 587)
    };
    assert!(matches!(
        try_generate(&mailgun_empty),
        Err(Error::InvalidSecret {
            field: SecretField::Username,
            ..
        })
    ));
    let custom_empty = Options {
        credentials: given("", "key"),
        ..options(
            Mta::Msmtp,
            RelayChoice::Custom {
                host: "mail.example.net".into(),
            },
            587,
        )
    };
    assert!(try_generate(&custom_empty).is_err());
}

#[test]
fn unconventional_user_names_get_a_note_not_an_error() {
    // SendGrid with an account name instead of `apikey`: the classic mistake.
    let sendgrid = Options {
        credentials: given("alice", "SG.key"),
        ..Options::default()
    };
    let output = try_generate(&sendgrid).unwrap();
    assert!(file(&output, "/etc/postfix/sasl_passwd").contains(" alice:SG.key\n"));
    assert!(
        output
            .notes
            .iter()
            .any(|n| n.contains("expects the literal user name apikey")),
        "{:?}",
        output.notes
    );
    // Mailgun logins are addresses.
    let mailgun = Options {
        credentials: given("postmaster", "pw"),
        ..options(Mta::Exim4, RelayChoice::known("mailgun"), 587)
    };
    let output = try_generate(&mailgun).unwrap();
    assert!(output.notes.iter().any(|n| n.contains("has no @")));
    let mailgun_ok = Options {
        credentials: given("postmaster@mg.example.com", "pw"),
        ..mailgun
    };
    let output = try_generate(&mailgun_ok).unwrap();
    assert!(!output.notes.iter().any(|n| n.contains("has no @")));
    // Placeholders never get the note.
    let output = try_generate(&Options::default()).unwrap();
    assert!(!output
        .notes
        .iter()
        .any(|n| n.contains("expects the literal")));
}

/// Every secret-carrying step comes after the step that turns bash's history
/// off and before the one that turns it back on, in every combination.
#[test]
fn secrets_only_between_history_off_and_on() {
    let relays = relays();
    for case in all_cases(&relays) {
        let output = run(&relays, &case.options);
        let shells: Vec<&str> = output.commands.iter().map(|c| c.shell.as_str()).collect();
        assert_eq!(
            shells[0], "umask 077\ncommand set +o history 2>/dev/null",
            "{}",
            case.name
        );
        let on = shells
            .iter()
            .position(|s| *s == "command set -o history 2>/dev/null")
            .unwrap_or_else(|| panic!("{}: history never back on", case.name));
        let secrets: Vec<&str> = output
            .files
            .iter()
            .filter(|f| f.is_secret)
            .map(|f| f.contents.as_str())
            .collect();
        for (i, shell) in shells.iter().enumerate() {
            if i == 0 || i >= on {
                // Placeholders and given passwords alike stay out.
                assert!(
                    !shell.contains("PORT25_EOF")
                        && !shell.contains("REPLACE_WITH")
                        && !shell.contains(NASTY_PASSWORD),
                    "{}: step {i} outside the private steps carries a secret",
                    case.name
                );
            }
        }
        assert!(!secrets.is_empty(), "{}", case.name);
    }
}

/// An interactive bash, fed the first step, a password-writing step and the
/// history-on step, writes the file exactly and saves no trace of the
/// password in its history file; without the first step it would.
#[test]
fn interactive_bash_keeps_the_password_out_of_history() {
    let relays = relays();
    let dir = std::env::temp_dir().join(format!("port25-history-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for mta in Mta::ALL {
        let options = Options {
            mta,
            credentials: given(NASTY_USERNAME, NASTY_PASSWORD),
            ..Options::default()
        };
        let output = run(&relays, &options);
        let secret = output.files.iter().find(|f| f.is_secret).unwrap();
        let write = output
            .commands
            .iter()
            .find(|c| c.shell.starts_with(&format!("cat > {} <<", secret.path)))
            .unwrap();
        let target = dir.join(mta.slug());
        let write = write.shell.replacen(
            &format!("cat > {}", secret.path),
            &format!("cat > {}", shell_quote(target.to_str().unwrap())),
            1,
        );
        for protected in [true, false] {
            let history = dir.join(format!("{}-{protected}.history", mta.slug()));
            let mut script = String::new();
            if protected {
                script.push_str(&output.commands[0].shell);
                script.push('\n');
            }
            script.push_str(&write);
            script.push_str("\ncommand set -o history 2>/dev/null\necho done\n");
            let mut child = Process::new("bash")
                .args(["--norc", "--noprofile", "-i"])
                .env("HISTFILE", &history)
                .env("HOME", &dir)
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("bash runs");
            child
                .stdin
                .take()
                .unwrap()
                .write_all(script.as_bytes())
                .unwrap();
            assert!(child.wait().unwrap().success());
            assert_eq!(std::fs::read_to_string(&target).unwrap(), secret.contents);
            let saved = std::fs::read_to_string(&history).unwrap();
            assert!(saved.contains("echo done"), "{saved}");
            // The control shows the test can fail: unprotected, bash saves it.
            assert_eq!(
                saved.contains(NASTY_PASSWORD),
                !protected,
                "{} protected={protected}",
                mta.slug()
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn stamp_and_permalink() {
    let options = Options {
        credentials: given("apikey", "hunter2-secret"),
        ..Options::default()
    };
    let stamp = Stamp::new(
        "2026-11-23",
        "https://port25.example/relay-config",
        &options,
    );
    assert_eq!(stamp.generated_on, "2026-11-23");
    assert_eq!(
        stamp.permalink,
        "https://port25.example/relay-config?v=1&mta=postfix&relay=sendgrid&port=587&tls=encrypt"
    );
    assert_eq!(
        options.permalink("https://port25.example/relay-config"),
        stamp.permalink
    );
    let relays = relays();
    let output = generate(&Catalog::from(&relays), &options, &stamp).unwrap();
    let main = file(&output, "/etc/postfix/main.cf");
    assert!(main.contains(&format!("# Reproduce or change it: {}\n", stamp.permalink)));
    assert!(!stamp.permalink.contains("hunter2"));
    // Without a page URL there is no permalink line.
    let bare = Stamp::new("2026-11-23", "", &options);
    let output = generate(&Catalog::from(&relays), &options, &bare).unwrap();
    assert!(!file(&output, "/etc/postfix/main.cf").contains("Reproduce"));
}

#[test]
fn nasty_secrets_round_trip_through_every_format() {
    let relays = relays();
    for mta in Mta::ALL {
        for port in [587, 465] {
            let options = Options {
                mta,
                port,
                credentials: given(NASTY_USERNAME, NASTY_PASSWORD),
                ..Options::default()
            };
            let output = run(&relays, &options);
            let (user, pass) = match mta {
                Mta::Postfix => {
                    let lines = data_lines(file(&output, "/etc/postfix/sasl_passwd"));
                    let (key, user, pass) = parse_postfix_sasl(lines[0]);
                    assert_eq!(key, format!("[smtp.sendgrid.net]:{port}"));
                    (user, pass)
                }
                Mta::Exim4 => {
                    let lines = data_lines(file(&output, "/etc/exim4/passwd.client"));
                    let (host, user, pass) = parse_exim_passwd_client(lines[0]);
                    assert_eq!(host, "smtp.sendgrid.net");
                    (user, pass)
                }
                Mta::Opensmtpd => {
                    let lines = data_lines(file(&output, "/etc/mail/secrets"));
                    let (label, user, pass) = parse_opensmtpd_secret(lines[0]);
                    assert_eq!(label, "port25");
                    (user, pass)
                }
                Mta::Msmtp => {
                    let rc = file(&output, "/etc/msmtprc");
                    let user_line = rc.lines().find(|l| l.starts_with("user ")).unwrap();
                    let pass = file(&output, "/etc/msmtp-port25.password");
                    (
                        parse_msmtp_value(&user_line["user ".len()..]),
                        pass.strip_suffix('\n').unwrap().to_owned(),
                    )
                }
            };
            assert_eq!(user, NASTY_USERNAME, "{mta:?}");
            assert_eq!(pass, NASTY_PASSWORD, "{mta:?}");
            // Every secret file is written by a heredoc whose body is the
            // file, byte for byte.
            for f in output.files.iter().filter(|f| !f.is_fragment) {
                let cmd = output
                    .commands
                    .iter()
                    .find(|c| c.shell.starts_with(&format!("cat > {} <<", f.path)))
                    .unwrap_or_else(|| panic!("{mta:?}: no command writes {}", f.path));
                let (path, body) = heredoc(&cmd.shell).unwrap();
                assert_eq!(path, f.path);
                assert_eq!(body, f.contents);
            }
            // The secret appears in no other command.
            for c in &output.commands {
                if !c.shell.starts_with("cat > ") {
                    assert!(
                        !c.shell.contains(NASTY_PASSWORD),
                        "{mta:?}: {}",
                        c.description
                    );
                }
            }
        }
    }
}

/// Runs each file-writing command through bash, redirected into a temporary
/// directory, and compares what lands on disk with the generated file.
#[test]
fn heredocs_write_exact_bytes_with_bash() {
    let relays = relays();
    let dir = std::env::temp_dir().join(format!("port25-heredoc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for mta in Mta::ALL {
        let options = Options {
            mta,
            credentials: given(NASTY_USERNAME, NASTY_PASSWORD),
            ..Options::default()
        };
        let output = run(&relays, &options);
        for (i, f) in output.files.iter().filter(|f| !f.is_fragment).enumerate() {
            let cmd = output
                .commands
                .iter()
                .find(|c| c.shell.starts_with(&format!("cat > {} <<", f.path)))
                .unwrap();
            let target = dir.join(format!("{}-{i}", mta.slug()));
            let script = cmd.shell.replacen(
                &format!("cat > {}", f.path),
                &format!("cat > {}", shell_quote(target.to_str().unwrap())),
                1,
            );
            let status = Process::new("bash")
                .arg("-c")
                .arg(&script)
                .status()
                .expect("bash runs");
            assert!(status.success());
            assert_eq!(
                std::fs::read_to_string(&target).unwrap(),
                f.contents,
                "{}",
                f.path
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn colon_rules() {
    // A colon in the password is fine everywhere; in the user name, nowhere.
    for mta in Mta::ALL {
        let ok = Options {
            mta,
            credentials: given("user", "a:b:c"),
            ..Options::default()
        };
        assert!(try_generate(&ok).is_ok());
        let bad = Options {
            mta,
            credentials: given("us:er", "pw"),
            ..Options::default()
        };
        assert_eq!(
            try_generate(&bad).unwrap_err(),
            Error::InvalidSecret {
                field: SecretField::Username,
                reason: "Postfix, Exim and OpenSMTPD split user:password at the first colon",
            }
        );
    }
    for bad_password in ["a\nb", "a\rb", "a\0b", " lead", "trail ", "", "tab\tbed"] {
        let options = Options {
            credentials: given("user", bad_password),
            ..Options::default()
        };
        let err = try_generate(&options).unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidSecret {
                    field: SecretField::Password,
                    ..
                }
            ),
            "{bad_password:?}"
        );
        // The error never echoes the secret.
        if bad_password.len() > 2 {
            assert!(!err.to_string().contains(bad_password));
        }
    }
}

#[test]
fn headers_carry_date_version_and_link() {
    let relays = relays();
    for mta in Mta::ALL {
        let options = Options {
            mta,
            ..Options::default()
        };
        let output = run(&relays, &options);
        for f in &output.files {
            if f.path == "/etc/msmtp-port25.password" {
                assert!(
                    !f.contents.contains('#'),
                    "the password file is the bare password"
                );
                continue;
            }
            assert!(
                f.contents.starts_with("# Generated by Port25"),
                "{}",
                f.path
            );
            assert!(f.contents.contains("on 2026-11-23 from relay data 2026-"));
            assert!(f
                .contents
                .contains("# Reproduce or change it: https://port25.example/relay-config?v=1&"));
        }
    }
    // A hostile permalink cannot break out of the comment.
    let options = Options::default();
    let stamp = Stamp {
        generated_on: "2026-11-23\nrelayhost = evil".into(),
        permalink: "x\nsmtp_tls_security_level = none".into(),
    };
    let output = generate(&Catalog::from(&relays), &options, &stamp).unwrap();
    let main = file(&output, "/etc/postfix/main.cf");
    assert!(main.lines().all(|l| !l.starts_with("relayhost = evil")));
    assert!(main
        .lines()
        .all(|l| !l.starts_with("smtp_tls_security_level = none")));
}

#[test]
fn urls_never_carry_credentials_and_round_trip() {
    let relays = relays();
    for case in all_cases(&relays) {
        let query = case.options.to_query();
        assert!(query.starts_with("v=1&"), "{query}");
        for secret in [NASTY_PASSWORD, NASTY_USERNAME, "REPLACE_WITH"] {
            assert!(!query.contains(secret), "{query}");
        }
        assert!(
            !query.contains("pass") && !query.contains("user"),
            "{query}"
        );
        let back = Options::from_query(&query).unwrap();
        let mut expected = case.options.clone();
        expected.credentials = Credentials::Placeholder;
        for s in &mut expected.sender_relays {
            s.credentials = Credentials::Placeholder;
        }
        assert_eq!(back, expected, "{query}");
    }
}

#[test]
fn serde_never_carries_credentials() {
    let options = Options {
        credentials: given("someone", "hunter2-secret"),
        sender_relays: vec![SenderRelay {
            domain: "a.example".into(),
            relay: RelayChoice::known("mailgun"),
            port: 587,
            credentials: given("other", "second-secret"),
        }],
        ..Options::default()
    };
    let json = serde_json::to_string(&options).unwrap();
    for secret in ["someone", "hunter2-secret", "other", "second-secret"] {
        assert!(!json.contains(secret), "{json}");
    }
    let back: Options = serde_json::from_str(&json).unwrap();
    assert_eq!(back.credentials, Credentials::Placeholder);
    assert_eq!(back.sender_relays[0].credentials, Credentials::Placeholder);
}

#[test]
fn old_new_and_odd_queries() {
    // No version, no keys: the defaults.
    assert_eq!(Options::from_query("").unwrap(), Options::default());
    assert_eq!(Options::from_query("?").unwrap(), Options::default());
    // A future version with unknown keys still opens with what it knows.
    let future = Options::from_query("?v=7&mta=msmtp&colour=blue&port=465&x.y=1").unwrap();
    assert_eq!(future.mta, Mta::Msmtp);
    assert_eq!(future.port, 465);
    assert_eq!(future.relay, RelayChoice::known("sendgrid"));
    // A host without a relay key selects among the default relay's hosts.
    let eu = Options::from_query("host=smtp.eu.sendgrid.net").unwrap();
    assert_eq!(
        eu.relay,
        RelayChoice::Known {
            id: "sendgrid".into(),
            host: Some("smtp.eu.sendgrid.net".into()),
            region: None
        }
    );
    // Percent-encoding and plus signs.
    let custom =
        Options::from_query("relay=custom&host=mail%2Eexample.com&rewrite=a%2Bb%40c.de").unwrap();
    assert_eq!(
        custom.relay,
        RelayChoice::Custom {
            host: "mail.example.com".into()
        }
    );
    assert_eq!(custom.rewrite_sender.as_deref(), Some("a+b@c.de"));
    // Credentials in a hand-made link are ignored, never used.
    let sneaky = Options::from_query("password=hunter2&username=me").unwrap();
    assert_eq!(sneaky.credentials, Credentials::Placeholder);
    // Unreadable values of known keys are errors naming the key.
    assert_eq!(
        Options::from_query("mta=sendmail").unwrap_err(),
        QueryError::BadValue {
            key: "mta".into(),
            value: "sendmail".into()
        }
    );
    assert!(Options::from_query("port=abc").is_err());
    assert!(Options::from_query("port=70000").is_err());
    assert!(Options::from_query("tls=none").is_err());
    assert_eq!(
        Options::from_query("s1.port=587").unwrap_err(),
        QueryError::IncompleteSenderRelay { index: 1 }
    );
}

#[test]
fn unsupported_combinations_are_typed_errors() {
    let cases: Vec<(Options, Error)> = vec![
        (
            options(Mta::Postfix, RelayChoice::known("postmark"), 465),
            Error::PortNotOffered {
                relay: "postmark".into(),
                port: 465,
                offered: vec![587, 2525, 25],
            },
        ),
        (
            options(
                Mta::Postfix,
                RelayChoice::Custom {
                    host: "mail.example.net".into(),
                },
                2526,
            ),
            Error::PortNotOffered {
                relay: "custom".into(),
                port: 2526,
                offered: vec![587, 465, 2525, 25],
            },
        ),
        (
            options(Mta::Postfix, RelayChoice::known("nope"), 587),
            Error::UnknownRelay { id: "nope".into() },
        ),
        (
            options(Mta::Postfix, RelayChoice::known("amazon-ses"), 587),
            Error::MissingRegion {
                relay: "amazon-ses".into(),
                host: "email-smtp.<region>.amazonaws.com".into(),
            },
        ),
        (
            options(
                Mta::Postfix,
                RelayChoice::Known {
                    id: "amazon-ses".into(),
                    host: None,
                    region: Some("EU West".into()),
                },
                587,
            ),
            Error::InvalidRegion {
                region: "EU West".into(),
            },
        ),
        (
            options(
                Mta::Postfix,
                RelayChoice::Known {
                    id: "sendgrid".into(),
                    host: None,
                    region: Some("eu".into()),
                },
                587,
            ),
            Error::RegionNotApplicable {
                relay: "sendgrid".into(),
                host: "smtp.sendgrid.net".into(),
            },
        ),
        (
            options(
                Mta::Postfix,
                RelayChoice::Custom {
                    host: "mail.example.net\nrelayhost=x".into(),
                },
                587,
            ),
            Error::InvalidHost {
                host: "mail.example.net\nrelayhost=x".into(),
            },
        ),
        (
            Options {
                rewrite_sender: Some("a@b.example".into()),
                ..options(Mta::Exim4, RelayChoice::known("sendgrid"), 587)
            },
            Error::Unsupported {
                mta: Mta::Exim4,
                option: "envelope-sender rewriting",
                reason: "Debian's update-exim4.conf.conf has no setting for it; it would need \
                         a hand-written rewrite rule",
            },
        ),
        (
            Options {
                rewrite_sender: Some("a$b@b.example".into()),
                ..Options::default()
            },
            Error::InvalidAddress {
                address: "a$b@b.example".into(),
            },
        ),
    ];
    for (options, expected) in cases {
        assert_eq!(try_generate(&options).unwrap_err(), expected, "{options:?}");
    }

    let sender = |domain: &str, port: u16| SenderRelay {
        domain: domain.into(),
        relay: RelayChoice::known("mailgun"),
        port,
        credentials: Credentials::Placeholder,
    };
    let with_senders = |mta: Mta, senders: Vec<SenderRelay>| Options {
        mta,
        sender_relays: senders,
        ..Options::default()
    };
    assert!(matches!(
        try_generate(&with_senders(
            Mta::Opensmtpd,
            vec![sender("a.example", 587)]
        )),
        Err(Error::Unsupported {
            mta: Mta::Opensmtpd,
            ..
        })
    ));
    assert_eq!(
        try_generate(&with_senders(Mta::Postfix, vec![sender("a.example", 465)])).unwrap_err(),
        Error::MixedTlsModes {
            domain: "a.example".into(),
            port: 465
        }
    );
    assert_eq!(
        try_generate(&with_senders(
            Mta::Postfix,
            vec![sender("a.example", 587), sender("a.example", 2525)]
        ))
        .unwrap_err(),
        Error::DuplicateSenderDomain {
            domain: "a.example".into()
        }
    );
    let mut both = with_senders(Mta::Postfix, vec![sender("a.example", 587)]);
    both.rewrite_sender = Some("x@a.example".into());
    assert_eq!(
        try_generate(&both).unwrap_err(),
        Error::RewriteWithSenderRelays
    );
    // Error messages explain why, with the offending input.
    let msg = try_generate(&options(Mta::Postfix, RelayChoice::known("postmark"), 465))
        .unwrap_err()
        .to_string();
    assert_eq!(
        msg,
        "postmark does not offer port 465; it offers [587, 2525, 25]"
    );
}

#[test]
fn sender_dependent_relays_in_postfix() {
    let options = Options {
        sender_relays: vec![SenderRelay {
            domain: "shop.example.org".into(),
            relay: RelayChoice::known("mailgun"),
            port: 587,
            credentials: given("postmaster@shop.example.org", "s3cret"),
        }],
        ..Options::default()
    };
    let output = try_generate(&options).unwrap();
    let main = file(&output, "/etc/postfix/main.cf");
    assert!(main.contains("sender_dependent_relayhost_maps = hash:/etc/postfix/sender_relay\n"));
    assert!(main.contains("smtp_sender_dependent_authentication = yes\n"));
    assert!(file(&output, "/etc/postfix/sender_relay")
        .contains("@shop.example.org [smtp.mailgun.org]:587\n"));
    assert!(file(&output, "/etc/postfix/sasl_passwd")
        .contains("@shop.example.org postmaster@shop.example.org:s3cret\n"));
    let all: String = output
        .commands
        .iter()
        .map(|c| c.shell.clone() + "\n")
        .collect();
    assert!(all.contains("postmap hash:/etc/postfix/sender_relay"));

    let rewrite = Options {
        rewrite_sender: Some("noreply@example.com".into()),
        ..Options::default()
    };
    let output = try_generate(&rewrite).unwrap();
    let main = file(&output, "/etc/postfix/main.cf");
    assert!(main.contains("sender_canonical_maps = static:noreply@example.com\n"));
    assert!(main.contains("sender_canonical_classes = envelope_sender\n"));
}

/// A tiny deterministic generator, so the property tests need no crate.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn word(&mut self) -> String {
        const ALPHABET: &[char] = &[
            'a', 'Z', '0', ' ', '\'', '"', '$', '`', '\\', ':', '#', '!', '*', '?', '[', ']', '{',
            '}', '(', ')', ';', '&', '|', '<', '>', '~', '%', '=', '-', '\t', '\n', 'é', '✓', '🦀',
        ];
        let len = (self.next() % 12) as usize;
        (0..len)
            .map(|_| ALPHABET[(self.next() % ALPHABET.len() as u64) as usize])
            .collect()
    }
}

/// Reads a word back the way a POSIX shell does, for the subset
/// shell_quote emits: bare words and single-quoted runs joined by `\'`.
fn shell_unquote(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => loop {
                match chars.next()? {
                    '\'' => break,
                    c => out.push(c),
                }
            },
            '\\' => out.push(chars.next()?),
            c if c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c) => out.push(c),
            _ => return None, // anything else would be special to the shell
        }
    }
    Some(out)
}

#[test]
fn shell_quote_properties() {
    let mut rng = XorShift(0x5eed_1234_abcd_0001);
    let mut words: Vec<String> = (0..2000).map(|_| rng.word()).collect();
    words.extend(["".into(), "'".into(), "''".into(), NASTY_PASSWORD.into()]);
    for word in &words {
        let quoted = shell_quote(word);
        assert_eq!(
            shell_unquote(&quoted).as_deref(),
            Some(word.as_str()),
            "{word:?}"
        );
        // Outside quotes, only plain characters and \' appear.
        let mut inside = false;
        let mut chars = quoted.chars();
        while let Some(c) = chars.next() {
            if c == '\'' {
                inside = !inside;
            } else if !inside && c == '\\' {
                assert_eq!(chars.next(), Some('\''), "{quoted}");
            } else if !inside {
                assert!(
                    c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c),
                    "{quoted}"
                );
            }
        }
        assert!(!inside, "unbalanced quotes in {quoted}");
    }
    // And bash agrees: print each argument NUL-terminated and compare.
    let sample: Vec<&String> = words.iter().take(300).collect();
    let script = format!(
        "printf '%s\\0' {}",
        sample
            .iter()
            .map(|w| shell_quote(w))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let mut child = Process::new("bash")
        .arg("-s")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("bash runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let printed: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .split('\0')
        .map(str::to_owned)
        .collect();
    assert_eq!(printed.len(), sample.len() + 1);
    for (got, want) in printed.iter().zip(sample) {
        assert_eq!(got, want);
    }
}
