//! The price table file (`data/backup-prices.json`): read, checked, and written out as a Rust
//! expression. The console's build script runs this, so a bad table fails the build and the
//! browser gets a ready table: no JSON text, parser or float arithmetic in the wasm.
//!
//! Money becomes integer micro-dollars here (1 USD = 1 000 000), the console's unit.

use std::fmt::Write as _;

use api_types::Cloud;
use serde::Deserialize;

/// One region, as checked from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub region_id: String,
    pub cloud: Cloud,
    /// "North America", "Europe", "Asia Pacific": decides same- vs cross-continent transfer.
    pub continent: String,
    /// "Oregon", "Frankfurt".
    pub location: String,
    pub storage_micro_usd_per_gb_month: u64,
    /// URL and what it says, or "assumed: same as <region>".
    pub storage_source: String,
    /// `None` where copies cannot start from this region (Azure).
    pub transfer: Option<Transfer>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub same_continent_micro_usd_per_gb: u64,
    pub cross_continent_micro_usd_per_gb: u64,
    pub source: String,
}

const ASSUMED: &str = "assumed: same as ";

fn is_assumed(source: &str) -> bool {
    source.trim().starts_with(ASSUMED)
}

#[derive(Deserialize)]
struct RawTable {
    regions: Vec<RawRegion>,
}

#[derive(Deserialize)]
struct RawRegion {
    region_id: String,
    cloud: String,
    continent: String,
    location: String,
    storage: RawStorage,
    transfer: Option<RawTransfer>,
}

#[derive(Deserialize)]
struct RawStorage {
    usd_per_gb_month: f64,
    source: String,
}

#[derive(Deserialize)]
struct RawTransfer {
    same_continent_usd_per_gb: f64,
    cross_continent_usd_per_gb: f64,
    source: String,
}

/// The regions of the file, or what is wrong with it (naming the region).
pub fn parse(json: &str) -> Result<Vec<Region>, String> {
    let raw: RawTable = serde_json::from_str(json).map_err(|e| format!("price table: {e}"))?;
    let mut regions: Vec<Region> = Vec::with_capacity(raw.regions.len());
    for r in raw.regions {
        let id = r.region_id.trim().to_owned();
        let cloud = match r.cloud.as_str() {
            "aws" => Cloud::Aws,
            "gcp" => Cloud::Gcp,
            "azure" => Cloud::Azure,
            other => return Err(format!("{id}: unknown cloud {other:?}")),
        };
        if Cloud::of_region(&id) != cloud {
            return Err(format!("{id}: cloud {:?} does not match the region id", r.cloud));
        }
        for (what, text) in
            [("continent", &r.continent), ("location", &r.location), ("storage source", &r.storage.source)]
        {
            if text.trim().is_empty() {
                return Err(format!("{id}: {what} is empty"));
            }
        }
        check_source(&id, &r.storage.source)?;
        let transfer = match r.transfer {
            Some(t) => {
                check_source(&id, &t.source)?;
                let price = |usd| usd_to_micro(usd).ok_or(format!("{id}: bad transfer price"));
                Some(Transfer {
                    same_continent_micro_usd_per_gb: price(t.same_continent_usd_per_gb)?,
                    cross_continent_micro_usd_per_gb: price(t.cross_continent_usd_per_gb)?,
                    source: t.source,
                })
            }
            None => None,
        };
        if regions.iter().any(|p| p.region_id == id) {
            return Err(format!("{id}: listed twice"));
        }
        regions.push(Region {
            storage_micro_usd_per_gb_month: usd_to_micro(r.storage.usd_per_gb_month)
                .ok_or(format!("{id}: bad storage price"))?,
            region_id: id,
            cloud,
            continent: r.continent,
            location: r.location,
            storage_source: r.storage.source,
            transfer,
        });
    }
    if regions.is_empty() {
        return Err("price table: no regions".to_owned());
    }
    // An assumption names a region of the table.
    for r in &regions {
        for source in std::iter::once(&r.storage_source).chain(r.transfer.as_ref().map(|t| &t.source)) {
            if let Some(rest) = source.trim().strip_prefix(ASSUMED) {
                let named = rest.split_whitespace().next().unwrap_or("");
                if !regions.iter().any(|o| o.region_id == named) {
                    return Err(format!("{}: {source:?} names no region of the table", r.region_id));
                }
            }
        }
    }
    Ok(regions)
}

fn check_source(id: &str, source: &str) -> Result<(), String> {
    let s = source.trim();
    if s.starts_with("https://") && s.len() > s.split_whitespace().next().map_or(0, str::len) {
        return Ok(());
    }
    if is_assumed(s) {
        return Ok(());
    }
    Err(format!("{id}: source must be 'https://… what it says' or 'assumed: same as …', got {source:?}"))
}

fn usd_to_micro(usd: f64) -> Option<u64> {
    if !usd.is_finite() || !(0.0..1_000_000.0).contains(&usd) {
        return None;
    }
    Some((usd * 1e6).round() as u64)
}

