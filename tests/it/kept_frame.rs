//! The window's kept frame (issue 15's memory bound): low-cardinality text kept as
//! enums and 64-bit integers narrowed must decode to exactly the table the command
//! line decodes from the file as written, and the rows the window shows (cells,
//! search) must read as the file's own values.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use faultline::examples::{self, ExampleQuery};
use faultline::load::{self, LoadOptions, Mapping, read};
use polars::prelude::*;

const SAMPLES: &[&str] = &[
    "sample_data/churn.parquet",
    "sample_data/adult_models.csv",
    "sample_data/delivery.csv",
    "sample_data/intent.csv",
    "sample_data/ranking.csv",
];

fn open(path: &str, keep_frame: bool) -> load::Loaded {
    let options = LoadOptions {
        keep_frame,
        ..LoadOptions::default()
    };
    load::load(Path::new(path), &Mapping::default(), &options).expect("the sample loads")
}

#[test]
fn a_kept_frame_decodes_to_the_same_table_as_the_file() {
    for path in SAMPLES {
        let kept = open(path, true);
        let plain = open(path, false);
        // Every decoded column, class and feature level, byte for byte.
        assert_eq!(
            format!("{:?}", kept.table),
            format!("{:?}", plain.table),
            "{path}"
        );
        assert_eq!(
            kept.frame.height(),
            read::read_frame(Path::new(path), &Default::default())
                .unwrap()
                .height()
        );
    }
}

#[test]
fn the_kept_frame_is_compact_and_reads_as_the_file() {
    let path = "sample_data/churn.parquet";
    let kept = open(path, true).frame;
    let file = read::read_frame(Path::new(path), &Default::default()).unwrap();
    // region: 5 values, as an enum; id: unique, plain text; label: 0/1 in Int32.
    assert!(kept.column("region").unwrap().dtype().is_enum());
    assert!(kept.column("id").unwrap().dtype().is_string());
    assert_eq!(kept.column("label").unwrap().dtype(), &DataType::Int32);
    assert_eq!(
        kept.column("score_baseline").unwrap().dtype(),
        &DataType::Float64
    );
    // 1.37 MB instead of 2.25 MB here (polars' own estimate).
    assert!(kept.estimated_size() * 3 < file.estimated_size() * 2);
    // Every cell's text is the file's (text unquoted, integers as written).
    for row in [0, 1, 17, file.height() - 1] {
        assert_eq!(
            examples::row_fields(&kept, row),
            examples::row_fields(&file, row),
            "row {row}"
        );
    }
    assert_eq!(
        examples::cell_text(&kept, kept.get_column_index("region").unwrap(), 0),
        file.column("region")
            .unwrap()
            .str()
            .unwrap()
            .get(0)
            .unwrap()
    );
}

#[test]
fn search_finds_text_in_compacted_columns() {
    let path = "sample_data/churn.parquet";
    let loaded = open(path, true);
    let file = read::read_frame(Path::new(path), &Default::default()).unwrap();
    for needle in ["EAST", "mobile", "c00001", "Ent", "nothing-like-this"] {
        let query = ExampleQuery {
            search: needle.into(),
            ..ExampleQuery::default()
        };
        let rows = select(&loaded.table, &loaded.frame, &query);
        // The same rows, searched naively in the file's own text columns.
        let texts: Vec<&StringChunked> = file
            .columns()
            .iter()
            .filter_map(|c| c.as_materialized_series().str().ok())
            .collect();
        let lower = needle.to_lowercase();
        let expected: Vec<u32> = (0..loaded.table.len() as u32)
            .filter(|&r| {
                let fr = loaded.table.row_index[r as usize] as usize;
                texts
                    .iter()
                    .any(|t| t.get(fr).is_some_and(|s| s.to_lowercase().contains(&lower)))
            })
            .collect();
        assert_eq!(rows, expected, "search {needle:?}");
    }
}

/// The churn sample's frame decoded as the window decodes it (frame kept).
fn decode_as_window(frame: DataFrame) -> (load::EvalTable, DataFrame) {
    load::open::decode_frame(
        Path::new("sample_data/churn.parquet"),
        frame,
        "sha".into(),
        &Mapping::default(),
        &LoadOptions::default(),
    )
    .unwrap()
}

