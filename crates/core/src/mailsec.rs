//! The pure parts of the mail-security checks: MTA-STS records and policies
//! (RFC 8461), TLS-RPT records (RFC 8460), MX pattern matching, TLSA
//! matching (RFC 6698, RFC 7672), reading an HTTP/1.1 response (RFC 9112)
//! with the limits the policy fetch needs, and the greeting's host name.
//!
//! The probe does the lookups, the handshakes and the fetch and hands the
//! bytes here; everything that decides is in this module, with its tests.
//! What it is not: a DNS or TLS library. Hashes are SHA-2 from `sha2`.

use sha2::{Digest, Sha256, Sha512};

use crate::probe_types::checks::{MtaStsMode, MtaStsPolicy};

/// The largest MTA-STS policy body accepted, in bytes. RFC 8461 3.3 does
/// not set one; real policies are a few hundred bytes, and 64 KiB is what
/// common senders (Postfix's postfix-mta-sts-resolver) accept.
pub const MAX_POLICY_BYTES: usize = 64 * 1024;

/// The largest `max_age` RFC 8461 3.2 allows: 31557600 seconds (a year).
pub const MAX_MAX_AGE: u64 = 31_557_600;

/// Splits a `k=v; k=v` record (RFC 8461 3.1, RFC 8460 3) into its fields.
/// Whitespace around fields is dropped; an empty last field (a trailing
/// `;`) is allowed.
fn fields(record: &str) -> Result<Vec<(&str, &str)>, String> {
    let mut out = Vec::new();
    let parts: Vec<&str> = record.split(';').collect();
    for (i, part) in parts.iter().enumerate() {
        let part = part.trim_matches([' ', '\t']);
        if part.is_empty() {
            if i + 1 == parts.len() {
                continue;
            }
            return Err("an empty field between two semicolons".into());
        }
        let Some((key, value)) = part.split_once('=') else {
            return Err(format!("the field \"{part}\" has no \"=\""));
        };
        out.push((key, value));
    }
    Ok(out)
}

/// The record among several TXT strings that starts with `prefix`, as
/// RFC 8461 3.1 and RFC 8460 3 select it: exactly one must.
pub fn select_record<'a>(records: &'a [String], prefix: &str) -> Result<Option<&'a str>, String> {
    let hits: Vec<&String> = records.iter().filter(|r| r.starts_with(prefix)).collect();
    match hits.len() {
        0 => Ok(None),
        1 => Ok(Some(hits[0].as_str())),
        n => Err(format!(
            "{n} records start with \"{prefix}\"; senders ignore them all when there is more than one"
        )),
    }
}

/// Reads an `_mta-sts` TXT record (RFC 8461 3.1) and returns its `id`.
pub fn parse_mta_sts_record(record: &str) -> Result<String, String> {
    let fields = fields(record)?;
    match fields.first() {
        Some(("v", "STSv1")) => {}
        _ => return Err("the record must start with \"v=STSv1\"".into()),
    }
    let ids: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| *k == "id")
        .map(|(_, v)| *v)
        .collect();
    match ids.as_slice() {
        [id] if (1..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric()) => {
            Ok((*id).to_owned())
        }
        [id] => Err(format!(
            "the id \"{id}\" must be 1 to 32 letters and digits"
        )),
        [] => Err("the record has no \"id\"".into()),
        _ => Err("the record has more than one \"id\"".into()),
    }
}

