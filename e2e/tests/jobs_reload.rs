//! A reload in the middle of a running job: the job is still followed (the register lives in
//! localStorage) and its end is seen after the reload.

use e2e::{Browser, Error, Server, find};
use fantoccini::Locator;

#[tokio::test]
async fn a_running_job_is_still_followed_after_a_reload() -> Result<(), Error> {
    // Slow jobs: the backup is still running when the page reloads.
    let server = Server::start(&["--job-speed", "0.01"]).await?;
    let b = Browser::start().await?;
    b.sign_in(&server, "demo-owner-key", true).await?;
    b.client.find(Locator::XPath(&find::link("Clusters"))).await?.click().await?;
    let url = b.create_cluster_backup_and_open_its_job("staging-main").await?;
    let job_id = url.path().trim_start_matches("/jobs/").to_owned();
    assert!(job_id.starts_with("job-"), "{url}");

    b.client.refresh().await?;
    b.wait_for(Locator::XPath(&format!("//tbody//a[normalize-space()='{job_id}']"))).await?;
    b.wait_for(Locator::XPath("//tbody//*[normalize-space()='Pending' or normalize-space()='In progress']")).await?;

    // The job ends on the server; the reloaded page sees it without any user action.
    b.finish_job_and_see_it(&server, &job_id).await?;
    b.wait_for(Locator::XPath("//*[contains(@class,'toast') and contains(., 'finished successfully')]")).await?;
    let errors = b.console_errors().await?;
    assert!(errors.is_empty(), "{errors:#?}");
    b.close().await
}
