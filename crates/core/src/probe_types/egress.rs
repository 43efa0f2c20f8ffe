//! Wire types of egress tests: the user's server connects to the probe, and
//! the page watches the connections arrive.
//!
//! `POST /api/v1/egress` answers [`EgressCreated`]: a random token, its
//! expiry, the ports the probe listens on and ready-made commands that carry
//! the token. `GET /api/v1/egress/{token}` answers [`EgressStatus`]: the
//! arrivals so far and the analysis of mail sent to the test's address
//! ([`MailReport`]). What this module is not: the listener or the command
//! builders ([`crate::egress`]); it only names what goes over the wire.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::{Family, TlsMode};

/// One port the egress listeners answer on, and how TLS starts there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EgressPort {
    /// The TCP port.
    pub port: u16,
    /// Implicit TLS (465) or STARTTLS offered after EHLO.
    pub tls: TlsMode,
}

/// The kind of system a command is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Shell {
    /// Linux, the BSDs and macOS: a POSIX shell (bash for `/dev/tcp`).
    Unix,
    /// Windows PowerShell 5.1 or PowerShell 7.
    Windows,
}

/// The program a command runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Tool {
    /// `curl` with an `smtp://` or `smtps://` URL (the path is its EHLO name).
    Curl,
    /// bash's `/dev/tcp` pseudo-device, nothing to install.
    Bash,
    /// `nc` (netcat).
    Nc,
    /// `openssl s_client`.
    Openssl,
    /// `swaks`, the SMTP test tool.
    Swaks,
    /// PowerShell with `System.Net.Sockets.TcpClient`.
    Powershell,
    /// `telnet`, typing the lines by hand.
    Telnet,
}

/// A ready-made command for the user's server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OneLiner {
    /// Where it runs.
    pub shell: Shell,
    /// What it runs.
    pub tool: Tool,
    /// The port it connects to.
    pub port: u16,
    /// The command, to paste as it is.
    pub command: String,
    /// Lines to type once connected (telnet), in order; empty otherwise.
    pub typed: Vec<String>,
}

/// `201` answer of `POST /api/v1/egress`: a new egress test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EgressCreated {
    /// The test's token: 16 characters of `a-z` and `2-7`. The user's server
    /// presents it as its EHLO or HELO name, or as its first line.
    pub token: String,
    /// Seconds until the test and its arrivals are forgotten.
    pub expires_in_s: u64,
    /// Where to poll the test: `/api/v1/egress/{token}`.
    pub poll_url: String,
    /// The host name (or address) the user's server connects to.
    pub host: String,
    /// The listeners' ports.
    pub ports: Vec<EgressPort>,
    /// The code in the listeners' greeting: a greeting without it came from
    /// something between the user's server and the probe.
    pub greeting_code: String,
    /// Commands for the user's server, each carrying the token.
    pub commands: Vec<OneLiner>,
    /// The test's mail address, `TOKEN@<egress domain>`: mail the user's
    /// own mail server sends to it is analysed ([`MailReport`]). Absent
    /// when the probe has no egress domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail_address: Option<String>,
}

/// How the token reached the listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Presented {
    /// As the `EHLO` name.
    Ehlo,
    /// As the `HELO` name.
    Helo,
    /// As a line of its own.
    Line,
}

/// One connection from the user's server that presented the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Arrival {
    /// The listener's port the connection arrived on.
    pub port: u16,
    /// When the token was presented, in milliseconds since the Unix epoch.
    pub at_ms: u64,
    /// The connection's source address: the address the user's server (or
    /// its NAT) reaches the internet from.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub source: IpAddr,
    /// Its address family.
    pub family: Family,
    /// How the token was presented.
    pub presented: Presented,
    /// The TLS version negotiated (`TLSv1.3`, `TLSv1.2`), if any.
    pub tls: Option<String>,
}

/// Answer of `GET /api/v1/egress/{token}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EgressStatus {
    /// The test's token.
    pub token: String,
    /// When the test was created, in milliseconds since the Unix epoch.
    pub created_ms: u64,
    /// Seconds until it is forgotten.
    pub expires_in_s: u64,
    /// The connections that presented the token so far, oldest first.
    pub arrivals: Vec<Arrival>,
    /// What the probe found out about each source address that arrived
    /// ("who is sending"), once its checks ended; at most
    /// [`crate::sender::MAX_SOURCES`].
    #[serde(default)]
    pub senders: Vec<super::sender::SenderReport>,
    /// The mail that arrived for the test's address, oldest first.
    #[serde(default)]
    pub mail: Vec<MailReport>,
}