/// The Examples view's rows for `query` on every row.
fn select(table: &load::EvalTable, frame: &DataFrame, query: &ExampleQuery) -> Vec<u32> {
    examples::select_rows(table, frame, None, query, &AtomicBool::new(false)).unwrap()
}

#[test]
fn a_frame_in_several_chunks_decodes_reads_and_searches_as_one() {
    // A large Parquet file is read in row ranges kept as separate chunks.
    let path = Path::new("sample_data/churn.parquet");
    let whole = read::read_frame(path, &Default::default()).unwrap();
    let n = whole.height();
    let mut pieces = whole.slice(0, n / 3);
    pieces
        .vstack_mut(&whole.slice((n / 3) as i64, n / 3))
        .unwrap();
    pieces
        .vstack_mut(&whole.slice((2 * (n / 3)) as i64, n))
        .unwrap();
    assert!(pieces.first_col_n_chunks() >= 3);
    let (t1, f1) = decode_as_window(whole);
    let (t2, f2) = decode_as_window(pieces);
    assert_eq!(format!("{t1:?}"), format!("{t2:?}"));
    for row in [0, n / 3 - 1, n / 3, n - 1] {
        assert_eq!(
            examples::row_fields(&f1, row),
            examples::row_fields(&f2, row)
        );
    }
    let query = ExampleQuery {
        search: "sOuth".into(),
        sort: Some(("monthly_spend".into(), true)),
        ..ExampleQuery::default()
    };
    let rows1 = select(&t1, &f1, &query);
    assert!(!rows1.is_empty());
    assert_eq!(rows1, select(&t2, &f2, &query));
}

#[test]
fn search_reads_a_files_own_categorical_text() {
    // Parquet written from a pandas `category` column is read as a categorical.
    let path = Path::new("sample_data/churn.parquet");
    let plain = read::read_frame(path, &Default::default()).unwrap();
    let mut frame = plain.clone();
    let cat = frame
        .column("plan")
        .unwrap()
        .cast(&DataType::from_categories(Categories::global()))
        .unwrap();
    frame.replace("plan", cat).unwrap();
    assert!(frame.column("plan").unwrap().dtype().is_categorical());
    let (t1, f1) = decode_as_window(plain);
    let (t2, f2) = decode_as_window(frame);
    assert_eq!(format!("{t1:?}"), format!("{t2:?}"));
    let query = ExampleQuery {
        search: "ENTERPRISE".into(),
        ..ExampleQuery::default()
    };
    let rows1 = select(&t1, &f1, &query);
    assert!(!rows1.is_empty());
    assert_eq!(rows1, select(&t2, &f2, &query));
    assert_eq!(examples::row_fields(&f1, 2), examples::row_fields(&f2, 2));
}

