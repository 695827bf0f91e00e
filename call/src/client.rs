//! One call as the kiosk runs it: a task that holds the signalling WebSocket to the hub and the media engine.
//! The kiosk sends [`CallCommand`]s and hears [`CallEvent`]s; it never sees SDP or candidates.
//!
//! A dropped WebSocket is re-opened with `resume` (the hub keeps the call and its clerk for a minute), and
//! the media are offered anew; the resident's form lives in the session, not here, so nothing is lost.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use kiosk_api::call::{
    CallResident, FromTerminal, Outcome, ToTerminal, MAX_MESSAGE, NO_ANSWER_SECS,
};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

use crate::audio::{AudioSink, AudioSource};
use crate::media::{Media, MediaConfig, MediaEvent, MediaStats, VideoIn};
use crate::video::RemoteFrame;

/// Where and who: the hub's signalling URL (`ws://…/api/v1/call/ws`) and this terminal's token.
pub struct CallSetup {
    pub url: String,
    pub token: String,
    pub media: MediaConfig,
    pub resident: Option<CallResident>,
    pub item_code: Option<String>,
    pub language: String,
    pub elder: bool,
    /// How long the resident waits before being offered a call-back ([`NO_ANSWER_SECS`] by default).
    pub no_answer_after: Duration,
}

/// Opens the camera for the call (the camera service streams while the returned value lives).
pub type VideoOpener = Box<dyn FnMut() -> Option<VideoIn> + Send>;
/// Opens the microphone and the speaker.
pub type AudioOpener = Box<dyn FnMut() -> (Box<dyn AudioSource>, Box<dyn AudioSink>) + Send>;

pub use kiosk_api::call::{CallCommand, CallEvent};

/// A running call. Dropping it hangs up.
pub struct Call {
    commands: mpsc::UnboundedSender<CallCommand>,
    pub events: mpsc::UnboundedReceiver<CallEvent>,
    /// The clerk's video, newest frame.
    pub remote: watch::Receiver<Option<RemoteFrame>>,
    stats: Arc<Mutex<Option<Arc<MediaStats>>>>,
}

impl Call {
    pub fn start(setup: CallSetup, video: VideoOpener, audio: AudioOpener) -> Call {
        let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
        let (ev_tx, ev_rx) = mpsc::unbounded_channel();
        let (remote_tx, remote_rx) = watch::channel(None);
        let stats = Arc::new(Mutex::new(None));
        let task = Task {
            setup,
            video,
            audio,
            events: ev_tx,
            remote: Arc::new(remote_tx),
            stats: stats.clone(),
            call_id: None,
            joined: Instant::now(),
            taken_at: None,
            told_no_answer: false,
            media: None,
            media_restarts: 0,
        };
        tokio::spawn(task.run(cmd_rx));
        Call {
            commands: cmd_tx,
            events: ev_rx,
            remote: remote_rx,
            stats,
        }
    }

    pub fn send(&self, c: CallCommand) {
        let _ = self.commands.send(c);
    }

    /// The media figures of the current connection.
    pub fn media_stats(&self) -> Option<Arc<MediaStats>> {
        self.stats.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        let _ = self.commands.send(FromTerminal::Leave);
    }
}

struct Task {
    setup: CallSetup,
    video: VideoOpener,
    audio: AudioOpener,
    events: mpsc::UnboundedSender<CallEvent>,
    remote: Arc<watch::Sender<Option<RemoteFrame>>>,
    stats: Arc<Mutex<Option<Arc<MediaStats>>>>,
    call_id: Option<String>,
    joined: Instant,
    taken_at: Option<Instant>,
    told_no_answer: bool,
    media: Option<Media>,
    media_restarts: u32,
}

/// Why one WebSocket connection ended.
enum Leg {
    /// The call is over.
    Over(Outcome),
    /// The connection dropped; re-join.
    Dropped,
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

impl Task {
    async fn run(mut self, mut commands: mpsc::UnboundedReceiver<CallCommand>) {
        let mut failures = 0u32;
        let outcome = loop {
            match self.connect().await {
                Ok(socket) => {
                    failures = 0;
                    match self.leg(socket, &mut commands).await {
                        Leg::Over(o) => break o,
                        Leg::Dropped => {}
                    }
                }
                Err(e) => {
                    failures += 1;
                    tracing::warn!(error = %e, failures, "call: the hub cannot be reached");
                }
            }
            self.media = None;
            // The hub keeps a dropped call for a minute; try for about that long.
            if failures > 8 {
                break Outcome::Dropped;
            }
            let _ = self.events.send(CallEvent::Reconnecting);
            let wait = Duration::from_millis(500 * 2u64.pow(failures.min(4)));
            let hung_up = tokio::select! {
                _ = tokio::time::sleep(wait) => false,
                c = commands.recv() => matches!(c, None | Some(FromTerminal::Leave)),
            };
            if hung_up {
                break Outcome::ResidentLeft;
            }
        };
        self.media = None;
        let _ = self.events.send(CallEvent::Ended {
            outcome,
            waited: self
                .taken_at
                .unwrap_or_else(Instant::now)
                .duration_since(self.joined),
            answered: self.taken_at.map(|t| t.elapsed()),
        });
    }

