//! The detection corpus of `tests/detect/` (format: `tests/detect/README.md`), scanned with
//! the library API: recall per category and context on the malicious files, false positives
//! on the benign ones. `recall_and_false_positives` is the issue-12 acceptance: plugin recall
//! of at least 95 % and no benign file over its maximum in either context.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sandbench::engine::scan::{scan, scan_with, Report, ScanContext, ScanOptions, BLOCK_AT};
use sandbench::engine::Category;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Recall the plugin context must reach (issue 12, acceptance).
const PLUGIN_RECALL_TARGET: f64 = 0.95;
/// The longest a corpus file may be.
const MAX_LINES: usize = 60;
/// Corpus size the issue asks for (ours is larger; these keep it from shrinking unnoticed).
const MIN_MALICIOUS: usize = 130;
const MIN_BENIGN: usize = 90;
const MIN_MALICIOUS_PER_CATEGORY: usize = 10;
const MIN_BENIGN_PER_CATEGORY: usize = 8;

/// The scanner categories the corpus covers: all but `Resource` (limit hits, not code).
fn categories() -> impl Iterator<Item = Category> {
    Category::ALL
        .into_iter()
        .filter(|c| *c != Category::Resource)
}

/// The score the threat model gives each category (issue 12); obfuscation has no entry there,
/// 80 is its floor when it hides execution.
fn model_score(c: Category) -> Option<u8> {
    Some(match c {
        Category::VmEscape => 100,
        Category::Cryptomining | Category::ChildProcess => 95,
        Category::ProcessAccess => 90,
        Category::Filesystem | Category::PrototypePollution => 85,
        Category::CodeGeneration | Category::Obfuscation => 80,
        Category::Network => 75,
        Category::ModuleLoading => 70,
        Category::Resource => return None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Context {
    Plugin,
    Package,
}

impl Context {
    const ALL: [Context; 2] = [Context::Plugin, Context::Package];

    fn as_str(self) -> &'static str {
        match self {
            Context::Plugin => "plugin",
            Context::Package => "package",
        }
    }

    fn parse(s: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Scans `source` as the scanner would in `context`.
fn scan_in(context: Context, source: &str) -> Report {
    let ctx = match context {
        Context::Plugin => ScanContext::Plugin,
        Context::Package => ScanContext::Package,
    };
    scan_with(source, &ScanOptions::in_context(ctx))
}

#[derive(Debug, Clone, PartialEq)]
enum Expect {
    Malicious {
        category: Category,
        min: u8,
        contexts: Vec<Context>,
    },
    Benign {
        category: Category,
        max_plugin: u8,
        max_package: u8,
    },
}

impl Expect {
    fn category(&self) -> Category {
        match self {
            Expect::Malicious { category, .. } | Expect::Benign { category, .. } => *category,
        }
    }
}

struct Entry {
    /// Relative to `tests/detect/`, e.g. `malicious/network/dns-exfil.js`.
    name: String,
    source: String,
    expect: Expect,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/detect")
}

fn parse_u8(key: &str, v: &str) -> Result<u8, String> {
    match v.parse::<u8>() {
        Ok(n) if n <= 100 => Ok(n),
        _ => Err(format!("`{key}` must be an integer 0..=100, got `{v}`")),
    }
}

/// Parses the two header lines. `kind` is `malicious` or `benign` (the top folder).
fn parse_header(kind: &str, source: &str) -> Result<Expect, String> {
    let mut lines = source.lines();
    let first = lines.next().unwrap_or("");
    let why = lines.next().unwrap_or("");
    let keyword = if kind == "malicious" {
        "expect"
    } else {
        "benign"
    };
    let prefix = format!("// {keyword}:");
    let Some(rest) = first.strip_prefix(&prefix) else {
        return Err(format!("line 1 must start with `{prefix}`"));
    };
    match why.strip_prefix("// why:") {
        Some(text) if !text.trim().is_empty() => {}
        _ => return Err("line 2 must be `// why: <a sentence>`".into()),
    }
    let mut kv: BTreeMap<&str, &str> = BTreeMap::new();
    for pair in rest.split_whitespace() {
        let Some((k, v)) = pair.split_once('=') else {
            return Err(format!("`{pair}` is not key=value"));
        };
        if kv.insert(k, v).is_some() {
            return Err(format!("key `{k}` repeats"));
        }
    }
    let allowed: &[&str] = if kind == "malicious" {
        &["category", "min", "context"]
    } else {
        &["category", "max-plugin", "max-package"]
    };
    if let Some(k) = kv.keys().find(|k| !allowed.contains(k)) {
        return Err(format!(
            "unknown key `{k}` (allowed: {})",
            allowed.join(", ")
        ));
    }
    if let Some(k) = allowed.iter().find(|k| !kv.contains_key(*k)) {
        return Err(format!("missing key `{k}`"));
    }
    let cat_text = kv["category"];
    let category = Category::parse(cat_text)
        .filter(|c| categories().any(|k| k == *c))
        .ok_or_else(|| format!("unknown category `{cat_text}`"))?;
    if kind == "malicious" {
        let min = parse_u8("min", kv["min"])?;
        let want = model_score(category).unwrap_or(0);
        if min != want {
            return Err(format!("min={min}, but the model scores {cat_text} {want}"));
        }
        let mut contexts = Vec::new();
        for c in kv["context"].split(',') {
            let ctx = Context::parse(c).ok_or_else(|| format!("unknown context `{c}`"))?;
            if contexts.contains(&ctx) {
                return Err(format!("context `{c}` repeats"));
            }
            contexts.push(ctx);
        }
        if !contexts.contains(&Context::Plugin) {
            return Err("context must include `plugin` (the stricter context)".into());
        }
        contexts.sort();
        Ok(Expect::Malicious {
            category,
            min,
            contexts,
        })
    } else {
        let max_plugin = parse_u8("max-plugin", kv["max-plugin"])?;
        let max_package = parse_u8("max-package", kv["max-package"])?;
        if max_package >= BLOCK_AT {
            return Err(format!(
                "max-package={max_package}: no benign file may block in the package context"
            ));
        }
        if max_package > max_plugin {
            return Err("max-package may not exceed max-plugin".into());
        }
        Ok(Expect::Benign {
            category,
            max_plugin,
            max_package,
        })
    }
}

/// Every corpus file with its parsed header, sorted by name; header problems are collected
/// rather than thrown so one run lists them all.
fn load() -> (Vec<Entry>, Vec<String>) {
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for kind in ["malicious", "benign"] {
        let top = corpus_dir().join(kind);
        let Ok(dirs) = std::fs::read_dir(&top) else {
            problems.push(format!("{} is missing", top.display()));
            continue;
        };
        for dir in dirs.filter_map(Result::ok) {
            let folder = dir.file_name().to_string_lossy().into_owned();
            let Ok(files) = std::fs::read_dir(dir.path()) else {
                problems.push(format!("{kind}/{folder} is not a readable directory"));
                continue;
            };
            for file in files.filter_map(Result::ok) {
                let fname = file.file_name().to_string_lossy().into_owned();
                let name = format!("{kind}/{folder}/{fname}");
                if !fname.ends_with(".js") {
                    problems.push(format!("{name}: only .js files belong here"));
                    continue;
                }
                let source = match std::fs::read_to_string(file.path()) {
                    Ok(s) => s,
                    Err(e) => {
                        problems.push(format!("{name}: {e}"));
                        continue;
                    }
                };
                match parse_header(kind, &source) {
                    Ok(expect) if expect.category().as_str() != folder => problems.push(format!(
                        "{name}: header category {} does not match its folder",
                        expect.category()
                    )),
                    Ok(expect) => entries.push(Entry {
                        name,
                        source,
                        expect,
                    }),
                    Err(e) => problems.push(format!("{name}: {e}")),
                }
            }
        }
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    (entries, problems)
}

/// Hosts and addresses the corpus may name: reserved example domains, loopback and the
/// documentation ranges (RFC 2606, RFC 5737).
fn host_allowed(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    let h = h.trim_end_matches('.');
    if h == "localhost" || h == "example" || h.ends_with(".example") {
        return true;
    }
    for base in ["example.com", "example.net", "example.org"] {
        if h == base || h.ends_with(&format!(".{base}")) {
            return true;
        }
    }
    ip_allowed(h)
}

fn ip_allowed(h: &str) -> bool {
    let Ok(ip) = h.parse::<std::net::Ipv4Addr>() else {
        return false;
    };
    let o = ip.octets();
    ip.is_loopback()
        || ip.is_unspecified()
        || matches!(
            (o[0], o[1], o[2]),
            (192, 0, 2) | (198, 51, 100) | (203, 0, 113)
        )
}

/// Real-looking hosts and addresses in `source` that are not reserved for examples.
fn foreign_hosts(source: &str) -> Vec<String> {
    use std::sync::LazyLock;
    static URL: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b[a-z][a-z0-9+.-]*://([a-z0-9.-]+)").expect("static regex")
    });
    static DOMAIN: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:[a-z0-9-]+\.)+(?:com|net|org|io|ru|cn|xyz|onion)\b")
            .expect("static regex")
    });
    static IPV4: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b").expect("static regex")
    });
    let mut out: Vec<String> = Vec::new();
    let hosts = URL
        .captures_iter(source)
        .filter_map(|c| c.get(1).map(|m| m.as_str()))
        .chain(DOMAIN.find_iter(source).map(|m| m.as_str()))
        .chain(IPV4.find_iter(source).map(|m| m.as_str()));
    for h in hosts {
        if !host_allowed(h) && !out.iter().any(|o| o == h) {
            out.push(h.to_string());
        }
    }
    out
}

