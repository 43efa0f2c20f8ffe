//! One test per failure mode: each takes the real, valid content, breaks one
//! thing, and checks that parsing or validation reports exactly that problem
//! with the offending id and field.

use std::fs;
use std::path::PathBuf;

use port25_core::kb::{
    validate, GuidePage, KnowledgeBase, ParseError, RawContent, RowKind, UsernameConvention,
    ValidationError,
};
use serde_json::Value;

fn read(relative: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../content")
        .join(relative);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The five data files as JSON values, in `RawContent` order.
fn files() -> [Value; 5] {
    ["providers", "relays", "ports", "glossary", "faq"]
        .map(|name| serde_json::from_str(&read(&format!("data/{name}.json"))).unwrap())
}

fn guides() -> Vec<GuidePage> {
    [
        "why-port-25-is-blocked",
        "how-to-diagnose",
        "solutions-by-provider",
        "alternatives",
        "when-you-need-port-25",
    ]
    .map(|slug| GuidePage {
        slug: slug.to_owned(),
        markdown: read(&format!("guide/{slug}.md")),
    })
    .to_vec()
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
    kb.providers[0].sources.clear();
    let id = kb.providers[0].id.clone();
    assert_eq!(
        errors(&kb),
        [ValidationError::MissingSource {
            kind: RowKind::Provider,
            id
        }]
    );

    let mut kb = self::kb();
    kb.relays[2].sources.clear();
    let id = kb.relays[2].id.clone();
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

#[test]
fn official_source_without_url_is_caught() {
    let mut kb = kb();
    let source = &mut kb.providers[0].sources[0];
    source.url = None;
    let title = source.title.clone();
    let id = kb.providers[0].id.clone();
    assert_eq!(
        errors(&kb),
        [ValidationError::BadSourceUrl {
            kind: RowKind::Provider,
            id,
            title,
            url: None
        }]
    );
}

#[test]
fn unlinked_sources_require_low_confidence() {
    let mut kb = kb();
    let fly = kb.providers.iter_mut().find(|p| p.id == "fly-io").unwrap();
    fly.confidence = port25_core::kb::Confidence::Medium;
    assert_eq!(
        errors(&kb),
        [ValidationError::UnlinkedSourcesNotLowConfidence {
            kind: RowKind::Provider,
            id: "fly-io".into(),
            confidence: port25_core::kb::Confidence::Medium,
        }]
    );
}

#[test]
fn missing_date_is_caught() {
    let mut kb = kb();
    kb.providers[3].last_verified = String::new();
    let id = kb.providers[3].id.clone();
    assert_eq!(
        errors(&kb),
        [ValidationError::MissingDate {
            kind: RowKind::Provider,
            id,
            field: "last_verified"
        }]
    );

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
        let mut kb = kb();
        kb.relays[0].last_verified = bad.to_owned();
        let id = kb.relays[0].id.clone();
        assert_eq!(
            errors(&kb),
            [ValidationError::BadDate {
                kind: RowKind::Relay,
                id,
                field: "last_verified",
                value: bad.to_owned(),
            }],
            "{bad}"
        );
    }
    let mut kb = kb();
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
    let mut kb = kb();
    kb.providers[0].last_verified = "2099-01-01".into();
    assert!(matches!(
        errors(&kb).as_slice(),
        [ValidationError::DateAfterDataVersion {
            field: "last_verified",
            ..
        }]
    ));
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
    assert_eq!(
        errors(&kb),
        [ValidationError::UnknownPort { relay, port: 2526 }]
    );
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
        ValidationError::MissingRequiredProvider { .. } | ValidationError::BrokenLink { .. }
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
    assert!(matches!(
        errors(&kb).as_slice(),
        [ValidationError::InconsistentProvider { id, .. }] if id == "azure-vm"
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
