//! Typed ids: a `SpaceId` can never be passed where a `PersonaId` is expected.
//! Ids are UUIDv7 strings (time-ordered, so indexes stay compact).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! typed_id {
    ($($name:ident),* $(,)?) => {$(
        /// Deserializing checks the shape too: an id from a request is a UUID or a
        /// refusal, never arbitrary text sent on to a query.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl TryFrom<String> for $name {
            type Error = uuid::Error;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                value.parse()
            }
        }

        impl $name {
            /// A fresh id (server only: ids are minted where rows are written).
            #[cfg(feature = "ssr")]
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7().to_string())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Wraps a value read back from our own database.
            pub fn from_db(value: String) -> Self {
                Self(value)
            }
        }

        #[cfg(feature = "ssr")]
        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// Parsing checks the shape, so input from a URL or a form is never trusted as-is.
        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s).map(|u| Self(u.hyphenated().to_string()))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    )*};
}

typed_id!(
    TenantId,
    UserId,
    SpaceId,
    PersonaId,
    AppId,
    CapabilityId,
    GrantId,
    TeamId,
    EnvironmentId,
    TokenId,
    ApprovalId,
    KillSwitchId,
    PromotionId,
    EvaluationId,
    ShareId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing_rejects_garbage_and_normalises_case() {
        assert!("not-a-uuid".parse::<SpaceId>().is_err());
        assert!("".parse::<SpaceId>().is_err());
        let id: SpaceId = "0192F0C4-1C2B-7D3E-8F00-0123456789AB"
            .parse()
            .unwrap_or_else(|e| panic!("valid uuid rejected: {e}"));
        assert_eq!(id.as_str(), "0192f0c4-1c2b-7d3e-8f00-0123456789ab");
    }

    #[test]
    fn deserializing_refuses_what_is_not_a_uuid() {
        assert!(serde_json::from_str::<SpaceId>("\"a\\u0000b\"").is_err());
        assert!(serde_json::from_str::<SpaceId>("\"not-an-id\"").is_err());
        let id: SpaceId = serde_json::from_str("\"0192F0C4-1C2B-7D3E-8F00-0123456789AB\"")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            serde_json::to_string(&id).ok().as_deref(),
            Some("\"0192f0c4-1c2b-7d3e-8f00-0123456789ab\"")
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn fresh_ids_are_distinct_and_round_trip() {
        let a = PersonaId::new();
        let b = PersonaId::new();
        assert_ne!(a, b);
        assert_eq!(a.as_str().parse::<PersonaId>().ok(), Some(a));
    }
}
