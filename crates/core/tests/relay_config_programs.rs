//! Every generated relay configuration, checked by the real programs:
//! Postfix, Exim 4 (Debian's update-exim4.conf), OpenSMTPD and msmtp.
//!
//! Ignored by default because it needs the programs installed; run it with
//! `scripts/validate-relay-configs.sh`, which installs them and then runs
//! `cargo test -p port25-core --test relay_config_programs -- --ignored`.
//! Nothing connects anywhere: each check parses files in a temporary
//! directory. Where a program insists on a fixed path, the test points the
//! path into the temporary directory and says so below.

mod relay_config_support;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use port25_core::relay_config::{shell_quote, Mta, Output};
use relay_config_support::*;

/// Appended to the test copies of main.cf (see check_postfix).
const PINNED_HOSTNAME: &str = "myhostname = relay-test.example\n";

/// Passed to every exim call: the template then sets primary_hostname
/// instead of asking DNS for this machine's name.
const EXIM_HOSTNAME: &str = "-DMAIN_HARDCODE_PRIMARY_HOSTNAME=relay-test.example";

/// What one worker has already checked, so identical program input is not
/// checked twice.
#[derive(Default)]
struct Memo {
    /// The worker's scratch directory.
    dir: PathBuf,
    /// main.cf texts checked with postconf.
    postfix_main: HashSet<String>,
    /// main.cf shapes checked with postfix check.
    postfix_shapes: HashSet<String>,
    /// Built exim4.conf files by their input text.
    exim_configs: HashMap<String, PathBuf>,
}

struct Tools {
    mta_root: PathBuf,
    update_exim4_conf: PathBuf,
    template: PathBuf,
}

impl Tools {
    fn exim4(&self) -> PathBuf {
        self.mta_root.join("usr/sbin/exim4")
    }

    fn smtpd(&self) -> PathBuf {
        self.mta_root.join("usr/sbin/smtpd")
    }
}

/// Runs a program and returns (success, stdout, stderr).
fn run_program(program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> (bool, String, String) {
    let program = program.as_ref();
    let out = Process::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program:?}: {e}"));
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Writes a file and dates it a minute back: Postfix waits until a
/// configuration file or table is a second old before trusting it (it might
/// still be being written), which would add seconds to every check.
fn write(path: &Path, contents: &str, mode: u32) {
    fs::write(path, contents).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    age(path);
}

fn age(path: &Path) {
    let past = SystemTime::now() - Duration::from_secs(60);
    fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(past))
        .unwrap();
}

fn contents<'a>(output: &'a Output, path: &str) -> &'a str {
    &output
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap()
        .contents
}

fn setup(work: &Path) -> Tools {
    let mta_root = std::env::var_os("PORT25_MTA_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache/port25/mta-root")
        });
    for needed in [
        Path::new("/usr/sbin/postconf"),
        Path::new("/usr/sbin/postfix"),
        Path::new("/usr/bin/msmtp"),
        &mta_root.join("usr/sbin/exim4"),
        &mta_root.join("usr/sbin/smtpd"),
    ] {
        assert!(
            needed.exists(),
            "{} is missing: run scripts/validate-relay-configs.sh",
            needed.display()
        );
    }
    // update-exim4.conf reads macros from exim4.conf.localmacros in its -d
    // directory only if /etc/exim4/exim4.conf.localmacros exists, and reads
    // /etc/mailname; both tests are pointed at the -d directory. Nothing
    // else in Debian's script changes.
    let script = fs::read_to_string(mta_root.join("usr/sbin/update-exim4.conf")).unwrap();
    let patched = script
        .replace(
            "[ -e \"/etc/exim4/exim4.conf.localmacros\" ]",
            "[ -e \"${UPEX4C_confdir}/exim4.conf.localmacros\" ]",
        )
        .replace("< /etc/mailname", "< \"${UPEX4C_confdir}/mailname\"");
    assert_ne!(
        script, patched,
        "update-exim4.conf changed shape; review the patch"
    );
    let update_exim4_conf = work.join("update-exim4.conf");
    write(&update_exim4_conf, &patched, 0o755);
    Tools {
        template: mta_root.join("etc/exim4/exim4.conf.template"),
        update_exim4_conf,
        mta_root,
    }
}

