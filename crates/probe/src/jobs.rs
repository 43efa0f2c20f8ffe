//! Probe jobs: a probe running in the background whose progress a browser
//! polls with plain `fetch`.
//!
//! `POST /api/v1/probes` creates a [`Job`] and answers `202` with its id;
//! `GET /api/v1/probes/{id}` reads its [`JobStatus`]: the ordered progress
//! events so far (MX lookup, each connection, each step, each address's
//! result), and the report once done. The store is bounded in size and every
//! job is forgotten [`Jobs::ttl`] after it started. Ids are 128-bit v4 UUIDs
//! from the operating system's random source, so a job can be read only by
//! whoever started it (or was given its id). What this module is not: the
//! probe itself, or the HTTP layer; it only keeps the jobs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use port25_core::probe_types::{
    ApiError, Event, JobState, JobStatus, ProbeReport, ProbeRequest, ProgressEvent,
};
use tokio::time::Instant;

/// The default number of jobs kept at once.
pub const DEFAULT_MAX_JOBS: usize = 256;

/// The default time a job can be polled after it starts.
pub const DEFAULT_JOB_TTL: Duration = Duration::from_secs(300);

/// One job: its request, progress and result.
#[derive(Debug)]
pub struct Job {
    id: String,
    request: ProbeRequest,
    state: JobState,
    cached: bool,
    started: Instant,
    finished: Option<Instant>,
    progress: Vec<ProgressEvent>,
    report: Option<Arc<ProbeReport>>,
    error: Option<ApiError>,
}

impl Job {
    /// The job's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn ms_since_start(&self) -> u64 {
        let end = self.finished.unwrap_or_else(Instant::now);
        u64::try_from(end.duration_since(self.started).as_millis()).unwrap_or(u64::MAX)
    }

    /// Appends a progress event. [`Event::Done`] is not kept: the report is
    /// the job's result, not a progress line.
    pub fn push(&mut self, event: Event) {
        if matches!(event, Event::Done { .. }) {
            return;
        }
        let seq = u32::try_from(self.progress.len()).unwrap_or(u32::MAX);
        let at_ms = self.ms_since_start();
        self.progress.push(ProgressEvent { seq, at_ms, event });
    }

    /// Marks the job done with `report`.
    pub fn finish(&mut self, report: Arc<ProbeReport>) {
        self.state = JobState::Done;
        self.report = Some(report);
        self.finished = Some(Instant::now());
    }

    /// Marks the job failed with a message safe to show.
    pub fn fail(&mut self, error: ApiError) {
        self.push(Event::Failed {
            message: error.message.clone(),
        });
        self.state = JobState::Failed;
        self.error = Some(error);
        self.finished = Some(Instant::now());
    }

    /// Where the job stands, with the progress events from `since` on.
    pub fn status(&self, since: u32, ttl: Duration) -> JobStatus {
        let from = usize::try_from(since)
            .unwrap_or(usize::MAX)
            .min(self.progress.len());
        let expires = (self.started + ttl).saturating_duration_since(Instant::now());
        JobStatus {
            id: self.id.clone(),
            state: self.state,
            request: self.request.clone(),
            cached: self.cached,
            elapsed_ms: self.ms_since_start(),
            progress: self.progress[from..].to_vec(),
            next_since: u32::try_from(self.progress.len()).unwrap_or(u32::MAX),
            report: self.report.as_deref().cloned(),
            error: self.error.clone(),
            expires_in_s: expires.as_secs(),
        }
    }
}

/// A handle on one job, shared by its runner and the pollers.
pub type JobHandle = Arc<Mutex<Job>>;

/// Locks a job, recovering from a poisoned lock: a panicking runner leaves
/// a job that is still safe to read.
pub fn lock(job: &JobHandle) -> MutexGuard<'_, Job> {
    job.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The store was full of live jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full;

/// The jobs the service knows, bounded in number and age.
#[derive(Debug)]
pub struct Jobs {
    jobs: Mutex<HashMap<String, JobHandle>>,
    max: usize,
    ttl: Duration,
    swept: Mutex<Instant>,
}

impl Jobs {
    /// Returns a store of at most `max` jobs (at least one), each kept `ttl`.
    pub fn new(max: usize, ttl: Duration) -> Self {
        Jobs {
            jobs: Mutex::new(HashMap::new()),
            max: max.max(1),
            ttl,
            swept: Mutex::new(Instant::now()),
        }
    }

