use super::*;

fn defs(lang: Lang, source: &str) -> Vec<(DefinitionKind, String, u32, u32, u32)> {
    let file = parse_file(lang, "x", source.as_bytes()).unwrap();
    assert!(!file.has_errors, "{source}");
    file.definitions.into_iter().map(|d| (d.kind, d.name.clone(), d.lines(), d.level, d.depth)).collect()
}

use DefinitionKind::*;

fn d(kind: DefinitionKind, name: &str, lines: u32, level: u32, depth: u32) -> (DefinitionKind, String, u32, u32, u32) {
    (kind, name.to_string(), lines, level, depth)
}

#[test]
fn rust_functions_methods_and_types() {
    let src = "struct S;\nimpl S {\n    fn m(&self) {\n        if true {\n            for _ in 0..1 {}\n        }\n    }\n}\n\
               trait T { fn t(&self); }\nfn free() { match 1 { _ => {} } }\nenum E { A }\n";
    assert_eq!(
        defs(Lang::Rust, src),
        vec![
            d(Struct, "S", 1, 0, 0),
            d(Method, "m", 5, 0, 2),
            d(Interface, "T", 1, 0, 0),
            d(Method, "t", 1, 1, 0),
            d(Function, "free", 1, 0, 1),
            d(Enum, "E", 1, 0, 0),
        ]
    );
}

#[test]
fn python_classes_and_methods() {
    let src = "class A:\n    def m(self):\n        while x:\n            if y:\n                pass\n\ndef f():\n    return 1\n";
    assert_eq!(
        defs(Lang::Python, src),
        vec![d(Class, "A", 5, 0, 0), d(Method, "m", 4, 1, 2), d(Function, "f", 2, 0, 0)]
    );
}

#[test]
fn javascript_and_typescript() {
    let js = "class A { m() { if (a) { return 1; } } }\nconst f = () => 1;\nfunction g() {}\n";
    assert_eq!(
        defs(Lang::JavaScript, js),
        vec![d(Class, "A", 1, 0, 0), d(Method, "m", 1, 1, 1), d(Function, "f", 1, 0, 0), d(Function, "g", 1, 0, 0)]
    );
    let ts =
        "interface I { x: number }\nexport class C implements I { x = 1; run(): void { for (;;) {} } }\nenum E { A }\n";
    assert_eq!(
        defs(Lang::TypeScript, ts),
        vec![d(Interface, "I", 1, 0, 0), d(Class, "C", 1, 0, 0), d(Method, "run", 1, 1, 1), d(Enum, "E", 1, 0, 0)]
    );
    let tsx = "export function App(): JSX.Element { return <div>{items.map(i => <p>{i}</p>)}</div>; }\n";
    assert_eq!(defs(Lang::Tsx, tsx), vec![d(Function, "App", 1, 0, 0), d(Function, "(anonymous)", 1, 1, 0)]);
}

#[test]
fn go_and_java() {
    let go = "package p\ntype S struct{}\ntype I interface{ M() }\nfunc (s S) M() {\n\tfor {\n\t\tif true {}\n\t}\n}\nfunc F() {}\n";
    assert_eq!(
        defs(Lang::Go, go),
        vec![d(Struct, "S", 1, 0, 0), d(Interface, "I", 1, 0, 0), d(Method, "M", 5, 0, 2), d(Function, "F", 1, 0, 0)]
    );
    let java =
        "class A {\n  A() {}\n  int m() { try { if (x) { return 1; } } finally {} return 0; }\n  interface J {}\n}\n";
    assert_eq!(
        defs(Lang::Java, java),
        vec![d(Class, "A", 5, 0, 0), d(Method, "A", 1, 1, 0), d(Method, "m", 1, 1, 2), d(Interface, "J", 1, 1, 0)]
    );
}

#[test]
fn broken_and_huge_files_are_named_not_fatal() {
    let broken = parse_file(Lang::Python, "bad.py", b"def f(:\n    pass\n").unwrap();
    assert!(broken.has_errors);
    assert_eq!(broken.first_error_line, Some(1));
    let huge = vec![b'x'; MAX_PARSE_BYTES + 1];
    assert!(parse_file(Lang::Rust, "big.rs", &huge).is_err());
    let report =
        summarise("abc".into(), vec![("bad.py".into(), Ok(broken)), ("big.rs".into(), Err("too large".into()))], 10);
    assert_eq!(report.parse_failures, 2);
    assert_eq!(report.files_parsed, 1);
    assert_eq!(report.failures[1].path, "big.rs");
}
