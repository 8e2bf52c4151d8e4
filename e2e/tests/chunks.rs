//! The split release build when a chunk cannot be fetched (a 404 after a redeploy, the network
//! down): the part says so with Retry, the rest of the console keeps working, and Retry loads it
//! once the file is back. Also: every page and the dialog load from their chunks.

use std::path::{Path, PathBuf};

use e2e::{Browser, Error, Server, TempDir, find, workspace_root};
use fantoccini::Locator;

const FAILED: &str = "This part of the console could not be loaded";

/// A copy of dist/ that the test may take files out of.
fn copy_dist() -> Result<TempDir, Error> {
    let copy = TempDir::new("e2e-dist")?;
    for entry in std::fs::read_dir(workspace_root().join("dist"))? {
        let path = entry?.path();
        if path.is_file() {
            std::fs::copy(&path, copy.0.join(path.file_name().ok_or("a file name")?))?;
        }
    }
    Ok(copy)
}

/// Moves the chunk `split_<part>-<hash>.wasm` (and its pre-compressed copies) out of `dist`;
/// returns the (from, to) pairs to put it back.
fn take_chunk(dist: &Path, part: &str) -> Result<Vec<(PathBuf, PathBuf)>, Error> {
    let aside = dist.join("aside");
    std::fs::create_dir_all(&aside)?;
    let mut moved = Vec::new();
    for entry in std::fs::read_dir(dist)? {
        let path = entry?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with(&format!("split_{part}-")) {
            let to = aside.join(&name);
            std::fs::rename(&path, &to)?;
            moved.push((to, path));
        }
    }
    if moved.is_empty() {
        return Err(format!("no chunk split_{part}-*.wasm in {}: not a split build", dist.display()).into());
    }
    Ok(moved)
}

fn put_back(moved: &[(PathBuf, PathBuf)]) -> Result<(), Error> {
    for (from, to) in moved {
        std::fs::rename(from, to)?;
    }
    Ok(())
}

/// The path of every resource the page has fetched so far (Resource Timing).
async fn fetched_paths(b: &Browser) -> Result<Vec<String>, Error> {
    let v = b
        .client
        .execute("return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname);", vec![])
        .await?;
    Ok(v.as_array().into_iter().flatten().filter_map(|p| p.as_str().map(str::to_owned)).collect())
}

/// The loader logs the failed fetch and the browser the 404: expected here, nothing else is.
async fn unexpected_errors(b: &Browser) -> Result<Vec<String>, Error> {
    let mut errors = b.console_errors().await?;
    errors.retain(|e| !e.contains("status of 404") && !e.contains("WebAssembly") && !e.contains("__wasm_split"));
    Ok(errors)
}

#[tokio::test]
async fn a_page_whose_chunk_is_missing_offers_retry_and_loads_when_it_is_back() -> Result<(), Error> {
    let dist = copy_dist()?;
    let moved = take_chunk(&dist.0, "jobs")?;
    let server = Server::start_with_dist(&dist.0, &[]).await?;
    let b = Browser::start().await?;
    let outcome = async {
        b.client.goto(&format!("{}/jobs", server.url)).await?;
        let alert = b.wait_for(Locator::XPath(&format!("//*[@role='alert'][contains(., '{FAILED}')]"))).await?;
        let text = alert.text().await?;
        assert!(text.contains("the Jobs page"), "{text}");
        // The rest of the console still works: the header's links, another page.
        b.client.find(Locator::XPath(&find::link("Clusters"))).await?.click().await?;
        b.wait_for(Locator::XPath(&find::heading("Clusters"))).await?;
        b.client.back().await?;
        b.wait_for(Locator::XPath(&find::button("Retry"))).await?;
        // The file is back (the network returns, or the redeploy finished): Retry loads it.
        put_back(&moved)?;
        b.client.find(Locator::XPath(&find::button("Retry"))).await?.click().await?;
        b.wait_for(Locator::XPath(&find::heading("Jobs"))).await?;
        let body = b.client.find(Locator::Css("main")).await?.text().await?;
        assert!(!body.contains(FAILED), "the failure is still shown: {body}");
        let errors = unexpected_errors(&b).await?;
        assert!(errors.is_empty(), "browser console errors: {errors:#?}");
        Ok::<(), Error>(())
    }
    .await;
    b.finish_with_faults("chunk_missing_page", outcome).await
}

#[tokio::test]
async fn a_dialog_whose_chunk_is_missing_says_so_in_a_modal_and_opens_on_retry() -> Result<(), Error> {
    let dist = copy_dist()?;
    let moved = take_chunk(&dist.0, "create_backup")?;
    let server = Server::start_with_dist(&dist.0, &[]).await?;
    let b = Browser::start().await?;
    let outcome = async {
        b.sign_in(&server, "demo-owner-key", false).await?;
        b.client.find(Locator::XPath(&find::link("Clusters"))).await?.click().await?;
        b.wait_for(Locator::XPath("//button[normalize-space()='Create Backup for staging-main']"))
            .await?
            .click()
            .await?;
        let modal = b.wait_for(Locator::XPath(&format!("//dialog[@open][contains(., '{FAILED}')]"))).await?;
        let label = modal.attr("aria-label").await?.unwrap_or_default();
        assert!(label.contains("Create Backup"), "the failure modal is named: {label:?}");
        put_back(&moved)?;
        b.client.find(Locator::XPath(&find::button("Retry"))).await?.click().await?;
        b.wait_for(Locator::XPath("//dialog[@open]//h2[normalize-space()='Create Backup']")).await?;
        let errors = unexpected_errors(&b).await?;
        assert!(errors.is_empty(), "browser console errors: {errors:#?}");
        Ok::<(), Error>(())
    }
    .await;
    b.finish_with_faults("chunk_missing_dialog", outcome).await
}

