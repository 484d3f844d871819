//! What every node of the image tree needs to render: where the image is, how it was named, and the page's
//! state. Shared by the tree's components, so none of them imports another for it.

use yew::prelude::*;

use crate::inspect_state::{InspectState, NodeKey, NodeState};

/// What every node needs to render.
#[derive(Clone, PartialEq)]
pub struct NodeContext {
    pub registry: String,
    pub repository: String,
    /// The reference as typed, for links.
    pub reference: String,
    pub state: UseReducerHandle<InspectState>,
}

impl NodeContext {
    /// The state of one node of the tree.
    pub fn node(&self, key: &NodeKey) -> Option<NodeState> {
        self.state.node(key).cloned()
    }
}
