//! The card photo: 1024 bytes of the proprietary "wlt" format that only the reader vendor's closed library
//! decodes. It is loaded at run time when installed (no vendor code is linked or shipped); without it the photo
//! stays opaque and is passed on to the platform as it is.

use std::path::{Path, PathBuf};
use thiserror::Error;

/// A 102×126 24-bit BMP: 54-byte header and rows padded to 308 bytes.
pub const BMP_LEN: usize = 54 + 308 * 126;

/// Where vendor packages install the library; `KIOSK_WLT_LIBRARY` names another.
pub const SEARCH: [&str; 3] = [
    "/usr/lib/libwlt.so",
    "/usr/local/lib/libwlt.so",
    "/opt/idcard/lib/libwlt.so",
];

#[derive(Debug, Error)]
pub enum PhotoError {
    #[error("vendor photo library {path}: {reason}")]
    Load { path: PathBuf, reason: String },
    #[error("the photo is {0} bytes, not 1024")]
    Size(usize),
    #[error("the vendor library could not decode the photo (code {0})")]
    Decode(i32),
    #[error("the vendor library returned something that is not a BMP")]
    NotBmp,
}

/// `int unpack(char *wlt, char *bmp, int save_file)`: the entry point of the Linux vendor libraries (returns 1 on
/// success and fills `bmp` with [`BMP_LEN`] bytes).
type Unpack = unsafe extern "C" fn(*const u8, *mut u8, i32) -> i32;

pub struct PhotoDecoder {
    unpack: libloading::Symbol<'static, Unpack>,
    path: PathBuf,
}

impl PhotoDecoder {
    /// Loads the vendor library at `path`.
    pub fn load(path: &Path) -> Result<Self, PhotoError> {
        let err = |reason: String| PhotoError::Load {
            path: path.to_path_buf(),
            reason,
        };
        // SAFETY: loading a shared library runs its initialisers; the library is one the technician installed
        // for this reader, at a path only root can write. It is leaked on purpose: the symbol lives as long as
        // the process and a vendor library is not built to be unloaded.
        let lib: &'static libloading::Library = unsafe {
            Box::leak(Box::new(
                libloading::Library::new(path).map_err(|e| err(e.to_string()))?,
            ))
        };
        // SAFETY: the symbol's type is the vendor's documented signature.
        let unpack = unsafe { lib.get::<Unpack>(b"unpack\0") }.map_err(|e| err(e.to_string()))?;
        Ok(Self {
            unpack,
            path: path.to_path_buf(),
        })
    }

    /// The installed library, if any: `KIOSK_WLT_LIBRARY`, then the usual places.
    pub fn find_installed() -> Option<Self> {
        let env = std::env::var_os("KIOSK_WLT_LIBRARY").map(PathBuf::from);
        let candidates = env
            .into_iter()
            .chain(SEARCH.iter().map(PathBuf::from))
            .filter(|p| p.exists());
        for path in candidates {
            match Self::load(&path) {
                Ok(d) => return Some(d),
                Err(e) => tracing::warn!(error = %e, "vendor photo library not usable"),
            }
        }
        None
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Decodes a wlt photo into a BMP file image.
    pub fn decode(&self, wlt: &[u8]) -> Result<Vec<u8>, PhotoError> {
        if wlt.len() != 1024 {
            return Err(PhotoError::Size(wlt.len()));
        }
        let mut bmp = vec![0u8; BMP_LEN];
        // SAFETY: `wlt` holds the 1024 bytes the function reads and `bmp` the BMP_LEN bytes it writes.
        let code = unsafe { (self.unpack)(wlt.as_ptr(), bmp.as_mut_ptr(), 0) };
        if code != 1 {
            return Err(PhotoError::Decode(code));
        }
        if !bmp.starts_with(b"BM") {
            return Err(PhotoError::NotBmp);
        }
        Ok(bmp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a stand-in vendor library with the vendor's entry point (gcc is on every build machine) and checks
    /// that the photo goes through it, and that a library without the entry point is refused.
    #[test]
    fn a_vendor_library_is_loaded_at_run_time_and_used() {
        let dir = std::env::temp_dir().join(format!("kiosk-wlt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let src = dir.join("wlt.c");
        std::fs::write(
            &src,
            "int unpack(const unsigned char *w, unsigned char *b, int s) {\n\
               if (w[0] != 0x57) return -3;\n\
               b[0] = 'B'; b[1] = 'M'; for (int i = 2; i < 54 + 308 * 126; i++) b[i] = w[i % 1024];\n\
               return 1; }\n\
             int other(void) { return 0; }\n",
        )
        .unwrap();
        let lib = dir.join("libwlt.so");
        let status = std::process::Command::new("cc")
            .args(["-shared", "-fPIC", "-o"])
            .arg(&lib)
            .arg(&src)
            .status()
            .expect("a C compiler");
        assert!(status.success());
        let d = PhotoDecoder::load(&lib).unwrap();
        let mut wlt = vec![0x57u8; 1024];
        wlt[1] = 9;
        let bmp = d.decode(&wlt).unwrap();
        assert_eq!(bmp.len(), BMP_LEN);
        assert_eq!(&bmp[..2], b"BM");
        assert_eq!(bmp[1025], 9);
        assert!(matches!(
            d.decode(&[0u8; 1024]),
            Err(PhotoError::Decode(-3))
        ));
        assert!(matches!(d.decode(&[0u8; 10]), Err(PhotoError::Size(10))));
        assert!(PhotoDecoder::load(&dir.join("missing.so")).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
