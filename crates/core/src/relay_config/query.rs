//! [`Options`] to and from URL query strings, so a link reproduces a
//! configuration and Back and Forward work.
//!
//! Keys: `v` (the format version, [`QUERY_VERSION`]), `mta`, `relay` (a relay
//! id or `custom`), `host`, `region`, `port`, `tls`, `rewrite`, and for each
//! sender relay N (from 1) `sN.domain`, `sN.relay`, `sN.host`, `sN.region`,
//! `sN.port`. Credentials are never written: a link must not carry a secret,
//! so parsed options always have placeholders. Parsing starts from
//! [`Options::default`], ignores unknown keys and accepts any version, so old
//! and newer links still open. It does not check the options against the
//! knowledge base; `generate` does.

use super::options::{Credentials, Mta, Options, RelayChoice, SenderRelay, TlsPolicy};

/// The current format version, written as `v=1`.
pub const QUERY_VERSION: u32 = 1;

/// Why a query string could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// A key has a value this version cannot read.
    #[error("query key {key:?} has an unreadable value {value:?}")]
    BadValue {
        /// The key.
        key: String,
        /// The decoded value.
        value: String,
    },
    /// A sender relay has some keys but no `domain`.
    #[error("sender relay s{index} has no domain")]
    IncompleteSenderRelay {
        /// Its number in the query (`s2` is 2).
        index: usize,
    },
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `application/x-www-form-urlencoded` text: `+` is a space and
/// `%XX` a byte; malformed escapes are kept literally.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn push(pairs: &mut Vec<String>, key: &str, value: &str) {
    pairs.push(format!("{}={}", encode(key), encode(value)));
}

fn push_relay(pairs: &mut Vec<String>, prefix: &str, relay: &RelayChoice, port: u16) {
    match relay {
        RelayChoice::Known { id, host, region } => {
            push(pairs, &format!("{prefix}relay"), id);
            if let Some(host) = host {
                push(pairs, &format!("{prefix}host"), host);
            }
            if let Some(region) = region {
                push(pairs, &format!("{prefix}region"), region);
            }
        }
        RelayChoice::Custom { host } => {
            push(pairs, &format!("{prefix}relay"), "custom");
            push(pairs, &format!("{prefix}host"), host);
        }
    }
    push(pairs, &format!("{prefix}port"), &port.to_string());
}

/// The keys of one relay while parsing.
#[derive(Default)]
struct RelayKeys {
    relay: Option<String>,
    host: Option<String>,
    region: Option<String>,
    port: Option<u16>,
    domain: Option<String>,
    seen: bool,
}

impl RelayKeys {
    fn set(&mut self, field: &str, key: &str, value: String) -> Result<(), QueryError> {
        self.seen = true;
        match field {
            "relay" => self.relay = Some(value),
            "host" => self.host = Some(value),
            "region" => self.region = Some(value),
            "domain" => self.domain = Some(value),
            "port" => {
                self.port = Some(value.parse().map_err(|_| QueryError::BadValue {
                    key: key.to_owned(),
                    value,
                })?);
            }
            _ => self.seen = false,
        }
        Ok(())
    }

    fn choice(&self, default: &RelayChoice) -> RelayChoice {
        match (self.relay.as_deref(), &self.host) {
            (Some("custom"), host) => RelayChoice::Custom {
                host: host.clone().unwrap_or_default(),
            },
            (Some(id), host) => RelayChoice::Known {
                id: id.to_owned(),
                host: host.clone(),
                region: self.region.clone(),
            },
            (None, _) => default.clone(),
        }
    }
}

