//! SMTP reply parsing (RFC 5321 4.2): a pure function from bytes to a
//! [`Reply`], with hard bounds so a hostile server cannot exhaust memory.
//!
//! A reply is one or more lines `Reply-code [ SP / "-" textstring ] CRLF`;
//! every line but the last has `-` after the code, and all lines carry the
//! same code (RFC 5321 4.2.1). Bare LF line endings are tolerated because
//! real servers send them. What this module is not: a reader. It never
//! touches a socket; the session driver feeds it its buffer and asks again
//! with more bytes when the answer is [`Parsed::Incomplete`].

/// The longest reply line accepted, CRLF included. RFC 5321 4.5.3.1.5 sets
/// 512 octets; real servers exceed it, so the probe allows twice that.
pub const MAX_LINE_LEN: usize = 1024;

/// The largest whole reply accepted, in bytes: generous for any EHLO list.
pub const MAX_REPLY_LEN: usize = 64 * 1024;

/// A complete SMTP reply (RFC 5321 4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The three-digit reply code, 200 to 599.
    pub code: u16,
    /// The text of each line, without the code, separator or line ending.
    /// Non-UTF-8 bytes are replaced with U+FFFD.
    pub lines: Vec<String>,
}

impl Reply {
    /// Tells whether the code is 2yz, positive completion (RFC 5321 4.2.1).
    pub fn is_positive(&self) -> bool {
        (200..300).contains(&self.code)
    }

    /// Tells whether the code is 4yz or 5yz, a transient or permanent
    /// negative completion (RFC 5321 4.2.1).
    pub fn is_negative(&self) -> bool {
        (400..600).contains(&self.code)
    }

    /// Returns the EHLO keywords: every line after the first, which is the
    /// server's name and greeting (RFC 5321 4.1.1.1).
    pub fn ehlo_keywords(&self) -> Vec<String> {
        self.lines.iter().skip(1).cloned().collect()
    }

    /// Tells whether an EHLO reply advertises `keyword` (case-insensitive,
    /// matched on the first word of each keyword line).
    pub fn has_keyword(&self, keyword: &str) -> bool {
        self.lines.iter().skip(1).any(|line| {
            line.split_ascii_whitespace()
                .next()
                .is_some_and(|word| word.eq_ignore_ascii_case(keyword))
        })
    }

    /// Returns the reply as the server sent it, one string per line.
    pub fn wire_lines(&self) -> Vec<String> {
        let last = self.lines.len().saturating_sub(1);
        self.lines
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let sep = if i == last { ' ' } else { '-' };
                if text.is_empty() && i == last {
                    format!("{}", self.code)
                } else {
                    format!("{}{sep}{text}", self.code)
                }
            })
            .collect()
    }
}

/// The result of feeding bytes to [`parse_reply`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// A whole reply, and how many bytes of the input it used.
    Complete {
        /// The reply.
        reply: Reply,
        /// Bytes consumed from the start of the input.
        consumed: usize,
    },
    /// The input is a valid beginning of a reply; read more.
    Incomplete,
}

/// Why bytes are not an SMTP reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    /// A line is longer than [`MAX_LINE_LEN`].
    #[error("a reply line is longer than {MAX_LINE_LEN} bytes")]
    LineTooLong,
    /// The reply is longer than [`MAX_REPLY_LEN`].
    #[error("the reply is longer than {MAX_REPLY_LEN} bytes")]
    ReplyTooLong,
    /// A line does not start with a reply code 2yz to 5yz.
    #[error("not an SMTP reply line: {line:?}")]
    BadCode {
        /// The offending line, escaped and shortened.
        line: String,
    },
    /// The code is not followed by a space, a hyphen or the line end.
    #[error("bad separator after the reply code: {line:?}")]
    BadSeparator {
        /// The offending line, escaped and shortened.
        line: String,
    },
    /// A continuation line has a different code from the first line.
    #[error("reply code changed from {first} to {found} inside one reply")]
    CodeMismatch {
        /// The first line's code.
        first: u16,
        /// The differing code.
        found: u16,
    },
    /// The text holds control characters other than tab.
    #[error("control characters in reply text: {line:?}")]
    ControlCharacters {
        /// The offending line, escaped and shortened.
        line: String,
    },
}

