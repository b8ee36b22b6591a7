//! The demo: seed data, the dialer simulator, and small housekeeping jobs.

pub mod housekeeping;
pub mod provider;
pub mod seed;
pub mod simulator;
