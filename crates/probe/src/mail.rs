//! The analysis of a mail the egress listeners accepted for a test's
//! address: SPF, DKIM and DMARC with Stalwart's `mail-auth`, the headers
//! that matter and the Received chain, into a [`MailReport`].
//!
//! The message is only borrowed here: the report keeps a few header fields
//! (From, To, Subject, Date, Message-ID, Authentication-Results, each cut
//! to [`MAX_FIELD`] characters) and the parsed Received hops, never the
//! body, and the caller drops the message after. What it is not: the
//! wording of the results ([`port25_core::egress::mail_findings`]) or the
//! SMTP conversation ([`crate::egress`]).
//!
//! DNS: SPF follows at most the 10 lookups RFC 7208 4.6.4 allows (mail-auth
//! enforces them), DKIM asks for one key per signature and at most
//! [`MAX_SIGNATURES`] signatures are checked, DMARC asks for one record, so
//! a stranger cannot make one message cost many queries; and only a live
//! test's address gets this far.

use std::net::{IpAddr, SocketAddr};

use mail_auth::dmarc::verify::DmarcParameters;
use mail_auth::dmarc::Policy;
use mail_auth::spf::verify::SpfParameters;
use mail_auth::{AuthenticatedMessage, DkimResult, DmarcResult, MessageAuthenticator, SpfResult};
use port25_core::probe_types::egress::{
    AuthResult, DkimCheck, DmarcCheck, MailReport, ReceivedHop, SpfCheck,
};
use port25_core::probe_types::{Family, TlsMode};

use crate::store::now_ms;

/// The most DKIM signatures checked in one message.
pub const MAX_SIGNATURES: usize = 5;

/// The most Received hops kept.
pub const MAX_HOPS: usize = 16;

/// The most characters kept of a header field.
pub const MAX_FIELD: usize = 300;

/// How a mail reached the listener.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The listener's port.
    pub port: u16,
    /// The delivering host's address.
    pub source: IpAddr,
    /// The name it gave in EHLO or HELO.
    pub ehlo: String,
    /// The TLS version, if any.
    pub tls: Option<String>,
    /// How TLS started, if it did.
    pub tls_mode: Option<TlsMode>,
    /// The reverse-path, empty for `<>`.
    pub mail_from: String,
}

/// An authenticator whose resolver asks `server` (the probe's
/// `--dns-resolver`), or the system's resolvers without one.
pub fn authenticator(server: Option<SocketAddr>) -> anyhow::Result<MessageAuthenticator> {
    Ok(match server {
        None => MessageAuthenticator::new_system_conf()?,
        Some(server) => MessageAuthenticator::new(
            crate::dns::resolver_config(&[server]),
            hickory_resolver::config::ResolverOpts::default(),
        )?,
    })
}

fn cut(text: &str) -> String {
    let unfolded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    unfolded.chars().take(MAX_FIELD).collect()
}

fn spf_result(result: SpfResult) -> AuthResult {
    match result {
        SpfResult::Pass => AuthResult::Pass,
        SpfResult::Fail => AuthResult::Fail,
        SpfResult::SoftFail => AuthResult::Softfail,
        SpfResult::Neutral => AuthResult::Neutral,
        SpfResult::TempError => AuthResult::Temperror,
        SpfResult::PermError => AuthResult::Permerror,
        SpfResult::None => AuthResult::None,
    }
}

fn dkim_result(result: &DkimResult) -> (AuthResult, Option<String>) {
    match result {
        DkimResult::Pass => (AuthResult::Pass, None),
        DkimResult::Neutral(e) => (AuthResult::Neutral, Some(e.to_string())),
        DkimResult::Fail(e) => (AuthResult::Fail, Some(e.to_string())),
        DkimResult::PermError(e) => (AuthResult::Permerror, Some(e.to_string())),
        DkimResult::TempError(e) => (AuthResult::Temperror, Some(e.to_string())),
        DkimResult::None => (AuthResult::None, None),
    }
}

fn dmarc_result(result: &DmarcResult) -> AuthResult {
    match result {
        DmarcResult::Pass => AuthResult::Pass,
        DmarcResult::Fail(_) => AuthResult::Fail,
        DmarcResult::TempError(_) => AuthResult::Temperror,
        DmarcResult::PermError(_) => AuthResult::Permerror,
        DmarcResult::None => AuthResult::None,
    }
}

