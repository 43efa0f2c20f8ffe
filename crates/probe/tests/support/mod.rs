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
