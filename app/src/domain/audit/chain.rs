//! The hash of an entry: SHA-256 over every stored field (and the previous entry's hash),
//! each field length-prefixed so no two different entries serialise alike.

use sha2::{Digest, Sha256};

use crate::domain::entities::audit_entry;

/// The `prev_hash` of a tenant's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub fn entry_hash(e: &audit_entry::Model) -> String {
    let mut h = Sha256::new();
    let mut field = |value: Option<&str>| match value {
        None => h.update(b"N\n"),
        Some(v) => {
            h.update(format!("S{}:", v.len()).as_bytes());
            h.update(v.as_bytes());
            h.update(b"\n");
        }
    };
    field(Some("persona-console audit v1"));
    field(Some(&e.id));
    field(Some(&e.tenant_id));
    field(Some(&e.seq.to_string()));
    field(Some(&e.occurred_at_micros.to_string()));
    field(e.actor_user_id.as_deref());
    field(Some(&e.actor_role));
    field(Some(&e.action));
    field(Some(&e.entity_type));
    field(Some(&e.entity_id));
    field(Some(&e.diff));
    field(e.ip.as_deref());
    field(e.user_agent.as_deref());
    field(Some(&e.prev_hash));
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> audit_entry::Model {
        audit_entry::Model {
            id: "e1".into(),
            tenant_id: "t1".into(),
            seq: 1,
            occurred_at_micros: 1_700_000_000_000_000,
            actor_user_id: None,
            actor_role: "system".into(),
            action: "tenant.create".into(),
            entity_type: "tenant".into(),
            entity_id: "t1".into(),
            diff: r#"{"after":{"name":"Acme"}}"#.into(),
            ip: None,
            user_agent: None,
            prev_hash: GENESIS.into(),
            hash: String::new(),
        }
    }

    #[test]
    fn every_field_counts() {
        let base = entry_hash(&entry());
        assert_eq!(base.len(), 64);
        assert_eq!(base, entry_hash(&entry()), "deterministic");
        type Edit = Box<dyn Fn(&mut audit_entry::Model)>;
        let changes: Vec<Edit> = vec![
            Box::new(|e| e.seq = 2),
            Box::new(|e| e.occurred_at_micros += 1),
            Box::new(|e| e.actor_user_id = Some(String::new())),
            Box::new(|e| e.actor_role = "owner".into()),
            Box::new(|e| e.diff = r#"{"after":{"name":"Acmf"}}"#.into()),
            Box::new(|e| e.ip = Some("10.0.0.1".into())),
            Box::new(|e| e.prev_hash = "1".repeat(64)),
        ];
        for change in changes {
            let mut e = entry();
            change(&mut e);
            assert_ne!(entry_hash(&e), base);
        }
    }

    #[test]
    fn fields_cannot_bleed_into_each_other() {
        let mut a = entry();
        a.action = "ab".into();
        a.entity_type = "c".into();
        let mut b = entry();
        b.action = "a".into();
        b.entity_type = "bc".into();
        assert_ne!(entry_hash(&a), entry_hash(&b));
    }
}
