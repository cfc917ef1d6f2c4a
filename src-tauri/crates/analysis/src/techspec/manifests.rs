//! Dependencies from manifests, each read with a real parser where the format has one (TOML, JSON,
//! XML) and line by line where the format is lines (requirements.txt, go.mod, Gemfile, build.gradle,
//! Dockerfile).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Dependency {
    /// The manifest that names it.
    pub manifest: String,
    /// cargo, npm, pypi, go, maven, gradle, rubygems, composer or docker.
    pub ecosystem: String,
    pub name: String,
    /// The version or requirement as written (`^1.2`, `>=2,<3`, `v1.9.1`, an image tag).
    pub version: Option<String>,
    /// normal, dev, build, optional, peer, indirect, test, provided, image …
    pub kind: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ManifestKind {
    Cargo,
    PackageJson,
    Requirements,
    Pyproject,
    GoMod,
    Pom,
    Gradle,
    Gemfile,
    Composer,
    Dockerfile,
}

/// The manifest kind a path names, if any.
pub(crate) fn kind_of(path: &str) -> Option<ManifestKind> {
    let name = path.rsplit('/').next().unwrap_or(path);
    Some(match name {
        "Cargo.toml" => ManifestKind::Cargo,
        "package.json" => ManifestKind::PackageJson,
        "pyproject.toml" => ManifestKind::Pyproject,
        "go.mod" => ManifestKind::GoMod,
        "pom.xml" => ManifestKind::Pom,
        "build.gradle" | "build.gradle.kts" => ManifestKind::Gradle,
        "Gemfile" => ManifestKind::Gemfile,
        "composer.json" => ManifestKind::Composer,
        "Dockerfile" | "Containerfile" => ManifestKind::Dockerfile,
        n if n.starts_with("requirements") && n.ends_with(".txt") => ManifestKind::Requirements,
        n if n.starts_with("Dockerfile.") || n.ends_with(".Dockerfile") || n.ends_with(".dockerfile") => {
            ManifestKind::Dockerfile
        }
        _ => return None,
    })
}

/// The dependencies of one manifest, or why it could not be read.
pub(crate) fn parse(kind: ManifestKind, path: &str, data: &[u8]) -> Result<Vec<Dependency>, String> {
    let text = std::str::from_utf8(data).map_err(|e| format!("not UTF-8: {e}"))?;
    let mut out = Deps { path, list: Vec::new() };
    match kind {
        ManifestKind::Cargo => cargo(text, &mut out)?,
        ManifestKind::PackageJson => package_json(text, &mut out)?,
        ManifestKind::Requirements => requirements(text, &mut out),
        ManifestKind::Pyproject => pyproject(text, &mut out)?,
        ManifestKind::GoMod => go_mod(text, &mut out),
        ManifestKind::Pom => pom(text, &mut out)?,
        ManifestKind::Gradle => gradle(text, &mut out),
        ManifestKind::Gemfile => gemfile(text, &mut out),
        ManifestKind::Composer => composer(text, &mut out)?,
        ManifestKind::Dockerfile => dockerfile(text, &mut out),
    }
    Ok(out.list)
}

struct Deps<'a> {
    path: &'a str,
    list: Vec<Dependency>,
}

impl Deps<'_> {
    fn push(&mut self, ecosystem: &str, name: &str, version: Option<String>, kind: &str) {
        self.list.push(Dependency {
            manifest: self.path.to_string(),
            ecosystem: ecosystem.to_string(),
            name: name.to_string(),
            version: version.filter(|v| !v.is_empty()),
            kind: kind.to_string(),
        });
    }
}

