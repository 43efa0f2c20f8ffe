//! The probe's HTTP API: `POST /api/v1/probe` and `GET /api/v1/mx`, beside
//! `GET /healthz`.
//!
//! Requests pass the same checks as the command line: the request's shape
//! ([`ProbeRequest::validate`]), then the SSRF guard on the target and on
//! every resolved address. Bodies are capped at [`MAX_BODY_BYTES`], and a
//! global cap of concurrent probes answers `503` with a JSON body rather
//! than queueing, so a burst cannot pile up sockets. Every error is JSON
//! ([`ApiError`]) and never carries internals. What this module is not: a
//! rate limiter per client, a cache or a CORS policy; those belong in front
//! of it or in later work.

use std::sync::Arc;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use port25_core::probe_types::{ApiError, MxAnswer, ProbeReport, ProbeRequest};
use serde::Deserialize;
use tokio::sync::Semaphore;

use crate::dns::LookupError;
use crate::{ProbeError, Prober};

/// The largest request body accepted, in bytes: a probe request is tiny.
pub const MAX_BODY_BYTES: usize = 4 * 1024;

/// The default number of probes and lookups served at once.
pub const DEFAULT_MAX_CONCURRENT: usize = 4;

/// Shared state of the API: the prober and the concurrency cap.
#[derive(Debug, Clone)]
pub struct ApiState {
    prober: Arc<Prober>,
    permits: Arc<Semaphore>,
}

impl ApiState {
    /// Returns state serving at most `max_concurrent` probes or lookups at
    /// once (at least one).
    pub fn new(prober: Prober, max_concurrent: usize) -> Self {
        ApiState {
            prober: Arc::new(prober),
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
        }
    }
}

/// Builds the full HTTP application: `/healthz` and the `/api/v1` routes.
pub fn router(state: ApiState) -> Router {
    let api = Router::new()
        .route("/api/v1/probe", post(probe))
        .route("/api/v1/mx", get(mx))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state);
    crate::app().merge(api)
}

/// An API error: a status code and the JSON body.
#[derive(Debug)]
struct Failure(StatusCode, ApiError);

impl Failure {
    fn new(status: StatusCode, error: &str, message: impl Into<String>) -> Self {
        Failure(
            status,
            ApiError {
                error: error.into(),
                message: message.into(),
            },
        )
    }

    fn busy() -> Self {
        Failure::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "The probe is running as many checks as it allows; try again in a minute.",
        )
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut response = (self.0, Json(self.1)).into_response();
        if self.0 == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("30"));
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
            ProbeError::Lookup(LookupError::NoSuchDomain(_)) => {
                Failure::new(StatusCode::NOT_FOUND, "no-such-domain", error.to_string())
            }
            ProbeError::Lookup(LookupError::Dns { domain, .. }) => Failure::new(
                StatusCode::BAD_GATEWAY,
                "dns-failed",
                format!("Looking up {domain} failed; try again later."),
            ),
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
        Failure::new(status, code, rejection.body_text())
    }
}

async fn probe(
    State(state): State<ApiState>,
    body: Result<Json<ProbeRequest>, JsonRejection>,
) -> Result<Json<ProbeReport>, Failure> {
    let Json(request) = body?;
    request.validate().map_err(ProbeError::from)?;
    let _permit = state
        .permits
        .clone()
        .try_acquire_owned()
        .map_err(|_| Failure::busy())?;
    Ok(Json(state.prober.probe(&request, None).await?))
}

/// The query of `GET /api/v1/mx`.
#[derive(Debug, Deserialize)]
struct MxQuery {
    domain: String,
}

async fn mx(
    State(state): State<ApiState>,
    query: Result<Query<MxQuery>, QueryRejection>,
) -> Result<Json<MxAnswer>, Failure> {
    let Query(query) =
        query.map_err(|r| Failure::new(StatusCode::BAD_REQUEST, "bad-query", r.body_text()))?;
    let _permit = state
        .permits
        .clone()
        .try_acquire_owned()
        .map_err(|_| Failure::busy())?;
    Ok(Json(state.prober.mx(&query.domain).await?))
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
        ApiState::new(Prober::new(Arc::new(resolver)), max)
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
