//! Behaviour of the family across rules: what each finding points at, and
//! what each fix writes (insertions on the original text).

use crate::fix::fix_source;
use crate::lint::lint;
use crate::settings::Settings;

fn settings(rule: &str) -> Settings {
    Settings {
        select: Some(vec![rule.to_string()]),
        ..Settings::default()
    }
}

/// The text each finding of `rule` points at.
fn flagged(source: &str, rule: &str) -> Vec<String> {
    let settings = settings(rule);
    let file = plimsoll_syntax::parse(source);
    lint(source, &file, &settings.resolve(), &settings.options)
        .diagnostics
        .iter()
        .map(|d| d.span.text(source).to_string())
        .collect()
}

fn fixed(source: &str, rule: &str, unsafe_fixes: bool) -> String {
    let settings = settings(rule);
    fix_source(source, &settings.resolve(), &settings.options, unsafe_fixes).source
}

#[test]
fn each_unpinned_package_is_its_own_finding() {
    let source = "FROM debian:12\nRUN apt-get update \\\n && apt-get install -y -t bookworm-backports \\\n    curl=7.88 git ./local.deb \\\n    openjdk-17-jdk/bookworm-backports vim\n";
    assert_eq!(flagged(source, "apt-package-unpinned"), ["git", "vim"]);
}

#[test]
fn package_variables_resolve_through_script_assignments() {
    let source = "FROM centos:7\nRUN INSTALL_PKGS=\"nginx gettext-0.19 $EXTRA\" && yum install -y $INSTALL_PKGS && yum clean all\n";
    assert_eq!(flagged(source, "yum-package-unpinned"), ["$INSTALL_PKGS"]);
    let script_version =
        "FROM fedora:40\nRUN V=$(cat /v) && dnf install -y libnccl-${V}+cuda12 && dnf clean all\n";
    assert!(flagged(script_version, "dnf-package-unpinned").is_empty());
    let pinned = "FROM centos:7\nRUN PKGS='nginx-1.20.1 gettext-0.19' && yum install -y $PKGS && yum clean all\n";
    assert!(flagged(pinned, "yum-package-unpinned").is_empty());
}

#[test]
fn onbuild_heredoc_sudo_and_child_shells_are_read() {
    let source = "FROM debian:12\nONBUILD RUN apt-get install -y curl\nRUN <<EOF\nset -e\napt-get install -y wget\nEOF\nRUN sudo apt-get install -y jq && sh -c 'apt-get install -y make'\n";
    assert_eq!(
        flagged(source, "apt-package-unpinned"),
        ["curl", "wget", "jq", "make"]
    );
}

#[test]
fn package_variables_resolve_through_env_only() {
    let source = "FROM debian:12\nENV PINNED=\"curl=7.88 git=2.39\" LOOSE=\"curl git\"\nARG BUILD_PACKAGES\nRUN apt-get install -y $PINNED && apt-get install -y ${LOOSE} && apt-get install -y $BUILD_PACKAGES\n";
    assert_eq!(flagged(source, "apt-package-unpinned"), ["${LOOSE}"]);
}

#[test]
fn yes_fix_inserts_after_install_and_keeps_comments_and_continuations() {
    let source = "FROM debian:12\nRUN apt-get update \\\n# a comment inside the continuation\n && apt-get install --no-install-recommends \\\n    curl=7.88\n";
    assert_eq!(
        fixed(source, "apt-install-without-yes", false),
        "FROM debian:12\nRUN apt-get update \\\n# a comment inside the continuation\n && apt-get install -y --no-install-recommends \\\n    curl=7.88\n"
    );
}

#[test]
fn quiet_level_two_implies_yes() {
    for ok in [
        "-qq",
        "-q -q",
        "-q=2",
        "--quiet --quiet",
        "-yq",
        "--assume-yes",
        "-o APT::Get::Assume-Yes=true",
    ] {
        let source = format!("FROM debian:12\nRUN apt-get install {ok} curl=1\n");
        assert!(
            flagged(&source, "apt-install-without-yes").is_empty(),
            "{ok}"
        );
    }
    for bad in ["-q", "--quiet", "-o Debug::pkgProblemResolver=1"] {
        let source = format!("FROM debian:12\nRUN apt-get install {bad} curl=1\n");
        assert_eq!(
            flagged(&source, "apt-install-without-yes"),
            ["apt-get install"],
            "{bad}"
        );
    }
}

