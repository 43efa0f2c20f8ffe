//! The store: egress tests, the result cache and the rate limits, behind
//! one interface, in this process's memory or in Redis.
//!
//! In memory (the default) one instance keeps everything. With
//! `--store redis://...` every instance reads and writes the same Redis, so
//! several probe instances behind a load balancer share it all: a
//! connection that lands on instance B completes an egress test created on
//! instance A, a report one instance made is reused by the others, and a
//! client's rate limit is one limit however many instances it reaches
//! (GCRA, computed inside Redis by a Lua script on Redis's own clock).
//! Every key expires by itself, so nothing is kept past its time. What this
//! module is not: the policies (which limits, which TTLs); those come from
//! [`crate::api`].

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use port25_core::probe_types::egress::{Arrival, MailReport};
use port25_core::probe_types::sender::SenderReport;
use port25_core::probe_types::{
    ApiError, Event, JobState, JobStatus, ProbeReport, ProbeRequest, ProgressEvent,
};
use port25_core::sender::MAX_SOURCES;
use redis::aio::ConnectionManager;
use serde::{Deserialize, Serialize};

use crate::jobs::{lock, JobHandle, Jobs};
use crate::limits::{limit_key, ClientLimiter};

/// The most arrivals one egress test keeps.
pub const MAX_ARRIVALS: usize = 32;

/// The most mail reports one egress test keeps.
pub const MAX_MAIL: usize = 5;

/// The prefix of every Redis key, so a shared Redis can hold other data.
const PREFIX: &str = "port25:";

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// An egress test as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EgressRecord {
    /// Its token.
    pub token: String,
    /// Created, ms since the epoch.
    pub created_ms: u64,
    /// Forgotten, ms since the epoch.
    pub expires_ms: u64,
}

/// Why the store could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The store holds as many live egress tests as it allows.
    #[error("the store is full")]
    Full,
    /// Redis failed or could not be reached; the text is for the log only.
    #[error("store: {0}")]
    Backend(String),
}

impl From<redis::RedisError> for StoreError {
    fn from(error: redis::RedisError) -> Self {
        StoreError::Backend(error.to_string())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(error: serde_json::Error) -> Self {
        StoreError::Backend(error.to_string())
    }
}

/// Limits every store applies.
#[derive(Debug, Clone, Copy)]
pub struct StoreLimits {
    /// Requests one client may start per minute.
    pub rate_per_minute: u32,
    /// How many back to back.
    pub rate_burst: u32,
    /// How long a report is reused (zero: never).
    pub cache_ttl: Duration,
    /// How many reports the memory store caches.
    pub cache_capacity: u64,
    /// How many live egress tests the memory store keeps.
    pub max_egress: usize,
    /// How long a probe job can be polled after it starts.
    pub job_ttl: Duration,
    /// How many probe jobs the memory store keeps.
    pub max_jobs: usize,
}

/// A probe job as a Redis store keeps it (its events are a list beside it).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct JobRecord {
    id: String,
    request: ProbeRequest,
    state: JobState,
    cached: bool,
    started_ms: u64,
    finished_ms: Option<u64>,
    report: Option<ProbeReport>,
    error: Option<ApiError>,
}

/// A job being written to: its id, and where it lives.
#[derive(Clone)]
pub enum JobRef {
    /// In this process.
    Memory(JobHandle),
    /// In Redis: its id and start time.
    Redis {
        /// The job's id.
        id: String,
        /// When it started, ms since the epoch.
        started_ms: u64,
    },
}

impl JobRef {
    /// The job's id.
    pub fn id(&self) -> String {
        match self {
            JobRef::Memory(job) => lock(job).id().to_owned(),
            JobRef::Redis { id, .. } => id.clone(),
        }
    }
}

/// The store: memory or Redis.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    limits: StoreLimits,
}

#[derive(Clone)]
enum Backend {
    Memory(Arc<Memory>),
    Redis(ConnectionManager),
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("kind", &self.kind())
            .field("limits", &self.limits)
            .finish()
    }
}

/// A test and its arrivals by connection id.
type EgressEntry = (EgressRecord, BTreeMap<u64, Arrival>);

