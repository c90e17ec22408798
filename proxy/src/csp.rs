//! Content-Security-Policy for the UI document: `'self'` plus SHA-256 hashes of the inline
//! `<script>` and `<style>` blocks that Trunk writes into index.html.

use base64::Engine;
use sha2::{Digest, Sha256};
use std::path::Path;

/// CSP for the UI. Trunk injects an inline module script that boots the wasm; its hash (and
/// those of any inline styles) replace the placeholders.
pub const UI_CSP_BASE: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{HASHES}; \
     style-src 'self'{STYLE_HASHES}; img-src 'self' data:; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The CSP for the UI in `dir`: from its `index.html`, or without hashes if it has none.
pub fn policy_for_static_dir(dir: &Path) -> anyhow::Result<String> {
    let index = dir.join("index.html");
    match std::fs::read_to_string(&index) {
        Ok(html) => Ok(policy_for_html(&html)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(policy_for_html("")),
        Err(error) => Err(anyhow::anyhow!("cannot read {}: {error}", index.display())),
    }
}

/// The CSP for one HTML document.
pub fn policy_for_html(html: &str) -> String {
    let scripts = hashes(&inline_blocks(html, "script"));
    let styles = hashes(&inline_blocks(html, "style"));
    UI_CSP_BASE
        .replace("{HASHES}", &scripts)
        .replace("{STYLE_HASHES}", &styles)
}

fn hashes(blocks: &[&str]) -> String {
    let mut out = String::new();
    for block in blocks {
        let digest = Sha256::digest(block.as_bytes());
        out.push_str(" 'sha256-");
        out.push_str(&base64::engine::general_purpose::STANDARD.encode(digest));
        out.push('\'');
    }
    out
}

/// Contents of `<tag ...>...</tag>` blocks that have no `src` attribute.
pub fn inline_blocks<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{tag}");
    let close = format!("</{tag}");
    let mut blocks = Vec::new();
    let mut pos = 0;
    while let Some(start) = lower[pos..].find(&open).map(|i| i + pos) {
        let after_name = start + open.len();
        // Must be the tag itself, not e.g. <scripts>.
        if !lower[after_name..].starts_with(['>', ' ', '\t', '\n', '\r', '/']) {
            pos = after_name;
            continue;
        }
        let Some(tag_end) = lower[after_name..].find('>').map(|i| i + after_name) else {
            break;
        };
        let attributes = &lower[after_name..tag_end];
        let Some(body_end) = lower[tag_end + 1..].find(&close).map(|i| i + tag_end + 1) else {
            break;
        };
        if !has_attribute(attributes, "src") {
            blocks.push(&html[tag_end + 1..body_end]);
        }
        pos = body_end + close.len();
    }
    blocks
}

fn has_attribute(attributes: &str, name: &str) -> bool {
    attributes
        .split(|c: char| c.is_ascii_whitespace())
        .any(|a| a == name || a.starts_with(&format!("{name}=")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRUNK_LIKE: &str = r#"<!DOCTYPE html><html><head>
<link rel="modulepreload" href="/undelete-abc.js" crossorigin="anonymous" integrity="sha384-x">
<link rel="stylesheet" href="/style-abc.css" integrity="sha384-y">
<script type="module">
import init, * as bindings from '/undelete-abc.js';
const wasm = await init({ module_or_path: '/undelete-abc_bg.wasm' });
window.wasmBindings = bindings;
</script>
<script src="/extra.js"></script>
<style>body{margin:0}</style>
</head><body></body></html>"#;

    #[test]
    fn finds_inline_blocks_only() {
        let scripts = inline_blocks(TRUNK_LIKE, "script");
        assert_eq!(scripts.len(), 1);
        assert!(scripts[0].contains("import init"));
        assert_eq!(inline_blocks(TRUNK_LIKE, "style"), ["body{margin:0}"]);
        assert!(inline_blocks("<p>no scripts</p>", "script").is_empty());
    }

    #[test]
    fn policy_contains_hashes_and_the_fixed_directives() {
        let csp = policy_for_html(TRUNK_LIKE);
        let expected = format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(
                inline_blocks(TRUNK_LIKE, "script")[0].as_bytes()
            ))
        );
        assert!(
            csp.contains(&format!("script-src 'self' 'wasm-unsafe-eval' {expected}")),
            "{csp}"
        );
        assert!(csp.contains("style-src 'self' 'sha256-"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(csp.contains("connect-src 'self'"));
        let plain = policy_for_html("<html></html>");
        assert!(
            plain.contains("script-src 'self' 'wasm-unsafe-eval';"),
            "{plain}"
        );
        assert!(plain.contains("style-src 'self';"), "{plain}");
    }

    #[test]
    fn the_static_dir_policy_comes_from_its_index_html() {
        let dir = std::env::temp_dir().join(format!("undelete-csp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(
            policy_for_static_dir(&dir).unwrap(),
            policy_for_html(""),
            "no index.html: no hashes"
        );
        std::fs::write(dir.join("index.html"), TRUNK_LIKE).unwrap();
        assert_eq!(
            policy_for_static_dir(&dir).unwrap(),
            policy_for_html(TRUNK_LIKE)
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
