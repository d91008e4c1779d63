//! The service policy: under CI a missing service fails; elsewhere it skips
//! and is logged for `make test`'s last line.
mod services;

#[test]
fn ci_requires_services() {
    assert!(services::policy(Some("true"), None));
    assert!(services::policy(Some("TRUE"), None));
    assert!(services::policy(None, Some("1")));
    assert!(services::policy(Some("false"), Some("1")));
    assert!(!services::policy(None, None));
    assert!(!services::policy(Some("false"), None));
    assert!(!services::policy(None, Some("0")));
}

#[test]
fn a_missing_service_fails_when_required_and_is_logged_when_not() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("skipped.log");
    let failed = std::panic::catch_unwind(|| {
        services::missing_with(true, Some(&log), "PostgreSQL", "start it")
    });
    let message = failed.unwrap_err();
    let message = message.downcast_ref::<String>().unwrap();
    assert!(
        message.contains("PostgreSQL is missing") && message.contains("CI=true"),
        "{message}"
    );
    assert!(!log.exists());
    services::missing_with(false, Some(&log), "PostgreSQL", "start it");
    services::missing_with(false, Some(&log), "Chromium", "install it");
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "PostgreSQL\nChromium\n"
    );
}

#[test]
fn programs_are_found_on_path() {
    assert!(services::program("sh").is_some_and(|p| p.is_absolute()));
    assert_eq!(services::program("nerpipe-no-such-program"), None);
}
