//! The session's messages: what the status bar said, kept for the messages view.

use std::collections::VecDeque;

/// Messages kept for the messages view.
pub const MAX_MESSAGES: usize = 200;

/// How serious a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageLevel {
    Info,
    Warning,
}

/// One line of the messages view (escaped and bounded when it was said).
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub level: MessageLevel,
    pub text: String,
}

/// Every message of the session, newest last (the oldest dropped past [`MAX_MESSAGES`]), and
/// the warnings among them said since the messages view was last opened.
#[derive(Debug, Clone, Default)]
pub struct MessageLog {
    messages: VecDeque<Message>,
    unseen_warnings: usize,
}

impl MessageLog {
    pub(super) fn push(&mut self, level: MessageLevel, text: String) {
        if self.messages.len() >= MAX_MESSAGES {
            self.messages.pop_front();
        }
        self.messages.push_back(Message { level, text });
        if level == MessageLevel::Warning {
            self.unseen_warnings += 1;
        }
    }

    pub fn len(&self) -> usize {
        self.messages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// Oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Message> {
        self.messages.iter()
    }

    /// Warnings said since the messages view was last opened.
    pub fn unseen_warnings(&self) -> usize {
        self.unseen_warnings
    }

    /// The messages view was opened: every warning so far has been seen.
    pub(super) fn seen(&mut self) {
        self.unseen_warnings = 0;
    }
}
