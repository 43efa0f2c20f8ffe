//! A throwaway Postfix for the tests that need a real one: its own
//! configuration, queue and data directories in a temporary directory,
//! Debian's master.cf without its port-25 listener and without chroot (a
//! chroot would need copies of system files), started with
//! `postfix -c DIR start` as root. [`Postfix`]'s `Drop` stops it again, also
//! when an assertion panics, kills the master if `stop` did not work, and
//! removes the directory. Shared by `postfix_starttls.rs` and
//! `egress_mail.rs`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A running throwaway Postfix; stopped and removed on drop.
pub(crate) struct Postfix {
    /// Its configuration directory (`-c`), holding the queue and the log.
    pub(crate) dir: PathBuf,
}

impl Postfix {
    /// Writes main.cf (the directories, the log, IPv4 on 127.0.0.1, no
    /// local delivery, then `main_cf`) and master.cf (the stock services,
    /// then `services`) into `dir`, and starts the master.
    pub(crate) fn start(dir: &Path, main_cf: &str, services: &str) -> Postfix {
        let queue = dir.join("queue");
        let data = dir.join("data");
        std::fs::create_dir_all(&queue).unwrap();
        std::fs::create_dir_all(&data).unwrap();
        // The master writes its lock and state there as the postfix user.
        let status = Command::new("chown")
            .args(["postfix", data.to_str().unwrap()])
            .status()
            .unwrap();
        assert!(status.success(), "chown postfix {}", data.display());
        let d = dir.display();
        std::fs::write(
            dir.join("main.cf"),
            format!(
                "compatibility_level = 3.6\n\
                 queue_directory = {d}/queue\n\
                 data_directory = {d}/data\n\
                 mail_owner = postfix\n\
                 mydestination =\n\
                 alias_maps =\n\
                 alias_database =\n\
                 # Postfix insists that inet_interfaces names configured\n\
                 # addresses; services may bind their own 127.x.y.z.\n\
                 inet_interfaces = 127.0.0.1\n\
                 inet_protocols = ipv4\n\
                 maillog_file_prefixes = {d}\n\
                 maillog_file = {d}/maillog\n\
                 {main_cf}"
            ),
        )
        .unwrap();
        let stock = std::fs::read_to_string("/etc/postfix/master.cf")
            .expect("/etc/postfix/master.cf: is Postfix installed?");
        let mut master_cf = String::new();
        for line in stock.lines() {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let is_service = !line.starts_with([' ', '\t', '#']) && fields.len() >= 8;
            if is_service && fields[0] == "smtp" && fields[1] == "inet" {
                continue;
            }
            if is_service && fields[4] == "y" {
                let mut fields = fields.clone();
                fields[4] = "n";
                master_cf.push_str(&fields.join(" "));
            } else {
                master_cf.push_str(line);
            }
            master_cf.push('\n');
        }
        master_cf.push_str(services);
        std::fs::write(dir.join("master.cf"), master_cf).unwrap();
        let postfix = Postfix {
            dir: dir.to_owned(),
        };
        let output = postfix.command("start");
        assert!(
            output.status.success(),
            "postfix start failed: {}{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            postfix.log()
        );
        postfix
    }

    /// Runs `postfix -c DIR WHAT`.
    pub(crate) fn command(&self, what: &str) -> Output {
        Command::new("/usr/sbin/postfix")
            .arg("-c")
            .arg(&self.dir)
            .arg(what)
            .output()
            .unwrap()
    }

    /// Its log so far.
    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("maillog")).unwrap_or_default()
    }

    fn master_pid(&self) -> Option<String> {
        let pid = std::fs::read_to_string(self.dir.join("queue/pid/master.pid")).ok()?;
        let pid = pid.trim().to_owned();
        Path::new(&format!("/proc/{pid}")).exists().then_some(pid)
    }
}

impl Drop for Postfix {
    fn drop(&mut self) {
        let pid = self.master_pid();
        let _ = self.command("stop");
        if let Some(pid) = pid {
            let until = Instant::now() + Duration::from_secs(5);
            while Path::new(&format!("/proc/{pid}")).exists() && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(50));
            }
            if Path::new(&format!("/proc/{pid}")).exists() {
                let _ = Command::new("kill").args(["-KILL", &pid]).status();
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
