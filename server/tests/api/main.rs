//! Integration tests: the real application against real Postgres, a fresh database per test.
//! One test binary (crates.io style); `helpers` holds `spawn_app`.

mod auth;
mod campaigns;
mod cluster;
mod errors;
mod helpers;
mod isolation;
mod pages;
mod realtime;
mod seed;
mod simulator;
mod sse;
