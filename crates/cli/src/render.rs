//! The three output formats of `port25 relay-config`: readable text, JSON,
//! and files written into a directory. The generator's output is shown as it
//! is; nothing here changes a file's contents or a command.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context};
use port25_core::relay_config::{Output, Stamp};
use serde::Serialize;

/// The files, the steps and the notes, in that order, each under a
/// `=====` heading line; file contents and commands appear verbatim.
pub(crate) fn text(output: &Output) -> String {
    let mut text = String::new();
    let count = output.files.len();
    for (i, file) in output.files.iter().enumerate() {
        let mut about = format!("mode {:o}", file.mode);
        if file.is_fragment {
            about.push_str("; settings to merge into the existing file");
        }
        if file.is_secret {
            about.push_str("; holds the password");
        }
        text.push_str(&format!(
            "===== File {} of {count}: {} ({about})\n{}\n",
            i + 1,
            file.path,
            file.contents
        ));
    }
    text.push_str("===== Steps, as root, in this order\n\n");
    for (i, command) in output.commands.iter().enumerate() {
        text.push_str(&format!(
            "# {}. {}\n{}\n\n",
            i + 1,
            command.description,
            command.shell
        ));
    }
    if !output.notes.is_empty() {
        text.push_str("===== Notes\n\n");
        for note in &output.notes {
            text.push_str(&format!("- {note}\n"));
        }
    }
    text
}

#[derive(Serialize)]
struct Json<'a> {
    stamp: &'a Stamp,
    #[serde(flatten)]
    output: &'a Output,
}

/// `{"stamp": ..., "files": [...], "commands": [...], "notes": [...]}`.
pub(crate) fn json(stamp: &Stamp, output: &Output) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(&Json { stamp, output })?)
}

/// The steps as a bash script: each command under its description.
fn steps_script(output: &Output) -> String {
    let mut script = String::from(
        "#!/bin/bash\n# The steps of this relay configuration, in order; run as root.\nset -e\n",
    );
    for command in &output.commands {
        script.push_str(&format!("\n# {}\n{}\n", command.description, command.shell));
    }
    script
}

/// `dir` joined with an absolute generated path (`/etc/x` -> `dir/etc/x`).
fn under(dir: &Path, path: &str) -> anyhow::Result<PathBuf> {
    let relative = Path::new(path.trim_start_matches('/'));
    if !relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        bail!("unexpected path {path:?}");
    }
    Ok(dir.join(relative))
}

fn write_one(path: &Path, contents: &str, mode: u32, force: bool) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    let mut options = OpenOptions::new();
    options.write(true).mode(mode);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = options.open(path).with_context(|| {
        if path.exists() && !force {
            format!("{} exists; --force replaces it", path.display())
        } else {
            format!("creating {}", path.display())
        }
    })?;
    // The umask narrows the mode at creation and an existing file keeps its
    // own, so set it explicitly.
    file.set_permissions(std::fs::Permissions::from_mode(mode))?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}

/// Writes every file under `dir` with its mode, and `dir/steps.sh` (mode
/// 600: its here-documents carry the password); returns the paths written.
pub(crate) fn write_files(
    dir: &Path,
    output: &Output,
    force: bool,
) -> anyhow::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for file in &output.files {
        let path = under(dir, &file.path)?;
        write_one(&path, &file.contents, file.mode, force)?;
        written.push(path);
    }
    let steps = dir.join("steps.sh");
    write_one(&steps, &steps_script(output), 0o600, force)?;
    written.push(steps);
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_under_the_directory() {
        let dir = Path::new("/tmp/out");
        assert_eq!(
            under(dir, "/etc/postfix/main.cf").unwrap(),
            Path::new("/tmp/out/etc/postfix/main.cf")
        );
        assert!(under(dir, "/etc/../../root").is_err());
        assert!(under(dir, "/etc/./x").is_ok(), "Path drops `.` components");
    }
}