fn cargo(text: &str, out: &mut Deps) -> Result<(), String> {
    let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| e.message().to_string())?;
    let mut tables: Vec<(&toml::Table, &str)> = Vec::new();
    for (key, kind) in [("dependencies", "normal"), ("dev-dependencies", "dev"), ("build-dependencies", "build")] {
        if let Some(t) = doc.get(key).and_then(|v| v.as_table()) {
            tables.push((t, kind));
        }
        // Platform-specific: [target.'cfg(unix)'.dependencies].
        for target in doc.get("target").and_then(|v| v.as_table()).into_iter().flat_map(|t| t.values()) {
            if let Some(t) = target.get(key).and_then(|v| v.as_table()) {
                tables.push((t, kind));
            }
        }
    }
    if let Some(t) = doc.get("workspace").and_then(|w| w.get("dependencies")).and_then(|v| v.as_table()) {
        tables.push((t, "workspace"));
    }
    for (table, kind) in tables {
        for (name, spec) in table {
            let (version, optional) = match spec {
                toml::Value::String(v) => (Some(v.clone()), false),
                toml::Value::Table(t) => {
                    let version = t.get("version").and_then(|v| v.as_str()).map(str::to_string).or_else(|| {
                        t.get("workspace").and_then(|v| v.as_bool()).filter(|w| *w).map(|_| "workspace".to_string())
                    });
                    (version, t.get("optional").and_then(|v| v.as_bool()).unwrap_or(false))
                }
                _ => (None, false),
            };
            // `package = "real-name"` renames a dependency; the real crate is what matters.
            let real = spec.get("package").and_then(|v| v.as_str()).unwrap_or(name);
            out.push("cargo", real, version, if optional { "optional" } else { kind });
        }
    }
    Ok(())
}

fn json_deps(
    doc: &serde_json::Value,
    ecosystem: &str,
    sections: &[(&str, &str)],
    out: &mut Deps,
    skip: fn(&str) -> bool,
) {
    for (section, kind) in sections {
        if let Some(map) = doc.get(section).and_then(|v| v.as_object()) {
            for (name, version) in map {
                if !skip(name) {
                    out.push(ecosystem, name, version.as_str().map(str::to_string), kind);
                }
            }
        }
    }
}

fn package_json(text: &str, out: &mut Deps) -> Result<(), String> {
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let sections = [
        ("dependencies", "normal"),
        ("devDependencies", "dev"),
        ("peerDependencies", "peer"),
        ("optionalDependencies", "optional"),
    ];
    json_deps(&doc, "npm", &sections, out, |_| false);
    Ok(())
}

fn composer(text: &str, out: &mut Deps) -> Result<(), String> {
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    // `php` and `ext-*` are platform requirements, not packages.
    json_deps(&doc, "composer", &[("require", "normal"), ("require-dev", "dev")], out, |n| {
        n == "php" || n.starts_with("ext-") || n.starts_with("lib-")
    });
    Ok(())
}

/// A PEP 508 requirement (`name[extra]>=1.0; marker`) as name and version specifier.
fn pep508(line: &str) -> Option<(String, Option<String>)> {
    let line = line.split(';').next()?.trim();
    let end =
        line.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')).unwrap_or(line.len());
    let name = &line[..end];
    if name.is_empty() {
        return None;
    }
    let rest = line[end..].trim();
    // Skip extras in brackets; what is left is the version specifier (or a URL after `@`).
    let rest = match rest.strip_prefix('[') {
        Some(r) => r.split_once(']').map(|(_, v)| v.trim()).unwrap_or(""),
        None => rest,
    };
    Some((name.to_string(), Some(rest.trim_start_matches('@').trim().to_string())))
}

fn requirements(text: &str, out: &mut Deps) {
    for line in text.lines() {
        let line = line.split(" #").next().unwrap_or_default().trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('-') {
            continue;
        }
        if let Some((name, version)) = pep508(line) {
            out.push("pypi", &name, version, "normal");
        }
    }
}

