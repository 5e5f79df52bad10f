-- The queue intervals of every source, in the canonical shape, with the source system that sent each row.
{{ union_sources('queue_intervals') }}
