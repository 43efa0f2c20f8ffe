//! Egress tests, the pure part: tokens, the commands a user runs on their
//! server, the SMTP conversation of the probe's egress listeners, and the
//! reading of what a command printed.
//!
//! An egress test answers "does my server reach the internet on port 25
//! (465, 587, 2525)?" by measurement: the user's server connects to the
//! probe and presents the test's token, as its EHLO or HELO name or as its
//! first line. The listener's side of that conversation is [`Conversation`],
//! a state machine with no I/O: the probe feeds it lines and writes what it
//! answers. It greets with the probe's name and a short code
//! ([`greeting_code`]) so that a greeting without the code shows that
//! something else answered ([`read_paste`]). It is never a mail server:
//! MAIL, RCPT and DATA get a 5xx, so it cannot relay, and it keeps nothing
//! a client sends beyond the token.

use crate::probe_types::egress::{Arrival, EgressPort, OneLiner, Presented, Shell, Tool};
use crate::probe_types::{Family, TlsMode};

/// The length of a token, in characters.
pub const TOKEN_LEN: usize = 16;

/// The characters of a token: RFC 4648 base32 in lower case (`a-z`, `2-7`),
/// so a token is a valid host-name label, reads aloud and survives typing.
const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// The longest command line the listener reads, CRLF included (RFC 5321
/// 4.5.3.1.4); a longer one closes the connection.
pub const MAX_LINE: usize = 512;

/// The most lines one connection may send; then it is closed.
pub const MAX_COMMANDS: u32 = 16;

/// Makes a token from 10 random bytes (80 bits).
pub fn token_from_bytes(bytes: [u8; 10]) -> String {
    let mut bits: u128 = 0;
    for byte in bytes {
        bits = (bits << 8) | u128::from(byte);
    }
    (0..TOKEN_LEN)
        .rev()
        .map(|i| char::from(ALPHABET[usize::try_from((bits >> (i * 5)) & 31).unwrap_or(0)]))
        .collect()
}

/// Reads `text` as a token: 16 characters of the alphabet, in any case.
/// Returns it in lower case.
pub fn parse_token(text: &str) -> Option<String> {
    let token = text.to_ascii_lowercase();
    (token.len() == TOKEN_LEN && token.bytes().all(|b| ALPHABET.contains(&b))).then_some(token)
}

/// The short code the listeners put in their greeting: `P25-` and six
/// characters derived from the probe's name (FNV-1a), the same on every
/// instance of one deployment.
pub fn greeting_code(name: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.to_ascii_lowercase().bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let code: String = (0..6)
        .map(|i| char::from(ALPHABET[usize::try_from((hash >> (i * 5)) & 31).unwrap_or(0)]))
        .collect();
    format!("P25-{}", code.to_ascii_uppercase())
}

/// The ports the listeners answer on by default, and their TLS mode.
pub fn default_ports() -> Vec<EgressPort> {
    [25, 465, 587, 2525]
        .into_iter()
        .map(|port| EgressPort {
            port,
            tls: TlsMode::for_port(port),
        })
        .collect()
}

/// Writes `host` for a URL: IPv6 literals in brackets.
fn url_host(host: &str) -> String {
    if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    }
}

/// The commands the page shows without JavaScript, with `HOST` and `TOKEN`
/// standing for the probe's egress name and a test's token: curl on 25, nc
/// and openssl on 587, swaks on 2525, as [`commands`] writes them.
pub fn generic_examples() -> Vec<String> {
    let all = commands("HOST", &default_ports(), "TOKEN");
    [
        (25, Tool::Curl),
        (587, Tool::Nc),
        (587, Tool::Openssl),
        (2525, Tool::Swaks),
    ]
    .into_iter()
    .filter_map(|(port, tool)| {
        all.iter()
            .find(|c| c.port == port && c.tool == tool && c.shell == Shell::Unix)
            .map(|c| c.command.clone())
    })
    .collect()
}

