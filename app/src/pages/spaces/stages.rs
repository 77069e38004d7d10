//! A space's rollout stages: the limits each stage sets (environments, external systems,
//! audience cap), the approvals a promotion to it needs and what its requester attests,
//! with a form per stage for owners and admins.

use leptos::prelude::*;

use crate::AppError;
use crate::components::forms::{FieldError, FormStatus};
use crate::components::{ErrorNotice, Loading};
use crate::server_fns::rollout::{SetStageLimits, get_stage_limits};
use crate::types::{SpaceId, SpaceLimitsView, StageLimitsView};

#[component]
pub fn StageLimits(space_id: SpaceId, #[prop(into)] refresh: Signal<usize>) -> impl IntoView {
    // Each stage's form has its own action (and outcome); a save anywhere reloads the table.
    let saved = RwSignal::new(0usize);
    let limits = Resource::new(
        move || (space_id.clone(), saved.get() + refresh.get()),
        |(id, _)| async move { get_stage_limits(id).await },
    );
    let section = |body: AnyView| {
        view! {
            <section class="card" aria-labelledby="stages-title">
                <h2 id="stages-title">"Rollout stages"</h2>
                <p class="muted">"A stage is a boundary the runtime enforces. Promotions must fit the target stage's limits and collect its approvals from people other than the requester. Audience cap: the most distinct end users a persona's runtime may serve at that stage; the runtime counts them and reports against it."</p>
                {body}
            </section>
        }
        .into_any()
    };
    view! {
        <Suspense fallback=move || section(view! { <Loading what="the stage limits" /> }.into_any())>
            {move || Suspend::new(async move {
                match limits.await {
                    Ok(view) => section(view! { <LimitsTable view saved /> }.into_any()),
                    // The page above already says the space is not there (or needs a sign-in).
                    Err(AppError::NotFound | AppError::Unauthenticated) => ().into_any(),
                    Err(error) => section(view! { <ErrorNotice error /> }.into_any()),
                }
            })}
        </Suspense>
    }
}

fn count(n: Option<u32>, none: &str) -> String {
    n.map_or_else(|| none.to_string(), |n| n.to_string())
}

