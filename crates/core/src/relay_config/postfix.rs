//! Postfix: `main.cf` settings, `sasl_passwd` and, when asked, the
//! sender-dependent relay map, for Debian's Postfix 3.x.
//!
//! The settings use only current parameter names (never `smtp_use_tls`,
//! `smtp_enforce_tls` or `smtp_tls_enforce_peername`), always require TLS
//! before SASL authentication, and add `smtp_tls_wrappermode = yes` exactly
//! when the port uses implicit TLS. It renders text only.

use super::options::{Endpoint, Login, Plan};
use super::shell::{begin_private, end_private, shell_quote, write_description, write_file};
use super::{Command, GeneratedFile, Output, TlsPolicy, TEST_MESSAGE, TEST_RECIPIENT};

/// Where the password map lives.
pub(crate) const SASL_PASSWD: &str = "/etc/postfix/sasl_passwd";
/// Where the sender-dependent relay map lives.
pub(crate) const SENDER_RELAY: &str = "/etc/postfix/sender_relay";
/// Debian's CA bundle (package ca-certificates).
pub(crate) const CA_FILE: &str = "/etc/ssl/certs/ca-certificates.crt";

/// The `[host]:port` next-hop form; the brackets turn off MX lookups.
fn nexthop(endpoint: &Endpoint) -> String {
    format!("[{}]:{}", endpoint.host, endpoint.port)
}

/// The `main.cf` settings as `(name, value)` pairs, in output order.
pub(crate) fn settings(plan: &Plan) -> Vec<(&'static str, String)> {
    let level = match plan.tls {
        // Credentials are never sent without TLS, so never `may`.
        TlsPolicy::Encrypt => "encrypt",
        TlsPolicy::Verify => "secure",
    };
    let mut s: Vec<(&'static str, String)> = vec![
        ("relayhost", nexthop(&plan.main)),
        ("smtp_sasl_auth_enable", "yes".into()),
        ("smtp_sasl_password_maps", format!("hash:{SASL_PASSWD}")),
        ("smtp_sasl_security_options", "noanonymous".into()),
        ("smtp_sasl_tls_security_options", "noanonymous".into()),
        ("smtp_tls_security_level", level.into()),
        // Implicit TLS (465) needs the wrapper; STARTTLS ports must not have
        // it, or the first byte would be a TLS handshake the server rejects.
        (
            "smtp_tls_wrappermode",
            if plan.main.implicit_tls { "yes" } else { "no" }.into(),
        ),
        ("smtp_tls_CAfile", CA_FILE.into()),
        ("smtp_tls_loglevel", "1".into()),
    ];
    if !plan.senders.is_empty() {
        s.push((
            "sender_dependent_relayhost_maps",
            format!("hash:{SENDER_RELAY}"),
        ));
        s.push(("smtp_sender_dependent_authentication", "yes".into()));
    }
    if let Some(address) = &plan.rewrite_sender {
        s.push(("sender_canonical_classes", "envelope_sender".into()));
        s.push(("sender_canonical_maps", format!("static:{address}")));
    }
    s
}

/// A `sasl_passwd` line: `key user:password`. postmap splits the key at the
/// first whitespace and Postfix splits the value at the first colon, so the
/// password may contain colons and spaces.
fn sasl_line(key: &str, login: &Login) -> String {
    format!("{key} {}:{}\n", login.username, login.password)
}

