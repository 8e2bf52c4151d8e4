//! Journeys as a user clicks them, against the release build and the real server: the tier
//! gates and their fixes, the one-manual-backup block and its release, a Read-Only key, and
//! faults with recovery. Each saves a screenshot of its last step when it fails, and fails on
//! any error in the browser console.

use e2e::{Browser, Error, Server, find, sim};
use fantoccini::Locator;
use serde_json::json;

const DIALOG: &str = "//dialog[@open]";

fn opener(cluster: &str) -> String {
    format!("//button[normalize-space()='Create Backup for {cluster}']")
}

/// The state word of a checklist line ("OK", "Blocked", …).
fn line_state(rule: &str, state: &str) -> String {
    format!(
        "{DIALOG}//li[.//*[contains(@class,'check-label') and normalize-space()='{rule}']]//*[contains(@class,'check-state') and normalize-space()='{state}']"
    )
}

async fn to_clusters(b: &Browser, server: &Server, key: &str) -> Result<(), Error> {
    b.sign_in(server, key, false).await?;
    b.client.find(Locator::XPath(&find::link("Clusters"))).await?.click().await?;
    b.wait_for(Locator::XPath(&find::row("prod-search"))).await?;
    Ok(())
}

async fn create_disabled(b: &Browser) -> Result<bool, Error> {
    let button = b.client.find(Locator::XPath(&format!("{DIALOG}//button[@type='submit']"))).await?;
    Ok(button.attr("aria-disabled").await?.as_deref() == Some("true"))
}

#[tokio::test]
async fn free_and_serverless_gates_show_their_fixes() -> Result<(), Error> {
    let server = Server::start(&[]).await?;
    let b = Browser::start().await?;
    let outcome = async {
        to_clusters(&b, &server, "demo-owner-key").await?;
        b.client.find(Locator::XPath(&opener("sandbox-free"))).await?.click().await?;
        b.wait_for(Locator::XPath(&line_state("Dedicated cluster", "Blocked"))).await?;
        let upgrade = b.client.find(Locator::XPath(&format!("{DIALOG}//a[normalize-space()='Upgrade']"))).await?;
        assert!(upgrade.attr("href").await?.unwrap_or_default().contains("in03-6b1d9e4a2c7f008"));
        assert!(create_disabled(&b).await?);
        // The reason is said once, on its checklist line; beside Create, a pointer to it.
        let reason = b.client.find(Locator::Id("create-backup-reason")).await?.text().await?;
        assert!(reason.contains("“Dedicated cluster”"), "{reason}");
        let dialog_text = b.client.find(Locator::XPath(DIALOG)).await?.text().await?;
        assert!(dialog_text.contains("Free clusters cannot be backed up"), "{dialog_text}");
        b.client.find(Locator::XPath(&format!("{DIALOG}//button[normalize-space()='Cancel']"))).await?.click().await?;

        b.client.find(Locator::XPath(&opener("staging-serverless"))).await?.click().await?;
        b.wait_for(Locator::XPath(&line_state("Dedicated cluster", "Blocked"))).await?;
        let migrate = b
            .client
            .find(Locator::XPath(&format!("{DIALOG}//a[normalize-space()='Migrate to a Dedicated cluster']")))
            .await?;
        assert!(migrate.attr("href").await?.unwrap_or_default().contains("migrate"));
        assert!(create_disabled(&b).await?);
        Ok(())
    }
    .await;
    b.finish("gates", outcome).await
}

#[tokio::test]
async fn a_manual_backup_blocks_the_next_until_it_finishes() -> Result<(), Error> {
    let server = Server::start(&["--job-speed", "0.001"]).await?;
    let b = Browser::start().await?;
    let outcome = async {
        to_clusters(&b, &server, "demo-owner-key").await?;
        b.client.find(Locator::XPath(&opener("staging-main"))).await?.click().await?;
        b.wait_for(Locator::XPath(&format!("{DIALOG}//button[normalize-space()='Create' and not(@aria-disabled)]")))
            .await?
            .click()
            .await?;
        let view_job =
            b.wait_for(Locator::XPath("//*[contains(@class,'toast')]//a[normalize-space()='View job']")).await?;
        let job_id = view_job.attr("href").await?.unwrap_or_default().trim_start_matches("/jobs/").to_owned();
        // The toast sits over the table's corner: dismiss it as a user would.
        b.client.find(Locator::XPath("//button[@aria-label='Dismiss notification']")).await?.click().await?;

        b.client.find(Locator::XPath(&opener("staging-main"))).await?.click().await?;
        b.wait_for(Locator::XPath(&line_state("One manual backup at a time", "Blocked"))).await?;
        let link = b.client.find(Locator::XPath(&format!("{DIALOG}//a[normalize-space()='View job']"))).await?;
        assert_eq!(link.attr("href").await?.unwrap_or_default(), format!("/jobs/{job_id}"));
        assert!(create_disabled(&b).await?);

        // The job ends; the open dialog notices by itself and enables Create.
        sim(&server, "POST", &format!("/__sim/jobs/{job_id}/finish"), Some(&json!({}))).await?;
        b.wait_for(Locator::XPath(&line_state("One manual backup at a time", "OK"))).await?;
        b.wait_for(Locator::XPath(&format!("{DIALOG}//button[normalize-space()='Create' and not(@aria-disabled)]")))
            .await?;
        Ok(())
    }
    .await;
    b.finish("one-manual-backup", outcome).await
}

