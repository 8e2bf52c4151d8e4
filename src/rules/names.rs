//! Names the restore dialogs ask for, checked as the API checks them, so a bad name is caught at
//! the field instead of by a failed request.
//!
//! - The new cluster of Restore Cluster Backup (docs/api-contract.md §2.5, error 96010: "letters,
//!   digits, hyphens"): the simulator's `valid_cluster_name` (server/src/sim/backups.rs) allows
//!   1–64 ASCII letters, digits and hyphens, hyphens anywhere (also first or last).
//! - The target collection of Restore Collection Backup (§2.6): Milvus's rule as the simulator's
//!   `valid_collection_name` has it: an ASCII letter or underscore, then ASCII letters, digits
//!   and underscores, 255 at most.
//!
//! The simulator trims surrounding whitespace before it checks, so these do too; the dialogs send
//! the trimmed name (`name.trim()`).

use std::fmt;

pub const CLUSTER_NAME_MAX: usize = 64;
pub const COLLECTION_NAME_MAX: usize = 255;

/// Shown under the cluster name field.
pub const CLUSTER_NAME_RULE: &str = "Use 1 to 64 letters (a–z, A–Z), digits and hyphens.";
/// Shown under the collection name field.
pub const COLLECTION_NAME_RULE: &str =
    "Start with a letter or an underscore, then use letters (a–z, A–Z), digits and underscores; 255 at most.";

/// Prefix of the suggested target collection name.
const RESTORE_PREFIX: &str = "restore_";
/// Longest piece of the name echoed in a message.
const MAX_ECHO_CHARS: usize = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameKind {
    Cluster,
    Collection,
}

impl NameKind {
    /// The rule text for this kind of name.
    pub fn rule(self) -> &'static str {
        match self {
            NameKind::Cluster => CLUSTER_NAME_RULE,
            NameKind::Collection => COLLECTION_NAME_RULE,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            NameKind::Cluster => "cluster",
            NameKind::Collection => "collection",
        }
    }
}

/// What is wrong with a name. `Display` says what is wrong, then the rule:
/// "'my cluster' has a space. Use 1 to 64 letters (a–z, A–Z), digits and hyphens."
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameError {
    /// Nothing but whitespace.
    Empty(NameKind),
    /// A character the rule does not allow (the first one found).
    Disallowed { kind: NameKind, name: String, ch: char },
    /// A collection name starting with a digit (the other characters are fine).
    BadStart { kind: NameKind, name: String, ch: char },
    /// Longer than the maximum; `len` counts characters (all ASCII by then).
    TooLong { kind: NameKind, len: usize },
}

impl NameError {
    pub fn kind(&self) -> NameKind {
        match self {
            NameError::Empty(kind)
            | NameError::Disallowed { kind, .. }
            | NameError::BadStart { kind, .. }
            | NameError::TooLong { kind, .. } => *kind,
        }
    }
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameError::Empty(kind) => write!(f, "Enter a {} name.", kind.noun())?,
            NameError::Disallowed { name, ch, .. } => write!(f, "'{}' has {}.", echo(name), describe(*ch))?,
            NameError::BadStart { name, ch, .. } => write!(f, "'{}' starts with {}.", echo(name), describe(*ch))?,
            NameError::TooLong { len, .. } => write!(f, "The name has {len} characters.")?,
        }
        write!(f, " {}", self.kind().rule())
    }
}

impl std::error::Error for NameError {}

/// The new cluster's name for Restore Cluster Backup: 1–64 ASCII letters, digits and hyphens.
pub fn check_cluster_name(name: &str) -> Result<(), NameError> {
    check(name, NameKind::Cluster, CLUSTER_NAME_MAX, |c| c.is_ascii_alphanumeric() || c == '-')
}

/// The target collection's name for Restore Collection Backup: an ASCII letter or underscore,
/// then ASCII letters, digits and underscores, at most 255.
pub fn check_collection_name(name: &str) -> Result<(), NameError> {
    let kind = NameKind::Collection;
    check(name, kind, COLLECTION_NAME_MAX, |c| c.is_ascii_alphanumeric() || c == '_')?;
    // Every character is allowed by now, so only a digit can be a bad start.
    match name.trim().chars().next() {
        Some(ch) if ch.is_ascii_digit() => Err(NameError::BadStart { kind, name: name.trim().to_owned(), ch }),
        _ => Ok(()),
    }
}

