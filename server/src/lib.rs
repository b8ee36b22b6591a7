//! Switchboard's HTTP server: the axum application around the Leptos pages, the JSON API,
//! authentication, and the demo (seed data and dialer simulator).

// The pages' view types are deeply nested generics.
#![recursion_limit = "512"]

pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod demo;
pub mod error;
pub mod http;
pub mod operations;
pub mod pages;
pub mod presence;
pub mod realtime;
pub mod shutdown;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod telephony;
