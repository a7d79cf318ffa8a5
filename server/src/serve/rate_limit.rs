//! `--rate-limit N/min`: at most N posts a minute from one client ([`client`](super::client))
//! on `POST /v1/responses`; the one over gets `429` with `Retry-After` (whole seconds, at least
//! 1), which the widget honours before it tries again (docs/contract.md §4). Off unless given.
//!
//! The limiter is `governor`'s keyed GCRA: a burst of N, then one more every 60/N seconds.
//! IPv6 clients are keyed by their /64 (one subscriber's network, as one IPv4 address behind
//! NAT), so a client cannot escape the limit by rotating addresses inside its own prefix.
//! Clients idle for a minute are forgotten, at most once a minute.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::client::ClientIp;
use super::error::AppError;

/// `N/min`, N ≥ 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    per_minute: NonZeroU32,
}

impl RateLimit {
    /// At most `per_minute` posts a minute per client.
    pub fn per_minute(per_minute: NonZeroU32) -> RateLimit {
        RateLimit { per_minute }
    }

    /// The N of `N/min`.
    pub fn get(self) -> u32 {
        self.per_minute.get()
    }
}

impl FromStr for RateLimit {
    type Err = String;

    /// `120/min` (N from 1 to 4294967295).
    fn from_str(s: &str) -> Result<RateLimit, String> {
        s.strip_suffix("/min")
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|n| n.parse::<NonZeroU32>().ok())
            .map(RateLimit::per_minute)
            .ok_or_else(|| {
                "expected N/min with N a whole number of at least 1, such as 120/min".to_string()
            })
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/min", self.per_minute)
    }
}

/// The per-client limiter of `POST /v1/responses`.
pub struct PostLimiter {
    limit: RateLimit,
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    last_purge: Mutex<Instant>,
}

/// How often idle clients are dropped from the limiter's table.
const PURGE_EVERY: Duration = Duration::from_secs(60);

impl PostLimiter {
    /// A limiter allowing `limit` per client.
    pub fn new(limit: RateLimit) -> PostLimiter {
        PostLimiter {
            limit,
            limiter: RateLimiter::keyed(Quota::per_minute(limit.per_minute)),
            last_purge: Mutex::new(Instant::now()),
        }
    }

    /// Counts one post from `client`.
    ///
    /// # Errors
    /// [`AppError::TooManyRequests`] when `client` is over the limit, with the whole seconds
    /// (at least 1) until its next post is allowed.
    pub fn check(&self, client: IpAddr) -> Result<(), AppError> {
        self.purge_idle();
        match self.limiter.check_key(&key(client)) {
            Ok(()) => Ok(()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                let secs = secs.max(1);
                Err(AppError::TooManyRequests {
                    error: format!(
                        "too many posts from this client: this server takes at most {} a \
                         minute from one address (--rate-limit {}); try again in {secs} s",
                        self.limit.get(),
                        self.limit
                    ),
                    retry_after_secs: secs,
                })
            }
        }
    }

    fn purge_idle(&self) {
        let Ok(mut last) = self.last_purge.try_lock() else {
            return; // another request is purging
        };
        if last.elapsed() >= PURGE_EVERY {
            *last = Instant::now();
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
    }
}

/// The limiter's key: the address, or for IPv6 its /64.
fn key(client: IpAddr) -> IpAddr {
    match client.to_canonical() {
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & (u128::MAX << 64);
            IpAddr::V6(Ipv6Addr::from(prefix))
        }
        v4 => v4,
    }
}

/// Middleware on `POST /v1/responses`: [`PostLimiter::check`], then the handler.
pub async fn limit_posts(
    State(limiter): State<Arc<PostLimiter>>,
    ClientIp(client): ClientIp,
    req: Request,
    next: Next,
) -> Response {
    match limiter.check(client) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn parses_n_per_minute() {
        assert_eq!("120/min".parse::<RateLimit>().unwrap().get(), 120);
        assert_eq!("1/min".parse::<RateLimit>().unwrap().to_string(), "1/min");
        for bad in [
            "0/min",
            "/min",
            "120",
            "120/s",
            "-1/min",
            "+5/min",
            "1.5/min",
            " 5/min",
            "99999999999/min",
        ] {
            assert!(bad.parse::<RateLimit>().is_err(), "{bad}");
        }
    }

    #[test]
    fn ipv6_clients_share_their_64() {
        assert_eq!(key(ip("2001:db8:1:2:3:4:5:6")), ip("2001:db8:1:2::"));
        assert_eq!(
            key(ip("2001:db8:1:2::ffff")),
            key(ip("2001:db8:1:2:aaaa::"))
        );
        assert_ne!(key(ip("2001:db8:1:2::1")), key(ip("2001:db8:1:3::1")));
        assert_eq!(key(ip("198.51.100.7")), ip("198.51.100.7"));
        assert_eq!(key(ip("::ffff:198.51.100.7")), ip("198.51.100.7"));
    }

    #[test]
    fn over_the_limit_then_retry_after_per_client() {
        let limiter = PostLimiter::new("3/min".parse().unwrap());
        let a = ip("198.51.100.7");
        for _ in 0..3 {
            assert!(limiter.check(a).is_ok());
        }
        let Err(AppError::TooManyRequests {
            error,
            retry_after_secs,
        }) = limiter.check(a)
        else {
            panic!("the 4th post of a minute is refused")
        };
        // One more post every 20 s.
        assert!((1..=20).contains(&retry_after_secs), "{retry_after_secs}");
        assert!(error.contains("--rate-limit 3/min"), "{error}");
        assert!(limiter.check(ip("198.51.100.8")).is_ok(), "another client");
        assert_eq!(
            limiter.check(a).unwrap_err().status(),
            StatusCode::TOO_MANY_REQUESTS
        );
    }
}