/// Reads an MTA-STS policy file (RFC 8461 3.2): `key: value` lines ended by
/// CRLF or LF; unknown keys are ignored. Returns the policy, or every
/// problem found.
pub fn parse_mta_sts_policy(text: &str) -> Result<MtaStsPolicy, Vec<String>> {
    let mut problems = Vec::new();
    let (mut version, mut mode, mut max_age) = (None, None, None);
    let mut mx = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            problems.push(format!("line {}: no \":\" in \"{line}\"", n + 1));
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        match key {
            "version" => version = Some(value.to_owned()),
            "mode" => mode = Some(value.to_owned()),
            "max_age" => max_age = Some(value.to_owned()),
            "mx" => mx.push(value.to_ascii_lowercase()),
            _ => {}
        }
    }
    match version.as_deref() {
        Some("STSv1") => {}
        Some(other) => problems.push(format!("version is \"{other}\", not \"STSv1\"")),
        None => problems.push("the policy has no version".into()),
    }
    let mode = match mode.as_deref() {
        Some("enforce") => Some(MtaStsMode::Enforce),
        Some("testing") => Some(MtaStsMode::Testing),
        Some("none") => Some(MtaStsMode::None),
        Some(other) => {
            problems.push(format!("mode is \"{other}\", not enforce, testing or none"));
            None
        }
        None => {
            problems.push("the policy has no mode".into());
            None
        }
    };
    let max_age = match max_age.as_deref() {
        Some(text)
            if !text.is_empty() && text.len() <= 10 && text.bytes().all(|b| b.is_ascii_digit()) =>
        {
            let age: u64 = text.parse().unwrap_or(u64::MAX);
            if age > MAX_MAX_AGE {
                problems.push(format!("max_age {age} is above the maximum, {MAX_MAX_AGE}"));
            }
            Some(age)
        }
        Some(text) => {
            problems.push(format!("max_age \"{text}\" is not a number of seconds"));
            None
        }
        None => {
            problems.push("the policy has no max_age".into());
            None
        }
    };
    if mx.is_empty() && matches!(mode, Some(MtaStsMode::Enforce | MtaStsMode::Testing)) {
        problems.push("the policy lists no mx pattern".into());
    }
    for pattern in &mx {
        let name = pattern.strip_prefix("*.").unwrap_or(pattern);
        if name.is_empty() || name.contains('*') || !name.contains('.') {
            problems.push(format!(
                "mx pattern \"{pattern}\" is not a host name or *.domain"
            ));
        }
    }
    match (mode, max_age) {
        (Some(mode), Some(max_age)) if problems.is_empty() => Ok(MtaStsPolicy {
            version: "STSv1".into(),
            mode,
            mx,
            max_age,
        }),
        _ => Err(problems),
    }
}

/// Whether `host` matches an MTA-STS `mx` pattern (RFC 8461 4.1): equal
/// ignoring case, or `*.rest` where the wildcard stands for exactly one
/// left-most label.
pub fn mx_matches(host: &str, pattern: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
    match pattern.strip_prefix("*.") {
        Some(rest) => host
            .split_once('.')
            .is_some_and(|(label, tail)| !label.is_empty() && tail == rest),
        None => host == pattern,
    }
}

/// The first pattern `host` matches.
pub fn matching_pattern<'a>(host: &str, patterns: &'a [String]) -> Option<&'a str> {
    patterns
        .iter()
        .find(|p| mx_matches(host, p))
        .map(String::as_str)
}

/// A TLS-RPT record, read (RFC 8460 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsRpt {
    /// The `rua` URIs.
    pub rua: Vec<String>,
    /// Problems that make senders ignore the record.
    pub problems: Vec<String>,
}

/// Reads a `_smtp._tls` TXT record (RFC 8460 3): `v=TLSRPTv1` first, one
/// `rua` of comma-separated `mailto:` or `https:` URIs.
pub fn parse_tls_rpt(record: &str) -> TlsRpt {
    let mut out = TlsRpt {
        rua: Vec::new(),
        problems: Vec::new(),
    };
    let fields = match fields(record) {
        Ok(fields) => fields,
        Err(problem) => {
            out.problems.push(problem);
            return out;
        }
    };
    if fields.first() != Some(&("v", "TLSRPTv1")) {
        out.problems
            .push("the record must start with \"v=TLSRPTv1\"".into());
    }
    let ruas: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| *k == "rua")
        .map(|(_, v)| *v)
        .collect();
    match ruas.as_slice() {
        [] => out.problems.push("the record has no \"rua\"".into()),
        [rua] => {
            for uri in rua.split(',') {
                let uri = uri.trim();
                let ok = match uri.split_once(':') {
                    Some(("mailto", rest)) => rest
                        .split_once('@')
                        .is_some_and(|(l, d)| !l.is_empty() && d.contains('.')),
                    Some(("https", rest)) => rest.starts_with("//") && rest.len() > 2,
                    _ => false,
                };
                if ok {
                    out.rua.push(uri.to_owned());
                } else {
                    out.problems
                        .push(format!("\"{uri}\" is not a mailto: or https: URI"));
                }
            }
        }
        _ => out
            .problems
            .push("the record has more than one \"rua\"".into()),
    }
    out
}

