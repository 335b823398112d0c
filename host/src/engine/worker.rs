//! The worker loop: claim due jobs, run them concurrently, renew leases while
//! they run, sleep until the next timer or a wake-up. On PostgreSQL idle
//! workers also wake on `LISTEN atlas_jobs`, which every new job notifies.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::Engine;
use crate::store::Pool;

/// A running worker; stop it with [`WorkerHandle::shutdown`].
pub struct WorkerHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl WorkerHandle {
    /// Stops claiming, waits for in-flight jobs, releases leases.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

impl Engine {
    /// Starts this process's worker.
    pub fn spawn_worker(&self) -> WorkerHandle {
        let (stop, stopped) = watch::channel(false);
        let engine = self.clone();
        let task = tokio::spawn(async move { engine.work(stopped).await });
        WorkerHandle { stop, task }
    }

    async fn work(self, mut stopped: watch::Receiver<bool>) {
        let inner = self.inner.clone();
        let lease = inner.config.lease.as_millis() as i64;
        let heartbeat = {
            let engine = self.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(engine.inner.config.lease / 3);
                loop {
                    tick.tick().await;
                    let now = engine.now();
                    if let Err(e) = engine
                        .inner
                        .store
                        .renew_leases(&engine.inner.config.worker_id, now, now + lease)
                        .await
                    {
                        tracing::warn!(error = %e, "renewing leases failed");
                    }
                }
            })
        };
        let listener = self.listen_for_jobs();
        let slots = inner.slots.clone();
        let _ = inner.local_worker.set(());
        loop {
            if *stopped.borrow() {
                break;
            }
            let free = slots.available_permits();
            if free > 0 {
                let now = self.now();
                match inner
                    .store
                    .claim_jobs(&inner.config.worker_id, now, now + lease, free as i64)
                    .await
                {
                    Ok(jobs) if !jobs.is_empty() => {
                        for job in jobs {
                            let Ok(permit) = slots.clone().acquire_owned().await else {
                                break;
                            };
                            let engine = self.clone();
                            tokio::spawn(async move {
                                let execution = job.execution_id.clone();
                                if let Err(e) = engine.run_job(job, None).await {
                                    tracing::error!(%execution, error = %format!("{e:#}"), "job failed; it runs again when its lease expires");
                                }
                                drop(permit);
                            });
                        }
                        continue;
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %format!("{e:#}"), "claiming jobs failed"),
                }
            }
            if let Err(e) = self.fire_due_schedules().await {
                tracing::warn!(error = %format!("{e:#}"), "firing schedules failed");
            }
            let sleep = self.idle_sleep(free > 0).await;
            tokio::select! {
                _ = inner.wake.notified() => {}
                _ = tokio::time::sleep(sleep) => {}
                _ = slots.acquire(), if free == 0 => {}
                _ = stopped.changed() => {}
            }
        }
        let _ = slots.acquire_many(inner.config.max_in_flight as u32).await;
        heartbeat.abort();
        if let Some(listener) = listener {
            listener.abort();
        }
        if let Err(e) = inner.store.release_leases(&inner.config.worker_id).await {
            tracing::warn!(error = %e, "releasing leases failed");
        }
    }

    /// How long to sleep when nothing was claimable: until the next timer, at
    /// most the poll interval.
    async fn idle_sleep(&self, had_room: bool) -> Duration {
        let poll = self.inner.config.poll_interval;
        if !had_room {
            return poll;
        }
        let now = self.now();
        match self.inner.store.next_job_due(now).await {
            Ok(Some(due)) => {
                Duration::from_millis((due - now).clamp(1, poll.as_millis() as i64) as u64)
            }
            _ => poll,
        }
    }

    /// On PostgreSQL, wakes this worker when any process enqueues a job.
    fn listen_for_jobs(&self) -> Option<JoinHandle<()>> {
        let Pool::Postgres(pool) = self.inner.store.pool().clone() else {
            return None;
        };
        let engine = self.clone();
        Some(tokio::spawn(async move {
            loop {
                match sqlx::postgres::PgListener::connect_with(&pool).await {
                    Ok(mut listener) => {
                        if listener.listen("atlas_jobs").await.is_ok() {
                            while listener.recv().await.is_ok() {
                                engine.inner.wake.notify_waiters();
                            }
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "LISTEN atlas_jobs failed"),
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }))
    }
}
