//! Host modules for `require` and `import`: their JavaScript sources, compiled once per process
//! and evaluated in a sandbox only on its first `require('<name>')` (or static `import`) of
//! one that the run's permissions allow; the pure Rust parts their native functions call
//! (`crypto.rs`); and how an ES module run is told from a classic script.
//!
//! The contract every module follows: `<name>.js` holds one function expression
//! `(function (host, require, module) { …; return exports; })`. The bridge (`exec/host.rs`,
//! the only place JS is handed host functions) evaluates it and calls it with `host` = a frozen
//! object of the native functions that module needs (plain values in, plain values out),
//! `require` = the sandbox's own `require`, `module` = `{ name }`, and caches the exports for
//! the run.

pub(crate) mod crypto;

use super::host::SharedHost;
use super::quickjs;
use super::JsError;
use rquickjs::{qjs, Ctx, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// One host module: its name (as `require` takes it, without `node:`) and its source.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HostModule {
    pub name: &'static str,
    source: &'static str,
}

macro_rules! modules {
    ($($name:literal),* $(,)?) => {
        /// Every host module this build provides, by name.
        pub(crate) const MODULES: &[HostModule] = &[
            $(HostModule { name: $name, source: include_str!(concat!($name, ".js")) },)*
        ];
    };
}

modules!(
    "assert",
    "buffer",
    "crypto",
    "events",
    "fs",
    "fs/promises",
    "path",
    "querystring",
    "stream",
    "string_decoder",
    "url",
    "util",
);

/// The name a module goes by: `node:path` and `path` are one module.
pub(crate) fn base_name(name: &str) -> &str {
    name.strip_prefix("node:").unwrap_or(name)
}

/// The host module `name` names (`node:` prefix allowed), if this build provides one.
pub(crate) fn find(name: &str) -> Option<&'static HostModule> {
    let base = base_name(name);
    MODULES.iter().find(|m| m.name == base)
}

impl HostModule {
    /// The module's JavaScript source (this build's own).
    pub(crate) fn source(&self) -> &'static str {
        self.source
    }

    /// File name of the module's frames in stack traces (`node:path`, as Node names them).
    pub(crate) fn filename(&self) -> String {
        format!("node:{}", self.name)
    }
}

/// Why a host module could not be loaded (a bug of this build, never of the script).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ModuleError {
    #[error("host module '{name}' does not compile: {error}")]
    Compile { name: &'static str, error: String },
}

/// Compiled host modules by name.
type Cache = Mutex<HashMap<&'static str, Arc<[u8]>>>;

/// Bytecode of every host module compiled so far in this process, by name.
fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The module's bytecode: compiled on first use in this process (in this thread's compiler
/// context, from this crate's own source: trusted like the host setup script), then shared.
pub(crate) fn bytecode(m: &'static HostModule) -> Result<Arc<[u8]>, ModuleError> {
    if let Some(b) = cache()
        .lock()
        .ok()
        .and_then(|c| c.get(m.name).map(Arc::clone))
    {
        return Ok(b);
    }
    // Compiled outside the lock: two threads may both compile a module once; each gets the
    // same bytes and the first stored is kept.
    let bytes: Arc<[u8]> = quickjs::compile_host_source(m.source, &m.filename())
        .map_err(|e: JsError| ModuleError::Compile {
            name: m.name,
            error: format!("{}: {}", e.name, e.message),
        })?
        .into();
    let mut c = cache().lock().unwrap_or_else(|p| p.into_inner());
    Ok(Arc::clone(c.entry(m.name).or_insert(bytes)))
}

