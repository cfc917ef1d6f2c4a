//! The circuit breaker around the drainer (a small state machine: the maintained crates either
//! pull a tower stack in or count failures in time windows, while this one needs exactly
//! "3 consecutive failures, then one trial after a cool-down"). Time is `tokio::time::Instant`,
//! so tests drive it with a paused clock.
//!
//! - closed: batches go through; a failure counts, `threshold` consecutive ones open it;
//! - open until a deadline: nothing goes through;
//! - half-open after the deadline: exactly one trial batch; while it runs nothing else goes
//!   through; its success closes the breaker, its failure opens it again for a full cool-down.

use std::time::Duration;

use tokio::time::Instant;

pub const DEFAULT_THRESHOLD: u32 = 3;
pub const DEFAULT_COOLDOWN: Duration = Duration::from_secs(300);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Closed { failures: u32 },
    Open { until: Instant },
    HalfOpen { trial_running: bool },
}

impl State {
    pub fn name(&self) -> &'static str {
        match self {
            State::Closed { .. } => "closed",
            State::Open { .. } => "open",
            State::HalfOpen { .. } => "half_open",
        }
    }
}

/// Leave to run one batch; hand it back with its outcome.
#[derive(Debug, PartialEq, Eq)]
#[must_use]
pub enum Permit {
    Normal,
    /// The one half-open trial.
    Trial,
}

/// Why no batch may run now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    OpenUntil(Instant),
    TrialRunning,
}

/// A change of state, for the audit log and the health row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: &'static str,
    pub to: &'static str,
}

#[derive(Debug, Clone)]
pub struct Breaker {
    state: State,
    threshold: u32,
    cooldown: Duration,
}

impl Breaker {
    pub fn new(threshold: u32, cooldown: Duration) -> Breaker {
        Breaker { state: State::Closed { failures: 0 }, threshold: threshold.max(1), cooldown }
    }

    /// A breaker resumed in a saved state (another process left it open, say).
    pub fn with_state(mut self, state: State) -> Breaker {
        self.state = state;
        self
    }

    pub fn state(&self) -> State {
        self.state
    }

    pub fn cooldown(&self) -> Duration {
        self.cooldown
    }

    /// Asks to run a batch now. An open breaker whose cool-down is over becomes half-open and
    /// hands out its single trial (the returned transition says so).
    pub fn admit(&mut self) -> Result<(Permit, Option<Transition>), Refused> {
        match self.state {
            State::Closed { .. } => Ok((Permit::Normal, None)),
            State::Open { until } if Instant::now() < until => Err(Refused::OpenUntil(until)),
            State::Open { .. } => {
                self.state = State::HalfOpen { trial_running: true };
                Ok((Permit::Trial, Some(Transition { from: "open", to: "half_open" })))
            }
            State::HalfOpen { trial_running: true } => Err(Refused::TrialRunning),
            State::HalfOpen { trial_running: false } => {
                self.state = State::HalfOpen { trial_running: true };
                Ok((Permit::Trial, None))
            }
        }
    }

    pub fn success(&mut self, permit: Permit) -> Option<Transition> {
        match (permit, self.state) {
            (Permit::Trial, State::HalfOpen { .. }) => {
                self.state = State::Closed { failures: 0 };
                Some(Transition { from: "half_open", to: "closed" })
            }
            (Permit::Normal, State::Closed { .. }) => {
                self.state = State::Closed { failures: 0 };
                None
            }
            // An outcome that arrives after the state moved on (it cannot, with one drainer) changes nothing.
            _ => None,
        }
    }

    pub fn failure(&mut self, permit: Permit) -> Option<Transition> {
        let until = Instant::now() + self.cooldown;
        match (permit, self.state) {
            (Permit::Trial, State::HalfOpen { .. }) => {
                self.state = State::Open { until };
                Some(Transition { from: "half_open", to: "open" })
            }
            (Permit::Normal, State::Closed { failures }) => {
                let failures = failures + 1;
                if failures >= self.threshold {
                    self.state = State::Open { until };
                    Some(Transition { from: "closed", to: "open" })
                } else {
                    self.state = State::Closed { failures };
                    None
                }
            }
            _ => None,
        }
    }