/// The regions as a Rust expression of type `&[RegionPrice]`, for the console's
/// `rules::cost` (which has `RegionPrice`, `TransferPrice` and `Cloud` in scope).
pub fn to_rust(regions: &[Region]) -> String {
    let mut out = String::from("&[\n");
    for r in regions {
        let cloud = match r.cloud {
            Cloud::Aws => "Aws",
            Cloud::Gcp => "Gcp",
            Cloud::Azure => "Azure",
            Cloud::Other => "Other",
        };
        let transfer = match &r.transfer {
            Some(t) => format!(
                "Some(TransferPrice {{ same_continent_micro_usd_per_gb: {}, cross_continent_micro_usd_per_gb: {}, assumed: {} }})",
                t.same_continent_micro_usd_per_gb,
                t.cross_continent_micro_usd_per_gb,
                is_assumed(&t.source)
            ),
            None => "None".to_owned(),
        };
        // `{:?}` of a str is a valid Rust string literal (quotes and escapes).
        let _ = writeln!(
            out,
            "    RegionPrice {{ region_id: {:?}, cloud: Cloud::{cloud}, continent: {:?}, location: {:?}, \
             storage_micro_usd_per_gb_month: {}, storage_assumed: {}, transfer: {transfer} }},",
            r.region_id.as_str(),
            r.continent.as_str(),
            r.location.as_str(),
            r.storage_micro_usd_per_gb_month,
            is_assumed(&r.storage_source),
        );
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = include_str!("../../../data/backup-prices.json");

    fn one(cloud: &str, source: &str, price: &str) -> String {
        format!(
            r#"{{"regions":[{{"region_id":"aws-x","cloud":"{cloud}","continent":"Europe","location":"X",
            "storage":{{"usd_per_gb_month":{price},"source":"{source}"}},"transfer":null}}]}}"#
        )
    }

    #[test]
    fn the_shipped_file_is_complete_and_keeps_the_published_figures() {
        let regions = parse(FILE).expect("data/backup-prices.json must parse");
        let get = |id: &str| regions.iter().find(|r| r.region_id == id);
        for id in ["aws-us-east-1", "aws-us-west-2", "gcp-us-west1", "az-eastus"] {
            assert!(get(id).is_some(), "{id} missing");
        }
        for cloud in [Cloud::Aws, Cloud::Gcp, Cloud::Azure] {
            assert!(regions.iter().filter(|r| r.cloud == cloud).count() >= 3, "{cloud:?}");
        }
        for r in &regions {
            assert!(r.storage_micro_usd_per_gb_month > 0, "{}", r.region_id);
            assert!(["North America", "Europe", "Asia Pacific"].contains(&r.continent.as_str()), "{}", r.region_id);
            // Azure has no copies, so no transfer price; everyone else must have one.
            assert_eq!(r.transfer.is_none(), r.cloud == Cloud::Azure, "{}", r.region_id);
        }
        // The only published figures, kept exactly and marked as published.
        let us_east = get("aws-us-east-1").unwrap();
        assert_eq!(us_east.storage_micro_usd_per_gb_month, 25_000);
        assert!(!is_assumed(&us_east.storage_source));
        let gcp = get("gcp-us-west1").unwrap();
        assert_eq!(gcp.storage_micro_usd_per_gb_month, 20_000);
        let t = gcp.transfer.as_ref().unwrap();
        assert_eq!((t.same_continent_micro_usd_per_gb, t.cross_continent_micro_usd_per_gb), (20_000, 80_000));
        assert!(t.source.starts_with("https://"));
    }

    #[test]
    fn malformed_tables_are_rejected() {
        assert!(parse(&one("aws", "https://example.com/prices says $0.025", "0.025")).is_ok());
        assert!(parse(&one("aws", "assumed: same as aws-x", "0.025")).is_ok());
        assert!(parse(&one("aws", "assumed: same as aws-nowhere", "0.025")).is_err(), "names no region");
        assert!(parse(&one("gcp", "assumed: same as aws-x", "0.025")).is_err(), "cloud does not match the id");
        assert!(parse(&one("aws", "trust me", "0.025")).is_err());
        assert!(parse(&one("aws", "https://example.com", "0.025")).is_err(), "URL without what it says");
        assert!(parse(&one("aws", "assumed: same as aws-x", "-1")).is_err());
        assert!(parse(&one("aws", "assumed: same as aws-x", "1e9")).is_err());
        assert!(parse(r#"{"regions":[]}"#).is_err());
        assert!(parse("{}").is_err());
        let twice = r#"{"regions":[
            {"region_id":"aws-x","cloud":"aws","continent":"Europe","location":"X","storage":{"usd_per_gb_month":1,"source":"assumed: same as aws-x"},"transfer":null},
            {"region_id":"aws-x","cloud":"aws","continent":"Europe","location":"X","storage":{"usd_per_gb_month":1,"source":"assumed: same as aws-x"},"transfer":null}]}"#;
        assert!(parse(twice).unwrap_err().contains("listed twice"));
    }

    #[test]
    fn prices_become_whole_micro_dollars() {
        let regions = parse(&one("aws", "assumed: same as aws-x", "0.0234567")).unwrap();
        assert_eq!(regions[0].storage_micro_usd_per_gb_month, 23_457);
    }

    #[test]
    fn writes_each_region_as_a_literal_with_escaped_text() {
        let mut regions = parse(FILE).unwrap();
        regions.truncate(1);
        regions[0].location = "N. \"Virginia\"".into();
        let rust = to_rust(&regions);
        assert!(rust.starts_with("&[\n    RegionPrice { region_id: \"aws-us-east-1\", cloud: Cloud::Aws,"), "{rust}");
        assert!(rust.contains(r#"location: "N. \"Virginia\"""#), "{rust}");
        assert!(rust.contains("storage_micro_usd_per_gb_month: 25000, storage_assumed: false"), "{rust}");
        assert!(rust.contains("cross_continent_micro_usd_per_gb: 80000, assumed: true })"), "{rust}");
        assert!(rust.ends_with("},\n]"), "{rust}");
    }
}
