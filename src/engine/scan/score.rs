//! From raw matches to a report's findings and score: positions, dedup and caps, each
//! finding's score in its context with the evidence behind it, the aggregate and its
//! explanation.

use super::*;

/// Positions, texts, scores; dedup (a finding inside another of the same rule goes), caps.
pub(super) fn finish(src: &str, mut raws: Vec<Raw>, context: ScanContext) -> Vec<Finding> {
    // By id string, not by variant: findings of equal score and start keep the order they
    // have always had in the output (the final sort below is stable).
    raws.sort_by(|a, b| {
        (a.rule.as_str(), a.start, std::cmp::Reverse(a.end)).cmp(&(
            b.rule.as_str(),
            b.start,
            std::cmp::Reverse(b.end),
        ))
    });
    let mut kept: Vec<Raw> = Vec::with_capacity(raws.len().min(MAX_FINDINGS));
    let mut per_rule = 0usize;
    for r in raws {
        if let Some(last) = kept.last() {
            if last.rule == r.rule {
                if r.start >= last.start && r.end <= last.end && r.end > r.start {
                    continue;
                }
                if last.start == r.start && last.end == r.end {
                    continue;
                }
                per_rule += 1;
                if per_rule >= MAX_PER_RULE {
                    continue;
                }
            } else {
                per_rule = 0;
            }
        }
        kept.push(r);
    }
    // Line starts once, for all findings.
    let mut line_starts = vec![0usize];
    if !kept.is_empty() {
        // memchr's vectorised search: a byte-at-a-time filter here was ~2 % of a scan.
        line_starts.extend(memchr::memchr_iter(b'\n', src.as_bytes()).map(|i| i + 1));
    }
    let pos = |off: usize| -> (u32, u32) {
        let mut off = off.min(src.len());
        while !src.is_char_boundary(off) {
            off -= 1;
        }
        let li = line_starts.partition_point(|&s| s <= off) - 1;
        let ls = line_starts[li];
        // Columns count characters; bound the work on huge lines.
        let col = if off - ls > 1 << 20 {
            off - ls
        } else {
            src[ls..off].chars().count()
        };
        (li as u32 + 1, col as u32 + 1)
    };
    let mut out: Vec<Finding> = kept
        .into_iter()
        .map(|r| {
            let rule = r.rule.rule();
            let scored = score_of(&r, context);
            let (start, end) = (r.start as usize, (r.end as usize).max(r.start as usize));
            let (line, column) = pos(start);
            let (end_line, end_column) = pos(end);
            let (start, end) = (start.min(src.len()), end.min(src.len()));
            let text = src.get(start..end).unwrap_or("");
            let snippet = crate::engine::text::escape(
                &crate::engine::text::truncate(text, SNIPPET_CHARS),
                false,
            )
            .into_owned();
            let mut message = rule.message.to_string();
            if !r.detail.is_empty() {
                message.push_str(": ");
                message.push_str(&crate::engine::text::escape(&r.detail, false));
            }
            let folded = r.folded.map(|f| {
                crate::engine::text::escape(&crate::engine::text::truncate(&f, 200), false)
                    .into_owned()
            });
            if let Some(f) = &folded {
                message.push_str(&format!(" (resolves to `{f}`)"));
            }
            let (score, evidence) = scored;
            let target = r.target;
            Finding {
                rule: rule.id,
                category: rule.category,
                score,
                severity: rule.severity,
                line,
                column,
                end_line,
                end_column,
                start,
                end,
                message,
                remediation: rule.remediation.to_string(),
                snippet,
                folded,
                evidence,
                target,
                granted: None,
            }
        })
        .collect();
    out.sort_by(|a, b| b.score.cmp(&a.score).then(a.start.cmp(&b.start)));
    out.truncate(MAX_FINDINGS);
    out
}

/// A finding's score in `context` and the evidence behind it.
///
/// Plugin: the rule's score (its category's value for a capability). Package: the plain-use
/// score unless some evidence lifts it (concealment or a threatening argument), then the
/// rule's score. Rules that are evidence in themselves score the same in both. Unreachable
/// code is capped at [`UNREACHABLE_CAP`].
pub fn score_of(r: &Raw, context: ScanContext) -> (u8, Vec<Evidence>) {
    let rule = r.rule.rule();
    let mut ev: Vec<Evidence> = Vec::new();
    if let Some(i) = Evidence::intrinsic(r.rule) {
        ev.push(i);
    }
    if r.hidden {
        ev.push(Evidence::HiddenName);
    }
    ev.extend(r.evidence.iter().copied());
    ev.sort_unstable();
    ev.dedup();
    let lifted = ev.iter().any(|e| e.lifts());
    let mut score = match context {
        ScanContext::Plugin => {
            if ev.is_empty() {
                ev.push(Evidence::PluginReach);
            }
            rule.score
        }
        ScanContext::Package if lifted || rule.package == rule.score => rule.score,
        ScanContext::Package => {
            ev.push(Evidence::PlainUse);
            rule.package
        }
    };
    if r.dead {
        score = score.min(UNREACHABLE_CAP);
        ev.push(Evidence::Unreachable);
    }
    (score, ev)
}

