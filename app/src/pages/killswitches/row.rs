//! One switch in the table, with the forms this member may use on it.

use leptos::prelude::*;

use crate::components::forms::{FieldError, FormStatus, field_error, invalid};
use crate::components::short_time;
use crate::server_fns::killswitches::{ReleaseSwitchNow, RequestSwitchRelease, StopKillSwitch};
use crate::types::SwitchView;

#[component]
pub fn SwitchRow(switch: SwitchView, changed: RwSignal<usize>) -> impl IntoView {
    let ask = ServerAction::<RequestSwitchRelease>::new();
    let now = ServerAction::<ReleaseSwitchNow>::new();
    let drill = ServerAction::<StopKillSwitch>::new();
    // Not counted in `changed`: reloading the table would hide the URL shown once.
    let trigger = ServerAction::<StopKillSwitch>::new();
    let trigger_target = switch.target.clone();
    let has_trigger = switch.trigger_prefix.is_some();
    // The new URL is shown once, in the page: only once hydrated.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    Effect::new(move |_| {
        let done = ask.value().with(|v| matches!(v, Some(Ok(()))))
            || now.value().with(|v| matches!(v, Some(Ok(()))))
            || drill.value().with(|v| matches!(v, Some(Ok(_))));
        if done {
            changed.update(|n| *n += 1);
        }
    });
    let (ask_id, now_id) = (switch.id.clone(), switch.id.clone());
    let state = if switch.engaged {
        view! { <span class="badge state-rejected">"Engaged"</span> }.into_any()
    } else if switch.released_at.is_some() {
        view! { <span class="badge state-approved">"Released"</span> }.into_any()
    } else {
        view! { <span class="badge badge-muted">"Never engaged"</span> }.into_any()
    };
    let who = if switch.engaged {
        format!(
            "“{}” — {}{}",
            switch.reason,
            switch
                .engaged_by
                .clone()
                .unwrap_or_else(|| "no person: an automated trigger".into()),
            switch
                .engaged_at
                .as_deref()
                .map(|at| format!(", {}", short_time(at)))
                .unwrap_or_default()
        )
    } else {
        match (&switch.released_by, &switch.released_at) {
            (Some(by), Some(at)) => format!("Released by {by}, {}", short_time(at)),
            _ => String::new(),
        }
    };
    let drilled = match (&switch.last_drill_at, &switch.last_drill_by) {
        (Some(at), Some(by)) => format!(
            "{} by {by}{}",
            short_time(at),
            switch
                .last_drill_ms
                .map(|ms| format!(" · streams had it in {ms} ms"))
                .unwrap_or_default()
        ),
        _ => "Never".into(),
    };
    let (ask_value, now_value) = (ask.value(), now.value());
    let ask_reason = format!("ks-ask-{}", switch.id);
    let now_reason = format!("ks-now-{}", switch.id);
    view! {
        <tr class:engaged=switch.engaged>
            <th scope="row">
                <span class="muted small">{switch.scope_label.clone()}</span><br />
                {switch.target_name.clone()}
                {(!switch.space_name.is_empty() && switch.scope != "space").then(|| view! { <span class="muted small">{format!(" · {}", switch.space_name)}</span> })}
            </th>
            <td>{state}</td>
            <td>{who}</td>
            <td class="small">{drilled}</td>
            <td class="actions">
                {switch.release_requested_by.clone().map(|by| view! {
                    <p class="small">{format!("Release asked by {by}: ")}<a href="/review?kind=release">"waiting in the review queue"</a></p>
                })}
                {switch.can_request_release.then(|| view! {
                    <details class="row-details">
                        <summary>"Ask for release"</summary>
                        <ActionForm action=ask attr:class="stack">
                            <input type="hidden" name="switch_id" value=ask_id.clone() />
                            <label for=ask_reason.clone()>"Why it is safe to let runtimes go again"</label>
                            <textarea id=ask_reason.clone() name="reason" rows="2" maxlength="2000" aria-describedby=format!("{ask_reason}-error") aria-invalid=invalid(ask_value, "reason")></textarea>
                            <FieldError id=format!("{ask_reason}-error") error=field_error(ask_value, "reason") />
                            <button type="submit" class="button-primary">"Send to the review queue"</button>
                            <FormStatus pending=ask.pending() value=ask_value success="Asked: a second person decides in the review queue." />
                        </ActionForm>
                    </details>
                })}
                {switch.can_break_glass.then(|| view! {
                    <details class="row-details">
                        <summary>"Release now (break glass)"</summary>
                        <ActionForm action=now attr:class="stack">
                            <input type="hidden" name="switch_id" value=now_id.clone() />
                            <label for=now_reason.clone()>"Why it cannot wait for a second person"</label>
                            <textarea id=now_reason.clone() name="reason" rows="2" maxlength="2000" aria-describedby=format!("{now_reason}-error") aria-invalid=invalid(now_value, "reason")></textarea>
                            <FieldError id=format!("{now_reason}-error") error=field_error(now_value, "reason") />
                            <button type="submit" class="button-danger">"Release now"</button>
                            <FormStatus pending=now.pending() value=now_value success="Released." />
                        </ActionForm>
                    </details>
                })}
                {switch.trigger_prefix.clone().map(|prefix| view! {
                    <p class="small">{format!("Trigger URL {prefix}…{}", switch.trigger_fired_at.as_deref().map(|at| format!(" · last fired {}", short_time(at))).unwrap_or_default())}</p>
                })}
                {switch.can_manage_trigger.then(|| view! {
                    <ActionForm action=trigger attr:class="inline">
                        <input type="hidden" name="target" value=trigger_target.clone() />
                        <input type="hidden" name="mode" value="trigger" />
                        <button type="submit" class="button-secondary" disabled=move || !hydrated.get() title="Needs JavaScript: the URL is shown once">{if has_trigger { "Rotate trigger URL" } else { "Create trigger URL" }}</button>
                    </ActionForm>
                    {move || trigger.value().with(|v| match v {
                        Some(Ok(outcome)) => outcome.trigger_url.clone(),
                        _ => None,
                    }).map(|url| view! { <super::TriggerUrl url /> })}
                    <FormStatus pending=trigger.pending() value=trigger.value() success="" />
                })}
                {switch.can_drill.then(|| view! {
                    <ActionForm action=drill attr:class="inline">
                        <input type="hidden" name="target" value=switch.target.clone() />
                        <input type="hidden" name="mode" value="drill" />
                        <button type="submit" class="button-secondary">"Drill"</button>
                    </ActionForm>
                    <FormStatus pending=drill.pending() value=drill.value() success="Drilled." />
                })}
            </td>
        </tr>
    }
}
