//! Command knowledge shared by rules: which commands install dependencies from
//! which manifest files, which install system packages, which base images
//! already run as a non-root user. Data only; rules decide what it means.

/// A command that installs a project's dependencies from manifest files.
#[derive(Debug)]
pub struct DependencyInstall {
    /// Program name (basename).
    pub program: &'static str,
    /// Leading positional words that must match (`["mod", "download"]` for go);
    /// empty: any invocation without package arguments.
    pub subcommand: &'static [&'static str],
    /// Manifest files the install reads; the first is the one that must exist.
    pub manifests: &'static [&'static str],
    /// Is the install still manifest-driven when package names are given?
    /// (`npm install express` adds a package; `npm ci` reads the lock file.)
    pub allows_package_args: bool,
}

pub const DEPENDENCY_INSTALLS: &[DependencyInstall] = &[
    dep(
        "npm",
        &["ci"],
        &["package.json", "package-lock.json", "npm-shrinkwrap.json"],
        true,
    ),
    dep(
        "npm",
        &["install"],
        &["package.json", "package-lock.json"],
        false,
    ),
    dep("npm", &["i"], &["package.json", "package-lock.json"], false),
    dep(
        "yarn",
        &["install"],
        &["package.json", "yarn.lock", ".yarnrc.yml"],
        true,
    ),
    dep("yarn", &[], &["package.json", "yarn.lock"], false),
    dep(
        "pnpm",
        &["install"],
        &["package.json", "pnpm-lock.yaml"],
        false,
    ),
    dep("pnpm", &["i"], &["package.json", "pnpm-lock.yaml"], false),
    dep(
        "bun",
        &["install"],
        &["package.json", "bun.lockb", "bun.lock"],
        false,
    ),
    dep("pip", &["install", "-r"], &["requirements.txt"], true),
    dep("pip3", &["install", "-r"], &["requirements.txt"], true),
    dep(
        "poetry",
        &["install"],
        &["pyproject.toml", "poetry.lock"],
        true,
    ),
    dep("pipenv", &["install"], &["Pipfile", "Pipfile.lock"], false),
    dep("pipenv", &["sync"], &["Pipfile", "Pipfile.lock"], true),
    dep("uv", &["sync"], &["pyproject.toml", "uv.lock"], true),
    dep("uv", &["pip", "install", "-r"], &["requirements.txt"], true),
    dep("pdm", &["install"], &["pyproject.toml", "pdm.lock"], true),
    dep("go", &["mod", "download"], &["go.mod", "go.sum"], true),
    dep("cargo", &["fetch"], &["Cargo.toml", "Cargo.lock"], true),
    dep("bundle", &["install"], &["Gemfile", "Gemfile.lock"], true),
    dep("bundler", &["install"], &["Gemfile", "Gemfile.lock"], true),
    dep(
        "composer",
        &["install"],
        &["composer.json", "composer.lock"],
        true,
    ),
    dep("mvn", &["dependency:go-offline"], &["pom.xml"], true),
    dep("mvn", &["dependency:resolve"], &["pom.xml"], true),
    dep(
        "gradle",
        &["dependencies"],
        &["build.gradle", "settings.gradle"],
        true,
    ),
    dep("dotnet", &["restore"], &["*.csproj", "*.sln"], true),
    dep("mix", &["deps.get"], &["mix.exs", "mix.lock"], true),
];

const fn dep(
    program: &'static str,
    subcommand: &'static [&'static str],
    manifests: &'static [&'static str],
    allows_package_args: bool,
) -> DependencyInstall {
    DependencyInstall {
        program,
        subcommand,
        manifests,
        allows_package_args,
    }
}

/// Every manifest file name mentioned above (for "was a manifest copied on its own?").
pub fn is_manifest_name(name: &str) -> bool {
    DEPENDENCY_INSTALLS.iter().any(|d| {
        d.manifests.iter().any(|m| match m.strip_prefix('*') {
            Some(suffix) => name.ends_with(suffix),
            None => *m == name,
        })
    }) || name.starts_with("requirements") && name.ends_with(".txt")
}

/// Commands that install operating-system packages (slow, rarely change).
pub const SYSTEM_PACKAGE_INSTALLS: &[(&str, &[&str])] = &[
    ("apt-get", &["install", "update", "upgrade", "dist-upgrade"]),
    ("apt", &["install", "update", "upgrade"]),
    ("apk", &["add", "update", "upgrade"]),
    ("yum", &["install", "update", "groupinstall"]),
    ("dnf", &["install", "update", "upgrade"]),
    ("microdnf", &["install", "update"]),
    ("tdnf", &["install", "update"]),
    (
        "zypper",
        &["install", "in", "update", "up", "refresh", "ref"],
    ),
    ("pacman", &["-S", "-Syu", "-Sy"]),
    ("emerge", &[]),
];

