//! The SMTP session driver: one probe of one vetted address.
//!
//! The session connects, waits for the 220 greeting without sending a byte
//! (RFC 5321 3.1: early talkers are dropped by postscreen and greet-delay
//! setups), says EHLO (RFC 5321 4.1.1.1), upgrades with STARTTLS (RFC 3207)
//! or starts with implicit TLS on port 465 (RFC 8314 3.3), says EHLO again
//! inside TLS (RFC 3207 4.2) and QUITs (RFC 5321 4.1.1.10). Every step and
//! line is recorded in an [`AddressResult`]; a failure is an [`Outcome`],
//! not an error. One overall deadline bounds the whole session. What this
//! module is not: a mail sender. It never issues MAIL, RCPT or DATA, and it
//! connects only to a [`VettedAddr`].

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use port25_core::probe_types::{
    AddressResult, Direction, Event, Family, Outcome, Step, StepName, TlsInfo, TlsMode,
    TranscriptLine,
};
use rustls::RootCertStore;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::{timeout_at, Instant};

use crate::guard::VettedAddr;
use crate::reply::{escape, parse_reply, Parsed, Reply, ReplyError};
use crate::tls;

/// The probe's settings for one session.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// The name sent in EHLO; operators allow-list it, so it should be a
    /// real name that resolves to the probe. Default `probe.port25.invalid`.
    pub ehlo_name: String,
    /// How long to wait for the TCP connection. Default 10 s.
    pub connect_timeout: Duration,
    /// How long to wait for the 220 greeting after connecting. Default 20 s:
    /// greet-delay setups hold the banner back for 5-15 s on purpose.
    pub greeting_timeout: Duration,
    /// How long to wait for each reply after a command. Default 15 s.
    pub command_timeout: Duration,
    /// The overall deadline for the session. Default 45 s.
    pub deadline: Duration,
    /// The roots certificates are checked against: the web PKI by default.
    pub roots: Arc<RootCertStore>,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            ehlo_name: "probe.port25.invalid".into(),
            connect_timeout: Duration::from_secs(10),
            greeting_timeout: Duration::from_secs(20),
            command_timeout: Duration::from_secs(15),
            deadline: Duration::from_secs(45),
            roots: Arc::new(tls::web_pki_roots()),
        }
    }
}

/// Why a step stopped the session: the outcome to report.
type Stop = Outcome;

/// The session's record, filled in as it goes.
struct Recorder {
    result: AddressResult,
    started: Instant,
    events: Option<mpsc::Sender<Event>>,
    /// The presented chain, leaf first, kept for DANE (not on the wire).
    chain: Vec<rustls::pki_types::CertificateDer<'static>>,
}

impl Recorder {
    fn ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn line(&mut self, direction: Direction, text: String) {
        let at_ms = self.ms();
        self.result.transcript.push(TranscriptLine {
            direction,
            text,
            at_ms,
        });
    }

    fn step(&mut self, name: StepName, since: Instant, ok: bool, detail: Option<String>) {
        let step = Step {
            name,
            ok,
            ms: u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX),
            detail,
        };
        if let Some(events) = &self.events {
            // Progress is best effort: a slow or gone listener must not
            // stall or fail the probe.
            let _ = events.try_send(Event::StepDone {
                address: self.result.address,
                step: step.clone(),
            });
        }
        self.result.steps.push(step);
    }
}

