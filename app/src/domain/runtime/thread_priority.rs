//! Lowering the scheduling priority of one named thread of this process. Linux only:
//! elsewhere nothing is lowered and callers keep writing at normal priority.
//!
//! A process may always lower one of its threads' priority; raising it back takes a
//! privilege (`CAP_SYS_NICE`) a server should not hold. So a thread is only ever
//! lowered, and work that must not wait goes to another thread instead.
//!
//! Two ways down: nice `LOWEST`, which can be set on any thread of ours by its id, and
//! `SCHED_IDLE`, which no crate sets on another thread without `unsafe`, so a thread
//! takes it for itself (`idle_current`) and the threads it starts inherit it.

/// The nice value of a lowered thread: the lowest priority `SCHED_OTHER` offers. On a
/// busy core such a thread gets about 1.5 % of it, on an idle one all of it.
pub const LOWEST: i32 = 19;

/// `SCHED_IDLE` as the kernel numbers it (`sched(7)`; field 41 of `/proc/…/stat`).
const SCHED_IDLE: u32 = 5;

/// The longest thread name Linux keeps (`comm` holds 15 bytes and a terminator).
pub const NAME_MAX: usize = 15;

/// This process's threads named `name` (as `comm` keeps it: cut to `NAME_MAX` bytes).
/// A thread that ends while we look is left out.
#[cfg(target_os = "linux")]
fn threads_named(name: &str) -> Vec<rustix::process::Pid> {
    let wanted = &name.as_bytes()[..name.len().min(NAME_MAX)];
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    tasks
        .flatten()
        .filter(|task| {
            std::fs::read(task.path().join("comm"))
                .is_ok_and(|comm| comm.strip_suffix(b"\n").unwrap_or(&comm) == wanted)
        })
        .filter_map(|task| {
            let tid = task.file_name().to_str()?.parse::<i32>().ok()?;
            rustix::process::Pid::from_raw(tid)
        })
        .collect()
}

/// Lowers every thread of this process named `name` to nice `LOWEST` (those already
/// there are left alone) and returns how many now run at it.
#[cfg(target_os = "linux")]
pub fn lower_named(name: &str) -> usize {
    use rustix::process::{getpriority_process, setpriority_process};
    threads_named(name)
        .into_iter()
        .filter(|&pid| match getpriority_process(Some(pid)) {
            Ok(nice) if nice >= LOWEST => true,
            Ok(_) => setpriority_process(Some(pid), LOWEST).is_ok(),
            Err(_) => false,
        })
        .count()
}

#[cfg(not(target_os = "linux"))]
pub fn lower_named(_name: &str) -> usize {
    0
}

/// Puts the calling thread under `SCHED_IDLE` at nice `LOWEST`: it runs only in time
/// the core's other threads leave, and is preempted as soon as one of them wakes. The
/// threads it starts inherit both. Returns whether it is now `SCHED_IDLE`; the nice
/// value is lowered either way, as the fallback.
#[cfg(target_os = "linux")]
pub fn idle_current() -> bool {
    use ::thread_priority::{
        NormalThreadSchedulePolicy, ThreadPriority, ThreadSchedulePolicy,
        set_thread_priority_and_policy, thread_native_id,
    };
    // The crate also sets nice 0 (the only value it maps `SCHED_IDLE` to), which fails
    // on a thread already above it: the policy is read back, not taken from its answer.
    let _ = set_thread_priority_and_policy(
        thread_native_id(),
        ThreadPriority::Min,
        ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle),
    );
    let _ = rustix::process::setpriority_process(None, LOWEST);
    policy(std::path::Path::new("/proc/thread-self/stat")) == Some(SCHED_IDLE)
}

#[cfg(not(target_os = "linux"))]
pub fn idle_current() -> bool {
    false
}

/// The scheduling policy in a `/proc/…/stat` file: field 41, counted after the command
/// name's closing parenthesis (the name itself may hold spaces and parentheses).
#[cfg(target_os = "linux")]
fn policy(stat: &std::path::Path) -> Option<u32> {
    let stat = std::fs::read_to_string(stat).ok()?;
    let (_, after_name) = stat.rsplit_once(')')?;
    // Fields 3 onwards follow the name: field 41 is the 39th of them.
    after_name.split_whitespace().nth(41 - 3)?.parse().ok()
}

