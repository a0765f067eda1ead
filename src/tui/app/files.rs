//! Files and buffers: open (with the unsaved-changes guard), save and save-as (asking before
//! replacing a file that is not the one loaded), quit, path completion. Switching buffers
//! stashes the old one's settings and results and brings back the new one's (or starts it
//! on its saved settings, its `run-options` header, or the defaults).

use super::{App, Focus, Overlay, PromptKind, Runs, Stash, MAX_COMPLETIONS, MAX_STASHED};
use crate::engine::text;
use crate::tui::action::{Effect, SaveError};
use crate::tui::buffer::{self, Buffer, Pos};
use crate::tui::recovery::Origin;
use crate::tui::settings::{RunSettings, SavedSettings, SettingsSource};
use crate::tui::wasm_view::ModuleView;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What to load once the user agrees to drop unsaved changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub title: String,
    pub origin: Origin,
    pub text: String,
    /// Run settings saved for the file, if any (or why they could not be read).
    pub saved: Option<Result<SavedSettings, String>>,
    /// A recovery copy to restore on top of the text once loaded: its key and text.
    pub restore: Option<(String, String)>,
    /// A `.wasm` module (`text` is its read-only description).
    pub module: Option<Arc<ModuleView>>,
}

impl App {
    /// Settings for a buffer opened on `text`: saved for its file, else its header, else the
    /// defaults. A bad saved file or header is a warning, never half applied.
    pub(super) fn initial_settings(
        &mut self,
        text: &str,
        saved: Option<Result<SavedSettings, String>>,
    ) -> (RunSettings, SettingsSource) {
        match saved.map(|s| s.and_then(|s| s.to_settings())) {
            Some(Ok(s)) => return (s, SettingsSource::Saved),
            Some(Err(e)) => self.warn(format!("saved run settings ignored: {e}")),
            None => {}
        }
        match RunSettings::from_header(text) {
            Some(Ok(s)) => (s, SettingsSource::Header),
            Some(Err(e)) => {
                self.warn(format!("run-options header ignored: {e}"));
                (RunSettings::default(), SettingsSource::Defaults)
            }
            None => (RunSettings::default(), SettingsSource::Defaults),
        }
    }

    pub(super) fn on_file_opened(
        &mut self,
        path: PathBuf,
        result: Result<String, String>,
        settings: Option<Result<SavedSettings, String>>,
    ) -> Vec<Effect> {
        match result {
            Ok(text) => self.load_file(path, text, settings, None),
            Err(e) => {
                self.warn(format!("cannot open: {e}"));
                vec![]
            }
        }
    }

    /// A file read from `path` (its text, or a module's description), loaded or asked about.
    fn load_file(
        &mut self,
        path: PathBuf,
        text: String,
        saved: Option<Result<SavedSettings, String>>,
        module: Option<Arc<ModuleView>>,
    ) -> Vec<Effect> {
        let loaded = Loaded {
            title: title_of(&path),
            origin: Origin::File { path },
            text,
            saved,
            restore: None,
            module,
        };
        self.load_or_ask(loaded)
    }

    /// A `.wasm` file read: opened as its read-only view, or a clear warning (never a
    /// buffer of its bytes).
    pub(super) fn on_module_opened(
        &mut self,
        path: PathBuf,
        result: Result<Box<ModuleView>, String>,
        settings: Option<Result<SavedSettings, String>>,
    ) -> Vec<Effect> {
        match result {
            Ok(view) => {
                let text = view.text.clone();
                self.load_file(path, text, settings, Some(Arc::from(view)))
            }
            Err(e) => {
                let name = text::escape(&path.display().to_string(), false).into_owned();
                self.warn(format!("cannot open {name}: {e}"));
                vec![]
            }
        }
    }

