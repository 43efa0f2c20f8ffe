//! The probe's HTTP API: probes (synchronous, and as pollable jobs), MX
//! lookups, the service's own description and its OpenAPI document.
//!
//! | route | what |
//! | --- | --- |
//! | `GET /healthz` | liveness |
//! | `GET /api/v1/info` | EHLO name, limits, ports ([`ProbeInfo`]) |
//! | `GET /api/v1/mx?domain=` | MX lookup ([`MxAnswer`]) |
//! | `POST /api/v1/probe` | a probe, answered when done ([`ProbeReport`]) |
//! | `POST /api/v1/probes` | starts a probe job, `202` ([`JobCreated`]) |
//! | `GET /api/v1/probes/{id}?since=` | a job's progress and report ([`JobStatus`]) |
//! | `GET /api/v1/openapi.json` | the OpenAPI 3.1 document of all of the above |
//!
//! Requests pass the same checks as the command line: the request's shape
//! ([`ProbeRequest::validate`]), then the SSRF guard on the target and on
//! every resolved address. Bodies are capped at [`MAX_BODY_BYTES`]. Starting
//! a probe or lookup counts against a per-client rate limit (`429` with
//! `Retry-After`, see [`crate::limits`]) and a global cap of concurrent
//! probes (`503` rather than a queue, so a burst cannot pile up sockets).
//! A finished report is reused for [`ApiConfig::cache_ttl`] for the same
//! target, port and mode, so a popular provider is not probed once per
//! visitor. CORS admits only the configured origins. Every error is JSON
//! ([`ApiError`]) and never carries internals (a panic answers a bare
//! `internal` error). Every route is declared once, with its OpenAPI
//! description, through `utoipa_axum::routes!`, so the served document
//! cannot miss a route.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use ipnet::IpNet;
use port25_core::probe_types::egress::{EgressCreated, EgressStatus};
use port25_core::probe_types::{
    ApiError, Event, JobCreated, JobStatus, MxAnswer, ProbeInfo, ProbeReport, ProbeRequest,
    ALLOWED_PORTS,
};
use port25_core::tester::dns_failure_message;
use serde::Deserialize;
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::egress::Egress;
use crate::jobs::{DEFAULT_JOB_TTL, DEFAULT_MAX_JOBS};
use crate::limits::client_ip;
use crate::store::{now_ms, EgressRecord, JobRef, Store, StoreError, StoreLimits};
use crate::{ProbeError, Prober};

/// The largest request body accepted, in bytes: a probe request is tiny.
pub const MAX_BODY_BYTES: usize = 4 * 1024;

/// The default number of probes and lookups served at once.
pub const DEFAULT_MAX_CONCURRENT: usize = 4;

/// The default per-client rate: probes and lookups started per minute.
pub const DEFAULT_RATE_PER_MINUTE: u32 = 10;

/// The default per-client burst: how many may start back to back.
pub const DEFAULT_RATE_BURST: u32 = 5;

/// The default time a report is reused for the same target.
pub const DEFAULT_CACHE_TTL: Duration = Duration::from_secs(60);

/// The default number of reports cached.
pub const DEFAULT_CACHE_CAPACITY: u64 = 512;

/// The origins CORS admits by default: the local site of `scripts/run.sh`.
pub const DEFAULT_CORS_ORIGINS: [&str; 2] = ["http://127.0.0.1:8080", "http://localhost:8080"];

/// The response header that says whether a report came from the cache.
pub const CACHE_HEADER: &str = "x-port25-cache";

/// How many progress events a running job buffers between its probe and
/// its store; a probe of 8 addresses sends about 80.
const EVENT_BUFFER: usize = 256;

