//! The call's media: one str0m `Rtc` driven by a tokio task that owns its UDP socket (the sans-IO engine gets
//! every packet, timeout and media write from here, and is drained after each), an encoder thread fed by
//! the camera service, an audio thread fed by the microphone, and a decoder thread for the clerk's video.
//!
//! The terminal makes the offer: H.264 and Opus only (what it can encode), send and receive, with its host
//! candidate in the SDP; the browser's candidates trickle in through the hub.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kiosk_api::call::IceCandidate;
use kiosk_drivers::camera::Frame;
use str0m::change::{SdpAnswer, SdpPendingOffer};
use str0m::format::Codec;
use str0m::media::{Direction, KeyframeRequestKind, MediaKind, MediaTime, Mid, Pt};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, IceConnectionState, Input, Output, Rtc, RtcConfig};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, watch};

use crate::audio::{AudioSink, AudioSource, OpusCoder, FRAME};
use crate::video::{RemoteFrame, VideoDecoder, VideoEncoder};
use crate::CallError;

/// What the call sends.
#[derive(Debug, Clone)]
pub struct MediaConfig {
    /// The address of this terminal's host candidate (the interface that faces the clerks).
    pub local_ip: IpAddr,
    /// Frames per second aimed at (EN 301 549 6.5: at least 20).
    pub fps: f32,
    pub bitrate_bps: u32,
    /// Frames wider than this are scaled down by a whole factor before encoding.
    pub max_width: usize,
}

impl Default for MediaConfig {
    fn default() -> Self {
        Self {
            local_ip: IpAddr::from([127, 0, 0, 1]),
            fps: 25.0,
            bitrate_bps: 1_000_000,
            max_width: 640,
        }
    }
}

/// The camera's newest frame; `keep` is held for the call's length (the camera streams while it lives).
pub struct VideoIn {
    pub frames: watch::Receiver<Option<Frame>>,
    pub keep: Box<dyn Send>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaEvent {
    /// ICE and DTLS are up: media flows.
    Connected,
    /// The peer is gone (ICE disconnected or the engine stopped).
    Disconnected,
}

/// What the call measured; read by the UI, the figures and the benchmarks.
#[derive(Default)]
pub struct MediaStats {
    pub frames_encoded: AtomicU64,
    pub video_bytes_sent: AtomicU64,
    pub frames_decoded: AtomicU64,
    pub audio_packets_sent: AtomicU64,
    pub audio_samples_played: AtomicU64,
    pub decode_errors: AtomicU64,
    started: Mutex<Option<Instant>>,
    connected_at: Mutex<Option<Instant>>,
    first_decoded_at: Mutex<Option<Instant>>,
    /// Capture (the frame reaching the encoder) to its last packet handed to the socket, per frame.
    capture_to_send: Mutex<Vec<Duration>>,
}

impl MediaStats {
    fn set_once(slot: &Mutex<Option<Instant>>) {
        let mut s = slot.lock().unwrap_or_else(|e| e.into_inner());
        if s.is_none() {
            *s = Some(Instant::now());
        }
    }

