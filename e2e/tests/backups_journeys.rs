//! The backups workflow as a user clicks it in the release build (each page and dialog loaded
//! from its chunk), against the real server: from the Backups list to a backup's details, a
//! cluster restored with its password shown once and its job followed to Successful, and an
//! automatic backup policy enabled, summarised and disabled. Every page and dialog on the way
//! is checked with axe in light and dark.

use e2e::{Browser, Error, Server, find, http, sim};
use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::json;

const DIALOG: &str = "//dialog[@open]";

/// The open dialog's accessible name (axe does not check native dialogs).
async fn dialog_name(b: &Browser) -> Result<String, Error> {
    let name = b
        .client
        .execute(
            "const d = document.querySelector('dialog[open]'); return document.getElementById(d.getAttribute('aria-labelledby')).textContent;",
            vec![],
        )
        .await?;
    Ok(name.as_str().unwrap_or_default().to_owned())
}

async fn accessible_in_both(b: &Browser, state: &str) -> Result<(), Error> {
    for scheme in ["dark", "light"] {
        b.color_scheme(scheme).await?;
        b.assert_accessible(&format!("{state} ({scheme})")).await?;
    }
    Ok(())
}

#[tokio::test]
async fn a_cluster_is_restored_from_a_backup_and_followed_to_the_end() -> Result<(), Error> {
    let server = Server::start(&["--job-speed", "0.01"]).await?;
    let b = Browser::start().await?;
    let outcome = async {
        b.sign_in(&server, "demo-owner-key", true).await?;
        b.client.find(Locator::XPath(&find::link("Backups"))).await?.click().await?;
        b.wait_for(Locator::XPath(&find::row("prod-search_backup1"))).await?;
        // A filter is a URL: manual backups only.
        b.client.find(Locator::XPath(&find::labelled("Created by"))).await?.select_by_value("MANUAL").await?;
        b.wait_for(Locator::XPath("//*[@role='status' and contains(., 'of 5')]")).await?;
        assert!(b.client.current_url().await?.as_str().ends_with("/backups?by=manual"));
        accessible_in_both(&b, "the Backups list, filtered").await?;

        b.client.find(Locator::XPath(&find::link("prod-search_backup1"))).await?.click().await?;
        b.wait_for(Locator::XPath(&find::heading("prod-search_backup1"))).await?;
        b.wait_for(Locator::XPath(&find::heading("History"))).await?;
        accessible_in_both(&b, "a backup's details").await?;

        // The Delete dialog: looked at, then cancelled with Escape.
        b.client.find(Locator::XPath(&find::button("Delete backup"))).await?.click().await?;
        b.wait_for(Locator::XPath(&format!("{DIALOG}//input"))).await?;
        assert_eq!(dialog_name(&b).await?, "Delete backup");
        accessible_in_both(&b, "the Delete backup dialog").await?;
        b.client.active_element().await?.send_keys(&Key::Escape.to_string()).await?;
        b.wait_for(Locator::XPath("//main[not(.//dialog[@open])]")).await?;

        // Restore collections: its targets loaded, then closed.
        b.client.find(Locator::XPath(&find::button("Restore collections"))).await?.click().await?;
        b.wait_for(Locator::XPath(&find::labelled("Target cluster"))).await?;
        assert_eq!(dialog_name(&b).await?, "Restore collections");
        accessible_in_both(&b, "the Restore collections dialog").await?;
        b.client.find(Locator::XPath(&format!("{DIALOG}{}", find::button("Close")))).await?.click().await?;

        b.client.find(Locator::XPath(&find::button("Restore cluster"))).await?.click().await?;
        let name = b.wait_for(Locator::XPath(&find::labelled("New cluster name"))).await?;
        assert_eq!(dialog_name(&b).await?, "Restore cluster");
        accessible_in_both(&b, "the Restore cluster dialog").await?;
        name.clear().await?;
        name.send_keys("prod-search-restored").await?;
        let preflight = b.client.find(Locator::XPath("//section[contains(@class,'preflight')]")).await?.text().await?;
        assert!(preflight.contains("A new Dedicated cluster prod-search-restored"), "{preflight}");
        assert!(preflight.contains("Not brought back: collection TTL settings"), "{preflight}");
        b.client.find(Locator::XPath(&format!("{DIALOG}{}", find::button("Restore")))).await?.click().await?;
        let password = b.wait_for(Locator::XPath(&format!("{DIALOG}//code[contains(@class,'secret')]"))).await?;
        let password = password.text().await?;
        assert!(password.len() >= 8);
        accessible_in_both(&b, "the new cluster's password").await?;
        let job = b.client.find(Locator::XPath(&find::link("View the restore job"))).await?;
        let job_id = job.attr("href").await?.unwrap_or_default().trim_start_matches("/jobs/").to_owned();
        job.click().await?;
        // The password went with the dialog; the job is followed to the end.
        let row = format!("//tr[.//a[normalize-space()='{job_id}']]");
        b.wait_for(Locator::XPath(&row)).await?;
        let page = b.client.find(Locator::XPath("//main")).await?.text().await?;
        assert!(!page.contains(&password));
        sim(&server, "POST", &format!("/__sim/jobs/{job_id}/finish"), Some(&json!({}))).await?;
        b.client.find(Locator::XPath(&find::button("Refresh"))).await?.click().await?;
        b.wait_for(Locator::XPath(&format!("{row}//*[normalize-space()='Successful']"))).await?;
        let storage: String = b
            .client
            .execute("return JSON.stringify(Object.assign({}, localStorage, sessionStorage));", vec![])
            .await?
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(!storage.contains(&password), "the password is stored");
        Ok(())
    }
    .await;
    b.finish("restore-cluster", outcome).await
}

