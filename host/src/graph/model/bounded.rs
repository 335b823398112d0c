//! Deserialising node and edge lists with a size cap, so an oversized document
//! is rejected as soon as the cap is passed instead of after reading all of it.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};

use super::{Edge, Node};
use crate::graph::limits::{MAX_EDGES, MAX_NODES};

/// Reads the `nodes` list, failing on its `MAX_NODES + 1`-th element.
pub(super) fn nodes<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Node>, D::Error> {
    deserializer.deserialize_seq(BoundedList::new("nodes", MAX_NODES))
}

/// Reads the `edges` list, failing on its `MAX_EDGES + 1`-th element.
pub(super) fn edges<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Edge>, D::Error> {
    deserializer.deserialize_seq(BoundedList::new("edges", MAX_EDGES))
}

struct BoundedList<T> {
    what: &'static str,
    max: usize,
    element: PhantomData<T>,
}

impl<T> BoundedList<T> {
    fn new(what: &'static str, max: usize) -> Self {
        Self {
            what,
            max,
            element: PhantomData,
        }
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for BoundedList<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a list of at most {} {}", self.max, self.what)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(self.max));
        while let Some(item) = seq.next_element()? {
            if items.len() == self.max {
                return Err(de::Error::custom(format!(
                    "too many {what}: a workflow may have at most {max} {what}",
                    what = self.what,
                    max = self.max
                )));
            }
            items.push(item);
        }
        Ok(items)
    }
}
