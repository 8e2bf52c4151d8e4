//! The eligibility checklist: every rule as a line with its state and fix, in visible text.

use leptos::prelude::*;

use crate::route::Route;
use crate::rules::eligibility::{CheckLine, Fix, LineState};

fn state_class(s: LineState) -> &'static str {
    match s {
        LineState::Pass => "check check-pass",
        LineState::Fail => "check check-fail",
        LineState::Unknown => "check check-unknown",
        LineState::Checking => "check check-checking",
    }
}

fn state_icon(s: LineState) -> &'static str {
    match s {
        LineState::Pass => "✓",
        LineState::Fail => "✕",
        LineState::Unknown => "?",
        LineState::Checking => "…",
    }
}

/// Where a fix leads, and whether that is outside the console.
fn fix_href(fix: &Fix) -> (String, bool) {
    match fix {
        Fix::ViewJob(id) => (Route::Job(id.clone()).href(), false),
        Fix::ViewBackups => (Route::Backups.href(), false),
        Fix::UpgradeCluster(id) => (Route::ClusterUpgrade(id.clone()).href(), false),
        Fix::Docs { url, .. } => ((*url).to_owned(), true),
    }
}

#[component]
pub fn Checklist(#[prop(into)] lines: Signal<Vec<CheckLine>>) -> impl IntoView {
    view! {
        <ul class="checklist" aria-label="Before you create a backup">
            {move || {
                lines
                    .get()
                    .into_iter()
                    .map(|line| {
                        view! {
                            <li class=state_class(line.state) data-rule=line.id>
                                <span class="check-icon" aria-hidden="true">
                                    {state_icon(line.state)}
                                </span>
                                <span class="check-body">
                                    <span class="check-label">{line.label.clone()}</span>
                                    " "
                                    <span class="check-state">{line.state.label()}</span>
                                    <span class="check-detail">{line.detail.clone()}</span>
                                    {line
                                        .fix
                                        .clone()
                                        .map(|fix| {
                                            let (href, external) = fix_href(&fix);
                                            view! {
                                                <a
                                                    class="check-fix"
                                                    href=href
                                                    target=external.then_some("_blank")
                                                    rel=external.then_some("noopener")
                                                >
                                                    {fix.label()}
                                                </a>
                                            }
                                        })}
                                </span>
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
}