fn pyproject(text: &str, out: &mut Deps) -> Result<(), String> {
    let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| e.message().to_string())?;
    let project = doc.get("project");
    let list = |v: Option<&toml::Value>| -> Vec<String> {
        v.and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    };
    for req in list(project.and_then(|p| p.get("dependencies"))) {
        if let Some((name, version)) = pep508(&req) {
            out.push("pypi", &name, version, "normal");
        }
    }
    if let Some(groups) = project.and_then(|p| p.get("optional-dependencies")).and_then(|v| v.as_table()) {
        for reqs in groups.values() {
            for req in list(Some(reqs)) {
                if let Some((name, version)) = pep508(&req) {
                    out.push("pypi", &name, version, "optional");
                }
            }
        }
    }
    // Poetry keeps its own tables: name = "^1.2" or name = { version = "^1.2" }.
    let poetry = doc.get("tool").and_then(|t| t.get("poetry"));
    let mut poetry_tables: Vec<(&toml::Table, &str)> = Vec::new();
    if let Some(t) = poetry.and_then(|p| p.get("dependencies")).and_then(|v| v.as_table()) {
        poetry_tables.push((t, "normal"));
    }
    if let Some(t) = poetry.and_then(|p| p.get("dev-dependencies")).and_then(|v| v.as_table()) {
        poetry_tables.push((t, "dev"));
    }
    for group in poetry.and_then(|p| p.get("group")).and_then(|v| v.as_table()).into_iter().flat_map(|g| g.values()) {
        if let Some(t) = group.get("dependencies").and_then(|v| v.as_table()) {
            poetry_tables.push((t, "dev"));
        }
    }
    for (table, kind) in poetry_tables {
        for (name, spec) in table {
            if name == "python" {
                continue;
            }
            let version = match spec {
                toml::Value::String(v) => Some(v.clone()),
                other => other.get("version").and_then(|v| v.as_str()).map(str::to_string),
            };
            out.push("pypi", name, version, kind);
        }
    }
    Ok(())
}

fn go_mod(text: &str, out: &mut Deps) {
    let mut in_block = false;
    for line in text.lines() {
        let (code, comment) = match line.split_once("//") {
            Some((code, comment)) => (code.trim(), comment.trim()),
            None => (line.trim(), ""),
        };
        let kind = if comment == "indirect" { "indirect" } else { "normal" };
        let spec = if in_block {
            if code == ")" {
                in_block = false;
                continue;
            }
            code
        } else if let Some(rest) = code.strip_prefix("require") {
            let rest = rest.trim();
            if rest == "(" {
                in_block = true;
                continue;
            }
            rest
        } else {
            continue;
        };
        let mut words = spec.split_whitespace();
        if let (Some(name), version) = (words.next(), words.next()) {
            out.push("go", name, version.map(str::to_string), kind);
        }
    }
}

fn pom(text: &str, out: &mut Deps) -> Result<(), String> {
    let doc = roxmltree::Document::parse(text).map_err(|e| e.to_string())?;
    let child_text = |node: roxmltree::Node, name: &str| -> Option<String> {
        node.children().find(|c| c.tag_name().name() == name).and_then(|c| c.text()).map(|t| t.trim().to_string())
    };
    let root = doc.root_element();
    if let Some(parent) = root.children().find(|c| c.tag_name().name() == "parent") {
        if let (Some(group), Some(artifact)) = (child_text(parent, "groupId"), child_text(parent, "artifactId")) {
            out.push("maven", &format!("{group}:{artifact}"), child_text(parent, "version"), "parent");
        }
    }
    for dep in root.descendants().filter(|n| n.tag_name().name() == "dependency") {
        // Only <project><dependencies> and <dependencyManagement>, not plugins' own dependencies.
        let in_plugin = dep.ancestors().any(|a| a.tag_name().name() == "plugin");
        if in_plugin {
            continue;
        }
        let (Some(group), Some(artifact)) = (child_text(dep, "groupId"), child_text(dep, "artifactId")) else {
            continue;
        };
        let managed = dep.ancestors().any(|a| a.tag_name().name() == "dependencyManagement");
        let scope = child_text(dep, "scope").unwrap_or_else(|| "compile".into());
        let kind = if managed { "managed".to_string() } else { scope };
        out.push("maven", &format!("{group}:{artifact}"), child_text(dep, "version"), &kind);
    }
    Ok(())
}