/// A test's sender checks: its expiry, each source's report once its
/// checks ended (`None` while they run), the sources whose EHLO name was
/// checked.
#[derive(Default)]
struct SenderEntry {
    expires_ms: u64,
    sources: BTreeMap<IpAddr, Option<SenderReport>>,
    ehlo: std::collections::BTreeSet<IpAddr>,
}

/// What a claim on a source's sender checks got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// This caller runs the checks.
    Won,
    /// Another caller (on this instance or another) has them.
    Taken,
    /// No live test, or it has [`MAX_SOURCES`] sources already.
    Refused,
}

struct Memory {
    jobs: Jobs,
    egress: Mutex<HashMap<String, EgressEntry>>,
    senders: Mutex<HashMap<String, SenderEntry>>,
    /// Mail reports by test, dropped with their test.
    mail: Mutex<HashMap<String, Vec<MailReport>>>,
    limiter: ClientLimiter,
    cache: moka::sync::Cache<String, Arc<ProbeReport>>,
}

fn locked<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// GCRA (the generic cell rate algorithm) on Redis's clock. KEYS[1] holds
/// the theoretical arrival time in ms; ARGV[1] is the emission interval
/// (ms per request), ARGV[2] the burst. Returns 0 when admitted, else the
/// ms to wait.
const GCRA: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = interval * (tonumber(ARGV[2]) - 1)
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local allow_at = tat - tolerance
if now < allow_at then return allow_at - now end
local new_tat = tat + interval
redis.call('SET', KEYS[1], new_tat, 'PX', new_tat - now)
return 0
";

/// Claims a field of a test's hash while the test lives, up to a cap.
/// KEYS[1] the test, KEYS[2] the hash; ARGV[1] the field, ARGV[2] the cap.
/// Returns 2 when claimed now, 1 when claimed before, 0 when refused.
const CLAIM: &str = r"
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then return 0 end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 1 end
if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], '')
redis.call('PEXPIRE', KEYS[2], ttl)
return 2
";

/// Adds or updates an arrival only while its test lives, up to a cap.
/// KEYS[1] the test, KEYS[2] its arrivals; ARGV[1] the connection id,
/// ARGV[2] the arrival, ARGV[3] the cap.
/// Appends a mail report to a live test's list (KEYS[2]) unless it holds
/// ARGV[2] already; the list expires with the test (KEYS[1]).
const MAIL: &str = r"
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then return 0 end
if redis.call('LLEN', KEYS[2]) >= tonumber(ARGV[2]) then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ttl)
return 1
";

const ARRIVE: &str = r"
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then return 0 end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 and redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ttl)
return 1
";

impl Store {
    /// A store in this process's memory.
    pub fn memory(limits: StoreLimits) -> Self {
        let cache = moka::sync::Cache::builder()
            .max_capacity(limits.cache_capacity)
            .time_to_live(limits.cache_ttl.max(Duration::from_millis(1)))
            .build();
        Store {
            backend: Backend::Memory(Arc::new(Memory {
                jobs: Jobs::new(limits.max_jobs, limits.job_ttl),
                egress: Mutex::new(HashMap::new()),
                senders: Mutex::new(HashMap::new()),
                mail: Mutex::new(HashMap::new()),
                limiter: ClientLimiter::new(limits.rate_per_minute, limits.rate_burst),
                cache,
            })),
            limits,
        }
    }

