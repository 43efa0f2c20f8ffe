//! Reading the mail-security sections ([`super::super::checks`]) from
//! parsed JSON, as the rest of [`super`] reads the report.

use super::{opt, req, JsonValue, ReadError, ReadJson, INVALID};
use crate::probe_types::checks::{
    CheckOutcome, DaneAddress, DaneCheck, DnssecState, ExchangeChecks, MailChecks, MtaStsCheck,
    MtaStsMatch, MtaStsMode, MtaStsPolicy, ReverseDnsCheck, TlsRptCheck, TlsaRecord,
};

read_integer!(u8);

read_names!(CheckOutcome {
    "pass" => CheckOutcome::Pass,
    "warn" => CheckOutcome::Warn,
    "fail" => CheckOutcome::Fail,
    "not-applicable" => CheckOutcome::NotApplicable,
    "could-not-test" => CheckOutcome::CouldNotTest,
});
read_names!(DnssecState {
    "secure" => DnssecState::Secure,
    "insecure" => DnssecState::Insecure,
    "bogus" => DnssecState::Bogus,
    "unchecked" => DnssecState::Unchecked,
});
read_names!(MtaStsMode {
    "enforce" => MtaStsMode::Enforce,
    "testing" => MtaStsMode::Testing,
    "none" => MtaStsMode::None,
});

impl ReadJson for MailChecks {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(MailChecks {
            outcome: req(v, "outcome")?,
            summary: req(v, "summary")?,
            dnssec_validation: req(v, "dnssec_validation")?,
            mta_sts: req(v, "mta_sts")?,
            tls_rpt: req(v, "tls_rpt")?,
            exchanges: req(v, "exchanges")?,
            ms: req(v, "ms")?,
        })
    }
}

impl ReadJson for MtaStsPolicy {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(MtaStsPolicy {
            version: req(v, "version")?,
            mode: req(v, "mode")?,
            mx: req(v, "mx")?,
            max_age: req(v, "max_age")?,
        })
    }
}

impl ReadJson for MtaStsCheck {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(MtaStsCheck {
            outcome: req(v, "outcome")?,
            summary: req(v, "summary")?,
            authenticated: req(v, "authenticated")?,
            dnssec: req(v, "dnssec")?,
            record: opt(v, "record")?,
            id: opt(v, "id")?,
            policy_url: opt(v, "policy_url")?,
            policy: opt(v, "policy")?,
            problems: req(v, "problems")?,
        })
    }
}

impl ReadJson for TlsRptCheck {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(TlsRptCheck {
            outcome: req(v, "outcome")?,
            summary: req(v, "summary")?,
            authenticated: req(v, "authenticated")?,
            dnssec: req(v, "dnssec")?,
            record: opt(v, "record")?,
            rua: req(v, "rua")?,
            problems: req(v, "problems")?,
        })
    }
}

impl ReadJson for ExchangeChecks {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(ExchangeChecks {
            exchange: req(v, "exchange")?,
            dane: req(v, "dane")?,
            mta_sts: req(v, "mta_sts")?,
            reverse_dns: req(v, "reverse_dns")?,
        })
    }
}

impl ReadJson for TlsaRecord {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(TlsaRecord {
            usage: req(v, "usage")?,
            selector: req(v, "selector")?,
            matching_type: req(v, "matching_type")?,
            data: req(v, "data")?,
            usable: req(v, "usable")?,
        })
    }
}

impl ReadJson for DaneAddress {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(DaneAddress {
            address: req(v, "address")?,
            outcome: req(v, "outcome")?,
            summary: req(v, "summary")?,
            matched: opt(v, "matched")?,
        })
    }
}

impl ReadJson for DaneCheck {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(DaneCheck {
            outcome: req(v, "outcome")?,
            summary: req(v, "summary")?,
            authenticated: req(v, "authenticated")?,
            dnssec: req(v, "dnssec")?,
            records: req(v, "records")?,
            addresses: req(v, "addresses")?,
        })
    }
}

impl ReadJson for MtaStsMatch {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(MtaStsMatch {
            outcome: req(v, "outcome")?,
            summary: req(v, "summary")?,
            pattern: opt(v, "pattern")?,
        })
    }
}

impl ReadJson for ReverseDnsCheck {
    fn read<V: JsonValue>(v: &V) -> Result<Self, ReadError> {
        Ok(ReverseDnsCheck {
            address: req(v, "address")?,
            outcome: req(v, "outcome")?,
            summary: req(v, "summary")?,
            authenticated: req(v, "authenticated")?,
            dnssec: req(v, "dnssec")?,
            names: req(v, "names")?,
            forward_confirmed: req(v, "forward_confirmed")?,
            greeting_name: opt(v, "greeting_name")?,
            greeting_matches: opt(v, "greeting_matches")?,
        })
    }
}

/// Keeps [`INVALID`] in use here for the enums' readers.
const _: ReadError = INVALID;
