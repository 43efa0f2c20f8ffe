//! The commands a visitor runs on their own server to test outbound port 25,
//! one per tool, operating system and IP family, each with a one-line guide to
//! reading its output.
//!
//! A static page cannot open a connection to port 25 (browsers refuse), so the
//! test has to happen on the visitor's machine. Testing several independent
//! destinations, over IPv4 and IPv6 separately, is what tells "my outbound 25
//! is blocked" apart from "one server refuses me". This module is data and
//! string formatting only: it runs nothing, and it states no fact about any
//! provider beyond the public names of a few large mailbox providers' MX hosts.

use std::fmt;

/// A command-line tool that can test a TCP connection to port 25.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tool {
    /// netcat (`nc`), the OpenBSD flavour shipped by most Linux distributions and macOS.
    Netcat,
    /// `telnet`, interactive.
    Telnet,
    /// `openssl s_client -starttls smtp`, which also negotiates TLS (RFC 3207).
    OpensslSClient,
    /// `swaks`, the Swiss Army Knife for SMTP.
    Swaks,
    /// `nmap`, the port scanner.
    Nmap,
    /// PowerShell's `Test-NetConnection` on Windows.
    TestNetConnection,
}

impl Tool {
    /// Every tool, in the order the page lists them.
    pub const ALL: [Tool; 6] = [
        Tool::Netcat,
        Tool::Telnet,
        Tool::OpensslSClient,
        Tool::Swaks,
        Tool::Nmap,
        Tool::TestNetConnection,
    ];

    /// The tool's name as typed or as the page shows it.
    pub const fn name(self) -> &'static str {
        match self {
            Tool::Netcat => "nc",
            Tool::Telnet => "telnet",
            Tool::OpensslSClient => "openssl s_client",
            Tool::Swaks => "swaks",
            Tool::Nmap => "nmap",
            Tool::TestNetConnection => "Test-NetConnection",
        }
    }

    /// The operating system family the tool's command is written for.
    pub const fn os(self) -> Os {
        match self {
            Tool::TestNetConnection => Os::Windows,
            _ => Os::Unix,
        }
    }
}

impl fmt::Display for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a command runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Os {
    /// Linux, macOS and other Unix-like systems, in a POSIX shell.
    Unix,
    /// Windows, in PowerShell.
    Windows,
}

/// The IP version a command is forced to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// IPv4 only.
    V4,
    /// IPv6 only.
    V6,
}

impl Family {
    /// Both families, IPv4 first.
    pub const ALL: [Family; 2] = [Family::V4, Family::V6];

    /// The flag most Unix tools take for this family: `-4` or `-6`.
    pub const fn flag(self) -> &'static str {
        match self {
            Family::V4 => "-4",
            Family::V6 => "-6",
        }
    }

    /// The DNS record type holding addresses of this family: `A` or `AAAA`.
    pub const fn record(self) -> &'static str {
        match self {
            Family::V4 => "A",
            Family::V6 => "AAAA",
        }
    }
}

/// A mail exchanger to test against, run by a large mailbox provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Destination {
    /// The MX host name.
    pub host: &'static str,
    /// Who runs it, for the page's label.
    pub operator: &'static str,
}

/// Independent destinations: testing more than one tells a local block (all
/// fail) from one server refusing you (one fails). Host names only; whether a
/// name has an IPv6 address is left to DNS at the time of the test.
pub const DESTINATIONS: [Destination; 4] = [
    Destination {
        host: "gmail-smtp-in.l.google.com",
        operator: "Google",
    },
    Destination {
        host: "hotmail-com.olc.protection.outlook.com",
        operator: "Microsoft",
    },
    Destination {
        host: "mx.yandex.net",
        operator: "Yandex",
    },
    Destination {
        host: "mx01.mail.icloud.com",
        operator: "Apple",
    },
];

/// A ready-to-paste command for one tool, family and destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The tool.
    pub tool: Tool,
    /// The IP family the command forces.
    pub family: Family,
    /// The destination host.
    pub host: String,
    /// The command line, ready to paste.
    pub line: String,
    /// One line on how to read what it prints.
    pub how_to_read: &'static str,
}