#[tokio::test]
async fn a_read_only_key_sees_everything_and_learns_why_it_cannot_create() -> Result<(), Error> {
    let server = Server::start(&[]).await?;
    let b = Browser::start().await?;
    let outcome = async {
        to_clusters(&b, &server, "demo-readonly-key").await?;
        let rows = b.client.find_all(Locator::Css("tbody tr")).await?;
        assert_eq!(rows.len(), 8, "everything is visible");
        b.client.find(Locator::XPath(&opener("staging-main"))).await?.click().await?;
        b.wait_for(Locator::XPath(&line_state("Role allowed to create backups", "Not known"))).await?;
        b.wait_for(Locator::XPath(&format!("{DIALOG}//button[normalize-space()='Create' and not(@aria-disabled)]")))
            .await?
            .click()
            .await?;
        let alert = b.wait_for(Locator::XPath(&format!("{DIALOG}//*[@role='alert']"))).await?;
        let text = alert.text().await?;
        assert!(text.contains("may not create backups"), "{text}");
        b.wait_for(Locator::XPath(&line_state("Role allowed to create backups", "Blocked"))).await?;
        assert!(create_disabled(&b).await?, "no action is enabled once the role is known");
        // Who may, said once: on the role line; beside Create, a pointer to it.
        let dialog_text = b.client.find(Locator::XPath(DIALOG)).await?.text().await?;
        assert_eq!(dialog_text.matches("Organization Owner").count(), 1, "{dialog_text}");
        let reason = b.client.find(Locator::Id("create-backup-reason")).await?.text().await?;
        assert!(reason.contains("“Role allowed to create backups”"), "the reason is on screen: {reason}");
        Ok(())
    }
    .await;
    b.finish("read-only", outcome).await
}

#[tokio::test]
async fn faults_give_clear_errors_keep_input_and_recover() -> Result<(), Error> {
    let server = Server::start(&["--fault-latency-ms", "150"]).await?;
    let b = Browser::start().await?;
    let outcome = async {
        b.sign_in(&server, "demo-owner-key", false).await?;
        // Every attempt at listing clusters fails with a 500: a clear error, then recovery.
        sim(&server, "POST", "/__sim/faults", Some(&json!({"errorRate": 1.0, "endpoints": ["GET /v2/clusters"]}))).await?;
        b.client.find(Locator::XPath(&find::link("Clusters"))).await?.click().await?;
        let alert = b.wait_for(Locator::XPath("//main//*[@role='alert']")).await?;
        assert!(alert.text().await?.contains("internal error"));
        sim(&server, "POST", "/__sim/faults", Some(&json!({"errorRate": 0.0, "malformedRate": 1.0, "remaining": 3, "endpoints": ["GET /v2/projects"]}))).await?;
        b.client.find(Locator::XPath(&find::button("Try again"))).await?.click().await?;
        let alert = b.wait_for(Locator::XPath("//main//*[@role='alert' and contains(., 'not JSON')]")).await?;
        let _ = alert;
        sim(&server, "DELETE", "/__sim/faults", None).await?;
        b.client.find(Locator::XPath(&find::button("Try again"))).await?.click().await?;
        b.wait_for(Locator::XPath(&find::row("prod-search"))).await?;

        // A failed create keeps the user's choices; the next click works.
        sim(&server, "POST", "/__sim/faults", Some(&json!({"errorRate": 1.0, "remaining": 1, "endpoints": ["POST /v2/clusters/*/backups/create"]}))).await?;
        b.client.find(Locator::XPath(&opener("staging-main"))).await?.click().await?;
        b.client.find(Locator::XPath(&format!("{DIALOG}//label[normalize-space()='Collection']"))).await?.click().await?;
        b.wait_for(Locator::Id("backup-database")).await?.select_by_value("qa").await?;
        b.wait_for(Locator::XPath(&format!("{DIALOG}//label[normalize-space()='golden_queries']"))).await?.click().await?;
        b.wait_for(Locator::XPath(&format!("{DIALOG}//button[normalize-space()='Create' and not(@aria-disabled)]"))).await?.click().await?;
        b.wait_for(Locator::XPath(&format!("{DIALOG}//*[@role='alert' and contains(., 'internal error')]"))).await?;
        let checked = b.client.execute(
            "return [...document.querySelectorAll('dialog[open] input[type=checkbox]')].filter(c => c.checked).map(c => c.parentElement.textContent.trim());",
            vec![],
        ).await?;
        assert_eq!(checked, json!(["golden_queries"]), "the choice is kept");
        b.wait_for(Locator::XPath(&format!("{DIALOG}//button[normalize-space()='Create' and not(@aria-disabled)]"))).await?.click().await?;
        b.wait_for(Locator::XPath("//*[contains(@class,'toast')]//a[normalize-space()='View job']")).await?;
        Ok(())
    }
    .await;
    b.finish_with_faults("faults", outcome).await
}