/// The API's limits and policies; [`Default`] gives the documented defaults.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Probes and lookups served at once; more get `503`.
    pub max_concurrent: usize,
    /// Probes and lookups one client may start per minute; more get `429`.
    pub rate_per_minute: u32,
    /// How many a client may start back to back.
    pub rate_burst: u32,
    /// How long a report is reused for the same target, port and mode.
    pub cache_ttl: Duration,
    /// How many reports are cached at most.
    pub cache_capacity: u64,
    /// How long a job can be polled after it starts.
    pub job_ttl: Duration,
    /// How many jobs are kept at most; more get `503`.
    pub max_jobs: usize,
    /// The origins CORS admits, e.g. `https://port25.example`.
    pub cors_origins: Vec<HeaderValue>,
    /// Proxies whose `X-Forwarded-For` is believed; empty by default.
    pub trusted_proxies: Vec<IpNet>,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            max_concurrent: DEFAULT_MAX_CONCURRENT,
            rate_per_minute: DEFAULT_RATE_PER_MINUTE,
            rate_burst: DEFAULT_RATE_BURST,
            cache_ttl: DEFAULT_CACHE_TTL,
            cache_capacity: DEFAULT_CACHE_CAPACITY,
            job_ttl: DEFAULT_JOB_TTL,
            max_jobs: DEFAULT_MAX_JOBS,
            cors_origins: DEFAULT_CORS_ORIGINS
                .iter()
                .map(|origin| HeaderValue::from_static(origin))
                .collect(),
            trusted_proxies: Vec::new(),
        }
    }
}

/// Checks that `text` is a web origin (`scheme://host[:port]`, no path) and
/// returns it as a header value.
pub fn parse_origin(text: &str) -> Result<HeaderValue, String> {
    let text = text.trim().trim_end_matches('/');
    let bad = || format!("{text:?} is not an origin like https://port25.example");
    let (scheme, rest) = text.split_once("://").ok_or_else(bad)?;
    if !matches!(scheme, "http" | "https")
        || rest.is_empty()
        || rest.contains(['/', '?', '#', '@', ' '])
    {
        return Err(bad());
    }
    HeaderValue::from_str(text).map_err(|_| bad())
}

/// Shared state of the API.
#[derive(Debug, Clone)]
pub struct ApiState {
    prober: Arc<Prober>,
    permits: Arc<Semaphore>,
    store: Store,
    egress: Option<Arc<Egress>>,
    work: Option<tokio::runtime::Handle>,
    config: Arc<ApiConfig>,
}

impl ApiConfig {
    /// The limits the store applies, from these settings.
    pub fn store_limits(&self) -> StoreLimits {
        StoreLimits {
            rate_per_minute: self.rate_per_minute,
            rate_burst: self.rate_burst,
            cache_ttl: if self.cache_capacity == 0 {
                Duration::ZERO
            } else {
                self.cache_ttl
            },
            cache_capacity: self.cache_capacity,
            max_egress: DEFAULT_MAX_EGRESS,
            job_ttl: self.job_ttl,
            max_jobs: self.max_jobs,
        }
    }
}

/// The most egress tests the memory store keeps at once.
pub const DEFAULT_MAX_EGRESS: usize = 4096;

impl ApiState {
    /// Returns state running `prober` under `config`, with a store in
    /// memory.
    pub fn new(prober: Prober, config: ApiConfig) -> Self {
        let store = Store::memory(config.store_limits());
        ApiState::with_store(prober, config, store)
    }

    /// Returns state running `prober` under `config` over `store`.
    pub fn with_store(prober: Prober, config: ApiConfig, store: Store) -> Self {
        ApiState {
            prober: Arc::new(prober),
            permits: Arc::new(Semaphore::new(config.max_concurrent.max(1))),
            store,
            egress: None,
            work: None,
            config: Arc::new(config),
        }
    }

    /// Runs probes on `work`, a runtime of their own, so that a thousand
    /// probes waiting on sockets never queue the HTTP answers (`/healthz`,
    /// polls) behind them on the same worker threads.
    pub fn with_work_runtime(mut self, work: tokio::runtime::Handle) -> Self {
        self.work = Some(work);
        self
    }

    fn spawn<F>(&self, future: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match &self.work {
            Some(work) => work.spawn(future),
            None => tokio::spawn(future),
        }
    }

    /// Offers egress tests for `egress`'s listeners (which must use the
    /// same store).
    pub fn with_egress(mut self, egress: Arc<Egress>) -> Self {
        self.egress = Some(egress);
        self
    }