/// The result of one SPF, DKIM or DMARC check (RFC 8601 2.7 names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum AuthResult {
    /// The check passed.
    Pass,
    /// The check failed.
    Fail,
    /// SPF `~all`: probably not authorised.
    Softfail,
    /// SPF `?all`, or a DKIM signature that could not be judged.
    Neutral,
    /// Nothing to check: no record, no signature.
    None,
    /// A temporary failure, most often a DNS lookup.
    Temperror,
    /// A permanent error: a broken record or signature.
    Permerror,
}

/// SPF (RFC 7208) for the delivering address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpfCheck {
    /// The domain checked: the MAIL FROM domain, or the EHLO name for an
    /// empty reverse-path.
    pub domain: String,
    /// Its result.
    pub result: AuthResult,
}

/// One DKIM signature (RFC 6376).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DkimCheck {
    /// The signing domain (`d=`).
    pub domain: String,
    /// The selector (`s=`).
    pub selector: String,
    /// Its result.
    pub result: AuthResult,
    /// Why, when it did not pass.
    pub reason: Option<String>,
}

/// DMARC (RFC 7489) for the From domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DmarcCheck {
    /// The From header's domain.
    pub domain: String,
    /// Its result: pass when SPF or DKIM passed and is aligned.
    pub result: AuthResult,
    /// The domain's policy (`none`, `quarantine`, `reject`), if it has one.
    pub policy: Option<String>,
    /// SPF passed for a domain aligned with From.
    pub spf_aligned: bool,
    /// A DKIM signature passed for a domain aligned with From.
    pub dkim_aligned: bool,
}

/// One `Received` header field (RFC 5321 4.4), newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceivedHop {
    /// The sending host as the receiver named it (`from`).
    pub from: Option<String>,
    /// The sending host's address, if the receiver wrote it.
    pub from_ip: Option<String>,
    /// The receiving host (`by`).
    pub by: Option<String>,
    /// The protocol (`with`: SMTP, ESMTPS, LOCAL...).
    pub with: Option<String>,
    /// The TLS version the receiver wrote, if any.
    pub tls: Option<String>,
    /// The date the receiver wrote.
    pub date: Option<String>,
}

/// A mail the user's server delivered to the test's address, analysed.
/// The message itself is discarded; only these fields are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailReport {
    /// When it arrived, in milliseconds since the Unix epoch.
    pub at_ms: u64,
    /// The listener's port.
    pub port: u16,
    /// The delivering host's address.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub source: IpAddr,
    /// Its address family.
    pub family: Family,
    /// The name it gave in EHLO or HELO.
    pub ehlo: String,
    /// The TLS version negotiated, if any.
    pub tls: Option<String>,
    /// How TLS started: STARTTLS or implicit (465); absent without TLS.
    pub tls_mode: Option<TlsMode>,
    /// The envelope sender (MAIL FROM), empty for `<>`.
    pub mail_from: String,
    /// The message's size in bytes.
    pub size: u64,
    /// The From header field.
    pub from: Option<String>,
    /// The To header field.
    pub to: Option<String>,
    /// The Subject header field.
    pub subject: Option<String>,
    /// The Date header field.
    pub date: Option<String>,
    /// The Message-ID header field.
    pub message_id: Option<String>,
    /// The Received chain, newest first.
    pub received: Vec<ReceivedHop>,
    /// Authentication-Results header fields the message carried.
    pub authentication_results: Vec<String>,
    /// SPF for the delivering address.
    pub spf: SpfCheck,
    /// Every DKIM signature.
    pub dkim: Vec<DkimCheck>,
    /// DMARC, when the message has a From domain.
    pub dmarc: Option<DmarcCheck>,
}

mod read {
    //! Reading the egress wire types from JSON the browser parsed
    //! ([`super::super::read`]), so the egress page needs no serde decoders.

    use super::super::read::{opt, or_default, req, JsonValue, ReadError, ReadJson};
    use super::*;

    const INVALID: ReadError = ReadError("");

    fn name<V: JsonValue>(value: &V) -> Result<String, ReadError> {
        value.as_string().ok_or(INVALID)
    }

