//! Reading one test: the program that printed it, where it dialled, and the
//! outcome its lines add up to, with the evidence. Wording and tree nodes
//! are in the `guide` module.

use super::guide::guide;
use super::lines::{endpoint, has, signal, Sig};
use super::program::{program_of_line, CommandLine};
use super::split::Segment;
use super::{Detail, Greeting, Outcome, Program, Reading, StartTls};

/// One case being read: a [`Reading`] before its node and advice are chosen.
pub(super) struct Case {
    pub(super) program: Option<Program>,
    pub(super) outcome: Outcome,
    pub(super) detail: Option<Detail>,
    pub(super) host: Option<String>,
    pub(super) port: Option<u16>,
    pub(super) evidence: Vec<String>,
}

impl Case {
    pub(super) fn cant_tell(program: Option<Program>, detail: Detail) -> Case {
        Case {
            program,
            outcome: Outcome::CantTell,
            detail: Some(detail),
            host: None,
            port: None,
            evidence: Vec::new(),
        }
    }

    /// Lines that show nothing (a log's bookkeeping, unknown text).
    pub(super) fn is_noise(&self) -> bool {
        self.outcome == Outcome::CantTell && self.evidence.is_empty()
    }

    /// Whether `next` is more of the same test: the same result for the same
    /// destination from the same program, or a log line that adds nothing.
    pub(super) fn absorbs(&self, next: &Case) -> bool {
        if self.program != next.program || self.program.is_none() {
            return false;
        }
        let same_place = next.host.is_none() || self.host.is_none() || self.host == next.host;
        let same_port = next.port.is_none() || self.port.is_none() || self.port == next.port;
        if !(same_place && same_port) {
            return false;
        }
        if self.program.is_some_and(Program::is_log) && next.is_noise() {
            return true;
        }
        // A log's "retry time not reached" adds to the failure it repeats.
        if next.detail == Some(Detail::RetryNotReached) && self.outcome != Outcome::CantTell {
            return true;
        }
        let readable_doubt = matches!(
            self.detail,
            Some(Detail::TimeoutBeforeGreeting | Detail::RetryNotReached)
        );
        std::mem::discriminant(&self.outcome) == std::mem::discriminant(&next.outcome)
            && self.detail == next.detail
            && (self.outcome != Outcome::CantTell || readable_doubt)
    }

    pub(super) fn into_reading(self) -> Reading {
        let (node, advice) = guide(&self);
        Reading {
            tool: self.program.and_then(Program::tool),
            program: self.program,
            outcome: self.outcome,
            detail: self.detail,
            host: self.host,
            port: self.port,
            evidence: self.evidence,
            node,
            advice,
        }
    }
}

/// Builds a [`Greeting`] from a reply line.
pub(super) fn greeting(code: u16, line: &str) -> Greeting {
    let host = line
        .get(4..)
        .and_then(|rest| rest.split_whitespace().next())
        .filter(|w| {
            (w.contains('.') || w.starts_with('['))
                && !w
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_digit() && w.len() <= 5)
        })
        // Enhanced status codes such as 5.7.1 (RFC 3463) are not host names.
        .filter(|w| !w.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
        .map(str::to_owned);
    Greeting {
        code,
        host,
        text: line.to_owned(),
    }
}

/// Whether a reply code can be a greeting (RFC 5321 4.3.2: 220, or 421/554
/// and other 4xx/5xx refusals). 214 or 250 are answers to commands.
pub(super) fn is_greeting_code(code: u16) -> bool {
    code == 220 || code >= 400
}

