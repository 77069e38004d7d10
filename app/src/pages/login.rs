//! The sign-in page. The form posts to `/auth/login` natively, so it works with or
//! without JavaScript; once hydrated, "Show password" works too.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The words for each outcome the sign-in handler redirects back with.
fn message_for(code: &str, retry_secs: Option<u64>) -> Option<(&'static str, String)> {
    let text = match code {
        "invalid_credentials" => "That email and password do not match an account.".to_string(),
        "rate_limited" => {
            let minutes = retry_secs.unwrap_or(60).div_ceil(60).max(1);
            format!(
                "Too many failed attempts. Try again in {minutes} minute{}.",
                if minutes == 1 { "" } else { "s" }
            )
        }
        "invalid_email" => "Enter your email address (at most 254 characters).".to_string(),
        "invalid_password" => "Enter your password (at most 1024 characters).".to_string(),
        "no_tenant" => {
            "Your account is not a member of any tenant yet. Ask an owner to add you.".to_string()
        }
        "unavailable" => "Sign-in is not available right now. Try again shortly.".to_string(),
        "session_ended" => {
            return Some((
                "notice-info",
                "Your session ended. Sign in again to continue.".into(),
            ));
        }
        "signed_out" => return Some(("notice-info", "You are signed out.".into())),
        _ => "Sign-in failed. Try again.".to_string(),
    };
    Some(("notice-error", text))
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let notice = move || {
        let q = query.read();
        let code = q.get("error").or_else(|| q.get("status"))?;
        let retry = q.get("retry").and_then(|r| r.parse().ok());
        message_for(&code, retry)
    };
    // Passed back as-is: the sign-in handler decides whether it is a safe place to go.
    let next = move || query.read().get("next").unwrap_or_else(|| "/".into());
    let show_password = RwSignal::new(false);

    view! {
        <Title text="Sign in" />
        <main class="centered" id="main">
            <section class="card narrow login" aria-labelledby="login-title">
                <p class="brand"><span class="brand-mark" aria-hidden="true">"◆"</span>" Persona Console"</p>
                <h1 id="login-title">"Sign in"</h1>
                {move || notice().map(|(class, text)| {
                    let role = if class == "notice-error" { "alert" } else { "status" };
                    view! { <div class=format!("notice {class}") role=role>{text}</div> }
                })}
                <form method="post" action="/auth/login" class="stack">
                    <input type="hidden" name="next" value=next />
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="username" required maxlength="254" autofocus />
                    <label for="password">"Password"</label>
                    <div class="password-row">
                        <input
                            id="password"
                            name="password"
                            type=move || if show_password.get() { "text" } else { "password" }
                            autocomplete="current-password"
                            required
                            maxlength="1024"
                        />
                        <button
                            type="button"
                            class="button-secondary"
                            aria-controls="password"
                            aria-pressed=move || show_password.get().to_string()
                            on:click=move |_| show_password.update(|s| *s = !*s)
                        >
                            {move || if show_password.get() { "Hide password" } else { "Show password" }}
                        </button>
                    </div>
                    <button type="submit" class="button-primary">"Sign in"</button>
                </form>
                <p class="muted small">"Sessions end after 30 minutes without activity, and 12 hours after sign-in."</p>
            </section>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_has_words_and_rate_limits_round_up_to_minutes() {
        assert_eq!(
            message_for("rate_limited", Some(61)).map(|m| m.1),
            Some("Too many failed attempts. Try again in 2 minutes.".into())
        );
        assert_eq!(
            message_for("rate_limited", Some(5)).map(|m| m.1),
            Some("Too many failed attempts. Try again in 1 minute.".into())
        );
        assert_eq!(
            message_for("signed_out", None).map(|m| m.0),
            Some("notice-info")
        );
        assert_eq!(
            message_for("anything-else", None).map(|m| m.0),
            Some("notice-error")
        );
    }
}