    /// What the service tells about itself at `GET /api/v1/info`.
    pub fn info(&self) -> ProbeInfo {
        let session = &self.prober.session;
        ProbeInfo {
            version: env!("CARGO_PKG_VERSION").into(),
            ehlo_name: session.ehlo_name.clone(),
            ports: ALLOWED_PORTS.to_vec(),
            greeting_timeout_s: session.greeting_timeout.as_secs(),
            deadline_s: session.deadline.as_secs(),
            max_addresses: u32::try_from(self.prober.max_addresses).unwrap_or(u32::MAX),
            max_concurrent: u32::try_from(self.config.max_concurrent.max(1)).unwrap_or(u32::MAX),
            rate_limit_per_minute: self.store.limits().rate_per_minute.max(1),
            rate_limit_burst: self.store.limits().rate_burst.max(1),
            cache_ttl_s: self.config.cache_ttl.as_secs(),
            job_ttl_s: self.store.limits().job_ttl.as_secs(),
        }
    }

    fn permit(&self) -> Result<OwnedSemaphorePermit, Failure> {
        self.permits
            .clone()
            .try_acquire_owned()
            .map_err(|_| Failure::busy())
    }
}

/// The API's description, completed by the routes themselves.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Port25 probe",
        description = "Live SMTP checks a browser cannot make: MX lookup, then per MX and \
address the greeting, EHLO, STARTTLS or implicit TLS, the certificate, QUIT. Never MAIL, \
RCPT or DATA. Starting a probe or lookup is rate-limited per client (429) and capped \
globally (503); errors are JSON.",
        license(name = "MIT")
    ),
    tags(
        (name = "probe", description = "Probes and their jobs"),
        (name = "egress", description = "Egress tests: the user's server connects to the probe"),
        (name = "service", description = "The service itself")
    )
)]
struct ApiDoc;

/// Every route, each declared once with its OpenAPI description.
fn documented_routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(crate::healthz))
        .routes(routes!(info))
        .routes(routes!(openapi_document))
        .routes(routes!(mx))
        .routes(routes!(probe))
        .routes(routes!(start_job))
        .routes(routes!(job_status))
        .routes(routes!(create_egress))
        .routes(routes!(egress_status))
}

/// Returns the OpenAPI 3.1 document of the API, generated from the routes
/// and the wire types.
pub fn openapi() -> utoipa::openapi::OpenApi {
    documented_routes().into_openapi()
}

/// The OpenAPI document as served and checked in: pretty JSON with a final
/// newline.
pub fn openapi_json() -> &'static str {
    static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
        let mut text = openapi()
            .to_pretty_json()
            .unwrap_or_else(|_| "{}".to_owned());
        text.push('\n');
        text
    });
    &DOCUMENT
}

/// Builds the full HTTP application: `/healthz` and the `/api/v1` routes,
/// behind CORS and a panic guard.
///
/// The per-client rate limit needs the peer address: serve the router with
/// `into_make_service_with_connect_info::<SocketAddr>()`. Without it every
/// request counts as one client.
pub fn router(state: ApiState) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(state.config.cors_origins.iter().cloned()))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE])
        .expose_headers([
            header::RETRY_AFTER,
            header::LOCATION,
            HeaderName::from_static(CACHE_HEADER),
        ])
        .max_age(Duration::from_secs(600));
    let (routes, _) = documented_routes().split_for_parts();
    routes
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
        .layer(CatchPanicLayer::custom(|_| {
            Failure::internal().into_response()
        }))
        .layer(cors)
}

/// An API error: a status code, the JSON body and maybe a `Retry-After`.
#[derive(Debug)]
struct Failure {
    status: StatusCode,
    body: ApiError,
    retry_after: Option<u64>,
}

impl Failure {
    fn new(status: StatusCode, error: &str, message: impl Into<String>) -> Self {
        Failure {
            status,
            body: ApiError {
                error: error.into(),
                message: message.into(),
                dns: None,
            },
            retry_after: None,
        }
    }

