//! The cameras: the live preview on the capture page and the still of a material.

use super::*;

impl Kiosk {
    /// Gives the kiosk the document camera (the device manager starts it on `runtime`).
    pub fn attach_document_camera(&self, runtime: tokio::runtime::Handle, handle: CameraHandle) {
        *self.camera.borrow_mut() = Some(AttachedCamera { runtime, handle });
        self.sync_preview();
    }

    /// Gives the kiosk the face camera (for items that need a face photo).
    pub fn attach_face_camera(&self, runtime: tokio::runtime::Handle, handle: CameraHandle) {
        *self.face_camera.borrow_mut() = Some(AttachedCamera { runtime, handle });
        self.sync_preview();
    }

    /// The camera the capture page uses now, and whether it is the face camera.
    pub(super) fn capture_camera(&self) -> (bool, Option<(tokio::runtime::Handle, CameraHandle)>) {
        let face = {
            let t = self.terminal.borrow();
            t.maintenance()
                .camera_test()
                .unwrap_or_else(|| t.capture_face())
        };
        let cam = if face {
            self.face_camera.borrow()
        } else {
            self.camera.borrow()
        };
        (
            face,
            cam.as_ref().map(|c| (c.runtime.clone(), c.handle.clone())),
        )
    }

    /// Frames shown by the running preview, if one runs.
    pub fn preview_frames_shown(&self) -> Option<u64> {
        self.preview
            .borrow()
            .as_ref()
            .map(|p| p.shown.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// The live preview runs exactly while the capture page shows.
    pub(super) fn sync_preview(&self) {
        let wanted = {
            let t = self.terminal.borrow();
            t.screen() == Screen::Capture || t.maintenance().camera_test().is_some()
        };
        let (face, cam) = self.capture_camera();
        let mut preview = self.preview.borrow_mut();
        if preview.is_some() && self.preview_face.get() != face {
            // The other camera is wanted now: the next lines start it.
            *preview = None;
        }
        match (wanted, preview.is_some(), cam) {
            (true, false, Some((runtime, handle))) => {
                self.preview_face.set(face);
                *preview = Some(PreviewPump::start(&runtime, handle, self.ui.as_weak()));
            }
            (false, true, _) => {
                *preview = None;
                let capture = self.ui.global::<kiosk_ui::CaptureAdapter>();
                capture.set_camera_frame(slint::Image::default());
                capture.set_camera_live(false);
            }
            _ => {}
        }
    }

    pub(super) fn take_still(&self) {
        let (face, cam) = self.capture_camera();
        let Some((runtime, cam)) = cam else {
            self.handle(Input::Photo(Err("no camera for this photo".into())));
            return;
        };
        let inbox = self.inbox.clone();
        runtime.spawn(async move {
            let result = match cam.still().await {
                // Straightening a full-resolution page takes a moment: off the async workers.
                Ok(still) => tokio::task::spawn_blocking(move || {
                    if face {
                        crate::view::preview::portrait(&still)
                    } else {
                        crate::view::preview::photo(&still)
                    }
                })
                .await
                .unwrap_or_else(|e| Err(format!("photo processing failed: {e}"))),
                Err(e) => Err(e.to_string()),
            };
            inbox.post(move |k| k.photo_taken(result));
        });
    }

    pub fn photo_taken(&self, result: Result<kiosk_core::Photo, String>) {
        self.handle(Input::Photo(result));
    }
}
