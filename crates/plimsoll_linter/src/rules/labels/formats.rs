//! Validators for the label-schema types: URL (RFC 3986), timestamp
//! (RFC 3339), SPDX license expression, git hash, semantic version, e-mail
//! address (RFC 5322 addr-spec).

/// An absolute URI as RFC 3986 defines it: `scheme:hier-part[?query][#fragment]`.
pub(crate) fn is_url(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut scheme_chars = scheme.chars();
    if !scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !scheme_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return false;
    }
    let (rest, fragment) = split_at_first(rest, '#');
    let (hier, query) = split_at_first(rest, '?');
    if !fragment.is_none_or(|f| uri_chars(f, "/?")) || !query.is_none_or(|q| uri_chars(q, "/?")) {
        return false;
    }
    match hier.strip_prefix("//") {
        Some(after) => {
            let (authority, path) = match after.find('/') {
                Some(slash) => after.split_at(slash),
                None => (after, ""),
            };
            is_authority(authority) && uri_chars(path, "/")
        }
        None => uri_chars(hier, "/"),
    }
}

fn split_at_first(text: &str, separator: char) -> (&str, Option<&str>) {
    match text.split_once(separator) {
        Some((before, after)) => (before, Some(after)),
        None => (text, None),
    }
}

/// `[userinfo@]host[:port]`.
fn is_authority(authority: &str) -> bool {
    let (userinfo, host_port) = match authority.rsplit_once('@') {
        Some((user, host)) => (Some(user), host),
        None => (None, authority),
    };
    if !userinfo.is_none_or(|u| uri_chars_strict(u, ":")) {
        return false;
    }
    let (host, port) = if let Some(literal) = host_port.strip_prefix('[') {
        let Some((inside, after)) = literal.split_once(']') else {
            return false;
        };
        if inside.is_empty()
            || !inside
                .chars()
                .all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '.' | 'v' | 'V'))
        {
            return false;
        }
        match after.strip_prefix(':') {
            Some(port) => ("", Some(port)),
            None if after.is_empty() => ("", None),
            None => return false,
        }
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    uri_chars_strict(host, "") && port.is_none_or(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// Only unreserved, sub-delims, `%XX` escapes and the `extra` characters.
fn uri_chars_strict(text: &str, extra: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            if !bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                || !bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
            {
                return false;
            }
            i += 3;
            continue;
        }
        let ok = b.is_ascii_alphanumeric()
            || b"-._~!$&'()*+,;=".contains(&b)
            || extra.as_bytes().contains(&b);
        if !ok {
            return false;
        }
        i += 1;
    }
    true
}

/// Path, query and fragment characters: pchar (`:` and `@` too) plus `extra`.
fn uri_chars(text: &str, extra: &str) -> bool {
    uri_chars_strict(text, &format!(":@{extra}"))
}

/// An RFC 3339 `date-time`: `2024-05-01T12:30:00Z`, `…T12:30:00.5+02:00`.
pub(crate) fn is_rfc3339(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(range)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || !matches!(b.get(10), Some(b'T' | b't'))
    {
        return false;
    }
    let (Some(hour), Some(minute), Some(second)) = (digits(11..13), digits(14..16), digits(17..19))
    else {
        return false;
    };
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return false;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if day == 0 || day > days || hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let count = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if count == 0 {
            return false;
        }
        rest = &fraction[count..];
    }
    match rest {
        "Z" | "z" => true,
        offset => {
            let o = offset.as_bytes();
            o.len() == 6
                && matches!(o[0], b'+' | b'-')
                && o[3] == b':'
                && o[1..3].iter().chain(&o[4..6]).all(u8::is_ascii_digit)
                && (o[1] - b'0') * 10 + (o[2] - b'0') < 24
                && (o[4] - b'0') * 10 + (o[5] - b'0') < 60
        }
    }
}

/// An SPDX license identifier or expression of known identifiers
/// (`MIT`, `Apache-2.0 OR MIT`, `GPL-2.0-only WITH Classpath-exception-2.0`).
pub(crate) fn is_spdx(text: &str) -> bool {
    spdx::Expression::parse(text).is_ok()
}

