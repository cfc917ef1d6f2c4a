//! The UI's command table, generated from the commands themselves: every `#[tauri::command]` fn in
//! this folder is read with `syn`, and `ui/src/bindings/commands.ts` gets one `Commands` entry per
//! command (argument names in camelCase as Tauri expects them, argument and result types mapped to
//! the ts-rs bindings). A test writes the file, like the bindings, and the test script fails when
//! the committed file differs; the same test checks that `generate_handler!` lists exactly the
//! commands there are. So a command is written once: its fn.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use syn::{FnArg, GenericArgument, Item, PathArguments, ReturnType, Type};

/// One command as the UI sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandSpec {
    pub name: String,
    pub doc: Vec<String>,
    /// (camelCase name, TypeScript type)
    pub args: Vec<(String, String)>,
    pub result: String,
}

/// Generic types of ours that ts-rs exports with their type parameters.
const GENERIC_BINDINGS: &[&str] = &["Progress"];

/// Arguments Tauri fills in itself; the UI never passes them.
const INJECTED: &[&str] = &["State", "AppHandle", "Window", "WebviewWindow", "Webview"];

fn camel_case(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn generic_args(args: &PathArguments) -> Vec<&Type> {
    match args {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A Rust type of a command's argument or result as TypeScript; `used` collects the binding names.
pub fn ts_type(ty: &Type, used: &mut BTreeSet<String>) -> Result<String, String> {
    match ty {
        Type::Reference(r) => ts_type(&r.elem, used),
        Type::Tuple(t) if t.elems.is_empty() => Ok("null".into()),
        Type::Path(p) => {
            let last = p.path.segments.last().ok_or("empty type path")?;
            let name = last.ident.to_string();
            let inner = generic_args(&last.arguments);
            let one = |used: &mut BTreeSet<String>| -> Result<String, String> {
                ts_type(inner.first().ok_or(format!("{name} without a type argument"))?, used)
            };
            Ok(match name.as_str() {
                "String" | "str" | "PathBuf" => "string".into(),
                "bool" => "boolean".into(),
                "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize" | "f32" | "f64" => {
                    "number".into()
                }
                "Option" => format!("{} | null", one(used)?),
                "Vec" => {
                    let item = one(used)?;
                    if item.contains(' ') {
                        format!("({item})[]")
                    } else {
                        format!("{item}[]")
                    }
                }
                "Channel" => {
                    used.insert("Channel".into());
                    format!("Channel<{}>", one(used)?)
                }
                "Result" | "CommandResult" => one(used)?,
                _ if inner.is_empty() => {
                    used.insert(name.clone());
                    name
                }
                // A generic type of our own (ts-rs exports it with its parameter, e.g. `Progress<P>`).
                _ if GENERIC_BINDINGS.contains(&name.as_str()) => {
                    used.insert(name.clone());
                    let args = inner.iter().map(|t| ts_type(t, used)).collect::<Result<Vec<_>, _>>()?;
                    format!("{name}<{}>", args.join(", "))
                }
                _ => return Err(format!("no TypeScript mapping for {name}<…>")),
            })
        }
        other => Err(format!("no TypeScript mapping for {}", quote_type(other))),
    }
}

fn quote_type(ty: &Type) -> String {
    match ty {
        Type::Path(p) => p.path.segments.iter().map(|s| s.ident.to_string()).collect::<Vec<_>>().join("::"),
        _ => "this type".into(),
    }
}

fn is_injected(ty: &Type) -> bool {
    let ty = match ty {
        Type::Reference(r) => &*r.elem,
        other => other,
    };
    matches!(ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| INJECTED.contains(&s.ident.to_string().as_str())))
}

fn is_command(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        let segments: Vec<String> = a.path().segments.iter().map(|s| s.ident.to_string()).collect();
        segments == ["tauri", "command"] || segments == ["command"]
    })
}

