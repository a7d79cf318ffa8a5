//! Who the client is: the one answer that both the read rule ([`access`](super::access)) and
//! the rate limit ([`rate_limit`](super::rate_limit)) use.
//!
//! The client is the TCP peer, unless the peer is a loopback address — a reverse proxy on the
//! same host — in which case it is the address that proxy forwarded: the rightmost entry of
//! `X-Forwarded-For` (the one the proxy appended; entries to its left came from the client and
//! prove nothing), or, without `X-Forwarded-For`, the `for=` of the rightmost `Forwarded`
//! element (RFC 7239). A remote peer's forwarding headers are ignored, so nobody can claim to
//! be loopback from outside.
//!
//! A forwarding header that is present but whose rightmost entry is no address (`unknown`, an
//! obfuscated `_hidden`, garbage) gives [`UNKNOWN_CLIENT`]: never loopback, and one shared key
//! for the rate limit.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;

use super::error::AppError;

/// The client of a request whose proxy forwarded something that is not an address.
pub const UNKNOWN_CLIENT: IpAddr = IpAddr::V4(Ipv4Addr::UNSPECIFIED);

/// The client of a request that came from `peer` with `headers` (see the module docs).
/// IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) come back as IPv4.
pub fn client_ip(peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    let peer = peer.ip().to_canonical();
    if !peer.is_loopback() {
        return peer;
    }
    if let Some(last) = last_entry(headers, "x-forwarded-for") {
        return parse_node(last).unwrap_or(UNKNOWN_CLIENT);
    }
    if let Some(element) = last_entry(headers, "forwarded") {
        return forwarded_for(element)
            .and_then(parse_node)
            .unwrap_or(UNKNOWN_CLIENT);
    }
    peer
}

/// True for 127.0.0.0/8, `::1` and their IPv4-mapped forms.
pub fn is_loopback(ip: IpAddr) -> bool {
    ip.to_canonical().is_loopback()
}

/// The last comma-separated entry over all the `name` header lines, in order; `Some("")` when
/// the header is there but holds nothing usable (which is then no address).
fn last_entry<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    let mut values = headers.get_all(name).iter().peekable();
    values.peek()?;
    let last = values
        .rev()
        .find_map(|v| {
            let v = v.to_str().ok()?;
            v.rsplit(',').map(str::trim).find(|e| !e.is_empty())
        })
        .unwrap_or("");
    Some(last)
}

/// The `for` parameter of one `Forwarded` element (`for=192.0.2.60;proto=https`), unquoted.
fn forwarded_for(element: &str) -> Option<&str> {
    element.split(';').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("for")
            .then(|| value.trim().trim_matches('"'))
    })
}

/// An address as proxies write it: `192.0.2.60`, `192.0.2.60:4711`, `2001:db8::1`,
/// `[2001:db8::1]` or `[2001:db8::1]:4711`.
fn parse_node(node: &str) -> Option<IpAddr> {
    let node = node.trim();
    let ip = node
        .parse::<IpAddr>()
        .ok()
        .or_else(|| node.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            node.strip_prefix('[')
                .and_then(|n| n.strip_suffix(']'))
                .and_then(|n| n.parse().ok())
        })?;
    Some(ip.to_canonical())
}

/// Extractor: the [`client_ip`] of the request. Needs the peer address, which the server gives
/// when it is run with `into_make_service_with_connect_info::<SocketAddr>()` (tests: axum's
/// `MockConnectInfo` layer, or a `ConnectInfo` extension on the request).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ConnectInfo(peer) = ConnectInfo::<SocketAddr>::from_request_parts(parts, state)
            .await
            .map_err(|e| {
                AppError::Internal(
                    format!(
                        "no peer address ({e}): serve the router with \
                         into_make_service_with_connect_info::<SocketAddr>()"
                    )
                    .into(),
                )
            })?;
        Ok(ClientIp(client_ip(peer, &parts.headers)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    const LOCAL: &str = "127.0.0.1:50000";
    const REMOTE: &str = "203.0.113.9:50000";

    fn client(peer: &str, pairs: &[(&'static str, &'static str)]) -> IpAddr {
        client_ip(peer.parse().unwrap(), &headers(pairs))
    }

    #[test]
    fn the_peer_without_forwarding_headers() {
        assert_eq!(client(REMOTE, &[]), ip("203.0.113.9"));
        assert_eq!(client(LOCAL, &[]), ip("127.0.0.1"));
        assert_eq!(client("[::1]:1", &[]), ip("::1"));
        assert_eq!(client("[::ffff:127.0.0.1]:1", &[]), ip("127.0.0.1"));
        assert_eq!(client("[::ffff:198.51.100.7]:1", &[]), ip("198.51.100.7"));
    }

    #[test]
    fn a_remote_peer_cannot_claim_another_address() {
        for pairs in [
            &[("x-forwarded-for", "127.0.0.1")][..],
            &[("forwarded", "for=127.0.0.1")],
            &[("x-forwarded-for", "::1"), ("forwarded", "for=\"[::1]\"")],
        ] {
            assert_eq!(client(REMOTE, pairs), ip("203.0.113.9"), "{pairs:?}");
        }
    }

    #[test]
    fn behind_a_local_proxy_the_rightmost_forwarded_address() {
        assert_eq!(
            client(LOCAL, &[("x-forwarded-for", "198.51.100.7")]),
            ip("198.51.100.7")
        );
        // The client wrote the left part; the proxy appended the right one.
        assert_eq!(
            client(LOCAL, &[("x-forwarded-for", "127.0.0.1, 198.51.100.7")]),
            ip("198.51.100.7")
        );
        // Several header lines: the last line is the proxy's.
        assert_eq!(
            client(
                "[::1]:9",
                &[
                    ("x-forwarded-for", "127.0.0.1"),
                    ("x-forwarded-for", "2001:db8::7")
                ]
            ),
            ip("2001:db8::7")
        );
        assert_eq!(
            client(LOCAL, &[("x-forwarded-for", "198.51.100.7:4711, ")]),
            ip("198.51.100.7")
        );
        assert_eq!(
            client(LOCAL, &[("x-forwarded-for", "[2001:db8::7]:4711")]),
            ip("2001:db8::7")
        );
    }

    #[test]
    fn forwarded_header_when_there_is_no_x_forwarded_for() {
        assert_eq!(
            client(
                LOCAL,
                &[(
                    "forwarded",
                    "for=127.0.0.1, For=\"[2001:db8:cafe::17]:4711\";proto=https"
                )]
            ),
            ip("2001:db8:cafe::17")
        );
        assert_eq!(
            client(
                LOCAL,
                &[("forwarded", "proto=https;for=192.0.2.60;by=10.0.0.1")]
            ),
            ip("192.0.2.60")
        );
        // X-Forwarded-For wins: the proxies that append to it may pass Forwarded through.
        assert_eq!(
            client(
                LOCAL,
                &[
                    ("forwarded", "for=127.0.0.1"),
                    ("x-forwarded-for", "192.0.2.60")
                ]
            ),
            ip("192.0.2.60")
        );
    }

    #[test]
    fn a_forwarded_non_address_is_unknown_never_loopback() {
        for pairs in [
            &[("x-forwarded-for", "unknown")][..],
            &[("x-forwarded-for", "")],
            &[("x-forwarded-for", "127.0.0.1, garbage")],
            &[("forwarded", "for=_hidden")],
            &[("forwarded", "for=127.0.0.1, proto=https")],
        ] {
            let c = client(LOCAL, pairs);
            assert_eq!(c, UNKNOWN_CLIENT, "{pairs:?}");
            assert!(!is_loopback(c));
        }
    }
}
