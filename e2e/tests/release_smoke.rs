//! The release build, served by the real server in simulator mode, loads in headless Chromium
//! and shows the simulator's clusters once a key is entered. (A broken wasm-opt builds
//! "successfully" and fails only here, at load.)

use e2e::{Browser, Error, Server, find};
use fantoccini::Locator;

#[tokio::test]
async fn release_build_lists_the_simulators_clusters() -> Result<(), Error> {
    let server = Server::start(&[]).await?;
    let browser = Browser::start().await?;
    let c = &browser.client;

    // Without a key the console says what to do instead of failing.
    c.goto(&format!("{}/clusters", server.url)).await?;
    browser.wait_for(Locator::XPath(&find::link("Enter your API key in Settings"))).await?.click().await?;

    browser.wait_for(Locator::XPath(&find::heading("Settings"))).await?;
    browser.wait_for(Locator::XPath(&find::labelled("API key"))).await?.send_keys("demo-readonly-key").await?;
    c.find(Locator::XPath(&find::button("Save key"))).await?.click().await?;
    browser.wait_for(Locator::XPath("//*[contains(text(), 'A key ending in …-key is in use')]")).await?;

    c.find(Locator::XPath(&find::link("Clusters"))).await?.click().await?;
    browser.wait_for(Locator::XPath(&find::heading("Production"))).await?;
    let row = browser.wait_for(Locator::XPath(&find::row("prod-search"))).await?;
    let text = row.text().await?;
    for want in ["in01-3f9a1c7e5b2d401", "Dedicated (Enterprise)", "Running", "aws-us-east-1"] {
        assert!(text.contains(want), "row {text:?} lacks {want:?}");
    }
    // Free reported as Serverless is shown as Free; every seeded cluster is listed.
    let free = c.find(Locator::XPath(&find::row("sandbox-free"))).await?.text().await?;
    assert!(free.contains("Free"), "{free}");
    let rows = c.find_all(Locator::Css("tbody tr")).await?;
    assert_eq!(rows.len(), 8, "the simulator seeds 8 clusters");
    assert_eq!(c.current_url().await?.path(), "/clusters");

    let errors = browser.console_errors().await?;
    assert!(errors.is_empty(), "browser console errors: {errors:#?}");
    browser.close().await
}

#[tokio::test]
async fn unknown_routes_show_the_not_found_page() -> Result<(), Error> {
    let server = Server::start(&[]).await?;
    let browser = Browser::start().await?;
    browser.client.goto(&format!("{}/no/such/page", server.url)).await?;
    browser.wait_for(Locator::XPath(&find::heading("Page not found"))).await?;
    browser.close().await
}

/// The harness's console check must see errors, or every "console clean" assertion is hollow.
#[tokio::test]
async fn harness_sees_browser_console_errors() -> Result<(), Error> {
    let server = Server::start(&[]).await?;
    let browser = Browser::start().await?;
    browser.client.goto(&format!("{}/settings", server.url)).await?;
    browser.wait_for(Locator::XPath(&find::heading("Settings"))).await?;
    browser.client.execute("console.error('planted error')", vec![]).await?;
    let errors = browser.console_errors().await?;
    assert!(errors.iter().any(|e| e.contains("planted error")), "{errors:?}");
    browser.close().await
}