#[test]
fn exec_form_gets_no_fix() {
    let source = "FROM debian:12\nRUN [\"apt-get\", \"install\", \"curl=1\"]\n";
    assert_eq!(flagged(source, "apt-install-without-yes").len(), 1);
    assert_eq!(fixed(source, "apt-install-without-yes", true), source);
}

#[test]
fn recommends_fix_is_unsafe_and_config_files_count() {
    let source = "FROM debian:12\nRUN apt-get install -y curl=1\n";
    assert_eq!(fixed(source, "apt-install-recommends", false), source);
    assert_eq!(
        fixed(source, "apt-install-recommends", true),
        "FROM debian:12\nRUN apt-get install --no-install-recommends -y curl=1\n"
    );
    let configured = "FROM debian:12 AS base\nRUN echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/99norecommends\nFROM base\nRUN apt-get install -y curl=1\n";
    assert!(flagged(configured, "apt-install-recommends").is_empty());
    let other_stage = "FROM debian:12 AS a\nRUN echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/99x\nFROM debian:12\nRUN apt-get install -y curl=1\n";
    assert_eq!(flagged(other_stage, "apt-install-recommends").len(), 1);
}

#[test]
fn apt_lists_fix_appends_to_the_last_command() {
    let source = "FROM debian:12\nRUN apt-get update \\\n && apt-get install -y curl=1   \n";
    assert_eq!(fixed(source, "apt-lists-not-deleted", false), source);
    assert_eq!(
        fixed(source, "apt-lists-not-deleted", true),
        "FROM debian:12\nRUN apt-get update \\\n && apt-get install -y curl=1 && rm -rf /var/lib/apt/lists/*   \n"
    );
    // A trailing shell comment would swallow the addition: no fix.
    let commented = "FROM debian:12\nRUN apt-get update # refresh\n";
    assert_eq!(flagged(commented, "apt-lists-not-deleted").len(), 1);
    assert_eq!(fixed(commented, "apt-lists-not-deleted", true), commented);
    let heredoc = "FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl=1\nEOF\n";
    assert_eq!(
        fixed(heredoc, "apt-lists-not-deleted", true),
        "FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl=1 && rm -rf /var/lib/apt/lists/*\nEOF\n"
    );
}

#[test]
fn apt_lists_cleanup_must_follow_the_update() {
    let before = "FROM debian:12\nRUN rm -rf /var/lib/apt/lists/* && apt-get update\n";
    assert_eq!(flagged(before, "apt-lists-not-deleted"), ["apt-get update"]);
    let unrelated = "FROM debian:12\nRUN apt-get update && rm -rf /tmp/build\n";
    assert_eq!(flagged(unrelated, "apt-lists-not-deleted").len(), 1);
    let parent =
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl=1 && rm -rf /var/lib/apt\n";
    assert!(flagged(parent, "apt-lists-not-deleted").is_empty());
}

#[test]
fn apt_lists_mounts() {
    let parent = "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y curl=1\n";
    assert!(flagged(parent, "apt-lists-not-deleted").is_empty());
    let inside =
        "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists/partial apt-get update\n";
    assert_eq!(flagged(inside, "apt-lists-not-deleted").len(), 1);
    let bind = "FROM debian:12\nRUN --mount=type=bind,target=/var/lib/apt/lists apt-get update\n";
    assert_eq!(flagged(bind, "apt-lists-not-deleted").len(), 1);
    // docker-clean disabled: the downloaded packages need a cache too.
    let kept = "FROM debian:12\nRUN rm -f /etc/apt/apt.conf.d/docker-clean\nRUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y curl=1\n";
    assert_eq!(flagged(kept, "apt-lists-not-deleted"), ["apt-get update"]);
}

#[test]
fn apt_lists_only_in_stages_that_ship() {
    let builder =
        "FROM debian:12 AS build\nRUN apt-get update\nFROM scratch\nCOPY --from=build /x /x\n";
    assert!(flagged(builder, "apt-lists-not-deleted").is_empty());
    let base = "FROM debian:12 AS Base\nRUN apt-get update\nFROM base\nRUN true\n";
    assert_eq!(flagged(base, "apt-lists-not-deleted").len(), 1);
    let trigger = "FROM debian:12 AS build\nONBUILD RUN apt-get update\nFROM scratch\n";
    assert_eq!(flagged(trigger, "apt-lists-not-deleted").len(), 1);
}

