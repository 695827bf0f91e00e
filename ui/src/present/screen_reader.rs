//! The terminal's own screen reader, for residents who cannot see the screen (EN 301 549 5.1.6, ADA 707.6):
//! the tactile keypad moves a focus through every actionable element of the screen, Select does what a touch
//! would, and each element reached is described for speech.
//!
//! It walks the accessibility tree the UI already declares (role, label, value, checked, default action) with
//! Slint's element introspection (`i-slint-backend-testing`'s search API, pinned to the exact Slint version):
//! Slint exposes that tree to platform screen readers only through winit's AccessKit, which the terminal's
//! linuxkms backend does not have. Walking the same tree means a button is reachable by keys the moment it
//! has a role and a label, with no second list of elements to keep in step; the accessibility checks in the
//! tests make sure every actionable element has both.

use crate::{KioskWindow, ShellAdapter};
use i_slint_backend_testing::{AccessibleRole, ElementHandle, ElementQuery};
use kiosk_core::Language;
use slint::ComponentHandle;
use std::cell::RefCell;

/// What speech says about an element: `text` always, `private` (a field's value) only into headphones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description {
    pub text: String,
    pub private: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Next,
    Previous,
}

#[derive(Clone)]
struct Place {
    label: String,
    x: f32,
    y: f32,
}

#[derive(Default)]
pub struct ScreenReader {
    focused: RefCell<Option<(ElementHandle, Place)>>,
}

/// An element's box in window coordinates (logical pixels).
#[derive(Debug, Clone, Copy)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    pub fn of(e: &ElementHandle) -> Rect {
        let p = e.absolute_position();
        let s = e.size();
        Rect {
            x: p.x,
            y: p.y,
            w: s.width,
            h: s.height,
        }
    }
    pub fn center(&self) -> (f32, f32) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
    /// The same box, allowing half a pixel for rounding.
    pub fn same(&self, o: &Rect) -> bool {
        (self.x - o.x).abs() < 0.5
            && (self.y - o.y).abs() < 0.5
            && (self.w - o.w).abs() < 0.5
            && (self.h - o.h).abs() < 0.5
    }
    /// Inside `other`, allowing half a pixel for rounding.
    pub fn inside(&self, other: &Rect) -> bool {
        const E: f32 = 0.5;
        self.x >= other.x - E
            && self.y >= other.y - E
            && self.x + self.w <= other.x + other.w + E
            && self.y + self.h <= other.y + other.h + E
    }
    /// The point is in the box, its right and bottom edges excluded (a point on a shared edge is in one box).
    pub fn contains_point(&self, x: f32, y: f32) -> bool {
        x >= self.x && y >= self.y && x < self.x + self.w && y < self.y + self.h
    }
    /// The point is in the box or on its edge.
    fn contains(&self, (x, y): (f32, f32)) -> bool {
        x >= self.x && x <= self.x + self.w && y >= self.y && y <= self.y + self.h
    }
}

/// Roles a person acts on.
pub fn is_actionable(role: AccessibleRole) -> bool {
    matches!(
        role,
        AccessibleRole::Button
            | AccessibleRole::Checkbox
            | AccessibleRole::RadioButton
            | AccessibleRole::TextInput
            | AccessibleRole::Switch
            | AccessibleRole::Combobox
            | AccessibleRole::Slider
            | AccessibleRole::Spinbox
            | AccessibleRole::Tab
    )
}

/// The actionable elements of the screen as a keypad user meets them: the page first, then the bottom bar, then
/// the top bar (the page is what they came for). Elements that are hidden, transparent, outside the window or
/// scrolled out of a list are left out.
pub fn actionable_elements(ui: &KioskWindow) -> Vec<ElementHandle> {
    let window = ui.window();
    let size = window.size().to_logical(window.scale_factor());
    let screen = Rect {
        x: 0.0,
        y: 0.0,
        w: size.width,
        h: size.height,
    };
    let all = ElementQuery::from_root(ui).match_descendants().find_all();
    // Elements of a list that are scrolled (partly) out of it: clipped, not on screen.
    let mut clipped: Vec<Rect> = Vec::new();
    let mut header = None;
    let mut footer = None;
    for e in &all {
        match e.accessible_role() {
            Some(AccessibleRole::List) => {
                let l = Rect::of(e);
                for d in e.query_descendants().find_all() {
                    let r = Rect::of(&d);
                    if !l.contains((r.x, r.y)) || !l.contains((r.x + r.w, r.y + r.h)) {
                        clipped.push(r);
                    }
                }
            }
            Some(AccessibleRole::Groupbox) => {
                let r = Rect::of(e);
                if r.w >= screen.w - 1.0 && r.h < screen.h / 4.0 {
                    if r.y <= 1.0 {
                        header.get_or_insert(r);
                    } else if r.y + r.h >= screen.h - 1.0 {
                        footer = Some(r);
                    }
                }
            }
            _ => {}
        }
    }
    let mut found: Vec<(u8, ElementHandle)> = all
        .into_iter()
        .filter(|e| e.accessible_role().is_some_and(is_actionable))
        .filter(|e| {
            let r = Rect::of(e);
            let c = r.center();
            r.w > 1.0
                && r.h > 1.0
                && e.computed_opacity() > 0.01
                && screen.contains(c)
                && !clipped.iter().any(|k| k.same(&r))
        })
        .map(|e| {
            let c = Rect::of(&e).center();
            let rank = if header.is_some_and(|h| h.contains(c)) {
                2
            } else if footer.is_some_and(|f| f.contains(c)) {
                1
            } else {
                0
            };
            (rank, e)
        })
        .collect();
    // Stable: within a rank the tree's order, which is the reading order of the layouts.
    found.sort_by_key(|(rank, _)| *rank);
    found.into_iter().map(|(_, e)| e).collect()
}

