//! The host part of the `crypto` module: digests and HMACs computed in Rust (RustCrypto), the
//! OS random source, and a constant-time comparison. Plain bytes in, plain bytes out: the
//! bridge (`exec/host.rs`) converts from and to the script's `Uint8Array`s.

use hmac::{Hmac, Mac};
use sha2::Digest;

/// A digest algorithm the module computes, by Node's name for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Algorithm {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Algorithm {
    pub(crate) fn parse(name: &str) -> Option<Algorithm> {
        Some(match name.to_ascii_lowercase().as_str() {
            "md5" => Algorithm::Md5,
            "sha1" | "sha-1" => Algorithm::Sha1,
            "sha224" | "sha-224" => Algorithm::Sha224,
            "sha256" | "sha-256" => Algorithm::Sha256,
            "sha384" | "sha-384" => Algorithm::Sha384,
            "sha512" | "sha-512" => Algorithm::Sha512,
            _ => return None,
        })
    }
}

/// The digest of `data`.
pub(crate) fn hash(alg: Algorithm, data: &[u8]) -> Vec<u8> {
    match alg {
        Algorithm::Md5 => md5::Md5::digest(data).to_vec(),
        Algorithm::Sha1 => sha1::Sha1::digest(data).to_vec(),
        Algorithm::Sha224 => sha2::Sha224::digest(data).to_vec(),
        Algorithm::Sha256 => sha2::Sha256::digest(data).to_vec(),
        Algorithm::Sha384 => sha2::Sha384::digest(data).to_vec(),
        Algorithm::Sha512 => sha2::Sha512::digest(data).to_vec(),
    }
}

/// HMAC of `data` under `key` (any key length, as RFC 2104 and Node allow).
pub(crate) fn hmac(alg: Algorithm, key: &[u8], data: &[u8]) -> Vec<u8> {
    fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], data: &[u8]) -> Vec<u8> {
        // HMAC takes keys of any length: new_from_slice cannot fail for it.
        match <M as Mac>::new_from_slice(key) {
            Ok(mut m) => {
                m.update(data);
                m.finalize().into_bytes().to_vec()
            }
            Err(_) => Vec::new(),
        }
    }
    match alg {
        Algorithm::Md5 => run::<Hmac<md5::Md5>>(key, data),
        Algorithm::Sha1 => run::<Hmac<sha1::Sha1>>(key, data),
        Algorithm::Sha224 => run::<Hmac<sha2::Sha224>>(key, data),
        Algorithm::Sha256 => run::<Hmac<sha2::Sha256>>(key, data),
        Algorithm::Sha384 => run::<Hmac<sha2::Sha384>>(key, data),
        Algorithm::Sha512 => run::<Hmac<sha2::Sha512>>(key, data),
    }
}

/// Most bytes one call fills with randomness (WebCrypto's `getRandomValues` quota; the module
/// loops for more, so a long request stays interruptible between calls).
pub(crate) const MAX_RANDOM_BYTES: usize = 65_536;

/// Fills `buf` from the OS random source (`getrandom`, which the worker's seccomp filter
/// allows). False when it is longer than [`MAX_RANDOM_BYTES`] or the source failed.
pub(crate) fn fill_random(buf: &mut [u8]) -> bool {
    buf.len() <= MAX_RANDOM_BYTES && getrandom::fill(buf).is_ok()
}

/// Whether `a` and `b` are equal, in time that depends only on their length.
pub(crate) fn equal_constant_time(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // Kept from being turned back into an early-exit comparison.
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn digests_match_the_published_test_vectors() {
        // FIPS 180 / RFC 1321 "abc" vectors.
        let abc = b"abc";
        assert_eq!(
            hex(&hash(Algorithm::Md5, abc)),
            "900150983cd24fb0d6963f7d28e17f72"
        );
        assert_eq!(
            hex(&hash(Algorithm::Sha1, abc)),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex(&hash(Algorithm::Sha256, abc)),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // RFC 4231 test case 2.
        assert_eq!(
            hex(&hmac(
                Algorithm::Sha256,
                b"Jefe",
                b"what do ya want for nothing?"
            )),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(Algorithm::parse("SHA256"), Some(Algorithm::Sha256));
        assert_eq!(Algorithm::parse("whirlpool"), None);
    }

    #[test]
    fn random_fills_are_bounded_and_comparisons_exact() {
        let mut small = [0u8; 32];
        assert!(fill_random(&mut small));
        assert_ne!(small, [0u8; 32]);
        let mut big = vec![0u8; MAX_RANDOM_BYTES + 1];
        assert!(!fill_random(&mut big));
        assert!(equal_constant_time(b"abc", b"abc"));
        assert!(!equal_constant_time(b"abc", b"abd"));
        assert!(!equal_constant_time(b"abc", b"ab"));
    }
}
