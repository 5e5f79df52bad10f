-- One row per cluster of the latest intent discovery under the current discovery version: what the contacts
-- without an intent talk about (etl/enrich/intent_discovery.py). Empty when no discovery has clustered anything;
-- core.enr_intent_clusters then holds the reason.
with discoveries as (

    select *
    from {{ enriched('intent_clusters') }}
    where discovery_version = '{{ var('intent_discovery_version') }}'

),

latest_run as (

    select max(run_id) as run_id from discoveries

)

select
    discoveries.cluster_id,
    discoveries.cluster_size,
    discoveries.top_terms,
    discoveries.cohesion,
    discoveries.n_texts,
    discoveries.n_without_terms,
    discoveries.k,
    discoveries.silhouette,
    discoveries.discovery_version,
    discoveries.input_hash,
    discoveries.discovered_at,
    discoveries.run_id
from discoveries
inner join latest_run
    on latest_run.run_id = discoveries.run_id
where discoveries.cluster_id is not null
