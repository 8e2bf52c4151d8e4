//! The cost notice of the Create Backup dialog: the monthly estimate of a backup, from the
//! price table of `regions.rs`.
//!
//! Units: money is integer micro-dollars (1 USD = 1 000 000), sizes are bytes, and a GB is
//! decimal (10^9 bytes), as the price table's prices are. Charges are computed pro rata per byte
//! and rounded *up* to the next micro-dollar, so the estimate never understates. Text is made
//! only by the `format_*` helpers.

use std::collections::BTreeSet;

use super::backup_form::{CollectionInfo, Scope};
use super::regions::{PriceTable, RegionPrice, price_table};

pub const PRICING_URL: &str = "https://zilliz.com/pricing";
/// The per-region rate card the docs point to for exact storage and transfer prices.
pub const PRICING_GUIDE_URL: &str = "https://zilliz.com/pricing/pricing-guide";
/// How backup storage is billed (https://docs.zilliz.com/docs/storage-cost).
pub const BILLING_NOTICE: &str = "Backups incur storage charges, billed daily with a one-day minimum.";
/// Manual backups have no retention setting (docs/api-contract.md §2, §8).
pub const RETENTION_NOTICE: &str = "Manual backups are kept until you delete them, and are charged until then.";
/// Cross-region copies (https://docs.zilliz.com/docs/backup-to-other-regions).
pub const COPY_NOTICE: &str =
    "Each cross-region copy is charged storage in its region, plus a one-off data transfer charge to copy it there.";
/// Said next to every estimate: most prices in the table are assumptions.
pub const ESTIMATE_CAVEAT: &str = "This is an estimate from list prices; your invoice is authoritative.";

pub const BYTES_PER_GB: u64 = 1_000_000_000;
pub const MICRO_PER_USD: u64 = 1_000_000;
/// The docs convert days to months with 30-day months (45 days = 1.5 months).
pub const DAYS_PER_MONTH: u64 = 30;

pub struct CostInput<'a> {
    /// The cluster's region, where the backup itself is stored.
    pub region_id: &'a str,
    /// Size of the chosen scope ([`scope_size`]); `None` while unknown.
    pub size_bytes: Option<u64>,
    /// Target regions of cross-region copies.
    pub copy_regions: &'a [String],
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CostLine {
    pub label: String,
    pub micro_usd_per_month: u64,
}

/// A one-off charge (the transfer of one copy).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OneOffLine {
    pub label: String,
    pub micro_usd: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Estimate {
    Known {
        /// Storage per month: the backup in its home region, then one line per copy.
        lines: Vec<CostLine>,
        monthly_micro_usd: u64,
        /// Copying to other regions, charged once.
        one_off_transfer_micro_usd: u64,
        size_bytes: u64,
    },
    UnknownSize,
    /// The table has no price for this region (the home region, or a copy target).
    UnknownPrice {
        region_id: String,
    },
}

/// `bytes` × `micro_per_gb` / 10^9, rounded up; u128 so no product overflows.
fn charge(bytes: u64, micro_per_gb: u64) -> u64 {
    let micro = (u128::from(bytes) * u128::from(micro_per_gb)).div_ceil(u128::from(BYTES_PER_GB));
    u64::try_from(micro).unwrap_or(u64::MAX)
}

fn transfer_price(from: &RegionPrice, to: &RegionPrice) -> Option<u64> {
    let t = from.transfer.as_ref()?;
    Some(if from.continent == to.continent {
        t.same_continent_micro_usd_per_gb
    } else {
        t.cross_continent_micro_usd_per_gb
    })
}

/// Prices first: a region without a price cannot be estimated whatever the size.
fn resolve<'t>(table: &'t PriceTable, input: &CostInput) -> Result<(&'t RegionPrice, Vec<&'t RegionPrice>), Estimate> {
    let unknown = |id: &str| Estimate::UnknownPrice { region_id: id.to_owned() };
    let home = table.region(input.region_id).ok_or_else(|| unknown(input.region_id))?;
    let mut copies = Vec::new();
    for id in unique(input.copy_regions) {
        let r = table.region(id).ok_or_else(|| unknown(id))?;
        // A copy needs a transfer price from home; without one the copy cannot be priced.
        if transfer_price(home, r).is_none() {
            return Err(unknown(input.region_id));
        }
        copies.push(r);
    }
    Ok((home, copies))
}

