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
use crate::metrics::fairness::{self, Fairness};

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
    /// Whether the value shown and the one being computed differ only in what
    /// `same` ignores (a threshold being dragged): the running job should finish
    /// and be shown rather than be replaced on every frame.
    fn refining(&self, same: impl Fn(&K) -> bool) -> bool {
        self.pending.as_ref().is_some_and(&same) && self.key.as_ref().is_some_and(&same)
    }

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

/// Inputs of the fairness figures: a binary model across one sensitive feature,
/// at the workspace's threshold.
#[derive(Clone, PartialEq, Debug)]
pub struct FairnessKey {
    pub base: BaseKey,
    pub model: usize,
    pub feature: usize,
}

/// How the fairness what-if sets each group's threshold.
#[derive(Clone, PartialEq, Debug)]
pub enum WhatIfThresholds {
    /// One threshold per group slot (the feature's levels, then `(missing)`).
    PerGroup(Vec<f64>),
    /// Per group, the largest threshold that brings its TPR to this target.
    EqualTpr(f64),
}

/// Inputs of the fairness what-if.
#[derive(Clone, PartialEq, Debug)]
pub struct WhatIfKey {
    pub base: BaseKey,
    pub model: usize,
    pub feature: usize,
    pub thresholds: WhatIfThresholds,
}

/// The groups' figures if each used its own threshold.
#[derive(Debug, Clone)]
pub struct WhatIf {
    /// The threshold of each group slot (the feature's levels, then `(missing)`).
    pub thresholds: Vec<f64>,
    pub fairness: Fairness,
    pub accuracy: f64,
}

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
    /// A model's reliability curve per value of a feature (the Overview's overlay).
    Reliability {
        model: usize,
        feature: usize,
    },
    /// A binary model's rates per group of a sensitive feature and the disparities.
    Fairness {
        model: usize,
        feature: usize,
    },
    /// The same with a threshold per group (models with a score).
    FairnessWhatIf {
        model: usize,
        feature: usize,
        thresholds: WhatIfThresholds,
    },
}

/// `(base, model, feature)`: one model's reliability curves per value of a feature.
pub type ReliabilityKey = (BaseKey, usize, usize);

/// Every cached result.
#[derive(Default)]
pub struct Results {
    pub overview: Keyed<BaseKey, Overview>,
    pub slices: Keyed<SliceKey, SliceTable>,
    pub examples: Keyed<ExampleKey, Vec<u32>>,
    pub clusters: Keyed<ClusterKey, Result<Clusters, String>>,
    pub comparison: Keyed<ComparisonKey, ComparisonView>,
    pub tag_stats: Keyed<TagKey, TagStats>,
    /// The Overview's per-slice reliability overlay.
    pub reliability: Keyed<ReliabilityKey, crate::analysis::SliceCurves>,
    pub fairness: Keyed<FairnessKey, Option<Fairness>>,
    pub what_if: Keyed<WhatIfKey, Option<WhatIf>>,
}