/// A buffered SMTP connection over any stream.
struct Conn<S> {
    stream: S,
    buf: Vec<u8>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Conn<S> {
    fn new(stream: S) -> Self {
        Conn {
            stream,
            buf: Vec::with_capacity(1024),
        }
    }

    /// Reads one reply, waiting until `until` at most.
    async fn read_reply(
        &mut self,
        rec: &mut Recorder,
        step: StepName,
        until: Instant,
    ) -> Result<Reply, ReadFailure> {
        loop {
            match parse_reply(&self.buf) {
                Ok(Parsed::Complete { reply, consumed }) => {
                    self.buf.drain(..consumed);
                    for line in reply.wire_lines() {
                        rec.line(Direction::Server, line);
                    }
                    return Ok(reply);
                }
                Ok(Parsed::Incomplete) => {}
                Err(error) => {
                    rec.line(Direction::Server, escape(&self.buf));
                    return Err(ReadFailure::Garbage(error));
                }
            }
            let mut chunk = [0u8; 4096];
            match timeout_at(until, self.stream.read(&mut chunk)).await {
                Err(_) => {
                    if !self.buf.is_empty() {
                        rec.line(Direction::Server, escape(&self.buf));
                    }
                    return Err(ReadFailure::Timeout);
                }
                Ok(Ok(0)) => {
                    if !self.buf.is_empty() {
                        rec.line(Direction::Server, escape(&self.buf));
                    }
                    rec.line(
                        Direction::Note,
                        format!("connection closed by server during {step:?}"),
                    );
                    return Err(ReadFailure::Closed);
                }
                Ok(Ok(n)) => self.buf.extend_from_slice(&chunk[..n]),
                Ok(Err(e)) => return Err(ReadFailure::Io(e.to_string())),
            }
        }
    }

    async fn send(
        &mut self,
        rec: &mut Recorder,
        line: &str,
        until: Instant,
    ) -> Result<(), ReadFailure> {
        rec.line(Direction::Client, line.to_owned());
        let wire = format!("{line}\r\n");
        match timeout_at(until, self.stream.write_all(wire.as_bytes())).await {
            Err(_) => Err(ReadFailure::Timeout),
            Ok(Err(e)) => Err(ReadFailure::Io(e.to_string())),
            Ok(Ok(())) => Ok(()),
        }
    }

    /// Sends a command and reads its reply, recording the step.
    async fn command(
        &mut self,
        rec: &mut Recorder,
        step: StepName,
        line: &str,
        until: Instant,
    ) -> Result<Reply, Stop> {
        let since = Instant::now();
        let result = match self.send(rec, line, until).await {
            Ok(()) => self.read_reply(rec, step, until).await,
            Err(e) => Err(e),
        };
        match result {
            Ok(reply) => {
                let ok = reply.is_positive();
                rec.step(step, since, ok, Some(summary(&reply)));
                Ok(reply)
            }
            Err(failure) => {
                rec.step(step, since, false, Some(failure.to_string()));
                Err(failure.into_outcome(step))
            }
        }
    }
}

/// How reading or writing failed.
#[derive(Debug)]
enum ReadFailure {
    Timeout,
    Closed,
    Garbage(ReplyError),
    Io(String),
}

impl std::fmt::Display for ReadFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadFailure::Timeout => f.write_str("timed out"),
            ReadFailure::Closed => f.write_str("connection closed"),
            ReadFailure::Garbage(e) => write!(f, "{e}"),
            ReadFailure::Io(e) => write!(f, "I/O error: {e}"),
        }
    }
}

impl ReadFailure {
    fn into_outcome(self, step: StepName) -> Outcome {
        match self {
            ReadFailure::Timeout if step == StepName::Greeting => Outcome::NoGreeting,
            ReadFailure::Timeout => Outcome::Timeout { step },
            ReadFailure::Closed => Outcome::Closed { step },
            ReadFailure::Garbage(e) => Outcome::ProtocolError {
                step,
                detail: e.to_string(),
            },
            // A reset mid-session is the server hanging up, not garbage;
            // the error text stays in the step's detail.
            ReadFailure::Io(_) => Outcome::Closed { step },
        }
    }
}

fn summary(reply: &Reply) -> String {
    let first = reply.lines.first().map(String::as_str).unwrap_or("");
    format!("{} {first}", reply.code).trim_end().to_owned()
}

/// Probes one address: the whole session, never longer than the deadline.
///
/// `exchange` is the name certificates are checked against and sent as SNI.
/// Progress goes to `events` when given, without ever blocking on it.
pub async fn probe_address(
    config: &SessionConfig,
    exchange: &str,
    address: VettedAddr,
    events: Option<mpsc::Sender<Event>>,
) -> AddressResult {
    let mode = TlsMode::for_port(address.socket_addr().port());
    probe_address_with_mode(config, exchange, address, mode, events).await
}

