use leptos::prelude::*;
use leptos_meta::Title;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Spaces,
    Personas,
    Capabilities,
    Rollout,
    Review,
    KillSwitches,
    Activity,
    Audit,
    Evaluation,
}

impl Area {
    pub fn title(self) -> &'static str {
        match self {
            Area::Spaces => "Spaces",
            Area::Personas => "Personas",
            Area::Capabilities => "Capabilities",
            Area::Rollout => "Rollout",
            Area::Review => "Review queue",
            Area::KillSwitches => "Kill-switches",
            Area::Activity => "Activity",
            Area::Audit => "Audit log",
            Area::Evaluation => "Evaluation",
        }
    }

    /// What the area will hold, so nobody mistakes the empty page for missing data.
    fn promise(self) -> &'static str {
        match self {
            Area::Spaces => {
                "Create spaces, their environments and apps, and see what each space may touch."
            }
            Area::Personas => {
                "Create personas, set their owner, on-call operator and continuity profile."
            }
            Area::Capabilities => {
                "Enable built-in surfaces, register external systems, and grant them to personas."
            }
            Area::Rollout => {
                "Move personas through the four rollout stages, with gates and approvals."
            }
            Area::Review => {
                "Approve or reject stage promotions, kill-switch releases and risky actions."
            }
            Area::KillSwitches => {
                "Stop a tenant, space, app, persona or capability at once, and drill it."
            }
            Area::Activity => "Watch decisions and actions from persona runtimes, live.",
            Area::Audit => "Read the tamper-evident log of every change to the control plane.",
            Area::Evaluation => {
                "Walk the buyer's checklist and share an evidence-backed readiness report."
            }
        }
    }
}

#[component]
pub fn NotBuiltYet(area: Area) -> impl IntoView {
    view! {
        <Title text=area.title() />
        <h1>{area.title()}</h1>
        <section class="card">
            <p class="badge badge-muted">"Not built yet"</p>
            <p>"This area of the console is not built yet. When it is, it will let you:"</p>
            <p class="lead">{area.promise()}</p>
            <p>"Nothing here is hidden from you: there is simply nothing to show until then."</p>
        </section>
    }
}
