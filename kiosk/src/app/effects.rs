//! The effect interpreter: what the core asks for, carried out by the devices, the store and the platform,
//! each answer coming back as an input.

use super::*;

impl Kiosk {
    pub(crate) fn apply(&self, fx: Vec<Effect>) {
        for e in fx {
            match e {
                Effect::Language(lang) => {
                    kiosk_ui::select_language(lang.code());
                }
                Effect::SessionStarted { identified } => {
                    tracing::info!(identified, "session started")
                }
                Effect::SessionEnded(reason) => {
                    self.with_voice(|v| v.session_ended());
                    tracing::info!(?reason, "session ended, personal data wiped")
                }
                Effect::HelpRequested => tracing::info!("help requested"),
                e @ (Effect::CallStart { .. }
                | Effect::CallCommand(_)
                | Effect::CallShare { .. }) => self.call_effect(e),
                Effect::TakeStill => self.take_still(),
                Effect::VerifyCode(request) => self.call(
                    move |p| async move { p.identity(&request).await },
                    |k, reply| {
                        k.handle(Input::Identity {
                            reply,
                            today: today(),
                        })
                    },
                ),
                Effect::FetchOverview { asked, request } => self.call(
                    move |p| async move { p.overview(&request).await },
                    move |k, reply| k.handle(Input::Overview { asked, reply }),
                ),
                Effect::FetchHeld { asked, request } => self.call(
                    move |p| async move {
                        let view = p.held(&request).await?;
                        tokio::task::spawn_blocking(move || crate::view::held::ready(view))
                            .await
                            .map_err(|e| PlatformError::BadReply(e.to_string()))
                    },
                    move |k, reply| k.handle(Input::Held { asked, reply }),
                ),
                Effect::ConfirmOffer { key, request } => {
                    // Not queued: the resident waits for the answer at the screen, and a retry is a touch.
                    let offer_id = request.offer_id.clone();
                    self.call(
                        move |p| async move { p.confirm_offer(&request, &key).await },
                        move |k, reply| {
                            k.handle(Input::OfferConfirmed {
                                offer_id,
                                reply: reply.map(|_| ()),
                            })
                        },
                    )
                }
                Effect::FetchPrefill(request) => {
                    let code = request.item_code.clone();
                    self.call(
                        move |p| async move { p.prefill(&request).await },
                        move |k, reply| {
                            k.handle(Input::Prefill {
                                item_code: code,
                                reply,
                            })
                        },
                    );
                }
                Effect::Submit(submit) => self.submit(*submit),
                Effect::Print(printout) => self.print(*printout),
                Effect::Unhelpful(m) => {
                    self.queue_or_send(
                        crate::platform::outbox::UNHELPFUL,
                        m,
                        |p, m, key| async move { p.unhelpful(&m, &key).await },
                        |_, reply| {
                            if let Err(e) = reply {
                                tracing::warn!(error = %e, "unhelpful mark not delivered");
                            }
                        },
                    );
                }
                Effect::Evaluate(e) => {
                    self.queue_or_send(
                        crate::platform::outbox::EVALUATION,
                        e,
                        |p, e, key| async move { p.evaluate(&e, &key).await },
                        |_, reply| match reply {
                            Ok(t) => tracing::info!(ticket = %t.ticket, "rating delivered"),
                            Err(e) => tracing::warn!(error = %e, "rating not delivered"),
                        },
                    );
                }
                Effect::Help(h) => {
                    // Not queued: a call for a person is now or never (see the outbox).
                    let key = crate::platform::fresh_key("help");
                    self.call(
                        move |p| async move { p.help(&h, &key).await },
                        |k, reply| {
                            if let Err(e) = &reply {
                                tracing::warn!(error = %e, "help request not delivered");
                            }
                            k.handle(Input::Help(reply))
                        },
                    )
                }
                Effect::ReportNotDone(n) => {
                    let queued = self.queue_or_send(
                        crate::platform::outbox::NOT_DONE,
                        n,
                        |p, n, key| async move { p.not_done(&n, &key).await },
                        |k, reply| {
                            if let Err(e) = &reply {
                                tracing::warn!(error = %e, "办不成事 report not delivered");
                            }
                            k.handle(Input::NotDone(reply.map(|_| ())))
                        },
                    );
                    if queued {
                        // Kept on the terminal and sent when the platform can take it: recorded.
                        self.handle(Input::NotDone(Ok(())));
                    }
                }
                Effect::Telemetry(mut r) => {
                    if r.at.is_empty() {
                        r.at = local_now().to_rfc3339();
                    }
                    if self.services.borrow().is_none() {
                        self.early_reports.borrow_mut().push(r);
                        continue;
                    }
                    self.queue_or_send(
                        crate::platform::outbox::TELEMETRY,
                        r,
                        |p, r, key| async move { p.telemetry(&r, &key).await },
                        |_, reply| {
                            if let Err(e) = reply {
                                tracing::debug!(error = %e, "device report not delivered");
                            }
                        },
                    );
                }
                Effect::Audit { technician, action } => {
                    tracing::info!(%technician, %action, "maintenance");
                    let entry = kiosk_api::AuditEntry {
                        terminal_id: self.terminal.borrow().terminal_id().to_string(),
                        technician,
                        action,
                        at: local_now().to_rfc3339(),
                    };
                    self.queue_or_send(
                        crate::platform::outbox::AUDIT,
                        entry,
                        |p, a, key| async move { p.audit(&a, &key).await },
                        |_, reply| {
                            if let Err(e) = reply {
                                tracing::warn!(error = %e, "audit entry not delivered");
                            }
                        },
                    );
                }
                Effect::Maintenance(c) => self.maintenance_command(c),
                Effect::Figures(mut f) => {
                    f.ended_at = Some(local_now().to_rfc3339());
                    tracing::info!(
                        outcome = ?f.outcome,
                        session_s = f.session_s,
                        prefill_rate = ?f.prefill_rate(),
                        "session figures"
                    );
                    self.queue_or_send(
                        crate::platform::outbox::FIGURES,
                        *f,
                        |p, f, key| async move { p.figures(&f, &key).await },
                        |_, reply| {
                            if let Err(e) = reply {
                                tracing::warn!(error = %e, "session figures not delivered");
                            }
                        },
                    );
                }
            }
        }
        self.sync_preview();
        // Jobs drained together are drawn once, after the last (`drain`).
        if !self.draining.get() {
            self.render();
        }
    }
}

