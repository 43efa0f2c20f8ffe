//! The egress listeners: SMTP listeners that the user's server connects to,
//! so that the page can watch its connections arrive.
//!
//! Each listener (25, 465 with implicit TLS, 587, 2525 and any configured
//! port, IPv4 and IPv6) greets with the probe's name and the deployment's
//! code, answers EHLO and HELO, offers STARTTLS with the configured
//! certificate or one made at start, and answers everything else with a
//! 5xx ([`port25_core::egress::Conversation`] decides every reply; this
//! module only moves bytes). A connection that presents a live test's token
//! becomes an arrival in the [`Store`]: port, time, source address and
//! family, TLS version. Nothing else a client sends is kept.
//!
//! Bounds: one fixed 512-byte line buffer per connection (a longer line
//! closes it), at most [`MAX_COMMANDS`](port25_core::egress::MAX_COMMANDS)
//! lines, an idle deadline per read and a deadline per connection, a cap
//! per source address (IPv6 per /64) and a global cap; a connection over a
//! cap gets one short 421 line and is closed. Replies are a few short lines,
//! never larger than what the client sent, so nothing amplifies traffic.
//! With an egress domain (`--egress-domain`) it takes one kind of mail:
//! to a live test's address, `TOKEN@<egress domain>`; a RCPT to any other
//! domain is refused by the conversation before any lookup, so it can never
//! relay. The message is read up to
//! [`MAX_MESSAGE`](port25_core::egress::MAX_MESSAGE) (over it: 552 and
//! close), at most [`MAX_MESSAGES`] connections at once hold one, it is
//! analysed ([`crate::mail`]) within [`ANALYSIS_TIME`] before the reply,
//! and only the report is kept. Without an egress domain it accepts no
//! MAIL, RCPT or DATA at all.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use port25_core::egress::{
    Answer, Conversation, Feed, MessageEnd, MessageReader, Next, BUSY, IDLE, LINE_TOO_LONG,
    MAX_LINE, MAX_MESSAGE, MESSAGES_BUSY,
};
use port25_core::probe_types::egress::{Arrival, EgressPort, Presented};
use port25_core::probe_types::{Family, TlsMode};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::ServerConfig;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{timeout, Instant};
use tokio_rustls::TlsAcceptor;

use crate::limits::{limit_key, unmap};
use crate::mail::{analyse, Delivery};
use crate::sender::SenderChecks;
use crate::store::{now_ms, Store, MAX_MAIL};

/// The egress listeners' settings.
#[derive(Debug, Clone)]
pub struct EgressConfig {
    /// The name in the greeting and EHLO reply.
    pub name: String,
    /// The host name (or address) the commands connect to.
    pub host: String,
    /// The greeting code ([`port25_core::egress::greeting_code`]).
    pub code: String,
    /// The ports listened on.
    pub ports: Vec<EgressPort>,
    /// How long a test lives.
    pub ttl: Duration,
    /// How long a connection may stay silent.
    pub idle: Duration,
    /// How long a connection may last in all.
    pub deadline: Duration,
    /// Connections open at once, across all listeners.
    pub max_connections: usize,
    /// Connections open at once from one source (IPv6: one /64).
    pub max_per_source: usize,
    /// The sender checks ("who is sending") run for each source address
    /// that presents a live token; none when `None`.
    pub senders: Option<Arc<SenderChecks>>,
    /// The egress domain: mail to `TOKEN@domain` is taken and analysed.
    /// `None`: no mail at all.
    pub mail_domain: Option<String>,
    /// The resolver the mail analysis asks (`--dns-resolver`); `None`:
    /// the system's.
    pub mail_dns: Option<SocketAddr>,
}

/// Connections that may hold a message (read or under analysis) at once:
/// with [`MAX_MESSAGE`] this bounds message memory to 8 MiB.
pub const MAX_MESSAGES: usize = 32;

/// How long the analysis of one message may take (its DNS lookups), before
/// the listener answers 451 and the sender tries again later.
pub const ANALYSIS_TIME: Duration = Duration::from_secs(20);

