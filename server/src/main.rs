use anyhow::Context;
use server::{config::Settings, startup::Application, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init();
    let settings = Settings::from_env().context("reading configuration")?;
    let app = Application::build(settings)
        .await
        .context("starting Switchboard")?;
    app.run_until_stopped(server::shutdown::signal()).await
}