    /// Consecutive failures counted while closed.
    pub fn failures(&self) -> u32 {
        match self.state {
            State::Closed { failures } => failures,
            _ => self.threshold,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fail(b: &mut Breaker) -> Option<Transition> {
        let (permit, _) = b.admit().unwrap();
        b.failure(permit)
    }

    fn succeed(b: &mut Breaker) -> Option<Transition> {
        let (permit, _) = b.admit().unwrap();
        b.success(permit)
    }

    fn breaker() -> Breaker {
        Breaker::new(3, Duration::from_secs(300))
    }

    #[tokio::test(start_paused = true)]
    async fn closed_stays_closed_below_the_threshold_and_a_success_resets_the_count() {
        let mut b = breaker();
        assert_eq!(fail(&mut b), None);
        assert_eq!(fail(&mut b), None);
        assert_eq!(b.state(), State::Closed { failures: 2 });
        assert_eq!(succeed(&mut b), None);
        assert_eq!(b.state(), State::Closed { failures: 0 });
        // Two more failures after the reset do not open it: the failures must be consecutive.
        assert_eq!(fail(&mut b), None);
        assert_eq!(fail(&mut b), None);
        assert!(matches!(b.state(), State::Closed { failures: 2 }));
    }

    #[tokio::test(start_paused = true)]
    async fn three_failures_open_it_for_the_cooldown() {
        let mut b = breaker();
        fail(&mut b);
        fail(&mut b);
        let opened_at = Instant::now();
        assert_eq!(fail(&mut b), Some(Transition { from: "closed", to: "open" }));
        assert_eq!(b.state(), State::Open { until: opened_at + Duration::from_secs(300) });
        tokio::time::advance(Duration::from_secs(299)).await;
        assert_eq!(b.admit(), Err(Refused::OpenUntil(opened_at + Duration::from_secs(300))));
    }

    #[tokio::test(start_paused = true)]
    async fn after_the_cooldown_exactly_one_trial_runs_and_its_success_closes_it() {
        let mut b = breaker();
        for _ in 0..3 {
            fail(&mut b);
        }
        tokio::time::advance(Duration::from_secs(300)).await;
        let (trial, transition) = b.admit().unwrap();
        assert_eq!(trial, Permit::Trial);
        assert_eq!(transition, Some(Transition { from: "open", to: "half_open" }));
        // Never two trials at once.
        assert_eq!(b.admit(), Err(Refused::TrialRunning));
        assert_eq!(b.admit(), Err(Refused::TrialRunning));
        assert_eq!(b.success(trial), Some(Transition { from: "half_open", to: "closed" }));
        assert_eq!(b.state(), State::Closed { failures: 0 });
        assert_eq!(b.admit().unwrap().0, Permit::Normal);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failing_trial_reopens_it_for_a_full_cooldown() {
        let mut b = breaker();
        for _ in 0..3 {
            fail(&mut b);
        }
        tokio::time::advance(Duration::from_secs(301)).await;
        let (trial, _) = b.admit().unwrap();
        let failed_at = Instant::now();
        assert_eq!(b.failure(trial), Some(Transition { from: "half_open", to: "open" }));
        assert_eq!(b.state(), State::Open { until: failed_at + Duration::from_secs(300) });
        tokio::time::advance(Duration::from_secs(150)).await;
        assert!(matches!(b.admit(), Err(Refused::OpenUntil(_))));
        tokio::time::advance(Duration::from_secs(150)).await;
        assert_eq!(b.admit().unwrap().0, Permit::Trial);
    }

    #[tokio::test(start_paused = true)]
    async fn a_stale_normal_outcome_does_not_close_an_open_breaker() {
        let mut b = breaker();
        fail(&mut b);
        fail(&mut b);
        fail(&mut b);
        assert_eq!(b.success(Permit::Normal), None);
        assert!(matches!(b.state(), State::Open { .. }));
        assert_eq!(b.failure(Permit::Normal), None);
        assert!(matches!(b.state(), State::Open { .. }));
    }

    #[tokio::test(start_paused = true)]
    async fn a_resumed_half_open_state_without_a_running_trial_hands_out_one() {
        let mut b = breaker().with_state(State::HalfOpen { trial_running: false });
        assert_eq!(b.admit().unwrap().0, Permit::Trial);
        assert_eq!(b.admit(), Err(Refused::TrialRunning));
    }

    #[tokio::test(start_paused = true)]
    async fn a_configured_cooldown_is_honoured() {
        let mut b = Breaker::new(3, Duration::from_secs(2));
        for _ in 0..3 {
            fail(&mut b);
        }
        tokio::time::advance(Duration::from_millis(1999)).await;
        assert!(b.admit().is_err());
        tokio::time::advance(Duration::from_millis(1)).await;
        assert_eq!(b.admit().unwrap().0, Permit::Trial);
    }
}
