//! The `types` interface has no functions; the host only has to acknowledge it.

use crate::runtime::RunState;
use crate::runtime::bindings::atlas::workflow::types;

impl types::Host for RunState {}
