// Shared by the fuzz targets: feed the input in pieces whose sizes come from the input itself, and check the
// decoder never holds more than `max` bytes.

use kiosk_drivers::codec::Decoder;

pub fn feed<D: Decoder>(d: &mut D, data: &[u8], max: usize, mut each: impl FnMut(Result<D::Frame, D::Error>)) {
    let (sizes, mut rest) = data.split_at(data.len().min(4));
    let mut i = 0;
    while !rest.is_empty() {
        let n = (usize::from(*sizes.get(i % sizes.len().max(1)).unwrap_or(&255)) + 1).min(rest.len());
        i += 1;
        let (mut piece, tail) = rest.split_at(n);
        rest = tail;
        loop {
            let (used, item) = d.feed(piece);
            assert!(d.buffered() <= max, "decoder holds {} > {max}", d.buffered());
            assert!(used <= piece.len());
            piece = &piece[used..];
            match item {
                Some(x) => each(x),
                None => break,
            }
        }
        assert!(piece.is_empty(), "decoder stopped taking bytes without a frame");
    }
}
