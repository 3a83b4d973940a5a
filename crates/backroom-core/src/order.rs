//! Orders: the status lifecycle and payment states.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::people::Role;

/// Where an order is in its life. Every change is recorded with who, where and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum OrderStatus {
    New,
    Held,
    Released,
    Allocated,
    Picking,
    Picked,
    Packed,
    Shipped,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 9] = [
        OrderStatus::New,
        OrderStatus::Held,
        OrderStatus::Released,
        OrderStatus::Allocated,
        OrderStatus::Picking,
        OrderStatus::Picked,
        OrderStatus::Packed,
        OrderStatus::Shipped,
        OrderStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::New => "new",
            OrderStatus::Held => "held",
            OrderStatus::Released => "released",
            OrderStatus::Allocated => "allocated",
            OrderStatus::Picking => "picking",
            OrderStatus::Picked => "picked",
            OrderStatus::Packed => "packed",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether an order may move from `self` to `to`. Orders move forward through the floor;
    /// anything not yet shipped may be held or cancelled, and a held order can only be released
    /// or cancelled.
    pub fn can_become(self, to: OrderStatus) -> bool {
        use OrderStatus::*;
        match (self, to) {
            (Shipped | Cancelled, _) => false,
            (_, Cancelled) => true,
            (New | Released | Allocated, Held) => true,
            (New, Released) | (Held, Released) => true,
            (Released, Allocated) => true,
            (Allocated, Picking) | (Allocated, Released) => true,
            (Picking, Picked) | (Picking, Allocated) => true,
            (Picked, Packed) => true,
            (Packed, Shipped) => true,
            // Shipped in part: the order waits again for its back order.
            (Packed, Released) => true,
            _ => false,
        }
    }

    /// Whether a person may make this move by hand (`roles_for` says who). The other moves
    /// belong to the command that does the work, so an order cannot be said to be further
    /// along than it is: picks make it picked, a passed or approved weighing packs it, shipping
    /// ships it, allocation allocates it.
    pub fn is_manual(self, to: OrderStatus) -> bool {
        use OrderStatus::*;
        match (self, to) {
            // Holding a held order again adds a reason to it.
            (Held, Held) => true,
            _ if !self.can_become(to) => false,
            // Decisions about whether an order goes out at all.
            (_, Held | Cancelled) | (Held | New, Released) => true,
            // A picker hands a half-picked order back to the queue; what was picked stays
            // picked and the rest stays reserved.
            (Picking, Allocated) => true,
            _ => false,
        }
    }

    /// The roles that may make this move. Holding, releasing and cancelling are decisions for
    /// a manager; the floor moves orders along as it works them.
    pub fn roles_for(self, to: OrderStatus) -> &'static [Role] {
        use OrderStatus::*;
        match (self, to) {
            (_, Held | Cancelled) | (Held, Released) | (New, Released) => &[Role::Manager],
            (Packed, Released) => &[Role::Packer],
            (_, Allocated | Picking | Picked) => &[Role::Picker],
            (_, Packed | Shipped) => &[Role::Packer],
            _ => &[Role::Manager],
        }
    }
}

/// The payment state of an order as the shop reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Paid,
    Pending,
    Authorized,
    PartiallyPaid,
    Refunded,
    PartiallyRefunded,
    Failed,
    Voided,
    Declined,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 9] = [
        PaymentStatus::Paid,
        PaymentStatus::Pending,
        PaymentStatus::Authorized,
        PaymentStatus::PartiallyPaid,
        PaymentStatus::Refunded,
        PaymentStatus::PartiallyRefunded,
        PaymentStatus::Failed,
        PaymentStatus::Voided,
        PaymentStatus::Declined,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Paid => "paid",
            PaymentStatus::Pending => "pending",
            PaymentStatus::Authorized => "authorized",
            PaymentStatus::PartiallyPaid => "partially_paid",
            PaymentStatus::Refunded => "refunded",
            PaymentStatus::PartiallyRefunded => "partially_refunded",
            PaymentStatus::Failed => "failed",
            PaymentStatus::Voided => "voided",
            PaymentStatus::Declined => "declined",
        }
    }

    /// Reads the shop's spelling (`paid`, `Partially Paid`, `partially_refunded`, ...).
    pub fn parse(text: &str) -> Option<PaymentStatus> {
        let norm = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        PaymentStatus::ALL.into_iter().find(|s| s.as_str() == norm)
    }

    /// Whether the money is in hand (or safely authorised) so the goods may leave.
    pub fn is_captured(self) -> bool {
        matches!(
            self,
            PaymentStatus::Paid | PaymentStatus::Authorized | PaymentStatus::PartiallyRefunded
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus::*;

    #[test]
    fn lifecycle_moves_forward_and_ends() {
        let path = [New, Released, Allocated, Picking, Picked, Packed, Shipped];
        for pair in path.windows(2) {
            assert!(pair[0].can_become(pair[1]), "{:?} -> {:?}", pair[0], pair[1]);
        }
        assert!(!Shipped.can_become(Cancelled));
        assert!(!Cancelled.can_become(Released));
        assert!(!Held.can_become(Allocated), "a held order is never allocated");
        assert!(!Held.can_become(Picking), "a held order is never picked");
        assert!(!Packed.can_become(Held));
    }

    #[test]
    fn only_decisions_and_handing_back_are_manual() {
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                let expected: Option<&[Role]> = match (from, to) {
                    (Shipped | Cancelled, _) => None,
                    (_, Cancelled) => Some(&[Role::Manager]),
                    (New | Released | Allocated | Held, Held) => Some(&[Role::Manager]),
                    (New | Held, Released) => Some(&[Role::Manager]),
                    (Picking, Allocated) => Some(&[Role::Picker]),
                    _ => None,
                };
                let manual = from.is_manual(to).then(|| from.roles_for(to));
                assert_eq!(manual, expected, "{from:?} -> {to:?}");
            }
        }
    }

    #[test]
    fn releasing_a_hold_is_for_managers() {
        assert_eq!(Held.roles_for(Released), &[Role::Manager]);
        assert_eq!(Picking.roles_for(Picked), &[Role::Picker]);
    }

    #[test]
    fn shop_payment_spellings_parse() {
        assert_eq!(PaymentStatus::parse("Partially Paid"), Some(PaymentStatus::PartiallyPaid));
        assert_eq!(PaymentStatus::parse("paid"), Some(PaymentStatus::Paid));
        assert_eq!(PaymentStatus::parse("bitcoin"), None);
        assert!(!PaymentStatus::Pending.is_captured());
    }
}