/// Copy regions in the given order, duplicates dropped (the API drops them too).
fn unique(ids: &[String]) -> Vec<&str> {
    let mut seen = BTreeSet::new();
    ids.iter().map(String::as_str).filter(|id| seen.insert(id.to_ascii_lowercase())).collect()
}

/// Monthly storage (home region + each copy) and the one-off transfer of the copies.
pub fn estimate(input: &CostInput) -> Estimate {
    estimate_with(price_table(), input)
}

pub fn estimate_with(table: &PriceTable, input: &CostInput) -> Estimate {
    let (home, copies) = match resolve(table, input) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let Some(size) = input.size_bytes else {
        return Estimate::UnknownSize;
    };
    let mut lines = vec![CostLine {
        label: format!(
            "Backup in {}, {} per GB-month",
            home.label(),
            format_unit_price(home.storage_micro_usd_per_gb_month)
        ),
        micro_usd_per_month: charge(size, home.storage_micro_usd_per_gb_month),
    }];
    let mut transfer = 0u64;
    for r in &copies {
        lines.push(CostLine {
            label: format!(
                "Copy in {}, {} per GB-month",
                r.label(),
                format_unit_price(r.storage_micro_usd_per_gb_month)
            ),
            micro_usd_per_month: charge(size, r.storage_micro_usd_per_gb_month),
        });
        transfer = transfer.saturating_add(charge(size, transfer_price(home, r).unwrap_or(0)));
    }
    let monthly = lines.iter().fold(0u64, |a, l| a.saturating_add(l.micro_usd_per_month));
    Estimate::Known { lines, monthly_micro_usd: monthly, one_off_transfer_micro_usd: transfer, size_bytes: size }
}

/// The one-off transfer charge of each copy, for a breakdown under the total. Empty when the
/// estimate is not [`Estimate::Known`].
pub fn transfer_lines(input: &CostInput) -> Vec<OneOffLine> {
    let table = price_table();
    let (Ok((home, copies)), Some(size)) = (resolve(table, input), input.size_bytes) else {
        return Vec::new();
    };
    copies
        .iter()
        .map(|r| {
            let price = transfer_price(home, r).unwrap_or(0);
            let distance = if home.continent == r.continent { "same continent" } else { "another continent" };
            OneOffLine {
                label: format!("Transfer to {}, {distance}, {} per GB", r.label(), format_unit_price(price)),
                micro_usd: charge(size, price),
            }
        })
        .collect()
}

/// Labels of the regions whose figures used by this estimate are assumptions rather than
/// published prices (storage of home and copies, transfer from home), for an "assumed" note.
pub fn assumed_prices(input: &CostInput) -> Vec<String> {
    let Ok((home, copies)) = resolve(price_table(), input) else {
        return Vec::new();
    };
    let transfer_assumed = home.transfer.as_ref().is_some_and(|t| t.assumed);
    let mut out = Vec::new();
    if home.storage_assumed || (transfer_assumed && !copies.is_empty()) {
        out.push(home.label());
    }
    out.extend(copies.iter().filter(|r| r.storage_assumed).map(|r| r.label()));
    out
}

/// The least a backup can cost if deleted within its first day (one-day minimum, 30-day month).
pub fn one_day_micro_usd(monthly_micro_usd: u64) -> u64 {
    monthly_micro_usd.div_ceil(DAYS_PER_MONTH)
}

