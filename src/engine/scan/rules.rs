//! The rule table: every finding the scanner can make, with a stable id, category, base
//! score, severity, message and remediation. Detection lives in `ast/` (syntax),
//! `obfuscation.rs` (text-level families) and the token fallback in `mod.rs`.
//!
//! The `rules!` macro generates [`RuleId`] (one variant per rule) together with [`RULES`], so a
//! detector can only name a rule that is in the table: the compiler checks what a test used to
//! grep the sources for.

use super::Severity;
use crate::engine::Category;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One rule of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable id; its kebab-case string is what JSON, SARIF and sample headers show.
    pub id: RuleId,
    /// Stable opaque id for SARIF (`SB1001`…); never reused, never renumbered.
    pub sarif_id: &'static str,
    pub category: Category,
    /// Score 0–100 of one finding in the plugin context (code meant to run in the sandbox,
    /// where reaching the capability is itself the threat), and in the package context when
    /// the finding carries evidence (concealment, or an argument that carries a threat).
    pub score: u8,
    /// Score in the package context of plain use: a capability used in the open, with no
    /// evidence. Below the block threshold for every capability rule; equal to `score` for
    /// rules whose finding is evidence in itself (a constructor chain, decoded code run).
    pub package: u8,
    pub severity: Severity,
    /// One-line description (SARIF `shortDescription`).
    pub message: &'static str,
    /// What to do about it (SARIF `help`).
    pub remediation: &'static str,
}

use Category as C;
use Severity as S;

macro_rules! rules {
    ($($var:ident = $id:literal, $sarif:literal, $cat:expr, $score:literal, $package:literal, $sev:expr, $msg:literal, $fix:literal;)*) => {
        /// The id of a rule. Serialises as its kebab-case string (`"constructor-chain"`).
        /// Variants are in table order, so `id as usize` indexes [`RULES`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum RuleId {
            $($var,)*
        }

        impl RuleId {
            /// Every id, in table order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$var,)*];

            /// The stable kebab-case id.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$var => $id,)*
                }
            }
        }

        /// Every rule, in a stable order (the order of [`RuleId`]).
        pub(crate) static RULES: &[Rule] = &[$(Rule {
            id: RuleId::$var, sarif_id: $sarif, category: $cat, score: $score, package: $package,
            severity: $sev, message: $msg, remediation: $fix,
        }),*];
    };
}

