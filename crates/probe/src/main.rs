//! `port25-probe`: the probe service's command line.
//!
//! `serve` runs the HTTP API; `check` probes from this machine and prints
//! the report. Exit status of `check`: 0 every address went through,
//! 1 a server failed (or could not be judged), 2 usage or configuration
//! error (bad flag, port or target syntax), 3 every address blocked at
//! connect (timeout, refused, unreachable), 4 nothing probed (a target the
//! SSRF guard refuses, a failed lookup, Null MX, no admitted address). `serve` exits 0 after a clean shutdown, 1 on error.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use ipnet::IpNet;
use port25_core::probe_types::egress::EgressPort;
use port25_core::probe_types::{ProbeMode, ProbeRequest, TlsMode};
use port25_probe::api::{
    parse_origin, router, ApiConfig, ApiState, DEFAULT_CACHE_CAPACITY, DEFAULT_MAX_CONCURRENT,
    DEFAULT_RATE_BURST, DEFAULT_RATE_PER_MINUTE,
};
use port25_probe::checks::ChecksConfig;
use port25_probe::dns::HickoryResolver;
use port25_probe::dnssec::DnsClient;
use port25_probe::egress::{tls_config, Egress, EgressConfig};
use port25_probe::guard::Guard;
use port25_probe::jobs::DEFAULT_MAX_JOBS;
use port25_probe::limits::parse_proxy;
use port25_probe::policy_fetch::FetchConfig;
use port25_probe::sender::SenderChecks;
use port25_probe::store::Store;
use port25_probe::{CheckStatus, ProbeError, Prober};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use tracing_subscriber::EnvFilter;

/// Port25's probe: live SMTP checks for the Port25 site.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serves the HTTP API.
    Serve {
        /// Address to listen on. Loopback by default: exposing the probe is a
        /// deliberate choice.
        #[arg(long, env = "PORT25_PROBE_LISTEN", default_value = "127.0.0.1:8025")]
        listen: SocketAddr,
        /// How many probes and lookups run at once; more get 503.
        #[arg(long, env = "PORT25_PROBE_MAX_CONCURRENT", default_value_t = DEFAULT_MAX_CONCURRENT)]
        max_concurrent: usize,
        /// Probes and lookups one client may start per minute; more get 429.
        #[arg(long, env = "PORT25_PROBE_RATE_PER_MINUTE", default_value_t = DEFAULT_RATE_PER_MINUTE)]
        rate_per_minute: u32,
        /// How many of those one client may start back to back.
        #[arg(long, env = "PORT25_PROBE_RATE_BURST", default_value_t = DEFAULT_RATE_BURST)]
        rate_burst: u32,
        /// Seconds a report is reused for the same target, port and mode
        /// (0 turns the cache off).
        #[arg(long, env = "PORT25_PROBE_CACHE_TTL", default_value_t = 60)]
        cache_ttl: u64,
        /// How many probe jobs are kept at once; more get 503.
        #[arg(long, env = "PORT25_PROBE_MAX_JOBS", default_value_t = DEFAULT_MAX_JOBS)]
        max_jobs: usize,
        /// Seconds a probe job can be polled after it starts.
        #[arg(long, env = "PORT25_PROBE_JOB_TTL", default_value_t = 300)]
        job_ttl: u64,
        /// An origin allowed to call the API from a browser (CORS); repeat
        /// the flag, or separate with commas in the environment variable.
        #[arg(
            long = "cors-origin",
            env = "PORT25_PROBE_CORS_ORIGINS",
            value_delimiter = ',',
            value_parser = parse_origin,
            default_values = DEFAULT_ORIGINS,
        )]
        cors_origins: Vec<axum::http::HeaderValue>,
        /// A reverse proxy (address or CIDR network) whose X-Forwarded-For
        /// header names the client. Off by default: without it the TCP peer
        /// is the client. Repeat, or separate with commas.
        #[arg(
            long = "trusted-proxy",
            env = "PORT25_PROBE_TRUSTED_PROXIES",
            value_delimiter = ',',
            value_parser = parse_proxy,
        )]
        trusted_proxies: Vec<IpNet>,
        /// Where egress tests, jobs' cache and rate limits live: `memory`
        /// (this process) or `redis://host:port/db`, shared by every
        /// instance that names the same Redis.
        #[arg(long, env = "PORT25_PROBE_STORE", default_value = "memory")]
        store: String,
        #[command(flatten)]
        egress: Box<EgressOptions>,
        #[command(flatten)]
        probe: ProbeOptions,
    },
    /// Probes a mail domain's MX hosts, or one host, from this machine.
    Check {
        /// The mail domain whose MX hosts are probed.
        #[arg(required_unless_present = "host", conflicts_with = "host")]
        domain: Option<String>,
        /// Probes this host name or IP address directly instead of MX hosts.
        #[arg(long)]
        host: Option<String>,
        /// The port: 25, 465 (implicit TLS), 587 or 2525.
        #[arg(long, default_value_t = 25)]
        port: u16,
        /// Prints the report as JSON.
        #[arg(long)]
        json: bool,
        /// Adds steps, capabilities, certificates and the transcript.
        #[arg(long, short)]
        verbose: bool,
        #[command(flatten)]
        probe: ProbeOptions,
    },
}

