//! The downloadable data under `/data/`: JSON (with a JSON Schema each), CSV,
//! and the data changelog.
//!
//! JSON files are the source data with a `$schema` link. CSV files are
//! RFC 4180 (comma-separated, CRLF line ends, fields quoted when needed),
//! UTF-8, with a header row; a field holding several values separates them
//! with ` | ` (space, vertical bar, space), and a source is written as
//! `kind: title <url>`. The about page documents the same form. `claims.csv`
//! has one row per cited fact of a provider or relay: the field, its value,
//! the source, the verbatim quote and the dates.
//!
//! Every export states the data licence (CC BY 4.0, from
//! `port25_core::project`): JSON files in a top-level `license` field after
//! `$schema`, CSV files in a last `license` column, so no parser meets a
//! comment line. CSV files start with a UTF-8 byte order mark, which Excel
//! needs to read them as UTF-8 (without it, `Telefónica` arrives as
//! `TelefÃ³nica`); LibreOffice and RFC 4180 readers accept it.

use anyhow::Result;
use port25_core::kb::{
    cells::{self, Cell},
    Checked, FaqFile, GlossaryFile, KnowledgeBase, Labelled, PortsFile, ProvidersFile, RelaysFile,
    Source,
};
use serde::Serialize;

/// The separator between values in one CSV field.
pub const MULTI_SEPARATOR: &str = " | ";

/// The exported data sets, by file stem.
pub const KINDS: [&str; 5] = ["providers", "relays", "ports", "glossary", "faq"];

/// The CSV-only data sets: one row per claim, one per article claim.
pub const CSV_ONLY: [&str; 2] = ["claims", "article"];

/// One export: a file name under `data/` and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    /// Path relative to `data/`, e.g. `providers.csv` or `schema/providers.schema.json`.
    pub path: String,
    /// The file's contents.
    pub contents: String,
}

fn join<I: IntoIterator<Item = String>>(items: I) -> String {
    items.into_iter().collect::<Vec<_>>().join(MULTI_SEPARATOR)
}

fn source_text(s: &Source) -> String {
    format!("{}: {} <{}>", s.kind.key(), s.title, s.url)
}

/// One row per claim of `sources`, with the value of its cell.
fn claim_rows(kind: &str, id: &str, cells: &[Cell], sources: &[Source]) -> Vec<Vec<String>> {
    cells::claims(sources)
        .map(|(s, c)| {
            let value = c.value.clone().unwrap_or_else(|| {
                cells
                    .iter()
                    .find(|cell| cell.field == c.field)
                    .map(|cell| cell.value.clone())
                    .unwrap_or_default()
            });
            let (checked, research) = match &c.checked {
                Checked::On(date) => (date.clone(), String::new()),
                Checked::NotRechecked { from, to } => (String::new(), format!("{from}/{to}")),
            };
            vec![
                kind.to_owned(),
                id.to_owned(),
                c.field.clone(),
                value,
                s.kind.key().to_owned(),
                s.title.clone(),
                s.url.clone(),
                s.published.clone().unwrap_or_default(),
                c.quote.clone(),
                checked,
                research,
                c.inferred.clone().unwrap_or_default(),
            ]
        })
        .collect()
}

/// The byte order mark every CSV export starts with.
pub const BOM: char = '\u{feff}';

/// The name of the licence column, the last of every CSV export.
pub const LICENSE_COLUMN: &str = "license";

/// A JSON document with its `$schema` link and its licence first.
#[derive(Serialize)]
struct WithSchema<'a, T: Serialize> {
    #[serde(rename = "$schema")]
    schema: String,
    license: String,
    #[serde(flatten)]
    body: &'a T,
}

fn json<T: Serialize>(kind: &str, body: &T) -> Result<String> {
    let doc = WithSchema {
        schema: format!("schema/{kind}.schema.json"),
        license: port25_core::project::data_licence_notice(),
        body,
    };
    Ok(serde_json::to_string_pretty(&doc)? + "\n")
}

/// The JSON Schema of a data file, allowing the export's `$schema` link and
/// `license` statement.
fn schema<T: schemars::JsonSchema>() -> Result<String> {
    let mut schema = serde_json::to_value(schemars::schema_for!(T))?;
    if let Some(properties) = schema.get_mut("properties").and_then(|p| p.as_object_mut()) {
        properties.insert("$schema".into(), serde_json::json!({ "type": "string" }));
        properties.insert(
            "license".into(),
            serde_json::json!({ "type": "string", "description": "The data licence and how to attribute." }),
        );
    }
    Ok(serde_json::to_string_pretty(&schema)? + "\n")
}

