//! Shared by the context rules, `context::prepare` and the cache report: the
//! COPY/ADD sources that come from the build context, expanded, and what they
//! take from a context listing.

use plimsoll_context::{
    required_source_path, resolve_copy, source_context_path, BuildContext, ContextEntry,
    ContextListing, CopiedEntry, EntryKind,
};
use plimsoll_syntax::shell_lex::Lexer;
use plimsoll_syntax::typed::CopyView;
use plimsoll_syntax::{Arg, Instruction, Keyword};

use crate::semantic::{join_path, SemanticModel};

/// One source word of a COPY/ADD that reads the build context.
#[derive(Debug, Clone)]
pub(crate) struct ContextSource<'a> {
    /// Index of the instruction.
    pub index: usize,
    pub instruction: &'a Instruction,
    /// The source as written.
    pub arg: &'a Arg,
    /// The source after variable expansion.
    pub path: String,
    /// ARGs whose default values the expansion used (a `--build-arg` may differ).
    pub defaults_used: Vec<String>,
    /// `--exclude` patterns of the instruction.
    pub excludes: Vec<String>,
    /// `COPY --parents`: files keep their path (below a `/./` pivot).
    pub parents: bool,
}

impl ContextSource<'_> {
    /// `.`, `./`, `/`: the whole context.
    pub fn is_whole_context(&self) -> bool {
        self.clean_path().is_empty()
    }

    /// The context path the source names: `./` and `/` prefixes, trailing
    /// `/` and a `--parents` pivot (`./src/./app` → `src/app`) removed.
    pub fn clean_path(&self) -> String {
        source_context_path(&self.path, self.parents)
    }

    /// The context path BuildKit fails without (see
    /// [`required_source_path`]); `None` for wildcards that may match nothing.
    pub fn required_path(&self) -> Option<String> {
        required_source_path(&self.path, self.parents)
    }

    pub fn has_wildcards(&self) -> bool {
        self.path.contains(['*', '?', '['])
    }

    /// The listed entries the source takes; `None` when BuildKit would reject
    /// the pattern.
    pub fn resolve<'l>(&self, listing: &'l ContextListing) -> Option<Vec<&'l ContextEntry>> {
        resolve_pattern(&self.path, &self.excludes, self.parents, listing)
    }

    /// What the source takes and where each entry lands below the
    /// destination; `None` when BuildKit would reject the pattern.
    pub fn resolve_targets<'l>(&self, listing: &'l ContextListing) -> Option<Vec<CopiedEntry<'l>>> {
        let excludes: Vec<&str> = self.excludes.iter().map(String::as_str).collect();
        resolve_copy(&self.path, listing, &excludes, self.parents).ok()
    }

    /// The instruction as written, for messages: `COPY . .` (long ones cut).
    /// `--parents` is kept: it changes what the words mean.
    pub fn describe(&self) -> String {
        let mut text = crate::rules::copy_paths::as_written(self.instruction);
        if self.parents {
            let keyword = &self.instruction.keyword_text;
            text = format!("{keyword} --parents{}", &text[keyword.len()..]);
        }
        if text.chars().count() > 60 {
            format!("{}…", text.chars().take(59).collect::<String>())
        } else {
            text
        }
    }

    /// "with the default of ARG X" when defaults were used, for messages.
    pub fn defaults_note(&self) -> String {
        match self.defaults_used.as_slice() {
            [] => String::new(),
            names => format!(
                " (with the default value of {})",
                names
                    .iter()
                    .map(|n| format!("ARG {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// When `.dockerignore` is why `source` finds nothing: the excluded path it
/// would take. `None` when the source takes something that is sent, or when
/// nothing it could take is excluded.
pub(crate) fn ignored_match(source: &ContextSource<'_>, context: &BuildContext) -> Option<String> {
    context.ignore.as_ref()?;
    if source.is_whole_context() {
        return None;
    }
    let path = source.clean_path();
    let has_listed_below = |dir: &str| {
        let prefix = format!("{dir}/");
        context
            .listing
            .entries
            .iter()
            .any(|e| e.path.starts_with(&prefix))
    };
    if !source.has_wildcards() {
        // A directory with a `!` exception re-including part of it is still copied.
        return (context.is_excluded(&path) && !has_listed_below(&path)).then_some(path);
    }
    if !source.resolve(&context.listing)?.is_empty() {
        return None;
    }
    let literal: Vec<&str> = path
        .split('/')
        .take_while(|e| !e.contains(['*', '?', '[']))
        .collect();
    let literal = literal.join("/");
    if !literal.is_empty() && context.is_excluded(&literal) && !has_listed_below(&literal) {
        return Some(literal);
    }
    // The excluded entries with the directories above them, which a
    // `--parents` source needs to find where it starts.
    let mut excluded = ContextListing::default();
    let mut dirs = std::collections::HashSet::new();
    for entry in &context.listing.excluded {
        for (at, _) in entry.path.match_indices('/') {
            let dir = &entry.path[..at];
            if dirs.insert(dir) {
                excluded.entries.push(self::entry(dir, EntryKind::Dir));
            }
        }
        excluded.entries.push(entry.clone());
    }
    source
        .resolve(&excluded)?
        .iter()
        .find(|e| context.is_excluded(&e.path))
        .map(|e| e.path.clone())
}

/// The listed entries a COPY source (or bind-mount source) takes; `None`
/// when BuildKit would reject the pattern.
pub(crate) fn resolve_pattern<'l>(
    pattern: &str,
    excludes: &[String],
    parents: bool,
    listing: &'l ContextListing,
) -> Option<Vec<&'l ContextEntry>> {
    let excludes: Vec<&str> = excludes.iter().map(String::as_str).collect();
    resolve_copy(pattern, listing, &excludes, parents)
        .ok()
        .map(|taken| taken.into_iter().map(|c| c.entry).collect())
}

/// Whether a COPY source would take the file `path`, listed or not.
pub(crate) fn pattern_takes(pattern: &str, excludes: &[String], parents: bool, path: &str) -> bool {
    let mut mini = ContextListing::default();
    let mut at = 0;
    while let Some(slash) = path[at..].find('/') {
        at += slash;
        mini.entries.push(entry(&path[..at], EntryKind::Dir));
        at += 1;
    }
    mini.entries.push(entry(path, EntryKind::File));
    resolve_pattern(pattern, excludes, parents, &mini)
        .is_some_and(|taken| taken.iter().any(|e| e.path == path))
}

fn entry(path: &str, kind: EntryKind) -> ContextEntry {
    ContextEntry {
        path: path.to_owned(),
        kind,
        size: 0,
    }
}

/// Is the COPY/ADD source a remote one: a URL or a git address?
fn is_remote(value: &str) -> bool {
    value.contains("://") || value.starts_with("git@")
}

/// Every source from the build context, stage by stage (ONBUILD triggers run
/// in another build and are left out). Sources with variables that cannot be
/// resolved are left out too.
pub(crate) fn context_sources<'a>(model: &SemanticModel<'a>) -> Vec<ContextSource<'a>> {
    let mut out = Vec::new();
    for stage in &model.stages {
        for (index, instruction) in model.stage_instructions(stage) {
            out.extend(sources_of(model, index, instruction));
        }
    }
    out
}

/// The context sources of the COPY/ADD at `index` (none for `--from`).
pub(crate) fn sources_of<'a>(
    model: &SemanticModel<'a>,
    index: usize,
    instruction: &'a Instruction,
) -> Vec<ContextSource<'a>> {
    if !matches!(instruction.keyword, Keyword::Copy | Keyword::Add)
        || instruction.flag("from").is_some()
    {
        return Vec::new();
    }
    let Some(view) = instruction.as_copy() else {
        return Vec::new();
    };
    if view.destination.is_none() {
        return Vec::new();
    }
    let excludes: Vec<String> = instruction
        .flags
        .iter()
        .filter(|f| f.name == "exclude")
        .filter_map(|f| f.value.clone())
        .collect();
    // A boolean flag: bare or `=true`; BuildKit accepts it on COPY only.
    let parents = instruction.keyword == Keyword::Copy
        && instruction.flag("parents").is_some_and(|f| {
            f.value
                .as_deref()
                .is_none_or(|v| v.eq_ignore_ascii_case("true"))
        });
    view.sources
        .iter()
        .filter(|s| !CopyView::is_heredoc_source(s) && !is_remote(&s.value))
        .filter_map(|arg| {
            let (path, defaults_used) = expand(model, index, &arg.value)?;
            (!is_remote(&path)).then(|| ContextSource {
                index,
                instruction,
                arg,
                path,
                defaults_used,
                excludes: excludes.clone(),
                parents,
            })
        })
        .collect()
}