    async fn connect(&mut self) -> Result<Socket, String> {
        let mut request = self
            .setup
            .url
            .as_str()
            .into_client_request()
            .map_err(|e| e.to_string())?;
        let bearer = HeaderValue::from_str(&format!("Bearer {}", self.setup.token))
            .map_err(|e| e.to_string())?;
        request.headers_mut().insert("authorization", bearer);
        let config = WebSocketConfig::default()
            .max_message_size(Some(MAX_MESSAGE))
            .max_frame_size(Some(MAX_MESSAGE));
        let (mut socket, _) = tokio::time::timeout(
            Duration::from_secs(10),
            tokio_tungstenite::connect_async_with_config(request, Some(config), false),
        )
        .await
        .map_err(|_| "timed out".to_string())?
        .map_err(|e| e.to_string())?;
        let join = FromTerminal::Join {
            resident: self.setup.resident.clone(),
            item_code: self.setup.item_code.clone(),
            language: self.setup.language.clone(),
            elder: self.setup.elder,
            resume: self.call_id.clone(),
        };
        send(&mut socket, &join).await?;
        Ok(socket)
    }

    async fn leg(
        &mut self,
        mut socket: Socket,
        commands: &mut mpsc::UnboundedReceiver<CallCommand>,
    ) -> Leg {
        loop {
            let no_answer = (!self.told_no_answer && self.taken_at.is_none())
                .then(|| self.joined + self.setup.no_answer_after);
            let media_event = async {
                match self.media.as_mut() {
                    Some(m) => m.events.recv().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                m = socket.next() => {
                    let text = match m {
                        Some(Ok(Message::Text(t))) => t,
                        Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Leg::Dropped,
                        Some(Ok(_)) => continue,
                    };
                    let Ok(m) = serde_json::from_str::<ToTerminal>(text.as_str()) else {
                        tracing::warn!("call: the hub sent a message this terminal does not know");
                        continue;
                    };
                    if let Some(leg) = self.hub_message(m, &mut socket).await {
                        let _ = socket.close(None).await;
                        return leg;
                    }
                }
                c = commands.recv() => {
                    let m = c.unwrap_or(FromTerminal::Leave);
                    if matches!(m, FromTerminal::Join { .. } | FromTerminal::Offer { .. } | FromTerminal::Candidate { .. }) {
                        tracing::warn!(command = ?m, "call: signalling is not the kiosk's to send");
                        continue;
                    }
                    let last = m == FromTerminal::Leave;
                    if send(&mut socket, &m).await.is_err() && !last {
                        return Leg::Dropped;
                    }
                    if last {
                        let _ = socket.close(None).await;
                        return Leg::Over(Outcome::ResidentLeft);
                    }
                }
                e = media_event => match e {
                    Some(MediaEvent::Connected) => { let _ = self.events.send(CallEvent::Connected); }
                    Some(MediaEvent::Disconnected) | None => {
                        // The media path broke while the hub still holds the call: offer anew (the clerk's
                        // page answers a new offer with a new connection), a few times.
                        self.media = None;
                        let _ = self.events.send(CallEvent::Reconnecting);
                        if self.taken_at.is_some() && self.media_restarts < MEDIA_RESTARTS {
                            self.media_restarts += 1;
                            if !self.start_media(&mut socket).await {
                                return Leg::Dropped;
                            }
                        }
                    }
                },
                _ = sleep_until(no_answer) => {
                    self.told_no_answer = true;
                    let _ = self.events.send(CallEvent::NoAnswer);
                }
            }
        }
    }

    /// Handles one message from the hub; `Some` ends this connection.
    async fn hub_message(&mut self, m: ToTerminal, socket: &mut Socket) -> Option<Leg> {
        match m {
            ToTerminal::Queued {
                call,
                position,
                expected_wait_secs,
            } => {
                self.call_id = Some(call.clone());
                let _ = self.events.send(CallEvent::Queued {
                    call,
                    position,
                    expected_wait_secs,
                });
            }
            ToTerminal::Taken { clerk } => {
                self.taken_at.get_or_insert_with(Instant::now);
                let _ = self.events.send(CallEvent::Taken { clerk });
                self.media_restarts = 0;
                if !self.start_media(socket).await {
                    return Some(Leg::Dropped);
                }
            }
            ToTerminal::Answer { sdp } => {
                if let Some(m) = &self.media {
                    m.answer(sdp);
                }
            }
            ToTerminal::Candidate { candidate } => {
                if let Some(m) = &self.media {
                    m.remote_candidate(candidate);
                }
            }
            ToTerminal::PushForm { item_code } => {
                let _ = self.events.send(CallEvent::PushForm { item_code });
            }
            ToTerminal::Capture { what } => {
                let _ = self.events.send(CallEvent::Capture { what });
            }
            ToTerminal::Print { document, title } => {
                let _ = self.events.send(CallEvent::Print { document, title });
            }
            ToTerminal::Ended { outcome } => return Some(Leg::Over(outcome)),
            ToTerminal::Error { code, message } => {
                tracing::info!(code = %code, "call: the hub refused a message");
                if code == "clerk-left" {
                    // Back in the queue: the media go, the wait starts again.
                    self.media = None;
                    self.taken_at = None;
                }
                let _ = self.events.send(CallEvent::Notice { message });
            }
        }
        None
    }
}

/// How many times one taken call offers its media anew after the media path broke.
const MEDIA_RESTARTS: u32 = 3;

impl Task {
    /// Starts the media and sends the offer; false when the hub connection is gone.
    async fn start_media(&mut self, socket: &mut Socket) -> bool {
        let (microphone, speaker) = (self.audio)();
        let video = (self.video)();
        match Media::start(self.setup.media.clone(), video, microphone, speaker).await {
            Ok((media, sdp)) => {
                forward_remote(media.remote.clone(), self.remote.clone());
                *self.stats.lock().unwrap_or_else(|e| e.into_inner()) = Some(media.stats.clone());
                self.media = Some(media);
                send(socket, &FromTerminal::Offer { sdp }).await.is_ok()
            }
            Err(e) => {
                tracing::error!(error = %e, "call media could not start");
                let _ = self.events.send(CallEvent::Notice {
                    message: "视频没能接通，请挂断后再试，或到服务点窗口办理".into(),
                });
                true
            }
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(t) => tokio::time::sleep_until(t.into()).await,
        None => std::future::pending().await,
    }
}

async fn send(socket: &mut Socket, m: &FromTerminal) -> Result<(), String> {
    let text = serde_json::to_string(m).map_err(|e| e.to_string())?;
    socket
        .send(Message::Text(text.into()))
        .await
        .map_err(|e| e.to_string())
}

/// Copies one connection's remote frames into the call's stable channel until that connection ends.
fn forward_remote(
    mut from: watch::Receiver<Option<RemoteFrame>>,
    to: Arc<watch::Sender<Option<RemoteFrame>>>,
) {
    tokio::spawn(async move {
        while from.changed().await.is_ok() {
            let f = from.borrow_and_update().clone();
            to.send_replace(f);
        }
    });
}

impl CallSetup {
    /// The signalling URL for a platform base URL (`http://hub/api/v1` → `ws://hub/api/v1/call/ws`).
    pub fn signalling_url(platform: &str) -> String {
        let base = platform.trim_end_matches('/');
        let base = if let Some(rest) = base.strip_prefix("https://") {
            format!("wss://{rest}")
        } else if let Some(rest) = base.strip_prefix("http://") {
            format!("ws://{rest}")
        } else {
            base.to_string()
        };
        format!("{base}{}", kiosk_api::path::CALL_WS)
    }

    pub fn new(platform: &str, token: &str) -> Self {
        Self {
            url: Self::signalling_url(platform),
            token: token.to_string(),
            media: MediaConfig::default(),
            resident: None,
            item_code: None,
            language: "zh".into(),
            elder: false,
            no_answer_after: Duration::from_secs(NO_ANSWER_SECS),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signalling_url_follows_the_platform_url() {
        assert_eq!(
            CallSetup::signalling_url("http://127.0.0.1:8080/api/v1/"),
            "ws://127.0.0.1:8080/api/v1/call/ws"
        );
        assert_eq!(
            CallSetup::signalling_url("https://hub.example/api/v1"),
            "wss://hub.example/api/v1/call/ws"
        );
    }
}