/// The ready-made commands for a test: for each port, the tools that can
/// present the token there. On STARTTLS ports: curl, bash `/dev/tcp`, nc,
/// openssl with STARTTLS, swaks, telnet and PowerShell; on an implicit-TLS
/// port only the TLS-capable curl and openssl. Every command ends by itself
/// (it says QUIT, or has a time limit) except telnet, which is typed.
/// `host` must be a host name or an IP address (checked by the probe's
/// configuration); `token` a token.
pub fn commands(host: &str, ports: &[EgressPort], token: &str) -> Vec<OneLiner> {
    let mut out = Vec::new();
    let url = url_host(host);
    for &EgressPort { port, tls } in ports {
        let one = |shell, tool, command: String| OneLiner {
            shell,
            tool,
            port,
            command,
            typed: Vec::new(),
        };
        match tls {
            TlsMode::Implicit => {
                out.push(one(
                    Shell::Unix,
                    Tool::Curl,
                    format!("curl -v -k --max-time 15 smtps://{url}:{port}/{token}"),
                ));
                out.push(one(
                    Shell::Unix,
                    Tool::Openssl,
                    format!(
                        "printf 'EHLO {token}\\r\\nQUIT\\r\\n' | timeout 15 openssl s_client -connect {url}:{port} -quiet"
                    ),
                ));
                out.push(one(
                    Shell::Windows,
                    Tool::Curl,
                    format!("curl.exe -v -k --max-time 15 smtps://{url}:{port}/{token}"),
                ));
            }
            TlsMode::Starttls => {
                out.push(one(
                    Shell::Unix,
                    Tool::Curl,
                    format!("curl -v --max-time 15 smtp://{url}:{port}/{token}"),
                ));
                out.push(one(
                    Shell::Unix,
                    Tool::Bash,
                    format!(
                        "timeout 15 bash -c 'exec 3<>/dev/tcp/{host}/{port}; printf \"EHLO {token}\\r\\nQUIT\\r\\n\" >&3; cat <&3'"
                    ),
                ));
                out.push(one(
                    Shell::Unix,
                    Tool::Nc,
                    format!("printf 'EHLO {token}\\r\\nQUIT\\r\\n' | nc -w 15 {host} {port}"),
                ));
                out.push(one(
                    Shell::Unix,
                    Tool::Openssl,
                    format!(
                        "echo QUIT | timeout 15 openssl s_client -connect {url}:{port} -starttls smtp -name {token} -crlf -brief"
                    ),
                ));
                out.push(one(
                    Shell::Unix,
                    Tool::Swaks,
                    format!(
                        "swaks --server {host} --port {port} --quit-after EHLO --helo {token} --to {token}@{host}"
                    ),
                ));
                out.push(OneLiner {
                    typed: vec![format!("EHLO {token}"), "QUIT".to_owned()],
                    ..one(Shell::Unix, Tool::Telnet, format!("telnet {host} {port}"))
                });
                out.push(one(
                    Shell::Windows,
                    Tool::Powershell,
                    format!(
                        "$c=[Net.Sockets.TcpClient]::new('{host}',{port}); $s=$c.GetStream(); $w=[IO.StreamWriter]::new($s); $w.Write(\"EHLO {token}`r`nQUIT`r`n\"); $w.Flush(); [IO.StreamReader]::new($s).ReadToEnd(); $c.Close()"
                    ),
                ));
                out.push(one(
                    Shell::Windows,
                    Tool::Curl,
                    format!("curl.exe -v --max-time 15 smtp://{url}:{port}/{token}"),
                ));
            }
        }
    }
    out
}

/// The listener's greeting: its name and the deployment's code.
pub fn greeting(name: &str, code: &str) -> String {
    format!("220 {name} ESMTP Port25 egress test {code}\r\n")
}

/// The reply before closing a connection whose line is too long.
pub const LINE_TOO_LONG: &str = "500 5.5.6 Line too long; closing\r\n";

/// The reply before closing an idle connection.
pub const IDLE: &str = "421 4.4.2 Idle too long; closing\r\n";

/// The reply to a connection over a cap, before closing it.
pub const BUSY: &str = "421 4.7.0 Too many connections; try again later\r\n";

/// What the listener does after a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Reads the next line.
    Read,
    /// Closes the connection after the reply.
    Close,
    /// Starts TLS after the reply (STARTTLS, RFC 3207); bytes the client
    /// sent after the command are discarded.
    StartTls,
}

