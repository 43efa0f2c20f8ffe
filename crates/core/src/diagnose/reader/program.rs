//! Which program printed a paste: from the typed command line when there is
//! one, else from the shape of the output. Also reads the host and port a
//! command line names. Text only; nothing here runs a command.

use super::super::commands::Tool;

/// A program, or a mail server's log, whose output the reader recognises.
///
/// Finer than [`Tool`] (the page's six commands): it tells netcat flavours,
/// telnet flavours, curl's schemes and the mail servers' logs apart, so the
/// reading can name what was pasted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Program {
    /// Nmap's `ncat`.
    Ncat,
    /// The OpenBSD netcat (`nc` on Debian, Ubuntu and macOS).
    NetcatOpenbsd,
    /// The traditional netcat (`nc.traditional`, Hobbit's 1.10).
    NetcatTraditional,
    /// BusyBox's `nc`.
    BusyboxNc,
    /// `nc` whose flavour the output does not show.
    Netcat,
    /// GNU inetutils `telnet` (also netkit's, which prints the same).
    InetutilsTelnet,
    /// BusyBox's `telnet`.
    BusyboxTelnet,
    /// The Windows telnet client.
    WindowsTelnet,
    /// `socat`.
    Socat,
    /// `curl` with a `telnet://` URL.
    CurlTelnet,
    /// `curl` with an `smtp://` URL.
    CurlSmtp,
    /// `curl` whose URL the output does not show.
    Curl,
    /// bash's `/dev/tcp/host/port` redirection.
    BashDevTcp,
    /// Python's `smtplib` (results, debug output and tracebacks).
    PythonSmtplib,
    /// .NET's `TcpClient` or a `SocketException`, from PowerShell or a program.
    DotNetTcpClient,
    /// PowerShell's `Test-NetConnection`.
    TestNetConnection,
    /// `openssl s_client`, with `-starttls smtp` or straight TLS.
    OpensslSClient,
    /// `nmap`.
    Nmap,
    /// `swaks`.
    Swaks,
    /// Postfix's mail log.
    PostfixLog,
    /// Exim's main log.
    EximLog,
    /// OpenSMTPD's log.
    OpensmtpdLog,
}

impl Program {
    /// The name the page shows.
    pub const fn name(self) -> &'static str {
        match self {
            Program::Ncat => "ncat",
            Program::NetcatOpenbsd => "nc (OpenBSD netcat)",
            Program::NetcatTraditional => "nc.traditional",
            Program::BusyboxNc => "BusyBox nc",
            Program::Netcat => "nc",
            Program::InetutilsTelnet => "telnet",
            Program::BusyboxTelnet => "BusyBox telnet",
            Program::WindowsTelnet => "Windows telnet",
            Program::Socat => "socat",
            Program::CurlTelnet => "curl (telnet://)",
            Program::CurlSmtp => "curl (smtp://)",
            Program::Curl => "curl",
            Program::BashDevTcp => "bash /dev/tcp",
            Program::PythonSmtplib => "Python smtplib",
            Program::DotNetTcpClient => ".NET TcpClient",
            Program::TestNetConnection => "Test-NetConnection",
            Program::OpensslSClient => "openssl s_client",
            Program::Nmap => "nmap",
            Program::Swaks => "swaks",
            Program::PostfixLog => "Postfix log",
            Program::EximLog => "Exim log",
            Program::OpensmtpdLog => "OpenSMTPD log",
        }
    }

    /// The page's command this program belongs to, if it is one of them.
    pub const fn tool(self) -> Option<Tool> {
        match self {
            Program::Ncat
            | Program::NetcatOpenbsd
            | Program::NetcatTraditional
            | Program::BusyboxNc
            | Program::Netcat => Some(Tool::Netcat),
            Program::InetutilsTelnet | Program::BusyboxTelnet | Program::WindowsTelnet => {
                Some(Tool::Telnet)
            }
            Program::OpensslSClient => Some(Tool::OpensslSClient),
            Program::Swaks => Some(Tool::Swaks),
            Program::Nmap => Some(Tool::Nmap),
            Program::TestNetConnection => Some(Tool::TestNetConnection),
            _ => None,
        }
    }

    /// Whether this is a mail server's log rather than a test tool's output.
    pub const fn is_log(self) -> bool {
        matches!(
            self,
            Program::PostfixLog | Program::EximLog | Program::OpensmtpdLog
        )
    }

    /// Whether the tool, when it connects, shows what the server sends.
    pub(crate) const fn shows_greeting(self) -> bool {
        !matches!(
            self,
            Program::Nmap
                | Program::TestNetConnection
                | Program::OpensslSClient
                | Program::DotNetTcpClient
        ) && !self.is_log()
    }
}