/// Uses `bytes` as this process's bytecode of host module `name` (a worker receives it from
/// its parent, which compiled it once for all its workers: see `process::protocol`'s host
/// code section). False when `name` is not a host module of this build.
///
/// Only for bytecode from a trusted producer of the same build: QuickJS does not validate
/// bytecode it loads.
pub(crate) fn provide_bytecode(name: &str, bytes: Vec<u8>) -> bool {
    let Some(m) = MODULES.iter().find(|m| m.name == name) else {
        return false;
    };
    let mut c = cache().lock().unwrap_or_else(|p| p.into_inner());
    c.entry(m.name).or_insert_with(|| bytes.into());
    true
}

/// The host modules whose names `code` holds in quotes (`'util'`, `"node:util"`, `` `util` ``),
/// with the host modules those load themselves: a superset of what a run of `code` can
/// `require` or import by a constant name. (A computed name is missed: the worker then
/// compiles that module itself, as before.) One pass over the code.
pub(crate) fn named_in(code: &str) -> Vec<&'static HostModule> {
    let Some(finder) = module_name_finder() else {
        return Vec::new();
    };
    let mut named = vec![false; MODULES.len()];
    let mut todo: Vec<usize> = finder.named(code);
    // The modules the named ones load, from a table made once from their own sources.
    while let Some(i) = todo.pop() {
        if named.get(i).copied() == Some(false) {
            named[i] = true;
            todo.extend(finder.deps.get(i).into_iter().flatten().copied());
        }
    }
    MODULES
        .iter()
        .zip(named)
        .filter_map(|(m, n)| n.then_some(m))
        .collect()
}

/// Finds quoted host module names; built once per process.
struct NameFinder {
    patterns: aho_corasick::AhoCorasick,
    /// The module (index into [`MODULES`]) of each pattern.
    module_of: Vec<usize>,
    /// The modules each module's own source names.
    deps: Vec<Vec<usize>>,
}

impl NameFinder {
    fn named(&self, text: &str) -> Vec<usize> {
        // Repeats are left in: `named_in` takes each module once.
        self.patterns
            .find_iter(text)
            .filter_map(|hit| self.module_of.get(hit.pattern().as_usize()).copied())
            .collect()
    }
}

fn module_name_finder() -> Option<&'static NameFinder> {
    static FINDER: OnceLock<Option<NameFinder>> = OnceLock::new();
    FINDER
        .get_or_init(|| {
            let mut pats = Vec::new();
            let mut module_of = Vec::new();
            for (i, m) in MODULES.iter().enumerate() {
                for q in ['\'', '"', '`'] {
                    pats.push(format!("{q}{}{q}", m.name));
                    pats.push(format!("{q}node:{}{q}", m.name));
                    module_of.extend([i, i]);
                }
            }
            let mut f = NameFinder {
                patterns: aho_corasick::AhoCorasick::new(&pats).ok()?,
                module_of,
                deps: Vec::new(),
            };
            f.deps = MODULES.iter().map(|m| f.named(m.source)).collect();
            Some(f)
        })
        .as_ref()
}

/// Whether `code` (named `filename`) runs as an ES module rather than a classic script: its
/// name ends in `.mjs`, or it holds an `import` or `export` declaration — which a classic
/// script cannot hold (it would not parse), so no script that runs today changes meaning.
/// Found with the lexer: text in comments, strings, templates and regular expressions never
/// counts, nor do `import(…)`, `import.meta` alone, or `x.import` / `{ export: 1 }`.
pub(crate) fn is_es_module(code: &str, filename: &str) -> bool {
    if filename.ends_with(".mjs") {
        return true;
    }
    if filename.ends_with(".cjs") {
        return false;
    }
    // Cheap rejection: most scripts name neither keyword.
    if !code.contains("import") && !code.contains("export") {
        return false;
    }
    declarations(code).next().is_some()
}

