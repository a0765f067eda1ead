//! Colour in the headless output: `anstyle` styles, and one rule for whether standard output
//! gets them, anstream's: `NO_COLOR` set and non-empty turns colour off, `CLICOLOR_FORCE`
//! turns it on, otherwise colour goes only to a terminal whose `TERM` supports it. The
//! workbench applies the same `NO_COLOR` rule (`anstyle_query::no_color`).
//!
//! Renderers take the decision as a `bool` so they stay pure functions of their input.

use anstyle::{AnsiColor, Style};

/// Whether standard output gets colour.
pub(crate) fn stdout_colour() -> bool {
    anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
}

/// `text` in `style` when `colour`, else `text` as it is.
pub(crate) fn paint(colour: bool, style: Style, text: &str) -> String {
    if colour {
        format!("{style}{text}{style:#}")
    } else {
        text.to_string()
    }
}

pub(crate) const PLAIN: Style = Style::new();
pub(crate) const BOLD: Style = Style::new().bold();
pub(crate) const DIM: Style = Style::new().dimmed();
pub(crate) const RED: Style = AnsiColor::Red.on_default();
pub(crate) const GREEN: Style = AnsiColor::Green.on_default();
pub(crate) const YELLOW: Style = AnsiColor::Yellow.on_default();
pub(crate) const BLUE: Style = AnsiColor::Blue.on_default();
pub(crate) const CYAN: Style = AnsiColor::Cyan.on_default();
pub(crate) const BOLD_RED: Style = RED.bold();
pub(crate) const BOLD_GREEN: Style = GREEN.bold();
pub(crate) const BOLD_YELLOW: Style = YELLOW.bold();
pub(crate) const BOLD_MAGENTA: Style = AnsiColor::Magenta.on_default().bold();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paints_only_when_asked_and_plain_text_survives_stripping() {
        assert_eq!(paint(false, BOLD_RED, "block"), "block");
        let red = paint(true, BOLD_RED, "block");
        assert!(
            red.starts_with('\x1b') && red.ends_with("\x1b[0m"),
            "{red:?}"
        );
        assert_eq!(anstream::adapter::strip_str(&red).to_string(), "block");
        assert_eq!(paint(true, PLAIN, "log"), "log");
    }
}
