//! DNSSEC-aware lookups through a validating resolver.
//!
//! The probe does not validate signatures itself: it asks a validating
//! recursive resolver (Unbound, BIND, Knot Resolver; the fixture's Unbound
//! in tests) with the AD bit set in the query (RFC 6840 5.7) and the DO bit
//! in EDNS (RFC 3225), and reads the answer's AD bit. The AD bit is only
//! worth what the path to the resolver is worth, so it is trusted only
//! when the operator says so ([`DnsClient::trust_ad`], `--dnssec-trust-ad`,
//! for a resolver on the same host); otherwise every answer is
//! [`DnssecState::Unchecked`]. A SERVFAIL is asked again with the CD bit
//! (RFC 4035 3.2.2): data then means the signatures were bogus.
//!
//! The MX, A and AAAA lookups of a probe go through [`crate::dns`]'s
//! hickory resolver (its errors tell the failure kinds apart); this client
//! serves the checks. What this module is not: a validator, a cache, or a
//! resolver of its own (it needs a recursive server).

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, RecordType};
use port25_core::probe_types::checks::DnssecState;
use port25_core::probe_types::DnsFailure;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use tokio::time::timeout;

/// The EDNS payload size asked for (the DNS flag day 2020 value).
const EDNS_PAYLOAD: u16 = 1232;

/// What a lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsAnswer {
    /// False when the name does not exist (NXDOMAIN).
    pub exists: bool,
    /// The records of the type asked for (empty for NODATA or NXDOMAIN).
    pub records: Vec<RData>,
    /// DNSSEC's verdict on the answer (or the denial).
    pub dnssec: DnssecState,
}

/// A client of one recursive resolver.
#[derive(Debug, Clone)]
pub struct DnsClient {
    /// The resolver's address.
    pub server: SocketAddr,
    /// Whether the resolver validates and the path to it is trusted, so its
    /// AD bit means "authenticated".
    pub trust_ad: bool,
    /// The time allowed per query (UDP, then TCP after truncation).
    pub timeout: Duration,
}

impl DnsClient {
    /// A client of `server`, trusting its AD bit when `trust_ad`.
    pub fn new(server: SocketAddr, trust_ad: bool) -> Self {
        DnsClient {
            server,
            trust_ad,
            timeout: Duration::from_secs(4),
        }
    }

    /// The first `nameserver` of `/etc/resolv.conf` (port 53).
    pub fn from_resolv_conf(trust_ad: bool) -> std::io::Result<Self> {
        let text = std::fs::read_to_string("/etc/resolv.conf")?;
        let server = text
            .lines()
            .filter_map(|line| line.trim().strip_prefix("nameserver"))
            .find_map(|rest| rest.trim().parse::<IpAddr>().ok())
            .ok_or_else(|| std::io::Error::other("no nameserver in /etc/resolv.conf"))?;
        Ok(DnsClient::new(SocketAddr::new(server, 53), trust_ad))
    }

    /// Looks up `name` (absolute or not; a trailing dot is added) for
    /// records of `rtype`.
    pub async fn lookup(&self, name: &str, rtype: RecordType) -> Result<DnsAnswer, String> {
        self.lookup_typed(name, rtype)
            .await
            .map_err(|(_, text)| text)
    }

