//! The styles the panes draw with, taken from the current [`Theme`].

use crate::engine::lexer::TokenKind;
use crate::engine::scan::{Severity, Verdict};
use crate::tui::theme::Theme;
use ratatui::style::{Color, Style};

#[derive(Debug, Clone, Copy)]
pub struct Palette<'a> {
    pub theme: &'a Theme,
    pub text: Style,
    pub dim: Style,
    pub accent: Style,
    pub border: Style,
    pub border_focus: Style,
    pub selection: Style,
    pub gutter: Style,
    pub gutter_active: Style,
    pub title: Style,
    pub ok: Style,
    pub warn: Style,
    pub error: Style,
    pub popup: Style,
    pub status: Style,
    pub mono: bool,
}

impl<'a> Palette<'a> {
    pub fn new(t: &'a Theme) -> Self {
        Palette {
            theme: t,
            text: t.base(),
            dim: t.dim(),
            accent: t.accent(),
            border: t.border(false),
            border_focus: t.border(true),
            selection: t.selection(),
            gutter: t.line_number(false),
            gutter_active: t.line_number(true),
            title: t.title(),
            ok: t.ok(),
            warn: t.warning(),
            error: t.error(),
            popup: t.popup(),
            status: t.status_bar(),
            mono: t.monochrome,
        }
    }
    pub fn token(&self, k: TokenKind) -> Style {
        self.theme.token_style(k)
    }
    pub fn severity(&self, s: Severity) -> Style {
        self.theme.severity_style(s)
    }
    pub fn underline(&self, s: Severity) -> Style {
        self.theme.severity_underline(s)
    }
    pub fn verdict(&self, v: Verdict) -> Style {
        self.theme.verdict_style(v)
    }
    pub fn graph_memory(&self) -> Style {
        self.color(self.theme.ui.graph_memory)
    }
    pub fn graph_cpu(&self) -> Style {
        self.color(self.theme.ui.graph_cpu)
    }
    pub fn graph_limit(&self) -> Style {
        self.color(self.theme.ui.graph_limit)
    }
    fn color(&self, c: Color) -> Style {
        if self.mono {
            Style::default()
        } else {
            Style::default().fg(c)
        }
    }
}

pub(crate) fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Low => "low",
        Severity::Medium => "medium",
        Severity::High => "high",
        Severity::Critical => "critical",
    }
}
