//! The model's closed vocabularies, shared by server and browser: each has one spelling
//! in the database and the API (`as_str`) and one in the UI (`label`).

use serde::{Deserialize, Serialize};

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $key:literal / $label:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $key),* }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),* }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary!(
    /// What a runtime token may call: one scope per route family of the runtime API.
    RuntimeScope {
        PolicyRead = "policy:read" / "Read policy",
        DecisionsWrite = "decisions:write" / "Ask for decisions",
        EventsWrite = "events:write" / "Report events",
        StreamRead = "stream:read" / "Listen to the stream",
        ApprovalsRead = "approvals:read" / "Read approvals",
    }
);

vocabulary!(
    /// What an app is, for people reading the space.
    AppKind {
        ProductUi = "product_ui" / "Product UI",
        Workflow = "workflow" / "Workflow",
        IntegrationSurface = "integration_surface" / "Integration surface",
        EmbeddedExperience = "embedded_experience" / "Embedded experience",
    }
);

vocabulary!(
    /// The seven surfaces every space may enable.
    BuiltIn {
        Chat = "chat" / "Chat",
        Agenda = "agenda" / "Agenda",
        Notifications = "notifications" / "Notifications",
        Whiteboard = "whiteboard" / "Whiteboard",
        DocumentLibrary = "document_library" / "Document library",
        KvDatastore = "kv_datastore" / "KV datastore",
        CustomerBilling = "customer_billing" / "Customer billing",
    }
);

vocabulary!(
    /// The kinds of external system a space can connect.
    SystemKind {
        Crm = "crm" / "CRM",
        Ticketing = "ticketing" / "Ticketing",
        Backoffice = "backoffice" / "Backoffice",
        Workflow = "workflow" / "Workflow engine",
        ProductApi = "product_api" / "Product API",
        CustomerRecords = "customer_records" / "Customer records",
        InventoryOrders = "inventory_orders" / "Inventory / orders",
        Other = "other" / "Other",
    }
);

vocabulary!(
    /// A grant's access level, from least to most.
    Access {
        Denied = "denied" / "Denied",
        Read = "read" / "Read",
        Approval = "approval" / "Needs human approval",
        Write = "write" / "Write",
    }
);

vocabulary!(
    /// What a persona keeps between conversations.
    Continuity {
        Memory = "memory" / "Memory across sessions",
        Plans = "plans" / "Continuing plans",
        FollowUps = "follow_ups" / "Scheduled follow-ups",
        Identity = "identity" / "One identity across surfaces",
    }
);

/// Whether an action only reads or also changes something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Read,
    Write,
}

impl ActionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Read => "read",
            ActionKind::Write => "write",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "read" => Some(ActionKind::Read),
            "write" => Some(ActionKind::Write),
            _ => None,
        }
    }
}

/// Risk flags on an action. Any one of them makes the action "risky": its grants default
/// to `approval`, and only an admin with a written reason may lower them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskFlags {
    pub high_risk: bool,
    pub financial: bool,
    pub privileged: bool,
    pub irreversible: bool,
}

impl RiskFlags {
    pub fn any(self) -> bool {
        self.high_risk || self.financial || self.privileged || self.irreversible
    }

    pub fn labels(self) -> Vec<&'static str> {
        [
            (self.high_risk, "high-risk"),
            (self.financial, "financial"),
            (self.privileged, "privileged"),
            (self.irreversible, "irreversible"),
        ]
        .into_iter()
        .filter_map(|(on, label)| on.then_some(label))
        .collect()
    }
}

/// The environments every new space starts with.
pub const DEFAULT_ENVIRONMENTS: [&str; 3] = ["sandbox", "staging", "production"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vocabulary_round_trips() {
        for v in BuiltIn::ALL {
            assert_eq!(BuiltIn::parse(v.as_str()), Some(*v));
        }
        for v in Access::ALL {
            assert_eq!(Access::parse(v.as_str()), Some(*v));
        }
        assert_eq!(BuiltIn::ALL.len(), 7);
        assert_eq!(Access::parse("admin"), None);
    }

    #[test]
    fn access_levels_are_ordered_from_least_to_most() {
        assert!(Access::Denied < Access::Read);
        assert!(Access::Read < Access::Approval);
        assert!(Access::Approval < Access::Write);
    }

    #[test]
    fn any_flag_makes_an_action_risky() {
        assert!(!RiskFlags::default().any());
        assert!(
            RiskFlags {
                financial: true,
                ..Default::default()
            }
            .any()
        );
    }
}
