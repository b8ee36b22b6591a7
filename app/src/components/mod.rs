//! Reusable view pieces.

pub mod agent_badges;
pub mod badges;
pub mod chart;
pub mod cursors;
pub mod editing;
pub mod feed;
pub mod format;
pub mod glide;
pub mod health_indicator;
pub mod icons;
pub mod layout;
pub mod live_status;
pub mod nav;
pub mod notifications;
pub mod polling;
pub mod presence;
pub mod progress;
pub mod show_more;
pub mod toasts;
pub mod virtual_list;