    fn busy() -> Self {
        Failure {
            retry_after: Some(30),
            ..Failure::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "The probe is running as many checks as it allows; try again in a minute.",
            )
        }
    }

    fn rate_limited(wait: Duration) -> Self {
        // Round up: a client that waits exactly this long gets through.
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let secs = secs.max(1);
        Failure {
            retry_after: Some(secs),
            ..Failure::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                format!("Too many checks from your address; try again in {secs} s."),
            )
        }
    }

    fn internal() -> Self {
        Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "The probe failed unexpectedly; try again later.",
        )
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<ProbeError> for Failure {
    fn from(error: ProbeError) -> Self {
        // Messages come from our own error types, which name only the
        // user's input and public facts, never internals.
        match &error {
            ProbeError::Request(_) => {
                Failure::new(StatusCode::BAD_REQUEST, "bad-request", error.to_string())
            }
            ProbeError::Target(_) => {
                Failure::new(StatusCode::BAD_REQUEST, "bad-target", error.to_string())
            }
            ProbeError::Refused { .. } => Failure::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "refused-target",
                error.to_string(),
            ),
            // The resolver's own error text may name resolver addresses or
            // internals; only the domain, which the user gave, is repeated,
            // with what kind of answer the lookup got.
            ProbeError::Lookup(lookup) => {
                let (domain, failure) = lookup.failure();
                let (status, code) = if failure.is_lookup_failure() {
                    tracing::warn!(%domain, %lookup, "MX lookup failed");
                    (StatusCode::BAD_GATEWAY, "dns-failed")
                } else {
                    (StatusCode::NOT_FOUND, "no-such-domain")
                };
                let mut failure_body =
                    Failure::new(status, code, dns_failure_message(domain, failure));
                failure_body.body.dns = Some(failure);
                failure_body
            }
        }
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Full => Failure::busy(),
            StoreError::Backend(detail) => {
                tracing::warn!(%detail, "store failed");
                Failure {
                    retry_after: Some(5),
                    ..Failure::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "store-unavailable",
                        "The probe's store is not answering; try again shortly.",
                    )
                }
            }
        }
    }
}

impl From<JsonRejection> for Failure {
    fn from(rejection: JsonRejection) -> Self {
        let status = rejection.status();
        let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "too-large"
        } else {
            "bad-json"
        };
        // The rejection's text describes the client's body (serde's message
        // about its fields), nothing of the server.
        Failure::new(status, code, rejection.body_text())
    }
}

impl From<QueryRejection> for Failure {
    fn from(rejection: QueryRejection) -> Self {
        Failure::new(StatusCode::BAD_REQUEST, "bad-query", rejection.body_text())
    }
}

/// A request that passed its client's rate limit.
///
/// Taken by the routes that start network work (probes, jobs, MX lookups);
/// polling a job, `/healthz` and `/api/v1/info` are not limited.
struct Admitted;

impl FromRequestParts<ApiState> for Admitted {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, Failure> {
        // Without connection info (a router served without it, or tests)
        // every request counts as one client: stricter, never looser.
        let peer = ConnectInfo::<SocketAddr>::from_request_parts(parts, state)
            .await
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
        let client = client_ip(peer, &parts.headers, &state.config.trusted_proxies);
        state
            .store
            .rate_check(client)
            .await
            .map_err(Failure::from)?
            .map_err(Failure::rate_limited)?;
        Ok(Admitted)
    }
}

fn with_cache_header(mut response: Response, hit: bool) -> Response {
    response.headers_mut().insert(
        CACHE_HEADER,
        HeaderValue::from_static(if hit { "hit" } else { "miss" }),
    );
    response
}

/// Describes the service: its EHLO name (for allow-lists), ports and limits.
#[utoipa::path(
    get,
    path = "/api/v1/info",
    tag = "service",
    responses((status = 200, description = "The service's settings", body = ProbeInfo))
)]
async fn info(State(state): State<ApiState>) -> Json<ProbeInfo> {
    Json(state.info())
}

/// Serves this document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "service",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json"))
)]
async fn openapi_document() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json()).into_response()
}

