//! The remote virtual window wired to the kiosk: starts `kiosk_call` with the face camera, posts its events to
//! the session, carries the clerk's video into the UI, and does what the clerk asks that needs I/O: fetch and
//! print a document, upload a photo.

use super::{Inbox, Kiosk, Services};
use crate::session::{Effect, Input};
use kiosk_api::call::{CapturedMaterial, PrintResult};
use kiosk_call::audio::{AudioSink, AudioSource, MeterSink};
use kiosk_call::{Call, CallCommand, CallEvent, CallSetup, VideoIn};
use kiosk_drivers::camera::service::CameraHandle;
use kiosk_ui::CallAdapter;
use slint::{ComponentHandle, Image, Rgba8Pixel, SharedPixelBuffer};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A call that runs, with the tasks that carry its events and video.
pub struct RunningCall {
    call: Call,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for RunningCall {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl RunningCall {
    pub fn send(&self, c: CallCommand) {
        self.call.send(c);
    }
}

/// The microphone and speaker of the call: the sound card through ALSA on the terminal (feature `alsa`);
/// in simulation a quiet tone stands for the resident's voice and a meter for the speaker.
#[cfg(feature = "alsa")]
fn audio() -> (Box<dyn AudioSource>, Box<dyn AudioSink>) {
    match kiosk_call::alsa::open() {
        Ok((mic, speaker)) => (Box::new(mic), Box::new(speaker)),
        Err(e) => {
            tracing::error!(error = %e, "call: no sound card; the clerk sees but does not hear the resident");
            (
                Box::new(kiosk_call::audio::SilentSource::default()),
                Box::new(MeterSink::default()),
            )
        }
    }
}

#[cfg(not(feature = "alsa"))]
fn audio() -> (Box<dyn AudioSource>, Box<dyn AudioSink>) {
    (
        Box::new(kiosk_call::audio::ToneSource::default()),
        Box::new(MeterSink::default()),
    )
}

/// Starts a call (`Effect::CallStart`); `None` when there is no platform to call through.
pub fn start(
    services: &Services,
    camera: Option<CameraHandle>,
    inbox: Inbox,
    effect: Effect,
) -> Option<RunningCall> {
    let Effect::CallStart {
        resident,
        item_code,
        elder,
        language,
    } = effect
    else {
        return None;
    };
    let platform = services.platform.as_ref()?;
    let token = platform.token()?;
    let mut setup = CallSetup::new(platform.base(), &token);
    setup.resident = resident;
    setup.item_code = item_code;
    setup.elder = elder;
    setup.language = language.code().into();
    let _guard = services.runtime.enter();
    let mut call = Call::start(
        setup,
        Box::new(move || {
            let preview = camera.as_ref()?.preview();
            Some(VideoIn {
                frames: (*preview).clone(),
                keep: Box::new(preview),
            })
        }),
        Box::new(audio),
    );
    let (_, closed) = tokio::sync::mpsc::unbounded_channel();
    let mut events = std::mem::replace(&mut call.events, closed);
    let events_inbox = inbox.clone();
    let events_task = services.runtime.spawn(async move {
        while let Some(e) = events.recv().await {
            events_inbox.post(move |k| k.call_event(e));
        }
    });
    let video_task = services
        .runtime
        .spawn(pump_video(call.remote.clone(), inbox));
    Some(RunningCall {
        call,
        tasks: vec![events_task, video_task],
    })
}

/// The clerk's newest frame to the UI, never queueing: while the UI has not taken the last one, newer ones
/// are skipped (as the camera preview does). Frames go through the inbox, so that the UI thread takes them
/// in order with everything else, without a redraw of the whole view.
async fn pump_video(
    mut frames: tokio::sync::watch::Receiver<Option<kiosk_call::RemoteFrame>>,
    inbox: Inbox,
) {
    let in_flight = Arc::new(AtomicBool::new(false));
    while frames.changed().await.is_ok() {
        if in_flight.load(Ordering::Acquire) {
            continue;
        }
        let Some(f) = frames.borrow_and_update().clone() else {
            continue;
        };
        let (Ok(w), Ok(h)) = (u32::try_from(f.width), u32::try_from(f.height)) else {
            continue;
        };
        if f.rgba.len() != f.width * f.height * 4 {
            continue;
        }
        let buffer = SharedPixelBuffer::<Rgba8Pixel>::clone_from_slice(&f.rgba, w, h);
        in_flight.store(true, Ordering::Release);
        let done = in_flight.clone();
        inbox.post_view(move |k| {
            // A frame that arrives after the call ended is dropped.
            if k.call.borrow().is_some() {
                let call_ui = k.ui.global::<CallAdapter>();
                call_ui.set_video(Image::from_rgba8(buffer));
                call_ui.set_video_live(true);
            }
            done.store(false, Ordering::Release);
        });
    }
}

impl Kiosk {
    /// An event of the running call.
    pub fn call_event(&self, e: CallEvent) {
        match &e {
            CallEvent::PushForm { item_code } => {
                let known = self.item(item_code).is_some();
                if known {
                    tracing::info!(item = %item_code, "the clerk pushed a form");
                    self.handle(Input::Call(e.clone()));
                    self.item_selected(item_code);
                    return;
                }
                tracing::warn!(item = %item_code, "the clerk pushed an item this terminal does not have");
                self.handle(Input::Call(CallEvent::Notice {
                    message: "坐席推送的事项本机暂不能办理，请听坐席说明".into(),
                }));
            }
            CallEvent::Print { document, title } => {
                self.print_for_clerk(document.clone(), title.clone());
                self.handle(Input::Call(e));
            }
            CallEvent::Ended { .. } => {
                self.handle(Input::Call(e));
                self.call.borrow_mut().take();
                let call_ui = self.ui.global::<CallAdapter>();
                call_ui.set_video(Image::default());
                call_ui.set_video_live(false);
            }
            _ => self.handle(Input::Call(e)),
        }
    }

    /// Runs the call's effects.
    pub(crate) fn call_effect(&self, effect: Effect) {
        match effect {
            Effect::CallStart { .. } => {
                let services = self.services.borrow().clone();
                let camera = self.face_camera.borrow().as_ref().map(|c| c.handle.clone());
                let started = services.and_then(|s| start(&s, camera, self.inbox(), effect));
                match started {
                    Some(c) => *self.call.borrow_mut() = Some(c),
                    None => {
                        tracing::warn!("video call: no platform or not enrolled");
                        self.handle(Input::CallUnavailable);
                    }
                }
            }
            Effect::CallCommand(c) => {
                let leave = c == CallCommand::Leave;
                if let Some(call) = self.call.borrow().as_ref() {
                    call.send(c);
                }
                if leave {
                    // The call's end arrives as an event; the video stops now.
                    let call_ui = self.ui.global::<CallAdapter>();
                    call_ui.set_video(Image::default());
                    call_ui.set_video_live(false);
                }
            }
            Effect::CallShare { name, jpeg } => self.share_with_clerk(name, jpeg),
            _ => {}
        }
    }

    /// A PDF the clerk sent: fetched with the terminal's token and printed on the A4 printer.
    fn print_for_clerk(&self, document: String, title: String) {
        let services = self.services.borrow().clone();
        let Some(s) = services else { return };
        let (Some(platform), a4) = (s.platform.clone(), s.a4.clone()) else {
            return;
        };
        let inbox = self.inbox();
        s.runtime.spawn(async move {
            let result = match platform.call_document(&document).await {
                Ok(pdf) => match a4 {
                    Some(h) => h
                        .print(kiosk_drivers::a4::driver::Document::new(
                            title.clone(),
                            pdf.to_vec(),
                        ))
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                    None => Err("no A4 printer".to_string()),
                },
                Err(e) => Err(e.to_string()),
            };
            inbox.post(move |k| {
                if result.is_ok() {
                    k.count_printed(crate::maintenance::Consumable::A4);
                }
                let message = match &result {
                    Ok(()) => "已在终端 A4 打印机打印".to_string(),
                    Err(e) => format!("未能打印：{e}"),
                };
                if let Some(call) = k.call.borrow().as_ref() {
                    call.send(CallCommand::Printed(PrintResult {
                        document,
                        ok: result.is_ok(),
                        message,
                    }));
                }
                k.handle(Input::CallPrinted { title, result });
            });
        });
    }

    /// A photo the clerk asked for: uploaded as a material, then named to the clerk.
    fn share_with_clerk(&self, name: String, jpeg: kiosk_drivers::Sensitive<Vec<u8>>) {
        let services = self.services.borrow().clone();
        let Some((runtime, Some(platform))) = services.map(|s| (s.runtime, s.platform)) else {
            return;
        };
        let upload = kiosk_api::Upload {
            name: name.clone(),
            media_type: "image/jpeg".into(),
            bytes: jpeg.expose().clone(),
        };
        let inbox = self.inbox();
        runtime.spawn(async move {
            let m = upload.reference();
            let result = platform.upload(&m, &upload.bytes).await;
            inbox.post(move |k| match result {
                Ok(()) => {
                    if let Some(call) = k.call.borrow().as_ref() {
                        call.send(CallCommand::Captured(CapturedMaterial {
                            sha256: m.sha256,
                            name,
                            bytes: m.size,
                        }));
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "the photo for the clerk was not uploaded");
                    k.handle(Input::Call(CallEvent::Notice {
                        message: "照片没能发送给坐席，请再拍一次".into(),
                    }));
                    k.render();
                }
            });
        });
    }
}
