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
//! something else answered ([`read_paste`]). Without an egress domain it
//! is never a mail server: MAIL, RCPT and DATA get a 5xx. With one
//! ([`Conversation::with_mail_domain`]) it takes one kind of mail: to a live
//! test's own address, `TOKEN@<egress domain>`, up to [`MAX_MESSAGE`] bytes
//! ([`MessageReader`]); a RCPT to any other address or domain is refused,
//! so it can never relay. [`mail_findings`] words what the analysis of such
//! a mail found.

use crate::probe_types::egress::{
    Arrival, AuthResult, EgressPort, MailReport, OneLiner, Presented, ReceivedHop, Shell, Tool,
};
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

/// The largest message the listener reads (after dot-unstuffing), in bytes;
/// a longer one gets a 552 and the connection is closed (RFC 5321 4.5.3.1.10
/// lets a server set its own limit). Enough for a test mail with headers
/// and a DKIM signature, small enough to keep per-connection memory bounded.
pub const MAX_MESSAGE: usize = 256 * 1024;

/// Tells whether `name` is a host name as the relay generator accepts one
/// (LDH labels, a dot, at most 253 characters), in any case and with or
/// without the final dot: the egress domain, which ends every test's mail
/// address, and the EHLO names the sender checks look up.
pub fn is_host_name(name: &str) -> bool {
    crate::relay_config::is_host_name(&name.trim_end_matches('.').to_ascii_lowercase())
}

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

/// The reply to DATA when the listeners read as many messages at once as
/// they allow, before closing.
pub const MESSAGES_BUSY: &str = "421 4.3.2 Too many messages at once; try again later\r\n";

/// The reply to a message over [`MAX_MESSAGE`], before closing.
pub const TOO_BIG: &str = "552 5.3.4 Message too big for this test; closing\r\n";

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
    /// Looks up the recipient's token ([`Conversation::recipient_token`])
    /// and tells [`Conversation::recipient`] whether its test is live; the
    /// reply is empty until then.
    CheckRecipient,
    /// Reads the message after the 354 reply ([`MessageReader`]), then
    /// tells [`Conversation::message_end`] how it ended.
    Data,
}

