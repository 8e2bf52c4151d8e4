//! axe-core on every page and state a user meets, in light and dark: zero violations of the
//! WCAG 2.1 A and AA rules. Plus what axe cannot see: the dialog's accessible name.

use e2e::{Browser, Error, Server, find};
use fantoccini::Locator;

#[tokio::test]
async fn every_page_and_dialog_state_has_no_wcag_violations() -> Result<(), Error> {
    let server = Server::start(&["--job-speed", "0.01"]).await?;
    let b = Browser::start().await?;
    for scheme in ["light", "dark"] {
        b.color_scheme(scheme).await?;
        b.client.goto(&format!("{}/settings", server.url)).await?;
        b.wait_for(Locator::XPath(&find::heading("Settings"))).await?;
        b.assert_accessible(&format!("Settings ({scheme})")).await?;
    }
    b.sign_in(&server, "demo-owner-key", true).await?;

    for scheme in ["light", "dark"] {
        b.color_scheme(scheme).await?;
        b.client.goto(&format!("{}/clusters", server.url)).await?;
        b.wait_for(Locator::XPath(&find::row("prod-search"))).await?;
        b.assert_accessible(&format!("Clusters ({scheme})")).await?;

        for cluster in ["staging-main", "sandbox-free", "prod-recommend"] {
            b.client
                .find(Locator::XPath(&format!("//button[normalize-space()='Create Backup for {cluster}']")))
                .await?
                .click()
                .await?;
            let dialog = b.wait_for(Locator::XPath("//dialog[@open]")).await?;
            // The dialog's name is its title (axe does not check native dialogs).
            let name = b.client.execute(
                "const d = document.querySelector('dialog[open]'); return document.getElementById(d.getAttribute('aria-labelledby')).textContent;",
                vec![],
            ).await?;
            assert_eq!(name.as_str(), Some("Create Backup"));
            b.wait_for(Locator::XPath(
                "//dialog[@open]//*[contains(@class,'check-pass') or contains(@class,'check-fail')]",
            ))
            .await?;
            b.assert_accessible(&format!("the Create Backup dialog for {cluster} ({scheme})")).await?;
            if cluster == "staging-main" {
                b.client.find(Locator::XPath("//dialog//label[normalize-space()='Collection']")).await?.click().await?;
                b.wait_for(Locator::Id("backup-database")).await?.select_by_value("default").await?;
                b.wait_for(Locator::XPath("//label[normalize-space()='articles_en_sample']")).await?;
                b.assert_accessible(&format!("the dialog with collections ({scheme})")).await?;
            }
            dialog.find(Locator::XPath(".//button[normalize-space()='Cancel']")).await?.click().await?;
        }

        b.client.goto(&format!("{}/backups", server.url)).await?;
        b.wait_for(Locator::XPath("//table")).await?;
        b.assert_accessible(&format!("Backups ({scheme})")).await?;

        b.client.goto(&format!("{}/clusters/in01-3f9a1c7e5b2d401", server.url)).await?;
        b.wait_for(Locator::XPath(&find::heading("prod-search"))).await?;
        b.assert_accessible(&format!("a cluster page ({scheme})")).await?;
    }

    // Jobs with a running job, and a toast on screen.
    b.color_scheme("light").await?;
    b.client.goto(&format!("{}/clusters", server.url)).await?;
    b.wait_for(Locator::XPath("//button[normalize-space()='Create Backup for staging-main']")).await?.click().await?;
    b.wait_for(Locator::XPath("//dialog[@open]//button[normalize-space()='Create' and not(@aria-disabled)]"))
        .await?
        .click()
        .await?;
    b.wait_for(Locator::XPath("//*[contains(@class,'toast')]//a[normalize-space()='View job']")).await?;
    b.assert_accessible("Clusters with a toast").await?;
    b.client
        .find(Locator::XPath("//*[contains(@class,'toast')]//a[normalize-space()='View job']"))
        .await?
        .click()
        .await?;
    b.wait_for(Locator::XPath("//tbody//progress | //tbody//*[normalize-space()='Pending']")).await?;
    for scheme in ["light", "dark"] {
        b.color_scheme(scheme).await?;
        b.assert_accessible(&format!("Jobs with a running job ({scheme})")).await?;
    }
    b.client.goto(&format!("{}/nowhere", server.url)).await?;
    b.wait_for(Locator::XPath(&find::heading("Page not found"))).await?;
    b.assert_accessible("the not-found page").await?;

    let errors = b.console_errors().await?;
    assert!(errors.is_empty(), "{errors:#?}");
    b.close().await
}
