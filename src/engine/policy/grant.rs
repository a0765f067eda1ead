//! Network grants: `{ host, protocol, port? }`, their validation and how a URL is matched
//! against them.
//!
//! A host is a DNS name (`api.example.com`), a wildcard (`*.example.com`: every subdomain at
//! any depth, never the apex itself — grant `example.com` as well for that) or an IP address
//! (`127.0.0.1`, `::1`). Names compare case-insensitively; non-ASCII names must be written in
//! their punycode form (`xn--…`), the form URLs are matched in. A missing port means the
//! protocol's default port (80 for http, 443 for https), never "any port".

use super::GrantError;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::path::{Component, Path, PathBuf};

/// The protocols `fetch` can be granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Http,
    Https,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Http => "http",
            Protocol::Https => "https",
        }
    }

    pub fn default_port(self) -> u16 {
        match self {
            Protocol::Http => 80,
            Protocol::Https => 443,
        }
    }

    /// The protocol of a URL scheme (`http`, `https`), if it is one.
    pub fn from_scheme(scheme: &str) -> Option<Protocol> {
        match scheme {
            "http" => Some(Protocol::Http),
            "https" => Some(Protocol::Https),
            _ => None,
        }
    }
}

/// One host `fetch` may reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetGrant {
    /// A name, `*.name` or an IP address; no scheme, port, path or user info.
    pub host: String,
    pub protocol: Protocol,
    /// The protocol's default port when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
}

/// What a grant's host matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPattern {
    /// Exactly this name (lowercase).
    Name(String),
    /// Every name ending in `.suffix` (lowercase, without the leading dot): subdomains only.
    Subdomains(String),
    /// Exactly this address (IPv4-mapped IPv6 addresses are taken as their IPv4 address).
    Ip(IpAddr),
}

const MAX_HOST_BYTES: usize = 253;

fn bad(host: &str, reason: &str) -> GrantError {
    GrantError::BadHost {
        host: crate::engine::text::truncate(host, 100).into_owned(),
        reason: reason.to_string(),
    }
}

impl HostPattern {
    /// Parses a grant's host.
    pub fn parse(host: &str) -> Result<HostPattern, GrantError> {
        if host.is_empty() {
            return Err(bad(host, "it is empty"));
        }
        if host.len() > MAX_HOST_BYTES + 2 {
            return Err(bad(host, "it is longer than 253 characters"));
        }
        if host.contains("://") {
            return Err(bad(
                host,
                "it is a URL: give the host alone and the scheme as protocol",
            ));
        }
        if host.contains('/') || host.contains('?') || host.contains('#') {
            return Err(bad(host, "it has a path: give the host alone"));
        }
        if host.contains('@') {
            return Err(bad(host, "it has user info"));
        }
        if host.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad(host, "it has spaces or control characters"));
        }
        if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            return inner
                .parse::<std::net::Ipv6Addr>()
                .map(|ip| HostPattern::Ip(IpAddr::V6(ip).to_canonical()))
                .map_err(|_| bad(host, "the brackets do not hold an IPv6 address"));
        }
        if let Ok(ip) = host.parse::<IpAddr>() {
            return Ok(HostPattern::Ip(ip.to_canonical()));
        }
        if host.contains(':') {
            return Err(bad(host, "it has a port: give it as port"));
        }
        if !host.is_ascii() {
            return Err(bad(
                host,
                "it is not ASCII: write the name in its punycode (xn--) form",
            ));
        }
        let lower = host.to_ascii_lowercase();
        if let Some(rest) = lower.strip_prefix("*.") {
            check_name(host, rest)?;
            if rest.split('.').count() < 2 {
                return Err(bad(
                    host,
                    "a wildcard needs at least two labels after '*.' (as in *.example.com)",
                ));
            }
            return Ok(HostPattern::Subdomains(rest.to_string()));
        }
        if lower.contains('*') {
            return Err(bad(
                host,
                "a wildcard may only be the whole first label, as in *.example.com",
            ));
        }
        check_name(host, &lower)?;
        Ok(HostPattern::Name(lower))
    }

    /// Whether a URL's host matches.
    pub fn matches(&self, host: &url::Host<&str>) -> bool {
        match (self, host) {
            (HostPattern::Name(n), url::Host::Domain(d)) => d.eq_ignore_ascii_case(n),
            (HostPattern::Subdomains(s), url::Host::Domain(d)) => {
                let d = d.to_ascii_lowercase();
                d.len() > s.len() + 1
                    && d.ends_with(s.as_str())
                    && d.as_bytes().get(d.len() - s.len() - 1) == Some(&b'.')
            }
            (HostPattern::Ip(ip), url::Host::Ipv4(a)) => *ip == IpAddr::V4(*a),
            (HostPattern::Ip(ip), url::Host::Ipv6(a)) => *ip == IpAddr::V6(*a).to_canonical(),
            _ => false,
        }
    }
}

