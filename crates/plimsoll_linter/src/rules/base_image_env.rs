//! The ENV that well-known base images set, for `undefined-var`: BuildKit
//! expands variables against the base image's environment, which a static
//! linter cannot pull. Every image has `PATH` (BuildKit gives `scratch` a
//! default one); the official language images add their own variables.

/// Environment of images whose ENV is `PATH` only.
const OS_IMAGES: &[&str] = &[
    "alpine",
    "busybox",
    "debian",
    "ubuntu",
    "fedora",
    "centos",
    "rockylinux",
    "almalinux",
    "amazonlinux",
    "oraclelinux",
    "archlinux",
    "opensuse/leap",
    "opensuse/tumbleweed",
    "photon",
];

const JAVA: &[&str] = &["JAVA_HOME", "JAVA_VERSION", "LANG", "LANGUAGE", "LC_ALL"];

/// Language images and the variables their official Dockerfiles set (the
/// union over their current versions and variants).
const LANGUAGE_IMAGES: &[(&str, &[&[&str]])] = &[
    (
        "python",
        &[&[
            "LANG",
            "GPG_KEY",
            "PYTHON_VERSION",
            "PYTHON_SHA256",
            "PYTHON_PIP_VERSION",
            "PYTHON_SETUPTOOLS_VERSION",
            "PYTHON_GET_PIP_URL",
            "PYTHON_GET_PIP_SHA256",
        ]],
    ),
    ("node", &[&["NODE_VERSION", "YARN_VERSION"]]),
    ("golang", &[&["GOLANG_VERSION", "GOPATH", "GOTOOLCHAIN"]]),
    ("rust", &[&["RUSTUP_HOME", "CARGO_HOME", "RUST_VERSION"]]),
    (
        "ruby",
        &[&[
            "LANG",
            "RUBY_MAJOR",
            "RUBY_VERSION",
            "RUBY_DOWNLOAD_SHA256",
            "RUBY_DOWNLOAD_URL",
            "GEM_HOME",
            "BUNDLE_SILENCE_ROOT_WARNING",
            "BUNDLE_APP_CONFIG",
        ]],
    ),
    ("openjdk", &[JAVA]),
    ("eclipse-temurin", &[JAVA]),
    ("amazoncorretto", &[JAVA]),
    ("maven", &[JAVA, &["MAVEN_HOME", "MAVEN_CONFIG"]]),
    ("gradle", &[JAVA, &["GRADLE_HOME", "GRADLE_VERSION"]]),
    (
        "php",
        &[&[
            "PHPIZE_DEPS",
            "PHP_INI_DIR",
            "PHP_CFLAGS",
            "PHP_CPPFLAGS",
            "PHP_LDFLAGS",
            "GPG_KEYS",
            "PHP_VERSION",
            "PHP_URL",
            "PHP_ASC_URL",
            "PHP_SHA256",
            "APACHE_CONFDIR",
            "APACHE_ENVVARS",
        ]],
    ),
    (
        "nginx",
        &[&[
            "NGINX_VERSION",
            "NJS_VERSION",
            "NJS_RELEASE",
            "PKG_RELEASE",
            "DYNPKG_RELEASE",
        ]],
    ),
    (
        "httpd",
        &[&[
            "HTTPD_PREFIX",
            "HTTPD_VERSION",
            "HTTPD_SHA256",
            "HTTPD_PATCHES",
        ]],
    ),
    (
        "postgres",
        &[&["LANG", "GOSU_VERSION", "PG_MAJOR", "PG_VERSION", "PGDATA"]],
    ),
    (
        "redis",
        &[&["REDIS_VERSION", "REDIS_DOWNLOAD_URL", "REDIS_DOWNLOAD_SHA"]],
    ),
];

/// The .NET images under `mcr.microsoft.com/dotnet/`.
const DOTNET: &[&str] = &[
    "APP_UID",
    "ASPNETCORE_HTTP_PORTS",
    "ASPNET_VERSION",
    "DOTNET_GENERATE_ASPNET_CERTIFICATE",
    "DOTNET_NOLOGO",
    "DOTNET_RUNNING_IN_CONTAINER",
    "DOTNET_SDK_VERSION",
    "DOTNET_USE_POLLING_FILE_WATCHER",
    "DOTNET_VERSION",
    "NUGET_XMLDOC_MODE",
    "POWERSHELL_DISTRIBUTION_CHANNEL",
];

/// The repository of an image reference: no tag, digest, `docker.io/` or
/// `library/`, lower-cased.
fn repository(image: &str) -> String {
    let image = image.to_ascii_lowercase();
    let without_digest = image.split('@').next().unwrap_or(&image);
    // A `:` after the last `/` starts the tag (one before it is a registry port).
    let name = match without_digest.rfind(':') {
        Some(colon) if !without_digest[colon..].contains('/') => &without_digest[..colon],
        _ => without_digest,
    };
    let name = name.strip_prefix("docker.io/").unwrap_or(name);
    let name = name.strip_prefix("index.docker.io/").unwrap_or(name);
    name.strip_prefix("library/").unwrap_or(name).to_string()
}

/// The ENV keys `image` is known to set, or `None` when plimsoll does not
/// know the image.
pub(crate) fn known_env(image: &str) -> Option<Vec<&'static str>> {
    let repo = repository(image);
    let mut env = vec!["PATH"];
    if OS_IMAGES.contains(&repo.as_str()) {
        return Some(env);
    }
    if let Some((_, groups)) = LANGUAGE_IMAGES.iter().find(|(name, _)| *name == repo) {
        env.extend(groups.iter().flat_map(|g| g.iter().copied()));
        return Some(env);
    }
    if repo.starts_with("mcr.microsoft.com/dotnet/") {
        env.extend(DOTNET);
        return Some(env);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_matched_by_repository() {
        assert_eq!(known_env("alpine:3.20"), Some(vec!["PATH"]));
        assert_eq!(
            known_env("docker.io/library/debian@sha256:abc"),
            Some(vec!["PATH"])
        );
        assert!(known_env("python:3.12-slim")
            .unwrap()
            .contains(&"PYTHON_VERSION"));
        assert!(known_env("maven:3-eclipse-temurin-21")
            .unwrap()
            .contains(&"JAVA_HOME"));
        assert!(known_env("mcr.microsoft.com/dotnet/sdk:8.0")
            .unwrap()
            .contains(&"DOTNET_VERSION"));
        assert_eq!(known_env("registry.example.com:5000/alpine"), None);
        assert_eq!(known_env("example/app:1"), None);
    }
}
