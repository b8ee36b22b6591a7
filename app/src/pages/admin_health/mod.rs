//! `/admin/health` (admins only): the realtime engine and call health of the organization,
//! each figure with its last hour, refreshed every 2 s; and the telephony webhook settings.

mod telephony;
mod tiles;

use std::time::Duration;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::operations::load_admin_health;
use crate::components::layout::{AppLayout, Notice};
use crate::components::polling::poll_into;
use crate::model::operations::{AdminHealth, HealthStatus, Series};
use telephony::TelephonyPanel;
use tiles::{age, count, millis, percent, rate, Tile};

/// How often the figures are read again.
const REFRESH: Duration = Duration::from_secs(2);

#[component]
pub fn AdminHealthPage() -> impl IntoView {
    let initial = Resource::new(|| (), |_| load_admin_health());
    view! {
        <Title text="System health" />
        <AppLayout>
            <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading system health…"</p> }>
                {move || Suspend::new(async move {
                    match initial.await {
                        Ok(h) => view! { <Board initial=h /> }.into_any(),
                        Err(e) if e.to_string().contains("Only admins") => view! {
                            <Notice title="Admins only" body="System health is for your organization's admins. Ask one of them if you need it." />
                        }.into_any(),
                        Err(e) => view! { <Notice title="Could not load system health" body=e.to_string() /> }.into_any(),
                    }
                })}
            </Suspense>
        </AppLayout>
    }
}

fn status_style(s: HealthStatus) -> &'static str {
    match s {
        HealthStatus::Healthy => "border-green-200 bg-green-50 text-green-900",
        HealthStatus::Degraded => "border-amber-300 bg-amber-50 text-amber-900",
        HealthStatus::Unhealthy => "border-red-300 bg-red-50 text-red-900",
    }
}

#[component]
fn Board(initial: AdminHealth) -> impl IntoView {
    let data = RwSignal::new(Some(initial));
    let error = RwSignal::new(None::<String>);
    poll_into(REFRESH, data, error, load_admin_health);
    let pick = move |f: fn(&AdminHealth) -> Series| {
        Signal::derive(move || data.with(|d| d.as_ref().map(f).unwrap_or_default()))
    };
    let note = move |f: fn(&AdminHealth) -> String| {
        Signal::derive(move || data.with(|d| d.as_ref().map(f).unwrap_or_default()))
    };
    let health = move || data.with(|d| d.as_ref().map(|d| d.health.clone()));
    view! {
        <div class="mb-4 flex flex-wrap items-end justify-between gap-4">
            <div>
                <h1 class="text-2xl font-semibold tracking-tight">"System health"</h1>
                <p class="text-sm text-slate-500">"Live updates, calls and telephony callbacks of your organization, refreshed every 2 seconds."</p>
            </div>
            <p class="text-xs text-slate-500" data-testid="generated-at">
                {move || data.with(|d| d.as_ref().map(|d| format!("As of {} UTC", d.generated_at.format("%H:%M:%S"))))}
                {move || error.get().map(|e| view! { <span role="alert" class="ml-2 text-red-700">{format!("(refresh failed: {e})")}</span> })}
            </p>
        </div>
        {move || health().map(|h| view! {
            <div class=format!("mb-6 rounded-lg border px-4 py-3 {}", status_style(h.status)) role="status" data-testid="health-status" data-status=h.status.as_str()>
                <p class="font-semibold">{format!("Calls: {}", h.status.label())}</p>
                {(!h.reasons.is_empty()).then(|| view! {
                    <ul class="mt-1 list-disc pl-5 text-sm">
                        {h.reasons.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}
                    </ul>
                })}
            </div>
        })}
        <h2 class="mb-2 text-base font-semibold text-slate-900">"Call health"</h2>
        <div class="mb-6 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
            <Tile name="Active calls" testid="tile-active-calls" series=pick(|d| d.active_calls.clone()) format=count empty="0"
                note=note(|d| format!("{} total processed", d.health.calls.total_calls_processed)) />
            <Tile name="Timeouts (15 min)" testid="tile-timeouts" series=pick(|d| d.timeouts.clone()) format=count empty="0"
                note=note(|d| format!("{} in the last hour", d.health.calls.timeouts_1h)) />
            <Tile name="Last status callback" testid="tile-webhook-staleness" series=pick(|d| d.webhook_staleness_secs.clone()) format=age empty="None yet"
                note=note(|d| format!("{} active call(s) without any callback · {} refused (15 min)", d.health.calls.silent_calls, d.health.calls.rejected_callbacks_15m)) />
            <Tile name="Failure rate (15 min)" testid="tile-failure-rate" series=pick(|d| d.failure_rate_pct.clone()) format=percent empty="No calls"
                note=note(|d| { let r = d.health.calls.failure_rate_1h; format!("{} of {} in the last hour", r.failed, r.finished) }) />
        </div>
        <h2 class="mb-2 text-base font-semibold text-slate-900">"Realtime engine"</h2>
        <div class="mb-6 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
            <Tile name="Commit → screen p99 (browsers)" testid="tile-render-latency" series=pick(|d| d.render_p99_ms.clone()) format=millis empty="No reports yet"
                note=note(|d| d.render_p50_ms.now.map_or_else(|| "what users see, reported every 30 s".into(), |p| format!("p50 {}", millis(p)))) />
            <Tile name="Commit → publish p99" testid="tile-publish-latency" series=pick(|d| d.publish_p99_ms.clone()) format=millis empty="No changes"
                note=note(|d| d.publish_p50_ms.now.map_or_else(String::new, |p| format!("p50 {}", millis(p)))) />
            <Tile name="Messages" testid="tile-messages" series=pick(|d| d.messages_per_second.clone()) format=rate empty="0/s"
                note=note(|_| "changes published".into()) />
            <Tile name="Deliveries" testid="tile-deliveries" series=pick(|d| d.deliveries_per_second.clone()) format=rate empty="0/s"
                note=note(|_| "changes sent to streams".into()) />
            <Tile name="Open streams" testid="tile-streams" series=pick(|d| d.open_streams.clone()) format=count empty="0"
                note=note(|d| format!("{} subscriptions", d.subscriptions.now.unwrap_or(0.0) as i64)) />
            <Tile name="Listener uptime" testid="tile-listener" series=pick(|d| d.listener_uptime_pct.clone()) format=percent empty="No instance"
                note=note(|d| format!("{} of {} instance(s) listening · {} reconnect(s)", d.instances_listening, d.instances, d.listener_reconnects)) />
        </div>
        <TelephonyPanel />
    }
}
