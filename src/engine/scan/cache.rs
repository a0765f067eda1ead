//! The scanner's report cache, keyed by SHA-256, and its counters.

use super::*;

/// Counters of a [`Scanner`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ScanStats {
    /// Every call to [`Scanner::scan`].
    pub scans: u64,
    /// Calls answered from the cache.
    pub cache_hits: u64,
    /// Reports currently cached.
    pub cached: usize,
    /// Findings per rule id over every fresh (uncached) scan.
    pub rule_counts: BTreeMap<String, u64>,
}

pub(super) struct Cache {
    map: HashMap<String, Arc<Report>>,
    order: VecDeque<String>,
    rule_counts: BTreeMap<String, u64>,
}

/// A scanner with a bounded cache keyed by the SHA-256 of the source, and counters. The TUI
/// rescans on every (debounced) keystroke; repeated sources cost one hash.
pub struct Scanner {
    cap: usize,
    cache: Mutex<Cache>,
    scans: AtomicU64,
    hits: AtomicU64,
}

impl Scanner {
    /// A scanner keeping at most `cap` reports (oldest evicted first).
    pub fn new(cap: usize) -> Scanner {
        Scanner {
            cap: cap.max(1),
            cache: Mutex::new(Cache {
                map: HashMap::new(),
                order: VecDeque::new(),
                rule_counts: BTreeMap::new(),
            }),
            scans: AtomicU64::new(0),
            hits: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cache> {
        // A panic elsewhere while holding the lock leaves plain data; keep using it.
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Scans `source` in the plugin context, answering from the cache when the same text was
    /// scanned before.
    pub fn scan(&self, source: &str) -> Arc<Report> {
        self.scan_traced(source).0
    }

    /// [`Scanner::scan`] in `context`.
    pub fn scan_in(&self, source: &str, context: ScanContext) -> Arc<Report> {
        self.scan_request(source, context).0
    }

    /// [`Scanner::scan`], also saying whether the cache answered (the audit log records it
    /// per run, so the hit rate survives the process).
    pub fn scan_traced(&self, source: &str) -> (Arc<Report>, bool) {
        self.scan_request(source, ScanContext::Plugin)
    }

    /// Scans `source` in `context` through the cache (keyed by content and context).
    pub fn scan_request(&self, source: &str, context: ScanContext) -> (Arc<Report>, bool) {
        self.scans.fetch_add(1, Ordering::Relaxed);
        let sha = crate::engine::hash::sha256_hex(source.as_bytes());
        let key = format!("{sha}:{context}");
        if let Some(r) = self.lock().map.get(&key) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return (Arc::clone(r), true);
        }
        let report = Arc::new(scan_with_hash(
            source,
            sha,
            &ScanOptions::in_context(context),
        ));
        let sha = key;
        let mut c = self.lock();
        for f in &report.findings {
            *c.rule_counts.entry(f.rule.to_string()).or_insert(0) += 1;
        }
        if !c.map.contains_key(&sha) {
            while c.map.len() >= self.cap {
                match c.order.pop_front() {
                    Some(old) => {
                        c.map.remove(&old);
                    }
                    None => break,
                }
            }
            c.order.push_back(sha.clone());
            c.map.insert(sha, Arc::clone(&report));
        }
        (report, false)
    }

    /// The counters so far.
    pub fn stats(&self) -> ScanStats {
        let c = self.lock();
        ScanStats {
            scans: self.scans.load(Ordering::Relaxed),
            cache_hits: self.hits.load(Ordering::Relaxed),
            cached: c.map.len(),
            rule_counts: c.rule_counts.clone(),
        }
    }
}

/// The process-wide scanner (256 cached reports), for the TUI and the CLI.
pub fn global() -> &'static Scanner {
    static G: LazyLock<Scanner> = LazyLock::new(|| Scanner::new(256));
    &G
}

/// [`scan`] through the process-wide cache.
pub fn scan_cached(source: &str) -> Arc<Report> {
    global().scan(source)
}

/// [`scan_with`] in `context` through the process-wide cache.
pub fn scan_cached_in(source: &str, context: ScanContext) -> Arc<Report> {
    global().scan_in(source, context)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_hits_counters_and_bound() {
        let s = Scanner::new(2);
        let a = s.scan("eval(x)");
        let b = s.scan("eval(x)");
        assert!(Arc::ptr_eq(&a, &b));
        s.scan("1");
        s.scan("2");
        let st = s.stats();
        assert_eq!((st.scans, st.cache_hits, st.cached), (4, 1, 2));
        assert_eq!(st.rule_counts.get("eval-direct"), Some(&1));
        assert!(!s.scan_traced("3").1, "a new source is a miss");
        assert!(s.scan_traced("3").1, "the same source again is a hit");
    }
}