/// Settings shared by `serve` and `check`.
#[derive(Debug, clap::Args)]
struct ProbeOptions {
    /// The name the probe gives in EHLO; make it resolve to this machine.
    #[arg(
        long,
        env = "PORT25_PROBE_EHLO_NAME",
        default_value = "probe.port25.invalid"
    )]
    ehlo_name: String,
    /// Seconds to wait for the 220 greeting (greet-delay setups wait 5-15 s).
    #[arg(long, default_value_t = 20)]
    greeting_timeout: u64,
    /// Seconds one address may take in total.
    #[arg(long, default_value_t = 45)]
    deadline: u64,
    /// Allows loopback targets: for testing and self-hosting only.
    #[arg(long, env = "PORT25_PROBE_ALLOW_LOOPBACK")]
    allow_loopback: bool,
    /// Also trusts the CA certificates in this PEM file when verifying
    /// server certificates: for tests and private deployments only.
    #[arg(long, env = "PORT25_PROBE_EXTRA_ROOTS")]
    extra_roots: Option<PathBuf>,
    /// The recursive resolver (IP:PORT) for every lookup, MX included, and
    /// the DNSSEC-aware checks; default: the system's resolver for MX
    /// lookups and the first nameserver of /etc/resolv.conf for the checks.
    #[arg(long, env = "PORT25_PROBE_DNS_RESOLVER")]
    dns_resolver: Option<SocketAddr>,
    /// Trusts the resolver's AD bit as "DNSSEC-authenticated": only for a
    /// validating resolver on this host or a trusted path. Without it,
    /// DANE and every DNSSEC finding are "could not test".
    #[arg(long, env = "PORT25_PROBE_DNSSEC_TRUST_AD")]
    dnssec_trust_ad: bool,
    /// Leaves out DANE, MTA-STS, TLS-RPT and reverse DNS.
    #[arg(long, env = "PORT25_PROBE_NO_MAIL_CHECKS")]
    no_mail_checks: bool,
    /// The port MTA-STS policies are fetched from (443): for tests only.
    #[arg(
        long,
        env = "PORT25_PROBE_MTA_STS_PORT",
        default_value_t = 443,
        hide = true
    )]
    mta_sts_port: u16,
}