/// Probes a domain's MX hosts, or one host, and answers when done.
///
/// For curl and scripts; a page that shows progress starts a job instead.
/// A report is reused for a minute for the same target, port and mode
/// (the `x-port25-cache` header says `hit`).
#[utoipa::path(
    post,
    path = "/api/v1/probe",
    tag = "probe",
    request_body = ProbeRequest,
    responses(
        (status = 200, description = "The report", body = ProbeReport,
            headers(("x-port25-cache" = String, description = "`hit` or `miss`"))),
        (status = 400, description = "Bad JSON, port or target", body = ApiError),
        (status = 404, description = "The domain does not exist", body = ApiError),
        (status = 413, description = "The body is over 4 KiB", body = ApiError),
        (status = 422, description = "Unknown fields, or a target the SSRF guard refuses", body = ApiError),
        (status = 429, description = "This client's rate limit", body = ApiError,
            headers(("retry-after" = u64, description = "Seconds to wait"))),
        (status = 502, description = "The DNS lookup failed", body = ApiError),
        (status = 503, description = "The service runs as many probes as it allows", body = ApiError,
            headers(("retry-after" = u64, description = "Seconds to wait"))),
    )
)]
async fn probe(
    State(state): State<ApiState>,
    _: Admitted,
    body: Result<Json<ProbeRequest>, JsonRejection>,
) -> Result<Response, Failure> {
    let Json(request) = body?;
    let key = state.prober.precheck(&request)?;
    if let Some(report) = state.store.cache_get(&key).await? {
        return Ok(with_cache_header(Json(&*report).into_response(), true));
    }
    let _permit = state.permit()?;
    let prober = state.prober.clone();
    let report = state
        .spawn(async move { prober.probe(&request, None).await })
        .await
        .map_err(|_| Failure::internal())??;
    let report = Arc::new(report);
    state.store.cache_put(&key, &report).await?;
    Ok(with_cache_header(Json(&*report).into_response(), false))
}

/// Starts a probe job and answers at once with where to poll it.
///
/// The checks that need no network (port, target syntax, IP literals
/// through the SSRF guard) answer here; DNS and SMTP results arrive in the
/// job. A cached report makes a job that is done already.
#[utoipa::path(
    post,
    path = "/api/v1/probes",
    tag = "probe",
    request_body = ProbeRequest,
    responses(
        (status = 202, description = "The job started", body = JobCreated,
            headers(("location" = String, description = "The job's poll URL"))),
        (status = 400, description = "Bad JSON, port or target", body = ApiError),
        (status = 413, description = "The body is over 4 KiB", body = ApiError),
        (status = 422, description = "Unknown fields, or a target the SSRF guard refuses", body = ApiError),
        (status = 429, description = "This client's rate limit", body = ApiError,
            headers(("retry-after" = u64, description = "Seconds to wait"))),
        (status = 503, description = "The service runs as many probes or keeps as many jobs as it allows", body = ApiError,
            headers(("retry-after" = u64, description = "Seconds to wait"))),
    )
)]
async fn start_job(
    State(state): State<ApiState>,
    _: Admitted,
    body: Result<Json<ProbeRequest>, JsonRejection>,
) -> Result<Response, Failure> {
    let Json(request) = body?;
    let key = state.prober.precheck(&request)?;
    if let Some(report) = state.store.cache_get(&key).await? {
        let job = state.store.job_create(&request, true).await?;
        // The page shows progress the same way for a cached report.
        state
            .store
            .job_push(
                &job,
                Event::MxResolved {
                    answer: report.mx.clone(),
                },
            )
            .await?;
        for result in &report.results {
            state
                .store
                .job_push(
                    &job,
                    Event::AddressDone {
                        result: Box::new(result.clone()),
                    },
                )
                .await?;
        }
        state.store.job_end(&job, Ok(report)).await?;
        return Ok(created(&job.id(), true));
    }
    let permit = state.permit()?;
    let job = state.store.job_create(&request, false).await?;
    let id = job.id();
    state
        .clone()
        .spawn(run_job(state, job, request, key, permit));
    Ok(created(&id, false))
}

fn created(id: &str, cached: bool) -> Response {
    let poll_url = format!("/api/v1/probes/{id}");
    (
        StatusCode::ACCEPTED,
        [(header::LOCATION, poll_url.clone())],
        Json(JobCreated {
            id: id.to_owned(),
            poll_url,
            cached,
        }),
    )
        .into_response()
}

