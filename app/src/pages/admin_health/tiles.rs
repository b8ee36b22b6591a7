//! Figure tiles with a one-hour sparkline.

use leptos::prelude::*;

use crate::model::operations::{MinutePoint, Series};

/// Minutes a sparkline spans.
const SPAN_MINUTES: i64 = 60;
const WIDTH: f64 = 120.0;
const HEIGHT: f64 = 28.0;

/// SVG polyline points for `minutes`, scaled to the box; empty when there is nothing to draw.
pub fn sparkline_points(minutes: &[MinutePoint], now_minute: i64) -> String {
    if minutes.is_empty() {
        return String::new();
    }
    let first = now_minute - SPAN_MINUTES + 1;
    let max = minutes
        .iter()
        .map(|p| p.value)
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    minutes
        .iter()
        .filter(|p| p.minute >= first)
        .map(|p| {
            let x = (p.minute - first) as f64 / (SPAN_MINUTES - 1) as f64 * WIDTH;
            let y = HEIGHT - 2.0 - (p.value / max) * (HEIGHT - 4.0);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A figure: name, current value (formatted by `format`), a note, and its last hour.
#[component]
pub fn Tile(
    #[prop(into)] name: String,
    #[prop(into)] testid: String,
    series: Signal<Series>,
    format: fn(f64) -> String,
    #[prop(into, optional)] note: Signal<String>,
    #[prop(into)] empty: String,
) -> impl IntoView {
    let now_minute = move || chrono::Utc::now().timestamp().div_euclid(60);
    let value = move || series.with(|s| s.now.map_or_else(|| empty.clone(), format));
    let points = move || series.with(|s| sparkline_points(&s.minutes, now_minute()));
    let peak = move || {
        series.with(|s| {
            s.minutes
                .iter()
                .map(|p| p.value)
                .reduce(f64::max)
                .map_or_else(
                    || "no data in the last hour".to_owned(),
                    |m| format!("peak {} in the last hour", format(m)),
                )
        })
    };
    view! {
        <div class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid=testid>
            <p class="text-xs font-medium uppercase tracking-wide text-slate-500">{name}</p>
            <p class="mt-1 text-2xl font-semibold tabular-nums text-slate-900" data-testid="value">{value}</p>
            <p class="min-h-[1rem] text-xs text-slate-500">{move || note.get()}</p>
            <svg
                class="mt-2 h-7 w-full text-indigo-500"
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                preserveAspectRatio="none"
                role="img"
                aria-label=peak
            >
                <polyline fill="none" stroke="currentColor" stroke-width="1.5" points=points />
            </svg>
        </div>
    }
}

/// `12.3 ms`, `1.2 s`.
pub fn millis(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

pub fn count(v: f64) -> String {
    format!("{}", v.round() as i64)
}

pub fn rate(v: f64) -> String {
    if v >= 10.0 {
        format!("{v:.0}/s")
    } else {
        format!("{v:.1}/s")
    }
}

pub fn percent(v: f64) -> String {
    format!("{v:.1} %")
}

/// `42 s`, `3 min`, `2 h`.
pub fn age(secs: f64) -> String {
    let s = secs.max(0.0) as i64;
    match s {
        0..=119 => format!("{s} s ago"),
        120..=7199 => format!("{} min ago", s / 60),
        _ => format!("{} h ago", s / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparkline_spans_the_hour_and_scales_to_the_peak() {
        let pts = |v: &[(i64, f64)]| {
            v.iter()
                .map(|(m, value)| MinutePoint {
                    minute: *m,
                    value: *value,
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(sparkline_points(&[], 100), "");
        let line = sparkline_points(&pts(&[(41, 0.0), (100, 10.0)]), 100);
        assert_eq!(line, "0.0,26.0 120.0,2.0");
        // Older than the hour: left out.
        assert_eq!(sparkline_points(&pts(&[(10, 5.0)]), 100), "");
    }

    #[test]
    fn figures_read_naturally() {
        assert_eq!(millis(3.25), "3.2 ms");
        assert_eq!(millis(250.0), "250 ms");
        assert_eq!(millis(2500.0), "2.5 s");
        assert_eq!(age(42.0), "42 s ago");
        assert_eq!(age(600.0), "10 min ago");
        assert_eq!(rate(0.5), "0.5/s");
    }
}
