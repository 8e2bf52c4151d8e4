//! The windowed Jobs table in the release build, with real key presses: 1,000 jobs in the
//! register, PageDown, End and Home on the table's region, and Tab from row to row well past the
//! rows first drawn; axe on the table, light and dark.

use std::time::Duration;

use e2e::{Browser, Error, Server};
use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::json;

/// A register of `n` finished jobs in the console's storage format, one a minute apart.
fn register(n: u64) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
    let jobs: Vec<_> = (0..n)
        .map(|i| {
            let at = now - (i + 1) * 60_000;
            json!({"i": format!("job-kbd{i:012}"), "k": "Backup", "c": "in01-3f9a1c7e5b2d401", "n": "prod-search",
                   "m": format!("prod-search_backup{i}"), "a": at, "w": at,
                   "l": {"t": "BACKUP", "s": "SUCCESSFUL", "p": 100}})
        })
        .collect();
    json!({"version": 2, "jobs": jobs}).to_string()
}

async fn press(b: &Browser, key: Key) -> Result<(), Error> {
    b.client.active_element().await?.send_keys(&key.to_string()).await?;
    tokio::time::sleep(Duration::from_millis(150)).await;
    Ok(())
}

/// (rows drawn, lowest and highest `aria-rowindex` drawn, the focused row's index or 0).
async fn window(b: &Browser) -> Result<(u64, u64, u64), Error> {
    let v = b
        .client
        .execute(
            "const rows = [...document.querySelectorAll('tr.job-row')].map(r => +r.getAttribute('aria-rowindex'));
             const f = document.activeElement.closest('tr[aria-rowindex]');
             return [rows.length, Math.max(...rows), f ? +f.getAttribute('aria-rowindex') : 0];",
            vec![],
        )
        .await?;
    let n = |i: usize| v[i].as_u64().unwrap_or(0);
    Ok((n(0), n(1), n(2)))
}

#[tokio::test]
async fn a_thousand_jobs_by_keyboard() -> Result<(), Error> {
    let server = Server::start(&[]).await?;
    let b = Browser::start().await?;
    b.sign_in(&server, "demo-owner-key", true).await?;
    // Written from a page of the origin (the console's: a JSON page would ask for a favicon).
    b.client.goto(&format!("{}/settings", server.url)).await?;
    let key = format!("zbc.jobs.{}", server.url);
    b.client
        .execute("localStorage.setItem(arguments[0], arguments[1]);", vec![json!(key), json!(register(1_000))])
        .await?;
    b.client.goto(&format!("{}/jobs", server.url)).await?;
    b.wait_for(Locator::Css("tr.job-row")).await?;

    // The whole count, for everyone; only a window of rows in the document.
    b.wait_for(Locator::XPath("//p[@role='status' and normalize-space()='1000 jobs']")).await?;
    b.wait_for(Locator::XPath("//table[@aria-rowcount='1001']")).await?;
    let (drawn, first_last, _) = window(&b).await?;
    assert!(drawn < 80 && first_last < 80, "a window, not 1,000 rows: {drawn} drawn, up to row {first_last}");

    // Tab from the last control before the table lands on the table's region.
    b.client.execute("document.getElementById('follow-job').focus();", vec![]).await?;
    press(&b, Key::Tab).await?; // Follow job
    press(&b, Key::Tab).await?;
    let region = b.client.execute("return document.activeElement.getAttribute('aria-label');", vec![]).await?;
    assert_eq!(region, json!("Jobs"), "the table's scroll region takes the focus");

    // PageDown moves through the table; End reaches its last row; Home its first.
    for _ in 0..5 {
        press(&b, Key::PageDown).await?;
    }
    let (drawn, last, _) = window(&b).await?;
    assert!(last >= first_last + 20 && drawn < 80, "PageDown brought later rows: up to {last}, {drawn} drawn");
    press(&b, Key::End).await?;
    b.wait_for(Locator::XPath("//tr[@aria-rowindex='1001']//a[normalize-space()='job-kbd000000000999']")).await?;
    press(&b, Key::Home).await?;
    b.wait_for(Locator::XPath("//tr[@aria-rowindex='2']//a[normalize-space()='job-kbd000000000000']")).await?;

    // Tab from row to row: never runs out of rows, and the focused one is always drawn.
    press(&b, Key::Tab).await?;
    let mut reached = 0;
    for _ in 0..120 {
        press(&b, Key::Tab).await?;
        let (drawn, _, focused) = window(&b).await?;
        assert!(focused > 0, "the focus stays in a row");
        assert!(drawn < 80, "{drawn} drawn");
        reached = focused;
    }
    assert!(reached >= 55, "two stops a row (the link, Copy): 120 Tabs reach row 60, got {reached}");

    // Accessible with 1,000 jobs, light and dark.
    for scheme in ["light", "dark"] {
        b.color_scheme(scheme).await?;
        b.assert_accessible(&format!("Jobs with 1,000 jobs ({scheme})")).await?;
    }
    let errors = b.console_errors().await?;
    assert!(errors.is_empty(), "{errors:#?}");
    b.close().await
}
