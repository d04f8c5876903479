//! Where a run's lexicon files come from: a folder the user names (`--lexicons DIR`, else the
//! `MINE_LEXICONS` variable), else a `lexicons/` folder in the current folder, else the shipped
//! lexicons built into the binary. Takes that choice, gives back `LexiconFiles`: every
//! configuration file of the folder (the category files, `modifiers.toml`, `periods.toml`,
//! `userdict.txt`) as text, with the origin, so that the loaders never read the disk themselves
//! and a run records exactly what it used (the origin and a hash of every file).
//!
//! The built-in set is the repository's `lexicons/` folder at build time (`include_dir`), so an
//! installed `mine` works from any folder; `mine lexicon init DIR` writes it out for editing.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use super::{MODIFIERS_FILE, PERIODS_FILE, USERDICT_FILE};
use crate::error::ConfigError;

/// The shipped lexicon folder, as it was when this binary was built.
static BUILT_IN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/lexicons");

/// The environment variable that names a lexicon folder when `--lexicons` is not given.
pub const ENV_VAR: &str = "MINE_LEXICONS";

/// The folder looked for in the current folder when neither `--lexicons` nor `MINE_LEXICONS` says.
pub const DEFAULT_DIR: &str = "lexicons";

/// How the built-in files are named in messages and in the manifest.
pub const BUILT_IN_PREFIX: &str = "<built-in>";

/// Where the lexicons of a run come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Built into the binary.
    BuiltIn,
    Folder {
        dir: PathBuf,
        chosen_by: ChosenBy,
    },
}

/// What chose a lexicon folder: it decides what an error advises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChosenBy {
    /// `--lexicons DIR` (or `--dir DIR` of `mine lexicon check`).
    Flag,
    /// The `MINE_LEXICONS` variable.
    Env,
    /// `lexicons/` in the current folder.
    Found,
    /// The folder the manifest of an output folder names (`mine export`).
    Manifest,
}

/// One configuration file of a lexicon set.
#[derive(Clone, Debug)]
pub struct LexiconFile {
    /// File name inside the folder (`threat_narrative.toml`).
    pub name: String,
    /// The path messages name: the file in its folder, or `<built-in>/NAME`.
    pub path: PathBuf,
    pub text: String,
}

impl LexiconFile {
    /// blake3 of the file's bytes (hex).
    pub fn blake3(&self) -> String {
        blake3::hash(self.text.as_bytes()).to_hex().to_string()
    }
}

/// Every configuration file of a lexicon folder (or of the built-in set), sorted by name.
#[derive(Clone, Debug)]
pub struct LexiconFiles {
    pub origin: Origin,
    files: Vec<LexiconFile>,
}

/// Whether a file of a lexicon folder configures a run (documentation such as README.md does not).
fn is_config_file(name: &str) -> bool {
    name.ends_with(".toml") || name == USERDICT_FILE
}

impl LexiconFiles {
    /// The lexicons a command uses when `flag` is its `--lexicons` value: that folder, else the
    /// folder `MINE_LEXICONS` names, else `lexicons/` in the current folder if there is one, else
    /// the built-in set.
    pub fn resolve(flag: Option<&Path>) -> Result<LexiconFiles, ConfigError> {
        if let Some(dir) = flag {
            return LexiconFiles::folder(dir, ChosenBy::Flag);
        }
        if let Some(dir) = std::env::var_os(ENV_VAR).filter(|v| !v.is_empty()) {
            return LexiconFiles::folder(Path::new(&dir), ChosenBy::Env);
        }
        if Path::new(DEFAULT_DIR).is_dir() {
            return LexiconFiles::folder(Path::new(DEFAULT_DIR), ChosenBy::Found);
        }
        Ok(LexiconFiles::built_in())
    }

    /// The lexicons built into the binary.
    pub fn built_in() -> LexiconFiles {
        let mut files: Vec<LexiconFile> = BUILT_IN
            .files()
            .filter_map(|f| {
                let name = f.path().file_name()?.to_str()?.to_string();
                let text = f.contents_utf8()?.to_string();
                is_config_file(&name).then(|| LexiconFile {
                    path: Path::new(BUILT_IN_PREFIX).join(&name),
                    name,
                    text,
                })
            })
            .collect();
        files.sort_by(|a, b| a.name.cmp(&b.name));
        LexiconFiles {
            origin: Origin::BuiltIn,
            files,
        }
    }