/// How reading a message ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageEnd {
    /// Read whole and analysed: the listener takes it.
    Accepted,
    /// Over [`MAX_MESSAGE`]: refused, the connection closes.
    TooBig,
    /// Read, but its report could not be made or kept: try later.
    Failed,
    /// Read, but the test expired or keeps as many reports as it may.
    NotKept,
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
    mail_domain: Option<String>,
    helo: Option<String>,
    mail_from: Option<String>,
    recipient: Option<String>,
    recipient_ok: bool,
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
            mail_domain: None,
            helo: None,
            mail_from: None,
            recipient: None,
            recipient_ok: false,
        }
    }

    /// Takes mail for `TOKEN@domain` (the egress domain, whose MX points
    /// at the listeners), and only for that.
    pub fn with_mail_domain(mut self, domain: &str) -> Self {
        self.mail_domain = Some(domain.trim_end_matches('.').to_ascii_lowercase());
        self
    }

    /// The name the client gave in EHLO or HELO, the latest one.
    pub fn helo(&self) -> Option<&str> {
        self.helo.as_deref()
    }

    /// The reverse-path of the mail transaction (MAIL FROM), empty for `<>`.
    pub fn mail_from(&self) -> Option<&str> {
        self.mail_from.as_deref()
    }

    /// The token of the recipient being checked or accepted.
    pub fn recipient_token(&self) -> Option<&str> {
        self.recipient.as_deref()
    }

    /// Answers a RCPT after [`Next::CheckRecipient`]: `Some(true)` when the
    /// token names a live test that takes more mail, `Some(false)` when it
    /// does not, `None` when
    /// the store could not tell (a temporary failure, RFC 5321 4.2.1).
    pub fn recipient(&mut self, live: Option<bool>) -> Answer {
        match live {
            Some(true) => {
                self.recipient_ok = true;
                plain("250 2.1.5 Test address ok", Next::Read)
            }
            Some(false) => {
                self.recipient = None;
                plain(
                    "550 5.1.1 No such test, expired, or it has all the mail it takes",
                    Next::Read,
                )
            }
            None => {
                self.recipient = None;
                plain(
                    "451 4.3.0 Cannot look the test up now; try again later",
                    Next::Read,
                )
            }
        }
    }

    /// Answers the end of a message read after [`Next::Data`]; the
    /// transaction is over either way.
    pub fn message_end(&mut self, end: MessageEnd) -> Answer {
        self.reset();
        match end {
            MessageEnd::Accepted => plain(
                "250 2.0.0 Accepted for analysis; the report is on your test page",
                Next::Read,
            ),
            MessageEnd::TooBig => Answer {
                reply: TOO_BIG.to_owned(),
                next: Next::Close,
                presented: None,
            },
            MessageEnd::Failed => plain(
                "451 4.3.0 Could not analyse the message now; try again later",
                Next::Read,
            ),
            MessageEnd::NotKept => plain(
                "554 5.7.0 This test takes no more mail; create a new one on the page",
                Next::Read,
            ),
        }
    }

    fn reset(&mut self) {
        self.mail_from = None;
        self.recipient = None;
        self.recipient_ok = false;
    }

    fn mail(&mut self, argument: &str) -> Answer {
        if self.mail_domain.is_none() {
            return plain(
                "550 5.7.1 This is an egress test listener; it accepts no mail",
                Next::Read,
            );
        }
        if !self.ehlo {
            return plain("503 5.5.1 Say EHLO first", Next::Read);
        }
        if self.mail_from.is_some() {
            return plain("503 5.5.1 Nested MAIL command", Next::Read);
        }
        let Some((path, parameters)) = path_argument(argument, "FROM:") else {
            return plain("501 5.5.4 Syntax: MAIL FROM:<address>", Next::Read);
        };
        let too_big = parameters.split_whitespace().any(|p| {
            p.to_ascii_uppercase()
                .strip_prefix("SIZE=")
                .and_then(|n| n.parse::<u64>().ok())
                .is_some_and(|n| n > MAX_MESSAGE as u64)
        });
        if too_big {
            return plain(
                "552 5.3.4 Message too big for this test listener",
                Next::Read,
            );
        }
        self.mail_from = Some(path.to_owned());
        plain("250 2.1.0 Sender ok", Next::Read)
    }

    fn rcpt(&mut self, argument: &str) -> Answer {
        let Some(domain) = self.mail_domain.clone() else {
            return plain(
                "550 5.7.1 Relaying denied; this listener accepts no mail",
                Next::Read,
            );
        };
        if self.mail_from.is_none() {
            return plain("503 5.5.1 Need MAIL before RCPT", Next::Read);
        }
        if self.recipient.is_some() {
            return plain("452 4.5.3 One recipient per message", Next::Read);
        }
        let Some((path, _)) = path_argument(argument, "TO:") else {
            return plain("501 5.5.4 Syntax: RCPT TO:<address>", Next::Read);
        };
        let Some((local, at)) = path.rsplit_once('@') else {
            return plain(
                "550 5.7.1 Relaying denied; only test addresses are taken here",
                Next::Read,
            );
        };
        // Never a relay (RFC 5321 3.6.2, 7.1): only this domain's test
        // addresses; any other domain is refused before any lookup.
        if !at.trim_end_matches('.').eq_ignore_ascii_case(&domain) {
            return plain(
                "550 5.7.1 Relaying denied; only test addresses are taken here",
                Next::Read,
            );
        }
        let Some(token) = parse_token(local) else {
            return plain("550 5.1.1 No such test address", Next::Read);
        };
        self.recipient = Some(token);
        Answer {
            reply: String::new(),
            next: Next::CheckRecipient,
            presented: None,
        }
    }

    fn data(&mut self) -> Answer {
        if self.mail_domain.is_none() {
            return plain(
                "503 5.5.1 No mail transaction; this listener accepts no mail",
                Next::Read,
            );
        }
        if !self.recipient_ok {
            return plain("503 5.5.1 Need RCPT before DATA", Next::Read);
        }
        plain("354 End data with <CR><LF>.<CR><LF>", Next::Data)
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
        self.reset();
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
                self.reset();
                self.helo = Some(argument.to_owned());
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
                if self.mail_domain.is_some() {
                    reply.push_str(&format!("250-SIZE {MAX_MESSAGE}\r\n"));
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
                self.reset();
                self.helo = Some(argument.to_owned());
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
            "MAIL" => self.mail(argument),
            "RCPT" => self.rcpt(argument),
            "DATA" => self.data(),
            "RSET" if self.mail_domain.is_some() => {
                self.reset();
                answer("250 2.0.0 Reset", Next::Read)
            }
            "BDAT" => answer("502 5.5.1 BDAT is not offered; use DATA", Next::Read),
            "" => answer("500 5.5.2 Empty line", Next::Read),
            _ => answer(
                "502 5.5.1 Not implemented: only EHLO, HELO, STARTTLS and QUIT",
                Next::Read,
            ),
        }
    }
}

