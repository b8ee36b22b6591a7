pub mod admin_health;
pub mod agents;
pub mod campaign_detail;
pub mod campaigns;
pub mod clients;
pub mod login;
pub mod not_found;