impl ProbeOptions {
    fn prober(&self) -> anyhow::Result<Prober> {
        let client = match self.dns_resolver {
            Some(server) => Some(DnsClient::new(server, self.dnssec_trust_ad)),
            None if self.no_mail_checks => None,
            // Without a resolver to ask, the probe still runs, without
            // the mail-security checks.
            None => match DnsClient::from_resolv_conf(self.dnssec_trust_ad) {
                Ok(client) => Some(client),
                Err(error) => {
                    tracing::warn!(
                        "no resolver for the mail-security checks ({error}); \
                         they are left out (set --dns-resolver)"
                    );
                    None
                }
            },
        };
        // MX, A and AAAA lookups go through hickory, whose errors say what
        // kind of answer the lookup got (no such domain, server failure,
        // refused, timeout); the DNSSEC-aware client serves the checks.
        let resolver = match self.dns_resolver {
            None => HickoryResolver::from_system(),
            Some(server) => HickoryResolver::with_servers(&[server]),
        }
        .context("setting up the DNS resolver")?;
        let mut prober = Prober::new(Arc::new(resolver));
        prober.guard = Guard {
            allow_loopback: self.allow_loopback,
        };
        prober.session.ehlo_name = self.ehlo_name.clone();
        prober.session.greeting_timeout = Duration::from_secs(self.greeting_timeout);
        prober.session.deadline = Duration::from_secs(self.deadline);
        if let Some(path) = &self.extra_roots {
            let mut roots = port25_probe::tls::web_pki_roots();
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                .with_context(|| format!("reading CA certificates from {}", path.display()))?;
            anyhow::ensure!(!certs.is_empty(), "{} holds no certificate", path.display());
            let (added, _) = roots.add_parsable_certificates(certs);
            anyhow::ensure!(added > 0, "no usable CA certificate in {}", path.display());
            prober.session.roots = Arc::new(roots);
        }
        if let (Some(client), false) = (client, self.no_mail_checks) {
            let mut fetch = FetchConfig::new(prober.session.roots.clone());
            fetch.port = self.mta_sts_port;
            prober.checks = Some(ChecksConfig {
                dns: Arc::new(client),
                guard: prober.guard,
                fetch,
            });
        }
        Ok(prober)
    }
}