#[test]
fn corpus_is_well_formed() {
    let (entries, mut problems) = load();
    let mut per_cat: BTreeMap<Category, (usize, usize)> = BTreeMap::new();
    for e in &entries {
        let n = e.source.lines().count();
        if n > MAX_LINES {
            problems.push(format!("{}: {n} lines (at most {MAX_LINES})", e.name));
        }
        let hosts = foreign_hosts(&e.source);
        if !hosts.is_empty() {
            problems.push(format!("{}: non-example hosts {hosts:?}", e.name));
        }
        if let Some(err) = scan(&e.source).parse_error {
            problems.push(format!("{}: does not parse: {err}", e.name));
        }
        let slot = per_cat.entry(e.expect.category()).or_default();
        match e.expect {
            Expect::Malicious { .. } => slot.0 += 1,
            Expect::Benign { .. } => slot.1 += 1,
        }
    }
    let malicious: usize = per_cat.values().map(|c| c.0).sum();
    let benign: usize = per_cat.values().map(|c| c.1).sum();
    if malicious < MIN_MALICIOUS || benign < MIN_BENIGN {
        problems.push(format!(
            "{malicious} malicious / {benign} benign files; at least {MIN_MALICIOUS} / {MIN_BENIGN} wanted"
        ));
    }
    for c in categories() {
        let (m, b) = per_cat.get(&c).copied().unwrap_or_default();
        if m < MIN_MALICIOUS_PER_CATEGORY || b < MIN_BENIGN_PER_CATEGORY {
            problems.push(format!(
                "{c}: {m} malicious / {b} benign; at least {MIN_MALICIOUS_PER_CATEGORY} / {MIN_BENIGN_PER_CATEGORY} wanted"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "corpus problems:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn header_parser_rejects_what_the_readme_forbids() {
    let ok = "// expect: category=network min=75 context=plugin,package\n// why: x\n";
    assert!(parse_header("malicious", ok).is_ok());
    let bad = [
        (
            "malicious",
            "// expect: category=network min=70 context=plugin\n// why: x\n",
        ),
        (
            "malicious",
            "// expect: category=network min=75 context=package\n// why: x\n",
        ),
        (
            "malicious",
            "// expect: category=network min=75\n// why: x\n",
        ),
        (
            "malicious",
            "// expect: category=nope min=75 context=plugin\n// why: x\n",
        ),
        (
            "malicious",
            "// expect: category=network min=75 context=plugin\n// x\n",
        ),
        (
            "malicious",
            "// expect: category=resource min=75 context=plugin\n// why: x\n",
        ),
        (
            "malicious",
            "// expect: category=network min=75 context=plugin,plugin\n// why: x\n",
        ),
        (
            "malicious",
            "// expect: category=network min=75 context=plugin extra=1\n// why: x\n",
        ),
        (
            "benign",
            "// benign: category=network max-plugin=100 max-package=80\n// why: x\n",
        ),
        (
            "benign",
            "// benign: category=network max-plugin=39 max-package=79\n// why: x\n",
        ),
        (
            "benign",
            "// expect: category=network min=75 context=plugin\n// why: x\n",
        ),
    ];
    for (kind, src) in bad {
        assert!(parse_header(kind, src).is_err(), "accepted: {src:?}");
    }
    assert!(host_allowed("collect.example") && host_allowed("api.example.com"));
    assert!(host_allowed("203.0.113.7") && !host_allowed("8.8.8.8"));
    assert!(!host_allowed("example.com.evil.net"));
    assert_eq!(
        foreign_hosts("fetch('https://pool.minexmr.example/x'); x = 'evil-pool.com';"),
        vec!["evil-pool.com".to_string()]
    );
}

/// One malicious file's result in one context.
struct Outcome<'a> {
    entry: &'a Entry,
    context: Context,
    /// The best score among findings of the expected category (None: no such finding).
    best: Option<u8>,
    report: Report,
}

#[derive(Default, Clone, Copy)]
struct Tally {
    hit: usize,
    of: usize,
}

impl Tally {
    fn cell(self) -> String {
        if self.of == 0 {
            return "—".into();
        }
        format!(
            "{}/{} {:5.1}%",
            self.hit,
            self.of,
            100.0 * self.hit as f64 / self.of as f64
        )
    }
}

fn top_findings(r: &Report) -> String {
    if r.findings.is_empty() {
        return "no findings".into();
    }
    r.findings
        .iter()
        .take(3)
        .map(|f| format!("{} {} {}", f.rule, f.category, f.score))
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn recall_and_false_positives() {
    let (entries, problems) = load();
    assert!(
        problems.is_empty(),
        "fix the corpus first (see corpus_is_well_formed):\n  {}",
        problems.join("\n  ")
    );
    let mut recall: BTreeMap<(Category, Context), Tally> = BTreeMap::new();
    // The expected category at any score: tells "scored too low" from "not seen at all".
    let mut found: BTreeMap<(Category, Context), Tally> = BTreeMap::new();
    let mut fp: BTreeMap<(Category, Context), Tally> = BTreeMap::new();
    let mut misses: Vec<Outcome> = Vec::new();
    let mut over: Vec<(&Entry, Context, u8, u8, Report)> = Vec::new();
    for e in &entries {
        for ctx in Context::ALL {
            match &e.expect {
                Expect::Malicious {
                    category,
                    min,
                    contexts,
                } => {
                    if !contexts.contains(&ctx) {
                        continue;
                    }
                    let report = scan_in(ctx, &e.source);
                    let best = report
                        .findings
                        .iter()
                        .filter(|f| f.category == *category)
                        .map(|f| f.score)
                        .max();
                    let t = recall.entry((*category, ctx)).or_default();
                    t.of += 1;
                    let a = found.entry((*category, ctx)).or_default();
                    a.of += 1;
                    a.hit += usize::from(best.is_some());
                    if best.is_some_and(|s| s >= *min) {
                        t.hit += 1;
                    } else {
                        misses.push(Outcome {
                            entry: e,
                            context: ctx,
                            best,
                            report,
                        });
                    }
                }
                Expect::Benign {
                    category,
                    max_plugin,
                    max_package,
                } => {
                    let max = match ctx {
                        Context::Plugin => *max_plugin,
                        Context::Package => *max_package,
                    };
                    let report = scan_in(ctx, &e.source);
                    let t = fp.entry((*category, ctx)).or_default();
                    t.of += 1;
                    if report.score > max {
                        t.hit += 1;
                        over.push((e, ctx, report.score, max, report));
                    }
                }
            }
        }
    }

    let mut out = String::new();
    let n_mal = entries
        .iter()
        .filter(|e| matches!(e.expect, Expect::Malicious { .. }))
        .count();
    let _ = writeln!(
        out,
        "\ndetection corpus: {n_mal} malicious, {} benign (tests/detect)\n",
        entries.len() - n_mal
    );
    let _ = writeln!(
        out,
        "{:<20} {:>17} {:>17} {:>17} {:>12} {:>12}",
        "category",
        "recall plugin",
        "recall package",
        "any score plugin",
        "FP plugin",
        "FP package"
    );
    let sum = |m: &BTreeMap<(Category, Context), Tally>, ctx: Context| {
        m.iter()
            .filter(|((_, c), _)| *c == ctx)
            .fold(Tally::default(), |a, (_, t)| Tally {
                hit: a.hit + t.hit,
                of: a.of + t.of,
            })
    };
    let get = |m: &BTreeMap<(Category, Context), Tally>, c: Category, ctx: Context| {
        m.get(&(c, ctx)).copied().unwrap_or_default()
    };
    for c in categories() {
        let _ = writeln!(
            out,
            "{:<20} {:>17} {:>17} {:>17} {:>12} {:>12}",
            c.as_str(),
            get(&recall, c, Context::Plugin).cell(),
            get(&recall, c, Context::Package).cell(),
            get(&found, c, Context::Plugin).cell(),
            get(&fp, c, Context::Plugin).cell(),
            get(&fp, c, Context::Package).cell(),
        );
    }
    let plugin = sum(&recall, Context::Plugin);
    let _ = writeln!(
        out,
        "{:<20} {:>17} {:>17} {:>17} {:>12} {:>12}",
        "all",
        plugin.cell(),
        sum(&recall, Context::Package).cell(),
        sum(&found, Context::Plugin).cell(),
        sum(&fp, Context::Plugin).cell(),
        sum(&fp, Context::Package).cell(),
    );
    let _ = writeln!(
        out,
        "(recall: a finding of the expected category scoring >= the file's min; any score: such a \
         finding at all; FP: report score above the file's max)"
    );

    let _ = writeln!(out, "\nmisses ({} file-context pairs):", misses.len());
    // One line per file when its contexts missed alike (today they always do: no context yet).
    let mut i = 0;
    while i < misses.len() {
        let name = &misses[i].entry.name;
        let group: Vec<&Outcome> = misses[i..]
            .iter()
            .take_while(|m| &m.entry.name == name)
            .collect();
        i += group.len();
        let lines: Vec<(Context, String)> = group
            .iter()
            .map(|m| {
                let best = m
                    .best
                    .map_or("no finding of that category".to_string(), |s| {
                        format!("best {s}")
                    });
                (
                    m.context,
                    format!("{best}; top: {}", top_findings(&m.report)),
                )
            })
            .collect();
        if lines.windows(2).all(|w| w[0].1 == w[1].1) {
            let ctxs: Vec<&str> = lines.iter().map(|(c, _)| c.as_str()).collect();
            let _ = writeln!(out, "  {name} [{}]: {}", ctxs.join(","), lines[0].1);
        } else {
            for (c, text) in &lines {
                let _ = writeln!(out, "  {name} [{}]: {text}", c.as_str());
            }
        }
    }
    let _ = writeln!(out, "\nbenign over their maximum ({}):", over.len());
    for (e, ctx, score, max, report) in &over {
        let _ = writeln!(
            out,
            "  {:<7} {}: score {score} > max {max}; top: {}",
            ctx.as_str(),
            e.name,
            top_findings(report)
        );
    }
    println!("{out}");

    let rate = if plugin.of == 0 {
        0.0
    } else {
        plugin.hit as f64 / plugin.of as f64
    };
    assert!(
        rate >= PLUGIN_RECALL_TARGET && over.is_empty(),
        "plugin recall {:.1}% (target {:.0}%), {} benign file-context pairs over their maximum",
        rate * 100.0,
        PLUGIN_RECALL_TARGET * 100.0,
        over.len()
    );
}