impl std::fmt::Display for Program {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A typed command: the program, where it dialled, and flags that change
/// what its output means.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct CommandLine {
    pub(crate) program: Option<Program>,
    pub(crate) host: Option<String>,
    pub(crate) port: Option<u16>,
    /// `nc -z`: connect and close at once, never reading the greeting.
    pub(crate) zero_io: bool,
    /// `openssl s_client -starttls`: plain SMTP first, then TLS.
    pub(crate) starttls: bool,
}

/// The command a prompt line records: `$ nc ...`, `# nc ...`,
/// `user@host:~$ nc ...`, `PS C:\> Test-NetConnection ...`, `>>> smtplib...`.
pub(crate) fn command_of(line: &str) -> Option<&str> {
    if let Some(rest) = line.strip_prefix("PS ") {
        return rest.split_once("> ").map(|(_, cmd)| cmd.trim());
    }
    if let Some(rest) = line.strip_prefix(">>> ") {
        return Some(rest.trim());
    }
    // cmd.exe: `C:\Users\me>telnet host 25`.
    let b = line.as_bytes();
    if b.len() > 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'\\' {
        if let Some((_, cmd)) = line.split_once('>') {
            return Some(cmd.trim());
        }
    }
    for prompt in ["$ ", "# ", "% ", "> "] {
        if let Some(i) = line.find(prompt) {
            // A prompt is at the start or after user@host:dir.
            let before = &line[..i];
            if i == 0 || (!before.contains(' ') && (before.contains('@') || before.contains(':'))) {
                return Some(line[i + prompt.len()..].trim());
            }
        }
    }
    None
}

/// Whether a prompt line is Windows's (`C:\...>` or `PS C:\...>`), where
/// `telnet` is the Windows client.
pub(crate) fn is_windows_prompt(line: &str) -> bool {
    let line = line.strip_prefix("PS ").unwrap_or(line);
    let b = line.as_bytes();
    b.len() > 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'\\'
}

/// Splits a command line into words, honouring single and double quotes.
fn words(cmd: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in cmd.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                any = true;
            }
            None if c.is_whitespace() => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            None => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn port_of(s: &str) -> Option<u16> {
    s.trim().parse().ok()
}

/// Splits `host:port`, `[v6]:port` or `v6` (no port) into its parts.
pub(crate) fn split_host_port(s: &str) -> (Option<String>, Option<u16>) {
    let s = s.trim();
    if let Some(rest) = s.strip_prefix('[') {
        if let Some((h, p)) = rest.split_once(']') {
            return (Some(h.to_owned()), p.strip_prefix(':').and_then(port_of));
        }
    }
    match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (Some(h.to_owned()), port_of(p)),
        _ if s.is_empty() => (None, None),
        _ => (Some(s.to_owned()), None),
    }
}

/// Options that take a value, per program family, so the positional host and
/// port can be found after them.
fn takes_value(program: Program, opt: &str) -> bool {
    let list: &[&str] = match program {
        Program::Ncat
        | Program::NetcatOpenbsd
        | Program::NetcatTraditional
        | Program::BusyboxNc
        | Program::Netcat => &[
            "-w",
            "-i",
            "-p",
            "-s",
            "-x",
            "-X",
            "-q",
            "-W",
            "-T",
            "-I",
            "-O",
            "-V",
            "-M",
            "-m",
            "-e",
            "-c",
            "-g",
            "-G",
            "--wait",
            "--idle-timeout",
            "--source-port",
            "--source",
            "--proxy",
            "--proxy-type",
        ],
        Program::InetutilsTelnet | Program::BusyboxTelnet | Program::WindowsTelnet => {
            &["-l", "-b", "-e", "-n", "-k", "-X", "-S"]
        }
        Program::Nmap => &[
            "-p",
            "-e",
            "-S",
            "-oN",
            "-oX",
            "-oG",
            "-oA",
            "--max-retries",
            "--host-timeout",
            "-iL",
            "--source-port",
            "-g",
        ],
        _ => &[],
    };
    list.contains(&opt)
}