/// A lower-case hexadecimal git object name: abbreviated (at least 7 digits),
/// full SHA-1 (40) or SHA-256 (64).
pub(crate) fn is_git_hash(text: &str) -> bool {
    ((7..=40).contains(&text.len()) || text.len() == 64)
        && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A semantic version 2.0.0: `MAJOR.MINOR.PATCH[-pre.release][+build.meta]`,
/// numbers without leading zeros.
pub(crate) fn is_semver(text: &str) -> bool {
    let (rest, build) = split_at_first(text, '+');
    let (core, pre) = split_at_first(rest, '-');
    let numeric = |part: &str| {
        !part.is_empty()
            && part.bytes().all(|b| b.is_ascii_digit())
            && (part == "0" || !part.starts_with('0'))
    };
    let identifier = |part: &str| {
        !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| numeric(p))
        && pre.is_none_or(|pre| {
            pre.split('.')
                .all(|p| identifier(p) && (!p.bytes().all(|b| b.is_ascii_digit()) || numeric(p)))
        })
        && build.is_none_or(|build| build.split('.').all(identifier))
}

/// An RFC 5322 `addr-spec`: `local@domain`, the local part a dot-atom or a
/// quoted string, the domain a dot-atom or a `[literal]`.
pub(crate) fn is_email(text: &str) -> bool {
    let Some(at) = text.rfind('@') else {
        return false;
    };
    let (local, domain) = (&text[..at], &text[at + 1..]);
    let local_ok = if let Some(inner) = local.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
        quoted_content(inner)
    } else {
        dot_atom(local)
    };
    let domain_ok = if let Some(inner) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']'))
    {
        inner
            .bytes()
            .all(|b| (33..=126).contains(&b) && !matches!(b, b'[' | b']' | b'\\'))
    } else {
        dot_atom(domain)
    };
    local_ok && domain_ok
}

fn dot_atom(text: &str) -> bool {
    let atext = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b);
    !text.is_empty()
        && text
            .split('.')
            .all(|atom| !atom.is_empty() && atom.bytes().all(atext))
}

/// The inside of a quoted local part: printable characters and spaces, `\\x` pairs.
fn quoted_content(text: &str) -> bool {
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'\\' => {
                if !bytes
                    .next()
                    .is_some_and(|n| (32..=126).contains(&n) || n == b'\t')
                {
                    return false;
                }
            }
            b'"' => return false,
            32..=126 | b'\t' => {}
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        for good in [
            "http://example.com",
            "https://user:pw@example.com:8443/a/b?x=1&y=%20#frag",
            "mailto:jane@example.org",
            "urn:isbn:0451450523",
            "http://[::1]:80/",
            "file:///etc/hosts",
        ] {
            assert!(is_url(good), "{good}");
        }
        for bad in [
            "not-url",
            "example.com/path",
            "http://exa mple.com",
            "1http://x",
            "http://x/%zz",
            "http://x:port/",
            "",
        ] {
            assert!(!is_url(bad), "{bad}");
        }
    }

    #[test]
    fn timestamps() {
        for good in [
            "2021-03-10T10:26:33.564595127+01:00",
            "2024-02-29T00:00:00Z",
            "1999-12-31t23:59:60z",
            "2024-05-01T12:30:00-07:30",
        ] {
            assert!(is_rfc3339(good), "{good}");
        }
        for bad in [
            "not-date",
            "2023-02-29T00:00:00Z",
            "2024-05-01",
            "2024-05-01 12:30:00Z",
            "2024-13-01T00:00:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T12:30:00",
            "2024-05-01T12:30:00.Z",
            "2024-05-01T12:30:00+0100",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }

    #[test]
    fn spdx_expressions() {
        for good in [
            "MIT",
            "BSD-3-Clause",
            "Apache-2.0 OR MIT",
            "GPL-2.0-or-later",
        ] {
            assert!(is_spdx(good), "{good}");
        }
        for bad in ["not-spdx", "mit license", "", "MIT OR"] {
            assert!(!is_spdx(bad), "{bad}");
        }
    }

    #[test]
    fn git_hashes() {
        assert!(is_git_hash("2dbfae9"));
        assert!(is_git_hash("43c572f1272b6b3171dd1db9e41b7027128ce080"));
        assert!(is_git_hash("43c572f1272b"));
        assert!(!is_git_hash("not-git-hash"));
        assert!(!is_git_hash("2dbfae"));
        assert!(!is_git_hash("2DBFAE9"));
        assert!(!is_git_hash("43c572f1272b6b3171dd1db9e41b7027128ce0801"));
    }

    #[test]
    fn semantic_versions() {
        for good in [
            "1.0.0",
            "2.0.1-rc1",
            "1.0.0-alpha.1+build.001",
            "0.0.0",
            "1.2.3+x",
        ] {
            assert!(is_semver(good), "{good}");
        }
        for bad in [
            "not-sem-ver",
            "1.0",
            "v1.0.0",
            "01.0.0",
            "1.0.0-01",
            "1.0.0-",
            "1.0.0+",
            "1.0.0-a..b",
        ] {
            assert!(!is_semver(bad), "{bad}");
        }
    }

    #[test]
    fn emails() {
        for good in [
            "abcd@google.com",
            "first.last+tag@example.co.uk",
            "\"john doe\"@example.org",
            "user@[192.168.0.1]",
            "root@localhost",
        ] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "not-email",
            "Jane <jane@example.org>",
            "a..b@example.org",
            "@example.org",
            "jane@",
            "jane@exa mple.org",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }
}
