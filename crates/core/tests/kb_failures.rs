//! One test per failure mode: each takes the real, valid content, breaks one
//! thing, and checks that parsing or validation reports exactly that problem
//! with the offending id and field.

use port25_core::content::{self, Dir, Source, DATA_FILES};
use port25_core::kb::{
    validate, Checked, Claim, GuidePage, KnowledgeBase, ParseError, RawContent, RowKind,
    SourceKind, UsernameConvention, ValidationError,
};
use serde_json::Value;

fn content_dir() -> Dir {
    Dir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../content"))
}

/// The five data files as JSON values, in `RawContent` order.
fn files() -> [Value; 5] {
    DATA_FILES.map(|path| {
        let text = content_dir().read(path).unwrap_or_else(|e| panic!("{e}"));
        serde_json::from_str(&text).unwrap()
    })
}

/// The guide pages, as the loader reads them.
fn guides() -> Vec<GuidePage> {
    content::load_knowledge_base(&content_dir())
        .expect("real content loads")
        .guides
}

fn parse(files: &[Value; 5]) -> Result<KnowledgeBase, ParseError> {
    let text = files.each_ref().map(|v| v.to_string());
    let raw = RawContent {
        providers: &text[0],
        relays: &text[1],
        ports: &text[2],
        glossary: &text[3],
        faq: &text[4],
    };
    KnowledgeBase::from_json(raw, guides())
}

fn kb() -> KnowledgeBase {
    let kb = parse(&files()).expect("real content parses");
    validate(&kb).expect("real content is valid");
    kb
}

fn errors(kb: &KnowledgeBase) -> Vec<ValidationError> {
    validate(kb).expect_err("the broken content must not validate")
}

fn assert_json_error(files: &[Value; 5], expected_file: &str, needle: &str) {
    match parse(files) {
        Err(ParseError::Json { file, source }) => {
            assert_eq!(file, expected_file);
            assert!(source.to_string().contains(needle), "{source}");
        }
        other => panic!("expected a JSON error in {expected_file}, got {other:?}"),
    }
}

#[test]
fn missing_source_is_caught() {
    let mut kb = kb();
    // A row the original article says nothing about, so no article claim
    // loses its evidence with the sources.
    let i = kb
        .providers
        .iter()
        .position(|p| {
            !p.sources.is_empty()
                && kb
                    .article_claims(&format!("provider:{}", p.id))
                    .next()
                    .is_none()
        })
        .unwrap();
    kb.providers[i].sources.clear();
    kb.providers[i].confidence = port25_core::kb::Confidence::Low;
    let id = kb.providers[i].id.clone();
    assert_eq!(
        errors(&kb),
        [ValidationError::MissingSource {
            kind: RowKind::Provider,
            id
        }]
    );

    let mut kb = self::kb();
    let i = kb
        .relays
        .iter()
        .position(|r| {
            kb.article_claims(&format!("relay:{}", r.id))
                .next()
                .is_none()
        })
        .unwrap();
    kb.relays[i].sources.clear();
    let id = kb.relays[i].id.clone();
    assert_eq!(
        errors(&kb),
        [ValidationError::MissingSource {
            kind: RowKind::Relay,
            id
        }]
    );

    // Without the key at all, the row does not even parse.
    let mut files = files();
    files[0]["providers"][0]
        .as_object_mut()
        .unwrap()
        .remove("sources");
    assert_json_error(&files, "providers.json", "missing field `sources`");
}

/// The index of the source of `provider` holding the claim for `field`.
fn source_of(kb: &KnowledgeBase, provider: &str, field: &str) -> (usize, usize) {
    let p = kb.providers.iter().position(|p| p.id == provider).unwrap();
    let s = kb.providers[p]
        .sources
        .iter()
        .position(|s| s.claims.iter().any(|c| c.field == field))
        .unwrap_or_else(|| panic!("{provider} cites {field}"));
    (p, s)
}

/// A copy of `kb` with the claim for `field` of `provider` changed by `change`.
fn with_claim(provider: &str, field: &str, change: impl FnOnce(&mut Claim)) -> KnowledgeBase {
    let mut kb = kb();
    let (p, s) = source_of(&kb, provider, field);
    let claim = kb.providers[p].sources[s]
        .claims
        .iter_mut()
        .find(|c| c.field == field)
        .unwrap();
    change(claim);
    kb
}

