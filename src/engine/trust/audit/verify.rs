//! Reading the log back: every line of every file in order, and the chain check that names
//! the first bad line.

use super::*;

impl AuditLog {
    /// Calls `f(file, line_number, line)` for every line of every file, oldest first. A line
    /// over [`MAX_LINE_BYTES`] is passed truncated with `too_long` set; the last line of a
    /// file may lack its newline (`complete` false).
    pub fn for_each_line(
        &self,
        mut f: impl FnMut(&LineRef<'_>) -> std::ops::ControlFlow<()>,
    ) -> Result<(), AuditError> {
        for path in self.files()? {
            let file = File::open(&path).map_err(io(&path))?;
            let mut reader = std::io::BufReader::with_capacity(256 * 1024, file);
            let mut buf = Vec::with_capacity(4096);
            let mut number = 0u64;
            loop {
                buf.clear();
                let n = (&mut reader)
                    .take(MAX_LINE_BYTES as u64 + 1)
                    .read_until(b'\n', &mut buf)
                    .map_err(io(&path))?;
                if n == 0 {
                    break;
                }
                number += 1;
                let complete = buf.last() == Some(&b'\n');
                if complete {
                    buf.pop();
                }
                let too_long = !complete && buf.len() > MAX_LINE_BYTES;
                if too_long {
                    // Skip the rest of the oversized line.
                    let mut sink = Vec::new();
                    let _ = (&mut reader)
                        .take(u64::MAX)
                        .read_until(b'\n', &mut sink)
                        .map_err(io(&path))?;
                }
                let line = LineRef {
                    file: &path,
                    number,
                    bytes: &buf,
                    complete: complete || too_long,
                    too_long,
                };
                if f(&line).is_break() {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// Walks the whole chain and reports the first bad line, if any.
    pub fn verify(&self) -> Result<ChainReport, AuditError> {
        struct Info {
            file: PathBuf,
            number: u64,
            chain: Option<Chain>,
            hash: String,
            complete: bool,
            too_long: bool,
        }
        let files = self.files()?;
        let rotated = files.len() > usize::from(std::fs::symlink_metadata(self.path()).is_ok());
        let mut lines: Vec<Info> = Vec::new();
        self.for_each_line(|l| {
            lines.push(Info {
                file: l.file.to_path_buf(),
                number: l.number,
                chain: serde_json::from_slice::<Chain>(l.bytes).ok(),
                hash: line_hash(l.bytes),
                complete: l.complete,
                too_long: l.too_long,
            });
            std::ops::ControlFlow::Continue(())
        })?;
        let mut report = ChainReport {
            files,
            lines: lines.len() as u64,
            first_seq: None,
            last_seq: None,
            last_hash: lines.last().map(|l| l.hash.clone()),
            notes: Vec::new(),
            problem: None,
        };
        let problem = |i: &Info, kind: ProblemKind, message: String| ChainProblem {
            file: i.file.clone(),
            line: i.number,
            seq: i.chain.as_ref().map(|c| c.seq),
            kind,
            message,
        };
        for (idx, li) in lines.iter().enumerate() {
            if li.too_long {
                report.problem = Some(problem(
                    li,
                    ProblemKind::Unreadable,
                    format!("longer than {MAX_LINE_BYTES} bytes"),
                ));
                return Ok(report);
            }
            if !li.complete {
                report.problem = Some(problem(
                    li,
                    ProblemKind::Incomplete,
                    "incomplete: no newline at the end (half-written)".to_string(),
                ));
                return Ok(report);
            }
            let Some(c) = &li.chain else {
                report.problem = Some(problem(
                    li,
                    ProblemKind::Unreadable,
                    "not an audit record (not JSON with seq and prev): edited".to_string(),
                ));
                return Ok(report);
            };
            if idx == 0 {
                report.first_seq = Some(c.seq);
                if c.seq == 1 && c.prev != GENESIS {
                    report.problem = Some(problem(
                        li,
                        ProblemKind::Edited,
                        "the first line's prev is not the genesis value: edited".to_string(),
                    ));
                    return Ok(report);
                }
                if c.seq != 1 {
                    if rotated {
                        report.notes.push(format!(
                            "the chain starts at seq {}: earlier lines were rotated out",
                            c.seq
                        ));
                    } else {
                        report.problem = Some(problem(
                            li,
                            ProblemKind::Deleted,
                            format!(
                                "the log starts at seq {}: {} earlier line(s) deleted",
                                c.seq,
                                c.seq - 1
                            ),
                        ));
                        return Ok(report);
                    }
                }
                continue;
            }
            let p = &lines[idx - 1];
            let pc = p.chain.as_ref().map_or(0, |c| c.seq);
            if c.seq == pc + 1 {
                if c.prev != p.hash {
                    report.problem = Some(problem(
                        p,
                        ProblemKind::Edited,
                        format!(
                            "edited: its hash differs from the one the next line ({}:{}) recorded",
                            display_name(&li.file),
                            li.number
                        ),
                    ));
                    return Ok(report);
                }
            } else if c.seq > pc + 1 {
                let later = lines[idx + 1..].iter().find(|l| {
                    l.chain
                        .as_ref()
                        .is_some_and(|x| x.seq > pc && x.seq < c.seq)
                });
                report.problem = Some(match later {
                    Some(l) => problem(
                        li,
                        ProblemKind::Reordered,
                        format!(
                            "out of order: seq {} comes before seq {} ({}:{})",
                            c.seq,
                            pc + 1,
                            display_name(&l.file),
                            l.number
                        ),
                    ),
                    None => problem(
                        li,
                        ProblemKind::Deleted,
                        format!(
                            "{} line(s) deleted before it (seq {} follows seq {pc})",
                            c.seq - pc - 1,
                            c.seq
                        ),
                    ),
                });
                return Ok(report);
            } else {
                report.problem = Some(problem(
                    li,
                    ProblemKind::Reordered,
                    format!(
                        "out of order: seq {} follows seq {pc} (reordered or duplicated)",
                        c.seq
                    ),
                ));
                return Ok(report);
            }
        }
        let last = lines.last();
        report.last_seq = last.and_then(|l| l.chain.as_ref().map(|c| c.seq));
        match (self.read_head(), last) {
            (Some(h), None) if h.seq > 0 => {
                report.problem = Some(ChainProblem {
                    file: self.path(),
                    line: 0,
                    seq: None,
                    kind: ProblemKind::Deleted,
                    message: format!(
                        "the log is empty but {HEAD_FILE} records seq {}: every line deleted",
                        h.seq
                    ),
                });
            }
            (Some(h), Some(l)) => {
                let ls = report.last_seq.unwrap_or(0);
                if h.seq > ls {
                    report.problem = Some(problem(
                        l,
                        ProblemKind::Deleted,
                        format!(
                            "the log ends at seq {ls} but {HEAD_FILE} records seq {}: {} line(s) deleted at the end",
                            h.seq,
                            h.seq - ls
                        ),
                    ));
                } else if h.seq == ls && h.hash != l.hash {
                    report.problem = Some(problem(
                        l,
                        ProblemKind::Edited,
                        format!("edited: the last line's hash differs from the one in {HEAD_FILE}"),
                    ));
                } else if h.seq < ls {
                    report.notes.push(format!(
                        "{HEAD_FILE} records seq {} (behind the log: a writer stopped before updating it)",
                        h.seq
                    ));
                }
            }
            (None, Some(_)) => report.notes.push(format!(
                "no {HEAD_FILE}: lines cut from the end cannot be detected"
            )),
            _ => {}
        }
        Ok(report)
    }
}

/// One line as read from the log.
pub struct LineRef<'a> {
    pub file: &'a Path,
    /// 1-based line number in `file`.
    pub number: u64,
    /// Without the newline.
    pub bytes: &'a [u8],
    pub complete: bool,
    pub too_long: bool,
}

pub(super) fn display_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// What kind of damage a chain check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    Edited,
    Deleted,
    Reordered,
    Unreadable,
    Incomplete,
}

/// The first bad line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainProblem {
    pub file: PathBuf,
    /// 1-based line number in `file` (0 when the file itself is gone).
    pub line: u64,
    pub seq: Option<u64>,
    pub kind: ProblemKind,
    pub message: String,
}

impl std::fmt::Display for ChainProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", display_name(&self.file))?;
        if self.line > 0 {
            write!(f, " line {}", self.line)?;
        }
        if let Some(s) = self.seq {
            write!(f, " (seq {s})")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The result of [`AuditLog::verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    pub files: Vec<PathBuf>,
    pub lines: u64,
    pub first_seq: Option<u64>,
    pub last_seq: Option<u64>,
    /// SHA-256 of the last line: keep it elsewhere to anchor the chain.
    pub last_hash: Option<String>,
    pub notes: Vec<String>,
    pub problem: Option<ChainProblem>,
}