/// The listener's answer to one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The reply, CRLF-terminated.
    pub reply: String,
    /// What comes next.
    pub next: Next,
    /// A token this line presented (the first of the connection only).
    pub presented: Option<(String, Presented)>,
}

/// One listener connection's SMTP state, without I/O.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    name: String,
    code: String,
    starttls_offered: bool,
    tls: bool,
    ehlo: bool,
    lines: u32,
    token: Option<String>,
}

impl Conversation {
    /// A new connection to a listener named `name` with greeting code
    /// `code`; `tls` when TLS is active already (implicit TLS), and
    /// `starttls_offered` when STARTTLS may be offered after EHLO.
    pub fn new(name: &str, code: &str, tls: bool, starttls_offered: bool) -> Self {
        Conversation {
            name: name.to_owned(),
            code: code.to_owned(),
            starttls_offered: starttls_offered && !tls,
            tls,
            ehlo: false,
            lines: 0,
            token: None,
        }
    }

    /// The greeting to send first.
    pub fn greeting(&self) -> String {
        greeting(&self.name, &self.code)
    }

    /// The token this connection presented, if any.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// Tells the conversation that TLS is now active: the client must say
    /// EHLO again (RFC 3207 4.2).
    pub fn tls_started(&mut self) {
        self.tls = true;
        self.ehlo = false;
    }

    fn present(&mut self, text: &str, how: Presented) -> Option<(String, Presented)> {
        if self.token.is_some() {
            return None;
        }
        let word = text.split_whitespace().next()?;
        let word = word.trim_start_matches('[').trim_end_matches(']');
        let token = parse_token(word)?;
        self.token = Some(token.clone());
        Some((token, how))
    }

    /// Answers one line (without its line ending).
    pub fn line(&mut self, line: &[u8]) -> Answer {
        self.lines += 1;
        let answer = |reply: &str, next| Answer {
            reply: format!("{reply}\r\n"),
            next,
            presented: None,
        };
        if self.lines > MAX_COMMANDS {
            return answer("421 4.7.0 Too many commands; closing", Next::Close);
        }
        let Ok(text) = std::str::from_utf8(line) else {
            return answer("500 5.5.2 Not a command", Next::Read);
        };
        let text = text.trim();
        if self.lines == 1 {
            if let Some(presented) = self.present(text, Presented::Line) {
                return Answer {
                    presented: Some(presented),
                    ..answer("250 2.0.0 Test token seen", Next::Read)
                };
            }
        }
        let (verb, argument) = text.split_once(' ').unwrap_or((text, ""));
        let argument = argument.trim();
        match verb.to_ascii_uppercase().as_str() {
            "EHLO" | "HELO" if argument.is_empty() => {
                answer("501 5.5.4 Give a name: EHLO <test token>", Next::Read)
            }
            "EHLO" => {
                self.ehlo = true;
                let presented = self.present(argument, Presented::Ehlo);
                let mut reply = format!(
                    "250-{} Port25 egress test {}{}\r\n",
                    self.name,
                    self.code,
                    if self.token.is_some() {
                        ", token seen"
                    } else {
                        ""
                    }
                );
                if self.starttls_offered && !self.tls {
                    reply.push_str("250-STARTTLS\r\n");
                }
                reply.push_str("250 ENHANCEDSTATUSCODES\r\n");
                Answer {
                    reply,
                    next: Next::Read,
                    presented,
                }
            }
            "HELO" => {
                self.ehlo = true;
                let presented = self.present(argument, Presented::Helo);
                Answer {
                    presented,
                    ..answer(
                        &format!("250 {} Port25 egress test {}", self.name, self.code),
                        Next::Read,
                    )
                }
            }
            "STARTTLS" if self.tls => answer("503 5.5.1 TLS is active already", Next::Read),
            "STARTTLS" if !self.starttls_offered => {
                answer("502 5.5.1 STARTTLS is not offered here", Next::Read)
            }
            "STARTTLS" if !self.ehlo => answer("503 5.5.1 Say EHLO first", Next::Read),
            "STARTTLS" => answer("220 2.0.0 Ready to start TLS", Next::StartTls),
            "QUIT" => answer("221 2.0.0 Bye", Next::Close),
            "HELP" => answer(
                "214 2.0.0 Port25 egress test: present your test token with EHLO",
                Next::Read,
            ),
            "MAIL" => answer(
                "550 5.7.1 This is an egress test listener; it accepts no mail",
                Next::Read,
            ),
            "RCPT" => answer(
                "550 5.7.1 Relaying denied; this listener accepts no mail",
                Next::Read,
            ),
            "DATA" | "BDAT" => answer(
                "503 5.5.1 No mail transaction; this listener accepts no mail",
                Next::Read,
            ),
            "" => answer("500 5.5.2 Empty line", Next::Read),
            _ => answer(
                "502 5.5.1 Not implemented: only EHLO, HELO, STARTTLS and QUIT",
                Next::Read,
            ),
        }
    }
}

