//! Command-line interface definition.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

const CHECK_EXAMPLES: &str = "\
Examples:
  plimsoll check                       lint every Dockerfile under the current directory
  plimsoll check Dockerfile api/       lint a file and a directory
  plimsoll check --format json .       machine-readable findings
  cat Dockerfile | plimsoll check - --stdin-filename Dockerfile
  plimsoll check --select security --failure-threshold error
  plimsoll rule exec-form-entrypoint   explain a rule";

#[derive(Debug, Parser)]
#[command(
    name = "plimsoll",
    version,
    about = "A fast Dockerfile linter: BuildKit-exact parsing, hadolint and BuildKit checks, and more",
    after_help = CHECK_EXAMPLES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint Dockerfiles (files, directories, or `-` for standard input).
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Parse one Dockerfile and print its syntax tree.
    Parse(ParseArgs),
    /// List every rule.
    Rules(RulesArgs),
    /// Print a rule's documentation (by name, code or alias).
    Rule { name: String },
    /// Show which build-context files each layer depends on, and what a change rebuilds.
    CacheReport(CacheReportArgs),
    /// Rewrite a Dockerfile for better layer caching and smaller images: the
    /// optimized file on standard output, the plan on standard error.
    #[command(after_help = OPTIMIZE_EXAMPLES)]
    Optimize(OptimizeArgs),
    /// Run the language server (LSP over standard input/output) for editors.
    Server,
}

const OPTIMIZE_EXAMPLES: &str = "\
Examples:
  plimsoll optimize Dockerfile > Dockerfile.new   optimized file on stdout, plan on stderr
  plimsoll optimize --diff Dockerfile             show the changes as a unified diff
  plimsoll optimize --write Dockerfile            rewrite the file in place
  plimsoll optimize --plan json Dockerfile        the plan as JSON, for tools";

