//! Reading a process's resource use from `/proc` (Linux): resident memory, peak resident
//! memory and CPU time. Elsewhere, and whenever a file cannot be read or parsed (the process
//! ended meanwhile, say), a reading is `None`.

use std::sync::OnceLock;

/// Which process to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Process {
    /// This process (`/proc/self`).
    Current,
    Id(u32),
}

/// Memory and CPU of a process at one moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Usage {
    pub rss_bytes: u64,
    /// User plus system CPU time, in milliseconds.
    pub cpu_ms: f64,
}

impl Process {
    fn read(self, file: &str) -> Option<String> {
        let path = match self {
            Process::Current => format!("/proc/self/{file}"),
            Process::Id(pid) => format!("/proc/{pid}/{file}"),
        };
        std::fs::read_to_string(path).ok()
    }

    /// Resident memory and CPU time (`/proc/PID/stat`).
    pub(crate) fn usage(self) -> Option<Usage> {
        let c = constants();
        parse_stat(&self.read("stat")?, c.page_bytes, c.ticks_per_second)
    }

    /// Resident memory (`/proc/PID/statm`).
    pub(crate) fn rss_bytes(self) -> Option<u64> {
        parse_statm(&self.read("statm")?, constants().page_bytes)
    }

    /// Peak resident memory (`VmHWM` of `/proc/PID/status`).
    pub(crate) fn peak_rss_bytes(self) -> Option<u64> {
        parse_vm_hwm(&self.read("status")?)
    }
}

/// The page size and the clock tick the kernel counts in.
struct Constants {
    page_bytes: u64,
    ticks_per_second: u64,
}

fn constants() -> &'static Constants {
    static C: OnceLock<Constants> = OnceLock::new();
    C.get_or_init(|| {
        // SAFETY: sysconf has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        // SAFETY: as above.
        let tick = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        Constants {
            page_bytes: u64::try_from(page).unwrap_or(4096).max(1),
            ticks_per_second: u64::try_from(tick).unwrap_or(100).max(1),
        }
    })
}

/// `/proc/PID/stat`: utime (field 14), stime (15) and rss in pages (24).
fn parse_stat(stat: &str, page_bytes: u64, ticks_per_second: u64) -> Option<Usage> {
    // The command name (field 2) may hold spaces and parentheses: fields resume after the
    // last ')', with field 3 (state) first.
    let rest = stat.get(stat.rfind(')')? + 1..)?;
    let mut fields = rest.split_whitespace();
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    let rss_pages: u64 = fields.nth(8)?.parse().ok()?;
    Some(Usage {
        rss_bytes: rss_pages.saturating_mul(page_bytes),
        cpu_ms: utime.saturating_add(stime) as f64 * 1000.0 / ticks_per_second as f64,
    })
}

/// `/proc/PID/statm`: the second field is the resident size in pages.
fn parse_statm(statm: &str, page_bytes: u64) -> Option<u64> {
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages.saturating_mul(page_bytes))
}

/// `VmHWM:   1234 kB` in `/proc/PID/status`.
fn parse_vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb.saturating_mul(1024))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_are_found_after_a_command_name_with_spaces_and_parens() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
        // utime stime cutime cstime priority nice threads itrealvalue starttime vsize rss …
        let stat = "42 (a (b) c) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0 \
                    1000 123456789 300 18446744073709551615";
        let u = parse_stat(stat, 4096, 100).expect("parsed");
        assert_eq!(u.rss_bytes, 300 * 4096);
        assert!((u.cpu_ms - 3000.0).abs() < 1e-9, "{}", u.cpu_ms);
        assert_eq!(parse_stat("42 (cut", 4096, 100), None);
        assert_eq!(parse_stat("42 (x) S 1 2", 4096, 100), None);
    }

    #[test]
    fn statm_and_status_give_resident_and_peak_sizes() {
        assert_eq!(
            parse_statm("1000 250 30 1 0 200 0\n", 4096),
            Some(250 * 4096)
        );
        assert_eq!(parse_statm("", 4096), None);
        let status =
            "Name:\tsandbench\nVmPeak:\t  9000 kB\nVmHWM:\t    2048 kB\nVmRSS:\t 1024 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(2048 * 1024));
        assert_eq!(parse_vm_hwm("Name:\tx\n"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_can_be_read() {
        let me = Process::Current;
        let rss = me.rss_bytes().expect("rss");
        let peak = me.peak_rss_bytes().expect("peak");
        let usage = Process::Id(std::process::id()).usage().expect("usage");
        assert!(rss > 0 && peak > 0 && usage.rss_bytes > 0);
        assert!(peak >= rss / 2, "peak {peak} rss {rss}");
        assert!(usage.cpu_ms >= 0.0);
    }
}