    /// A store in Redis at `url` (`redis://host:port/db`), checked with a
    /// PING before it is returned.
    pub async fn redis(url: &str, limits: StoreLimits) -> Result<Self, StoreError> {
        let client = redis::Client::open(url)?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(3)))
            .set_response_timeout(Some(Duration::from_secs(2)))
            .set_number_of_retries(2);
        let mut connection = client.get_connection_manager_with_config(config).await?;
        let _: String = redis::cmd("PING").query_async(&mut connection).await?;
        Ok(Store {
            backend: Backend::Redis(connection),
            limits,
        })
    }

    /// `"memory"` or `"redis"`.
    pub fn kind(&self) -> &'static str {
        match self.backend {
            Backend::Memory(_) => "memory",
            Backend::Redis(_) => "redis",
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &StoreLimits {
        &self.limits
    }

    /// Keeps a new egress test until its expiry.
    pub async fn egress_create(&self, record: &EgressRecord) -> Result<(), StoreError> {
        let now = now_ms();
        match &self.backend {
            Backend::Memory(memory) => {
                let mut tests = locked(&memory.egress);
                tests.retain(|_, (test, _)| test.expires_ms > now);
                locked(&memory.senders).retain(|_, entry| entry.expires_ms > now);
                locked(&memory.mail).retain(|token, _| tests.contains_key(token));
                if tests.len() >= self.limits.max_egress {
                    return Err(StoreError::Full);
                }
                tests.insert(record.token.clone(), (record.clone(), BTreeMap::new()));
                Ok(())
            }
            Backend::Redis(connection) => {
                let ttl = record.expires_ms.saturating_sub(now).max(1);
                let _: () = redis::cmd("SET")
                    .arg(format!("{PREFIX}egress:{}", record.token))
                    .arg(serde_json::to_string(record)?)
                    .arg("PX")
                    .arg(ttl)
                    .arg("NX")
                    .query_async(&mut connection.clone())
                    .await?;
                Ok(())
            }
        }
    }

    /// A live egress test and its arrivals, oldest first.
    pub async fn egress_get(
        &self,
        token: &str,
    ) -> Result<Option<(EgressRecord, Vec<Arrival>)>, StoreError> {
        let now = now_ms();
        let (record, mut arrivals) = match &self.backend {
            Backend::Memory(memory) => {
                let tests = locked(&memory.egress);
                let Some((record, arrivals)) = tests.get(token) else {
                    return Ok(None);
                };
                (record.clone(), arrivals.values().cloned().collect())
            }
            Backend::Redis(connection) => {
                let mut connection = connection.clone();
                let record: Option<String> = redis::cmd("GET")
                    .arg(format!("{PREFIX}egress:{token}"))
                    .query_async(&mut connection)
                    .await?;
                let Some(record) = record else {
                    return Ok(None);
                };
                let record: EgressRecord = serde_json::from_str(&record)?;
                let values: Vec<String> = redis::cmd("HVALS")
                    .arg(format!("{PREFIX}egress:{token}:arrivals"))
                    .query_async(&mut connection)
                    .await?;
                let arrivals = values
                    .iter()
                    .filter_map(|value| serde_json::from_str::<Arrival>(value).ok())
                    .collect::<Vec<_>>();
                (record, arrivals)
            }
        };
        if record.expires_ms <= now {
            return Ok(None);
        }
        arrivals.sort_by_key(|arrival| arrival.at_ms);
        Ok(Some((record, arrivals)))
    }

    /// Records (or updates, for the same `connection`) an arrival for a
    /// live test; `false` when there is no such test or it has
    /// [`MAX_ARRIVALS`] already.
    pub async fn egress_arrival(
        &self,
        token: &str,
        connection_id: u64,
        arrival: &Arrival,
    ) -> Result<bool, StoreError> {
        match &self.backend {
            Backend::Memory(memory) => {
                let mut tests = locked(&memory.egress);
                let Some((record, arrivals)) = tests.get_mut(token) else {
                    return Ok(false);
                };
                if record.expires_ms <= now_ms()
                    || (arrivals.len() >= MAX_ARRIVALS && !arrivals.contains_key(&connection_id))
                {
                    return Ok(false);
                }
                arrivals.insert(connection_id, arrival.clone());
                Ok(true)
            }
            Backend::Redis(connection) => {
                let added: i64 = redis::Script::new(ARRIVE)
                    .key(format!("{PREFIX}egress:{token}"))
                    .key(format!("{PREFIX}egress:{token}:arrivals"))
                    .arg(connection_id)
                    .arg(serde_json::to_string(arrival)?)
                    .arg(MAX_ARRIVALS)
                    .invoke_async(&mut connection.clone())
                    .await?;
                Ok(added == 1)
            }
        }
    }

    /// Claims the sender checks of `source` for a live test: exactly one
    /// caller, on any instance, gets [`Claim::Won`] and runs them; at most
    /// [`MAX_SOURCES`] sources per test.
    pub async fn sender_claim(&self, token: &str, source: IpAddr) -> Result<Claim, StoreError> {
        self.claim(token, source, false).await
    }

    /// Claims the EHLO check of `source` (whose sender checks were claimed):
    /// once per source and test.
    pub async fn sender_claim_ehlo(
        &self,
        token: &str,
        source: IpAddr,
    ) -> Result<Claim, StoreError> {
        self.claim(token, source, true).await
    }

    async fn claim(&self, token: &str, source: IpAddr, ehlo: bool) -> Result<Claim, StoreError> {
        let now = now_ms();
        match &self.backend {
            Backend::Memory(memory) => {
                let expires_ms = {
                    let tests = locked(&memory.egress);
                    match tests.get(token) {
                        Some((record, _)) if record.expires_ms > now => record.expires_ms,
                        _ => return Ok(Claim::Refused),
                    }
                };
                let mut senders = locked(&memory.senders);
                senders.retain(|_, entry| entry.expires_ms > now);
                let entry = senders.entry(token.to_owned()).or_default();
                entry.expires_ms = expires_ms;
                if ehlo {
                    if !entry.sources.contains_key(&source) {
                        return Ok(Claim::Refused);
                    }
                    return Ok(if entry.ehlo.insert(source) {
                        Claim::Won
                    } else {
                        Claim::Taken
                    });
                }
                if entry.sources.contains_key(&source) {
                    return Ok(Claim::Taken);
                }
                if entry.sources.len() >= MAX_SOURCES {
                    return Ok(Claim::Refused);
                }
                entry.sources.insert(source, None);
                Ok(Claim::Won)
            }
            Backend::Redis(connection) => {
                let hash = if ehlo { "sender-ehlo" } else { "senders" };
                let claimed: i64 = redis::Script::new(CLAIM)
                    .key(format!("{PREFIX}egress:{token}"))
                    .key(format!("{PREFIX}egress:{token}:{hash}"))
                    .arg(source.to_string())
                    .arg(MAX_SOURCES)
                    .invoke_async(&mut connection.clone())
                    .await?;
                Ok(match claimed {
                    2 => Claim::Won,
                    1 => Claim::Taken,
                    _ => Claim::Refused,
                })
            }
        }
    }

    /// Keeps (or replaces) the report of a claimed source while its test
    /// lives; `false` when the test is gone.
    pub async fn sender_put(&self, token: &str, report: &SenderReport) -> Result<bool, StoreError> {
        match &self.backend {
            Backend::Memory(memory) => {
                let mut senders = locked(&memory.senders);
                let Some(entry) = senders.get_mut(token) else {
                    return Ok(false);
                };
                if entry.expires_ms <= now_ms() {
                    return Ok(false);
                }
                match entry.sources.get_mut(&report.source) {
                    Some(slot) => {
                        *slot = Some(report.clone());
                        Ok(true)
                    }
                    None => Ok(false),
                }
            }
            Backend::Redis(connection) => {
                let added: i64 = redis::Script::new(ARRIVE)
                    .key(format!("{PREFIX}egress:{token}"))
                    .key(format!("{PREFIX}egress:{token}:senders"))
                    .arg(report.source.to_string())
                    .arg(serde_json::to_string(report)?)
                    .arg(MAX_SOURCES)
                    .invoke_async(&mut connection.clone())
                    .await?;
                Ok(added == 1)
            }
        }
    }

    /// Keeps a mail report for a live test; `false` when there is no such
    /// test or it has [`MAX_MAIL`] already.
    pub async fn egress_mail(&self, token: &str, report: &MailReport) -> Result<bool, StoreError> {
        match &self.backend {
            Backend::Memory(memory) => {
                let tests = locked(&memory.egress);
                let live = tests
                    .get(token)
                    .is_some_and(|(record, _)| record.expires_ms > now_ms());
                if !live {
                    return Ok(false);
                }
                let mut mail = locked(&memory.mail);
                let reports = mail.entry(token.to_owned()).or_default();
                if reports.len() >= MAX_MAIL {
                    return Ok(false);
                }
                reports.push(report.clone());
                Ok(true)
            }
            Backend::Redis(connection) => {
                let added: i64 = redis::Script::new(MAIL)
                    .key(format!("{PREFIX}egress:{token}"))
                    .key(format!("{PREFIX}egress:{token}:mail"))
                    .arg(serde_json::to_string(report)?)
                    .arg(MAX_MAIL)
                    .invoke_async(&mut connection.clone())
                    .await?;
                Ok(added == 1)
            }
        }
    }

    /// The sender reports of a test whose checks ended, by address.
    pub async fn sender_reports(&self, token: &str) -> Result<Vec<SenderReport>, StoreError> {
        let mut reports: Vec<SenderReport> = match &self.backend {
            Backend::Memory(memory) => {
                let senders = locked(&memory.senders);
                match senders.get(token) {
                    Some(entry) if entry.expires_ms > now_ms() => {
                        entry.sources.values().flatten().cloned().collect()
                    }
                    _ => Vec::new(),
                }
            }
            Backend::Redis(connection) => {
                let values: Vec<String> = redis::cmd("HVALS")
                    .arg(format!("{PREFIX}egress:{token}:senders"))
                    .query_async(&mut connection.clone())
                    .await?;
                values
                    .iter()
                    .filter(|value| !value.is_empty())
                    .filter_map(|value| serde_json::from_str(value).ok())
                    .collect()
            }
        };
        reports.sort_by_key(|report| report.source);
        Ok(reports)
    }

    /// The mail reports of a test, oldest first (none once it expired).
    pub async fn egress_mail_reports(&self, token: &str) -> Result<Vec<MailReport>, StoreError> {
        match &self.backend {
            Backend::Memory(memory) => {
                let live = locked(&memory.egress)
                    .get(token)
                    .is_some_and(|(record, _)| record.expires_ms > now_ms());
                Ok(if live {
                    locked(&memory.mail).get(token).cloned().unwrap_or_default()
                } else {
                    Vec::new()
                })
            }
            Backend::Redis(connection) => {
                let values: Vec<String> = redis::cmd("LRANGE")
                    .arg(format!("{PREFIX}egress:{token}:mail"))
                    .arg(0)
                    .arg(-1)
                    .query_async(&mut connection.clone())
                    .await?;
                Ok(values
                    .iter()
                    .filter_map(|value| serde_json::from_str(value).ok())
                    .collect())
            }
        }
    }

    /// Counts one request from `client` against its rate limit; the inner
    /// `Err` is how long it must wait.
    pub async fn rate_check(&self, client: IpAddr) -> Result<Result<(), Duration>, StoreError> {
        match &self.backend {
            Backend::Memory(memory) => Ok(memory.limiter.check(client)),
            Backend::Redis(connection) => {
                let per_minute = u64::from(self.limits.rate_per_minute.max(1));
                let interval = (60_000 / per_minute).max(1);
                let wait: u64 = redis::Script::new(GCRA)
                    .key(format!("{PREFIX}rate:{}", limit_key(client)))
                    .arg(interval)
                    .arg(self.limits.rate_burst.max(1))
                    .invoke_async(&mut connection.clone())
                    .await?;
                Ok(if wait == 0 {
                    Ok(())
                } else {
                    Err(Duration::from_millis(wait))
                })
            }
        }
    }

    /// Starts a running job for `request`; [`StoreError::Full`] when the
    /// memory store keeps as many live jobs as it allows.
    pub async fn job_create(
        &self,
        request: &ProbeRequest,
        cached: bool,
    ) -> Result<JobRef, StoreError> {
        match &self.backend {
            Backend::Memory(memory) => memory
                .jobs
                .create(request.clone(), cached)
                .map(JobRef::Memory)
                .map_err(|_| StoreError::Full),
            Backend::Redis(connection) => {
                let record = JobRecord {
                    id: uuid::Uuid::new_v4().simple().to_string(),
                    request: request.clone(),
                    state: JobState::Running,
                    cached,
                    started_ms: now_ms(),
                    finished_ms: None,
                    report: None,
                    error: None,
                };
                let _: () = redis::cmd("SET")
                    .arg(format!("{PREFIX}job:{}", record.id))
                    .arg(serde_json::to_string(&record)?)
                    .arg("PX")
                    .arg(self.job_ttl_ms())
                    .query_async(&mut connection.clone())
                    .await?;
                Ok(JobRef::Redis {
                    id: record.id,
                    started_ms: record.started_ms,
                })
            }
        }
    }

    fn job_ttl_ms(&self) -> u64 {
        u64::try_from(self.limits.job_ttl.as_millis())
            .unwrap_or(u64::MAX)
            .max(1)
    }

    /// Appends a progress event to a job ([`Event::Done`] is not kept).
    pub async fn job_push(&self, job: &JobRef, event: Event) -> Result<(), StoreError> {
        match (job, &self.backend) {
            (JobRef::Memory(job), _) => {
                lock(job).push(event);
                Ok(())
            }
            (JobRef::Redis { id, started_ms }, Backend::Redis(connection)) => {
                if matches!(event, Event::Done { .. }) {
                    return Ok(());
                }
                let stored = ProgressEvent {
                    seq: 0,
                    at_ms: now_ms().saturating_sub(*started_ms),
                    event,
                };
                let key = format!("{PREFIX}job:{id}:events");
                let mut connection = connection.clone();
                let _: () = redis::pipe()
                    .cmd("RPUSH")
                    .arg(&key)
                    .arg(serde_json::to_string(&stored)?)
                    .ignore()
                    .cmd("PEXPIRE")
                    .arg(&key)
                    .arg(self.job_ttl_ms())
                    .ignore()
                    .query_async(&mut connection)
                    .await?;
                Ok(())
            }
            (JobRef::Redis { .. }, Backend::Memory(_)) => {
                Err(StoreError::Backend("a Redis job in a memory store".into()))
            }
        }
    }

    /// Ends a job: done with `report`, or failed with `error`.
    pub async fn job_end(
        &self,
        job: &JobRef,
        outcome: Result<Arc<ProbeReport>, ApiError>,
    ) -> Result<(), StoreError> {
        match (job, &self.backend) {
            (JobRef::Memory(job), _) => {
                let mut job = lock(job);
                match outcome {
                    Ok(report) => job.finish(report),
                    Err(error) => job.fail(error),
                }
                Ok(())
            }
            (JobRef::Redis { id, .. }, Backend::Redis(connection)) => {
                let key = format!("{PREFIX}job:{id}");
                let mut connection = connection.clone();
                let current: Option<String> = redis::cmd("GET")
                    .arg(&key)
                    .query_async(&mut connection)
                    .await?;
                let Some(current) = current else {
                    return Ok(()); // expired meanwhile
                };
                let mut record: JobRecord = serde_json::from_str(&current)?;
                record.finished_ms = Some(now_ms());
                match outcome {
                    Ok(report) => {
                        record.state = JobState::Done;
                        record.report = Some((*report).clone());
                    }
                    Err(error) => {
                        self.job_push(
                            job,
                            Event::Failed {
                                message: error.message.clone(),
                            },
                        )
                        .await?;
                        record.state = JobState::Failed;
                        record.error = Some(error);
                    }
                }
                let _: () = redis::cmd("SET")
                    .arg(&key)
                    .arg(serde_json::to_string(&record)?)
                    .arg("KEEPTTL")
                    .arg("XX")
                    .query_async(&mut connection)
                    .await?;
                Ok(())
            }
            (JobRef::Redis { .. }, Backend::Memory(_)) => {
                Err(StoreError::Backend("a Redis job in a memory store".into()))
            }
        }
    }

    /// A live job's status with its progress events from `since` on.
    pub async fn job_status(&self, id: &str, since: u32) -> Result<Option<JobStatus>, StoreError> {
        match &self.backend {
            Backend::Memory(memory) => Ok(memory
                .jobs
                .get(id)
                .map(|job| lock(&job).status(since, memory.jobs.ttl()))),
            Backend::Redis(connection) => {
                if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Ok(None);
                }
                let key = format!("{PREFIX}job:{id}");
                let mut connection = connection.clone();
                let (record, ttl, events): (Option<String>, i64, Vec<String>) = redis::pipe()
                    .cmd("GET")
                    .arg(&key)
                    .cmd("PTTL")
                    .arg(&key)
                    .cmd("LRANGE")
                    .arg(format!("{key}:events"))
                    .arg(since)
                    .arg(-1)
                    .query_async(&mut connection)
                    .await?;
                let Some(record) = record else {
                    return Ok(None);
                };
                let record: JobRecord = serde_json::from_str(&record)?;
                let mut progress = Vec::with_capacity(events.len());
                for (index, event) in events.iter().enumerate() {
                    let mut event: ProgressEvent = serde_json::from_str(event)?;
                    event.seq = since.saturating_add(u32::try_from(index).unwrap_or(u32::MAX));
                    progress.push(event);
                }
                let next_since = since.saturating_add(u32::try_from(progress.len()).unwrap_or(0));
                let end = record.finished_ms.unwrap_or_else(now_ms);
                Ok(Some(JobStatus {
                    id: record.id,
                    state: record.state,
                    request: record.request,
                    cached: record.cached,
                    elapsed_ms: end.saturating_sub(record.started_ms),
                    progress,
                    next_since,
                    report: record.report,
                    error: record.error,
                    expires_in_s: u64::try_from(ttl.max(0)).unwrap_or(0) / 1000,
                }))
            }
        }
    }

    /// A cached report, if one is fresh.
    pub async fn cache_get(&self, key: &str) -> Result<Option<Arc<ProbeReport>>, StoreError> {
        if self.limits.cache_ttl.is_zero() {
            return Ok(None);
        }
        match &self.backend {
            Backend::Memory(memory) => Ok(memory.cache.get(key)),
            Backend::Redis(connection) => {
                let value: Option<String> = redis::cmd("GET")
                    .arg(format!("{PREFIX}cache:{key}"))
                    .query_async(&mut connection.clone())
                    .await?;
                Ok(match value {
                    Some(value) => Some(Arc::new(serde_json::from_str(&value)?)),
                    None => None,
                })
            }
        }
    }

    /// Caches a report for the cache's TTL.
    pub async fn cache_put(&self, key: &str, report: &Arc<ProbeReport>) -> Result<(), StoreError> {
        let ttl = self.limits.cache_ttl;
        if ttl.is_zero() {
            return Ok(());
        }
        match &self.backend {
            Backend::Memory(memory) => {
                memory.cache.insert(key.to_owned(), report.clone());
                Ok(())
            }
            Backend::Redis(connection) => {
                let _: () = redis::cmd("SET")
                    .arg(format!("{PREFIX}cache:{key}"))
                    .arg(serde_json::to_string(&**report)?)
                    .arg("PX")
                    .arg(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX))
                    .query_async(&mut connection.clone())
                    .await?;
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use port25_core::probe_types::egress::Presented;
    use port25_core::probe_types::Family;

    use super::*;

    fn limits() -> StoreLimits {
        StoreLimits {
            rate_per_minute: 6,
            rate_burst: 2,
            cache_ttl: Duration::from_secs(60),
            cache_capacity: 8,
            max_egress: 2,
            job_ttl: Duration::from_secs(60),
            max_jobs: 4,
        }
    }

    fn arrival(port: u16, at_ms: u64) -> Arrival {
        Arrival {
            port,
            at_ms,
            source: "192.0.2.7".parse().unwrap(),
            family: Family::Ipv4,
            presented: Presented::Ehlo,
            tls: None,
        }
    }

    #[tokio::test]
    async fn memory_egress_tests_are_bounded_and_take_arrivals_while_live() {
        let store = Store::memory(limits());
        let now = now_ms();
        let live = |token: &str| EgressRecord {
            token: token.into(),
            created_ms: now,
            expires_ms: now + 60_000,
        };
        store.egress_create(&live("a")).await.unwrap();
        store.egress_create(&live("b")).await.unwrap();
        assert_eq!(store.egress_create(&live("c")).await, Err(StoreError::Full));
        assert!(store
            .egress_arrival("a", 1, &arrival(587, 2))
            .await
            .unwrap());
        assert!(store.egress_arrival("a", 2, &arrival(25, 1)).await.unwrap());
        let mut tls = arrival(587, 2);
        tls.tls = Some("TLSv1.3".into());
        assert!(store.egress_arrival("a", 1, &tls).await.unwrap(), "update");
        assert!(!store
            .egress_arrival("nope", 3, &arrival(25, 1))
            .await
            .unwrap());
        let (_, arrivals) = store.egress_get("a").await.unwrap().unwrap();
        assert_eq!(arrivals.len(), 2);
        assert_eq!(arrivals[0].port, 25, "oldest first");
        assert_eq!(arrivals[1].tls.as_deref(), Some("TLSv1.3"));
        for id in 10..(10 + MAX_ARRIVALS as u64) {
            store
                .egress_arrival("b", id, &arrival(25, id))
                .await
                .unwrap();
        }
        assert!(!store
            .egress_arrival("b", 999, &arrival(25, 1))
            .await
            .unwrap());
        let expired = EgressRecord {
            expires_ms: now - 1,
            ..live("d")
        };
        locked(match &store.backend {
            Backend::Memory(memory) => &memory.egress,
            Backend::Redis(_) => unreachable!(),
        })
        .insert("d".into(), (expired, BTreeMap::new()));
        assert_eq!(store.egress_get("d").await.unwrap(), None);
        assert!(!store.egress_arrival("d", 1, &arrival(25, 1)).await.unwrap());
        // Mail reports: a bounded number per live test, none for others.
        let report: MailReport = serde_json::from_value(serde_json::json!({
            "at_ms": 1, "port": 25, "source": "192.0.2.1", "family": "ipv4",
            "ehlo": "mail.example.org", "tls": null, "tls_mode": null,
            "mail_from": "", "size": 10, "from": null, "to": null, "subject": null,
            "date": null, "message_id": null, "received": [],
            "authentication_results": [],
            "spf": {"domain": "example.org", "result": "none"},
            "dkim": [], "dmarc": null
        }))
        .unwrap();
        for _ in 0..MAX_MAIL {
            assert!(store.egress_mail("a", &report).await.unwrap());
        }
        assert!(!store.egress_mail("a", &report).await.unwrap(), "bounded");
        assert!(!store.egress_mail("d", &report).await.unwrap(), "expired");
        assert!(!store.egress_mail("zz", &report).await.unwrap(), "unknown");
        assert_eq!(
            store.egress_mail_reports("a").await.unwrap().len(),
            MAX_MAIL
        );
        assert!(store.egress_mail_reports("d").await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn memory_sender_claims_are_once_per_source_and_end_with_the_test() {
        let store = Store::memory(limits());
        let now = now_ms();
        let record = EgressRecord {
            token: "a".into(),
            created_ms: now,
            expires_ms: now + 60_000,
        };
        store.egress_create(&record).await.unwrap();
        let source: IpAddr = "192.0.2.7".parse().unwrap();
        let ehlo = |s| store.sender_claim_ehlo("a", s);
        assert_eq!(
            ehlo(source).await.unwrap(),
            Claim::Refused,
            "not claimed yet"
        );
        assert_eq!(store.sender_claim("a", source).await.unwrap(), Claim::Won);
        assert_eq!(store.sender_claim("a", source).await.unwrap(), Claim::Taken);
        assert_eq!(ehlo(source).await.unwrap(), Claim::Won);
        assert_eq!(ehlo(source).await.unwrap(), Claim::Taken);
        assert_eq!(
            store.sender_claim("b", source).await.unwrap(),
            Claim::Refused
        );
        assert!(
            store.sender_reports("a").await.unwrap().is_empty(),
            "running"
        );
        let report = SenderReport {
            source,
            checked_ms: now,
            reverse: port25_core::probe_types::sender::ReverseDns {
                ptr: port25_core::probe_types::sender::PtrState::None,
                names: Vec::new(),
                confirmed: Vec::new(),
                failure: None,
            },
            ehlo: None,
            lists: Vec::new(),
            public_resolver: None,
        };
        assert!(store.sender_put("a", &report).await.unwrap());
        let mut stranger = report.clone();
        stranger.source = "192.0.2.8".parse().unwrap();
        assert!(
            !store.sender_put("a", &stranger).await.unwrap(),
            "unclaimed"
        );
        assert_eq!(store.sender_reports("a").await.unwrap(), [report]);
        // Past the test's expiry nothing is served.
        let Backend::Memory(memory) = &store.backend else {
            unreachable!()
        };
        locked(&memory.senders).get_mut("a").unwrap().expires_ms = now - 1;
        assert!(store.sender_reports("a").await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn memory_rate_limit_and_cache() {
        let store = Store::memory(limits());
        let client: IpAddr = "198.51.100.1".parse().unwrap();
        assert!(store.rate_check(client).await.unwrap().is_ok());
        assert!(store.rate_check(client).await.unwrap().is_ok());
        assert!(store.rate_check(client).await.unwrap().is_err());
        assert_eq!(store.cache_get("k").await.unwrap(), None);
    }
}
