//! Workflow templates: ready-made fitness workflows shipped as versioned JSON
//! in the repository's `templates/` folder and compiled into the binary.
//!
//! A template is a workflow document plus what a gym should look at before
//! using it: the review settings (sender addresses, numbers, copy), each
//! pointing at the node fields it fills. Creating a workflow from a template
//! copies the document, applies the values given for review settings and saves
//! it as a new draft.

mod instantiate;
mod library;

pub use instantiate::{InstantiateError, instantiate};
pub use library::{
    RequiredAction, ReviewSetting, ReviewSummary, Template, TemplateSummary, library, template,
};
