//! Values made once and kept, one per slot, for a bounded number of slots: a value asked for
//! once that many are kept is made each time it is asked for.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Values by slot, each made when first asked for (see the module).
pub struct Kept<T> {
    slots: Vec<OnceLock<T>>,
    /// How many values were made to be kept.
    made: AtomicUsize,
    limit: usize,
}

impl<T: Clone> Kept<T> {
    /// Room for `slots` values, of which the first `limit` made are kept.
    pub fn new(slots: usize, limit: usize) -> Self {
        Kept {
            slots: (0..slots).map(|_| OnceLock::new()).collect(),
            made: AtomicUsize::new(0),
            limit,
        }
    }

    /// The value of `slot`: the one kept, else made by `make` (and kept while there is room).
    pub fn get(&self, slot: usize, make: impl FnOnce() -> T) -> T {
        match self.slots.get(slot) {
            Some(kept) => match kept.get() {
                Some(value) => value.clone(),
                None if self.made.fetch_add(1, Ordering::Relaxed) < self.limit => {
                    kept.get_or_init(make).clone()
                }
                None => make(),
            },
            None => make(),
        }
    }

    /// Gives back every value kept; each asked for after this is made each time.
    pub fn forget(&mut self) {
        self.slots = Vec::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_values_made_are_kept_up_to_the_limit() {
        let kept = Kept::new(3, 2);
        let made = AtomicUsize::new(0);
        let make = |n: usize| {
            made.fetch_add(1, Ordering::Relaxed);
            n
        };
        for _ in 0..2 {
            for slot in 0..3 {
                assert_eq!(kept.get(slot, || make(slot)), slot);
            }
        }
        // Slots 0 and 1 made once each; slot 2, past the limit, made both times.
        assert_eq!(made.load(Ordering::Relaxed), 4);
    }
}