/// Parses one SMTP reply from the start of `input` (RFC 5321 4.2).
///
/// Returns [`Parsed::Incomplete`] while the bytes so far could still become
/// a valid reply, and an error as soon as they cannot, including when a line
/// or the reply outgrows its bound: a server that never sends a line end is
/// caught at [`MAX_LINE_LEN`] bytes, not at the deadline.
pub fn parse_reply(input: &[u8]) -> Result<Parsed, ReplyError> {
    let mut pos = 0;
    let mut code: Option<u16> = None;
    let mut lines = Vec::new();
    loop {
        let rest = &input[pos..];
        let Some(lf) = rest.iter().position(|&b| b == b'\n') else {
            // Judge a partial line as soon as its first bytes arrive, so
            // garbage fails fast instead of waiting for a line end.
            check_prefix(rest)?;
            if rest.len() >= MAX_LINE_LEN {
                return Err(ReplyError::LineTooLong);
            }
            if pos + rest.len() > MAX_REPLY_LEN {
                return Err(ReplyError::ReplyTooLong);
            }
            return Ok(Parsed::Incomplete);
        };
        if lf + 1 > MAX_LINE_LEN {
            return Err(ReplyError::LineTooLong);
        }
        let end = pos + lf + 1;
        if end > MAX_REPLY_LEN {
            return Err(ReplyError::ReplyTooLong);
        }
        let raw = &rest[..lf];
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        let (line_code, last, text) = parse_line(line)?;
        match code {
            None => code = Some(line_code),
            Some(first) if first != line_code => {
                return Err(ReplyError::CodeMismatch {
                    first,
                    found: line_code,
                })
            }
            Some(_) => {}
        }
        lines.push(text);
        pos = end;
        if last {
            return Ok(Parsed::Complete {
                reply: Reply {
                    code: line_code,
                    lines,
                },
                consumed: pos,
            });
        }
    }
}

/// Checks that a partial line could still start with a reply code.
fn check_prefix(partial: &[u8]) -> Result<(), ReplyError> {
    let bad = || ReplyError::BadCode {
        line: escape(partial),
    };
    for (i, &b) in partial.iter().take(3).enumerate() {
        let ok = match i {
            0 => (b'2'..=b'5').contains(&b),
            1 => (b'0'..=b'5').contains(&b),
            _ => b.is_ascii_digit(),
        };
        if !ok {
            return Err(bad());
        }
    }
    if let Some(&sep) = partial.get(3) {
        if sep != b' ' && sep != b'-' && sep != b'\r' {
            return Err(ReplyError::BadSeparator {
                line: escape(partial),
            });
        }
    }
    Ok(())
}

/// Splits one line (without its line ending) into code, is-last and text.
fn parse_line(line: &[u8]) -> Result<(u16, bool, String), ReplyError> {
    if line.len() < 3 {
        return Err(ReplyError::BadCode { line: escape(line) });
    }
    check_prefix(line)?;
    let code = line[..3]
        .iter()
        .fold(0u16, |acc, &b| acc * 10 + u16::from(b - b'0'));
    let (last, text) = match line.get(3) {
        None => (true, &[][..]),
        Some(b' ') => (true, &line[4..]),
        Some(b'-') => (false, &line[4..]),
        Some(_) => return Err(ReplyError::BadSeparator { line: escape(line) }),
    };
    if text.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err(ReplyError::ControlCharacters { line: escape(line) });
    }
    Ok((code, last, String::from_utf8_lossy(text).into_owned()))
}

