//! Port25's probe service: the live SMTP checks a browser cannot make.
//!
//! Browsers cannot open connections to ports 25, 465 or 587, so the site calls
//! this small HTTP service for MX lookups and SMTP probes. The pieces are
//! modules: [`reply`] parses SMTP replies (RFC 5321 4.2), [`guard`] decides
//! which targets and addresses may be contacted (the SSRF guard), [`dns`]
//! looks up MX hosts (RFC 5321 5.1, RFC 7505) behind a trait, [`tls`] records
//! certificate checks as data, and [`session`] drives one SMTP session
//! (RFC 3207 STARTTLS, RFC 8314 implicit TLS). [`Prober`] ties them into one
//! probe of a domain or host. What it is not: a mail sender. It never issues
//! MAIL, RCPT or DATA.

use std::sync::Arc;

use axum::{routing::get, Json, Router};
use port25_core::probe_types::{
    Event, MxAnswer, MxHost, ProbeMode, ProbeReport, ProbeRequest, RequestError,
};
use serde::Serialize;
use tokio::sync::mpsc;
use tokio::time::Instant;

pub mod api;
pub mod checks;
pub mod dns;
pub mod dnssec;
pub mod egress;
pub mod guard;
pub mod jobs;
pub mod limits;
pub mod mail;
pub mod policy_fetch;
pub mod reply;
pub mod sender;
pub mod session;
pub mod store;
pub mod text;
pub mod tls;

use dns::{lookup_mx, resolve_exchange, LookupError, Resolve};
use guard::{parse_target, Guard, Rejection, Target, TargetError};
use session::{probe_address_with_chain, SessionConfig};

/// The longest the mail-security checks may add to a probe; each DNS
/// question has its own shorter timeout, and the policy fetch its deadline.
pub const CHECKS_DEADLINE: std::time::Duration = std::time::Duration::from_secs(30);

/// The most addresses one probe connects to, across all exchanges.
pub const DEFAULT_MAX_ADDRESSES: usize = 8;

