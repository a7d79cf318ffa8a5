//! The endpoint URL rule: https, or http only to this machine.

/// Whether `url` is an acceptable endpoint: `https://host[:port][/path…]`, or `http://` to
/// `localhost`, `127.0.0.1` or `[::1]`. No credentials, no whitespace, no relative URLs.
///
/// # Example
///
/// ```
/// use nps_core::options::endpoint_allowed;
/// assert!(endpoint_allowed("https://api.example.com/v1/responses"));
/// assert!(endpoint_allowed("http://localhost:8080/v1/responses"));
/// assert!(!endpoint_allowed("http://api.example.com/v1/responses"));
/// assert!(!endpoint_allowed("javascript:alert(1)"));
/// assert!(!endpoint_allowed("/v1/responses"));
/// ```
pub fn endpoint_allowed(url: &str) -> bool {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let (rest, secure) = if url
        .get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
    {
        (url.get(8..).unwrap_or(""), true)
    } else if url
        .get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
    {
        (url.get(7..).unwrap_or(""), false)
    } else {
        return false;
    };
    let end = crate::find_byte(rest, |b| matches!(b, b'/' | b'?' | b'#')).unwrap_or(rest.len());
    // `get` rather than indexing, here and below: no slicing panic (and its
    // formatting code) in the widget's wasm.
    let authority = rest.get(..end).unwrap_or(rest);
    if crate::find_ascii(authority, b'@').is_some() {
        return false;
    }
    let (host, port) = if authority.starts_with("[") {
        match crate::find_ascii(authority, b']') {
            Some(i) => match authority.split_at_checked(i + 1) {
                Some(parts) => parts,
                None => return false,
            },
            None => return false,
        }
    } else {
        match crate::find_ascii(authority, b':') {
            Some(i) => authority.split_at_checked(i).unwrap_or((authority, "")),
            None => (authority, ""),
        }
    };
    let port_ok = port.is_empty()
        || (port.len() >= 2
            && port.len() <= 6
            && port.starts_with(":")
            && port.bytes().skip(1).all(|b| b.is_ascii_digit()));
    if host.is_empty() || !port_ok {
        return false;
    }
    let host_ok = if host.starts_with("[") {
        host.len() > 2
            && host
                .bytes()
                .skip(1)
                .take(host.len() - 2)
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
    } else {
        host.chars()
            .all(|c| !c.is_ascii() || c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
            && !host.starts_with(".")
    };
    if !host_ok {
        return false;
    }
    secure || host.eq_ignore_ascii_case("localhost") || host == "127.0.0.1" || host == "[::1]"
}
