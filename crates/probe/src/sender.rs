//! Who is sending: the DNS lookups about a source address that reached the
//! egress listeners with a live token. Reverse DNS (PTR) and the forward
//! lookups of its names (FCrDNS), the EHLO name's addresses when a real
//! MTA announced one, and the configured DNS blocklists (an A query, and
//! the TXT reason when it lists the address). Every question goes to the
//! probe's resolver (`--dns-resolver`, else the first nameserver of
//! /etc/resolv.conf) through [`DnsClient`], with its timeout; reading the
//! answers is [`port25_core::sender`]'s.
//!
//! Strangers cannot use this to make the probe send DNS queries at will:
//! only an address that connected and presented a live test's token is
//! checked, once per test ([`Store::sender_claim`], shared by every
//! instance), at most [`port25_core::sender::MAX_SOURCES`] addresses per test, with a bounded
//! number of checks at once; the names asked are fixed by the address and
//! the configured lists, never chosen by the client (the EHLO name, from
//! the mail path, is the one exception, looked up once per source).
//! What this module is not: a spam filter or a reputation service.

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hickory_proto::rr::{RData, RecordType};
use port25_core::probe_types::sender::ListStatus;
use port25_core::probe_types::sender::{EhloCheck, ListResult, ReverseDns, SenderReport};
use port25_core::probe_types::DnsFailure;
use port25_core::sender::{
    ehlo_literal, is_listing, query_name, read_ehlo, read_list, read_reverse, Answer, Dnsbl,
    MAX_PTR_NAMES,
};
use tokio::sync::Semaphore;

use crate::dnssec::{reverse_name, DnsAnswer, DnsClient};
use crate::store::{now_ms, Claim, Store};

/// Checks that run at once on one instance; more wait their turn.
const CONCURRENT_CHECKS: usize = 16;

/// How long a later EHLO check waits for the source's first checks to end.
const WAIT_FOR_CHECKS: Duration = Duration::from_secs(30);

/// The sender checks' settings and counters.
#[derive(Debug)]
pub struct SenderChecks {
    dns: DnsClient,
    lists: Vec<Dnsbl>,
    public_resolver: Option<&'static str>,
    permits: Semaphore,
    runs: AtomicU64,
}

impl SenderChecks {
    /// Checks through `dns` against `lists` (in that order; at most
    /// [`port25_core::sender::MAX_LISTS`] are kept).
    pub fn new(dns: DnsClient, mut lists: Vec<Dnsbl>) -> Arc<Self> {
        lists.truncate(port25_core::sender::MAX_LISTS);
        Arc::new(SenderChecks {
            public_resolver: port25_core::sender::public_resolver(dns.server.ip()),
            dns,
            lists,
            permits: Semaphore::new(CONCURRENT_CHECKS),
            runs: AtomicU64::new(0),
        })
    }

    /// How many sources this instance has checked.
    pub fn runs(&self) -> u64 {
        self.runs.load(Ordering::Relaxed)
    }

    /// Runs every check of `source` (and of `ehlo`, if given).
    pub async fn check(&self, source: IpAddr, ehlo: Option<&str>) -> SenderReport {
        let source = source.to_canonical();
        let _permit = self.permits.acquire().await;
        self.runs.fetch_add(1, Ordering::Relaxed);
        let (reverse, lists) = futures::join!(
            self.reverse(source),
            futures::future::join_all(self.lists.iter().map(|list| self.list(source, list)))
        );
        let ehlo = match ehlo {
            Some(name) => Some(self.ehlo(name, source, &reverse).await),
            None => None,
        };
        SenderReport {
            source,
            checked_ms: now_ms(),
            reverse,
            ehlo,
            lists,
            public_resolver: self.public_resolver.map(str::to_owned),
        }
    }

    async fn answer(&self, name: &str, rtype: RecordType) -> Answer<RData> {
        match self.dns.lookup_typed(name, rtype).await {
            Ok(DnsAnswer { exists: false, .. }) => Answer::NoSuchName,
            Ok(DnsAnswer { records, .. }) if records.is_empty() => Answer::NoData,
            Ok(DnsAnswer { records, .. }) => Answer::Records(records),
            Err((failure, detail)) => {
                tracing::debug!(%name, %detail, "sender lookup failed");
                Answer::Failed(failure)
            }
        }
    }