/// Why a probe could not start: the request or the DNS, never the server.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeError {
    /// The request's shape is wrong (port, length, characters).
    #[error(transparent)]
    Request(#[from] RequestError),
    /// The target is not a usable host name or IP literal.
    #[error(transparent)]
    Target(#[from] TargetError),
    /// The target is an IP literal the guard refuses.
    #[error("{address} is not probed: {reason}")]
    Refused {
        /// The address as parsed.
        address: std::net::IpAddr,
        /// Why.
        reason: Rejection,
    },
    /// The MX or address lookup failed.
    #[error(transparent)]
    Lookup(#[from] LookupError),
}

/// Runs probes: resolver, guard and session settings together.
#[derive(Clone)]
pub struct Prober {
    /// Where MX and address records come from.
    pub resolver: Arc<dyn Resolve>,
    /// Which addresses may be contacted.
    pub guard: Guard,
    /// Timeouts, EHLO name and trust roots for each session.
    pub session: SessionConfig,
    /// The most addresses probed per request; [`DEFAULT_MAX_ADDRESSES`].
    pub max_addresses: usize,
    /// DANE, MTA-STS, TLS-RPT and reverse DNS after MX probes of port 25
    /// ([`checks`]); `None` leaves them out of the report.
    pub checks: Option<checks::ChecksConfig>,
}

impl std::fmt::Debug for Prober {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prober")
            .field("guard", &self.guard)
            .field("session", &self.session)
            .field("max_addresses", &self.max_addresses)
            .field("checks", &self.checks.is_some())
            .finish_non_exhaustive()
    }
}

impl Prober {
    /// Returns a prober with default settings over `resolver`.
    pub fn new(resolver: Arc<dyn Resolve>) -> Self {
        Prober {
            resolver,
            guard: Guard::default(),
            session: SessionConfig::default(),
            max_addresses: DEFAULT_MAX_ADDRESSES,
            checks: None,
        }
    }

    /// Looks up a domain's MX hosts (RFC 5321 5.1) without probing them.
    pub async fn mx(&self, domain: &str) -> Result<MxAnswer, ProbeError> {
        match parse_target(domain)? {
            Target::Name(name) => Ok(lookup_mx(self.resolver.as_ref(), &self.guard, &name).await?),
            Target::Ip(address) => Err(ProbeError::Target(TargetError {
                input: address.to_string(),
                kind: guard::TargetErrorKind::IpLiteral,
            })),
        }
    }

    /// Checks a request without touching the network (shape, name syntax,
    /// and the guard for IP literals) and returns the key its report is
    /// cached under: the normalized target, the mode and the port.
    pub fn precheck(&self, request: &ProbeRequest) -> Result<String, ProbeError> {
        request.validate()?;
        let (target, mode) = match parse_target(&request.target)? {
            Target::Ip(address) => {
                self.guard
                    .check(address)
                    .map_err(|reason| ProbeError::Refused { address, reason })?;
                // An IP literal is probed the same way in either mode.
                (address.to_string(), "host")
            }
            Target::Name(name) => (
                name,
                match request.mode {
                    ProbeMode::Mx => "mx",
                    ProbeMode::Host => "host",
                },
            ),
        };
        Ok(format!("{mode} {target} {}", request.port))
    }

    /// Resolves what a request points at: the MX answer, or for a host
    /// probe (or an IP literal) a single pseudo-exchange.
    pub async fn resolve(&self, request: &ProbeRequest) -> Result<MxAnswer, ProbeError> {
        request.validate()?;
        match parse_target(&request.target)? {
            Target::Ip(address) => {
                self.guard
                    .check(address)
                    .map_err(|reason| ProbeError::Refused { address, reason })?;
                let mut host = empty_host(&address.to_string());
                dns::admit(&self.guard, vec![address], &mut host);
                Ok(MxAnswer {
                    domain: address.to_string(),
                    mx: vec![host],
                    null_mx: false,
                    implicit_mx: false,
                    notes: Vec::new(),
                })
            }
            Target::Name(name) if request.mode == ProbeMode::Host => {
                let host = resolve_exchange(self.resolver.as_ref(), &self.guard, 0, &name).await;
                Ok(MxAnswer {
                    domain: name,
                    mx: vec![host],
                    null_mx: false,
                    implicit_mx: false,
                    notes: Vec::new(),
                })
            }
            Target::Name(name) => Ok(lookup_mx(self.resolver.as_ref(), &self.guard, &name).await?),
        }
    }

    /// Runs a whole probe: resolve, then probe up to `max_addresses`
    /// addresses concurrently, in MX preference order, IPv4 and IPv6 both.
    /// Progress goes to `events` when given.
    pub async fn probe(
        &self,
        request: &ProbeRequest,
        events: Option<mpsc::Sender<Event>>,
    ) -> Result<ProbeReport, ProbeError> {
        let started = Instant::now();
        let answer = self.resolve(request).await?;
        if let Some(events) = &events {
            let _ = events.try_send(Event::MxResolved {
                answer: answer.clone(),
            });
        }
        let mut targets = Vec::new();
        for host in &answer.mx {
            let addresses = host
                .ipv4
                .iter()
                .map(|v4| std::net::IpAddr::V4(*v4))
                .chain(host.ipv6.iter().map(|v6| std::net::IpAddr::V6(*v6)));
            for address in addresses {
                // Every address was admitted by the guard already; vetting
                // again is what makes a connectable address, and is cheap.
                if let Ok(vetted) = self.guard.vet(address, request.port) {
                    targets.push((host.exchange.clone(), vetted));
                }
            }
        }
        let mut notes = answer.notes.clone();
        if targets.len() > self.max_addresses {
            notes.push(format!(
                "{} addresses found; only the first {} are probed.",
                targets.len(),
                self.max_addresses
            ));
            targets.truncate(self.max_addresses);
        }
        let runs = targets.iter().map(|(exchange, vetted)| {
            probe_address_with_chain(&self.session, exchange, *vetted, events.clone())
        });
        let probed: Vec<checks::Probed> = futures::future::join_all(runs)
            .await
            .into_iter()
            .map(|(result, chain)| checks::Probed { result, chain })
            .collect();
        // The mail-security checks concern mail to a domain: MX mode on
        // port 25, a name (not an IP literal), and not a Null MX.
        let mail_checks = match &self.checks {
            Some(config)
                if request.mode == ProbeMode::Mx
                    && request.port == 25
                    && !answer.null_mx
                    && answer.domain.parse::<std::net::IpAddr>().is_err() =>
            {
                match tokio::time::timeout(CHECKS_DEADLINE, checks::run(config, &answer, &probed))
                    .await
                {
                    Ok(checks) => Some(checks),
                    Err(_) => {
                        notes.push(format!(
                            "The mail-security checks took longer than {} s and are left out.",
                            CHECKS_DEADLINE.as_secs()
                        ));
                        None
                    }
                }
            }
            _ => None,
        };
        let results = probed.into_iter().map(|p| p.result).collect();
        let report = ProbeReport {
            target: answer.domain.clone(),
            port: request.port,
            mode: request.mode,
            mx: MxAnswer { notes, ..answer },
            results,
            ehlo_name: self.session.ehlo_name.clone(),
            ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            checks: mail_checks,
        };
        if let Some(events) = &events {
            let _ = events.try_send(Event::Done {
                report: Box::new(report.clone()),
            });
        }
        Ok(report)
    }
}

/// What `port25-probe check` tells the shell, as its exit status.
///
/// `2` is left to usage errors (clap's convention for bad arguments).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckStatus {
    /// `0`: every probed address went through (certificate problems are
    /// information only).
    Ok = 0,
    /// `1`: at least one address failed after connecting (rejected
    /// greeting, no STARTTLS, TLS failure, ...), or could not be judged.
    Failed = 1,
    /// `3`: no probed address accepted a connection: every one timed out at
    /// connect, was refused or unreachable. This is what an outbound port
    /// block looks like from inside it.
    Blocked = 3,
    /// `4`: nothing was probed: the target was refused or did not resolve,
    /// publishes a Null MX, or has no address the guard admits.
    NotTested = 4,
}