/// Probes one address like [`probe_address`] and also returns the
/// certificate chain the server presented (leaf first; empty without a
/// handshake), which the DANE check matches against TLSA records.
pub async fn probe_address_with_chain(
    config: &SessionConfig,
    exchange: &str,
    address: VettedAddr,
    events: Option<mpsc::Sender<Event>>,
) -> (
    AddressResult,
    Vec<rustls::pki_types::CertificateDer<'static>>,
) {
    let mode = TlsMode::for_port(address.socket_addr().port());
    run_recorded(config, exchange, address, mode, events).await
}

/// Probes one address like [`probe_address`], with the TLS mode given
/// rather than derived from the port: for tests on unprivileged ports and
/// for servers that run implicit TLS elsewhere.
pub async fn probe_address_with_mode(
    config: &SessionConfig,
    exchange: &str,
    address: VettedAddr,
    mode: TlsMode,
    events: Option<mpsc::Sender<Event>>,
) -> AddressResult {
    run_recorded(config, exchange, address, mode, events)
        .await
        .0
}

async fn run_recorded(
    config: &SessionConfig,
    exchange: &str,
    address: VettedAddr,
    mode: TlsMode,
    events: Option<mpsc::Sender<Event>>,
) -> (
    AddressResult,
    Vec<rustls::pki_types::CertificateDer<'static>>,
) {
    let ip = address.ip();
    let port = address.socket_addr().port();
    if let Some(events) = &events {
        let _ = events.try_send(Event::Connecting {
            exchange: exchange.to_owned(),
            address: ip,
        });
    }
    let mut rec = Recorder {
        result: AddressResult {
            exchange: exchange.to_owned(),
            address: ip,
            family: Family::of(&ip),
            port,
            outcome: Outcome::Ok,
            steps: Vec::new(),
            greeting: Vec::new(),
            capabilities: Vec::new(),
            capabilities_after_tls: Vec::new(),
            starttls_offered: false,
            tls_used: false,
            tls: None,
            transcript: Vec::new(),
            ms: 0,
        },
        started: Instant::now(),
        events,
        chain: Vec::new(),
    };
    let deadline = rec.started + config.deadline;
    let outcome = match run(config, exchange, address, mode, deadline, &mut rec).await {
        Ok(()) => match rec.result.tls.as_ref() {
            Some(info) if !(info.chain_verified && info.name_matches) => {
                Outcome::CertificateProblem {
                    detail: info
                        .verification_error
                        .clone()
                        .unwrap_or_else(|| "the certificate did not verify".into()),
                }
            }
            _ => Outcome::Ok,
        },
        Err(stop) => stop,
    };
    rec.result.outcome = outcome;
    rec.result.ms = rec.ms();
    if let Some(events) = &rec.events {
        let _ = events.try_send(Event::AddressDone {
            result: Box::new(rec.result.clone()),
        });
    }
    (rec.result, rec.chain)
}