impl EgressConfig {
    /// Settings for `name` with the default ports and limits.
    pub fn new(name: &str) -> Self {
        EgressConfig {
            name: name.to_owned(),
            host: name.to_owned(),
            code: port25_core::egress::greeting_code(name),
            ports: port25_core::egress::default_ports(),
            ttl: Duration::from_secs(600),
            idle: Duration::from_secs(30),
            deadline: Duration::from_secs(120),
            max_connections: 2048,
            max_per_source: 16,
            senders: None,
            mail_domain: None,
            mail_dns: None,
        }
    }
}

/// The TLS configuration of the listeners: the PEM certificate chain and
/// key when given, else a self-signed certificate for `name` made now.
pub fn tls_config(name: &str, files: Option<(&Path, &Path)>) -> anyhow::Result<Arc<ServerConfig>> {
    use anyhow::Context;
    let (chain, key) = match files {
        Some((cert, key)) => {
            let chain = CertificateDer::pem_file_iter(cert)
                .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                .with_context(|| format!("reading {}", cert.display()))?;
            anyhow::ensure!(!chain.is_empty(), "{} holds no certificate", cert.display());
            let key = PrivateKeyDer::from_pem_file(key)
                .with_context(|| format!("reading {}", key.display()))?;
            (chain, key)
        }
        None => {
            let key = rcgen::KeyPair::generate().context("making a key")?;
            let mut params =
                rcgen::CertificateParams::new(vec![name.to_owned()]).context("certificate name")?;
            params.distinguished_name = rcgen::DistinguishedName::new();
            params
                .distinguished_name
                .push(rcgen::DnType::CommonName, name);
            let cert = params.self_signed(&key).context("self-signing")?;
            (
                vec![cert.der().clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            )
        }
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("certificate and key do not match")?;
    Ok(Arc::new(config))
}

/// The listeners' shared state: settings, store, TLS and the caps.
pub struct Egress {
    config: EgressConfig,
    store: Store,
    tls: TlsAcceptor,
    permits: Arc<Semaphore>,
    per_source: Mutex<HashMap<IpAddr, usize>>,
    messages: Arc<Semaphore>,
    authenticator: Option<mail_auth::MessageAuthenticator>,
}

impl std::fmt::Debug for Egress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Egress")
            .field("config", &self.config)
            .field("open", &self.open_connections())
            .finish_non_exhaustive()
    }
}

/// A connection's slot under the per-source cap, released on drop.
struct SourceSlot<'a> {
    egress: &'a Egress,
    key: IpAddr,
}

impl Drop for SourceSlot<'_> {
    fn drop(&mut self) {
        let mut sources = locked(&self.egress.per_source);
        if let Some(count) = sources.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                sources.remove(&self.key);
            }
        }
    }
}

fn locked<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What one connection has shown so far.
struct Seen {
    port: u16,
    source: IpAddr,
    id: u64,
    tls: Option<String>,
    tls_mode: Option<TlsMode>,
    arrival: Option<(String, Arrival)>,
}

enum End {
    Closed,
    StartTls,
}

fn tls_version<T>(connection: &rustls::ConnectionCommon<T>) -> Option<String> {
    use rustls::ProtocolVersion;
    connection.protocol_version().map(|version| match version {
        ProtocolVersion::TLSv1_3 => "TLSv1.3".to_owned(),
        ProtocolVersion::TLSv1_2 => "TLSv1.2".to_owned(),
        other => format!("{other:?}"),
    })
}

impl Egress {
    /// Listener state over `store`, with `tls` for STARTTLS and port 465.
    /// With a mail domain, its analysis resolver is made here; if that
    /// fails (no system resolver configuration) the listeners take no mail.
    pub fn new(config: EgressConfig, store: Store, tls: Arc<ServerConfig>) -> Arc<Self> {
        let authenticator = config.mail_domain.as_ref().and_then(|_| {
            crate::mail::authenticator(config.mail_dns)
                .map_err(|error| tracing::error!(%error, "no resolver for mail analysis; taking no mail"))
                .ok()
        });
        Arc::new(Egress {
            messages: Arc::new(Semaphore::new(MAX_MESSAGES)),
            authenticator,
            permits: Arc::new(Semaphore::new(config.max_connections.max(1))),
            config,
            store,
            tls: TlsAcceptor::from(tls),
            per_source: Mutex::new(HashMap::new()),
        })
    }

