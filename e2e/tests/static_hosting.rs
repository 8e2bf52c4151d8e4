//! Static hosting, proven on Debian's nginx with the repo's config (`deploy/nginx/`): the release
//! `dist/` at a host's root and under a sub-path, the API proxied to the project's server (in
//! simulator mode), the key passed through from the browser or added by the proxy; and the
//! Caddyfile checked by Caddy. The header tests print what nginx sends for each kind of file
//! (`cargo test -p e2e --test static_hosting -- --nocapture` shows it).

use e2e::nginx::{Nginx, request};
use e2e::{Browser, Error, Server, find};
use fantoccini::Locator;

const SUB: &str = "/backup-console/";

/// The headers that must be the same as the project's server sends.
const SECURITY: [&str; 5] = [
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "x-frame-options",
    "cross-origin-opener-policy",
];

async fn headers_for_each_kind_of_file(base: &str) -> Result<(), Error> {
    let server = Server::start(&[]).await?;
    let nginx = Nginx::start(&server, base, None).await?;
    let index = std::fs::read_to_string(e2e::workspace_root().join("dist/index.html"))?;
    let named = |prefix: &str, suffix: &str| -> Result<String, Error> {
        let dist = e2e::workspace_root().join("dist");
        std::fs::read_dir(&dist)?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .find(|n| n.starts_with(prefix) && n.ends_with(suffix))
            .ok_or_else(|| format!("no {prefix}*{suffix} in dist/").into())
    };
    let wasm = named("backup-console-", "_bg.wasm")?;
    let glue = named("backup-console-", ".js")?;
    let css = named("main-", ".css")?;
    assert!(!index.contains("<script type=module>"), "the release index.html has no inline script");

    // What the project's server sends, to compare.
    let server_port: u16 = server.url.rsplit(':').next().unwrap_or_default().parse()?;
    let own = request(server_port, None, "GET", "/", &[]).await?;

    let kinds: [(&str, String, Vec<&str>); 9] = [
        ("the page (the base)", base.to_owned(), vec![]),
        ("a client route, deep (reload of a job)", format!("{base}jobs/job-0123456789abcdef"), vec![]),
        ("config.json", format!("{base}config.json"), vec![]),
        ("the main module, brotli", format!("{base}{wasm}"), vec!["Accept-Encoding: gzip, br"]),
        ("the main module, gzip", format!("{base}{wasm}"), vec!["Accept-Encoding: gzip"]),
        ("the glue", format!("{base}{glue}"), vec!["Accept-Encoding: gzip, br"]),
        ("the style sheet", format!("{base}{css}"), vec!["Accept-Encoding: gzip"]),
        ("the API, with a key", format!("{base}v2/clusters"), vec!["Authorization: Bearer demo-owner-key"]),
        (
            "the API, called by another site's page",
            format!("{base}v2/clusters"),
            vec!["Authorization: Bearer demo-owner-key", "Origin: https://evil.example", "Sec-Fetch-Site: cross-site"],
        ),
    ];
    for (what, path, extra) in &kinds {
        let a = nginx.head("GET", path, extra).await?;
        println!("nginx {base}: {what}: GET {path} {extra:?} -> {}", a.status);
        for (k, v) in &a.headers {
            println!("nginx {base}:     {k}: {v}");
        }
        if what.contains("another site") {
            assert_eq!(a.status, 403, "{what}");
            continue;
        }
        assert_eq!(a.status, 200, "{what}: {path}");
        for name in SECURITY {
            let sent: Vec<_> = a.headers.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect();
            assert_eq!(
                sent,
                own.header(name).into_iter().collect::<Vec<_>>(),
                "{what}: {name}, once, as the project's server sends it"
            );
        }
    }
    let get = |i: usize| nginx.head("GET", &kinds[i].1, &kinds[i].2);
    let page = get(0).await?;
    assert_eq!(page.header("cache-control"), Some("no-cache"));
    let base_tag = format!("<base href=\"{base}\">");
    assert!(String::from_utf8_lossy(&page.body).contains(&base_tag), "the page says where it lives: {base_tag}");
    let deep = get(1).await?;
    assert_eq!(deep.body, page.body, "a client route is the page");
    assert_eq!(get(2).await?.header("cache-control"), Some("no-cache"));
    let br = get(3).await?;
    assert_eq!(br.header("content-type"), Some("application/wasm"));
    assert_eq!(br.header("cache-control"), Some("public, max-age=31536000, immutable"));
    let brotli = std::path::Path::new("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so").exists();
    assert_eq!(br.header("content-encoding"), Some(if brotli { "br" } else { "gzip" }));
    assert_eq!(get(4).await?.header("content-encoding"), Some("gzip"));
    assert_eq!(get(5).await?.header("content-type").map(|t| t.starts_with("text/javascript")), Some(true));
    let api = get(7).await?;
    assert_eq!(api.header("content-type").map(|t| t.starts_with("application/json")), Some(true));

    // A host name that is not the console's is refused (DNS rebinding).
    let other = request(nginx.port, Some("evil.example"), "GET", base, &[]).await?;
    println!("nginx {base}: another host name: GET {base} (Host: evil.example) -> {}", other.status);
    assert_eq!(other.status, 421);
    Ok(())
}

