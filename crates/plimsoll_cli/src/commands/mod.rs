//! One module per subcommand.

pub mod cache_report;
pub mod check;
pub mod context;
pub mod ignore_fix;
pub mod optimize;
pub mod parse;
pub mod rules;

use std::io::Read;
use std::path::Path;

/// Files larger than this are refused unless `--max-file-size` or the config's
/// `max-file-size` says otherwise: real Dockerfiles are kilobytes, and a
/// multi-megabyte "Dockerfile" is almost always a mistake (a log, an image).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Read a file as a Dockerfile: errors name the file (and the byte offset for
/// bad UTF-8). Files over `max_size` bytes are refused before they are read.
pub fn read_dockerfile(path: &Path, max_size: u64) -> Result<String, String> {
    let name = path.display().to_string();
    let error = |e: std::io::Error| format!("{name}: {}", io_message(&e));
    let file = std::fs::File::open(path).map_err(error)?;
    let metadata = file.metadata().map_err(error)?;
    if metadata.is_dir() {
        return Err(format!("{name}: is a directory"));
    }
    if metadata.len() > max_size {
        return Err(too_large(&name, metadata.len(), max_size));
    }
    // The size on disk can lie (pipes, /proc): never read more than the limit allows.
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(error)?;
    if bytes.len() as u64 > max_size {
        return Err(too_large(&name, bytes.len() as u64, max_size));
    }
    decode_owned(bytes, &name)
}

/// `what` read in full, refused past `max_size` bytes.
pub fn read_limited(mut reader: impl Read, name: &str, max_size: u64) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    reader
        .by_ref()
        .take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("reading {name}: {}", io_message(&e)))?;
    if bytes.len() as u64 > max_size {
        return Err(format!(
            "{name}: more than {} of input, larger than the limit; raise it with --max-file-size",
            human_size(max_size)
        ));
    }
    Ok(bytes)
}

fn too_large(name: &str, len: u64, max_size: u64) -> String {
    format!(
        "{name}: file is {} ({len} bytes), larger than the {} limit; raise it with --max-file-size or `max-file-size` in plimsoll.toml",
        human_size(len),
        human_size(max_size)
    )
}

pub fn decode_owned(bytes: Vec<u8>, name: &str) -> Result<String, String> {
    if let Err(e) = plimsoll_syntax::decode(&bytes) {
        // git's heuristic: a NUL in the first 8000 bytes means binary.
        if bytes.iter().take(8000).any(|&b| b == 0) {
            return Err(format!("{name}: binary file, not a Dockerfile ({e})"));
        }
        return Err(format!("{name}: {e}"));
    }
    String::from_utf8(bytes).map_err(|e| format!("{name}: {e}"))
}

/// An I/O error without Rust's `(os error N)` suffix.
pub fn io_message(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" (os error ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// `10 MiB`, `512 KiB`, `100 bytes`: exact when possible, else one decimal.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (unit, name) in UNITS {
        if bytes >= unit {
            return if bytes % unit == 0 {
                format!("{} {name}", bytes / unit)
            } else {
                format!("{:.1} {name}", bytes as f64 / unit as f64)
            };
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_print() {
        assert_eq!(human_size(10 << 20), "10 MiB");
        assert_eq!(human_size(100_000_000), "95.4 MiB");
        assert_eq!(human_size(100), "100 bytes");
    }
}
