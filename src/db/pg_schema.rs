//! The tables only PostgreSQL has (see migrations/postgres): what instances
//! share that a SQLite server keeps in a file or in memory.

diesel::table! {
    secrets (name) {
        name -> Text,
        value -> Binary,
    }
}

diesel::table! {
    rate_limits (key) {
        key -> BigInt,
        tat -> BigInt,
    }
}
