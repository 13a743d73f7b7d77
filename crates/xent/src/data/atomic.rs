//! Writing a file so that a reader sees the old file or the new one, never half of either.

use crate::Error;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Writes `path` through `fill`: into a temporary file beside it (same directory, so the
/// rename cannot cross file systems), flushed and synced to disk, then renamed over `path`.
/// If `fill` or any step fails (a full disk, a file-size limit) the temporary file is
/// removed and `path` keeps its old contents, byte for byte. An existing file's permissions
/// are kept.
///
/// # Errors
/// [`Error::Io`] naming `path` for any failure of the file system, or the error `fill`
/// returns.
///
/// # Example
/// ```
/// use std::io::Write;
/// let path = std::env::temp_dir().join(format!("xent-atomic-{}.txt", std::process::id()));
/// std::fs::write(&path, "old").unwrap();
/// let failed = xent::data::write_atomically(&path, |w| {
///     w.write_all(b"half of the new")?;
///     Err(std::io::Error::other("the disk is full"))
/// });
/// assert!(failed.is_err());
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
/// xent::data::write_atomically(&path, |w| w.write_all(b"new"))?;
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), xent::Error>(())
/// ```
pub fn write_atomically(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    let io_error = |e: std::io::Error| Error::io(Some(path), &e);
    super::not_a_directory(path)?;
    if is_special(path) {
        // A device, pipe or socket (`/dev/stdout`, a FIFO): written in place, never replaced.
        return write_in_place(path, fill).map_err(io_error);
    }
    // A link is followed: the file it points to is replaced, the link stays a link.
    let resolved = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path).map_err(io_error)?,
        _ => path.to_path_buf(),
    };
    let path_shown = path;
    let path = resolved.as_path();
    let io_error = |e: std::io::Error| Error::io(Some(path_shown), &e);
    let temp = temporary_beside(path);
    let result = (|| -> std::io::Result<()> {
        let file = File::create(&temp)?;
        if let Ok(meta) = fs::metadata(path) {
            file.set_permissions(meta.permissions())?;
        }
        let mut writer = BufWriter::with_capacity(1 << 16, file);
        fill(&mut writer)?;
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&temp);
        return Err(io_error(e));
    }
    Ok(())
}

/// Checks, before any long work, that `path` can be written: its directory exists and takes
/// a new file, and `path` is not a directory. Nothing is left behind.
///
/// # Errors
/// [`Error::Io`] naming `path` and saying what is wrong.
///
/// # Example
/// ```
/// assert!(xent::data::check_writable(&std::env::temp_dir().join("xent-check.csv")).is_ok());
/// let err = xent::data::check_writable(std::path::Path::new("/no/such/dir/out.csv")).unwrap_err();
/// assert_eq!(err.to_string(), "/no/such/dir/out.csv: the folder /no/such/dir does not exist");
/// ```
pub fn check_writable(path: &Path) -> Result<(), Error> {
    use std::io::ErrorKind;
    let fail = |kind, message: String| Error::io_message(path, kind, &message);
    if path.is_dir() {
        return Err(fail(
            ErrorKind::IsADirectory,
            "is a directory, not a file".into(),
        ));
    }
    if is_special(path) {
        // Written in place; opening a FIFO to check it would wait for its reader.
        return Ok(());
    }
    let path = &fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = directory_of(path);
    if !dir.is_dir() {
        return Err(fail(
            ErrorKind::NotFound,
            format!("the folder {} does not exist", dir.display()),
        ));
    }
    let probe = temporary_beside(path);
    match File::create(&probe) {
        Ok(_) => {
            let _ = fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(fail(
            e.kind(),
            format!("cannot write in the folder {}: {e}", dir.display()),
        )),
    }
}

/// An existing path that is neither a regular file nor a directory (after links).
fn is_special(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// Writes into an existing device or pipe as it is.
fn write_in_place(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let file = fs::OpenOptions::new().write(true).open(path)?;
    let mut writer = BufWriter::with_capacity(1 << 16, file);
    fill(&mut writer)?;
    writer.flush()
}

/// The folder a file goes into (`.` for a bare file name).
fn directory_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A fresh hidden name in `path`'s folder: `.NAME.xent-PID-N.tmp`.
fn temporary_beside(path: &Path) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    directory_of(path).join(format!(".{name}.xent-{}-{n}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_no_temporary_file() {
        let dir = std::env::temp_dir().join(format!("xent-atomic-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let target = dir.join("model.json");
        fs::write(&target, "before").unwrap();
        let err = write_atomically(&target, |w| {
            w.write_all(&[b'x'; 100_000])?;
            Err(std::io::Error::other("stopped"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("stopped"), "{err}");
        assert_eq!(fs::read_to_string(&target).unwrap(), "before");
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("model.json")]);
        assert!(write_atomically(&dir, |_| Ok(())).is_err());
        assert!(check_writable(&dir).is_err());
        fs::remove_dir_all(&dir).ok();
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_and_devices_written_in_place() {
        let dir = std::env::temp_dir().join(format!("xent-atomic-link-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let real = dir.join("real.csv");
        let link = dir.join("link.csv");
        fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        check_writable(&link).unwrap();
        write_atomically(&link, |w| w.write_all(b"new")).unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        // /dev/null stays a device: written in place, not renamed over.
        check_writable(Path::new("/dev/null")).unwrap();
        write_atomically(Path::new("/dev/null"), |w| w.write_all(b"gone")).unwrap();
        assert!(!fs::metadata("/dev/null").unwrap().is_file());
        let full = write_atomically(Path::new("/dev/full"), |w| w.write_all(&[0; 1 << 17]));
        assert!(full
            .unwrap_err()
            .to_string()
            .starts_with("/dev/full: No space left"));
        assert!(!fs::metadata("/dev/full").unwrap().is_file());
        fs::remove_dir_all(&dir).ok();
    }
}
