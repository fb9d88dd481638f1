//! What the views show, cached by the inputs they were computed from. A view asks
//! for a result with a [`Request`]; a request whose key is neither shown nor being
//! computed starts a job in the task registry, and the view keeps drawing the
//! previous value with a spinner until the new one arrives. None of this is the
//! analysis itself: it is derived from the workspace and never saved.

use std::sync::Arc;

use super::tasks::{Done, TaskKind, Tasks};
use super::workspace::Workspace;
use crate::analysis::{self, ClusterRequest, Clusters, ComparisonView, Overview, SliceTable};
use crate::annotations::TagStats;
use crate::examples::ExampleQuery;

/// A value computed for a key, and the key of the one being computed.
pub struct Keyed<K, T> {
    pub value: Option<Arc<T>>,
    pub key: Option<K>,
    pending: Option<K>,
}

impl<K, T> Default for Keyed<K, T> {
    fn default() -> Self {
        Keyed {
            value: None,
            key: None,
            pending: None,
        }
    }
}

impl<K: PartialEq + Clone, T> Keyed<K, T> {
    /// True when neither the shown value nor the running job is for `key`.
    fn wants(&self, key: &K) -> bool {
        self.key.as_ref() != Some(key) && self.pending.as_ref() != Some(key)
    }

    /// Takes a finished value if it is the one still wanted.
    fn accept(&mut self, key: K, value: T) {
        if self.pending.as_ref() == Some(&key) {
            self.pending = None;
            self.value = Some(Arc::new(value));
            self.key = Some(key);
        }
    }

    pub fn is_busy(&self) -> bool {
        self.pending.is_some()
    }

    /// True when the shown value is for `key`.
    pub fn is_current(&self, key: &K) -> bool {
        self.key.as_ref() == Some(key)
    }

    fn stop(&mut self) {
        self.pending = None;
    }
}

/// `(table version, cohort version, threshold bits)`: the inputs every result shares.
pub type BaseKey = (u64, u64, u64);

/// Inputs of the slice table.
#[derive(Clone, PartialEq, Debug)]
pub struct SliceKey {
    pub base: BaseKey,
    pub features: Vec<usize>,
    pub model: usize,
    pub metric: String,
}

pub type ExampleKey = (BaseKey, ExampleQuery);

/// Inputs of the failure search (on the cohort it was asked for, which the view may
/// hold while a selection changes the active one).
#[derive(Clone, PartialEq, Debug)]
pub struct ClusterKey {
    pub base: BaseKey,
    pub request: ClusterRequest,
}

/// `(base, baseline, candidate, slice features)`.
pub type ComparisonKey = (BaseKey, usize, usize, Vec<usize>);

/// Inputs of the tag tables: cohort and table versions, the feature, the tag names
/// and a fingerprint of the tagged rows.
pub type TagKey = (BaseKey, Option<usize>, Vec<String>, usize, usize);

/// A view's request for a result on the current workspace.
#[derive(Debug, Clone)]
pub enum Request {
    Overview,
    Slices {
        features: Vec<usize>,
        model: usize,
        metric: String,
    },
    Examples(ExampleQuery),
    Clusters {
        base: BaseKey,
        mask: Option<Arc<Vec<bool>>>,
        request: ClusterRequest,
    },
    /// The paired comparison of the workspace's pair, per slice of these features.
    Comparison {
        features: Vec<usize>,
    },
    TagStats {
        feature: Option<usize>,
    },
}

/// Every cached result.
#[derive(Default)]
pub struct Results {
    pub overview: Keyed<BaseKey, Overview>,
    pub slices: Keyed<SliceKey, SliceTable>,
    pub examples: Keyed<ExampleKey, Vec<u32>>,
    pub clusters: Keyed<ClusterKey, Result<Clusters, String>>,
    pub comparison: Keyed<ComparisonKey, ComparisonView>,
    pub tag_stats: Keyed<TagKey, TagStats>,
}

