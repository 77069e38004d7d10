//! A persona's rollout: its stage, what each stage would expose under the space's limits,
//! the gates for the next stage as they stand now, the waiting request, and the forms to
//! ask for a promotion, break glass or demote.

use leptos::prelude::*;

use crate::AppError;
use crate::components::forms::{FieldError, FormStatus, field_error, invalid};
use crate::components::{ErrorNotice, Loading, short_time};
use crate::server_fns::rollout::{
    DemotePersona, EditPromotion, PromoteNow, RequestPromotion, get_persona_rollout,
};
use crate::types::{
    GateView, PersonaId, PersonaRolloutView, PromotionView, StageLimitsView, stage_name,
};

fn limit_line(l: &StageLimitsView) -> String {
    let envs = match &l.environments {
        None => "every environment".to_string(),
        Some(list) if list.is_empty() => "no environment".to_string(),
        Some(list) => list.join(", "),
    };
    let external = match l.max_external {
        None => "no limit on external systems".to_string(),
        Some(0) => "built-in surfaces only".to_string(),
        Some(n) => format!(
            "at most {n} external system{}",
            if n == 1 { "" } else { "s" }
        ),
    };
    let audience = match l.audience_cap {
        None => "no audience cap".to_string(),
        Some(n) => format!("audience cap {n}"),
    };
    format!("{envs} · {external} · {audience}")
}

