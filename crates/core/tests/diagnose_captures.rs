//! The output reader against what real tools printed on a real machine.
//!
//! One row per file in `tests/captures/` (see its README): the program the
//! reader should name, the outcome, the tree node it should point at, and how
//! the output reads without its `$ command` line. The files come from
//! `scripts/capture-outputs.sh`, except `*-handmade-*`, which are written by
//! hand after the vendor's documented format (Windows, .NET).

use std::collections::BTreeSet;

use port25_core::diagnose::{read_output, read_paste, Detail, Outcome, Program, StartTls, Tree};

/// The outcome expected, with the detail that matters to the visitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    OpenStartTls,
    OpenNoStartTls,
    OpenGreetingOnly,
    OpenUnseen,
    OpenZeroIo,
    Delivered,
    GreetingRefused,
    NoGreeting,
    ClosedEarly,
    GreetingTimeout,
    Tls,
    CertificateProblem,
    TlsFailed,
    TlsOnPlainPort,
    NoStartTls,
    Timeout,
    ConnectFailed,
    Filtered,
    StillConnecting,
    Refused,
    NetworkUnreachable,
    NoRouteToHost,
    Prohibited,
    DnsFailure,
    CantTell,
}

fn kind(outcome: &Outcome, detail: Option<Detail>) -> Kind {
    match (outcome, detail) {
        (Outcome::Open { .. }, Some(Detail::Delivered)) => Kind::Delivered,
        (Outcome::Open { greeting: None, .. }, Some(Detail::ZeroIo)) => Kind::OpenZeroIo,
        (
            Outcome::Open {
                greeting: None,
                starttls: StartTls::NotTested,
            },
            _,
        ) => Kind::OpenUnseen,
        (
            Outcome::Open {
                starttls: StartTls::Offered,
                ..
            },
            _,
        ) => Kind::OpenStartTls,
        (
            Outcome::Open {
                starttls: StartTls::NotOffered,
                ..
            },
            _,
        ) => Kind::OpenNoStartTls,
        (
            Outcome::Open {
                starttls: StartTls::NotTested,
                ..
            },
            _,
        ) => Kind::OpenGreetingOnly,
        (Outcome::GreetingRefused { .. }, _) => Kind::GreetingRefused,
        (Outcome::NoGreeting, Some(Detail::ClosedBeforeGreeting)) => Kind::ClosedEarly,
        (Outcome::NoGreeting, Some(Detail::GreetingTimedOut)) => Kind::GreetingTimeout,
        (Outcome::NoGreeting, _) => Kind::NoGreeting,
        (Outcome::Tls { .. }, _) => Kind::Tls,
        (Outcome::CertificateProblem { .. }, _) => Kind::CertificateProblem,
        (Outcome::TlsFailed { .. }, Some(Detail::TlsOnPlainPort)) => Kind::TlsOnPlainPort,
        (Outcome::TlsFailed { .. }, _) => Kind::TlsFailed,
        (Outcome::NoStartTls, _) => Kind::NoStartTls,
        (Outcome::Timeout, _) => Kind::Timeout,
        (Outcome::ConnectFailed, Some(Detail::FilteredNoReason)) => Kind::Filtered,
        (Outcome::ConnectFailed, _) => Kind::ConnectFailed,
        (Outcome::StillConnecting, _) => Kind::StillConnecting,
        (Outcome::Refused, _) => Kind::Refused,
        (Outcome::NetworkUnreachable, _) => Kind::NetworkUnreachable,
        (Outcome::NoRouteToHost, Some(Detail::AdminProhibited)) => Kind::Prohibited,
        (Outcome::NoRouteToHost, _) => Kind::NoRouteToHost,
        (Outcome::DnsFailure, _) => Kind::DnsFailure,
        (Outcome::CantTell, _) => Kind::CantTell,
    }
}

/// How a capture reads without its `$ command` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Alone {
    /// The same outcome.
    Same,
    /// This outcome instead (the command line carried what told them apart).
    Is(Kind),
}

use Alone::{Is, Same};
use Kind::*;
use Program as P;

