//! `port25-probe`: the probe service's command line.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use port25_core::probe_types::{ProbeMode, ProbeRequest};
use port25_probe::api::{router, ApiState, DEFAULT_MAX_CONCURRENT};
use port25_probe::dns::HickoryResolver;
use port25_probe::guard::Guard;
use port25_probe::Prober;
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
}

impl ProbeOptions {
    fn prober(&self) -> anyhow::Result<Prober> {
        let resolver = HickoryResolver::from_system().context("setting up the DNS resolver")?;
        let mut prober = Prober::new(Arc::new(resolver));
        prober.guard = Guard {
            allow_loopback: self.allow_loopback,
        };
        prober.session.ehlo_name = self.ehlo_name.clone();
        prober.session.greeting_timeout = Duration::from_secs(self.greeting_timeout);
        prober.session.deadline = Duration::from_secs(self.deadline);
        Ok(prober)
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
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
                (None, None) => anyhow::bail!("give a domain or --host"),
            };
            let request = ProbeRequest { target, port, mode };
            let report = probe
                .prober()?
                .probe(&request, None)
                .await
                .context("probing")?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", port25_probe::text::render(&report, verbose));
            }
            Ok(())
        }
        Command::Serve {
            listen,
            max_concurrent,
            probe,
        } => {
            let state = ApiState::new(probe.prober()?, max_concurrent);
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("binding {listen}"))?;
            tracing::info!(address = %listener.local_addr()?, "probe listening");
            axum::serve(listener, router(state))
                .with_graceful_shutdown(shutdown_signal())
                .await
                .context("serving")?;
            tracing::info!("probe stopped");
            Ok(())
        }
    }
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
