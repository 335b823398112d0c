//! A node of the workflow graph and its kinds.

use serde::{Deserialize, Serialize};

use super::config::{
    AbSplitConfig, ActionConfig, DelayConfig, ExitConfig, GoalConfig, GotoConfig, IfElseConfig,
    SwitchConfig, TriggerConfig, WaitForEventConfig, WaitUntilConfig,
};

/// One node: `{"id": "n1", "kind": "delay", "position": {...}, "config": {...}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Unique node id: 1 to 64 characters from `[A-Za-z0-9_-]`.
    pub id: String,
    /// Where the builder draws the node.
    pub position: Position,
    /// What the node does, with its config.
    pub kind: NodeKind,
}

/// A node's place on the builder canvas.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    /// Horizontal coordinate.
    pub x: f64,
    /// Vertical coordinate.
    pub y: f64,
}

/// What a node does; serialised as `"kind"` plus `"config"`.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// Starts executions when an event happens.
    Trigger(TriggerConfig),
    /// Runs a plugin.
    Action(ActionConfig),
    /// Branches on a condition.
    IfElse(IfElseConfig),
    /// Branches on the first matching case.
    Switch(SwitchConfig),
    /// Waits a fixed time.
    Delay(DelayConfig),
    /// Waits for business hours or a date-time.
    WaitUntil(WaitUntilConfig),
    /// Waits for an event, up to a timeout.
    WaitForEvent(WaitForEventConfig),
    /// Sends each contact down one weighted path, stickily.
    AbSplit(AbSplitConfig),
    /// Where executions jump when a goal event happens.
    Goal(GoalConfig),
    /// Continues at another node.
    Goto(GotoConfig),
    /// Ends the execution.
    Exit(ExitConfig),
}

impl NodeKind {
    /// The kind's name as written in documents (`trigger`, `if_else`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Trigger(_) => "trigger",
            Self::Action(_) => "action",
            Self::IfElse(_) => "if_else",
            Self::Switch(_) => "switch",
            Self::Delay(_) => "delay",
            Self::WaitUntil(_) => "wait_until",
            Self::WaitForEvent(_) => "wait_for_event",
            Self::AbSplit(_) => "ab_split",
            Self::Goal(_) => "goal",
            Self::Goto(_) => "goto",
            Self::Exit(_) => "exit",
        }
    }

    /// Whether an execution parks here until a time or an event: the only
    /// nodes allowed to break a loop.
    pub fn waits(&self) -> bool {
        matches!(
            self,
            Self::Delay(_) | Self::WaitUntil(_) | Self::WaitForEvent(_)
        )
    }
}
