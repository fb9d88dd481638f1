//! Word-level differences between two texts (two models' responses, or a
//! response and the reference), for the example inspector. The diff runs on
//! tokens with Myers' algorithm (the `similar` crate) under a deadline, so a
//! pathological pair of long texts degrades to a coarser diff instead of
//! stalling the window.

use std::time::{Duration, Instant};

use similar::{Algorithm, DiffTag, capture_diff_slices_deadline};

/// What happened to a piece of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Same,
    /// Only in the first text.
    Removed,
    /// Only in the second text.
    Added,
}

/// A run of text with one change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub change: Change,
    pub text: String,
}

/// A diff, as the two sides (each text with its own changes marked) and as one
/// unified text (removals then additions in place).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordDiff {
    pub left: Vec<Segment>,
    pub right: Vec<Segment>,
    pub unified: Vec<Segment>,
    /// Words only in the first text, only in the second, and in both.
    pub removed: usize,
    pub added: usize,
    pub same: usize,
}

/// Time the diff may take before it settles for a coarser answer.
const DEADLINE: Duration = Duration::from_millis(40);

/// A token: the text compared and the text shown.
struct Token<'a> {
    key: &'a str,
    shown: &'a str,
    word: bool,
}

/// Words and whitespace runs. Ignoring whitespace, a word carries the whitespace
/// after it and is compared without it.
fn tokens(text: &str, ignore_whitespace: bool) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space: Option<bool> = None;
    for (i, c) in text.char_indices() {
        let space = c.is_whitespace();
        match in_space {
            Some(s) if s != space => {
                if !(ignore_whitespace && space) {
                    out.push(&text[start..i]);
                    start = i;
                }
                in_space = Some(space);
                if ignore_whitespace && !space && start != i {
                    // A new word after whitespace: the previous token ends here.
                    out.push(&text[start..i]);
                    start = i;
                }
            }
            None => in_space = Some(space),
            _ => {}
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out.into_iter()
        .map(|shown| {
            let key = if ignore_whitespace {
                shown.trim_end()
            } else {
                shown
            };
            Token {
                key,
                shown,
                word: !key.trim().is_empty(),
            }
        })
        .collect()
}

/// The word-level diff of `a` (first) and `b` (second).
pub fn word_diff(a: &str, b: &str, ignore_whitespace: bool) -> WordDiff {
    let ta = tokens(a, ignore_whitespace);
    let tb = tokens(b, ignore_whitespace);
    let ka: Vec<&str> = ta.iter().map(|t| t.key).collect();
    let kb: Vec<&str> = tb.iter().map(|t| t.key).collect();
    let ops =
        capture_diff_slices_deadline(Algorithm::Myers, &ka, &kb, Some(Instant::now() + DEADLINE));
    let mut d = WordDiff::default();
    let words = |ts: &[Token<'_>]| ts.iter().filter(|t| t.word).count();
    for op in ops {
        let (tag, old, new) = op.as_tag_tuple();
        let (old, new) = (&ta[old], &tb[new]);
        match tag {
            DiffTag::Equal => {
                d.same += words(old);
                push(&mut d.left, Change::Same, old);
                push(&mut d.right, Change::Same, new);
                push(&mut d.unified, Change::Same, new);
            }
            DiffTag::Delete | DiffTag::Insert | DiffTag::Replace => {
                d.removed += words(old);
                d.added += words(new);
                push(&mut d.left, Change::Removed, old);
                push(&mut d.right, Change::Added, new);
                push(&mut d.unified, Change::Removed, old);
                push(&mut d.unified, Change::Added, new);
            }
        }
    }
    d
}

/// Appends tokens, merging with the last segment when the change is the same.
fn push(segments: &mut Vec<Segment>, change: Change, tokens: &[Token<'_>]) {
    if tokens.is_empty() {
        return;
    }
    let text: String = tokens.iter().map(|t| t.shown).collect();
    match segments.last_mut() {
        Some(last) if last.change == change => last.text.push_str(&text),
        _ => segments.push(Segment { change, text }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(s: &[Segment], change: Change) -> String {
        s.iter()
            .filter(|x| x.change == change)
            .map(|x| x.text.as_str())
            .collect::<Vec<_>>()
            .join("|")
    }

    #[test]
    fn words_added_and_removed() {
        let d = word_diff(
            "the cat sat on the mat",
            "the dog sat on the mat today",
            false,
        );
        assert_eq!(joined(&d.left, Change::Removed), "cat");
        assert_eq!(joined(&d.right, Change::Added), "dog| today");
        assert_eq!((d.removed, d.added), (1, 2));
        // Each side still reads as its own text.
        let left: String = d.left.iter().map(|s| s.text.as_str()).collect();
        let right: String = d.right.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(left, "the cat sat on the mat");
        assert_eq!(right, "the dog sat on the mat today");
    }

    #[test]
    fn whitespace_can_be_ignored() {
        let (a, b) = ("one two\nthree", "one   two three");
        let strict = word_diff(a, b, false);
        assert!(
            strict.added > 0
                || strict.removed > 0
                || joined(&strict.right, Change::Added).contains(' ')
        );
        let loose = word_diff(a, b, true);
        assert_eq!((loose.added, loose.removed, loose.same), (0, 0, 3));
        let right: String = loose.right.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(right, b);
    }
}