/// The characters first, then the length: a name with an accent is told about the accent, not
/// about a byte count it cannot see.
fn check(name: &str, kind: NameKind, max: usize, allowed: impl Fn(char) -> bool) -> Result<(), NameError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(NameError::Empty(kind));
    }
    if let Some(ch) = name.chars().find(|&c| !allowed(c)) {
        return Err(NameError::Disallowed { kind, name: name.to_owned(), ch });
    }
    // All ASCII here, so bytes are characters (the simulator counts bytes).
    if name.len() > max {
        return Err(NameError::TooLong { kind, len: name.len() });
    }
    Ok(())
}

/// The suggested target collection name, `restore_<collection>`, cut to 255 bytes so it stays
/// valid for a valid (ASCII) source name; a cut never splits a character.
pub fn default_restore_name(collection: &str) -> String {
    let mut s = format!("{RESTORE_PREFIX}{}", collection.trim());
    if s.len() > COLLECTION_NAME_MAX {
        let cut = (0..=COLLECTION_NAME_MAX).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
        s.truncate(cut);
    }
    s
}

/// A character as a person would name it in "has …".
fn describe(ch: char) -> String {
    match ch {
        ' ' => "a space".to_owned(),
        '\t' => "a tab".to_owned(),
        '\n' | '\r' => "a line break".to_owned(),
        '-' => "a hyphen".to_owned(),
        '_' => "an underscore".to_owned(),
        '0'..='9' => "a digit".to_owned(),
        c if c.is_whitespace() => "a blank space".to_owned(),
        c if c.is_control() => "a control character".to_owned(),
        c => format!("'{c}'"),
    }
}

