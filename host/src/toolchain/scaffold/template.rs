//! Filling a template: `{{name}}`, `{{id}}` and `{{sdk_path}}` are replaced.

use super::ScaffoldOptions;

/// `template` with its placeholders replaced by `options`' values and
/// `sdk_path` (the Rust project's dependency path; empty for Python).
pub(super) fn render(template: &str, options: &ScaffoldOptions, sdk_path: &str) -> String {
    template
        .replace("{{name}}", &options.name)
        .replace("{{id}}", &options.id)
        .replace("{{sdk_path}}", sdk_path)
}
