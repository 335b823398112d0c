//! The parsed form of a template.

use std::fmt;

use serde_json::Value;

use super::filters::Filter;

/// One piece of a template, in source order.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Part {
    /// Literal text (escapes already resolved).
    Text(String),
    /// A `{{ … }}` expression.
    Expression(Expression),
}

/// A `{{ operand | filter | … }}` expression.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Expression {
    pub operand: Operand,
    pub filters: Vec<FilterCall>,
}

/// What an expression starts from.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Operand {
    /// A variable read from the scope.
    Variable(VariablePath),
    /// A quoted string or a number written in the template.
    Literal(Value),
}

/// A filter applied in an expression, with its position for error messages.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct FilterCall {
    pub filter: Filter,
    pub offset: usize,
}

/// A variable reference such as `steps.send_sms.output.messages[0].id`: a root
/// name, then `.field` and `[index]` steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariablePath {
    pub(super) segments: Vec<PathSegment>,
    pub(super) offset: usize,
}

/// One step of a [`VariablePath`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// `.name` (or the root name).
    Key(String),
    /// `[index]` into a list.
    Index(usize),
}

impl VariablePath {
    /// The path's steps, starting with the root name.
    pub fn segments(&self) -> &[PathSegment] {
        &self.segments
    }

    /// The key at position `index`, if that step is a `.name`.
    pub fn key(&self, index: usize) -> Option<&str> {
        match self.segments.get(index) {
            Some(PathSegment::Key(key)) => Some(key),
            _ => None,
        }
    }

    /// The root name (`contact`, `trigger`, `steps`, …).
    pub fn root(&self) -> &str {
        self.key(0).unwrap_or_default()
    }

    /// Byte offset of the path in the template source.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The value this path points at in `scope`, if it exists.
    pub fn lookup<'v>(&self, scope: &'v Value) -> Option<&'v Value> {
        self.segments
            .iter()
            .try_fold(scope, |value, segment| match segment {
                PathSegment::Key(key) => value.get(key.as_str()),
                PathSegment::Index(index) => value.get(*index),
            })
    }
}

impl fmt::Display for VariablePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, segment) in self.segments.iter().enumerate() {
            match segment {
                PathSegment::Key(key) if position == 0 => f.write_str(key)?,
                PathSegment::Key(key) => write!(f, ".{key}")?,
                PathSegment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}
