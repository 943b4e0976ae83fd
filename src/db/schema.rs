// @generated automatically by Diesel CLI.

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        at -> BigInt,
        event -> Text,
        user_id -> Nullable<Text>,
        email -> Nullable<Text>,
        actor_id -> Nullable<Text>,
        address -> Nullable<Text>,
        device -> Nullable<Text>,
        detail -> Nullable<Text>,
        count -> BigInt,
    }
}

diesel::table! {
    email_links (token_hash) {
        token_hash -> Binary,
        user_id -> Text,
        purpose -> Text,
        email -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
    }
}

diesel::table! {
    known_devices (user_id, device, network) {
        user_id -> Text,
        device -> Text,
        network -> Text,
        last_seen_at -> BigInt,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> Text,
        kind -> Text,
        recipient -> Text,
        recipient_domain -> Text,
        requested_from -> Text,
        created_at -> BigInt,
        next_attempt_at -> BigInt,
        attempts -> Integer,
        give_up_at -> BigInt,
        claimed_until -> Nullable<BigInt>,
        subject -> Text,
    }
}

diesel::table! {
    backchannel_logouts (id) {
        id -> Text,
        client_id -> Text,
        user_id -> Text,
        session_id -> Text,
        created_at -> BigInt,
        next_attempt_at -> BigInt,
        attempts -> Integer,
        give_up_at -> BigInt,
        claimed_until -> Nullable<BigInt>,
    }
}

diesel::table! {
    oauth_clients (id) {
        id -> Text,
        name -> Text,
        secret_hash -> Nullable<Binary>,
        redirect_uris -> Text,
        post_logout_redirect_uris -> Text,
        backchannel_logout_uri -> Nullable<Text>,
        skip_consent -> Bool,
        id_token_alg -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    oauth_codes (code_hash) {
        code_hash -> Binary,
        client_id -> Text,
        user_id -> Text,
        redirect_uri -> Text,
        scope -> Text,
        nonce -> Nullable<Text>,
        code_challenge -> Nullable<Text>,
        auth_time -> BigInt,
        amr -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        used_at -> Nullable<BigInt>,
        session_id -> Nullable<Text>,
    }
}

diesel::table! {
    oauth_consents (user_id, client_id) {
        user_id -> Text,
        client_id -> Text,
        scope -> Text,
        granted_at -> BigInt,
    }
}

diesel::table! {
    passkeys (id) {
        id -> Text,
        user_id -> Text,
        name -> Text,
        credential -> Text,
        created_at -> BigInt,
        last_used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    password_resets (user_id) {
        user_id -> Text,
        token_hash -> Binary,
        created_at -> BigInt,
        expires_at -> BigInt,
    }
}

diesel::table! {
    recovery_codes (user_id, code_hash) {
        user_id -> Text,
        code_hash -> Binary,
        created_at -> BigInt,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Binary,
        session_id -> Text,
        generation -> BigInt,
        created_at -> BigInt,
        spent_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    sign_in_tickets (token_hash) {
        token_hash -> Binary,
        user_id -> Text,
        failures -> Integer,
        created_at -> BigInt,
        expires_at -> BigInt,
    }
}

diesel::table! {
    signing_keys (kid) {
        kid -> Text,
        private_key -> Nullable<Binary>,
        public_key -> Binary,
        created_at -> BigInt,
        retired_at -> Nullable<BigInt>,
        signs_from -> BigInt,
        revoked_at -> Nullable<BigInt>,
        alg -> Text,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        user_agent -> Nullable<Text>,
        generation -> BigInt,
        created_at -> BigInt,
        last_used_at -> BigInt,
        idle_expires_at -> BigInt,
        expires_at -> BigInt,
        revoked_at -> Nullable<BigInt>,
        amr -> Text,
        client_id -> Nullable<Text>,
        scope -> Nullable<Text>,
        auth_time -> Nullable<BigInt>,
        app_ends_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    sign_in_alerts (token_hash) {
        token_hash -> Binary,
        user_id -> Text,
        session_id -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
    }
}

diesel::table! {
    totp_secrets (user_id) {
        user_id -> Text,
        secret -> Binary,
        created_at -> BigInt,
        confirmed_at -> Nullable<BigInt>,
        last_step -> BigInt,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        name -> Text,
        email -> Text,
        password_hash -> Text,
        created_at -> BigInt,
        roles -> Text,
        email_verified -> Bool,
        totp_on -> Bool,
        passkey_count -> Integer,
        recovery_codes_left -> Integer,
        disabled_at -> Nullable<BigInt>,
        last_sign_in_at -> Nullable<BigInt>,
    }
}

diesel::joinable!(backchannel_logouts -> oauth_clients (client_id));
diesel::joinable!(email_links -> users (user_id));
diesel::joinable!(known_devices -> users (user_id));
diesel::joinable!(oauth_codes -> oauth_clients (client_id));
diesel::joinable!(oauth_codes -> users (user_id));
diesel::joinable!(oauth_consents -> oauth_clients (client_id));
diesel::joinable!(oauth_consents -> users (user_id));
diesel::joinable!(passkeys -> users (user_id));
diesel::joinable!(password_resets -> users (user_id));
diesel::joinable!(recovery_codes -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(sign_in_alerts -> users (user_id));
diesel::joinable!(sign_in_tickets -> users (user_id));
diesel::joinable!(totp_secrets -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    audit_events,
    backchannel_logouts,
    email_links,
    known_devices,
    mail_outbox,
    oauth_clients,
    oauth_codes,
    oauth_consents,
    passkeys,
    password_resets,
    recovery_codes,
    refresh_tokens,
    sessions,
    sign_in_alerts,
    sign_in_tickets,
    signing_keys,
    totp_secrets,
    users,
);
