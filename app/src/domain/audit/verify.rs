//! Checking the chains: every entry's sequence number, its link to the previous entry,
//! and its own hash. Reads in keyset pages, so memory stays flat however long the log.

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
        let (entries, broken) = verify_tenant(db, &t.id).await?;
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
            return Ok((checked, None));
        }
    }
}
