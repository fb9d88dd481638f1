//! Background work for the window: every computation that grows with the data runs
//! on its own thread and reports back over a channel; the UI polls without blocking.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::Instant;

/// A computation running on a background thread.
pub struct Job<T> {
    rx: Receiver<T>,
    cancel: Arc<AtomicBool>,
    pub started: Instant,
}

impl<T: Send + 'static> Job<T> {
    /// Starts `work` on a new thread; `ctx` (if any) is asked to repaint when it ends.
    pub fn spawn(
        ctx: Option<egui::Context>,
        work: impl FnOnce(&AtomicBool) -> T + Send + 'static,
    ) -> Job<T> {
        let (tx, rx) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = cancel.clone();
        std::thread::spawn(move || {
            let out = work(&flag);
            if !flag.load(Ordering::Relaxed) {
                let _ = tx.send(out);
            }
            if let Some(ctx) = ctx {
                ctx.request_repaint();
            }
        });
        Job {
            rx,
            cancel,
            started: Instant::now(),
        }
    }
}

impl<T> Job<T> {
    /// The result, once the work has finished. `Err` if the work died.
    pub fn poll(&self) -> Option<Result<T, ()>> {
        match self.rx.try_recv() {
            Ok(v) => Some(Ok(v)),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(())),
        }
    }

    /// Asks the work to stop; its result, if it still comes, is dropped.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

impl<T> Drop for Job<T> {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// A result that depends on inputs summarised by a key. Asking for a new key starts
/// a job and keeps showing the previous value until the new one arrives.
pub struct Keyed<K, T> {
    pub value: Option<Arc<T>>,
    pub key: Option<K>,
    running: Option<(K, Job<T>)>,
}

impl<K, T> Default for Keyed<K, T> {
    fn default() -> Self {
        Keyed {
            value: None,
            key: None,
            running: None,
        }
    }
}

impl<K: PartialEq + Clone, T: Send + 'static> Keyed<K, T> {
    /// Makes sure the value for `key` exists or is being computed by `work`.
    pub fn ensure(
        &mut self,
        key: K,
        ctx: &egui::Context,
        work: impl FnOnce(&AtomicBool) -> T + Send + 'static,
    ) {
        if self.key.as_ref() == Some(&key) || self.running.as_ref().is_some_and(|(k, _)| *k == key)
        {
            return;
        }
        self.running = Some((key, Job::spawn(Some(ctx.clone()), work)));
    }

    /// Takes a finished result. Returns true when the value changed.
    pub fn poll(&mut self) -> bool {
        let Some((_, job)) = &self.running else {
            return false;
        };
        match job.poll() {
            None => false,
            Some(result) => {
                if let Some((key, _)) = self.running.take()
                    && let Ok(v) = result
                {
                    self.value = Some(Arc::new(v));
                    self.key = Some(key);
                    return true;
                }
                false
            }
        }
    }

    pub fn is_busy(&self) -> bool {
        self.running.is_some()
    }

    /// Seconds the running job has taken so far.
    pub fn busy_for(&self) -> Option<f32> {
        self.running
            .as_ref()
            .map(|(_, j)| j.started.elapsed().as_secs_f32())
    }

    /// True when the shown value is for `key`.
    pub fn is_current(&self, key: &K) -> bool {
        self.key.as_ref() == Some(key)
    }

    /// Stops the running job; the shown value stays.
    pub fn cancel(&mut self) {
        self.running = None;
    }

    pub fn clear(&mut self) {
        self.value = None;
        self.key = None;
        self.running = None;
    }
}
