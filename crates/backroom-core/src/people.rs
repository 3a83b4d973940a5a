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
}

impl Access {
    /// Whether an operator with `role` (or nobody, for `None`) may run the command.
    pub fn allows(self, role: Option<Role>) -> bool {
        match (self, role) {
            (Access::Open, _) => true,
            (_, None) => false,
            (Access::SignedIn, Some(_)) => true,
            (Access::Roles(_), Some(Role::Manager)) => true,
            (Access::Roles(roles), Some(role)) => roles.contains(&role),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
