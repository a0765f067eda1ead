use super::*;
use seccompiler::sock_filter;

/// A classic-BPF interpreter for seccomp programs: the action and the instructions run.
fn eval(prog: &[sock_filter], arch: u32, nr: u32, args: [u64; 6]) -> (u32, usize) {
    let mut data = [0u8; 64];
    data[0..4].copy_from_slice(&nr.to_le_bytes());
    data[4..8].copy_from_slice(&arch.to_le_bytes());
    for (i, a) in args.iter().enumerate() {
        data[16 + 8 * i..24 + 8 * i].copy_from_slice(&a.to_le_bytes());
    }
    let (mut pc, mut acc, mut steps) = (0usize, 0u32, 0usize);
    loop {
        let ins = &prog[pc];
        steps += 1;
        let (code, k) = (ins.code, ins.k);
        let cond = |taken: bool| {
            if taken {
                ins.jt as usize
            } else {
                ins.jf as usize
            }
        };
        pc += 1;
        match code {
            0x20 => {
                let o = k as usize;
                acc = u32::from_le_bytes([data[o], data[o + 1], data[o + 2], data[o + 3]]);
            }
            0x54 => acc &= k,
            0x05 => pc += k as usize,
            0x15 => pc += cond(acc == k),
            0x25 => pc += cond(acc > k),
            0x35 => pc += cond(acc >= k),
            0x45 => pc += cond(acc & k != 0),
            0x06 => return (k, steps),
            other => panic!("opcode {other:#x} not interpreted"),
        }
    }
}

/// The filter as it was built with seccompiler (a linear list, plus a stacked filter for
/// clone3): the search program must decide exactly like it.
fn reference(pid: u64, timer: u64) -> (Vec<sock_filter>, Vec<sock_filter>) {
    use seccompiler::{
        SeccompAction, SeccompCmpArgLen as Len, SeccompCmpOp as Op, SeccompCondition,
        SeccompFilter, SeccompRule,
    };
    use std::collections::BTreeMap;
    let arch: seccompiler::TargetArch = std::env::consts::ARCH.try_into().expect("arch");
    let cond = |arg, len, op, v| SeccompCondition::new(arg, len, op, v).expect("cond");
    let rule = |c: Vec<SeccompCondition>| SeccompRule::new(c).expect("rule");
    let fds = |fds: &[u64]| -> Vec<SeccompRule> {
        fds.iter()
            .map(|&fd| rule(vec![cond(0, Len::Dword, Op::Eq, fd)]))
            .collect()
    };
    let mut rules: BTreeMap<i64, Vec<SeccompRule>> = BTreeMap::new();
    for &nr in ALLOWED {
        rules.insert(nr, Vec::new());
    }
    rules.insert(libc::SYS_read, fds(&[0]));
    rules.insert(libc::SYS_write, fds(&[1, 2]));
    rules.insert(libc::SYS_writev, fds(&[1, 2]));
    let exec = libc::PROT_EXEC as u64;
    for nr in [libc::SYS_mmap, libc::SYS_mprotect] {
        rules.insert(
            nr,
            vec![rule(vec![cond(2, Len::Dword, Op::MaskedEq(exec), 0)])],
        );
    }
    let thread = libc::CLONE_THREAD as u64;
    rules.insert(
        libc::SYS_clone,
        vec![rule(vec![cond(
            0,
            Len::Qword,
            Op::MaskedEq(thread),
            thread,
        )])],
    );
    rules.insert(
        libc::SYS_tgkill,
        vec![rule(vec![cond(0, Len::Dword, Op::Eq, pid)])],
    );
    rules.insert(
        libc::SYS_prctl,
        vec![rule(vec![cond(
            0,
            Len::Dword,
            Op::Eq,
            libc::PR_SET_NAME as u64,
        )])],
    );
    rules.insert(
        libc::SYS_timer_settime,
        vec![rule(vec![cond(0, Len::Dword, Op::Eq, timer)])],
    );
    rules.insert(libc::SYS_clone3, Vec::new());
    let main = SeccompFilter::new(
        rules,
        SeccompAction::Errno(libc::EPERM as u32),
        SeccompAction::Allow,
        arch,
    )
    .expect("filter");
    let mut c3 = BTreeMap::new();
    c3.insert(libc::SYS_clone3, Vec::new());
    let clone3 = SeccompFilter::new(
        c3,
        SeccompAction::Allow,
        SeccompAction::Errno(libc::ENOSYS as u32),
        arch,
    )
    .expect("filter");
    (
        clone3.try_into().expect("bpf"),
        main.try_into().expect("bpf"),
    )
}