/// Whether a TLSA record's association data matches a certificate
/// (RFC 6698 2.1.2 and 2.1.3): `selector` 0 takes the whole certificate
/// (`cert_der`), 1 its SubjectPublicKeyInfo (`spki_der`); `matching_type`
/// 0 compares exactly, 1 by SHA-256, 2 by SHA-512. Unknown values match
/// nothing.
pub fn tlsa_matches(
    selector: u8,
    matching_type: u8,
    data: &[u8],
    cert_der: &[u8],
    spki_der: &[u8],
) -> bool {
    let selected = match selector {
        0 => cert_der,
        1 => spki_der,
        _ => return false,
    };
    match matching_type {
        0 => selected == data,
        1 => Sha256::digest(selected).as_slice() == data,
        2 => Sha512::digest(selected).as_slice() == data,
        _ => false,
    }
}

/// Whether SMTP senders use a TLSA record (RFC 7672 3.1): DANE-TA (2) and
/// DANE-EE (3) with a known selector and matching type; PKIX-TA (0) and
/// PKIX-EE (1) are not for SMTP (RFC 7672 3.1.3).
pub fn tlsa_usable(usage: u8, selector: u8, matching_type: u8) -> bool {
    matches!(usage, 2 | 3) && selector <= 1 && matching_type <= 2
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// The host name a greeting announces: the first word of its first line
/// (RFC 5321 4.3.1, `220 domain text`), lowercase and without a trailing
/// dot; `None` when it is not a host name.
pub fn greeting_name(first_line: &str) -> Option<String> {
    let word = first_line.split_whitespace().next()?;
    let word = word.trim_end_matches('.').to_ascii_lowercase();
    let ok = word.contains('.')
        && word.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    ok.then_some(word)
}

/// An HTTP response, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The headers, names lowercase, in order.
    pub headers: Vec<(String, String)>,
    /// The body (de-chunked).
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first header named `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Why a response could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// The response ends before its head or body does.
    #[error("the response is incomplete")]
    Incomplete,
    /// The head is not HTTP/1.x.
    #[error("the response is not HTTP/1.1: {0}")]
    Malformed(String),
    /// The body is larger than the cap.
    #[error("the body is larger than {0} bytes")]
    TooLarge(usize),
}

/// Reads a whole HTTP/1.1 response (the connection closed after it):
/// status line, headers, and a body by `Content-Length`, chunked
/// `Transfer-Encoding`, or up to the end. A body over `cap` bytes is
/// [`HttpError::TooLarge`]; call with what has arrived so far to stop
/// reading early (an incomplete response below the cap is
/// [`HttpError::Incomplete`]).
pub fn parse_http_response(bytes: &[u8], cap: usize) -> Result<HttpResponse, HttpError> {
    let head_end = find(bytes, b"\r\n\r\n").ok_or(if bytes.len() > 16 * 1024 {
        HttpError::Malformed("the head is over 16 KiB".into())
    } else {
        HttpError::Incomplete
    })?;
    let head = std::str::from_utf8(&bytes[..head_end])
        .map_err(|_| HttpError::Malformed("the head is not text".into()))?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.splitn(3, ' ');
    let (version, code) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if !version.starts_with("HTTP/1.") || code.len() != 3 {
        return Err(HttpError::Malformed(format!(
            "status line \"{status_line}\""
        )));
    }
    let status: u16 = code
        .parse()
        .map_err(|_| HttpError::Malformed(format!("status line \"{status_line}\"")))?;
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| HttpError::Malformed(format!("header line \"{line}\"")))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let mut response = HttpResponse {
        status,
        headers,
        body: Vec::new(),
    };
    let rest = &bytes[head_end + 4..];
    let chunked = response
        .header("transfer-encoding")
        .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"));
    if chunked {
        response.body = dechunk(rest, cap)?;
    } else if let Some(length) = response.header("content-length") {
        let length: usize = length
            .parse()
            .map_err(|_| HttpError::Malformed(format!("Content-Length \"{length}\"")))?;
        if length > cap {
            return Err(HttpError::TooLarge(cap));
        }
        if rest.len() < length {
            return Err(HttpError::Incomplete);
        }
        response.body = rest[..length].to_vec();
    } else {
        if rest.len() > cap {
            return Err(HttpError::TooLarge(cap));
        }
        response.body = rest.to_vec();
    }
    Ok(response)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn dechunk(mut rest: &[u8], cap: usize) -> Result<Vec<u8>, HttpError> {
    let mut body = Vec::new();
    loop {
        let line_end = find(rest, b"\r\n").ok_or(HttpError::Incomplete)?;
        let size_text = std::str::from_utf8(&rest[..line_end])
            .map_err(|_| HttpError::Malformed("chunk size".into()))?;
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| HttpError::Malformed(format!("chunk size \"{size_text}\"")))?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        if body.len().saturating_add(size) > cap {
            return Err(HttpError::TooLarge(cap));
        }
        if rest.len() < size + 2 {
            return Err(HttpError::Incomplete);
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

/// Whether a `Content-Type` is `text/plain` (RFC 8461 3.3), parameters
/// aside.
pub fn is_text_plain(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("text/plain"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mta_sts_records_need_version_first_and_one_short_id() {
        assert_eq!(
            parse_mta_sts_record("v=STSv1; id=20240101T01;").unwrap(),
            "20240101T01"
        );
        assert_eq!(parse_mta_sts_record("v=STSv1;id=abc").unwrap(), "abc");
        assert!(parse_mta_sts_record("id=abc; v=STSv1").is_err());
        assert!(parse_mta_sts_record("v=STSv1").is_err());
        assert!(parse_mta_sts_record("v=STSv1; id=a-b").is_err());
        assert!(parse_mta_sts_record(&format!("v=STSv1; id={}", "a".repeat(33))).is_err());
        assert!(parse_mta_sts_record("v=STSv1; id=a; id=b").is_err());
    }

    #[test]
    fn only_one_record_may_carry_the_prefix() {
        let records = vec!["v=spf1 -all".to_owned(), "v=STSv1; id=1".to_owned()];
        assert_eq!(
            select_record(&records, "v=STSv1").unwrap(),
            Some("v=STSv1; id=1")
        );
        assert_eq!(select_record(&records, "v=TLSRPTv1").unwrap(), None);
        let two = vec!["v=STSv1; id=1".to_owned(), "v=STSv1; id=2".to_owned()];
        assert!(select_record(&two, "v=STSv1").is_err());
    }

    #[test]
    fn policies_parse_with_crlf_or_lf_and_unknown_keys() {
        let policy = parse_mta_sts_policy(
            "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.Example.net\r\nmax_age: 86400\r\nfoo: bar\r\n",
        )
        .unwrap();
        assert_eq!(policy.mode, MtaStsMode::Enforce);
        assert_eq!(policy.mx, ["mail.example.com", "*.example.net"]);
        assert_eq!(policy.max_age, 86400);
        let testing =
            parse_mta_sts_policy("version: STSv1\nmode: testing\nmx: a.b\nmax_age: 1\n").unwrap();
        assert_eq!(testing.mode, MtaStsMode::Testing);
        let none = parse_mta_sts_policy("version: STSv1\nmode: none\nmax_age: 1\n").unwrap();
        assert!(none.mx.is_empty());
    }

    #[test]
    fn broken_policies_list_every_problem() {
        let problems =
            parse_mta_sts_policy("version: STSv2\nmode: strict\nmax_age: soon\n").unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        let problems =
            parse_mta_sts_policy("version: STSv1\nmode: enforce\nmax_age: 99999999\n").unwrap_err();
        assert!(problems.iter().any(|p| p.contains("no mx")), "{problems:?}");
        assert!(
            problems.iter().any(|p| p.contains("above the maximum")),
            "{problems:?}"
        );
        assert!(parse_mta_sts_policy("<html>hello</html>").is_err());
        let bad_pattern =
            parse_mta_sts_policy("version: STSv1\nmode: testing\nmx: *.*.a.b\nmax_age: 5\n");
        assert!(bad_pattern.is_err());
    }

    #[test]
    fn mx_patterns_match_one_leftmost_label() {
        assert!(mx_matches("mail.example.com", "mail.example.com"));
        assert!(mx_matches("MAIL.example.com.", "mail.example.com"));
        assert!(mx_matches("mx1.example.com", "*.example.com"));
        assert!(!mx_matches("a.mx1.example.com", "*.example.com"));
        assert!(!mx_matches("example.com", "*.example.com"));
        assert!(!mx_matches("mail.example.org", "mail.example.com"));
        let patterns = vec!["a.example".to_owned(), "*.example.com".to_owned()];
        assert_eq!(
            matching_pattern("mx.example.com", &patterns),
            Some("*.example.com")
        );
        assert_eq!(matching_pattern("mx.example.org", &patterns), None);
    }

    #[test]
    fn tls_rpt_records_need_version_and_valid_rua() {
        let ok = parse_tls_rpt("v=TLSRPTv1; rua=mailto:tls@example.com,https://r.example.com/tls");
        assert!(ok.problems.is_empty(), "{:?}", ok.problems);
        assert_eq!(ok.rua.len(), 2);
        let no_rua = parse_tls_rpt("v=TLSRPTv1;");
        assert_eq!(no_rua.problems, ["the record has no \"rua\""]);
        let bad_uri = parse_tls_rpt("v=TLSRPTv1; rua=ftp://x.example");
        assert_eq!(bad_uri.problems.len(), 1);
        let bad_version = parse_tls_rpt("rua=mailto:a@b.c; v=TLSRPTv1");
        assert!(!bad_version.problems.is_empty());
        assert!(!parse_tls_rpt("v=TLSRPTv1;; rua=mailto:a@b.c")
            .problems
            .is_empty());
    }

    #[test]
    fn tlsa_matching_by_selector_and_matching_type() {
        let cert = b"certificate bytes";
        let spki = b"key bytes";
        let sha256 = Sha256::digest(spki).to_vec();
        let sha512 = Sha512::digest(cert).to_vec();
        assert!(tlsa_matches(1, 1, &sha256, cert, spki));
        assert!(!tlsa_matches(0, 1, &sha256, cert, spki));
        assert!(tlsa_matches(0, 2, &sha512, cert, spki));
        assert!(tlsa_matches(0, 0, cert, cert, spki));
        assert!(!tlsa_matches(2, 0, cert, cert, spki));
        assert!(!tlsa_matches(1, 3, &sha256, cert, spki));
        assert!(tlsa_usable(3, 1, 1) && tlsa_usable(2, 0, 2));
        assert!(!tlsa_usable(1, 1, 1) && !tlsa_usable(0, 0, 1) && !tlsa_usable(3, 2, 1));
        assert_eq!(hex(&[0, 0xab, 0x10]), "00ab10");
    }

    #[test]
    fn greeting_names_are_the_first_word_when_it_is_a_host() {
        assert_eq!(
            greeting_name("mx.example.com ESMTP Postfix").as_deref(),
            Some("mx.example.com")
        );
        assert_eq!(
            greeting_name("MX.Example.COM. ready").as_deref(),
            Some("mx.example.com")
        );
        assert_eq!(greeting_name("ESMTP ready"), None);
        assert_eq!(greeting_name(""), None);
    }

    #[test]
    fn http_responses_by_length_chunks_or_close() {
        let plain =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
        let r = parse_http_response(plain, 100).unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, &b"hello"[..]));
        assert!(is_text_plain(r.header("content-type").unwrap()));
        assert!(is_text_plain("Text/Plain; charset=utf-8"));
        assert!(!is_text_plain("text/html"));
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2;x=y\r\nlo\r\n0\r\n\r\n";
        assert_eq!(parse_http_response(chunked, 100).unwrap().body, b"hello");
        let close = b"HTTP/1.0 301 Moved\r\nLocation: https://x/\r\n\r\nbye";
        let r = parse_http_response(close, 100).unwrap();
        assert_eq!((r.status, r.header("location")), (301, Some("https://x/")));
        assert_eq!(parse_http_response(plain, 4), Err(HttpError::TooLarge(4)));
        assert_eq!(parse_http_response(chunked, 4), Err(HttpError::TooLarge(4)));
        assert_eq!(
            parse_http_response(b"HTTP/1.1 200 OK\r\n", 4),
            Err(HttpError::Incomplete)
        );
        assert!(matches!(
            parse_http_response(b"SSH-2.0-x\r\n\r\n", 4),
            Err(HttpError::Malformed(_))
        ));
        let short = b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc";
        assert_eq!(parse_http_response(short, 100), Err(HttpError::Incomplete));
    }
}
