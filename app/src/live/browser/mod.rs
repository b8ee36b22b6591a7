//! Browser side of the realtime layer (compiled for `hydrate` only).

pub(crate) mod js;
mod source;
pub(crate) mod tab;