fn versions(tools: &Tools) -> Vec<String> {
    let (_, postfix, _) = run_program("/usr/sbin/postconf", &["-d", "-h", "mail_version"]);
    let (_, _, smtpd) = run_program(tools.smtpd(), &["-h"]);
    let (_, msmtp, _) = run_program("/usr/bin/msmtp", &["--version"]);
    let (_, exim, _) = run_program(tools.exim4(), &["-C", "/dev/null", "-bV"]);
    vec![
        format!("Postfix {}", postfix.trim()),
        exim.lines().next().unwrap_or("exim: unknown").to_owned(),
        smtpd
            .lines()
            .find(|l| l.starts_with("version:"))
            .unwrap_or("smtpd: unknown")
            .to_owned(),
        msmtp.lines().next().unwrap_or("msmtp: unknown").to_owned(),
    ]
}

fn check_postfix(dir: &Path, case: &Case, output: &Output, memo: &mut Memo) {
    let main = contents(output, "/etc/postfix/main.cf");
    // The test copies pin myhostname: otherwise Postfix asks DNS for this
    // machine's name (seconds of timeouts, and no network is allowed here).
    write(
        &dir.join("main.cf"),
        &format!("{main}{PINNED_HOSTNAME}"),
        0o644,
    );
    fs::copy("/etc/postfix/master.cf", dir.join("master.cf")).unwrap();
    age(&dir.join("master.cf"));
    let d = dir.to_str().unwrap();
    // Identical main.cf text (the credentials change only sasl_passwd) is
    // checked once; the tables below are checked for every combination.
    if memo.postfix_main.insert(main.to_owned()) {
        check_postfix_main(dir, case, output, memo);
    }
    check_postfix_tables(dir, d, case, output);
}

fn check_postfix_main(dir: &Path, case: &Case, output: &Output, memo: &mut Memo) {
    let main = contents(output, "/etc/postfix/main.cf");
    let d = dir.to_str().unwrap();

    // postconf -n: every setting is known and reads back unchanged.
    let (ok, stdout, stderr) = run_program("/usr/sbin/postconf", &["-c", d, "-n"]);
    assert!(
        ok && stderr.is_empty(),
        "{}: postconf -n: {stderr}",
        case.name
    );
    for line in data_lines(main) {
        assert!(
            stdout.lines().any(|l| l == line),
            "{}: postconf lost {line}",
            case.name
        );
    }
    // postfix check: the whole configuration, as the daemon would see it.
    // It takes two seconds (it inspects the queue and every daemon), so it
    // runs once per shape of main.cf: the same settings with any relay host.
    let shape: Vec<&str> = data_lines(main)
        .into_iter()
        .map(|l| {
            if l.starts_with("relayhost = ") {
                "relayhost"
            } else {
                l
            }
        })
        .collect();
    if memo.postfix_shapes.insert(shape.join("\n")) {
        let (ok, _, stderr) = run_program("/usr/sbin/postfix", &["-c", d, "check"]);
        assert!(
            ok && stderr.is_empty(),
            "{}: postfix check: {stderr}",
            case.name
        );
    }

    // The generated postconf -e command, run by bash against Debian's
    // default main.cf, yields the same settings.
    let merged = dir.join("merged");
    fs::create_dir_all(&merged).unwrap();
    let debian = fs::read_to_string("/usr/share/postfix/main.cf.debian").unwrap();
    write(
        &merged.join("main.cf"),
        &format!("{debian}{PINNED_HOSTNAME}"),
        0o644,
    );
    fs::copy("/etc/postfix/master.cf", merged.join("master.cf")).unwrap();
    age(&merged.join("master.cf"));
    let postconf = output
        .commands
        .iter()
        .find(|c| c.shell.starts_with("postconf -e"))
        .unwrap();
    let m = merged.to_str().unwrap();
    let script = postconf.shell.replacen(
        "postconf -e",
        &format!("postconf -c {} -e", shell_quote(m)),
        1,
    );
    let (ok, _, stderr) = run_program("bash", &["-c", &script]);
    assert!(
        ok && stderr.is_empty(),
        "{}: postconf -e: {stderr}",
        case.name
    );
    age(&merged.join("main.cf"));
    let (_, stdout, stderr) = run_program("/usr/sbin/postconf", &["-c", m, "-n"]);
    assert!(
        stderr.is_empty(),
        "{}: merged postconf -n: {stderr}",
        case.name
    );
    for line in data_lines(main) {
        assert!(
            stdout.lines().any(|l| l == line),
            "{}: merge lost {line}",
            case.name
        );
    }
}

