-- Schemas and the tables that are not models: operations (runs, batches, stream state, quarantine) and
-- enrichment outputs (written incrementally by etl.enrich, never rebuilt by the model runner).
-- Applied at the start of every writing session; every statement is idempotent.
create schema if not exists raw;
create schema if not exists staging;
create schema if not exists core;
create schema if not exists marts;
create schema if not exists ops;

-- one row per command run (ingest, build, run)
create table if not exists ops.runs (
    run_id bigint not null,
    command text not null,
    started_at timestamp not null,
    finished_at timestamp,
    status text not null,
    message text,
    rows_loaded bigint,
    rows_rejected bigint
);

-- one row per file loaded into a raw table (a batch)
create table if not exists ops.batches (
    batch_id bigint not null,
    run_id bigint not null,
    source_name text not null,
    stream text not null,
    source_file text not null,
    file_digest text not null,
    file_bytes bigint not null,
    records_read bigint not null,
    rows_loaded bigint not null,
    rows_duplicate bigint not null,
    rows_rejected bigint not null,
    unknown_fields text,
    loaded_at timestamp not null
);
-- added after the first release: warehouses built before it gain the column here
alter table ops.batches add column if not exists unknown_fields text;

-- one row per source x stream: how far loading has got
create table if not exists ops.stream_state (
    source_name text not null,
    stream text not null,
    watermark timestamp,
    last_batch_id bigint,
    files_loaded bigint not null,
    rows_loaded bigint not null,
    updated_at timestamp not null
);

-- one row per input record that could not be loaded, with why
create table if not exists ops.rejected_records (
    batch_id bigint not null,
    source_name text not null,
    stream text not null,
    source_file text not null,
    source_line bigint,
    field_name text,
    reason text not null,
    payload text,
    rejected_at timestamp not null
);

-- one row per model built
create table if not exists ops.model_builds (
    run_id bigint not null,
    model text not null,
    row_count bigint not null,
    build_seconds double precision not null,
    built_at timestamp not null
);


-- added with interrupted-run recovery: which process ran a run (a killed run is marked "interrupted")
alter table ops.runs add column if not exists pid bigint;
alter table ops.runs add column if not exists host text;


-- one row per file a run met, whatever became of it: loaded, partial (some records unrecoverable), failed,
-- ignored (its name matches no pattern of the format) or skipped (already loaded). Counts are rows (fan-out
-- rows included): records_read = rows_loaded + rows_duplicate + records_quarantined + records_unrecoverable.
-- source_records_* count the records as exported (a ticket audit once, however many event rows it gives).
create table if not exists ops.file_loads (
    run_id bigint not null,
    source_name text not null,
    kind text not null,
    source_file text not null,
    status text not null,
    records_read bigint not null,
    rows_loaded bigint not null,
    rows_duplicate bigint not null,
    records_quarantined bigint not null,
    records_unrecoverable bigint not null,
    source_records_read bigint not null,
    source_records_rejected bigint not null,
    reason text,
    recorded_at timestamp not null
);


-- People who correct the detectors (issue 12). Not a model: never dropped or rebuilt, never written by a model.
-- One row per judgement a person made of one detector's output on one conversation (or one message of it).
-- detector: intent | sentiment | restatement | escalation_trigger.
-- predicted_value: what the detector said when the person looked (intent name; negative/neutral/positive;
-- yes/no; the trigger name); detector_version: the version that said it.
-- label_value: the person's answer: the right intent; the message's sentiment; yes/no; for a trigger 'right'/'wrong'.
-- is_correct: whether the detector's output was right, set when the label is written.
-- The latest row of one (interaction_id, coalesce(message_id, ''), detector) is the one that counts.
create schema if not exists feedback;
create table if not exists feedback.labels (
    label_id text not null,
    interaction_id text not null,
    message_id text,
    detector text not null,
    detector_version text,
    predicted_value text,
    label_value text not null,
    is_correct boolean,
    labelled_by text not null,
    labelled_at timestamp not null,
    note text
);

