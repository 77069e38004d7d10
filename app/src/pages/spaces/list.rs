//! Every space the viewer reaches, and a form to create one.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::forms::{FieldError, FormStatus, field_error, invalid};
use crate::components::{ErrorNotice, Loading};
use crate::server_fns::spaces::{CreateSpace, list_spaces};
use crate::types::SpacesView;

#[component]
pub fn SpacesPage() -> impl IntoView {
    let create = ServerAction::<CreateSpace>::new();
    let spaces = Resource::new(move || create.version().get(), |_| list_spaces());
    view! {
        <Title text="Spaces" />
        <h1>"Spaces"</h1>
        <p class="lead">"A space is an authority boundary: its personas, apps, capabilities and environments never reach outside it."</p>
        <Suspense fallback=|| view! { <Loading what="spaces" /> }>
            {move || Suspend::new(async move {
                match spaces.await {
                    Ok(view) => view! { <SpacesBody view create /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SpacesBody(view: SpacesView, create: ServerAction<CreateSpace>) -> impl IntoView {
    let can_create = view.can_create;
    let empty = view.spaces.is_empty();
    view! {
        {empty.then(|| view! {
            <section class="card empty"><p>"No spaces yet."</p>
                {if can_create { "Create the first one below: it starts with sandbox, staging and production environments." } else { "Ask an operator or admin to create one." }}
            </section>
        })}
        <div class="grid">
            {view.spaces.into_iter().map(|s| view! {
                <section class="card" aria-labelledby=format!("space-{}", s.id)>
                    <h2 id=format!("space-{}", s.id)><a href=format!("/spaces/{}", s.id)>{s.name}</a></h2>
                    <p class="muted">{s.description}</p>
                    <p class="counts">
                        <span>{plural(s.persona_count, "persona", "personas")}</span>
                        <span>{plural(s.app_count, "app", "apps")}</span>
                        <span>{plural(s.capability_count, "capability enabled", "capabilities enabled")}</span>
                    </p>
                    <p class="small muted">"Your role here: "{s.your_role.label()}</p>
                </section>
            }).collect_view()}
        </div>
        {can_create.then(|| view! { <CreateSpaceForm create /> })}
    }
}

pub fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[component]
fn CreateSpaceForm(create: ServerAction<CreateSpace>) -> impl IntoView {
    let value = create.value();
    let pending = Memo::new(move |_| create.pending().get());
    view! {
        <section class="card form-card" aria-labelledby="create-space-title">
            <h2 id="create-space-title">"Create a space"</h2>
            <ActionForm action=create attr:class="stack">
                <label for="space-name">"Name"</label>
                <input id="space-name" type="text" name="name" required maxlength="120"
                    aria-invalid=invalid(value, "name") aria-describedby="space-name-error" />
                <FieldError id="space-name-error" error=field_error(value, "name") />
                <label for="space-description">"Description " <span class="muted">"(optional)"</span></label>
                <textarea id="space-description" name="description" rows="2" maxlength="2000"
                    aria-invalid=invalid(value, "description") aria-describedby="space-description-error"></textarea>
                <FieldError id="space-description-error" error=field_error(value, "description") />
                <div class="form-actions">
                    <button type="submit" class="button-primary" disabled=move || create.pending().get()>"Create space"</button>
                    <FormStatus pending value success="Space created." />
                </div>
            </ActionForm>
        </section>
    }
}