/// The CSV header and rows of one data set.
pub fn table(kb: &KnowledgeBase, kind: &str) -> Option<(Vec<&'static str>, Vec<Vec<String>>)> {
    let table = match kind {
        "providers" => (
            vec![
                "id",
                "name",
                "category",
                "port25",
                "port465",
                "port587",
                "port2525",
                "inbound25",
                "unblock",
                "unblock_conditions",
                "variants",
                "recommended_relay",
                "recommended_relay_id",
                "sources",
                "last_verified",
                "confidence",
                "notes",
            ],
            kb.providers
                .iter()
                .map(|p| {
                    vec![
                        p.id.clone(),
                        p.name.clone(),
                        p.category.key().into(),
                        p.port25.key().into(),
                        p.other_ports.smtps.key().into(),
                        p.other_ports.submission.key().into(),
                        p.other_ports.alternate_2525.key().into(),
                        p.inbound25.key().into(),
                        p.unblock.route.key().into(),
                        p.unblock.conditions.clone(),
                        join(p.variants.iter().map(|v| {
                            format!("{}: {}, {}", v.name, v.policy.key(), v.unblock.key())
                        })),
                        p.recommended_relay
                            .as_ref()
                            .map(|r| r.text.clone())
                            .unwrap_or_default(),
                        p.recommended_relay
                            .as_ref()
                            .and_then(|r| r.relay_id.clone())
                            .unwrap_or_default(),
                        join(p.sources.iter().map(source_text)),
                        p.last_verified.clone(),
                        p.confidence.key().into(),
                        p.notes.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
        "relays" => (
            vec![
                "id",
                "name",
                "hosts",
                "ports",
                "username",
                "username_help",
                "password_help",
                "per_region_credentials",
                "free_tier",
                "free_tier_as_of",
                "sources",
                "last_verified",
                "confidence",
                "notes",
            ],
            kb.relays
                .iter()
                .map(|r| {
                    vec![
                        r.id.clone(),
                        r.name.clone(),
                        join(r.hosts.iter().map(|h| format!("{} ({})", h.host, h.region))),
                        join(
                            r.ports
                                .iter()
                                .map(|p| format!("{} {}", p.port, p.tls.key())),
                        ),
                        r.credentials
                            .literal
                            .clone()
                            .unwrap_or_else(|| r.credentials.username.key().to_owned()),
                        r.credentials.username_help.clone(),
                        r.credentials.password_help.clone(),
                        r.credentials.per_region.to_string(),
                        r.free_tier.description.clone(),
                        r.free_tier.as_of.clone().unwrap_or_default(),
                        join(r.sources.iter().map(source_text)),
                        r.last_verified.clone(),
                        r.confidence.key().into(),
                        r.notes.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
        "ports" => (
            vec!["number", "name", "purpose", "tls", "rfcs", "blocked_by"],
            kb.ports
                .iter()
                .map(|p| {
                    vec![
                        p.number.to_string(),
                        p.name.clone(),
                        p.purpose.clone(),
                        p.tls.key().into(),
                        join(
                            p.rfcs
                                .iter()
                                .map(|r| format!("RFC {} <{}>", r.number, r.url)),
                        ),
                        join(p.blocked_by.iter().cloned()),
                    ]
                })
                .collect(),
        ),
        "glossary" => (
            vec!["id", "term", "definition", "reference", "see_also"],
            kb.glossary
                .iter()
                .map(|t| {
                    vec![
                        t.id.clone(),
                        t.term.clone(),
                        t.definition.clone(),
                        t.reference
                            .as_ref()
                            .map(|r| format!("{} <{}>", r.title, r.url))
                            .unwrap_or_default(),
                        join(t.see_also.iter().cloned()),
                    ]
                })
                .collect(),
        ),
        "claims" => (
            vec![
                "row_kind",
                "row_id",
                "field",
                "value",
                "source_kind",
                "source_title",
                "source_url",
                "source_date",
                "quote",
                "checked",
                "not_rechecked_research",
                "inferred",
            ],
            kb.providers
                .iter()
                .flat_map(|p| claim_rows("provider", &p.id, &cells::provider_cells(p), &p.sources))
                .chain(
                    kb.relays.iter().flat_map(|r| {
                        claim_rows("relay", &r.id, &cells::relay_cells(r), &r.sources)
                    }),
                )
                .collect(),
        ),
        "article" => (
            vec!["id", "subject", "claim", "verdict", "evidence", "fields"],
            kb.article
                .claims
                .iter()
                .map(|c| {
                    vec![
                        c.id.clone(),
                        c.subject.clone(),
                        c.claim.clone(),
                        c.verdict.key().into(),
                        c.evidence.clone(),
                        join(c.fields.iter().cloned()),
                    ]
                })
                .collect(),
        ),
        "faq" => (
            vec!["id", "question", "answer"],
            kb.faq
                .iter()
                .map(|e| vec![e.id.clone(), e.question.clone(), e.answer.clone()])
                .collect(),
        ),
        _ => return None,
    };
    Some(table)
}

/// Writes one data set as RFC 4180 CSV (CRLF line ends), after a UTF-8
/// byte order mark, with the licence as the last column of every row.
pub fn csv(kb: &KnowledgeBase, kind: &str) -> Result<String> {
    let (mut header, rows) =
        table(kb, kind).ok_or_else(|| anyhow::anyhow!("unknown data set {kind}"))?;
    header.push(LICENSE_COLUMN);
    let licence = port25_core::project::data_licence_notice();
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_string().into_bytes());
    writer.write_record(&header)?;
    for mut row in rows {
        row.push(licence.clone());
        writer.write_record(&row)?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

/// Every file under `data/`.
pub fn all(kb: &KnowledgeBase, changelog: &str) -> Result<Vec<ExportFile>> {
    let v = kb.data_version.clone();
    let mut files = vec![
        ExportFile {
            path: "providers.json".into(),
            contents: json(
                "providers",
                &ProvidersFile {
                    data_version: v.clone(),
                    article: kb.article.clone(),
                    providers: kb.providers.clone(),
                },
            )?,
        },
        ExportFile {
            path: "relays.json".into(),
            contents: json(
                "relays",
                &RelaysFile {
                    data_version: v.clone(),
                    relays: kb.relays.clone(),
                },
            )?,
        },
        ExportFile {
            path: "ports.json".into(),
            contents: json(
                "ports",
                &PortsFile {
                    data_version: v.clone(),
                    ports: kb.ports.clone(),
                },
            )?,
        },
        ExportFile {
            path: "glossary.json".into(),
            contents: json(
                "glossary",
                &GlossaryFile {
                    data_version: v.clone(),
                    terms: kb.glossary.clone(),
                },
            )?,
        },
        ExportFile {
            path: "faq.json".into(),
            contents: json(
                "faq",
                &FaqFile {
                    data_version: v,
                    entries: kb.faq.clone(),
                },
            )?,
        },
        ExportFile {
            path: "schema/providers.schema.json".into(),
            contents: schema::<ProvidersFile>()?,
        },
        ExportFile {
            path: "schema/relays.schema.json".into(),
            contents: schema::<RelaysFile>()?,
        },
        ExportFile {
            path: "schema/ports.schema.json".into(),
            contents: schema::<PortsFile>()?,
        },
        ExportFile {
            path: "schema/glossary.schema.json".into(),
            contents: schema::<GlossaryFile>()?,
        },
        ExportFile {
            path: "schema/faq.schema.json".into(),
            contents: schema::<FaqFile>()?,
        },
        ExportFile {
            path: "CHANGELOG.md".into(),
            contents: changelog.to_owned(),
        },
    ];
    for kind in KINDS.into_iter().chain(CSV_ONLY) {
        files.push(ExportFile {
            path: format!("{kind}.csv"),
            contents: csv(kb, kind)?,
        });
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content;

    fn file<'a>(files: &'a [ExportFile], path: &str) -> &'a str {
        &files.iter().find(|f| f.path == path).unwrap().contents
    }

    #[test]
    fn json_exports_read_back_equal_to_the_source_data() {
        let kb = content::kb();
        let files = all(kb, "changes").unwrap();
        let providers: ProvidersFile =
            serde_json::from_str(&strip_schema(file(&files, "providers.json"))).unwrap();
        assert_eq!(providers.providers, kb.providers);
        assert_eq!(providers.data_version, kb.data_version);
        let relays: RelaysFile =
            serde_json::from_str(&strip_schema(file(&files, "relays.json"))).unwrap();
        assert_eq!(relays.relays, kb.relays);
        let ports: PortsFile =
            serde_json::from_str(&strip_schema(file(&files, "ports.json"))).unwrap();
        assert_eq!(ports.ports, kb.ports);
        let glossary: GlossaryFile =
            serde_json::from_str(&strip_schema(file(&files, "glossary.json"))).unwrap();
        assert_eq!(glossary.terms, kb.glossary);
        let faq: FaqFile = serde_json::from_str(&strip_schema(file(&files, "faq.json"))).unwrap();
        assert_eq!(faq.entries, kb.faq);
        assert_eq!(file(&files, "CHANGELOG.md"), "changes");
    }

    /// The data files deny unknown fields; `$schema` is the export's only addition.
    fn strip_schema(text: &str) -> String {
        let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
        let object = value.as_object_mut().unwrap();
        assert!(object.remove("$schema").is_some(), "no $schema");
        let licence = object.remove("license").expect("no license");
        assert!(licence.as_str().unwrap().starts_with("CC-BY-4.0 "));
        value.to_string()
    }

    #[test]
    fn csv_exports_read_back_equal_to_the_source_rows() {
        let kb = content::kb();
        for kind in KINDS.into_iter().chain(CSV_ONLY) {
            let text = csv(kb, kind).unwrap();
            assert!(text.ends_with("\r\n"), "{kind}: RFC 4180 line ends");
            let body = text.strip_prefix(BOM).expect("a UTF-8 byte order mark");
            // Every line break outside a quoted field is CRLF.
            let mut quoted = false;
            let mut previous = '\0';
            for c in body.chars() {
                match c {
                    '"' => quoted = !quoted,
                    '\n' if !quoted => assert_eq!(previous, '\r', "{kind}: a bare LF"),
                    _ => {}
                }
                previous = c;
            }
            let mut reader = csv::Reader::from_reader(body.as_bytes());
            let (mut header, rows) = table(kb, kind).unwrap();
            header.push(LICENSE_COLUMN);
            assert_eq!(
                reader.headers().unwrap().iter().collect::<Vec<_>>(),
                header,
                "{kind}"
            );
            let licence = port25_core::project::data_licence_notice();
            let read: Vec<Vec<String>> = reader
                .records()
                .map(|r| {
                    let mut r: Vec<String> = r.unwrap().iter().map(str::to_owned).collect();
                    assert_eq!(r.pop().as_deref(), Some(licence.as_str()), "{kind}");
                    r
                })
                .collect();
            assert_eq!(read, rows, "{kind}");
        }
        // Spot-check that the flattening kept the facts, not just the shape.
        let (_, rows) = table(kb, "providers").unwrap();
        let hetzner = rows.iter().find(|r| r[0] == "hetzner-cloud").unwrap();
        assert_eq!(hetzner[3], "blocked");
        assert!(
            hetzner[13].contains("<https://docs.hetzner.com/"),
            "{}",
            hetzner[13]
        );
        // Every claim is a row, with its quote and its dates.
        let (_, claims) = table(kb, "claims").unwrap();
        let count: usize = kb
            .providers
            .iter()
            .map(|p| p.sources.iter().map(|s| s.claims.len()).sum::<usize>())
            .chain(
                kb.relays
                    .iter()
                    .map(|r| r.sources.iter().map(|s| s.claims.len()).sum::<usize>()),
            )
            .sum();
        assert_eq!(claims.len(), count);
        let port25 = claims
            .iter()
            .find(|r| r[1] == "hetzner-cloud" && r[2] == "port25")
            .unwrap();
        assert_eq!(port25[3], "Blocked");
        assert!(!port25[8].is_empty(), "quote");
        assert!(
            !port25[9].is_empty() || !port25[10].is_empty(),
            "a check date or the research range"
        );
    }

    #[test]
    fn schemas_accept_the_exports() {
        let kb = content::kb();
        let files = all(kb, "").unwrap();
        for kind in KINDS {
            let schema: serde_json::Value =
                serde_json::from_str(file(&files, &format!("schema/{kind}.schema.json"))).unwrap();
            let required = schema["required"]
                .as_array()
                .expect("top-level required list");
            let doc: serde_json::Value =
                serde_json::from_str(file(&files, &format!("{kind}.json"))).unwrap();
            for key in required {
                assert!(
                    doc.get(key.as_str().unwrap()).is_some(),
                    "{kind}: {key} missing"
                );
            }
            for key in doc.as_object().unwrap().keys() {
                assert!(
                    schema["properties"].get(key).is_some(),
                    "{kind}: {key} not in the schema"
                );
            }
            assert_eq!(
                schema["additionalProperties"],
                serde_json::Value::Bool(false),
                "{kind}"
            );
        }
    }
}