/// The significant tokens of `code` that start an `import` or `export` declaration: each
/// keyword's byte offset and the module named by its `from '…'` (or `import '…'`) clause.
fn declarations(code: &str) -> impl Iterator<Item = (usize, Option<String>)> + '_ {
    use crate::engine::lexer::{tokenize, TokenKind};
    let toks: Vec<_> = tokenize(code)
        .into_iter()
        .filter(|t| !matches!(t.kind, TokenKind::Whitespace | TokenKind::Comment))
        .collect();
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let word = t.text(code);
        if t.kind != TokenKind::Keyword || !(word == "import" || word == "export") {
            continue;
        }
        if i > 0 && matches!(toks[i - 1].text(code), "." | "?.") {
            continue;
        }
        let Some(next) = toks.get(i + 1) else {
            continue;
        };
        let next_text = next.text(code);
        // `import(` is a dynamic import, `import.meta` an expression; `{ import: 1 }` and
        // `{ export: 1 }` are property names.
        if matches!(next_text, "(" | "." | ":" | "," | ")" | "}" | "=" | ";") {
            continue;
        }
        // The module this declaration names: the string after `from`, or right after
        // `import` (`import 'x'`), within the next few dozen tokens.
        let mut named = None;
        if word == "import" && next.kind == TokenKind::String {
            named = Some(unquote(next_text));
        } else {
            for (j, u) in toks.iter().enumerate().skip(i + 1).take(256) {
                let text = u.text(code);
                if text == ";"
                    || (u.kind == TokenKind::Keyword
                        && j > i + 1
                        && (text == "import" || text == "export"))
                {
                    break;
                }
                if text == "from" {
                    if let Some(s) = toks.get(j + 1).filter(|s| s.kind == TokenKind::String) {
                        named = Some(unquote(s.text(code)));
                    }
                    break;
                }
            }
        }
        out.push((t.start, named));
        if out.len() > 10_000 {
            break;
        }
    }
    out.into_iter()
}

fn unquote(s: &str) -> String {
    let inner = s
        .strip_prefix(['\'', '"'])
        .and_then(|x| x.strip_suffix(['\'', '"']))
        .unwrap_or(s);
    crate::engine::text::truncate(inner, 1024).into_owned()
}

/// Line and column (1-based) of the first `import … from '<name>'` (or `export … from`)
/// declaration of `code` that names module `name`, else of its first declaration.
pub(crate) fn import_location(code: &str, name: &str) -> (Option<u32>, Option<u32>) {
    let decls: Vec<_> = declarations(code).collect();
    let pick = decls
        .iter()
        .find(|d| d.1.as_deref() == Some(name))
        .or_else(|| decls.first());
    pick.and_then(|&(at, _)| super::locate::line_col(code, at))
        .unzip()
}