    fn get(slot: &Mutex<Option<Instant>>) -> Option<Instant> {
        *slot.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn started(&self) -> Option<Instant> {
        Self::get(&self.started)
    }

    pub fn connected_at(&self) -> Option<Instant> {
        Self::get(&self.connected_at)
    }

    pub fn first_decoded_at(&self) -> Option<Instant> {
        Self::get(&self.first_decoded_at)
    }

    /// The capture-to-send delays so far (the last 10 000).
    pub fn capture_to_send(&self) -> Vec<Duration> {
        self.capture_to_send
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn push_delay(&self, d: Duration) {
        let mut v = self
            .capture_to_send
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if v.len() >= 10_000 {
            v.remove(0);
        }
        v.push(d);
    }
}

enum Cmd {
    Answer(String),
    Candidate(IceCandidate),
    Video {
        data: Vec<u8>,
        captured: Instant,
    },
    Audio {
        data: Vec<u8>,
        rtp: MediaTime,
    },
    /// The decoder lost the picture: ask the clerk's browser for a keyframe.
    NeedKeyframe,
}

/// One running call's media. Dropping it stops everything.
pub struct Media {
    cmd: mpsc::UnboundedSender<Cmd>,
    pub events: mpsc::UnboundedReceiver<MediaEvent>,
    /// The clerk's video, newest frame.
    pub remote: watch::Receiver<Option<RemoteFrame>>,
    pub stats: Arc<MediaStats>,
    stop: Arc<AtomicBool>,
}

impl Drop for Media {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
    }
}

impl Media {
    /// Binds the socket, starts the threads and returns the engine with its SDP offer.
    pub async fn start(
        config: MediaConfig,
        video: Option<VideoIn>,
        microphone: Box<dyn AudioSource>,
        speaker: Box<dyn AudioSink>,
    ) -> Result<(Media, String), CallError> {
        let socket = UdpSocket::bind(SocketAddr::new(config.local_ip, 0))
            .await
            .map_err(|e| CallError::Socket(e.to_string()))?;
        let local = socket
            .local_addr()
            .map_err(|e| CallError::Socket(e.to_string()))?;
        let mut rtc = RtcConfig::new()
            .clear_codecs()
            .enable_h264(true)
            .enable_opus(true, false)
            .build(Instant::now());
        let candidate =
            Candidate::host(local, "udp").map_err(|e| CallError::Socket(e.to_string()))?;
        rtc.add_local_candidate(candidate);
        let mut api = rtc.sdp_api();
        let video_mid = api.add_media(
            MediaKind::Video,
            Direction::SendRecv,
            Some("kiosk".into()),
            Some("camera".into()),
            None,
        );
        let audio_mid = api.add_media(
            MediaKind::Audio,
            Direction::SendRecv,
            Some("kiosk".into()),
            Some("microphone".into()),
            None,
        );
        let (offer, pending) = api
            .apply()
            .ok_or_else(|| CallError::Sdp("no media to offer".into()))?;
        let offer = offer.to_sdp_string();

        let stats = Arc::new(MediaStats::default());
        MediaStats::set_once(&stats.started);
        let stop = Arc::new(AtomicBool::new(false));
        let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
        let (ev_tx, ev_rx) = mpsc::unbounded_channel();
        let (remote_tx, remote_rx) = watch::channel(None);
        let keyframe = Arc::new(AtomicBool::new(true));
        let connected = Arc::new(AtomicBool::new(false));

        if let Some(video) = video {
            spawn_encoder(
                &config,
                video,
                cmd_tx.clone(),
                keyframe.clone(),
                connected.clone(),
                stop.clone(),
            )?;
        }
        spawn_microphone(microphone, cmd_tx.clone(), connected.clone(), stop.clone())?;
        let decoder = spawn_decoder(remote_tx, cmd_tx.clone(), stop.clone(), stats.clone())?;

        let engine = Engine {
            rtc,
            socket,
            local,
            pending: Some(pending),
            video_mid,
            audio_mid,
            video_pt: None,
            audio_pt: None,
            events: ev_tx,
            keyframe,
            connected,
            decoder,
            speaker,
            opus: OpusCoder::new()?,
            stats: stats.clone(),
            stop: stop.clone(),
            epoch: Instant::now(),
        };
        tokio::spawn(engine.run(cmd_rx));
        Ok((
            Media {
                cmd: cmd_tx,
                events: ev_rx,
                remote: remote_rx,
                stats,
                stop,
            },
            offer,
        ))
    }

    /// The clerk's browser answered.
    pub fn answer(&self, sdp: String) {
        let _ = self.cmd.send(Cmd::Answer(sdp));
    }

    /// One of the browser's ICE candidates.
    pub fn remote_candidate(&self, c: IceCandidate) {
        let _ = self.cmd.send(Cmd::Candidate(c));
    }

