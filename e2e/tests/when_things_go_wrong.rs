//! The states a person meets when the API misbehaves, in the release build on the real server:
//! each asserted, checked by axe-core (WCAG 2.1 A/AA) and photographed in light and dark into
//! docs/screenshots/ (the README shows them).

use std::path::PathBuf;

use e2e::{Browser, Error, Server, find, sim, workspace_root};
use fantoccini::Locator;
use serde_json::json;

const DIALOG: &str = "//dialog[@open]";
const FREE: &str = "in03-6b1d9e4a2c7f008";

fn shot(name: &str, scheme: &str) -> PathBuf {
    let dir = std::env::var("E2E_SCREENSHOTS_DIR").unwrap_or_else(|_| "target/e2e-screenshots".into());
    workspace_root().join(dir).join(format!("{name}-{scheme}.png"))
}

async fn open_dialog(b: &Browser, server: &Server, cluster: &str) -> Result<(), Error> {
    b.client.goto(&format!("{}/clusters", server.url)).await?;
    b.wait_for(Locator::XPath(&format!("//button[normalize-space()='Create Backup for {cluster}']")))
        .await?
        .click()
        .await?;
    b.wait_for(Locator::XPath(&format!("{DIALOG}//button[normalize-space()='Create' and not(@aria-disabled)]")))
        .await?;
    Ok(())
}

async fn cancel(b: &Browser) -> Result<(), Error> {
    b.client.find(Locator::XPath(&format!("{DIALOG}//button[normalize-space()='Cancel']"))).await?.click().await?;
    Ok(())
}

