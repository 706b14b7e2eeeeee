//! The disk, for skiff's workspace loader: [`DiskFs`] implements `skiff_sema::load::FileSystem`
//! on `std::fs`. The CLI (`skiff check`, `build`, `explain`, `fmt`) and the language server
//! both load through it, so both read files by the same rules.
//!
//! This crate is for IO and nothing else: which files are read, and which are refused, is
//! decided once in `skiff_sema::load` (a crate that does no IO, so that fixtures and tests load
//! from memory through the same code). It is a crate of its own because the binaries both need
//! it and `skiff-sema` must not do IO; it is not for policy.
//!
//! The one rule enforced here too: [`FileSystem::read`] opens without blocking and without
//! following a final link, then checks the open file itself (`fstat`) before reading a byte, and
//! reads no more than the limit. The loader checks the same things before it reads, but a file
//! can be swapped for a FIFO, a device or a link between the check and the read.

use skiff_sema::load::{FileKind, FileSystem};
use std::ffi::OsString;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// The file system of the machine.
#[derive(Clone, Copy, Debug, Default)]
pub struct DiskFs;

fn kind_of(file_type: std::fs::FileType) -> FileKind {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return FileKind::Fifo;
        }
        if file_type.is_socket() {
            return FileKind::Socket;
        }
        if file_type.is_char_device() {
            return FileKind::CharDevice;
        }
        if file_type.is_block_device() {
            return FileKind::BlockDevice;
        }
    }
    if file_type.is_symlink() {
        FileKind::Symlink
    } else if file_type.is_dir() {
        FileKind::Dir
    } else if file_type.is_file() {
        FileKind::File
    } else {
        FileKind::Other
    }
}

impl FileSystem for DiskFs {
    fn real_path(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }

    fn metadata(&self, path: &Path) -> io::Result<(FileKind, u64)> {
        let meta = std::fs::symlink_metadata(path)?;
        Ok((kind_of(meta.file_type()), meta.len()))
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<(OsString, FileKind)>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(path)? {
            let entry = entry?;
            out.push((entry.file_name(), kind_of(entry.file_type()?)));
        }
        Ok(out)
    }

    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        let mut options = std::fs::OpenOptions::new();
        options.read(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW | libc::O_NOCTTY);
        }
        let file = options.open(path)?;
        let meta = file.metadata()?;
        if !meta.file_type().is_file() {
            let what = kind_of(meta.file_type());
            return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("not a regular file ({what:?})")));
        }
        if meta.len() > limit {
            return Err(io::Error::new(io::ErrorKind::InvalidData, format!("larger than {limit} bytes")));
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        // A file that grows while it is read stops at the limit too.
        file.take(limit + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            return Err(io::Error::new(io::ErrorKind::InvalidData, format!("larger than {limit} bytes")));
        }
        Ok(bytes)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("skiff-disk-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_fifo_is_refused_without_blocking_and_a_link_is_not_followed() {
        let dir = scratch("fifo");
        let fifo = dir.join("pipe.skiff");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
        assert!(made.success());
        assert_eq!(DiskFs.metadata(&fifo).unwrap().0, FileKind::Fifo);
        // Opened without O_NONBLOCK, this would wait for a writer forever.
        assert!(DiskFs.read(&fifo, 100).is_err());
        std::fs::write(dir.join("real.skiff"), "task t() {}\n").unwrap();
        std::os::unix::fs::symlink("real.skiff", dir.join("link.skiff")).unwrap();
        assert!(DiskFs.read(&dir.join("link.skiff"), 100).is_err(), "O_NOFOLLOW");
        assert_eq!(DiskFs.read(&dir.join("real.skiff"), 100).unwrap(), b"task t() {}\n");
        assert!(DiskFs.read(&dir.join("real.skiff"), 5).is_err(), "the limit");
        assert!(DiskFs.read(Path::new("/dev/zero"), 100).is_err(), "a device");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
