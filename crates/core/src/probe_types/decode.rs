//! The decoders of the two tagged wire types, [`Outcome`] (tag `kind`) and
//! [`Event`] (tag `event`, also flattened into [`ProgressEvent`]).
//!
//! serde's derive reads an internally tagged or flattened type by buffering
//! the whole JSON object in its private `Content` tree and then reading it a
//! second time, which compiles every nested type's decoder twice: in the
//! tester's browser bundle that was 31 of its 204 KB (gzip). Here each
//! object is read once into a flat struct holding the tag and every field any
//! variant has, then checked against the variant the tag names. Encoding and
//! the OpenAPI schemas still come from the derives on the public types.
//!
//! What this module is not: a different format. The JSON accepted is the one
//! serde's derive accepted (the tag anywhere in the object, unknown fields
//! ignored, unknown tags refused; see `tests/probe_wire.rs`), with two
//! exceptions no sender produces: a field that belongs to another variant
//! must still have that field's type, and an array in place of the object
//! (which serde reads by position) follows the flat struct's field order,
//! not the variant's.

use std::net::IpAddr;

use serde::Deserialize;

use super::{AddressResult, Event, MxAnswer, Outcome, ProbeReport, ProgressEvent, Step, StepName};

/// A field the tag's variant needs is missing (or `null`).
#[derive(Debug, thiserror::Error)]
#[error("missing field `{0}`")]
pub(super) struct MissingField(&'static str);

/// Returns the value of a field the tag's variant needs.
fn required<T>(value: Option<T>, field: &'static str) -> Result<T, MissingField> {
    value.ok_or(MissingField(field))
}

/// The `kind` tag of an [`Outcome`].
// `variant_identifier`: the tag is read like the variant names of serde's
// own tagged enums, from a string only (no `{"ok":null}` map form).
#[derive(Deserialize)]
#[serde(variant_identifier, rename_all = "kebab-case")]
enum OutcomeKind {
    Ok,
    Timeout,
    Refused,
    Unreachable,
    NoGreeting,
    GreetingRejected,
    EhloRejected,
    StarttlsNotOffered,
    StarttlsRefused,
    TlsHandshakeFailed,
    CertificateProblem,
    ProtocolError,
    Closed,
    CouldNotTest,
}

/// An [`Outcome`] as read from JSON: its tag and every variant's fields.
#[derive(Deserialize)]
pub(super) struct OutcomeFields {
    kind: OutcomeKind,
    step: Option<StepName>,
    detail: Option<String>,
    code: Option<u16>,
    reason: Option<String>,
}

impl TryFrom<OutcomeFields> for Outcome {
    type Error = MissingField;

    fn try_from(f: OutcomeFields) -> Result<Self, MissingField> {
        let step = || required(f.step, "step");
        let code = || required(f.code, "code");
        Ok(match f.kind {
            OutcomeKind::Ok => Outcome::Ok,
            OutcomeKind::Timeout => Outcome::Timeout { step: step()? },
            OutcomeKind::Refused => Outcome::Refused,
            OutcomeKind::Unreachable => Outcome::Unreachable {
                detail: required(f.detail, "detail")?,
            },
            OutcomeKind::NoGreeting => Outcome::NoGreeting,
            OutcomeKind::GreetingRejected => Outcome::GreetingRejected { code: code()? },
            OutcomeKind::EhloRejected => Outcome::EhloRejected { code: code()? },
            OutcomeKind::StarttlsNotOffered => Outcome::StarttlsNotOffered,
            OutcomeKind::StarttlsRefused => Outcome::StarttlsRefused { code: code()? },
            OutcomeKind::TlsHandshakeFailed => Outcome::TlsHandshakeFailed {
                detail: required(f.detail, "detail")?,
            },
            OutcomeKind::CertificateProblem => Outcome::CertificateProblem {
                detail: required(f.detail, "detail")?,
            },
            OutcomeKind::ProtocolError => Outcome::ProtocolError {
                step: step()?,
                detail: required(f.detail, "detail")?,
            },
            OutcomeKind::Closed => Outcome::Closed { step: step()? },
            OutcomeKind::CouldNotTest => Outcome::CouldNotTest {
                reason: required(f.reason, "reason")?,
            },
        })
    }
}

/// The `event` tag of an [`Event`].
#[derive(Deserialize)]
#[serde(variant_identifier, rename_all = "kebab-case")]
enum EventKind {
    MxResolved,
    Connecting,
    StepDone,
    AddressDone,
    Done,
    Failed,
}

/// An [`Event`] or a [`ProgressEvent`] as read from JSON: the progress
/// event's position, the tag and every variant's fields.
#[derive(Deserialize)]
pub(super) struct EventFields {
    seq: Option<u32>,
    at_ms: Option<u64>,
    event: EventKind,
    answer: Option<MxAnswer>,
    exchange: Option<String>,
    address: Option<IpAddr>,
    step: Option<Step>,
    result: Option<Box<AddressResult>>,
    report: Option<Box<ProbeReport>>,
    message: Option<String>,
}

impl TryFrom<EventFields> for Event {
    type Error = MissingField;

    fn try_from(f: EventFields) -> Result<Self, MissingField> {
        let address = || required(f.address, "address");
        Ok(match f.event {
            EventKind::MxResolved => Event::MxResolved {
                answer: required(f.answer, "answer")?,
            },
            EventKind::Connecting => Event::Connecting {
                exchange: required(f.exchange, "exchange")?,
                address: address()?,
            },
            EventKind::StepDone => Event::StepDone {
                address: address()?,
                step: required(f.step, "step")?,
            },
            EventKind::AddressDone => Event::AddressDone {
                result: required(f.result, "result")?,
            },
            EventKind::Done => Event::Done {
                report: required(f.report, "report")?,
            },
            EventKind::Failed => Event::Failed {
                message: required(f.message, "message")?,
            },
        })
    }
}

impl TryFrom<EventFields> for ProgressEvent {
    type Error = MissingField;

    fn try_from(mut f: EventFields) -> Result<Self, MissingField> {
        Ok(ProgressEvent {
            seq: required(f.seq.take(), "seq")?,
            at_ms: required(f.at_ms.take(), "at_ms")?,
            event: f.try_into()?,
        })
    }
}
