//! POSIX shell quoting for the generated commands.
//!
//! Secrets reach files through quoted here-documents ([`write_file`]), which
//! the shell copies byte for byte; [`shell_quote`] makes any other word safe.
//! This module builds command text; it never runs anything.

use super::{Command, GeneratedFile};

/// Quotes `word` so a POSIX shell reads it back as exactly one word with
/// exactly these characters.
///
/// Words made only of characters no shell treats specially
/// (`A-Z a-z 0-9 _ @ % + = : , . / -`) are returned as they are; anything
/// else is wrapped in single quotes, with each `'` written as `'\''` (close
/// the quote, an escaped quote, reopen). Inside single quotes nothing is
/// special, so `"`, `$`, `` ` ``, `\`, `!`, spaces, `#` and non-ASCII text
/// are carried literally. The empty word becomes `''`.
pub fn shell_quote(word: &str) -> String {
    let is_plain = |c: char| c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c);
    if !word.is_empty() && word.chars().all(is_plain) {
        return word.to_owned();
    }
    let mut quoted = String::with_capacity(word.len() + 2);
    quoted.push('\'');
    for c in word.chars() {
        if c == '\'' {
            quoted.push_str("'\\''");
        } else {
            quoted.push(c);
        }
    }
    quoted.push('\'');
    quoted
}

/// The first step of every procedure: new files private to root from the
/// start, and no shell history for the steps that carry the password.
///
/// Bash saves a here-document's body in `~/.bash_history` along with the
/// command, and with bracketed paste (bash 5.1 and later) a pasted block is
/// saved before any of it runs, so history is turned off in a step of its
/// own, before the blocks that hold secrets. `command` keeps shells without
/// a `history` option (dash) from stopping a script at this line.
pub(crate) fn begin_private() -> Command {
    Command {
        description: "Run this step on its own first: new files become private to root \
                      (umask 077), and bash stops saving commands to its history, because \
                      the next steps carry the password."
            .into(),
        shell: format!("umask 077\n{HISTORY_OFF}"),
    }
}

/// The step after the last one that carries a secret: history back on.
pub(crate) fn end_private() -> Command {
    Command {
        description: "Turn the shell history back on.".into(),
        shell: HISTORY_ON.into(),
    }
}

/// The description of the step that writes `file` with [`write_file`].
pub(crate) fn write_description(file: &GeneratedFile) -> String {
    if file.is_secret {
        format!(
            "Write {} (it holds the password; instead of pasting, you can also open it in an \
             editor and paste the file's contents).",
            file.path
        )
    } else {
        format!("Write {}.", file.path)
    }
}

/// Turns bash's history off; a no-op elsewhere.
pub(crate) const HISTORY_OFF: &str = "command set +o history 2>/dev/null";
/// Turns bash's history back on; a no-op elsewhere.
pub(crate) const HISTORY_ON: &str = "command set -o history 2>/dev/null";

/// The here-document terminator: a word no generated file has as a line.
const TERMINATOR: &str = "PORT25_EOF";

/// A command that writes `contents` to `path` through a quoted
/// here-document (`cat > path <<'PORT25_EOF'`).
///
/// The quoted terminator turns off every expansion, so the file receives the
/// text exactly, secrets included, and no secret appears as a command-line
/// argument (where `ps` would show it). `contents` must end with a newline
/// and hold no line equal to the terminator; callers guarantee both (secrets
/// cannot contain newlines), and a debug assertion checks it.
pub(crate) fn write_file(path: &str, contents: &str) -> String {
    debug_assert!(contents.ends_with('\n'));
    debug_assert!(contents.lines().all(|l| l != TERMINATOR));
    format!(
        "cat > {} <<'{TERMINATOR}'\n{contents}{TERMINATOR}",
        shell_quote(path)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_stay_plain() {
        assert_eq!(
            shell_quote("/etc/postfix/sasl_passwd"),
            "/etc/postfix/sasl_passwd"
        );
        assert_eq!(
            shell_quote("relayhost=[a.b]:587"),
            "'relayhost=[a.b]:587'",
            "brackets are glob characters"
        );
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }

    #[test]
    fn heredoc_shape() {
        let cmd = write_file("/etc/x", "a\n");
        assert_eq!(cmd, "cat > /etc/x <<'PORT25_EOF'\na\nPORT25_EOF");
    }
}