/// Expands `$VAR` in a word the way BuildKit does, from the ENV and ARG
/// defaults in force at `index`. `None` when a variable has no known value.
pub(crate) fn expand(
    model: &SemanticModel<'_>,
    index: usize,
    word: &str,
) -> Option<(String, Vec<String>)> {
    if !word.contains(['$', '"', '\'']) {
        return Some((word.to_owned(), Vec::new()));
    }
    let env = model.env_at(index);
    let stage_start = model
        .states
        .get(index)
        .and_then(|s| s.stage)
        .map_or(0, |s| model.stages[s].body.start);
    let lookup = |name: &str| -> Option<(String, bool)> {
        // An ARG declared later in the stage shadows ENV for what follows it.
        let stage_arg = model.file.instructions[stage_start.min(index)..index]
            .iter()
            .flat_map(|i| i.arg_declarations())
            .filter(|d| d.name == name)
            .last();
        if let Some(decl) = stage_arg {
            let default = decl.default.map(str::to_owned).or_else(|| {
                model
                    .global_args
                    .iter()
                    .rev()
                    .find(|g| g.name == name)
                    .and_then(|g| g.default.map(str::to_owned))
            });
            return default.filter(|d| !d.contains('$')).map(|d| (d, true));
        }
        env.iter()
            .rev()
            .find(|(k, _)| *k == name)
            .filter(|(_, v)| !v.contains('$'))
            .map(|(_, v)| ((*v).to_owned(), false))
    };
    let used = std::cell::RefCell::new(Vec::new());
    let lexer = Lexer {
        escape: model.file.escape,
        ..Lexer::default()
    };
    let expansion = lexer
        .process_word(word, &|name| {
            let (value, is_default) = lookup(name)?;
            if is_default {
                used.borrow_mut().push(name.to_owned());
            }
            Some(value)
        })
        .ok()?;
    if !expansion.unmatched.is_empty() || expansion.result.is_empty() {
        return None;
    }
    let mut used = used.into_inner();
    used.sort();
    used.dedup();
    Some((expansion.result, used))
}

