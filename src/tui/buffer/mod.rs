//! The editor's text buffer: lines, cursor, selection, bounded undo/redo and search.
//!
//! Positions are (line, column) with the column counted in characters. Every operation clamps
//! positions, so no input can index out of bounds. Every change of the text goes through one
//! place ([`Buffer::replace`]), which records it in the edit-based [`history`].

mod history;

use history::{end_of, Edit, History};
pub use history::{UNDO_BYTES, UNDO_DEPTH};

/// A position in the buffer: 0-based line, 0-based column in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    pub fn new(line: usize, col: usize) -> Self {
        Pos { line, col }
    }
}

/// Largest buffer the editor accepts (typing and pasting past it is refused).
pub const MAX_BUFFER_BYTES: usize = 1024 * 1024;

/// Tab stops every this many columns on screen.
pub const TAB_WIDTH: usize = 4;

/// The screen column after drawing `c` at screen column `d`: tabs go to the next tab stop,
/// characters shown escaped (controls, bidi, invisible formatting) take one cell, wide
/// characters (CJK, most emoji) two, combining marks none.
pub fn advance(c: char, d: usize) -> usize {
    if c == '\t' {
        (d / TAB_WIDTH + 1) * TAB_WIDTH
    } else if crate::engine::text::is_unsafe_char(c, false) {
        d + 1
    } else {
        d + unicode_width::UnicodeWidthChar::width(c).unwrap_or(1)
    }
}

/// The screen column of character column `col` in `line` (tabs expanded, wide characters
/// counted as two cells).
pub fn display_col(line: &str, col: usize) -> usize {
    line.chars().take(col).fold(0, |d, c| advance(c, d))
}

/// The character column at screen column `dcol` in `line`: the character whose cells cover
/// `dcol` (either half of a wide character gives that character), or the line's end.
pub fn col_from_display(line: &str, dcol: usize) -> usize {
    let mut d = 0;
    for (i, c) in line.chars().enumerate() {
        let next = advance(c, d);
        if next > dcol {
            return i;
        }
        d = next;
    }
    line.chars().count()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EditKind {
    None,
    Typing,
    Deleting,
    Other,
}

/// A cursor movement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motion {
    Left,
    Right,
    Up,
    Down,
    WordLeft,
    WordRight,
    Home,
    End,
    PageUp(usize),
    PageDown(usize),
    DocStart,
    DocEnd,
}

#[derive(Debug, Clone)]
pub struct Buffer {
    lines: Vec<String>,
    cursor: Pos,
    anchor: Option<Pos>,
    /// Column that vertical motion tries to keep.
    want_col: usize,
    history: History,
    /// What the last edit was, so a run of typing or deleting makes one undo step.
    last_kind: EditKind,
    bytes: usize,
    /// Bumped on every change of the text.
    generation: u64,
    /// Lowest line changed since the last `take_changed_from` (for highlight caches).
    changed_from: Option<usize>,
}

impl Default for Buffer {
    fn default() -> Self {
        Buffer::from_text("")
    }
}

fn byte_of(line: &str, col: usize) -> usize {
    line.char_indices().nth(col).map_or(line.len(), |(i, _)| i)
}

