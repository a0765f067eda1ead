use super::*;

fn ip(s: &str) -> IpAddr {
    s.parse().expect("ip")
}

#[test]
fn special_addresses_are_not_public() {
    for a in [
        "127.0.0.1",
        "127.255.0.9",
        "0.0.0.0",
        "10.1.2.3",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "192.0.0.8",
        "192.0.2.1",
        "198.18.0.1",
        "224.0.0.1",
        "255.255.255.255",
        "240.0.0.1",
        "::",
        "::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::127.0.0.1",
        "64:ff9b::7f00:1",
        "64:ff9b::a9fe:a9fe",
        "2002:7f00:1::",
        "2002:a9fe:a9fe::1",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "fec0::1",
        "ff02::1",
        "2001:db8::1",
        "2001::1",
        "100::1",
    ] {
        assert!(!is_public(ip(a)), "{a} must be special");
    }
    for a in [
        "93.184.216.34",
        "8.8.8.8",
        "172.32.0.1",
        "100.128.0.1",
        "::ffff:8.8.8.8",
        "2606:4700::1111",
        "2a00:1450:4001::1",
        "64:ff9b::808:808",
        "2002:808:808::1",
    ] {
        assert!(is_public(ip(a)), "{a} must be public");
    }
}

fn run_with(grants: &str) -> RunNet {
    let mut p = Permissions::default();
    for g in grants.split_whitespace() {
        for n in crate::engine::policy::NetGrant::parse_flag(g).expect("grant") {
            p.add_net(n);
        }
    }
    RunNet {
        perms: Arc::new(p),
        counters: Arc::new(Counters::default()),
        deadline: Instant::now() + Duration::from_secs(5),
    }
}

fn req(url: &str) -> FetchRequest {
    FetchRequest {
        url: url.to_string(),
        method: "GET".into(),
        headers: Vec::new(),
        body: None,
        redirect: RedirectMode::Follow,
        timeout_ms: None,
    }
}

#[test]
fn requests_are_checked_before_anything_is_sent() {
    let run = run_with("api.example.com");
    let url = |u: &str| url::Url::parse(u).expect("url");
    assert!(check_url(&run.perms, &url("https://api.example.com/x")).is_ok());
    assert!(check_url(&run.perms, &url("http://API.example.com:80/")).is_ok());
    for bad in [
        "https://api.example.com:8443/",
        "https://evil.example.com/",
        "https://example.com/",
        "file:///etc/passwd",
        "ftp://api.example.com/",
        "http://127.0.0.1/",
    ] {
        let f = check_url(&run.perms, &url(bad)).expect_err(bad);
        assert_eq!(f.kind, FailKind::Refused, "{bad}");
        assert_eq!(
            f.refusal.as_ref().map(|r| r.category),
            Some(Category::Network)
        );
    }
    let mut r = req("https://api.example.com/");
    r.headers.push(("Host".into(), "evil".into()));
    assert!(prepare(&run, r).is_err());
    let mut r = req("https://api.example.com/");
    r.headers.push(("x-a".into(), "b\r\nInjected: 1".into()));
    assert!(prepare(&run, r).is_err());
    let mut r = req("https://api.example.com/");
    r.method = "CONNECT".into();
    assert!(prepare(&run, r).is_err());
    let mut r = req("https://api.example.com/");
    r.body = Some(Bytes(vec![1]));
    assert!(prepare(&run, r).is_err(), "GET with a body");
    let r = req("https://user:pw@api.example.com/");
    assert!(prepare(&run, r).is_err(), "credentials in the URL");
    let mut r = req("https://api.example.com/");
    r.method = "POST".into();
    r.body = Some(Bytes(vec![0; 2 * 1024 * 1024]));
    assert_eq!(
        prepare(&run, r).err().map(|f| f.kind),
        Some(FailKind::Limit)
    );
    let mut r = req("https://api.example.com/");
    r.timeout_ms = Some(50);
    let p = prepare(&run, r).expect("prepared");
    assert!(p.script_timeout && p.timeout == Duration::from_millis(50));
}