    pub fn stop(&self) {
        self.stop.store(true, Ordering::Release);
    }
}

struct Engine {
    rtc: Rtc,
    socket: UdpSocket,
    local: SocketAddr,
    pending: Option<SdpPendingOffer>,
    video_mid: Mid,
    audio_mid: Mid,
    video_pt: Option<Pt>,
    audio_pt: Option<Pt>,
    events: mpsc::UnboundedSender<MediaEvent>,
    keyframe: Arc<AtomicBool>,
    connected: Arc<AtomicBool>,
    decoder: std::sync::mpsc::SyncSender<Vec<u8>>,
    speaker: Box<dyn AudioSink>,
    opus: OpusCoder,
    stats: Arc<MediaStats>,
    stop: Arc<AtomicBool>,
    epoch: Instant,
}

impl Engine {
    async fn run(mut self, mut cmds: mpsc::UnboundedReceiver<Cmd>) {
        let mut buf = vec![0u8; 2000];
        loop {
            let deadline = match self.drain().await {
                Ok(Some(t)) => t,
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "call media stopped");
                    break;
                }
            };
            if self.stop.load(Ordering::Acquire) {
                break;
            }
            // Wake at least every 100 ms to notice a stop.
            let wake = deadline.min(Instant::now() + Duration::from_millis(100));
            let result = tokio::select! {
                r = self.socket.recv_from(&mut buf) => match r {
                    Ok((n, source)) => match (&buf[..n]).try_into() {
                        Ok(contents) => self.rtc.handle_input(Input::Receive(
                            Instant::now(),
                            Receive { proto: Protocol::Udp, source, destination: self.local, contents },
                        )),
                        // Not STUN, DTLS, RTP or RTCP: someone else's packet on our port.
                        Err(_) => Ok(()),
                    },
                    Err(e) => {
                        tracing::debug!(error = %e, "call socket receive");
                        Ok(())
                    }
                },
                c = cmds.recv() => match c {
                    Some(c) => self.command(c).await,
                    None => break,
                },
                _ = tokio::time::sleep_until(wake.into()) => self.rtc.handle_input(Input::Timeout(Instant::now())),
            };
            if let Err(e) = result {
                // A bad packet or a refused candidate: the call goes on.
                tracing::debug!(error = %e, "call media input refused");
            }
        }
        self.connected.store(false, Ordering::Release);
        self.stop.store(true, Ordering::Release);
        self.rtc.disconnect();
        let _ = self.events.send(MediaEvent::Disconnected);
    }

    /// Drains the engine: sends what it has to send, hands out its events. The next deadline, or `None`
    /// when the call is over.
    async fn drain(&mut self) -> Result<Option<Instant>, str0m::RtcError> {
        loop {
            match self.rtc.poll_output()? {
                Output::Timeout(t) => return Ok(Some(t)),
                Output::Transmit(t) => {
                    if let Err(e) = self.socket.send_to(&t.contents, t.destination).await {
                        tracing::debug!(error = %e, "call socket send");
                    }
                }
                Output::Event(e) => {
                    if !self.event(e) {
                        return Ok(None);
                    }
                }
            }
        }
    }

    fn event(&mut self, e: Event) -> bool {
        match e {
            Event::Connected => {
                self.choose_payload_types();
                self.connected.store(true, Ordering::Release);
                self.keyframe.store(true, Ordering::Release);
                MediaStats::set_once(&self.stats.connected_at);
                let _ = self.events.send(MediaEvent::Connected);
            }
            Event::IceConnectionStateChange(IceConnectionState::Disconnected) => return false,
            Event::KeyframeRequest(_) => self.keyframe.store(true, Ordering::Release),
            Event::MediaData(d) if d.mid == self.video_mid => {
                // A full decoder queue drops the frame; the next keyframe repairs the picture.
                let _ = self.decoder.try_send(d.data.to_vec());
            }
            Event::MediaData(d) if d.mid == self.audio_mid => {
                if let Ok(pcm) = self.opus.decode(&d.data) {
                    self.stats
                        .audio_samples_played
                        .fetch_add(pcm.len() as u64, Ordering::Relaxed);
                    self.speaker.write(pcm);
                }
            }
            _ => {}
        }
        true
    }

    fn choose_payload_types(&mut self) {
        if let Some(w) = self.rtc.writer(self.video_mid) {
            let h264: Vec<_> = w
                .payload_params()
                .filter(|p| p.spec().codec == Codec::H264)
                .map(|p| (p.pt(), p.spec().format))
                .collect();
            // Constrained baseline with packetization mode 1 is what openh264 makes and every browser takes.
            self.video_pt = h264
                .iter()
                .find(|(_, f)| {
                    f.packetization_mode == Some(1)
                        && f.profile_level_id.is_some_and(|p| p >> 8 == 0x42e0)
                })
                .or_else(|| h264.iter().find(|(_, f)| f.packetization_mode == Some(1)))
                .map(|(pt, _)| *pt);
        }
        if let Some(w) = self.rtc.writer(self.audio_mid) {
            self.audio_pt = w
                .payload_params()
                .find(|p| p.spec().codec == Codec::Opus)
                .map(|p| p.pt());
        }
        if self.video_pt.is_none() {
            tracing::warn!("the clerk's browser took no H.264 the terminal can send");
        }
    }

