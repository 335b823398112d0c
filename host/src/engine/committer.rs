//! Group commit: every transition of this process goes through one task that
//! writes whatever has queued up in a single database transaction, then
//! answers each caller and publishes the events. A caller continues only after
//! its transition is committed, so the durability rule holds; batching only
//! amortises the commit.

use tokio::sync::{broadcast, mpsc, oneshot};

use crate::store::{NewEvent, Store, Transition};

/// Transitions written in one database transaction, at most.
pub const MAX_BATCH: usize = 256;

type Reply = oneshot::Sender<anyhow::Result<bool>>;

/// Handle to the commit task.
#[derive(Clone)]
pub struct Committer {
    sender: mpsc::Sender<(Transition, Reply)>,
}

impl Committer {
    /// Starts the commit task; events of committed transitions go to `events`.
    pub fn start(store: Store, events: broadcast::Sender<NewEvent>) -> Self {
        let (sender, receiver) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(store, receiver, events));
        Self { sender }
    }

    /// Commits `transition`; `Ok(false)` when its job's lease was lost.
    pub async fn commit(&self, transition: Transition) -> anyhow::Result<bool> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send((transition, reply))
            .await
            .map_err(|_| anyhow::anyhow!("the commit task has stopped"))?;
        answer
            .await
            .map_err(|_| anyhow::anyhow!("the commit task dropped a transition"))?
    }
}

async fn run(
    store: Store,
    mut receiver: mpsc::Receiver<(Transition, Reply)>,
    events: broadcast::Sender<NewEvent>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (transitions, replies): (Vec<Transition>, Vec<Reply>) = batch.drain(..).unzip();
        match store.commit_transitions(&transitions).await {
            Ok(applied) => finish(&transitions, replies, applied, &events),
            Err(error) if transitions.len() > 1 => {
                // One bad transition must not sink the others: retry one by one.
                tracing::warn!(%error, size = transitions.len(), "batch commit failed; committing one by one");
                for (transition, reply) in transitions.into_iter().zip(replies) {
                    let result = store
                        .commit_transitions(std::slice::from_ref(&transition))
                        .await;
                    match result {
                        Ok(applied) => finish(
                            std::slice::from_ref(&transition),
                            vec![reply],
                            applied,
                            &events,
                        ),
                        Err(e) => {
                            let _ = reply.send(Err(e));
                        }
                    }
                }
            }
            Err(error) => {
                for reply in replies {
                    let _ = reply.send(Err(anyhow::anyhow!("{error:#}")));
                }
            }
        }
    }
}

fn finish(
    transitions: &[Transition],
    replies: Vec<Reply>,
    applied: Vec<bool>,
    events: &broadcast::Sender<NewEvent>,
) {
    for ((transition, reply), applied) in transitions.iter().zip(replies).zip(applied) {
        if applied {
            for event in &transition.events {
                let _ = events.send(event.clone());
            }
        }
        let _ = reply.send(Ok(applied));
    }
}
