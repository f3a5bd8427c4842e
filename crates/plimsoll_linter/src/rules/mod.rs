//! One file per rule; each file's doc comment is the rule's documentation.

mod cache_busting_copy;
mod chown_after_copy;
mod copy_paths;
mod exec_form;
mod exec_form_cmd;
mod exec_form_entrypoint;
mod layer_order;
mod non_root_user;
mod parse_error;

pub use cache_busting_copy::CacheBustingCopy;
pub use chown_after_copy::ChownAfterCopy;
pub use exec_form_cmd::ExecFormCmd;
pub use exec_form_entrypoint::ExecFormEntrypoint;
pub use layer_order::LayerOrder;
pub use non_root_user::NonRootUser;
pub use parse_error::ParseError;
