//! Tech spec and code structure of a repository built by git commands: every manifest kind, a
//! broken manifest, sources in each supported language, a binary file.

use repovault_analysis::{structure_of_folder, techspec_of_folder};
use repovault_testkit::{commit_files, git, init_repo};

const FILES: &[(&str, &str)] = &[
    ("Cargo.toml", "[package]\nname = \"demo\"\n\n[dependencies]\naxum = \"0.7\"\ntokio = { version = \"1\", features = [\"full\"] }\n\n[dev-dependencies]\ntempfile = \"3\"\n"),
    ("web/package.json", r#"{"dependencies": {"react": "^18.2.0"}, "devDependencies": {"vite": "^5.0.0"}}"#),
    ("py/requirements.txt", "fastapi==0.110.0\n# comment\nsqlalchemy>=2\n"),
    ("py/pyproject.toml", "[project]\nname = \"x\"\ndependencies = [\"django>=5\"]\n"),
    ("go/go.mod", "module example.com/demo\n\ngo 1.22\n\nrequire github.com/gin-gonic/gin v1.9.1\n"),
    ("java/pom.xml", "<project><dependencies><dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId><version>3.2.0</version></dependency></dependencies></project>"),
    ("android/build.gradle", "dependencies {\n    implementation 'androidx.core:core-ktx:1.12.0'\n}\n"),
    ("ruby/Gemfile", "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\n"),
    ("php/composer.json", r#"{"require": {"php": ">=8.1", "laravel/framework": "^10.0"}}"#),
    ("Dockerfile", "FROM rust:1.80 AS build\nRUN cargo build\nFROM debian:bookworm-slim\n"),
    ("broken/Cargo.toml", "[dependencies\nserde = 1\n"),
    ("broken/package.json", "{\"dependencies\": "),
    ("src/main.rs", "// entry\nstruct App;\n\nimpl App {\n    fn run(&self) {\n        if true {\n            loop {\n                break;\n            }\n        }\n    }\n}\n\nfn main() {\n    App.run();\n}\n"),
    ("py/app.py", "class Service:\n    def handle(self, x):\n        for i in x:\n            if i:\n                return i\n\n\ndef main():\n    pass\n"),
    ("web/app.ts", "export interface Props { n: number }\nexport class Widget {\n  render(): string { return ''; }\n}\nexport const helper = (x: number) => x + 1;\n"),
    ("web/view.jsx", "export function View() { return <div />; }\n"),
    ("go/main.go", "package main\n\ntype Server struct{}\n\nfunc (s *Server) Start() {}\n\nfunc main() {\n\tfor {\n\t\tbreak\n\t}\n}\n"),
    ("java/App.java", "public class App {\n  public static void main(String[] args) {\n    if (args.length > 0) { System.out.println(args[0]); }\n  }\n}\n"),
    ("py/broken.py", "def broken(:\n    pass\n"),
    ("bin/tool", "#!/usr/bin/env python3\nprint('hi')\n"),
];

#[test]
fn techspec_and_structure_of_a_tree() {
    let dir = tempfile::tempdir().unwrap();
    let repo = init_repo(dir.path(), "spec");
    commit_files(&repo, FILES, ("Ann", "ann@example.com"), "2024-01-01T10:00:00+00:00", "all");
    std::fs::write(repo.join("logo.png"), b"\x89PNG\r\n\x1a\n\0\0\0binary").unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "binary"]);
    // A later change in the work tree is not committed: the revision is what is read.
    std::fs::write(repo.join("src/extra.rs"), "fn extra() {}\n").unwrap();

    let spec = techspec_of_folder(&repo, "HEAD").unwrap();
    assert_eq!(spec.revision, git(&repo, &["rev-parse", "HEAD"]).trim());
    assert_eq!(spec.files, FILES.len() as i64 + 1);
    assert_eq!(spec.binary_files, 1);
    let lang = |name: &str| {
        spec.languages.iter().find(|l| l.language == name).unwrap_or_else(|| panic!("{name}: {:?}", spec.languages))
    };
    assert_eq!(lang("Rust").files, 1);
    assert_eq!((lang("Rust").code, lang("Rust").comments, lang("Rust").blanks), (13, 1, 2));
    assert_eq!(lang("Python").files, 3, "app.py, broken.py and the python3 script");
    assert_eq!(lang("TOML").files, 3);

    let mut deps: Vec<(String, String, String)> =
        spec.dependencies.iter().map(|d| (d.ecosystem.clone(), d.name.clone(), d.kind.clone())).collect();
    deps.sort();
    let expected: Vec<(&str, &str, &str)> = vec![
        ("cargo", "axum", "normal"),
        ("cargo", "tempfile", "dev"),
        ("cargo", "tokio", "normal"),
        ("composer", "laravel/framework", "normal"),
        ("docker", "debian", "image"),
        ("docker", "rust", "image"),
        ("go", "github.com/gin-gonic/gin", "normal"),
        ("gradle", "androidx.core:core-ktx", "normal"),
        ("maven", "org.springframework.boot:spring-boot-starter-web", "compile"),
        ("npm", "react", "normal"),
        ("npm", "vite", "dev"),
        ("pypi", "django", "normal"),
        ("pypi", "fastapi", "normal"),
        ("pypi", "sqlalchemy", "normal"),
        ("rubygems", "rails", "normal"),
    ];
    let expected: Vec<(String, String, String)> =
        expected.into_iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect();
    assert_eq!(deps, expected);
    let frameworks: Vec<&str> = spec.frameworks.iter().map(|f| f.name.as_str()).collect();
    for name in ["Axum", "React", "Django", "FastAPI", "Gin", "Spring Boot", "Ruby on Rails", "Laravel", "Tokio"] {
        assert!(frameworks.contains(&name), "{name} in {frameworks:?}");
    }
    let failed: Vec<&str> = spec.failures.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(failed, vec!["broken/Cargo.toml", "broken/package.json"]);
    assert_eq!(spec.parse_failures, 2);
    assert_eq!(spec.manifests.len(), 10);

    let structure = structure_of_folder(&repo, "HEAD", 10).unwrap();
    assert_eq!(structure.files_parsed, 7);
    let file = |p: &str| structure.files.iter().find(|f| f.path == p).unwrap();
    let rs = file("src/main.rs");
    assert_eq!((rs.functions, rs.methods, rs.types, rs.max_depth), (1, 1, 1, 2));
    let run = rs.definitions.iter().find(|d| d.name == "run").unwrap();
    assert_eq!((run.start_line, run.end_line, run.level), (5, 11, 0));
    let py = file("py/app.py");
    assert_eq!((py.functions, py.methods, py.types, py.max_depth), (1, 1, 1, 2));
    let ts = file("web/app.ts");
    assert_eq!((ts.functions, ts.methods, ts.types), (1, 1, 2));
    let go = file("go/main.go");
    assert_eq!((go.functions, go.methods, go.types, go.max_depth), (1, 1, 1, 1));
    let java = file("java/App.java");
    assert_eq!((java.methods, java.types, java.max_depth), (1, 1, 1));
    assert_eq!(file("web/view.jsx").functions, 1);
    assert_eq!(structure.most_nested_functions[0].depth, 2);
    assert_eq!(structure.largest_functions[0].name, "run");
    let failed: Vec<&str> = structure.failures.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(failed, vec!["py/broken.py"]);
    let python = structure.languages.iter().find(|l| l.language == "Python").unwrap();
    assert_eq!(python.files, 2);

    // A revision that does not exist is a validation error naming it.
    let err = techspec_of_folder(&repo, "nope").unwrap_err();
    assert_eq!(err.code(), "validation");
    assert!(err.to_string().contains("nope"));
    assert_eq!(structure_of_folder(&dir.path().join("missing"), "HEAD", 10).unwrap_err().code(), "git");
}