/// `implementation 'g:a:v'`, `testImplementation("g:a:v")` and the like; a simple line parse.
fn gradle(text: &str, out: &mut Deps) {
    const CONFIGS: &[(&str, &str)] = &[
        ("implementation", "normal"),
        ("api", "normal"),
        ("compile", "normal"),
        ("compileOnly", "provided"),
        ("runtimeOnly", "runtime"),
        ("annotationProcessor", "build"),
        ("kapt", "build"),
        ("testImplementation", "test"),
        ("testRuntimeOnly", "test"),
        ("testCompileOnly", "test"),
        ("androidTestImplementation", "test"),
    ];
    for line in text.lines() {
        let line = line.trim();
        let Some((config, kind)) = CONFIGS
            .iter()
            .find(|(c, _)| line.strip_prefix(c).is_some_and(|rest| rest.starts_with(' ') || rest.starts_with('(')))
        else {
            continue;
        };
        let rest = line[config.len()..].trim_start_matches([' ', '(']);
        let Some(quote) = rest.chars().next().filter(|c| *c == '\'' || *c == '"') else { continue };
        let Some(coords) = rest[1..].split(quote).next() else { continue };
        let mut parts = coords.split(':');
        if let (Some(group), Some(artifact)) = (parts.next(), parts.next()) {
            out.push("gradle", &format!("{group}:{artifact}"), parts.next().map(str::to_string), kind);
        }
    }
}

fn gemfile(text: &str, out: &mut Deps) {
    let mut group = "normal";
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("group") {
            group = if line.contains(":test") || line.contains(":development") { "dev" } else { "normal" };
            continue;
        }
        if line == "end" {
            group = "normal";
            continue;
        }
        let Some(rest) = line.strip_prefix("gem ") else { continue };
        let quoted: Vec<&str> = rest.split(['\'', '"']).skip(1).step_by(2).collect();
        if let Some(name) = quoted.first() {
            let version = quoted.get(1).filter(|v| v.chars().next().is_some_and(|c| "~<>=!0123456789".contains(c)));
            out.push("rubygems", name, version.map(|v| v.to_string()), group);
        }
    }
}