/// The program a command line runs, skipping wrappers such as `sudo` or
/// `timeout 20`, with the host and port it names.
pub(crate) fn parse_command(cmd: &str) -> Option<CommandLine> {
    let w = words(cmd);
    let mut i = 0;
    while i < w.len() {
        let name = w[i].rsplit(['/', '\\']).next().unwrap_or(&w[i]);
        let lower = name.to_ascii_lowercase();
        let lower = lower.trim_end_matches(".exe");
        let rest = &w[i + 1..];
        let program = match lower {
            "sudo" | "time" | "command" | "env" | "exec" => {
                i += 1;
                continue;
            }
            "timeout" => {
                // Skip options and the duration that follows.
                i += 1;
                while i < w.len() && w[i].starts_with('-') {
                    i += 1;
                }
                i += 1;
                continue;
            }
            "ncat" => Program::Ncat,
            "nc.openbsd" => Program::NetcatOpenbsd,
            "nc.traditional" => Program::NetcatTraditional,
            "nc" | "netcat" => Program::Netcat,
            "busybox" if rest.first().map(String::as_str) == Some("nc") => {
                return Some(positional(Program::BusyboxNc, &rest[1..]));
            }
            "busybox" if rest.first().map(String::as_str) == Some("telnet") => {
                return Some(positional(Program::BusyboxTelnet, &rest[1..]));
            }
            "telnet" => Program::InetutilsTelnet,
            "socat" => return Some(socat(rest)),
            "curl" => return Some(curl(rest)),
            "openssl" => return Some(openssl(rest)),
            "swaks" => return Some(swaks(rest)),
            "nmap" => return Some(nmap(rest)),
            "test-netconnection" | "tnc" => return Some(tnc(rest)),
            "bash" | "sh" | "zsh" => return Some(dev_tcp(cmd)),
            "python" | "python3" | "py" => return Some(python(cmd)),
            _ => {
                if cmd.contains("/dev/tcp/") {
                    return Some(dev_tcp(cmd));
                }
                if has_ci(cmd, "smtplib") {
                    return Some(python(cmd));
                }
                if has_ci(cmd, "TcpClient") {
                    return Some(dotnet(cmd));
                }
                return None;
            }
        };
        return Some(positional(program, rest));
    }
    None
}

fn has_ci(hay: &str, needle: &str) -> bool {
    hay.to_ascii_lowercase()
        .contains(&needle.to_ascii_lowercase())
}

/// nc and telnet: `[options] host [port]`.
fn positional(program: Program, args: &[String]) -> CommandLine {
    let mut pos = Vec::new();
    let mut zero_io = false;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a.starts_with('-') && a.len() > 1 {
            if !a.starts_with("--") && a[1..].contains('z') {
                zero_io = true;
            }
            if takes_value(program, a) {
                i += 1;
            }
        } else if a == "|" || a == "<" || a == ">" || a == "&&" || a == ";" {
            break;
        } else {
            pos.push(a.as_str());
        }
        i += 1;
    }
    let port = pos.get(1).and_then(|p| port_of(p)).or(match program {
        // telnet without a port dials the telnet port.
        Program::InetutilsTelnet | Program::BusyboxTelnet | Program::WindowsTelnet => Some(23),
        _ => None,
    });
    CommandLine {
        program: Some(program),
        host: pos.first().map(|h| (*h).to_owned()),
        port,
        zero_io,
        starttls: false,
    }
}

fn socat(args: &[String]) -> CommandLine {
    let mut c = CommandLine {
        program: Some(Program::Socat),
        ..CommandLine::default()
    };
    for a in args {
        let upper = a.to_ascii_uppercase();
        for kind in ["TCP-CONNECT:", "TCP4:", "TCP6:", "TCP:", "OPENSSL:"] {
            if let Some(rest) = upper.strip_prefix(kind) {
                let spec = &a[a.len() - rest.len()..];
                let spec = spec.split(',').next().unwrap_or(spec);
                let (h, p) = split_host_port(spec);
                c.host = h;
                c.port = p;
            }
        }
    }
    c
}

