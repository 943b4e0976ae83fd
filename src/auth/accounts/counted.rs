//! Each sign-in's outcome as the metrics label it (`sesame_sign_ins_total`'s
//! `result`): a pure function of what the sign-in returned, so every way in
//! (password, passkey, second step) is counted alike, in one place.

use super::steps::LoginStep;
use crate::error::AppError;

/// The `result` label of a finished sign-in step.
pub(super) fn result_of<T>(outcome: &Result<T, AppError>) -> &'static str {
    match outcome {
        Ok(_) => "success",
        Err(error) => refused_as(error),
    }
}

/// `result_of` for a password sign-in, where a right password may only
/// lead to the second step.
pub(super) fn login_result(outcome: &Result<LoginStep, AppError>) -> &'static str {
    match outcome {
        Ok(LoginStep::SecondFactor(_)) => "second_factor_asked",
        other => result_of(other),
    }
}

fn refused_as(error: &AppError) -> &'static str {
    match error {
        AppError::InvalidCredentials
        | AppError::InvalidPasskey
        | AppError::InvalidCode
        | AppError::InvalidTicket => "failure",
        AppError::TooManyAttempts { .. } => "limited",
        AppError::EmailNotVerified { .. } => "unverified",
        AppError::AccountDisabled => "disabled",
        AppError::Busy => "busy",
        _ => "error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_password_is_a_failure_and_a_limit_is_limited() {
        let wrong: Result<(), AppError> = Err(AppError::InvalidCredentials);
        assert_eq!(result_of(&wrong), "failure");
        let limited: Result<(), AppError> = Err(AppError::TooManyAttempts {
            retry_after: std::time::Duration::from_secs(1),
        });
        assert_eq!(result_of(&limited), "limited");
        assert_eq!(result_of(&Ok::<(), AppError>(())), "success");
        let disabled: Result<(), AppError> = Err(AppError::AccountDisabled);
        assert_eq!(result_of(&disabled), "disabled");
    }
}
