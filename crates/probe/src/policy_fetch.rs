//! Fetching an MTA-STS policy (RFC 8461 3.3) the way the probe fetches
//! anything: only from addresses the SSRF guard admits, over HTTPS with a
//! certificate valid for `mta-sts.<domain>`, never following a redirect,
//! reading at most [`MAX_POLICY_BYTES`], within one deadline.
//!
//! The response is read by [`port25_core::mailsec::parse_http_response`].
//! What this module is not: an HTTP client for anything else. It sends one
//! `GET` for one fixed path and closes.

use std::sync::Arc;
use std::time::Duration;

use port25_core::mailsec::{is_text_plain, parse_http_response, HttpError, MAX_POLICY_BYTES};
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, RootCertStore};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::dnssec::DnsClient;
use crate::guard::Guard;

/// The path of the policy (RFC 8461 3.3).
pub const POLICY_PATH: &str = "/.well-known/mta-sts.txt";

/// How policies are fetched.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// The roots the policy host's certificate must chain to.
    pub roots: Arc<RootCertStore>,
    /// The HTTPS port: 443, except in tests.
    pub port: u16,
    /// The deadline for the whole fetch, lookup included.
    pub deadline: Duration,
    /// The largest body read.
    pub cap: usize,
}

impl FetchConfig {
    /// Port 443, a 10-second deadline, [`MAX_POLICY_BYTES`].
    pub fn new(roots: Arc<RootCertStore>) -> Self {
        FetchConfig {
            roots,
            port: 443,
            deadline: Duration::from_secs(10),
            cap: MAX_POLICY_BYTES,
        }
    }
}

/// Why no policy was fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The guard refused every address of the policy host: the probe may
    /// not judge it (it is not the domain's fault as far as we know).
    #[error("{0}")]
    Refused(String),
    /// Senders would fail too: no address, no connection, a bad
    /// certificate, a redirect, the wrong type, too large, not 200.
    #[error("{0}")]
    Failed(String),
}

/// Fetches `https://mta-sts.<domain>/.well-known/mta-sts.txt` and returns
/// the policy's text.
pub async fn fetch_policy(
    dns: &DnsClient,
    guard: &Guard,
    config: &FetchConfig,
    domain: &str,
) -> Result<String, FetchError> {
    let host = format!("mta-sts.{domain}");
    match timeout(config.deadline, fetch(dns, guard, config, &host)).await {
        Ok(result) => result,
        Err(_) => Err(FetchError::Failed(format!(
            "fetching the policy from {host} took longer than {} s",
            config.deadline.as_secs()
        ))),
    }
}

async fn fetch(
    dns: &DnsClient,
    guard: &Guard,
    config: &FetchConfig,
    host: &str,
) -> Result<String, FetchError> {
    let (addresses, _, _) = dns
        .addresses_with_state(host)
        .await
        .map_err(|e| FetchError::Failed(format!("looking up {host} failed: {e}")))?;
    if addresses.is_empty() {
        return Err(FetchError::Failed(format!(
            "{host} has no address, so no sender can fetch the policy"
        )));
    }
    let mut refused = Vec::new();
    let mut vetted = Vec::new();
    for address in &addresses {
        match guard.vet(*address, config.port) {
            Ok(v) => vetted.push(v),
            Err(reason) => refused.push(format!("{address} ({reason})")),
        }
    }
    if vetted.is_empty() {
        return Err(FetchError::Refused(format!(
            "{host} resolves only to addresses the probe does not contact: {}",
            refused.join(", ")
        )));
    }
    let mut last_error = String::new();
    for address in vetted {
        let tcp = match TcpStream::connect(address.socket_addr()).await {
            Ok(tcp) => tcp,
            Err(e) => {
                last_error = format!("connecting to {} failed: {e}", address.socket_addr());
                continue;
            }
        };
        return get(config, host, tcp).await;
    }
    Err(FetchError::Failed(last_error))
}

async fn get(config: &FetchConfig, host: &str, tcp: TcpStream) -> Result<String, FetchError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls_config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| FetchError::Failed(format!("TLS set-up failed: {e}")))?
        .with_root_certificates(config.roots.clone())
        .with_no_client_auth();
    let name = ServerName::try_from(host.to_owned())
        .map_err(|_| FetchError::Failed(format!("{host} is not a valid TLS name")))?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(tls_config));
    let mut stream = connector.connect(name, tcp).await.map_err(|e| {
        FetchError::Failed(format!(
            "the HTTPS handshake with {host} failed (senders need a valid certificate): {e}"
        ))
    })?;
    let request = format!(
        "GET {POLICY_PATH} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: port25-probe\r\nAccept: text/plain\r\nConnection: close\r\n\r\n"
    );
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| FetchError::Failed(format!("sending the request failed: {e}")))?;
    // The head may take up to 16 KiB; the body at most the cap.
    let limit = config.cap + 16 * 1024;
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 16 * 1024];
    let response = loop {
        let n = match stream.read(&mut chunk).await {
            Ok(n) => n,
            // A peer that closes without close_notify: what arrived counts.
            Err(_) if !buf.is_empty() => 0,
            Err(e) => {
                return Err(FetchError::Failed(format!(
                    "reading the policy failed: {e}"
                )))
            }
        };
        let eof = n == 0;
        buf.extend_from_slice(&chunk[..n]);
        match parse_http_response(&buf, config.cap) {
            // Complete: delimited by length or chunks, or by the close.
            Ok(response)
                if eof
                    || response.header("content-length").is_some()
                    || response.header("transfer-encoding").is_some() =>
            {
                break response
            }
            Ok(_) | Err(HttpError::Incomplete) if !eof && buf.len() <= limit => continue,
            Ok(_) | Err(HttpError::TooLarge(_)) | Err(HttpError::Incomplete) if !eof => {
                return Err(FetchError::Failed(format!(
                    "the policy is larger than {} bytes, the most the probe reads",
                    config.cap
                )))
            }
            Err(HttpError::TooLarge(cap)) => {
                return Err(FetchError::Failed(format!(
                    "the policy is larger than {cap} bytes, the most the probe reads"
                )))
            }
            Ok(response) => break response,
            Err(e) => return Err(FetchError::Failed(format!("bad HTTP response: {e}"))),
        }
    };
    if (300..400).contains(&response.status) {
        return Err(FetchError::Failed(format!(
            "the policy URL redirects (HTTP {}{}); RFC 8461 3.3 forbids following redirects",
            response.status,
            response
                .header("location")
                .map(|l| format!(" to {l}"))
                .unwrap_or_default()
        )));
    }
    if response.status != 200 {
        return Err(FetchError::Failed(format!(
            "the policy URL answered HTTP {}, not 200",
            response.status
        )));
    }
    match response.header("content-type") {
        Some(t) if is_text_plain(t) => {}
        other => {
            return Err(FetchError::Failed(format!(
                "the policy is served as {}, not text/plain (RFC 8461 3.3)",
                other.unwrap_or("no content type")
            )))
        }
    }
    String::from_utf8(response.body)
        .map_err(|_| FetchError::Failed("the policy is not UTF-8 text".into()))
}