#[test]
fn malformed_source_url_is_caught() {
    let mut kb = kb();
    let (p, s) = source_of(&kb, "hetzner-cloud", "port25");
    kb.providers[p].sources[s].url = "docs.hetzner.com/cloud/servers/faq/".into();
    let title = kb.providers[p].sources[s].title.clone();
    assert!(errors(&kb).contains(&ValidationError::BadSourceUrl {
        kind: RowKind::Provider,
        id: "hetzner-cloud".into(),
        title,
        url: Some("docs.hetzner.com/cloud/servers/faq/".into()),
    }));
}

#[test]
fn cell_without_citation_is_caught() {
    let mut kb = kb();
    let (p, s) = source_of(&kb, "hetzner-cloud", "port587");
    kb.providers[p].sources[s]
        .claims
        .retain(|c| c.field != "port587");
    assert_eq!(
        errors(&kb),
        [ValidationError::MissingCitation {
            kind: RowKind::Provider,
            id: "hetzner-cloud".into(),
            field: "port587".into(),
        }]
    );

    // A relay's host needs its citation too.
    let mut kb = self::kb();
    let r = kb.relays.iter().position(|r| r.id == "sendgrid").unwrap();
    let host = format!("host:{}", kb.relays[r].hosts[0].host);
    for source in &mut kb.relays[r].sources {
        source.claims.retain(|c| c.field != host);
    }
    kb.relays[r].sources.retain(|s| !s.claims.is_empty());
    let found = errors(&kb);
    assert!(
        found.contains(&ValidationError::MissingCitation {
            kind: RowKind::Relay,
            id: "sendgrid".into(),
            field: host.clone(),
        }),
        "{found:?}"
    );

    // An unknown value needs none: there is nothing to cite.
    let mut kb = self::kb();
    let (p, s) = source_of(&kb, "hetzner-cloud", "port587");
    kb.providers[p].sources[s]
        .claims
        .retain(|c| c.field != "port587");
    kb.providers[p].other_ports.submission = port25_core::kb::PortStatus::Unknown;
    kb.ports.iter_mut().for_each(|port| {
        port.blocked_by
            .retain(|id| id != "hetzner-cloud" || port.number != 587)
    });
    assert_eq!(validate(&kb), Ok(()));
}

#[test]
fn secondary_source_on_the_providers_own_domain_is_caught() {
    let mut kb = kb();
    let (p, s) = source_of(&kb, "hetzner-cloud", "inbound25");
    assert_eq!(kb.providers[p].sources[s].kind, SourceKind::Secondary);
    kb.providers[p].sources[s].url = "https://www.hetzner.com/legal/system-policies/".into();
    assert_eq!(
        errors(&kb),
        [ValidationError::SecondaryOnOwnDomain {
            kind: RowKind::Provider,
            id: "hetzner-cloud".into(),
            url: "https://www.hetzner.com/legal/system-policies/".into(),
            domain: "hetzner.com".into(),
        }]
    );
}

#[test]
fn duplicate_source_is_caught() {
    let mut kb = kb();
    let (p, s) = source_of(&kb, "hetzner-cloud", "port587");
    let mut copy = kb.providers[p].sources[s].clone();
    // The same page under another anchor, holding one of the claims.
    copy.url = format!("{}#another-anchor", copy.url.split('#').next().unwrap());
    copy.claims.retain(|c| c.field == "port587");
    kb.providers[p].sources[s]
        .claims
        .retain(|c| c.field != "port587");
    kb.providers[p].sources.push(copy.clone());
    assert_eq!(
        errors(&kb),
        [ValidationError::DuplicateSource {
            kind: RowKind::Provider,
            id: "hetzner-cloud".into(),
            url: copy
                .url
                .split('#')
                .next()
                .unwrap()
                .trim_end_matches('/')
                .into(),
        }]
    );
}

