//! Discovering corpus files: a folder (or a single file) in, the `.txt` and `.md` files to read,
//! sorted by their relative path, plus the entries that were passed over with a reason.
//!
//! Rules: recurse into sub-folders; take files whose extension is `txt` or `md` in any case;
//! ignore hidden files and folders (name starting with `.`) and, in the root only, `README.md`,
//! `metadata.csv` and `overrides.csv`; follow symbolic links, except one to a folder already
//! visited (a loop, or the same folder twice), which is skipped with its reason; a folder that
//! cannot be read is skipped, not fatal. Documents in formats that need converting first (`.pdf`,
//! `.doc`, `.docx` ...) are listed as skipped so that a user sees why they were not counted; other
//! files are ignored silently. Sorting by `rel` (byte order) makes every run see the same order.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq)]
pub struct CorpusFile {
    pub path: PathBuf,
    /// Relative to the corpus root, `/` separators.
    pub rel: String,
    /// Size in bytes when the folder was walked (to group small files into batches of work).
    pub size: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Skipped {
    pub file: String,
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Discovery {
    pub files: Vec<CorpusFile>,
    pub skipped: Vec<Skipped>,
    /// Folders left out because they are the run's output folder (relative, with a trailing `/`).
    pub excluded: Vec<String>,
}

/// The root itself is missing or unusable; nothing inside a root is ever fatal.
#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", path.display())]
pub struct DiscoverError {
    pub path: PathBuf,
    pub message: String,
}

/// Files of the root that describe the corpus rather than belong to it.
const ROOT_CONFIG_FILES: [&str; 3] = ["readme.md", "metadata.csv", "overrides.csv"];

/// Document formats a user may expect to be read; they are reported instead of silently ignored.
const NEEDS_CONVERSION: [&str; 7] = ["pdf", "doc", "docx", "rtf", "odt", "html", "htm"];

/// Lists the corpus files under `root` (or `root` itself when it is a file, with its file name as
/// `rel`).
pub fn discover(root: &Path) -> Result<Discovery, DiscoverError> {
    discover_excluding(root, None)
}

/// `discover`, leaving out the folder `exclude` (the output folder, when it lies inside the
/// corpus: its codebook and README would otherwise be read as documents on the next run).
pub fn discover_excluding(root: &Path, exclude: Option<&Path>) -> Result<Discovery, DiscoverError> {
    let root_error = |message: String| DiscoverError {
        path: root.to_path_buf(),
        message,
    };
    let meta = fs::metadata(root).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => root_error("no such file or folder".into()),
        _ => root_error(format!("cannot read: {e}")),
    })?;
    let mut discovery = Discovery::default();
    if meta.is_file() {
        let rel = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| root_error("has no file name".into()))?;
        discovery.files.push(CorpusFile {
            path: root.to_path_buf(),
            rel,
            size: meta.len(),
        });
        return Ok(discovery);
    }
    if !meta.is_dir() {
        return Err(root_error("not a folder or a regular file".into()));
    }
    let canonical = fs::canonicalize(root).map_err(|e| root_error(format!("cannot read: {e}")))?;
    let mut walk = Walk {
        visited: HashSet::from([canonical]),
        excluded: exclude.and_then(|p| fs::canonicalize(p).ok()),
        discovery,
    };
    walk.folder(root, "")
        .map_err(|e| root_error(format!("cannot read folder: {e}")))?;
    let Walk { mut discovery, .. } = walk;
    discovery.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    discovery.skipped.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(discovery)
}

struct Walk {
    /// Canonical paths of the folders entered so far: a symlink to one of them is a loop.
    visited: HashSet<PathBuf>,
    /// Canonical path of the folder to leave out.
    excluded: Option<PathBuf>,
    discovery: Discovery,
}