    impl ReadJson for Shell {
        fn read<V: JsonValue>(value: &V) -> Result<Self, ReadError> {
            match name(value)?.as_str() {
                "unix" => Ok(Shell::Unix),
                "windows" => Ok(Shell::Windows),
                _ => Err(INVALID),
            }
        }
    }

    impl ReadJson for Tool {
        fn read<V: JsonValue>(value: &V) -> Result<Self, ReadError> {
            Ok(match name(value)?.as_str() {
                "curl" => Tool::Curl,
                "bash" => Tool::Bash,
                "nc" => Tool::Nc,
                "openssl" => Tool::Openssl,
                "swaks" => Tool::Swaks,
                "powershell" => Tool::Powershell,
                "telnet" => Tool::Telnet,
                _ => return Err(INVALID),
            })
        }
    }

    impl ReadJson for Presented {
        fn read<V: JsonValue>(value: &V) -> Result<Self, ReadError> {
            Ok(match name(value)?.as_str() {
                "ehlo" => Presented::Ehlo,
                "helo" => Presented::Helo,
                "line" => Presented::Line,
                _ => return Err(INVALID),
            })
        }
    }

    impl ReadJson for AuthResult {
        fn read<V: JsonValue>(value: &V) -> Result<Self, ReadError> {
            Ok(match name(value)?.as_str() {
                "pass" => AuthResult::Pass,
                "fail" => AuthResult::Fail,
                "softfail" => AuthResult::Softfail,
                "neutral" => AuthResult::Neutral,
                "none" => AuthResult::None,
                "temperror" => AuthResult::Temperror,
                "permerror" => AuthResult::Permerror,
                _ => return Err(INVALID),
            })
        }
    }

