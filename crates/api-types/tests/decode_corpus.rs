//! Decoding against the documented examples (docs/api-contract.md sections noted per case), every known
//! inconsistency, and a corpus of bad answers. Nothing may panic; each bad answer must give the
//! intended kind of error.

use api_types::*;

fn ok<T: serde::de::DeserializeOwned>(body: &str) -> T {
    decode_response(200, None, body.as_bytes()).unwrap_or_else(|e| panic!("{body}\n→ {e}"))
}

// --- Documented examples -------------------------------------------------------------------

#[test]
fn create_backup_example_2_1() {
    let r: CreateBackupResponse = ok(
        r#"{"code":0,"data":{"backupId":"backup0_c7b18539b97xxxx","backupName":"Dedicated-01_backup2","jobId":"job-031a8e3587ba7zqkadxxxx"}}"#,
    );
    assert_eq!(r.backup_id, "backup0_c7b18539b97xxxx");
    assert_eq!(r.job_id, "job-031a8e3587ba7zqkadxxxx");
}

#[test]
fn list_backups_example_2_2() {
    let p: BackupPage = ok(
        r#"{"code":0,"data":{"count":1,"currentPage":1,"pageSize":10,"backups":[{"projectId":"proj-1","backupId":"backupx_1","backupName":"Dedicated-01_backup1","backupType":"CLUSTER","creationMethod":"AUTO","status":"CREATING","size":112,"expireTime":"2024-08-30T16:49:50Z","clusterId":"inxx-1","clusterName":"Dedicated-01","createTime":"2024-07-30T16:49:50Z"}]}}"#,
    );
    assert_eq!(p.count, Some(1));
    let b = &p.backups[0];
    assert_eq!(
        (b.backup_type.clone(), b.creation_method.clone(), b.status.clone()),
        (BackupType::Cluster, CreationMethod::Auto, BackupStatus::Creating)
    );
    assert_eq!(b.size, Some(112));
}

#[test]
fn describe_backup_guide_example_2_3_flat_collections() {
    let d: BackupDetail = ok(
        r#"{"code":0,"data":{"clusterId":"in01-3e5ad8adc38xxxx","clusterName":"Dedicated-01","regionId":"aws-us-west-2","projectId":"proj-1","backupId":"backup1_0b9d15a0ddexxxx","backupName":"Dedicated-01_backup3","backupType":"CLUSTER","creationMethod":"AUTO","status":"AVAILABLE","size":0,"collections":[],"createTime":"2024-08-26T02:27:51Z","expireTime":"2024-09-02T02:27:51Z"}}"#,
    );
    assert_eq!(d.region_id, "aws-us-west-2");
    assert_eq!(d.backup.status, BackupStatus::Available);
    assert!(d.databases().is_empty());
}

