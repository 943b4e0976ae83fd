//! Pinning for BENCH_ONLY=speed, as issue 24 measured: every server under
//! test on one CPU (so sesame and Actix start one worker each: their default
//! is the CPUs they may use), the load generator on another, so neither
//! takes the other's core. Also bare Actix in a pinned process of its own.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};

use crate::server::start_baseline;

/// Set in the environment of the benchmark's own binary, re-run as the
/// bare Actix server: `main` then serves it (`serve_baseline`) and nothing else.
pub const SERVE_BASELINE: &str = "BENCH_SERVE_BASELINE";

/// Pins this process's threads to the second CPU it may use and returns
/// the first, for the servers; called before the runtime is built, so its
/// threads inherit the pinning. On fewer than two CPUs nothing is pinned
/// (and it says so).
pub fn pin_load_generator() -> Option<usize> {
    let allowed = allowed_cpus();
    let [server, load, ..] = allowed[..] else {
        println!("fewer than 2 CPUs: servers and load generator run unpinned, sharing them");
        return None;
    };
    pin_this_thread(load);
    println!("pinned: servers under test on CPU {server}, load generator on CPU {load}");
    Some(server)
}

/// The CPUs this process may run on, in order.
fn allowed_cpus() -> Vec<usize> {
    // SAFETY: a zeroed cpu_set_t is an empty set; sched_getaffinity writes at
    // most the size given into it, and CPU_ISSET reads it within its bounds.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        let size = std::mem::size_of::<libc::cpu_set_t>();
        if libc::sched_getaffinity(0, size, &mut set) != 0 {
            return Vec::new();
        }
        (0..libc::CPU_SETSIZE as usize)
            .filter(|&cpu| libc::CPU_ISSET(cpu, &set))
            .collect()
    }
}

/// Pins the calling thread (and the threads and processes it starts later).
pub fn pin_this_thread(cpu: usize) {
    assert!(set_affinity(cpu), "pinning to CPU {cpu} failed");
}

fn set_affinity(cpu: usize) -> bool {
    // SAFETY: the set is built in place from zero, and sched_setaffinity
    // only reads it; pid 0 is the calling thread.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0
    }
}

/// Makes `command`'s process start pinned to `cpu` (`taskset -c cpu`), if
/// given.
pub fn pin_child(command: &mut Command, cpu: Option<usize>) {
    if let Some(cpu) = cpu {
        // SAFETY: between fork and exec the closure only makes one system
        // call (sched_setaffinity), which is async-signal-safe, and allocates
        // nothing.
        unsafe {
            command.pre_exec(move || {
                if set_affinity(cpu) {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            });
        }
    }
}

/// Bare Actix (`server::start_baseline`) in a process of its own, pinned
/// like sesame; killed when dropped.
pub struct Baseline {
    child: Child,
    pub address: SocketAddr,
}

impl Baseline {
    /// Re-runs this benchmark binary as the baseline server and waits for
    /// the address it prints.
    pub fn start(cpu: Option<usize>) -> Baseline {
        let exe = std::env::current_exe().expect("the benchmark's own path");
        let mut command = Command::new(exe);
        command
            .env(SERVE_BASELINE, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        pin_child(&mut command, cpu);
        let mut child = command.spawn().expect("the baseline process starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the baseline prints its address");
        let address = line.trim().parse().expect("an address");
        Baseline { child, address }
    }
}

impl Drop for Baseline {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The baseline process's whole life: serves, prints its address, and
/// exits when its standard input closes (the benchmark ended, even killed).
pub fn serve_baseline() {
    let address = start_baseline();
    println!("{address}");
    std::io::stdout().flush().expect("the address is printed");
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}
