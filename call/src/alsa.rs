//! The terminal's microphone and speaker through ALSA (cpal), 48 kHz mono. cpal's streams live on a thread of
//! their own (a stream need not be `Send`); the source and the sink talk to it through a channel and a short
//! buffer, so that a slow consumer drops old sound rather than letting the delay grow.

use crate::audio::{AudioError, AudioSink, AudioSource, SAMPLE_RATE};
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The most sound the speaker holds before it drops the oldest: 300 ms.
const SPEAKER_MAX: usize = SAMPLE_RATE as usize * 3 / 10;

/// Stops the device thread when the last of the source and the sink goes.
struct Keeper(Arc<AtomicBool>);

impl Drop for Keeper {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Release);
    }
}

pub struct AlsaMicrophone {
    rx: Receiver<Vec<i16>>,
    pending: VecDeque<i16>,
    _keep: Arc<Keeper>,
}

impl AudioSource for AlsaMicrophone {
    fn read(&mut self, frame: &mut [i16]) -> bool {
        while self.pending.len() < frame.len() {
            match self.rx.recv_timeout(Duration::from_secs(2)) {
                Ok(chunk) => self.pending.extend(chunk),
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                    tracing::warn!("the microphone stopped delivering sound");
                    return false;
                }
            }
        }
        for s in frame.iter_mut() {
            *s = self.pending.pop_front().unwrap_or(0);
        }
        true
    }
}

pub struct AlsaSpeaker {
    queue: Arc<Mutex<VecDeque<i16>>>,
    _keep: Arc<Keeper>,
}

impl AudioSink for AlsaSpeaker {
    fn write(&mut self, pcm: &[i16]) {
        let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        q.extend(pcm.iter().copied());
        let excess = q.len().saturating_sub(SPEAKER_MAX);
        q.drain(..excess);
    }
}

fn device_err(e: impl std::fmt::Display) -> AudioError {
    AudioError::Device(e.to_string())
}

/// Opens the default ALSA capture and playback devices (ALSA's `default` converts rate and channels).
pub fn open() -> Result<(AlsaMicrophone, AlsaSpeaker), AudioError> {
    let stop = Arc::new(AtomicBool::new(false));
    let (chunks_tx, chunks_rx) = std::sync::mpsc::sync_channel::<Vec<i16>>(50);
    let queue = Arc::new(Mutex::new(VecDeque::new()));
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<(), AudioError>>();
    let (stop_t, queue_t) = (stop.clone(), queue.clone());
    std::thread::Builder::new()
        .name("call-sound".into())
        .spawn(move || {
            let run = || -> Result<(cpal::Stream, cpal::Stream), AudioError> {
                let host = cpal::default_host();
                let config = cpal::StreamConfig {
                    channels: 1,
                    sample_rate: SAMPLE_RATE,
                    buffer_size: cpal::BufferSize::Default,
                };
                let input = host
                    .default_input_device()
                    .ok_or_else(|| AudioError::Device("no microphone".into()))?;
                let output = host
                    .default_output_device()
                    .ok_or_else(|| AudioError::Device("no speaker".into()))?;
                let mic = input
                    .build_input_stream::<i16, _, _>(
                        config,
                        move |data: &[i16], _| {
                            // A full channel (the call is not reading) drops the chunk: sound must not queue.
                            let _ = chunks_tx.try_send(data.to_vec());
                        },
                        |e| tracing::warn!(error = %e, "microphone"),
                        None,
                    )
                    .map_err(device_err)?;
                let speaker = output
                    .build_output_stream::<i16, _, _>(
                        config,
                        move |out: &mut [i16], _| {
                            let mut q = queue_t.lock().unwrap_or_else(|e| e.into_inner());
                            for s in out.iter_mut() {
                                *s = q.pop_front().unwrap_or(0);
                            }
                        },
                        |e| tracing::warn!(error = %e, "speaker"),
                        None,
                    )
                    .map_err(device_err)?;
                mic.play().map_err(device_err)?;
                speaker.play().map_err(device_err)?;
                Ok((mic, speaker))
            };
            match run() {
                Ok(streams) => {
                    let _ = ready_tx.send(Ok(()));
                    while !stop_t.load(Ordering::Acquire) {
                        std::thread::sleep(Duration::from_millis(100));
                    }
                    drop(streams);
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                }
            }
        })
        .map_err(device_err)?;
    ready_rx
        .recv_timeout(Duration::from_secs(5))
        .map_err(|_| AudioError::Device("the sound devices did not open".into()))??;
    let keep = Arc::new(Keeper(stop));
    Ok((
        AlsaMicrophone {
            rx: chunks_rx,
            pending: VecDeque::new(),
            _keep: keep.clone(),
        },
        AlsaSpeaker { queue, _keep: keep },
    ))
}