    /// Reads the configuration files of the folder `dir` (not its sub-folders). A folder that
    /// cannot be read is an error naming it and what to do about it.
    pub fn folder(dir: &Path, chosen_by: ChosenBy) -> Result<LexiconFiles, ConfigError> {
        let advice = match chosen_by {
            ChosenBy::Flag => {
                "pass --lexicons with a folder of category files, or leave it out for the built-in lexicons"
            }
            ChosenBy::Env => {
                "it is named by MINE_LEXICONS: set it to a folder of category files, or unset it for the built-in lexicons"
            }
            ChosenBy::Found => {
                "it is the lexicons/ folder of the current folder: pass --lexicons DIR for another one"
            }
            ChosenBy::Manifest => {
                "it is the folder the last `mine index` used (manifest.json): pass --lexicons DIR for another one"
            }
        };
        let read = fs::read_dir(dir).map_err(|e| {
            ConfigError::new(
                dir,
                0,
                format!("cannot read the lexicon folder: {e}; {advice}"),
            )
        })?;
        let mut files = Vec::new();
        for item in read {
            let item =
                item.map_err(|e| ConfigError::new(dir, 0, format!("cannot list the folder: {e}")))?;
            let path = item.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()).map(String::from) else {
                continue;
            };
            if !is_config_file(&name) || !path.is_file() {
                continue;
            }
            let bytes = fs::read(&path)
                .map_err(|e| ConfigError::new(&path, 0, format!("cannot read the file: {e}")))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| ConfigError::new(&path, 0, "is not UTF-8 text"))?;
            files.push(LexiconFile { name, path, text });
        }
        files.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(LexiconFiles {
            origin: Origin::Folder {
                dir: dir.to_path_buf(),
                chosen_by,
            },
            files,
        })
    }

    /// Every file, sorted by name.
    pub fn files(&self) -> &[LexiconFile] {
        &self.files
    }

    /// The file called `name`, if the set has it.
    pub fn get(&self, name: &str) -> Option<&LexiconFile> {
        self.files.iter().find(|f| f.name == name)
    }

    /// The path a file called `name` has (or would have) in this set, for messages.
    pub fn path_of(&self, name: &str) -> PathBuf {
        match &self.origin {
            Origin::BuiltIn => Path::new(BUILT_IN_PREFIX).join(name),
            Origin::Folder { dir, .. } => dir.join(name),
        }
    }

    /// The category files: every `*.toml` except `modifiers.toml` and `periods.toml`, by name.
    pub fn categories(&self) -> impl Iterator<Item = &LexiconFile> {
        self.files.iter().filter(|f| {
            f.name.ends_with(".toml") && f.name != MODIFIERS_FILE && f.name != PERIODS_FILE
        })
    }

    /// One blake3 hash of every file's name and bytes: what the manifest records for the set.
    pub fn blake3(&self) -> String {
        let mut all = blake3::Hasher::new();
        for f in &self.files {
            all.update(f.name.as_bytes());
            all.update(&[0]);
            all.update(f.blake3().as_bytes());
        }
        all.finalize().to_hex().to_string()
    }

    /// The folder, when the files come from one.
    pub fn dir(&self) -> Option<&Path> {
        match &self.origin {
            Origin::BuiltIn => None,
            Origin::Folder { dir, .. } => Some(dir),
        }
    }
}

impl fmt::Display for LexiconFiles {
    /// `built-in lexicons (blake3 1a2b3c4d5e6f7a8b)` or `lexicons in DIR (from --lexicons)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.origin {
            Origin::BuiltIn => write!(f, "built-in lexicons (blake3 {})", &self.blake3()[..16]),
            Origin::Folder { dir, chosen_by } => {
                let why = match chosen_by {
                    ChosenBy::Flag => "from --lexicons",
                    ChosenBy::Env => "from MINE_LEXICONS",
                    ChosenBy::Found => "found in the current folder",
                    ChosenBy::Manifest => "as recorded by `mine index`",
                };
                write!(f, "lexicons in {} ({why})", dir.display())
            }
        }
    }
}

/// Writes the built-in lexicon folder (its README.md too) into `dir`, creating it; refuses to
/// overwrite a file unless `force`. Gives back the paths written, sorted.
pub fn write_built_in(dir: &Path, force: bool) -> Result<Vec<PathBuf>, ConfigError> {
    let mut written = Vec::new();
    let mut files: Vec<_> = BUILT_IN.files().collect();
    files.sort_by_key(|f| f.path());
    if !force
        && let Some(existing) = files
            .iter()
            .map(|f| dir.join(f.path()))
            .find(|p| p.exists())
    {
        return Err(ConfigError::new(
            &existing,
            0,
            "already exists; pass --force to overwrite the lexicon files",
        ));
    }
    fs::create_dir_all(dir)
        .map_err(|e| ConfigError::new(dir, 0, format!("cannot create the folder: {e}")))?;
    for file in files {
        let path = dir.join(file.path());
        fs::write(&path, file.contents())
            .map_err(|e| ConfigError::new(&path, 0, format!("cannot write: {e}")))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("lexicons")
    }

    #[test]
    fn the_built_in_set_is_the_shipped_folder() {
        // A file added to lexicons/ without a rebuild, or a stale build, would differ here.
        let built_in = LexiconFiles::built_in();
        let folder = LexiconFiles::folder(&shipped_dir(), ChosenBy::Flag).unwrap();
        let names = |s: &LexiconFiles| s.files().iter().map(|f| f.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&built_in), names(&folder));
        assert!(names(&built_in).contains(&PERIODS_FILE.to_string()));
        assert!(names(&built_in).contains(&USERDICT_FILE.to_string()));
        assert!(!names(&built_in).contains(&"README.md".to_string()));
        assert_eq!(built_in.blake3(), folder.blake3());
        assert_eq!(
            built_in.get(MODIFIERS_FILE).unwrap().path,
            Path::new("<built-in>/modifiers.toml")
        );
        assert_eq!(built_in.categories().count(), 3);
    }

    #[test]
    fn a_missing_folder_names_the_path_and_the_flag() {
        let err = LexiconFiles::folder(Path::new("no/such/lexicons"), ChosenBy::Flag).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("no/such/lexicons: cannot read the lexicon folder"),
            "{msg}"
        );
        assert!(msg.contains("--lexicons"), "{msg}");
        let err = LexiconFiles::folder(Path::new("no/such"), ChosenBy::Env).unwrap_err();
        assert!(err.to_string().contains("MINE_LEXICONS"), "{err}");
    }

    #[test]
    fn init_writes_the_built_in_files_and_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("mine-lexicons");
        let written = write_built_in(&out, false).unwrap();
        assert!(written.contains(&out.join("README.md")));
        let back = LexiconFiles::folder(&out, ChosenBy::Flag).unwrap();
        assert_eq!(back.blake3(), LexiconFiles::built_in().blake3());
        let err = write_built_in(&out, false).unwrap_err();
        assert!(err.to_string().contains("--force"), "{err}");
        assert!(write_built_in(&out, true).is_ok());
    }
}
