-- What every source's own conversation analytics concluded per analysed contact, with its source system.
{{ union_sources('vendor_contact_analyses') }}