/// (file, program, outcome, node, without the command line)
#[rustfmt::skip]
const CASES: &[(&str, Program, Kind, &str, Alone)] = &[
    // ---- The first set: nc (OpenBSD), inetutils telnet, openssl -starttls, swaks, nmap.
    ("nc-open.txt", P::NetcatOpenbsd, OpenGreetingOnly, "greeting-check", Same),
    ("telnet-open.txt", P::InetutilsTelnet, OpenGreetingOnly, "greeting-check", Same),
    ("openssl-open.txt", P::OpensslSClient, CertificateProblem, "certificate-problem", Same),
    ("swaks-open.txt", P::Swaks, OpenStartTls, "greeting-check", Same),
    ("nmap-open.txt", P::Nmap, OpenUnseen, "greeting-check", Same),
    ("nc-open-ipv6.txt", P::NetcatOpenbsd, OpenGreetingOnly, "greeting-check", Same),
    ("telnet-open-ipv6.txt", P::InetutilsTelnet, OpenGreetingOnly, "greeting-check", Same),
    ("openssl-open-ipv6.txt", P::OpensslSClient, CertificateProblem, "certificate-problem", Same),
    ("swaks-open-ipv6.txt", P::Swaks, OpenStartTls, "greeting-check", Same),
    ("nmap-open-ipv6.txt", P::Nmap, OpenUnseen, "greeting-check", Same),
    ("nc-nostarttls.txt", P::NetcatOpenbsd, OpenGreetingOnly, "greeting-check", Same),
    ("telnet-nostarttls.txt", P::InetutilsTelnet, OpenGreetingOnly, "greeting-check", Same),
    ("openssl-nostarttls.txt", P::OpensslSClient, NoStartTls, "no-starttls", Same),
    ("swaks-nostarttls.txt", P::Swaks, OpenNoStartTls, "no-starttls", Same),
    ("nmap-nostarttls.txt", P::Nmap, OpenUnseen, "greeting-check", Same),
    ("nc-badtls.txt", P::NetcatOpenbsd, OpenGreetingOnly, "greeting-check", Same),
    ("telnet-badtls.txt", P::InetutilsTelnet, OpenGreetingOnly, "greeting-check", Same),
    ("openssl-badtls.txt", P::OpensslSClient, TlsFailed, "tls-handshake-failed", Same),
    ("swaks-badtls.txt", P::Swaks, OpenStartTls, "greeting-check", Same),
    ("nmap-badtls.txt", P::Nmap, OpenUnseen, "greeting-check", Same),
    ("nc-reject554.txt", P::NetcatOpenbsd, GreetingRefused, "ip-reputation", Same),
    ("telnet-reject554.txt", P::InetutilsTelnet, GreetingRefused, "ip-reputation", Same),
    // openssl hides the greeting and reports the EHLO that followed it.
    ("openssl-reject554.txt", P::OpensslSClient, NoStartTls, "no-starttls", Same),
    ("swaks-reject554.txt", P::Swaks, GreetingRefused, "ip-reputation", Same),
    ("nmap-reject554.txt", P::Nmap, OpenUnseen, "greeting-check", Same),
    // The greeting comes after 10 s; nc without its command line could be -z.
    ("nc-slowbanner.txt", P::NetcatOpenbsd, NoGreeting, "silent-wait", Is(OpenUnseen)),
    ("telnet-slowbanner.txt", P::InetutilsTelnet, NoGreeting, "silent-wait", Same),
    ("openssl-slowbanner.txt", P::OpensslSClient, CertificateProblem, "certificate-problem", Same),
    ("swaks-slowbanner.txt", P::Swaks, GreetingTimeout, "silent-wait", Same),
    ("nmap-slowbanner.txt", P::Nmap, OpenUnseen, "greeting-check", Same),
    ("nc-closed.txt", P::NetcatOpenbsd, Refused, "refused-scope", Same),
    ("telnet-closed.txt", P::InetutilsTelnet, Refused, "refused-scope", Same),
    ("openssl-closed.txt", P::OpensslSClient, Refused, "refused-scope", Same),
    ("swaks-closed.txt", P::Swaks, Refused, "refused-scope", Same),
    ("nmap-closed.txt", P::Nmap, Refused, "refused-scope", Same),
    ("nc-filtered.txt", P::NetcatOpenbsd, Timeout, "timeout-scope", Same),
    ("telnet-filtered.txt", P::InetutilsTelnet, StillConnecting, "timeout-scope", Same),
    ("openssl-filtered.txt", P::OpensslSClient, StillConnecting, "timeout-scope", Is(CantTell)),
    ("swaks-filtered.txt", P::Swaks, Timeout, "timeout-scope", Same),
    ("nmap-filtered.txt", P::Nmap, Filtered, "timeout-scope", Same),
    ("nc-filtered-ipv6.txt", P::NetcatOpenbsd, Timeout, "timeout-scope", Same),
    ("telnet-filtered-ipv6.txt", P::InetutilsTelnet, StillConnecting, "timeout-scope", Same),
    ("openssl-filtered-ipv6.txt", P::OpensslSClient, StillConnecting, "timeout-scope", Is(CantTell)),
    ("swaks-filtered-ipv6.txt", P::Swaks, Timeout, "timeout-scope", Same),
    ("nmap-filtered-ipv6.txt", P::Nmap, Filtered, "timeout-scope", Same),
    // ICMP host unreachable: nmap says only "filtered"; swaks hits a Perl
    // error ("Operation already in progress") and gives no reason.
    ("nc-noroute.txt", P::NetcatOpenbsd, NoRouteToHost, "unreachable-scope", Same),
    ("telnet-noroute.txt", P::InetutilsTelnet, NoRouteToHost, "unreachable-scope", Same),
    ("openssl-noroute.txt", P::OpensslSClient, NoRouteToHost, "unreachable-scope", Same),
    ("swaks-noroute.txt", P::Swaks, ConnectFailed, "timeout-scope", Same),
    ("nmap-noroute.txt", P::Nmap, Filtered, "timeout-scope", Same),
    ("nc-unreachable.txt", P::NetcatOpenbsd, NetworkUnreachable, "unreachable-scope", Same),
    ("telnet-unreachable.txt", P::InetutilsTelnet, NetworkUnreachable, "unreachable-scope", Same),
    ("openssl-unreachable.txt", P::OpensslSClient, NetworkUnreachable, "unreachable-scope", Same),
    ("swaks-unreachable.txt", P::Swaks, NetworkUnreachable, "unreachable-scope", Same),
    ("nmap-unreachable.txt", P::Nmap, NetworkUnreachable, "unreachable-scope", Same),
    ("nc-dns.txt", P::NetcatOpenbsd, DnsFailure, "dns-lookup-failed", Same),
    ("telnet-dns.txt", P::InetutilsTelnet, DnsFailure, "dns-lookup-failed", Same),
    ("openssl-dns.txt", P::OpensslSClient, DnsFailure, "dns-lookup-failed", Same),
    ("swaks-dns.txt", P::Swaks, DnsFailure, "dns-lookup-failed", Same),
    ("nmap-dns.txt", P::Nmap, DnsFailure, "dns-lookup-failed", Same),
    // ---- Hand-made after Microsoft's documented formats (see the README).
    ("tnc-handmade-open.txt", P::TestNetConnection, OpenUnseen, "greeting-check", Same),
    ("tnc-handmade-open-ipv6.txt", P::TestNetConnection, OpenUnseen, "greeting-check", Same),
    ("tnc-handmade-open-587.txt", P::TestNetConnection, OpenUnseen, "other-ports", Same),
    ("tnc-handmade-failed.txt", P::TestNetConnection, ConnectFailed, "timeout-scope", Same),
    ("tnc-handmade-failed-ipv6.txt", P::TestNetConnection, ConnectFailed, "timeout-scope", Same),
    ("tnc-handmade-dns.txt", P::TestNetConnection, DnsFailure, "dns-lookup-failed", Same),
    ("wintelnet-handmade-open.txt", P::WindowsTelnet, OpenGreetingOnly, "greeting-check", Same),
    ("wintelnet-handmade-failed.txt", P::WindowsTelnet, ConnectFailed, "timeout-scope", Same),
    ("wintelnet-handmade-failed-587.txt", P::WindowsTelnet, ConnectFailed, "other-ports", Same),
    ("dotnet-handmade-open.txt", P::DotNetTcpClient, OpenUnseen, "greeting-check", Is(CantTell)),
    ("dotnet-handmade-timeout.txt", P::DotNetTcpClient, Timeout, "timeout-scope", Same),
    ("dotnet-handmade-timeout-10060.txt", P::DotNetTcpClient, Timeout, "timeout-scope", Same),
    ("dotnet-handmade-refused.txt", P::DotNetTcpClient, Refused, "refused-scope", Same),
    ("dotnet-handmade-unreachable.txt", P::DotNetTcpClient, NoRouteToHost, "unreachable-scope", Same),
    ("dotnet-handmade-dns.txt", P::DotNetTcpClient, DnsFailure, "dns-lookup-failed", Same),
    // ---- ncat (Nmap).
    ("ncat-closed.txt", P::Ncat, Refused, "refused-scope", Same),
    ("ncat-dns.txt", P::Ncat, DnsFailure, "dns-lookup-failed", Same),
    ("ncat-earlyclose.txt", P::Ncat, ClosedEarly, "silent-connection", Same),
    ("ncat-filtered.txt", P::Ncat, Timeout, "timeout-scope", Same),
    ("ncat-noroute.txt", P::Ncat, NoRouteToHost, "unreachable-scope", Same),
    ("ncat-open.txt", P::Ncat, OpenGreetingOnly, "greeting-check", Same),
    ("ncat-open2525.txt", P::Ncat, OpenGreetingOnly, "other-ports", Same),
    ("ncat-prohibited.txt", P::Ncat, NoRouteToHost, "unreachable-scope", Same),
    ("ncat-reject554.txt", P::Ncat, GreetingRefused, "ip-reputation", Same),
    ("ncat-unreachable.txt", P::Ncat, NetworkUnreachable, "unreachable-scope", Same),
    // ---- netcat-traditional, with and without -z.
    ("nctrad-closed.txt", P::NetcatTraditional, Refused, "refused-scope", Same),
    ("nctrad-dns.txt", P::NetcatTraditional, DnsFailure, "dns-lookup-failed", Same),
    ("nctrad-earlyclose.txt", P::NetcatTraditional, NoGreeting, "silent-wait", Is(OpenUnseen)),
    ("nctrad-filtered.txt", P::NetcatTraditional, Timeout, "timeout-scope", Same),
    ("nctrad-noroute.txt", P::NetcatTraditional, NoRouteToHost, "unreachable-scope", Same),
    ("nctrad-open.txt", P::NetcatTraditional, OpenGreetingOnly, "greeting-check", Same),
    ("nctrad-open2525.txt", P::NetcatTraditional, OpenGreetingOnly, "other-ports", Same),
    ("nctrad-reject554.txt", P::NetcatTraditional, GreetingRefused, "ip-reputation", Same),
    ("nctrad-unreachable.txt", P::NetcatTraditional, NetworkUnreachable, "unreachable-scope", Same),
    ("nctrad-z-closed.txt", P::NetcatTraditional, Refused, "refused-scope", Same),
    ("nctrad-z-filtered.txt", P::NetcatTraditional, Timeout, "timeout-scope", Same),
    ("nctrad-z-open.txt", P::NetcatTraditional, OpenZeroIo, "greeting-check", Is(OpenUnseen)),
    // ---- netcat-openbsd (called as nc.openbsd), with and without -z; without its command line, -z success looks like a silent server.
    ("nc-earlyclose.txt", P::NetcatOpenbsd, NoGreeting, "silent-wait", Is(OpenUnseen)),
    ("nc-open2525.txt", P::NetcatOpenbsd, OpenGreetingOnly, "other-ports", Same),
    ("nc-prohibited.txt", P::NetcatOpenbsd, NoRouteToHost, "unreachable-scope", Same),
    ("nc-reject421.txt", P::NetcatOpenbsd, GreetingRefused, "remote-temporary-failure", Same),
    ("nc-z-closed.txt", P::NetcatOpenbsd, Refused, "refused-scope", Same),
    ("nc-z-dns.txt", P::NetcatOpenbsd, DnsFailure, "dns-lookup-failed", Same),
    ("nc-z-filtered.txt", P::NetcatOpenbsd, Timeout, "timeout-scope", Same),
    ("nc-z-noroute.txt", P::NetcatOpenbsd, NoRouteToHost, "unreachable-scope", Same),
    ("nc-z-open.txt", P::NetcatOpenbsd, OpenZeroIo, "greeting-check", Is(OpenUnseen)),
    ("nc-z-open2525.txt", P::NetcatOpenbsd, OpenZeroIo, "other-ports", Is(OpenUnseen)),
    // ---- BusyBox nc: prints nothing when the server hangs up.
    ("busyboxnc-closed.txt", P::BusyboxNc, Refused, "refused-scope", Same),
    ("busyboxnc-dns.txt", P::BusyboxNc, DnsFailure, "dns-lookup-failed", Same),
    ("busyboxnc-earlyclose.txt", P::BusyboxNc, CantTell, "how-to-test", Same),
    ("busyboxnc-filtered.txt", P::BusyboxNc, Timeout, "timeout-scope", Same),
    ("busyboxnc-open.txt", P::BusyboxNc, OpenGreetingOnly, "greeting-check", Same),
    ("busyboxnc-unreachable.txt", P::BusyboxNc, NetworkUnreachable, "unreachable-scope", Same),
    // ---- BusyBox telnet.
    ("busyboxtelnet-closed.txt", P::BusyboxTelnet, Refused, "refused-scope", Same),
    ("busyboxtelnet-dns.txt", P::BusyboxTelnet, DnsFailure, "dns-lookup-failed", Same),
    ("busyboxtelnet-earlyclose.txt", P::BusyboxTelnet, ClosedEarly, "silent-connection", Same),
    ("busyboxtelnet-filtered.txt", P::BusyboxTelnet, Timeout, "timeout-scope", Same),
    ("busyboxtelnet-noroute.txt", P::BusyboxTelnet, NoRouteToHost, "unreachable-scope", Same),
    ("busyboxtelnet-open.txt", P::BusyboxTelnet, OpenGreetingOnly, "greeting-check", Same),
    ("busyboxtelnet-reject554.txt", P::BusyboxTelnet, GreetingRefused, "ip-reputation", Same),
    ("busyboxtelnet-unreachable.txt", P::BusyboxTelnet, NetworkUnreachable, "unreachable-scope", Same),
    // ---- inetutils telnet: more failure kinds, and the kernel's own timeout.
    ("telnet-earlyclose.txt", P::InetutilsTelnet, ClosedEarly, "silent-connection", Same),
    ("telnet-open2525.txt", P::InetutilsTelnet, OpenGreetingOnly, "other-ports", Same),
    ("telnet-prohibited.txt", P::InetutilsTelnet, NoRouteToHost, "unreachable-scope", Same),
    ("telnet-reject421.txt", P::InetutilsTelnet, GreetingRefused, "remote-temporary-failure", Same),
    ("telnet-timedout.txt", P::InetutilsTelnet, Timeout, "timeout-scope", Same),
    // ---- socat, plain (prints nothing when the server hangs up) and with -d -d.
    ("socat-closed.txt", P::Socat, Refused, "refused-scope", Same),
    ("socat-dns.txt", P::Socat, DnsFailure, "dns-lookup-failed", Same),
    ("socat-earlyclose.txt", P::Socat, CantTell, "how-to-test", Same),
    ("socat-filtered.txt", P::Socat, Timeout, "timeout-scope", Same),
    ("socat-noroute.txt", P::Socat, NoRouteToHost, "unreachable-scope", Same),
    ("socat-open.txt", P::Socat, OpenGreetingOnly, "greeting-check", Same),
    ("socat-unreachable.txt", P::Socat, NetworkUnreachable, "unreachable-scope", Same),
    ("socat-v-earlyclose.txt", P::Socat, ClosedEarly, "silent-connection", Same),
    ("socat-v-open.txt", P::Socat, OpenGreetingOnly, "greeting-check", Same),
    // ---- curl telnet://.
    ("curltelnet-closed.txt", P::CurlTelnet, Refused, "refused-scope", Same),
    ("curltelnet-dns.txt", P::CurlTelnet, DnsFailure, "dns-lookup-failed", Same),
    ("curltelnet-earlyclose.txt", P::CurlTelnet, NoGreeting, "silent-wait", Same),
    ("curltelnet-filtered.txt", P::CurlTelnet, Timeout, "timeout-scope", Same),
    ("curltelnet-noroute.txt", P::CurlTelnet, NoRouteToHost, "unreachable-scope", Same),
    ("curltelnet-open.txt", P::CurlTelnet, OpenGreetingOnly, "greeting-check", Same),
    ("curltelnet-open2525.txt", P::CurlTelnet, OpenGreetingOnly, "other-ports", Same),
    ("curltelnet-unreachable.txt", P::CurlTelnet, NetworkUnreachable, "unreachable-scope", Same),
    // ---- curl smtp:// (-v; --ssl-reqd; without -v only the HELP reply is printed).
    ("curlsmtp-closed.txt", P::CurlSmtp, Refused, "refused-scope", Same),
    ("curlsmtp-dns.txt", P::CurlSmtp, DnsFailure, "dns-lookup-failed", Same),
    ("curlsmtp-earlyclose.txt", P::CurlSmtp, ClosedEarly, "silent-connection", Same),
    ("curlsmtp-filtered.txt", P::CurlSmtp, Timeout, "timeout-scope", Same),
    ("curlsmtp-open.txt", P::CurlSmtp, OpenStartTls, "greeting-check", Same),
    ("curlsmtp-open2525.txt", P::CurlSmtp, OpenStartTls, "other-ports", Same),
    ("curlsmtp-quiet-open.txt", P::CurlSmtp, OpenUnseen, "greeting-check", Is(CantTell)),
    ("curlsmtp-reject421.txt", P::CurlSmtp, GreetingRefused, "remote-temporary-failure", Same),
    ("curlsmtp-reject554.txt", P::CurlSmtp, GreetingRefused, "ip-reputation", Same),
    ("curlsmtp-silent.txt", P::CurlSmtp, GreetingTimeout, "silent-wait", Same),
    ("curlsmtp-tls-badtls.txt", P::CurlSmtp, TlsFailed, "tls-handshake-failed", Same),
    ("curlsmtp-tls-nostarttls.txt", P::CurlSmtp, NoStartTls, "no-starttls", Same),
    ("curlsmtp-tls-open.txt", P::CurlSmtp, OpenStartTls, "greeting-check", Same),
    ("curlsmtp-unreachable.txt", P::CurlSmtp, NetworkUnreachable, "unreachable-scope", Same),
    // ---- bash /dev/tcp: prints nothing when it connects and no line comes, or when it is killed.
    ("devtcp-closed.txt", P::BashDevTcp, Refused, "refused-scope", Same),
    ("devtcp-dns.txt", P::BashDevTcp, DnsFailure, "dns-lookup-failed", Same),
    ("devtcp-earlyclose.txt", P::BashDevTcp, CantTell, "how-to-test", Same),
    ("devtcp-filtered.txt", P::BashDevTcp, Timeout, "timeout-scope", Same),
    ("devtcp-killed-filtered.txt", P::BashDevTcp, CantTell, "how-to-test", Same),
    ("devtcp-noroute.txt", P::BashDevTcp, NoRouteToHost, "unreachable-scope", Same),
    ("devtcp-open.txt", P::BashDevTcp, OpenGreetingOnly, "greeting-check", Same),
    ("devtcp-open2525.txt", P::BashDevTcp, OpenGreetingOnly, "other-ports", Same),
    ("devtcp-prohibited.txt", P::BashDevTcp, NoRouteToHost, "unreachable-scope", Same),
    ("devtcp-unreachable.txt", P::BashDevTcp, NetworkUnreachable, "unreachable-scope", Same),
    // ---- Python smtplib: results, debug output and tracebacks.
    ("smtplib-badtls.txt", P::PythonSmtplib, TlsFailed, "tls-handshake-failed", Same),
    ("smtplib-closed.txt", P::PythonSmtplib, Refused, "refused-scope", Same),
    ("smtplib-debug-open.txt", P::PythonSmtplib, OpenStartTls, "greeting-check", Same),
    ("smtplib-debug-reject554.txt", P::PythonSmtplib, GreetingRefused, "ip-reputation", Same),
    ("smtplib-dns.txt", P::PythonSmtplib, DnsFailure, "dns-lookup-failed", Same),
    ("smtplib-earlyclose.txt", P::PythonSmtplib, ClosedEarly, "silent-connection", Same),
    ("smtplib-filtered.txt", P::PythonSmtplib, Timeout, "timeout-scope", Same),
    ("smtplib-noroute.txt", P::PythonSmtplib, NoRouteToHost, "unreachable-scope", Same),
    ("smtplib-nostarttls.txt", P::PythonSmtplib, NoStartTls, "no-starttls", Same),
    ("smtplib-open.txt", P::PythonSmtplib, OpenStartTls, "greeting-check", Same),
    ("smtplib-open2525.txt", P::PythonSmtplib, OpenStartTls, "other-ports", Same),
    ("smtplib-reject421.txt", P::PythonSmtplib, GreetingRefused, "remote-temporary-failure", Same),
    ("smtplib-reject554.txt", P::PythonSmtplib, GreetingRefused, "ip-reputation", Same),
    ("smtplib-silent.txt", P::PythonSmtplib, GreetingTimeout, "silent-wait", Same),
    ("smtplib-unreachable.txt", P::PythonSmtplib, NetworkUnreachable, "unreachable-scope", Same),
    // ---- openssl s_client: more -starttls cases and straight TLS (-connect only).
    ("openssl-direct-closed.txt", P::OpensslSClient, Refused, "refused-scope", Same),
    ("openssl-direct-filtered.txt", P::OpensslSClient, Timeout, "timeout-scope", Same),
    ("openssl-direct-plain25.txt", P::OpensslSClient, TlsOnPlainPort, "tls-handshake-failed", Is(TlsFailed)),
    ("openssl-direct-smtps.txt", P::OpensslSClient, CertificateProblem, "certificate-problem", Same),
    ("openssl-earlyclose.txt", P::OpensslSClient, ClosedEarly, "silent-connection", Same),
    ("openssl-open2525.txt", P::OpensslSClient, CertificateProblem, "certificate-problem", Same),
    ("openssl-prohibited.txt", P::OpensslSClient, NoRouteToHost, "unreachable-scope", Same),
    ("openssl-reject421.txt", P::OpensslSClient, CantTell, "how-to-test", Same),
    // ---- nmap --reason.
    ("nmap-reason-closed.txt", P::Nmap, Refused, "refused-scope", Same),
    ("nmap-reason-filtered.txt", P::Nmap, Timeout, "timeout-scope", Same),
    ("nmap-reason-filtered2525.txt", P::Nmap, Timeout, "other-ports", Same),
    ("nmap-reason-noroute.txt", P::Nmap, NoRouteToHost, "unreachable-scope", Same),
    ("nmap-reason-open.txt", P::Nmap, OpenUnseen, "greeting-check", Same),
    ("nmap-reason-open2525.txt", P::Nmap, OpenUnseen, "other-ports", Same),
    ("nmap-reason-prohibited.txt", P::Nmap, Prohibited, "unreachable-scope", Same),
    // ---- swaks: more failure kinds; "Bad hostname" is a DNS failure.
    ("swaks-earlyclose.txt", P::Swaks, ClosedEarly, "silent-connection", Same),
    ("swaks-nxdomain.txt", P::Swaks, DnsFailure, "dns-lookup-failed", Same),
    ("swaks-open2525.txt", P::Swaks, OpenStartTls, "other-ports", Same),
    ("swaks-prohibited.txt", P::Swaks, ConnectFailed, "timeout-scope", Same),
    ("swaks-reject421.txt", P::Swaks, GreetingRefused, "remote-temporary-failure", Same),
    ("swaks-silent.txt", P::Swaks, GreetingTimeout, "silent-wait", Same),
    // ---- Postfix log lines (one message each).
    ("postfix-dns.txt", P::PostfixLog, DnsFailure, "dns-lookup-failed", Same),
    ("postfix-earlyclose.txt", P::PostfixLog, ClosedEarly, "silent-connection", Same),
    ("postfix-noroute.txt", P::PostfixLog, NoRouteToHost, "unreachable-scope", Same),
    ("postfix-nostarttls.txt", P::PostfixLog, Delivered, "connection-works", Same),
    ("postfix-prohibited.txt", P::PostfixLog, NoRouteToHost, "unreachable-scope", Same),
    ("postfix-refused.txt", P::PostfixLog, Refused, "refused-scope", Same),
    ("postfix-reject421.txt", P::PostfixLog, GreetingRefused, "remote-temporary-failure", Same),
    ("postfix-reject554.txt", P::PostfixLog, GreetingRefused, "ip-reputation", Same),
    ("postfix-sent.txt", P::PostfixLog, Delivered, "connection-works", Same),
    ("postfix-silent.txt", P::PostfixLog, GreetingTimeout, "silent-wait", Same),
    ("postfix-timeout.txt", P::PostfixLog, Timeout, "timeout-scope", Same),
    ("postfix-unreachable.txt", P::PostfixLog, NetworkUnreachable, "unreachable-scope", Same),
    // ---- Exim log lines; "SMTP timeout after initial connection" is logged for a dropped SYN and for a silent server alike.
    ("exim-dns.txt", P::EximLog, DnsFailure, "dns-lookup-failed", Same),
    ("exim-earlyclose.txt", P::EximLog, ClosedEarly, "silent-connection", Same),
    ("exim-noroute.txt", P::EximLog, NoRouteToHost, "unreachable-scope", Same),
    ("exim-refused.txt", P::EximLog, Refused, "refused-scope", Same),
    ("exim-reject554.txt", P::EximLog, GreetingRefused, "ip-reputation", Same),
    ("exim-retrywait.txt", P::EximLog, CantTell, "deferred-why", Same),
    ("exim-sent.txt", P::EximLog, Delivered, "connection-works", Same),
    ("exim-silent.txt", P::EximLog, CantTell, "timeout-scope", Same),
    ("exim-timeout.txt", P::EximLog, CantTell, "timeout-scope", Same),
    ("exim-unreachable.txt", P::EximLog, NetworkUnreachable, "unreachable-scope", Same),
    // ---- OpenSMTPD log lines.
    ("opensmtpd-earlyclose.txt", P::OpensmtpdLog, ClosedEarly, "silent-connection", Same),
    ("opensmtpd-noroute.txt", P::OpensmtpdLog, NoRouteToHost, "unreachable-scope", Same),
    ("opensmtpd-refused.txt", P::OpensmtpdLog, Refused, "refused-scope", Same),
    ("opensmtpd-reject554.txt", P::OpensmtpdLog, GreetingRefused, "ip-reputation", Same),
    ("opensmtpd-sent.txt", P::OpensmtpdLog, Delivered, "connection-works", Same),
    ("opensmtpd-silent.txt", P::OpensmtpdLog, ClosedEarly, "silent-connection", Same),
    ("opensmtpd-timeout.txt", P::OpensmtpdLog, Timeout, "timeout-scope", Same),
    ("opensmtpd-unreachable.txt", P::OpensmtpdLog, NetworkUnreachable, "unreachable-scope", Same),
];

