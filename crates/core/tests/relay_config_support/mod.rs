//! Shared helpers for the relay_config tests: the real relay data, the list of
//! every option combination, and parsers that read secrets back the way each
//! mail program does. Not a test file itself.

#![allow(dead_code)] // each test binary uses a different subset

use std::fs;
use std::path::PathBuf;

use port25_core::kb::{RelaysFile, TlsMode};
use port25_core::relay_config::{
    generate, Catalog, Credentials, Mta, Options, Output, RelayChoice, SenderRelay, Stamp,
    TlsPolicy,
};

/// A password with every character that breaks naive quoting: both quotes,
/// `$`, backtick, backslash, spaces, colon, hash, `^` (Exim's PLAIN
/// separator), `%`, `!`, `;`, `&`, `|`, glob characters and non-ASCII.
pub(crate) const NASTY_PASSWORD: &str = "p'a\"s$s`w\\o r:d#^%!;&|*?[]{}<>~ é✓ -- $(id) ${HOME}:";

/// A user name with the same characters except the colon.
pub(crate) const NASTY_USERNAME: &str = "u'se\"r$`\\ #^é@example.com";

pub(crate) fn relays() -> RelaysFile {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../content/data/relays.json");
    let text = fs::read_to_string(&path).expect("relays.json readable");
    serde_json::from_str(&text).expect("relays.json parses")
}

pub(crate) fn stamp(options: &Options) -> Stamp {
    Stamp {
        generated_on: "2026-11-23".into(),
        permalink: format!("https://port25.example/relay-config?{}", options.to_query()),
    }
}

pub(crate) fn run(file: &RelaysFile, options: &Options) -> Output {
    generate(&Catalog::from(file), options, &stamp(options))
        .unwrap_or_else(|e| panic!("{options:?}: {e}"))
}

pub(crate) fn given(username: &str, password: &str) -> Credentials {
    Credentials::Given {
        username: username.into(),
        password: password.into(),
    }
}

/// One combination, with a short name for messages and file names.
pub(crate) struct Case {
    pub(crate) name: String,
    pub(crate) options: Options,
    pub(crate) implicit_tls: bool,
}

/// A relay's name for messages, the choice, and its ports (implicit TLS?).
type RelayRow = (String, RelayChoice, Vec<(u16, bool)>);

/// Every relay x host x port x program x option combination the generator
/// supports: both TLS policies, placeholder and given (nasty) credentials,
/// and where the program supports them, sender rewriting and (Postfix) a
/// per-sender-domain relay.
pub(crate) fn all_cases(file: &RelaysFile) -> Vec<Case> {
    let mut relays: Vec<RelayRow> = Vec::new();
    for relay in &file.relays {
        let ports: Vec<(u16, bool)> = relay
            .ports
            .iter()
            .map(|p| (p.port, p.tls == TlsMode::ImplicitTls))
            .collect();
        for host in &relay.hosts {
            let region = host
                .host
                .contains("<region>")
                .then(|| "eu-west-1".to_owned());
            relays.push((
                format!(
                    "{}-{}",
                    relay.id,
                    host.host.replace("<region>", "eu-west-1")
                ),
                RelayChoice::Known {
                    id: relay.id.clone(),
                    host: Some(host.host.clone()),
                    region,
                },
                ports.clone(),
            ));
        }
    }
    relays.push((
        "custom-mail.example.net".into(),
        RelayChoice::Custom {
            host: "mail.example.net".into(),
        },
        vec![(587, false), (465, true), (2525, false), (25, false)],
    ));
    let mut cases = Vec::new();
    for (relay_name, relay, ports) in &relays {
        for &(port, implicit_tls) in ports {
            for mta in Mta::ALL {
                for tls in [TlsPolicy::Encrypt, TlsPolicy::Verify] {
                    for nasty in [false, true] {
                        let mut extras: Vec<(&str, Option<String>, Vec<SenderRelay>)> =
                            vec![("plain", None, Vec::new())];
                        if mta != Mta::Exim4 {
                            extras.push((
                                "rewrite",
                                Some("noreply@example.com".into()),
                                Vec::new(),
                            ));
                        }
                        if mta == Mta::Postfix {
                            extras.push((
                                "sender",
                                None,
                                vec![SenderRelay {
                                    domain: "shop.example.org".into(),
                                    relay: RelayChoice::Custom {
                                        host: "relay.example.org".into(),
                                    },
                                    port: if implicit_tls { 465 } else { 587 },
                                    credentials: if nasty {
                                        given("shop-user", NASTY_PASSWORD)
                                    } else {
                                        Credentials::Placeholder
                                    },
                                }],
                            ));
                        }
                        for (extra, rewrite, senders) in extras {
                            let options = Options {
                                mta,
                                relay: relay.clone(),
                                port,
                                tls,
                                credentials: if nasty {
                                    given(NASTY_USERNAME, NASTY_PASSWORD)
                                } else {
                                    Credentials::Placeholder
                                },
                                sender_relays: senders,
                                rewrite_sender: rewrite,
                            };
                            cases.push(Case {
                                name: format!(
                                    "{}-{relay_name}-{port}-{}-{}-{extra}",
                                    mta.slug(),
                                    tls.slug(),
                                    if nasty { "given" } else { "placeholder" }
                                ),
                                options,
                                implicit_tls,
                            });
                        }
                    }
                }
            }
        }
    }
    cases
}

/// The here-document body of a `cat > path <<'TERM'` command, with its path.
pub(crate) fn heredoc(shell: &str) -> Option<(String, String)> {
    let (first, rest) = shell.split_once('\n')?;
    let rest_of_first = first.strip_prefix("cat > ")?;
    let (path, term) = rest_of_first.split_once(" <<")?;
    let term = term.strip_prefix('\'')?.strip_suffix('\'')?;
    let body = rest.strip_suffix(term)?;
    Some((path.to_owned(), body.to_owned()))
}

/// Non-comment lines of a file.
pub(crate) fn data_lines(contents: &str) -> Vec<&str> {
    contents
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .collect()
}

/// Postfix: postmap splits key and value at the first whitespace and trims
/// the value; smtp_sasl_passwd_lookup splits `user:password` at the first
/// colon.
pub(crate) fn parse_postfix_sasl(line: &str) -> (String, String, String) {
    let (key, value) = line.split_once([' ', '\t']).expect("key and value");
    let (user, pass) = value.trim().split_once(':').expect("user:password");
    (key.into(), user.into(), pass.into())
}

/// Exim (Debian's lsearch + PASSWDLINE): the key ends at the first colon,
/// the user name at the next, the password is everything after it.
pub(crate) fn parse_exim_passwd_client(line: &str) -> (String, String, String) {
    let (host, value) = line.split_once(':').expect("host:value");
    let (user, pass) = value.trim_start().split_once(':').expect("user:password");
    (host.into(), user.into(), pass.into())
}

/// OpenSMTPD table(5): `label user:password`, split at the first colon.
pub(crate) fn parse_opensmtpd_secret(line: &str) -> (String, String, String) {
    let (label, value) = line.split_once([' ', '\t']).expect("label and value");
    let (user, pass) = value.trim_start().split_once(':').expect("user:password");
    (label.into(), user.into(), pass.into())
}

/// msmtp: one pair of surrounding double quotes is removed, nothing else.
pub(crate) fn parse_msmtp_value(arg: &str) -> String {
    let arg = arg.trim();
    if arg.len() >= 2 && arg.starts_with('"') && arg.ends_with('"') {
        arg[1..arg.len() - 1].to_owned()
    } else {
        arg.to_owned()
    }
}