    /// The settings.
    pub fn config(&self) -> &EgressConfig {
        &self.config
    }

    /// The store arrivals go to.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// How many connections are open now.
    pub fn open_connections(&self) -> usize {
        self.config.max_connections.max(1) - self.permits.available_permits()
    }

    /// Serves `listener` as the egress port `port` until the task is
    /// dropped or aborted.
    pub fn spawn(
        self: &Arc<Self>,
        listener: TcpListener,
        port: EgressPort,
    ) -> tokio::task::JoinHandle<()> {
        let egress = self.clone();
        tokio::spawn(async move {
            loop {
                let (stream, peer) = match listener.accept().await {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        // Out of file descriptors and the like: wait, do not spin.
                        tracing::warn!(%error, "egress accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let egress = egress.clone();
                tokio::spawn(async move { egress.connection(stream, peer, port).await });
            }
        })
    }

    fn admit(&self, source: IpAddr) -> Option<(OwnedSemaphorePermit, SourceSlot<'_>)> {
        let permit = self.permits.clone().try_acquire_owned().ok()?;
        let key = limit_key(source);
        let mut sources = locked(&self.per_source);
        let count = sources.entry(key).or_insert(0);
        if *count >= self.config.max_per_source.max(1) {
            return None;
        }
        *count += 1;
        Some((permit, SourceSlot { egress: self, key }))
    }

    async fn connection(&self, stream: TcpStream, peer: SocketAddr, port: EgressPort) {
        let source = unmap(peer.ip());
        let Some((_permit, _slot)) = self.admit(source) else {
            // One short line, written without waiting, then close.
            let _ = stream.try_write(BUSY.as_bytes());
            return;
        };
        let _ = stream.set_nodelay(true);
        let mut seen = Seen {
            port: port.port,
            source,
            // Random, so two instances writing one test's arrivals to a
            // shared store never collide.
            id: uuid::Uuid::new_v4().as_u64_pair().0,
            tls: None,
            tls_mode: None,
            arrival: None,
        };
        let deadline = Instant::now() + self.config.deadline;
        let _ = tokio::time::timeout_at(deadline, self.converse(stream, port, &mut seen)).await;
    }

    async fn converse(
        &self,
        stream: TcpStream,
        port: EgressPort,
        seen: &mut Seen,
    ) -> io::Result<()> {
        let config = &self.config;
        match port.tls {
            TlsMode::Implicit => {
                let mut conversation = self.conversation(true);
                let mut tls = timeout(config.idle, self.tls.accept(stream))
                    .await
                    .map_err(|_| io::ErrorKind::TimedOut)??;
                seen.tls = tls_version(tls.get_ref().1);
                seen.tls_mode = Some(TlsMode::Implicit);
                self.session(&mut tls, &mut conversation, seen, true)
                    .await?;
                let _ = tls.shutdown().await;
            }
            TlsMode::Starttls => {
                let mut conversation = self.conversation(false);
                let mut stream = stream;
                if let End::StartTls = self
                    .session(&mut stream, &mut conversation, seen, true)
                    .await?
                {
                    let mut tls = timeout(config.idle, self.tls.accept(stream))
                        .await
                        .map_err(|_| io::ErrorKind::TimedOut)??;
                    seen.tls = tls_version(tls.get_ref().1);
                    seen.tls_mode = Some(TlsMode::Starttls);
                    conversation.tls_started();
                    if let Some((token, mut arrival)) = seen.arrival.take() {
                        arrival.tls = seen.tls.clone();
                        self.record(&token, seen.id, &arrival).await;
                        seen.arrival = Some((token, arrival));
                    }
                    // No second greeting after STARTTLS (RFC 3207 4.2).
                    self.session(&mut tls, &mut conversation, seen, false)
                        .await?;
                    let _ = tls.shutdown().await;
                } else {
                    let _ = stream.shutdown().await;
                }
            }
        }
        Ok(())
    }

    fn conversation(&self, implicit: bool) -> Conversation {
        let config = &self.config;
        let conversation = Conversation::new(&config.name, &config.code, implicit, !implicit);
        match (&config.mail_domain, &self.authenticator) {
            (Some(domain), Some(_)) => conversation.with_mail_domain(domain),
            _ => conversation,
        }
    }

    /// Whether `token` names a live test that takes more mail; `None` when
    /// the store fails. A test holding [`MAX_MAIL`] reports takes no more,
    /// so one token cannot make the probe analyse (and query DNS for) an
    /// endless stream of messages.
    async fn live(&self, token: Option<&str>) -> Option<bool> {
        let token = token?;
        let looked_up = async {
            if self.store.egress_get(token).await?.is_none() {
                return Ok(false);
            }
            Ok::<_, crate::store::StoreError>(
                self.store.egress_mail_reports(token).await?.len() < MAX_MAIL,
            )
        };
        match looked_up.await {
            Ok(live) => Some(live),
            Err(error) => {
                tracing::warn!(%error, "looking up an egress test failed");
                None
            }
        }
    }

    /// Reads a message after the 354 (the bytes in `buffer[..*filled]`
    /// first), analyses it and keeps its report; answers how it ended.
    /// Leaves what followed the message in the buffer.
    async fn message<S: AsyncRead + AsyncWrite + Unpin>(
        &self,
        stream: &mut S,
        buffer: &mut [u8; MAX_LINE],
        filled: &mut usize,
        conversation: &mut Conversation,
        seen: &Seen,
    ) -> io::Result<Answer> {
        let mut reader = MessageReader::new(MAX_MESSAGE);
        let mut feed = reader.feed(&buffer[..*filled]);
        loop {
            match feed {
                Feed::End(used) => {
                    buffer.copy_within(used..*filled, 0);
                    *filled -= used;
                    break;
                }
                // Nothing of it is kept; the connection closes after 552.
                Feed::TooBig => return Ok(conversation.message_end(MessageEnd::TooBig)),
                Feed::More => {
                    let read = timeout(self.config.idle, stream.read(&mut buffer[..]))
                        .await
                        .map_err(|_| io::ErrorKind::TimedOut)??;
                    if read == 0 {
                        return Err(io::ErrorKind::UnexpectedEof.into());
                    }
                    *filled = read;
                    feed = reader.feed(&buffer[..read]);
                }
            }
        }
        let message = reader.into_message();
        let (Some(authenticator), Some(token)) =
            (&self.authenticator, conversation.recipient_token())
        else {
            return Ok(conversation.message_end(MessageEnd::Failed));
        };
        let token = token.to_owned();
        let delivery = Delivery {
            port: seen.port,
            source: seen.source,
            ehlo: conversation.helo().unwrap_or_default().to_owned(),
            tls: seen.tls.clone(),
            tls_mode: seen.tls.as_ref().and(seen.tls_mode),
            mail_from: conversation.mail_from().unwrap_or_default().to_owned(),
        };
        // Analysed before the reply, so 250 means the report is kept; the
        // time is bounded, and a sender whose DNS is slow gets a 451 and
        // retries later.
        let report = timeout(
            ANALYSIS_TIME,
            analyse(authenticator, &self.config.name, delivery, &message),
        )
        .await;
        drop(message);
        let end = match report {
            Err(_) => MessageEnd::Failed,
            Ok(report) => match self.store.egress_mail(&token, &report).await {
                Ok(true) => {
                    // Who sent it: the delivering host is checked like a
                    // source that arrived, now with the EHLO name a real MTA
                    // announced, in the background (the reply does not wait
                    // for DNS).
                    self.observe_later(&token, seen.source, Some(report.ehlo.clone()));
                    MessageEnd::Accepted
                }
                Ok(false) => MessageEnd::NotKept,
                Err(error) => {
                    tracing::warn!(%error, "keeping a mail report failed");
                    MessageEnd::Failed
                }
            },
        };
        Ok(conversation.message_end(end))
    }

    async fn record(&self, token: &str, id: u64, arrival: &Arrival) {
        match self.store.egress_arrival(token, id, arrival).await {
            // A live test took the arrival: its source is checked (once
            // per test, whichever instance gets there first), in the
            // background so the conversation does not wait for DNS.
            Ok(true) => self.observe_later(token, arrival.source, None),
            Ok(false) => {}
            Err(error) => tracing::warn!(%error, "recording an egress arrival failed"),
        }
    }

    /// [`Self::observe`] in a task of its own, so a conversation never
    /// waits for the sender checks' DNS lookups.
    fn observe_later(&self, token: &str, source: IpAddr, ehlo: Option<String>) {
        if let Some(checks) = &self.config.senders {
            let (store, checks) = (self.store.clone(), checks.clone());
            let (token, source) = (token.to_owned(), unmap(source));
            tokio::spawn(async move {
                crate::sender::observe(&store, &checks, &token, source, ehlo.as_deref()).await;
            });
        }
    }

    /// Notes that `source` reached the probe for the live test `token`,
    /// with the EHLO name a real MTA announced (`None` for the
    /// one-liners, whose EHLO name is the token): runs the sender checks
    /// once per source and test, or adds the EHLO match to a source
    /// already checked. Returns when done; nothing for an unknown token.
    pub async fn observe(&self, token: &str, source: IpAddr, ehlo: Option<&str>) {
        if let Some(checks) = &self.config.senders {
            crate::sender::observe(&self.store, checks, token, unmap(source), ehlo).await;
        }
    }

    /// Greets (when `greet`: not after STARTTLS) and answers lines
    /// until the conversation closes, asks for TLS, or a limit is hit.
    async fn session<S: AsyncRead + AsyncWrite + Unpin>(
        &self,
        stream: &mut S,
        conversation: &mut Conversation,
        seen: &mut Seen,
        greet: bool,
    ) -> io::Result<End> {
        let idle = self.config.idle;
        if greet {
            stream.write_all(conversation.greeting().as_bytes()).await?;
        }
        let mut buffer = [0u8; MAX_LINE];
        let mut filled = 0;
        loop {
            while let Some(end) = buffer[..filled].iter().position(|&b| b == b'\n') {
                let line = &buffer[..end];
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                let mut answer = conversation.line(line);
                buffer.copy_within(end + 1..filled, 0);
                filled -= end + 1;
                if let Some((token, presented)) = answer.presented.take() {
                    let arrival = self.arrival(seen, presented);
                    self.record(&token, seen.id, &arrival).await;
                    seen.arrival = Some((token, arrival));
                }
                // The mail path's futures (store look-ups, reading and
                // analysing a message) are boxed, so that they take memory
                // only while a connection uses them: inline, their state
                // would be part of every idle connection's.
                if answer.next == Next::CheckRecipient {
                    let live = Box::pin(self.live(conversation.recipient_token())).await;
                    answer = conversation.recipient(live);
                }
                if answer.next == Next::Data {
                    // One message buffer per connection, and at most
                    // MAX_MESSAGES of them at once.
                    let Ok(_permit) = self.messages.clone().try_acquire_owned() else {
                        stream.write_all(MESSAGES_BUSY.as_bytes()).await?;
                        return Ok(End::Closed);
                    };
                    stream.write_all(answer.reply.as_bytes()).await?;
                    answer = Box::pin(self.message(
                        stream,
                        &mut buffer,
                        &mut filled,
                        conversation,
                        seen,
                    ))
                    .await?;
                }
                stream.write_all(answer.reply.as_bytes()).await?;
                match answer.next {
                    Next::Read => {}
                    Next::CheckRecipient | Next::Data => {}
                    Next::Close => return Ok(End::Closed),
                    // Anything sent after STARTTLS in clear text is dropped
                    // with the buffer (no command injection, RFC 3207 5).
                    Next::StartTls => return Ok(End::StartTls),
                }
            }
            if filled == buffer.len() {
                stream.write_all(LINE_TOO_LONG.as_bytes()).await?;
                return Ok(End::Closed);
            }
            match timeout(idle, stream.read(&mut buffer[filled..])).await {
                Err(_) => {
                    let _ =
                        timeout(Duration::from_secs(1), stream.write_all(IDLE.as_bytes())).await;
                    return Ok(End::Closed);
                }
                Ok(read) => {
                    let read = read?;
                    if read == 0 {
                        return Ok(End::Closed);
                    }
                    filled += read;
                }
            }
        }
    }

    fn arrival(&self, seen: &Seen, presented: Presented) -> Arrival {
        Arrival {
            port: seen.port,
            at_ms: now_ms(),
            source: seen.source,
            family: Family::of(&seen.source),
            presented,
            tls: seen.tls.clone(),
        }
    }
}
