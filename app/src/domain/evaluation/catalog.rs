//! The checklist: every item of an evaluation, the question it answers, the readiness
//! level it belongs to, whether the system checks it or a person attests it, and why it
//! matters — in words for people who are not engineers.

/// The five buyer questions and the launch steps, in the order the stepper walks them.
pub const QUESTIONS: [(u8, &str, &str); 6] = [
    (
        1,
        "Built-in surfaces",
        "Does the persona have the right built-in surfaces?",
    ),
    (
        2,
        "External systems",
        "Can it connect to the systems that matter in our product?",
    ),
    (3, "Bounded rollout", "Can we keep the rollout bounded?"),
    (4, "Operator control", "Can operators stay in control?"),
    (
        5,
        "Continuity",
        "Does the runtime preserve continuity in a way that matters to us?",
    ),
    (
        6,
        "Launch steps",
        "Is the launch planned the narrow, safe way?",
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Checked from live data; never attestable.
    Automatic,
    /// A named person writes a short statement.
    Attested,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    pub key: &'static str,
    pub question: u8,
    pub level: u8,
    pub kind: Kind,
    pub title: &'static str,
    pub why: &'static str,
}

const fn auto(
    key: &'static str,
    question: u8,
    level: u8,
    title: &'static str,
    why: &'static str,
) -> Item {
    Item {
        key,
        question,
        level,
        kind: Kind::Automatic,
        title,
        why,
    }
}

const fn attested(
    key: &'static str,
    question: u8,
    level: u8,
    title: &'static str,
    why: &'static str,
) -> Item {
    Item {
        key,
        question,
        level,
        kind: Kind::Attested,
        title,
        why,
    }
}

pub const ITEMS: &[Item] = &[
    auto(
        "surfaces.enabled",
        1,
        1,
        "Built-in surfaces are switched on",
        "The persona can only meet people on surfaces the space has switched on.",
    ),
    auto(
        "surfaces.granted",
        1,
        1,
        "The persona may use a built-in surface now",
        "Without a surface active at its current stage the persona cannot do anything useful.",
    ),
    attested(
        "surfaces.fit",
        1,
        1,
        "These surfaces are where our users will meet the persona",
        "Only you know where your users are; say so in a sentence.",
    ),
    auto(
        "systems.registered",
        2,
        2,
        "An external system is connected, with its actions listed",
        "Real work in production usually means reaching one of your own systems.",
    ),
    auto(
        "systems.scoped",
        2,
        2,
        "No external write reaches production during the pilot",
        "A pilot that can change production data is not a pilot.",
    ),
    attested(
        "systems.matter",
        2,
        2,
        "These are the systems that matter in our product",
        "The system can list what is connected, not whether it is what your product needs.",
    ),
    auto(
        "rollout.within_limits",
        3,
        1,
        "What is active today fits the current stage's limits",
        "A stage is only a boundary if what runs inside it stays inside it.",
    ),
    auto(
        "rollout.audience_capped",
        3,
        2,
        "Every stage before deep embedding caps its audience",
        "A cap per stage means exposure grows in steps you choose, not all at once.",
    ),
    auto(
        "rollout.next_fits",
        3,
        3,
        "The next promotion would stay within its stage's limits",
        "Knowing what the next step exposes before taking it keeps surprises out of production.",
    ),
    auto(
        "rollout.deep_approvals",
        3,
        4,
        "Deep embedding needs at least two approvals",
        "The widest stage deserves two people agreeing, not one.",
    ),
    auto(
        "control.switches",
        4,
        1,
        "No kill-switch is holding the persona stopped",
        "An engaged switch means something went wrong and is not resolved yet.",
    ),
    auto(
        "control.on_call",
        4,
        1,
        "An operator is on call for the persona",
        "When something goes wrong, someone must be the one who answers.",
    ),
    auto(
        "control.reviewers",
        4,
        1,
        "At least two people can decide reviews",
        "Nobody approves their own request, so one reviewer is not enough.",
    ),
    auto(
        "control.drill",
        4,
        2,
        "The kill-switch was drilled in the last 30 days",
        "A switch nobody has tried recently may not work when it matters.",
    ),
    auto(
        "control.queue_age",
        4,
        2,
        "Nothing waits long in the review queue",
        "Requests that wait for days mean nobody is really reviewing.",
    ),
    auto(
        "control.propagation",
        4,
        3,
        "The last drill reached every runtime within a second",
        "A stop only helps if it arrives before the next action does.",
    ),
    attested(
        "control.operator_path",
        4,
        3,
        "The operator path is designed",
        "Operators need a known way to understand, review, change posture and step in.",
    ),
    auto(
        "control.trigger",
        4,
        4,
        "Monitoring can stop the persona without a person",
        "At full scale, an alert in the night must be able to pull the switch itself.",
    ),
    attested(
        "control.runbook",
        4,
        4,
        "An incident runbook names who acts, and how",
        "At full scale a bad hour needs a written plan, not improvisation.",
    ),
    auto(
        "continuity.profile",
        5,
        1,
        "The persona's continuity is defined",
        "Memory, plans, follow-ups and identity behave as promised only if they are chosen.",
    ),
    attested(
        "continuity.meaning",
        5,
        1,
        "We decided what continuity means for our use case",
        "Remembering too much can be as wrong as remembering too little.",
    ),
    auto(
        "continuity.backed",
        5,
        2,
        "Each kind of continuity is backed by a granted capability",
        "Follow-ups need the agenda and memory needs a datastore or documents, or the promise is empty.",
    ),
    auto(
        "continuity.activity",
        5,
        4,
        "The runtime has been active in at least three of the last four weeks",
        "Continuity is proven over time, in real use.",
    ),
    auto(
        "launch.role",
        6,
        1,
        "The persona's role is written down",
        "Everyone should be able to say in one sentence what the persona is for.",
    ),
    auto(
        "launch.native_first",
        6,
        1,
        "The pilot starts from built-in surfaces",
        "Start where the platform already understands the surface, then add your systems.",
    ),
    auto(
        "launch.boundaries",
        6,
        1,
        "Every risky action needs a person's approval",
        "Money, deletions and privileged changes should wait for a human at first.",
    ),
    auto(
        "launch.narrow",
        6,
        1,
        "The pilot's audience is small",
        "A narrow launch (one persona, one team, one workflow) limits what a mistake can reach.",
    ),
    attested(
        "launch.workflow",
        6,
        1,
        "The first workflow is written down",
        "One concrete workflow makes the pilot measurable.",
    ),
    auto(
        "launch.small_external",
        6,
        2,
        "The external surface stays small",
        "Few external systems at first keep the surface you must watch small.",
    ),
];

pub fn item(key: &str) -> Option<&'static Item> {
    ITEMS.iter().find(|i| i.key == key)
}

/// The pilot's audience counts as small up to this many end users.
pub const NARROW_AUDIENCE: u32 = 100;
/// More external capabilities than this is no longer a small surface.
pub const SMALL_EXTERNAL: usize = 3;
/// Attestations older than this turn stale.
pub const STALE_DAYS: i64 = 90;
pub const MAX_ATTESTATION: usize = 1000;
pub const MIN_ATTESTATION: usize = 10;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_level_and_question_has_items_and_keys_are_unique() {
        let keys: HashSet<&str> = ITEMS.iter().map(|i| i.key).collect();
        assert_eq!(keys.len(), ITEMS.len());
        for level in 1..=4 {
            assert!(ITEMS.iter().any(|i| i.level == level), "level {level}");
        }
        for (n, _, _) in QUESTIONS {
            assert!(ITEMS.iter().any(|i| i.question == n), "question {n}");
        }
        // Both kinds appear, and every item says why it matters in one sentence.
        assert!(ITEMS.iter().any(|i| i.kind == Kind::Attested));
        for i in ITEMS {
            assert!(
                i.why.ends_with('.') && i.why.matches(". ").count() == 0,
                "{}",
                i.key
            );
        }
    }
}