    /// As [`DnsClient::lookup`], with the kind of failure beside its text
    /// (SERVFAIL, REFUSED, timeout, unreachable), for answers that must
    /// say why they are unknown.
    pub async fn lookup_typed(
        &self,
        name: &str,
        rtype: RecordType,
    ) -> Result<DnsAnswer, (DnsFailure, String)> {
        let fqdn = if name.ends_with('.') {
            name.to_owned()
        } else {
            format!("{name}.")
        };
        let name = Name::from_ascii(&fqdn)
            .map_err(|e| (DnsFailure::Other, format!("bad name {fqdn}: {e}")))?;
        let response = self.exchange(&name, rtype, false).await?;
        let code = response.metadata.response_code;
        if code == ResponseCode::ServFail && self.trust_ad {
            // Validation failure or a broken server: with checking
            // disabled, data (or a clean denial) means bogus signatures.
            if let Ok(unchecked) = self.exchange(&name, rtype, true).await {
                let code = unchecked.metadata.response_code;
                if code == ResponseCode::NoError || code == ResponseCode::NXDomain {
                    return Ok(answer(&unchecked, rtype, DnssecState::Bogus));
                }
            }
            return Err((
                DnsFailure::ServerFailure,
                format!("the resolver answered SERVFAIL for {fqdn} {rtype}"),
            ));
        }
        if code != ResponseCode::NoError && code != ResponseCode::NXDomain {
            return Err((
                crate::dns::rcode_failure(code),
                format!("the resolver answered {code} for {fqdn} {rtype}"),
            ));
        }
        let state = if !self.trust_ad {
            DnssecState::Unchecked
        } else if response.metadata.authentic_data {
            DnssecState::Secure
        } else {
            DnssecState::Insecure
        };
        Ok(answer(&response, rtype, state))
    }

    /// One question and its answer, over UDP and, when truncated, TCP.
    async fn exchange(
        &self,
        name: &Name,
        rtype: RecordType,
        checking_disabled: bool,
    ) -> Result<Message, (DnsFailure, String)> {
        let id: u16 = rand_id();
        let mut query = Message::new(id, MessageType::Query, OpCode::Query);
        query.metadata.recursion_desired = true;
        query.metadata.authentic_data = true;
        query.metadata.checking_disabled = checking_disabled;
        let question = Query::query(name.clone(), rtype);
        query.add_query(question.clone());
        let mut edns = Edns::new();
        edns.set_dnssec_ok(true);
        edns.set_max_payload(EDNS_PAYLOAD);
        query.set_edns(edns);
        let wire = query
            .to_vec()
            .map_err(|e| (DnsFailure::Other, e.to_string()))?;
        let unreachable = |text: String| (DnsFailure::Unreachable, text);
        let response = timeout(self.timeout, self.udp(&wire, id, &question))
            .await
            .map_err(|_| {
                (
                    DnsFailure::Timeout,
                    format!("no answer from {} within {:?}", self.server, self.timeout),
                )
            })?
            .map_err(unreachable)?;
        if !response.metadata.truncation {
            return Ok(response);
        }
        timeout(self.timeout, self.tcp(&wire, id, &question))
            .await
            .map_err(|_| {
                (
                    DnsFailure::Timeout,
                    format!(
                        "no TCP answer from {} within {:?}",
                        self.server, self.timeout
                    ),
                )
            })?
            .map_err(unreachable)
    }

    async fn udp(&self, wire: &[u8], id: u16, question: &Query) -> Result<Message, String> {
        let local: SocketAddr = if self.server.is_ipv4() {
            "0.0.0.0:0".parse().expect("literal")
        } else {
            "[::]:0".parse().expect("literal")
        };
        let socket = UdpSocket::bind(local).await.map_err(|e| e.to_string())?;
        socket
            .connect(self.server)
            .await
            .map_err(|e| e.to_string())?;
        socket.send(wire).await.map_err(|e| e.to_string())?;
        let mut buf = vec![0u8; 65535];
        loop {
            let n = socket.recv(&mut buf).await.map_err(|e| e.to_string())?;
            // A datagram with another id is not ours (spoofing or a late
            // answer): keep waiting within the timeout.
            if let Ok(message) = Message::from_vec(&buf[..n]) {
                if answers(&message, id, question) {
                    return Ok(message);
                }
            }
        }
    }

