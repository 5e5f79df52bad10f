-- The vendor values of every source that may name a contact's intent, in the canonical shape, with the source
-- system (the source kind the taxonomy's vendor_values are keyed by).
{{ union_sources('intent_values') }}
