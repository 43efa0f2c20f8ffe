//! The probe's wire types: what the site sends to the probe service and what
//! it gets back, as serde types shared by both sides.
//!
//! A probe looks up a domain's MX hosts (RFC 5321 5.1, with the A/AAAA
//! fallback when there is no MX and RFC 7505 Null MX), connects to each
//! address on one of the SMTP ports, waits for the greeting (RFC 5321 4.2),
//! says EHLO, upgrades with STARTTLS (RFC 3207) or implicit TLS (RFC 8314 on
//! port 465), says EHLO again and QUITs. Every step is recorded here as data:
//! a refused or timed-out port is a successful probe whose [`Outcome`] says so.
//!
//! What this module is not: the probe itself. It does no I/O, no DNS and no
//! parsing of SMTP; it only names the request, the report and the progress
//! events, with light validation of the request.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

pub mod checks;
mod decode;
pub mod egress;
pub mod read;
pub mod sender;

/// The ports a probe may target: 25 (relay, RFC 5321), 465 (submissions with
/// implicit TLS, RFC 8314), 587 (submission, RFC 6409) and 2525 (a common
/// unofficial alternative).
pub const ALLOWED_PORTS: [u16; 4] = [25, 465, 587, 2525];

/// The longest target accepted, in bytes: a DNS name is at most 253
/// characters in text form; IPv6 literals with brackets are shorter.
pub const MAX_TARGET_LEN: usize = 253;

/// Tells whether `port` is one of [`ALLOWED_PORTS`].
pub fn is_allowed_port(port: u16) -> bool {
    ALLOWED_PORTS.contains(&port)
}

/// How TLS is negotiated on a port: implicit on 465 (RFC 8314 3.3), STARTTLS
/// (RFC 3207) everywhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum TlsMode {
    /// TLS starts right after the TCP connection, before the greeting.
    Implicit,
    /// The session starts in clear text and upgrades after `STARTTLS`.
    Starttls,
}

impl TlsMode {
    /// Returns the TLS mode used on `port`.
    pub fn for_port(port: u16) -> Self {
        if port == 465 {
            TlsMode::Implicit
        } else {
            TlsMode::Starttls
        }
    }
}

/// What the target of a probe names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ProbeMode {
    /// The target is a mail domain: probe its MX hosts (the default).
    #[default]
    Mx,
    /// The target is one host name or IP literal: probe it directly.
    Host,
}

/// A request to probe one target on one port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProbeRequest {
    /// A mail domain (mode `mx`) or a host name or IP literal (mode `host`).
    pub target: String,
    /// The port to probe; 25 by default. Must be in [`ALLOWED_PORTS`].
    #[serde(default = "default_port")]
    pub port: u16,
    /// Whether `target` is a mail domain or a host; `mx` by default.
    #[serde(default)]
    pub mode: ProbeMode,
}

fn default_port() -> u16 {
    25
}

/// Why a [`ProbeRequest`] was refused before any network activity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The target is empty after trimming.
    #[error("the target is empty")]
    EmptyTarget,
    /// The target is longer than [`MAX_TARGET_LEN`].
    #[error("the target is {0} bytes long; the limit is {MAX_TARGET_LEN}")]
    TargetTooLong(usize),
    /// The target contains whitespace or a control character.
    #[error("the target {0:?} contains whitespace or control characters")]
    BadCharacters(String),
    /// The port is not one of [`ALLOWED_PORTS`].
    #[error("port {0} is not probed; allowed ports are 25, 465, 587 and 2525")]
    PortNotAllowed(u16),
}

impl ProbeRequest {
    /// Encodes the request as JSON, the same text serde writes: the page
    /// sends it without serde's encoders (in the tester's bundle,
    /// `serde_json::to_string` for this one type cost more than the rest of
    /// the request code).
    pub fn to_json(&self) -> String {
        let mut target = String::with_capacity(self.target.len() + 2);
        target.push('"');
        for c in self.target.chars() {
            match c {
                '"' => target.push_str("\\\""),
                '\\' => target.push_str("\\\\"),
                '\n' => target.push_str("\\n"),
                '\r' => target.push_str("\\r"),
                '\t' => target.push_str("\\t"),
                '\u{8}' => target.push_str("\\b"),
                '\u{c}' => target.push_str("\\f"),
                c if u32::from(c) < 0x20 => {
                    target.push_str(&format!("\\u{:04x}", u32::from(c)));
                }
                c => target.push(c),
            }
        }
        target.push('"');
        let mode = match self.mode {
            ProbeMode::Mx => "mx",
            ProbeMode::Host => "host",
        };
        format!(
            r#"{{"target":{target},"port":{},"mode":"{mode}"}}"#,
            self.port
        )
    }

