//! A queue for a device that does one job at a time (the printers): callers hand in a job and await its outcome;
//! the device's service takes the jobs in order.

use crate::error::DeviceError;
use tokio::sync::mpsc::{channel, Receiver, Sender};
use tokio::sync::oneshot;

/// Where a job's outcome goes.
pub type Reply<R> = oneshot::Sender<Result<R, DeviceError>>;

/// The service's side of the queue: each job with where its outcome goes.
pub type Jobs<J, R> = Receiver<(J, Reply<R>)>;

/// The callers' side of the queue.
pub struct JobHandle<J, R>(Sender<(J, Reply<R>)>);

impl<J, R> Clone for JobHandle<J, R> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<J, R> JobHandle<J, R> {
    /// Queues `job` and waits for its outcome; `Cancelled` when the service has stopped.
    pub async fn print(&self, job: J) -> Result<R, DeviceError> {
        let (tx, rx) = oneshot::channel();
        self.0
            .send((job, tx))
            .await
            .map_err(|_| DeviceError::Cancelled)?;
        rx.await.map_err(|_| DeviceError::Cancelled)?
    }
}

/// A queue of at most `depth` waiting jobs: the handle and the service's end.
pub fn queue<J, R>(depth: usize) -> (JobHandle<J, R>, Jobs<J, R>) {
    let (tx, rx) = channel(depth);
    (JobHandle(tx), rx)
}
