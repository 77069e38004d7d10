//! What the runtime-token page receives. Never the secret, except once in `IssuedToken`.

use serde::{Deserialize, Serialize};

use super::{AppId, PersonaId, RuntimeScope, SpaceId, TokenId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenStatus {
    Active,
    /// Replaced by a rotation; works until its (shortened) expiry.
    Rotating,
    Expired,
    Revoked,
}

impl TokenStatus {
    pub fn label(self) -> &'static str {
        match self {
            TokenStatus::Active => "Active",
            TokenStatus::Rotating => "Rotated: in its grace period",
            TokenStatus::Expired => "Expired",
            TokenStatus::Revoked => "Revoked",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenView {
    pub id: TokenId,
    /// `psn_` and the first characters: enough to tell tokens apart, not to use one.
    pub prefix: String,
    pub name: String,
    pub scopes: Vec<RuntimeScope>,
    pub app: Option<(AppId, String)>,
    pub persona: Option<(PersonaId, String)>,
    pub created_by: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub expires_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
    pub status: TokenStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokensView {
    pub space_id: SpaceId,
    pub space_name: String,
    pub tokens: Vec<TokenView>,
    /// Whether the viewer may issue, rotate and revoke.
    pub can_manage: bool,
    /// Choices for narrowing a new token.
    pub apps: Vec<(AppId, String)>,
    pub personas: Vec<(PersonaId, String)>,
}

/// A token just issued: the only time its secret leaves the server.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedToken {
    pub id: TokenId,
    pub token: String,
    pub prefix: String,
    pub expires_at: String,
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedToken")
            .field("id", &self.id)
            .field("prefix", &self.prefix)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}
