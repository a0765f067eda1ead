//! The benchmarks' statistics, with the peer benchmark's definitions (`peers.mjs`), so our
//! figures and the peers' are computed the same way. One copy for every suite, test and
//! example that reports a median or a quantile.

use std::time::Duration;

/// `sorted[min(len-1, floor(p*len))]`, as peers.mjs computes quantiles. NaN when empty.
pub fn quantile(xs: &[f64], p: f64) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let mut s = xs.to_vec();
    s.sort_by(f64::total_cmp);
    let i = ((p * s.len() as f64).floor() as usize).min(s.len() - 1);
    s[i]
}

/// The middle value; the mean of the two middle values for an even count. NaN when empty.
pub fn median(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let mut s = xs.to_vec();
    s.sort_by(f64::total_cmp);
    let m = s.len() / 2;
    if s.len() % 2 == 1 {
        s[m]
    } else {
        (s[m - 1] + s[m]) / 2.0
    }
}

/// [`median`] of durations (zero when empty).
pub fn median_duration(xs: &[Duration]) -> Duration {
    let mut s = xs.to_vec();
    s.sort_unstable();
    let m = s.len() / 2;
    match s.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => s[m],
        _ => (s[m - 1] + s[m]) / 2,
    }
}

/// The median wall time of `runs` calls of `f`.
pub fn median_time(runs: usize, mut f: impl FnMut()) -> Duration {
    let times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t0 = std::time::Instant::now();
            f();
            t0.elapsed()
        })
        .collect();
    median_duration(&times)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_peers_mjs() {
        let xs = [5.0, 1.0, 4.0, 2.0, 3.0];
        assert_eq!(quantile(&xs, 0.5), 3.0);
        assert_eq!(quantile(&xs, 0.95), 5.0);
        assert_eq!(median(&[1.0, 2.0, 3.0, 10.0]), 2.5);
        assert!(quantile(&[], 0.5).is_nan());
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn medians_of_durations() {
        let ms = Duration::from_millis;
        assert_eq!(median_duration(&[ms(9), ms(1), ms(5)]), ms(5));
        assert_eq!(median_duration(&[ms(4), ms(2)]), ms(3));
        assert_eq!(median_duration(&[]), Duration::ZERO);
        let mut n = 0;
        median_time(5, || n += 1);
        assert_eq!(n, 5);
    }
}
