//! What several test binaries share: the DNS fixture
//! (`scripts/dns-fixture.sh`), started once per binary and stopped when the
//! binary exits (`PORT25_DNS_FIXTURE_OWNER`), or one per test that stops
//! with it ([`Dns`]). Not every binary uses every part.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The repository's root.
pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A directory for this run under Cargo's temporary directory,
/// `PREFIX-PID`; those of runs that are over (their process is gone) are
/// removed, after their fixture is stopped: the fixture's own watcher polls
/// once a second, and the next test binary starts sooner than that, so
/// removing the directory first would lose the pid files `stop` needs and
/// leave NSD and Unbound running.
pub(crate) fn run_dir(prefix: &str) -> PathBuf {
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    if let Ok(entries) = std::fs::read_dir(&base) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(pid) = name.strip_prefix(prefix) {
                if !PathBuf::from(format!("/proc/{pid}")).exists() {
                    stop_dns(&entry.path());
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
    }
    let dir = base.join(format!("{prefix}{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Stops the DNS fixture in `dir/run`, if one runs there (safe to repeat).
pub(crate) fn stop_dns(dir: &Path) {
    let _ = std::process::Command::new("bash")
        .arg(repo_root().join("scripts/dns-fixture.sh"))
        .arg("stop")
        .arg(dir.join("run"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
}

/// Starts the DNS fixture in `dir/run` with `(zone, mode, file)` specs and
/// returns its resolver's address.
pub(crate) fn start_dns<'a>(
    dir: &Path,
    specs: impl IntoIterator<Item = &'a (&'a str, &'a str, PathBuf)>,
) -> SocketAddr {
    let mut command = std::process::Command::new("bash");
    command
        .arg(repo_root().join("scripts/dns-fixture.sh"))
        .arg("start")
        .arg(dir.join("run"))
        .env("PORT25_DNS_FIXTURE_OWNER", std::process::id().to_string());
    for (zone, mode, file) in specs {
        command.arg(format!("{zone}={mode}:{}", file.display()));
    }
    let output = command.output().expect("running scripts/dns-fixture.sh");
    assert!(
        output.status.success(),
        "the DNS fixture did not start (install the \"dns\" group: bash scripts/setup.sh):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("PORT25_DNS_RESOLVER="))
        .expect("fixture.env names the resolver")
        .parse()
        .unwrap()
}

/// A DNS fixture of one test, in `dir/run`, serving unsigned zones given as
/// `(zone, records)`; stopped on drop, also when an assertion panics.
pub(crate) struct Dns {
    dir: PathBuf,
    /// The fixture's resolver (Unbound).
    pub(crate) resolver: SocketAddr,
}

impl Dns {
    pub(crate) fn start(dir: &Path, zones: &[(&str, String)]) -> Dns {
        let specs: Vec<(&str, &str, PathBuf)> = zones
            .iter()
            .map(|(zone, records)| {
                let file = dir.join(format!("{zone}.zone"));
                std::fs::write(&file, records).unwrap();
                (*zone, "unsigned", file)
            })
            .collect();
        let resolver = start_dns(dir, &specs);
        Dns {
            dir: dir.to_owned(),
            resolver,
        }
    }
}

impl Drop for Dns {
    fn drop(&mut self) {
        stop_dns(&self.dir);
    }
}

/// API settings whose rate limits no test reaches.
pub(crate) fn generous_api() -> port25_probe::api::ApiConfig {
    port25_probe::api::ApiConfig {
        rate_per_minute: 1000,
        rate_burst: 1000,
        ..port25_probe::api::ApiConfig::default()
    }
}

/// Egress listeners with `config` on `listeners` (each with its port's
/// settings), sharing `store` with the API in front of them; the API sees
/// every request come from 192.0.2.1.
pub(crate) fn egress_rig(
    config: port25_probe::egress::EgressConfig,
    store: port25_probe::store::Store,
    listeners: Vec<(
        tokio::net::TcpListener,
        port25_core::probe_types::egress::EgressPort,
    )>,
) -> (std::sync::Arc<port25_probe::egress::Egress>, axum::Router) {
    use std::sync::Arc;
    let tls = port25_probe::egress::tls_config(&config.name, None).unwrap();
    let egress = port25_probe::egress::Egress::new(config, store.clone(), tls);
    for (listener, port) in listeners {
        egress.spawn(listener, port);
    }
    let prober = port25_probe::Prober::new(Arc::new(port25_probe::dns::StaticResolver::default()));
    let state = port25_probe::api::ApiState::with_store(prober, generous_api(), store)
        .with_egress(egress.clone());
    let app = port25_probe::api::router(state).layer(axum::extract::connect_info::MockConnectInfo(
        SocketAddr::from(([192, 0, 2, 1], 4000)),
    ));
    (egress, app)
}

/// One request without a body to `app`: the status and the JSON answer
/// (`Null` when it is not JSON).
pub(crate) async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
) -> (axum::http::StatusCode, serde_json::Value) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let request = axum::http::Request::builder()
        .method(method)
        .uri(uri)
        .body(axum::body::Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
    )
}
