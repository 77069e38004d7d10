//! Parsing what an operator types to register an external system: its key and its
//! actions, one per line, e.g. `update_record write high_risk`.

use crate::AppError;
use crate::domain::validate::check_slug;
use crate::types::{ActionKind, BuiltIn, RiskFlags};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAction {
    pub name: String,
    pub kind: ActionKind,
    pub risk: RiskFlags,
}

pub const MAX_ACTIONS: usize = 50;

/// The capability key runtimes use (`"capability": "crm"`): from the system's name.
pub fn key_from_name(name: &str) -> Result<String, AppError> {
    let mut key = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c.to_ascii_lowercase());
        } else if !key.ends_with('-') && !key.is_empty() {
            key.push('-');
        }
    }
    let key = key.trim_end_matches('-').to_string();
    let key = check_slug("name", &key, 60).map_err(|_| {
        AppError::invalid(
            "name",
            "must contain letters and start with one (it becomes the key runtimes use)",
        )
    })?;
    if BuiltIn::parse(&key.replace('-', "_")).is_some() {
        return Err(AppError::invalid(
            "name",
            "is the name of a built-in surface; enable the built-in instead",
        ));
    }
    Ok(key)
}

pub fn parse_actions(text: &str) -> Result<Vec<ParsedAction>, AppError> {
    let mut actions: Vec<ParsedAction> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let at = |msg: String| AppError::invalid("actions", format!("line {}: {msg}", n + 1));
        let mut words = line.split_whitespace();
        let name = words.next().unwrap_or_default();
        let name = check_slug("actions", name, 60).map_err(|e| match e {
            AppError::Invalid { message, .. } => at(format!("action name {message}")),
            other => other,
        })?;
        let kind = match words.next() {
            Some(word) => ActionKind::parse(word)
                .ok_or_else(|| at(format!("“{word}” should be read or write")))?,
            None => return Err(at("say whether the action is read or write".into())),
        };
        let mut risk = RiskFlags::default();
        for flag in words {
            match flag {
                "high_risk" | "high-risk" => risk.high_risk = true,
                "financial" => risk.financial = true,
                "privileged" => risk.privileged = true,
                "irreversible" => risk.irreversible = true,
                other => {
                    return Err(at(format!(
                        "unknown flag “{other}” (use high_risk, financial, privileged, irreversible)"
                    )));
                }
            }
        }
        if actions.iter().any(|a| a.name == name) {
            return Err(at(format!("“{name}” is listed twice")));
        }
        actions.push(ParsedAction { name, kind, risk });
    }
    if actions.is_empty() {
        return Err(AppError::invalid(
            "actions",
            "list at least one action, one per line: name read|write [flags]",
        ));
    }
    if actions.len() > MAX_ACTIONS {
        return Err(AppError::invalid(
            "actions",
            format!("at most {MAX_ACTIONS} actions per system"),
        ));
    }
    Ok(actions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_parse_one_per_line_with_flags() {
        let parsed = parse_actions("lookup read\n\n  refund_order write financial irreversible ")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].kind, ActionKind::Read);
        assert!(!parsed[0].risk.any());
        assert!(parsed[1].risk.financial && parsed[1].risk.irreversible);
    }

    #[test]
    fn bad_action_lists_say_which_line_is_wrong() {
        for (text, needle) in [
            ("", "at least one"),
            ("lookup", "line 1"),
            ("lookup read\nlookup write", "line 2"),
            ("lookup fetch", "read or write"),
            ("lookup read dangerous", "unknown flag"),
            ("Bad-Name read", "line 1"),
        ] {
            match parse_actions(text) {
                Err(AppError::Invalid { field, message }) => {
                    assert_eq!(field, "actions");
                    assert!(message.contains(needle), "{text:?}: {message}");
                }
                other => panic!("{text:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn keys_come_from_names_and_never_shadow_builtins() {
        assert_eq!(key_from_name("Acme CRM (EU)"), Ok("acme-crm-eu".into()));
        assert!(key_from_name("  !!! ").is_err());
        assert!(key_from_name("42 things").is_err());
        assert!(key_from_name("Customer Billing").is_err());
    }
}
