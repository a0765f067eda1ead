//! The scan gate honours grants. A finding whose capability the run is *granted* is granted
//! use: still listed (rule, span, why), marked with the grant that covers it and where that
//! came from, and left out of the score and the verdict.
//!
//! Only what a grant actually covers, and only when the scanner knows it statically:
//! - `require('fs')` / `import … from 'fs'` is covered by `filesystem.read` (a directory), and
//!   so is an fs read whose path is relative, computed (the broker confines both beneath the
//!   grant) or absolute beneath a granted directory; a constant path elsewhere, or one with
//!   `..`, stays counted;
//! - a `fetch` to a constant `http(s)` URL is covered by the network grant that matches its
//!   protocol, host and port (a computed URL stays counted even when some host is granted);
//! - the module-loading finding of `require('x')` by a module grant of `x` (the pure modules
//!   raise no finding today, so this covers nothing yet: it is the rule, not a loophole);
//! - nothing else: fs writes, `child_process`, `process.binding`, constructor chains, `eval`,
//!   … are never covered, nor is any finding with evidence of concealment or of a threatening
//!   argument (a hidden `require('f'+'s')`, a credential path, secrets sent out).

use super::{aggregate, Finding, Report, RuleId, Target, Verdict};
use crate::engine::policy::{module_root, Grant, Permissions, Protocol, PURE_MODULES};
use crate::engine::Category;

/// The grant of `p` that covers `f`, if one does.
pub fn covering_grant(f: &Finding, p: &Permissions) -> Option<Grant> {
    if f.evidence.iter().any(|e| e.lifts()) {
        return None;
    }
    match (f.rule, f.target.as_ref()?) {
        (RuleId::FsAccess, Target::Module(m)) if module_root(m) == "fs" => {
            p.filesystem.read.first().map(|d| Grant::Read(d.clone()))
        }
        (RuleId::FsAccess, Target::FsRead(path)) => {
            let first = p.filesystem.read.first()?;
            let Some(path) = path else {
                // A computed path: the broker confines it beneath the granted directories.
                return Some(Grant::Read(first.clone()));
            };
            let path = std::path::Path::new(path);
            if path
                .components()
                .any(|c| matches!(c, std::path::Component::ParentDir))
            {
                return None;
            }
            if path.is_absolute() {
                p.filesystem
                    .read
                    .iter()
                    .find(|d| path.starts_with(d))
                    .map(|d| Grant::Read(d.clone()))
            } else {
                // Relative paths are read beneath the first granted directory.
                Some(Grant::Read(first.clone()))
            }
        }
        (RuleId::NetworkFetch, Target::Url(u)) => {
            let url = url::Url::parse(u).ok()?;
            let protocol = Protocol::from_scheme(url.scheme())?;
            let host = url.host()?;
            let port = url.port_or_known_default()?;
            p.network
                .iter()
                .find(|g| g.matches(protocol, &host, port))
                .map(|g| Grant::Net(g.clone()))
        }
        (_, Target::Module(m)) if f.category == Category::ModuleLoading => {
            let root = module_root(m);
            (PURE_MODULES.contains(&root) && p.allows_module(root))
                .then(|| Grant::Module(root.to_string()))
        }
        _ => None,
    }
}

/// `report` with the findings `p` grants marked as granted use (`describe` says where each
/// grant came from: `--allow-read /srv/conf`, `manifest ./sandbench.toml`…) and the score
/// and verdict computed from the rest. Counted findings come first, then granted use.
pub fn apply_grants(
    report: &Report,
    p: &Permissions,
    describe: &dyn Fn(&Grant) -> String,
) -> Report {
    let mut out = report.clone();
    for f in &mut out.findings {
        f.granted = covering_grant(f, p).map(|g| describe(&g));
    }
    if granted_count(&out) == 0 {
        // Nothing granted: the scanner's own report, score and order untouched.
        return out;
    }
    out.findings
        .sort_by_key(|f| (f.granted.is_some(), std::cmp::Reverse(f.score), f.start));
    out.score = aggregate(&out.findings);
    out.verdict = Verdict::from_score(out.score);
    out
}