const ENOSYS: u32 = libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32;
const ALLOW: u32 = libc::SECCOMP_RET_ALLOW;

#[test]
fn the_search_filter_decides_like_the_linear_seccompiler_filter() {
    let pid = 4242u32;
    let prog = build_filter(&seccomp_rules(pid, Some(2))).expect("filter");
    let (clone3, main) = reference(u64::from(pid), 2);
    let values = [
        0u64,
        1,
        2,
        3,
        u64::from(pid),
        libc::PR_SET_NAME as u64,
        libc::PR_SET_SECCOMP as u64,
        (libc::PROT_READ | libc::PROT_WRITE) as u64,
        (libc::PROT_READ | libc::PROT_EXEC) as u64,
        (libc::CLONE_VM | libc::CLONE_THREAD | libc::CLONE_SIGHAND) as u64,
        (libc::CLONE_VM | libc::CLONE_VFORK) as u64,
        0xFFFF_FFFF,
        (1 << 32) | 1,
    ];
    let (mut allowed, mut checked) = (0, 0);
    for nr in (0..1024u32).chain((0..1024).map(|n| n | 0x4000_0000)) {
        for &a0 in &values {
            for &a2 in &values {
                let args = [a0, 3, a2, 0, 0, 0];
                let (got, _) = eval(&prog, AUDIT_ARCH, nr, args);
                // Stacked filters: the stricter answer (ERRNO over ALLOW) wins.
                let (first, _) = eval(&clone3, AUDIT_ARCH, nr, args);
                let (second, _) = eval(&main, AUDIT_ARCH, nr, args);
                let want = if first == ENOSYS { ENOSYS } else { second };
                assert_eq!(got, want, "nr {nr} args {args:?}");
                allowed += usize::from(got == ALLOW);
                checked += 1;
            }
        }
    }
    // Not vacuous: both kinds of answer occur.
    assert!(
        allowed > 1000 && allowed < checked / 10,
        "{allowed}/{checked}"
    );
}

#[test]
fn the_filter_answers_named_cases_and_stays_short() {
    let pid = 77u32;
    let prog = build_filter(&seccomp_rules(pid, Some(0))).expect("filter");
    let eperm = libc::SECCOMP_RET_ERRNO | libc::EPERM as u32;
    let decide = |nr: libc::c_long, a0: u64, a2: u64| {
        eval(&prog, AUDIT_ARCH, nr as u32, [a0, 0, a2, 0, 0, 0]).0
    };
    // Each call as shown on failure, its number and first argument. Its own CPU kill timer
    // (timer 0) may be armed; no other timer, and no timer made.
    let allowed = [
        ("read(0)", libc::SYS_read, 0),
        ("write(2)", libc::SYS_write, 2),
        ("tgkill(77)", libc::SYS_tgkill, 77),
        ("timer_settime(0)", libc::SYS_timer_settime, 0),
    ];
    let refused = [
        ("read(3)", libc::SYS_read, 3),
        ("write(0)", libc::SYS_write, 0),
        ("openat", libc::SYS_openat, 0),
        ("execve", libc::SYS_execve, 0),
        ("tgkill(78)", libc::SYS_tgkill, 78),
        ("timer_settime(1)", libc::SYS_timer_settime, 1),
        ("timer_create", libc::SYS_timer_create, 2),
        ("timer_delete", libc::SYS_timer_delete, 0),
    ];
    for (answer, calls) in [(ALLOW, &allowed[..]), (eperm, &refused[..])] {
        for &(call, nr, a0) in calls {
            assert_eq!(decide(nr, a0, 0), answer, "{call}");
        }
    }
    assert_eq!(decide(libc::SYS_clone3, 0, 0), ENOSYS);
    let rwx = (libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC) as u64;
    assert_eq!(decide(libc::SYS_mprotect, 0, rwx), eperm);
    // An x32 system call number is never one of the allowed ones.
    let x32 = eval(&prog, AUDIT_ARCH, 0x4000_0000 | 1, [1; 6]).0;
    assert_eq!(x32, eperm);
    // Another architecture's calling convention kills the process.
    let other = eval(&prog, 0x4000_0003, 1, [1; 6]).0;
    assert_eq!(other, libc::SECCOMP_RET_KILL_PROCESS);
    // A search, not a walk: every decision takes a handful of instructions.
    let worst = (0..1024u32)
        .map(|nr| eval(&prog, AUDIT_ARCH, nr, [0; 6]).1)
        .max()
        .unwrap_or(0);
    assert!(worst <= 20, "{worst} instructions for one decision");
    assert!(prog.len() < 200, "{} instructions", prog.len());
}