/// Rules over the whole file's findings: execution hidden behind concealment is
/// obfuscation in its own right; a miner's names count only with its behaviour (the
/// detectors report the names as `miner-name` and the behaviour through `Evidence`).
pub(super) fn post_rules(raws: &mut Vec<Raw>) {
    let exec = |r: &Raw| {
        matches!(
            r.rule,
            RuleId::EvalDirect
                | RuleId::EvalIndirect
                | RuleId::FunctionConstructor
                | RuleId::TimerString
                | RuleId::EncodedExec
                | RuleId::ChildProcess
                | RuleId::ChildProcessDetached
                | RuleId::VmRun
                | RuleId::DomCodeInjection
                | RuleId::ProcessBinding
                | RuleId::ConstructorChain
        ) && !r.dead
    };
    // A computed module name is execution only inside obfuscated code.
    let exec_in_family = |r: &Raw| {
        exec(r) || (matches!(r.rule, RuleId::RequireDynamic | RuleId::DynamicImport) && !r.dead)
    };
    let family = raws.iter().any(|r| {
        matches!(
            r.rule,
            RuleId::ObfuscationHexNames
                | RuleId::ObfuscationStringArray
                | RuleId::ObfuscationFlattening
                | RuleId::ObfuscationPacker
                | RuleId::ObfuscationJjencode
                | RuleId::ObfuscationJsfuck
                | RuleId::TrojanSource
                | RuleId::InvisibleChar
        )
    });
    // Execution whose name or code is hidden (folded, escaped, decoded), or any execution
    // in code shaped by an obfuscator, is obfuscation that hides execution.
    let hidden_exec = raws.iter().find(|r| {
        (exec(r)
            && (r.rule == RuleId::EncodedExec
                || r.hidden
                || r.evidence.contains(&Evidence::Decoded)))
            || (family && exec_in_family(r))
    });
    if let Some(h) = hidden_exec {
        let detail = format!("`{}` behind concealment", h.rule);
        let mut raw = Raw::new(RuleId::HiddenExecution, h.start, h.end, detail);
        raw.evidence
            .push(if h.evidence.contains(&Evidence::Decoded) {
                Evidence::Decoded
            } else {
                Evidence::HiddenName
            });
        raws.push(raw);
    }
}

/// The aggregate score: the highest finding, plus for every other category (strongest
/// first) a quarter of its highest score, halved for each further category; capped at 100.
/// Repeats of one category never add up, so many harmless `fetch` calls stay harmless.
pub fn aggregate(findings: &[Finding]) -> u8 {
    let mut per_cat: BTreeMap<Category, u8> = BTreeMap::new();
    // Granted use is listed, never scored.
    for f in findings.iter().filter(|f| f.granted.is_none()) {
        let e = per_cat.entry(f.category).or_insert(0);
        *e = (*e).max(f.score);
    }
    let mut scores: Vec<u8> = per_cat.into_values().collect();
    scores.sort_unstable_by(|a, b| b.cmp(a));
    let Some((&top, rest)) = scores.split_first() else {
        return 0;
    };
    let mut total = u32::from(top);
    for (i, &s) in rest.iter().enumerate().take(8) {
        total += (u32::from(s) / 4) >> i;
    }
    total.min(100) as u8
}

/// A one-line explanation of how `report.score` was reached, naming the evidence behind
/// every point: `child-process 95 [plugin-reach] + network-fetch 75/4 [plugin-reach] = 100
/// (block; context plugin; …)`.
pub fn explain_score(report: &Report) -> String {
    let mut per_cat: BTreeMap<Category, &Finding> = BTreeMap::new();
    let granted = report
        .findings
        .iter()
        .filter(|f| f.granted.is_some())
        .count();
    let granted_note = match granted {
        0 => String::new(),
        1 => "; 1 granted use left out".to_string(),
        n => format!("; {n} granted uses left out"),
    };
    for f in report.findings.iter().filter(|f| f.granted.is_none()) {
        let e = per_cat.entry(f.category).or_insert(f);
        if f.score > e.score {
            *e = f;
        }
    }
    let mut tops: Vec<&Finding> = per_cat.into_values().collect();
    tops.sort_by_key(|f| std::cmp::Reverse(f.score));
    if tops.is_empty() {
        if granted > 0 {
            return format!(
                "no findings but granted use: score 0 (allow; context {}{granted_note})",
                report.context
            );
        }
        return format!("no findings: score 0 (allow; context {})", report.context);
    }
    let ev = |f: &Finding| {
        f.evidence
            .iter()
            .map(|e| e.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = vec![format!(
        "{} {} [{}]",
        tops[0].rule,
        tops[0].score,
        ev(tops[0])
    )];
    for (i, f) in tops.iter().skip(1).enumerate().take(8) {
        parts.push(format!(
            "+ {} {}/{} [{}]",
            f.rule,
            f.score,
            4u32 << i,
            ev(f)
        ));
    }
    format!(
        "{} = {} ({}; context {}; review ≥ {REVIEW_AT}, block ≥ {BLOCK_AT}{granted_note})",
        parts.join(" "),
        report.score,
        report.verdict.as_str(),
        report.context
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregate_is_max_plus_diminishing_other_categories() {
        let f = Finding::of_rule;
        assert_eq!(aggregate(&[]), 0);
        // repeats of one category never add up
        assert_eq!(
            aggregate(&[f(RuleId::NetworkFetch), f(RuleId::NetworkFetch)]),
            75
        );
        // 35 (encoded blob) + 30/4 (a path mentioned)
        assert_eq!(
            aggregate(&[f(RuleId::EncodedBlob), f(RuleId::SensitivePath)]),
            42
        );
        assert_eq!(
            aggregate(&[f(RuleId::ConstructorChain), f(RuleId::ChildProcess)]),
            100
        );
    }
}