impl Results {
    /// Starts the job for a request unless its result is shown or under way.
    pub fn ensure(&mut self, request: Request, ws: &Workspace, tasks: &mut Tasks) {
        let base = ws.base_key();
        let (table, mask, t) = (ws.table.clone(), ws.active.mask.clone(), ws.threshold);
        match request {
            Request::Overview => {
                if self.overview.wants(&base) {
                    self.overview.pending = Some(base);
                    tasks.start(TaskKind::Overview, "Computing metrics", move |_| {
                        Done::Overview(
                            base,
                            analysis::overview(&table, mask.as_deref().map(Vec::as_slice), t),
                        )
                    });
                }
            }
            Request::Slices {
                features,
                model,
                metric,
            } => {
                let key = SliceKey {
                    base,
                    features,
                    model,
                    metric,
                };
                if self.slices.wants(&key) {
                    self.slices.pending = Some(key.clone());
                    tasks.start(TaskKind::Slices, "Computing slices", move |_| {
                        let st = analysis::slices(
                            &table,
                            mask.as_deref().map(Vec::as_slice),
                            t,
                            &key.features,
                            key.model,
                            &key.metric,
                        );
                        Done::Slices(key, st)
                    });
                }
            }
            Request::Examples(query) => {
                let key = (base, query);
                if self.examples.wants(&key) {
                    self.examples.pending = Some(key.clone());
                    let frame = ws.frame.clone();
                    tasks.start(TaskKind::Examples, "Selecting rows", move |c| {
                        let table = analysis::at_threshold(&table, t);
                        let rows = crate::examples::select_rows(
                            &table,
                            &frame,
                            mask.as_deref().map(Vec::as_slice),
                            &key.1,
                            c.flag(),
                        )
                        .unwrap_or_default();
                        Done::Examples(key, rows)
                    });
                }
            }
            Request::Clusters {
                base: searched,
                mask,
                request,
            } => {
                let key = ClusterKey {
                    base: searched,
                    request,
                };
                if self.clusters.wants(&key) {
                    self.clusters.pending = Some(key.clone());
                    tasks.start(TaskKind::Clusters, "Searching failure clusters", move |c| {
                        let found = analysis::clusters(
                            &table,
                            mask.as_deref().map(Vec::as_slice),
                            t,
                            &key.request,
                            c.flag(),
                        )
                        .map_err(|e| e.to_string());
                        Done::Clusters(key, found)
                    });
                }
            }
            Request::Comparison { features } => {
                let (b, c) = ws.pair;
                let key = (base, b, c, features);
                if self.comparison.wants(&key) {
                    self.comparison.pending = Some(key.clone());
                    tasks.start(TaskKind::Comparison, "Comparing", move |_| {
                        let cv = analysis::comparison(
                            &table,
                            mask.as_deref().map(Vec::as_slice),
                            t,
                            key.1,
                            key.2,
                            &key.3,
                        );
                        Done::Comparison(key, cv)
                    });
                }
            }
            Request::TagStats { feature } => {
                let names: Vec<String> = ws.tags.iter().map(|t| t.name.clone()).collect();
                let fingerprint: usize = ws.example_tags.values().map(Vec::len).sum();
                let key = (
                    base,
                    feature,
                    names.clone(),
                    ws.example_tags.len(),
                    fingerprint,
                );
                if self.tag_stats.wants(&key) {
                    self.tag_stats.pending = Some(key.clone());
                    let tagged = ws.example_tags.clone();
                    tasks.start(TaskKind::TagStats, "Counting tags", move |_| {
                        let st = crate::annotations::tag_stats(
                            &table,
                            mask.as_deref().map(Vec::as_slice),
                            &names,
                            &tagged,
                            feature,
                        );
                        Done::TagStats(key, st)
                    });
                }
            }
        }
    }

    /// Takes a finished result; hands back what is not a view result.
    pub fn accept(&mut self, done: Done) -> Option<Done> {
        match done {
            Done::Overview(k, v) => self.overview.accept(k, v),
            Done::Slices(k, v) => self.slices.accept(k, v),
            Done::Examples(k, v) => self.examples.accept(k, v),
            Done::Clusters(k, v) => self.clusters.accept(k, v),
            Done::Comparison(k, v) => self.comparison.accept(k, v),
            Done::TagStats(k, v) => self.tag_stats.accept(k, v),
            Done::Failed(kind) => {
                self.stopped(kind);
                return Some(Done::Failed(kind));
            }
            other => return Some(other),
        }
        None
    }

    /// The job of this kind was cancelled or died: nothing is pending any more.
    pub fn stopped(&mut self, kind: TaskKind) {
        match kind {
            TaskKind::Overview => self.overview.stop(),
            TaskKind::Slices => self.slices.stop(),
            TaskKind::Examples => self.examples.stop(),
            TaskKind::Clusters => self.clusters.stop(),
            TaskKind::Comparison => self.comparison.stop(),
            TaskKind::TagStats => self.tag_stats.stop(),
            _ => {}
        }
    }
}
