//! The stations' scales and printers: watching a scale and the board of what each shows, the
//! serial and USB transports, printing on CUPS queues, packing slips and labels.

pub mod board;
pub mod labels;
pub mod printing;
pub mod scale_port;
pub mod scales;
pub mod slip;