#[test]
fn empty_quote_is_caught() {
    let kb = with_claim("hetzner-cloud", "port25", |c| c.quote = "   ".into());
    assert_eq!(
        errors(&kb),
        [ValidationError::EmptyQuote {
            kind: RowKind::Provider,
            id: "hetzner-cloud".into(),
            field: "port25".into(),
        }]
    );
}

#[test]
fn long_quote_is_caught() {
    let kb = with_claim("hetzner-cloud", "port25", |c| c.quote = "x".repeat(301));
    assert_eq!(
        errors(&kb),
        [ValidationError::QuoteTooLong {
            kind: RowKind::Provider,
            id: "hetzner-cloud".into(),
            field: "port25".into(),
            chars: 301,
        }]
    );
}

#[test]
fn claim_for_a_cell_the_row_lacks_is_caught() {
    let kb = with_claim("hetzner-cloud", "port25", |c| c.field = "port26".into());
    let found = errors(&kb);
    assert!(found.contains(&ValidationError::UnknownClaimField {
        kind: RowKind::Provider,
        id: "hetzner-cloud".into(),
        field: "port26".into(),
    }));
    assert!(found.contains(&ValidationError::MissingCitation {
        kind: RowKind::Provider,
        id: "hetzner-cloud".into(),
        field: "port25".into(),
    }));
}

#[test]
fn two_claims_for_one_cell_are_caught() {
    let mut kb = kb();
    let (p, s) = source_of(&kb, "hetzner-cloud", "port25");
    let copy = kb.providers[p].sources[s]
        .claims
        .iter()
        .find(|c| c.field == "port25")
        .unwrap()
        .clone();
    kb.providers[p].sources[s].claims.push(copy);
    assert_eq!(
        errors(&kb),
        [ValidationError::DuplicateClaim {
            kind: RowKind::Provider,
            id: "hetzner-cloud".into(),
            field: "port25".into(),
        }]
    );
}

#[test]
fn host_claim_must_name_its_host() {
    let mut kb = kb();
    let r = kb.relays.iter().position(|r| r.id == "sendgrid").unwrap();
    let field = format!("host:{}", kb.relays[r].hosts[0].host);
    for source in &mut kb.relays[r].sources {
        for claim in &mut source.claims {
            if claim.field == field {
                claim.quote = "Use our SMTP relay on port 587.".into();
            }
        }
    }
    assert_eq!(
        errors(&kb),
        [ValidationError::HostNotInQuote {
            kind: RowKind::Relay,
            id: "sendgrid".into(),
            field: field.clone(),
        }]
    );
    // Saying how the host was inferred is the honest alternative.
    for source in &mut kb.relays[r].sources {
        for claim in &mut source.claims {
            if claim.field == field {
                claim.inferred = Some("The page names the host in its settings table.".into());
            }
        }
    }
    assert_eq!(validate(&kb), Ok(()));
}

#[test]
fn confidence_must_follow_the_port25_citation() {
    let mut kb = kb();
    let p = kb
        .providers
        .iter()
        .position(|p| p.id == "hetzner-cloud")
        .unwrap();
    assert_eq!(
        kb.providers[p].confidence,
        port25_core::kb::Confidence::High
    );
    kb.providers[p].confidence = port25_core::kb::Confidence::Low;
    assert_eq!(
        errors(&kb),
        [ValidationError::ConfidenceMismatch {
            id: "hetzner-cloud".into(),
            found: port25_core::kb::Confidence::Low,
            expected: port25_core::kb::Confidence::High,
        }]
    );
    // A row whose port 25 rests on a secondary source cannot claim more than low.
    let mut kb = self::kb();
    let (p, s) = source_of(&kb, "hetzner-cloud", "port25");
    let claim = kb.providers[p].sources[s]
        .claims
        .iter()
        .find(|c| c.field == "port25")
        .unwrap()
        .clone();
    kb.providers[p].sources[s]
        .claims
        .retain(|c| c.field != "port25");
    let (_, inbound) = source_of(&kb, "hetzner-cloud", "inbound25");
    kb.providers[p].sources[inbound].claims.push(claim);
    assert_eq!(
        errors(&kb),
        [ValidationError::ConfidenceMismatch {
            id: "hetzner-cloud".into(),
            found: port25_core::kb::Confidence::High,
            expected: port25_core::kb::Confidence::Low,
        }]
    );
}