    /// Checks the request's shape: a non-empty target of sane length and
    /// characters, and an allowed port. Host-name syntax, IDNA and address
    /// safety are the probe's SSRF guard's business, not this function's.
    pub fn validate(&self) -> Result<(), RequestError> {
        let target = self.target.trim();
        if target.is_empty() {
            return Err(RequestError::EmptyTarget);
        }
        if target.len() > MAX_TARGET_LEN {
            return Err(RequestError::TargetTooLong(target.len()));
        }
        if target.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(RequestError::BadCharacters(target.to_owned()));
        }
        if !is_allowed_port(self.port) {
            return Err(RequestError::PortNotAllowed(self.port));
        }
        Ok(())
    }
}

/// An address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// IPv4.
    Ipv4,
    /// IPv6.
    Ipv6,
}

impl Family {
    /// Returns the family of `address`.
    pub fn of(address: &IpAddr) -> Self {
        match address {
            IpAddr::V4(_) => Family::Ipv4,
            IpAddr::V6(_) => Family::Ipv6,
        }
    }
}

/// An address that was found but not probed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkippedAddress {
    /// The address as found in DNS or in the request.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub address: IpAddr,
    /// Why it was not probed, e.g. "private address (RFC 1918)".
    pub reason: String,
}

/// One mail exchanger with its addresses, IPv4 and IPv6 listed separately.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MxHost {
    /// The MX preference; lower is tried first (RFC 5321 5.1). 0 for the
    /// implicit MX and for a host probe.
    pub preference: u16,
    /// The exchange's host name, in A-label form without a trailing dot.
    pub exchange: String,
    /// Its IPv4 addresses that pass the SSRF guard.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub ipv4: Vec<Ipv4Addr>,
    /// Its IPv6 addresses that pass the SSRF guard.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub ipv6: Vec<Ipv6Addr>,
    /// Addresses found but refused by the guard (private, reserved, ...).
    #[serde(default)]
    pub skipped: Vec<SkippedAddress>,
    /// A lookup problem for this exchange's A/AAAA records, if any.
    #[serde(default)]
    pub error: Option<String>,
}

/// The answer to an MX lookup (RFC 5321 5.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MxAnswer {
    /// The domain looked up, in A-label form.
    pub domain: String,
    /// The exchanges in the order a sender tries them: by preference, then
    /// by name. At most ten are listed.
    pub mx: Vec<MxHost>,
    /// True when the domain publishes a Null MX (RFC 7505): it accepts no
    /// mail, and nothing is probed.
    pub null_mx: bool,
    /// True when the domain has no MX records and its own A/AAAA records
    /// stand in as an implicit MX of preference 0 (RFC 5321 5.1).
    pub implicit_mx: bool,
    /// Plain-language notes on the lookup: the fallback, truncation, errors.
    pub notes: Vec<String>,
}

/// A step of an SMTP session, in the order they happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum StepName {
    /// The TCP connection.
    Connect,
    /// The TLS handshake, right after connecting on port 465 (RFC 8314).
    ImplicitTls,
    /// Waiting for the 220 greeting (RFC 5321 3.1, 4.3.1).
    Greeting,
    /// `EHLO` and its reply (RFC 5321 4.1.1.1).
    Ehlo,
    /// `STARTTLS` and its reply (RFC 3207 4).
    Starttls,
    /// The TLS handshake after `220` to `STARTTLS`.
    TlsHandshake,
    /// `EHLO` again inside TLS (RFC 3207 4.2).
    EhloAfterTls,
    /// `QUIT` and its reply (RFC 5321 4.1.1.10).
    Quit,
}