fn doc_lines(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value().trim().to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The commands defined in one source file.
pub fn commands_in(source: &str, used: &mut BTreeSet<String>) -> Result<Vec<CommandSpec>, String> {
    let file = syn::parse_file(source).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for item in file.items {
        let Item::Fn(f) = item else { continue };
        if !is_command(&f.attrs) {
            continue;
        }
        let name = f.sig.ident.to_string();
        let mut args = Vec::new();
        for input in &f.sig.inputs {
            let FnArg::Typed(arg) = input else { continue };
            if is_injected(&arg.ty) {
                continue;
            }
            let syn::Pat::Ident(ident) = &*arg.pat else { return Err(format!("{name}: an argument without a name")) };
            let ty = ts_type(&arg.ty, used).map_err(|e| format!("{name}: {e}"))?;
            args.push((camel_case(&ident.ident.to_string()), ty));
        }
        let result = match &f.sig.output {
            ReturnType::Default => "null".into(),
            ReturnType::Type(_, ty) => ts_type(ty, used).map_err(|e| format!("{name}: {e}"))?,
        };
        out.push(CommandSpec { name, doc: doc_lines(&f.attrs), args, result });
    }
    Ok(out)
}

/// The command names `generate_handler!` lists in `lib.rs`.
pub fn registered_commands(lib_rs: &str) -> Vec<String> {
    let Some(start) = lib_rs.find("generate_handler![") else { return Vec::new() };
    let rest = &lib_rs[start + "generate_handler![".len()..];
    let list = &rest[..rest.find(']').unwrap_or(rest.len())];
    list.split(',')
        .map(|entry| entry.trim().rsplit("::").next().unwrap_or_default().to_string())
        .filter(|name| !name.is_empty())
        .collect()
}

/// `ui/src/bindings/commands.ts`: the `Commands` interface, by command name.
pub fn render(mut commands: Vec<CommandSpec>, used: &BTreeSet<String>) -> String {
    commands.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out = String::from(
        "// Generated from the #[tauri::command] fns in src-tauri/src by src-tauri/src/command_table.rs;\n\
         // do not edit (`cargo test` rewrites it).\n",
    );
    if used.contains("Channel") {
        out.push_str("import type { Channel } from \"@tauri-apps/api/core\";\n");
    }
    for name in used.iter().filter(|n| *n != "Channel") {
        out.push_str(&format!("import type {{ {name} }} from \"./{name}\";\n"));
    }
    out.push_str(
        "\n/** Command name → the arguments the UI passes and the result it gets. */\nexport interface Commands {\n",
    );
    for c in &commands {
        if !c.doc.is_empty() {
            out.push_str("  /**\n");
            for line in &c.doc {
                out.push_str(&format!("   * {line}\n").replace("   * \n", "   *\n"));
            }
            out.push_str("   */\n");
        }
        let args = if c.args.is_empty() {
            "Record<string, never>".to_string()
        } else {
            format!("{{ {} }}", c.args.iter().map(|(n, t)| format!("{n}: {t}")).collect::<Vec<_>>().join("; "))
        };
        out.push_str(&format!("  {}: {{ args: {args}; result: {} }};\n", c.name, c.result));
    }
    out.push_str("}\n");
    out
}

fn shell_sources() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/src");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read src-tauri/src")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_commands() -> (Vec<CommandSpec>, BTreeSet<String>) {
        let mut used = BTreeSet::new();
        let mut commands = Vec::new();
        for file in shell_sources() {
            let source = std::fs::read_to_string(&file).unwrap();
            commands.extend(commands_in(&source, &mut used).unwrap_or_else(|e| panic!("{}: {e}", file.display())));
        }
        (commands, used)
    }

    #[test]
    fn writes_the_command_table_and_every_command_is_registered() {
        let (commands, used) = all_commands();
        let defined: BTreeSet<String> = commands.iter().map(|c| c.name.clone()).collect();
        let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/src/lib.rs")).unwrap();
        let registered: BTreeSet<String> = registered_commands(&lib).into_iter().collect();
        assert_eq!(defined, registered, "generate_handler! must list exactly the #[tauri::command] fns");
        // A command missing from the app manifest (build.rs) or the window's capability is
        // refused at run time ("not allowed. Command not found"), which no unit test would see.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let build_rs = std::fs::read_to_string(root.join("src-tauri/build.rs")).unwrap();
        let capability = std::fs::read_to_string(root.join("src-tauri/capabilities/default.json")).unwrap();
        for name in &defined {
            assert!(build_rs.contains(&format!("\"{name}\"")), "{name} is missing from build.rs's app manifest");
            let permission = format!("\"allow-{}\"", name.replace('_', "-"));
            assert!(capability.contains(&permission), "{permission} is missing from capabilities/default.json");
        }
        assert!(defined.len() >= 40, "found only {} commands", defined.len());
        for name in &used {
            if name != "Channel" {
                let binding = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("ui/src/bindings/{name}.ts"));
                assert!(binding.exists(), "{name} is used by a command but has no ts-rs binding");
            }
        }
        let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings/commands.ts");
        std::fs::write(target, render(commands, &used)).unwrap();
    }

    #[test]
    fn maps_arguments_and_results() {
        let source = r#"
            /// Imports a folder.
            #[tauri::command]
            pub async fn import_repository(
                state: State<'_, AppState>,
                path: String,
                repository_id: Option<i64>,
                on_progress: Channel<Progress<ImportPhase>>,
            ) -> CommandResult<Vec<Option<GitRef>>> { todo!() }

            #[tauri::command]
            pub fn cancel_import(state: State<'_, AppState>) -> bool { true }

            pub fn not_a_command(x: u32) {}
        "#;
        let mut used = BTreeSet::new();
        let commands = commands_in(source, &mut used).unwrap();
        assert_eq!(commands.len(), 2);
        assert_eq!(commands[0].name, "import_repository");
        assert_eq!(commands[0].doc, ["Imports a folder."]);
        assert_eq!(
            commands[0].args,
            [
                ("path".to_string(), "string".to_string()),
                ("repositoryId".to_string(), "number | null".to_string()),
                ("onProgress".to_string(), "Channel<Progress<ImportPhase>>".to_string()),
            ]
        );
        assert_eq!(commands[0].result, "(GitRef | null)[]");
        assert_eq!(commands[1].args, []);
        assert_eq!(commands[1].result, "boolean");
        assert_eq!(used.into_iter().collect::<Vec<_>>(), ["Channel", "GitRef", "ImportPhase", "Progress"]);
        let ts = render(commands, &BTreeSet::from(["GitRef".to_string()]));
        assert!(ts.contains("  cancel_import: { args: Record<string, never>; result: boolean };"), "{ts}");
        assert!(ts.contains("import type { GitRef } from \"./GitRef\";"), "{ts}");
    }

    #[test]
    fn unknown_generic_types_are_refused() {
        let source = "#[tauri::command] fn f(x: HashMap<String, u32>) {}";
        let err = commands_in(source, &mut BTreeSet::new()).unwrap_err();
        assert!(err.contains("HashMap"), "{err}");
    }

    #[test]
    fn the_handler_list_is_read() {
        let lib = "tauri::generate_handler![\n  commands::store_info,\n  backups::list_backups,\n]";
        assert_eq!(registered_commands(lib), ["store_info", "list_backups"]);
    }
}