/// The name as quoted in a message: control characters shown escaped, long names cut with "…".
fn echo(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if i == MAX_ECHO_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(r: Result<(), NameError>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn cluster_names_the_simulator_accepts() {
        for ok in ["a", "A", "7", "-", "my-cluster", "Dedicated-01", "-lead", "trail-", "a--b", "0abc", "ABCxyz123"] {
            assert_eq!(check_cluster_name(ok), Ok(()), "{ok:?}");
        }
        assert_eq!(check_cluster_name(&"a".repeat(64)), Ok(()));
        // Surrounding whitespace is trimmed, as the simulator does.
        assert_eq!(check_cluster_name("  my-cluster\t"), Ok(()));
    }

    #[test]
    fn cluster_names_the_simulator_refuses() {
        assert_eq!(check_cluster_name(""), Err(NameError::Empty(NameKind::Cluster)));
        assert_eq!(check_cluster_name("   "), Err(NameError::Empty(NameKind::Cluster)));
        assert_eq!(check_cluster_name(&"a".repeat(65)), Err(NameError::TooLong { kind: NameKind::Cluster, len: 65 }));
        for (bad, ch) in [
            ("my cluster", ' '),
            ("my_cluster", '_'),
            ("my.cluster", '.'),
            ("café", 'é'),
            ("集群", '集'),
            ("a\u{0}b", '\u{0}'),
            ("ｆｕｌｌ", 'ｆ'),
            ("a\u{a0}b", '\u{a0}'),
        ] {
            match check_cluster_name(bad) {
                Err(NameError::Disallowed { kind: NameKind::Cluster, ch: c, .. }) => assert_eq!(c, ch, "{bad:?}"),
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn cluster_messages_say_what_is_wrong_and_the_rule() {
        assert_eq!(
            msg(check_cluster_name("my cluster")),
            "'my cluster' has a space. Use 1 to 64 letters (a–z, A–Z), digits and hyphens."
        );
        assert_eq!(
            msg(check_cluster_name("my_cluster")),
            "'my_cluster' has an underscore. Use 1 to 64 letters (a–z, A–Z), digits and hyphens."
        );
        assert_eq!(
            msg(check_cluster_name("café")),
            "'café' has 'é'. Use 1 to 64 letters (a–z, A–Z), digits and hyphens."
        );
        assert_eq!(
            msg(check_cluster_name("")),
            "Enter a cluster name. Use 1 to 64 letters (a–z, A–Z), digits and hyphens."
        );
        assert_eq!(
            msg(check_cluster_name(&"a".repeat(65))),
            "The name has 65 characters. Use 1 to 64 letters (a–z, A–Z), digits and hyphens."
        );
        assert_eq!(
            msg(check_cluster_name("a\u{1}b")),
            format!("'a\\u{{1}}b' has a control character. {CLUSTER_NAME_RULE}")
        );
    }

    #[test]
    fn characters_are_reported_before_length() {
        // 70 characters with a space: the space is what to fix first.
        let name = format!("{} x", "a".repeat(68));
        assert!(matches!(check_cluster_name(&name), Err(NameError::Disallowed { ch: ' ', .. })));
        // 64 accented letters are 128 bytes; the accent is reported, not the bytes.
        assert!(matches!(check_cluster_name(&"é".repeat(64)), Err(NameError::Disallowed { ch: 'é', .. })));
    }

    #[test]
    fn long_names_are_cut_in_messages() {
        let name = format!("{} {}", "a".repeat(100), "b".repeat(100));
        let m = msg(check_cluster_name(&name));
        assert!(m.starts_with(&format!("'{}…' has a space.", "a".repeat(MAX_ECHO_CHARS))), "{m}");
        assert!(m.len() < 200);
    }

    #[test]
    fn collection_names_the_simulator_accepts() {
        for ok in ["a", "_", "_a", "medium_articles", "Restore_01", "A1_b2", "__init__", "x9"] {
            assert_eq!(check_collection_name(ok), Ok(()), "{ok:?}");
        }
        assert_eq!(check_collection_name(&"a".repeat(255)), Ok(()));
        assert_eq!(check_collection_name(&format!("_{}", "1".repeat(254))), Ok(()));
        assert_eq!(check_collection_name(" books "), Ok(()));
    }

    #[test]
    fn collection_names_the_simulator_refuses() {
        assert_eq!(check_collection_name(""), Err(NameError::Empty(NameKind::Collection)));
        assert_eq!(check_collection_name("\n"), Err(NameError::Empty(NameKind::Collection)));
        assert_eq!(
            check_collection_name(&"a".repeat(256)),
            Err(NameError::TooLong { kind: NameKind::Collection, len: 256 })
        );
        assert_eq!(
            check_collection_name("1abc"),
            Err(NameError::BadStart { kind: NameKind::Collection, name: "1abc".into(), ch: '1' })
        );
        assert_eq!(check_collection_name("9").unwrap_err().kind(), NameKind::Collection);
        for (bad, ch) in [
            ("my books", ' '),
            ("my-books", '-'),
            ("books.v2", '.'),
            ("-books", '-'),
            ("livres_été", 'é'),
            ("名前", '名'),
            ("a$b", '$'),
        ] {
            match check_collection_name(bad) {
                Err(NameError::Disallowed { kind: NameKind::Collection, ch: c, .. }) => assert_eq!(c, ch, "{bad:?}"),
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn collection_messages_say_what_is_wrong_and_the_rule() {
        assert_eq!(msg(check_collection_name("1abc")), format!("'1abc' starts with a digit. {COLLECTION_NAME_RULE}"));
        assert_eq!(msg(check_collection_name("my-books")), format!("'my-books' has a hyphen. {COLLECTION_NAME_RULE}"));
        assert_eq!(msg(check_collection_name("my books")), format!("'my books' has a space. {COLLECTION_NAME_RULE}"));
        assert_eq!(msg(check_collection_name(" ")), format!("Enter a collection name. {COLLECTION_NAME_RULE}"));
        assert_eq!(
            msg(check_collection_name(&"a".repeat(300))),
            format!("The name has 300 characters. {COLLECTION_NAME_RULE}")
        );
    }

    #[test]
    fn default_restore_names() {
        assert_eq!(default_restore_name("medium_articles"), "restore_medium_articles");
        assert_eq!(check_collection_name(&default_restore_name("medium_articles")), Ok(()));
        assert_eq!(default_restore_name(" books "), "restore_books");
        // The longest valid source name still gives a valid suggestion.
        let long = "b".repeat(255);
        let d = default_restore_name(&long);
        assert_eq!(d.len(), 255);
        assert!(d.starts_with("restore_bbb"));
        assert_eq!(check_collection_name(&d), Ok(()));
        let edge = "c".repeat(255 - RESTORE_PREFIX.len());
        assert_eq!(default_restore_name(&edge).len(), 255);
        assert_eq!(default_restore_name(&format!("{edge}x")), format!("restore_{edge}"));
        // A cut never splits a character (an invalid source name stays invalid, but no panic).
        let d = default_restore_name(&"é".repeat(200));
        assert!(d.len() <= 255 && d.len() >= 254);
        assert!(d.starts_with("restore_é"));
        assert_eq!(default_restore_name(""), "restore_");
    }

    #[test]
    fn rules_are_sentences() {
        for r in [CLUSTER_NAME_RULE, COLLECTION_NAME_RULE, NameKind::Cluster.rule(), NameKind::Collection.rule()] {
            assert!(r.ends_with('.') && r.starts_with(char::is_uppercase), "{r}");
        }
    }
}
