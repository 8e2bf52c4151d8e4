//! Get/Set Backup Policy (docs/api-contract.md §2.8, §2.9). Enabling runs a first AUTO backup at once.

use axum::Extension;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::SimApp;
use super::backups::check_copy_regions;
use super::clusters::{find_cluster, require_dedicated};
use super::state::{Policy, PolicyCopy};
use crate::api::{ApiError, ApiResult, JsonBody, field, int_value, ok, str_field};
use crate::auth::{Caller, require_manage};

pub async fn get_policy(State(app): State<SimApp>, Path(cluster_id): Path<String>) -> ApiResult {
    let st = app.sim.lock();
    let c = find_cluster(&st, &cluster_id)?;
    require_dedicated(c)?;
    let data = match st.policies.get(&cluster_id).filter(|p| p.enabled) {
        Some(p) => json!({
            "clusterId": cluster_id,
            "status": "ENABLED",
            "startTime": p.start_time,
            "frequency": p.frequency,
            "retentionDays": p.retention_days,
            "crossRegionCopies": p.cross_region_copies.iter().map(|c| json!({
                "regionId": c.region_id,
                "retentionDays": c.retention_days,
            })).collect::<Vec<_>>(),
        }),
        None => json!({
            "clusterId": cluster_id,
            "status": "DISABLED",
            "startTime": null,
            "frequency": null,
            "retentionDays": 0,
            "crossRegionCopies": [],
        }),
    };
    ok(data)
}

/// `1,2,3` etc. (1 = Monday); the CLI's presets are accepted too. Returns the sorted list.
fn parse_frequency(s: &str) -> Option<String> {
    let s = match s.trim().to_ascii_lowercase().as_str() {
        "daily" => "1,2,3,4,5,6,7".to_string(),
        "weekdays" => "1,2,3,4,5".to_string(),
        "weekends" => "6,7".to_string(),
        _ => s.to_string(),
    };
    let mut days: Vec<u8> = Vec::new();
    for part in s.split(',') {
        let d: u8 = part.trim().parse().ok()?;
        if !(1..=7).contains(&d) {
            return None;
        }
        if !days.contains(&d) {
            days.push(d);
        }
    }
    days.sort_unstable();
    (!days.is_empty()).then(|| days.iter().map(u8::to_string).collect::<Vec<_>>().join(","))
}

/// `HH:mm-HH:mm`, whole hours, two hours apart (UTC); a bare `HH:mm` is widened like the CLI.
fn parse_window(s: &str) -> Option<String> {
    let hour = |t: &str| -> Option<u32> {
        let (h, m) = t.trim().split_once(':')?;
        let h: u32 = h.parse().ok()?;
        (h < 24 && m == "00").then_some(h)
    };
    let (start, end) = match s.split_once('-') {
        Some((a, b)) => (hour(a)?, hour(b)?),
        None => {
            let a = hour(s)?;
            (a, (a + 2) % 24)
        }
    };
    (end == (start + 2) % 24).then(|| format!("{start:02}:00-{end:02}:00"))
}

pub async fn set_policy(
    State(app): State<SimApp>,
    Extension(caller): Extension<Caller>,
    Path(cluster_id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let mut st = app.sim.lock();
    let c = find_cluster(&st, &cluster_id)?.clone();
    require_manage(&caller, &cluster_id)?;
    require_dedicated(&c)?;
    let enabled = match field(&body, &["enabled"]) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => true,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => false,
        _ => {
            return Err(ApiError::biz(96032, "Invalid backup policy: enabled (true or false) is required."));
        }
    };
    if !enabled {
        if let Some(p) = st.policies.get_mut(&cluster_id) {
            p.enabled = false;
        }
        st.mark_dirty();
        return ok(json!({ "clusterId": cluster_id, "status": "DISABLED" }));
    }
    let frequency = str_field(&body, &["frequency"]).and_then(parse_frequency).ok_or_else(|| {
        ApiError::biz(
            96032,
            "Invalid backup policy frequency. Use a comma-separated list of weekdays 1-7 (1 = Monday), e.g. \"1,3,5\".",
        )
    })?;
    let start_time = str_field(&body, &["startTime"]).and_then(parse_window).ok_or_else(|| {
        ApiError::biz(
            96033,
            "Invalid backup policy startTime. Use a two-hour UTC window on whole hours, e.g. \"02:00-04:00\".",
        )
    })?;
    let retention_err = || ApiError::biz(96034, "Invalid retentionDays. The value should be between 1 and 30.");
    let retention_days = field(&body, &["retentionDays"])
        .and_then(int_value)
        .filter(|d| (1..=30).contains(d))
        .ok_or_else(retention_err)? as u32;
    let mut copies: Vec<PolicyCopy> = Vec::new();
    if let Some(v) = field(&body, &["crossRegionCopies"]) {
        let items = v
            .as_array()
            .ok_or_else(|| ApiError::biz(96001, "crossRegionCopies must be an array of {regionId, retentionDays}."))?;
        for item in items {
            let region = str_field(item, &["regionId"]).ok_or_else(|| {
                ApiError::biz(96001, "Invalid regionId: every crossRegionCopies item needs a regionId.")
            })?;
            let days = field(item, &["retentionDays"])
                .and_then(int_value)
                .filter(|d| (1..=30).contains(d))
                .ok_or_else(retention_err)? as u32;
            if !copies.iter().any(|c| c.region_id == region) {
                copies.push(PolicyCopy { region_id: region.to_string(), retention_days: days });
            }
        }
    }
    let regions: Vec<String> = copies.iter().map(|c| c.region_id.clone()).collect();
    check_copy_regions(&c, &regions, |msg| ApiError::biz(96001, format!("Invalid regionId. {msg}")))?;
    let now = st.now;
    let was_enabled = st.policies.get(&cluster_id).is_some_and(|p| p.enabled);
    let last_slot = st.policies.get(&cluster_id).map_or(0, |p| p.last_slot);
    let enabled_at = if was_enabled { st.policies.get(&cluster_id).map_or(now, |p| p.enabled_at) } else { now };
    st.policies.insert(
        cluster_id.clone(),
        Policy {
            enabled: true,
            frequency,
            start_time,
            retention_days,
            cross_region_copies: copies,
            enabled_at,
            last_slot,
        },
    );
    // Enabling runs a first backup at once (§2.9), unless one is already running.
    let auto_running = st.jobs.iter().any(|j| !j.status.is_terminal() && j.is_backup_of(&cluster_id, "AUTO"));
    if !was_enabled && !auto_running && c.status == "RUNNING" {
        let fail_rate = st.fail_rate();
        st.start_auto_backup(&cluster_id, now, fail_rate);
    }
    st.mark_dirty();
    ok(json!({ "clusterId": cluster_id, "status": "ENABLED" }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequency_and_window() {
        assert_eq!(parse_frequency("5,1,3").as_deref(), Some("1,3,5"));
        assert_eq!(parse_frequency("daily").as_deref(), Some("1,2,3,4,5,6,7"));
        assert_eq!(parse_frequency("0,8"), None);
        assert_eq!(parse_frequency(""), None);
        assert_eq!(parse_window("02:00-04:00").as_deref(), Some("02:00-04:00"));
        assert_eq!(parse_window("23:00-01:00").as_deref(), Some("23:00-01:00"));
        assert_eq!(parse_window("02:00").as_deref(), Some("02:00-04:00"));
        assert_eq!(parse_window("02:30-04:30"), None);
        assert_eq!(parse_window("02:00-05:00"), None);
    }
}
