//! The buffer's undo history, kept as edits rather than copies (helix's transaction idea):
//! each step stores the text it removed and the text it inserted, so undo applies the inverse
//! edits and a step costs what it changed, not the size of the document.

use super::{Pos, MAX_BUFFER_BYTES};
use std::collections::VecDeque;

/// How many undo steps are kept.
pub const UNDO_DEPTH: usize = 200;
/// How much text (removed plus inserted, over every step kept) the history may hold before its
/// oldest steps are dropped: sixteen full-buffer replacements.
pub const UNDO_BYTES: usize = 16 * MAX_BUFFER_BYTES;

/// One change of the text: at `at`, `removed` was replaced by `inserted`, which ends at
/// `inserted_end`. Undo replaces `at..inserted_end` by `removed`; redo does it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Edit {
    pub at: Pos,
    pub removed: String,
    pub inserted: String,
    pub inserted_end: Pos,
}

impl Edit {
    fn bytes(&self) -> usize {
        self.removed.len() + self.inserted.len()
    }

    /// Folds `next`, made right after this edit, into it when it carries it on: typing after
    /// an insertion, Backspace before a deletion, Delete at the same place. A run of typing
    /// then costs one edit, not one per character.
    fn absorb(&mut self, next: &Edit) -> bool {
        if self.removed.is_empty() && next.removed.is_empty() && next.at == self.inserted_end {
            self.inserted.push_str(&next.inserted);
            self.inserted_end = next.inserted_end;
            return true;
        }
        if !self.inserted.is_empty() || !next.inserted.is_empty() {
            return false;
        }
        if next.at == self.at {
            self.removed.push_str(&next.removed);
            return true;
        }
        if end_of(next.at, &next.removed) == self.at {
            self.removed.insert_str(0, &next.removed);
            self.at = next.at;
            self.inserted_end = next.at;
            return true;
        }
        false
    }
}

/// Where `text` ends when it starts at `at`.
pub(super) fn end_of(at: Pos, text: &str) -> Pos {
    match text.rfind('\n') {
        None => Pos::new(at.line, at.col + text.chars().count()),
        Some(i) => Pos::new(
            at.line + text.matches('\n').count(),
            text[i + 1..].chars().count(),
        ),
    }
}

/// One undo step: edits in the order they were made, and where each direction leaves the
/// cursor.
#[derive(Debug, Clone)]
pub(super) struct Revision {
    pub edits: Vec<Edit>,
    /// Where undo puts the cursor: where it was when the step began (or at the last redo).
    pub undo_cursor: Pos,
    /// Where redo puts the cursor: where it was at the last undo.
    pub redo_cursor: Pos,
}

impl Revision {
    fn bytes(&self) -> usize {
        self.edits.iter().map(Edit::bytes).sum()
    }
}

/// Undo and redo steps, bounded by [`UNDO_DEPTH`] and [`UNDO_BYTES`].
#[derive(Debug, Clone, Default)]
pub(super) struct History {
    undo: VecDeque<Revision>,
    redo: Vec<Revision>,
    /// Text held by every step on both lists.
    bytes: usize,
}

impl History {
    /// Starts a new step with the cursor where it is now. A new edit ends the redo path.
    pub(super) fn begin(&mut self, cursor: Pos) {
        self.drop_redo();
        self.undo.push_back(Revision {
            edits: Vec::new(),
            undo_cursor: cursor,
            redo_cursor: cursor,
        });
        self.trim();
    }

    /// Carries on with the current step.
    pub(super) fn carry_on(&mut self) {
        self.drop_redo();
    }

    /// Adds `edit` to the current step.
    pub(super) fn record(&mut self, edit: Edit) {
        let Some(rev) = self.undo.back_mut() else {
            return;
        };
        self.bytes += edit.bytes();
        let absorbed = rev.edits.last_mut().is_some_and(|last| last.absorb(&edit));
        if !absorbed {
            rev.edits.push(edit);
        }
        self.trim();
    }

    pub(super) fn pop_undo(&mut self) -> Option<Revision> {
        self.undo.pop_back()
    }

    pub(super) fn pop_redo(&mut self) -> Option<Revision> {
        self.redo.pop()
    }

    pub(super) fn push_undo(&mut self, rev: Revision) {
        self.undo.push_back(rev);
    }

    pub(super) fn push_redo(&mut self, rev: Revision) {
        self.redo.push(rev);
    }

    fn drop_redo(&mut self) {
        for rev in self.redo.drain(..) {
            self.bytes -= rev.bytes();
        }
    }

    /// Drops the oldest steps past the bounds; the current step always stays.
    fn trim(&mut self) {
        while self.undo.len() > UNDO_DEPTH || (self.bytes > UNDO_BYTES && self.undo.len() > 1) {
            match self.undo.pop_front() {
                Some(rev) => self.bytes -= rev.bytes(),
                None => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(at: Pos, removed: &str, inserted: &str) -> Edit {
        Edit {
            at,
            removed: removed.into(),
            inserted: inserted.into(),
            inserted_end: end_of(at, inserted),
        }
    }

    #[test]
    fn runs_of_typing_and_deleting_fold_into_one_edit() {
        let mut typed = edit(Pos::new(0, 0), "", "a");
        assert!(typed.absorb(&edit(Pos::new(0, 1), "", "b")));
        assert!(!typed.absorb(&edit(Pos::new(0, 5), "", "c")), "elsewhere");
        assert_eq!(
            (typed.inserted.as_str(), typed.inserted_end),
            ("ab", Pos::new(0, 2))
        );

        // Backspace twice from (1, 0): the newline, then the `x` before it.
        let mut back = edit(Pos::new(0, 1), "\n", "");
        assert!(back.absorb(&edit(Pos::new(0, 0), "x", "")));
        assert_eq!((back.at, back.removed.as_str()), (Pos::new(0, 0), "x\n"));
        // Delete at the same place.
        assert!(back.absorb(&edit(Pos::new(0, 0), "y", "")));
        assert_eq!(back.removed, "x\ny");
    }

    #[test]
    fn end_of_counts_lines_and_characters() {
        assert_eq!(end_of(Pos::new(2, 3), "é漢"), Pos::new(2, 5));
        assert_eq!(end_of(Pos::new(2, 3), "a\nbc\n漢"), Pos::new(4, 1));
    }

    #[test]
    fn the_oldest_steps_go_first_and_the_byte_count_follows() {
        let mut h = History::default();
        for i in 0..UNDO_DEPTH + 5 {
            h.begin(Pos::new(i, 0));
            h.record(edit(Pos::new(i, 0), "", "ab"));
        }
        assert_eq!(h.undo.len(), UNDO_DEPTH);
        assert_eq!(h.undo.front().map(|r| r.undo_cursor), Some(Pos::new(5, 0)));
        assert_eq!(h.bytes, 2 * UNDO_DEPTH);
        let rev = h.pop_undo().expect("a step");
        h.push_redo(rev);
        h.begin(Pos::default());
        assert_eq!(
            h.bytes,
            2 * (UNDO_DEPTH - 1),
            "a new step drops the redo list"
        );
    }
}