/// One completed (or failed) step with its duration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Step {
    /// Which step.
    pub name: StepName,
    /// Whether the step did what it was for.
    pub ok: bool,
    /// How long it took, in milliseconds.
    pub ms: u64,
    /// A short detail: the reply code and text, or the error.
    #[serde(default)]
    pub detail: Option<String>,
}

/// Who said a transcript line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// The probe sent this line.
    Client,
    /// The server sent this line.
    Server,
    /// The probe's own annotation (connected, TLS started, closed).
    Note,
}

/// One line of the session transcript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TranscriptLine {
    /// Who said it.
    pub direction: Direction,
    /// The line without its CRLF; non-printable bytes are escaped.
    pub text: String,
    /// Milliseconds since the connection attempt started.
    pub at_ms: u64,
}

/// What one certificate of the presented chain says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CertificateInfo {
    /// The subject's distinguished name, RFC 4514 style.
    pub subject: String,
    /// The subject alternative names (DNS names and IP addresses).
    pub sans: Vec<String>,
    /// The issuer's distinguished name.
    pub issuer: String,
    /// Start of validity, RFC 3339 in UTC.
    pub not_before: String,
    /// End of validity, RFC 3339 in UTC.
    pub not_after: String,
    /// Whole days from the probe until `not_after`; negative once expired.
    pub days_left: i64,
}

/// What the TLS layer negotiated and what the certificate check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TlsInfo {
    /// How TLS was started.
    pub mode: TlsMode,
    /// The protocol version, e.g. "TLSv1.3".
    pub version: String,
    /// The cipher suite, e.g. "TLS13_AES_256_GCM_SHA384".
    pub cipher: String,
    /// The presented chain, leaf first.
    pub certificates: Vec<CertificateInfo>,
    /// Whether the chain verifies against the public web PKI roots.
    pub chain_verified: bool,
    /// Whether the leaf certificate is valid for the exchange's name.
    pub name_matches: bool,
    /// The verification error, kept even though the handshake went on:
    /// senders do not verify MX certificates without DANE or MTA-STS.
    #[serde(default)]
    pub verification_error: Option<String>,
}

/// How a probe of one address ended.
///
/// Only [`Outcome::Ok`] and [`Outcome::CertificateProblem`] mean the session
/// went through; [`Outcome::CouldNotTest`] means the probe itself could not
/// judge the server, which is not the server's fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// Decoded through a flat struct, not serde's buffering of tagged enums: see
// `decode`. The tag and names here still drive encoding and the schema.
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    try_from = "decode::OutcomeFields"
)]
pub enum Outcome {
    /// Greeting, EHLO, TLS and QUIT all worked, and the certificate verified.
    Ok,
    /// No answer within the deadline at `step`; at connect this usually means
    /// a firewall drops port 25 (the classic outbound block).
    Timeout {
        /// The step that ran out of time.
        step: StepName,
    },
    /// The connection was refused (a TCP reset).
    Refused,
    /// The network or host is unreachable (an ICMP error or no route).
    Unreachable {
        /// The operating system's error text.
        detail: String,
    },
    /// Connected, but no 220 greeting arrived before the greeting timeout:
    /// a tarpit, or a greet delay longer than the probe waits.
    NoGreeting,
    /// The greeting was a 4xx or 5xx reply (RFC 5321 3.1, e.g. 554).
    GreetingRejected {
        /// The reply code.
        code: u16,
    },
    /// `EHLO` got a 4xx or 5xx reply.
    EhloRejected {
        /// The reply code.
        code: u16,
    },
    /// The server did not advertise STARTTLS (RFC 3207 2).
    StarttlsNotOffered,
    /// `STARTTLS` got a reply other than 220 (RFC 3207 4).
    StarttlsRefused {
        /// The reply code.
        code: u16,
    },
    /// The TLS handshake failed.
    TlsHandshakeFailed {
        /// The TLS library's error text.
        detail: String,
    },
    /// The session went through, but the certificate did not verify or does
    /// not match the name: information, not a delivery failure.
    CertificateProblem {
        /// The verification error.
        detail: String,
    },
    /// The server sent something that is not an SMTP reply (RFC 5321 4.2):
    /// often another service, or an interceptor, on the port.
    ProtocolError {
        /// The step during which it happened.
        step: StepName,
        /// What was wrong.
        detail: String,
    },
    /// The server closed the connection during `step`.
    Closed {
        /// The step during which the connection closed.
        step: StepName,
    },
    /// The probe could not judge this server (its own limits or errors).
    CouldNotTest {
        /// Why, in plain words.
        reason: String,
    },
}