    async fn tcp(&self, wire: &[u8], id: u16, question: &Query) -> Result<Message, String> {
        let mut stream = TcpStream::connect(self.server)
            .await
            .map_err(|e| e.to_string())?;
        let len = u16::try_from(wire.len()).map_err(|_| "query too long".to_owned())?;
        let mut framed = len.to_be_bytes().to_vec();
        framed.extend_from_slice(wire);
        stream.write_all(&framed).await.map_err(|e| e.to_string())?;
        let mut len = [0u8; 2];
        stream
            .read_exact(&mut len)
            .await
            .map_err(|e| e.to_string())?;
        let mut buf = vec![0u8; usize::from(u16::from_be_bytes(len))];
        stream
            .read_exact(&mut buf)
            .await
            .map_err(|e| e.to_string())?;
        let message = Message::from_vec(&buf).map_err(|e| e.to_string())?;
        if !answers(&message, id, question) {
            return Err("the TCP answer is not for this question".into());
        }
        Ok(message)
    }

    /// The TXT records at `name`, each record's strings joined (RFC 7208
    /// 3.3 and RFC 8461 3.1 read multi-string records that way).
    pub async fn txt(&self, name: &str) -> Result<(Vec<String>, DnssecState), String> {
        let answer = self.lookup(name, RecordType::TXT).await?;
        let texts = answer
            .records
            .iter()
            .filter_map(|r| match r {
                RData::TXT(txt) => Some(
                    txt.txt_data
                        .iter()
                        .map(|part| String::from_utf8_lossy(part).into_owned())
                        .collect::<String>(),
                ),
                _ => None,
            })
            .collect();
        Ok((texts, answer.dnssec))
    }

    /// The A and AAAA records of `host`, and the weaker of the two
    /// answers' DNSSEC states.
    pub async fn addresses_with_state(
        &self,
        host: &str,
    ) -> Result<(Vec<IpAddr>, DnssecState, bool), String> {
        let (v4, v6) = futures::join!(
            self.lookup(host, RecordType::A),
            self.lookup(host, RecordType::AAAA)
        );
        let mut out = Vec::new();
        let mut states = Vec::new();
        let mut exists = false;
        for result in [v4, v6] {
            let answer = result?;
            exists |= answer.exists;
            states.push(answer.dnssec);
            for record in answer.records {
                match record {
                    RData::A(a) => out.push(IpAddr::V4(a.0)),
                    RData::AAAA(aaaa) => out.push(IpAddr::V6(aaaa.0)),
                    _ => {}
                }
            }
        }
        Ok((out, weakest(&states), exists))
    }
}

/// Whether `message` is the response to query `id` asking `question`
/// (hickory compares names without case, as RFC 4343 says).
fn answers(message: &Message, id: u16, question: &Query) -> bool {
    message.metadata.id == id
        && message.metadata.message_type == MessageType::Response
        && message.queries.len() == 1
        && message.queries[0].query_type() == question.query_type()
        && message.queries[0].name() == question.name()
}

/// The weakest of several DNSSEC states: bogus, unchecked, insecure, secure.
pub fn weakest(states: &[DnssecState]) -> DnssecState {
    let rank = |s: &DnssecState| match s {
        DnssecState::Bogus => 0,
        DnssecState::Unchecked => 1,
        DnssecState::Insecure => 2,
        DnssecState::Secure => 3,
    };
    states
        .iter()
        .copied()
        .min_by_key(rank)
        .unwrap_or(DnssecState::Unchecked)
}

fn answer(message: &Message, rtype: RecordType, dnssec: DnssecState) -> DnsAnswer {
    DnsAnswer {
        exists: message.metadata.response_code != ResponseCode::NXDomain,
        records: message
            .answers
            .iter()
            .filter(|r| r.record_type() == rtype)
            .map(|r| r.data.clone())
            .collect(),
        dnssec,
    }
}

/// A query id from the OS's random source (RFC 5452 9.2).
fn rand_id() -> u16 {
    let bytes = uuid::Uuid::new_v4().into_bytes();
    u16::from_be_bytes([bytes[0], bytes[1]])
}

