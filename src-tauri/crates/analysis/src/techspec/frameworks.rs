//! Frameworks: well-known dependencies named as the framework they stand for.

use std::collections::BTreeSet;

use super::manifests::Dependency;
use super::Framework;

/// (ecosystem, dependency name or prefix ending in `*`, framework).
const KNOWN: &[(&str, &str, &str)] = &[
    ("npm", "react", "React"),
    ("npm", "vue", "Vue"),
    ("npm", "@angular/core", "Angular"),
    ("npm", "svelte", "Svelte"),
    ("npm", "next", "Next.js"),
    ("npm", "nuxt", "Nuxt"),
    ("npm", "express", "Express"),
    ("npm", "@nestjs/core", "NestJS"),
    ("npm", "vite", "Vite"),
    ("npm", "webpack", "webpack"),
    ("npm", "electron", "Electron"),
    ("npm", "@tauri-apps/api", "Tauri"),
    ("npm", "jest", "Jest"),
    ("npm", "vitest", "Vitest"),
    ("pypi", "django", "Django"),
    ("pypi", "flask", "Flask"),
    ("pypi", "fastapi", "FastAPI"),
    ("pypi", "sqlalchemy", "SQLAlchemy"),
    ("pypi", "pytest", "pytest"),
    ("pypi", "numpy", "NumPy"),
    ("pypi", "pandas", "pandas"),
    ("pypi", "torch", "PyTorch"),
    ("pypi", "tensorflow", "TensorFlow"),
    ("cargo", "tokio", "Tokio"),
    ("cargo", "actix-web", "Actix Web"),
    ("cargo", "axum", "Axum"),
    ("cargo", "rocket", "Rocket"),
    ("cargo", "tauri", "Tauri"),
    ("cargo", "sqlx", "SQLx"),
    ("cargo", "diesel", "Diesel"),
    ("cargo", "bevy", "Bevy"),
    ("go", "github.com/gin-gonic/gin", "Gin"),
    ("go", "github.com/labstack/echo*", "Echo"),
    ("go", "github.com/gofiber/fiber*", "Fiber"),
    ("go", "gorm.io/gorm", "GORM"),
    ("maven", "org.springframework.boot:*", "Spring Boot"),
    ("maven", "org.springframework:*", "Spring"),
    ("maven", "io.quarkus:*", "Quarkus"),
    ("maven", "junit:junit", "JUnit"),
    ("maven", "org.junit.jupiter:*", "JUnit"),
    ("gradle", "org.springframework.boot:*", "Spring Boot"),
    ("gradle", "io.quarkus:*", "Quarkus"),
    ("gradle", "androidx.*", "Android Jetpack"),
    ("rubygems", "rails", "Ruby on Rails"),
    ("rubygems", "sinatra", "Sinatra"),
    ("rubygems", "rspec", "RSpec"),
    ("composer", "laravel/framework", "Laravel"),
    ("composer", "symfony/*", "Symfony"),
];

fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern.eq_ignore_ascii_case(name),
    }
}

pub(crate) fn detect(dependencies: &[Dependency]) -> Vec<Framework> {
    let mut found = BTreeSet::new();
    for dep in dependencies {
        for (ecosystem, pattern, framework) in KNOWN {
            let ecosystem_matches = *ecosystem == dep.ecosystem || (*ecosystem == "maven" && dep.ecosystem == "gradle");
            if ecosystem_matches && matches(pattern, &dep.name) {
                found.insert((framework.to_string(), dep.ecosystem.clone(), dep.manifest.clone()));
                break;
            }
        }
    }
    found.into_iter().map(|(name, ecosystem, manifest)| Framework { name, ecosystem, manifest }).collect()
}
