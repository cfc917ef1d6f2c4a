//! One piece of long work of a kind at a time (one import, one backup or restore, one analysis),
//! with the token that cancels it.

use std::sync::{Mutex, MutexGuard};

use repovault_storage::ErrorPayload;

pub struct Exclusive<T> {
    /// What runs, for the "busy" message: "an import", "a backup or restore", …
    what: &'static str,
    current: Mutex<Option<T>>,
}

/// Holds the slot until dropped (also when the command's future is dropped).
pub struct Claim<'a, T> {
    slot: &'a Exclusive<T>,
    pub cancel: T,
}

impl<T> Drop for Claim<'_, T> {
    fn drop(&mut self) {
        *self.slot.lock() = None;
    }
}

impl<T> Exclusive<T> {
    pub fn new(what: &'static str) -> Exclusive<T> {
        Exclusive { what, current: Mutex::new(None) }
    }

    fn lock(&self) -> MutexGuard<'_, Option<T>> {
        // A panic while holding this lock leaves nothing half-written: the value is just a token.
        self.current.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl<T: Clone + Default> Exclusive<T> {
    /// Claims the slot with a fresh cancel token, or says that the work is already running.
    pub fn begin(&self) -> Result<Claim<'_, T>, ErrorPayload> {
        self.begin_with(T::default())
    }

    /// Like `begin`, with the caller's token: work started by other work (the backup before an
    /// import) is cancelled with it.
    pub fn begin_with(&self, cancel: T) -> Result<Claim<'_, T>, ErrorPayload> {
        let mut current = self.lock();
        if current.is_some() {
            return Err(ErrorPayload {
                code: repovault_storage::ErrorCode::Busy,
                message: format!("{} is running; wait for it to finish or cancel it first", self.what),
            });
        }
        *current = Some(cancel.clone());
        Ok(Claim { slot: self, cancel })
    }

    pub fn running(&self) -> Option<T> {
        self.lock().clone()
    }
}
