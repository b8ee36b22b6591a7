//! The client's network address, for per-address limits.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::request::Parts;

/// The address a request came from: the peer, or — behind a trusted proxy — the last
/// `X-Forwarded-For` entry (the one that proxy appended; earlier ones are the client's say).
pub fn client_ip(parts: &Parts, trust_forwarded_for: bool) -> Option<IpAddr> {
    if trust_forwarded_for {
        // Exactly the last entry: were a malformed one skipped, the client could pick an
        // earlier one.
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|a| a.trim().parse::<IpAddr>().ok());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

/// The key an address is limited under: the address itself for IPv4, its /64 for IPv6 (one
/// subscriber usually holds a whole /64).
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => format!("ip:{v4}"),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("ip:{v4}"),
            None => {
                let s = v6.segments();
                format!("ip:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(xff: Option<&str>) -> Parts {
        let mut b = Request::builder();
        if let Some(x) = xff {
            b = b.header("x-forwarded-for", x);
        }
        let (mut p, _) = b.body(()).unwrap().into_parts();
        p.extensions
            .insert(ConnectInfo::<SocketAddr>("10.0.0.1:5000".parse().unwrap()));
        p
    }

    #[test]
    fn the_peer_is_the_client_unless_a_proxy_is_trusted() {
        let p = parts(Some("1.1.1.1, 2.2.2.2"));
        assert_eq!(client_ip(&p, false), Some("10.0.0.1".parse().unwrap()));
        assert_eq!(client_ip(&p, true), Some("2.2.2.2".parse().unwrap()));
        assert_eq!(
            client_ip(&parts(None), true),
            Some("10.0.0.1".parse().unwrap())
        );
    }

    #[test]
    fn ipv6_addresses_share_a_key_per_64() {
        let a = address_key("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = address_key("2001:db8:1:2:bbbb::9".parse().unwrap());
        assert_eq!(a, b);
        assert_ne!(a, address_key("2001:db8:1:3::1".parse().unwrap()));
        assert_eq!(address_key("::ffff:1.2.3.4".parse().unwrap()), "ip:1.2.3.4");
    }
}
