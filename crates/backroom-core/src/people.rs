//! Operators, their roles, and what each role may do.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What an operator does on the floor. A manager may do everything a picker or packer may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Picker,
    Packer,
    Manager,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Picker => "picker",
            Role::Packer => "packer",
            Role::Manager => "manager",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "picker" => Some(Role::Picker),
            "packer" => Some(Role::Packer),
            "manager" => Some(Role::Manager),
            _ => None,
        }
    }
}

/// Who may run a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not: health, the station list, signing in.
    Open,
    /// Any signed-in operator.
    SignedIn,
    /// A signed-in operator holding one of these roles (managers always qualify).
    Roles(&'static [Role]),
    /// A paired desktop station's own program, by its station key alone: no operator's
    /// session opens it, a manager's neither, as what it carries (a scale's readings) must come
    /// from the station's machine.
    Station,
}

impl Access {
    /// Whether an operator with `role` (or nobody, for `None`) may run the command.
    pub fn allows(self, role: Option<Role>) -> bool {
        match (self, role) {
            (Access::Open, _) => true,
            (Access::Station, _) => false,
            (_, None) => false,
            (Access::SignedIn, Some(_)) => true,
            (Access::Roles(_), Some(Role::Manager)) => true,
            (Access::Roles(roles), Some(role)) => roles.contains(&role),
        }
    }
}

/// How many wrong badges or PINs a station or a client address may send within
/// [`LOCKOUT_WINDOW_SECS`] before it must wait.
pub const FREE_TRIES: u32 = 5;
/// How far back wrong tries count. A right one does not clear them, so a picker cannot reset
/// the count with their own badge between guesses at a manager's PIN.
pub const LOCKOUT_WINDOW_SECS: i64 = 3_600;
const FIRST_LOCKOUT_SECS: i64 = 30;
const LONGEST_LOCKOUT_SECS: i64 = 15 * 60;

/// How long sign-in stays closed after the latest of `failures` wrong tries within the window:
/// none for the first few, then 30 seconds, doubling with every further try up to 15 minutes.
/// PIN guessing drops from thousands a second to a handful an hour.
pub fn lockout_secs(failures: u32) -> i64 {
    if failures < FREE_TRIES {
        return 0;
    }
    let doublings = (failures - FREE_TRIES).min(16);
    (FIRST_LOCKOUT_SECS << doublings).min(LONGEST_LOCKOUT_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_starts_after_the_free_tries_and_grows_to_a_cap() {
        assert_eq!(lockout_secs(0), 0);
        assert_eq!(lockout_secs(FREE_TRIES - 1), 0);
        assert_eq!(lockout_secs(FREE_TRIES), 30);
        assert_eq!(lockout_secs(FREE_TRIES + 1), 60);
        assert_eq!(lockout_secs(FREE_TRIES + 3), 240);
        assert_eq!(lockout_secs(FREE_TRIES + 5), 900);
        assert_eq!(lockout_secs(10_000), 900);
    }

    #[test]
    fn managers_may_do_what_floor_roles_may() {
        let pick = Access::Roles(&[Role::Picker]);
        assert!(pick.allows(Some(Role::Picker)));
        assert!(pick.allows(Some(Role::Manager)));
        assert!(!pick.allows(Some(Role::Packer)));
        assert!(!pick.allows(None));
        assert!(!Access::Roles(&[Role::Manager]).allows(Some(Role::Picker)));
        assert!(Access::Open.allows(None));
        assert!(!Access::SignedIn.allows(None));
        assert!(!Access::Station.allows(Some(Role::Manager)), "only a station key opens it");
    }
}