impl Results {
    /// Starts the job for a request unless its result is shown or under way.
    pub fn ensure(&mut self, request: Request, ws: &Workspace, tasks: &mut Tasks) {
        let base = ws.base_key();
        let (table, mask, t) = (ws.table.clone(), ws.active.mask.clone(), ws.threshold);
        // The views other than the Overview read the table at the threshold: made
        // once per threshold by the first job that needs it, shared by the rest.
        let at = ws.table_at_threshold();
        match request {
            Request::Overview => {
                // While the threshold is dragged, a recount already under way for
                // this cohort finishes and is shown; the next starts from the value
                // the slider has then (never a queue of stale thresholds).
                let same_rows = |k: &BaseKey| k.0 == base.0 && k.1 == base.1;
                let recounting =
                    tasks.is_running(TaskKind::Overview) && self.overview.refining(same_rows);
                if self.overview.wants(&base) && !recounting {
                    self.overview.pending = Some(base);
                    // Only the threshold moved (same table, same cohort): recount
                    // from the overview on screen instead of recomputing it all.
                    let shown = match (&self.overview.key, &self.overview.value) {
                        (Some(k), Some(v)) if k.0 == base.0 && k.1 == base.1 => Some(v.clone()),
                        _ => None,
                    };
                    tasks.start(TaskKind::Overview, "Computing metrics", move |_| {
                        let mask = mask.as_deref().map(Vec::as_slice);
                        Done::Overview(
                            base,
                            match shown {
                                Some(prev) => {
                                    analysis::overview_at_threshold(&prev, &table, mask, t)
                                }
                                None => analysis::overview(&table, mask, t),
                            },
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
                            at.get(),
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
                    let kept = ws.kept.clone();
                    tasks.start(TaskKind::Examples, "Selecting rows", move |c| {
                        let table = at.get();
                        let rows = crate::examples::select_rows(
                            table,
                            &kept.whole(),
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
                            at.get(),
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
                            at.get(),
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
            Request::Reliability { model, feature } => {
                let key = (base, model, feature);
                if self.reliability.wants(&key) {
                    self.reliability.pending = Some(key);
                    tasks.start(TaskKind::Reliability, "Calibration by slice", move |_| {
                        let table = at.get();
                        let curves = crate::curves::calibration_by(
                            table,
                            model,
                            mask.as_deref().map(Vec::as_slice),
                            table.params.bins(),
                            feature,
                            6,
                        );
                        Done::Reliability(key, curves)
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
            Request::Fairness { model, feature } => {
                let key = FairnessKey {
                    base,
                    model,
                    feature,
                };
                if self.fairness.wants(&key) {
                    self.fairness.pending = Some(key.clone());
                    tasks.start(TaskKind::Fairness, "Computing fairness", move |_| {
                        let table = at.get();
                        let fair = fairness::fairness(
                            table,
                            key.model,
                            key.feature,
                            mask.as_deref().map(Vec::as_slice),
                            crate::stats::Bootstrap::default(),
                        );
                        Done::Fairness(key, fair)
                    });
                }
            }
            Request::FairnessWhatIf {
                model,
                feature,
                thresholds,
            } => {
                let key = WhatIfKey {
                    base,
                    model,
                    feature,
                    thresholds,
                };
                // While a slider is dragged, the what-if under way for the same
                // inputs finishes and is shown; the next starts from the value then.
                let same_inputs = |k: &WhatIfKey| {
                    k.base == key.base && k.model == key.model && k.feature == key.feature
                };
                let dragging = tasks.is_running(TaskKind::FairnessWhatIf)
                    && self.what_if.refining(same_inputs);
                if self.what_if.wants(&key) && !dragging {
                    self.what_if.pending = Some(key.clone());
                    tasks.start(
                        TaskKind::FairnessWhatIf,
                        "Computing the what-if",
                        move |_| {
                            let mask = mask.as_deref().map(Vec::as_slice);
                            let (m, f) = (key.model, key.feature);
                            let thresholds = match &key.thresholds {
                                WhatIfThresholds::PerGroup(v) => v.clone(),
                                WhatIfThresholds::EqualTpr(target) => {
                                    fairness::thresholds_for_tpr(&table, m, f, *target, t, mask)
                                }
                            };
                            let out = fairness::what_if(&table, m, f, &thresholds, mask).map(
                                |(fairness, accuracy)| WhatIf {
                                    thresholds,
                                    fairness,
                                    accuracy,
                                },
                            );
                            Done::FairnessWhatIf(key, out)
                        },
                    );
                }
            }
        }
    }

    /// Shows an overview computed outside an overview job (with a cohort's mask,
    /// [`super::tasks::CohortOverview`]) for `key`; a running overview job for an
    /// older key is no longer wanted.
    pub fn offer_overview(&mut self, key: BaseKey, overview: Overview) {
        self.overview.pending = None;
        self.overview.value = Some(Arc::new(overview));
        self.overview.key = Some(key);
    }

    /// Shows the overview shown under `from` under `to` as well (a change that
    /// leaves the overview's numbers as they are, such as features decoded).
    pub fn carry_overview(&mut self, from: &BaseKey, to: BaseKey) {
        if self.overview.is_current(from) {
            self.overview.key = Some(to);
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
            Done::Reliability(k, v) => self.reliability.accept(k, v),
            Done::Fairness(k, v) => self.fairness.accept(k, v),
            Done::FairnessWhatIf(k, v) => self.what_if.accept(k, v),
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
            TaskKind::Reliability => self.reliability.stop(),
            TaskKind::Fairness => self.fairness.stop(),
            TaskKind::FairnessWhatIf => self.what_if.stop(),
            _ => {}
        }
    }
}
