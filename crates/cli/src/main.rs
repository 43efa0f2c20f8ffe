//! `port25`: Port25's tools for terminals and scripts. `port25 relay-config`
//! prints the same relay configuration as the site's generator page, from
//! the same core function ([`port25_core::relay_config::generate`]) and the
//! same relay data (built in, or `--data FILE`).
//!
//! `port25 data stale --days N` lists the knowledge base's claims not
//! checked against their sources within N days, so a maintainer knows what
//! to re-check.
//!
//! Passwords come from a file (`--password-file`) or standard input
//! (`--password-stdin`), never from the command line unless the caller
//! insists (`--password`, with a warning), because arguments are visible to
//! every user through `ps` and end up in shell history.

mod render;

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand, ValueEnum};
use port25_core::content::{self, Embedded};
use port25_core::kb::{cells, Checked, IsoDate, KnowledgeBase, ProvidersFile, RelaysFile};
use port25_core::relay_config::{
    generate, Catalog, Credentials, Mta, Options, RelayChoice, Stamp, TlsPolicy,
};

/// The data files the binary was built with, loaded by the same loader as
/// the site ([`content::load_knowledge_base`]). The guide pages, the tree and
/// the changelog are left out: no command reads them, and embedding only
/// these five keeps the CLI free of a build script.
static BUILT_IN: Embedded<'static> = Embedded::new(&[
    (
        "data/providers.json",
        include_str!("../../../content/data/providers.json"),
    ),
    (
        "data/relays.json",
        include_str!("../../../content/data/relays.json"),
    ),
    (
        "data/ports.json",
        include_str!("../../../content/data/ports.json"),
    ),
    (
        "data/glossary.json",
        include_str!("../../../content/data/glossary.json"),
    ),
    (
        "data/faq.json",
        include_str!("../../../content/data/faq.json"),
    ),
]);

/// The generator page the permalink points at, unless `--page-url` says
/// otherwise.
const DEFAULT_PAGE_URL: &str = "https://port25.github.io/port25/generator";

/// Port25's command line: the relay configuration generator, as on the site.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Prints (or writes) the relay configuration for a mail program.
    ///
    /// Every option has the site's default: Postfix through SendGrid on port
    /// 587 with placeholder credentials. `--from-url` starts from a
    /// generator link instead (including its per-sender-domain relays,
    /// whose credentials stay placeholders); flags given as well override it.
    RelayConfig(Box<RelayConfigArgs>),
    /// Lists the relays, their hosts (with regions) and ports.
    Relays {
        /// Reads the relay data from this relays.json instead of the
        /// built-in copy.
        #[arg(long, value_name = "FILE")]
        data: Option<PathBuf>,
    },
    /// Maintains the knowledge base's data.
    Data {
        #[command(subcommand)]
        command: DataCommand,
    },
}

#[derive(Debug, Subcommand)]
enum DataCommand {
    /// Lists the claims not checked against their sources within N days,
    /// oldest first: one line per claim with the row, the field, when it was
    /// checked (or the research range of a claim never re-checked), its age
    /// in days and the source to re-read.
    Stale(StaleArgs),
}