/// What a pasted command output shows about who answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasteReading {
    /// The probe's own greeting (with the test code): the connection
    /// reached the probe.
    ProbeGreeting,
    /// A greeting without the code: something between the server and the
    /// internet (an intercepting ISP proxy, an antivirus) answered. Holds
    /// that greeting line.
    OtherGreeting(String),
    /// No SMTP greeting at all (a timeout, a refusal, an error message).
    NoGreeting,
}

/// Reads what a command printed: curl's `< `, swaks' `<- ` and openssl's
/// bare lines are all understood.
pub fn read_paste(text: &str, code: &str) -> PasteReading {
    for raw in text.lines() {
        let line = raw.trim_start_matches(|c: char| {
            c.is_whitespace() || matches!(c, '<' | '-' | '*' | '>' | '~')
        });
        if line.starts_with("220 ") || line.starts_with("220-") || line == "220" {
            if line
                .to_ascii_uppercase()
                .contains(&code.to_ascii_uppercase())
            {
                return PasteReading::ProbeGreeting;
            }
            return PasteReading::OtherGreeting(line.trim_end().to_owned());
        }
    }
    PasteReading::NoGreeting
}

/// What the arrivals show for one port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortFinding {
    /// The port.
    pub port: u16,
    /// A connection arrived over IPv4.
    pub ipv4: bool,
    /// A connection arrived over IPv6.
    pub ipv6: bool,
    /// The newest TLS version seen on it.
    pub tls: Option<String>,
}

impl PortFinding {
    /// Tells whether anything arrived on this port.
    pub fn reached(&self) -> bool {
        self.ipv4 || self.ipv6
    }
}

/// The arrivals per port, in the order of `ports`.
pub fn findings(ports: &[EgressPort], arrivals: &[Arrival]) -> Vec<PortFinding> {
    ports
        .iter()
        .map(|p| {
            let mine = arrivals.iter().filter(|a| a.port == p.port);
            let mut finding = PortFinding {
                port: p.port,
                ipv4: false,
                ipv6: false,
                tls: None,
            };
            for arrival in mine {
                match arrival.family {
                    Family::Ipv4 => finding.ipv4 = true,
                    Family::Ipv6 => finding.ipv6 = true,
                }
                if arrival.tls.is_some() {
                    finding.tls.clone_from(&arrival.tls);
                }
            }
            finding
        })
        .collect()
}

/// The verdict on an egress test so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EgressVerdict {
    /// One sentence, the answer first.
    pub headline: String,
    /// The ports that reached the probe.
    pub reached: Vec<u16>,
    /// The ports that did not (yet).
    pub missing: Vec<u16>,
    /// What each missing port means, one sentence each.
    pub meanings: Vec<(u16, &'static str)>,
    /// A port to relay through, for the relay generator: 587, else 465,
    /// else 2525, among those that reached the probe.
    pub relay_port: Option<u16>,
    /// The badge class of the whole ([`Badge::class`]).
    pub badge: Badge,
}

/// A status badge of the shared markup (`b-pass`, `b-warn`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Badge {
    /// Everything reached.
    Pass,
    /// Some ports reached, some not.
    Warn,
    /// Nothing reached.
    Fail,
    /// Nothing to say yet.
    Unknown,
}