/// The command line for `tool` against `host` on port 25 over `family`.
///
/// Every command stops before sending mail: `swaks` quits after EHLO, and the
/// interactive ones wait for the visitor to type `QUIT`. Windows'
/// `Test-NetConnection` has no family switch, so the command resolves the
/// address of the wanted family first and tests that address.
pub fn command_line(tool: Tool, family: Family, host: &str) -> String {
    let flag = family.flag();
    match tool {
        Tool::Netcat => format!("nc {flag} -v -w 10 {host} 25"),
        Tool::Telnet => format!("telnet {flag} {host} 25"),
        Tool::OpensslSClient => {
            format!("openssl s_client {flag} -starttls smtp -crlf -connect {host}:25")
        }
        Tool::Swaks => format!(
            "swaks {flag} --server {host} --port 25 --quit-after EHLO --to postmaster@example.com"
        ),
        Tool::Nmap => format!("nmap {flag} -Pn -p 25 {host}"),
        Tool::TestNetConnection => format!(
            "Test-NetConnection -Port 25 -ComputerName (Resolve-DnsName -Name {host} -Type {record} | Where-Object Type -eq '{record}' | Select-Object -First 1).IPAddress",
            record = family.record()
        ),
    }
}

/// One line on how to read what `tool` prints.
pub const fn how_to_read(tool: Tool) -> &'static str {
    match tool {
        Tool::Netcat => {
            "\"succeeded!\" then a line starting with 220 means port 25 is open and shows who answered; \"timed out\" means packets vanish on the way; \"refused\" means a host said no."
        }
        Tool::Telnet => {
            "\"Connected to\" then a 220 line means open (type QUIT to leave); stuck at \"Trying\" until \"timed out\" means filtered; \"refused\" means a host said no."
        }
        Tool::OpensslSClient => {
            "\"CONNECTED\", a certificate and \"Verify return code\" mean port 25 and STARTTLS work; \"Didn't find STARTTLS\" means it was not offered; no output for a minute means a timeout."
        }
        Tool::Swaks => {
            "The \"<-  220\" line is the greeting and names who answered, STARTTLS among the 250 lines means encryption is offered, and \"*** Error connecting\" gives the reason it never connected."
        }
        Tool::Nmap => {
            "\"open\" means it connects, \"filtered\" means packets are silently dropped (the usual sign of a block), \"closed\" means a host refused."
        }
        Tool::TestNetConnection => {
            "\"TcpTestSucceeded : True\" means port 25 connects; \"False\" after a \"TCP connect ... failed\" warning means it does not. It cannot show the greeting."
        }
    }
}

/// The command for one tool, family and destination, with its reading guide.
pub fn command(tool: Tool, family: Family, host: &str) -> Command {
    Command {
        tool,
        family,
        host: host.to_owned(),
        line: command_line(tool, family, host),
        how_to_read: how_to_read(tool),
    }
}

/// The commands for one operating system and family, every tool of that
/// system against every destination in [`DESTINATIONS`].
pub fn commands_for(os: Os, family: Family) -> Vec<Command> {
    Tool::ALL
        .iter()
        .filter(|t| t.os() == os)
        .flat_map(|&tool| {
            DESTINATIONS
                .iter()
                .map(move |d| command(tool, family, d.host))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unix_command_forces_its_family() {
        for family in Family::ALL {
            for c in commands_for(Os::Unix, family) {
                assert!(c.line.split(' ').any(|w| w == family.flag()), "{}", c.line);
                assert!(c.line.contains(&c.host), "{}", c.line);
            }
        }
    }

    #[test]
    fn windows_commands_resolve_the_right_record() {
        let v6 = commands_for(Os::Windows, Family::V6);
        assert_eq!(v6.len(), DESTINATIONS.len());
        assert!(v6.iter().all(|c| c.line.contains("-Type AAAA")));
        assert!(v6.iter().all(|c| c.tool == Tool::TestNetConnection));
        let v4 = commands_for(Os::Windows, Family::V4);
        assert!(v4.iter().all(|c| c.line.contains("-Type A ")));
    }

    #[test]
    fn no_command_sends_mail() {
        for family in Family::ALL {
            for os in [Os::Unix, Os::Windows] {
                for c in commands_for(os, family) {
                    for verb in ["MAIL FROM", "RCPT TO", "DATA"] {
                        assert!(!c.line.contains(verb), "{}", c.line);
                    }
                    if c.tool == Tool::Swaks {
                        assert!(c.line.contains("--quit-after EHLO"));
                    }
                }
            }
        }
    }
}
