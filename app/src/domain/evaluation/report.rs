//! An evaluation assessed now: the facts loaded, every item checked, the level, what
//! blocks the next one, grouped by the buyer's questions — and the same report as
//! Markdown, and what changed since the last completed run.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

use super::catalog::QUESTIONS;
use super::checks::{self, Attested, Checked};
use super::data;
use crate::AppError;
use crate::domain::entities::{
    evaluation, evaluation_attestation, evaluation_snapshot, persona, space, tenant,
};
use crate::domain::rfc3339;
use crate::domain::users::display_names;
use crate::types::{ChangeView, ItemStatus, ItemView, QuestionView, ReportView, level_name};

/// An evaluation assessed against live data.
pub struct Assessed {
    pub report: ReportView,
    pub checked: Vec<Checked>,
}

/// The statements on record for these evaluations, with their authors' names.
pub async fn attestations(
    db: &impl ConnectionTrait,
    evaluation_ids: &[String],
) -> Result<HashMap<String, HashMap<String, Attested>>, AppError> {
    let rows = evaluation_attestation::Entity::find()
        .filter(evaluation_attestation::Column::EvaluationId.is_in(evaluation_ids.to_vec()))
        .all(db)
        .await?;
    let names = display_names(db, rows.iter().map(|r| r.attested_by.clone()).collect()).await?;
    let mut out: HashMap<String, HashMap<String, Attested>> = HashMap::new();
    for r in rows {
        let by = names.get(&r.attested_by).cloned().unwrap_or(r.attested_by);
        out.entry(r.evaluation_id).or_default().insert(
            r.item_key,
            Attested {
                id: r.id,
                statement: r.statement,
                by,
                at: r.attested_at,
            },
        );
    }
    Ok(out)
}

pub async fn assess(
    db: &impl ConnectionTrait,
    e: &evaluation::Model,
    at: time::OffsetDateTime,
) -> Result<Assessed, AppError> {
    let space = space::Entity::find_by_id(e.space_id.as_str())
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let tenant_name = tenant::Entity::find_by_id(space.tenant_id.as_str())
        .one(db)
        .await?
        .map(|t| t.name)
        .unwrap_or_default();
    let persona_name = match &e.persona_id {
        Some(id) => persona::Entity::find_by_id(id.as_str())
            .one(db)
            .await?
            .map(|p| p.name),
        None => None,
    };
    let facts = data::load(db, &space, e.persona_id.as_deref(), at).await?;
    let attested = attestations(db, std::slice::from_ref(&e.id))
        .await?
        .remove(&e.id)
        .unwrap_or_default();
    let checked = checks::run(&facts, &attested, at);
    let level = checks::level(&checked);
    let report = ReportView {
        evaluation_id: e.id.clone(),
        title: e.title.clone(),
        tenant_name,
        space_name: space.name,
        persona_name,
        state: e.state.clone(),
        generated_at: rfc3339(at),
        completed_at: e.completed_at.map(rfc3339),
        level,
        level_name: level_name(level).to_string(),
        blockers: if level < 4 {
            checks::blockers(&checked, level)
        } else {
            Vec::new()
        },
        open_items: checked
            .iter()
            .filter(|c| matches!(c.status, ItemStatus::Open | ItemStatus::Stale))
            .map(|c| c.item.title.to_string())
            .collect(),
        questions: group(&checked),
    };
    Ok(Assessed { report, checked })
}

fn group(checked: &[Checked]) -> Vec<QuestionView> {
    QUESTIONS
        .iter()
        .map(|(number, title, asks)| QuestionView {
            number: *number,
            title: (*title).into(),
            asks: (*asks).into(),
            items: checked
                .iter()
                .filter(|c| c.item.question == *number)
                .map(|c| ItemView {
                    key: c.item.key.into(),
                    question: c.item.question,
                    level: c.item.level,
                    automatic: c.item.kind == super::catalog::Kind::Automatic,
                    title: c.item.title.into(),
                    why: c.item.why.into(),
                    status: c.status,
                    detail: c.detail.clone(),
                    evidence: c.evidence.clone(),
                    attestation: c.attestation.clone(),
                })
                .collect(),
        })
        .collect()
}

/// The latest completed run's report, if any.
pub async fn last_snapshot(
    db: &impl ConnectionTrait,
    evaluation_id: &str,
) -> Result<Option<ReportView>, AppError> {
    Ok(evaluation_snapshot::Entity::find()
        .filter(evaluation_snapshot::Column::EvaluationId.eq(evaluation_id))
        .order_by_desc(evaluation_snapshot::Column::TakenAt)
        .one(db)
        .await?
        .and_then(|s| serde_json::from_str(&s.report).ok()))
}