#[tokio::test]
async fn the_fixed_error_states_are_clear_accessible_and_photographed() -> Result<(), Error> {
    let server = Server::start(&["--job-speed", "0.01"]).await?;
    let b = Browser::start().await?;
    b.client.set_window_size(1280, 900).await?;
    let outcome = async {
        b.sign_in(&server, "demo-owner-key", true).await?;
        for scheme in ["light", "dark"] {
            b.color_scheme(scheme).await?;

            // A Create refused with 429: the wait, beside the button, focus kept on Create.
            let fault = json!({"rateLimitRate": 1.0, "remaining": 1, "retryAfterSecs": 30,
                "endpoints": ["POST /v2/clusters/*/backups/create"]});
            sim(&server, "POST", "/__sim/faults", Some(&fault)).await?;
            open_dialog(&b, &server, "staging-main").await?;
            b.client
                .find(Locator::XPath(&format!("{DIALOG}//button[normalize-space()='Create']")))
                .await?
                .click()
                .await?;
            let alert = b.wait_for(Locator::XPath(&format!("{DIALOG}//footer//*[@role='alert']"))).await?;
            let text = alert.text().await?;
            assert!(text.contains("Wait 30 s, then try again."), "{text}");
            let focused = b.client.active_element().await?.text().await?;
            assert_eq!(focused, "Create", "focus stays on Create");
            b.assert_accessible(&format!("a Create refused with 429 ({scheme})")).await?;
            b.screenshot(&shot("dialog-rate-limited", scheme)).await?;
            cancel(&b).await?;

            // A Create whose answer was a 5xx: checked, nothing made, said so.
            let fault = json!({"errorRate": 1.0, "remaining": 1, "endpoints": ["POST /v2/clusters/*/backups/create"]});
            sim(&server, "POST", "/__sim/faults", Some(&fault)).await?;
            open_dialog(&b, &server, "staging-main").await?;
            b.client
                .find(Locator::XPath(&format!("{DIALOG}//button[normalize-space()='Create']")))
                .await?
                .click()
                .await?;
            b.wait_for(Locator::XPath(&format!(
                "{DIALOG}//footer//*[@role='alert' and contains(., 'No backup was made')]"
            )))
            .await?;
            b.assert_accessible(&format!("a Create checked after a 5xx ({scheme})")).await?;
            b.screenshot(&shot("dialog-not-created", scheme)).await?;
            cancel(&b).await?;

            // A list refused three times with 429: the counted-down Try again.
            let fault =
                json!({"rateLimitRate": 1.0, "remaining": 3, "retryAfterSecs": 3, "endpoints": ["GET /v2/clusters"]});
            sim(&server, "POST", "/__sim/faults", Some(&fault)).await?;
            b.client.goto(&format!("{}/clusters", server.url)).await?;
            let waiting =
                b.wait_for(Locator::XPath("//main//button[starts-with(normalize-space(), 'Try again in')]")).await?;
            assert_eq!(waiting.attr("aria-disabled").await?.as_deref(), Some("true"));
            b.assert_accessible(&format!("a list refused with 429 ({scheme})")).await?;
            b.screenshot(&shot("clusters-rate-limited", scheme)).await?;
            b.wait_for(Locator::XPath(&find::button("Try again"))).await?.click().await?;
            b.wait_for(Locator::XPath(&find::row("prod-search"))).await?;

            // A proxy's error page, named as such.
            let fault = json!({"htmlErrorRate": 1.0, "remaining": 3, "endpoints": ["GET /v2/clusters"]});
            sim(&server, "POST", "/__sim/faults", Some(&fault)).await?;
            b.client.goto(&format!("{}/clusters", server.url)).await?;
            b.wait_for(Locator::XPath("//main//*[@role='alert' and contains(., 'A proxy or gateway')]")).await?;
            b.assert_accessible(&format!("a proxy's error page ({scheme})")).await?;
            b.screenshot(&shot("clusters-proxy-error", scheme)).await?;
            sim(&server, "DELETE", "/__sim/faults", None).await?;

            // Where the Free cluster's Upgrade fix lands.
            b.client.goto(&format!("{}/clusters/{FREE}#upgrade", server.url)).await?;
            b.wait_for(Locator::XPath(&find::heading("Backups need a Dedicated cluster"))).await?;
            b.assert_accessible(&format!("the cluster page's upgrade notes ({scheme})")).await?;
            b.screenshot(&shot("cluster-upgrade", scheme)).await?;

            // Settings refusing an API the server's CSP would block.
            b.client.goto(&format!("{}/settings", server.url)).await?;
            let url = b.wait_for(Locator::XPath(&find::labelled("API base URL"))).await?;
            url.clear().await?;
            url.send_keys("https://api.elsewhere.example").await?;
            b.client.find(Locator::XPath(&find::button("Save endpoint"))).await?.click().await?;
            let error =
                b.wait_for(Locator::XPath("//*[@id='api-base-url-error' and contains(., '--connect-origin')]")).await?;
            assert!(error.text().await?.contains("https://api.elsewhere.example"));
            b.assert_accessible(&format!("Settings refusing a blocked API ({scheme})")).await?;
            b.screenshot(&shot("settings-refused", scheme)).await?;
            url.clear().await?;
        }

        // 420 px wide: tables become cards, nothing scrolls sideways.
        b.color_scheme("light").await?;
        b.client.set_window_size(420, 900).await?;
        for (page, ready) in [("clusters", find::row("prod-search")), ("backups", "//table".to_owned())] {
            b.client.goto(&format!("{}/{page}", server.url)).await?;
            b.wait_for(Locator::XPath(&ready)).await?;
            let overflow = b
                .client
                .execute(
                    "return [document.documentElement, ...document.querySelectorAll('.table-scroll')]\
                     .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.className || e.tagName);",
                    vec![],
                )
                .await?;
            assert_eq!(overflow, json!([]), "{page}: these scroll sideways at 420 px");
            b.assert_accessible(&format!("{page} at 420 px")).await?;
            b.screenshot(&shot(&format!("{page}-420"), "light")).await?;
        }
        Ok(())
    }
    .await;
    b.finish_with_faults("fixed-error-states", outcome).await
}