/// A file the script of an ENTRYPOINT or CMD runs, traced to the build
/// context through the COPY that put it in the image.
#[derive(Debug, Clone)]
pub(crate) struct EntrypointScript<'a> {
    /// The word naming the script.
    pub word: &'a Arg,
    /// Where the script is in the image.
    pub image_path: String,
    /// Where it is in the context.
    pub context_path: String,
    /// The COPY/ADD that put it there.
    pub copy: &'a Instruction,
}

/// Directories of the default `PATH` of most base images.
const DEFAULT_PATH: &[&str] = &[
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
];

const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh"];

/// The script the final stage runs as its entrypoint (or CMD, when there is
/// no ENTRYPOINT), if it comes from the build context.
pub(crate) fn entrypoint_script<'a>(
    model: &SemanticModel<'a>,
    context: &BuildContext,
) -> Option<EntrypointScript<'a>> {
    let final_stage = model.final_stage()?;
    let chain = model.stage_chain(final_stage.index);
    let instructions: Vec<(usize, &'a Instruction)> = chain
        .iter()
        .flat_map(|&s| {
            model
                .stage_instructions(&model.stages[s])
                .collect::<Vec<_>>()
        })
        .collect();
    let last_of = |keyword: Keyword| {
        instructions
            .iter()
            .rev()
            .find(|(_, i)| i.keyword == keyword)
            .copied()
    };
    let (index, instruction) = last_of(Keyword::Entrypoint).or_else(|| last_of(Keyword::Cmd))?;
    let word = script_word(instruction)?;
    let value = word.value.as_str();
    if value.contains('$') {
        return None;
    }
    let workdir = &model.states[index].workdir;
    let candidates: Vec<String> = if value.contains('/') {
        vec![join_path(workdir, value)]
    } else {
        DEFAULT_PATH
            .iter()
            .map(|d| format!("{d}/{value}"))
            .collect()
    };
    // The last COPY that wrote the file wins.
    for &(copy_index, copy) in instructions.iter().rev() {
        if copy_index >= index {
            continue;
        }
        for candidate in &candidates {
            if let Some(context_path) = copied_from(model, copy_index, copy, candidate, context) {
                return Some(EntrypointScript {
                    word,
                    image_path: candidate.clone(),
                    context_path,
                    copy,
                });
            }
        }
    }
    None
}

