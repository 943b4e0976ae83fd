//! `/api/admin/*`: the admin console as JSON, behind `admin_gate`.

pub mod events;
pub mod users;

use serde::Serialize;

use crate::auth::{Profile, StoredEvent};
use crate::clock::rfc3339;

/// A user as the console's JSON gives them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AdminUserBody {
    id: String,
    name: String,
    email: String,
    created_at: String,
    last_sign_in_at: Option<String>,
    roles: Vec<String>,
    email_verified: bool,
    second_factor: SecondFactorBody,
    disabled: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SecondFactorBody {
    totp: bool,
    passkeys: u32,
    recovery_codes_left: u32,
}

impl From<&Profile> for AdminUserBody {
    fn from(user: &Profile) -> Self {
        AdminUserBody {
            id: user.id.clone(),
            name: user.name.clone(),
            email: user.email.clone(),
            created_at: rfc3339(user.created_at),
            last_sign_in_at: user.last_sign_in_at.map(rfc3339),
            roles: user.roles.clone(),
            email_verified: user.email_verified,
            second_factor: SecondFactorBody {
                totp: user.second_factor.totp,
                passkeys: user.second_factor.passkeys,
                recovery_codes_left: user.second_factor.recovery_codes_left,
            },
            disabled: user.disabled,
        }
    }
}

/// A stored event as JSON.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EventBody {
    id: i64,
    at: String,
    event: String,
    user_id: Option<String>,
    email: Option<String>,
    actor_id: Option<String>,
    address: Option<String>,
    device: Option<String>,
    detail: Option<String>,
    count: i64,
}

impl From<StoredEvent> for EventBody {
    fn from(event: StoredEvent) -> Self {
        EventBody {
            id: event.id,
            at: rfc3339(event.at),
            event: event.event,
            user_id: event.user_id,
            email: event.email,
            actor_id: event.actor_id,
            address: event.address,
            device: event.device,
            detail: event.detail,
            count: event.count,
        }
    }
}
