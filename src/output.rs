//! Writing into the output folder safely: every file is written under a temporary name beside its
//! final one (the same folder, so the rename is atomic) and renamed into place only when complete,
//! so an interrupted run never leaves a half-written file under a final name. Temporary names all
//! start with `TEMP_PREFIX`, so that the next run can recognise and remove what a killed run left.
//! Commands that rewrite files in an output folder take its lock (`lock`) first.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// Prefix of every temporary file `mine` creates in an output folder.
pub const TEMP_PREFIX: &str = ".tmp-";

/// A temporary file in `dir` that is meant to become `dir/<final_name>`. It is readable by
/// everyone like any file the user writes (tempfile's default of 0600 would hide CSVs from
/// collaborators and from services that read the folder).
pub fn temp_file(dir: &Path, final_name: &str) -> io::Result<NamedTempFile> {
    let prefix = format!("{TEMP_PREFIX}{final_name}-");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o644));
    }
    builder.tempfile_in(dir)
}

/// The lock file of an output folder; `mine index` holds its lock for the whole run.
pub const LOCK_FILE: &str = ".mine.lock";

/// Why the output folder's lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another `mine` command is writing to {} ({holder}); wait for it to finish",
        dir.display()
    )]
    Busy { dir: PathBuf, holder: String },
    #[error("cannot lock {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

/// Takes the lock of the existing output folder `out` for as long as the returned file lives, so
/// that `mine export` or `mine report` cannot rewrite CSVs while `mine index` writes them (or the
/// other way round). The lock is the operating system's: a killed process leaves none behind.
///
/// `command` names the holder (`mine index`) in the lock file, so that the message a second
/// command prints says who is writing.
pub fn lock(out: &Path, command: &str) -> Result<File, LockError> {
    let path = out.join(LOCK_FILE);
    let io_err = |source| LockError::Io {
        path: path.clone(),
        source,
    };
    let mut file = File::options()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .map_err(io_err)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            let holder = fs::read_to_string(&path).unwrap_or_default();
            return Err(LockError::Busy {
                dir: out.to_path_buf(),
                holder: holder.trim().to_string(),
            });
        }
        Err(fs::TryLockError::Error(e)) => return Err(io_err(e)),
    }
    file.set_len(0).map_err(io_err)?;
    write!(file, "{command}, pid {}", std::process::id()).map_err(io_err)?;
    Ok(file)
}

/// Removes the temporary files a killed run left in `dir`; returns how many.
pub fn remove_stale_temp_files(dir: &Path) -> io::Result<usize> {
    let mut removed = 0;
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(0);
    };
    for entry in entries {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX)
            && entry.file_type()?.is_file()
        {
            fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_files_carry_the_prefix_and_stale_ones_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = temp_file(dir.path(), "passages.csv").unwrap();
        let name = tmp
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(name.starts_with(".tmp-passages.csv-"), "{name}");
        // Simulate a killed run: the temporary file stays behind.
        tmp.keep().unwrap();
        fs::write(dir.path().join("hits.csv"), "kept").unwrap();
        assert_eq!(remove_stale_temp_files(dir.path()).unwrap(), 1);
        let left: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("hits.csv")]);
    }

    #[test]
    fn a_held_lock_refuses_a_second_holder_and_is_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let held = lock(dir.path(), "mine index").unwrap();
        let err = lock(dir.path(), "mine export").unwrap_err();
        assert!(
            err.to_string()
                .contains(&format!("(mine index, pid {})", std::process::id())),
            "{err}"
        );
        drop(held);
        assert!(lock(dir.path(), "mine export").is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn finished_files_are_readable_by_others() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let tmp = temp_file(dir.path(), "x.csv").unwrap();
        let path = dir.path().join("x.csv");
        tmp.persist(&path).unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o644
        );
    }
}