impl Kiosk {
    /// Runs a platform call on the runtime and hands its answer to `done` on the UI thread. Without a runtime
    /// or a platform the answer is an error at once: never a made-up success.
    pub(super) fn call<R, Fut>(
        &self,
        call: impl FnOnce(Platform) -> Fut + Send + 'static,
        done: impl FnOnce(&Kiosk, Result<R, PlatformError>) + Send + 'static,
    ) where
        R: Send + 'static,
        Fut: std::future::Future<Output = Result<R, PlatformError>> + Send + 'static,
    {
        let services = self.services.borrow().clone();
        match services.and_then(|s| s.platform.map(|p| (s.runtime, p))) {
            Some((runtime, platform)) => {
                let inbox = self.inbox.clone();
                runtime.spawn(async move {
                    let reply = call(platform).await;
                    inbox.post(move |k| done(k, reply));
                });
            }
            None => {
                done(
                    self,
                    Err(PlatformError::Unreachable(
                        "no platform configured on this terminal".into(),
                    )),
                );
            }
        }
    }

    /// Commits a write to the outbox and returns true; without a store (or if the commit failed) sends it
    /// once directly under a fresh key, `done` getting the answer, and returns false.
    pub(super) fn queue_or_send<T, R, Fut>(
        &self,
        kind: &'static str,
        value: T,
        send: impl FnOnce(Platform, T, String) -> Fut + Send + 'static,
        done: impl FnOnce(&Kiosk, Result<R, PlatformError>) + Send + 'static,
    ) -> bool
    where
        T: serde::Serialize + Send + 'static,
        R: Send + 'static,
        Fut: std::future::Future<Output = Result<R, PlatformError>> + Send + 'static,
    {
        if let Some(outbox) = self.outbox() {
            match outbox.commit(kind, &value) {
                Ok(_) => return true,
                Err(e) => tracing::error!(kind, error = %e, "not kept in the store; sent directly"),
            }
        }
        let key = crate::platform::fresh_key(kind);
        self.call(move |p| send(p, value, key), done);
        false
    }

    pub(crate) fn outbox(&self) -> Option<crate::platform::outbox::Outbox> {
        self.services
            .borrow()
            .as_ref()
            .and_then(|s| s.outbox.clone())
    }
}