#[tokio::test]
async fn nginx_at_the_root_sends_the_servers_headers() -> Result<(), Error> {
    headers_for_each_kind_of_file("/").await
}

#[tokio::test]
async fn nginx_under_a_sub_path_sends_the_servers_headers() -> Result<(), Error> {
    headers_for_each_kind_of_file(SUB).await
}

/// Create Backup on a cluster, the job's page from the notice, a reload there (a deep link), and
/// the job's end seen after it: at `base`, through nginx.
async fn create_backup_and_reload_the_job(base: &str, proxy_key: Option<&str>) -> Result<(), Error> {
    let server = Server::start(&["--job-speed", "0.01"]).await?;
    let nginx = Nginx::start(&server, base, proxy_key).await?;
    let b = Browser::start().await?;
    match proxy_key {
        // The proxy holds the key: the console asks for none.
        Some(_) => b.client.goto(&format!("{}/clusters", nginx.url)).await?,
        // Remembered for the tab, so the reload keeps it.
        None => b.sign_in_at(&nginx.url, "demo-owner-key", true).await?,
    }
    if proxy_key.is_none() {
        b.client.find(Locator::XPath(&find::link("Clusters"))).await?.click().await?;
    }
    let url = b.create_cluster_backup_and_open_its_job("staging-main").await?;
    let job_id = url.path().strip_prefix(&format!("{base}jobs/")).ok_or(format!("not under {base}: {url}"))?.to_owned();
    assert!(job_id.starts_with("job-"), "{url}");

    // A reload on the deep link: nginx answers with the page, the console finds the job again.
    b.client.refresh().await?;
    b.wait_for(Locator::XPath(&format!("//tbody//a[normalize-space()='{job_id}']"))).await?;
    b.finish_job_and_see_it(&server, &job_id).await?;
    // The header's links stay under the base.
    let jobs_link = b.client.find(Locator::XPath(&find::link("Jobs"))).await?;
    assert_eq!(jobs_link.attr("href").await?.as_deref(), Some(format!("{base}jobs").as_str()));
    let errors = b.console_errors().await?;
    assert!(errors.is_empty(), "{errors:#?}");
    b.close().await
}

#[tokio::test]
async fn on_nginx_at_the_root_a_backup_is_created_and_its_job_reloaded() -> Result<(), Error> {
    create_backup_and_reload_the_job("/", None).await
}

#[tokio::test]
async fn on_nginx_under_a_sub_path_with_the_proxys_key_a_backup_is_created_and_its_job_reloaded() -> Result<(), Error> {
    create_backup_and_reload_the_job(SUB, Some("demo-owner-key")).await
}

#[test]
fn caddy_accepts_the_caddyfile() -> Result<(), Error> {
    // Debian's Caddy (scripts/setup.sh) parses and provisions it, under a sub-path and at the root.
    let caddyfile = e2e::workspace_root().join("deploy/Caddyfile");
    for base in ["/backup-console", ""] {
        let out = std::process::Command::new("caddy")
            .args(["validate", "--adapter", "caddyfile", "--config"])
            .arg(&caddyfile)
            .env("CONSOLE_BASE", base)
            .env("CONSOLE_HOST", "http://localhost")
            .env("CONSOLE_ROOT", e2e::workspace_root().join("dist"))
            .output()
            .map_err(|e| format!("cannot run caddy (scripts/setup.sh installs it): {e}"))?;
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "caddy validate, base {base:?}:\n{text}");
        assert!(text.contains("Valid configuration"), "{text}");
    }
    Ok(())
}
