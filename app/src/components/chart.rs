//! Realtime charts drawn as SVG by the app: calls per minute by outcome over the last hour,
//! and the current status distribution.

use leptos::prelude::*;

use super::badges::FixedCallStatusBadge;
use crate::live::use_realtime;
use crate::model::{Activity, CallStatus, StatusCounts, ACTIVITY_MINUTES};

const W: f64 = 600.0;
const H: f64 = 120.0;

/// Stacked bars per minute: ended (gray) below failed (red).
#[component]
pub fn ActivityChart(#[prop(into)] activity: Signal<Activity>) -> impl IntoView {
    let now = use_realtime().now;
    let series = Memo::new(move |_| {
        let minute = now.get().div_euclid(60_000);
        // The clock outlives the chart: it may tick once more after the chart is disposed.
        activity.try_with(|a| a.series(minute)).unwrap_or_default()
    });
    let summary = move || {
        series.with(|s| {
            let ended: i64 = s.iter().map(|m| m.ended).sum();
            let failed: i64 = s.iter().map(|m| m.failed).sum();
            (ended, failed)
        })
    };
    let bars = move || {
        series.with(|s| {
            let max = s.iter().map(|m| m.ended + m.failed).max().unwrap_or(0).max(1) as f64;
            let bw = W / ACTIVITY_MINUTES as f64;
            s.iter()
                .enumerate()
                .filter(|(_, m)| m.ended + m.failed > 0)
                .map(|(i, m)| {
                    let x = i as f64 * bw + 1.0;
                    let he = m.ended as f64 / max * (H - 4.0);
                    let hf = m.failed as f64 / max * (H - 4.0);
                    let title = format!("{} ended, {} failed", m.ended, m.failed);
                    view! {
                        <g data-minute=m.minute>
                            <title>{title}</title>
                            <rect x=x y=H - he width=bw - 2.0 height=he class="fill-slate-400"></rect>
                            <rect x=x y=H - he - hf width=bw - 2.0 height=hf class="fill-red-500"></rect>
                        </g>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <figure class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="activity-chart">
            <figcaption class="mb-2 flex items-baseline justify-between text-sm">
                <span class="font-semibold text-slate-800">"Calls per minute, last hour"</span>
                <span class="text-xs text-slate-500" data-testid="activity-totals">
                    {move || { let (e, f) = summary(); format!("{e} ended · {f} failed") }}
                </span>
            </figcaption>
            <svg
                viewBox=format!("0 0 {W} {H}")
                class="h-28 w-full"
                preserveAspectRatio="none"
                role="img"
                aria-label=move || { let (e, f) = summary(); format!("Calls finished per minute over the last hour: {e} ended, {f} failed") }
            >
                <line x1="0" y1=H x2=W y2=H class="stroke-slate-200" stroke-width="1"></line>
                {bars}
            </svg>
            <div class="mt-1 flex justify-between text-[11px] text-slate-500">
                <span>"60 min ago"</span>
                <span class="flex gap-3">
                    <span class="inline-flex items-center gap-1"><span class="h-2 w-2 rounded-sm bg-slate-400"></span>"Ended"</span>
                    <span class="inline-flex items-center gap-1"><span class="h-2 w-2 rounded-sm bg-red-500"></span>"Failed"</span>
                </span>
                <span>"now"</span>
            </div>
        </figure>
    }
}

/// One bar split by current call status, with a legend that carries icon, text and count.
#[component]
pub fn StatusDistribution(#[prop(into)] counts: Signal<StatusCounts>) -> impl IntoView {
    let segments = move || {
        let c = counts.get();
        let total = c.total().max(1) as f64;
        CallStatus::ALL
            .into_iter()
            .filter(|st| c.get(*st) > 0)
            .map(|st| {
                let fill = match st {
                    CallStatus::Queued => "bg-blue-400",
                    CallStatus::Ringing => "bg-yellow-400",
                    CallStatus::InProgress => "bg-green-500",
                    CallStatus::Ended => "bg-slate-400",
                    CallStatus::Failed => "bg-red-500",
                };
                let width = c.get(st) as f64 * 100.0 / total;
                view! { <div class=format!("h-full {fill}") style=format!("width: {width:.2}%") title=st.label()></div> }
            })
            .collect_view()
    };
    view! {
        <section class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="status-distribution" aria-label="Calls by current status">
            <h2 class="mb-2 text-sm font-semibold text-slate-800">"Status distribution"</h2>
            <div class="flex h-3 w-full overflow-hidden rounded-full bg-slate-100" aria-hidden="true">{segments}</div>
            <ul class="mt-3 flex flex-wrap gap-x-4 gap-y-2">
                {CallStatus::ALL
                    .into_iter()
                    .map(|st| view! {
                        <li class="inline-flex items-center gap-1.5 text-xs" data-dist-status=st.as_str()>
                            <FixedCallStatusBadge status=st />
                            <span class="font-semibold tabular-nums text-slate-800">{move || counts.get().get(st)}</span>
                        </li>
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