fn plain(reply: &str, next: Next) -> Answer {
    Answer {
        reply: format!("{reply}\r\n"),
        next,
        presented: None,
    }
}

/// Reads `FROM:<path> params` (or `TO:`): the path without its brackets
/// and source route, and the parameters after it.
fn path_argument<'a>(argument: &'a str, keyword: &str) -> Option<(&'a str, &'a str)> {
    let head = argument.get(..keyword.len())?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = argument[keyword.len()..].trim_start();
    let rest = rest.strip_prefix('<')?;
    let (path, parameters) = rest.split_once('>')?;
    // A source route (`@a,@b:user@c`, RFC 5321 4.1.2) is ignored, as 4.1.1.3 asks.
    let path = path.rsplit_once(':').map_or(path, |(_, p)| p);
    Some((path.trim(), parameters.trim()))
}

/// How feeding bytes to a [`MessageReader`] went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    /// The message goes on: feed more.
    More,
    /// The message ended (`<CRLF>.<CRLF>`) after this many bytes of the
    /// chunk; the rest belongs to the next command.
    End(usize),
    /// The message is over [`MAX_MESSAGE`]; stop reading.
    TooBig,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DotState {
    LineStart,
    Middle,
    Dot,
    DotCr,
}

/// Reads a message after DATA, without I/O: undoes the dot-stuffing
/// (RFC 5321 4.5.2), finds the end of data, and keeps at most `cap` bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageReader {
    message: Vec<u8>,
    state: DotState,
    cap: usize,
}

impl MessageReader {
    /// A reader that keeps at most `cap` bytes.
    pub fn new(cap: usize) -> Self {
        MessageReader {
            message: Vec::new(),
            state: DotState::LineStart,
            cap,
        }
    }

    fn keep(&mut self, byte: u8) {
        self.message.push(byte);
        self.state = if byte == b'\n' {
            DotState::LineStart
        } else {
            DotState::Middle
        };
    }

    /// Feeds the next bytes the client sent.
    pub fn feed(&mut self, bytes: &[u8]) -> Feed {
        for (i, &byte) in bytes.iter().enumerate() {
            match (self.state, byte) {
                (DotState::LineStart, b'.') => self.state = DotState::Dot,
                (DotState::Dot, b'\r') => self.state = DotState::DotCr,
                // A bare LF after the dot ends it too, for lax clients.
                (DotState::Dot | DotState::DotCr, b'\n') => return Feed::End(i + 1),
                (DotState::DotCr, _) => {
                    self.keep(b'\r');
                    self.keep(byte);
                }
                _ => self.keep(byte),
            }
            if self.message.len() > self.cap {
                return Feed::TooBig;
            }
        }
        Feed::More
    }

    /// The message read, dot-unstuffed, without the final `.` line.
    pub fn into_message(self) -> Vec<u8> {
        self.message
    }
}