    impl ReadJson for SpfCheck {
        fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
            Ok(SpfCheck {
                domain: req(v, "domain")?,
                result: req(v, "result")?,
            })
        }
    }

    impl ReadJson for DkimCheck {
        fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
            Ok(DkimCheck {
                domain: req(v, "domain")?,
                selector: req(v, "selector")?,
                result: req(v, "result")?,
                reason: opt(v, "reason")?,
            })
        }
    }

    impl ReadJson for DmarcCheck {
        fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
            Ok(DmarcCheck {
                domain: req(v, "domain")?,
                result: req(v, "result")?,
                policy: opt(v, "policy")?,
                spf_aligned: req(v, "spf_aligned")?,
                dkim_aligned: req(v, "dkim_aligned")?,
            })
        }
    }

    impl ReadJson for ReceivedHop {
        fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
            Ok(ReceivedHop {
                from: opt(v, "from")?,
                from_ip: opt(v, "from_ip")?,
                by: opt(v, "by")?,
                with: opt(v, "with")?,
                tls: opt(v, "tls")?,
                date: opt(v, "date")?,
            })
        }
    }

    impl ReadJson for MailReport {
        fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
            Ok(MailReport {
                at_ms: req(v, "at_ms")?,
                port: req(v, "port")?,
                source: req(v, "source")?,
                family: req(v, "family")?,
                ehlo: req(v, "ehlo")?,
                tls: opt(v, "tls")?,
                tls_mode: opt(v, "tls_mode")?,
                mail_from: req(v, "mail_from")?,
                size: req(v, "size")?,
                from: opt(v, "from")?,
                to: opt(v, "to")?,
                subject: opt(v, "subject")?,
                date: opt(v, "date")?,
                message_id: opt(v, "message_id")?,
                received: req(v, "received")?,
                authentication_results: req(v, "authentication_results")?,
                spf: req(v, "spf")?,
                dkim: req(v, "dkim")?,
                dmarc: opt(v, "dmarc")?,
            })
        }
    }

    impl ReadJson for EgressPort {
        fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
            Ok(EgressPort {
                port: req(v, "port")?,
                tls: req(v, "tls")?,
            })
        }
    }

    impl ReadJson for OneLiner {
        fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
            Ok(OneLiner {
                shell: req(v, "shell")?,
                tool: req(v, "tool")?,
                port: req(v, "port")?,
                command: req(v, "command")?,
                typed: req(v, "typed")?,
            })
        }
    }

    impl ReadJson for EgressCreated {
        fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
            Ok(EgressCreated {
                token: req(v, "token")?,
                expires_in_s: req(v, "expires_in_s")?,
                poll_url: req(v, "poll_url")?,
                host: req(v, "host")?,
                ports: req(v, "ports")?,
                greeting_code: req(v, "greeting_code")?,
                commands: req(v, "commands")?,
                mail_address: opt(v, "mail_address")?,
            })
        }
    }

    impl ReadJson for Arrival {
        fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
            Ok(Arrival {
                port: req(v, "port")?,
                at_ms: req(v, "at_ms")?,
                source: req(v, "source")?,
                family: req(v, "family")?,
                presented: req(v, "presented")?,
                tls: opt(v, "tls")?,
            })
        }
    }

    impl ReadJson for EgressStatus {
        fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
            Ok(EgressStatus {
                token: req(v, "token")?,
                created_ms: req(v, "created_ms")?,
                expires_in_s: req(v, "expires_in_s")?,
                arrivals: req(v, "arrivals")?,
                senders: or_default(v, "senders")?,
                mail: or_default(v, "mail")?,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::read::{JsonValue, ReadJson};
    use super::*;

    struct J(serde_json::Value);

    impl JsonValue for J {
        fn get(&self, name: &str) -> Option<Self> {
            self.0.get(name).cloned().map(J)
        }
        fn keys(&self) -> Vec<String> {
            self.0
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default()
        }
        fn is_null(&self) -> bool {
            self.0.is_null()
        }
        fn as_string(&self) -> Option<String> {
            self.0.as_str().map(str::to_owned)
        }
        fn as_bool(&self) -> Option<bool> {
            self.0.as_bool()
        }
        fn as_safe_integer(&self) -> Option<i64> {
            self.0.as_i64()
        }
        fn items(&self) -> Option<Vec<Self>> {
            self.0
                .as_array()
                .map(|a| a.iter().cloned().map(J).collect())
        }
    }

    #[test]
    fn the_reader_reads_what_serde_writes() {
        let created = EgressCreated {
            token: "abcdefghijk23456".into(),
            expires_in_s: 600,
            poll_url: "/api/v1/egress/abcdefghijk23456".into(),
            host: "egress.example.net".into(),
            ports: crate::egress::default_ports(),
            greeting_code: "P25-ABCDEF".into(),
            commands: crate::egress::commands(
                "egress.example.net",
                &crate::egress::default_ports(),
                "abcdefghijk23456",
            ),
            mail_address: Some("abcdefghijk23456@egress.example.net".into()),
        };
        let json = J(serde_json::to_value(&created).unwrap());
        assert_eq!(EgressCreated::read(&json).unwrap(), created);
        let status = EgressStatus {
            token: "abcdefghijk23456".into(),
            created_ms: 1_700_000_000_000,
            expires_in_s: 590,
            arrivals: vec![Arrival {
                port: 587,
                at_ms: 1_700_000_001_000,
                source: "2001:db8::1".parse().unwrap(),
                family: Family::Ipv6,
                presented: Presented::Line,
                tls: Some("TLSv1.3".into()),
            }],
            senders: vec![crate::sender::sample_report()],
            mail: vec![MailReport {
                at_ms: 1_700_000_002_000,
                port: 25,
                source: "192.0.2.7".parse().unwrap(),
                family: Family::Ipv4,
                ehlo: "mail.example.org".into(),
                tls: Some("TLSv1.3".into()),
                tls_mode: Some(TlsMode::Starttls),
                mail_from: "root@example.org".into(),
                size: 812,
                from: Some("root@example.org".into()),
                to: None,
                subject: Some("test".into()),
                date: None,
                message_id: Some("<1@example.org>".into()),
                received: vec![ReceivedHop {
                    from: Some("localhost".into()),
                    from_ip: Some("127.0.0.1".into()),
                    by: Some("mail.example.org".into()),
                    with: Some("ESMTPS".into()),
                    tls: None,
                    date: None,
                }],
                authentication_results: vec![],
                spf: SpfCheck {
                    domain: "example.org".into(),
                    result: AuthResult::Softfail,
                },
                dkim: vec![DkimCheck {
                    domain: "example.org".into(),
                    selector: "s1".into(),
                    result: AuthResult::Fail,
                    reason: Some("body hash".into()),
                }],
                dmarc: Some(DmarcCheck {
                    domain: "example.org".into(),
                    result: AuthResult::Fail,
                    policy: Some("reject".into()),
                    spf_aligned: false,
                    dkim_aligned: false,
                }),
            }],
        };
        let json = J(serde_json::to_value(&status).unwrap());
        assert_eq!(EgressStatus::read(&json).unwrap(), status);
    }
}