async fn run(
    config: &SessionConfig,
    exchange: &str,
    address: VettedAddr,
    mode: TlsMode,
    deadline: Instant,
    rec: &mut Recorder,
) -> Result<(), Stop> {
    let since = Instant::now();
    let connect_until = deadline.min(since + config.connect_timeout);
    rec.line(
        Direction::Note,
        format!("connecting to {}", address.socket_addr()),
    );
    let tcp = match timeout_at(connect_until, TcpStream::connect(address.socket_addr())).await {
        Err(_) => {
            rec.step(StepName::Connect, since, false, Some("timed out".into()));
            return Err(Outcome::Timeout {
                step: StepName::Connect,
            });
        }
        Ok(Err(e)) => {
            rec.step(StepName::Connect, since, false, Some(e.to_string()));
            return Err(connect_error(&e));
        }
        Ok(Ok(tcp)) => tcp,
    };
    rec.step(StepName::Connect, since, true, None);
    rec.line(Direction::Note, "connected".into());
    let _ = tcp.set_nodelay(true);

    let sni = tls::server_name(exchange).ok_or_else(|| Outcome::CouldNotTest {
        reason: format!("{exchange:?} cannot be used as a TLS server name"),
    })?;
    if mode == TlsMode::Implicit {
        let since = Instant::now();
        let stream = handshake(config, sni, tcp, TlsMode::Implicit, since, deadline, rec).await?;
        let mut conn = Conn::new(stream);
        greeting(config, &mut conn, rec, deadline).await?;
        let ehlo = ehlo(config, &mut conn, rec, StepName::Ehlo, deadline).await?;
        rec.result.capabilities = ehlo.ehlo_keywords();
        rec.result.starttls_offered = ehlo.has_keyword("STARTTLS");
        quit(config, &mut conn, rec, deadline).await;
        return Ok(());
    }

    let mut conn = Conn::new(tcp);
    greeting(config, &mut conn, rec, deadline).await?;
    let first = ehlo(config, &mut conn, rec, StepName::Ehlo, deadline).await?;
    rec.result.capabilities = first.ehlo_keywords();
    rec.result.starttls_offered = first.has_keyword("STARTTLS");
    if !rec.result.starttls_offered {
        quit(config, &mut conn, rec, deadline).await;
        return Err(Outcome::StarttlsNotOffered);
    }
    let until = deadline.min(Instant::now() + config.command_timeout);
    let reply = conn
        .command(rec, StepName::Starttls, "STARTTLS", until)
        .await?;
    if reply.code != 220 {
        quit(config, &mut conn, rec, deadline).await;
        return Err(Outcome::StarttlsRefused { code: reply.code });
    }
    if !conn.buf.is_empty() {
        // RFC 3207 5 and CVE-2011-0411's mirror image: bytes sent before
        // the handshake must not be read as if they came over TLS.
        rec.line(
            Direction::Note,
            format!(
                "discarded {} bytes the server sent after 220 to STARTTLS, before TLS",
                conn.buf.len()
            ),
        );
    }
    let since = Instant::now();
    let stream = handshake(
        config,
        sni,
        conn.stream,
        TlsMode::Starttls,
        since,
        deadline,
        rec,
    )
    .await?;
    let mut conn = Conn::new(stream);
    let second = ehlo(config, &mut conn, rec, StepName::EhloAfterTls, deadline).await?;
    rec.result.capabilities_after_tls = second.ehlo_keywords();
    quit(config, &mut conn, rec, deadline).await;
    Ok(())
}

fn connect_error(error: &std::io::Error) -> Outcome {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::ConnectionRefused => Outcome::Refused,
        ErrorKind::HostUnreachable => Outcome::Unreachable {
            detail: "the host is unreachable".into(),
        },
        ErrorKind::NetworkUnreachable => Outcome::Unreachable {
            detail: "the network is unreachable".into(),
        },
        ErrorKind::NetworkDown => Outcome::Unreachable {
            detail: "the probe's network is down".into(),
        },
        ErrorKind::TimedOut => Outcome::Timeout {
            step: StepName::Connect,
        },
        _ => Outcome::CouldNotTest {
            reason: format!("connecting failed: {error}"),
        },
    }
}

async fn greeting<S: AsyncRead + AsyncWrite + Unpin>(
    config: &SessionConfig,
    conn: &mut Conn<S>,
    rec: &mut Recorder,
    deadline: Instant,
) -> Result<(), Stop> {
    let since = Instant::now();
    let until = deadline.min(since + config.greeting_timeout);
    // Never send before the greeting: read only.
    match conn.read_reply(rec, StepName::Greeting, until).await {
        Ok(reply) => {
            rec.result.greeting = reply.lines.clone();
            let ok = reply.code == 220;
            rec.step(StepName::Greeting, since, ok, Some(summary(&reply)));
            if ok {
                Ok(())
            } else if reply.is_negative() {
                // RFC 5321 3.1: after a 554 greeting the client should QUIT.
                quit(config, conn, rec, deadline).await;
                Err(Outcome::GreetingRejected { code: reply.code })
            } else {
                Err(Outcome::ProtocolError {
                    step: StepName::Greeting,
                    detail: format!("unexpected greeting code {}", reply.code),
                })
            }
        }
        Err(failure) => {
            rec.step(StepName::Greeting, since, false, Some(failure.to_string()));
            Err(failure.into_outcome(StepName::Greeting))
        }
    }
}

