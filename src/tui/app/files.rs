//! Files: open (with the unsaved-changes guard), save and save-as, quit, autosave to the
//! recovery file and the recovery key, path completion results.

use super::{App, Focus, Overlay, PromptKind, MAX_COMPLETIONS};
use crate::engine::hash;
use crate::engine::policy::{Limits, Profile};
use crate::tui::action::Effect;
use crate::tui::buffer::{self, Buffer};
use std::path::{Path, PathBuf};

/// What to load once the user agrees to drop unsaved changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub title: String,
    pub path: Option<PathBuf>,
    pub text: String,
    /// Limits and profile from a sample's `run-options` header.
    pub options: Option<(Limits, Profile)>,
}

impl App {
    /// The key of this buffer's recovery file.
    pub fn recovery_key(&self) -> String {
        match &self.path {
            Some(p) => {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let h = hash::sha256_hex(p.to_string_lossy().as_bytes());
                format!("{}-{}", safe_stem(&name), hash::short(&h))
            }
            None => format!("untitled-{}", safe_stem(&self.title)),
        }
    }

    pub(super) fn on_autosave_due(&mut self) -> Vec<Effect> {
        if !self.needs_autosave() {
            return vec![];
        }
        self.autosaved_generation = self.generation();
        vec![Effect::Autosave {
            key: self.recovery_key(),
            text: self.buffer.text(),
        }]
    }

    pub(super) fn on_file_opened(
        &mut self,
        path: PathBuf,
        result: Result<String, String>,
    ) -> Vec<Effect> {
        match result {
            Ok(text) => {
                let loaded = Loaded {
                    title: title_of(&path),
                    path: Some(path),
                    text,
                    options: None,
                };
                self.load_or_ask(loaded)
            }
            Err(e) => {
                self.say(format!("cannot open: {e}"));
                vec![]
            }
        }
    }

    pub(super) fn on_saved(&mut self, path: PathBuf, result: Result<(), String>) -> Vec<Effect> {
        if let Err(e) = result {
            self.quit_after_save = false;
            self.say(format!("cannot save: {e}"));
            return vec![];
        }
        let old_key = self.recovery_key();
        self.title = title_of(&path);
        self.say(format!("saved {}", path.display()));
        self.path = Some(path);
        self.saved_generation = self.generation();
        let mut fx = vec![Effect::DeleteRecovery { key: old_key }];
        if self.quit_after_save {
            self.quitting = true;
            fx.push(Effect::Quit);
        }
        fx
    }

    /// Path completions for the open prompt, if it still shows the input they were made for.
    pub(super) fn on_completions(&mut self, input: &str, mut items: Vec<String>) {
        let Overlay::Prompt {
            input: cur,
            completions,
            ..
        } = &mut self.overlay
        else {
            return;
        };
        if cur != input {
            return;
        }
        items.truncate(MAX_COMPLETIONS);
        if items.len() == 1 {
            *cur = items[0].clone();
            completions.clear();
        } else {
            if let Some(p) = common_prefix(&items) {
                if p.len() > cur.len() {
                    *cur = p;
                }
            }
            *completions = items;
        }
    }

    pub(super) fn save(&mut self) -> Vec<Effect> {
        match &self.path {
            Some(p) => vec![Effect::WriteFile {
                path: p.clone(),
                text: self.buffer.text(),
            }],
            None => {
                self.overlay = Overlay::Prompt {
                    kind: PromptKind::SaveAs,
                    input: String::new(),
                    completions: Vec::new(),
                };
                vec![]
            }
        }
    }

    pub(super) fn request_quit(&mut self) -> Vec<Effect> {
        if self.dirty() {
            self.overlay = Overlay::ConfirmQuit;
            return vec![];
        }
        self.quitting = true;
        let mut fx = vec![Effect::DeleteRecovery {
            key: self.recovery_key(),
        }];
        if let Some(l) = &self.live {
            fx.push(Effect::CancelRun { run: l.id });
        }
        fx.push(Effect::Quit);
        fx
    }

    pub(super) fn load_or_ask(&mut self, loaded: Loaded) -> Vec<Effect> {
        if self.dirty() {
            self.overlay = Overlay::ConfirmDiscard(Box::new(loaded));
            return vec![];
        }
        self.load(loaded)
    }

    pub(super) fn load(&mut self, loaded: Loaded) -> Vec<Effect> {
        self.gen_base = self.generation() + 1;
        self.buffer = Buffer::from_text(&bounded_text(loaded.text));
        self.saved_generation = self.generation();
        self.autosaved_generation = self.generation();
        self.title = loaded.title;
        self.path = loaded.path;
        self.view_top = 0;
        self.view_left = 0;
        self.finding_selected = 0;
        self.focus = Focus::Editor;
        if let Some((limits, profile)) = loaded.options {
            self.limits = limits;
            self.profile = profile;
        }
        self.say(format!("opened {}", self.title));
        vec![]
    }
}

pub(super) fn expand_home(p: &str) -> PathBuf {
    if let Some(rest) = p.strip_prefix("~/") {
        if let Some(home) = std::env::var_os("HOME") {
            return PathBuf::from(home).join(rest);
        }
    }
    PathBuf::from(p)
}

fn common_prefix(items: &[String]) -> Option<String> {
    let first = items.first()?;
    let mut end = first.len();
    for it in &items[1..] {
        end = first
            .char_indices()
            .zip(it.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8())
            .min(end);
    }
    Some(first[..end].to_string())
}

/// Text loaded into the editor is capped so no file can make the buffer unbounded.
pub(super) fn bounded_text(text: String) -> String {
    if text.len() <= buffer::MAX_BUFFER_BYTES {
        return text;
    }
    let mut end = buffer::MAX_BUFFER_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

/// A file name for a recovery key: safe characters only, at most 40.
fn safe_stem(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(40)
        .collect()
}

/// The title of a buffer loaded from `path`: its file name.
pub fn title_of(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
