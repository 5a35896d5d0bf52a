//! Replacing a file with a rewritten copy, keeping what the original was: a temporary
//! file beside it, written and synced, given the original's owner, group, mode, ACLs
//! and other extended attributes, then renamed over it. On any error, or when the
//! command is interrupted (SIGINT, SIGTERM, SIGHUP), the temporary file is removed and
//! the original is untouched.
//!
//! Only regular files are replaced. A symbolic link is followed: the file it points to
//! is rewritten and the link stays.

use std::fs::{File, Metadata, OpenOptions, Permissions};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::{fchown, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// `O_NONBLOCK`, the same on every Linux architecture the command builds for.
const O_NONBLOCK: i32 = 0o4000;

/// The temporary files being written, removed by the signal handler.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Installs the handler that removes the temporary files on SIGINT, SIGTERM and SIGHUP,
/// then exits with status 130.
pub(crate) fn remove_temporaries_on_signal() {
    let _ = ctrlc::set_handler(|| {
        if let Ok(pending) = PENDING.lock() {
            for p in pending.iter() {
                let _ = std::fs::remove_file(p);
            }
        }
        std::process::exit(130);
    });
}

/// Rewrites the regular file at `path` (following symbolic links) with `write`, which
/// gets the original open for reading and the temporary file to write to.
pub(crate) fn replace<T>(
    path: &Path,
    write: impl FnOnce(File, &mut BufWriter<&mut File>) -> io::Result<T>,
) -> io::Result<T> {
    let target = std::fs::canonicalize(path)?;
    let not_regular = || {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file; left as it is",
        )
    };
    if !std::fs::metadata(&target)?.file_type().is_file() {
        return Err(not_regular());
    }
    // Opened without blocking (a FIFO put in its place meanwhile would wait for a
    // writer), then checked again.
    let input = OpenOptions::new()
        .read(true)
        .custom_flags(O_NONBLOCK)
        .open(&target)?;
    let meta = input.metadata()?;
    if !meta.file_type().is_file() {
        return Err(not_regular());
    }
    let dir = target.parent().unwrap_or(Path::new("/"));
    let mut tmp = tempfile::Builder::new()
        .prefix(".rootrel-")
        .tempfile_in(dir)?;
    let tmp_path = tmp.path().to_path_buf();
    if let Ok(mut p) = PENDING.lock() {
        p.push(tmp_path.clone());
    }
    let result = (|| {
        let done = {
            let mut w = BufWriter::with_capacity(64 << 10, tmp.as_file_mut());
            let done = write(input, &mut w)?;
            w.flush()?;
            done
        };
        keep_metadata(&meta, &target, tmp.as_file())?;
        tmp.as_file().sync_all()?;
        Ok(done)
    })();
    let result = result.and_then(|done| {
        tmp.persist(&target).map_err(|e| e.error)?;
        Ok(done)
    });
    if let Ok(mut p) = PENDING.lock() {
        p.retain(|q| *q != tmp_path);
    }
    result
}

/// Gives `tmp` the owner, group, mode and extended attributes (POSIX ACLs among them)
/// of `original` (`meta`). Where the owner cannot be kept (another user's file, and not
/// run as root), the replacement is the caller's and keeps no setuid or setgid bit.
fn keep_metadata(meta: &Metadata, original: &Path, tmp: &File) -> io::Result<()> {
    let mut mode = meta.mode() & 0o7777;
    if fchown(tmp, Some(meta.uid()), Some(meta.gid())).is_err() {
        mode &= !0o6000;
        let _ = fchown(tmp, None, Some(meta.gid()));
    }
    // After the owner: changing it clears setuid and setgid.
    tmp.set_permissions(Permissions::from_mode(mode))?;
    // After the mode: an ACL sets the group bits to its mask, as on the original.
    let names = xattr::list(original)
        .map_err(|e| io::Error::new(e.kind(), format!("listing extended attributes: {e}")))?;
    for name in names {
        let keep = |e: io::Error| {
            let name = name.to_string_lossy();
            io::Error::new(e.kind(), format!("keeping extended attribute {name}: {e}"))
        };
        if let Some(value) = xattr::get(original, &name).map_err(keep)? {
            xattr::FileExt::set_xattr(tmp, &name, &value).map_err(keep)?;
        }
    }
    Ok(())
}
