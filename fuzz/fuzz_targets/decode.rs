//! Fuzzes the one place where network bytes become data: `decode_response`, for every response
//! type the console decodes, with any status and Retry-After. Nothing may panic, and every error
//! must render its user-facing text.
#![no_main]

use api_types::*;
use libfuzzer_sys::fuzz_target;

fn check<T: serde::de::DeserializeOwned>(status: u16, retry_after: Option<&str>, body: &[u8]) {
    if let Err(e) = decode_response::<T>(status, retry_after, body) {
        let _ = (e.title(), e.action(), e.details(), e.is_retryable());
    }
}

fuzz_target!(|input: &[u8]| {
    let (head, body) = input.split_at(input.len().min(3));
    let status = match head {
        [a, b, _] => 100 + (u16::from(*a) << 8 | u16::from(*b)) % 500,
        _ => 200,
    };
    let retry_after = head.get(2).map(|r| r.to_string());
    let ra = retry_after.as_deref();
    check::<Job>(status, ra, body);
    check::<Vec<Project>>(status, ra, body);
    check::<ClusterList>(status, ra, body);
    check::<Cluster>(status, ra, body);
    check::<BackupPage>(status, ra, body);
    check::<BackupDetail>(status, ra, body);
    check::<BackupPolicy>(status, ra, body);
    check::<CreateBackupResponse>(status, ra, body);
    check::<Vec<String>>(status, ra, body);
    if let Ok(d) = decode_response::<BackupDetail>(200, None, body) {
        let _ = d.databases();
    }
    if let Ok(c) = decode_response::<Cluster>(200, None, body) {
        let _ = (c.tier(), c.cloud());
    }
    let _ = serde_json::from_slice::<DeployConfig>(body);
});