/// The egress listeners (off unless `--egress-name` is given).
#[derive(Debug, clap::Args)]
struct EgressOptions {
    /// Turns the egress listeners on: the name they greet with, which
    /// should resolve to this machine (the commands connect to it).
    #[arg(long, env = "PORT25_PROBE_EGRESS_NAME")]
    egress_name: Option<String>,
    /// The host the commands connect to, when not the name (an address, or
    /// a load balancer's name).
    #[arg(long, env = "PORT25_PROBE_EGRESS_HOST")]
    egress_host: Option<String>,
    /// Addresses the egress listeners bind; IPv4 and IPv6 by default.
    #[arg(long, env = "PORT25_PROBE_EGRESS_BIND", value_delimiter = ',', default_values = ["0.0.0.0", "::"])]
    egress_bind: Vec<IpAddr>,
    /// Ports the egress listeners answer on; 465 is implicit TLS, every
    /// other port offers STARTTLS.
    #[arg(long, env = "PORT25_PROBE_EGRESS_PORTS", value_delimiter = ',', default_values = ["25", "465", "587", "2525"])]
    egress_port: Vec<u16>,
    /// Which of those ports speak implicit TLS (RFC 8314) instead of
    /// offering STARTTLS.
    #[arg(long, env = "PORT25_PROBE_EGRESS_IMPLICIT_TLS_PORTS", value_delimiter = ',', default_values = ["465"])]
    egress_implicit_tls_port: Vec<u16>,
    /// PEM certificate chain for STARTTLS and 465 (with --egress-key);
    /// without it a self-signed certificate is made at start.
    #[arg(long, env = "PORT25_PROBE_EGRESS_CERT", requires = "egress_key")]
    egress_cert: Option<PathBuf>,
    /// PEM private key of --egress-cert.
    #[arg(long, env = "PORT25_PROBE_EGRESS_KEY", requires = "egress_cert")]
    egress_key: Option<PathBuf>,
    /// Seconds an egress test lives.
    #[arg(long, env = "PORT25_PROBE_EGRESS_TTL", default_value_t = 600)]
    egress_ttl: u64,
    /// Seconds an egress connection may stay silent.
    #[arg(long, env = "PORT25_PROBE_EGRESS_IDLE", default_value_t = 30)]
    egress_idle: u64,
    /// Seconds an egress connection may last.
    #[arg(long, env = "PORT25_PROBE_EGRESS_DEADLINE", default_value_t = 120)]
    egress_deadline: u64,
    /// Egress connections open at once, in all.
    #[arg(
        long,
        env = "PORT25_PROBE_EGRESS_MAX_CONNECTIONS",
        default_value_t = 2048
    )]
    egress_max_connections: usize,
    /// Egress connections open at once from one address (IPv6: one /64).
    #[arg(long, env = "PORT25_PROBE_EGRESS_PER_SOURCE", default_value_t = 16)]
    egress_per_source: usize,
    /// DNS blocklists each source address of an egress test is looked up
    /// on ("who is sending"): ZONE for IPv4 only, ZONE:ipv6 for both;
    /// repeat or separate with commas. Query them through a resolver of
    /// your own (--dns-resolver): Spamhaus refuses public resolvers, and
    /// the page then says "could not query".
    #[arg(long = "dnsbl", env = "PORT25_PROBE_DNSBL", value_delimiter = ',', default_values = port25_core::sender::DEFAULT_LISTS)]
    dnsbl: Vec<String>,
    /// Queries no blocklist (reverse DNS and the EHLO match are still
    /// checked).
    #[arg(long, env = "PORT25_PROBE_NO_DNSBL")]
    no_dnsbl: bool,
    /// Leaves out the sender checks (reverse DNS, EHLO match, blocklists)
    /// of egress tests.
    #[arg(long, env = "PORT25_PROBE_NO_SENDER_CHECKS")]
    no_sender_checks: bool,
    /// Turns the mail path on: the domain whose MX points at the egress
    /// listeners. Each test then has an address TOKEN@DOMAIN; mail to it is
    /// read (up to 256 KiB), its SPF, DKIM and DMARC checked through
    /// --dns-resolver (or the system's resolver), and only the report kept.
    /// Mail to any other address is refused. Without it: no mail at all.
    #[arg(long, env = "PORT25_PROBE_EGRESS_DOMAIN")]
    egress_domain: Option<String>,
}

impl EgressOptions {
    /// The blocklists, read from --dnsbl (none with --no-dnsbl).
    fn lists(&self) -> anyhow::Result<Vec<port25_core::sender::Dnsbl>> {
        if self.no_dnsbl {
            return Ok(Vec::new());
        }
        let lists = self
            .dnsbl
            .iter()
            .filter(|spec| !spec.trim().is_empty())
            .map(|spec| port25_core::sender::parse_dnsbl(spec).map_err(anyhow::Error::msg))
            .collect::<anyhow::Result<Vec<_>>>()?;
        anyhow::ensure!(
            lists.len() <= port25_core::sender::MAX_LISTS,
            "at most {} --dnsbl lists",
            port25_core::sender::MAX_LISTS
        );
        Ok(lists)
    }

    fn config(&self) -> anyhow::Result<Option<EgressConfig>> {
        let Some(name) = self.egress_name.as_ref() else {
            return Ok(None);
        };
        if let Some(domain) = &self.egress_domain {
            anyhow::ensure!(
                port25_core::egress::is_host_name(domain),
                "--egress-domain takes a host name (letters, digits, hyphens, dots), not {domain:?}"
            );
        }
        let mut config = EgressConfig::new(name);
        if let Some(host) = &self.egress_host {
            config.host = host.clone();
        }
        let mut ports = self.egress_port.clone();
        ports.sort_unstable();
        ports.dedup();
        config.ports = ports
            .into_iter()
            .map(|port| EgressPort {
                port,
                tls: if self.egress_implicit_tls_port.contains(&port) {
                    TlsMode::Implicit
                } else {
                    TlsMode::Starttls
                },
            })
            .collect();
        config.ttl = Duration::from_secs(self.egress_ttl.max(1));
        config.idle = Duration::from_secs(self.egress_idle.max(1));
        config.deadline = Duration::from_secs(self.egress_deadline.max(1));
        config.max_connections = self.egress_max_connections.max(1);
        config.max_per_source = self.egress_per_source.max(1);
        config.mail_domain = self
            .egress_domain
            .as_ref()
            .map(|domain| domain.trim_end_matches('.').to_ascii_lowercase());
        Ok(Some(config))
    }
}