fn curl(args: &[String]) -> CommandLine {
    let mut c = CommandLine {
        program: Some(Program::Curl),
        ..CommandLine::default()
    };
    for a in args {
        let lower = a.to_ascii_lowercase();
        let (program, default, rest) = if let Some(r) = lower.strip_prefix("telnet://") {
            (Program::CurlTelnet, 23, r)
        } else if let Some(r) = lower.strip_prefix("smtp://") {
            (Program::CurlSmtp, 25, r)
        } else if let Some(r) = lower.strip_prefix("smtps://") {
            (Program::CurlSmtp, 465, r)
        } else {
            continue;
        };
        let authority = &a[a.len() - rest.len()..];
        let authority = authority.split('/').next().unwrap_or(authority);
        let (h, p) = split_host_port(authority);
        c.program = Some(program);
        c.host = h;
        c.port = p.or(Some(default));
    }
    c
}

fn openssl(args: &[String]) -> CommandLine {
    let mut c = CommandLine {
        program: Some(Program::OpensslSClient),
        ..CommandLine::default()
    };
    for (i, a) in args.iter().enumerate() {
        if a == "-starttls" {
            c.starttls = true;
        }
        if a == "-connect" {
            if let Some(v) = args.get(i + 1) {
                let (h, p) = split_host_port(v);
                c.host = h;
                c.port = p;
            }
        }
    }
    c
}

fn swaks(args: &[String]) -> CommandLine {
    let mut c = CommandLine {
        program: Some(Program::Swaks),
        port: Some(25),
        ..CommandLine::default()
    };
    for (i, a) in args.iter().enumerate() {
        let v = args.get(i + 1);
        match a.as_str() {
            "-s" | "--server" => {
                if let Some(v) = v {
                    let (h, p) = split_host_port(v);
                    c.host = h;
                    if p.is_some() {
                        c.port = p;
                    }
                }
            }
            "-p" | "--port" => c.port = v.and_then(|v| port_of(v)).or(c.port),
            _ => {}
        }
    }
    c
}

fn nmap(args: &[String]) -> CommandLine {
    let mut c = CommandLine {
        program: Some(Program::Nmap),
        ..CommandLine::default()
    };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-p" {
            c.port = args.get(i + 1).and_then(|p| port_of(p));
            i += 2;
            continue;
        }
        if let Some(p) = a.strip_prefix("-p") {
            if p.bytes().all(|b| b.is_ascii_digit()) && !p.is_empty() {
                c.port = port_of(p);
            }
        } else if a.starts_with('-') {
            if takes_value(Program::Nmap, a) {
                i += 1;
            }
        } else {
            c.host = Some(a.clone());
        }
        i += 1;
    }
    c
}

fn tnc(args: &[String]) -> CommandLine {
    let mut c = CommandLine {
        program: Some(Program::TestNetConnection),
        ..CommandLine::default()
    };
    let mut i = 0;
    while i < args.len() {
        let a = args[i].to_ascii_lowercase();
        let v = args.get(i + 1);
        match a.as_str() {
            "-port" => {
                c.port = v.and_then(|v| port_of(v));
                i += 1;
            }
            "-commontcpport" => {
                c.port = match v.map(|v| v.to_ascii_lowercase()).as_deref() {
                    Some("smb") => Some(445),
                    Some("http") => Some(80),
                    Some("rdp") => Some(3389),
                    Some("winrm") => Some(5985),
                    _ => None,
                };
                i += 1;
            }
            "-computername" => {
                c.host = v.cloned();
                i += 1;
            }
            _ if a.starts_with('-') => {}
            _ => c.host = Some(args[i].clone()),
        }
        i += 1;
    }
    c
}

/// `bash -c 'exec 3<>/dev/tcp/HOST/PORT'` and its variants.
fn dev_tcp(cmd: &str) -> CommandLine {
    let mut c = CommandLine {
        program: Some(Program::BashDevTcp),
        ..CommandLine::default()
    };
    if let Some((_, rest)) = cmd.split_once("/dev/tcp/") {
        let mut parts = rest.splitn(2, '/');
        c.host = parts.next().map(str::to_owned);
        c.port = parts.next().and_then(|p| {
            let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
            port_of(&digits)
        });
    }
    c
}

