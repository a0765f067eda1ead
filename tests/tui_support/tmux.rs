//! Driving the real binary in tmux, as a person would: for the end-to-end tests and the TUI
//! benchmark (`benches/tui.rs` includes this file). Each session runs on its own tmux server
//! (socket), so parallel tests, the benchmark and the user's own tmux never meet, and no
//! session waits on a server that another one is shutting down; the server is killed when the
//! session is dropped, pass or fail.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Runs tmux with `args`; an error when tmux cannot be started at all.
pub(crate) fn tmux(args: &[&str]) -> Result<Output, String> {
    Command::new("tmux")
        .args(args)
        .output()
        .map_err(|e| format!("tmux not available ({e})"))
}

pub(crate) struct Session {
    pub name: String,
    sock: String,
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = tmux(&["-L", &self.sock, "kill-server"]);
    }
}

impl Session {
    /// A detached `w`×`h` session running `command` (a shell command line), on a new server.
    pub(crate) fn run(w: u16, h: u16, command: &str) -> Result<Session, String> {
        let id = format!("{}-{}", std::process::id(), rand_suffix());
        let s = Session {
            name: format!("sandbench-{id}"),
            sock: format!("sandbench-{id}"),
        };
        let (w, h) = (w.to_string(), h.to_string());
        let out = s.tmux(&[
            "new-session",
            "-d",
            "-s",
            &s.name,
            "-x",
            &w,
            "-y",
            &h,
            command,
        ])?;
        if !out.status.success() {
            return Err(format!(
                "tmux new-session: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(s)
    }

    /// A session running a plain shell that stays on screen if what it runs dies.
    pub(crate) fn shell(w: u16, h: u16) -> Session {
        let s = Session::run(w, h, "bash --norc --noprofile")
            .expect("tmux is installed (.ci/run installs it)");
        s.tmux_ok(&["set-option", "-t", &s.name, "remain-on-exit", "on"]);
        s
    }

    pub(crate) fn tmux(&self, args: &[&str]) -> Result<Output, String> {
        let mut all = vec!["-L", self.sock.as_str()];
        all.extend_from_slice(args);
        tmux(&all)
    }

    /// Runs a tmux command that must succeed (tests).
    pub(crate) fn tmux_ok(&self, args: &[&str]) -> Output {
        let out = self.tmux(args).expect("tmux runs");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Named keys (`Enter`, `C-q`, `F5`…).
    pub(crate) fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.name];
        args.extend_from_slice(keys);
        self.tmux_ok(&args);
    }

    /// Literal text.
    pub(crate) fn literal(&self, text: &str) {
        self.tmux_ok(&["send-keys", "-t", &self.name, "-l", text]);
    }

    /// What the pane shows now (empty if tmux fails).
    pub(crate) fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-t", &self.name, "-p"])
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    }

    /// A tmux format (`#{pane_pid}`, `#{alternate_on}`…) for the pane.
    pub(crate) fn display(&self, fmt: &str) -> String {
        self.tmux(&["display", "-p", "-t", &self.name, fmt])
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    }

    /// Polls the screen every `every` until `pred` holds, for at most `timeout`: the screen
    /// that matched, or `None`.
    pub(crate) fn poll(
        &self,
        timeout: Duration,
        every: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> Option<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let s = self.screen();
            if pred(&s) {
                return Some(s);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(every);
        }
    }

    /// Polls the screen until `pred` holds (20 s at most), returning it; panics with the last
    /// screen.
    pub(crate) fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        match self.poll(Duration::from_secs(20), Duration::from_millis(50), pred) {
            Some(s) => s,
            None => panic!("timed out waiting for {what}; screen:\n{}", self.screen()),
        }
    }

    pub(crate) fn wait_text(&self, text: &str) -> String {
        self.wait_for(text, |s| s.contains(text))
    }