/// The program a segment comes from: the typed command, refined by the
/// output when it shows the flavour.
pub(super) fn program_of(seg: &Segment<'_>) -> Option<Program> {
    let from_output = seg.lines.iter().find_map(|l| program_of_line(l));
    let from_command = seg.command.as_ref().and_then(|(_, c)| c.program);
    match (from_command, from_output) {
        (Some(c), Some(o)) => {
            let generic = matches!(o, Program::Netcat | Program::Curl);
            let same_family = (c.tool().is_some() && c.tool() == o.tool())
                || (matches!(c, Program::Curl | Program::CurlSmtp | Program::CurlTelnet)
                    && o == Program::Curl);
            if same_family && !generic {
                Some(o)
            } else {
                Some(c)
            }
        }
        (Some(c), None) => Some(c),
        (None, Some(Program::Curl)) => {
            // curl's verbose SMTP dialogue shows the commands it sent.
            if seg
                .lines
                .iter()
                .any(|l| l.starts_with("> EHLO") || l.starts_with("> HELP"))
            {
                Some(Program::CurlSmtp)
            } else {
                Some(Program::Curl)
            }
        }
        (None, o) => o,
    }
}

/// Classifies one segment.
pub(super) fn classify(seg: &Segment<'_>) -> Case {
    let program = program_of(seg);
    let command = seg.command.as_ref().map(|(_, c)| c);
    let mut case = Case::cant_tell(program, Detail::NothingPrinted);
    // A host given as an expression (`(Resolve-DnsName ...).IPAddress`)
    // yields to the one the output prints.
    case.host = command
        .and_then(|c| c.host.clone())
        .filter(|h| !h.contains(['(', ')', '$']));
    case.port = command.and_then(|c| c.port);
    for line in &seg.lines {
        let (h, p) = endpoint(line);
        if case.host.is_none() {
            case.host = h;
        }
        // The output's port is what was dialled; telnet's default of 23
        // from a command without a port yields to it.
        if p.is_some() && (case.port.is_none() || case.port == Some(23)) {
            case.port = p;
        }
    }
    let (outcome, detail, evidence) = decide(program, command, &seg.lines);
    case.outcome = outcome;
    case.detail = detail;
    case.evidence = evidence.into_iter().map(str::to_owned).collect();
    if case.evidence.is_empty() && case.outcome == Outcome::CantTell {
        if let Some((line, _)) = seg.command {
            if program == Some(Program::OpensslSClient) && seg.lines.is_empty() {
                // openssl prints nothing until it connects.
                case.outcome = Outcome::StillConnecting;
                case.detail = None;
            }
            if program.is_some() {
                case.evidence.push(line.to_owned());
            }
        }
    }
    case
}