#[derive(Debug, clap::Args)]
pub struct OptimizeArgs {
    /// The Dockerfile (`-` reads standard input).
    pub file: PathBuf,
    /// Rewrite the file in place instead of printing it.
    #[arg(long, conflicts_with = "diff")]
    pub write: bool,
    /// Print a unified diff instead of the optimized file.
    #[arg(long)]
    pub diff: bool,
    /// How to print the plan on standard error.
    #[arg(long, value_enum, default_value = "text")]
    pub plan: PlanFormat,
    /// Use BuildKit cache mounts for apt and pip instead of deleting their
    /// caches (files that already use BuildKit syntax only).
    #[arg(long)]
    pub cache_mounts: bool,
    /// Add `COPY --link` where it is safe (files that already use BuildKit syntax only).
    #[arg(long)]
    pub link: bool,
    /// Build context, for the manifests-first split. Default: the context of a Compose
    /// service that builds the Dockerfile, else its folder.
    #[arg(long, value_name = "DIR", conflicts_with = "no_context")]
    pub context: Option<PathBuf>,
    /// Do not read the build context: the split names the usual manifests as patterns.
    #[arg(long)]
    pub no_context: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// One paragraph per step.
    Text,
    /// One JSON object (steps, suggestions, before/after numbers).
    Json,
    /// No plan.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Source snippets with labels and help (the default).
    Full,
    /// One line per finding: `file:line:col: severity rule message`.
    Concise,
    /// A JSON array of findings (see docs/output-formats.md).
    Json,
    /// One JSON object per line.
    JsonLines,
    /// SARIF 2.1.0 (GitHub code scanning and other dashboards).
    Sarif,
    /// Checkstyle XML.
    Checkstyle,
    /// GitLab Code Quality report.
    Gitlab,
    /// GitHub Actions annotations (workflow commands).
    Github,
    /// JUnit XML: a test case per file.
    Junit,
    /// `file:line:col: severity: message [rule]`.
    Gnu,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ThresholdArg {
    Error,
    Warning,
    Info,
    Style,
    None,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to lint; `-` reads standard input. Default: `.`.
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, env = "PLIMSOLL_FORMAT", default_value = "full")]
    pub format: OutputFormat,
    /// Name to report for standard input (and to find its config by).
    #[arg(long)]
    pub stdin_filename: Option<PathBuf>,
    /// Use this config file instead of discovering one.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Only these rules (names, codes, aliases, categories, `all`).
    #[arg(long, value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Also these rules.
    #[arg(long, value_delimiter = ',')]
    pub extend_select: Vec<String>,
    /// Not these rules.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Suppression comments (`# plimsoll ignore=`, `# hadolint ignore=`,
    /// `# check=skip=`) silence nothing.
    #[arg(long)]
    pub disable_ignore_pragma: bool,
    /// Exit 1 only for findings at or above this severity.
    #[arg(long, value_enum)]
    pub failure_threshold: Option<ThresholdArg>,
    /// Always exit 0 when linting worked, whatever was found.
    #[arg(long)]
    pub exit_zero: bool,
    /// Print how often each rule fired instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Write the report to this file instead of standard output.
    #[arg(short = 'o', long)]
    pub output_file: Option<PathBuf>,
    /// Apply safe fixes to the files, then report what is left.
    #[arg(long)]
    pub fix: bool,
    /// Also apply unsafe fixes (with --fix, --fix-only or --diff).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Apply fixes and report nothing else.
    #[arg(long)]
    pub fix_only: bool,
    /// Print the fixes as a unified diff; write nothing. Exit 1 if anything would change.
    #[arg(long, conflicts_with_all = ["fix", "fix_only"])]
    pub diff: bool,
    /// List the fixes that were applied.
    #[arg(long)]
    pub show_fixes: bool,
    /// Refuse files larger than this (e.g. 10MiB, 512KiB, 1048576). Default: 10MiB.
    #[arg(long, value_name = "SIZE", value_parser = plimsoll_linter::config::parse_size)]
    pub max_file_size: Option<u64>,
    /// Build context for the context rules. Default: the context of a Compose service
    /// that builds the Dockerfile, else its folder.
    #[arg(long, value_name = "DIR", conflicts_with = "no_context")]
    pub context: Option<PathBuf>,
    /// Do not read the build context (the context rules then find nothing).
    #[arg(long)]
    pub no_context: bool,
    /// Run this ShellCheck executable on RUN scripts (default: `shellcheck`
    /// from PATH, when there is one).
    #[arg(long, value_name = "PATH", conflicts_with = "no_shellcheck")]
    pub shellcheck: Option<PathBuf>,
    /// Do not run ShellCheck, even when it is on PATH.
    #[arg(long)]
    pub no_shellcheck: bool,
    /// Say what plimsoll is doing: which ShellCheck runs, or that none was found.
    #[arg(short, long)]
    pub verbose: bool,
}

impl CheckArgs {
    pub fn fixing(&self) -> bool {
        self.fix || self.fix_only || self.diff
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ParseFormat {
    /// BuildKit's AST dump, byte for byte.
    Buildkit,
    /// plimsoll's AST with byte spans.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct ParseArgs {
    pub file: PathBuf,
    #[arg(long, value_enum, default_value = "buildkit")]
    pub format: ParseFormat,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value = "full")]
    pub format: RulesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Full,
    Json,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  plimsoll cache-report                              layers of ./Dockerfile and the files each reads
  plimsoll cache-report --changed src/app.py         what editing src/app.py rebuilds
  plimsoll cache-report api/Dockerfile --context . --format json")]
pub struct CacheReportArgs {
    /// The Dockerfile.
    #[arg(default_value = "Dockerfile")]
    pub file: PathBuf,
    /// Build context. Default: the context of a Compose service that builds the
    /// Dockerfile, else its folder.
    #[arg(long, value_name = "DIR", conflicts_with = "no_context")]
    pub context: Option<PathBuf>,
    /// Do not read the build context: match changes against the sources as written.
    #[arg(long)]
    pub no_context: bool,
    /// Paths that changed (relative to the current directory, or to the context).
    #[arg(long, num_args = 1.., value_name = "PATH")]
    pub changed: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: CacheReportFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CacheReportFormat {
    Text,
    Json,
}
