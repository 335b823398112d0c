//! Text inputs that must not be blank.

use atlas_sdk::ActionError;

/// `value` trimmed; blank is an invalid-input error naming the `field`.
pub fn required<'a>(field: &str, value: &'a str) -> Result<&'a str, ActionError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ActionError::invalid_input(format!(
            "{field} must not be empty"
        )));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_refuses_blank() {
        assert_eq!(required("tag", "  vip "), Ok("vip"));
        assert_eq!(
            required("tag", " \n"),
            Err(ActionError::invalid_input("tag must not be empty"))
        );
    }
}
