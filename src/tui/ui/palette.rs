//! Colours for the panes, by theme name. `NO_COLOR` leaves only the monochrome theme.

use crate::engine::scan::{Severity, Verdict};
use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub text: Style,
    pub dim: Style,
    pub accent: Style,
    pub border: Style,
    pub border_focus: Style,
    pub selection: Style,
    pub gutter: Style,
    pub title: Style,
    pub ok: Style,
    pub warn: Style,
    pub error: Style,
    pub highlight: Style,
    pub mono: bool,
}

/// Theme names, built-in first; `NO_COLOR` leaves only `monochrome`.
pub fn theme_names() -> Vec<String> {
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return vec!["monochrome".to_string()];
    }
    ["default", "light", "high-contrast", "monochrome"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

pub fn palette(name: &str) -> Palette {
    let fg = |c| Style::default().fg(c);
    match name {
        "monochrome" => Palette {
            text: Style::default(),
            dim: Style::default().add_modifier(Modifier::DIM),
            accent: Style::default().add_modifier(Modifier::BOLD),
            border: Style::default(),
            border_focus: Style::default().add_modifier(Modifier::BOLD),
            selection: Style::default().add_modifier(Modifier::REVERSED),
            gutter: Style::default().add_modifier(Modifier::DIM),
            title: Style::default().add_modifier(Modifier::BOLD),
            ok: Style::default(),
            warn: Style::default().add_modifier(Modifier::BOLD),
            error: Style::default().add_modifier(Modifier::BOLD),
            highlight: Style::default().add_modifier(Modifier::REVERSED),
            mono: true,
        },
        "light" => Palette {
            text: fg(Color::Black),
            dim: fg(Color::Gray),
            accent: fg(Color::Blue),
            border: fg(Color::Gray),
            border_focus: fg(Color::Blue),
            selection: Style::default().bg(Color::Rgb(200, 215, 255)),
            gutter: fg(Color::Gray),
            title: fg(Color::Black).add_modifier(Modifier::BOLD),
            ok: fg(Color::Green),
            warn: fg(Color::Rgb(170, 110, 0)),
            error: fg(Color::Red),
            highlight: Style::default().bg(Color::Rgb(225, 225, 235)),
            mono: false,
        },
        "high-contrast" => Palette {
            text: fg(Color::White),
            dim: fg(Color::Gray),
            accent: fg(Color::LightCyan),
            border: fg(Color::White),
            border_focus: fg(Color::LightYellow),
            selection: Style::default().bg(Color::Blue).fg(Color::White),
            gutter: fg(Color::Gray),
            title: fg(Color::LightYellow).add_modifier(Modifier::BOLD),
            ok: fg(Color::LightGreen),
            warn: fg(Color::LightYellow),
            error: fg(Color::LightRed),
            highlight: Style::default().bg(Color::White).fg(Color::Black),
            mono: false,
        },
        _ => Palette {
            text: fg(Color::Rgb(220, 223, 228)),
            dim: fg(Color::Rgb(110, 118, 129)),
            accent: fg(Color::Rgb(97, 175, 239)),
            border: fg(Color::Rgb(80, 86, 96)),
            border_focus: fg(Color::Rgb(97, 175, 239)),
            selection: Style::default().bg(Color::Rgb(62, 68, 81)),
            gutter: fg(Color::Rgb(92, 99, 112)),
            title: fg(Color::Rgb(229, 192, 123)).add_modifier(Modifier::BOLD),
            ok: fg(Color::Rgb(152, 195, 121)),
            warn: fg(Color::Rgb(229, 192, 123)),
            error: fg(Color::Rgb(224, 108, 117)),
            highlight: Style::default().bg(Color::Rgb(44, 50, 60)),
            mono: false,
        },
    }
}

impl Palette {
    pub fn severity_color(&self, s: Severity) -> Color {
        if self.mono {
            return Color::Reset;
        }
        match s {
            Severity::Info => Color::Rgb(97, 175, 239),
            Severity::Low => Color::Rgb(152, 195, 121),
            Severity::Medium => Color::Rgb(229, 192, 123),
            Severity::High => Color::Rgb(209, 154, 102),
            Severity::Critical => Color::Rgb(224, 108, 117),
        }
    }
    pub fn severity(&self, s: Severity) -> Style {
        if self.mono {
            return if s >= Severity::High {
                Style::default().add_modifier(Modifier::BOLD)
            } else {
                Style::default()
            };
        }
        Style::default().fg(self.severity_color(s))
    }
    pub fn verdict(&self, v: Verdict) -> Style {
        let s = match v {
            Verdict::Allow => self.ok,
            Verdict::Review => self.warn,
            Verdict::Block => self.error,
        };
        s.add_modifier(Modifier::BOLD)
    }
}

pub fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Low => "low",
        Severity::Medium => "medium",
        Severity::High => "high",
        Severity::Critical => "critical",
    }
}