fn dockerfile(text: &str, out: &mut Deps) {
    let mut stages: Vec<String> = Vec::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        if !words.next().is_some_and(|w| w.eq_ignore_ascii_case("FROM")) {
            continue;
        }
        let Some(image) = words.find(|w| !w.starts_with("--")) else { continue };
        if let (Some(as_), Some(stage)) = (words.next(), words.next()) {
            if as_.eq_ignore_ascii_case("AS") {
                stages.push(stage.to_lowercase());
            }
        }
        // A later stage built FROM an earlier one is not an image to pull.
        if stages.iter().any(|s| s == &image.to_lowercase()) || image.eq_ignore_ascii_case("scratch") {
            continue;
        }
        let (name, version) = match image.rsplit_once(':').filter(|(_, tag)| !tag.contains('/')) {
            Some((name, tag)) => (name, Some(tag.to_string())),
            None => (image, None),
        };
        out.push("docker", name, version, "image");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(kind: ManifestKind, text: &str) -> Vec<(String, Option<String>, String)> {
        parse(kind, "x", text.as_bytes()).unwrap().into_iter().map(|d| (d.name, d.version, d.kind)).collect()
    }

    fn dep(name: &str, version: Option<&str>, kind: &str) -> (String, Option<String>, String) {
        (name.to_string(), version.map(str::to_string), kind.to_string())
    }

    #[test]
    fn cargo_and_pyproject() {
        let text = "[dependencies]\nserde = { version = \"1\", features = [\"derive\"] }\ntokio = \"1\"\n\
                    [dev-dependencies]\ntempfile = { workspace = true }\n\
                    [target.'cfg(unix)'.dependencies]\nlibc = { version = \"0.2\", optional = true }\n";
        assert_eq!(
            names(ManifestKind::Cargo, text),
            vec![
                dep("serde", Some("1"), "normal"),
                dep("tokio", Some("1"), "normal"),
                dep("libc", Some("0.2"), "optional"),
                dep("tempfile", Some("workspace"), "dev")
            ]
        );
        let py =
            "[project]\ndependencies = [\"fastapi>=0.110\", \"uvicorn[standard] ==0.29 ; python_version>'3.8'\"]\n\
                  [tool.poetry.dependencies]\npython = \"^3.11\"\ndjango = \"^5.0\"\n";
        assert_eq!(
            names(ManifestKind::Pyproject, py),
            vec![
                dep("fastapi", Some(">=0.110"), "normal"),
                dep("uvicorn", Some("==0.29"), "normal"),
                dep("django", Some("^5.0"), "normal")
            ]
        );
        assert!(parse(ManifestKind::Cargo, "x", b"[dependencies\n").is_err());
    }

    #[test]
    fn line_formats() {
        assert_eq!(
            names(ManifestKind::Requirements, "# c\nfastapi==0.110.0\n-r other.txt\nrequests  # http\n"),
            vec![dep("fastapi", Some("==0.110.0"), "normal"), dep("requests", None, "normal")]
        );
        let gomod = "module x\n\nrequire github.com/a/b v1.0.0\nrequire (\n\tgithub.com/c/d v0.2.0 // indirect\n)\n";
        assert_eq!(
            names(ManifestKind::GoMod, gomod),
            vec![dep("github.com/a/b", Some("v1.0.0"), "normal"), dep("github.com/c/d", Some("v0.2.0"), "indirect")]
        );
        let gradle = "dependencies {\n  implementation 'org.springframework.boot:spring-boot-starter-web:3.2.0'\n  testImplementation(\"junit:junit:4.13\")\n}\n";
        assert_eq!(
            names(ManifestKind::Gradle, gradle),
            vec![
                dep("org.springframework.boot:spring-boot-starter-web", Some("3.2.0"), "normal"),
                dep("junit:junit", Some("4.13"), "test")
            ]
        );
        let gems = "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\ngroup :test do\n  gem \"rspec\"\nend\n";
        assert_eq!(
            names(ManifestKind::Gemfile, gems),
            vec![dep("rails", Some("~> 7.1"), "normal"), dep("rspec", None, "dev")]
        );
        let docker = "FROM --platform=linux/amd64 rust:1.80 AS build\nRUN cargo build\nFROM build AS test\nFROM gcr.io/distroless/cc\n";
        assert_eq!(
            names(ManifestKind::Dockerfile, docker),
            vec![dep("rust", Some("1.80"), "image"), dep("gcr.io/distroless/cc", None, "image")]
        );
    }

    #[test]
    fn json_and_xml() {
        let pkg = r#"{"dependencies": {"react": "^18.2.0"}, "devDependencies": {"vite": "^5"}}"#;
        assert_eq!(
            names(ManifestKind::PackageJson, pkg),
            vec![dep("react", Some("^18.2.0"), "normal"), dep("vite", Some("^5"), "dev")]
        );
        let composer = r#"{"require": {"php": ">=8.1", "laravel/framework": "^10.0"}}"#;
        assert_eq!(names(ManifestKind::Composer, composer), vec![dep("laravel/framework", Some("^10.0"), "normal")]);
        let pom = "<project><parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>3.2.0</version></parent>\
                   <dependencies><dependency><groupId>junit</groupId><artifactId>junit</artifactId><version>4.13</version><scope>test</scope></dependency></dependencies>\
                   <build><plugins><plugin><dependencies><dependency><groupId>x</groupId><artifactId>y</artifactId></dependency></dependencies></plugin></plugins></build></project>";
        assert_eq!(
            names(ManifestKind::Pom, pom),
            vec![
                dep("org.springframework.boot:spring-boot-starter-parent", Some("3.2.0"), "parent"),
                dep("junit:junit", Some("4.13"), "test")
            ]
        );
        assert!(parse(ManifestKind::PackageJson, "x", b"{").is_err());
        assert!(parse(ManifestKind::Pom, "x", b"<project>").is_err());
    }
}