/// The first `("host", port)` after a call such as `SMTP(` or `Connect(`.
fn call_args(code: &str, calls: &[&str]) -> (Option<String>, Option<u16>) {
    for call in calls {
        let lower = code.to_ascii_lowercase();
        let Some(i) = lower.find(&call.to_ascii_lowercase()) else {
            continue;
        };
        let args = &code[i + call.len()..];
        let args = args.split(')').next().unwrap_or(args);
        let mut parts = args.split(',');
        let host = parts
            .next()
            .map(|h| h.trim().trim_matches(['\'', '"']).to_owned())
            .filter(|h| !h.is_empty() && !h.contains('='));
        let port = parts.next().and_then(|p| port_of(p.trim()));
        if host.is_some() {
            return (host, port);
        }
    }
    (None, None)
}

fn python(cmd: &str) -> CommandLine {
    let (host, port) = call_args(cmd, &["SMTP(", "connect("]);
    let port = port.or(host.as_ref().map(|_| 25));
    CommandLine {
        program: Some(Program::PythonSmtplib),
        host,
        port,
        ..CommandLine::default()
    }
}

fn dotnet(cmd: &str) -> CommandLine {
    let (host, port) = call_args(cmd, &["TcpClient(", "::new(", "Connect(", "ConnectAsync("]);
    CommandLine {
        program: Some(Program::DotNetTcpClient),
        host,
        port,
        ..CommandLine::default()
    }
}

