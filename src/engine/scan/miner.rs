//! Cryptominers, recognised by what they say and what they do rather than by brand names
//! alone: a miner's identity (pool protocol messages, algorithm and miner names, a pool URL)
//! must come with its behaviour (a nonce loop against a target, hashing, workers, WebAssembly,
//! a socket to a pool, CPU throttling). Names alone (a process table of known miners, a
//! blocklist) are `miner-name`, a low signal.
//!
//! One regex of literal alternatives over the source plus any text the syntax pass decoded
//! (a base64 pool configuration reads like a plain one); linear in the input. It runs only
//! on text that can report, which a gate finds first: one vector search for short anchors
//! of the words, each place found checked against the whole words around it.

use super::{Evidence, Raw, RuleId};
use regex::bytes::Regex;
use std::sync::LazyLock;

/// Identity words: a miner says these and honest code rarely does.
const IDENTITY: &[&str] = &[
    "mining.subscribe",
    "mining.authorize",
    "mining.submit",
    "mining.notify",
    "mining.extranonce",
    "mining.set_difficulty",
    "stratum+tcp",
    "stratum+ssl",
    "stratum+tls",
    "extranonce",
    "job_id",
    "coinhive",
    "coin-hive",
    "cryptonight",
    "cryptoloot",
    "crypto-loot",
    "coinimp",
    "jsecoin",
    "webminepool",
    "webminer",
    "deepminer",
    "authedmine",
    "xmrig",
    "randomx",
    "rx/0",
    "cn/r",
    "donate-level",
    "hashespersecond",
    "gethashespersecond",
    "minero.cc",
    "nerohut",
];

/// Behaviour classes, each counted once.
const BEHAVIOUR: &[(&str, u8)] = &[
    ("nonce", 0),
    ("target", 1),
    ("difficulty", 1),
    ("new worker", 2),
    ("webassembly", 3),
    ("new websocket", 4),
    ("createconnection", 4),
    ("net.connect", 4),
    ("hardwareconcurrency", 5),
    ("throttle", 6),
    ("createhash", 7),
    ("subtle.digest", 7),
    ("submit", 8),
    ("share", 8),
    ("wallet", 9),
    ("blob", 10),
    // A miner binary started by the code, with the CPU share it may take.
    ("child_process", 11),
    ("cpu-max-threads", 6),
    ("max-cpu-usage", 6),
];

static WORDS: LazyLock<Regex> = LazyLock::new(|| {
    let alts: Vec<String> = IDENTITY
        .iter()
        .copied()
        .chain(BEHAVIOUR.iter().map(|(w, _)| *w))
        .map(|w| regex::escape(w).replace(' ', r"\s+"))
        .collect();
    super::constant_regex(&format!("(?i-u){}", alts.join("|")))
});

/// The socket class's words without their white space (`new websocket` holds `websocket`).
const SOCKET_WORDS: &[&str] = &["websocket", "createconnection", "net.connect"];

/// What any report needs: an identity word, or both `nonce` and a socket word (the
/// anonymous job loop needs both classes). Literals only, matched case-insensitively in
/// ASCII as in [`WORDS`]; the full pattern then runs only on the few files that can report.
fn gate_words() -> impl Iterator<Item = (&'static str, u8)> {
    IDENTITY
        .iter()
        .map(|w| (*w, 1))
        .chain(std::iter::once(("nonce", 2)))
        .chain(SOCKET_WORDS.iter().map(|w| (*w, 4)))
}

/// The gate's words as one automaton: the reference the anchored search must agree with,
/// and the search itself where no packed searcher can be built.
static WORDS_AUTOMATON: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    #[allow(clippy::expect_used)]
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(gate_words().map(|(w, _)| w))
        .expect("a constant literal set builds")
});

/// Short pieces of the gate's words, each rare in real code at its first three bytes, with
/// every gate word holding at least one (tested). A vector search (Teddy) finds them in
/// text whose letters were folded to lower case (`| 0x20`, which keeps every ASCII
/// case-insensitive match and adds a few between punctuation, as `_` and DEL); each place
/// found is then checked against the whole words around it. No anchor begins another, so
/// one anchor at most starts at any place and stepping one byte past each finds them all.
/// Over the npm corpus the miner pass takes about a quarter of the time it took with the
/// words' automaton run over every byte.
const ANCHORS: &[&str] = &[
    "ng.", "m+t", "m+s", "nonc", "b_i", "coin", "ypto", "bmin", "pmin", "dmin", "xmr", "omx",
    "x/0", "n/r", "te-l", "hesp", "o.cc", "ohu", "bso", "t.co", "teco",
];

