//! Rules about single instructions and their order: FROM tags, ADD vs COPY,
//! COPY destinations and stages, HEALTHCHECK, EXPOSE, ONBUILD, ENV, USER.

use crate::rule::Rule;

mod support;

mod add_instead_of_copy;
mod copy_entire_filesystem;
mod copy_from_own_stage;
mod copy_from_unknown_stage;
mod copy_multiple_sources_to_file;
mod env_same_statement_reference;
mod expose_port_out_of_range;
mod inline_ignore_pragma;
mod instruction_before_from;
mod invalid_onbuild_trigger;
mod latest_base_image;
mod missing_healthcheck;
mod non_numeric_user;
mod relative_copy_without_workdir;
mod untagged_base_image;

pub use add_instead_of_copy::AddInsteadOfCopy;
pub use copy_entire_filesystem::CopyEntireFilesystem;
pub use copy_from_own_stage::CopyFromOwnStage;
pub use copy_from_unknown_stage::CopyFromUnknownStage;
pub use copy_multiple_sources_to_file::CopyMultipleSourcesToFile;
pub use env_same_statement_reference::EnvSameStatementReference;
pub use expose_port_out_of_range::ExposePortOutOfRange;
pub use inline_ignore_pragma::InlineIgnorePragma;
pub use instruction_before_from::InstructionBeforeFrom;
pub use invalid_onbuild_trigger::InvalidOnbuildTrigger;
pub use latest_base_image::LatestBaseImage;
pub use missing_healthcheck::MissingHealthcheck;
pub use non_numeric_user::NonNumericUser;
pub use relative_copy_without_workdir::RelativeCopyWithoutWorkdir;
pub use untagged_base_image::UntaggedBaseImage;

/// This family's rules; the registry merges and sorts every family's list.
pub(crate) static RULES: &[&dyn Rule] = &[
    &InlineIgnorePragma,
    &UntaggedBaseImage,
    &LatestBaseImage,
    &ExposePortOutOfRange,
    &AddInsteadOfCopy,
    &CopyMultipleSourcesToFile,
    &CopyFromUnknownStage,
    &CopyFromOwnStage,
    &InvalidOnbuildTrigger,
    &EnvSameStatementReference,
    &RelativeCopyWithoutWorkdir,
    &MissingHealthcheck,
    &InstructionBeforeFrom,
    &NonNumericUser,
    &CopyEntireFilesystem,
];

#[cfg(test)]
mod tests;