#[test]
fn last_verified_must_be_the_latest_check() {
    let mut kb = kb();
    let p = kb
        .providers
        .iter()
        .position(|p| p.id == "hetzner-cloud")
        .unwrap();
    let expected = kb.providers[p].last_verified.clone();
    kb.providers[p].last_verified = "2026-01-01".into();
    assert_eq!(
        errors(&kb),
        [ValidationError::LastVerifiedMismatch {
            kind: RowKind::Provider,
            id: "hetzner-cloud".into(),
            found: "2026-01-01".into(),
            expected,
        }]
    );
}

#[test]
fn missing_date_is_caught() {
    let kb = with_claim("hetzner-cloud", "port25", |c| {
        c.checked = Checked::On(String::new())
    });
    assert!(errors(&kb).contains(&ValidationError::MissingDate {
        kind: RowKind::Provider,
        id: "hetzner-cloud".into(),
        field: "claims.checked",
    }));

    let mut files = files();
    files[1]["relays"][0]
        .as_object_mut()
        .unwrap()
        .remove("last_verified");
    assert_json_error(&files, "relays.json", "missing field `last_verified`");
}

#[test]
fn bad_date_is_caught() {
    for bad in [
        "2026-02-30",
        "23/11/2026",
        "2026-11",
        "2026-11-23T10:00:00Z",
    ] {
        let kb = with_claim("hetzner-cloud", "port25", |c| {
            c.checked = Checked::On(bad.into())
        });
        assert!(
            errors(&kb).contains(&ValidationError::BadDate {
                kind: RowKind::Provider,
                id: "hetzner-cloud".into(),
                field: "claims.checked",
                value: bad.to_owned(),
            }),
            "{bad}"
        );
    }
    // A research range must run forwards.
    let kb = with_claim("hetzner-cloud", "port25", |c| {
        c.checked = Checked::NotRechecked {
            from: "2026-11-23".into(),
            to: "2026-11-01".into(),
        }
    });
    assert!(errors(&kb).contains(&ValidationError::BadDate {
        kind: RowKind::Provider,
        id: "hetzner-cloud".into(),
        field: "claims.checked.to",
        value: "2026-11-01".into(),
    }));
    let mut kb = self::kb();
    kb.relays[1].free_tier.as_of = Some("March 2025".into());
    assert!(matches!(
        errors(&kb).as_slice(),
        [ValidationError::BadDate {
            field: "free_tier.as_of",
            ..
        }]
    ));
}

#[test]
fn date_after_data_version_is_caught() {
    let mut kb = with_claim("hetzner-cloud", "port25", |c| {
        c.checked = Checked::On("2099-01-01".into())
    });
    let p = kb
        .providers
        .iter()
        .position(|p| p.id == "hetzner-cloud")
        .unwrap();
    kb.providers[p].last_verified = "2099-01-01".into();
    assert!(matches!(
        errors(&kb).as_slice(),
        [ValidationError::DateAfterDataVersion {
            field: "claims.checked",
            ..
        }]
    ));
}

#[test]
fn article_claims_must_name_a_row_and_cited_fields() {
    let mut kb = kb();
    kb.article.claims[0].subject = "provider:no-such-host".into();
    let id = kb.article.claims[0].id.clone();
    assert_eq!(
        errors(&kb),
        [ValidationError::UnknownArticleSubject {
            claim: id,
            subject: "provider:no-such-host".into(),
        }]
    );
    let mut kb = self::kb();
    kb.article.claims[0].fields = vec!["port9".into()];
    let id = kb.article.claims[0].id.clone();
    assert_eq!(
        errors(&kb),
        [ValidationError::UncitedArticleEvidence {
            claim: id,
            field: "port9".into(),
        }]
    );
}

#[test]
fn bad_data_version_is_caught() {
    let mut kb = kb();
    kb.data_version = "2026-11-23".into();
    assert_eq!(
        errors(&kb),
        [ValidationError::BadDataVersion {
            value: "2026-11-23".into()
        }]
    );
    let mut files = files();
    files[2]["data_version"] = Value::from("2026-11-22.1");
    assert!(matches!(
        parse(&files),
        Err(ParseError::DataVersionMismatch {
            file: "ports.json",
            ..
        })
    ));
}