/// The word of an ENTRYPOINT/CMD that names a script: the program, or the
/// file a shell is asked to run (`["sh", "/start.sh"]`).
fn script_word(instruction: &Instruction) -> Option<&Arg> {
    use plimsoll_syntax::typed::CommandForm;
    match instruction.command_form()? {
        CommandForm::Exec(args) => {
            let first = args.first()?;
            let base = first.value.rsplit('/').next().unwrap_or(&first.value);
            if SHELLS.contains(&base) {
                args.get(1).filter(|a| !a.value.starts_with('-'))
            } else {
                Some(first)
            }
        }
        // The shell form runs `sh -c "<text>"`: a lone script word is its file.
        CommandForm::Shell(arg) => {
            let text = arg.value.trim();
            (!text.is_empty() && !text.contains([' ', '\t', ';', '&', '|', '\n', '"', '\'']))
                .then_some(arg)
        }
        CommandForm::Empty => None,
    }
}

/// If the COPY at `index` put the file the image has at `image_path` there
/// from the context, its context path.
fn copied_from(
    model: &SemanticModel<'_>,
    index: usize,
    copy: &Instruction,
    image_path: &str,
    context: &BuildContext,
) -> Option<String> {
    let view = copy.as_copy()?;
    let destination = view.destination?;
    let workdir = &model.states[index].workdir;
    let (dest_word, _) = expand(model, index, &destination.value)?;
    let dest = join_path(workdir, &dest_word);
    let sources = sources_of(model, index, copy);
    let into_directory = dest_word.ends_with('/') || view.sources.len() > 1;
    for source in sources.iter().rev() {
        let copied = source.resolve_targets(&context.listing)?;
        // What the source matched itself: several of them make the
        // destination a directory.
        let roots = copied
            .iter()
            .filter(|c| c.named_file || c.target.is_empty())
            .count();
        let found = copied.iter().find(|c| {
            if c.entry.kind != EntryKind::File {
                return false;
            }
            if c.named_file && !into_directory && roots == 1 {
                return dest == image_path;
            }
            below(image_path, &dest) == Some(c.target.as_str())
        });
        if let Some(copied) = found {
            return Some(copied.entry.path.clone());
        }
    }
    None
}

/// `path` relative to directory `dir`, if strictly inside it.
fn below<'p>(path: &'p str, dir: &str) -> Option<&'p str> {
    let dir = dir.trim_end_matches('/');
    path.strip_prefix(dir)?
        .strip_prefix('/')
        .filter(|r| !r.is_empty())
}

/// `1234567` → `1.2 MiB`.
pub(crate) fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// `` `a` ``, `` `a` and `b` ``, `` `a`, `b` and 3 more `` for messages.
pub(crate) fn name_list(names: &[String], shown: usize) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    join_list(&quoted, shown)
}

