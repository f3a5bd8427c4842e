//! What a Dockerfile's layers are, and which of them a change to a source
//! file rebuilds: the numbers an optimization step is judged by.

use plimsoll_syntax::{parse, Keyword};

use crate::rules::copy_paths::context_copy;
use crate::semantic::{Base, SemanticModel};

/// One filesystem layer (RUN, COPY or ADD).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    /// 1-based line of the instruction.
    pub line: u32,
    /// The instruction on one line, shortened, for plans.
    pub text: String,
    /// A change to a source file (anything a COPY of the context brings in
    /// as a whole folder) rebuilds this layer.
    pub rebuilt_on_source_change: bool,
}

/// Layers of a Dockerfile, in file order (every stage).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub layers: Vec<Layer>,
}

impl Profile {
    pub fn of(source: &str) -> Profile {
        let file = parse(source);
        let model = SemanticModel::new(source, &file);
        let mut layers = Vec::new();
        // Per stage: does a source change reach the end of it?
        let mut stage_touched: Vec<bool> = Vec::with_capacity(model.stages.len());
        for stage in &model.stages {
            let mut touched = match stage.base {
                Base::Stage(parent) => stage_touched.get(parent).copied().unwrap_or(false),
                _ => false,
            };
            for (index, instruction) in model.stage_instructions(stage) {
                if !matches!(
                    instruction.keyword,
                    Keyword::Run | Keyword::Copy | Keyword::Add
                ) {
                    continue;
                }
                let workdir = &model.states[index].workdir;
                let volatile =
                    context_copy(index, instruction, workdir).is_some_and(|c| c.is_volatile);
                let from_touched = instruction
                    .flag("from")
                    .and_then(|f| f.value.as_deref())
                    .and_then(|name| {
                        model
                            .stage_by_name(name)
                            .map(|s| s.index)
                            .or_else(|| name.parse::<usize>().ok())
                    })
                    .is_some_and(|s| stage_touched.get(s).copied().unwrap_or(false));
                touched |= volatile || from_touched;
                layers.push(Layer {
                    line: instruction.start_line,
                    text: short(&instruction.original),
                    rebuilt_on_source_change: touched,
                });
            }
            stage_touched.push(touched);
        }
        Profile { layers }
    }

    pub fn rebuilt_on_source_change(&self) -> usize {
        self.layers
            .iter()
            .filter(|l| l.rebuilt_on_source_change)
            .count()
    }

    /// Layers rebuilt on a source change here that `after` no longer rebuilds
    /// (matched by their text), as `TEXT (line N)` of `after`.
    pub fn newly_cached(&self, after: &Profile) -> Vec<String> {
        let mut rebuilt: Vec<&str> = self
            .layers
            .iter()
            .filter(|l| l.rebuilt_on_source_change)
            .map(|l| l.text.as_str())
            .collect();
        let mut out = Vec::new();
        for layer in after.layers.iter().filter(|l| !l.rebuilt_on_source_change) {
            if let Some(i) = rebuilt.iter().position(|t| *t == layer.text) {
                rebuilt.remove(i);
                out.push(format!("{} (line {})", layer.text, layer.line));
            }
        }
        out
    }
}

/// An instruction on one line, whitespace collapsed, at most 60 characters.
pub(crate) fn short(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= 60 {
        one_line
    } else {
        let cut: String = one_line.chars().take(57).collect();
        format!("{cut}...")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_after_a_source_copy_are_rebuilt_and_so_are_stages_built_on_them() {
        let profile = Profile::of(
            "FROM python:3.12 AS build\nWORKDIR /app\nRUN apt-get update\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nRUN make\nFROM python:3.12\nCOPY --from=build /app /app\nFROM build AS test\nRUN pytest\n",
        );
        let rebuilt: Vec<bool> = profile
            .layers
            .iter()
            .map(|l| l.rebuilt_on_source_change)
            .collect();
        assert_eq!(rebuilt, [false, false, false, true, true, true, true]);
        assert_eq!(profile.rebuilt_on_source_change(), 4);
        assert_eq!(
            profile.layers[2].text,
            "RUN pip install -r requirements.txt"
        );
    }
}