    async fn addresses(&self, name: &str) -> Answer<IpAddr> {
        let (v4, v6) = futures::join!(
            self.answer(name, RecordType::A),
            self.answer(name, RecordType::AAAA)
        );
        let mut out = Vec::new();
        let mut failure = None;
        let mut exists = false;
        for answer in [v4, v6] {
            match answer {
                Answer::Records(records) => {
                    exists = true;
                    out.extend(records.into_iter().filter_map(|r| match r {
                        RData::A(a) => Some(IpAddr::V4(a.0)),
                        RData::AAAA(aaaa) => Some(IpAddr::V6(aaaa.0)),
                        _ => None,
                    }));
                }
                Answer::NoData => exists = true,
                Answer::NoSuchName => {}
                Answer::Failed(f) => failure = Some(f),
            }
        }
        match (out.is_empty(), failure, exists) {
            (false, _, _) => Answer::Records(out),
            (true, Some(f), _) => Answer::Failed(f),
            (true, None, true) => Answer::NoData,
            (true, None, false) => Answer::Failed(DnsFailure::NoSuchDomain),
        }
    }

    async fn reverse(&self, source: IpAddr) -> ReverseDns {
        let ptr = self
            .answer(&reverse_name(source), RecordType::PTR)
            .await
            .filter_map(|r| match r {
                RData::PTR(ptr) => Some(ptr.0.to_ascii()),
                _ => None,
            });
        let names: Vec<String> = match &ptr {
            Answer::Records(names) => names
                .iter()
                .map(|n| port25_core::sender::normal_name(n))
                .take(MAX_PTR_NAMES)
                .collect(),
            _ => Vec::new(),
        };
        let forwards = futures::future::join_all(names.iter().map(|name| async move {
            match self.addresses(name).await {
                Answer::Records(addresses) => (name.clone(), addresses),
                _ => (name.clone(), Vec::new()),
            }
        }))
        .await;
        read_reverse(source, &ptr, &forwards)
    }

    async fn list(&self, source: IpAddr, list: &Dnsbl) -> ListResult {
        let Some(name) = query_name(source, list) else {
            return ListResult {
                zone: list.zone.clone(),
                status: ListStatus::NotApplicable,
                codes: Vec::new(),
                reason: String::new(),
            };
        };
        let answer = self
            .answer(&name, RecordType::A)
            .await
            .filter_map(|r| match r {
                RData::A(a) => Some(IpAddr::V4(a.0)),
                _ => None,
            });
        let txt = if is_listing(&answer) {
            match self.dns.txt(&name).await {
                Ok((texts, _)) => texts,
                Err(_) => Vec::new(),
            }
        } else {
            Vec::new()
        };
        read_list(&list.zone, &answer, &txt)
    }

    /// The EHLO check of `name` for `source`.
    pub async fn ehlo(&self, name: &str, source: IpAddr, reverse: &ReverseDns) -> EhloCheck {
        let name = name.trim();
        let resolved = if ehlo_literal(name).is_some() || !port25_core::egress::is_host_name(name) {
            Answer::NoData
        } else {
            self.addresses(name).await
        };
        read_ehlo(name, source, reverse, &resolved)
    }
}

/// Notes that `source` connected with `token`'s live test: the first time
/// (on any instance), runs its checks and keeps the report with the test;
/// with an EHLO name, once per source, adds the EHLO match to the report
/// (waiting for the first checks to end) without redoing the rest.
pub async fn observe(
    store: &Store,
    checks: &SenderChecks,
    token: &str,
    source: IpAddr,
    ehlo: Option<&str>,
) {
    let source = source.to_canonical();
    let claim = match store.sender_claim(token, source).await {
        Ok(claim) => claim,
        Err(error) => {
            tracing::warn!(%error, "claiming sender checks failed");
            return;
        }
    };
    match claim {
        Claim::Refused => {}
        Claim::Won => {
            if ehlo.is_some() {
                // This run answers the EHLO name: no second check of it.
                let _ = store.sender_claim_ehlo(token, source).await;
            }
            let report = checks.check(source, ehlo).await;
            if let Err(error) = store.sender_put(token, &report).await {
                tracing::warn!(%error, "keeping a sender report failed");
            }
        }
        Claim::Taken => {
            let Some(name) = ehlo else { return };
            if !matches!(store.sender_claim_ehlo(token, source).await, Ok(Claim::Won)) {
                return;
            }
            let deadline = tokio::time::Instant::now() + WAIT_FOR_CHECKS;
            let mut report = loop {
                match store.sender_reports(token).await {
                    Ok(reports) => {
                        if let Some(report) = reports.into_iter().find(|r| r.source == source) {
                            break report;
                        }
                    }
                    Err(error) => {
                        tracing::warn!(%error, "reading sender reports failed");
                        return;
                    }
                }
                if tokio::time::Instant::now() >= deadline {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            };
            report.ehlo = Some(checks.ehlo(name, source, &report.reverse).await);
            if let Err(error) = store.sender_put(token, &report).await {
                tracing::warn!(%error, "keeping a sender report failed");
            }
        }
    }
}