impl Walk {
    /// Walks one folder; `prefix` is its `rel` with a trailing `/` (empty for the root). Only an
    /// unreadable root is an error; below it, problems become `Skipped` entries.
    fn folder(&mut self, dir: &Path, prefix: &str) -> std::io::Result<()> {
        for entry in fs::read_dir(dir)? {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    self.skip(prefix, format!("cannot read folder entry: {e}"));
                    continue;
                }
            };
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                let lossy = entry.file_name().to_string_lossy().into_owned();
                self.skip(&format!("{prefix}{lossy}"), "file name is not valid UTF-8");
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            let rel = format!("{prefix}{name}");
            let path = entry.path();
            let is_link = entry.file_type().is_ok_and(|t| t.is_symlink());
            // `fs::metadata` follows symbolic links, so a link is judged by its target.
            let meta = match fs::metadata(&path) {
                Ok(meta) => meta,
                Err(_) if is_link => {
                    self.skip(&rel, "broken symbolic link");
                    continue;
                }
                Err(e) => {
                    self.skip(&rel, format!("cannot read: {e}"));
                    continue;
                }
            };
            if meta.is_dir() {
                self.subfolder(&path, &rel, is_link);
            } else if meta.is_file() {
                self.file(path, rel, meta.len(), prefix.is_empty());
            }
        }
        Ok(())
    }

    fn subfolder(&mut self, path: &Path, rel: &str, is_link: bool) {
        let canonical = fs::canonicalize(path);
        if let (Ok(canonical), Some(excluded)) = (&canonical, &self.excluded)
            && canonical == excluded
        {
            self.discovery.excluded.push(format!("{rel}/"));
            return;
        }
        match canonical.map(|canonical| self.visited.insert(canonical)) {
            Ok(false) => {
                let reason = if is_link {
                    "symbolic link to a folder already visited (loop or duplicate)"
                } else {
                    "folder already visited"
                };
                self.skip(&format!("{rel}/"), reason);
            }
            Ok(true) => {
                if let Err(e) = self.folder(path, &format!("{rel}/")) {
                    self.skip(&format!("{rel}/"), format!("cannot read folder: {e}"));
                }
            }
            Err(e) => self.skip(&format!("{rel}/"), format!("cannot read folder: {e}")),
        }
    }

    fn file(&mut self, path: PathBuf, rel: String, size: u64, in_root: bool) {
        let name = rel.rsplit('/').next().unwrap_or(&rel);
        let lower = name.to_lowercase();
        if in_root && ROOT_CONFIG_FILES.contains(&lower.as_str()) {
            return;
        }
        let extension = lower.rsplit_once('.').map_or("", |(_, ext)| ext);
        if extension == "txt" || extension == "md" {
            self.discovery.files.push(CorpusFile { path, rel, size });
        } else if NEEDS_CONVERSION.contains(&extension) {
            self.skip(
                &rel,
                format!("not a .txt or .md file (extract the text of the .{extension} first)"),
            );
        }
    }

    fn skip(&mut self, file: &str, reason: impl Into<String>) {
        self.discovery.skipped.push(Skipped {
            file: file.to_string(),
            reason: reason.into(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(root: &Path, rel: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "美日同盟。").unwrap();
    }

    fn rels(d: &Discovery) -> Vec<&str> {
        d.files.iter().map(|f| f.rel.as_str()).collect()
    }

    #[test]
    fn the_output_folder_inside_the_corpus_is_left_out() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "paper.txt");
        touch(dir.path(), "out/codebook.md");
        touch(dir.path(), "outside/other.md");
        let d = discover_excluding(dir.path(), Some(&dir.path().join("out"))).unwrap();
        assert_eq!(rels(&d), ["outside/other.md", "paper.txt"]);
        assert_eq!(d.excluded, ["out/"]);
        assert!(d.skipped.is_empty());
        let d = discover(dir.path()).unwrap();
        assert_eq!(
            rels(&d),
            ["out/codebook.md", "outside/other.md", "paper.txt"]
        );
    }

    #[test]
    fn takes_txt_and_md_in_any_case_sorted_by_relative_path() {
        let dir = tempfile::tempdir().unwrap();
        for rel in [
            "b.txt",
            "a/z.MD",
            "a/b/c.Txt",
            "A.txt",
            "notes.csv",
            "image.png",
            "a.txt.bak",
        ] {
            touch(dir.path(), rel);
        }
        let d = discover(dir.path()).unwrap();
        assert_eq!(rels(&d), ["A.txt", "a/b/c.Txt", "a/z.MD", "b.txt"]);
        assert!(d.skipped.is_empty(), "{:?}", d.skipped);
        assert_eq!(d.files[2].path, dir.path().join("a/z.MD"));
    }

    #[test]
    fn ignores_hidden_entries_and_root_config_files_only_in_the_root() {
        let dir = tempfile::tempdir().unwrap();
        for rel in [
            ".hidden.txt",
            ".git/HEAD.txt",
            "sub/.draft.md",
            "README.md",
            "metadata.csv",
            "sub/README.md",
            "paper.md",
        ] {
            touch(dir.path(), rel);
        }
        let d = discover(dir.path()).unwrap();
        assert_eq!(rels(&d), ["paper.md", "sub/README.md"]);
    }

    #[test]
    fn documents_needing_conversion_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "scan.PDF");
        touch(dir.path(), "paper.txt");
        let d = discover(dir.path()).unwrap();
        assert_eq!(rels(&d), ["paper.txt"]);
        assert_eq!(d.skipped.len(), 1);
        assert_eq!(d.skipped[0].file, "scan.PDF");
        assert!(d.skipped[0].reason.contains(".pdf"), "{:?}", d.skipped);
    }

    #[test]
    fn a_file_as_root_is_the_whole_corpus() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "sub/one.txt");
        let d = discover(&dir.path().join("sub/one.txt")).unwrap();
        assert_eq!(rels(&d), ["one.txt"]);
    }

    #[test]
    fn a_missing_root_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no_corpus");
        let e = discover(&missing).unwrap_err();
        assert_eq!(e.path, missing);
        assert!(
            e.to_string().ends_with("no_corpus: no such file or folder"),
            "{e}"
        );
    }

    #[test]
    fn the_shipped_corpus_has_five_papers() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let d = discover(&root).unwrap();
        assert_eq!(
            rels(&d),
            [
                "dong_2023_alliance_strengthening.txt",
                "li_tan_2025_time_frame.txt",
                "peng_2023_cost_sharing.txt",
                "yao_zhou_2023_trilateral_mechanism.txt",
                "zhao_wang_2025_trump_second_term.txt",
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_loop_is_skipped_with_its_reason() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "a/paper.txt");
        symlink(dir.path(), dir.path().join("a/back_to_root")).unwrap();
        symlink(dir.path().join("a"), dir.path().join("also_a")).unwrap();
        symlink(
            dir.path().join("a/paper.txt"),
            dir.path().join("linked.txt"),
        )
        .unwrap();
        symlink(dir.path().join("gone.txt"), dir.path().join("broken.txt")).unwrap();
        let d = discover(dir.path()).unwrap();
        // `also_a` or `a` is entered first depending on the folder order; either way once.
        let papers: Vec<_> = rels(&d)
            .into_iter()
            .filter(|r| r.ends_with("paper.txt"))
            .collect();
        assert_eq!(papers.len(), 1, "{:?}", d.files);
        assert!(rels(&d).contains(&"linked.txt"));
        let reasons: Vec<_> = d
            .skipped
            .iter()
            .map(|s| (s.file.as_str(), s.reason.as_str()))
            .collect();
        assert!(
            reasons.contains(&("broken.txt", "broken symbolic link")),
            "{reasons:?}"
        );
        assert_eq!(
            reasons
                .iter()
                .filter(|(_, r)| r.contains("already visited"))
                .count(),
            2,
            "{reasons:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_unreadable_folder_is_skipped_not_fatal() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "open/paper.txt");
        touch(dir.path(), "closed/secret.txt");
        let closed = dir.path().join("closed");
        fs::set_permissions(&closed, fs::Permissions::from_mode(0o000)).unwrap();
        let readable = fs::read_dir(&closed).is_ok(); // root ignores permissions
        let d = discover(dir.path()).unwrap();
        fs::set_permissions(&closed, fs::Permissions::from_mode(0o755)).unwrap();
        if readable {
            assert_eq!(rels(&d), ["closed/secret.txt", "open/paper.txt"]);
        } else {
            assert_eq!(rels(&d), ["open/paper.txt"]);
            assert_eq!(d.skipped[0].file, "closed/");
            assert!(d.skipped[0].reason.starts_with("cannot read folder"));
        }
    }
}
