//! The shape every sans-IO decoder in this crate shares.
//!
//! A decoder is fed bytes as they arrive and hands back at most one frame (or one error) per call, saying how
//! many input bytes it used. It keeps at most one frame's worth of bytes: the caller holds the rest. That bound,
//! and "never panic, always resynchronise", are what the property tests and fuzz targets check.

/// What one `feed` call gives: bytes used, and the frame or error they completed.
pub type Fed<F, E> = (usize, Option<Result<F, E>>);

/// A byte-stream decoder without I/O or clock.
pub trait Decoder {
    type Frame;
    type Error;

    /// Consumes a prefix of `input`; returns how many bytes were used and the frame or error completed by them,
    /// if any. After an error the decoder has already resynchronised: feed it the rest.
    fn feed(&mut self, input: &[u8]) -> Fed<Self::Frame, Self::Error>;

    /// Bytes held for a frame not yet complete.
    fn buffered(&self) -> usize;

    /// Forgets any partial frame (after a timeout, or when the line speed changes).
    fn reset(&mut self);
}

/// Decodes everything in `input`, for tests, fuzzing and benchmarks.
pub fn decode_all<D: Decoder>(
    decoder: &mut D,
    mut input: &[u8],
) -> Vec<Result<D::Frame, D::Error>> {
    let mut out = Vec::new();
    loop {
        let (used, item) = decoder.feed(input);
        input = &input[used.min(input.len())..];
        match item {
            Some(item) => out.push(item),
            None if input.is_empty() || used == 0 => break,
            None => {}
        }
    }
    out
}