fn check_postfix_tables(dir: &Path, d: &str, case: &Case, output: &Output) {
    // postmap builds the tables, and a lookup returns exactly user:password.
    for name in ["sasl_passwd", "sender_relay"] {
        let Some(file) = output
            .files
            .iter()
            .find(|f| f.path == format!("/etc/postfix/{name}"))
        else {
            continue;
        };
        let path = dir.join(name);
        write(&path, &file.contents, 0o600);
        let map = format!("hash:{}", path.display());
        let (ok, _, stderr) = run_program("/usr/sbin/postmap", &["-c", d, &map]);
        assert!(
            ok && stderr.is_empty(),
            "{}: postmap {name}: {stderr}",
            case.name
        );
        age(&dir.join(format!("{name}.db")));
        for line in data_lines(&file.contents) {
            let (key, value) = line.split_once(' ').unwrap();
            let (ok, got, stderr) = run_program("/usr/sbin/postmap", &["-c", d, "-q", key, &map]);
            assert!(ok, "{}: postmap -q {key}: {stderr}", case.name);
            assert_eq!(got.strip_suffix('\n').unwrap(), value, "{}", case.name);
            if name == "sasl_passwd" {
                // Postfix splits the value at the first colon.
                let (user, pass) = value.split_once(':').unwrap();
                let (_, want_user, want_pass) = parse_postfix_sasl(line);
                assert_eq!((user, pass), (want_user.as_str(), want_pass.as_str()));
            }
        }
    }
}

fn check_exim(dir: &Path, tools: &Tools, case: &Case, output: &Output, memo: &mut Memo) {
    let conf = contents(output, "/etc/exim4/update-exim4.conf.conf");
    let macros = contents(output, "/etc/exim4/exim4.conf.localmacros");
    let passwd = contents(output, "/etc/exim4/passwd.client");
    write(&dir.join("passwd.client"), passwd, 0o644);
    let (want_host, want_user, want_pass) =
        parse_exim_passwd_client(data_lines(passwd).first().unwrap());

    // update-exim4.conf, -bV and -bP run once per distinct pair of input
    // files (the credentials change only passwd.client); the built
    // configuration is kept for the password checks below.
    let key = format!("{conf}\0{macros}");
    let built = match memo.exim_configs.get(&key) {
        Some(path) => path.clone(),
        None => {
            let conf_dir = memo.dir.join(format!("exim-{}", memo.exim_configs.len()));
            fs::create_dir_all(&conf_dir).unwrap();
            fs::copy(&tools.template, conf_dir.join("exim4.conf.template")).unwrap();
            write(&conf_dir.join("mailname"), "relay-test.example\n", 0o644);
            write(&conf_dir.join("update-exim4.conf.conf"), conf, 0o644);
            write(&conf_dir.join("exim4.conf.localmacros"), macros, 0o644);
            let out = conf_dir.join("exim4.conf");
            check_exim_config(&conf_dir, &out, tools, case, &want_host);
            memo.exim_configs.insert(key, out.clone());
            out
        }
    };

    // The credentials, read back by Exim itself with the expressions of
    // Debian's PLAIN/LOGIN authenticators (without the ^ doubling, which
    // only matters on the wire).
    let lookup = format!(
        "${{lookup{{{want_host}}}nwildlsearch{{{}}}{{$value}}fail}}",
        dir.join("passwd.client").display()
    );
    let user_expr = format!("${{extract{{1}}{{:}}{{{lookup}}}}}");
    let pass_expr = format!("${{sg{{{lookup}}}{{\\N([^:]+:)(.*)\\N}}{{\\$2}}}}");
    let o = built.to_str().unwrap();
    for (expr, want) in [(user_expr, want_user), (pass_expr, want_pass)] {
        let (ok, got, stderr) = run_program(tools.exim4(), &[EXIM_HOSTNAME, "-C", o, "-be", &expr]);
        assert!(ok, "{}: exim -be: {stderr}", case.name);
        assert_eq!(got.strip_suffix('\n').unwrap(), want, "{}", case.name);
    }
}

