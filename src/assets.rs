//! Finding the built site (pkg/ with the wasm, JS and CSS; the favicon) from any working
//! directory, without cargo-leptos's environment.

use std::path::{Path, PathBuf};

pub const OUTPUT_NAME: &str = "persona-console";

fn looks_built(dir: &Path) -> bool {
    dir.join("pkg").join(format!("{OUTPUT_NAME}.js")).is_file()
}

/// In order: --site-dir / PERSONA_SITE_DIR; LEPTOS_SITE_ROOT (cargo-leptos sets it when
/// it runs the server); `site/` next to the binary's folder (release/../site); the site
/// folder this binary was built with.
pub fn find_site_dir(explicit: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(dir) = explicit {
        return if looks_built(dir) {
            Ok(dir.to_path_buf())
        } else {
            Err(format!(
                "{} holds no built site (pkg/{OUTPUT_NAME}.js is missing)",
                dir.display()
            ))
        };
    }
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Ok(dir) = std::env::var("LEPTOS_SITE_ROOT") {
        candidates.push(PathBuf::from(dir));
    }
    if let Some(bin_dir) = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
    {
        candidates.push(bin_dir.join("..").join("site"));
        candidates.push(bin_dir.join("site"));
    }
    if let Some(built) = option_env!("LEPTOS_SITE_ROOT") {
        candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join(built));
    }
    candidates
        .iter()
        .find(|dir| looks_built(dir))
        .map(|dir| dir.canonicalize().unwrap_or_else(|_| dir.clone()))
        .ok_or_else(|| {
            format!(
                "the built site was not found (looked in: {}). Build it with `make build`, or point PERSONA_SITE_DIR at it.",
                candidates.iter().map(|c| c.display().to_string()).collect::<Vec<_>>().join(", ")
            )
        })
}
