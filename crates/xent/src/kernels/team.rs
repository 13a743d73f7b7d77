//! A team of threads for a long run of short parallel steps, each depending on the last: an
//! epoch of minibatch SGD is 235 steps of about 100 µs on Fashion-MNIST, and between two
//! steps rayon's idle workers fall asleep, so that every step paid a futex wake-up (tens of
//! µs on a virtual machine): 40 % of the epoch, measured. A team's helpers spin for a short
//! while between steps (then sleep, so an idle team costs nothing), and a step is one store
//! and one counter. `for_blocks` stays the driver of everything else: a team is only for
//! loops whose steps cannot be batched.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

/// Spins before a helper sleeps (about 50–100 µs): longer than the gap between two steps of a
/// training loop, far shorter than anything a person would notice.
const SPINS: usize = 1 << 14;

/// The job of the current step, with its lifetime erased.
type Job = &'static (dyn Fn(usize) + Sync);

struct Shared {
    /// Bumped to publish each step's job.
    generation: AtomicUsize,
    /// Helpers done with the current step.
    done: AtomicUsize,
    stop: AtomicBool,
    job: Mutex<Option<Job>>,
    /// Where sleeping helpers wait for the next generation.
    wake: Condvar,
    /// A helper's job panicked.
    panicked: AtomicBool,
}

/// A handle to run steps on the team (see [`with_team`]).
pub(crate) struct Team<'a> {
    shared: Option<&'a Shared>,
    threads: usize,
}

/// Runs `f` with a team of `threads` threads (the caller and `threads − 1` helpers, started
/// here and joined before it returns).
pub(crate) fn with_team<R>(threads: usize, f: impl FnOnce(&Team<'_>) -> R) -> R {
    if threads <= 1 {
        return f(&Team {
            shared: None,
            threads: 1,
        });
    }
    let shared = Shared {
        generation: AtomicUsize::new(0),
        done: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
        job: Mutex::new(None),
        wake: Condvar::new(),
        panicked: AtomicBool::new(false),
    };
    std::thread::scope(|scope| {
        for t in 1..threads {
            let shared = &shared;
            scope.spawn(move || helper(shared, t));
        }
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            f(&Team {
                shared: Some(&shared),
                threads,
            })
        }));
        shared.stop.store(true, Ordering::Release);
        shared.generation.fetch_add(1, Ordering::AcqRel);
        drop(shared.job.lock().unwrap_or_else(|e| e.into_inner()));
        shared.wake.notify_all();
        match result {
            Ok(r) => r,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

fn helper(shared: &Shared, index: usize) {
    let mut seen = 0;
    loop {
        let mut spins = 0;
        let generation = loop {
            let g = shared.generation.load(Ordering::Acquire);
            if g != seen {
                break g;
            }
            if spins < SPINS {
                spins += 1;
                std::hint::spin_loop();
                continue;
            }
            let guard = shared.job.lock().unwrap_or_else(|e| e.into_inner());
            if shared.generation.load(Ordering::Acquire) == seen {
                drop(shared.wake.wait(guard).unwrap_or_else(|e| e.into_inner()));
            }
        };
        seen = generation;
        if shared.stop.load(Ordering::Acquire) {
            return;
        }
        let job = *shared.job.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(job) = job {
            if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(index))).is_err() {
                shared.panicked.store(true, Ordering::Release);
            }
        }
        shared.done.fetch_add(1, Ordering::AcqRel);
    }
}

impl Team<'_> {
    /// Runs `job(t)` for every t in 0..threads, t = 0 on the caller, and returns when all
    /// have finished.
    ///
    /// # Panics
    /// When a job panics (on a helper: once every helper has finished the step).
    pub(crate) fn run(&self, job: &(dyn Fn(usize) + Sync)) {
        let Some(shared) = self.shared else {
            return job(0);
        };
        // SAFETY: the erased reference is only called by helpers during this step; `run`
        // does not return (even when `job(0)` panics: `Finish` waits in its drop) before
        // every helper has counted itself done, after which none touches it, and the slot
        // is cleared before `run` returns.
        let erased: Job = unsafe { std::mem::transmute::<&(dyn Fn(usize) + Sync), Job>(job) };
        shared.done.store(0, Ordering::Release);
        *shared.job.lock().unwrap_or_else(|e| e.into_inner()) = Some(erased);
        shared.generation.fetch_add(1, Ordering::AcqRel);
        drop(shared.job.lock().unwrap_or_else(|e| e.into_inner()));
        shared.wake.notify_all();
        let finish = Finish {
            shared,
            helpers: self.threads - 1,
        };
        job(0);
        drop(finish);
        if shared.panicked.swap(false, Ordering::AcqRel) {
            panic!("a job of the team panicked on a helper thread");
        }
    }
}

/// Waits for the helpers to finish the step and clears the job, also when the caller's part
/// unwinds.
struct Finish<'a> {
    shared: &'a Shared,
    helpers: usize,
}

impl Drop for Finish<'_> {
    fn drop(&mut self) {
        let mut spins = 0usize;
        while self.shared.done.load(Ordering::Acquire) < self.helpers {
            spins += 1;
            if spins < SPINS {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
        *self.shared.job.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_thread_runs_every_step_and_steps_do_not_overlap() {
        for threads in [1, 2, 4] {
            let counts: Vec<AtomicUsize> = (0..threads).map(|_| AtomicUsize::new(0)).collect();
            let total = AtomicUsize::new(0);
            with_team(threads, |team| {
                for step in 0..1000 {
                    team.run(&|t| {
                        counts[t].fetch_add(1, Ordering::Relaxed);
                        total.fetch_add(step, Ordering::Relaxed);
                    });
                    // The step is over: every thread has added `step` once.
                    assert_eq!(
                        total.load(Ordering::Relaxed),
                        threads * step * (step + 1) / 2
                    );
                }
            });
            assert!(counts.iter().all(|c| c.load(Ordering::Relaxed) == 1000));
        }
    }

    #[test]
    fn a_panic_on_a_helper_reaches_the_caller() {
        let result = std::panic::catch_unwind(|| {
            with_team(2, |team| {
                team.run(&|t| {
                    if t == 1 {
                        panic!("boom")
                    }
                })
            })
        });
        assert!(result.is_err());
    }
}
