//! One item of the queue: what is asked, by whom, since when, the evidence, and the form
//! to decide it.

use leptos::prelude::*;

use crate::components::forms::{FieldError, FormStatus, field_error, invalid};
use crate::components::short_time;
use crate::pages::personas::GateList;
use crate::server_fns::review::DecideReview;
use crate::types::ReviewItem;

fn state_label(state: &str) -> &'static str {
    match state {
        "approved" => "Approved",
        "rejected" => "Rejected",
        "expired" => "Expired",
        "superseded" => "Closed",
        _ => "Waiting",
    }
}

#[component]
pub fn ReviewCard(
    item: ReviewItem,
    decided: RwSignal<usize>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let decide = ServerAction::<DecideReview>::new();
    let value = decide.value();
    let pending = decide.pending();
    let subject_for_notice = [
        item.before.as_str(),
        item.about.as_str(),
        item.after.as_str(),
        item.subject.as_str(),
    ]
    .iter()
    .filter(|s| !s.is_empty())
    .copied()
    .collect::<Vec<_>>()
    .join(" ");
    Effect::new(move |_| {
        if let Some(Ok(())) = value.get() {
            let verdict = decide
                .input()
                .get_untracked()
                .map(|i| i.verdict)
                .unwrap_or_default();
            let done = if verdict == "reject" {
                "Rejected"
            } else {
                "Approved"
            };
            notice.set(Some(format!(
                "✓ {done}: {subject_for_notice}. Runtimes hear it at once."
            )));
            decided.update(|n| *n += 1);
        }
    });
    let id = item.id.clone();
    let heading_id = format!("rq-{}", item.id);
    let labelled_by = heading_id.clone();
    let comment_id = format!("rq-comment-{}", item.id);
    let comment_error_id = format!("rq-comment-error-{}", item.id);
    view! {
        <article class="card review-item" aria-labelledby=labelled_by>
            <header>
                <span class="badge kind">{item.kind_label.clone()}</span>
                <span class=format!("badge state-{}", item.state)>{state_label(&item.state)}</span>
                <h2 id=heading_id>
                    {(!item.before.is_empty()).then(|| format!("{} ", item.before))}
                    {match item.about_href.clone() {
                        Some(href) => view! { <a href=href>{item.about.clone()}</a> }.into_any(),
                        None => view! { <span>{item.about.clone()}</span> }.into_any(),
                    }}
                    {(!item.after.is_empty()).then(|| format!(" {} ", item.after))}
                    {(!item.subject.is_empty()).then(|| view! { <span class="subject">{item.subject.clone()}</span> })}
                </h2>
            </header>
            <p class="meta muted">
                {format!("{} · asked by {} · {} · waited {}", item.space_name, item.asked_by, short_time(&item.asked_at), item.age)}
                {item.expires_at.as_ref().map(|at| format!(" · expires {}", short_time(at)))}
            </p>
            {(!item.summary.is_empty()).then(|| view! {
                <blockquote class="runtime-summary">
                    <span class="muted">{match item.kind.as_str() { "release" => "Why release: ", "promotion" => "Why it is ready: ", _ => "The runtime says: " }}</span>
                    {item.summary.clone()}
                </blockquote>
            })}
            {(!item.attestations.is_empty()).then(|| view! {
                <dl class="facts attestations" aria-label="Attestations">
                    {item.attestations.iter().map(|a| view! { <dt>{a.prompt.clone()}</dt><dd>{a.statement.clone()}</dd> }).collect_view()}
                </dl>
            })}
            <ul class="evidence" aria-label="Evidence">
                {item.evidence.iter().map(|e| view! { <li>{e.clone()}</li> }).collect_view()}
            </ul>
            {(!item.gates.is_empty()).then(|| view! { <GateList gates=item.gates.clone() /> })}
            {item.approvals.clone().map(|a| view! { <p class="approvals"><strong>{a}</strong></p> })}
            {item.decided_by.as_ref().map(|by| view! {
                <p class="decision">
                    {format!("{} by {}{}", state_label(&item.state), by, item.decided_at.as_deref().map(|at| format!(" · {}", short_time(at))).unwrap_or_default())}
                    {item.comment.as_ref().map(|c| view! { <q>{c.clone()}</q> })}
                </p>
            })}
            {item.can_decide.then(|| view! {
                <ActionForm action=decide attr:class="stack decide-form">
                    <input type="hidden" name="item_id" value=id.clone() />
                    <label for=comment_id.clone()>"Comment "<span class="muted">"(required to reject)"</span></label>
                    <textarea
                        id=comment_id.clone()
                        name="comment"
                        rows="2"
                        maxlength="2000"
                        aria-describedby=comment_error_id.clone()
                        aria-invalid=invalid(value, "comment")
                    ></textarea>
                    <FieldError id=comment_error_id.clone() error=field_error(value, "comment") />
                    <div class="form-actions">
                        <button type="submit" name="verdict" value="approve" class="button-primary" disabled=move || pending.get()>"Approve"</button>
                        <button type="submit" name="verdict" value="reject" class="button-danger" disabled=move || pending.get()>"Reject"</button>
                    </div>
                    <FormStatus pending value success="Decided." />
                </ActionForm>
            })}
        </article>
    }
}
