// @generated automatically by Diesel CLI.

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
    password_resets (user_id) {
        user_id -> Text,
        token_hash -> Binary,
        created_at -> BigInt,
        expires_at -> BigInt,
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
    signing_keys (kid) {
        kid -> Text,
        private_key -> Nullable<Binary>,
        public_key -> Binary,
        created_at -> BigInt,
        retired_at -> Nullable<BigInt>,
        signs_from -> BigInt,
        revoked_at -> Nullable<BigInt>,
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
    users (id) {
        id -> Text,
        name -> Text,
        email -> Text,
        password_hash -> Text,
        created_at -> BigInt,
        roles -> Text,
        email_verified -> Bool,
    }
}

diesel::joinable!(email_links -> users (user_id));
diesel::joinable!(known_devices -> users (user_id));
diesel::joinable!(password_resets -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(sign_in_alerts -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    email_links,
    known_devices,
    mail_outbox,
    password_resets,
    refresh_tokens,
    sessions,
    sign_in_alerts,
    signing_keys,
    users,
);
