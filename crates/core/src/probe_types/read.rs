//! Reads the probe's answers from JSON a host has already parsed (the
//! browser's `JSON.parse`), without serde.
//!
//! serde's derived decoders are a state machine per type, compiled again for
//! each deserializer; in the tester's browser bundle they and
//! `serde-wasm-bindgen` were 33 of its 172 KB (gzip). Reading an already
//! parsed value field by field is a few calls per field. [`JsonValue`] is what
//! a host's parsed values must offer; the page implements it for `JsValue`,
//! and the tests for `serde_json::Value`, checking every golden sample of
//! `tests/golden/probe_wire/` against serde's decoding.
//!
//! What this module is not: a second format. It reads what the derived
//! decoders read, as a browser holds it: numbers must be integers JavaScript
//! represents exactly (|n| < 2^53), as `serde-wasm-bindgen` required.
//! Encoding, and decoding in the probe, stay with serde.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{
    AddressResult, ApiError, CertificateInfo, Direction, DnsFailure, Event, Family, JobCreated,
    JobState, JobStatus, MxAnswer, MxHost, Outcome, ProbeInfo, ProbeMode, ProbeReport,
    ProbeRequest, ProgressEvent, SkippedAddress, Step, StepName, TlsInfo, TlsMode, TranscriptLine,
};

/// A parsed JSON value, as a host holds it.
pub trait JsonValue: Sized {
    /// Returns the member `name` of an object; `None` when it is absent or
    /// this is not an object.
    fn get(&self, name: &str) -> Option<Self>;
    /// Returns the names of an object's members (none for other values).
    fn keys(&self) -> Vec<String>;
    /// Tells whether this is `null`.
    fn is_null(&self) -> bool;
    /// Returns a string's text.
    fn as_string(&self) -> Option<String>;
    /// Returns a boolean.
    fn as_bool(&self) -> Option<bool>;
    /// Returns a number that is an integer of at most 53 bits.
    fn as_safe_integer(&self) -> Option<i64>;
    /// Returns an array's items.
    fn items(&self) -> Option<Vec<Self>>;
}

