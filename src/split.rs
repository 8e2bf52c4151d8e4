//! Split points of the release build. With `--features split` (scripts/build-release.sh) each
//! `split_fn!` function is moved into a wasm chunk of its own, with the code only it reaches,
//! and the browser fetches that chunk on the function's first call (scripts/split-wasm.sh does
//! the splitting). In every other build (`trunk serve`, the browser and native tests) the same
//! function is called directly, so both paths run the same code.
//!
//! A chunk that cannot be fetched (network off, a 404 after a redeploy) is `Err(ChunkFailed)`,
//! never a panic (the release build aborts on panic); failed loads are not cached, so calling
//! again fetches again.

/// A chunk of the console could not be fetched or instantiated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChunkFailed;

#[cfg(feature = "split")]
impl From<wasm_split_helpers::SplitLoaderError> for ChunkFailed {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
        ChunkFailed
    }
}

/// `split_fn!(chunk, pub fn name(arg: Type, ...) -> Output { body })` declares an `async fn`
/// returning `Result<Output, ChunkFailed>` whose body is in the chunk `chunk`. Its arguments and
/// result cross a wasm import: plain values, no references, generics or `impl` types. With
/// `, preload name` after the body, also an `async fn name() -> Result<_, _>` that only
/// fetches the chunk (a prefetch: its error is a hint, the real call reports it).
#[macro_export]
macro_rules! split_fn {
    ($chunk:ident, $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $out:ty $body:block $(, preload $preload:ident)? $(,)?) => {
        #[cfg(feature = "split")]
        #[::wasm_split_helpers::wasm_split($chunk, fallible $(, preload($preload))?)]
        $vis fn $name($($arg: $ty),*) -> ::core::result::Result<$out, $crate::split::ChunkFailed> {
            let out: $out = $body;
            ::core::result::Result::Ok(out)
        }

        #[cfg(not(feature = "split"))]
        $vis async fn $name($($arg: $ty),*) -> ::core::result::Result<$out, $crate::split::ChunkFailed> {
            let out: $out = $body;
            ::core::result::Result::Ok(out)
        }

        $(
            #[cfg(not(feature = "split"))]
            $vis async fn $preload() -> ::core::result::Result<(), $crate::split::ChunkFailed> {
                ::core::result::Result::Ok(())
            }
        )?
    };
}

/// `split_view!(chunk, pub fn name(args) { view })`: a `split_fn!` returning a type-erased view,
/// built untracked, for pages and dialogs (rendered by `components::lazy_view::LazyView`).
#[macro_export]
macro_rules! split_view {
    ($chunk:ident, $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $body:block $(, preload $preload:ident)? $(,)?) => {
        $crate::split_fn!($chunk, $vis fn $name($($arg: $ty),*) -> ::leptos::prelude::AnyView {
            // Built outside any observer: the suspense that awaits the chunk would otherwise
            // track every signal the view reads while it is built, and build it again (losing
            // focus and state) whenever one changes.
            ::leptos::prelude::untrack(move || $body)
        } $(, preload $preload)?);
    };
}