impl Outcome {
    /// Tells whether the session went through (certificate problems are
    /// information only).
    pub fn is_success(&self) -> bool {
        matches!(self, Outcome::Ok | Outcome::CertificateProblem { .. })
    }

    /// Tells whether the probe could not judge the server, as opposed to the
    /// server failing.
    pub fn is_could_not_test(&self) -> bool {
        matches!(self, Outcome::CouldNotTest { .. })
    }

    /// Returns the outcome's kebab-case name, as in the JSON `kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Timeout { .. } => "timeout",
            Outcome::Refused => "refused",
            Outcome::Unreachable { .. } => "unreachable",
            Outcome::NoGreeting => "no-greeting",
            Outcome::GreetingRejected { .. } => "greeting-rejected",
            Outcome::EhloRejected { .. } => "ehlo-rejected",
            Outcome::StarttlsNotOffered => "starttls-not-offered",
            Outcome::StarttlsRefused { .. } => "starttls-refused",
            Outcome::TlsHandshakeFailed { .. } => "tls-handshake-failed",
            Outcome::CertificateProblem { .. } => "certificate-problem",
            Outcome::ProtocolError { .. } => "protocol-error",
            Outcome::Closed { .. } => "closed",
            Outcome::CouldNotTest { .. } => "could-not-test",
        }
    }
}

/// Everything learned from probing one address of one exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddressResult {
    /// The exchange (or host) this address belongs to.
    pub exchange: String,
    /// The address probed.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub address: IpAddr,
    /// Its family, so IPv4 and IPv6 can be shown apart.
    pub family: Family,
    /// The port probed.
    pub port: u16,
    /// How it ended.
    pub outcome: Outcome,
    /// The steps taken, with timings.
    pub steps: Vec<Step>,
    /// The greeting's lines (RFC 5321 4.2), code stripped.
    pub greeting: Vec<String>,
    /// The EHLO keywords before TLS (RFC 5321 4.1.1.1), one per line.
    pub capabilities: Vec<String>,
    /// The EHLO keywords after TLS.
    pub capabilities_after_tls: Vec<String>,
    /// Whether STARTTLS was advertised.
    pub starttls_offered: bool,
    /// Whether the session upgraded to TLS (STARTTLS or implicit).
    pub tls_used: bool,
    /// The TLS details, when a handshake happened.
    pub tls: Option<TlsInfo>,
    /// The session, line by line.
    pub transcript: Vec<TranscriptLine>,
    /// Total time for this address, in milliseconds.
    pub ms: u64,
}

/// The full result of a probe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProbeReport {
    /// The target as normalized by the probe (A-labels, no trailing dot).
    pub target: String,
    /// The port probed.
    pub port: u16,
    /// How the target was read.
    pub mode: ProbeMode,
    /// The MX lookup, or for a host probe the host's addresses.
    pub mx: MxAnswer,
    /// One result per probed address, in probing order.
    pub results: Vec<AddressResult>,
    /// The EHLO name the probe used, so operators can allow-list it.
    pub ehlo_name: String,
    /// Total time, in milliseconds.
    pub ms: u64,
    /// DANE, MTA-STS, TLS-RPT and reverse DNS ([`checks`]): MX probes of
    /// port 25 by a probe with the checks on; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checks: Option<checks::MailChecks>,
}