/// A field of the JSON is missing or not what the type needs: the innermost
/// field's name, or `""` for the top-level value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the JSON has a missing or invalid `{0}`")]
pub struct ReadError(pub &'static str);

/// A wire type that can be read from a parsed JSON value.
pub trait ReadJson: Sized {
    /// Reads `value` as this type.
    fn read<V: JsonValue>(value: &V) -> Result<Self, ReadError>;
}

/// Names a failure inside field `name` after the field, unless a field
/// deeper down was already named.
fn within(name: &'static str) -> impl Fn(ReadError) -> ReadError {
    move |e| if e.0.is_empty() { ReadError(name) } else { e }
}

/// Reads a required field.
pub(crate) fn req<T: ReadJson, V: JsonValue>(
    object: &V,
    name: &'static str,
) -> Result<T, ReadError> {
    let value = object.get(name).ok_or(ReadError(name))?;
    T::read(&value).map_err(within(name))
}

/// Reads an `Option` field: absent and `null` are `None`.
pub(crate) fn opt<T: ReadJson, V: JsonValue>(
    object: &V,
    name: &'static str,
) -> Result<Option<T>, ReadError> {
    match object.get(name) {
        Some(value) if !value.is_null() => T::read(&value).map(Some).map_err(within(name)),
        _ => Ok(None),
    }
}

/// Reads a field with `#[serde(default)]`: absent is the default.
pub(crate) fn or_default<T: ReadJson + Default, V: JsonValue>(
    object: &V,
    name: &'static str,
) -> Result<T, ReadError> {
    match object.get(name) {
        Some(value) => T::read(&value).map_err(within(name)),
        None => Ok(T::default()),
    }
}

const INVALID: ReadError = ReadError("");

impl ReadJson for String {
    fn read<V: JsonValue>(value: &V) -> Result<Self, ReadError> {
        value.as_string().ok_or(INVALID)
    }
}

impl ReadJson for bool {
    fn read<V: JsonValue>(value: &V) -> Result<Self, ReadError> {
        value.as_bool().ok_or(INVALID)
    }
}

macro_rules! read_integer {
    ($($t:ty),*) => {$(
        impl ReadJson for $t {
            fn read<V: JsonValue>(value: &V) -> Result<Self, ReadError> {
                value.as_safe_integer().and_then(|n| n.try_into().ok()).ok_or(INVALID)
            }
        }
    )*};
}
read_integer!(u16, u32, u64, i64);

macro_rules! read_parsed {
    ($($t:ty),*) => {$(
        impl ReadJson for $t {
            fn read<V: JsonValue>(value: &V) -> Result<Self, ReadError> {
                value.as_string().and_then(|s| s.parse().ok()).ok_or(INVALID)
            }
        }
    )*};
}
read_parsed!(IpAddr, Ipv4Addr, Ipv6Addr);

impl<T: ReadJson> ReadJson for Vec<T> {
    fn read<V: JsonValue>(value: &V) -> Result<Self, ReadError> {
        value.items().ok_or(INVALID)?.iter().map(T::read).collect()
    }
}

impl<T: ReadJson> ReadJson for Box<T> {
    fn read<V: JsonValue>(value: &V) -> Result<Self, ReadError> {
        T::read(value).map(Box::new)
    }
}

/// Reads a unit-only enum from its kebab-case name.
macro_rules! read_names {
    ($t:ty { $($name:literal => $variant:expr),* $(,)? }) => {
        impl ReadJson for $t {
            fn read<V: JsonValue>(value: &V) -> Result<Self, ReadError> {
                match value.as_string().as_deref() {
                    $(Some($name) => Ok($variant),)*
                    _ => Err(INVALID),
                }
            }
        }
    };
}

read_names!(TlsMode { "implicit" => TlsMode::Implicit, "starttls" => TlsMode::Starttls });
read_names!(ProbeMode { "mx" => ProbeMode::Mx, "host" => ProbeMode::Host });
read_names!(Family { "ipv4" => Family::Ipv4, "ipv6" => Family::Ipv6 });
read_names!(Direction {
    "client" => Direction::Client,
    "server" => Direction::Server,
    "note" => Direction::Note,
});
read_names!(DnsFailure {
    "no-such-domain" => DnsFailure::NoSuchDomain,
    "server-failure" => DnsFailure::ServerFailure,
    "refused" => DnsFailure::Refused,
    "timeout" => DnsFailure::Timeout,
    "unreachable" => DnsFailure::Unreachable,
    "other" => DnsFailure::Other,
});
read_names!(JobState {
    "running" => JobState::Running,
    "done" => JobState::Done,
    "failed" => JobState::Failed,
});
read_names!(StepName {
    "connect" => StepName::Connect,
    "implicit-tls" => StepName::ImplicitTls,
    "greeting" => StepName::Greeting,
    "ehlo" => StepName::Ehlo,
    "starttls" => StepName::Starttls,
    "tls-handshake" => StepName::TlsHandshake,
    "ehlo-after-tls" => StepName::EhloAfterTls,
    "quit" => StepName::Quit,
});

impl ReadJson for ProbeRequest {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        // `#[serde(deny_unknown_fields)]`, as the probe reads requests.
        if v.keys()
            .iter()
            .any(|k| !["target", "port", "mode"].contains(&k.as_str()))
        {
            return Err(INVALID);
        }
        Ok(ProbeRequest {
            target: req(v, "target")?,
            // `#[serde(default = "default_port")]`: absent is 25, null is wrong.
            port: match v.get("port") {
                Some(port) => u16::read(&port).map_err(within("port"))?,
                None => 25,
            },
            mode: or_default(v, "mode")?,
        })
    }
}

