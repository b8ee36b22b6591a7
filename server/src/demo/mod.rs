//! The demo: seed data, the dialer simulator, the agent worker, and small housekeeping jobs.

pub mod agent_copy;
mod agent_sql;
pub mod agent_worker;
pub mod housekeeping;
pub mod provider;
pub mod seed;
pub mod seed_agents;
pub mod seed_clients;
pub mod simulator;
