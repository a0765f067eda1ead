//! The engine: scanner, executors, policy, trust and audit. No UI imports; an async runtime
//! only behind `trust::telemetry`'s exporter thread.

/// For a fieldless enum named by fixed strings: `ALL` (in the order listed), `as_str`,
/// `parse` (its inverse) and `Display` (as `as_str`).
macro_rules! string_names {
    ($ty:ident { $($variant:ident => $name:literal,)+ }) => {
        impl $ty {
            pub const ALL: [$ty; [$($name),+].len()] = [$($ty::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name,)+
                }
            }

            pub fn parse(s: &str) -> Option<$ty> {
                $ty::ALL.into_iter().find(|c| c.as_str() == s)
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

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

string_names!(Category {
    VmEscape => "vm-escape",
    CodeGeneration => "code-generation",
    ProcessAccess => "process-access",
    ModuleLoading => "module-loading",
    PrototypePollution => "prototype-pollution",
    Filesystem => "filesystem",
    Network => "network",
    ChildProcess => "child-process",
    Cryptomining => "cryptomining",
    Obfuscation => "obfuscation",
    Resource => "resource",
});

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
