//! Regions and their prices: the price table (`data/backup-prices.json`, read and checked at
//! build time by `crates/price-table`) and a person's names for regions. Used by the cost
//! estimate and by the form's copy-region choices.

use api_types::Cloud;

/// One region of the price table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionPrice {
    pub region_id: &'static str,
    pub cloud: Cloud,
    /// "North America", "Europe", "Asia Pacific": decides same- vs cross-continent transfer.
    pub continent: &'static str,
    /// "Oregon", "Frankfurt".
    pub location: &'static str,
    pub storage_micro_usd_per_gb_month: u64,
    /// The storage price is an assumption ("assumed: same as …" in the file), not a published one.
    pub storage_assumed: bool,
    /// `None` where copies cannot start from this region (Azure).
    pub transfer: Option<TransferPrice>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferPrice {
    pub same_continent_micro_usd_per_gb: u64,
    pub cross_continent_micro_usd_per_gb: u64,
    pub assumed: bool,
}

impl RegionPrice {
    /// "AWS us-west-2 (Oregon)".
    pub fn label(&self) -> String {
        format!("{} {} ({})", cloud_short(self.cloud), region_code(self.region_id), self.location)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceTable {
    /// In the file's order (grouped by cloud, then continent).
    pub regions: &'static [RegionPrice],
}

impl PriceTable {
    pub fn region(&self, region_id: &str) -> Option<&'static RegionPrice> {
        self.regions.iter().find(|r| r.region_id.eq_ignore_ascii_case(region_id))
    }
}

/// The table built into the console: `build.rs` writes `data/backup-prices.json` as Rust with
/// `price_table::to_rust`, after `price_table::parse` has checked it (a bad file fails the build).
static PRICE_TABLE: PriceTable = PriceTable { regions: include!(concat!(env!("OUT_DIR"), "/price_table.rs")) };

pub fn price_table() -> &'static PriceTable {
    &PRICE_TABLE
}

/// "AWS", "GCP", "Azure": the short names the docs use in region labels.
pub fn cloud_short(cloud: Cloud) -> &'static str {
    match cloud {
        Cloud::Aws => "AWS",
        Cloud::Gcp => "GCP",
        Cloud::Azure => "Azure",
        Cloud::Other => "",
    }
}

/// The region id without its cloud prefix: "aws-us-west-2" → "us-west-2".
fn region_code(region_id: &str) -> &str {
    region_id.split_once('-').map_or(region_id, |(_, rest)| rest)
}

/// A person's name for a region: "AWS us-west-2 (Oregon)", or the id itself when unknown.
pub fn region_label(region_id: &str) -> String {
    price_table().region(region_id).map_or_else(|| region_id.to_owned(), RegionPrice::label)
}

/// Whether two regions are on the same continent; `None` when either is not in the table.
pub fn same_continent(a: &str, b: &str) -> Option<bool> {
    let t = price_table();
    Some(t.region(a)?.continent == t.region(b)?.continent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_labels_and_continents() {
        assert_eq!(region_label("aws-us-west-2"), "AWS us-west-2 (Oregon)");
        assert_eq!(region_label("gcp-europe-west3"), "GCP europe-west3 (Frankfurt)");
        assert_eq!(region_label("az-eastus"), "Azure eastus (Virginia)");
        assert_eq!(region_label("xyz-1"), "xyz-1");
        assert_eq!(same_continent("gcp-us-west1", "gcp-us-east4"), Some(true));
        assert_eq!(same_continent("gcp-us-west1", "gcp-europe-west3"), Some(false));
        assert_eq!(same_continent("gcp-us-west1", "nowhere"), None);
    }
}
