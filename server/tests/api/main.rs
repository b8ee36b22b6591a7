//! Integration tests: the real application against real Postgres, a fresh database per test.
//! One test binary (crates.io style); `helpers` holds `spawn_app`.

mod agent_worker;
mod agents;
mod auth;
mod campaigns;
mod cli;
mod cluster;
mod database;
mod editing;
mod errors;
mod helpers;
mod isolation;
mod limits;
mod operations;
mod pages;
mod presence;
mod realtime;
mod security;
mod seed;
mod sessions;
mod simulator;
mod sse;
mod webhooks;