fn place(e: &ElementHandle) -> Place {
    let r = Rect::of(e);
    Place {
        label: e.accessible_label().unwrap_or_default().to_string(),
        x: r.x,
        y: r.y,
    }
}

impl ScreenReader {
    /// Moves the focus and returns what to say about the element reached (None: nothing to act on here).
    pub fn step(&self, ui: &KioskWindow, m: Move, lang: Language) -> Option<Description> {
        let elements = actionable_elements(ui);
        if elements.is_empty() {
            self.clear(ui);
            return None;
        }
        // The same element is the one with the same label at the same place (handles are not comparable).
        let current = self.focused.borrow().as_ref().and_then(|(_, p)| {
            elements.iter().position(|e| {
                let q = place(e);
                q.label == p.label && (q.x - p.x).abs() < 1.0 && (q.y - p.y).abs() < 1.0
            })
        });
        let n = elements.len();
        // No focus trap: past the last element comes the first again.
        let next = match (current, m) {
            (None, Move::Next) => 0,
            (None, Move::Previous) => n - 1,
            (Some(i), Move::Next) => (i + 1) % n,
            (Some(i), Move::Previous) => (i + n - 1) % n,
        };
        let e = elements[next].clone();
        let d = describe(&e, lang);
        self.show(ui, &e);
        *self.focused.borrow_mut() = Some((e.clone(), place(&e)));
        Some(d)
    }

    /// Does what a touch on the focused element would. False when nothing is focused (or it went away).
    pub fn select(&self, ui: &KioskWindow) -> bool {
        let focused = self.focused.borrow().as_ref().map(|(h, _)| h.clone());
        match focused {
            Some(h) if h.is_valid() => {
                h.invoke_accessible_default_action();
                true
            }
            _ => {
                self.clear(ui);
                false
            }
        }
    }

    /// Keeps the ring on the focused element as the screen redraws, or drops the focus when it is gone (a new
    /// screen starts with none: its first key press goes to its first element).
    pub fn follow(&self, ui: &KioskWindow) {
        let focused = self.focused.borrow().as_ref().map(|(h, _)| h.clone());
        if let Some(h) = focused {
            if h.is_valid() && Rect::of(&h).w > 1.0 {
                self.show(ui, &h);
            } else {
                self.clear(ui);
            }
        }
    }

    /// After a select: the new state of the focused element when it is a check box or an option still on
    /// screen (other elements do something that speech says by itself).
    pub fn toggled(&self, lang: Language) -> Option<Description> {
        let focused = self.focused.borrow().as_ref().map(|(h, _)| h.clone());
        focused
            .filter(|h| h.is_valid())
            .filter(|h| {
                matches!(
                    h.accessible_role(),
                    Some(
                        AccessibleRole::Checkbox
                            | AccessibleRole::RadioButton
                            | AccessibleRole::Switch
                    )
                )
            })
            .map(|h| describe(&h, lang))
    }

    /// The label of the element the keypad has reached.
    pub fn focused_label(&self) -> Option<String> {
        self.focused
            .borrow()
            .as_ref()
            .filter(|(h, _)| h.is_valid())
            .map(|(_, p)| p.label.clone())
    }

    pub fn clear(&self, ui: &KioskWindow) {
        *self.focused.borrow_mut() = None;
        ui.global::<ShellAdapter>().set_focus_visible(false);
    }

    fn show(&self, ui: &KioskWindow, e: &ElementHandle) {
        let r = Rect::of(e);
        let shell = ui.global::<ShellAdapter>();
        shell.set_focus_x(r.x);
        shell.set_focus_y(r.y);
        shell.set_focus_width(r.w);
        shell.set_focus_height(r.h);
        shell.set_focus_visible(true);
    }
}

/// "label, role[, state]"; a text field's value is private (it holds the resident's data).
pub fn describe(e: &ElementHandle, lang: Language) -> Description {
    let label = e.accessible_label().unwrap_or_default().to_string();
    let role = e.accessible_role().unwrap_or(AccessibleRole::None);
    let checked = e.accessible_checked().unwrap_or(false);
    let disabled = e.accessible_enabled() == Some(false);
    let mut text = label;
    let mut private = None;
    let kind = match role {
        AccessibleRole::Checkbox | AccessibleRole::Switch => Some(match checked {
            true => lang.pick("复选框，已选中", "check box, checked"),
            false => lang.pick("复选框，未选中", "check box, not checked"),
        }),
        AccessibleRole::RadioButton => Some(match checked {
            true => lang.pick("选项，已选中", "option, selected"),
            false => lang.pick("选项，未选中", "option, not selected"),
        }),
        AccessibleRole::TextInput => {
            let value = e.accessible_value().unwrap_or_default().to_string();
            let filled = !value.trim().is_empty();
            if filled {
                private = Some(value);
            }
            Some(match filled {
                true => lang.pick("输入框，已填写", "text field, filled in"),
                false => lang.pick("输入框，未填写", "text field, empty"),
            })
        }
        _ => Some(lang.pick("按钮", "button")),
    };
    if let Some(k) = kind {
        text.push_str(lang.pick("，", ", "));
        text.push_str(k);
    }
    if disabled {
        text.push_str(lang.pick("，暂不可用", ", not available yet"));
    }
    Description { text, private }
}
