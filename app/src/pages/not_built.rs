use leptos::prelude::*;
use leptos_meta::Title;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Evaluation,
}

impl Area {
    pub fn title(self) -> &'static str {
        match self {
            Area::Evaluation => "Evaluation",
        }
    }

    /// What the area will hold, so nobody mistakes the empty page for missing data.
    fn promise(self) -> &'static str {
        match self {
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
