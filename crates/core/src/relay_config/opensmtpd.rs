//! OpenSMTPD 6.x: a complete `smtpd.conf` that delivers local mail and
//! relays everything else through the smarthost, plus the credentials table.
//!
//! `smtp+tls://` is mandatory STARTTLS and `smtps://` implicit TLS; both
//! verify the server certificate by default (smtpd.conf(5)). The credentials
//! table maps a label to `user:password`, split at the first colon
//! (table(5)). It renders text only.

use super::options::Plan;
use super::shell::{begin_private, end_private, write_description, write_file};
use super::{Command, GeneratedFile, Output, TEST_MESSAGE, TEST_RECIPIENT};

/// The configuration file on Debian.
pub(crate) const SMTPD_CONF: &str = "/etc/smtpd.conf";
/// The credentials table.
pub(crate) const SECRETS: &str = "/etc/mail/secrets";
/// The credentials label.
pub(crate) const LABEL: &str = "port25";

pub(crate) fn generate(plan: &Plan, header: &str) -> Output {
    let main = &plan.main;
    let scheme = if main.implicit_tls {
        "smtps"
    } else {
        "smtp+tls"
    };
    let mail_from = plan
        .rewrite_sender
        .as_ref()
        .map(|a| format!(" mail-from \"{a}\""))
        .unwrap_or_default();
    let mut conf = String::from(header);
    conf.push_str(&format!(
        "table aliases file:/etc/aliases\n\
         table secrets file:{SECRETS}\n\
         \n\
         listen on localhost\n\
         \n\
         action \"local\" maildir alias <aliases>\n\
         action \"relay\" relay host {scheme}://{LABEL}@{}:{} auth <secrets>{mail_from}\n\
         \n\
         match for local action \"local\"\n\
         match from local for any action \"relay\"\n",
        main.host, main.port
    ));
    let mut secrets = String::from(header);
    secrets.push_str(&format!(
        "{LABEL} {}:{}\n",
        plan.login.username, plan.login.password
    ));
    let files = vec![
        GeneratedFile {
            path: SMTPD_CONF.into(),
            contents: conf,
            mode: 0o644,
            is_secret: false,
            is_fragment: false,
        },
        GeneratedFile {
            path: SECRETS.into(),
            contents: secrets,
            mode: 0o600,
            is_secret: true,
            is_fragment: false,
        },
    ];
    let mut commands = vec![
        begin_private(),
        Command {
            description: "Create /etc/mail for the credentials table.".into(),
            shell: "install -d -m 755 /etc/mail".into(),
        },
    ];
    for file in &files {
        commands.push(Command {
            description: write_description(file),
            shell: write_file(&file.path, &file.contents),
        });
    }
    commands.push(Command {
        description: "Keep the credentials readable by root only; the configuration by all.".into(),
        shell: format!("chmod 600 {SECRETS}\nchmod 644 {SMTPD_CONF}"),
    });
    commands.push(end_private());
    commands.push(Command {
        description: "Check the configuration and restart OpenSMTPD.".into(),
        shell: format!("smtpd -n -f {SMTPD_CONF} && systemctl restart opensmtpd"),
    });
    commands.push(Command {
        description: format!(
            "Send a test message (replace {TEST_RECIPIENT} with your own address)."
        ),
        shell: format!("printf '{TEST_MESSAGE}' | sendmail {TEST_RECIPIENT}"),
    });
    commands.push(Command {
        description: "Read the log: result=\"Ok\" marks a delivery.".into(),
        shell: "journalctl -u opensmtpd -n 50 --no-pager || tail -n 50 /var/log/mail.log".into(),
    });
    let notes = vec![
        "This replaces /etc/smtpd.conf whole: it listens on localhost only, delivers local \
         mail to ~/Maildir and relays everything else."
            .to_owned(),
        "OpenSMTPD verifies the relay's certificate for smtp+tls:// and smtps:// by default."
            .to_owned(),
    ];
    Output {
        files,
        commands,
        notes,
    }
}
