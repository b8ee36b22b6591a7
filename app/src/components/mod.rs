//! Reusable view pieces.

pub mod badges;
pub mod format;
pub mod icons;
pub mod layout;
pub mod progress;