/// The size of what the chosen scope backs up, in bytes; `None` when any part is unknown.
///
/// - `Scope::Cluster`: `cluster_storage_bytes` (Describe Cluster's `storageSize`) when given,
///   else the sum over `collections`, which must then be *every* collection of the cluster
///   (all databases); `None` if that list is not loaded or a size is missing.
/// - `Scope::Collection`: the sum of the `selected` names, looked up in `collections` (the
///   chosen database's list); `None` if the list is not loaded, or a chosen name is not in it or
///   has no size. No selection is 0 bytes.
pub fn scope_size(
    scope: Scope,
    cluster_storage_bytes: Option<u64>,
    collections: Option<&[CollectionInfo]>,
    selected: &BTreeSet<String>,
) -> Option<u64> {
    match scope {
        Scope::Cluster => {
            if cluster_storage_bytes.is_some() {
                return cluster_storage_bytes;
            }
            collections?.iter().try_fold(0u64, |sum, c| Some(sum.saturating_add(c.size_bytes?)))
        }
        Scope::Collection => {
            let all = collections?;
            selected.iter().try_fold(0u64, |sum, name| {
                let c = all.iter().find(|c| &c.name == name)?;
                Some(sum.saturating_add(c.size_bytes?))
            })
        }
    }
}

/// Groups digits by thousands: 1234567 → "1,234,567".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Dollars to the cent, rounded half up: "$0.75", "$1,234.50"; "$0.00" for zero, and
/// "< $0.01" for any non-zero amount under a cent (so a charge never reads as free).
pub fn format_usd(micro: u64) -> String {
    if micro == 0 {
        return "$0.00".into();
    }
    if micro < MICRO_PER_USD / 100 {
        return "< $0.01".into();
    }
    let cents = micro / 10_000 + u64::from(micro % 10_000 >= 5_000);
    format!("${}.{:02}", thousands(cents / 100), cents % 100)
}

/// A unit price with as many decimals as it has (at least two): "$0.025", "$0.02", "$0.08".
pub fn format_unit_price(micro: u64) -> String {
    let whole = micro / MICRO_PER_USD;
    let mut frac = format!("{:06}", micro % MICRO_PER_USD);
    while frac.len() > 2 && frac.ends_with('0') {
        frac.pop();
    }
    format!("${}.{frac}", thousands(whole))
}

/// Decimal gigabytes (10^9 bytes, the unit prices are per), two decimals at most, rounded half
/// up: "20 GB", "1.5 GB", "13.32 GB", "1,234 GB"; "< 0.01 GB" for a non-zero size under that.
pub fn format_gb(bytes: u64) -> String {
    if bytes == 0 {
        return "0 GB".into();
    }
    let step = BYTES_PER_GB / 100;
    if bytes < step / 2 {
        return "< 0.01 GB".into();
    }
    let hundredths = bytes / step + u64::from(bytes % step >= step / 2);
    let (whole, frac) = (hundredths / 100, hundredths % 100);
    match frac {
        0 => format!("{} GB", thousands(whole)),
        f if f % 10 == 0 => format!("{}.{} GB", thousands(whole), f / 10),
        f => format!("{}.{f:02} GB", thousands(whole)),
    }
}