#[component]
pub fn GateList(gates: Vec<GateView>) -> impl IntoView {
    view! {
        <ul class="gates" aria-label="Gates">
            {gates.into_iter().map(|g| view! {
                <li class:gate-pass=g.passed class:gate-fail=!g.passed>
                    <span class="gate-mark" aria-hidden="true">{if g.passed { "✓" } else { "✗" }}</span>
                    <span class="visually-hidden">{if g.passed { "Passes: " } else { "Fails: " }}</span>
                    <strong>{g.label}</strong>" — "{g.detail}
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
pub fn PersonaRollout(
    persona_id: PersonaId,
    changed: RwSignal<usize>,
    #[prop(into)] refresh: Signal<usize>,
) -> impl IntoView {
    let rollout = Resource::new(
        move || (persona_id.clone(), changed.get() + refresh.get()),
        |(id, _)| async move { get_persona_rollout(id).await },
    );
    let section = |body: AnyView| {
        view! {
            <section class="card rollout" aria-labelledby="rollout-title">
                <h2 id="rollout-title">"Rollout"</h2>
                {body}
            </section>
        }
        .into_any()
    };
    view! {
        <Suspense fallback=move || section(view! { <Loading what="the rollout" /> }.into_any())>
            {move || Suspend::new(async move {
                match rollout.await {
                    Ok(view) => section(view! { <RolloutBody view changed /> }.into_any()),
                    // The page above already says the persona is not there (or needs a sign-in).
                    Err(AppError::NotFound | AppError::Unauthenticated) => ().into_any(),
                    Err(error) => section(view! { <ErrorNotice error /> }.into_any()),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RolloutBody(view: PersonaRolloutView, changed: RwSignal<usize>) -> impl IntoView {
    let next = (view.stage < 4).then_some(view.stage + 1);
    let flagged = view
        .history
        .iter()
        .find(|h| h.state == "break_glass")
        .cloned();
    view! {
        <p>
            {format!("{} is at stage {} · {}. ", view.persona_name, view.stage, view.stage_name)}
            <span class="muted">"A grant is active only from its minimum stage; the runtime enforces it. Audience cap: the most distinct end users the runtime may serve at that stage (the runtime counts them and reports against it)."</span>
        </p>
        {flagged.map(|f| view! {
            <p class="notice warning" role="note">
                {format!("⚠ Promoted to stage {} by break glass ({}, {}): “{}”", f.to_stage, f.requested_by, short_time(&f.requested_at), f.reason)}
            </p>
        })}
        <ol class="exposure" aria-label="What each stage exposes">
            {view.exposure.iter().map(|e| {
                let limits = view.limits.iter().find(|l| l.stage == e.stage).map(limit_line).unwrap_or_default();
                let current = e.stage == view.stage;
                view! {
                    <li class:current=current class:reached=e.reached>
                        <h3>{format!("{} · {}", e.stage, e.stage_name)}{current.then(|| view! { <span class="badge">"now"</span> })}</h3>
                        <p class="small muted">{limits}{format!(" · {} external active", e.external_active)}</p>
                        {if e.becomes_active.is_empty() {
                            view! { <p class="muted small">"Nothing new becomes active here."</p> }.into_any()
                        } else {
                            view! {
                                <p class="small">"Becomes active here:"</p>
                                <ul class="plain small">{e.becomes_active.iter().map(|g| view! { <li>{g.clone()}</li> }).collect_view()}</ul>
                            }.into_any()
                        }}
                        {e.problems.iter().map(|p| view! { <p class="error-text small">{format!("⚠ {p}")}</p> }).collect_view()}
                    </li>
                }
            }).collect_view()}
        </ol>
        {next.map(|to| view! {
            <h3>{format!("Gates to stage {to} · {}", stage_name(to))}</h3>
            <p class="muted small">"Checked now, and again when a reviewer approves. A failing gate blocks approval."</p>
            <GateList gates=view.next_gates.clone() />
        })}
        {view.pending.clone().map(|p| view! { <PendingRequest request=p prompts=view.next_attestations.clone() changed /> })}
        {view.can_request.then(|| view! { <RequestForm persona_id=view.persona_id.clone() prompts=view.next_attestations.clone() changed /> })}
        <div class="rollout-actions">
            {view.can_break_glass.then(|| view! { <BreakGlassForm persona_id=view.persona_id.clone() changed /> })}
            {view.can_demote.then(|| view! { <DemoteForm persona_id=view.persona_id.clone() stage=view.stage changed /> })}
        </div>
        {(!view.history.is_empty()).then(|| view! {
            <h3>"Earlier stage changes"</h3>
            <ul class="history">
                {view.history.iter().map(history_line).collect_view()}
            </ul>
        })}
    }
}

fn history_line(h: &PromotionView) -> impl IntoView + use<> {
    let what = match h.state.as_str() {
        "approved" => format!("Promoted to stage {} after review", h.to_stage),
        "rejected" => format!("Promotion to stage {} rejected", h.to_stage),
        "superseded" => format!(
            "Request for stage {} closed (the stage changed first)",
            h.to_stage
        ),
        "break_glass" => format!("⚠ Promoted to stage {} by break glass", h.to_stage),
        "demoted" => format!("Demoted from stage {} to {}", h.from_stage, h.to_stage),
        other => format!("Request for stage {} ({other})", h.to_stage),
    };
    let by = h
        .decided_by
        .clone()
        .unwrap_or_else(|| h.requested_by.clone());
    let when = h
        .decided_at
        .clone()
        .unwrap_or_else(|| h.requested_at.clone());
    view! {
        <li class:flagged=h.state == "break_glass">
            <strong>{what}</strong>
            {format!(" — {by}, {} · “{}”", short_time(&when), h.reason)}
            {h.comment.clone().map(|c| view! { <span class="muted">{format!(" · {c}")}</span> })}
        </li>
    }
}

#[component]
fn PendingRequest(
    request: PromotionView,
    prompts: Vec<String>,
    changed: RwSignal<usize>,
) -> impl IntoView {
    let counting = request.approvals.iter().filter(|a| a.counts).count();
    view! {
        <div class="pending-request">
            <h3>{format!("Waiting: promotion to stage {} · {}", request.to_stage, stage_name(request.to_stage))}</h3>
            <p class="meta muted">{format!("Asked by {} · {} · ", request.requested_by, short_time(&request.requested_at))}<a href="/review?kind=promotion">"in the review queue"</a></p>
            <blockquote>{request.reason.clone()}</blockquote>
            {(!request.attestations.is_empty()).then(|| view! {
                <dl class="facts">
                    {request.attestations.iter().map(|a| view! { <dt>{a.prompt.clone()}</dt><dd>{a.statement.clone()}</dd> }).collect_view()}
                </dl>
            })}
            <p><strong>{format!("{counting} of {} approvals", request.approvals_required)}</strong></p>
            <ul class="plain">
                {request.approvals.iter().map(|a| view! {
                    <li class:void=!a.counts>
                        {format!("{} approved, {}", a.by, short_time(&a.at))}
                        {a.void_reason.clone().map(|w| view! { <span class="error-text">{format!(" — no longer counts: {w}")}</span> })}
                    </li>
                }).collect_view()}
            </ul>
            {request.mine.then(|| view! { <EditRequestForm request=request.clone() prompts changed /> })}
        </div>
    }
}

/// The statements a stage asks for, one textarea each, named `attestations[]`.
fn attestation_fields<T, S>(
    prompts: &[String],
    values: &[String],
    prefix: &'static str,
    result: S,
) -> impl IntoView + use<T, S>
where
    T: Send + Sync + 'static,
    S: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    prompts
        .iter()
        .enumerate()
        .map(|(i, prompt)| {
            let id = format!("{prefix}-att-{i}");
            let error_id = format!("{id}-error");
            let field = format!("attestation_{i}");
            let error = move || {
                result.with(|v| match v {
                    Some(Err(AppError::Invalid { field: f, message })) if *f == field => {
                        Some(message.clone())
                    }
                    _ => None,
                })
            };
            view! {
                <label for=id.clone()>{format!("Attest: {prompt}")}</label>
                <textarea id=id name="attestations[]" rows="2" maxlength="1000" aria-describedby=error_id.clone()>
                    {values.get(i).cloned().unwrap_or_default()}
                </textarea>
                <FieldError id=error_id error />
            }
        })
        .collect_view()
}

#[component]
fn RequestForm(
    persona_id: String,
    prompts: Vec<String>,
    changed: RwSignal<usize>,
) -> impl IntoView {
    let action = ServerAction::<RequestPromotion>::new();
    let value = action.value();
    let pending = Memo::new(move |_| action.pending().get());
    Effect::new(move |_| {
        if value.with(|v| matches!(v, Some(Ok(())))) {
            changed.update(|n| *n += 1);
        }
    });
    view! {
        <details class="form-details" open=move || value.with(|v| matches!(v, Some(Err(_))))>
            <summary>"Ask for promotion to the next stage"</summary>
            <ActionForm action attr:class="stack">
                <input type="hidden" name="persona_id" value=persona_id />
                <label for="promo-reason">"Why is it ready?"</label>
                <textarea id="promo-reason" name="reason" rows="3" maxlength="2000"
                    aria-invalid=invalid(value, "reason") aria-describedby="promo-reason-error"></textarea>
                <FieldError id="promo-reason-error" error=field_error(value, "reason") />
                {attestation_fields(&prompts, &[], "promo", value)}
                <p class="muted small">"The request goes to the review queue. Someone other than you approves it; failing gates block approval until they pass."</p>
                <div class="form-actions">
                    <button type="submit" class="button-primary" disabled=move || pending.get()>"Ask for promotion"</button>
                    <FormStatus pending value success="Sent to the review queue." />
                </div>
            </ActionForm>
        </details>
    }
}

#[component]
fn EditRequestForm(
    request: PromotionView,
    prompts: Vec<String>,
    changed: RwSignal<usize>,
) -> impl IntoView {
    let action = ServerAction::<EditPromotion>::new();
    let value = action.value();
    let pending = Memo::new(move |_| action.pending().get());
    Effect::new(move |_| {
        if value.with(|v| matches!(v, Some(Ok(())))) {
            changed.update(|n| *n += 1);
        }
    });
    let values: Vec<String> = prompts
        .iter()
        .map(|p| {
            request
                .attestations
                .iter()
                .find(|a| &a.prompt == p)
                .map(|a| a.statement.clone())
                .unwrap_or_default()
        })
        .collect();
    view! {
        <details class="form-details" open=move || value.with(|v| matches!(v, Some(Err(_))))>
            <summary>"Edit your request"</summary>
            <ActionForm action attr:class="stack">
                <input type="hidden" name="promotion_id" value=request.id.clone() />
                <label for="promo-edit-reason">"Why is it ready?"</label>
                <textarea id="promo-edit-reason" name="reason" rows="3" maxlength="2000"
                    aria-invalid=invalid(value, "reason") aria-describedby="promo-edit-reason-error">{request.reason.clone()}</textarea>
                <FieldError id="promo-edit-reason-error" error=field_error(value, "reason") />
                {attestation_fields(&prompts, &values, "promo-edit", value)}
                <p class="muted small">"Approvals already given stop counting when you edit: reviewers approve what they read."</p>
                <div class="form-actions">
                    <button type="submit" disabled=move || pending.get()>"Save the request"</button>
                    <FormStatus pending value success="Saved; earlier approvals no longer count." />
                </div>
            </ActionForm>
        </details>
    }
}

#[component]
fn BreakGlassForm(persona_id: String, changed: RwSignal<usize>) -> impl IntoView {
    let action = ServerAction::<PromoteNow>::new();
    let value = action.value();
    let pending = Memo::new(move |_| action.pending().get());
    Effect::new(move |_| {
        if value.with(|v| matches!(v, Some(Ok(())))) {
            changed.update(|n| *n += 1);
        }
    });
    view! {
        <details class="form-details danger-zone" open=move || value.with(|v| matches!(v, Some(Err(_))))>
            <summary>"Promote now without approvals (break glass)"</summary>
            <ActionForm action attr:class="stack">
                <input type="hidden" name="persona_id" value=persona_id />
                <label for="bg-reason">"Why can this not wait for reviewers?"</label>
                <textarea id="bg-reason" name="reason" rows="2" maxlength="2000"
                    aria-invalid=invalid(value, "reason") aria-describedby="bg-reason-error"></textarea>
                <FieldError id="bg-reason-error" error=field_error(value, "reason") />
                <p class="muted small">"Owners only. Flagged in the audit log and on this page; the gates that fail now are recorded with it."</p>
                <div class="form-actions">
                    <button type="submit" class="button-danger" disabled=move || pending.get()>"Promote now"</button>
                    <FormStatus pending value success="Promoted; runtimes have the new stage." />
                </div>
            </ActionForm>
        </details>
    }
}

#[component]
fn DemoteForm(persona_id: String, stage: u8, changed: RwSignal<usize>) -> impl IntoView {
    let action = ServerAction::<DemotePersona>::new();
    let value = action.value();
    let pending = Memo::new(move |_| action.pending().get());
    Effect::new(move |_| {
        if value.with(|v| matches!(v, Some(Ok(())))) {
            changed.update(|n| *n += 1);
        }
    });
    view! {
        <details class="form-details" open=move || value.with(|v| matches!(v, Some(Err(_))))>
            <summary>"Demote"</summary>
            <ActionForm action attr:class="stack">
                <input type="hidden" name="persona_id" value=persona_id />
                <label for="demote-to">"Back to stage"</label>
                <select id="demote-to" name="to_stage" aria-invalid=invalid(value, "to_stage") aria-describedby="demote-to-error">
                    {(1..stage).rev().map(|s| view! { <option value=s.to_string()>{format!("{s} · {}", stage_name(s))}</option> }).collect_view()}
                </select>
                <FieldError id="demote-to-error" error=field_error(value, "to_stage") />
                <label for="demote-reason">"Why?"</label>
                <textarea id="demote-reason" name="reason" rows="2" maxlength="2000"
                    aria-invalid=invalid(value, "reason") aria-describedby="demote-reason-error"></textarea>
                <FieldError id="demote-reason-error" error=field_error(value, "reason") />
                <p class="muted small">"Immediate: runtimes stop using grants above the new stage as fast as a kill-switch."</p>
                <div class="form-actions">
                    <button type="submit" class="button-danger" disabled=move || pending.get()>"Demote now"</button>
                    <FormStatus pending value success="Demoted; runtimes have the new stage." />
                </div>
            </ActionForm>
        </details>
    }
}
