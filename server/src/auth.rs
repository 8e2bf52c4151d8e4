//! Demo API keys and their roles. Keys are fixed so the README, the console's tests and a
//! person at the keyboard can all use them; a request's key is never logged.

use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    OrganizationOwner,
    ProjectAdmin,
    ProjectReadWrite,
    ProjectReadOnly,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Self::OrganizationOwner => "Organization Owner",
            Self::ProjectAdmin => "Project Admin",
            Self::ProjectReadWrite => "Project Read-Write",
            Self::ProjectReadOnly => "Project Read-Only",
        }
    }

    /// Create/restore/delete backups and set the policy: Organization Owner or Project Admin
    /// (docs/api-contract.md §7); Read-Write and Read-Only may only list and describe.
    pub fn can_manage_backups(self) -> bool {
        matches!(self, Self::OrganizationOwner | Self::ProjectAdmin)
    }
}

/// (key, short id used for rate-limit buckets, role)
pub const DEMO_KEYS: [(&str, &str, Role); 4] = [
    ("demo-owner-key", "owner", Role::OrganizationOwner),
    ("demo-admin-key", "admin", Role::ProjectAdmin),
    ("demo-readwrite-key", "readwrite", Role::ProjectReadWrite),
    ("demo-readonly-key", "readonly", Role::ProjectReadOnly),
];

/// Who is calling: put into the request's extensions by [`require_api_key`].
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    pub role: Role,
    /// Short id of the key (never the key itself): rate-limit bucket and test output.
    pub key_id: &'static str,
}

pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

pub fn caller_for(headers: &HeaderMap) -> Option<Caller> {
    let token = bearer_token(headers)?;
    DEMO_KEYS.iter().find(|(key, _, _)| *key == token).map(|&(_, key_id, role)| Caller { role, key_id })
}

/// Control plane: an unknown or missing key gets HTTP 401 with code 21119 (docs/api-contract.md §1.3).
pub async fn require_api_key(mut req: Request, next: Next) -> Response {
    match caller_for(req.headers()) {
        Some(caller) => {
            req.extensions_mut().insert(caller);
            next.run(req).await
        }
        None => ApiError::http(StatusCode::UNAUTHORIZED, 21119, "The apikey is illegal").into_response(),
    }
}

/// The 96015 permission error for operations that need Owner or Admin.
pub fn require_manage(caller: &Caller, cluster_id: &str) -> Result<(), ApiError> {
    if caller.role.can_manage_backups() {
        Ok(())
    } else {
        Err(ApiError::biz(
            96015,
            format!(
                "PermissionDenied: no permission on cluster {cluster_id}. This operation needs the Organization Owner or Project Admin role; this API key has {}.",
                caller.role.label()
            ),
        ))
    }
}
