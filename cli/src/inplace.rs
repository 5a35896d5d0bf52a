//! Replacing a file with a rewritten copy, keeping what the original was: a temporary
//! file beside it, written, given the original's owner, group, mode, ACLs and other
//! extended attributes and synced (one `fsync`), then renamed over it; the directory
//! is synced once after all the renames of a batch. On any error, or when the command
//! is interrupted (SIGINT, SIGTERM, SIGHUP), the temporary file is removed and the
//! original is untouched.
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

/// A rewritten copy written, synced and given the original's metadata, waiting to be
/// renamed over it ([`Prepared::commit`]); dropped, it is removed.
pub(crate) struct Prepared {
    /// INVARIANT: `Some` until committed.
    tmp: Option<tempfile::NamedTempFile>,
    target: PathBuf,
}

impl Prepared {
    /// Renames the copy over the original; returns the directory, to be synced once
    /// for all the files renamed in it ([`sync_dir`]).
    pub(crate) fn commit(mut self) -> io::Result<PathBuf> {
        let tmp = self.tmp.take().expect("committed once");
        let tmp_path = tmp.path().to_path_buf();
        let result = tmp.persist(&self.target).map_err(|e| e.error);
        forget(&tmp_path);
        result?;
        Ok(self.target.parent().unwrap_or(Path::new("/")).to_path_buf())
    }

    fn file(&mut self) -> &mut File {
        self.tmp.as_mut().expect("not committed").as_file_mut()
    }
}

impl Drop for Prepared {
    fn drop(&mut self) {
        if let Some(tmp) = &self.tmp {
            forget(tmp.path());
        }
    }
}

fn forget(tmp: &Path) {
    if let Ok(mut p) = PENDING.lock() {
        p.retain(|q| q != tmp);
    }
}

/// Makes the renames in `dir` durable.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Writes the rewritten copy of the regular file at `path` (following symbolic links)
/// with `write`, which gets the original open for reading and the copy to write to;
/// the copy is synced and has the original's metadata, ready to [`commit`](Prepared::commit).
pub(crate) fn prepare<T>(
    path: &Path,
    write: impl FnOnce(File, &mut BufWriter<&mut File>) -> io::Result<T>,
) -> io::Result<(Prepared, T)> {
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
    let tmp = tempfile::Builder::new()
        .prefix(".rootrel-")
        .tempfile_in(dir)?;
    if let Ok(mut p) = PENDING.lock() {
        p.push(tmp.path().to_path_buf());
    }
    let mut prepared = Prepared {
        tmp: Some(tmp),
        target,
    };
    let done = {
        let mut w = BufWriter::with_capacity(64 << 10, prepared.file());
        let done = write(input, &mut w)?;
        w.flush()?;
        done
    };
    let target = prepared.target.clone();
    keep_metadata(&meta, &target, prepared.file())?;
    prepared.file().sync_all()?;
    Ok((prepared, done))
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
