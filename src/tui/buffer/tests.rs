//! The buffer's unit tests: editing, selection, search, screen columns, and the undo history
//! on small and 1 MB buffers.

use super::*;
use proptest::prelude::*;

#[test]
fn typing_and_newlines_keep_indent() {
    let mut b = Buffer::from_text("  a");
    b.move_cursor(Motion::End, false);
    b.newline();
    b.insert_str("b");
    assert_eq!(b.text(), "  a\n  b");
    assert_eq!(b.cursor(), Pos::new(1, 3));
}

#[test]
fn undo_groups_typing_and_redo_restores() {
    let mut b = Buffer::from_text("");
    for c in ["a", "b", "c"] {
        b.insert_str(c);
    }
    b.backspace();
    assert_eq!(b.text(), "ab");
    b.undo();
    assert_eq!(b.text(), "abc");
    b.undo();
    assert_eq!(b.text(), "");
    b.redo();
    assert_eq!(b.text(), "abc");
}

#[test]
fn selection_replace_and_cut_across_lines() {
    let mut b = Buffer::from_text("one\ntwo\nthree");
    b.select_range(Pos::new(0, 1), Pos::new(2, 2));
    assert_eq!(b.selected_text().as_deref(), Some("ne\ntwo\nth"));
    b.insert_str("X");
    assert_eq!(b.text(), "oXree");
    b.select_all();
    assert_eq!(b.cut().as_deref(), Some("oXree"));
    assert_eq!(b.text(), "");
}

#[test]
fn multibyte_edits_never_split_chars() {
    let mut b = Buffer::from_text("héllo");
    b.set_cursor(Pos::new(0, 2));
    b.backspace();
    assert_eq!(b.text(), "hllo");
    b.set_cursor(Pos::new(9, 99));
    assert_eq!(b.cursor(), Pos::new(0, 4));
}

#[test]
fn search_wraps_and_finds_next() {
    let b = Buffer::from_text("foo\nbar foo\nFOO");
    let (s, _) = b.find("foo", Pos::new(0, 0), true).expect("match");
    assert_eq!(s, Pos::new(1, 4));
    let (s, _) = b.find("foo", Pos::new(2, 0), true).expect("wraps");
    assert_eq!(s, Pos::new(0, 0));
    let (s, _) = b.find("foo", Pos::new(1, 4), false).expect("back");
    assert_eq!(s, Pos::new(0, 0));
    assert!(b.find("zzz", Pos::default(), true).is_none());
}

#[test]
fn an_empty_selection_does_not_survive_an_edit() {
    let mut b = Buffer::from_text("ab\ncd");
    b.set_cursor(Pos::new(1, 0));
    b.move_cursor(Motion::Right, true);
    b.move_cursor(Motion::Left, true);
    assert!(b.selection().is_none());
    b.backspace(); // joins the lines: line 1 is gone
    b.move_cursor(Motion::End, true);
    assert_eq!(b.selected_text().as_deref(), Some("cd"));
}

#[test]
fn refuses_growth_past_the_cap() {
    let mut b = Buffer::from_text(&"a".repeat(MAX_BUFFER_BYTES - 1));
    assert!(b.insert_str("b"));
    assert!(!b.insert_str("c"));
}

#[test]
fn screen_columns_count_wide_combining_tab_and_escaped_characters() {
    // 日 two cells, e + U+0301 one cell, tab to the next stop, U+202E shown as `?`.
    let line = "日e\u{301}\tx\u{202e}y";
    let cols: Vec<usize> = (0..=7).map(|c| display_col(line, c)).collect();
    assert_eq!(cols, vec![0, 2, 3, 3, 4, 5, 6, 7]);
    assert_eq!(col_from_display(line, 1), 0, "right half of 日");
    assert_eq!(col_from_display(line, 2), 1);
    assert_eq!(col_from_display(line, 5), 5, "the escaped override");
    assert_eq!(col_from_display(line, 99), 7, "past the end");
}