/// One line of the mail report's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailFinding {
    /// What was checked: `TLS`, `SPF`, `DKIM`, `DMARC`, `Route`.
    pub label: &'static str,
    /// Its badge.
    pub badge: Badge,
    /// The word beside the glyph (`pass`, `fail`, ...).
    pub word: &'static str,
    /// What it means, one or two sentences.
    pub text: String,
}

impl MailFinding {
    /// The glossary entry that explains what was checked (its id and the
    /// link's words), as the sender rows have.
    pub fn glossary(&self) -> Option<(&'static str, &'static str)> {
        Some(match self.label {
            "TLS" => ("starttls", "What is STARTTLS?"),
            "SPF" => ("spf", "What is SPF?"),
            "DKIM" => ("dkim", "What is DKIM?"),
            "DMARC" => ("dmarc", "What is DMARC?"),
            "Route" => ("relay", "What is a relay?"),
            _ => return None,
        })
    }
}

/// The word a result is shown with.
pub const fn auth_word(result: AuthResult) -> &'static str {
    match result {
        AuthResult::Pass => "pass",
        AuthResult::Fail => "fail",
        AuthResult::Softfail => "softfail",
        AuthResult::Neutral => "neutral",
        AuthResult::None => "none",
        AuthResult::Temperror => "temperror",
        AuthResult::Permerror => "permerror",
    }
}

fn auth_badge(result: AuthResult) -> Badge {
    match result {
        AuthResult::Pass => Badge::Pass,
        AuthResult::Fail | AuthResult::Permerror => Badge::Fail,
        AuthResult::Softfail | AuthResult::Neutral | AuthResult::None => Badge::Warn,
        AuthResult::Temperror => Badge::Unknown,
    }
}

/// What an SPF result (RFC 7208 2.6) means for the user's mail.
pub fn spf_meaning(result: AuthResult, domain: &str, source: &str) -> String {
    match result {
        AuthResult::Pass => format!("{domain}'s SPF record authorises {source} to send its mail."),
        AuthResult::Fail => format!("{domain}'s SPF record says {source} may not send its mail: receivers may reject it. Add this address (or your relay's include) to the record."),
        AuthResult::Softfail => format!("{domain}'s SPF record does not list {source} (~all): receivers treat such mail as suspicious. Add the address to the record."),
        AuthResult::Neutral => format!("{domain}'s SPF record makes no statement about {source} (?all), which helps nothing."),
        AuthResult::None => format!("{domain} has no SPF record: receivers cannot tell whether {source} may send its mail. Publish one."),
        AuthResult::Temperror => format!("SPF for {domain} could not be checked: a DNS lookup failed. Try again."),
        AuthResult::Permerror => format!("{domain}'s SPF record is broken (syntax, or more than 10 lookups): receivers treat it as a failure."),
    }
}

/// What a DKIM result (RFC 6376 6.1, RFC 8601 2.7.1) means.
pub fn dkim_meaning(result: AuthResult, domain: &str, selector: &str) -> String {
    match result {
        AuthResult::Pass => format!("The signature of {domain} (selector {selector}) is valid: the message was not changed on the way."),
        AuthResult::Fail => format!("The signature of {domain} (selector {selector}) does not verify: the message changed after signing, or the key in DNS is not the signing key."),
        AuthResult::Temperror => format!("The key {selector}._domainkey.{domain} could not be looked up. Try again."),
        AuthResult::Permerror => format!("The signature of {domain} (selector {selector}) cannot be checked: its key is missing from DNS or the signature is malformed."),
        AuthResult::Softfail | AuthResult::Neutral | AuthResult::None => format!("The signature of {domain} (selector {selector}) could not be judged."),
    }
}

/// What a DMARC result (RFC 7489 6.6) means, with the domain's policy.
pub fn dmarc_meaning(result: AuthResult, domain: &str, policy: Option<&str>) -> String {
    let policy = policy.unwrap_or("none");
    match result {
        AuthResult::Pass => format!("DMARC passes for {domain}: SPF or DKIM passed for a domain aligned with the From address."),
        AuthResult::Fail => format!("DMARC fails for {domain}: neither SPF nor DKIM passed for a domain aligned with From, and its policy ({policy}) tells receivers what to do with such mail."),
        AuthResult::None => format!("{domain} publishes no DMARC record: receivers apply their own rules. Publish one, starting with p=none."),
        AuthResult::Temperror => format!("DMARC for {domain} could not be checked: a DNS lookup failed. Try again."),
        _ => format!("{domain}'s DMARC record is broken: receivers ignore it."),
    }
}