    /// Waits until the screen shows every one of `texts` and then stops changing (two
    /// captures 150 ms apart are equal): a screen to assert on, never a frame half drawn.
    pub(crate) fn settled(&self, texts: &[&str]) -> String {
        let what = texts.join(" + ");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let a = self.wait_for(&what, |x| texts.iter().all(|t| x.contains(t)));
            std::thread::sleep(Duration::from_millis(150));
            let b = self.screen();
            if a == b {
                return b;
            }
            assert!(
                Instant::now() < deadline,
                "the screen never settled on {what}:\n{b}"
            );
        }
    }
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(Instant::now().elapsed().as_nanos() as u64);
    h.finish() % 1_000_000
}

/// The workbench binary the end-to-end tests drive: `SANDBENCH_TEST_BIN` when set (to run
/// the same tests against another build, e.g. to show they fail on an older one), else the one
/// cargo built for these tests.
pub(crate) fn workbench_bin() -> std::path::PathBuf {
    std::env::var_os("SANDBENCH_TEST_BIN").map_or_else(
        || std::path::PathBuf::from(env!("CARGO_BIN_EXE_sandbench")),
        std::path::PathBuf::from,
    )
}

impl Session {
    /// A `w`×`h` session whose pane process is the workbench itself (its config and data
    /// directories under `dir`), so `#{pane_pid}` is the workbench and killing it is a crash.
    /// The pane stays on screen when it dies.
    pub(crate) fn workbench(w: u16, h: u16, dir: &Path, args: &[&Path]) -> Session {
        let cmd = workbench_command(dir, &workbench_bin(), args);
        let s = Session::run(w, h, &cmd).expect("tmux is installed (.ci/run installs it)");
        s.tmux_ok(&["set-option", "-t", &s.name, "remain-on-exit", "on"]);
        s
    }

    /// SIGKILL to the pane's process: the workbench dies without a chance to clean up.
    pub(crate) fn kill9(&self) {
        let pid = self.display("#{pane_pid}");
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        assert_eq!(comm.trim(), "sandbench", "pid {pid} is the workbench");
        let out = Command::new("kill")
            .args(["-KILL", &pid])
            .output()
            .expect("kill");
        assert!(out.status.success(), "kill -KILL {pid}");
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.display("#{pane_dead}") != "1" {
            assert!(Instant::now() < deadline, "the workbench did not die");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Ctrl-Q, and waits for the workbench to exit (the pane dies; it stays on screen).
    pub(crate) fn quit(&self) {
        self.keys(&["C-q"]);
        self.wait_for("the workbench to exit", |_| {
            self.display("#{pane_dead}") == "1"
        });
    }

    /// Esc alone (a letter right after it would read as Alt-letter).
    pub(crate) fn esc(&self) {
        self.keys(&["Escape"]);
        std::thread::sleep(Duration::from_millis(150));
    }
}

/// `p` quoted for a POSIX shell.
pub(crate) fn shell_quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', r"'\''"))
}

/// `SANDBENCH_DATA_DIR=… SANDBENCH_CONFIG_DIR=…` (under `dir`) for a shell command line.
pub(crate) fn dirs_env(dir: &Path) -> String {
    format!(
        "SANDBENCH_DATA_DIR={} SANDBENCH_CONFIG_DIR={}",
        shell_quote(&dir.join("data")),
        shell_quote(&dir.join("config")),
    )
}

/// `bin` and `args`, quoted for a shell command line.
pub(crate) fn command_line(bin: &Path, args: &[&Path]) -> String {
    let mut cmd = shell_quote(bin);
    for a in args {
        cmd.push(' ');
        cmd.push_str(&shell_quote(a));
    }
    cmd
}

/// A shell command line that replaces the shell (`exec`) by `bin` with `args`, its config
/// and data directories under `dir`.
pub(crate) fn workbench_command(dir: &Path, bin: &Path, args: &[&Path]) -> String {
    format!("{} exec {}", dirs_env(dir), command_line(bin, args))
}