fn capture(file: &str) -> String {
    let path = format!("{}/tests/captures/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Whether a line is a typed command: `$ ...`, `PS C:\...> ...`, `C:\...>...`.
fn is_command(line: &str) -> bool {
    let b = line.as_bytes();
    line.starts_with("$ ")
        || line.starts_with("PS ")
        || (b.len() > 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'\\')
}

/// The capture without its first line when that line is the typed command.
fn without_command(text: &str) -> String {
    match text.split_once('\n') {
        Some((first, rest)) if is_command(first) => rest.to_owned(),
        _ => text.to_owned(),
    }
}

/// The typed command of a capture, if it has one.
fn command(text: &str) -> Option<&str> {
    text.lines().next().filter(|l| is_command(l))
}

#[test]
fn every_capture_reads_as_expected() {
    let tree = Tree::builtin();
    let mut failures = Vec::new();
    for &(file, program, expected, node, _) in CASES {
        let text = capture(file);
        let reading = read_output(&text);
        let got = (
            reading.program,
            kind(&reading.outcome, reading.detail),
            reading.node,
        );
        if got != (Some(program), expected, node) {
            failures.push(format!(
                "{file}: expected {program:?} {expected:?} {node}, got {got:?} ({:?}, evidence {:?})",
                reading.outcome, reading.evidence
            ));
        }
        assert!(
            tree.node(reading.node).is_some(),
            "{file}: {}",
            reading.node
        );
        assert!(!reading.evidence.is_empty(), "{file}: no evidence");
        for line in &reading.evidence {
            assert!(
                text.contains(line.as_str()),
                "{file}: evidence {line:?} not in file"
            );
        }
        assert!(!reading.result().is_empty() && !reading.advice.is_empty());
        assert!(
            reading.summary().starts_with(program.name()),
            "{file}: {}",
            reading.summary()
        );
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn captures_read_as_expected_without_the_command_line() {
    let mut failures = Vec::new();
    for &(file, _, expected, _, alone) in CASES {
        let reading = read_output(&without_command(&capture(file)));
        let want = match alone {
            Same => expected,
            Is(k) => k,
        };
        let got = kind(&reading.outcome, reading.detail);
        if got != want {
            failures.push(format!(
                "{file} without its command line: expected {want:?}, got {got:?} ({:?})",
                reading.evidence
            ));
        }
        if got == CantTell {
            assert!(!reading.advice.is_empty(), "{file}");
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Whether text names port 25 (not 2525).
fn names_port_25(text: &str) -> bool {
    text.match_indices("port 25").any(|(i, m)| {
        !text[i + m.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}

/// The reading names the port the capture shows, and speaks of port 25 only
/// when port 25 was tested.
#[test]
fn readings_name_the_port_that_was_tested() {
    for &(file, ..) in CASES {
        let text = capture(file);
        let reading = read_output(&text);
        let words = format!("{} {}", reading.result(), reading.advice);
        if let Some(port) = reading.port {
            assert!(
                text.contains(&format!(":{port}"))
                    || text.contains(&format!(" {port}"))
                    || text.contains(&format!("/{port}")),
                "{file}: port {port} is not in the capture"
            );
        }
        if let Some(host) = &reading.host {
            assert!(
                text.contains(host.as_str()),
                "{file}: host {host} not in the capture"
            );
        }
        let other_port = command(&text).is_some_and(|c| {
            [" 2525", ":2525", " 587", " 465", ":465"]
                .iter()
                .any(|p| c.contains(p))
        });
        if other_port {
            assert!(
                reading.port.is_some_and(|p| p != 25),
                "{file}: read as port {:?}",
                reading.port
            );
            // The advice may say "this tested port 587, not 25"; it must not
            // state a result for port 25.
            assert!(
                !names_port_25(&reading.result()) && !reading.advice.contains("Port 25 "),
                "{file}: speaks of port 25: {words}"
            );
        }
        if reading.port == Some(25) {
            assert!(
                names_port_25(&reading.result()),
                "{file}: the reading does not name the port: {words}"
            );
        }
    }
}

#[test]
fn greetings_name_who_answered() {
    for file in [
        "nc-open.txt",
        "telnet-open.txt",
        "swaks-open.txt",
        "nc-open-ipv6.txt",
    ] {
        match read_output(&capture(file)).outcome {
            Outcome::Open {
                greeting: Some(g), ..
            } => {
                assert_eq!(g.code, 220, "{file}");
                assert_eq!(g.host.as_deref(), Some("mx.test.invalid"), "{file}");
                assert!(g.text.contains("ESMTP capture server ready"), "{file}");
            }
            other => panic!("{file}: {other:?}"),
        }
    }
    match read_output(&capture("swaks-reject554.txt")).outcome {
        Outcome::GreetingRefused { greeting } => {
            assert_eq!(greeting.code, 554);
            assert_eq!(greeting.host, None, "5.7.1 is a status code, not a host");
        }
        other => panic!("{other:?}"),
    }
    match read_output(&capture("openssl-open.txt")).outcome {
        Outcome::CertificateProblem { detail } => assert_eq!(detail, "self-signed certificate"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_capture_file_has_a_row_and_every_row_a_file() {
    let dir = format!("{}/tests/captures", env!("CARGO_MANIFEST_DIR"));
    let files: BTreeSet<String> = std::fs::read_dir(&dir)
        .expect("captures directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".txt"))
        .collect();
    let rows: BTreeSet<String> = CASES.iter().map(|c| c.0.to_owned()).collect();
    assert_eq!(files, rows);
    assert_eq!(rows.len(), CASES.len(), "a file has two rows");
}

#[test]
fn two_different_captures_pasted_together_are_two_cases() {
    let pairs = [
        ("nc-closed.txt", "nc-open.txt"),
        ("telnet-closed.txt", "telnet-open.txt"),
        ("swaks-filtered.txt", "nc-open.txt"),
        ("nmap-closed.txt", "nmap-open.txt"),
    ];
    for (a, b) in pairs {
        let text = format!("{}\n{}", capture(a), capture(b));
        let paste = read_paste(&text);
        assert_eq!(paste.cases.len(), 2, "{a} + {b}: {:?}", paste.cases);
        let first = read_output(&capture(a));
        let second = read_output(&capture(b));
        assert_eq!(paste.cases[0].outcome, first.outcome, "{a}");
        assert_eq!(paste.cases[1].outcome, second.outcome, "{b}");
        let reading = read_output(&text);
        assert_eq!(reading.outcome, Outcome::CantTell);
        assert_eq!(reading.detail, Some(Detail::SeveralCases(2)));
        assert_eq!(reading.node, "how-to-test");
        assert!(reading.evidence.len() >= 2);
    }
}

#[test]
fn the_same_capture_pasted_twice_is_one_case() {
    for file in [
        "nc-closed.txt",
        "telnet-open.txt",
        "postfix-timeout.txt",
        "exim-refused.txt",
    ] {
        let text = format!("{}\n{}", capture(file), capture(file));
        let paste = read_paste(&text);
        assert_eq!(paste.cases.len(), 1, "{file}: {:?}", paste.cases);
    }
}

#[test]
fn log_lines_of_different_deliveries_are_different_cases() {
    let text = format!(
        "{}\n{}\n{}",
        without_command(&capture("postfix-timeout.txt")),
        without_command(&capture("postfix-refused.txt")),
        without_command(&capture("postfix-sent.txt")),
    );
    let paste = read_paste(&text);
    let got: Vec<_> = paste
        .cases
        .iter()
        .map(|c| kind(&c.outcome, c.detail))
        .collect();
    assert_eq!(got, [Timeout, Refused, Delivered]);
    assert_eq!(paste.cases[0].host.as_deref(), Some("127.0.0.8"));
    assert_eq!(paste.cases[1].host.as_deref(), Some("127.0.0.7"));
    assert!(paste.summary().contains("3 different tests"));
}

#[test]
fn exims_retry_line_joins_the_failure_it_repeats() {
    let text = format!(
        "{}\n{}",
        without_command(&capture("exim-refused.txt")),
        without_command(&capture("exim-retrywait.txt")),
    );
    let paste = read_paste(&text);
    assert_eq!(paste.cases.len(), 1, "{:?}", paste.cases);
    assert_eq!(paste.cases[0].outcome, Outcome::Refused);
    assert!(paste.cases[0]
        .evidence
        .iter()
        .any(|l| l.contains("retry time not reached")));
    // Alone, the retry line says only that Exim did not try.
    let alone = read_output(&capture("exim-retrywait.txt"));
    assert_eq!(alone.outcome, Outcome::CantTell);
    assert!(alone.advice.contains("earlier"), "{}", alone.advice);
}

/// The weak spots named in issue 15, each on its real capture.
#[test]
fn the_issues_weak_spots_read_right() {
    // A curl SMTP transcript is quoted with its 220 greeting, not the 214 HELP reply.
    match read_output(&capture("curlsmtp-open.txt")).outcome {
        Outcome::Open {
            greeting: Some(g), ..
        } => assert_eq!(g.code, 220),
        other => panic!("{other:?}"),
    }
    let quiet = read_output(&capture("curlsmtp-quiet-open.txt"));
    assert!(!quiet.result().contains("214"), "{}", quiet.result());
    // nc -zv succeeding is an open port, not a missing greeting.
    for file in ["nc-z-open.txt", "nctrad-z-open.txt"] {
        let r = read_output(&capture(file));
        assert_eq!(kind(&r.outcome, r.detail), OpenZeroIo, "{file}");
        assert!(!r.result().contains("no greeting arrived"), "{file}");
    }
    // nc to 2525 is about port 2525.
    let r = read_output(&capture("nc-open2525.txt"));
    assert_eq!(r.port, Some(2525));
    assert!(
        r.result().starts_with("open: port 2525 on 127.0.0.1"),
        "{}",
        r.result()
    );
    // swaks' "Bad hostname" is a DNS failure.
    assert_eq!(
        read_output(&capture("swaks-nxdomain.txt")).outcome,
        Outcome::DnsFailure
    );
    // Ncat: TIMEOUT., curl's error 28 and smtplib's TimeoutError are timeouts.
    for file in [
        "ncat-filtered.txt",
        "curlsmtp-filtered.txt",
        "smtplib-filtered.txt",
    ] {
        assert_eq!(
            read_output(&capture(file)).outcome,
            Outcome::Timeout,
            "{file}"
        );
    }
    // Postfix's "lost connection ... while receiving the initial server greeting".
    let r = read_output(&capture("postfix-earlyclose.txt"));
    assert_eq!(kind(&r.outcome, r.detail), ClosedEarly);
    // Windows SocketException codes.
    for (file, outcome) in [
        ("dotnet-handmade-timeout-10060.txt", Outcome::Timeout),
        ("dotnet-handmade-refused.txt", Outcome::Refused),
        ("dotnet-handmade-unreachable.txt", Outcome::NoRouteToHost),
        ("dotnet-handmade-dns.txt", Outcome::DnsFailure),
    ] {
        assert_eq!(read_output(&capture(file)).outcome, outcome, "{file}");
    }
}

#[test]
fn a_terminal_session_with_several_commands_reads_each() {
    let text = [
        "nc-z-open.txt",
        "ncat-filtered.txt",
        "curlsmtp-reject554.txt",
        "devtcp-killed-filtered.txt",
    ]
    .map(capture)
    .join("\n");
    let paste = read_paste(&text);
    let got: Vec<_> = paste
        .cases
        .iter()
        .map(|c| (c.program, kind(&c.outcome, c.detail)))
        .collect();
    assert_eq!(
        got,
        [
            (Some(P::NetcatOpenbsd), OpenZeroIo),
            (Some(P::Ncat), Timeout),
            (Some(P::CurlSmtp), GreetingRefused),
            (Some(P::BashDevTcp), CantTell),
        ]
    );
}
