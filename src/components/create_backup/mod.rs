//! The Create Backup dialog: a native modal `<dialog>` with the eligibility checklist, the
//! scope picker, cross-region copies, the cost estimate and one-click-one-job submit.
//!
//! Open it from anywhere with `CreateBackupTarget::open(cluster)`; `CreateBackupHost` (placed
//! once in the app layout) renders it.

mod checklist;
mod copies;
mod cost_notice;
mod dialog;
mod host;
mod model;
mod scope;

pub use dialog::CreateBackupDialog;
pub use host::{CreateBackupHost, CreateBackupTarget};
pub use model::CreateBackupModel;