async fn ehlo<S: AsyncRead + AsyncWrite + Unpin>(
    config: &SessionConfig,
    conn: &mut Conn<S>,
    rec: &mut Recorder,
    step: StepName,
    deadline: Instant,
) -> Result<Reply, Stop> {
    let until = deadline.min(Instant::now() + config.command_timeout);
    let line = format!("EHLO {}", config.ehlo_name);
    let reply = conn.command(rec, step, &line, until).await?;
    if reply.code == 250 {
        Ok(reply)
    } else {
        quit(config, conn, rec, deadline).await;
        if reply.is_negative() {
            Err(Outcome::EhloRejected { code: reply.code })
        } else {
            Err(Outcome::ProtocolError {
                step,
                detail: format!("unexpected EHLO reply code {}", reply.code),
            })
        }
    }
}

/// Says QUIT and waits briefly for 221; its result never changes the outcome.
async fn quit<S: AsyncRead + AsyncWrite + Unpin>(
    config: &SessionConfig,
    conn: &mut Conn<S>,
    rec: &mut Recorder,
    deadline: Instant,
) {
    let until = deadline.min(Instant::now() + config.command_timeout.min(Duration::from_secs(5)));
    let _ = conn.command(rec, StepName::Quit, "QUIT", until).await;
    let _ = timeout_at(until, conn.stream.shutdown()).await;
}

async fn handshake(
    config: &SessionConfig,
    sni: rustls::pki_types::ServerName<'static>,
    tcp: TcpStream,
    mode: TlsMode,
    since: Instant,
    deadline: Instant,
    rec: &mut Recorder,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>, Stop> {
    let step = match mode {
        TlsMode::Implicit => StepName::ImplicitTls,
        TlsMode::Starttls => StepName::TlsHandshake,
    };
    let (client_config, verifier) =
        tls::client_config(config.roots.clone()).map_err(|e| Outcome::CouldNotTest {
            reason: format!("TLS setup failed: {e}"),
        })?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(client_config));
    let until = deadline.min(since + config.command_timeout);
    let stream = match timeout_at(until, connector.connect(sni, tcp)).await {
        Err(_) => {
            rec.step(step, since, false, Some("timed out".into()));
            return Err(Outcome::Timeout { step });
        }
        Ok(Err(e)) => {
            let detail = tls::describe_handshake_error(&e);
            rec.step(step, since, false, Some(detail.clone()));
            rec.line(Direction::Note, format!("TLS handshake failed: {detail}"));
            return Err(Outcome::TlsHandshakeFailed { detail });
        }
        Ok(Ok(stream)) => stream,
    };
    let (_, session) = stream.get_ref();
    let version = session
        .protocol_version()
        .map(tls::version_name)
        .unwrap_or_default();
    let cipher = session
        .negotiated_cipher_suite()
        .map(|s| format!("{:?}", s.suite()))
        .unwrap_or_default();
    let certificates = session
        .peer_certificates()
        .map(|chain| tls::describe_chain(chain, SystemTime::now()))
        .unwrap_or_default();
    rec.chain = session
        .peer_certificates()
        .map(|chain| chain.iter().map(|c| c.clone().into_owned()).collect())
        .unwrap_or_default();
    let verdict = verifier.verdict().unwrap_or_default();
    rec.line(
        Direction::Note,
        format!("TLS established: {version}, {cipher}"),
    );
    rec.step(step, since, true, Some(format!("{version}, {cipher}")));
    rec.result.tls_used = true;
    rec.result.tls = Some(TlsInfo {
        mode,
        version,
        cipher,
        certificates,
        chain_verified: verdict.chain_verified,
        name_matches: verdict.name_matches,
        verification_error: verdict.error,
    });
    Ok(stream)
}
