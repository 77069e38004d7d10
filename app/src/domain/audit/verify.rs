//! Checking the chains: every entry's sequence number, its link to the previous entry,
//! its own hash, and that the chain ends at the head kept on the tenant row (so a cut
//! tail shows too). Reads in keyset pages, so memory stays flat however long the log.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::chain::{GENESIS, entry_hash};
use crate::AppError;
use crate::domain::entities::{audit_entry, tenant};

const PAGE: u64 = 5_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenEntry {
    pub tenant_id: String,
    /// The sequence number where the chain first fails.
    pub seq: i64,
    pub entry_id: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub tenants: u64,
    pub entries: u64,
    /// The first broken entry of the first tenant whose chain fails.
    pub first_broken: Option<BrokenEntry>,
}

pub async fn verify_audit(db: &DatabaseConnection) -> Result<Report, AppError> {
    let mut report = Report {
        tenants: 0,
        entries: 0,
        first_broken: None,
    };
    for t in tenant::Entity::find()
        .order_by_asc(tenant::Column::Id)
        .all(db)
        .await?
    {
        report.tenants += 1;
        let (entries, broken) = verify_chain(db, &t).await?;
        report.entries += entries;
        if broken.is_some() {
            report.first_broken = broken;
            break;
        }
    }
    Ok(report)
}

/// (entries checked, the first broken one).
pub async fn verify_tenant(
    db: &DatabaseConnection,
    tenant_id: &str,
) -> Result<(u64, Option<BrokenEntry>), AppError> {
    let tenant = tenant::Entity::find_by_id(tenant_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    verify_chain(db, &tenant).await
}

async fn verify_chain(
    db: &DatabaseConnection,
    tenant: &tenant::Model,
) -> Result<(u64, Option<BrokenEntry>), AppError> {
    let tenant_id = tenant.id.as_str();
    let mut expected_seq = 1_i64;
    let mut prev_hash = GENESIS.to_string();
    let mut checked = 0_u64;
    let broken = |seq: i64, id: Option<&str>, reason: String| BrokenEntry {
        tenant_id: tenant_id.to_string(),
        seq,
        entry_id: id.map(str::to_string),
        reason,
    };
    loop {
        let page = audit_entry::Entity::find()
            .filter(audit_entry::Column::TenantId.eq(tenant_id))
            .filter(audit_entry::Column::Seq.gte(expected_seq))
            .order_by_asc(audit_entry::Column::Seq)
            .limit(PAGE)
            .all(db)
            .await?;
        let full = page.len() as u64 == PAGE;
        for entry in page {
            if entry.seq != expected_seq {
                let reason = format!(
                    "entry {expected_seq} is missing (the next one stored is {})",
                    entry.seq
                );
                return Ok((checked, Some(broken(expected_seq, None, reason))));
            }
            if entry.prev_hash != prev_hash {
                let reason =
                    "does not link to the entry before it (an entry was changed, removed or moved)"
                        .to_string();
                return Ok((checked, Some(broken(entry.seq, Some(&entry.id), reason))));
            }
            let computed = entry_hash(&entry);
            if computed != entry.hash {
                let reason =
                    "its contents do not match its hash (the entry was edited)".to_string();
                return Ok((checked, Some(broken(entry.seq, Some(&entry.id), reason))));
            }
            checked += 1;
            expected_seq += 1;
            prev_hash = entry.hash;
        }
        if !full {
            return Ok((checked, head_mismatch(tenant, expected_seq - 1, &prev_hash)));
        }
    }
}

/// Whether the chain, checked up to `last_seq` ending in `last_hash`, stops where the
/// tenant's head says it does.
fn head_mismatch(tenant: &tenant::Model, last_seq: i64, last_hash: &str) -> Option<BrokenEntry> {
    let broken = |seq: i64, reason: String| {
        Some(BrokenEntry {
            tenant_id: tenant.id.clone(),
            seq,
            entry_id: None,
            reason,
        })
    };
    let head = tenant.audit_head_seq;
    if last_seq < head {
        broken(
            last_seq + 1,
            format!(
                "entries {} to {head} are missing: the chain ends at {last_seq} but its head \
                 (kept on the tenant) is entry {head}",
                last_seq + 1
            ),
        )
    } else if last_seq > head {
        broken(
            head + 1,
            format!("entries after {head} were not appended by the console (its head is {head})"),
        )
    } else if last_hash != tenant.audit_head_hash {
        broken(
            last_seq,
            "the last entry is not the one the chain's head names (it was replaced)".into(),
        )
    } else {
        None
    }
}