#[test]
fn unknown_enum_values_fail_to_parse() {
    let cases: [(usize, &[&str], &str, &str); 6] = [
        (
            0,
            &["providers", "0", "port25"],
            "sometimes",
            "providers.json",
        ),
        (
            0,
            &["providers", "0", "category"],
            "mainframe",
            "providers.json",
        ),
        (
            0,
            &["providers", "0", "unblock", "route"],
            "on_request",
            "providers.json",
        ),
        (
            0,
            &["providers", "0", "other_ports", "587"],
            "filtered",
            "providers.json",
        ),
        (
            1,
            &["relays", "0", "ports", "0", "tls"],
            "ssl",
            "relays.json",
        ),
        (2, &["ports", "0", "tls"], "STARTTLS", "ports.json"),
    ];
    for (file, path, value, name) in cases {
        let mut files = files();
        let mut target = &mut files[file];
        for key in path {
            target = match key.parse::<usize>() {
                Ok(index) if target.is_array() => &mut target[index],
                _ => &mut target[*key],
            };
        }
        assert!(
            target.is_string(),
            "{path:?} should be an existing enum field"
        );
        *target = Value::from(value);
        assert_json_error(&files, name, "unknown variant");
    }
}

#[test]
fn unknown_field_fails_to_parse() {
    let mut files = files();
    files[3]["terms"][0]["synonyms"] = Value::from("x");
    assert_json_error(&files, "glossary.json", "unknown field `synonyms`");
}

#[test]
fn duplicate_id_is_caught() {
    let mut kb = kb();
    let copy = kb.faq[0].clone();
    let id = copy.id.clone();
    kb.faq.push(copy);
    assert_eq!(
        errors(&kb),
        [ValidationError::DuplicateId {
            kind: RowKind::FaqEntry,
            id
        }]
    );

    let mut kb = self::kb();
    let copy = kb.providers[5].clone();
    let id = copy.id.clone();
    kb.providers.push(copy);
    assert_eq!(
        errors(&kb),
        [ValidationError::DuplicateId {
            kind: RowKind::Provider,
            id
        }]
    );

    let mut kb = self::kb();
    kb.glossary[1].id = "Not A Slug".into();
    assert!(errors(&kb).contains(&ValidationError::BadId {
        kind: RowKind::GlossaryTerm,
        id: "Not A Slug".into(),
    }));
}

#[test]
fn broken_internal_link_is_caught() {
    let cases = [
        "/providers/no-such-host",
        "/relays/no-such-relay",
        "/faq#no-such-question",
        "/guide/no-such-guide",
        "/ports#9999",
        "/blog",
        "providers/aws-ec2",
        "/diagnose#step-3",
    ];
    for target in cases {
        let mut kb = kb();
        kb.faq[1]
            .answer
            .push_str(&format!(" See [this]({target})."));
        let id = kb.faq[1].id.clone();
        assert_eq!(
            errors(&kb),
            [ValidationError::BrokenLink {
                kind: RowKind::FaqEntry,
                id,
                field: "answer",
                target: target.to_owned(),
            }],
            "{target}"
        );
    }
    // Guides are checked too.
    let mut kb = kb();
    kb.guides[0]
        .markdown
        .push_str("\n[gone](/providers/gone)\n");
    assert!(matches!(
        errors(&kb).as_slice(),
        [ValidationError::BrokenLink {
            kind: RowKind::Guide,
            ..
        }]
    ));
}

#[test]
fn broken_glossary_reference_is_caught() {
    let mut kb = kb();
    kb.glossary[0].see_also.push("no-such-term".into());
    let term = kb.glossary[0].id.clone();
    assert_eq!(
        errors(&kb),
        [ValidationError::UnknownGlossaryTerm {
            term,
            reference: "no-such-term".into()
        }]
    );

    let mut kb = self::kb();
    kb.providers[0].notes = Some("See [PTR](/glossary#no-such-term).".into());
    let id = kb.providers[0].id.clone();
    assert_eq!(
        errors(&kb),
        [ValidationError::BrokenLink {
            kind: RowKind::Provider,
            id,
            field: "notes",
            target: "/glossary#no-such-term".into(),
        }]
    );
}

