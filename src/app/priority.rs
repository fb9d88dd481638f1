//! The window's background work yields to drawing. Its jobs' threads, and the
//! thread pool they compute on, run at a lower scheduling priority (nice 10 on
//! Linux) than the thread that draws: with both cores computing, a frame was
//! stretched by the time slices the jobs took from it (a 5 ms frame drawn in
//! 15-20 ms), and a job loses no more than the frames' own CPU time.

use thread_priority::{ThreadPriority, ThreadPriorityValue, set_current_thread_priority};

/// The priority of background work: on a 0-99 scale where 99 is the highest,
/// which Linux maps to nice 10 for normal threads (the drawing thread keeps 0).
const BACKGROUND: u8 = 22;

/// Lowers the calling thread's priority. Failure leaves it as it was (slower
/// frames while computing, nothing worse), so it is not reported.
pub fn lower_current_thread() {
    if let Ok(value) = ThreadPriorityValue::try_from(BACKGROUND) {
        set_current_thread_priority(ThreadPriority::Crossplatform(value)).ok();
    }
}

/// A pool of one lowered thread, for a job that should compute beside the
/// drawing rather than on both cores; None if the thread cannot be made.
pub fn one_lowered_thread() -> Option<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .start_handler(|_| lower_current_thread())
        .build()
        .ok()
}

/// Makes rayon's global pool, on which the jobs compute, with its threads
/// lowered. Only the first call in a process makes it; it does nothing if the
/// pool exists already.
pub fn lower_thread_pool() {
    rayon::ThreadPoolBuilder::new()
        .start_handler(|_| lower_current_thread())
        .build_global()
        .ok();
}
