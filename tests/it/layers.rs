//! The engine's layers hold: every module imports only modules of its own layer or
//! below (the layers are the `layers` block of docs/ARCHITECTURE.md), there is no
//! import cycle between top-level modules, none between sibling modules of one
//! directory, and the command line does not import the window.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// `layer -> modules`, lowest first, from the `layers` block of the architecture page.
fn layers() -> Vec<Vec<String>> {
    let doc = std::fs::read_to_string(crate::repo("docs/ARCHITECTURE.md")).unwrap();
    let start = doc.find("```layers").expect("a ```layers block") + "```layers".len();
    let end = start + doc[start..].find("```").unwrap();
    doc[start..end]
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(_, mods)| mods.split_whitespace().map(str::to_string).collect())
        .collect()
}

/// Every source file of the library as its module path (`brief::render`), with
/// its text and the module `super` names in it.
fn modules(dir: &Path, prefix: &str, out: &mut BTreeMap<String, (String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            if name == "bin" {
                continue;
            }
            let p = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}::{name}")
            };
            modules(&path, &p, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let module = match (prefix.is_empty(), name.as_str()) {
                (true, "lib" | "main") => continue,
                (_, "mod") => prefix.to_string(),
                (true, _) => name.clone(),
                (false, _) => format!("{prefix}::{name}"),
            };
            // `super` is the directory's module, or its parent in a mod.rs.
            let sup = if name == "mod" {
                prefix.rsplit_once("::").map_or("", |p| p.0).to_string()
            } else {
                prefix.to_string()
            };
            out.insert(module, (std::fs::read_to_string(&path).unwrap(), sup));
        }
    }
}

/// The longest known module that `path` (`a::b::c`) lies in.
fn resolve(path: &str, known: &BTreeMap<String, (String, String)>) -> Option<String> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..=parts.len())
        .rev()
        .map(|k| parts[..k].join("::"))
        .find(|m| known.contains_key(m))
}

/// The modules a file refers to: `crate::a::b`, `super::x` and `use super::{x, y}`.
fn references(
    module: &str,
    text: &str,
    parent: &str,
    known: &BTreeMap<String, (String, String)>,
) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect::<String>()
            .trim_end_matches(':')
            .to_string()
    };
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        if let Some(m) = resolve(&ident(&code[i + 7..]), known) {
            out.insert(m);
        }
    }
    for (i, _) in code.match_indices("super::") {
        let rest = &code[i + 7..];
        let names: Vec<String> = if let Some(group) = rest.strip_prefix('{') {
            group
                .split('}')
                .next()
                .unwrap_or("")
                .split(',')
                .map(|s| ident(s.trim()))
                .collect()
        } else {
            vec![ident(rest)]
        };
        for n in names {
            let full = if parent.is_empty() {
                n
            } else {
                format!("{parent}::{n}")
            };
            if let Some(m) = resolve(&full, known) {
                out.insert(m);
            }
        }
    }
    out.remove(module);
    out
}

fn top(m: &str) -> &str {
    m.split("::").next().unwrap_or(m)
}

/// A cycle in `edges`, if any, as the list of its nodes.
fn cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for m in edges.get(n).into_iter().flatten() {
            match state.get(m.as_str()).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|s| s == m).unwrap_or(0);
                    let mut c = stack[from..].to_vec();
                    c.push(m.clone());
                    return Some(c);
                }
                0 => {
                    if let Some(c) = visit(m, edges, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in edges.keys() {
        if state.get(n.as_str()).copied().unwrap_or(0) == 0
            && let Some(c) = visit(n, edges, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

#[test]
fn the_engine_layers_hold_and_nothing_imports_in_a_cycle() {
    let layers = layers();
    let layer_of = |m: &str| layers.iter().position(|l| l.iter().any(|x| x == m));
    let mut known = BTreeMap::new();
    modules(&crate::repo("src"), "", &mut known);
    let mut top_edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut sibling_edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut wrong = Vec::new();
    for (module, (text, parent)) in &known {
        let t = top(module);
        let Some(from) = layer_of(t) else {
            wrong.push(format!("{module}: its top-level module {t} is in no layer"));
            continue;
        };
        for r in references(module, text, parent, &known) {
            let rt = top(&r);
            if rt != t {
                match layer_of(rt) {
                    Some(to) if to <= from => {}
                    _ => wrong.push(format!("{module} imports {r}, a higher layer")),
                }
                top_edges
                    .entry(t.to_string())
                    .or_default()
                    .insert(rt.to_string());
            } else if t != "app"
                && !r.starts_with(&format!("{module}::"))
                && !module.starts_with(&format!("{r}::"))
            {
                // Siblings within one engine module (neither contains the other).
                sibling_edges.entry(module.clone()).or_default().insert(r);
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(cycle(&top_edges), None, "a cycle between top-level modules");
    assert_eq!(
        cycle(&sibling_edges),
        None,
        "a cycle between sibling modules"
    );
    assert!(
        !known["cli"].0.contains("crate::app"),
        "the command line imports the window"
    );
    // The layers name every top-level module once.
    let tops: BTreeSet<&str> = known.keys().map(|m| top(m)).collect();
    let named: Vec<&String> = layers.iter().flatten().collect();
    assert_eq!(named.len(), tops.len(), "{named:?} against {tops:?}");
}

#[test]
fn a_cycle_is_found() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    edges.entry("a".into()).or_default().insert("b".into());
    edges.entry("b".into()).or_default().insert("c".into());
    assert_eq!(cycle(&edges), None);
    edges.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        cycle(&edges),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}