/// A DNS name: labels of letters, digits and hyphens (not at either end), 1 to 63 long.
fn check_name(host: &str, name: &str) -> Result<(), GrantError> {
    if name.ends_with('.') {
        return Err(bad(host, "drop the trailing dot"));
    }
    if name.len() > MAX_HOST_BYTES {
        return Err(bad(host, "it is longer than 253 characters"));
    }
    for label in name.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Err(bad(host, "a label is empty or longer than 63 characters"));
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(bad(
                host,
                "only letters, digits, '-' and '.' may appear in a name",
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(bad(host, "a label may not start or end with '-'"));
        }
    }
    Ok(())
}

impl NetGrant {
    /// The port a request must use.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or_else(|| self.protocol.default_port())
    }

    pub fn pattern(&self) -> Result<HostPattern, GrantError> {
        HostPattern::parse(&self.host)
    }

    pub fn validate(&self) -> Result<(), GrantError> {
        self.pattern()?;
        if self.port == Some(0) {
            return Err(GrantError::PortZero(self.host.clone()));
        }
        Ok(())
    }

    /// Whether a request to `host` on `port` over `protocol` is covered.
    pub fn matches(&self, protocol: Protocol, host: &url::Host<&str>, port: u16) -> bool {
        self.protocol == protocol
            && self.port() == port
            && self.pattern().is_ok_and(|p| p.matches(host))
    }

    /// Whether this grant names exactly the address `ip` (for a resolved name that points
    /// at a private address: allowed only when that address is granted itself).
    pub fn names_address(&self, protocol: Protocol, ip: IpAddr, port: u16) -> bool {
        self.protocol == protocol
            && self.port() == port
            && self.pattern() == Ok(HostPattern::Ip(ip.to_canonical()))
    }

    /// The same grant (host compared as a pattern).
    pub fn same_as(&self, other: &NetGrant) -> bool {
        self.protocol == other.protocol
            && self.port() == other.port()
            && self.pattern().ok() == other.pattern().ok()
    }

    /// Whether this grant already covers every request `other` would allow.
    pub fn covers(&self, other: &NetGrant) -> bool {
        if self.same_as(other) {
            return true;
        }
        match (self.pattern(), other.pattern()) {
            (Ok(HostPattern::Subdomains(s)), Ok(HostPattern::Name(n))) => {
                self.protocol == other.protocol
                    && self.port() == other.port()
                    && HostPattern::Subdomains(s).matches(&url::Host::Domain(n.as_str()))
            }
            _ => false,
        }
    }

    /// Parses the `--allow-net` form `[http://|https://]HOST[:PORT]`: with a scheme, that
    /// protocol alone; without one, both http and https. IPv6 addresses go in brackets when
    /// a port follows (`[::1]:8080`).
    pub fn parse_flag(text: &str) -> Result<Vec<NetGrant>, GrantError> {
        let (protocols, rest) = match text.split_once("://") {
            Some((scheme, rest)) => match Protocol::from_scheme(&scheme.to_ascii_lowercase()) {
                Some(p) => (vec![p], rest),
                None => return Err(bad(text, "the scheme must be http or https")),
            },
            None => (vec![Protocol::Http, Protocol::Https], text),
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let (host, port) = split_host_port(text, rest)?;
        let mut out = Vec::new();
        for protocol in protocols {
            let g = NetGrant {
                host: host.clone(),
                protocol,
                port,
            };
            g.validate()?;
            out.push(g);
        }
        Ok(out)
    }

    /// The grant that would let a request to `url` through (its host, protocol and port).
    pub fn for_url(url: &str) -> Option<NetGrant> {
        let u = url::Url::parse(url).ok()?;
        let protocol = Protocol::from_scheme(u.scheme())?;
        let host = match u.host()? {
            url::Host::Domain(d) => d.to_string(),
            url::Host::Ipv4(a) => a.to_string(),
            url::Host::Ipv6(a) => a.to_string(),
        };
        let port = u.port_or_known_default()?;
        let g = NetGrant {
            host,
            protocol,
            port: (port != protocol.default_port()).then_some(port),
        };
        g.validate().ok()?;
        Some(g)
    }
}

