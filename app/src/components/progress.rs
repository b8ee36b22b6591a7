use leptos::prelude::*;

/// An accessible progress bar: `done` of `total`.
#[component]
pub fn ProgressBar(done: i64, total: i64, #[prop(into)] label: String) -> impl IntoView {
    let percent = if total > 0 {
        (done as f64 * 100.0 / total as f64).clamp(0.0, 100.0)
    } else {
        0.0
    };
    let rounded = percent.round() as i64;
    view! {
        <div class="flex items-center gap-3">
            <div
                class="progress h-2 w-full min-w-24 overflow-hidden rounded-full bg-slate-200"
                role="progressbar"
                aria-label=label
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=rounded
            >
                <div
                    class="h-full rounded-full bg-indigo-500 transition-[width] duration-500 motion-reduce:transition-none"
                    style=format!("width: {percent:.1}%")
                ></div>
            </div>
            <span class="w-28 shrink-0 text-right text-xs tabular-nums text-slate-600">
                {format!("{done} / {total}")}
                <span class="text-slate-500">{format!(" ({rounded}%)")}</span>
            </span>
        </div>
    }
}