/// Renders bytes for a message or transcript: printable ASCII as is, the
/// rest as `\xNN`, at most 120 bytes.
pub fn escape(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes.iter().take(120) {
        if (0x20..0x7f).contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    if bytes.len() > 120 {
        out.push_str("...");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete(input: &str) -> (Reply, usize) {
        match parse_reply(input.as_bytes()) {
            Ok(Parsed::Complete { reply, consumed }) => (reply, consumed),
            other => panic!("{input:?}: {other:?}"),
        }
    }

    #[test]
    fn complete_replies() {
        let cases: &[(&str, u16, &[&str], usize)] = &[
            (
                "220 mx.example.com ESMTP\r\n",
                220,
                &["mx.example.com ESMTP"],
                26,
            ),
            ("220\r\n", 220, &[""], 5),
            ("221 bye\n", 221, &["bye"], 8),
            (
                "250-mx.example.com\r\n250-PIPELINING\r\n250 STARTTLS\r\n",
                250,
                &["mx.example.com", "PIPELINING", "STARTTLS"],
                50,
            ),
            ("554 5.7.1 go away\r\n", 554, &["5.7.1 go away"], 19),
            ("421-a\r\n421 b\r\n", 421, &["a", "b"], 14),
            ("220 tab\there\r\n", 220, &["tab\there"], 14),
            // Bytes after the reply are left for the next read.
            ("220 hi\r\n250 next\r\n", 220, &["hi"], 8),
        ];
        for (input, code, lines, consumed) in cases {
            let (reply, used) = complete(input);
            assert_eq!(reply.code, *code, "{input:?}");
            assert_eq!(reply.lines, *lines, "{input:?}");
            assert_eq!(used, *consumed, "{input:?}");
        }
    }

    #[test]
    fn incomplete_replies() {
        for input in [
            "",
            "2",
            "22",
            "220",
            "220 ",
            "220 partial",
            "250-a\r\n",
            "250-a\r\n25",
            "220\r",
        ] {
            assert_eq!(
                parse_reply(input.as_bytes()),
                Ok(Parsed::Incomplete),
                "{input:?}"
            );
        }
    }

    #[test]
    fn garbage_is_rejected() {
        let cases: &[(&[u8], &str)] = &[
            (b"HTTP/1.1 400 Bad Request\r\n", "code"),
            (b"SSH-2.0-OpenSSH_9.6\r\n", "code"),
            (b"\x16\x03\x01\x00", "code"),
            (b"120 hello\r\n", "code"),
            (b"620 hello\r\n", "code"),
            (b"2a0 hello\r\n", "code"),
            (b"260 hello\r\n", "code"),
            (b"22\r\n", "code"),
            (b"\r\n", "code"),
            (b"220x hello\r\n", "separator"),
            (b"220_", "separator"),
            (b"250-a\r\n220 b\r\n", "mismatch"),
            (b"220 a\x00b\r\n", "control"),
            (b"220 a\x1bb\r\n", "control"),
        ];
        for (input, kind) in cases {
            let got = parse_reply(input);
            let ok = matches!(
                (&got, *kind),
                (Err(ReplyError::BadCode { .. }), "code")
                    | (Err(ReplyError::BadSeparator { .. }), "separator")
                    | (Err(ReplyError::CodeMismatch { .. }), "mismatch")
                    | (Err(ReplyError::ControlCharacters { .. }), "control")
            );
            assert!(ok, "{}: {got:?}", escape(input));
        }
    }

    #[test]
    fn bounds_are_enforced() {
        let endless = format!("220 {}", "a".repeat(MAX_LINE_LEN));
        assert_eq!(
            parse_reply(endless.as_bytes()),
            Err(ReplyError::LineTooLong)
        );
        let long_line = format!("220 {}\r\n", "a".repeat(MAX_LINE_LEN));
        assert_eq!(
            parse_reply(long_line.as_bytes()),
            Err(ReplyError::LineTooLong)
        );
        let just_fits = format!("220 {}\r\n", "a".repeat(MAX_LINE_LEN - 6));
        assert!(matches!(
            parse_reply(just_fits.as_bytes()),
            Ok(Parsed::Complete { .. })
        ));
        let many = "250-PIPELINING\r\n".repeat(MAX_REPLY_LEN / 16 + 1);
        assert_eq!(parse_reply(many.as_bytes()), Err(ReplyError::ReplyTooLong));
    }

    #[test]
    fn non_utf8_text_is_replaced_not_rejected() {
        let (reply, _) = match parse_reply(b"220 caf\xe9\r\n") {
            Ok(Parsed::Complete { reply, consumed }) => (reply, consumed),
            other => panic!("{other:?}"),
        };
        assert_eq!(reply.lines, ["caf\u{fffd}"]);
    }

    #[test]
    fn ehlo_keywords_and_wire_lines() {
        let (reply, _) = complete("250-mx.example.com hi\r\n250-SIZE 100\r\n250 starttls\r\n");
        assert_eq!(reply.ehlo_keywords(), ["SIZE 100", "starttls"]);
        assert!(reply.has_keyword("STARTTLS"));
        assert!(reply.has_keyword("size"));
        assert!(!reply.has_keyword("mx.example.com"));
        assert!(reply.is_positive());
        assert!(!reply.is_negative());
        assert_eq!(
            reply.wire_lines(),
            ["250-mx.example.com hi", "250-SIZE 100", "250 starttls"]
        );
        let (bare, _) = complete("220\r\n");
        assert_eq!(bare.wire_lines(), ["220"]);
    }

    #[test]
    fn every_prefix_of_a_valid_reply_is_incomplete() {
        let input = b"250-mx.example.com\r\n250-8BITMIME\r\n250 STARTTLS\r\n";
        for end in 0..input.len() {
            assert_eq!(parse_reply(&input[..end]), Ok(Parsed::Incomplete), "{end}");
        }
    }

    /// The fuzz target's invariants over a deterministic stream of inputs
    /// mixing reply fragments and random bytes (no fuzzer needed).
    #[test]
    fn pseudo_random_inputs_keep_the_invariants() {
        let pieces: &[&[u8]] = &[
            b"250",
            b"-",
            b" ",
            b"\r\n",
            b"\n",
            b"\r",
            b"220",
            b"554",
            b"hello",
            b"\x00",
            b"\xff",
            b"9",
            b"STARTTLS",
            b"\t",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let mut input = Vec::new();
            for _ in 0..(next() % 12) {
                if next() % 4 == 0 {
                    input.push((next() & 0xff) as u8);
                } else {
                    input.extend_from_slice(pieces[(next() % pieces.len() as u64) as usize]);
                }
            }
            if let Ok(Parsed::Complete { reply, consumed }) = parse_reply(&input) {
                assert!(consumed <= input.len());
                assert!((200..600).contains(&reply.code));
                assert!(!reply.lines.is_empty());
                assert_eq!(
                    parse_reply(&input[..consumed]),
                    Ok(Parsed::Complete { reply, consumed })
                );
            }
        }
    }
}