/// ~1 MB of short lines, like real code.
fn big_text() -> String {
    let mut s = String::new();
    let mut i = 0;
    while s.len() < 1_000_000 {
        s.push_str(&format!("function f{i}(a) {{ return a + {i}; }}\n"));
        i += 1;
    }
    s
}

#[test]
fn undo_after_many_edits_on_a_large_buffer_walks_back_step_by_step() {
    let original = big_text();
    let mut b = Buffer::from_text(&original);
    let lines = b.line_count();
    // 1,000 edits, each its own undo step (pastes, Enter, selection replacements), spread
    // over the whole buffer.
    let mut at_800 = String::new();
    for i in 0..1_000 {
        let line = (i * 7_919) % lines;
        b.set_cursor(Pos::new(line, i % 13));
        match i % 4 {
            0 => assert!(b.insert_str("/* pasted */")),
            1 => assert!(b.newline()),
            2 => {
                b.select_range(Pos::new(line, 2), Pos::new(line + 1, 5));
                assert!(b.insert_str("é\nx"));
            }
            _ => {
                b.select_range(Pos::new(line, 0), Pos::new(line, 4));
                assert!(b.backspace());
            }
        }
        if i == 799 {
            at_800 = b.text();
        }
    }
    let last = b.text();
    let mut undone = 0;
    while b.undo() {
        undone += 1;
    }
    assert_eq!(
        undone, UNDO_DEPTH,
        "the oldest steps beyond the depth are gone"
    );
    assert_eq!(
        b.text(),
        at_800,
        "200 undos land exactly on the text after edit 800"
    );
    assert_eq!(b.len_bytes(), at_800.len());
    let mut redone = 0;
    while b.redo() {
        redone += 1;
    }
    assert_eq!(redone, UNDO_DEPTH);
    assert_eq!(b.text(), last);
    assert_eq!(b.len_bytes(), last.len());
}

#[test]
fn a_history_of_huge_replacements_is_bounded_by_bytes_and_stays_exact() {
    let mut b = Buffer::from_text("");
    let mut texts = vec![b.text()];
    for i in 0..24 {
        b.select_all();
        // 0.5 MB in short lines, like code (one long line is slow to walk in debug builds).
        let line = format!(
            "{}\n",
            char::from(b'a' + (i % 26) as u8).to_string().repeat(49)
        );
        let fill = line.repeat(10_000);
        assert!(b.insert_str(&fill));
        texts.push(b.text());
    }
    let mut undone = 0;
    while b.undo() {
        undone += 1;
        assert_eq!(
            b.text(),
            texts[texts.len() - 1 - undone],
            "after {undone} undos"
        );
    }
    // Each step holds 0.5 MB removed + 0.5 MB inserted.
    assert!(
        (UNDO_BYTES / 1_000_000 - 1..24).contains(&undone),
        "{undone}"
    );
}

fn op() -> impl Strategy<Value = (u8, usize, usize, String)> {
    (0u8..8, 0usize..40, 0usize..40, "[ab\n漢é]{0,4}")
}

proptest! {
    #[test]
    fn undoing_everything_gives_back_the_original_and_redo_the_result(
        ops in proptest::collection::vec(op(), 1..60)
    ) {
        let original = "one\ntwo two\n\tthree 漢字\n";
        let mut b = Buffer::from_text(original);
        for (kind, line, col, text) in ops {
            match kind {
                0 => { b.insert_str(&text); }
                1 => { b.insert_str(text.get(..1).unwrap_or("x")); }
                2 => { b.backspace(); }
                3 => { b.delete(); }
                4 => { b.newline(); }
                5 => b.set_cursor(Pos::new(line, col)),
                6 => b.select_range(Pos::new(line, col), Pos::new(col, line)),
                _ => { b.cut(); }
            }
        }
        let end = b.text();
        prop_assert_eq!(b.len_bytes(), end.len());
        while b.undo() {}
        prop_assert_eq!(b.text(), original);
        prop_assert_eq!(b.len_bytes(), original.len());
        while b.redo() {}
        prop_assert_eq!(b.text(), end);
    }
}
