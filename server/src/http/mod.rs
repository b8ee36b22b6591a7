//! The HTTP edge: accepting connections within limits, security headers, request timeouts,
//! the built site's files.

pub mod assets;
pub mod headers;
pub mod serve;
pub mod timeout;
