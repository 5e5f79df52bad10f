-- The figures every source's own system computed, in the canonical shape, with the source system of each row.
{{ union_sources('vendor_figures') }}