fn char_len(line: &str) -> usize {
    line.chars().count()
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

impl Buffer {
    pub fn from_text(text: &str) -> Self {
        let mut lines: Vec<String> = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
            .collect();
        if lines.is_empty() {
            lines.push(String::new());
        }
        let bytes = lines.iter().map(|l| l.len() + 1).sum::<usize>() - 1;
        Buffer {
            lines,
            cursor: Pos::default(),
            anchor: None,
            want_col: 0,
            history: History::default(),
            last_kind: EditKind::None,
            bytes,
            generation: 0,
            changed_from: Some(0),
        }
    }

    pub fn text(&self) -> String {
        self.lines.join("\n")
    }
    pub fn line(&self, i: usize) -> Option<&str> {
        self.lines.get(i).map(String::as_str)
    }
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }
    pub fn len_bytes(&self) -> usize {
        self.bytes
    }
    pub fn cursor(&self) -> Pos {
        self.cursor
    }
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The lowest line changed since the last call, if any.
    pub fn take_changed_from(&mut self) -> Option<usize> {
        self.changed_from.take()
    }

    fn clamp(&self, p: Pos) -> Pos {
        let line = p.line.min(self.lines.len() - 1);
        let col = p.col.min(char_len(&self.lines[line]));
        Pos { line, col }
    }

    /// The selection as an ordered (start, end) pair, when it is not empty.
    pub fn selection(&self) -> Option<(Pos, Pos)> {
        let a = self.clamp(self.anchor?);
        let (s, e) = if a <= self.cursor {
            (a, self.cursor)
        } else {
            (self.cursor, a)
        };
        (s != e).then_some((s, e))
    }

    pub fn clear_selection(&mut self) {
        self.anchor = None;
    }

    pub fn select_all(&mut self) {
        self.anchor = Some(Pos::default());
        let last = self.lines.len() - 1;
        self.cursor = Pos::new(last, char_len(&self.lines[last]));
    }

    pub fn selected_text(&self) -> Option<String> {
        let (s, e) = self.selection()?;
        Some(self.slice(s, e))
    }

    fn slice(&self, s: Pos, e: Pos) -> String {
        if s.line == e.line {
            let l = &self.lines[s.line];
            return l[byte_of(l, s.col)..byte_of(l, e.col)].to_string();
        }
        let mut out = String::new();
        let first = &self.lines[s.line];
        out.push_str(&first[byte_of(first, s.col)..]);
        for l in &self.lines[s.line + 1..e.line] {
            out.push('\n');
            out.push_str(l);
        }
        out.push('\n');
        let last = &self.lines[e.line];
        out.push_str(&last[..byte_of(last, e.col)]);
        out
    }

    /// Moves the cursor to `p` (clamped), dropping the selection.
    pub fn set_cursor(&mut self, p: Pos) {
        self.cursor = self.clamp(p);
        self.want_col = self.cursor.col;
        self.anchor = None;
        self.last_kind = EditKind::None;
    }

    /// Selects from `s` to `e` (clamped), cursor at `e`.
    pub fn select_range(&mut self, s: Pos, e: Pos) {
        self.anchor = Some(self.clamp(s));
        self.cursor = self.clamp(e);
        self.want_col = self.cursor.col;
    }

    pub fn move_cursor(&mut self, m: Motion, extend: bool) {
        if extend {
            if self.anchor.is_none() {
                self.anchor = Some(self.cursor);
            }
        } else {
            self.anchor = None;
        }
        self.last_kind = EditKind::None;
        let Pos { line, col } = self.cursor;
        let len = |b: &Buffer, l: usize| char_len(&b.lines[l]);
        let mut keep_want = false;
        let p = match m {
            Motion::Left if col > 0 => Pos::new(line, col - 1),
            Motion::Left if line > 0 => Pos::new(line - 1, len(self, line - 1)),
            Motion::Left => self.cursor,
            Motion::Right if col < len(self, line) => Pos::new(line, col + 1),
            Motion::Right if line + 1 < self.lines.len() => Pos::new(line + 1, 0),
            Motion::Right => self.cursor,
            Motion::Up | Motion::PageUp(_) => {
                let n = if let Motion::PageUp(n) = m {
                    n.max(1)
                } else {
                    1
                };
                keep_want = true;
                let l = line.saturating_sub(n);
                Pos::new(l, self.want_col.min(len(self, l)))
            }
            Motion::Down | Motion::PageDown(_) => {
                let n = if let Motion::PageDown(n) = m {
                    n.max(1)
                } else {
                    1
                };
                keep_want = true;
                let l = (line + n).min(self.lines.len() - 1);
                Pos::new(l, self.want_col.min(len(self, l)))
            }
            Motion::Home => {
                let indent = self.lines[line]
                    .chars()
                    .take_while(|c| c.is_whitespace())
                    .count();
                Pos::new(line, if col == indent { 0 } else { indent })
            }
            Motion::End => Pos::new(line, len(self, line)),
            Motion::DocStart => Pos::default(),
            Motion::DocEnd => {
                let l = self.lines.len() - 1;
                Pos::new(l, len(self, l))
            }
            Motion::WordLeft => self.word_left(),
            Motion::WordRight => self.word_right(),
        };
        self.cursor = p;
        if !keep_want {
            self.want_col = p.col;
        }
    }

    fn word_left(&self) -> Pos {
        let Pos { line, col } = self.cursor;
        if col == 0 {
            return if line > 0 {
                Pos::new(line - 1, char_len(&self.lines[line - 1]))
            } else {
                self.cursor
            };
        }
        let chars: Vec<char> = self.lines[line].chars().collect();
        let mut c = col;
        while c > 0 && !is_word(chars[c - 1]) {
            c -= 1;
        }
        while c > 0 && is_word(chars[c - 1]) {
            c -= 1;
        }
        Pos::new(line, c)
    }

    fn word_right(&self) -> Pos {
        let Pos { line, col } = self.cursor;
        let chars: Vec<char> = self.lines[line].chars().collect();
        if col >= chars.len() {
            return if line + 1 < self.lines.len() {
                Pos::new(line + 1, 0)
            } else {
                self.cursor
            };
        }
        let mut c = col;
        while c < chars.len() && !is_word(chars[c]) {
            c += 1;
        }
        while c < chars.len() && is_word(chars[c]) {
            c += 1;
        }
        Pos::new(line, c)
    }

    /// Starts an undo step, or carries on the current one for a run of typing or deleting.
    fn checkpoint(&mut self, kind: EditKind) {
        if kind == EditKind::Other || kind != self.last_kind {
            self.history.begin(self.cursor);
        } else {
            self.history.carry_on();
        }
        self.last_kind = kind;
    }

    fn touched(&mut self, line: usize) {
        // Every change of the text ends the selection, so no stale anchor can outlive it.
        self.anchor = None;
        self.generation += 1;
        self.changed_from = Some(self.changed_from.map_or(line, |l| l.min(line)));
    }

    /// Replaces the text from `s` to `e` (`s <= e`) by `text`, records the change in the
    /// current undo step, and returns where the inserted text ends.
    fn replace(&mut self, s: Pos, e: Pos, text: &str) -> Pos {
        let removed = self.slice(s, e);
        let end = self.splice(s, e, text);
        self.history.record(Edit {
            at: s,
            removed,
            inserted: text.to_string(),
            inserted_end: end,
        });
        end
    }

    /// The change itself, without history: the text from `s` to `e` becomes `text`. Returns
    /// where `text` ends. Positions are clamped, so a history out of step with the text
    /// (a bug) garbles the text instead of panicking.
    fn splice(&mut self, s: Pos, e: Pos, text: &str) -> Pos {
        let (s, e) = (self.clamp(s), self.clamp(e));
        let (s, e) = if s <= e { (s, e) } else { (e, s) };
        let last = &self.lines[e.line];
        let tail_at = byte_of(last, e.col);
        let tail = last[tail_at..].to_string();
        let head_at = byte_of(&self.lines[s.line], s.col);
        let removed_bytes = if s.line == e.line {
            tail_at - head_at
        } else {
            let spanned: usize = self.lines[s.line..=e.line]
                .iter()
                .map(|l| l.len() + 1)
                .sum();
            spanned - 1 - head_at - (self.lines[e.line].len() - tail_at)
        };
        let mut parts = text.split('\n');
        let first = parts.next().unwrap_or("");
        let rest: Vec<String> = parts.map(str::to_string).collect();
        let end = match rest.last() {
            Some(l) => Pos::new(s.line + rest.len(), char_len(l)),
            None => Pos::new(s.line, s.col + char_len(first)),
        };
        let head = &mut self.lines[s.line];
        head.truncate(head_at);
        head.push_str(first);
        if e.line > s.line || !rest.is_empty() {
            self.lines.splice(s.line + 1..=e.line, rest);
        }
        self.lines[end.line].push_str(&tail);
        self.bytes = self.bytes + text.len() - removed_bytes;
        self.touched(s.line);
        end
    }

    /// Inserts text at the cursor (replacing the selection). Refused when the buffer would
    /// grow past [`MAX_BUFFER_BYTES`]; returns whether it was inserted.
    pub fn insert_str(&mut self, text: &str) -> bool {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        if self.bytes + text.len() > MAX_BUFFER_BYTES {
            return false;
        }
        let kind = if text.chars().count() == 1 && !text.contains('\n') {
            EditKind::Typing
        } else {
            EditKind::Other
        };
        let (s, e) = match self.selection() {
            Some(range) => {
                self.checkpoint(EditKind::Other);
                range
            }
            None => {
                self.checkpoint(kind);
                (self.cursor, self.cursor)
            }
        };
        let end = self.replace(s, e, &text);
        self.cursor = end;
        self.want_col = end.col;
        true
    }

    /// Enter: a new line keeping the current line's indentation.
    pub fn newline(&mut self) -> bool {
        let indent: String = self.lines[self.cursor.line]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        self.insert_str(&format!("\n{indent}"))
    }

    pub fn backspace(&mut self) -> bool {
        if let Some((s, e)) = self.selection() {
            self.checkpoint(EditKind::Other);
            self.replace(s, e, "");
            self.cursor = s;
            return true;
        }
        let Pos { line, col } = self.cursor;
        if col == 0 && line == 0 {
            return false;
        }
        self.checkpoint(EditKind::Deleting);
        let from = if col > 0 {
            Pos::new(line, col - 1)
        } else {
            Pos::new(line - 1, char_len(&self.lines[line - 1]))
        };
        self.replace(from, self.cursor, "");
        self.cursor = from;
        self.want_col = from.col;
        true
    }

    pub fn delete(&mut self) -> bool {
        if self.selection().is_some() {
            return self.backspace();
        }
        let Pos { line, col } = self.cursor;
        let len = char_len(&self.lines[line]);
        if col == len && line + 1 == self.lines.len() {
            return false;
        }
        self.checkpoint(EditKind::Deleting);
        let to = if col < len {
            Pos::new(line, col + 1)
        } else {
            Pos::new(line + 1, 0)
        };
        self.replace(self.cursor, to, "");
        true
    }

    /// Cuts the selection, returning its text.
    pub fn cut(&mut self) -> Option<String> {
        let text = self.selected_text()?;
        self.backspace();
        Some(text)
    }

    /// Undoes the last step: its edits inverted, last first. Returns whether there was one.
    pub fn undo(&mut self) -> bool {
        let Some(mut rev) = self.history.pop_undo() else {
            return false;
        };
        rev.redo_cursor = self.cursor;
        for e in rev.edits.iter().rev() {
            self.splice(e.at, e.inserted_end, &e.removed);
        }
        self.cursor = self.clamp(rev.undo_cursor);
        self.history.push_redo(rev);
        self.after_history();
        true
    }

    /// Makes the last undone step again. Returns whether there was one.
    pub fn redo(&mut self) -> bool {
        let Some(mut rev) = self.history.pop_redo() else {
            return false;
        };
        rev.undo_cursor = self.cursor;
        for e in &rev.edits {
            self.splice(e.at, end_of(e.at, &e.removed), &e.inserted);
        }
        self.cursor = self.clamp(rev.redo_cursor);
        self.history.push_undo(rev);
        self.after_history();
        true
    }

    fn after_history(&mut self) {
        self.anchor = None;
        self.last_kind = EditKind::None;
        self.want_col = self.cursor.col;
        // A step with no edits still counts as a change (the scan and the title follow it).
        self.touched(self.cursor.line);
    }

    /// The next match of `query` after the cursor (wrapping), case-insensitive for ASCII.
    /// Returns the match's start and end.
    pub fn find(&self, query: &str, from: Pos, forward: bool) -> Option<(Pos, Pos)> {
        if query.is_empty() || query.contains('\n') {
            return None;
        }
        let q = query.to_lowercase();
        let qlen = char_len(query);
        let n = self.lines.len();
        let matches_in = |i: usize| -> Vec<usize> {
            let lower = self.lines[i].to_lowercase();
            if lower.len() != self.lines[i].len() {
                // Lowercasing changed byte lengths (rare scripts): match case-sensitively.
                return self.lines[i]
                    .match_indices(query)
                    .map(|(b, _)| self.lines[i][..b].chars().count())
                    .collect();
            }
            lower
                .match_indices(&q)
                .map(|(b, _)| lower[..b].chars().count())
                .collect()
        };
        // Candidates in search order: the rest of the cursor's line, the other lines
        // (wrapping), then the part of the cursor's line before (or at) the cursor.
        for step in 0..=n {
            let i = if forward {
                (from.line + step) % n
            } else {
                (from.line + n - step % n) % n
            };
            let cols = matches_in(i);
            let ok = |c: usize| match (step, forward) {
                (0, true) => c > from.col,
                (0, false) => c < from.col,
                (s, true) if s == n => c <= from.col,
                (s, false) if s == n => c >= from.col,
                _ => true,
            };
            let hit = if forward {
                cols.into_iter().find(|&c| ok(c))
            } else {
                cols.into_iter().rev().find(|&c| ok(c))
            };
            if let Some(c) = hit {
                return Some((Pos::new(i, c), Pos::new(i, c + qlen)));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests;