#[derive(Debug, clap::Args)]
struct StaleArgs {
    /// The window: claims checked more than this many days ago are listed.
    #[arg(long)]
    days: u32,
    /// The day to count from, YYYY-MM-DD (default: today, UTC).
    #[arg(long)]
    today: Option<String>,
    /// Reads providers.json from FILE instead of the built-in copy.
    #[arg(long, value_name = "FILE")]
    providers: Option<PathBuf>,
    /// Reads relays.json from FILE instead of the built-in copy.
    #[arg(long, value_name = "FILE")]
    relays: Option<PathBuf>,
    /// text: tab-separated lines after a summary; json: an array of objects.
    #[arg(long, value_enum, default_value_t = StaleFormat::Text)]
    format: StaleFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StaleFormat {
    /// A summary line, then `kind<TAB>id<TAB>field<TAB>checked<TAB>age<TAB>url`.
    Text,
    /// `[{"row_kind","row_id","field","checked","not_rechecked","age_days","source_url","source_title"}]`.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// The files, the steps and the notes, as readable text.
    Text,
    /// The same as JSON: {"stamp", "files", "commands", "notes"}.
    Json,
    /// Writes each file under --out (mirroring its absolute path, with its
    /// mode) and the steps to --out/steps.sh; prints what it wrote.
    Files,
}

#[derive(Debug, clap::Args)]
struct RelayConfigArgs {
    /// The mail program.
    #[arg(long, value_parser = parse_mta, value_name = "postfix|exim4|opensmtpd|msmtp")]
    mta: Option<Mta>,
    /// A relay id (see `port25 relays`) or `custom` with --host.
    #[arg(long)]
    relay: Option<String>,
    /// One of the relay's host names as listed, or the custom relay's host.
    #[arg(long)]
    host: Option<String>,
    /// Fills a host's <region>, such as eu-west-1 (Amazon SES).
    #[arg(long)]
    region: Option<String>,
    /// The relay port (one the relay offers).
    #[arg(long)]
    port: Option<u16>,
    /// encrypt: TLS required; verify: TLS required and the certificate
    /// checked.
    #[arg(long, value_parser = parse_tls, value_name = "encrypt|verify")]
    tls: Option<TlsPolicy>,
    /// Rewrites every envelope sender to this address.
    #[arg(long, value_name = "ADDRESS")]
    rewrite_sender: Option<String>,
    /// Starts from a generator link (or its query string).
    #[arg(long, value_name = "URL")]
    from_url: Option<String>,
    /// The SMTP user name; with a password but no user name, the relay's
    /// convention (SendGrid's apikey, a Postmark token as both).
    #[arg(long)]
    username: Option<String>,
    /// Reads the password from the first line of FILE.
    #[arg(long, value_name = "FILE", group = "password_source")]
    password_file: Option<PathBuf>,
    /// Reads the password from the first line of standard input.
    #[arg(long, group = "password_source")]
    password_stdin: bool,
    /// The password itself. Visible to every user in `ps` and saved in shell
    /// history: prefer --password-file or --password-stdin.
    #[arg(long, group = "password_source", hide_short_help = true)]
    password: Option<String>,
    /// The date in the header, YYYY-MM-DD (default: today, UTC).
    #[arg(long)]
    date: Option<String>,
    /// The generator page the header's permalink points at.
    #[arg(long, env = "PORT25_PAGE_URL", default_value = DEFAULT_PAGE_URL)]
    page_url: String,
    /// Reads the relay data from this relays.json instead of the built-in
    /// copy.
    #[arg(long, value_name = "FILE")]
    data: Option<PathBuf>,
    /// How to output the result.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// The directory --format files writes into.
    #[arg(long, value_name = "DIR", required_if_eq("format", "files"))]
    out: Option<PathBuf>,
    /// Lets --format files replace files that already exist.
    #[arg(long)]
    force: bool,
}

fn parse_mta(slug: &str) -> Result<Mta, String> {
    Mta::from_slug(slug).ok_or_else(|| {
        let all: Vec<&str> = Mta::ALL.iter().map(|m| m.slug()).collect();
        format!("one of {}", all.join(", "))
    })
}

fn parse_tls(slug: &str) -> Result<TlsPolicy, String> {
    TlsPolicy::from_slug(slug).ok_or_else(|| "encrypt or verify".to_owned())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::RelayConfig(args) => relay_config(&args),
        Command::Relays { data } => list_relays(data.as_deref()),
        Command::Data {
            command: DataCommand::Stale(args),
        } => data_stale(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("port25: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The built-in knowledge base (data files only).
fn built_in() -> anyhow::Result<KnowledgeBase> {
    content::load_knowledge_base(&BUILT_IN).context("loading the built-in data")
}

/// Reads and parses one data file a user named.
fn parse_file<T: serde::de::DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

fn load_relays(data: Option<&Path>) -> anyhow::Result<RelaysFile> {
    match data {
        Some(path) => parse_file(path),
        None => {
            let kb = built_in()?;
            Ok(RelaysFile {
                data_version: kb.data_version,
                relays: kb.relays,
            })
        }
    }
}

fn data_stale(args: &StaleArgs) -> anyhow::Result<()> {
    let today_text = args.today.clone().unwrap_or_else(today);
    let Some(today) = IsoDate::parse(&today_text) else {
        bail!("--today {today_text:?} is not a date such as 2026-11-29")
    };
    let (data_version, providers) = match args.providers.as_deref() {
        Some(path) => {
            let file: ProvidersFile = parse_file(path)?;
            (file.data_version, file.providers)
        }
        None => {
            let kb = built_in()?;
            (kb.data_version, kb.providers)
        }
    };
    let relays = load_relays(args.relays.as_deref())?.relays;
    let total = cells::claims_count(&providers, &relays);
    let stale = cells::stale(&providers, &relays, today, i64::from(args.days));
    match args.format {
        StaleFormat::Text => {
            println!(
                "# {} of {total} claims not checked within {} days of {today} (data {})",
                stale.len(),
                args.days,
                data_version
            );
            for s in &stale {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    s.row_kind,
                    s.row_id,
                    s.field,
                    s.checked.describe(),
                    s.age_days,
                    s.source.url
                );
            }
        }
        StaleFormat::Json => {
            let rows: Vec<serde_json::Value> = stale
                .iter()
                .map(|s| {
                    let (checked, not_rechecked) = match s.checked {
                        Checked::On(date) => (Some(date.as_str()), None),
                        Checked::NotRechecked { from, to } => {
                            (None, Some(serde_json::json!({ "from": from, "to": to })))
                        }
                    };
                    serde_json::json!({
                        "row_kind": s.row_kind,
                        "row_id": s.row_id,
                        "field": s.field,
                        "checked": checked,
                        "not_rechecked": not_rechecked,
                        "age_days": s.age_days,
                        "source_url": s.source.url,
                        "source_title": s.source.title,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&rows)?);
        }
    }
    Ok(())
}

fn list_relays(data: Option<&Path>) -> anyhow::Result<()> {
    let relays = load_relays(data)?;
    println!("# relay data {}", relays.data_version);
    for relay in &relays.relays {
        let hosts: Vec<&str> = relay.hosts.iter().map(|h| h.host.as_str()).collect();
        let ports: Vec<String> = relay.ports.iter().map(|p| p.port.to_string()).collect();
        println!(
            "{}\t{}\thosts: {}\tports: {}",
            relay.id,
            relay.name,
            hosts.join(" "),
            ports.join(" ")
        );
    }
    println!("custom\tany host (--host)\tports: 587 465 2525 25");
    Ok(())
}

/// The options: defaults, then the link, then the flags.
fn options(args: &RelayConfigArgs) -> anyhow::Result<Options> {
    let mut options = match &args.from_url {
        Some(url) => {
            let query = url.split_once('?').map_or(url.as_str(), |(_, q)| q);
            let query = query.split_once('#').map_or(query, |(q, _)| q);
            Options::from_query(query).context("reading --from-url")?
        }
        None => Options::default(),
    };
    if let Some(mta) = args.mta {
        options.mta = mta;
    }
    if let Some(tls) = args.tls {
        options.tls = tls;
    }
    if let Some(port) = args.port {
        options.port = port;
    }
    if let Some(address) = &args.rewrite_sender {
        options.rewrite_sender = Some(address.clone());
    }
    options.relay = match (args.relay.as_deref(), &options.relay) {
        (Some("custom"), _) => RelayChoice::Custom {
            host: args
                .host
                .clone()
                .context("--relay custom needs --host NAME")?,
        },
        (Some(id), _) => RelayChoice::Known {
            id: id.to_owned(),
            host: args.host.clone(),
            region: args.region.clone(),
        },
        (None, RelayChoice::Custom { host }) => RelayChoice::Custom {
            host: args.host.clone().unwrap_or_else(|| host.clone()),
        },
        (None, RelayChoice::Known { id, host, region }) => RelayChoice::Known {
            id: id.clone(),
            host: args.host.clone().or_else(|| host.clone()),
            region: args.region.clone().or_else(|| region.clone()),
        },
    };
    if args.region.is_some() && matches!(options.relay, RelayChoice::Custom { .. }) {
        bail!("--region applies to a listed relay's host, not to a custom host");
    }
    options.credentials = credentials(args)?;
    Ok(options)
}

/// The password's first line, without its line ending.
fn first_line(text: &str) -> &str {
    let line = text.split('\n').next().unwrap_or("");
    line.strip_suffix('\r').unwrap_or(line)
}

fn credentials(args: &RelayConfigArgs) -> anyhow::Result<Credentials> {
    let password = if let Some(path) = &args.password_file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the password from {}", path.display()))?;
        Some(first_line(&text).to_owned())
    } else if args.password_stdin {
        let mut stdin = std::io::stdin();
        if stdin.is_terminal() {
            eprintln!("port25: type the password, then Enter (it is shown as you type)");
            let mut line = String::new();
            stdin.read_line(&mut line)?;
            Some(first_line(&line).to_owned())
        } else {
            let mut text = String::new();
            stdin
                .read_to_string(&mut text)
                .context("reading the password from standard input")?;
            Some(first_line(&text).to_owned())
        }
    } else if let Some(password) = &args.password {
        eprintln!(
            "port25: warning: --password is visible to every user in `ps` and is saved in \
             your shell history; prefer --password-file FILE or --password-stdin"
        );
        Some(password.clone())
    } else {
        None
    };
    match (password, &args.username) {
        (Some(password), username) => Ok(Credentials::Given {
            username: username.clone().unwrap_or_default(),
            password,
        }),
        (None, Some(_)) => bail!(
            "--username needs a password (--password-file FILE or --password-stdin); \
             without both, the output has placeholders"
        ),
        (None, None) => Ok(Credentials::Placeholder),
    }
}

/// Today's date in UTC, `YYYY-MM-DD`.
fn today() -> String {
    let date = time::OffsetDateTime::now_utc().date();
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

fn relay_config(args: &RelayConfigArgs) -> anyhow::Result<()> {
    let options = options(args)?;
    let date = match &args.date {
        Some(date) if IsoDate::parse(date).is_none() => {
            bail!("--date {date:?} is not a date such as 2026-11-23")
        }
        Some(date) => date.clone(),
        None => today(),
    };
    let relays = load_relays(args.data.as_deref())?;
    let stamp = Stamp::new(&date, &args.page_url, &options);
    let output = generate(&Catalog::from(&relays), &options, &stamp)?;
    match args.format {
        Format::Text => print!("{}", render::text(&output)),
        Format::Json => println!("{}", render::json(&stamp, &output)?),
        Format::Files => {
            let out = args
                .out
                .as_deref()
                .context("--format files needs --out DIR")?;
            for path in render::write_files(out, &output, args.force)? {
                println!("{}", path.display());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_strips_only_the_line_ending() {
        assert_eq!(first_line("p w\n"), "p w");
        assert_eq!(first_line("p w\r\nsecond"), "p w");
        assert_eq!(first_line(" p "), " p ");
        assert_eq!(first_line(""), "");
    }

    #[test]
    fn today_is_a_date() {
        assert!(IsoDate::parse(&today()).is_some(), "{}", today());
    }

    #[test]
    fn built_in_data_parses() {
        assert!(!load_relays(None).unwrap().relays.is_empty());
        assert!(!built_in().unwrap().providers.is_empty());
    }
}
