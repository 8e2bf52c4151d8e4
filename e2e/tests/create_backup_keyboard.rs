//! The Create Backup dialog with real key presses (a synthetic Escape does not close a native
//! <dialog>): Escape closes it and focus returns to the opener; the whole flow works with
//! Tab, Space, Enter and Escape alone.

use std::time::Duration;

use e2e::{Browser, Error, Server, find, sim};
use fantoccini::Locator;
use fantoccini::key::Key;

const OPENER: &str =
    "//tr[th[normalize-space()='staging-main']]//button[normalize-space()='Create Backup for staging-main']";

async fn active_description(b: &Browser) -> Result<String, Error> {
    let v = b
        .client
        .execute(
            "const a = document.activeElement; \
             const name = (a.labels && a.labels[0] ? a.labels[0].textContent : a.textContent).trim(); \
             return [a.tagName, a.type || '', name, !!a.closest('dialog')].join('|');",
            vec![],
        )
        .await?;
    Ok(v.as_str().unwrap_or_default().to_owned())
}

async fn dialog_open(b: &Browser) -> Result<bool, Error> {
    let v = b.client.execute("const d = document.querySelector('dialog'); return !!(d && d.open);", vec![]).await?;
    Ok(v.as_bool().unwrap_or(false))
}

async fn press(b: &Browser, key: Key) -> Result<(), Error> {
    b.client.active_element().await?.send_keys(&key.to_string()).await?;
    tokio::time::sleep(Duration::from_millis(120)).await;
    Ok(())
}

/// Signs in and goes to Clusters by clicking the navigation (a reload would forget the key).
async fn to_clusters(b: &Browser, server: &Server) -> Result<(), Error> {
    b.sign_in(server, "demo-owner-key", false).await?;
    b.client.find(Locator::XPath(&find::link("Clusters"))).await?.click().await?;
    b.wait_for(Locator::XPath(OPENER)).await?;
    Ok(())
}

#[tokio::test]
async fn escape_closes_the_dialog_and_focus_returns_to_the_opener() -> Result<(), Error> {
    let server = Server::start(&["--job-speed", "20"]).await?;
    let b = Browser::start().await?;
    to_clusters(&b, &server).await?;

    let opener = b.client.find(Locator::XPath(OPENER)).await?;
    opener.send_keys(&Key::Enter.to_string()).await?;
    b.wait_for(Locator::XPath("//dialog[@open]//h2[normalize-space()='Create Backup']")).await?;
    let active = active_description(&b).await?;
    assert!(active.ends_with("|true"), "focus moved into the dialog: {active}");

    // Tab never leaves for the page behind the modal.
    for _ in 0..25 {
        press(&b, Key::Tab).await?;
        let active = active_description(&b).await?;
        assert!(active.ends_with("|true") || active.starts_with("BODY|"), "focus escaped the dialog: {active}");
    }

    press(&b, Key::Escape).await?;
    assert!(!dialog_open(&b).await?, "Escape closed the dialog");
    let active = active_description(&b).await?;
    assert_eq!(active, "BUTTON|button|Create Backup for staging-main|false", "focus is back on the opener");
    assert!(b.console_errors().await?.is_empty());
    b.close().await
}

#[tokio::test]
async fn the_whole_flow_works_with_the_keyboard_alone() -> Result<(), Error> {
    let server = Server::start(&["--job-speed", "20"]).await?;
    let b = Browser::start().await?;
    to_clusters(&b, &server).await?;

    // Open with Enter, then Cancel with Space.
    b.client.find(Locator::XPath(OPENER)).await?.send_keys(&Key::Enter.to_string()).await?;
    b.wait_for(Locator::XPath("//dialog[@open]")).await?;
    tab_to(&b, "BUTTON|button|Cancel|true").await?;
    press(&b, Key::Space).await?;
    assert!(!dialog_open(&b).await?, "Space on Cancel closed the dialog");

    // Open again, choose the Collection scope with the arrow keys, pick a database and a
    // collection, and create with Enter.
    b.client.find(Locator::XPath(OPENER)).await?.send_keys(&Key::Enter.to_string()).await?;
    b.wait_for(Locator::XPath("//dialog[@open]")).await?;
    tab_to(&b, "INPUT|radio|Cluster|true").await?;
    press(&b, Key::Right).await?;
    b.wait_for(Locator::Id("backup-database")).await?;
    tab_to(&b, "SELECT|select-one|Database|true").await?;
    // Choosing by keyboard: the first database after the placeholder ("default").
    press(&b, Key::Down).await?;
    b.wait_for(Locator::XPath("//label[normalize-space()='articles_en_sample']")).await?;
    tab_to(&b, "INPUT|search|Search collections|true").await?;
    b.client.active_element().await?.send_keys("sample").await?;
    tab_to(&b, "INPUT|checkbox|Select all shown (2)|true").await?;
    press(&b, Key::Space).await?;
    tab_to(&b, "BUTTON|submit|Create|true").await?;
    press(&b, Key::Enter).await?;
    b.wait_for(Locator::XPath("//*[contains(@class,'toast')]//a[normalize-space()='View job']")).await?;
    assert!(!dialog_open(&b).await?);

    let sent =
        sim(&server, "GET", "/__sim/requests?path=/v2/clusters/in01-9d4c2b7e1a5f305/backups/create", None).await?;
    let body = sent.to_string();
    assert!(body.contains("\"backupType\":\"COLLECTION\""), "{body}");
    assert!(body.contains(r#""collectionNames":["articles_en_sample","products_sample"]"#), "{body}");
    assert!(b.console_errors().await?.is_empty());
    b.close().await
}

/// Presses Tab until the focused element's description starts with `want` (at most 40 times).
async fn tab_to(b: &Browser, want: &str) -> Result<(), Error> {
    for _ in 0..40 {
        press(b, Key::Tab).await?;
        if active_description(b).await?.starts_with(want) {
            return Ok(());
        }
    }
    Err(format!("Tab never reached {want:?}; focus is on {}", active_description(b).await?).into())
}