/// One line for beside the Create button: the figure the decision is made on.
pub fn summary(e: &Estimate) -> String {
    match e {
        Estimate::Known { monthly_micro_usd, one_off_transfer_micro_usd: 0, .. } => {
            format!("Estimated {} per month", format_usd(*monthly_micro_usd))
        }
        Estimate::Known { monthly_micro_usd, one_off_transfer_micro_usd, .. } => format!(
            "Estimated {} per month, plus {} once for copying",
            format_usd(*monthly_micro_usd),
            format_usd(*one_off_transfer_micro_usd)
        ),
        Estimate::UnknownSize | Estimate::UnknownPrice { .. } => "No cost estimate (see Cost above)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GB: u64 = BYTES_PER_GB;

    fn copies(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_built_in_table_is_the_file() {
        // build.rs wrote the table; read the file again and compare every figure and flag.
        let file = price_table::parse(include_str!("../../data/backup-prices.json")).expect("the file parses");
        let table = price_table();
        assert_eq!(table.regions.len(), file.len());
        for (built, read) in table.regions.iter().zip(&file) {
            assert_eq!(built.region_id, read.region_id);
            assert_eq!((built.cloud, built.continent, built.location), (read.cloud, &*read.continent, &*read.location));
            assert_eq!(built.storage_micro_usd_per_gb_month, read.storage_micro_usd_per_gb_month);
            assert_eq!(built.storage_assumed, read.storage_source.starts_with("assumed"), "{}", read.region_id);
            let transfer = read.transfer.as_ref().map(|t| {
                (t.same_continent_micro_usd_per_gb, t.cross_continent_micro_usd_per_gb, t.source.starts_with("assumed"))
            });
            let built_transfer = built
                .transfer
                .as_ref()
                .map(|t| (t.same_continent_micro_usd_per_gb, t.cross_continent_micro_usd_per_gb, t.assumed));
            assert_eq!(built_transfer, transfer, "{}", read.region_id);
        }
        let us_east = table.region("AWS-US-EAST-1").expect("found ignoring case");
        assert!(!us_east.storage_assumed);
        assert!(table.region("aws-us-west-2").is_some_and(|r| r.storage_assumed));
    }

    #[test]
    fn price_table_covers_the_simulator_regions() {
        // Every region the simulator accepts as a copy target must have a price and a label.
        let sim = include_str!("../../server/src/sim/backups.rs");
        let start = sim.find("pub const REGIONS").expect("REGIONS list in the simulator");
        let list = &sim[start..];
        let list = &list[..list.find("];").expect("end of REGIONS")];
        let ids: Vec<&str> = list.split('"').skip(1).step_by(2).collect();
        assert!(ids.len() >= 4, "{ids:?}");
        for id in ids {
            assert!(price_table().region(id).is_some(), "{id} has no price");
        }
    }

    #[test]
    fn reference_example_aws_us_east_1() {
        // storage-cost: 20 GB at $0.025/GB-month is $0.50 a month (×1.5 months = $0.75).
        let e = estimate(&CostInput { region_id: "aws-us-east-1", size_bytes: Some(20 * GB), copy_regions: &[] });
        let Estimate::Known { lines, monthly_micro_usd, one_off_transfer_micro_usd, size_bytes } = e else {
            panic!("{e:?}")
        };
        assert_eq!(monthly_micro_usd, 500_000);
        assert_eq!(format_usd(monthly_micro_usd), "$0.50");
        assert_eq!(format_usd(monthly_micro_usd * 3 / 2), "$0.75");
        assert_eq!(one_off_transfer_micro_usd, 0);
        assert_eq!(size_bytes, 20 * GB);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].label, "Backup in AWS us-east-1 (N. Virginia), $0.025 per GB-month");
        assert_eq!(one_day_micro_usd(monthly_micro_usd), 16_667);
    }

    #[test]
    fn cross_region_gcp_example() {
        // backup-to-other-regions: 20 GB from GCP us-west1 to us-east4 and europe-west3.
        let to = copies(&["gcp-us-east4", "gcp-europe-west3"]);
        let input = CostInput { region_id: "gcp-us-west1", size_bytes: Some(20 * GB), copy_regions: &to };
        let Estimate::Known { lines, monthly_micro_usd, one_off_transfer_micro_usd, .. } = estimate(&input) else {
            panic!()
        };
        // Storage ×3: the backup itself and two copies at $0.02.
        assert_eq!(lines.iter().map(|l| l.micro_usd_per_month).collect::<Vec<_>>(), [400_000; 3]);
        assert_eq!(format_usd(monthly_micro_usd), "$1.20");
        // Transfer: 20 × $0.02 (same continent) + 20 × $0.08 (Europe) = $2.00.
        assert_eq!(format_usd(one_off_transfer_micro_usd), "$2.00");
        // The docs' total counts only the copies: $0.80 + $2.00 = $2.80.
        assert_eq!(format_usd(monthly_micro_usd - lines[0].micro_usd_per_month + one_off_transfer_micro_usd), "$2.80");
        assert_eq!(lines[2].label, "Copy in GCP europe-west3 (Frankfurt), $0.02 per GB-month");
        let t = transfer_lines(&input);
        assert_eq!(t.iter().map(|l| l.micro_usd).collect::<Vec<_>>(), [400_000, 1_600_000]);
        assert_eq!(t[1].label, "Transfer to GCP europe-west3 (Frankfurt), another continent, $0.08 per GB");
    }

    #[test]
    fn duplicate_copy_regions_count_once() {
        let to = copies(&["gcp-us-east4", "GCP-US-EAST4"]);
        let e = estimate(&CostInput { region_id: "gcp-us-west1", size_bytes: Some(GB), copy_regions: &to });
        assert!(matches!(e, Estimate::Known { ref lines, .. } if lines.len() == 2), "{e:?}");
    }

    #[test]
    fn unknown_price_region() {
        let e = estimate(&CostInput { region_id: "ali-cn-hangzhou", size_bytes: Some(GB), copy_regions: &[] });
        assert_eq!(e, Estimate::UnknownPrice { region_id: "ali-cn-hangzhou".into() });
        let to = copies(&["gcp-moon1"]);
        let e = estimate(&CostInput { region_id: "gcp-us-west1", size_bytes: Some(GB), copy_regions: &to });
        assert_eq!(e, Estimate::UnknownPrice { region_id: "gcp-moon1".into() });
        // Price problems are reported even before the size is known.
        let e = estimate(&CostInput { region_id: "nowhere", size_bytes: None, copy_regions: &[] });
        assert_eq!(e, Estimate::UnknownPrice { region_id: "nowhere".into() });
        // Copies from Azure have no transfer price.
        let to = copies(&["az-westus3"]);
        let e = estimate(&CostInput { region_id: "az-eastus", size_bytes: Some(GB), copy_regions: &to });
        assert_eq!(e, Estimate::UnknownPrice { region_id: "az-eastus".into() });
        assert!(
            transfer_lines(&CostInput { region_id: "az-eastus", size_bytes: Some(GB), copy_regions: &to }).is_empty()
        );
    }

    #[test]
    fn assumed_figures_are_named() {
        let none: &[String] = &[];
        assert!(
            assumed_prices(&CostInput { region_id: "aws-us-east-1", size_bytes: None, copy_regions: none }).is_empty()
        );
        assert_eq!(
            assumed_prices(&CostInput { region_id: "aws-us-west-2", size_bytes: None, copy_regions: none }),
            ["AWS us-west-2 (Oregon)"]
        );
        // us-east-1 storage is published, but its transfer price is not.
        let to = copies(&["aws-us-west-2"]);
        assert_eq!(
            assumed_prices(&CostInput { region_id: "aws-us-east-1", size_bytes: None, copy_regions: &to }),
            ["AWS us-east-1 (N. Virginia)", "AWS us-west-2 (Oregon)"]
        );
        // The GCP example uses published figures only.
        let to = copies(&["gcp-us-east4", "gcp-europe-west3"]);
        assert!(
            assumed_prices(&CostInput { region_id: "gcp-us-west1", size_bytes: None, copy_regions: &to }).is_empty()
        );
    }

    #[test]
    fn unknown_size() {
        let e = estimate(&CostInput { region_id: "aws-us-east-1", size_bytes: None, copy_regions: &[] });
        assert_eq!(e, Estimate::UnknownSize);
    }

    #[test]
    fn charges_round_up_and_never_overflow() {
        assert_eq!(charge(0, 25_000), 0);
        assert_eq!(charge(1, 25_000), 1, "a byte still costs something");
        assert_eq!(charge(GB, 25_000), 25_000);
        assert_eq!(charge(GB + 1, 25_000), 25_001);
        assert_eq!(charge(u64::MAX, 25_000), 461_168_601_842_739); // 18.4 EB × $0.025
        assert_eq!(charge(u64::MAX, u64::MAX), u64::MAX);
        let e =
            estimate(&CostInput { region_id: "aws-us-east-1", size_bytes: Some(2 * 1024 * 1024), copy_regions: &[] });
        let Estimate::Known { monthly_micro_usd, .. } = e else { panic!() };
        assert_eq!(format_usd(monthly_micro_usd), "< $0.01");
    }

    #[test]
    fn scope_sizes() {
        let colls = vec![
            CollectionInfo { name: "a".into(), size_bytes: Some(10) },
            CollectionInfo { name: "b".into(), size_bytes: Some(20) },
            CollectionInfo { name: "c".into(), size_bytes: None },
        ];
        let set = |names: &[&str]| names.iter().map(|s| (*s).to_owned()).collect::<BTreeSet<_>>();
        // Cluster: storage wins; else the sum of all, unknown if any is unknown.
        assert_eq!(scope_size(Scope::Cluster, Some(99), None, &set(&[])), Some(99));
        assert_eq!(scope_size(Scope::Cluster, None, Some(&colls[..2]), &set(&[])), Some(30));
        assert_eq!(scope_size(Scope::Cluster, None, Some(&colls), &set(&[])), None);
        assert_eq!(scope_size(Scope::Cluster, None, None, &set(&[])), None);
        assert_eq!(scope_size(Scope::Cluster, None, Some(&[]), &set(&[])), Some(0));
        // Collection: the chosen ones only; storage is ignored.
        assert_eq!(scope_size(Scope::Collection, Some(99), Some(&colls), &set(&["a", "b"])), Some(30));
        assert_eq!(scope_size(Scope::Collection, None, Some(&colls), &set(&["a", "c"])), None);
        assert_eq!(scope_size(Scope::Collection, None, Some(&colls), &set(&["zzz"])), None);
        assert_eq!(scope_size(Scope::Collection, None, Some(&colls), &set(&[])), Some(0));
        assert_eq!(scope_size(Scope::Collection, None, None, &set(&["a"])), None);
    }

    #[test]
    fn usd_formatting() {
        assert_eq!(format_usd(0), "$0.00");
        assert_eq!(format_usd(1), "< $0.01");
        assert_eq!(format_usd(9_999), "< $0.01");
        assert_eq!(format_usd(10_000), "$0.01");
        assert_eq!(format_usd(14_999), "$0.01");
        assert_eq!(format_usd(15_000), "$0.02");
        assert_eq!(format_usd(750_000), "$0.75");
        assert_eq!(format_usd(999_995_000), "$1,000.00");
        assert_eq!(format_usd(1_234_567_890), "$1,234.57");
        assert_eq!(format_usd(u64::MAX), "$18,446,744,073,709.55");
        assert_eq!(format_unit_price(25_000), "$0.025");
        assert_eq!(format_unit_price(20_000), "$0.02");
        assert_eq!(format_unit_price(1_500_000), "$1.50");
        assert_eq!(format_unit_price(1), "$0.000001");
    }

    #[test]
    fn gb_formatting() {
        assert_eq!(format_gb(0), "0 GB");
        let known = |monthly, once| Estimate::Known {
            lines: vec![],
            monthly_micro_usd: monthly,
            one_off_transfer_micro_usd: once,
            size_bytes: 0,
        };
        assert_eq!(summary(&known(1_250_000, 0)), format!("Estimated {} per month", format_usd(1_250_000)));
        assert!(summary(&known(1_250_000, 20_000)).contains("plus"));
        assert_eq!(summary(&Estimate::UnknownSize), "No cost estimate (see Cost above)");
        assert_eq!(format_gb(1), "< 0.01 GB");
        assert_eq!(format_gb(4_999_999), "< 0.01 GB");
        assert_eq!(format_gb(5_000_000), "0.01 GB");
        assert_eq!(format_gb(20 * GB), "20 GB");
        assert_eq!(format_gb(1_500_000_000), "1.5 GB");
        assert_eq!(format_gb(13_316_915_200), "13.32 GB");
        assert_eq!(format_gb(1_999_999_999), "2 GB");
        assert_eq!(format_gb(1_234 * GB), "1,234 GB");
        assert_eq!(format_gb(u64::MAX), "18,446,744,073.71 GB");
    }
}