/// Sets bit 5: ASCII capitals become small letters (and a few punctuation bytes become
/// others, `_` DEL), so bytes equal up to ASCII case stay equal. What [`ANCHORS`] are
/// searched in.
fn fold(b: u8) -> u8 {
    b | 0x20
}

struct Anchored {
    searcher: aho_corasick::packed::Searcher,
    /// Per anchor: the gate words holding it, with its offset in the word and the word's bit.
    words: Vec<Vec<(&'static str, usize, u8)>>,
}

static ANCHORED: LazyLock<Option<Anchored>> = LazyLock::new(|| {
    let folded: Vec<Vec<u8>> = ANCHORS
        .iter()
        .map(|a| a.bytes().map(fold).collect())
        .collect();
    let searcher = aho_corasick::packed::Config::new()
        .builder()
        .extend(&folded)
        .build()?;
    let words = folded
        .iter()
        .map(|a| {
            gate_words()
                .flat_map(|(w, bit)| {
                    let fw: Vec<u8> = w.bytes().map(fold).collect();
                    (0..fw.len().saturating_sub(a.len() - 1))
                        .filter(move |&o| fw[o..].starts_with(a))
                        .map(move |o| (w, o, bit))
                        .collect::<Vec<_>>()
                })
                .collect()
        })
        .collect();
    Some(Anchored { searcher, words })
});

/// Largest folded copy kept for the next call (a larger one is freed after use).
const MAX_KEPT_FOLDED: usize = 4 << 20;

thread_local! {
    /// The folded copy of the text being gated, kept between calls.
    static FOLDED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// [`gate`] through [`ANCHORS`]: the same bits, found without an automaton step per byte.
fn gate_anchored(a: &Anchored, text: &[u8], seen: &mut u8) {
    FOLDED.with(|kept| {
        let Ok(mut kept) = kept.try_borrow_mut() else {
            return gate_automaton(text, seen);
        };
        let mut buf = std::mem::take(&mut *kept);
        search_folded(a, text, &mut buf, seen);
        if buf.capacity() <= MAX_KEPT_FOLDED {
            *kept = buf;
        }
    });
}

/// Folds `text` into `buf` and searches it for [`ANCHORS`], checking each place found.
fn search_folded(a: &Anchored, text: &[u8], buf: &mut Vec<u8>, seen: &mut u8) {
    buf.clear();
    buf.extend(text.iter().map(|&b| fold(b)));
    let mut at = 0;
    while let Some(m) = a
        .searcher
        .find_in(&buf[..], aho_corasick::Span::from(at..buf.len()))
    {
        let p = m.start();
        for &(w, o, bit) in &a.words[m.pattern().as_usize()] {
            let found = p
                .checked_sub(o)
                .and_then(|s| text.get(s..s + w.len()))
                .is_some_and(|t| t.eq_ignore_ascii_case(w.as_bytes()));
            if found {
                *seen |= bit;
            }
        }
        if *seen & 1 != 0 {
            return;
        }
        at = p + 1;
    }
}

/// The gate's findings in `text`: bit 0 an identity word, bit 1 `nonce`, bit 2 a socket word.
fn gate(text: &str, seen: &mut u8) {
    if *seen & 1 != 0 {
        return;
    }
    match ANCHORED.as_ref() {
        Some(a) => gate_anchored(a, text.as_bytes(), seen),
        None => gate_automaton(text.as_bytes(), seen),
    }
}

/// [`gate`] by the words' automaton.
fn gate_automaton(text: &[u8], seen: &mut u8) {
    // Overlapping: `extranonce` holds `nonce`, and must count as the identity word it is.
    for m in WORDS_AUTOMATON.find_overlapping_iter(text) {
        *seen |= gate_words()
            .nth(m.pattern().as_usize())
            .map_or(0, |(_, bit)| bit);
        if *seen & 1 != 0 {
            return;
        }
    }
}

/// Scans `src` and `decoded` (text the syntax pass decoded from the code) for a miner.
pub fn miner_rules(src: &str, decoded: &str, out: &mut Vec<Raw>) {
    // Without an identity word `identity` stays None (every identity match of WORDS is an
    // occurrence of one of them), and without both `nonce` and a socket word `anonymous`
    // is false: nothing below can report.
    let mut seen = 0;
    gate(src, &mut seen);
    gate(decoded, &mut seen);
    if seen & 1 == 0 && seen & 6 != 6 {
        return;
    }
    let mut identity: Option<(usize, usize, String)> = None;
    let mut classes = 0u32;
    let mut from_decoded = false;
    // A stratum method seen anywhere (`mining.subscribe`…), not only as the first identity.
    let mut stratum = false;
    for (text, is_decoded) in [(src, false), (decoded, true)] {
        for m in WORDS.find_iter(text.as_bytes()).take(10_000) {
            let w = String::from_utf8_lossy(m.as_bytes()).to_ascii_lowercase();
            let w: String = w.split_whitespace().collect::<Vec<_>>().join(" ");
            if let Some(&(_, class)) = BEHAVIOUR.iter().find(|(b, _)| *b == w) {
                classes |= 1 << class;
            } else if identity.is_some() {
                stratum |= w.starts_with("mining.");
            } else {
                stratum |= w.starts_with("mining.");
                let (s, e) = if is_decoded {
                    (0, 0)
                } else {
                    (m.start(), m.end())
                };
                from_decoded = is_decoded;
                identity = Some((s, e, w));
            }
        }
    }
    let behaviours = classes.count_ones();
    // The stratum protocol spoken on a socket is mining whatever else the code does: its
    // methods (`mining.subscribe`, `mining.submit`…) mean nothing else.
    let socket = classes & (1 << 4) != 0;
    // Without an identity word, only the whole job loop counts: a nonce against a target,
    // a hashing vehicle (worker, WebAssembly, hashing call), a pool socket and shares sent.
    let anonymous = classes & 0b11 == 0b11
        && classes & (1 << 8) != 0
        && classes & ((1 << 2) | (1 << 3) | (1 << 7)) != 0
        && classes & (1 << 4) != 0;
    match identity {
        Some((s, e, w)) if behaviours >= 2 || (socket && stratum) => {
            let mut r = Raw::new(
                RuleId::Cryptominer,
                s as u32,
                e as u32,
                format!("`{w}` with {behaviours} kinds of mining behaviour"),
            );
            if from_decoded {
                r.evidence.push(Evidence::Decoded);
            }
            out.push(r);
        }
        Some((s, e, w)) => out.push(Raw::new(
            RuleId::MinerName,
            s as u32,
            e as u32,
            format!("`{w}`"),
        )),
        None if anonymous => out.push(Raw::new(
            RuleId::Cryptominer,
            0,
            0,
            "a nonce loop against a target, hashed in a worker, shares sent to a socket".into(),
        )),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(src: &str) -> Vec<RuleId> {
        let mut out = Vec::new();
        miner_rules(src, "", &mut out);
        out.into_iter().map(|r| r.rule).collect()
    }

    #[test]
    fn the_prefilter_lets_every_identity_word_through_in_any_case() {
        for w in IDENTITY {
            let upper = w.to_ascii_uppercase();
            for spelled in [w.to_string(), upper] {
                let src = format!("const s = '{spelled}';");
                assert_eq!(rules(&src), vec![RuleId::MinerName], "{src}");
                // the same word found only in decoded text
                let mut out = Vec::new();
                miner_rules("x()", &spelled, &mut out);
                assert_eq!(out.len(), 1, "{spelled}");
            }
        }
        // the anonymous job loop has no identity word: `NONCE` alone opens the gate
        assert_eq!(
            rules("let NONCE = 0; while (h(NONCE) > TARGET) NONCE++; w = new Worker(u); s = new WebSocket(p); s.send(SUBMIT)"),
            vec![RuleId::Cryptominer]
        );
    }

    #[test]
    fn every_gate_word_holds_an_anchor_and_no_anchor_begins_another() {
        let folded = |w: &str| -> Vec<u8> { w.bytes().map(fold).collect() };
        for (w, _) in gate_words() {
            let fw = folded(w);
            assert!(
                ANCHORS
                    .iter()
                    .any(|a| fw.windows(a.len()).any(|x| x == folded(a))),
                "{w} holds no anchor"
            );
        }
        for a in ANCHORS {
            for b in ANCHORS {
                assert!(
                    a == b || !folded(b).starts_with(&folded(a)),
                    "{a} begins {b}"
                );
            }
        }
        assert!(
            ANCHORED.is_some(),
            "the packed searcher builds on this machine"
        );
    }

    #[test]
    fn a_text_larger_than_the_kept_copy_is_gated_whole_and_the_next_one_too() {
        let big = format!("{}'XMRig'", "a = b;\n".repeat(MAX_KEPT_FOLDED / 6));
        assert!(big.len() > MAX_KEPT_FOLDED);
        assert_eq!(rules(&big), vec![RuleId::MinerName]);
        assert_eq!(
            rules("const pool = 'stratum+TCP://p:3333'"),
            vec![RuleId::MinerName]
        );
        assert!(rules("const s = 'stratum'").is_empty());
    }

    fn gate_bits(text: &str, anchored: bool) -> u8 {
        let mut seen = 0;
        match (anchored, ANCHORED.as_ref()) {
            (true, Some(a)) => gate_anchored(a, text.as_bytes(), &mut seen),
            _ => gate_automaton(text.as_bytes(), &mut seen),
        }
        seen
    }

    proptest::proptest! {
        /// Texts made of pieces of the gate's words (cut, re-cased, overlapped, glued with
        /// punctuation that folds onto letters): the anchored search gives the automaton's bits.
        #[test]
        fn the_anchored_gate_agrees_with_the_automaton(
            parts in proptest::collection::vec((0usize..40, 0usize..20, 0usize..20, proptest::bool::ANY, 0usize..12), 0..24)
        ) {
            let words: Vec<&str> = gate_words().map(|(w, _)| w).collect();
            let glue = ["", " ", "_", "\x7f", "N", "n", "@", "`", "{", "[", "é", "\n"];
            let mut text = String::new();
            for (w, from, to, upper, g) in parts {
                let w = words[w % words.len()];
                let (a, b) = (from.min(w.len()), to.min(w.len()));
                let piece = if a < b && from % 3 != 0 { &w[a..b] } else { w };
                if upper {
                    text.push_str(&piece.to_ascii_uppercase());
                } else {
                    text.push_str(piece);
                }
                text.push_str(glue[g]);
            }
            let want = gate_bits(&text, false);
            let got = gate_bits(&text, true);
            // the anchored search may stop at the first identity word, like the automaton
            proptest::prop_assert_eq!(got & 1, want & 1, "{:?}", text);
            if want & 1 == 0 {
                proptest::prop_assert_eq!(got, want, "{:?}", text);
            }
        }
    }

    #[test]
    fn the_gate_knows_every_word_the_anonymous_loop_needs() {
        // The gate stands for the nonce and socket classes by literals: each of their words
        // must hold one of them, or a loop the full pattern reports would be let go.
        for (w, class) in BEHAVIOUR {
            match class {
                0 => assert_eq!(*w, "nonce"),
                4 => assert!(SOCKET_WORDS.iter().any(|s| w.contains(s)), "{w}"),
                _ => {}
            }
        }
        // The whole loop with each socket spelling, in any case, and each without its socket.
        for socket in ["new  WebSocket(u)", "net.CONNECT(p)", "CreateConnection(p)"] {
            let src = format!(
                "let nonce = 0; while (h(nonce) > target) nonce++; w = new Worker(u); s = {socket}; s.send(submit)"
            );
            assert_eq!(rules(&src), vec![RuleId::Cryptominer], "{src}");
            let twin = src.replace(socket, "open(p)");
            assert!(rules(&twin).is_empty(), "{twin}");
        }
    }

    #[test]
    fn names_alone_are_a_signal_behaviour_makes_a_miner() {
        use RuleId::{Cryptominer, MinerName};
        for (src, want) in [
            ("const known = ['xmrig', 'coinhive'];", vec![MinerName]),
            (
                "ws = new WebSocket(u); ws.send({method: 'mining.submit', nonce, target})",
                vec![Cryptominer],
            ),
            ("for (let nonce = 0;;) sha(nonce)", vec![]),
            // The stratum protocol on a socket is mining, whatever word came first.
            (
                "// extranonce\nconst c = net.connect(p); c.write(JSON.stringify({ method: 'mining.subscribe' }))",
                vec![Cryptominer],
            ),
            // A miner binary started with its CPU share.
            (
                "require('child_process').spawn(bin, ['--donate-level=0', '--cpu-max-threads-hint=50'])",
                vec![Cryptominer],
            ),
            // Twins: a signature list of stratum methods with no socket, an RPC client's socket
            // with no stratum method.
            (
                "const SIG = ['mining.subscribe', 'stratum+tcp']; audit(document.scripts, SIG)",
                vec![MinerName],
            ),
            (
                "const c = net.connect(p); c.write(JSON.stringify({ method: 'eth_subscribe' }))",
                vec![],
            ),
        ] {
            assert_eq!(rules(src), want, "{src}");
        }
    }
}
