//! The Python project: an `app.py` for componentize-py.

use super::ScaffoldOptions;
use super::template::render;

const APP_PY: &str = include_str!("templates/python/app.py.tmpl");
const TESTS: &str = include_str!("templates/python/atlas-tests.json.tmpl");
const README: &str = include_str!("templates/python/README.md.tmpl");
const GITIGNORE: &str = include_str!("templates/python/gitignore.tmpl");

/// The files of the project, by path relative to its directory.
pub(super) fn files(options: &ScaffoldOptions) -> Vec<(&'static str, String)> {
    vec![
        ("app.py", render(APP_PY, options, "")),
        ("atlas-tests.json", render(TESTS, options, "")),
        ("README.md", render(README, options, "")),
        (".gitignore", render(GITIGNORE, options, "")),
    ]
}