/// Runs a job's probe, moving its progress events into the job as they
/// come, then its report or error. Holds the concurrency permit throughout.
async fn run_job(
    state: ApiState,
    job: JobRef,
    request: ProbeRequest,
    key: String,
    _permit: OwnedSemaphorePermit,
) {
    let (events, mut received) = mpsc::channel(EVENT_BUFFER);
    let collector = {
        let job = job.clone();
        let store = state.store.clone();
        tokio::spawn(async move {
            while let Some(event) = received.recv().await {
                if let Err(error) = store.job_push(&job, event).await {
                    tracing::warn!(%error, "recording a job's progress failed");
                }
            }
        })
    };
    let prober = state.prober.clone();
    // The probe runs in its own task so that a panic in it fails the job
    // instead of leaving it running until it expires.
    let outcome = tokio::spawn(async move { prober.probe(&request, Some(events)).await }).await;
    // The probe's senders are gone, so the collector ends once drained.
    let _ = collector.await;
    let end = match outcome {
        Ok(Ok(report)) => {
            let report = Arc::new(report);
            if let Err(error) = state.store.cache_put(&key, &report).await {
                tracing::warn!(%error, "caching a report failed");
            }
            Ok(report)
        }
        Ok(Err(error)) => Err(Failure::from(error).body),
        Err(_) => Err(Failure::internal().body),
    };
    if let Err(error) = state.store.job_end(&job, end).await {
        tracing::warn!(%error, "ending a job failed");
    }
}

/// The query of `GET /api/v1/probes/{id}`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct JobQuery {
    /// Returns only progress events numbered this and later (the previous
    /// answer's `next_since`); 0 by default.
    since: Option<u32>,
}

/// Reads a job: its state, progress events from `since` on, and the report
/// once done. Jobs are forgotten a few minutes after they start.
#[utoipa::path(
    get,
    path = "/api/v1/probes/{id}",
    tag = "probe",
    params(("id" = String, Path, description = "The job's id"), JobQuery),
    responses(
        (status = 200, description = "The job", body = JobStatus),
        (status = 400, description = "A bad `since`", body = ApiError),
        (status = 404, description = "No such job, or it expired", body = ApiError),
    )
)]
async fn job_status(
    State(state): State<ApiState>,
    Path(id): Path<String>,
    query: Result<Query<JobQuery>, QueryRejection>,
) -> Result<Json<JobStatus>, Failure> {
    let Query(query) = query?;
    let status = state
        .store
        .job_status(&id, query.since.unwrap_or(0))
        .await?
        .ok_or_else(|| {
            Failure::new(
                StatusCode::NOT_FOUND,
                "no-such-job",
                "There is no such job; jobs are kept for a few minutes.",
            )
        })?;
    Ok(Json(status))
}

/// The query of `GET /api/v1/mx`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct MxQuery {
    /// The mail domain.
    domain: String,
}

/// Looks up a domain's MX hosts (RFC 5321 5.1, RFC 7505) without probing.
#[utoipa::path(
    get,
    path = "/api/v1/mx",
    tag = "probe",
    params(MxQuery),
    responses(
        (status = 200, description = "The MX hosts and their admitted addresses", body = MxAnswer),
        (status = 400, description = "A missing or bad domain", body = ApiError),
        (status = 404, description = "The domain does not exist", body = ApiError),
        (status = 429, description = "This client's rate limit", body = ApiError,
            headers(("retry-after" = u64, description = "Seconds to wait"))),
        (status = 502, description = "The DNS lookup failed", body = ApiError),
        (status = 503, description = "The service runs as many lookups as it allows", body = ApiError),
    )
)]
async fn mx(
    State(state): State<ApiState>,
    _: Admitted,
    query: Result<Query<MxQuery>, QueryRejection>,
) -> Result<Json<MxAnswer>, Failure> {
    let Query(query) = query?;
    let _permit = state.permit()?;
    Ok(Json(state.prober.mx(&query.domain).await?))
}

