# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_faultline_global_optspecs
    string join \n task= label= id= pred= score= positive= threshold= pass= grade= cluster= describe= query= input-format= encoding= connect= verbose k= sensitive= calibration-bins= cost-fp= cost-fn= view= select= screenshot= window-size= h/help V/version
end

function __fish_faultline_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_faultline_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_faultline_using_subcommand
    set -l cmd (__fish_faultline_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c faultline -n "__fish_faultline_needs_command" -l task -d 'Task instead of inferring it from the label, e.g. `--task multiclass`' -r -f -a "binary\t''
multiclass\t''
regression\t''
graded\t'Graded evaluations (LLM outputs): per model a pass/fail grade and/or a numeric score per example, often over repeated runs; no label'
ranking\t'Ranking (search, feeds): one row per (query, item) with the item\'s graded relevance as the label and each model\'s score; metrics are per query'"
complete -c faultline -n "__fish_faultline_needs_command" -l label -d 'Label column, e.g. `--label truth`' -r
complete -c faultline -n "__fish_faultline_needs_command" -l id -d 'Id column (joins several files), e.g. `--id example_id`' -r
complete -c faultline -n "__fish_faultline_needs_command" -l pred -d 'Predicted-label column of model NAME, repeatable, e.g. `--pred new=yhat_new`' -r
complete -c faultline -n "__fish_faultline_needs_command" -l score -d 'Positive-class probability column of model NAME (binary), repeatable, e.g. `--score new=p_new`' -r
complete -c faultline -n "__fish_faultline_needs_command" -l positive -d 'Positive class of a binary label, e.g. `--positive churned`' -r
complete -c faultline -n "__fish_faultline_needs_command" -l threshold -d 'Threshold in [0, 1] that turns a score into a predicted label (score >= T), e.g. `--threshold 0.3`. Default 0.5' -r
complete -c faultline -n "__fish_faultline_needs_command" -l pass -d 'Pass/fail grade column of graded model NAME (booleans, 0/1, pass/fail), repeatable, e.g. `--pass gpt=correct_gpt`' -r
complete -c faultline -n "__fish_faultline_needs_command" -l grade -d 'Numeric grade (judge score, any scale) of graded model NAME, repeatable, e.g. `--grade gpt=judge_gpt`' -r
complete -c faultline -n "__fish_faultline_needs_command" -l cluster -d 'Column grouping examples into clusters (a passage, a conversation): intervals use the clustered standard error, e.g. `--cluster passage`' -r
complete -c faultline -n "__fish_faultline_needs_command" -l describe -d 'A text descriptor: feature NAME is whether column COL matches REGEX, repeatable, e.g. `--describe refusal=response_a~(?i)i cannot`' -r
complete -c faultline -n "__fish_faultline_needs_command" -l query -d 'Ranking: the column naming each row\'s query (inferred from `query_id` or `qid`), e.g. `--query session`' -r
complete -c faultline -n "__fish_faultline_needs_command" -l input-format -d 'The input\'s format instead of its extension\'s; required to read standard input (`-`), e.g. `--input-format csv`' -r -f -a "csv\t''
tsv\t''
parquet\t''
json\t'One JSON array of objects'
jsonl\t'One JSON object per line'
arrow\t'Arrow IPC, file or stream format (told apart by the file\'s magic bytes)'"
complete -c faultline -n "__fish_faultline_needs_command" -l encoding -d 'Text encoding of CSV, TSV and JSON input, e.g. `--encoding windows-1252` for a spreadsheet\'s export' -r -f -a "utf8\t''
latin1\t'ISO-8859-1: every byte is the code point of the same number'
windows-1252\t'Windows-1252, what spreadsheets on Windows save as "CSV"'"
complete -c faultline -n "__fish_faultline_needs_command" -l connect -d 'The Spark Connect server of a `spark://TABLE_OR_PATH` source, e.g. `--connect sc://localhost:15002` (default: $SPARK_REMOTE)' -r
complete -c faultline -n "__fish_faultline_needs_command" -l k -d 'Graded: report pass@K over each example\'s repeated runs (`--k 3`). Ranking: the cutoffs of NDCG@K, precision@K and recall@K (default 5,10)' -r
complete -c faultline -n "__fish_faultline_needs_command" -l sensitive -d 'Fairness (binary): per group of each COL, rates with intervals and the disparities between groups (Fairlearn\'s definitions)' -r
complete -c faultline -n "__fish_faultline_needs_command" -l calibration-bins -d 'Calibration (binary with scores): bins of the expected calibration error (default 10)' -r
complete -c faultline -n "__fish_faultline_needs_command" -l cost-fp -d 'Cost of a false positive: with --cost-fn, report the expected cost per example and the threshold that minimizes it' -r
complete -c faultline -n "__fish_faultline_needs_command" -l cost-fn -d 'Cost of a false negative (with --cost-fp)' -r
complete -c faultline -n "__fish_faultline_needs_command" -l view -d 'The view to show first, e.g. `--view compare`' -r -f -a "overview\t''
slices\t''
examples\t''
cohorts\t''
mapping\t''
failures\t''
compare\t''
brief\t''
fairness\t''"
complete -c faultline -n "__fish_faultline_needs_command" -l select -d 'Open the example inspector on the Nth example of the table (1-based), e.g. `--view examples --select 12`' -r
complete -c faultline -n "__fish_faultline_needs_command" -l screenshot -d 'Render the view to this PNG in a real window and exit, e.g. `--screenshot overview.png`' -r -F
complete -c faultline -n "__fish_faultline_needs_command" -l window-size -d 'The window\'s size in points, e.g. `--window-size 1400x1600` (a tall screenshot)' -r
complete -c faultline -n "__fish_faultline_needs_command" -l verbose -d 'Log every SQL query sent to Spark on stderr (to audit what a Spark source runs)'
complete -c faultline -n "__fish_faultline_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c faultline -n "__fish_faultline_needs_command" -s V -l version -d 'Print version'
complete -c faultline -n "__fish_faultline_needs_command" -a "metrics" -d 'Metrics per model, overall and per slice, with 95% intervals'
complete -c faultline -n "__fish_faultline_needs_command" -a "slices" -d 'Failure slices (SliceLine): where a model\'s error is far above average, with significance'
complete -c faultline -n "__fish_faultline_needs_command" -a "compare" -d 'Compare a candidate with a baseline on the same rows: paired deltas, flips, McNemar, per-slice verdicts'
complete -c faultline -n "__fish_faultline_needs_command" -a "brief" -d 'Write an error-analysis brief (Markdown, HTML or JSON) from a session or straight from data'
complete -c faultline -n "__fish_faultline_needs_command" -a "agreement" -d 'Agreement of two raters of the same items (a judge against a human): raw agreement and Cohen\'s kappa with bootstrap intervals'
complete -c faultline -n "__fish_faultline_needs_command" -a "completions" -d 'Print a shell completion script, e.g. `faultline completions bash > /etc/bash_completion.d/faultline`'
complete -c faultline -n "__fish_faultline_needs_command" -a "man" -d 'Print the manual page (roff), e.g. `faultline man > faultline.1`'
complete -c faultline -n "__fish_faultline_needs_command" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l task -d 'Task instead of inferring it from the label, e.g. `--task multiclass`' -r -f -a "binary\t''
multiclass\t''
regression\t''
graded\t'Graded evaluations (LLM outputs): per model a pass/fail grade and/or a numeric score per example, often over repeated runs; no label'
ranking\t'Ranking (search, feeds): one row per (query, item) with the item\'s graded relevance as the label and each model\'s score; metrics are per query'"
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l label -d 'Label column, e.g. `--label truth`' -r
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l id -d 'Id column (joins several files), e.g. `--id example_id`' -r
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l pred -d 'Predicted-label column of model NAME, repeatable, e.g. `--pred new=yhat_new`' -r
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l score -d 'Positive-class probability column of model NAME (binary), repeatable, e.g. `--score new=p_new`' -r
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l positive -d 'Positive class of a binary label, e.g. `--positive churned`' -r
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l threshold -d 'Threshold in [0, 1] that turns a score into a predicted label (score >= T), e.g. `--threshold 0.3`. Default 0.5' -r
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l pass -d 'Pass/fail grade column of graded model NAME (booleans, 0/1, pass/fail), repeatable, e.g. `--pass gpt=correct_gpt`' -r
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l grade -d 'Numeric grade (judge score, any scale) of graded model NAME, repeatable, e.g. `--grade gpt=judge_gpt`' -r
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l cluster -d 'Column grouping examples into clusters (a passage, a conversation): intervals use the clustered standard error, e.g. `--cluster passage`' -r
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l describe -d 'A text descriptor: feature NAME is whether column COL matches REGEX, repeatable, e.g. `--describe refusal=response_a~(?i)i cannot`' -r
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l query -d 'Ranking: the column naming each row\'s query (inferred from `query_id` or `qid`), e.g. `--query session`' -r
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l k -d 'Graded: report pass@K over each example\'s repeated runs (`--k 3`). Ranking: the cutoffs of NDCG@K, precision@K and recall@K (default 5,10)' -r
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l sensitive -d 'Fairness (binary): per group of each COL, rates with intervals and the disparities between groups (Fairlearn\'s definitions)' -r
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l calibration-bins -d 'Calibration (binary with scores): bins of the expected calibration error (default 10)' -r
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l cost-fp -d 'Cost of a false positive: with --cost-fn, report the expected cost per example and the threshold that minimizes it' -r
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l cost-fn -d 'Cost of a false negative (with --cost-fp)' -r
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l input-format -d 'The input\'s format instead of its extension\'s; required to read standard input (`-`), e.g. `--input-format csv`' -r -f -a "csv\t''
tsv\t''
parquet\t''
json\t'One JSON array of objects'
jsonl\t'One JSON object per line'
arrow\t'Arrow IPC, file or stream format (told apart by the file\'s magic bytes)'"
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l encoding -d 'Text encoding of CSV, TSV and JSON input, e.g. `--encoding windows-1252` for a spreadsheet\'s export' -r -f -a "utf8\t''
latin1\t'ISO-8859-1: every byte is the code point of the same number'
windows-1252\t'Windows-1252, what spreadsheets on Windows save as "CSV"'"
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l connect -d 'The Spark Connect server of a `spark://TABLE_OR_PATH` source, e.g. `--connect sc://localhost:15002` (default: $SPARK_REMOTE)' -r
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l by -d 'Slice by these columns (every combination that occurs), e.g. `--by region,device`' -r
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l bins -d 'Quantile bins for numeric `--by` columns, e.g. `--bins 4`' -r
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l format -d 'Output format, e.g. `--format json`' -r -f -a "table\t'An aligned table for people'
json\t'Exactly one JSON document (contract section 3)'"
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l seed -d 'Seed of the bootstrap intervals; the same seed gives the same intervals, e.g. `--seed 7`' -r
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l resamples -d 'Bootstrap resamples for intervals without a closed form, 100 to 100000, e.g. `--resamples 2000`' -r
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l verbose -d 'Log every SQL query sent to Spark on stderr (to audit what a Spark source runs)'
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -l timings -d 'Print the time of each phase and the size of the columns read to stderr (for benchmarks)'
complete -c faultline -n "__fish_faultline_using_subcommand metrics" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l task -d 'Task instead of inferring it from the label, e.g. `--task multiclass`' -r -f -a "binary\t''
multiclass\t''
regression\t''
graded\t'Graded evaluations (LLM outputs): per model a pass/fail grade and/or a numeric score per example, often over repeated runs; no label'
ranking\t'Ranking (search, feeds): one row per (query, item) with the item\'s graded relevance as the label and each model\'s score; metrics are per query'"
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l label -d 'Label column, e.g. `--label truth`' -r
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l id -d 'Id column (joins several files), e.g. `--id example_id`' -r
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l pred -d 'Predicted-label column of model NAME, repeatable, e.g. `--pred new=yhat_new`' -r
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l score -d 'Positive-class probability column of model NAME (binary), repeatable, e.g. `--score new=p_new`' -r
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l positive -d 'Positive class of a binary label, e.g. `--positive churned`' -r
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l threshold -d 'Threshold in [0, 1] that turns a score into a predicted label (score >= T), e.g. `--threshold 0.3`. Default 0.5' -r
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l pass -d 'Pass/fail grade column of graded model NAME (booleans, 0/1, pass/fail), repeatable, e.g. `--pass gpt=correct_gpt`' -r
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l grade -d 'Numeric grade (judge score, any scale) of graded model NAME, repeatable, e.g. `--grade gpt=judge_gpt`' -r
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l cluster -d 'Column grouping examples into clusters (a passage, a conversation): intervals use the clustered standard error, e.g. `--cluster passage`' -r
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l describe -d 'A text descriptor: feature NAME is whether column COL matches REGEX, repeatable, e.g. `--describe refusal=response_a~(?i)i cannot`' -r
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l query -d 'Ranking: the column naming each row\'s query (inferred from `query_id` or `qid`), e.g. `--query session`' -r
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l input-format -d 'The input\'s format instead of its extension\'s; required to read standard input (`-`), e.g. `--input-format csv`' -r -f -a "csv\t''
tsv\t''
parquet\t''
json\t'One JSON array of objects'
jsonl\t'One JSON object per line'
arrow\t'Arrow IPC, file or stream format (told apart by the file\'s magic bytes)'"
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l encoding -d 'Text encoding of CSV, TSV and JSON input, e.g. `--encoding windows-1252` for a spreadsheet\'s export' -r -f -a "utf8\t''
latin1\t'ISO-8859-1: every byte is the code point of the same number'
windows-1252\t'Windows-1252, what spreadsheets on Windows save as "CSV"'"
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l connect -d 'The Spark Connect server of a `spark://TABLE_OR_PATH` source, e.g. `--connect sc://localhost:15002` (default: $SPARK_REMOTE)' -r
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l model -d 'The model whose errors are searched, e.g. `--model candidate`' -r
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l against -d 'Search where `--model` is wrong and this model is right (regressions), e.g. `--against baseline`' -r
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l features -d 'Features to slice by (default: every categorical and numeric feature), e.g. `--features region,device`' -r
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l top -d 'How many slices to list, 1 to 10000, e.g. `--top 20`' -r
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l max-level -d 'Most predicates per slice, e.g. `--max-level 2`' -r
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l alpha -d 'Weight of error rate against size in the score, in (0, 1], e.g. `--alpha 0.9`' -r
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l min-support -d 'Smallest slice size (default: max(32, 1% of rows)), e.g. `--min-support 100`' -r
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l bins -d 'Quantile bins for numeric features, e.g. `--bins 4`' -r
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l format -d 'Output format, e.g. `--format json`' -r -f -a "table\t'An aligned table for people'
json\t'Exactly one JSON document (contract section 3)'"
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l verbose -d 'Log every SQL query sent to Spark on stderr (to audit what a Spark source runs)'
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l keep-equivalent -d 'List every slice SliceLine finds, also those selecting exactly the same rows as one listed above (by default they are one entry, under its shortest description)'
complete -c faultline -n "__fish_faultline_using_subcommand slices" -l overconfident -d 'Search for over-confident slices of a scored binary model: where the mean score most exceeds the observed positive rate'
complete -c faultline -n "__fish_faultline_using_subcommand slices" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l task -d 'Task instead of inferring it from the label, e.g. `--task multiclass`' -r -f -a "binary\t''
multiclass\t''
regression\t''
graded\t'Graded evaluations (LLM outputs): per model a pass/fail grade and/or a numeric score per example, often over repeated runs; no label'
ranking\t'Ranking (search, feeds): one row per (query, item) with the item\'s graded relevance as the label and each model\'s score; metrics are per query'"
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l label -d 'Label column, e.g. `--label truth`' -r
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l id -d 'Id column (joins several files), e.g. `--id example_id`' -r
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l pred -d 'Predicted-label column of model NAME, repeatable, e.g. `--pred new=yhat_new`' -r
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l score -d 'Positive-class probability column of model NAME (binary), repeatable, e.g. `--score new=p_new`' -r
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l positive -d 'Positive class of a binary label, e.g. `--positive churned`' -r
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l threshold -d 'Threshold in [0, 1] that turns a score into a predicted label (score >= T), e.g. `--threshold 0.3`. Default 0.5' -r
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l pass -d 'Pass/fail grade column of graded model NAME (booleans, 0/1, pass/fail), repeatable, e.g. `--pass gpt=correct_gpt`' -r
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l grade -d 'Numeric grade (judge score, any scale) of graded model NAME, repeatable, e.g. `--grade gpt=judge_gpt`' -r
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l cluster -d 'Column grouping examples into clusters (a passage, a conversation): intervals use the clustered standard error, e.g. `--cluster passage`' -r
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l describe -d 'A text descriptor: feature NAME is whether column COL matches REGEX, repeatable, e.g. `--describe refusal=response_a~(?i)i cannot`' -r
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l query -d 'Ranking: the column naming each row\'s query (inferred from `query_id` or `qid`), e.g. `--query session`' -r
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l k -d 'Graded: report pass@K over each example\'s repeated runs (`--k 3`). Ranking: the cutoffs of NDCG@K, precision@K and recall@K (default 5,10)' -r
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l sensitive -d 'Fairness (binary): per group of each COL, rates with intervals and the disparities between groups (Fairlearn\'s definitions)' -r
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l calibration-bins -d 'Calibration (binary with scores): bins of the expected calibration error (default 10)' -r
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l cost-fp -d 'Cost of a false positive: with --cost-fn, report the expected cost per example and the threshold that minimizes it' -r
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l cost-fn -d 'Cost of a false negative (with --cost-fp)' -r
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l input-format -d 'The input\'s format instead of its extension\'s; required to read standard input (`-`), e.g. `--input-format csv`' -r -f -a "csv\t''
tsv\t''
parquet\t''
json\t'One JSON array of objects'
jsonl\t'One JSON object per line'
arrow\t'Arrow IPC, file or stream format (told apart by the file\'s magic bytes)'"
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l encoding -d 'Text encoding of CSV, TSV and JSON input, e.g. `--encoding windows-1252` for a spreadsheet\'s export' -r -f -a "utf8\t''
latin1\t'ISO-8859-1: every byte is the code point of the same number'
windows-1252\t'Windows-1252, what spreadsheets on Windows save as "CSV"'"
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l connect -d 'The Spark Connect server of a `spark://TABLE_OR_PATH` source, e.g. `--connect sc://localhost:15002` (default: $SPARK_REMOTE)' -r
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l baseline -d 'The model compared against, e.g. `--baseline baseline`' -r
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l candidate -d 'The model under review, e.g. `--candidate candidate`' -r
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l by -d 'Compare per slice of these columns, e.g. `--by region,device`' -r
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l bins -d 'Quantile bins for numeric `--by` columns, e.g. `--bins 4`' -r
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l format -d 'Output format, e.g. `--format json`' -r -f -a "table\t'An aligned table for people'
json\t'Exactly one JSON document (contract section 3)'"
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l seed -d 'Seed of the bootstrap intervals; the same seed gives the same intervals, e.g. `--seed 7`' -r
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l resamples -d 'Bootstrap resamples for intervals without a closed form, 100 to 100000, e.g. `--resamples 2000`' -r
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l verbose -d 'Log every SQL query sent to Spark on stderr (to audit what a Spark source runs)'
complete -c faultline -n "__fish_faultline_using_subcommand compare" -l fail-on-regression -d 'Exit with code 3 when a slice\'s verdict is `regression` or the candidate is significantly worse overall'
complete -c faultline -n "__fish_faultline_using_subcommand compare" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l task -d 'Task instead of inferring it from the label, e.g. `--task multiclass`' -r -f -a "binary\t''
multiclass\t''
regression\t''
graded\t'Graded evaluations (LLM outputs): per model a pass/fail grade and/or a numeric score per example, often over repeated runs; no label'
ranking\t'Ranking (search, feeds): one row per (query, item) with the item\'s graded relevance as the label and each model\'s score; metrics are per query'"
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l label -d 'Label column, e.g. `--label truth`' -r
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l id -d 'Id column (joins several files), e.g. `--id example_id`' -r
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l pred -d 'Predicted-label column of model NAME, repeatable, e.g. `--pred new=yhat_new`' -r
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l score -d 'Positive-class probability column of model NAME (binary), repeatable, e.g. `--score new=p_new`' -r
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l positive -d 'Positive class of a binary label, e.g. `--positive churned`' -r
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l threshold -d 'Threshold in [0, 1] that turns a score into a predicted label (score >= T), e.g. `--threshold 0.3`. Default 0.5' -r
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l pass -d 'Pass/fail grade column of graded model NAME (booleans, 0/1, pass/fail), repeatable, e.g. `--pass gpt=correct_gpt`' -r
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l grade -d 'Numeric grade (judge score, any scale) of graded model NAME, repeatable, e.g. `--grade gpt=judge_gpt`' -r
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l cluster -d 'Column grouping examples into clusters (a passage, a conversation): intervals use the clustered standard error, e.g. `--cluster passage`' -r
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l describe -d 'A text descriptor: feature NAME is whether column COL matches REGEX, repeatable, e.g. `--describe refusal=response_a~(?i)i cannot`' -r
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l query -d 'Ranking: the column naming each row\'s query (inferred from `query_id` or `qid`), e.g. `--query session`' -r
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l k -d 'Graded: report pass@K over each example\'s repeated runs (`--k 3`). Ranking: the cutoffs of NDCG@K, precision@K and recall@K (default 5,10)' -r
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l sensitive -d 'Fairness (binary): per group of each COL, rates with intervals and the disparities between groups (Fairlearn\'s definitions)' -r
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l calibration-bins -d 'Calibration (binary with scores): bins of the expected calibration error (default 10)' -r
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l cost-fp -d 'Cost of a false positive: with --cost-fn, report the expected cost per example and the threshold that minimizes it' -r
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l cost-fn -d 'Cost of a false negative (with --cost-fp)' -r
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l input-format -d 'The input\'s format instead of its extension\'s; required to read standard input (`-`), e.g. `--input-format csv`' -r -f -a "csv\t''
tsv\t''
parquet\t''
json\t'One JSON array of objects'
jsonl\t'One JSON object per line'
arrow\t'Arrow IPC, file or stream format (told apart by the file\'s magic bytes)'"
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l encoding -d 'Text encoding of CSV, TSV and JSON input, e.g. `--encoding windows-1252` for a spreadsheet\'s export' -r -f -a "utf8\t''
latin1\t'ISO-8859-1: every byte is the code point of the same number'
windows-1252\t'Windows-1252, what spreadsheets on Windows save as "CSV"'"
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l connect -d 'The Spark Connect server of a `spark://TABLE_OR_PATH` source, e.g. `--connect sc://localhost:15002` (default: $SPARK_REMOTE)' -r
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l baseline -d 'The model compared against (with data files), e.g. `--baseline baseline`' -r
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l candidate -d 'The model under review (with data files), e.g. `--candidate candidate`' -r
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l out -d 'Where to write, or - for standard output; the extension picks the format: .md (charts as SVG beside it), .html or .json' -r -F
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l format -d 'The format instead of the extension\'s; required with `--out -`' -r -f -a "md\t'Markdown (charts as SVG files beside it, or inline on standard output)'
html\t'One self-contained HTML file'
json\t''"
complete -c faultline -n "__fish_faultline_using_subcommand brief" -l verbose -d 'Log every SQL query sent to Spark on stderr (to audit what a Spark source runs)'
complete -c faultline -n "__fish_faultline_using_subcommand brief" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c faultline -n "__fish_faultline_using_subcommand agreement" -l input-format -d 'The input\'s format instead of its extension\'s; required to read standard input (`-`), e.g. `--input-format csv`' -r -f -a "csv\t''
tsv\t''
parquet\t''
json\t'One JSON array of objects'
jsonl\t'One JSON object per line'
arrow\t'Arrow IPC, file or stream format (told apart by the file\'s magic bytes)'"
complete -c faultline -n "__fish_faultline_using_subcommand agreement" -l encoding -d 'Text encoding of CSV, TSV and JSON input, e.g. `--encoding windows-1252` for a spreadsheet\'s export' -r -f -a "utf8\t''
latin1\t'ISO-8859-1: every byte is the code point of the same number'
windows-1252\t'Windows-1252, what spreadsheets on Windows save as "CSV"'"
complete -c faultline -n "__fish_faultline_using_subcommand agreement" -l connect -d 'The Spark Connect server of a `spark://TABLE_OR_PATH` source, e.g. `--connect sc://localhost:15002` (default: $SPARK_REMOTE)' -r
complete -c faultline -n "__fish_faultline_using_subcommand agreement" -l raters -d 'The two rater columns, e.g. `--raters judge_verdict,human_verdict`' -r
complete -c faultline -n "__fish_faultline_using_subcommand agreement" -l weights -d 'Weigh disagreements by distance (ordinal ratings such as 1-5 scores), e.g. `--weights quadratic`' -r -f -a "none\t'Every disagreement counts the same (plain Cohen\'s kappa)'
linear\t'By how many categories apart the ratings are'
quadratic\t'By the square of that'"
complete -c faultline -n "__fish_faultline_using_subcommand agreement" -l by -d 'Agreement per value of this column too, e.g. `--by genre`' -r
complete -c faultline -n "__fish_faultline_using_subcommand agreement" -l bins -d 'Quantile bins for a numeric `--by` column, e.g. `--bins 4`' -r
complete -c faultline -n "__fish_faultline_using_subcommand agreement" -l format -d 'Output format, e.g. `--format json`' -r -f -a "table\t'An aligned table for people'
json\t'Exactly one JSON document (contract section 3)'"
complete -c faultline -n "__fish_faultline_using_subcommand agreement" -l seed -d 'Seed of the bootstrap intervals; the same seed gives the same intervals, e.g. `--seed 7`' -r
complete -c faultline -n "__fish_faultline_using_subcommand agreement" -l resamples -d 'Bootstrap resamples for intervals without a closed form, 100 to 100000, e.g. `--resamples 2000`' -r
complete -c faultline -n "__fish_faultline_using_subcommand agreement" -l verbose -d 'Log every SQL query sent to Spark on stderr (to audit what a Spark source runs)'
complete -c faultline -n "__fish_faultline_using_subcommand agreement" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c faultline -n "__fish_faultline_using_subcommand completions" -s h -l help -d 'Print help'
complete -c faultline -n "__fish_faultline_using_subcommand man" -s h -l help -d 'Print help'
complete -c faultline -n "__fish_faultline_using_subcommand help; and not __fish_seen_subcommand_from metrics slices compare brief agreement completions man help" -f -a "metrics" -d 'Metrics per model, overall and per slice, with 95% intervals'
complete -c faultline -n "__fish_faultline_using_subcommand help; and not __fish_seen_subcommand_from metrics slices compare brief agreement completions man help" -f -a "slices" -d 'Failure slices (SliceLine): where a model\'s error is far above average, with significance'
complete -c faultline -n "__fish_faultline_using_subcommand help; and not __fish_seen_subcommand_from metrics slices compare brief agreement completions man help" -f -a "compare" -d 'Compare a candidate with a baseline on the same rows: paired deltas, flips, McNemar, per-slice verdicts'
complete -c faultline -n "__fish_faultline_using_subcommand help; and not __fish_seen_subcommand_from metrics slices compare brief agreement completions man help" -f -a "brief" -d 'Write an error-analysis brief (Markdown, HTML or JSON) from a session or straight from data'
complete -c faultline -n "__fish_faultline_using_subcommand help; and not __fish_seen_subcommand_from metrics slices compare brief agreement completions man help" -f -a "agreement" -d 'Agreement of two raters of the same items (a judge against a human): raw agreement and Cohen\'s kappa with bootstrap intervals'
complete -c faultline -n "__fish_faultline_using_subcommand help; and not __fish_seen_subcommand_from metrics slices compare brief agreement completions man help" -f -a "completions" -d 'Print a shell completion script, e.g. `faultline completions bash > /etc/bash_completion.d/faultline`'
complete -c faultline -n "__fish_faultline_using_subcommand help; and not __fish_seen_subcommand_from metrics slices compare brief agreement completions man help" -f -a "man" -d 'Print the manual page (roff), e.g. `faultline man > faultline.1`'
complete -c faultline -n "__fish_faultline_using_subcommand help; and not __fish_seen_subcommand_from metrics slices compare brief agreement completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