/// A progress event while a probe runs, for streaming to the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// Decoded through a flat struct, as `Outcome` is.
#[serde(
    tag = "event",
    rename_all = "kebab-case",
    try_from = "decode::EventFields"
)]
pub enum Event {
    /// The MX lookup finished.
    MxResolved {
        /// The lookup's answer.
        answer: MxAnswer,
    },
    /// A connection attempt to one address begins.
    Connecting {
        /// The exchange.
        exchange: String,
        /// The address.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        address: IpAddr,
    },
    /// A step finished for one address.
    StepDone {
        /// The address.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        address: IpAddr,
        /// The step.
        step: Step,
    },
    /// One address is done.
    AddressDone {
        /// Its result.
        result: Box<AddressResult>,
    },
    /// The probe is done.
    Done {
        /// The full report.
        report: Box<ProbeReport>,
    },
    /// The probe could not run at all (bad target, lookup failure).
    Failed {
        /// What went wrong, safe to show.
        message: String,
    },
}

/// Why a DNS lookup got no usable answer, as the probe's own resolver saw
/// it: a response code (RFC 1035 4.1.1) or no response at all.
///
/// Only [`DnsFailure::NoSuchDomain`] says something about the name; every
/// other kind says the lookup itself failed, which tells nothing about
/// whether the domain exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum DnsFailure {
    /// NXDOMAIN (RCODE 3): the name does not exist.
    NoSuchDomain,
    /// SERVFAIL (RCODE 2): the resolver could not get an answer (broken or
    /// unreachable name servers of the domain, a DNSSEC failure, or trouble
    /// at the resolver itself).
    ServerFailure,
    /// REFUSED (RCODE 5): the resolver would not answer the probe.
    Refused,
    /// No answer from the resolver in time.
    Timeout,
    /// The resolver could not be reached (no route, connection refused).
    Unreachable,
    /// Another failure: another response code, or an answer that could not
    /// be used.
    Other,
}

impl DnsFailure {
    /// Tells whether the lookup failed, as opposed to answering that the
    /// name does not exist.
    pub fn is_lookup_failure(self) -> bool {
        !matches!(self, DnsFailure::NoSuchDomain)
    }
}

/// The JSON body of an API error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    /// A stable machine-readable code, e.g. "bad-target" or "busy".
    pub error: String,
    /// A human-readable message.
    pub message: String,
    /// For `no-such-domain` and `dns-failed`: what the probe's resolver
    /// answered, so a page can tell a missing domain from a failed lookup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns: Option<DnsFailure>,
}

/// Where a probe job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum JobState {
    /// The probe is still running; poll again.
    Running,
    /// The probe finished; `report` holds the result.
    Done,
    /// The probe could not run (bad target, DNS failure); `error` says why.
    Failed,
}

impl JobState {
    /// Tells whether the job will change no more.
    pub fn is_finished(self) -> bool {
        !matches!(self, JobState::Running)
    }
}

/// The answer to starting a probe job (`202 Accepted`): where to poll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobCreated {
    /// The job's id: 32 lowercase hex digits, random and unguessable.
    pub id: String,
    /// The path to poll, relative to the service's origin, e.g.
    /// `/api/v1/probes/0123...`.
    pub poll_url: String,
    /// True when the job was answered from the short per-target cache and
    /// is already done.
    pub cached: bool,
}

/// One progress event of a job, numbered and timed.
///
/// The `event` field of the flattened [`Event`] names the kind. A job's
/// progress never holds [`Event::Done`]: the finished report is the
/// [`JobStatus::report`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// `flatten` encodes; decoding reads one flat struct (see `decode`).
#[serde(try_from = "decode::EventFields")]
pub struct ProgressEvent {
    /// The event's position in the job's progress, from 0, without gaps.
    pub seq: u32,
    /// Milliseconds since the job started.
    pub at_ms: u64,
    /// What happened.
    #[serde(flatten)]
    pub event: Event,
}

/// The state of a probe job, as `GET /api/v1/probes/{id}` answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobStatus {
    /// The job's id.
    pub id: String,
    /// Running, done or failed.
    pub state: JobState,
    /// The request the job runs.
    pub request: ProbeRequest,
    /// True when the report came from the per-target cache.
    pub cached: bool,
    /// Milliseconds since the job started (until it finished, once it has).
    pub elapsed_ms: u64,
    /// The progress events numbered `since` (a query parameter, 0 by
    /// default) and later, in order.
    pub progress: Vec<ProgressEvent>,
    /// The `since` to ask for next to get only new events.
    pub next_since: u32,
    /// The report, once the state is `done`.
    #[serde(default)]
    pub report: Option<ProbeReport>,
    /// Why the probe could not run, once the state is `failed`.
    #[serde(default)]
    pub error: Option<ApiError>,
    /// Seconds until the service forgets the job.
    pub expires_in_s: u64,
}

