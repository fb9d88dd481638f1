//! Buffers whose pages the kernel has already given, made while the window is
//! idle and taken by the next change that needs one. On the virtual machines
//! this project runs on, each fresh 4 KiB page costs 1.5-10 us of kernel time,
//! so a change that writes tens of megabytes into new memory spends more on
//! page faults than on its own work.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// One spare buffer, handed out whole and kept when given back larger.
pub struct Spare<T>(Mutex<Vec<T>>);

impl<T> Default for Spare<T> {
    fn default() -> Self {
        Spare(Mutex::new(Vec::new()))
    }
}

/// Its size, not its (millions of) items.
impl<T> std::fmt::Debug for Spare<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spare")
            .field("capacity", &self.capacity())
            .finish()
    }
}

impl<T> Spare<T> {
    fn spare(&self) -> MutexGuard<'_, Vec<T>> {
        // A panic elsewhere with the lock held leaves a buffer still usable.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many items the spare holds.
    pub fn capacity(&self) -> usize {
        self.spare().capacity()
    }

    /// An empty buffer for at least `n` items: the spare if it is that large.
    pub fn take(&self, n: usize) -> Vec<T> {
        let mut spare = self.spare();
        if spare.capacity() >= n {
            std::mem::take(&mut *spare)
        } else {
            Vec::with_capacity(n)
        }
    }

    /// Keeps `items`' buffer, emptied, if it is larger than the spare.
    pub fn give(&self, mut items: Vec<T>) {
        let mut spare = self.spare();
        if items.capacity() > spare.capacity() {
            items.clear();
            *spare = items;
        }
    }
}

impl<T: Clone> Spare<T> {
    /// Makes the spare hold `n` items, every page of it written once with
    /// `value`. Not zeros: an allocation then filled with zeros may be turned
    /// into `calloc`, which leaves a fresh mapping's pages untouched.
    pub fn fill(&self, n: usize, value: T) {
        if self.capacity() >= n {
            return;
        }
        let mut items = Vec::with_capacity(n);
        items.resize(n, value);
        self.give(items);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spare_buffer_is_taken_when_large_enough_and_keeps_the_largest() {
        let spare = Spare::<u64>::default();
        assert_eq!(spare.take(10).capacity(), 10);
        spare.fill(100, u64::MAX);
        assert!(spare.capacity() >= 100);
        // Too small a spare stays (a new buffer is made); a large enough one is
        // handed out, empty.
        assert!(spare.take(1000).capacity() >= 1000);
        assert!(spare.capacity() >= 100);
        let taken = spare.take(50);
        assert!(taken.is_empty() && taken.capacity() >= 100);
        assert_eq!(spare.capacity(), 0);
        // Given back: kept if larger than the spare, emptied.
        spare.give(vec![1; 20]);
        assert_eq!(spare.capacity(), 20);
        spare.give(taken);
        assert!(spare.capacity() >= 100);
        spare.give(Vec::with_capacity(30));
        assert!(spare.capacity() >= 100);
        assert!(spare.take(1).is_empty());
    }
}