#[test]
fn apk_fix_and_mounts() {
    let source = "FROM alpine:3.20\nRUN apk update && apk add curl=8.9.1-r1\n";
    assert_eq!(
        fixed(source, "apk-add-without-no-cache", false),
        "FROM alpine:3.20\nRUN apk update && apk add --no-cache curl=8.9.1-r1\n"
    );
    let mounted = "FROM alpine:3.20\nRUN --mount=type=cache,target=/etc/apk/cache apk add curl=1\n";
    assert!(flagged(mounted, "apk-add-without-no-cache").is_empty());
}

#[test]
fn apk_option_values_are_not_packages() {
    let source = "FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps -X https://x/edge gcc=13 musl-dev\n";
    assert_eq!(flagged(source, "apk-package-unpinned"), ["musl-dev"]);
}

#[test]
fn apt_fix_only_where_apt_get_behaves_the_same() {
    let source =
        "FROM debian:12\nRUN apt update && apt install -y curl && apt upgrade -y && apt search x\n";
    assert_eq!(
        flagged(source, "apt-instead-of-apt-get"),
        ["apt", "apt", "apt", "apt"]
    );
    assert_eq!(
        fixed(source, "apt-instead-of-apt-get", false),
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl && apt upgrade -y && apt search x\n"
    );
}

#[test]
fn rpm_yes_fixes() {
    let yum =
        "FROM centos:7\nRUN yum install httpd-2.4.6 && yum group install 'Development Tools'\n";
    assert_eq!(
        fixed(yum, "yum-install-without-yes", false),
        "FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum group install -y 'Development Tools'\n"
    );
    let dnf = "FROM fedora:40\nRUN microdnf --nodocs install httpd-2.4.62\n";
    assert_eq!(
        fixed(dnf, "dnf-install-without-yes", false),
        "FROM fedora:40\nRUN microdnf --nodocs install -y httpd-2.4.62\n"
    );
    let zypper = "FROM opensuse/leap:15.6\nRUN zypper install curl=8.6.0\n";
    assert_eq!(
        fixed(zypper, "zypper-without-non-interactive", false),
        "FROM opensuse/leap:15.6\nRUN zypper --non-interactive install curl=8.6.0\n"
    );
}

#[test]
fn clean_fixes_name_the_tool_and_are_unsafe() {
    let source = "FROM fedora:40\nRUN microdnf install -y httpd-2.4.62\n";
    assert_eq!(fixed(source, "dnf-cache-not-cleaned", false), source);
    assert_eq!(
        fixed(source, "dnf-cache-not-cleaned", true),
        "FROM fedora:40\nRUN microdnf install -y httpd-2.4.62 && microdnf clean all\n"
    );
    let yum = "FROM centos:7\nRUN yum install -y httpd-2.4.6\n";
    assert_eq!(
        fixed(yum, "yum-cache-not-cleaned", true),
        "FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n"
    );
    let zypper = "FROM opensuse/leap:15.6\nRUN zypper -n in curl=8\n";
    assert_eq!(
        fixed(zypper, "zypper-cache-not-cleaned", true),
        "FROM opensuse/leap:15.6\nRUN zypper -n in curl=8 && zypper clean\n"
    );
}

#[test]
fn every_install_needs_a_later_clean() {
    let source = "FROM fedora:40\nRUN dnf install -y a-1 && dnf clean all && dnf install -y b-1\n";
    assert_eq!(flagged(source, "dnf-cache-not-cleaned"), ["dnf install"]);
    let other_tool = "FROM fedora:40\nRUN dnf install -y a-1 && microdnf clean all\n";
    assert_eq!(flagged(other_tool, "dnf-cache-not-cleaned").len(), 1);
    let removed = "FROM fedora:40\nRUN dnf install -y a-1 && rm -rf /var/cache/dnf/*\n";
    assert!(flagged(removed, "dnf-cache-not-cleaned").is_empty());
}

#[test]
fn rpm_pins_modules_groups_and_option_values() {
    let source = "FROM fedora:40\nRUN dnf -y --enablerepo epel --setopt tsflags=nodocs install httpd jq-1.7 \\\n && dnf -y module install nodejs php:8.2 \\\n && dnf -y group install 'Development Tools'\n";
    assert_eq!(flagged(source, "dnf-package-unpinned"), ["httpd", "nodejs"]);
}

#[test]
fn zypper_types_other_than_package_are_not_pinned() {
    let source = "FROM opensuse/leap:15.6\nRUN zypper -n install -t pattern devel_basis && zypper -n in -r oss curl 'git>=2.40'\n";
    assert_eq!(flagged(source, "zypper-package-unpinned"), ["curl"]);
}