#[component]
fn LimitsTable(view: SpaceLimitsView, saved: RwSignal<usize>) -> impl IntoView {
    let can_edit = view.can_edit;
    view! {
        <table class="stage-limits">
            <thead><tr>
                <th scope="col">"Stage"</th><th scope="col">"Environments"</th><th scope="col">"External systems"</th>
                <th scope="col">"Audience cap"</th><th scope="col">"Approvals to reach it"</th><th scope="col">"Attestations"</th>
            </tr></thead>
            <tbody>
                {view.stages.iter().map(|s| view! {
                    <tr>
                        <th scope="row">{format!("{} · {}", s.stage, s.stage_name)}{(!s.customized).then(|| view! { <span class="muted small">" (defaults)"</span> })}</th>
                        <td>{s.environments.as_ref().map_or_else(|| "Every environment".to_string(), |e| if e.is_empty() { "None".into() } else { e.join(", ") })}</td>
                        <td>{count(s.max_external, "No limit")}</td>
                        <td>{count(s.audience_cap, "No cap")}</td>
                        <td>{if s.stage == 1 { "— (personas start here)".to_string() } else { s.approvals_required.to_string() }}</td>
                        <td class="small">{if s.attestations.is_empty() { "None".to_string() } else { s.attestations.join(" · ") }}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {can_edit.then(|| {
            let envs = view.environments.clone();
            view! {
                <div class="stage-forms">
                    {view.stages.iter().map(|s| view! { <StageForm space_id=view.space_id.clone() stage=s.clone() envs=envs.clone() saved /> }).collect_view()}
                </div>
            }
        })}
    }
}

#[component]
fn StageForm(
    space_id: String,
    stage: StageLimitsView,
    envs: Vec<String>,
    saved: RwSignal<usize>,
) -> impl IntoView {
    let set = ServerAction::<SetStageLimits>::new();
    let shown = set.value();
    let pending = Memo::new(move |_| set.pending().get());
    Effect::new(move |_| {
        if shown.with(|v| matches!(v, Some(Ok(())))) {
            saved.update(|n| *n += 1);
        }
    });
    let n = stage.stage;
    // This form's own errors: the service names the stage in the field (`stage3.max_external`).
    let error = move |field: &'static str| {
        let field = format!("stage{n}.{field}");
        move || {
            shown.with(|v| match v {
                Some(Err(AppError::Invalid { field: f, message })) if *f == field => {
                    Some(message.clone())
                }
                _ => None,
            })
        }
    };
    let marked = move |field: &'static str| {
        let error = error(field);
        move || if error().is_some() { "true" } else { "false" }
    };
    let failed = move || {
        shown.with(|v| {
            matches!(v, Some(Err(AppError::Invalid { field, .. })) if field.starts_with(&format!("stage{n}.")))
        })
    };
    let every = stage.environments.is_none();
    let p = format!("st{n}");
    view! {
        <details class="form-details" open=failed>
            <summary>{format!("Change stage {n} · {}", stage.stage_name)}</summary>
            <ActionForm action=set attr:class="stack">
                <input type="hidden" name="space_id" value=space_id />
                <input type="hidden" name="stage" value=n.to_string() />
                <fieldset>
                    <legend>"Environments"</legend>
                    <label class="check"><input type="checkbox" name="environments[]" value="*" checked=every />" Every environment of the space"</label>
                    {envs.iter().map(|e| {
                        let checked = stage.environments.as_ref().is_some_and(|l| l.contains(e));
                        view! { <label class="check"><input type="checkbox" name="environments[]" value=e.clone() checked=checked />" "{e.clone()}</label> }
                    }).collect_view()}
                    <FieldError id=format!("{p}-env-error") error=error("environments") />
                </fieldset>
                <label for=format!("{p}-ext")>"Most external systems active "<span class="muted">"(empty: no limit)"</span></label>
                <input id=format!("{p}-ext") name="max_external" inputmode="numeric" value=stage.max_external.map(|v| v.to_string()).unwrap_or_default()
                    aria-invalid=marked("max_external") aria-describedby=format!("{p}-ext-error") />
                <FieldError id=format!("{p}-ext-error") error=error("max_external") />
                <label for=format!("{p}-aud")>"Audience cap "<span class="muted">"(distinct end users; empty: no cap)"</span></label>
                <input id=format!("{p}-aud") name="audience_cap" inputmode="numeric" value=stage.audience_cap.map(|v| v.to_string()).unwrap_or_default()
                    aria-invalid=marked("audience_cap") aria-describedby=format!("{p}-aud-error") />
                <FieldError id=format!("{p}-aud-error") error=error("audience_cap") />
                {if n == 1 {
                    view! { <input type="hidden" name="approvals_required" value="0" /> }.into_any()
                } else {
                    view! {
                        <label for=format!("{p}-appr")>"Approvals a promotion to this stage needs (1–5)"</label>
                        <input id=format!("{p}-appr") name="approvals_required" inputmode="numeric" required value=stage.approvals_required.to_string()
                            aria-invalid=marked("approvals_required") aria-describedby=format!("{p}-appr-error") />
                        <FieldError id=format!("{p}-appr-error") error=error("approvals_required") />
                        <label for=format!("{p}-att")>"Statements the requester attests "<span class="muted">"(one a line, at most 5)"</span></label>
                        <textarea id=format!("{p}-att") name="attestations" rows="3" aria-invalid=marked("attestations") aria-describedby=format!("{p}-att-error")>{stage.attestations.join("\n")}</textarea>
                        <FieldError id=format!("{p}-att-error") error=error("attestations") />
                    }.into_any()
                }}
                <div class="form-actions">
                    <button type="submit" class="button-primary" disabled=move || pending.get()>"Save stage "{n}</button>
                    <FormStatus pending value=shown success="Saved. Approvals given to waiting promotions into this stage no longer count." />
                </div>
            </ActionForm>
        </details>
    }
}
