//! The HTTP edge: accepting connections within limits, security headers, request timeouts.

pub mod headers;
pub mod serve;
pub mod timeout;
