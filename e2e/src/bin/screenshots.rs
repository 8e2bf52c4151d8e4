//! Takes the screenshots in docs/ from the release build: the Create Backup dialog in each
//! state, the backups workflow (list, details, Delete, Restore, the policy), light and dark,
//! plus the main pages. Run with `make screenshots`.

use std::path::PathBuf;
use std::time::Duration;

use e2e::{Browser, Error, Server, find, workspace_root};
use fantoccini::Locator;

async fn open_dialog(b: &Browser, server: &Server, cluster: &str) -> Result<(), Error> {
    eprintln!("open dialog for {cluster}");
    b.client.goto(&format!("{}/clusters", server.url)).await?;
    let button =
        format!("//tr[th[normalize-space()='{cluster}']]//button[starts-with(normalize-space(), 'Create Backup')]");
    b.wait_for(Locator::XPath(&button)).await?.click().await?;
    if let Err(e) = b.wait_for(Locator::XPath("//dialog[@open]//h2[normalize-space()='Create Backup']")).await {
        b.screenshot(&workspace_root().join("target/failed-dialog.png")).await?;
        return Err(e);
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let out: PathBuf = workspace_root().join("docs/screenshots");
    let server = Server::start(&["--job-speed", "0.05"]).await?;
    let b = Browser::start().await?;
    b.client.set_window_size(1280, 1000).await?;
    eprintln!("sign in");
    b.sign_in(&server, "demo-owner-key", true).await?;
    eprintln!("signed in");
    for scheme in ["light", "dark"] {
        b.color_scheme(scheme).await?;
        let shot = |name: &str| out.join(format!("{name}-{scheme}.png"));

        b.client.goto(&format!("{}/clusters", server.url)).await?;
        eprintln!("clusters {scheme}");
        if let Err(e) = b.wait_for(Locator::XPath(&find::row("prod-search"))).await {
            b.screenshot(&workspace_root().join("target/failed.png")).await?;
            return Err(e);
        }
        b.screenshot(&shot("clusters")).await?;

        // Dedicated, running, nothing in progress: ready to create.
        open_dialog(&b, &server, "staging-main").await?;
        b.screenshot(&shot("dialog-ready")).await?;
        // Collection scope with a database chosen.
        b.client.find(Locator::XPath("//label[normalize-space()='Collection']")).await?.click().await?;
        let select = b.wait_for(Locator::Id("backup-database")).await?;
        select.select_by_value("default").await?;
        b.wait_for(Locator::XPath("//label[normalize-space()='products_sample']")).await?.click().await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        b.screenshot(&shot("dialog-collections")).await?;
        b.client.find(Locator::XPath(&find::button("Cancel"))).await?.click().await?;

        // Free and Serverless gates.
        open_dialog(&b, &server, "sandbox-free").await?;
        b.screenshot(&shot("dialog-free")).await?;
        b.client.find(Locator::XPath(&find::button("Cancel"))).await?.click().await?;
        open_dialog(&b, &server, "staging-serverless").await?;
        b.screenshot(&shot("dialog-serverless")).await?;
        b.client.find(Locator::XPath(&find::button("Cancel"))).await?.click().await?;

        // Enterprise with cross-region copies and an estimate.
        open_dialog(&b, &server, "prod-recommend").await?;
        b.screenshot(&shot("dialog-enterprise")).await?;
        b.client.find(Locator::XPath(&find::button("Cancel"))).await?.click().await?;
    }

    // The backups workflow, light and dark.
    for scheme in ["light", "dark"] {
        b.color_scheme(scheme).await?;
        let shot = |name: &str| out.join(format!("{name}-{scheme}.png"));
        eprintln!("backups {scheme}");
        b.client.goto(&format!("{}/backups?by=manual", server.url)).await?;
        b.wait_for(Locator::XPath(&find::row("prod-search_backup1"))).await?;
        b.screenshot(&shot("backups")).await?;
        b.client.find(Locator::XPath(&find::link("prod-search_backup1"))).await?.click().await?;
        b.wait_for(Locator::XPath(&find::heading("History"))).await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        b.screenshot(&shot("backup-details")).await?;
        b.client.find(Locator::XPath(&find::button("Delete backup"))).await?.click().await?;
        b.wait_for(Locator::XPath("//dialog[@open]//input")).await?.send_keys("prod-search_backup1").await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        b.screenshot(&shot("dialog-delete")).await?;
        b.client.find(Locator::XPath(&find::button("Cancel"))).await?.click().await?;
        b.client.find(Locator::XPath(&find::button("Restore collections"))).await?.click().await?;
        b.wait_for(Locator::XPath(&find::labelled("Target cluster"))).await?;
        b.client.find(Locator::XPath(&find::labelled("Restore default.articles_en"))).await?.click().await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        b.screenshot(&shot("dialog-restore-collections")).await?;
        b.client.find(Locator::XPath("//dialog[@open]//button[normalize-space()='Close']")).await?.click().await?;
        b.client.find(Locator::XPath(&find::button("Restore cluster"))).await?.click().await?;
        let name = b.wait_for(Locator::XPath(&find::labelled("New cluster name"))).await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        b.screenshot(&shot("dialog-restore-cluster")).await?;
        name.clear().await?;
        name.send_keys(&format!("prod-search-{scheme}")).await?;
        b.client.find(Locator::XPath("//dialog[@open]//button[normalize-space()='Restore']")).await?.click().await?;
        b.wait_for(Locator::XPath("//dialog[@open]//code[contains(@class,'secret')]")).await?;
        b.screenshot(&shot("dialog-restore-password")).await?;
        b.client.find(Locator::XPath("//dialog[@open]//button[normalize-space()='Close']")).await?.click().await?;

        // A cluster's automatic backup policy, being edited.
        b.client.goto(&format!("{}/clusters/in01-3f9a1c7e5b2d401", server.url)).await?;
        let retention = b.wait_for(Locator::XPath(&find::labelled("Keep each backup (days, 1 to 30)"))).await?;
        b.client.find(Locator::XPath(&find::labelled("Sunday"))).await?.click().await?;
        retention.clear().await?;
        retention.send_keys("14").await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        b.client.execute("document.getElementById('policy-heading').scrollIntoView({block: 'start'});", vec![]).await?;
        b.screenshot(&shot("cluster-policy")).await?;
    }

    // A manual backup in progress blocks the next one (slow jobs keep it running).
    b.color_scheme("light").await?;
    open_dialog(&b, &server, "staging-main").await?;
    b.client.find(Locator::XPath(&find::button("Create"))).await?.click().await?;
    b.wait_for(Locator::XPath("//*[contains(@class,'toast')]")).await?;
    open_dialog(&b, &server, "staging-main").await?;
    b.screenshot(&out.join("dialog-blocked-light.png")).await?;
    b.client.find(Locator::XPath(&find::button("Cancel"))).await?.click().await?;
    b.client.goto(&format!("{}/jobs", server.url)).await?;
    b.wait_for(Locator::XPath("//table")).await?;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    b.screenshot(&out.join("jobs-light.png")).await?;

    // 375 px wide.
    b.client.set_window_size(375, 800).await?;
    b.client.goto(&format!("{}/clusters", server.url)).await?;
    b.wait_for(Locator::XPath(&find::row("prod-search"))).await?;
    b.screenshot(&out.join("clusters-375-light.png")).await?;
    let errors = b.console_errors().await?;
    if !errors.is_empty() {
        eprintln!("browser console errors: {errors:#?}");
    }
    b.close().await?;
    println!("screenshots written to {}", out.display());
    Ok(())
}