/// The hosts in the Received chain that are not the delivering host: the
/// relays (or the user's own servers) the mail went through before it.
pub fn earlier_hops(report: &MailReport) -> Vec<String> {
    let mut hosts: Vec<String> = Vec::new();
    for hop in &report.received {
        if let Some(by) = &hop.by {
            let by = by.to_ascii_lowercase();
            if !by.eq_ignore_ascii_case(&report.ehlo) && !hosts.contains(&by) {
                hosts.push(by);
            }
        }
    }
    hosts
}

/// One Received hop as a line: `from X by Y with Z TLS V at DATE`, the
/// parts the header had.
pub fn hop_line(hop: &ReceivedHop) -> String {
    [
        ("from", &hop.from),
        ("by", &hop.by),
        ("with", &hop.with),
        ("TLS", &hop.tls),
        ("at", &hop.date),
    ]
    .iter()
    .filter_map(|(name, value)| value.as_ref().map(|v| format!("{name} {v}")))
    .collect::<Vec<_>>()
    .join(" ")
}

/// A mail's envelope in one sentence: MAIL FROM, From, size, TLS, port.
pub fn mail_summary(report: &MailReport) -> String {
    format!(
        "MAIL FROM <{}>, From {}, {} bytes, TLS {}, port {}.",
        report.mail_from,
        report.from.as_deref().unwrap_or("(none)"),
        report.size,
        report.tls.as_deref().unwrap_or("none"),
        report.port
    )
}

/// The verdict's line when the test's address received mail: a mail is no
/// arrival of the test's own (a relay may have delivered it), but the
/// verdict should not read as if nothing came.
pub const MAIL_ARRIVED: &str =
    "Mail arrived at the test's address; its checks are under Send a real mail.";