rules! {
    ConstructorChain = "constructor-chain", "SB1001", C::VmEscape, 100, 100, S::Critical,
        "Reaches the Function constructor through a `.constructor` chain (sandbox escape)",
        "Plugins never need the Function constructor; remove the chain. The sandbox contains it, but the intent is an escape.";
    FunctionConstructor = "function-constructor", "SB1002", C::CodeGeneration, 80, 45, S::High,
        "Builds code from a string with the Function constructor",
        "Replace generated code with ordinary functions; code built from strings cannot be reviewed.";
    FunctionGlobalIdiom = "function-global-idiom", "SB1003", C::CodeGeneration, 20, 20, S::Low,
        "Well-known idiom `Function('return this')()` to find the global object",
        "Use `globalThis` instead.";
    EvalDirect = "eval-direct", "SB1004", C::CodeGeneration, 80, 50, S::High,
        "Calls `eval` on a string",
        "Parse data with JSON.parse and use ordinary functions instead of eval.";
    EvalIndirect = "eval-indirect", "SB1005", C::CodeGeneration, 80, 60, S::Critical,
        "Reaches `eval` indirectly (alias, `(0,eval)`, computed global lookup)",
        "Remove the indirect eval; hiding the call is a classic evasion.";
    TimerString = "timer-string", "SB1006", C::CodeGeneration, 80, 40, S::Medium,
        "Passes a string to setTimeout/setInterval, which evaluates it as code",
        "Pass a function instead of a string.";
    EncodedExec = "encoded-exec", "SB1007", C::CodeGeneration, 95, 95, S::Critical,
        "Decodes a hidden payload and executes it",
        "Decode nothing into code: ship readable source.";
    ProcessBinding = "process-binding", "SB1008", C::ProcessAccess, 90, 60, S::Critical,
        "Uses `process.binding` / `process.dlopen` to reach native internals",
        "Native bindings bypass every Node.js safeguard; remove the call.";
    ProcessMainmodule = "process-mainmodule", "SB1009", C::ProcessAccess, 90, 60, S::Critical,
        "Uses `process.mainModule` to reach the host's module loader",
        "Remove the access; it is a known sandbox escape route.";
    ProcessEnv = "process-env", "SB1010", C::ProcessAccess, 90, 40, S::High,
        "Serialises or enumerates the whole environment (`process.env`)",
        "Read only the variables you need, by name; never send the environment anywhere.";
    ProcessExit = "process-exit", "SB1011", C::ProcessAccess, 90, 30, S::Medium,
        "Terminates or signals processes (`process.exit` / `process.kill` / `process.abort`)",
        "A plugin should return an error, not end the host.";
    RequireDangerous = "require-dangerous", "SB1012", C::ModuleLoading, 70, 40, S::High,
        "Loads a module that executes code or inspects the runtime (vm, module, v8, inspector, worker_threads…)",
        "Remove the import; sandboxed code has no use for these modules.";
    DynamicImport = "dynamic-import", "SB1013", C::ModuleLoading, 70, 45, S::Medium,
        "Imports a module whose name is computed at run time",
        "Import modules by constant names so they can be reviewed.";
    RequireDynamic = "require-dynamic", "SB1014", C::ModuleLoading, 40, 25, S::Low,
        "Calls `require` with a computed module name",
        "Require modules by constant names so they can be reviewed.";
    ModuleLoad = "module-load", "SB1015", C::ModuleLoading, 70, 60, S::High,
        "Uses the module loader's internals (`Module._load`, `module.constructor`, `module.require`)",
        "Use ordinary imports; loader internals are an escape route.";
    RequireCache = "require-cache", "SB1016", C::ModuleLoading, 70, 50, S::Medium,
        "Tampers with `require.cache` / `Module._cache` or replaces `require`",
        "Never modify the module cache; it changes code other modules run.";
    ProtoPollution = "proto-pollution", "SB1017", C::PrototypePollution, 85, 85, S::Critical,
        "Writes through `__proto__` / `constructor.prototype` (prototype pollution)",
        "Use Object.create(null) dictionaries or Map, and reject `__proto__` keys.";
    ProtoSet = "proto-set", "SB1018", C::PrototypePollution, 10, 10, S::Info,
        "Replaces an object's prototype through `__proto__`",
        "Use Object.setPrototypeOf / Object.create on your own objects.";
    BuiltinPrototypeWrite = "builtin-prototype-write", "SB1019", C::PrototypePollution, 85, 50, S::High,
        "Modifies a built-in prototype or global (Object.prototype, Array.prototype…)",
        "Do not patch built-ins; write helper functions instead.";
    FsAccess = "fs-access", "SB1020", C::Filesystem, 85, 30, S::Medium,
        "Loads the filesystem module or reads/writes files",
        "Pass the data the plugin needs as input instead of reading files.";
    SensitivePath = "sensitive-path", "SB1021", C::Filesystem, 30, 30, S::Low,
        "Mentions a credential or system file path (~/.ssh, /etc/passwd, .npmrc, .aws…)",
        "A path alone is not a read; check where it goes.";
    ChildProcess = "child-process", "SB1022", C::ChildProcess, 95, 50, S::Critical,
        "Loads `child_process` or runs shell commands",
        "Plugins must not start processes; remove the call.";
    ChildProcessDetached = "child-process-detached", "SB1023", C::ChildProcess, 95, 65, S::Critical,
        "Starts a detached, silent background process",
        "Remove it: a detached silent child outlives the host and hides its output.";
    NetworkFetch = "network-fetch", "SB1024", C::Network, 75, 20, S::Medium,
        "Makes network requests (fetch, XMLHttpRequest, WebSocket, sendBeacon)",
        "Declare network needs explicitly; sandboxed code gets no network.";
    NetworkModule = "network-module", "SB1025", C::Network, 75, 20, S::Medium,
        "Loads a network module (http, https, net, dgram, dns, tls)",
        "Sandboxed code gets no network; remove the import.";
    Exfiltration = "exfiltration", "SB1026", C::Network, 90, 90, S::Critical,
        "Sends environment variables, files, cookies, form values or stored tokens over the network",
        "Remove it: this is data theft.";
    Cryptominer = "cryptominer", "SB1027", C::Cryptomining, 95, 95, S::Critical,
        "Cryptocurrency miner: a miner's names or protocol together with its behaviour (pool connection, hashing loop, workers or WebAssembly)",
        "Remove the miner.";
    ObfuscationJsfuck = "obfuscation-jsfuck", "SB1028", C::Obfuscation, 90, 90, S::Critical,
        "JSFuck-style code made only of []()!+ characters",
        "Refuse obfuscated code; ask for readable source.";
    ObfuscationJjencode = "obfuscation-jjencode", "SB1029", C::Obfuscation, 85, 85, S::Critical,
        "jjencode / aaencode symbol-only encoding",
        "Refuse obfuscated code; ask for readable source.";
    ObfuscationHexNames = "obfuscation-hex-names", "SB1030", C::Obfuscation, 50, 50, S::Medium,
        "Many `_0x…` hexadecimal identifiers (obfuscator.io style)",
        "Refuse obfuscated code; ask for readable source.";
    ObfuscationStringArray = "obfuscation-string-array", "SB1031", C::Obfuscation, 65, 65, S::High,
        "Rotated string-array decoder (obfuscator.io style)",
        "Refuse obfuscated code; ask for readable source.";
    ObfuscationPacker = "obfuscation-packer", "SB1032", C::Obfuscation, 85, 85, S::Critical,
        "Dean Edwards packer: `eval(function(p,a,c,k,e,d)…)`",
        "Refuse packed code; ask for readable source.";
    EncodedBlob = "encoded-blob", "SB1033", C::Obfuscation, 35, 35, S::Low,
        "Long base64 / hex blob decoded at run time",
        "Ship data as readable files; large encoded blobs hide payloads.";
    TrojanSource = "trojan-source", "SB1034", C::Obfuscation, 85, 85, S::Critical,
        "Bidirectional control characters outside string literals (trojan source)",
        "Remove the bidi controls; they make the code read differently from how it runs.";
    InvisibleChar = "invisible-char", "SB1035", C::Obfuscation, 70, 70, S::High,
        "Zero-width or invisible characters in code or identifiers",
        "Remove invisible characters; they hide what the code does.";
    HomoglyphIdentifier = "homoglyph-identifier", "SB1036", C::Obfuscation, 60, 60, S::Medium,
        "Identifier mixes Latin letters with look-alike Cyrillic or Greek letters",
        "Rename the identifier with one script.";
    HiddenWhitespace = "hidden-whitespace", "SB1037", C::Obfuscation, 60, 60, S::Medium,
        "Code hidden after a long run of whitespace",
        "Put each statement on its own visible line.";
    DeepNesting = "deep-nesting", "SB1038", C::Obfuscation, 50, 50, S::Medium,
        "Nesting too deep to analyse; only text-level rules ran",
        "Flatten the code; no honest script nests this deep.";
    CredentialRead = "credential-read", "SB1039", C::Filesystem, 85, 85, S::Critical,
        "A credential or system file path reaches a file read",
        "There is no honest reason for a plugin or dependency to read credential files.";
    PersistenceWrite = "persistence-write", "SB1040", C::Filesystem, 85, 85, S::Critical,
        "Writes a shell start-up file, autostart entry, scheduled job or git hook (persistence)",
        "Remove it: code that installs itself to run again later is a backdoor.";
    VmRun = "vm-run", "SB1041", C::CodeGeneration, 80, 45, S::High,
        "Runs code through the vm module or the module compiler (runInThisContext, Script, compileFunction, _compile)",
        "Sandboxed code has no use for the vm module; remove the call.";
    ProcessEnvRead = "process-env-read", "SB1042", C::ProcessAccess, 90, 5, S::Low,
        "Reads the host's environment variables",
        "Pass configuration as input instead of reading the host's environment.";
    EnvTamper = "env-tamper", "SB1043", C::ProcessAccess, 90, 85, S::Critical,
        "Sets an environment variable that makes later processes load code (LD_PRELOAD, NODE_OPTIONS…)",
        "Remove it: it injects code into every process started afterwards.";
    ProcessInternals = "process-internals", "SB1044", C::ProcessAccess, 90, 30, S::High,
        "Uses process-level powers (credentials, permissions, reports, resource usage, signals)",
        "Sandboxed code has no use for the host process; remove the call.";
    RequireHost = "require-host", "SB1045", C::ModuleLoading, 70, 10, S::Medium,
        "Loads a host module the sandbox does not provide",
        "Use only the modules the sandbox grants; pass host data as input.";
    MinerName = "miner-name", "SB1046", C::Cryptomining, 30, 30, S::Low,
        "Names a miner or mining pool, with no mining behaviour in sight",
        "A name alone is not a miner; check where it is used.";
    HiddenExecution = "hidden-execution", "SB1047", C::Obfuscation, 85, 85, S::Critical,
        "Execution hidden behind decoding, folding or computed names",
        "Refuse code that hides what it runs; ask for readable source.";
    DomCodeInjection = "dom-code-injection", "SB1048", C::CodeGeneration, 80, 45, S::High,
        "Runs code through the page: a script element's text or src, a Blob/data URL worker, or `javascript:`",
        "Load only reviewed scripts; never build script text at run time.";
    ObfuscationFlattening = "obfuscation-flattening", "SB1049", C::Obfuscation, 65, 65, S::High,
        "Control flow flattened into a dispatch loop driven by an order string",
        "Refuse obfuscated code; ask for readable source.";
    ModuleGraph = "module-graph", "SB1050", C::ModuleLoading, 70, 40, S::High,
        "Walks the host's module graph (`require.main`, `module.parent`, `module.children`) to the application's own modules",
        "A plugin has no business with the host application's modules; remove the walk.";
    // WebAssembly modules (scan/wasm.rs): imports are requested capabilities.
    WasmCommandImport = "wasm-command-import", "SB1051", C::ChildProcess, 90, 90, S::Critical,
        "Imports a host function that runs commands (system, exec, spawn…)",
        "A plugin must not start processes; the sandbox refuses the import and the module does not run.";
    WasmHostImport = "wasm-host-import", "SB1052", C::ModuleLoading, 60, 60, S::High,
        "Imports something outside WASI preview 1 (a host function, memory, table or global)",
        "Only WASI preview 1 functions are provided; the module is refused at instantiation.";
    WasmWasiFilesystem = "wasm-wasi-filesystem", "SB1053", C::Filesystem, 35, 35, S::Medium,
        "Imports WASI path functions (path_open, path_unlink_file…): asks for files",
        "No directory is granted by default: pass data through stdin-free inputs or grant a read-only directory.";
    WasmWasiNetwork = "wasm-wasi-network", "SB1054", C::Network, 45, 45, S::Medium,
        "Imports WASI socket functions (sock_send, sock_recv, sock_accept…)",
        "Sandboxed modules get no sockets; remove the calls.";
    WasmDataUrl = "wasm-data-url", "SB1055", C::Network, 30, 30, S::Low,
        "A data segment holds a URL or host name",
        "Check where the module means to connect; it gets no network in the sandbox.";
    WasmUnboundedMemory = "wasm-unbounded-memory", "SB1056", C::Resource, 5, 5, S::Info,
        "A memory has no declared maximum (the run's memory limit still applies)",
        "Declare a maximum so the module's needs are visible.";
    WasmSensitivePathOpen = "wasm-sensitive-path-open", "SB1057", C::Filesystem, 50, 50, S::Medium,
        "Imports WASI path functions and a data segment names a credential or system file path",
        "A module that can open files and carries such a path deserves a look: the sandbox grants only read-only directories you name.";
}

