//! The OpenAPI document: the checked-in `openapi.json`, the one the service
//! serves and the one the code generates must be the same, and every path
//! and method it lists must be routed. Regenerate the file with
//!
//!     UPDATE_OPENAPI=1 cargo test -p port25-probe --test openapi

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request};
use http_body_util::BodyExt;
use port25_probe::api::{openapi_json, router, ApiConfig, ApiState};
use port25_probe::dns::StaticResolver;
use port25_probe::Prober;
use tower::ServiceExt;

const CHECKED_IN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");

fn app() -> axum::Router {
    let prober = Prober::new(Arc::new(StaticResolver::default()));
    router(ApiState::new(prober, ApiConfig::default()))
}

#[test]
fn checked_in_document_matches_the_code() {
    let generated = openapi_json();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(CHECKED_IN, generated).unwrap();
    }
    let checked_in = std::fs::read_to_string(CHECKED_IN).unwrap_or_default();
    assert!(
        checked_in == generated,
        "crates/probe/openapi.json is out of date; regenerate it with \
         UPDATE_OPENAPI=1 cargo test -p port25-probe --test openapi"
    );
}

#[tokio::test]
async fn the_served_document_is_the_checked_in_one() {
    let response = app()
        .oneshot(
            Request::get("/api/v1/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let checked_in = std::fs::read_to_string(CHECKED_IN).unwrap();
    assert_eq!(std::str::from_utf8(&body).unwrap(), checked_in);
}

#[test]
fn the_document_is_openapi_3_1_with_the_wire_types() {
    let doc: serde_json::Value = serde_json::from_str(openapi_json()).unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in [
        "ProbeRequest",
        "ProbeReport",
        "AddressResult",
        "Outcome",
        "JobCreated",
        "JobStatus",
        "JobState",
        "ProgressEvent",
        "Event",
        "ProbeInfo",
        "ApiError",
        "MxAnswer",
        "Health",
        "MailChecks",
        "CheckOutcome",
        "DnssecState",
        "DaneCheck",
        "MtaStsCheck",
        "TlsRptCheck",
        "ReverseDnsCheck",
        "EgressCreated",
        "EgressStatus",
        "Arrival",
        "OneLiner",
    ] {
        assert!(schemas.contains_key(name), "schema {name} missing");
    }
    // Every $ref points at a schema that exists.
    fn refs(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    if key == "$ref" {
                        out.push(value.as_str().unwrap().to_owned());
                    }
                    refs(value, out);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    for reference in found {
        let name = reference.trim_start_matches("#/components/schemas/");
        assert!(schemas.contains_key(name), "dangling {reference}");
    }
}

#[tokio::test]
async fn every_documented_operation_is_routed() {
    let doc: serde_json::Value = serde_json::from_str(openapi_json()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let mut operations = Vec::new();
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            operations.push((
                path.replace("{id}", "0123").replace("{token}", "0123"),
                method.to_uppercase(),
            ));
        }
    }
    operations.sort();
    let want: Vec<(String, String)> = [
        ("/api/v1/egress", "POST"),
        ("/api/v1/egress/0123", "GET"),
        ("/api/v1/info", "GET"),
        ("/api/v1/mx", "GET"),
        ("/api/v1/openapi.json", "GET"),
        ("/api/v1/probe", "POST"),
        ("/api/v1/probes", "POST"),
        ("/api/v1/probes/0123", "GET"),
        ("/healthz", "GET"),
    ]
    .iter()
    .map(|(p, m)| (p.to_string(), m.to_string()))
    .collect();
    assert_eq!(operations, want);
    for (path, method) in operations {
        let request = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).unwrap())
            .uri(&path)
            .header("content-type", "application/json")
            .body(Body::from("{}"))
            .unwrap();
        let response = app().oneshot(request).await.unwrap();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&body);
        // The fallbacks' codes: a routed operation never answers with them
        // (a missing job is "no-such-job", not "not-found").
        assert!(
            !text.contains("\"not-found\"") && !text.contains("\"method-not-allowed\""),
            "{method} {path} is documented but not routed: {text}"
        );
    }
}