/// Builds exim4.conf with update-exim4.conf and has Exim parse and print it.
fn check_exim_config(conf_dir: &Path, out: &Path, tools: &Tools, case: &Case, host: &str) {
    let (d, o) = (conf_dir.to_str().unwrap(), out.to_str().unwrap());
    let (ok, _, stderr) = run_program(&tools.update_exim4_conf, &["-d", d, "-o", o]);
    assert!(
        ok && stderr.is_empty(),
        "{}: update-exim4.conf: {stderr}",
        case.name
    );
    let exim = tools.exim4();
    let (ok, stdout, stderr) = run_program(&exim, &[EXIM_HOSTNAME, "-C", o, "-bV"]);
    assert!(
        ok && stdout.contains("Configuration file is") && stderr.is_empty(),
        "{}: exim -bV: {stdout}{stderr}",
        case.name
    );
    let (ok, transport, stderr) = run_program(
        &exim,
        &[
            EXIM_HOSTNAME,
            "-C",
            o,
            "-bP",
            "transport",
            "remote_smtp_smarthost",
        ],
    );
    assert!(ok, "{}: exim -bP transport: {stderr}", case.name);
    assert_eq!(
        transport.contains("protocol = smtps"),
        case.implicit_tls,
        "{}: {transport}",
        case.name
    );
    assert!(transport.contains("hosts_require_tls = *"), "{}", case.name);
    let (_, router, _) = run_program(
        &exim,
        &[EXIM_HOSTNAME, "-C", o, "-bP", "router", "smarthost"],
    );
    let route = format!("route_list = * {host}::{} byname", case.options.port);
    assert!(router.contains(&route), "{}: {router}", case.name);
}

fn check_opensmtpd(dir: &Path, tools: &Tools, case: &Case, output: &Output) {
    // The tables are pointed into the temporary directory, so the check
    // neither needs nor reads /etc/mail/secrets or /etc/aliases.
    let secrets = dir.join("secrets");
    let aliases = dir.join("aliases");
    write(&secrets, contents(output, "/etc/mail/secrets"), 0o600);
    write(&aliases, "postmaster: root\n", 0o644);
    let conf = contents(output, "/etc/smtpd.conf")
        .replace(
            "file:/etc/mail/secrets",
            &format!("file:{}", secrets.display()),
        )
        .replace("file:/etc/aliases", &format!("file:{}", aliases.display()));
    let file = dir.join("smtpd.conf");
    write(&file, &conf, 0o644);
    let (ok, stdout, stderr) = run_program(tools.smtpd(), &["-n", "-f", file.to_str().unwrap()]);
    assert!(
        ok && format!("{stdout}{stderr}").trim() == "configuration OK",
        "{}: smtpd -n: {stdout}{stderr}",
        case.name
    );
}

