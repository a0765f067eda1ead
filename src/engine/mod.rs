//! The engine: scanner, executors, policy, trust and audit. No UI imports; an async runtime
//! only behind `trust::telemetry`'s exporter thread.

pub mod broker;
pub mod exec;
pub mod hash;
pub mod lexer;
pub mod policy;
pub(crate) mod procfs;
pub mod scan;
pub mod text;
pub mod trust;

use serde::{Deserialize, Serialize};

/// The one vocabulary of threat categories, shared by the scanner, the executors' blocked
/// attempts, the CLI and the TUI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    VmEscape,
    CodeGeneration,
    ProcessAccess,
    ModuleLoading,
    PrototypePollution,
    Filesystem,
    Network,
    ChildProcess,
    Cryptomining,
    Obfuscation,
    /// Limit hits (timeout, memory, stack, output).
    Resource,
}

impl Category {
    pub const ALL: [Category; 11] = [
        Category::VmEscape,
        Category::CodeGeneration,
        Category::ProcessAccess,
        Category::ModuleLoading,
        Category::PrototypePollution,
        Category::Filesystem,
        Category::Network,
        Category::ChildProcess,
        Category::Cryptomining,
        Category::Obfuscation,
        Category::Resource,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::VmEscape => "vm-escape",
            Category::CodeGeneration => "code-generation",
            Category::ProcessAccess => "process-access",
            Category::ModuleLoading => "module-loading",
            Category::PrototypePollution => "prototype-pollution",
            Category::Filesystem => "filesystem",
            Category::Network => "network",
            Category::ChildProcess => "child-process",
            Category::Cryptomining => "cryptomining",
            Category::Obfuscation => "obfuscation",
            Category::Resource => "resource",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_names_round_trip_through_serde_and_parse() {
        for c in Category::ALL {
            let json = serde_json::to_string(&c).expect("serialise");
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
        assert_eq!(Category::parse("nope"), None);
    }
}