    async fn command(&mut self, c: Cmd) -> Result<(), str0m::RtcError> {
        match c {
            Cmd::Answer(sdp) => {
                let Some(pending) = self.pending.take() else {
                    tracing::debug!("an answer without an offer pending");
                    return Ok(());
                };
                match SdpAnswer::from_sdp_string(&sdp) {
                    Ok(answer) => self.rtc.sdp_api().accept_answer(pending, answer)?,
                    Err(e) => tracing::warn!(error = %e, "the clerk's answer is not valid SDP"),
                }
            }
            Cmd::Candidate(c) => {
                let line = c.candidate.trim();
                if line.is_empty() {
                    return Ok(()); // end of candidates
                }
                match Candidate::from_sdp_string(line) {
                    Ok(c) => self.rtc.add_remote_candidate(c),
                    Err(e) => tracing::debug!(error = %e, "a remote candidate refused"),
                }
            }
            Cmd::Video { data, captured } => {
                let (Some(pt), true) = (self.video_pt, self.connected.load(Ordering::Acquire))
                else {
                    return Ok(());
                };
                let rtp = MediaTime::from_micros(
                    captured.saturating_duration_since(self.epoch).as_micros() as u64,
                )
                .rebase(str0m::media::Frequency::NINETY_KHZ);
                let n = data.len() as u64;
                if let Some(w) = self.rtc.writer(self.video_mid) {
                    w.write(pt, captured, rtp, data)?;
                }
                // Packets leave in the drain that follows; count the delay there.
                self.drain().await?;
                self.stats.push_delay(captured.elapsed());
                self.stats.frames_encoded.fetch_add(1, Ordering::Relaxed);
                self.stats.video_bytes_sent.fetch_add(n, Ordering::Relaxed);
            }
            Cmd::Audio { data, rtp } => {
                let (Some(pt), true) = (self.audio_pt, self.connected.load(Ordering::Acquire))
                else {
                    return Ok(());
                };
                if let Some(w) = self.rtc.writer(self.audio_mid) {
                    w.write(pt, Instant::now(), rtp, data)?;
                    self.stats
                        .audio_packets_sent
                        .fetch_add(1, Ordering::Relaxed);
                }
            }
            Cmd::NeedKeyframe => {
                if let Some(mut w) = self.rtc.writer(self.video_mid) {
                    let _ = w.request_keyframe(None, KeyframeRequestKind::Pli);
                }
            }
        }
        Ok(())
    }
}

/// The frame halved until it is at most `max_width` wide, cut to even sizes (H.264's 4:2:0 needs them).
pub fn fit(frame: &Frame, max_width: usize) -> (usize, usize, Vec<u8>) {
    let (w, h, px) = kiosk_drivers::camera::shrink(frame, max_width);
    let (ew, eh) = (w & !1, h & !1);
    if (ew, eh) == (w, h) {
        return (w, h, px);
    }
    let mut out = Vec::with_capacity(ew * eh * 3);
    for row in px.chunks_exact(w * 3).take(eh) {
        out.extend_from_slice(&row[..ew * 3]);
    }
    (ew, eh, out)
}

fn thread(name: &str, f: impl FnOnce() + Send + 'static) -> Result<(), CallError> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(f)
        .map(|_| ())
        .map_err(|e| CallError::Thread(e.to_string()))
}