pub(crate) fn generate(plan: &Plan, header: &str) -> Output {
    let settings = settings(plan);
    let mut main_cf = String::from(header);
    main_cf.push_str(
        "# Merge these settings into /etc/postfix/main.cf (the postconf -e step does).\n",
    );
    for (name, value) in &settings {
        main_cf.push_str(&format!("{name} = {value}\n"));
    }

    let mut sasl = String::from(header);
    sasl.push_str(&sasl_line(&nexthop(&plan.main), &plan.login));
    for (domain, _, login) in &plan.senders {
        // With smtp_sender_dependent_authentication, Postfix looks the
        // sender up first (@domain), then the next hop.
        sasl.push_str(&sasl_line(&format!("@{domain}"), login));
    }

    let mut files = vec![
        GeneratedFile {
            path: "/etc/postfix/main.cf".into(),
            contents: main_cf,
            mode: 0o644,
            is_secret: false,
            is_fragment: true,
        },
        GeneratedFile {
            path: SASL_PASSWD.into(),
            contents: sasl,
            mode: 0o600,
            is_secret: true,
            is_fragment: false,
        },
    ];
    if !plan.senders.is_empty() {
        let mut map = String::from(header);
        for (domain, endpoint, _) in &plan.senders {
            map.push_str(&format!("@{domain} {}\n", nexthop(endpoint)));
        }
        files.push(GeneratedFile {
            path: SENDER_RELAY.into(),
            contents: map,
            mode: 0o644,
            is_secret: false,
            is_fragment: false,
        });
    }

    let mut commands = vec![begin_private()];
    for file in files.iter().skip(1) {
        commands.push(Command {
            description: write_description(file),
            shell: write_file(&file.path, &file.contents),
        });
    }
    let mut maps = vec![format!("postmap hash:{SASL_PASSWD}")];
    if !plan.senders.is_empty() {
        maps.push(format!("postmap hash:{SENDER_RELAY}"));
    }
    commands.push(Command {
        description: "Build the lookup tables Postfix reads (.db files).".into(),
        shell: maps.join("\n"),
    });
    let mut chmod = format!("chmod 600 {SASL_PASSWD} {SASL_PASSWD}.db");
    if !plan.senders.is_empty() {
        chmod.push_str(&format!("\nchmod 644 {SENDER_RELAY} {SENDER_RELAY}.db"));
    }
    commands.push(Command {
        description: if plan.senders.is_empty() {
            "Keep the password file and its table readable by root only."
        } else {
            "Keep the password file and its table readable by root only; the relay map by all."
        }
        .into(),
        shell: chmod,
    });
    commands.push(end_private());
    let args: Vec<String> = settings
        .iter()
        .map(|(name, value)| shell_quote(&format!("{name} = {value}")))
        .collect();
    commands.push(Command {
        description: "Merge the settings into /etc/postfix/main.cf (each replaces any earlier \
                      value)."
            .into(),
        shell: format!("postconf -e \\\n  {}", args.join(" \\\n  ")),
    });
    commands.push(Command {
        description: "Check the configuration and reload Postfix.".into(),
        shell: "postfix check && systemctl reload postfix".into(),
    });
    commands.push(Command {
        description: format!(
            "Send a test message (replace {TEST_RECIPIENT} with your own address)."
        ),
        shell: format!("printf '{TEST_MESSAGE}' | sendmail {TEST_RECIPIENT}"),
    });
    commands.push(Command {
        description: "Read the log: look for status=sent (250 ...) or the relay's error.".into(),
        shell: "journalctl -u postfix -n 50 --no-pager || tail -n 50 /var/log/mail.log".into(),
    });

    let mut notes = vec![
        "Postfix's SASL client needs the PLAIN and LOGIN mechanisms: on Debian and Ubuntu \
         they are in libsasl2-modules (apt-get install libsasl2-modules), which a default \
         install already has; without it the log says \"no mechanism available\"."
            .to_owned(),
        "Postfix reads hash: tables through Berkeley DB, which Debian's postfix package \
         includes; on a distribution without it, use lmdb: in both the postmap commands and \
         smtp_sasl_password_maps."
            .to_owned(),
    ];
    if plan.main.implicit_tls {
        notes.push(
            "Port 465 is implicit TLS: smtp_tls_wrappermode = yes with \
             smtp_tls_security_level = encrypt (or secure) is required, or Postfix waits \
             for a greeting that never comes in clear text."
                .to_owned(),
        );
    }
    if plan.rewrite_sender.is_some() {
        notes.push(
            "sender_canonical_maps rewrites the envelope sender only (sender_canonical_classes \
             = envelope_sender); the From: header is left as the program wrote it."
                .to_owned(),
        );
    }
    Output {
        files,
        commands,
        notes,
    }
}