#[test]
fn describe_job_example_3_1_progress_as_string_and_number() {
    let j: Job = ok(
        r#"{"code":0,"data":{"jobId":"job-03e1eefbd82dmo2oeb8pe2","type":"MIGRATION","status":"SUCCESSFUL","progress":"100","startTime":"2024-07-30T16:49:50Z","endTime":"2024-07-30T17:30:50Z","reason":""}}"#,
    );
    assert_eq!((j.status.clone(), j.progress), (JobStatus::Successful, Some(100)));
    let n: Job = ok(r#"{"code":0,"data":{"jobId":"j","status":"IN_PROGRESS","progress":42.7}}"#);
    assert_eq!(n.progress, Some(42));
    let pct: Job = ok(r#"{"code":0,"data":{"jobId":"j","progress":"37%"}}"#);
    assert_eq!(pct.progress, Some(37));
}

#[test]
fn projects_example_4_1_instance_count_as_number_or_string() {
    let p: Vec<Project> = ok(
        r#"{"code":0,"data":[{"projectId":"proj-1","projectName":"Default Project","regionIds":["aws-us-east-1"],"instanceCount":2,"createTime":"2023-08-16T07:34:06Z","plan":"Enterprise","orgType":"SAAS"},{"projectId":"proj-2","projectName":"Old","instanceCount":"3"}]}"#,
    );
    assert_eq!(p[0].instance_count, Some(2));
    assert_eq!(p[1].instance_count, Some(3));
    assert_eq!(p[0].plan, Some(Plan::Enterprise));
}

#[test]
fn list_clusters_as_page_or_array_9_6() {
    let page: ClusterList = ok(
        r#"{"code":0,"data":{"count":1,"currentPage":1,"pageSize":10,"clusters":[{"clusterId":"in01-a","plan":"Standard","status":"RUNNING"}]}}"#,
    );
    let arr: ClusterList = ok(r#"{"code":0,"data":[{"clusterId":"in01-a","plan":"Standard","status":"RUNNING"}]}"#);
    assert_eq!(ClusterPage::from(page).clusters, ClusterPage::from(arr).clusters);
}

#[test]
fn describe_cluster_recorded_responses_4_3() {
    let free: Cluster = ok(
        r#"{"code":0,"data":{"clusterId":"in03-abc","clusterName":"free","plan":"Serverless","cuSize":0,"cuType":"","status":"RUNNING","connectAddress":"https://in03-abc.serverless.gcp-us-west1.cloud.zilliz.com"}}"#,
    );
    assert_eq!(free.tier(), Tier::Free);
    let dedicated: Cluster = ok(
        r#"{"code":0,"data":{"clusterId":"in01-abc","plan":"Standard","cuType":"Performance-optimized","cuSize":1,"status":"RUNNING","connectAddress":"https://in01-abc.gcp-us-west1.vectordb.zillizcloud.com:443"}}"#,
    );
    assert_eq!(dedicated.tier(), Tier::Dedicated);
    let stopped: Cluster = ok(r#"{"code":0,"data":{"clusterId":"in01-x","status":"SUSPENDED"}}"#);
    assert_eq!(stopped.status, ClusterStatus::Stopped);
}

#[test]
fn policy_example_2_8_and_disabled_nulls() {
    let p: BackupPolicy = ok(
        r#"{"code":0,"data":{"clusterId":"inxx-1","status":"ENABLED","startTime":"02:00-04:00","frequency":"1,2,3,5","retentionDays":7,"crossRegionCopies":[{"regionId":"aws-us-west-2","retentionDays":7}]}}"#,
    );
    assert_eq!(p.cross_region_copies[0].retention_days, Some(7));
    let off: BackupPolicy = ok(
        r#"{"code":0,"data":{"clusterId":"x","status":"DISABLED","startTime":null,"frequency":null,"retentionDays":0,"crossRegionCopies":null}}"#,
    );
    assert_eq!((off.status, off.start_time.as_str(), off.cross_region_copies.len()), (PolicyStatus::Disabled, "", 0));
}

#[test]
fn data_plane_lists_5() {
    let dbs: Vec<String> = ok(r#"{"code":0,"data":["default","test"]}"#);
    assert_eq!(dbs, ["default", "test"]);
}

#[test]
fn v1_success_code_200_is_success_1_2() {
    let dbs: Vec<String> = ok(r#"{"code":200,"data":["default"]}"#);
    assert_eq!(dbs.len(), 1);
}

#[test]
fn unknown_extra_fields_are_ignored() {
    let j: Job = ok(r#"{"code":0,"requestId":"r","data":{"jobId":"j","status":"PENDING","newField":{"deep":[1,2]}}}"#);
    assert_eq!(j.status, JobStatus::Pending);
}

// --- Bad answers ---------------------------------------------------------------------------

fn err(status: u16, retry_after: Option<&str>, body: &[u8]) -> ApiError {
    match decode_response::<Job>(status, retry_after, body) {
        Ok(j) => panic!("{:?} decoded to {j:?}", String::from_utf8_lossy(body)),
        Err(e) => {
            // Every error has something to say and something to do (or is a silent abort).
            assert!(!e.title().is_empty() && (!e.action().is_empty() || e.kind == ErrorKind::Aborted), "{e:?}");
            e
        }
    }
}

#[test]
fn corpus_of_bad_answers() {
    use ErrorKind::*;
    let deep_array = "[".repeat(10_000) + &"]".repeat(10_000);
    let deep_object = r#"{"code":0,"data":"#.to_owned() + &"{\"a\":".repeat(5_000) + "1" + &"}".repeat(5_001);
    let cases: Vec<(u16, Option<&str>, Vec<u8>, ErrorKind)> = vec![
        // Not JSON at all.
        (200, None, b"".to_vec(), NotJson),
        (200, None, b"   \n".to_vec(), NotJson),
        (200, None, b"<!DOCTYPE html><html><body>Bad gateway</body></html>".to_vec(), NotJson),
        (502, None, b"<html><body><h1>502 Bad Gateway</h1></body></html>".to_vec(), Server),
        (503, None, b"Service Unavailable".to_vec(), Server),
        (504, None, b"".to_vec(), Server),
        (200, None, b"\xff\xfe\x00garbage".to_vec(), NotJson),
        (200, None, b"{\"code\":0,\"data\":{\"jobId\":".to_vec(), NotJson),
        (200, None, b"{\"code\":0,\"data\":{\"jobId\":\"j\"}".to_vec(), NotJson),
        (200, None, b"{'code':0}".to_vec(), NotJson),
        (200, None, b"null".to_vec(), BadShape),
        (200, None, b"42".to_vec(), BadShape),
        (200, None, b"\"ok\"".to_vec(), BadShape),
        (200, None, b"[1,2,3]".to_vec(), BadShape),
        (200, None, deep_array.into_bytes(), BadShape), // read without recursion: valid JSON, but not an envelope
        (200, None, deep_object.into_bytes(), BadShape), // the same: the missing jobId is reported
        // JSON of the wrong shape.
        (200, None, b"{}".to_vec(), BadShape),
        (200, None, b"{\"data\":{\"jobId\":\"j\"}}".to_vec(), BadShape),
        (200, None, b"{\"code\":null,\"data\":{}}".to_vec(), BadShape),
        (200, None, b"{\"code\":true}".to_vec(), BadShape),
        (200, None, b"{\"code\":0}".to_vec(), BadShape),
        (200, None, b"{\"code\":0,\"data\":null}".to_vec(), BadShape),
        (200, None, b"{\"code\":0,\"data\":[]}".to_vec(), BadShape),
        (200, None, b"{\"code\":0,\"data\":{\"status\":\"PENDING\"}}".to_vec(), BadShape),
        (200, None, b"{\"code\":0,\"data\":{\"jobId\":{\"id\":1}}}".to_vec(), BadShape),
        (200, None, b"{\"code\":0,\"data\":{\"jobId\":\"j\",\"startTime\":[1]}}".to_vec(), BadShape),
        (200, None, br#"{"code":0,"data":{"jobId":"j","progress":1e400}}"#.to_vec(), BadShape), // valid JSON text; the field cannot hold it
        (200, None, b"{\"code\":1e30,\"message\":\"x\"}".to_vec(), BadShape),
        // The API said no.
        (
            200,
            None,
            br#"{"code":96038,"message":"Failed to create backup. A manual backup is already in progress."}"#.to_vec(),
            Rejected,
        ),
        (200, None, br#"{"code":96015,"message":"permission deny"}"#.to_vec(), Permission),
        (200, None, br#"{"code":96026,"message":"Job not found."}"#.to_vec(), NotFound),
        (
            200,
            None,
            br#"{"code":"96022","message":"Serverless cluster does not support this operation."}"#.to_vec(),
            Rejected,
        ),
        (200, None, br#"{"code":-1}"#.to_vec(), Rejected),
        // HTTP statuses.
        (401, None, br#"{"code":21119,"message":"The apikey is illegal"}"#.to_vec(), Unauthorized),
        (401, None, b"".to_vec(), Unauthorized),
        (403, None, b"<html>Forbidden</html>".to_vec(), Permission),
        (404, None, b"Not Found".to_vec(), NotFound),
        (429, Some("3"), br#"{"code":429,"message":"rate limited"}"#.to_vec(), RateLimited),
        (429, Some("Wed, 21 Oct 2026 07:28:00 GMT"), b"".to_vec(), RateLimited),
        (500, None, br#"{"code":500,"message":"internal"}"#.to_vec(), Server),
        (418, None, br#"{"code":0,"data":{"jobId":"j"}}"#.to_vec(), Http),
        (400, None, br#"{"code":96015,"message":"x"}"#.to_vec(), Permission),
    ];
    assert!(cases.len() >= 30, "{}", cases.len());
    for (status, retry_after, body, want) in cases {
        let e = err(status, retry_after, &body);
        assert_eq!(
            e.kind,
            want,
            "status {status}, body {:?}: {e:?}",
            String::from_utf8_lossy(&body[..body.len().min(80)])
        );
    }
    // An integer too large for any field is "unknown", not an error and not a panic.
    let b: BackupPage =
        ok(r#"{"code":0,"data":{"count":123456789012345678901234567890,"backups":[{"backupId":"b","size":-5}]}}"#);
    assert_eq!((b.count, b.backups[0].size), (None, None));
    let j: Job = ok(r#"{"code":0,"data":{"jobId":"j","progress":123456789012345678901234567890}}"#);
    assert_eq!(j.progress, Some(100));
}

#[test]
fn retry_after_seconds_are_kept_and_dates_ignored() {
    assert_eq!(err(429, Some("7"), b"").retry_after_secs, Some(7));
    assert_eq!(err(429, Some("99999"), b"").retry_after_secs, Some(3600));
    assert_eq!(err(429, Some("Wed, 21 Oct 2026 07:28:00 GMT"), b"").retry_after_secs, None);
}

#[test]
fn html_pages_are_named_and_kept_for_details() {
    let e = err(200, None, b"<!DOCTYPE html><html><title>Login</title></html>");
    assert_eq!(e.message, "an HTML page instead of JSON");
    assert!(e.detail.contains("<title>Login</title>"));
    let long = "<html>".to_owned() + &"x".repeat(5000);
    assert!(err(502, None, long.as_bytes()).detail.chars().count() <= 201);
}

#[test]
fn a_proxys_error_page_is_not_blamed_on_the_api() {
    let page = err(502, None, b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>");
    assert!(page.error_page && page.is_retryable());
    assert!(page.title().starts_with("A proxy or gateway"), "{}", page.title());
    // The API's own JSON 500 is the API's.
    let api = err(500, None, br#"{"code":500,"message":"Internal server error"}"#);
    assert!(!api.error_page);
    assert_eq!(api.title(), "The API had an internal error (HTTP 500).");
}

#[test]
fn business_errors_keep_code_and_message() {
    let e = err(200, None, br#"{"code":96022,"message":"Serverless cluster does not support this operation."}"#);
    assert_eq!((e.code, e.status), (Some(96022), Some(200)));
    assert_eq!(e.title(), "Serverless clusters cannot be backed up.");
    assert_eq!(e.action(), "Migrate to a Dedicated cluster.");
    assert!(e.details().contains("Serverless cluster does not support"));
}

#[test]
fn the_data_span_points_at_the_data_in_the_body() {
    let body = br#"{ "data" : {"jobId": "j\u0031", "progress": "7"} , "code": 0, "message": "ok" }"#;
    let span = check_response(200, None, body).expect("a success");
    let job: Job = decode_data(200, body, &span).expect("the job");
    assert_eq!((job.job_id.as_str(), job.progress), ("j1", Some(7)));
    // No data at all reads as null: a type that accepts null decodes, one that does not says so.
    let body = br#"{"code":0}"#;
    let span = check_response(200, None, body).expect("a success");
    assert_eq!(decode_data::<Option<Job>>(200, body, &span).expect("null"), None);
    assert_eq!(decode_data::<Job>(200, body, &span).expect_err("not a job").kind, ErrorKind::BadShape);
}
