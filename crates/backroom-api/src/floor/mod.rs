//! What the stations on the floor do: receiving and put-away, picking (one order or a cart of
//! them), packing with its weight audit, shipping, cycle counts and returns.

pub mod counts;
pub mod inbound;
pub mod packing;
pub mod pick_lists;
pub mod picking;
pub mod returns;
pub mod shipping;