/// Loads the run's own compiled code into `ctx` and evaluates it. A classic script answers
/// its completion value and no namespace. An ES module first has its static imports resolved
/// (host modules only: see `host::module_loader`; nothing of it has run yet), then runs:
/// it answers the promise of its evaluation (top-level await settles through the job queue)
/// and its namespace, whose `default` export is the run's value.
pub(crate) fn run_program<'js>(
    ctx: &Ctx<'js>,
    bytes: &[u8],
    host: &SharedHost,
) -> rquickjs::Result<(Value<'js>, Option<Value<'js>>)> {
    let raw = ctx.as_raw().as_ptr();
    // Reading a module's bytecode already resolves its imports: the loader loads host
    // modules from here until JS_ResolveModule is done (a script's bytecode imports nothing).
    host.borrow_mut().linking = true;
    // SAFETY: bytes were produced by this process's compiler (never by a user).
    let obj = unsafe { quickjs::read_bytecode(ctx, bytes) };
    host.borrow_mut().linking = false;
    // SAFETY: reading the tag of an owned value.
    let tag = unsafe { qjs::JS_VALUE_GET_TAG(obj) };
    if tag == qjs::JS_TAG_EXCEPTION {
        host.borrow_mut().pending_imports.clear();
        return Err(rquickjs::Error::Exception);
    }
    let mut module_def = None;
    if tag == qjs::JS_TAG_MODULE {
        host.borrow_mut().linking = true;
        // SAFETY: obj is a live module value of this context.
        let resolved = unsafe { qjs::JS_ResolveModule(raw, obj) };
        host.borrow_mut().linking = false;
        if resolved < 0 {
            host.borrow_mut().pending_imports.clear();
            // SAFETY: obj is still ours to release.
            unsafe { qjs::JS_FreeValue(raw, obj) };
            return Err(rquickjs::Error::Exception);
        }
        // Reading is over: the imported host modules run now, before any of the run's code.
        if let Err(e) = super::host::declare_host_imports(ctx, host) {
            // SAFETY: obj is still ours to release.
            unsafe { qjs::JS_FreeValue(raw, obj) };
            return Err(e);
        }
        // SAFETY: a module value's pointer is its JSModuleDef, which the context's list of
        // loaded modules keeps alive after JS_EvalFunction has taken `obj`.
        module_def = Some(unsafe { qjs::JS_VALUE_GET_PTR(obj) as *mut qjs::JSModuleDef });
    }
    // SAFETY: JS_EvalFunction takes ownership of obj; the result is owned.
    let r = unsafe { qjs::JS_EvalFunction(raw, obj) };
    // SAFETY: ownership moves into the Value.
    let v = unsafe { Value::from_raw(ctx.clone(), r) };
    if v.is_exception() {
        return Err(rquickjs::Error::Exception);
    }
    // The namespace exists once the module is linked (by JS_EvalFunction).
    let namespace = match module_def {
        Some(m) => {
            // SAFETY: m is a linked module of this context; the namespace is a new reference.
            let ns = unsafe { Value::from_raw(ctx.clone(), qjs::JS_GetModuleNamespace(raw, m)) };
            if ns.is_exception() {
                return Err(rquickjs::Error::Exception);
            }
            Some(ns)
        }
        None => None,
    };
    Ok((v, namespace))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_compiles_and_is_a_function_expression() {
        for m in MODULES {
            let b = bytecode(m).unwrap_or_else(|e| panic!("{e}"));
            assert!(!b.is_empty());
            assert!(
                m.source.contains("(function (host, require, module) {"),
                "{}: must follow the contract",
                m.name
            );
        }
    }

    #[test]
    fn module_runs_are_told_from_scripts() {
        let yes = [
            "import path from 'path';\npath.join('a')",
            "import { createHash } from 'node:crypto'",
            "import * as u from 'util'",
            "import 'events'",
            "export const x = 1",
            "export default 42",
            "let a = 1;\nexport { a }",
        ];
        for c in yes {
            assert!(is_es_module(c, "a.js"), "{c}");
        }
        let no = [
            "1 + 1",
            "import('fs').catch(() => 0)",
            "const o = { import: 1, export: 2 }; o.import + o.export",
            "// import x from 'y'\n'export default 1'",
            "`import ${x} from`",
            "x.import; x.export",
            "/import a from 'b'/.test(s)",
        ];
        for c in no {
            assert!(!is_es_module(c, "a.js"), "{c}");
        }
        assert!(is_es_module("1", "x.mjs"));
        assert!(!is_es_module("export default 1", "x.cjs"));
    }

    #[test]
    fn an_import_is_located_by_the_module_it_names() {
        let src = "// header\nimport path from 'path';\n  import { x } from \"fs\";\n";
        assert_eq!(import_location(src, "fs"), (Some(3), Some(3)));
        assert_eq!(import_location(src, "path"), (Some(2), Some(1)));
        assert_eq!(import_location(src, "zz"), (Some(2), Some(1)));
        let src = "import {\n  a,\n  b,\n} from 'vm';\nimport 'os';";
        assert_eq!(import_location(src, "vm"), (Some(1), Some(1)));
        assert_eq!(import_location(src, "os"), (Some(5), Some(1)));
        assert_eq!(import_location("1", "os"), (None, None));
    }
}
