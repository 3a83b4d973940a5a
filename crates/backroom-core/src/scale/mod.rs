//! Serial scale protocols, sans-IO.
