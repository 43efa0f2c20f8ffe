//! msmtp for send-only hosts: `/etc/msmtprc` with one account, and the
//! password in its own root-only file read through `passwordeval`.
//!
//! msmtp strips one pair of double quotes around a value and interprets no
//! escapes inside, so the user name is always written quoted; the password
//! never enters the configuration file at all. It renders text only.

use super::options::Plan;
use super::shell::{begin_private, end_private, write_description, write_file};
use super::{Command, GeneratedFile, Output, TEST_MESSAGE, TEST_RECIPIENT};

/// The system-wide configuration.
pub(crate) const MSMTPRC: &str = "/etc/msmtprc";
/// The password, alone on one line.
pub(crate) const PASSWORD_FILE: &str = "/etc/msmtp-port25.password";
/// The account name.
pub(crate) const ACCOUNT: &str = "port25";

pub(crate) fn generate(plan: &Plan, header: &str) -> Output {
    let main = &plan.main;
    let mut rc = String::from(header);
    rc.push_str(&format!(
        "defaults\n\
         auth on\n\
         tls on\n\
         tls_starttls {}\n\
         tls_trust_file /etc/ssl/certs/ca-certificates.crt\n\
         syslog LOG_MAIL\n\
         \n\
         account {ACCOUNT}\n\
         host {}\n\
         port {}\n",
        if main.implicit_tls { "off" } else { "on" },
        main.host,
        main.port
    ));
    if let Some(address) = &plan.rewrite_sender {
        rc.push_str(&format!("from {address}\n"));
    }
    // msmtp removes exactly one pair of surrounding quotes, with no escapes,
    // so quoting always carries the user name verbatim.
    rc.push_str(&format!(
        "user \"{}\"\n\
         passwordeval \"cat {PASSWORD_FILE}\"\n\
         \n\
         account default : {ACCOUNT}\n",
        plan.login.username
    ));
    // passwordeval takes the command's first line without its newline, so
    // this file holds the password and nothing else (no header comment).
    let password = format!("{}\n", plan.login.password);
    let files = vec![
        GeneratedFile {
            path: MSMTPRC.into(),
            contents: rc,
            mode: 0o644,
            is_secret: false,
            is_fragment: false,
        },
        GeneratedFile {
            path: PASSWORD_FILE.into(),
            contents: password,
            mode: 0o600,
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
        description: "Keep the password readable by root only; the configuration by all.".into(),
        shell: format!("chmod 600 {PASSWORD_FILE}\nchmod 644 {MSMTPRC}"),
    });
    commands.push(end_private());
    commands.push(Command {
        description: "Show the settings msmtp will use, without connecting.".into(),
        shell: "msmtp --pretend".into(),
    });
    commands.push(Command {
        description: format!(
            "Send a test message (replace {TEST_RECIPIENT} with your own address)."
        ),
        shell: format!("printf '{TEST_MESSAGE}' | msmtp {TEST_RECIPIENT}"),
    });
    commands.push(Command {
        description: "Read the log msmtp writes to syslog.".into(),
        shell: "journalctl -t msmtp -n 50 --no-pager || tail -n 50 /var/log/mail.log".into(),
    });
    let mut notes = vec![
        "Only root can read the password file, so only root (cron jobs, system services \
         running as root) can send; for another user, copy the account into that user's \
         ~/.msmtprc (mode 600) and point passwordeval at a file that user owns."
            .to_owned(),
        "Install msmtp-mta as well if programs call /usr/sbin/sendmail.".to_owned(),
        "msmtp verifies the relay's certificate against the system CAs by default.".to_owned(),
    ];
    if plan.rewrite_sender.is_none() {
        notes.push(
            "No from address is set: add `from you@your-domain` to the account if the relay \
             refuses the sender, as most accept only verified senders."
                .to_owned(),
        );
    }
    Output {
        files,
        commands,
        notes,
    }
}
