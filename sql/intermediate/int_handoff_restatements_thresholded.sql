-- One row per handed-off conversation scored under the current restatement scores' version, with the
-- restatement verdict under the active calibration: the one place the restatement threshold is applied.
-- A conversation is a restatement when a post-handoff turn says so outright (has_restatement_cue), or its
-- containment similarity is at least var('restatement_threshold') (the active calibration's, 0.5 shipped;
-- etl/calibration.py) with at least var('restatement_min_shared_words') shared stems (etl/enrich/restatement.py).
-- restatement_detector_version is the scores' version and the calibration, stamped on what this verdict feeds.
with scores as (

    select * from {{ enriched('handoff_restatement') }}
    where restatement_version = '{{ var("restatement_version") }}'

)

select
    interaction_id,
    count_customer_turns_before,
    count_customer_turns_after,
    similarity,
    count_shared_words,
    coalesce(has_restatement_cue, false) as has_restatement_cue,
    coalesce(has_restatement_cue, false)
        or coalesce(similarity >= {{ var('restatement_threshold') }}
            and count_shared_words >= {{ var('restatement_min_shared_words') }}, false) as is_restatement,
    restatement_version,
    '{{ var("restatement_detector_version") }}' as restatement_detector_version
from scores
