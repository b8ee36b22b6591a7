use anyhow::Context;
use clap::Parser;
use server::cli::{Cli, Command};
use server::{config::Settings, startup::Application, telemetry};

/// jemalloc rather than the system allocator: glibc's per-thread arenas held ~100 MB more at
/// rest and ~20 KB per idle event stream against jemalloc's ~17 KB (README: Benchmark).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    telemetry::init();
    let settings = Settings::from_env().context("reading configuration")?;
    match cli.command {
        None | Some(Command::Serve) => {
            let app = Application::build(settings)
                .await
                .context("starting Switchboard")?;
            app.run_until_stopped(server::shutdown::signal()).await
        }
        Some(command) => server::cli::run(command, settings).await,
    }
}
