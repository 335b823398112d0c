//! Per-run budgets for host calls that cost the host a database round trip.
//!
//! A guest can loop over any import for as long as its fuel and deadline last.
//! Each call that reaches the store is counted here against the run's
//! [`RunLimits`]; past the budget the call fails with `host-error::limit`
//! before any work is done for it.

use super::bindings::atlas::workflow::types::HostError;
use super::limits::RunLimits;

/// A kind of counted host call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// Any `kv` call.
    Kv,
    /// `secrets::get`.
    Secret,
    /// A CRM read.
    CrmRead,
    /// A CRM change.
    CrmWrite,
}

impl CallKind {
    fn index(self) -> usize {
        self as usize
    }

    fn budget(self, limits: &RunLimits) -> u32 {
        match self {
            CallKind::Kv => limits.kv_calls,
            CallKind::Secret => limits.secret_calls,
            CallKind::CrmRead => limits.crm_reads,
            CallKind::CrmWrite => limits.crm_writes,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            CallKind::Kv => "kv calls",
            CallKind::Secret => "secret reads",
            CallKind::CrmRead => "CRM reads",
            CallKind::CrmWrite => "CRM changes",
        }
    }
}

/// Calls made so far in one run, by kind.
#[derive(Debug, Default)]
pub struct CallBudget {
    used: [u32; 4],
}

impl CallBudget {
    /// Counts one call of `kind`, or refuses it when the run's budget is spent.
    pub fn spend(&mut self, kind: CallKind, limits: &RunLimits) -> Result<(), HostError> {
        let budget = kind.budget(limits);
        let used = &mut self.used[kind.index()];
        if *used >= budget {
            return Err(HostError::Limit(format!(
                "a run may make at most {budget} {}",
                kind.describe()
            )));
        }
        *used += 1;
        Ok(())
    }

    /// Calls of `kind` counted so far.
    pub fn used(&self, kind: CallKind) -> u32 {
        self.used[kind.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_budget_and_counts_kinds_apart() {
        let limits = RunLimits {
            kv_calls: 2,
            crm_writes: 1,
            ..RunLimits::default()
        };
        let mut budget = CallBudget::default();
        assert!(budget.spend(CallKind::Kv, &limits).is_ok());
        assert!(budget.spend(CallKind::Kv, &limits).is_ok());
        let Err(HostError::Limit(message)) = budget.spend(CallKind::Kv, &limits) else {
            panic!("the third kv call must be refused");
        };
        assert_eq!(message, "a run may make at most 2 kv calls");
        assert!(budget.spend(CallKind::CrmWrite, &limits).is_ok());
        assert!(budget.spend(CallKind::CrmWrite, &limits).is_err());
        assert_eq!(budget.used(CallKind::Kv), 2);
        assert_eq!(budget.used(CallKind::Secret), 0);
    }
}