impl RuleId {
    /// The id with this kebab-case string.
    pub fn parse(id: &str) -> Option<RuleId> {
        RuleId::ALL.iter().copied().find(|r| r.as_str() == id)
    }

    /// This id's entry in the table.
    pub fn rule(self) -> &'static Rule {
        &RULES[self as usize]
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An id that is not in the table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule id `{0}`")]
pub struct UnknownRule(pub String);

impl std::str::FromStr for RuleId {
    type Err = UnknownRule;
    fn from_str(s: &str) -> Result<RuleId, UnknownRule> {
        RuleId::parse(s).ok_or_else(|| UnknownRule(s.to_string()))
    }
}

impl PartialEq<str> for RuleId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for RuleId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for RuleId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RuleId, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_scores_match_severity() {
        for (i, r) in RULES.iter().enumerate() {
            let id = r.id.as_str();
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{id}"
            );
            assert!(RULES[i + 1..].iter().all(|o| o.id != r.id), "dup {id}");
            assert!(
                RULES[i + 1..].iter().all(|o| o.id.as_str() != id),
                "dup string {id}"
            );
            assert!(r.score <= 100 && r.package <= r.score);
            assert!(
                r.sarif_id.len() == 6
                    && r.sarif_id.starts_with("SB")
                    && r.sarif_id[2..].bytes().all(|b| b.is_ascii_digit()),
                "{}",
                r.sarif_id
            );
            assert!(
                RULES[i + 1..].iter().all(|o| o.sarif_id != r.sarif_id),
                "dup {}",
                r.sarif_id
            );
            assert!(!r.message.is_empty() && !r.remediation.is_empty());
        }
        assert_eq!(
            RuleId::parse("eval-direct")
                .map(RuleId::rule)
                .map(|r| r.score),
            Some(80)
        );
        assert!(RuleId::parse("nope").map(RuleId::rule).is_none());
    }

    #[test]
    fn ids_index_the_table_and_round_trip_as_strings() {
        assert_eq!(RuleId::ALL.len(), RULES.len());
        for (i, &id) in RuleId::ALL.iter().enumerate() {
            assert_eq!(RULES[i].id, id);
            assert_eq!(id.rule().id, id);
            assert_eq!(RuleId::parse(id.as_str()), Some(id));
            let json = serde_json::to_string(&id).expect("serialise");
            assert_eq!(json, format!("\"{id}\""));
            let back: RuleId = serde_json::from_str(&json).expect("deserialise");
            assert_eq!(back, id);
        }
        assert_eq!(RuleId::ConstructorChain.as_str(), "constructor-chain");
        assert!(serde_json::from_str::<RuleId>("\"nope\"").is_err());
        assert_eq!(
            "nope".parse::<RuleId>(),
            Err(UnknownRule("nope".to_string()))
        );
    }
}
