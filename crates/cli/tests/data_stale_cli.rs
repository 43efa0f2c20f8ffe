//! `port25 data stale` run as a process against the shipped data and against
//! a small data file whose dates are known.

use std::path::{Path, PathBuf};
use std::process::Command;

fn port25(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_port25"))
        .args(args)
        .output()
        .expect("port25 runs");
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn content(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../content/data/{name}.json"))
}

/// The shipped relays with one claim's check date moved, written to a file.
fn relays_with_one_old_claim(dir: &str) -> PathBuf {
    let text = std::fs::read_to_string(content("relays")).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    for relay in json["relays"].as_array_mut().unwrap() {
        for source in relay["sources"].as_array_mut().unwrap() {
            for claim in source["claims"].as_array_mut().unwrap() {
                claim["checked"] = serde_json::json!({ "on": "2026-11-29" });
            }
        }
    }
    json["relays"][0]["sources"][0]["claims"][0]["checked"] =
        serde_json::json!({ "on": "2025-01-01" });
    let dir = std::env::temp_dir().join(format!("port25-stale-{dir}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("relays.json");
    std::fs::write(&path, json.to_string()).unwrap();
    path
}

#[test]
fn lists_only_claims_older_than_the_window() {
    let relays = relays_with_one_old_claim("window");
    let empty_providers = std::env::temp_dir().join(format!(
        "port25-stale-providers-{}.json",
        std::process::id()
    ));
    let mut providers: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(content("providers")).unwrap()).unwrap();
    providers["providers"] = serde_json::json!([]);
    std::fs::write(&empty_providers, providers.to_string()).unwrap();
    let args = |days: &str| {
        port25(&[
            "data",
            "stale",
            "--days",
            days,
            "--today",
            "2026-11-29",
            "--relays",
            relays.to_str().unwrap(),
            "--providers",
            empty_providers.to_str().unwrap(),
        ])
    };
    let (ok, out, err) = args("30");
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("# 1 of "), "{}", lines[0]);
    assert_eq!(lines.len(), 2, "{out}");
    let fields: Vec<&str> = lines[1].split('\t').collect();
    assert_eq!(fields[0], "relay");
    assert_eq!(fields[3], "checked 2025-01-01");
    assert_eq!(fields[4], "697");
    assert!(fields[5].starts_with("http"));
    // A window longer than the claim's age lists nothing.
    let (ok, out, _) = args("700");
    assert!(ok);
    assert_eq!(out.lines().count(), 1, "{out}");
}

#[test]
fn the_shipped_data_reports_not_rechecked_claims_with_their_research_range() {
    let (ok, out, err) = port25(&[
        "data",
        "stale",
        "--days",
        "0",
        "--today",
        "2026-11-30",
        "--format",
        "json",
    ]);
    assert!(ok, "{err}");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["age_days"].as_i64().unwrap() > 0));
    let not_rechecked = rows
        .iter()
        .find(|r| r["checked"].is_null())
        .expect("some claims were not re-checked");
    assert!(not_rechecked["not_rechecked"]["to"].is_string());
}

#[test]
fn a_bad_date_is_an_error() {
    let (ok, _, err) = port25(&["data", "stale", "--days", "30", "--today", "29/11/2026"]);
    assert!(!ok);
    assert!(err.contains("is not a date"), "{err}");
}