/// `host[:port]`, with IPv6 in brackets when a port follows (a bare IPv6 address has no port).
fn split_host_port(whole: &str, text: &str) -> Result<(String, Option<u16>), GrantError> {
    let port_of = |p: &str| -> Result<u16, GrantError> {
        match p.parse::<u16>() {
            Ok(0) => Err(GrantError::PortZero(whole.to_string())),
            Ok(n) => Ok(n),
            Err(_) => Err(bad(whole, "the port must be a number from 1 to 65535")),
        }
    };
    if let Some(inner) = text.strip_prefix('[') {
        let Some((ip, after)) = inner.split_once(']') else {
            return Err(bad(whole, "an unclosed '['"));
        };
        return match after.strip_prefix(':') {
            Some(p) => Ok((ip.to_string(), Some(port_of(p)?))),
            None if after.is_empty() => Ok((ip.to_string(), None)),
            None => Err(bad(whole, "unexpected text after ']'")),
        };
    }
    if text.parse::<IpAddr>().is_ok() {
        return Ok((text.to_string(), None));
    }
    match text.rsplit_once(':') {
        Some((h, p)) => Ok((h.to_string(), Some(port_of(p)?))),
        None => Ok((text.to_string(), None)),
    }
}

impl std::fmt::Display for NetGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        write!(f, "{}://{}:{}", self.protocol.as_str(), host, self.port())
    }
}