/// What changed between an earlier report and now: the level, and each item whose
/// status moved.
pub fn changes(before: &ReportView, now: &ReportView) -> Vec<ChangeView> {
    let mut out = Vec::new();
    if before.level != now.level {
        out.push(ChangeView {
            what: "Readiness level".into(),
            before: format!("{} · {}", before.level, before.level_name),
            after: format!("{} · {}", now.level, now.level_name),
        });
    }
    let was: HashMap<&str, ItemStatus> = before
        .questions
        .iter()
        .flat_map(|q| q.items.iter().map(|i| (i.key.as_str(), i.status)))
        .collect();
    for item in now.questions.iter().flat_map(|q| q.items.iter()) {
        match was.get(item.key.as_str()) {
            Some(status) if *status == item.status => {}
            Some(status) => out.push(ChangeView {
                what: item.title.clone(),
                before: status.label().into(),
                after: item.status.label().into(),
            }),
            None => out.push(ChangeView {
                what: item.title.clone(),
                before: "Not in that run".into(),
                after: item.status.label().into(),
            }),
        }
    }
    out
}

/// The report as Markdown, for pasting into a document or a ticket.
pub fn markdown(r: &ReportView) -> String {
    use std::fmt::Write;
    let mut md = String::new();
    let _ = writeln!(md, "# {}\n", r.title);
    let scope = match &r.persona_name {
        Some(p) => format!("{} › {p}", r.space_name),
        None => format!("{} (whole space)", r.space_name),
    };
    let _ = writeln!(md, "- Tenant: {}\n- Scope: {scope}", r.tenant_name);
    let _ = writeln!(md, "- Generated: {}", r.generated_at);
    match &r.completed_at {
        Some(at) => {
            let _ = writeln!(md, "- Completed: {at}");
        }
        None => {
            let _ = writeln!(md, "- State: in progress");
        }
    }
    let _ = writeln!(
        md,
        "- **Readiness level: {} — {}**\n",
        r.level, r.level_name
    );
    if !r.blockers.is_empty() {
        let _ = writeln!(md, "## What blocks level {}\n", r.level + 1);
        for b in &r.blockers {
            let _ = writeln!(md, "- {b}");
        }
        md.push('\n');
    }
    if !r.open_items.is_empty() {
        let _ = writeln!(md, "## Open items\n");
        for o in &r.open_items {
            let _ = writeln!(md, "- {o}");
        }
        md.push('\n');
    }
    for q in &r.questions {
        let _ = writeln!(md, "## {}. {}\n\n_{}_\n", q.number, q.title, q.asks);
        let _ = writeln!(
            md,
            "| Status | Item | Level | Evidence |\n|---|---|---|---|"
        );
        for i in &q.items {
            let evidence = match (&i.evidence, &i.attestation) {
                (_, Some(a)) => format!("“{}” — {}, {}", a.statement, a.by, a.at),
                (Some(link), None) => format!("{} ({})", i.detail, link.href),
                (None, None) => i.detail.clone(),
            };
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} |",
                i.status.label(),
                cell(&i.title),
                i.level,
                cell(&evidence)
            );
        }
        md.push('\n');
    }
    md
}

/// A table cell: pipes and line breaks would end it.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ItemView;

    fn report(level: u8, status: ItemStatus) -> ReportView {
        ReportView {
            evaluation_id: "e".into(),
            title: "Support | pilot".into(),
            tenant_name: "T".into(),
            space_name: "S".into(),
            persona_name: Some("Ava".into()),
            state: "completed".into(),
            generated_at: "2026-11-29T00:00:00Z".into(),
            completed_at: None,
            level,
            level_name: level_name(level).into(),
            blockers: vec!["Drill — never drilled".into()],
            open_items: vec![],
            questions: vec![QuestionView {
                number: 4,
                title: "Operator control".into(),
                asks: "Can operators stay in control?".into(),
                items: vec![ItemView {
                    key: "control.drill".into(),
                    question: 4,
                    level: 2,
                    automatic: true,
                    title: "Drilled".into(),
                    why: "w.".into(),
                    status,
                    detail: "a | b\nc".into(),
                    evidence: None,
                    attestation: None,
                }],
            }],
        }
    }

    #[test]
    fn changes_name_the_level_and_each_item_that_moved() {
        let before = report(1, ItemStatus::Fail);
        assert!(changes(&before, &before).is_empty());
        let after = report(2, ItemStatus::Pass);
        let found = changes(&before, &after);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].what, "Readiness level");
        assert_eq!(
            (found[1].before.as_str(), found[1].after.as_str()),
            ("Fail", "Pass")
        );
    }

    #[test]
    fn markdown_keeps_tables_intact() {
        let md = markdown(&report(1, ItemStatus::Fail));
        assert!(md.contains("**Readiness level: 1 — Ready for a pilot**"));
        assert!(md.contains("## What blocks level 2"));
        assert!(md.contains("a \\| b c"), "{md}");
    }
}