impl Options {
    /// The query string (without `?`) that reproduces these options,
    /// starting with `v=1`. Credentials are left out.
    pub fn to_query(&self) -> String {
        let mut pairs = Vec::new();
        push(&mut pairs, "v", &QUERY_VERSION.to_string());
        push(&mut pairs, "mta", self.mta.slug());
        push_relay(&mut pairs, "", &self.relay, self.port);
        push(&mut pairs, "tls", self.tls.slug());
        if let Some(address) = &self.rewrite_sender {
            push(&mut pairs, "rewrite", address);
        }
        for (i, sender) in self.sender_relays.iter().enumerate() {
            let prefix = format!("s{}.", i + 1);
            push(&mut pairs, &format!("{prefix}domain"), &sender.domain);
            push_relay(&mut pairs, &prefix, &sender.relay, sender.port);
        }
        pairs.join("&")
    }

    /// The link that reproduces these options: `page_url`, `?`, then
    /// [`Options::to_query`]. Credentials are never part of it.
    pub fn permalink(&self, page_url: &str) -> String {
        format!("{page_url}?{}", self.to_query())
    }

    /// Reads options from a query string (with or without the leading `?`).
    ///
    /// Missing keys keep their [`Options::default`] values, unknown keys are
    /// ignored and every version is read as version 1, so old and newer links
    /// still open. Credentials are always placeholders.
    ///
    /// # Errors
    ///
    /// [`QueryError::BadValue`] for a value of a known key that cannot be
    /// read (an unknown program, a port that is not a number), and
    /// [`QueryError::IncompleteSenderRelay`] for a sender relay without a
    /// domain.
    pub fn from_query(query: &str) -> Result<Options, QueryError> {
        let mut options = Options::default();
        let mut main = RelayKeys::default();
        let mut senders: Vec<RelayKeys> = Vec::new();
        let query = query.strip_prefix('?').unwrap_or(query);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let (key, value) = (decode(key), decode(value));
            let bad = |value: String| QueryError::BadValue {
                key: key.clone(),
                value,
            };
            match key.as_str() {
                "v" => {} // every version so far reads the same keys
                "mta" => options.mta = Mta::from_slug(&value).ok_or_else(|| bad(value))?,
                "tls" => options.tls = TlsPolicy::from_slug(&value).ok_or_else(|| bad(value))?,
                "rewrite" => options.rewrite_sender = Some(value).filter(|v| !v.is_empty()),
                "relay" | "host" | "region" | "port" => main.set(&key, &key, value)?,
                _ => {
                    // sN.field; anything else is an unknown key, ignored.
                    let Some((index, field)) = key
                        .strip_prefix('s')
                        .and_then(|rest| rest.split_once('.'))
                        .and_then(|(n, f)| Some((n.parse::<usize>().ok()?, f)))
                        .filter(|(n, _)| (1..=16).contains(n))
                    else {
                        continue;
                    };
                    if senders.len() < index {
                        senders.resize_with(index, RelayKeys::default);
                    }
                    senders[index - 1].set(field, &key, value)?;
                }
            }
        }
        options.relay = main.choice(&options.relay);
        if main.relay.is_none() {
            // A host or region without a relay belongs to the default relay.
            if let RelayChoice::Known { host, region, .. } = &mut options.relay {
                host.clone_from(&main.host);
                region.clone_from(&main.region);
            }
        }
        if let Some(port) = main.port {
            options.port = port;
        }
        for (i, keys) in senders.iter().enumerate().filter(|(_, k)| k.seen) {
            let domain = keys
                .domain
                .clone()
                .ok_or(QueryError::IncompleteSenderRelay { index: i + 1 })?;
            options.sender_relays.push(SenderRelay {
                domain,
                relay: keys.choice(&RelayChoice::known("sendgrid")),
                port: keys.port.unwrap_or(587),
                credentials: Credentials::Placeholder,
            });
        }
        Ok(options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_decode_round_trip() {
        for s in ["", "a b", "a+b", "%", "%4", "%zz", "é/?&=#", "100%"] {
            assert_eq!(decode(&encode(s)), s, "{s:?}");
        }
        assert_eq!(decode("a+b%20c"), "a b c");
        assert_eq!(decode("%"), "%");
        assert_eq!(decode("%4"), "%4");
        assert_eq!(decode("%41"), "A");
    }
}
