//! Rules about other commands in RUN scripts: language package managers
//! (pip, npm, gem, go, yarn), sudo, cd, curl/wget, pipes, useradd.
//!
//! Every rule reads the parsed shell script of each RUN (`ONBUILD RUN`
//! triggers included) through [`support::runs`], never the raw text.

mod cd_instead_of_workdir;
mod consecutive_run_instructions;
mod copied_archive_extracted;
mod curl_and_wget;
mod gem_package_unpinned;
mod go_package_unpinned;
mod npm_package_unpinned;
mod pip_install_without_no_cache_dir;
mod pip_package_unpinned;
mod pipe_without_pipefail;
mod pointless_container_command;
mod sudo_in_run;
mod support;
mod symlink_bin_sh;
mod useradd_without_no_log_init;
mod wget_progress_bar;
mod yarn_cache_not_cleaned;

use crate::rule::Rule;

pub use cd_instead_of_workdir::CdInsteadOfWorkdir;
pub use consecutive_run_instructions::ConsecutiveRunInstructions;
pub use copied_archive_extracted::CopiedArchiveExtracted;
pub use curl_and_wget::CurlAndWget;
pub use gem_package_unpinned::GemPackageUnpinned;
pub use go_package_unpinned::GoPackageUnpinned;
pub use npm_package_unpinned::NpmPackageUnpinned;
pub use pip_install_without_no_cache_dir::PipInstallWithoutNoCacheDir;
pub use pip_package_unpinned::PipPackageUnpinned;
pub use pipe_without_pipefail::PipeWithoutPipefail;
pub use pointless_container_command::PointlessContainerCommand;
pub use sudo_in_run::SudoInRun;
pub use symlink_bin_sh::SymlinkBinSh;
pub use useradd_without_no_log_init::UseraddWithoutNoLogInit;
pub use wget_progress_bar::WgetProgressBar;
pub use yarn_cache_not_cleaned::YarnCacheNotCleaned;

/// This family's rules; the registry merges and sorts every family's list.
pub(crate) static RULES: &[&dyn Rule] = &[
    &PointlessContainerCommand,
    &CdInsteadOfWorkdir,
    &SudoInRun,
    &CopiedArchiveExtracted,
    &PipPackageUnpinned,
    &NpmPackageUnpinned,
    &GemPackageUnpinned,
    &PipInstallWithoutNoCacheDir,
    &UseraddWithoutNoLogInit,
    &WgetProgressBar,
    &ConsecutiveRunInstructions,
    &YarnCacheNotCleaned,
    &GoPackageUnpinned,
    &CurlAndWget,
    &SymlinkBinSh,
    &PipeWithoutPipefail,
];
