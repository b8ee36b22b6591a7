//! Realtime charts drawn as SVG by the app: calls per minute by outcome over the last hour,
//! and the current status distribution.

use std::fmt::Write;

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use super::badges::FixedCallStatusBadge;
use crate::live::use_realtime;
use crate::model::{Activity, CallStatus, MinuteCount, StatusCounts, ACTIVITY_MINUTES};

const W: f64 = 600.0;
const H: f64 = 120.0;
/// The width of one minute's slot.
const SLOT: f64 = W / ACTIVITY_MINUTES as f64;

/// The bars of every minute as two SVG paths, ended (drawn from the axis up) and failed
/// (stacked on top): two elements however many minutes had calls, where a rectangle per bar
/// made ~240 for the page to render, hydrate and restyle.
fn bar_paths(series: &[MinuteCount]) -> (String, String) {
    let max = series
        .iter()
        .map(|m| m.ended + m.failed)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let w = SLOT - 2.0;
    let (mut ended, mut failed) = (String::new(), String::new());
    for (i, m) in series.iter().enumerate() {
        let x = i as f64 * SLOT + 1.0;
        let he = m.ended as f64 / max * (H - 4.0);
        let hf = m.failed as f64 / max * (H - 4.0);
        if m.ended > 0 {
            let _ = write!(ended, "M{x:.1} {:.1}h{w:.1}v{he:.1}h-{w:.1}Z", H - he);
        }
        if m.failed > 0 {
            let _ = write!(failed, "M{x:.1} {:.1}h{w:.1}v{hf:.1}h-{w:.1}Z", H - he - hf);
        }
    }
    (ended, failed)
}

/// The minute under a pointer `x` pixels into a chart `width` pixels wide (pointers are read
/// in the browser only).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn minute_at(x: f64, width: f64) -> Option<usize> {
    if width <= 0.0 || !(0.0..width).contains(&x) {
        return None;
    }
    Some(((x / width) * ACTIVITY_MINUTES as f64) as usize)
}

/// What the caption says about one minute: `14:03 · 2 ended, 1 failed`.
fn minute_label(m: &MinuteCount) -> String {
    let at = DateTime::<Utc>::from_timestamp(m.minute * 60, 0).unwrap_or_default();
    format!(
        "{} · {} ended, {} failed",
        at.format("%H:%M"),
        m.ended,
        m.failed
    )
}

/// Stacked bars per minute: ended (gray) below failed (red). Pointing at a minute shows its
/// counts in the caption.
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
    let paths = Memo::new(move |_| series.with(|s| bar_paths(s)));
    let pointed = RwSignal::new(None::<usize>);
    let plot = NodeRef::<leptos::html::Div>::new();
    let on_move = move |ev: leptos::ev::PointerEvent| {
        #[cfg(feature = "hydrate")]
        if let Some(el) = plot.get_untracked() {
            let r = el.get_bounding_client_rect();
            pointed.set(minute_at(ev.client_x() as f64 - r.left(), r.width()));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, plot);
    };
    let caption = move || match pointed.get() {
        Some(i) => series
            .with(|s| s.get(i).map(minute_label))
            .unwrap_or_default(),
        None => {
            let (e, f) = summary();
            format!("{e} ended · {f} failed")
        }
    };
    view! {
        <figure class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="activity-chart">
            <figcaption class="mb-2 flex items-baseline justify-between text-sm">
                <span class="font-semibold text-slate-800">"Calls per minute, last hour"</span>
                <span class="text-xs tabular-nums text-slate-500" data-testid="activity-totals">{caption}</span>
            </figcaption>
            <div node_ref=plot on:pointermove=on_move on:pointerleave=move |_| pointed.set(None)>
                <svg
                    viewBox=format!("0 0 {W} {H}")
                    class="h-28 w-full"
                    preserveAspectRatio="none"
                    role="img"
                    aria-label=move || { let (e, f) = summary(); format!("Calls finished per minute over the last hour: {e} ended, {f} failed") }
                >
                    <line x1="0" y1=H x2=W y2=H class="stroke-slate-200" stroke-width="1"></line>
                    <path d=move || paths.with(|p| p.0.clone()) class="fill-slate-400" data-series="ended"></path>
                    <path d=move || paths.with(|p| p.1.clone()) class="fill-red-500" data-series="failed"></path>
                    <rect
                        x=move || pointed.get().map_or(0.0, |i| i as f64 * SLOT)
                        y="0"
                        width=SLOT
                        height=H
                        class="fill-indigo-500/10"
                        visibility=move || if pointed.get().is_some() { "visible" } else { "hidden" }
                    ></rect>
                </svg>
            </div>
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

#[cfg(test)]
mod tests {
    use super::*;

    fn minute(minute: i64, ended: i64, failed: i64) -> MinuteCount {
        MinuteCount {
            minute,
            ended,
            failed,
        }
    }

    #[test]
    fn every_minute_with_calls_is_one_rectangle_in_each_series_path() {
        let mut series = vec![minute(0, 0, 0); ACTIVITY_MINUTES as usize];
        series[3] = minute(3, 2, 0);
        series[10] = minute(10, 1, 1);
        series[59] = minute(59, 0, 4);
        let (ended, failed) = bar_paths(&series);
        assert_eq!(ended.matches('M').count(), 2);
        assert_eq!(failed.matches('M').count(), 2);
        // The tallest bar (4 failed) reaches the top margin; ended bars start on the axis.
        assert!(failed.contains(&format!("v{:.1}", H - 4.0)));
        assert!(ended.starts_with("M31.0 "), "{ended}");
    }

    #[test]
    fn an_empty_hour_draws_nothing() {
        let (ended, failed) = bar_paths(&vec![minute(0, 0, 0); ACTIVITY_MINUTES as usize]);
        assert!(ended.is_empty() && failed.is_empty());
    }

    #[test]
    fn the_pointer_picks_the_minute_under_it_and_nothing_outside() {
        assert_eq!(minute_at(0.0, 600.0), Some(0));
        assert_eq!(minute_at(599.0, 600.0), Some(59));
        assert_eq!(minute_at(305.0, 600.0), Some(30));
        assert_eq!(minute_at(600.0, 600.0), None);
        assert_eq!(minute_at(-1.0, 600.0), None);
        assert_eq!(minute_at(10.0, 0.0), None);
    }

    #[test]
    fn a_minute_reads_as_its_time_and_counts() {
        // 2026-12-05 14:03 UTC.
        let m = minute(
            DateTime::parse_from_rfc3339("2026-12-05T14:03:00Z")
                .unwrap()
                .timestamp()
                / 60,
            2,
            1,
        );
        assert_eq!(minute_label(&m), "14:03 · 2 ended, 1 failed");
    }
}