/// Whether this process's thread named `name`, if there is exactly one, runs under
/// `SCHED_IDLE`.
#[cfg(target_os = "linux")]
pub fn is_idle(name: &str) -> Option<bool> {
    match threads_named(name)[..] {
        [pid] => {
            let stat = format!("/proc/self/task/{}/stat", pid.as_raw_nonzero());
            policy(std::path::Path::new(&stat)).map(|p| p == SCHED_IDLE)
        }
        _ => None,
    }
}

#[cfg(not(target_os = "linux"))]
pub fn is_idle(_name: &str) -> Option<bool> {
    None
}

/// The nice value of this process's thread named `name`, if there is exactly one.
#[cfg(target_os = "linux")]
pub fn nice_of(name: &str) -> Option<i32> {
    match threads_named(name)[..] {
        [pid] => rustix::process::getpriority_process(Some(pid)).ok(),
        _ => None,
    }
}

#[cfg(not(target_os = "linux"))]
pub fn nice_of(_name: &str) -> Option<i32> {
    None
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn a_named_thread_is_lowered_and_no_other() {
        let name = format!("psn-t-{}", std::process::id() % 100_000);
        let (ready, wait) = std::sync::mpsc::channel();
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(name.clone())
            .spawn(move || {
                let _ = ready.send(());
                let _ = stopped.recv();
            })
            .unwrap_or_else(|e| panic!("spawn: {e}"));
        wait.recv().unwrap_or_else(|e| panic!("{e}"));
        let ours = rustix::process::getpriority_process(None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(nice_of(&name), Some(ours));

        assert_eq!(lower_named(&name), 1);
        assert_eq!(nice_of(&name), Some(LOWEST));
        // Asking again finds it already there.
        assert_eq!(lower_named(&name), 1);
        // The calling thread kept its priority.
        assert_eq!(rustix::process::getpriority_process(None).ok(), Some(ours));
        assert_eq!(lower_named("psn-no-such"), 0);

        let _ = stop.send(());
        thread.join().unwrap_or_else(|_| panic!("join"));
    }

    #[test]
    fn a_thread_that_goes_idle_starts_idle_threads_and_leaves_its_starter_alone() {
        let name = format!("psn-i-{}", std::process::id() % 100_000);
        let (ready, wait) = std::sync::mpsc::channel();
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let child_name = name.clone();
        let opener = std::thread::spawn(move || {
            let idle = idle_current();
            // Started from the idle thread, as SQLite's worker is from the opener.
            let child = std::thread::Builder::new()
                .name(child_name)
                .spawn(move || {
                    let _ = ready.send(());
                    let _ = stopped.recv();
                })
                .unwrap_or_else(|e| panic!("spawn: {e}"));
            (idle, child)
        });
        let (idle, child) = opener.join().unwrap_or_else(|_| panic!("join"));
        wait.recv().unwrap_or_else(|e| panic!("{e}"));
        assert!(
            idle,
            "an unprivileged thread may always take SCHED_IDLE (Linux 2.6.39)"
        );
        assert_eq!(is_idle(&name), Some(true), "the policy is inherited");
        assert_eq!(nice_of(&name), Some(LOWEST), "and so is the nice value");
        assert_eq!(is_idle("psn-no-such"), None);
        // This thread, which started the opener, kept its policy.
        let here = policy(std::path::Path::new("/proc/thread-self/stat"));
        assert_eq!(here.map(|p| p == SCHED_IDLE), Some(false));

        let _ = stop.send(());
        child.join().unwrap_or_else(|_| panic!("join"));
    }

    #[test]
    fn the_policy_is_read_past_a_name_with_spaces_and_parentheses() {
        let dir = std::env::temp_dir().join(format!("psn-stat-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let file = dir.join("stat");
        // Fields 3..=52 numbered by their own position, but 41 (the policy) set to 5.
        let fields: Vec<String> = (3..=52)
            .map(|n| if n == 41 { "5".into() } else { n.to_string() })
            .collect();
        let line = format!("123 (a) b (c) {}\n", fields.join(" "));
        std::fs::write(&file, line).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(policy(&file), Some(SCHED_IDLE));
        std::fs::write(&file, "123 (cut").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(policy(&file), None);
        std::fs::remove_dir_all(&dir).ok();
    }
}
