//! `port25 relay-config` run as a process: the same output as the core
//! generator, passwords from a file or standard input byte for byte, the
//! warning for --password, typed errors as exit status 1, and --format files.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output as ProcessOutput, Stdio};

use port25_core::kb::RelaysFile;
use port25_core::relay_config::{generate, Catalog, Credentials, Mta, Options, Output, Stamp};

/// Every character that breaks naive quoting, a colon and non-ASCII.
const PASSWORD: &str = "p'a\"s$s`w\\o r:d#^%!;&|*?[]{} é✓ $(id) ${HOME}";

fn relays() -> RelaysFile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/data/relays.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn port25(args: &[&str], stdin: Option<&str>) -> ProcessOutput {
    let mut child = Command::new(env!("CARGO_BIN_EXE_port25"))
        .args(args)
        .env_remove("PORT25_PAGE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("port25 runs");
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        // The program may exit before reading its input (a usage error is
        // found first): a closed pipe then is its answer, not a failure.
        match input.write_all(text.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.unwrap(),
        }
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn stdout(out: &ProcessOutput) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn core(options: &Options) -> Output {
    let stamp = Stamp::new(
        "2026-11-23",
        "https://port25.github.io/port25/generator",
        options,
    );
    generate(&Catalog::from(&relays()), options, &stamp).unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("port25-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn text_is_the_core_output() {
    let text = stdout(&port25(
        &[
            "relay-config",
            "--mta",
            "postfix",
            "--relay",
            "sendgrid",
            "--port",
            "2525",
            "--date",
            "2026-11-23",
        ],
        None,
    ));
    let want = core(&Options {
        port: 2525,
        ..Options::default()
    });
    for file in &want.files {
        assert!(text.contains(&file.contents), "{}", file.path);
    }
    for command in &want.commands {
        assert!(text.contains(&command.shell), "{}", command.description);
    }
    for note in &want.notes {
        assert!(text.contains(note.as_str()));
    }
    assert!(text.contains(
        "# Reproduce or change it: https://port25.github.io/port25/generator?v=1&mta=postfix&relay=sendgrid&port=2525&tls=encrypt\n"
    ));
}

#[test]
fn json_equals_the_core_output_for_every_program() {
    for mta in Mta::ALL {
        let json = stdout(&port25(
            &[
                "relay-config",
                "--mta",
                mta.slug(),
                "--relay",
                "amazon-ses",
                "--region",
                "eu-west-1",
                "--port",
                "465",
                "--date",
                "2026-11-23",
                "--format",
                "json",
            ],
            None,
        ));
        let got: serde_json::Value = serde_json::from_str(&json).unwrap();
        let options = Options {
            mta,
            relay: port25_core::relay_config::RelayChoice::Known {
                id: "amazon-ses".into(),
                host: None,
                region: Some("eu-west-1".into()),
            },
            port: 465,
            ..Options::default()
        };
        let want = serde_json::to_value(core(&options)).unwrap();
        for key in ["files", "commands", "notes"] {
            assert_eq!(got[key], want[key], "{} {key}", mta.slug());
        }
        assert_eq!(got["stamp"]["generated_on"], "2026-11-23");
    }
}

#[test]
fn password_file_and_stdin_carry_every_character() {
    let dir = temp_dir("password");
    let file = dir.join("password");
    std::fs::write(&file, format!("{PASSWORD}\n")).unwrap();
    let want = core(&Options {
        credentials: Credentials::Given {
            username: "apikey".into(),
            password: PASSWORD.into(),
        },
        ..Options::default()
    });
    let want_sasl = &want.files[1].contents;
    assert!(want_sasl.contains(&format!(" apikey:{PASSWORD}\n")));
    let from_file = port25(
        &[
            "relay-config",
            "--date",
            "2026-11-23",
            "--format",
            "json",
            "--password-file",
            file.to_str().unwrap(),
        ],
        None,
    );
    let from_stdin = port25(
        &[
            "relay-config",
            "--date",
            "2026-11-23",
            "--format",
            "json",
            "--username",
            "apikey",
            "--password-stdin",
        ],
        Some(&format!("{PASSWORD}\r\n")),
    );
    for out in [from_file, from_stdin] {
        let got: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(got["files"][1]["contents"].as_str().unwrap(), want_sasl);
        assert!(out.stderr.is_empty(), "no warning for a file or stdin");
        // The link never carries it.
        assert!(!got["stamp"]["permalink"].as_str().unwrap().contains("r:d"));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn password_argument_warns_and_never_echoes() {
    let out = port25(&["relay-config", "--password", "hunter2-secret"], None);
    let text = stdout(&out);
    assert!(text.contains("apikey:hunter2-secret\n"));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("warning: --password is visible"), "{err}");
    assert!(!err.contains("hunter2"));
    // Two password sources conflict.
    let out = port25(
        &["relay-config", "--password", "x", "--password-stdin"],
        Some("y\n"),
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn unsupported_combinations_explain_themselves() {
    for (args, message) in [
        (
            vec!["--relay", "mailgun", "--port", "2526"],
            "mailgun does not offer port 2526",
        ),
        (
            vec!["--relay", "amazon-ses"],
            "needs a region, such as us-east-1",
        ),
        (vec!["--relay", "nope"], "no relay \"nope\""),
        (vec!["--relay", "custom"], "--relay custom needs --host"),
        (
            vec!["--mta", "exim4", "--rewrite-sender", "a@example.com"],
            "cannot do envelope-sender rewriting",
        ),
        (vec!["--username", "u"], "--username needs a password"),
        (vec!["--date", "2026-02-30"], "is not a date"),
    ] {
        let mut all = vec!["relay-config"];
        all.extend(args.iter().copied());
        let out = port25(&all, None);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: no partial output");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(message), "{args:?}: {err}");
    }
    // A password that no file format can carry: named, never echoed.
    let out = port25(
        &["relay-config", "--password-stdin"],
        Some(" leading-space-secret\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("the password cannot be used"), "{err}");
    assert!(!err.contains("leading-space-secret"));
}

#[test]
fn from_url_reproduces_a_link_and_flags_override_it() {
    let link = "https://port25.github.io/port25/generator?v=1&mta=postfix&relay=sendgrid&port=587&tls=verify&s1.domain=shop.example.org&s1.relay=mailgun&s1.host=smtp.eu.mailgun.org&s1.port=2525";
    let json = stdout(&port25(
        &["relay-config", "--from-url", link, "--format", "json"],
        None,
    ));
    let got: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(got["stamp"]["permalink"], link);
    let json = stdout(&port25(
        &[
            "relay-config",
            "--from-url",
            link,
            "--port",
            "2525",
            "--format",
            "json",
        ],
        None,
    ));
    let got: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        got["stamp"]["permalink"],
        link.replace("sendgrid&port=587", "sendgrid&port=2525")
    );
}

#[test]
fn format_files_writes_modes_and_refuses_to_clobber() {
    let dir = temp_dir("files");
    let args = [
        "relay-config",
        "--mta",
        "msmtp",
        "--relay",
        "custom",
        "--host",
        "mail.example.net",
        "--port",
        "465",
        "--username",
        "me@example.net",
        "--password-stdin",
        "--date",
        "2026-11-23",
        "--format",
        "files",
        "--out",
        dir.to_str().unwrap(),
    ];
    let listed = stdout(&port25(&args, Some(PASSWORD)));
    let rc = dir.join("etc/msmtprc");
    let secret = dir.join("etc/msmtp-port25.password");
    let steps = dir.join("steps.sh");
    for path in [&rc, &secret, &steps] {
        assert!(listed.contains(path.to_str().unwrap()), "{listed}");
    }
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&rc), 0o644);
    assert_eq!(mode(&secret), 0o600);
    assert_eq!(mode(&steps), 0o600);
    assert_eq!(
        std::fs::read_to_string(&secret).unwrap(),
        format!("{PASSWORD}\n")
    );
    assert!(std::fs::read_to_string(&rc)
        .unwrap()
        .contains("user \"me@example.net\"\n"));
    // steps.sh is valid bash.
    let check = Command::new("bash").arg("-n").arg(&steps).status().unwrap();
    assert!(check.success());
    // Again: refused without --force, done with it.
    let again = port25(&args, Some(PASSWORD));
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    let mut forced = args.to_vec();
    forced.push("--force");
    stdout(&port25(&forced, Some(PASSWORD)));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn relays_lists_every_relay() {
    let text = stdout(&port25(&["relays"], None));
    for relay in relays().relays {
        assert!(text.contains(&format!("{}\t{}", relay.id, relay.name)));
    }
    assert!(text.contains("custom\t"));
}
