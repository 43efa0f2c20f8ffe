//! Port25's probe service: the live SMTP checks a browser cannot make.
//!
//! Browsers cannot open connections to ports 25, 465 or 587, so the site calls
//! this small HTTP service for MX lookups and SMTP probes. So far it serves
//! only `GET /healthz`; the probe engine, its API and its abuse controls
//! (SSRF guard, rate limits, CORS) are their own piece of work. What it is
//! not: a mail sender. It never issues MAIL, RCPT or DATA.

use axum::{routing::get, Json, Router};
use serde::Serialize;

/// The body of `GET /healthz`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Health {
    /// Always `"ok"` when the service answers.
    pub status: &'static str,
    /// The probe's version, from its Cargo manifest.
    pub version: &'static str,
}

/// Builds the HTTP application.
pub fn app() -> Router {
    Router::new().route("/healthz", get(healthz))
}

/// Answers liveness checks: the service is up and its event loop is serving.
async fn healthz() -> Json<Health> {
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

    #[tokio::test]
    async fn unknown_paths_are_404() {
        let response = app()
            .oneshot(Request::get("/nope").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), 404);
    }
}