#[tokio::test]
async fn an_automatic_backup_policy_is_enabled_then_disabled() -> Result<(), Error> {
    let server = Server::start(&["--job-speed", "0.01"]).await?;
    let b = Browser::start().await?;
    let outcome = async {
        b.sign_in(&server, "demo-owner-key", true).await?;
        b.client.goto(&format!("{}/clusters/in01-9d4c2b7e1a5f305", server.url)).await?;
        b.wait_for(Locator::XPath(
            "//*[contains(@class,'policy-summary') and normalize-space()='Automatic backups are off.']",
        ))
        .await?;
        accessible_in_both(&b, "a cluster without a policy").await?;
        b.client.find(Locator::XPath("//input[@role='switch']")).await?.click().await?;
        b.wait_for(Locator::XPath("//*[contains(., 'Saving starts a first backup at once')]")).await?;
        for day in ["Saturday", "Sunday"] {
            b.client.find(Locator::XPath(&find::labelled(day))).await?.click().await?;
        }
        let retention = b.client.find(Locator::XPath(&find::labelled("Keep each backup (days, 1 to 30)"))).await?;
        retention.clear().await?;
        retention.send_keys("10").await?;
        accessible_in_both(&b, "the policy form").await?;
        b.client.find(Locator::XPath(&find::button("Save policy"))).await?.click().await?;
        b.wait_for(Locator::XPath(
            "//*[contains(@class,'policy-summary') and starts-with(normalize-space(), 'Every weekday,')]",
        ))
        .await?;
        let summary = b.client.find(Locator::XPath("//*[contains(@class,'policy-summary')]")).await?.text().await?;
        assert!(summary.ends_with("kept 10 days"), "{summary}");
        assert_eq!(b.client.find_all(Locator::XPath("//ol[contains(@class,'next-runs')]/li")).await?.len(), 3);
        // The first backup's job is followed: its toast links to it.
        b.wait_for(Locator::XPath("//*[contains(@class,'toast')]//a[normalize-space()='View job']")).await?;
        let (_, policy) =
            http(&server, "GET", "/v2/clusters/in01-9d4c2b7e1a5f305/backups/policy", Some("demo-owner-key"), None)
                .await?;
        let p = &policy["data"];
        assert_eq!(p["frequency"], "1,2,3,4,5", "{p}");
        assert_eq!(p["retentionDays"], 10, "{p}");

        // Disabling asks once.
        b.client.find(Locator::XPath("//input[@role='switch']")).await?.click().await?;
        b.wait_for(Locator::XPath(&find::button("Disable"))).await?.click().await?;
        b.wait_for(Locator::XPath("//*[@role='alert' and contains(., 'Press Disable again to confirm.')]")).await?;
        accessible_in_both(&b, "disabling the policy").await?;
        b.client.find(Locator::XPath(&find::button("Disable"))).await?.click().await?;
        b.wait_for(Locator::XPath(
            "//*[contains(@class,'policy-summary') and normalize-space()='Automatic backups are off.']",
        ))
        .await?;
        Ok(())
    }
    .await;
    b.finish("policy", outcome).await
}