/// The directory holding an absolute path, lexically (`None` for a path with `..`, which a
/// grant cannot fix: it is an attempt to leave a root).
pub(super) fn parent_dir(path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    if !p.is_absolute() || p.components().any(|c| matches!(c, Component::ParentDir)) {
        return None;
    }
    let parent = p.parent()?;
    parent.parent()?;
    Some(parent.components().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(s: &str) -> url::Host<String> {
        url::Host::parse(s).expect("host")
    }

    fn m(p: &HostPattern, s: &str) -> bool {
        let h = host(s);
        let h: url::Host<&str> = match &h {
            url::Host::Domain(d) => url::Host::Domain(d.as_str()),
            url::Host::Ipv4(a) => url::Host::Ipv4(*a),
            url::Host::Ipv6(a) => url::Host::Ipv6(*a),
        };
        p.matches(&h)
    }

    #[test]
    fn a_wildcard_matches_subdomains_at_any_depth_but_not_the_apex() {
        let p = HostPattern::parse("*.Example.com").expect("pattern");
        assert!(m(&p, "api.example.com"));
        assert!(m(&p, "a.b.EXAMPLE.com"));
        assert!(!m(&p, "example.com"), "the apex is not a subdomain");
        assert!(!m(&p, "badexample.com"));
        assert!(!m(&p, "example.com.evil.net"));
        let exact = HostPattern::parse("example.com").expect("pattern");
        assert!(m(&exact, "EXAMPLE.com") && !m(&exact, "api.example.com"));
    }

    #[test]
    fn bad_hosts_say_why() {
        for (h, why) in [
            ("", "empty"),
            ("https://a.com", "URL"),
            ("a.com/x", "path"),
            ("u@a.com", "user info"),
            ("a.com:80", "port"),
            ("*.com", "two labels"),
            ("a.*.com", "first label"),
            ("*", "first label"),
            ("-a.com", "'-'"),
            ("a..com", "empty"),
            ("a.com.", "trailing dot"),
            ("bücher.de", "punycode"),
            ("a b.com", "spaces"),
            ("[zz]", "IPv6"),
        ] {
            let e = HostPattern::parse(h).expect_err(h).to_string();
            assert!(e.contains(why), "{h}: {e}");
        }
        assert_eq!(
            HostPattern::parse("[::ffff:127.0.0.1]"),
            Ok(HostPattern::Ip("127.0.0.1".parse().expect("ip")))
        );
    }

    #[test]
    fn flags_parse_with_and_without_scheme_and_port() {
        let g = NetGrant::parse_flag("api.example.com").expect("grant");
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].to_string(), "http://api.example.com:80");
        assert_eq!(g[1].to_string(), "https://api.example.com:443");
        let g = NetGrant::parse_flag("https://127.0.0.1:8443/").expect("grant");
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].port, Some(8443));
        let g = NetGrant::parse_flag("[::1]:8080").expect("grant");
        assert_eq!((g[0].host.as_str(), g[0].port), ("::1", Some(8080)));
        let g = NetGrant::parse_flag("::1").expect("grant");
        assert_eq!((g[0].host.as_str(), g[0].port), ("::1", None));
        assert!(NetGrant::parse_flag("h.com:0")
            .expect_err("port 0")
            .to_string()
            .contains("port 0"));
        assert!(NetGrant::parse_flag("ftp://h.com").is_err());
        assert!(NetGrant::parse_flag("h.com:99999").is_err());
        assert!(NetGrant::parse_flag("h.com/path").is_err());
    }

    #[test]
    fn matching_needs_protocol_host_and_port() {
        let g = &NetGrant::parse_flag("https://api.example.com").expect("grant")[0];
        let h = url::Host::Domain("api.example.com");
        assert!(g.matches(Protocol::Https, &h, 443));
        assert!(!g.matches(Protocol::Http, &h, 443));
        assert!(
            !g.matches(Protocol::Https, &h, 8443),
            "no port means the default"
        );
        let ip = &NetGrant::parse_flag("http://127.0.0.1:9").expect("grant")[0];
        assert!(ip.names_address(Protocol::Http, "127.0.0.1".parse().expect("ip"), 9));
        assert!(ip.names_address(Protocol::Http, "::ffff:127.0.0.1".parse().expect("ip"), 9));
        assert!(!ip.names_address(Protocol::Http, "127.0.0.2".parse().expect("ip"), 9));
    }

    #[test]
    fn a_url_proposes_its_grant() {
        let g = NetGrant::for_url("http://127.0.0.1:8080/x?y").expect("grant");
        assert_eq!(g.to_string(), "http://127.0.0.1:8080");
        let g = NetGrant::for_url("https://API.example.com/").expect("grant");
        assert_eq!((g.host.as_str(), g.port), ("api.example.com", None));
        assert!(NetGrant::for_url("file:///etc/passwd").is_none());
        let wild = &NetGrant::parse_flag("https://*.example.com").expect("grant")[0];
        assert!(wild.covers(&g));
        assert_eq!(parent_dir("/a/b/c.txt"), Some(PathBuf::from("/a/b")));
        assert_eq!(parent_dir("/a/../etc/passwd"), None);
        assert_eq!(parent_dir("/passwd"), None, "never the whole filesystem");
        assert_eq!(parent_dir("rel/x"), None);
    }
}