fn check_msmtp(dir: &Path, case: &Case, output: &Output) {
    let password = dir.join("password");
    write(
        &password,
        contents(output, "/etc/msmtp-port25.password"),
        0o600,
    );
    let rc = contents(output, "/etc/msmtprc")
        .replace("/etc/msmtp-port25.password", password.to_str().unwrap());
    let file = dir.join("msmtprc");
    write(&file, &rc, 0o600);
    let (ok, stdout, stderr) = run_program(
        "/usr/bin/msmtp",
        &["-C", file.to_str().unwrap(), "--pretend"],
    );
    assert!(ok, "{}: msmtp --pretend: {stderr}", case.name);
    let setting = |name: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name} = ")))
            .unwrap_or_else(|| panic!("{}: no {name} in {stdout}", case.name))
            .to_owned()
    };
    let user_line = rc.lines().find(|l| l.starts_with("user ")).unwrap();
    assert_eq!(
        setting("user"),
        parse_msmtp_value(&user_line["user ".len()..])
    );
    assert_eq!(setting("port"), case.options.port.to_string());
    assert_eq!(setting("tls"), "on");
    assert_eq!(
        setting("tls_starttls"),
        if case.implicit_tls { "off" } else { "on" }
    );
    // `auth on` lets msmtp choose the method, which --pretend calls "choose".
    assert_eq!(setting("auth"), "choose");
    // Run the passwordeval command as msmtp would and compare.
    let eval = setting("passwordeval");
    let (ok, got, _) = run_program("sh", &["-c", &eval]);
    assert!(ok);
    let want = contents(output, "/etc/msmtp-port25.password");
    assert_eq!(got, want, "{}", case.name);
    if let Some(from) = &case.options.rewrite_sender {
        assert_eq!(&setting("from"), from);
    }
}

#[test]
#[ignore = "needs Postfix, Exim, OpenSMTPD and msmtp: run scripts/validate-relay-configs.sh"]
fn real_programs_accept_every_combination() {
    let work = std::env::temp_dir().join(format!("port25-relay-programs-{}", std::process::id()));
    fs::create_dir_all(&work).unwrap();
    let tools = setup(&work);
    let relays = relays();
    let cases = all_cases(&relays);
    let counts: [AtomicUsize; 4] = Default::default();
    let postfix_shapes = Mutex::new(HashSet::new());
    // A few workers: each case is a handful of short program runs.
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
    let chunk = cases.len().div_ceil(workers);
    std::thread::scope(|scope| {
        for (w, slice) in cases.chunks(chunk).enumerate() {
            let (tools, relays, work, counts) = (&tools, &relays, &work, &counts);
            let postfix_shapes = &postfix_shapes;
            scope.spawn(move || {
                let mut memo = Memo {
                    dir: work.join(format!("worker-{w}")),
                    ..Memo::default()
                };
                for (i, case) in slice.iter().enumerate() {
                    let output = run(relays, &case.options);
                    let dir = memo.dir.join(format!("case-{i}"));
                    fs::create_dir_all(&dir).unwrap();
                    match case.options.mta {
                        Mta::Postfix => check_postfix(&dir, case, &output, &mut memo),
                        Mta::Exim4 => check_exim(&dir, tools, case, &output, &mut memo),
                        Mta::Opensmtpd => check_opensmtpd(&dir, tools, case, &output),
                        Mta::Msmtp => check_msmtp(&dir, case, &output),
                    }
                    let index = Mta::ALL
                        .iter()
                        .position(|m| *m == case.options.mta)
                        .unwrap();
                    counts[index].fetch_add(1, Ordering::Relaxed);
                    fs::remove_dir_all(&dir).unwrap();
                }
                postfix_shapes.lock().unwrap().extend(memo.postfix_shapes);
            });
        }
    });
    let versions = versions(&tools);
    fs::remove_dir_all(&work).unwrap();
    println!("validated {} combinations:", cases.len());
    for (mta, count) in Mta::ALL.iter().zip(&counts) {
        println!("  {:<16} {}", mta.name(), count.load(Ordering::Relaxed));
    }
    println!(
        "(postfix check ran for each of {} distinct main.cf shapes; postconf and \
         update-exim4.conf + exim -bV once per distinct configuration text; postmap, \
         exim -be, smtpd -n and msmtp --pretend for every combination)",
        postfix_shapes.lock().unwrap().len()
    );
    println!("with:");
    for version in versions {
        println!("  {version}");
    }
}
