# Sourced by scripts/build-release.sh and scripts/crates.sh: the toolchain and flags of the
# size-built release. The dated nightly of scripts/versions.env rebuilds std for size
# (build-std, optimize_for_size), panics abort at once (no message formatting, no source
# locations), and Leptos's `erase_components` makes components return type-erased views (fewer
# monomorphised copies). The figures are in the README.
export RUSTUP_TOOLCHAIN="$RELEASE_TOOLCHAIN"
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
export RUSTFLAGS="--cfg erase_components -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none"