/// The verdict on one mail: TLS, SPF, each DKIM signature, DMARC and the
/// route, in that order.
pub fn mail_findings(report: &MailReport) -> Vec<MailFinding> {
    let source = report.source.to_string();
    let mut out = vec![match &report.tls {
        Some(version) => MailFinding {
            label: "TLS",
            badge: Badge::Pass,
            word: "pass",
            text: format!("Delivered over TLS ({version}), so the mail was encrypted on the way to us."),
        },
        None => MailFinding {
            label: "TLS",
            badge: Badge::Warn,
            word: "none",
            text: "Delivered without TLS although STARTTLS was offered: turn on opportunistic TLS in your mail server (Postfix: smtp_tls_security_level = may).".to_owned(),
        },
    }];
    out.push(MailFinding {
        label: "SPF",
        badge: auth_badge(report.spf.result),
        word: auth_word(report.spf.result),
        text: spf_meaning(report.spf.result, &report.spf.domain, &source),
    });
    if report.dkim.is_empty() {
        out.push(MailFinding {
            label: "DKIM",
            badge: Badge::Warn,
            word: "none",
            text: "The message carries no DKIM signature: sign outgoing mail (OpenDKIM, rspamd) so receivers can trust it.".to_owned(),
        });
    }
    for dkim in &report.dkim {
        let mut text = dkim_meaning(dkim.result, &dkim.domain, &dkim.selector);
        if let Some(reason) = dkim
            .reason
            .as_deref()
            .filter(|_| dkim.result != AuthResult::Pass)
        {
            text.push_str(&format!(" ({reason})"));
        }
        out.push(MailFinding {
            label: "DKIM",
            badge: auth_badge(dkim.result),
            word: auth_word(dkim.result),
            text,
        });
    }
    match &report.dmarc {
        Some(dmarc) => out.push(MailFinding {
            label: "DMARC",
            badge: auth_badge(dmarc.result),
            word: auth_word(dmarc.result),
            text: dmarc_meaning(dmarc.result, &dmarc.domain, dmarc.policy.as_deref()),
        }),
        None => out.push(MailFinding {
            label: "DMARC",
            badge: Badge::Warn,
            word: "none",
            text: "The message has no From domain to check DMARC for.".to_owned(),
        }),
    }
    let earlier = earlier_hops(report);
    out.push(if earlier.is_empty() {
        MailFinding {
            label: "Route",
            badge: Badge::Pass,
            word: "direct",
            text: format!(
                "{} delivered it itself: no relay in the Received chain.",
                report.ehlo
            ),
        }
    } else {
        MailFinding {
            label: "Route",
            badge: Badge::Pass,
            word: "relay",
            text: format!(
                "It passed through {} before {} delivered it: your mail goes out through a relay.",
                earlier.join(", "),
                report.ehlo
            ),
        }
    });
    out
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
            "Waiting for your server: run one of the commands above on it.".to_owned(),
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
    fn host_names_are_ldh_in_any_case() {
        for good in [
            "egress.example.net",
            "MAIL.Sender.example",
            "egress.localhost",
            "mail.egress.example.",
            "x-1.example",
        ] {
            assert!(is_host_name(good), "{good}");
        }
        for bad in [
            "",
            ".",
            "a..b",
            "-a.example",
            "a-.example",
            "a b.example",
            "a@b",
            "exämple.net",
        ] {
            assert!(!is_host_name(bad), "{bad}");
        }
    }

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

    fn mail_conversation() -> Conversation {
        conversation().with_mail_domain("Egress.Example.NET.")
    }

    #[test]
    fn with_a_mail_domain_it_takes_mail_for_a_live_test_address_only() {
        let mut c = mail_conversation();
        assert!(c
            .line(b"MAIL FROM:<a@example.org>")
            .reply
            .starts_with("503"));
        let ehlo = c.line(b"EHLO mail.example.org").reply;
        assert!(
            ehlo.contains(&format!("250-SIZE {MAX_MESSAGE}\r\n")),
            "{ehlo}"
        );
        assert_eq!(c.helo(), Some("mail.example.org"));
        assert!(c
            .line(b"RCPT TO:<x@egress.example.net>")
            .reply
            .starts_with("503"));
        assert!(c.line(b"MAIL FROM a@example.org").reply.starts_with("501"));
        assert!(c.line(b"MAIL FROM:<> SIZE=1000").reply.starts_with("250"));
        assert_eq!(c.mail_from(), Some(""));
        assert!(c
            .line(b"MAIL FROM:<b@example.org>")
            .reply
            .starts_with("503"));
        assert!(c.line(b"DATA").reply.starts_with("503"), "no recipient yet");
        let a = c.line(
            format!(
                "RCPT TO:<{}@EGRESS.example.net>",
                TOKEN.to_ascii_uppercase()
            )
            .as_bytes(),
        );
        assert_eq!(a.next, Next::CheckRecipient);
        assert_eq!(c.recipient_token(), Some(TOKEN));
        assert!(c.recipient(Some(true)).reply.starts_with("250 2.1.5"));
        assert!(c
            .line(b"RCPT TO:<other@egress.example.net>")
            .reply
            .starts_with("452"));
        let data = c.line(b"DATA");
        assert!(data.reply.starts_with("354"));
        assert_eq!(data.next, Next::Data);
        let done = c.message_end(MessageEnd::Accepted);
        assert!(done.reply.starts_with("250 2.0.0"));
        assert_eq!(c.mail_from(), None, "the transaction is over");
        assert!(c.line(b"DATA").reply.starts_with("503"));
        assert!(c.message_end(MessageEnd::NotKept).reply.starts_with("554"));
        assert!(c.message_end(MessageEnd::Failed).reply.starts_with("451"));
        let big = c.message_end(MessageEnd::TooBig);
        assert!(big.reply.starts_with("552"));
        assert_eq!(big.next, Next::Close);
    }

    #[test]
    fn it_never_relays_and_refuses_dead_or_malformed_test_addresses() {
        let mut c = mail_conversation();
        c.line(b"EHLO mail.example.org");
        c.line(b"MAIL FROM:<a@example.org>");
        for rcpt in [
            format!("RCPT TO:<{TOKEN}@gmail.com>"),
            format!("RCPT TO:<{TOKEN}@egress.example.net.evil.example>"),
            format!("RCPT TO:<@egress.example.net:{TOKEN}@other.example>"),
            "RCPT TO:<victim@other.example>".to_owned(),
            "RCPT TO:<postmaster>".to_owned(),
            format!("RCPT TO:<{TOKEN}%other.example@egress.example.net>"),
        ] {
            let a = c.line(rcpt.as_bytes());
            assert!(a.reply.starts_with("550 5."), "{rcpt}: {}", a.reply);
            assert_eq!(a.next, Next::Read, "{rcpt}: no lookup");
        }
        assert!(c
            .line(b"RCPT TO:<root@egress.example.net>")
            .reply
            .starts_with("550 5.1.1"));
        assert_eq!(
            c.line(format!("RCPT TO:<{TOKEN}@egress.example.net>").as_bytes())
                .next,
            Next::CheckRecipient
        );
        c.line(format!("RCPT TO:<{TOKEN}@egress.example.net>").as_bytes());
        assert!(c.recipient(None).reply.starts_with("451 4.3.0"));
        assert_eq!(c.recipient_token(), None);
        c.line(format!("RCPT TO:<{TOKEN}@egress.example.net>").as_bytes());
        let dead = c.recipient(Some(false));
        assert!(dead.reply.starts_with("550 5.1.1"), "{}", dead.reply);
        assert!(c.line(b"DATA").reply.starts_with("503"));
        let mut c = mail_conversation();
        c.line(b"EHLO x");
        assert!(c
            .line(format!("MAIL FROM:<a@b> SIZE={}", MAX_MESSAGE + 1).as_bytes())
            .reply
            .starts_with("552"));
        // Without a mail domain nothing changes: no mail at all.
        let mut c = conversation();
        c.line(b"EHLO x");
        assert!(!c.line(b"EHLO x").reply.contains("SIZE"));
        assert!(c.line(b"MAIL FROM:<a@b>").reply.starts_with("550"));
        assert!(c
            .line(format!("RCPT TO:<{TOKEN}@egress.example.net>").as_bytes())
            .reply
            .starts_with("550"));
    }

    #[test]
    fn starttls_ends_the_mail_transaction() {
        let mut c = mail_conversation();
        c.line(b"EHLO x");
        c.line(b"MAIL FROM:<a@b>");
        c.tls_started();
        assert_eq!(c.mail_from(), None);
        assert!(
            c.line(b"MAIL FROM:<a@b>").reply.starts_with("503"),
            "EHLO again first"
        );
    }

    #[test]
    fn the_message_reader_unstuffs_dots_finds_the_end_and_caps() {
        let mut r = MessageReader::new(1024);
        assert_eq!(r.feed(b"Subject: x\r\n\r\n..hidden\r\n.a"), Feed::More);
        assert_eq!(r.feed(b"\r\n.\r"), Feed::More);
        assert_eq!(r.feed(b"\nQUIT\r\n"), Feed::End(1));
        assert_eq!(r.into_message(), b"Subject: x\r\n\r\n.hidden\r\na\r\n");
        let mut r = MessageReader::new(1024);
        assert_eq!(r.feed(b".\r\n"), Feed::End(3), "an empty message");
        let mut r = MessageReader::new(1024);
        assert_eq!(r.feed(b"a\r\n.\rb\r\n.\n"), Feed::End(10));
        assert_eq!(r.into_message(), b"a\r\n\rb\r\n");
        let mut r = MessageReader::new(8);
        assert_eq!(r.feed(b"12345678"), Feed::More);
        assert_eq!(r.feed(b"9"), Feed::TooBig);
    }

    fn report() -> MailReport {
        use crate::probe_types::egress::{DkimCheck, DmarcCheck, ReceivedHop, SpfCheck};
        MailReport {
            at_ms: 1,
            port: 25,
            source: "192.0.2.7".parse().unwrap(),
            family: Family::Ipv4,
            ehlo: "mail.example.org".into(),
            tls: Some("TLSv1.3".into()),
            tls_mode: Some(crate::probe_types::TlsMode::Starttls),
            mail_from: "root@example.org".into(),
            size: 900,
            from: Some("root@example.org".into()),
            to: None,
            subject: None,
            date: None,
            message_id: None,
            received: vec![ReceivedHop {
                from: None,
                from_ip: None,
                by: Some("MAIL.example.org".into()),
                with: Some("ESMTP".into()),
                tls: None,
                date: None,
            }],
            authentication_results: vec![],
            spf: SpfCheck {
                domain: "example.org".into(),
                result: AuthResult::Pass,
            },
            dkim: vec![DkimCheck {
                domain: "example.org".into(),
                selector: "s1".into(),
                result: AuthResult::Pass,
                reason: None,
            }],
            dmarc: Some(DmarcCheck {
                domain: "example.org".into(),
                result: AuthResult::Pass,
                policy: Some("reject".into()),
                spf_aligned: true,
                dkim_aligned: true,
            }),
        }
    }

    #[test]
    fn the_mail_findings_word_each_check_with_glyph_and_word() {
        let good = mail_findings(&report());
        let labels: Vec<_> = good.iter().map(|f| f.label).collect();
        assert_eq!(labels, ["TLS", "SPF", "DKIM", "DMARC", "Route"]);
        // Each links to a glossary entry that exists.
        let kb = crate::content::load_knowledge_base(&crate::content::repo()).unwrap();
        for finding in &good {
            let (id, _) = finding.glossary().expect(finding.label);
            assert!(
                kb.glossary.iter().any(|t| t.id == id),
                "no glossary entry {id}"
            );
        }
        assert!(good.iter().all(|f| f.badge == Badge::Pass), "{good:?}");
        assert!(good[1].text.contains("authorises 192.0.2.7"));
        assert!(good[2].text.contains("selector s1"));
        assert_eq!(good[4].word, "direct");
        assert_eq!(
            hop_line(&report().received[0]),
            "by MAIL.example.org with ESMTP"
        );
        assert_eq!(
            mail_summary(&report()),
            "MAIL FROM <root@example.org>, From root@example.org, 900 bytes, TLS TLSv1.3, port 25."
        );
        let mut bad = report();
        bad.tls = None;
        bad.spf.result = AuthResult::Softfail;
        bad.dkim[0].result = AuthResult::Fail;
        bad.dkim[0].reason = Some("body hash mismatch".into());
        bad.dmarc.as_mut().unwrap().result = AuthResult::Fail;
        bad.received.insert(
            0,
            crate::probe_types::egress::ReceivedHop {
                from: Some("server.example.org".into()),
                from_ip: None,
                by: Some("relay.provider.example".into()),
                with: None,
                tls: None,
                date: None,
            },
        );
        let bad = mail_findings(&bad);
        assert_eq!(bad[0].badge, Badge::Warn);
        assert_eq!((bad[1].badge, bad[1].word), (Badge::Warn, "softfail"));
        assert_eq!(bad[2].badge, Badge::Fail);
        assert!(bad[2].text.ends_with("(body hash mismatch)"));
        assert!(bad[3].text.contains("reject"));
        assert_eq!(bad[4].word, "relay");
        assert!(bad[4].text.contains("relay.provider.example"));
        let mut unsigned = report();
        unsigned.dkim.clear();
        unsigned.dmarc = None;
        let unsigned = mail_findings(&unsigned);
        assert_eq!((unsigned[2].label, unsigned[2].word), ("DKIM", "none"));
        assert_eq!(unsigned[3].badge, Badge::Warn);
        assert_eq!(auth_badge(AuthResult::Temperror), Badge::Unknown);
        assert!(spf_meaning(AuthResult::Permerror, "e.org", "x").contains("broken"));
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
