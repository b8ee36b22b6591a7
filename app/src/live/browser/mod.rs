//! Browser side of the realtime layer (compiled for `hydrate` only).

pub(crate) mod changes;
mod followers;
pub(crate) mod js;
pub(crate) mod latency;
mod source;
pub(crate) mod tab;