#[test]
fn unknown_relay_and_provider_references_are_caught() {
    let mut kb = kb();
    let aws = kb.providers.iter_mut().find(|p| p.id == "aws-ec2").unwrap();
    aws.recommended_relay.as_mut().unwrap().relay_id = Some("no-such-relay".into());
    assert_eq!(
        errors(&kb),
        [ValidationError::UnknownRelay {
            provider: "aws-ec2".into(),
            relay: "no-such-relay".into(),
        }]
    );

    let mut kb = self::kb();
    kb.ports[0].blocked_by.push("no-such-host".into());
    let port = kb.ports[0].number;
    assert_eq!(
        errors(&kb),
        [ValidationError::UnknownProvider {
            port,
            provider: "no-such-host".into()
        }]
    );

    let mut kb = self::kb();
    kb.relays[0].ports[0].port = 2526;
    let relay = kb.relays[0].id.clone();
    assert!(errors(&kb).contains(&ValidationError::UnknownPort { relay, port: 2526 }));
}

#[test]
fn port_lists_must_agree_with_provider_rows() {
    let mut kb = kb();
    let port465 = kb.ports.iter_mut().find(|p| p.number == 465).unwrap();
    port465.blocked_by.retain(|id| id != "hetzner-cloud");
    assert_eq!(
        errors(&kb),
        [ValidationError::PortListMismatch {
            port: 465,
            provider: "hetzner-cloud".into(),
            problem: "blocks this port but is missing from blocked_by",
        }]
    );
}

#[test]
fn missing_required_provider_is_caught() {
    let mut kb = kb();
    kb.providers.retain(|p| p.id != "vultr");
    for port in &mut kb.ports {
        port.blocked_by.retain(|id| id != "vultr");
    }
    // The guides' links to the row break as well; the required-row check
    // is what matters here.
    let errors = errors(&kb);
    assert!(errors.contains(&ValidationError::MissingRequiredProvider { id: "vultr" }));
    assert!(errors.iter().all(|e| matches!(
        e,
        ValidationError::MissingRequiredProvider { .. }
            | ValidationError::UnknownArticleSubject { .. }
            | ValidationError::BrokenLink { .. }
    )));
}

#[test]
fn too_few_glossary_terms_or_faq_entries_are_caught() {
    let mut kb = kb();
    kb.glossary.truncate(29);
    kb.faq.truncate(14);
    // Truncating may orphan links; only the counts matter here.
    let errors = errors(&kb);
    assert!(errors.contains(&ValidationError::TooFew {
        kind: RowKind::GlossaryTerm,
        found: 29,
        required: 30,
    }));
    assert!(errors.contains(&ValidationError::TooFew {
        kind: RowKind::FaqEntry,
        found: 14,
        required: 15,
    }));
}

#[test]
fn literal_username_needs_its_literal() {
    let mut kb = kb();
    let sendgrid = kb.relays.iter_mut().find(|r| r.id == "sendgrid").unwrap();
    assert_eq!(sendgrid.credentials.username, UsernameConvention::Literal);
    sendgrid.credentials.literal = None;
    assert_eq!(
        errors(&kb),
        [ValidationError::MissingLiteralUsername {
            relay: "sendgrid".into()
        }]
    );
}

#[test]
fn varies_without_variants_is_caught() {
    let mut kb = kb();
    let azure = kb
        .providers
        .iter_mut()
        .find(|p| p.id == "azure-vm")
        .unwrap();
    azure.variants.clear();
    azure.unblock.route = port25_core::kb::UnblockRoute::Varies;
    assert!(errors(&kb).iter().any(
        |e| matches!(e, ValidationError::InconsistentProvider { id, .. } if id == "azure-vm")
    ));
}

#[test]
fn errors_name_the_offending_row_in_their_message() {
    let error = ValidationError::BrokenLink {
        kind: RowKind::GlossaryTerm,
        id: "mx".into(),
        field: "definition",
        target: "/faq#nope".into(),
    };
    assert_eq!(
        error.to_string(),
        "glossary term \"mx\": definition links to \"/faq#nope\", which does not exist"
    );
}
