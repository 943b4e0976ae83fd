use super::*;

#[test]
fn sqlite_urls_name_a_file_and_what_goes_beside_it() {
    for url in ["data/x.db", "sqlite://data/x.db", "sqlite:data/x.db"] {
        assert_eq!(Database::parse(url), Ok(Database::sqlite("data/x.db")));
    }
    let Database::Sqlite(file) = Database::sqlite("data/x.db") else {
        unreachable!()
    };
    assert_eq!(file.secrets_path(), PathBuf::from("data/x.db.secrets"));
}

#[test]
fn postgres_urls_select_postgres_and_never_show_their_password() {
    for url in [
        "postgres://sesame:s3cret@db.internal:5432/sesame",
        "postgresql://sesame:s3cret@db.internal/sesame?sslmode=require&password=s3cret",
    ] {
        let Ok(Database::Postgres(parsed)) = Database::parse(url) else {
            panic!("{url} is PostgreSQL");
        };
        assert_eq!(parsed.expose(), url);
        for shown in [parsed.to_string(), format!("{parsed:?}")] {
            assert!(!shown.contains("s3cret"), "{shown}");
            assert!(shown.contains("db.internal"), "{shown}");
        }
    }
}

#[test]
fn messages_about_a_postgres_url_show_no_piece_of_its_password() {
    for (url, message) in [
        (
            "postgres://u:s3cret%zz@h/db",
            "invalid percent-encoded token: \"s3cret%zz\"",
        ),
        ("postgres://u:s3c%2Fret@h/db", "password s3c/ret refused"),
        (
            "postgres://u:s3c/ret@h/db",
            "invalid integer value \"s3c\" for port",
        ),
        ("postgres://u@h/db?password=s3cret&x=1", "password=s3cret"),
    ] {
        let Ok(Database::Postgres(parsed)) = Database::parse(url) else {
            panic!("{url} is PostgreSQL");
        };
        let shown = parsed.hide_password(message);
        assert!(!shown.contains("s3c") && !shown.contains("ret"), "{shown}");
        assert!(shown.contains("***"), "{shown}");
    }
}

#[test]
fn other_schemes_are_refused_without_quoting_the_url() {
    for url in [
        "postgress://user:s3cret@h/db",
        "mysql://user:s3cret@h/db",
        "http://x",
        "postgres:data.db",
    ] {
        let refused = Database::parse(url).unwrap_err();
        assert!(!refused.contains("s3cret"), "{refused}");
    }
    assert!(Database::parse("postgress://h/db")
        .unwrap_err()
        .starts_with("postgress://"));
}

#[test]
fn uris_postgres_and_nothing_are_refused_clearly() {
    for url in [
        "file:x.db?mode=ro",
        "postgres://",
        "",
        "sqlite://",
        ":memory:",
        "sqlite::memory:",
    ] {
        assert!(Database::parse(url).is_err(), "{url}");
    }
}
