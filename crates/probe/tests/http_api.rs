//! The HTTP API in-process (`Router::oneshot`), against real SMTP servers
//! on loopback where a probe must run: validation errors, the per-client
//! rate limit (429), the global cap (503), CORS for allowed and other
//! origins, the per-target cache, a job's whole life, unknown jobs and
//! routes. Every listener binds a random 127.x.y.z address on port 2525, an
//! allowed probe port, so no test needs root or collides with another.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use port25_core::probe_types::DnsFailure;
use port25_probe::api::{router, ApiConfig, ApiState};
use port25_probe::dns::{BoxFuture, DnsError, MxRecord, Resolve, StaticResolver};
use port25_probe::guard::Guard;
use port25_probe::limits::parse_proxy;
use port25_probe::Prober;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tower::ServiceExt;

/// Binds port 2525 on a random loopback address that is free.
async fn listener_on_2525() -> TcpListener {
    for _ in 0..50 {
        let bytes = uuid::Uuid::new_v4().into_bytes();
        let ip = Ipv4Addr::new(127, 100 + bytes[0] % 100, bytes[1], 1 + bytes[2] % 250);
        if let Ok(listener) = TcpListener::bind((ip, 2525)).await {
            return listener;
        }
    }
    panic!("no free 127.x.y.z:2525");
}

/// A small SMTP server without STARTTLS; counts its connections.
async fn smtp_server() -> (IpAddr, Arc<AtomicUsize>) {
    let listener = listener_on_2525().await;
    let ip = listener.local_addr().unwrap().ip();
    let connections = Arc::new(AtomicUsize::new(0));
    let count = connections.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut stream = BufReader::new(stream);
                stream
                    .get_mut()
                    .write_all(b"220 test ESMTP\r\n")
                    .await
                    .ok()?;
                loop {
                    let mut line = String::new();
                    if stream.read_line(&mut line).await.ok()? == 0 {
                        return None;
                    }
                    let reply: &[u8] = match line.get(..4).map(str::to_ascii_uppercase) {
                        Some(cmd) if cmd == "EHLO" => b"250-test\r\n250 PIPELINING\r\n",
                        Some(cmd) if cmd == "QUIT" => b"221 bye\r\n",
                        _ => b"502 no\r\n",
                    };
                    stream.get_mut().write_all(reply).await.ok()?;
                    if reply.starts_with(b"221") {
                        return Some(());
                    }
                }
            });
        }
    });
    (ip, connections)
}

/// A listener that accepts and then never says a word.
async fn silent_server() -> IpAddr {
    let listener = listener_on_2525().await;
    let ip = listener.local_addr().unwrap().ip();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    ip
}

fn state(config: ApiConfig) -> ApiState {
    let resolver = StaticResolver::default();
    let mut prober = Prober::new(Arc::new(resolver));
    prober.guard = Guard::allowing_loopback();
    prober.session.ehlo_name = "probe.http-test.example".into();
    prober.session.greeting_timeout = Duration::from_secs(2);
    prober.session.command_timeout = Duration::from_secs(2);
    prober.session.deadline = Duration::from_secs(4);
    ApiState::new(prober, config)
}

/// The router as seen from `peer`.
fn app_from(state: &ApiState, peer: &str) -> Router {
    let peer: SocketAddr = peer.parse().unwrap();
    router(state.clone()).layer(MockConnectInfo(peer))
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    json: Value,
}

async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let json = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).unwrap_or_else(|_| panic!("not JSON: {body:?}"))
    };
    Answer {
        status,
        headers,
        json,
    }
}