/// How many findings of `report` are granted use.
pub fn granted_count(report: &Report) -> usize {
    report
        .findings
        .iter()
        .filter(|f| f.granted.is_some())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::policy::NetGrant;
    use std::path::PathBuf;

    fn read(dir: &str) -> Permissions {
        let mut p = Permissions::default();
        p.add_read(PathBuf::from(dir));
        p
    }

    fn gate(src: &str, p: &Permissions) -> Report {
        apply_grants(&super::super::scan(src), p, &|g| format!("by {}", g.flag()))
    }

    #[test]
    fn a_granted_read_dir_covers_require_fs_and_nothing_else() {
        let src = "const fs = require('fs');\nfs.readFileSync('config.json', 'utf8');\nfs.readdirSync('/srv/conf/data');\nfs.statSync(name);";
        let plain = super::super::scan(src);
        assert_eq!(plain.verdict, Verdict::Block);
        // Not granted: unchanged.
        let same = gate(src, &Permissions::default());
        assert_eq!((same.score, same.verdict), (plain.score, plain.verdict));
        assert_eq!(granted_count(&same), 0);
        // Granted: listed, marked, not scored.
        let g = gate(src, &read("/srv/conf"));
        assert_eq!(g.verdict, Verdict::Allow, "{g:#?}");
        let f = g
            .findings
            .iter()
            .find(|f| f.rule == RuleId::FsAccess)
            .expect("listed");
        assert_eq!(f.granted.as_deref(), Some("by --allow-read /srv/conf"));
        assert!(
            super::super::explain_score(&g).contains("4 granted uses left out"),
            "{}",
            super::super::explain_score(&g)
        );
        // Attack twin: the same grant, plus child_process: still blocked.
        let evil = format!("{src}\nrequire('child_process').execSync('id');");
        let e = gate(&evil, &read("/srv/conf"));
        assert_eq!(e.verdict, Verdict::Block);
        assert!(e
            .findings
            .iter()
            .any(|f| f.rule == RuleId::ChildProcess && f.granted.is_none()));
    }

    #[test]
    fn writes_hidden_names_and_host_escapes_are_never_covered() {
        let p = read("/srv/conf");
        for src in [
            "const fs = require('fs'); fs.writeFileSync('/tmp/x', 'y');",
            "const fs = require('fs'); fs.promises.rm('x');",
            "import { appendFileSync } from 'fs'; appendFileSync('x', 'y');",
            "const fs = require('f' + 's'); fs.readFileSync('x');",
            "const fs = require('fs'); fs.readFileSync('/home/u/.ssh/id_rsa');",
            "const fs = require('fs'); fs.readFileSync('/srv/other/x');",
            "const fs = require('fs'); fs.readFileSync('../../etc/passwd');",
            "const fs = require('fs'); fs.readdirSync('/srv/conf/../../');",
            "process.binding('fs');",
            "const fs = import('fs');",
            "({}).constructor.constructor('return process')();",
        ] {
            let r = gate(src, &p);
            assert!(
                r.verdict >= Verdict::Review,
                "{src}: {}",
                super::super::explain_score(&r)
            );
            let counted = r.findings.iter().filter(|f| f.granted.is_none()).count();
            assert!(counted > 0, "{src}");
        }
    }

    #[test]
    fn a_fetch_is_covered_only_when_its_constant_host_is_granted() {
        let p = Permissions {
            network: NetGrant::parse_flag("https://api.example.com").expect("grant"),
            ..Permissions::default()
        };
        let ok = gate("fetch('https://api.example.com/v1/items');", &p);
        assert_eq!(ok.score, 0, "{ok:#?}");
        assert!(ok.findings[0].granted.is_some());
        for src in [
            // Another host, another port, another protocol, a computed URL.
            "fetch('https://evil.example/c');",
            "fetch('https://api.example.com:8443/');",
            "fetch('http://api.example.com/');",
            "fetch(input.api + '/json');",
            "fetch(atob('aHR0cHM6Ly9hcGkuZXhhbXBsZS5jb20v'));",
        ] {
            let r = gate(src, &p);
            assert_eq!(granted_count(&r), 0, "{src}");
            assert!(r.score > 0, "{src}");
        }
    }
}
