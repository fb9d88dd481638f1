//! A shallow decision tree fitted on the per-row error, as in Microsoft's
//! error-analysis dashboard: each node splits on the `feature = value` predicate
//! (against the rest) that most reduces the squared error of the error indicator.
//!
//! Written here rather than taken from linfa-trees or smartcore: those want a dense
//! f64 matrix of one-hot features (rows × all levels), which for millions of rows
//! is gigabytes, while splitting on the decoded codes needs one counting pass per
//! level of the tree and no copy of the data.

use crate::load::encode::NULL_CODE;
use crate::load::table::EvalTable;

/// One node; the root has no predicate.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// `(feature, code, equal)`: rows where feature == code (equal) or != code.
    pub path: Vec<(usize, u32, bool)>,
    pub size: u64,
    pub errors: f64,
    pub error_rate: f64,
    /// Share of all errors in this node.
    pub coverage: f64,
    /// Share of all rows in this node.
    pub share: f64,
    pub children: Vec<usize>,
    pub depth: usize,
}

/// Tree settings chosen by the user.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TreeParams {
    pub max_depth: usize,
    pub min_leaf: u64,
}

impl Default for TreeParams {
    fn default() -> Self {
        TreeParams {
            max_depth: 3,
            min_leaf: 100,
        }
    }
}

/// Fits the tree; `nodes[0]` is the root. NaN errors take no part.
pub fn fit(table: &EvalTable, features: &[usize], errors: &[f64], params: TreeParams) -> Vec<Node> {
    let rows: Vec<u32> = (0..errors.len() as u32)
        .filter(|&r| !errors[r as usize].is_nan())
        .collect();
    let total_n = rows.len() as f64;
    let total_err: f64 = rows.iter().map(|&r| errors[r as usize]).sum();
    let mut nodes = vec![make_node(Vec::new(), &rows, errors, total_n, total_err, 0)];
    let mut stack = vec![(0usize, rows)];
    while let Some((id, rows)) = stack.pop() {
        if nodes[id].depth >= params.max_depth || rows.len() as u64 <= 2 * params.min_leaf.max(1) {
            continue;
        }
        let Some((f, code)) = best_split(table, features, &rows, errors, params.min_leaf) else {
            continue;
        };
        let codes = &table.features[f].codes.codes;
        let (left, right): (Vec<u32>, Vec<u32>) =
            rows.iter().partition(|&&r| codes[r as usize] == code);
        for (part, equal) in [(left, true), (right, false)] {
            let mut path = nodes[id].path.clone();
            path.push((f, code, equal));
            let child = make_node(path, &part, errors, total_n, total_err, nodes[id].depth + 1);
            nodes.push(child);
            let cid = nodes.len() - 1;
            nodes[id].children.push(cid);
            stack.push((cid, part));
        }
    }
    nodes
}

fn make_node(
    path: Vec<(usize, u32, bool)>,
    rows: &[u32],
    errors: &[f64],
    total_n: f64,
    total_err: f64,
    depth: usize,
) -> Node {
    let errs: f64 = rows.iter().map(|&r| errors[r as usize]).sum();
    let size = rows.len() as u64;
    Node {
        path,
        size,
        errors: errs,
        error_rate: if size == 0 { 0.0 } else { errs / size as f64 },
        coverage: if total_err > 0.0 {
            errs / total_err
        } else {
            0.0
        },
        share: if total_n > 0.0 {
            size as f64 / total_n
        } else {
            0.0
        },
        children: Vec::new(),
        depth,
    }
}

/// The `feature = value` split with the largest drop in squared error (sum of
/// squared deviations of the error from each side's mean), both sides >= min_leaf.
fn best_split(
    table: &EvalTable,
    features: &[usize],
    rows: &[u32],
    errors: &[f64],
    min_leaf: u64,
) -> Option<(usize, u32)> {
    let n = rows.len() as f64;
    let (mut s, mut s2) = (0.0, 0.0);
    for &r in rows {
        let e = errors[r as usize];
        s += e;
        s2 += e * e;
    }
    let parent_sse = s2 - s * s / n;
    let mut best: Option<(f64, usize, u32)> = None;
    for &f in features {
        let feat = &table.features[f];
        if !feat.is_sliceable() {
            continue;
        }
        let k = feat.codes.levels.len() + 1;
        let mut cnt = vec![0u64; k];
        let mut sum = vec![0.0; k];
        let mut sq = vec![0.0; k];
        for &r in rows {
            let c = feat.codes.codes[r as usize];
            let i = if c == NULL_CODE { k - 1 } else { c as usize };
            let e = errors[r as usize];
            cnt[i] += 1;
            sum[i] += e;
            sq[i] += e * e;
        }
        for i in 0..k {
            let (nl, nr) = (cnt[i], rows.len() as u64 - cnt[i]);
            if nl < min_leaf.max(1) || nr < min_leaf.max(1) {
                continue;
            }
            let (sl, sr) = (sum[i], s - sum[i]);
            let sse = (sq[i] - sl * sl / nl as f64) + ((s2 - sq[i]) - sr * sr / nr as f64);
            let gain = parent_sse - sse;
            let code = if i == k - 1 { NULL_CODE } else { i as u32 };
            if gain > 1e-12 && best.is_none_or(|(g, _, _)| gain > g) {
                best = Some((gain, f, code));
            }
        }
    }
    best.map(|(_, f, c)| (f, c))
}

/// `feature = value AND feature != value ...` for a node's path.
pub fn path_text(table: &EvalTable, node: &Node) -> String {
    if node.path.is_empty() {
        return "all rows".into();
    }
    node.path
        .iter()
        .map(|&(f, c, eq)| {
            format!(
                "{} {} {}",
                table.features[f].name,
                if eq { "=" } else { "!=" },
                table.features[f].level(c)
            )
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}
