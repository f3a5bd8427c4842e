//! Bytes → text. Dockerfiles must be UTF-8; anything else is reported with the
//! offset of the first bad byte instead of being silently mangled.

use std::fmt;

/// Why bytes could not be read as a Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    NotUtf8 { offset: usize, line: usize },
    TooLarge { len: usize },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::NotUtf8 { offset, line } => write!(
                f,
                "file is not valid UTF-8: invalid byte at offset {offset} (line {line})"
            ),
            DecodeError::TooLarge { len } => {
                write!(f, "file is too large ({len} bytes; the limit is 4 GiB)")
            }
        }
    }
}

impl std::error::Error for DecodeError {}

/// Check that `bytes` is UTF-8 small enough for `u32` spans.
pub fn decode(bytes: &[u8]) -> Result<&str, DecodeError> {
    if u32::try_from(bytes.len()).is_err() {
        return Err(DecodeError::TooLarge { len: bytes.len() });
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
        DecodeError::NotUtf8 { offset, line }
    })
}
