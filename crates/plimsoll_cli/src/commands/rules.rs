//! `plimsoll rules` and `plimsoll rule NAME`.

use std::io::Write;

use plimsoll_linter::registry;

use crate::args::{RulesArgs, RulesFormat};
use crate::ExitStatus;

pub fn list(args: &RulesArgs, out: &mut dyn Write) -> Result<ExitStatus, String> {
    let rules: Vec<_> = registry::all().iter().map(|r| r.meta()).collect();
    let result = match args.format {
        RulesFormat::Json => serde_json::to_writer_pretty(&mut *out, &rules)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out)),
        RulesFormat::Full => rules.iter().try_for_each(|r| {
            let aliases = if r.aliases.is_empty() {
                String::new()
            } else {
                format!(" [{}]", r.aliases.join(", "))
            };
            let off = if r.default_enabled {
                ""
            } else {
                " (off by default)"
            };
            writeln!(
                out,
                "{:<6} {:<24} {:<8} {:<15} {}{aliases}{off}",
                r.code,
                r.name,
                r.severity.as_str(),
                r.category.as_str(),
                r.summary
            )
        }),
    };
    result.map_err(|e| format!("writing output: {e}"))?;
    Ok(ExitStatus::Success)
}

pub fn show(name: &str, out: &mut dyn Write) -> Result<ExitStatus, String> {
    let rule = registry::find(name)
        .ok_or_else(|| format!("unknown rule `{name}` (see `plimsoll rules` for the list)"))?;
    out.write_all(rule.meta().markdown().as_bytes())
        .map_err(|e| format!("writing output: {e}"))?;
    Ok(ExitStatus::Success)
}
