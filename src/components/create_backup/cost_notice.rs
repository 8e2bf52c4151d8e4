//! The cost notice: what backups are billed for, and an estimate for this backup.

use leptos::prelude::*;

use crate::rules::cost::{self, Estimate, OneOffLine};

#[component]
pub fn CostNotice(
    #[prop(into)] estimate: Signal<Estimate>,
    /// The one-off transfer of each copy, under the total.
    #[prop(into)]
    transfers: Signal<Vec<OneOffLine>>,
    /// Regions whose figures are assumptions rather than published prices.
    #[prop(into)]
    assumed: Signal<Vec<String>>,
    #[prop(into)] scope_note: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <section class="cost" aria-labelledby="cost-heading">
            <h3 id="cost-heading">"Cost"</h3>
            <p>{cost::BILLING_NOTICE} " " {cost::RETENTION_NOTICE}</p>
            <div class="estimate" aria-live="polite">
                {move || match estimate.get() {
                    Estimate::Known { lines, monthly_micro_usd, one_off_transfer_micro_usd, size_bytes } => {
                        view! {
                            <p class="estimate-total">
                                "Estimated " <strong>{cost::format_usd(monthly_micro_usd)} " per month"</strong> " for "
                                {cost::format_gb(size_bytes)}
                                {(one_off_transfer_micro_usd > 0)
                                    .then(|| {
                                        view! {
                                            ", plus "
                                            {cost::format_usd(one_off_transfer_micro_usd)}
                                            " once for copying"
                                        }
                                    })} "."
                            </p>
                            <ul class="estimate-lines">
                                {lines
                                    .into_iter()
                                    .map(|l| {
                                        view! {
                                            <li>
                                                {l.label} ": " {cost::format_usd(l.micro_usd_per_month)} " per month"
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                                {move || {
                                    transfers
                                        .get()
                                        .into_iter()
                                        .map(|t| {
                                            view! { <li>{t.label} ": " {cost::format_usd(t.micro_usd)} " once"</li> }
                                        })
                                        .collect_view()
                                }}
                            </ul>
                            <p class="muted">
                                "Deleted within a day, it still costs "
                                {cost::format_usd(cost::one_day_micro_usd(monthly_micro_usd))}
                                " (billed daily, one-day minimum)."
                            </p>
                        }
                            .into_any()
                    }
                    Estimate::UnknownSize => {
                        view! { <p>"The size of this choice is not known yet, so no estimate can be made."</p> }
                            .into_any()
                    }
                    Estimate::UnknownPrice { region_id } => {
                        view! {
                            <p>
                                "The console has no price for region " <code>{region_id}</code>
                                ": see the pricing page."
                            </p>
                        }
                            .into_any()
                    }
                }}
                {move || scope_note.get().map(|n| view! { <p class="muted">{n}</p> })}
                {move || {
                    let regions = assumed.get();
                    (!regions.is_empty())
                        .then(|| {
                            view! {
                                <p class="muted">
                                    "No published price for " {regions.join(", ")}
                                    ": the estimate assumes a neighbouring region's."
                                </p>
                            }
                        })
                }}
            </div>
            <p class="muted">
                {cost::ESTIMATE_CAVEAT} " " <a href=cost::PRICING_URL target="_blank" rel="noopener">
                    "Zilliz Cloud pricing"
                </a>
            </p>
        </section>
    }
}
