//! Rules about other commands in RUN scripts: language package managers
//! (pip, npm, gem, go, yarn), sudo, cd, curl/wget, pipes, useradd.
//!
//! Every rule reads the parsed shell script of each RUN (`ONBUILD RUN`
//! triggers included) through [`support::runs`], never the raw text.

mod cd_instead_of_workdir;
mod consecutive_run_instructions;
mod copied_archive_extracted;
mod curl_and_wget;
mod pip_cache_in_layer;
mod pipe_without_pipefail;
mod pointless_container_command;
mod sudo_in_run;
mod support;
mod symlink_bin_sh;
mod unpinned_gem;
mod unpinned_go_package;
mod unpinned_npm_package;
mod unpinned_pip_package;
mod useradd_without_no_log_init;
mod wget_progress_bar;
mod yarn_cache_in_layer;

use crate::rule::Rule;

pub use cd_instead_of_workdir::CdInsteadOfWorkdir;
pub use consecutive_run_instructions::ConsecutiveRunInstructions;
pub use copied_archive_extracted::CopiedArchiveExtracted;
pub use curl_and_wget::CurlAndWget;
pub use pip_cache_in_layer::PipCacheInLayer;
pub use pipe_without_pipefail::PipeWithoutPipefail;
pub use pointless_container_command::PointlessContainerCommand;
pub use sudo_in_run::SudoInRun;
pub use symlink_bin_sh::SymlinkBinSh;
pub use unpinned_gem::UnpinnedGem;
pub use unpinned_go_package::UnpinnedGoPackage;
pub use unpinned_npm_package::UnpinnedNpmPackage;
pub use unpinned_pip_package::UnpinnedPipPackage;
pub use useradd_without_no_log_init::UseraddWithoutNoLogInit;
pub use wget_progress_bar::WgetProgressBar;
pub use yarn_cache_in_layer::YarnCacheInLayer;

/// This family's rules; the registry merges and sorts every family's list.
pub(crate) static RULES: &[&dyn Rule] = &[
    &PointlessContainerCommand,
    &CdInsteadOfWorkdir,
    &SudoInRun,
    &CopiedArchiveExtracted,
    &UnpinnedPipPackage,
    &UnpinnedNpmPackage,
    &UnpinnedGem,
    &PipCacheInLayer,
    &UseraddWithoutNoLogInit,
    &WgetProgressBar,
    &ConsecutiveRunInstructions,
    &YarnCacheInLayer,
    &UnpinnedGoPackage,
    &CurlAndWget,
    &SymlinkBinSh,
    &PipeWithoutPipefail,
];