/// The reverse-lookup name of an address (RFC 1035 3.5, RFC 3596 2.5).
pub fn reverse_name(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => {
            let [a, b, c, d] = v4.octets();
            format!("{d}.{c}.{b}.{a}.in-addr.arpa")
        }
        IpAddr::V6(v6) => {
            let mut out = String::with_capacity(72);
            for byte in v6.octets().iter().rev() {
                for nibble in [byte & 15, byte >> 4] {
                    out.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
                    out.push('.');
                }
            }
            out.push_str("ip6.arpa");
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverse_names_for_both_families() {
        assert_eq!(
            reverse_name("127.0.0.2".parse().unwrap()),
            "2.0.0.127.in-addr.arpa"
        );
        let v6 = reverse_name("2001:db8::1".parse().unwrap());
        assert!(v6.starts_with("1.0.0.0.0.0.0.0"), "{v6}");
        assert!(v6.ends_with("8.b.d.0.1.0.0.2.ip6.arpa"), "{v6}");
    }

    /// A scripted resolver on 127.0.0.1: over UDP it first sends a reply
    /// with another id and one for another question (both with a wrong
    /// address), then the real answer truncated; over TCP the full answer
    /// with the AD bit.
    #[tokio::test]
    async fn answers_must_match_the_question_and_truncation_moves_to_tcp() {
        use hickory_proto::rr::rdata::A;
        use hickory_proto::rr::Record;
        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let server = udp.local_addr().unwrap();
        let tcp = tokio::net::TcpListener::bind(server).await.unwrap();
        let reply = |id: u16, name: &str, truncated: bool, last: u8| {
            let mut m = Message::new(id, MessageType::Response, OpCode::Query);
            m.metadata.recursion_available = true;
            m.metadata.authentic_data = !truncated;
            m.metadata.truncation = truncated;
            let name = Name::from_ascii(name).unwrap();
            m.add_query(Query::query(name.clone(), RecordType::A));
            if !truncated {
                m.add_answer(Record::from_rdata(
                    name,
                    60,
                    RData::A(A::new(192, 0, 2, last)),
                ));
            }
            m.to_vec().unwrap()
        };
        tokio::spawn(async move {
            let mut buf = vec![0u8; 4096];
            let (n, peer) = udp.recv_from(&mut buf).await.unwrap();
            let id = Message::from_vec(&buf[..n]).unwrap().metadata.id;
            let spoofed = reply(id.wrapping_add(1), "mx.example.com.", false, 66);
            udp.send_to(&spoofed, peer).await.unwrap();
            let other = reply(id, "evil.example.com.", false, 66);
            udp.send_to(&other, peer).await.unwrap();
            let truncated = reply(id, "MX.example.com.", true, 66);
            udp.send_to(&truncated, peer).await.unwrap();
            let (mut stream, _) = tcp.accept().await.unwrap();
            let mut len = [0u8; 2];
            stream.read_exact(&mut len).await.unwrap();
            let mut q = vec![0u8; usize::from(u16::from_be_bytes(len))];
            stream.read_exact(&mut q).await.unwrap();
            let id = Message::from_vec(&q).unwrap().metadata.id;
            let full = reply(id, "mx.example.com.", false, 7);
            let mut framed = u16::try_from(full.len()).unwrap().to_be_bytes().to_vec();
            framed.extend_from_slice(&full);
            stream.write_all(&framed).await.unwrap();
        });
        let client = DnsClient::new(server, true);
        let answer = client
            .lookup("mx.example.com", RecordType::A)
            .await
            .unwrap();
        assert_eq!(answer.dnssec, DnssecState::Secure);
        assert_eq!(answer.records, [RData::A(A::new(192, 0, 2, 7))]);
    }

    #[test]
    fn the_weakest_state_wins() {
        use DnssecState::*;
        assert_eq!(weakest(&[Secure, Insecure]), Insecure);
        assert_eq!(weakest(&[Secure, Bogus, Unchecked]), Bogus);
        assert_eq!(weakest(&[Secure, Secure]), Secure);
    }
}