fn spawn_encoder(
    config: &MediaConfig,
    mut video: VideoIn,
    cmds: mpsc::UnboundedSender<Cmd>,
    keyframe: Arc<AtomicBool>,
    connected: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
) -> Result<(), CallError> {
    let mut encoder = VideoEncoder::new(config.fps, config.bitrate_bps)?;
    let interval = Duration::from_secs_f32(1.0 / config.fps.max(1.0));
    let max_width = config.max_width;
    let handle = tokio::runtime::Handle::current();
    thread("call-video-encoder", move || {
        let _keep = video.keep;
        let mut last: Option<Instant> = None;
        while !stop.load(Ordering::Acquire) {
            let changed = handle.block_on(async {
                tokio::time::timeout(Duration::from_millis(200), video.frames.changed()).await
            });
            match changed {
                Ok(Ok(())) => {}
                Ok(Err(_)) => break, // the camera stopped
                Err(_) => continue,
            }
            let captured = Instant::now();
            if !connected.load(Ordering::Acquire) {
                continue;
            }
            // Keep to the frame rate aimed at: a faster camera has frames skipped.
            if last.is_some_and(|l| captured.duration_since(l) < interval.mul_f32(0.8)) {
                continue;
            }
            let Some(frame) = video.frames.borrow_and_update().clone() else {
                continue;
            };
            last = Some(captured);
            if keyframe.swap(false, Ordering::AcqRel) {
                encoder.request_keyframe();
            }
            let (w, h, rgb) = fit(&frame, max_width);
            match encoder.encode(w, h, &rgb) {
                Ok(data) if !data.is_empty() => {
                    if cmds.send(Cmd::Video { data, captured }).is_err() {
                        break;
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "a camera frame was not encoded");
                }
            }
        }
    })
}

fn spawn_microphone(
    mut microphone: Box<dyn AudioSource>,
    cmds: mpsc::UnboundedSender<Cmd>,
    connected: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
) -> Result<(), CallError> {
    let mut opus = OpusCoder::new()?;
    thread("call-microphone", move || {
        let mut frame = vec![0i16; FRAME];
        let mut samples: u64 = 0;
        while !stop.load(Ordering::Acquire) {
            if !microphone.read(&mut frame) {
                break;
            }
            samples += FRAME as u64;
            if !connected.load(Ordering::Acquire) {
                continue;
            }
            match opus.encode(&frame) {
                Ok(data) => {
                    let rtp = MediaTime::new(samples, str0m::media::Frequency::FORTY_EIGHT_KHZ);
                    if cmds.send(Cmd::Audio { data, rtp }).is_err() {
                        break;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "a microphone frame was not encoded"),
            }
        }
    })
}

fn spawn_decoder(
    remote: watch::Sender<Option<RemoteFrame>>,
    cmds: mpsc::UnboundedSender<Cmd>,
    stop: Arc<AtomicBool>,
    stats: Arc<MediaStats>,
) -> Result<std::sync::mpsc::SyncSender<Vec<u8>>, CallError> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(30);
    let mut decoder = VideoDecoder::new()?;
    thread("call-video-decoder", move || {
        while !stop.load(Ordering::Acquire) {
            let Ok(unit) = rx.recv_timeout(Duration::from_millis(200)) else {
                continue;
            };
            match decoder.decode(&unit) {
                Ok(Some(frame)) => {
                    stats.frames_decoded.fetch_add(1, Ordering::Relaxed);
                    MediaStats::set_once(&stats.first_decoded_at);
                    remote.send_replace(Some(frame));
                }
                Ok(None) => {}
                Err(e) => {
                    stats.decode_errors.fetch_add(1, Ordering::Relaxed);
                    tracing::debug!(error = %e, "the clerk's video: a frame lost");
                    let _ = cmds.send(Cmd::NeedKeyframe);
                }
            }
        }
    })?;
    Ok(tx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_scales_by_whole_factors_to_even_sizes() {
        let f = Frame {
            width: 1280,
            height: 720,
            seq: 0,
            at: Duration::ZERO,
            rgb: vec![200u8; 1280 * 720 * 3].into(),
        };
        let (w, h, rgb) = fit(&f, 640);
        assert_eq!((w, h), (640, 360));
        assert_eq!(rgb.len(), 640 * 360 * 3);
        assert!(rgb.iter().all(|&v| v == 200));
        let (w, h, _) = fit(&f, 1920);
        assert_eq!((w, h), (1280, 720));
        let odd = Frame {
            width: 641,
            height: 481,
            rgb: vec![9u8; 641 * 481 * 3].into(),
            ..f
        };
        let (w, h, rgb) = fit(&odd, 1920);
        assert_eq!((w, h, rgb.len()), (640, 480, 640 * 480 * 3));
    }
}
