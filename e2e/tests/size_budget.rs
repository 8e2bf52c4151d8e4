//! The first load of the release build as Chromium fetches it: `/clusters` in a fresh headless
//! Chromium against the real server, every request that started before the console marked
//! itself interactive (Resource Timing). Fails past the budget of 200,000 B gzip -9 (the files of
//! those requests, compressed) or 200,000 B actually transferred (what the server sent: its
//! pre-compressed brotli). Prints every request and every chunk (`make test` shows it).

use e2e::size::{BUDGET_GZIP, CONSOLE_INTERACTIVE, GOAL_GZIP, chunks, first_load, total};
use e2e::{Browser, Error, Server, workspace_root};

#[tokio::test]
async fn first_load_transfer_in_chromium_stays_within_budget() -> Result<(), Error> {
    let dist = workspace_root().join("dist");
    let server = Server::start(&[]).await?;
    let browser = Browser::start().await?;
    let load = first_load(&browser, &format!("{}/clusters", server.url), CONSOLE_INTERACTIVE, &dist).await?;
    browser.close().await?;

    println!("size: first load of /clusters, interactive after {:.0} ms", load.interactive_ms);
    println!("size: {:<48} {:>9} {:>9} {:>9} {:>9} {:>9}", "request", "transfer", "body", "raw", "gzip -9", "br -q 11");
    for r in &load.requests {
        println!(
            "size: {:<48} {:>9} {:>9} {:>9} {:>9} {:>9}",
            r.path, r.transfer, r.encoded, r.file.raw, r.file.gzip, r.file.brotli
        );
    }
    let files = load.files();
    println!(
        "size: {:<48} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "first load",
        load.transfer(),
        load.encoded(),
        files.raw,
        files.gzip,
        files.brotli
    );
    let lazy = chunks(&dist)?;
    for c in &lazy {
        println!("size: chunk {:<42} {:>9} {:>9} {:>9} {:>9} {:>9}", c.name, "", "", c.raw, c.gzip, c.brotli);
    }
    let all = total("chunks", &lazy);
    println!("size: {:<48} {:>9} {:>9} {:>9} {:>9} {:>9}", "all chunks", "", "", all.raw, all.gzip, all.brotli);
    println!(
        "size: first load {} B gzip -9, {} B transferred; budget {BUDGET_GZIP} B; goal {GOAL_GZIP} B",
        files.gzip,
        load.transfer()
    );

    // The split build: the pages and dialogs are not in the first load, and they exist.
    assert!(load.requests.iter().any(|r| r.path.ends_with("_bg.wasm")), "no main module in {:?}", load.requests);
    let eager: Vec<_> =
        load.requests.iter().filter(|r| r.path.contains("/split_") || r.path.contains("/chunk_")).collect();
    assert!(eager.is_empty(), "chunks fetched before the landing page was interactive: {eager:?}");
    for part in [
        "jobs",
        "backups",
        "cluster",
        "settings",
        "create_backup",
        "backup",
        "delete_backup",
        "restore_cluster",
        "restore_collections",
    ] {
        assert!(lazy.iter().any(|c| c.name.starts_with(&format!("split_{part}-"))), "no chunk for {part}");
    }
    assert!(files.gzip <= BUDGET_GZIP, "first load is {} B gzip -9, over the {BUDGET_GZIP} B budget", files.gzip);
    assert!(
        load.transfer() <= BUDGET_GZIP,
        "first load transferred {} B, over the {BUDGET_GZIP} B budget",
        load.transfer()
    );
    Ok(())
}
