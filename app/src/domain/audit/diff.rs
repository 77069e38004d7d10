//! Before/after of a change, keeping only what changed.

use serde_json::{Map, Value, json};

/// `{"before": …, "after": …}` with only the keys whose values differ (objects), or the
/// whole values otherwise. A creation has no `before`; a deletion no `after`.
pub fn diff(before: Option<&Value>, after: Option<&Value>) -> Value {
    match (before, after) {
        (Some(Value::Object(b)), Some(Value::Object(a))) => {
            let (mut old, mut new) = (Map::new(), Map::new());
            for key in b.keys().chain(a.keys().filter(|k| !b.contains_key(*k))) {
                let (bv, av) = (b.get(key), a.get(key));
                if bv != av {
                    old.insert(key.clone(), bv.cloned().unwrap_or(Value::Null));
                    new.insert(key.clone(), av.cloned().unwrap_or(Value::Null));
                }
            }
            json!({ "before": old, "after": new })
        }
        (before, after) => json!({ "before": before, "after": after }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_what_changed() {
        let before = json!({"name": "Ava", "stage": 1, "status": "active"});
        let after = json!({"name": "Ava", "stage": 2, "status": "active", "owner": "u1"});
        assert_eq!(
            diff(Some(&before), Some(&after)),
            json!({"before": {"stage": 1, "owner": null}, "after": {"stage": 2, "owner": "u1"}})
        );
    }

    #[test]
    fn creations_and_deletions_carry_the_whole_value() {
        let v = json!({"name": "Ava"});
        assert_eq!(
            diff(None, Some(&v)),
            json!({"before": null, "after": {"name": "Ava"}})
        );
        assert_eq!(
            diff(Some(&v), None),
            json!({"before": {"name": "Ava"}, "after": null})
        );
    }
}