impl Badge {
    /// The CSS class of the shared badge markup.
    pub const fn class(self) -> &'static str {
        match self {
            Badge::Pass => "badge b-pass",
            Badge::Warn => "badge b-warn",
            Badge::Fail => "badge b-fail",
            Badge::Unknown => "badge b-unknown",
        }
    }

    /// The glyph shown before the word (never colour alone).
    pub const fn glyph(self) -> &'static str {
        match self {
            Badge::Pass => "✓",
            Badge::Warn => "!",
            Badge::Fail => "✕",
            Badge::Unknown => "?",
        }
    }
}

/// What it means when nothing arrived on `port` although the command ran.
pub fn missing_meaning(port: u16) -> &'static str {
    match port {
        25 => "Outbound port 25 is blocked between your server and the internet, most often by the hosting provider or ISP; mail to other servers cannot leave directly.",
        465 => "Outbound port 465 (submission with implicit TLS) is blocked; a relay on 587 or 2525 may still work.",
        587 => "Outbound port 587 (submission) is blocked; try 465 or 2525, which relays also offer.",
        2525 => "Outbound port 2525 is blocked; it is an unofficial alternative some relays offer, so try 587 or 465.",
        _ => "Nothing arrived on this port: a firewall on the way drops it, or the command was not run.",
    }
}