impl ReadJson for SkippedAddress {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(SkippedAddress {
            address: req(v, "address")?,
            reason: req(v, "reason")?,
        })
    }
}

impl ReadJson for MxHost {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(MxHost {
            preference: req(v, "preference")?,
            exchange: req(v, "exchange")?,
            ipv4: req(v, "ipv4")?,
            ipv6: req(v, "ipv6")?,
            skipped: or_default(v, "skipped")?,
            error: opt(v, "error")?,
        })
    }
}

impl ReadJson for MxAnswer {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(MxAnswer {
            domain: req(v, "domain")?,
            mx: req(v, "mx")?,
            null_mx: req(v, "null_mx")?,
            implicit_mx: req(v, "implicit_mx")?,
            notes: req(v, "notes")?,
        })
    }
}

impl ReadJson for Step {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(Step {
            name: req(v, "name")?,
            ok: req(v, "ok")?,
            ms: req(v, "ms")?,
            detail: opt(v, "detail")?,
        })
    }
}

impl ReadJson for TranscriptLine {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(TranscriptLine {
            direction: req(v, "direction")?,
            text: req(v, "text")?,
            at_ms: req(v, "at_ms")?,
        })
    }
}

impl ReadJson for CertificateInfo {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(CertificateInfo {
            subject: req(v, "subject")?,
            sans: req(v, "sans")?,
            issuer: req(v, "issuer")?,
            not_before: req(v, "not_before")?,
            not_after: req(v, "not_after")?,
            days_left: req(v, "days_left")?,
        })
    }
}

impl ReadJson for TlsInfo {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(TlsInfo {
            mode: req(v, "mode")?,
            version: req(v, "version")?,
            cipher: req(v, "cipher")?,
            certificates: req(v, "certificates")?,
            chain_verified: req(v, "chain_verified")?,
            name_matches: req(v, "name_matches")?,
            verification_error: opt(v, "verification_error")?,
        })
    }
}

impl ReadJson for Outcome {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        let kind: String = req(v, "kind")?;
        Ok(match kind.as_str() {
            "ok" => Outcome::Ok,
            "timeout" => Outcome::Timeout {
                step: req(v, "step")?,
            },
            "refused" => Outcome::Refused,
            "unreachable" => Outcome::Unreachable {
                detail: req(v, "detail")?,
            },
            "no-greeting" => Outcome::NoGreeting,
            "greeting-rejected" => Outcome::GreetingRejected {
                code: req(v, "code")?,
            },
            "ehlo-rejected" => Outcome::EhloRejected {
                code: req(v, "code")?,
            },
            "starttls-not-offered" => Outcome::StarttlsNotOffered,
            "starttls-refused" => Outcome::StarttlsRefused {
                code: req(v, "code")?,
            },
            "tls-handshake-failed" => Outcome::TlsHandshakeFailed {
                detail: req(v, "detail")?,
            },
            "certificate-problem" => Outcome::CertificateProblem {
                detail: req(v, "detail")?,
            },
            "protocol-error" => Outcome::ProtocolError {
                step: req(v, "step")?,
                detail: req(v, "detail")?,
            },
            "closed" => Outcome::Closed {
                step: req(v, "step")?,
            },
            "could-not-test" => Outcome::CouldNotTest {
                reason: req(v, "reason")?,
            },
            _ => return Err(ReadError("kind")),
        })
    }
}

impl ReadJson for AddressResult {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(AddressResult {
            exchange: req(v, "exchange")?,
            address: req(v, "address")?,
            family: req(v, "family")?,
            port: req(v, "port")?,
            outcome: req(v, "outcome")?,
            steps: req(v, "steps")?,
            greeting: req(v, "greeting")?,
            capabilities: req(v, "capabilities")?,
            capabilities_after_tls: req(v, "capabilities_after_tls")?,
            starttls_offered: req(v, "starttls_offered")?,
            tls_used: req(v, "tls_used")?,
            tls: opt(v, "tls")?,
            transcript: req(v, "transcript")?,
            ms: req(v, "ms")?,
        })
    }
}