#[test]
fn parquet_text_read_as_enums_decodes_as_text_compacted() {
    // Each CSV sample written as Parquet (text in dictionaries, row groups of
    // 500 rows): the window reads its low-cardinality text straight as enums,
    // which must give the frame that compacting the text gives, and the table
    // the command line decodes from the file.
    let dir = crate::scratch("dictionary-text");
    for sample in SAMPLES.iter().filter(|p| p.ends_with(".csv")) {
        let mut df = read::read_frame(Path::new(sample), &Default::default()).unwrap();
        let path = dir.join(
            Path::new(sample)
                .with_extension("parquet")
                .file_name()
                .unwrap(),
        );
        ParquetWriter::new(std::fs::File::create(&path).unwrap())
            .with_row_group_size(Some(500))
            .finish(&mut df)
            .unwrap();
        let path = path.to_str().unwrap();
        assert!(
            load::open::reads_compacted(
                Path::new(path),
                &Mapping::default(),
                &LoadOptions::default()
            ),
            "{sample}"
        );
        // Some text is read as enums (not compacted after reading).
        let as_read = read::read_frame(
            Path::new(path),
            &read::ReadOptions {
                compact: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(
            as_read.dtypes().iter().any(DataType::is_enum),
            "{sample}: no text read as enums"
        );
        assert_kept_is_the_text_compacted(path, &open(path, true), df);
    }
}

/// Written by pyarrow 26.0.1 (6000 rows, row groups of 2000):
/// `region` has 40 levels, and its dictionary outgrew pyarrow's
/// `dictionary_pagesize_limit=100`, so its later pages are plain (the
/// dictionary read must give way to the text read); `device` (three levels and
/// nulls) is dictionary-encoded throughout.
/// `pq.write_table(t, path, row_group_size=2000, dictionary_pagesize_limit=100,
/// data_page_size=512, write_batch_size=64)`.
const PLAIN_FALLBACK: &str = "tests/fixtures/pyarrow_plain_fallback.parquet";

#[test]
fn a_file_whose_dictionary_gave_way_to_plain_pages_reads_as_text_compacted() {
    let kept = open(PLAIN_FALLBACK, true);
    let text = read::read_frame(Path::new(PLAIN_FALLBACK), &Default::default()).unwrap();
    assert!(kept.frame.column("region").unwrap().dtype().is_enum());
    assert!(kept.frame.column("device").unwrap().dtype().is_enum());
    assert_kept_is_the_text_compacted(PLAIN_FALLBACK, &kept, text);
}

/// `kept`, the window's load of `path` (its frame compacted as it is read),
/// has the frame that compacting `text`, the file read as written, gives: every
/// column's type, values and nulls; and the table the command line decodes.
fn assert_kept_is_the_text_compacted(path: &str, kept: &load::Loaded, text: DataFrame) {
    let compacted = load::compact::compact(text).unwrap();
    assert_eq!(kept.frame.dtypes(), compacted.dtypes(), "{path}");
    for c in compacted.columns() {
        assert!(
            c.as_materialized_series().equals_missing(
                kept.frame
                    .column(c.name())
                    .unwrap()
                    .as_materialized_series()
            ),
            "{path}: {}",
            c.name()
        );
    }
    assert_eq!(
        format!("{:?}", kept.table),
        format!("{:?}", open(path, false).table),
        "{path}"
    );
}

/// The first model's scores as the table holds them.
fn table_scores(loaded: &load::Loaded) -> Vec<f64> {
    loaded.table.models[0].score.as_ref().unwrap()[..].to_vec()
}

/// Whether the table's scores are the kept frame's own buffer.
fn shares_scores(kept: &load::Loaded, column: &str) -> bool {
    let score = kept.table.models[0].score.as_ref().unwrap();
    let frame = kept.frame.column(column).unwrap().f64().unwrap();
    frame.chunks().len() == 1
        && frame.downcast_iter().next().unwrap().values().as_ptr() == score.as_ptr()
}

#[test]
fn the_table_shares_the_frames_scores_where_they_decode_as_they_are() {
    // Scores with nulls, in row groups of 100: read in one buffer with NaN
    // under the nulls, which the table takes as it is.
    let dir = crate::scratch("shared-scores");
    let n = 1_000;
    let score: Vec<Option<f64>> = (0..n)
        .map(|i| (i % 9 != 0).then_some(((i * 37) % 101) as f64 / 100.0))
        .collect();
    let frame = |score: Vec<Option<f64>>| {
        DataFrame::new(
            n,
            vec![
                Column::new(
                    "label".into(),
                    (0..n as i64).map(|i| i % 2).collect::<Vec<_>>(),
                ),
                Column::new("score_m".into(), score),
            ],
        )
        .unwrap()
    };
    let write = |name: &str, mut df: DataFrame| {
        let path = dir.join(name);
        ParquetWriter::new(std::fs::File::create(&path).unwrap())
            .with_row_group_size(Some(100))
            .finish(&mut df)
            .unwrap();
        path.to_str().unwrap().to_string()
    };
    let path = write("nulls.parquet", frame(score.clone()));
    let kept = open(&path, true);
    assert!(
        shares_scores(&kept, "score_m"),
        "the table copied the frame's scores"
    );
    let want: Vec<f64> = score.iter().map(|s| s.unwrap_or(f64::NAN)).collect();
    assert_eq!(format!("{:?}", table_scores(&kept)), format!("{want:?}"));
    // The command line's decode (no kept frame) gives the same scores.
    assert_eq!(
        format!("{:?}", table_scores(&open(&path, false))),
        format!("{want:?}")
    );

    // A -0.0 is read as 0.0 by the decode, so that file's scores are copied.
    let mut signed = score;
    signed[1] = Some(-0.0);
    let path = write("negative-zero.parquet", frame(signed));
    let kept = open(&path, true);
    assert!(!shares_scores(&kept, "score_m"));
    assert_eq!(table_scores(&kept)[1].to_bits(), 0.0f64.to_bits());
}

/// The window leaves a Parquet file's id out of its load (issue 15: a sixth of
/// a 10M-row load, and no number reads it) and reads it once the first
/// overview is drawn. The table is the one the whole frame decodes to, and the
/// frame, once completed, is the whole frame: the same cells, the same
/// columns in the file's order.
#[test]
fn a_deferred_id_is_read_back_into_the_frame_the_whole_load_makes() {
    use faultline::load::kept_frame::KeptFrame;
    let path = "sample_data/churn.parquet";
    let whole = open(path, true);
    let options = LoadOptions {
        defer_id: true,
        ..LoadOptions::default()
    };
    let direct = load::load(Path::new(path), &Mapping::default(), &options).unwrap();
    let joined = faultline::join::load_joined(&[path.into()], &Mapping::default(), &options)
        .map(|j| (j.frame, j.table, j.deferred))
        .unwrap();
    for (frame, table, deferred) in [(direct.frame, direct.table, direct.deferred), joined] {
        assert_eq!(deferred, ["id"]);
        assert!(frame.column("id").is_err());
        assert_eq!(table.id_column.as_deref(), Some("id"));
        assert_eq!(format!("{table:?}"), format!("{:?}", whole.table));
        let kept = KeptFrame::new(frame, path.into(), deferred);
        assert!(kept.is_pending());
        assert!(kept.shown().column("id").is_err());
        // A job that reads only columns already read does not wait for the id.
        let early = kept.with_columns(["region", "age"].into_iter());
        assert!(kept.is_pending());
        assert!(early.column("id").is_err());
        let read = kept.with_columns(["region", "id"].into_iter());
        assert!(read.column("id").is_ok());
        let read = kept.read().expect("the id reads");
        assert!(!kept.is_pending());
        assert_eq!(read.get_column_names(), whole.frame.get_column_names());
        assert!(read.equals_missing(&whole.frame));
        assert!(kept.shown().equals_missing(&whole.frame));
    }
    // Nothing is left out of a text file, of a load that keeps no frame, or of
    // one asked for a list of features.
    let csv = load::load(
        Path::new("sample_data/adult_models.csv"),
        &Mapping::default(),
        &options,
    )
    .unwrap();
    assert!(csv.deferred.is_empty());
    for options in [
        LoadOptions {
            keep_frame: false,
            ..options.clone()
        },
        LoadOptions {
            features: Some(vec!["region".into()]),
            ..options.clone()
        },
    ] {
        assert!(
            load::load(Path::new(path), &Mapping::default(), &options)
                .unwrap()
                .deferred
                .is_empty()
        );
    }
}

/// A file replaced between the load and the deferred read (other rows): the
/// read says so, and jobs go on with the columns read before.
#[test]
fn a_file_changed_before_its_deferred_read_is_an_error_that_keeps_the_frame() {
    use faultline::load::kept_frame::KeptFrame;
    let dir = crate::scratch("deferred_changed");
    let path = dir.join("churn.parquet");
    std::fs::copy("sample_data/churn.parquet", &path).unwrap();
    let options = LoadOptions {
        defer_id: true,
        ..LoadOptions::default()
    };
    let loaded = load::load(&path, &Mapping::default(), &options).unwrap();
    let kept = KeptFrame::new(loaded.frame, path.clone(), loaded.deferred);
    let mut fewer = read::read_frame(Path::new("sample_data/churn.parquet"), &Default::default())
        .unwrap()
        .head(Some(100));
    ParquetWriter::new(std::fs::File::create(&path).unwrap())
        .finish(&mut fewer)
        .unwrap();
    let err = kept.read().expect_err("the file changed");
    assert!(err.contains("changed after it was opened"), "{err}");
    assert!(err.contains("100 rows now, 24000 then"), "{err}");
    assert!(kept.whole().column("id").is_err());
    assert_eq!(kept.whole().height(), 24_000);
}

/// The window leaves a Parquet file's feature columns out of its load too
/// (issue 15: two fifths of a 10M-row load, and the first overview reads none
/// of them) and decodes them once the first overview is drawn. Once decoded,
/// the table and the frame are those the whole load makes: the same features
/// in the same order, the same derived text features, the same cells. Checked
/// on each task's sample written as Parquet (multiclass probabilities and a
/// ranking's query are roles, not features), and on one with a text column.
#[test]
fn deferred_features_decode_to_the_table_and_frame_the_whole_load_makes() {
    use faultline::load::kept_frame::KeptFrame;
    let dir = crate::scratch("deferred_features");
    let mut files = Vec::new();
    for path in SAMPLES {
        let mut frame = read::read_frame(Path::new(path), &Default::default()).unwrap();
        if *path == "sample_data/churn.parquet" {
            // A free-text column: its length and word count are derived features.
            let notes: Vec<String> = (0..frame.height())
                .map(|i| {
                    let said = [
                        "the bill came late again",
                        "the app crashed twice",
                        "all fine",
                    ];
                    format!("note {i} from the support desk: {}", said[i % 3])
                })
                .collect();
            frame
                .with_column(Column::new("notes".into(), notes))
                .unwrap();
        }
        let name = Path::new(path).file_stem().unwrap().to_str().unwrap();
        let file = dir.join(format!("{name}.parquet"));
        ParquetWriter::new(std::fs::File::create(&file).unwrap())
            .finish(&mut frame)
            .unwrap();
        files.push(file);
    }
    let id_only = LoadOptions {
        defer_id: true,
        ..LoadOptions::default()
    };
    let deferring = LoadOptions {
        defer_features: true,
        ..id_only.clone()
    };
    for file in &files {
        let whole = load::load(file, &Mapping::default(), &id_only).unwrap();
        let early = load::load(file, &Mapping::default(), &deferring).unwrap();
        let what = file.display();
        assert!(early.features_deferred, "{what}");
        assert!(early.table.features.is_empty(), "{what}");
        // The roles are read: labels, predictions, scores as the whole load's.
        let mut table = early.table.clone();
        table.features = whole.table.features.clone();
        assert_eq!(format!("{table:?}"), format!("{:?}", whole.table), "{what}");
        let kept = KeptFrame::new(early.frame, file.clone(), early.deferred);
        let read = kept.read().expect("the deferred columns read");
        let (table, frame) = load::open::decode_deferred_features(
            &early.table,
            &read,
            &Mapping::default(),
            &LoadOptions::default(),
        )
        .unwrap();
        assert!(!whole.table.features.is_empty(), "{what}");
        assert_eq!(format!("{table:?}"), format!("{:?}", whole.table), "{what}");
        let whole_frame = KeptFrame::new(whole.frame, file.clone(), whole.deferred)
            .read()
            .unwrap();
        assert_eq!(
            frame.get_column_names(),
            whole_frame.get_column_names(),
            "{what}"
        );
        assert!(frame.equals_missing(&whole_frame), "{what}");
    }
    let churn = load::load(&files[0], &Mapping::default(), &deferring).unwrap();
    let kept = KeptFrame::new(
        churn.frame.clone(),
        files[0].clone(),
        churn.deferred.clone(),
    );
    let (table, _) = load::open::decode_deferred_features(
        &churn.table,
        &kept.read().unwrap(),
        &Mapping::default(),
        &LoadOptions::default(),
    )
    .unwrap();
    assert!(
        table.feature_index("len(notes)").is_ok(),
        "{:?}",
        table.features.iter().map(|f| &f.name).collect::<Vec<_>>()
    );
    assert!(churn.deferred.iter().any(|c| c == "notes"));
    assert!(
        !churn
            .deferred
            .iter()
            .any(|c| c == "score_baseline" || c == "label")
    );
    // Nothing is deferred without the id's deferral, nor with a cluster column
    // (the load reads it).
    for (mapping, options) in [
        (
            Mapping::default(),
            LoadOptions {
                defer_id: false,
                ..deferring.clone()
            },
        ),
        (
            Mapping {
                cluster: Some("region".into()),
                ..Mapping::default()
            },
            deferring.clone(),
        ),
    ] {
        let loaded = load::load(&files[0], &mapping, &options).unwrap();
        assert!(!loaded.features_deferred);
        assert!(!loaded.table.features.is_empty());
    }
}
