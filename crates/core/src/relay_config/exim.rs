//! Exim 4 as Debian configures it: `update-exim4.conf.conf` (satellite:
//! every message goes to the smarthost), `passwd.client` and, for TLS
//! requirements and implicit TLS, `exim4.conf.localmacros`.
//!
//! Debian's transport `remote_smtp_smarthost` reads the macros
//! `REMOTE_SMTP_SMARTHOST_HOSTS_REQUIRE_TLS` and
//! `REMOTE_SMTP_SMARTHOST_PROTOCOL` (`smtps` for implicit TLS, Exim 4.91+),
//! and its PLAIN and LOGIN authenticators take the password as everything
//! after the first colon of the `passwd.client` value, so passwords may
//! contain colons. It renders text only and assumes the default non-split
//! configuration.

use super::options::Plan;
use super::shell::{begin_private, end_private, write_description, write_file};
use super::{Command, GeneratedFile, Output, TlsPolicy, TEST_MESSAGE, TEST_RECIPIENT};

/// Debian's debconf answers file.
pub(crate) const CONF_CONF: &str = "/etc/exim4/update-exim4.conf.conf";
/// Client credentials, `host:user:password`.
pub(crate) const PASSWD_CLIENT: &str = "/etc/exim4/passwd.client";
/// Macros read before the template (non-split configuration).
pub(crate) const LOCALMACROS: &str = "/etc/exim4/exim4.conf.localmacros";

pub(crate) fn generate(plan: &Plan, header: &str) -> Output {
    let main = &plan.main;
    let mut conf = String::from(header);
    // Every key update-exim4.conf reads, so the file replaces the old one
    // whole. A satellite delivers nothing locally and listens on loopback.
    conf.push_str(&format!(
        "dc_eximconfig_configtype='satellite'\n\
         dc_other_hostnames=''\n\
         dc_local_interfaces='127.0.0.1 ; ::1'\n\
         dc_readhost=''\n\
         dc_relay_domains=''\n\
         dc_minimaldns='false'\n\
         dc_relay_nets=''\n\
         dc_smarthost='{}::{}'\n\
         CFILEMODE='644'\n\
         dc_use_split_config='false'\n\
         dc_hide_mailname='false'\n\
         dc_mailname_in_oh='true'\n\
         dc_localdelivery='mail_spool'\n",
        main.host, main.port
    ));

    let mut macros = String::from(header);
    // Refuse to deliver (and so to authenticate) without TLS.
    macros.push_str("REMOTE_SMTP_SMARTHOST_HOSTS_REQUIRE_TLS = *\n");
    if main.implicit_tls {
        macros.push_str("REMOTE_SMTP_SMARTHOST_PROTOCOL = smtps\n");
    }
    if plan.tls == TlsPolicy::Verify {
        // Debian already defaults this to *; stating it keeps it if that
        // default ever changes.
        macros.push_str("REMOTE_SMTP_SMARTHOST_TLS_VERIFY_HOSTS = *\n");
    }

    let mut passwd = String::from(header);
    passwd.push_str(&format!(
        "{}:{}:{}\n",
        main.host, plan.login.username, plan.login.password
    ));

    let files = vec![
        GeneratedFile {
            path: CONF_CONF.into(),
            contents: conf,
            mode: 0o644,
            is_secret: false,
            is_fragment: false,
        },
        GeneratedFile {
            path: LOCALMACROS.into(),
            contents: macros,
            mode: 0o644,
            is_secret: false,
            is_fragment: false,
        },
        GeneratedFile {
            path: PASSWD_CLIENT.into(),
            contents: passwd,
            mode: 0o640,
            is_secret: true,
            is_fragment: false,
        },
    ];
    let mut commands = vec![begin_private()];
    for file in &files {
        commands.push(Command {
            description: write_description(file),
            shell: write_file(&file.path, &file.contents),
        });
    }
    commands.push(Command {
        description: "Let Exim (group Debian-exim) read the password file, and everyone read \
                      the settings."
            .into(),
        shell: format!(
            "chown root:Debian-exim {PASSWD_CLIENT}\nchmod 640 {PASSWD_CLIENT}\n\
             chmod 644 {CONF_CONF} {LOCALMACROS}"
        ),
    });
    commands.push(end_private());
    commands.push(Command {
        description: "Rebuild Exim's configuration and restart it.".into(),
        shell: "update-exim4.conf && systemctl restart exim4".into(),
    });
    commands.push(Command {
        description: format!(
            "Send a test message (replace {TEST_RECIPIENT} with your own address)."
        ),
        shell: format!("printf '{TEST_MESSAGE}' | sendmail {TEST_RECIPIENT}"),
    });
    commands.push(Command {
        description: "Read the log: => marks a delivery, == a deferral, ** a bounce.".into(),
        shell: "tail -n 50 /var/log/exim4/mainlog".into(),
    });
    let mut notes = vec![
        "passwd.client is host:user:password. Debian's PLAIN and LOGIN authenticators take \
         the password as everything after the user name's colon, so colons in the password \
         work; the CRAM-MD5 authenticator would cut it at the next colon, but relays offer \
         PLAIN and LOGIN over TLS."
            .to_owned(),
        "This replaces update-exim4.conf.conf whole with a satellite configuration: local \
         mail (root, cron) also goes to the relay. Run dpkg-reconfigure exim4-config \
         afterwards to adjust interactively."
            .to_owned(),
        "Debian's Exim verifies the relay's certificate by default \
         (REMOTE_SMTP_SMARTHOST_TLS_VERIFY_HOSTS = *)."
            .to_owned(),
    ];
    if main.implicit_tls {
        notes.push(format!(
            "Port {} is implicit TLS: REMOTE_SMTP_SMARTHOST_PROTOCOL = smtps sets the \
             transport's protocol option (Exim 4.91 or later).",
            main.port
        ));
    }
    Output {
        files,
        commands,
        notes,
    }
}
