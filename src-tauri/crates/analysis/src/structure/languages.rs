//! The grammars and what their node kinds mean: which nodes are functions, methods and types, and
//! which open a level of control-flow nesting.

use crate::structure::DefinitionKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Lang {
    Rust,
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    Go,
    Java,
}

impl Lang {
    pub(crate) fn of_path(path: &str) -> Option<Lang> {
        let ext = path.rsplit_once('.')?.1;
        Some(match ext {
            "rs" => Lang::Rust,
            "py" | "pyi" => Lang::Python,
            "js" | "mjs" | "cjs" | "jsx" => Lang::JavaScript,
            "ts" | "mts" | "cts" => Lang::TypeScript,
            "tsx" => Lang::Tsx,
            "go" => Lang::Go,
            "java" => Lang::Java,
            _ => return None,
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Lang::Rust => "Rust",
            Lang::Python => "Python",
            Lang::JavaScript => "JavaScript",
            Lang::TypeScript => "TypeScript",
            Lang::Tsx => "TSX",
            Lang::Go => "Go",
            Lang::Java => "Java",
        }
    }

    pub(crate) fn grammar(self) -> tree_sitter::Language {
        match self {
            Lang::Rust => tree_sitter_rust::LANGUAGE.into(),
            Lang::Python => tree_sitter_python::LANGUAGE.into(),
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Lang::Go => tree_sitter_go::LANGUAGE.into(),
            Lang::Java => tree_sitter_java::LANGUAGE.into(),
        }
    }

    /// What a node defines, if anything. `in_type` says whether the nearest enclosing definition
    /// is a type (or a Rust `impl`), which makes a function a method.
    pub(crate) fn definition(self, node: &tree_sitter::Node, in_type: bool) -> Option<DefinitionKind> {
        use DefinitionKind::*;
        let function = if in_type { Method } else { Function };
        let kind = node.kind();
        match self {
            Lang::Rust => match kind {
                "function_item" | "function_signature_item" => Some(function),
                "struct_item" | "union_item" => Some(Struct),
                "enum_item" => Some(Enum),
                "trait_item" => Some(Interface),
                _ => None,
            },
            Lang::Python => match kind {
                "function_definition" => Some(function),
                "class_definition" => Some(Class),
                _ => None,
            },
            Lang::JavaScript | Lang::TypeScript | Lang::Tsx => match kind {
                "function_declaration"
                | "generator_function_declaration"
                | "function_expression"
                | "function"
                | "arrow_function"
                | "generator_function" => Some(Function),
                "method_definition" => Some(Method),
                "class_declaration" | "class" | "abstract_class_declaration" => Some(Class),
                "interface_declaration" => Some(Interface),
                "enum_declaration" => Some(Enum),
                _ => None,
            },
            Lang::Go => match kind {
                "function_declaration" | "func_literal" => Some(Function),
                "method_declaration" => Some(Method),
                "type_spec" => match node.child_by_field_name("type").map(|t| t.kind()) {
                    Some("struct_type") => Some(Struct),
                    Some("interface_type") => Some(Interface),
                    _ => None,
                },
                _ => None,
            },
            Lang::Java => match kind {
                "method_declaration" | "constructor_declaration" | "compact_constructor_declaration" => Some(Method),
                "class_declaration" | "record_declaration" => Some(Class),
                "interface_declaration" | "annotation_type_declaration" => Some(Interface),
                "enum_declaration" => Some(Enum),
                _ => None,
            },
        }
    }

    /// A node that is not a definition but makes the functions inside it methods (Rust's `impl`).
    pub(crate) fn is_method_container(self, node: &tree_sitter::Node) -> bool {
        self == Lang::Rust && node.kind() == "impl_item"
    }

    /// A node that opens one level of control-flow nesting.
    pub(crate) fn is_control(self, kind: &str) -> bool {
        match self {
            Lang::Rust => matches!(
                kind,
                "if_expression" | "match_expression" | "for_expression" | "while_expression" | "loop_expression"
            ),
            Lang::Python => matches!(
                kind,
                "if_statement"
                    | "for_statement"
                    | "while_statement"
                    | "try_statement"
                    | "with_statement"
                    | "match_statement"
            ),
            Lang::JavaScript | Lang::TypeScript | Lang::Tsx => matches!(
                kind,
                "if_statement"
                    | "for_statement"
                    | "for_in_statement"
                    | "while_statement"
                    | "do_statement"
                    | "switch_statement"
                    | "try_statement"
            ),
            Lang::Go => matches!(
                kind,
                "if_statement"
                    | "for_statement"
                    | "expression_switch_statement"
                    | "type_switch_statement"
                    | "select_statement"
            ),
            Lang::Java => matches!(
                kind,
                "if_statement"
                    | "for_statement"
                    | "enhanced_for_statement"
                    | "while_statement"
                    | "do_statement"
                    | "switch_expression"
                    | "try_statement"
                    | "try_with_resources_statement"
            ),
        }
    }
}

/// A definition's name: its `name` field, or for an anonymous function the variable, property or
/// field it is assigned to.
pub(crate) fn name_of(node: &tree_sitter::Node, source: &[u8]) -> String {
    let text = |n: tree_sitter::Node| n.utf8_text(source).unwrap_or("").to_string();
    if let Some(name) = node.child_by_field_name("name") {
        return text(name);
    }
    if let Some(parent) = node.parent() {
        let field = match parent.kind() {
            "variable_declarator" => parent.child_by_field_name("name"),
            "pair" => parent.child_by_field_name("key"),
            "assignment_expression" => parent.child_by_field_name("left"),
            "public_field_definition" | "field_definition" => {
                parent.child_by_field_name("name").or_else(|| parent.child_by_field_name("property"))
            }
            _ => None,
        };
        if let Some(field) = field {
            return text(field);
        }
    }
    "(anonymous)".to_string()
}
