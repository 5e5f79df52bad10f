-- The categories every source's own analytics matched on an analysed contact, with its source system.
{{ union_sources('vendor_categories') }}
