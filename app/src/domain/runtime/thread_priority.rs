//! Lowering the scheduling priority of one named thread of this process. Linux only:
//! elsewhere nothing is lowered and callers keep writing at normal priority.
//!
//! A process may always lower one of its threads' priority; raising it back takes a
//! privilege (`CAP_SYS_NICE`) a server should not hold. So a thread is only ever
//! lowered, and work that must not wait goes to another thread instead.

/// The nice value of a lowered thread: the lowest priority `SCHED_OTHER` offers. On a
/// busy core such a thread gets about 1.5 % of it, on an idle one all of it.
pub const LOWEST: i32 = 19;

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
}