/// What a probe service tells about itself (`GET /api/v1/info`), for the
/// site's about page and for operators who allow-list the probe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProbeInfo {
    /// The service's version.
    pub version: String,
    /// The name the probe sends in EHLO.
    pub ehlo_name: String,
    /// The ports it probes ([`ALLOWED_PORTS`]).
    pub ports: Vec<u16>,
    /// Seconds it waits for a 220 greeting.
    pub greeting_timeout_s: u64,
    /// Seconds one address may take in total.
    pub deadline_s: u64,
    /// The most addresses one probe connects to.
    pub max_addresses: u32,
    /// The most probes and lookups it runs at once (more get `503`).
    pub max_concurrent: u32,
    /// Probes and lookups one client may start per minute (more get `429`).
    pub rate_limit_per_minute: u32,
    /// How many of those a client may start at once before the rate applies.
    pub rate_limit_burst: u32,
    /// Seconds a target's report is reused for repeated probes.
    pub cache_ttl_s: u64,
    /// Seconds a probe job can be polled after it starts.
    pub job_ttl_s: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_defaults_to_port_25_and_mx_mode() {
        let req: ProbeRequest = serde_json::from_str(r#"{"target":"example.com"}"#).unwrap();
        assert_eq!(req.port, 25);
        assert_eq!(req.mode, ProbeMode::Mx);
        assert_eq!(req.validate(), Ok(()));
    }

    #[test]
    fn request_validation_table() {
        let cases: &[(&str, u16, Result<(), RequestError>)] = &[
            ("example.com", 25, Ok(())),
            ("example.com", 465, Ok(())),
            ("example.com", 587, Ok(())),
            ("example.com", 2525, Ok(())),
            ("example.com", 80, Err(RequestError::PortNotAllowed(80))),
            ("example.com", 0, Err(RequestError::PortNotAllowed(0))),
            ("   ", 25, Err(RequestError::EmptyTarget)),
            (
                "exa mple.com",
                25,
                Err(RequestError::BadCharacters("exa mple.com".into())),
            ),
            (
                "a\u{0}b",
                25,
                Err(RequestError::BadCharacters("a\u{0}b".into())),
            ),
        ];
        for (target, port, want) in cases {
            let req = ProbeRequest {
                target: (*target).into(),
                port: *port,
                mode: ProbeMode::Mx,
            };
            assert_eq!(&req.validate(), want, "{target:?}:{port}");
        }
        let long = ProbeRequest {
            target: "a".repeat(254),
            port: 25,
            mode: ProbeMode::Host,
        };
        assert_eq!(long.validate(), Err(RequestError::TargetTooLong(254)));
    }

    #[test]
    fn requests_encode_as_serde_does() {
        for target in [
            "example.com",
            "2001:db8::1",
            "quote\"back\\slash",
            "tab\tnew\nline\r\u{1}\u{8}\u{c}\u{1f}\u{7f}",
            "bücher.example",
            "",
        ] {
            for (port, mode) in [(25, ProbeMode::Mx), (587, ProbeMode::Host)] {
                let request = ProbeRequest {
                    target: target.into(),
                    port,
                    mode,
                };
                assert_eq!(request.to_json(), serde_json::to_string(&request).unwrap());
            }
        }
    }

    #[test]
    fn unknown_request_fields_are_refused() {
        let err = serde_json::from_str::<ProbeRequest>(r#"{"target":"a","mail_from":"x"}"#);
        assert!(err.is_err());
    }

    #[test]
    fn tls_mode_follows_the_port() {
        assert_eq!(TlsMode::for_port(465), TlsMode::Implicit);
        for port in [25, 587, 2525] {
            assert_eq!(TlsMode::for_port(port), TlsMode::Starttls);
        }
    }

    #[test]
    fn outcomes_serialize_with_a_kebab_case_kind() {
        let cases = [
            (Outcome::Ok, r#"{"kind":"ok"}"#),
            (
                Outcome::GreetingRejected { code: 554 },
                r#"{"kind":"greeting-rejected","code":554}"#,
            ),
            (
                Outcome::Timeout {
                    step: StepName::Connect,
                },
                r#"{"kind":"timeout","step":"connect"}"#,
            ),
            (
                Outcome::CouldNotTest {
                    reason: "busy".into(),
                },
                r#"{"kind":"could-not-test","reason":"busy"}"#,
            ),
        ];
        for (outcome, json) in cases {
            assert_eq!(serde_json::to_string(&outcome).unwrap(), json);
            assert_eq!(
                serde_json::from_str::<Outcome>(json).unwrap(),
                outcome.clone()
            );
            assert!(json.contains(&format!("\"{}\"", outcome.kind())), "{json}");
        }
        assert!(Outcome::CertificateProblem { detail: "x".into() }.is_success());
        assert!(!Outcome::Refused.is_success());
        assert!(Outcome::CouldNotTest { reason: "x".into() }.is_could_not_test());
    }

    #[test]
    fn events_round_trip() {
        let event = Event::Connecting {
            exchange: "mx.example.com".into(),
            address: "192.0.2.1".parse().unwrap(),
        };
        let json = serde_json::to_string(&event).unwrap();
        assert_eq!(
            json,
            r#"{"event":"connecting","exchange":"mx.example.com","address":"192.0.2.1"}"#
        );
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), event);
    }

    fn sample_result() -> AddressResult {
        AddressResult {
            exchange: "mx.example.com".into(),
            address: "2001:db8::25".parse().unwrap(),
            family: Family::Ipv6,
            port: 25,
            outcome: Outcome::CertificateProblem {
                detail: "unknown issuer".into(),
            },
            steps: vec![Step {
                name: StepName::Connect,
                ok: true,
                ms: 3,
                detail: None,
            }],
            greeting: vec!["mx.example.com ESMTP".into()],
            capabilities: vec!["PIPELINING".into(), "STARTTLS".into()],
            capabilities_after_tls: vec!["PIPELINING".into()],
            starttls_offered: true,
            tls_used: true,
            tls: Some(TlsInfo {
                mode: TlsMode::Starttls,
                version: "TLS 1.3".into(),
                cipher: "TLS13_AES_256_GCM_SHA384".into(),
                certificates: vec![CertificateInfo {
                    subject: "CN=mx.example.com".into(),
                    sans: vec!["mx.example.com".into()],
                    issuer: "CN=Test CA".into(),
                    not_before: "2026-01-01T00:00:00Z".into(),
                    not_after: "2027-01-01T00:00:00Z".into(),
                    days_left: 39,
                }],
                chain_verified: false,
                name_matches: true,
                verification_error: Some("unknown issuer".into()),
            }),
            transcript: vec![TranscriptLine {
                direction: Direction::Server,
                text: "220 mx.example.com ESMTP".into(),
                at_ms: 4,
            }],
            ms: 120,
        }
    }

    fn sample_report() -> ProbeReport {
        ProbeReport {
            target: "example.com".into(),
            port: 25,
            mode: ProbeMode::Mx,
            mx: MxAnswer {
                domain: "example.com".into(),
                mx: vec![MxHost {
                    preference: 10,
                    exchange: "mx.example.com".into(),
                    ipv4: vec!["192.0.2.25".parse().unwrap()],
                    ipv6: vec!["2001:db8::25".parse().unwrap()],
                    skipped: vec![SkippedAddress {
                        address: "10.0.0.1".parse().unwrap(),
                        reason: "private".into(),
                    }],
                    error: None,
                }],
                null_mx: false,
                implicit_mx: false,
                notes: vec![],
            },
            results: vec![sample_result()],
            ehlo_name: "probe.example.net".into(),
            ms: 130,
            checks: None,
        }
    }

    #[test]
    fn job_status_round_trips_with_every_event_kind() {
        let report = sample_report();
        let events = vec![
            Event::MxResolved {
                answer: report.mx.clone(),
            },
            Event::Connecting {
                exchange: "mx.example.com".into(),
                address: "192.0.2.25".parse().unwrap(),
            },
            Event::StepDone {
                address: "192.0.2.25".parse().unwrap(),
                step: Step {
                    name: StepName::Greeting,
                    ok: true,
                    ms: 15,
                    detail: Some("220 hi".into()),
                },
            },
            Event::AddressDone {
                result: Box::new(sample_result()),
            },
            Event::Failed {
                message: "lookup failed".into(),
            },
        ];
        let status = JobStatus {
            id: "0123456789abcdef0123456789abcdef".into(),
            state: JobState::Done,
            request: ProbeRequest {
                target: "example.com".into(),
                port: 25,
                mode: ProbeMode::Mx,
            },
            cached: false,
            elapsed_ms: 130,
            progress: events
                .into_iter()
                .enumerate()
                .map(|(i, event)| ProgressEvent {
                    seq: i as u32,
                    at_ms: 10 * i as u64,
                    event,
                })
                .collect(),
            next_since: 5,
            report: Some(report),
            error: None,
            expires_in_s: 290,
        };
        let json = serde_json::to_string(&status).unwrap();
        assert_eq!(serde_json::from_str::<JobStatus>(&json).unwrap(), status);
        // The event is flattened: its kind sits beside seq and at_ms.
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["state"], "done");
        assert_eq!(value["progress"][1]["seq"], 1);
        assert_eq!(value["progress"][1]["event"], "connecting");
        assert_eq!(value["progress"][2]["step"]["name"], "greeting");
        assert_eq!(value["progress"][3]["result"]["family"], "ipv6");
    }

    #[test]
    fn a_running_job_without_report_reads_back() {
        let json = r#"{"id":"ab","state":"running","request":{"target":"example.com"},
            "cached":false,"elapsed_ms":5,"progress":[],"next_since":0,"expires_in_s":300}"#;
        let status: JobStatus = serde_json::from_str(json).unwrap();
        assert_eq!(status.state, JobState::Running);
        assert!(!status.state.is_finished());
        assert!(JobState::Failed.is_finished());
        assert_eq!(status.request.port, 25);
        assert_eq!(status.report, None);
        assert_eq!(status.error, None);
    }

    #[test]
    fn job_created_and_info_round_trip() {
        let created = JobCreated {
            id: "ab".into(),
            poll_url: "/api/v1/probes/ab".into(),
            cached: true,
        };
        let json = serde_json::to_string(&created).unwrap();
        assert_eq!(
            json,
            r#"{"id":"ab","poll_url":"/api/v1/probes/ab","cached":true}"#
        );
        assert_eq!(serde_json::from_str::<JobCreated>(&json).unwrap(), created);
        let info = ProbeInfo {
            version: "0.1.0".into(),
            ehlo_name: "probe.example.net".into(),
            ports: ALLOWED_PORTS.to_vec(),
            greeting_timeout_s: 20,
            deadline_s: 45,
            max_addresses: 8,
            max_concurrent: 4,
            rate_limit_per_minute: 10,
            rate_limit_burst: 5,
            cache_ttl_s: 60,
            job_ttl_s: 300,
        };
        let json = serde_json::to_string(&info).unwrap();
        assert_eq!(serde_json::from_str::<ProbeInfo>(&json).unwrap(), info);
        let error = ApiError {
            error: "rate-limited".into(),
            message: "slow down".into(),
            dns: None,
        };
        let json = serde_json::to_string(&error).unwrap();
        assert!(
            !json.contains("dns"),
            "absent unless a lookup failed: {json}"
        );
        assert_eq!(serde_json::from_str::<ApiError>(&json).unwrap(), error);
        let error = ApiError {
            error: "dns-failed".into(),
            message: "no".into(),
            dns: Some(DnsFailure::ServerFailure),
        };
        let json = serde_json::to_string(&error).unwrap();
        assert!(json.ends_with(r#""dns":"server-failure"}"#), "{json}");
        assert_eq!(serde_json::from_str::<ApiError>(&json).unwrap(), error);
        assert!(DnsFailure::Timeout.is_lookup_failure());
        assert!(!DnsFailure::NoSuchDomain.is_lookup_failure());
    }
}
