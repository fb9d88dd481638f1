//! Metric names built at run time (`ndcg@10`, `precision@5`) as `&'static str`,
//! so they travel through the same [`Metric`](crate::metrics::Metric) type as the
//! fixed names. Each distinct name is leaked once; there are only as many as the
//! cutoffs a user asks for.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();

/// The one `'static` copy of `name`.
pub fn intern(name: &str) -> &'static str {
    let set = NAMES.get_or_init(|| Mutex::new(HashSet::new()));
    let mut set = match set.lock() {
        Ok(s) => s,
        Err(poisoned) => poisoned.into_inner(),
    };
    if let Some(&s) = set.get(name) {
        return s;
    }
    let s: &'static str = Box::leak(name.to_string().into_boxed_str());
    set.insert(s);
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn interning_returns_one_copy() {
        let a = super::intern("ndcg@7");
        let b = super::intern(&format!("ndcg@{}", 7));
        assert!(std::ptr::eq(a, b));
        assert_eq!(a, "ndcg@7");
    }
}