impl ReadJson for ProbeReport {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(ProbeReport {
            target: req(v, "target")?,
            port: req(v, "port")?,
            mode: req(v, "mode")?,
            mx: req(v, "mx")?,
            results: req(v, "results")?,
            ehlo_name: req(v, "ehlo_name")?,
            ms: req(v, "ms")?,
            checks: opt(v, "checks")?,
        })
    }
}

impl ReadJson for Event {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        let event: String = req(v, "event")?;
        Ok(match event.as_str() {
            "mx-resolved" => Event::MxResolved {
                answer: req(v, "answer")?,
            },
            "connecting" => Event::Connecting {
                exchange: req(v, "exchange")?,
                address: req(v, "address")?,
            },
            "step-done" => Event::StepDone {
                address: req(v, "address")?,
                step: req(v, "step")?,
            },
            "address-done" => Event::AddressDone {
                result: req(v, "result")?,
            },
            "done" => Event::Done {
                report: req(v, "report")?,
            },
            "failed" => Event::Failed {
                message: req(v, "message")?,
            },
            _ => return Err(ReadError("event")),
        })
    }
}

impl ReadJson for ProgressEvent {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(ProgressEvent {
            seq: req(v, "seq")?,
            at_ms: req(v, "at_ms")?,
            event: Event::read(v)?,
        })
    }
}

impl ReadJson for ApiError {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(ApiError {
            error: req(v, "error")?,
            message: req(v, "message")?,
            dns: opt(v, "dns")?,
        })
    }
}

impl ReadJson for JobCreated {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(JobCreated {
            id: req(v, "id")?,
            poll_url: req(v, "poll_url")?,
            cached: req(v, "cached")?,
        })
    }
}

impl ReadJson for JobStatus {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(JobStatus {
            id: req(v, "id")?,
            state: req(v, "state")?,
            request: req(v, "request")?,
            cached: req(v, "cached")?,
            elapsed_ms: req(v, "elapsed_ms")?,
            progress: req(v, "progress")?,
            next_since: req(v, "next_since")?,
            report: opt(v, "report")?,
            error: opt(v, "error")?,
            expires_in_s: req(v, "expires_in_s")?,
        })
    }
}

impl ReadJson for ProbeInfo {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(ProbeInfo {
            version: req(v, "version")?,
            ehlo_name: req(v, "ehlo_name")?,
            ports: req(v, "ports")?,
            greeting_timeout_s: req(v, "greeting_timeout_s")?,
            deadline_s: req(v, "deadline_s")?,
            max_addresses: req(v, "max_addresses")?,
            max_concurrent: req(v, "max_concurrent")?,
            rate_limit_per_minute: req(v, "rate_limit_per_minute")?,
            rate_limit_burst: req(v, "rate_limit_burst")?,
            cache_ttl_s: req(v, "cache_ttl_s")?,
            job_ttl_s: req(v, "job_ttl_s")?,
        })
    }
}

/// Natively, `serde_json`'s values: what the tests read the golden samples
/// with.
impl JsonValue for serde_json::Value {
    fn get(&self, name: &str) -> Option<Self> {
        self.as_object()?.get(name).cloned()
    }
    fn keys(&self) -> Vec<String> {
        self.as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    }
    fn is_null(&self) -> bool {
        serde_json::Value::is_null(self)
    }
    fn as_string(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }
    fn as_bool(&self) -> Option<bool> {
        serde_json::Value::as_bool(self)
    }
    fn as_safe_integer(&self) -> Option<i64> {
        const MAX_SAFE: i64 = (1 << 53) - 1;
        self.as_i64().filter(|n| n.abs() <= MAX_SAFE)
    }
    fn items(&self) -> Option<Vec<Self>> {
        self.as_array().cloned()
    }
}

// The mail-security sections; declared last so the macros above are in scope.
mod checks;
