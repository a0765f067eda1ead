//! Error-tolerant JavaScript tokens for syntax highlighting.