impl CheckStatus {
    /// Judges a finished report.
    pub fn of(report: &ProbeReport) -> Self {
        use port25_core::probe_types::{Outcome, StepName};
        if report.results.is_empty() {
            return CheckStatus::NotTested;
        }
        let connect_failed = |outcome: &Outcome| {
            matches!(
                outcome,
                Outcome::Refused
                    | Outcome::Unreachable { .. }
                    | Outcome::Timeout {
                        step: StepName::Connect
                    }
            )
        };
        if report.results.iter().all(|r| r.outcome.is_success()) {
            CheckStatus::Ok
        } else if report.results.iter().all(|r| connect_failed(&r.outcome)) {
            CheckStatus::Blocked
        } else {
            CheckStatus::Failed
        }
    }

    /// The process exit code.
    pub fn code(self) -> u8 {
        self as u8
    }
}

fn empty_host(exchange: &str) -> MxHost {
    MxHost {
        preference: 0,
        exchange: exchange.to_owned(),
        ipv4: Vec::new(),
        ipv6: Vec::new(),
        skipped: Vec::new(),
        error: None,
    }
}

/// The body of `GET /healthz`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Health {
    /// Always `"ok"` when the service answers.
    pub status: &'static str,
    /// The probe's version, from its Cargo manifest.
    pub version: &'static str,
}

/// Builds the health-check application (`GET /healthz` only); the full
/// service is [`api::router`], which includes it.
pub fn app() -> Router {
    Router::new().route("/healthz", get(healthz))
}

/// Answers liveness checks: the service is up and its event loop is serving.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "service",
    responses((status = 200, description = "The service is up", body = Health))
)]
pub(crate) async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::{body::Body, http::Request};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    #[tokio::test]
    async fn healthz_answers_ok_as_json() {
        let response = app()
            .oneshot(Request::get("/healthz").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "healthz must be JSON"
        );
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["status"], "ok");
        assert_eq!(json["version"], env!("CARGO_PKG_VERSION"));
    }

    fn prober() -> Prober {
        let resolver = dns::StaticResolver::default()
            .with_address("mx.example.com", "8.8.8.8".parse().unwrap())
            .with_address("mx.example.com", "10.0.0.1".parse().unwrap());
        Prober::new(std::sync::Arc::new(resolver))
    }

    fn request(target: &str, mode: ProbeMode) -> ProbeRequest {
        ProbeRequest {
            target: target.into(),
            port: 25,
            mode,
        }
    }

    #[tokio::test]
    async fn host_mode_resolves_one_host_through_the_guard() {
        let answer = prober()
            .resolve(&request("MX.example.com", ProbeMode::Host))
            .await
            .unwrap();
        assert_eq!(answer.domain, "mx.example.com");
        assert_eq!(answer.mx.len(), 1);
        assert_eq!(answer.mx[0].ipv4.len(), 1);
        assert_eq!(answer.mx[0].skipped.len(), 1);
    }

    #[tokio::test]
    async fn ip_literals_are_guarded_in_every_spelling() {
        for target in [
            "127.0.0.1",
            "2130706433",
            "0x7f000001",
            "[::ffff:127.0.0.1]",
        ] {
            let err = prober()
                .resolve(&request(target, ProbeMode::Host))
                .await
                .unwrap_err();
            assert!(matches!(err, ProbeError::Refused { .. }), "{target}: {err}");
        }
        let mut loopback_ok = prober();
        loopback_ok.guard = Guard::allowing_loopback();
        let answer = loopback_ok
            .resolve(&request("0177.0.0.1", ProbeMode::Mx))
            .await
            .unwrap();
        assert_eq!(
            answer.mx[0].ipv4,
            ["127.0.0.1".parse::<std::net::Ipv4Addr>().unwrap()]
        );
        let answer = prober()
            .resolve(&request("[8.8.8.8]", ProbeMode::Host))
            .await
            .unwrap();
        assert_eq!(answer.domain, "8.8.8.8");
    }

    #[tokio::test]
    async fn mx_lookup_of_an_ip_literal_is_refused() {
        let err = prober().mx("8.8.8.8").await.unwrap_err();
        assert!(err.to_string().contains("needs a domain"), "{err}");
    }

    #[tokio::test]
    async fn bad_requests_never_reach_dns() {
        let mut bad_port = request("example.com", ProbeMode::Mx);
        bad_port.port = 22;
        assert!(matches!(
            prober().probe(&bad_port, None).await,
            Err(ProbeError::Request(RequestError::PortNotAllowed(22)))
        ));
    }

    #[tokio::test]
    async fn unknown_paths_are_404() {
        let response = app()
            .oneshot(Request::get("/nope").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), 404);
    }
}
