//! The actions each built-in surface exposes. Known to the system, not stored per tenant
//! until a space enables the surface (then copied, so grants can name them).

use crate::types::{ActionKind, BuiltIn, RiskFlags};

pub struct BuiltInAction {
    pub name: &'static str,
    pub kind: ActionKind,
    pub risk: RiskFlags,
}

const fn read(name: &'static str) -> BuiltInAction {
    BuiltInAction {
        name,
        kind: ActionKind::Read,
        risk: RiskFlags {
            high_risk: false,
            financial: false,
            privileged: false,
            irreversible: false,
        },
    }
}

const fn write(name: &'static str, financial: bool, irreversible: bool) -> BuiltInAction {
    BuiltInAction {
        name,
        kind: ActionKind::Write,
        risk: RiskFlags {
            high_risk: false,
            financial,
            privileged: false,
            irreversible,
        },
    }
}

pub fn actions(builtin: BuiltIn) -> &'static [BuiltInAction] {
    const CHAT: &[BuiltInAction] = &[read("read_messages"), write("send_message", false, false)];
    const AGENDA: &[BuiltInAction] = &[
        read("read_agenda"),
        write("schedule_follow_up", false, false),
    ];
    const NOTIFICATIONS: &[BuiltInAction] = &[write("send_notification", false, false)];
    const WHITEBOARD: &[BuiltInAction] = &[read("read_board"), write("edit_board", false, false)];
    const DOCUMENTS: &[BuiltInAction] = &[
        read("read_document"),
        write("write_document", false, false),
        write("delete_document", false, true),
    ];
    const KV: &[BuiltInAction] = &[read("read_value"), write("write_value", false, false)];
    const BILLING: &[BuiltInAction] = &[
        read("read_account"),
        write("top_up", true, false),
        write("change_subscription", true, false),
        write("refund", true, true),
    ];
    match builtin {
        BuiltIn::Chat => CHAT,
        BuiltIn::Agenda => AGENDA,
        BuiltIn::Notifications => NOTIFICATIONS,
        BuiltIn::Whiteboard => WHITEBOARD,
        BuiltIn::DocumentLibrary => DOCUMENTS,
        BuiltIn::KvDatastore => KV,
        BuiltIn::CustomerBilling => BILLING,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_exposes_actions_and_money_moves_are_risky() {
        for b in BuiltIn::ALL {
            assert!(!actions(*b).is_empty(), "{b:?}");
        }
        for a in actions(BuiltIn::CustomerBilling) {
            assert_eq!(a.kind == ActionKind::Write, a.risk.any(), "{}", a.name);
        }
    }
}