/// `a`, `a and b`, `a, b and 3 more`.
pub(crate) fn join_list(items: &[String], shown: usize) -> String {
    let shown_items = &items[..items.len().min(shown.max(1))];
    let rest = items.len() - shown_items.len();
    match (shown_items, rest) {
        ([], _) => String::new(),
        ([one], 0) => one.clone(),
        (many, 0) => format!(
            "{} and {}",
            many[..many.len() - 1].join(", "),
            many[many.len() - 1]
        ),
        (many, rest) => format!("{} and {rest} more", many.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model_sources(src: &str) -> Vec<(String, Vec<String>)> {
        let file = plimsoll_syntax::parse(src);
        let model = SemanticModel::new(src, &file);
        context_sources(&model)
            .into_iter()
            .map(|s| (s.path, s.defaults_used))
            .collect()
    }

    #[test]
    fn sources_expand_known_variables_and_skip_the_rest() {
        let got = model_sources(
            "ARG APP=web\nFROM alpine\nARG APP\nENV CONF=etc\nARG UNSET\n\
             COPY ${APP}/ $CONF/app.conf $UNSET/x \"quoted\" /dst/\n\
             COPY --from=build /x /y\nADD https://example.com/a.tgz /\nCOPY <<EOF /f\nhi\nEOF\n",
        );
        assert_eq!(
            got,
            [
                ("web/".to_owned(), vec!["APP".to_owned()]),
                ("etc/app.conf".to_owned(), vec![]),
                ("quoted".to_owned(), vec![]),
            ]
        );
    }

    #[test]
    fn takes_sees_new_files() {
        let src = "FROM alpine\nCOPY src/ /app/\nCOPY *.json /app/\n";
        let file = plimsoll_syntax::parse(src);
        let model = SemanticModel::new(src, &file);
        let sources = context_sources(&model);
        let takes = |s: &ContextSource<'_>, path: &str| {
            pattern_takes(&s.path, &s.excludes, s.parents, path)
        };
        assert!(takes(&sources[0], "src/new/file.rs"));
        assert!(!takes(&sources[0], "srcx/file.rs"));
        assert!(takes(&sources[1], "package.json"));
        assert!(!takes(&sources[1], "web/package.json"));
    }

    #[test]
    fn parents_flag_is_read_like_buildkit() {
        let src = "FROM alpine\nCOPY --parents a /d/\nCOPY --parents=TRUE b /d/\n\
                   COPY --parents=false c /d/\nCOPY e /d/\nADD --parents f /d/\n";
        let file = plimsoll_syntax::parse(src);
        let model = SemanticModel::new(src, &file);
        let parents: Vec<bool> = context_sources(&model).iter().map(|s| s.parents).collect();
        assert_eq!(parents, [true, true, false, false, false]);
    }

    #[test]
    fn parents_sources_take_files_by_their_path() {
        let takes = |source: &str, excludes: &[&str], path: &str| {
            let excludes: Vec<String> = excludes.iter().map(|e| e.to_string()).collect();
            pattern_takes(source, &excludes, true, path)
        };
        assert!(takes("./src/./app/*.go", &[], "src/app/main.go"));
        assert!(!takes("./src/./app/*.go", &[], "app/main.go"));
        assert!(!takes("./src/./app/*.go", &[], "src/app/sub/x.go"));
        assert!(takes("**/package.json", &[], "package.json"));
        assert!(takes("**/package.json", &[], "packages/a/package.json"));
        assert!(!takes(
            "**/package.json",
            &["packages/b"],
            "packages/b/package.json"
        ));
        // Excludes are relative to the pivot directory.
        assert!(!takes("web/./", &["dist"], "web/dist/app.js"));
        assert!(takes("web/./", &["web/dist"], "web/dist/app.js"));
    }

    fn traced(dockerfile: &str, paths: &[&str]) -> Option<(String, String)> {
        let listing = ContextListing {
            entries: paths
                .iter()
                .map(|p| {
                    let kind = if p.contains('.') {
                        EntryKind::File
                    } else {
                        EntryKind::Dir
                    };
                    entry(p, kind)
                })
                .collect(),
            ..ContextListing::default()
        };
        let context = BuildContext::from_listing(
            "/ctx".into(),
            plimsoll_context::ContextOrigin::Explicit,
            listing,
            None,
        );
        let file = plimsoll_syntax::parse(dockerfile);
        let model = SemanticModel::new(dockerfile, &file);
        entrypoint_script(&model, &context).map(|s| (s.image_path, s.context_path))
    }

    #[test]
    fn entrypoint_is_traced_through_parents_copies() {
        let paths = ["scripts", "scripts/entry.sh", "bin", "bin/run.sh"];
        let pair = |a: &str, b: &str| Some((a.to_owned(), b.to_owned()));
        assert_eq!(
            traced(
                "FROM alpine\nCOPY --parents ./scripts/./entry.sh /usr/local/bin/\n\
                 ENTRYPOINT [\"entry.sh\"]\n",
                &paths
            ),
            pair("/usr/local/bin/entry.sh", "scripts/entry.sh")
        );
        // Without a pivot the directories are kept under the destination.
        let keep =
            "FROM alpine\nWORKDIR /opt\nCOPY --parents bin/*.sh .\nENTRYPOINT [\"SCRIPT\"]\n";
        assert_eq!(
            traced(&keep.replace("SCRIPT", "/opt/bin/run.sh"), &paths),
            pair("/opt/bin/run.sh", "bin/run.sh")
        );
        assert_eq!(traced(&keep.replace("SCRIPT", "/opt/run.sh"), &paths), None);
        // Even a single named file goes into the destination as a directory.
        assert_eq!(
            traced(
                "FROM alpine\nCOPY --parents ./scripts/./entry.sh /start\nCMD [\"/start\"]\n",
                &paths
            ),
            None
        );
        assert_eq!(
            traced(
                "FROM alpine\nCOPY scripts/entry.sh /start\nCMD [\"/start\"]\n",
                &paths
            ),
            pair("/start", "scripts/entry.sh")
        );
    }

    #[test]
    fn lists_and_sizes_read_well() {
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        assert_eq!(name_list(&names[..1], 5), "`a`");
        assert_eq!(name_list(&names, 5), "`a`, `b` and `c`");
        assert_eq!(name_list(&names, 2), "`a`, `b` and 1 more");
        assert_eq!(human_bytes(10), "10 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(5 * 1024 * 1024), "5.0 MiB");
    }
}