/// Binds `address`; an IPv6 socket is IPv6-only, so IPv4 and IPv6
/// listeners on one port coexist.
fn bind(address: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::for_address(address), Type::STREAM, None)?;
    if address.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    socket.set_reuse_address(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&address.into())?;
    socket.listen(1024)?;
    tokio::net::TcpListener::from_std(socket.into())
}

/// The origins CORS admits unless told otherwise: the local site.
const DEFAULT_ORIGINS: [&str; 2] = port25_probe::api::DEFAULT_CORS_ORIGINS;

/// Exit status for usage and configuration errors (clap uses it too).
const EXIT_USAGE: u8 = 2;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    match Cli::parse().command {
        Command::Check {
            domain,
            host,
            port,
            json,
            verbose,
            probe,
        } => {
            let (target, mode) = match (domain, host) {
                (_, Some(host)) => (host, ProbeMode::Host),
                (Some(domain), None) => (domain, ProbeMode::Mx),
                (None, None) => unreachable!("clap requires a domain or --host"),
            };
            let prober = match probe.prober() {
                Ok(prober) => prober,
                Err(error) => {
                    eprintln!("port25-probe: {error:#}");
                    return ExitCode::from(EXIT_USAGE);
                }
            };
            let request = ProbeRequest { target, port, mode };
            let report = match prober.probe(&request, None).await {
                Ok(report) => report,
                Err(error) => {
                    eprintln!("port25-probe: {error}");
                    // A malformed request is a usage error; a refused target
                    // or a failed lookup means nothing could be tested.
                    let code = match error {
                        ProbeError::Request(_) | ProbeError::Target(_) => EXIT_USAGE,
                        ProbeError::Refused { .. } | ProbeError::Lookup(_) => {
                            CheckStatus::NotTested.code()
                        }
                    };
                    return ExitCode::from(code);
                }
            };
            if json {
                match serde_json::to_string_pretty(&report) {
                    Ok(text) => println!("{text}"),
                    Err(error) => {
                        eprintln!("port25-probe: {error}");
                        return ExitCode::FAILURE;
                    }
                }
            } else {
                print!("{}", port25_probe::text::render(&report, verbose));
            }
            ExitCode::from(CheckStatus::of(&report).code())
        }
        Command::Serve {
            listen,
            max_concurrent,
            rate_per_minute,
            rate_burst,
            cache_ttl,
            max_jobs,
            job_ttl,
            cors_origins,
            trusted_proxies,
            store,
            egress,
            probe,
        } => {
            // Checked before any runtime starts, so a bad value is a plain
            // error message.
            if let Err(error) = egress.config() {
                eprintln!("port25-probe: {error:#}");
                return ExitCode::FAILURE;
            }
            let config = ApiConfig {
                max_concurrent,
                rate_per_minute,
                rate_burst,
                cache_ttl: Duration::from_secs(cache_ttl),
                cache_capacity: if cache_ttl == 0 {
                    0
                } else {
                    DEFAULT_CACHE_CAPACITY
                },
                job_ttl: Duration::from_secs(job_ttl.max(1)),
                max_jobs,
                cors_origins,
                trusted_proxies,
            };
            match serve(listen, config, &store, &egress, probe).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("port25-probe: {error:#}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

async fn serve(
    listen: SocketAddr,
    config: ApiConfig,
    store: &str,
    egress_options: &EgressOptions,
    probe: ProbeOptions,
) -> anyhow::Result<()> {
    let prober = probe.prober()?;
    let limits = config.store_limits();
    let store = if store == "memory" {
        Store::memory(limits)
    } else if store.starts_with("redis://") || store.starts_with("rediss://") {
        Store::redis(store, limits)
            .await
            .context("connecting to the Redis store")?
    } else {
        anyhow::bail!("--store takes memory or redis://host:port/db");
    };
    // Probes and the egress listeners run on a runtime of their own; this
    // one answers HTTP. Under a thousand waiting probes, /healthz and the
    // polls are then never queued behind probe tasks on the same workers.
    let work = tokio::runtime::Builder::new_multi_thread()
        .thread_name("probe-work")
        .enable_all()
        .build()
        .context("starting the probe runtime")?;
    let entered = work.enter();
    let mut listeners = Vec::new();
    let egress = match egress_options.config()? {
        None => None,
        Some(mut egress_config) => {
            egress_config.mail_dns = probe.dns_resolver;
            if !egress_options.no_sender_checks {
                let lists = egress_options.lists()?;
                // The probe's resolver: --dns-resolver, else the system's.
                let dns = match probe.dns_resolver {
                    Some(server) => Some(DnsClient::new(server, false)),
                    None => DnsClient::from_resolv_conf(false)
                        .map_err(|error| {
                            tracing::warn!(
                                "no resolver for the sender checks ({error}); \
                                 they are left out (set --dns-resolver)"
                            );
                        })
                        .ok(),
                };
                if let Some(dns) = dns {
                    if let Some(name) = port25_core::sender::public_resolver(dns.server.ip()) {
                        tracing::warn!(
                            "the sender checks query blocklists through {name}, a public \
                             resolver some lists refuse; run a resolver of your own"
                        );
                    }
                    egress_config.senders = Some(SenderChecks::new(dns, lists));
                }
            }
            let files = egress_options
                .egress_cert
                .as_deref()
                .zip(egress_options.egress_key.as_deref());
            let tls = tls_config(&egress_config.name, files)?;
            let ports = egress_config.ports.clone();
            let egress = Egress::new(egress_config, store.clone(), tls);
            for address in &egress_options.egress_bind {
                for port in &ports {
                    let at = SocketAddr::new(*address, port.port);
                    let listener = bind(at).with_context(|| format!("binding egress {at}"))?;
                    tracing::info!(address = %listener.local_addr()?, "egress listening");
                    listeners.push(egress.spawn(listener, *port));
                }
            }
            Some(egress)
        }
    };
    drop(entered);
    let mut state = ApiState::with_store(prober.clone(), config.clone(), store.clone())
        .with_work_runtime(work.handle().clone());
    if let Some(egress) = egress {
        state = state.with_egress(egress);
    }
    tracing::info!(store = store.kind(), "store ready");
    tracing::info!(
        ehlo_name = %prober.session.ehlo_name,
        origins = ?config.cors_origins,
        trusted_proxies = ?config.trusted_proxies,
        "probe configured"
    );
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("binding {listen}"))?;
    tracing::info!(address = %listener.local_addr()?, "probe listening");
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("serving")?;
    for listener in listeners {
        listener.abort();
    }
    work.shutdown_background();
    tracing::info!("probe stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests finish before exit.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn check_takes_a_domain_or_a_host() {
        let cli = Cli::try_parse_from(["port25-probe", "check", "example.com", "--json"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Check { domain: Some(ref d), host: None, port: 25, json: true, .. } if d == "example.com"
        ));
        let cli = Cli::try_parse_from([
            "port25-probe",
            "check",
            "--host",
            "mx.example.com",
            "--port",
            "465",
        ])
        .unwrap();
        assert!(matches!(
            cli.command,
            Command::Check {
                domain: None,
                host: Some(_),
                port: 465,
                ..
            }
        ));
        assert!(Cli::try_parse_from(["port25-probe", "check"]).is_err());
        assert!(
            Cli::try_parse_from(["port25-probe", "check", "a.example", "--host", "b.example"])
                .is_err()
        );
    }
}