fn post(path: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header("content-type", "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

fn host_request(ip: IpAddr) -> String {
    json!({"target": ip.to_string(), "port": 2525, "mode": "host"}).to_string()
}

/// Polls a job until it is finished, within `limit`.
async fn poll_until_done(app: &Router, poll_url: &str, limit: Duration) -> Value {
    let until = tokio::time::Instant::now() + limit;
    loop {
        let answer = send(app, get(poll_url)).await;
        assert_eq!(answer.status, 200, "{}", answer.json);
        if answer.json["state"] != "running" {
            return answer.json;
        }
        assert!(tokio::time::Instant::now() < until, "job still running");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn validation_errors_are_json_and_start_nothing() {
    let state = state(ApiConfig {
        rate_burst: 100,
        ..ApiConfig::default()
    });
    let app = app_from(&state, "198.51.100.1:4000");
    let cases = [
        (r#"{"target":"example.com","port":80}"#, 400, "bad-request"),
        (r#"{"target":""}"#, 400, "bad-request"),
        (r#"{"target":"exa mple.com"}"#, 400, "bad-request"),
        (r#"{"target":"foo.internal"}"#, 400, "bad-target"),
        (
            r#"{"target":"10.0.0.1","mode":"host"}"#,
            422,
            "refused-target",
        ),
        (r#"{"target":"169.254.169.254"}"#, 422, "refused-target"),
        (r#"{"target":"example.com","rcpt":"a@b"}"#, 422, "bad-json"),
        (r#"{"port":25}"#, 422, "bad-json"),
        (r#"{"target":"#, 400, "bad-json"),
    ];
    for path in ["/api/v1/probes", "/api/v1/probe"] {
        for (body, want_status, want_code) in cases {
            let answer = send(&app, post(path, body)).await;
            assert_eq!(answer.status, want_status, "{path} {body}: {}", answer.json);
            assert_eq!(answer.json["error"], want_code, "{path} {body}");
            assert!(answer.json["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()));
        }
    }
    let answer = send(
        &app,
        Request::post("/api/v1/probes")
            .body(Body::from("{}"))
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, 415, "no content type: {}", answer.json);
    let big = format!(r#"{{"target":"{}"}}"#, "a".repeat(5000));
    let answer = send(&app, post("/api/v1/probes", &big)).await;
    assert_eq!(
        (answer.status.as_u16(), answer.json["error"].as_str()),
        (413, Some("too-large"))
    );
    let answer = send(&app, get("/api/v1/probes/0123?since=-1")).await;
    assert_eq!(answer.json["error"], "bad-query");
}

#[tokio::test]
async fn a_job_runs_reports_progress_in_order_and_fills_the_cache() {
    let (ip, connections) = smtp_server().await;
    let state = state(ApiConfig::default());
    let app = app_from(&state, "198.51.100.2:4000");
    let started = send(&app, post("/api/v1/probes", &host_request(ip))).await;
    assert_eq!(started.status, 202, "{}", started.json);
    assert_eq!(started.json["cached"], false);
    let id = started.json["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 32);
    let poll_url = started.json["poll_url"].as_str().unwrap().to_owned();
    assert_eq!(poll_url, format!("/api/v1/probes/{id}"));
    assert_eq!(started.headers["location"], poll_url.as_str());

    let done = poll_until_done(&app, &poll_url, Duration::from_secs(10)).await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["cached"], false);
    assert_eq!(done["request"]["port"], 2525);
    let progress = done["progress"].as_array().unwrap();
    let kinds: Vec<&str> = progress
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"mx-resolved"), "{kinds:?}");
    assert_eq!(kinds.get(1), Some(&"connecting"), "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"address-done"), "{kinds:?}");
    let steps: Vec<&str> = progress
        .iter()
        .filter(|e| e["event"] == "step-done")
        .map(|e| e["step"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["connect", "greeting", "ehlo", "quit"]);
    for (i, event) in progress.iter().enumerate() {
        assert_eq!(event["seq"], i, "{event}");
    }
    let times: Vec<u64> = progress
        .iter()
        .map(|e| e["at_ms"].as_u64().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    assert_eq!(done["next_since"], progress.len());
    let report = &done["report"];
    assert_eq!(
        report["results"][0]["outcome"]["kind"],
        "starttls-not-offered"
    );
    assert_eq!(report["results"][0]["greeting"][0], "test ESMTP");
    assert_eq!(report["ehlo_name"], "probe.http-test.example");
    assert!(done["expires_in_s"].as_u64().unwrap() > 200);
    assert_eq!(connections.load(Ordering::SeqCst), 1);

    // Polling with since returns only what is new.
    let tail = send(&app, get(&format!("{poll_url}?since=3"))).await;
    assert_eq!(tail.json["progress"][0]["seq"], 3);
    assert_eq!(
        tail.json["progress"].as_array().unwrap().len(),
        progress.len() - 3
    );

    // The same target again, from another client: the cache answers and
    // the server sees no new connection.
    let other = app_from(&state, "198.51.100.3:4000");
    let sync = send(&other, post("/api/v1/probe", &host_request(ip))).await;
    assert_eq!(sync.status, 200, "{}", sync.json);
    assert_eq!(sync.headers["x-port25-cache"], "hit");
    assert_eq!(sync.json, *report);
    let again = send(&other, post("/api/v1/probes", &host_request(ip))).await;
    assert_eq!(again.status, 202);
    assert_eq!(again.json["cached"], true);
    let cached = send(&other, get(again.json["poll_url"].as_str().unwrap())).await;
    assert_eq!(cached.json["state"], "done");
    assert_eq!(cached.json["cached"], true);
    assert_eq!(cached.json["report"], *report);
    let kinds: Vec<&str> = cached.json["progress"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["mx-resolved", "address-done"]);
    assert_eq!(
        connections.load(Ordering::SeqCst),
        1,
        "cache hits connect nowhere"
    );
}

#[tokio::test]
async fn without_the_cache_every_probe_connects() {
    let (ip, connections) = smtp_server().await;
    let state = state(ApiConfig {
        cache_capacity: 0,
        ..ApiConfig::default()
    });
    let app = app_from(&state, "198.51.100.4:4000");
    for want in 1..=2 {
        let answer = send(&app, post("/api/v1/probe", &host_request(ip))).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.headers["x-port25-cache"], "miss");
        assert_eq!(connections.load(Ordering::SeqCst), want);
    }
}

#[tokio::test]
async fn unknown_jobs_routes_and_methods_are_json_404_and_405() {
    let state = state(ApiConfig::default());
    let app = app_from(&state, "198.51.100.5:4000");
    for path in [
        "/api/v1/probes/0123456789abcdef0123456789abcdef",
        "/api/v1/probes/..%2F..%2Fetc",
    ] {
        let answer = send(&app, get(path)).await;
        assert_eq!(answer.status, 404);
        assert_eq!(answer.json["error"], "no-such-job");
    }
    let answer = send(&app, get("/api/v2/nothing")).await;
    assert_eq!(
        (answer.status.as_u16(), answer.json["error"].as_str()),
        (404, Some("not-found"))
    );
    let answer = send(&app, get("/api/v1/probe")).await;
    assert_eq!(answer.status, 405);
    assert_eq!(answer.json["error"], "method-not-allowed");
}

#[tokio::test]
async fn a_client_over_its_rate_gets_429_with_retry_after_and_others_do_not() {
    let state = state(ApiConfig {
        rate_per_minute: 1,
        rate_burst: 2,
        ..ApiConfig::default()
    });
    let a = app_from(&state, "198.51.100.6:4000");
    // Requests that fail validation still count: the limit is on attempts.
    for _ in 0..2 {
        let answer = send(&a, post("/api/v1/probes", r#"{"target":"x","port":1}"#)).await;
        assert_eq!(answer.status, 400);
    }
    let answer = send(&a, post("/api/v1/probes", r#"{"target":"x","port":1}"#)).await;
    assert_eq!(answer.status, 429, "{}", answer.json);
    assert_eq!(answer.json["error"], "rate-limited");
    let retry: u64 = answer.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((50..=60).contains(&retry), "{retry}");
    for path in ["/api/v1/probe", "/api/v1/mx?domain=example.com"] {
        let request = if path.contains("mx") {
            get(path)
        } else {
            post(path, "{}")
        };
        assert_eq!(send(&a, request).await.status, 429, "{path}");
    }
    // Polling, info and health are never limited.
    assert_eq!(send(&a, get("/healthz")).await.status, 200);
    assert_eq!(send(&a, get("/api/v1/info")).await.status, 200);
    assert_eq!(send(&a, get("/api/v1/probes/00")).await.status, 404);
    // Another client has its own budget.
    let b = app_from(&state, "198.51.100.7:4000");
    let answer = send(&b, post("/api/v1/probes", r#"{"target":"x","port":1}"#)).await;
    assert_eq!(answer.status, 400);
}

#[tokio::test]
async fn forwarded_for_counts_only_behind_a_trusted_proxy() {
    let limited = |trusted: Vec<&str>| {
        state(ApiConfig {
            rate_per_minute: 1,
            rate_burst: 1,
            trusted_proxies: trusted
                .into_iter()
                .map(|p| parse_proxy(p).unwrap())
                .collect(),
            ..ApiConfig::default()
        })
    };
    let via_proxy = |client: &str| {
        Request::post("/api/v1/probes")
            .header("content-type", "application/json")
            .header("x-forwarded-for", client)
            .body(Body::from("{}"))
            .unwrap()
    };
    // Trusted: each forwarded client has its own budget.
    let state = limited(vec!["127.0.0.1"]);
    let proxy = app_from(&state, "127.0.0.1:5000");
    assert_eq!(send(&proxy, via_proxy("203.0.113.1")).await.status, 422);
    assert_eq!(send(&proxy, via_proxy("203.0.113.2")).await.status, 422);
    assert_eq!(send(&proxy, via_proxy("203.0.113.1")).await.status, 429);
    // Not trusted (the default): the header is ignored, so forging it
    // does not buy a fresh budget.
    let state = limited(vec![]);
    let client = app_from(&state, "198.51.100.8:5000");
    assert_eq!(send(&client, via_proxy("203.0.113.1")).await.status, 422);
    assert_eq!(send(&client, via_proxy("203.0.113.2")).await.status, 429);
}

#[tokio::test]
async fn a_full_house_answers_503_while_health_stays_up() {
    let ip = silent_server().await;
    let state = state(ApiConfig {
        max_concurrent: 1,
        ..ApiConfig::default()
    });
    let app = app_from(&state, "198.51.100.9:4000");
    let first = send(&app, post("/api/v1/probes", &host_request(ip))).await;
    assert_eq!(first.status, 202, "{}", first.json);
    // Another target, so the cache cannot answer.
    let other = silent_server().await;
    for path in ["/api/v1/probes", "/api/v1/probe"] {
        let busy = send(&app, post(path, &host_request(other))).await;
        assert_eq!(busy.status, 503, "{path}: {}", busy.json);
        assert_eq!(busy.json["error"], "busy");
        assert_eq!(busy.headers["retry-after"], "30");
    }
    assert_eq!(send(&app, get("/healthz")).await.status, 200);
    let running = send(&app, get(first.json["poll_url"].as_str().unwrap())).await;
    assert_eq!(running.json["state"], "running");
    // The silent server never greets: the job ends as no-greeting after the
    // 2 s greeting timeout, and frees its permit.
    let done = poll_until_done(
        &app,
        first.json["poll_url"].as_str().unwrap(),
        Duration::from_secs(8),
    )
    .await;
    assert_eq!(
        done["report"]["results"][0]["outcome"]["kind"],
        "no-greeting"
    );
    let after = send(&app, post("/api/v1/probes", &host_request(other))).await;
    assert_eq!(after.status, 202, "{}", after.json);
}

#[tokio::test]
async fn cors_admits_configured_origins_only() {
    let state = state(ApiConfig {
        rate_per_minute: 1,
        rate_burst: 1,
        ..ApiConfig::default()
    });
    let app = app_from(&state, "198.51.100.10:4000");
    let preflight = |origin: &str| {
        Request::options("/api/v1/probes")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .body(Body::empty())
            .unwrap()
    };
    for origin in ["http://127.0.0.1:8080", "http://localhost:8080"] {
        let answer = send(&app, preflight(origin)).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.headers["access-control-allow-origin"], origin);
        let methods = answer.headers["access-control-allow-methods"]
            .to_str()
            .unwrap();
        assert!(methods.contains("POST"), "{methods}");
    }
    let denied = send(&app, preflight("https://evil.example")).await;
    assert!(denied.headers.get("access-control-allow-origin").is_none());

    // Errors carry the header too, so the page can read a 429's JSON.
    let request = |origin: &str| {
        Request::post("/api/v1/probes")
            .header("origin", origin)
            .header("content-type", "application/json")
            .body(Body::from(r#"{"target":"x","port":1}"#))
            .unwrap()
    };
    let first = send(&app, request("http://localhost:8080")).await;
    assert_eq!(first.status, 400);
    assert_eq!(
        first.headers["access-control-allow-origin"],
        "http://localhost:8080"
    );
    let limited = send(&app, request("http://localhost:8080")).await;
    assert_eq!(limited.status, 429);
    assert_eq!(
        limited.headers["access-control-allow-origin"],
        "http://localhost:8080"
    );
    let exposed = limited.headers["access-control-expose-headers"]
        .to_str()
        .unwrap();
    assert!(exposed.contains("retry-after"), "{exposed}");
    let other = send(&app, request("https://evil.example")).await;
    assert!(other.headers.get("access-control-allow-origin").is_none());

    // Configured origins replace the defaults.
    let custom = state_with_origin("https://port25.example");
    let answer = send(&custom, preflight("https://port25.example")).await;
    assert_eq!(
        answer.headers["access-control-allow-origin"],
        "https://port25.example"
    );
    let answer = send(&custom, preflight("http://127.0.0.1:8080")).await;
    assert!(answer.headers.get("access-control-allow-origin").is_none());
}

fn state_with_origin(origin: &str) -> Router {
    let state = state(ApiConfig {
        cors_origins: vec![port25_probe::api::parse_origin(origin).unwrap()],
        ..ApiConfig::default()
    });
    app_from(&state, "198.51.100.11:4000")
}

#[tokio::test]
async fn info_names_the_ehlo_name_and_limits() {
    let state = state(ApiConfig::default());
    let app = app_from(&state, "198.51.100.12:4000");
    let answer = send(&app, get("/api/v1/info")).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json["ehlo_name"], "probe.http-test.example");
    assert_eq!(answer.json["ports"], json!([25, 465, 587, 2525]));
    assert_eq!(answer.json["greeting_timeout_s"], 2);
    assert_eq!(answer.json["rate_limit_per_minute"], 10);
    assert_eq!(answer.json["cache_ttl_s"], 60);
    assert_eq!(answer.json["job_ttl_s"], 300);
}

#[test]
fn origins_are_checked() {
    use port25_probe::api::parse_origin;
    assert!(parse_origin("https://port25.example").is_ok());
    assert_eq!(
        parse_origin("http://127.0.0.1:8080/").unwrap(),
        "http://127.0.0.1:8080"
    );
    for bad in [
        "port25.example",
        "https://port25.example/path",
        "ftp://x",
        "https://",
        "*",
    ] {
        assert!(parse_origin(bad).is_err(), "{bad}");
    }
}

/// A resolver whose failures name internals that must not reach clients.
struct BrokenResolver {
    mx_fails: bool,
}

const SECRET: &str = "udp 10.9.8.7:53 from /etc/resolv.conf";

impl Resolve for BrokenResolver {
    fn mx<'a>(&'a self, _domain: &'a str) -> BoxFuture<'a, Result<Vec<MxRecord>, DnsError>> {
        Box::pin(async move {
            if self.mx_fails {
                Err(DnsError::Failed(
                    DnsFailure::Timeout,
                    format!("timed out: {SECRET}"),
                ))
            } else {
                Ok(vec![MxRecord {
                    preference: 10,
                    exchange: "mx.example.com".into(),
                }])
            }
        })
    }

    fn addresses<'a>(&'a self, _host: &'a str) -> BoxFuture<'a, Result<Vec<IpAddr>, DnsError>> {
        Box::pin(async move {
            Err(DnsError::Failed(
                DnsFailure::Timeout,
                format!("timed out: {SECRET}"),
            ))
        })
    }
}

#[tokio::test]
async fn dns_failures_never_show_the_resolver_internals() {
    for mx_fails in [true, false] {
        let state = ApiState::new(
            Prober::new(Arc::new(BrokenResolver { mx_fails })),
            ApiConfig::default(),
        );
        let app = app_from(&state, "198.51.100.13:4000");
        let body = r#"{"target":"example.com"}"#;
        let sync = send(&app, post("/api/v1/probe", body)).await;
        let mx = send(&app, get("/api/v1/mx?domain=example.com")).await;
        let started = send(&app, post("/api/v1/probes", body)).await;
        let job = poll_until_done(
            &app,
            started.json["poll_url"].as_str().unwrap(),
            Duration::from_secs(5),
        )
        .await;
        if mx_fails {
            assert_eq!(sync.status, 502);
            assert_eq!(sync.json["error"], "dns-failed");
            assert_eq!(mx.json["error"], "dns-failed");
            assert_eq!(job["state"], "failed");
            assert_eq!(job["error"]["error"], "dns-failed");
            // The kind travels, so the page says "lookup failed", not
            // "does not exist".
            for error in [&sync.json, &mx.json, &job["error"]] {
                assert_eq!(error["dns"], "timeout", "{error}");
                let message = error["message"].as_str().unwrap();
                assert!(message.contains("did not answer in time"), "{message}");
                assert!(
                    message.contains("does not mean that example.com does not exist"),
                    "{message}"
                );
            }
            assert_eq!(
                job["progress"].as_array().unwrap().last().unwrap()["event"],
                "failed"
            );
        } else {
            assert_eq!(sync.status, 200);
            let error = sync.json["mx"]["mx"][0]["error"].as_str().unwrap();
            assert_eq!(
                error,
                "looking up its addresses failed: the probe's resolver did not answer in time"
            );
            assert_eq!(job["state"], "done");
        }
        for answer in [&sync.json, &mx.json, &job] {
            let text = answer.to_string();
            assert!(
                !text.contains("10.9.8.7") && !text.contains("resolv.conf"),
                "{text}"
            );
        }
    }
}

#[tokio::test]
async fn a_full_job_store_answers_503() {
    let ip = silent_server().await;
    let other = silent_server().await;
    let state = state(ApiConfig {
        max_jobs: 1,
        ..ApiConfig::default()
    });
    let app = app_from(&state, "198.51.100.14:4000");
    let first = send(&app, post("/api/v1/probes", &host_request(ip))).await;
    assert_eq!(first.status, 202, "{}", first.json);
    let full = send(&app, post("/api/v1/probes", &host_request(other))).await;
    assert_eq!(full.status, 503, "{}", full.json);
    assert_eq!(full.json["error"], "busy");
    // The synchronous route keeps no job, so it still runs.
    let sync = send(&app, post("/api/v1/probe", &host_request(other))).await;
    assert_eq!(sync.status, 200, "{}", sync.json);
    assert_eq!(sync.json["results"][0]["outcome"]["kind"], "no-greeting");
}