    pub(super) fn on_saved(&mut self, path: PathBuf, result: Result<(), SaveError>) -> Vec<Effect> {
        match result {
            Ok(()) => {}
            Err(SaveError::Exists) => {
                // Asked only for a file that is not the buffer's own.
                self.overlay = Overlay::ConfirmOverwrite { path };
                return vec![];
            }
            Err(SaveError::Failed(e)) => {
                self.quit_after_save = false;
                self.warn(format!("cannot save: {e}"));
                return vec![];
            }
        }
        let origin = Origin::File { path: path.clone() };
        let mut rescan = false;
        if origin != self.origin {
            // Save-as: the buffer (with its results and settings) is now this file's.
            self.stash.retain(|s| s.origin != origin);
            if let Some(l) = &mut self.live {
                if l.origin == self.origin {
                    l.origin = origin.clone();
                }
            }
            let was = self.language();
            self.origin = origin;
            self.title = title_of(&path);
            if self.language() != was {
                // Saved as another language (`a.js` as `a.wat`): colours, scan and executor
                // follow the new name; the old report was the other scanner's.
                self.highlight = Default::default();
                self.report = None;
                self.plain_report = None;
                self.report_generation = None;
                rescan = true;
            }
        }
        self.say(format!("saved {}", path.display()));
        self.saved_generation = self.generation();
        // The content of this buffer's recovery copies is saved now.
        let mut fx: Vec<Effect> = self
            .own_copy
            .take()
            .into_iter()
            .chain(std::mem::take(&mut self.restored_from))
            .map(|key| Effect::DeleteRecovery { key })
            .collect();
        // Settings the user chose go with the file; defaults and a header need no copy.
        if matches!(
            self.settings_source,
            SettingsSource::Session | SettingsSource::Saved
        ) {
            fx.push(Effect::SaveSettings {
                settings: self.settings.to_saved(&path),
                path,
            });
        }
        // Saved under this name, beside whatever signature it has now (and manifest).
        fx.extend(self.trust_effect());
        fx.extend(self.manifest_effect());
        if rescan {
            fx.push(self.scan_effect());
        }
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
        match self.path() {
            // The buffer's own file: no question.
            Some(p) => vec![Effect::WriteFile {
                path: p.to_path_buf(),
                text: self.buffer.text(),
                overwrite: true,
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

    /// Save-as to `path`: replacing the buffer's own file is a save; any other file that
    /// exists is replaced only after the user says so.
    pub(super) fn save_as(&mut self, path: PathBuf) -> Vec<Effect> {
        let own = self.path() == Some(path.as_path());
        vec![Effect::WriteFile {
            path,
            text: self.buffer.text(),
            overwrite: own,
        }]
    }

    pub(super) fn request_quit(&mut self) -> Vec<Effect> {
        if self.dirty() {
            self.overlay = Overlay::ConfirmQuit;
            return vec![];
        }
        // Nothing unsaved: this session's copy (if any) holds what the file holds.
        let fx = self.drop_own_copy();
        self.quit_with(fx)
    }

    /// Quit, discarding the unsaved changes (the user chose it): this session's copy of them
    /// goes too. Copies of earlier sessions restored into the buffer stay until saved.
    pub(super) fn quit_discarding(&mut self) -> Vec<Effect> {
        let fx = self.drop_own_copy();
        self.quit_with(fx)
    }

    /// Quit, keeping the unsaved changes in a recovery copy (offered at the next start).
    pub(super) fn quit_keeping(&mut self) -> Vec<Effect> {
        let fx = self.flush_own_copy();
        self.say("the changes are kept in a recovery copy");
        self.quit_with(fx)
    }

    fn quit_with(&mut self, mut fx: Vec<Effect>) -> Vec<Effect> {
        self.quitting = true;
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

    /// Opens `loaded` in place of the current buffer. Unsaved changes of the current buffer
    /// (the user agreed to leave them) are written to its recovery copy first and stay there:
    /// they are offered again at the next start and when that buffer is opened again.
    pub(super) fn load(&mut self, loaded: Loaded) -> Vec<Effect> {
        let mut fx = if self.dirty() {
            let fx = self.flush_own_copy();
            self.say(format!(
                "unsaved changes to {} kept in a recovery copy",
                self.title
            ));
            fx
        } else {
            self.drop_own_copy()
        };
        self.own_copy = None;
        self.restored_from.clear();
        self.buffer_serial += 1;
        self.stash_current();
        let same = loaded.origin == self.origin;
        self.gen_base = self.generation() + 1;
        self.buffer = Buffer::from_text(&bounded_text(loaded.text.clone()));
        // The language (and so the lexer) may change with the buffer.
        self.module = loaded.module.clone();
        self.highlight = Default::default();
        self.saved_generation = self.generation();
        self.autosaved_generation = self.generation();
        self.title = text::escape(&loaded.title, false).into_owned();
        self.origin = loaded.origin.clone();
        self.view_top = 0;
        self.view_left = 0;
        self.finding_selected = 0;
        self.results_scroll = 0;
        self.blocked_selected = 0;
        self.focus = Focus::Editor;
        self.report = None;
        self.plain_report = None;
        self.manifest = None;
        self.report_generation = None;
        self.scan_failed = None;
        self.run_after_scan = false;
        if !self.unstash(&loaded.origin) {
            let (settings, source) = self.initial_settings(&loaded.text, loaded.saved);
            self.apply_settings(settings, source);
        }
        if let Origin::File { path } = &self.origin {
            // The signature is checked against the file's text as read (a restored copy is
            // then just an edit of it).
            let content: Arc<[u8]> = match &self.module {
                Some(m) => Arc::clone(&m.file),
                None => Arc::from(loaded.text.as_bytes()),
            };
            fx.push(Effect::CheckTrust {
                origin: self.origin.clone(),
                path: path.clone(),
                content,
            });
        }
        fx.extend(self.manifest_effect());
        let opened = if same { "reopened" } else { "opened" };
        match self.language() {
            super::Language::JavaScript => self.say(format!("{opened} {}", self.title)),
            lang => self.say(format!(
                "{opened} {} ({}, runs on wasm)",
                self.title,
                lang.describe()
            )),
        }
        match loaded.restore {
            Some((key, text)) => self.restore_text(key, text),
            // Any recovery copy of this buffer is offered.
            None => fx.push(Effect::ListRecovery {
                only: Some(self.origin.clone()),
            }),
        }
        fx
    }

    /// Keeps the current buffer's settings and results for when it is opened again.
    fn stash_current(&mut self) {
        let origin = self.origin.clone();
        self.stash.retain(|s| s.origin != origin);
        self.stash.insert(
            0,
            Stash {
                origin,
                settings: self.settings.clone(),
                source: self.settings_source,
                runs: std::mem::take(&mut self.runs),
            },
        );
        self.stash.truncate(MAX_STASHED);
    }

    /// Brings back a stashed buffer's settings and results; false when there are none.
    fn unstash(&mut self, origin: &Origin) -> bool {
        let Some(i) = self.stash.iter().position(|s| &s.origin == origin) else {
            self.runs = Runs::default();
            return false;
        };
        let s = self.stash.remove(i);
        self.apply_settings(s.settings, s.source);
        self.runs = s.runs;
        true
    }

    /// Where a finished run of another buffer goes: that buffer's stash.
    pub(super) fn stashed_mut(&mut self, origin: &Origin) -> &mut Stash {
        if let Some(i) = self.stash.iter().position(|s| &s.origin == origin) {
            let s = self.stash.remove(i);
            self.stash.insert(0, s);
        } else {
            self.stash.insert(
                0,
                Stash {
                    origin: origin.clone(),
                    settings: RunSettings::default(),
                    source: SettingsSource::Defaults,
                    runs: Runs::default(),
                },
            );
            self.stash.truncate(MAX_STASHED);
        }
        &mut self.stash[0]
    }

    /// The settings changed (the user set them): they are this session's, and a file keeps
    /// them.
    pub(super) fn settings_changed(&mut self) -> Vec<Effect> {
        self.settings_source = SettingsSource::Session;
        match self.path() {
            Some(p) => vec![Effect::SaveSettings {
                path: p.to_path_buf(),
                settings: self.settings.to_saved(p),
            }],
            None => vec![],
        }
    }

    /// Replaces the buffer's text with a recovery copy's, as one edit (Ctrl-Z shows what it
    /// replaced). The copy stays on disk until the buffer is saved.
    pub(super) fn restore_text(&mut self, key: String, text: String) {
        if self.module.is_some() {
            // A `.wasm` view is not text anyone edited: nothing to restore into it.
            self.warn(format!(
                "{} is shown read-only: its recovery copy is kept",
                self.title
            ));
            return;
        }
        self.buffer.select_all();
        self.buffer.insert_str(&bounded_text(text));
        self.buffer.set_cursor(Pos::default());
        if !self.restored_from.contains(&key) {
            self.restored_from.push(key);
        }
        self.say(format!(
            "restored {} from its recovery copy (Ctrl-Z: the text it replaced)",
            self.title
        ));
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

/// The title of a buffer loaded from `path`: its file name, escaped (a file name can hold
/// control characters; shown raw they would draw on the screen).
pub fn title_of(path: &Path) -> String {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    text::escape(&name, false).into_owned()
}