/// Creates an egress test: a random token, valid about ten minutes, and
/// commands that make the user's server connect to the probe's egress
/// listeners and present it.
#[utoipa::path(
    post,
    path = "/api/v1/egress",
    tag = "egress",
    responses(
        (status = 201, description = "The test", body = EgressCreated,
            headers(("location" = String, description = "The test's poll URL"))),
        (status = 404, description = "This probe runs no egress listeners", body = ApiError),
        (status = 429, description = "This client's rate limit", body = ApiError,
            headers(("retry-after" = u64, description = "Seconds to wait"))),
        (status = 503, description = "The probe keeps as many tests as it allows, or its store is not answering", body = ApiError,
            headers(("retry-after" = u64, description = "Seconds to wait"))),
    )
)]
async fn create_egress(State(state): State<ApiState>, _: Admitted) -> Result<Response, Failure> {
    let egress = state.egress.as_ref().ok_or_else(no_egress)?;
    let config = egress.config();
    let mut bytes = [0u8; 10];
    bytes.copy_from_slice(&uuid::Uuid::new_v4().into_bytes()[..10]);
    let token = port25_core::egress::token_from_bytes(bytes);
    let created_ms = now_ms();
    let ttl_ms = u64::try_from(config.ttl.as_millis()).unwrap_or(u64::MAX);
    state
        .store
        .egress_create(&EgressRecord {
            token: token.clone(),
            created_ms,
            expires_ms: created_ms.saturating_add(ttl_ms),
        })
        .await?;
    let poll_url = format!("/api/v1/egress/{token}");
    let body = EgressCreated {
        commands: port25_core::egress::commands(&config.host, &config.ports, &token),
        expires_in_s: config.ttl.as_secs(),
        poll_url: poll_url.clone(),
        host: config.host.clone(),
        ports: config.ports.clone(),
        greeting_code: config.code.clone(),
        mail_address: config
            .mail_domain
            .as_ref()
            .map(|domain| format!("{token}@{domain}")),
        token,
    };
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, poll_url)],
        Json(body),
    )
        .into_response())
}

fn no_egress() -> Failure {
    Failure::new(
        StatusCode::NOT_FOUND,
        "no-egress",
        "This probe runs no egress listeners.",
    )
}

/// Reads an egress test: the connections that presented its token so far,
/// and the analysis of mail delivered to its address.
/// Tests and their arrivals are forgotten when they expire.
#[utoipa::path(
    get,
    path = "/api/v1/egress/{token}",
    tag = "egress",
    params(("token" = String, Path, description = "The test's token")),
    responses(
        (status = 200, description = "The test and its arrivals", body = EgressStatus),
        (status = 404, description = "No such test, or it expired", body = ApiError),
        (status = 503, description = "The probe's store is not answering", body = ApiError),
    )
)]
async fn egress_status(
    State(state): State<ApiState>,
    Path(token): Path<String>,
) -> Result<Json<EgressStatus>, Failure> {
    let missing = || {
        Failure::new(
            StatusCode::NOT_FOUND,
            "no-such-test",
            "There is no such egress test; tests are kept for ten minutes.",
        )
    };
    let token = port25_core::egress::parse_token(&token).ok_or_else(missing)?;
    let (record, arrivals) = state.store.egress_get(&token).await?.ok_or_else(missing)?;
    let senders = state.store.sender_reports(&token).await?;
    let mail = state.store.egress_mail_reports(&token).await?;
    Ok(Json(EgressStatus {
        mail,
        token,
        created_ms: record.created_ms,
        expires_in_s: record.expires_ms.saturating_sub(now_ms()) / 1000,
        arrivals,
        senders,
    }))
}

async fn not_found() -> Failure {
    Failure::new(StatusCode::NOT_FOUND, "not-found", "There is nothing here.")
}