/// Analyses `message` as delivered by `delivery`; `host` is the probe's
/// own name (for SPF's `%{r}` macro).
pub async fn analyse(
    authenticator: &MessageAuthenticator,
    host: &str,
    delivery: Delivery,
    message: &[u8],
) -> MailReport {
    let Delivery {
        port,
        source,
        ehlo,
        tls,
        tls_mode,
        mail_from,
    } = delivery;
    // SPF checks the HELO identity, then MAIL FROM (RFC 7208 2.3, 2.4); for
    // `<>` the HELO result is the answer.
    let spf = authenticator
        .verify_spf(SpfParameters::verify(source, &ehlo, host, &mail_from))
        .await;
    let mail_from_domain = mail_from
        .rsplit_once('@')
        .map_or(ehlo.as_str(), |(_, domain)| domain)
        .to_ascii_lowercase();
    let mut report = MailReport {
        at_ms: now_ms(),
        port,
        source,
        family: Family::of(&source),
        ehlo: ehlo.clone(),
        tls,
        tls_mode,
        mail_from: mail_from.clone(),
        size: message.len() as u64,
        from: None,
        to: None,
        subject: None,
        date: None,
        message_id: None,
        received: Vec::new(),
        authentication_results: Vec::new(),
        spf: SpfCheck {
            domain: spf.domain().to_owned(),
            result: spf_result(spf.result()),
        },
        dkim: Vec::new(),
        dmarc: None,
    };
    let Some(mut parsed) = AuthenticatedMessage::parse(message) else {
        return report;
    };
    parsed.dkim_headers.truncate(MAX_SIGNATURES);
    for (name, value) in &parsed.headers {
        let value = String::from_utf8_lossy(value);
        let name = String::from_utf8_lossy(name).to_ascii_lowercase();
        let slot = match name.trim() {
            "from" => &mut report.from,
            "to" => &mut report.to,
            "subject" => &mut report.subject,
            "date" => &mut report.date,
            "message-id" => &mut report.message_id,
            "authentication-results" => {
                if report.authentication_results.len() < MAX_HOPS {
                    report.authentication_results.push(cut(&value));
                }
                continue;
            }
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(cut(&value));
        }
    }
    if let Some(headers) = mail_parser::MessageParser::new().parse_headers(message) {
        report.received = headers
            .received_all()
            .take(MAX_HOPS)
            .map(|hop| ReceivedHop {
                from: hop.from.as_ref().map(|h| cut(&h.to_string())),
                from_ip: hop.from_ip.map(|ip| ip.to_string()),
                by: hop.by.as_ref().map(|h| cut(&h.to_string())),
                with: hop.with.as_ref().map(ToString::to_string),
                tls: hop.tls_version.as_ref().map(ToString::to_string),
                date: hop.date.as_ref().map(ToString::to_string),
            })
            .collect();
    }
    let dkim = authenticator.verify_dkim(&parsed).await;
    report.dkim = dkim
        .iter()
        .map(|output| {
            let (result, reason) = dkim_result(output.result());
            let (domain, selector) = output
                .signature()
                .map(|s| (s.d.clone(), s.s.clone()))
                .unwrap_or_default();
            DkimCheck {
                domain,
                selector,
                result,
                reason,
            }
        })
        .collect();
    if !parsed.from.is_empty() {
        let dmarc = authenticator
            .verify_dmarc(DmarcParameters::new(
                &parsed,
                &dkim,
                &mail_from_domain,
                &spf,
            ))
            .await;
        report.dmarc = Some(DmarcCheck {
            domain: dmarc.domain().to_owned(),
            result: dmarc_result(&dmarc.result()),
            policy: dmarc.dmarc_record().map(|_| {
                match dmarc.policy() {
                    Policy::Reject => "reject",
                    Policy::Quarantine => "quarantine",
                    Policy::None | Policy::Unspecified => "none",
                }
                .to_owned()
            }),
            spf_aligned: *dmarc.spf_result() == DmarcResult::Pass,
            dkim_aligned: *dmarc.dkim_result() == DmarcResult::Pass,
        });
    }
    report
}