    /// How long a job is kept after it starts.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    fn map(&self) -> MutexGuard<'_, HashMap<String, JobHandle>> {
        self.jobs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Starts a running job for `request`; `Err(Full)` when `max` live jobs
    /// are kept already.
    pub fn create(&self, request: ProbeRequest, cached: bool) -> Result<JobHandle, Full> {
        let mut jobs = self.map();
        let now = Instant::now();
        let ttl = self.ttl;
        // Sweeping locks every job: done when the store is full or once a
        // second, not on every create (1,000 creates at once made it
        // quadratic and held the map's lock, stalling the event loop).
        let mut swept = self
            .swept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if jobs.len() >= self.max || now.duration_since(*swept) >= Duration::from_secs(1) {
            jobs.retain(|_, job| lock(job).started + ttl > now);
            *swept = now;
        }
        drop(swept);
        if jobs.len() >= self.max {
            return Err(Full);
        }
        let id = uuid::Uuid::new_v4().simple().to_string();
        let job = Arc::new(Mutex::new(Job {
            id: id.clone(),
            request,
            state: JobState::Running,
            cached,
            started: now,
            finished: None,
            progress: Vec::new(),
            report: None,
            error: None,
        }));
        jobs.insert(id, job.clone());
        Ok(job)
    }

    /// Finds a live job by id.
    pub fn get(&self, id: &str) -> Option<JobHandle> {
        let jobs = self.map();
        let job = jobs.get(id)?;
        let live = lock(job).started + self.ttl > Instant::now();
        live.then(|| job.clone())
    }

    /// How many jobs are kept, expired ones included until the next sweep.
    pub fn len(&self) -> usize {
        self.map().len()
    }

    /// Tells whether no job is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use port25_core::probe_types::ProbeMode;

    use super::*;

    fn request() -> ProbeRequest {
        ProbeRequest {
            target: "example.com".into(),
            port: 25,
            mode: ProbeMode::Mx,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn jobs_are_bounded_expire_and_have_random_ids() {
        let jobs = Jobs::new(2, Duration::from_secs(60));
        let a = jobs.create(request(), false).unwrap();
        let b = jobs.create(request(), false).unwrap();
        assert_eq!(jobs.create(request(), false).unwrap_err(), Full);
        let (id_a, id_b) = (lock(&a).id.clone(), lock(&b).id.clone());
        assert_eq!(id_a.len(), 32);
        assert!(id_a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(id_a, id_b);
        assert!(jobs.get(&id_a).is_some());
        assert!(jobs.get("0123456789abcdef0123456789abcdef").is_none());
        tokio::time::advance(Duration::from_secs(61)).await;
        assert!(jobs.get(&id_a).is_none(), "expired");
        assert!(
            jobs.create(request(), false).is_ok(),
            "expired jobs make room"
        );
        assert_eq!(jobs.len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn progress_is_numbered_and_read_from_since() {
        let jobs = Jobs::new(4, Duration::from_secs(60));
        let handle = jobs.create(request(), false).unwrap();
        lock(&handle).push(Event::Connecting {
            exchange: "mx.example.com".into(),
            address: "192.0.2.1".parse().unwrap(),
        });
        tokio::time::advance(Duration::from_millis(250)).await;
        let mut job = lock(&handle);
        job.push(Event::Failed {
            message: "x".into(),
        });
        let status = job.status(0, jobs.ttl());
        assert_eq!(status.state, JobState::Running);
        assert_eq!(status.progress.len(), 2);
        assert_eq!(status.progress[1].seq, 1);
        assert_eq!(status.progress[1].at_ms, 250);
        assert_eq!(status.next_since, 2);
        assert_eq!(status.expires_in_s, 59);
        let later = job.status(1, jobs.ttl());
        assert_eq!(later.progress.len(), 1);
        assert_eq!(later.progress[0].seq, 1);
        assert!(job.status(99, jobs.ttl()).progress.is_empty());
        job.fail(ApiError {
            error: "dns-failed".into(),
            message: "Looking up example.com failed".into(),
            dns: Some(port25_core::probe_types::DnsFailure::Timeout),
        });
        let done = job.status(0, jobs.ttl());
        assert_eq!(done.state, JobState::Failed);
        assert_eq!(done.progress.len(), 3);
        assert_eq!(done.error.unwrap().error, "dns-failed");
    }
}