async fn method_not_allowed() -> Failure {
    Failure::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "This path does not take that method.",
    )
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;
    use crate::dns::StaticResolver;

    fn state(max: usize) -> ApiState {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let resolver = StaticResolver::default()
            .with_mx("example.com", 10, "mx.example.com")
            .with_address("mx.example.com", ip("10.0.0.1"))
            .with_mx("null.example", 0, "");
        ApiState::new(
            Prober::new(Arc::new(resolver)),
            ApiConfig {
                max_concurrent: max,
                ..ApiConfig::default()
            },
        )
    }

    async fn call(app: Router, request: Request<Body>) -> (StatusCode, serde_json::Value) {
        let response = app.oneshot(request).await.unwrap();
        let status = response.status();
        assert_eq!(response.headers()["content-type"], "application/json");
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&body).unwrap())
    }

    fn post_json(body: &str) -> Request<Body> {
        Request::post("/api/v1/probe")
            .header("content-type", "application/json")
            .body(Body::from(body.to_owned()))
            .unwrap()
    }

    #[tokio::test]
    async fn healthz_still_answers() {
        let response = router(state(1))
            .oneshot(Request::get("/healthz").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }

    #[tokio::test]
    async fn mx_lookup_answers_json() {
        let (status, json) = call(
            router(state(1)),
            Request::get("/api/v1/mx?domain=Example.COM")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(json["domain"], "example.com");
        assert_eq!(json["mx"][0]["exchange"], "mx.example.com");
        assert_eq!(json["mx"][0]["ipv4"], serde_json::json!([]));
        assert_eq!(json["mx"][0]["skipped"][0]["address"], "10.0.0.1");
    }

    #[tokio::test]
    async fn mx_lookup_errors_are_json() {
        let cases = [
            ("/api/v1/mx?domain=nope.example", 404, "no-such-domain"),
            ("/api/v1/mx?domain=localhost", 400, "bad-target"),
            ("/api/v1/mx?domain=127.0.0.1", 400, "bad-target"),
            ("/api/v1/mx", 400, "bad-query"),
        ];
        for (uri, want_status, want_code) in cases {
            let (status, json) = call(
                router(state(1)),
                Request::get(uri).body(Body::empty()).unwrap(),
            )
            .await;
            assert_eq!(status, want_status, "{uri}: {json}");
            assert_eq!(json["error"], want_code, "{uri}");
        }
    }

    #[tokio::test]
    async fn probe_requests_are_validated_and_guarded() {
        let cases = [
            (r#"{"target":"example.com","port":80}"#, 400, "bad-request"),
            (
                r#"{"target":"2130706433","mode":"host"}"#,
                422,
                "refused-target",
            ),
            (
                r#"{"target":"[::ffff:169.254.169.254]"}"#,
                422,
                "refused-target",
            ),
            (r#"{"target":"foo.internal"}"#, 400, "bad-target"),
            (r#"{"target":"nope.example"}"#, 404, "no-such-domain"),
            (
                r#"{"target":"example.com","mail_from":"a@b"}"#,
                422,
                "bad-json",
            ),
            (r#"not json"#, 400, "bad-json"),
        ];
        for (body, want_status, want_code) in cases {
            let (status, json) = call(router(state(1)), post_json(body)).await;
            assert_eq!(status, want_status, "{body}: {json}");
            assert_eq!(json["error"], want_code, "{body}");
        }
    }

    #[tokio::test]
    async fn probe_of_a_domain_with_only_private_addresses_connects_nowhere() {
        let (status, json) = call(router(state(1)), post_json(r#"{"target":"example.com"}"#)).await;
        assert_eq!(status, 200, "{json}");
        assert_eq!(json["results"], serde_json::json!([]));
        assert_eq!(json["mx"]["mx"][0]["skipped"][0]["address"], "10.0.0.1");
        let (status, json) =
            call(router(state(1)), post_json(r#"{"target":"null.example"}"#)).await;
        assert_eq!(status, 200);
        assert_eq!(json["mx"]["null_mx"], true);
    }

    #[tokio::test]
    async fn oversized_bodies_are_refused() {
        let body = format!(r#"{{"target":"{}"}}"#, "a".repeat(MAX_BODY_BYTES));
        let (status, json) = call(router(state(1)), post_json(&body)).await;
        assert_eq!(status, 413);
        assert_eq!(json["error"], "too-large");
    }

    #[tokio::test]
    async fn a_full_house_answers_503_json() {
        let state = state(1);
        let _held = state.permits.clone().try_acquire_owned().unwrap();
        let response = router(state.clone())
            .oneshot(post_json(r#"{"target":"example.com"}"#))
            .await
            .unwrap();
        assert_eq!(response.status(), 503);
        assert_eq!(response.headers()["retry-after"], "30");
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["error"], "busy");
        let (status, _) = call(
            router(state),
            Request::get("/api/v1/mx?domain=example.com")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(status, 503);
    }
}