/// Each page and the dialog from its chunk, in one session: a chunk that traps (a bad split)
/// would kill the page here, and the console would log it.
#[tokio::test]
async fn every_page_and_the_dialog_load_from_their_chunks() -> Result<(), Error> {
    let server = Server::start(&[]).await?;
    let b = Browser::start().await?;
    let outcome = async {
        b.sign_in(&server, "demo-owner-key", false).await?;
        for (link, heading) in
            [("Settings", "Settings"), ("Backups", "Backups"), ("Jobs", "Jobs"), ("Clusters", "Clusters")]
        {
            b.client.find(Locator::XPath(&find::link(link))).await?.click().await?;
            b.wait_for(Locator::XPath(&find::heading(heading))).await?;
        }
        b.wait_for(Locator::XPath(&find::link("staging-main"))).await?.click().await?;
        b.wait_for(Locator::XPath(&find::heading("staging-main"))).await?;
        b.client.find(Locator::XPath(&find::button("Create Backup"))).await?.click().await?;
        b.wait_for(Locator::XPath("//dialog[@open]//h2[normalize-space()='Create Backup']")).await?;
        b.client.find(Locator::XPath("//dialog[@open]//button[normalize-space()='Cancel']")).await?.click().await?;
        // A backup's page, and each of its dialogs.
        b.wait_for(Locator::XPath(&find::link("staging-main_backup1"))).await?.click().await?;
        b.wait_for(Locator::XPath(&find::heading("staging-main_backup1"))).await?;
        for (action, close) in [("Delete backup", "Cancel"), ("Restore collections", "Close")] {
            b.client.find(Locator::XPath(&find::button(action))).await?.click().await?;
            b.wait_for(Locator::XPath(&format!("//dialog[@open]//h2[normalize-space()='{action}']"))).await?;
            b.client
                .find(Locator::XPath(&format!("//dialog[@open]//button[normalize-space()='{close}']")))
                .await?
                .click()
                .await?;
        }
        // In the app (a new page load would forget what was fetched): a cluster backup.
        b.client.find(Locator::XPath(&find::link("Backups"))).await?.click().await?;
        b.wait_for(Locator::XPath(&find::link("prod-search_backup1"))).await?.click().await?;
        b.wait_for(Locator::XPath(&find::heading("prod-search_backup1"))).await?;
        b.client.find(Locator::XPath(&find::button("Restore cluster"))).await?.click().await?;
        b.wait_for(Locator::XPath("//dialog[@open]//h2[normalize-space()='Restore cluster']")).await?;
        let fetched = fetched_paths(&b).await?;
        for part in [
            "settings",
            "backups",
            "jobs",
            "cluster",
            "create_backup",
            "backup",
            "delete_backup",
            "restore_collections",
            "restore_cluster",
        ] {
            assert!(
                fetched.iter().any(|p| p.starts_with(&format!("/split_{part}-"))),
                "the {part} chunk was not fetched: {fetched:?}"
            );
        }
        Ok::<(), Error>(())
    }
    .await;
    b.finish("chunks_every_page", outcome).await
}

/// The job follower is fetched only when there is something to follow: not on a first visit,
/// and at start-up when this browser keeps a register of jobs for this API.
#[tokio::test]
async fn the_job_follower_is_fetched_only_when_there_are_jobs_to_follow() -> Result<(), Error> {
    let server = Server::start(&[]).await?;
    let b = Browser::start().await?;
    let outcome = async {
        // Signed in for the tab (sessionStorage), so that the job is polled with a key.
        b.sign_in(&server, "demo-readonly-key", true).await?;
        b.client.goto(&format!("{}/clusters", server.url)).await?;
        b.wait_for(Locator::XPath(&find::row("staging-main"))).await?;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let first = fetched_paths(&b).await?;
        assert!(
            !first.iter().any(|p| p.starts_with("/split_jobs_follower-")),
            "fetched with nothing to follow: {first:?}"
        );

        let key = format!("zbc.jobs.{}", server.url);
        let doc = serde_json::json!({"version": 1, "jobs": [{"job_id": "job-e2efollow000001", "kind": "Backup",
            "cluster_id": "in01-9d4c2b7e1a5f305", "cluster_name": "staging-main", "added_ms": 1}]});
        b.client
            .execute("localStorage.setItem(arguments[0], arguments[1]);", vec![key.into(), doc.to_string().into()])
            .await?;
        b.client.goto(&format!("{}/clusters", server.url)).await?;
        b.wait_for(Locator::XPath(&find::heading("Clusters"))).await?;
        let mut later = Vec::new();
        for _ in 0..50 {
            later = fetched_paths(&b).await?;
            if later.iter().any(|p| p.starts_with("/split_jobs_follower-")) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(
            later.iter().any(|p| p.starts_with("/split_jobs_follower-")),
            "not fetched with a job to follow: {later:?}"
        );
        Ok::<(), Error>(())
    }
    .await;
    // The made-up job is unknown to the simulator: its polls answer "not found".
    b.finish_with_faults("chunks_job_follower", outcome).await
}