/// A word that looks like an Exim message id: `1tH8Qx-0006Ns-2V` (4.96) or
/// `1tH8Qx-00000006Ns-2VAB` (4.97 and later).
pub(crate) fn is_exim_id(w: &str) -> bool {
    let parts: Vec<&str> = w.split('-').collect();
    parts.len() == 3
        && parts[0].len() == 6
        && (parts[1].len() == 6 || parts[1].len() == 11)
        && (parts[2].len() == 2 || parts[2].len() == 4)
        && parts
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// An OpenSMTPD log line: syslog's `smtpd[PID]: ` or none, then a 16-digit
/// hexadecimal session id and `mta` or `smtp`, or its `smtp-out:` notes.
fn is_opensmtpd(l: &str) -> bool {
    let body = match l.find(" smtpd[") {
        Some(i) => l[i..].split_once("]: ").map_or("", |(_, b)| b),
        None => l,
    };
    if body.starts_with("smtp-out: ") {
        return true;
    }
    let mut w = body.split_whitespace();
    let id = w.next().unwrap_or("");
    id.len() == 16
        && id.bytes().all(|b| b.is_ascii_hexdigit())
        && matches!(w.next(), Some("mta" | "smtp"))
}

/// What ties a mail log's lines to one delivery: Postfix's queue id, Exim's
/// message id, or for OpenSMTPD (whose sessions change between lines) the
/// destination host.
pub(crate) fn log_key(program: Program, line: &str) -> Option<String> {
    match program {
        Program::PostfixLog => {
            let (_, rest) = line.split_once("]: ")?;
            let id = rest.split_whitespace().next()?.strip_suffix(':')?;
            (id.len() >= 8 && id.bytes().all(|b| b.is_ascii_alphanumeric())).then(|| id.to_owned())
        }
        Program::EximLog => line
            .split_whitespace()
            .take(4)
            .find(|w| is_exim_id(w))
            .map(str::to_owned),
        _ => None,
    }
}

/// Recognises the program from one output line, if the line is distinctive.
pub(crate) fn program_of_line(line: &str) -> Option<Program> {
    let l = line;
    if l.starts_with("Ncat: ") {
        return Some(Program::Ncat);
    }
    if l.contains("postfix/") && l.contains("]: ") {
        return Some(Program::PostfixLog);
    }
    if is_opensmtpd(l) {
        return Some(Program::OpensmtpdLog);
    }
    if l.split_whitespace().take(4).any(is_exim_id) || l.contains("retry time not reached") {
        return Some(Program::EximLog);
    }
    if l.starts_with("=== Trying")
        || l.starts_with("=== Connected")
        || l.starts_with("*** Error connecting")
        || l.starts_with("<-  ")
        || l.starts_with("<** ")
        || l.starts_with(" -> ")
        || l.starts_with("*** Remote host closed")
    {
        return Some(Program::Swaks);
    }
    if l.starts_with("Starting Nmap")
        || l.starts_with("Nmap scan report")
        || l.contains("Nmap done")
    {
        return Some(Program::Nmap);
    }
    if l.starts_with("TcpTestSucceeded")
        || l.starts_with("WARNING: TCP connect to")
        || l.starts_with("RemotePort")
        || l.starts_with("WARNING: Name resolution of")
    {
        return Some(Program::TestNetConnection);
    }
    if l.contains("SocketException")
        || l.contains("System.Net.Sockets")
        || l.contains("Exception calling \"Connect")
        || l.contains("Exception calling \".ctor\"")
    {
        return Some(Program::DotNetTcpClient);
    }
    if l.starts_with("CONNECTED(")
        || l.starts_with("Verify return code")
        || l.contains("Didn't find STARTTLS")
        || l.starts_with("connect:errno=")
        || l.contains(":BIO_")
    {
        return Some(Program::OpensslSClient);
    }
    // socat prefixes its messages with a date: `2026/11/29 20:03:54 socat[20848] E ...`.
    if l.starts_with("socat[") || l.contains(" socat[") {
        return Some(Program::Socat);
    }
    if l.starts_with("curl: (") || l.starts_with("* Connected to ") || l.starts_with("*   Trying ")
    {
        return Some(Program::Curl);
    }
    if l.starts_with("bash: connect:") || l.contains("/dev/tcp/") {
        return Some(Program::BashDevTcp);
    }
    if l.starts_with("smtplib.")
        || l.contains("smtplib.py")
        || l.starts_with("reply: b'")
        || l.starts_with("reply: retcode")
        || l.starts_with("send: 'ehlo")
    {
        return Some(Program::PythonSmtplib);
    }
    if l.starts_with("Connecting To ") || l.starts_with("Could not open connection to the host") {
        return Some(Program::WindowsTelnet);
    }
    // BusyBox telnet prints inetutils' lines without the final full stop.
    if l.starts_with("telnet: can't connect to remote host")
        || l.starts_with("telnet: bad address")
        || l == "Connection closed by foreign host"
    {
        return Some(Program::BusyboxTelnet);
    }
    if l.starts_with("nc: can't connect to remote host")
        || l.starts_with("nc: bad address")
        || l == "nc: timed out"
    {
        return Some(Program::BusyboxNc);
    }
    if l.starts_with("Escape character is")
        || l.starts_with("telnet: Unable to connect")
        || l.starts_with("telnet: connect to address")
        || l.starts_with("telnet: could not resolve")
        || l == "Connection closed by foreign host."
        || l.starts_with("Server lookup failure:")
    {
        return Some(Program::InetutilsTelnet);
    }
    if (l.starts_with("Connection to ") && l.ends_with("succeeded!"))
        || l.starts_with("nc: connect to ")
        || l.starts_with("nc: getaddrinfo")
        || l.starts_with("nc: connectx to ")
    {
        return Some(Program::NetcatOpenbsd);
    }
    if traditional_nc(l).is_some() || l.contains("inverse host lookup failed") {
        return Some(Program::NetcatTraditional);
    }
    if l.starts_with("nc: ") || l.starts_with("netcat: ") {
        return Some(Program::Netcat);
    }
    None
}

/// A traditional netcat result line: `localhost [127.0.0.1] 25 (smtp) open`
/// or `... (smtp) : Connection refused`; gives host, port and the rest.
pub(crate) fn traditional_nc(line: &str) -> Option<(String, u16, &str)> {
    let (before, after) = line.split_once("] ")?;
    let (_, addr) = before.rsplit_once('[')?;
    let mut it = after.splitn(2, ' ');
    let port = port_of(it.next()?)?;
    let rest = it.next().unwrap_or("");
    if !(rest.starts_with('(') || rest.starts_with("open") || rest.starts_with(':')) {
        return None;
    }
    let rest = rest
        .split_once(") ")
        .map_or(rest, |(_, r)| r)
        .trim_start_matches(": ");
    Some((addr.to_owned(), port, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_name_program_host_and_port() {
        let cases: &[(&str, Program, Option<&str>, Option<u16>)] = &[
            (
                "nc -zv -w 5 mx.example.org 2525",
                Program::Netcat,
                Some("mx.example.org"),
                Some(2525),
            ),
            (
                "timeout 20 ncat -v -w 5 127.0.0.1 25",
                Program::Ncat,
                Some("127.0.0.1"),
                Some(25),
            ),
            (
                "busybox telnet 192.0.2.1 25",
                Program::BusyboxTelnet,
                Some("192.0.2.1"),
                Some(25),
            ),
            (
                "telnet mx.example.org",
                Program::InetutilsTelnet,
                Some("mx.example.org"),
                Some(23),
            ),
            (
                "socat - TCP:127.0.0.1:25,connect-timeout=5",
                Program::Socat,
                Some("127.0.0.1"),
                Some(25),
            ),
            (
                "curl -v telnet://[2001:db8::1]:587",
                Program::CurlTelnet,
                Some("2001:db8::1"),
                Some(587),
            ),
            (
                "curl smtp://mx.example.org",
                Program::CurlSmtp,
                Some("mx.example.org"),
                Some(25),
            ),
            (
                "openssl s_client -connect mx:465",
                Program::OpensslSClient,
                Some("mx"),
                Some(465),
            ),
            (
                "swaks --server mx.example.org:2525 --to a@b",
                Program::Swaks,
                Some("mx.example.org"),
                Some(2525),
            ),
            (
                "sudo nmap -Pn -p25 --reason 192.0.2.9",
                Program::Nmap,
                Some("192.0.2.9"),
                Some(25),
            ),
            (
                "Test-NetConnection mx.example.org -Port 587",
                Program::TestNetConnection,
                Some("mx.example.org"),
                Some(587),
            ),
            (
                "timeout 5 bash -c 'exec 3<>/dev/tcp/mx.example.org/25'",
                Program::BashDevTcp,
                Some("mx.example.org"),
                Some(25),
            ),
            (
                "python3 -c \"import smtplib; smtplib.SMTP('mx.example.org', 587)\"",
                Program::PythonSmtplib,
                Some("mx.example.org"),
                Some(587),
            ),
            (
                "$c = New-Object System.Net.Sockets.TcpClient('192.0.2.1', 25)",
                Program::DotNetTcpClient,
                Some("192.0.2.1"),
                Some(25),
            ),
        ];
        for (cmd, program, host, port) in cases {
            let c = parse_command(cmd).unwrap_or_else(|| panic!("{cmd}"));
            assert_eq!(
                (c.program, c.host.as_deref(), c.port),
                (Some(*program), *host, *port),
                "{cmd}"
            );
        }
        assert!(parse_command("nc -zv mx 25").is_some_and(|c| c.zero_io));
        assert!(parse_command("nc -v -w 3 mx 25").is_some_and(|c| !c.zero_io));
        assert_eq!(parse_command("ls -l"), None);
    }

    #[test]
    fn prompts_are_recognised() {
        assert_eq!(
            command_of("user@host:~$ sudo nc -v x 25"),
            Some("sudo nc -v x 25")
        );
        assert_eq!(
            command_of("PS C:\\Users\\me> tnc x -Port 25"),
            Some("tnc x -Port 25")
        );
        assert_eq!(command_of("220 mx ESMTP"), None);
        assert_eq!(command_of("Ncat: Connected to 127.0.0.1:25."), None);
    }

    #[test]
    fn traditional_netcat_lines() {
        assert_eq!(
            traditional_nc("localhost [127.0.0.1] 25 (smtp) open"),
            Some(("127.0.0.1".to_owned(), 25, "open"))
        );
        assert_eq!(
            traditional_nc("(UNKNOWN) [127.0.0.7] 25 (smtp) : Connection refused"),
            Some(("127.0.0.7".to_owned(), 25, "Connection refused"))
        );
        assert!(is_exim_id("1tH8Qx-0006Ns-2V"));
        assert!(!is_exim_id("2026-11-29"));
    }
}