/// The outcome of one segment's lines, its detail and its evidence.
pub(super) fn decide<'l>(
    program: Option<Program>,
    command: Option<&CommandLine>,
    lines: &[&'l str],
) -> (Outcome, Option<Detail>, Vec<&'l str>) {
    let sigs: Vec<(Sig, &'l str)> = lines
        .iter()
        .filter_map(|l| signal(program, l).map(|s| (s, *l)))
        .filter(|(s, _)| *s != Sig::Noise)
        .collect();
    let connect_at = sigs.iter().position(|(s, _)| {
        matches!(
            s,
            Sig::Connected | Sig::Greeted(..) | Sig::Reply(..) | Sig::Ehlo(_) | Sig::Closed
        )
    });
    // smtplib's timeout while reading the greeting reads like a connect timeout.
    let in_getreply = lines.iter().any(|l| l.contains("getreply"));

    let mut failures: Vec<(Outcome, Option<Detail>, &'l str)> = Vec::new();
    let mut read_timeout: Option<&'l str> = None;
    for (i, (s, l)) in sigs.iter().enumerate() {
        if let Sig::Fail(o, d) = s {
            let after_connect = connect_at.is_some_and(|c| c < i);
            if *o == Outcome::Timeout && (after_connect || in_getreply) {
                read_timeout.get_or_insert(l);
            } else if !after_connect {
                failures.push((o.clone(), *d, l));
            }
        }
        if *s == Sig::ReadTimeout {
            read_timeout.get_or_insert(l);
        }
    }
    // "It failed" lines add nothing when another line says why.
    if failures
        .iter()
        .any(|(o, _, _)| *o != Outcome::ConnectFailed)
    {
        failures.retain(|(o, _, _)| *o != Outcome::ConnectFailed);
    }
    let connected: Vec<&'l str> = sigs
        .iter()
        .filter(|(s, _)| *s == Sig::Connected)
        .map(|(_, l)| *l)
        .collect();

    if let Some((_, l)) = sigs.iter().find(|(s, _)| *s == Sig::AmbiguousTimeout) {
        let ev = sigs
            .iter()
            .filter(|(s, _)| matches!(s, Sig::AmbiguousTimeout | Sig::Fail(Outcome::Timeout, _)))
            .map(|(_, l)| *l)
            .collect::<Vec<_>>();
        let ev = if ev.is_empty() { vec![*l] } else { ev };
        return (Outcome::CantTell, Some(Detail::TimeoutBeforeGreeting), ev);
    }
    if !failures.is_empty() {
        let first = &failures[0];
        let contradicting = failures.iter().any(|(o, _, _)| *o != first.0);
        if contradicting
            || connect_at.is_some_and(|c| {
                // A failure before a connection in the same attempt.
                sigs.iter()
                    .position(|(_, l)| *l == first.2)
                    .is_some_and(|f| f < c)
            })
        {
            let mut ev: Vec<&'l str> = failures.iter().map(|(_, _, l)| *l).collect();
            ev.extend(&connected);
            ev.sort_by_key(|e| lines.iter().position(|l| l == e));
            ev.dedup();
            return (Outcome::CantTell, Some(Detail::Contradicting), ev);
        }
        let detail = failures.iter().find_map(|(_, d, _)| *d);
        let detail = detail.or_else(|| icmp_detail(&first.0, lines));
        return (
            first.0.clone(),
            detail,
            failures.iter().map(|(_, _, l)| *l).collect(),
        );
    }

    if program == Some(Program::OpensslSClient) {
        if let Some(r) = openssl_hangup(lines) {
            return r;
        }
        if let Some((o, ev)) = read_openssl(lines) {
            let direct = command.is_some_and(|c| !c.starttls);
            let d = match &o {
                Outcome::TlsFailed { detail: Some(d) }
                    if direct
                        && (has(d, "wrong version number") || has(d, "packet length too long")) =>
                {
                    Some(Detail::TlsOnPlainPort)
                }
                _ => None,
            };
            return (o, d, ev);
        }
    }

    // Log lines and exceptions that report the greeting stage directly.
    if let Some((Sig::Greeted(code, text), l)) =
        sigs.iter().find(|(s, _)| matches!(s, Sig::Greeted(..)))
    {
        let g = greeting(*code, text);
        if *code >= 400 {
            return (Outcome::GreetingRefused { greeting: g }, None, vec![*l]);
        }
    }
    if let Some((_, l)) = sigs.iter().find(|(s, _)| *s == Sig::Delivered) {
        return (
            Outcome::Open {
                greeting: None,
                starttls: StartTls::NotTested,
            },
            Some(Detail::Delivered),
            vec![*l],
        );
    }

    // The first reply is the greeting; openssl hides it, so it is skipped.
    let replies: Vec<(u16, &String, &'l str)> = if program == Some(Program::OpensslSClient) {
        Vec::new()
    } else {
        sigs.iter()
            .filter_map(|(s, l)| match s {
                Sig::Reply(c, t) => Some((*c, t, *l)),
                _ => None,
            })
            .collect()
    };
    let first_reply_line = replies
        .first()
        .and_then(|r| lines.iter().position(|l| *l == r.2));
    // A tool that gave up waiting, then printed a late greeting as the
    // answer to its QUIT: the greeting did not come in time.
    if let Some(t) = read_timeout {
        let t_at = lines.iter().position(|l| *l == t);
        if first_reply_line.is_none_or(|r| t_at.is_some_and(|t| t < r)) {
            let mut ev = connected.clone();
            ev.push(t);
            ev.extend(first_reply_line.map(|r| lines[r]));
            return (Outcome::NoGreeting, Some(Detail::GreetingTimedOut), ev);
        }
    }
    let no_starttls = sigs
        .iter()
        .find(|(s, _)| *s == Sig::NoStartTls)
        .map(|x| x.1);
    let tls_error = sigs.iter().find(|(s, _)| *s == Sig::TlsError).map(|x| x.1);
    let ehlo_tuple = sigs.iter().find_map(|(s, l)| match s {
        Sig::Ehlo(offered) => Some((*offered, *l)),
        _ => None,
    });

    if let Some(&(code, text, raw)) = replies.first().filter(|r| is_greeting_code(r.0)) {
        let g = greeting(code, text);
        if code >= 400 {
            return (Outcome::GreetingRefused { greeting: g }, None, vec![raw]);
        }
        let mut ev = connected.clone();
        ev.push(raw);
        if let Some(l) = no_starttls {
            ev.push(l);
            return (Outcome::NoStartTls, None, ev);
        }
        if let Some(l) = tls_error {
            ev.push(l);
            return (
                Outcome::TlsFailed {
                    detail: Some(l.to_owned()),
                },
                None,
                ev,
            );
        }
        let caps: Vec<(&String, &'l str)> = replies
            .iter()
            .skip(1)
            .filter(|(c, _, _)| *c == 250)
            .map(|(_, t, l)| (*t, *l))
            .collect();
        let starttls = if caps.len() < 2 {
            StartTls::NotTested
        } else if let Some((_, l)) = caps.iter().find(|(t, _)| has(t, "STARTTLS")) {
            ev.push(l);
            StartTls::Offered
        } else {
            StartTls::NotOffered
        };
        return (
            Outcome::Open {
                greeting: Some(g),
                starttls,
            },
            None,
            ev,
        );
    }

    // Connected, and the greeting is not shown as such.
    if let Some(l) = no_starttls {
        let mut ev = connected.clone();
        ev.push(l);
        return (Outcome::NoStartTls, None, ev);
    }
    if let Some(l) = tls_error {
        let mut ev = connected.clone();
        ev.push(l);
        return (
            Outcome::TlsFailed {
                detail: Some(l.to_owned()),
            },
            None,
            ev,
        );
    }
    if let Some((offered, l)) = ehlo_tuple {
        // smtplib only returns from SMTP() after a 220 greeting.
        return (
            Outcome::Open {
                greeting: None,
                starttls: if offered {
                    StartTls::Offered
                } else {
                    StartTls::NotOffered
                },
            },
            None,
            vec![l],
        );
    }
    if let Some(&(_, _, raw)) = replies.first().filter(|_| program.is_some()) {
        // A 214 or 250 answer from a known tool: a server spoke, so it
        // greeted; the greeting is not shown.
        let mut ev = connected.clone();
        ev.push(raw);
        return (
            Outcome::Open {
                greeting: None,
                starttls: StartTls::NotTested,
            },
            None,
            ev,
        );
    }
    if let Some((_, l)) = sigs.iter().find(|(s, _)| *s == Sig::Closed) {
        let mut ev = connected.clone();
        ev.push(l);
        return (Outcome::NoGreeting, Some(Detail::ClosedBeforeGreeting), ev);
    }
    if !connected.is_empty() {
        let zero_io = command.is_some_and(|c| c.zero_io);
        let open = (
            Outcome::Open {
                greeting: None,
                starttls: StartTls::NotTested,
            },
            zero_io.then_some(Detail::ZeroIo),
            connected.clone(),
        );
        return match program {
            _ if zero_io => open,
            Some(p) if !p.shows_greeting() => open,
            // nc without its command line: -z looks the same as a silent server.
            Some(Program::NetcatOpenbsd | Program::NetcatTraditional | Program::Netcat)
                if command.is_none() =>
            {
                open
            }
            _ => (Outcome::NoGreeting, None, connected),
        };
    }
    if let Some((_, l)) = sigs.iter().find(|(s, _)| *s == Sig::Retry) {
        return (Outcome::CantTell, Some(Detail::RetryNotReached), vec![*l]);
    }

    // A telnet stuck at "Trying ..." or an openssl that printed nothing yet.
    let trying: Vec<&'l str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("Trying ") || l.starts_with("=== Trying"))
        .collect();
    if !trying.is_empty() && trying.len() == lines.len() {
        return (Outcome::StillConnecting, None, trying);
    }
    (Outcome::CantTell, None, Vec::new())
}

/// Linux reports ICMP "administratively prohibited" and "host unreachable"
/// both as "No route to host"; nmap's reason tells them apart, others do not.
pub(super) fn icmp_detail(outcome: &Outcome, lines: &[&str]) -> Option<Detail> {
    if *outcome != Outcome::NoRouteToHost {
        return None;
    }
    if lines.iter().any(|l| has(l, "prohibited")) {
        return Some(Detail::AdminProhibited);
    }
    None
}

/// `openssl s_client` whose server hung up (`write:errno=32`, a broken
/// pipe) before TLS: openssl hides what the server said, but counts it.
pub(super) fn openssl_hangup<'l>(
    lines: &[&'l str],
) -> Option<(Outcome, Option<Detail>, Vec<&'l str>)> {
    let hangup = lines
        .iter()
        .copied()
        .find(|l| l.starts_with("write:errno=32") || l.starts_with("write:errno=104"))?;
    let read = lines.iter().copied().find_map(|l| {
        let rest = l.strip_prefix("SSL handshake has read ")?;
        let n: u64 = rest.split_whitespace().next()?.parse().ok()?;
        Some((n, l))
    });
    let mut ev: Vec<&'l str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("CONNECTED("))
        .collect();
    ev.push(hangup);
    match read {
        Some((0, l)) => {
            ev.push(l);
            Some((Outcome::NoGreeting, Some(Detail::ClosedBeforeGreeting), ev))
        }
        Some((_, l)) => {
            ev.push(l);
            Some((Outcome::CantTell, Some(Detail::GreetingHidden), ev))
        }
        None => Some((Outcome::CantTell, Some(Detail::GreetingHidden), ev)),
    }
}

/// Reads the TLS part of `openssl s_client` output.
pub(super) fn read_openssl<'l>(output: &[&'l str]) -> Option<(Outcome, Vec<&'l str>)> {
    let find = |p: &dyn Fn(&str) -> bool| output.iter().copied().find(|l| p(l));
    if let Some(l) = find(&|l| l.contains("Didn't find STARTTLS")) {
        return Some((Outcome::NoStartTls, vec![l]));
    }
    let session = find(&|l| l.starts_with("New, ") && l.contains("Cipher is"));
    let error = find(&|l| {
        l.contains(":error:") || has(l, "handshake failure") || l.starts_with("write:errno")
    });
    match session {
        Some(s) if s.contains("(NONE)") => {
            let mut evidence: Vec<&'l str> = error.into_iter().collect();
            evidence.push(s);
            Some((
                Outcome::TlsFailed {
                    detail: error.map(str::to_owned),
                },
                evidence,
            ))
        }
        Some(s) => {
            let verify = find(&|l| l.starts_with("Verify return code:"));
            match verify {
                Some(v) if !v.starts_with("Verify return code: 0 ") => {
                    let detail = v
                        .split_once('(')
                        .map_or(v, |(_, d)| d.trim_end_matches(')'));
                    Some((
                        Outcome::CertificateProblem {
                            detail: detail.to_owned(),
                        },
                        vec![s, v],
                    ))
                }
                _ => Some((
                    Outcome::Tls {
                        session: Some(s.to_owned()),
                    },
                    [Some(s), verify].into_iter().flatten().collect(),
                )),
            }
        }
        None => error.map(|e| {
            (
                Outcome::TlsFailed {
                    detail: Some(e.to_owned()),
                },
                vec![e],
            )
        }),
    }
}