-- Calibrations of the detectors' thresholds from people's labels (`cxpulse calibrate`, etl/calibration.py).
-- Never dropped or rebuilt: every version stays selectable ([detectors] calibration = "latest", "none" or
-- a version). One row per calibration version and parameter; a version holds every parameter (changed or
-- kept), so it alone says which thresholds the detectors apply.
-- parameter: restatement_threshold | sentiment_negative_below | sentiment_positive_above |
-- intent_confidence_floor. value: what this version applies; previous_value: what the active calibration
-- applied when it was made. count_labels: the labels the parameter was fitted on. precision_* / recall_*:
-- on those labels, under previous_value (before) and value (after), each with its 95% Wilson interval
-- (null when not measured). status: changed | kept; reason: why a parameter kept its value, or its objective.
create table if not exists ops.detector_calibrations (
    calibration_version text not null,
    calibration_seq integer not null,
    created_at timestamp not null,
    created_by text not null,
    parameter text not null,
    value double precision not null,
    previous_value double precision not null,
    count_labels integer not null,
    precision_before double precision,
    precision_before_low double precision,
    precision_before_high double precision,
    recall_before double precision,
    recall_before_low double precision,
    recall_before_high double precision,
    precision_after double precision,
    precision_after_low double precision,
    precision_after_high double precision,
    recall_after double precision,
    recall_after_low double precision,
    recall_after_high double precision,
    status text not null,
    reason text
);

-- The audit log (issue 13, docs/audit.md): one row per thing a person did in the app. Never dropped or rebuilt.
-- event_kind: page_view | conversation_opened | export | denied. identity and role: who (the sign-in's identity
-- claim; no other personal data); signed_in: false in open mode. page: the page's URL path; filters: the bound
-- values of the global filters as JSON; conversation_id: the conversation opened or refused; export_*: the file
-- name, its format (csv, xlsx, png, svg, pdf), its data rows and column headers (JSON list). session_id: the
-- browser session. PostgreSQL: the app appends here itself; DuckDB: each run copies the app's sidecar
-- (<warehouse>.audit.jsonl) in, by event_id (etl/audit_log.py keeps the same columns).
create table if not exists ops.audit_events (
    event_id text not null,
    occurred_at timestamp not null,
    identity text not null,
    role text not null,
    signed_in boolean not null,
    event_kind text not null,
    page text,
    filters text,
    conversation_id text,
    export_name text,
    export_format text,
    export_rows bigint,
    export_columns text,
    session_id text not null
);

-- Clear personal data, kept only when `[privacy] keep_clear_text = true` (docs/privacy.md), written in the
-- same transaction as the batch whose values it holds. Only admin may read it: on PostgreSQL it is revoked
-- from PUBLIC (etl.load.bootstrap). Not a model: never dropped or rebuilt, like feedback.labels.
-- clear_text: one row per value the ingest replaced (free text masked, e-mail or phone pseudonymised,
-- customer name masked), at its batch, file, line and field (the raw column name).
create schema if not exists restricted;
create table if not exists restricted.clear_text (
    batch_id bigint not null,
    source_file text not null,
    source_line bigint,
    field_name text not null,
    clear_value text not null
);
-- identity_clear: one row per pseudonym (em_/ph_ + HMAC-SHA256 hex) and clear spelling it stands for.
create table if not exists restricted.identity_clear (
    pseudonym text not null,
    kind text not null,
    clear_value text not null
);

-- What the last successful run depended on (etl/run_fingerprint.py): a digest per part of its inputs, and its
-- input files with their stats and content digests. Written in the transaction that marks the run succeeded,
-- replacing the previous one; the next run compares before it takes the writer lock, and does nothing when
-- nothing changed. with_files: whether the run ingested (a `cxpulse build` vouches for no file).
create table if not exists ops.run_fingerprints (
    run_id bigint not null,
    command text not null,
    with_files boolean not null,
    models_digest text not null,
    settings_digest text not null,
    calibration_digest text not null,
    labels_digest text not null,
    code_digest text not null
);
create table if not exists ops.run_fingerprint_files (
    run_id bigint not null,
    source_name text not null,
    source_file text not null,
    size_bytes bigint not null,
    mtime_ns bigint not null,
    file_digest text not null
)