/// Commands that download tools (slow, independent of the build context).
pub const DOWNLOAD_COMMANDS: &[&str] = &["curl", "wget"];

/// Base images that already run as a non-root user, matched against the image
/// reference (tag patterns with `*`). Users extend this in config.
pub const NON_ROOT_IMAGES: &[&str] = &[
    "gcr.io/distroless/*:nonroot",
    "gcr.io/distroless/*:*-nonroot",
    "gcr.io/distroless/*:debug-nonroot",
    "cgr.dev/chainguard/*",
    "mcr.microsoft.com/dotnet/*:*-chiseled*",
    "ubuntu/*:*-chiseled*",
    "bitnami/*",
    "nginxinc/nginx-unprivileged*",
    // Windows Nano Server images default to `ContainerUser`.
    "*nanoserver*",
];

/// BuildKit's build checks, by their names (`docker build --check`).
pub const BUILDKIT_CHECKS: &[&str] = &[
    "StageNameCasing",
    "FromAsCasing",
    "NoEmptyContinuation",
    "ConsistentInstructionCasing",
    "DuplicateStageName",
    "ReservedStageName",
    "JSONArgsRecommended",
    "MaintainerDeprecated",
    "UndefinedArgInFrom",
    "WorkdirRelativePath",
    "UndefinedVar",
    "MultipleInstructionsDisallowed",
    "LegacyKeyValueFormat",
    "RedundantTargetPlatform",
    "SecretsUsedInArgOrEnv",
    "InvalidDefaultArgInFrom",
    "FromPlatformFlagConstDisallowed",
    "CopyIgnoredFile",
    "InvalidDefinitionDescription",
    "ExposeProtoCasing",
    "ExposeInvalidFormat",
    "InvalidBaseImagePlatform",
];

/// BuildKit checks that run only when enabled (`# check=experimental=...`);
/// `# check=skip=all` does not touch them.
pub const EXPERIMENTAL_BUILDKIT_CHECKS: &[&str] = &["InvalidDefinitionDescription"];

/// A code another tool uses (hadolint `DLxxxx`, ShellCheck `SCxxxx`, a BuildKit
/// check): a pragma naming one is meaningful even when no plimsoll rule maps to it.
pub fn is_foreign_code(name: &str) -> bool {
    let numbered = |prefix: &str| {
        name.strip_prefix(prefix)
            .is_some_and(|digits| digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()))
    };
    numbered("DL") || numbered("SC") || BUILDKIT_CHECKS.iter().any(|c| c.eq_ignore_ascii_case(name))
}

/// Build arguments BuildKit defines itself, usable in FROM without an ARG.
pub const PREDEFINED_PLATFORM_ARGS: &[&str] = &[
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDOSVERSION",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETOSVERSION",
    "TARGETARCH",
    "TARGETVARIANT",
    "TARGETSTAGE",
];

/// The known name closest to `name` within two edits (BuildKit's "did you mean").
pub fn closest_name<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (levenshtein(name, k), *k))
        .filter(|(d, _)| *d < 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(row[j + 1])
            };
            previous = current;
        }
    }
    row[b.len()]
}

/// Minimal glob: `*` matches any run of characters (including `/`).
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    let (mut p, mut t) = (0, 0);
    let (pat, txt) = (pattern.as_bytes(), text.as_bytes());
    let (mut star, mut mark) = (None, 0);
    while t < txt.len() {
        if p < pat.len() && (pat[p] == txt[t] || pat[p] == b'?') {
            p += 1;
            t += 1;
        } else if p < pat.len() && pat[p] == b'*' {
            star = Some(p);
            mark = t;
            p += 1;
        } else if let Some(s) = star {
            p = s + 1;
            mark += 1;
            t = mark;
        } else {
            return false;
        }
    }
    pat[p..].iter().all(|&b| b == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matching() {
        assert!(glob_matches(
            "gcr.io/distroless/*:nonroot",
            "gcr.io/distroless/static-debian12:nonroot"
        ));
        assert!(!glob_matches(
            "gcr.io/distroless/*:nonroot",
            "gcr.io/distroless/static:latest"
        ));
        assert!(glob_matches("bitnami/*", "bitnami/postgresql:16"));
    }

    #[test]
    fn manifest_names() {
        assert!(is_manifest_name("package.json"));
        assert!(is_manifest_name("requirements-dev.txt"));
        assert!(is_manifest_name("api.csproj"));
        assert!(!is_manifest_name("main.py"));
    }
}