/// Judges the findings: `ran` is false until the user says they ran the
/// commands (or one arrived), so a port that has not arrived yet is not
/// called blocked before its command could run.
pub fn verdict(findings: &[PortFinding], ran: bool) -> EgressVerdict {
    let reached: Vec<u16> = findings
        .iter()
        .filter(|f| f.reached())
        .map(|f| f.port)
        .collect();
    let missing: Vec<u16> = findings
        .iter()
        .filter(|f| !f.reached())
        .map(|f| f.port)
        .collect();
    let relay_port = [587, 465, 2525].into_iter().find(|p| reached.contains(p));
    let list = |ports: &[u16]| {
        ports
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (headline, badge) = if reached.is_empty() && !ran {
        (
            "Waiting for your server: run a command below on it.".to_owned(),
            Badge::Unknown,
        )
    } else if reached.is_empty() {
        (
            "Nothing arrived: no port reaches the internet from your server, or the commands did not run there.".to_owned(),
            Badge::Fail,
        )
    } else if missing.is_empty() {
        (
            format!(
                "Every port reaches the internet from your server: {}.",
                list(&reached)
            ),
            Badge::Pass,
        )
    } else {
        (
            format!(
                "Reaches the internet: {}. Not arrived: {}.",
                list(&reached),
                list(&missing)
            ),
            Badge::Warn,
        )
    };
    let meanings = if ran || !reached.is_empty() {
        missing.iter().map(|&p| (p, missing_meaning(p))).collect()
    } else {
        Vec::new()
    };
    EgressVerdict {
        headline,
        reached,
        missing,
        meanings,
        relay_port,
        badge,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generic_examples_are_the_real_commands_with_placeholders() {
        let examples = generic_examples();
        assert_eq!(examples.len(), 4);
        assert_eq!(
            examples[0], "curl -v --max-time 15 smtp://HOST:25/TOKEN",
            "the same text as a test's own command"
        );
        // The escapes stay escapes: one line per command, for printf to read.
        assert!(
            examples[1].contains(r"EHLO TOKEN\r\nQUIT\r\n"),
            "{}",
            examples[1]
        );
        assert!(examples
            .iter()
            .all(|c| !c.contains('\n') && c.contains("TOKEN")));
    }

    const TOKEN: &str = "abcdefghijk23456";

    #[test]
    fn tokens_are_16_base32_characters_and_parse_back() {
        let token = token_from_bytes([0xff; 10]);
        assert_eq!(token, "7777777777777777");
        assert_eq!(token_from_bytes([0; 10]), "aaaaaaaaaaaaaaaa");
        let token = token_from_bytes([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(token.len(), TOKEN_LEN);
        assert_eq!(parse_token(&token.to_ascii_uppercase()), Some(token));
        assert_eq!(parse_token("abc"), None);
        assert_eq!(parse_token("abcdefghijk23451"), None, "1 is not base32");
        assert_eq!(parse_token("abcdefghijk234567"), None, "too long");
    }

    #[test]
    fn the_greeting_code_is_short_stable_and_names_differ() {
        let code = greeting_code("egress.example.net");
        assert_eq!(code.len(), 10);
        assert!(code.starts_with("P25-"));
        assert_eq!(code, greeting_code("EGRESS.example.net"));
        assert_ne!(code, greeting_code("other.example.net"));
    }

    fn conversation() -> Conversation {
        Conversation::new("egress.example.net", "P25-ABCDEF", false, true)
    }

    #[test]
    fn ehlo_with_the_token_is_an_arrival_and_offers_starttls() {
        let mut c = conversation();
        assert_eq!(
            c.greeting(),
            "220 egress.example.net ESMTP Port25 egress test P25-ABCDEF\r\n"
        );
        let a = c.line(format!("EHLO {}", TOKEN.to_ascii_uppercase()).as_bytes());
        assert_eq!(a.presented, Some((TOKEN.to_owned(), Presented::Ehlo)));
        assert!(a.reply.starts_with("250-egress.example.net"), "{}", a.reply);
        assert!(a.reply.contains("250-STARTTLS\r\n"));
        assert!(a.reply.ends_with("250 ENHANCEDSTATUSCODES\r\n"));
        assert_eq!(c.line(b"STARTTLS").next, Next::StartTls);
        c.tls_started();
        let a = c.line(format!("EHLO {TOKEN}").as_bytes());
        assert_eq!(a.presented, None, "one arrival per connection");
        assert!(!a.reply.contains("STARTTLS"));
        assert!(c.line(b"STARTTLS").reply.starts_with("503"));
        assert_eq!(c.line(b"QUIT").next, Next::Close);
        assert_eq!(c.token(), Some(TOKEN));
    }

    #[test]
    fn helo_and_a_first_line_present_the_token_too() {
        let mut c = conversation();
        assert_eq!(
            c.line(format!("HELO [{TOKEN}]").as_bytes()).presented,
            Some((TOKEN.to_owned(), Presented::Helo))
        );
        let mut c = conversation();
        let a = c.line(TOKEN.as_bytes());
        assert_eq!(a.presented, Some((TOKEN.to_owned(), Presented::Line)));
        assert!(a.reply.starts_with("250 "));
        let mut c = conversation();
        c.line(b"NOOP");
        assert_eq!(c.line(TOKEN.as_bytes()).presented, None, "first line only");
    }

    #[test]
    fn it_never_takes_mail_and_answers_everything_else_with_5xx() {
        let mut c = conversation();
        c.line(b"EHLO client.example");
        for line in [
            "MAIL FROM:<a@example.com>",
            "RCPT TO:<victim@other.example>",
            "DATA",
            "BDAT 10 LAST",
            "VRFY root",
            "EXPN staff",
            "NOOP",
            "RSET",
            "AUTH PLAIN AGJvYgBwdw==",
            "",
        ] {
            let a = c.line(line.as_bytes());
            assert!(a.reply.starts_with('5'), "{line}: {}", a.reply);
            assert_eq!(a.next, Next::Read);
            assert!(a.reply.len() < 80, "short answers: {}", a.reply);
        }
        assert!(c.line(&[0xff, 0xfe]).reply.starts_with("500"));
        assert!(c.line(b"EHLO").reply.starts_with("501"));
        assert!(c.token().is_none());
    }

    #[test]
    fn starttls_needs_ehlo_first_and_is_not_offered_under_implicit_tls() {
        let mut c = conversation();
        assert!(c.line(b"STARTTLS").reply.starts_with("503"));
        let mut implicit = Conversation::new("e.example", "P25-X", true, true);
        let a = implicit.line(b"EHLO x");
        assert!(!a.reply.contains("STARTTLS"));
        assert!(implicit.line(b"STARTTLS").reply.starts_with("503"));
        let mut none = Conversation::new("e.example", "P25-X", false, false);
        none.line(b"EHLO x");
        assert!(none.line(b"STARTTLS").reply.starts_with("502"));
    }

    #[test]
    fn a_connection_gets_a_bounded_number_of_lines() {
        let mut c = conversation();
        for _ in 0..MAX_COMMANDS {
            assert_eq!(c.line(b"NOOP").next, Next::Read);
        }
        let last = c.line(b"NOOP");
        assert!(last.reply.starts_with("421"));
        assert_eq!(last.next, Next::Close);
    }

    #[test]
    fn commands_carry_the_token_per_port_and_shell() {
        let list = commands("egress.example.net", &default_ports(), TOKEN);
        assert!(list
            .iter()
            .all(|c| c.command.contains(TOKEN) || c.typed.iter().any(|t| t.contains(TOKEN))));
        let for_port = |port| {
            list.iter()
                .filter(move |c| c.port == port)
                .map(|c| (c.shell, c.tool))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            for_port(465),
            [
                (Shell::Unix, Tool::Curl),
                (Shell::Unix, Tool::Openssl),
                (Shell::Windows, Tool::Curl)
            ]
        );
        assert_eq!(for_port(25).len(), 8);
        let curl = &list[0];
        assert_eq!(
            curl.command,
            format!("curl -v --max-time 15 smtp://egress.example.net:25/{TOKEN}")
        );
        let v6 = commands("2001:db8::25", &default_ports()[..1], TOKEN);
        assert!(v6[0].command.contains("smtp://[2001:db8::25]:25/"));
        let telnet = list.iter().find(|c| c.tool == Tool::Telnet).unwrap();
        assert_eq!(telnet.command, "telnet egress.example.net 25");
        assert_eq!(telnet.typed, [format!("EHLO {TOKEN}"), "QUIT".to_owned()]);
    }

    #[test]
    fn pasted_output_tells_the_probe_from_an_interceptor() {
        let code = "P25-ABCDEF";
        let curl = "*   Trying 192.0.2.25:25...\n< 220 egress.example.net ESMTP Port25 egress test P25-ABCDEF\n> EHLO x";
        assert_eq!(read_paste(curl, code), PasteReading::ProbeGreeting);
        let swaks = "=== Connected to 192.0.2.25.\n<-  220 mx.isp.example ESMTP ready\n -> EHLO x";
        assert_eq!(
            read_paste(swaks, code),
            PasteReading::OtherGreeting("220 mx.isp.example ESMTP ready".into())
        );
        assert_eq!(
            read_paste("nc: connect to x port 25 (tcp) timed out", code),
            PasteReading::NoGreeting
        );
    }

    fn arrival(port: u16, family: Family) -> Arrival {
        Arrival {
            port,
            at_ms: 1,
            source: "192.0.2.1".parse().unwrap(),
            family,
            presented: Presented::Ehlo,
            tls: None,
        }
    }

    #[test]
    fn the_verdict_names_reached_and_missing_ports_and_a_relay_port() {
        let ports = default_ports();
        let none = findings(&ports, &[]);
        let waiting = verdict(&none, false);
        assert_eq!(waiting.badge, Badge::Unknown);
        assert!(
            waiting.meanings.is_empty(),
            "not blocked before it could run"
        );
        assert_eq!(verdict(&none, true).badge, Badge::Fail);
        let some = findings(
            &ports,
            &[
                arrival(587, Family::Ipv4),
                arrival(587, Family::Ipv6),
                arrival(2525, Family::Ipv4),
            ],
        );
        assert!(some[2].ipv4 && some[2].ipv6);
        let judged = verdict(&some, false);
        assert_eq!(judged.badge, Badge::Warn);
        assert_eq!(judged.reached, [587, 2525]);
        assert_eq!(judged.missing, [25, 465]);
        assert_eq!(judged.relay_port, Some(587));
        assert_eq!(judged.meanings[0].0, 25);
        assert!(judged.meanings[0].1.contains("blocked"));
        assert_eq!(
            judged.headline,
            "Reaches the internet: 587, 2525. Not arrived: 25, 465."
        );
        let all = findings(
            &ports,
            &[25, 465, 587, 2525].map(|p| arrival(p, Family::Ipv4)),
        );
        assert_eq!(verdict(&all, true).badge, Badge::Pass);
        assert_eq!(Badge::Warn.class(), "badge b-warn");
    }
}
